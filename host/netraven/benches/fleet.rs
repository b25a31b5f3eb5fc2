//! A simulated fleet over real SSH: `netraven-sim` serves N copies of the
//! corpus IOS recording on loopback, and this process backs them all up at
//! concurrency C, in seven phases:
//!
//! - the floor: a bare transport loop (connect, authenticate, open a PTY
//!   shell, wait for the prompt, one `show running-config`), no driver;
//! - the dialogue: the same bare loop sending the IOS driver's six commands
//!   and `exit`, no driver (so full minus dialogue is the sandbox and the
//!   driver's own work);
//! - the full path: what `netraven backup` does per device (connect, shell,
//!   the IOS wasm driver's whole dialogue and clean-up, redaction, close);
//! - no-redact: the full path without the driver's redaction;
//! - generic: the same dialogue through the `generic` driver, whose text
//!   work is light: what the sandbox itself costs;
//! - generic-1: the generic driver sending the floor's one command (and its
//!   `exit`): the sandbox's cost per device;
//! - generic-short: the generic driver with the dialogue's six commands,
//!   the three `show` commands replaced by `terminal width 0`: the
//!   sandbox's cost per command, apart from the bytes.
//!
//! Reports devices/s, client CPU per device, p50/p99 device time and the
//! peak RSS of both processes. Run with
//! `cargo bench -p netraven --bench fleet` (`-- 1000 200 3` for N, C and
//! the rounds: each round runs every phase once, and the figures are the
//! medians; run names after them, e.g. `-- 1000 200 1 floor generic`, do
//! only those runs, to profile one of them). The client runs on the event
//! loops `netraven` uses (`[worker] threads`: one single-threaded loop per
//! core by default, devices dealt among them); `NETRAVEN_BENCH_THREADS=N`
//! sets another count, e.g. 1 for one loop. With more than one round it also
//! prints full/floor within each round (median and range), which a slow
//! spell of the machine skews less. `NETRAVEN_BENCH_EACH=1` prints every
//! phase's figures as it ends.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use netraven_driver_sdk::Mode;
use netraven_inventory::{self as inventory, Device};
use netraven_jobs::fleet::Fleet;
use netraven_sandbox::{Catalog, Runtime, RuntimeConfig};
use netraven_session::DeviceSession;
use netraven_transport::ssh::{self, MemoryHostKeys, SshSession};

mod common;
use common::{IOS_COMMENT_COMMANDS, generic_vars, root};

/// Client CPU seconds so far (user + system), from /proc.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name in parentheses; utime and stime are
    // fields 14 and 15, in clock ticks (100 per second on Linux).
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

