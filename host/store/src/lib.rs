//! The database: devices, sealed credentials, jobs, per-device results,
//! job logs, connection logs and host keys. One code path (sqlx's `Any`
//! driver) serves SQLite, the embedded default, and PostgreSQL.
//!
//! This crate owns the schema and its migrations ([`Store::migrate`]), every
//! query, the `[database]` and `[credentials]` settings, and the sealing of
//! credentials at rest ([`secrets`]).
//!
//! May use: sqlx, ring (ChaCha20-Poly1305 and the random source), serde and
//! serde_json, thiserror, tokio, tracing. Must not use: network devices
//! (SSH, transports, sessions), wasm or drivers, git; those crates call this
//! one, never the other way round.
//!
//! Portable SQL only: `$N` parameters (SQLite reads them too), `BIGINT`
//! integers, timestamps as unix milliseconds, JSON kept as text. The
//! schema differs between the two only in how an id column is declared.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sqlx::any::{AnyArguments, AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::query::Query;
use sqlx::{AnyPool, Row};

mod config;
pub mod queue;
mod rows;
mod schema;
pub mod secrets;

pub use config::{ConfigError, CredentialsConfig, DatabaseConfig};
pub use rows::*;
use schema::MIGRATIONS;

/// Which server is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a URL names, by its scheme.
    fn of(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The URL with any password masked, for messages.
    shown: String,
    /// The URL as given, for connections outside the pool (LISTEN);
    /// never shown.
    connect_url: String,
}

/// A database error as one line naming the database (never its password).
#[derive(Debug, thiserror::Error)]
#[error("database {url}: {message}")]
pub struct StoreError {
    pub url: String,
    pub message: String,
}

type Result<T> = std::result::Result<T, StoreError>;

