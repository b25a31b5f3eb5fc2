//! Ciena SAOS 10.x, Oxidized model `saos10`.
//!
//! Checked against a recording of SAOS 10-09-02-0181-RS3 on a CN5171.
//!
//! After `set session more off`, the backup is the hostname, software,
//! components, health and last-reset-reason tables as `# ` comments (a
//! refused one is left out), then `show running config` without its
//! `! Created:` and `! On terminal:` header lines (they change on every
//! read).

use netraven_driver_sdk::prelude::*;

pub struct Saos10;

/// `host> `; a `*` before the `>` marks uncommitted changes.
const PROMPT: &str = r"^[\w-]+\*?> ?$";

const COMMENT: &str = "# ";

/// Show commands whose tables go into the backup as comments, in order.
const COMMENTED: &[&str] = &[
    "show system hostname",
    "show software",
    "show system components",
    "show system health",
    "show system last-reset-reasons",
];

/// The running config without the header lines naming when and from which
/// terminal it was shown.
fn running_config(config: &str) -> String {
    text::lines(config)
        .filter(|line| !line.starts_with("! Created: ") && !line.starts_with("! On terminal: "))
        .collect()
}

impl Driver for Saos10 {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "saos10",
            env!("CARGO_PKG_VERSION"),
            &["saos10"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("set session more off")?;

        let mut config = String::new();
        // Each table is worth having, none worth failing for: a release or
        // an account without one leaves it out.
        for command in COMMENTED {
            if let Some(raw) = session.optional(command)? {
                config.push_str(&text::comment(&text::command_output(&raw), COMMENT));
            }
        }
        // The configuration itself: a refused or empty reply fails the backup.
        let running = text::command_output(&session.essential("show running config")?);
        config.push_str(&running_config(&running));
        Ok(Backup::config(config))
    }

    /// Log out politely; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }
}

netraven_driver_sdk::export_driver!(Saos10);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_configuration_that_prints_nothing_fails_the_backup() {
        let recording = r#"init_prompt: "cn1> "
commands:
  "set session more off\n": "set session more off\r\ncn1> "
  "show system hostname\n": "show system hostname\r\n| Hostname | cn1 |\r\ncn1> "
  "show software\n": "show software\r\n| Running Package | saos-10-09-02-0181 |\r\ncn1> "
  "show system components\n": "show system components\r\ncn1> "
  "show system health\n": "show system health\r\ncn1> "
  "show system last-reset-reasons\n": "show system last-reset-reasons\r\ncn1> "
  "show running config\n": "show running config\r\n\r\ncn1> "
"#;
        scripted::backup_fails_with::<Saos10>(
            recording,
            &Device::default(),
            r#"essential command "show running config": the device printed nothing"#,
        );
    }

    #[test]
    fn a_device_that_refuses_health_and_reset_reasons_is_backed_up_without_them() {
        let recording = r#"init_prompt: "cn1> "
commands:
  "set session more off\n": "set session more off\r\ncn1> "
  "show system hostname\n": "show system hostname\r\n| Hostname | cn1 |\r\ncn1> "
  "show software\n": "show software\r\n| Running Package | saos-10-09-02-0181 |\r\ncn1> "
  "show system components\n": "show system components\r\n| Name | CN5171 |\r\ncn1> "
  "show system health\n": "show system health\r\nError: Unknown command\r\ncn1> "
  "show system last-reset-reasons\n": "show system last-reset-reasons\r\nError: Unknown command\r\ncn1> "
  "show running config\n": "show running config\r\n! Created: Fri Jun 27 12:30:00 2025\r\nsystem config hostname cn1\r\ncn1> "
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<Saos10>(
            recording,
            &Device::default(),
            &["show system health", "show system last-reset-reasons"],
        );
        assert_eq!(
            backup.config,
            "# | Hostname | cn1 |\n# | Running Package | saos-10-09-02-0181 |\n# | Name | CN5171 |\nsystem config hostname cn1\n"
        );
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Saos10>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn volatile_header_lines_are_dropped() {
        let cfg =
            "! Created: Fri Jun 27 12:30:00 2025\n! On terminal: ssh 10.0.0.1\nsystem ntp \nexit\n";
        assert_eq!(running_config(cfg), "system ntp \nexit\n");
    }

    #[test]
    fn prompt_allows_the_uncommitted_marker() {
        let prompt = text::re(&format!("(?m){PROMPT}"));
        assert!(prompt.is_match("LAB-CN5171-1> "));
        assert!(prompt.is_match("LAB-CN5171-1*> "));
        assert!(!prompt.is_match("| Hostname | LAB-CN5171-1 |"));
    }
}
