//! ZTE ZXA10 OLTs with the ZXAN command line: C300, C320, C600, C620
//! (Oxidized model `zteolt`).
//!
//! No published session of the configuration command
//! (`show running-config`) exists yet (see the `zteolt` section of
//! `tests/corpus/netraven/RESEARCH.md`), so the driver is checked by its
//! unit tests against what Oxidized's own model code stores for the same
//! scripted sessions (`../shared/oxidized/oracle zteolt`), and by the
//! prompt case `tests/corpus/netraven/zteolt#generic#prompt.yaml`.
//!
//! Session: the prompt is the hostname, then `>` (user mode) or `#`
//! (privileged), with an optional space: `ZXAN>`, `ZXAN#`,
//! `OLT-ZTE_C320#`. As in Oxidized, parentheses may be part of it, so a
//! config-mode prompt (`ZXAN(config)#`) is one too. When the device var
//! `enable` is set, the driver sends `enable` after login and answers a
//! `Password:` question with the enable secret. Then `terminal length 0`
//! (no pager), whose reply is not read. Logout is `disable`, then `exit`;
//! the device hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show version-running` (optional), stored as `! ` comments;
//! - `show patch-running` (optional), as `! ` comments;
//! - `show running-config` (essential), without its `timestamp_write: ...`
//!   line (the C300/C320 time of the last write). A device that refuses it
//!   fails the backup as `command_rejected`. A configuration that closes
//!   neither with `end` (C300/C320) nor with a closing section tag such as
//!   `!</MSAN>` (C600/C620) was cut short and fails too.
//!
//! Every output is cut as Oxidized cuts it: line endings made `\n`, every
//! `% Invalid input detected at '^' marker.` line and every caret line
//! emptied (with, as in Oxidized's pattern, the blank lines just before a
//! caret line), then the first line (the echo) and the last one (the
//! prompt) dropped.
//!
//! A refusal is ZXAN's `% Invalid input detected at '^' marker.` or the
//! numbered form of the C600 family, `%Error 140303: Invalid input detected
//! at '^' marker.`, which the SDK's refusal list does not know: the driver
//! checks for `%Error <number>:` itself. Oxidized stores a refused
//! informational command as comments (blank ones for the first form, the
//! error line for the second, as a published C620 backup shows); the driver
//! leaves the command out instead.
//!
//! `redact` hides, keeping each keyword: SNMP community names (Oxidized
//! drops the rest of the line too) and those of `snmp-server host ...
//! version 1|2c NAME` trap receivers (which Oxidized keeps), TACACS+/RADIUS keys, the password of a
//! `username NAME privilege N PASSWORD` line (Oxidized replaces the whole
//! line), every other `password [encrypted] VALUE` (the C600 family's
//! `user-name` blocks, `username NAME password ...`, an ONU's `loid ...
//! password`, PPPoE `wan-ip ... password`, BGP `neighbor ... password`),
//! an ONU's `pw`, `enable password`/`enable secret` values, SNMPv3
//! `auth`/`priv` keys of `snmp-server user`, `ntp authentication-key`,
//! OSPF `authentication-key`/`message-digest-key`, a RADIUS template's
//! `server N ADDR ... key`, and an ONU's `ssid auth ... key`. A value the device
//! wrapped onto the next line (ZXAN wraps at 80 columns) keeps that part:
//! it cannot be told from a configuration line.
//!
//! `significant` ignores the C600 family's `!configuration saved at ...`,
//! `!configuration has not been saved ...`, `!configuration was loaded by
//! ...` and `!last configuration change at ...` lines (in `!<mim>`), which
//! a save or a reload rewrites.
//!
//! Device vars: `enable` (send `enable` after login).
//!
//! Conformance cases (`tests/corpus/conformance/zteolt#scripted_*`,
//! scripted, not recorded; `#output.txt` made by
//! `../shared/oxidized/oracle zteolt`): `C320_crlf` (go-api-c320's `ZXAN#`
//! prompt, CRLF, blank lines inside and after the outputs, trailing
//! spaces, a `timestamp_write:` line, `end` last) and `C620_sections` (the
//! C620 family's `!<...>` sections, `$` block ends and `!<mim>` stamps).
//! All their outputs are minimal, written for the test, with canary
//! secrets: no `show version-running` / `show patch-running` output was
//! ever published.

use netraven_driver_sdk::prelude::*;

pub struct Zteolt;

/// The hostname (letters, digits, `.@()-_`), `#` or `>`, maybe a space.
const PROMPT: &str = r"^[\w.@()-]+[#>]\s?$";

/// What `enable` may ask before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

