//! WatchGuard Fireware OS (Oxidized model `firewareos`).
//!
//! Checked against the prompt cases of the corpus (`firewareos#generic`:
//! `WG>`, `[FAULT]WG<managed-by-wsm><master>>` and the like); no session
//! recording exists, so the command set follows Oxidized's model and the
//! unit tests replay a small transcript written here.
//!
//! The backup is what Oxidized stores: `show sysinfo` as `-- ` comments,
//! without the lines that change on their own (anything mentioning time,
//! memory or cpu: uptime, clock, memory and CPU usage), then the XML of
//! `export config to console`. XTM 11.9.3 and later may ask to accept a
//! logon disclaimer first; the driver answers `yes`. A refused `show
//! sysinfo` is left out; a refused export fails the backup.

use netraven_driver_sdk::prelude::*;

pub struct FirewareOs;

/// `WG>`, `WG#`, with an optional `[FAULT]` flag in front and cluster or
/// management tags such as `<managed-by-wsm><master>` before the `>`.
const PROMPT: &str = r"^\[?\w*\]?\w*?(?:<[\w-]+>)*(#|>)\s*$";

/// The logon disclaimer question of XTM 11.9.3 and later.
const DISCLAIMER: &str =
    r"^I have read and accept the Logon Disclaimer message\. \(yes or no\)\? $";

const COMMENT: &str = "-- ";

impl Driver for FirewareOs {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "firewareos",
            env!("CARGO_PKG_VERSION"),
            &["firewareos"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.on_pattern(DISCLAIMER, "yes\n")?;
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(sysinfo) = session.optional("show sysinfo")? {
            let sysinfo = text::command_output(&sysinfo);
            config.push_str(&text::comment(&stable_sysinfo(&sysinfo), COMMENT));
        }
        // The configuration itself: a refusal fails the backup.
        let export = session.essential("export config to console")?;
        config.push_str(&text::command_output(&export));
        Ok(Backup::config(config))
    }

    /// Log out politely; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }
}

/// `show sysinfo` without the lines that change between two reads: any line
/// mentioning `time` (uptime, system time), `memory` or `cpu`.
fn stable_sysinfo(sysinfo: &str) -> String {
    text::lines(sysinfo)
        .filter(|line| !["time", "memory", "cpu"].iter().any(|w| line.contains(w)))
        .collect()
}

netraven_driver_sdk::export_driver!(FirewareOs);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<FirewareOs>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    const COMMANDS: &str = concat!(
        "  - \"show sysinfo\\n\": 'show sysinfo\\r\\nserial number : 80A1B2C3D4E5F\\r\\nsystem time   : 2024-05-01 10:00:00\\r\\nup time       : 12 days\\r\\nmemory used   : 42%\\r\\ncpu usage     : 3%\\r\\nsoftware version : 12.10.3\\r\\n[FAULT]WG<managed-by-wsm><master>>'\n",
        "  - \"export config to console\\n\": 'export config to console\\r\\n<profile>\\r\\n  <name>fw1</name>\\r\\n</profile>\\r\\n[FAULT]WG<managed-by-wsm><master>>'\n",
        "  - \"exit\\n\": ''\n",
    );

    const EXPECTED: &str = "-- serial number : 80A1B2C3D4E5F\n\
                            -- software version : 12.10.3\n\
                            <profile>\n  <name>fw1</name>\n</profile>\n";

    #[test]
    fn sysinfo_is_commented_without_volatile_lines_then_xml_config() {
        let transcript = format!(
            "init_prompt: '\\r\\n[FAULT]WG<managed-by-wsm><master>>'\ncommands:\n{COMMANDS}"
        );
        assert_eq!(
            scripted::backup::<FirewareOs>(&transcript, &Device::default())
                .expect("backup, logged out with exit")
                .config,
            EXPECTED
        );
    }

    #[test]
    fn a_configuration_that_prints_nothing_fails_the_backup() {
        let transcript = r#"init_prompt: "WG>"
commands:
  "show sysinfo\n": "show sysinfo\r\nserial number : 80A1B2C3D4E5F\r\nWG>"
  "export config to console\n": "export config to console\r\n\r\nWG>"
"#;
        scripted::backup_fails_with::<FirewareOs>(
            transcript,
            &Device::default(),
            r#"essential command "export config to console": the device printed nothing"#,
        );
    }

    #[test]
    fn a_device_that_refuses_sysinfo_is_backed_up_without_it() {
        let transcript = r#"init_prompt: "WG>"
commands:
  - "show sysinfo\n": "show sysinfo\r\n          ^\r\n% Invalid input detected at '^' marker.\r\n\r\nWG>"
  - "export config to console\n": "export config to console\r\n<profile>\r\n  <name>fw1</name>\r\n</profile>\r\nWG>"
  - "exit\n": ""
"#;
        let backup = scripted::backup_without::<FirewareOs>(
            transcript,
            &Device::default(),
            &["show sysinfo"],
        );
        assert_eq!(backup.config, "<profile>\n  <name>fw1</name>\n</profile>\n");
    }

    #[test]
    fn logon_disclaimer_is_accepted_before_the_prompt() {
        let transcript = format!(
            "init_prompt: 'Authorized use only.\\r\\nI have read and accept the Logon Disclaimer message. (yes or no)? '\ncommands:\n  - \"yes\\n\": 'yes\\r\\n[FAULT]WG<managed-by-wsm><master>>'\n{COMMANDS}"
        );
        assert_eq!(
            scripted::backup::<FirewareOs>(&transcript, &Device::default())
                .expect("backup, logged out with exit")
                .config,
            EXPECTED
        );
    }
}