fn peak_rss_mib(pid: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

struct Run {
    name: &'static str,
    devices: usize,
    failed: usize,
    wall: Duration,
    cpu: f64,
    times: Vec<Duration>,
}

impl Run {
    /// One run per phase, in first-seen order: the median round by client
    /// CPU (with that round's wall time, device times and failures).
    fn medians(mut runs: Vec<Run>) -> Vec<Run> {
        let mut medians = Vec::new();
        while let Some(name) = runs.first().map(|r| r.name) {
            let (mut mine, rest): (Vec<Run>, Vec<Run>) =
                runs.into_iter().partition(|r| r.name == name);
            runs = rest;
            mine.sort_by(|a, b| a.cpu.total_cmp(&b.cpu));
            // The lower middle one for an even count of rounds.
            medians.push(mine.swap_remove((mine.len() - 1) / 2));
        }
        medians
    }

    fn print(&self) {
        let mut t = self.times.clone();
        t.sort();
        let pct = |p: f64| t[((t.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0;
        println!(
            "{:<10} {:>6} devices  {:>3} failed  {:>7.1} devices/s  CPU {:>6.2} ms/device  p50 {:>7.1} ms  p99 {:>7.1} ms",
            self.name,
            self.devices,
            self.failed,
            self.devices as f64 / self.wall.as_secs_f64(),
            self.cpu * 1000.0 / self.devices as f64,
            pct(0.5),
            pct(0.99),
        );
    }
}

/// The commands the IOS driver sends, in its order, then its `exit`.
const DIALOGUE: [&str; 6] = [
    "terminal length 0",
    "terminal width 0",
    "show version",
    "show vtp status",
    "show inventory",
    "show running-config",
];

/// The floor: SSH and one command, no driver. With `dialogue`, the IOS
/// driver's whole dialogue instead, still without a driver: what is left
/// between this and the full path is the sandbox and the driver's work.
async fn bare(device: Device, prompt: String, dialogue: bool) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let conn = ssh::connect(
        &device.target,
        Arc::new(MemoryHostKeys::default()),
        deadline,
    )
    .await
    .map_err(|f| f.to_string())?;
    let mut session = SshSession::open(
        conn,
        Mode::Shell,
        &prompt,
        None,
        None,
        Duration::from_secs(30),
        deadline,
    )
    .await
    .map_err(|f| f.to_string())?;
    session
        .read_until(&prompt, None)
        .await
        .map_err(|e| e.to_string())?;
    let commands: &[&str] = if dialogue { &DIALOGUE } else { &DIALOGUE[5..] };
    let mut out = String::new();
    for command in commands {
        out = session
            .command(command, None)
            .await
            .map_err(|e| e.to_string())?;
    }
    if !out.contains("hostname") {
        return Err(format!("unexpected output: {out:.200}"));
    }
    if dialogue {
        session.send("exit\n").await.map_err(|e| e.to_string())?;
    }
    session.close().await;
    Ok(())
}

async fn measure<F, Fut>(name: &'static str, devices: &[Device], concurrency: usize, one: F) -> Run
where
    F: Fn(Device) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let cpu0 = cpu_seconds("self");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for d in devices {
        let gate = gate.clone();
        let fut = one(d.clone());
        netraven_jobs::event_loop::spawn_device(&mut tasks, async move {
            let _p = gate.acquire_owned().await;
            let t = Instant::now();
            let r = fut.await;
            (t.elapsed(), r)
        });
    }
    let mut times = Vec::new();
    let mut failed = 0;
    while let Some(j) = tasks.join_next().await {
        let (t, r) = j.unwrap();
        if let Err(e) = r {
            if failed < 3 {
                eprintln!("{name}: {e}");
            }
            failed += 1;
        }
        times.push(t);
    }
    Run {
        name,
        devices: devices.len(),
        failed,
        wall: started.elapsed(),
        cpu: cpu_seconds("self") - cpu0,
        times,
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a.parse::<usize>().is_err() && !a.starts_with('-'))
        .collect();
    let wanted = move |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let count = args.first().copied().unwrap_or(1000);
    let concurrency = args.get(1).copied().unwrap_or(200);
    let rounds = args.get(2).copied().unwrap_or(3).max(1);
    let root = root();
    let wasm_dir = common::build_drivers(&["ios", "generic"]);

    let work = std::env::temp_dir().join(format!("netraven-fleet-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let inventory_file = work.join("lab.toml");
    eprintln!("starting netraven-sim with {count} devices...");
    let mut sim = Command::new(env!("CARGO_BIN_EXE_netraven-sim"))
        .arg("--corpus")
        .arg(root.join("tests/corpus/oxidized"))
        .args(["--case", "ios#C9200L*", "--copies", &count.to_string()])
        .arg("--inventory-out")
        .arg(&inventory_file)
        .arg("--exit-on-stdin-eof")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let sim_pid = sim.id().to_string();
    let mut ready = String::new();
    BufReader::new(sim.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert!(ready.starts_with("ready"), "simulator said {ready:?}");
    let devices = inventory::load(&inventory_file).unwrap();

    // The runtime `netraven` runs devices on: `[worker] threads`, the
    // default unless NETRAVEN_BENCH_THREADS says otherwise.
    let threads = match std::env::var("NETRAVEN_BENCH_THREADS") {
        Ok(t) => t
            .parse()
            .unwrap_or_else(|_| panic!("NETRAVEN_BENCH_THREADS={t:?}: not a number of threads")),
        Err(_) => netraven_jobs::config::Config::default().worker.threads,
    };
    let rt = netraven_jobs::event_loop::EventLoop::new(threads).unwrap();
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
        let prompt = catalog.for_model("ios").unwrap().info.prompt.clone();
        let fleet = Arc::new(Fleet {
            runtime,
            catalog: Arc::new(catalog),
            host_keys: Arc::new(MemoryHostKeys::default()),
            redact: true,
        });
        // Warm up both paths (regex caches, driver cache, sockets).
        let warm = &devices[..devices.len().min(20)];
        let p = prompt.clone();
        measure("warm-up", warm, concurrency, |d| bare(d, p.clone(), false)).await;
        let f = fleet.clone();
        measure("warm-up", warm, concurrency, |d| {
            let f = f.clone();
            async move { f.backup(&d).await.map(|_| ()).map_err(|e| e.to_string()) }
        })
        .await;

        println!(
            "{count} simulated IOS devices at concurrency {concurrency} ({} cores, runtime threads {threads})",
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(0)
        );
        let backup = |fleet: &Arc<Fleet>| {
            let f = fleet.clone();
            move |d: Device| {
                let f = f.clone();
                async move { f.backup(&d).await.map(|_| ()).map_err(|e| e.to_string()) }
            }
        };
        let unredacted = Arc::new(Fleet {
            runtime: fleet.runtime.clone(),
            catalog: fleet.catalog.clone(),
            host_keys: fleet.host_keys.clone(),
            redact: false,
        });
        // The same dialogue through the `generic` driver, whose text work is
        // light (cut echo and prompt, comment): the sandbox's own share.
        // `generic-1` sends the floor's one command: the sandbox's cost per
        // device, apart from its cost per command.
        let generic = |comment_commands: Option<&str>| -> Vec<Device> {
            let vars = generic_vars(&prompt, comment_commands);
            devices
                .iter()
                .map(|d| Device {
                    model: "generic".into(),
                    vars: vars.clone(),
                    ..d.clone()
                })
                .collect()
        };
        let light = generic(Some(IOS_COMMENT_COMMANDS));
        let one_command = generic(None);
        let short_commands = generic(Some(
            "terminal width 0;terminal width 0;terminal width 0;terminal width 0",
        ));
        // Each round runs every phase once, in turn, so that a slow spell of
        // this noisy machine lands on all of them; the figures are the
        // rounds' medians.
        let mut runs: Vec<Run> = Vec::new();
        const PHASES: [&str; 7] = [
            "floor",
            "dialogue",
            "full",
            "no-redact",
            "generic",
            "generic-short",
            "generic-1",
        ];
        for round in 0..rounds {
            if rounds > 1 {
                eprintln!("round {} of {rounds}", round + 1);
            }
            // Each round starts one phase later, so that no phase always
            // runs first.
            for i in 0..PHASES.len() {
                let name = PHASES[(round + i) % PHASES.len()];
                if !wanted(name) {
                    continue;
                }
                let run = match name {
                    "floor" | "dialogue" => {
                        let p = prompt.clone();
                        let dialogue = name == "dialogue";
                        measure(name, &devices, concurrency, |d| {
                            bare(d, p.clone(), dialogue)
                        })
                        .await
                    }
                    "full" => measure(name, &devices, concurrency, backup(&fleet)).await,
                    "no-redact" => measure(name, &devices, concurrency, backup(&unredacted)).await,
                    "generic" => measure(name, &light, concurrency, backup(&unredacted)).await,
                    "generic-short" => {
                        measure(name, &short_commands, concurrency, backup(&unredacted)).await
                    }
                    _ => measure(name, &one_command, concurrency, backup(&unredacted)).await,
                };
                if std::env::var_os("NETRAVEN_BENCH_EACH").is_some() {
                    run.print();
                }
                runs.push(run);
            }
        }
        // The ratio within each round too: its two phases ran minutes
        // apart at most, so a slow spell of the machine weighs on both.
        let per_round: Vec<f64> = runs
            .chunks((runs.len() / rounds).max(1))
            .filter_map(|round| {
                let cpu = |name: &str| {
                    round
                        .iter()
                        .find(|r| r.name == name)
                        .map(|r| r.cpu / r.devices as f64)
                };
                Some(cpu("full")? / cpu("floor")?)
            })
            .collect();
        let runs = Run::medians(runs);
        for run in &runs {
            run.print();
        }
        let per = |name: &str| {
            runs.iter()
                .find(|r| r.name == name)
                .map(|r| r.cpu / r.devices as f64)
        };
        if let (Some(full), Some(floor), Some(dialogue)) =
            (per("full"), per("floor"), per("dialogue"))
        {
            println!(
                "client CPU per device: full/floor {:.2}x, full/dialogue {:.2}x",
                full / floor,
                full / dialogue
            );
        }
        if per_round.len() > 1 {
            let mut sorted = per_round.clone();
            sorted.sort_by(f64::total_cmp);
            println!(
                "full/floor per round: median {:.2}x, from {:.2}x to {:.2}x over {} rounds",
                sorted[(sorted.len() - 1) / 2],
                sorted[0],
                sorted[sorted.len() - 1],
                sorted.len()
            );
        }
        println!(
            "peak RSS: client {:.0} MiB, simulator {:.0} MiB",
            peak_rss_mib("self"),
            peak_rss_mib(&sim_pid)
        );
    });
    drop(sim.stdin.take());
    let _ = sim.kill();
    let _ = sim.wait();
    let _ = std::fs::remove_dir_all(&work);
}
