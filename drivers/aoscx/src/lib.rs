//! HPE Aruba Networking ArubaOS-CX switches.
//!
//! Checked against recordings of ArubaOS-CX 10.10 (6100, 6410), 10.13
//! (6000, 6300M, 8100), 10.14 (9300) and 10.16 (6000, 6200, 6300, 8100,
//! 10000).
//!
//! After login the driver turns paging off (`no page`). The backup is
//! `show version`, `show environment`, `show module`,
//! `show interface transceiver` and `show system`, all as `! ` comments,
//! then `show running-config`. Readings that change on every run are
//! masked in `show environment` (fan speed and RPM, power draw and
//! allocation, input voltage, temperatures) and dropped from `show system`
//! (uptime, CPU, memory, packet counters).
//!
//! The shell may start lines with `\r`, and telnet-era firmware sends VT100
//! cursor sequences around the prompt: escape codes are stripped and a
//! leading `\r` is removed from every line.
//!
//! Device variable `enable` (flag): run `enable` after login and answer the
//! password prompt with the host's enable secret.

use netraven_driver_sdk::prelude::*;

pub struct Aoscx;

/// `host# `, `host> `, `host(config)# `; AOS-CX host names may hold
/// spaces when they come from a telnet banner (`ssh prompt# `).
const PROMPT: &str = r"^[\w .()-]+[#>] $";

const ENABLE_PASSWORD: &str = r"[pP]assword:\s?$";

const COMMENT: &str = "! ";

impl Aoscx {
    /// An optional command's output without echo and prompt, `\r\n` made
    /// `\n`, and without the `\r` that starts some lines. `None`: the
    /// switch refused it, and the backup goes on without it.
    fn output(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
        Ok(session.optional(command)?.map(|raw| Self::printed(&raw)))
    }

    /// What `raw` (echo, output and prompt) printed, cleaned as by
    /// [`output`](Self::output).
    fn printed(raw: &str) -> String {
        let out = text::command_output(raw);
        if !out.contains('\r') {
            return out;
        }
        text::lines(&out)
            .map(|l| l.strip_prefix('\r').unwrap_or(l))
            .collect()
    }

    /// `show environment` with volatile readings masked, section by section.
    fn environment(output: &str) -> String {
        let mut out = String::with_capacity(output.len());
        let mut section = String::new();
        let mut name = String::new();
        for line in text::lines(output) {
            if let Some(rest) = line.strip_prefix("show environment ") {
                out.push_str(&Self::mask_section(&name, &section));
                section.clear();
                name = rest.trim_end().to_string();
            }
            section.push_str(line);
        }
        out.push_str(&Self::mask_section(&name, &section));
        out
    }

    /// Mask the readings of one `show environment <name>` section: only the
    /// table body, after the first line of dashes.
    fn mask_section(name: &str, section: &str) -> String {
        let rules: &[(&str, &str)] = if name.starts_with("fan") {
            &[(
                r"(?m)^(.*?[ \t])(?:slow|normal|medium|fast|max|N/A)[ \t]+(\S+[ \t]+\S+[ \t]+)\d+[ \t]*$",
                "${1}<speed>  ${2}<rpm>",
            )]
        } else if name.starts_with("power-consumption") {
            &[(
                r"(?m)^(.*?) (?:N/A +)*\d+\.\d+(?: +(?:\d+\.\d+|N/A))*$",
                "$1 <power hidden>",
            )]
        } else if name.starts_with("power-allocation") {
            &[(r"(?m)^(.*) \d+ W$", "$1 <power>")]
        } else if name.starts_with("power-supply") {
            &[(
                r"(?m)^(.*? )\d+\.\d+ +\d+\.\d+( |$)",
                "${1}<voltage hidden>$2",
            )]
        } else if name.starts_with("temperature") {
            &[(r"(?m)^(.*) -?\d+\.\d+ C (.*)$", "$1 <hidden>$2")]
        } else {
            &[]
        };
        if rules.is_empty() {
            return section.to_string();
        }
        let Some(body_start) = Self::after_dash_line(section) else {
            return section.to_string();
        };
        let (head, body) = section.split_at(body_start);
        let mut out = head.to_string();
        out.push_str(&text::replace_all(body, rules));
        out
    }

