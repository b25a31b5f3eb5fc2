//! `--inventory-out FILE`: the lab as a `netraven` inventory, so a client
//! can back up every simulated device without further setup.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result};

use crate::fault::Fault;
use crate::lab::Device;

/// Where a device can be reached and the key it is known by.
pub struct Listing<'a> {
    pub device: &'a Device,
    pub address: SocketAddr,
    /// The device's usual public key (what a `changed-host-key` device no
    /// longer presents), OpenSSH one-line form.
    pub host_key: String,
}

/// A TOML string, quoted and escaped.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        quote(k)
    }
}

/// The inventory text.
pub fn render(user: &str, password: &str, listings: &[Listing<'_>]) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# written by netraven-sim");
    let _ = writeln!(out, "[defaults]");
    let _ = writeln!(out, "user = {}", quote(user));
    let _ = writeln!(out, "password = {}", quote(password));
    for l in listings {
        let d = l.device;
        let _ = writeln!(out, "\n[[devices]]");
        let _ = writeln!(out, "name = {}", quote(&d.name));
        let _ = writeln!(out, "address = {}", quote(&l.address.ip().to_string()));
        let _ = writeln!(out, "port = {}", l.address.port());
        let _ = writeln!(out, "model = {}", quote(&d.model));
        let _ = writeln!(out, "group = {}", quote(&d.group));
        if d.telnet {
            let _ = writeln!(out, "transport = \"telnet\"");
            let _ = writeln!(out, "telnet_port = {}", l.address.port());
        } else {
            let _ = writeln!(out, "host_key = {}", quote(&l.host_key));
        }
        if let Some(password) = &d.password {
            let _ = writeln!(out, "password = {}", quote(password));
        }
        if let Some(enable) = &d.enable {
            let _ = writeln!(out, "enable = {}", quote(enable));
        }
        if d.fault == Some(Fault::LegacyOnly) {
            let _ = writeln!(out, "kex = [\"+diffie-hellman-group14-sha1\"]");
            let _ = writeln!(out, "host_key_algorithms = [\"+ssh-rsa\"]");
            let _ = writeln!(out, "ciphers = [\"+aes128-cbc\"]");
            let _ = writeln!(out, "macs = [\"+hmac-sha1\"]");
        }
        let vars: Vec<String> = d
            .vars
            .iter()
            .map(|(k, v)| format!("{} = {}", key(k), quote(v)))
            .collect();
        let _ = writeln!(out, "vars = {{ {} }}", vars.join(", "));
    }
    out
}

/// Write the file whole: a reader polling for it never sees half of it.
pub fn write(path: &Path, text: &str) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = Path::new(&tmp);
    std::fs::write(tmp, text).with_context(|| format!("--inventory-out {}", tmp.display()))?;
    std::fs::rename(tmp, path).with_context(|| format!("--inventory-out {}", path.display()))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use netraven_driver_sdk::harness::Transcript;

    use super::*;

    #[test]
    fn inventory_is_toml_with_vars_inline_and_legacy_algorithms() {
        let mut vars = BTreeMap::new();
        vars.insert("sim_case".to_string(), "ios#C9200L \"x\"".to_string());
        vars.insert("odd key".to_string(), "v".to_string());
        let device = Device {
            name: "ios-1".to_string(),
            model: "ios".to_string(),
            case_id: "ios#C9200L".to_string(),
            group: "sim".to_string(),
            transcript: Arc::new(Transcript::parse("init_prompt: r1#\n").unwrap()),
            fault: Some(Fault::LegacyOnly),
            vars,
            password: None,
            enable: None,
            telnet: false,
            pace: crate::output::Pace::default(),
        };
        let listing = Listing {
            device: &device,
            address: "127.0.0.1:2201".parse().unwrap(),
            host_key: "ssh-rsa AAAAB3".to_string(),
        };
        let text = render("netraven", "pw", &[listing]);
        assert!(
            text.starts_with("# written by netraven-sim\n[defaults]\n"),
            "{text}"
        );
        let doc: toml::Table = toml::from_str(&text).unwrap();
        let d = &doc["devices"][0];
        assert_eq!(d["port"].as_integer(), Some(2201));
        assert_eq!(d["vars"]["sim_case"].as_str(), Some("ios#C9200L \"x\""));
        assert_eq!(d["vars"]["odd key"].as_str(), Some("v"));
        assert_eq!(d["kex"][0].as_str(), Some("+diffie-hellman-group14-sha1"));
        assert!(text.contains("vars = { "), "{text}");
    }
}
