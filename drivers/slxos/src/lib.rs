//! Extreme Networks (formerly Brocade) SLX-OS, on the SLX 9000 switches
//! and routers (Oxidized model `slxos`).
//!
//! No published session of the configuration command (`show
//! running-config`) exists yet (see `tests/corpus/netraven/RESEARCH.md`,
//! `slxos`), so the driver is checked by its unit tests against what
//! Oxidized's own model code stores for the same sessions
//! (`../shared/oxidized/oracle slxos`), and by the prompt case
//! `tests/corpus/netraven/slxos#generic#prompt.yaml`.
//!
//! Session: the prompt is the host name then `#` (`>` before `enable`):
//! `SLX#`, `sw0#`; configuration-mode prompts (`SLX(config)#`) are not
//! prompts here. After login the driver sends an empty line and `terminal
//! length 0` (the pager off), as Oxidized does. Logout is `exit`; the
//! switch hangs up.
//!
//! Commands, in Oxidized's order, each stored as `! ` comments (echo and
//! prompt included) but the last:
//! - `show version` (optional), without the `System Uptime` line (left
//!   empty) and any `Up Time is ...`;
//! - `show chassis` (optional), without power usage, `Update:`, `Time
//!   Alive` and `Time Awake` (each left as an empty line) and the fan
//!   rotation marks (`1<->2<->3`);
//! - `show system` (optional), without `Up Time`, `Current Time` and fan
//!   `speed is` readings (left as empty lines);
//! - `show slots` (optional): fixed-configuration switches answer it with
//!   `syntax error: element does not exist` (the wording Oxidized's model
//!   removes); as Oxidized, that message is removed and the echo and prompt
//!   are stored; any other refusal leaves the command out;
//! - `show running-config` (essential), without its first two lines (the
//!   echo and the line after it) and with the prompt kept at its end, as
//!   Oxidized's model stores it. SLX-OS closes its configuration with no
//!   fixed line, so a configuration cut short cannot be told.
//!
//! Each stored prompt keeps at most one of the blanks after it (`SLX01# `
//! as SLX-OS prints it; Oxidized would store any further padding too,
//! mid-line), and a stored echo is taken as the terminal shows it
//! (backspaces applied).
//!
//! Oxidized's model adds no newline after a comment block whose last line,
//! the prompt, has none: each block's prompt runs into the next block's
//! first line (`! SLX#! show chassis`), and the configuration starts on
//! the last comment line. The backup keeps this, byte for byte what
//! Oxidized stores.
//!
//! Differences from Oxidized: a refused informational command is left out
//! (Oxidized stores its error as a comment), but for the `show slots`
//! answer above; a refused configuration fails the backup. Oxidized's
//! model re-encodes `show chassis` to UTF-8, replacing invalid bytes; the
//! host already hands the driver valid text. Its `show slots` cleaning
//! also has a pattern (`^-*^$`) that can only match empty lines, a no-op
//! the driver leaves out. Its prompt (`^.*[>#]\s?$`, any line ending in
//! `>` or `#`) is narrowed to a host name, so that a configuration line
//! ending in `#` or `>` cannot end a command early. The conformance cases
//! `tests/corpus/conformance/slxos#scripted_*` are byte for byte what the
//! oracle stores.
//!
//! `redact` hides, keeping each keyword (Oxidized's model hides nothing):
//! user password hashes; SNMP communities, trap-receiver communities
//! (`snmp-server host IP COMMUNITY`) and v3 user auth/priv passwords;
//! RADIUS and TACACS+ keys (on the `host` line or on a `key` line of
//! their own); BGP neighbour passwords; OSPF simple and MD5 keys (on an
//! interface or a virtual link, `message-digest-key` too) and OSPFv3
//! IPsec keys; NTP authentication keys;
//! IS-IS area, domain and interface passwords and `auth-key`s.
//! An encryption-type digit before a value (`key 1 $...`) is kept. The
//! configuration holds no certificate private keys (they live in the
//! switch's certificate store), no IKE/IPsec VPN or wireless keys.
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login, answering a password
//!   prompt with the enable secret, as Oxidized does when its `enable` var
//!   is set.

use netraven_driver_sdk::prelude::*;

pub struct Slxos;

