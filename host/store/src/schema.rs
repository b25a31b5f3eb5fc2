//! The schema, as numbered migrations.

/// Schema versions, applied in order, each once. `{id}` and `{int}` become
/// the backend's id column and 64-bit integer.
pub(crate) const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "devices, credentials, jobs, results, logs, host keys",
        r#"
CREATE TABLE devices (
    id {id},
    name TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL,
    port {int} NOT NULL,
    model TEXT NOT NULL,
    grp TEXT NOT NULL,
    enabled {int} NOT NULL,
    vars TEXT NOT NULL,
    ssh TEXT NOT NULL,
    credential TEXT,
    jump TEXT NOT NULL,
    updated_at {int} NOT NULL
);
CREATE INDEX devices_grp ON devices (grp);
CREATE TABLE credentials (
    id {id},
    name TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL,
    sealed TEXT NOT NULL,
    key_file TEXT,
    created_at {int} NOT NULL
);
CREATE TABLE jobs (
    id {id},
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at {int} NOT NULL,
    started_at {int},
    finished_at {int},
    created_by TEXT NOT NULL,
    params TEXT NOT NULL
);
CREATE TABLE job_devices (
    job_id {int} NOT NULL,
    device TEXT NOT NULL,
    PRIMARY KEY (job_id, device)
);
CREATE TABLE job_results (
    job_id {int} NOT NULL,
    device TEXT NOT NULL,
    status TEXT NOT NULL,
    error_class TEXT,
    message TEXT,
    attempts {int} NOT NULL,
    duration_ms {int} NOT NULL,
    commit_id TEXT,
    changed {int} NOT NULL,
    output TEXT,
    finished_at {int} NOT NULL,
    PRIMARY KEY (job_id, device)
);
CREATE TABLE job_logs (
    id {id},
    job_id {int} NOT NULL,
    device TEXT,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    at {int} NOT NULL
);
CREATE INDEX job_logs_job ON job_logs (job_id);
CREATE TABLE connection_logs (
    id {id},
    job_id {int} NOT NULL,
    device TEXT NOT NULL,
    attempt {int} NOT NULL,
    transcript TEXT NOT NULL,
    at {int} NOT NULL
);
CREATE INDEX connection_logs_job ON connection_logs (job_id, device);
CREATE TABLE host_keys (
    host TEXT NOT NULL PRIMARY KEY,
    key TEXT NOT NULL,
    first_seen {int} NOT NULL
);
"#,
    ),
    (
        2,
        "jobs: which process runs a job, and its heartbeat",
        r#"
ALTER TABLE jobs ADD COLUMN runner TEXT;
ALTER TABLE jobs ADD COLUMN heartbeat_at {int};
"#,
    ),
    (
        3,
        "job results by device, for each device's last backup (metrics)",
        r#"
CREATE INDEX job_results_device ON job_results (device, finished_at);
"#,
    ),
];
