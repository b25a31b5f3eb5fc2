//! Alcatel-Lucent Enterprise OmniSwitch, AOS 7 (Linux based: OS6860,
//! OS6900, OS9900, OS10K).
//!
//! Checked only against the generic prompt cases (`aos7#generic`), which
//! include the 8.8x firmware's space before `>`/`#`; there is no recorded
//! session yet.
//!
//! The backup, as Oxidized stores it: each command's output is preceded by a
//! `! COMMAND: <command>` line; `show system` keeps only its `Description`
//! line, `show chassis`, `show hardware-info` and `show running-directory`
//! become `! ` comments, and `show configuration snapshot` is the
//! configuration. On a virtual chassis (`show chassis` names a `(Master)`),
//! the `vcm-snapshot` (vc_boot.cfg) of each slave chassis, as comments, and
//! of the master come first. AOS 7 does not page SSH sessions.

use netraven_driver_sdk::prelude::*;

pub struct Aos7;

/// `host>`, `host#`, and since 8.8 `host >` / `host #`.
const PROMPT: &str = r"^[\w.@-]+ ?[#>]\s?$";

const COMMENT: &str = "! ";

impl Aos7 {
    /// One optional command as Oxidized's `cmd :all` stores it: a
    /// `COMMAND:` comment, then the output without echo and prompt. `None`:
    /// the switch refused it, and the backup goes on without it.
    fn output(
        session: &mut dyn Session,
        command: &str,
    ) -> Result<Option<(String, String)>, DriverError> {
        let raw = session.optional(command)?;
        Ok(raw.map(|raw| Self::headed(command, &raw)))
    }

    /// As [`output`](Self::output), for the configuration itself: a device
    /// that refuses it fails the backup instead of storing comments alone.
    fn essential_output(
        session: &mut dyn Session,
        command: &str,
    ) -> Result<(String, String), DriverError> {
        let raw = session.essential(command)?;
        Ok(Self::headed(command, &raw))
    }

    /// The `COMMAND:` comment and the output of `raw`.
    fn headed(command: &str, raw: &str) -> (String, String) {
        let header = text::comment(&format!("COMMAND: {command}\n"), COMMENT);
        (header, text::command_output(raw))
    }

    /// The `Description` line of `show system`, trimmed.
    fn description(output: &str) -> String {
        let line = text::lines(output)
            .find(|l| l.contains("Description"))
            .unwrap_or("");
        format!("{}\n", line.trim())
    }

    /// Chassis ids from `show chassis`: (master, slaves), for virtual chassis.
    fn virtual_chassis(output: &str) -> (Option<String>, Vec<String>) {
        let mut master = None;
        let mut slaves = Vec::new();
        for line in text::lines(output) {
            let Some(rest) = line.split("Chassis ID ").nth(1) else {
                continue;
            };
            let id: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if id.is_empty() {
                continue;
            }
            let role = rest[id.len()..].trim_start();
            if role.starts_with("(Master)") {
                master = Some(id);
            } else if role.starts_with("(Slave)") {
                slaves.push(id);
            }
        }
        (master, slaves)
    }

    /// `show hardware-info` prints a "Please wait..." line and extra blank
    /// lines when it runs slowly: drop the line, and make every three
    /// newlines that start at a line start two (one left-to-right pass).
    fn clean_hardware_info(output: &str) -> String {
        let kept: String = text::lines(output)
            .filter(|l| {
                let bare = l.trim_end_matches('\n');
                !(l.ends_with('\n')
                    && bare.starts_with("Please wait")
                    && bare.chars().count() == "Please wait...".len())
            })
            .collect();
        let mut out = String::with_capacity(kept.len());
        let mut rest = kept.as_str();
        let mut at_line_start = true;
        while !rest.is_empty() {
            if at_line_start && rest.starts_with("\n\n\n") {
                out.push_str("\n\n");
                rest = &rest[3..];
                continue;
            }
            let Some(c) = rest.chars().next() else {
                break;
            };
            out.push(c);
            at_line_start = c == '\n';
            rest = &rest[c.len_utf8()..];
        }
        out
    }
}

