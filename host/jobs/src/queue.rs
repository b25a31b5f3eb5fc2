//! Workers on many machines: `netraven worker` processes share one
//! PostgreSQL database as their queue (see `netraven_store::queue`).
//!
//! - [`Worker::serve`]: a worker's life. It claims device tasks of its
//!   zones in batches, runs each exactly as `run-job` does, and stores each
//!   result once, a backup's configuration with it. A heartbeat renews the
//!   leases of the devices in flight; a notification (or, failing that, a
//!   poll) wakes it for new work. On stop it finishes what is in flight
//!   and hands back the rest.
//! - [`Worker::archive_while`]: the archiver. Whoever holds the database's
//!   archiver lock (any worker, or `run-job` while it waits) commits the
//!   stored configurations to the archive in job order, batched, then
//!   clears them; it finishes jobs whose devices are all done, with their
//!   log line, `job_finished` hooks, metrics file and push.
//! - `run-job` on a queued job ([`Worker::wait_for_workers`]): queue it,
//!   show progress and any zone no worker serves, and return the same
//!   summary as a run of its own.
//!
//! A configuration is committed exactly once: its text leaves the database
//! only after its commit, and an archiver that died between the two finds
//! the commit again (same bytes, the job's commit message) and records it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use netraven_archive::{self as archive, Archive, Author, Change, Outcome};
use netraven_session::{DeviceFailure, ErrorClass};
use netraven_store::queue::{Task, WORK_CHANNEL, WorkerRow, ZoneWait};
use netraven_store::{Backend, DeviceRow, JobRow, Store, StoredConfig, now_ms};
use tokio::sync::{Notify, Semaphore, oneshot, watch};
use tracing::Instrument;

use crate::fleet::Fleet;
use crate::host_keys::DbHostKeys;
use crate::writers::Msg;
use crate::{
    Credentials, DeviceContext, JobError, ProgressFn, Summary, Tick, Timing, Worker, event_loop,
    hooks, job_commands, resolve, utc,
};

/// A task claimed more than this many times without a result (its workers died or
/// its device task crashed each time) fails instead of going round again.
const MOST_CLAIMS: i64 = 5;

/// Archive passes that may fail in a row before the archiver lets go of
/// its lock, and how long it then leaves it to others.
const ARCHIVER_FAILURES: u32 = 3;
const ARCHIVER_REST: Duration = Duration::from_secs(30);

/// How long `run-job` keeps waiting on a queued job while the database
/// does not answer (a server restart) before it gives up.
const DATABASE_PATIENCE: Duration = Duration::from_secs(120);

/// What `netraven worker` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub zones: Vec<String>,
    pub concurrency: usize,
}

/// How a worker is told to stop: `Drain` finishes the devices in flight,
/// `Now` abandons them (their tasks go back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stop {
    Run,
    Drain,
    Now,
}

/// What a worker did, when it stops.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ServeReport {
    pub worker: String,
    pub devices: usize,
    pub handed_back: u64,
}

/// One queued job as a worker runs its devices: read once per worker.
struct JobContext {
    commands: Option<Vec<String>>,
    rows: Arc<HashMap<String, DeviceRow>>,
    creds: Arc<Credentials>,
    fleet: Arc<Fleet>,
}

impl Worker {
    /// Whether `run-job` hands `job` to the workers: it is queued already,
    /// or `[queue] use_workers` says so (`auto`: a worker is alive).
    pub(crate) async fn hand_to_workers(&self, job: &JobRow) -> Result<bool, JobError> {
        if job.mode.as_deref() == Some("queue") {
            return Ok(true);
        }
        if self.store.backend() != Backend::Postgres || job.finished_at.is_some() {
            return Ok(false);
        }
        let wanted = match self.config.queue.use_workers.as_str() {
            "always" => true,
            "auto" => !self
                .store
                .live_workers(self.config.queue.lease_ms())
                .await?
                .is_empty(),
            _ => false,
        };
        // A job another `run-job` is running stays with it (the local path
        // then says which process holds it).
        if !wanted
            || !self
                .store
                .enqueue_job(job.id, crate::HEARTBEAT_STALE_MS)
                .await?
        {
            return Ok(false);
        }
        let total = self.store.job_device_count(job.id).await?;
        self.log(
            job.id,
            None,
            "info",
            format!("{} queued for workers: {total} devices", job.kind),
        );
        self.writer.flush().await?;
        Ok(true)
    }

