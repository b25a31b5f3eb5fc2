//! The `netraven` binary as users and CI run it.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn netraven(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netraven"))
        .args(args)
        .current_dir(cwd)
        .env(
            "NETRAVEN_CONFIG",
            support::root().join("config/environments/dev.toml"),
        )
        .output()
        .expect("run netraven")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Checks the corpus holds: one per output, secret, significant_changes,
/// prompt and custom_simulation file, and a replay check per replayed
/// recording whose `#vars.yaml` does not excuse it (`lenient_replay`).
fn expected_checks() -> usize {
    let names: Vec<String> = std::fs::read_dir(support::corpus())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    let kind_of = |name: &str| -> Option<(String, String)> {
        let parts: Vec<&str> = name.splitn(3, '#').collect();
        (parts.len() == 3).then(|| (format!("{}#{}", parts[0], parts[1]), parts[2].to_string()))
    };
    let has = |case: &str, kind: &str| names.iter().any(|n| n == &format!("{case}#{kind}"));
    let lenient = |case: &str| {
        std::fs::read_to_string(support::root().join(format!("tests/corpus/vars/{case}#vars.yaml")))
            .is_ok_and(|t| t.lines().any(|l| l.starts_with("lenient_replay:")))
    };
    let mut checks = 0;
    for (case, kind) in names.iter().filter_map(|n| kind_of(n)) {
        match kind.as_str() {
            "output.txt" | "secret.yaml" | "significant_changes.yaml" | "prompt.yaml" => {
                checks += 1
            }
            "custom_simulation.yaml" => checks += 1 + usize::from(!lenient(&case)),
            "simulation.yaml" => {
                let checked = ["output.txt", "secret.yaml", "significant_changes.yaml"]
                    .iter()
                    .any(|k| has(&case, k));
                checks += usize::from(checked && !lenient(&case));
            }
            _ => {}
        }
    }
    checks
}

/// `netraven driver test [extra] --corpus CORPUS` with every bundled driver,
/// over the Oxidized corpus.
fn driver_test_over_the_corpus(extra: &[&str]) -> Output {
    driver_test_over(&support::corpus(), extra)
}

/// `netraven driver test [extra] --corpus DIR` with every bundled driver.
fn driver_test_over(corpus: &Path, extra: &[&str]) -> Output {
    let bundled = support::bundled();
    let names: Vec<&str> = bundled.iter().map(String::as_str).collect();
    let dir = support::drivers_dir(&names);
    let drivers = dir.path().display().to_string();
    let corpus = corpus.display().to_string();
    let mut args = vec!["driver", "test"];
    args.extend(extra);
    args.extend(["--drivers", &drivers, "--corpus", &corpus]);
    netraven(&args, dir.path())
}

#[test]
fn corpus_run_passes_every_check_of_the_corpus() {
    let out = driver_test_over_the_corpus(&[]);
    let stdout = text(&out.stdout);
    let expected = expected_checks();
    // The Oxidized corpus holds 47 sessions; fewer checks means files went missing.
    assert!(expected >= 80, "corpus lost its cases? {expected}");
    assert!(
        stdout
            .lines()
            .any(|l| l == format!("{expected} passed, 0 failed")),
        "stdout:\n{stdout}\nstderr:\n{}",
        text(&out.stderr)
    );
    assert!(out.status.success());
    // Every model of the corpus has a driver.
    assert!(!stdout.contains("skipped models"), "{stdout}");
}

#[test]
fn chaos_run_passes_every_change_of_every_recording() {
    let out = driver_test_over_the_corpus(&["--chaos"]);
    let stdout = text(&out.stdout);
    let recordings = std::fs::read_dir(support::corpus())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with("#simulation.yaml") || n.ends_with("#custom_simulation.yaml"))
        .count();
    let last = stdout.lines().last().unwrap_or_default();
    let (passed, failed) = last
        .strip_suffix(" failed")
        .and_then(|l| l.split_once(" passed, "))
        .unwrap_or_else(|| panic!("no summary line:\n{stdout}\n{}", text(&out.stderr)));
    let passed: usize = passed.parse().unwrap();
    assert_eq!(
        failed,
        "0",
        "{}",
        stdout
            .lines()
            .filter(|l| l.starts_with("FAIL"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        passed >= 10 * recordings,
        "{passed} chaos checks for {recordings} recordings: fewer than ten each"
    );
    // A line per check, each change named, the refusals among them.
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok   ")).count(),
        passed
    );
    for change in [
        "chaos banner",
        "chaos reject \"show running-config\"",
        "chaos essential",
        "chaos closed mid-output",
        "chaos 50 MB configuration",
    ] {
        assert!(stdout.contains(change), "{change} missing:\n{stdout}");
    }
    assert!(out.status.success());
}

#[test]
fn our_own_corpus_passes_its_checks_and_the_chaos_replay() {
    own_corpus_passes("tests/corpus/netraven");
}

