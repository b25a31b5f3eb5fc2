//! Broadcom EFOS (Enhanced Fabric OS), e.g. NetApp BES-53248 cluster
//! switches (Oxidized model `efos`).
//!
//! Checked against a recording of EFOS 3.12.0.1 on a BES-53248.
//!
//! The backup is `show bootvar` and `show fiber-ports
//! optical-transceiver-info all` as `! ` comments, then
//! `show running-config` without the lines that change on every read
//! (uptime, current system time, SNTP time).
//!
//! `show running-config` needs privileged mode: the driver runs `enable`
//! when the device greets with the user prompt (`(host) >`) or when the
//! device flag `enable` is set, and answers a password prompt with the
//! host's enable secret.

use netraven_driver_sdk::prelude::*;

pub struct Efos;

/// `(host) >`, `(host)#`, `host#`.
const PROMPT: &str = r"^([\w.@()-]+[#>]\s?)$";

const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

const COMMENT: &str = "! ";

impl Driver for Efos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "efos",
            env!("CARGO_PKG_VERSION"),
            &["efos"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        let greeting = session.read_until(PROMPT, None)?;
        let unprivileged = greeting.trim_end().ends_with('>');
        if unprivileged || device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("terminal length 0")?;
        let mut config = String::new();
        for command in [
            "show bootvar",
            "show fiber-ports optical-transceiver-info all",
        ] {
            // Left out when the switch refuses it (no fiber ports, say).
            if let Some(raw) = session.optional(command)? {
                let output = text::command_output(&raw);
                config.push_str(&text::comment(&output, COMMENT));
            }
        }
        // The configuration itself: a refusal fails the backup.
        let running = text::command_output(&session.essential("show running-config")?);
        config.push_str(&drop_clock_lines(&running));
        Ok(Backup::config(config))
    }

    /// Leave with `logout`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("logout\n")?;
        Ok(())
    }
}

/// Drop the running-config header lines that change on every read.
fn drop_clock_lines(config: &str) -> String {
    text::lines(config)
        .filter(|line| {
            !(line.contains("System Up Time")
                || line.contains("Current SNTP Synchronized Time:")
                || line.contains("Current System Time:"))
        })
        .collect()
}

netraven_driver_sdk::export_driver!(Efos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Efos>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "(sw1)#"
commands:
  "terminal length 0\n": "terminal length 0\r\n(sw1)#"
  "show bootvar\n": "show bootvar\r\nImage Descriptions\r\n(sw1)#"
  "show fiber-ports optical-transceiver-info all\n": "show fiber-ports optical-transceiver-info all\r\n(sw1)#"
  "show running-config\n": "show running-config\r\n                     ^\r\n% Invalid input detected at '^' marker.\r\n\r\n(sw1)#"
"#;
        scripted::backup_fails_with::<Efos>(
            recording,
            &Device::default(),
            r#"essential command "show running-config": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_transceivers_is_backed_up_without_them() {
        let recording = r#"init_prompt: "(sw1)#"
commands:
  "terminal length 0\n": "terminal length 0\r\n(sw1)#"
  "show bootvar\n": "show bootvar\r\nImage Descriptions\r\n(sw1)#"
  "show fiber-ports optical-transceiver-info all\n": "show fiber-ports optical-transceiver-info all\r\n           ^\r\n% Invalid input detected at '^' marker.\r\n\r\n(sw1)#"
  "show running-config\n": "show running-config\r\n!Current Configuration:\r\nhostname \"sw1\"\r\n(sw1)#"
  "logout\n": ""
"#;
        let backup = scripted::backup_without::<Efos>(
            recording,
            &Device::default(),
            &["show fiber-ports optical-transceiver-info all"],
        );
        assert_eq!(
            backup.config,
            "! Image Descriptions\n!Current Configuration:\nhostname \"sw1\"\n"
        );
    }

    #[test]
    fn volatile_header_lines_are_dropped() {
        let cfg = "!System Software Version \"3.12.0.1\"\n\
                   !System Up Time          \"146 days 23 hrs\"\n\
                   !Current System Time: Apr  8 13:30:29 2025\n\
                   !Current SNTP Synchronized Time: Apr  8 13:30:00 2025\n\
                   hostname \"sw1\"\n";
        assert_eq!(
            drop_clock_lines(cfg),
            "!System Software Version \"3.12.0.1\"\nhostname \"sw1\"\n"
        );
    }

    #[test]
    fn user_prompt_triggers_enable() {
        let transcript = concat!(
            "init_prompt: \"(sw1)>\"\n",
            "commands:\n",
            "  - \"enable\\n\": \"enable\\nPassword: \"\n",
            "  - \"<enable>\\n\": \"\\n(sw1)#\"\n",
            "  - \"show clock\\n\": \"show clock\\nnow\\n(sw1)#\"\n",
        );
        let mut session = scripted::login::<Efos>(transcript, &Device::default()).expect("login");
        assert!(session.command("show clock").is_ok());
        assert_eq!(session.finish(), Ok(()));
    }
}
