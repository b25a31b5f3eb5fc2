//! Juniper Junos, over SSH exec channels (one channel per command, so no
//! prompt, echo or pager to deal with).
//!
//! Checked against a recording of Junos 22.4R3-S2.11 on an SRX300.
//!
//! The backup is, as `# ` comments: `show version`, `show chassis hardware`,
//! `show system license` and `show system license keys`; then the
//! configuration (`show configuration | display omit`); then, depending on
//! the model `show version` reports, the fabric (MX960), virtual-chassis
//! (EX/QFX) or chassis-cluster (SRX) status, also commented. A command the
//! device refuses (`error: syntax error, expecting <command>`) is left out,
//! except the configuration: its refusal fails the backup.

use netraven_driver_sdk::prelude::*;

pub struct Junos;

const COMMENT: &str = "# ";

/// Where `show system license` ends its "Licenses used" column: a masked
/// count is right-aligned to it, so the table stays aligned.
const USED_COLUMN_END: usize = 41;

/// Where the masked vMX bandwidth count ends, counted from `VMX-BANDWIDTH`.
const VMX_BANDWIDTH_END: usize = 38;

/// Junos output as stored: every line without trailing white space, and a
/// final newline (an empty reply becomes one empty line).
fn tidy(output: &str) -> String {
    let output = mask_counts(output);
    let lines: Vec<&str> = text::lines(&output)
        .map(|line| line.trim_end_matches([' ', '\t', '\r', '\n', '\x0b', '\x0c', '\0']))
        .collect();
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// `name` followed by `<count>`, right-aligned to column `end`.
fn masked(name: &str, end: usize) -> String {
    let width = end.saturating_sub("<count>".len());
    format!("{name:<width$}<count>")
}

/// Subscriber and bandwidth counts in license listings change all the time
/// on BNG and vMX routers: replace them with `<count>`.
fn mask_counts(output: &str) -> String {
    let scale = masked("  scale-subscriber", USED_COLUMN_END);
    // The bandwidth row is indented differently: its count column ends earlier.
    let bandwidth = format!("{} $1", masked("VMX-BANDWIDTH", VMX_BANDWIDTH_END));
    text::replace_all(
        output,
        &[
            (r"  scale-subscriber \s+\d+", scale.as_str()),
            (r"VMX-BANDWIDTH\s+\d+ (.*)", bandwidth.as_str()),
        ],
    )
}

/// `show system license`: the FIB and RIB scale counts move with the
/// routing table.
fn license(output: &str) -> String {
    let fib = masked("  fib-scale", USED_COLUMN_END);
    let rib = masked("  rib-scale", USED_COLUMN_END);
    text::replace_all(
        output,
        &[
            (r"  fib-scale\s+\d+", fib.as_str()),
            (r"  rib-scale\s+\d+", rib.as_str()),
        ],
    )
}

/// The chassis model from `show version` (`Model: srx300`).
fn model(version: &str) -> Option<String> {
    text::re(r"(?m)^Model: (\S+)")
        .captures(version)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
}

/// The model-specific status command, if the model has one.
fn status_command(model: &str) -> Option<&'static str> {
    if model == "mx960" {
        Some("show chassis fabric reachability")
    } else if text::re(r"^(?:ex22|ex3[34]|ex4|ex8|qfx)").is_match(model) {
        Some("show virtual-chassis")
    } else if model.starts_with("srx") {
        Some("show chassis cluster status")
    } else {
        None
    }
}

/// A standalone SRX answers the cluster query with a one-line `error:`;
/// that is not worth keeping.
fn is_lone_error(output: &str) -> bool {
    text::lines(output).count() <= 1 && output.contains("error:")
}

impl Junos {
    /// An optional command's output, tidied; `None`: the device refused it.
    fn optional(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
        Ok(session.optional_exec(command)?.map(|output| tidy(&output)))
    }
}

