//! The driver session contract over SSH. It runs the same sans-IO
//! [`PromptEngine`] as the replay harness, so a driver behaves the same on a
//! device as on a recording:
//! - prompt matching looks only at the unread tail of the output;
//! - ANSI clean-up and pager answers as the driver asked;
//! - every wait is bounded by the read timeout (the driver's, or the
//!   device's default) and never outlives the device deadline;
//! - the bytes sent are exactly the driver's, in its newline style.

use std::time::{Duration, Instant};

use netraven_driver_sdk::harness::engine::{MAX_ANSWERS, PromptEngine, Step, compile, device_text};
use netraven_driver_sdk::{Mode, Secret, SessionError};
use regex::bytes::Regex;
use russh::client::Msg;
use russh::{Channel, ChannelMsg};

use netraven_session::redact::mask_keywords;
use netraven_session::{DeviceFailure, DeviceSession, ErrorClass, Recorder, Secret as SecretValue};

use super::Connection;

/// Most output held while waiting for one match: an endless stream fails
/// instead of filling memory.
pub(crate) const MAX_PENDING: usize = 64 << 20;
/// Largest exec output or fetched file.
pub(crate) const MAX_EXEC_OUTPUT: usize = 64 << 20;

pub struct SshSession {
    conn: Option<Connection>,
    shell: Option<Channel<Msg>>,
    mode: Mode,
    engine: PromptEngine,
    newline: String,
    password: SecretValue,
    enable: SecretValue,
    read_timeout: Duration,
    deadline: Instant,
    recorder: Option<Recorder>,
}

fn tail(bytes: &[u8], n: usize) -> &[u8] {
    &bytes[bytes.len().saturating_sub(n)..]
}

