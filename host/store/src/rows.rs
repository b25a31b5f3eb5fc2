//! What the store reads and writes, one type per table.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A device as stored. Secrets live in the named credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceRow {
    pub name: String,
    pub address: String,
    pub port: u16,
    pub model: String,
    pub group: String,
    pub enabled: bool,
    pub vars: BTreeMap<String, String>,
    /// Non-secret SSH settings (algorithms, timeouts, host key policy),
    /// an inventory entry's keys as JSON.
    pub ssh: serde_json::Value,
    pub credential: Option<String>,
    /// Jump hosts, first hop first: names of other devices.
    pub jump: Vec<String>,
    /// The zone (a network some workers reach) the device is in; `None`
    /// takes its group's zone, if the group has one, else any worker's.
    #[serde(default)]
    pub zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CredentialRow {
    pub name: String,
    pub username: String,
    /// Hex of nonce and ciphertext; see [`crate::secrets`].
    #[serde(skip)]
    pub sealed: String,
    pub key_file: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub created_by: String,
    pub params: serde_json::Value,
    /// `queue` when workers run it (`netraven worker`); `None` when the
    /// `run-job` process runs it itself.
    pub mode: Option<String>,
}

/// A device and how its backups went, over every backup job on record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceBackups {
    pub name: String,
    pub group: String,
    pub model: String,
    pub enabled: bool,
    /// The newest backup result: `ok` or `failed`; `None` before the first.
    pub last_status: Option<String>,
    pub last_duration_ms: Option<i64>,
    /// When a backup last succeeded, ms since the epoch.
    pub last_success_at: Option<i64>,
    /// When a backup last found the configuration changed.
    pub last_changed_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultRow {
    pub job_id: i64,
    pub device: String,
    /// `ok` or `failed`.
    pub status: String,
    pub error_class: Option<String>,
    pub message: Option<String>,
    pub attempts: i64,
    pub duration_ms: i64,
    pub commit_id: Option<String>,
    pub changed: bool,
    /// Command output for `exec` jobs, redacted.
    pub output: Option<String>,
    pub finished_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogRow {
    pub job_id: i64,
    pub device: Option<String>,
    pub level: String,
    pub message: String,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionLogRow {
    pub job_id: i64,
    pub device: String,
    pub attempt: i64,
    pub transcript: String,
    pub at: i64,
}

/// What [`Store::claim_job`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    Claimed,
    NoSuchJob,
    Held { runner: String, seconds_ago: i64 },
}

/// A device's result with its configuration, stored for the archiver (a
/// job run by workers); see [`Store::unarchived`].
#[derive(Debug, Clone)]
pub struct StoredConfig {
    pub row: ResultRow,
    pub group: String,
    pub model: String,
    pub config: String,
}

/// One row for the writer; see [`Store::write_batch`].
#[derive(Debug, Clone)]
pub enum Write {
    Result(ResultRow),
    /// A result whose configuration waits for the archiver.
    Stored(Box<StoredConfig>),
    Log(LogRow),
    Connection(ConnectionLogRow),
    HostKey {
        host: String,
        key: String,
    },
}

impl Write {
    /// What a row is, for an error that names it.
    pub(crate) fn what(&self) -> String {
        match self {
            Write::Result(r) => format!("job {} device {:?} result", r.job_id, r.device),
            Write::Stored(s) => format!("job {} device {:?} result", s.row.job_id, s.row.device),
            Write::Log(l) => format!("job {} log line", l.job_id),
            Write::Connection(c) => format!("job {} device {:?} transcript", c.job_id, c.device),
            Write::HostKey { host, .. } => format!("host key of {host}"),
        }
    }
}
