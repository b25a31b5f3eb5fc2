//! Any Cisco-like CLI, as Oxidized's generic `defacto` model drives it:
//! the model its authors offer for CLIs shaped like Cisco IOS that have no
//! model of their own.
//!
//! Checked against a session of a Cisco CSR 1000v running IOS XE 16.12.03,
//! recorded from a real router and published by scrapli (see
//! `tests/corpus/netraven/defacto#CSR1000v_16.12.03#source.md`).
//!
//! Session: the prompt is a hostname made of letters, digits and
//! `.:@()/_-`, then `#` or `>` and at most one space (`csr1000v#`,
//! `csr1000v>`, `RP/0/RP0/CPU0:ios#`); carriage returns before it go with
//! the host's terminal cleaning. After login the driver sends
//! `terminal length 0` and `terminal width 0`, whose output nobody reads.
//! Logout is `exit`; the device hangs up. (Oxidized also types `logout`
//! after it, into a closed session.)
//!
//! Commands, as Oxidized's model sends them:
//! - `show running-config` (essential): the whole output between the echo
//!   and the prompt, `Building configuration...` and the blank line after
//!   `end` included, is the backup, byte for byte what Oxidized stores. A
//!   device that refuses it (a user-level login gets `% Invalid input
//!   detected at '^' marker.`) fails the backup as `command_rejected`.
//!   Cisco-like CLIs do not all close their configuration with `end`, so
//!   there is no check for a configuration cut short.
//!
//! `redact` hides, keeping each keyword: `enable secret|password`,
//! `username ... password|secret`, line and interface `password`s, SNMP
//! communities, TACACS+/RADIUS server keys, `key 7` / `key-string` values
//! and pre-shared keys. Oxidized's model hides nothing.
//!
//! `significant` drops the `! Last configuration change at ...` and
//! `! NVRAM config last updated at ...` comments, which change when a
//! command is entered that changes nothing.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Defacto;

/// A Cisco-like prompt: hostname (with a context such as `(config)` or an
/// XR node path), then `#` or `>`.
const PROMPT: &str = r"^[\w.:@()/-]+[#>]\s?$";

/// Setup commands, in Oxidized's order; their output is not kept.
const SETUP: &[&str] = &["terminal length 0", "terminal width 0"];

const SHOW_CONFIG: &str = "show running-config";

/// Comment lines that change without a configuration change.
const VOLATILE: &[&str] = &[
    r"^! Last configuration change at ",
    r"^! NVRAM config last updated at ",
];

impl Driver for Defacto {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "defacto",
            env!("CARGO_PKG_VERSION"),
            &["defacto"],
            PROMPT,
            "! ",
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        for command in SETUP {
            session.command(command)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let raw = session.essential(SHOW_CONFIG)?;
        Ok(Backup::config(text::command_output(&raw)))
    }

    /// Log out; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, VOLATILE)
    }
}

