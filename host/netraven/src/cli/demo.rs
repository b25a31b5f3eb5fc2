//! `netraven demo`: build the drivers, replay the corpus, then back up a simulated lab over SSH.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use netraven_authoring as authoring;
use netraven_jobs::config::Config;

use super::drivers::{build, test_drivers};
use super::*;

pub(crate) async fn demo(config: Config, corpus: &Path) -> anyhow::Result<ExitCode> {
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
    let checks = test_drivers(
        config.clone(),
        DriversDir { drivers: None },
        Some(corpus.to_path_buf()),
        super::drivers::Selection::Loaded,
        None,
        netraven_sandbox::harness::Checks::Corpus,
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
pub(crate) async fn demo_over_ssh(config: &Config, corpus: &Path) -> anyhow::Result<ExitCode> {
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
    let imported = devices::devices(
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
                netraven_jobs::BACKUP,
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
                history::history(config, &first.device, false).await?;
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
pub(crate) fn sim_binary() -> anyhow::Result<PathBuf> {
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
