//! Cisco Small Business switches: Sx300, Sx350, Sx500, Sx250, CBS (Oxidized
//! model `ciscosmb`).
//!
//! Checked against a session of an SG300-10 running 1.4.11.5, stitched from
//! published output of that platform (see
//! `tests/corpus/netraven/ciscosmb#SG300-10_1.4.11.5#source.md`): the
//! napalm-s350 project's fixtures of one SG300-10 (`show version`, the
//! running configuration), an SG300's `show bootvar` from a published
//! upgrade note, and the refusal of `terminal len 0` from public bug
//! reports.
//!
//! Session: the prompt is the hostname, then `#` (privileged) or `>`
//! (`switchf5bcdb#`, `nms231h2>`); a carriage return may come first.
//! Configuration-mode prompts (`switch(config)#`) are not prompts here.
//! After login the driver sends `terminal datadump` (which turns the pager
//! off), `terminal width 0` and `terminal len 0`, as Oxidized does; release
//! 1.4 refuses the last one with `% Unrecognized command`, which does no
//! harm. A login that asks to change an expired password
//! (`Your password has exceeded the maximum lifetime`) is answered `N`.
//! Logout is `exit`; the switch hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show version` (optional) and `show bootvar` (optional), stored as
//!   `! ` comments; from `show version`, lines that change on their own
//!   (`Uptime for this control…`, `System restarted…`, `uptime is …`) are
//!   blanked as Oxidized blanks them (other platforms of the family print
//!   them);
//! - `show running-config` (essential): a switch that refuses it (a user
//!   without the privilege) fails the backup as `command_rejected` instead
//!   of storing the comments alone. A `Current configuration : N bytes`
//!   line goes, and the first `ntp clock-period` line is commented out.
//!   The configuration has no closing line of its own (it may end with
//!   `exit` or with any global command), so it cannot be checked for a cut.
//!
//! Every command's output loses its echo and the prompt, as Oxidized's model
//! cuts it. The backup is thus byte for byte what Oxidized stores.
//!
//! A refusal is the switch's `% Unrecognized command`, or, for a wrong
//! argument, `% Wrong number of parameters or invalid range, size or
//! characters entered`.
//!
//! `redact` hides, keeping each keyword: SNMP communities (Oxidized drops
//! the whole rest of the line; here the access and view stay) and the
//! communities of SNMP hosts, SNMPv3 user keys, user password and secret
//! hashes (Oxidized replaces a whole `username … privilege … ` line; here
//! the name and level stay), enable passwords, RADIUS and TACACS+ keys,
//! SNTP authentication keys. `significant` keeps everything: nothing in
//! this family's configuration or informational output changes on its own.
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login, as Oxidized does when
//!   its `enable` var is set (the host types the enable secret if the switch
//!   asks for one).

use netraven_driver_sdk::prelude::*;

pub struct CiscoSmb;

/// The hostname, then `#` or `>`. A carriage return may come first.
const PROMPT: &str = r"^(\r?[\w.@-]+[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^\r?[pP]assword:\s?$";

/// The question an expired password brings at login; `N` keeps it.
const PASSWORD_EXPIRED: &str = r"Your password has exceeded the maximum lifetime.*$";

/// Setup commands whose output nobody reads. `terminal datadump` is the one
/// that turns the pager off.
const SETUP: [&str; 3] = ["terminal datadump", "terminal width 0", "terminal len 0"];

const SHOW_VERSION: &str = "show version";
const SHOW_BOOTVAR: &str = "show bootvar";
const SHOW_CONFIG: &str = "show running-config";

impl Driver for CiscoSmb {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "ciscosmb",
            env!("CARGO_PKG_VERSION"),
            &["ciscosmb"],
            PROMPT,
            "! ",
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.on_pattern(PASSWORD_EXPIRED, "N")?;
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        for setup in SETUP {
            session.command(setup)?;
        }

        let mut config = String::new();
        if let Some(raw) = session.optional(SHOW_VERSION)? {
            let version = blank_volatile_version_lines(&text::command_output(&raw));
            config.push_str(&text::comment(&version, "! "));
        }
        if let Some(raw) = session.optional(SHOW_BOOTVAR)? {
            config.push_str(&text::comment(&text::command_output(&raw), "! "));
        }

