//! Extreme Networks (formerly Enterasys) EOS on the SecureStack B3/C3
//! stackable switches (Oxidized model `enterasys`).
//!
//! No published session of the configuration command (`show config`)
//! exists yet (see `tests/corpus/netraven/RESEARCH.md`, `enterasys`), so
//! the driver is checked by its unit tests against what Oxidized's own
//! model code stores for the same sessions (`../shared/oxidized/oracle
//! enterasys`), and by the prompt case
//! `tests/corpus/netraven/enterasys#generic#prompt.yaml`.
//!
//! Session: the prompt is the system name, then the access level in
//! parentheses, `(su)` or `(rw)`, then `->` (`C3G124-48(su)->`); a
//! read-only `(ro)` session is not taken, as in Oxidized (it cannot show
//! the configuration). No setup command is sent: the pager stays on, and
//! each `--More--` is answered with a space and removed from the output.
//! Logout is `exit`; the switch hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show system hardware` and `show version` (optional), stored as `!`
//!   comments (the prefix has no space, as in Oxidized);
//! - `show config` (essential), without the two banner lines (`This command
//!   shows non-default configurations only.`, `Use 'show config all' ...`),
//!   without a `!` at the start of a line, without everything from a `#` to
//!   the end of its line, and without the lines this leaves empty: what
//!   remains is the `set` commands between `begin` and `end`.
//!
//! Every output first loses its first two lines (the echo and the blank
//! line after it) and its last two (the blank line before the prompt and
//! the prompt), and each line its carriage returns and trailing ASCII
//! white space (Ruby's `rstrip`), as Oxidized's model cuts it. A reply of
//! fewer than two lines, where Oxidized's model raises an error, becomes an
//! empty line. The backup is byte for byte what
//! Oxidized stores. No published output shows how the configuration ends,
//! so a configuration cut short is not checked for.
//!
//! Deliberate differences from Oxidized: a refused configuration (a
//! refusal the SDK knows, e.g. `Invalid input detected at '^' marker.`)
//! fails the backup as `command_rejected` where Oxidized stores what is
//! left of the refusal; a refused `show system hardware` or `show version`
//! is left out (logged); `redact` hides secrets Oxidized keeps. Oxidized
//! answers `--More--` anywhere in the session; the driver where the switch
//! waits after it, which is where a pager stops.
//!
//! The conformance cases `tests/corpus/conformance/enterasys#scripted_*`
//! replay scripted sessions (CRLF line ends and a login banner; a
//! `--More--` in the configuration) whose expected backups are the
//! oracle's. Their `show system hardware` is a real SecureStack A4 stack's
//! (brianaddicks/PowerSwitch `Tests/Eos/Get-EosInventory.Tests.ps1`,
//! licence not stated); `show version` and `show config` are minimal text
//! written for the test, with canary secrets.
//!
//! `redact` hides, keeping each keyword (Oxidized's model hides nothing):
//! login password hashes (`set system login NAME super-user enable
//! password ...`), SNMP community names, SNMPv3 user authentication and
//! privacy passwords, RADIUS (authentication and accounting) and TACACS+
//! server secrets, the MAC-authentication password (`set macauthentication
//! password`), OSPF interface keys of the C3's router configuration (`ip
//! ospf authentication-key`, `ip ospf message-digest-key N md5`). What follows a `#`
//! never reaches the backup (Oxidized's cleaning removes it).
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Enterasys;

/// `C3G124-48(su)->`, `ltg-wst-cor-001(su)->`: the system name, the
/// access level, `->`.
const PROMPT: &str = r"^.+\w\((?:su|rw)\)->\s?$";

/// EOS's pager, answered with a space. It stops a page at a line's start;
/// unanchored, a pager that cuts a long line (as a terminal that counts
/// wrapped lines does) is answered too, and the line comes out whole.
const PAGER: &str = r"--More--.*$";

const COMMENT: &str = "!";

/// Informational commands, stored as `!` comments, in this order.
const COMMENTED: [&str; 2] = ["show system hardware", "show version"];

const SHOW_CONFIG: &str = "show config";

impl Driver for Enterasys {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "enterasys",
            env!("CARGO_PKG_VERSION"),
            &["enterasys"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.on_pattern(PAGER, " ")?;
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        for command in COMMENTED {
            if let Some(raw) = session.optional(command)? {
                config.push_str(&text::comment(&eos_cut(&raw), COMMENT));
            }
        }

        let raw = session.essential(SHOW_CONFIG)?;
        let cleaned = text::replace_all(
            &eos_cut(&raw),
            &[
                (
                    r"(?m)^This command shows non-default configurations only.",
                    "",
                ),
                (
                    r"(?m)^Use 'show config all' to show both default and non-default configurations.",
                    "",
                ),
                (r"(?m)^!|#.*", ""),
                (r"(?m)^\n", ""),
            ],
        );
        config.push_str(&cleaned);
        Ok(Backup::config(config))
    }

