//! Arista EOS.
//!
//! Checked against a recording of EOS 4.29.2F on a DCS-7050SX3-48YC8.
//!
//! The backup is `show inventory` as `! ` comments, then the running
//! configuration. Both commands pipe through `no-more`, so no pager setting
//! is needed, and EOS itself filters out the `! Time:` line that would
//! otherwise change on every read.
//!
//! Device variable `enable` (flag): log in unprivileged and run `enable`
//! first, answering a password prompt with the host's enable secret.

use netraven_driver_sdk::prelude::*;

pub struct Eos;

/// `host>` (unprivileged), `host#` and config modes such as
/// `host(config-if-Et1/1)#`.
const PROMPT: &str = r"^[\w.@/:()-]+[#>]\s?$";

const ENABLE_PASSWORD: &str = r"[pP]assword:\s?$";

impl Eos {
    /// What an optional command printed: without echo and prompt, with
    /// `\r\n` made `\n`. `None`: the switch refused it.
    fn output(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
        Ok(session
            .optional(command)?
            .map(|raw| text::command_output(&raw)))
    }
}

impl Driver for Eos {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell("eos", env!("CARGO_PKG_VERSION"), &["eos"], PROMPT, "! ")
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        login::prompt_then_enable(session, device, PROMPT, ENABLE_PASSWORD)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let prefix = Self::info().comment_prefix;
        let mut config = String::new();
        if let Some(inventory) = Self::output(session, "show inventory | no-more")? {
            config.push_str(&text::comment(&inventory, &prefix));
        }
        // The configuration itself: a refusal fails the backup.
        let command = "show running-config | no-more | exclude ! Time:";
        let running = text::command_output(&session.essential(command)?);
        // EOS closes its configuration with `end`: without it, it was cut short.
        complete(command, &running, "end")?;
        config.push_str(&running);
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_all(
            config,
            &[
                (
                    r"(?m)^(snmp-server community).*",
                    "$1 <configuration removed>",
                ),
                // snmp-server host H [vrf V] [traps|informs] [version 1|2c] COMMUNITY [udp-port N]
                // (with version 3 the word is a user name, not a secret).
                (
                    r"(?m)^(snmp-server host \S+(?: vrf \S+)?(?: traps| informs)?(?: version (?:1|2c))?) \S+( udp-port \d+)?$",
                    "$1 <secret hidden>$2",
                ),
                (r"(secret \w+) \S+.*", "$1 <secret hidden>"),
                (r"(password \d+) \S+.*", "$1 <secret hidden>"),
                (
                    r"(?m)^(enable (?:secret|password)).*",
                    "$1 <configuration removed>",
                ),
                (
                    r"(?m)^(service unsupported-transceiver).*",
                    "$1 <license key removed>",
                ),
                (
                    r"(?m)^(tacacs-server key \d+).*",
                    "$1 <configuration removed>",
                ),
                (
                    r"(?m)^(radius-server .+ key \d) \S+",
                    "$1 <radius secret hidden>",
                ),
                // Routing-protocol keys: `key <id> 7 <hex>` nested in a block.
                (
                    r"( {6}key) [0-9a-fA-F]+ 7 [0-9a-fA-F]+.*",
                    "$1 <secret hidden>",
                ),
                // SNMPv3 user keys.
                (
                    r"(localized|auth (?:md5|sha\d{0,3})|priv (?:des|aes\d{0,3})) \S+",
                    "$1 <secret hidden>",
                ),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(Eos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Eos>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "sw1>"
commands:
  "show inventory | no-more\n": "show inventory | no-more\r\nSystem information\r\nsw1>"
  "show running-config | no-more | exclude ! Time:\n": "show running-config | no-more | exclude ! Time:\r\n% Invalid input (privileged mode required)\r\nsw1>"
"#;
        scripted::backup_fails_with::<Eos>(
            recording,
            &Device::default(),
            r#"essential command "show running-config | no-more | exclude ! Time:": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_inventory_is_backed_up_without_it() {
        let recording = r#"init_prompt: "sw1#"
commands:
  "show inventory | no-more\n": "show inventory | no-more\r\n% Invalid input (at token 1: 'inventory')\r\nsw1#"
  "show running-config | no-more | exclude ! Time:\n": "show running-config | no-more | exclude ! Time:\r\n! Command: show running-config\r\nhostname sw1\r\nend\r\nsw1#"
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<Eos>(
            recording,
            &Device::default(),
            &["show inventory | no-more"],
        );
        assert_eq!(
            backup.config,
            "! Command: show running-config\nhostname sw1\nend\n"
        );
    }

    fn login_with(transcript: &str, vars: &[(&str, &str)]) -> Result<(), String> {
        let mut session = scripted::login::<Eos>(transcript, &Device::with_vars(vars))?;
        // Privileged now: the next command must be accepted at `sw1#`.
        session.command("show clock").map_err(|e| e.to_string())?;
        session.finish()
    }

    #[test]
    fn enable_flag_answers_the_password_prompt() {
        let transcript = concat!(
            "init_prompt: \"sw1>\"\n",
            "commands:\n",
            "  - \"enable\\n\": \"enable\\nPassword: \"\n",
            "  - \"<enable>\\n\": \"\\nsw1#\"\n",
            "  - \"show clock\\n\": \"show clock\\nnow\\nsw1#\"\n",
        );
        assert_eq!(login_with(transcript, &[("enable", "true")]), Ok(()));
    }

    #[test]
    fn enable_without_password_prompt_sends_no_secret() {
        let transcript = concat!(
            "init_prompt: \"sw1>\"\n",
            "commands:\n",
            "  - \"enable\\n\": \"enable\\nsw1#\"\n",
            "  - \"show clock\\n\": \"show clock\\nnow\\nsw1#\"\n",
        );
        assert_eq!(login_with(transcript, &[("enable", "yes")]), Ok(()));
    }

    #[test]
    fn snmp_host_community_is_hidden_but_v3_user_kept() {
        let cfg = "snmp-server host 10.0.0.1 vrf MGMT version 2c s3cret udp-port 1162\n\
                   snmp-server host 10.0.0.2 informs version 1 s3cret\n\
                   snmp-server host 10.0.0.3 version 3 priv monitor\n";
        assert_eq!(
            Eos::redact(cfg),
            "snmp-server host 10.0.0.1 vrf MGMT version 2c <secret hidden> udp-port 1162\n\
             snmp-server host 10.0.0.2 informs version 1 <secret hidden>\n\
             snmp-server host 10.0.0.3 version 3 priv monitor\n"
        );
    }

    #[test]
    fn user_and_enable_secrets_are_hidden() {
        let cfg = "username admin privilege 15 role network-admin secret sha512 $6$abc\n\
                   enable password sha512 $6$def\n";
        assert_eq!(
            Eos::redact(cfg),
            "username admin privilege 15 role network-admin secret sha512 <secret hidden>\n\
             enable password <configuration removed>\n"
        );
    }

    #[test]
    fn snmpv3_keys_are_hidden() {
        let cfg = "snmp-server user u1 g1 v3 localized 0011 auth sha256 AAAA priv aes256 BBBB\n";
        assert_eq!(
            Eos::redact(cfg),
            "snmp-server user u1 g1 v3 localized <secret hidden> auth sha256 <secret hidden> priv aes256 <secret hidden>\n"
        );
    }
}
