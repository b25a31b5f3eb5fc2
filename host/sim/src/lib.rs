//! `netraven-sim`: a lab of simulated SSH devices on loopback, replaying
//! the recorded sessions of the corpus, with faults on demand. Tests, demos
//! and benchmarks point `netraven` at it instead of real hardware.
//!
//! - `lab`: which devices to serve (corpus, `--manifest`, copies, faults).
//! - `listen`: addresses, ports and accept loops.
//! - `device`: the SSH server side of one device (keys, algorithms, login).
//! - `channel`, `shell`, `exec`: replaying a transcript on a channel.
//! - `output`: what the faults do to output.
//! - `inventory`: the `netraven` inventory of the lab.
//!
//! The executable is declared in the `netraven` package (a thin `main`
//! calling [`main`]), so that package's tests and benches can start it.
//!
//! May use: russh (server side), the SDK's transcript parser and replay
//! device. Must not use: any other host crate: the simulator is the device
//! side of the wire and shares no code with the client it tests.

mod channel;
mod device;
mod exec;
mod fault;
mod inventory;
mod keys;
mod lab;
mod listen;
mod manifest;
mod output;
mod shell;
mod telnet;
mod unrecorded;

use std::collections::HashMap;
use std::io::Write as _;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::Parser;
use russh::keys::PrivateKey;
use tracing_subscriber::EnvFilter;

use crate::device::{Lab, Served};
use crate::fault::{Fault, FaultCount};
use crate::lab::Selection;
use crate::listen::{Bound, Placement};
use crate::output::Pace;

const ABOUT: &str = "Serve recorded device sessions as SSH devices on loopback";

const LONG_ABOUT: &str = "\
Serve recorded device sessions as SSH devices on loopback.

Each corpus case (an Oxidized `#simulation.yaml` or `#custom_simulation.yaml`
transcript) becomes one or more devices with their own port (or their own
127.x.y.z address). A device greets a shell with the recorded prompt, answers
each recorded command with its recorded reply, serves exec commands and
`scp -f` downloads. A line the recording lacks gets what the device would
print: the prompt for an empty line, the vendor's error message and the
prompt for a command (--strict ends the session instead).
One process serves thousands of devices and sessions.

With --inventory-out, it writes a `netraven` inventory of the lab once every
device listens, then prints `ready <N> devices` on stdout.";

fn after_help() -> String {
    format!(
        "\
Examples:
  # every corpus case, three copies each, two of them trickling
  netraven-sim --corpus tests/corpus/oxidized --copies 3 --fault trickle=2 \\
      --inventory-out /tmp/lab.toml

  # ten IOS switches; one refuses `show inventory`, one shows a login banner
  netraven-sim --corpus tests/corpus/oxidized --case 'ios#C9200L*' --copies 10 \\
      --fault 'reject:show inventory=1' --fault banner:motd.txt=1

  # 2,000 IOS devices on 127.0.1.1, 127.0.1.2, ... port 2222
  netraven-sim --corpus tests/corpus/oxidized --case 'ios#C9200L*' --copies 2000 \\
      --address-base 127.0.1.1 --port 2222 --inventory-out /tmp/lab.toml

  # devices as slow as real ones: 200 ms (+ up to 50) per command, half a
  # second to log in, 100 kB/s per session; the same lab over telnet
  netraven-sim --corpus tests/corpus/oxidized --case 'ios#C9200L*' --copies 100 \\
      --latency 200:50 --login-delay 500 --bandwidth 100000 --inventory-out /tmp/lab.toml
  netraven-sim --corpus tests/corpus/oxidized --copies 2 --telnet --inventory-out /tmp/lab.toml

Faults (--fault MODE=N, or `fault = \"MODE\"` in a manifest; a banner FILE is
found from the working directory, or beside the manifest):
{}

Manifest (--manifest FILE, TOML; relative paths are found beside it):
  user = \"netraven\"
  password = \"netraven\"
  [[device]]
  name = \"core-1\"            # optional; otherwise <model>-<n>
  transcript = \"tests/corpus/oxidized/ios#C9200L-24P-4G_17.09.04a#simulation.yaml\"
  model = \"ios\"              # optional; default: the file name up to its first '#'
  copies = 5                 # optional
  fault = \"trickle\"          # optional
  group = \"core\"             # optional; default \"sim\"
  transport = \"telnet\"       # optional; default \"ssh\"
  latency = \"200:50\"         # optional; --latency for this device
  login_delay_ms = 500       # optional; --login-delay for this device
  bandwidth = 100000         # optional; --bandwidth for this device
  vars = {{ site = \"lab\" }}    # optional, copied into the inventory

Device names are stable for the same arguments, and so are host keys (derived
from the name). Bad input exits with status 2 and a line naming the flag or file.",
        Fault::help()
    )
}

#[derive(Debug, Parser)]
#[command(
    name = "netraven-sim",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = after_help(),
)]
struct Args {
    /// Serve every case of this corpus folder that has a simulation
    /// (repeatable). Custom cases get their vars from `<DIR>/../vars`.
    #[arg(long, value_name = "DIR")]
    corpus: Vec<PathBuf>,

