//! Cisco NX-OS (Nexus switches).
//!
//! Checked against a recording of NX-OS 10.4(5) on a Nexus C93180YC-FX3, and
//! a reduced recording of a release that rejects `show inventory all`.
//!
//! The backup is, in order: `show version` up to the volatile uptime and
//! flash-usage lines, `show inventory all` (or plain `show inventory` where
//! the `all` keyword is unknown), both as `! ` comments, then the running
//! configuration without its `!Time:` stamp. A refused version or inventory
//! is left out; a refused configuration fails the backup.

use netraven_driver_sdk::prelude::*;

pub struct Nxos;

/// The NX-OS exec prompt, e.g. `switch# `. A `\r` may precede it: NX-OS
/// redraws the prompt line.
const PROMPT: &str = r"^\r?[\w.@()-]+#\s?$";

/// `show version` lines from which on everything changes between backups:
/// the uptime block, the free space of bootflash, and the error some releases
/// print instead of the flash size.
const VERSION_VOLATILE: &str = r"(?i)uptime|bootflash:\s+\d+\skB|sysmgrcli_show_flash_size";

impl Nxos {
    /// What an optional command printed: without echo and prompt, with
    /// `\r\n` made `\n`. `None`: the device refused it.
    fn optional(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
        Ok(session
            .optional(command)?
            .map(|raw| text::command_output(&raw)))
    }

    /// NX-OS answers a command or keyword it does not know with
    /// `% Invalid command ...` or `% Invalid parameter detected ...`; the
    /// second is no refusal to `optional`, so the inventory checks for both.
    fn rejected(output: &str) -> bool {
        text::re(r"(?m)^% Invalid ").is_match(output)
    }
}

/// `show version` up to (not including) the first volatile line, then one
/// empty line, all commented.
fn version_section(output: &str, prefix: &str) -> String {
    let volatile = text::re(VERSION_VOLATILE);
    let mut kept: String = text::lines(output)
        .take_while(|line| !volatile.is_match(line))
        .collect();
    kept.push('\n');
    text::comment(&kept, prefix)
}

/// The running configuration without what changes on every read.
fn running_config(output: &str) -> String {
    text::replace_all(
        output,
        &[
            // A stray echo of the command stays, as a comment.
            (r"(?m)^(show run.*)$", "! $1"),
            // The time the config was displayed: different on every backup.
            (r"(?m)^!Time:[^\n]*\n", ""),
            // A prompt that slipped into the output is blanked.
            (r"(?m)^[\w.@()-]+#.*$", ""),
        ],
    )
}

impl Driver for Nxos {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell("nxos", env!("CARGO_PKG_VERSION"), &["nxos"], PROMPT, "! ")
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let prefix = Self::info().comment_prefix;
        session.command("terminal length 0")?;

        let mut config = String::new();
        if let Some(version) = Self::optional(session, "show version")? {
            config.push_str(&version_section(&version, &prefix));
        }

        // `all` adds the transceivers; releases before it reject the keyword.
        let inventory = match Self::optional(session, "show inventory all")? {
            Some(all) if !Self::rejected(&all) => Some(all),
            _ => Self::optional(session, "show inventory")?,
        };
        if let Some(inventory) = inventory {
            config.push_str(&text::comment(&inventory, &prefix));
        }

