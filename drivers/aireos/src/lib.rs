//! Cisco AireOS wireless LAN controllers: 2500, 5500, 8500, vWLC
//! (Oxidized model `aireos`).
//!
//! Checked against a session of a virtual controller (AIR-CTVM-K9) on an
//! 8.x release, stitched from published output of AireOS controllers (see
//! `tests/corpus/netraven/aireos#vWLC_AIR-CTVM-K9_8.x#source.md`):
//! Ansible's fixture of `show run-config commands`, ntc-templates' capture
//! of `show boot`, and the prompt, echoes, refusal and logout question of
//! published AireOS sessions.
//!
//! Session: the prompt is the controller's name in parentheses, a space
//! and `>` (`(Cisco Controller) >`). A controller asks for `User:` and
//! `Password:` again inside the SSH session, before its first prompt; the
//! driver's login starts at that prompt. After login the driver sends
//! `config paging disable`; a read-only user may not (AireOS answers
//! `Incorrect usage.`), which is logged; the controller then pages long
//! outputs with `--More-- or (q)uit`, which the driver answers with a
//! space. Logout
//! is `logout`, then `n` to the question the controller asks when its
//! configuration has unsaved changes (`Would you like to save them now?
//! (y/N)`); then it hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show udi` (optional) and `show boot` (optional), each stored as
//!   `# ` comments followed by an empty line;
//! - `show run-config commands` (essential): the configuration as the
//!   `config` commands that rebuild it, without their `config` word. A
//!   controller that refuses it fails the backup as `command_rejected`.
//!
//! Every output loses its echo and its prompt, then its blank lines, its
//! rogue alert lines (`rogue adhoc alert 00:...`, `rogue client Unknown
//! 00:...`: learned, not configured) and each line's leading and trailing
//! blanks, as Oxidized cleans it.
//!
//! AireOS refuses a command it does not know, or a user may not run, with
//! `Incorrect usage.  Use the '?' or <TAB> key to list commands.`, which the
//! SDK's refusal list does not hold: the driver looks for it itself. Where
//! a controller refuses `show udi` or `show boot`, Oxidized stores the
//! refusal as a comment; the driver leaves the command out (see the
//! case's `#oxidized.txt`).
//!
//! `redact` hides, keeping each keyword: RADIUS and TACACS+ shared secrets
//! (`radius auth add 1 10.0.0.5 1812 ascii SECRET`), WLAN pre-shared keys
//! (`wlan security wpa akm psk set-key ascii KEY 1`), management users'
//! passwords (`mgmtuser add NAME PASSWORD read-write`), SNMP community
//! names (`snmp community create NAME` and the lines that configure it)
//! and SNMPv3 user keys. Oxidized's model hides nothing. AireOS prints
//! most passwords as `****` already.
//!
//! `significant` is the whole backup: the rogue alert lines are already
//! gone, and nothing else changes without a configuration change.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Aireos;

/// The controller's name in parentheses, a space and `>`.
const PROMPT: &str = r"^(\([^()\r\n]+\) ?>\s?)$";

const PAGING_OFF: &str = "config paging disable";

/// The pager of a controller whose paging is still on (a read-only user).
const PAGER: &str = r"--More-- or \(q\)uit\s*$";

const SHOW_UDI: &str = "show udi";

const SHOW_BOOT: &str = "show boot";

const SHOW_CONFIG: &str = "show run-config commands";

/// Logout, and `n` to `Would you like to save them now? (y/N)`; when the
/// controller does not ask, it has hung up and the `n` goes nowhere.
const LOGOUT: &str = "logout\nn";

/// How AireOS refuses a command it does not know or a user may not run.
const INCORRECT_USAGE: &str = "Incorrect usage.";

/// Lines that change without a configuration change: rogue devices the
/// controller learned.
const ROGUE_ALERTS: &[&str] = &[r"rogue (adhoc|client) (alert|Unknown) [\da-f]{2}:"];