impl Driver for Junos {
    fn info() -> DriverInfo {
        DriverInfo::exec(
            "junos",
            env!("CARGO_PKG_VERSION"),
            &["junos"],
            r"^[\w.@-]+[>#%]\s?$",
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let version = Self::optional(session, "show version")?;
        let hardware = Self::optional(session, "show chassis hardware")?;
        let licenses = Self::optional(session, "show system license")?.map(|l| license(&l));
        let keys = Self::optional(session, "show system license keys")?;
        let mut config = String::new();
        for output in [&version, &hardware, &licenses, &keys]
            .into_iter()
            .flatten()
        {
            config.push_str(&text::comment(output, COMMENT));
        }
        // The configuration itself: a refusal fails the backup.
        let configuration = session.essential_exec("show configuration | display omit")?;
        config.push_str(&tidy(&configuration));

        // Without `show version`, the model and so its status are unknown.
        let model = version.as_deref().and_then(model);
        if let Some(command) = model.as_deref().and_then(status_command)
            && let Some(output) = Self::optional(session, command)?
            && !is_lone_error(&output)
        {
            config.push_str(&text::comment(&output, COMMENT));
        }
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_all(
            config,
            &[
                (r"community \S+ \{", "community <hidden> {"),
                // SSH public keys are flagged SECRET-DATA too.
                (
                    r#"ssh-(?:rsa|dsa|ecdsa|ecdsa-sk|ed25519|ed25519-sk) ".*; ## SECRET-DATA"#,
                    "<secret removed>",
                ),
                // Junos marks every secret value with `## SECRET-DATA`.
                (
                    r#" (?:"[^"\n]*"|[^\s";]+); ## SECRET-DATA"#,
                    " <secret removed>;",
                ),
                // A password inside a URL (archive sites, ...).
                (
                    r#"([a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@"]+:)[^\s@"]+@"#,
                    "$1<secret removed>@",
                ),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(Junos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Junos>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"commands:
  "show version\n": "Model: srx300\nJunos: 22.4R3-S2.11\n"
  "show chassis hardware\n": "Hardware inventory:\n"
  "show system license\n": "License usage: none\n"
  "show system license keys\n": "\n"
  "show configuration | display omit\n": "error: syntax error, expecting <command>: configuration\n"
"#;
        scripted::backup_fails_with::<Junos>(
            recording,
            &Device::default(),
            r#"essential command "show configuration | display omit": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_licenses_is_backed_up_without_them() {
        let recording = r#"commands:
  "show version\n": "Model: srx300\nJunos: 22.4R3-S2.11\n"
  "show chassis hardware\n": "Hardware inventory:\n"
  "show system license\n": "error: syntax error, expecting <command>: license\n"
  "show system license keys\n": "error: syntax error, expecting <command>: license\n"
  "show configuration | display omit\n": "system {\n    host-name r1;\n}\n"
  "show chassis cluster status\n": "error: Chassis cluster is not enabled.\n"
"#;
        let backup = scripted::backup_without::<Junos>(
            recording,
            &Device::default(),
            &["show system license", "show system license keys"],
        );
        assert_eq!(
            backup.config,
            "# Model: srx300\n# Junos: 22.4R3-S2.11\n# Hardware inventory:\n\
             system {\n    host-name r1;\n}\n"
        );
    }

    #[test]
    fn tidy_strips_trailing_space_and_ends_with_one_newline() {
        assert_eq!(tidy("a  \r\nb\t\n"), "a\nb\n");
        assert_eq!(tidy("a\n\n"), "a\n\n");
        assert_eq!(tidy("last line"), "last line\n");
        // An empty reply still takes one (commented) line.
        assert_eq!(tidy(""), "\n");
    }

    #[test]
    fn license_counts_are_masked_in_the_used_column() {
        let out = tidy("  scale-subscriber                   12    256000     0    permanent\n");
        assert_eq!(
            out,
            "  scale-subscriber                <count>    256000     0    permanent\n"
        );
        let out = license("  fib-scale                    1500000    2000000\n");
        assert_eq!(
            out,
            "  fib-scale                       <count>    2000000\n"
        );
        assert_eq!(out.find("<count>").map(|i| i + 7), Some(USED_COLUMN_END));
    }

    #[test]
    fn status_command_follows_the_model() {
        assert_eq!(
            status_command("mx960"),
            Some("show chassis fabric reachability")
        );
        assert_eq!(status_command("ex4300-48t"), Some("show virtual-chassis"));
        assert_eq!(
            status_command("qfx5100-48s-6q"),
            Some("show virtual-chassis")
        );
        assert_eq!(
            status_command("srx300"),
            Some("show chassis cluster status")
        );
        assert_eq!(status_command("mx480"), None);
        assert_eq!(
            model("Hostname: r1\nModel: srx300\n").as_deref(),
            Some("srx300")
        );
    }

    #[test]
    fn standalone_srx_cluster_error_is_dropped() {
        assert!(is_lone_error("error: Chassis cluster is not enabled.\n"));
        assert!(!is_lone_error("Cluster ID: 1\nNode   Priority Status\n"));
    }

    #[test]
    fn secret_data_and_url_passwords_are_removed() {
        let cfg = concat!(
            "        encrypted-password \"$6$salt$hash\"; ## SECRET-DATA\n",
            "        \"ftp://u@192.0.2.1/b/\" password \"$9$abc\"; ## SECRET-DATA\n",
            "        \"pasvftp://u:hunter2@192.0.2.1/b/\";\n",
            "    community public {\n",
        );
        assert_eq!(
            Junos::redact(cfg),
            concat!(
                "        encrypted-password <secret removed>;\n",
                "        \"ftp://u@192.0.2.1/b/\" password <secret removed>;\n",
                "        \"pasvftp://u:<secret removed>@192.0.2.1/b/\";\n",
                "    community <hidden> {\n",
            )
        );
    }
}
