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
    (
        4,
        "workers: zones, a queue of device tasks with leases, configurations waiting for the archiver",
        r#"
ALTER TABLE devices ADD COLUMN zone TEXT;
CREATE TABLE group_zones (
    grp TEXT NOT NULL PRIMARY KEY,
    zone TEXT NOT NULL
);
ALTER TABLE jobs ADD COLUMN mode TEXT;
ALTER TABLE job_devices ADD COLUMN zone TEXT;
ALTER TABLE job_devices ADD COLUMN worker TEXT;
ALTER TABLE job_devices ADD COLUMN lease_until {int};
ALTER TABLE job_devices ADD COLUMN claims {int} NOT NULL DEFAULT 0;
ALTER TABLE job_devices ADD COLUMN done {int} NOT NULL DEFAULT 0;
UPDATE job_devices SET done = 1 WHERE EXISTS (SELECT 1 FROM job_results r
    WHERE r.job_id = job_devices.job_id AND r.device = job_devices.device);
CREATE INDEX job_devices_open ON job_devices (job_id, device) WHERE done = 0;
ALTER TABLE job_results ADD COLUMN grp TEXT;
ALTER TABLE job_results ADD COLUMN model TEXT;
ALTER TABLE job_results ADD COLUMN config TEXT;
CREATE INDEX job_results_unarchived ON job_results (job_id) WHERE config IS NOT NULL;
CREATE TABLE workers (
    id TEXT NOT NULL PRIMARY KEY,
    host TEXT NOT NULL,
    pid {int} NOT NULL,
    zones TEXT NOT NULL,
    concurrency {int} NOT NULL,
    in_flight {int} NOT NULL,
    started_at {int} NOT NULL,
    heartbeat_at {int} NOT NULL
);
"#,
    ),
];
