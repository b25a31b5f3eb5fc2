//! Juniper (NetScreen) ScreenOS firewalls (Oxidized model `screenos`).
//!
//! Checked against a session of a NetScreen-5XP running ScreenOS 5.0.0r11.0
//! (see `tests/corpus/netraven/screenos#NS5XP_5.0.0r11.0#source.md`): the
//! ZipTie project's recorded replies of that firewall to `get system` and
//! `get config`, with the firewall's save question at logout as published
//! scripts and documents quote it.
//!
//! Session: the prompt is the hostname, an optional HA or vsys state in
//! parentheses, then `->` (`ns5xp-> `, `ns208(M)->`). After login the driver
//! sends `set console page 0` (no pager to answer), as Oxidized does. Logout
//! is `exit`; a firewall whose configuration was changed in the session
//! (the pager setting counts) asks `Configuration modified, save? [y]/n`,
//! and the driver answers `n`, so a backup never saves anything.
//!
//! Commands, in Oxidized's order:
//! - `get system` (optional), stored as `! ` comments, without the `Date …`
//!   and `Up …` lines (the clock and the uptime) and with the current
//!   bandwidth of each interface replaced by `<removed>`, as Oxidized does;
//! - `get config` (essential): a firewall that refuses it fails the backup
//!   as `command_rejected` instead of storing the comments alone. Its first
//!   line, `Total Config size N:`, goes.
//!
//! Every command's output loses its echo and the prompt, as Oxidized's model
//! cuts it. The backup is thus byte for byte what Oxidized stores.
//!
//! A refusal is ScreenOS's `unknown keyword …`.
//!
//! `redact` hides, keeping each keyword: the admin name and password, admin
//! user passwords, every `secret`, `password`, `hash-password` and
//! `preshare` value (RADIUS secrets, user hashes, IKE pre-shared keys), and,
//! beyond Oxidized, SNMP communities (`set snmp community "public" …`) and
//! the communities SNMP hosts are set with. Oxidized replaces everything
//! after such a keyword and, by a slip in its admin rule, drops the keyword
//! `set admin password` itself; here only the value goes, so the rest of the
//! line (a privilege, `sec-level`) stays. `significant` ignores the count of
//! device resets and the link state of each interface in `get system`,
//! which change without a configuration change.
//!
//! Device vars: none.

use std::time::Duration;

use netraven_driver_sdk::prelude::*;

pub struct ScreenOs;

/// The hostname, an optional `(M)`/`(B)`/vsys part, then `->`.
const PROMPT: &str = r"^([\w.:()-]+->\s?)$";

/// What `exit` asks when the session changed the configuration.
const SAVE_QUESTION: &str = r"save\? \[y\]/n\s?$";

/// How long logout waits for the save question before the firewall is
/// taken to have hung up.
const SAVE_QUESTION_WAIT: Duration = Duration::from_secs(10);

const SETUP: &str = "set console page 0";
const GET_SYSTEM: &str = "get system";
const GET_CONFIG: &str = "get config";

impl Driver for ScreenOs {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "screenos",
            env!("CARGO_PKG_VERSION"),
            &["screenos"],
            PROMPT,
            "! ",
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command(SETUP)?;

        let mut config = String::new();
        if let Some(raw) = session.optional(GET_SYSTEM)? {
            let system = clean_system(&text::command_output(&raw));
            config.push_str(&text::comment(&system, "! "));
        }

        let raw = session.essential(GET_CONFIG)?;
        // Without `Total Config size N:`.
        config.push_str(text::drop_first_lines(&text::command_output(&raw), 1));
        Ok(Backup::config(config))
    }

    /// `exit`, then `n` if the firewall asks whether to save.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        match session.read_until(SAVE_QUESTION, Some(SAVE_QUESTION_WAIT)) {
            Ok(_) => session.send("n")?,
            // Nothing changed: the firewall hung up at once.
            Err(SessionError::Closed(_) | SessionError::Timeout(_)) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(
            config,
            &[r"^! Total Device Resets: ", r"^!\s+link (?:up|down)\b"],
        )
    }
}

