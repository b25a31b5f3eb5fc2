//! Why a job could not run at all.

use netraven_archive::ArchiveError;
use netraven_session::redact::BadPattern;
use netraven_store::secrets::SecretsError;

/// Why a job could not run at all. How each device ended is its result,
/// never one of these.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("job {job}: no such job (see `netraven jobs list`)")]
    NoSuchJob { job: i64 },
    /// Deleted between reading it and claiming it.
    #[error("job {job}: no such job")]
    Vanished { job: i64 },
    #[error("job {job}: commands job without a commands list")]
    NoCommands { job: i64 },
    #[error("job {job}: unknown kind {kind:?}")]
    UnknownKind { job: i64, kind: String },
    #[error(
        "job {job}: already running in {runner} (heartbeat {seconds_ago} s ago); \
         it is taken over once that process is gone"
    )]
    Held {
        job: i64,
        runner: String,
        seconds_ago: i64,
    },
    #[error(transparent)]
    Store(#[from] netraven_store::StoreError),
    /// The credentials key cannot be read, or opens nothing (a wrong key).
    #[error(transparent)]
    Credentials(#[from] SecretsError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error(transparent)]
    Redaction(#[from] BadPattern),
    /// Rows the database writer gave up on (the store's message).
    #[error("{0}")]
    WriteFailed(String),
    #[error("the database writer stopped")]
    WriterStopped,
    #[error("cannot start the git writer: {0}")]
    GitWriterStart(std::io::Error),
    #[error("git writer: {0}")]
    GitWriterLost(tokio::task::JoinError),
    #[error("the git writer panicked")]
    GitWriterPanicked,
}

impl JobError {
    /// Whether the message names the job already (the caller adds the job
    /// to the others).
    pub fn names_job(&self) -> bool {
        matches!(
            self,
            JobError::NoSuchJob { .. }
                | JobError::Vanished { .. }
                | JobError::NoCommands { .. }
                | JobError::UnknownKind { .. }
                | JobError::Held { .. }
        )
    }
}
