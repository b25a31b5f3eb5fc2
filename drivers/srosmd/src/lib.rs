//! Nokia SR OS (TiMOS) in its model-driven CLI, MD-CLI (Oxidized model
//! `srosmd`): 7750 SR, 7450 ESS, 7950 XRS, 7705 SAR, 7210 SAS.
//!
//! No published session of the configuration command (`admin show
//! configuration configure full-context`) exists yet (see the `srosmd`
//! section of `tests/corpus/netraven/RESEARCH.md`), so this driver is
//! checked by its unit tests against what Oxidized's own model code stores
//! for the same session (`../shared/oxidized/oracle srosmd`), and by the
//! prompt case `tests/corpus/netraven/srosmd#generic#prompt.yaml`.
//!
//! Session: MD-CLI's prompt has two lines, the context (`[/]`) and then
//! the CPM, `:`, the user, `@`, the hostname and `#` (`A:admin@vSR# `);
//! only the second is the prompt here, so the context line stays at the end
//! of every output, as in Oxidized's backup. Over telnet the router asks
//! `Login: ` and `Password: `. After login the driver sends `environment
//! more false` (no pager to answer). Logout is `logout`; the router hangs
//! up.
//!
//! Commands, in Oxidized's order, each output headed by `# COMMAND: ...`;
//! the first seven are optional and stored as `# ` comments (the heading
//! becomes `# # COMMAND: ...`):
//! - `show system information`, without its `System Up Time` line;
//! - `show card state`;
//! - `show chassis`: its first 26 lines (heading counted), without those
//!   holding `state`, `Time`, `Temperature` or `Status`;
//! - `file show bootlog.txt`, three backspaces in a row read as a line end;
//! - `admin show configuration debug full-context`, `file show config.dbg`,
//!   `admin show configuration configure | match persistent-indices
//!   post-lines 10000`;
//! - `admin show configuration bof full-context` (optional), not commented;
//! - `admin show configuration configure full-context` (essential), not
//!   commented.
//!
//! In every output the contents of `# Generated ...` and `# Finished ...`
//! lines (the time of the listing) are blanked, and the echo and the last
//! line (the prompt) go. No completeness check: no published full-context
//! listing shows which closing line it always has.
//!
//! A refusal is MD-CLI's `MINOR: MGMT_CORE #2201: Unknown element ...` (an
//! error line `MINOR:`/`MAJOR:`/`CRITICAL:` heading the output, which the
//! SDK's list does not know), or one the SDK knows. An optional command
//! refused so, or a file that does not exist, is left out and logged where
//! Oxidized stores the error as a comment; a refused configuration fails.
//!
//! `redact` hides, keeping each keyword (and `hash`/`hash2`): user
//! passwords, SNMP communities, RADIUS/TACACS+ secrets, routing-protocol
//! `authentication-key`s, IS-IS `hello-authentication-key`s, NTP
//! `authentication-key <id> key`s and `message-digest-key`s, IPsec pre-shared keys,
//! SNMPv3 keys, SNMPv2c trap targets' `notify-community`, MACsec `cak`s and
//! `encryption-key`s. Oxidized's model hides nothing. `significant` ignores
//! nothing more: the uptime and the listing times are already removed.
//!
//! Conformance cases (scripted, checked against the oracle byte for byte,
//! and replayed with chaos): `tests/corpus/conformance/srosmd#scripted_*`.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Srosmd;

/// `*` (unsaved), the CPM (`A`/`B`), `:`, the user and `@`, the hostname,
/// then `#`.
const PROMPT: &str = r"^(\*?[\w.-]+:(?:[\w.-]+@)?[\w.-]+\s?[#>]\s?)$";

/// Informational commands, in Oxidized's order.
const COMMENTED: [&str; 7] = [
    "show system information",
    "show card state",
    "show chassis",
    "file show bootlog.txt",
    "admin show configuration debug full-context",
    "file show config.dbg",
    "admin show configuration configure | match persistent-indices post-lines 10000",
];
const SHOW_BOF: &str = "admin show configuration bof full-context";
const SHOW_CONFIG: &str = "admin show configuration configure full-context";

impl Driver for Srosmd {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "srosmd",
            env!("CARGO_PKG_VERSION"),
            &["srosmd"],
            PROMPT,
            "# ",
        )
    }

    fn login_prompts() -> LoginPrompts {
        LoginPrompts {
            username: r"^Login:\s?$".into(),
            password: r"^Password:\s?$".into(),
        }
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("environment more false")?;
        let mut config = String::new();
        for command in COMMENTED {
            if let Some(raw) = optional(session, command)? {
                config.push_str(&text::comment(&clean(command, &raw), "# "));
            }
        }
        if let Some(raw) = optional(session, SHOW_BOF)? {
            config.push_str(&clean(SHOW_BOF, &raw));
        }
        let raw = essential_refused_by(session, SHOW_CONFIG, &refused)?;
        config.push_str(&clean(SHOW_CONFIG, &raw));
        Ok(Backup::config(config))
    }

    /// The router closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("logout\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// The MD-CLI error that heads `output` (without echo and prompt), if any.
