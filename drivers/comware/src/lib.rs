//! HP/HPE (A-series, FlexFabric, FlexNetwork), H3C and 3Com switches and
//! routers running Comware 5 or 7 (Oxidized model `comware`).
//!
//! Checked against a session of an HPE FlexFabric 5930-32QSFP+ IRF pair on
//! Comware 7.1.045, stitched from published output of Comware 7 switches
//! (see `tests/corpus/netraven/comware#FF5930-32QSFP+_7.1.045#source.md`):
//! ntc-templates' captures of `display version` and
//! `display device manuinfo`, and netutils' capture of a whole
//! `display current-configuration`. No published `display device` was
//! found: the case answers it with Comware's refusal, a stand-in.
//!
//! Session: the user-view prompt is the sysname in angle brackets
//! (`<NTC123456>`, `<AC01-250.5>`); a NUL may come before it and one
//! character (a space, a bell) after it. The system view (`[sysname]`) is
//! not a prompt here. After login the driver sends `super` when the device
//! var `enable` is set (answering a password question with the enable
//! secret), then `screen-length disable` (no pager) and
//! `undo terminal monitor` (no log lines in the outputs), whose replies are
//! not read. Logout is `quit`; the device hangs up.
//!
//! Commands, in Oxidized's order:
//! - `display version` (optional), stored as `# ` comments without the
//!   lines that name an uptime (`... uptime is ...`, each slot's
//!   `Uptime is ...`), which change every minute;
//! - `display device` (optional), as `# ` comments;
//! - `display device manuinfo` (optional), as `# ` comments without the
//!   lines that carry a `0xFF` byte (unprogrammed EEPROM fields of some
//!   cards, as Oxidized drops them);
//! - `display current-configuration` (essential): a device that refuses it
//!   fails the backup as `command_rejected`, and a configuration whose last
//!   line is not `return` was cut short and fails too.
//!
//! Every output loses its carriage returns, its echo (the first line) and
//! its prompt (the last line), as Oxidized cuts it.
//!
//! A refusal is Comware's `% Unrecognized command found at '^' position.`
//! (or `% Incomplete command ...`, `% Wrong parameter ...`) under a caret
//! line. Oxidized stores a refused informational command's refusal as
//! comments; the driver leaves the command out instead, so the corpus case
//! keeps Oxidized's text as `#oxidized.txt` beside `#output.txt`.
//!
//! `redact` hides, keeping each keyword: every value that follows `hash`,
//! `cipher` or `simple` (local-user and `super` passwords, BGP and OSPF
//! peer passwords, RADIUS/HWTACACS `key`s, IKE pre-shared keys), SNMP
//! community names, and the SNMPv3 user's authentication and privacy keys
//! (`cipher authentication-mode sha <key> privacy-mode aes128 <key>`).
//! Oxidized's model hides the same values but drops the rest of a
//! community's line.
//!
//! `significant` is the whole backup: the uptimes are already gone and the
//! configuration has no volatile line.
//!
//! Device vars: `enable` (send `super` after login). Oxidized's
//! `comware_cmdline` (unlocking the full CLI of HPE 1910/1920/1950 with
//! `_cmdline-mode on` / `xtd-cli-mode`) is not supported: no published
//! session of that dialogue was found.

use netraven_driver_sdk::prelude::*;

pub struct Comware;

/// `<sysname>`, possibly after NULs and followed by one space or bell.
const PROMPT: &str = r"^\x00*<[\w.-]+>[ \x07]?$";

/// The question `super` asks when a password is set for the level.
const PASSWORD_PROMPT: &str = r"^\s?[pP]assword:\s?$";

const COMMENT: &str = "# ";

const SUPER: &str = "super";

/// Setup commands, after login; their replies are not read.
const SETUP: &[&str] = &["screen-length disable", "undo terminal monitor"];

const DISPLAY_VERSION: &str = "display version";

const DISPLAY_DEVICE: &str = "display device";

const DISPLAY_MANUINFO: &str = "display device manuinfo";

const DISPLAY_CONFIG: &str = "display current-configuration";

/// The last line of a whole Comware configuration.
const CONFIG_END: &str = "return";

impl Driver for Comware {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "comware",
            env!("CARGO_PKG_VERSION"),
            &["comware"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, SUPER, PROMPT, PASSWORD_PROMPT)?;
        }
        for command in SETUP {
            session.command(command)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(raw) = session.optional(DISPLAY_VERSION)? {
            let version = drop_lines_with(&oxidized_cut(&raw), is_uptime);
            config.push_str(&text::comment(&version, COMMENT));
        }
        if let Some(raw) = session.optional(DISPLAY_DEVICE)? {
            config.push_str(&text::comment(&oxidized_cut(&raw), COMMENT));
        }
        if let Some(raw) = session.optional(DISPLAY_MANUINFO)? {
            let manuinfo = drop_lines_with(&oxidized_cut(&raw), has_blank_eeprom_byte);
            config.push_str(&text::comment(&manuinfo, COMMENT));
        }

        let raw = session.essential(DISPLAY_CONFIG)?;
        let running = oxidized_cut(&raw);
        complete(DISPLAY_CONFIG, &running, CONFIG_END)?;
        config.push_str(&running);
        Ok(Backup::config(config))
    }

    /// Log out; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("quit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::lines(config)
            .map(|line| {
                if line.contains("authentication-mode") {
                    text::replace_in_lines(line, SNMPV3_RULES)
                } else {
                    text::replace_in_lines(line, SECRET_RULES)
                }
            })
            .collect()
    }
}

