//! Hirschmann HiOS (Oxidized model `hios`): the Industrial Operating System
//! of Hirschmann/Belden GREYHOUND, BOBCAT, RSP, MSP and DRAGON switches.
//!
//! Checked against a session of a GREYHOUND GRS1042 running HiOS-3A-09.4.04,
//! stitched from published output of that one switch (see
//! `tests/corpus/netraven/hios#GRS1042_HiOS-3A-09.4.04#source.md`): the
//! napalm-hios project's live test of the switch (the running configuration)
//! and its test fixture of `show system info`; the prompt is the one
//! HiOS clients document for a GRS1042.
//!
//! Session: the prompt is the device type in parentheses, then `>` in user
//! mode and `#` after `enable` (`(GRS)>`, `(GRS)#`), with a leading `!`
//! (a security-status alarm) and `*` (unsaved changes) when they apply
//! (`!*(BRS)>`); a space before the `>` is taken too. Configuration-mode
//! prompts (`(GRS)(config)#`) are not prompts here. Oxidized's own prompt for this model wants square
//! brackets (`[GRS1042]>`), a form this driver takes too, but a HiOS switch
//! with its default prompt never shows it: Oxidized stops at login there
//! with `PromptUndetect` and stores nothing.
//!
//! After login the driver sends `enable`, as Oxidized does (answering a
//! password prompt with the enable secret when the switch asks), then
//! `cli numlines 0`, which turns the pager off for the session, as netmiko
//! and napalm-hios do on HiOS (the published configuration was captured so).
//! Oxidized does not send it and answers each `--More--` with `n` instead;
//! with paging off no pager comes, so this driver answers none. Logout is
//! `logout`, then `Y`, as Oxidized sends them (the answer to HiOS's question
//! when the session ends); the switch hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show system info` (optional), stored as `## ` comments, without the
//!   lines that change by themselves: `System uptime`, `Operating hours`,
//!   `System date and time` and `Current temperature`;
//! - `show running-config script` (essential): the configuration as a CLI
//!   script. A switch that refuses it fails the backup as `command_rejected`
//!   instead of storing the comments alone, and a script that does not close
//!   with `exit` (it leaves configuration mode at its end) was cut short and
//!   fails too.
//!
//! Each output loses its first line and its last one (the echo and the
//! prompt), as Oxidized cuts them, so the backup is byte for byte what
//! Oxidized stores for the same outputs.
//!
//! A refusal is recognised by the SDK's usual wording (`text::REFUSALS`);
//! no published HiOS session shows the switch's own wording for an unknown
//! command, so none is added for HiOS.
//!
//! `redact`: HiOS already masks passwords in the script (`! users password
//! user "********"`); this driver hides them again, keeping each keyword, in
//! case a release prints them: user passwords (`users password <user>`),
//! any other value that closes a line after `password`, `secret` or `key`
//! (RADIUS, remote backup, OPC UA users, OSPF keys), and the last word of an
//! `snmp ... community` line. Oxidized hides nothing for this model.
//! `significant` ignores the `## Configuration state ...` lines of
//! `show system info`, which change when the configuration is saved, not
//! when it changes.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Hios;

/// The device type in parentheses (Oxidized's form: in square brackets),
/// after an optional `!` and `*`, then `>` or `#`. A carriage return may
/// come first on a console.
const PROMPT: &str = r"^(\r?[!*]{0,2}(?:\([^()\r\n]+\)|\[[^\[\]\r\n]+\]) ?[>#]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

/// Turns the pager off for this session.
const NO_PAGER: &str = "cli numlines 0";

const SYSTEM_INFO: &str = "show system info";

const SHOW_CONFIG: &str = "show running-config script";

/// Lines of `show system info` that change without a configuration change.
const VOLATILE_INFO: &[&str] = &[
    r"^System uptime",
    r"^Operating hours",
    r"^System date",
    r"^Current temperature",
];

