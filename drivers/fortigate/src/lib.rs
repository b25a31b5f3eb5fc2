//! Fortinet FortiGate (FortiOS).
//!
//! Checked against recordings of FortiOS 7.4.7 on a FortiGate-91G and
//! FortiOS 7.4.8 on a FortiGate-501E (multiple VDOMs, HA cluster).
//!
//! The backup is, as `# ` comments: the stable lines of `get system status`,
//! the HA summary (in an HA cluster), `get hardware status`, the PSU serial
//! numbers (when the model reports them) and the detected transceivers; then
//! `show | grep .` (`show full-configuration | grep .` with the `fullconfig`
//! flag) without the `#conf_file_ver=` line, which changes on every save.
//! With VDOMs the hardware commands run inside `config global`.
//!
//! Every command but the configuration is optional: one the device refuses
//! (`command parse error`, `Command fail. Return code -61`) is left out.
//!
//! Device variables (flags): `fullconfig` as above; `fortigate_autoupdate`
//! (or the older `fortios_autoupdate`) adds `diagnose autoupdate version`.

use netraven_driver_sdk::prelude::*;

pub struct FortiGate;

/// `host # `, `host (global) # `, `host(Primary) # `, FortiADC's
/// `(M) host $ `.
const PROMPT: &str = r"^(?:\(\w\) )?[-\w.~]+(?:\([\w.-]+\))?(?:\s[()\w.-]+)?~?\s?[#>$]\s?$";

/// The pager; the text after it starts with `\r` + spaces + `\r`. Not
/// anchored to a line start: it may stop a long line part-way (the
/// engine still wants it to be the last thing the device sent).
const MORE: &str = r"--More--\s$";

/// "Press 'a' to accept" after a post-login banner.
const ACCEPT: &str = r"^\(Press\s'a'\sto\saccept\):";

const COMMENT: &str = "# ";

impl FortiGate {
    /// What an optional command printed: without echo and prompt, line ends
    /// made `\n` and the pager's erase sequence removed. `None`: the device
    /// refused it.
    fn optional(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
        let raw = session.optional(command)?;
        Ok(raw.map(|raw| text::cut_echo_and_prompt(&clean_newlines(&raw))))
    }
}

/// `\r\n` and `\r\r\n` made `\n`, and the `\r<spaces>\r` FortiOS prints to
/// erase the `--More--` prompt removed.
fn clean_newlines(raw: &str) -> String {
    let mut out = text::unix_newlines(raw);
    if out.contains('\r') {
        if out.contains("\r ") {
            out = text::replace_all(&out, &[(r"\r +\r", "")]);
        }
        out = text::unix_newlines(&out);
    }
    out
}

/// One entry of a keep list: a line is kept when it contains `Text`, or
/// when `Start` begins it.
enum Keep<'a> {
    Text(&'a str),
    Start(&'a str),
}

fn keep_lines(output: &str, keep: &[Keep]) -> String {
    text::lines(output)
        .filter(|line| {
            keep.iter().any(|k| match k {
                Keep::Text(t) => line.contains(t),
                Keep::Start(s) => line.starts_with(s),
            })
        })
        .collect()
}

/// The stable lines of `get system status` (no DB versions, clock, uptime).
fn system_status(output: &str) -> String {
    use Keep::Text;
    keep_lines(
        output,
        &[
            Text("Version: "),
            Text("Security Level: "),
            Text("Serial-Number: "),
            Text("BIOS version: "),
            Text("System Part-Number: "),
            Text("Hostname: "),
            Text("Operation Mode: "),
            Text("Current virtual domain: "),
            Text("Max number of virtual domains: "),
            Text("Virtual domains status:"),
            Text("Virtual domain configuration: "),
            Text("FIPS-CC mode: "),
            Text("Current HA mode: "),
            Text("Private Encryption: "),
            // FortiGate-VM
            Text("License Expiration Date: "),
            Text("License Status: "),
            Text("VM Resources: "),
        ],
    )
}

fn ha_status(output: &str) -> String {
    use Keep::{Start, Text};
    keep_lines(
        output,
        &[
            Text("HA Health Status:"),
            Text("Model: "),
            Text("Mode: "),
            Text("number of member: "),
            Start("Master: "),
            Start("Slave: "),
            Start("Primary: "),
            Start("Secondary: "),
        ],
    )
}

fn transceivers(output: &str) -> String {
    text::lines(output)
        .filter(|line| {
            let interface = line.strip_prefix("Interface ").is_some_and(|rest| {
                rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            });
            (interface
                || line.contains("Vendor Name")
                || line.contains("Part No.")
                || line.contains("Serial No."))
                && !line.contains("Transceiver is not detected")
        })
        .collect()
}

/// `diagnose autoupdate version` without the FortiGuard server block
/// (`FDS Address`, its rule and the address) and without the per-update
/// timestamp lines (`Last Updated using ...`, `Last Update Attempt: ...`).
fn autoupdate(output: &str) -> String {
    let lines: Vec<&str> = text::lines(output).collect();
    let mut out = String::with_capacity(output.len());
    let mut fds_dropped = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if !fds_dropped
            && line.trim_end() == "FDS Address"
            && lines
                .get(i + 1)
                .is_some_and(|l| l.trim_end() == "---------")
            && i + 2 < lines.len()
        {
            fds_dropped = true;
            i += 3;
            continue;
        }
        if !line.contains("Last Update") && !line.contains("Result :") {
            out.push_str(line);
        }
        i += 1;
    }
    out
}

