//! Extreme Networks (formerly Avaya, Nortel) BOSS, the Baystack Operating
//! System Software of the Ethernet Routing Switch (ERS) 3500/4000/5000
//! series (Oxidized model `boss`).
//!
//! No published session of the configuration command (`show
//! running-config`) exists yet (see `tests/corpus/netraven/RESEARCH.md`,
//! `boss`), so the driver is checked by its unit tests against what
//! Oxidized's own model code stores for the same sessions
//! (`../shared/oxidized/oracle boss`), and by the prompt case
//! `tests/corpus/netraven/boss#generic#prompt.yaml`.
//!
//! Session: the prompt is the system name then `>` or `#` (`avaya_ers>`),
//! matched with Oxidized's own pattern (a line of no white space ending in
//! `#` or `>`). Before the first prompt the switch may show a banner ending
//! in `Enter Ctrl-Y to begin.` (answered with Ctrl-Y), a count of failed
//! logins ending in `Press ENTER to continue` (answered with a newline) or,
//! on older releases (ERS 55xx/56xx), a menu offering the `Command Line
//! Interface...` (answered with `c`, then a newline, two writes), as
//! Oxidized answers them. Oxidized keeps watching for these screens for the
//! whole session; the driver only until the first prompt (no command's
//! output is answered with a key). After login the driver sends `terminal
//! length 0` and `terminal width 132`. Logout is `logout`; the switch hangs
//! up.
//!
//! Commands, in Oxidized's order:
//! - an empty line: what the switch answers, a blank line and its prompt,
//!   is stored as `! ` comments;
//! - `show sys-info` (optional), stored whole as `! ` comments, its echo and
//!   prompt included, with `sysUpTime`, `sysNtpTime` and `sysRtcTime` lines
//!   replaced by Oxidized's markers (`removed sysUpTime`, `removed
//!   sysNtpTime` for both of the last two) and any other `YYYY-MM-DD
//!   HH:MM:SS ...` time stamp cut to the end of its line;
//! - `show stack-info` (optional): always sent, but stored (as `! `
//!   comments, time stamps cut) only when `show sys-info` mentions `Stack`,
//!   as Oxidized does;
//! - `show running-config` (essential): its echo becomes the comment `!
//!   show running-config`, time stamps are cut, every line that looks like a
//!   prompt (the closing one) becomes empty, and a `! clock set ...` line
//!   becomes `! removed clock set`. BOSS closes its configuration with no
//!   fixed line, so a configuration cut short cannot be told.
//!
//! The backup is byte for byte what Oxidized stores, echoes and prompts
//! in the comments included; a typo rubbed out with backspaces in an echo
//! is applied first (Oxidized would keep the backspaces), and a closing
//! prompt with blanks after it is emptied too (Oxidized's pattern would
//! never have waited for it).
//!
//! Deliberate differences from Oxidized: a refused configuration (BOSS's
//! `% Invalid input detected at '^' marker.`) fails the backup as
//! `command_rejected` where Oxidized stores the refusal; a refused
//! `show sys-info` or `show stack-info` is left out (logged) where Oxidized
//! stores the refusal as comments; `redact` hides secrets Oxidized keeps.
//!
//! The conformance cases `tests/corpus/conformance/boss#scripted_*` replay
//! scripted sessions (a stack and a standalone switch, CRLF line ends, a
//! login banner) whose expected backups are the oracle's. Their `show
//! sys-info` is fakenos's (`docs/platforms/avaya_ers.md`, MIT); their
//! configuration follows the header and section shape of a published ERS
//! 4550T-PWR v5.7.1.021 `show running-config` (a documentation quote whose
//! repository and licence could not be resolved, so only its shape is
//! used: names, addresses and values are written for the test), with
//! canary secrets. The Ctrl-Y screen is left to
//! the unit test: Oxidized's test double cannot answer a greeting.
//!
//! `redact` hides, keeping each keyword (Oxidized's model hides nothing):
//! SNMP community strings, SNMPv3 user authentication and privacy
//! passwords, SNMP trap receivers' communities (`snmp-server host ... v1|v2c
//! C`, or a quoted community right after the address), CLI and user
//! passwords, RADIUS and TACACS+ keys, OSPF authentication and
//! message-digest keys (interfaces and virtual links), NTP keys (`ntp key N
//! K`). The trap-receiver and NTP forms follow the ERS ACLI syntax as
//! recalled; no ERS configuration holding them was found published.
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login (answering a password
//!   prompt with the enable secret), for accounts that start at `>`.
//!   Oxidized's model never sends it: without the var, the session is
//!   Oxidized's.

use netraven_driver_sdk::prelude::*;

pub struct Boss;

/// `avaya_ers>`, `avaya_ers#`: Oxidized's pattern, no white space, then
/// `#` or `>`.
const PROMPT: &str = r"^[^\s#>]+[#>]$";

/// The screens BOSS may show before its first prompt, and what follows
/// them up to where the switch waits.
const SCREENS: &str =
    r"(?:Enter Ctrl-Y to begin\.|Press ENTER to continue|ommand Line Interface\.\.\.)(?s:.*)";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

const COMMENT: &str = "! ";

/// Setup commands whose output nobody reads.
const SETUP: [&str; 2] = ["terminal length 0", "terminal width 132"];

const SHOW_SYSINFO: &str = "show sys-info";
const SHOW_STACK: &str = "show stack-info";
const SHOW_CONFIG: &str = "show running-config";

/// `2015-10-21 20:26:44 GMT+00:00`: a time stamp, cut to the end of its
/// line.
const TIMESTAMP: (&str, &str) = (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} .*", "");

impl Driver for Boss {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "boss",
            env!("CARGO_PKG_VERSION"),
            &["boss"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        // Each screen may be followed by more text before the switch
        // waits; each is answered as Oxidized does, in its order.
        let wait = format!("{PROMPT}|{SCREENS}");
        for _ in 0..8 {
            let seen = session.read_until(&wait, None)?;
            let mut answered = false;
            if seen.contains("Enter Ctrl-Y to begin.") {
                session.send("\x19")?;
                answered = true;
            }
            if seen.contains("Press ENTER to continue") {
                session.send("\n")?;
                answered = true;
            }
            if seen.contains("ommand Line Interface...") {
                session.send("c")?;
                session.send("\n")?;
                answered = true;
            }
            let last = seen.rsplit('\n').next().unwrap_or_default().trim_end();
            if !answered || text::line_re(PROMPT).is_match(last) {
                break;
            }
        }
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        for setup in SETUP {
            session.command(setup)?;
        }

        // An empty line: Oxidized stores the switch's answer, echo and
        // prompt included.
        let mut config = text::comment(&(screen(&session.command("")?) + "\n"), COMMENT);

        let mut stack = false;
        if let Some(raw) = session.optional(SHOW_SYSINFO)? {
            let info = screen(&raw);
            stack = info.contains("Stack");
            let info = text::replace_all(
                &info,
                &[
                    (r"(?m)^.*sysUpTime.*$", "removed sysUpTime"),
                    (r"(?m)^.*sysNtpTime.*$", "removed sysNtpTime"),
                    (r"(?m)^.*sysRtcTime.*$", "removed sysNtpTime"),
                    TIMESTAMP,
                ],
            );
            config.push_str(&text::comment(&(info + "\n"), COMMENT));
        }

        // Sent whatever the switch is; kept only for a stack.
        if let Some(raw) = session.optional(SHOW_STACK)?
            && stack
        {
            let info = text::replace_all(&screen(&raw), &[TIMESTAMP]);
            config.push_str(&text::comment(&(info + "\n"), COMMENT));
        }

        let raw = screen(&session.essential(SHOW_CONFIG)?);
        config.push_str(&text::replace_all(
            &raw,
            &[
                (r"(?m)^show running-config", "! show running-config"),
                TIMESTAMP,
                (r"(?m)^[^\s#>]+[#>][ \t]*$", ""),
                (r"(?m)^! clock set.*", "! removed clock set"),
            ],
        ));
        Ok(Backup::config(config))
    }

    /// Log out; the switch closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("logout\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// A command's reply with unix line ends and its echo as the screen shows
/// it: a typo rubbed out with backspaces in the echo is applied.
fn screen(raw: &str) -> String {
    let raw = text::unix_newlines(raw);
    let rest = text::drop_first_lines(&raw, 1);
    let echo = &raw[..raw.len() - rest.len()];
    text::apply_backspaces(echo) + rest
}

/// Secret removal, line by line: `(needle, regex, replacement)`, keeping
/// the keyword and hiding the value (quoted or not).
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `snmp-server community "public" ro`, `snmp-server community ro "x"`.
    (
        "snmp-server community",
        r#"^(snmp-server community(?: r[ow])?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `snmp-server user "u1" md5 "AUTH" des "PRIV"`.
    (
        "snmp-server user",
        r#"^(snmp-server user .*\b(?:md5|sha\w*)) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    (
        "snmp-server user",
        r#"^(snmp-server user .*\b(?:aes\w*|3des|des)) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `cli password read-write "secure"`, `cli password telnet read-only ...`.
    (
        "cli password",
        r#"^(cli password (?:\S+ )?read-(?:only|write)) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // `username "RW" "secure" read-write`.
    (
        "username",
        r#"^(username (?:"[^"]*"|\S+)) (?:"[^"]*"|\S+)( read-(?:only|write))"#,
        "$1 <secret hidden>$2",
    ),
    // `radius-server host 192.0.2.1 key "SECRET"`, `tacacs server host ... key ...`,
    // `radius-server key "SECRET"`.
    (
        "key",
        r#"^((?:radius|tacacs)[- ]server .*?\bkey) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // OSPF keys, on interfaces (`ip ospf message-digest-key 1 md5-key K`,
    // `ip ospf authentication-key K`) and on virtual links (the same
    // keywords later in an `area virtual-link ...` line).
    (
        "message-digest-key",
        r#"^(.*?\bmessage-digest-key \d+ md5(?:-key)?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    (
        "authentication-key",
        r#"^(.*?\bauthentication-key) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    // SNMP trap receivers' communities: `snmp-server host 192.0.2.9 port
    // 162 v2c "public"`, and the older `snmp-server host 192.0.2.9
    // "public"` (quoted right after the address). The v3 form names a
    // user, not a secret, and is left alone.
    (
        "snmp-server host",
        r#"^(snmp-server host \S+(?: port \d+)? (?:v1|v2c)) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    (
        "snmp-server host",
        r#"^(snmp-server host \S+(?: port \d+)?) "[^"]*""#,
        "$1 <secret hidden>",
    ),
    // NTP authentication keys: `ntp key 1 "K"` (key id kept).
    (
        "ntp key",
        r#"^(ntp key \d+(?: md5)?) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Boss);

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
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Boss>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_the_chaos_replay() {
        netraven_driver_sdk::harness::assert_chaos::<Boss>(CONFORMANCE);
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Boss>(CORPUS);
    }

    /// A session of a stacked ERS 3549GTS-PWR+. The prompt `avaya_ers>` and
    /// `show sys-info` come from fakenos/fakenos
    /// `docs/platforms/avaya_ers.md` (MIT; the reply of a real ERS 3549 on
    /// 5.3.0.005, cut to its stack, description, uptime, NTP time and name
    /// lines). No published `show stack-info` or `show running-config`
    /// exists: the stack table is one minimal row, and the configuration
    /// is kept to BOSS's header lines (`! Embedded ASCII Configuration
    /// Generator Script`, `! Model = Ethernet Routing Switch ...`), a
    /// `! clock set` line (which Oxidized's model rewrites) and one section.
    const RECORDING: &str = r#"
init_prompt: |-
  avaya_ers>
commands:
  - "terminal length 0\n": |-
      terminal length 0
      avaya_ers>
  - "terminal width 132\n": |-
      terminal width 132
      avaya_ers>
  - "\n": |-

      avaya_ers>
  - "show sys-info\n": |-
      show sys-info
      Operation Mode:        Stack, Unit # 1
      Size Of Stack:         4
      sysDescr:              Ethernet Routing Switch 3549GTS-PWR+
                             HW:03       FW:5.3.0.6   SW:v5.3.0.005
      sysUpTime:             35 days, 07:24:53
      sysNtpTime:            2015-10-21 20:26:44 GMT+00:00
      sysName:               sysName

      avaya_ers>
  - "show stack-info\n": |-
      show stack-info
      Unit #   Switch Model      Pluggable  Pluggable  Description
      ------   --------------    ---------  ---------  ------------------------
      1        3549GTS-PWR+      (47)None   (48)None   Ethernet Routing Switch
      avaya_ers>
  - "show running-config\n": |-
      show running-config
      ! Embedded ASCII Configuration Generator Script
      ! Model = Ethernet Routing Switch 3549GTS-PWR+
      ! Software version = v5.3.0.005
      !
      ! clock set 2015-10-21 20:26:44
      enable
      configure terminal
      !
      ! *** CORE (Phase 1) ***
      !
      snmp-server name \"sysName\"
      !
      avaya_ers>
  - "logout\n": ""
"#;

    /// What Oxidized's model stores for `RECORDING`
    /// (../shared/oxidized/oracle boss).
    const ORACLE: &str = "! \n! avaya_ers>\n! show sys-info\n! Operation Mode:        Stack, Unit # 1\n! Size Of Stack:         4\n! sysDescr:              Ethernet Routing Switch 3549GTS-PWR+\n!                        HW:03       FW:5.3.0.6   SW:v5.3.0.005\n! removed sysUpTime\n! removed sysNtpTime\n! sysName:               sysName\n! \n! avaya_ers>\n! show stack-info\n! Unit #   Switch Model      Pluggable  Pluggable  Description\n! ------   --------------    ---------  ---------  ------------------------\n! 1        3549GTS-PWR+      (47)None   (48)None   Ethernet Routing Switch\n! avaya_ers>\n! show running-config\n! Embedded ASCII Configuration Generator Script\n! Model = Ethernet Routing Switch 3549GTS-PWR+\n! Software version = v5.3.0.005\n!\n! removed clock set\nenable\nconfigure terminal\n!\n! *** CORE (Phase 1) ***\n!\nsnmp-server name \"sysName\"\n!\n";

    /// `RECORDING` for a standalone switch: `show sys-info` without the
    /// stack lines. `show stack-info` is still sent.
    fn standalone() -> String {
        RECORDING
            .replace(
                "      Operation Mode:        Stack, Unit # 1\n",
                "      Operation Mode:        Switch\n",
            )
            .replace("      Size Of Stack:         4\n", "")
    }

    /// BOSS's refusal of a command.
    const INVALID: &str = "      % Invalid input detected at '^' marker.\n";

    /// `RECORDING` with the reply (between echo and prompt) to `command`
    /// swapped for BOSS's refusal.
    fn refusing(command: &str) -> String {
        let start = RECORDING
            .find(&format!("      {command}\n"))
            .expect("command")
            + command.len()
            + 7;
        let end = start + RECORDING[start..].find("      avaya_ers>").expect("prompt");
        format!("{}{INVALID}{}", &RECORDING[..start], &RECORDING[end..])
    }

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup =
            scripted::backup::<Boss>(RECORDING, &Device::default()).expect("replayed whole");
        assert_eq!(backup.config, ORACLE);
    }

    #[test]
    fn a_standalone_switch_gets_no_stack_info() {
        let backup =
            scripted::backup::<Boss>(&standalone(), &Device::default()).expect("replayed whole");
        // What Oxidized's model stores for this session (../shared/oxidized/oracle boss).
        assert_eq!(
            backup.config,
            "! \n! avaya_ers>\n! show sys-info\n! Operation Mode:        Switch\n! sysDescr:              Ethernet Routing Switch 3549GTS-PWR+\n!                        HW:03       FW:5.3.0.6   SW:v5.3.0.005\n! removed sysUpTime\n! removed sysNtpTime\n! sysName:               sysName\n! \n! avaya_ers>\n! show running-config\n! Embedded ASCII Configuration Generator Script\n! Model = Ethernet Routing Switch 3549GTS-PWR+\n! Software version = v5.3.0.005\n!\n! removed clock set\nenable\nconfigure terminal\n!\n! *** CORE (Phase 1) ***\n!\nsnmp-server name \"sysName\"\n!\n"
        );
        assert!(!backup.config.contains("stack-info"));
    }

    #[test]
    fn refused_informational_commands_are_left_out() {
        let yaml = refusing("show stack-info");
        let backup =
            scripted::backup_without::<Boss>(&yaml, &Device::default(), &["show stack-info"]);
        assert!(!backup.config.contains("stack-info"), "{}", backup.config);
        let yaml = refusing("show sys-info");
        let backup =
            scripted::backup_without::<Boss>(&yaml, &Device::default(), &["show sys-info"]);
        assert!(!backup.config.contains("sys-info"), "{}", backup.config);
        assert!(
            backup.config.contains("! show running-config\n"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Boss>(
            &refusing("show running-config"),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    /// The three screens are minimal text written for this test around the
    /// phrases Oxidized's model waits for (`Enter Ctrl-Y to begin.` is also
    /// what Netmiko's `extreme_ers_ssh.py` waits for); no published capture
    /// of them was found. The menu is answered with `c`, then a newline,
    /// two writes, as Oxidized sends them.
    #[test]
    fn login_answers_the_banner_the_failed_logins_notice_and_the_menu() {
        let yaml = "init_prompt: \"\\n*****************\\nEthernet Routing Switch 3549GTS-PWR+\\n*****************\\n\\nEnter Ctrl-Y to begin.\"\n\
                    commands:\n\
                    \x20 - \"\\x19\": \"\\nThere have been 2 unsuccessful login attempts since the last login.\\n\\nPress ENTER to continue\"\n\
                    \x20 - \"\\n\": \"\\n  Main Menu\\n\\n  IP Configuration/Setup...\\n  Command Line Interface...\\n  Logout\\n\\nUse arrow keys to highlight option, press <Return> or <Enter> to select option.\"\n\
                    \x20 - \"c\": \"\\n\"\n\
                    \x20 - \"\\n\": \"\\navaya_ers>\"\n";
        let session =
            scripted::login::<Boss>(yaml, &Device::default()).expect("login answers each screen");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn enable_is_sent_only_when_asked_for() {
        let yaml = "init_prompt: 'avaya_ers>'\ncommands:\n  - \"enable\\n\": 'enable\\nPassword: '\n  - \"<enable>\\n\": '\\navaya_ers#'\n";
        let session = scripted::login::<Boss>(yaml, &Device::with_vars(&[("enable", "true")]))
            .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
        let session = scripted::login::<Boss>(yaml, &Device::default()).expect("login");
        assert!(session.finish().is_err(), "enable was sent without the var");
    }

    /// Real prompts of fakenos `docs/platforms/avaya_ers.md`; the lines that
    /// must not match are from the same page's `show sys-info`, Netmiko's
    /// ERS driver and the BOSS configuration header, plus the minimal
    /// banner rule of the login test.
    #[test]
    fn prompt_takes_boss_prompts_and_refuses_other_lines() {
        let prompt = text::line_re(PROMPT);
        for p in ["avaya_ers>", "avaya_ers#"] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "Enter Ctrl-Y to begin.",
            "! Embedded ASCII Configuration Generator Script",
            "sysDescr:              Ethernet Routing Switch 3549GTS-PWR+",
            "*****************",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_every_secret_and_keeps_the_keywords() {
        // Written for the test, with canaries, in the ACLI command forms (not
        // from a capture); the `area virtual-link`, `snmp-server host` and
        // `ntp key` lines are shapes recalled from the ERS ACLI, unconfirmed.
        let cfg = "snmp-server community \"CommRO\" ro\n\
                   snmp-server community rw \"CommRW\"\n\
                   snmp-server user \"u1\" md5 \"AUTHPASS\" des \"PRIVPASS\"\n\
                   cli password read-write \"CLIRW\"\n\
                   cli password telnet read-only \"CLIRO\"\n\
                   username \"RW\" \"USERPW\" read-write\n\
                   radius-server host 192.0.2.1 key \"RADKEY\"\n\
                   tacacs server host 192.0.2.2 key \"TACKEY\"\n\
                   ip ospf message-digest-key 1 md5-key \"MD5KEY\"\n\
                   ip ospf authentication-key \"OSPFKEY\"\n\
                   area virtual-link 0.0.0.1 192.0.2.5 authentication-key \"VLKEY\"\n\
                   area virtual-link 0.0.0.1 192.0.2.5 message-digest-key 2 md5-key \"VLMD5\"\n\
                   snmp-server host 192.0.2.9 port 162 v2c \"TRAPV2C\"\n\
                   snmp-server host 192.0.2.8 v1 TRAPV1\n\
                   snmp-server host 192.0.2.7 \"TRAPOLD\"\n\
                   snmp-server host 192.0.2.6 v3 authPriv \"v3user\"\n\
                   ntp key 1 \"NTPKEY\"\n\
                   snmp-server name \"sysName\"\n";
        let out = Boss::redact(cfg);
        for secret in [
            "CommRO", "CommRW", "AUTHPASS", "PRIVPASS", "CLIRW", "CLIRO", "USERPW", "RADKEY",
            "TACKEY", "MD5KEY", "OSPFKEY", "VLKEY", "VLMD5", "TRAPV2C", "TRAPV1", "TRAPOLD",
            "NTPKEY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "snmp-server community <secret hidden> ro\n",
            "snmp-server community rw <secret hidden>\n",
            "snmp-server user \"u1\" md5 <secret hidden> des <secret hidden>\n",
            "cli password read-write <secret hidden>\n",
            "cli password telnet read-only <secret hidden>\n",
            "username \"RW\" <secret hidden> read-write\n",
            "radius-server host 192.0.2.1 key <secret hidden>\n",
            "tacacs server host 192.0.2.2 key <secret hidden>\n",
            "ip ospf message-digest-key 1 md5-key <secret hidden>\n",
            "ip ospf authentication-key <secret hidden>\n",
            "192.0.2.5 authentication-key <secret hidden>\n",
            "192.0.2.5 message-digest-key 2 md5-key <secret hidden>\n",
            "snmp-server host 192.0.2.9 port 162 v2c <secret hidden>\n",
            "snmp-server host 192.0.2.8 v1 <secret hidden>\n",
            "snmp-server host 192.0.2.7 <secret hidden>\n",
            "snmp-server host 192.0.2.6 v3 authPriv \"v3user\"\n",
            "ntp key 1 <secret hidden>\n",
            "snmp-server name \"sysName\"\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
