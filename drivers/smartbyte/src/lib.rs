//! SmartByte switches.
//!
//! Checked against a recording of software 7.4.7 on an STC-4168XGGCM.
//!
//! The backup is the running configuration as the switch prints it (its
//! echo line included, as Oxidized stores it), then `show version`, the
//! optical transceiver details and the power supplies as `! ` comments, each
//! headed by the command that printed it and left out when the switch
//! refuses that command. The per-port "current alarm" block of the
//! transceiver report changes with light levels and is left out.
//!
//! Device variable `enable` (flag): run `enable` first, answering a password
//! prompt with the host's enable secret.

use netraven_driver_sdk::prelude::*;

pub struct SmartByte;

/// `host>` (unprivileged), `host#` and config modes such as `host(config)#`.
const PROMPT: &str = r"^[\w.@/:()-]+[#>]\s?$";

const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

const COMMENT: &str = "! ";

impl SmartByte {
    /// What an optional command printed, echo line kept and prompt line
    /// dropped, with the switch's `\r\r\n` / `\r\n` line ends made `\n`.
    /// `None`: the switch refused it, and the backup goes without.
    fn output(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
        let raw = session.optional(command)?;
        Ok(raw.map(|raw| text::cut_prompt(&unix_lines(&raw))))
    }
}

/// `\r\n` and `\r\r\n` become `\n`; a lone `\r` stays.
fn unix_lines(raw: &str) -> String {
    // The echo is stored: as the terminal shows it, backspaces applied.
    let raw = &text::apply_backspaces(raw);
    if raw.contains("\r\r\n") {
        text::unix_newlines(&raw.replace("\r\r\n", "\n"))
    } else {
        text::unix_newlines(raw)
    }
}

/// Drop each port's "Transceiver current alarm information" box (header,
/// rule, alarm lines, closing rule): alarms come and go with the optics.
fn drop_transceiver_alarms(report: &str) -> String {
    const HEADER: &str = "|Transceiver current alarm information:";
    if !report.contains(HEADER) {
        return report.to_string();
    }
    let mut out = String::with_capacity(report.len());
    // 0: copying, 1: in header (expect opening rule), 2: in alarm lines.
    let mut state = 0;
    for line in text::lines(report) {
        let bare = line.trim_end();
        let rule = bare.starts_with("+-") && bare.ends_with('+');
        match state {
            0 if bare.starts_with(HEADER) => state = 1,
            0 => out.push_str(line),
            1 if rule => state = 2,
            1 => {}
            _ if rule => state = 0,
            _ => {}
        }
    }
    out
}

impl Driver for SmartByte {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell(
            "smartbyte",
            env!("CARGO_PKG_VERSION"),
            &["smartbyte"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        login::prompt_then_enable(session, device, PROMPT, ENABLE_PASSWORD)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("terminal length 0")?;
        // The configuration itself: a refused or empty reply fails the backup.
        let running = session.essential("show running-config")?;
        let mut config = text::cut_prompt(&unix_lines(&running));
        if let Some(version) = Self::output(session, "show version")? {
            config.push_str(&text::comment(&version, COMMENT));
        }
        if let Some(optics) = Self::output(session, "show interface optical-transceiver info")? {
            config.push_str(&text::comment(&drop_transceiver_alarms(&optics), COMMENT));
        }
        if let Some(power) = Self::output(session, "show power")? {
            config.push_str(&text::comment(&power, COMMENT));
        }
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_all_gated(
            config,
            &[
                (" v2c", r"group \S+ v2c", "group <hidden> v2c"),
                ("community ", r"community \S+", "community <hidden>"),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(SmartByte);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_configuration_that_prints_nothing_fails_the_backup() {
        let recording = r#"init_prompt: "sw1#"
commands:
  "terminal length 0\n": "terminal length 0\r\r\nsw1#"
  "show running-config\n": "show running-config\r\r\n\r\r\nsw1#"
"#;
        scripted::backup_fails_with::<SmartByte>(
            recording,
            &Device::default(),
            r#"essential command "show running-config": the device printed nothing"#,
        );
    }

    #[test]
    fn a_device_that_refuses_optics_and_power_is_backed_up_without_them() {
        let recording = r#"init_prompt: "sw1>"
commands:
  "terminal length 0\n": "terminal length 0\r\r\nsw1>"
  "show running-config\n": "show running-config\r\r\nhostname sw1\r\nsw1>"
  "show version\n": "show version\r\r\n Software Version: 7.4.7\r\nsw1>"
  "show interface optical-transceiver info\n": "show interface optical-transceiver info\r\r\n                    ^\r\n% Invalid input detected at '^' marker.\r\n\r\nsw1>"
  "show power\n": "show power\r\r\n          ^\r\n% Invalid input detected at '^' marker.\r\n\r\nsw1>"
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<SmartByte>(
            recording,
            &Device::default(),
            &["show interface optical-transceiver info", "show power"],
        );
        assert_eq!(
            backup.config,
            "show running-config\nhostname sw1\n! show version\n!  Software Version: 7.4.7\n"
        );
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<SmartByte>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn transceiver_alarm_box_is_dropped_but_vendor_box_kept() {
        let report = "+----+\n\
                      |Vendor Serial Number : X1|\n\
                      +----+\n\
                      |Transceiver current alarm information:           |\n\
                      +----+\n\
                      |RX Channel power low |\n\
                      |TX bias high         |\n\
                      +----+\n\
                      |Transceiver vendor information:                  |\n\
                      +----+\n";
        assert_eq!(
            drop_transceiver_alarms(report),
            "+----+\n\
             |Vendor Serial Number : X1|\n\
             +----+\n\
             |Transceiver vendor information:                  |\n\
             +----+\n"
        );
    }

    #[test]
    fn echo_line_with_double_carriage_return_is_clean() {
        assert_eq!(
            unix_lines("show power\r\r\nline\r\nsw>"),
            "show power\nline\nsw>"
        );
    }

    #[test]
    fn snmp_communities_are_hidden() {
        let cfg = "snmp-server group public v2c  read all write none\n\
                   snmp-server community public ro\n";
        assert_eq!(
            SmartByte::redact(cfg),
            "snmp-server group <hidden> v2c  read all write none\n\
             snmp-server community <hidden> ro\n"
        );
    }
}