/// The scripted sessions of platforms with no published recording: each
/// backup equals what Oxidized's model code stores for the session.
#[test]
fn the_conformance_sessions_pass_their_checks_and_the_chaos_replay() {
    own_corpus_passes("tests/corpus/conformance");
}

/// Every check of the corpus at `dir` passes through the sandbox, plainly
/// and with the chaos replay, and each model there has a driver.
fn own_corpus_passes(dir: &str) {
    let corpus = support::root().join(dir);
    let sessions = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with("#simulation.yaml"))
        .count();
    assert!(sessions > 0, "no session in {}", corpus.display());
    for extra in [&[][..], &["--chaos"]] {
        let out = driver_test_over(&corpus, extra);
        let stdout = text(&out.stdout);
        let last = stdout.lines().last().unwrap_or_default();
        let passed: usize = last
            .strip_suffix(" passed, 0 failed")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{extra:?}: {last}\n{stdout}\n{}", text(&out.stderr)));
        // At least the output and replay checks of each session.
        assert!(
            passed >= 2 * sessions,
            "{extra:?}: {passed} checks for {sessions} sessions"
        );
        assert!(!stdout.contains("skipped models"), "{stdout}");
        assert!(out.status.success());
    }
}

#[test]
fn a_changed_golden_file_fails_with_a_unified_diff() {
    let drivers = support::drivers_dir(&["ios"]);
    let cases = tempfile::tempdir().unwrap();
    let case = "ios#C9200L-24P-4G_17.09.04a";
    for kind in ["simulation.yaml", "output.txt"] {
        std::fs::copy(
            support::corpus().join(format!("{case}#{kind}")),
            cases.path().join(format!("{case}#{kind}")),
        )
        .unwrap();
    }
    let golden = cases.path().join(format!("{case}#output.txt"));
    let edited = std::fs::read_to_string(&golden)
        .unwrap()
        .replace("hostname LAB-SW123_9200L", "hostname OTHER");
    std::fs::write(&golden, edited).unwrap();

    let out = netraven(
        &[
            "driver",
            "test",
            "--drivers",
            &drivers.path().display().to_string(),
            "ios",
            &golden.display().to_string(),
        ],
        drivers.path(),
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("FAIL {case} output")), "{stdout}");
    assert!(stdout.contains("-hostname OTHER"), "{stdout}");
    assert!(stdout.contains("+hostname LAB-SW123_9200L"), "{stdout}");
    // The replay itself was whole: only the output differs.
    assert!(stdout.contains(&format!("ok   {case} replay")), "{stdout}");
    assert!(
        stdout.lines().any(|l| l == "1 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn drivers_list_shows_name_version_models_file_and_sha256() {
    let dir = support::drivers_dir(&["ios", "junos"]);
    let out = netraven(
        &[
            "drivers",
            "list",
            "--json",
            "--drivers",
            &dir.path().display().to_string(),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let drivers = listing["drivers"].as_array().unwrap();
    assert_eq!(drivers.len(), 2);
    let ios = drivers.iter().find(|d| d["name"] == "ios").unwrap();
    assert_eq!(ios["models"][0], "ios");
    assert_eq!(ios["contract"], "0.1.0");
    let bytes = std::fs::read(dir.path().join("ios.wasm")).unwrap();
    assert_eq!(ios["sha256"], netraven_sandbox::catalog::sha256_hex(&bytes));
    assert!(ios["file"].as_str().unwrap().ends_with("ios.wasm"));
    let junos = drivers.iter().find(|d| d["name"] == "junos").unwrap();
    assert_eq!(junos["mode"], "exec");
}

#[test]
fn unknown_driver_name_is_a_one_line_error_listing_the_loaded_ones() {
    let dir = support::drivers_dir(&["ios"]);
    let case = support::corpus().join("ios#generic#prompt.yaml");
    let out = netraven(
        &[
            "driver",
            "test",
            "--drivers",
            &dir.path().display().to_string(),
            "acme",
            &case.display().to_string(),
        ],
        dir.path(),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no driver named \"acme\"") && stderr.contains("ios"),
        "{stderr}"
    );
}

#[test]
fn malformed_config_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[runtime]\nmemory_mib = \"lots\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_netraven"))
        .args(["--config", &config.display().to_string(), "drivers", "list"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("bad.toml: line 2:"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn driver_new_scaffolds_a_crate_that_builds_for_wasm_and_passes_its_example() {
    let parent = tempfile::tempdir().unwrap();
    let out = netraven(
        &[
            "driver",
            "new",
            "acmeos",
            "--dir",
            &parent.path().display().to_string(),
        ],
        parent.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let krate = parent.path().join("acmeos");
    let target = support::root().join("target/scaffold-test");

    // Its own example test passes natively...
    let test = Command::new(env!("CARGO"))
        .args(["test", "--quiet"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "{}\n{}",
        text(&test.stdout),
        text(&test.stderr)
    );
    assert!(
        text(&test.stdout).contains("1 passed"),
        "{}",
        text(&test.stdout)
    );

    // ...and, built for wasm in the same step, through the host's harness:
    // the backup, and the replay that used the whole recording (logout too).
    let out = netraven(
        &[
            "driver",
            "test",
            "--crate",
            &krate.display().to_string(),
            "--target-dir",
            &target.display().to_string(),
        ],
        parent.path(),
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("ok   acmeos#example output\n"), "{stdout}");
    assert!(stdout.contains("ok   acmeos#example replay\n"), "{stdout}");
    assert!(
        stdout.lines().any(|l| l == "2 passed, 0 failed"),
        "{stdout}"
    );

    // `driver build` installs it and compiles it for this host ahead of
    // time, into the cache a job reads: the first job starts warm.
    let drivers = parent.path().join("drivers");
    let out = netraven(
        &[
            "driver",
            "build",
            &krate.display().to_string(),
            "--drivers",
            &drivers.display().to_string(),
            "--target-dir",
            &target.display().to_string(),
        ],
        parent.path(),
    );
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(drivers.join("acmeos.wasm").is_file(), "{stderr}");
    assert!(stderr.contains("precompiled 1 driver(s)"), "{stderr}");
    let cache = parent.path().join("data/cache/drivers");
    let precompiled: Vec<_> = std::fs::read_dir(&cache)
        .unwrap_or_else(|e| panic!("{}: {e}\n{stderr}", cache.display()))
        .flatten()
        .flat_map(|engine| {
            std::fs::read_dir(engine.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .filter(|f| f.path().extension().is_some_and(|e| e == "cwasm"))
        .collect();
    assert_eq!(precompiled.len(), 1, "{stderr}");
    // The entry is for the installed file, which carries the driver's
    // description (so a job need not compile it to route devices to it).
    let installed = std::fs::read(drivers.join("acmeos.wasm")).unwrap();
    assert_eq!(
        precompiled[0].path().file_stem().unwrap().to_string_lossy(),
        netraven_sandbox::catalog::sha256_hex(&installed),
        "{stderr}"
    );
    assert!(
        installed
            .windows(b"netraven-driver-info".len())
            .any(|w| w == b"netraven-driver-info"),
        "no description in the installed driver"
    );

    // The crate carries its own copy of the SDK: nothing points back into
    // the tree this binary was built from.
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(r#"path = "vendor/netraven-driver-sdk""#),
        "{manifest}"
    );
    assert!(
        !manifest.contains(&support::root().display().to_string()),
        "{manifest}"
    );
}

#[test]
fn completions_and_manual_pages_come_from_the_command_line_itself() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (shell, sign) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef netraven"),
        ("fish", "complete -c netraven"),
    ] {
        let out = netraven(&["completions", shell], dir.path());
        assert!(out.status.success(), "{}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.contains(sign), "{shell}: {script}");
        // Commands and their flags are offered.
        assert!(
            script.contains("run-job") && script.contains("--inventory"),
            "{shell}"
        );
    }
    let out = netraven(&["completions", "tcsh"], dir.path());
    assert_eq!(out.status.code(), Some(2));

    let man = dir.path().join("man");
    let out = netraven(&["man", "--out", &man.display().to_string()], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(man.join("netraven.1")).expect("netraven.1");
    assert!(
        page.starts_with(".ie") || page.contains(".TH netraven"),
        "{page}"
    );
    assert!(page.contains("run\\-job"), "{page}");
    let search = std::fs::read_to_string(man.join("netraven-search.1")).expect("netraven-search.1");
    assert!(search.contains("Ignore case"), "{search}");
}

#[test]
fn a_compiled_driver_in_a_folder_others_can_write_is_refused_and_compiled_afresh() {
    use std::os::unix::fs::PermissionsExt;
    let dir = support::drivers_dir(&["ios"]);
    let cache = tempfile::tempdir().expect("cache dir");
    let list = || {
        Command::new(env!("CARGO_BIN_EXE_netraven"))
            .args(["drivers", "list", "--drivers"])
            .arg(dir.path())
            .current_dir(dir.path())
            .env(
                "NETRAVEN_CONFIG",
                support::root().join("config/environments/dev.toml"),
            )
            .env("NETRAVEN_RUNTIME_CACHE_DIR", cache.path())
            .env_remove("NETRAVEN_LOG")
            .output()
            .expect("run netraven")
    };
    let first = list();
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        !text(&first.stderr).contains("refusing"),
        "{}",
        text(&first.stderr)
    );
    // The engine's folder inside the cache, holding ios's compiled entry.
    let folder = std::fs::read_dir(cache.path())
        .expect("cache")
        .map(|e| e.expect("entry").path())
        .find(|p| p.is_dir())
        .expect("the compiled drivers' folder");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let second = list();
    let stderr = text(&second.stderr);
    assert!(second.status.success(), "{stderr}");
    assert!(
        stderr.contains("refusing the compiled driver")
            && stderr.contains(&format!(
                "{} is writable by others (mode 777)",
                folder.display()
            ))
            && stderr.contains("chmod go-w"),
        "{stderr}"
    );
    assert!(
        text(&second.stdout).contains("ios"),
        "the driver still loads"
    );
}
