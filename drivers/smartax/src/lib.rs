//! Huawei SmartAX access devices: MA5600T/MA5680T/MA5800 OLTs, MA5600
//! DSLAMs and their kin (Oxidized model `smartax`).
//!
//! No published session of the configuration command
//! (`display current-configuration`, after the setup below) exists yet
//! (see the `smartax` section of `tests/corpus/netraven/RESEARCH.md`), so
//! the driver is checked by its unit tests against what Oxidized's own
//! model code stores for the same scripted sessions
//! (`../shared/oxidized/oracle smartax`), and by the prompt case
//! `tests/corpus/netraven/smartax#generic#prompt.yaml`.
//!
//! Session: the prompt is the sysname, then `>` (user mode) or `#`
//! (privileged mode): `SCRAPLI-MA5800-X7>`, `MA5680T-H01>`; the config
//! modes (`OLT1(config)#`, `OLT1(config-if-gpon-0/1)#`) are not prompts
//! here. After login the driver sends, as Oxidized does and whatever the
//! device vars say, `enable` (no password is asked), `undo interactive`
//! (no confirmation questions, so `quit` logs out at once), `undo smart`
//! (no `{ <cr>|...}:` question after each command) and `scroll` (no
//! pager); their replies are not read. Logout is `quit`; the device hangs
//! up. Over telnet the device asks `>>User name:` and `>>User password:`,
//! which the host's default login prompts take.
//!
//! Command: `display current-configuration` (essential), without its echo
//! (the first line) and the prompt (the last line), carriage returns before
//! line feeds removed, as Oxidized stores it. A device that refuses it
//! (`% Unknown command, the error locates at '^'`) fails the backup as
//! `command_rejected`, and a configuration whose last line is not `return`
//! was cut short and fails too. Oxidized runs no other command for this
//! model, so the backup has no comment lines.
//!
//! `redact` hides, keeping each keyword: every `%$%#...%$%#`, `%^%#...%^%#`,
//! `%$%$...%$%$` and `%@%@...%@%@` cipher text, quoted or not (SNMP
//! communities, RADIUS/TACACS keys, SNMPv3 keys), any other value after a
//! `cipher` keyword, ONT authentication passwords (`password-auth [hex]
//! PWD`) and LOID check codes (`checkcode-auth CODE`), any value after a
//! `password` keyword (an ONT's PPPoE account, `ont ipconfig ... pppoe ...
//! user-account username USER password PWD`; hidden defensively, as no
//! published SmartAX configuration shows where else the word comes), and
//! the password hashes of `terminal user name buildrun_new_password` /
//! `history_password` lines (from `*` to the last `$*` of the line, as a
//! hash may hold `$*`). Oxidized's model hides nothing.
//!
//! `significant` is the whole backup: no volatile line is known.
//!
//! Device vars: none.
//!
//! Conformance cases (`tests/corpus/conformance/smartax#scripted_*`,
//! scripted, not recorded; `#output.txt` made by
//! `../shared/oxidized/oracle smartax`): `MA5800_crlf` (scrapli_community's
//! MA5800 prompts, CRLF, a blank line in and after the configuration,
//! trailing spaces, quoted and unquoted cipher texts, a hash holding `$*`)
//! and `MA5680T_noblank` (netmiko issue #1620's MA5680T prompt, setup
//! replies with no blank line). Their configurations are minimal, in the
//! shape Huawei's SmartAX configurations have, with canary secrets.

use netraven_driver_sdk::prelude::*;

pub struct Smartax;

/// The sysname, then `>` or `#`.
const PROMPT: &str = r"^[\w.-]+[>#]$";

const COMMENT: &str = "#";

/// Set up after login, in Oxidized's order; the replies are not read.
const SETUP: [&str; 4] = ["enable", "undo interactive", "undo smart", "scroll"];

const DISPLAY_CONFIG: &str = "display current-configuration";

/// The last line of a whole SmartAX configuration.
const CONFIG_END: &str = "return";

