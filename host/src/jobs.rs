//! Running a job: the scheduler's `netraven run-job <id>`.
//!
//! ```text
//! devices (db) ─► dispatcher ─► fleet (ssh + driver) ─► redaction ─┬─► archive (one git writer) ─┐
//!                  bounded,                                       │                             ▼
//!                  retries                                        └──────────────► writer (batched db rows)
//! ```
//!
//! A job's device set is fixed when it is created. Running it works
//! through the devices that have no result yet, so rerunning a job that
//! was killed finishes it without redoing or duplicating what is stored.
//! A result row is written only after its configuration is committed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::{Semaphore, mpsc, oneshot};
use tracing::Instrument;

use crate::archive::{self, Archive, Author, Change, Outcome};
use crate::config::Config;
use crate::fleet::{Fleet, Work};
use crate::inventory::{self, Device, Entry};
use crate::outcome::{DeviceFailure, ErrorClass};
use crate::redact::Redactor;
use crate::runtime::{Catalog, Runtime};
use crate::secrets::{Keyring, Sealed};
use crate::ssh::HostKeyStore;
use crate::store::{
    Claim, ConnectionLogRow, CredentialRow, DeviceRow, LogRow, ResultRow, Store, Write, now_ms,
};

/// How often a running job says it is alive, and when silence means its
/// runner is gone.
const HEARTBEAT: Duration = Duration::from_secs(10);
const HEARTBEAT_STALE_MS: i64 = 60_000;

/// Stops a background task when the run ends, however it ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The kinds of job.
pub const BACKUP: &str = "backup";
pub const COMMANDS: &str = "commands";

/// What a finished run reports (the JSON `run-job` prints).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub job: i64,
    pub kind: String,
    /// `succeeded`, `partial` or `failed`.
    pub status: String,
    pub devices: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub changed: usize,
    /// Devices worked on by this run (the rest had results already).
    pub ran: usize,
    pub seconds: f64,
    /// Time spent writing rows (results, logs, transcripts, host keys).
    pub db_seconds: f64,
    /// Time spent committing configurations.
    pub git_seconds: f64,
    pub failures: Vec<FailureLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailureLine {
    pub device: String,
    pub class: String,
    pub message: String,
}

impl Summary {
    /// 0 all succeeded, 1 some failed, 2 none succeeded.
    pub fn exit_code(&self) -> u8 {
        match (self.succeeded, self.failed) {
            (_, 0) => 0,
            (0, _) => 2,
            _ => 1,
        }
    }
}

/// How a device ended, as the progress display sees it.
#[derive(Debug, Clone)]
pub struct Tick {
    pub ok: bool,
    pub total: usize,
}

pub type ProgressFn = Arc<dyn Fn(&Tick) + Send + Sync>;

/// Everything a job needs, opened once per process.
pub struct Worker {
    pub config: Config,
    pub store: Store,
    pub runtime: Arc<Runtime>,
    pub catalog: Arc<Catalog>,
    pub redactor: Arc<Redactor>,
    writer: Writer,
}

impl Worker {
    pub fn new(
        config: Config,
        store: Store,
        runtime: Arc<Runtime>,
        catalog: Arc<Catalog>,
    ) -> Result<Worker, String> {
        let redactor = Arc::new(Redactor::new(
            &config.redaction.keywords,
            &config.redaction.patterns,
        )?);
        let writer = Writer::start(store.clone());
        Ok(Worker {
            config,
            store,
            runtime,
            catalog,
            redactor,
            writer,
        })
    }

    /// Run job `id` to the end and return its summary. Errors are for a job
    /// that cannot run at all (no such job, database down, bad key).
    pub async fn run_job(&self, id: i64, progress: ProgressFn) -> Result<Summary, String> {
        let span = tracing::info_span!("job", job = id);
        self.run_job_inner(id, progress).instrument(span).await
    }