impl Driver for Aos7 {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "aos7",
            env!("CARGO_PKG_VERSION"),
            &["aos7"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut body = String::new();

        // Oxidized keeps only the Description line here, so not even the
        // COMMAND header survives.
        if let Some((_, out)) = Self::output(session, "show system")? {
            body.push_str(&text::comment(&Self::description(&out), COMMENT));
        }

        // Without `show chassis`, the switch is backed up as a single one.
        let (mut master, mut slaves) = (None, Vec::new());
        if let Some((head, chassis)) = Self::output(session, "show chassis")? {
            body.push_str(&text::comment(&head, COMMENT));
            body.push_str(&text::comment(&chassis, COMMENT));
            (master, slaves) = Self::virtual_chassis(&chassis);
        }

        if let Some((head, out)) = Self::output(session, "show hardware-info")? {
            body.push_str(&text::comment(&head, COMMENT));
            body.push_str(&text::comment(&Self::clean_hardware_info(&out), COMMENT));
        }

        if let Some((head, out)) = Self::output(session, "show running-directory")? {
            body.push_str(&text::comment(&head, COMMENT));
            body.push_str(&text::comment(&out, COMMENT));
        }

        let (head, out) = Self::essential_output(session, "show configuration snapshot")?;
        body.push_str(&head);
        body.push_str(&out);

        // Virtual chassis boot configs go first, as in Oxidized.
        let mut front = Vec::new();
        if let Some(master) = master {
            // The boot configs are extras beside the running one: a chassis
            // whose snapshot is refused is left out, title and all.
            for id in &slaves {
                let command = format!("show configuration vcm-snapshot chassis-id {id}");
                if let Some((head, out)) = Self::output(session, &command)? {
                    front.push(text::comment(
                        &format!("vc_boot.cfg for slave chassis {id}"),
                        COMMENT,
                    ));
                    front.push(text::comment(&format!("{head}{out}"), COMMENT));
                }
            }
            let command = format!("show configuration vcm-snapshot chassis-id {master}");
            if let Some((head, out)) = Self::output(session, &command)? {
                front.push(format!("{head}{out}"));
            }
        }
        let mut config = front.join("\n");
        config.push_str(&body);
        Ok(Backup::config(config))
    }

