//! VyOS (and Vyatta-style `set` configurations).
//!
//! Checked against a recording of VyOS 1.4.3 (sagitta) on a Supermicro box.
//!
//! The backup is `show version` as `# ` comments (left out when refused),
//! then `show configuration commands | no-more`. VyOS pipes operational
//! output through a pager that sends terminal escape codes and carriage
//! returns; the session strips the escape codes and the driver drops the
//! stray `\r`.

use netraven_driver_sdk::prelude::*;

pub struct Vyos;

const COMMENT: &str = "# ";

/// `user@host:~$ ` (operational mode, any directory), `user@host# `
/// (configuration mode) and `user@host> ` (older Vyatta shells).
const PROMPT: &str = r"^\S+@\S+(?::\S*[$#]|[>#]) ?$";

/// What a command printed: without echo and prompt, `\r` removed.
fn output(raw: &str) -> String {
    text::command_output(raw).replace('\r', "")
}

impl Driver for Vyos {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell(
            "vyos",
            env!("CARGO_PKG_VERSION"),
            &["vyos"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.strip_ansi(true);
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(version) = session.optional("show version")? {
            config.push_str(&text::comment(&output(&version), COMMENT));
        }
        // The configuration itself: a refusal fails the backup.
        let raw = session.essential("show configuration commands | no-more")?;
        config.push_str(&output(&raw));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(
            config,
            &[
                ("secret ", r"secret \S+.*", "secret <secret removed>"),
                ("password ", r"password \S+.*", "password <secret removed>"),
                (
                    "snmp community ",
                    r"snmp community \S+",
                    "snmp community <secret removed>",
                ),
                (
                    "snmp trap-target ",
                    r"snmp trap-target ([^\s\\]*) community \S+",
                    "snmp trap-target $1 community <secret removed>",
                ),
                (
                    "preshared-key ",
                    r"preshared-key \S+.*",
                    "preshared-key <secret removed>",
                ),
                (
                    "private key ",
                    r"private key \S+.*",
                    "private key <secret removed>",
                ),
                (
                    "private-key ",
                    r"private-key \S+.*",
                    "private-key <secret removed>",
                ),
                // user:password@ in URLs (backup targets, image sources, ...).
                ("://", r"([a-z]+://[^:\s]+:)\S+@", "${1}<secret removed>@"),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(Vyos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "vyos@r1:~$ "
commands:
  "show version\n": "show version\r\nVersion:          VyOS 1.4.3\r\nvyos@r1:~$ "
  "show configuration commands | no-more\n": "show configuration commands | no-more\r\n\r\n  Invalid command: show [configuration]\r\n\r\nvyos@r1:~$ "
"#;
        scripted::backup_fails_with::<Vyos>(
            recording,
            &Device::default(),
            r#"essential command "show configuration commands | no-more": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_version_is_backed_up_without_it() {
        let recording = r#"init_prompt: "vyos@r1:~$ "
commands:
  "show version\n": "show version\r\n\r\n  Invalid command: show [version]\r\n\r\nvyos@r1:~$ "
  "show configuration commands | no-more\n": "show configuration commands | no-more\r\nset system host-name 'r1'\r\nvyos@r1:~$ "
  "exit\n": ""
"#;
        let backup =
            scripted::backup_without::<Vyos>(recording, &Device::default(), &["show version"]);
        assert_eq!(backup.config, "set system host-name 'r1'\n");
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Vyos>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn prompt_matches_operational_configuration_and_vyatta_modes() {
        let re = text::re(&format!("(?m){PROMPT}"));
        for p in ["vyos@r1:~$ ", "vyos@r1:/config$ ", "vyos@r1# ", "vyos@r1> "] {
            assert!(re.is_match(p), "{p:?}");
        }
        assert!(!re.is_match("set system host-name 'r1'"));
    }

    #[test]
    fn url_passwords_and_snmp_communities_are_hidden() {
        let cfg = "set system config-management commit-archive location 'sftp://bk:pw1@10.0.0.1/'\n\
                   set service snmp trap-target 10.1.1.1 community 'pub'\n\
                   set service snmp community pub authorization 'ro'\n";
        assert_eq!(
            Vyos::redact(cfg),
            "set system config-management commit-archive location 'sftp://bk:<secret removed>@10.0.0.1/'\n\
             set service snmp trap-target 10.1.1.1 community <secret removed>\n\
             set service snmp community <secret removed> authorization 'ro'\n"
        );
    }

    #[test]
    fn password_type_keyword_is_not_taken_for_a_password() {
        let cfg = "set high-availability vrrp group G authentication type 'plaintext-password'\n";
        assert_eq!(Vyos::redact(cfg), cfg);
    }
}
