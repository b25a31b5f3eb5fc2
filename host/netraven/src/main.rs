//! `netraven`, the worker's command line: parsing, printing, and calls into
//! the host crates (jobs, sandbox, transport, inventory, store, archive).
//! It owns what a user sees: one-line errors, progress, exit codes.

use std::process::ExitCode;

mod cli;

/// mimalloc as the process allocator: per-thread heaps, no arena locks
/// shared by the tokio workers (glibc's arenas serialised the workers'
/// allocations and frees; see BENCHMARKS.md, "A fleet over SSH").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
