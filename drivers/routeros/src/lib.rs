//! MikroTik RouterOS, over SSH exec channels (one channel per command).
//!
//! Checked against recordings of RouterOS 7.10.1 and 7.16 (CHR) and 7.18.2
//! (RB5009UPr+S+).
//!
//! The backup is, as `# ` comments: `/system resource print` without its
//! changing values (uptime, free memory, CPU load, ...), the installed
//! version from `/system package update print`, and
//! `/system history print without-paging`, each left out when the router
//! refuses it; then the configuration export. Every line loses its trailing
//! white space.
//!
//! The export is `/export show-sensitive` on RouterOS 7 and later and
//! `/export` before (where it shows everything). Its first line (the time of
//! the export) and transient status comments are dropped, and continuation
//! lines (`\` at the end of a line) are joined.
//!
//! Device variable `remove_secret` (flag): export with `hide-sensitive`.

use netraven_driver_sdk::prelude::*;

pub struct Routeros;

const COMMENT: &str = "# ";

/// `/system resource print` keys whose values change while the router runs
/// (or with every upgrade build), and so would make every backup differ.
const VOLATILE_RESOURCES: &[&str] = &[
    "uptime",
    "build-time",
    "free-memory",
    "cpu-frequency",
    "cpu-load",
    "free-hdd-space",
    "write-sect-since-reboot",
    "write-sect-total",
    "bad-blocks",
];

/// Export parameters whose values are secrets.
const SENSITIVE_KEYS: &[&str] = &[
    "password",
    "secret",
    "authentication-key",
    "wpa-pre-shared-key",
    "wpa2-pre-shared-key",
    "pre-shared-key",
    "private-key",
    "passphrase",
    "auth-key",
];

