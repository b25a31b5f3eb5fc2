//! What every part of the host shares about a session with one device.
//!
//! - [`DeviceSession`]: the driver session contract as a transport carries
//!   it. The sandbox drives a device through this trait; SSH implements it
//!   (`netraven-transport`), and so will telnet.
//! - [`Secret`]: a password or enable secret, which never prints.
//! - [`outcome`]: how a device ended, as a stable error class.
//! - [`record`]: a live session kept as a replayable Oxidized transcript.
//! - [`redact`]: the host's keyword masking and configured redaction.
//!
//! May use: the driver SDK (its session types and transcript format) and
//! regex. Must not use: wasm, any network stack, the database or git. Every
//! other host crate depends on this one, so it stays small.

pub mod outcome;
pub mod record;
pub mod redact;

use std::fmt;
use std::time::Duration;

use netraven_driver_sdk::SessionError;

pub use netraven_driver_sdk::Secret as SecretKind;
pub use outcome::{DeviceFailure, ErrorClass};
pub use record::Recorder;

/// A live session with one device, whatever carries it. Every call is
/// bounded by the transport's read timeout (or `timeout`, when given) and by
/// the device deadline: no call can hang.
///
/// The methods are the driver contract's session calls (`wit/driver.wit`,
/// interface `session`); the SDK documents what each means to a driver.
#[async_trait::async_trait]
pub trait DeviceSession: Send {
    fn set_prompt(&mut self, regex: &str) -> Result<(), SessionError>;
    fn on_pattern(&mut self, regex: &str, reply: &str) -> Result<(), SessionError>;
    fn clear_patterns(&mut self);
    fn set_newline(&mut self, newline: &str);
    fn strip_ansi(&mut self, on: bool);
    async fn command(
        &mut self,
        line: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError>;
    async fn send(&mut self, text: &str) -> Result<(), SessionError>;
    /// Type the password or enable secret; the driver never sees it.
    async fn send_secret(&mut self, which: SecretKind) -> Result<(), SessionError>;
    async fn read_until(
        &mut self,
        regex: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError>;
    async fn exec(&mut self, line: &str, timeout: Option<Duration>)
    -> Result<String, SessionError>;
    async fn fetch_file(
        &mut self,
        path: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError>;
    /// The recording so far, handed over (recording stops); `None` when the
    /// session was not recording.
    fn take_recording(&mut self) -> Option<Recorder>;
    /// End the session politely, never hanging.
    async fn close(self: Box<Self>);
}

/// A secret value. It never prints: `Debug` and `Display` show `***`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The value, for the one place that must type it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}
