//! Alcatel-Lucent OmniSwitch running AOS 6 (the vxWorks-based release:
//! OS6250, OS6350, OS6450, OS6850(E), OS6855, OS9000(E)); Oxidized model
//! `aos`. AOS 7 and 8 are the `aos7` driver.
//!
//! No published session of the configuration command (`show configuration
//! snapshot`) of an AOS 6 switch exists yet (see
//! `tests/corpus/netraven/RESEARCH.md`, section `aos`), so this driver is
//! checked against Oxidized's own model code (the oracle,
//! `../shared/oxidized/oracle aos`) by the scripted conformance cases
//! `aos#scripted_*` in `tests/corpus/conformance` (with the chaos replay)
//! and the unit tests below, and by the prompt case
//! `tests/corpus/netraven/aos#generic#prompt.yaml`.
//!
//! Session: the prompt is Oxidized's default one (the model sets none): a
//! word of letters, digits, `.`, `@` or `-`, then `>` or `#`, so AOS 6's
//! default `->` and prompts of that shape set with `session prompt default`.
//! There is no enable level, no pager to answer (AOS 6 pages only after the
//! `more` command) and no setup command. Over telnet the switch asks
//! `login : ` and `password : `, which the host's default login prompts
//! take. Logout is `exit`; the switch hangs up, so no prompt is awaited.
//!
//! Commands, in Oxidized's order:
//! - `show system` (optional): only its first line holding `Description`
//!   is kept, trimmed and commented, and, as Oxidized stores it, without a
//!   line ending: `show chassis`'s block starts on the same line (when
//!   `show chassis` is refused and left out, the line is ended instead, so
//!   it is not glued to a later block);
//! - `show chassis`, `show hardware info`, `show license info`,
//!   `show license file` (optional), each stored as `! ` comments;
//! - `show configuration snapshot` (essential): the configuration. A switch
//!   that refuses it (`ERROR: Authorization failed. No functional
//!   privileges for this command` for a user without the privilege) fails
//!   the backup as `command_rejected` instead of storing the comments
//!   alone. The snapshot has no closing line, so a cut-short snapshot
//!   cannot be told from a whole one.
//!
//! Every output loses its first line (the echo) and its last one (the
//! prompt), `\r\n` made `\n`, as Oxidized's `cmd :all` cuts it. The backup
//! is byte for byte what Oxidized stores, but for one thing: an optional
//! command the switch refuses (`ERROR: Invalid entry: "license"` on a
//! model without licences) is left out, where Oxidized stores the caret
//! and the error as comments (and, for a refused `show chassis`, the
//! Description line is ended, see above). The conformance cases
//! `aos#scripted_*` in `tests/corpus/conformance` refuse nothing, so their
//! `#output.txt` is Oxidized's own text.
//!
//! `redact` hides, keeping each keyword (Oxidized's model hides nothing):
//! SNMP community names in `snmp community map`, RADIUS/TACACS+ server
//! keys and the LDAP server's bind password in `aaa ...-server` lines,
//! local user passwords (`user NAME password ...`), OSPF, RIP and IS-IS
//! authentication keys (`auth-key`, `md5 N key`, `key` / `encrypt-key`
//! after an IS-IS `auth-type` or `hello-auth-type`) and BGP neighbour MD5
//! keys (`md5 key` / `md5 key-encrypt`). `significant` ignores the
//! `Number Of Resets` lines of `show chassis`, which count reboots.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Aos;

/// Oxidized's default prompt, which its `aos` model keeps: `->`, `sw1->`.
const PROMPT: &str = r"^([\w.@-]+[#>]\s?)$";

const COMMENT: &str = "! ";

/// Informational commands after `show system`, stored as comments.
const COMMENTED: [&str; 4] = [
    "show chassis",
    "show hardware info",
    "show license info",
    "show license file",
];

const SNAPSHOT: &str = "show configuration snapshot";

/// The first line of `show system` that holds `Description`, trimmed of
/// whitespace at both ends as Ruby's `strip` trims it, with no line
/// ending; empty when there is none.
fn description(output: &str) -> &str {
    text::lines(output)
        .find(|l| l.contains("Description"))
        .map_or("", |l| {
            l.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r'])
                .trim_end_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r', '\0'])
        })
}

