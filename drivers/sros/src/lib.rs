//! Nokia SR OS (TiMOS) in its classic CLI (Oxidized model `sros`): 7750 SR,
//! 7450 ESS, 7950 XRS, 7705 SAR, 7210 SAS.
//!
//! No published session of the configuration command (`admin
//! display-config`) exists yet (see the `sros` sections of
//! `tests/corpus/netraven/RESEARCH.md`), so this driver is checked by its
//! unit tests against what Oxidized's own model code stores for the same
//! session (`../shared/oxidized/oracle sros`), and by the prompt case
//! `tests/corpus/netraven/sros#generic#prompt.yaml`.
//!
//! Session: the prompt is the active CPM, `:`, the hostname and `#` (or
//! `>`, which the prompt regex takes too), with a `*` in front while
//! changes are unsaved (`A:NOK-12#`, `*A:sr1#`);
//! configuration-context prompts (`A:NOK-12>config#`) are not
//! prompts here, where Oxidized's regex takes them. Over telnet the router
//! asks `Login: ` and `Password: `. After login the driver sends
//! `environment no more` (no pager to answer). Logout is `logout`; the
//! router hangs up.
//!
//! Commands, in Oxidized's order, each output headed by `# COMMAND: ...`;
//! all but the last are optional and stored as `# ` comments (so the
//! heading becomes `# # COMMAND: ...`):
//! - `show bof`;
//! - `show system information`, its `System Up Time` line blanked;
//! - `show card state`;
//! - `show chassis`: its first 26 lines (echo counted), without those
//!   holding `state`, `Time`, `Temperature` or `Status`;
//! - `file type bootlog.txt`, three backspaces in a row read as a line end;
//! - `show debug`; `file type config.dbg`;
//! - `admin display-config index` (the persistent indices);
//! - `admin display-config` (essential), not commented.
//!
//! The two `admin display-config` commands go out as Oxidized sends them,
//! followed by an empty line (`admin display-config\n\n`), so the router
//! prints its prompt twice; the first one stays in the output, as in
//! Oxidized's backup. In every output, the contents of `# Generated ...`
//! and `# Finished ...` lines (the time of the listing) are blanked, and
//! the echo and the last line (the prompt) go. A configuration without its
//! `# Finished` line was cut short and fails the backup. A reply with one
//! prompt only (a refusal answered without the empty line's prompt) waits
//! at most 5 s for the second, then goes on with what came.
//!
//! Conformance cases (scripted, checked against the oracle byte for byte,
//! and replayed with chaos): `tests/corpus/conformance/sros#scripted_*`.
//!
//! `redact` hides, keeping each keyword (and `hash`/`hash2`): user
//! passwords, SNMP communities (and `usm-community`), RADIUS/TACACS+ secrets, routing-protocol
//! `authentication-key`s, IS-IS `hello-authentication-key`s, NTP
//! `authentication-key <id> key`s and `message-digest-key`s, IPsec pre-shared keys,
//! both keys of an SNMPv3 user as the classic CLI writes them
//! (`authentication [hash|hash2] {md5|sha} KEY privacy [hash|hash2]
//! {des-key|aes-128-cfb-key} KEY2`), and any value after `privacy-key`,
//! `auth-key` or `priv-key`. Oxidized's model hides
//! nothing. `significant` ignores the prompt lines kept in the output
//! (the configuration's, and the commented one of the index listing),
//! whose `*` comes and goes with unsaved changes.
//!
//! Where this driver differs from Oxidized: an optional command the router
//! refuses (`Error: Bad command.`) is left out and logged, where Oxidized
//! stores the error as a comment.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Sros;

/// `*` while unsaved, the CPM (`A`/`B`), `:`, the hostname, then `#` or `>`.
const PROMPT: &str = r"^(\*?[\w.-]+:[\w.-]+\s?[#>]\s?)$";

/// Informational commands, in Oxidized's order.
const COMMENTED: [&str; 7] = [
    "show bof",
    "show system information",
    "show card state",
    "show chassis",
    "file type bootlog.txt",
    "show debug",
    "file type config.dbg",
];
const INDEX: &str = "admin display-config index";
const SHOW_CONFIG: &str = "admin display-config";

impl Driver for Sros {
    fn info() -> DriverInfo {
        DriverInfo::shell("sros", env!("CARGO_PKG_VERSION"), &["sros"], PROMPT, "# ")
    }