/// The last 200 characters the device sent, quoted for an error message,
/// with the host's keyword masking: no driver has redacted this text, and
/// error messages must not carry secrets. Masking starts at a line start,
/// so a keyword just before the cut still hides what follows it.
fn quoted_tail(got: &[u8]) -> String {
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

impl SshSession {
    /// Start the session a driver of `mode` expects: a PTY shell for shell
    /// drivers, nothing yet for exec drivers (each command gets a channel).
    pub async fn open(
        conn: Connection,
        mode: Mode,
        prompt: &str,
        password: Option<SecretValue>,
        enable: Option<SecretValue>,
        read_timeout: Duration,
        deadline: Instant,
    ) -> Result<SshSession, DeviceFailure> {
        let engine = PromptEngine::new(prompt).map_err(|e| {
            DeviceFailure::new(ErrorClass::DriverError, format!("driver prompt: {e}"))
        })?;
        let shell = match mode {
            Mode::Shell => {
                let budget = deadline.saturating_duration_since(Instant::now());
                let shell = tokio::time::timeout(budget, conn.open_shell())
                    .await
                    .map_err(|_| {
                        DeviceFailure::new(
                            ErrorClass::PromptTimeout,
                            format!("{}: the device did not open a shell", conn.host),
                        )
                    })?
                    .map_err(|e| {
                        DeviceFailure::new(
                            ErrorClass::ConnectionClosed,
                            format!("{}: cannot open a shell: {e}", conn.host),
                        )
                    })?;
                Some(shell)
            }
            Mode::Exec => None,
        };
        Ok(SshSession {
            conn: Some(conn),
            shell,
            mode,
            engine,
            newline: "\n".to_string(),
            password: password.unwrap_or_default(),
            enable: enable.unwrap_or_default(),
            read_timeout,
            deadline,
            recorder: None,
        })
    }

    /// End the session without ever hanging: EOF and close on the shell,
    /// then a disconnect, each bounded; devices that ignore `exit` or never
    /// answer are simply dropped.
    pub async fn close(mut self) {
        if let Some(shell) = self.shell.take() {
            let _ = tokio::time::timeout(super::DISCONNECT_GRACE, async {
                let _ = shell.eof().await;
                let _ = shell.close().await;
            })
            .await;
        }
        if let Some(conn) = self.conn.take() {
            conn.close().await;
        }
    }

    /// Keep a raw recording of the session (`netraven driver record`).
    pub fn record(&mut self) {
        self.recorder = Some(Recorder::default());
    }

    /// The instant a wait of `timeout` (or the default) must end by.
    fn limit(&self, timeout: Option<Duration>) -> Instant {
        let wanted = Instant::now() + self.idle(timeout);
        wanted.min(self.deadline)
    }

    fn idle(&self, timeout: Option<Duration>) -> Duration {
        timeout.unwrap_or(self.read_timeout)
    }

    async fn write(&mut self, bytes: &[u8], limit: Instant) -> Result<(), SessionError> {
        let shell = self.shell.as_ref().ok_or_else(|| {
            SessionError::Unsupported("send on an exec-mode session; use exec".into())
        })?;
        let budget = limit.saturating_duration_since(Instant::now());
        match tokio::time::timeout(budget, shell.data(bytes)).await {
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
    async fn wait_for(
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

    /// Wait for the next bytes from the shell, sending keepalives while
    /// the device is silent.
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
            let shell = self.shell.as_mut().ok_or_else(|| {
                SessionError::Unsupported("reading a shell on an exec-mode session".into())
            })?;
            let keepalive = self
                .conn
                .as_ref()
                .map_or(super::KEEPALIVE_INTERVAL, |c| c.keepalive);
            let wait = (limit - now).min(keepalive);
            match tokio::time::timeout(wait, shell.wait()).await {
                Err(_) => {
                    if Instant::now() < limit
                        && let Some(conn) = &self.conn
                    {
                        conn.keepalive().await;
                    }
                }
                Ok(Some(ChannelMsg::Data { data }))
                | Ok(Some(ChannelMsg::ExtendedData { data, .. })) => {
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
                Ok(Some(ChannelMsg::Eof | ChannelMsg::Close)) | Ok(None) => {
                    self.shell = None;
                    let got = self.engine.take_pending();
                    return Err(SessionError::Closed(format!(
                        "while waiting for {waiting_for}; last output {}",
                        quoted_tail(&got)
                    )));
                }
                Ok(Some(_)) => {}
            }
        }
    }

    /// Run `work` on the connection (outside the shell), bounded by the read
    /// timeout and the device deadline; `what` names it in the timeout.
    async fn on_connection<T>(
        &self,
        timeout: Option<Duration>,
        what: &str,
        work: impl AsyncFnOnce(&Connection) -> Result<T, SessionError>,
    ) -> Result<T, SessionError> {
        let limit = self.limit(timeout);
        let conn = self
            .conn
            .as_ref()
            .ok_or_else(|| SessionError::Closed("the connection is closed".into()))?;
        let budget = limit.saturating_duration_since(Instant::now());
        tokio::time::timeout(budget, work(conn))
            .await
            .map_err(|_| {
                SessionError::Timeout(format!(
                    "{what} did not finish within {:.1}s",
                    budget.as_secs_f64()
                ))
            })?
    }
}

#[async_trait::async_trait]
impl DeviceSession for SshSession {
    fn set_prompt(&mut self, regex: &str) -> Result<(), SessionError> {
        self.engine.set_prompt(regex)
    }

    fn on_pattern(&mut self, regex: &str, reply: &str) -> Result<(), SessionError> {
        self.engine.add_pattern(regex, reply)
    }

    fn clear_patterns(&mut self) {
        self.engine.clear_patterns()
    }

    fn set_newline(&mut self, newline: &str) {
        self.newline = newline.to_string();
    }

    fn strip_ansi(&mut self, on: bool) {
        self.engine.set_strip_ansi(on)
    }

    async fn command(
        &mut self,
        line: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        if self.mode == Mode::Exec {
            return self.exec(line, timeout).await;
        }
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

    async fn send(&mut self, text: &str) -> Result<(), SessionError> {
        if let Some(r) = &mut self.recorder {
            r.input(text.as_bytes());
        }
        let limit = self.limit(None);
        self.write(text.as_bytes(), limit).await
    }

    async fn send_secret(&mut self, which: Secret) -> Result<(), SessionError> {
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

    async fn read_until(
        &mut self,
        regex: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        let target = compile(regex)?;
        let idle = self.idle(timeout);
        self.wait_for(&target, &format!("a match for {regex:?}"), idle)
            .await
    }

    async fn exec(
        &mut self,
        line: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        if self.mode != Mode::Exec {
            return Err(SessionError::Unsupported(format!(
                "exec {line:?} on a shell-mode session; use command"
            )));
        }
        let out = self
            .on_connection(timeout, &format!("{line:?}"), async |conn| {
                let mut channel = conn
                    .open_exec(line)
                    .await
                    .map_err(|e| SessionError::Closed(format!("cannot run {line:?}: {e}")))?;
                super::drain(&mut channel, MAX_EXEC_OUTPUT)
                    .await
                    .map_err(|e| SessionError::Rejected(format!("{line:?}: {e}")))
            })
            .await?;
        if out.stdout.is_empty() && out.status.is_some_and(|s| s != 0) {
            return Err(SessionError::Rejected(format!(
                "{line:?} exited with status {}: {}",
                out.status.unwrap_or_default(),
                mask_keywords(&String::from_utf8_lossy(tail(&out.stderr, 300))).trim()
            )));
        }
        if let Some(r) = &mut self.recorder {
            r.exchange(format!("{line}\n").as_bytes(), &out.stdout);
        }
        Ok(device_text(self.engine.clean(out.stdout)))
    }

    /// Fetch a file with SCP (`scp -f`), the one transfer every SSH device
    /// with file access speaks.
    async fn fetch_file(
        &mut self,
        path: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        let bytes = self
            .on_connection(timeout, &format!("fetching {path:?}"), async |conn| {
                scp_fetch(conn, path).await
            })
            .await?;
        if let Some(r) = &mut self.recorder {
            r.exchange(path.as_bytes(), &bytes);
        }
        Ok(device_text(bytes))
    }

    fn take_recording(&mut self) -> Option<Recorder> {
        self.recorder.take()
    }

    async fn close(self: Box<Self>) {
        (*self).close().await
    }
}

/// The SCP source side, seen from the receiving end.
async fn scp_fetch(conn: &Connection, path: &str) -> Result<Vec<u8>, SessionError> {
    let quoted = format!("'{}'", path.replace('\'', "'\\''"));
    let mut channel = conn
        .open_exec(&format!("scp -f {quoted}"))
        .await
        .map_err(|e| SessionError::Closed(format!("cannot start scp for {path:?}: {e}")))?;
    channel
        .data(&b"\0"[..])
        .await
        .map_err(|e| SessionError::Closed(format!("scp: {e}")))?;
    let mut buf: Vec<u8> = Vec::new();
    let mut header: Option<(usize, usize)> = None; // (start of data, length)
    while let Some(msg) = channel.wait().await {
        match msg {
            ChannelMsg::Data { data } => buf.extend_from_slice(&data),
            ChannelMsg::ExtendedData { data, .. } => {
                return Err(SessionError::Rejected(format!(
                    "scp {path:?}: {}",
                    String::from_utf8_lossy(&data).trim()
                )));
            }
            ChannelMsg::Eof | ChannelMsg::Close => break,
            _ => continue,
        }
        if header.is_none() {
            if let Some(&first) = buf.first()
                && (first == 1 || first == 2)
                && let Some(end) = buf.iter().position(|&b| b == b'\n')
            {
                return Err(SessionError::Rejected(format!(
                    "scp {path:?}: {}",
                    String::from_utf8_lossy(&buf[1..end]).trim()
                )));
            }
            let Some(end) = buf.iter().position(|&b| b == b'\n') else {
                continue;
            };
            let line = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len = line
                .strip_prefix('C')
                .and_then(|rest| rest.split(' ').nth(1))
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| {
                    SessionError::Rejected(format!("scp {path:?}: unexpected header {line:?}"))
                })?;
            if len > MAX_EXEC_OUTPUT {
                return Err(SessionError::Rejected(format!(
                    "scp {path:?}: {len} bytes is over the {} MiB limit",
                    MAX_EXEC_OUTPUT >> 20
                )));
            }
            header = Some((end + 1, len));
            channel
                .data(&b"\0"[..])
                .await
                .map_err(|e| SessionError::Closed(format!("scp: {e}")))?;
        }
        if let Some((start, len)) = header
            && buf.len() > start + len
        {
            let content = buf[start..start + len].to_vec();
            let _ = channel.data(&b"\0"[..]).await;
            let _ = channel.eof().await;
            return Ok(content);
        }
    }
    Err(SessionError::Closed(format!(
        "scp {path:?}: the device closed the transfer early"
    )))
}