    async fn run_job_inner(&self, id: i64, progress: ProgressFn) -> Result<Summary, String> {
        let started = Instant::now();
        let db_before = self.writer.busy_seconds();
        let job = self
            .store
            .job(id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("job {id}: no such job (see `netraven jobs list`)"))?;
        let total = self
            .store
            .job_device_count(id)
            .await
            .map_err(|e| e.to_string())? as usize;
        let pending = self
            .store
            .pending_devices(id)
            .await
            .map_err(|e| e.to_string())?;
        let commands: Option<Vec<String>> = match job.kind.as_str() {
            BACKUP => None,
            COMMANDS => Some(
                job.params
                    .get("commands")
                    .and_then(|c| serde_json::from_value(c.clone()).ok())
                    .ok_or_else(|| format!("job {id}: commands job without a commands list"))?,
            ),
            other => return Err(format!("job {id}: unknown kind {other:?}")),
        };
        let rows: HashMap<String, DeviceRow> = self
            .store
            .devices()
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|d| (d.name.clone(), d))
            .collect();
        let creds = Credentials::load(&self.store, &self.config, &rows, &pending).await?;
        let runner = crate::store::this_runner();
        match self
            .store
            .claim_job(id, &runner, HEARTBEAT_STALE_MS)
            .await
            .map_err(|e| e.to_string())?
        {
            Claim::Claimed => {}
            Claim::NoSuchJob => return Err(format!("job {id}: no such job")),
            Claim::Held {
                runner,
                seconds_ago,
            } => {
                return Err(format!(
                    "job {id}: already running in {runner} (heartbeat {seconds_ago} s ago); \
                     it is taken over once that process is gone"
                ));
            }
        }
        let beat = {
            let store = self.store.clone();
            let runner = runner.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(HEARTBEAT).await;
                    if let Err(e) = store.heartbeat(id, &runner).await {
                        tracing::warn!("job heartbeat: {e}");
                    }
                }
            })
        };
        let _stop_beat = AbortOnDrop(beat);
        tracing::info!(devices = total, pending = pending.len(), "job started");
        self.log(
            id,
            None,
            "info",
            format!(
                "{} started: {} devices, {} to do",
                job.kind,
                total,
                pending.len()
            ),
        );

        let host_keys: Arc<dyn HostKeyStore> = Arc::new(
            DbHostKeys::load(&self.store, self.writer.sender())
                .await
                .map_err(|e| e.to_string())?,
        );
        let fleet = Arc::new(Fleet {
            runtime: self.runtime.clone(),
            catalog: self.catalog.clone(),
            host_keys,
            redact: self.config.redaction.configs || commands.is_some(),
        });
        let archive = if commands.is_none() {
            Some(ArchiveWriter::start(
                &self.config,
                fleet.clone(),
                self.writer.sender(),
                tokio::runtime::Handle::current(),
                id,
                // A job that ran before (and was killed) is being finished.
                job.started_at.map(|ms| ms / 1000 - 60),
            )?)
        } else {
            None
        };

        let gate = Arc::new(Semaphore::new(self.config.worker.concurrency));
        let config = Arc::new(self.config.clone());
        let rows = Arc::new(rows);
        let creds = Arc::new(creds);
        let mut tasks = tokio::task::JoinSet::new();
        let ran = pending.len();
        for name in pending {
            let ctx = DeviceContext {
                job: id,
                fleet: fleet.clone(),
                redactor: self.redactor.clone(),
                writer: self.writer.sender(),
                archive: archive.as_ref().map(ArchiveWriter::sender),
                config: config.clone(),
                commands: commands.clone(),
                progress: progress.clone(),
                total,
                gate: gate.clone(),
                secrets: Vec::new(),
            };
            let (rows, creds) = (rows.clone(), creds.clone());
            let span = tracing::info_span!("device", device = %name);
            tasks.spawn(
                async move {
                    // Resolved here, not up front: 10,000 targets need not
                    // all sit in memory while the first devices run.
                    let device = resolve(&name, &rows, &creds, &ctx.config);
                    ctx.work(name, device).await;
                }
                .instrument(span),
            );
        }
        while let Some(joined) = tasks.join_next().await {
            if let Err(e) = joined {
                // The device has no result: the summary counts it failed and
                // a rerun of the job does it again.
                tracing::error!("a device task failed: {e}");
            }
        }
        let git_seconds = match archive {
            Some(archive) => archive.finish().await?,
            None => 0.0,
        };
        self.writer.flush().await?;
        let db_seconds = self.writer.busy_seconds() - db_before;

        let results = self.store.results(id).await.map_err(|e| e.to_string())?;
        let succeeded = results.iter().filter(|r| r.status == "ok").count();
        let failed = results.len() - succeeded;
        let status = match (succeeded, failed) {
            (_, 0) if results.len() == total => "succeeded",
            (0, _) => "failed",
            _ => "partial",
        };
        let summary = Summary {
            job: id,
            kind: job.kind.clone(),
            status: status.to_string(),
            devices: total,
            succeeded,
            failed: failed + total.saturating_sub(results.len()),
            changed: results.iter().filter(|r| r.changed).count(),
            ran,
            seconds: started.elapsed().as_secs_f64(),
            db_seconds,
            git_seconds,
            failures: results
                .iter()
                .filter(|r| r.status != "ok")
                .map(|r| FailureLine {
                    device: r.device.clone(),
                    class: r.error_class.clone().unwrap_or_default(),
                    message: r.message.clone().unwrap_or_default(),
                })
                .collect(),
        };
        self.log(
            id,
            None,
            "info",
            format!(
                "{} {}: {} of {} devices succeeded, {} failed, {} changed",
                job.kind, status, summary.succeeded, total, summary.failed, summary.changed
            ),
        );
        self.writer.flush().await?;
        self.store
            .finish_job(id, status)
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(
            status,
            succeeded = summary.succeeded,
            failed = summary.failed,
            changed = summary.changed,
            "job finished"
        );
        Ok(summary)
    }

    fn log(&self, job: i64, device: Option<&str>, level: &str, message: String) {
        self.writer.send(Write::Log(LogRow {
            job_id: job,
            device: device.map(String::from),
            level: level.into(),
            message: self.redactor.apply(&message),
            at: now_ms(),
        }));
    }
}

