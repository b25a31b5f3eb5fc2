//! SSH to devices: connecting (directly or through jump hosts),
//! algorithms, host key trust and authentication. [`session`] carries the
//! driver session contract over the connection.
//!
//! Every step is bounded: the TCP connect by the target's connect timeout,
//! everything else by the device deadline. No call here can hang.

mod algorithms;
mod hostkeys;
mod session;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use russh::client::{self, AuthResult, Handle, KeyboardInteractiveAuthResponse};
use russh::keys::{PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use russh::{ChannelMsg, Disconnect, MethodKind};

pub use algorithms::{AlgorithmError, Algorithms};
pub use hostkeys::{HostKeyError, HostKeyPolicy, HostKeyStore, KnownHostsFile, MemoryHostKeys};
pub use session::SshSession;

use netraven_session::{DeviceFailure, ErrorClass, Secret};

/// Where and how to connect.
#[derive(Debug, Clone)]
pub struct Target {
    pub address: String,
    pub port: u16,
    pub user: String,
    pub password: Option<Secret>,
    pub enable: Option<Secret>,
    pub key_file: Option<PathBuf>,
    /// A pinned host key (OpenSSH one-line form); wins over the store.
    pub host_key: Option<String>,
    pub policy: HostKeyPolicy,
    pub algorithms: Algorithms,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// Silence after which a keepalive goes out while waiting on the
    /// device (firewalls drop idle sessions).
    pub keepalive: Duration,
    /// Bastions to go through, first hop first (always over SSH).
    pub jump: Vec<Hop>,
    /// How to reach the device, in order: SSH, telnet, or one then the
    /// other (the next is tried when a connection is refused or times out,
    /// or SSH cannot agree on algorithms; never after a refused login).
    pub transports: Vec<crate::Transport>,
    /// The telnet port; `port` is SSH's.
    pub telnet_port: u16,
}

#[derive(Debug, Clone)]
pub struct Hop {
    pub target: Target,
}

impl Target {
    /// `host:port`, the key host keys are stored under.
    pub(crate) fn host_id(&self) -> String {
        if self.address.contains(':') {
            format!("[{}]:{}", self.address, self.port)
        } else {
            format!("{}:{}", self.address, self.port)
        }
    }
}

/// Default silence after which a keepalive is sent while waiting on a device.
pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(15);
/// How long a polite disconnect may take before the connection is dropped.
pub(crate) const DISCONNECT_GRACE: Duration = Duration::from_secs(2);

/// The client side of one SSH connection: checks the host key.
struct Client {
    host: String,
    policy: HostKeyPolicy,
    pinned: Option<String>,
    store: Arc<dyn HostKeyStore>,
    /// Set when the key was refused, so the caller reports why.
    refused: Arc<Mutex<Option<DeviceFailure>>>,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let key = match key {
            PublicKeyOrCertificate::PublicKey { key, .. } => key.clone(),
            PublicKeyOrCertificate::Certificate(cert) => cert.public_key().clone().into(),
        };
        let verdict = hostkeys::judge(
            self.policy,
            self.pinned.as_deref(),
            self.store.as_ref(),
            &self.host,
            &key,
        );
        let refuse = |failure: DeviceFailure| {
            if let Ok(mut slot) = self.refused.lock() {
                *slot = Some(failure);
            }
            Ok(false)
        };
        match verdict {
            hostkeys::Verdict::Trusted => Ok(true),
            hostkeys::Verdict::Record => {
                match self.store.put(&self.host, &hostkeys::openssh_line(&key)) {
                    Ok(()) => Ok(true),
                    Err(e) => refuse(DeviceFailure::new(
                        ErrorClass::HostKeyChanged,
                        format!("cannot record the host key of {}: {e}", self.host),
                    )),
                }
            }
            hostkeys::Verdict::Changed { known, presented } => refuse(DeviceFailure::new(
                ErrorClass::HostKeyChanged,
                format!(
                    "the host key of {} changed: known {known}, presented {presented}; if the device was \
                     replaced, remove its entry from the known hosts and run again",
                    self.host
                ),
            )),
            hostkeys::Verdict::Unknown => refuse(DeviceFailure::new(
                ErrorClass::HostKeyChanged,
                format!(
                    "no known host key for {} and the host key policy is strict; it presented {}",
                    self.host,
                    hostkeys::fingerprint(&key)
                ),
            )),
        }
    }
}

