//! Settings, read from a TOML file (`config/environments/dev.toml` by
//! default). Every key is documented there; an unknown key is an error
//! that names it and the file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use netraven_archive::GitConfig;
use netraven_inventory::toml_error;
use netraven_sandbox::RuntimeConfig;
use netraven_store::{CredentialsConfig, DatabaseConfig};

/// The file used when neither `--config` nor `NETRAVEN_CONFIG` is given.
const DEFAULT_CONFIG: &str = "config/environments/dev.toml";

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The driver sandbox: where drivers live, limits and deadlines.
    pub runtime: RuntimeConfig,
    /// How jobs work through devices: concurrency, timeouts, retries.
    pub worker: WorkerConfig,
    /// Where devices, credentials, jobs and logs are stored.
    pub database: DatabaseConfig,
    /// The key that seals stored credentials.
    pub credentials: CredentialsConfig,
    /// The configuration archive.
    pub git: GitConfig,
    /// Secret hiding.
    pub redaction: RedactionConfig,
    /// Log level and format.
    pub logging: LoggingConfig,
    /// Prometheus metrics written after each job.
    pub metrics: MetricsConfig,
    /// Commands run on device and job events (`[[hooks]]`).
    pub hooks: Vec<crate::hooks::HookConfig>,
    /// `netraven devices sync netbox`.
    pub netbox: NetboxConfig,
    /// Workers on many machines (`netraven worker`), on PostgreSQL.
    pub queue: QueueConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct QueueConfig {
    /// Whether `run-job` hands a job to the workers: `auto` when the
    /// database is PostgreSQL and a worker is alive, `always` on
    /// PostgreSQL (the job waits for a worker), `never` (run it here).
    pub use_workers: String,
    /// How long a worker's claim on a device lasts without a heartbeat;
    /// a dead worker's devices are taken over after it.
    pub lease_secs: f64,
    /// How often an idle worker looks for work when no notification came.
    pub poll_secs: f64,
    /// Device tasks a worker claims at once.
    pub claim_batch: usize,
    /// Whether this process may be the archiver (commit the workers'
    /// configurations to `[git] repository`). Only one is, at any time.
    pub archiver: bool,
}

impl QueueConfig {
    /// The lease in milliseconds; also how old a worker's heartbeat may be
    /// for it to count as alive.
    pub fn lease_ms(&self) -> i64 {
        (self.lease_secs * 1000.0) as i64
    }
}

