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

/// Where wasm builds of `krate` go: `target/drivers-build` beside the
/// manifest of its workspace (its own, for a standalone crate).
pub fn default_target_dir(krate: &Path) -> Result<PathBuf, AuthoringError> {
    let manifest = workspace_of(krate)?;
    let root = manifest.parent().unwrap_or(Path::new("."));
    Ok(root.join("target/drivers-build"))
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

/// The root of the NetRaven checkout `dir` is in, if it is in one: a
/// workspace root holding `driver-sdk/` and `drivers/`.
pub fn netraven_checkout(dir: &Path) -> Option<PathBuf> {
    let start = dir.canonicalize().ok()?;
    start
        .ancestors()
        .find(|a| {
            let sdk = std::fs::read_to_string(a.join("driver-sdk/Cargo.toml")).unwrap_or_default();
            sdk.lines()
                .any(|l| l.trim() == r#"name = "netraven-driver-sdk""#)
                && a.join("drivers").is_dir()
                && std::fs::read_to_string(a.join("Cargo.toml"))
                    .is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

/// `to` as a path relative to the directory `from` (both absolute).
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part.as_os_str());
    }
    out
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/sdk_files.rs"));
}

/// Where a new crate's SDK comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdkSource {
    /// Inside a NetRaven checkout: the checkout's own `driver-sdk`, by a
    /// relative path, and the crate inherits the workspace's package
    /// fields and lints, as the bundled drivers do.
    Checkout(PathBuf),
    /// Outside one: a copy of the SDK this binary was built with (and its
    /// WIT contract) under the crate's `vendor/`, so the crate builds on
    /// any machine, offline, and keeps building after NetRaven moves on.
    Vendored,
    /// `--sdk DIR`: that SDK crate, by a path relative to the new crate.
    Path(PathBuf),
}

/// What `driver new` made.
#[derive(Debug)]
pub struct NewDriver {
    pub dir: PathBuf,
    pub sdk: SdkSource,
    /// The case files copied into the crate's `tests/`.
    pub cases: Vec<PathBuf>,
}

/// A value of the SDK's `[package]` the vendored copy spells out instead of
/// inheriting it from the NetRaven workspace.
const VENDORED_PACKAGE: [(&str, &str); 4] = [
    (
        "version.workspace = true",
        concat!("version = \"", env!("CARGO_PKG_VERSION"), "\""),
    ),
    ("edition.workspace = true", "edition = \"2024\""),
    ("rust-version.workspace = true", "rust-version = \"1.95\""),
    ("license.workspace = true", "license = \"Apache-2.0\""),
];

/// The SDK's manifest made standalone: no `workspace = true` left.
fn vendored_manifest(text: &str) -> Result<String, AuthoringError> {
    // Whole lines: `version.workspace` is also the end of `rust-version.workspace`.
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| {
            VENDORED_PACKAGE
                .iter()
                .find(|(inherited, _)| line.trim() == *inherited)
                .map_or_else(|| line.to_string(), |(_, own)| own.to_string())
        })
        .collect();
    lines.push(String::new());
    let mut out = lines.join("\n");
    out = out.replace(
        "[lints]\nworkspace = true",
        "[lints.rust]\nunsafe_code = \"deny\"",
    );
    if out.contains("workspace = true") {
        return Err(AuthoringError::Invalid(
            "the embedded SDK manifest inherits a field `driver new` does not know how to spell out"
                .to_string(),
        ));
    }
    Ok(out)
}