/// An authenticated connection, with the jump connections it runs over.
pub struct Connection {
    handle: Handle<Client>,
    /// Kept alive for as long as the device connection lives.
    hops: Vec<Handle<Client>>,
    pub(crate) host: String,
    pub(crate) keepalive: Duration,
}

fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// Turn a russh error during connect/kex into a failure that says what
/// to do about it.
fn connect_failure(target: &Target, error: russh::Error) -> DeviceFailure {
    let host = target.host_id();
    match error {
        russh::Error::NoCommonAlgo { kind, ours, theirs } => {
            let key = algorithms::key_for(kind);
            DeviceFailure::new(
                ErrorClass::NegotiationFailed,
                format!(
                    "{host}: no common {key} algorithm: we offered [{}], the device offered [{}]; if the \
                     device cannot be upgraded, opt in with {key} = [\"+{}\"] for it or its group",
                    ours.join(", "),
                    theirs.join(", "),
                    theirs.first().map(String::as_str).unwrap_or("?"),
                ),
            )
        }
        russh::Error::IO(e) => io_failure(&host, &e),
        other => DeviceFailure::new(
            ErrorClass::ConnectionClosed,
            format!("{host}: SSH handshake failed: {other}"),
        ),
    }
}

fn io_failure(host: &str, e: &std::io::Error) -> DeviceFailure {
    use std::io::ErrorKind::*;
    let class = match e.kind() {
        ConnectionRefused => ErrorClass::ConnectionRefused,
        TimedOut => ErrorClass::ConnectTimeout,
        _ => ErrorClass::ConnectionClosed,
    };
    DeviceFailure::new(class, format!("{host}: {e}"))
}

fn client_config(target: &Target) -> Result<Arc<client::Config>, DeviceFailure> {
    let preferred = target.algorithms.build().map_err(|e| {
        DeviceFailure::new(
            ErrorClass::ConnectionClosed,
            format!("{}: {e}", target.host_id()),
        )
    })?;
    Ok(Arc::new(client::Config {
        client_id: russh::SshId::Standard(
            concat!("SSH-2.0-NetRaven_", env!("CARGO_PKG_VERSION")).into(),
        ),
        preferred,
        // Old Cisco and MikroTik gear offers 2048-bit groups only.
        gex: client::GexParams::new(2048, 4096, 8192).map_err(|e| {
            DeviceFailure::new(ErrorClass::DriverError, format!("bad DH group sizes: {e}"))
        })?,
        nodelay: true,
        // Keepalives are sent by the session while it waits, after auth.
        keepalive_interval: None,
        inactivity_timeout: None,
        ..Default::default()
    }))
}

/// Connect to `target` (through its jump hosts), check its host key and
/// authenticate, all before `deadline`.
pub async fn connect(
    target: &Target,
    store: Arc<dyn HostKeyStore>,
    deadline: Instant,
) -> Result<Connection, DeviceFailure> {
    let hops = open_hops(target, store.clone(), deadline).await?;
    let handle = match hops.last() {
        None => open_tcp(target, store, deadline).await?,
        Some(via) => open_through(via, target, store, deadline).await?,
    };
    Ok(Connection {
        handle,
        hops,
        host: target.host_id(),
        keepalive: target.keepalive,
    })
}

/// The jump connections a tunnel runs over, kept open for as long as it
/// lives.
pub(crate) struct JumpHosts(Vec<Handle<Client>>);

impl JumpHosts {
    /// Disconnect them, last hop first, each within [`DISCONNECT_GRACE`].
    pub(crate) async fn close(self) {
        close_hops(self.0).await;
    }
}

