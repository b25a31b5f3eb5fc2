//! Where one device's time goes in the sandbox, without SSH: a replayed
//! C9200L session through a driver, split into instantiation, `backup`,
//! `redact` and the instance's drop (pool reset), per device, sequentially.
//! Run with `cargo bench -p netraven --bench sandbox` (`-- 3000 ios`, or
//! `generic` for the light driver with the IOS dialogue). The split the
//! fleet bench cannot give, and steady enough to compare two builds.
//! `NETRAVEN_BENCH_DRIVERS=<dir>` loads `.wasm` files from `<dir>` instead
//! of building the ios and generic drivers (e.g. a build with symbols, for
//! `perf` with `NETRAVEN_WASM_PERFMAP=1`).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use netraven::runtime::sandbox::DriverInstance;
use netraven::runtime::{Catalog, Runtime, RuntimeConfig};
use netraven_driver_sdk::Device;
use netraven_driver_sdk::harness::{ReplaySession, Transcript};

mod common;
use common::{IOS_COMMENT_COMMANDS, generic_vars, root};

const WARM_UP: usize = 50;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let n: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(3000)
        .max(1);
    let model = args.get(1).cloned().unwrap_or_else(|| "ios".into());
    let root = root();
    let wasm_dir = match std::env::var_os("NETRAVEN_BENCH_DRIVERS") {
        Some(dir) => PathBuf::from(dir),
        None => common::build_drivers(&["ios", "generic"]),
    };
    let cache = std::env::temp_dir().join(format!("netraven-sandbox-bench-{}", std::process::id()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let runtime = Runtime::new(RuntimeConfig {
            drivers_dir: wasm_dir.clone(),
            cache_dir: cache.clone(),
            max_instances: 200,
            memory_mib: 64,
            deadline_secs: 120,
        })
        .unwrap();
        let catalog = Catalog::load_dir(&runtime, &wasm_dir).await.unwrap();
        let driver = catalog.for_model(&model).unwrap();
        let prompt = catalog.for_model("ios").unwrap().info.prompt.clone();
        let transcript = Transcript::load(
            &root.join("tests/corpus/oxidized/ios#C9200L-24P-4G_17.09.04a#simulation.yaml"),
        )
        .unwrap();
        // The generic driver gets the IOS driver's dialogue, as in the
        // fleet bench's `generic` phase.
        let vars = if model == "generic" {
            generic_vars(&prompt, Some(IOS_COMMENT_COMMANDS))
        } else {
            Vec::new()
        };
        let device = Device {
            name: "bench".into(),
            address: "replay".into(),
            model: model.clone(),
            vars,
        };
        let mut spent = [Duration::ZERO; 4];
        for i in 0..WARM_UP + n {
            let session =
                Box::new(ReplaySession::new(transcript.clone(), driver.info.mode, &prompt).unwrap());
            let t0 = Instant::now();
            let mut instance = DriverInstance::new(&runtime, driver, session, "bench")
                .await
                .unwrap();
            let t1 = Instant::now();
            let backup = instance.backup(&device).await.unwrap();
            let t2 = Instant::now();
            let redacted = instance.redact(&backup.config).await.unwrap();
            let t3 = Instant::now();
            drop(instance);
            let t4 = Instant::now();
            std::hint::black_box(redacted);
            if i >= WARM_UP {
                for (s, d) in spent.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2, t4 - t3]) {
                    *s += d;
                }
            }
        }
        let us = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
        println!(
            "{model}, {n} replayed devices: instantiate {:.1} µs, backup {:.1} µs, redact {:.1} µs, drop {:.1} µs, total {:.1} µs",
            us(spent[0]),
            us(spent[1]),
            us(spent[2]),
            us(spent[3]),
            us(spent.iter().sum()),
        );
    });
    let _ = std::fs::remove_dir_all(&cache);
}
