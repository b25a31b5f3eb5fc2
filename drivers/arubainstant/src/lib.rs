//! Aruba Instant (IAP) access points and Instant Virtual Controllers.
//!
//! Checked against a recording of an IAP-515 virtual controller running
//! Instant 8.10.0.6.
//!
//! The backup is `show version` (without uptime and reboot lines),
//! `show activate status` (serial and MAC only), `show aps` (only the
//! stable columns: name, IP, type, IPv6, zone, serial), all as `# `
//! comments, then `show running-config no-encrypt`. Instant does not page
//! SSH sessions.
//!
//! Device variable `enable` (flag): run `enable` after login and answer the
//! password prompt with the host's enable secret.

use netraven_driver_sdk::prelude::*;

pub struct ArubaInstant;

/// `AP-NAME# ` or `AP-NAME> `; `show version` prints a leading space when a
/// core file is present.
const PROMPT: &str = r"^ ?[\w:.@-]+[#>] $";

const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

const COMMENT: &str = "# ";

/// The `show aps` columns that do not change between reads.
const STABLE_AP_COLUMNS: &[&str] = &[
    "Name",
    "IP Address",
    "Type",
    "IPv6 Address",
    "Zone",
    "Serial #",
];

impl ArubaInstant {
    /// An optional command's output without echo and prompt. `None`: the
    /// AP refused it, and the backup goes on without it.
    fn output(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
        Ok(session
            .optional(command)?
            .map(|raw| text::command_output(&raw)))
    }

    fn version(output: &str) -> String {
        text::lines(output)
            .filter(|l| {
                !(l.starts_with("Switch uptime is ")
                    || l.starts_with("AP uptime is ")
                    || l.starts_with("Reboot Time and Cause"))
            })
            .collect()
    }

    fn activate_status(output: &str) -> String {
        let mut out: String = text::lines(output)
            .filter(|l| {
                !(l.starts_with("Activate ")
                    || l.starts_with("Provision interval")
                    || l.starts_with("Cloud Activation Key"))
            })
            .collect();
        out.push('\n');
        out
    }

    /// Keep only [`STABLE_AP_COLUMNS`] of the `show aps` table. Columns are
    /// found from the dashed line under the header: each run of `-` starts
    /// a column, which reaches to the start of the next one.
    fn aps(output: &str) -> String {
        let lines: Vec<&str> = text::lines(output).collect();
        let mut out = String::with_capacity(output.len());
        let mut i = 0;
        while i < lines.len() {
            let is_header = lines[i].starts_with("Name ")
                && lines
                    .get(i + 1)
                    .is_some_and(|d| d.starts_with("----") && is_dash_line(d));
            if !is_header {
                out.push_str(lines[i]);
                i += 1;
                continue;
            }
            let dashes = lines[i + 1].trim_end_matches(['\r', '\n']);
            let starts = column_starts(dashes);
            let header = lines[i].trim_end_matches(['\r', '\n']);
            let keep: Vec<(usize, Option<usize>)> = starts
                .iter()
                .enumerate()
                .map(|(n, &s)| (s, starts.get(n + 1).copied()))
                .filter(|&(s, e)| {
                    let name = slice(header, s, e).trim();
                    STABLE_AP_COLUMNS.contains(&name)
                })
                .collect();
            // Header, dashes, then rows up to the first blank line.
            let mut j = i;
            while j < lines.len() {
                let line = lines[j];
                let bare = line.trim_end_matches(['\r', '\n']);
                if j > i + 1 && bare.trim().is_empty() {
                    break;
                }
                let mut row = String::with_capacity(bare.len());
                for &(s, e) in &keep {
                    row.push_str(slice(bare, s, e));
                }
                out.push_str(row.trim_end());
                out.push_str(&line[bare.len()..]);
                j += 1;
            }
            i = j;
        }
        out.push('\n');
        out
    }
}

fn is_dash_line(line: &str) -> bool {
    line.trim_end_matches(['\r', '\n'])
        .chars()
        .all(|c| c == '-' || c == ' ')
}

/// Byte offsets where each run of `-` starts.
fn column_starts(dashes: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut previous = ' ';
    for (at, c) in dashes.char_indices() {
        if c == '-' && previous != '-' {
            starts.push(at);
        }
        previous = c;
    }
    starts
}