/// A TCP stream to `target` that its last jump host opens
/// (`direct-tcpip`), for a transport other than SSH, with the jump
/// connections it runs over; all before `deadline`. `target` must have a
/// jump host.
pub(crate) async fn tunnel(
    target: &Target,
    store: Arc<dyn HostKeyStore>,
    deadline: Instant,
) -> Result<(russh::ChannelStream<client::Msg>, JumpHosts), DeviceFailure> {
    let hops = open_hops(target, store, deadline).await?;
    let via = hops.last().ok_or_else(|| {
        DeviceFailure::new(
            ErrorClass::DriverError,
            format!("{}: a tunnel needs a jump host", target.host_id()),
        )
    })?;
    let channel = open_channel_through(via, target, deadline).await?;
    Ok((channel.into_stream(), JumpHosts(hops)))
}

/// Connect to `target`'s jump hosts in turn, each through the one before.
async fn open_hops(
    target: &Target,
    store: Arc<dyn HostKeyStore>,
    deadline: Instant,
) -> Result<Vec<Handle<Client>>, DeviceFailure> {
    let mut hops: Vec<Handle<Client>> = Vec::with_capacity(target.jump.len());
    for hop in &target.jump {
        let handle = match hops.last() {
            None => open_tcp(&hop.target, store.clone(), deadline).await?,
            Some(via) => open_through(via, &hop.target, store.clone(), deadline).await?,
        };
        hops.push(handle);
    }
    Ok(hops)
}

fn handler(
    target: &Target,
    store: Arc<dyn HostKeyStore>,
) -> (Client, Arc<Mutex<Option<DeviceFailure>>>) {
    let refused = Arc::new(Mutex::new(None));
    let client = Client {
        host: target.host_id(),
        policy: target.policy,
        pinned: target.host_key.clone(),
        store,
        refused: refused.clone(),
    };
    (client, refused)
}

/// The host-key refusal if there was one, else the handshake error.
fn handshake_failure(
    target: &Target,
    refused: &Mutex<Option<DeviceFailure>>,
    error: russh::Error,
) -> DeviceFailure {
    refused
        .lock()
        .ok()
        .and_then(|mut r| r.take())
        .unwrap_or_else(|| connect_failure(target, error))
}

async fn open_tcp(
    target: &Target,
    store: Arc<dyn HostKeyStore>,
    deadline: Instant,
) -> Result<Handle<Client>, DeviceFailure> {
    let config = client_config(target)?;
    let tcp = tcp_connect(target, deadline).await?;
    handshake(target, config, tcp, store, deadline).await
}

/// A TCP connection to `target`, within its connect timeout.
pub(crate) async fn tcp_connect(
    target: &Target,
    deadline: Instant,
) -> Result<tokio::net::TcpStream, DeviceFailure> {
    let host = target.host_id();
    let connect_budget = target.connect_timeout.min(remaining(deadline));
    let tcp = tokio::time::timeout(
        connect_budget,
        tokio::net::TcpStream::connect((target.address.as_str(), target.port)),
    )
    .await
    .map_err(|_| {
        DeviceFailure::new(
            ErrorClass::ConnectTimeout,
            format!(
                "{host}: no TCP connection within {:.1}s",
                connect_budget.as_secs_f64()
            ),
        )
    })?
    .map_err(|e| io_failure(&host, &e))?;
    let _ = tcp.set_nodelay(true);
    Ok(tcp)
}

async fn open_through(
    via: &Handle<Client>,
    target: &Target,
    store: Arc<dyn HostKeyStore>,
    deadline: Instant,
) -> Result<Handle<Client>, DeviceFailure> {
    let config = client_config(target)?;
    let channel = open_channel_through(via, target, deadline).await?;
    handshake(target, config, channel.into_stream(), store, deadline).await
}

/// A `direct-tcpip` channel from `via` to `target`'s address and port.
async fn open_channel_through(
    via: &Handle<Client>,
    target: &Target,
    deadline: Instant,
) -> Result<russh::Channel<client::Msg>, DeviceFailure> {
    let host = target.host_id();
    let budget = target.connect_timeout.min(remaining(deadline));
    tokio::time::timeout(
        budget,
        via.channel_open_direct_tcpip(
            target.address.clone(),
            u32::from(target.port),
            "127.0.0.1",
            0,
        ),
    )
    .await
    .map_err(|_| {
        DeviceFailure::new(
            ErrorClass::ConnectTimeout,
            format!(
                "{host}: the jump host did not open a tunnel within {:.1}s",
                budget.as_secs_f64()
            ),
        )
    })?
    .map_err(|e| {
        DeviceFailure::new(
            ErrorClass::ConnectionRefused,
            format!("{host}: the jump host refused a tunnel: {e}"),
        )
    })
}

