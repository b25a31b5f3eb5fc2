//! A bad driver costs one device, never the job. Uses the purpose-built bad
//! drivers in tests/fixtures.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use netraven_driver_sdk::harness::{ReplaySession, Transcript};
use netraven_driver_sdk::{Device, Mode};
use netraven_sandbox::catalog::LoadError;
use netraven_sandbox::instance::DriverInstance;
use netraven_session::outcome::ErrorClass;

fn device(name: &str, model: &str) -> Device {
    Device {
        name: name.to_string(),
        address: "replay".to_string(),
        model: model.to_string(),
        vars: Vec::new(),
    }
}

/// A replayed session of the IOS corpus case.
fn ios_session(prompt: &str) -> Box<ReplaySession> {
    let path = support::corpus().join("ios#C9200L-24P-4G_17.09.04a#simulation.yaml");
    let transcript = Transcript::load(&path).expect("transcript");
    Box::new(ReplaySession::new(transcript, Mode::Shell, prompt).expect("session"))
}

#[tokio::test(flavor = "multi_thread")]
async fn endless_loop_stops_at_the_deadline_and_the_next_device_still_runs() {
    let (runtime, catalog, _dir) = support::load(&["spin", "ios"]).await;
    let spin = catalog.for_model("spin").expect("spin loaded");
    let started = Instant::now();
    let mut instance = DriverInstance::new(&runtime, spin, ios_session("#"), "looping")
        .await
        .expect("instantiate");
    let failure = instance
        .backup(&device("looping", "spin"))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(failure.class, ErrorClass::DriverTrap, "{failure}");
    assert!(failure.message.contains("deadline"), "{failure}");
    // Deadline is 2 s; allow scheduling slack but not a hang.
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(10),
        "took {took:?}"
    );

    let ios = catalog.for_model("ios").expect("ios loaded");
    let mut next = DriverInstance::new(&runtime, ios, ios_session(&ios.info.prompt), "next")
        .await
        .expect("instantiate");
    let backup = next
        .backup(&device("next", "ios"))
        .await
        .expect("next device backs up");
    assert!(backup.config.contains("hostname LAB-SW123_9200L"));
}

/// `netraven` runs every device on one thread by default (`[worker]
/// threads = 1`): a driver stuck in a loop must hand that thread back every
/// epoch tick or two, or every other device would wait for its deadline.
#[tokio::test(flavor = "current_thread")]
async fn an_endless_loop_does_not_hold_up_other_devices_on_its_thread() {
    let (runtime, catalog, _dir) = support::load(&["spin", "ios"]).await;
    let spin = catalog.for_model("spin").expect("spin loaded");
    let ios = catalog.for_model("ios").expect("ios loaded");
    let mut looping = DriverInstance::new(&runtime, spin, ios_session("#"), "looping")
        .await
        .expect("instantiate");
    let mut next = DriverInstance::new(&runtime, ios, ios_session(&ios.info.prompt), "next")
        .await
        .expect("instantiate");
    let started = Instant::now();
    let spinning = tokio::spawn(async move {
        let failure = looping
            .backup(&device("looping", "spin"))
            .await
            .unwrap_err();
        (failure, started.elapsed())
    });
    // Let the loop start on this thread before the other device asks for it.
    tokio::task::yield_now().await;
    let backup = next
        .backup(&device("next", "ios"))
        .await
        .expect("next device backs up");
    let beside = started.elapsed();
    assert!(backup.config.contains("hostname LAB-SW123_9200L"));
    // The loop's deadline is 2 s; the other device must not wait for it.
    assert!(beside < Duration::from_millis(1500), "took {beside:?}");
    let (failure, took) = spinning.await.expect("joined");
    assert_eq!(failure.class, ErrorClass::DriverTrap, "{failure}");
    assert!(failure.message.contains("deadline"), "{failure}");
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(10),
        "took {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unbounded_allocation_stops_at_the_memory_cap() {
    let (runtime, catalog, _dir) = support::load(&["memory-hog"]).await;
    let hog = catalog.for_model("memory-hog").expect("loaded");
    let mut instance = DriverInstance::new(&runtime, hog, ios_session("#"), "hog")
        .await
        .expect("instantiate");
    let failure = instance
        .backup(&device("hog", "memory-hog"))
        .await
        .unwrap_err();
    assert_eq!(failure.class, ErrorClass::DriverTrap, "{failure}");
    assert!(
        failure.message.contains("memory cap of 32 MiB"),
        "{failure}"
    );
}

