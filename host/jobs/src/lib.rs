//! Jobs: what the scheduler's `netraven run-job <id>` runs, and the
//! machinery under it.
//!
//! - this module: a job's dispatcher, retries and redaction; `writers.rs`:
//!   its two writers (batched database rows, one git writer); `host_keys.rs`:
//!   host keys kept in the database;
//! - [`fleet`]: many devices at once over a transport and the sandbox (also
//!   the path of `netraven backup --inventory`, with no database);
//! - [`config`]: the settings file, which gathers each crate's own section.
//!
//! May use every other host crate below the binary: session, transport,
//! sandbox, inventory, store and archive. Must not use: the command line
//! (printing, progress bars, exit codes are the binary's).
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

use std::sync::Arc;
use std::time::{Duration, Instant};

use netraven_driver_sdk::Level;
use serde::Serialize;
use tokio::sync::{Semaphore, mpsc};
use tracing::Instrument;

use netraven_archive::Change;
use netraven_inventory::{self as inventory, Device, Entry, InventoryError};
use netraven_sandbox::{Catalog, Runtime};
use netraven_session::redact::Redactor;
use netraven_session::{DeviceFailure, ErrorClass};
use netraven_store::secrets::{Keyring, Sealed, SecretsError};
use netraven_store::{
    Claim, ConnectionLogRow, CredentialRow, DeviceRow, JobRow, LogRow, ResultRow, Store,
    StoredConfig, Write, now_ms,
};
use netraven_transport::ssh::HostKeyStore;

use crate::config::Config;
use crate::fleet::{Fleet, Work};

pub mod config;
mod error;
pub mod event_loop;
pub mod files;
pub mod fleet;
pub mod hooks;
mod host_keys;
pub mod metrics;
pub mod queue;
mod writers;

pub use error::JobError;
use host_keys::DbHostKeys;
use writers::{ArchiveWriter, Msg, Pending, Writer};

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

/// Where a run's time went, for its [`Summary`].
pub(crate) struct Timing {
    pub(crate) ran: usize,
    pub(crate) seconds: f64,
    pub(crate) db_seconds: f64,
    pub(crate) git_seconds: f64,
}

impl Summary {
    /// The summary of `job`, over `total` devices, from its stored results.
    pub(crate) fn of(job: &JobRow, total: usize, results: &[ResultRow], timing: Timing) -> Summary {
        let succeeded = results.iter().filter(|r| r.status == "ok").count();
        let failed = results.len() - succeeded;
        let status = match (succeeded, failed) {
            (_, 0) if results.len() == total => "succeeded",
            (0, _) => "failed",
            _ => "partial",
        };
        Summary {
            job: job.id,
            kind: job.kind.clone(),
            status: status.to_string(),
            devices: total,
            succeeded,
            failed: failed + total.saturating_sub(results.len()),
            changed: results.iter().filter(|r| r.changed).count(),
            ran: timing.ran,
            seconds: timing.seconds,
            db_seconds: timing.db_seconds,
            git_seconds: timing.git_seconds,
            failures: results
                .iter()
                .filter(|r| r.status != "ok")
                .map(|r| FailureLine {
                    device: r.device.clone(),
                    class: r.error_class.clone().unwrap_or_default(),
                    message: r.message.clone().unwrap_or_default(),
                })
                .collect(),
        }
    }

