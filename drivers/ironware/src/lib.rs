//! Brocade (Foundry) IronWare: NetIron MLX/XMR/CER/CES, FastIron, ADX
//! (Oxidized model `ironware`).
//!
//! Checked against a session of a Brocade MLXe-4 running NetIron 5.8.0f,
//! stitched from published output of that platform (see
//! `tests/corpus/netraven/ironware#MLXe-4_5.8.0f#source.md`): Ansible's unit
//! test fixtures of one MLXe-4 (`show version`, `show chassis`, the running
//! configuration), the prompt and the silent `terminal length 0` of an MLX
//! in unicon's mock data, the `skip-page-display` answer of an IronWare
//! switch in Google's ldpush tests.
//!
//! Session: the prompt names the way in, `SSH@` or `telnet@` (any case, on
//! ADX with a prefix such as `SLB-telnet@`), then the hostname, which may
//! hold spaces (`SSH@ICX6610-24 Switch#`) or stack units
//! (`SSH@switch-001/002#`), then `#` or `>`. After login the driver sends an
//! empty line, `skip-page-display` (the pager off) and `terminal length 0`,
//! as Oxidized does. Logout is one write, `logout`, `exit`, `exit` and an
//! empty line, the chain Oxidized types: whatever level the session is at,
//! one of them closes it.
//!
//! Commands, in Oxidized's order, each stored as `! ` comments but the last:
//! - `show version` (optional), without the uptime lines (`... uptime is`,
//!   `Up Time is`, `System uptime`, `The system started at`);
//! - `show chassis` (optional), without what moves: the `Current temp` lines
//!   are blanked, fan speeds (`Speed = LOW (50%)`, `current speed is ...`)
//!   and ADX fan and temperature figures are cut out, `NN.N deg-C` becomes
//!   `XX.X deg-C`, and from the word `TEMPERATURE` to the word `Fans` every
//!   reading goes (on an MLX this leaves `--- TEMPERATURE are in auto mode
//!   (). ...`: Oxidized's text, kept byte for byte);
//! - `show flash` (optional), without byte counts and the `Code Flash Free
//!   Space` line;
//! - `show module` (optional): fixed-configuration switches refuse it;
//! - `show running-config` (essential), without its first two lines
//!   (`Current configuration:` and `!`); a configuration that does not close
//!   with `end` was cut short and fails the backup.
//!
//! Every output first loses the echo, the prompt and the blank lines IronWare
//! sometimes prints before the output, as Oxidized's model cuts it.
//!
//! A refusal is IronWare's `Invalid input -> show flash` (then `Type ? for a
//! list`). A refused optional command is left out of the backup. Oxidized
//! instead stores the refusal of `show flash` as a comment and turns that of
//! `show module` into two blank `! ` lines; the corpus case keeps Oxidized's
//! text as `#oxidized.txt` beside ours.
//!
//! `redact` hides, keeping each keyword (Oxidized's model hides nothing):
//! enable passwords, user password hashes and their history, SNMP
//! communities and v3 user keys, TACACS+/RADIUS keys, BGP neighbour
//! passwords, OSPF and IS-IS authentication keys. `significant` ignores the
//! readings Oxidized keeps in some releases: temperatures, fan speeds,
//! uptimes.
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login, answering a password
//!   prompt with the host's enable secret, as Oxidized does for this model
//!   when its `enable` var is set.

use netraven_driver_sdk::prelude::*;

pub struct Ironware;

/// `SSH@host#`, `telnet@host>`, `SLB-telnet@lb.example>`,
/// `SSH@ICX6610-24 Switch#`: the way in, `@`, the hostname, `#` or `>`.
const PROMPT: &str = r"^(\r?[\w.-]*(?i:telnet|ssh)@[^#>\r\n]+[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

/// Setup commands whose output nobody reads: an empty line (Oxidized's
/// first), the pager off, the page length.
const SETUP: [&str; 3] = ["", "skip-page-display", "terminal length 0"];

/// How one informational command's output is cleaned before it is stored.
type Clean = fn(&str) -> String;