    /// RADIUS/TACACS+ server keys (`key`/`hash-key`) and SNMP community
    /// names in `snmp community-map`.
    fn redact(config: &str) -> String {
        if !config.contains("key") && !config.contains("community-map") {
            return config.to_string();
        }
        text::replace_all(
            config,
            &[
                (
                    r#"(?m)^(\s*snmp community-map (?:hash-key )?)(?:"[^"]*"|\S+)"#,
                    "${1}<secret hidden>",
                ),
                (
                    r#"(?m)^(\s*aaa (?:radius|tacacs\+|ldap)-server .*?\b(?:hash-key|key)) (?:"[^"]*"|\S+)"#,
                    "$1 <secret hidden>",
                ),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(Aos7);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Aos7>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "sw1->"
commands:
  "show system\n": "show system\r\nSystem:\r\n  Description:  OS6860E 8.9.94.R03,\r\nsw1->"
  "show chassis\n": "show chassis\r\nLocal Chassis ID 1 (Master)\r\nsw1->"
  "show hardware-info\n": "show hardware-info\r\nCPU Manufacturer : Intel\r\nsw1->"
  "show running-directory\n": "show running-directory\r\nRunning configuration : CERTIFIED\r\nsw1->"
  "show configuration snapshot\n": "show configuration snapshot\r\nERROR: Authorization failed. No functional privileges for this command\r\nsw1->"
"#;
        scripted::backup_fails_with::<Aos7>(
            recording,
            &Device::default(),
            r#"essential command "show configuration snapshot": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_hardware_info_and_running_directory_is_backed_up_without_them() {
        let recording = r#"init_prompt: "sw1->"
commands:
  "show system\n": "show system\r\nSystem:\r\n  Description:  OS6860E 8.9.94.R03,\r\nsw1->"
  "show chassis\n": "show chassis\r\nLocal Chassis ID 1 (Master)\r\nsw1->"
  "show hardware-info\n": "show hardware-info\r\n     ^\r\nERROR: Invalid entry: \"hardware-info\"\r\nsw1->"
  "show running-directory\n": "show running-directory\r\n     ^\r\nERROR: Invalid entry: \"running-directory\"\r\nsw1->"
  "show configuration snapshot\n": "show configuration snapshot\r\n! System Service:\r\nvlan 10 admin-state enable\r\nsw1->"
  "show configuration vcm-snapshot chassis-id 1\n": "show configuration vcm-snapshot chassis-id 1\r\nvirtual-chassis chassis-id 1 configured-chassis-id 1\r\nsw1->"
"#;
        let backup = scripted::backup_without::<Aos7>(
            recording,
            &Device::default(),
            &["show hardware-info", "show running-directory"],
        );
        assert!(
            backup.config.ends_with(
                "! Description:  OS6860E 8.9.94.R03,\n! ! COMMAND: show chassis\n! Local Chassis ID 1 (Master)\n! COMMAND: show configuration snapshot\n! System Service:\nvlan 10 admin-state enable\n"
            ),
            "{}",
            backup.config
        );
        assert!(
            backup
                .config
                .starts_with("! COMMAND: show configuration vcm-snapshot chassis-id 1\n"),
            "{}",
            backup.config
        );
        for gone in ["Invalid entry", "hardware-info", "running-directory"] {
            assert!(!backup.config.contains(gone), "{}", backup.config);
        }
    }

    #[test]
    fn show_system_keeps_only_the_description() {
        let out = "System:\n  Description:  Alcatel-Lucent Enterprise OS6860E 8.9.94.R03,\n  Object ID: 1.3.6\n  Up Time: 3 days\n";
        assert_eq!(
            Aos7::description(out),
            "Description:  Alcatel-Lucent Enterprise OS6860E 8.9.94.R03,\n"
        );
    }

    #[test]
    fn virtual_chassis_roles_are_read_from_show_chassis() {
        let out = "Local Chassis ID 1 (Master)\n  Model Name: OS6900\nRemote Chassis ID 2 (Slave)\nRemote Chassis ID 3 (Slave)\n";
        assert_eq!(
            Aos7::virtual_chassis(out),
            (
                Some("1".to_string()),
                vec!["2".to_string(), "3".to_string()]
            )
        );
        assert_eq!(Aos7::virtual_chassis("Chassis 1\n"), (None, vec![]));
    }

    #[test]
    fn slow_hardware_info_noise_is_removed() {
        let out = "Please wait...\nCPU Manufacturer : Intel\n\n\n\nFlash : 2GB\n";
        assert_eq!(
            Aos7::clean_hardware_info(out),
            "CPU Manufacturer : Intel\n\n\nFlash : 2GB\n"
        );
        assert_eq!(
            Aos7::clean_hardware_info("a\n\n\n\n\n\nb\n"),
            "a\n\n\n\n\nb\n"
        );
    }

    #[test]
    fn server_keys_and_communities_are_hidden() {
        let cfg = "aaa radius-server \"rad1\" host 10.0.0.1 hash-key 8a9b0c retransmit 3\nsnmp community-map \"public\" user \"snmpro\" enable\nvlan 10 admin-state enable\n";
        assert_eq!(
            Aos7::redact(cfg),
            "aaa radius-server \"rad1\" host 10.0.0.1 hash-key <secret hidden> retransmit 3\nsnmp community-map <secret hidden> user \"snmpro\" enable\nvlan 10 admin-state enable\n"
        );
    }

    #[test]
    fn prompt_accepts_the_88_space_before_the_sign() {
        let re = text::re(&format!("(?m){PROMPT}"));
        assert!(re.is_match("SW01 > "));
        assert!(re.is_match("SW01# "));
        assert!(!re.is_match("SW01: "));
    }
}
