//! Dell Networking OS 9, formerly Force10 FTOS (Oxidized models `dnos`
//! and `ftos`: one operating system under its two names).
//!
//! Checked against a session of a Dell S6000 running OS 9.12, stitched
//! from published output of that platform (see
//! `tests/corpus/netraven/dnos#S6000_9.12#source.md`): the Ansible
//! project's unit-test fixtures of OS9 (`show running-config` and
//! `show inventory` of an S6000 on 9.12(0.0), `show version` of an
//! S6000-ON on 9.10). No published `show inventory media` of OS9 was
//! found, so the session answers it with OS9's refusal, and the backup
//! shows what the driver does with a refused informational command. The
//! `ftos` case (`ftos#S6000_9.12`) is the same session without
//! `show version`.
//!
//! Session: the prompt is the hostname, then `#` (EXEC privilege) or `>`
//! (EXEC): `Dell#`, `SWP_UP_10G>`; configuration-mode prompts
//! (`Dell(conf)#`) are not prompts here. After login the driver sends
//! `terminal length 0` (no pager to answer) and `terminal width 0`.
//! Logout is `exit`: OS9 ends the session (Oxidized sends a second
//! `exit`, for a session the first one did not end).
//!
//! Oxidized's two models differ in two things, and the driver follows the
//! device's model: for `ftos` it sends no `show version`, and it sends
//! `enable` (when asked to) after the terminal settings instead of before.
//!
//! Commands, in Oxidized's order:
//! - `show inventory`, `show inventory media` and (`dnos` only)
//!   `show version` (optional), stored as `! ` comments;
//! - `show running-config` (essential): a switch that refuses it fails the
//!   backup as `command_rejected` instead of storing the comments alone,
//!   and a configuration that does not close with `end` was cut short and
//!   fails too.
//!
//! Every command's output loses its first two lines and its last one, as
//! Oxidized's model cuts it: the echo, the line after it, and the prompt
//! (so `show inventory` starts at `System Mode`, `show version` at
//! `Dell Operating System Version`). `uptime is ...` becomes
//! `uptime is <removed>`. The configuration also loses its next three
//! lines: `Current Configuration ...` went with the first cut, then
//! `! Version ...`, `! Last configuration change at ...` and (9.14) `!
//! Startup-config last updated at ...` or, where that one is missing, the
//! first `!`.
//!
//! Where Oxidized is wrong: it keeps a refusal. OS9 refuses with
//! `% Error: Invalid input at "^" marker.` under a caret line; Oxidized's
//! model blanks the caret line and IOS's wording only, so its backup
//! holds `! % Error: Invalid input at "^" marker.` for every command the
//! switch refuses. The driver leaves a refused informational command out
//! (`tests/corpus/netraven/dnos#S6000_9.12#oxidized.txt`, and the `ftos`
//! case's, are Oxidized's text, with the line). Otherwise the backup is
//! byte for byte what Oxidized stores.
//!
//! `redact` hides, keeping each keyword: SNMP communities (where Oxidized
//! drops the whole rest of the line) and the communities of SNMP hosts,
//! `enable` and user `password`/`secret` hashes (Oxidized replaces the
//! whole line from `password`, keyword included), BGP neighbour
//! passwords, TACACS+/RADIUS keys, OSPF message-digest and authentication
//! keys, VRRP `authentication-type simple` keys, NTP authentication keys
//! and `bsd-username ... secret` hashes. `significant` ignores
//! `! Last configuration change at ...` and `! Startup-config last updated
//! at ...` should the cut above leave one in.
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login (`ftos`: after the
//!   terminal settings), as Oxidized does for these models when its `enable`
//!   var is set (the host types the enable secret if the switch asks for
//!   one).

use netraven_driver_sdk::prelude::*;

pub struct Dnos;

/// The hostname, then `#` or `>`. A carriage return may come first on a
/// console.
const PROMPT: &str = r"^(\r?[\w.@-]+[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

/// Setup commands whose output nobody reads.
const SETUP: [&str; 2] = ["terminal length 0", "terminal width 0"];

/// Informational commands, stored as `! ` comments, in this order
/// (`ftos` stops before `show version`).
const COMMENTED: [&str; 3] = ["show inventory", "show inventory media", "show version"];

/// Whether the device is driven as Oxidized's `ftos` model.
fn is_ftos(device: &Device) -> bool {
    device.model == "ftos"
}

const SHOW_CONFIG: &str = "show running-config";

impl Driver for Dnos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "dnos",
            env!("CARGO_PKG_VERSION"),
            &["dnos", "ftos"],
            PROMPT,
            "! ",
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if is_ftos(device) {
            for setup in SETUP {
                session.command(setup)?;
            }
        }
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, device: &Device) -> Result<Backup, DriverError> {
        let commented = if is_ftos(device) {
            &COMMENTED[..2]
        } else {
            for setup in SETUP {
                session.command(setup)?;
            }
            &COMMENTED[..]
        };

        let mut config = String::new();
        for command in commented {
            let Some(raw) = session.optional(command)? else {
                continue;
            };
            config.push_str(&text::comment(&oxidized_cut(&raw), "! "));
        }

        let raw = session.essential(SHOW_CONFIG)?;
        let running = oxidized_cut(&raw);
        // OS9 closes its configuration with `end`: without it, it was cut short.
        complete(SHOW_CONFIG, &running, "end")?;
        // Without the `! Version` / `! Last configuration change` header.
        config.push_str(text::drop_first_lines(&running, 3));
        Ok(Backup::config(config))
    }

    /// Log out; OS9 closes the session, so no prompt comes.
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

