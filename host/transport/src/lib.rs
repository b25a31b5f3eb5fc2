//! Transports to devices. [`ssh`]: connecting (directly or through jump
//! hosts), algorithms, host key trust, authentication, and the driver
//! session carried over the connection, recorded on request.
//!
//! Each transport's session implements
//! [`netraven_session::DeviceSession`], the trait the sandbox drives a
//! device through; a telnet transport sits beside `ssh` the same way.
//!
//! May use: russh, tokio, the SDK's sans-IO prompt engine, and
//! `netraven-session`. Must not use: wasm, the database or git.

pub mod ssh;
