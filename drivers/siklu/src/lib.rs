//! Siklu EtherHaul radios (Oxidized model `siklu`).
//!
//! Checked against the prompt cases of the corpus (`siklu#generic`, an
//! EtherHaul with a hostname such as `111Cedar-NYArtCenter_(111)>`); no
//! session recording exists, so the command set follows Oxidized's model and
//! the unit tests replay a small transcript written here.
//!
//! The backup is what Oxidized stores: the third line of `copy
//! startup-configuration display` (the echo and two status lines come
//! first; left out when the radio refuses the command), then `copy
//! running-configuration display` without its echo, its two leading status
//! lines and the closing prompt. The EtherHaul CLI prints
//! the configuration in one go, so no pager setting is needed.

use netraven_driver_sdk::prelude::*;

pub struct Siklu;

/// `hostname>`; EtherHaul hostnames may hold spaces, dots, quotes and
/// parentheses, and the prompt may follow stray carriage returns.
const PROMPT: &str = r#"^[\r ]*[\w .()"-]+>$"#;

impl Driver for Siklu {
    fn info() -> DriverInfo {
        DriverInfo::shell("siklu", env!("CARGO_PKG_VERSION"), &["siklu"], PROMPT, "# ")
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        // The startup configuration's status line is worth having, not worth
        // failing for.
        let startup = session
            .optional("copy startup-configuration display")?
            .map(|raw| text::unix_newlines(&raw));
        // The configuration itself: a refused or empty reply fails the backup.
        let running =
            text::unix_newlines(&session.essential("copy running-configuration display")?);
        let mut config = startup.as_deref().map(startup_part).unwrap_or_default();
        config.push_str(&running_part(&running));
        Ok(Backup::config(config))
    }

    /// Log out politely; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }
}

/// Line 3 of the raw startup-configuration reply (after the echo and two
/// status lines), as Oxidized keeps it.
fn startup_part(raw: &str) -> String {
    text::lines(raw).nth(2).unwrap_or("").to_string()
}

/// The raw running-configuration reply without the echo, the two status
/// lines after it, and the prompt line at the end.
fn running_part(raw: &str) -> String {
    text::drop_last_lines(text::drop_first_lines(raw, 3), 1).to_string()
}

netraven_driver_sdk::export_driver!(Siklu);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Siklu>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    const SESSION: &str = concat!(
        "init_prompt: 'Welcome\\r\\nEH-8010 Site A>'\n",
        "commands:\n",
        "  - \"copy startup-configuration display\\n\": 'copy startup-configuration display\\r\\nSource: startup-configuration\\r\\n# startup config is stored\\r\\nEH-8010 Site A>'\n",
        "  - \"copy running-configuration display\\n\": 'copy running-configuration display\\r\\n\\r\\nSource: running-configuration\\r\\nset system name \"EH-8010 Site A\"\\r\\nset eth eth1 admin up\\r\\n\\r\\nEH-8010 Site A>'\n",
        "  - \"exit\\n\": ''\n",
    );

    #[test]
    fn backup_keeps_config_lines_and_drops_echo_status_and_prompt() {
        let backup = scripted::backup::<Siklu>(SESSION, &Device::default())
            .expect("backup, logged out with exit");
        assert_eq!(
            backup.config,
            "# startup config is stored\n\
             set system name \"EH-8010 Site A\"\n\
             set eth eth1 admin up\n\
             \n"
        );
    }

    #[test]
    fn a_configuration_that_prints_nothing_fails_the_backup() {
        let transcript = r#"init_prompt: "EH-8010>"
commands:
  "copy startup-configuration display\n": "copy startup-configuration display\r\nSource: startup-configuration\r\n# startup config is stored\r\nEH-8010>"
  "copy running-configuration display\n": "copy running-configuration display\r\n\r\nEH-8010>"
"#;
        scripted::backup_fails_with::<Siklu>(
            transcript,
            &Device::default(),
            r#"essential command "copy running-configuration display": the device printed nothing"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_startup_configuration_is_backed_up_without_it() {
        let transcript = r#"init_prompt: "EH-8010>"
commands:
  "copy startup-configuration display\n": "copy startup-configuration display\r\n% Unknown command\r\nEH-8010>"
  "copy running-configuration display\n": "copy running-configuration display\r\n\r\nSource: running-configuration\r\nset system name EH-8010\r\n\r\nEH-8010>"
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<Siklu>(
            transcript,
            &Device::default(),
            &["copy startup-configuration display"],
        );
        assert_eq!(backup.config, "set system name EH-8010\n\n");
    }

    #[test]
    fn short_replies_give_empty_parts_instead_of_panicking() {
        assert_eq!(startup_part("copy\nEH>"), "");
        assert_eq!(running_part("copy\n\nSource\nEH>"), "");
    }

    #[test]
    fn prompt_allows_spaces_parentheses_and_leading_carriage_returns() {
        let re = text::re(&format!("(?m){PROMPT}"));
        assert!(re.is_match("\rEH-8010 Site A>"));
        assert!(re.is_match("111Cedar-NYArtCenter_(111)>"));
        assert!(!re.is_match("set system name x"));
    }
}
