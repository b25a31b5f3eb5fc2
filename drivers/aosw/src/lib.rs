//! ArubaOS wireless controllers and Mobility Conductors (AOS-W 6.x/8.x,
//! also sold as Alcatel-Lucent OAW and Dell W-series).
//!
//! Checked against a recording of an Aruba 7210 running ArubaOS 8.10.0.7.
//!
//! After login the driver turns paging off (`no paging`) and shows secrets
//! in clear (`encrypt disable`), as Oxidized does. The backup is
//! `show version` (without the uptime line), `show inventory` (without
//! temperatures, fan speeds and voltages), `show slots`, `show license` and
//! `show license passphrase`, all as `# ` comments with trailing blanks
//! removed, then `show running-config` with trailing blanks removed.
//! Commands the platform rejects (IAPs, Mobility Access Switches) leave no
//! trace.
//!
//! Device variable `enable` (flag): run `enable` after login and answer the
//! password prompt with the host's enable secret.

use netraven_driver_sdk::prelude::*;

pub struct Aosw;

/// `(host) #`, `(host) [mynode] #`, `(host) *[mynode] (config) #`,
/// `(host) >` and the Instant style `host# `.
const PROMPT: &str = r"^\(?[\w:.@-]+\)? ?(?:[*^]?\[[^\]\r\n]*\] ?)?(?:\([^)\r\n]*\) ?)*[#>] ?$";

const ENABLE_PASSWORD: &str = r"[pP]assword:\s?$";

const COMMENT: &str = "# ";

impl Aosw {
    /// An optional command's output without echo and prompt. `None`: the
    /// command does not exist on this platform (IAP, MAS), and the backup
    /// goes on without it.
    fn output(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
        Ok(session
            .optional(command)?
            .map(|raw| text::command_output(&raw)))
    }

    /// Every line without trailing blanks (a lone `\r` included), each
    /// ending in `\n`.
    fn rstrip_lines(block: &str) -> String {
        let mut out = String::with_capacity(block.len());
        for line in block.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if out.is_empty() {
            out.push('\n');
        }
        out
    }

    fn version(output: &str) -> String {
        let kept: String = text::lines(output)
            .filter(|l| {
                let lower = l.to_ascii_lowercase();
                !(lower.contains("switch uptime") || lower.contains("ap uptime"))
            })
            .collect();
        Self::rstrip_lines(&text::comment(&kept, COMMENT))
    }

    /// `show inventory` without readings that change on every run; each
    /// line stripped of surrounding blanks.
    fn inventory(output: &str) -> String {
        let kept: Vec<&str> = text::lines(output)
            .filter(|l| !Self::volatile_inventory_line(l))
            .map(|l| l.trim())
            .collect();
        let mut out = text::comment(&kept.join("\n"), COMMENT);
        out.push('\n');
        Self::rstrip_lines(&out)
    }

    fn volatile_inventory_line(line: &str) -> bool {
        let lower = line.to_ascii_lowercase();
        if lower.contains("output ") && text::re(r"(?i)Output \d Config").is_match(line) {
            return true;
        }
        let words = [
            "Tachometers",
            "Temperatures",
            "Voltages",
            "Card Temperature",
            "CPU Temperature",
            "Chassis Fan",
        ];
        if words.iter().any(|w| line.contains(w)) {
            return true;
        }
        if line.contains("VMON1") && text::re(r"VMON1[0-9]").is_match(line) {
            return true;
        }
        Self::has_reading(&lower)
    }

    /// A number followed by a unit: `8957 rpm`, `1.226 V`, `31 C`, `900 mV`.
    fn has_reading(lower: &str) -> bool {
        let b = lower.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if !c.is_ascii_digit() {
                continue;
            }
            let mut j = i + 1;
            if j >= b.len() || !b[j].is_ascii_whitespace() {
                continue;
            }
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let rest = &lower[j..];
            if rest.starts_with("rpm")
                || rest.starts_with("mv")
                || rest.starts_with('v')
                || rest.starts_with('c')
            {
                return true;
            }
        }
        false
    }

    /// A comment block with trailing blanks removed.
    fn commented(output: &str) -> String {
        Self::rstrip_lines(&text::comment(output, COMMENT))
    }

    fn running_config(output: &str) -> String {
        let kept: String = text::lines(output)
            .filter(|l| {
                let bare = l.trim_start_matches('\r');
                !(bare.starts_with("Building Configuration")
                    || (bare.starts_with("controller config ")
                        && bare.trim_end()["controller config ".len()..]
                            .chars()
                            .all(|c| c.is_ascii_digit())))
            })
            .collect();
        Self::rstrip_lines(&kept)
    }
}