    /// `run-job` on a job queued for the workers: archive while waiting
    /// when this process may, and report as a run of its own would.
    pub(crate) async fn wait_for_workers(
        &self,
        job: JobRow,
        progress: ProgressFn,
    ) -> Result<Summary, JobError> {
        let started = Instant::now();
        let id = job.id;
        let total = self.store.job_device_count(id).await? as usize;
        let (before, _) = self.store.result_counts(id).await?;
        let (stop_tx, stop) = watch::channel(Stop::Run);
        let archiver = self.config.queue.archiver.then(|| {
            let worker = self.clone_parts();
            tokio::spawn(async move { worker.archive_while(stop).await })
        });
        let (mut shown_ok, mut shown_failed) = (0, 0);
        let mut last_wait_note: Option<Instant> = None;
        let mut failing: Option<Instant> = None;
        let finished = loop {
            // The database may be restarting: keep waiting for a while.
            let polled = async {
                let row = self
                    .store
                    .job(id)
                    .await?
                    .ok_or(JobError::Vanished { job: id })?;
                let counts = self.store.result_counts(id).await?;
                Ok::<_, JobError>((row, counts))
            }
            .await;
            let (row, (done, succeeded)) = match polled {
                Ok(found) => {
                    failing = None;
                    found
                }
                Err(e @ JobError::Vanished { .. }) => return Err(e),
                Err(e) => {
                    let since = *failing.get_or_insert_with(Instant::now);
                    if since.elapsed() > DATABASE_PATIENCE {
                        return Err(e);
                    }
                    tracing::warn!("job {id}: waiting for the database: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            // Progress as results arrive, one tick each.
            for ok in [true, false] {
                let (shown, now) = match ok {
                    true => (&mut shown_ok, succeeded),
                    false => (&mut shown_failed, done - succeeded),
                };
                while *shown < now {
                    *shown += 1;
                    progress(&Tick { ok, total });
                }
            }
            if row.finished_at.is_some() {
                break row;
            }
            if last_wait_note.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                last_wait_note = Some(Instant::now());
                if let Ok(waits) = self
                    .store
                    .waiting_zones(id, self.config.queue.lease_ms())
                    .await
                {
                    for wait in waits {
                        tracing::warn!("job {id}: {}", describe_wait(&wait));
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        let _ = stop_tx.send(Stop::Drain);
        if let Some(task) = archiver {
            let _ = task.await;
        }
        let results = self.store.results(id).await?;
        Ok(Summary::of(
            &finished,
            total,
            &results,
            Timing {
                ran: results.len().saturating_sub(before as usize),
                seconds: started.elapsed().as_secs_f64(),
                db_seconds: 0.0,
                git_seconds: 0.0,
            },
        ))
    }

    /// A second handle on the same parts, for a task of its own.
    fn clone_parts(&self) -> Arc<Worker> {
        Arc::new(Worker {
            config: self.config.clone(),
            store: self.store.clone(),
            runtime: self.runtime.clone(),
            catalog: self.catalog.clone(),
            redactor: self.redactor.clone(),
            writer: crate::writers::Writer::start(self.store.clone()),
        })
    }

    /// Work on queued jobs until `stop` says otherwise.
    pub async fn serve(
        self: Arc<Self>,
        options: ServeOptions,
        mut stop: watch::Receiver<Stop>,
    ) -> Result<ServeReport, JobError> {
        let me = worker_row(&options);
        let id = me.id.clone();
        self.store.register_worker(&me).await?;
        let in_flight = InFlight::default();
        let config = Arc::new(self.config.clone());
        let wake = Arc::new(Notify::new());
        let _beat = crate::AbortOnDrop(tokio::spawn(heartbeat(
            self.store.clone(),
            me,
            in_flight.clone(),
            Duration::from_secs_f64(self.config.queue.lease_secs / 3.0),
            self.config.queue.lease_ms(),
        )));
        let _listen = crate::AbortOnDrop(tokio::spawn(listen(self.store.clone(), wake.clone())));
        // The archiver stops after the devices in flight are stored, so
        // that its last pass commits them.
        let (archiver_stop, archiver_told) = watch::channel(Stop::Run);
        let archiver = self.config.queue.archiver.then(|| {
            let worker = self.clone();
            tokio::spawn(async move { worker.archive_while(archiver_told).await })
        });
        let hook_runner = hooks::HookRunner::start(&self.config.hooks, 0, self.writer.sender());
        let gate = Arc::new(Semaphore::new(options.concurrency));
        let mut jobs: HashMap<i64, Arc<JobContext>> = HashMap::new();
        let mut tasks = tokio::task::JoinSet::new();
        let mut ramp = event_loop::Ramp::new(options.concurrency);
        let poll = Duration::from_secs_f64(self.config.queue.poll_secs);
        let mut last_sweep = Instant::now();
        let mut report = ServeReport {
            worker: id.clone(),
            ..ServeReport::default()
        };
        tracing::info!(worker = %id, zones = ?options.zones, "worker started");
        // Claim in batches: wait for this much room rather than query for
        // each device that ends (at most an eighth of the slots idle).
        let batch = self.config.queue.claim_batch;
        let threshold = (options.concurrency / 8).min(batch).max(1);
        while *stop.borrow() == Stop::Run {
            while let Some(joined) = tasks.try_join_next() {
                if let Err(e) = joined {
                    tracing::error!("a device task failed: {e}");
                }
            }
            if last_sweep.elapsed() >= poll {
                last_sweep = Instant::now();
                self.forget_finished(&mut jobs).await;
            }
            let room = options.concurrency.saturating_sub(tasks.len());
            let mut claimed = Vec::new();
            if room >= threshold || tasks.is_empty() {
                let limit = room.min(batch) as i64;
                match self
                    .store
                    .claim_tasks(&id, &options.zones, limit, self.config.queue.lease_ms())
                    .await
                {
                    Ok(found) => claimed = found,
                    Err(e) => tracing::warn!("claiming work: {e}"),
                }
            }
            let full = !claimed.is_empty() && claimed.len() == room.min(batch);
            // From the claim on, the heartbeat keeps these leases.
            let mut held: Vec<Held> = claimed
                .iter()
                .map(|t| in_flight.hold(t.job, &t.device))
                .collect();
            let mut deferred: Vec<(i64, String)> = Vec::new();
            for (task, held) in claimed.into_iter().zip(held.drain(..)) {
                let context = match self.job_context(&mut jobs, task.job).await {
                    Ok(context) => context,
                    Err(e) => {
                        // The job cannot be run here (a key that opens
                        // nothing, a bad kind): said once per batch in the
                        // job's log; its tasks wait out a lease, then any
                        // worker may try again, until one has been claimed
                        // too often: then it fails.
                        if !deferred.iter().any(|(job, _)| *job == task.job) {
                            let message = format!("worker {id} cannot run this job: {e}");
                            tracing::error!("job {}: {message}", task.job);
                            self.log(task.job, None, "error", message);
                        }
                        if task.claims > MOST_CLAIMS {
                            let why = self.redactor.apply(&e.to_string());
                            self.writer.send(crate::failed_result(
                                task.job,
                                &task.device,
                                ErrorClass::InvalidDevice,
                                format!(
                                    "claimed {} times by workers that could not run its job: {why}",
                                    task.claims
                                ),
                                0,
                                0,
                            ));
                        } else {
                            deferred.push((task.job, task.device.clone()));
                        }
                        drop(held);
                        continue;
                    }
                };
                ramp.next().await;
                report.devices += 1;
                let ctx = DeviceContext {
                    job: task.job,
                    fleet: context.fleet.clone(),
                    redactor: self.redactor.clone(),
                    writer: self.writer.sender(),
                    archive: None,
                    config: config.clone(),
                    commands: context.commands.clone(),
                    progress: Arc::new(|_: &Tick| {}),
                    total: 0,
                    gate: gate.clone(),
                    secrets: Vec::new(),
                    hooks: hook_runner.hooks(),
                    stored: true,
                };
                let span = tracing::info_span!("device", job = task.job, device = %task.device);
                event_loop::spawn_device(
                    &mut tasks,
                    async move {
                        // `held` goes when the task ends, however it ends
                        // (a panic drops it at once): its lease is then
                        // left to run out, and the task claimed again.
                        let stored = run_task(ctx, &context, &task).await;
                        // Keep the lease until the result is stored (or the
                        // writer gave up on it): through a database restart
                        // another worker must not take over a device that is
                        // done. The wait holds no slot of the worker's.
                        tokio::spawn(async move {
                            let _ = stored.await;
                            drop(held);
                        });
                    }
                    .instrument(span),
                );
            }
            if !deferred.is_empty() {
                if let Err(e) = self
                    .store
                    .defer_tasks(&id, &deferred, self.config.queue.lease_ms())
                    .await
                {
                    tracing::warn!("handing back tasks: {e}");
                }
                continue;
            }
            if full && tasks.len() < options.concurrency {
                continue;
            }
            // Wait for room, new work, a poll, or the stop.
            tokio::select! {
                Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                    if let Err(e) = joined {
                        tracing::error!("a device task failed: {e}");
                    }
                }
                _ = wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
                _ = stop.changed() => {}
            }
        }
        // Stopping: finish the devices in flight unless told to hurry.
        let mut hurry = *stop.borrow() == Stop::Now;
        if hurry {
            tasks.abort_all();
        }
        loop {
            tokio::select! {
                joined = tasks.join_next() => match joined {
                    None => break,
                    Some(Err(e)) if !e.is_cancelled() => tracing::error!("a device task failed: {e}"),
                    Some(_) => {}
                },
                changed = stop.changed(), if !hurry => {
                    if changed.is_err() || *stop.borrow() == Stop::Now {
                        hurry = true;
                        tasks.abort_all();
                    }
                }
            }
        }
        let flushed = self.writer.flush().await;
        let _ = archiver_stop.send(Stop::Drain);
        if let Some(archiver) = archiver {
            let _ = archiver.await;
        }
        hook_runner.finish().await;
        report.handed_back = self.store.unregister_worker(&id).await?;
        tracing::info!(worker = %id, devices = report.devices, handed_back = report.handed_back, "worker stopped");
        flushed?;
        Ok(report)
    }

    /// Drop cached jobs that have finished.
    async fn forget_finished(&self, jobs: &mut HashMap<i64, Arc<JobContext>>) {
        let mut gone = Vec::new();
        for id in jobs.keys() {
            match self.store.job(*id).await {
                Ok(Some(job)) if job.finished_at.is_none() => {}
                Ok(_) => gone.push(*id),
                Err(_) => return,
            }
        }
        for id in gone {
            jobs.remove(&id);
        }
    }

    /// What a worker needs to run job `id`'s devices, read once.
    async fn job_context(
        &self,
        jobs: &mut HashMap<i64, Arc<JobContext>>,
        id: i64,
    ) -> Result<Arc<JobContext>, JobError> {
        if let Some(context) = jobs.get(&id) {
            return Ok(context.clone());
        }
        let job = self
            .store
            .job(id)
            .await?
            .ok_or(JobError::Vanished { job: id })?;
        let commands = job_commands(&job)?;
        let rows = self.device_rows().await?;
        let pending = self.store.pending_devices(id).await?;
        let creds = Credentials::load(&self.store, &self.config, &rows, &pending).await?;
        let host_keys = Arc::new(DbHostKeys::load(&self.store, self.writer.sender()).await?);
        let fleet = Arc::new(Fleet {
            runtime: self.runtime.clone(),
            catalog: self.catalog.clone(),
            host_keys,
            redact: self.config.redaction.configs || commands.is_some(),
        });
        let context = Arc::new(JobContext {
            commands,
            rows: Arc::new(rows),
            creds: Arc::new(creds),
            fleet,
        });
        jobs.insert(id, context.clone());
        Ok(context)
    }

    /// Be the archiver whenever no one else is, until `stop` leaves `Run`
    /// (then one last pass if the lock is held).
    pub(crate) async fn archive_while(self: Arc<Self>, mut stop: watch::Receiver<Stop>) {
        let poll = Duration::from_secs_f64(self.config.queue.poll_secs.min(1.0));
        loop {
            let mut rest = poll * 2;
            let lock = match self.store.try_archiver_lock().await {
                Ok(lock) => lock,
                Err(e) => {
                    tracing::warn!("archiver: cannot take the lock: {e}");
                    None
                }
            };
            if let Some(mut lock) = lock {
                tracing::debug!("this process is the archiver");
                // What each job committed, as last read from the archive:
                // a cache, read again whenever a configuration is found
                // already archived (see `archive_pass`), and begun afresh
                // with each hold of the lock.
                let mut earlier: HashMap<i64, HashMap<String, String>> = HashMap::new();
                let mut failures = 0;
                loop {
                    let stopping = *stop.borrow() != Stop::Run;
                    match self.archive_pass(&mut earlier).await {
                        Ok(()) => failures = 0,
                        Err(e) => {
                            failures += 1;
                            tracing::warn!("archiver: {e}");
                            // What was committed but not recorded is found
                            // again from the archive on the next pass.
                            earlier.clear();
                        }
                    }
                    if stopping {
                        lock.release().await;
                        return;
                    }
                    if !lock.alive().await {
                        tracing::warn!("archiver: lost the database connection, and the lock");
                        break;
                    }
                    if failures >= ARCHIVER_FAILURES {
                        // Perhaps another process can: let go for a while.
                        tracing::warn!(
                            "archiver: {failures} passes failed in a row; letting another \
                             process take over"
                        );
                        lock.release().await;
                        rest = ARCHIVER_REST;
                        break;
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(poll) => {}
                        _ = stop.changed() => {}
                    }
                }
            }
            if *stop.borrow() != Stop::Run {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(rest) => {}
                changed = stop.changed() => if changed.is_err() { return },
            }
        }
    }

    /// Commit every stored configuration, oldest job first, then finish
    /// the jobs that are complete.
    async fn archive_pass(
        &self,
        earlier: &mut HashMap<i64, HashMap<String, String>>,
    ) -> Result<(), JobError> {
        let hook_runner = hooks::HookRunner::start(&self.config.hooks, 0, self.writer.sender());
        let mut archived_jobs = Vec::new();
        loop {
            let batch = self.store.unarchived(self.config.git.batch as i64).await?;
            if batch.is_empty() {
                break;
            }
            let outcomes = self.commit(&batch).await?;
            // A configuration the archive already held may have been
            // committed by this same job: by an archiver that died (or lost
            // its lock in a database restart) before recording it, and
            // perhaps is still finishing its pass. Look in the archive's
            // history after this commit, never before it: the commit that
            // holds those bytes is then in the history for certain.
            let paths: Vec<String> = batch
                .iter()
                .map(|s| archive::device_path(&s.group, &s.row.device))
                .collect();
            let mut unknown: Vec<i64> = Vec::new();
            for ((stored, outcome), path) in batch.iter().zip(&outcomes).zip(&paths) {
                let job = stored.row.job_id;
                if matches!(outcome, Outcome::Unchanged(_))
                    && !earlier.get(&job).is_some_and(|e| e.contains_key(path))
                    && !unknown.contains(&job)
                {
                    unknown.push(job);
                }
            }
            for job in unknown {
                let found = self.committed_by_job(job).await?;
                earlier.insert(job, found);
            }
            let mut done = Vec::with_capacity(batch.len());
            for ((stored, outcome), path) in batch.iter().zip(outcomes).zip(&paths) {
                let before = earlier.get(&stored.row.job_id).and_then(|e| e.get(path));
                let (commit, changed) = match (outcome, before) {
                    (Outcome::Committed(id), _) => {
                        hook_runner.hooks().send(hooks::Event {
                            device: Some(stored.row.device.clone()),
                            group: Some(stored.group.clone()),
                            model: Some(stored.model.clone()),
                            commit: Some(id.clone()),
                            ..hooks::Event::new(hooks::HookEvent::DeviceChanged, stored.row.job_id)
                        });
                        (Some(id), true)
                    }
                    (Outcome::Unchanged(_), Some(id)) => (Some(id.clone()), true),
                    (Outcome::Unchanged(id) | Outcome::Insignificant(id), _) => (id, false),
                };
                done.push((
                    stored.row.job_id,
                    stored.row.device.clone(),
                    commit,
                    changed,
                ));
                if !archived_jobs.contains(&stored.row.job_id) {
                    archived_jobs.push(stored.row.job_id);
                }
            }
            self.store.mark_archived(&done).await?;
        }
        if let Some(&last) = archived_jobs.last() {
            self.push_archive(last).await;
        }
        for id in self.store.complete_jobs().await? {
            self.finish_queued(id, &hook_runner).await?;
            earlier.remove(&id);
        }
        self.writer.flush().await?;
        hook_runner.finish().await;
        Ok(())
    }

    /// The device paths commits of job `job` hold in the archive, each
    /// with its newest such commit.
    async fn committed_by_job(&self, job: i64) -> Result<HashMap<String, String>, JobError> {
        let since = self
            .store
            .job(job)
            .await?
            .and_then(|j| j.started_at)
            .map_or(0, |ms| ms / 1000 - 60);
        let (repository, author) = (self.config.git.repository.clone(), self.author());
        tokio::task::spawn_blocking(move || {
            Archive::open(&repository, author)?.committed_by_job(job, since)
        })
        .await
        .map_err(JobError::GitWriterLost)?
        .map_err(JobError::from)
    }

    fn author(&self) -> Author {
        Author {
            name: self.config.git.author_name.clone(),
            email: self.config.git.author_email.clone(),
        }
    }

    /// One commit of a batch of stored configurations, on a thread of its
    /// own (git is blocking); the driver tells volatile lines apart.
    async fn commit(&self, batch: &[StoredConfig]) -> Result<Vec<Outcome>, JobError> {
        let changes: Vec<Change> = batch
            .iter()
            .map(|s| Change {
                job_id: s.row.job_id,
                device: s.row.device.clone(),
                group: s.group.clone(),
                config: s.config.clone(),
                significant: self.config.git.significant,
            })
            .collect();
        let models: HashMap<String, String> = batch
            .iter()
            .map(|s| (s.row.device.clone(), s.model.clone()))
            .collect();
        let fleet = Fleet {
            runtime: self.runtime.clone(),
            catalog: self.catalog.clone(),
            host_keys: Arc::new(netraven_transport::ssh::MemoryHostKeys::default()),
            redact: self.config.redaction.configs,
        };
        let (repository, author) = (self.config.git.repository.clone(), self.author());
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let archive = Archive::open(&repository, author)?;
            let significant_of = |change: &Change, text: &str| -> Option<String> {
                let model = models.get(&change.device)?;
                handle.block_on(fleet.significant_text(model, &change.device, text))
            };
            archive.commit_batch(&changes, &significant_of)
        })
        .await
        .map_err(JobError::GitWriterLost)?
        .map_err(JobError::from)
    }

    /// Mark a queued job whose devices are all done finished, once: its
    /// log line, `job_finished` hooks and metrics file.
    async fn finish_queued(
        &self,
        id: i64,
        hook_runner: &hooks::HookRunner,
    ) -> Result<(), JobError> {
        let Some(job) = self.store.job(id).await? else {
            return Ok(());
        };
        let total = self.store.job_device_count(id).await? as usize;
        let results = self.store.results(id).await?;
        let summary = Summary::of(
            &job,
            total,
            &results,
            Timing {
                ran: results.len(),
                seconds: 0.0,
                db_seconds: 0.0,
                git_seconds: 0.0,
            },
        );
        if !self.store.finish_job_once(id, &summary.status).await? {
            return Ok(());
        }
        self.log(id, None, "info", summary.log_line());
        hook_runner
            .hooks()
            .send(hooks::Event::job_finished(&summary));
        self.writer.flush().await?;
        self.write_metrics(id).await?;
        tracing::info!(job = id, status = %summary.status, "job finished");
        Ok(())
    }
}

/// One claimed task: the device, or a failure when it cannot run. Returns
/// when its rows are stored.
async fn run_task(
    ctx: DeviceContext,
    context: &JobContext,
    task: &Task,
) -> oneshot::Receiver<Result<(), JobError>> {
    let name = task.device.clone();
    let writer = ctx.writer.clone();
    let device = resolve(&name, &context.rows, &context.creds, &ctx.config);
    if task.claims > MOST_CLAIMS {
        let failure = DeviceFailure::new(
            ErrorClass::DriverError,
            format!(
                "claimed {} times without a result: the workers that took it stopped or \
                 crashed each time",
                task.claims - 1
            ),
        );
        ctx.fail(&name, device.as_ref().ok(), failure, 0, Instant::now());
    } else {
        ctx.work(name, device).await;
    }
    let (done, stored) = oneshot::channel();
    let _ = writer.send(Msg::Flush(done));
    stored
}

/// The tasks a worker has in hand, whose leases its heartbeat renews, each
/// with how many times it is in hand: a task whose lease lapsed may be
/// claimed again by the worker that still runs it, and the first run's end
/// must not stop the renewal of the second's.
#[derive(Clone, Default)]
struct InFlight(Arc<std::sync::Mutex<HashMap<(i64, String), usize>>>);

/// One task in hand; dropping it lets its lease run out.
struct Held {
    set: InFlight,
    key: (i64, String),
}

impl InFlight {
    fn hold(&self, job: i64, device: &str) -> Held {
        let key = (job, device.to_string());
        if let Ok(mut held) = self.0.lock() {
            *held.entry(key.clone()).or_default() += 1;
        }
        Held {
            set: self.clone(),
            key,
        }
    }

    fn list(&self) -> Vec<(i64, String)> {
        self.0
            .lock()
            .map(|held| held.keys().cloned().collect())
            .unwrap_or_default()
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Ok(mut held) = self.set.0.lock()
            && let Some(count) = held.get_mut(&self.key)
        {
            *count -= 1;
            if *count == 0 {
                held.remove(&self.key);
            }
        }
    }
}

/// This process as a worker: `host:pid:nonce` (two containers on one
/// host network may share a host name and a pid).
fn worker_row(options: &ServeOptions) -> WorkerRow {
    use std::hash::{BuildHasher, Hasher};
    let nonce = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
        & 0xffff;
    let runner = netraven_store::this_runner();
    let (host, pid) = runner.rsplit_once(':').unwrap_or((runner.as_str(), "0"));
    WorkerRow {
        id: format!("{runner}:{nonce:04x}"),
        host: host.to_string(),
        pid: pid.parse().unwrap_or(0),
        zones: options.zones.clone(),
        concurrency: options.concurrency as i64,
        in_flight: 0,
        started_at: now_ms(),
        heartbeat_at: 0,
    }
}

/// Renew the leases of the devices in flight, every `every`; register
/// again if the worker's row went (pruned while the database was away).
async fn heartbeat(
    store: Store,
    me: WorkerRow,
    in_flight: InFlight,
    every: Duration,
    lease_ms: i64,
) {
    loop {
        tokio::time::sleep(every).await;
        match store.worker_beat(&me.id, &in_flight.list(), lease_ms).await {
            Ok(_) => {}
            Err(e) if e.message.ends_with("not registered") => {
                if let Err(e) = store.register_worker(&me).await {
                    tracing::warn!("worker heartbeat: {e}");
                }
            }
            Err(e) => tracing::warn!("worker heartbeat: {e}"),
        }
    }
}

/// Wake the claim loop on each notification of new work. The listener
/// reconnects by itself; while it cannot, the loop polls.
async fn listen(store: Store, wake: Arc<Notify>) {
    loop {
        let mut listener = match store.listen(&[WORK_CHANNEL]).await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!("listening for work: {e}");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        loop {
            match listener.recv().await {
                Ok(_) => wake.notify_one(),
                Err(e) => {
                    tracing::warn!("listening for work: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}

/// `1000 devices in zone dc2 wait since 2026-12-06 10:00:00 UTC: no live
/// worker serves it (start one: netraven worker --zone dc2)`.
pub fn describe_wait(wait: &ZoneWait) -> String {
    match &wait.zone {
        Some(zone) => format!(
            "{} devices in zone {zone} wait since {} UTC: no live worker serves it \
             (start one: netraven worker --zone {zone})",
            wait.devices,
            utc(wait.since)
        ),
        None => format!(
            "{} devices without a zone wait since {} UTC: no live worker \
             (start one: netraven worker)",
            wait.devices,
            utc(wait.since)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_store::{DatabaseConfig, ResultRow, Write};
    use sqlx::Connection;

    /// A database of this test's own on the tests' PostgreSQL
    /// (127.0.0.1:5432, trust auth), migrated.
    async fn own_database(name: &str) -> Store {
        let admin = "postgres://root@127.0.0.1:5432/test";
        let mut conn = sqlx::PgConnection::connect(admin)
            .await
            .expect("PostgreSQL on 127.0.0.1:5432 (tests/run starts it)");
        let db = format!("netraven_{name}_{}", std::process::id());
        for statement in [
            format!("DROP DATABASE IF EXISTS {db}"),
            format!("CREATE DATABASE {db}"),
        ] {
            sqlx::raw_sql(&statement)
                .execute(&mut conn)
                .await
                .expect(&statement);
        }
        Store::open(&DatabaseConfig {
            url: format!("postgres://root@127.0.0.1:5432/{db}"),
            ..DatabaseConfig::default()
        })
        .await
        .expect("the test's database")
    }

    fn stored(job: i64, device: &str, config: &str) -> Write {
        Write::Stored(Box::new(StoredConfig {
            row: ResultRow {
                job_id: job,
                device: device.into(),
                status: "ok".into(),
                error_class: None,
                message: None,
                attempts: 1,
                duration_ms: 10,
                commit_id: None,
                changed: false,
                output: None,
                finished_at: now_ms(),
            },
            group: "core".into(),
            model: "ios".into(),
            config: config.into(),
        }))
    }

    /// A task in hand twice (its lease lapsed and this worker claimed it
    /// again while the first run went on) keeps its lease renewed until
    /// both runs have ended.
    #[test]
    fn a_task_held_twice_is_renewed_until_both_holds_end() {
        let in_flight = InFlight::default();
        let first = in_flight.hold(7, "r1");
        let second = in_flight.hold(7, "r1");
        let other = in_flight.hold(7, "r2");
        let mut held = in_flight.list();
        held.sort();
        assert_eq!(held, [(7, "r1".to_string()), (7, "r2".to_string())]);
        drop(first);
        assert!(in_flight.list().contains(&(7, "r1".to_string())));
        drop(second);
        assert_eq!(in_flight.list(), [(7, "r2".to_string())]);
        drop(other);
        assert!(in_flight.list().is_empty());
    }

    /// An archiver that had looked at a job's commits, then saw another
    /// archiver commit some of its configurations without recording them
    /// (it lost its lock to a database restart, or died), records them as
    /// changed by the job, with that commit: the history is read after its
    /// own commit, not trusted from before.
    #[tokio::test]
    async fn an_archiver_records_a_job_s_commit_made_by_another_archiver_meanwhile() {
        let store = own_database("archiver_meanwhile").await;
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = crate::Config::default();
        config.git.repository = dir.path().join("archive.git");
        config.runtime.cache_dir = dir.path().join("cache");
        config.database.url = store.url().to_string();
        let devices = ["r1".to_string(), "r2".to_string()];
        let job = store
            .create_job("backup", "test", &serde_json::json!({}), &devices)
            .await
            .expect("job");
        assert!(store.enqueue_job(job, 0).await.expect("queued"));
        store
            .write_batch(&[
                stored(job, "r1", "hostname r1\n"),
                stored(job, "r2", "hostname r2\n"),
            ])
            .await
            .expect("results");

        let runtime = netraven_sandbox::Runtime::new(config.runtime.clone()).expect("runtime");
        let worker = Arc::new(
            Worker::new(config.clone(), store.clone(), runtime, Arc::default()).expect("worker"),
        );
        // This archiver's view of the job's commits, taken before the other
        // archiver's commit: none.
        let mut earlier = HashMap::from([(job, HashMap::new())]);
        // The other archiver commits r1 and goes without recording it.
        let author = worker.author();
        let theirs = Archive::open(&config.git.repository, author)
            .expect("archive")
            .commit_batch(
                &[Change {
                    job_id: job,
                    device: "r1".into(),
                    group: "core".into(),
                    config: "hostname r1\n".into(),
                    significant: false,
                }],
                &|_, _| None,
            )
            .expect("their commit");
        let Outcome::Committed(theirs) = &theirs[0] else {
            panic!("their commit: {theirs:?}");
        };

        worker.archive_pass(&mut earlier).await.expect("a pass");

        let results = store.results(job).await.expect("results");
        let r1 = results.iter().find(|r| r.device == "r1").expect("r1");
        let r2 = results.iter().find(|r| r.device == "r2").expect("r2");
        assert_eq!(r1.commit_id.as_ref(), Some(theirs));
        assert!(r1.changed, "r1 was changed by the job, in their commit");
        assert!(r2.changed);
        assert_ne!(
            r2.commit_id.as_ref(),
            Some(theirs),
            "r2 in a commit of its own"
        );
        assert!(store.unarchived(10).await.expect("unarchived").is_empty());
        let finished = store.job(job).await.expect("job").expect("the job");
        assert_eq!(finished.status, "succeeded");

        // A late record of an archiver that lost its lock changes nothing:
        // the first record stands.
        store
            .mark_archived(&[(job, "r1".into(), Some("0".repeat(40)), false)])
            .await
            .expect("a late record");
        let again = store.results(job).await.expect("results");
        assert_eq!(again, results);
    }
}