impl Driver for Aireos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "aireos",
            env!("CARGO_PKG_VERSION"),
            &["aireos"],
            PROMPT,
            "# ",
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        session.on_pattern(PAGER, " ")?;
        let raw = session.command(PAGING_OFF)?;
        if let Some(why) = aireos_refusal(&text::command_output(&raw)) {
            session.log(
                Level::Warn,
                &format!("{PAGING_OFF:?} refused ({why:?}): output may be paged"),
            );
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        for cmd in [SHOW_UDI, SHOW_BOOT] {
            if let Some(out) = optional(session, cmd)? {
                config.push_str(&text::comment(&clean(&out), "# "));
                config.push('\n');
            }
        }
        let raw = essential_refused_by(session, SHOW_CONFIG, &refused)?;
        config.push_str(&clean(&text::command_output(&raw)));
        Ok(Backup::config(config))
    }

    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send(LOGOUT)?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// An optional command's output without echo and prompt, or `None` when
/// the controller refused it (in the SDK's wording or AireOS's own).
fn optional(session: &mut dyn Session, cmd: &str) -> Result<Option<String>, DriverError> {
    let raw = optional_refused_by(session, cmd, &refused)?;
    Ok(raw.map(|raw| text::command_output(&raw)))
}

/// AireOS's own refusal in a command's whole output (echo, output, prompt).
fn refused(raw: &str) -> Option<String> {
    aireos_refusal(&text::command_output(raw)).map(String::from)
}

/// The line with AireOS's `Incorrect usage.` if it is the first line the
/// command printed.
fn aireos_refusal(output: &str) -> Option<&str> {
    output
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .filter(|l| l.starts_with(INCORRECT_USAGE))
}

