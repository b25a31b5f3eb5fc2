//! `netraven devices`: adding, importing, listing and removing devices.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use netraven_inventory::import::{self, ColumnMap, Format, ImportOptions};
use netraven_inventory::{self as inventory, Entry, InventoryFile, Transports};
use netraven_jobs::config::Config;
use netraven_store::secrets::{Keyring, Sealed};
use netraven_store::{CredentialRow, DeviceRow, now_ms};

use super::drivers::index;
use super::jobs::open_store;
use super::*;

// ---- devices ---------------------------------------------------------------

pub(crate) async fn devices(config: &Config, command: DevicesCommand) -> anyhow::Result<ExitCode> {
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
            let (mut rows, logins) = match format {
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
            check_models(config, &file, &mut rows).await?;
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
            transport,
            telnet_port,
            zone,
        } => {
            if let Some(problem) = zone.as_deref().and_then(inventory::zone_problem) {
                bail!("--zone: {problem}");
            }
            let settings =
                transport_settings(transport.as_deref().map(Transports::from_list), telnet_port)
                    .map_err(|problem| anyhow::anyhow!("--{problem}"))?;
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
            let mut row = DeviceRow {
                name,
                address,
                port,
                model,
                group,
                enabled: !disabled,
                vars: map,
                ssh: serde_json::to_value(settings)?,
                credential: Some(credential),
                jump,
                zone,
            };
            check_models(config, Path::new("--model"), std::slice::from_mut(&mut row)).await?;
            store.upsert_devices(std::slice::from_ref(&row)).await?;
            println!("stored device {:?}", row.name);
        }
        DevicesCommand::Zone {
            group,
            device,
            zone,
            clear,
        } => {
            if let Some(problem) = zone.as_deref().and_then(inventory::zone_problem) {
                bail!("{problem}");
            }
            let zone = if clear { None } else { zone };
            let shown = zone.as_deref().unwrap_or("none");
            match (group, device) {
                (Some(group), _) => {
                    store.set_group_zone(&group, zone.as_deref()).await?;
                    println!(
                        "group {group:?}: zone {shown} (its devices without a zone of their own)"
                    );
                }
                (None, Some(name)) => {
                    if !store.set_device_zone(&name, zone.as_deref()).await? {
                        bail!("--device {name:?}: no such device (see `netraven devices list`)");
                    }
                    println!("device {name:?}: zone {shown}");
                }
                (None, None) => bail!("say which: --group GROUP or --device NAME"),
            }
        }
        DevicesCommand::Remove { name } => {
            if !store.remove_device(&name).await? {
                bail!("device {name:?}: no such device");
            }
            println!("removed device {name:?}");
        }
        // Taken by `netbox::sync` before the database is opened here.
        DevicesCommand::Sync { .. } => {}
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
pub(crate) struct Login {
    name: String,
    user: String,
    secret: Sealed,
    key_file: Option<String>,
}

/// One credential per distinct login, named after its user (`netops`,
/// `netops-2`, ...).
#[derive(Default)]
pub(crate) struct Logins(Vec<Login>);

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

/// The stored settings of a device given `transport` and `telnet_port`
/// (checked: the error names the key).
fn transport_settings(
    transport: Option<Transports>,
    telnet_port: Option<u16>,
) -> Result<Entry, String> {
    if let Some(t) = &transport {
        t.resolve()?;
    }
    if telnet_port == Some(0) {
        return Err("telnet_port: 0 is not a port number".into());
    }
    Ok(Entry {
        transport,
        telnet_port,
        ..Entry::default()
    })
}

/// Devices of an inventory file, with their settings flattened (device,
/// then group, then defaults) and their logins split off as credentials.
pub(crate) fn from_inventory(path: &Path) -> anyhow::Result<(Vec<DeviceRow>, Vec<Login>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let file: InventoryFile = toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {}",
            path.display(),
            netraven_inventory::toml_error(&text, &e)
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
            keepalive_secs,
            transport,
            telnet_port
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
            zone: None,
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
        let zone = inventory::pick(&layers, |e| e.zone.as_ref()).cloned();
        if let Some(problem) = zone.as_deref().and_then(inventory::zone_problem) {
            bail!("{}: {at}: {problem}", path.display());
        }
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
            zone,
        });
    }
    Ok((rows, logins.0))
}

pub(crate) fn from_records(
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
            ssh: serde_json::to_value(transport_settings(r.transport, r.telnet_port).map_err(
                |problem| anyhow::anyhow!("{}: line {}: {problem}", path.display(), r.line),
            )?)?,
            credential: Some(credential),
            jump: Vec::new(),
            zone: None,
        });
    }
    Ok((rows, logins.0))
}

/// Every model must have a driver: an unknown one is bad input, caught
/// before anything is stored. A Netmiko device type (`cisco_ios`) is stored
/// as the model it stands for (`ios`).
pub(crate) async fn check_models(
    config: &Config,
    file: &Path,
    rows: &mut [DeviceRow],
) -> anyhow::Result<()> {
    let (_, catalog) = index(config, &DriversDir { drivers: None }).await?;
    for row in rows.iter_mut().filter(|r| r.enabled) {
        // `cisco_ios_telnet`: the model of `cisco_ios`, reached by telnet.
        if let Some(Ok(model)) = catalog.netmiko_telnet_model(&row.model) {
            row.model = model;
            if let Some(settings) = row.ssh.as_object_mut() {
                settings
                    .entry("transport")
                    .or_insert_with(|| serde_json::json!("telnet"));
            }
            continue;
        }
        match catalog.canonical_model(&row.model) {
            Ok(model) => row.model = model,
            Err(why) => bail!(
                "{}: device {:?}: model {:?}: {why} (drivers in {})",
                file.display(),
                row.name,
                row.model,
                config.runtime.drivers_dir.display(),
            ),
        }
    }
    Ok(())
}