    /// Log out; the switch closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// A command's whole output cut as Oxidized's model cuts it: without its
/// first two lines and its last two, each line without carriage returns and
/// trailing white space, every line ending in `\n`.
fn eos_cut(raw: &str) -> String {
    let lines: Vec<&str> = text::lines(raw).collect();
    let body = lines.get(2..lines.len().saturating_sub(2)).unwrap_or(&[]);
    let mut out = String::with_capacity(raw.len());
    for line in body {
        // Ruby's `rstrip`: ASCII white space and NUL, not Unicode spaces.
        out.push_str(
            line.replace('\r', "")
                .trim_end_matches([' ', '\t', '\n', '\x0b', '\x0c', '\0']),
        );
        out.push('\n');
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

/// Secret removal, line by line: `(needle, regex, replacement)`, keeping
/// the keyword and hiding the value.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `set system login admin super-user enable password :a1b2...:`.
    (
        "set system login",
        r"^(set system login \S+ \S+ \S+ password) \S+",
        "$1 <secret hidden>",
    ),
    // `set snmp community public securityname public`: the name is the
    // community string.
    (
        "set snmp community",
        r"^(set snmp community) \S+",
        "$1 <secret hidden>",
    ),
    (
        "set snmp user",
        r"^(set snmp user .*\bauthentication (?:md5|sha\w*)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "set snmp user",
        r"^(set snmp user .*\bprivacy(?: des| 3des| aes\w*)?) \S+",
        "$1 <secret hidden>",
    ),
    // `set radius server 1 192.0.2.1 1812 :secret:`, also TACACS+.
    (
        "server",
        r"^(set (?:radius|tacacs) server (?:\d+ )?\S+ \d+) \S+",
        "$1 <secret hidden>",
    ),
    // `set radius accounting server 192.0.2.3 1813 :secret:` (address,
    // UDP port, then the server secret, per the B3/C3 CLI reference).
    (
        "set radius accounting server",
        r"^(set radius accounting server \S+ \d+) \S+",
        "$1 <secret hidden>",
    ),
    // `set macauthentication password P`: the password MAC authentication
    // sends to the RADIUS server.
    (
        "set macauthentication password",
        r"^(set macauthentication password) \S+",
        "$1 <secret hidden>",
    ),
    // C3 routing (router configuration lines): `ip ospf authentication-key
    // K`, `ip ospf message-digest-key 1 md5 K`.
    (
        "ip ospf",
        r"^(\s*ip ospf (?:authentication-key|message-digest-key \d+ md5)) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Enterasys);

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
        netraven_driver_sdk::harness::assert_corpus::<Enterasys>(CORPUS);
    }

    /// A C3G124-48 session. No published output of these commands from a
    /// B3/C3 exists in a citable form: the replies are minimal. `show
    /// config` carries the two banner lines Oxidized's model removes, the
    /// `begin`/`end` frame and `#` section comments of an EOS configuration,
    /// and a `--More--` pager in the middle (the driver sends no
    /// `set length 0`, as Oxidized does not).
    const RECORDING: &str = r#"
init_prompt: |-
  C3G124-48(su)->
commands:
  - "show system hardware\n": |-
      show system hardware

          SLOT HARDWARE INFORMATION
          ---------------------------
          Model:                          C3G124-48\x20\x20
          Serial Number:                  0001A1B2C3D4

      C3G124-48(su)->
  - "show version\n": |-
      show version

      Copyright (c) 2009 by Enterasys Networks, Inc.

      Model        Serial #    Versions
      -----------  ----------  -------------------
      C3G124-48    0001A1B2C3D4  Hw:BCM56514 REV 1
                               Fw:06.61.08.0013

      C3G124-48(su)->
  - "show config\n": |-
      show config

      This command shows non-default configurations only.
      Use 'show config all' to show both default and non-default configurations.

      begin
      !
      # ***** NON-DEFAULT CONFIGURATION *****
      !
      !
      #Chassis Firmware Revision:    06.61.08.0013
      !
      #system
      set system name \"sw1\"
      --More--
  - " ": |-
      \rset system location \"lab\"
      !
      end

      C3G124-48(su)->
  - "exit\n": ""
"#;

    /// What Oxidized's model stores for `RECORDING`
    /// (../shared/oxidized/oracle enterasys).
    const ORACLE: &str = "!    SLOT HARDWARE INFORMATION\n!    ---------------------------\n!    Model:                          C3G124-48\n!    Serial Number:                  0001A1B2C3D4\n!Copyright (c) 2009 by Enterasys Networks, Inc.\n!\n!Model        Serial #    Versions\n!-----------  ----------  -------------------\n!C3G124-48    0001A1B2C3D4  Hw:BCM56514 REV 1\n!                         Fw:06.61.08.0013\nbegin\nset system name \"sw1\"\nset system location \"lab\"\nend\n";

    /// EOS's refusal of a command.
    const INVALID: &str = "      Invalid input detected at '^' marker.\n";

    /// `RECORDING` with the output of `show version` swapped for EOS's
    /// refusal.
    fn refusing_version() -> String {
        let start = RECORDING.find("      Copyright").expect("version");
        let end = RECORDING
            .find("                               Fw:")
            .expect("version end");
        let end = end + RECORDING[end..].find('\n').expect("line end") + 1;
        format!("{}{INVALID}{}", &RECORDING[..start], &RECORDING[end..])
    }

    /// `RECORDING` with the output of `show config` (and its pager step)
    /// swapped for EOS's refusal.
    fn refusing_config() -> String {
        let start = RECORDING.find("      This command").expect("config");
        let end = RECORDING.find("      end\n").expect("config end") + "      end\n".len();
        format!("{}{INVALID}{}", &RECORDING[..start], &RECORDING[end..])
    }

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup =
            scripted::backup::<Enterasys>(RECORDING, &Device::default()).expect("replayed whole");
        assert_eq!(backup.config, ORACLE);
    }

    #[test]
    fn refused_informational_commands_are_left_out() {
        let backup = scripted::backup_without::<Enterasys>(
            &refusing_version(),
            &Device::default(),
            &["show version"],
        );
        assert!(!backup.config.contains("Invalid"), "{}", backup.config);
        assert!(!backup.config.contains("Copyright"), "{}", backup.config);
        assert!(backup.config.ends_with("!    Serial Number:                  0001A1B2C3D4\nbegin\nset system name \"sw1\"\nset system location \"lab\"\nend\n"), "{}", backup.config);
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Enterasys>(
            &refusing_config(),
            &Device::default(),
            r#"essential command "show config": the device refused it: "Invalid input detected at '^' marker.""#,
        );
    }

    /// Real prompts and lines of brianaddicks/PowerSwitch's EOS Pester
    /// tests (`Tests/Eos/Get-EosInventory.Tests.ps1`,
    /// `Get-EosRouteTable.Tests.ps1`, `Get-EosNeighbor.Tests.ps1`), plus
    /// lines of the minimal configuration of `RECORDING`.
    #[test]
    fn prompt_takes_eos_prompts_and_refuses_other_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "A4(su)->",
            "ssa(su)->",
            "Switch0(su)->",
            "ltg-wst-cor-001(su)->",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "Switch(ro)->",
            "ssa(su)->show system hardware all",
            "        UNIT 1 HARDWARE INFORMATION",
            "# ***** NON-DEFAULT CONFIGURATION *****",
            "set system name \"sw1\"",
            "--More--",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Enterasys>(CONFORMANCE);
    }