        let raw = session.essential(SHOW_CONFIG)?;
        config.push_str(&clean_running_config(&text::command_output(&raw)));
        Ok(Backup::config(config))
    }

    /// Log out politely; the switch closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// `show version` with the lines that change without a configuration
/// change blanked (the line stays, empty), as Oxidized does.
fn blank_volatile_version_lines(version: &str) -> String {
    text::replace_all(
        version,
        &[
            (r"(?m)^.*Uptime for this control.*$", ""),
            (r"(?m)^.*System restarted.*$", ""),
            (r"uptime is .+", "<uptime removed>"),
        ],
    )
}

/// The running configuration without its size line, and with the first
/// `ntp clock-period` (which the switch rewrites as it runs) commented out.
fn clean_running_config(config: &str) -> String {
    let sized = text::replace_all(config, &[(r"(?m)^Current configuration : [^\n]*\n", "")]);
    text::re(r"(?m)^(ntp clock-period).*$")
        .replacen(&sized, 1, "! $1")
        .into_owned()
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle, each keeping the keyword that names
/// the secret and hiding its value. The switch writes hashed secrets with
/// an `encrypted` keyword, either after the keyword or as the line's first
/// word (`encrypted radius-server key …`).
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "snmp-server community",
        r"^((?:encrypted )?snmp-server community) \S+",
        "$1 <secret hidden>",
    ),
    // `snmp-server host 192.0.2.1 traps version 2c COMMUNITY`.
    (
        "snmp-server host",
        r"^((?:encrypted )?snmp-server host \S+(?: traps| informs)?(?: version (?:1|2c|3 (?:auth|noauth|priv)))?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server user",
        r"^((?:encrypted )?snmp-server user .* auth(?: md5| sha)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server user",
        r"^((?:encrypted )?snmp-server user .* priv(?: des| aes128)?) \S+",
        "$1 <secret hidden>",
    ),
    // `username admin password encrypted 5d7b… privilege 15`,
    // `username ops privilege 15 secret 5 $1$…`.
    (
        "username ",
        r"^(username \S+ (?:.* )?(?:password|secret)(?: encrypted| \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "enable ",
        r"^(enable (?:password|secret)(?: level \d+)?(?: encrypted| \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "-server",
        r"^((?:encrypted )?(?:radius|tacacs)-server (?:host .* )?key) \S+",
        "$1 <secret hidden>",
    ),
    (
        "authentication-key",
        r"^((?:encrypted )?sntp authentication-key \d+ md5) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(CiscoSmb);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<CiscoSmb>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<CiscoSmb>(CORPUS);
    }

    /// A session as the SG300 of the corpus answers it, with `version` and
    /// `bootvar` as the replies (after the echo) to the two optional
    /// commands and `config` as the running configuration's.
    fn recording(version: &str, bootvar: &str, config: &str) -> String {
        let p = "switchf5bcdb#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"terminal datadump\\n\": 'terminal datadump\\n{p}'\n\
             \x20 - \"terminal width 0\\n\": 'terminal width 0\\n{p}'\n\
             \x20 - \"terminal len 0\\n\": 'terminal len 0\\n% Unrecognized command\\n{p}'\n\
             \x20 - \"show version\\n\": 'show version\\n{version}{p}'\n\
             \x20 - \"show bootvar\\n\": 'show bootvar\\n{bootvar}{p}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\n{config}{p}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    const VERSION: &str =
        "SW version    1.4.11.5 ( date  08-Apr-2020 time  13:49:34 )\\nHW version    V05\\n";
    const BOOTVAR: &str = "Image  Filename   Version     Date                    Status\\n1      image-1    1.3.7.18    12-Jan-2014  18:02:59   Active*\\n";
    const CONFIG: &str = "config-file-header\\nswitchf5bcdb\\nv1.4.11.5 / R800_NIK_1_4_220_026\\n@\\nhostname switchf5bcdb\\nexit\\n";
    const UNRECOGNIZED: &str = "% Unrecognized command\\n";

    #[test]
    fn the_backup_comments_version_and_bootvar() {
        let backup =
            scripted::backup::<CiscoSmb>(&recording(VERSION, BOOTVAR, CONFIG), &Device::default())
                .expect("replayed whole");
        assert_eq!(
            backup.config,
            "! SW version    1.4.11.5 ( date  08-Apr-2020 time  13:49:34 )\n\
             ! HW version    V05\n\
             ! Image  Filename   Version     Date                    Status\n\
             ! 1      image-1    1.3.7.18    12-Jan-2014  18:02:59   Active*\n\
             config-file-header\nswitchf5bcdb\nv1.4.11.5 / R800_NIK_1_4_220_026\n@\nhostname switchf5bcdb\nexit\n"
        );
    }

    #[test]
    fn a_switch_that_refuses_version_and_bootvar_is_backed_up_without_them() {
        let backup = scripted::backup_without::<CiscoSmb>(
            &recording(UNRECOGNIZED, UNRECOGNIZED, CONFIG),
            &Device::default(),
            &["show version", "show bootvar"],
        );
        assert!(
            backup.config.starts_with("config-file-header\n"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<CiscoSmb>(
            &recording(VERSION, BOOTVAR, UNRECOGNIZED),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Unrecognized command""#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_when_asked_to() {
        let session = scripted::login::<CiscoSmb>(
            "init_prompt: 'nms231h2>'\ncommands:\n  - \"enable\\n\": 'enable\\nPassword:'\n  - \"<enable>\\n\": '\\nnms231h2#'\n",
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn an_expired_password_is_kept() {
        let session = scripted::login::<CiscoSmb>(
            "init_prompt: 'Your password has exceeded the maximum lifetime. Do you want to change it now (Y/N)[N] ?'\ncommands:\n  - \"N\": '\\nswitch#'\n",
            &Device::default(),
        )
        .expect("login goes on");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_takes_both_levels_and_refuses_config_mode_and_output() {
        let prompt = text::line_re(PROMPT);
        for p in ["switchf5bcdb#", "nms231h2>", "Switch3#", "\rmgmtsw1-d20# "] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "switchf5bcdb(config)#",
            "config-file-header",
            "% Unrecognized command",
            "SW version    1.4.11.5 ( date  08-Apr-2020 time  13:49:34 )",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn volatile_version_lines_are_blanked_and_the_config_cleaned() {
        assert_eq!(
            blank_volatile_version_lines("a\nSystem restarted at 10:00\nsw uptime is 3 days\n"),
            "a\n\nsw <uptime removed>\n"
        );
        assert_eq!(
            clean_running_config(
                "Current configuration : 1234 bytes\nntp clock-period 1\nntp clock-period 2\nend\n"
            ),
            "! ntp clock-period\nntp clock-period 2\nend\n"
        );
    }

    #[test]
    fn redact_hides_user_snmp_and_aaa_secrets() {
        let cfg = "username root password encrypted dddd5d7b474d2c78ebbb833789c4bfd721edf4bf privilege 15\n\
                   username ops privilege 15 secret 5 $1$OPSHASH\n\
                   enable password level 15 encrypted ENABLEHASH\n\
                   snmp-server community Abcdef rw view DefaultSuper\n\
                   snmp-server host 192.0.2.1 traps version 2c TRAPCOMM\n\
                   encrypted snmp-server user u1 g1 v3 auth sha AUTHKEY\n\
                   encrypted radius-server key RADKEY\n\
                   encrypted tacacs-server host 192.0.2.5 key TACKEY\n\
                   encrypted sntp authentication-key 1 md5 SNTPKEY\n";
        let out = CiscoSmb::redact(cfg);
        for secret in [
            "dddd5d7b474d2c78ebbb833789c4bfd721edf4bf",
            "OPSHASH",
            "ENABLEHASH",
            "Abcdef",
            "TRAPCOMM",
            "AUTHKEY",
            "RADKEY",
            "TACKEY",
            "SNTPKEY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "username root password encrypted <secret hidden> privilege 15\n",
            "username ops privilege 15 secret 5 <secret hidden>\n",
            "enable password level 15 encrypted <secret hidden>\n",
            "snmp-server community <secret hidden> rw view DefaultSuper\n",
            "snmp-server host 192.0.2.1 traps version 2c <secret hidden>\n",
            "encrypted radius-server key <secret hidden>\n",
            "encrypted tacacs-server host 192.0.2.5 key <secret hidden>\n",
            "encrypted sntp authentication-key 1 md5 <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_keeps_the_whole_configuration() {
        let cfg = "! SW version    1.4.11.5\nhostname sw\nexit\n";
        assert_eq!(CiscoSmb::significant(cfg), cfg);
    }
}
