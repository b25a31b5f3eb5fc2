//! The `netraven` command line. Errors end the process with one line on
//! stderr naming the file, driver or case, and a non-zero exit code.

use clap::Parser;
use netraven_authoring as authoring;
use netraven_jobs::config::Config;
use std::path::Path;
use std::process::ExitCode;

mod args;
mod backup;
mod credentials;
mod demo;
mod devices;
mod drivers;
mod history;
mod jobs;
mod logging;
mod netbox;

use args::*;

/// Exit code when checks ran and some failed.
const EXIT_FAILED: u8 = 1;

/// Exit code when the command could not run (bad input, nothing to do).
const EXIT_ERROR: u8 = 2;

pub(crate) fn main() -> ExitCode {
    let cli = Cli::parse();
    // These read nothing but the command line's own shape.
    match &cli.command {
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "netraven", &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        Command::Man { out } => return write_man_pages(out),
        _ => {}
    }
    // A device in flight holds a socket (two through a jump host): take
    // every file descriptor the hard limit allows, not the soft default
    // (often 1,024), before thousands of devices need them.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    // The configuration comes first: `[worker] threads` shapes the runtime.
    let config = match Config::load_with_env(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let runtime = match netraven_jobs::event_loop::EventLoop::new(config.worker.threads) {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match runtime.block_on(run(cli, config)) {
        Ok(code) => code,
        // The reader of our output went away (`netraven drivers list |
        // head`): done. Only a write of ours returns a bare io::Error here;
        // a device's or the database's broken pipe is wrapped in their own.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// `netraven man`: a page per command, from the same text as `--help`.
fn write_man_pages(out: &Path) -> ExitCode {
    let command = <Cli as clap::CommandFactory>::command();
    let written =
        std::fs::create_dir_all(out).and_then(|()| clap_mangen::generate_to(command, out));
    match written {
        Ok(()) => {
            eprintln!(
                "wrote netraven.1 and a page per command into {}",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: writing the manual pages: {e}", out.display());
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Logging from `[logging]` (`NETRAVEN_LOG` still wins for the level):
/// text or JSON lines on stderr. Job events carry the job id and device
/// from their spans.
fn init_tracing(config: &Config) {
    let level = std::env::var("NETRAVEN_LOG").unwrap_or_else(|_| config.logging.level.clone());
    let rust_log = std::env::var("RUST_LOG").ok();
    let filter =
        tracing_subscriber::EnvFilter::try_new(logging::directives(&level, rust_log.as_deref()))
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
        Command::Demo { corpus } => demo::demo(config, &corpus).await,
        Command::Backup(args) => match &args.inventory {
            Some(_) => backup::backup(config, args).await,
            None => {
                let store = jobs::open_store(&config).await?;
                let selection = Selection {
                    devices: args.devices,
                    group: args.group,
                    all: args.all,
                };
                let id = jobs::create_job(
                    &store,
                    netraven_jobs::BACKUP,
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
                netraven_jobs::COMMANDS,
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
        Command::Devices {
            command:
                DevicesCommand::Sync {
                    source: SyncSource::Netbox(args),
                },
        } => netbox::sync(&config, args).await,
        Command::Devices { command } => devices::devices(&config, command).await,
        Command::Worker {
            zones,
            concurrency,
            json,
        } => jobs::worker(&config, zones, concurrency, json).await,
        Command::Workers { json } => jobs::workers(&config, json).await,
        Command::Credentials { command } => credentials::credentials(&config, command).await,
        Command::Jobs { command } => jobs::jobs(&config, command).await,
        Command::History { device, json } => history::history(&config, &device, json).await,
        Command::Diff { device, rev } => history::diff(&config, &device, rev.as_deref()).await,
        Command::Search {
            pattern,
            group,
            ignore_case,
            json,
        } => history::search(&config, &pattern, group.as_deref(), ignore_case, json),
        Command::Migrate => jobs::migrate(&config).await,
        Command::Metrics => jobs::metrics(&config).await,
        Command::Archive {
            command: ArchiveCommand::Push { remote },
        } => history::push(&config, remote.as_deref()).await,
        // Answered in `main`, before any configuration is read.
        Command::Completions { .. } | Command::Man { .. } => Ok(ExitCode::SUCCESS),
        Command::Drivers {
            command: DriversCommand::List { dir, json },
        } => drivers::list(config, dir, json).await,
        Command::Drivers {
            command: DriversCommand::Lock { dir },
        } => drivers::lock(config, dir).await,
        Command::Driver { command } => match command {
            DriverCommand::Test {
                dir,
                corpus,
                krate,
                target_dir,
                driver,
                case,
                vars,
                chaos,
                verbose,
            } => {
                let checks = if chaos {
                    netraven_sandbox::harness::Checks::Chaos
                } else {
                    netraven_sandbox::harness::Checks::Corpus
                };
                let selection = match (krate, driver, case) {
                    (Some(krate), _, _) => drivers::Selection::Crate { krate, target_dir },
                    (None, Some(driver), Some(case)) => drivers::Selection::One { driver, case },
                    _ => drivers::Selection::Loaded,
                };
                drivers::test_drivers(config, dir, corpus, selection, vars, checks, verbose).await
            }
            DriverCommand::Record {
                inventory,
                device,
                out,
                known_hosts,
                dir,
            } => drivers::record(config, &inventory, &device, &out, &known_hosts, dir).await,
            DriverCommand::New {
                name,
                dir,
                from_case,
                sdk,
            } => {
                let made = authoring::new_driver(&name, &dir, sdk.as_deref(), &from_case)?;
                let created = made.dir.display();
                println!("created {created}");
                match &made.sdk {
                    authoring::SdkSource::Checkout(root) => {
                        println!("  a member of the workspace at {}", root.display())
                    }
                    authoring::SdkSource::Vendored => {
                        println!("  with its own copy of the driver SDK in {created}/vendor")
                    }
                    authoring::SdkSource::Path(sdk) => {
                        println!("  using the driver SDK at {}", sdk.display())
                    }
                }
                for case in &made.cases {
                    println!("  copied {}", case.display());
                }
                println!("next:\n  cd {created} && cargo test");
                println!("  netraven driver test --crate {created}");
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
                let installed = drivers::build(&crates, &out, &target_dir)?;
                // Compile them for this host now, into the cache `run-job`
                // reads, so that the first job after a build does not pay
                // for it before its first device; and write each one's
                // description into it, so that a job routes devices to it
                // without compiling it (after an upgrade, or with the cache
                // emptied, only the drivers a job needs are compiled).
                let started = std::time::Instant::now();
                let (runtime, catalog) = drivers::load(
                    &config,
                    &DriversDir {
                        drivers: Some(out.clone()),
                    },
                )
                .await?;
                for driver in &catalog.drivers {
                    if installed.contains(&driver.file) {
                        netraven_sandbox::catalog::describe(&runtime, driver)
                            .map_err(|e| anyhow::anyhow!("{}: {e}", driver.file.display()))?;
                    }
                }
                eprintln!(
                    "precompiled {} driver(s) into {} in {:.1}s",
                    catalog.drivers.len(),
                    config.runtime.cache_dir.display(),
                    started.elapsed().as_secs_f64()
                );
                Ok(ExitCode::SUCCESS)
            }
        },
    }
}
