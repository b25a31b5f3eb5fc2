//! APC / Schneider Electric Network Management Card AOS.
//!
//! Checked against a recording of NMC AOS v2.5.0.8 (Smart-UPS APP v2.5.0.6)
//! on an SMT750IC with an AP9640 card.
//!
//! The backup is the output of `about`, `upsabout` and `detstatus -ss` as
//! `; ` comments (each optional), then the card's `config.ini`, fetched as a
//! file (SCP).
//! Every shell command answers with its echo and an `E000: Success` status
//! line before the output; both are dropped, as is the prompt. From `about`
//! the uptime and the firmware build date/time lines are dropped. The
//! `; Configuration file, generated on ...` line of `config.ini` carries the
//! time of the export and is dropped too, so an unchanged card backs up the
//! same every time.

use netraven_driver_sdk::prelude::*;

pub struct Apcaos;

/// `apc>` or, on some firmware, `user@apc>`.
const PROMPT: &str = r"^(?:\S+@)?apc>[ \t]*$";

const COMMENT: &str = "; ";

/// The file holding the card's whole configuration.
const CONFIG_FILE: &str = "config.ini";

/// Header line of `config.ini` that changes with every export.
const GENERATED_LINE: &str = "; Configuration file, generated on";

/// Lines of `about` that change without any change to the card.
const ABOUT_VOLATILE: [&str; 3] = ["Management Uptime: ", "Date: ", "Time: "];

/// What a command printed: without the echo line, the status line
/// (`E000: Success`) and the prompt line, and without any `\r`.
fn clean(raw: &str) -> String {
    text::drop_last_lines(text::drop_first_lines(raw, 2), 1).replace('\r', "")
}

/// `about` without the lines that change on their own.
fn clean_about(raw: &str) -> String {
    text::lines(&clean(raw))
        .filter(|line| !ABOUT_VOLATILE.iter().any(|p| line.starts_with(p)))
        .collect()
}

/// `config.ini` without its export time stamp, under a header comment.
fn config_ini(file: &str) -> String {
    let mut out = format!("{COMMENT}========== {CONFIG_FILE} ==========\n");
    out.reserve(file.len());
    for line in text::lines(file) {
        if !line.starts_with(GENERATED_LINE) {
            out.push_str(line);
        }
    }
    out
}

/// `Key=value` settings of `config.ini` whose value is a secret: SNMP
/// communities, SNMPv3 phrases, passwords and shared secrets.
const SECRET_KEY_PARTS: [&str; 5] = ["Community", "Phrase", "Password", "Secret", "Passphrase"];

impl Driver for Apcaos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "apcaos",
            env!("CARGO_PKG_VERSION"),
            &["apcaos"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        // The card's and the UPS's details are extras: a card that refuses
        // one (a PDU's card has no `upsabout`) is backed up without it.
        let mut config = String::new();
        if let Some(about) = session.optional("about")? {
            config.push_str(&text::comment(&clean_about(&about), COMMENT));
        }
        for command in ["upsabout", "detstatus -ss"] {
            if let Some(raw) = session.optional(command)? {
                config.push_str(&text::comment(&clean(&raw), COMMENT));
            }
        }
        // The configuration itself: a refused or empty file fails the backup.
        let file = session.essential_file(CONFIG_FILE)?;
        config.push_str(&config_ini(&file));
        Ok(Backup::config(config))
    }

    /// Log out politely; the card closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        if !config.contains('=') {
            return config.to_string();
        }
        let mut out = String::with_capacity(config.len());
        for line in text::lines(config) {
            match line.split_once('=') {
                Some((key, value))
                    if !key.starts_with(';')
                        && !key.contains(' ')
                        && SECRET_KEY_PARTS.iter().any(|p| key.contains(p))
                        && !value.trim().is_empty() =>
                {
                    let ending = &line[line.trim_end_matches(['\r', '\n']).len()..];
                    out.push_str(key);
                    out.push_str("=<secret hidden>");
                    out.push_str(ending);
                }
                _ => out.push_str(line),
            }
        }
        out
    }
}

netraven_driver_sdk::export_driver!(Apcaos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Apcaos>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    /// The card answers a command it does not have with `E101: Command Not
    /// Found`.
    #[test]
    fn a_device_that_refuses_the_ups_details_is_backed_up_without_them() {
        let recording = r#"init_prompt: "apc>"
commands:
  "about\n": "about\r\nE000: Success\r\nName: \t\taos\r\n\r\napc>"
  "upsabout\n": "upsabout\r\nE101: Command Not Found\r\n\r\napc>"
  "detstatus -ss\n": "detstatus -ss\r\nE101: Command Not Found\r\n\r\napc>"
  "config.ini": "[NetworkTCP/IP]\nHostName=pdu1\n"
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<Apcaos>(
            recording,
            &Device::default(),
            &["upsabout", "detstatus -ss"],
        );
        assert_eq!(
            backup.config,
            "; Name: \t\taos\n; \n; ========== config.ini ==========\n[NetworkTCP/IP]\nHostName=pdu1\n"
        );
    }

    #[test]
    fn status_line_and_prompt_are_cut_and_carriage_returns_removed() {
        let raw = "upsabout\r\nE000: Success\r\nModel: X\r\nSKU: Y \r\n\r\napc>";
        assert_eq!(clean(raw), "Model: X\nSKU: Y \n\n");
    }

    #[test]
    fn lone_carriage_returns_become_empty_lines() {
        let raw = "detstatus -ss\r\nE000: Success\r\nA: ok\n\r\r\n\r\napc>";
        assert_eq!(clean(raw), "A: ok\n\n\n");
    }

    #[test]
    fn about_drops_uptime_and_build_dates() {
        let raw = "about\r\nE000: Success\r\nName: \t\taos\r\nVersion: \tv2\r\n\
                   Date: \t\tMay 12 2023\r\nTime: \t\t19:08:29\r\n\
                   Management Uptime: \t1 Days\r\n\r\napc>";
        assert_eq!(clean_about(raw), "Name: \t\taos\nVersion: \tv2\n\n");
    }

    #[test]
    fn config_ini_drops_its_export_time_stamp() {
        let file = "; Schneider Electric\n\
                    ; Configuration file, generated on 01/21/2026 at 16:08:12 by apc\n\
                    \n[NetworkTCP/IP]\nHostName=ups1\n";
        assert_eq!(
            config_ini(file),
            "; ========== config.ini ==========\n; Schneider Electric\n\n[NetworkTCP/IP]\nHostName=ups1\n"
        );
    }

    #[test]
    fn prompt_matches_short_and_user_forms() {
        let re = text::re(&format!("(?m){PROMPT}"));
        assert!(re.is_match("apc>"));
        assert!(re.is_match("apc@apc>"));
        assert!(re.is_match("Administrator@apc> "));
        assert!(!re.is_match("Name: apc>x"));
    }

    #[test]
    fn snmp_communities_and_phrases_are_hidden() {
        let cfg = "[NetworkSNMP]\r\nAccessControl1Community=private\r\n\
                   ; Community=comment\r\nHostName=ups1\r\n\
                   [NetworkSNMPv3]\nUserProfile1AuthPhrase=abcdefghijkl\nUserProfile1PrivPhrase=\n";
        assert_eq!(
            Apcaos::redact(cfg),
            "[NetworkSNMP]\r\nAccessControl1Community=<secret hidden>\r\n\
             ; Community=comment\r\nHostName=ups1\r\n\
             [NetworkSNMPv3]\nUserProfile1AuthPhrase=<secret hidden>\nUserProfile1PrivPhrase=\n"
        );
    }
}