/// A credential opened for use: user, secrets, key file.
type Opened = (String, Sealed, Option<String>);

/// Decrypted credentials for the devices a run needs, by name.
struct Credentials(HashMap<String, Result<Opened, String>>);

impl Credentials {
    async fn load(
        store: &Store,
        config: &Config,
        rows: &HashMap<String, DeviceRow>,
        pending: &[String],
    ) -> Result<Credentials, String> {
        let mut wanted: Vec<&str> = Vec::new();
        for name in pending {
            if let Some(row) = rows.get(name) {
                wanted.extend(row.credential.as_deref());
                for hop in &row.jump {
                    wanted.extend(rows.get(hop).and_then(|h| h.credential.as_deref()));
                }
            }
        }
        wanted.sort();
        wanted.dedup();
        let mut out = HashMap::new();
        if wanted.is_empty() {
            return Ok(Credentials(out));
        }
        // A key that cannot be read stops the job: every device would fail.
        let keyring = Keyring::load(&config.credentials.key_file, false)?;
        let stored: HashMap<String, CredentialRow> = store
            .credentials()
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|c| (c.name.clone(), c))
            .collect();
        for name in wanted {
            let value = match stored.get(name) {
                None => Err(format!(
                    "credential {name:?}: not stored (see `netraven credentials list`)"
                )),
                Some(row) => keyring
                    .open(name, &row.sealed)
                    .map(|s| (row.username.clone(), s, row.key_file.clone())),
            };
            // A wrong key opens nothing: say so once, as the job's error.
            if let Err(e) = &value
                && e.contains("wrong key")
            {
                return Err(e.clone());
            }
            out.insert(name.to_string(), value);
        }
        Ok(Credentials(out))
    }
}

/// A device row and its credential as something to connect to.
fn resolve(
    name: &str,
    rows: &HashMap<String, DeviceRow>,
    creds: &Credentials,
    config: &Config,
) -> Result<Device, DeviceFailure> {
    let invalid = |m: String| DeviceFailure::new(ErrorClass::InvalidDevice, m);
    let row = rows.get(name).ok_or_else(|| {
        invalid(format!(
            "device {name:?} was removed after the job was created"
        ))
    })?;
    let mut hops = Vec::new();
    for hop in &row.jump {
        let hop_row = rows
            .get(hop)
            .ok_or_else(|| invalid(format!("device {name:?}: jump: no device named {hop:?}")))?;
        hops.push(crate::ssh::Hop {
            target: target(hop_row, creds, config, Vec::new()).map_err(invalid)?,
        });
    }
    let target = target(row, creds, config, hops).map_err(invalid)?;
    Ok(Device {
        name: row.name.clone(),
        model: row.model.clone(),
        group: row.group.clone(),
        vars: row.vars.clone().into_iter().collect(),
        target,
    })
}

