//! For driver authors: `netraven driver new` scaffolds a crate and
//! `netraven driver build` compiles crates to `.wasm` components.
//!
//! May use: cargo (as a child process) and toml. Must not use: any other
//! host crate: building a driver needs no sandbox, device or database.

use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum AuthoringError {
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
    #[error("cargo failed for {krate}: {message}")]
    Cargo { krate: PathBuf, message: String },
}

fn file_error(path: &Path, e: impl std::fmt::Display) -> AuthoringError {
    AuthoringError::File {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The SDK this binary was built with, for new crates' path dependency.
pub fn bundled_sdk() -> PathBuf {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../driver-sdk");
    sdk.canonicalize().unwrap_or(sdk)
}

/// The `[package] name` of a crate.
fn package_name(krate: &Path) -> Result<String, AuthoringError> {
    let manifest = krate.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| file_error(&manifest, e))?;
    let doc: toml::Table = text.parse().map_err(|e| file_error(&manifest, e))?;
    doc.get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string)
        .ok_or_else(|| file_error(&manifest, "no [package] name"))
}

/// Every crate directly under `dir` (directories holding a Cargo.toml).
pub fn crates_in(dir: &Path) -> Result<Vec<PathBuf>, AuthoringError> {
    let entries = std::fs::read_dir(dir).map_err(|e| file_error(dir, e))?;
    let mut crates: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    crates.sort();
    Ok(crates)
}

/// The target drivers are built for.
const WASM_TARGET: &str = "wasm32-wasip2";

/// Add the wasm target through rustup when the toolchain lacks it. rustup
/// installs the targets `rust-toolchain.toml` lists only when it installs
/// the toolchain itself: a machine that already had the toolchain fails the
/// first driver build with "can't find crate for `core`".
fn ensure_wasm_target() -> Result<(), AuthoringError> {
    // One check (and at most one `rustup target add`) at a time: the tests
    // build drivers from several threads at once.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let libdir = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .args(["--print", "target-libdir", "--target", WASM_TARGET])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if libdir.as_deref().is_some_and(target_installed) {
        return Ok(());
    }
    let missing = |message: String| AuthoringError::Cargo {
        krate: PathBuf::from(WASM_TARGET),
        message,
    };
    eprintln!(
        "the {WASM_TARGET} target is not installed: adding it with `rustup target add {WASM_TARGET}`"
    );
    let status = Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .status()
        .map_err(|e| {
            missing(format!(
                "not installed, and rustup cannot run ({e}): install the {WASM_TARGET} target for your Rust toolchain"
            ))
        })?;
    if !status.success() {
        return Err(missing(format!(
            "not installed, and `rustup target add {WASM_TARGET}` failed ({status})"
        )));
    }
    Ok(())
}

