//! The driver session contract over any byte stream to a device's command
//! line: an SSH shell channel or a telnet connection. It runs the same
//! sans-IO [`PromptEngine`] as the replay harness, so a driver behaves the
//! same on a device as on a recording, whatever carries the bytes:
//! - prompt matching looks only at the unread tail of the output;
//! - ANSI clean-up and pager answers as the driver asked;
//! - every wait is bounded by the read timeout (the driver's, or the
//!   device's default) and never outlives the device deadline;
//! - the bytes sent are exactly the driver's, in its newline style (a
//!   transport may frame them, as telnet does its line endings).

use std::time::{Duration, Instant};

use netraven_driver_sdk::harness::engine::{MAX_ANSWERS, PromptEngine, Step, compile, device_text};
use netraven_driver_sdk::{Secret, SessionError};
use regex::bytes::Regex;

use netraven_session::redact::mask_keywords;
use netraven_session::{DeviceFailure, ErrorClass, Recorder, Secret as SecretValue};

/// Most output held while waiting for one match: an endless stream fails
/// instead of filling memory.
pub(crate) const MAX_PENDING: usize = 64 << 20;

/// A byte stream to a device's command line.
#[async_trait::async_trait]
pub(crate) trait Pipe: Send {
    /// Send `bytes` as the device should read them.
    async fn send(&mut self, bytes: &[u8]) -> Result<(), String>;
    /// The next bytes the device sent (never empty); `None` once it closed.
    /// Cancel-safe: a wait cut short by a timeout loses nothing.
    async fn recv(&mut self) -> Option<Vec<u8>>;
    /// Keep an idle connection open (firewalls drop silent sessions).
    async fn keepalive(&mut self);
    /// End the stream politely; the caller bounds how long it may take.
    async fn shutdown(&mut self);
}

/// Where a session stands with its device, shared by every transport.
pub(crate) struct Terminal {
    /// `None` once the device closed, or for an exec-mode SSH session.
    pipe: Option<Box<dyn Pipe>>,
    pub(crate) engine: PromptEngine,
    newline: String,
    password: SecretValue,
    enable: SecretValue,
    read_timeout: Duration,
    pub(crate) deadline: Instant,
    keepalive: Duration,
    pub(crate) recorder: Option<Recorder>,
}

/// The last 200 characters the device sent, quoted for an error message,
/// with the host's keyword masking: no driver has redacted this text, and
/// error messages must not carry secrets. Masking starts at a line start,
/// so a keyword just before the cut still hides what follows it.
pub(crate) fn quoted_tail(got: &[u8]) -> String {
    const SHOWN: usize = 200;
    let from = got.len().saturating_sub(SHOWN);
    let line_start = got[..from]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let masked = mask_keywords(&String::from_utf8_lossy(&got[line_start..]));
    let skip = masked.chars().count().saturating_sub(SHOWN);
    let kept: String = masked.chars().skip(skip).collect();
    format!("{kept:?}")
}

/// What a session needs to know about its device and driver.
pub(crate) struct Settings {
    pub prompt: String,
    pub password: Option<SecretValue>,
    pub enable: Option<SecretValue>,
    pub read_timeout: Duration,
    pub keepalive: Duration,
    pub deadline: Instant,
}

impl Terminal {
    pub(crate) fn new(
        pipe: Option<Box<dyn Pipe>>,
        settings: Settings,
    ) -> Result<Self, DeviceFailure> {
        let engine = PromptEngine::new(&settings.prompt).map_err(|e| {
            DeviceFailure::new(ErrorClass::DriverError, format!("driver prompt: {e}"))
        })?;
        Ok(Terminal {
            pipe,
            engine,
            newline: "\n".to_string(),
            password: settings.password.unwrap_or_default(),
            enable: settings.enable.unwrap_or_default(),
            read_timeout: settings.read_timeout,
            deadline: settings.deadline,
            keepalive: settings.keepalive,
            recorder: None,
        })
    }

    pub(crate) fn password(&self) -> &SecretValue {
        &self.password
    }

    pub(crate) fn set_newline(&mut self, newline: &str) {
        self.newline = newline.to_string();
    }

    /// The instant a wait of `timeout` (or the default) must end by.
    pub(crate) fn limit(&self, timeout: Option<Duration>) -> Instant {
        let wanted = Instant::now() + self.idle(timeout);
        wanted.min(self.deadline)
    }

    pub(crate) fn idle(&self, timeout: Option<Duration>) -> Duration {
        timeout.unwrap_or(self.read_timeout)
    }

    /// End the stream politely within `grace`, whatever the device does.
    pub(crate) async fn shutdown(&mut self, grace: Duration) {
        if let Some(mut pipe) = self.pipe.take() {
            let _ = tokio::time::timeout(grace, pipe.shutdown()).await;
        }
    }

