//! HP ProCurve / ArubaOS-Switch (Oxidized model `procurve`).
//!
//! Checked against a session of an HP E2910al-48G-PoE (J9148A) running
//! W.15.08.0012, stitched from published output (see
//! `tests/corpus/netraven/procurve#E2910al-48G-PoE_W.15.08#source.md`):
//! napalm-procurve's running configuration of that switch and
//! ntc-templates' `show system` of a K.15.06 ProCurve (the same release
//! train). No published output of `show version`, `show modules`, `show
//! interfaces transceiver`, `show flash` or `show system-information` was
//! found; the recording refuses them as ProCurve refuses a command it does
//! not take, which exercises their being optional.
//!
//! Session: the prompt is the hostname (which may hold spaces, `ProCurve
//! Switch 2610-48`) then `# ` (manager) or `> ` (operator); a context such
//! as `(config)` is not a prompt here. Over SSH the switch paints its
//! screen with VT100 codes, which the host strips; a `Press any key to
//! continue` banner before the first prompt is answered with a space, and
//! so is the `Enter switch number` question of a stack commander. After
//! login the driver sends `no page` (no pager to answer). Logout is
//! `logout`, `y` to "Do you want to log out" and `n` to "Do you want to
//! save current configuration", in one write as Oxidized sends them.
//!
//! Commands, in Oxidized's order, each output without its echo and prompt
//! lines, with power readings (`... AC 120V/240V  37 ...`) replaced by
//! `<removed>`:
//! - `show version`, `show modules`, `show interfaces transceiver`, `show
//!   flash` (optional), stored as `! ` comments;
//! - `show system-information` (optional; older releases), without its last
//!   seven lines (CPU, memory and buffer counters). Oxidized also drops the
//!   final line ending there, so the next comment is glued to its last line;
//!   this driver keeps the line ending;
//! - `show system information` (optional; newer releases), without the
//!   lines of CPU use, uptime, memory and buffer counters;
//! - `show running-config` (essential): a switch that refuses it fails the
//!   backup as `command_rejected`. The configuration has no closing line to
//!   check.
//!
//! The refusal is `Invalid input: <word>` (Oxidized drops such lines, as
//! not every model knows every command); `text::REFUSALS` knows it.
//!
//! `redact` hides, keeping each keyword: SNMP communities (as Oxidized),
//! the community of an SNMP trap receiver, RADIUS and TACACS+ keys (as
//! Oxidized, plus `encrypted-key`), the manager/operator password hashes
//! that `include-credentials` adds, and SNMPv3 user keys. `significant`
//! changes nothing: the volatile lines are already left out of the backup.
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login, as Oxidized does when its
//!   `enable` var is set (the host types the enable secret when asked).

use netraven_driver_sdk::prelude::*;

pub struct Procurve;

/// The hostname, then `#` or `>` and a space; a carriage return may come
/// first. No parentheses: `sw(config)# ` is a context, not the exec prompt.
const PROMPT: &str = r"^\r?[\w.-][\w .-]*[#>] ?$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

/// The banner's pause before the first prompt, and a stack's question.
const PRESS_ANY_KEY: &str = r"Press any key to continue[ \t]*$";
const SWITCH_NUMBER: &str = r"Enter switch number[^\n]*$";

/// Informational commands stored as `! ` comments as they come.
const COMMENTED: [&str; 4] = [
    "show version",
    "show modules",
    "show interfaces transceiver",
    "show flash",
];

const SYSTEM_INFORMATION_OLD: &str = "show system-information";
const SYSTEM_INFORMATION: &str = "show system information";
const SHOW_CONFIG: &str = "show running-config";

/// Lines of `show system information` that change by themselves.
const VOLATILE: &[&str] = &["CPU", "Up Time", "Total", "Free", "Lowest", "Missed"];

impl Driver for Procurve {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "procurve",
            env!("CARGO_PKG_VERSION"),
            &["procurve"],
            PROMPT,
            "! ",
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.on_pattern(PRESS_ANY_KEY, " ")?;
        session.on_pattern(SWITCH_NUMBER, "\n")?;
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("no page")?;

        let mut config = String::new();
        for command in COMMENTED {
            if let Some(out) = optional(session, command)? {
                config.push_str(&text::comment(&out, "! "));
            }
        }
        if let Some(out) = optional(session, SYSTEM_INFORMATION_OLD)? {
            config.push_str(&text::comment(&without_last_lines(&out, 7), "! "));
        }
        if let Some(out) = optional(session, SYSTEM_INFORMATION)? {
            let stable = text::lines(&out)
                .filter(|line| !VOLATILE.iter().any(|word| line.contains(word)))
                .collect::<String>();
            config.push_str(&text::comment(&stable, "! "));
        }

        let raw = session.essential(SHOW_CONFIG)?;
        config.push_str(&clean(&raw));
        Ok(Backup::config(config))
    }

    /// `logout`, yes to logging out, no to saving: the switch hangs up.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("logout\ny\nn\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// An optional command's output, cleaned; `None` when the switch refused it.
