//! `netraven history`, `diff`, `search` and `archive push`: the git archive.

use std::io::{IsTerminal, Write};
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
    let archive = open_archive(config, &format!("netraven backup --device {device}"))?;
    Ok((archive, group))
}

/// The configured archive, which a backup job must have made (`first`
/// says which command makes one).
fn open_archive(config: &Config, first: &str) -> anyhow::Result<Archive> {
    if !config.git.repository.exists() {
        bail!(
            "{}: no archive yet: run a backup job first ({first})",
            config.git.repository.display()
        );
    }
    Archive::open(
        &config.git.repository,
        Author {
            name: config.git.author_name.clone(),
            email: config.git.author_email.clone(),
        },
    )
    .map_err(anyhow::Error::msg)
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

// ---- search ------------------------------------------------------------------

/// One line of an archived configuration that matched.
#[derive(serde::Serialize)]
struct Found<'a> {
    device: &'a str,
    group: &'a str,
    /// 1-based.
    line: usize,
    text: &'a str,
}

/// Lines matching `pattern` in the newest archived configuration of every
/// device (of `group`), as `group/device:line:text`, the matches coloured on
/// a terminal. Exit code 0 when a line matched, 1 when none did, as grep.
pub(crate) fn search(
    config: &Config,
    pattern: &str,
    group: Option<&str>,
    ignore_case: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let regex = regex::RegexBuilder::new(pattern)
        .case_insensitive(ignore_case)
        .build()
        .map_err(|e| {
            // The regex crate's message spans lines; the last says what is wrong.
            let why = e.to_string();
            let why = why.lines().last().unwrap_or_default().trim().to_string();
            anyhow::anyhow!("search pattern {pattern:?}: {why}")
        })?;
    let archive = open_archive(config, "netraven backup --all")?;
    let configs = archive.newest().map_err(anyhow::Error::msg)?;
    let folder = group.map(netraven_archive::path_part);
    let colour = !json && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut found = Vec::new();
    for (group, name, text) in &configs {
        if folder.as_ref().is_some_and(|f| f != group) {
            continue;
        }
        for (index, line) in text.lines().enumerate() {
            if regex.is_match(line) {
                found.push(Found {
                    device: name,
                    group,
                    line: index + 1,
                    text: line,
                });
            }
        }
    }
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&found)?)?;
    } else {
        for f in &found {
            // A terminal gets no control characters from a device's text.
            let shown: String;
            let line = if colour {
                shown = f.text.replace(|c: char| c.is_control() && c != '\t', "?");
                shown.as_str()
            } else {
                f.text
            };
            let text = if colour {
                regex.replace_all(line, "\x1b[1;31m$0\x1b[0m")
            } else {
                line.into()
            };
            let place = if colour {
                format!(
                    "\x1b[35m{}/{}\x1b[0m:\x1b[32m{}\x1b[0m",
                    f.group, f.device, f.line
                )
            } else {
                format!("{}/{}:{}", f.group, f.device, f.line)
            };
            writeln!(out, "{place}:{text}")?;
        }
    }
    Ok(if found.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

// ---- push ----------------------------------------------------------------------

/// `netraven archive push`: each remote (or the one named), now.
pub(crate) async fn push(config: &Config, only: Option<&str>) -> anyhow::Result<ExitCode> {
    use netraven_archive::push::{Pushed, push};
    let remotes: Vec<_> = config
        .git
        .remotes
        .iter()
        .filter(|r| only.is_none_or(|name| r.name == name))
        .cloned()
        .collect();
    if remotes.is_empty() {
        let known: Vec<&str> = config.git.remotes.iter().map(|r| r.name.as_str()).collect();
        match only {
            Some(name) => bail!(
                "no remote named {name:?} in [[git.remotes]] (configured: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ),
            None => bail!(
                "no [[git.remotes]] configured: nothing to push to (see README, \"Pushing the archive\")"
            ),
        }
    }
    // The same check as every archive command: there, and an archive.
    open_archive(config, "netraven backup --all")?;
    let repository = config.git.repository.clone();
    let mut failed = 0;
    for remote in remotes {
        let repository = repository.clone();
        let shown = format!("{} ({})", remote.name, remote.shown_url());
        match tokio::task::spawn_blocking(move || push(&repository, &remote)).await? {
            Ok(Pushed::Sent { to }) => {
                println!("{shown}: pushed up to {}", &to[..to.len().min(10)])
            }
            Ok(Pushed::UpToDate) => println!("{shown}: up to date"),
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_FAILED)
    })
}