impl Driver for Aos {
    fn info() -> DriverInfo {
        DriverInfo::shell("aos", env!("CARGO_PKG_VERSION"), &["aos"], PROMPT, COMMENT)
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();

        // No newline after it: Oxidized glues `show chassis`'s block on.
        let mut unended = false;
        if let Some(raw) = session.optional("show system")? {
            let output = text::command_output(&raw);
            let line = text::comment(description(&output), COMMENT);
            unended = !line.is_empty();
            config.push_str(&line);
        }

        for command in COMMENTED {
            match session.optional(command)? {
                Some(raw) => {
                    config.push_str(&text::comment(&text::command_output(&raw), COMMENT));
                }
                // `show chassis` refused and left out: end the Description
                // line rather than glue it to a block it never touches in
                // Oxidized's backup.
                None if unended => config.push('\n'),
                None => {}
            }
            unended = false;
        }

        let raw = session.essential(SNAPSHOT)?;
        config.push_str(&text::command_output(&raw));
        Ok(Backup::config(config))
    }

    /// `exit`; the switch closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^! +Number Of Resets:"])
    }
}

/// A value as AOS 6 prints it: quoted (with spaces) or one word.
macro_rules! value {
    () => {
        r#"(?:"[^"]*"|\S+)"#
    };
}

