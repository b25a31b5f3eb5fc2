//! Jobs from the command line: creating and running them (`backup`, `exec`, `run-job`), listing and showing them, and the database they live in.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, bail};
use netraven_jobs::config::Config;
use netraven_jobs::{ProgressFn, Summary, Tick, Worker};
use netraven_store::Store;

use super::drivers::index;
use super::*;

/// Open the database (migrating it) and say where it is on failure.
pub(crate) async fn open_store(config: &Config) -> anyhow::Result<Store> {
    Ok(Store::open(&config.database).await?)
}

pub(crate) async fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    let store = Store::connect(&config.database).await?;
    let applied = store.migrate().await?;
    if applied.is_empty() {
        println!("{}: schema is up to date", store.url());
    } else {
        println!("{}: applied migrations {applied:?}", store.url());
    }
    Ok(ExitCode::SUCCESS)
}

// ---- jobs --------------------------------------------------------------------

/// Create a job over the selected devices; returns its id.
pub(crate) async fn create_job(
    store: &Store,
    kind: &str,
    selection: &Selection,
    params: serde_json::Value,
) -> anyhow::Result<i64> {
    let all = store.devices().await?;
    for name in &selection.devices {
        if !all.iter().any(|d| &d.name == name) {
            bail!("--device {name:?}: no such device (see `netraven devices list`)");
        }
    }
    if selection.devices.is_empty() && selection.group.is_none() && !selection.all {
        bail!("say which devices: --device NAME, --group GROUP or --all");
    }
    let names: Vec<String> = all
        .into_iter()
        .filter(|d| {
            selection.devices.contains(&d.name)
                || (d.enabled && (selection.all || selection.group.as_ref() == Some(&d.group)))
        })
        .map(|d| d.name)
        .collect();
    if names.is_empty() {
        bail!("no enabled device matches the selection");
    }
    let by = std::env::var("USER").unwrap_or_else(|_| "netraven".into());
    Ok(store
        .create_job(kind, &format!("cli:{by}"), &params, &names)
        .await?)
}

pub(crate) async fn run_job(
    config: &Config,
    id: i64,
    json: bool,
    store: &Store,
) -> anyhow::Result<ExitCode> {
    let (runtime, catalog) = index(config, &DriversDir { drivers: None }).await?;
    let worker = Worker::new(config.clone(), store.clone(), runtime, Arc::new(catalog))?;
    let progress = Progress::start(id);
    let summary = worker.run_job(id, progress.callback()).await.map_err(|e| {
        progress.finish();
        if e.names_job() {
            anyhow::Error::new(e)
        } else {
            anyhow::Error::new(e).context(format!("job {id}"))
        }
    })?;
    progress.finish();
    if json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(&summary, config);
    }
    Ok(ExitCode::from(summary.exit_code()))
}

pub(crate) fn print_summary(s: &Summary, config: &Config) {
    println!(
        "job {} {}: {} of {} devices succeeded, {} failed, {} changed ({:.1}s, {:.1} devices/s)",
        s.job,
        s.status,
        s.succeeded,
        s.devices,
        s.failed,
        s.changed,
        s.seconds,
        s.ran as f64 / s.seconds.max(1e-9)
    );
    for f in s.failures.iter().take(20) {
        println!("  {}: {}: {}", f.device, f.class, f.message);
    }
    if s.failures.len() > 20 {
        println!(
            "  ... and {} more: netraven jobs show {}",
            s.failures.len() - 20,
            s.job
        );
    }
    if s.kind == netraven_jobs::BACKUP {
        println!(
            "configs: {} (netraven history DEVICE, netraven diff DEVICE)",
            config.git.repository.display()
        );
    }
}

/// Progress: a bar on a terminal, a plain line every few seconds elsewhere.
pub(crate) struct Progress {
    state: Arc<Mutex<ProgressState>>,
}

