//! The `[database]` and `[credentials]` settings, with their defaults and
//! the checks that name a value that cannot work.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::{Backend, display_url};

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

impl DatabaseConfig {
    /// Reject settings that cannot work, naming the key. The URL in the
    /// message has its password masked ([`display_url`]).
    pub fn validate(&self) -> std::result::Result<(), ConfigError> {
        if Backend::of(&self.url).is_none() {
            return Err(ConfigError::UnsupportedUrl {
                url: display_url(&self.url),
            });
        }
        if self.max_connections == 0 {
            return Err(ConfigError::NoConnections);
        }
        Ok(())
    }
}

/// A `[database]` setting that cannot work; see [`DatabaseConfig::validate`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `url` is neither SQLite nor PostgreSQL. Holds the URL as shown, with
    /// any password masked.
    #[error("[database] url = {url:?}: must start with sqlite:, postgres:// or postgresql://")]
    UnsupportedUrl { url: String },
    #[error("[database] max_connections = 0: must be at least 1")]
    NoConnections,
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