/// Secret removal, line by line: `(needle, regex, replacement)`, each
/// keeping the keyword that names the secret and hiding its value.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "community map",
        concat!(r"^(\s*snmp community map(?: hash-key)?) ", value!()),
        "$1 <secret hidden>",
    ),
    // `aaa radius-server "r1" host A key K ...`, `aaa tacacs+-server ...
    // key K`, `aaa ldap-server ... dn D password P base B`.
    (
        "-server",
        concat!(
            r"^(\s*aaa (?:radius|tacacs\+|ldap)-server .*?\b(?:hash-key|key|password)) ",
            value!()
        ),
        "$1 <secret hidden>",
    ),
    (
        "password",
        concat!(r"^(\s*user \S+ password) ", value!()),
        "$1 <secret hidden>",
    ),
    // `ip ospf interface "i" auth-key K`, `ip ospf interface "i" md5 1 key
    // K`, `ip ospf virtual-link ... auth-key K`, `ip rip interface "i"
    // auth-key K`; IS-IS (OS6850/OS9000) `ip isis [level N] auth-type md5
    // key K`, `ip isis interface "i" [level N] hello-auth-type simple
    // encrypt-key K` (the snapshot shows the `encrypt-key` form; `\bkey`
    // matches inside `encrypt-key` too).
    (
        "key",
        concat!(
            r"^(\s*ip (?:ospf|rip|isis) .*?\b(?:auth-key|key)) ",
            value!()
        ),
        "$1 <secret hidden>",
    ),
    (
        "md5",
        concat!(
            r"^(\s*ip bgp neighbor \S+ md5 (?:key|key-encrypt)) ",
            value!()
        ),
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Aos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Aos>(CORPUS);
    }

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Aos>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_the_chaos_replay() {
        netraven_driver_sdk::harness::assert_chaos::<Aos>(CONFORMANCE);
    }

    /// A whole session of an OS6450-P48 (AOS 6.7.2), with every command
    /// Oxidized sends: the conformance case `aos#scripted_os6450_crlf_banner`
    /// (its sources are in its header: real banner, prompt, `show system`
    /// and `show chassis`; minimal hardware, licence and snapshot text).
    /// The variations below start from it.
    const FULL: &str = include_str!(
        "../../../tests/corpus/conformance/aos#scripted_os6450_crlf_banner#simulation.yaml"
    );

    /// What Oxidized's model stores for `FULL` (../shared/oxidized/oracle
    /// aos), the case's `#output.txt`. Its `show system` Description line
    /// is glued to the first line of `show chassis` (a blank one) because
    /// the model drops its newline.
    const ORACLE: &str = include_str!(
        "../../../tests/corpus/conformance/aos#scripted_os6450_crlf_banner#output.txt"
    );

    #[test]
    fn refused_licence_commands_are_left_out() {
        let recording = refused_in(FULL, "show license info", "license");
        let recording = refused_in(&recording, "show license file", "license");
        let backup = scripted::backup_without::<Aos>(
            &recording,
            &Device::default(),
            &["show license info", "show license file"],
        );
        let expected = ORACLE.replace(
            "!  DUT-ID   License\n! -------+-----------\n!    1      10G\n",
            "",
        );
        assert_ne!(expected, ORACLE);
        assert_eq!(backup.config, expected);
        assert!(
            !backup.config.contains("Invalid entry"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_show_chassis_ends_the_description_line() {
        let recording = refused_in(FULL, "show chassis", "chassis");
        let backup =
            scripted::backup_without::<Aos>(&recording, &Device::default(), &["show chassis"]);
        let description = "! Description:  Alcatel-Lucent Enterprise OS6450-P48 6.7.2.89.R06 GA, April 09, 2019.,";
        let rest = &ORACLE[ORACLE.find("! CPU Type").expect("hardware info stored")..];
        assert_eq!(backup.config, format!("{description}\n{rest}"));
    }

    /// `recording` with `command` refused as the OmniSwitch 6450 Management
    /// Guide shows a refusal: a caret under the word, then
    /// `ERROR: Invalid entry: "<word>"`.
    fn refused_in(recording: &str, command: &str, word: &str) -> String {
        let reply = format!(
            "{command}\\r\n      ^\\r\n      ERROR: Invalid entry: \\\"{word}\\\"\\r\n      ->\\x20"
        );
        let start = recording
            .find(&format!("\"{command}\\n\": |-"))
            .expect("the command is recorded");
        let body = start + recording[start..].find('\n').expect("a reply follows") + 1;
        let end = body
            + recording[body..]
                .find("\n  - ")
                .expect("another step follows");
        format!("{}      {reply}{}", &recording[..body], &recording[end..])
    }

    #[test]
    fn a_refused_snapshot_fails_the_backup() {
        // The wording of an AOS 6.6.3 OS6450 to a user without the
        // privilege (FreeRADIUS/wiki.freeradius.org vendor/alcatel-lucent.md).
        let start = FULL.find("\"show configuration snapshot\\n\": |-").unwrap();
        let end = FULL.find("  - \"exit\\n\"").unwrap();
        let recording = format!(
            "{}  - \"show configuration snapshot\\n\": |-\n      show configuration snapshot\\r\n      ERROR: Authorization failed. No functional privileges for this command\\r\n      ->\\x20\n{}",
            &FULL[..start - 4],
            &FULL[end..]
        );
        scripted::backup_fails_with::<Aos>(
            &recording,
            &Device::default(),
            r#"essential command "show configuration snapshot": the device refused it: "ERROR: Authorization failed. No functional privileges for this command""#,
        );
    }

    #[test]
    fn an_empty_snapshot_fails_the_backup() {
        let start = FULL.find("\"show configuration snapshot\\n\": |-").unwrap();
        let end = FULL.find("  - \"exit\\n\"").unwrap();
        let recording = format!(
            "{}  - \"show configuration snapshot\\n\": |-\n      show configuration snapshot\\r\n      ->\\x20\n{}",
            &FULL[..start - 4],
            &FULL[end..]
        );
        scripted::backup_fails_with::<Aos>(
            &recording,
            &Device::default(),
            r#"essential command "show configuration snapshot""#,
        );
    }

    #[test]
    fn show_system_keeps_the_description_line_alone_and_unended() {
        // Written for the test, in the field-list shape of `show system`.
        let out = "System:\n  Description:  Alcatel-Lucent Enterprise OS6350-P24 6.7.1.001.R01 GA, January 01, 2000.,\n  Object ID:    0.0.0.0,\n";
        assert_eq!(
            description(out),
            "Description:  Alcatel-Lucent Enterprise OS6350-P24 6.7.1.001.R01 GA, January 01, 2000.,"
        );
        assert_eq!(description("System:\n  Name: sw1,\n"), "");
    }

    #[test]
    fn prompt_takes_aos6_prompts_and_refuses_other_lines() {
        let prompt = text::line_re(PROMPT);
        // `->`, `-> ` and the refused lines are real (cited in
        // `aos#generic#source.md`) but for `system name ...`, a snapshot
        // line written for the test; `sw1->` and `NET-SWI-001-> ` are
        // written for the test in the shape a named prompt takes.
        for p in ["->", "-> ", "sw1->", "NET-SWI-001-> "] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "-> vlan 20 enable",
            "vxTarget prompt string ->",
            "login : ",
            "Confirm exit (Y/N)?",
            "ERROR: Authorization failed. No functional privileges for this command",
            "system name \"NET-SWI-001\"",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn telnet_login_prompts_take_the_aos6_questions() {
        let prompts = Aos::login_prompts();
        assert!(text::line_re(&prompts.username).is_match("login : "));
        assert!(text::line_re(&prompts.password).is_match("password : "));
        assert!(!text::line_re(&prompts.username).is_match("->"));
    }

    #[test]
    fn redact_hides_every_secret_form_and_keeps_the_keywords() {
        // Written for the test, with canaries, in the command forms of AOS 6
        // snapshots (CLI Reference Guide syntax), not from a capture.
        let cfg = "snmp community map \"CANARY1\" user \"snmpro\" on\n\
                   snmp community map CANARY2 user snmprw enable\n\
                   aaa radius-server \"rad1\" host 192.0.2.20 key CANARY3 retransmit 3 timeout 2 auth-port 1812 acct-port 1813\n\
                   aaa tacacs+-server \"tac1\" host 192.0.2.21 key CANARY4 port 49\n\
                   aaa ldap-server \"ldap1\" host 192.0.2.22 dn \"cn=admin\" password CANARY5 base \"dc=example\"\n\
                   user snmpro password CANARY6 read-only all no auth\n\
                   ip ospf interface \"vlan-10\" auth-key CANARY7\n\
                   ip ospf interface \"vlan-10\" md5 1 key \"CANARY8\"\n\
                   ip rip interface \"vlan-20\" auth-key CANARY9\n\
                   ip bgp neighbor 192.0.2.30 md5 key-encrypt CANARY10\n\
                   ip isis level 2 auth-type md5 encrypt-key CANARY11\n\
                   ip isis interface \"vlan-30\" level 1 hello-auth-type simple key CANARY12\n\
                   ip isis auth-type md5 key \"CANARY13\"\n\
                   ip ospf interface \"vlan-10\" area 0.0.0.0\n\
                   system name \"key-switch\"\n";
        let out = Aos::redact(cfg);
        for n in 1..=13 {
            let canary = format!("CANARY{n}");
            assert!(
                !out.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w == canary),
                "{canary} left in:\n{out}"
            );
        }
        for kept in [
            "snmp community map <secret hidden> user \"snmpro\" on\n",
            "snmp community map <secret hidden> user snmprw enable\n",
            "host 192.0.2.20 key <secret hidden> retransmit 3 timeout 2",
            "aaa tacacs+-server \"tac1\" host 192.0.2.21 key <secret hidden> port 49\n",
            "dn \"cn=admin\" password <secret hidden> base \"dc=example\"\n",
            "user snmpro password <secret hidden> read-only all no auth\n",
            "ip ospf interface \"vlan-10\" auth-key <secret hidden>\n",
            "ip ospf interface \"vlan-10\" md5 1 key <secret hidden>\n",
            "ip rip interface \"vlan-20\" auth-key <secret hidden>\n",
            "ip bgp neighbor 192.0.2.30 md5 key-encrypt <secret hidden>\n",
            "ip isis level 2 auth-type md5 encrypt-key <secret hidden>\n",
            "ip isis interface \"vlan-30\" level 1 hello-auth-type simple key <secret hidden>\n",
            "ip isis auth-type md5 key <secret hidden>\n",
            "ip ospf interface \"vlan-10\" area 0.0.0.0\n",
            "system name \"key-switch\"\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn the_backup_of_the_full_session_is_redacted() {
        let backup = scripted::backup::<Aos>(FULL, &Device::default()).expect("replayed whole");
        let out = Aos::redact(&backup.config);
        assert!(!out.contains("CANARY"), "{out}");
        assert!(out.contains("snmp community map <secret hidden> user \"snmpro\" on\n"));
        assert!(out.contains("host 192.0.2.20 key <secret hidden> retransmit 3"));
    }

    #[test]
    fn significant_ignores_the_reset_counter() {
        let rebooted = ORACLE.replace(
            "Number Of Resets:              12",
            "Number Of Resets:              13",
        );
        assert_ne!(rebooted, ORACLE);
        assert_eq!(Aos::significant(&rebooted), Aos::significant(ORACLE));
        assert!(!Aos::significant(ORACLE).contains("Number Of Resets"));
        assert!(
            Aos::significant(ORACLE).contains("!   Serial Number:                 U0000001,\n")
        );
    }
}