pub(crate) struct ProgressState {
    job: i64,
    bar: Option<indicatif::ProgressBar>,
    done: u64,
    failed: u64,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    fn start(job: i64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "job {prefix} [{bar:30}] {pos}/{len} {msg} {per_sec} ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(job.to_string());
            bar
        });
        let now = Instant::now();
        Progress {
            state: Arc::new(Mutex::new(ProgressState {
                job,
                bar,
                done: 0,
                failed: 0,
                started: now,
                last_line: now,
            })),
        }
    }

    fn callback(&self) -> ProgressFn {
        let state = self.state.clone();
        Arc::new(move |tick: &Tick| {
            let Ok(mut s) = state.lock() else { return };
            s.done += 1;
            if !tick.ok {
                s.failed += 1;
            }
            let (done, failed) = (s.done, s.failed);
            if let Some(bar) = &s.bar {
                bar.set_length(tick.total as u64);
                bar.set_position(done);
                bar.set_message(format!("failed {failed}"));
            } else if s.last_line.elapsed().as_secs() >= 5 {
                s.last_line = Instant::now();
                let rate = done as f64 / s.started.elapsed().as_secs_f64().max(1e-9);
                eprintln!(
                    "job {}: {done}/{} done, {failed} failed, {rate:.1} devices/s, ETA {:.0}s",
                    s.job,
                    tick.total,
                    (tick.total as f64 - done as f64).max(0.0) / rate.max(1e-9)
                );
            }
        })
    }

    fn finish(&self) {
        if let Ok(s) = self.state.lock()
            && let Some(bar) = &s.bar
        {
            bar.finish_and_clear();
        }
    }
}