    /// Byte offset just after the first line ending in ten or more dashes.
    fn after_dash_line(section: &str) -> Option<usize> {
        let mut at = 0;
        for line in text::lines(section) {
            at += line.len();
            let bare = line.trim_end_matches('\n');
            if line.ends_with('\n')
                && bare.len() >= 10
                && bare.as_bytes()[bare.len() - 10..]
                    .iter()
                    .all(|&b| b == b'-')
            {
                return Some(at);
            }
        }
        None
    }

    /// `show system` without uptime, CPU, memory and packet counters.
    fn system(output: &str) -> String {
        text::lines(output)
            .filter(|l| {
                !(l.contains("Up Time")
                    || l.contains("CPU")
                    || l.contains("Memory")
                    || l.contains("Lowest")
                    || l.contains("Missed")
                    || Self::packet_counter(l))
            })
            .collect()
    }

    /// `Pkts` followed by any character and `x` (`Pkts Rx`, `Pkts Tx`).
    fn packet_counter(line: &str) -> bool {
        line.match_indices("Pkts ")
            .any(|(i, _)| line[i + 5..].chars().nth(1) == Some('x'))
    }
}

impl Driver for Aoscx {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell(
            "aoscx",
            env!("CARGO_PKG_VERSION"),
            &["aoscx"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.strip_ansi(true);
        session.read_until(PROMPT, None)?;
        session.on_pattern(r"Press any key to continue[ \t]*$", " ")?;
        session.on_pattern(r"Enter switch number[^\n]*$", "\n")?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        session.command("no page")?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(version) = Self::output(session, "show version")? {
            config.push_str(&text::comment(&version, COMMENT));
        }
        if let Some(environment) = Self::output(session, "show environment")? {
            config.push_str(&text::comment(&Self::environment(&environment), COMMENT));
        }
        for command in ["show module", "show interface transceiver"] {
            if let Some(out) = Self::output(session, command)? {
                config.push_str(&text::comment(&out, COMMENT));
            }
        }
        if let Some(system) = Self::output(session, "show system")? {
            config.push_str(&text::comment(&Self::system(&system), COMMENT));
        }
        // The configuration itself: a refusal fails the backup.
        config.push_str(&Self::printed(&session.essential("show running-config")?));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_all(
            config,
            &[
                (r"(?m)^(snmp-server community) \S+", "$1 <secret hidden>"),
                (
                    r"(?m)^(snmp-server host \S+ .*\bcommunity) \S+",
                    "$1 <secret hidden>",
                ),
                (
                    r"(?m)^((?:radius|tacacs)-server host \S+ .*\bkey (?:plaintext |ciphertext )?)\S+",
                    "${1}<secret hidden>",
                ),
                (
                    r"(?m)^((?:radius|tacacs)-server key).*",
                    "$1 <secret hidden>",
                ),
                (
                    r"((?:auth|priv)-pass (?:plaintext |ciphertext )?)\S+",
                    "${1}<secret hidden>",
                ),
                (
                    r"(?m)^(user \S+ .*\bpassword (?:plaintext |ciphertext )?)\S+",
                    "${1}<secret hidden>",
                ),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(Aoscx);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Aoscx>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "sw1> "
commands:
  "no page\n": "no page\r\nsw1> "
  "show version\n": "show version\r\nVersion : PL.10.10.1090\r\nsw1> "
  "show environment\n": "show environment\r\nsw1> "
  "show module\n": "show module\r\nsw1> "
  "show interface transceiver\n": "show interface transceiver\r\nsw1> "
  "show system\n": "show system\r\nHostname : sw1\r\nsw1> "
  "show running-config\n": "show running-config\r\nInvalid input: running-config\r\nsw1> "
"#;
        scripted::backup_fails_with::<Aoscx>(
            recording,
            &Device::default(),
            r#"essential command "show running-config": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_module_and_transceivers_is_backed_up_without_them() {
        let recording = r#"init_prompt: "sw1> "
commands:
  "no page\n": "no page\r\nsw1> "
  "show version\n": "show version\r\nVersion : PL.10.10.1090\r\nsw1> "
  "show environment\n": "show environment\r\nsw1> "
  "show module\n": "show module\r\nInvalid input: module\r\nsw1> "
  "show interface transceiver\n": "show interface transceiver\r\nInvalid input: transceiver\r\nsw1> "
  "show system\n": "show system\r\nHostname : sw1\r\nsw1> "
  "show running-config\n": "show running-config\r\nhostname sw1\r\nvlan 1\r\nsw1> "
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<Aoscx>(
            recording,
            &Device::default(),
            &["show module", "show interface transceiver"],
        );
        assert_eq!(
            backup.config,
            "! Version : PL.10.10.1090\n! Hostname : sw1\nhostname sw1\nvlan 1\n"
        );
    }

    #[test]
    fn fan_speed_and_rpm_are_masked_but_na_product_kept() {
        let env = "show environment fan\n\
            Location-      Product  Serial Number  Speed   Direction      Status  RPM\n\
            ------------------------------------------------------------------------------\n\
            PSU-1/1/1      N/A      N/A            N/A     front-to-back  ok      3764   \n\
            Tray-1/1/1     N/A      N/A            slow    front-to-back  ok      16875  \n\
            System-1/1/1   N/A      N/A            N/A     left-to-right  ok      N/A \n";
        assert_eq!(
            Aoscx::environment(env),
            "show environment fan\n\
            Location-      Product  Serial Number  Speed   Direction      Status  RPM\n\
            ------------------------------------------------------------------------------\n\
            PSU-1/1/1      N/A      N/A            <speed>  front-to-back  ok      <rpm>\n\
            Tray-1/1/1     N/A      N/A            <speed>  front-to-back  ok      <rpm>\n\
            System-1/1/1   N/A      N/A            N/A     left-to-right  ok      N/A \n"
        );
    }

    #[test]
    fn power_and_temperature_readings_are_masked_per_section() {
        let env = "show environment power-consumption\n\
            Name Description                        Power (W)   Power (W)\n\
            ---------------------------------------------------------------\n\
            1    6000 8G CL4 2F 67W Sw              7.00      6.24       N/A       N/A\n\
            Total Power Consumption                     99.00\n\
            show environment temperature\n\
            ------------------------------------------------------------------------------\n\
            1/1-Inlet-Air                   management-module    -2.62 C    normal\n\
            show environment power-allocation\n\
            ----------------------------------\n\
            Power Remaining                      0 W\n";
        assert_eq!(
            Aoscx::environment(env),
            "show environment power-consumption\n\
            Name Description                        Power (W)   Power (W)\n\
            ---------------------------------------------------------------\n\
            1    6000 8G CL4 2F 67W Sw              <power hidden>\n\
            Total Power Consumption                     <power hidden>\n\
            show environment temperature\n\
            ------------------------------------------------------------------------------\n\
            1/1-Inlet-Air                   management-module    <hidden>   normal\n\
            show environment power-allocation\n\
            ----------------------------------\n\
            Power Remaining                      <power>\n"
        );
    }

    #[test]
    fn system_drops_counters_and_load() {
        let out = "Hostname : sw1\nUp Time : 3 weeks\nCPU Util (%) : 3\nMemory Usage (%) : 21\nPkts Rx : 12\nTime Zone : UTC\n";
        assert_eq!(Aoscx::system(out), "Hostname : sw1\nTime Zone : UTC\n");
    }

    #[test]
    fn snmp_and_server_keys_are_hidden() {
        let cfg = "snmp-server community public\n\
            snmp-server host 10.0.0.1 trap version v2c community trapcomm \n\
            radius-server host 10.0.0.2 key ciphertext AQBap\n\
            tacacs-server key plaintext s3cret\n";
        assert_eq!(
            Aoscx::redact(cfg),
            "snmp-server community <secret hidden>\n\
            snmp-server host 10.0.0.1 trap version v2c community <secret hidden> \n\
            radius-server host 10.0.0.2 key ciphertext <secret hidden>\n\
            tacacs-server key <secret hidden>\n"
        );
    }
}