impl Default for QueueConfig {
    fn default() -> Self {
        QueueConfig {
            use_workers: "auto".into(),
            lease_secs: 30.0,
            poll_secs: 5.0,
            claim_batch: 64,
            archiver: true,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct NetboxConfig {
    /// Platform slug -> model, for slugs that are not a model, driver or
    /// Netmiko name already.
    pub platforms: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Where each job writes the metrics `netraven metrics` prints, for
    /// node_exporter's textfile collector (a `*.prom` file in its
    /// `--collector.textfile.directory`), replaced whole. Not set: no file.
    pub textfile: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerConfig {
    /// Devices worked on at once.
    pub concurrency: usize,
    /// Threads the worker runs devices on: one single-threaded event loop
    /// each, every device dealt to one loop for its whole session, so the
    /// steps of a session never hop between threads (`event_loop`). 0, the
    /// default, is one per CPU core; 1 keeps a worker on one core (about a
    /// thousand simulated devices a second).
    pub threads: usize,
    /// TCP connect timeout, seconds (a device's own setting wins).
    pub connect_timeout_secs: u64,
    /// Attempts per device for retryable failures (connect timeout,
    /// refused, reset, prompt timeout); 1 means no retry.
    pub retry_attempts: u32,
    /// Wait before the first retry, seconds; doubles on each retry.
    pub retry_backoff_secs: f64,
    /// Longest wait between retries, seconds.
    pub retry_backoff_max_secs: f64,
}

/// Most threads `[worker] threads` may ask for.
const MAX_THREADS: usize = 1024;

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            concurrency: 200,
            threads: 0,
            connect_timeout_secs: 10,
            retry_attempts: 3,
            retry_backoff_secs: 1.0,
            retry_backoff_max_secs: 30.0,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RedactionConfig {
    /// Hide secrets in stored configurations (the driver's redaction, then
    /// the patterns below). Connection logs, job logs and error messages
    /// are always redacted.
    pub configs: bool,
    /// On a line naming one of these words (any case), everything after
    /// the word is hidden.
    pub keywords: Vec<String>,
    /// Regular expressions; every match is hidden.
    pub patterns: Vec<String>,
}

impl Default for RedactionConfig {
    fn default() -> Self {
        RedactionConfig {
            configs: true,
            keywords: ["password", "secret", "community", "passphrase", "psk"]
                .map(String::from)
                .to_vec(),
            patterns: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LoggingConfig {
    /// error, warn, info, debug or trace (or a tracing filter).
    pub level: String,
    /// `text` or `json`.
    pub format: String,
    /// Store each device's redacted session transcript in connection_logs.
    pub connection_logs: bool,
}

impl Default for LoggingConfig {
    fn default() -> Self {
        LoggingConfig {
            level: "warn".into(),
            format: "text".into(),
            connection_logs: true,
        }
    }
}

/// Sections an environment variable `NETRAVEN_<SECTION>_<KEY>` may set.
const SECTIONS: &[&str] = &[
    "runtime",
    "worker",
    "database",
    "credentials",
    "git",
    "metrics",
    "netbox",
    "queue",
    "redaction",
    "logging",
];

/// Why a settings file, an environment override or a value was refused.
/// Each names the file, the variable or the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read: {cause}", path.display())]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// Not TOML, or an unknown key; `message` names the line.
    #[error("{}{message}", path.as_ref().map(|p| format!("{}: ", p.display())).unwrap_or_default())]
    Parse {
        path: Option<PathBuf>,
        message: String,
    },
    /// A `NETRAVEN_<SECTION>_<KEY>` variable that does not fit (`variable`
    /// is `None` when only the merged result is at fault).
    #[error("environment{}: {message}", variable.as_ref().map(|v| format!(" {v}")).unwrap_or_default())]
    Environment {
        variable: Option<String>,
        message: String,
    },
    /// A value out of range: `setting` is `[section] key = value`.
    #[error("{setting}: {problem}")]
    Setting { setting: String, problem: String },
    #[error(transparent)]
    Runtime(#[from] netraven_sandbox::RuntimeError),
    #[error(transparent)]
    Database(#[from] netraven_store::ConfigError),
}

impl Config {
    /// Load `path`; with no path, the default file if it exists, else the
    /// built-in defaults.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => {
                let default = PathBuf::from(DEFAULT_CONFIG);
                if !default.exists() {
                    return Ok(Config::default());
                }
                default
            }
        };
        let text = std::fs::read_to_string(&path).map_err(|cause| ConfigError::Read {
            path: path.clone(),
            cause,
        })?;
        let mut config = Config::parse(&text).map_err(|e| match e {
            ConfigError::Parse { message, .. } => ConfigError::Parse {
                path: Some(path.clone()),
                message,
            },
            other => other,
        })?;
        // The drivers lock lives beside the settings it goes with.
        if config.runtime.lock_file.is_none() {
            let folder = path.parent().unwrap_or(Path::new(""));
            config.runtime.lock_file = Some(folder.join("drivers.lock"));
        }
        Ok(config)
    }

    /// [`Config::load`], then `NETRAVEN_<SECTION>_<KEY>` environment
    /// variables over it, then [`Config::validate`].
    pub fn load_with_env(path: Option<&Path>) -> Result<Config, ConfigError> {
        let base = Config::load(path)?;
        let config = base.with_env(std::env::vars())?;
        config.validate()?;
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: None,
            message: toml_error(text, &e),
        })
    }

    /// Apply `NETRAVEN_<SECTION>_<KEY>=value` overrides. Values are read as
    /// TOML (`200`, `true`, `["a", "b"]`), else taken as a string. A
    /// variable naming a known section but an unknown key is an error.
    pub(crate) fn with_env(
        &self,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut overrides = toml::Table::new();
        for (name, raw) in vars {
            let Some(rest) = name.strip_prefix("NETRAVEN_") else {
                continue;
            };
            let rest = rest.to_ascii_lowercase();
            let Some((section, key)) = SECTIONS.iter().find_map(|s| {
                rest.strip_prefix(s)
                    .and_then(|k| k.strip_prefix('_'))
                    .map(|k| (*s, k.to_string()))
            }) else {
                continue;
            };
            let value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or(toml::Value::String(raw));
            let table = overrides
                .entry(section)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(t) = table {
                t.insert(key, value);
            }
        }
        if overrides.is_empty() {
            return Ok(self.clone());
        }
        // Validate the overrides alone first, so an unknown key is named as
        // the variable that set it.
        for (section, keys) in &overrides {
            let Some(keys) = keys.as_table() else {
                continue;
            };
            for (key, value) in keys {
                let mut inner = toml::Table::new();
                inner.insert(key.clone(), value.clone());
                let mut one = toml::Table::new();
                one.insert(section.clone(), toml::Value::Table(inner));
                if let Err(e) = toml::Value::Table(one).try_into::<Config>() {
                    return Err(ConfigError::Environment {
                        variable: Some(format!(
                            "NETRAVEN_{}_{}",
                            section.to_ascii_uppercase(),
                            key.to_ascii_uppercase()
                        )),
                        message: one_line(e.message()),
                    });
                }
            }
        }
        let mut merged = self.as_table()?;
        for (section, keys) in overrides {
            let slot = merged
                .entry(section)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let (toml::Value::Table(into), toml::Value::Table(keys)) = (slot, keys) {
                into.extend(keys);
            }
        }
        toml::Value::Table(merged)
            .try_into::<Config>()
            .map_err(|e| ConfigError::Environment {
                variable: None,
                message: e.message().trim().to_string(),
            })
    }

    fn as_table(&self) -> Result<toml::Table, ConfigError> {
        // The inverse of parsing, every section (tables and arrays of
        // tables alike), for the merge above.
        toml::Table::try_from(self).map_err(|e| setting("the settings", e))
    }

    /// Reject values that cannot work, naming the key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.runtime.validate()?;
        self.worker.validate()?;
        self.database.validate()?;
        if self.git.batch == 0 {
            return Err(setting("[git] batch = 0", "must be at least 1"));
        }
        let q = &self.queue;
        if !matches!(q.use_workers.as_str(), "auto" | "always" | "never") {
            return Err(setting(
                format!("[queue] use_workers = {:?}", q.use_workers),
                "must be auto, always or never",
            ));
        }
        if !(q.lease_secs >= 1.0 && q.lease_secs <= 3600.0) {
            return Err(setting(
                format!("[queue] lease_secs = {}", q.lease_secs),
                "must be 1 to 3600",
            ));
        }
        if !(q.poll_secs >= 0.1 && q.poll_secs <= 600.0) {
            return Err(setting(
                format!("[queue] poll_secs = {}", q.poll_secs),
                "must be 0.1 to 600",
            ));
        }
        if !(1..=10_000).contains(&q.claim_batch) {
            return Err(setting(
                format!("[queue] claim_batch = {}", q.claim_batch),
                "must be 1 to 10000",
            ));
        }
        for (i, p) in self.redaction.patterns.iter().enumerate() {
            regex::Regex::new(p).map_err(|e| {
                setting(
                    format!("[redaction] patterns[{i}]"),
                    format!("not a regular expression: {}", one_line(&e.to_string())),
                )
            })?;
        }
        if !matches!(self.logging.format.as_str(), "text" | "json") {
            return Err(setting(
                format!("[logging] format = {:?}", self.logging.format),
                "must be text or json",
            ));
        }
        tracing_subscriber::EnvFilter::try_new(&self.logging.level)
            .map_err(|e| setting(format!("[logging] level = {:?}", self.logging.level), e))?;
        let mut names = std::collections::HashSet::new();
        for (index, remote) in self.git.remotes.iter().enumerate() {
            if let Some(problem) = remote.problem() {
                return Err(setting(format!("[[git.remotes]] #{}", index + 1), problem));
            }
            if !names.insert(remote.name.as_str()) {
                return Err(setting(
                    format!("[[git.remotes]] #{} name = {:?}", index + 1, remote.name),
                    "is used by another remote",
                ));
            }
        }
        for (index, hook) in self.hooks.iter().enumerate() {
            let at = |key: &str, value: String| format!("[[hooks]] #{} {key} = {value}", index + 1);
            if hook
                .command
                .first()
                .is_none_or(|program| program.is_empty())
            {
                return Err(setting(
                    at("command", format!("{:?}", hook.command)),
                    "must name a program, then its arguments: [\"/usr/local/bin/notify\", \"--to\", \"netops\"]",
                ));
            }
            if !(hook.timeout_secs > 0.0 && hook.timeout_secs <= 3600.0) {
                return Err(setting(
                    at("timeout_secs", hook.timeout_secs.to_string()),
                    "must be a number of seconds above 0, at most 3600",
                ));
            }
            if hook.events.is_empty() {
                return Err(setting(
                    at("events", "[]".into()),
                    "must list device_changed, device_failed or job_finished",
                ));
            }
        }
        Ok(())
    }
}

impl WorkerConfig {
    /// Reject values that cannot work, naming the key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let w = self;
        if !(1..=100_000).contains(&w.concurrency) {
            return Err(setting(
                format!("[worker] concurrency = {}", w.concurrency),
                "must be 1 to 100000",
            ));
        }
        if w.threads > MAX_THREADS {
            return Err(setting(
                format!("[worker] threads = {}", w.threads),
                format!("must be 0 (one per CPU core) to {MAX_THREADS}"),
            ));
        }
        if w.connect_timeout_secs == 0 {
            return Err(setting(
                "[worker] connect_timeout_secs = 0",
                "must be at least 1",
            ));
        }
        if !(1..=20).contains(&w.retry_attempts) {
            return Err(setting(
                format!("[worker] retry_attempts = {}", w.retry_attempts),
                "must be 1 to 20",
            ));
        }
        if !(0.0..=3600.0).contains(&w.retry_backoff_max_secs) {
            return Err(setting(
                format!(
                    "[worker] retry_backoff_max_secs = {}",
                    w.retry_backoff_max_secs
                ),
                "must be 0 to 3600",
            ));
        }
        if !(w.retry_backoff_secs >= 0.0 && w.retry_backoff_secs <= w.retry_backoff_max_secs) {
            return Err(setting(
                format!("[worker] retry_backoff_secs = {}", w.retry_backoff_secs),
                format!(
                    "must be 0 to retry_backoff_max_secs ({})",
                    w.retry_backoff_max_secs
                ),
            ));
        }
        Ok(())
    }
}

fn setting(setting: impl Into<String>, problem: impl std::fmt::Display) -> ConfigError {
    ConfigError::Setting {
        setting: setting.into(),
        problem: problem.to_string(),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_dev_config_parses_to_the_defaults() {
        let text = include_str!("../../../config/environments/dev.toml");
        assert_eq!(Config::parse(text).unwrap(), Config::default());
    }

    #[test]
    fn impossible_limits_are_refused_naming_the_key() {
        let config = Config::parse("[runtime]\nmemory_mib = 0\n").unwrap();
        let err = config.runtime.validate().unwrap_err();
        assert!(
            matches!(
                err,
                netraven_sandbox::RuntimeError::Setting {
                    key: "memory_mib",
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "[runtime] memory_mib = 0: must be 1 to 4096"
        );
        let config = Config::parse("[runtime]\ndeadline_secs = 99999999999\n").unwrap();
        assert!(matches!(
            config.validate(),
            Err(ConfigError::Runtime(
                netraven_sandbox::RuntimeError::Setting {
                    key: "deadline_secs",
                    ..
                }
            ))
        ));
        let config = Config::parse("[worker]\nthreads = 1025\n").unwrap();
        let err = config.validate().unwrap_err();
        assert!(
            matches!(&err, ConfigError::Setting { setting, .. } if setting == "[worker] threads = 1025"),
            "{err}"
        );
        let config = Config::parse("[worker]\nthreads = 1024\n").unwrap();
        assert!(config.validate().is_ok());
        let config = Config::parse("[database]\nurl = \"mysql://x\"\n").unwrap();
        assert!(matches!(config.validate(), Err(ConfigError::Database(_))));
    }

    #[test]
    fn environment_variables_override_keys_and_unknown_ones_are_named() {
        let base = Config::parse("[worker]\nconcurrency = 10\n").unwrap();
        let vars = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let c = base
            .with_env(vars(&[
                ("NETRAVEN_WORKER_CONCURRENCY", "500"),
                ("NETRAVEN_DATABASE_URL", "postgres://root@127.0.0.1:5432/x"),
                ("NETRAVEN_GIT_SIGNIFICANT", "true"),
                ("NETRAVEN_REDACTION_PATTERNS", "[\"CANARY-\\\\d+\"]"),
                ("NETRAVEN_CONFIG", "ignored.toml"),
                ("PATH", "/bin"),
            ]))
            .unwrap();
        assert_eq!(c.worker.concurrency, 500);
        assert_eq!(c.database.url, "postgres://root@127.0.0.1:5432/x");
        assert!(c.git.significant);
        assert_eq!(c.redaction.patterns, [r"CANARY-\d+"]);
        // Keys the environment does not name keep the file's values.
        assert_eq!(c.worker.retry_attempts, 3);
        let threads = base
            .with_env(vars(&[("NETRAVEN_WORKER_THREADS", "4")]))
            .unwrap();
        assert_eq!(threads.worker.threads, 4);
        let err = base
            .with_env(vars(&[("NETRAVEN_WORKER_THREAD_POOL_SIZE", "4")]))
            .unwrap_err();
        assert!(
            matches!(&err, ConfigError::Environment { variable: Some(v), message }
                if v == "NETRAVEN_WORKER_THREAD_POOL_SIZE" && message.contains("thread_pool_size")),
            "{err}"
        );
        let err = base
            .with_env(vars(&[("NETRAVEN_WORKER_CONCURRENCY", "many")]))
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("environment NETRAVEN_WORKER_CONCURRENCY: "),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = Config::parse("[runtime]\nmemory_mib = 32\nmax_instancez = 5\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("line 3:"), "{err}");
        assert!(err.contains("max_instancez"), "{err}");
    }
}
