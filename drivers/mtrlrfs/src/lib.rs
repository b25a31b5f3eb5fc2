//! Motorola RFS and Extreme WiNG wireless controllers (Oxidized model
//! `mtrlrfs`).
//!
//! Checked against the prompt cases of the corpus (`mtrlrfs#generic`,
//! WiNG 7 prompts such as `VX9k-WiNG7#` and `VX9k-WiNG7*>`); no session
//! recording exists, so the command set follows Oxidized's model and the
//! unit tests replay a small transcript written here.
//!
//! The backup is what Oxidized stores: `show version` and `show licenses`
//! as `# ` comments (each left out if the controller refuses it), then
//! `show running-config` (whose refusal fails the backup). WiNG pads its
//! output with carriage returns and trailing blanks, so every reply loses
//! its `\r`s and each line its trailing white space. The pager is turned
//! off with `terminal length 0`. On logout WiNG asks whether to save
//! uncommitted changes (the `*` in the prompt); the driver answers `n`.

use netraven_driver_sdk::prelude::*;

pub struct Mtrlrfs;

/// `host#` or `host>`, with `*` before it while changes are uncommitted.
const PROMPT: &str = r"^([\w.@-]+\*?[#>])\s?$";

const COMMENT: &str = "# ";

impl Mtrlrfs {
    /// An optional command's block of comments, cleaned as described in
    /// [`clean`]; nothing when the controller refused the command.
    fn optional_block(session: &mut dyn Session, command: &str) -> Result<String, DriverError> {
        let output = session.optional(command)?;
        Ok(output.map_or_else(String::new, |raw| text::comment(&clean(&raw), COMMENT)))
    }
}

impl Driver for Mtrlrfs {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "mtrlrfs",
            env!("CARGO_PKG_VERSION"),
            &["mtrlrfs"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("terminal length 0")?;
        let mut config = Self::optional_block(session, "show version")?;
        config.push_str(&Self::optional_block(session, "show licenses")?);
        // The configuration itself: a refusal fails the backup.
        config.push_str(&clean(&session.essential("show running-config")?));
        Ok(Backup::config(config))
    }

    /// Log out; WiNG may ask to save uncommitted changes, which we decline.
    /// The device hangs up, so neither write waits for a prompt.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        session.send("n\n")?;
        Ok(())
    }
}

/// A raw reply without carriage returns, without its echo line and prompt
/// line, and with trailing white space cut from every line; each line ends
/// in exactly one `\n`.
fn clean(raw: &str) -> String {
    let raw = raw.replace('\r', "");
    let inner = text::drop_last_lines(text::drop_first_lines(&raw, 1), 1);
    let mut out = String::with_capacity(raw.len());
    for line in text::lines(inner) {
        out.push_str(line.trim_end_matches(|c: char| c.is_ascii_whitespace() || c == '\0'));
        out.push('\n');
    }
    if inner.is_empty() {
        out.push('\n');
    }
    out
}

netraven_driver_sdk::export_driver!(Mtrlrfs);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Mtrlrfs>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn backup_strips_carriage_returns_and_trailing_blanks_and_declines_saving() {
        let transcript = concat!(
            "init_prompt: '\\r\\nVX9k-WiNG7*>'\n",
            "commands:\n",
            "  - \"terminal length 0\\n\": 'terminal length 0\\r\\nVX9k-WiNG7*>'\n",
            "  - \"show version\\n\": 'show version\\r\\r\\nVX9000 version 7.1.0.0   \\r\\n\\rCopyright (c) 2004-2019 Extreme Networks\\r\\n\\r\\nVX9k-WiNG7*>'\n",
            "  - \"show licenses\\n\": 'show licenses\\r\\nSerial Number : B1234567\\t\\r\\nVX9k-WiNG7*>'\n",
            "  - \"show running-config\\n\": 'show running-config\\r\\n!\\r\\nversion 2.7  \\r\\n!\\r\\nhostname VX9k-WiNG7\\r\\nend\\r\\nVX9k-WiNG7*>'\n",
            "  - \"exit\\n\": 'exit\\r\\nDo you want to save the changes? [y/n]: '\n",
            "  - \"n\\n\": ''\n",
        );
        assert_eq!(
            scripted::backup::<Mtrlrfs>(transcript, &Device::default())
                .expect("backup, logged out declining to save")
                .config,
            "# VX9000 version 7.1.0.0\n\
             # Copyright (c) 2004-2019 Extreme Networks\n\
             # \n\
             # Serial Number : B1234567\n\
             !\nversion 2.7\n!\nhostname VX9k-WiNG7\nend\n"
        );
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let transcript = r#"init_prompt: "rfs1>"
commands:
  "terminal length 0\n": "terminal length 0\r\nrfs1>"
  "show version\n": "show version\r\nRFS4000 version 5.9.1.0\r\nrfs1>"
  "show licenses\n": "show licenses\r\nSerial Number : B1234567\r\nrfs1>"
  "show running-config\n": "show running-config\r\n     ^\r\n% Invalid input detected at '^' marker.\r\nrfs1>"
"#;
        scripted::backup_fails_with::<Mtrlrfs>(
            transcript,
            &Device::default(),
            r#"essential command "show running-config": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_licenses_is_backed_up_without_them() {
        let transcript = r#"init_prompt: "rfs1*#"
commands:
  - "terminal length 0\n": "terminal length 0\r\nrfs1*#"
  - "show version\n": "show version\r\nRFS4000 version 5.9.1.0\r\nrfs1*#"
  - "show licenses\n": "show licenses\r\n     ^\r\n% Invalid input detected at '^' marker.\r\nrfs1*#"
  - "show running-config\n": "show running-config\r\n!\r\nhostname rfs1\r\nend\r\nrfs1*#"
  - "exit\n": "exit\r\nDo you want to save the changes? [y/n]: "
  - "n\n": ""
"#;
        let backup =
            scripted::backup_without::<Mtrlrfs>(transcript, &Device::default(), &["show licenses"]);
        assert_eq!(
            backup.config,
            "# RFS4000 version 5.9.1.0\n!\nhostname rfs1\nend\n"
        );
    }

    #[test]
    fn an_empty_reply_becomes_one_empty_line() {
        assert_eq!(clean("show licenses\r\nrfs#"), "\n");
    }

    #[test]
    fn prompt_marks_uncommitted_changes_with_a_star() {
        let re = text::re(&format!("(?m){PROMPT}"));
        assert!(re.is_match("VX9k-WiNG7*>"));
        assert!(re.is_match("rfs4000-1#"));
        assert!(!re.is_match("hostname rfs4000-1"));
    }
}
