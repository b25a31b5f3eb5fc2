//! SSH against telnet, on the simulator, in one run: `netraven-sim` serves
//! N copies of the corpus IOS recording over SSH and another N over telnet
//! (with its `Username:`/`Password:` login), and this process backs up each
//! lab in turn with the IOS driver at concurrency C, the full path
//! `netraven backup` takes. Rounds alternate the two, so a slow spell of
//! the machine falls on both.
//!
//! Reports, per transport, devices/s, client CPU per device and p50 device
//! time (the median round by CPU), and telnet/SSH within each round. Run
//! with `cargo bench -p netraven --bench transports` (`-- 1000 100 3` for
//! N, C and the rounds).
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use netraven_inventory::{self as inventory, Device};
use netraven_jobs::fleet::Fleet;
use netraven_sandbox::{Catalog, Runtime, RuntimeConfig};
use netraven_transport::ssh::MemoryHostKeys;

mod common;
use common::root;

/// Client CPU seconds so far (user + system), from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// A simulator serving `count` IOS devices (with `extra` flags), and its
/// inventory.
fn start_sim(count: usize, extra: &[&str], inventory_file: &Path) -> (Child, Vec<Device>) {
    let mut sim = Command::new(env!("CARGO_BIN_EXE_netraven-sim"))
        .arg("--corpus")
        .arg(root().join("tests/corpus/oxidized"))
        .args(["--case", "ios#C9200L*", "--copies", &count.to_string()])
        .args(extra)
        .arg("--inventory-out")
        .arg(inventory_file)
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
    (sim, inventory::load(inventory_file).unwrap())
}

struct Run {
    wall: Duration,
    cpu: f64,
    failed: usize,
    p50: Duration,
}

async fn run(fleet: &Arc<Fleet>, devices: &[Device], concurrency: usize) -> Run {
    let cpu0 = cpu_seconds();
    let started = Instant::now();
    let results = fleet
        .backup_all(devices.to_vec(), concurrency, |_| {})
        .await;
    let wall = started.elapsed();
    let mut times: Vec<Duration> = results.iter().map(|r| r.duration).collect();
    times.sort();
    let failed = results.iter().filter(|r| r.outcome.is_err()).count();
    if let Some(r) = results.iter().find(|r| r.outcome.is_err()) {
        eprintln!("{}: {:?}", r.name, r.outcome.as_ref().err());
    }
    Run {
        wall,
        cpu: cpu_seconds() - cpu0,
        failed,
        p50: times[times.len() / 2],
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let count = args.first().copied().unwrap_or(1000);
    let concurrency = args.get(1).copied().unwrap_or(100);
    let rounds = args.get(2).copied().unwrap_or(3).max(1);
    let wasm_dir = common::build_drivers(&["ios"]);
    let work =
        std::env::temp_dir().join(format!("netraven-transports-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    eprintln!("starting two simulators of {count} devices each...");
    let (_ssh_sim, ssh) = start_sim(count, &[], &work.join("ssh.toml"));
    let (_telnet_sim, telnet) = start_sim(count, &["--telnet"], &work.join("telnet.toml"));

    let rt = netraven_jobs::event_loop::EventLoop::new(
        netraven_jobs::config::Config::default().worker.threads,
    )
    .unwrap();
    rt.block_on(async {
        let config = RuntimeConfig {
            drivers_dir: wasm_dir.clone(),
            cache_dir: work.join("cache"),
            max_instances: concurrency.max(1) as u32,
            memory_mib: 64,
            deadline_secs: 120,
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
        // Warm up both paths.
        run(&fleet, &ssh[..concurrency.min(count)], concurrency).await;
        run(&fleet, &telnet[..concurrency.min(count)], concurrency).await;
        let (mut over_ssh, mut over_telnet) = (Vec::new(), Vec::new());
        for round in 1..=rounds {
            let s = run(&fleet, &ssh, concurrency).await;
            let t = run(&fleet, &telnet, concurrency).await;
            println!(
                "round {round}: ssh {:.1} devices/s, telnet {:.1} devices/s, telnet/ssh {:.2}x",
                count as f64 / s.wall.as_secs_f64(),
                count as f64 / t.wall.as_secs_f64(),
                s.wall.as_secs_f64() / t.wall.as_secs_f64(),
            );
            over_ssh.push(s);
            over_telnet.push(t);
        }
        for (name, mut runs) in [("ssh", over_ssh), ("telnet", over_telnet)] {
            runs.sort_by(|a, b| a.cpu.total_cmp(&b.cpu));
            let r = &runs[(runs.len() - 1) / 2];
            println!(
                "{name:<7} {count} devices  {} failed  {:>7.1} devices/s  CPU {:>5.2} ms/device  p50 {:>6.1} ms",
                r.failed,
                count as f64 / r.wall.as_secs_f64(),
                r.cpu * 1000.0 / count as f64,
                r.p50.as_secs_f64() * 1000.0,
            );
        }
    });
    let _ = std::fs::remove_dir_all(&work);
}
