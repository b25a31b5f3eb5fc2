//! The slow regime: devices that answer like real ones. `netraven-sim`
//! serves N copies of the corpus IOS recording that wait LATENCY ms before
//! each reply and LOGIN ms before the first prompt, and this process backs
//! them all up with the IOS driver at each concurrency in turn, the full
//! path `netraven backup` takes. Here the limit is how many devices are in
//! flight and what each costs, not CPU.
//!
//! For each concurrency C it reports the wall time against the ideal
//! (N x per-device time / C, where a device takes the login delay plus one
//! latency per command the driver sends), devices/s, client CPU per device,
//! the simulator's CPU per device (it shares the machine), the peak RSS and
//! the memory per device in flight ((peak - idle) / C), and the failures,
//! which must be 0. The sandbox pool gets C slots. On stderr, the spread
//! of the devices' own times (p10, p50, p90, max) against the per-device
//! time they wait out.
//!
//! `cargo bench -p netraven --bench slow -- 10000 200 500 500,1000,2000,5000`
//! (devices, latency ms, login ms, concurrencies). `NETRAVEN_BENCH_THREADS=N`
//! runs the client on N threads instead of `[worker] threads`.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use netraven_inventory as inventory;
use netraven_jobs::fleet::Fleet;
use netraven_sandbox::{Catalog, Runtime, RuntimeConfig};
use netraven_transport::ssh::MemoryHostKeys;

mod common;
use common::root;

/// The commands the IOS driver sends, each answered after the latency
/// (its `exit` gets no reply: the device hangs up).
const COMMANDS: u32 = 6;

/// CPU seconds (user + system) of a process: `self` or a pid.
fn cpu_seconds_of(process: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{process}/stat")).unwrap_or_default();
    if stat.is_empty() {
        return f64::NAN;
    }
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

fn cpu_seconds() -> f64 {
    cpu_seconds_of("self")
}

/// VmHWM or VmRSS of this process, MiB.
fn memory_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Start counting the peak RSS afresh (Linux: `5` to clear_refs).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let number = |i: usize, default: u64| {
        args.get(i)
            .and_then(|a| a.parse::<u64>().ok())
            .unwrap_or(default)
    };
    let count = number(0, 10_000) as usize;
    let latency = Duration::from_millis(number(1, 200));
    let login = Duration::from_millis(number(2, 500));
    let concurrencies: Vec<usize> = args
        .get(3)
        .map_or("500,1000,2000,5000", String::as_str)
        .split(',')
        .map(|c| c.parse().unwrap())
        .collect();
    let per_device = login + latency * COMMANDS;
    let wasm_dir = common::build_drivers(&["ios"]);
    let work = std::env::temp_dir().join(format!("netraven-slow-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let inventory_file = work.join("lab.toml");
    eprintln!("starting netraven-sim with {count} slow devices...");
    let mut sim = Command::new(env!("CARGO_BIN_EXE_netraven-sim"))
        .arg("--corpus")
        .arg(root().join("tests/corpus/oxidized"))
        .args(["--case", "ios#C9200L*", "--copies", &count.to_string()])
        .args(["--latency", &latency.as_millis().to_string()])
        .args(["--login-delay", &login.as_millis().to_string()])
        .arg("--inventory-out")
        .arg(&inventory_file)
        .arg("--exit-on-stdin-eof")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(sim.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert!(ready.starts_with("ready"), "simulator said {ready:?}");
    let devices = inventory::load(&inventory_file).unwrap();
    let sim_pid = sim.id().to_string();

    // `[worker] threads`, unless NETRAVEN_BENCH_THREADS says otherwise.
    let threads = std::env::var("NETRAVEN_BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(netraven_jobs::config::Config::default().worker.threads);
    let rt = netraven_jobs::event_loop::EventLoop::new(threads).unwrap();
    println!(
        "{count} devices, {} ms per command, {} ms login: {:.1} s per device; client on {threads} thread(s)",
        latency.as_millis(),
        login.as_millis(),
        per_device.as_secs_f64()
    );
    println!(
        "{:>6}  {:>7}  {:>7}  {:>6}  {:>9}  {:>9}  {:>9}  {:>9}  {:>10}  failed",
        "C",
        "wall s",
        "ideal s",
        "x",
        "devices/s",
        "CPU ms/d",
        "sim ms/d",
        "peak MiB",
        "KiB/flight"
    );
    rt.block_on(async {
        for &concurrency in &concurrencies {
            let config = RuntimeConfig {
                drivers_dir: wasm_dir.clone(),
                cache_dir: work.join("cache"),
                max_instances: concurrency as u32,
                deadline_secs: 300,
                ..RuntimeConfig::default()
            };
            let runtime = Runtime::new(config).unwrap();
            let catalog = Catalog::load_dir(&runtime, &wasm_dir).await.unwrap();
            let fleet = Arc::new(Fleet {
                runtime,
                catalog: Arc::new(catalog),
                host_keys: Arc::new(MemoryHostKeys::default()),
                redact: true,
            });
            let idle = memory_mib("VmRSS:");
            reset_peak();
            let cpu0 = cpu_seconds();
            let sim_cpu0 = cpu_seconds_of(&sim_pid);
            let started = Instant::now();
            let results = fleet.backup_all(devices.clone(), concurrency, |_| {}).await;
            let wall = started.elapsed();
            let cpu = cpu_seconds() - cpu0;
            let sim_cpu = cpu_seconds_of(&sim_pid) - sim_cpu0;
            let peak = memory_mib("VmHWM:");
            let failed = results.iter().filter(|r| r.outcome.is_err()).count();
            let mut times: Vec<f64> = results.iter().map(|r| r.duration.as_secs_f64()).collect();
            times.sort_by(f64::total_cmp);
            let percentile = |p: f64| times.get(((times.len() as f64 - 1.0) * p) as usize).copied().unwrap_or(f64::NAN);
            eprintln!("device time p10 {:.2} p50 {:.2} p90 {:.2} max {:.2} s", percentile(0.1), percentile(0.5), percentile(0.9), percentile(1.0));
            if let Some(r) = results.iter().find(|r| r.outcome.is_err()) {
                eprintln!("first failure: {}: {:?}", r.name, r.outcome.as_ref().err());
            }
            let ideal = per_device.as_secs_f64() * count as f64 / concurrency as f64;
            println!(
                "{concurrency:>6}  {:>7.1}  {:>7.1}  {:>6.2}  {:>9.1}  {:>9.2}  {:>9.2}  {:>9.0}  {:>10.0}  {failed}",
                wall.as_secs_f64(),
                ideal,
                wall.as_secs_f64() / ideal,
                count as f64 / wall.as_secs_f64(),
                cpu * 1000.0 / count as f64,
                sim_cpu * 1000.0 / count as f64,
                peak,
                (peak - idle) * 1024.0 / concurrency as f64,
            );
        }
    });
    drop(sim.stdin.take());
    let _ = sim.wait();
    let _ = std::fs::remove_dir_all(&work);
}
