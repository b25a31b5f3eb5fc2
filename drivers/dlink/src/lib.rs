//! D-Link managed switches with the classic DES/DGS command line
//! (DES-3028, DES-3200, DES-3526, DGS-3120, DGS-3627 and kin; Oxidized
//! model `dlink`).
//!
//! No published session of this model's configuration command exists yet
//! (see the `dlink` sections of `tests/corpus/netraven/RESEARCH.md`), so
//! the driver is checked by its unit tests against what Oxidized's own
//! model code stores for the same scripted session
//! (`../shared/oxidized/oracle dlink`), by the scripted conformance cases
//! (and their chaos replay) in `tests/corpus/conformance/dlink#scripted_*`,
//! and by the prompt case `tests/corpus/netraven/dlink#generic`.
//!
//! Session: the prompt is the switch's name (by default its model), a colon
//! and the account's level, then `#` (`DGS-3120-24TC:admin#`,
//! `DES-3200-28/ME:user#`, `Switch:oper#`); a plain `name#` or `name>`
//! is one too, as Oxidized's prompt takes it. Every command is echoed,
//! then the switch repeats it in full on a `Command: ...` line. Over telnet
//! the switch asks `UserName:` and `PassWord:`, which the host's default
//! login prompts answer. After login the driver sends `disable clipaging`
//! (no pager), then, with the `enable` var, `enable admin` (answering
//! `PassWord:` with the enable secret). Logout is `logout`; the switch
//! hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show switch` (optional), stored as `# ` comments without the values
//!   of `System Uptime`, `System up time`, `System Time` and `RTC Time`
//!   (each line left blank, as Oxidized leaves it);
//! - `show vlan` (optional), stored as `# ` comments;
//! - `show config current` (essential; the switch completes it to `show
//!   config current_config`): a switch that refuses it fails the backup as
//!   `command_rejected` instead of storing the comments alone. Where the
//!   configuration opens with D-Link's dashed banner, it must also close
//!   with `#   End of configuration file` and a dashed line; a
//!   configuration without them was cut short and fails too.
//!
//! Every output loses its first two lines (the echo and `Command: ...`) and
//! its last one (the prompt); each line loses its carriage returns and its
//! trailing blanks, and the output ends with one newline, as Oxidized's
//! model cuts it. The backup is thus byte for byte what Oxidized stores.
//!
//! A refusal is the classic CLI's `Available commands:` or `Next possible
//! completions:` list (scrapli-community's D-Link platform fails on these),
//! or one of the SDK's (`% Invalid input detected at ^marker` on the newer
//! CLI). The SDK's list lacks the two D-Link forms, so the driver looks for
//! them itself, after the SDK's own check.
//!
//! Where this driver differs from Oxidized: a refused optional command is
//! left out (Oxidized stores the switch's list of commands as a comment),
//! and a reply too short to hold the echo and the `Command:` line fails
//! the backup (Oxidized's model crashes on it).
//!
//! `redact` hides, keeping each keyword: SNMP community names and group
//! names (as Oxidized, `<removed>`), the community of SNMP trap hosts
//! (IPv4 and IPv6), SNMPv3 user passwords and keys, RADIUS and TACACS+
//! (`authen server_host`) keys, OSPF MD5 keys and simple passwords, RIP
//! and VRRP authentication strings, and account passwords kept encrypted
//! (`*@&...` lines, `encrypt sha_1 ...`).
//!
//! `significant` ignores the switch's clock set in the configuration
//! (`config time 01012021 10:00:00`, which NOC's D-Link profile drops too)
//! and a `Device Uptime` comment line, which Oxidized does not blank (some
//! DES-1210 firmware prints it).
//!
//! Device vars:
//! - `enable = "true"`: send `enable admin` after `disable clipaging`, as
//!   Oxidized does when its `enable` var is `true`.

use netraven_driver_sdk::prelude::*;

pub struct Dlink;