/// A command's whole output (echo, output, prompt) cleaned as Oxidized's
/// model cleans every output: unix line endings, a caret line or IOS's
/// refusal blanked, the uptime hidden, then without the first two lines
/// and the last one.
fn oxidized_cut(raw: &str) -> String {
    let unix = text::unix_newlines(raw);
    let cleaned = text::replace_all(
        &unix,
        &[
            (
                r"(?m)^(% Invalid input detected at '\^' marker\.|[ \t]+\^)$",
                "",
            ),
            (r"(uptime is)\s.+", "$1 <removed>"),
        ],
    );
    text::drop_last_lines(text::drop_first_lines(&cleaned, 2), 1).to_string()
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle, each keeping the keyword that names
/// the secret and hiding its value. An encryption type (`0`, `5`, `7`)
/// stays too.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "snmp-server community",
        r"^(snmp-server community) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server host",
        r"^(snmp-server host \S+(?: traps| informs)? version (?:1|2c|3 (?:auth|noauth|priv))) \S+",
        "$1 <secret hidden>",
    ),
    // `enable password 7 ...`, `enable secret level 15 5 ...`,
    // `username admin password 7 ... privilege 15`, `neighbor 192.0.2.1
    // password 7 ...`, `bsd-username admin secret 5 ...`.
    (
        "password ",
        r"(^|\s)(password(?: level \d+)?(?: \d)?) \S+",
        "$1$2 <secret hidden>",
    ),
    (
        "secret ",
        r"(^|\s)(secret(?: level \d+)?(?: \d)?) \S+",
        "$1$2 <secret hidden>",
    ),
    // `tacacs-server key 7 ...`, `radius-server host 192.0.2.5 key 7 ...`.
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
        r"^( *(?:ip ospf )?authentication-key(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "authentication-key",
        r"^(ntp authentication-key \d+ md5(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "authentication-type",
        r"^( *authentication-type simple(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Dnos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Dnos>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Dnos>(CORPUS);
    }

    /// A session as the S6000 of the corpus answers it, with `inventory`,
    /// `media` and `version` as the replies (after the echo) to the
    /// optional commands and `config` as the running configuration's.
    fn recording(inventory: &str, media: &str, version: &str, config: &str) -> String {
        let p = "Dell#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\n{p}'\n\
             \x20 - \"terminal width 0\\n\": 'terminal width 0\\n{p}'\n\
             \x20 - \"show inventory\\n\": 'show inventory\\n{inventory}{p}'\n\
             \x20 - \"show inventory media\\n\": 'show inventory media\\n{media}{p}'\n\
             \x20 - \"show version\\n\": 'show version\\n{version}{p}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\n{config}{p}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    const INVENTORY: &str = "System Type            : S6000\\nSystem Mode            : 1.0\\n";
    const MEDIA: &str = "Slot  Port  Type  Media\\n  0     0  QSFP  40GBASE-SR4\\n";
    const VERSION: &str = "Dell Real Time Operating System Software\\nDell Operating System Version:  2.0\\nDell Networking OS uptime is 12 week(s), 6 day(s), 9 hour(s), 20 minute(s)\\n";
    const CONFIG: &str = "Current Configuration ...\\n! Version 9.12(0.0)\\n! Last configuration change at Thu Jan 11 06:53:29 2018 by admin\\n!\\n!\\nhostname Dell\\n!\\nend\\n\\n";
    /// OS9's refusal of an unknown command.
    const INVALID: &str = "                    ^\\n% Error: Invalid input at \"^\" marker.\\n";

    #[test]
    fn the_backup_is_cut_as_oxidized_cuts_it() {
        let backup = scripted::backup::<Dnos>(
            &recording(INVENTORY, MEDIA, VERSION, CONFIG),
            &Device::default(),
        )
        .expect("replayed whole");
        assert_eq!(
            backup.config,
            "! System Mode            : 1.0\n\
             !   0     0  QSFP  40GBASE-SR4\n\
             ! Dell Operating System Version:  2.0\n\
             ! Dell Networking OS uptime is <removed>\n\
             !\nhostname Dell\n!\nend\n\n"
        );
    }

    #[test]
    fn a_switch_that_refuses_the_informational_commands_is_backed_up_without_them() {
        let backup = scripted::backup_without::<Dnos>(
            &recording(INVALID, INVALID, INVALID, CONFIG),
            &Device::default(),
            &["show inventory", "show inventory media", "show version"],
        );
        assert_eq!(backup.config, "!\nhostname Dell\n!\nend\n\n");
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Dnos>(
            &recording(INVENTORY, MEDIA, VERSION, INVALID),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Error: Invalid input at \"^\" marker.""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_before_its_end_fails() {
        let cut = "Current Configuration ...\\n! Version 9.12(0.0)\\n!\\n!\\ninterface fortyGigE 0/4\\n no ip addr\\n";
        scripted::backup_fails_with::<Dnos>(
            &recording(INVENTORY, MEDIA, VERSION, cut),
            &Device::default(),
            r#"essential command "show running-config": the configuration stops at " no ip addr", before its closing "end": cut short"#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_when_asked_to() {
        let session = scripted::login::<Dnos>(
            "init_prompt: 'SWP_UP_10G>'\ncommands:\n  - \"enable\\n\": 'enable\\nPassword: '\n  - \"<enable>\\n\": '\\nSWP_UP_10G#'\n",
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn ftos_sends_enable_after_the_terminal_settings() {
        let device = Device {
            model: "ftos".into(),
            ..Device::with_vars(&[("enable", "true")])
        };
        let session = scripted::login::<Dnos>(
            "init_prompt: 'bos-swa1n01>'\ncommands:\n  - \"terminal length 0\\n\": 'terminal length 0\\nbos-swa1n01>'\n  - \"terminal width 0\\n\": 'terminal width 0\\nbos-swa1n01>'\n  - \"enable\\n\": 'enable\\nPassword: '\n  - \"<enable>\\n\": '\\nbos-swa1n01#'\n",
            &device,
        )
        .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_takes_hostnames_and_refuses_config_mode() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "Dell#",
            "SWP_UP_10G#",
            "SWP_UP_10G>",
            "hopi-e600>",
            "\rs4048.lab# ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "Dell(conf)#",
            "SWP_UP_10G(conf-if-te-1/1)#",
            "Current Configuration ...",
            "! Version 9.12(0.0)",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn oxidized_cut_drops_two_lines_and_the_prompt_and_hides_the_uptime() {
        assert_eq!(oxidized_cut("echo\r\na\r\nb\r\nc\r\nr1#"), "b\nc\n");
        assert_eq!(
            oxidized_cut("echo\na\nS4048 uptime is 3 minute(s)\nr1#"),
            "S4048 uptime is <removed>\n"
        );
        assert_eq!(oxidized_cut("echo\nr1#"), "");
        assert_eq!(oxidized_cut(""), "");
    }

    #[test]
    fn redact_hides_passwords_communities_and_keys() {
        let cfg = "enable password 7 b125455cf679b208e79b910e85789edf\n\
                   enable secret level 15 5 ENABLESECRET\n\
                   username admin password 7 1d28e9f33f99cf5c privilege 15\n\
                   bsd-username admin secret 5 BSDHASH\n\
                   snmp-server community public ro\n\
                   snmp-server host 192.0.2.1 traps version 2c TRAPCOMM udp-port 162\n\
                   tacacs-server host 192.0.2.5 key 7 TACKEY\n\
                   radius-server key 7 RADKEY\n\
                   ntp authentication-key 1 md5 7 NTPKEY\n\
                   router bgp 65000\n neighbor 192.0.2.2 password 7 BGPKEY\n!\n\
                   interface Vlan 10\n ip ospf message-digest-key 1 md5 7 OSPFMD5\n ip ospf authentication-key 7 OSPFKEY\n\
                   vrrp-group 1\n  authentication-type simple 7 VRRPKEY\n";
        let out = Dnos::redact(cfg);
        for secret in [
            "b125455cf679b208e79b910e85789edf",
            "ENABLESECRET",
            "1d28e9f33f99cf5c",
            "BSDHASH",
            "public",
            "TRAPCOMM",
            "TACKEY",
            "RADKEY",
            "NTPKEY",
            "BGPKEY",
            "OSPFMD5",
            "OSPFKEY",
            "VRRPKEY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "enable password 7 <secret hidden>\n",
            "enable secret level 15 5 <secret hidden>\n",
            "username admin password 7 <secret hidden> privilege 15\n",
            "bsd-username admin secret 5 <secret hidden>\n",
            "snmp-server community <secret hidden> ro\n",
            "snmp-server host 192.0.2.1 traps version 2c <secret hidden> udp-port 162\n",
            "tacacs-server host 192.0.2.5 key 7 <secret hidden>\n",
            "radius-server key 7 <secret hidden>\n",
            "ntp authentication-key 1 md5 7 <secret hidden>\n",
            " neighbor 192.0.2.2 password 7 <secret hidden>\n",
            " ip ospf message-digest-key 1 md5 7 <secret hidden>\n",
            " ip ospf authentication-key 7 <secret hidden>\n",
            "  authentication-type simple 7 <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn redact_leaves_password_features_alone() {
        let cfg = "ip ssh password-authentication enable\nservice password-encryption\n";
        assert_eq!(Dnos::redact(cfg), cfg);
    }

    #[test]
    fn significant_ignores_change_stamps() {
        let cfg = "! Last configuration change at Thu Jan 11 06:53:29 2018 by admin\n!\nhostname Dell\nend\n";
        let later = "! Last configuration change at Mon Feb  3 18:09:01 2020 by admin\n! Startup-config last updated at Mon Feb  3 18:10:00 2020 by admin\n!\nhostname Dell\nend\n";
        assert_eq!(Dnos::significant(cfg), Dnos::significant(later));
        assert_eq!(Dnos::significant(cfg), "!\nhostname Dell\nend\n");
    }
}
