//! Ubiquiti EdgeSwitch, the FASTPATH-based CLI of EdgeSwitch and EdgePoint
//! switches (Oxidized model `edgeswitch`).
//!
//! No published session of the configuration command exists yet (see the
//! `edgeswitch` section of `tests/corpus/netraven/RESEARCH.md`), so the
//! driver is checked by its unit tests against what Oxidized's own model
//! code stores for the same scripted session (`../shared/oxidized/oracle
//! edgeswitch`), by the scripted conformance cases (and their chaos replay)
//! in `tests/corpus/conformance/edgeswitch#scripted_*`, and by the prompt
//! case `tests/corpus/netraven/edgeswitch#generic`.
//!
//! Session: the prompt is the system name in parentheses, a space, then `>`
//! (user mode) or `#` (privileged): `(UBNT EdgeSwitch) >`, `(Edge_sw) #`.
//! Configuration-mode prompts (`(UBNT EdgeSwitch) (Config)#`) are not
//! prompts here. With the device var `enable` set, the driver sends
//! `enable` and answers its `Password:` with the host's enable secret;
//! then `terminal length 0` turns the pager off (a switch still in user
//! mode refuses it; nobody reads its output). Logout is `quit`, then `n`
//! for the question whether to save unsaved changes, as Oxidized does.
//!
//! Commands: `show running-config` (essential) alone: a switch that
//! refuses it (`% Invalid input detected at '^' marker.`, in user mode)
//! fails the backup as `command_rejected`. FASTPATH closes its
//! configuration with no line of its own (the last block's `exit` is also
//! every block's), so a configuration cut short cannot be told from a
//! short one.
//!
//! The output loses its first two lines (the echo and the blank line the
//! switch prints before `!Current Configuration:`) and its last (the
//! prompt), and every line holding `System Up Time` or `Current SNTP
//! Synchronized Time`, as Oxidized's model cuts it: the backup is byte for
//! byte what Oxidized stores. Nothing else in it changes by itself, so
//! `significant` keeps everything.
//!
//! `redact` (Oxidized's model hides nothing) hides, keeping each keyword:
//! user, line and enable `password` hashes, SNMP communities
//! (`snmp-server community`, `snmptrap`), SNMPv3 user keys and passwords
//! (`auth-md5[-key]`, `auth-sha[-key]`, `priv-des[-key]`), RADIUS and
//! TACACS+ keys, OSPF (interface and virtual-link), RIP and VRRP
//! authentication keys, and SNTP authentication keys.
//!
//! Device vars: `enable` (flag): run `enable` after login.

use netraven_driver_sdk::prelude::*;

pub struct Edgeswitch;

/// Oxidized's `comment '!'` (no comment is written: the backup is the
/// configuration alone).
const COMMENT: &str = "!";

/// `(system name) >` or `(system name) #`.
const PROMPT: &str = r"^\([^()\n]+\) ?[#>]\s?$";

const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

const SHOW_CONFIG: &str = "show running-config";

impl Driver for Edgeswitch {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "edgeswitch",
            env!("CARGO_PKG_VERSION"),
            &["edgeswitch"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        session.command("terminal length 0")?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let raw = session.essential(SHOW_CONFIG)?;
        Ok(Backup::config(oxidized_cut(&raw)))
    }