    /// Only corpus cases whose id (`<model>#<description>`) matches; `*`
    /// matches anything (repeatable).
    #[arg(long = "case", value_name = "GLOB")]
    cases: Vec<String>,

    /// Devices per corpus case.
    #[arg(long, value_name = "N", default_value_t = 1)]
    copies: usize,

    /// Make N devices misbehave as MODE, taken from the end of the device
    /// list so the first stay healthy (repeatable; modes below).
    #[arg(long = "fault", value_name = "MODE=N")]
    faults: Vec<FaultCount>,

    /// Devices described in a TOML file (format below); served after the
    /// corpus devices.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,

    /// Device i listens on 127.0.0.1 port P+i; 0 lets the OS choose.
    #[arg(long, value_name = "P", default_value_t = 0)]
    base_port: u16,

    /// Give each device its own loopback address, counting up from ADDR,
    /// all on --port.
    #[arg(long, value_name = "ADDR", conflicts_with = "base_port")]
    address_base: Option<Ipv4Addr>,

    /// The port every device listens on with --address-base [default: 2222].
    #[arg(long, value_name = "PORT", requires = "address_base")]
    port: Option<u16>,

    /// The login every device accepts [default: the manifest's, else netraven].
    #[arg(long)]
    user: Option<String>,

    /// The password every device accepts [default: the manifest's, else
    /// netraven]. A custom recording made with its own password keeps it.
    #[arg(long)]
    password: Option<String>,

    /// Serve every device over telnet instead of SSH: `Username:` and
    /// `Password:` (the same login), then the same replay. A manifest
    /// device may ask for telnet alone with `transport = "telnet"`.
    #[arg(long)]
    telnet: bool,

    /// End a shell session on the first line its recording lacks, with a
    /// message naming what was sent and what the recording expects. By
    /// default a device answers such a line as a real one does: an empty
    /// line with the prompt, anything else with the vendor's error message
    /// and the prompt (so clients that probe with `terminal width 511` or
    /// an empty line work).
    #[arg(long)]
    strict: bool,

    /// Every device waits MS before each command's reply, plus up to
    /// JITTER_MS more at random: a real device's 50 ms to 2 s per command.
    #[arg(long, value_name = "MS[:JITTER_MS]", default_value = "0", value_parser = parse_latency)]
    latency: (Duration, Duration),

    /// Every device waits MS between the login and its first prompt.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    login_delay: u64,

    /// Every session's output goes at most this many bytes per second.
    #[arg(long, value_name = "BYTES_PER_S")]
    bandwidth: Option<u64>,

    /// `trickle` devices pause this long after each byte.
    #[arg(long, value_name = "MS", default_value_t = 2)]
    trickle_ms: u64,

    /// Once every device listens, write a `netraven` inventory of the lab
    /// here and print `ready <N> devices`.
    #[arg(long, value_name = "FILE")]
    inventory_out: Option<PathBuf>,

