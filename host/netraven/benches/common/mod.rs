//! What the benches share: the workspace root, the driver build they
//! start with, and the generic driver's vars for the IOS dialogue.
// Each bench compiles this module on its own and uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// mimalloc, as `netraven` itself runs on (host/netraven/src/main.rs): the
/// in-process benches measure what ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Build the named bundled drivers into `target/bench-drivers` and return
/// that directory; a build that fails ends the bench with its error.
pub fn build_drivers(names: &[&str]) -> PathBuf {
    let root = root();
    let wasm_dir = root.join("target/bench-drivers");
    let crates: Vec<PathBuf> = names.iter().map(|d| root.join("drivers").join(d)).collect();
    eprintln!("building the {} drivers...", names.join(", "));
    if let Err(e) =
        netraven_authoring::build_drivers(&crates, &wasm_dir, &root.join("target/drivers-build"))
    {
        eprintln!("cannot build drivers: {e}");
        std::process::exit(2);
    }
    wasm_dir
}

/// The IOS driver's commands before `show running-config`, as the generic
/// driver's `comment_commands`.
pub const IOS_COMMENT_COMMANDS: &str =
    "terminal width 0;show version;show vtp status;show inventory";

/// Vars that make the generic driver wait for `prompt` and back up `show
/// running-config`; with `comment_commands`, it first sends `terminal
/// length 0` and those commands (the IOS driver's dialogue, given
/// [`IOS_COMMENT_COMMANDS`]).
pub fn generic_vars(prompt: &str, comment_commands: Option<&str>) -> Vec<(String, String)> {
    let mut vars = vec![("prompt", prompt)];
    if let Some(commands) = comment_commands {
        vars.push(("pager_command", "terminal length 0"));
        vars.push(("comment_commands", commands));
    }
    vars.push(("commands", "show running-config"));
    vars.into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