/// A command's whole output cut as Oxidized's model cuts every output:
/// without any carriage return, the echo (first line) or the prompt (last
/// line).
fn oxidized_cut(raw: &str) -> String {
    text::cut_echo_and_prompt(&raw.replace('\r', ""))
}

/// `text` without the lines for which `drop` is true.
fn drop_lines_with(text: &str, drop: fn(&str) -> bool) -> String {
    text::lines(text).filter(|line| !drop(line)).collect()
}

/// `HPE ... Switch uptime is 384 weeks, ...` and each slot's
/// `Uptime is 50 weeks,...`.
fn is_uptime(line: &str) -> bool {
    line.to_ascii_lowercase().contains("uptime")
}

/// A `0xFF` byte, as the device sends it for an unprogrammed field: it
/// reaches the driver as `ÿ` (Latin-1) or as the replacement character.
fn has_blank_eeprom_byte(line: &str) -> bool {
    line.contains(['\u{ff}', '\u{fffd}'])
}

/// Secret removal on lines without an SNMPv3 key: `(needle, regex,
/// replacement)`, each line matched without its line ending.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `snmp-agent community read NAME acl 2000`, and Comware 7's
    // `community write simple NAME` / `cipher $c$3$...` forms.
    (
        "snmp-agent community",
        r"^(\s*snmp-agent community (?:read|write)(?: simple| cipher)?) \S+",
        "$1 <secret hidden>",
    ),
    // `password hash $h$6$...`, `password cipher $c$3$...`,
    // `key authentication cipher ...`, `pre-shared-key simple ...`,
    // `super password role network-admin hash ...`. A value already hidden
    // (`<secret hidden>`) stays as it is.
    (" hash ", r"(\shash) [^\s<]\S*", "$1 <secret hidden>"),
    (" cipher ", r"(\scipher) [^\s<]\S*", "$1 <secret hidden>"),
    (" simple ", r"(\ssimple) [^\s<]\S*", "$1 <secret hidden>"),
];