    /// Stop when stdin reaches end of file, so a test that dies never
    /// leaves a simulator behind.
    #[arg(long)]
    exit_on_stdin_eof: bool,

    /// Log more: -v debug, -vv trace (to stderr; RUST_LOG overrides).
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
}

fn parse_latency(text: &str) -> Result<(Duration, Duration), String> {
    Pace::parse_latency(text)
}

/// Why the simulator stopped.
enum Failure {
    /// Bad flags or files: exit status 2.
    Usage(String),
    /// Anything else: exit status 1.
    Runtime(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Runtime(e)
    }
}

/// The `netraven-sim` program: parse the command line, serve until stopped.
pub fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // One line naming the flag, as for every other bad input.
            let text = e.render().to_string();
            let first: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!(
                "netraven-sim: {} (see --help)",
                first.join(" ").trim_start_matches("error: ")
            );
            return ExitCode::from(2);
        }
    };
    let level = match args.verbose {
        0 => "warn",
        1 => "warn,netraven_sim=debug",
        _ => "debug,netraven_sim=trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("netraven-sim: starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(run(args));
    // Not waiting for the runtime to wind down: the stdin watcher may sit
    // in a blocking read forever.
    let code = match outcome {
        Ok(()) => 0,
        Err(Failure::Usage(message)) => {
            eprintln!("netraven-sim: {message}");
            2
        }
        Err(Failure::Runtime(e)) => {
            eprintln!("netraven-sim: {e:#}");
            1
        }
    };
    std::process::exit(code)
}

async fn run(args: Args) -> Result<(), Failure> {
    let manifest = match &args.manifest {
        Some(path) => Some(manifest::load(path).map_err(Failure::Usage)?),
        None => None,
    };
    let from_manifest = |pick: fn(&manifest::Manifest) -> Option<&String>| {
        manifest.as_ref().and_then(pick).cloned()
    };
    let lab = Arc::new(Lab {
        user: args
            .user
            .clone()
            .or_else(|| from_manifest(|m| m.user.as_ref()))
            .unwrap_or_else(|| "netraven".to_string()),
        password: args
            .password
            .clone()
            .or_else(|| from_manifest(|m| m.password.as_ref()))
            .unwrap_or_else(|| "netraven".to_string()),
        trickle: Duration::from_millis(args.trickle_ms),
        strict: args.strict,
    });
    let selection = Selection {
        corpus: args.corpus.clone(),
        cases: args.cases.clone(),
        copies: args.copies,
        faults: args.faults.clone(),
        manifest,
        telnet: args.telnet,
        pace: Pace {
            latency: args.latency.0,
            jitter: args.latency.1,
            login_delay: Duration::from_millis(args.login_delay),
            bandwidth: args.bandwidth,
        },
    };
    let devices = lab::plan(&selection).map_err(Failure::Usage)?;
    let placement = match args.address_base {
        Some(base) => Placement::Addresses {
            base,
            port: args.port.unwrap_or(2222),
        },
        None => Placement::Ports {
            base: args.base_port,
        },
    };
    placement.check(devices.len()).map_err(Failure::Usage)?;
    // A listener per device and a socket per session: the hard limit, not
    // the soft default.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    listen::check_file_limit(devices.len());

    // Blocks this runtime thread, but nothing else runs yet.
    let keys = host_keys(&devices)?;
    let mut bound = Vec::with_capacity(devices.len());
    for (i, device) in devices.iter().enumerate() {
        bound.push(listen::bind(
            &device.name,
            placement.address(i),
            device.fault.clone(),
        )?);
    }

    let mut listings = Vec::with_capacity(devices.len());
    for ((device, keys), socket) in devices.iter().zip(&keys).zip(&bound) {
        let address = socket
            .local_addr()
            .with_context(|| format!("device {}: its local address", device.name))?;
        listings.push(inventory::Listing {
            device,
            address,
            host_key: keys::public_line(&keys.listed)?,
        });
    }
    let text = inventory::render(&lab.user, &lab.password, &listings);
    let summary: Vec<String> = listings
        .iter()
        .map(|l| {
            let fault = l
                .device
                .fault
                .as_ref()
                .map(|f| format!(" {f}"))
                .unwrap_or_default();
            format!(
                "{} {} {}{fault}",
                l.device.name, l.address, l.device.case_id
            )
        })
        .collect();
    drop(listings);

    // Refusing devices keep their bound sockets until the end, so nothing
    // else takes their ports.
    let mut reserved = Vec::new();
    for ((device, keys), socket) in devices.into_iter().zip(keys).zip(bound) {
        match socket {
            Bound::Listening(listener) => {
                let config = Arc::new(device::server_config(&device, keys.presented));
                let served = Arc::new(Served {
                    device,
                    lab: lab.clone(),
                    config,
                });
                tokio::spawn(listen::serve(listener, served));
            }
            refusing @ Bound::Refusing(_) => reserved.push(refusing),
        }
    }

    let mut stdout = std::io::stdout().lock();
    match &args.inventory_out {
        Some(path) => inventory::write(path, &text)?,
        // Without an inventory, say where the devices are.
        None => {
            for line in &summary {
                writeln!(stdout, "{line}").context("writing to stdout")?;
            }
        }
    }
    writeln!(stdout, "ready {} devices", summary.len()).context("writing to stdout")?;
    stdout.flush().context("writing to stdout")?;
    drop(stdout);

    wait_for_stop(args.exit_on_stdin_eof).await?;
    drop(reserved);
    Ok(())
}