const COMMENT: &str = "! ";

/// Set up after login; the reply is not read.
const TERMINAL_LENGTH: &str = "terminal length 0";

/// Informational commands, stored as comments, in this order.
const COMMENTED: [&str; 2] = ["show version-running", "show patch-running"];

const SHOW_CONFIG: &str = "show running-config";

/// The lines Oxidized's model empties in every output (text mode, each
/// matched as Ruby matches it: `\s` may take the line feeds before a caret).
const ERASED: &[(&str, &str)] = &[(
    r"(?m)^% Invalid input detected at '\^' marker\.$|^\s+\^$",
    "",
)];

impl Driver for Zteolt {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "zteolt",
            env!("CARGO_PKG_VERSION"),
            &["zteolt"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        session.command(TERMINAL_LENGTH)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        for command in COMMENTED {
            let Some(raw) = optional_refused_by(session, command, &refused)? else {
                continue;
            };
            config.push_str(&text::comment(&oxidized_cut(&raw), COMMENT));
        }

        let output = oxidized_cut(&essential_refused_by(session, SHOW_CONFIG, &refused)?);
        if !closes_with_section_tag(&output) {
            complete(SHOW_CONFIG, &output, "end")?;
        }
        config.push_str(&text::replace_all(
            &output,
            &[(r"(?m)^timestamp_write: .*\n", "")],
        ));
        Ok(Backup::config(config))
    }

    /// Leave privileged mode, then log out; the device closes the session.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.command("disable")?;
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(
            config,
            &[
                r"^!configuration (saved at|has not been saved|was loaded by) ",
                r"^!last configuration change at ",
            ],
        )
    }
}

/// A command's whole output cut as Oxidized's model cuts every output.
fn oxidized_cut(raw: &str) -> String {
    let erased = text::replace_all(&text::unix_newlines(raw), ERASED);
    text::cut_echo_and_prompt(&erased)
}

/// The numbered refusal in a command's whole output (echo, output, prompt).
fn refused(raw: &str) -> Option<String> {
    numbered_refusal(&oxidized_cut(raw)).map(String::from)
}

/// The C600 family's numbered refusal (`%Error 140303: Invalid input
/// detected at '^' marker.`), in one of the first lines of `output`.
fn numbered_refusal(output: &str) -> Option<&str> {
    text::lines(output)
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .take(4)
        .find(|line| {
            line.strip_prefix("%Error ").is_some_and(|rest| {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                digits > 0 && rest[digits..].starts_with(':')
            })
        })
}

/// Whether the last line that is not blank closes a section (`!</MSAN>`),
/// as the C600 family's configurations end.
fn closes_with_section_tag(output: &str) -> bool {
    output
        .lines()
        .map(str::trim_end)
        .rfind(|line| !line.is_empty())
        .is_some_and(|last| last.starts_with("!</") && last.ends_with('>'))
}