/// The configuration without `#conf_file_ver=` and with FortiGuard's
/// per-request error comments cut short.
fn clean_config(cfg: &str) -> String {
    let mut out: String = text::lines(cfg)
        .filter(|line| !line.contains("#conf_file_ver="))
        .collect();
    if out.contains("No order found for account ID") {
        out = text::replace_all(
            &out,
            &[(
                r#"(set comments "Error \(No order found for account ID \d+\) on).*"#,
                "$1 <stripped>",
            )],
        );
    }
    out
}

/// The settings `set NAME VALUE` whose value is a secret (as `"set NAME "`,
/// the cheap test before the regex).
const SECRET_SETTINGS: [&str; 9] = [
    "set passwd ",
    "set password ",
    "set key ",
    "set group-password ",
    "set auth-password-l1 ",
    "set auth-password-l2 ",
    "set rsso ",
    "set history0 ",
    "set history1 ",
];

impl Driver for FortiGate {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell(
            "fortigate",
            env!("CARGO_PKG_VERSION"),
            &["fortigate"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.on_pattern(ACCEPT, "a")?;
        session.on_pattern(MORE, " ")?;
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, device: &Device) -> Result<Backup, DriverError> {
        // Without the status, the VDOM and HA modes are unknown: the
        // hardware commands then run where the login put us.
        let status = Self::optional(session, "get system status")?;
        let lines = || status.iter().flat_map(|s| s.lines());
        let vdoms = lines().any(|l| {
            l.starts_with("Virtual domain configuration: enable")
                || l.starts_with("Virtual domain configuration: multiple")
        });
        let ha = lines().any(|l| l.starts_with("Current HA mode: a-"));
        let mut config = String::new();
        if let Some(status) = &status {
            config.push_str(&text::comment(
                &format!("{}\n", system_status(status)),
                COMMENT,
            ));
        }

        if vdoms {
            session.command("config global")?;
        }
        if ha && let Some(out) = Self::optional(session, "get system ha status")? {
            config.push_str(&text::comment(&format!("{}\n", ha_status(&out)), COMMENT));
        }
        if let Some(hardware) = Self::optional(session, "get hardware status")? {
            config.push_str(&text::comment(&hardware, COMMENT));
        }

        // Models without PSU serial numbers refuse the command or list only
        // the supplies' status.
        if let Some(psu) = Self::optional(session, "diagnose hardware deviceinfo psu")?
            && !text::re(r"Power Supply +Status").is_match(&psu)
        {
            config.push_str(&text::comment(&psu, COMMENT));
        }

        if let Some(sfp) = Self::optional(session, "get system interface transceiver")? {
            config.push_str(&text::comment(
                &format!("{}\n", transceivers(&sfp)),
                COMMENT,
            ));
        }

        if (device.flag("fortigate_autoupdate") || device.flag("fortios_autoupdate"))
            && let Some(out) = Self::optional(session, "diagnose autoupdate version")?
        {
            config.push_str(&text::comment(&autoupdate(&out), COMMENT));
        }
        if vdoms {
            session.command("end")?;
        }

        let show = if device.flag("fullconfig") {
            "show full-configuration | grep ."
        } else {
            "show | grep ."
        };
        // The configuration itself: a refused or empty reply fails the backup.
        let raw = session.essential(show)?;
        config.push_str(&clean_config(&text::cut_echo_and_prompt(&clean_newlines(
            &raw,
        ))));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        let cfg = text::replace_lines_with_any(
            config,
            &[
                (
                    &["#private-encryption-key="],
                    r"^(#private-encryption-key=).+",
                    "$1 <configuration removed>",
                ),
                (&[" ENC "], r"(set .+ ENC) .+", "$1 <configuration removed>"),
                (
                    &["secret"],
                    r"(set .*secret) .+",
                    "$1 <configuration removed>",
                ),
                (
                    &SECRET_SETTINGS,
                    r"(set (?:passwd|password|key|group-password|auth-password-l1|auth-password-l2|rsso|history0|history1)) .+",
                    "$1 <configuration removed>",
                ),
                (
                    &["md5-key"],
                    r"(set md5-key [0-9]+) .+",
                    "$1 <configuration removed>",
                ),
            ],
        );
        text::replace_all_gated(
            &cfg,
            &[
                (
                    "set private-key ",
                    r#"(?ms)(set private-key ).*?-+END (?:ENCRYPTED|RSA|OPENSSH) PRIVATE KEY-+\n?"$"#,
                    "$1<configuration removed>",
                ),
                (
                    "set privatekey ",
                    r#"(?ms)(set privatekey ).*?-+END (?:ENCRYPTED|RSA|OPENSSH) PRIVATE KEY-+\n?"$"#,
                    "$1<configuration removed>",
                ),
                (
                    "set ca ",
                    r#"(?ms)(set ca )"-+BEGIN.*?-+END CERTIFICATE-+"$"#,
                    "$1<configuration removed>",
                ),
                (
                    "set csr ",
                    r#"(?ms)(set csr ).*?-+END CERTIFICATE REQUEST-+"$"#,
                    "$1<configuration removed>",
                ),
            ],
        )
    }

    fn significant(config: &str) -> String {
        let enc = text::re(r"^ +set \S+ ENC \S+$");
        let cfg: String = text::lines(config)
            .filter(|line| {
                !(line.contains(" ENC ") && enc.is_match(line.trim_end_matches(['\n', '\r'])))
            })
            .collect();
        text::replace_all_gated(
            &cfg,
            &[
                (
                    "config firewall internet-service-name\n",
                    r"(?s)config firewall internet-service-name\n.*?\nend\n",
                    "",
                ),
                (
                    "set private-key ",
                    r#"(?ms)set private-key .*?-+END \S+ PRIVATE KEY-+\n?"$"#,
                    "",
                ),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(FortiGate);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<FortiGate>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_configuration_that_prints_nothing_fails_the_backup() {
        let recording = r#"init_prompt: "fw1 # "
commands:
  "get system status\n": "get system status\r\r\nVersion: FortiGate-91G v7.4.7\r\nfw1 # "
  "get hardware status\n": "get hardware status\r\r\nModel name: FortiGate-91G\r\nfw1 # "
  "diagnose hardware deviceinfo psu\n": "diagnose hardware deviceinfo psu\r\r\nCommand fail. Return code -61\r\nfw1 # "
  "get system interface transceiver\n": "get system interface transceiver\r\r\nfw1 # "
  "show | grep .\n": "show | grep .\r\r\n\r\nfw1 # "
"#;
        scripted::backup_fails_with::<FortiGate>(
            recording,
            &Device::default(),
            r#"essential command "show | grep .": the device printed nothing"#,
        );
    }

    #[test]
    fn a_device_that_refuses_psu_and_transceivers_is_backed_up_without_them() {
        let recording = r#"init_prompt: "fw1 # "
commands:
  "get system status\n": "get system status\r\r\nVersion: FortiGate-60E v6.0.4\r\nHostname: fw1\r\nfw1 # "
  "get hardware status\n": "get hardware status\r\r\nModel name: FortiGate-60E\r\nfw1 # "
  "diagnose hardware deviceinfo psu\n": "diagnose hardware deviceinfo psu\r\r\n\r\ncommand parse error before 'psu'\r\nCommand fail. Return code -61\r\n\r\nfw1 # "
  "get system interface transceiver\n": "get system interface transceiver\r\r\ncommand parse error before 'transceiver'\r\nCommand fail. Return code -61\r\n\r\nfw1 # "
  "show | grep .\n": "show | grep .\r\r\nconfig system global\r\n    set hostname \"fw1\"\r\nend\r\nfw1 # "
  "exit\n": ""
"#;
        let backup = scripted::backup_without::<FortiGate>(
            recording,
            &Device::default(),
            &[
                "diagnose hardware deviceinfo psu",
                "get system interface transceiver",
            ],
        );
        assert_eq!(
            backup.config,
            "# Version: FortiGate-60E v6.0.4\n# Hostname: fw1\n# \n\
             # Model name: FortiGate-60E\n\
             config system global\n    set hostname \"fw1\"\nend\n"
        );
    }

    #[test]
    fn pager_erase_sequence_and_double_carriage_returns_are_removed() {
        assert_eq!(
            clean_newlines("get x\r\r\nSerial: 1\r\n\r         \rBIOS: 2\r\nfw # "),
            "get x\nSerial: 1\nBIOS: 2\nfw # "
        );
    }

    #[test]
    fn transceivers_keep_detected_modules_only() {
        let out = "Interface wan1 - SFP, 10GBASE-SR\n  Vendor Name  : FORTINET\n  Part No.     : FTLX\n  Serial No.   : NB0\nInterface wan2 - Transceiver is not detected.\n\nSFP/SFP+     Temperature\nwan1          51.8\n";
        assert_eq!(
            transceivers(out),
            "Interface wan1 - SFP, 10GBASE-SR\n  Vendor Name  : FORTINET\n  Part No.     : FTLX\n  Serial No.   : NB0\n"
        );
    }

    #[test]
    fn autoupdate_drops_fds_block_and_update_times() {
        let out = "\nAV Engine\n---------\nVersion: 7.0\nLast Updated using manual update on x\nLast Update Attempt: n/a\nResult: Updates Installed\n\nFDS Address\n---------\n192.0.2.42:8890\n\n\n";
        assert_eq!(
            autoupdate(out),
            "\nAV Engine\n---------\nVersion: 7.0\nResult: Updates Installed\n\n\n\n"
        );
    }

    /// The corpus case that needs `fortigate_autoupdate` (not run by
    /// `assert_corpus`, which passes no device variables).
    #[test]
    fn autoupdate_variable_case_matches_its_recording() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/oxidized");
        let case = format!("{dir}/fortigate#FortiGate-91G_7.4.7_autoupdate#");
        let recording = std::fs::read_to_string(format!("{case}custom_simulation.yaml")).unwrap();
        let expected = std::fs::read_to_string(format!("{case}custom_output.txt")).unwrap();
        let device = Device::with_vars(&[("fortigate_autoupdate", "true")]);
        let backup = scripted::backup::<FortiGate>(&recording, &device).unwrap();
        assert_eq!(backup.config, expected);
    }

    #[test]
    fn significant_drops_enc_lines_service_names_and_private_keys() {
        let cfg = "config system admin\n    edit \"a\"\n        set password ENC xyz\n    next\nend\nconfig firewall internet-service-name\n    edit \"x\"\n        set internet-service-id 65536\n    next\nend\nconfig vpn certificate local\n    edit \"c\"\n        set private-key \"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\"\n    next\nend\n";
        assert_eq!(
            FortiGate::significant(cfg),
            "config system admin\n    edit \"a\"\n    next\nend\nconfig vpn certificate local\n    edit \"c\"\n        \n    next\nend\n"
        );
    }

    #[test]
    fn enc_passwords_and_private_keys_are_removed() {
        let cfg = "        set password ENC abc\n        set private-key \"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\"\n";
        assert_eq!(
            FortiGate::redact(cfg),
            "        set password <configuration removed>\n        set private-key <configuration removed>\n"
        );
    }
}