        // The configuration itself: a refusal fails the backup.
        let running = text::command_output(&session.essential("show running-config")?);
        config.push_str(&running_config(&running));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_all(
            config,
            &[
                (r"(?m)^(snmp-server community).*", "$1 <secret hidden>"),
                // snmp-server user NAME [GROUP] auth ALGO KEY [priv [aes-128] KEY] ...
                (
                    r"(?m)^(snmp-server user \S+.*? auth \S+) \S+",
                    "$1 <secret hidden>",
                ),
                (
                    r"(?m)^(snmp-server user \S+.*? priv(?: aes-128)?) \S+",
                    "$1 <secret hidden>",
                ),
                // The community or user is the last word, before an optional port.
                (
                    r"(?m)^(snmp-server host.*? )\S+( udp-port \d+)?$",
                    "${1}<secret hidden>$2",
                ),
                (
                    r"(?m)^(snmp-server mib community-map) \S+ ?(.*)",
                    "$1 <secret hidden> $2",
                ),
                (r"(password \d+) \S+", "$1 <secret hidden>"),
                (
                    r"(?m)^(radius-server .*key(?: \d+)?) \S+",
                    "$1 <secret hidden>",
                ),
                (
                    r"(?m)^(tacacs-server .*key(?: \d+)?) \S+",
                    "$1 <secret hidden>",
                ),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(Nxos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "n1# "
commands:
  "terminal length 0\n": "terminal length 0\r\nn1# "
  "show version\n": "show version\r\nCisco Nexus Operating System (NX-OS) Software\r\nn1# "
  "show inventory all\n": "show inventory all\r\nNAME: \"Chassis\"\r\nn1# "
  "show running-config\n": "show running-config\r\n% Permission denied for the role\r\n\r\nn1# "
"#;
        scripted::backup_fails_with::<Nxos>(
            recording,
            &Device::default(),
            r#"essential command "show running-config": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_inventory_is_backed_up_without_it() {
        let refused = r"\r\n                 ^\r\n% Invalid command at '^' marker.\r\n\r\nn1# ";
        let recording = format!(
            r#"init_prompt: "n1# "
commands:
  "terminal length 0\n": "terminal length 0\r\nn1# "
  "show version\n": "show version\r\nCisco Nexus Operating System (NX-OS) Software\r\nn1# "
  "show inventory all\n": "show inventory all{refused}"
  "show inventory\n": "show inventory{refused}"
  "show running-config\n": "show running-config\r\n\r\n!Command: show running-config\r\n!Time: Mon Dec  1 14:37:04 2025\r\nhostname n1\r\nn1# "
  "exit\n": ""
"#
        );
        let backup = scripted::backup_without::<Nxos>(
            &recording,
            &Device::default(),
            &["show inventory all", "show inventory"],
        );
        assert_eq!(
            backup.config,
            "! Cisco Nexus Operating System (NX-OS) Software\n! \n\
             \n!Command: show running-config\nhostname n1\n"
        );
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Nxos>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn version_stops_before_flash_size_and_uptime() {
        let out = "Hardware\n  Device name: sw1\n  bootflash:  115805708 kB\n\nKernel uptime is 2 day(s)\nReason: x\n";
        assert_eq!(
            version_section(out, "! "),
            "! Hardware\n!   Device name: sw1\n! \n"
        );
        let out = "Software\n\nKernel uptime is 1 day(s)\n";
        assert_eq!(version_section(out, "! "), "! Software\n! \n! \n");
    }

    #[test]
    fn invalid_keyword_is_detected_as_rejection() {
        let reply = "                           ^\n% Invalid parameter detected at '^' marker.\n";
        assert!(Nxos::rejected(reply));
        assert!(Nxos::rejected("% Invalid command at '^' marker.\n"));
        assert!(!Nxos::rejected(
            "NAME: \"Chassis\",  DESCR: \"Nexus9000\"\n"
        ));
    }

    #[test]
    fn running_config_drops_time_stamp_and_prompts() {
        let out = "\n!Command: show running-config\n!Time: Mon Dec  1 14:37:04 2025\n\nhostname sw1\nsw1# \n";
        assert_eq!(
            running_config(out),
            "\n!Command: show running-config\n\nhostname sw1\n\n"
        );
    }

    #[test]
    fn snmp_user_keys_are_hidden_but_options_kept() {
        let cfg = "snmp-server user admin network-admin auth md5 0xAAAA priv aes-128 0xBBBB localizedV2key\n\
                   snmp-server user u2 auth sha KEY1 priv KEY2\n";
        let out = Nxos::redact(cfg);
        assert_eq!(
            out,
            "snmp-server user admin network-admin auth md5 <secret hidden> priv aes-128 <secret hidden> localizedV2key\n\
             snmp-server user u2 auth sha <secret hidden> priv <secret hidden>\n"
        );
    }

    #[test]
    fn snmp_host_community_before_port_is_hidden() {
        let cfg = "snmp-server host 192.0.2.1 traps version 2c public udp-port 162\n";
        assert_eq!(
            Nxos::redact(cfg),
            "snmp-server host 192.0.2.1 traps version 2c <secret hidden> udp-port 162\n"
        );
    }
}