fn mdcli_refusal(output: &str) -> Option<&str> {
    let first = text::lines(output)
        .find(|l| !l.trim().is_empty())?
        .trim_end();
    text::re(r"^(MINOR|MAJOR|CRITICAL): ")
        .is_match(first)
        .then_some(first)
}

/// A command's whole output, or `None` (logged) when the router refused it.
fn optional(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
    Ok(optional_refused_by(session, command, &refused)?)
}

/// MD-CLI's own refusal in a command's whole output (echo, output, prompt).
fn refused(raw: &str) -> Option<String> {
    mdcli_refusal(&text::command_output(raw)).map(String::from)
}

/// One command's output as Oxidized's model cleans it: `# COMMAND: ...`
/// first; the times of `# Generated`/`# Finished` lines blanked; carriage
/// returns gone; the echo and the prompt cut; then each command's own step.
fn clean(command: &str, raw: &str) -> String {
    let blanked = text::replace_in_lines(
        raw,
        &[
            ("# Finished ", r"# Finished .*", ""),
            ("# Generated ", r"# Generated .*", ""),
        ],
    );
    let no_cr: String = blanked.chars().filter(|&c| c != '\r').collect();
    let mut out = text::cut_echo_and_prompt(&no_cr);
    let heading = text::comment(&format!("COMMAND: {command}\n"), "# ");
    match command {
        "show system information" => out = text::drop_lines(&out, &[r"^System Up Time"]),
        "show chassis" => {
            let volatile = text::re("state|Time|Temperature|Status");
            return std::iter::once(heading.as_str())
                .chain(text::lines(&out))
                .take(26)
                .filter(|l| !volatile.is_match(l))
                .collect();
        }
        "file show bootlog.txt" => out = out.replace("\x08\x08\x08", "\n"),
        _ => {}
    }
    heading + &out
}

/// `(needle, regex, replacement)`, each regex only on lines holding its
/// needle. Values are quoted strings or bare words; the keyword and any
/// `hash`/`hash2` after the value stay.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "password",
        r#"(^|\s)(password) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1$2 <secret hidden>",
    ),
    (
        "community",
        r#"(^|\s)((?:usm-|notify-)?community) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1$2 <secret hidden>",
    ),
    (
        "secret",
        r#"(^|\s)(secret) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1$2 <secret hidden>",
    ),
    // NTP: `authentication-key <key-id> key <key> ... type message-digest`.
    (
        "authentication-key",
        r#"(^|\s)(authentication-key \d+ key) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1$2 <secret hidden>",
    ),
    // A bare all-digit word after the keyword is NTP's key-id, not a key.
    (
        "-key",
        r#"(^|\s)((?:hello-)?authentication-key|privacy-key|pre-shared-key|auth-key|priv-key|encryption-key) (?:"[^"]*"|\d*[^"\s<\d]\S*)"#,
        "$1$2 <secret hidden>",
    ),
    // MACsec: `static-cak pre-shared-key 1 cak "..."`.
    (
        " cak ",
        r#"(\scak) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "message-digest-key",
        r#"(^|\s)(message-digest-key \d+ md5) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1$2 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Srosmd);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Srosmd>(CORPUS);
    }

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Srosmd>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Srosmd>(CONFORMANCE);
    }

    /// A session of a virtual 7750 SR on 21.2.R1 in MD-CLI. No published
    /// session of these commands exists: the replies are minimal and shaped
    /// as Nokia's guides print them; the two-line prompt (`[/]`,
    /// `A:admin@vSR# `) is as scrapli_community's SR OS tests and Nokia's
    /// MD-CLI guide show it; the listing header is that of networktocode/
    /// netutils' vSR 21.2.R1 listing (Apache-2.0), in full-context form.
    /// `file show config.dbg` answers as for a missing file, with MD-CLI's
    /// error form (`MINOR: MGMT_CORE #NNNN: ...`, wording not verified).
    const SESSION: &str = r##"init_prompt: |-
  [/]
  A:admin@vSR#\x20