/// Secret removal, line by line: `(needle, regex, replacement)`, each line
/// matched without its line ending, the rules in order.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `snmp-server community public view AllView ro`,
    // `snmp-server community encrypted *31*... view AllView rw`.
    (
        "snmp-server community",
        r"^(\s*snmp-server community(?: encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    // `snmp-server host 192.0.2.50 version 2c NAME ...`: the trap
    // receiver's community.
    (
        "snmp-server host",
        r"^(\s*snmp-server host \S+ (?:.+ )?version (?:1|2c)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "-server ",
        r"^(\s*(?:tacacs|radius)-server (?:.+ )?key(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "username ",
        r"^(username \S+ privilege \d+) \S+.*",
        "$1 <secret hidden>",
    ),
    (
        "enable ",
        r"^(enable (?:password|secret)(?: level \d+)?(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    // `password [encrypted] VALUE` anywhere: the C600 family's
    // `password encrypted ...` of a `user-name` block, `username NAME
    // password [encrypted] VALUE privilege N`, an ONU's `loid NAME password VALUE`,
    // `wan-ip 1 mode pppoe username NAME password VALUE ...` (pon-onu-mng),
    // `neighbor 192.0.2.1 password VALUE` (BGP).
    (
        "password ",
        r"(\bpassword(?: encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    // An ONU's registration password: `onu 1 type ZTE-F660 pw VALUE`.
    (
        " pw ",
        r"^(\s*onu \d+ type \S+ .*?\bpw) \S+",
        "$1 <secret hidden>",
    ),
    // SNMPv3 users: `snmp-server user NAME GROUP v3 [encrypted] auth md5
    // KEY priv des56 KEY`.
    (
        "snmp-server user",
        r"(\b(?:auth (?:md5|sha\S*)|priv (?:des\S*|3des|aes\S*)(?: \d{3})?)) \S+",
        "$1 <secret hidden>",
    ),
    // NTP and OSPF keys: `ntp authentication-key 1 md5 KEY`,
    // `ip ospf authentication-key KEY`, `ip ospf message-digest-key 1 md5 KEY`.
    (
        "authentication-key",
        r"^(\s*(?:ntp authentication-key \d+ md5|ip ospf authentication-key)(?: encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "message-digest-key",
        r"(\bmessage-digest-key \d+ md5(?: encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    // RADIUS servers of an authentication/accounting template:
    // `server 1 192.0.2.8 master key VALUE`.
    (
        " key ",
        r"^(\s*server \d+ \S+ .*?\bkey) \S+",
        "$1 <secret hidden>",
    ),
    // Wi-Fi keys of an ONU: `ssid auth wpa wifi_0/1 key VALUE`.
    (
        "ssid auth ",
        r"^(\s*ssid auth .*?\bkey) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Zteolt);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    /// The prompt case (`zteolt#generic#prompt.yaml`): real prompts and
    /// lines that are not prompts.
    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Zteolt>(CORPUS);
    }

    /// Scripted sessions (not recordings) whose `#output.txt` is what
    /// Oxidized's model stores for them (`../shared/oxidized/oracle zteolt`).
    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Zteolt>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Zteolt>(CONFORMANCE);
    }

    const P: &str = "ZXAN#";

    /// A session with `version`, `patch` and `config` as what the three
    /// commands print (YAML escapes, each ending in `\r\n`), and `before`
    /// as the exchanges before `terminal length 0`. The prompts are the
    /// C320's of s4lfanet/go-api-c320 `docs/COMMAND_REFERENCE.md` (MIT);
    /// no reply to `terminal length 0` or `disable` was published: each is
    /// its echo and the prompt.
    fn recording(init: &str, before: &str, version: &str, patch: &str, config: &str) -> String {
        format!(
            "init_prompt: \"\\r\\n{init}\"\ncommands:\n{before}\
             \x20 - \"terminal length 0\\n\": \"terminal length 0\\r\\n{P}\"\n\
             \x20 - \"show version-running\\n\": \"show version-running\\r\\n{version}{P}\"\n\
             \x20 - \"show patch-running\\n\": \"show patch-running\\r\\n{patch}{P}\"\n\
             \x20 - \"show running-config\\n\": \"show running-config\\r\\n{config}{P}\"\n\
             \x20 - \"disable\\n\": \"disable\\r\\nZXAN>\"\n\
             \x20 - \"exit\\n\": \"\"\n"
        )
    }

    /// No published output of `show version-running` or
    /// `show patch-running` exists: one minimal line each, a stand-in.
    const VERSION: &str = "ZXA10 C320 V2.1.0\\r\\n";
    const PATCH: &str = "No patch running.\\r\\n";

    /// A C620-family configuration, written for the test in the shape a
    /// published Oxidized backup of a C620 shows (net-maestro/INTERNET
    /// `VENDORS/ZTE/ZTE_C620_CONFIG.md`, licence not stated, so nothing of
    /// it is quoted here beyond the section tags): a `!<mim>` block of
    /// stamps, then `!<...>` / `!</...>` sections, the last tag closing it.
    /// Names, times and addresses are made up.
    const CONFIG_C620: &str = "!<mim>\\r\\n!configuration has not been saved since system starting\\r\\n!last configuration change at 08:15:00 Wed Jan 8 2025 by admin\\r\\n!</mim>\\r\\n!<system-config>\\r\\nhostname OLT-C620\\r\\n!</system-config>\\r\\n!<ntp>\\r\\nntp enable\\r\\nntp server 192.0.2.1 priority 1\\r\\n!</ntp>\\r\\n";

    /// A C320's configuration, minimal, with the head and tail that the
    /// RESEARCH.md notes describe for a real C320 V2.1
    /// (`Building configuration...`, `timestamp_write: ...`,
    /// `config-version 2.1`, `end`).
    const CONFIG_C320: &str = "Building configuration...\\r\\ntimestamp_write: 02:25:44 02/02/2025\\r\\nconfig-version 2.1\\r\\n!\\r\\nhostname ZXAN\\r\\n!\\r\\nend\\r\\n";

    /// ZXAN's refusal under its caret line (the wording Oxidized's model
    /// removes).
    const INVALID: &str = "                   ^\\r\\n% Invalid input detected at '^' marker.\\r\\n";

    /// The C620's numbered refusal of both informational commands: the
    /// error line as the published backup above stores it (one short line
    /// quoted, licence not stated).
    const NUMBERED: &str = "\\r\\n%Error 140303: Invalid input detected at '^' marker.\\r\\n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<Zteolt>(
            &recording(P, "", VERSION, PATCH, CONFIG_C320),
            &Device::default(),
        )
        .expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle zteolt).
        assert_eq!(
            backup.config,
            "! ZXA10 C320 V2.1.0\n! No patch running.\nBuilding configuration...\nconfig-version 2.1\n!\nhostname ZXAN\n!\nend\n"
        );
    }

    #[test]
    fn a_c620_configuration_closes_with_a_section_tag() {
        let backup = scripted::backup::<Zteolt>(
            &recording(P, "", VERSION, PATCH, CONFIG_C620),
            &Device::default(),
        )
        .expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle zteolt).
        assert_eq!(
            backup.config,
            "! ZXA10 C320 V2.1.0\n! No patch running.\n!<mim>\n!configuration has not been saved since system starting\n!last configuration change at 08:15:00 Wed Jan 8 2025 by admin\n!</mim>\n!<system-config>\nhostname OLT-C620\n!</system-config>\n!<ntp>\nntp enable\nntp server 192.0.2.1 priority 1\n!</ntp>\n"
        );
    }

    #[test]
    fn refused_informational_commands_are_left_out() {
        let backup = scripted::backup_without::<Zteolt>(
            &recording(P, "", INVALID, NUMBERED, CONFIG_C320),
            &Device::default(),
            &["show version-running", "show patch-running"],
        );
        // Oxidized stores `! \n! \n! \n! %Error 140303: ...\n` before the
        // configuration for this session (../shared/oxidized/oracle zteolt).
        assert_eq!(
            backup.config,
            "Building configuration...\nconfig-version 2.1\n!\nhostname ZXAN\n!\nend\n"
        );
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Zteolt>(
            &recording(P, "", VERSION, PATCH, INVALID),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
        scripted::backup_fails_with::<Zteolt>(
            &recording(P, "", VERSION, PATCH, NUMBERED),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "%Error 140303: Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_fails() {
        scripted::backup_fails_with::<Zteolt>(
            &recording(
                P,
                "",
                VERSION,
                PATCH,
                "Building configuration...\\r\\nconfig-version 2.1\\r\\n!\\r\\nhostname ZX\\r\\n",
            ),
            &Device::default(),
            r#"essential command "show running-config": the configuration stops at "hostname ZX", before its closing "end": cut short"#,
        );
        scripted::backup_fails_with::<Zteolt>(
            &recording(
                P,
                "",
                VERSION,
                PATCH,
                "!<mim>\\r\\n!</mim>\\r\\n!<ntp>\\r\\nntp enable\\r\\n",
            ),
            &Device::default(),
            "cut short",
        );
    }

    #[test]
    fn enable_answers_the_password_question_when_asked_to() {
        let before = "\x20 - \"enable\\n\": \"enable\\r\\nPassword:\"\n\
                      \x20 - \"<enable>\\n\": \"\\r\\nZXAN#\"\n";
        let yaml = recording("ZXAN>", before, VERSION, PATCH, CONFIG_C320);
        let backup = scripted::backup::<Zteolt>(&yaml, &Device::with_vars(&[("enable", "true")]))
            .expect("replayed whole");
        assert!(backup.config.ends_with("end\n"), "{}", backup.config);
        // Without the var, `enable` is not sent.
        assert!(scripted::backup::<Zteolt>(&yaml, &Device::default()).is_err());
    }

    #[test]
    fn prompt_takes_the_hostname_and_mode() {
        let prompt = text::line_re(PROMPT);
        for p in ["ZXAN>", "ZXAN#", "OLT-ZTE_C320#", "ZXAN(config)#", "ZXAN# "] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "OLT-ZTE_C320#show gpon onu detail-info gpon-onu_1/2/5:5",
            "% Invalid input detected at '^' marker.",
            "!<mim>",
            "!</MSAN>",
            "hostname ZTE",
            "$",
            "end",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn oxidized_cut_empties_refusals_and_caret_lines() {
        // As Ruby's `gsub` leaves them (checked with `ruby -e`): the caret
        // line takes the blank lines before it, the refusal leaves a blank.
        assert_eq!(
            oxidized_cut(
                "show x\r\n\r\n      ^\r\n% Invalid input detected at '^' marker.\r\nZXAN#"
            ),
            "\n\n"
        );
        assert_eq!(oxidized_cut("show x\n\n\n   ^\nZXAN#"), "\n");
        assert_eq!(oxidized_cut("show x\r\na ^\r\nb\r\nZXAN#"), "a ^\nb\n");
    }

    #[test]
    fn redact_hides_communities_keys_and_passwords() {
        let cfg = "snmp-server community CANARY1 view AllView ro\n\
                   snmp-server community encrypted *31*CANARY2== view AllView rw \n\
                   snmp-server host 192.0.2.50 trap version 2c CANARY9 enable NOTIFICATIONS\n\
                   tacacs-server host 192.0.2.9 key CANARY3\n\
                   tacacs-server key CANARY4\n\
                   radius-server host 192.0.2.8 key CANARY5\n\
                   username zte privilege 15 CANARY6 extra\n\
                   \x20   password encrypted *21*CANARY7\n\
                   enable secret level 15 5 CANARY8\n\
                   username admin password encrypted CANARY10 privilege 15\n\
                   username guest password CANARY11 privilege 1\n\
                   snmp-server user nms grp v3 encrypted auth md5 CANARY12 priv des56 CANARY13\n\
                   snmp-server user nms2 grp v3 auth sha CANARY14 priv aes128 CANARY15\n\
                   ntp authentication-key 1 md5 CANARY16\n\
                   \x20ip ospf authentication-key CANARY17\n\
                   \x20ip ospf message-digest-key 1 md5 CANARY18\n\
                   \x20neighbor 192.0.2.2 password CANARY19\n\
                   \x20 server 1 192.0.2.8 master key CANARY20\n\
                   \x20 onu 2 type ZTE-F660 pw CANARY21\n\
                   \x20 onu 3 type ZTE-F660 loid LOID3 password CANARY22\n\
                   wan-ip 1 mode pppoe username user1 password CANARY23 vlan-profile default host 1\n\
                   ssid auth wpa wifi_0/2 key CANARY24\n\
                   hostname ZTE\n";
        let out = Zteolt::redact(cfg);
        assert!(!out.contains("CANARY"), "{out}");
        assert_eq!(
            out,
            "snmp-server community <secret hidden> view AllView ro\n\
             snmp-server community encrypted <secret hidden> view AllView rw \n\
             snmp-server host 192.0.2.50 trap version 2c <secret hidden> enable NOTIFICATIONS\n\
             tacacs-server host 192.0.2.9 key <secret hidden>\n\
             tacacs-server key <secret hidden>\n\
             radius-server host 192.0.2.8 key <secret hidden>\n\
             username zte privilege 15 <secret hidden>\n\
             \x20   password encrypted <secret hidden>\n\
             enable secret level 15 5 <secret hidden>\n\
             username admin password encrypted <secret hidden> privilege 15\n\
             username guest password <secret hidden> privilege 1\n\
             snmp-server user nms grp v3 encrypted auth md5 <secret hidden> priv des56 <secret hidden>\n\
             snmp-server user nms2 grp v3 auth sha <secret hidden> priv aes128 <secret hidden>\n\
             ntp authentication-key 1 md5 <secret hidden>\n\
             \x20ip ospf authentication-key <secret hidden>\n\
             \x20ip ospf message-digest-key 1 md5 <secret hidden>\n\
             \x20neighbor 192.0.2.2 password <secret hidden>\n\
             \x20 server 1 192.0.2.8 master key <secret hidden>\n\
             \x20 onu 2 type ZTE-F660 pw <secret hidden>\n\
             \x20 onu 3 type ZTE-F660 loid LOID3 password <secret hidden>\n\
             wan-ip 1 mode pppoe username user1 password <secret hidden> vlan-profile default host 1\n\
             ssid auth wpa wifi_0/2 key <secret hidden>\n\
             hostname ZTE\n"
        );
    }

    #[test]
    fn significant_ignores_the_save_and_change_stamps() {
        // Stamp lines written for the test (made-up times and users), in
        // the wording the published C620 backups show.
        let saved = "!<mim>\n!configuration saved at 09:00:01 Tue Jan 7 2025 by admin\n!last configuration change at 08:59:58 Tue Jan 7 2025 by admin\n!</mim>\nhostname OLT-C620\n";
        let booted = "!<mim>\n!configuration has not been saved since system starting\n!configuration was loaded by txt that saved at 17:30:00 Mon Jan 6 2025\n!last configuration change at 08:15:00 Wed Jan 8 2025 by admin\n!</mim>\nhostname OLT-C620\n";
        assert_eq!(Zteolt::significant(saved), Zteolt::significant(booted));
        assert_eq!(
            Zteolt::significant(saved),
            "!<mim>\n!</mim>\nhostname OLT-C620\n"
        );
    }
}
