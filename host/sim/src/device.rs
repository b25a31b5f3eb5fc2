//! One device's SSH side: its server settings, the login check, and the
//! channels of each connection handed to [`crate::channel`].

use std::borrow::Cow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use netraven_driver_sdk::harness::ReplayDevice;
use russh::keys::{Algorithm, PrivateKey};
use russh::server::{Auth, Config, Handler, Msg, Response, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet, Preferred, SshId};
use russh::{cipher, compression, kex, mac};
use tracing::debug;

use crate::channel;
use crate::fault::Fault;
use crate::lab::Device;
use crate::listen::Cut;
use crate::output::Output;

/// Settings every device of the lab shares.
#[derive(Debug, Clone)]
pub struct Lab {
    pub user: String,
    pub password: String,
    /// `trickle`: the pause after each byte.
    pub trickle: Duration,
    /// End a session on anything its recording lacks, instead of
    /// answering as the device would.
    pub strict: bool,
}

/// A device as it is served.
pub struct Served {
    pub device: Device,
    pub lab: Arc<Lab>,
    pub config: Arc<Config>,
}

/// A failed login costs the client this long: short, so tests of wrong
/// passwords run fast, but not zero, like a real device.
const AUTH_REJECTION_TIME: Duration = Duration::from_millis(50);

/// The key exchanges a simulated device offers: russh's, but for the
/// post-quantum hybrid (`mlkem768x25519-sha256`), which no network
/// operating system offers. Clients would otherwise pay for ML-KEM here
/// and nowhere else: NetRaven picks it when offered, while Netmiko and
/// scrapli do not know it (BENCHMARKS.md, "The slow regime").
fn device_kex() -> Vec<kex::Name> {
    Preferred::default()
        .kex
        .iter()
        .copied()
        .filter(|k| *k != kex::MLKEM768X25519_SHA256)
        .collect()
}

/// The russh settings for a device presenting `key`.
pub fn server_config(device: &Device, key: PrivateKey) -> Config {
    let preferred = if device.fault == Some(Fault::LegacyOnly) {
        // What an old IOS or ProCurve offers, and nothing newer.
        Preferred {
            kex: Cow::Owned(vec![kex::DH_G14_SHA1]),
            key: Cow::Owned(vec![Algorithm::Rsa { hash: None }]),
            cipher: Cow::Owned(vec![cipher::AES_128_CBC]),
            mac: Cow::Owned(vec![mac::HMAC_SHA1]),
            compression: Cow::Owned(vec![compression::NONE]),
            host_key_certificates: Cow::Owned(Vec::new()),
        }
    } else {
        Preferred {
            kex: Cow::Owned(device_kex()),
            ..Preferred::default()
        }
    };
    Config {
        server_id: SshId::Standard(Cow::Borrowed("SSH-2.0-netraven_sim")),
        methods: MethodSet::from(&[MethodKind::Password, MethodKind::KeyboardInteractive][..]),
        auth_rejection_time: AUTH_REJECTION_TIME,
        // OpenSSH opens with a "none" attempt to learn the methods.
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![key],
        preferred,
        nodelay: true,
        ..Config::default()
    }
}

/// One client connection to a device.
pub struct Connection {
    served: Arc<Served>,
    /// Shared by the connection's exec channels (a transcript replayed
    /// strictly in order must see them in order); made at the first exec.
    exec: Arc<Mutex<Option<ReplayDevice>>>,
    output: Arc<Output>,
}

impl Connection {
    pub fn new(served: Arc<Served>, cut: Arc<Cut>) -> Self {
        let output = Arc::new(Output::new(
            served.device.fault.clone(),
            served.device.pace,
            served.lab.trickle,
            cut,
        ));
        Connection {
            exec: Arc::new(Mutex::new(None)),
            served,
            output,
        }
    }

    fn login(&self, user: &str, password: &[u8]) -> Auth {
        let device = &self.served.device;
        let expected = device
            .password
            .as_deref()
            .unwrap_or(&self.served.lab.password);
        if device.fault != Some(Fault::RejectPassword)
            && user == self.served.lab.user
            && password == expected.as_bytes()
        {
            Auth::Accept
        } else {
            debug!(device = %device.name, user, "login refused");
            Auth::reject()
        }
    }
}

impl Handler for Connection {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        Ok(self.login(user, password.as_bytes()))
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        response: Option<Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        Ok(match response {
            // The first request: ask for the password, typed without echo.
            None => Auth::Partial {
                name: Cow::Borrowed(""),
                instructions: Cow::Borrowed(""),
                prompts: Cow::Owned(vec![(Cow::Borrowed("Password: "), false)]),
            },
            Some(mut answers) => match answers.next() {
                Some(answer) => self.login(user, &answer),
                None => Auth::reject(),
            },
        })
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        reply.accept().await;
        let context = channel::Context {
            served: self.served.clone(),
            exec: self.exec.clone(),
            output: self.output.clone(),
            session: Some(session.handle()),
        };
        tokio::spawn(channel::run(channel, context));
        Ok(())
    }

    // The requests themselves reach the channel's task as `ChannelMsg`s;
    // these callbacks only answer them.

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        _col_width: u32,
        _row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _variable_name: &str,
        _variable_value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // No sftp: network devices serve files over scp, if at all.
        session.channel_failure(channel)
    }
}
