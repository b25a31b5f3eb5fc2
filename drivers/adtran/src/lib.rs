//! ADTRAN AOS: NetVanta routers and switches, Total Access (Oxidized model
//! `adtran`).
//!
//! Checked against a session of a NetVanta 3200 running AOS 05.03.00 (see
//! `tests/corpus/netraven/adtran#NetVanta3200_AOS05.03.00#source.md`): the
//! ZipTie project's recorded reply of that router to
//! `show running-config`, with its prompt.
//!
//! Session: the prompt is the hostname, then `#` (enabled) or `>`
//! (`NetVanta#`); configuration-mode prompts (`NetVanta(config)#`) are not
//! prompts here. After login the driver sends `terminal length 0` (no pager
//! to answer), as Oxidized does; old releases refuse it, which does no harm.
//! Logout is `exit`; the router hangs up.
//!
//! Commands: `show running-config` (essential) only, as Oxidized. A router
//! that refuses it (a login without `enable`) fails the backup as
//! `command_rejected`, and a configuration that does not close with `end`
//! was cut short and fails too. The output loses its echo, its first line
//! (`Building configuration...`) and the prompt; every line loses its
//! trailing blanks; the `! Created : <date and time>` line that newer
//! releases print at the top goes.
//!
//! Oxidized is plainly wrong here: its model removes the `! Created` line
//! with a pattern that has a typo (`Createds+`, for `Created\s+`) and uses
//! the result of Ruby's `gsub!`, which is `nil` when nothing was replaced,
//! so it stores an **empty** backup for every AOS configuration it backs
//! up. The corpus keeps Oxidized's empty text as `#oxidized.txt`; our
//! `#output.txt` is the configuration cut as the model means to cut it (the
//! cut of its `cmd :all` block, then the `! Created` line removed).
//!
//! A refusal is AOS's `% Unrecognized command` (or `% Invalid input`).
//!
//! `redact` hides, keeping each keyword: every `password` value (enable,
//! users, lines; with `md5` and `encrypted` kept), RADIUS and TACACS+ keys,
//! SNMP communities and the communities of SNMP hosts, OSPF and IKE keys.
//! Oxidized hides only the word after `password`. `significant` ignores the
//! `! Created` line, in case a stored backup still has it.
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login, as Oxidized does when its
//!   `enable` var is set (the host types the enable secret when the router
//!   asks for it).

use netraven_driver_sdk::prelude::*;

pub struct Adtran;

/// The hostname, then `#` or `>`. A carriage return may come first.
const PROMPT: &str = r"^(\r?[\w.@-]+[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^\r?[pP]assword:\s?$";

const SETUP: &str = "terminal length 0";
const SHOW_CONFIG: &str = "show running-config";

impl Driver for Adtran {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "adtran",
            env!("CARGO_PKG_VERSION"),
            &["adtran"],
            PROMPT,
            "! ",
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command(SETUP)?;
        let raw = session.essential(SHOW_CONFIG)?;
        let output = text::command_output(&raw);
        complete(SHOW_CONFIG, &output, "end")?;
        // Without `Building configuration...`.
        let config = trim_line_ends(text::drop_first_lines(&output, 1));
        Ok(Backup::config(text::drop_lines(&config, &[CREATED])))
    }

    /// Log out politely; the router closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[CREATED])
    }
}

/// The line newer releases start the configuration with, the time it was
/// shown: `! Created                         : Mon Jun 26 2023 10:07:07`.
const CREATED: &str = r"^! Created\s+:";