/// `get system` without the clock and the uptime, and without the current
/// bandwidth of each interface, as Oxidized cleans it.
fn clean_system(system: &str) -> String {
    text::replace_all(
        system,
        &[
            (r"(?m)^Date .*\n", ""),
            (r"(?m)^Up .*\n", ""),
            (r"(current bw ).*", "${1} <removed>"),
        ],
    )
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle. A value is a quoted string or a word;
/// a value already hidden (`<secret hidden>`) is left alone.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "set admin ",
        r#"^(set admin (?:name|password)) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "set admin user",
        r#"^(set admin user (?:"[^"]*"|[^\s<]\S*) password) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "secret",
        r#"((?:^|\s)secret) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "password",
        r#"((?:^|\s)(?:hash-)?password) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "preshare",
        r#"((?:^|\s)preshare) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "set snmp ",
        r#"^(set snmp (?:community|host)) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(ScreenOs);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<ScreenOs>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<ScreenOs>(CORPUS);
    }

    /// A session as the NS-5XP of the corpus answers it, with `system` and
    /// `config` as the replies after the echo, and `logout` as the steps
    /// after the last prompt.
    fn recording(system: &str, config: &str, logout: &str) -> String {
        let p = "ns5xp->\\x20";
        format!(
            "init_prompt: \"ns5xp-> \"\ncommands:\n\
             \x20 - \"set console page 0\\n\": \"set console page 0\\n{p}\"\n\
             \x20 - \"get system\\n\": \"get system\\n{system}{p}\"\n\
             \x20 - \"get config\\n\": \"get config\\n{config}{p}\"\n{logout}"
        )
    }

    const SYSTEM: &str = "Product Name: NS5XP\\nDate 10/05/2007 12:37:56, Daylight Saving Time enabled\\nUp 8881 hours 1 minutes 55 seconds Since 30 Sept 2006 11:36:01\\n";
    const CONFIG: &str = "Total Config size 3640:\\nset hostname ns5xp\\nexit\\n";
    const ASKS_TO_SAVE: &str =
        "  - \"exit\\n\": \"exit\\nConfiguration modified, save? [y]/n \"\n  - \"n\": \"\"\n";
    const HANGS_UP: &str = "  - \"exit\\n\": \"\"\n";
    const UNKNOWN: &str = "unknown keyword config\\n";

    #[test]
    fn the_backup_drops_the_clock_uptime_and_size_and_declines_to_save() {
        let backup = scripted::backup::<ScreenOs>(
            &recording(SYSTEM, CONFIG, ASKS_TO_SAVE),
            &Device::default(),
        )
        .expect("replayed whole");
        assert_eq!(
            backup.config,
            "! Product Name: NS5XP\nset hostname ns5xp\nexit\n"
        );
    }

    #[test]
    fn a_firewall_that_hangs_up_at_exit_is_fine() {
        scripted::backup::<ScreenOs>(&recording(SYSTEM, CONFIG, HANGS_UP), &Device::default())
            .expect("replayed whole");
    }

    #[test]
    fn a_firewall_that_refuses_get_system_is_backed_up_without_it() {
        let backup = scripted::backup_without::<ScreenOs>(
            &recording("unknown keyword system\\n", CONFIG, ASKS_TO_SAVE),
            &Device::default(),
            &["get system"],
        );
        assert_eq!(backup.config, "set hostname ns5xp\nexit\n");
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<ScreenOs>(
            &recording(SYSTEM, UNKNOWN, ASKS_TO_SAVE),
            &Device::default(),
            r#"essential command "get config": the device refused it: "unknown keyword config""#,
        );
    }

    #[test]
    fn prompt_takes_hostnames_with_ha_state_and_refuses_output() {
        let prompt = text::line_re(PROMPT);
        for p in ["ns5xp-> ", "nshsc-> ", "ns208(M)->", "ssg5-serial->"] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "Total Config size 3640:",
            "set hostname ns5xp",
            "Configuration modified, save? [y]/n ",
            "Interface trust:",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn get_system_loses_clock_uptime_and_current_bandwidth() {
        assert_eq!(
            clean_system(
                "A\nDate 10/05/2007 12:37:56, x\nUp 8881 hours\n  bandwidth: physical 10000kbps, configured 0kbps, current bw 12kbps\n"
            ),
            "A\n  bandwidth: physical 10000kbps, configured 0kbps, current bw  <removed>\n"
        );
    }

    #[test]
    fn redact_hides_admin_user_radius_ike_and_snmp_secrets() {
        let cfg = "set auth-server \"vm-rme\" radius secret \"cisco\"\n\
                   set admin name \"testlab\"\n\
                   set admin password \"nP9TAKrcN2+CcdPO0sMERHMtNsAmdn\"\n\
                   set admin user \"ops\" password \"OPSHASH\" privilege \"all\"\n\
                   set user \"testlab\" hash-password \"02ihMFpiS/ROXFYKkgMn+7TCTaEZwNgjssZiM=\"\n\
                   set ike gateway \"gw1\" address 192.0.2.1 Main outgoing-interface \"untrust\" preshare \"PSKVALUE\" sec-level standard\n\
                   set snmp community \"public\" Read-Write Trap-on  traffic version v1\n\
                   set snmp host \"public\" 10.0.0.0 255.0.0.0 \n";
        let out = ScreenOs::redact(cfg);
        for secret in [
            "cisco",
            "testlab\"\n",
            "nP9TAKrcN2",
            "OPSHASH",
            "02ihMFpiS",
            "PSKVALUE",
            "public",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "set auth-server \"vm-rme\" radius secret <secret hidden>\n",
            "set admin name <secret hidden>\n",
            "set admin password <secret hidden>\n",
            "set admin user \"ops\" password <secret hidden> privilege \"all\"\n",
            "set user \"testlab\" hash-password <secret hidden>\n",
            "preshare <secret hidden> sec-level standard\n",
            "set snmp community <secret hidden> Read-Write Trap-on  traffic version v1\n",
            "set snmp host <secret hidden> 10.0.0.0 255.0.0.0 \n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_ignores_resets_and_link_state() {
        let before = "! Total Device Resets: 2, Last Device Reset at: 04/01/2005 15:02:45\n! Interface trust:\n!   link up, phy-link up/half-duplex\nset hostname ns5xp\n";
        let after = "! Total Device Resets: 3, Last Device Reset at: 05/01/2005 15:02:45\n! Interface trust:\n!   link down, phy-link down\nset hostname ns5xp\n";
        assert_eq!(ScreenOs::significant(before), ScreenOs::significant(after));
        assert_eq!(
            ScreenOs::significant(before),
            "! Interface trust:\nset hostname ns5xp\n"
        );
    }
}
