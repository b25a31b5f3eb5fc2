//! What a driver author implements.

use std::fmt;

use crate::session::{Session, SessionError};
use crate::text;

/// How the device is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// An interactive PTY shell with prompts.
    Shell,
    /// One SSH exec channel per command, no prompt (Junos-style).
    Exec,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverInfo {
    pub name: String,
    pub version: String,
    /// Oxidized model names this driver handles.
    pub models: Vec<String>,
    /// Prompt regex used until the driver sets another.
    pub prompt: String,
    /// Prefix for commented lines, e.g. `"! "`.
    pub comment_prefix: String,
    pub mode: Mode,
}

impl DriverInfo {
    pub fn shell(name: &str, version: &str, models: &[&str], prompt: &str, comment: &str) -> Self {
        DriverInfo {
            name: name.to_string(),
            version: version.to_string(),
            models: models.iter().map(|m| m.to_string()).collect(),
            prompt: prompt.to_string(),
            comment_prefix: comment.to_string(),
            mode: Mode::Shell,
        }
    }

    pub fn exec(name: &str, version: &str, models: &[&str], prompt: &str, comment: &str) -> Self {
        DriverInfo {
            mode: Mode::Exec,
            ..DriverInfo::shell(name, version, models, prompt, comment)
        }
    }
}

/// One device as the driver sees it: never any credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Device {
    pub name: String,
    pub address: String,
    pub model: String,
    pub vars: Vec<(String, String)>,
}

impl Device {
    /// A device with these vars and defaults otherwise, for tests.
    pub fn with_vars(vars: &[(&str, &str)]) -> Device {
        Device {
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Device::default()
        }
    }

    pub fn var(&self, key: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A var read as a flag: "true", "yes", "1" and "on" are true.
    pub fn flag(&self, key: &str) -> bool {
        matches!(
            self.var(key)
                .map(|v| v.trim().to_ascii_lowercase())
                .as_deref(),
            Some("true" | "yes" | "1" | "on")
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backup {
    pub config: String,
    pub extras: Vec<(String, String)>,
}

impl Backup {
    pub fn config(config: impl Into<String>) -> Self {
        Backup {
            config: config.into(),
            extras: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    pub command: String,
    pub output: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriverError {
    Session(SessionError),
    Failed(String),
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriverError::Session(e) => e.fmt(f),
            DriverError::Failed(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for DriverError {}

impl From<SessionError> for DriverError {
    fn from(e: SessionError) -> Self {
        DriverError::Session(e)
    }
}

/// A vendor driver. Only `info` and `backup` are required.
///
/// The host calls `login` before `backup` and `run`, and `logout` after
/// them when they succeeded. Functions take no
/// `self`: a fresh instance serves each device, so state lives in locals.
pub trait Driver {
    fn info() -> DriverInfo;

    /// Bring the session to the first prompt. The default waits for the
    /// prompt from `info()` on shell devices and does nothing in exec mode.
    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        let info = Self::info();
        if info.mode == Mode::Shell {
            session.read_until(&info.prompt, None)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, device: &Device) -> Result<Backup, DriverError>;

    /// Leave the device politely once `backup` or `run` succeeded: send the
    /// vendor's `exit`, `logout` or `quit` (a device that hangs up on it is
    /// fine). A failure here is logged and does not fail the backup. The
    /// default sends nothing and lets the host close the connection.
    fn logout(_session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        Ok(())
    }

    /// Ad-hoc commands. The default sends each one and returns the output
    /// without echo and prompt (shell) or as is (exec).
    fn run(
        session: &mut dyn Session,
        _device: &Device,
        commands: &[String],
    ) -> Result<Vec<CommandOutput>, DriverError> {
        let exec = Self::info().mode == Mode::Exec;
        commands
            .iter()
            .map(|command| {
                let output = if exec {
                    session.exec(command)?
                } else {
                    text::cut_echo_and_prompt(&session.command(command)?)
                };
                Ok(CommandOutput {
                    command: command.clone(),
                    output,
                })
            })
            .collect()
    }

    /// Vendor-aware secret removal. The default changes nothing; the host's
    /// redaction patterns still apply after it.
    fn redact(config: &str) -> String {
        config.to_string()
    }

    /// The config without volatile lines, for "significant change" checks.
    fn significant(config: &str) -> String {
        config.to_string()
    }

    /// How the device asks for credentials on a terminal login (telnet),
    /// where the host answers for the driver. The default takes the usual
    /// wordings; a vendor whose device asks otherwise says so here.
    fn login_prompts() -> LoginPrompts {
        LoginPrompts::default()
    }
}

/// The prompts a device asks for a username and a password with on a
/// terminal login: driver regexes, matched at the end of the output as a
/// prompt is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginPrompts {
    pub username: String,
    pub password: String,
}

impl Default for LoginPrompts {
    /// `Username:`, `User Name:`, `User:`, `login:` and `Password:` or
    /// `Passcode:`, in any case, as Cisco-like CLIs, Unix `login` and most
    /// switches ask. A line that ends otherwise (`Last login: ...`) is not
    /// one.
    fn default() -> Self {
        LoginPrompts {
            username: r"(?i)(user ?name|login|user)\s*:\s*$".into(),
            password: r"(?i)pass(word|code)?\s*:\s*$".into(),
        }
    }
}