impl Driver for Hios {
    fn info() -> DriverInfo {
        DriverInfo::shell("hios", env!("CARGO_PKG_VERSION"), &["hios"], PROMPT, "## ")
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command(NO_PAGER)?;

        let mut config = String::new();
        if let Some(raw) = session.optional(SYSTEM_INFO)? {
            let info = text::drop_lines(&text::command_output(&raw), VOLATILE_INFO);
            config.push_str(&text::comment(&info, "## "));
        }

        let raw = session.essential(SHOW_CONFIG)?;
        let script = text::command_output(&raw);
        // The script leaves configuration mode at its end: without that
        // `exit`, it was cut short.
        complete(SHOW_CONFIG, &script, "exit")?;
        config.push_str(&script);
        Ok(Backup::config(config))
    }

    /// `logout` and the `Y` that confirms it; the switch hangs up, so no
    /// prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("logout\nY\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^## Configuration state "])
    }
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle, each keeping the keyword that names
/// the secret and hiding its value (and the spaces HiOS leaves after it).
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `users password <user> "<password>"`, commented out or not.
    (
        "users password",
        r"^(!? ?users password \S+) \S.*$",
        "$1 <secret hidden>",
    ),
    // A value that closes the line after the keyword (a word of its own,
    // so `<secret hidden>` is not taken for one), quoted or not; an empty
    // `""` stays.
    (
        "password",
        r#"^((?:.*\s)?password) +(?:"[^"]+"|[^"\s]\S*)( *)$"#,
        "$1 <secret hidden>$2",
    ),
    (
        "secret",
        r#"^((?:.*\s)?secret) +(?:"[^"]+"|[^"\s]\S*)( *)$"#,
        "$1 <secret hidden>$2",
    ),
    (
        "key",
        r#"^((?:.*\s)?key) +(?:"[^"]+"|[^"\s]\S*)( *)$"#,
        "$1 <secret hidden>$2",
    ),
    (
        "community",
        r"^(\s*snmp .*\bcommunity\b.*?) +[^\s<>]+( *)$",
        "$1 <secret hidden>$2",
    ),
];

