//! Netgate TNSR.
//!
//! Checked against recordings of TNSR 23.02-3, 23.06-3, 24.10-3 and 25.02-2.
//!
//! The backup is `show version all` as `! ` comments (TNSR before 24.x does
//! not know it, then `show version` is used; if that is refused too, the
//! version is left out), then `show configuration running cli`.
//!
//! TNSR pages with `--More--`, which the driver answers with a space. The
//! pager does not always start a line (it can follow a line cut short), and
//! after the space TNSR erases it with eight backspaces, eight spaces and
//! eight backspaces: those are removed, as are the carriage returns TNSR
//! puts at the start of lines. When the pager was the last thing before the
//! prompt, the erase sequence precedes the prompt.

use netraven_driver_sdk::prelude::*;

pub struct Tnsr;

const COMMENT: &str = "! ";

/// `host tnsr# `, `host tnsr(config)# `; possibly after the pager's erase
/// sequence and a carriage return.
const PROMPT: &str = r"^(?:\x08{8}\x20{8}\x08{8})?\r?[\w.-]+\stnsr(?:\([\w-]+\))?#\s?$";

/// The pager, wherever it appears in a line.
const PAGER: &str = r"--More--$";

/// What TNSR sends to erase the pager after it was answered.
const PAGER_ERASE: &str =
    "\x08\x08\x08\x08\x08\x08\x08\x08        \x08\x08\x08\x08\x08\x08\x08\x08";

/// Drop carriage returns at the start of lines that have text after them.
fn strip_leading_cr(output: &str) -> String {
    if !output.contains('\r') {
        return output.to_string();
    }
    let mut out = String::with_capacity(output.len());
    for line in text::lines(output) {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let rest = body.trim_start_matches('\r');
        if body.len() > 1 && body.starts_with('\r') {
            if rest.is_empty() {
                // Only carriage returns: the last one counts as the text.
                out.push('\r');
            } else {
                out.push_str(rest);
            }
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

/// A command's output as stored: `\r\n` made `\n`, leading `\r` and pager
/// erase sequences removed, without echo and prompt.
fn clean(raw: &str) -> String {
    let out = strip_leading_cr(&text::unix_newlines(raw));
    let out = if out.contains('\x08') {
        out.replace(PAGER_ERASE, "")
    } else {
        out
    };
    text::cut_echo_and_prompt(&out)
}

impl Driver for Tnsr {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell(
            "tnsr",
            env!("CARGO_PKG_VERSION"),
            &["tnsr"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        session.on_pattern(PAGER, " ")?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let version = match session.optional("show version all")? {
            Some(version) => Some(version),
            None => session.optional("show version")?,
        };
        let mut config = version
            .map(|version| text::comment(&clean(&version), COMMENT))
            .unwrap_or_default();
        // The configuration itself: a refused or empty reply fails the backup.
        config.push_str(&clean(
            &session.essential("show configuration running cli")?,
        ));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(
            config,
            &[
                (
                    "password ",
                    r"(password(?: \d+)?) \S+.*",
                    "$1 <secret hidden>",
                ),
                (
                    "snmp community community-name ",
                    r"^(snmp community community-name )\S+",
                    "${1}<configuration removed>",
                ),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(Tnsr);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_configuration_that_prints_nothing_fails_the_backup() {
        let recording = r#"init_prompt: "r1 tnsr# "
commands:
  "show version all\n": "show version all\r\nVersion: tnsr-v24.10-3\r\nr1 tnsr# "
  "show configuration running cli\n": "show configuration running cli\r\n\r\nr1 tnsr# "
"#;
        scripted::backup_fails_with::<Tnsr>(
            recording,
            &Device::default(),
            r#"essential command "show configuration running cli": the device printed nothing"#,
        );
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Tnsr>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn pager_erase_and_leading_carriage_returns_are_removed() {
        let raw = format!(
            "show configuration running cli\n\rnacm disable\nsystemvi{PAGER_ERASE}\n\nssh enable\n\rr1 tnsr# "
        );
        assert_eq!(clean(&raw), "nacm disable\nsystemvi\n\nssh enable\n");
    }

    #[test]
    fn prompt_after_pager_erase_is_recognised() {
        let re = text::re(&format!("(?m){PROMPT}"));
        assert!(re.is_match(&format!("{PAGER_ERASE}\rbgp01 tnsr# ")));
        assert!(re.is_match("\rr1 tnsr(config)# "));
        assert!(!re.is_match("description tnsr"));
    }

    #[test]
    fn old_releases_fall_back_to_show_version() {
        let recording = r#"init_prompt: "r1 tnsr# "
commands:
  "show version all\n": "show version all\r\n\rCLI syntax error: \"show version all\": Unknown command\r\n\rr1 tnsr# "
  "show version\n": "show version\r\nVersion: 23.02-3+tnsr-v23.02-3+jammy\r\n\rr1 tnsr# "
  "show configuration running cli\n": "show configuration running cli\r\n\rnacm disable\r\n\rr1 tnsr# "
  "exit\n": ""
"#;
        let backup =
            scripted::backup_without::<Tnsr>(recording, &Device::default(), &["show version all"]);
        assert_eq!(
            backup.config,
            "! Version: 23.02-3+tnsr-v23.02-3+jammy\nnacm disable\n"
        );
    }

    #[test]
    fn a_device_that_refuses_both_versions_is_backed_up_without_them() {
        let recording = r#"init_prompt: "r1 tnsr# "
commands:
  "show version all\n": "show version all\r\n\rCLI syntax error: \"show version all\": Unknown command\r\n\rr1 tnsr# "
  "show version\n": "show version\r\n\rCLI syntax error: \"show version\": Unknown command\r\n\rr1 tnsr# "
  "show configuration running cli\n": "show configuration running cli\r\n\rnacm disable\r\n\rr1 tnsr# "
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<Tnsr>(
            recording,
            &Device::default(),
            &["show version all", "show version"],
        );
        assert_eq!(backup.config, "nacm disable\n");
    }

    #[test]
    fn bgp_and_user_passwords_and_snmp_communities_are_hidden() {
        let cfg = "    password $6$abc\n            password 7 xyz\nsnmp community community-name public source 10.0.0.1/32 security-name C\n";
        assert_eq!(
            Tnsr::redact(cfg),
            "    password <secret hidden>\n            password 7 <secret hidden>\nsnmp community community-name <configuration removed> source 10.0.0.1/32 security-name C\n"
        );
    }
}