/// `SLX#`, `sw0#`, `DC2LEAF2>`: the host name, `#` or `>`.
const PROMPT: &str = r"^[\w.@:/-]+[>#]\s?$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

const COMMENT: &str = "! ";

/// Setup commands whose output nobody reads: an empty line, the pager off.
const SETUP: [&str; 2] = ["", "terminal length 0"];

/// How one informational command's output is cleaned before it is stored.
type Clean = fn(&str) -> String;

/// Informational commands, stored as `! ` comments, in this order.
const COMMENTED: [(&str, Clean); 4] = [
    ("show version", clean_version),
    ("show chassis", clean_chassis),
    ("show system", clean_system),
    (SHOW_SLOTS, clean_slots),
];

const SHOW_CONFIG: &str = "show running-config";

const SHOW_SLOTS: &str = "show slots";

/// What a fixed-configuration SLX answers `show slots` with (Oxidized's
/// model, which removes it).
const NO_SLOTS: &str = "syntax error: element does not exist";

impl Driver for Slxos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "slxos",
            env!("CARGO_PKG_VERSION"),
            &["slxos"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        for setup in SETUP {
            session.command(setup)?;
        }

        let mut config = String::new();
        for (command, clean) in COMMENTED {
            let raw = if command == SHOW_SLOTS {
                show_slots(session)?
            } else {
                session.optional(command)?
            };
            if let Some(raw) = raw {
                config.push_str(&text::comment(&clean(&as_stored(&raw)), COMMENT));
            }
        }

        let raw = as_stored(&session.essential(SHOW_CONFIG)?);
        // Without the echo and the line after it; the prompt stays.
        config.push_str(text::drop_first_lines(&raw, 2));
        Ok(Backup::config(config))
    }

    /// Log out; the switch closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// A command's whole reply as it is stored, echo and prompt included:
/// unix line endings; the echo as the terminal shows it (backspaces
/// applied); the prompt with at most one of the blanks after it (SLX-OS
/// prints `SLX01# `; more blanks are terminal padding, and the prompt is
/// stored mid-line, where they would show).
fn as_stored(raw: &str) -> String {
    let unix = text::unix_newlines(raw);
    let rest = text::drop_first_lines(&unix, 1);
    let echo = &unix[..unix.len() - rest.len()];
    let body = text::drop_last_lines(rest, 1);
    let prompt = &rest[body.len()..];
    let bare = prompt.trim_end_matches([' ', '\t']);
    let blank = &prompt[bare.len()..];
    let kept = blank.get(..1).unwrap_or("");
    format!("{}{body}{bare}{kept}", text::apply_backspaces(echo))
}

/// `show slots`, kept as Oxidized's model keeps it: a fixed-configuration
/// switch answers [`NO_SLOTS`], which is its normal answer there (the
/// message is removed, the echo and the prompt are stored); any other
/// refusal leaves the command out, as `session.optional` does.
fn show_slots(session: &mut dyn Session) -> Result<Option<String>, DriverError> {
    let raw = session.command(SHOW_SLOTS)?;
    match text::refusal(&text::command_output(&raw)).map(str::trim) {
        Some(NO_SLOTS) | None => Ok(Some(raw)),
        Some(why) => {
            session.log(
                Level::Warn,
                &format!(
                    "optional command {SHOW_SLOTS:?} left out: the device refused it: {why:?}"
                ),
            );
            Ok(None)
        }
    }
}

fn clean_version(version: &str) -> String {
    text::replace_all(
        version,
        &[
            (r"(?m)^.*[Ss]ystem [Uu]ptime.*$", ""),
            (r"[Uu]p\s?[Tt]ime is .*", ""),
        ],
    )
}

fn clean_chassis(chassis: &str) -> String {
    text::replace_all(
        chassis,
        &[
            (r".*Power Usage.*", ""),
            (r"(?m)^Update:.*$", ""),
            (r"Time A(?:live|wake).*", ""),
            (r"\[*1\]*<->\[*2\]*(?:<->\[*3\]*)*", ""),
        ],
    )
}

fn clean_system(system: &str) -> String {
    text::replace_all(
        system,
        &[
            (r"Up Time.*", ""),
            (r"Current Time.*", ""),
            (r".*speed is.*", ""),
        ],
    )
}

