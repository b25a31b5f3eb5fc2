//! Settings, read from a TOML file (`config/environments/dev.toml` by
//! default). Every key is documented there; an unknown key is an error
//! that names it and the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::runtime::RuntimeConfig;

/// The file used when neither `--config` nor `NETRAVEN_CONFIG` is given.
pub const DEFAULT_CONFIG: &str = "config/environments/dev.toml";

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The driver sandbox: where drivers live, limits and deadlines.
    pub runtime: RuntimeConfig,
}

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

    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| toml_error(text, &e))
    }
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
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = Config::parse("[runtime]\nmemory_mib = 32\nmax_instancez = 5\n").unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
        assert!(err.contains("max_instancez"), "{err}");
    }
}
