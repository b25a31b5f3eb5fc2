//! Dell EMC Networking OS10 / SmartFabric OS10 (Oxidized model `os10`).
//!
//! Checked against a session of a Dell S6010-ON running OS10 10.4.0E(R1),
//! stitched from published output of OS10 (see
//! `tests/corpus/netraven/os10#S6010-ON_10.4.0E#source.md`): the Ansible
//! project's unit-test fixture of `show running-configuration` (an
//! S6010-ON, hostname `os10`), and the `show inventory` of an S3048-ON on
//! 10.5.1.4 that HPE's Cray CSM documentation prints. No published
//! `show inventory media` of OS10 was found, so the session answers it with
//! OS10's refusal, and the backup shows what the driver does with a refused
//! informational command.
//!
//! Session: the prompt is the hostname, then `#` (or `>` for a user below
//! privilege level 15): `OS10#`, `os10#`; configuration-mode prompts
//! (`OS10(config)#`, `OS10(conf-if-eth1/1/12)#`) are not prompts here, nor
//! are the syslog lines OS10 prints on the terminal. After login the driver
//! sends `terminal length 0` (no pager to answer). Logout is `exit`: OS10
//! ends the session from EXEC mode (Oxidized sends a second `exit`, for a
//! session the first one did not end).
//!
//! Commands, in Oxidized's order:
//! - `show inventory` and `show inventory media` (optional), stored as
//!   `! ` comments;
//! - `show running-configuration` (essential): a switch that refuses it
//!   fails the backup as `command_rejected` instead of storing the
//!   comments alone. OS10 closes its configuration with no line of its
//!   own, so a configuration cut short cannot be told from a whole one by
//!   its last line; a session that drops shows as `connection_closed`.
//!
//! Every command's output loses its echo, the prompt after it, and a
//! blank line right after the echo if the terminal prints one; the
//! configuration also loses its header (`! Version ...`, `! Last
//! configuration change at ...` or `! Startup-config last updated at ...`,
//! and the `!` that closes it). A caret line and IOS's refusal wording are
//! blanked first, as Oxidized does.
//!
//! Oxidized cuts by count instead: two lines off the top of every output,
//! the last one, and three more off the configuration, a cut it took from
//! its OS9 model (`dnos`), where a `Current Configuration ...` line follows
//! the echo. Published OS10 output starts right after the echo, so on the
//! corpus session Oxidized loses the `Product : S3048ON` line of the
//! inventory and the first line of the configuration (`snmp-server contact
//! ...`), which is not volatile and may well be the line that changed. The
//! driver keeps both; on a terminal that does print a line after the echo,
//! its cut gives what Oxidized's gives. Oxidized's text is
//! `tests/corpus/netraven/os10#S6010-ON_10.4.0E#oxidized.txt`.
//!
//! A refusal is OS10's `% Error: Unrecognized command.` (no caret marker).
//! A user whose privilege level lacks the command gets the same answer.
//!
//! `redact` hides, keeping each keyword: every `password` value (as
//! Oxidized; `username ... password $6$...`, `system-user linuxadmin
//! password ...`, BGP neighbour passwords), SNMP communities and the
//! communities of SNMP hosts, SNMPv3 user auth and priv keys,
//! TACACS+/RADIUS keys, OSPF message-digest and authentication keys, NTP
//! authentication keys and VRRP authentication keys. `significant` ignores
//! `! Last configuration change at ...` and `! Startup-config last updated
//! at ...`, should a device's header leave one in after the cut.
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login, as Oxidized does for this
//!   model when its `enable` var is set (the host types the enable secret if
//!   the switch asks for one).

use netraven_driver_sdk::prelude::*;

pub struct Os10;

/// The hostname, then `#` or `>`. A carriage return may come first on a
/// console.
const PROMPT: &str = r"^(\r?[\w.@-]+[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

/// Informational commands, stored as `! ` comments, in this order.
const COMMENTED: [&str; 2] = ["show inventory", "show inventory media"];

