use std::process::ExitCode;

fn main() -> ExitCode {
    netraven::cli::main()
}
