//! Fortinet appliances other than FortiGate that run a FortiOS-style CLI
//! (FortiManager, FortiAnalyzer and the like; FortiGate has its own driver).
//!
//! Checked against a recording of FortiManager 7.4.6 on an FMG-VM64.
//!
//! The backup is the stable lines of `get system status` as `# ` comments,
//! then `show` without the `#config-version=` line. A refused status is
//! left out; a refused `show` fails the backup.

use netraven_driver_sdk::prelude::*;

pub struct FortiOs;

/// `host # `, `host (global) # `, `host(Primary) # `.
const PROMPT: &str = r"^(?:\(\w\) )?[-\w.~]+(?:\([\w.-]+\))?(?:\s[()\w.-]+)?~?\s?[#>$]\s?$";

/// The pager; the text after it starts with `\r` + spaces + `\r`. Not
/// anchored to a line start: it may stop a long line part-way (the
/// engine still wants it to be the last thing the device sent).
const MORE: &str = r"--More--\s$";

const COMMENT: &str = "# ";

/// The `get system status` fields that only change with the firmware, the
/// licence or the setup (not the clock, disk usage or build details).
const STATUS_FIELDS: &[&str] = &[
    "Platform Type",
    "Platform Full Name",
    "Version",
    "Serial Number",
    "BIOS version",
    "Hostname",
    "Max Number of Admin Domains",
    "Max Number of Device Groups",
    "Admin Domain Configuration",
    "FIPS Mode",
    "HA Mode",
    "License Status",
];

/// `\r\n` and `\r\r\n` made `\n`, and the `\r<spaces>\r` printed to erase
/// the `--More--` prompt removed.
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

/// The status fields of [`STATUS_FIELDS`] (a field name, then spaces and a
/// colon) and the blank lines.
fn system_status(output: &str) -> String {
    text::lines(output)
        .filter(|line| {
            line.trim().is_empty()
                || STATUS_FIELDS.iter().any(|field| {
                    line.strip_prefix(field)
                        .is_some_and(|rest| rest.trim_start_matches(' ').starts_with(':'))
                })
        })
        .collect()
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

impl Driver for FortiOs {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell(
            "fortios",
            env!("CARGO_PKG_VERSION"),
            &["fortios"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.on_pattern(MORE, " ")?;
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(raw) = session.optional("get system status")? {
            let status = text::cut_echo_and_prompt(&clean_newlines(&raw));
            config.push_str(&text::comment(
                &format!("{}\n", system_status(&status)),
                COMMENT,
            ));
        }
        // The configuration itself: a refused or empty reply fails the backup.
        let show = text::cut_echo_and_prompt(&clean_newlines(&session.essential("show")?));
        config.extend(text::lines(&show).filter(|line| !line.starts_with("#config-version=")));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        let cfg = text::replace_lines_with_any(
            config,
            &[
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
            &[(
                "set private-key ",
                r#"(?ms)set private-key .*?-+END \S+ PRIVATE KEY-+\n?"$"#,
                "",
            )],
        )
    }
}

netraven_driver_sdk::export_driver!(FortiOs);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_configuration_that_prints_nothing_fails_the_backup() {
        let recording = r#"init_prompt: "fmg1 # "
commands:
  "get system status\n": "get system status\r\r\nPlatform Type                   : FMG-VM64\r\nfmg1 # "
  "show\n": "show\r\r\n\r\nfmg1 # "
"#;
        scripted::backup_fails_with::<FortiOs>(
            recording,
            &Device::default(),
            r#"essential command "show": the device printed nothing"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_status_is_backed_up_without_it() {
        let recording = r#"init_prompt: "fmg1 # "
commands:
  - "get system status\n": "get system status\r\r\nUnknown action 0\r\n\r\nfmg1 # "
  - "show\n": "show\r\r\n#config-version=FMG-VM64-7.04-FW-build2598-240820:opmode=0:vdom=0\r\nconfig system global\r\n    set hostname \"fmg1\"\r\nend\r\nfmg1 # "
  - "exit\n": ""
"#;
        let backup = scripted::backup_without::<FortiOs>(
            recording,
            &Device::default(),
            &["get system status"],
        );
        assert_eq!(
            backup.config,
            "config system global\n    set hostname \"fmg1\"\nend\n"
        );
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<FortiOs>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn status_keeps_stable_fields_and_blank_lines() {
        let out = "Platform Type                   : FMG-VM64\nVersion                         : v7.4.6\nRelease Version Information     : GA.M\nCurrent Time                    : Thu Feb 12\nDisk Usage                      : Free 442GB\n\n";
        assert_eq!(
            system_status(out),
            "Platform Type                   : FMG-VM64\nVersion                         : v7.4.6\n\n"
        );
    }

    #[test]
    fn enc_secrets_and_private_keys_are_removed() {
        let cfg = "    set passwd ENC abc\n        set private-key \"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\"\n";
        assert_eq!(
            FortiOs::redact(cfg),
            "    set passwd <configuration removed>\n        set private-key <configuration removed>\n"
        );
    }

    #[test]
    fn significant_drops_enc_lines_and_private_keys() {
        let cfg = "    set auth-pwd ENC abc\n    set comment \"x\"\n        set private-key \"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\"\n";
        assert_eq!(
            FortiOs::significant(cfg),
            "    set comment \"x\"\n        \n"
        );
    }
}