    pub(crate) async fn write(&mut self, bytes: &[u8], limit: Instant) -> Result<(), SessionError> {
        let pipe = self.pipe.as_mut().ok_or_else(|| {
            SessionError::Unsupported("send on an exec-mode session; use exec".into())
        })?;
        let budget = limit.saturating_duration_since(Instant::now());
        match tokio::time::timeout(budget, pipe.send(bytes)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(SessionError::Closed(format!("cannot send: {e}"))),
            Err(_) => Err(SessionError::Timeout(format!(
                "the device did not take {} bytes of input within {:.1}s",
                bytes.len(),
                budget.as_secs_f64()
            ))),
        }
    }

    /// Read until `target` matches at the end of the output. Each read may
    /// wait `idle` for the device to send something (a slow device that
    /// keeps talking is fine); the device deadline bounds the whole wait.
    pub(crate) async fn wait_for(
        &mut self,
        target: &Regex,
        waiting_for: &str,
        idle: Duration,
    ) -> Result<String, SessionError> {
        let started = Instant::now();
        let mut answers = 0;
        loop {
            match self.engine.step(target) {
                Step::Done(bytes) => return Ok(device_text(bytes)),
                Step::Send(reply) => {
                    answers += 1;
                    if answers > MAX_ANSWERS {
                        self.engine.take_pending();
                        return Err(SessionError::Timeout(format!(
                            "{waiting_for} never came: the device paged {MAX_ANSWERS} times"
                        )));
                    }
                    if let Some(r) = &mut self.recorder {
                        r.input(&reply);
                    }
                    let limit = (Instant::now() + idle).min(self.deadline);
                    self.write(&reply, limit).await?;
                }
                Step::NeedMore => self.read_more(waiting_for, started, idle).await?,
            }
        }
    }

    /// Wait for the next bytes from the device, sending keepalives while
    /// it is silent.
    async fn read_more(
        &mut self,
        waiting_for: &str,
        started: Instant,
        idle: Duration,
    ) -> Result<(), SessionError> {
        let limit = (Instant::now() + idle).min(self.deadline);
        loop {
            let now = Instant::now();
            if now >= limit {
                let got = self.engine.take_pending();
                let why = if now >= self.deadline {
                    format!(
                        "the device deadline passed after {:.1}s of waiting",
                        (now - started).as_secs_f64()
                    )
                } else {
                    format!("the device sent nothing for {:.1}s", idle.as_secs_f64())
                };
                return Err(SessionError::Timeout(format!(
                    "{waiting_for} did not come: {why}; it last sent {}",
                    quoted_tail(&got)
                )));
            }
            let pipe = self.pipe.as_mut().ok_or_else(|| {
                SessionError::Unsupported("reading a shell on an exec-mode session".into())
            })?;
            let wait = (limit - now).min(self.keepalive);
            match tokio::time::timeout(wait, pipe.recv()).await {
                Err(_) => {
                    if Instant::now() < limit {
                        pipe.keepalive().await;
                    }
                }
                Ok(Some(data)) => {
                    if let Some(r) = &mut self.recorder {
                        r.output(&data);
                    }
                    self.engine.feed(&data);
                    if self.engine.pending().len() > MAX_PENDING {
                        let got = self.engine.take_pending();
                        return Err(SessionError::Timeout(format!(
                            "{waiting_for} never came: the device sent more than {} MiB without it, ending {}",
                            MAX_PENDING >> 20,
                            quoted_tail(&got)
                        )));
                    }
                    return Ok(());
                }
                Ok(None) => {
                    self.pipe = None;
                    let got = self.engine.take_pending();
                    return Err(SessionError::Closed(format!(
                        "while waiting for {waiting_for}; last output {}",
                        quoted_tail(&got)
                    )));
                }
            }
        }
    }

    /// Send `line` and the newline, then read until the prompt.
    pub(crate) async fn command(
        &mut self,
        line: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        let limit = self.limit(timeout);
        let input = format!("{line}{}", self.newline);
        if let Some(r) = &mut self.recorder {
            r.input(input.as_bytes());
        }
        self.write(input.as_bytes(), limit).await?;
        let prompt = self.engine.prompt().clone();
        let idle = self.idle(timeout);
        self.wait_for(&prompt, &format!("the prompt after {line:?}"), idle)
            .await
    }

    pub(crate) async fn send(&mut self, text: &str) -> Result<(), SessionError> {
        if let Some(r) = &mut self.recorder {
            r.input(text.as_bytes());
        }
        let limit = self.limit(None);
        self.write(text.as_bytes(), limit).await
    }

    pub(crate) async fn send_secret(&mut self, which: Secret) -> Result<(), SessionError> {
        let secret = match which {
            Secret::Password => self.password.expose(),
            Secret::Enable => self.enable.expose(),
        };
        let input = format!("{secret}{}", self.newline);
        if let Some(r) = &mut self.recorder {
            r.secret(which, &self.newline);
        }
        let limit = self.limit(None);
        self.write(input.as_bytes(), limit).await
    }

    pub(crate) async fn read_until(
        &mut self,
        regex: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        let target = compile(regex)?;
        let idle = self.idle(timeout);
        self.wait_for(&target, &format!("a match for {regex:?}"), idle)
            .await
    }
}