/// Exec output as lines without trailing white space (and without trailing
/// empty lines, as Ruby's `split` drops them).
fn trimmed_lines(output: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = output.split('\n').map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

fn commented(lines: &[&str]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(COMMENT);
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `/system resource print` without the volatile keys.
fn resources(output: &str) -> String {
    let kept: Vec<&str> = trimmed_lines(output)
        .into_iter()
        .filter(|line| {
            let key = line.split(':').next().unwrap_or("").trim();
            !VOLATILE_RESOURCES.contains(&key)
        })
        .collect();
    commented(&kept)
}

/// The `installed-version:` line of `/system package update print`.
fn installed_version(output: &str) -> Option<&str> {
    trimmed_lines(output)
        .into_iter()
        .find(|line| line.contains("installed-version: "))
}

/// The major version in the `  version: 7.16 (stable)` line of
/// `/system resource print`.
fn running_major_version(resource: &str) -> Option<u32> {
    text::lines(resource)
        .find_map(|line| line.trim_start().strip_prefix("version: "))
        .and_then(|v| v.split('.').next()?.trim().parse().ok())
}

/// The major version in `  installed-version: 7.16`.
fn major_version(line: &str) -> Option<u32> {
    let version = line.split("installed-version: ").nth(1)?.trim();
    version.split('.').next()?.parse().ok()
}

/// Comments RouterOS adds to an export that come and go with the state of
/// the router, not with its configuration.
fn transient_comment(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("# ") else {
        return false;
    };
    rest == "inactive time"
        || rest.starts_with("poe-out status: ")
        || rest == "Firmware upgraded successfully, please reboot for changes to take effect!"
        || (rest.starts_with("received packet from ") && rest.ends_with(" bad format"))
        || (rest.ends_with(" not ready") && !rest.trim_end_matches(" not ready").contains(' '))
}

/// The export's first line: `# 2024-10-25 06:08:35 by RouterOS 7.10.1`
/// (v7) or `# oct/25/2024 06:08:35 by RouterOS 6.49` (v6).
fn export_timestamp(line: &str) -> bool {
    line.starts_with("# ") && line.contains(" by RouterOS ")
}

/// The export: continuation lines joined, the timestamp and transient
/// comments dropped, trailing white space removed.
fn export(output: &str) -> String {
    let output = text::unix_newlines(output);
    let joined = if output.contains("\\\n") {
        text::re(r"\\\n[ \t]+")
            .replace_all(&output, "")
            .into_owned()
    } else {
        output
    };
    let mut out = String::with_capacity(joined.len());
    for line in trimmed_lines(&joined) {
        if export_timestamp(line) || transient_comment(line) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

impl Driver for Routeros {
    /// Leave with `quit` on an exec channel, as Oxidized does.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.exec("quit")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::exec(
            "routeros",
            env!("CARGO_PKG_VERSION"),
            &["routeros"],
            r"\[\w+@\S+(\s+\S+)*\]\s?>\s?$",
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        let resource = session
            .optional_exec("/system resource print")?
            .map(|resource| text::unix_newlines(&resource));
        if let Some(resource) = &resource {
            config.push_str(&resources(resource));
        }

        // The major version picks the export: from the installed version,
        // else from the resource table's `version:`; without either, the
        // export every release knows, `/export`.
        let update = session
            .optional_exec("/system package update print")?
            .map(|update| text::unix_newlines(&update));
        let version = update.as_deref().and_then(installed_version);
        if let Some(line) = version {
            config.push_str(&commented(&[line]));
        }
        let major = version
            .and_then(major_version)
            .or_else(|| resource.as_deref().and_then(running_major_version));

        if let Some(history) = session.optional_exec("/system history print without-paging")? {
            let history = text::unix_newlines(&history);
            config.push_str(&commented(&trimmed_lines(&history)));
        }

        let command = if device.flag("remove_secret") {
            "/export hide-sensitive"
        } else if major.is_some_and(|m| m >= 7) {
            "/export show-sensitive"
        } else {
            "/export"
        };
        // The configuration itself: a refusal fails the backup.
        config.push_str(&export(&session.essential_exec(command)?));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        let rules: Vec<(String, String)> = SENSITIVE_KEYS
            .iter()
            .map(|key| {
                (
                    format!("{key}="),
                    format!(r#"(^|\s)({key}=)("(?:[^"\\]|\\.)*"|\S+)"#),
                )
            })
            .collect();
        let rules: Vec<(&str, &str, &str)> = rules
            .iter()
            .map(|(needle, pattern)| {
                (
                    needle.as_str(),
                    pattern.as_str(),
                    "${1}${2}<secret removed>",
                )
            })
            .collect();
        text::replace_in_lines(config, &rules)
    }

    /// Without the configuration history: it changes with every change
    /// (undo entries, times) and repeats what the export shows.
    fn significant(config: &str) -> String {
        let mut out = String::with_capacity(config.len());
        let mut in_history = false;
        for line in text::lines(config) {
            if line.starts_with("# Flags: ") {
                in_history = true;
            }
            if in_history {
                let export_started = !line.starts_with('#')
                    || line.starts_with("# software id")
                    || line.starts_with("# model =")
                    || line.starts_with("# serial number");
                if !export_started {
                    continue;
                }
                in_history = false;
            }
            out.push_str(line);
        }
        out
    }
}

netraven_driver_sdk::export_driver!(Routeros);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"commands:
  "/system resource print\n": "  version: 7.16 (stable)\r\n"
  "/system package update print\n": "  installed-version: 7.16\r\n"
  "/system history print without-paging\n": "\r\n"
  "/export show-sensitive\n": "syntax error (line 1 column 9)\r\n"
"#;
        scripted::backup_fails_with::<Routeros>(
            recording,
            &Device::default(),
            r#"essential command "/export show-sensitive": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_update_and_history_is_backed_up_without_them() {
        let recording = r##"commands:
  "/system resource print\n": "  version: 6.49.10 (long-term)\r\n"
  "/system package update print\n": "bad command name update (line 1 column 17)\r\n"
  "/system history print without-paging\n": "bad command name history (line 1 column 9)\r\n"
  "/export\n": "# jan/02/1970 00:00:00 by RouterOS 6.49.10\r\n/system identity\r\nset name=r1\r\n"
  "quit\n": ""
"##;
        let backup = scripted::backup_without::<Routeros>(
            recording,
            &Device::default(),
            &[
                "/system package update print",
                "/system history print without-paging",
            ],
        );
        assert_eq!(
            backup.config,
            "#   version: 6.49.10 (long-term)\n/system identity\nset name=r1\n"
        );
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Routeros>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn resource_print_keeps_static_values_only() {
        let out = "   uptime: 3h5m54s  \n  version: 7.18.2 (stable)  \n   cpu-load: 1%\n  board-name: RB5009";
        assert_eq!(
            resources(out),
            "#   version: 7.18.2 (stable)\n#   board-name: RB5009\n"
        );
    }

    #[test]
    fn export_joins_continuations_and_drops_timestamp_and_status_comments() {
        let out = "# 2025-01-01 10:00:00 by RouterOS 7.18.2\n# software id = AB \n/ip address\nadd address=10.0.0.1/24 interface=bridge network=\\\n    10.0.0.0\n# poe-out status: short_circuit\n# ether2 not ready\n# Interface not active\n";
        assert_eq!(
            export(out),
            "# software id = AB\n/ip address\nadd address=10.0.0.1/24 interface=bridge network=10.0.0.0\n# Interface not active\n"
        );
    }

    #[test]
    fn major_version_comes_from_installed_version() {
        assert_eq!(major_version("  installed-version: 7.16"), Some(7));
        assert_eq!(major_version("  installed-version: 6.49.10"), Some(6));
        assert_eq!(major_version("status: unknown"), None);
        let resource = "   uptime: 3h\n  version: 7.18.2 (stable)\n  board-name: RB5009\n";
        assert_eq!(running_major_version(resource), Some(7));
        assert_eq!(running_major_version("  cpu: ARM\n"), None);
    }

    #[test]
    fn history_is_not_significant() {
        let cfg = "#   installed-version: 7.16\n# Flags: U - UNDOABLE\n#   ACTION  BY  POLICY  TIME\n# U bridge port changed  user  write  2024-07-31 09:33:47\n# software id = XX\n#\n/interface ethernet\n";
        assert_eq!(
            Routeros::significant(cfg),
            "#   installed-version: 7.16\n# software id = XX\n#\n/interface ethernet\n"
        );
    }

    #[test]
    fn sensitive_values_are_hidden() {
        let cfg =
            "add name=u1 password=s3cret group=full\nset wpa2-pre-shared-key=\"a b\" mode=x\n";
        assert_eq!(
            Routeros::redact(cfg),
            "add name=u1 password=<secret removed> group=full\nset wpa2-pre-shared-key=<secret removed> mode=x\n"
        );
    }
}
