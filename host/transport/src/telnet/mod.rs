//! Telnet to devices: directly over TCP, or through SSH jump hosts (a
//! `direct-tcpip` channel from the last one, as for out-of-band networks).
//! [`codec`] speaks the protocol; [`TelnetSession`] carries the driver
//! session contract over it with the same [`Terminal`] as SSH, so drivers
//! run unchanged.
//!
//! Telnet has no authentication of its own: the device asks for a username
//! and a password in the stream. The host answers those prompts
//! ([`login`]) before the driver runs, so a driver never sees the
//! credentials; a device that asks again, or hangs up after the password,
//! refused them (`auth_failed`). What the host types crosses the network
//! in clear, which is why telnet is used only where it is configured.
//!
//! Every step is bounded: the TCP connect by the target's connect timeout,
//! the login and every read by the read timeout, all by the device deadline.

pub mod codec;

use std::sync::Arc;
use std::time::{Duration, Instant};

use netraven_driver_sdk::harness::engine::compile;
use netraven_driver_sdk::{Secret, SessionError};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use netraven_session::{DeviceFailure, DeviceSession, ErrorClass, Recorder};

use crate::ssh::{self, HostKeyStore, Target};
use crate::terminal::{Pipe, Settings, Terminal};
use codec::Codec;

/// The telnet port.
pub const DEFAULT_PORT: u16 = 23;

/// The prompts a device asks for credentials with: what its driver
/// declares (`Driver::login_prompts`), the SDK's defaults otherwise.
pub use netraven_driver_sdk::LoginPrompts;

/// A byte stream a telnet connection runs over.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<S: AsyncRead + AsyncWrite + Unpin + Send> Stream for S {}

/// One telnet connection as the terminal's byte stream.
struct Telnet {
    io: Box<dyn Stream>,
    codec: Codec,
    buf: Vec<u8>,
    /// The jump hosts the connection runs through, closed with it.
    hops: Option<ssh::JumpHosts>,
}

impl Telnet {
    async fn answer(&mut self, replies: &[u8]) {
        if !replies.is_empty() {
            let _ = self.io.write_all(replies).await;
            let _ = self.io.flush().await;
        }
    }
}

#[async_trait::async_trait]
impl Pipe for Telnet {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.io
            .write_all(&codec::encode(bytes))
            .await
            .map_err(|e| e.to_string())?;
        self.io.flush().await.map_err(|e| e.to_string())
    }

    async fn recv(&mut self) -> Option<Vec<u8>> {
        loop {
            let n = self.io.read(&mut self.buf).await.ok()?;
            if n == 0 {
                return None;
            }
            let (mut data, mut replies) = (Vec::new(), Vec::new());
            self.codec.feed(&self.buf[..n], &mut data, &mut replies);
            self.answer(&replies).await;
            if !data.is_empty() {
                return Some(data);
            }
        }
    }

    async fn keepalive(&mut self) {
        self.answer(&[codec::IAC, codec::NOP]).await;
    }

    async fn shutdown(&mut self) {
        let _ = self.io.shutdown().await;
        if let Some(hops) = self.hops.take() {
            hops.close().await;
        }
    }
}

/// A driver session over telnet: shell drivers only.
pub struct TelnetSession {
    term: Terminal,
}

/// Where and how to reach the device and log in.
pub struct Login<'a> {
    pub target: &'a Target,
    pub prompts: &'a LoginPrompts,
    /// The driver's prompt: seeing it means the device let us in.
    pub prompt: &'a str,
}