const SHOW_CONFIG: &str = "show running-configuration";

impl Driver for Os10 {
    fn info() -> DriverInfo {
        DriverInfo::shell("os10", env!("CARGO_PKG_VERSION"), &["os10"], PROMPT, "! ")
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("terminal length 0")?;

        let mut config = String::new();
        for command in COMMENTED {
            let Some(raw) = session.optional(command)? else {
                continue;
            };
            config.push_str(&text::comment(&output_of(&raw), "! "));
        }

        let raw = session.essential(SHOW_CONFIG)?;
        config.push_str(without_header(&output_of(&raw)));
        Ok(Backup::config(config))
    }

    /// Log out; OS10 closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(
            config,
            &[r"^! (Last configuration change|Startup-config last updated) at "],
        )
    }
}

/// What a command printed, from its whole output (echo, output, prompt):
/// unix line endings, a caret line or IOS's refusal blanked (as Oxidized
/// does), without the echo, a blank line right after it, and the prompt.
fn output_of(raw: &str) -> String {
    let unix = text::unix_newlines(raw);
    let cleaned = text::replace_all(
        &unix,
        &[(
            r"(?m)^(% Invalid input detected at '\^' marker\.|[ \t]+\^)$",
            "",
        )],
    );
    let body = text::cut_echo_and_prompt(&cleaned);
    match body.strip_prefix('\n') {
        Some(rest) => rest.to_string(),
        None => body,
    }
}

