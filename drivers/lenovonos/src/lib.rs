//! Lenovo Enterprise Network OS (ENOS, formerly IBM Networking OS / BLADE
//! OS) on RackSwitch and Flex System switches, in its industry-standard CLI
//! (ISCLI) (Oxidized model `lenovonos`).
//!
//! Checked against a session of a RackSwitch G8272 running ENOS 8.4.3.12,
//! built from Ansible's captures of that switch's `show version` and
//! `show running-config` (see
//! `tests/corpus/netraven/lenovonos#G8272_ENOS_8.4.3.12#source.md`).
//!
//! Session: the prompt is the hostname and `#` (privileged) or `>` (user);
//! the factory hostname holds a space (`RS G8272#`), which the prompt
//! takes. A switch that asks which CLI to use
//! (`Select Command Line Interface mode (ibmnos-cli/iscli):`) is answered
//! `iscli`. After login the driver runs `enable` when the device var says
//! so, then `terminal-length 0`. Logout is `exit`; the switch hangs up.
//!
//! Commands, in Oxidized's order, each stored as `! ` comments under a
//! `=== show ... ===` header line and followed by an empty comment line:
//! - `show version` (optional), without the lines that change by
//!   themselves: the clock (`System Information at`), the uptime, the last
//!   boot, the temperatures, the power consumption and the fans' speeds
//!   (lines starting `Fan`);
//! - `show boot`, `show transceiver`, `show software-key` (optional);
//! - `show running-config` (essential), without its `Current
//!   configuration:` header. A switch that refuses it fails the backup as
//!   `command_rejected`, and a configuration that does not close with
//!   `end` was cut short and fails too.
//!
//! Every output loses its echo and its prompt, and ENOS's refusal lines
//! (`% Invalid input detected at '^' marker.` and the caret line) are
//! blanked, as Oxidized cleans them. Where the switch refuses an optional
//! command, Oxidized still stores its header and empty comment lines; the
//! driver leaves the command out (see the case's `#oxidized.txt`).
//!
//! `redact` hides, keeping each keyword: the enable password, local users'
//! passwords (`access user N password`), SNMP communities
//! (`snmp-server read-community`, `write-community`, ...), TACACS+ and NTP
//! encrypted keys (`ekey`, `md5-ekey`) and every quoted hexadecimal
//! `password` or `ekey` value, as Oxidized's secret removal does.
//!
//! `significant` is the whole backup: Oxidized's cleaning already drops
//! every volatile line of `show version`.
//!
//! Device vars:
//! - `enable = "true"`: run `enable` after login (the host types the enable
//!   secret if the switch asks for a password);
//! - `remove_unstable_lines = "true"`: ENOS prints each encrypted password
//!   and key with a new salt at every `show running-config`; hide those
//!   values (`<unstable line hidden>`) so that they do not look like a
//!   change at each backup.

use netraven_driver_sdk::prelude::*;

pub struct LenovoNos;

/// The hostname (one space allowed, as in the factory `RS G8272`), then
/// `#` or `>`.
const PROMPT: &str = r"^([\w.@()-]+(?: [\w.@()-]+)?[#>]\s?)$";

const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

/// ENOS asks which CLI to use when no default is saved.
const CLI_MODE_QUESTION: &str = r"Select Command Line Interface mode.*iscli.*:\s*$";

const PAGING_OFF: &str = "terminal-length 0";

const SHOW_VERSION: &str = "show version";

/// The optional commands after `show version`, stored as they come.
const INVENTORY: &[&str] = &["show boot", "show transceiver", "show software-key"];

const SHOW_CONFIG: &str = "show running-config";

/// Lines of `show version` that change without a configuration change.
const VOLATILE_VERSION: &[&str] = &[
    r"^System Information at",
    r"^Switch has been up for",
    r"^Last boot:",
    r"^Temperature ",
    r"^Power Consumption",
    r"^Fan",
];

/// ENOS's refusal and its caret line, blanked in every output.
const REFUSAL_LINES: &[(&str, &str)] = &[(
    r"(?m)^% Invalid input detected at '\^' marker\.$|^\s+\^$",
    "",
)];