/// Informational commands, stored as `! ` comments, in this order.
const COMMENTED: [(&str, Clean); 4] = [
    ("show version", clean_version),
    ("show chassis", clean_chassis),
    ("show flash", clean_flash),
    ("show module", clean_module),
];

const SHOW_CONFIG: &str = "show running-config";

const COMMENT: &str = "! ";

impl Driver for Ironware {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "ironware",
            env!("CARGO_PKG_VERSION"),
            &["ironware"],
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
            if let Some(raw) = session.optional(command)? {
                config.push_str(&text::comment(&clean(&oxidized_cut(&raw)), COMMENT));
            }
        }

        let running = oxidized_cut(&session.essential(SHOW_CONFIG)?);
        // IronWare closes its configuration with `end`: without it, it was cut short.
        complete(SHOW_CONFIG, &running, "end")?;
        // Without `Current configuration:` and the `!` after it.
        config.push_str(text::drop_first_lines(&running, 2));
        Ok(Backup::config(config))
    }

    /// Oxidized's logout chain in one write; the switch hangs up at the
    /// first that works, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("logout\nexit\nexit\n\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(
            config,
            &[
                r"^! .*\d+\.\d+ ?C\b",
                r"^! .*deg-?C",
                r"^! .*[Ss]peed",
                r"^! .*(?:[Uu]p\s?[Tt]ime is|[Ss]ystem uptime|[Ss]ystem started at)",
            ],
        )
    }
}

/// A command's whole output (echo, output, prompt) cut as Oxidized's model
/// cuts every output: unix line endings, without the echo and the prompt,
/// then without the blank lines IronWare may print first.
fn oxidized_cut(raw: &str) -> String {
    let inner = text::command_output(raw);
    let blank = text::lines(&inner)
        .take_while(|line| !line.is_empty() && line.trim().is_empty())
        .map(str::len)
        .sum::<usize>();
    inner[blank..].to_string()
}

/// `show version` without the uptimes.
fn clean_version(version: &str) -> String {
    text::drop_lines(
        version,
        &[
            r"[Ss]ystem uptime",
            r"[Tt]he system started at",
            r"[Uu]p\s?[Tt]ime is ",
        ],
    )
}

/// `show chassis` without temperatures and fan speeds, as Oxidized leaves it.
fn clean_chassis(chassis: &str) -> String {
    let cleaned = text::replace_all(
        chassis,
        &[
            (r"(?m)^.*Current temp.*$", ""),
            (r"Speed = [A-Z-]{2,6} \(\d{2,3}%\)", ""),
            (r"current speed is [A-Z-]{2,6} \(\d{2,3}%\)", ""),
            // ADX: `\D*` runs over line ends, as in Oxidized's pattern.
            (r"Fan \d* - STATUS: OK \D*\d*.", ""),
            (r"\d* deg C", ""),
            (r"(\[*)1(\]*)<->(\[*)2(\]*)(<->(\[*)3(\]*))*", ""),
            (r"\d+\.\d deg-C", "XX.X deg-C"),
        ],
    );
    without_readings(&cleaned)
}

/// From the (last) `TEMPERATURE` of the first line that holds the word to
/// the (last) `Fans` of the first line after it that holds that word,
/// everything goes: the temperature readings. Without a `Fans` after it,
/// the text stays whole.
fn without_readings(chassis: &str) -> String {
    const TEMPERATURE: &str = "TEMPERATURE";
    const FANS: &str = "Fans";
    let Some(first) = chassis.find(TEMPERATURE) else {
        return chassis.to_string();
    };
    let cut_from = last_on_line(chassis, first, TEMPERATURE) + TEMPERATURE.len();
    let Some(fans) = chassis[cut_from..].find(FANS).map(|i| cut_from + i) else {
        return chassis.to_string();
    };
    let resume = last_on_line(chassis, fans, FANS) + FANS.len();
    format!("{}{}", &chassis[..cut_from], &chassis[resume..])
}

