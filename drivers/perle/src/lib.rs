//! Perle IOLAN console servers, Oxidized model `perle`.
//!
//! Checked against a recording of IOLAN SCG firmware 6.2.G3 on an SCG50 RRU.
//!
//! After `terminal length 0`, the backup is `show version verbose`, `show
//! system hardware` and the SFP vendor lines of `show interfaces
//! transceiver` as `! ` comments (each left out when the device refuses
//! it), then `show running-config`.
//!
//! The IOLAN ends lines with `\r\r\n`; every carriage return is dropped.
//!
//! `significant` ignores the `tacacs-server key 7 $0$...==` line: the device
//! re-encrypts the key with a fresh salt on every read.

use netraven_driver_sdk::prelude::*;

pub struct Perle;

/// `host#`, also in a config mode such as `host(config)#`.
const PROMPT: &str = r"^[\w.-]+(?:\([\w.-]+\))?#\s?$";

const COMMENT: &str = "! ";

impl Perle {
    /// What an optional command printed, without echo, prompt and carriage
    /// returns. `None`: the device refused it, and the backup goes without.
    fn output(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
        Ok(session.optional(command)?.map(|raw| printed(&raw)))
    }
}

/// The output between echo and prompt, without any carriage return.
fn printed(raw: &str) -> String {
    text::cut_echo_and_prompt(raw).replace('\r', "")
}

/// The lines of `show interfaces transceiver` that identify the optics:
/// the per-port heading and the vendor name and serial number.
fn transceiver_identity(output: &str) -> String {
    text::lines(output)
        .filter(|line| {
            line.contains("SFP Information")
                || line.contains("Vendor Name")
                || line.contains("Vendor Serial Number")
        })
        .collect()
}

/// `tacacs-server key 7 $0$<base64>==`: the salted ciphertext of the key.
fn is_encrypted_tacacs_key(line: &str) -> bool {
    let line = line.trim_end_matches('\n');
    line.strip_prefix("tacacs-server key 7 $0$")
        .is_some_and(|rest| {
            rest.len() > 2 && rest.ends_with("==") && !rest.contains(char::is_whitespace)
        })
}

impl Driver for Perle {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "perle",
            env!("CARGO_PKG_VERSION"),
            &["perle"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("terminal length 0")?;

        let mut config = String::new();
        if let Some(version) = Self::output(session, "show version verbose")? {
            config.push_str(&text::comment(&version, COMMENT));
        }
        if let Some(mut hardware) = Self::output(session, "show system hardware")? {
            hardware.push('\n');
            config.push_str(&text::comment(&hardware, COMMENT));
        }
        if let Some(transceivers) = Self::output(session, "show interfaces transceiver")? {
            let mut optics = transceiver_identity(&transceivers);
            optics.push('\n');
            config.push_str(&text::comment(&optics, COMMENT));
        }
        // The configuration itself: a refusal fails the backup.
        let raw = session.essential("show running-config")?;
        // The IOLAN closes its configuration with a banner line.
        complete(
            "show running-config",
            &text::command_output(&raw),
            "***** END of configuration *****",
        )?;
        config.push_str(&printed(&raw));
        Ok(Backup::config(config))
    }

    /// Log out politely; no prompt comes back.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn significant(config: &str) -> String {
        text::lines(config)
            .filter(|line| !is_encrypted_tacacs_key(line))
            .collect()
    }
}

netraven_driver_sdk::export_driver!(Perle);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_configuration_that_prints_nothing_fails_the_backup() {
        let recording = r#"init_prompt: "scg1#"
commands:
  "terminal length 0\n": "terminal length 0\r\r\nscg1#"
  "show version verbose\n": "show version verbose\r\r\nSoftware Version 6.2.G3\r\r\nscg1#"
  "show system hardware\n": "show system hardware\r\r\nSCG50 RRU\r\r\nscg1#"
  "show interfaces transceiver\n": "show interfaces transceiver\r\r\nscg1#"
  "show running-config\n": "show running-config\r\r\n\r\r\nscg1#"
"#;
        scripted::backup_fails_with::<Perle>(
            recording,
            &Device::default(),
            r#"essential command "show running-config": the device printed nothing"#,
        );
    }

    #[test]
    fn a_device_that_refuses_hardware_and_transceivers_is_backed_up_without_them() {
        let recording = r#"init_prompt: "scg1#"
commands:
  "terminal length 0\n": "terminal length 0\r\r\nscg1#"
  "show version verbose\n": "show version verbose\r\r\nSoftware Version 6.2.G3\r\r\nscg1#"
  "show system hardware\n": "show system hardware\r\r\n              ^\r\r\n% Invalid input detected at '^' marker.\r\r\n\r\r\nscg1#"
  "show interfaces transceiver\n": "show interfaces transceiver\r\r\n                ^\r\r\n% Invalid input detected at '^' marker.\r\r\n\r\r\nscg1#"
  "show running-config\n": "show running-config\r\r\nhostname scg1\r\r\n! ***** END of configuration *****\r\r\nscg1#"
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<Perle>(
            recording,
            &Device::default(),
            &["show system hardware", "show interfaces transceiver"],
        );
        assert_eq!(
            backup.config,
            "! Software Version 6.2.G3\nhostname scg1\n! ***** END of configuration *****\n"
        );
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Perle>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn only_sfp_identity_lines_are_kept() {
        let out = "\nSFP Information for Ethernet1\n\n   Vendor Name:   ACME  \n   Vendor Serial Number:   X1  \n   Connector:   LC\n   Module Temperature:   35.9 C\nNo SFP Information Available for Ethernet2\n";
        assert_eq!(
            transceiver_identity(out),
            "SFP Information for Ethernet1\n   Vendor Name:   ACME  \n   Vendor Serial Number:   X1  \nNo SFP Information Available for Ethernet2\n"
        );
    }

    #[test]
    fn salted_tacacs_key_is_not_significant() {
        let cfg =
            "tty 1 mode line\ntacacs-server key 7 $0$AbCd+/12==\ntacacs-server host 10.0.0.1\n";
        assert_eq!(
            Perle::significant(cfg),
            "tty 1 mode line\ntacacs-server host 10.0.0.1\n"
        );
    }

    #[test]
    fn double_carriage_returns_are_removed() {
        assert_eq!(
            printed("show x\r\r\nline 1\r\r\n\r\r\nTEST-10#"),
            "line 1\n\n"
        );
    }
}
