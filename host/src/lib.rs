//! NetRaven: the host side of the device backup worker.
//!
//! - [`runtime`]: the wasm sandbox drivers run in.
//! - [`harness`]: corpus checks of wasm drivers (`netraven driver test`).
//! - [`authoring`]: scaffolding and building driver crates.
//! - [`outcome`]: how a device ended (error classes).
//! - [`config`]: settings files.
//! - [`inventory`]: inventory files (devices and how to reach them).
//! - [`ssh`]: SSH transport and the session contract over it.
//! - [`fleet`]: backing up many devices at once.
//! - [`redact`]: the host's keyword masking for text no driver redacted.
//! - [`cli`]: the `netraven` command line.

pub mod authoring;
pub mod cli;
pub mod config;
pub mod fleet;
pub mod harness;
pub mod inventory;
pub mod outcome;
pub mod redact;
pub mod runtime;
pub mod ssh;