/// Where the last `word` starts on the line of the `word` found at `at`.
fn last_on_line(text: &str, at: usize, word: &str) -> usize {
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    text[at..line_end].rfind(word).map_or(at, |i| at + i)
}

/// `show flash` without byte counts and free space.
fn clean_flash(flash: &str) -> String {
    text::replace_all(
        flash,
        &[
            (r"(\d+) bytes", ""),
            (r"(?m)^.*Code Flash Free Space.*$", ""),
        ],
    )
}

/// `show module` with the lines of a refusal blanked, as Oxidized does.
fn clean_module(modules: &str) -> String {
    text::replace_all(modules, &[(r"(?m)^(?:Invalid input|Type \?).*$", "")])
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle, each keeping the keyword that names
/// the secret and hiding its value. An encryption type (`2`, `8`, ...)
/// stays too.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `enable super-user-password 8 $1$...`, `enable read-only-password`,
    // `enable port-config-password`; `enable password-display` stays.
    (
        "-password",
        r"^( *enable (?:super-user|read-only|port-config)-password(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "enable telnet password",
        r"^( *enable telnet password(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    // `username admin password 8 $1$...`, `username u privilege 0 password ...`.
    (
        "username ",
        r"^(username \S+ (?:.* )?password(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    // The hashes of a user's earlier passwords.
    (
        "username ",
        r"^(username \S+ history) .*\S.*$",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server community",
        r"^(snmp-server community(?: \d)?) \S+",
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
    // `tacacs-server key 2 $...`, `radius-server host A key 2 $...`.
    (
        "-server",
        r"^((?:tacacs|radius)-server (?:host .* )?key(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    // BGP: `neighbor 192.0.2.1 password 2 $...`.
    (
        "neighbor ",
        r"^( *neighbor \S+ password(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    // OSPF: `ip ospf authentication-key 2 $...`,
    // `ip ospf md5-authentication key-id 1 key 2 $...`.
    (
        "authentication-key",
        r"^( *(?:ip|ipv6) ospf authentication-key(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "md5-authentication",
        r"^( *(?:ip|ipv6) ospf md5-authentication key-id \d+ key(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    // IS-IS: `isis auth-key 2 $...`, `auth-key 2 $...` in `router isis`.
    (
        "auth-key",
        r"^( *(?:isis )?auth-key(?: level-[12])?(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Ironware);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Ironware>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Ironware>(CORPUS);
    }

    /// A session as the MLX of the corpus answers it, with `version`,
    /// `chassis`, `flash` and `module` as the replies (after the echo) to
    /// the optional commands and `config` as the running configuration's.
    fn recording(version: &str, chassis: &str, flash: &str, module: &str, config: &str) -> String {
        let p = "SSH@mlx8#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"\\n\": '\\n{p}'\n\
             \x20 - \"skip-page-display\\n\": 'skip-page-display\\nDisable page display mode\\n{p}'\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\n{p}'\n\
             \x20 - \"show version\\n\": 'show version\\n{version}{p}'\n\
             \x20 - \"show chassis\\n\": 'show chassis\\n{chassis}{p}'\n\
             \x20 - \"show flash\\n\": 'show flash\\n{flash}{p}'\n\
             \x20 - \"show module\\n\": 'show module\\n{module}{p}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\n{config}{p}'\n\
             \x20 - \"logout\\nexit\\nexit\\n\\n\": ''\n"
        )
    }

    const VERSION: &str = "System Mode: MLX\\nSwitch Fabric Module 1 Up Time is 203 days 4 hours 44 minutes 54 seconds \\nIronWare : Version 5.8.0fT163\\nActive Management uptime is 203 days 4 hours 44 minutes 54 seconds \\n";
    const CHASSIS: &str = "*** MLXe 4-slot Chassis ***\\nBack fan A-1: Status = OK, Speed = LOW (50%)\\n\\n--- TEMPERATURE READINGS ---\\nActive Mgmt Module: 33.500C 44.375C \\nFans are in auto mode (current speed is LOW (50%)). Temperature monitoring poll period is 60 seconds.\\n";
    const FLASH: &str = "Stack unit 1:\\n  Compressed Pri Code size = 8563580, Version:08.0.30uT311 (ICX64S08030u.bin)\\n  Code Flash Free Space = 6991872\\n";
    const MODULE: &str = "Module                                  Status   Ports  Starting MAC\\nS1: NI-MLX-10Gx8-M 8-port 10GbE (M) Module  CARD_STATE_UP  8\\n";
    const CONFIG: &str =
        "!Current configuration:\\n!\\nver V5.8.0fT163\\nhostname mlx01.lab\\n!\\nend\\n";
    /// IronWare's refusal of an unknown command.
    const INVALID: &str = "Invalid input -> show module\\nType ? for a list\\n";

    #[test]
    fn the_backup_is_cut_and_cleaned_as_oxidized_does() {
        let backup = scripted::backup::<Ironware>(
            &recording(VERSION, CHASSIS, FLASH, MODULE, CONFIG),
            &Device::default(),
        )
        .expect("replayed whole");
        assert_eq!(
            backup.config,
            "! System Mode: MLX\n\
             ! IronWare : Version 5.8.0fT163\n\
             ! *** MLXe 4-slot Chassis ***\n\
             ! Back fan A-1: Status = OK, \n\
             ! \n\
             ! --- TEMPERATURE are in auto mode (). Temperature monitoring poll period is 60 seconds.\n\
             ! Stack unit 1:\n\
             !   Compressed Pri Code size = 8563580, Version:08.0.30uT311 (ICX64S08030u.bin)\n\
             ! \n\
             ! Module                                  Status   Ports  Starting MAC\n\
             ! S1: NI-MLX-10Gx8-M 8-port 10GbE (M) Module  CARD_STATE_UP  8\n\
             ver V5.8.0fT163\nhostname mlx01.lab\n!\nend\n"
        );
    }

    #[test]
    fn a_switch_that_refuses_the_informational_commands_is_backed_up_without_them() {
        let backup = scripted::backup_without::<Ironware>(
            &recording(INVALID, INVALID, INVALID, INVALID, CONFIG),
            &Device::default(),
            &["show version", "show chassis", "show flash", "show module"],
        );
        assert_eq!(
            backup.config,
            "ver V5.8.0fT163\nhostname mlx01.lab\n!\nend\n"
        );
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Ironware>(
            &recording(
                VERSION,
                CHASSIS,
                FLASH,
                MODULE,
                "Invalid input -> show running-config\\nType ? for a list\\n",
            ),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "Invalid input -> show running-config""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_before_its_end_fails() {
        let cut =
            "!Current configuration:\\n!\\nver V5.8.0fT163\\ninterface ethernet 1/1\\n ip addr\\n";
        scripted::backup_fails_with::<Ironware>(
            &recording(VERSION, CHASSIS, FLASH, MODULE, cut),
            &Device::default(),
            r#"essential command "show running-config": the configuration stops at " ip addr", before its closing "end": cut short"#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_when_asked_to() {
        let session = scripted::login::<Ironware>(
            "init_prompt: 'SSH@my_switch>'\ncommands:\n  - \"enable\\n\": 'enable\\nPassword:'\n  - \"<enable>\\n\": '\\nSSH@my_switch#'\n",
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_takes_the_ways_in_and_hostnames_of_every_ironware_family() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "SSH@mlx8#",
            "SSH@mlx8>",
            "telnet@mlx01.lab#",
            "SSH@ICX6610-24 Switch#",
            "SSH@switch-001/002/003/123#",
            "SLB-telnet@lbf-5.pdq>",
            "SSH@my_switch(config)#",
            "\rSSH@cdzncsa1switch# ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "ICX6430-C12-Switch>show flash",
            "SSH@ICX6610-24 Switch#show flash",
            "Invalid input -> show flash",
            "!Current configuration:",
            "Disable page display mode",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn oxidized_cut_drops_echo_prompt_and_leading_blank_lines() {
        assert_eq!(
            oxidized_cut("echo\r\n\r\n  \r\na\r\n\r\nb\r\nSSH@r1#"),
            "a\n\nb\n"
        );
        assert_eq!(oxidized_cut("echo\nSSH@r1#"), "");
        assert_eq!(oxidized_cut(""), "");
    }

    #[test]
    fn chassis_loses_its_readings_and_keeps_the_rest() {
        let adx = "Fan 1 - STATUS: OK Speed 3\nTemp: 35 deg C\nFan speed [1]<->2<->[3]\nInlet 36.0 deg-C\nCurrent temperature: 40\nPower 1: ok\n";
        assert_eq!(
            clean_chassis(adx),
            "\nTemp: \nFan speed \nInlet XX.X deg-C\n\nPower 1: ok\n"
        );
        let no_fans = "--- TEMPERATURE READINGS ---\nLP1 Sensor1: 37.500C\n";
        assert_eq!(clean_chassis(no_fans), no_fans);
    }

    #[test]
    fn flash_loses_byte_counts_and_free_space() {
        let flash = "Code Flash - Type MT28F256J3, Size 66 MB\n  o IronWare Image (Primary)\n    Version 5.8.0fT163, Size 9983317 bytes, Check Sum 1bc8\n  Code Flash Free Space = 6991872\n";
        assert_eq!(
            clean_flash(flash),
            "Code Flash - Type MT28F256J3, Size 66 MB\n  o IronWare Image (Primary)\n    Version 5.8.0fT163, Size , Check Sum 1bc8\n\n"
        );
    }

    #[test]
    fn redact_hides_passwords_keys_and_communities() {
        let cfg = "tacacs-server key 2 $X3FSZjgzKGzPIXVd\n\
                   enable password-display\n\
                   enable super-user-password 8 $1$WV1..Pi2$B6acbjDxeHsof2BKrpyqQ0\n\
                   username admin password 8 $1$MF/..XD4$MYUy7kcm/1eAuqXnVyvVO1\n\
                   username admin history  $1$MF/..XD4$HISTONE $1$KE/..Cs2$HISTTWO\n\
                   snmp-server community 2 $YkAtaSs/fFE6Sz97 ro\n\
                   snmp-server community public rw\n\
                   radius-server host 192.0.2.9 key 2 $RADKEY\n\
                   router bgp\n neighbor 192.0.2.1 password 2 $BGPKEY\n\
                   interface ethernet 1/1\n ip ospf md5-authentication key-id 1 key 2 $OSPFKEY\n ip ospf authentication-key 2 $OSPFSIMPLE\n\
                   router isis\n auth-key 2 $ISISKEY\n";
        let out = Ironware::redact(cfg);
        for secret in [
            "X3FSZjgzKGzPIXVd",
            "B6acbjDxeHsof2BKrpyqQ0",
            "MYUy7kcm",
            "HISTONE",
            "HISTTWO",
            "YkAtaSs",
            "public",
            "RADKEY",
            "BGPKEY",
            "OSPFKEY",
            "OSPFSIMPLE",
            "ISISKEY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "tacacs-server key 2 <secret hidden>\n",
            "enable password-display\n",
            "enable super-user-password 8 <secret hidden>\n",
            "username admin password 8 <secret hidden>\n",
            "username admin history <secret hidden>\n",
            "snmp-server community 2 <secret hidden> ro\n",
            "snmp-server community <secret hidden> rw\n",
            "radius-server host 192.0.2.9 key 2 <secret hidden>\n",
            " neighbor 192.0.2.1 password 2 <secret hidden>\n",
            " ip ospf md5-authentication key-id 1 key 2 <secret hidden>\n",
            " auth-key 2 <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_ignores_temperatures_fan_speeds_and_uptimes() {
        let cfg = "! Current temperature : 36.5 deg-C\n! LP1 Sensor1: 37.500C\n! Fan 1 ok, speed (auto): 2\n! The system uptime is 3 days\n! Power 1: Installed (OK)\nhostname r1\n";
        assert_eq!(
            Ironware::significant(cfg),
            "! Power 1: Installed (OK)\nhostname r1\n"
        );
    }
}