/// The host's regexes are the driver's to hold, within a cap; a pattern
/// that does not compile is the driver's bug, reported as its panic.
#[tokio::test(flavor = "multi_thread")]
async fn regex_handles_stop_at_their_cap_and_a_bad_pattern_names_itself() {
    let (runtime, catalog, _dir) = support::load(&["memory-hog"]).await;
    let hog = catalog.for_model("memory-hog").expect("loaded");
    for (hoard, expected) in [
        ("regexes", "more than 1000 regexes held at once"),
        ("bad-regex", r#"regex "(unclosed" does not compile"#),
    ] {
        let mut d = device("hog", "memory-hog");
        d.vars = vec![("hoard".to_string(), hoard.to_string())];
        let mut instance = DriverInstance::new(&runtime, hog, ios_session("#"), "hog")
            .await
            .expect("instantiate");
        let failure = instance.backup(&d).await.unwrap_err();
        assert_eq!(failure.class, ErrorClass::DriverError, "{hoard}: {failure}");
        assert!(failure.message.contains(expected), "{hoard}: {failure}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn panic_is_a_driver_error_carrying_the_panic_message() {
    let (runtime, catalog, _dir) = support::load(&["panicker"]).await;
    let driver = catalog.for_model("panicker").expect("loaded");
    let mut instance = DriverInstance::new(&runtime, driver, ios_session("#"), "p")
        .await
        .expect("instantiate");
    let failure = instance
        .backup(&device("a/b", "panicker"))
        .await
        .unwrap_err();
    assert_eq!(failure.class, ErrorClass::DriverError, "{failure}");
    assert!(failure.message.contains("index out of bounds"), "{failure}");
    assert!(failure.message.contains("panicker/src/lib.rs"), "{failure}");
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_contract_version_is_refused_naming_both_versions() {
    let (_runtime, catalog, _dir) = support::load(&["future-contract", "ios"]).await;
    assert!(catalog.by_name("future").is_none());
    let problem = catalog
        .problems
        .iter()
        .find(|p| p.file.ends_with("future-contract.wasm"))
        .expect("the future-contract driver is reported");
    assert!(
        matches!(&problem.error, LoadError::Contract { driver, host: "0.1.0" } if driver == "9.0.0"),
        "{problem}"
    );
    let message = problem.error.to_string();
    assert!(message.contains("netraven:driver@9.0.0"), "{problem}");
    assert!(message.contains("netraven:driver@0.1.0"), "{problem}");
    // The refusal costs nothing else.
    assert!(catalog.by_name("ios").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_is_not_a_component_is_skipped_by_name() {
    let dir = support::drivers_dir(&["ios"]);
    std::fs::write(dir.path().join("notes.wasm"), b"not wasm at all").unwrap();
    let runtime =
        netraven_sandbox::Runtime::new(support::config(dir.path(), &dir.path().join("c"))).unwrap();
    let catalog = netraven_sandbox::Catalog::load_dir(&runtime, dir.path())
        .await
        .unwrap();
    assert_eq!(catalog.drivers.len(), 1);
    let problem = &catalog.problems[0];
    assert!(problem.file.ends_with("notes.wasm"));
    assert!(
        matches!(problem.error, LoadError::NotComponent),
        "{problem}"
    );
    assert!(
        problem
            .error
            .to_string()
            .contains("not a WebAssembly component"),
        "{problem}"
    );
    assert!(!problem.to_string().contains('\n'));
}

#[tokio::test(flavor = "multi_thread")]
async fn second_load_comes_from_the_precompile_cache() {
    use netraven_sandbox::cache::Origin;
    let dir = support::drivers_dir(&["ios"]);
    let cache = dir.path().join("cache");
    let runtime = netraven_sandbox::Runtime::new(support::config(dir.path(), &cache)).unwrap();
    let first = netraven_sandbox::Catalog::load_dir(&runtime, dir.path())
        .await
        .unwrap();
    assert_eq!(first.drivers[0].origin, Origin::Compiled);
    let second = netraven_sandbox::Catalog::load_dir(&runtime, dir.path())
        .await
        .unwrap();
    assert_eq!(second.drivers[0].origin, Origin::Cached);
    assert_eq!(first.drivers[0].sha256, second.drivers[0].sha256);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_grants_no_environment_files_network_or_clock() {
    let (runtime, catalog, _dir) = support::load(&["escape-artist"]).await;
    let driver = catalog.for_model("escape-artist").expect("loaded");
    let mut instance = DriverInstance::new(&runtime, driver, ios_session("#"), "escape")
        .await
        .expect("instantiate");
    let report = instance
        .backup(&device("escape", "escape-artist"))
        .await
        .expect("backup")
        .config;
    assert_eq!(
        report,
        "env: 0\nargs: 0\nread /: false\nread .: false\nwrite: false\nconnect: false\nclock: 0\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cache_entry_others_can_write_is_not_loaded() {
    use netraven_sandbox::cache::Origin;
    use std::os::unix::fs::PermissionsExt;
    let dir = support::drivers_dir(&["ios"]);
    let cache = dir.path().join("cache");
    let runtime = netraven_sandbox::Runtime::new(support::config(dir.path(), &cache)).unwrap();
    let first = netraven_sandbox::Catalog::load_dir(&runtime, dir.path())
        .await
        .unwrap();
    let entry = netraven_sandbox::cache::ComponentCache::new(&runtime.engine, &cache)
        .entry(&first.drivers[0].sha256);
    std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o666)).unwrap();
    let second = netraven_sandbox::Catalog::load_dir(&runtime, dir.path())
        .await
        .unwrap();
    assert_eq!(second.drivers[0].origin, Origin::Compiled);
    // Replaced by a private entry again.
    let mode = std::fs::metadata(&entry).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

/// `driver build` writes each driver's description into its file; a job's
/// catalog routes models by it without compiling, compiles the driver for
/// the first device that needs it, and refuses a description that does not
/// match what the driver itself says.
#[tokio::test(flavor = "multi_thread")]
async fn a_described_driver_is_compiled_only_when_a_device_needs_it() {
    use netraven_sandbox::cache::Origin;
    use netraven_sandbox::catalog::{self, Catalog};
    let dir = support::drivers_dir(&["ios"]);
    let cache = dir.path().join("cache");
    let runtime = netraven_sandbox::Runtime::new(support::config(dir.path(), &cache)).unwrap();
    let eager = Catalog::load_dir(&runtime, dir.path()).await.unwrap();
    let plain = std::fs::read(&eager.drivers[0].file).unwrap();
    catalog::describe(&runtime, &eager.drivers[0]).unwrap();
    let described = std::fs::read(&eager.drivers[0].file).unwrap();
    assert!(described.len() > plain.len() && described.starts_with(&plain));

    // As after an upgrade of netraven: nothing compiled for this engine.
    std::fs::remove_dir_all(&cache).unwrap();
    let index = Catalog::index_dir(&runtime, dir.path()).await.unwrap();
    assert!(index.problems.is_empty(), "{:?}", index.problems);
    let driver = index.for_model("iosxe").expect("routed by its description");
    assert_eq!(driver.origin, Origin::Described);
    assert_eq!(driver.info, eager.drivers[0].info);
    assert!(driver.compiled().is_none());
    assert!(!cache.exists(), "nothing compiled before a device needs it");
    let mut instance = DriverInstance::new(&runtime, driver, ios_session("#"), "sw1")
        .await
        .expect("compiled on first use");
    assert!(driver.compiled().is_some());
    let backup = instance
        .backup(&device("sw1", "ios"))
        .await
        .expect("backup");
    assert!(backup.config.contains("hostname"), "{}", backup.config);

    // A description that claims another model than info() does.
    let mut tampered = described.clone();
    let at = described
        .windows(7)
        .position(|w| w == b"\"iosxe\"")
        .expect("models in the description");
    tampered[at + 5] = b'f';
    std::fs::write(&eager.drivers[0].file, &tampered).unwrap();
    let index = Catalog::index_dir(&runtime, dir.path()).await.unwrap();
    let driver = index
        .for_model("iosxf")
        .expect("routed by the forged description");
    let failure = DriverInstance::new(&runtime, driver, ios_session("#"), "sw1")
        .await
        .err()
        .expect("refused");
    assert_eq!(failure.class, ErrorClass::NoDriver);
    assert!(
        failure
            .message
            .contains("does not match what its info() says"),
        "{failure}"
    );
    let eager = Catalog::load_dir(&runtime, dir.path()).await.unwrap();
    assert!(eager.drivers.is_empty());
    assert!(
        matches!(eager.problems[0].error, LoadError::Description { .. }),
        "{}",
        eager.problems[0]
    );
}
