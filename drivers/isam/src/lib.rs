//! Nokia (Alcatel-Lucent) ISAM access nodes: 7302, 7330 and 7360 (Oxidized
//! model `isam`).
//!
//! No published session of the configuration command (`info configure
//! flat`) of an ISAM exists yet (see `tests/corpus/netraven/RESEARCH.md`,
//! section `isam`), so this driver is checked by its unit tests against
//! Oxidized's own model code (`../shared/oxidized/oracle isam`) and by the
//! prompt case `tests/corpus/netraven/isam#generic#prompt.yaml`.
//!
//! Session: the node greets with `typ:isadmin># ` (session type, user, `>`,
//! the node path, `#`). The driver then sends, as Oxidized does after login,
//! `environment prompt "%n># "` (the prompt becomes the user name and `># `,
//! without the node path, so it stays the same in every node),
//! `environment mode batch` (no confirmations, no progress spinner) and
//! `environment inhibit-alarms print no-more` (no alarm reports in the
//! output, no pager). The prompt is a word (letters, digits, `.:@-`), then
//! `>#`: node prompts (`typ:isadmin>configure>system#`) and the `$` of
//! a newly created node are no prompts here. Logout is `logout`; the node
//! hangs up. Over telnet the node asks `login:` and `password:`, which the
//! host's default login prompts answer.
//!
//! Commands, in Oxidized's order:
//! - `show software-mngt oswp detail` (optional) and `show equipment slot
//!   detail` (optional), stored as `# ` comments;
//! - `info configure flat` (essential): a node that refuses it fails the
//!   backup as `command_rejected` instead of storing the comments alone.
//!   The flat configuration has no closing line of its own, so there is no
//!   check for a configuration cut short.
//!
//! Every output loses its first line (the echo) and its last one (the
//! prompt), with `\r\n` made `\n`, as Oxidized's model cuts it; blank lines
//! stay. The backup is thus byte for byte what Oxidized stores.
//!
//! A refusal is ISAM's own wording (a `^` marker line, then `invalid token`,
//! `command is not complete` or `Error : ...`), which the SDK's
//! [`text::REFUSALS`] does not know (`Error : ` has a space before its
//! colon), so the driver looks for it itself, beside the SDK's check.
//!
//! `redact` hides, keeping each keyword and an `encrypted:`/`plain:` (or
//! `md5:`, `des:`...) marker: operator and other `password`s, RADIUS
//! `secret`s, SNMP `community` names, SNMPv3 `authentication` and `privacy`
//! keys, and any `...key` given as `plain:` or `encrypted:`, the IHUB's
//! routing keys (`authentication-key`, `message-digest-key N md5`) and a
//! GPON ONT's registration id (`subslocid`). Oxidized's
//! model hides nothing; the backup itself is still Oxidized's.
//! `significant` is the default (the whole backup): no volatile line is
//! known in these three outputs.
//!
//! Device vars: none.
//!
//! Conformance case (`tests/corpus/conformance/isam#scripted_7360_crlf`,
//! scripted, not recorded; `#output.txt` made by
//! `../shared/oxidized/oracle isam`): CRLF, a greeting line, blank lines
//! inside and after every output, trailing spaces; its outputs are
//! minimal, in the shape of the unit tests' ones, with canary secrets.

use netraven_driver_sdk::prelude::*;

pub struct Isam;

/// `typ:isadmin># `, `typ:user@host1>#`, and after the driver's
/// `environment prompt "%n># "`, `isadmin># `. Oxidized's wants exactly
/// one blank after `#`; the blank is optional here (deliberately: a
/// published prompt that lost it, `typ:user@host1>#`, still matches, and a
/// node printing none would hang Oxidized, so no stored backup depends on
/// the difference).
const PROMPT: &str = r"^([\w.:@-]+>#\s?)$";

/// Setup commands whose output nobody reads, as Oxidized sends them.
const SETUP: [&str; 3] = [
    r#"environment prompt "%n># ""#,
    "environment mode batch",
    "environment inhibit-alarms print no-more",
];

/// Informational commands, stored as `# ` comments, in this order.
const COMMENTED: [&str; 2] = [
    "show software-mngt oswp detail",
    "show equipment slot detail",
];

const SHOW_CONFIG: &str = "info configure flat";

impl Driver for Isam {
    fn info() -> DriverInfo {
        DriverInfo::shell("isam", env!("CARGO_PKG_VERSION"), &["isam"], PROMPT, "# ")
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        for setup in SETUP {
            session.command(setup)?;
        }

        let mut config = String::new();
        for command in COMMENTED {
            let Some(raw) = optional_refused_by(session, command, &refused)? else {
                continue;
            };
            config.push_str(&text::comment(&text::command_output(&raw), "# "));
        }

        let raw = essential_refused_by(session, SHOW_CONFIG, &refused)?;
        config.push_str(&text::command_output(&raw));
        Ok(Backup::config(config))
    }