impl Driver for Smartax {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "smartax",
            env!("CARGO_PKG_VERSION"),
            &["smartax"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        for command in SETUP {
            session.command(command)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let raw = session.essential(DISPLAY_CONFIG)?;
        let running = text::command_output(&raw);
        complete(DISPLAY_CONFIG, &running, CONFIG_END)?;
        Ok(Backup::config(running))
    }

    /// Log out; with `undo interactive` the device asks nothing and hangs
    /// up, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("quit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// Secret removal, line by line: `(needle, regex, replacement)`, each line
/// matched without its line ending, the rules in order; a value already
/// hidden (`<secret hidden>`) stays.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // Cipher texts between their delimiters, with the quotes around them.
    ("%$%#", r#""?%\$%#.*?%\$%#"?"#, "<secret hidden>"),
    ("%^%#", r#""?%\^%#.*?%\^%#"?"#, "<secret hidden>"),
    ("%$%$", r#""?%\$%\$.*?%\$%\$"?"#, "<secret hidden>"),
    ("%@%@", r#""?%@%@.*?%@%@"?"#, "<secret hidden>"),
    // Any other value after `cipher`: quoted, or up to the next blank.
    (
        "cipher ",
        r#"(\scipher) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    // An ONT's authentication password (`ont add 0 1 password-auth PWD
    // always-on omci ...`, `sn-auth SN password-auth PWD`, also
    // `password-auth hex PWD`) and the check code of LOID authentication
    // (`loid-auth LOID checkcode-auth CODE`), as Huawei's `ont add` /
    // `ont confirm` reference writes them; quoted or bare.
    (
        "-auth ",
        r#"(\s(?:password-auth(?: hex)?|checkcode-auth)) (?:"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    // Any value after a `password` keyword: the PPPoE account of an ONT's
    // WAN (`ont ipconfig 0 1 ip-index 0 pppoe vlan 100 priority 0
    // user-account username USER password PWD`, the form operators' scripts
    // send; no published configuration shows it), and any other such
    // value, defensively. A `cipher` / `simple` keyword after it is
    // skipped, and a value already hidden is matched as it stands, so the
    // keyword is never taken for the value.
    (
        "password ",
        r#"(\spassword(?: cipher| simple)?) (?:<secret hidden>|"[^"]*"|[^\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    // `terminal user name buildrun_new_password root *j$3b$...$* 7 ...`:
    // the hash runs from `*` to the last `$*` of the line (a hash may
    // hold `$*` itself, as in `*c$3b$*vT...$*`).
    (
        "_password ",
        r"((?:buildrun_new|history)_password \S+) \*.*\$\*",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Smartax);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    /// The prompt case (`smartax#generic#prompt.yaml`): prompts from
    /// netmiko issues' session logs and scrapli_community's test fixtures,
    /// and lines that are not prompts.
    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Smartax>(CORPUS);
    }

    /// Scripted sessions (not recordings) whose `#output.txt` is what
    /// Oxidized's model stores for them (`../shared/oxidized/oracle smartax`).
    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Smartax>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Smartax>(CONFORMANCE);
    }

    /// A session with `config` as what `display current-configuration`
    /// prints (YAML escapes, ending in `\r\n`). The prompts are the MA5800's
    /// user-mode prompt of scrapli_community's tests
    /// (`tests/unit/huawei/smartax/test_huawei_smartax.py`, MIT) and the
    /// same name with `#`, the privileged form those tests show. No reply
    /// to the four setup commands was ever published: each is its echo and
    /// the prompt, the least a device prints.
    fn recording(config: &str) -> String {
        let user = "SCRAPLI-MA5800-X7>";
        let p = "SCRAPLI-MA5800-X7#";
        format!(
            "init_prompt: \"\\r\\n{user}\"\ncommands:\n\
             \x20 - \"enable\\n\": \"enable\\r\\n\\r\\n{p}\"\n\
             \x20 - \"undo interactive\\n\": \"undo interactive\\r\\n\\r\\n{p}\"\n\
             \x20 - \"undo smart\\n\": \"undo smart\\r\\n\\r\\n{p}\"\n\
             \x20 - \"scroll\\n\": \"scroll\\r\\n\\r\\n{p}\"\n\
             \x20 - \"display current-configuration\\n\": \"display current-configuration\\r\\n{config}{p}\"\n\
             \x20 - \"quit\\n\": \"\"\n"
        )
    }

    /// No published output of `display current-configuration` after the
    /// setup exists: a minimal configuration shaped as Huawei's MA5600T /
    /// MA5800 documentation shows one (`[section]` and `<section>` headers,
    /// `#` between sections, `return` last), then the blank line before the
    /// prompt.
    const CONFIG: &str = "#\\r\\n[global-config]\\r\\n  <global-config>\\r\\n sysname SCRAPLI-MA5800-X7\\r\\n#\\r\\nreturn\\r\\n\\r\\n";

    /// An MA5680T's refusal of a command it does not know, as reported in
    /// ktbyers/netmiko issue #1620.
    const UNKNOWN: &str =
        "            ^\\r\\n  % Unknown command, the error locates at '^'\\r\\n\\r\\n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<Smartax>(&recording(CONFIG), &Device::default())
            .expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle smartax).
        assert_eq!(
            backup.config,
            "#\n[global-config]\n  <global-config>\n sysname SCRAPLI-MA5800-X7\n#\nreturn\n\n"
        );
    }

    #[test]
    fn the_setup_commands_go_out_whatever_the_vars_say() {
        // Without `enable` (or any of the four), the replay is left unused.
        let session =
            scripted::login::<Smartax>(&recording(CONFIG), &Device::default()).expect("logged in");
        assert!(
            session.finish().is_err(),
            "the configuration and quit were never sent"
        );
        let yaml = "init_prompt: 'OLT1>'\ncommands:\n  - \"undo interactive\\n\": 'undo interactive\\r\\nOLT1>'\n";
        assert!(scripted::login::<Smartax>(yaml, &Device::default()).is_err());
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Smartax>(
            &recording(UNKNOWN),
            &Device::default(),
            r#"essential command "display current-configuration": the device refused it: "% Unknown command, the error locates at '^'""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_fails() {
        scripted::backup_fails_with::<Smartax>(
            &recording("#\\r\\n[global-config]\\r\\n  <global-config>\\r\\n sysname OLT1\\r\\n"),
            &Device::default(),
            r#"essential command "display current-configuration": the configuration stops at " sysname OLT1", before its closing "return": cut short"#,
        );
    }

    #[test]
    fn prompt_takes_user_and_privileged_modes_only() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "SCRAPLI-MA5800-X7>",
            "SCRAPLI_HUAWEI-SMARTAX_TEST_OLT1#",
            "MA5680T-H01>",
            "huawei#",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "SCRAPLI_HUAWEI-SMARTAX_TEST_OLT1(config)#",
            "SCRAPLI_HUAWEI-SMARTAX_TEST_OLT1(config-if-gpon-0/1)#",
            "SCRAPLI_HUAWEI-SMARTAX_TEST_OLT1(diagnose)%%",
            "  VERSION : MA5800V100R018C10",
            "[global-config]",
            "  <global-config>",
            "#",
            "return",
            "Are you sure to log out? (y/n)[n]:",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_ciphers_and_user_hashes() {
        // Lines written for the test, canary values in the shapes SmartAX
        // configurations print: the account lines' hashes run from `*` to
        // `$*` and may hold `$*` themselves (the third line).
        let cfg = " terminal user name buildrun_new_password root *j$3b$CANARY1 x$* 7 0000:00:00:00:00:00 2000:01:02:08:37:58 root 1\n\
                   \x20terminal user name buildrun_new_password ops *c$3b$*CANARY8$Q$* 0 2025:07:28:09:27:39 2025:07:28:09:28:19 root 4\n\
                   \x20terminal user name history_password ops *~ub$3b$CANARY2$*\n\
                   \x20snmp-agent community read cipher \"%$%#CANARY3 q%$%#\"\n\
                   \x20snmp-agent community write cipher %^%#CANARY4%^%#\n\
                   \x20radius-server shared-key-cipher %@%@CANARY5%@%@\n\
                   \x20hwtacacs-server shared-key cipher CANARY6\n\
                   \x20snmp-agent usm-user v3 nms authentication-mode sha cipher \"CANARY7\"\n\
                   \x20 ont add 0 1 password-auth \"CANARYONT1\" always-on omci ont-lineprofile-id 10 ont-srvprofile-id 10 desc \"cust-1\"\n\
                   \x20 ont add 0 2 sn-auth \"48575443A1B2C3D4\" password-auth hex CANARYONT2 omci ont-lineprofile-id 10 ont-srvprofile-id 10\n\
                   \x20 ont add 0 3 loid-auth \"loid-3\" checkcode-auth CANARYONT3 always-on omci ont-lineprofile-id 10 ont-srvprofile-id 10\n\
                   \x20 ont ipconfig 0 1 ip-index 0 pppoe vlan 100 priority 0 user-account username cust1 password CANARYPPPOE\n\
                   \x20 ont ipconfig 0 2 pppoe vlan 100 priority 0 user-account username cust2 password \"CANARY PPPOE2\"\n\
                   \x20local-user ops password cipher %@%@CANARY9%@%@\n\
                   \x20sysname OLT1\n\
                   \x20terminal user-profile name suporte 0 0 00:00:00 00:00:00\n";
        let out = Smartax::redact(cfg);
        assert!(!out.contains("CANARY"), "{out}");
        assert_eq!(
            out,
            " terminal user name buildrun_new_password root <secret hidden> 7 0000:00:00:00:00:00 2000:01:02:08:37:58 root 1\n\
             \x20terminal user name buildrun_new_password ops <secret hidden> 0 2025:07:28:09:27:39 2025:07:28:09:28:19 root 4\n\
             \x20terminal user name history_password ops <secret hidden>\n\
             \x20snmp-agent community read cipher <secret hidden>\n\
             \x20snmp-agent community write cipher <secret hidden>\n\
             \x20radius-server shared-key-cipher <secret hidden>\n\
             \x20hwtacacs-server shared-key cipher <secret hidden>\n\
             \x20snmp-agent usm-user v3 nms authentication-mode sha cipher <secret hidden>\n\
             \x20 ont add 0 1 password-auth <secret hidden> always-on omci ont-lineprofile-id 10 ont-srvprofile-id 10 desc \"cust-1\"\n\
             \x20 ont add 0 2 sn-auth \"48575443A1B2C3D4\" password-auth hex <secret hidden> omci ont-lineprofile-id 10 ont-srvprofile-id 10\n\
             \x20 ont add 0 3 loid-auth \"loid-3\" checkcode-auth <secret hidden> always-on omci ont-lineprofile-id 10 ont-srvprofile-id 10\n\
             \x20 ont ipconfig 0 1 ip-index 0 pppoe vlan 100 priority 0 user-account username cust1 password <secret hidden>\n\
             \x20 ont ipconfig 0 2 pppoe vlan 100 priority 0 user-account username cust2 password <secret hidden>\n\
             \x20local-user ops password cipher <secret hidden>\n\
             \x20sysname OLT1\n\
             \x20terminal user-profile name suporte 0 0 00:00:00 00:00:00\n"
        );
    }
}
