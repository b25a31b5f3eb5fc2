//! Centec Networks CNOS (CentecOS) switches, such as the FS S5800 and
//! S5850 series and Centec's own V350 (Oxidized model `cnos`; not Lenovo
//! CNOS, which Oxidized does not name).
//!
//! No published session of the configuration command exists yet (see
//! `tests/corpus/netraven/RESEARCH.md`, section `cnos`), so the driver is
//! checked by unit tests against Oxidized's own model code (the oracle,
//! `../shared/oxidized/oracle cnos`), by the scripted conformance cases
//! (and their chaos replay) `tests/corpus/conformance/cnos#scripted_*`,
//! and by the prompt case `tests/corpus/netraven/cnos#generic#prompt.yaml`.
//!
//! Session: the prompt is the hostname, then `#` or `>` (`Switch#`);
//! configuration-mode prompts (`Switch(config)#`) are not prompts here.
//! After login the driver sends `terminal length 0` (no pager to answer).
//! Logout is `exit`.
//!
//! Commands, in Oxidized's order:
//! - `show version` (optional), without its `uptime is` line, and
//!   `show transceiver` (optional), stored as `! ` comments;
//! - `show running-config` (essential): a switch that refuses it fails the
//!   backup as `command_rejected`. It loses every blank line, and every
//!   line made of nothing but spaces, `#` and NUL characters, as Oxidized
//!   removes them. The configuration has no closing line that a published
//!   capture shows, so a cut is not checked.
//!
//! Every command's output loses all its carriage returns, its echo and its
//! prompt. The backup is thus byte for byte what Oxidized stores.
//!
//! `redact` hides, keeping each keyword: SNMP communities (as Oxidized,
//! which also drops the rest of the line; the driver keeps the access
//! words after the community), user `password`/`secret` hashes with their
//! encryption type, `enable password`/`secret` values (all three as
//! Oxidized), and beyond Oxidized: plain (untyped) user passwords, line
//! passwords, TACACS+ and RADIUS keys, trap/inform host communities,
//! SNMPv3 authentication and privacy keys, NTP keys, OSPF
//! `authentication-key`/`message-digest-key`s, RIP strings and key-chain
//! `key-string`s, BGP neighbour passwords. `significant` keeps
//! everything: the uptime is already gone.

use netraven_driver_sdk::prelude::*;

pub struct Cnos;

/// The hostname, then `#` or `>`: Oxidized's default prompt.
const PROMPT: &str = r"^([\w.@-]+[#>]\s?)$";

const SHOW_CONFIG: &str = "show running-config";

const COMMENT: &str = "! ";

impl Driver for Cnos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "cnos",
            env!("CARGO_PKG_VERSION"),
            &["cnos"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        session.command("terminal length 0")?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(raw) = session.optional("show version")? {
            let version = text::drop_lines(&oxidized_cut(&raw), &[r" uptime is "]);
            config.push_str(&text::comment(&version, COMMENT));
        }
        if let Some(raw) = session.optional("show transceiver")? {
            config.push_str(&text::comment(&oxidized_cut(&raw), COMMENT));
        }
        let raw = session.essential(SHOW_CONFIG)?;
        config.push_str(&text::drop_lines(
            &oxidized_cut(&raw),
            &[r"^[\r\n\s\x00#]*$"],
        ));
        Ok(Backup::config(config))
    }

    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// A command's whole output as Oxidized's model cuts it: without any
/// carriage return, without the echo and the prompt.
fn oxidized_cut(raw: &str) -> String {
    text::cut_echo_and_prompt(&raw.replace('\r', ""))
}

