//! Cisco ASA.
//!
//! Checked against a recording of ASA 9.12(4)67 on an ASA 5512-X in single
//! context mode.
//!
//! The backup is `show version` (without the uptime and "configuration
//! modified" lines) and `show inventory` as `! ` comments, then
//! `more system:running-config` without its `: ` header and trailer lines.
//! AnyConnect profiles (`disk0:/*.xml`) named in the config, and `dap.xml`
//! when dynamic access policies are configured, are appended as comments.
//! In multiple context mode (`show mode`) the system context config and each
//! context's config file are backed up instead.
//!
//! Device variable `enable` (flag): run `enable` first, answering the
//! password prompt with the host's enable secret.

use netraven_driver_sdk::prelude::*;

pub struct Asa;

/// `host>`, `host#`, `host/context#`, `host(config)#`; ASA writes a `\r`
/// before the prompt.
const PROMPT: &str = r"^\r*[\w.@()/:-]+[#>]\s?$";

const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

const COMMENT: &str = "! ";

impl Asa {
    /// What a command printed: without echo and prompt, `\r\n` made `\n`.
    fn output(session: &mut dyn Session, command: &str) -> Result<String, DriverError> {
        let raw = session.command(command)?;
        Ok(text::command_output(&raw))
    }

    /// As [`output`](Self::output), for a command the backup can do
    /// without. `None`: the firewall refused it.
    fn optional_output(
        session: &mut dyn Session,
        command: &str,
    ) -> Result<Option<String>, DriverError> {
        Ok(session
            .optional(command)?
            .map(|raw| text::command_output(&raw)))
    }

    fn single_context(session: &mut dyn Session) -> Result<String, DriverError> {
        // The configuration itself: a refusal fails the backup.
        let raw = text::command_output(&session.essential("more system:running-config")?);
        // ASA closes its configuration with `: end`.
        complete("more system:running-config", &raw, ": end")?;
        let mut cfg = running_config(&raw);
        // The XML files are extras beside the configuration: a refused one
        // is left out, its title too.
        for profile in anyconnect_profiles(&cfg) {
            if let Some(xml) = Self::optional_output(session, &format!("more {profile}"))? {
                cfg.push_str(&text::comment(&format!("{profile}\n"), COMMENT));
                cfg.push_str(&text::comment(&xml, COMMENT));
            }
        }
        if uses_dap(&cfg)
            && let Some(xml) = Self::optional_output(session, "more disk0:/dap.xml")?
        {
            cfg.push_str(&text::comment("disk0:/dap.xml\n", COMMENT));
            cfg.push_str(&text::comment(&xml, COMMENT));
        }
        Ok(cfg)
    }

    fn multiple_context(session: &mut dyn Session) -> Result<String, DriverError> {
        session.command("changeto system")?;
        let system = text::command_output(&session.essential("show running-config")?);
        let mut cfg = format!("\n\n{system}\n\n");
        for (context, url) in context_files(&system) {
            cfg.push_str(&format!(
                "\n\n----------========== [ CONTEXT {context} FILE {url} ] ==========----------\n\n"
            ));
            // A context's configuration is as essential as the system's: a
            // backup without it would read as the context's removal.
            let context_cfg = text::command_output(&session.essential(&format!("more {url}"))?);
            cfg.push_str("\n\n");
            cfg.push_str(&context_cfg);
        }
        Ok(cfg)
    }
}

/// `show version` without the lines that change by themselves: the uptime
/// (`host up 173 days 16 hours`) and when the config was last changed.
fn version(output: &str) -> String {
    let uptime = text::re(r"\s+up\s+\d+\s+");
    text::lines(output)
        .filter(|line| {
            !line.contains("days")
                && !line.starts_with("Configuration has not been modified")
                && !line.starts_with("Configuration last modified by")
                && !uptime.is_match(line)
        })
        .collect()
}

/// `more system:running-config` without its first three lines (`: Saved`,
/// blank, `: `) and the other `: ` lines (serial, hardware, "Written by",
/// `: end`). A bare `:` line stays.
fn running_config(raw: &str) -> String {
    text::lines(raw)
        .skip(3)
        .filter(|line| !line.starts_with(": "))
        .collect()
}

/// AnyConnect client profiles the config refers to, e.g.
/// `disk0:/profile.xml`, in order of appearance.
fn anyconnect_profiles(cfg: &str) -> Vec<String> {
    if !cfg.contains("disk0:/") || !cfg.contains(".xml") {
        return Vec::new();
    }
    let re = text::re(r"\sdisk0:/.+\.xml");
    re.find_iter(cfg)
        .map(|m| m.as_str().trim_start().to_string())
        .collect()
}

/// Whether a dynamic access policy other than the default one exists, so
/// `disk0:/dap.xml` holds configuration.
fn uses_dap(cfg: &str) -> bool {
    const RECORD: &str = "dynamic-access-policy-record";
    cfg.match_indices(RECORD).any(|(at, _)| {
        let rest = &cfg[at + RECORD.len()..];
        let mut chars = rest.chars();
        matches!(chars.next(), Some(c) if c.is_whitespace())
            && !chars.as_str().starts_with("DfltAccessPolicy")
    })
}

/// `(context, config-url)` pairs of the system context configuration.
fn context_files(system: &str) -> Vec<(String, String)> {
    let contexts = system
        .lines()
        .filter_map(|l| l.strip_prefix("context "))
        .map(|c| c.trim_end().to_string());
    let urls = system
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("config-url "))
        .map(|u| u.trim_end().to_string());
    contexts.zip(urls).collect()
}