    fn login_prompts() -> LoginPrompts {
        LoginPrompts {
            username: r"^Login:\s?$".into(),
            password: r"^Password:\s?$".into(),
        }
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("environment no more")?;
        let mut config = String::new();
        for command in COMMENTED {
            if let Some(raw) = session.optional(command)? {
                config.push_str(&text::comment(&clean(command, &raw), "# "));
            }
        }
        let raw = twice(session, INDEX)?;
        let output = text::command_output(&raw);
        match text::refusal(&output) {
            None => config.push_str(&text::comment(&clean(&format!("{INDEX}\n"), &raw), "# ")),
            Some(why) => session.log(
                Level::Warn,
                &format!(
                    "optional command {INDEX:?} left out: the device refused it: {:?}",
                    why.trim()
                ),
            ),
        }
        let raw = twice(session, SHOW_CONFIG)?;
        let output = text::command_output(&raw);
        if let Some(why) = text::refusal(&output) {
            return Err(rejected(
                SHOW_CONFIG,
                &format!("the device refused it: {:?}", why.trim()),
            ));
        }
        if output.trim().is_empty() {
            return Err(rejected(SHOW_CONFIG, "the device printed nothing"));
        }
        if !text::lines(&output).any(|l| l.starts_with("# Finished ")) {
            let last = output
                .lines()
                .map(str::trim_end)
                .rfind(|l| !l.is_empty() && !text::line_re(PROMPT).is_match(l));
            return Err(rejected(
                SHOW_CONFIG,
                &format!(
                    "the configuration stops at {:?}, before its closing \"# Finished\": cut short",
                    last.unwrap_or_default()
                ),
            ));
        }
        config.push_str(&clean(&format!("{SHOW_CONFIG}\n"), &raw));
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

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^(# )?\*?[\w.-]+:[\w.-]+\s?#\s?$"])
    }
}

fn rejected(command: &str, why: &str) -> DriverError {
    SessionError::Rejected(format!("essential command {command:?}: {why}")).into()
}

/// Send `command` followed by an empty line, as Oxidized does, and read
/// until the second prompt (the first may come alone). A reply that holds
/// only one prompt by then (a refusal some routers answer without echoing
/// the empty line) waits for the second one at most
/// [`SECOND_PROMPT_WAIT`], then goes on with what came.
fn twice(session: &mut dyn Session, command: &str) -> Result<String, DriverError> {
    session.send(&format!("{command}\n\n"))?;
    let mut raw = session.read_until(PROMPT, None)?;
    let prompt = text::line_re(PROMPT);
    if text::lines(&raw).filter(|l| prompt.is_match(l)).count() < 2 {
        match session.read_until(PROMPT, Some(SECOND_PROMPT_WAIT)) {
            Ok(more) => raw.push_str(&more),
            Err(SessionError::Timeout(_)) => session.log(
                Level::Warn,
                &format!("{command:?}: no second prompt after the empty line; going on"),
            ),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(raw)
}

/// How long the prompt answering the empty line after an `admin
/// display-config` command is waited for once the first prompt came.
const SECOND_PROMPT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// One command's output as Oxidized's model cleans it: `# COMMAND: ...`
/// first (a `# ` comment of the command and its newline); the times of `# Generated`/`# Finished` lines blanked; carriage
/// returns gone; the echo and the prompt cut; then each command's own step.
/// `command` is the command as Oxidized names it (with its `\n` for the
/// two `admin display-config` commands).
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
    match command {
        "show system information" => {
            out = text::replace_in_lines(&out, &[("System Up Time", r"^System Up Time.*", "")]);
        }
        "show chassis" => {
            // The first 26 lines of the whole output, echo and heading counted.
            let heading = text::comment(&format!("COMMAND: {command}\n"), "# ");
            let whole: Vec<&str> = std::iter::once(heading.as_str())
                .chain(text::lines(&out))
                .take(26)
                .collect();
            let volatile = text::re("state|Time|Temperature|Status");
            let kept: String = whole
                .into_iter()
                .filter(|l| !volatile.is_match(l))
                .collect();
            return kept;
        }
        "file type bootlog.txt" => out = out.replace("\x08\x08\x08", "\n"),
        _ => {}
    }
    text::comment(&format!("COMMAND: {command}\n"), "# ") + &out
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
        r#"(^|\s)((?:usm-)?community) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1$2 <secret hidden>",
    ),
    (
        "secret",
        r#"(^|\s)(secret) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1$2 <secret hidden>",
    ),
    // NTP: `authentication-key <key-id> key <key> hash2 type message-digest`.
    (
        "authentication-key",
        r#"(^|\s)(authentication-key \d+ key) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1$2 <secret hidden>",
    ),
    // A bare all-digit word after the keyword is NTP's key-id, not a key.
    (
        "-key",
        r#"(^|\s)((?:hello-)?authentication-key|privacy-key|pre-shared-key|auth-key|priv-key) (?:"[^"]*"|\d*[^"\s<\d]\S*)"#,
        "$1$2 <secret hidden>",
    ),
    (
        "message-digest-key",
        r#"(^|\s)(message-digest-key \d+ md5) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1$2 <secret hidden>",
    ),
    // A classic-CLI SNMPv3 user (`config>system>security>user>snmp`):
    // `authentication [hash|hash2] {md5|sha} KEY privacy [hash|hash2]
    // {des-key|aes-128-cfb-key} KEY2`, `authentication none` and
    // `privacy none` holding no key.
    (
        "authentication ",
        r#"(^|\s)(authentication(?: hash2?)? (?:md5|sha)) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1$2 <secret hidden>",
    ),
    (
        "privacy ",
        r#"(^|\s)(privacy(?: hash2?)? (?:des-key|aes-128-cfb-key)) (?:"[^"]*"|[^"\s<]\S*)"#,
        "$1$2 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Sros);

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
        netraven_driver_sdk::harness::assert_corpus::<Sros>(CORPUS);
    }

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Sros>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Sros>(CONFORMANCE);
    }