    /// `quit`, then `n` in case the switch asks whether to save changes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("quit\n")?;
        session.send("n\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// The configuration's whole output (echo, blank line, configuration,
/// prompt) cut as Oxidized's model cuts it.
fn oxidized_cut(raw: &str) -> String {
    let unix = text::unix_newlines(raw);
    text::lines(text::drop_last_lines(text::drop_first_lines(&unix, 2), 1))
        .filter(|line| {
            !(line.contains("System Up Time") || line.contains("Current SNTP Synchronized Time"))
        })
        .collect()
}

/// Secret removal, line by line: `(needle, regex, replacement)`. A value
/// is a word or a double-quoted string; the keyword and the rest of the
/// line (`level 15 encrypted`) stay.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `username "admin" password 5e88... level 15 encrypted`,
    // `enable password 5e88... encrypted`.
    (
        "password ",
        r#"\b(password) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    (
        "snmp-server community",
        r#"^(snmp-server community) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `snmptrap "public" 192.0.2.1 snmpversion snmpv2`.
    (
        "snmptrap ",
        r#"^(snmptrap) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `snmp-server user "u1" DefaultWrite auth-sha-key 4a7f... priv-des-key 9c...`,
    // and the password forms `auth-md5 PW`, `auth-sha PW`, `priv-des PW`.
    (
        "auth-",
        r#"\b(auth-(?:md5|sha)(?:-key)?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    (
        "priv-",
        r#"\b(priv-(?:des|aes\d*|3des)(?:-key)?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `radius server key auth 192.0.2.5 encrypted 8b1a...`,
    // `tacacs-server key encrypted 3f2e...`, ` key encrypted 3f2e...` in a
    // `tacacs-server host` block.
    (
        "key ",
        r#"^((?:radius server |tacacs-server |\s+)key(?: (?:auth|acct) \S+)?(?: encrypted)?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `ip ospf authentication encrypt "k3y" 1`, `... simple "k3y"`, the same
    // on an OSPF `area ... virtual-link ...`, `ip rip authentication
    // encrypt "k3y" 1` and `ip vrrp 1 authentication simple "k3y"`.
    (
        "authentication ",
        r#"\b(authentication (?:encrypt|simple)) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `sntp authentication-key 1 md5 "k3y"`.
    (
        "authentication-key ",
        r#"\b(authentication-key \d+ md5) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Edgeswitch);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Edgeswitch>(CORPUS);
    }

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Edgeswitch>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Edgeswitch>(CONFORMANCE);
    }

    /// A privileged session, with `config` as the reply (after the echo)
    /// to `show running-config`. The banner and the prompt are those of
    /// ktbyers/netmiko issue #981 (a user's EdgeSwitch session log);
    /// `quit` gets its echo, `n` finds the session closed.
    fn recording(config: &str) -> String {
        let p = "(UBNT EdgeSwitch) #";
        format!(
            "init_prompt: |-\n  Welcome to EdgeSwitch\n  {p}\ncommands:\n\
             \x20 - \"terminal length 0\\n\": \"terminal length 0\\r\\n\\r\\n{p}\"\n\
             \x20 - \"show running-config\\n\": |-\n      show running-config\n{config}      {p}\n\
             \x20 - \"quit\\n\": \"quit\\r\\n\"\n\
             \x20 - \"n\\n\": \"\"\n"
        )
    }

    /// Minimal, written for the test: no published `show running-config` of
    /// an EdgeSwitch exists. The header lines follow the shape quoted in
    /// public scripts that parse it (uncitable: see RESEARCH.md); the blank
    /// line after the echo is how the FASTPATH CLI of the `efos` corpus case
    /// (a real recording) prints it; the hash is a made-up value.
    const CONFIG: &str = "      \n      !Current Configuration:\n      !\n\
        \x20     !System Description \\\"EdgeSwitch 8 150W, 1.9.2, Linux 3.6.5-03329b4a, 1.1.0.5102011\\\"\n\
        \x20     !System Software Version \\\"1.9.2\\\"\n\
        \x20     !System Up Time          \\\"22 days 2 hrs 6 mins 43 secs\\\"\n\
        \x20     !Additional Packages     QOS,IPv6 Management,Routing\n\
        \x20     !Current SNTP Synchronized Time: SNTP Last Attempt Status Is Not Successful\n\
        \x20     !\n      vlan database\n      vlan 10\n      exit\n      \n      configure\n\
        \x20     hostname \\\"UBNT EdgeSwitch\\\"\n\
        \x20     username \\\"ubnt\\\" password 5e884898da28047151d0e56f8dc6292773603d0d level 15 encrypted\n\
        \x20     exit\n      \n";

    /// The FASTPATH refusal (netmiko issue #981, `terminal length 0` in
    /// user mode).
    const INVALID: &str =
        "                  ^\n      % Invalid input detected at '^' marker.\n      \n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup =
            scripted::backup::<Edgeswitch>(&recording(CONFIG), &Device::default()).expect("whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle edgeswitch).
        assert_eq!(
            backup.config,
            "!Current Configuration:\n\
             !\n\
             !System Description \"EdgeSwitch 8 150W, 1.9.2, Linux 3.6.5-03329b4a, 1.1.0.5102011\"\n\
             !System Software Version \"1.9.2\"\n\
             !Additional Packages     QOS,IPv6 Management,Routing\n\
             !\n\
             vlan database\n\
             vlan 10\n\
             exit\n\
             \n\
             configure\n\
             hostname \"UBNT EdgeSwitch\"\n\
             username \"ubnt\" password 5e884898da28047151d0e56f8dc6292773603d0d level 15 encrypted\n\
             exit\n\
             \n"
        );
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Edgeswitch>(
            &recording(&format!("      {INVALID}")),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_in_user_mode() {
        // The user-mode session of netmiko issue #981: `enable`, `Password:`,
        // the privileged prompt; `terminal length 0` follows.
        let recording = "init_prompt: '(Edge_sw) >'\ncommands:\n\
            \x20 - \"enable\\n\": \"enable\\r\\nPassword:\"\n\
            \x20 - \"<enable>\\n\": \"\\r\\n(Edge_sw) #\"\n\
            \x20 - \"terminal length 0\\n\": \"terminal length 0\\r\\n\\r\\n(Edge_sw) #\"\n";
        let session =
            scripted::login::<Edgeswitch>(recording, &Device::with_vars(&[("enable", "true")]))
                .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
        // Without the var, no `enable` goes out.
        let err = scripted::login::<Edgeswitch>(recording, &Device::default()).unwrap_err();
        assert!(err.contains("terminal length 0"), "{err}");
    }

    #[test]
    fn prompt_takes_user_and_privileged_prompts_only() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "(Edge_sw) >",
            "(Edge_sw) #",
            "(edgepoint-s16) >",
            "(edgepoint-s16) #",
            "(accswitch7) >",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "(edgepoint-s16) (Config)#",
            "(UBNT EdgeSwitch) (Interface 0/1)#",
            "!Current Configuration:",
            "Welcome to EdgeSwitch",
            "hostname \"UBNT EdgeSwitch\"",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn oxidized_cut_drops_two_lines_the_prompt_and_the_clocks() {
        assert_eq!(
            oxidized_cut(
                "show running-config\r\n\r\n!A\r\n!System Up Time 1\r\n!Current SNTP Synchronized Time: x\r\nvlan 1\r\n(s) #"
            ),
            "!A\nvlan 1\n"
        );
        assert_eq!(oxidized_cut("show running-config\n(s) #"), "");
    }

    #[test]
    fn redact_hides_every_secret_and_keeps_the_keywords() {
        let cfg = "username \"admin\" password USERCANARY level 15 encrypted\n\
                   enable password ENABLECANARY encrypted\n\
                   snmp-server community \"COMMCANARY\" ro\n\
                   snmptrap \"TRAPCANARY\" 192.0.2.1 snmpversion snmpv2\n\
                   snmp-server user \"u1\" DefaultWrite auth-sha-key AUTHCANARY priv-des-key PRIVKEYCANARY\n\
                   radius server key auth 192.0.2.5 encrypted RADCANARY\n\
                   tacacs-server key encrypted TACCANARY\n\
                   tacacs-server host 192.0.2.6\n key encrypted HOSTKEYCANARY\n\
                   ip ospf authentication encrypt \"OSPFCANARY\" 1\n\
                   area 0.0.0.1 virtual-link 192.0.2.9 authentication encrypt VLCANARY 2\n\
                   ip rip authentication encrypt RIPCANARY 1\n\
                   ip vrrp 1 authentication simple VRRPCANARY\n\
                   snmp-server user \"u2\" DefaultRead auth-md5 AUTHPWCANARY priv-des PRIVPWCANARY\n\
                   sntp authentication-key 1 md5 SNTPCANARY\n\
                   line telnet\n password LINECANARY\n\
                   vlan name 10 \"Bureaux\"\n";
        let out = Edgeswitch::redact(cfg);
        for secret in [
            "USERCANARY",
            "ENABLECANARY",
            "COMMCANARY",
            "TRAPCANARY",
            "AUTHCANARY",
            "PRIVKEYCANARY",
            "RADCANARY",
            "TACCANARY",
            "HOSTKEYCANARY",
            "OSPFCANARY",
            "VLCANARY",
            "RIPCANARY",
            "VRRPCANARY",
            "AUTHPWCANARY",
            "PRIVPWCANARY",
            "SNTPCANARY",
            "LINECANARY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "username \"admin\" password <secret hidden> level 15 encrypted\n",
            "enable password <secret hidden> encrypted\n",
            "snmp-server community <secret hidden> ro\n",
            "snmptrap <secret hidden> 192.0.2.1 snmpversion snmpv2\n",
            "auth-sha-key <secret hidden> priv-des-key <secret hidden>\n",
            "radius server key auth 192.0.2.5 encrypted <secret hidden>\n",
            "tacacs-server key encrypted <secret hidden>\n",
            " key encrypted <secret hidden>\n",
            "ip ospf authentication encrypt <secret hidden> 1\n",
            "virtual-link 192.0.2.9 authentication encrypt <secret hidden> 2\n",
            "ip rip authentication encrypt <secret hidden> 1\n",
            "ip vrrp 1 authentication simple <secret hidden>\n",
            "auth-md5 <secret hidden> priv-des <secret hidden>\n",
            "sntp authentication-key 1 md5 <secret hidden>\n",
            " password <secret hidden>\n",
            "vlan name 10 \"Bureaux\"\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