fn optional(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
    Ok(session.optional(command)?.map(|raw| clean(&raw)))
}

/// A command's whole output cleaned as Oxidized cleans every output: unix
/// line endings, without the echo and the prompt, without a carriage
/// return or VT100 code left at a line start, power readings replaced, and
/// without the `Invalid input: ...` lines of a refused keyword.
fn clean(raw: &str) -> String {
    let cut = text::command_output(raw);
    let plain = text::strip_ansi(&text::remove_lone_cr(&cut));
    let lines = text::drop_lines(&plain, &[r"^Invalid input: [A-Za-z-]+$"]);
    text::replace_all(
        &lines,
        &[(
            r"(?m)^(.*AC [0-9]{3}V/?(?:[0-9]{3}V)?) *[0-9]{1,3} (.*)$",
            "$1 <removed> $2",
        )],
    )
}

/// `text` without its last `n` lines, blank trailing lines not counted
/// (as Ruby's `split("\n")` drops them), with a final line ending kept.
fn without_last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
    if text.trim_end_matches('\n').is_empty() || lines.len() <= n {
        return String::new();
    }
    let mut kept = lines[..lines.len() - n].join("\n");
    kept.push('\n');
    kept
}

/// Secret removal, line by line: `(needle, regex, replacement)`, keeping
/// the keyword that names each secret.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "snmp-server community",
        r"^(snmp-server community) \S+",
        "$1 <secret hidden>",
    ),
    // `snmp-server host 10.0.0.1 community "public"` (K/W/YA releases) or
    // `snmp-server host 10.0.0.1 "public"` (older ones).
    (
        "snmp-server host",
        r"^(snmp-server host \S+(?: community)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "-server",
        r"^((?:radius|tacacs)-server host \S+ (?:encrypted-)?key) \S+",
        "$1 <secret hidden>",
    ),
    (
        "-server",
        r"^((?:radius|tacacs)-server (?:encrypted-)?key) \S+",
        "$1 <secret hidden>",
    ),
    // `password manager user-name "admin" sha1 "..."` (include-credentials).
    (
        "password ",
        r"^(password (?:manager|operator|port-access)(?: user-name \S+)? (?:sha1|sha-256|plaintext|encrypted)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmpv3 user",
        r"^(snmpv3 user \S+ auth (?:md5|sha)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmpv3 user",
        r"^(snmpv3 user .* priv(?: des| aes)?) \S+$",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Procurve);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Procurve>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Procurve>(CORPUS);
    }

    const P: &str = "HP-E2910al-48G-PoE# ";

    /// A session in the corpus switch's words: `replies` answer (after the
    /// echo) `show version`, `show modules`, `show interfaces transceiver`,
    /// `show flash`, `show system-information`, `show system information`
    /// and `show running-config`, in that order.
    fn recording(replies: [&str; 7]) -> String {
        let commands = [
            "show version",
            "show modules",
            "show interfaces transceiver",
            "show flash",
            "show system-information",
            "show system information",
            "show running-config",
        ];
        let mut yaml =
            format!("init_prompt: '{P}'\ncommands:\n  - \"no page\\n\": 'no page\\n{P}'\n");
        for (command, reply) in commands.iter().zip(replies) {
            yaml.push_str(&format!("  - \"{command}\\n\": '{command}\\n{reply}{P}'\n"));
        }
        yaml.push_str("  - \"logout\\ny\\nn\\n\": ''\n");
        yaml
    }

    fn refused(word: &str) -> String {
        format!("Invalid input: {word}\\n")
    }

    const SYSTEM: &str = "\\n Status and Counters - General System Information\\n\\n  System Name        : HP_Procurve-01\\n  Software revision  : K.15.06.0017         Base MAC Addr      : 7446a0-41a56f\\n  Up Time            : 15 days              Memory   - Total   : 128,380,928\\n  CPU Util (%)       : 22                              Free    : 61,999,280\\n\\n";
    const CONFIG: &str = "\\nRunning configuration:\\n\\n; J9148A Configuration Editor; Created on release #W.15.08.0012\\nhostname \"HP-E2910al-48G-PoE\"\\npassword manager\\n\\n";

    #[test]
    fn system_information_loses_its_counters() {
        let flash = "Image           Size (bytes) Date     Version\\nPrimary Image   :   1234 03/08/12 W.15.08.0012\\n";
        let backup = scripted::backup_without::<Procurve>(
            &recording([
                &refused("version"),
                &refused("modules"),
                &refused("transceiver"),
                flash,
                &refused("system-information"),
                SYSTEM,
                CONFIG,
            ]),
            &Device::default(),
            &[
                "show version",
                "show modules",
                "show interfaces transceiver",
                "show system-information",
            ],
        );
        assert_eq!(
            backup.config,
            "! Image           Size (bytes) Date     Version\n\
             ! Primary Image   :   1234 03/08/12 W.15.08.0012\n\
             ! \n!  Status and Counters - General System Information\n! \n\
             !   System Name        : HP_Procurve-01\n\
             !   Software revision  : K.15.06.0017         Base MAC Addr      : 7446a0-41a56f\n! \n\
             \nRunning configuration:\n\n; J9148A Configuration Editor; Created on release #W.15.08.0012\n\
             hostname \"HP-E2910al-48G-PoE\"\npassword manager\n\n"
        );
    }

    #[test]
    fn a_switch_that_refuses_every_optional_command_is_backed_up_with_its_config() {
        let backup = scripted::backup_without::<Procurve>(
            &recording([
                &refused("version"),
                &refused("modules"),
                &refused("transceiver"),
                &refused("flash"),
                &refused("system-information"),
                &refused("information"),
                CONFIG,
            ]),
            &Device::default(),
            &[
                "show version",
                "show modules",
                "show interfaces transceiver",
                "show flash",
                "show system-information",
                "show system information",
            ],
        );
        assert!(backup.config.starts_with("\nRunning configuration:\n"));
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Procurve>(
            &recording([
                &refused("version"),
                &refused("modules"),
                &refused("transceiver"),
                &refused("flash"),
                &refused("system-information"),
                SYSTEM,
                &refused("running-config"),
            ]),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "Invalid input: running-config""#,
        );
    }

    #[test]
    fn the_banner_pause_is_answered_and_enable_types_the_secret() {
        let session = scripted::login::<Procurve>(
            "init_prompt: 'HP J9148A Switch 2910al-48G-PoE\\nPress any key to continue'\ncommands:\n  - \" \": '\\nsw1> '\n  - \"enable\\n\": 'enable\\nPassword: '\n  - \"<enable>\\n\": '\\nsw1# '\n",
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("login works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn system_information_old_style_loses_its_last_seven_lines() {
        let out = "a\nb\nc\nd\ne\nf\ng\nh\ni\n\n";
        assert_eq!(without_last_lines(out, 7), "a\nb\n");
        assert_eq!(without_last_lines("a\nb\n", 7), "");
        assert_eq!(without_last_lines("", 7), "");
    }

    #[test]
    fn clean_cuts_echo_and_prompt_and_hides_power_readings() {
        let raw = "show system information\r\n\rPower Supply 1 AC 120V/240V  37 Watts\r\n\x1b[24;1HInvalid input: flash\r\nsw1# ";
        assert_eq!(clean(raw), "Power Supply 1 AC 120V/240V <removed> Watts\n");
    }

    #[test]
    fn prompt_takes_hostnames_with_spaces_and_refuses_contexts_and_config_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "HP-E2910al-48G-PoE# ",
            "HP-E2910al-48G-PoE> ",
            "ProCurve Switch 2610-48# ",
            "\rHP_Procurve-01# ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "HP-E2910al-48G-PoE(config)# ",
            "ProCurve Switch 2610-48(vlan-137)# ",
            "Running configuration:",
            "; J9148A Configuration Editor; Created on release #W.15.08.0012",
            "hostname \"HP-E2910al-48G-PoE\"",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn significant_keeps_the_whole_backup() {
        // The counters of `show system information` never reach the backup.
        let cfg = "!   Software revision  : K.15.06.0017\nhostname \"sw1\"\n";
        assert_eq!(Procurve::significant(cfg), cfg);
    }

    #[test]
    fn redact_hides_communities_keys_and_hashes() {
        let cfg = "snmp-server community \"public\" unrestricted\n\
                   snmp-server host 192.0.2.1 community \"TRAPCOMM\" trap-level all\n\
                   snmp-server host 192.0.2.2 \"OLDCOMM\"\n\
                   radius-server host 192.0.2.3 key \"RADKEY\"\n\
                   radius-server key RADGLOBAL\n\
                   tacacs-server host 192.0.2.4 key TACKEY\n\
                   tacacs-server key TACGLOBAL\n\
                   radius-server host 192.0.2.5 encrypted-key \"ENCKEY\"\n\
                   password manager user-name \"admin\" sha1 \"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8\"\n\
                   snmpv3 user \"ops\" auth sha \"AUTHPW\" priv aes \"PRIVPW\"\n\
                   password manager\n";
        let out = Procurve::redact(cfg);
        for secret in [
            "public",
            "TRAPCOMM",
            "OLDCOMM",
            "RADKEY",
            "RADGLOBAL",
            "TACKEY",
            "TACGLOBAL",
            "ENCKEY",
            "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
            "AUTHPW",
            "PRIVPW",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "snmp-server community <secret hidden> unrestricted\n",
            "snmp-server host 192.0.2.1 community <secret hidden> trap-level all\n",
            "radius-server host 192.0.2.3 key <secret hidden>\n",
            "tacacs-server key <secret hidden>\n",
            "password manager user-name \"admin\" sha1 <secret hidden>\n",
            "snmpv3 user \"ops\" auth sha <secret hidden> priv aes <secret hidden>\n",
            "password manager\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