fn target(
    row: &DeviceRow,
    creds: &Credentials,
    config: &Config,
    hops: Vec<crate::ssh::Hop>,
) -> Result<crate::ssh::Target, String> {
    let at = format!("device {:?}", row.name);
    let mut entry: Entry = serde_json::from_value(row.ssh.clone())
        .map_err(|e| format!("{at}: stored ssh settings: {e}"))?;
    entry.address = Some(row.address.clone());
    entry.port = Some(row.port);
    entry
        .connect_timeout_secs
        .get_or_insert(config.worker.connect_timeout_secs);
    let cred = row.credential.as_deref().ok_or_else(|| {
        format!("{at}: no credential (set one with `netraven devices add --credential`)")
    })?;
    let (user, sealed, key_file) = match creds.0.get(cred) {
        Some(Ok(c)) => c.clone(),
        Some(Err(e)) => return Err(format!("{at}: {e}")),
        None => return Err(format!("{at}: credential {cred:?}: not loaded")),
    };
    entry.user = Some(user);
    entry.password = sealed.password.clone();
    entry.enable = sealed.enable.clone();
    entry.key_file = key_file.map(Into::into);
    inventory::target_of(&at, &[&entry], &|_| None, hops)
}

/// What each device task carries.
struct DeviceContext {
    job: i64,
    fleet: Arc<Fleet>,
    redactor: Arc<Redactor>,
    writer: mpsc::UnboundedSender<Msg>,
    archive: Option<std::sync::mpsc::Sender<Pending>>,
    config: Arc<Config>,
    commands: Option<Vec<String>>,
    progress: ProgressFn,
    total: usize,
    /// Devices worked on at once; a device holds a permit per attempt,
    /// not while it waits to retry.
    gate: Arc<Semaphore>,
    /// This device's own secret values, hidden wherever they might be
    /// echoed back, whatever the keywords say.
    secrets: Vec<String>,
}