/// An SNMPv3 user: `... cipher authentication-mode sha KEY privacy-mode
/// aes128 KEY`.
const SNMPV3_RULES: &[(&str, &str, &str)] = &[
    (
        "authentication-mode",
        r"(authentication-mode \S+) \S+",
        "$1 <secret hidden>",
    ),
    (
        "privacy-mode",
        r"(privacy-mode \S+) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Comware);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Comware>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Comware>(CORPUS);
    }

    const P: &str = "<NTC123456>";

    /// A session as the switch of the corpus answers it, with `version`,
    /// `device` and `config` as what those commands print (each ending in
    /// a newline), and `before` as the exchanges before the setup.
    fn recording(before: &str, version: &str, device: &str, config: &str) -> String {
        format!(
            "init_prompt: '{P}'\ncommands:\n{before}\
             \x20 - \"screen-length disable\\n\": \"screen-length disable\\r\\n{P}\"\n\
             \x20 - \"undo terminal monitor\\n\": \"undo terminal monitor\\r\\n{P}\"\n\
             \x20 - \"display version\\n\": \"display version\\r\\n{version}{P}\"\n\
             \x20 - \"display device\\n\": \"display device\\r\\n{device}{P}\"\n\
             \x20 - \"display device manuinfo\\n\": \"display device manuinfo\\r\\n{MANUINFO}{P}\"\n\
             \x20 - \"display current-configuration\\n\": \"display current-configuration\\r\\n{config}{P}\"\n\
             \x20 - \"quit\\n\": ''\n"
        )
    }

    const VERSION: &str = "HPE Comware Software, Version 7.1.045, Feature 2427\\r\\nHPE FF 5930-32QSFP+ Switch uptime is 384 weeks, 5 days, 8 hours, 51 minutes\\r\\n\\r\\nSlot 1:\\r\\nUptime is 50 weeks,2 days,12 hours,21 minutes\\r\\nBootrom Version:    219\\r\\n";
    const DEVICE: &str = "Slot Type              State    Subslot  Soft Ver             Patch Ver\\r\\n1    S6520X-30QC-EI    Master   0        S6520X-6530P02       None\\r\\n";
    const MANUINFO: &str = " Slot 1 CPU 0:\\r\\nDEVICE_NAME          : LSWM1HFANSC\\r\\nVENDOR_NAME          : \\xFF\\xFF\\r\\n";
    const CONFIG: &str = "#\\r\\n sysname NTC123456\\r\\n#\\r\\nreturn\\r\\n";
    /// Comware's refusal of a word it does not know, under a caret.
    const UNRECOGNIZED: &str =
        "                   ^\\r\\n % Unrecognized command found at '^' position.\\r\\n";

    #[test]
    fn the_backup_is_cut_and_cleaned_as_oxidized_does_it() {
        let backup = scripted::backup::<Comware>(
            &recording("", VERSION, DEVICE, CONFIG),
            &Device::default(),
        )
        .expect("replayed whole");
        assert_eq!(
            backup.config,
            "# HPE Comware Software, Version 7.1.045, Feature 2427\n# \n# Slot 1:\n\
             # Bootrom Version:    219\n\
             # Slot Type              State    Subslot  Soft Ver             Patch Ver\n\
             # 1    S6520X-30QC-EI    Master   0        S6520X-6530P02       None\n\
             #  Slot 1 CPU 0:\n# DEVICE_NAME          : LSWM1HFANSC\n\
             #\n sysname NTC123456\n#\nreturn\n"
        );
    }

    #[test]
    fn a_refused_device_listing_is_left_out() {
        let backup = scripted::backup_without::<Comware>(
            &recording("", VERSION, UNRECOGNIZED, CONFIG),
            &Device::default(),
            &["display device"],
        );
        assert!(!backup.config.contains("Unrecognized"), "{}", backup.config);
        assert!(backup.config.ends_with("#\nreturn\n"), "{}", backup.config);
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Comware>(
            &recording("", VERSION, DEVICE, UNRECOGNIZED),
            &Device::default(),
            r#"essential command "display current-configuration": the device refused it: "% Unrecognized command found at '^' position.""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_fails() {
        scripted::backup_fails_with::<Comware>(
            &recording(
                "",
                VERSION,
                DEVICE,
                "#\\r\\n sysname NTC123456\\r\\n#\\r\\n",
            ),
            &Device::default(),
            r##"essential command "display current-configuration": the configuration stops at "#", before its closing "return": cut short"##,
        );
    }

    #[test]
    fn enable_sends_super_and_answers_its_password_question() {
        let before = format!(
            "\x20 - \"super\\n\": \"super\\r\\n Password:\"\n\
             \x20 - \"<enable>\\n\": \"\\r\\n{P}\"\n"
        );
        let backup = scripted::backup::<Comware>(
            &recording(&before, VERSION, DEVICE, CONFIG),
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("replayed whole");
        assert!(backup.config.ends_with("return\n"), "{}", backup.config);
    }

    #[test]
    fn prompt_takes_user_view_only() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "<NTC123456>",
            "<AC01-250.5>",
            "<HPE>",
            "\0<NTC123456>",
            "<NTC123456>\x07",
            "<NTC123456> ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "[NTC123456]",
            "[NTC123456-vlan101]",
            "#",
            "return",
            " sysname NTC123456",
            "HPE Comware Software, Version 7.1.045, Feature 2427",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_passwords_keys_and_communities() {
        let cfg = " password hash $h$6$CANARYHASH==\n\
                   \x20 peer 192.0.2.61 password cipher $c$3$CANARYPEER==\n\
                   \x20key authentication cipher $c$3$CANARYKEY==\n\
                   \x20key accounting simple CANARYSIMPLE\n\
                   \x20super password role network-admin hash $h$6$CANARYSUPER==\n\
                   \x20snmp-agent community read CANARYCOMM acl 1234\n\
                   \x20snmp-agent community write simple CANARYWRITE\n\
                   \x20snmp-agent usm-user v3 admin grp cipher authentication-mode sha CANARYAUTH privacy-mode aes128 CANARYPRIV\n\
                   \x20snmp-agent sys-info contact Test-Contact\n\
                   \x20password-recovery enable\n";
        let out = Comware::redact(cfg);
        for secret in [
            "CANARYHASH",
            "CANARYPEER",
            "CANARYKEY",
            "CANARYSIMPLE",
            "CANARYSUPER",
            "CANARYCOMM",
            "CANARYWRITE",
            "CANARYAUTH",
            "CANARYPRIV",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            " password hash <secret hidden>\n",
            "  peer 192.0.2.61 password cipher <secret hidden>\n",
            " key authentication cipher <secret hidden>\n",
            " super password role network-admin hash <secret hidden>\n",
            " snmp-agent community read <secret hidden> acl 1234\n",
            " snmp-agent community write simple <secret hidden>\n",
            " cipher authentication-mode sha <secret hidden> privacy-mode aes128 <secret hidden>\n",
            " snmp-agent sys-info contact Test-Contact\n",
            " password-recovery enable\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_keeps_the_whole_backup() {
        let cfg = "# HPE Comware Software\n#\n sysname NTC123456\n#\nreturn\n";
        assert_eq!(Comware::significant(cfg), cfg);
    }
}
