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
