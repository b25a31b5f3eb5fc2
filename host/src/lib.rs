//! NetRaven: the host side of the device backup worker.
//!
//! - [`runtime`]: the wasm sandbox drivers run in.
//! - [`harness`]: corpus checks of wasm drivers (`netraven driver test`).
//! - [`authoring`]: scaffolding and building driver crates.
//! - [`outcome`]: how a device ended (error classes).
//! - [`config`]: settings files.
//! - [`inventory`]: inventory files (devices and how to reach them).
//! - [`import`]: device lists from other tools (Oxidized `router.db`, CSV).
//! - [`ssh`]: SSH transport and the session contract over it.
//! - [`fleet`]: backing up many devices at once.
//! - [`archive`]: the git repository of device configurations.
//! - [`redact`]: the host's keyword masking for text no driver redacted.
//! - [`store`]: the database (SQLite or PostgreSQL).
//! - [`secrets`]: credentials sealed at rest.
//! - [`jobs`]: running a job: dispatcher, redaction, archive, logs.
//! - [`cli`]: the `netraven` command line.

pub mod archive;
pub mod authoring;
pub mod cli;
pub mod config;
pub mod fleet;
pub mod harness;
pub mod import;
pub mod inventory;
pub mod jobs;
pub mod outcome;
pub mod redact;
pub mod runtime;
pub mod secrets;
pub mod ssh;
pub mod store;

/// mimalloc for every binary linking the host (`netraven`, `netraven-sim`,
/// tests and benches, so the benches measure what ships): glibc's arenas
/// serialised the tokio workers' allocations and frees (see BENCHMARKS.md,
/// "A fleet over SSH"). A program linking this crate cannot declare its own
/// global allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