    /// The chaos replay, with EOS's `--More--` put in mid-output, mid-line
    /// and before the prompt: this driver (as Oxidized) keeps the pager on
    /// and answers it.
    #[test]
    fn conformance_cases_survive_the_chaos_replay() {
        netraven_driver_sdk::harness::assert_chaos::<Enterasys>(CONFORMANCE);
    }

    #[test]
    fn eos_cut_drops_two_lines_at_each_end() {
        assert_eq!(eos_cut("echo\r\n\r\na  \r\nb\t\r\n\r\nsw(su)->"), "a\nb\n");
        assert_eq!(eos_cut("echo\n\n\nsw(su)->"), "\n");
        assert_eq!(eos_cut(""), "\n");
        // Ruby's rstrip keeps a no-break space, drops a NUL.
        assert_eq!(eos_cut("e\n\na\u{a0}\nb\0\n\np"), "a\u{a0}\nb\n");
    }

    #[test]
    fn redact_hides_every_secret_and_keeps_the_keywords() {
        // Written for the test, with canaries, in the B3/C3 CLI command
        // forms (not from a capture).
        let cfg = "set system login admin super-user enable password :a1b2c3d4e5:\n\
                   set snmp community CommRO securityname ro\n\
                   set snmp user u1 authentication md5 AUTHPASS privacy des PRIVPASS\n\
                   set radius server 1 192.0.2.1 1812 :RADKEY:\n\
                   set tacacs server 1 192.0.2.2 49 :TACKEY:\n\
                   set radius accounting server 192.0.2.3 1813 :ACCTKEY:\n\
                   set macauthentication password MACPW\n\
                   \x20ip ospf authentication-key OSPFKEY\n\
                   \x20ip ospf message-digest-key 1 md5 MD5KEY\n\
                   set system name \"sw1\"\n";
        let out = Enterasys::redact(cfg);
        for secret in [
            "a1b2c3d4e5",
            "CommRO",
            "AUTHPASS",
            "PRIVPASS",
            "RADKEY",
            "TACKEY",
            "ACCTKEY",
            "MACPW",
            "OSPFKEY",
            "MD5KEY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "set system login admin super-user enable password <secret hidden>\n",
            "set snmp community <secret hidden> securityname ro\n",
            "set snmp user u1 authentication md5 <secret hidden> privacy des <secret hidden>\n",
            "set radius server 1 192.0.2.1 1812 <secret hidden>\n",
            "set tacacs server 1 192.0.2.2 49 <secret hidden>\n",
            "set radius accounting server 192.0.2.3 1813 <secret hidden>\n",
            "set macauthentication password <secret hidden>\n",
            " ip ospf authentication-key <secret hidden>\n",
            " ip ospf message-digest-key 1 md5 <secret hidden>\n",
            "set system name \"sw1\"\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
