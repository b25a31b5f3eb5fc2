//! The driver session contract over SSH: a PTY shell for shell drivers,
//! carried by the shared [`Terminal`], and one exec channel per command (or
//! an SCP transfer) for exec drivers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use netraven_driver_sdk::harness::engine::device_text;
use netraven_driver_sdk::{Mode, Secret, SessionError};
use russh::client::Msg;
use russh::{Channel, ChannelMsg};

use netraven_session::redact::mask_keywords;
use netraven_session::{DeviceFailure, DeviceSession, ErrorClass, Recorder, Secret as SecretValue};

use super::Connection;
use crate::terminal::{Pipe, Settings, Terminal};

/// Largest exec output or fetched file.
pub(crate) const MAX_EXEC_OUTPUT: usize = 64 << 20;

pub struct SshSession {
    conn: Option<Arc<Connection>>,
    mode: Mode,
    term: Terminal,
}

fn tail(bytes: &[u8], n: usize) -> &[u8] {
    &bytes[bytes.len().saturating_sub(n)..]
}

/// A PTY shell channel as the terminal's byte stream.
struct Shell {
    channel: Channel<Msg>,
    conn: Arc<Connection>,
}

#[async_trait::async_trait]
impl Pipe for Shell {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.channel.data(bytes).await.map_err(|e| e.to_string())
    }

    async fn recv(&mut self) -> Option<Vec<u8>> {
        loop {
            match self.channel.wait().await {
                Some(ChannelMsg::Data { data }) | Some(ChannelMsg::ExtendedData { data, .. }) => {
                    return Some(data.to_vec());
                }
                Some(ChannelMsg::Eof | ChannelMsg::Close) | None => return None,
                Some(_) => {}
            }
        }
    }

    async fn keepalive(&mut self) {
        self.conn.keepalive().await;
    }

    async fn shutdown(&mut self) {
        let _ = self.channel.eof().await;
        let _ = self.channel.close().await;
    }
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
        let conn = Arc::new(conn);
        let pipe: Option<Box<dyn Pipe>> = match mode {
            Mode::Shell => {
                let budget = deadline.saturating_duration_since(Instant::now());
                let channel = tokio::time::timeout(budget, conn.open_shell())
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
                Some(Box::new(Shell {
                    channel,
                    conn: conn.clone(),
                }))
            }
            Mode::Exec => None,
        };
        let term = Terminal::new(
            pipe,
            Settings {
                prompt: prompt.to_string(),
                password,
                enable,
                read_timeout,
                keepalive: conn.keepalive,
                deadline,
            },
        )?;
        Ok(SshSession {
            conn: Some(conn),
            mode,
            term,
        })
    }

    /// End the session without ever hanging: EOF and close on the shell,
    /// then a disconnect, each bounded; devices that ignore `exit` or never
    /// answer are simply dropped.
    pub async fn close(mut self) {
        self.term.shutdown(super::DISCONNECT_GRACE).await;
        if let Some(conn) = self.conn.take().and_then(|c| Arc::try_unwrap(c).ok()) {
            conn.close().await;
        }
    }

    /// Keep a raw recording of the session (`netraven driver record`).
    pub fn record(&mut self) {
        self.term.recorder = Some(Recorder::default());
    }

    /// Run `work` on the connection (outside the shell), bounded by the read
    /// timeout and the device deadline; `what` names it in the timeout.
    async fn on_connection<T>(
        &mut self,
        timeout: Option<Duration>,
        what: &str,
        work: impl AsyncFnOnce(&Connection) -> Result<T, SessionError>,
    ) -> Result<T, SessionError> {
        let limit = self.term.limit(timeout);
        let conn = self
            .conn
            .clone()
            .ok_or_else(|| SessionError::Closed("the connection is closed".into()))?;
        let budget = limit.saturating_duration_since(Instant::now());
        tokio::time::timeout(budget, work(&conn))
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
        self.term.engine.set_prompt(regex)
    }

    fn on_pattern(&mut self, regex: &str, reply: &str) -> Result<(), SessionError> {
        self.term.engine.add_pattern(regex, reply)
    }

    fn clear_patterns(&mut self) {
        self.term.engine.clear_patterns()
    }

    fn set_newline(&mut self, newline: &str) {
        self.term.set_newline(newline);
    }

    fn strip_ansi(&mut self, on: bool) {
        self.term.engine.set_strip_ansi(on)
    }

    async fn command(
        &mut self,
        line: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        if self.mode == Mode::Exec {
            return self.exec(line, timeout).await;
        }
        self.term.command(line, timeout).await
    }

    async fn send(&mut self, text: &str) -> Result<(), SessionError> {
        self.term.send(text).await
    }

    async fn send_secret(&mut self, which: Secret) -> Result<(), SessionError> {
        self.term.send_secret(which).await
    }

    async fn read_until(
        &mut self,
        regex: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        self.term.read_until(regex, timeout).await
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
        if let Some(r) = &mut self.term.recorder {
            r.exchange(format!("{line}\n").as_bytes(), &out.stdout);
        }
        Ok(device_text(self.term.engine.clean(out.stdout)))
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
        if let Some(r) = &mut self.term.recorder {
            r.exchange(path.as_bytes(), &bytes);
        }
        Ok(device_text(bytes))
    }

    fn take_recording(&mut self) -> Option<Recorder> {
        self.term.recorder.take()
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