commands:
  - "environment more false\n": "environment more false\r\n\r\n[/]\r\nA:admin@vSR# "
  - "show system information\n": "show system information\r\n\r\n===============================================================================\r\nSystem Information\r\n===============================================================================\r\nSystem Name            : vSR\r\nSystem Up Time         : 0 days, 01:02:03.45 (hr:min:sec)\r\nSNMP Port              : 161\r\n===============================================================================\r\n\r\n[/]\r\nA:admin@vSR# "
  - "show card state\n": "show card state\r\n\r\n===============================================================================\r\nCard State\r\n===============================================================================\r\n1      iom-xp-b                          up    up                  2\r\n===============================================================================\r\n\r\n[/]\r\nA:admin@vSR# "
  - "show chassis\n": "show chassis\r\n\r\n===============================================================================\r\nSystem Information\r\n===============================================================================\r\n  Name                              : vSR\r\n  Admin chassis state               : up\r\n  Temperature                       : 33C\r\n\r\n[/]\r\nA:admin@vSR# "
  - "file show bootlog.txt\n": "file show bootlog.txt\r\nBoot log started on CPU#0\r\n\r\n[/]\r\nA:admin@vSR# "
  - "admin show configuration debug full-context\n": "admin show configuration debug full-context\r\n\r\n[/]\r\nA:admin@vSR# "
  - "file show config.dbg\n": "file show config.dbg\r\nMINOR: MGMT_CORE #2003: cf3:\\config.dbg - File does not exist\r\n\r\n[/]\r\nA:admin@vSR# "
  - "admin show configuration configure | match persistent-indices post-lines 10000\n": "admin show configuration configure | match persistent-indices post-lines 10000\r\n\r\n[/]\r\nA:admin@vSR# "
  - "admin show configuration bof full-context\n": "admin show configuration bof full-context\r\n# TiMOS-B-21.2.R1 both/x86_64 Nokia 7750 SR Copyright (c) 2000-2021 Nokia.\r\n# Generated THU JUN 01 10:20:30 2021 UTC\r\n\r\n/bof primary-image \\\"cf3:/timos/\\\"\r\n\r\n# Finished THU JUN 01 10:20:31 2021 UTC\r\n\r\n[/]\r\nA:admin@vSR# "
  - "admin show configuration configure full-context\n": "admin show configuration configure full-context\r\n# TiMOS-B-21.2.R1 both/x86_64 Nokia 7750 SR Copyright (c) 2000-2021 Nokia.\r\n# Generated THU JUN 01 10:20:30 2021 UTC\r\n\r\n/configure system name \\\"vSR\\\"\r\n/configure system security user-params local-user user \\\"admin\\\" password \\\"$2y$10$abc\\\"\r\n\r\n# Finished THU JUN 01 10:20:31 2021 UTC\r\n\r\n[/]\r\nA:admin@vSR# "
  - "logout\n": ""
"##;

    /// What Oxidized's model stores for SESSION (../shared/oxidized/oracle srosmd),
    /// but for the `file show config.dbg` block: Oxidized stores the
    /// router's error as a comment, the driver leaves the command out.
    const ORACLE: &str = r##"# # COMMAND: show system information
# 
# ===============================================================================
# System Information
# ===============================================================================
# System Name            : vSR
# SNMP Port              : 161
# ===============================================================================
# 
# [/]
# # COMMAND: show card state
# 
# ===============================================================================
# Card State
# ===============================================================================
# 1      iom-xp-b                          up    up                  2
# ===============================================================================
# 
# [/]
# # COMMAND: show chassis
# 
# ===============================================================================
# System Information
# ===============================================================================
#   Name                              : vSR
# 
# [/]
# # COMMAND: file show bootlog.txt
# Boot log started on CPU#0
# 
# [/]
# # COMMAND: admin show configuration debug full-context
# 
# [/]
# # COMMAND: file show config.dbg
# MINOR: MGMT_CORE #2003: cf3:\config.dbg - File does not exist
# 
# [/]
# # COMMAND: admin show configuration configure | match persistent-indices post-lines 10000
# 
# [/]
# COMMAND: admin show configuration bof full-context
# TiMOS-B-21.2.R1 both/x86_64 Nokia 7750 SR Copyright (c) 2000-2021 Nokia.


/bof primary-image "cf3:/timos/"



[/]
# COMMAND: admin show configuration configure full-context
# TiMOS-B-21.2.R1 both/x86_64 Nokia 7750 SR Copyright (c) 2000-2021 Nokia.


/configure system name "vSR"
/configure system security user-params local-user user "admin" password "$2y$10$abc"