impl DeviceContext {
    async fn work(mut self, name: String, device: Result<Device, DeviceFailure>) {
        let started = Instant::now();
        let device = match device {
            Ok(d) => d,
            Err(failure) => return self.fail(&name, failure, 0, started),
        };
        let mut targets = vec![&device.target];
        targets.extend(device.target.jump.iter().map(|h| &h.target));
        for t in targets {
            for s in [&t.password, &t.enable].into_iter().flatten() {
                // Very short values would hide ordinary text; keywords and
                // the driver cover those.
                if s.expose().len() >= 4 {
                    self.secrets.push(s.expose().to_string());
                }
            }
        }
        let work = Work {
            commands: self.commands.clone(),
            transcript: self.config.logging.connection_logs,
        };
        let attempts = self.config.worker.retry_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let permit = self.gate.clone().acquire_owned().await;
            let run = self.fleet.run(&device, &work).await;
            drop(permit);
            if let Some(transcript) = run.transcript {
                self.row(Write::Connection(ConnectionLogRow {
                    job_id: self.job,
                    device: name.clone(),
                    attempt: attempt as i64,
                    transcript: self.scrub(&transcript),
                    at: now_ms(),
                }));
            }
            match run.outcome {
                Ok(backup) => {
                    let text = if self.config.redaction.configs || self.commands.is_some() {
                        self.scrub(&backup.config)
                    } else {
                        backup.config
                    };
                    let row = ResultRow {
                        job_id: self.job,
                        device: name.clone(),
                        status: "ok".into(),
                        error_class: None,
                        message: None,
                        attempts: attempt as i64,
                        duration_ms: started.elapsed().as_millis() as i64,
                        commit_id: None,
                        changed: false,
                        output: None,
                        finished_at: now_ms(),
                    };
                    tracing::debug!(attempt, "device done");
                    (self.progress)(&Tick {
                        ok: true,
                        total: self.total,
                    });
                    match &self.archive {
                        Some(archive) => {
                            let _ = archive.send(Pending {
                                change: Change {
                                    job_id: self.job,
                                    device: name.clone(),
                                    group: device.group.clone(),
                                    config: text,
                                    significant: self.config.git.significant,
                                },
                                model: device.model.clone(),
                                row,
                            });
                        }
                        None => self.row(Write::Result(ResultRow {
                            output: Some(text),
                            ..row
                        })),
                    }
                    return;
                }
                Err(failure) if failure.class.retryable() && attempt < attempts => {
                    let wait = backoff(&self.config, attempt);
                    let message = format!(
                        "attempt {attempt} of {attempts} failed ({}): {}; retrying in {:.1} s",
                        failure.class,
                        self.scrub(&failure.message),
                        wait.as_secs_f64()
                    );
                    tracing::info!(class = %failure.class, attempt, "{message}");
                    self.row(self.log_row(&name, "info", message));
                    tokio::time::sleep(wait).await;
                }
                Err(failure) => return self.fail(&name, failure, attempt, started),
            }
        }
    }

    /// The host's redaction net and this device's literal secrets.
    fn scrub(&self, text: &str) -> String {
        let mut out = self.redactor.apply(text);
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), crate::redact::HIDDEN);
            }
        }
        out
    }

    fn fail(&self, name: &str, failure: DeviceFailure, attempts: u32, started: Instant) {
        let message = self.scrub(&failure.message);
        tracing::warn!(class = %failure.class, attempts, "device failed: {message}");
        self.row(self.log_row(
            name,
            "warn",
            format!("failed ({}): {message}", failure.class),
        ));
        self.row(Write::Result(ResultRow {
            job_id: self.job,
            device: name.to_string(),
            status: "failed".into(),
            error_class: Some(failure.class.as_str().into()),
            message: Some(message),
            attempts: i64::from(attempts),
            duration_ms: started.elapsed().as_millis() as i64,
            commit_id: None,
            changed: false,
            output: None,
            finished_at: now_ms(),
        }));
        (self.progress)(&Tick {
            ok: false,
            total: self.total,
        });
    }

    fn log_row(&self, device: &str, level: &str, message: String) -> Write {
        Write::Log(LogRow {
            job_id: self.job,
            device: Some(device.to_string()),
            level: level.into(),
            message,
            at: now_ms(),
        })
    }

    fn row(&self, w: Write) {
        let _ = self.writer.send(Msg::Row(w));
    }
}

/// Exponential backoff with ±25 % jitter, capped.
fn backoff(config: &Config, attempt: u32) -> Duration {
    let w = &config.worker;
    let base = w.retry_backoff_secs * 2f64.powi(attempt.saturating_sub(1) as i32);
    let capped = base.min(w.retry_backoff_max_secs);
    let jitter = 0.75 + 0.5 * (now_ms() % 1000) as f64 / 1000.0;
    Duration::from_secs_f64((capped * jitter).min(w.retry_backoff_max_secs))
}

// ---- the database writer -------------------------------------------------

enum Msg {
    Row(Write),
    Flush(oneshot::Sender<Result<(), String>>),
}

/// One task that owns all row writes and batches them into transactions:
/// devices finish far faster than one transaction per row could keep up
/// with on SQLite.
struct Writer {
    tx: mpsc::UnboundedSender<Msg>,
    /// Microseconds spent in database transactions.
    busy: Arc<AtomicU64>,
}

const WRITE_BATCH: usize = 2000;

