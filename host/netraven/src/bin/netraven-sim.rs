//! `netraven-sim`: recorded sessions served as SSH devices on loopback. The
//! code is the `netraven-sim` crate (host/sim).

use std::process::ExitCode;

/// The same allocator as `netraven` (see its `main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    netraven_sim::main()
}
