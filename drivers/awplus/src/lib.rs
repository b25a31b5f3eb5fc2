//! Allied Telesis AlliedWare Plus switches and routers (Oxidized model
//! `awplus`).
//!
//! Checked against a session of an x600-48Ts/XP running AlliedWare Plus
//! 5.4.2-3.14, built from output that Allied Telesis published in its
//! py-networking library's tests (see
//! `tests/corpus/netraven/awplus#x600-48Ts-XP_5.4.2-3.14#source.md`):
//! `show system` and `show running-config` of that switch.
//!
//! Session: the prompt is the hostname then `>` (user mode) or `#`
//! (privileged mode), e.g. `awplus>`, `awplus#`, sometimes after a
//! carriage return. Commands end with `\r\n`. Before its commands the
//! driver sends `terminal length 0`, as Allied Telesis's own Ansible terminal
//! plugin and py-networking do, so no `--More--` pager comes. Oxidized's
//! model answers that pager with a space instead; the stored text is the
//! same. Logout is `exit`; the device hangs up.
//!
//! Commands, in Oxidized's order:
//! - `Show System` (optional; the CLI ignores case), stored as `! `
//!   comments inside Oxidized's own frame (a `Starting: Show system cmd`
//!   line and a dashed rule above, ` ` / `Ending: show system cmd` / a rule
//!   / ` ` below), without blank lines and without the lines that change
//!   on their own or with every upgrade: the status clock (`System
//!   Status`), `RAM:`, `Flash:`, `Uptime`, `Current software`, `Software
//!   version` and `Build date`;
//! - `show running-config` (essential): a device that refuses it (`%
//!   Invalid input ...`, e.g. a user left in user mode) fails the backup as
//!   `command_rejected`, and a configuration whose last line is not `end`
//!   was cut short and fails too.
//!
//! Every output loses every carriage return, its echo line and its prompt
//! line, as Oxidized's model cuts it, so the backup is byte for byte what
//! Oxidized stores.
//!
//! `redact` hides, keeping each keyword: local user passwords and secrets
//! (`username NAME privilege 15 password 8 <secret hidden>`), `enable
//! password`/`enable secret`, indented `password`/`secret` lines, TACACS+
//! and RADIUS keys, and SNMP community names. Oxidized's model drops the
//! keywords after `privilege N` and the whole rest of a community line;
//! the driver keeps them.
//!
//! `significant` is the whole backup: the volatile lines of `Show System`
//! are already left out.
//!
//! Device vars: `enable` (flag): run `enable` after login and answer a
//! password prompt with the host's enable secret. AlliedWare Plus starts
//! a session in user mode (`awplus>`), where `show running-config` is
//! refused, so most devices need it.

use netraven_driver_sdk::prelude::*;

pub struct AwPlus;

/// The hostname (letters, digits, `.`, `@`, `:`, `/`, `-`), then `>` or
/// `#`. Configuration modes (`awplus(config)#`) are not prompts here.
const PROMPT: &str = r"^(\r?[\w.@:/-]+[#>]\s?)$";

const ENABLE_PASSWORD: &str = r"^\r?[pP]assword:\s?$";

const PAGER_OFF: &str = "terminal length 0";

const NEWLINE: &str = "\r\n";

const COMMENT: &str = "! ";

const SHOW_SYSTEM: &str = "Show System";

const SHOW_CONFIG: &str = "show running-config";

/// The line that closes a running configuration.
const CONFIG_END: &str = "end";

/// The dashed rule that Oxidized's model draws above and below `Show
/// System`, with its trailing `! ` and space.
const RULE: &str =
    "--------------------------------------------------------------------------------! \n";

/// The first line of Oxidized's frame around `Show System` (with its
/// trailing space).
const SYSTEM_START: &str = "Starting: Show system cmd \n";

/// The lines Oxidized's frame puts after `Show System`'s output: a line
/// holding one space, the closing words, the rule and another one-space
/// line.
const SYSTEM_END: &str = " \nEnding: show system cmd\n";

/// Lines of `Show System` that are dropped: blank lines, and those that
/// change on their own (clock, memory, flash, uptime) or with every
/// software upgrade. Matched anywhere in the line, as Oxidized does.
const SYSTEM_DROPPED: &[&str] = &[
    r"^$",
    r"System Status",
    r"RAM\s*:",
    r"Uptime\s*:",
    r"Flash\s*:",
    r"Current software\s*:",
    r"Software version\s*:",
    r"Build date\s*:",
];

impl Driver for AwPlus {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "awplus",
            env!("CARGO_PKG_VERSION"),
            &["awplus"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.set_newline(NEWLINE);
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            // `login::enable` adds `\n`: the device gets `enable\r\n`.
            login::enable(session, "enable\r", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command(PAGER_OFF)?;

        let mut config = String::new();
        if let Some(raw) = session.optional(SHOW_SYSTEM)? {
            config.push_str(&system(&output(&raw)));
        }

        let raw = session.essential(SHOW_CONFIG)?;
        let running = output(&raw);
        complete(SHOW_CONFIG, &running, CONFIG_END)?;
        config.push_str(&running);
        Ok(Backup::config(config))
    }

    /// `exit` ends the session: the device hangs up, no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\r\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// What a command printed, as Oxidized's model cuts it: every carriage
/// return removed, then the echo line and the prompt line dropped.
fn output(raw: &str) -> String {
    let no_cr = text::remove_lone_cr(&text::unix_newlines(raw));
    text::cut_echo_and_prompt(&no_cr)
}

/// `Show System`'s output inside Oxidized's frame, without blank and
/// volatile lines, as `! ` comments.
fn system(body: &str) -> String {
    let framed = [SYSTEM_START, RULE, body, "\n", SYSTEM_END, RULE, " \n"].concat();
    text::comment(&text::drop_lines(&framed, SYSTEM_DROPPED), COMMENT)
}

/// Secret removal, line by line: `(needle, regex, replacement)`. Each
/// keeps the keyword (and the encryption type digit) and hides the value.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "username",
        r"^(username \S+(?: privilege \d+)? (?:password|secret)(?: \d+)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "enable",
        r"^(enable (?:password|secret)(?: level \d+)?(?: \d+)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "password",
        r"^(\s+password(?: \d+)?) \S+",
        "$1 <secret hidden>",
    ),
    ("secret", r"^(\s+secret(?: \d+)?) \S+", "$1 <secret hidden>"),
    (
        "-server",
        r"^((?:tacacs|radius)-server\b.*? key(?: \d+)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "community",
        r"^(snmp-server community) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(AwPlus);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<AwPlus>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<AwPlus>(CORPUS);
    }

