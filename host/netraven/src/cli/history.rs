//! `netraven history` and `netraven diff`: a device's revisions in the git archive.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::bail;
use netraven_archive::{Archive, Author};
use netraven_jobs::config::Config;

use super::jobs::{open_store, time};

// ---- history and diff --------------------------------------------------------

pub(crate) async fn archive_of(config: &Config, device: &str) -> anyhow::Result<(Archive, String)> {
    let store = open_store(config).await?;
    let group = match store.device(device).await? {
        Some(d) => d.group,
        None => bail!("device {device:?}: no such device (see `netraven devices list`)"),
    };
    store.close().await;
    if !config.git.repository.exists() {
        bail!(
            "{}: no archive yet: run a backup job first (netraven backup --device {device})",
            config.git.repository.display()
        );
    }
    let archive = Archive::open(
        &config.git.repository,
        Author {
            name: config.git.author_name.clone(),
            email: config.git.author_email.clone(),
        },
    )
    .map_err(anyhow::Error::msg)?;
    Ok((archive, group))
}

pub(crate) async fn history(config: &Config, device: &str, json: bool) -> anyhow::Result<ExitCode> {
    let (archive, group) = archive_of(config, device).await?;
    let revisions = archive
        .history(&group, device)
        .map_err(anyhow::Error::msg)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&revisions)?);
    } else if revisions.is_empty() {
        println!("{device}: no configuration archived yet");
    } else {
        for r in &revisions {
            println!(
                "{}  {}  {}",
                &r.id[..r.id.len().min(10)],
                time(r.time * 1000),
                r.subject
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn diff(
    config: &Config,
    device: &str,
    rev: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let (archive, group) = archive_of(config, device).await?;
    let text = archive
        .diff(&group, device, rev)
        .map_err(anyhow::Error::msg)?;
    if text.is_empty() {
        eprintln!("{device}: no earlier revision to compare with");
        return Ok(ExitCode::SUCCESS);
    }
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for line in text.lines() {
        if !colour {
            println!("{line}");
        } else if line.starts_with("+++") || line.starts_with("---") {
            println!("\x1b[1m{line}\x1b[0m");
        } else if line.starts_with('+') {
            println!("\x1b[32m{line}\x1b[0m");
        } else if line.starts_with('-') {
            println!("\x1b[31m{line}\x1b[0m");
        } else if line.starts_with("@@") {
            println!("\x1b[36m{line}\x1b[0m");
        } else {
            println!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