    /// A session of a virtual 7750 SR on 21.2.R1. No published session of
    /// these commands exists: the replies are minimal and shaped as Nokia's
    /// guides print them (`=====` framed tables, `Name : value` rows); the
    /// configuration's header and footer lines (`# TiMOS-B-21.2.R1 ...`,
    /// `# Generated ...`, `exit all`, `configure`, `echo "System
    /// Configuration"`, `# Finished ...`) are those of the vSR 21.2.R1
    /// listing published in networktocode/netutils
    /// (tests/unit/mock/config/parser/base/nokia_sros/sros_baseconfig_sent.txt,
    /// Apache-2.0), the configuration itself shortened. `file type
    /// config.dbg` answers as for a missing file (wording not verified).
    /// The `admin display-config` commands go out followed by an empty line,
    /// so their replies hold two prompts.
    const SESSION: &str = r##"init_prompt: |-
  A:vSR#\x20
commands:
  - "environment no more\n": "environment no more\r\nA:vSR# "
  - "show bof\n": "show bof\r\n===============================================================================\r\nBOF (Memory)\r\n===============================================================================\r\n    primary-image    cf3:/timos/i386-both.tim\r\n===============================================================================\r\nA:vSR# "
  - "show system information\n": "show system information\r\n\r\n===============================================================================\r\nSystem Information\r\n===============================================================================\r\nSystem Name            : vSR\r\nSystem Up Time         : 0 days, 01:02:03.45 (hr:min:sec)\r\nSNMP Port              : 161\r\n===============================================================================\r\nA:vSR# "
  - "show card state\n": "show card state\r\n\r\n===============================================================================\r\nCard State\r\n===============================================================================\r\nSlot/  Provisioned Type                  Admin Operational   Num   Num Comments\r\nId         Equipped Type (if different)  State State         Ports MDA\r\n-------------------------------------------------------------------------------\r\n1      iom-xp-b                          up    up                  2\r\nA      cpm-x                             up    up                        Active\r\n===============================================================================\r\nA:vSR# "
  - "show chassis\n": "show chassis\r\n\r\n===============================================================================\r\nSystem Information\r\n===============================================================================\r\n  Name                              : vSR\r\n  Type                              : 7750 SR-1\r\n  Admin chassis state               : up\r\n  Oper chassis state                : up\r\n  Over Temperature state            : OK\r\n  Temperature                       : 33C\r\nA:vSR# "
  - "file type bootlog.txt\n": "file type bootlog.txt\r\nBoot log started on CPU#0\r\nBuild: X-21.2.R1\r\nA:vSR# "
  - "show debug\n": "show debug\r\ndebug\r\nexit\r\nA:vSR# "
  - "file type config.dbg\n": "file type config.dbg\r\nMINOR: CLI Could not access \\\"cf3:/config.dbg\\\".\r\nA:vSR# "
  - "admin display-config index\n\n": "admin display-config index\r\n# TiMOS-B-21.2.R1 both/x86_64 Nokia 7750 SR Copyright (c) 2000-2021 Nokia.\r\n# Generated THU JUN 01 10:20:30 2021 UTC\r\n\r\nexit all\r\nconfigure\r\n    persistent-indices\r\n    exit\r\nexit all\r\n\r\n# Finished THU JUN 01 10:20:31 2021 UTC\r\nA:vSR# \r\nA:vSR# "
  - "admin display-config\n\n": "admin display-config\r\n# TiMOS-B-21.2.R1 both/x86_64 Nokia 7750 SR Copyright (c) 2000-2021 Nokia.\r\n# All rights reserved. All use subject to applicable license agreements.\r\n# Built on Wed Mar 31 16:30:00 PDT 2021 by builder in /builds/c/212B/R1/panos/main/sros\r\n# Configuration format version 21.2 revision 0\r\n\r\n# Generated THU JUN 01 10:20:30 2021 UTC\r\n\r\nexit all\r\nconfigure\r\n#--------------------------------------------------\r\necho \\\"System Configuration\\\"\r\n#--------------------------------------------------\r\n    system\r\n        name \\\"vSR\\\"\r\n    exit\r\nexit all\r\n\r\n# Finished THU JUN 01 10:20:31 2021 UTC\r\nA:vSR# \r\nA:vSR# "
  - "logout\n": ""
"##;

