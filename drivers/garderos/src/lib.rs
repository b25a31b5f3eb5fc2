//! Garderos GRS (Garderos Router Software), Oxidized model `garderos`.
//!
//! Checked against a recording of GRS 003_005_068 on an R-7700 (case
//! `R7709_003_006_068`).
//!
//! The backup is `show system version`, `show system serial` and, when a
//! radio modem is fitted, `show hardware wwan wwan0 sim` as `# ` comments
//! (each block followed by a blank comment line), then `show configuration
//! running` as the device prints it. A command GRS refuses (`Unknown
//! command 'wwan'.` without a modem) is left out; a refused configuration
//! fails the backup.
//!
//! GRS wraps its prompt in ANSI underline codes (`ESC[4m CR host# ESC[m `);
//! the session strips escape codes so the plain `host# ` prompt matches.

use netraven_driver_sdk::prelude::*;

pub struct Garderos;

/// `host# ` once the escape codes are gone (the trailing space is part of it).
const PROMPT: &str = r"^[\w-]+# $";

const COMMENT: &str = "# ";

impl Garderos {
    /// An optional command's block of comments; nothing when GRS refused
    /// the command (no radio modem for the wwan one, e.g.).
    fn optional_block(session: &mut dyn Session, command: &str) -> Result<String, DriverError> {
        let output = session.optional(command)?;
        Ok(output.map_or_else(String::new, |raw| {
            comment_block(&text::command_output(&raw))
        }))
    }
}

/// A block of command output as comments, closed by an empty comment line.
fn comment_block(output: &str) -> String {
    let mut block = output.to_string();
    if !block.is_empty() && !block.ends_with('\n') {
        block.push('\n');
    }
    block.push('\n');
    text::comment(&block, COMMENT)
}

impl Driver for Garderos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "garderos",
            env!("CARGO_PKG_VERSION"),
            &["garderos"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.strip_ansi(true);
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = Self::optional_block(session, "show system version")?;
        config.push_str(&Self::optional_block(session, "show system serial")?);
        config.push_str(&Self::optional_block(
            session,
            "show hardware wwan wwan0 sim",
        )?);
        // The configuration itself: a refusal fails the backup.
        let running = session.essential("show configuration running")?;
        config.push_str(&text::command_output(&running));
        Ok(Backup::config(config))
    }

    /// Log out politely; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }
}

netraven_driver_sdk::export_driver!(Garderos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Garderos>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "r1# "
commands:
  "show system version\n": "show system version\r\ngrs 003_005_068\r\nr1# "
  "show system serial\n": "show system serial\r\nR7709-0001\r\nr1# "
  "show hardware wwan wwan0 sim\n": "show hardware wwan wwan0 sim\r\nUnknown command 'wwan'.\r\nr1# "
  "show configuration running\n": "show configuration running\r\nUnknown command 'configuration'.\r\nr1# "
"#;
        scripted::backup_fails_with::<Garderos>(
            recording,
            &Device::default(),
            r#"essential command "show configuration running": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_serial_and_wwan_is_backed_up_without_them() {
        let recording = r#"init_prompt: "r1# "
commands:
  "show system version\n": "show system version\r\ngrs 003_005_068\r\nr1# "
  "show system serial\n": "show system serial\r\nUnknown command 'serial'.\r\nr1# "
  "show hardware wwan wwan0 sim\n": "show hardware wwan wwan0 sim\r\nUnknown command 'wwan'.\r\nr1# "
  "show configuration running\n": "show configuration running\r\nsystem hostname r1\r\nr1# "
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<Garderos>(
            recording,
            &Device::default(),
            &["show system serial", "show hardware wwan wwan0 sim"],
        );
        assert_eq!(backup.config, "# grs 003_005_068\n# \nsystem hostname r1\n");
    }

    #[test]
    fn sim_information_is_commented_with_a_closing_blank_line() {
        assert_eq!(
            comment_block("ICCID: 8949\nIMSI: 2620\n"),
            "# ICCID: 8949\n# IMSI: 2620\n# \n"
        );
    }

    #[test]
    fn comment_block_closes_an_unterminated_last_line() {
        assert_eq!(comment_block("grs 1.2"), "# grs 1.2\n# \n");
    }
}
