//! OneAccess (Ekinops) OneOS (Oxidized model `oneos`).
//!
//! Checked against a session of an LBB 150 running OneOS 6.2.2, stitched
//! from published output of that platform (see
//! `tests/corpus/netraven/oneos#LBB150_6.2.2#source.md`): the running
//! configuration, the prompt and `show version` of the `lab-lbb150` router
//! from the unit-test fixtures of mwallraf's Ekinops Ansible collection,
//! `show system hardware` and `show product-info-area` of another LBB 150
//! from ntc-templates' fixtures.
//!
//! Session: the prompt is the hostname and `#` (`lab-lbb150#`), or `>` at
//! the user level before `enable`; configuration-mode prompts (with
//! parentheses) are not prompts here. After login the driver sends
//! `term len 0` (no pager to answer). Logout is `exit`; the router hangs
//! up.
//!
//! Commands, in Oxidized's order:
//! - `show version`, `show system hardware` and `show product-info-area`
//!   (optional), stored as `! ` comments;
//! - `show running-config` (essential): a router that refuses it fails the
//!   backup as `command_rejected` instead of storing the comments alone.
//!   OneOS closes its configuration with no line of its own (OneOS 6 ends on
//!   the last section's `exit` or a top-level command), so a configuration
//!   cut short cannot be told from a whole one.
//!
//! Every command's output loses its first line and its last one, as
//! Oxidized's model cuts it: the echo and the prompt. The configuration
//! also loses OneOS 5's header lines, `Building configuration...` and
//! `Current configuration : ...` (each with what follows it up to the next
//! line end, as Oxidized's patterns take it); OneOS 6 prints neither. The
//! backup is thus byte for byte what Oxidized stores.
//!
//! A refusal is OneOS's `Syntax error` (the napalm OneOS driver tests a
//! command's output for that wording); `text::REFUSALS` knows it.
//!
//! `redact` hides, keeping each keyword: SNMP communities (quoted or not,
//! read and write; Oxidized hides the read community only), user, enable
//! and BGP neighbour passwords and secrets, TACACS+/RADIUS keys, IKE
//! pre-shared keys, OSPF authentication and message-digest keys, and Wi-Fi
//! WPA passphrases (`passphrase` under an `ssid`, which Oxidized keeps).
//! `significant` changes nothing: neither the configuration nor the three
//! informational outputs hold a clock, an uptime or a counter (OneOS 5's
//! `Current configuration :` size line is already cut).
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login, as Oxidized does for this
//!   model when its `enable` var is set (the host types the enable secret if
//!   the router asks for one).

use netraven_driver_sdk::prelude::*;

pub struct Oneos;

/// The hostname (`lab-lbb150`), then `#`, or `>` before `enable`. A
/// carriage return may come first on a console.
const PROMPT: &str = r"^(\r?[\w.@-]+[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

/// Turns the pager off; its output nobody reads.
const SETUP: &str = "term len 0";

/// Informational commands, stored as `! ` comments, in this order.
const COMMENTED: [&str; 3] = [
    "show version",
    "show system hardware",
    "show product-info-area",
];

const SHOW_CONFIG: &str = "show running-config";

impl Driver for Oneos {
    fn info() -> DriverInfo {
        DriverInfo::shell("oneos", env!("CARGO_PKG_VERSION"), &["oneos"], PROMPT, "! ")
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command(SETUP)?;

        let mut config = String::new();
        for command in COMMENTED {
            let Some(raw) = session.optional(command)? else {
                continue;
            };
            config.push_str(&text::comment(&text::command_output(&raw), "! "));
        }

        let raw = session.essential(SHOW_CONFIG)?;
        config.push_str(&without_oneos5_header(&text::command_output(&raw)));
        Ok(Backup::config(config))
    }

