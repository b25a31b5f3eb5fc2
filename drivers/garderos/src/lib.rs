//! Garderos GRS (Garderos Router Software), Oxidized model `garderos`.
//!
//! Checked against a recording of GRS 003_005_068 on an R-7700 (case
//! `R7709_003_006_068`).
//!
//! The backup is `show system version`, `show system serial` and, when a
//! radio modem is fitted, `show hardware wwan wwan0 sim` as `# ` comments
//! (each block followed by a blank comment line), then `show configuration
//! running` as the device prints it.
//!
//! GRS wraps its prompt in ANSI underline codes (`ESC[4m CR host# ESC[m `);
//! the session strips escape codes so the plain `host# ` prompt matches.

use netraven_driver_sdk::prelude::*;

pub struct Garderos;

/// `host# ` once the escape codes are gone (the trailing space is part of it).
const PROMPT: &str = r"^[\w-]+# $";

const COMMENT: &str = "# ";

/// What GRS prints for a command it does not know (no wwan module, e.g.).
const UNKNOWN_COMMAND: &str = "Unknown command";

impl Garderos {
    /// What a command printed: without echo and prompt, with `\r\n` made `\n`.
    fn output(session: &mut dyn Session, command: &str) -> Result<String, DriverError> {
        Ok(text::command_output(&session.command(command)?))
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

/// The SIM card block, or nothing when the router has no radio modem and
/// GRS rejects the command.
fn sim_block(output: &str) -> String {
    if output.starts_with(UNKNOWN_COMMAND) {
        String::new()
    } else {
        comment_block(output)
    }
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
        let mut config = comment_block(&Self::output(session, "show system version")?);
        config.push_str(&comment_block(&Self::output(
            session,
            "show system serial",
        )?));
        config.push_str(&sim_block(&Self::output(
            session,
            "show hardware wwan wwan0 sim",
        )?));
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
    fn unknown_wwan_command_leaves_no_trace() {
        assert_eq!(sim_block("Unknown command 'wwan'.\n"), "");
    }

    #[test]
    fn sim_information_is_commented_with_a_closing_blank_line() {
        assert_eq!(
            sim_block("ICCID: 8949\nIMSI: 2620\n"),
            "# ICCID: 8949\n# IMSI: 2620\n# \n"
        );
    }

    #[test]
    fn comment_block_closes_an_unterminated_last_line() {
        assert_eq!(comment_block("grs 1.2"), "# grs 1.2\n# \n");
    }
}
