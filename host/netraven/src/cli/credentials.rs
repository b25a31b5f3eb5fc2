//! `netraven credentials`: logins sealed in the database.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, bail};
use netraven_jobs::config::Config;
use netraven_store::secrets::{Keyring, Sealed};
use netraven_store::{CredentialRow, now_ms};

use super::jobs::open_store;
use super::*;

// ---- credentials -----------------------------------------------------------

pub(crate) async fn credentials(
    config: &Config,
    command: CredentialsCommand,
) -> anyhow::Result<ExitCode> {
    let store = open_store(config).await?;
    match command {
        CredentialsCommand::Add {
            name,
            user,
            stdin,
            password_env,
            enable_env,
            key_file,
        } => {
            let env = |var: &Option<String>, what: &str| -> anyhow::Result<Option<String>> {
                var.as_ref()
                    .map(|v| {
                        std::env::var(v).with_context(|| {
                            format!("--{what}-env: environment variable {v} is not set")
                        })
                    })
                    .transpose()
            };
            let mut password = env(&password_env, "password")?;
            let mut enable = env(&enable_env, "enable")?;
            if stdin {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .context("--stdin: cannot read standard input")?;
                let mut lines = text.lines();
                password = password.or(lines.next().map(String::from));
                enable = enable.or(lines.next().map(String::from).filter(|s| !s.is_empty()));
            }
            if password.is_none() && key_file.is_none() {
                bail!("credential {name:?}: no secret: use --stdin, --password-env or --key-file");
            }
            let keyring =
                Keyring::load(&config.credentials.key_file, true).map_err(anyhow::Error::msg)?;
            store
                .put_credential(&CredentialRow {
                    sealed: keyring
                        .seal(&name, &Sealed { password, enable })
                        .map_err(anyhow::Error::msg)?,
                    name: name.clone(),
                    username: user,
                    key_file: key_file.map(|k| k.display().to_string()),
                    created_at: now_ms(),
                })
                .await?;
            println!(
                "stored credential {name:?} (sealed with the {})",
                keyring.source
            );
        }
        CredentialsCommand::List { json } => {
            let all = store.credentials().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                println!("{:<24} {:<16} KEY FILE", "NAME", "USER");
                for c in &all {
                    println!(
                        "{:<24} {:<16} {}",
                        c.name,
                        c.username,
                        c.key_file.as_deref().unwrap_or("-")
                    );
                }
            }
        }
        CredentialsCommand::Remove { name } => {
            let users: Vec<String> = store
                .devices()
                .await?
                .into_iter()
                .filter(|d| d.credential.as_deref() == Some(&name))
                .map(|d| d.name)
                .collect();
            if !users.is_empty() {
                bail!(
                    "credential {name:?}: still used by {} device(s), e.g. {:?}; change or remove them first",
                    users.len(),
                    users[0]
                );
            }
            if !store.remove_credential(&name).await? {
                bail!("credential {name:?}: no such credential");
            }
            println!("removed credential {name:?}");
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
