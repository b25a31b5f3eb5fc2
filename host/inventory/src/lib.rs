//! Inventory files: the devices to back up and how to reach them, in TOML.
//!
//! ```toml
//! [defaults]                 # every device, unless its group or itself says otherwise
//! user = "netraven"
//! password_env = "LAB_PASSWORD"
//!
//! [groups.legacy]            # opt-in legacy algorithms, written as OpenSSH writes them
//! kex = ["+diffie-hellman-group14-sha1"]
//! host_key_algorithms = ["+ssh-rsa"]
//!
//! [[jump_hosts]]
//! name = "bastion"
//! address = "127.0.0.1"
//! port = 2200
//! user = "jump"
//! key_file = "keys/jump_ed25519"
//!
//! [groups.oob]              # old access switches that speak only telnet
//! transport = "telnet"       # or ["ssh", "telnet"]: SSH first, telnet if refused
//! telnet_port = 23
//!
//! [[devices]]
//! name = "core-1"
//! address = "127.0.0.1"
//! port = 2201
//! model = "ios"
//! group = "legacy"
//! jump = ["bastion"]
//! vars = { site = "lab" }
//! ```
//!
//! Settings resolve device → group → defaults → built-in defaults. Secrets
//! may be given inline (`password`, `enable`) or, better, by environment
//! variable (`password_env`, `enable_env`).
//!
//! [`import`] reads device lists from other tools (Oxidized's `router.db`,
//! CSV) into plain records.
//!
//! [`netbox`] reads NetBox's device list over its REST API.
//!
//! May use: serde, toml, csv, ureq (NetBox's API, read only), and the
//! transport's target types (a device resolves to an SSH [`Target`]). Must
//! not use: the database, git or wasm: nothing here stores anything or
//! connects to a device.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

pub use netraven_session::Secret;
use netraven_transport::Transport;
use netraven_transport::ssh::{AlgorithmError, Algorithms, Hop, HostKeyPolicy, Target};

pub mod import;
pub mod netbox;

/// One table of settings: `[defaults]`, a `[groups.X]`, a device or a jump
/// host. Which keys are required depends on where it appears.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The zone: a network only some workers reach (`netraven worker
    /// --zone`). Stored by `devices import`; `backup --inventory` ignores it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_env: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    /// Pinned host key, OpenSSH one-line form (`ssh-ed25519 AAAA...`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_key: Option<String>,
    /// `tofu` (default), `strict` or `off`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_key_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kex: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_key_algorithms: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ciphers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub macs: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_timeout_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_timeout_secs: Option<u64>,
    /// Seconds of silence before a keepalive while waiting on the device.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keepalive_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jump: Option<Vec<String>>,
    /// A credential stored in the database (`netraven credentials add`),
    /// used by `netraven devices import` instead of user/password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
    /// `"ssh"` (default), `"telnet"`, or a list tried in order
    /// (`["ssh", "telnet"]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transports>,
    /// The telnet port (default 23); `port` is SSH's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telnet_port: Option<u16>,
}

/// One transport or an ordered list of them, as written in settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum Transports {
    One(String),
    Many(Vec<String>),
}

impl Transports {
    /// A list written in one field or flag (`ssh,telnet`, `ssh telnet`,
    /// `ssh;telnet`), as `devices import` and `devices add` take it.
    pub fn from_list(text: &str) -> Transports {
        Transports::Many(
            text.split([',', ' ', ';'])
                .filter(|n| !n.is_empty())
                .map(String::from)
                .collect(),
        )
    }

