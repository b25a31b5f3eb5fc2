//! Eaton Gigabit Network Card M3 (Oxidized model `eatonnetwork`).
//!
//! Checked against a recording of a Network-M3 card (firmware 2.x,
//! case `NetworkM3_2.2.0`).
//!
//! The card has no config CLI: `save_configuration -p <passphrase>` prints
//! the whole configuration as one line of JSON, with some fields encrypted
//! with the passphrase. The backup is that JSON pretty-printed the way Ruby's
//! `JSON.pretty_generate` does (two-space indent, key order kept), without
//! the per-account login counters and password history, which change on
//! every login.
//!
//! Device variable `passphrase`: the passphrase for `save_configuration -p`
//! (default empty). Encrypted fields differ on every run whatever it is.
//!
//! `redact` removes the passphrase, RMS proxy/account credentials, SMTP,
//! SNMPv3, LDAP bind and RADIUS secrets by their JSON paths.

use netraven_driver_sdk::prelude::*;

mod json;

use json::Value;

pub struct EatonNetwork;

const PROMPT: &str = r"^[\w.@-]+[>#$]\s?$";

/// Where the local user accounts live in the configuration.
const LOCAL_ACCOUNTS: &[&str] = &[
    "features",
    "userAndSessionManagement",
    "data",
    "settings",
    "all",
    "1.0",
    "local",
    "1.0",
];

const USER_SETTINGS: &[&str] = &[
    "features",
    "userAndSessionManagement",
    "data",
    "settings",
    "all",
    "1.0",
];

impl Driver for EatonNetwork {
    /// Leave with `logout` on an exec channel, as Oxidized does.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.exec("logout")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::exec(
            "eatonnetwork",
            env!("CARGO_PKG_VERSION"),
            &["eatonnetwork"],
            PROMPT,
            "# ",
        )
    }

    fn backup(session: &mut dyn Session, device: &Device) -> Result<Backup, DriverError> {
        let passphrase = device.var("passphrase").unwrap_or("");
        // Not `essential_exec`: its error quotes the command, passphrase
        // and all. A refusal names the command alone; any other reply
        // without JSON fails the backup in `normalize`.
        let raw = match session.exec(&format!("save_configuration -p {passphrase}")) {
            Ok(raw) => raw,
            Err(SessionError::Rejected(_)) => return Err(refused("exited with an error").into()),
            Err(e) => return Err(e.into()),
        };
        if let Some(why) = text::refusal(&text::unix_newlines(&raw)) {
            return Err(refused(&format!("{:?}", why.trim())).into());
        }
        let config = normalize(&raw).map_err(DriverError::Failed)?;
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        match json::parse(config) {
            Ok(mut value) => {
                remove_secrets(&mut value);
                value.pretty()
            }
            // Not JSON: nothing this driver knows how to remove.
            Err(_) => config.to_string(),
        }
    }
}

/// The configuration command refused, named without its passphrase.
fn refused(why: &str) -> SessionError {
    SessionError::Rejected(format!(
        "essential command \"save_configuration\": the device refused it: {why}"
    ))
}

/// The JSON lines of the command output, cleaned and pretty-printed.
fn normalize(raw: &str) -> Result<String, String> {
    let raw = text::unix_newlines(raw);
    let json_text: String = text::lines(&raw)
        .filter(|line| line.starts_with('{'))
        .collect();
    if json_text.is_empty() {
        return Err("save_configuration printed no JSON".to_string());
    }
    let mut value = json::parse(&json_text)?;
    for list in ["predefinedAccounts", "createdAccounts"] {
        let mut path = LOCAL_ACCOUNTS.to_vec();
        path.push(list);
        if let Some(Value::Array(accounts)) = value.path_mut(&path) {
            for account in accounts {
                account.remove("attemptLogin");
                if let Some(password) = account.get_mut("password") {
                    password.remove("history");
                }
            }
        }
    }
    Ok(value.pretty())
}

fn remove_at(value: &mut Value, path: &[&str], key: &str) {
    if let Some(v) = value.path_mut(path) {
        v.remove(key);
    }
}

fn remove_secrets(value: &mut Value) {
    value.remove("passphrase");
    let rms = ["features", "rms", "data", "settings"];
    for key in [
        "proxyUsername",
        "proxyPassword",
        "username",
        "password",
        "defaultPassword",
    ] {
        remove_at(value, &rms, key);
    }
    remove_at(value, &["features", "smtp", "data", "dmeData"], "password");
    if let Some(Value::Array(users)) =
        value.path_mut(&["features", "snmp", "data", "dmeData", "v3", "users"])
    {
        for user in users {
            for part in ["auth", "priv"] {
                if let Some(v) = user.get_mut(part) {
                    v.remove("password");
                }
            }
        }
    }
    let mut ldap = USER_SETTINGS.to_vec();
    ldap.extend(["ldap", "1.0", "settings", "connectivity", "bind"]);
    remove_at(value, &ldap, "password");
    for server in ["primaryServer", "secondaryServer"] {
        let mut radius = USER_SETTINGS.to_vec();
        radius.extend(["radius", "1.0", "settings", "connectivity", server]);
        remove_at(value, &radius, "secret");
    }
}

netraven_driver_sdk::export_driver!(EatonNetwork);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<EatonNetwork>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn login_counters_and_password_history_are_dropped() {
        let raw = "save_configuration -p x\n2024-01-01 noise\n{\"features\":{\"userAndSessionManagement\":{\"data\":{\"settings\":{\"all\":{\"1.0\":{\"local\":{\"1.0\":{\"predefinedAccounts\":[{\"id\":\"1\",\"attemptLogin\":3,\"password\":{\"history\":[\"a\"],\"cyphered\":\"x\"}}],\"createdAccounts\":[]}}}}}}}}}\n";
        let out = normalize(raw).expect("json");
        assert!(!out.contains("attemptLogin"), "{out}");
        assert!(!out.contains("history"), "{out}");
        assert!(out.contains("\"cyphered\": \"x\""), "{out}");
        assert!(out.contains("\"createdAccounts\": []"), "{out}");
    }

    #[test]
    fn radius_and_rms_secrets_are_removed_by_path() {
        let cfg = "{\"passphrase\":\"p\",\"features\":{\"rms\":{\"data\":{\"settings\":{\"proxyPassword\":\"s\",\"enabled\":true}}}}}";
        let out = EatonNetwork::redact(cfg);
        assert_eq!(
            out,
            "{\n  \"features\": {\n    \"rms\": {\n      \"data\": {\n        \"settings\": {\n          \"enabled\": true\n        }\n      }\n    }\n  }\n}"
        );
    }
}
