//! Dell EMC Networking OS6: the N-Series switches (N1100 to N4000) and
//! their PowerSwitch successors (Oxidized model `os6`).
//!
//! Checked against a session of a Dell Networking N4064F running 6.3.3.10,
//! stitched from published output of OS6 (see
//! `tests/corpus/netraven/os6#N4064F_6.3.3.10#source.md`): the Ansible
//! project's unit-test fixtures of its `dellos6` modules, that is the
//! N4064F's `show running-config`, an N4032's `show version` (6.3.3.7) and
//! an empty `show interfaces transceiver properties`.
//!
//! Session: the prompt is the hostname, then `#` (privileged EXEC) or `>`
//! (user EXEC): `console#`, `os6#`; configuration-mode prompts
//! (`console(config)#`) are not prompts here. After login the driver sends
//! `terminal length 0` (no pager to answer). Logout is `exit`; the host
//! closes the session whether the switch hangs up at once or drops to user
//! EXEC first (Oxidized sends a second `exit` for that case).
//!
//! Commands, in Oxidized's order:
//! - `show version` and `show interfaces transceiver properties`
//!   (optional), stored as `! ` comments;
//! - `show running-config` (essential): a switch that refuses it (a user
//!   without the privilege) fails the backup as `command_rejected`, and a
//!   configuration whose last line is not the `exit` that closes its
//!   `configure` block was cut short and fails too.
//!
//! Every command's output loses its first two lines and its last one, as
//! Oxidized's model cuts it: the echo, the line after it, and the prompt.
//! The line after the echo is the configuration's `!Current
//! Configuration:` header; in the published `show version` it is the
//! first line of the output (`Machine Description... Dell Networking
//! Switch`, the same on every N-Series), which goes as Oxidized drops it.
//! The configuration then loses its next three lines, the rest of its
//! header: `!System Description "..."`, `!System Software Version ...` and
//! `!Cut-through mode ...`. The backup is thus byte for byte what Oxidized
//! stores.
//!
//! A refusal is OS6's `% Invalid input detected at '^' marker.` under a
//! caret line; Oxidized blanks those two lines, the driver leaves a refused
//! informational command out instead.
//!
//! `redact` hides, keeping each keyword: user and `enable` password hashes
//! (the `privilege N encrypted` that follows stays, as Oxidized keeps it),
//! SNMP communities and the communities of SNMP hosts, TACACS+ and RADIUS
//! keys. `significant` keeps everything: Oxidized's cuts already take the
//! header lines, and nothing else changes on its own.
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login, as Oxidized does when
//!   its `enable` var is set (the host types the enable secret if the switch
//!   asks for one).

use netraven_driver_sdk::prelude::*;

pub struct Os6;

/// The hostname, then `#` or `>`. A carriage return may come first on a
/// console.
const PROMPT: &str = r"^(\r?[\w.@-]+[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^\r?[pP]assword:\s?$";

/// The setup command whose output nobody reads: it turns the pager off.
const TERMINAL_LENGTH: &str = "terminal length 0";

/// The informational commands, in Oxidized's order.
const INFORMATIONAL: [&str; 2] = ["show version", "show interfaces transceiver properties"];

const SHOW_CONFIG: &str = "show running-config";

/// What closes an OS6 configuration: the `exit` of its `configure` block.
const CONFIG_END: &str = "exit";

/// How many header lines of the configuration go after the general cut:
/// the system description, the software version, the cut-through mode.
const CONFIG_HEADER_LINES: usize = 3;

impl Driver for Os6 {
    fn info() -> DriverInfo {
        DriverInfo::shell("os6", env!("CARGO_PKG_VERSION"), &["os6"], PROMPT, "! ")
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        session.command(TERMINAL_LENGTH)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        for command in INFORMATIONAL {
            if let Some(raw) = session.optional(command)? {
                config.push_str(&text::comment(&oxidized_cut(&raw), "! "));
            }
        }

        let raw = session.essential(SHOW_CONFIG)?;
        let running = oxidized_cut(&raw);
        complete(SHOW_CONFIG, &running, CONFIG_END)?;
        config.push_str(text::drop_first_lines(&running, CONFIG_HEADER_LINES));
        Ok(Backup::config(config))
    }