/// Write the embedded SDK and WIT contract under `vendor`: the SDK at
/// `vendor/netraven-driver-sdk` (its wit-bindgen macro reads `../wit`).
fn vendor_sdk(vendor: &Path) -> Result<PathBuf, AuthoringError> {
    for (relative, bytes) in embedded::SDK_FILES {
        let relative = relative.replace('\\', "/");
        let (path, text) = match relative.strip_prefix("driver-sdk/") {
            Some(rest) => {
                let path = vendor.join("netraven-driver-sdk").join(rest);
                if rest == "Cargo.toml" {
                    let manifest = vendored_manifest(&String::from_utf8_lossy(bytes))?;
                    (path, manifest.into_bytes())
                } else {
                    (path, bytes.to_vec())
                }
            }
            None => (vendor.join(&relative), bytes.to_vec()),
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| file_error(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| file_error(&path, e))?;
    }
    Ok(vendor.join("netraven-driver-sdk"))
}

/// Create `parent/<name>/`: a driver crate with a test that replays the
/// recordings in its `tests/`: copies of the `from_cases` (any file of a
/// case, or `DIR/<model>#<description>`), or an example.
pub fn new_driver(
    name: &str,
    parent: &Path,
    sdk: Option<&Path>,
    from_cases: &[PathBuf],
) -> Result<NewDriver, AuthoringError> {
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
    if !parent.is_dir() {
        return Err(file_error(
            parent,
            "no such directory (give an existing --dir)",
        ));
    }
    let parent = parent.canonicalize().map_err(|e| file_error(parent, e))?;
    let dir = parent.join(name);
    if dir.exists() {
        return Err(file_error(
            &dir,
            "already exists; choose another name or remove it",
        ));
    }
    // Read every case before writing anything.
    let mut case_files = Vec::new();
    let mut models: Vec<String> = Vec::new();
    for path in from_cases {
        let files = case_files_of(path)?;
        let model = case_model(&files[0]);
        if !models.contains(&model) {
            models.push(model);
        }
        case_files.extend(files);
    }
    if models.is_empty() {
        models.push(name.to_string());
    }
    let source = match (sdk, netraven_checkout(&parent)) {
        (Some(sdk), _) => {
            let sdk = sdk.canonicalize().map_err(|e| file_error(sdk, e))?;
            if !sdk.join("Cargo.toml").is_file() {
                return Err(file_error(&sdk, "--sdk: not a crate (no Cargo.toml)"));
            }
            SdkSource::Path(sdk)
        }
        (None, Some(root)) => {
            if parent != root.join("drivers") {
                return Err(file_error(
                    &dir,
                    format!(
                        "inside the NetRaven checkout at {}, a driver crate goes in its drivers/ folder (the workspace's members): use --dir {}, or a folder outside the checkout",
                        root.display(),
                        root.join("drivers").display()
                    ),
                ));
            }
            SdkSource::Checkout(root)
        }
        (None, None) => SdkSource::Vendored,
    };

    let tests = dir.join("tests");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| file_error(&dir, e))?;
    std::fs::create_dir_all(&tests).map_err(|e| file_error(&tests, e))?;
    let manifest = match &source {
        SdkSource::Checkout(root) => {
            let sdk = relative_path(&dir, &root.join("driver-sdk"));
            checkout_manifest(name, &sdk)
        }
        SdkSource::Path(sdk) => standalone_manifest(name, &relative_path(&dir, sdk), &parent),
        SdkSource::Vendored => {
            let sdk = vendor_sdk(&dir.join("vendor"))?;
            standalone_manifest(name, &relative_path(&dir, &sdk), &parent)
        }
    };
    let mut files = vec![
        (dir.join("Cargo.toml"), manifest),
        (dir.join("src/lib.rs"), template_lib(name, &models)),
    ];
    if case_files.is_empty() {
        files.push((
            tests.join(format!("{name}#example#simulation.yaml")),
            EXAMPLE_SIMULATION.to_string(),
        ));
        files.push((
            tests.join(format!("{name}#example#output.txt")),
            EXAMPLE_OUTPUT.to_string(),
        ));
    }
    for (path, text) in files {
        std::fs::write(&path, text).map_err(|e| file_error(&path, e))?;
    }
    let mut copied = Vec::new();
    for file in &case_files {
        let dest = tests.join(file.file_name().unwrap_or_default());
        std::fs::copy(file, &dest).map_err(|e| file_error(file, e))?;
        copied.push(dest);
    }
    Ok(NewDriver {
        dir,
        sdk: source,
        cases: copied,
    })
}

/// The files of the case `path` names (any of its files, or
/// `DIR/<model>#<description>`), and its `#vars.yaml` from the corpus's
/// sibling `vars/` folder when it has none beside it.
fn case_files_of(path: &Path) -> Result<Vec<PathBuf>, AuthoringError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| file_error(path, "--from-case: not a case path"))?;
    let mut parts = name.splitn(3, '#');
    let (Some(model), Some(description)) = (parts.next(), parts.next()) else {
        return Err(file_error(
            path,
            "--from-case: a case is DIR/<model>#<description> or one of its files",
        ));
    };
    let prefix = format!("{model}#{description}#");
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let entries = std::fs::read_dir(&dir).map_err(|e| file_error(&dir, e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix))
        })
        .collect();
    files.sort();
    let replayable = files.iter().any(|f| {
        let n = f.to_string_lossy();
        n.ends_with("#simulation.yaml") || n.ends_with("#custom_simulation.yaml")
    });
    if !replayable {
        return Err(file_error(
            &dir.join(format!("{model}#{description}")),
            "--from-case: no #simulation.yaml or #custom_simulation.yaml for this case",
        ));
    }
    let has_vars = files
        .iter()
        .any(|f| f.to_string_lossy().ends_with("#vars.yaml"));
    let sibling = dir
        .parent()
        .map(|p| p.join("vars").join(format!("{prefix}vars.yaml")));
    if let Some(vars) = sibling.filter(|v| !has_vars && v.is_file()) {
        files.push(vars);
    }
    Ok(files)
}