async fn handshake<S>(
    target: &Target,
    config: Arc<client::Config>,
    stream: S,
    store: Arc<dyn HostKeyStore>,
    deadline: Instant,
) -> Result<Handle<Client>, DeviceFailure>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let host = target.host_id();
    let (client, refused) = handler(target, store);
    let budget = remaining(deadline);
    let mut handle = tokio::time::timeout(budget, client::connect_stream(config, stream, client))
        .await
        .map_err(|_| {
            DeviceFailure::new(
                ErrorClass::ConnectTimeout,
                format!(
                    "{host}: no SSH handshake within {:.1}s",
                    budget.as_secs_f64()
                ),
            )
        })?
        .map_err(|e| handshake_failure(target, &refused, e))?;
    tokio::time::timeout(remaining(deadline), authenticate(&mut handle, target))
        .await
        .map_err(|_| {
            DeviceFailure::new(
                ErrorClass::ConnectTimeout,
                format!("{host}: authentication did not finish before the device deadline"),
            )
        })??;
    Ok(handle)
}

fn auth_error(host: &str, e: russh::Error) -> DeviceFailure {
    DeviceFailure::new(
        ErrorClass::ConnectionClosed,
        format!("{host}: connection lost during authentication: {e}"),
    )
}

/// Try the target's key, then its password, then keyboard-interactive with
/// the password.
async fn authenticate(handle: &mut Handle<Client>, target: &Target) -> Result<(), DeviceFailure> {
    let host = target.host_id();
    let user = target.user.as_str();
    let mut tried: Vec<&str> = Vec::new();
    let mut offered: Option<Vec<MethodKind>> = None;
    let note = |result: &AuthResult, offered: &mut Option<Vec<MethodKind>>| {
        if let AuthResult::Failure {
            remaining_methods, ..
        } = result
        {
            *offered = Some(remaining_methods.iter().copied().collect());
        }
    };
    if let Some(path) = &target.key_file {
        let key = russh::keys::load_secret_key(path, None).map_err(|e| {
            DeviceFailure::new(
                ErrorClass::AuthFailed,
                format!("{host}: cannot load the key {}: {e}", path.display()),
            )
        })?;
        let key = Arc::new(key);
        // RSA: the strongest hash the server announces, then ssh-rsa
        // (SHA-1), which old devices and servers that announce more than
        // they accept still need.
        let mut hashes = vec![None];
        if key.algorithm().is_rsa() {
            let best = handle
                .best_supported_rsa_hash()
                .await
                .map_err(|e| auth_error(&host, e))?
                .flatten();
            if best.is_some() {
                hashes.insert(0, best);
            }
        }
        let mut result = AuthResult::Failure {
            remaining_methods: russh::MethodSet::empty(),
            partial_success: false,
        };
        for hash in hashes {
            result = handle
                .authenticate_publickey(user, PrivateKeyWithHashAlg::new(key.clone(), hash))
                .await
                .map_err(|e| auth_error(&host, e))?;
            if result.success() {
                return Ok(());
            }
        }
        note(&result, &mut offered);
        tried.push("publickey");
    }
    if let Some(password) = &target.password {
        let allows = |m: MethodKind, offered: &Option<Vec<MethodKind>>| {
            offered.as_ref().is_none_or(|o| o.contains(&m))
        };
        if allows(MethodKind::Password, &offered) {
            let result = handle
                .authenticate_password(user, password.expose())
                .await
                .map_err(|e| auth_error(&host, e))?;
            if result.success() {
                return Ok(());
            }
            note(&result, &mut offered);
            tried.push("password");
        }
        if allows(MethodKind::KeyboardInteractive, &offered) {
            if keyboard_interactive(handle, user, password, &host).await? {
                return Ok(());
            }
            tried.push("keyboard-interactive");
        }
    }
    let offered = offered
        .map(|o| o.iter().map(<&str>::from).collect::<Vec<_>>().join(", "))
        .unwrap_or_else(|| "nothing".into());
    Err(DeviceFailure::new(
        ErrorClass::AuthFailed,
        format!(
            "{host}: authentication as {user:?} failed (tried {}; the device accepts {offered})",
            if tried.is_empty() {
                "no method: no credentials".to_string()
            } else {
                tried.join(", ")
            }
        ),
    ))
}

