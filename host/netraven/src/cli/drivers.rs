//! `netraven drivers list` and `netraven driver test|build|record`: the drivers directory and the corpus checks.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use netraven_authoring as authoring;
use netraven_driver_sdk::harness::checks::Case;
use netraven_jobs::config::Config;
use netraven_sandbox::harness::{self, Report};
use netraven_sandbox::lock::{DriverLock, Pin};
use netraven_sandbox::{Catalog, Runtime};

use super::backup::{fleet, select_devices};
use super::*;

/// Build `crates` and install their `.wasm` files in `out`; the files
/// installed.
pub(crate) fn build(
    crates: &[PathBuf],
    out: &Path,
    target_dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    eprintln!(
        "building {} driver crate(s) for wasm32-wasip2 into {} ...",
        crates.len(),
        out.display()
    );
    let installed = authoring::build_drivers(crates, out, target_dir)?;
    for file in &installed {
        eprintln!("  installed {}", file.display());
    }
    Ok(installed)
}

/// Load every driver of the drivers directory, compiling each (or taking
/// it from the cache): for commands that inspect or test drivers.
pub(crate) async fn load(
    config: &Config,
    dir: &DriversDir,
) -> anyhow::Result<(Arc<Runtime>, Catalog)> {
    open_catalog(config, dir, false).await
}

/// Read the drivers directory for a job: a driver `driver build` described
/// is compiled only when one of the job's devices needs it.
pub(crate) async fn index(
    config: &Config,
    dir: &DriversDir,
) -> anyhow::Result<(Arc<Runtime>, Catalog)> {
    open_catalog(config, dir, true).await
}

async fn open_catalog(
    config: &Config,
    dir: &DriversDir,
    lazily: bool,
) -> anyhow::Result<(Arc<Runtime>, Catalog)> {
    let mut runtime_config = config.runtime.clone();
    // Every device at work holds a driver instance: fewer slots than
    // devices at work would leave connected devices waiting for one.
    runtime_config.max_instances = runtime_config
        .max_instances
        .max(u32::try_from(config.worker.concurrency).unwrap_or(u32::MAX));
    if let Some(d) = &dir.drivers {
        runtime_config.drivers_dir = d.clone();
    }
    let drivers_dir = runtime_config.drivers_dir.clone();
    let runtime = Runtime::new(runtime_config)?;
    let catalog = if lazily {
        Catalog::index_dir(&runtime, &drivers_dir).await
    } else {
        Catalog::load_dir(&runtime, &drivers_dir).await
    }
    .map_err(|p| anyhow::anyhow!("{p}"))?;
    for problem in &catalog.problems {
        eprintln!("warning: skipped driver {problem}");
    }
    Ok((runtime, catalog))
}

/// The Netmiko device types that stand for any of `models`.
fn netmiko_aliases(models: &[String]) -> Vec<&'static str> {
    models
        .iter()
        .flat_map(|m| netraven_sandbox::aliases::aliases_of(m))
        .collect()
}

/// Each driver against the lock file, when there is one: `locked`,
/// `changed` (the lock pins another hash) or `not locked`.
fn lock_states(config: &Config, catalog: &Catalog) -> Vec<&'static str> {
    let path = config.runtime.lock_path();
    let lock = if path.exists() {
        match DriverLock::read(&path) {
            Ok(lock) => Some(lock),
            Err(e) => {
                eprintln!("warning: {e}");
                None
            }
        }
    } else {
        None
    };
    catalog
        .drivers
        .iter()
        .map(|d| match lock.as_ref().map(|l| l.pin(&d.file, &d.sha256)) {
            Some(Pin::Locked) => "locked",
            Some(Pin::Changed { .. }) => "changed",
            Some(Pin::Missing) | None => "not locked",
        })
        .collect()
}