impl Driver for Aosw {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell(
            "aosw",
            env!("CARGO_PKG_VERSION"),
            &["aosw"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        session.command("no paging")?;
        session.command("encrypt disable")?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(version) = Self::output(session, "show version")? {
            config.push_str(&Self::version(&version));
        }
        if let Some(inventory) = Self::output(session, "show inventory")? {
            config.push_str(&Self::inventory(&inventory));
        }
        for command in ["show slots", "show license", "show license passphrase"] {
            if let Some(out) = Self::output(session, command)? {
                config.push_str(&Self::commented(&out));
            }
        }
        // The configuration itself: a refusal fails the backup.
        let running = text::command_output(&session.essential("show running-config")?);
        // ArubaOS closes its configuration with `end`.
        complete("show running-config", &running, "end")?;
        config.push_str(&Self::running_config(&running));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_all(
            config,
            &[
                (r"(?m)secret \S+$", "secret <secret removed>"),
                (r"(?m)PRE-SHARE \S+$", "PRE-SHARE <secret removed>"),
                (r"(?m)ipsec \S+$", "ipsec <secret removed>"),
                (r"(?m)community \S+$", "community <secret removed>"),
                (r" sha \S+", " sha <secret removed>"),
                (r" des \S+", " des <secret removed>"),
                (
                    r"mobility-manager (\S+) user (\S+) \S+",
                    "mobility-manager $1 user $2 <secret removed>",
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
                (
                    r"(?m)ap-console-password \S+$",
                    "ap-console-password <secret removed>",
                ),
                (r"(?m)pre-share \S+$", "pre-share <secret removed>"),
                (
                    r"(?m)pre-shared-key \S+$",
                    "pre-shared-key <secret removed>",
                ),
                (
                    r"(?m)^(snmp-server host \S+ version 2c) \S+",
                    "$1 <secret removed>",
                ),
                // Local users: user <name> <password> <type>.
                (r"(?m)^(\s*user \S+) \S+ (\S+)$", "$1 <secret removed> $2"),
                (
                    r"(?m)virtual-controller-key \S+$",
                    "virtual-controller-key <secret removed>",
                ),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(Aosw);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Aosw>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "(c1) >"
commands:
  "no paging\n": "no paging\r\n(c1) >"
  "encrypt disable\n": "encrypt disable\r\n(c1) >"
  "show version\n": "show version\r\nArubaOS (MODEL: Aruba7210), Version 8.10.0.7\r\n(c1) >"
  "show inventory\n": "show inventory\r\nSystem Serial#  : CW0000000\r\n(c1) >"
  "show slots\n": "show slots\r\n(c1) >"
  "show license\n": "show license\r\n(c1) >"
  "show license passphrase\n": "show license passphrase\r\n(c1) >"
  "show running-config\n": "show running-config\r\n     ^\r\n% Invalid input detected at '^' marker.\r\n\r\n(c1) >"
"#;
        scripted::backup_fails_with::<Aosw>(
            recording,
            &Device::default(),
            r#"essential command "show running-config": the device refused it"#,
        );
    }

    #[test]
    fn inventory_drops_readings_and_strips_lines() {
        let out = "\r\nPower Supply 0   \t: Present\n\t\t: Output 1 Config \t: 12V 350W\n\t\t: Fan OK \t: Yes\nFan  0   \t: 8957 rpm (5.719 V),Speed Low\nMain Board Temperatures\t:\n\t: 1V2   1.20V sense 1.226 V\nispPAC_A  \t:\n";
        assert_eq!(
            Aosw::inventory(out),
            "#\n# Power Supply 0   \t: Present\n# : Fan OK \t: Yes\n# ispPAC_A  \t:\n"
        );
    }

    #[test]
    fn running_config_drops_banner_and_trailing_blanks() {
        let out = "\rBuilding Configuration...\n \nversion 8.10\nhostname \"c1\" \n    session-acl \"\"\ncontroller config 42\nend\n";
        assert_eq!(
            Aosw::running_config(out),
            "\nversion 8.10\nhostname \"c1\"\n    session-acl \"\"\nend\n"
        );
    }

    #[test]
    fn a_device_that_refuses_inventory_and_license_passphrase_is_backed_up_without_them() {
        let refused = r"\r\n     ^\r\n% Invalid input detected at '^' marker.\r\n\r\n(c1) #";
        let recording = format!(
            r#"init_prompt: "(c1) #"
commands:
  "no paging\n": "no paging\r\n(c1) #"
  "encrypt disable\n": "encrypt disable\r\n(c1) #"
  "show version\n": "show version\r\nArubaOS (MODEL: Aruba7210), Version 8.10.0.7\r\n(c1) #"
  "show inventory\n": "show inventory{refused}"
  "show slots\n": "show slots\r\nSlot 0 : present\r\n(c1) #"
  "show license\n": "show license\r\n(c1) #"
  "show license passphrase\n": "show license passphrase{refused}"
  "show running-config\n": "show running-config\r\nversion 8.10\r\nhostname \"c1\"\r\nend\r\n(c1) #"
  "exit\n": ""
"#
        );
        let backup = scripted::backup_without::<Aosw>(
            &recording,
            &Device::default(),
            &["show inventory", "show license passphrase"],
        );
        assert_eq!(
            backup.config,
            "# ArubaOS (MODEL: Aruba7210), Version 8.10.0.7\n# Slot 0 : present\n\nversion 8.10\nhostname \"c1\"\nend\n"
        );
    }

    #[test]
    fn clear_text_secrets_are_removed() {
        let cfg = "ike authentication pre-share AAAA\nsnmp-server community \"pub\"\nsnmp-server host 10.0.0.5 version 2c s3cr3t udp-port 162\nmgmt-user admin root 0123abcd\n   key \"k1\"\nwpa-passphrase \"p1\"\n";
        assert_eq!(
            Aosw::redact(cfg),
            "ike authentication pre-share <secret removed>\nsnmp-server community <secret removed>\nsnmp-server host 10.0.0.5 version 2c <secret removed> udp-port 162\nmgmt-user admin root <secret removed>\n   key <secret removed>\nwpa-passphrase <secret removed>\n"
        );
    }

    #[test]
    fn prompt_matches_conductor_and_config_modes() {
        let re = text::re(&format!("(?m){PROMPT}"));
        for p in [
            "(c1) [mynode] #",
            "(c1) *[mynode] (config) #",
            "(c1) ^[mm] #",
            "(Aruba7030) #",
            "(Aruba7030)(config) #",
            "(c1) >",
        ] {
            assert!(re.is_match(p), "{p}");
        }
        assert!(!re.is_match("Building Configuration..."));
    }
}
