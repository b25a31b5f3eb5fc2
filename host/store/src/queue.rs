//! The work queue: jobs that `netraven worker` processes run, on PostgreSQL.
//!
//! A queued job's devices are its tasks (`job_devices` rows). A worker
//! claims a batch of open tasks of its zones with `FOR UPDATE SKIP LOCKED`,
//! each under a lease its heartbeat renews; a task whose lease ran out (its
//! worker was killed, lost its network or its machine) is claimed again by
//! another worker of the zone. A task ends with its result row, whose key
//! is the job and the device, in the same transaction: a second writer
//! loses cleanly ([`Store::write_batch`]). A backup's configuration waits
//! in its result row until the one archiver (whoever holds
//! [`Store::try_archiver_lock`]) commits it and clears it.
//!
//! Leases and heartbeats use the database's clock, so workers on machines
//! whose clocks differ still agree on when a lease has run out.

use sqlx::{Connection, Row};

use crate::{Backend, Result, ResultRow, Store, StoreError, StoredConfig, now_ms};

/// The database's clock in unix milliseconds.
const DB_NOW: &str = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";

/// `NOTIFY` channel: a job was queued or tasks were handed back.
pub const WORK_CHANNEL: &str = "netraven_work";

/// The advisory lock the archiver holds (one archive per database).
const ARCHIVER_LOCK: i64 = 7_261_627;

/// A device task a worker claimed.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub job: i64,
    pub device: String,
    pub zone: Option<String>,
    /// How many times the task has been claimed, this claim included.
    pub claims: i64,
}

/// A worker process as it registered itself.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WorkerRow {
    /// `host:pid`.
    pub id: String,
    pub host: String,
    pub pid: i64,
    /// The zones it serves; empty serves only devices without a zone.
    pub zones: Vec<String>,
    pub concurrency: i64,
    pub in_flight: i64,
    pub started_at: i64,
    pub heartbeat_at: i64,
}

/// A zone with open tasks of a job that no live worker serves.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ZoneWait {
    /// `None`: devices without a zone (any worker takes them).
    pub zone: Option<String>,
    pub devices: i64,
    /// Since when they wait: the job's creation.
    pub since: i64,
}

/// The archiver's lock: held while this connection lives.
pub struct ArchiverLock {
    conn: sqlx::AnyConnection,
}

impl ArchiverLock {
    /// Whether the lock still holds: its connection answers.
    pub async fn alive(&mut self) -> bool {
        self.conn.ping().await.is_ok()
    }

    pub async fn release(mut self) {
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(ARCHIVER_LOCK)
            .execute(&mut self.conn)
            .await;
        let _ = self.conn.close().await;
    }
}

impl Store {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Refuse queue operations on SQLite, naming the database.
    fn postgres_only(&self, what: &str) -> Result<()> {
        match self.backend {
            Backend::Postgres => Ok(()),
            Backend::Sqlite => Err(StoreError {
                url: self.shown.clone(),
                message: format!(
                    "{what} needs PostgreSQL: workers on several machines share one \
                     PostgreSQL database ([database] url = \"postgres://USER@HOST:PORT/DB\")"
                ),
            }),
        }
    }

    /// Hand job `id` to the workers and wake them, unless it has finished
    /// or a `run-job` process whose heartbeat is fresher than `stale_ms`
    /// runs it itself; whether it is now theirs.
    pub async fn enqueue_job(&self, id: i64, stale_ms: i64) -> Result<bool> {
        self.postgres_only("queueing a job for workers")?;
        let done = sqlx::query(
            "UPDATE jobs SET mode = 'queue' WHERE id = $1 AND finished_at IS NULL \
             AND COALESCE(mode, '') <> 'queue' \
             AND (runner IS NULL OR COALESCE(heartbeat_at, 0) < $2)",
        )
        .bind(id)
        .bind(now_ms() - stale_ms)
        .execute(&self.pool)
        .await
        .map_err(|e| self.err("jobs", e))?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        self.notify(WORK_CHANNEL, &id.to_string()).await?;
        Ok(true)
    }