/// Answer every prompt with the password, and empty info requests with
/// nothing (some devices send one before or after the password prompt).
async fn keyboard_interactive(
    handle: &mut Handle<Client>,
    user: &str,
    password: &Secret,
    host: &str,
) -> Result<bool, DeviceFailure> {
    let mut reply = handle
        .authenticate_keyboard_interactive_start(user, None)
        .await
        .map_err(|e| auth_error(host, e))?;
    // A server that keeps asking is not going to let us in.
    for _ in 0..8 {
        match reply {
            KeyboardInteractiveAuthResponse::Success => return Ok(true),
            KeyboardInteractiveAuthResponse::Failure { .. } => return Ok(false),
            KeyboardInteractiveAuthResponse::InfoRequest { prompts, .. } => {
                let answers = prompts
                    .iter()
                    .map(|_| password.expose().to_string())
                    .collect();
                reply = handle
                    .authenticate_keyboard_interactive_respond(answers)
                    .await
                    .map_err(|e| auth_error(host, e))?;
            }
        }
    }
    Ok(false)
}

/// What came back on an exec channel.
pub(crate) struct ExecOutput {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub status: Option<u32>,
}

impl Connection {
    /// A channel with a wide vt100 PTY and a shell on it.
    pub(crate) async fn open_shell(&self) -> Result<russh::Channel<client::Msg>, russh::Error> {
        let channel = self.handle.channel_open_session().await?;
        channel
            .request_pty(false, "vt100", 511, 24, 0, 0, &[])
            .await?;
        channel.request_shell(false).await?;
        Ok(channel)
    }

    pub(crate) async fn open_exec(
        &self,
        command: &str,
    ) -> Result<russh::Channel<client::Msg>, russh::Error> {
        let channel = self.handle.channel_open_session().await?;
        channel.exec(true, command).await?;
        Ok(channel)
    }

    pub async fn keepalive(&self) {
        let _ = self.handle.send_keepalive(false).await;
    }

    /// Close politely within [`DISCONNECT_GRACE`], then drop the
    /// connection whatever the device does.
    pub async fn close(self) {
        let Connection { handle, hops, .. } = self;
        let _ = tokio::time::timeout(
            DISCONNECT_GRACE,
            handle.disconnect(Disconnect::ByApplication, "backup done", "en"),
        )
        .await;
        drop(handle);
        close_hops(hops).await;
    }
}

/// Disconnect jump hosts, last hop first, each within [`DISCONNECT_GRACE`].
async fn close_hops(hops: Vec<Handle<Client>>) {
    for hop in hops.into_iter().rev() {
        let _ = tokio::time::timeout(
            DISCONNECT_GRACE,
            hop.disconnect(Disconnect::ByApplication, "", "en"),
        )
        .await;
    }
}

/// Read an exec channel to its end.
pub(crate) async fn drain(
    channel: &mut russh::Channel<client::Msg>,
    limit: usize,
) -> Result<ExecOutput, String> {
    let mut out = ExecOutput {
        stdout: Vec::new(),
        stderr: Vec::new(),
        status: None,
    };
    while let Some(msg) = channel.wait().await {
        match msg {
            ChannelMsg::Data { data } => out.stdout.extend_from_slice(&data),
            ChannelMsg::ExtendedData { data, .. } => out.stderr.extend_from_slice(&data),
            ChannelMsg::ExitStatus { exit_status } => out.status = Some(exit_status),
            ChannelMsg::Close => break,
            _ => {}
        }
        if out.stdout.len() + out.stderr.len() > limit {
            return Err(format!("more than {} MiB of output", limit >> 20));
        }
    }
    Ok(out)
}
