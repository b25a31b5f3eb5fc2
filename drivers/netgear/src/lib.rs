//! Netgear managed switches (Oxidized model `netgear`).
//!
//! Checked against a recording of a GS752TPP running firmware 6.0.10.14.
//!
//! The backup has one block per command, each opened by a `!COMMAND: <cmd>`
//! comment: `show version` and `show bootvar` as `!` comments, then
//! `show running-config`. Volatile values (current time, uptime, SNTP time)
//! are replaced with `<removed>`. A refused `show version` or `show bootvar`
//! is left out, header and all; a refused configuration fails the backup.
//!
//! Device variable `enable` (flag): run `enable` after login and answer a
//! password prompt with the host's enable secret.

use netraven_driver_sdk::prelude::*;

pub struct Netgear;

/// `(GS748Tv4) #`, `(GS748Tv4)#`, `19sw011# ` and `19sw011> `.
const PROMPT: &str = r"^\(?[\w \-+.]+\)? ?[#>] ?$";

const ENABLE_PASSWORD: &str = r"[pP]assword:\s?$";

/// Older models page `show version` even after `terminal length 0`.
const PAGER: &str = r"^--More-- or \(q\)uit$";

const COMMENT: &str = "!";

impl Driver for Netgear {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "netgear",
            env!("CARGO_PKG_VERSION"),
            &["netgear"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        // Newer firmware clears the screen before the first prompt.
        session.strip_ansi(true);
        login::prompt_then_enable(session, device, PROMPT, ENABLE_PASSWORD)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.on_pattern(PAGER, " ")?;
        session.command("terminal length 0")?;

        let mut config = String::new();
        if let Some(version) = optional_block(session, "show version")? {
            config.push_str(&text::comment(&hide_current_time(&version), COMMENT));
        }
        if let Some(bootvar) = optional_block(session, "show bootvar")? {
            config.push_str(&text::comment(&bootvar, COMMENT));
        }
        // The configuration itself: a refusal fails the backup.
        let command = "show running-config";
        let running = block(command, &session.essential(command)?);
        config.push_str(&hide_running_clock(&running));
        Ok(Backup::config(config))
    }

    /// `quit` may ask whether to save unsaved changes: answer no.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("quit\n")?;
        session.send("n\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        let mut out = config.to_string();
        if out.contains("password ") {
            out = text::replace_all(&out, &[(r"password \S+", "password <hidden>")]);
        }
        if out.contains("encrypted ") {
            out = text::replace_all(&out, &[(r"encrypted \S+", "encrypted <hidden>")]);
        }
        if out.contains("snmp-server community ") {
            out = text::replace_all(
                &out,
                &[
                    (
                        r"(?m)snmp-server community \S+$",
                        "snmp-server community <hidden>",
                    ),
                    (
                        r"snmp-server community (\S+) (\S+) \S+",
                        "snmp-server community $1 $2 <hidden>",
                    ),
                ],
            );
        }
        out
    }
}

/// Run the optional `command`; its output (no echo, no prompt) under a
/// `COMMAND:` header, or `None` when the switch refused it.
fn optional_block(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
    Ok(session.optional(command)?.map(|raw| block(command, &raw)))
}

/// The output of `raw` (echo, output and prompt of `command`) under a
/// `COMMAND:` header.
fn block(command: &str, raw: &str) -> String {
    let output = text::command_output(raw);
    format!("{COMMENT}COMMAND: {command}\n{output}")
}

/// `Current Time........ <date>` in `show version` changes on every read.
fn hide_current_time(block: &str) -> String {
    if !block.contains("Current Time.") {
        return block.to_string();
    }
    text::replace_all(block, &[(r"(Current Time\.+ ).*", "$1 <removed>")])
}

/// Uptime and SNTP clock lines in the running-config header.
fn hide_running_clock(block: &str) -> String {
    let mut out = block.to_string();
    if out.contains("System Up Time") {
        out = text::replace_all(&out, &[(r"(System Up Time:?\s+).*", "$1 <removed>")]);
    }
    if out.contains("Current SNTP Synchronized Time:") {
        out = text::replace_all(
            &out,
            &[(r"(Current SNTP Synchronized Time:).*", "$1 <removed>")],
        );
    }
    out
}

netraven_driver_sdk::export_driver!(Netgear);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Netgear>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "(GS752TPP) >"
commands:
  "terminal length 0\n": "terminal length 0\r\n(GS752TPP) >"
  "show version\n": "show version\r\nMachine Model.................. GS752TPP\r\n(GS752TPP) >"
  "show bootvar\n": "show bootvar\r\nImage Descriptions\r\n(GS752TPP) >"
  "show running-config\n": "show running-config\r\n     ^\r\n% Invalid input detected at '^' marker.\r\n\r\n(GS752TPP) >"
"#;
        scripted::backup_fails_with::<Netgear>(
            recording,
            &Device::default(),
            r#"essential command "show running-config": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_show_bootvar_is_backed_up_without_it() {
        let recording = r#"init_prompt: "(GS752TPP) #"
commands:
  - "terminal length 0\n": "terminal length 0\r\n(GS752TPP) #"
  - "show version\n": "show version\r\nMachine Model.................. GS752TPP\r\n(GS752TPP) #"
  - "show bootvar\n": "show bootvar\r\n     ^\r\n% Invalid input detected at '^' marker.\r\n\r\n(GS752TPP) #"
  - "show running-config\n": "show running-config\r\n!System Description \"GS752TPP\"\r\nhostname \"sw1\"\r\n(GS752TPP) #"
  - "quit\n": "quit\r\n(GS752TPP) >"
  - "n\n": ""
"#;
        let backup =
            scripted::backup_without::<Netgear>(recording, &Device::default(), &["show bootvar"]);
        assert_eq!(
            backup.config,
            "!!COMMAND: show version\n!Machine Model.................. GS752TPP\n\
             !COMMAND: show running-config\n!System Description \"GS752TPP\"\nhostname \"sw1\"\n"
        );
    }

    #[test]
    fn uptime_and_sntp_time_are_removed() {
        let cfg =
            "! System Up Time: 123 days, 21 hours\n! Current SNTP Synchronized Time: Jan 1 2024\n";
        assert_eq!(
            hide_running_clock(cfg),
            "! System Up Time:  <removed>\n! Current SNTP Synchronized Time: <removed>\n"
        );
    }

    #[test]
    fn show_version_current_time_is_removed() {
        let out = "Current Time........................ Jan  1 00:00:01 2024\nSerial 1\n";
        assert_eq!(
            hide_current_time(out),
            "Current Time........................  <removed>\nSerial 1\n"
        );
    }

    #[test]
    fn snmp_community_keeps_access_but_hides_name() {
        assert_eq!(
            Netgear::redact(
                "snmp-server community public\nsnmp-server community ipaddr 10.0.0.1 s3cret\n"
            ),
            "snmp-server community <hidden>\nsnmp-server community ipaddr 10.0.0.1 <hidden>\n"
        );
    }
}
