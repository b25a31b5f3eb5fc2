//! `netraven backup --inventory`: devices straight from an inventory file, with no database or job, configs written under a directory.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use netraven_jobs::config::Config;

use super::drivers::index;
use super::*;

/// Load the inventory and keep the devices the filters name; an unknown
/// device name is an error.
pub(crate) fn select_devices(
    inventory: &Path,
    names: &[String],
    group: Option<&str>,
) -> anyhow::Result<Vec<netraven_inventory::Device>> {
    let all = netraven_inventory::load(inventory).map_err(anyhow::Error::msg)?;
    for name in names {
        if !all.iter().any(|d| &d.name == name) {
            bail!("{}: no device named {name:?}", inventory.display());
        }
    }
    let chosen: Vec<_> = all
        .into_iter()
        .filter(|d| names.is_empty() || names.contains(&d.name))
        .filter(|d| group.is_none_or(|g| d.group == g))
        .collect();
    if chosen.is_empty() {
        bail!("{}: no device matches", inventory.display());
    }
    Ok(chosen)
}

pub(crate) async fn fleet(
    config: &Config,
    dir: &DriversDir,
    known_hosts: &Path,
    redact: bool,
) -> anyhow::Result<Arc<netraven_jobs::fleet::Fleet>> {
    let (runtime, catalog) = index(config, dir).await?;
    let host_keys =
        netraven_transport::ssh::KnownHostsFile::open(known_hosts).map_err(anyhow::Error::msg)?;
    Ok(Arc::new(netraven_jobs::fleet::Fleet {
        runtime,
        catalog: Arc::new(catalog),
        host_keys: Arc::new(host_keys),
        redact,
    }))
}

/// One status line, redrawn in place on a terminal.
pub(crate) struct Progress {
    total: usize,
    done: usize,
    failed: usize,
    started: std::time::Instant,
    terminal: bool,
    last_draw: std::time::Instant,
}

impl Progress {
    fn new(total: usize) -> Self {
        use std::io::IsTerminal;
        let now = std::time::Instant::now();
        Progress {
            total,
            done: 0,
            failed: 0,
            started: now,
            terminal: std::io::stderr().is_terminal(),
            last_draw: now,
        }
    }

    fn update(&mut self, result: &netraven_jobs::fleet::DeviceResult) {
        self.done += 1;
        if let Err(failure) = &result.outcome {
            self.failed += 1;
            if self.terminal {
                eprint!("\r\x1b[K");
            }
            eprintln!("{}: {failure}", result.name);
        }
        let now = std::time::Instant::now();
        if self.terminal && (now - self.last_draw).as_millis() >= 100 || self.done == self.total {
            self.last_draw = now;
            self.draw();
        }
    }

    fn draw(&self) {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = self.done as f64 / secs;
        let eta = if rate > 0.0 {
            (self.total - self.done) as f64 / rate
        } else {
            0.0
        };
        let line = format!(
            "[{}/{}] ok {} failed {}  {:.1} devices/s  ETA {:.0}s",
            self.done,
            self.total,
            self.done - self.failed,
            self.failed,
            rate,
            eta
        );
        if self.terminal {
            eprint!("\r\x1b[K{line}");
            if self.done == self.total {
                eprintln!();
            }
        } else if self.done == self.total {
            eprintln!("{line}");
        }
    }
}

pub(crate) async fn backup(config: Config, args: BackupArgs) -> anyhow::Result<ExitCode> {
    let inventory = args.inventory.clone().context("--inventory: missing")?;
    let devices = select_devices(&inventory, &args.devices, args.group.as_deref())?;
    let mut config = config;
    config.worker.concurrency = args.concurrency;
    let fleet = fleet(&config, &args.dir, &args.known_hosts, !args.keep_secrets).await?;
    run_backup(&fleet, devices, &args.out, args.concurrency, args.json).await
}

/// Back up `devices`, write their configs under `out`, show progress and
/// print the summary; the exit code says how it went.
pub(crate) async fn run_backup(
    fleet: &Arc<netraven_jobs::fleet::Fleet>,
    devices: Vec<netraven_inventory::Device>,
    out: &Path,
    concurrency: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let total = devices.len();
    let mut progress = Progress::new(total);
    let out_dir = out.to_path_buf();
    let mut write_errors = Vec::new();
    let started = std::time::Instant::now();
    let results = fleet
        .backup_all(devices, concurrency, |r| {
            if let Ok(backup) = &r.outcome
                && let Err(e) =
                    netraven_jobs::fleet::write_config(&out_dir, &r.group, &r.name, &backup.config)
            {
                write_errors.push(format!("{}: cannot write its config: {e}", r.name));
            }
            progress.update(r);
        })
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    for e in &write_errors {
        eprintln!("error: {e}");
    }
    let ok = results.iter().filter(|r| r.outcome.is_ok()).count() - write_errors.len();
    let failed = total - ok;
    let mut classes = std::collections::BTreeMap::<String, usize>::new();
    for r in &results {
        if let Err(f) = &r.outcome {
            *classes.entry(f.class.to_string()).or_default() += 1;
        }
    }
    if json {
        let failures: Vec<_> = results
            .iter()
            .filter_map(|r| {
                r.outcome.as_ref().err().map(|f| {
                    serde_json::json!({"device": r.name, "class": f.class.as_str(), "message": f.message})
                })
            })
            .collect();
        let summary = serde_json::json!({
            "devices": total,
            "succeeded": ok,
            "failed": failed,
            "failed_by_class": classes,
            "seconds": elapsed,
            "devices_per_second": total as f64 / elapsed.max(1e-9),
            "out": out,
            "failures": failures,
        });
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        let by_class: Vec<String> = classes.iter().map(|(c, n)| format!("{c} {n}")).collect();
        println!(
            "{ok} of {total} devices backed up in {elapsed:.1}s ({:.1}/s) to {}{}",
            total as f64 / elapsed.max(1e-9),
            out.display(),
            if by_class.is_empty() {
                String::new()
            } else {
                format!("; failed: {}", by_class.join(", "))
            }
        );
    }
    Ok(match (ok, failed) {
        (_, 0) => ExitCode::SUCCESS,
        (0, _) => ExitCode::from(EXIT_ERROR),
        _ => ExitCode::from(EXIT_FAILED),
    })
}
