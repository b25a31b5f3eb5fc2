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
netraven demo                      build the bundled drivers and check them against recorded sessions\n  \
netraven drivers list              what is loaded\n  \
netraven driver test ios CASE      replay one recorded session through a driver"
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
    /// Build the bundled drivers (if none are loaded yet) and run every recorded corpus session
    /// through them, one line per check.
    Demo {
        /// Corpus of Oxidized-format recordings.
        #[arg(long, default_value = "tests/corpus/oxidized", value_name = "DIR")]
        corpus: PathBuf,
    },
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
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("NETRAVEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Demo { corpus } => demo(config, &corpus).await,
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
    test(
        config,
        DriversDir { drivers: None },
        Some(corpus.to_path_buf()),
        None,
        None,
        None,
        false,
    )
    .await
}