impl Writer {
    fn start(store: Store) -> Writer {
        let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
        let busy = Arc::new(AtomicU64::new(0));
        let busy_writer = busy.clone();
        tokio::spawn(async move {
            let mut failure: Option<String> = None;
            while let Some(first) = rx.recv().await {
                let mut rows = Vec::new();
                let mut flushes = Vec::new();
                let mut next = Some(first);
                while let Some(msg) = next.take() {
                    match msg {
                        Msg::Row(w) => rows.push(w),
                        Msg::Flush(done) => flushes.push(done),
                    }
                    if rows.len() < WRITE_BATCH {
                        next = rx.try_recv().ok();
                    }
                }
                if !rows.is_empty() {
                    let began = Instant::now();
                    let mut tries = 0;
                    loop {
                        tries += 1;
                        match store.write_batch(&rows).await {
                            Ok(()) => break,
                            Err(e) if tries < 5 => {
                                tracing::warn!("database write failed, retrying: {e}");
                                tokio::time::sleep(Duration::from_millis(200 * tries)).await;
                            }
                            Err(e) => {
                                tracing::error!(
                                    "database write failed, {} rows lost: {e}",
                                    rows.len()
                                );
                                failure.get_or_insert(e.to_string());
                                break;
                            }
                        }
                    }
                    busy_writer
                        .fetch_add(began.elapsed().as_micros() as u64, AtomicOrdering::Relaxed);
                }
                for done in flushes {
                    let _ = done.send(match &failure {
                        Some(e) => Err(e.clone()),
                        None => Ok(()),
                    });
                }
            }
        });
        Writer { tx, busy }
    }

    fn sender(&self) -> mpsc::UnboundedSender<Msg> {
        self.tx.clone()
    }

    fn busy_seconds(&self) -> f64 {
        self.busy.load(AtomicOrdering::Relaxed) as f64 / 1e6
    }

    fn send(&self, w: Write) {
        let _ = self.tx.send(Msg::Row(w));
    }

    /// Wait until everything sent so far is stored.
    async fn flush(&self) -> Result<(), String> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Msg::Flush(done))
            .map_err(|_| "the database writer stopped".to_string())?;
        wait.await
            .map_err(|_| "the database writer stopped".to_string())?
    }
}

// ---- the git writer ------------------------------------------------------

/// A backed-up device waiting for its commit.
struct Pending {
    change: Change,
    model: String,
    row: ResultRow,
}

/// The one thread that writes the archive. It gathers devices for up to
/// [`BATCH_WINDOW`] (or `[git] batch` of them) and commits them as one
/// commit, so a first run of 10,000 devices makes tens of commits, not
/// 10,000 rewrites of a 10,000-entry directory.
struct ArchiveWriter {
    tx: std::sync::mpsc::Sender<Pending>,
    /// Microseconds spent committing.
    busy: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<Result<(), String>>,
}

/// How long the git writer waits for more devices before committing.
const BATCH_WINDOW: Duration = Duration::from_millis(500);