impl Driver for Asa {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell("asa", env!("CARGO_PKG_VERSION"), &["asa"], PROMPT, COMMENT)
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        login::prompt_then_enable(session, device, PROMPT, ENABLE_PASSWORD)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("terminal pager 0")?;
        // Read, not stored: a firewall that refuses it is a single context.
        let mode = Self::output(session, "show mode")?;
        let multiple = mode.contains("multiple");
        let mut config = String::new();
        if let Some(out) = Self::optional_output(session, "show version")? {
            config.push_str(&text::comment(&version(&out), COMMENT));
        }
        if let Some(inventory) = Self::optional_output(session, "show inventory")? {
            config.push_str(&text::comment(&inventory, COMMENT));
        }
        if multiple {
            config.push_str(&Self::multiple_context(session)?);
        } else {
            config.push_str(&Self::single_context(session)?);
        }
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_all_gated(
            config,
            &[
                (
                    "enable password",
                    r"enable password \S+ (.*)",
                    "enable password <secret hidden> $1",
                ),
                (
                    " password ",
                    r"username (\S+) password \S+ (.*)",
                    "username $1 password <secret hidden> $2",
                ),
                (
                    "pre-shared-key",
                    r"(ikev[12] (?:(?:remote|local)-authentication )?pre-shared-key) \S+",
                    "$1 <secret hidden>",
                ),
                // Server keys inside `aaa-server NAME (IF) host ADDR` blocks.
                ("key", r"(?m)^( key) \S+$", "$1 <secret hidden>"),
                (
                    "ldap-login-password",
                    r"ldap-login-password \S+",
                    "ldap-login-password <secret hidden>",
                ),
                (
                    "snmp-server host",
                    r"(?m)^snmp-server host (.*) community \S+",
                    "snmp-server host $1 community <secret hidden>",
                ),
                ("passwd", r"(?m)^passwd \S+", "passwd <secret hidden>"),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(Asa);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Asa>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "asa1#"
commands:
  "terminal pager 0\n": "terminal pager 0\r\nasa1#"
  "show mode\n": "show mode\r\nSecurity context mode: single\r\nasa1#"
  "show version\n": "show version\r\nCisco Adaptive Security Appliance Software Version 9.12(4)67\r\nasa1#"
  "show inventory\n": "show inventory\r\nName: \"Chassis\", DESCR: \"ASA 5512-X\"\r\nasa1#"
  "more system:running-config\n": "more system:running-config\r\nCommand authorization failed\r\n\r\nasa1#"
"#;
        scripted::backup_fails_with::<Asa>(
            recording,
            &Device::default(),
            r#"essential command "more system:running-config": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_inventory_and_a_profile_is_backed_up_without_them() {
        let recording = r#"init_prompt: "asa1#"
commands:
  "terminal pager 0\n": "terminal pager 0\r\nasa1#"
  "show mode\n": "show mode\r\nSecurity context mode: single\r\nasa1#"
  "show version\n": "show version\r\nCisco Adaptive Security Appliance Software Version 9.12(4)67\r\nasa1#"
  "show inventory\n": "show inventory\r\n               ^\r\nERROR: % Invalid input detected at '^' marker.\r\n\r\nasa1#"
  "more system:running-config\n": "more system:running-config\r\n: Saved\r\n\r\n: \r\nhostname asa1\r\nwebvpn\r\n anyconnect profiles corp disk0:/corp.xml\r\n: end\r\nasa1#"
  "more disk0:/corp.xml\n": "more disk0:/corp.xml\r\nCommand authorization failed\r\n\r\nasa1#"
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<Asa>(
            recording,
            &Device::default(),
            &["show inventory", "more disk0:/corp.xml"],
        );
        assert_eq!(
            backup.config,
            "! Cisco Adaptive Security Appliance Software Version 9.12(4)67\nhostname asa1\nwebvpn\n anyconnect profiles corp disk0:/corp.xml\n"
        );
    }

    #[test]
    fn version_drops_uptime_and_modification_lines() {
        let out = "Config file at boot was \"startup-config\"\n\nfw up 173 days 16 hours\n\nHardware:   ASA5512\nConfiguration last modified by admin at 10:00:00 UTC\n";
        assert_eq!(
            version(out),
            "Config file at boot was \"startup-config\"\n\n\nHardware:   ASA5512\n"
        );
    }

    #[test]
    fn running_config_keeps_bare_colon_but_drops_colon_comments() {
        let raw = ": Saved\n\n: \n: Serial Number: X\n: Written by u at 20:03\n!\nASA Version 9.12(4)67 \n: end\n\n";
        assert_eq!(running_config(raw), "!\nASA Version 9.12(4)67 \n\n");
    }

    #[test]
    fn dap_is_used_only_with_a_non_default_record() {
        assert!(!uses_dap("dynamic-access-policy-record DfltAccessPolicy\n"));
        assert!(uses_dap(
            "dynamic-access-policy-record DfltAccessPolicy\ndynamic-access-policy-record Staff\n"
        ));
    }

    #[test]
    fn anyconnect_profiles_are_found() {
        let cfg = "webvpn\n anyconnect profiles corp disk0:/corp.xml\n";
        assert_eq!(anyconnect_profiles(cfg), ["disk0:/corp.xml"]);
    }

    #[test]
    fn aaa_server_keys_and_passwd_are_hidden() {
        let cfg =
            "aaa-server AD host 10.0.0.1\n server-port 636\n key s3cret\npasswd abc encrypted\n";
        assert_eq!(
            Asa::redact(cfg),
            "aaa-server AD host 10.0.0.1\n server-port 636\n key <secret hidden>\npasswd <secret hidden> encrypted\n"
        );
    }
}
