//! What can go wrong in the archive, with the repository, device, step
//! or revision it concerns.

use std::io;
use std::path::PathBuf;

/// What went wrong in the archive. Every message is one line that starts with
/// `archive <repository>: ` and goes on with the step that failed.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The device has no file in the archive as of `revision` (a full commit
    /// id). `device` is its path, `<group>/<name>`.
    #[error("archive {repo}: device {device}: not in the archive at {revision}")]
    NotFound {
        repo: PathBuf,
        device: String,
        revision: String,
    },
    /// Nothing has been archived yet: the branch has no commit to read.
    #[error("archive {repo}: reading the branch: nothing archived yet")]
    Empty { repo: PathBuf },
    /// `revision`, as the caller gave it, does not name a commit.
    #[error("archive {repo}: revision {revision:?}: {}", .cause.message())]
    BadRevision {
        repo: PathBuf,
        revision: String,
        cause: git2::Error,
    },
    /// The path holds something other than a bare repository, or libgit2
    /// cannot open what is there (`reason` is libgit2's message then).
    #[error("archive {repo}: {}{reason}", step_prefix(.step.as_deref()))]
    Unusable {
        repo: PathBuf,
        step: Option<&'static str>,
        reason: String,
    },
    /// Opening, locking or removing a lock file failed (`lock` is the file).
    #[error("archive {repo}: {step} {lock}: {cause}")]
    Lock {
        repo: PathBuf,
        step: &'static str,
        lock: PathBuf,
        cause: io::Error,
    },
    /// A filesystem step of creating the repository failed.
    #[error("archive {repo}: {step}: {cause}")]
    Io {
        repo: PathBuf,
        step: &'static str,
        cause: io::Error,
    },
    /// A libgit2 operation failed, on one device's file when `device` is set.
    #[error("archive {repo}: {}{step}: {}", device_prefix(.device.as_deref()), .cause.message())]
    Git {
        repo: PathBuf,
        device: Option<String>,
        step: String,
        cause: git2::Error,
    },
}

/// `opening: ` before an [`ArchiveError::Unusable`] reason, when there is a step.
fn step_prefix(step: Option<&str>) -> String {
    step.map(|step| format!("{step}: ")).unwrap_or_default()
}

/// `device core/r1: ` before an [`ArchiveError::Git`] step, when there is a device.
fn device_prefix(device: Option<&str>) -> String {
    device
        .map(|device| format!("device {device}: "))
        .unwrap_or_default()
}