    /// Log out politely; the router closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// OneOS 5 opens `show running-config` with `Building configuration...`
/// and `Current configuration : N bytes`. Each pattern runs once over the
/// whole text, in this order, as Oxidized's: `\s*` may run over the line
/// end, so a blank line after the header goes with it.
fn without_oneos5_header(config: &str) -> String {
    text::replace_all(
        config,
        &[
            (r"(?m)^Building configuration...\s*[^\n]*\n", ""),
            (r"(?m)^Current configuration :\s*[^\n]*\n", ""),
        ],
    )
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle, each keeping the keyword that names
/// the secret and hiding its value. An encryption type (`7`) stays too.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `snmp set-read-community "public"`: the quotes stay.
    (
        "-community",
        r#"^(\s*snmp set-(?:read|write)-community ")[^"]*(")"#,
        "$1<secret hidden>$2",
    ),
    (
        "-community",
        r#"^(\s*snmp set-(?:read|write)-community) [^"<\s]\S*"#,
        "$1 <secret hidden>",
    ),
    // Users, `enable password`, BGP neighbours: the value after the keyword
    // and its optional type digit.
    (
        "password ",
        r"^(\s*(?:\S.*\s)?password(?: \d)?) [^<\s]\S*",
        "$1 <secret hidden>",
    ),
    (
        "secret ",
        r"^(\s*(?:\S.*\s)?secret(?: \d)?) [^<\s]\S*",
        "$1 <secret hidden>",
    ),
    // `tacacs-server host A key X`, `radius-server key X`.
    (
        "-server",
        r"^(\s*(?:tacacs|radius)-server .*\bkey(?: \d)?) [^<\s]\S*",
        "$1 <secret hidden>",
    ),
    // IKE: `pre-shared-key address A key X`, or the key itself.
    (
        "pre-shared-key",
        r"^(\s*pre-shared-key .*\bkey(?: \d)?) [^<\s]\S*",
        "$1 <secret hidden>",
    ),
    (
        "pre-shared-key",
        r"^(\s*(?:ikev2 )?pre-shared-key(?: \d)?) [^<\s]\S*$",
        "$1 <secret hidden>",
    ),
    (
        "authentication-key",
        r"^(\s*ip ospf authentication-key(?: \d)?) [^<\s]\S*",
        "$1 <secret hidden>",
    ),
    (
        "message-digest-key",
        r"^(\s*ip ospf message-digest-key \d+ md5(?: \d)?) [^<\s]\S*",
        "$1 <secret hidden>",
    ),
    // A Wi-Fi SSID's WPA pre-shared passphrase.
    (
        "passphrase",
        r"^(\s*passphrase(?: \d)?) [^<\s]\S*",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Oneos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Oneos>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Oneos>(CORPUS);
    }

    /// A session as the LBB 150 of the corpus answers it, with `version`,
    /// `hardware` and `info` as the replies (after the echo) to the three
    /// optional commands and `config` as the running configuration's.
    fn recording(version: &str, hardware: &str, info: &str, config: &str) -> String {
        let p = "lab-lbb150#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"term len 0\\n\": 'term len 0\\n{p}'\n\
             \x20 - \"show version\\n\": 'show version\\n{version}{p}'\n\
             \x20 - \"show system hardware\\n\": 'show system hardware\\n{hardware}{p}'\n\
             \x20 - \"show product-info-area\\n\": 'show product-info-area\\n{info}{p}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\n{config}{p}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    const VERSION: &str = "Software version    : OneOS-pCPE-ARM_pi1-6.2.2\\nSoftware created on : 2019-06-07 15:45:09\\n";
    const HARDWARE: &str = " HARDWARE DESCRIPTION\\n\\n  Device   : LBB_150\\n";
    const INFO: &str = "| Product Name                 | LBB_150                         |\\n";
    const CONFIG: &str =
        "hostname lab-lbb150\\nip ssh enable\\nsnmp contact test\\nip scp server enable\\n";
    /// OneOS's refusal of an unknown command.
    const REFUSED: &str = "Syntax error\\n";

    #[test]
    fn the_backup_is_cut_as_oxidized_cuts_it() {
        let backup = scripted::backup::<Oneos>(
            &recording(VERSION, HARDWARE, INFO, CONFIG),
            &Device::default(),
        )
        .expect("replayed whole");
        assert_eq!(
            backup.config,
            "! Software version    : OneOS-pCPE-ARM_pi1-6.2.2\n\
             ! Software created on : 2019-06-07 15:45:09\n\
             !  HARDWARE DESCRIPTION\n! \n!   Device   : LBB_150\n\
             ! | Product Name                 | LBB_150                         |\n\
             hostname lab-lbb150\nip ssh enable\nsnmp contact test\nip scp server enable\n"
        );
    }

    #[test]
    fn oneos5_configuration_headers_are_cut() {
        let config = "Building configuration...\\n\\nCurrent configuration : 1234 bytes\\nhostname r1\\nexit\\n";
        let backup = scripted::backup::<Oneos>(
            &recording(VERSION, HARDWARE, INFO, config),
            &Device::default(),
        )
        .expect("replayed whole");
        assert!(
            backup.config.ends_with("|\nhostname r1\nexit\n"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_router_that_refuses_the_informational_commands_is_backed_up_without_them() {
        let backup = scripted::backup_without::<Oneos>(
            &recording(REFUSED, REFUSED, REFUSED, CONFIG),
            &Device::default(),
            &COMMENTED,
        );
        assert_eq!(
            backup.config,
            "hostname lab-lbb150\nip ssh enable\nsnmp contact test\nip scp server enable\n"
        );
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Oneos>(
            &recording(VERSION, HARDWARE, INFO, REFUSED),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "Syntax error""#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_when_asked_to() {
        let session = scripted::login::<Oneos>(
            "init_prompt: 'lab-lbb150>'\ncommands:\n  - \"enable\\n\": 'enable\\nPassword: '\n  - \"<enable>\\n\": '\\nlab-lbb150#'\n",
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_takes_hostnames_and_refuses_config_mode_and_output() {
        let prompt = text::line_re(PROMPT);
        for p in ["lab-lbb150#", "lab-lbb150# ", "lab-lbb150>", "\rRouterA#"] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "lab-lbb150(config)#",
            "lab-lbb150(config-if)#",
            "| Product Name                 | LBB_150                         |",
            "+------------------------------+---------------------------------+",
            "Software version    : OneOS-pCPE-ARM_pi1-6.2.2",
            "ip scp server enable",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn every_output_loses_its_echo_and_prompt_as_oxidized_cuts_it() {
        assert_eq!(text::command_output("echo\r\na\r\nb\r\nr1#"), "a\nb\n");
        assert_eq!(text::command_output("echo\nr1#"), "");
        assert_eq!(text::command_output(""), "");
    }

    #[test]
    fn redact_hides_snmp_user_and_aaa_secrets() {
        let cfg = "snmp set-read-community \"RDCOMM\"\n\
                   snmp set-write-community \"WRCOMM\"\n\
                   snmp set-read-community PLAINCOMM\n\
                   username admin password 7 USERPW\n\
                   username ops secret OPSSECRET\n\
                   enable password ENABLEPW\n\
                   tacacs-server host 192.0.2.5 key TACKEY\n\
                   radius-server key 7 RADKEY\n";
        let out = Oneos::redact(cfg);
        for secret in [
            "RDCOMM",
            "WRCOMM",
            "PLAINCOMM",
            "USERPW",
            "OPSSECRET",
            "ENABLEPW",
            "TACKEY",
            "RADKEY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "snmp set-read-community \"<secret hidden>\"\n",
            "snmp set-write-community \"<secret hidden>\"\n",
            "snmp set-read-community <secret hidden>\n",
            "username admin password 7 <secret hidden>\n",
            "username ops secret <secret hidden>\n",
            "enable password <secret hidden>\n",
            "tacacs-server host 192.0.2.5 key <secret hidden>\n",
            "radius-server key 7 <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn redact_hides_routing_vpn_and_wifi_keys() {
        let cfg = "interface gigabitethernet 0/0\n ip ospf authentication simple\n ip ospf authentication-key OSPFKEY\n\
                   \x20ip ospf message-digest-key 1 md5 MD5KEY\nexit\n\
                   router bgp 65000\n neighbor 10.10.10.254\n  password BGPPW\n exit\nexit\n\
                   crypto keyring DMVPN_HUB-keyring\n pre-shared-key address 0.0.0.0 key IKEKEY\nexit\n\
                   interface dot11radio 0/0.1\n ssid OBELAN\n  authentication wpa2-psk\n  passphrase WIFIPSK\n  exit\nexit\n";
        let out = Oneos::redact(cfg);
        for secret in ["OSPFKEY", "MD5KEY", "BGPPW", "IKEKEY", "WIFIPSK"] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            " ip ospf authentication simple\n",
            " ip ospf authentication-key <secret hidden>\n",
            " ip ospf message-digest-key 1 md5 <secret hidden>\n",
            "  password <secret hidden>\n",
            " pre-shared-key address 0.0.0.0 key <secret hidden>\n",
            "  authentication wpa2-psk\n",
            "  passphrase <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_keeps_the_whole_configuration() {
        let cfg = "hostname lab-lbb150\nsnmp contact test\n";
        assert_eq!(Oneos::significant(cfg), cfg);
    }
}
