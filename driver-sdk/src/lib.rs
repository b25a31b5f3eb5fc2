//! # NetRaven driver SDK
//!
//! A driver teaches NetRaven one vendor's CLI: which commands to send, what a
//! prompt looks like, and how raw output becomes a stable configuration. The
//! host does everything else (SSH, timeouts, secrets, storage).
//!
//! ```no_run
//! use netraven_driver_sdk::prelude::*;
//!
//! pub struct Acme;
//!
//! impl Driver for Acme {
//!     fn info() -> DriverInfo {
//!         DriverInfo::shell("acme", env!("CARGO_PKG_VERSION"), &["acmeos"], r"^\S+[#>]\s?$", "! ")
//!     }
//!     fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
//!         session.command("terminal length 0")?;
//!         let config = session.command("show running-config")?;
//!         Ok(Backup::config(text::cut_echo_and_prompt(&config)))
//!     }
//! }
//!
//! netraven_driver_sdk::export_driver!(Acme);
//! ```
//!
//! Test it without wasm: see [`harness`] (feature `harness`).

// Lets the generated bindings name this crate the same way inside and outside it.
extern crate self as netraven_driver_sdk;

mod driver;
pub mod login;
mod session;
pub mod text;

/// The native regex and rewriting engine behind [`text`]: in-process in a
/// native build, and run by the host for drivers in wasm.
#[cfg(not(target_arch = "wasm32"))]
pub mod native_text;
pub mod unix;

#[doc(hidden)]
pub mod guest;

#[cfg(feature = "harness")]
pub mod harness;

pub use driver::{
    Backup, CommandOutput, Device, Driver, DriverError, DriverInfo, LoginPrompts, Mode,
};
pub use session::{
    Level, Secret, Session, SessionError, complete, essential_refused_by, optional_refused_by,
};

/// A fixed-seed xorshift generator: the tests' generated inputs repeat
/// from run to run, so a failure can be replayed.
#[cfg(test)]
pub(crate) fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// The contract version this SDK builds drivers against.
pub const CONTRACT_VERSION: &str = "0.1.0";

/// Everything a driver file usually needs.
pub mod prelude {
    pub use crate::{
        Backup, CommandOutput, Device, Driver, DriverError, DriverInfo, Level, LoginPrompts, Mode,
        Secret, Session, SessionError, complete, essential_refused_by, optional_refused_by,
    };
    pub use crate::{login, text};
}