fn clean_slots(slots: &str) -> String {
    slots.replace(NO_SLOTS, "")
}

/// Secret removal, line by line: `(needle, regex, replacement)`, keeping
/// the keyword (and any encryption-type digit after it: `0` clear, `1`/`2`
/// encrypted, `255` as Brocade's routing commands print them) and hiding the
/// value, quoted or not.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `username admin password "BwrsDbB+tABWGWpINOVKoQ==\n" encryption-level 7 role admin`.
    (
        "username",
        r#"^(username \S+ password) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `snmp-server community public groupname user`.
    (
        "snmp-server community",
        r#"^( *snmp-server community) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // A trap receiver's community: `snmp-server host 192.0.2.5 public
    // version 2c udp-port 162`.
    (
        "snmp-server host",
        r#"^( *snmp-server host \S+) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    (
        "auth-password",
        r#"^( *snmp-server user .*\bauth-password) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    (
        "priv-password",
        r#"^( *snmp-server user .*\bpriv-password) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `radius-server host 192.0.2.1 ... key "SECRET" encryption-level 7`,
    // `tacacs-server host ... key ...`.
    (
        "-server",
        r#"^( *(?:radius|tacacs)-server .*?\bkey) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // The same key printed on a line of its own under the server.
    ("key", r#"^( +key) (?:"[^"]*"|\S+)"#, "$1 <secret hidden>"),
    // BGP: `neighbor 192.0.2.3 password 2 $...`.
    (
        "password",
        r#"^( *neighbor \S+ password(?: (?:0|1|2|255))?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // OSPF simple keys, on an interface or a virtual link.
    (
        "authentication-key",
        r#"^( *(?:ip ospf |area \S+ virtual-link \S+ (?:.* )?)authentication-key(?: (?:0|1|2|255))?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // OSPF MD5 keys: `ip ospf md5-authentication key-id 1 key 1 $...`,
    // also on a virtual link; and the `message-digest-key 1 md5` form.
    (
        "md5-authentication",
        r#"^(.*\bmd5-authentication key-id \d+ key(?: (?:0|1|2|255))?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    (
        "message-digest-key",
        r#"^( *ip ospf message-digest-key \d+ md5) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // OSPFv3 IPsec keys: `ipv6 ospf authentication spi 512 esp sha1 KEY`,
    // `area 1 authentication spi 600 ah md5 no-encrypt KEY`.
    (
        "spi",
        r#"^(.*\bauthentication spi \d+ (?:ah|esp) \S+(?: no-encrypt)?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `ntp authentication-key 1 md5 KEY encryption-level 7`.
    (
        "ntp authentication-key",
        r#"^( *ntp authentication-key \d+ \S+) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // IS-IS (SLX-OS routes IS-IS; NOS does not): `area-password`,
    // `domain-password`, an interface's `isis password` / `isis auth-key`.
    (
        "password",
        r#"^( *(?:area-password|domain-password|isis password)(?: (?:0|1|2|255))?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    (
        "auth-key",
        r#"^( *(?:isis )?auth-key(?: level-[12])?(?: (?:0|1|2|255))?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Slxos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");
    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Slxos>(CORPUS);
    }

    /// The scripted sessions of `tests/corpus/conformance` (CRLF, a banner
    /// and a fixed switch's `show slots`; LF, a slot table and blank
    /// lines): byte for byte what Oxidized's model stores, secrets hidden.
    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Slxos>(CONFORMANCE);
    }

    /// The chaos replay of the same sessions.
    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Slxos>(CONFORMANCE);
    }

    /// An SLX 9240 session. `show version` and `show chassis` are cut from
    /// networktocode/ntc-templates `tests/extreme_slx/show_version/
    /// extreme_slx_show_version1.raw` and `show_chassis/
    /// extreme_slx_show_chassis1.raw` (a BR-SLX9240 on 18s.1.03c,
    /// Apache-2.0), whole lines kept unchanged. No published `show system`,
    /// `show slots` or `show running-config` exists: `show system` is three
    /// minimal lines carrying the readings Oxidized's model removes, `show
    /// slots` only its title block, and the configuration is the one line
    /// of ansible/ansible's `slxos_facts_show_running-config` fixture (an
    /// SLX answering a filtered `show running-config`, GPL-3.0) and a `!`.
    const RECORDING: &str = r#"
init_prompt: |-
  SLX#
commands:
  - "\n": |-

      SLX#
  - "terminal length 0\n": |-
      terminal length 0
      SLX#
  - "show version\n": |-
      show version

      SLX-OS Operating System Software
      SLX-OS Operating System Version: 18s.1.03
      Copyright (c) 2017-2022 Extreme Networks Inc.
      Firmware name:      18s.1.03c

      System Uptime:   35days 22hrs 42mins 4secs\x20

      Slot    Name    Primary/Secondary Versions                         Status
      ---------------------------------------------------------------------------
      SW/0    SLX-OS  18s.1.03c                                          ACTIVE*
                      18s.1.03c                                         \x20
      SLX#
  - "show chassis\n": |-
      show chassis
      Chassis Name:   BR-SLX9240
      switchType: 3000

      FAN  Unit: 1
      Time Awake:             35 days

      CHASSIS/WWN  Unit: 1
      Power Consume Factor:   0
      Factory Part Num:       84-1002951-01
      Factory Serial Num:     EXG3349M00W
      Manufacture:            Day: 20  Month:  1  Year: 2017
      Update:                 Day: 23  Month:  8  Year: 2022
      Time Alive:             1736 days
      Time Awake:             35 days

      Airflow direction : Port side INTAKE
      SLX#
  - "show system\n": |-
      show system
      Stack MAC                   : 00:27:f8:00:00:00
      Up Time                     : 35 days 22:42:04
      Current Time                : 20:51:51 GMT
      Fan 1 speed is 7200 RPM
      SLX#
  - "show slots\n": |-
      show slots
      ---------------------------------------------------------
      Slot  Type   Description                       ID  Status
      ---------------------------------------------------------
      SLX#
  - "show running-config\n": |-
      show running-config
      switch-attributes host-name SLX
      !
      SLX#
  - "exit\n": ""
"#;

    /// What Oxidized's model stores for `RECORDING`
    /// (../shared/oxidized/oracle slxos).
    const ORACLE: &str = "! show version\n! \n! SLX-OS Operating System Software\n! SLX-OS Operating System Version: 18s.1.03\n! Copyright (c) 2017-2022 Extreme Networks Inc.\n! Firmware name:      18s.1.03c\n! \n! \n! \n! Slot    Name    Primary/Secondary Versions                         Status\n! ---------------------------------------------------------------------------\n! SW/0    SLX-OS  18s.1.03c                                          ACTIVE*\n!                 18s.1.03c                                          \n! SLX#! show chassis\n! Chassis Name:   BR-SLX9240\n! switchType: 3000\n! \n! FAN  Unit: 1\n! \n! \n! CHASSIS/WWN  Unit: 1\n! Power Consume Factor:   0\n! Factory Part Num:       84-1002951-01\n! Factory Serial Num:     EXG3349M00W\n! Manufacture:            Day: 20  Month:  1  Year: 2017\n! \n! \n! \n! \n! Airflow direction : Port side INTAKE\n! SLX#! show system\n! Stack MAC                   : 00:27:f8:00:00:00\n! \n! \n! \n! SLX#! show slots\n! ---------------------------------------------------------\n! Slot  Type   Description                       ID  Status\n! ---------------------------------------------------------\n! SLX#!\nSLX#";

    /// SLX-OS's answer to a command a fixed-configuration switch lacks (the
    /// wording Oxidized's slxos model removes from `show slots`).
    const SYNTAX: &str = "      syntax error: element does not exist\n";

    /// `RECORDING` with the output of `command` (between echo and prompt)
    /// swapped for SLX-OS's refusal.
    fn refusing(command: &str) -> String {
        let start = RECORDING
            .find(&format!("      {command}\n"))
            .expect("command")
            + command.len()
            + 7;
        let end = start + RECORDING[start..].find("      SLX#").expect("prompt");
        format!("{}{SYNTAX}{}", &RECORDING[..start], &RECORDING[end..])
    }

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup =
            scripted::backup::<Slxos>(RECORDING, &Device::default()).expect("replayed whole");
        assert_eq!(backup.config, ORACLE);
    }

    /// A fixed-configuration switch's answer to `show slots`: stored as
    /// Oxidized's model stores it, the message removed, the echo and the
    /// prompt kept (the tail of what ../shared/oxidized/oracle slxos
    /// stores for this session).
    #[test]
    fn a_fixed_switch_answering_show_slots_is_stored_as_oxidized_stores_it() {
        let backup = scripted::backup::<Slxos>(&refusing("show slots"), &Device::default())
            .expect("replayed whole");
        assert!(
            backup.config.ends_with(
                "! SLX#! show system\n! Stack MAC                   : 00:27:f8:00:00:00\n! \n! \n! \n! SLX#! show slots\n! \n! SLX#!\nSLX#"
            ),
            "{}",
            backup.config
        );
    }

    /// Any other refusal of `show slots` leaves it out, logged.
    #[test]
    fn another_refusal_of_show_slots_leaves_it_out() {
        let yaml = refusing("show slots").replace(
            "syntax error: element does not exist",
            "syntax error: unknown argument.",
        );
        let backup = scripted::backup_without::<Slxos>(&yaml, &Device::default(), &["show slots"]);
        assert!(!backup.config.contains("slots"), "{}", backup.config);
        assert!(
            backup.config.ends_with("! SLX#! show system\n! Stack MAC                   : 00:27:f8:00:00:00\n! \n! \n! \n! SLX#!\nSLX#"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Slxos>(
            &refusing("show running-config"),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "syntax error: element does not exist""#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_when_asked_to() {
        let yaml = "init_prompt: 'SLX>'\ncommands:\n  - \"enable\\n\": 'enable\\nPassword: '\n  - \"<enable>\\n\": '\\nSLX#'\n";
        let session = scripted::login::<Slxos>(yaml, &Device::with_vars(&[("enable", "true")]))
            .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
        let session = scripted::login::<Slxos>(yaml, &Device::default()).expect("login");
        assert!(session.finish().is_err(), "enable was sent without the var");
    }

    #[test]
    fn a_stored_prompt_keeps_one_blank_and_the_echo_its_backspaces_applied() {
        assert_eq!(
            as_stored("show slots\r\nx\r\nSLX01# "),
            "show slots\nx\nSLX01# "
        );
        assert_eq!(
            as_stored("show slots\nx\nSLX01#   \t"),
            "show slots\nx\nSLX01# "
        );
        assert_eq!(as_stored("show slots\nx\nSLX01#"), "show slots\nx\nSLX01#");
        assert_eq!(as_stored("show slotx\x08s\nSLX01# "), "show slots\nSLX01# ");
        assert_eq!(as_stored("SLX01# "), "SLX01# ");
    }

    /// `SLX01#` is real (Lindsay Hill's SLX session); the other prompts
    /// and the configuration-mode prompts are written for this test, the
    /// output lines are real (ntc-templates, ansible).
    #[test]
    fn prompt_takes_slx_prompts_and_refuses_other_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "SLX01#",
            "SLX01# ",
            "SLX#",
            "sw0#",
            "DC2LEAF2>",
            "SLX9240-1#",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "SLX(config)#",
            "SLX(config-if-eth-0/1)#",
            "switch-attributes host-name SLX",
            "SW/0    SLX-OS  18s.1.03c                                          ACTIVE*",
            "!",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn cleaning_removes_the_readings_oxidized_removes() {
        assert_eq!(
            clean_version("Firmware\nSystem Uptime:   35days\nSWITCH Up Time is 3 days\n"),
            "Firmware\n\nSWITCH \n"
        );
        assert_eq!(
            clean_chassis(
                "Power Usage (Watts): 120\nUpdate: Day: 23\nFAN 1<->2<->3 ok\nTime Alive: 1736 days\n"
            ),
            "\n\nFAN  ok\n\n"
        );
        assert_eq!(
            clean_system("Up Time : 3 days\nCurrent Time : now\nFan 1 speed is 7200 RPM\nkept\n"),
            "\n\n\nkept\n"
        );
    }

    /// One line per secret form (syntax as the Brocade/Extreme command
    /// references give it; values are canaries written for this test).
    #[test]
    fn redact_hides_every_secret_and_keeps_the_keywords() {
        let cases: &[(&str, &str)] = &[
            (
                "username admin password \"BwrsDbB+tABWGWpINOVKoQ==\\n\" encryption-level 7 role admin desc Administrator",
                "username admin password <secret hidden> encryption-level 7 role admin desc Administrator",
            ),
            (
                "snmp-server community CanaryComm groupname user",
                "snmp-server community <secret hidden> groupname user",
            ),
            (
                "snmp-server host 192.0.2.5 CanaryTrap version 2c udp-port 162",
                "snmp-server host 192.0.2.5 <secret hidden> version 2c udp-port 162",
            ),
            (
                "snmp-server user u1 groupname snmpadmin auth md5 auth-password CanaryAuth priv DES priv-password \"CanaryPriv\" encrypted",
                "snmp-server user u1 groupname snmpadmin auth md5 auth-password <secret hidden> priv DES priv-password <secret hidden> encrypted",
            ),
            (
                "radius-server host 192.0.2.1 use-vrf mgmt-vrf key \"CanaryRadius\" encryption-level 7",
                "radius-server host 192.0.2.1 use-vrf mgmt-vrf key <secret hidden> encryption-level 7",
            ),
            (
                "tacacs-server host 192.0.2.2 key CanaryTacacs",
                "tacacs-server host 192.0.2.2 key <secret hidden>",
            ),
            (" key \"CanarySubKey\"", " key <secret hidden>"),
            (
                "  neighbor 192.0.2.3 password CanaryBgp",
                "  neighbor 192.0.2.3 password <secret hidden>",
            ),
            (
                "  neighbor PEERS password 2 $CanaryBgpEnc",
                "  neighbor PEERS password 2 <secret hidden>",
            ),
            (
                " ip ospf authentication-key CanaryOspf",
                " ip ospf authentication-key <secret hidden>",
            ),
            (
                " ip ospf authentication-key 2 $CanaryOspfEnc",
                " ip ospf authentication-key 2 <secret hidden>",
            ),
            (
                " ip ospf md5-authentication key-id 1 key 1 $CanaryMd5",
                " ip ospf md5-authentication key-id 1 key 1 <secret hidden>",
            ),
            (
                " ip ospf message-digest-key 1 md5 CanaryDigest",
                " ip ospf message-digest-key 1 md5 <secret hidden>",
            ),
            (
                " area 1 virtual-link 192.0.2.9 authentication-key 0 CanaryVlink",
                " area 1 virtual-link 192.0.2.9 authentication-key 0 <secret hidden>",
            ),
            (
                " area 1 virtual-link 192.0.2.9 md5-authentication key-id 2 key CanaryVlinkMd5",
                " area 1 virtual-link 192.0.2.9 md5-authentication key-id 2 key <secret hidden>",
            ),
            (
                " ipv6 ospf authentication spi 512 esp sha1 CanaryIpsec",
                " ipv6 ospf authentication spi 512 esp sha1 <secret hidden>",
            ),
            (
                " area 1 authentication spi 600 ah md5 no-encrypt CanaryAreaIpsec",
                " area 1 authentication spi 600 ah md5 no-encrypt <secret hidden>",
            ),
            (
                "ntp authentication-key 1 sha1 \"CanaryNtp\" encryption-level 7",
                "ntp authentication-key 1 sha1 <secret hidden> encryption-level 7",
            ),
            (
                " area-password CanaryArea",
                " area-password <secret hidden>",
            ),
            (
                " domain-password 1 $CanaryDomain",
                " domain-password 1 <secret hidden>",
            ),
            (
                " isis password CanaryIsisIf",
                " isis password <secret hidden>",
            ),
            (
                " isis auth-key level-2 CanaryIsisKey",
                " isis auth-key level-2 <secret hidden>",
            ),
            (
                "switch-attributes host-name SLX",
                "switch-attributes host-name SLX",
            ),
            (
                "ntp server 172.16.10.2 use-vrf mgmt-vrf",
                "ntp server 172.16.10.2 use-vrf mgmt-vrf",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(
                Slxos::redact(&format!("{line}\n")),
                format!("{want}\n"),
                "{line:?}"
            );
        }
        let whole: String = cases.iter().map(|(line, _)| format!("{line}\n")).collect();
        let out = Slxos::redact(&whole);
        assert!(!out.contains("Canary") && !out.contains("BwrsDbB"), "{out}");
    }
}