netraven_driver_sdk::export_driver!(Hios);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::{scripted, vendor};

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Hios>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Hios>(CORPUS);
    }

    /// A session as the GRS1042 of the corpus answers it, with `info` and
    /// `config` as the replies (after the echo) to `show system info` and
    /// `show running-config script`.
    fn recording(info: &str, config: &str) -> String {
        let p = "(GRS)#";
        format!(
            "init_prompt: '(GRS)>'\ncommands:\n\
             \x20 - \"enable\\n\": 'enable\\n{p}'\n\
             \x20 - \"cli numlines 0\\n\": 'cli numlines 0\\n{p}'\n\
             \x20 - \"show system info\\n\": 'show system info\\n{info}{p}'\n\
             \x20 - \"show running-config script\\n\": 'show running-config script\\n{config}{p}'\n\
             \x20 - \"logout\\nY\\n\": ''\n"
        )
    }

    const INFO: &str = "System information\\n------------------\\n\
        System name.................................GRS1042-CORE\\n\
        System uptime...............................43 days, 03:26:31\\n\
        Operating hours.............................3492 days, 15:15:50\\n\
        System date and time (local time zone)......2026-02-21 10:27:47\\n\
        \\n\
        Configuration state (running to NVM)........ok\\n\
        Current temperature.........................50 C\\n";
    const CONFIG: &str = "! GRS1042-6T6Z Configuration\\n\\n\
        ! Version: HiOS-3A-09.4.04\\n\\n\
        system name GRS1042-CORE \\n\\n\
        users add \"user\"\\n\
        exit\\n";

    /// A refusal as the SDK words it for HiOS, whose own wording no
    /// published session shows.
    fn refused(command: &str) -> String {
        format!("{}\\n", vendor::refusal_line("hios", command))
    }

    #[test]
    fn the_backup_is_cut_as_oxidized_cuts_it() {
        let backup = scripted::backup::<Hios>(&recording(INFO, CONFIG), &Device::default())
            .expect("replayed whole");
        assert_eq!(
            backup.config,
            "## System information\n## ------------------\n\
             ## System name.................................GRS1042-CORE\n\
             ## \n\
             ## Configuration state (running to NVM)........ok\n\
             ! GRS1042-6T6Z Configuration\n\n! Version: HiOS-3A-09.4.04\n\n\
             system name GRS1042-CORE \n\nusers add \"user\"\nexit\n"
        );
    }

    #[test]
    fn a_switch_that_refuses_system_info_is_backed_up_without_it() {
        let backup = scripted::backup_without::<Hios>(
            &recording(&refused(SYSTEM_INFO), CONFIG),
            &Device::default(),
            &[SYSTEM_INFO],
        );
        assert!(backup.config.starts_with("! GRS1042-6T6Z Configuration\n"));
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Hios>(
            &recording(INFO, &refused(SHOW_CONFIG)),
            &Device::default(),
            r#"essential command "show running-config script": the device refused it"#,
        );
    }

    #[test]
    fn a_script_cut_short_before_its_exit_fails() {
        let cut = "! GRS1042-6T6Z Configuration\\n\\ninterface 1/1\\nvlan partic\\n";
        scripted::backup_fails_with::<Hios>(
            &recording(INFO, cut),
            &Device::default(),
            r#"essential command "show running-config script": the configuration stops at "vlan partic", before its closing "exit": cut short"#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_when_asked() {
        let session = scripted::login::<Hios>(
            "init_prompt: '(GRS)>'\ncommands:\n  - \"enable\\n\": 'enable\\nPassword: '\n  - \"<enable>\\n\": '\\n(GRS)#'\n",
            &Device::default(),
        )
        .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_takes_hios_prompts_and_refuses_config_mode_and_output() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "(GRS)>",
            "(GRS)#",
            "(GRS)# ",
            "!*(BRS)>",
            "*(GRS)#",
            "(Hirschmann Railswitch) >",
            "[GRS1042-CORE]>",
            "\r(BRS)#",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "(GRS)(config)#",
            "(GRS)(Interface 1/1)#",
            "(GRS)(Vlan)#",
            "! GRS1042-6T6Z Configuration",
            "System name.................................GRS1042-CORE",
            "   1  fix           [x]  Fixed module                    n/a",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_passwords_keys_and_communities() {
        let cfg = "users add \"user\"\n\
                   ! users password user \"********\"\n\
                   users password admin \"CANARY1\"\n\
                   ! config remote-backup password ****** \n\
                   config remote-backup password CANARY2 \n\
                   opc-ua users modify opctest password CANARY3 \n\
                   radius server add 1 10.0.0.1 secret \"CANARY4\"\n\
                   ip ospf authentication key CANARY5 \n\
                   ip ospf authentication key-id 0 \n\
                   snmp community ro add CANARY6\n\
                   passwords min-length 5 \n\
                   ! dot1x mac-authentication-bypass password  \"\"\n";
        let out = Hios::redact(cfg);
        for secret in [
            "CANARY1", "CANARY2", "CANARY3", "CANARY4", "CANARY5", "CANARY6", "********",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "users add \"user\"\n",
            "! users password user <secret hidden>\n",
            "users password admin <secret hidden>\n",
            "! config remote-backup password <secret hidden> \n",
            "opc-ua users modify opctest password <secret hidden> \n",
            "radius server add 1 10.0.0.1 secret <secret hidden>\n",
            "ip ospf authentication key <secret hidden> \n",
            "ip ospf authentication key-id 0 \n",
            "snmp community ro add <secret hidden>\n",
            "passwords min-length 5 \n",
            "! dot1x mac-authentication-bypass password  \"\"\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
        assert_eq!(Hios::redact(&out), out, "redacting twice changes nothing");
    }

    #[test]
    fn significant_ignores_the_configuration_state() {
        let saved = "## Configuration state (running to NVM)........ok\n## Power Supply P1, state......................present\nexit\n";
        let unsaved = "## Configuration state (running to NVM)........out of sync\n## Power Supply P1, state......................present\nexit\n";
        assert_eq!(Hios::significant(saved), Hios::significant(unsaved));
        assert_eq!(
            Hios::significant(saved),
            "## Power Supply P1, state......................present\nexit\n"
        );
    }
}