/// Whether a target's library directory holds its standard library.
fn target_installed(libdir: &Path) -> bool {
    std::fs::read_dir(libdir).is_ok_and(|entries| {
        entries
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().starts_with("libcore-"))
    })
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The manifest of the workspace `krate` belongs to (its own if none).
fn workspace_of(krate: &Path) -> Result<PathBuf, AuthoringError> {
    let output = cargo()
        .args([
            "locate-project",
            "--workspace",
            "--message-format",
            "plain",
            "--manifest-path",
        ])
        .arg(krate.join("Cargo.toml"))
        .output()
        .map_err(|e| AuthoringError::Cargo {
            krate: krate.to_path_buf(),
            message: format!("cannot run cargo: {e}"),
        })?;
    if !output.status.success() {
        return Err(AuthoringError::Cargo {
            krate: krate.to_path_buf(),
            message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    Ok(PathBuf::from(
        String::from_utf8_lossy(&output.stdout).trim(),
    ))
}

/// Build each crate for wasm32-wasip2 (release, size-optimised) and copy
/// its component to `out_dir/<crate dir name>.wasm`. Crates of one
/// workspace build in one cargo run, in parallel. Returns the files.
pub fn build_drivers(
    crates: &[PathBuf],
    out_dir: &Path,
    target_dir: &Path,
) -> Result<Vec<PathBuf>, AuthoringError> {
    std::fs::create_dir_all(out_dir).map_err(|e| file_error(out_dir, e))?;
    ensure_wasm_target()?;
    let mut groups: Vec<(PathBuf, Vec<(PathBuf, String)>)> = Vec::new();
    for krate in crates {
        let workspace = workspace_of(krate)?;
        let member = (krate.clone(), package_name(krate)?);
        match groups.iter_mut().find(|(w, _)| *w == workspace) {
            Some((_, members)) => members.push(member),
            None => groups.push((workspace, vec![member])),
        }
    }
    let mut built = Vec::new();
    for (workspace, members) in &groups {
        let mut command = cargo();
        command
            .args([
                "build",
                "--release",
                "--target",
                "wasm32-wasip2",
                "--manifest-path",
            ])
            .arg(workspace)
            .arg("--target-dir")
            .arg(target_dir)
            // Drivers optimised for speed (opt-level 3 ran the IOS backup
            // about 15% faster than "s", at the same size after LTO and
            // stripping), one codegen unit, no symbols
            // (`NETRAVEN_DRIVER_SYMBOLS=1` keeps function names, so that
            // `perf` with `NETRAVEN_WASM_PERFMAP=1` can name driver code).
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
            .env("CARGO_PROFILE_RELEASE_LTO", "true")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
            .env(
                "CARGO_PROFILE_RELEASE_STRIP",
                if keep_symbols() { "false" } else { "true" },
            )
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false");
        for (_, package) in members {
            command.args(["-p", package]);
        }
        let output = command.output().map_err(|e| AuthoringError::Cargo {
            krate: workspace.clone(),
            message: format!("cannot run cargo: {e}"),
        })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let errors: Vec<&str> = stderr
                .lines()
                .filter(|l| l.starts_with("error") || l.contains("-->"))
                .take(10)
                .collect();
            return Err(AuthoringError::Cargo {
                krate: workspace.clone(),
                message: if errors.is_empty() {
                    stderr.lines().last().unwrap_or("unknown error").to_string()
                } else {
                    errors.join(" | ")
                },
            });
        }
        for (krate, package) in members {
            let artifact = target_dir
                .join("wasm32-wasip2/release")
                .join(format!("{}.wasm", package.replace('-', "_")));
            let name = krate
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| package.clone());
            let dest = out_dir.join(format!("{name}.wasm"));
            // Copy then rename: a host loading the directory meanwhile sees
            // the old driver or the new one, never half a file.
            let partial = out_dir.join(format!(".{name}.wasm.partial"));
            std::fs::copy(&artifact, &partial).map_err(|e| file_error(&artifact, e))?;
            std::fs::rename(&partial, &dest).map_err(|e| file_error(&dest, e))?;
            built.push(dest);
        }
    }
    Ok(built)
}

/// Is `dir` inside a Cargo workspace (so a new crate must not declare one)?
fn inside_workspace(dir: &Path) -> bool {
    let start = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    start.ancestors().any(|a| {
        std::fs::read_to_string(a.join("Cargo.toml"))
            .map(|t| t.lines().any(|l| l.trim() == "[workspace]"))
            .unwrap_or(false)
    })
}

/// Create `parent/<name>/`: a driver crate with an example transcript and
/// a test that replays it.
pub fn new_driver(name: &str, parent: &Path, sdk: &Path) -> Result<PathBuf, AuthoringError> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.starts_with(|c: char| c.is_ascii_lowercase());
    if !valid {
        return Err(AuthoringError::Invalid(format!(
            "driver name {name:?}: use lowercase letters, digits and '_', starting with a letter (the Oxidized model name, e.g. \"ios\")"
        )));
    }
    let dir = parent.join(name);
    if dir.exists() {
        return Err(file_error(
            &dir,
            "already exists; choose another name or remove it",
        ));
    }
    let tests = dir.join("tests");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| file_error(&dir, e))?;
    std::fs::create_dir_all(&tests).map_err(|e| file_error(&tests, e))?;
    let workspace = if inside_workspace(parent) {
        ""
    } else {
        "\n# A standalone crate: not part of another workspace.\n[workspace]\n"
    };
    let sdk = sdk.display();
    let files = [
        (
            dir.join("Cargo.toml"),
            format!(
                r#"[package]
name = "netraven-driver-{name}"
version = "0.1.0"
edition = "2024"

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
netraven-driver-sdk = {{ path = "{sdk}" }}

[dev-dependencies]
netraven-driver-sdk = {{ path = "{sdk}", features = ["harness"] }}
{workspace}"#
            ),
        ),
        (dir.join("src/lib.rs"), template_lib(name)),
        (
            tests.join(format!("{name}#example#simulation.yaml")),
            EXAMPLE_SIMULATION.to_string(),
        ),
        (
            tests.join(format!("{name}#example#output.txt")),
            EXAMPLE_OUTPUT.to_string(),
        ),
    ];
    for (path, text) in files {
        std::fs::write(&path, text).map_err(|e| file_error(&path, e))?;
    }
    Ok(dir)
}