    /// A session as the x600 of the corpus answers it, with `system` and
    /// `config` as the two commands' outputs (YAML-escaped, each line
    /// ending in `\n`).
    fn recording(system: &str, config: &str) -> String {
        format!(
            "init_prompt: 'awplus#'\ncommands:\n\
             \x20 - \"terminal length 0\\r\\n\": 'terminal length 0\\r\\nawplus#'\n\
             \x20 - \"Show System\\r\\n\": 'Show System\\r\\n{system}awplus#'\n\
             \x20 - \"show running-config\\r\\n\": 'show running-config\\r\\n{config}awplus#'\n\
             \x20 - \"exit\\r\\n\": ''\n"
        )
    }

    const SYSTEM: &str = "Switch System Status      Fri Mar 21 15:45:13 2014\\r\\n\\r\\n\
                          Base       294        x600-48Ts/XP\\r\\n\
                          Uptime             : 0 days 00:07:29\\r\\n\
                          System Name\\r\\n  awplus\\r\\n";
    const CONFIG: &str = "!\\r\\nhostname sw1\\r\\n!\\r\\nend\\r\\n";
    /// A stand-in for AlliedWare Plus's refusal (its Ansible terminal
    /// plugin matches `invalid input`); the wording is IOS's.
    const REFUSED: &str = "% Invalid input detected at ''^'' marker.\\r\\n";

    #[test]
    fn the_backup_is_framed_and_cleaned_as_oxidized_does_it() {
        let backup = scripted::backup::<AwPlus>(&recording(SYSTEM, CONFIG), &Device::default())
            .expect("replayed whole");
        let rule = "! --------------------------------------------------------------------------------! \n";
        assert_eq!(
            backup.config,
            format!(
                "! Starting: Show system cmd \n{rule}! Base       294        x600-48Ts/XP\n\
                 ! System Name\n!   awplus\n!  \n! Ending: show system cmd\n{rule}!  \n\
                 !\nhostname sw1\n!\nend\n"
            )
        );
    }

    #[test]
    fn a_device_that_refuses_show_system_is_backed_up_without_it() {
        let backup = scripted::backup_without::<AwPlus>(
            &recording(REFUSED, CONFIG),
            &Device::default(),
            &["Show System"],
        );
        assert_eq!(backup.config, "!\nhostname sw1\n!\nend\n");
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<AwPlus>(
            &recording(SYSTEM, REFUSED),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_fails() {
        scripted::backup_fails_with::<AwPlus>(
            &recording(SYSTEM, "!\\r\\ninterface vlan1\\r\\n ip addr\\r\\n"),
            &Device::default(),
            r#"essential command "show running-config": the configuration stops at " ip addr", before its closing "end": cut short"#,
        );
    }

    #[test]
    fn enable_runs_with_crlf_when_the_var_asks_for_it() {
        let recording = concat!(
            "init_prompt: \"awplus>\"\n",
            "commands:\n",
            "  - \"enable\\r\\n\": \"enable\\r\\nPassword:\"\n",
            "  - \"<enable>\\r\\n\": \"\\r\\nawplus#\"\n",
        );
        let session =
            scripted::login::<AwPlus>(recording, &Device::with_vars(&[("enable", "true")]))
                .expect("login");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_takes_user_and_privileged_modes_only() {
        let prompt = text::line_re(PROMPT);
        for p in ["awplus>", "awplus#", "awplus# ", "\rawplus#", "6F-SH210-5#"] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "awplus(config)#",
            "awplus(config-if)#",
            "Base       294        x600-48Ts/XP                       B-0   G1Q79C001",
            "!",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_values_and_keeps_keywords() {
        let cfg = "username manager privilege 15 password 8 $1$bJoVec4D$CANARYUSER\n\
                   username op password 8 CANARYOP\n\
                   enable secret 8 CANARYENABLE\n\
                   \x20password 8 CANARYLINE\n\
                   tacacs-server host 10.0.0.1 key 8 CANARYTACACS\n\
                   radius-server host 10.0.0.2 key CANARYRADIUS\n\
                   snmp-server community CANARYCOMM rw\n\
                   ssh server allow-users manager\n";
        let out = AwPlus::redact(cfg);
        for secret in [
            "CANARYUSER",
            "CANARYOP",
            "CANARYENABLE",
            "CANARYLINE",
            "CANARYTACACS",
            "CANARYRADIUS",
            "CANARYCOMM",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "username manager privilege 15 password 8 <secret hidden>\n",
            "username op password 8 <secret hidden>\n",
            "enable secret 8 <secret hidden>\n",
            " password 8 <secret hidden>\n",
            "tacacs-server host 10.0.0.1 key 8 <secret hidden>\n",
            "radius-server host 10.0.0.2 key <secret hidden>\n",
            "snmp-server community <secret hidden> rw\n",
            "ssh server allow-users manager\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