fn case_model(file: &Path) -> String {
    file.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split('#').next())
        .unwrap_or_default()
        .to_string()
}

/// A crate in a NetRaven checkout's `drivers/`, as the bundled ones are.
fn checkout_manifest(name: &str, sdk: &Path) -> String {
    format!(
        r#"[package]
name = "netraven-driver-{name}"
description = "NetRaven driver for {name}"
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
{}
[lints]
workspace = true
"#,
        library(sdk)
    )
}

/// The `[lib]` and SDK dependency tables every driver crate has.
fn library(sdk: &Path) -> String {
    let sdk = sdk.display();
    format!(
        r#"
[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
netraven-driver-sdk = {{ path = "{sdk}" }}

[dev-dependencies]
netraven-driver-sdk = {{ path = "{sdk}", features = ["harness"] }}
"#
    )
}

/// A crate of its own, with the SDK at `sdk` (relative to the crate).
fn standalone_manifest(name: &str, sdk: &Path, parent: &Path) -> String {
    let workspace = if inside_workspace(parent) {
        ""
    } else {
        "\n# A standalone crate: not part of another workspace.\n[workspace]\n"
    };
    format!(
        r#"[package]
name = "netraven-driver-{name}"
description = "NetRaven driver for {name}"
version = "0.1.0"
edition = "2024"
{}{workspace}"#,
        library(sdk)
    )
}

fn template_lib(name: &str, models: &[String]) -> String {
    let models: Vec<String> = models.iter().map(|m| format!("{m:?}")).collect();
    let models = models.join(", ");
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
        // (a session regex: ^ and $ match at line ends) and the comment prefix.
        DriverInfo::shell("{name}", env!("CARGO_PKG_VERSION"), &[{models}], r"^[\w.@()-]+[#>]\s?$", "! ")
    }}

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {{
        session.command("terminal length 0")?;
        let mut backup = String::new();
        // Optional: left out (and logged) when the device refuses it.
        if let Some(version) = session.optional("show version")? {{
            let version = text::cut_echo_and_prompt(&version);
            backup.push_str(&text::comment(&version, &Self::info().comment_prefix));
        }}
        // Essential: refused or empty, the backup fails and nothing is stored.
        backup.push_str(&text::cut_echo_and_prompt(&session.essential("show running-config")?));
        Ok(Backup::config(backup))
    }}

    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {{
        session.send("exit\n")?;
        Ok(())
    }}

    fn redact(config: &str) -> String {{
        text::replace_all(config, &[(r"(?m)^(snmp-server community) \S+", "$1 <secret removed>")])
    }}
}}

netraven_driver_sdk::export_driver!({ty});

#[cfg(test)]
mod tests {{
    use super::*;

    /// Replays every recording in tests/: the backup must equal its
    /// output.txt, and the whole recording must be used (see the driver
    /// author's guide, driver-sdk/GUIDE.md in NetRaven).
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
    fn relative_paths_climb_to_the_common_ancestor() {
        assert_eq!(
            relative_path(Path::new("/a/b/drivers/x"), Path::new("/a/b/driver-sdk")),
            Path::new("../../driver-sdk")
        );
        assert_eq!(
            relative_path(Path::new("/a/x"), Path::new("/a/x/vendor/sdk")),
            Path::new("vendor/sdk")
        );
    }