    pub async fn notify(&self, channel: &str, payload: &str) -> Result<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(&self.pool)
            .await
            .map_err(|e| self.err("notify", e))?;
        Ok(())
    }

    /// A connection listening on `channels`. It reconnects by itself after
    /// the server restarts (notifications sent meanwhile are lost, so
    /// listeners also poll).
    pub async fn listen(&self, channels: &[&str]) -> Result<sqlx::postgres::PgListener> {
        self.postgres_only("listening for work")?;
        let mut listener = sqlx::postgres::PgListener::connect(&self.connect_url)
            .await
            .map_err(|e| self.err("listen", e))?;
        listener
            .listen_all(channels.iter().copied())
            .await
            .map_err(|e| self.err("listen", e))?;
        Ok(listener)
    }

    /// Register (or re-register) a worker and prune rows of workers gone
    /// for a day.
    pub async fn register_worker(&self, w: &WorkerRow) -> Result<()> {
        self.postgres_only("netraven worker")?;
        sqlx::query(&format!(
            "INSERT INTO workers (id, host, pid, zones, concurrency, in_flight, started_at, \
             heartbeat_at) VALUES ($1, $2, $3, $4, $5, 0, $6, {DB_NOW}) ON CONFLICT (id) DO \
             UPDATE SET zones = excluded.zones, concurrency = excluded.concurrency, \
             started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at"
        ))
        .bind(&w.id)
        .bind(&w.host)
        .bind(w.pid)
        .bind(w.zones.join(","))
        .bind(w.concurrency)
        .bind(w.started_at)
        .execute(&self.pool)
        .await
        .map_err(|e| self.err("workers", e))?;
        sqlx::query(&format!(
            "DELETE FROM workers WHERE heartbeat_at < {DB_NOW} - 86400000"
        ))
        .execute(&self.pool)
        .await
        .map_err(|e| self.err("workers", e))?;
        Ok(())
    }

    /// A worker's heartbeat: it is alive, and the leases of `held`, the
    /// tasks in flight, run `lease_ms` from now. A task it claimed but no
    /// longer works on (its result was lost) is left to expire. Returns
    /// how many leases were renewed (a task taken over after a lapse is no
    /// longer its own).
    pub async fn worker_beat(
        &self,
        id: &str,
        held: &[(i64, String)],
        lease_ms: i64,
    ) -> Result<u64> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| self.err("workers", e))?;
        let beat = sqlx::query(&format!(
            "UPDATE workers SET heartbeat_at = {DB_NOW}, in_flight = $2 WHERE id = $1"
        ))
        .bind(id)
        .bind(held.len() as i64)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err("workers", e))?;
        let held_json = serde_json::to_string(held).unwrap_or_else(|_| "[]".into());
        // A row another transaction holds is left alone this beat rather
        // than waited for: the writer is marking it done, or another worker
        // is taking it over after a lapse. Waiting let the heartbeat and the
        // writer lock each other's rows in turn, and PostgreSQL then broke
        // the deadlock by aborting the heartbeat, every lease with it.
        let renewed = sqlx::query(&format!(
            "UPDATE job_devices t SET lease_until = {DB_NOW} + $2 FROM ( \
               SELECT job_id, device FROM job_devices WHERE worker = $1 AND done = 0 \
               AND (job_id, device) IN (SELECT (e->>0)::BIGINT, e->>1 \
                                        FROM json_array_elements($3::json) e) \
               ORDER BY job_id, device FOR UPDATE SKIP LOCKED \
             ) mine WHERE t.job_id = mine.job_id AND t.device = mine.device"
        ))
        .bind(id)
        .bind(lease_ms)
        .bind(held_json)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err("job devices", e))?;
        tx.commit().await.map_err(|e| self.err("workers", e))?;
        if beat.rows_affected() == 0 {
            return Err(StoreError {
                url: self.shown.clone(),
                message: format!("worker {id}: not registered"),
            });
        }
        Ok(renewed.rows_affected())
    }

    /// Hand back a worker's open tasks (all of them, or `only` these) and
    /// wake the other workers; returns how many went back.
    pub async fn release_tasks(&self, worker: &str, only: Option<(i64, &str)>) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE job_devices SET worker = NULL, lease_until = NULL, claims = claims - 1 \
             WHERE worker = $1 AND done = 0 AND ($2 = 0 OR (job_id = $2 AND device = $3))",
        )
        .bind(worker)
        .bind(only.map_or(0, |(job, _)| job))
        .bind(only.map_or("", |(_, device)| device))
        .execute(&self.pool)
        .await
        .map_err(|e| self.err("job devices", e))?;
        if done.rows_affected() > 0 {
            self.notify(WORK_CHANNEL, "").await?;
        }
        Ok(done.rows_affected())
    }

    /// Hand back `tasks` that `worker` claimed but cannot run (their job
    /// cannot be set up here): no worker claims them for `delay_ms`, and
    /// their claims still count, so a task that no worker can run ends
    /// failed after a few rounds instead of going round for ever.
    pub async fn defer_tasks(
        &self,
        worker: &str,
        tasks: &[(i64, String)],
        delay_ms: i64,
    ) -> Result<u64> {
        let listed = serde_json::to_string(tasks).unwrap_or_else(|_| "[]".into());
        let done = sqlx::query(&format!(
            "UPDATE job_devices SET worker = NULL, lease_until = {DB_NOW} + $2 \
             WHERE worker = $1 AND done = 0 AND (job_id, device) IN \
             (SELECT (e->>0)::BIGINT, e->>1 FROM json_array_elements($3::json) e)"
        ))
        .bind(worker)
        .bind(delay_ms)
        .bind(listed)
        .execute(&self.pool)
        .await
        .map_err(|e| self.err("job devices", e))?;
        Ok(done.rows_affected())
    }

    /// A worker leaving: its open tasks go back and its row goes.
    pub async fn unregister_worker(&self, id: &str) -> Result<u64> {
        let released = self.release_tasks(id, None).await?;
        sqlx::query("DELETE FROM workers WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(|e| self.err("workers", e))?;
        Ok(released)
    }

    /// Workers whose heartbeat is fresher than `live_ms`, by id; on SQLite
    /// none.
    pub async fn live_workers(&self, live_ms: i64) -> Result<Vec<WorkerRow>> {
        if self.backend != Backend::Postgres {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, host, pid, zones, concurrency, in_flight, started_at, heartbeat_at \
             FROM workers WHERE heartbeat_at > {DB_NOW} - $1 ORDER BY id"
        );
        let query = sqlx::query(&sql).bind(live_ms);
        self.select("workers", query, |r| {
            let zones: String = r.try_get("zones")?;
            Ok(WorkerRow {
                id: r.try_get("id")?,
                host: r.try_get("host")?,
                pid: r.try_get("pid")?,
                zones: zones
                    .split(',')
                    .filter(|z| !z.is_empty())
                    .map(String::from)
                    .collect(),
                concurrency: r.try_get("concurrency")?,
                in_flight: r.try_get("in_flight")?,
                started_at: r.try_get("started_at")?,
                heartbeat_at: r.try_get("heartbeat_at")?,
            })
        })
        .await
    }

    /// The database's clock, unix milliseconds.
    pub async fn db_now(&self) -> Result<i64> {
        if self.backend != Backend::Postgres {
            return Ok(now_ms());
        }
        sqlx::query(&format!("SELECT {DB_NOW}"))
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(|e| self.err("clock", e))
    }

    /// Claim up to `limit` open tasks of queued jobs for `worker`: devices
    /// without a zone, or in one of `zones`, whose task no live lease
    /// holds, oldest job first. Each is leased for `lease_ms`; their jobs
    /// are marked running.
    pub async fn claim_tasks(
        &self,
        worker: &str,
        zones: &[String],
        limit: i64,
        lease_ms: i64,
    ) -> Result<Vec<Task>> {
        let sql = format!(
            "WITH picked AS ( \
               SELECT d.job_id, d.device FROM job_devices d JOIN jobs j ON j.id = d.job_id \
               WHERE j.mode = 'queue' AND j.finished_at IS NULL AND d.done = 0 \
                 AND (d.lease_until IS NULL OR d.lease_until < {DB_NOW}) \
                 AND (d.zone IS NULL OR d.zone = ANY(string_to_array($2, ','))) \
               ORDER BY d.job_id, d.device LIMIT $3 \
               FOR UPDATE OF d SKIP LOCKED \
             ), claimed AS ( \
               UPDATE job_devices t SET worker = $1, lease_until = {DB_NOW} + $4, \
                 claims = t.claims + 1 \
               FROM picked WHERE t.job_id = picked.job_id AND t.device = picked.device \
               RETURNING t.job_id, t.device, t.zone, t.claims \
             ), started AS ( \
               UPDATE jobs SET status = 'running', started_at = COALESCE(started_at, $5) \
               WHERE id IN (SELECT job_id FROM claimed) AND status = 'queued' \
             ) \
             SELECT job_id, device, zone, claims FROM claimed ORDER BY job_id, device"
        );
        let query = sqlx::query(&sql)
            .bind(worker)
            .bind(zones.join(","))
            .bind(limit)
            .bind(lease_ms)
            .bind(now_ms());
        self.select("claiming tasks", query, |r| {
            Ok(Task {
                job: r.try_get("job_id")?,
                device: r.try_get("device")?,
                zone: r.try_get("zone")?,
                claims: r.try_get("claims")?,
            })
        })
        .await
    }

    /// The zones of job `id`'s open tasks that no worker live within
    /// `live_ms` serves, with how many devices wait in each.
    pub async fn waiting_zones(&self, id: i64, live_ms: i64) -> Result<Vec<ZoneWait>> {
        let Some(job) = self.job(id).await? else {
            return Ok(Vec::new());
        };
        if job.mode.as_deref() != Some("queue") || job.finished_at.is_some() {
            return Ok(Vec::new());
        }
        let open = sqlx::query(
            "SELECT zone, COUNT(*) FROM job_devices WHERE job_id = $1 AND done = 0 \
             GROUP BY zone ORDER BY zone",
        )
        .bind(id);
        let open: Vec<(Option<String>, i64)> = self
            .select("job devices", open, |r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .await?;
        let workers = self.live_workers(live_ms).await?;
        Ok(open
            .into_iter()
            .filter(|(zone, _)| match zone {
                None => workers.is_empty(),
                Some(zone) => !workers.iter().any(|w| w.zones.contains(zone)),
            })
            .map(|(zone, devices)| ZoneWait {
                zone,
                devices,
                since: job.created_at,
            })
            .collect())
    }

    /// Configurations waiting for the archiver, oldest job first, at most
    /// `limit`.
    pub async fn unarchived(&self, limit: i64) -> Result<Vec<StoredConfig>> {
        let query = sqlx::query(
            "SELECT job_id, device, status, attempts, duration_ms, finished_at, grp, model, \
             config FROM job_results WHERE config IS NOT NULL \
             ORDER BY job_id, finished_at, device LIMIT $1",
        )
        .bind(limit);
        self.select("unarchived configurations", query, |r| {
            Ok(StoredConfig {
                row: ResultRow {
                    job_id: r.try_get("job_id")?,
                    device: r.try_get("device")?,
                    status: r.try_get("status")?,
                    error_class: None,
                    message: None,
                    attempts: r.try_get("attempts")?,
                    duration_ms: r.try_get("duration_ms")?,
                    commit_id: None,
                    changed: false,
                    output: None,
                    finished_at: r.try_get("finished_at")?,
                },
                group: r.try_get::<Option<String>, _>("grp")?.unwrap_or_default(),
                model: r.try_get::<Option<String>, _>("model")?.unwrap_or_default(),
                config: r.try_get("config")?,
            })
        })
        .await
    }

    /// Record what the archive made of stored configurations (commit,
    /// changed) and drop their text, in one transaction. A configuration
    /// already recorded (by an archiver that lost its lock in a database
    /// restart and finished its pass) keeps that record.
    pub async fn mark_archived(&self, done: &[(i64, String, Option<String>, bool)]) -> Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| self.err("results", e))?;
        for (job, device, commit, changed) in done {
            sqlx::query(
                "UPDATE job_results SET config = NULL, commit_id = $3, changed = $4 \
                 WHERE job_id = $1 AND device = $2 AND config IS NOT NULL",
            )
            .bind(job)
            .bind(device)
            .bind(commit.clone())
            .bind(i64::from(*changed))
            .execute(&mut *tx)
            .await
            .map_err(|e| self.err("results", e))?;
        }
        tx.commit().await.map_err(|e| self.err("results", e))
    }

    /// Queued jobs not marked finished whose every task has a result and
    /// every configuration is archived.
    pub async fn complete_jobs(&self) -> Result<Vec<i64>> {
        let query = sqlx::query(
            "SELECT j.id FROM jobs j WHERE j.mode = 'queue' AND j.finished_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM job_devices d WHERE d.job_id = j.id AND d.done = 0) \
             AND NOT EXISTS (SELECT 1 FROM job_results r WHERE r.job_id = j.id \
                             AND r.config IS NOT NULL) ORDER BY j.id",
        );
        self.select("jobs", query, |r| r.try_get(0)).await
    }

    /// Mark job `id` finished with `status` unless someone already did;
    /// whether this call did.
    pub async fn finish_job_once(&self, id: i64, status: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET status = $2, finished_at = $3, runner = NULL, heartbeat_at = NULL \
             WHERE id = $1 AND finished_at IS NULL",
        )
        .bind(id)
        .bind(status)
        .bind(now_ms())
        .execute(&self.pool)
        .await
        .map_err(|e| self.err("jobs", e))?;
        Ok(done.rows_affected() == 1)
    }

    /// Results stored so far for job `id`: (all, succeeded).
    pub async fn result_counts(&self, id: i64) -> Result<(i64, i64)> {
        sqlx::query(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END), 0) \
             FROM job_results WHERE job_id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await
        .and_then(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .map_err(|e| self.err("results", e))
    }

    /// Become the archiver, if no one else is: a session advisory lock on
    /// a connection of its own, held until it is released or the
    /// connection drops (the process dies, the server restarts).
    pub async fn try_archiver_lock(&self) -> Result<Option<ArchiverLock>> {
        self.postgres_only("the archiver")?;
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| self.err("archiver lock", e))?
            .detach();
        let got: bool = sqlx::query("SELECT pg_try_advisory_lock($1)")
            .bind(ARCHIVER_LOCK)
            .fetch_one(&mut conn)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(|e| self.err("archiver lock", e))?;
        if got {
            Ok(Some(ArchiverLock { conn }))
        } else {
            let _ = conn.close().await;
            Ok(None)
        }
    }

    /// Set the zone of a group's devices that have none of their own
    /// (`None` clears it).
    pub async fn set_group_zone(&self, group: &str, zone: Option<&str>) -> Result<()> {
        let query = match zone {
            Some(zone) => sqlx::query(
                "INSERT INTO group_zones (grp, zone) VALUES ($1, $2) \
                 ON CONFLICT (grp) DO UPDATE SET zone = excluded.zone",
            )
            .bind(group)
            .bind(zone),
            None => sqlx::query("DELETE FROM group_zones WHERE grp = $1").bind(group),
        };
        query
            .execute(&self.pool)
            .await
            .map_err(|e| self.err("group zones", e))?;
        Ok(())
    }

    /// Set (or, with `None`, clear) one device's own zone; whether the
    /// device exists.
    pub async fn set_device_zone(&self, name: &str, zone: Option<&str>) -> Result<bool> {
        let done = sqlx::query("UPDATE devices SET zone = $2, updated_at = $3 WHERE name = $1")
            .bind(name)
            .bind(zone)
            .bind(now_ms())
            .execute(&self.pool)
            .await
            .map_err(|e| self.err("devices", e))?;
        Ok(done.rows_affected() == 1)
    }

    /// Every group with a zone.
    pub async fn group_zones(&self) -> Result<Vec<(String, String)>> {
        let query = sqlx::query("SELECT grp, zone FROM group_zones ORDER BY grp");
        self.select("group zones", query, |r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .await
    }
}
