//! V-SOL GPON OLTs, Oxidized model `vsololt`.
//!
//! Checked against a recording of software V1.4.13R on a V1600G0-B.
//!
//! The show commands only exist in config mode, so the login runs `enable`
//! (answering `Password:` with the host's enable secret; on these OLTs it
//! is usually the login password) and `configure terminal`. The backup is
//! `show version` and `show pon transceiver-info all` as `! ` comments (a
//! refused one is left out), then `show running-config` with runs of blank
//! lines collapsed.
//!
//! Two quirks shape the clean-up, which follows Oxidized byte for byte:
//! - The OLT prints log events (`YYYY/MM/DD HH:MM:SS ...`) into the session
//!   at any time, and they cannot be turned off. Lines starting with such a
//!   timestamp are dropped. An event printed right after a pager prompt ends
//!   in a bare `\r`, so the first line of the next page is glued to it and
//!   dropped with it (Oxidized loses that line too).
//! - The pager ` --More-- \0` is answered with a space; the device then
//!   erases it with 10 backspaces, 10 spaces and 10 backspaces.

use netraven_driver_sdk::prelude::*;

pub struct Vsololt;

/// User mode `host>`, enable mode `host#`, config mode `host(config)#`.
/// Host names may hold `|`, `.`, `@`, `/` and `-`.
const PROMPT: &str = r"^([\w.@|()/-]+[#>]\s?)$";

/// The pager prompt ` --More-- \0` with the spaces around it. The OLT may
/// print log events after it before it waits for the key.
const PAGER: &str = r" *--More-- *\x00?";

const ENABLE_PASSWORD: &str = r"[pP]assword:\s*$";

const COMMENT: &str = "! ";

/// What the device prints to erase the pager prompt after a key press.
const PAGER_ERASE: &str =
    "\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08          \x08\x08\x08\x08\x08\x08\x08\x08\x08\x08";

/// Drop every line that starts with a log-event timestamp, through the end
/// of the line (a line glued to it by a bare `\r` goes with it).
fn drop_log_events(output: &str) -> String {
    let event = text::re(r"\A\d{4}/\d{2}/\d{2}\s+\d{2}:\d{2}:\d{2}\s+.*(?:\n|\z)");
    let mut out = String::with_capacity(output.len());
    let mut at = 0;
    while at < output.len() {
        let rest = &output[at..];
        let b = rest.as_bytes();
        let may_be_event = b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'/';
        if may_be_event && let Some(m) = event.find(rest) {
            at += m.end();
            continue;
        }
        let line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        out.push_str(&rest[..line_end]);
        at += line_end;
    }
    out
}

/// What a command printed, cleaned as Oxidized does for every command.
fn output(raw: &str) -> String {
    let text = drop_log_events(&text::unix_newlines(raw))
        .replace(PAGER_ERASE, "")
        .replace('\0', "");
    text::cut_echo_and_prompt(&text)
}

/// Replace every run of two or more line breaks (each possibly followed by
/// spaces or tabs) with a single `\n`: the blank lines left around the
/// removed log events. The running config separates sections with `!`.
fn collapse_blank_lines(config: &str) -> String {
    let b = config.as_bytes();
    let mut out = String::with_capacity(config.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\r' && b[i] != b'\n' {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut breaks = 0;
        loop {
            let mut k = end;
            if b.get(k) == Some(&b'\r') {
                k += 1;
            }
            if b.get(k) != Some(&b'\n') {
                break;
            }
            k += 1;
            while matches!(b.get(k), Some(b' ' | b'\t')) {
                k += 1;
            }
            breaks += 1;
            end = k;
        }
        if breaks >= 2 {
            out.push_str(&config[copied..start]);
            out.push('\n');
            copied = end;
            i = end;
        } else if breaks == 1 {
            i = end;
        } else {
            i += 1;
        }
    }
    out.push_str(&config[copied..]);
    out
}

impl Driver for Vsololt {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "vsololt",
            env!("CARGO_PKG_VERSION"),
            &["vsololt"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        session.on_pager_anywhere(PAGER, " ")?;
        session.command("configure terminal")?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        for command in ["show version", "show pon transceiver-info all"] {
            if let Some(raw) = session.optional(command)? {
                config.push_str(&text::comment(&output(&raw), COMMENT));
            }
        }
        // The configuration itself: a refusal fails the backup.
        let running = output(&session.essential("show running-config")?);
        config.push_str(&collapse_blank_lines(&running));
        Ok(Backup::config(config))
    }

    /// Leave config mode, then log out; the device closes the session.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.command("end")?;
        session.send("exit\n")?;
        Ok(())
    }

    fn run(
        session: &mut dyn Session,
        _device: &Device,
        commands: &[String],
    ) -> Result<Vec<CommandOutput>, DriverError> {
        commands
            .iter()
            .map(|line| {
                Ok(CommandOutput {
                    command: line.clone(),
                    output: output(&session.command(line)?),
                })
            })
            .collect()
    }

    fn redact(config: &str) -> String {
        let mut out = String::with_capacity(config.len());
        let rules = [
            // `snmp-server community X ro` and `snmp-server host ... community X`.
            ("snmp-server ", text::re(r"^(snmp-server .*community) \S+")),
            ("login-password", text::re(r"(login-password)\s+\S+")),
            ("enable-password", text::re(r"(enable-password)\s+\S+")),
            // ONU web accounts: `username admin_control enable <role> PW ...`
            // and `... user_control enable <role> PW`.
            ("username ", text::re(r"(username \S+ enable \S+)\s+\S+")),
            (
                "user_control enable",
                text::re(r"(user_control enable \S+)\s+\S+"),
            ),
            // ONU Wi-Fi pre-shared keys.
            ("shared_key", text::re(r"(shared_key)\s+\S+")),
        ];
        for line in text::lines(config) {
            let mut line = line.to_string();
            for (literal, rule) in &rules {
                if line.contains(literal) {
                    line = rule.replace_all(&line, "$1 <secret hidden>").into_owned();
                }
            }
            out.push_str(&line);
        }
        out
    }
}