    #[test]
    fn the_vendored_sdk_manifest_inherits_nothing_and_parses() {
        let (_, bytes) = embedded::SDK_FILES
            .iter()
            .find(|(p, _)| *p == "driver-sdk/Cargo.toml")
            .expect("the SDK manifest is embedded");
        let text = vendored_manifest(&String::from_utf8_lossy(bytes)).expect("standalone");
        let doc: toml::Table = text.parse().expect("valid TOML");
        assert_eq!(doc["package"]["name"].as_str(), Some("netraven-driver-sdk"));
        assert_eq!(doc["package"]["edition"].as_str(), Some("2024"));
        assert_eq!(doc["package"]["rust-version"].as_str(), Some("1.95"));
        assert_eq!(
            doc["package"]["version"].as_str(),
            Some(env!("CARGO_PKG_VERSION"))
        );
        assert!(!text.contains("workspace"), "{text}");
        assert!(
            embedded::SDK_FILES
                .iter()
                .any(|(p, _)| p.ends_with("driver.wit")),
            "the WIT contract is embedded"
        );
    }

    /// A directory shaped like a NetRaven checkout.
    fn fake_checkout() -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("tempdir");
        let r = root.path();
        std::fs::write(
            r.join("Cargo.toml"),
            "[workspace]\nmembers = [\"drivers/*\"]\n",
        )
        .unwrap();
        std::fs::create_dir_all(r.join("driver-sdk")).unwrap();
        std::fs::write(
            r.join("driver-sdk/Cargo.toml"),
            "[package]\nname = \"netraven-driver-sdk\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(r.join("drivers")).unwrap();
        root
    }

    #[test]
    fn in_a_checkout_the_crate_is_made_like_the_bundled_ones() {
        let root = fake_checkout();
        let made = new_driver("acme", &root.path().join("drivers"), None, &[]).unwrap();
        assert!(matches!(made.sdk, SdkSource::Checkout(_)));
        let manifest = std::fs::read_to_string(made.dir.join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(r#"netraven-driver-sdk = { path = "../../driver-sdk" }"#),
            "{manifest}"
        );
        assert!(manifest.contains("version.workspace = true"), "{manifest}");
        assert!(manifest.contains("[lints]\nworkspace = true"), "{manifest}");
        assert!(!manifest.contains("[workspace]"), "{manifest}");
        assert!(!made.dir.join("vendor").exists());

        // Elsewhere in the checkout it would be no workspace member.
        let err = new_driver("other", root.path(), None, &[]).unwrap_err();
        assert!(
            err.to_string().contains("goes in its drivers/ folder"),
            "{err}"
        );
    }

    #[test]
    fn outside_a_checkout_the_crate_carries_its_own_sdk_copy() {
        let parent = tempfile::tempdir().unwrap();
        let made = new_driver("acme", parent.path(), None, &[]).unwrap();
        assert_eq!(made.sdk, SdkSource::Vendored);
        let manifest = std::fs::read_to_string(made.dir.join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(r#"netraven-driver-sdk = { path = "vendor/netraven-driver-sdk" }"#),
            "{manifest}"
        );
        assert!(manifest.contains("[workspace]"), "{manifest}");
        assert!(
            made.dir
                .join("vendor/netraven-driver-sdk/src/lib.rs")
                .is_file()
        );
        assert!(made.dir.join("vendor/wit/driver.wit").is_file());
    }

    #[test]
    fn from_case_copies_every_file_of_the_case_and_names_its_model() {
        let corpus = tempfile::tempdir().unwrap();
        let cases = corpus.path().join("cases");
        std::fs::create_dir_all(&cases).unwrap();
        std::fs::create_dir_all(corpus.path().join("vars")).unwrap();
        for f in [
            "onyx#sn2100#simulation.yaml",
            "onyx#sn2100#output.txt",
            "onyx#other#output.txt",
        ] {
            std::fs::write(cases.join(f), "x").unwrap();
        }
        std::fs::write(
            corpus.path().join("vars/onyx#sn2100#vars.yaml"),
            "vars: {}\n",
        )
        .unwrap();
        let parent = tempfile::tempdir().unwrap();
        let made = new_driver("mlnx", parent.path(), None, &[cases.join("onyx#sn2100")]).unwrap();
        let mut names: Vec<String> = made
            .cases
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "onyx#sn2100#output.txt",
                "onyx#sn2100#simulation.yaml",
                "onyx#sn2100#vars.yaml"
            ]
        );
        let lib = std::fs::read_to_string(made.dir.join("src/lib.rs")).unwrap();
        assert!(lib.contains(r#"&["onyx"]"#), "{lib}");
        assert!(!made.dir.join("tests/mlnx#example#output.txt").exists());

        let err = new_driver("none", parent.path(), None, &[cases.join("onyx#other")]).unwrap_err();
        assert!(err.to_string().contains("no #simulation.yaml"), "{err}");
        assert!(
            !parent.path().join("none").exists(),
            "nothing written on a bad case"
        );
    }

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