    /// The names, checked: each `ssh` or `telnet`, none twice, at least one.
    pub fn resolve(&self) -> Result<Vec<Transport>, String> {
        let names: Vec<&str> = match self {
            Transports::One(name) => vec![name.as_str()],
            Transports::Many(names) => names.iter().map(String::as_str).collect(),
        };
        if names.is_empty() {
            return Err("transport: an empty list; give \"ssh\", \"telnet\" or both".into());
        }
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let transport = Transport::parse(name)
                .ok_or_else(|| format!("transport: {name:?} is not one of \"ssh\", \"telnet\""))?;
            if out.contains(&transport) {
                return Err(format!("transport: {name:?} is listed twice"));
            }
            out.push(transport);
        }
        Ok(out)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryFile {
    #[serde(default)]
    pub defaults: Entry,
    #[serde(default)]
    pub groups: BTreeMap<String, Entry>,
    #[serde(default)]
    pub jump_hosts: Vec<Entry>,
    #[serde(default)]
    pub devices: Vec<Entry>,
}

/// A device ready to connect to.
#[derive(Debug, Clone)]
pub struct Device {
    pub name: String,
    pub model: String,
    pub group: String,
    pub vars: Vec<(String, String)>,
    pub target: Target,
}

impl Device {
    /// What the driver is told about the device (never its credentials).
    pub fn for_driver(&self) -> netraven_driver_sdk::Device {
        netraven_driver_sdk::Device {
            name: self.name.clone(),
            address: self.target.address.clone(),
            model: self.model.clone(),
            vars: self.vars.clone(),
        }
    }
}

/// Why an inventory was refused. Each names the file, the line, or the
/// device or jump host and the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("{}: cannot read: {cause}", path.display())]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// Not TOML, or an unknown key; `message` names the line.
    #[error("{message}")]
    Toml { message: String },
    /// An entry that cannot be used: `at` names it (`device "core-1"`,
    /// `jump host #2`), `problem` says why, naming the key.
    #[error("{at}: {problem}")]
    Entry { at: String, problem: String },
    #[error("{at}: {cause}")]
    Algorithms { at: String, cause: AlgorithmError },
    /// One of the above, in a file.
    #[error("{}: {cause}", path.display())]
    InFile {
        path: PathBuf,
        cause: Box<InventoryError>,
    },
}

fn entry(at: &str, problem: impl Into<String>) -> InventoryError {
    InventoryError::Entry {
        at: at.to_string(),
        problem: problem.into(),
    }
}

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Read and resolve an inventory file. Errors are one line naming the
/// file and the line, device or key.
pub fn load(path: &Path) -> Result<Vec<Device>, InventoryError> {
    let text = std::fs::read_to_string(path).map_err(|cause| InventoryError::Read {
        path: path.to_path_buf(),
        cause,
    })?;
    parse(&text, &|name| std::env::var(name).ok()).map_err(|e| InventoryError::InFile {
        path: path.to_path_buf(),
        cause: Box::new(e),
    })
}