/// `netraven drivers lock`: pin every driver that loads, whatever the lock
/// said before.
pub(crate) async fn lock(mut config: Config, dir: DriversDir) -> anyhow::Result<ExitCode> {
    config.runtime.require_lock = false;
    let (_runtime, catalog) = load(&config, &dir).await?;
    let path = config.runtime.lock_path();
    let pins: Vec<(String, String)> = catalog
        .drivers
        .iter()
        .map(|d| {
            let name = d.file.file_name().map(|n| n.to_string_lossy().into_owned());
            (name.unwrap_or_default(), d.sha256.clone())
        })
        .collect();
    if pins.is_empty() {
        bail!(
            "no driver loaded from {}: nothing to lock (build them with `netraven driver build`)",
            config.runtime.drivers_dir.display()
        );
    }
    netraven_jobs::files::replace(&path, DriverLock::render(&pins).as_bytes())
        .with_context(|| format!("{}: writing the drivers lock", path.display()))?;
    println!("locked {} driver(s) in {}", pins.len(), path.display());
    if !catalog.problems.is_empty() {
        eprintln!(
            "{} file(s) did not load and are not locked (see the warnings above)",
            catalog.problems.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn list(config: Config, dir: DriversDir, json: bool) -> anyhow::Result<ExitCode> {
    let (_runtime, catalog) = load(&config, &dir).await?;
    let locks = lock_states(&config, &catalog);
    let mut out = std::io::stdout().lock();
    if json {
        let drivers: Vec<serde_json::Value> = catalog
            .drivers
            .iter()
            .zip(&locks)
            .map(|(d, lock)| {
                serde_json::json!({
                    "lock": lock,
                    "name": d.info.name,
                    "version": d.info.version,
                    "models": d.info.models,
                    "netmiko_aliases": netmiko_aliases(&d.info.models),
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
            .map(|p| serde_json::json!({"file": p.file, "error": p.error.to_string()}))
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::json!({"drivers": drivers, "skipped": problems})
        )?;
    } else {
        writeln!(
            out,
            "{:<12} {:<8} {:<6} {:<24} {:<28} {:<64} {:<10} NETMIKO DEVICE TYPES",
            "NAME", "VERSION", "MODE", "MODELS", "FILE", "SHA256", "LOCK"
        )?;
        for (d, lock) in catalog.drivers.iter().zip(&locks) {
            let aliases = netmiko_aliases(&d.info.models);
            writeln!(
                out,
                "{:<12} {:<8} {:<6} {:<24} {:<28} {:<64} {:<10} {}",
                d.info.name,
                d.info.version,
                format!("{:?}", d.info.mode).to_lowercase(),
                d.info.models.join(","),
                d.file.display(),
                d.sha256,
                lock,
                if aliases.is_empty() {
                    "-".to_string()
                } else {
                    aliases.join(",")
                }
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

/// Which drivers `driver test` runs.
pub(crate) enum Selection {
    /// The drivers directory's, each on the cases of its models.
    Loaded,
    /// One driver (a name, or a .wasm file) on one case.
    One { driver: String, case: PathBuf },
    /// A driver crate, built first, on its tests/ cases or the corpus's.
    Crate {
        krate: PathBuf,
        target_dir: Option<PathBuf>,
    },
}

/// Add a `.wasm` file to the catalog; its index there.
async fn add_wasm(
    runtime: &Arc<Runtime>,
    catalog: &mut Catalog,
    file: &Path,
) -> anyhow::Result<usize> {
    let before = catalog.drivers.len();
    catalog.add_file(runtime, file).await;
    if catalog.drivers.len() == before {
        let problem = catalog.problems.last().map(|p| p.to_string());
        bail!(
            "{}",
            problem.unwrap_or_else(|| format!("{}: did not load", file.display()))
        );
    }
    Ok(catalog.drivers.len() - 1)
}

pub(crate) async fn test_drivers(
    config: Config,
    dir: DriversDir,
    corpus: Option<PathBuf>,
    selection: Selection,
    vars: Option<PathBuf>,
    checks: harness::Checks,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    // A crate's own cases sit in its tests/ folder.
    let crate_tests = match &selection {
        Selection::Crate { krate, .. } if corpus.is_none() => {
            let tests = krate.join("tests");
            if !tests.is_dir() {
                bail!(
                    "{}: no tests/ folder with recorded cases; give --corpus DIR",
                    krate.display()
                );
            }
            Some(tests)
        }
        _ => None,
    };
    let corpus = corpus.or(crate_tests);
    let vars = vars.unwrap_or_else(|| {
        let case = match &selection {
            Selection::One { case, .. } => case.parent(),
            _ => None,
        };
        let beside = corpus
            .as_deref()
            .or(case)
            .map(netraven_driver_sdk::harness::checks::sibling_vars_dir)
            .filter(|d| d.is_dir());
        beside.unwrap_or_else(|| PathBuf::from("tests/corpus/vars"))
    });
    // An explicit .wasm or a crate is tested on its own: the drivers
    // directory may not exist, or may hold an older build under the same name.
    let own = match &selection {
        Selection::One { driver, .. } => driver.ends_with(".wasm"),
        Selection::Crate { .. } => true,
        Selection::Loaded => false,
    };
    let (runtime, mut catalog) = if own {
        (Runtime::new(config.runtime.clone())?, Catalog::default())
    } else {
        load(&config, &dir).await?
    };
    let (cases, forced) = match selection {
        Selection::Loaded => {
            let Some(corpus) = &corpus else {
                bail!("give a driver and a case, --corpus DIR, or --crate DIR");
            };
            (
                harness::corpus_cases(corpus).map_err(anyhow::Error::msg)?,
                None,
            )
        }
        Selection::Crate { krate, target_dir } => {
            let target = match target_dir {
                Some(dir) => dir,
                None => authoring::default_target_dir(&krate)?,
            };
            let out = target.join("tested");
            eprintln!(
                "building {} for wasm32-wasip2 (target dir {}) ...",
                krate.display(),
                target.display()
            );
            let built = authoring::build_drivers(std::slice::from_ref(&krate), &out, &target)?;
            let index = add_wasm(&runtime, &mut catalog, &built[0]).await?;
            let corpus = corpus.expect("a crate's tests/ or --corpus");
            let models = &catalog.drivers[index].info.models;
            let cases = netraven_driver_sdk::harness::checks::cases_for(&corpus, models)
                .map_err(anyhow::Error::msg)?;
            if cases.is_empty() {
                bail!(
                    "{}: no case for the driver's models ({})",
                    corpus.display(),
                    models.join(", ")
                );
            }
            (cases, Some(index))
        }
        Selection::One { driver, case } => {
            let case = Case::at(&case).map_err(anyhow::Error::msg)?;
            let index = if driver.ends_with(".wasm") {
                add_wasm(&runtime, &mut catalog, Path::new(&driver)).await?
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
            checks,
            verbose,
            handle,
            &mut out,
        )
    })
    .await
    .context("the check runner stopped")?;
    print_summary(&report)
}

pub(crate) fn print_summary(report: &Report) -> anyhow::Result<ExitCode> {
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

pub(crate) async fn record(
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