/// Secret removal, line by line: `(needle, regex, replacement)`. An optional
/// encryption type digit (`0`, `5`, `7`, `8`, `9`) goes with the value.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `enable secret 9 $9$...`, `enable password 7 0822455D0A16`.
    (
        "enable ",
        r"^(enable (?:secret|password)(?: level \d+)?)(?: \d)? \S+",
        "$1 <secret hidden>",
    ),
    // `username boxen privilege 15 password 0 b0x3N`, `... secret 9 $9$...`.
    (
        "username ",
        r"^(username \S+(?: .*?)? (?:password|secret))(?: \d)? \S+",
        "$1 <secret hidden>",
    ),
    // Line and interface passwords: ` password 7 0822455D0A16`.
    (
        " password ",
        r"^(\s+password)(?: \d)? \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server community ",
        r"^(snmp-server community) \S+",
        "$1 <secret hidden>",
    ),
    // `tacacs-server key 7 ...`, `radius-server key ...`, ` key 7 ...`
    // inside a server block.
    (
        "key ",
        r"^(\s*(?:(?:tacacs|radius)-server(?: host \S+)? )?key)(?: \d)? \S+",
        "$1 <secret hidden>",
    ),
    (
        "key-string",
        r"^(\s*key-string)(?: \d)? \S+",
        "$1 <secret hidden>",
    ),
    // `crypto isakmp key SECRET address 192.0.2.1`.
    (
        "isakmp key ",
        r"^(crypto isakmp key) \S+",
        "$1 <secret hidden>",
    ),
    (
        "pre-shared-key",
        r"(pre-shared-key(?: local| remote)?)(?: \d)? \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Defacto);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Defacto>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Defacto>(CORPUS);
    }

    /// A session as the CSR 1000v of the corpus answers it at `prompt`,
    /// with `config` as what `show running-config` prints.
    fn recording(prompt: &str, config: &str) -> String {
        format!(
            "init_prompt: '{prompt}'\ncommands:\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\n{prompt}'\n\
             \x20 - \"terminal width 0\\n\": 'terminal width 0\\n{prompt}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\n{config}{prompt}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    #[test]
    fn the_backup_is_the_output_between_echo_and_prompt() {
        let backup = scripted::backup::<Defacto>(
            &recording(
                "csr1000v#",
                "Building configuration...\\n\\nCurrent configuration : 7033 bytes\\n!\\nhostname csr1000v\\nend\\n\\n",
            ),
            &Device::default(),
        )
        .expect("replayed whole");
        assert_eq!(
            backup.config,
            "Building configuration...\n\nCurrent configuration : 7033 bytes\n!\nhostname csr1000v\nend\n\n"
        );
    }

    /// The CSR 1000v's answer to `show run` at its user prompt (scrapli's
    /// recording, see the case's `source.md`).
    #[test]
    fn a_user_level_login_that_is_refused_the_configuration_fails() {
        scripted::backup_fails_with::<Defacto>(
            &recording(
                "csr1000v>",
                "               ^\\n% Invalid input detected at ''^'' marker.\\n\\n",
            ),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn prompt_takes_cisco_like_prompts_and_refuses_configuration_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "csr1000v#",
            "csr1000v>",
            "csr1000v(config)#",
            "RP/0/RP0/CPU0:ios#",
            "sw-1.example.com# ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "Building configuration...",
            "!",
            "end",
            "Current configuration : 7033 bytes",
            " ip address 10.0.0.15 255.255.255.0",
            "% Invalid input detected at '^' marker.",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_cisco_secrets_and_keeps_keywords() {
        let cfg = "enable secret 9 $9$CANARYENABLE\n\
                   enable password 7 CANARYEPW\n\
                   username boxen privilege 15 password 0 CANARYUSER\n\
                   username ops secret 5 $1$CANARYSEC\n\
                   snmp-server community CANARYCOMM RO\n\
                   tacacs-server key 7 CANARYTAC\n\
                   radius-server host 192.0.2.9 key CANARYRAD\n\
                   crypto isakmp key CANARYPSK address 192.0.2.1\n\
                   line vty 0 4\n password 7 CANARYLINE\n key-string CANARYKEYSTR\n\
                   \x20pre-shared-key local CANARYIKEV2\n\
                   ip ssh pubkey-chain\n  username boxen\n   key-hash ssh-rsa 5CC74A68B18B026A1709FB09D1F44E2F\n";
        let out = Defacto::redact(cfg);
        for secret in [
            "CANARYENABLE",
            "CANARYEPW",
            "CANARYUSER",
            "CANARYSEC",
            "CANARYCOMM",
            "CANARYTAC",
            "CANARYRAD",
            "CANARYPSK",
            "CANARYLINE",
            "CANARYKEYSTR",
            "CANARYIKEV2",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "enable secret <secret hidden>\n",
            "enable password <secret hidden>\n",
            "username boxen privilege 15 password <secret hidden>\n",
            "username ops secret <secret hidden>\n",
            "snmp-server community <secret hidden> RO\n",
            "tacacs-server key <secret hidden>\n",
            "radius-server host 192.0.2.9 key <secret hidden>\n",
            "crypto isakmp key <secret hidden> address 192.0.2.1\n",
            " password <secret hidden>\n",
            " key-string <secret hidden>\n",
            " pre-shared-key local <secret hidden>\n",
            "   key-hash ssh-rsa 5CC74A68B18B026A1709FB09D1F44E2F\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_ignores_the_last_change_comments() {
        let a = "!\n! Last configuration change at 22:14:23 UTC Fri May 28 2021 by boxen\n! NVRAM config last updated at 22:14:30 UTC Fri May 28 2021\nhostname r1\n";
        let b =
            "!\n! Last configuration change at 09:00:00 UTC Sat May 29 2021 by ops\nhostname r1\n";
        assert_eq!(Defacto::significant(a), Defacto::significant(b));
        assert_eq!(Defacto::significant(a), "!\nhostname r1\n");
    }
}
