//! Settings, read from a TOML file (`config/environments/dev.toml` by
//! default). Every key is documented there; an unknown key is an error
//! that names it and the file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::runtime::RuntimeConfig;

/// The file used when neither `--config` nor `NETRAVEN_CONFIG` is given.
pub const DEFAULT_CONFIG: &str = "config/environments/dev.toml";

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
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
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerConfig {
    /// Devices worked on at once.
    pub concurrency: usize,
    /// Threads the worker's event loop runs on. 1, the default, is one
    /// single-threaded loop for every device: the least CPU per device
    /// (BENCHMARKS.md, "Update: one event loop") and about a thousand simulated
    /// devices a second on one core. More is a work-stealing runtime with
    /// that many threads, for fleets one core cannot keep up with; 0 means
    /// one thread per CPU core.
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
pub const MAX_THREADS: usize = 1024;

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            concurrency: 200,
            threads: 1,
            connect_timeout_secs: 10,
            retry_attempts: 3,
            retry_backoff_secs: 1.0,
            retry_backoff_max_secs: 30.0,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` or `postgres://USER@HOST:PORT/DB`.
    pub url: String,
    /// Connections in the pool.
    pub max_connections: u32,
    /// Seconds to wait for a connection before giving up.
    pub connect_timeout_secs: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: "sqlite://data/netraven.db".into(),
            max_connections: 8,
            connect_timeout_secs: 5,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CredentialsConfig {
    /// File holding the 32-byte key as 64 hex digits. `NETRAVEN_SECRET_KEY`
    /// (64 hex digits) wins over it. Created, mode 0600, the first time a
    /// credential is stored when neither exists.
    pub key_file: PathBuf,
}

impl Default for CredentialsConfig {
    fn default() -> Self {
        CredentialsConfig {
            key_file: PathBuf::from("data/secret.key"),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct GitConfig {
    /// Bare repository holding one file per device, `<group>/<name>`.
    pub repository: PathBuf,
    pub author_name: String,
    pub author_email: String,
    /// Do not commit a change that only touches lines the driver calls
    /// volatile (its `significant` view is unchanged).
    pub significant: bool,
    /// Most changed configurations in one commit.
    pub batch: usize,
}

impl Default for GitConfig {
    fn default() -> Self {
        GitConfig {
            repository: PathBuf::from("data/configs.git"),
            author_name: "NetRaven".into(),
            author_email: "netraven@localhost".into(),
            significant: false,
            batch: 500,
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
    "redaction",
    "logging",
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
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
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        Config::parse(&text).map_err(|message| ConfigError::Parse { path, message })
    }

    /// [`Config::load`], then `NETRAVEN_<SECTION>_<KEY>` environment
    /// variables over it, then [`Config::validate`].
    pub fn load_with_env(path: Option<&Path>) -> Result<Config, String> {
        let base = Config::load(path).map_err(|e| e.to_string())?;
        let config = base.with_env(std::env::vars())?;
        config.validate()?;
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| toml_error(text, &e))
    }

    /// Apply `NETRAVEN_<SECTION>_<KEY>=value` overrides. Values are read as
    /// TOML (`200`, `true`, `["a", "b"]`), else taken as a string. A
    /// variable naming a known section but an unknown key is an error.
    pub fn with_env(
        &self,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, String> {
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
                    return Err(format!(
                        "environment NETRAVEN_{}_{}: {}",
                        section.to_ascii_uppercase(),
                        key.to_ascii_uppercase(),
                        one_line(e.message())
                    ));
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
            .map_err(|e| format!("environment: {}", e.message().trim()))
    }

    fn as_table(&self) -> Result<toml::Table, String> {
        // The inverse of parsing, section by section, for the merge above.
        let mut t = toml::Table::new();
        let mut section = |name: &str, v: Result<toml::Table, toml::ser::Error>| {
            v.map(|v| {
                t.insert(name.to_string(), toml::Value::Table(v));
            })
            .map_err(|e| format!("[{name}]: {e}"))
        };
        section("runtime", toml::Table::try_from(&self.runtime))?;
        section("worker", toml::Table::try_from(&self.worker))?;
        section("database", toml::Table::try_from(&self.database))?;
        section("credentials", toml::Table::try_from(&self.credentials))?;
        section("git", toml::Table::try_from(&self.git))?;
        section("redaction", toml::Table::try_from(&self.redaction))?;
        section("logging", toml::Table::try_from(&self.logging))?;
        Ok(t)
    }

    /// Reject values that cannot work, naming the key.
    pub fn validate(&self) -> Result<(), String> {
        self.runtime.validate()?;
        let w = &self.worker;
        if !(1..=100_000).contains(&w.concurrency) {
            return Err(format!(
                "[worker] concurrency = {}: must be 1 to 100000",
                w.concurrency
            ));
        }
        if w.threads > MAX_THREADS {
            return Err(format!(
                "[worker] threads = {}: must be 0 (one per CPU core) to {MAX_THREADS}",
                w.threads
            ));
        }
        if w.connect_timeout_secs == 0 {
            return Err("[worker] connect_timeout_secs = 0: must be at least 1".into());
        }
        if !(1..=20).contains(&w.retry_attempts) {
            return Err(format!(
                "[worker] retry_attempts = {}: must be 1 to 20",
                w.retry_attempts
            ));
        }
        if !(0.0..=3600.0).contains(&w.retry_backoff_max_secs) {
            return Err(format!(
                "[worker] retry_backoff_max_secs = {}: must be 0 to 3600",
                w.retry_backoff_max_secs
            ));
        }
        if !(w.retry_backoff_secs >= 0.0 && w.retry_backoff_secs <= w.retry_backoff_max_secs) {
            return Err(format!(
                "[worker] retry_backoff_secs = {}: must be 0 to retry_backoff_max_secs ({})",
                w.retry_backoff_secs, w.retry_backoff_max_secs
            ));
        }
        if !(self.database.url.starts_with("sqlite:")
            || self.database.url.starts_with("postgres://")
            || self.database.url.starts_with("postgresql://"))
        {
            return Err(format!(
                "[database] url = {:?}: must start with sqlite:, postgres:// or postgresql://",
                crate::store::display_url(&self.database.url)
            ));
        }
        if self.database.max_connections == 0 {
            return Err("[database] max_connections = 0: must be at least 1".into());
        }
        if self.git.batch == 0 {
            return Err("[git] batch = 0: must be at least 1".into());
        }
        for (i, p) in self.redaction.patterns.iter().enumerate() {
            regex::Regex::new(p).map_err(|e| {
                format!(
                    "[redaction] patterns[{i}]: not a regular expression: {}",
                    one_line(&e.to_string())
                )
            })?;
        }
        if !matches!(self.logging.format.as_str(), "text" | "json") {
            return Err(format!(
                "[logging] format = {:?}: must be text or json",
                self.logging.format
            ));
        }
        tracing_subscriber::EnvFilter::try_new(&self.logging.level)
            .map_err(|e| format!("[logging] level = {:?}: {e}", self.logging.level))?;
        Ok(())
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A TOML error as one line naming the line: "line 3: unknown field `foo`,
/// expected ...".
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().to_string();
    match e.span() {
        Some(span) => {
            let line = text[..span.start].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_dev_config_parses_to_the_defaults() {
        let text = include_str!("../../config/environments/dev.toml");
        assert_eq!(Config::parse(text).unwrap(), Config::default());
    }

    #[test]
    fn impossible_limits_are_refused_naming_the_key() {
        let config = Config::parse("[runtime]\nmemory_mib = 0\n").unwrap();
        let err = config.runtime.validate().unwrap_err();
        assert!(err.contains("memory_mib = 0"), "{err}");
        let config = Config::parse("[runtime]\ndeadline_secs = 99999999999\n").unwrap();
        assert!(
            config
                .runtime
                .validate()
                .unwrap_err()
                .contains("deadline_secs")
        );
        let config = Config::parse("[worker]\nthreads = 1025\n").unwrap();
        let err = config.validate().unwrap_err();
        assert!(err.contains("[worker] threads = 1025"), "{err}");
        let config = Config::parse("[worker]\nthreads = 1024\n").unwrap();
        assert_eq!(config.validate(), Ok(()));
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
            err.contains("NETRAVEN_WORKER_THREAD_POOL_SIZE") && err.contains("thread_pool_size"),
            "{err}"
        );
        let err = base
            .with_env(vars(&[("NETRAVEN_WORKER_CONCURRENCY", "many")]))
            .unwrap_err();
        assert!(err.contains("NETRAVEN_WORKER_CONCURRENCY"), "{err}");
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = Config::parse("[runtime]\nmemory_mib = 32\nmax_instancez = 5\n").unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
        assert!(err.contains("max_instancez"), "{err}");
    }
}
