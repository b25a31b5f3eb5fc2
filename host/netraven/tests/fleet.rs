//! Backups over real SSH against `netraven-sim`: the whole corpus, every
//! fault mode, a mixed fleet, recording, and the `netraven backup` command.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use netraven_driver_sdk::Mode;
use netraven_driver_sdk::harness::checks::case_vars;
use netraven_driver_sdk::harness::{ReplaySession, Transcript};
use netraven_inventory::Device;
use netraven_jobs::fleet::{DeviceResult, Fleet};
use netraven_sandbox::instance::DriverInstance;
use netraven_session::DeviceSession;
use netraven_session::outcome::ErrorClass;
use netraven_transport::Transport;
use netraven_transport::ssh::{self, Algorithms, MemoryHostKeys, SshSession};
use support::sim::{Sim, var};

async fn fleet(drivers: &[&str], deadline_secs: u64) -> (Arc<Fleet>, tempfile::TempDir) {
    let (runtime, catalog, dir) = support::load_with(drivers, |c| {
        c.deadline_secs = deadline_secs;
        c.max_instances = 64;
    })
    .await;
    let fleet = Fleet {
        runtime,
        catalog: Arc::new(catalog),
        host_keys: Arc::new(MemoryHostKeys::default()),
        redact: false,
    };
    (Arc::new(fleet), dir)
}

/// The recording a corpus case id names.
fn transcript_of(case: &str) -> PathBuf {
    let corpus = support::corpus();
    let plain = corpus.join(format!("{case}#simulation.yaml"));
    if plain.exists() {
        plain
    } else {
        corpus.join(format!("{case}#custom_simulation.yaml"))
    }
}

fn vars_file(case: &str) -> Option<PathBuf> {
    let path = support::root().join(format!("tests/corpus/vars/{case}#vars.yaml"));
    path.exists().then_some(path)
}

/// The same device, replayed from its recording through the same driver.
async fn replay(fleet: &Fleet, device: &Device, transcript: &Path) -> String {
    let case = var(device, "sim_case").expect("sim_case");
    let driver = fleet.catalog.for_model(&device.model).expect("a driver");
    let secrets = case_vars(vars_file(case).as_deref()).expect("vars");
    let session = ReplaySession::new(
        Transcript::load(transcript).expect("transcript"),
        driver.info.mode,
        &driver.info.prompt,
    )
    .expect("session")
    .with_secrets(&secrets.password, &secrets.enable);
    let mut instance = DriverInstance::new(&fleet.runtime, driver, Box::new(session), &device.name)
        .await
        .expect("instance");
    instance
        .backup(&device.for_driver())
        .await
        .unwrap_or_else(|f| panic!("{case}: replay failed: {f}"))
        .config
}

