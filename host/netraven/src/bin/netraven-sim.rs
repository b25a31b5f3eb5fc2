//! `netraven-sim`: recorded sessions served as SSH devices on loopback. The
//! code is the `netraven-sim` crate (host/sim).

use std::process::ExitCode;

/// The same allocator as `netraven`, so a bench's two sides run alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    netraven_sim::main()
}