    /// What Oxidized's model stores for SESSION (../shared/oxidized/oracle sros).
    const ORACLE: &str = r##"# # COMMAND: show bof
# ===============================================================================
# BOF (Memory)
# ===============================================================================
#     primary-image    cf3:/timos/i386-both.tim
# ===============================================================================
# # COMMAND: show system information
# 
# ===============================================================================
# System Information
# ===============================================================================
# System Name            : vSR
# 
# SNMP Port              : 161
# ===============================================================================
# # COMMAND: show card state
# 
# ===============================================================================
# Card State
# ===============================================================================
# Slot/  Provisioned Type                  Admin Operational   Num   Num Comments
# Id         Equipped Type (if different)  State State         Ports MDA
# -------------------------------------------------------------------------------
# 1      iom-xp-b                          up    up                  2
# A      cpm-x                             up    up                        Active
# ===============================================================================
# # COMMAND: show chassis
# 
# ===============================================================================
# System Information
# ===============================================================================
#   Name                              : vSR
#   Type                              : 7750 SR-1
# # COMMAND: file type bootlog.txt
# Boot log started on CPU#0
# Build: X-21.2.R1
# # COMMAND: show debug
# debug
# exit
# # COMMAND: file type config.dbg
# MINOR: CLI Could not access "cf3:/config.dbg".
# # COMMAND: admin display-config index
# # 
# # TiMOS-B-21.2.R1 both/x86_64 Nokia 7750 SR Copyright (c) 2000-2021 Nokia.
# 
# 
# exit all
# configure
#     persistent-indices
#     exit
# exit all
# 
# 
# A:vSR# 
# COMMAND: admin display-config
# 
# TiMOS-B-21.2.R1 both/x86_64 Nokia 7750 SR Copyright (c) 2000-2021 Nokia.
# All rights reserved. All use subject to applicable license agreements.
# Built on Wed Mar 31 16:30:00 PDT 2021 by builder in /builds/c/212B/R1/panos/main/sros
# Configuration format version 21.2 revision 0



exit all
configure
#--------------------------------------------------
echo "System Configuration"
#--------------------------------------------------
    system
        name "vSR"
    exit
exit all


A:vSR# 
"##;

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<Sros>(SESSION, &Device::default()).expect("replayed whole");
        assert_eq!(backup.config, ORACLE);
    }

    #[test]
    fn a_refused_debug_listing_is_left_out() {
        let yaml = SESSION.replace(
            r#""show debug\r\ndebug\r\nexit\r\nA:vSR# ""#,
            r#""show debug\r\n         ^\r\nError: Bad command.\r\nA:vSR# ""#,
        );
        assert_ne!(yaml, SESSION);
        let backup = scripted::backup_without::<Sros>(&yaml, &Device::default(), &["show debug"]);
        assert_eq!(
            backup.config,
            ORACLE.replace("# # COMMAND: show debug\n# debug\n# exit\n", "")
        );
    }

    #[test]
    fn a_refused_configuration_fails() {
        let start = SESSION
            .find("  - \"admin display-config\\n\\n\"")
            .expect("the step");
        let yaml = format!(
            "{}  - \"admin display-config\\n\\n\": \"admin display-config\\r\\n         ^\\r\\nError: Bad command.\\r\\nA:vSR# \\r\\nA:vSR# \"\n",
            &SESSION[..start]
        );
        scripted::backup_fails_with::<Sros>(
            &yaml,
            &Device::default(),
            r#"essential command "admin display-config": the device refused it: "Error: Bad command.""#,
        );
    }

    #[test]
    fn a_configuration_without_its_finished_line_was_cut_short() {
        let yaml = SESSION.replace(
            r#"        name \\\"vSR\\\"\r\n    exit\r\nexit all\r\n\r\n# Finished THU JUN 01 10:20:31 2021 UTC\r\n"#,
            r#"        name \\\"vSR\\\"\r\n"#,
        );
        assert_ne!(yaml, SESSION);
        scripted::backup_fails_with::<Sros>(
            &yaml,
            &Device::default(),
            r##"essential command "admin display-config": the configuration stops at "        name \"vSR\"", before its closing "# Finished": cut short"##,
        );
    }

    #[test]
    fn prompt_takes_cpm_prompts_and_refuses_contexts_and_log_lines() {
        // Real prompts and lines: see tests/corpus/netraven/sros#generic#source.md
        // (scrapli_community prompt tests, netmiko issues #260 and #740,
        // Nokia's 7705 SAR "CLI Usage" page); `A:vSR# ` is this file's session.
        let prompt = text::line_re(PROMPT);
        for p in [
            "A:vSR# ",
            "*A:sr1#",
            "*B:alu7750sr12-2# ",
            "A:NOK-12#",
            "A:2xxxxxxB_T#",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "A:NOK-12>config#",
            "*A:NOK-12>config>service>cpipe>spoke-sdp>ingress#",
            "Error: Bad command.",
            "# Finished THU JUN 01 10:20:31 2021 UTC",
            "System Name            : vSR",
            "exit all",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_every_secret_form() {
        let cfg = "            user \"admin\"\n                password \"$2y$10$canary1\"\n\
                   \x20           community \"canary2\" r version both\n\
                   \x20           radius\n                server 1 address 192.0.2.5 secret \"canary3\" hash2\n\
                   \x20           tacplus\n                server 1 address 192.0.2.6 secret canary4\n\
                   \x20               authentication-key \"canary5\" hash2\n\
                   \x20               message-digest-key 1 md5 \"canary6\" hash2\n\
                   \x20           ike-policy 1\n                pre-shared-key \"canary7\"\n\
                   \x20       usm-community \"canary8\" group \"g\"\n\
                   \x20       name \"vSR\"\n\
                   \x20               hello-authentication-key \"canary9\" hash2\n\
                   \x20       authentication-key 1 key \"canary10\" hash2 type message-digest\n\
                   \x20               authentication md5 canary-v3-auth-a privacy des-key canary-v3-priv-a\n\
                   \x20               authentication hash sha \"canary-v3-auth-b\" privacy hash aes-128-cfb-key \"canary-v3-priv-b\"\n\
                   \x20               authentication hash2 md5 canary-v3-auth-c privacy hash2 des-key canary-v3-priv-c\n\
                   \x20               authentication sha \"canary-v3-auth-d\" privacy none\n\
                   \x20               authentication none\n";
        let out = Sros::redact(cfg);
        for n in 1..=10 {
            let secret = format!("canary{n}");
            assert!(!out.contains(&secret), "{secret} left in:\n{out}");
        }
        for secret in [
            "canary-v3-auth-a",
            "canary-v3-priv-a",
            "canary-v3-auth-b",
            "canary-v3-priv-b",
            "canary-v3-auth-c",
            "canary-v3-priv-c",
            "canary-v3-auth-d",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "password <secret hidden>\n",
            "community <secret hidden> r version both\n",
            "secret <secret hidden> hash2\n",
            "secret <secret hidden>\n",
            "authentication-key <secret hidden> hash2\n",
            "message-digest-key 1 md5 <secret hidden> hash2\n",
            "pre-shared-key <secret hidden>\n",
            "usm-community <secret hidden> group \"g\"\n",
            "name \"vSR\"\n",
            "hello-authentication-key <secret hidden> hash2\n",
            "authentication-key 1 key <secret hidden> hash2 type message-digest\n",
            "authentication md5 <secret hidden> privacy des-key <secret hidden>\n",
            "authentication hash sha <secret hidden> privacy hash aes-128-cfb-key <secret hidden>\n",
            "authentication hash2 md5 <secret hidden> privacy hash2 des-key <secret hidden>\n",
            "authentication sha <secret hidden> privacy none\n",
            "authentication none\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_ignores_the_unsaved_mark_of_the_kept_prompt() {
        let saved = ORACLE.to_string();
        let unsaved = ORACLE
            .replace("\nA:vSR# \n", "\n*A:vSR# \n")
            .replace("\n# A:vSR# \n", "\n# *A:vSR# \n");
        assert_ne!(saved, unsaved);
        assert_eq!(Sros::significant(&saved), Sros::significant(&unsaved));
        assert!(Sros::significant(&saved).contains("exit all\n"));
    }
}
