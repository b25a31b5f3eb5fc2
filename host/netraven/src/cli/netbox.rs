//! `netraven devices sync netbox`: NetBox as the system of record. The
//! whole list is read first; only then is anything changed, in one write,
//! so a bad page or a refused token leaves the database as it was.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::ExitCode;

use anyhow::{Context, bail};
use netraven_inventory::netbox::{self, NetboxDevice};
use netraven_jobs::config::Config;
use netraven_sandbox::Catalog;
use netraven_store::DeviceRow;

use super::drivers::index;
use super::jobs::open_store;
use super::*;

/// The vars a synced device carries.
const ID_VAR: &str = "netbox_id";
const TAGS_VAR: &str = "netbox_tags";

/// What the sync does to one device.
enum Step {
    Create(DeviceRow),
    Update(DeviceRow, Vec<String>),
    Disable(DeviceRow, String),
    Skip(String, String),
}

pub(crate) async fn sync(config: &Config, args: NetboxArgs) -> anyhow::Result<ExitCode> {
    let token = std::env::var(&args.token_env).map_err(|_| {
        anyhow::anyhow!(
            "--token-env {}: the variable is not set (export it with the NetBox API token)",
            args.token_env
        )
    })?;
    let filters = pairs(&args.filters, "--filter")?;
    let mut platforms = config.netbox.platforms.clone();
    platforms.extend(pairs(&args.platforms, "--platform")?);
    let store = open_store(config).await?;
    if let Some(name) = &args.credential
        && !store.credentials().await?.iter().any(|c| &c.name == name)
    {
        bail!("--credential {name:?}: not stored (see `netraven credentials list`)");
    }
    let (_, catalog) = index(config, &DriversDir { drivers: None }).await?;

    let url = args.url.clone();
    let filter_list = filters.clone();
    let listed = tokio::task::spawn_blocking(move || {
        netbox::devices(&url, &token, &filter_list, |read, count| {
            eprint!("\rread {read} of {count} NetBox devices");
        })
    })
    .await?;
    eprintln!();
    let listed = listed?;

    let existing: HashMap<String, DeviceRow> = store
        .devices()
        .await?
        .into_iter()
        .map(|d| (d.name.clone(), d))
        .collect();
    let mut named: HashMap<&str, Vec<u64>> = HashMap::new();
    for device in &listed {
        if let Some(name) = &device.name {
            named.entry(name.as_str()).or_default().push(device.id);
        }
    }
    let known = Known {
        existing: &existing,
        catalog: &catalog,
        platforms: &platforms,
        credential: args.credential.as_deref(),
        adopt: args.adopt,
    };
    let mut steps = Vec::new();
    let mut seen = HashSet::new();
    for device in &listed {
        if let Some(name) = &device.name {
            seen.insert(name.clone());
            if let Some(ids) = named.get(name.as_str()).filter(|ids| ids.len() > 1) {
                let ids: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
                steps.push(Step::Skip(
                    format!("{name} (NetBox #{})", device.id),
                    format!(
                        "NetBox has {} devices of this name ({})",
                        ids.len(),
                        ids.join(", ")
                    ),
                ));
                continue;
            }
        }
        steps.extend(plan(device, &known));
    }
    // A device NetBox stopped listing is disabled, never deleted. With a
    // filter the list is partial, so nothing is inferred from absence.
    if filters.is_empty() {
        let mut gone: Vec<&DeviceRow> = existing
            .values()
            .filter(|d| d.enabled && d.vars.contains_key(ID_VAR) && !seen.contains(&d.name))
            .collect();
        gone.sort_by(|a, b| a.name.cmp(&b.name));
        let synced = existing
            .values()
            .filter(|d| d.enabled && d.vars.contains_key(ID_VAR))
            .count();
        if !gone.is_empty() && gone.len() * 2 > synced && !args.allow_disable_many {
            bail!(
                "NetBox no longer lists {} of the {synced} enabled devices synced from it; a partial answer \
                 (a token that may see fewer devices, a filter on NetBox's side) looks the same, so nothing \
                 was changed: if they are really gone, run again with --allow-disable-many",
                gone.len()
            );
        }
        for d in gone {
            let mut row = d.clone();
            row.enabled = false;
            steps.push(Step::Disable(row, "NetBox no longer lists it".into()));
        }
    }

    let (mut create, mut update, mut disable, mut skip) = (0, 0, 0, 0);
    let mut rows = Vec::new();
    for step in steps {
        match step {
            Step::Create(row) => {
                create += 1;
                println!(
                    "create  {} ({}, {}, group {}{})",
                    row.name,
                    row.model,
                    row.address,
                    row.group,
                    if row.enabled { "" } else { ", disabled" }
                );
                rows.push(row);
            }
            Step::Update(row, changes) => {
                update += 1;
                println!("update  {}: {}", row.name, changes.join(", "));
                rows.push(row);
            }
            Step::Disable(row, why) => {
                disable += 1;
                println!("disable {}: {why}", row.name);
                rows.push(row);
            }
            Step::Skip(name, why) => {
                skip += 1;
                println!("skip    {name}: {why}");
            }
        }
    }
    let verb = if args.dry_run { "would" } else { "did" };
    eprintln!(
        "{} NetBox devices: {verb} create {create}, update {update}, disable {disable}; skipped {skip}{}",
        listed.len(),
        if args.dry_run {
            " (dry run: nothing changed)"
        } else {
            ""
        }
    );
    if !args.dry_run && !rows.is_empty() {
        store
            .upsert_devices(&rows)
            .await
            .context("storing the synced devices")?;
    }
    store.close().await;
    Ok(if skip == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    })
}