netraven_driver_sdk::export_driver!(Vsololt);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Vsololt>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "OLT> "
commands:
  "enable\n": "enable\r\nOLT# "
  "configure terminal\n": "configure terminal\r\nOLT(config)# "
  "show version\n": "show version\r\nV1600G0-B V1.4.13R\r\nOLT(config)# "
  "show pon transceiver-info all\n": "show pon transceiver-info all\r\nOLT(config)# "
  "show running-config\n": "show running-config\r\n% Unknown command.\r\nOLT(config)# "
"#;
        scripted::backup_fails_with::<Vsololt>(
            recording,
            &Device::default(),
            r#"essential command "show running-config": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_transceivers_is_backed_up_without_them() {
        let recording = r#"init_prompt: "OLT> "
commands:
  "enable\n": "enable\r\nOLT# "
  "configure terminal\n": "configure terminal\r\nOLT(config)# "
  "show version\n": "show version\r\nV1600G0-B V1.4.13R\r\nOLT(config)# "
  "show pon transceiver-info all\n": "show pon transceiver-info all\r\n% Unknown command.\r\nOLT(config)# "
  "show running-config\n": "show running-config\r\nhostname OLT\r\n!\r\nOLT(config)# "
  "end\n": "end\r\nOLT# "
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<Vsololt>(
            recording,
            &Device::default(),
            &["show pon transceiver-info all"],
        );
        assert_eq!(backup.config, "! V1600G0-B V1.4.13R\nhostname OLT\n!\n");
    }

    #[test]
    fn pager_is_answered_and_removed_and_what_follows_it_kept() {
        // A pager mid-line takes the line's trailing space with it; a log
        // event the OLT prints after a pager stays, glued by a bare `\r` to
        // the first line of the next page, and both are dropped.
        let recording = concat!(
            "init_prompt: \"OLT> \"\n",
            "commands:\n",
            "  - \"enable\\n\": \"enable\\r\\nOLT# \"\n",
            "  - \"configure terminal\\n\": \"configure terminal\\r\\nOLT(config)# \"\n",
            "  - \"show version\\n\": \"show version\\r\\nline a \\r\\nuser_control disable --More-- \\0\"\n",
            "  - \" \": \"\\r\\nline b\\r\\n --More-- \\0\\r\\n2026/05/25 18:51:33   ONU Port Los\\r\"\n",
            "  - \" \": \"\\b\\b\\b\\b\\b\\b\\b\\b\\b\\b          \\b\\b\\b\\b\\b\\b\\b\\b\\b\\bline c\\r\\nline d\\r\\nOLT(config)# \"\n",
        );
        let mut session = scripted::login::<Vsololt>(recording, &Device::default()).expect("login");
        let version = output(&session.command("show version").expect("paged through"));
        assert_eq!(version, "line a \nuser_control disable\nline b\n\nline d\n");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn log_event_glued_by_a_bare_cr_takes_the_next_line_with_it() {
        let raw = "echo\r\nip 1\n\r\n2026/05/25 18:51:33   ONU Port Los   PON 0/3\r\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08          \x08\x08\x08\x08\x08\x08\x08\x08\x08\x08vlan tag 1 \r\nwifi 1\r\nhost# ";
        assert_eq!(output(raw), "ip 1\n\nwifi 1\n");
    }

    #[test]
    fn pager_erase_sequence_is_removed() {
        let raw = format!("echo\r\na\r\n{PAGER_ERASE}b\r\nhost# ");
        assert_eq!(output(&raw), "a\nb\n");
    }

    #[test]
    fn blank_line_runs_collapse_to_one_newline() {
        assert_eq!(collapse_blank_lines("a\n\n\nb\n"), "a\nb\n");
        assert_eq!(collapse_blank_lines("a\n \t\n  b\n"), "a\nb\n");
        assert_eq!(collapse_blank_lines("\nCurrent\n!\n"), "\nCurrent\n!\n");
        assert_eq!(collapse_blank_lines("a\r\n\r\nb"), "a\nb");
    }

    #[test]
    fn secrets_are_hidden() {
        let cfg = "snmp-server community pub ro \n\
                   snmp-server host domain x version 2c community pub\n\
                   user add admin login-password pw1\n\
                   onu 2 pri username admin_control enable admin pw2 user_control enable user pw3 \n\
                   onu 1 pri wifi_ssid 1 name S shared_key pw4 rekey_interval 0\n";
        assert_eq!(
            Vsololt::redact(cfg),
            "snmp-server community <secret hidden> ro \n\
             snmp-server host domain x version 2c community <secret hidden>\n\
             user add admin login-password <secret hidden>\n\
             onu 2 pri username admin_control enable admin <secret hidden> user_control enable user <secret hidden> \n\
             onu 1 pri wifi_ssid 1 name S shared_key <secret hidden> rekey_interval 0\n"
        );
    }

    #[test]
    fn prompt_matches_all_three_modes() {
        let prompt = text::line_re(PROMPT);
        for p in ["OLT> ", "RT_01|192.0.2.4-Site_OLT#", "OLT-1(config)# "] {
            assert!(prompt.is_match(p), "{p}");
        }
        assert!(!prompt.is_match("x\n --More-- \0"));
    }
}