    /// Leave privileged EXEC; the host closes the session after it.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// A command's whole output (echo, output, prompt) cut as Oxidized's model
/// cuts every output: unix line endings, without the first two lines and
/// the last one.
fn oxidized_cut(raw: &str) -> String {
    let unix = text::unix_newlines(raw);
    text::drop_last_lines(text::drop_first_lines(&unix, 2), 1).to_string()
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle, each keeping the keyword that names
/// the secret and hiding its value.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `username "admin" password 2123... privilege 1 encrypted`,
    // `enable password c4f2... encrypted`.
    ("password ", r"(^|\s)(password) \S+", "$1$2 <secret hidden>"),
    (
        "snmp-server community",
        r"^(snmp-server community) \S+",
        "$1 <secret hidden>",
    ),
    // `snmp-server host 192.0.2.1 COMMUNITY`, `... traps version 2 COMMUNITY`.
    (
        "snmp-server host",
        r#"^(snmp-server host \S+(?: informs| traps)?(?: version \S+)?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `tacacs-server key 7 ...`, `tacacs-server host 192.0.2.5 key ...`,
    // `radius server key ...`, `radius-server key ...`.
    (
        "key",
        r#"^(\s*(?:tacacs-server|radius-server|radius server)(?: .*)? key(?: \d)?|\s*key(?: \d)?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Os6);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Os6>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Os6>(CORPUS);
    }

    /// A session as the N4064F of the corpus answers it, with `version`,
    /// `optics` and `config` as what the commands print after their echo.
    fn recording(version: &str, optics: &str, config: &str) -> String {
        let p = "os6#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\n{p}'\n\
             \x20 - \"show version\\n\": 'show version\\n{version}{p}'\n\
             \x20 - \"show interfaces transceiver properties\\n\": 'show interfaces transceiver properties\\n{optics}{p}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\n{config}{p}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    const VERSION: &str = "Machine Description............... Dell Networking Switch\\nSystem Model ID................... N4032\\n\\nunit active\\n1    6.3.3.7\\n\\n\\n";
    const OPTICS: &str = "Yes: Dell Qualified        No: Not Qualified\\nN/A : Not Applicable\\nPort      Type\\n\\n\\n";
    const CONFIG: &str = "!Current Configuration:\\n!System Description \"Dell Networking N4064F, 6.3.3.10, Linux 3.7.10-e54850e7\"\\n!System Software Version 6.3.3.10\\n!Cut-through mode is configured as disabled\\n!\\nconfigure\\nhostname \"os6\"\\nexit\\n";
    /// OS6's refusal, as Oxidized's model blanks it (the wording is a
    /// stand-in: no published capture of an OS6 refusal was found).
    const INVALID: &str = "                    ^\\n% Invalid input detected at ''^'' marker.\\n";

    #[test]
    fn the_backup_is_cut_as_oxidized_cuts_it() {
        let backup =
            scripted::backup::<Os6>(&recording(VERSION, OPTICS, CONFIG), &Device::default())
                .expect("replayed whole");
        assert_eq!(
            backup.config,
            "! System Model ID................... N4032\n! \n! unit active\n! 1    6.3.3.7\n! \n! \n\
             ! N/A : Not Applicable\n! Port      Type\n! \n! \n\
             !\nconfigure\nhostname \"os6\"\nexit\n"
        );
    }

    #[test]
    fn a_switch_that_refuses_the_informational_commands_is_backed_up_without_them() {
        let backup = scripted::backup_without::<Os6>(
            &recording(INVALID, INVALID, CONFIG),
            &Device::default(),
            &["show version", "show interfaces transceiver properties"],
        );
        assert_eq!(backup.config, "!\nconfigure\nhostname \"os6\"\nexit\n");
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Os6>(
            &recording(VERSION, OPTICS, INVALID),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_before_its_exit_fails() {
        let cut = "!Current Configuration:\\n!System Description \"N4064F\"\\n!System Software Version 6.3.3.10\\n!\\nconfigure\\ninterface Te1/0/1\\nno switchport port-sec\\n";
        scripted::backup_fails_with::<Os6>(
            &recording(VERSION, OPTICS, cut),
            &Device::default(),
            r#"essential command "show running-config": the configuration stops at "no switchport port-sec", before its closing "exit": cut short"#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_when_asked_to() {
        let session = scripted::login::<Os6>(
            "init_prompt: 'console>'\ncommands:\n  - \"enable\\n\": 'enable\\nPassword: '\n  - \"<enable>\\n\": '\\nconsole#'\n  - \"terminal length 0\\n\": 'terminal length 0\\nconsole#'\n",
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_takes_hostnames_and_refuses_config_mode() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "os6#",
            "console#",
            "console>",
            "N4032-lab.1# ",
            "\rconsole#",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "console(config)#",
            "console(config-if-Te1/0/1)#",
            "!Current Configuration:",
            "slot 1/0 5    ! Dell Networking N4064F",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn oxidized_cut_drops_two_lines_and_the_prompt() {
        assert_eq!(oxidized_cut("echo\r\na\r\nb\r\nc\r\nr1#"), "b\nc\n");
        assert_eq!(oxidized_cut("echo\nr1#"), "");
        assert_eq!(oxidized_cut(""), "");
    }

    #[test]
    fn redact_hides_passwords_communities_and_keys() {
        let cfg = "username \"admin\" password 21232f297a57a5a743894a0e4a801fc3 privilege 1 encrypted\n\
                   enable password c4f25f005187e9a85ad6480d3507a541 encrypted\n\
                   snmp-server community CANARYCOMM ro\n\
                   snmp-server host 192.0.2.1 traps version 2 CANARYHOST\n\
                   tacacs-server host 192.0.2.5\n\
                   key CANARYTACHOST\n\
                   exit\n\
                   tacacs-server key 7 CANARYTAC\n\
                   radius server key \"CANARYRAD\"\n\
                   no passwords min-length\n";
        let out = Os6::redact(cfg);
        for secret in [
            "21232f297a57a5a743894a0e4a801fc3",
            "c4f25f005187e9a85ad6480d3507a541",
            "CANARYCOMM",
            "CANARYHOST",
            "CANARYTACHOST",
            "CANARYTAC",
            "CANARYRAD",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "username \"admin\" password <secret hidden> privilege 1 encrypted\n",
            "enable password <secret hidden> encrypted\n",
            "snmp-server community <secret hidden> ro\n",
            "snmp-server host 192.0.2.1 traps version 2 <secret hidden>\n",
            "key <secret hidden>\n",
            "tacacs-server key 7 <secret hidden>\n",
            "radius server key <secret hidden>\n",
            "no passwords min-length\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_keeps_the_whole_backup() {
        let cfg = "! System Model ID................... N4032\n!\nconfigure\nexit\n";
        assert_eq!(Os6::significant(cfg), cfg);
    }
}