    /// Log out; the node closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("logout\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// How ISAM refuses a command, at the start of a line.
const ISAM_REFUSALS: [&str; 4] = [
    "invalid token",
    "command is not complete",
    "Error :",
    "Error:",
];

/// ISAM's own refusal in a command's whole output (echo, output, prompt).
fn refused(raw: &str) -> Option<String> {
    isam_refusal(&text::command_output(raw)).map(String::from)
}

/// The line in which ISAM refused the command, if it did: one of the first
/// four lines of `output` (without echo and prompt) that are neither blank
/// nor the `^` marker starts with ISAM's refusal wording.
fn isam_refusal(output: &str) -> Option<&str> {
    output
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.chars().all(|c| c == '^'))
        .take(4)
        .find(|l| ISAM_REFUSALS.iter().any(|r| l.starts_with(r)))
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle. The keyword follows a space (flat
/// lines start with `configure`). A value is a word or a quoted string;
/// the keyword and any `encrypted:`/`plain:`/`md5:` markers before the
/// value stay. A value never starts with `<`, so that a value hidden by one
/// rule (`password <secret hidden>`) is not hidden again by the next.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "password ",
        r#"(\spassword (?:[\w-]+:)*)("[^"]*"|[^\s<]\S*)"#,
        "$1<secret hidden>",
    ),
    (
        "secret ",
        r#"(\ssecret (?:[\w-]+:)*)("[^"]*"|[^\s<]\S*)"#,
        "$1<secret hidden>",
    ),
    (
        "community ",
        r#"(\scommunity )("[^"]*"|[^\s<]\S*)"#,
        "$1<secret hidden>",
    ),
    // SNMPv3 users: `authentication md5:encrypted:...`; `none` stays.
    (
        "authentication ",
        r#"(\sauthentication (?:[\w-]+:)+)("[^"]*"|[^\s<]\S*)"#,
        "$1<secret hidden>",
    ),
    (
        "privacy ",
        r#"(\sprivacy (?:[\w-]+:)+)("[^"]*"|[^\s<]\S*)"#,
        "$1<secret hidden>",
    ),
    (
        "key ",
        r#"(\s[\w-]*key (?:plain|encrypted):)("[^"]*"|[^\s<]\S*)"#,
        "$1<secret hidden>",
    ),
    // The IHUB's SR OS-style routing keys (`info configure service flat`):
    // `authentication-key "..." hash2`, `message-digest-key 1 md5 "..."
    // hash2` (OSPF/IS-IS/BGP/VRRP).
    (
        "-key ",
        r#"(\s(?:authentication-key|message-digest-key \d+ md5) )("[^"]*"|[^\s<]\S*)"#,
        "$1<secret hidden>",
    ),
    // A GPON ONT's registration id (SLID): `configure equipment ont
    // interface 1/1/1/1/1 ... subslocid VALUE`.
    (
        "subslocid ",
        r#"(\ssubslocid )("[^"]*"|[^\s<]\S*)"#,
        "$1<secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Isam);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Isam>(CORPUS);
    }

