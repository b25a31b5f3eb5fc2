//! Cisco Firepower Threat Defense (FTD) on FXOS, "FireLinux OS" CLI.
//!
//! Checked against a recording of FTD 7.4.2 (FXOS 2.14.1) on an FPR-1010.
//!
//! The backup is `show version system` (without the uptime line) and
//! `show inventory` as `! ` comments, then `show running-config all`
//! without its volatile `: ` header and trailer lines (saved marker,
//! serial, hardware, `: end`).

use netraven_driver_sdk::prelude::*;

pub struct FireLinuxOs;

/// The FTD CLISH prompt is a bare `> `; the diagnostic/expert shells add a
/// host name (`firepower#`, `host(config)#`).
const PROMPT: &str = r"^[\w.@/:()-]*[#>]\s?$";

const COMMENT: &str = "! ";

impl FireLinuxOs {
    /// What an optional command printed: without echo and prompt, `\r\n`
    /// made `\n`. `None`: the device refused it (`% Invalid input`), and
    /// the backup goes on without it.
    fn output(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
        Ok(session
            .optional(command)?
            .map(|raw| text::command_output(&raw)))
    }
}

/// `show version` without the uptime line (`host up 40 days 21 hours`),
/// which changes on every read.
fn drop_uptime(version: &str) -> String {
    let uptime = text::re(r"\s+up\s+\d+\s+");
    text::lines(version)
        .filter(|line| !line.contains("days") && !uptime.is_match(line))
        .collect()
}

/// The running config without the first three lines (`: Saved`, blank,
/// `: `) and without the other `: ` comment lines (serial number, hardware,
/// `: end`). A bare `:` line is kept. `ntp clock-period` drifts by itself.
fn running_config(raw: &str) -> String {
    text::lines(raw)
        .skip(3)
        .filter(|line| !line.starts_with(": ") && !line.starts_with("ntp clock-period "))
        .collect()
}

impl Driver for FireLinuxOs {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell(
            "firelinuxos",
            env!("CARGO_PKG_VERSION"),
            &["firelinuxos"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(version) = Self::output(session, "show version system")? {
            config.push_str(&text::comment(&drop_uptime(&version), COMMENT));
        }
        if let Some(inventory) = Self::output(session, "show inventory")? {
            config.push_str(&text::comment(&inventory, COMMENT));
        }
        // The configuration itself: a refusal fails the backup.
        let raw = session.essential("show running-config all")?;
        // FTD closes its configuration with `: end`.
        complete(
            "show running-config all",
            &text::command_output(&raw),
            ": end",
        )?;
        config.push_str(&running_config(&text::command_output(&raw)));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_all_gated(
            config,
            &[
                (
                    "snmp-server community",
                    r"(?m)^(snmp-server community).*",
                    "$1 <configuration removed>",
                ),
                (
                    "username ",
                    r"(?m)^(username \S+ privilege \d+) (\S+).*",
                    "$1 <secret hidden>",
                ),
                (
                    "username ",
                    r"(?m)^(username \S+ password \d) (\S+)",
                    "$1 <secret hidden>",
                ),
                (
                    "username ",
                    r"(?m)^(username \S+ secret \d) (\S+)",
                    "$1 <secret hidden>",
                ),
                (
                    "enable ",
                    r"(?m)^(enable (?:password|secret) \d) (\S+)",
                    "$1 <secret hidden>",
                ),
                (
                    "word",
                    r"(?m)^([ \t]+password) (?:\d )?\S+",
                    "$1 <secret hidden>",
                ),
                (
                    "secret",
                    r"(?m)^([ \t]+secret) (?:\d )?\S+",
                    "$1 <secret hidden>",
                ),
                (
                    "wpa-psk ascii",
                    r"(?m)^(.*wpa-psk ascii \d) (\S+)",
                    "$1 <secret hidden>",
                ),
                ("key 7", r"(?m)^(.*key 7) (\d.+)", "$1 <secret hidden>"),
                (
                    "tacacs-server key",
                    r"(?m)^(tacacs-server key \d) (\S+)",
                    "$1 <secret hidden>",
                ),
                (
                    "crypto isakmp key",
                    r"(?m)^(crypto isakmp key) (\S+) (.*)",
                    "$1 <secret hidden> $3",
                ),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(FireLinuxOs);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<FireLinuxOs>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "> "
commands:
  "show version system\n": "show version system\r\nCisco Firepower Threat Defense for Firepower 1010 (7.4.2)\r\n> "
  "show inventory\n": "show inventory\r\nName: \"module 0\"\r\n> "
  "show running-config all\n": "show running-config all\r\n                     ^\r\n% Invalid input detected at '^' marker.\r\n> "
"#;
        scripted::backup_fails_with::<FireLinuxOs>(
            recording,
            &Device::default(),
            r#"essential command "show running-config all": the device refused it"#,
        );
    }

    #[test]
    fn running_config_drops_colon_header_and_trailer_but_keeps_bare_colon() {
        let raw = ": Saved\n\n: \n: Serial Number: X\n: Hardware: Y\n:\nNGFW Version 7.4.2 \n!\nhostname fw\n: end\n";
        assert_eq!(
            running_config(raw),
            ":\nNGFW Version 7.4.2 \n!\nhostname fw\n"
        );
    }

    #[test]
    fn uptime_line_is_dropped_from_version() {
        let version = "Config file at boot was \"startup-config\"\n\nfw up 40 days 21 hours\nStart-up time 20 secs\n";
        assert_eq!(
            drop_uptime(version),
            "Config file at boot was \"startup-config\"\n\nStart-up time 20 secs\n"
        );
    }

    #[test]
    fn a_device_that_refuses_the_inventory_is_backed_up_without_it() {
        let recording = r#"init_prompt: "> "
commands:
  "show version system\n": "show version system\r\nCisco Firepower Threat Defense for Firepower 1010 (7.4.2)\r\n> "
  "show inventory\n": "show inventory\r\n                ^\r\n% Invalid input detected at '^' marker.\r\n> "
  "show running-config all\n": "show running-config all\r\n: Saved\r\n\r\n: \r\nNGFW Version 7.4.2 \r\nhostname fw\r\n: end\r\n> "
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<FireLinuxOs>(
            recording,
            &Device::default(),
            &["show inventory"],
        );
        assert_eq!(
            backup.config,
            "! Cisco Firepower Threat Defense for Firepower 1010 (7.4.2)\nNGFW Version 7.4.2 \nhostname fw\n"
        );
    }

    #[test]
    fn user_and_isakmp_secrets_are_hidden() {
        let cfg = "username admin password 5 $abc\ncrypto isakmp key s3cret address 0.0.0.0\n";
        assert_eq!(
            FireLinuxOs::redact(cfg),
            "username admin password 5 <secret hidden>\ncrypto isakmp key <secret hidden> address 0.0.0.0\n"
        );
    }
}