/// `KEY=VALUE` arguments.
fn pairs(args: &[String], flag: &str) -> anyhow::Result<Vec<(String, String)>> {
    args.iter()
        .map(|a| match a.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => bail!("{flag} {a:?}: expected KEY=VALUE"),
        })
        .collect()
}

/// The model a platform slug stands for: the configured map first, then
/// the slug as a model, driver or Netmiko name, then with `-` read as `_`
/// (NetBox slugs like `cisco-ios` for Netmiko's `cisco_ios`).
fn model_of(
    slug: &str,
    catalog: &Catalog,
    platforms: &BTreeMap<String, String>,
) -> Result<String, String> {
    if let Some(model) = platforms.get(slug) {
        return catalog
            .canonical_model(model)
            .map_err(|why| format!("platform {slug:?} maps to model {model:?}: {why}"));
    }
    catalog
        .canonical_model(slug)
        .or_else(|_| catalog.canonical_model(&slug.replace('-', "_")))
        .map_err(|why| {
            format!(
                "platform {slug:?}: {why}; map it in [netbox.platforms] or with --platform {slug}=MODEL"
            )
        })
}

/// What `plan` weighs a NetBox device against.
struct Known<'a> {
    existing: &'a HashMap<String, DeviceRow>,
    catalog: &'a Catalog,
    platforms: &'a BTreeMap<String, String>,
    credential: Option<&'a str>,
    adopt: bool,
}

fn plan(device: &NetboxDevice, context: &Known<'_>) -> Option<Step> {
    let Known {
        existing,
        catalog,
        platforms,
        credential,
        adopt,
    } = *context;
    let Some(name) = &device.name else {
        return Some(Step::Skip(
            format!("NetBox device #{}", device.id),
            "it has no name".into(),
        ));
    };
    let skip = |why: String| Some(Step::Skip(name.clone(), why));
    let model = match device.platform.as_deref() {
        Some(slug) => match model_of(slug, catalog, platforms) {
            Ok(model) => model,
            Err(why) => return skip(why),
        },
        None => return skip("it has no platform, so no model".into()),
    };
    let active = device.status == "active";
    let old = existing.get(name);
    if let Some(old) = old {
        match old.vars.get(ID_VAR) {
            Some(id) if *id != device.id.to_string() => {
                return skip(format!("the name is taken here by NetBox device #{id}"));
            }
            None if !adopt => {
                return skip(
                    "a device of this name is here already, not from NetBox; --adopt takes it over"
                        .into(),
                );
            }
            _ => {}
        }
    }
    let address = match (&device.address, old) {
        (Some(a), _) => a.clone(),
        (None, Some(old)) if !active => old.address.clone(),
        (None, _) if !active => name.clone(),
        (None, _) => return skip("it is active but has no primary IP".into()),
    };
    let group = device.site.clone().unwrap_or_else(|| "default".into());
    let mut vars = old.map(|o| o.vars.clone()).unwrap_or_default();
    vars.insert(ID_VAR.into(), device.id.to_string());
    if device.tags.is_empty() {
        vars.remove(TAGS_VAR);
    } else {
        vars.insert(TAGS_VAR.into(), device.tags.join(","));
    }
    match old {
        None => {
            let Some(credential) = credential else {
                return skip("new here, and no --credential was given for new devices".into());
            };
            Some(Step::Create(DeviceRow {
                name: name.clone(),
                address,
                port: 22,
                model,
                group,
                enabled: active,
                vars,
                ssh: serde_json::json!({}),
                credential: Some(credential.to_string()),
                jump: Vec::new(),
                zone: None,
            }))
        }
        Some(old) => {
            let mut changes = Vec::new();
            let mut note = |what: &str, from: &str, to: &str| {
                if from != to {
                    changes.push(format!("{what} {from} -> {to}"));
                }
            };
            note("address", &old.address, &address);
            note("model", &old.model, &model);
            note(
                "enabled",
                if old.enabled { "yes" } else { "no" },
                if active { "yes" } else { "no" },
            );
            if old.vars != vars {
                changes.push("vars".into());
            }
            if changes.is_empty() {
                return None;
            }
            // The group stays: it names the device's folder in the archive.
            let row = DeviceRow {
                address,
                model,
                enabled: active,
                vars,
                ..old.clone()
            };
            if !active && old.enabled && changes.len() == 1 {
                return Some(Step::Disable(
                    row,
                    format!("its NetBox status is {}", device.status),
                ));
            }
            Some(Step::Update(row, changes))
        }
    }
}