/// Every line without its trailing blanks (and carriage returns), each
/// ending with `\n`, as Oxidized joins them.
fn trim_line_ends(config: &str) -> String {
    let mut out = String::with_capacity(config.len());
    for line in config.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle. A value is a quoted string or a word;
/// a value already hidden is left alone.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `enable password md5 encrypted 7a2f…`, `username "x" password "y"`,
    // `  password "hobbit"` in a line block.
    (
        "password",
        r#"((?:^|\s)password(?: md5)?(?: encrypted)?) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "-server",
        r#"^((?:radius|tacacs)-server (?:host .* )?key(?: \d)?) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "snmp-server community",
        r#"^(snmp-server community) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "snmp-server host",
        r#"^(snmp-server host \S+(?: traps| informs)?(?: version (?:1|2c|3 (?:auth|noauth|priv)))?) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "-key",
        r#"((?:^|\s)(?:authentication-key|message-digest-key \d+ md5)) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "preshared-key",
        r#"((?:^|\s)preshared-key) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Adtran);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Adtran>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Adtran>(CORPUS);
    }

    /// A session as the NetVanta of the corpus answers it, with `config` as
    /// the reply to `show running-config` after the echo.
    fn recording(config: &str) -> String {
        let p = "NetVanta#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\n{p}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\n{config}{p}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    const CONFIG: &str = "Building configuration...\\n! Created                         : Mon Jun 26 2023 10:07:07\\n!\\r\\nhostname \"NetVanta\"   \\n!\\nend\\n\\n";

    #[test]
    fn the_backup_drops_the_header_the_created_line_and_trailing_blanks() {
        let backup = scripted::backup::<Adtran>(&recording(CONFIG), &Device::default())
            .expect("replayed whole");
        assert_eq!(backup.config, "!\nhostname \"NetVanta\"\n!\nend\n\n");
    }

    #[test]
    fn a_refused_configuration_fails() {
        scripted::backup_fails_with::<Adtran>(
            &recording("% Unrecognized command\\n"),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Unrecognized command""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_before_its_end_fails() {
        scripted::backup_fails_with::<Adtran>(
            &recording("Building configuration...\\n!\\ninterface eth 0/1\\n  ip addr\\n"),
            &Device::default(),
            r#"essential command "show running-config": the configuration stops at "  ip addr", before its closing "end": cut short"#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_when_asked_to() {
        let session = scripted::login::<Adtran>(
            "init_prompt: 'NetVanta>'\ncommands:\n  - \"enable\\n\": 'enable\\nPassword:'\n  - \"<enable>\\n\": '\\nNetVanta#'\n",
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_takes_both_levels_and_refuses_config_mode_and_output() {
        let prompt = text::line_re(PROMPT);
        for p in ["NetVanta#", "NetVanta>", "\rNV3200-branch# "] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "NetVanta(config)#",
            "Building configuration...",
            "hostname \"NetVanta\"",
            "! Created                         : Mon Jun 26 2023 10:07:07",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_passwords_keys_and_communities() {
        let cfg = "enable password bigtex\n\
                   enable password md5 encrypted 7a2fENABLEHASH\n\
                   username \"testlab\" password \"hobbit\"\n\
                   radius-server key cisco\n\
                   tacacs-server host 192.0.2.5 key TACKEY\n\
                   snmp-server community testenv RW\n\
                   snmp-server host 192.0.2.1 traps version 2c TRAPCOMM\n\
                   \x20 ip ospf message-digest-key 1 md5 OSPFKEY\n\
                   crypto ike remote-id address 192.0.2.9 preshared-key PSKVALUE\n\
                   line telnet 0 4\n  password \"hobbit\"\n";
        let out = Adtran::redact(cfg);
        for secret in [
            "bigtex",
            "ENABLEHASH",
            "hobbit",
            "cisco",
            "TACKEY",
            "testenv",
            "TRAPCOMM",
            "OSPFKEY",
            "PSKVALUE",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "enable password <secret hidden>\n",
            "enable password md5 encrypted <secret hidden>\n",
            "username \"testlab\" password <secret hidden>\n",
            "radius-server key <secret hidden>\n",
            "tacacs-server host 192.0.2.5 key <secret hidden>\n",
            "snmp-server community <secret hidden> RW\n",
            "snmp-server host 192.0.2.1 traps version 2c <secret hidden>\n",
            " ip ospf message-digest-key 1 md5 <secret hidden>\n",
            "preshared-key <secret hidden>\n",
            "  password <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_ignores_the_created_line() {
        let cfg =
            "! Created                         : Mon Jun 26 2023 10:07:07\n!\nhostname x\nend\n";
        assert_eq!(Adtran::significant(cfg), "!\nhostname x\nend\n");
    }
}