/// Secret removal, line by line: `(needle, regex, replacement)`.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "snmp-server community",
        r"^(snmp-server community) \S+",
        "$1 <configuration removed>",
    ),
    (
        "username ",
        r"^(username .+ (?:password|secret) \d) \S+",
        "$1 <secret hidden>",
    ),
    (
        "enable ",
        r"^(enable (?:password|secret)(?: level \d+)?(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "-server ",
        r"^((?:tacacs|radius)-server .*\bkey(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    // Beyond Oxidized, in the Cisco-like syntax of FS's S5800/S5850 CLI
    // reference (no published configuration line shows them): a plain
    // user password (`username u password PW`, no type), a line's
    // password, the trap/inform host's community (`snmp-server trap
    // target-address 192.0.2.1 community C`), SNMPv3 keys (`snmp-server
    // usm-user u authentication sha K privacy aes K`), NTP keys and
    // routing-protocol keys.
    (
        "username ",
        r"^(username .+ (?:password|secret)) \S+$",
        "$1 <secret hidden>",
    ),
    (
        "password",
        r"^(\s+password(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "target-address",
        r"^(snmp-server .*target-address .*\bcommunity) \S+",
        "$1 <secret hidden>",
    ),
    (
        "usm-user",
        r"\b(authentication (?:md5|sha\w*)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "usm-user",
        r"\b(privacy (?:des|aes\w*)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "ntp ",
        r"^(ntp (?:authentication-)?key \d+(?: md5)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "authentication-key",
        r"\b(authentication-key(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "message-digest-key",
        r"\b(message-digest-key \d+ md5(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "key-string",
        r"^(\s*key-string(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "rip authentication string",
        r"^(\s*ip rip authentication string) \S+",
        "$1 <secret hidden>",
    ),
    (
        "neighbor ",
        r"^(\s*neighbor \S+ password(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Cnos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Cnos>(CORPUS);
    }

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    /// `cnos#scripted_v350_lf` (the real V350 `show version`, LF, blank,
    /// space-only and `#` lines in the configuration) and
    /// `cnos#scripted_s5850_crlf_banner` (CRLF, a banner, a NUL-only line,
    /// an empty `show transceiver`): the backup is what Oxidized's model
    /// stores for each.
    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Cnos>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Cnos>(CONFORMANCE);
    }

    fn recording(version: &str, xcvr: &str, config: &str) -> String {
        let p = "Switch#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\r\\n{p}'\n\
             \x20 - \"show version\\n\": 'show version\\r\\n{version}{p}'\n\
             \x20 - \"show transceiver\\n\": 'show transceiver\\r\\n{xcvr}{p}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\r\\n{config}{p}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    /// `show version` of a real Centec V350: osrg/ryu-certification
    /// `switch/config/Centec_V350.md` (the `Switch# show version` block),
    /// published with LF line ends; the CRLF ends here are ours.
    const VERSION: &str = "CentecOS Software, V350, Version 3.1(9), sp2.it\\r\\nCopyright (C) 2004-2013 Centec Networks Inc.  All rights reserved.\\r\\nThe current running image is flash:/boot/centec-openflow-v3.1.9.sp2.it.bin\\r\\nSwitch uptime is 1 days, 1 hours, 30 minutes\\r\\n\\r\\nHardware Type is 48T4XG\\r\\nHardware Version is 1.0\\r\\nSDRAM size 2048M\\r\\nFlash size 2048M\\r\\nEPLD Version is 1.0\\r\\nBootRom Version is 6.0.5\\r\\nSystem serial number is ************\\r\\n";
    /// Minimal `show transceiver` and configuration, shaped as FS's S5800
    /// CLI reference shows them (no published capture exists); the
    /// configuration holds a blank line, a line of spaces and a `#` line
    /// to show what Oxidized's model removes.
    const XCVR: &str =
        "Port eth-0-49 transceiver info:\\r\\nTransceiver Type: 10G Base-LR\\r\\n\\r\\n";
    const CONFIG: &str = "!\\r\\nhostname Switch\\r\\n!\\r\\n\\r\\nsnmp-server community public read-only\\r\\n  \\r\\n#\\r\\ninterface eth-0-1\\r\\n no shutdown\\r\\n!\\r\\n\\r\\n";
    /// A refusal in the Cisco-like wording of `text::REFUSALS`, under a
    /// caret line; written for the test (no published CentecOS refusal was
    /// found).
    const INVALID: &str =
        "                   ^\\r\\n% Invalid input detected at ''^'' marker.\\r\\n\\r\\n";

    const CONFIG_STORED: &str = "!\nhostname Switch\n!\nsnmp-server community public read-only\ninterface eth-0-1\n no shutdown\n!\n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup =
            scripted::backup::<Cnos>(&recording(VERSION, XCVR, CONFIG), &Device::default())
                .expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle cnos).
        assert_eq!(
            backup.config,
            "! CentecOS Software, V350, Version 3.1(9), sp2.it\n! Copyright (C) 2004-2013 Centec Networks Inc.  All rights reserved.\n! The current running image is flash:/boot/centec-openflow-v3.1.9.sp2.it.bin\n! \n! Hardware Type is 48T4XG\n! Hardware Version is 1.0\n! SDRAM size 2048M\n! Flash size 2048M\n! EPLD Version is 1.0\n! BootRom Version is 6.0.5\n! System serial number is ************\n! Port eth-0-49 transceiver info:\n! Transceiver Type: 10G Base-LR\n! \n!\nhostname Switch\n!\nsnmp-server community public read-only\ninterface eth-0-1\n no shutdown\n!\n"
        );
    }

    #[test]
    fn a_switch_without_transceiver_support_is_backed_up_without_it() {
        let backup = scripted::backup_without::<Cnos>(
            &recording(INVALID, INVALID, CONFIG),
            &Device::default(),
            &["show version", "show transceiver"],
        );
        assert_eq!(backup.config, CONFIG_STORED);
    }

    #[test]
    fn a_refused_configuration_fails() {
        scripted::backup_fails_with::<Cnos>(
            &recording(VERSION, XCVR, INVALID),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn prompt_takes_hostnames_and_refuses_other_lines() {
        let prompt = text::line_re(PROMPT);
        for p in ["Switch#", "Switch>", "Switch# ", "FS-S5850.lab#"] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "Switch(config)#",
            "Switch(config-if)#",
            "Switch uptime is 1 days, 1 hours, 30 minutes",
            "hostname Switch",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_passwords_communities_and_keys() {
        let cfg = "snmp-server community CANARYCOMM read-only\n\
                   username admin privilege 4 password 8 CANARYUSER\n\
                   username ops secret 5 CANARYSECRET\n\
                   enable password 8 CANARYENABLE\n\
                   enable secret level 4 5 CANARYENSECRET\n\
                   tacacs-server host 192.0.2.5 key 8 CANARYTAC\n\
                   radius-server key CANARYRAD\n\
                   username plain privilege 1 password CANARYPLAIN\n\
                   line vty 0 7\n password 8 CANARYLINE\n\
                   snmp-server trap target-address 192.0.2.9 community CANARYTRAP\n\
                   snmp-server usm-user v3u authentication sha CANARYV3AUTH privacy aes CANARYV3PRIV\n\
                   ntp key 1 CANARYNTP\n\
                   \x20ip ospf authentication-key CANARYOSPF\n\
                   \x20ip ospf message-digest-key 1 md5 CANARYMD5\n\
                   \x20key-string CANARYKEYCHAIN\n\
                   \x20ip rip authentication string CANARYRIP\n\
                   \x20neighbor 192.0.2.3 password CANARYBGP\n\
                   hostname Switch\n";
        let out = Cnos::redact(cfg);
        assert!(!out.contains("CANARY"), "{out}");
        for kept in [
            "snmp-server community <configuration removed> read-only\n",
            "username admin privilege 4 password 8 <secret hidden>\n",
            "username ops secret 5 <secret hidden>\n",
            "enable password 8 <secret hidden>\n",
            "enable secret level 4 5 <secret hidden>\n",
            "tacacs-server host 192.0.2.5 key 8 <secret hidden>\n",
            "radius-server key <secret hidden>\n",
            "username plain privilege 1 password <secret hidden>\n",
            "line vty 0 7\n password 8 <secret hidden>\n",
            "target-address 192.0.2.9 community <secret hidden>\n",
            "authentication sha <secret hidden> privacy aes <secret hidden>\n",
            "ntp key 1 <secret hidden>\n",
            " ip ospf authentication-key <secret hidden>\n",
            " ip ospf message-digest-key 1 md5 <secret hidden>\n",
            " key-string <secret hidden>\n",
            " ip rip authentication string <secret hidden>\n",
            " neighbor 192.0.2.3 password <secret hidden>\n",
            "hostname Switch\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