/// `line[start..end]`, clamped to the line and to character boundaries.
fn slice(line: &str, start: usize, end: Option<usize>) -> &str {
    let clamp = |mut at: usize| {
        at = at.min(line.len());
        while !line.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let s = clamp(start);
    let e = clamp(end.unwrap_or(line.len()));
    if e <= s { "" } else { &line[s..e] }
}

impl Driver for ArubaInstant {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell(
            "arubainstant",
            env!("CARGO_PKG_VERSION"),
            &["arubainstant"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        login::prompt_then_enable(session, device, PROMPT, ENABLE_PASSWORD)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(version) = Self::output(session, "show version")? {
            config.push_str(&text::comment(&Self::version(&version), COMMENT));
        }
        if let Some(status) = Self::output(session, "show activate status")? {
            let status = Self::activate_status(&status);
            config.push_str(&text::comment(&status, COMMENT));
        }
        if let Some(aps) = Self::output(session, "show aps")? {
            config.push_str(&text::comment(&Self::aps(&aps), COMMENT));
        }
        // The configuration itself: a refusal fails the backup.
        let running = session.essential("show running-config no-encrypt")?;
        config.push_str(&text::command_output(&running));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_all(
            config,
            &[
                (r"(?m)ipsec \S+$", "ipsec <secret removed>"),
                (r"(?m)community \S+$", "community <secret removed>"),
                (
                    r"(?m)^(snmp-server host [\d.]+ version 2c) \S+ (.*)$",
                    "$1 <secret removed> $2",
                ),
                // Controller format: mgmt-user <name> <role> <hash>.
                (
                    r"(?m)mgmt-user (\S+) (root|guest-provisioning|network-operations|read-only|location-api-mgmt) \S+$",
                    "mgmt-user $1 $2 <secret removed>",
                ),
                // Instant format: mgmt-user <name> <hash> [read-only|guest-mgmt].
                (
                    r"(?m)mgmt-user (\S+) \S+( (?:read-only|guest-mgmt))?$",
                    "mgmt-user $1 <secret removed>$2",
                ),
                (r"(?m)key \S+$", "key <secret removed>"),
                (
                    r"(?m)wpa-passphrase \S+$",
                    "wpa-passphrase <secret removed>",
                ),
                (
                    r"(?m)bkup-passwords \S+$",
                    "bkup-passwords <secret removed>",
                ),
                // Local users: user <name> <password> <type>.
                (r"(?m)^(\s*user \S+) \S+ (\S+)$", "$1 <secret removed> $2"),
                (
                    r"(?m)^(hash-mgmt-user .* password \S+) \S+( usertype .*)?$",
                    "$1 <secret removed>$2",
                ),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(ArubaInstant);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<ArubaInstant>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "iap1> "
commands:
  "show version\n": "show version\r\nArubaOS (MODEL: 515), Version 8.10.0.6\r\niap1> "
  "show activate status\n": "show activate status\r\nDevice Serial Number :CNXXXX\r\niap1> "
  "show aps\n": "show aps\r\niap1> "
  "show running-config no-encrypt\n": "show running-config no-encrypt\r\n     ^\r\n% Invalid input detected at '^' marker.\r\n\r\niap1> "
"#;
        scripted::backup_fails_with::<ArubaInstant>(
            recording,
            &Device::default(),
            r#"essential command "show running-config no-encrypt": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_activate_status_and_aps_is_backed_up_without_them() {
        let refused = r"\r\n     ^\r\n% Invalid input detected at '^' marker.\r\n\r\niap1# ";
        let recording = format!(
            r#"init_prompt: "iap1# "
commands:
  "show version\n": "show version\r\nArubaOS (MODEL: 515), Version 8.10.0.6\r\niap1# "
  "show activate status\n": "show activate status{refused}"
  "show aps\n": "show aps{refused}"
  "show running-config no-encrypt\n": "show running-config no-encrypt\r\nversion 8.10.0.0-8.10.0\r\nname iap1\r\niap1# "
  "exit\n": ""
"#
        );
        let backup = scripted::backup_without::<ArubaInstant>(
            &recording,
            &Device::default(),
            &["show activate status", "show aps"],
        );
        assert_eq!(
            backup.config,
            "# ArubaOS (MODEL: 515), Version 8.10.0.6\nversion 8.10.0.0-8.10.0\nname iap1\n"
        );
    }

    #[test]
    fn aps_keeps_stable_columns_even_with_spaces_in_names() {
        let out = "\n2 Access Points\n\
            ---------------\n\
            Name     IP Address  Mode    Clients  Type   Zone  Serial #    Uptime\n\
            ----     ----------  ----    -------  ----   ----  --------    ------\n\
            AP 1     10.0.0.1*   access  3        515    -     CNQ1        2d   \n\
            AP-2     10.0.0.2    access  12       315    z1    CNQ2        10m  \n\
            \n";
        assert_eq!(
            ArubaInstant::aps(out),
            "\n2 Access Points\n\
            ---------------\n\
            Name     IP Address  Type   Zone  Serial #\n\
            ----     ----------  ----   ----  --------\n\
            AP 1     10.0.0.1*   515    -     CNQ1\n\
            AP-2     10.0.0.2    315    z1    CNQ2\n\
            \n\n"
        );
    }

    #[test]
    fn activate_status_keeps_only_identity() {
        let out = "\nIAP MAC Address  :aa:bb\nIAP Serial Number :X\nCloud Activation Key :K\nActivate Status :ok\nProvision interval :5 minutes\n";
        assert_eq!(
            ArubaInstant::activate_status(out),
            "\nIAP MAC Address  :aa:bb\nIAP Serial Number :X\n\n"
        );
    }

    #[test]
    fn instant_mgmt_user_hash_is_removed_but_role_kept() {
        assert_eq!(
            ArubaInstant::redact("mgmt-user admin 5a1b2c read-only\nmgmt-user root 9f8e\n"),
            "mgmt-user admin <secret removed> read-only\nmgmt-user root <secret removed>\n"
        );
    }
}