fn template_lib(name: &str) -> String {
    let ty: String = name
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    format!(
        r#"//! NetRaven driver for {name}.
//!
//! Checked against: (list the OS versions of your transcripts here).

use netraven_driver_sdk::prelude::*;

pub struct {ty};

impl Driver for {ty} {{
    fn info() -> DriverInfo {{
        // Name, version, the Oxidized model names handled, the prompt regex
        // (multi-line: ^ and $ match at line ends) and the comment prefix.
        DriverInfo::shell("{name}", env!("CARGO_PKG_VERSION"), &["{name}"], r"^[\w.@()-]+[#>]\s?$", "! ")
    }}

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {{
        session.command("terminal length 0")?;
        let version = text::cut_echo_and_prompt(&session.command("show version")?);
        let config = text::cut_echo_and_prompt(&session.command("show running-config")?);
        Ok(Backup::config(text::comment(&version, &Self::info().comment_prefix) + &config))
    }}

    fn redact(config: &str) -> String {{
        text::replace_all(config, &[(r"(?m)^(snmp-server community) \S+", "$1 <secret removed>")])
    }}
}}

netraven_driver_sdk::export_driver!({ty});

#[cfg(test)]
mod tests {{
    use super::*;

    /// Replays every transcript in tests/ and compares with its output.txt.
    #[test]
    fn example_transcripts_pass() {{
        netraven_driver_sdk::harness::assert_corpus::<{ty}>(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"));
    }}
}}
"#
    )
}

const EXAMPLE_SIMULATION: &str = r#"init_prompt: |-
  lab-router#
commands:
  "terminal length 0\n": |-
    terminal length 0
    lab-router#
  "show version\n": |-
    show version
    Example OS 1.0
    lab-router#
  "show running-config\n": |-
    show running-config
    hostname lab-router
    snmp-server community s3cret RO
    lab-router#
  "exit\n": ""
"#;

const EXAMPLE_OUTPUT: &str =
    "! Example OS 1.0\nhostname lab-router\nsnmp-server community s3cret RO\n";

/// Whether driver builds keep their function names, for profiling.
fn keep_symbols() -> bool {
    std::env::var_os("NETRAVEN_DRIVER_SYMBOLS").is_some_and(|v| v == "1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_counts_as_installed_only_with_its_core_library() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(!target_installed(&dir.path().join("absent")));
        assert!(!target_installed(dir.path()));
        std::fs::write(dir.path().join("libstd-0123.rlib"), b"").expect("write");
        assert!(!target_installed(dir.path()));
        std::fs::write(dir.path().join("libcore-0123.rlib"), b"").expect("write");
        assert!(target_installed(dir.path()));
    }
}
