//! The job's two writers: one task batching database rows, one thread
//! committing configurations to the archive.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::time::{Duration, Instant};

use netraven_archive::{self as archive, Archive, ArchiveError, Author, Change, Outcome};
use netraven_session::ErrorClass;
use netraven_store::{LogRow, ResultRow, Store, Write, now_ms};
use tokio::sync::{mpsc, oneshot};

use crate::JobError;
use crate::config::Config;
use crate::fleet::Fleet;

// ---- the database writer -------------------------------------------------

pub(crate) enum Msg {
    Row(Write),
    Flush(oneshot::Sender<Result<(), JobError>>),
}

/// One task that owns all row writes and batches them into transactions:
/// devices finish far faster than one transaction per row could keep up
/// with on SQLite.
pub(crate) struct Writer {
    tx: mpsc::UnboundedSender<Msg>,
    /// Microseconds spent in database transactions.
    busy: Arc<AtomicU64>,
}

pub(crate) const WRITE_BATCH: usize = 2000;

/// How long the writer keeps retrying a batch the database refuses, and
/// its longest wait between tries.
const WRITE_PATIENCE: Duration = Duration::from_secs(60);
const WRITE_RETRY_MAX: Duration = Duration::from_secs(2);

impl Writer {
    pub(crate) fn start(store: Store) -> Writer {
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
                            // Long enough for a database server restart.
                            Err(e) if began.elapsed() < WRITE_PATIENCE => {
                                tracing::warn!("database write failed, retrying: {e}");
                                let wait = Duration::from_millis(200 * tries).min(WRITE_RETRY_MAX);
                                tokio::time::sleep(wait).await;
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
                        Some(e) => Err(JobError::WriteFailed(e.clone())),
                        None => Ok(()),
                    });
                }
            }
        });
        Writer { tx, busy }
    }

    pub(crate) fn sender(&self) -> mpsc::UnboundedSender<Msg> {
        self.tx.clone()
    }

    pub(crate) fn busy_seconds(&self) -> f64 {
        self.busy.load(AtomicOrdering::Relaxed) as f64 / 1e6
    }

    pub(crate) fn send(&self, w: Write) {
        let _ = self.tx.send(Msg::Row(w));
    }

    /// Wait until everything sent so far is stored.
    pub(crate) async fn flush(&self) -> Result<(), JobError> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Msg::Flush(done))
            .map_err(|_| JobError::WriterStopped)?;
        wait.await.map_err(|_| JobError::WriterStopped)?
    }
}

// ---- the git writer ------------------------------------------------------

/// A backed-up device waiting for its commit.
pub(crate) struct Pending {
    pub(crate) change: Change,
    pub(crate) model: String,
    pub(crate) row: ResultRow,
}

/// The one thread that writes the archive. It gathers devices for up to
/// [`BATCH_WINDOW`] (or `[git] batch` of them) and commits them as one
/// commit, so a first run of 10,000 devices makes tens of commits, not
/// 10,000 rewrites of a 10,000-entry directory.
pub(crate) struct ArchiveWriter {
    tx: std::sync::mpsc::Sender<Pending>,
    /// Microseconds spent committing.
    busy: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<Result<(), ArchiveError>>,
}

/// How long the git writer waits for more devices before committing.
pub(crate) const BATCH_WINDOW: Duration = Duration::from_millis(500);

impl ArchiveWriter {
    pub(crate) fn start(
        config: &Config,
        fleet: Arc<Fleet>,
        writer: mpsc::UnboundedSender<Msg>,
        hooks: crate::hooks::Hooks,
        handle: tokio::runtime::Handle,
        job: i64,
        resumed_since: Option<i64>,
    ) -> Result<ArchiveWriter, JobError> {
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
            .spawn(move || -> Result<(), ArchiveError> {
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
                            for ((change, (model, row)), outcome) in
                                changes.iter().zip(rest).zip(outcomes)
                            {
                                if let Outcome::Committed(commit) = &outcome {
                                    hooks.send(crate::hooks::Event {
                                        device: Some(change.device.clone()),
                                        group: Some(change.group.clone()),
                                        model: Some(model),
                                        commit: Some(commit.clone()),
                                        ..crate::hooks::Event::new(
                                            crate::hooks::HookEvent::DeviceChanged,
                                            job,
                                        )
                                    });
                                }
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
            .map_err(JobError::GitWriterStart)?;
        Ok(ArchiveWriter { tx, busy, thread })
    }

    pub(crate) fn sender(&self) -> std::sync::mpsc::Sender<Pending> {
        self.tx.clone()
    }

    /// Commit what is queued and stop; returns the seconds spent committing.
    pub(crate) async fn finish(self) -> Result<f64, JobError> {
        let busy = self.busy.clone();
        drop(self.tx);
        let thread = self.thread;
        tokio::task::spawn_blocking(move || thread.join())
            .await
            .map_err(JobError::GitWriterLost)?
            .map_err(|_| JobError::GitWriterPanicked)??;
        Ok(busy.load(AtomicOrdering::Relaxed) as f64 / 1e6)
    }
}