    /// The job log's last line: `backup partial: 4 of 6 devices
    /// succeeded, 2 failed, 4 changed`.
    pub(crate) fn log_line(&self) -> String {
        format!(
            "{} {}: {} of {} devices succeeded, {} failed, {} changed",
            self.kind, self.status, self.succeeded, self.devices, self.failed, self.changed
        )
    }

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
    ) -> Result<Worker, JobError> {
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
    pub async fn run_job(&self, id: i64, progress: ProgressFn) -> Result<Summary, JobError> {
        let span = tracing::info_span!("job", job = id);
        self.run_job_inner(id, progress).instrument(span).await
    }

    async fn run_job_inner(&self, id: i64, progress: ProgressFn) -> Result<Summary, JobError> {
        let started = Instant::now();
        let db_before = self.writer.busy_seconds();
        let job = self
            .store
            .job(id)
            .await?
            .ok_or(JobError::NoSuchJob { job: id })?;
        if self.hand_to_workers(&job).await? {
            return self.wait_for_workers(job, progress).await;
        }
        let total = self.store.job_device_count(id).await? as usize;
        let pending = self.store.pending_devices(id).await?;
        let commands = job_commands(&job)?;
        let rows = self.device_rows().await?;
        let creds = Credentials::load(&self.store, &self.config, &rows, &pending).await?;
        let runner = netraven_store::this_runner();
        match self
            .store
            .claim_job(id, &runner, HEARTBEAT_STALE_MS)
            .await?
        {
            Claim::Claimed => {}
            Claim::NoSuchJob => return Err(JobError::Vanished { job: id }),
            Claim::Held {
                runner,
                seconds_ago,
            } => {
                return Err(JobError::Held {
                    job: id,
                    runner,
                    seconds_ago,
                });
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

        let host_keys: Arc<dyn HostKeyStore> =
            Arc::new(DbHostKeys::load(&self.store, self.writer.sender()).await?);
        let fleet = Arc::new(Fleet {
            runtime: self.runtime.clone(),
            catalog: self.catalog.clone(),
            host_keys,
            redact: self.config.redaction.configs || commands.is_some(),
        });
        let hook_runner = hooks::HookRunner::start(&self.config.hooks, id, self.writer.sender());
        // Whatever ends the job from here on, its hooks hear of it.
        let outcome = async {
            let archive = if commands.is_none() {
                Some(ArchiveWriter::start(
                    &self.config,
                    fleet.clone(),
                    self.writer.sender(),
                    hook_runner.hooks(),
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
            // Tasks are spawned as room frees up, up to twice the concurrency:
            // the permits bound the devices at work, the extra tasks wait for a
            // permit or for a retry, and a device not started yet costs only
            // its name (10,000 waiting tasks would hold 10,000 futures).
            let room = self.config.worker.concurrency.max(1) * 2;
            let mut waiting = pending.into_iter();
            let mut ramp = event_loop::Ramp::new(self.config.worker.concurrency);
            loop {
                while tasks.len() < room {
                    let Some(name) = waiting.next() else {
                        break;
                    };
                    ramp.next().await;
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
                        hooks: hook_runner.hooks(),
                        stored: false,
                    };
                    let (rows, creds) = (rows.clone(), creds.clone());
                    let span = tracing::info_span!("device", device = %name);
                    event_loop::spawn_device(
                        &mut tasks,
                        async move {
                            let device = resolve(&name, &rows, &creds, &ctx.config);
                            ctx.work(name, device).await;
                        }
                        .instrument(span),
                    );
                }
                let Some(joined) = tasks.join_next().await else {
                    break;
                };
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
            if commands.is_none() {
                self.push_archive(id).await;
            }
            self.writer.flush().await?;
            let db_seconds = self.writer.busy_seconds() - db_before;

            let results = self.store.results(id).await?;
            let summary = Summary::of(
                &job,
                total,
                &results,
                Timing {
                    ran,
                    seconds: started.elapsed().as_secs_f64(),
                    db_seconds,
                    git_seconds,
                },
            );
            self.log(id, None, "info", summary.log_line());
            self.writer.flush().await?;
            self.store.finish_job(id, &summary.status).await?;
            Ok::<_, JobError>(summary)
        }
        .await;
        hook_runner.hooks().send(match &outcome {
            Ok(summary) => hooks::Event::job_finished(summary),
            Err(e) => hooks::Event {
                status: Some("error".into()),
                message: Some(self.redactor.apply(&e.to_string())),
                ..hooks::Event::new(hooks::HookEvent::JobFinished, id)
            },
        });
        hook_runner.finish().await;
        let summary = outcome?;
        self.writer.flush().await?;
        self.write_metrics(id).await?;
        tracing::info!(
            status = %summary.status,
            succeeded = summary.succeeded,
            failed = summary.failed,
            changed = summary.changed,
            "job finished"
        );
        Ok(summary)
    }

    /// Tell monitoring (`[metrics] textfile`), if configured. A metrics
    /// file that cannot be written fails nothing: the job's results are
    /// stored; it is a warning in the job's log.
    async fn write_metrics(&self, id: i64) -> Result<(), JobError> {
        if let Some(path) = &self.config.metrics.textfile {
            let written = match metrics::exposition(&self.store).await {
                Ok(text) => metrics::write_textfile(path, &text).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            if let Err(e) = written {
                let message = format!("metrics file {}: {e}", path.display());
                tracing::warn!("{message}");
                self.log(id, None, "warn", message);
                self.writer.flush().await?;
            }
        }
        Ok(())
    }

    /// Push the archive to each `[[git.remotes]]`: what this job committed,
    /// and whatever an earlier push left behind. A push that fails is a
    /// warning in the job log; the configurations are safe in the archive,
    /// and the next job pushes them.
    async fn push_archive(&self, job: i64) {
        for remote in &self.config.git.remotes {
            let (repository, to) = (self.config.git.repository.clone(), remote.clone());
            let pushed =
                tokio::task::spawn_blocking(move || netraven_archive::push::push(&repository, &to))
                    .await;
            match pushed {
                Ok(Ok(netraven_archive::push::Pushed::Sent { to })) => {
                    let message = format!(
                        "pushed the archive to {} ({}), up to {}",
                        remote.name,
                        remote.shown_url(),
                        &to[..to.len().min(10)]
                    );
                    tracing::info!("{message}");
                    self.log(job, None, "info", message);
                }
                Ok(Ok(netraven_archive::push::Pushed::UpToDate)) => {}
                Ok(Err(e)) => {
                    tracing::warn!("{e}");
                    self.log(job, None, "warn", format!("{e}; the next job pushes it"));
                }
                Err(e) => self.log(job, None, "warn", format!("push to {}: {e}", remote.name)),
            }
        }
    }

    /// Every stored device, by name.
    async fn device_rows(&self) -> Result<HashMap<String, DeviceRow>, JobError> {
        Ok(self
            .store
            .devices()
            .await?
            .into_iter()
            .map(|d| (d.name.clone(), d))
            .collect())
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

/// What a job runs on each device: `None` backs up, a list runs those
/// commands.
fn job_commands(job: &JobRow) -> Result<Option<Vec<String>>, JobError> {
    match job.kind.as_str() {
        BACKUP => Ok(None),
        COMMANDS => job
            .params
            .get("commands")
            .and_then(|c| serde_json::from_value(c.clone()).ok())
            .map(Some)
            .ok_or(JobError::NoCommands { job: job.id }),
        other => Err(JobError::UnknownKind {
            job: job.id,
            kind: other.to_string(),
        }),
    }
}

/// A credential opened for use: user, secrets, key file.
type Opened = (String, Sealed, Option<String>);

/// Why a credential a device names cannot be used.
#[derive(Debug, thiserror::Error)]
enum CredentialProblem {
    #[error("credential {name:?}: not stored (see `netraven credentials list`)")]
    NotStored { name: String },
    #[error(transparent)]
    Sealed(SecretsError),
}

/// Decrypted credentials for the devices a run needs, by name.
struct Credentials(HashMap<String, Result<Opened, CredentialProblem>>);

impl Credentials {
    async fn load(
        store: &Store,
        config: &Config,
        rows: &HashMap<String, DeviceRow>,
        pending: &[String],
    ) -> Result<Credentials, JobError> {
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
            .await?
            .into_iter()
            .map(|c| (c.name.clone(), c))
            .collect();
        for name in wanted {
            let value = match stored.get(name) {
                None => Err(CredentialProblem::NotStored {
                    name: name.to_string(),
                }),
                Some(row) => keyring
                    .open(name, &row.sealed)
                    .map(|s| (row.username.clone(), s, row.key_file.clone()))
                    .map_err(CredentialProblem::Sealed),
            };
            // A wrong key opens nothing: say so once, as the job's error.
            let value = match value {
                Err(CredentialProblem::Sealed(e @ SecretsError::WrongKey { .. })) => {
                    return Err(e.into());
                }
                other => other,
            };
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
    let unusable = |e: InventoryError| invalid(e.to_string());
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
        hops.push(netraven_transport::ssh::Hop {
            target: target(hop_row, creds, config, Vec::new()).map_err(unusable)?,
        });
    }
    let target = target(row, creds, config, hops).map_err(unusable)?;
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
    hops: Vec<netraven_transport::ssh::Hop>,
) -> Result<netraven_transport::ssh::Target, InventoryError> {
    let at = format!("device {:?}", row.name);
    let problem = |problem: String| InventoryError::Entry {
        at: at.clone(),
        problem,
    };
    let mut entry: Entry = serde_json::from_value(row.ssh.clone())
        .map_err(|e| problem(format!("stored ssh settings: {e}")))?;
    entry.address = Some(row.address.clone());
    entry.port = Some(row.port);
    entry
        .connect_timeout_secs
        .get_or_insert(config.worker.connect_timeout_secs);
    let cred = row.credential.as_deref().ok_or_else(|| {
        problem("no credential (set one with `netraven devices add --credential`)".into())
    })?;
    let (user, sealed, key_file) = match creds.0.get(cred) {
        Some(Ok(c)) => c.clone(),
        Some(Err(e)) => return Err(problem(e.to_string())),
        None => return Err(problem(format!("credential {cred:?}: not loaded"))),
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
    hooks: hooks::Hooks,
    /// A job run by workers: a backup's configuration is stored with its
    /// result for the archiver, not handed to a git writer here.
    stored: bool,
}

impl DeviceContext {
    async fn work(mut self, name: String, device: Result<Device, DeviceFailure>) {
        let started = Instant::now();
        let device = match device {
            Ok(d) => d,
            Err(failure) => return self.fail(&name, None, failure, 0, started),
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
            for (level, note) in &run.notes {
                let level = if *level == Level::Error {
                    "error"
                } else {
                    "warn"
                };
                self.row(self.log_row(&name, level, self.scrub(note)));
            }
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
                        None if self.stored && self.commands.is_none() => {
                            self.row(Write::Stored(Box::new(StoredConfig {
                                row,
                                group: device.group.clone(),
                                model: device.model.clone(),
                                config: text,
                            })));
                        }
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
                Err(failure) => return self.fail(&name, Some(&device), failure, attempt, started),
            }
        }
    }

    /// The host's redaction net and this device's literal secrets.
    fn scrub(&self, text: &str) -> String {
        let mut out = self.redactor.apply(text);
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), netraven_session::redact::HIDDEN);
            }
        }
        out
    }

    fn fail(
        &self,
        name: &str,
        device: Option<&Device>,
        failure: DeviceFailure,
        attempts: u32,
        started: Instant,
    ) {
        let message = self.scrub(&failure.message);
        self.hooks.send(hooks::Event {
            device: Some(name.to_string()),
            group: device.map(|d| d.group.clone()),
            model: device.map(|d| d.model.clone()),
            class: Some(failure.class.as_str().to_string()),
            message: Some(message.clone()),
            ..hooks::Event::new(hooks::HookEvent::DeviceFailed, self.job)
        });
        tracing::warn!(class = %failure.class, attempts, "device failed: {message}");
        self.row(self.log_row(
            name,
            "warn",
            format!("failed ({}): {message}", failure.class),
        ));
        self.row(failed_result(
            self.job,
            name,
            failure.class,
            message,
            i64::from(attempts),
            started.elapsed().as_millis() as i64,
        ));
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

/// Unix milliseconds as UTC `YYYY-MM-DD HH:MM:SS`.
pub fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Exponential backoff with ±25 % jitter, capped.
fn backoff(config: &Config, attempt: u32) -> Duration {
    let w = &config.worker;
    let base = w.retry_backoff_secs * 2f64.powi(attempt.saturating_sub(1) as i32);
    let capped = base.min(w.retry_backoff_max_secs);
    let jitter = 0.75 + 0.5 * (now_ms() % 1000) as f64 / 1000.0;
    Duration::from_secs_f64((capped * jitter).min(w.retry_backoff_max_secs))
}

/// The result row of a device that failed: `class` and `message` (already
/// scrubbed), after `attempts` in `duration_ms`.
pub(crate) fn failed_result(
    job: i64,
    device: &str,
    class: ErrorClass,
    message: String,
    attempts: i64,
    duration_ms: i64,
) -> Write {
    Write::Result(ResultRow {
        job_id: job,
        device: device.to_string(),
        status: "failed".into(),
        error_class: Some(class.as_str().into()),
        message: Some(message),
        attempts,
        duration_ms,
        commit_id: None,
        changed: false,
        output: None,
        finished_at: now_ms(),
    })
}