/// The configuration without its header: the `! Version`, `! Last
/// configuration change at` and `! Startup-config last updated at` lines
/// it starts with, and the lone `!` after them.
fn without_header(config: &str) -> &str {
    let mut rest = config;
    let mut header = false;
    while let Some((line, after)) = rest.split_once('\n') {
        let stamp = [
            "! Version ",
            "! Last configuration change at ",
            "! Startup-config last updated at ",
        ]
        .iter()
        .any(|p| line.starts_with(p));
        if stamp {
            header = true;
            rest = after;
        } else {
            if header && line.trim_end() == "!" {
                rest = after;
            }
            break;
        }
    }
    rest
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle, each keeping the keyword that names
/// the secret and hiding its value. An encryption type (`0`, `9`) stays
/// too.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `username admin password $6$... role sysadmin`, `system-user
    // linuxadmin password $6$...`, a BGP neighbour's `password 9 ...`.
    (
        "password ",
        r"(^|\s)(password(?: \d)?) \S+",
        "$1$2 <secret hidden>",
    ),
    (
        "snmp-server community",
        r"^(snmp-server community) \S+",
        "$1 <secret hidden>",
    ),
    // `snmp-server host 1.1.1.1 traps version 2c COMMUNITY udp-port 4`.
    (
        "snmp-server host",
        r"^(snmp-server host \S+(?: traps| informs)? version (?:1|2c|3 (?:auth|noauth|priv))) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server user",
        r"^(snmp-server user .* auth (?:md5|sha)(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server user",
        r"^(snmp-server user .* priv (?:des|aes)(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    // `tacacs-server host 192.0.2.5 key 9 ...`, `radius-server host ... key 9 ...`.
    (
        "-server ",
        r"^((?:tacacs|radius)-server (?:.* )?key(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "message-digest-key",
        r"^( *ip ospf message-digest-key \d+ md5(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "authentication-key",
        r"^( *ip ospf authentication-key(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "authentication-key",
        r"^(ntp authentication-key \d+ (?:md5|sha1|sha2-256)(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    // VRRP: `authentication-type simple KEY`.
    (
        "authentication-type",
        r"^( *authentication-type simple(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Os10);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Os10>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Os10>(CORPUS);
    }

    /// A session as the S6010-ON of the corpus answers it, with `inventory`
    /// and `media` as the replies (after the echo) to the optional commands
    /// and `config` as the running configuration's.
    fn recording(inventory: &str, media: &str, config: &str) -> String {
        let p = "os10#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\n{p}'\n\
             \x20 - \"show inventory\\n\": 'show inventory\\n{inventory}{p}'\n\
             \x20 - \"show inventory media\\n\": 'show inventory media\\n{media}{p}'\n\
             \x20 - \"show running-configuration\\n\": 'show running-configuration\\n{config}{p}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    const INVENTORY: &str = "Product               : S3048ON\\nDescription           : S3048-ON 48x1GbE copper, 4x10GbE SFP+ Interface Module\\nSoftware version      : 10.5.1.4\\n";
    const MEDIA: &str = "Slot  Port  Category  Media\\n1     1     SFP+      10GBASE-SR\\n";
    const CONFIG: &str = "! Version 10.4.0E(R1)\\n! Last configuration change at Jan  11 12:26:08 2018\\n!\\nsnmp-server contact http://www.dell.com/support\\nhostname os10\\n!\\ninterface vlan1\\n no shutdown\\n\\n";
    /// OS10's refusal of an unknown command.
    const UNRECOGNIZED: &str = "% Error: Unrecognized command.\\n";

    #[test]
    fn the_backup_keeps_every_line_the_switch_printed() {
        let backup =
            scripted::backup::<Os10>(&recording(INVENTORY, MEDIA, CONFIG), &Device::default())
                .expect("replayed whole");
        assert_eq!(
            backup.config,
            "! Product               : S3048ON\n\
             ! Description           : S3048-ON 48x1GbE copper, 4x10GbE SFP+ Interface Module\n\
             ! Software version      : 10.5.1.4\n\
             ! Slot  Port  Category  Media\n\
             ! 1     1     SFP+      10GBASE-SR\n\
             snmp-server contact http://www.dell.com/support\n\
             hostname os10\n!\ninterface vlan1\n no shutdown\n\n"
        );
    }

    #[test]
    fn a_switch_that_refuses_the_informational_commands_is_backed_up_without_them() {
        let backup = scripted::backup_without::<Os10>(
            &recording(UNRECOGNIZED, UNRECOGNIZED, CONFIG),
            &Device::default(),
            &["show inventory", "show inventory media"],
        );
        assert_eq!(
            backup.config,
            "snmp-server contact http://www.dell.com/support\nhostname os10\n!\ninterface vlan1\n no shutdown\n\n"
        );
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Os10>(
            &recording(INVENTORY, MEDIA, UNRECOGNIZED),
            &Device::default(),
            r#"essential command "show running-configuration": the device refused it: "% Error: Unrecognized command.""#,
        );
    }

    #[test]
    fn an_empty_configuration_fails() {
        scripted::backup_fails_with::<Os10>(
            &recording(INVENTORY, MEDIA, ""),
            &Device::default(),
            r#"essential command "show running-configuration""#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_when_asked_to() {
        let session = scripted::login::<Os10>(
            "init_prompt: 'OS10>'\ncommands:\n  - \"enable\\n\": 'enable\\nPassword: '\n  - \"<enable>\\n\": '\\nOS10#'\n",
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_takes_hostnames_and_refuses_config_mode_and_log_lines() {
        let prompt = text::line_re(PROMPT);
        for p in ["OS10#", "OS10# ", "os10#", "sw-leaf-bmc-001#", "\rOS10#"] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "OS10(config)#",
            "OS10(conf-if-eth1/1/12)#",
            "OS10(conf-mon-local-1)#",
            "! Version 10.4.0E(R1)",
            "<165>1 2019-10-28T19:10:22.616888+00:00 OS10 dn_alm 669 - - Node.1-Unit.1:PRI [event], Dell EMC (OS10) %IFM_OSTATE_UP: Interface operational state is up :port-channel1",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn output_of_drops_the_echo_a_blank_line_after_it_and_the_prompt() {
        assert_eq!(output_of("echo\r\na\r\nb\r\nos10#"), "a\nb\n");
        // A terminal that prints a blank line after the echo.
        assert_eq!(output_of("echo\n\na\nb\nos10#"), "a\nb\n");
        assert_eq!(output_of("echo\na\n    ^\nb\nos10#"), "a\n\nb\n");
        assert_eq!(output_of("echo\nos10#"), "");
        assert_eq!(output_of(""), "");
    }

    #[test]
    fn without_header_drops_the_stamps_and_the_bang_after_them_only() {
        assert_eq!(
            without_header(
                "! Version 10.4.0E(R1)\n! Last configuration change at Jan  11 12:26:08 2018\n!\nhostname a\n!\n"
            ),
            "hostname a\n!\n"
        );
        assert_eq!(
            without_header(
                "! Version 10.5.1.4\n! Startup-config last updated at Mon Feb 3 2020\n!\nhostname a\n"
            ),
            "hostname a\n"
        );
        // No header: nothing is dropped, not even a leading `!`.
        assert_eq!(without_header("!\nhostname a\n"), "!\nhostname a\n");
        assert_eq!(without_header("hostname a\n"), "hostname a\n");
    }

    #[test]
    fn redact_hides_passwords_communities_and_keys() {
        let cfg = "username admin password $6$q9QBeYjZ$jfxzVq role sysadmin\n\
                   system-user linuxadmin password $6$5DdOHYg5$JCE1vMSm\n\
                   snmp-server community public ro\n\
                   snmp-server host 1.1.1.1 traps version 2c c1 udp-port 4\n\
                   snmp-server host 2.2.2.2 traps version 1 c3 udp-port 162\n\
                   snmp-server user u1 g1 3 auth sha AUTHKEY priv aes PRIVKEY\n\
                   tacacs-server host 192.0.2.5 key 9 TACKEY\n\
                   radius-server host 192.0.2.6 key 9 RADKEY\n\
                   ntp authentication-key 1 md5 9 NTPKEY\n\
                   router bgp 65000\n neighbor 192.0.2.2\n  password 9 BGPKEY\n\
                   interface ethernet1/1/1\n ip ospf message-digest-key 1 md5 9 MD5KEY\n ip ospf authentication-key OSPFKEY\n\
                   interface vlan10\n vrrp-group 1\n  authentication-type simple VRRPKEY\n";
        let out = Os10::redact(cfg);
        for secret in [
            "jfxzVq", "JCE1vMSm", "public", " c1 ", " c3 ", "AUTHKEY", "PRIVKEY", "TACKEY",
            "RADKEY", "NTPKEY", "BGPKEY", "MD5KEY", "OSPFKEY", "VRRPKEY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "username admin password <secret hidden> role sysadmin\n",
            "system-user linuxadmin password <secret hidden>\n",
            "snmp-server community <secret hidden> ro\n",
            "snmp-server host 1.1.1.1 traps version 2c <secret hidden> udp-port 4\n",
            "auth sha <secret hidden> priv aes <secret hidden>\n",
            "tacacs-server host 192.0.2.5 key 9 <secret hidden>\n",
            "ntp authentication-key 1 md5 9 <secret hidden>\n",
            "  password 9 <secret hidden>\n",
            " ip ospf message-digest-key 1 md5 9 <secret hidden>\n",
            "  authentication-type simple <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn redact_leaves_lines_without_secrets_alone() {
        let cfg = "aaa authentication local\nsnmp-server contact http://www.dell.com/support\nhostname os10\n";
        assert_eq!(Os10::redact(cfg), cfg);
    }

    #[test]
    fn significant_ignores_change_stamps() {
        let cfg = "! Last configuration change at Jan  11 12:26:08 2018\n!\nhostname os10\n";
        let later = "! Last configuration change at Feb  02 09:00:00 2018\n!\nhostname os10\n";
        assert_eq!(Os10::significant(cfg), Os10::significant(later));
        assert_eq!(Os10::significant(cfg), "!\nhostname os10\n");
    }
}
