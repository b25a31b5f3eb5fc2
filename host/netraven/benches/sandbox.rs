//! Where one device's time goes in the sandbox, without SSH: a replayed
//! C9200L session through a driver, split into instantiation, `backup`,
//! `redact` and the instance's drop (pool reset), per device, sequentially.
//! Run with `cargo bench -p netraven --bench sandbox` (`-- 3000 ios`, or
//! `generic` for the light driver with the IOS dialogue). The split the
//! fleet bench cannot give, and steady enough to compare two builds.
//! `NETRAVEN_BENCH_DRIVERS=<dir>` loads `.wasm` files from `<dir>` instead
//! of building the ios and generic drivers (e.g. a build with symbols, for
//! `perf` with `NETRAVEN_WASM_PERFMAP=1`).
//!
//! `NETRAVEN_BENCH_SPREAD=K` keeps K instances alive at once (K pool
//! slots, each step taken by all K in turn), as a fleet's devices
//! interleave, instead of one instance at a time in one warm slot: what
//! caches lose when many instances share a core.
//!
//! For `ios` it then runs the same driver built for the host, natively,
//! over the same replayed session: the cost of the driver's own work with
//! no sandbox at all, the least any sandbox could add it up to.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use netraven_driver_sdk::Device;
use netraven_driver_sdk::harness::{ReplaySession, Transcript};
use netraven_sandbox::instance::DriverInstance;
use netraven_sandbox::{Catalog, Runtime, RuntimeConfig};

mod common;
use common::{IOS_COMMENT_COMMANDS, generic_vars, root};

const WARM_UP: usize = 50;

/// The runtime's pool slots, and so the most instances
/// `NETRAVEN_BENCH_SPREAD` may keep alive: one more would wait for a slot
/// that none of the others gives back.
const SLOTS: usize = 200;

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
            max_instances: SLOTS as u32,
            memory_mib: 64,
            deadline_secs: 120,
            ..RuntimeConfig::default()
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
        let spread = spread();
        // Devices run in the warm-up, then devices measured.
        let (mut warmed, mut measured) = (0, 0);
        while measured < n {
            // `spread` instances at a time, each in its own pool slot: all
            // instantiated, then each backs up, then each redacts, then all
            // drop, as devices interleave in a fleet.
            let warming = warmed < WARM_UP;
            let k = if warming {
                spread.min(WARM_UP - warmed)
            } else {
                spread.min(n - measured)
            };
            let sessions: Vec<_> = (0..k)
                .map(|_| {
                    Box::new(
                        ReplaySession::new(transcript.clone(), driver.info.mode, &prompt).unwrap(),
                    )
                })
                .collect();
            let t0 = Instant::now();
            let mut instances = Vec::new();
            for session in sessions {
                instances.push(
                    DriverInstance::new(&runtime, driver, session, "bench")
                        .await
                        .unwrap(),
                );
            }
            let t1 = Instant::now();
            let mut backups = Vec::new();
            for inst in instances.iter_mut() {
                backups.push(inst.backup(&device).await.unwrap());
            }
            let t2 = Instant::now();
            for (inst, b) in instances.iter_mut().zip(&backups) {
                std::hint::black_box(inst.redact(&b.config).await.unwrap());
            }
            let t3 = Instant::now();
            drop(instances);
            let t4 = Instant::now();
            if warming {
                warmed += k;
            } else {
                for (s, d) in spent.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2, t4 - t3]) {
                    *s += d;
                }
                measured += k;
            }
        }
        let us = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
        println!(
            "{model}, {n} replayed devices, {spread} alive at once: instantiate {:.1} µs, backup {:.1} µs, redact {:.1} µs, drop {:.1} µs, total {:.1} µs",
            us(spent[0]),
            us(spent[1]),
            us(spent[2]),
            us(spent[3]),
            us(spent.iter().sum()),
        );
        if model == "ios" {
            native_ios(&transcript, &prompt, &device, n);
        }
    });
    let _ = std::fs::remove_dir_all(&cache);
}

/// `NETRAVEN_BENCH_SPREAD`, or 1.
fn spread() -> usize {
    match std::env::var("NETRAVEN_BENCH_SPREAD") {
        Ok(k) => k
            .parse::<usize>()
            .ok()
            .filter(|&k| (1..=SLOTS).contains(&k))
            .unwrap_or_else(|| {
                panic!("NETRAVEN_BENCH_SPREAD={k:?}: not a count from 1 to {SLOTS}")
            }),
        Err(_) => 1,
    }
}

/// The IOS driver linked into this process, on the same replayed session:
/// login and backup, then redact, `n` times after a warm-up.
fn native_ios(transcript: &Transcript, prompt: &str, device: &Device, n: usize) {
    use netraven_driver_ios::Ios;
    use netraven_driver_sdk::{Driver, Mode};
    let mut spent = [Duration::ZERO; 2];
    for i in 0..WARM_UP + n {
        let mut session = ReplaySession::new(transcript.clone(), Mode::Shell, prompt).unwrap();
        let t0 = Instant::now();
        Ios::login(&mut session, device).unwrap();
        let backup = Ios::backup(&mut session, device).unwrap();
        let t1 = Instant::now();
        let redacted = Ios::redact(&backup.config);
        let t2 = Instant::now();
        std::hint::black_box(redacted);
        if i >= WARM_UP {
            spent[0] += t1 - t0;
            spent[1] += t2 - t1;
        }
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    println!(
        "ios natively, no sandbox, {n} replayed devices: backup {:.1} µs, redact {:.1} µs, total {:.1} µs",
        us(spent[0]),
        us(spent[1]),
        us(spent[0] + spent[1]),
    );
}
