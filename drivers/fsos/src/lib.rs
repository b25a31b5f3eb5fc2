//! FS.com (Fiberstore) FSOS switches (Oxidized model `fsos`).
//!
//! Checked against a recording of an S3400-48T4SP running 2.0.2J build
//! 120538.
//!
//! The backup is `show version` as `! ` comments (without the uptime line),
//! then `show running-config` without the `Building configuration...` line.
//! As Oxidized stores it, the `show version` block keeps its echo and prompt
//! lines and the config keeps its trailing prompt. A refused `show version`
//! is left out; a refused configuration fails the backup.

use netraven_driver_sdk::prelude::*;

pub struct Fsos;

/// `host#`, `host>` and config modes such as `host(config)#`.
const PROMPT: &str = r"^([\w.@\-/()]+[#>]\s?)$";

const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

/// The pager, answered with a space: at a line start as a rule, part-way
/// through a long line at times.
const PAGER: &str = r" --More--.*$";

const COMMENT: &str = "! ";

impl Driver for Fsos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "fsos",
            env!("CARGO_PKG_VERSION"),
            &["fsos"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        session.on_pattern(PAGER, " ")?;
        // FSOS accounts usually reach privileged mode without a password; if
        // one is asked for, the host types the enable secret.
        login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("terminal length 0")?;
        session.command("terminal width 0")?;

        let mut config = String::new();
        if let Some(version) = session.optional("show version")? {
            // Its echo is stored: as the terminal shows it.
            let version = text::unix_newlines(&text::apply_backspaces(&version));
            config.push_str(&text::comment(&drop_uptime(&version), COMMENT));
        }
        // The configuration itself: a refusal fails the backup.
        let running = text::unix_newlines(&text::apply_backspaces(
            &session.essential("show running-config")?,
        ));
        config.push_str(&running_config(&running));
        Ok(Backup::config(config))
    }

    /// Leave with `exit`, sent twice (the second is not sent once the
    /// device has hung up).
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        let mut out = config.to_string();
        if out.contains("secret ") {
            out = text::replace_all(&out, &[(r"(secret \w+) \S+.*", "$1 <secret hidden>")]);
        }
        if out.contains("password ") {
            out = text::replace_all(&out, &[(r"(password \d+) \S+.*", "$1 <secret hidden>")]);
        }
        if out.contains("snmp-server ") {
            out = text::replace_all(
                &out,
                &[
                    (r"(snmp-server community \d+) \S+.*", "$1 <secret hidden>"),
                    // snmp-server host H [udp-port N] [permit|deny N] [inform(s)] [trap(s)]
                    //   [version v3 priv|auth|noauth | version v1|v2c] COMMUNITY ...
                    (
                        r"(?m)^(snmp-server host \S+(?: udp-port \d+)?(?: permit| deny \d+)?(?: informs?)?(?: traps?)?(?:(?: version v3 (?:priv|auth|noauth))|(?: version (?:v1|v2c))?)) +\S+(?: .*)?$",
                        "$1 <secret hidden>",
                    ),
                    (
                        r"(?m)^(snmp-server user \S+ \S+ v3(?: priv (?:des|aes128|aes256|aes256-c))?(?: auth (?:md5|sha|sha256) \d+)) +\S+(?: .*)?$",
                        "$1 <secret hidden>",
                    ),
                ],
            );
        }
        if out.contains("key ") {
            out = text::replace_all(&out, &[(r"(?m)^(.*key \d+) \S+.*", "$1 <secret hidden>")]);
        }
        out
    }
}

/// `show version` without the lines that change on every read.
fn drop_uptime(version: &str) -> String {
    text::lines(version)
        .filter(|line| !(line.contains("uptime is") || line.contains("System uptime")))
        .collect()
}

/// `show running-config` without its echo and `Building configuration...`.
fn running_config(raw: &str) -> String {
    text::lines(raw)
        .skip(1)
        .filter(|line| !line.starts_with("Building configuration"))
        .collect()
}

netraven_driver_sdk::export_driver!(Fsos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Fsos>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "sw1>"
commands:
  "enable\n": "enable\r\nsw1>"
  "terminal length 0\n": "terminal length 0\r\nsw1>"
  "terminal width 0\n": "terminal width 0\r\nsw1>"
  "show version\n": "show version\r\nFS S3400-48T4SP 2.0.2J\r\nsw1>"
  "show running-config\n": "show running-config\r\n                   ^\r\n% Invalid input detected at '^' marker.\r\n\r\nsw1>"
"#;
        scripted::backup_fails_with::<Fsos>(
            recording,
            &Device::default(),
            r#"essential command "show running-config": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_show_version_is_backed_up_without_it() {
        let recording = r#"init_prompt: "sw1#"
commands:
  "enable\n": "enable\r\nsw1#"
  "terminal length 0\n": "terminal length 0\r\nsw1#"
  "terminal width 0\n": "terminal width 0\r\nsw1#"
  "show version\n": "show version\r\n     ^\r\n% Invalid input detected at '^' marker.\r\n\r\nsw1#"
  "show running-config\n": "show running-config\r\nBuilding configuration...\r\n\r\nhostname sw1\r\n!\r\nsw1#"
  "exit\n": "exit"
"#;
        let backup =
            scripted::backup_without::<Fsos>(recording, &Device::default(), &["show version"]);
        assert_eq!(backup.config, "\nhostname sw1\n!\nsw1#");
    }

    #[test]
    fn uptime_line_is_dropped_but_reboot_history_kept() {
        let out = "show version\nsw1 uptime is 4:04:14:10, The current time: 2024\n  No. 2: rebooted at 2000-1-1, uptime 0:00:07:12\nsw1#";
        assert_eq!(
            drop_uptime(out),
            "show version\n  No. 2: rebooted at 2000-1-1, uptime 0:00:07:12\nsw1#"
        );
    }

    #[test]
    fn config_keeps_blank_lines_and_trailing_prompt() {
        let raw =
            "show running-config\nBuilding configuration...\n\n\nCurrent configuration:\n!\nsw1#";
        assert_eq!(running_config(raw), "\n\nCurrent configuration:\n!\nsw1#");
    }

    #[test]
    fn snmp_host_community_and_user_keys_are_hidden() {
        let cfg = "snmp-server host 192.168.1.3 public snmp\n\
                   snmp-server host 10.0.0.1 version v2c s3cret\n\
                   snmp-server user u1 g1 v3 priv aes256-c auth sha256 7 AAAA BBBB \n";
        assert_eq!(
            Fsos::redact(cfg),
            "snmp-server host 192.168.1.3 <secret hidden>\n\
             snmp-server host 10.0.0.1 version v2c <secret hidden>\n\
             snmp-server user u1 g1 v3 priv aes256-c auth sha256 7 <secret hidden>\n"
        );
    }
}