pub(crate) async fn jobs(config: &Config, command: JobsCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(config).await?;
    match command {
        JobsCommand::Create { selection, json } => {
            let id = create_job(
                &store,
                netraven_jobs::BACKUP,
                &selection,
                serde_json::json!({}),
            )
            .await?;
            let devices = store.job_device_count(id).await?;
            if json {
                println!("{}", serde_json::json!({ "job": id, "devices": devices }));
            } else {
                println!("created backup job {id} over {devices} devices: netraven run-job {id}");
            }
        }
        JobsCommand::List { limit, json } => {
            let all = store.jobs(limit).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                println!(
                    "{:>6}  {:<9} {:<10} {:<20} BY",
                    "ID", "KIND", "STATUS", "CREATED"
                );
                for j in &all {
                    println!(
                        "{:>6}  {:<9} {:<10} {:<20} {}",
                        j.id,
                        j.kind,
                        j.status,
                        time(j.created_at),
                        j.created_by
                    );
                }
            }
        }
        JobsCommand::Show {
            id,
            transcripts,
            json,
        } => {
            let job = store
                .job(id)
                .await?
                .with_context(|| format!("job {id}: no such job (see `netraven jobs list`)"))?;
            let results = store.results(id).await?;
            let logs = store.logs(id).await?;
            let conns = if transcripts {
                store.connection_logs(id, None).await?
            } else {
                Vec::new()
            };
            if json {
                let live_ms = config.queue.lease_ms();
                let waiting = store.waiting_zones(id, live_ms).await?;
                let v = serde_json::json!({
                    "job": job, "results": results, "logs": logs, "connection_logs": conns,
                    "waiting": waiting,
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!(
                    "job {} {} {} (created {} by {}, started {}, finished {})",
                    job.id,
                    job.kind,
                    job.status,
                    time(job.created_at),
                    job.created_by,
                    job.started_at.map(time).unwrap_or("-".into()),
                    job.finished_at.map(time).unwrap_or("-".into())
                );
                let live_ms = config.queue.lease_ms();
                for wait in store.waiting_zones(id, live_ms).await? {
                    println!("waiting: {}", netraven_jobs::queue::describe_wait(&wait));
                }
                println!(
                    "\n{:<24} {:<7} {:>8} {:>4}  {:<10} DETAIL",
                    "DEVICE", "STATUS", "MS", "TRY", "COMMIT"
                );
                for r in &results {
                    let detail = match (&r.error_class, &r.message) {
                        (Some(c), Some(m)) => format!("{c}: {m}"),
                        _ if r.changed => "changed".into(),
                        _ => "unchanged".into(),
                    };
                    println!(
                        "{:<24} {:<7} {:>8} {:>4}  {:<10} {}",
                        r.device,
                        r.status,
                        r.duration_ms,
                        r.attempts,
                        r.commit_id
                            .as_deref()
                            .map(|c| &c[..c.len().min(10)])
                            .unwrap_or("-"),
                        detail
                    );
                    if let Some(out) = &r.output {
                        println!("{out}");
                    }
                }
                println!("\nlog:");
                for l in &logs {
                    println!(
                        "  {} {:<5} {}{}",
                        time(l.at),
                        l.level,
                        l.device
                            .as_deref()
                            .map(|d| format!("{d}: "))
                            .unwrap_or_default(),
                        l.message
                    );
                }
                for c in &conns {
                    println!(
                        "\n--- {} (attempt {}) ---\n{}",
                        c.device, c.attempt, c.transcript
                    );
                }
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Unix milliseconds as UTC `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn time(ms: i64) -> String {
    netraven_jobs::utc(ms)
}

/// `netraven metrics`: the exposition a job writes to `[metrics] textfile`.
pub(crate) async fn metrics(config: &Config) -> anyhow::Result<ExitCode> {
    let store = open_store(config).await?;
    let text = netraven_jobs::metrics::exposition(&store).await?;
    store.close().await;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// `netraven worker`: serve queued jobs until SIGTERM or Ctrl-C (finish
/// the devices in flight, hand back the rest); a second signal hurries.
pub(crate) async fn worker(
    config: &Config,
    zones: Vec<String>,
    concurrency: Option<usize>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    for zone in &zones {
        if let Some(problem) = netraven_inventory::zone_problem(zone) {
            bail!("--zone: {problem}");
        }
    }
    let concurrency = concurrency.unwrap_or(config.worker.concurrency);
    if !(1..=100_000).contains(&concurrency) {
        bail!("--concurrency {concurrency}: must be 1 to 100000");
    }
    // The driver pool and the job settings follow --concurrency.
    let mut config = config.clone();
    config.worker.concurrency = concurrency;
    let config = &config;
    let store = open_store(config).await?;
    if store.backend() != netraven_store::Backend::Postgres {
        bail!(
            "netraven worker needs PostgreSQL, and [database] url is {}: workers on several \
             machines share one PostgreSQL database (set [database] url or NETRAVEN_DATABASE_URL \
             to postgres://USER@HOST:PORT/DB); on SQLite, `netraven run-job` runs jobs itself",
            store.url()
        );
    }
    let (runtime, catalog) = index(config, &DriversDir { drivers: None }).await?;
    let worker = Arc::new(Worker::new(
        config.clone(),
        store.clone(),
        runtime,
        Arc::new(catalog),
    )?);
    let (stop_tx, stop) = tokio::sync::watch::channel(netraven_jobs::queue::Stop::Run);
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        for step in [
            netraven_jobs::queue::Stop::Drain,
            netraven_jobs::queue::Stop::Now,
        ] {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            eprintln!(
                "{}",
                match step {
                    netraven_jobs::queue::Stop::Drain =>
                        "stopping: finishing the devices in flight (again to hand them back now)",
                    _ => "stopping now: the devices in flight go back to the queue",
                }
            );
            let _ = stop_tx.send(step);
        }
    });
    let options = netraven_jobs::queue::ServeOptions {
        zones: zones.clone(),
        concurrency,
    };
    let shown = if zones.is_empty() {
        "devices without a zone".to_string()
    } else {
        format!("zones {} and devices without a zone", zones.join(", "))
    };
    if json {
        println!(
            "{}",
            serde_json::json!({"event": "started", "worker": netraven_store::this_runner(),
                "zones": zones, "concurrency": concurrency})
        );
    } else {
        eprintln!(
            "worker {} serving {shown}, {concurrency} at a time, on {}",
            netraven_store::this_runner(),
            store.url()
        );
    }
    let report = worker.serve(options, stop).await?;
    if json {
        println!(
            "{}",
            serde_json::json!({"event": "stopped", "worker": report.worker,
                "devices": report.devices, "handed_back": report.handed_back})
        );
    } else {
        eprintln!(
            "worker {} stopped: {} devices worked on, {} handed back",
            report.worker, report.devices, report.handed_back
        );
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// `netraven workers`: the live workers.
pub(crate) async fn workers(config: &Config, json: bool) -> anyhow::Result<ExitCode> {
    let store = open_store(config).await?;
    if store.backend() != netraven_store::Backend::Postgres {
        bail!(
            "{}: workers need PostgreSQL ([database] url); on SQLite there are none",
            store.url()
        );
    }
    let live_ms = config.queue.lease_ms();
    let all = store.live_workers(live_ms).await?;
    let now = store.db_now().await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
    } else {
        println!(
            "{:<32} {:<20} {:<24} {:>8} {:>11}  HEARTBEAT",
            "WORKER", "HOST", "ZONES", "PID", "IN FLIGHT"
        );
        for w in &all {
            let zones = if w.zones.is_empty() {
                "-".to_string()
            } else {
                w.zones.join(",")
            };
            println!(
                "{:<32} {:<20} {:<24} {:>8} {:>5}/{:<5}  {:.1} s ago",
                w.id,
                w.host,
                zones,
                w.pid,
                w.in_flight,
                w.concurrency,
                (now - w.heartbeat_at).max(0) as f64 / 1000.0
            );
        }
        eprintln!("{} live workers", all.len());
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