    /// Scripted sessions (not recordings) whose `#output.txt` is what
    /// Oxidized's model stores for them (`../shared/oxidized/oracle isam`).
    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Isam>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Isam>(CONFORMANCE);
    }

    /// A session as an ISAM answers it, with `oswp`, `slot` and `config` as
    /// the replies (after the echo) to the three commands. The greeting
    /// (`Welcome to ISAM`, `typ:user@host1>#`) is from Netmiko issue #3416;
    /// the prompts after `environment prompt "%n># "` are what that setting
    /// makes of user `isadmin`.
    fn recording(oswp: &str, slot: &str, config: &str) -> String {
        let p = "isadmin># ";
        format!(
            "init_prompt: |-\n  \\r\n  Welcome to ISAM\\r\n  typ:isadmin>#\\x20\ncommands:\n\
             \x20 - \"environment prompt \\\"%n># \\\"\\n\": 'environment prompt \\\"%n># \\\"\\r\\n{p}'\n\
             \x20 - \"environment mode batch\\n\": 'environment mode batch\\r\\n{p}'\n\
             \x20 - \"environment inhibit-alarms print no-more\\n\": 'environment inhibit-alarms print no-more\\r\\n{p}'\n\
             \x20 - \"show software-mngt oswp detail\\n\": 'show software-mngt oswp detail\\r\\n{oswp}{p}'\n\
             \x20 - \"show equipment slot detail\\n\": 'show equipment slot detail\\r\\n{slot}{p}'\n\
             \x20 - \"info configure flat\\n\": 'info configure flat\\r\\n{config}{p}'\n\
             \x20 - \"logout\\n\": ''\n"
        )
    }

    // No published output of `show software-mngt oswp detail` or `show
    // equipment slot detail` exists: these replies are minimal, shaped as
    // ISAM's `show` tables are (a `=` rule, the table's title, a rule).
    const OSWP: &str = "===============================================================================\\r\\noswp table\\r\\n===============================================================================\\r\\nindex name                                          availability   act-status    commit-status\\r\\n\\r\\n1     L6GPAA62.433                                  enabled        active        committed\\r\\n===============================================================================\\r\\n";
    const SLOT: &str = "===============================================================================\\r\\nslot table (detailed)\\r\\n===============================================================================\\r\\nslot : nt-a\\r\\n  actual-type : nant-e              enabled : yes\\r\\n===============================================================================\\r\\n";
    // The `configure equipment ...` and `configure software-mngt ...` lines
    // are from jahknem/nokia.isam `tests/fixtures/equipment/r6.2.04m/output.txt`
    // and `tests/fixtures/software_mngt/r6.2.04m/output.txt` (sanitized
    // captures of an ISAM 7330 FTTN R6.2.04m, `info configure <node> flat`);
    // the `echo "..."` section headers are minimal, as ISAM's `info` prints
    // them, and the security lines are canaries shaped as ISAM's CLI
    // guide writes these commands.
    const CONFIG: &str = "#-------------------------------------------------------------------------------\\r\\necho \\\"equipment\\\"\\r\\n#-------------------------------------------------------------------------------\\r\\nconfigure equipment shelf 1/1 planned-type nfxs-b\\r\\nconfigure equipment slot nt-a planned-type nant-e unlock\\r\\n#-------------------------------------------------------------------------------\\r\\necho \\\"security\\\"\\r\\n#-------------------------------------------------------------------------------\\r\\nconfigure system security operator isadmin profile admin password encrypted:CANARYOPERHASH\\r\\nconfigure system security snmp community CANARYCOMM host-address 192.0.2.0/24\\r\\n#-------------------------------------------------------------------------------\\r\\necho \\\"software-mngt\\\"\\r\\n#-------------------------------------------------------------------------------\\r\\nconfigure software-mngt sw-replacement-mode upgrade-via-standby\\r\\n\\r\\n";

    /// What Oxidized's model stores for `recording(OSWP, SLOT, CONFIG)`
    /// (../shared/oxidized/oracle isam).
    const ORACLE: &str =
        "# ===============================================================================
# oswp table
# ===============================================================================
# index name                                          availability   act-status    commit-status
# \n# 1     L6GPAA62.433                                  enabled        active        committed
# ===============================================================================
# ===============================================================================
# slot table (detailed)
# ===============================================================================
# slot : nt-a
#   actual-type : nant-e              enabled : yes
# ===============================================================================
#-------------------------------------------------------------------------------
echo \"equipment\"
#-------------------------------------------------------------------------------
configure equipment shelf 1/1 planned-type nfxs-b
configure equipment slot nt-a planned-type nant-e unlock
#-------------------------------------------------------------------------------
echo \"security\"
#-------------------------------------------------------------------------------
configure system security operator isadmin profile admin password encrypted:CANARYOPERHASH
configure system security snmp community CANARYCOMM host-address 192.0.2.0/24
#-------------------------------------------------------------------------------
echo \"software-mngt\"
#-------------------------------------------------------------------------------
configure software-mngt sw-replacement-mode upgrade-via-standby