/// Oxidized's cleaning of every AireOS output: blank lines and rogue
/// alerts go, every line is trimmed, each ends with `\n`.
fn clean(output: &str) -> String {
    let kept = text::drop_lines(output, ROGUE_ALERTS);
    let mut out = String::with_capacity(kept.len());
    for line in kept.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

/// Secret removal, line by line: `(needle, regex, replacement)`. Lines are
/// `show run-config commands` lines (no `config` word), trimmed.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `radius auth add 1 10.0.0.5 1812 ascii SECRET`, `radius acct add ...`,
    // `tacacs auth add 1 10.0.0.6 49 ascii SECRET`.
    (
        " add ",
        r"^((?:radius|tacacs) (?:auth|acct|athr) add \d+ \S+ \d+ (?:ascii|hex)) \S+",
        "$1 <secret hidden>",
    ),
    // `wlan security wpa akm psk set-key ascii KEY 1`.
    (
        "set-key",
        r"^(wlan security wpa akm psk set-key (?:ascii|hex)) \S+",
        "$1 <secret hidden>",
    ),
    // `mgmtuser add NAME PASSWORD read-write`.
    ("mgmtuser", r"^(mgmtuser add \S+) \S+", "$1 <secret hidden>"),
    // `snmp community create NAME`, `snmp community accessmode rw NAME`,
    // `snmp community ipaddr 10.0.0.0 255.0.0.0 NAME`, `... mode enable NAME`.
    (
        "snmp community",
        r"^(snmp community (?:create|delete|accessmode r[ow]|ipaddr \S+ \S+|mode (?:enable|disable)|ipsec (?:enable|disable))) \S+",
        "$1 <secret hidden>",
    ),
    // `snmp v3user create NAME ro hmacsha des AUTHKEY PRIVKEY`.
    (
        "v3user",
        r"^(snmp v3user create \S+ r[ow] \S+ \S+) \S+ \S+",
        "$1 <secret hidden> <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Aireos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Aireos>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Aireos>(CORPUS);
    }

    const P: &str = "(Cisco Controller) >";
    /// AireOS's answer to a command it does not know (a real session log).
    const REFUSAL: &str = "Incorrect usage.  Use the '?' or <TAB> key to list commands.";

    /// A session as the controller of the corpus answers it: each reply is
    /// the echo, a blank line, the output, a blank line and the prompt.
    fn recording(udi: &str, boot: &str, config: &str) -> String {
        let reply = |cmd: &str, out: &str| format!("\"{cmd}\\n\\n{out}\\n\\n{P}\"");
        format!(
            "init_prompt: '{P}'\ncommands:\n\
             \x20 - \"config paging disable\\n\": {}\n\
             \x20 - \"show udi\\n\": {}\n\
             \x20 - \"show boot\\n\": {}\n\
             \x20 - \"show run-config commands\\n\": {}\n\
             \x20 - \"logout\\n\": 'logout\\nThe system has unsaved changes.\\nWould you like to save them now? (y/N) '\n\
             \x20 - \"n\": ''\n",
            reply("config paging disable", REFUSAL),
            reply("show udi", udi),
            reply("show boot", boot),
            reply("show run-config commands", config),
        )
    }

    const BOOT: &str =
        "Primary Boot Image............................... 8.10.183.0 (default) (active)";
    const CONFIG: &str =
        "sysname router\\n\\ninterface create mtc-1 1\\n   interface vlan mtc-1 1  ";

    #[test]
    fn outputs_are_trimmed_and_blank_lines_dropped() {
        let backup =
            scripted::backup::<Aireos>(&recording(REFUSAL, BOOT, CONFIG), &Device::default())
                .expect("replayed whole");
        assert_eq!(
            backup.config,
            "# Primary Boot Image............................... 8.10.183.0 (default) (active)\n\n\
             sysname router\ninterface create mtc-1 1\ninterface vlan mtc-1 1\n"
        );
    }

    #[test]
    fn a_paged_configuration_is_read_to_its_end() {
        let recording = recording(REFUSAL, BOOT, CONFIG).replace(
            "\"show run-config commands\\n\\nsysname router",
            "\"show run-config commands\\n\\nsysname router\\n--More-- or (q)uit\"\n\
             \x20 - \" \": \"",
        );
        let backup =
            scripted::backup::<Aireos>(&recording, &Device::default()).expect("replayed whole");
        assert!(
            backup
                .config
                .ends_with("sysname router\ninterface create mtc-1 1\ninterface vlan mtc-1 1\n"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_configuration_fails() {
        scripted::backup_fails_with::<Aireos>(
            &recording(REFUSAL, BOOT, REFUSAL),
            &Device::default(),
            r#"essential command "show run-config commands": the device refused it: "Incorrect usage.  Use the '?' or <TAB> key to list commands.""#,
        );
    }

    #[test]
    fn rogue_alerts_are_dropped() {
        let out = clean(
            "sysname router\n  rogue adhoc alert 00:11:22:33:44:55\nrogue client Unknown 0a:bb:cc:dd:ee:ff\nrogue adhoc enable\n",
        );
        assert_eq!(out, "sysname router\nrogue adhoc enable\n");
    }

    #[test]
    fn prompt_takes_controller_names_and_refuses_other_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "(Cisco Controller) >",
            "(WLC-5520-01) >",
            "(wlc.example.net) > ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "(Cisco Controller) ",
            "User: ",
            "Password:",
            REFUSAL,
            "Would you like to save them now? (y/N) ",
            "Primary Boot Image............................... 8.10.183.0 (default) (active)",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_shared_secrets_keys_and_communities() {
        let cfg = "radius auth add 1 10.0.0.5 1812 ascii CANARYRAD\n\
                   radius acct add 1 10.0.0.5 1813 ascii CANARYACCT\n\
                   tacacs auth add 1 10.0.0.6 49 ascii CANARYTAC\n\
                   wlan security wpa akm psk set-key ascii CANARYPSK 1\n\
                   mgmtuser add netops CANARYUSER read-write\n\
                   snmp community create CANARYCOMM\n\
                   snmp community accessmode rw CANARYCOMM\n\
                   snmp community ipaddr 10.0.0.0 255.0.0.0 CANARYCOMM\n\
                   snmp v3user create ops rw hmacsha aescfb128 CANARYAUTH CANARYPRIV\n\
                   sysname router\n";
        let out = Aireos::redact(cfg);
        assert!(!out.contains("CANARY"), "a secret left in:\n{out}");
        for kept in [
            "radius auth add 1 10.0.0.5 1812 ascii <secret hidden>\n",
            "wlan security wpa akm psk set-key ascii <secret hidden> 1\n",
            "mgmtuser add netops <secret hidden> read-write\n",
            "snmp community create <secret hidden>\n",
            "snmp v3user create ops rw hmacsha aescfb128 <secret hidden> <secret hidden>\n",
            "sysname router\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
