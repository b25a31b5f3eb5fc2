//! `netraven run-job` over a simulated fleet, on SQLite and on PostgreSQL:
//! devices/s, peak RSS of the job process, and the time per device spent
//! in the database and in git.
//!
//! ```text
//! cargo bench -p netraven --bench jobs               # 1,000 and 10,000 devices
//! cargo bench -p netraven --bench jobs -- 1000       # one size
//! ```
//!
//! The simulator (`netraven-sim`, each device on its own 127.x address)
//! runs on the same machine. Each size and backend starts from an empty
//! database and archive, so every device is new and committed: the first
//! night of a new estate, the heaviest case for git. A second run over the
//! same devices (nothing changed) is reported too.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::root;

const PG_ADMIN: &str = "postgres://root@127.0.0.1:5432/test";

struct Sim {
    child: std::process::Child,
    inventory: PathBuf,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sim(devices: usize, dir: &Path) -> Sim {
    let inventory = dir.join("lab.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_netraven-sim"))
        .args([
            "--corpus",
            "tests/corpus/oxidized",
            "--case",
            "ios#C9200L*",
            "--copies",
            &devices.to_string(),
            "--address-base",
            "127.0.1.1",
            "--port",
            "2222",
            "--exit-on-stdin-eof",
            "--inventory-out",
        ])
        .arg(&inventory)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start netraven-sim");
    let mut ready = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut ready)
        .expect("ready line");
    assert!(ready.starts_with("ready "), "netraven-sim: {ready:?}");
    Sim { child, inventory }
}

fn netraven(dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_netraven"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NETRAVEN_LOG")
        .env("NETRAVEN_DATABASE_URL", url)
        .env("NETRAVEN_RUNTIME_DRIVERS_DIR", root().join("data/drivers"))
        .env(
            "NETRAVEN_RUNTIME_CACHE_DIR",
            root().join("data/cache/drivers"),
        )
        .env("NETRAVEN_WORKER_CONCURRENCY", "200");
    cmd
}

/// Peak RSS (VmHWM) of a running process, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

struct Run {
    wall: f64,
    rss_mib: f64,
    summary: serde_json::Value,
}

fn run_job(dir: &Path, url: &str, id: i64) -> Run {
    let started = Instant::now();
    let mut child = netraven(dir, url, &["run-job", &id.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run-job");
    let pid = child.id();
    let mut peak = 0;
    while child.try_wait().expect("wait").is_none() {
        if let Some(kib) = peak_rss_kib(pid) {
            peak = peak.max(kib);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let wall = started.elapsed().as_secs_f64();
    let out = child.wait_with_output().expect("output");
    let summary: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("run-job prints a JSON summary");
    Run {
        wall,
        rss_mib: peak as f64 / 1024.0,
        summary,
    }
}

fn pg(sql: &str) {
    let status = Command::new("psql")
        .args([PG_ADMIN, "-q", "-c", sql])
        .stdout(Stdio::null())
        .status()
        .expect("psql");
    assert!(status.success(), "psql {sql}");
}

fn bench(devices: usize, backend: &str, sim: &Sim) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = match backend {
        "sqlite" => format!("sqlite://{}", dir.path().join("data/netraven.db").display()),
        _ => {
            pg("DROP DATABASE IF EXISTS nr_bench WITH (FORCE)");
            pg("CREATE DATABASE nr_bench");
            "postgres://root@127.0.0.1:5432/nr_bench".to_string()
        }
    };
    let import = netraven(dir.path(), &url, &["devices", "import"])
        .arg(&sim.inventory)
        .output()
        .expect("import");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let report = |label: &str, id: i64| {
        let run = run_job(dir.path(), &url, id);
        let s = &run.summary;
        let ok = s["succeeded"].as_u64().unwrap_or(0);
        let per = |key: &str| s[key].as_f64().unwrap_or(0.0) * 1000.0 / devices as f64;
        let commits = Command::new("git")
            .arg("--git-dir")
            .arg(dir.path().join("data/configs.git"))
            .args(["rev-list", "--count", "HEAD"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        println!(
            "{devices:>6} devices  {backend:<8} {label:<10} {:>6.1} s  {:>7.1} devices/s  ok {ok:>6}  \
             changed {:>6}  commits {commits:>4}  peak RSS {:>6.0} MiB  db {:>6.3} ms/device  \
             git {:>6.3} ms/device",
            run.wall,
            devices as f64 / run.wall,
            s["changed"].as_u64().unwrap_or(0),
            run.rss_mib,
            per("db_seconds"),
            per("git_seconds"),
        );
    };
    let first = create_job(dir.path(), &url);
    report("first run", first);
    let second = create_job(dir.path(), &url);
    report("unchanged", second);
    if backend != "sqlite" {
        pg("DROP DATABASE IF EXISTS nr_bench WITH (FORCE)");
    }
}

/// A backup job over every device, created but not run.
fn create_job(dir: &Path, url: &str) -> i64 {
    let out = netraven(dir, url, &["jobs", "create", "--all", "--json"])
        .output()
        .expect("jobs create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["job"].as_i64().expect("a job id")
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1000, 10_000]
    } else {
        sizes
    };
    let status = Command::new(env!("CARGO_BIN_EXE_netraven"))
        .args(["driver", "build", "drivers/ios"])
        .current_dir(root())
        .status()
        .expect("build the ios driver");
    assert!(status.success());
    for devices in sizes {
        let dir = tempfile::tempdir().expect("tempdir");
        let sim = start_sim(devices, dir.path());
        for backend in ["sqlite", "postgres"] {
            bench(devices, backend, &sim);
        }
    }
}
