//! Transports to devices. [`ssh`]: connecting (directly or through jump
//! hosts), algorithms, host key trust, authentication, and the driver
//! session carried over the connection, recorded on request. [`telnet`]:
//! the same over telnet (directly or through SSH jump hosts), with the
//! login dialogue answered by the host.
//!
//! Each transport's session implements
//! [`netraven_session::DeviceSession`], the trait the sandbox drives a
//! device through; the shell part of it is one `terminal` shared by both.
//!
//! May use: russh, tokio, the SDK's sans-IO prompt engine, and
//! `netraven-session`. Must not use: wasm, the database or git.

pub mod ssh;
pub mod telnet;
mod terminal;

/// What carries a session to a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Ssh,
    Telnet,
}

impl Transport {
    /// The name used in settings and logs: `ssh` or `telnet`.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Ssh => "ssh",
            Transport::Telnet => "telnet",
        }
    }

    pub fn parse(name: &str) -> Option<Transport> {
        match name {
            "ssh" => Some(Transport::Ssh),
            "telnet" => Some(Transport::Telnet),
            _ => None,
        }
    }
}

impl std::fmt::Display for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