/// Parse inventory text; `env` looks up `*_env` variables.
pub fn parse(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Device>, InventoryError> {
    let file: InventoryFile = toml::from_str(text).map_err(|e| InventoryError::Toml {
        message: toml_error(text, &e),
    })?;
    resolve(&file, env)
}

/// The first value set, searching device → group → defaults.
pub fn pick<'a, T>(
    layers: &[&'a Entry],
    get: impl Fn(&'a Entry) -> Option<&'a T>,
) -> Option<&'a T> {
    layers.iter().find_map(|e| get(e))
}

fn resolve(
    file: &InventoryFile,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Device>, InventoryError> {
    let mut jumps: BTreeMap<&str, &Entry> = BTreeMap::new();
    for (i, j) in file.jump_hosts.iter().enumerate() {
        let name = j
            .name
            .as_deref()
            .ok_or_else(|| entry(&format!("jump host #{}", i + 1), "name: missing"))?;
        if jumps.insert(name, j).is_some() {
            return Err(entry(&format!("jump host {name:?}"), "defined twice"));
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut devices = Vec::with_capacity(file.devices.len());
    for (i, d) in file.devices.iter().enumerate() {
        let name = d
            .name
            .clone()
            .ok_or_else(|| entry(&format!("device #{}", i + 1), "name: missing"))?;
        let at = format!("device {name:?}");
        if !seen.insert(name.clone()) {
            return Err(entry(&at, "defined twice"));
        }
        if d.enabled == Some(false) {
            continue;
        }
        let group_name = d
            .group
            .clone()
            .or_else(|| file.defaults.group.clone())
            .unwrap_or_else(|| "default".to_string());
        // A group is a label; a [groups.NAME] table, when there is one,
        // holds settings for its devices.
        let group = file.groups.get(&group_name);
        let mut layers: Vec<&Entry> = vec![d];
        layers.extend(group);
        layers.push(&file.defaults);
        let model = pick(&layers, |e| e.model.as_ref())
            .cloned()
            .ok_or_else(|| entry(&at, "model: missing"))?;
        let mut vars = file.defaults.vars.clone();
        if let Some(g) = group {
            vars.extend(g.vars.clone());
        }
        vars.extend(d.vars.clone());
        let hop_names = pick(&layers, |e| e.jump.as_ref())
            .cloned()
            .unwrap_or_default();
        let mut hops = Vec::with_capacity(hop_names.len());
        for hop in &hop_names {
            let jump_host = jumps
                .get(hop.as_str())
                .ok_or_else(|| entry(&at, format!("jump: no jump host named {hop:?}")))?;
            // A jump host has its own credentials and keys; it falls back to
            // the defaults only.
            let hop_layers = [*jump_host, &file.defaults];
            hops.push(Hop {
                target: target_of(&format!("jump host {hop:?}"), &hop_layers, env, Vec::new())?,
            });
        }
        let target = target_of(&at, &layers, env, hops)?;
        devices.push(Device {
            name,
            model,
            group: group_name,
            vars: vars.into_iter().collect(),
            target,
        });
    }
    Ok(devices)
}

fn secret(
    at: &str,
    layers: &[&Entry],
    inline: impl Fn(&Entry) -> Option<&String>,
    from_env: impl Fn(&Entry) -> Option<&String>,
    key: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Secret>, InventoryError> {
    for e in layers {
        if let Some(v) = inline(e) {
            return Ok(Some(Secret::new(v.clone())));
        }
        if let Some(var) = from_env(e) {
            return env(var).map(|v| Some(Secret::new(v))).ok_or_else(|| {
                entry(
                    at,
                    format!("{key}_env: environment variable {var} is not set"),
                )
            });
        }
    }
    Ok(None)
}

pub fn target_of(
    at: &str,
    layers: &[&Entry],
    env: &dyn Fn(&str) -> Option<String>,
    jump: Vec<Hop>,
) -> Result<Target, InventoryError> {
    let address = layers[0]
        .address
        .clone()
        .ok_or_else(|| entry(at, "address: missing"))?;
    let user = pick(layers, |e| e.user.as_ref())
        .cloned()
        .ok_or_else(|| entry(at, "user: missing (set it here or in [defaults])"))?;
    let password = secret(
        at,
        layers,
        |e| e.password.as_ref(),
        |e| e.password_env.as_ref(),
        "password",
        env,
    )?;
    let enable = secret(
        at,
        layers,
        |e| e.enable.as_ref(),
        |e| e.enable_env.as_ref(),
        "enable",
        env,
    )?;
    let key_file = pick(layers, |e| e.key_file.as_ref()).cloned();
    if password.is_none() && key_file.is_none() {
        return Err(entry(
            at,
            "no credentials: set password, password_env or key_file",
        ));
    }
    let policy = match pick(layers, |e| e.host_key_policy.as_ref()).map(String::as_str) {
        None | Some("tofu") => HostKeyPolicy::Tofu,
        Some("strict") => HostKeyPolicy::Strict,
        Some("off") => HostKeyPolicy::Off,
        Some(other) => {
            return Err(entry(
                at,
                format!("host_key_policy: {other:?} is not one of tofu, strict, off"),
            ));
        }
    };
    let list = |get: fn(&Entry) -> Option<&Vec<String>>| -> Vec<String> {
        pick(layers, get).cloned().unwrap_or_default()
    };
    let algorithms = Algorithms {
        kex: list(|e| e.kex.as_ref()),
        host_key: list(|e| e.host_key_algorithms.as_ref()),
        cipher: list(|e| e.ciphers.as_ref()),
        mac: list(|e| e.macs.as_ref()),
    };
    algorithms
        .build()
        .map_err(|cause| InventoryError::Algorithms {
            at: at.to_string(),
            cause,
        })?;
    for (key, get) in [
        (
            "connect_timeout_secs",
            (|e| e.connect_timeout_secs.as_ref()) as fn(&Entry) -> Option<&u64>,
        ),
        ("read_timeout_secs", |e| e.read_timeout_secs.as_ref()),
        ("keepalive_secs", |e| e.keepalive_secs.as_ref()),
    ] {
        if pick(layers, get) == Some(&0) {
            return Err(entry(at, format!("{key}: must be at least 1")));
        }
    }
    let secs = |get: fn(&Entry) -> Option<&u64>, default: Duration| {
        pick(layers, get)
            .map(|s| Duration::from_secs(*s))
            .unwrap_or(default)
    };
    let transports = match pick(layers, |e| e.transport.as_ref()) {
        Some(t) => t.resolve().map_err(|problem| entry(at, problem))?,
        None => vec![Transport::Ssh],
    };
    if transports.contains(&Transport::Telnet) && password.is_none() {
        return Err(entry(
            at,
            "transport: telnet logs in with a password only: set password or password_env",
        ));
    }
    Ok(Target {
        address,
        port: pick(layers, |e| e.port.as_ref()).copied().unwrap_or(22),
        transports,
        telnet_port: pick(layers, |e| e.telnet_port.as_ref())
            .copied()
            .unwrap_or(netraven_transport::telnet::DEFAULT_PORT),
        user,
        password,
        enable,
        key_file,
        host_key: layers[0].host_key.clone(),
        policy,
        algorithms,
        connect_timeout: secs(|e| e.connect_timeout_secs.as_ref(), DEFAULT_CONNECT_TIMEOUT),
        read_timeout: secs(|e| e.read_timeout_secs.as_ref(), DEFAULT_READ_TIMEOUT),
        keepalive: secs(
            |e| e.keepalive_secs.as_ref(),
            netraven_transport::ssh::KEEPALIVE_INTERVAL,
        ),
        jump,
    })
}

/// A TOML error as one line naming the line: "line 3: unknown field `foo`,
/// expected ...".
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().to_string();
    match e.span() {
        Some(span) => {
            let line = text[..span.start].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

/// Why a zone name cannot be used, if it cannot: letters, digits, `.`, `_`
/// and `-`, 1 to 63 of them (a worker's `--zone` list is comma-separated).
pub fn zone_problem(zone: &str) -> Option<String> {
    let fine = !zone.is_empty()
        && zone.len() <= 63
        && zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    (!fine).then(|| format!("zone {zone:?}: use 1 to 63 letters, digits, '.', '_' or '-'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn settings_resolve_device_then_group_then_defaults() {
        let text = r#"
[defaults]
user = "ops"
password = "pw"
[groups.old]
kex = ["+diffie-hellman-group14-sha1"]
user = "legacy"
[[devices]]
name = "r1"
address = "127.0.0.1"
model = "ios"
group = "old"
[[devices]]
name = "r2"
address = "127.0.0.2"
port = 2022
model = "eos"
user = "me"
"#;
        let d = parse(text, &no_env).unwrap();
        assert_eq!(d[0].target.user, "legacy");
        assert_eq!(d[0].target.algorithms.kex, ["+diffie-hellman-group14-sha1"]);
        assert_eq!(d[0].target.port, 22);
        assert_eq!(d[1].target.user, "me");
        assert_eq!(d[1].group, "default");
        assert_eq!(d[1].target.port, 2022);
        assert_eq!(d[1].target.password.as_ref().unwrap().expose(), "pw");
    }

    #[test]
    fn errors_name_the_line_or_the_device_and_key() {
        let err = parse("[[devices]]\nname = \"r1\"\nbogus = 1\n", &no_env).unwrap_err();
        assert!(matches!(err, InventoryError::Toml { .. }), "{err}");
        let err = err.to_string();
        assert!(err.starts_with("line 3:") && err.contains("bogus"), "{err}");
        let err = parse(
            "[defaults]\nuser='u'\npassword='p'\n[[devices]]\nname = \"r1\"\naddress = \"x\"\n",
            &no_env,
        )
        .unwrap_err();
        assert!(
            matches!(&err, InventoryError::Entry { at, .. } if at == "device \"r1\""),
            "{err}"
        );
        assert_eq!(err.to_string(), "device \"r1\": model: missing");
        let err = parse(
            "[[devices]]\nname='r1'\naddress='x'\nmodel='ios'\nuser='u'\npassword_env='NOPE'\n",
            &no_env,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("NOPE is not set"), "{err}");
        let err = parse(
            "[[devices]]\nname='r1'\naddress='x'\nmodel='ios'\nuser='u'\npassword='p'\nkex=['+bogus-kex']\n",
            &no_env,
        )
        .unwrap_err();
        assert!(
            matches!(
                &err,
                InventoryError::Algorithms {
                    cause: AlgorithmError::Unknown { key: "kex", .. },
                    ..
                }
            ),
            "{err}"
        );
        let err = err.to_string();
        assert!(
            err.contains("device \"r1\": kex") && err.contains("bogus-kex"),
            "{err}"
        );
    }

    #[test]
    fn transports_resolve_like_every_setting_and_bad_ones_are_named() {
        let text = r#"
[defaults]
user = "ops"
password = "pw"
[groups.oob]
transport = "telnet"
telnet_port = 2323
[[devices]]
name = "old-1"
address = "127.0.0.1"
model = "ios"
group = "oob"
[[devices]]
name = "either"
address = "127.0.0.1"
model = "ios"
transport = ["ssh", "telnet"]
[[devices]]
name = "plain"
address = "127.0.0.1"
model = "ios"
"#;
        let d = parse(text, &no_env).expect("parses");
        assert_eq!(d[0].target.transports, [Transport::Telnet]);
        assert_eq!(d[0].target.telnet_port, 2323);
        assert_eq!(d[1].target.transports, [Transport::Ssh, Transport::Telnet]);
        assert_eq!(d[1].target.telnet_port, 23);
        assert_eq!(d[2].target.transports, [Transport::Ssh]);
        let device = |extra: &str| {
            parse(
                &format!("[[devices]]\nname='r1'\naddress='x'\nmodel='ios'\nuser='u'\n{extra}\n"),
                &no_env,
            )
            .map(|_| ())
            .unwrap_err()
            .to_string()
        };
        assert_eq!(
            device("password='p'\ntransport='rlogin'"),
            "device \"r1\": transport: \"rlogin\" is not one of \"ssh\", \"telnet\""
        );
        assert!(device("password='p'\ntransport=['ssh','ssh']").contains("listed twice"));
        assert!(device("password='p'\ntransport=[]").contains("empty list"));
        assert!(
            device("key_file='k'\ntransport='telnet'")
                .contains("telnet logs in with a password only"),
        );
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("canary-123");
        assert_eq!(format!("{s} {s:?}"), "*** ***");
    }

    #[test]
    fn zone_names_are_short_words() {
        for fine in ["dc1", "lon-oob", "site_7.mgmt"] {
            assert_eq!(zone_problem(fine), None, "{fine}");
        }
        for bad in ["", "a,b", "two words", "ü", &"z".repeat(64)] {
            assert!(zone_problem(bad).is_some(), "{bad:?}");
        }
    }
}