";

    /// ISAM's refusal of a word it does not know: the `^` marker under it,
    /// then `invalid token` (the wording jahknem/nokia.isam's terminal
    /// plugin, `plugins/terminal/isam.py`, treats as an error).
    const INVALID: &str = "                        ^\\r\\ninvalid token\\r\\n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<Isam>(&recording(OSWP, SLOT, CONFIG), &Device::default())
            .expect("replayed whole");
        assert_eq!(backup.config, ORACLE);
    }

    #[test]
    fn a_node_that_refuses_the_show_commands_is_backed_up_without_them() {
        let backup = scripted::backup_without::<Isam>(
            &recording(INVALID, "Error : command is not complete\\r\\n", CONFIG),
            &Device::default(),
            &[
                "show software-mngt oswp detail",
                "show equipment slot detail",
            ],
        );
        assert!(backup.config.starts_with("#-----"), "{}", backup.config);
        assert_eq!(backup.config, ORACLE[ORACLE.find("#-----").unwrap()..]);
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Isam>(
            &recording(OSWP, SLOT, INVALID),
            &Device::default(),
            r#"essential command "info configure flat": the device refused it: "invalid token""#,
        );
    }

    #[test]
    fn a_configuration_the_sdk_knows_as_refused_fails_too() {
        scripted::backup_fails_with::<Isam>(
            &recording(OSWP, SLOT, "% Invalid input detected at marker.\\r\\n"),
            &Device::default(),
            r#"essential command "info configure flat": the device refused it"#,
        );
    }

    #[test]
    fn an_empty_configuration_fails() {
        scripted::backup_fails_with::<Isam>(
            &recording(OSWP, SLOT, ""),
            &Device::default(),
            r#"essential command "info configure flat""#,
        );
    }

    #[test]
    fn isam_refusals_are_found_only_at_the_start() {
        assert_eq!(isam_refusal("   ^\ninvalid token\n"), Some("invalid token"));
        assert_eq!(
            isam_refusal("Error : command is not complete\n"),
            Some("Error : command is not complete")
        );
        assert_eq!(isam_refusal("configure system id x\n"), None);
        let late = "a\nb\nc\nd\ninvalid token\n";
        assert_eq!(isam_refusal(late), None);
    }

    #[test]
    fn prompt_takes_root_prompts_and_refuses_node_prompts_and_output() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "typ:isadmin># ",
            "typ:isadmin>#",
            "typ:user@host1>#",
            "isadmin># ",
            "\risadmin># ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "typ:isadmin>configure>system# ",
            "typ:isadmin>configure>equipment>ont>interface>1/1/1/1/1$ ",
            "Welcome to ISAM",
            "configure equipment slot nt-a planned-type nant-e unlock",
            "environment prompt \"%n># \"",
            "invalid token",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_every_secret_and_keeps_the_keywords() {
        let cfg = "configure system security operator isadmin profile admin password encrypted:CANARYOPERHASH\n\
                   configure system security operator ops profile ops password plain:\"CANARY PLAIN\"\n\
                   configure system security snmp community CANARYCOMM host-address 192.0.2.0/24\n\
                   configure system security snmp user ops authentication md5:encrypted:CANARYAUTH privacy des:encrypted:CANARYPRIV\n\
                   configure system security snmp user mon authentication none privacy none\n\
                   configure system security radius auth-server RAD1 vrf-index 0 ip-address 192.0.2.10 secret encrypted:CANARYRADIUS\n\
                   configure ppp-profile x auth-key plain:CANARYKEY\n\
                   configure system security tacplus auth-server 192.0.2.11 secret plain:CANARYTAC\n\
                   configure service vprn 1 ospf area 0.0.0.0 interface \"ihub\" authentication-key \"CANARYOSPF\" hash2\n\
                   configure service vprn 1 ospf area 0.0.0.0 interface \"ihub2\" message-digest-key 1 md5 \"CANARYMD5\" hash2\n\
                   configure service vprn 1 bgp group \"g\" authentication-key CANARYBGP hash2\n\
                   configure equipment ont interface 1/1/1/1/1 sernum ALCL:00000001 subslocid CANARYSLID\n\
                   configure equipment slot nt-a planned-type nant-e unlock\n";
        let out = Isam::redact(cfg);
        for secret in [
            "CANARYOPERHASH",
            "CANARY PLAIN",
            "CANARYCOMM",
            "CANARYAUTH",
            "CANARYPRIV",
            "CANARYRADIUS",
            "CANARYKEY",
            "CANARYTAC",
            "CANARYOSPF",
            "CANARYMD5",
            "CANARYBGP",
            "CANARYSLID",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "profile admin password encrypted:<secret hidden>\n",
            "profile ops password plain:<secret hidden>\n",
            "snmp community <secret hidden> host-address 192.0.2.0/24\n",
            "authentication md5:encrypted:<secret hidden> privacy des:encrypted:<secret hidden>\n",
            "authentication none privacy none\n",
            "ip-address 192.0.2.10 secret encrypted:<secret hidden>\n",
            "auth-key plain:<secret hidden>\n",
            "auth-server 192.0.2.11 secret plain:<secret hidden>\n",
            "interface \"ihub\" authentication-key <secret hidden> hash2\n",
            "message-digest-key 1 md5 <secret hidden> hash2\n",
            "group \"g\" authentication-key <secret hidden> hash2\n",
            "sernum ALCL:00000001 subslocid <secret hidden>\n",
            "configure equipment slot nt-a planned-type nant-e unlock\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn redact_hides_the_canaries_of_the_scripted_backup() {
        let backup = scripted::backup::<Isam>(&recording(OSWP, SLOT, CONFIG), &Device::default())
            .expect("replayed whole");
        let out = Isam::redact(&backup.config);
        assert!(!out.contains("CANARY"), "{out}");
        assert!(
            out.contains("password encrypted:<secret hidden>\n"),
            "{out}"
        );
    }
}