/// The header line of `show running-config`.
const CONFIG_HEADER: &str = r"^Current configuration:[^\n]*\n";

impl Driver for LenovoNos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "lenovonos",
            env!("CARGO_PKG_VERSION"),
            &["lenovonos"],
            PROMPT,
            "! ",
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.on_pattern(CLI_MODE_QUESTION, "iscli\n")?;
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            let prompt = login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
            if !prompt.trim_end().ends_with('#') {
                session.log(Level::Warn, "enable did not reach privileged mode");
            }
        }
        session.command(PAGING_OFF)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(raw) = session.optional(SHOW_VERSION)? {
            let version = text::drop_lines(&cleaned(&raw), VOLATILE_VERSION);
            config.push_str(&section(SHOW_VERSION, &version));
        }
        for cmd in INVENTORY {
            if let Some(raw) = session.optional(cmd)? {
                config.push_str(&section(cmd, &cleaned(&raw)));
            }
        }

        let raw = session.essential(SHOW_CONFIG)?;
        let running = text::replace_all(&cleaned(&raw), &[(CONFIG_HEADER, "")]);
        complete(SHOW_CONFIG, &running, "end")?;
        if device.flag("remove_unstable_lines") {
            config.push_str(&text::replace_in_lines(&running, UNSTABLE_RULES));
        } else {
            config.push_str(&running);
        }
        Ok(Backup::config(config))
    }

    /// Log out; the switch hangs up, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// A command's output without echo and prompt, ENOS's refusal lines blank.
fn cleaned(raw: &str) -> String {
    text::replace_all(&text::command_output(raw), REFUSAL_LINES)
}

/// `output` under a `=== cmd ===` header, then an empty line, all as `! `
/// comments.
fn section(cmd: &str, output: &str) -> String {
    text::comment(&format!("=== {cmd} ===\n{output}\n"), "! ")
}

/// Secret removal, line by line: `(needle, regex, replacement)`.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "enable password",
        r"^(enable password) \S+(.*)",
        "$1 <secret hidden>$2",
    ),
    (
        "access user",
        r"^(access user \S+ password) \S+(.*)",
        "$1 <secret hidden>$2",
    ),
    (
        "-community",
        r"^(snmp-server \S+-community) \S+(.*)",
        "$1 <secret hidden>$2",
    ),
    (
        "tacacs-server",
        r"^(tacacs-server \S+ \S+ ekey) \S+(.*)",
        "$1 <secret hidden>$2",
    ),
    (
        "md5-ekey",
        r"^(ntp message-digest-key \S+ md5-ekey) \S+(.*)",
        "$1 <secret hidden>$2",
    ),
    (
        " password ",
        r#"(.* password )"[0-9a-f]+"(.*)"#,
        "$1<secret hidden>$2",
    ),
    (
        "ekey ",
        r#"(.*ekey )"[0-9a-f]+"(.*)"#,
        "$1<secret hidden>$2",
    ),
];

/// Encrypted values re-salted at every `show running-config` (device var
/// `remove_unstable_lines`).
const UNSTABLE_RULES: &[(&str, &str, &str)] = &[
    (
        " password ",
        r#"(.* password )"[0-9a-f]+"(.*)"#,
        "$1<unstable line hidden>$2",
    ),
    (
        " administrator-password ",
        r#"(.* administrator-password )"[0-9a-f]+"(.*)"#,
        "$1<unstable line hidden>$2",
    ),
    (
        "ekey ",
        r#"(.*ekey )"[0-9a-f]+"(.*)"#,
        "$1<unstable line hidden>$2",
    ),
];

