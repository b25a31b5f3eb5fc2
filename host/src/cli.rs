//! The `netraven` command line. Errors end the process with one line on
//! stderr naming the file, driver or case, and a non-zero exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use netraven_driver_sdk::harness::checks::Case;

use crate::authoring;
use crate::config::Config;
use crate::harness::{self, Report};
use crate::runtime::{Catalog, Runtime};

mod jobs;
use jobs::{CredentialsCommand, DevicesCommand, JobsCommand, Selection};

/// Exit code when checks ran and some failed.
const EXIT_FAILED: u8 = 1;
/// Exit code when the command could not run (bad input, nothing to do).
const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "netraven",
    version,
    about = "Back up network device configurations with sandboxed WebAssembly drivers",
    long_about = "NetRaven logs into routers, switches and firewalls, lets a per-vendor driver run \
the CLI dialogue, hides secrets and versions every configuration.\n\n\
Drivers are WebAssembly components (*.wasm) loaded from the drivers directory \
([runtime] drivers_dir, default data/drivers). Start with:\n\n  \
netraven demo                  build the drivers, start a simulated lab, import it, back it up\n  \
netraven devices import FILE   add devices: inventory (TOML), CSV, Oxidized router.db\n  \
netraven backup --all          create a backup job over every device and run it\n  \
netraven run-job ID            run a job (the scheduler's entry point; JSON on stdout)\n  \
netraven history DEVICE        archived revisions; netraven diff DEVICE: the last change\n  \
netraven drivers list          what is loaded\n  \
netraven driver test ios CASE  replay one recorded session through a driver"
)]
pub struct Cli {
    /// Settings file [default: config/environments/dev.toml when present].
    #[arg(long, global = true, env = "NETRAVEN_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the bundled drivers, replay every recorded corpus session through them (one line
    /// per check), then serve the same recordings as SSH devices with netraven-sim, import them
    /// into the database and back them up with a job into the git archive (data/configs.git).
    Demo {
        /// Corpus of Oxidized-format recordings.
        #[arg(long, default_value = "tests/corpus/oxidized", value_name = "DIR")]
        corpus: PathBuf,
    },
    /// Back up devices: as a job over the database's devices, or straight from an inventory file.
    ///
    /// With --device/--group/--all: create a backup job over devices in the database, run it
    /// and print its summary (like `run-job`). With --inventory FILE: back up the devices of an
    /// inventory file directly, writing <OUT>/<group>/<name>, no database.
    ///
    /// The inventory is TOML: [defaults], [groups.NAME], [[jump_hosts]] and [[devices]] tables
    /// (name, address, port, model, group, user, password_env, enable_env, key_file, vars,
    /// kex/host_key_algorithms/ciphers/macs as OpenSSH writes them, e.g. kex =
    /// ["+diffie-hellman-group14-sha1"], host_key_policy = tofu|strict|off, jump = ["bastion"]).
    /// `netraven-sim --inventory-out FILE` writes one for its simulated lab.
    ///
    /// Exit code: 0 when every device was backed up, 1 when some failed, 2 when none was or
    /// the run could not start.
    ///
    /// Examples:
    ///   netraven backup --all
    ///   netraven backup --group core --json
    ///   netraven backup --inventory lab.toml --device core-1 --device core-2
    ///   netraven backup --inventory lab.toml --group legacy --concurrency 50
    #[command(verbatim_doc_comment)]
    Backup(BackupArgs),
    /// Run job ID: back up (or run commands on) each of its devices that has no result yet,
    /// store results, logs and transcripts, commit changed configurations, and print a JSON
    /// summary on stdout. Rerunning a job that was interrupted finishes it.
    ///
    /// Exit code: 0 when every device succeeded, 1 when some failed, 2 when none succeeded or
    /// the job could not run (no such job, database unreachable, credentials key missing).
    RunJob {
        /// The job's id (`netraven jobs create` prints it; `netraven jobs list` shows them).
        id: i64,
        /// Print a human summary instead of JSON.
        #[arg(long)]
        text: bool,
    },
    /// Run commands on devices and print their output (redacted), as a job of kind "commands".
    ///
    /// Example:
    ///   netraven exec --device core-1 -- "show version" "show clock"
    #[command(verbatim_doc_comment)]
    Exec {
        #[command(flatten)]
        selection: Selection,
        /// Print the job summary as JSON.
        #[arg(long)]
        json: bool,
        /// The commands, each one argument.
        #[arg(last = true, required = true, value_name = "COMMAND")]
        commands: Vec<String>,
    },
    /// Manage the devices in the database.
    Devices {
        #[command(subcommand)]
        command: DevicesCommand,
    },
    /// Manage stored logins (sealed with the credentials key; never printed).
    Credentials {
        #[command(subcommand)]
        command: CredentialsCommand,
    },
    /// Look at jobs and their per-device results and logs.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// The archived revisions of a device's configuration, newest first.
    History {
        device: String,
        #[arg(long)]
        json: bool,
    },
    /// A unified diff of a device's configuration: REV against the revision before it
    /// [default: the newest change]. Coloured on a terminal.
    Diff { device: String, rev: Option<String> },
    /// Create or upgrade the database schema (every command also does this on start).
    Migrate,
    /// Inspect loaded drivers.
    Drivers {
        #[command(subcommand)]
        command: DriversCommand,
    },
    /// Write, build and test drivers.
    Driver {
        #[command(subcommand)]
        command: DriverCommand,
    },
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Back up the devices of this inventory file directly (no database, no job).
    #[arg(long, short, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// This device (repeatable).
    #[arg(long = "device", value_name = "NAME")]
    pub devices: Vec<String>,
    /// Every enabled device of this group.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// Every enabled device (database mode).
    #[arg(long, conflicts_with = "inventory")]
    pub all: bool,
    /// With --inventory: where configurations are written.
    #[arg(long, default_value = "data/configs", value_name = "DIR")]
    pub out: PathBuf,
    /// With --inventory: devices worked on at once (jobs use [worker] concurrency).
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub concurrency: usize,
    /// With --inventory: known host keys (jobs keep them in the database).
    #[arg(long, default_value = "data/known_hosts", value_name = "FILE")]
    pub known_hosts: PathBuf,
    /// With --inventory: write configurations with their secrets. Jobs follow
    /// [redaction] configs.
    #[arg(long)]
    pub keep_secrets: bool,
    #[command(flatten)]
    pub dir: DriversDir,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum DriversCommand {
    /// Show each loaded driver: name, version, models, file and sha256. Files that failed to
    /// load are listed with the reason.
    List {
        #[command(flatten)]
        dir: DriversDir,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct DriversDir {
    /// Drivers directory [default: [runtime] drivers_dir from the config].
    #[arg(long, value_name = "DIR")]
    pub drivers: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DriverCommand {
    /// Replay recorded sessions through a driver and check the results.
    ///
    /// Each case is the set of files <model>#<description>#<kind> in a corpus directory:
    /// output.txt must equal the backup byte for byte, secret.yaml and significant_changes.yaml
    /// hold pass/fail patterns for the redacted and "significant" views, prompt.yaml checks the
    /// prompt regex.
    ///
    /// Examples:
    ///   netraven driver test ios 'tests/corpus/oxidized/ios#C9200L-24P-4G_17.09.04a#output.txt'
    ///   netraven driver test ./my_driver.wasm 'cases/acme#lab1'
    ///   netraven driver test --corpus tests/corpus/oxidized
    #[command(verbatim_doc_comment)]
    Test {
        #[command(flatten)]
        dir: DriversDir,
        /// Run every case in DIR whose model has a loaded driver.
        #[arg(long, value_name = "DIR", conflicts_with_all = ["driver", "case"])]
        corpus: Option<PathBuf>,
        /// A driver name (from the drivers directory) or a path to a .wasm file.
        #[arg(required_unless_present = "corpus")]
        driver: Option<String>,
        /// One case: any of its files, or DIR/<model>#<description>.
        #[arg(required_unless_present = "corpus")]
        case: Option<PathBuf>,
        /// Device vars for custom cases: <model>#<description>#vars.yaml files, used when the
        /// case has none beside it [default: the corpus's sibling `vars/` folder, else
        /// tests/corpus/vars].
        #[arg(long, value_name = "DIR")]
        vars: Option<PathBuf>,
        /// Show full failure messages and diffs.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Run a driver against a live device and save the session as a test case: an
    /// Oxidized-format <model>#<device>#custom_simulation.yaml (secrets the host typed are
    /// written as <password> and <enable>), the backup as <model>#<device>#custom_output.txt,
    /// and the device's vars with the placeholder secrets as <model>#<device>#vars.yaml.
    ///
    /// The files hold the device's configuration: review them before sharing.
    ///
    /// Example:
    ///   netraven driver record --inventory lab.toml core-1 --out cases/
    ///   netraven driver test ios 'cases/ios#core-1'
    #[command(verbatim_doc_comment)]
    Record {
        /// Inventory file (TOML) that lists the device.
        #[arg(long, short, value_name = "FILE")]
        inventory: PathBuf,
        /// Device name in the inventory.
        device: String,
        /// Directory for the two files.
        #[arg(long, default_value = ".", value_name = "DIR")]
        out: PathBuf,
        /// Known host keys.
        #[arg(long, default_value = "data/known_hosts", value_name = "FILE")]
        known_hosts: PathBuf,
        #[command(flatten)]
        dir: DriversDir,
    },
    /// Create a new driver crate with an example transcript and a test that replays it.
    New {
        /// Driver name: the Oxidized model name, e.g. "acmeos".
        name: String,
        /// Parent directory for the crate.
        #[arg(long, default_value = ".", value_name = "DIR")]
        dir: PathBuf,
        /// The netraven-driver-sdk crate to depend on [default: the one this binary was built from].
        #[arg(long, value_name = "DIR")]
        sdk: Option<PathBuf>,
    },
    /// Compile driver crates to .wasm components and install them in the drivers directory.
    Build {
        /// Crate directories [default: every crate under ./drivers].
        crates: Vec<PathBuf>,
        #[command(flatten)]
        dir: DriversDir,
        /// Cargo target directory for the wasm builds.
        #[arg(long, default_value = "target/drivers-build", value_name = "DIR")]
        target_dir: PathBuf,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // The configuration comes first: `[worker] threads` shapes the runtime.
    let config = match Config::load_with_env(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let runtime = match crate::fleet::event_loop(config.worker.threads) {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match runtime.block_on(run(cli, config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Logging from `[logging]` (`NETRAVEN_LOG` still wins for the level):
/// text or JSON lines on stderr. Job events carry the job id and device
/// from their spans.
fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("NETRAVEN_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&config.logging.level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = if config.logging.format == "json" {
        builder
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .try_init()
    } else {
        builder.try_init()
    };
}

async fn run(cli: Cli, config: Config) -> anyhow::Result<ExitCode> {
    init_tracing(&config);
    match cli.command {
        Command::Demo { corpus } => demo(config, &corpus).await,
        Command::Backup(args) => match &args.inventory {
            Some(_) => backup(config, args).await,
            None => {
                let store = jobs::open_store(&config).await?;
                let selection = Selection {
                    devices: args.devices,
                    group: args.group,
                    all: args.all,
                };
                let id = jobs::create_job(
                    &store,
                    crate::jobs::BACKUP,
                    &selection,
                    serde_json::json!({}),
                )
                .await?;
                tracing::info!("created backup job {id}");
                let code = jobs::run_job(&config, id, args.json, &store).await;
                store.close().await;
                code
            }
        },
        Command::RunJob { id, text } => {
            let store = jobs::open_store(&config).await?;
            let code = jobs::run_job(&config, id, !text, &store).await;
            store.close().await;
            code
        }
        Command::Exec {
            selection,
            json,
            commands,
        } => {
            let store = jobs::open_store(&config).await?;
            let id = jobs::create_job(
                &store,
                crate::jobs::COMMANDS,
                &selection,
                serde_json::json!({ "commands": commands }),
            )
            .await?;
            tracing::info!("created commands job {id}");
            let code = jobs::run_job(&config, id, json, &store).await?;
            if !json {
                for r in store.results(id).await? {
                    println!("=== {} ({})", r.device, r.status);
                    match (&r.output, &r.message) {
                        (Some(out), _) => print!("{out}"),
                        (None, Some(m)) => println!("{m}"),
                        _ => {}
                    }
                }
            }
            store.close().await;
            Ok(code)
        }
        Command::Devices { command } => jobs::devices(&config, command).await,
        Command::Credentials { command } => jobs::credentials(&config, command).await,
        Command::Jobs { command } => jobs::jobs(&config, command).await,
        Command::History { device, json } => jobs::history(&config, &device, json).await,
        Command::Diff { device, rev } => jobs::diff(&config, &device, rev.as_deref()).await,
        Command::Migrate => jobs::migrate(&config).await,
        Command::Drivers {
            command: DriversCommand::List { dir, json },
        } => list(config, dir, json).await,
        Command::Driver { command } => match command {
            DriverCommand::Test {
                dir,
                corpus,
                driver,
                case,
                vars,
                verbose,
            } => test(config, dir, corpus, driver, case, vars, verbose).await,
            DriverCommand::Record {
                inventory,
                device,
                out,
                known_hosts,
                dir,
            } => record(config, &inventory, &device, &out, &known_hosts, dir).await,
            DriverCommand::New { name, dir, sdk } => {
                let sdk = sdk.unwrap_or_else(authoring::bundled_sdk);
                let created = authoring::new_driver(&name, &dir, &sdk)?;
                println!("created {}", created.display());
                println!("next:\n  cd {} && cargo test", created.display());
                println!("  netraven driver build {}", created.display());
                Ok(ExitCode::SUCCESS)
            }
            DriverCommand::Build {
                crates,
                dir,
                target_dir,
            } => {
                let out = dir.drivers.unwrap_or(config.runtime.drivers_dir.clone());
                let crates = if crates.is_empty() {
                    authoring::crates_in(Path::new("drivers"))?
                } else {
                    crates
                };
                build(&crates, &out, &target_dir)?;
                Ok(ExitCode::SUCCESS)
            }
        },
    }
}

fn build(crates: &[PathBuf], out: &Path, target_dir: &Path) -> anyhow::Result<()> {
    eprintln!(
        "building {} driver crate(s) for wasm32-wasip2 into {} ...",
        crates.len(),
        out.display()
    );
    for file in authoring::build_drivers(crates, out, target_dir)? {
        eprintln!("  installed {}", file.display());
    }
    Ok(())
}

async fn load(config: &Config, dir: &DriversDir) -> anyhow::Result<(Arc<Runtime>, Catalog)> {
    let mut runtime_config = config.runtime.clone();
    if let Some(d) = &dir.drivers {
        runtime_config.drivers_dir = d.clone();
    }
    let drivers_dir = runtime_config.drivers_dir.clone();
    let runtime = Runtime::new(runtime_config)?;
    let catalog = Catalog::load_dir(&runtime, &drivers_dir)
        .await
        .map_err(|p| anyhow::anyhow!("{p}"))?;
    for problem in &catalog.problems {
        eprintln!("warning: skipped driver {problem}");
    }
    Ok((runtime, catalog))
}

async fn list(config: Config, dir: DriversDir, json: bool) -> anyhow::Result<ExitCode> {
    let (_runtime, catalog) = load(&config, &dir).await?;
    let mut out = std::io::stdout().lock();
    if json {
        let drivers: Vec<serde_json::Value> = catalog
            .drivers
            .iter()
            .map(|d| {
                serde_json::json!({
                    "name": d.info.name,
                    "version": d.info.version,
                    "models": d.info.models,
                    "mode": format!("{:?}", d.info.mode).to_lowercase(),
                    "contract": d.contract,
                    "file": d.file,
                    "sha256": d.sha256,
                })
            })
            .collect();
        let problems: Vec<serde_json::Value> = catalog
            .problems
            .iter()
            .map(|p| serde_json::json!({"file": p.file, "error": p.message}))
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::json!({"drivers": drivers, "skipped": problems})
        )?;
    } else {
        writeln!(
            out,
            "{:<12} {:<8} {:<6} {:<24} {:<28} SHA256",
            "NAME", "VERSION", "MODE", "MODELS", "FILE"
        )?;
        for d in &catalog.drivers {
            writeln!(
                out,
                "{:<12} {:<8} {:<6} {:<24} {:<28} {}",
                d.info.name,
                d.info.version,
                format!("{:?}", d.info.mode).to_lowercase(),
                d.info.models.join(","),
                d.file.display(),
                d.sha256
            )?;
        }
        if catalog.drivers.is_empty() {
            writeln!(
                out,
                "no drivers in {}; build the bundled ones with `netraven driver build`",
                dir.drivers
                    .as_ref()
                    .unwrap_or(&config.runtime.drivers_dir)
                    .display()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn test(
    config: Config,
    dir: DriversDir,
    corpus: Option<PathBuf>,
    driver: Option<String>,
    case: Option<PathBuf>,
    vars: Option<PathBuf>,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    let vars = vars.unwrap_or_else(|| {
        let beside = corpus
            .as_deref()
            .or_else(|| case.as_deref().and_then(Path::parent))
            .map(netraven_driver_sdk::harness::checks::sibling_vars_dir)
            .filter(|d| d.is_dir());
        beside.unwrap_or_else(|| PathBuf::from("tests/corpus/vars"))
    });
    // An explicit .wasm is tested on its own: the drivers directory may not
    // exist, or may hold an older build under the same name.
    let explicit = driver.as_deref().is_some_and(|d| d.ends_with(".wasm"));
    let (runtime, mut catalog) = if explicit {
        (Runtime::new(config.runtime.clone())?, Catalog::default())
    } else {
        load(&config, &dir).await?
    };
    let (cases, forced) = match (corpus, driver, case) {
        (Some(corpus), _, _) => (
            harness::corpus_cases(&corpus).map_err(anyhow::Error::msg)?,
            None,
        ),
        (None, Some(driver), Some(case)) => {
            let case = Case::at(&case).map_err(anyhow::Error::msg)?;
            let index = if driver.ends_with(".wasm") {
                let file = PathBuf::from(&driver);
                let before = catalog.drivers.len();
                catalog.add_file(&runtime, &file).await;
                if catalog.drivers.len() == before {
                    let problem = catalog.problems.last().map(|p| p.to_string());
                    bail!(
                        "{}",
                        problem.unwrap_or_else(|| format!("{driver}: did not load"))
                    );
                }
                catalog.drivers.len() - 1
            } else {
                catalog
                    .drivers
                    .iter()
                    .position(|d| d.info.name == driver)
                    .with_context(|| {
                        let names: Vec<&str> = catalog
                            .drivers
                            .iter()
                            .map(|d| d.info.name.as_str())
                            .collect();
                        format!(
                            "no driver named {driver:?} is loaded (loaded: {})",
                            names.join(", ")
                        )
                    })?
            };
            (vec![case], Some(index))
        }
        _ => bail!("give a driver and a case, or --corpus DIR"),
    };
    let mut cases = cases;
    netraven_driver_sdk::harness::checks::attach_vars(&mut cases, &vars);
    let runtime_for_checks = runtime.clone();
    let handle = tokio::runtime::Handle::current();
    let report: Report = tokio::task::spawn_blocking(move || {
        let forced = forced.map(|i| &catalog.drivers[i]);
        let mut out = std::io::stdout().lock();
        harness::run_cases(
            &runtime_for_checks,
            &catalog,
            &cases,
            forced,
            verbose,
            handle,
            &mut out,
        )
    })
    .await
    .context("the check runner stopped")?;
    print_summary(&report)
}

fn print_summary(report: &Report) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if !report.skipped_models.is_empty() {
        let models: Vec<&str> = report.skipped_models.iter().map(String::as_str).collect();
        writeln!(
            out,
            "skipped models (no driver loaded): {}",
            models.join(", ")
        )?;
    }
    writeln!(
        out,
        "{} passed, {} failed",
        report.passed(),
        report.failed()
    )?;
    if report.checks.is_empty() {
        eprintln!("error: no check ran: no case matched a loaded driver");
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    Ok(if report.failed() > 0 {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

async fn demo(config: Config, corpus: &Path) -> anyhow::Result<ExitCode> {
    // Always rebuild: cargo is incremental, and stale drivers would make the
    // demo check yesterday's code.
    let crates = authoring::crates_in(Path::new("drivers"))
        .context("no ./drivers sources to build; run the demo from the netraven checkout")?;
    build(
        &crates,
        &config.runtime.drivers_dir,
        Path::new("target/drivers-build"),
    )?;
    println!("== 1. every recorded session replayed through its driver");
    let checks = test(
        config.clone(),
        DriversDir { drivers: None },
        Some(corpus.to_path_buf()),
        None,
        None,
        None,
        false,
    )
    .await?;
    println!(
        "\n== 2. the same recordings as SSH devices (netraven-sim), imported into the database \
         and backed up over SSH by a job"
    );
    let over_ssh = demo_over_ssh(&config, corpus).await?;
    Ok(if checks == ExitCode::SUCCESS {
        over_ssh
    } else {
        checks
    })
}

/// Serve the corpus with `netraven-sim` on loopback and back it all up over
/// SSH, as `netraven backup --inventory` would.
async fn demo_over_ssh(config: &Config, corpus: &Path) -> anyhow::Result<ExitCode> {
    use std::io::BufRead;
    let sim = sim_binary()?;
    let lab = Path::new("data/lab");
    std::fs::create_dir_all(lab).with_context(|| format!("{}: cannot create", lab.display()))?;
    let inventory = lab.join("inventory.toml");
    let mut child = std::process::Command::new(&sim)
        .arg("--corpus")
        .arg(corpus)
        .arg("--inventory-out")
        .arg(&inventory)
        .arg("--exit-on-stdin-eof")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("{}: cannot start", sim.display()))?;
    let mut ready = String::new();
    if let Some(stdout) = child.stdout.take() {
        std::io::BufReader::new(stdout).read_line(&mut ready)?;
    }
    if !ready.starts_with("ready ") {
        let _ = child.kill();
        bail!("netraven-sim did not start (it said {:?})", ready.trim());
    }
    println!(
        "netraven-sim: {} on 127.0.0.1, inventory in {}",
        ready.trim().trim_start_matches("ready "),
        inventory.display()
    );
    // The lab goes into the database like any device list, then one backup
    // job runs over all of it, as a scheduler would run it.
    let imported = jobs::devices(
        config,
        DevicesCommand::Import {
            file: inventory.clone(),
            format: None,
            columns: None,
            delimiter: None,
            credential: None,
            group: None,
        },
    )
    .await;
    let code = match imported {
        Ok(_) => {
            let store = jobs::open_store(config).await?;
            let selection = Selection {
                devices: Vec::new(),
                group: Some("sim".into()),
                all: false,
            };
            let id = jobs::create_job(
                &store,
                crate::jobs::BACKUP,
                &selection,
                serde_json::json!({}),
            )
            .await?;
            println!("running backup job {id} (netraven run-job {id})");
            let code = jobs::run_job(config, id, false, &store).await;
            if let Ok(results) = store.results(id).await
                && let Some(first) = results.iter().find(|r| r.status == "ok")
            {
                println!("\n$ netraven history {}", first.device);
                jobs::history(config, &first.device, false).await?;
            }
            store.close().await;
            code
        }
        Err(e) => Err(e),
    };
    let _ = child.kill();
    let _ = child.wait();
    if code.is_ok() {
        println!(
            "\nTo do it by hand:\n  \
             {} --corpus {} --inventory-out {} &\n  \
             netraven devices import {}\n  \
             netraven backup --group sim\n  \
             netraven jobs list; netraven diff DEVICE",
            sim.display(),
            corpus.display(),
            inventory.display(),
            inventory.display()
        );
    }
    code
}

/// The `netraven-sim` beside this binary, built first (incrementally) with
/// the same profile.
fn sim_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("where is this binary?")?;
    let dir = exe.parent().context("this binary has no directory")?;
    let mut cargo = std::process::Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
    cargo.args([
        "build",
        "--quiet",
        "-p",
        "netraven",
        "--bin",
        "netraven-sim",
    ]);
    if !cfg!(debug_assertions) {
        cargo.arg("--release");
    }
    let status = cargo
        .status()
        .context("cannot run cargo to build netraven-sim")?;
    if !status.success() {
        bail!("building netraven-sim failed");
    }
    let sim = dir.join("netraven-sim");
    if !sim.exists() {
        bail!("{}: not found after building it", sim.display());
    }
    Ok(sim)
}

/// Load the inventory and keep the devices the filters name; an unknown
/// device name is an error.
fn select_devices(
    inventory: &Path,
    names: &[String],
    group: Option<&str>,
) -> anyhow::Result<Vec<crate::inventory::Device>> {
    let all = crate::inventory::load(inventory).map_err(anyhow::Error::msg)?;
    for name in names {
        if !all.iter().any(|d| &d.name == name) {
            bail!("{}: no device named {name:?}", inventory.display());
        }
    }
    let chosen: Vec<_> = all
        .into_iter()
        .filter(|d| names.is_empty() || names.contains(&d.name))
        .filter(|d| group.is_none_or(|g| d.group == g))
        .collect();
    if chosen.is_empty() {
        bail!("{}: no device matches", inventory.display());
    }
    Ok(chosen)
}

async fn fleet(
    config: &Config,
    dir: &DriversDir,
    known_hosts: &Path,
    redact: bool,
) -> anyhow::Result<Arc<crate::fleet::Fleet>> {
    let (runtime, catalog) = load(config, dir).await?;
    let host_keys = crate::ssh::KnownHostsFile::open(known_hosts).map_err(anyhow::Error::msg)?;
    Ok(Arc::new(crate::fleet::Fleet {
        runtime,
        catalog: Arc::new(catalog),
        host_keys: Arc::new(host_keys),
        redact,
    }))
}

/// One status line, redrawn in place on a terminal.
struct Progress {
    total: usize,
    done: usize,
    failed: usize,
    started: std::time::Instant,
    terminal: bool,
    last_draw: std::time::Instant,
}

impl Progress {
    fn new(total: usize) -> Self {
        use std::io::IsTerminal;
        let now = std::time::Instant::now();
        Progress {
            total,
            done: 0,
            failed: 0,
            started: now,
            terminal: std::io::stderr().is_terminal(),
            last_draw: now,
        }
    }

    fn update(&mut self, result: &crate::fleet::DeviceResult) {
        self.done += 1;
        if let Err(failure) = &result.outcome {
            self.failed += 1;
            if self.terminal {
                eprint!("\r\x1b[K");
            }
            eprintln!("{}: {failure}", result.name);
        }
        let now = std::time::Instant::now();
        if self.terminal && (now - self.last_draw).as_millis() >= 100 || self.done == self.total {
            self.last_draw = now;
            self.draw();
        }
    }

    fn draw(&self) {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = self.done as f64 / secs;
        let eta = if rate > 0.0 {
            (self.total - self.done) as f64 / rate
        } else {
            0.0
        };
        let line = format!(
            "[{}/{}] ok {} failed {}  {:.1} devices/s  ETA {:.0}s",
            self.done,
            self.total,
            self.done - self.failed,
            self.failed,
            rate,
            eta
        );
        if self.terminal {
            eprint!("\r\x1b[K{line}");
            if self.done == self.total {
                eprintln!();
            }
        } else if self.done == self.total {
            eprintln!("{line}");
        }
    }
}

async fn backup(config: Config, args: BackupArgs) -> anyhow::Result<ExitCode> {
    let inventory = args.inventory.clone().context("--inventory: missing")?;
    let devices = select_devices(&inventory, &args.devices, args.group.as_deref())?;
    let fleet = fleet(&config, &args.dir, &args.known_hosts, !args.keep_secrets).await?;
    run_backup(&fleet, devices, &args.out, args.concurrency, args.json).await
}

/// Back up `devices`, write their configs under `out`, show progress and
/// print the summary; the exit code says how it went.
async fn run_backup(
    fleet: &Arc<crate::fleet::Fleet>,
    devices: Vec<crate::inventory::Device>,
    out: &Path,
    concurrency: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let total = devices.len();
    let mut progress = Progress::new(total);
    let out_dir = out.to_path_buf();
    let mut write_errors = Vec::new();
    let started = std::time::Instant::now();
    let results = fleet
        .backup_all(devices, concurrency, |r| {
            if let Ok(backup) = &r.outcome
                && let Err(e) =
                    crate::fleet::write_config(&out_dir, &r.group, &r.name, &backup.config)
            {
                write_errors.push(format!("{}: cannot write its config: {e}", r.name));
            }
            progress.update(r);
        })
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    for e in &write_errors {
        eprintln!("error: {e}");
    }
    let ok = results.iter().filter(|r| r.outcome.is_ok()).count() - write_errors.len();
    let failed = total - ok;
    let mut classes = std::collections::BTreeMap::<String, usize>::new();
    for r in &results {
        if let Err(f) = &r.outcome {
            *classes.entry(f.class.to_string()).or_default() += 1;
        }
    }
    if json {
        let failures: Vec<_> = results
            .iter()
            .filter_map(|r| {
                r.outcome.as_ref().err().map(|f| {
                    serde_json::json!({"device": r.name, "class": f.class.as_str(), "message": f.message})
                })
            })
            .collect();
        let summary = serde_json::json!({
            "devices": total,
            "succeeded": ok,
            "failed": failed,
            "failed_by_class": classes,
            "seconds": elapsed,
            "devices_per_second": total as f64 / elapsed.max(1e-9),
            "out": out,
            "failures": failures,
        });
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        let by_class: Vec<String> = classes.iter().map(|(c, n)| format!("{c} {n}")).collect();
        println!(
            "{ok} of {total} devices backed up in {elapsed:.1}s ({:.1}/s) to {}{}",
            total as f64 / elapsed.max(1e-9),
            out.display(),
            if by_class.is_empty() {
                String::new()
            } else {
                format!("; failed: {}", by_class.join(", "))
            }
        );
    }
    Ok(match (ok, failed) {
        (_, 0) => ExitCode::SUCCESS,
        (0, _) => ExitCode::from(EXIT_ERROR),
        _ => ExitCode::from(EXIT_FAILED),
    })
}

async fn record(
    config: Config,
    inventory: &Path,
    name: &str,
    out: &Path,
    known_hosts: &Path,
    dir: DriversDir,
) -> anyhow::Result<ExitCode> {
    let devices = select_devices(inventory, &[name.to_string()], None)?;
    let device = &devices[0];
    let fleet = fleet(&config, &dir, known_hosts, false).await?;
    let (result, recording) = fleet.backup_recorded(device, true).await;
    let stem = format!("{}#{}", device.model, name.replace(['/', '#'], "_"));
    std::fs::create_dir_all(out).with_context(|| format!("{}: cannot create", out.display()))?;
    if let Some(recording) = recording {
        let file = out.join(format!("{stem}#custom_simulation.yaml"));
        let header = format!(
            "Recorded by netraven {} from device {name:?} (model {}).\nSecrets typed by the host are written as <password> and <enable>.",
            env!("CARGO_PKG_VERSION"),
            device.model
        );
        std::fs::write(&file, recording.to_yaml(&header))
            .with_context(|| format!("{}: cannot write", file.display()))?;
        eprintln!("wrote {}", file.display());
        // The replay types the placeholders where the host typed secrets,
        // and gives the driver the device's vars, as on the device.
        let vars_file = out.join(format!("{stem}#vars.yaml"));
        let quote = |v: &str| serde_json::to_string(v).unwrap_or_default();
        let mut vars = format!(
            "# The device vars and placeholder secrets {stem} was recorded with.\nsecrets:\n  password: {}\n  enable: {}\n",
            quote(netraven_driver_sdk::harness::replay::PASSWORD_PLACEHOLDER),
            quote(netraven_driver_sdk::harness::replay::ENABLE_PLACEHOLDER),
        );
        if !device.vars.is_empty() {
            vars.push_str("vars:\n");
            for (k, v) in &device.vars {
                vars.push_str(&format!("  {}: {}\n", quote(k), quote(v)));
            }
        }
        std::fs::write(&vars_file, vars)
            .with_context(|| format!("{}: cannot write", vars_file.display()))?;
    }
    match result {
        Ok(backup) => {
            let file = out.join(format!("{stem}#custom_output.txt"));
            std::fs::write(&file, &backup.config)
                .with_context(|| format!("{}: cannot write", file.display()))?;
            eprintln!("wrote {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            eprintln!("error: {name}: {failure}");
            Ok(ExitCode::from(EXIT_FAILED))
        }
    }
}