/// Every corpus case served by the simulator (with `extra` flags) backs up
/// exactly as its recording replays through the same driver. Over telnet a
/// driver that runs each command on its own SSH channel, or fetches its
/// configuration as a file, cannot work, and says so.
async fn corpus_backs_up_as_it_replays(extra: &[&str], over: &str) {
    let names = support::bundled();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let (fleet, _dir) = fleet(&names, 60).await;
    let mut args = vec!["--corpus", "tests/corpus/oxidized"];
    args.extend(extra);
    let sim = Sim::start(&args);
    let devices = sim.devices();
    let recordings = std::fs::read_dir(support::corpus())
        .expect("corpus")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with("simulation.yaml"))
        .count();
    assert_eq!(devices.len(), recordings, "one device per recording");

    let results = fleet.backup_all(devices.clone(), 16, |_| {}).await;
    let (mut compared, mut ssh_only) = (0, 0);
    for (device, result) in devices.iter().zip(&results) {
        let case = var(device, "sim_case").expect("sim_case");
        let mode = fleet
            .catalog
            .for_model(&device.model)
            .expect("a driver")
            .info
            .mode;
        let backup = match (&result.outcome, over, mode) {
            (Err(f), "telnet", Mode::Exec) => {
                assert_eq!(f.class, ErrorClass::InvalidDevice, "{case}: {f}");
                assert!(f.message.contains("telnet cannot carry it"), "{case}: {f}");
                ssh_only += 1;
                continue;
            }
            // A shell driver that fetches its configuration as a file.
            (Err(f), "telnet", Mode::Shell)
                if f.message.contains("telnet has no file transfer") =>
            {
                ssh_only += 1;
                continue;
            }
            (Ok(backup), _, _) => &backup.config,
            (Err(f), _, _) => panic!("{case}: backup over {over} failed: {f}"),
        };
        let replayed = replay(&fleet, device, &transcript_of(case)).await;
        assert!(
            *backup == replayed,
            "{case}: over {over} differs from the replay:\n{}",
            netraven_driver_sdk::harness::checks::unified_diff(&replayed, backup)
        );
        compared += 1;
    }
    assert_eq!(compared + ssh_only, recordings);
    if over == "telnet" {
        assert!(compared > recordings / 2, "{compared} of {recordings}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_corpus_case_backs_up_over_ssh_exactly_as_it_replays() {
    corpus_backs_up_as_it_replays(&[], "ssh").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shell_corpus_case_backs_up_over_telnet_exactly_as_it_replays() {
    corpus_backs_up_as_it_replays(&["--telnet"], "telnet").await;
}

const FAULTS: [(&str, Option<ErrorClass>); 13] = [
    ("refuse", Some(ErrorClass::ConnectionRefused)),
    ("reject-password", Some(ErrorClass::AuthFailed)),
    ("hang-before-prompt", Some(ErrorClass::PromptTimeout)),
    ("hang-mid-output", Some(ErrorClass::PromptTimeout)),
    ("disconnect-mid-output", Some(ErrorClass::ConnectionClosed)),
    ("trickle", None),
    ("endless", Some(ErrorClass::PromptTimeout)),
    ("garbage", Some(ErrorClass::PromptTimeout)),
    // The simulator's inventory opts this device into the legacy set.
    ("legacy-only", None),
    ("changed-host-key", Some(ErrorClass::HostKeyChanged)),
    // The configuration refused at the user prompt: no backup without it.
    ("user-mode", Some(ErrorClass::CommandRejected)),
    // The essential command refused: fail, never store the comments alone.
    (
        "reject:show running-config",
        Some(ErrorClass::CommandRejected),
    ),
    // An optional command refused: backed up without it (checked below).
    ("reject:show inventory", None),
];

/// A login banner with lines that look like prompts and pagers; the fault
/// is added with the file's path, and the backup must not change.
const BANNER: &str = "*** Authorised access only ***\nswitch#\nswitch>\n --More-- \nPress any key to continue\nPassword:\n";

/// `actual` is `reference` without one run of lines, the whole part one
/// optional command gave (its comment lines, one of which holds `marker`).
fn assert_one_part_left_out(reference: &str, actual: &str, marker: &str) {
    let want: Vec<&str> = reference.lines().collect();
    let got: Vec<&str> = actual.lines().collect();
    let head = want.iter().zip(&got).take_while(|(a, b)| a == b).count();
    let tail = want[head..]
        .iter()
        .rev()
        .zip(got[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    assert_eq!(
        head + tail,
        got.len(),
        "more than one part changed:\n{actual}"
    );
    let gone = &want[head..want.len() - tail];
    assert!(
        gone.iter().any(|l| l.contains(marker)),
        "the part left out is not the command's: {gone:?}"
    );
    assert!(gone.iter().all(|l| l.starts_with('!')), "{gone:?}");
    assert!(
        !actual.contains(marker) && !actual.contains("Invalid input"),
        "{actual}"
    );
}

const READ_TIMEOUT: Duration = Duration::from_secs(3);
const DEADLINE_SECS: u64 = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_of_100_with_14_faulty_devices_backs_up_the_other_86() {
    let scratch = tempfile::tempdir().unwrap();
    let banner = scratch.path().join("motd.txt");
    std::fs::write(&banner, BANNER).unwrap();
    let banner_fault = format!("banner:{}", banner.display());
    let mut args = vec![
        "--corpus".to_string(),
        "tests/corpus/oxidized".into(),
        "--case".into(),
        "ios#C9200L*".into(),
        "--copies".into(),
        "100".into(),
        // One byte per SSH packet, without pauses: the whole IOS dialogue
        // must still fit the test's deadline.
        "--trickle-ms".into(),
        "0".into(),
    ];
    for mode in FAULTS
        .iter()
        .map(|(m, _)| *m)
        .chain([banner_fault.as_str()])
    {
        args.push("--fault".into());
        args.push(format!("{mode}=1"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let sim = Sim::start(&args);
    let mut devices = sim.devices();
    assert_eq!(devices.len(), 100);
    for d in &mut devices {
        d.target.read_timeout = READ_TIMEOUT;
    }
    // The legacy device again, without its opt-in.
    let mut modern_only = devices
        .iter()
        .find(|d| var(d, "sim_fault") == Some("legacy-only"))
        .expect("a legacy-only device")
        .clone();
    modern_only.name.push_str("-no-opt-in");
    modern_only.target.algorithms = Algorithms::default();
    devices.push(modern_only);

    let (fleet, _dir) = fleet(&["ios"], DEADLINE_SECS).await;
    let results: Vec<DeviceResult> = fleet.backup_all(devices.clone(), 50, |_| {}).await;
    let healthy = results
        .iter()
        .zip(&devices)
        .filter(|(_, d)| var(d, "sim_fault").is_none());
    let reference = results[0]
        .outcome
        .as_ref()
        .expect("device 0 is healthy")
        .config
        .clone();
    let mut ok = 0;
    for (r, _) in healthy {
        let backup = r
            .outcome
            .as_ref()
            .unwrap_or_else(|f| panic!("{}: {f}", r.name));
        assert_eq!(backup.config, reference, "{}", r.name);
        ok += 1;
    }
    assert_eq!(ok, 100 - FAULTS.len() - 1);

    for (r, d) in results.iter().zip(&devices) {
        let Some(mode) = var(d, "sim_fault") else {
            continue;
        };
        // Nothing runs past the device deadline (plus the close grace).
        assert!(
            r.duration < Duration::from_secs(DEADLINE_SECS + 3),
            "{} ({mode}) took {:?}",
            r.name,
            r.duration
        );
        let expected = if d.name.ends_with("-no-opt-in") {
            Some(ErrorClass::NegotiationFailed)
        } else if mode == banner_fault {
            None
        } else {
            FAULTS
                .iter()
                .find(|(m, _)| *m == mode)
                .expect("a known fault")
                .1
        };
        match (expected, &r.outcome) {
            (None, Ok(backup)) if mode == "reject:show inventory" => {
                assert_one_part_left_out(&reference, &backup.config, "PID: ")
            }
            (None, Ok(backup)) => assert_eq!(backup.config, reference, "{mode}"),
            (Some(class), Err(f)) => assert_eq!(f.class, class, "{mode}: {f}"),
            (expected, outcome) => panic!("{mode}: expected {expected:?}, got {outcome:?}"),
        }
        if let Err(f) = &r.outcome {
            match f.class {
                ErrorClass::HostKeyChanged => {
                    assert_eq!(f.message.matches("SHA256:").count(), 2, "{f}")
                }
                ErrorClass::NegotiationFailed => {
                    assert!(f.message.contains("diffie-hellman-group14-sha1"), "{f}")
                }
                // An endless stream may hit the output cap first.
                ErrorClass::PromptTimeout if mode != "endless" => {
                    assert!(r.duration >= READ_TIMEOUT, "{mode}: {f}")
                }
                _ => {}
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_session_replays_to_the_same_backup_without_the_secret() {
    let (fleet, _dir) = fleet(&["cumulus"], 30).await;
    let sim = Sim::start(&[
        "--corpus",
        "tests/corpus/oxidized",
        "--case",
        "cumulus#VX_5.4.0_frr",
    ]);
    let device = sim.devices().remove(0);
    let password = device.target.password.clone().expect("a password");
    assert!(!password.is_empty());
    let (result, recording) = fleet.backup_recorded(&device, true).await;
    let backup = result.expect("backup");
    let yaml = recording.expect("a recording").to_yaml("test recording");
    assert!(
        !yaml.contains(password.expose()),
        "the recording holds the password"
    );
    assert!(yaml.contains("<password>\\n"), "{yaml}");

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("cumulus#recorded#simulation.yaml");
    std::fs::write(&file, &yaml).expect("write");
    // Replayed with the placeholder as the password, as `driver test` does.
    let driver = fleet.catalog.for_model("cumulus").expect("driver");
    let session = ReplaySession::new(
        Transcript::load(&file).expect("parse"),
        driver.info.mode,
        &driver.info.prompt,
    )
    .expect("session");
    let mut instance = DriverInstance::new(&fleet.runtime, driver, Box::new(session), "replay")
        .await
        .expect("instance");
    let replayed = instance.backup(&device.for_driver()).await.expect("replay");
    assert_eq!(replayed.config, backup.config);
}

/// A settings file for the `netraven` binary that keeps its driver cache
/// in `dir`.
fn cli_config(dir: &Path) -> PathBuf {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!("[runtime]\ncache_dir = {:?}\n", dir.join("cache")),
    )
    .expect("config");
    config
}

#[test]
fn netraven_backup_writes_configs_and_reports_failures() {
    let drivers = support::drivers_dir(&["ios", "eos"]);
    let sim = Sim::start(&[
        "--corpus",
        "tests/corpus/oxidized",
        "--case",
        "ios#C9200L*",
        "--case",
        "eos#*",
        "--copies",
        "2",
    ]);
    let out = tempfile::tempdir().expect("tempdir");
    let config = cli_config(out.path());
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_netraven"))
            .args(["backup", "--inventory"])
            .arg(&sim.inventory)
            .arg("--out")
            .arg(out.path().join("configs"))
            .arg("--known-hosts")
            .arg(out.path().join("known_hosts"))
            .arg("--drivers")
            .arg(drivers.path())
            .args(extra)
            .env("NETRAVEN_CONFIG", &config)
            .output()
            .expect("run netraven")
    };
    let devices = sim.devices();
    let done = run(&["--json"]);
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&done.stdout).expect("JSON summary");
    assert_eq!(summary["succeeded"], devices.len());
    assert_eq!(summary["failed"], 0);
    for d in &devices {
        let config =
            std::fs::read_to_string(out.path().join("configs").join(&d.group).join(&d.name))
                .unwrap_or_else(|e| panic!("{}: {e}", d.name));
        assert!(config.contains("hostname"), "{}", d.name);
    }
    // An unknown device is a one-line error and exit 2.
    let bad = run(&["--device", "nope"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("no device named \"nope\"") && err.trim().lines().count() == 1,
        "{err}"
    );
}

#[test]
fn driver_record_writes_a_case_that_driver_test_replays() {
    record_then_replay(&[]);
}

#[test]
fn driver_record_over_telnet_writes_a_case_that_driver_test_replays() {
    // The login dialogue (with the password) is the host's, not part of
    // the recording: it starts at the prompt, as over SSH.
    record_then_replay(&["--telnet"]);
}

/// `netraven driver record` against a simulated IOS switch (served with
/// `extra` flags), then `netraven driver test` on what it wrote.
fn record_then_replay(extra: &[&str]) {
    let drivers = support::drivers_dir(&["ios"]);
    let mut args = vec!["--corpus", "tests/corpus/oxidized", "--case", "ios#C9200L*"];
    args.extend(extra);
    let sim = Sim::start(&args);
    let device = sim.devices().remove(0);
    let out = tempfile::tempdir().expect("tempdir");
    let config = cli_config(out.path());
    let netraven = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_netraven"))
            .args(args)
            .arg("--drivers")
            .arg(drivers.path())
            .env("NETRAVEN_CONFIG", &config)
            .output()
            .expect("run netraven")
    };
    let cases = out.path().join("cases");
    let inventory = sim.inventory.to_string_lossy().into_owned();
    let known = out
        .path()
        .join("known_hosts")
        .to_string_lossy()
        .into_owned();
    let recorded = netraven(&[
        "driver",
        "record",
        "--inventory",
        &inventory,
        "--known-hosts",
        &known,
        "--out",
        &cases.to_string_lossy(),
        &device.name,
    ]);
    assert!(
        recorded.status.success(),
        "{}",
        String::from_utf8_lossy(&recorded.stderr)
    );
    let stem = format!("ios#{}", device.name);
    for kind in ["custom_simulation.yaml", "custom_output.txt", "vars.yaml"] {
        assert!(
            cases.join(format!("{stem}#{kind}")).exists(),
            "{kind} missing"
        );
    }
    let case = cases.join(&stem).to_string_lossy().into_owned();
    let tested = netraven(&["driver", "test", "ios", &case]);
    let stdout = String::from_utf8_lossy(&tested.stdout);
    assert!(
        tested.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&tested.stderr)
    );
    // The custom output, and the replay that used the whole recording.
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");
    let recording = std::fs::read_to_string(cases.join(format!("{stem}#custom_simulation.yaml")))
        .expect("the recording");
    assert!(
        !recording.contains("Username") && !recording.contains("netraven\n"),
        "no login dialogue in the recording:\n{recording}"
    );
}

/// A one-device lab whose recording greets with `r1#` and answers
/// `show running-config` with `reply` (the echo first, `r1#` last), with
/// `fault` if any, and a shell session on it that has read the greeting.
async fn shell_on_recording(
    dir: &Path,
    reply: &str,
    fault: Option<&str>,
    read_timeout: Duration,
    deadline: Duration,
) -> (Sim, SshSession) {
    let block: String = reply.lines().map(|l| format!("    {l}\n")).collect();
    let yaml = format!(
        "init_prompt: |-\n  r1#\ncommands:\n  \"show running-config\\n\": |-\n{}",
        block.trim_end_matches('\n')
    );
    let transcript = dir.join("r1#recorded#simulation.yaml");
    std::fs::write(&transcript, yaml).expect("transcript");
    let fault = fault
        .map(|f| format!("fault = {f:?}\n"))
        .unwrap_or_default();
    let manifest = dir.join("lab.toml");
    std::fs::write(
        &manifest,
        format!("[[device]]\ntranscript = {transcript:?}\nmodel = \"r1\"\n{fault}"),
    )
    .expect("manifest");
    let sim = Sim::start(&["--manifest", &manifest.to_string_lossy()]);
    let device = sim.devices().remove(0);
    let deadline = std::time::Instant::now() + deadline;
    let conn = ssh::connect(
        &device.target,
        Arc::new(MemoryHostKeys::default()),
        deadline,
    )
    .await
    .expect("connect");
    let mut session = SshSession::open(
        conn,
        Mode::Shell,
        r"^r1#$",
        None,
        None,
        read_timeout,
        deadline,
    )
    .await
    .expect("shell");
    session.read_until(r"^r1#$", None).await.expect("greeting");
    (sim, session)
}

/// Prompt matching looks at the unread tail only: a 10 MB configuration
/// arrives whole, in the order sent, well inside a 60 s device deadline (a
/// scan of the whole buffer per SSH packet would need hours).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_10_mb_configuration_arrives_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = String::from("show running-config\n");
    let mut n = 0;
    while config.len() < 10 << 20 {
        config.push_str(&format!(
            "interface GigabitEthernet1/0/{n}\n description uplink {n} r1# not a prompt\n!\n"
        ));
        n += 1;
    }
    config.push_str("end\nr1#");
    let (_sim, mut session) = shell_on_recording(
        dir.path(),
        &config,
        None,
        Duration::from_secs(10),
        Duration::from_secs(60),
    )
    .await;
    let got = session
        .command("show running-config", None)
        .await
        .expect("the whole config");
    assert_eq!(got.len(), config.len());
    assert!(got == config, "the bytes differ from the recording");
    session.close().await;
}

/// Device output quoted in an error message goes through the host's
/// keyword masking: a device that hangs right after printing secrets does
/// not put them in the error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_message_quotes_the_device_without_its_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut reply = String::from(
        "show running-config\nhostname r1\nsnmp-server community CANARY-4711 RO\n\
         enable secret 5 CANARY-4712\nusername ops password 0 CANARY-4713\n",
    );
    // The device hangs after half of its reply: keep the secrets in that half.
    reply.push_str(&"!\n".repeat(80));
    reply.push_str("end\nr1#");
    let (_sim, mut session) = shell_on_recording(
        dir.path(),
        &reply,
        Some("hang-mid-output"),
        Duration::from_secs(1),
        Duration::from_secs(20),
    )
    .await;
    let err = session
        .command("show running-config", None)
        .await
        .expect_err("the device hangs")
        .to_string();
    assert!(err.starts_with("timeout:"), "{err}");
    assert!(!err.contains("CANARY"), "{err}");
    assert!(
        err.contains("community <hidden>") && err.contains("secret <hidden>"),
        "{err}"
    );
    session.close().await;
}

/// The faults that apply to telnet (no host keys, no algorithms), and how
/// each must end.
const TELNET_FAULTS: [(&str, Option<ErrorClass>); 10] = [
    ("refuse", Some(ErrorClass::ConnectionRefused)),
    ("reject-password", Some(ErrorClass::AuthFailed)),
    ("hang-before-prompt", Some(ErrorClass::PromptTimeout)),
    ("hang-mid-output", Some(ErrorClass::PromptTimeout)),
    ("disconnect-mid-output", Some(ErrorClass::ConnectionClosed)),
    ("trickle", None),
    ("endless", Some(ErrorClass::PromptTimeout)),
    ("garbage", Some(ErrorClass::PromptTimeout)),
    ("user-mode", Some(ErrorClass::CommandRejected)),
    (
        "reject:show running-config",
        Some(ErrorClass::CommandRejected),
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fault_matrix_over_telnet_ends_each_device_as_over_ssh() {
    let mut args = vec![
        "--corpus".to_string(),
        "tests/corpus/oxidized".into(),
        "--case".into(),
        "ios#C9200L*".into(),
        "--copies".into(),
        "20".into(),
        "--trickle-ms".into(),
        "0".into(),
        "--telnet".into(),
    ];
    for (mode, _) in TELNET_FAULTS {
        args.push("--fault".into());
        args.push(format!("{mode}=1"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let sim = Sim::start(&args);
    let mut devices = sim.devices();
    for d in &mut devices {
        d.target.read_timeout = READ_TIMEOUT;
    }
    let (fleet, _dir) = fleet(&["ios"], DEADLINE_SECS).await;
    let results = fleet.backup_all(devices.clone(), 20, |_| {}).await;
    let reference = results[0]
        .outcome
        .as_ref()
        .expect("device 0 is healthy")
        .config
        .clone();
    for (r, d) in results.iter().zip(&devices) {
        assert!(
            r.duration < Duration::from_secs(DEADLINE_SECS + 3),
            "{} took {:?}",
            r.name,
            r.duration
        );
        let expected = match var(d, "sim_fault") {
            None => None,
            Some(mode) => {
                TELNET_FAULTS
                    .iter()
                    .find(|(m, _)| *m == mode)
                    .expect("a known fault")
                    .1
            }
        };
        match (expected, &r.outcome) {
            (None, Ok(backup)) => assert_eq!(backup.config, reference, "{}", r.name),
            (Some(class), Err(f)) => assert_eq!(f.class, class, "{}: {f}", r.name),
            (expected, outcome) => {
                panic!("{}: expected {expected:?}, got {outcome:?}", r.name)
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_falls_back_to_telnet_when_refused_but_never_after_a_refused_login() {
    // SSH: one device refuses connections, one refuses the password.
    let ssh = Sim::start(&[
        "--corpus",
        "tests/corpus/oxidized",
        "--case",
        "ios#C9200L*",
        "--copies",
        "2",
        "--fault",
        "refuse=1",
        "--fault",
        "reject-password=1",
    ]);
    let telnet = Sim::start(&[
        "--corpus",
        "tests/corpus/oxidized",
        "--case",
        "ios#C9200L*",
        "--copies",
        "2",
        "--telnet",
    ]);
    let ssh_devices = ssh.devices();
    let telnet_devices = telnet.devices();
    let by_fault = |fault: &str| {
        ssh_devices
            .iter()
            .find(|d| var(d, "sim_fault") == Some(fault))
            .expect("the faulty SSH device")
            .clone()
    };
    let both = |mut d: Device, telnet_port: u16, name: &str| {
        d.name = name.to_string();
        d.target.transports = vec![Transport::Ssh, Transport::Telnet];
        d.target.telnet_port = telnet_port;
        d
    };
    let devices = vec![
        both(
            by_fault("refuse"),
            telnet_devices[0].target.telnet_port,
            "refused-then-telnet",
        ),
        both(
            by_fault("reject-password"),
            telnet_devices[1].target.telnet_port,
            "wrong-password",
        ),
    ];
    let (fleet, _dir) = fleet(&["ios"], DEADLINE_SECS).await;
    let results = fleet.backup_all(devices, 2, |_| {}).await;
    let reference = fleet
        .backup(&telnet_devices[0])
        .await
        .expect("the telnet device backs up")
        .config;
    match &results[0].outcome {
        Ok(backup) => assert_eq!(backup.config, reference),
        Err(f) => panic!("refused SSH should fall back to telnet: {f}"),
    }
    match &results[1].outcome {
        Err(f) => {
            assert_eq!(f.class, ErrorClass::AuthFailed, "{f}");
            assert!(
                !f.message.contains("telnet"),
                "no telnet after a refused login: {f}"
            );
        }
        Ok(_) => panic!("a refused SSH login must not fall back to telnet"),
    }
}