/// A device's keys: the one it presents, and the one the inventory lists.
struct HostKeys {
    presented: PrivateKey,
    listed: PrivateKey,
}

/// Every device's host keys. An RSA key (legacy-only devices) takes tens
/// of milliseconds, so those are made on every core at once.
fn host_keys(devices: &[lab::Device]) -> Result<Vec<HostKeys>> {
    let legacy: Vec<(usize, &str)> = devices
        .iter()
        .enumerate()
        .filter(|(_, d)| d.fault == Some(Fault::LegacyOnly))
        .map(|(i, d)| (i, d.name.as_str()))
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = legacy.len().div_ceil(cores).max(1);
    let mut rsa: HashMap<usize, PrivateKey> = HashMap::new();
    std::thread::scope(|scope| -> Result<()> {
        let workers: Vec<_> = legacy
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|&(i, name)| Ok((i, keys::rsa(name)?)))
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        for worker in workers {
            let made = worker
                .join()
                .map_err(|_| anyhow::anyhow!("generating RSA host keys: a worker panicked"))??;
            rsa.extend(made);
        }
        Ok(())
    })?;
    Ok(devices
        .iter()
        .enumerate()
        .map(|(i, d)| match (&d.fault, rsa.remove(&i)) {
            (_, Some(key)) => HostKeys {
                presented: key.clone(),
                listed: key,
            },
            (Some(Fault::ChangedHostKey), None) => HostKeys {
                presented: keys::ed25519_changed(&d.name),
                listed: keys::ed25519(&d.name),
            },
            _ => {
                let key = keys::ed25519(&d.name);
                HostKeys {
                    presented: key.clone(),
                    listed: key,
                }
            }
        })
        .collect())
}

/// Until SIGINT, SIGTERM, or (if asked) the end of stdin.
async fn wait_for_stop(on_stdin_eof: bool) -> Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("catching SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("catching SIGTERM")?;
    let (eof_tx, eof_rx) = tokio::sync::oneshot::channel::<()>();
    // Without the flag, the sender stays here and the receiver never fires.
    let mut _unused = None;
    if on_stdin_eof {
        // A plain thread: a read blocked on stdin must not hold up the runtime.
        std::thread::spawn(move || {
            let mut sink = [0u8; 4096];
            let mut stdin = std::io::stdin().lock();
            loop {
                match std::io::Read::read(&mut stdin, &mut sink) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = eof_tx.send(());
        });
    } else {
        _unused = Some(eof_tx);
    }
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
        _ = eof_rx => {}
    }
    Ok(())
}