netraven_driver_sdk::export_driver!(LenovoNos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<LenovoNos>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<LenovoNos>(CORPUS);
    }

    const P: &str = "test1#";
    /// ENOS's refusal of a command it does not know.
    const REFUSED: &str = "% Invalid input detected at '^' marker.\\n";

    /// A session of the corpus's switch, `version`, `boot` and `config` as
    /// what the commands print between their echo and the prompt.
    fn recording(version: &str, boot: &str, config: &str) -> String {
        format!(
            "init_prompt: '{P}'\ncommands:\n\
             \x20 \"terminal-length 0\\n\": \"terminal-length 0\\n{P}\"\n\
             \x20 \"show version\\n\": \"show version\\n{version}{P}\"\n\
             \x20 \"show boot\\n\": \"show boot\\n{boot}{P}\"\n\
             \x20 \"show transceiver\\n\": \"show transceiver\\n{REFUSED}{P}\"\n\
             \x20 \"show software-key\\n\": \"show software-key\\n{REFUSED}{P}\"\n\
             \x20 \"show running-config\\n\": \"show running-config\\n{config}{P}\"\n\
             \x20 \"exit\\n\": ''\n"
        )
    }

    const VERSION: &str = "System Information at 11:37:06 Fri Oct 27, 2017\\nLenovo RackSwitch G8272\\nSwitch has been up for 30 days.\\nTemperature Ambient         : 32 C\\nFan 1 Module 1:  4054rpm\\n    Fan Faults: None\\n";
    const CONFIG: &str = "Current configuration:\\n!\\nhostname \\\"test1\\\"\\nsnmp-server read-community \\\"public\\\"\\nend\\n\\n";

    #[test]
    fn volatile_version_lines_go_and_each_section_has_its_header() {
        let backup = scripted::backup::<LenovoNos>(
            &recording(
                VERSION,
                "Current running image version: 8.4.3.12\\n",
                CONFIG,
            ),
            &Device::default(),
        )
        .expect("replayed whole");
        assert_eq!(
            backup.config,
            "! === show version ===\n! Lenovo RackSwitch G8272\n!     Fan Faults: None\n! \n\
             ! === show boot ===\n! Current running image version: 8.4.3.12\n! \n\
             !\nhostname \"test1\"\nsnmp-server read-community \"public\"\nend\n\n"
        );
    }

    #[test]
    fn a_refused_configuration_fails() {
        scripted::backup_fails_with::<LenovoNos>(
            &recording(VERSION, REFUSED, REFUSED),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_fails() {
        scripted::backup_fails_with::<LenovoNos>(
            &recording(
                VERSION,
                REFUSED,
                "Current configuration:\\n!\\nhostname \\\"test1\\\"\\n",
            ),
            &Device::default(),
            r#"essential command "show running-config": the configuration stops at "hostname \"test1\"", before its closing "end": cut short"#,
        );
    }

    #[test]
    fn unstable_lines_are_hidden_when_asked() {
        let config =
            "Current configuration:\\n!\\naccess user 1 password \\\"a1b2c3d4\\\"\\nend\\n";
        let device = Device::with_vars(&[("remove_unstable_lines", "true")]);
        let backup = scripted::backup::<LenovoNos>(&recording(VERSION, REFUSED, config), &device)
            .expect("replayed whole");
        assert!(
            backup
                .config
                .contains("access user 1 password <unstable line hidden>\n"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn prompt_takes_factory_and_set_hostnames() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "test1#",
            "RS G8272#",
            "RS G8272>",
            "G8272#",
            "G8272(config)#",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "Current configuration:",
            "% Invalid input detected at '^' marker.",
            "hostname \"test1\"",
            "!",
            "Select Command Line Interface mode (ibmnos-cli/iscli): ",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_passwords_communities_and_keys() {
        let cfg = "enable password CANARYEN\n\
                   access user 1 password \"c0ffee01\"\n\
                   snmp-server read-community \"CANARYRO\"\n\
                   snmp-server write-community \"CANARYRW\"\n\
                   tacacs-server primary-host 10.0.0.1 ekey \"deadbeef\"\n\
                   ntp message-digest-key 1 md5-ekey \"feedface\"\n\
                   hostname \"test1\"\n";
        let out = LenovoNos::redact(cfg);
        for secret in ["CANARY", "c0ffee01", "deadbeef", "feedface"] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "enable password <secret hidden>\n",
            "access user 1 password <secret hidden>\n",
            "snmp-server read-community <secret hidden>\n",
            "tacacs-server primary-host 10.0.0.1 ekey <secret hidden>\n",
            "ntp message-digest-key 1 md5-ekey <secret hidden>\n",
            "hostname \"test1\"\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
