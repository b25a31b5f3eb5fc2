//! The database-backed commands: devices, credentials, jobs, history.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use super::{DriversDir, load};
use crate::archive::{Archive, Author};
use crate::config::Config;
use crate::import::{self, ColumnMap, Format, ImportOptions};
use crate::inventory::{self, Entry, InventoryFile};
use crate::jobs::{self, ProgressFn, Summary, Tick, Worker};
use crate::secrets::{Keyring, Sealed};
use crate::store::{CredentialRow, DeviceRow, Store, now_ms};

#[derive(Debug, Subcommand)]
pub enum DevicesCommand {
    /// Import devices from a file; existing devices of the same name are replaced.
    ///
    /// Formats, chosen by the file name unless --format says:
    ///   *.toml      an inventory file ([defaults], [groups.X], [[jump_hosts]], [[devices]];
    ///               see `netraven backup --help`); secrets become sealed credentials
    ///   router.db   Oxidized's colon-separated list, no header; columns from --columns
    ///               (default name,model)
    ///   *.csv       comma-separated with a header row naming the columns
    ///
    /// Columns: name, address (ip, host), port, model, group, user (username), password,
    /// enable, credential, enabled, var:KEY; "-" skips one. Without an address the name is
    /// dialled. Rows with a user/password get a credential per distinct login; rows without
    /// use --credential.
    ///
    /// Examples:
    ///   netraven devices import lab.toml
    ///   netraven devices import router.db --columns name,address,model,group,user,password
    ///   netraven devices import switches.csv --credential ops
    #[command(verbatim_doc_comment)]
    Import {
        file: PathBuf,
        /// toml, routerdb or csv [default: from the file name].
        #[arg(long)]
        format: Option<String>,
        /// Column map for router.db or a header-less CSV, e.g. name,model,user,password.
        #[arg(long, value_name = "LIST")]
        columns: Option<String>,
        /// Field separator (one character) [default: ':' for router.db, ',' otherwise].
        #[arg(long, value_name = "CHAR")]
        delimiter: Option<char>,
        /// Stored credential for rows that carry no login of their own.
        #[arg(long, value_name = "NAME")]
        credential: Option<String>,
        /// Group for rows that name none [default: default].
        #[arg(long, value_name = "GROUP")]
        group: Option<String>,
    },
    /// List devices.
    List {
        /// Only this group.
        #[arg(long)]
        group: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add (or replace) one device.
    ///
    /// Example:
    ///   netraven devices add core-1 --address 10.0.0.1 --model ios --group core --credential ops
    #[command(verbatim_doc_comment)]
    Add {
        name: String,
        #[arg(long)]
        address: String,
        #[arg(long, default_value_t = 22)]
        port: u16,
        /// Driver model, e.g. ios, junos, eos (`netraven drivers list` shows them).
        #[arg(long)]
        model: String,
        #[arg(long, default_value = "default")]
        group: String,
        /// Stored credential (`netraven credentials add`).
        #[arg(long)]
        credential: String,
        /// A driver var, KEY=VALUE (repeatable).
        #[arg(long = "var", value_name = "KEY=VALUE")]
        vars: Vec<String>,
        /// Jump host: another device's name (repeatable, first hop first).
        #[arg(long = "jump", value_name = "DEVICE")]
        jump: Vec<String>,
        /// Store the device disabled (not backed up; still usable as a jump host).
        #[arg(long)]
        disabled: bool,
    },
    /// Remove a device (its archived configurations stay in git).
    Remove { name: String },
    /// Show one device.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Store a login, sealed with the credentials key. The password (and, on a second line,
    /// the enable secret) is read from standard input or from environment variables; it is
    /// never taken on the command line, where `ps` would show it.
    ///
    /// Examples:
    ///   printf '%s\n' "$PW" "$ENABLE" | netraven credentials add ops --user netops --stdin
    ///   netraven credentials add lab --user admin --password-env LAB_PW
    #[command(verbatim_doc_comment)]
    Add {
        name: String,
        #[arg(long)]
        user: String,
        /// Read the password, then optionally the enable secret, one per line from stdin.
        #[arg(long)]
        stdin: bool,
        /// Environment variable holding the password.
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
        /// Environment variable holding the enable secret.
        #[arg(long, value_name = "VAR")]
        enable_env: Option<String>,
        /// Private key file for public-key login.
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
    },
    /// List credentials (names and users; never a secret).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a credential.
    Remove { name: String },
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Create a backup job over the selected devices without running it; prints its id for
    /// `netraven run-job ID` (what a scheduler does).
    Create {
        #[command(flatten)]
        selection: Selection,
        #[arg(long)]
        json: bool,
    },
    /// The newest jobs.
    List {
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// One job: its devices' results and its log.
    Show {
        id: i64,
        /// Also print each device's redacted session transcript.
        #[arg(long)]
        transcripts: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct Selection {
    /// This device (repeatable).
    #[arg(long = "device", value_name = "NAME")]
    pub devices: Vec<String>,
    /// Every enabled device of this group.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// Every enabled device.
    #[arg(long)]
    pub all: bool,
}

/// Open the database (migrating it) and say where it is on failure.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    Ok(Store::open(&config.database).await?)
}

pub async fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    let store = Store::connect(&config.database).await?;
    let applied = store.migrate().await?;
    if applied.is_empty() {
        println!("{}: schema is up to date", store.url());
    } else {
        println!("{}: applied migrations {applied:?}", store.url());
    }
    Ok(ExitCode::SUCCESS)
}

// ---- devices ---------------------------------------------------------------

pub async fn devices(config: &Config, command: DevicesCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(config).await?;
    match command {
        DevicesCommand::Import {
            file,
            format,
            columns,
            delimiter,
            credential,
            group,
        } => {
            let format = match format.as_deref() {
                Some("toml") => None,
                Some("routerdb") | Some("router.db") => Some(Format::RouterDb),
                Some("csv") => Some(Format::Csv),
                Some(other) => bail!("--format {other:?}: use toml, routerdb or csv"),
                None if file.extension().is_some_and(|e| e == "toml") => None,
                None => Some(ImportOptions::for_path(&file).format),
            };
            let (rows, logins) = match format {
                None => from_inventory(&file)?,
                Some(format) => {
                    let mut options = ImportOptions::for_path(&file);
                    options.format = format;
                    if let Some(d) = delimiter {
                        options.delimiter = u8::try_from(d)
                            .ok()
                            .filter(u8::is_ascii)
                            .context("--delimiter: must be one ASCII character")?;
                    }
                    if let Some(spec) = columns {
                        options.columns = Some(
                            ColumnMap::parse(&spec)
                                .map_err(|e| anyhow::anyhow!("--columns: {e}"))?,
                        );
                    }
                    let records = import::load(&file, &options).map_err(anyhow::Error::msg)?;
                    from_records(&file, records, credential.as_deref(), group.as_deref())?
                }
            };
            check_models(config, &file, &rows).await?;
            let stored: Vec<String> = store
                .credentials()
                .await?
                .into_iter()
                .map(|c| c.name)
                .collect();
            for row in &rows {
                if let Some(c) = &row.credential
                    && !stored.contains(c)
                    && !logins.iter().any(|l| &l.name == c)
                {
                    bail!(
                        "{}: device {:?}: credential {c:?} is not stored (add it with `netraven credentials add {c} --user ...`)",
                        file.display(),
                        row.name
                    );
                }
            }
            let mut rows = rows;
            let mut added = 0;
            if !logins.is_empty() {
                let keyring = Keyring::load(&config.credentials.key_file, true)
                    .map_err(anyhow::Error::msg)?;
                let stored = store.credentials().await?;
                // A stored credential is never overwritten: a login it
                // already holds is reused, a different one gets a free name.
                let mut taken: std::collections::HashSet<String> =
                    stored.iter().map(|c| c.name.clone()).collect();
                taken.extend(logins.iter().map(|l| l.name.clone()));
                let mut renamed = std::collections::HashMap::new();
                for login in &logins {
                    let same = stored.iter().find(|c| {
                        c.username == login.user
                            && c.key_file == login.key_file
                            && keyring.open(&c.name, &c.sealed).is_ok_and(|s| {
                                s.password == login.secret.password
                                    && s.enable == login.secret.enable
                            })
                    });
                    if let Some(c) = same {
                        renamed.insert(login.name.clone(), c.name.clone());
                        continue;
                    }
                    let mut name = login.name.clone();
                    if stored.iter().any(|c| c.name == name) {
                        let mut n = 2;
                        while taken.contains(&format!("{}-{n}", login.user)) {
                            n += 1;
                        }
                        name = format!("{}-{n}", login.user);
                        taken.insert(name.clone());
                        renamed.insert(login.name.clone(), name.clone());
                    }
                    store
                        .put_credential(&CredentialRow {
                            name: name.clone(),
                            username: login.user.clone(),
                            sealed: keyring
                                .seal(&name, &login.secret)
                                .map_err(anyhow::Error::msg)?,
                            key_file: login.key_file.clone(),
                            created_at: now_ms(),
                        })
                        .await?;
                    added += 1;
                }
                for row in &mut rows {
                    if let Some(new) = row.credential.as_ref().and_then(|c| renamed.get(c)) {
                        row.credential = Some(new.clone());
                    }
                }
            }
            store.upsert_devices(&rows).await?;
            println!(
                "imported {} devices and {} new credentials from {} into {}",
                rows.len(),
                added,
                file.display(),
                store.url()
            );
        }
        DevicesCommand::List { group, json } => {
            let all: Vec<DeviceRow> = store
                .devices()
                .await?
                .into_iter()
                .filter(|d| group.as_ref().is_none_or(|g| &d.group == g))
                .collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                println!(
                    "{:<24} {:<18} {:>5}  {:<12} {:<12} {:<12} enabled",
                    "NAME", "ADDRESS", "PORT", "MODEL", "GROUP", "CREDENTIAL"
                );
                for d in &all {
                    println!(
                        "{:<24} {:<18} {:>5}  {:<12} {:<12} {:<12} {}",
                        d.name,
                        d.address,
                        d.port,
                        d.model,
                        d.group,
                        d.credential.as_deref().unwrap_or("-"),
                        if d.enabled { "yes" } else { "no" }
                    );
                }
                eprintln!("{} devices", all.len());
            }
        }
        DevicesCommand::Add {
            name,
            address,
            port,
            model,
            group,
            credential,
            vars,
            jump,
            disabled,
        } => {
            let mut map = BTreeMap::new();
            for v in vars {
                let (k, val) = v
                    .split_once('=')
                    .with_context(|| format!("--var {v:?}: expected KEY=VALUE"))?;
                map.insert(k.to_string(), val.to_string());
            }
            if !store
                .credentials()
                .await?
                .iter()
                .any(|c| c.name == credential)
            {
                bail!("--credential {credential:?}: not stored (see `netraven credentials list`)");
            }
            for hop in &jump {
                if hop != &name && store.device(hop).await?.is_none() {
                    bail!("--jump {hop:?}: no device of that name");
                }
            }
            let row = DeviceRow {
                name,
                address,
                port,
                model,
                group,
                enabled: !disabled,
                vars: map,
                ssh: serde_json::json!({}),
                credential: Some(credential),
                jump,
            };
            check_models(config, Path::new("--model"), std::slice::from_ref(&row)).await?;
            store.upsert_devices(std::slice::from_ref(&row)).await?;
            println!("stored device {:?}", row.name);
        }
        DevicesCommand::Remove { name } => {
            if !store.remove_device(&name).await? {
                bail!("device {name:?}: no such device");
            }
            println!("removed device {name:?}");
        }
        DevicesCommand::Show { name, json } => {
            let d = store
                .device(&name)
                .await?
                .with_context(|| format!("device {name:?}: no such device"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                println!("name        {}", d.name);
                println!("address     {}:{}", d.address, d.port);
                println!("model       {}", d.model);
                println!("group       {}", d.group);
                println!("enabled     {}", d.enabled);
                println!("credential  {}", d.credential.as_deref().unwrap_or("-"));
                if !d.jump.is_empty() {
                    println!("jump        {}", d.jump.join(" -> "));
                }
                for (k, v) in &d.vars {
                    println!("var         {k} = {v}");
                }
                if d.ssh.as_object().is_some_and(|o| !o.is_empty()) {
                    println!("ssh         {}", d.ssh);
                }
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// A login found in an import file, to be sealed as a credential.
struct Login {
    name: String,
    user: String,
    secret: Sealed,
    key_file: Option<String>,
}

/// One credential per distinct login, named after its user (`netops`,
/// `netops-2`, ...).
#[derive(Default)]
struct Logins(Vec<Login>);

impl Logins {
    fn name_for(
        &mut self,
        user: &str,
        password: Option<String>,
        enable: Option<String>,
        key_file: Option<String>,
    ) -> String {
        if let Some(l) = self.0.iter().find(|l| {
            l.user == user
                && l.secret.password == password
                && l.secret.enable == enable
                && l.key_file == key_file
        }) {
            return l.name.clone();
        }
        let same_user = self.0.iter().filter(|l| l.user == user).count();
        let name = if same_user == 0 {
            user.to_string()
        } else {
            format!("{user}-{}", same_user + 1)
        };
        self.0.push(Login {
            name: name.clone(),
            user: user.to_string(),
            secret: Sealed { password, enable },
            key_file,
        });
        name
    }
}

/// Devices of an inventory file, with their settings flattened (device,
/// then group, then defaults) and their logins split off as credentials.
fn from_inventory(path: &Path) -> anyhow::Result<(Vec<DeviceRow>, Vec<Login>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let file: InventoryFile = toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {}",
            path.display(),
            crate::config::toml_error(&text, &e)
        )
    })?;
    let env = |name: &str| std::env::var(name).ok();
    let mut logins = Logins::default();
    let mut rows = Vec::new();
    let flatten = |at: &str,
                   layers: &[&Entry],
                   logins: &mut Logins|
     -> anyhow::Result<(Entry, Option<String>)> {
        let mut e = Entry::default();
        macro_rules! take {
            ($($f:ident),*) => { $( e.$f = inventory::pick(layers, |l| l.$f.as_ref()).cloned(); )* };
        }
        take!(
            host_key_policy,
            kex,
            host_key_algorithms,
            ciphers,
            macs,
            connect_timeout_secs,
            read_timeout_secs,
            keepalive_secs
        );
        e.host_key = layers[0].host_key.clone();
        let named = inventory::pick(layers, |l| l.credential.as_ref()).cloned();
        if let Some(name) = named {
            return Ok((e, Some(name)));
        }
        // Resolving the target checks the login the same way `backup
        // --inventory` does (missing user, unset env var, bad algorithms).
        let mut probe: Vec<&Entry> = layers.to_vec();
        let placeholder = Entry {
            address: Some("-".into()),
            ..Entry::default()
        };
        if layers[0].address.is_none() {
            probe.push(&placeholder);
        }
        let target = inventory::target_of(at, &probe, &env, Vec::new())
            .map_err(|m| anyhow::anyhow!("{}: {m}", path.display()))?;
        let name = logins.name_for(
            &target.user,
            target.password.map(|s| s.expose().to_string()),
            target.enable.map(|s| s.expose().to_string()),
            target.key_file.map(|k| k.display().to_string()),
        );
        Ok((e, Some(name)))
    };
    let mut seen = std::collections::HashSet::new();
    for (i, j) in file.jump_hosts.iter().enumerate() {
        let name = j
            .name
            .clone()
            .with_context(|| format!("{}: jump host #{}: name: missing", path.display(), i + 1))?;
        let at = format!("jump host {name:?}");
        let (ssh, credential) = flatten(&at, &[j, &file.defaults], &mut logins)?;
        seen.insert(name.clone());
        rows.push(DeviceRow {
            address: j
                .address
                .clone()
                .with_context(|| format!("{}: {at}: address: missing", path.display()))?,
            port: j.port.or(file.defaults.port).unwrap_or(22),
            model: j.model.clone().unwrap_or_else(|| "linuxgeneric".into()),
            group: "jump".into(),
            enabled: false,
            vars: BTreeMap::new(),
            ssh: serde_json::to_value(ssh)?,
            credential,
            jump: Vec::new(),
            name,
        });
    }
    for (i, d) in file.devices.iter().enumerate() {
        let name = d
            .name
            .clone()
            .with_context(|| format!("{}: device #{}: name: missing", path.display(), i + 1))?;
        let at = format!("device {name:?}");
        if !seen.insert(name.clone()) {
            bail!("{}: {at}: defined twice", path.display());
        }
        let group_name = d
            .group
            .clone()
            .or_else(|| file.defaults.group.clone())
            .unwrap_or_else(|| "default".into());
        let group = file.groups.get(&group_name);
        let mut layers: Vec<&Entry> = vec![d];
        layers.extend(group);
        layers.push(&file.defaults);
        let model = inventory::pick(&layers, |e| e.model.as_ref())
            .cloned()
            .with_context(|| format!("{}: {at}: model: missing", path.display()))?;
        let address = d
            .address
            .clone()
            .with_context(|| format!("{}: {at}: address: missing", path.display()))?;
        let mut vars = file.defaults.vars.clone();
        if let Some(g) = group {
            vars.extend(g.vars.clone());
        }
        vars.extend(d.vars.clone());
        let jump = inventory::pick(&layers, |e| e.jump.as_ref())
            .cloned()
            .unwrap_or_default();
        for hop in &jump {
            if !file.jump_hosts.iter().any(|j| j.name.as_ref() == Some(hop)) {
                bail!("{}: {at}: jump: no jump host named {hop:?}", path.display());
            }
        }
        let (ssh, credential) = flatten(&at, &layers, &mut logins)?;
        rows.push(DeviceRow {
            name,
            address,
            port: inventory::pick(&layers, |e| e.port.as_ref())
                .copied()
                .unwrap_or(22),
            model,
            group: group_name,
            enabled: d.enabled != Some(false),
            vars,
            ssh: serde_json::to_value(ssh)?,
            credential,
            jump,
        });
    }
    Ok((rows, logins.0))
}

fn from_records(
    path: &Path,
    records: Vec<import::Record>,
    credential: Option<&str>,
    group: Option<&str>,
) -> anyhow::Result<(Vec<DeviceRow>, Vec<Login>)> {
    let mut logins = Logins::default();
    let mut rows = Vec::with_capacity(records.len());
    for r in records {
        let credential = match (&r.credential, &r.user) {
            (Some(c), _) => c.clone(),
            (None, Some(user)) => logins.name_for(user, r.password.clone(), r.enable.clone(), None),
            (None, None) => match credential {
                Some(c) => c.to_string(),
                None => bail!(
                    "{}: line {}: device {:?}: no login: give user/password columns, a credential column or --credential NAME",
                    path.display(),
                    r.line,
                    r.name
                ),
            },
        };
        rows.push(DeviceRow {
            name: r.name,
            address: r.address,
            port: r.port.unwrap_or(22),
            model: r.model,
            group: r
                .group
                .or_else(|| group.map(String::from))
                .unwrap_or_else(|| "default".into()),
            enabled: r.enabled.unwrap_or(true),
            vars: r.vars,
            ssh: serde_json::json!({}),
            credential: Some(credential),
            jump: Vec::new(),
        });
    }
    Ok((rows, logins.0))
}

/// Every model must have a driver: an unknown one is bad input, caught
/// before anything is stored.
async fn check_models(config: &Config, file: &Path, rows: &[DeviceRow]) -> anyhow::Result<()> {
    let (_, catalog) = load(config, &DriversDir { drivers: None }).await?;
    for row in rows.iter().filter(|r| r.enabled) {
        if catalog.for_model(&row.model).is_none() {
            let mut known: Vec<&str> = catalog
                .drivers
                .iter()
                .flat_map(|d| d.info.models.iter().map(String::as_str))
                .collect();
            known.sort();
            bail!(
                "{}: device {:?}: model {:?}: no driver handles it (drivers in {}: {}{})",
                file.display(),
                row.name,
                row.model,
                config.runtime.drivers_dir.display(),
                known
                    .iter()
                    .take(12)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
                if known.len() > 12 { ", ..." } else { "" }
            );
        }
    }
    Ok(())
}

// ---- credentials -----------------------------------------------------------

pub async fn credentials(config: &Config, command: CredentialsCommand) -> anyhow::Result<ExitCode> {
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

// ---- jobs --------------------------------------------------------------------

/// Create a job over the selected devices; returns its id.
pub async fn create_job(
    store: &Store,
    kind: &str,
    selection: &Selection,
    params: serde_json::Value,
) -> anyhow::Result<i64> {
    let all = store.devices().await?;
    for name in &selection.devices {
        if !all.iter().any(|d| &d.name == name) {
            bail!("--device {name:?}: no such device (see `netraven devices list`)");
        }
    }
    if selection.devices.is_empty() && selection.group.is_none() && !selection.all {
        bail!("say which devices: --device NAME, --group GROUP or --all");
    }
    let names: Vec<String> = all
        .into_iter()
        .filter(|d| {
            selection.devices.contains(&d.name)
                || (d.enabled && (selection.all || selection.group.as_ref() == Some(&d.group)))
        })
        .map(|d| d.name)
        .collect();
    if names.is_empty() {
        bail!("no enabled device matches the selection");
    }
    let by = std::env::var("USER").unwrap_or_else(|_| "netraven".into());
    Ok(store
        .create_job(kind, &format!("cli:{by}"), &params, &names)
        .await?)
}

pub async fn run_job(
    config: &Config,
    id: i64,
    json: bool,
    store: &Store,
) -> anyhow::Result<ExitCode> {
    let (runtime, catalog) = load(config, &DriversDir { drivers: None }).await?;
    let worker = Worker::new(config.clone(), store.clone(), runtime, Arc::new(catalog))
        .map_err(anyhow::Error::msg)?;
    let progress = Progress::start(id);
    let summary = worker.run_job(id, progress.callback()).await.map_err(|e| {
        progress.finish();
        if e.starts_with(&format!("job {id}")) {
            anyhow::Error::msg(e)
        } else {
            anyhow::anyhow!("job {id}: {e}")
        }
    })?;
    progress.finish();
    if json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(&summary, config);
    }
    Ok(ExitCode::from(summary.exit_code()))
}

fn print_summary(s: &Summary, config: &Config) {
    println!(
        "job {} {}: {} of {} devices succeeded, {} failed, {} changed ({:.1}s, {:.1} devices/s)",
        s.job,
        s.status,
        s.succeeded,
        s.devices,
        s.failed,
        s.changed,
        s.seconds,
        s.ran as f64 / s.seconds.max(1e-9)
    );
    for f in s.failures.iter().take(20) {
        println!("  {}: {}: {}", f.device, f.class, f.message);
    }
    if s.failures.len() > 20 {
        println!(
            "  ... and {} more: netraven jobs show {}",
            s.failures.len() - 20,
            s.job
        );
    }
    if s.kind == jobs::BACKUP {
        println!(
            "configs: {} (netraven history DEVICE, netraven diff DEVICE)",
            config.git.repository.display()
        );
    }
}

/// Progress: a bar on a terminal, a plain line every few seconds elsewhere.
struct Progress {
    state: Arc<Mutex<ProgressState>>,
}

struct ProgressState {
    job: i64,
    bar: Option<indicatif::ProgressBar>,
    done: u64,
    failed: u64,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    fn start(job: i64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "job {prefix} [{bar:30}] {pos}/{len} {msg} {per_sec} ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(job.to_string());
            bar
        });
        let now = Instant::now();
        Progress {
            state: Arc::new(Mutex::new(ProgressState {
                job,
                bar,
                done: 0,
                failed: 0,
                started: now,
                last_line: now,
            })),
        }
    }

    fn callback(&self) -> ProgressFn {
        let state = self.state.clone();
        Arc::new(move |tick: &Tick| {
            let Ok(mut s) = state.lock() else { return };
            s.done += 1;
            if !tick.ok {
                s.failed += 1;
            }
            let (done, failed) = (s.done, s.failed);
            if let Some(bar) = &s.bar {
                bar.set_length(tick.total as u64);
                bar.set_position(done);
                bar.set_message(format!("failed {failed}"));
            } else if s.last_line.elapsed().as_secs() >= 5 {
                s.last_line = Instant::now();
                let rate = done as f64 / s.started.elapsed().as_secs_f64().max(1e-9);
                eprintln!(
                    "job {}: {done}/{} done, {failed} failed, {rate:.1} devices/s, ETA {:.0}s",
                    s.job,
                    tick.total,
                    (tick.total as f64 - done as f64).max(0.0) / rate.max(1e-9)
                );
            }
        })
    }

    fn finish(&self) {
        if let Ok(s) = self.state.lock()
            && let Some(bar) = &s.bar
        {
            bar.finish_and_clear();
        }
    }
}

pub async fn jobs(config: &Config, command: JobsCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(config).await?;
    match command {
        JobsCommand::Create { selection, json } => {
            let id = create_job(&store, jobs::BACKUP, &selection, serde_json::json!({})).await?;
            let devices = store.job_device_count(id).await?;
            if json {
                println!("{}", serde_json::json!({ "job": id, "devices": devices }));
            } else {
                println!("created backup job {id} over {devices} devices: netraven run-job {id}");
            }
        }
        JobsCommand::List { limit, json } => {
            let all = store.jobs(limit).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                println!(
                    "{:>6}  {:<9} {:<10} {:<20} BY",
                    "ID", "KIND", "STATUS", "CREATED"
                );
                for j in &all {
                    println!(
                        "{:>6}  {:<9} {:<10} {:<20} {}",
                        j.id,
                        j.kind,
                        j.status,
                        time(j.created_at),
                        j.created_by
                    );
                }
            }
        }
        JobsCommand::Show {
            id,
            transcripts,
            json,
        } => {
            let job = store
                .job(id)
                .await?
                .with_context(|| format!("job {id}: no such job (see `netraven jobs list`)"))?;
            let results = store.results(id).await?;
            let logs = store.logs(id).await?;
            let conns = if transcripts {
                store.connection_logs(id, None).await?
            } else {
                Vec::new()
            };
            if json {
                let v = serde_json::json!({
                    "job": job, "results": results, "logs": logs, "connection_logs": conns,
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!(
                    "job {} {} {} (created {} by {}, started {}, finished {})",
                    job.id,
                    job.kind,
                    job.status,
                    time(job.created_at),
                    job.created_by,
                    job.started_at.map(time).unwrap_or("-".into()),
                    job.finished_at.map(time).unwrap_or("-".into())
                );
                println!(
                    "\n{:<24} {:<7} {:>8} {:>4}  {:<10} DETAIL",
                    "DEVICE", "STATUS", "MS", "TRY", "COMMIT"
                );
                for r in &results {
                    let detail = match (&r.error_class, &r.message) {
                        (Some(c), Some(m)) => format!("{c}: {m}"),
                        _ if r.changed => "changed".into(),
                        _ => "unchanged".into(),
                    };
                    println!(
                        "{:<24} {:<7} {:>8} {:>4}  {:<10} {}",
                        r.device,
                        r.status,
                        r.duration_ms,
                        r.attempts,
                        r.commit_id
                            .as_deref()
                            .map(|c| &c[..c.len().min(10)])
                            .unwrap_or("-"),
                        detail
                    );
                    if let Some(out) = &r.output {
                        println!("{out}");
                    }
                }
                println!("\nlog:");
                for l in &logs {
                    println!(
                        "  {} {:<5} {}{}",
                        time(l.at),
                        l.level,
                        l.device
                            .as_deref()
                            .map(|d| format!("{d}: "))
                            .unwrap_or_default(),
                        l.message
                    );
                }
                for c in &conns {
                    println!(
                        "\n--- {} (attempt {}) ---\n{}",
                        c.device, c.attempt, c.transcript
                    );
                }
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Unix milliseconds as UTC `YYYY-MM-DD HH:MM:SS`.
pub fn time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

// ---- history and diff --------------------------------------------------------

async fn archive_of(config: &Config, device: &str) -> anyhow::Result<(Archive, String)> {
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

pub async fn history(config: &Config, device: &str, json: bool) -> anyhow::Result<ExitCode> {
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

pub async fn diff(config: &Config, device: &str, rev: Option<&str>) -> anyhow::Result<ExitCode> {
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