impl ArchiveWriter {
    fn start(
        config: &Config,
        fleet: Arc<Fleet>,
        writer: mpsc::UnboundedSender<Msg>,
        handle: tokio::runtime::Handle,
        job: i64,
        resumed_since: Option<i64>,
    ) -> Result<ArchiveWriter, String> {
        let archive = Archive::open(
            &config.git.repository,
            Author {
                name: config.git.author_name.clone(),
                email: config.git.author_email.clone(),
            },
        )?;
        let batch = config.git.batch;
        let (tx, rx) = std::sync::mpsc::channel::<Pending>();
        let busy = Arc::new(AtomicU64::new(0));
        let busy_thread = busy.clone();
        let thread = std::thread::Builder::new()
            .name("netraven-git".into())
            .spawn(move || -> Result<(), String> {
                // Devices this job committed before it was killed: their
                // result rows may be missing, and they still changed.
                let earlier = match resumed_since {
                    Some(since) => archive.committed_by_job(job, since)?,
                    None => HashMap::new(),
                };
                while let Ok(first) = rx.recv() {
                    let mut pending = vec![first];
                    let until = Instant::now() + BATCH_WINDOW;
                    while pending.len() < batch {
                        let left = until.saturating_duration_since(Instant::now());
                        match rx.recv_timeout(left) {
                            Ok(p) => pending.push(p),
                            Err(_) => break,
                        }
                    }
                    let (changes, rest): (Vec<Change>, Vec<(String, ResultRow)>) = pending
                        .into_iter()
                        .map(|p| (p.change, (p.model, p.row)))
                        .unzip();
                    let models: HashMap<&str, &str> = changes
                        .iter()
                        .zip(&rest)
                        .map(|(c, (model, _))| (c.device.as_str(), model.as_str()))
                        .collect();
                    let significant_of = |change: &Change, text: &str| -> Option<String> {
                        let model = models.get(change.device.as_str())?;
                        handle.block_on(fleet.significant_text(model, &change.device, text))
                    };
                    let began = Instant::now();
                    let outcomes = archive.commit_batch(&changes, &significant_of);
                    busy_thread
                        .fetch_add(began.elapsed().as_micros() as u64, AtomicOrdering::Relaxed);
                    match outcomes {
                        Ok(outcomes) => {
                            for ((change, (_, row)), outcome) in
                                changes.iter().zip(rest).zip(outcomes)
                            {
                                let path = archive::device_path(&change.group, &change.device);
                                let (commit_id, changed) = match (outcome, earlier.get(&path)) {
                                    (Outcome::Committed(id), _) => (Some(id), true),
                                    (Outcome::Unchanged(_), Some(id)) => (Some(id.clone()), true),
                                    (Outcome::Unchanged(id) | Outcome::Insignificant(id), _) => {
                                        (id, false)
                                    }
                                };
                                let _ = writer.send(Msg::Row(Write::Result(ResultRow {
                                    commit_id,
                                    changed,
                                    ..row
                                })));
                            }
                        }
                        Err(e) => {
                            // No result rows: these devices are not done,
                            // and a rerun of the job backs them up again.
                            tracing::error!("git commit failed: {e}");
                            let _ = writer.send(Msg::Row(Write::Log(LogRow {
                                job_id: job,
                                device: None,
                                level: "error".into(),
                                message: format!(
                                    "{}: {} devices not archived; rerun the job: {e}",
                                    ErrorClass::ArchiveFailed,
                                    rest.len()
                                ),
                                at: now_ms(),
                            })));
                        }
                    }
                }
                Ok(())
            })
            .map_err(|e| format!("cannot start the git writer: {e}"))?;
        Ok(ArchiveWriter { tx, busy, thread })
    }

    fn sender(&self) -> std::sync::mpsc::Sender<Pending> {
        self.tx.clone()
    }

    /// Commit what is queued and stop; returns the seconds spent committing.
    async fn finish(self) -> Result<f64, String> {
        let busy = self.busy.clone();
        drop(self.tx);
        let thread = self.thread;
        tokio::task::spawn_blocking(move || thread.join())
            .await
            .map_err(|e| format!("git writer: {e}"))?
            .map_err(|_| "the git writer panicked".to_string())??;
        Ok(busy.load(AtomicOrdering::Relaxed) as f64 / 1e6)
    }
}

// ---- host keys in the database -------------------------------------------

/// Host keys kept in the `host_keys` table. A first-seen key is written
/// through the writer, ahead of the device's result: a job killed before
/// the key is stored has no result for that device either, and the rerun
/// trusts the key again.
pub struct DbHostKeys {
    keys: Mutex<HashMap<String, String>>,
    writer: mpsc::UnboundedSender<Msg>,
}

impl DbHostKeys {
    async fn load(
        store: &Store,
        writer: mpsc::UnboundedSender<Msg>,
    ) -> Result<DbHostKeys, crate::store::StoreError> {
        Ok(DbHostKeys {
            keys: Mutex::new(store.host_keys().await?.into_iter().collect()),
            writer,
        })
    }
}

impl HostKeyStore for DbHostKeys {
    fn get(&self, host: &str) -> Option<String> {
        self.keys.lock().ok()?.get(host).cloned()
    }

    fn put(&self, host: &str, key: &str) -> Result<(), String> {
        let mut keys = self
            .keys
            .lock()
            .map_err(|_| "host key store poisoned".to_string())?;
        // Two connections to one host (a shared jump host) may both see it
        // first: the first key wins and a different second one is refused.
        match keys.get(host) {
            Some(known) if known == key => return Ok(()),
            Some(_) => {
                return Err(format!(
                    "{host}: another connection just recorded a different host key"
                ));
            }
            None => {
                keys.insert(host.to_string(), key.to_string());
            }
        }
        drop(keys);
        self.writer
            .send(Msg::Row(Write::HostKey {
                host: host.to_string(),
                key: key.to_string(),
            }))
            .map_err(|_| "the database writer stopped".to_string())
    }
}