/// The name (model, `/`, `:` and the account level allowed), then `#` or
/// `>`.
const PROMPT: &str = r"^([\w.@()/:-]+[#>]\s?)$";

/// What `enable admin` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]ass[wW]ord:\s?$";

/// Oxidized's `comment '# '`.
const COMMENT: &str = "# ";

const SHOW_SWITCH: &str = "show switch";
const SHOW_VLAN: &str = "show vlan";
const SHOW_CONFIG: &str = "show config current";

/// How the classic D-Link CLI refuses a command: it lists what it knows.
const DLINK_REFUSALS: [&str; 2] = ["Available commands:", "Next possible completions:"];

impl Driver for Dlink {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "dlink",
            env!("CARGO_PKG_VERSION"),
            &["dlink"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        session.command("disable clipaging")?;
        if device.flag("enable") {
            login::enable(session, "enable admin", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(switch) = optional(session, SHOW_SWITCH)? {
            let switch = text::replace_in_lines(
                &switch,
                &[
                    ("System Uptime", r"^System Uptime\s.+", ""),
                    ("System up time", r"^System up time\s.+", ""),
                    ("System Time", r"^System Time\s.+", ""),
                    ("RTC Time", r"^RTC Time\s.+", ""),
                ],
            );
            config.push_str(&text::comment(&switch, COMMENT));
        }
        if let Some(vlan) = optional(session, SHOW_VLAN)? {
            config.push_str(&text::comment(&vlan, COMMENT));
        }

        let raw = essential_refused_by(session, SHOW_CONFIG, &refused)?;
        let current = oxidized_cut(&raw).ok_or_else(|| too_short(SHOW_CONFIG, &raw))?;
        check_closed(&current)?;
        config.push_str(&current);
        Ok(Backup::config(config))
    }

    /// Log out politely; the switch closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("logout\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^config time \d", r"^# Device Uptime\s"])
    }
}

/// Run an informational command; `None` when the switch refused it (the
/// SDK's refusals, then D-Link's own), logged as the SDK logs it. Otherwise
/// its output, cut as Oxidized cuts it.
fn optional(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
    let Some(raw) = optional_refused_by(session, command, &refused)? else {
        return Ok(None);
    };
    oxidized_cut(&raw)
        .map(Some)
        .ok_or_else(|| too_short(command, &raw))
}

/// D-Link's own refusal in a command's whole output (echo, output, prompt).
fn refused(raw: &str) -> Option<String> {
    dlink_refusal(&text::cut_echo(raw)).map(String::from)
}

/// The line in which a classic D-Link CLI refused a command, if it did: one
/// of the first few non-blank lines of `output` (without the echo).
fn dlink_refusal(output: &str) -> Option<&str> {
    output
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(4)
        .find(|l| DLINK_REFUSALS.iter().any(|r| l.trim_start().starts_with(r)))
}

fn too_short(command: &str, raw: &str) -> DriverError {
    DriverError::Failed(format!(
        "{command:?} printed less than its echo and `Command:` line: {:?}",
        text::unix_newlines(raw)
    ))
}

/// A command's output (echo, output, prompt) cut as Oxidized's model cuts
/// every output: without its first two lines and its last one, each line
/// without carriage returns and trailing blanks, joined with newlines and
/// ending in one. `None` when there are not even two lines.
fn oxidized_cut(raw: &str) -> Option<String> {
    let unix = text::unix_newlines(raw);
    let lines: Vec<&str> = text::lines(&unix).collect();
    if lines.len() < 2 {
        return None;
    }
    let kept = lines.get(2..lines.len() - 1).unwrap_or_default();
    let mut out = kept
        .iter()
        .map(|l| {
            l.replace('\r', "")
                .trim_end_matches([' ', '\t', '\n', '\x0b', '\x0c', '\0'])
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    Some(out)
}

/// The closing of a configuration in D-Link's layout: a dashed line, `#
/// End of configuration file`, a dashed line. Checked only where the
/// configuration opens with the dashed banner.
fn check_closed(config: &str) -> Result<(), SessionError> {
    let dashed = |l: &str| l.starts_with("#---");
    let body = config.trim_end();
    let opens_with_banner = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(dashed);
    if !opens_with_banner {
        return Ok(());
    }
    // Without the final dashed line, the text must end with the footer's
    // words; cut anywhere else, it ends with another line.
    let before_last = match body.rfind('\n') {
        Some(i) if dashed(&body[i + 1..]) => &body[..i],
        _ => body,
    };
    complete(SHOW_CONFIG, before_last, "End of configuration file")
}

/// Secret removal, line by line: `(needle, regex, replacement)`, each
/// keeping the keyword and hiding the value as `<removed>` (Oxidized's
/// word for this model).
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "create snmp community",
        r"^(create snmp community) \S+",
        "$1 <removed>",
    ),
    (
        "create snmp group",
        r"^(create snmp group) \S+",
        "$1 <removed>",
    ),
    // `create snmp host 10.0.0.1 v2c COMMUNITY`, and the IPv6 trap host
    // `create snmp v6host 2001:db8::1 v2c COMMUNITY`.
    (
        "create snmp ",
        r"^(create snmp (?:v6)?host \S+ (?:v1|v2c)) \S+",
        "$1 <removed>",
    ),
    // `create snmp user U G encrypted by_password auth md5 PW priv des PW`
    ("snmp user", r"(\bauth (?:md5|sha)) \S+", "$1 <removed>"),
    ("snmp user", r"(\bpriv (?:des|aes\S*)) \S+", "$1 <removed>"),
    // `config radius add 1 10.0.0.1 key SECRET default`, `create authen
    // server_host 10.0.0.2 protocol tacacs+ ... key "SECRET" ...`
    (
        " key ",
        r#"^((?:config radius|create authen server_host|config authen server_host) .*\bkey) (?:"[^"]*"|\S+)"#,
        "$1 <removed>",
    ),
    // Routing-protocol keys, in the syntax of D-Link's xStack CLI manuals:
    // OSPF's MD5 key table (`create md5 key 1 KEY`, `config md5 key 1
    // KEY`), an OSPF interface's simple password (`config ospf ipif System
    // ... authentication simple PW`), RIP's (`config rip ipif System
    // authentication enable PW`) and VRRP's (`... authtype simple authdata
    // PW`).
    (
        "md5 key",
        r"^((?:create|config) md5 key \d+) \S+",
        "$1 <removed>",
    ),
    (
        "authentication ",
        r"^(config (?:ospf|rip) ipif .*\bauthentication (?:simple|enable)) \S+",
        "$1 <removed>",
    ),
    ("authdata ", r"\b(authdata) \S+", "$1 <removed>"),
    // Encrypted account and enable passwords, on their own lines.
    ("*@&", r"^(\*@&)\S+", "$1<removed>"),
    (
        "encrypt ",
        r"\b(encrypt (?:sha_1|plain_text)) \S+",
        "$1 <removed>",
    ),
];

netraven_driver_sdk::export_driver!(Dlink);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    /// The prompt case `dlink#generic` (no recorded session exists yet).
    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Dlink>(CORPUS);
    }

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Dlink>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Dlink>(CONFORMANCE);
    }

    const P: &str = "DGS-3120-24TC:admin#";

    /// `disable clipaging` of a real DGS-3120-24TC, firmware 1.01.B033:
    /// nocproject/noc `sa/profiles/DLink/DxS/tests/
    /// DLink_DGS_3120_24TC_1_01_B033_get_version_0001.py` (BSD-3-Clause),
    /// trailing blanks kept; the prompt after it is the scrapli-community
    /// form `<name>:admin#`.
    const CLIPAGING: &str = "disable clipaging\nCommand: disable clipaging\n\nSuccess.                                                         \\x20\n\nDGS-3120-24TC:admin#";

    /// `show switch` of the same DGS-3120-24TC (same NOC file), shortened
    /// after `Spanning Tree` to its last line.
    const SWITCH: &str = "show switch\nCommand: show switch\n\nDevice Type                : DGS-3120-24TC Gigabit Ethernet Switch\nUnit ID                    : 1\nMAC Address                : 5C-D9-98-3F-A0-E9\nIP Address                 : 172.16.13.4 (Manual)\nVLAN Name                  : srv_int\nSubnet Mask                : 255.255.255.0\nDefault Gateway            : 172.16.13.1\nBoot PROM Version          : Build 1.00.007\nFirmware Version           : Build 1.01.B033\nHardware Version           : A1\nFirmware Type              : EI\nSerial Number              : P4UV1A9000301\nSystem Name                :\\x20\nSystem Location            :\\x20\nSystem Uptime              : 28 days, 19 hours, 38 minutes, 15 seconds\nSystem Contact             :\\x20\nSpanning Tree              : Disabled\nPassword Encryption Status : Enabled\n\nDGS-3120-24TC:admin#";

    /// `show vlan` of the same switch, NOC's
    /// `DLink_DGS_3120_24TC_1_01_B033_get_vlans_0001.py`, EDITED for the
    /// test: only the first VLAN, with four of its port lines left out and
    /// its runs of trailing blanks shortened, and the static total changed
    /// from 4 to 1 to agree. The conformance case
    /// `dlink#scripted_dgs3120_crlf` replays the real reply whole.
    const VLAN: &str = "show vlan\nCommand: show vlan\n\n\nVLAN Trunk State\\t: Disabled\nVLAN Trunk Member Ports\\t:\\x20\n\n\nVID             : 1               VLAN Name     : default\nVLAN Type       : Static          Advertisement : Enabled\nMember Ports    :                    \\x20\nForbidden Ports       :                    \\x20\n\\x20\nTotal Static VLAN Entries: 1\\x20\nTotal GVRP VLAN Entries: 0\\x20\n\n\nDGS-3120-24TC:admin#";

    /// `show config current`: no published capture exists. Minimal, in the
    /// layout D-Link's configuration files have (the dashed banner with
    /// model and firmware, `# SECTION` titles, the dashed `End of
    /// configuration file` footer), with the DGS-3120's firmware above and
    /// canary secrets.
    const CONFIG: &str = "show config current\nCommand: show config current_config\n\n#-------------------------------------------------------------------\n#                       DGS-3120-24TC Gigabit Ethernet Switch\n#                                Configuration\n#\n#                          Firmware: Build 1.01.B033\n#           Copyright(C) 2010 D-Link Corporation. All rights reserved.\n#-------------------------------------------------------------------\n\n\n# BASIC\n\nconfig serial_port baud_rate 115200 auto_logout 10_minutes\nenable telnet 23\ndisable web\n\n# SNMP\n\ncreate snmp community s3cr3tRO view CommunityView read_only\ncreate snmp group s3cr3tGROUP v2c read_view CommunityView notify_view CommunityView\n\n#-------------------------------------------------------------------\n#             End of configuration file\n#-------------------------------------------------------------------\n\nDGS-3120-24TC:admin#";

    /// The classic CLI's refusal, in the wording scrapli-community's D-Link
    /// platform fails on (`Available commands:`), then a minimal list.
    fn refused(command: &str) -> String {
        format!(
            "{command}\nAvailable commands:\n..              ?               clear           config\n{P}"
        )
    }

    fn recording(switch: &str, vlan: &str, config: &str) -> String {
        format!(
            "init_prompt: '{P}'\ncommands:\n\
             \x20 - \"disable clipaging\\n\": |-\n{}\n\
             \x20 - \"show switch\\n\": |-\n{}\n\
             \x20 - \"show vlan\\n\": |-\n{}\n\
             \x20 - \"show config current\\n\": |-\n{}\n\
             \x20 - \"logout\\n\": ''\n",
            block(CLIPAGING),
            block(switch),
            block(vlan),
            block(config)
        )
    }

    /// `reply` as the lines of a YAML `|-` block.
    fn block(reply: &str) -> String {
        reply
            .split('\n')
            .map(|l| format!("      {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// What Oxidized's model stores for this session
    /// (../shared/oxidized/oracle dlink), byte for byte.
    const ORACLE: &str = "# \n\
        # Device Type                : DGS-3120-24TC Gigabit Ethernet Switch\n\
        # Unit ID                    : 1\n\
        # MAC Address                : 5C-D9-98-3F-A0-E9\n\
        # IP Address                 : 172.16.13.4 (Manual)\n\
        # VLAN Name                  : srv_int\n\
        # Subnet Mask                : 255.255.255.0\n\
        # Default Gateway            : 172.16.13.1\n\
        # Boot PROM Version          : Build 1.00.007\n\
        # Firmware Version           : Build 1.01.B033\n\
        # Hardware Version           : A1\n\
        # Firmware Type              : EI\n\
        # Serial Number              : P4UV1A9000301\n\
        # System Name                :\n\
        # System Location            :\n\
        # \n\
        # System Contact             :\n\
        # Spanning Tree              : Disabled\n\
        # Password Encryption Status : Enabled\n\
        # \n\
        # \n\
        # \n\
        # VLAN Trunk State\t: Disabled\n\
        # VLAN Trunk Member Ports\t:\n\
        # \n\
        # \n\
        # VID             : 1               VLAN Name     : default\n\
        # VLAN Type       : Static          Advertisement : Enabled\n\
        # Member Ports    :\n\
        # Forbidden Ports       :\n\
        # \n\
        # Total Static VLAN Entries: 1\n\
        # Total GVRP VLAN Entries: 0\n\
        # \n\
        # \n\
        \n\
        #-------------------------------------------------------------------\n\
        #                       DGS-3120-24TC Gigabit Ethernet Switch\n\
        #                                Configuration\n\
        #\n\
        #                          Firmware: Build 1.01.B033\n\
        #           Copyright(C) 2010 D-Link Corporation. All rights reserved.\n\
        #-------------------------------------------------------------------\n\
        \n\
        \n\
        # BASIC\n\
        \n\
        config serial_port baud_rate 115200 auto_logout 10_minutes\n\
        enable telnet 23\n\
        disable web\n\
        \n\
        # SNMP\n\
        \n\
        create snmp community s3cr3tRO view CommunityView read_only\n\
        create snmp group s3cr3tGROUP v2c read_view CommunityView notify_view CommunityView\n\
        \n\
        #-------------------------------------------------------------------\n\
        #             End of configuration file\n\
        #-------------------------------------------------------------------\n\
        \n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup =
            scripted::backup::<Dlink>(&recording(SWITCH, VLAN, CONFIG), &Device::default())
                .expect("replayed whole");
        assert_eq!(backup.config, ORACLE);
    }

    #[test]
    fn carriage_returns_change_nothing() {
        let crlf = recording(SWITCH, VLAN, CONFIG)
            .lines()
            .map(|l| {
                if l.starts_with("      ") && !l.ends_with('#') {
                    format!("{l}\\r")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let backup = scripted::backup::<Dlink>(&crlf, &Device::default()).expect("replayed");
        assert_eq!(backup.config, ORACLE);
    }

    #[test]
    fn a_switch_that_refuses_switch_and_vlan_is_backed_up_without_them() {
        let backup = scripted::backup_without::<Dlink>(
            &recording(&refused("show switch"), &refused("show vlan"), CONFIG),
            &Device::default(),
            &["show switch", "show vlan"],
        );
        assert!(backup.config.starts_with("\n#-----"), "{}", backup.config);
        assert!(!backup.config.contains("Available"), "{}", backup.config);
    }

    #[test]
    fn the_newer_cli_refusal_leaves_out_an_optional_command_too() {
        let invalid =
            "show vlan\n            ^\n% Invalid input detected at ^marker.\nDGS-3120-24TC:admin#";
        let backup = scripted::backup_without::<Dlink>(
            &recording(SWITCH, invalid, CONFIG),
            &Device::default(),
            &["show vlan"],
        );
        assert!(!backup.config.contains("Invalid"), "{}", backup.config);
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Dlink>(
            &recording(SWITCH, VLAN, &refused("show config current")),
            &Device::default(),
            r#"essential command "show config current": the device refused it: "Available commands:""#,
        );
        scripted::backup_fails_with::<Dlink>(
            &recording(
                SWITCH,
                VLAN,
                "show config current\n            ^\n% Invalid input detected at ^marker.\nDGS-3120-24TC:admin#",
            ),
            &Device::default(),
            r#"essential command "show config current": the device refused it: "% Invalid input detected at ^marker.""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_before_its_footer_fails() {
        let cut = CONFIG.replace(
            "\n#-------------------------------------------------------------------\n#             End of configuration file\n#-------------------------------------------------------------------\n",
            "\n",
        );
        scripted::backup_fails_with::<Dlink>(
            &recording(SWITCH, VLAN, &cut),
            &Device::default(),
            r#"notify_view CommunityView", before its closing "End of configuration file": cut short"#,
        );
        // Cut right after the banner: its dashed line is not the footer's.
        let banner_only = "show config current\nCommand: show config current_config\n\n#-------------------------------------------------------------------\n#                       DGS-3120-24TC Gigabit Ethernet Switch\n#           Copyright(C) 2010 D-Link Corporation. All rights reserved.\n#-------------------------------------------------------------------\nDGS-3120-24TC:admin#";
        scripted::backup_fails_with::<Dlink>(
            &recording(SWITCH, VLAN, banner_only),
            &Device::default(),
            "All rights reserved.\", before its closing \"End of configuration file\": cut short",
        );
    }

    #[test]
    fn a_configuration_without_the_banner_is_not_held_to_the_footer() {
        assert!(check_closed("\nconfig snmp system_name sw1\n").is_ok());
        assert!(check_closed("\n#------\n# x\n#------\n\nconfig a\n#------\n#  End of configuration file\n#------\n\n").is_ok());
        assert!(check_closed("\n#------\n# x\n#------\n\nconfig a\n").is_err());
    }

    #[test]
    fn oxidized_cut_drops_two_lines_and_the_prompt_and_trailing_blanks() {
        assert_eq!(
            oxidized_cut("echo\r\nCommand: echo\r\n\r\na  \t\r\nb\r\nsw#").as_deref(),
            Some("\na\nb\n")
        );
        assert_eq!(
            oxidized_cut("echo\nCommand: echo\nsw#").as_deref(),
            Some("\n")
        );
        assert_eq!(oxidized_cut("echo\nsw#").as_deref(), Some("\n"));
        assert_eq!(oxidized_cut("sw#"), None);
    }

    #[test]
    fn enable_admin_answers_the_password_prompt_after_clipaging() {
        let yaml = format!(
            "init_prompt: 'DES-3200-28/ME:user#'\ncommands:\n  - \"disable clipaging\\n\": |-\n{}\n  - \"enable admin\\n\": 'enable admin\\nPassWord:'\n  - \"<enable>\\n\": '\\nDES-3200-28/ME:admin#'\n",
            block(CLIPAGING)
        );
        let session = scripted::login::<Dlink>(&yaml, &Device::with_vars(&[("enable", "true")]))
            .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
        // Without the var: only `disable clipaging`.
        let session = scripted::login::<Dlink>(&yaml, &Device::default()).expect("login");
        assert!(session.finish().is_err());
    }

    #[test]
    fn prompt_takes_account_levels_and_refuses_output_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "DGS-3120-24TC:admin#",
            "DES-3200-28/ME:admin#",
            "DES-3200-28/ME:user#",
            "Switch:oper#",
            "Switch:admin#",
            "DES-3200-28/ME:admin# ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "Command: show switch",
            "Success.                                                          ",
            "#-------------------------------------------------------------------",
            "#             End of configuration file",
            "Device Type                : DGS-3120-24TC Gigabit Ethernet Switch",
            "create snmp community public view CommunityView read_only",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_every_secret_form() {
        let cfg = "create snmp community s3cr3tRO view CommunityView read_only\n\
                   create snmp group s3cr3tGROUP v2c read_view CommunityView notify_view CommunityView\n\
                   create snmp host 10.0.0.9 v2c TRAPCOMM\n\
                   create snmp user v3u initial encrypted by_password auth md5 AUTHPW priv des PRIVPW\n\
                   config radius add 1 10.0.0.5 key RADKEY default\n\
                   create authen server_host 10.0.0.6 protocol tacacs+ port 49 key \"TAC KEY\" timeout 5 retransmit 2\n\
                   create account admin admin\n\
                   *@&HASHONE\n\
                   *@&HASHONE\n\
                   config admin local_enable encrypt sha_1 *@&ENABLEHASH\n\
                   create snmp v6host 2001:db8::9 v2c TRAP6COMM\n\
                   create md5 key 1 OSPFMD5KEY\n\
                   config md5 key 2 OSPFMD5KEYTWO\n\
                   config ospf ipif System area 0.0.0.0 authentication simple OSPFPW state enable\n\
                   config ospf ipif vl2 authentication md5 1\n\
                   config rip ipif System authentication enable RIPPW tx_mode v2_only\n\
                   create vrrp vrid 1 ipif System ipaddress 10.0.0.1 authtype simple authdata VRRPPW\n\
                   config snmp system_name sw1\n";
        let out = Dlink::redact(cfg);
        for secret in [
            "s3cr3tRO",
            "s3cr3tGROUP",
            "TRAPCOMM",
            "AUTHPW",
            "PRIVPW",
            "RADKEY",
            "TAC KEY",
            "HASHONE",
            "ENABLEHASH",
            "TRAP6COMM",
            "OSPFMD5KEY",
            "OSPFPW",
            "RIPPW",
            "VRRPPW",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "create snmp community <removed> view CommunityView read_only\n",
            "create snmp group <removed> v2c read_view",
            "create snmp host 10.0.0.9 v2c <removed>\n",
            "by_password auth md5 <removed> priv des <removed>\n",
            "config radius add 1 10.0.0.5 key <removed> default\n",
            "port 49 key <removed> timeout 5 retransmit 2\n",
            "create account admin admin\n*@&<removed>\n*@&<removed>\n",
            "config admin local_enable encrypt sha_1 <removed>\n",
            "create snmp v6host 2001:db8::9 v2c <removed>\n",
            "create md5 key 1 <removed>\n",
            "config md5 key 2 <removed>\n",
            "authentication simple <removed> state enable\n",
            // The key's number is no secret.
            "config ospf ipif vl2 authentication md5 1\n",
            "config rip ipif System authentication enable <removed> tx_mode v2_only\n",
            "authtype simple authdata <removed>\n",
            "config snmp system_name sw1\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_ignores_the_clock_and_device_uptime() {
        let cfg = "# Device Uptime      : 0 days 2 hours 3 minutes 4 seconds\n# Firmware Version   : 1.00\nconfig time 01012021 10:00:00\nconfig time_zone operator + hour 3 min 0\n";
        assert_eq!(
            Dlink::significant(cfg),
            "# Firmware Version   : 1.00\nconfig time_zone operator + hour 3 min 0\n"
        );
    }
}