impl TelnetSession {
    /// Connect to `login.target` (through its jump hosts), log in with its
    /// credentials and leave the device at its prompt for the driver, all
    /// before `deadline`.
    pub async fn open(
        login: Login<'_>,
        store: Arc<dyn HostKeyStore>,
        deadline: Instant,
    ) -> Result<TelnetSession, DeviceFailure> {
        // The connect and the tunnel reach `port`: telnet's here.
        let target = &Target {
            port: login.target.telnet_port,
            ..login.target.clone()
        };
        let (io, hops): (Box<dyn Stream>, Option<ssh::JumpHosts>) = if target.jump.is_empty() {
            (Box::new(ssh::tcp_connect(target, deadline).await?), None)
        } else {
            let (stream, hops) = ssh::tunnel(target, store, deadline).await?;
            (Box::new(stream), Some(hops))
        };
        let pipe = Telnet {
            io,
            codec: Codec::default(),
            buf: vec![0; 16 * 1024],
            hops,
        };
        let mut term = Terminal::new(
            Some(Box::new(pipe)),
            Settings {
                prompt: login.prompt.to_string(),
                password: target.password.clone(),
                enable: target.enable.clone(),
                read_timeout: target.read_timeout,
                keepalive: target.keepalive,
                deadline,
            },
        )?;
        let host = format!("{}:{}", target.address, target.port);
        if let Err(failure) = log_in(&mut term, &target.user, login.prompts, &host).await {
            term.shutdown(Duration::from_secs(1)).await;
            return Err(failure);
        }
        Ok(TelnetSession { term })
    }

    /// Keep a raw recording of the session from the prompt on (the login
    /// dialogue, with the credentials, is not part of it).
    pub fn record(&mut self) {
        let mut recorder = Recorder::default();
        recorder.output(self.term.engine.pending());
        self.term.recorder = Some(recorder);
    }

    pub async fn close(mut self) {
        self.term.shutdown(Duration::from_secs(2)).await;
    }
}

/// What the device asked for at the end of `text`.
#[derive(Debug, PartialEq, Eq)]
enum Asked {
    Username,
    Password,
    Prompt,
}

/// Answer the device's username and password prompts until it shows the
/// driver's prompt, which is left unread for the driver's own login.
async fn log_in(
    term: &mut Terminal,
    user: &str,
    prompts: &LoginPrompts,
    host: &str,
) -> Result<(), DeviceFailure> {
    let regex = |pattern: &str| {
        compile(pattern)
            .map_err(|e| DeviceFailure::new(ErrorClass::DriverError, format!("login prompt: {e}")))
    };
    let username = regex(&prompts.username)?;
    let password = regex(&prompts.password)?;
    let any = regex(&format!(
        "(?:{})|(?:{})|(?:{})",
        prompts.username,
        prompts.password,
        term.engine.prompt().as_str()
    ))?;
    let idle = term.idle(None);
    let (mut sent_user, mut sent_password) = (false, false);
    loop {
        let text = match term.wait_for(&any, "the login prompt", idle).await {
            Ok(text) => text,
            Err(SessionError::Closed(why)) if sent_password => {
                return Err(DeviceFailure::new(
                    ErrorClass::AuthFailed,
                    format!(
                        "{host}: the device hung up after the password ({why}): the login was refused"
                    ),
                ));
            }
            Err(e) => return Err(login_failure(host, e)),
        };
        let last = text
            .rsplit('\n')
            .next()
            .unwrap_or(&text)
            .trim_start_matches('\r');
        let asked = if password.is_match(last.as_bytes()) {
            Asked::Password
        } else if username.is_match(last.as_bytes()) {
            Asked::Username
        } else {
            Asked::Prompt
        };
        let refused = |what: &str| {
            DeviceFailure::new(
                ErrorClass::AuthFailed,
                format!(
                    "{host}: the device asked for the {what} again: the login was refused; it said {}",
                    crate::terminal::quoted_tail(text.as_bytes())
                ),
            )
        };
        let limit = term.limit(None);
        match asked {
            Asked::Username if sent_user || sent_password => return Err(refused("username")),
            Asked::Username => {
                sent_user = true;
                term.write(format!("{user}\n").as_bytes(), limit)
                    .await
                    .map_err(|e| login_failure(host, e))?;
            }
            Asked::Password if sent_password => return Err(refused("password")),
            Asked::Password => {
                sent_password = true;
                let typed = format!("{}\n", term.password().expose());
                term.write(typed.as_bytes(), limit)
                    .await
                    .map_err(|e| login_failure(host, e))?;
            }
            Asked::Prompt => {
                // The driver's login reads up to its prompt: give back what
                // came after the credentials, banner and prompt.
                term.engine.feed(text.as_bytes());
                return Ok(());
            }
        }
    }
}

