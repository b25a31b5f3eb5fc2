//! H3C Comware (also HPE-branded Comware switches), Oxidized model `h3c`.
//!
//! Checked against a recording of Comware 7.1.070 (Release 3507P18) on an
//! HPE 5130-48G-PoE+-4SFP+ EI.
//!
//! After `screen-length disable`, the backup is `display version` (without
//! its uptime lines) and `display device` as `# ` comments, then `display
//! current-configuration` as the device prints it. A refused version or
//! device listing is left out; a refused configuration fails the backup.

use netraven_driver_sdk::prelude::*;

pub struct H3c;

/// `<host>` (user view) or `[host]` (system view), possibly after a prefix
/// without spaces such as the `RBM_P` of a hot-backup pair.
const PROMPT: &str = r"^[^\s<\[]*[<\[][\w.-]+[>\]]$";

const COMMENT: &str = "# ";

impl H3c {
    /// What an optional command printed: without echo and prompt, with
    /// `\r\n` made `\n`. `None`: the device refused it.
    fn optional(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
        Ok(session
            .optional(command)?
            .map(|raw| text::command_output(&raw)))
    }
}

/// `display version` without the lines that change every minute
/// ("... uptime is 16 weeks, ..." and the per-slot "Uptime is ...").
fn version_without_uptime(version: &str) -> String {
    text::lines(version)
        .filter(|line| !line.contains("uptime") && !line.contains("Uptime is"))
        .collect()
}

impl Driver for H3c {
    fn info() -> DriverInfo {
        DriverInfo::shell("h3c", env!("CARGO_PKG_VERSION"), &["h3c"], PROMPT, COMMENT)
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("screen-length disable")?;

        let mut config = String::new();
        if let Some(version) = Self::optional(session, "display version")? {
            config.push_str(&text::comment(&version_without_uptime(&version), COMMENT));
        }
        if let Some(device) = Self::optional(session, "display device")? {
            config.push_str(&text::comment(&device, COMMENT));
        }
        // The configuration itself: a refusal fails the backup.
        let running = session.essential("display current-configuration")?;
        config.push_str(&text::command_output(&running));
        Ok(Backup::config(config))
    }

    /// Log out politely; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("quit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        let mut out = config.to_string();
        if out.contains("pin verify") {
            out = text::replace_all(&out, &[(r"(pin verify (?:auto|)).*", "$1 <PIN hidden>")]);
        }
        // Comware prints stored ciphertexts as `%^%#...%^%#`.
        if out.contains("%^%#") {
            out = text::replace_all(&out, &[(r"%\^%#.*%\^%#", "<secret hidden>")]);
        }
        out
    }
}

netraven_driver_sdk::export_driver!(H3c);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<H3c>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "<sw1>"
commands:
  "screen-length disable\n": "screen-length disable\r\n<sw1>"
  "display version\n": "display version\r\nHPE Comware Software, Version 7.1.070\r\n<sw1>"
  "display device\n": "display device\r\nSlot Type State\r\n<sw1>"
  "display current-configuration\n": "display current-configuration\r\n        ^\r\n % Unrecognized command found at '^' position.\r\n<sw1>"
"#;
        scripted::backup_fails_with::<H3c>(
            recording,
            &Device::default(),
            r#"essential command "display current-configuration": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_display_device_is_backed_up_without_it() {
        let recording = r#"init_prompt: "<sw1>"
commands:
  "screen-length disable\n": "screen-length disable\r\n<sw1>"
  "display version\n": "display version\r\nHPE Comware Software, Version 7.1.070\r\n<sw1>"
  "display device\n": "display device\r\n        ^\r\n % Unrecognized command found at '^' position.\r\n<sw1>"
  "display current-configuration\n": "display current-configuration\r\n#\r\n sysname sw1\r\n#\r\nreturn\r\n<sw1>"
  "quit\n": ""
"#;
        let backup =
            scripted::backup_without::<H3c>(recording, &Device::default(), &["display device"]);
        assert_eq!(
            backup.config,
            "# HPE Comware Software, Version 7.1.070\n#\n sysname sw1\n#\nreturn\n"
        );
    }

    #[test]
    fn uptime_lines_are_dropped_from_the_version() {
        let version = "Comware 7.1\nHPE 5130 Switch uptime is 1 week\nSlot 1:\nUptime is 1 week,2 days\nDRAM: 1024M\n";
        assert_eq!(
            version_without_uptime(version),
            "Comware 7.1\nSlot 1:\nDRAM: 1024M\n"
        );
    }

    #[test]
    fn ciphertexts_and_pins_are_hidden() {
        let cfg = " local-user admin class manage\n  password hash %^%#abc$def%^%#\n pin verify auto 1234\n";
        assert_eq!(
            H3c::redact(cfg),
            " local-user admin class manage\n  password hash <secret hidden>\n pin verify auto <PIN hidden>\n"
        );
    }

    #[test]
    fn prompt_matches_user_and_system_view_but_not_config_lines() {
        let prompt = text::re(&format!("(?m){PROMPT}"));
        assert!(prompt.is_match("<sw1>"));
        assert!(prompt.is_match("[sw1]"));
        assert!(prompt.is_match("RBM_P<fw-1>"));
        assert!(!prompt.is_match(" description <uplink>"));
    }
}