/// `url` with any password masked: the `user:password@` part (a password
/// may itself hold `/`, `?`, `#` or `@`) and a `password=` parameter.
pub(crate) fn display_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let rest = match rest.rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let user = userinfo.split(':').next().unwrap_or("");
            let masked = if userinfo.contains(':') { ":***" } else { "" };
            format!("{user}{masked}@{}", &rest[at + 1..])
        }
        None => rest.to_string(),
    };
    let rest = match rest.split_once('?') {
        Some((head, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => p.to_string(),
                })
                .collect();
            format!("{head}?{}", params.join("&"))
        }
        None => rest,
    };
    format!("{scheme}://{rest}")
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// This process as a job runner: `host:pid`.
pub fn this_runner() -> String {
    format!("{}:{}", host_name(), std::process::id())
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// A runner on another host is assumed alive (its heartbeat decides); one
/// on this host is alive while its process is.
fn runner_alive(runner: &str) -> bool {
    match runner.rsplit_once(':') {
        Some((host, pid)) if host == host_name() => {
            Path::new(&format!("/proc/{pid}")).exists() && pid != std::process::id().to_string()
        }
        _ => true,
    }
}

impl Store {
    /// Connect (creating a SQLite file and its folder when missing) and
    /// apply pending migrations.
    pub async fn open(config: &DatabaseConfig) -> Result<Store> {
        let store = Store::connect(config).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connect without migrating.
    pub async fn connect(config: &DatabaseConfig) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let shown = display_url(&config.url);
        let fail = |message: String| StoreError {
            url: shown.clone(),
            message,
        };
        let Some(backend) = Backend::of(&config.url) else {
            return Err(fail(
                "unsupported URL: use sqlite:PATH or postgres://USER@HOST:PORT/DB".into(),
            ));
        };
        let mut url = config.url.clone();
        if backend == Backend::Sqlite {
            let path = sqlite_path(&url);
            if path != ":memory:"
                && let Some(dir) = Path::new(&path).parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
            }
            if !url.contains("mode=") {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str("mode=rwc");
            }
        }
        let options: AnyConnectOptions = url
            .parse()
            .map_err(|e: sqlx::Error| fail(format!("bad URL: {}", one_line(&e.to_string()))))?;
        let pool = AnyPoolOptions::new()
            .max_connections(config.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(config.connect_timeout_secs.max(1)))
            .connect_with(options)
            .await
            .map_err(|e| fail(format!("cannot connect: {}", one_line(&e.to_string()))))?;
        if backend == Backend::Sqlite {
            // WAL lets readers run beside the one writer; the mode is kept
            // in the file, so once is enough.
            sqlx::raw_sql("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(|e| fail(format!("cannot set WAL mode: {}", one_line(&e.to_string()))))?;
        }
        Ok(Store {
            pool,
            backend,
            shown,
            connect_url: url,
        })
    }

    pub fn url(&self) -> &str {
        &self.shown
    }

    fn err(&self, what: &str, e: sqlx::Error) -> StoreError {
        StoreError {
            url: self.shown.clone(),
            message: format!("{what}: {}", one_line(&e.to_string())),
        }
    }

    /// Run `query` and decode each row; a failure of either names `what`.
    async fn select<'q, T>(
        &self,
        what: &str,
        query: Query<'q, sqlx::Any, AnyArguments<'q>>,
        decode: impl Fn(&AnyRow) -> std::result::Result<T, sqlx::Error>,
    ) -> Result<Vec<T>> {
        let rows = query
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(what, e))?;
        rows.iter()
            .map(|r| decode(r).map_err(|e| self.err(what, e)))
            .collect()
    }

    fn ddl(&self, sql: &str) -> String {
        let (id, int) = match self.backend {
            Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER"),
            Backend::Postgres => ("BIGSERIAL PRIMARY KEY", "BIGINT"),
        };
        sql.replace("{id}", id).replace("{int}", int)
    }

    /// Apply every migration not yet applied; returns the versions applied.
    /// Concurrent callers are serialised (an advisory lock on PostgreSQL,
    /// an immediate transaction on SQLite).
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| self.err("cannot connect", e))?;
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN; SELECT pg_advisory_xact_lock(7261626)",
        };
        sqlx::raw_sql(begin)
            .execute(&mut *conn)
            .await
            .map_err(|e| self.err("migrate: cannot lock", e))?;
        let result = async {
            sqlx::raw_sql(&self.ddl(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version {int} PRIMARY KEY, \
                 description TEXT NOT NULL, applied_at {int} NOT NULL)",
            ))
            .execute(&mut *conn)
            .await
            .map_err(|e| self.err("migrate", e))?;
            let done: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| self.err("migrate", e))?
                .iter()
                .map(|r| r.try_get::<i64, _>(0))
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| self.err("migrate", e))?;
            let mut applied = Vec::new();
            for (version, description, sql) in MIGRATIONS {
                if done.contains(version) {
                    continue;
                }
                sqlx::raw_sql(&self.ddl(sql))
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| self.err(&format!("migration {version}"), e))?;
                sqlx::query(
                    "INSERT INTO schema_migrations (version, description, applied_at) \
                     VALUES ($1, $2, $3)",
                )
                .bind(*version)
                .bind(*description)
                .bind(now_ms())
                .execute(&mut *conn)
                .await
                .map_err(|e| self.err(&format!("migration {version}"), e))?;
                applied.push(*version);
            }
            Ok(applied)
        }
        .await;
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        sqlx::raw_sql(end)
            .execute(&mut *conn)
            .await
            .map_err(|e| self.err("migrate", e))?;
        result
    }

    // ---- devices -------------------------------------------------------

    /// Insert or replace devices by name, in one transaction. A device
    /// given without a zone keeps the zone it has (an import that knows
    /// nothing of zones does not clear them; see [`Store::set_device_zone`]).
    pub async fn upsert_devices(&self, devices: &[DeviceRow]) -> Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| self.err("devices", e))?;
        for d in devices {
            sqlx::query(
                "INSERT INTO devices (name, address, port, model, grp, enabled, vars, ssh, \
                 credential, jump, updated_at, zone) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (name) DO UPDATE SET address = excluded.address, port = excluded.port, \
                 model = excluded.model, grp = excluded.grp, enabled = excluded.enabled, \
                 vars = excluded.vars, ssh = excluded.ssh, credential = excluded.credential, \
                 jump = excluded.jump, updated_at = excluded.updated_at, \
                 zone = COALESCE(excluded.zone, devices.zone)",
            )
            .bind(&d.name)
            .bind(&d.address)
            .bind(i64::from(d.port))
            .bind(&d.model)
            .bind(&d.group)
            .bind(i64::from(d.enabled))
            .bind(json(&d.vars))
            .bind(d.ssh.to_string())
            .bind(d.credential.clone())
            .bind(d.jump.join(","))
            .bind(now_ms())
            .bind(d.zone.clone())
            .execute(&mut *tx)
            .await
            .map_err(|e| self.err(&format!("device {:?}", d.name), e))?;
        }
        tx.commit().await.map_err(|e| self.err("devices", e))
    }

    /// Whether a device was removed.
    pub async fn remove_device(&self, name: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM devices WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(|e| self.err("devices", e))?;
        Ok(done.rows_affected() > 0)
    }

    const DEVICE_COLUMNS: &str =
        "name, address, port, model, grp, enabled, vars, ssh, credential, jump, zone";

    fn device_row(&self, r: &sqlx::any::AnyRow) -> Result<DeviceRow> {
        let get = |e| self.err("devices", e);
        let name: String = r.try_get("name").map_err(get)?;
        let bad = |field: &str, e: serde_json::Error| StoreError {
            url: self.shown.clone(),
            message: format!("device {name:?}: {field}: not valid JSON: {e}"),
        };
        let vars: String = r.try_get("vars").map_err(get)?;
        let ssh: String = r.try_get("ssh").map_err(get)?;
        let jump: String = r.try_get("jump").map_err(get)?;
        Ok(DeviceRow {
            address: r.try_get("address").map_err(get)?,
            port: r.try_get::<i64, _>("port").map_err(get)? as u16,
            model: r.try_get("model").map_err(get)?,
            group: r.try_get("grp").map_err(get)?,
            enabled: r.try_get::<i64, _>("enabled").map_err(get)? != 0,
            vars: serde_json::from_str(&vars).map_err(|e| bad("vars", e))?,
            ssh: serde_json::from_str(&ssh).map_err(|e| bad("ssh", e))?,
            credential: r.try_get("credential").map_err(get)?,
            jump: jump
                .split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            zone: r.try_get("zone").map_err(get)?,
            name,
        })
    }

    pub async fn devices(&self) -> Result<Vec<DeviceRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM devices ORDER BY name",
            Self::DEVICE_COLUMNS
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err("devices", e))?;
        rows.iter().map(|r| self.device_row(r)).collect()
    }

    pub async fn device(&self, name: &str) -> Result<Option<DeviceRow>> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM devices WHERE name = $1",
            Self::DEVICE_COLUMNS
        ))
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.err("devices", e))?;
        row.map(|r| self.device_row(&r)).transpose()
    }

    // ---- credentials ---------------------------------------------------

    pub async fn put_credential(&self, c: &CredentialRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO credentials (name, username, sealed, key_file, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO UPDATE SET \
             username = excluded.username, sealed = excluded.sealed, key_file = excluded.key_file",
        )
        .bind(&c.name)
        .bind(&c.username)
        .bind(&c.sealed)
        .bind(c.key_file.clone())
        .bind(c.created_at)
        .execute(&self.pool)
        .await
        .map_err(|e| self.err(&format!("credential {:?}", c.name), e))?;
        Ok(())
    }

    pub async fn credentials(&self) -> Result<Vec<CredentialRow>> {
        let query = sqlx::query(
            "SELECT name, username, sealed, key_file, created_at FROM credentials ORDER BY name",
        );
        self.select("credentials", query, |r| {
            Ok(CredentialRow {
                name: r.try_get("name")?,
                username: r.try_get("username")?,
                sealed: r.try_get("sealed")?,
                key_file: r.try_get("key_file")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .await
    }

    pub async fn remove_credential(&self, name: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM credentials WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(|e| self.err("credentials", e))?;
        Ok(done.rows_affected() > 0)
    }

    // ---- jobs ----------------------------------------------------------

    /// Create a job over `devices` (names), status `queued`.
    pub async fn create_job(
        &self,
        kind: &str,
        created_by: &str,
        params: &serde_json::Value,
        devices: &[String],
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await.map_err(|e| self.err("jobs", e))?;
        let id: i64 = sqlx::query(
            "INSERT INTO jobs (kind, status, created_at, created_by, params) \
             VALUES ($1, 'queued', $2, $3, $4) RETURNING id",
        )
        .bind(kind)
        .bind(now_ms())
        .bind(created_by)
        .bind(params.to_string())
        .fetch_one(&mut *tx)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(|e| self.err("jobs", e))?;
        for chunk in devices.chunks(500) {
            let mut sql = String::from("INSERT INTO job_devices (job_id, device) VALUES ");
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("($1, ${})", i + 2));
            }
            let mut q = sqlx::query(&sql).bind(id);
            for name in chunk {
                q = q.bind(name);
            }
            q.execute(&mut *tx)
                .await
                .map_err(|e| self.err("job devices", e))?;
        }
        // Each task keeps the zone its device had when the job was made:
        // the device's own, else its group's.
        sqlx::query(
            "UPDATE job_devices SET zone = (SELECT COALESCE(d.zone, g.zone) FROM devices d \
             LEFT JOIN group_zones g ON g.grp = d.grp WHERE d.name = job_devices.device) \
             WHERE job_id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err("job devices", e))?;
        tx.commit().await.map_err(|e| self.err("jobs", e))?;
        Ok(id)
    }

    fn job_row(&self, r: &sqlx::any::AnyRow) -> Result<JobRow> {
        let get = |e| self.err("jobs", e);
        let params: String = r.try_get("params").map_err(get)?;
        Ok(JobRow {
            id: r.try_get("id").map_err(get)?,
            kind: r.try_get("kind").map_err(get)?,
            status: r.try_get("status").map_err(get)?,
            created_at: r.try_get("created_at").map_err(get)?,
            started_at: r.try_get("started_at").map_err(get)?,
            finished_at: r.try_get("finished_at").map_err(get)?,
            created_by: r.try_get("created_by").map_err(get)?,
            params: serde_json::from_str(&params).unwrap_or(serde_json::Value::Null),
            mode: r.try_get("mode").map_err(get)?,
        })
    }

    const JOB_COLUMNS: &str =
        "id, kind, status, created_at, started_at, finished_at, created_by, params, mode";

    pub async fn job(&self, id: i64) -> Result<Option<JobRow>> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM jobs WHERE id = $1",
            Self::JOB_COLUMNS
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.err("jobs", e))?;
        row.map(|r| self.job_row(&r)).transpose()
    }

    /// The newest `limit` jobs, newest first.
    pub async fn jobs(&self, limit: i64) -> Result<Vec<JobRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM jobs ORDER BY id DESC LIMIT $1",
            Self::JOB_COLUMNS
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err("jobs", e))?;
        rows.iter().map(|r| self.job_row(r)).collect()
    }

    /// The job of `kind` that finished last, if any did.
    pub async fn last_finished_job(&self, kind: &str) -> Result<Option<JobRow>> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM jobs WHERE kind = $1 AND finished_at IS NOT NULL \
             ORDER BY finished_at DESC, id DESC LIMIT 1",
            Self::JOB_COLUMNS
        ))
        .bind(kind)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.err("jobs", e))?;
        row.map(|r| self.job_row(&r)).transpose()
    }

    /// Claim job `id` for `runner` (`host:pid`) and mark it running, keeping
    /// the first start time on a rerun. Refused, with the holder, while
    /// another live runner has it: one whose heartbeat is fresher than
    /// `stale_ms`, unless it is on this host and its process is gone (a
    /// killed run is taken over at once).
    pub async fn claim_job(&self, id: i64, runner: &str, stale_ms: i64) -> Result<Claim> {
        let row = sqlx::query("SELECT status, runner, heartbeat_at FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.err("jobs", e))?;
        let Some(row) = row else {
            return Ok(Claim::NoSuchJob);
        };
        let get = |e| self.err("jobs", e);
        let status: String = row.try_get("status").map_err(get)?;
        let holder: Option<String> = row.try_get("runner").map_err(get)?;
        let beat: Option<i64> = row.try_get("heartbeat_at").map_err(get)?;
        let now = now_ms();
        if status == "running"
            && let (Some(holder), Some(beat)) = (&holder, beat)
            && now - beat < stale_ms
            && runner_alive(holder)
        {
            return Ok(Claim::Held {
                runner: holder.clone(),
                seconds_ago: (now - beat) / 1000,
            });
        }
        // Compare and set: if another runner claimed it since the read,
        // nothing is updated and the claim is refused.
        let done = sqlx::query(
            "UPDATE jobs SET status = 'running', started_at = COALESCE(started_at, $2), \
             finished_at = NULL, runner = $3, heartbeat_at = $2 \
             WHERE id = $1 AND COALESCE(runner, '') = $4 AND COALESCE(heartbeat_at, 0) = $5",
        )
        .bind(id)
        .bind(now)
        .bind(runner)
        .bind(holder.clone().unwrap_or_default())
        .bind(beat.unwrap_or(0))
        .execute(&self.pool)
        .await
        .map_err(|e| self.err("jobs", e))?;
        Ok(if done.rows_affected() == 1 {
            Claim::Claimed
        } else {
            Claim::Held {
                runner: "another process".into(),
                seconds_ago: 0,
            }
        })
    }

    /// Tell other runners this job's runner is alive.
    pub async fn heartbeat(&self, id: i64, runner: &str) -> Result<()> {
        sqlx::query("UPDATE jobs SET heartbeat_at = $3 WHERE id = $1 AND runner = $2")
            .bind(id)
            .bind(runner)
            .bind(now_ms())
            .execute(&self.pool)
            .await
            .map_err(|e| self.err("jobs", e))?;
        Ok(())
    }

    pub async fn finish_job(&self, id: i64, status: &str) -> Result<()> {
        sqlx::query(
            "UPDATE jobs SET status = $2, finished_at = $3, runner = NULL, heartbeat_at = NULL \
             WHERE id = $1",
        )
        .bind(id)
        .bind(status)
        .bind(now_ms())
        .execute(&self.pool)
        .await
        .map_err(|e| self.err("jobs", e))?;
        Ok(())
    }

    /// The job's devices that have no result yet, in name order.
    pub async fn pending_devices(&self, job: i64) -> Result<Vec<String>> {
        let query = sqlx::query(
            "SELECT d.device FROM job_devices d LEFT JOIN job_results r \
             ON r.job_id = d.job_id AND r.device = d.device \
             WHERE d.job_id = $1 AND r.device IS NULL ORDER BY d.device",
        )
        .bind(job);
        self.select("job devices", query, |r| r.try_get(0)).await
    }

    pub async fn job_device_count(&self, job: i64) -> Result<i64> {
        sqlx::query("SELECT COUNT(*) FROM job_devices WHERE job_id = $1")
            .bind(job)
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(|e| self.err("job devices", e))
    }

    pub async fn results(&self, job: i64) -> Result<Vec<ResultRow>> {
        let query = sqlx::query(
            "SELECT job_id, device, status, error_class, message, attempts, duration_ms, \
             commit_id, changed, output, finished_at FROM job_results WHERE job_id = $1 \
             ORDER BY device",
        )
        .bind(job);
        self.select("results", query, |r| {
            Ok(ResultRow {
                job_id: r.try_get("job_id")?,
                device: r.try_get("device")?,
                status: r.try_get("status")?,
                error_class: r.try_get("error_class")?,
                message: r.try_get("message")?,
                attempts: r.try_get("attempts")?,
                duration_ms: r.try_get("duration_ms")?,
                commit_id: r.try_get("commit_id")?,
                changed: r.try_get::<i64, _>("changed")? != 0,
                output: r.try_get("output")?,
                finished_at: r.try_get("finished_at")?,
            })
        })
        .await
    }

    /// Every device with its last backup, last success and last change, in
    /// name order (results of `exec` jobs do not count).
    pub async fn device_backups(&self) -> Result<Vec<DeviceBackups>> {
        let backups = "FROM job_results r JOIN jobs j ON j.id = r.job_id \
                       WHERE j.kind = 'backup' AND r.device = d.name";
        let sql = format!(
            "SELECT d.name, d.grp, d.model, d.enabled, \
             (SELECT r.status {backups} ORDER BY r.finished_at DESC LIMIT 1) AS last_status, \
             (SELECT r.duration_ms {backups} ORDER BY r.finished_at DESC LIMIT 1) AS last_duration, \
             (SELECT MAX(r.finished_at) {backups} AND r.status = 'ok') AS last_success, \
             (SELECT MAX(r.finished_at) {backups} AND r.changed <> 0) AS last_changed \
             FROM devices d ORDER BY d.name"
        );
        self.select("device backups", sqlx::query(&sql), |r| {
            Ok(DeviceBackups {
                name: r.try_get("name")?,
                group: r.try_get("grp")?,
                model: r.try_get("model")?,
                enabled: r.try_get::<i64, _>("enabled")? != 0,
                last_status: r.try_get("last_status")?,
                last_duration_ms: r.try_get("last_duration")?,
                last_success_at: r.try_get("last_success")?,
                last_changed_at: r.try_get("last_changed")?,
            })
        })
        .await
    }

    pub async fn logs(&self, job: i64) -> Result<Vec<LogRow>> {
        let query = sqlx::query(
            "SELECT job_id, device, level, message, at FROM job_logs WHERE job_id = $1 ORDER BY id",
        )
        .bind(job);
        self.select("job logs", query, |r| {
            Ok(LogRow {
                job_id: r.try_get("job_id")?,
                device: r.try_get("device")?,
                level: r.try_get("level")?,
                message: r.try_get("message")?,
                at: r.try_get("at")?,
            })
        })
        .await
    }

    pub async fn connection_logs(
        &self,
        job: i64,
        device: Option<&str>,
    ) -> Result<Vec<ConnectionLogRow>> {
        let query = sqlx::query(
            "SELECT job_id, device, attempt, transcript, at FROM connection_logs \
             WHERE job_id = $1 AND ($2 = '' OR device = $2) ORDER BY id",
        )
        .bind(job)
        .bind(device.unwrap_or(""));
        self.select("connection logs", query, |r| {
            Ok(ConnectionLogRow {
                job_id: r.try_get("job_id")?,
                device: r.try_get("device")?,
                attempt: r.try_get("attempt")?,
                transcript: r.try_get("transcript")?,
                at: r.try_get("at")?,
            })
        })
        .await
    }

    // ---- host keys -----------------------------------------------------

    pub async fn host_keys(&self) -> Result<Vec<(String, String)>> {
        let query = sqlx::query("SELECT host, key FROM host_keys");
        self.select("host keys", query, |r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .await
    }

    // ---- the writer ----------------------------------------------------

    /// Write rows in one transaction. A result already stored for the same
    /// job and device is kept (a rerun after a crash never duplicates). If
    /// the transaction fails, the rows are written one by one so a single
    /// bad row costs only itself; the error then names what was lost.
    pub async fn write_batch(&self, rows: &[Write]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        // Results last, in the order of their job and device: two writers
        // that both hold results of the same devices (a task run twice
        // after its lease lapsed) then lock their rows in the same order,
        // and one waits for the other instead of deadlocking.
        let mut ordered: Vec<&Write> = rows.iter().collect();
        ordered.sort_by(|a, b| Self::task_key(a).cmp(&Self::task_key(b)));
        let batch = async {
            let mut tx = self.pool.begin().await?;
            for row in ordered {
                Self::write_one(row).execute(&mut *tx).await?;
                if let Some(done) = Self::task_done(row) {
                    done.execute(&mut *tx).await?;
                }
            }
            tx.commit().await
        };
        if batch.await.is_ok() {
            return Ok(());
        }
        let mut lost = Vec::new();
        for row in rows {
            let one = async {
                let mut tx = self.pool.begin().await?;
                Self::write_one(row).execute(&mut *tx).await?;
                if let Some(done) = Self::task_done(row) {
                    done.execute(&mut *tx).await?;
                }
                tx.commit().await
            };
            if let Err(e) = one.await {
                lost.push(format!("{}: {}", row.what(), one_line(&e.to_string())));
            }
        }
        match lost.first() {
            None => Ok(()),
            Some(first) => Err(StoreError {
                url: self.shown.clone(),
                message: format!("{} rows not written, e.g. {first}", lost.len()),
            }),
        }
    }

    /// What a row's place in a batch depends on: `None` (first, in the
    /// order given) for anything but a result, else its job and device.
    fn task_key(row: &Write) -> Option<(i64, &str)> {
        match row {
            Write::Result(r) => Some((r.job_id, r.device.as_str())),
            Write::Stored(s) => Some((s.row.job_id, s.row.device.as_str())),
            _ => None,
        }
    }

    /// A result ends its device's task in the queue (in the same
    /// transaction): no worker claims it again. The worker that held it
    /// stays on record.
    fn task_done(row: &Write) -> Option<Query<'_, sqlx::Any, AnyArguments<'_>>> {
        let (job, device) = Self::task_key(row)?;
        Some(
            sqlx::query(
                "UPDATE job_devices SET done = 1, lease_until = NULL \
                 WHERE job_id = $1 AND device = $2 AND done = 0",
            )
            .bind(job)
            .bind(device),
        )
    }

    fn write_one(row: &Write) -> Query<'_, sqlx::Any, AnyArguments<'_>> {
        match row {
            Write::Stored(s) => sqlx::query(
                "INSERT INTO job_results (job_id, device, status, error_class, message, \
                 attempts, duration_ms, commit_id, changed, output, finished_at, grp, model, \
                 config) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                 ON CONFLICT (job_id, device) DO NOTHING",
            )
            .bind(s.row.job_id)
            .bind(&s.row.device)
            .bind(&s.row.status)
            .bind(s.row.error_class.clone())
            .bind(s.row.message.as_deref().map(text))
            .bind(s.row.attempts)
            .bind(s.row.duration_ms)
            .bind(s.row.commit_id.clone())
            .bind(i64::from(s.row.changed))
            .bind(s.row.output.as_deref().map(text))
            .bind(s.row.finished_at)
            .bind(&s.group)
            .bind(&s.model)
            .bind(text(&s.config)),
            Write::Result(r) => sqlx::query(
                "INSERT INTO job_results (job_id, device, status, error_class, message, \
                 attempts, duration_ms, commit_id, changed, output, finished_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (job_id, device) DO NOTHING",
            )
            .bind(r.job_id)
            .bind(&r.device)
            .bind(&r.status)
            .bind(r.error_class.clone())
            .bind(r.message.as_deref().map(text))
            .bind(r.attempts)
            .bind(r.duration_ms)
            .bind(r.commit_id.clone())
            .bind(i64::from(r.changed))
            .bind(r.output.as_deref().map(text))
            .bind(r.finished_at),
            Write::Log(l) => sqlx::query(
                "INSERT INTO job_logs (job_id, device, level, message, at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(l.job_id)
            .bind(l.device.clone())
            .bind(&l.level)
            .bind(text(&l.message))
            .bind(l.at),
            Write::Connection(c) => sqlx::query(
                "INSERT INTO connection_logs (job_id, device, attempt, transcript, at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(c.job_id)
            .bind(&c.device)
            .bind(c.attempt)
            .bind(text(&c.transcript))
            .bind(c.at),
            Write::HostKey { host, key } => sqlx::query(
                "INSERT INTO host_keys (host, key, first_seen) VALUES ($1, $2, $3) \
                 ON CONFLICT (host) DO NOTHING",
            )
            .bind(host)
            .bind(key)
            .bind(now_ms()),
        }
    }

    /// Every row of every table, as text (the canary test reads it all).
    pub async fn dump(&self) -> Result<String> {
        let mut out = String::new();
        for table in [
            "devices",
            "group_zones",
            "workers",
            "credentials",
            "jobs",
            "job_devices",
            "job_results",
            "job_logs",
            "connection_logs",
            "host_keys",
        ] {
            let rows = sqlx::query(&format!("SELECT * FROM {table}"))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| self.err(table, e))?;
            for r in rows {
                out.push_str(table);
                for i in 0..r.columns().len() {
                    out.push('\t');
                    if let Ok(Some(s)) = r.try_get::<Option<String>, _>(i) {
                        out.push_str(&s);
                    } else if let Ok(Some(n)) = r.try_get::<Option<i64>, _>(i) {
                        out.push_str(&n.to_string());
                    }
                }
                out.push('\n');
            }
        }
        Ok(out)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Device text as a column value: PostgreSQL refuses NUL in TEXT, and a
/// device may send one.
fn text(s: &str) -> String {
    if s.contains('\0') {
        s.replace('\0', "\\0")
    } else {
        s.to_string()
    }
}

fn sqlite_path(url: &str) -> String {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.split('?').next().unwrap_or("").to_string()
}

fn json(v: &impl Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_never_show_a_password() {
        assert_eq!(
            display_url("postgres://ops:hunter2@db:5432/nr"),
            "postgres://ops:***@db:5432/nr"
        );
        assert_eq!(
            display_url("postgres://root@127.0.0.1/test"),
            "postgres://root@127.0.0.1/test"
        );
        assert_eq!(display_url("sqlite://data/x.db"), "sqlite://data/x.db");
        assert_eq!(
            display_url("postgres://ops:p/w?x#y@db:5432/nr"),
            "postgres://ops:***@db:5432/nr"
        );
        assert_eq!(
            display_url("postgres://db/nr?user=ops&password=s3cret"),
            "postgres://db/nr?user=ops&password=***"
        );
    }

    #[test]
    fn database_settings_that_cannot_work_are_named() {
        assert_eq!(DatabaseConfig::default().validate(), Ok(()));
        for url in [
            "sqlite::memory:",
            "postgres://root@127.0.0.1/x",
            "postgresql://db/x",
        ] {
            let config = DatabaseConfig {
                url: url.into(),
                ..DatabaseConfig::default()
            };
            assert_eq!(config.validate(), Ok(()), "{url}");
        }
        let config = DatabaseConfig {
            url: "mysql://ops:hunter2@db/nr".into(),
            ..DatabaseConfig::default()
        };
        let err = config.validate().unwrap_err();
        assert_eq!(
            err.to_string(),
            "[database] url = \"mysql://ops:***@db/nr\": must start with sqlite:, \
             postgres:// or postgresql://"
        );
        let config = DatabaseConfig {
            max_connections: 0,
            ..DatabaseConfig::default()
        };
        assert_eq!(config.validate(), Err(ConfigError::NoConnections));
        assert_eq!(
            config.validate().unwrap_err().to_string(),
            "[database] max_connections = 0: must be at least 1"
        );
    }

    #[test]
    fn sqlite_paths_come_out_of_the_url() {
        assert_eq!(sqlite_path("sqlite://data/netraven.db"), "data/netraven.db");
        assert_eq!(sqlite_path("sqlite:///tmp/a.db?mode=rwc"), "/tmp/a.db");
        assert_eq!(sqlite_path("sqlite::memory:"), ":memory:");
    }
}