fn login_failure(host: &str, error: SessionError) -> DeviceFailure {
    let (class, why) = match error {
        SessionError::Timeout(why) => (ErrorClass::PromptTimeout, why),
        SessionError::Closed(why) => (ErrorClass::ConnectionClosed, why),
        other => (ErrorClass::ConnectionClosed, other.to_string()),
    };
    DeviceFailure::new(class, format!("{host}: telnet login: {why}"))
}

#[async_trait::async_trait]
impl DeviceSession for TelnetSession {
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
        _timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        Err(SessionError::Unsupported(format!(
            "exec {line:?}: telnet carries one shell; an exec-mode driver needs SSH"
        )))
    }

    async fn fetch_file(
        &mut self,
        path: &str,
        _timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        Err(SessionError::Unsupported(format!(
            "fetching {path:?}: telnet has no file transfer; this driver needs SSH"
        )))
    }

    fn take_recording(&mut self) -> Option<Recorder> {
        self.term.recorder.take()
    }

    async fn close(self: Box<Self>) {
        (*self).close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssh::{Algorithms, HostKeyPolicy, MemoryHostKeys};
    use codec::{DO, ECHO, IAC, NAWS, SGA, WILL};
    use netraven_session::Secret as SecretValue;
    use tokio::net::TcpListener;

    const PROMPT: &str = r"^\r?[\w.-]+[#>]\s?$";

    fn target(port: u16, password: &str) -> Target {
        Target {
            address: "127.0.0.1".into(),
            port,
            user: "admin".into(),
            password: Some(SecretValue::new(password)),
            enable: None,
            key_file: None,
            host_key: None,
            policy: HostKeyPolicy::Tofu,
            algorithms: Algorithms::default(),
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(2),
            keepalive: Duration::from_secs(15),
            jump: Vec::new(),
            transports: vec![crate::Transport::Telnet],
            telnet_port: port,
        }
    }

    /// A switch on loopback: negotiates, asks `Username:` and `Password:`,
    /// lets in `admin`/`canary-pw-42` only, then answers `show clock`.
    async fn switch() -> (u16, tokio::task::JoinHandle<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.expect("accept");
            let mut heard = Vec::new();
            let line = async |s: &mut tokio::net::TcpStream, heard: &mut Vec<u8>| {
                let mut got = Vec::new();
                let mut b = [0u8; 1];
                while !got.ends_with(b"\r\n") && !got.ends_with(b"\r\0") {
                    if s.read(&mut b).await.unwrap_or(0) == 0 {
                        break;
                    }
                    got.push(b[0]);
                }
                heard.extend_from_slice(&got);
                String::from_utf8_lossy(&got).into_owned()
            };
            s.write_all(&[IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, NAWS])
                .await
                .ok();
            s.write_all(b"\r\nUser Access Verification\r\n\r\nUsername: ")
                .await
                .ok();
            loop {
                let user = line(&mut s, &mut heard).await;
                s.write_all(b"Password: ").await.ok();
                let password = line(&mut s, &mut heard).await;
                if user.ends_with("admin\r\0") && password.ends_with("canary-pw-42\r\0") {
                    break;
                }
                s.write_all(b"\r\n% Login invalid\r\n\r\nUsername: ")
                    .await
                    .ok();
            }
            s.write_all(b"\r\nWelcome\r\nR1#").await.ok();
            let command = line(&mut s, &mut heard).await;
            if command.ends_with("show clock\r\0") {
                s.write_all(b"show clock\r\n*10:00:00.000 UTC Sat Dec 5 2026\r\nR1#")
                    .await
                    .ok();
            }
            let _ = line(&mut s, &mut heard).await;
            heard
        });
        (port, server)
    }

    fn login<'a>(target: &'a Target, prompts: &'a LoginPrompts) -> Login<'a> {
        Login {
            target,
            prompts,
            prompt: PROMPT,
        }
    }

    fn deadline() -> Instant {
        Instant::now() + Duration::from_secs(10)
    }

    #[tokio::test]
    async fn the_host_logs_in_and_the_driver_finds_its_prompt_and_runs_commands() {
        let (port, server) = switch().await;
        let t = target(port, "canary-pw-42");
        let prompts = LoginPrompts::default();
        let mut session = TelnetSession::open(
            login(&t, &prompts),
            Arc::new(MemoryHostKeys::default()),
            deadline(),
        )
        .await
        .expect("logged in");
        // The driver's own login reads up to the prompt the host saw.
        let banner = session.read_until(PROMPT, None).await.expect("prompt");
        assert!(
            banner.ends_with("Welcome\r\nR1#") || banner.ends_with("Welcome\nR1#"),
            "{banner:?}"
        );
        let out = session.command("show clock", None).await.expect("command");
        assert!(out.contains("10:00:00.000 UTC"), "{out:?}");
        assert!(
            session.exec("show clock", None).await.is_err(),
            "telnet has no exec channels"
        );
        Box::new(session).close().await;
        let heard = server.await.expect("server");
        // The credentials and the command, each ended by Enter as a
        // terminal's telnet sends it: CR NUL.
        let heard = String::from_utf8_lossy(&heard);
        assert!(
            heard.contains("admin\r\0canary-pw-42\r\0show clock\r\0"),
            "{heard:?}"
        );
    }

    #[tokio::test]
    async fn a_refused_password_is_auth_failed_and_never_quoted() {
        let (port, _server) = switch().await;
        let t = target(port, "wrong-canary-77");
        let prompts = LoginPrompts::default();
        let failure = TelnetSession::open(
            login(&t, &prompts),
            Arc::new(MemoryHostKeys::default()),
            deadline(),
        )
        .await
        .err()
        .expect("refused");
        assert_eq!(failure.class, ErrorClass::AuthFailed, "{failure:?}");
        assert!(
            failure.message.contains("asked for the username again"),
            "{failure:?}"
        );
        assert!(!failure.message.contains("wrong-canary-77"), "{failure:?}");
    }

    #[tokio::test]
    async fn a_closed_port_is_connection_refused() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let t = target(port, "x");
        let prompts = LoginPrompts::default();
        let failure = TelnetSession::open(
            login(&t, &prompts),
            Arc::new(MemoryHostKeys::default()),
            deadline(),
        )
        .await
        .err()
        .expect("refused");
        assert_eq!(failure.class, ErrorClass::ConnectionRefused, "{failure:?}");
    }

    #[tokio::test]
    async fn a_device_that_never_asks_is_a_prompt_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let _server = tokio::spawn(async move {
            let (s, _) = listener.accept().await.expect("accept");
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(s);
        });
        let mut t = target(port, "x");
        t.read_timeout = Duration::from_millis(300);
        let prompts = LoginPrompts::default();
        let failure = TelnetSession::open(
            login(&t, &prompts),
            Arc::new(MemoryHostKeys::default()),
            deadline(),
        )
        .await
        .err()
        .expect("timed out");
        assert_eq!(failure.class, ErrorClass::PromptTimeout, "{failure:?}");
    }

    #[test]
    fn the_default_login_prompts_take_the_usual_wordings() {
        let prompts = LoginPrompts::default();
        let user = compile(&prompts.username).expect("compiles");
        let pass = compile(&prompts.password).expect("compiles");
        for p in [
            "Username: ",
            "User Name:",
            "login: ",
            "sw1 login: ",
            "User:",
        ] {
            assert!(user.is_match(p.as_bytes()), "{p:?}");
        }
        for p in ["Password: ", "password:", "Passcode:"] {
            assert!(pass.is_match(p.as_bytes()), "{p:?}");
        }
        for p in [
            "Last login: Sat Dec  5 10:00:00 2026",
            "R1#",
            "Password is set",
        ] {
            assert!(
                !user.is_match(p.as_bytes()) && !pass.is_match(p.as_bytes()),
                "{p:?}"
            );
        }
    }
}
