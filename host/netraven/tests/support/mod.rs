//! Shared by the integration tests: builds the bundled drivers and the bad
//! fixture drivers once per test binary, and lays out drivers directories.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use netraven_sandbox::{Catalog, Runtime, RuntimeConfig};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

pub fn corpus() -> PathBuf {
    root().join("tests/corpus/oxidized")
}

/// Every driver crate under drivers/, by directory name.
pub fn bundled() -> Vec<String> {
    netraven_authoring::crates_in(&root().join("drivers"))
        .expect("drivers/")
        .iter()
        .filter_map(|c| c.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect()
}

pub const FIXTURES: [&str; 7] = [
    "spin",
    "memory-hog",
    "panicker",
    "future-contract",
    "escape-artist",
    "odd-login",
    "first-contract",
];

/// Every bundled and fixture driver, built once: `<name>.wasm` files.
pub fn built() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = root();
        let out = root.join("target/test-drivers");
        let mut crates: Vec<PathBuf> = bundled()
            .iter()
            .map(|n| root.join("drivers").join(n))
            .collect();
        crates.extend(FIXTURES.iter().map(|n| root.join("tests/fixtures").join(n)));
        if let Err(e) =
            netraven_authoring::build_drivers(&crates, &out, &root.join("target/drivers-build"))
        {
            panic!("building test drivers: {e}");
        }
        out
    })
}

/// A fresh drivers directory holding the named drivers.
pub fn drivers_dir(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in names {
        let from = built().join(format!("{name}.wasm"));
        std::fs::copy(&from, dir.path().join(format!("{name}.wasm")))
            .unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    }
    dir
}

/// Runtime settings for tests: a small pool and a short deadline.
pub fn config(drivers: &Path, cache: &Path) -> RuntimeConfig {
    RuntimeConfig {
        drivers_dir: drivers.to_path_buf(),
        cache_dir: cache.to_path_buf(),
        max_instances: 16,
        memory_mib: 32,
        deadline_secs: 2,
        ..RuntimeConfig::default()
    }
}

pub async fn load(names: &[&str]) -> (Arc<Runtime>, Catalog, tempfile::TempDir) {
    let dir = drivers_dir(names);
    let runtime = Runtime::new(config(dir.path(), &dir.path().join("cache"))).expect("runtime");
    let catalog = Catalog::load_dir(&runtime, dir.path())
        .await
        .expect("catalog");
    (runtime, catalog, dir)
}
pub mod sshd;

/// [`load`] with settings changed by `tweak` (deadlines, pool size).
pub async fn load_with(
    names: &[&str],
    tweak: impl FnOnce(&mut RuntimeConfig),
) -> (Arc<Runtime>, Catalog, tempfile::TempDir) {
    let dir = drivers_dir(names);
    let mut config = config(dir.path(), &dir.path().join("cache"));
    tweak(&mut config);
    let runtime = Runtime::new(config).expect("runtime");
    let catalog = Catalog::load_dir(&runtime, dir.path())
        .await
        .expect("catalog");
    (runtime, catalog, dir)
}
pub mod lab;
pub mod sim;
