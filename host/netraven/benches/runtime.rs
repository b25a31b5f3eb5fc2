//! The driver runtime alone, without SSH: what one device costs in the
//! sandbox. Run with `cargo bench -p netraven --bench runtime`.
//!
//! Reports, per driver, the component load time cold (compile) and from the
//! precompile cache, then per device: bare instantiation, and
//! instantiation plus a replayed IOS backup, sequentially and 200 at a time.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use netraven_driver_sdk::Device;
use netraven_driver_sdk::harness::{ReplaySession, Transcript};
use netraven_sandbox::instance::{DriverInstance, NoDevice};
use netraven_sandbox::{Catalog, Runtime, RuntimeConfig};

mod common;
use common::root;

const DRIVERS: [&str; 4] = ["ios", "nxos", "junos", "eos"];
const INSTANTIATIONS: usize = 5_000;
const BACKUPS: usize = 2_000;
const CONCURRENT: usize = 200;

fn per(d: Duration, n: usize) -> String {
    let us = d.as_secs_f64() * 1e6 / n as f64;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

fn main() {
    let root = root();
    let wasm_dir = common::build_drivers(&DRIVERS);
    let cache = tempdir("netraven-bench-cache");
    let config = RuntimeConfig {
        drivers_dir: wasm_dir.clone(),
        cache_dir: cache.clone(),
        max_instances: 1000,
        memory_mib: 64,
        deadline_secs: 60,
        ..RuntimeConfig::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio");
    rt.block_on(async move {
        let runtime = Runtime::new(config).expect("runtime");

        println!("## Component load (per driver)\n");
        println!("| driver | .wasm size | cold (compile) | cached (deserialize) |");
        println!("|---|---|---|---|");
        let cold = Catalog::load_dir(&runtime, &wasm_dir).await.expect("load");
        let warm = Catalog::load_dir(&runtime, &wasm_dir).await.expect("load");
        for (c, w) in cold.drivers.iter().zip(&warm.drivers) {
            let size = std::fs::metadata(&c.file).map(|m| m.len()).unwrap_or(0);
            println!(
                "| {} | {} KiB | {} | {} |",
                c.info.name,
                size / 1024,
                per(c.load_time, 1),
                per(w.load_time, 1)
            );
        }
        let catalog = Arc::new(warm);
        let ios = catalog.for_model("ios").expect("ios");
        let transcript = Transcript::load(&root.join("tests/corpus/oxidized/ios#C9200L-24P-4G_17.09.04a#simulation.yaml"))
            .expect("transcript");
        let device = Device {
            name: "bench".into(),
            address: "replay".into(),
            model: "ios".into(),
            vars: Vec::new(),
        };

        // Warm-up: fault in pool slots and code.
        for _ in 0..200 {
            drop(DriverInstance::new(&runtime, ios, Box::new(NoDevice), "warm").await.expect("instance"));
        }

        let started = Instant::now();
        for _ in 0..INSTANTIATIONS {
            let instance = DriverInstance::new(&runtime, ios, Box::new(NoDevice), "bench").await.expect("instance");
            drop(instance);
        }
        let inst = started.elapsed();

        let session = || {
            Box::new(ReplaySession::new(transcript.clone(), ios.info.mode, &ios.info.prompt).expect("session"))
        };
        let started = Instant::now();
        for _ in 0..BACKUPS {
            let mut instance = DriverInstance::new(&runtime, ios, session(), "bench").await.expect("instance");
            let backup = instance.backup(&device).await.expect("backup");
            std::hint::black_box(backup);
        }
        let seq = started.elapsed();

        let started = Instant::now();
        let mut remaining = BACKUPS;
        while remaining > 0 {
            let batch = remaining.min(CONCURRENT);
            let mut tasks = Vec::with_capacity(batch);
            for _ in 0..batch {
                let runtime = runtime.clone();
                let catalog = catalog.clone();
                let transcript = transcript.clone();
                let device = device.clone();
                tasks.push(tokio::spawn(async move {
                    let ios = catalog.for_model("ios").expect("ios");
                    let session = Box::new(ReplaySession::new(transcript, ios.info.mode, &ios.info.prompt).expect("session"));
                    let mut instance = DriverInstance::new(&runtime, ios, session, "bench").await.expect("instance");
                    instance.backup(&device).await.expect("backup")
                }));
            }
            for t in tasks {
                std::hint::black_box(t.await.expect("task"));
            }
            remaining -= batch;
        }
        let par = started.elapsed();

        println!("\n## Per device (ios driver, replayed C9200L session)\n");
        println!("| what | per device |");
        println!("|---|---|");
        println!("| instantiate (InstancePre + pooling), {INSTANTIATIONS} runs | {} |", per(inst, INSTANTIATIONS));
        println!("| instantiate + replayed backup, sequential, {BACKUPS} runs | {} |", per(seq, BACKUPS));
        println!(
            "| instantiate + replayed backup, {CONCURRENT} in flight, {BACKUPS} runs | {} ({:.0} devices/s) |",
            per(par, BACKUPS),
            BACKUPS as f64 / par.as_secs_f64()
        );
        println!("\npeak RSS: {} MiB", peak_rss_mib());
    });
    let _ = std::fs::remove_dir_all(&cache);
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map(|kb| kb / 1024)
        .unwrap_or(0)
}