[/]
"##;

    const DBG_ERROR: &str = "# # COMMAND: file show config.dbg\n# MINOR: MGMT_CORE #2003: cf3:\\config.dbg - File does not exist\n# \n# [/]\n";

    #[test]
    fn the_backup_is_what_oxidized_stores_but_the_missing_file() {
        assert!(ORACLE.contains(DBG_ERROR));
        let backup = scripted::backup_without::<Srosmd>(
            SESSION,
            &Device::default(),
            &["file show config.dbg"],
        );
        assert_eq!(backup.config, ORACLE.replace(DBG_ERROR, ""));
    }

    #[test]
    fn the_backup_equals_oxidized_when_nothing_is_refused() {
        let yaml = SESSION.replace(
            "file show config.dbg\\r\\nMINOR: MGMT_CORE #2003: cf3:\\\\config.dbg - File does not exist\\r\\n",
            "file show config.dbg\\r\\ndebug\\r\\n",
        );
        assert_ne!(yaml, SESSION);
        let backup = scripted::backup::<Srosmd>(&yaml, &Device::default()).expect("replayed whole");
        assert_eq!(
            backup.config,
            ORACLE.replace(
                DBG_ERROR,
                "# # COMMAND: file show config.dbg\n# debug\n# \n# [/]\n"
            )
        );
    }

    #[test]
    fn a_refused_configuration_fails() {
        let start = SESSION
            .find("  - \"admin show configuration configure full-context")
            .expect("the step");
        let yaml = format!(
            "{}  - \"admin show configuration configure full-context\\n\": \"admin show configuration configure full-context\\r\\nMINOR: MGMT_CORE #2201: Unknown element\\r\\n\\r\\n[/]\\r\\nA:admin@vSR# \"\n",
            &SESSION[..start]
        );
        scripted::backup_fails_with::<Srosmd>(
            &yaml,
            &Device::default(),
            r#"essential command "admin show configuration configure full-context": the device refused it: "MINOR: MGMT_CORE #2201: Unknown element""#,
        );
    }

    #[test]
    fn prompt_takes_the_second_prompt_line_only() {
        // Real prompts and lines: see tests/corpus/netraven/srosmd#generic#source.md;
        // `A:admin@vSR# ` is this file's session and the configuration line is
        // written for the test.
        let prompt = text::line_re(PROMPT);
        for p in [
            "A:admin@vSR# ",
            "A:admin@sr1#",
            "A:admin@SR1# ",
            "A:admin@g4-pe2# ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "[/]",
            "(pr)[/configure python]",
            "A:NOK-12>config#",
            "INFO: CLI #2052: Switching to the MD-CLI engine",
            "/configure system name \"vSR\"",
            "# TiMOS-B-21.2.R1 both/x86_64 Nokia 7750 SR Copyright (c) 2000-2021 Nokia.",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_every_secret_form() {
        let cfg = "/configure system security user-params local-user user \"admin\" password \"$2y$10$canary1\"\n\
                   /configure system security snmp community \"canary2\" access-permissions r\n\
                   /configure system security aaa remote-servers radius server 1 secret \"canary3\" hash2\n\
                   /configure router \"Base\" bgp group \"g\" authentication-key \"canary4\" hash2\n\
                   /configure ipsec ike-policy 1 pre-shared-key \"canary5\"\n\
                   /configure system name \"vSR\"\n\
                   /configure router \"Base\" isis 0 interface \"i\" hello-authentication-key \"canary6\" hash2\n\
                   /configure system time ntp authentication-key 1 key \"canary7\" hash2 type message-digest\n\
                   /configure log snmp-trap-group \"98\" trap-target \"nms\" address 192.0.2.1 version snmpv2c notify-community \"canary8\"\n\
                   /configure macsec connectivity-association \"ca\" static-cak pre-shared-key 1 cak \"canary9\" hash2\n\
                   /configure macsec connectivity-association \"ca\" static-cak pre-shared-key 1 encryption-type aes-128-cmac\n\
                   /configure system security user-params local-user user \"nms\" snmp authentication authentication-key \"canary10\" hash2\n\
                   /configure system security user-params local-user user \"nms\" snmp authentication privacy privacy-key \"canary11\" hash2\n\
                   /configure router \"Base\" ospf 0 area 0.0.0.0 interface \"i\" message-digest-key 2 md5 \"canary12\" hash2\n\
                   /configure system security aaa remote-servers tacplus server 1 address 192.0.2.2 secret \"canary13\" hash2\n";
        let out = Srosmd::redact(cfg);
        for n in 1..=13 {
            let secret = format!("canary{n}");
            assert!(!out.contains(&secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "user \"admin\" password <secret hidden>\n",
            "community <secret hidden> access-permissions r\n",
            "secret <secret hidden> hash2\n",
            "authentication-key <secret hidden> hash2\n",
            "pre-shared-key <secret hidden>\n",
            "/configure system name \"vSR\"\n",
            "hello-authentication-key <secret hidden> hash2\n",
            "authentication-key 1 key <secret hidden> hash2 type message-digest\n",
            "snmpv2c notify-community <secret hidden>\n",
            "pre-shared-key 1 cak <secret hidden> hash2\n",
            "pre-shared-key 1 encryption-type aes-128-cmac\n",
            "snmp authentication authentication-key <secret hidden> hash2\n",
            "privacy privacy-key <secret hidden> hash2\n",
            "message-digest-key 2 md5 <secret hidden> hash2\n",
            "address 192.0.2.2 secret <secret hidden> hash2\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
