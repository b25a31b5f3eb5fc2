//! Edgecore switches on their Accton-made CLI (ES3510, ES3526XA, ES3528M,
//! ECS series), and the OEM models Oxidized serves with the same model:
//! Supermicro SSE-G2252 (Oxidized model `supermicro`, which is nothing but
//! another name for `edgecos`), FS S3900, TP-Link TL-SL5428 (Oxidized
//! model `edgecos`).
//!
//! No published session of the configuration command exists yet (see
//! `tests/corpus/netraven/RESEARCH.md`, sections `edgecos` and
//! `supermicro`), so the driver is checked by unit tests against Oxidized's
//! own model code (the oracle, `../shared/oxidized/oracle edgecos`), by the
//! scripted conformance cases (and their chaos replay)
//! `tests/corpus/conformance/edgecos#scripted_es3510_crlf_banner` and
//! `#scripted_es3526xa_v2_pager_lf`, and by the prompt case
//! `tests/corpus/netraven/edgecos#generic#prompt.yaml`.
//!
//! Session: the prompt is the hostname, then `#` or `>` (`Console#`,
//! `Console>`); configuration-mode prompts (`Console(config)#`) are not
//! prompts here. After login the driver sends `terminal length 0` and
//! `terminal width 300`, whose output nobody reads (older firmware refuses
//! the first, which does no harm); the ES3526XA-V2's pager `---More---`,
//! should it come anyway, is answered with a space, and the erase sequence
//! it prints after (ten backspaces, ten spaces, ten backspaces) is removed.
//! Logout is `exit`, twice when `enable` was sent (once to leave it).
//!
//! Commands, in Oxidized's order:
//! - `show running-config` (essential): a switch that refuses it fails the
//!   backup as `command_rejected`. It loses its `Building running
//!   configuration...` line and then its first line (the `!<stackingDB>`
//!   line, which Oxidized drops too). As in Oxidized, only that capitalised
//!   wording is removed: a switch that prints `building running-config,
//!   please wait...` (as a published notes file shows for an ES3526XA and
//!   an ES3510) loses that line as its first and keeps `!<stackingDB>`.
//!   The configurations in those hand-pasted notes end with `end` and `!`,
//!   but no recorded session confirms the sequence, so a cut is not
//!   checked (Oxidized checks none either).
//! - `show system` (optional): without the `Up Time` line, temperatures as
//!   `<temperature values hidden>`, a line of three fan speeds as `<fan
//!   speeds hidden>`; stored as `! ` comments.
//! - `show version` (optional): without an `uptime is` line; comments.
//! - `show watchdog` (optional): comments.
//! - `show interfaces transceiver` (optional): the DDM readings
//!   (temperature, Vcc, bias current, TX and RX power) as `<hidden>`, the
//!   `!` that flags a threshold crossed as a space; comments.
//!
//! Every command's output loses its echo and its prompt (Oxidized's
//! `cut_both`), after the lines of a refusal (`% Invalid input detected at
//! '^' marker.` and the caret line above it) are blanked. The backup is
//! byte for byte what Oxidized stores, but for one case: Oxidized keeps a
//! refused informational command as blank comment lines (`! ` twice); the
//! driver leaves it out (see GUIDE, optional commands), and the log names
//! it. Many ES models refuse `show watchdog` and `show interfaces
//! transceiver`.
//!
//! `redact` hides, keeping each keyword: user and `enable` password hashes
//! (`password 7 ...`, `password level 15 7 ...`; Oxidized replaces the rest
//! of the line from `password` with `<secret removed>` and misses the
//! `level` form, the driver keeps the keyword and the encryption type),
//! SNMP communities (as Oxidized, `community <hidden>`); beyond Oxidized,
//! in the syntax of Edgecore's CLI reference guides (no published
//! configuration line shows them): RADIUS and TACACS+ keys, SNMPv3 user
//! keys, the trap host's community (`snmp-server host ADDR COMMUNITY`,
//! left alone where a keyword stands in its place), NTP keys, OSPF keys
//! (interface and virtual link), RIP keys (`key-string`, `ip rip
//! authentication string`), VRRP and BGP neighbour keys.
//! `significant` keeps everything: the volatile readings are masked.
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login, as Oxidized does (the
//!   host types the enable secret if the switch asks for one; Oxidized
//!   sends none), and `exit` twice at logout.

use netraven_driver_sdk::prelude::*;

pub struct Edgecos;

/// The hostname, then `#` or `>`: Oxidized's default prompt.
const PROMPT: &str = r"^([\w.@-]+[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

/// The ES3526XA-V2's pager.
const PAGER: &str = r"^---More---.*$";

/// Setup commands whose output nobody reads.
const SETUP: [&str; 2] = ["terminal length 0", "terminal width 300"];

const SHOW_CONFIG: &str = "show running-config";

const COMMENT: &str = "! ";

impl Driver for Edgecos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "edgecos",
            env!("CARGO_PKG_VERSION"),
            &["edgecos", "supermicro"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        for setup in SETUP {
            session.command(setup)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.on_pattern(PAGER, " ")?;
        let raw = session.essential(SHOW_CONFIG)?;
        let running = text::replace_all(
            &oxidized_cut(&raw),
            &[(r"(?m)^Building running configuration.*\n", "")],
        );
        let mut config = text::drop_first_lines(&running, 1).to_string();

        let informational: [(&str, Cleaner); 4] = [
            ("show system", clean_system),
            ("show version", clean_version),
            ("show watchdog", str::to_string),
            ("show interfaces transceiver", clean_transceiver),
        ];
        for (command, clean) in informational {
            if let Some(raw) = session.optional(command)? {
                config.push_str(&text::comment(&clean(&oxidized_cut(&raw)), COMMENT));
            }
        }
        Ok(Backup::config(config))
    }

    fn logout(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        // The second `exit` leaves the session `enable` was typed in; a
        // switch that hung up after the first has nobody to log out.
        if device.flag("enable")
            && let Err(e) = session.send("exit\n")
        {
            session.log(Level::Debug, &format!("second exit not sent: {e}"));
        }
        Ok(())
    }

    fn redact(config: &str) -> String {
        hide_trap_community(&text::replace_in_lines(config, SECRET_RULES))
    }
}

/// How an informational command's output is cleaned before it is commented.
type Cleaner = fn(&str) -> String;

/// A command's whole output as Oxidized's model cuts it: unix line
/// endings, a refusal's lines and the pager's erase sequence blanked, then
/// without the echo and the prompt.
fn oxidized_cut(raw: &str) -> String {
    let blanked = text::replace_all(
        &text::unix_newlines(raw),
        &[
            (
                r"(?m)^(% Invalid input detected at '\^' marker\.|\s+\^)$",
                "",
            ),
            (r"(?m)^\x08{10}\s{10}\x08{10}", ""),
        ],
    );
    text::cut_echo_and_prompt(&blanked)
}

fn clean_system(out: &str) -> String {
    text::replace_all(
        out,
        &[
            (r"(?mi)^.*\sUp Time\s*:.*\n", ""),
            (
                r"(\sTemperature \d*:)\s*\d+ degrees",
                "$1 <temperature values hidden>",
            ),
            (
                r"(?m)^!?\s*Fan \d+ speed:\s+\d+ rpm\s+Fan \d+ speed:\s+\d+ rpm\s+Fan \d+ speed:\s+\d+ rpm$",
                "<fan speeds hidden>",
            ),
        ],
    )
}

fn clean_version(out: &str) -> String {
    text::replace_all(out, &[(r"(?mi)^.*\suptime is.*\n", "")])
}

fn clean_transceiver(out: &str) -> String {
    text::replace_all(
        out,
        &[
            (r"(\d\d)!", "$1 "),
            (r"(?m)^(\s*Temperature\s*:).*", "$1 <hidden>"),
            (r"(?m)^(\s*Vcc\s*:).*", "$1 <hidden>"),
            (r"(?m)^(\s*Bias Current\s*:).*", "$1 <hidden>"),
            (r"(?m)^(\s*TX Power\s*:).*", "$1 <hidden>"),
            (r"(?m)^(\s*RX Power\s*:).*", "$1 <hidden>"),
        ],
    )
}

/// Secret removal, line by line: `(needle, regex, replacement)`.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `username admin password 7 21232f...`, `enable password level 15 7 ...`
    // (real lines of ES3526XA and ES3528M configurations, RESEARCH.md).
    (
        "password ",
        r"(password(?: level \d+)? \d+) \S+",
        "$1 <secret hidden>",
    ),
    // `snmp-server community public ro` (real), and a community anywhere
    // after the word, as Oxidized hides it.
    ("community ", r"(community) \S+", "$1 <hidden>"),
    // Beyond Oxidized, in the syntax of Edgecore's CLI reference guides:
    // `radius-server key K`, `radius-server 1 host 192.0.2.7 key K`,
    // `tacacs-server key 7 K`.
    (
        "-server ",
        r"^((?:radius|tacacs)-server .*\bkey(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    // `snmp-server user u1 g1 v3 auth md5 KEY priv des56 KEY`.
    (
        "snmp-server user",
        r"(\bauth (?:md5|sha)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server user",
        r"(\bpriv (?:des56|3des|aes\d*)) \S+",
        "$1 <secret hidden>",
    ),
    // Defensive (no published Edgecore line shows them): NTP and routing
    // protocol keys, `ntp authentication-key 1 md5 K`, `ip ospf
    // authentication-key K`, `ip ospf message-digest-key 1 md5 K`,
    // `key-string K`. Each keyword is followed by nothing but the key.
    (
        "ntp authentication-key",
        r"^(ntp authentication-key \d+ md5) \S+",
        "$1 <secret hidden>",
    ),
    (
        "ip ospf authentication-key",
        r"^(\s*ip ospf authentication-key(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "message-digest-key",
        r"(\bmessage-digest-key \d+ md5(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "key-string",
        r"^(\s*key-string(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    // Also defensive, in the syntax of Edgecore's CLI reference guides:
    // an OSPF virtual link's key (`area 1 virtual-link 192.0.2.9
    // authentication-key K`), RIP's (`ip rip authentication string K`),
    // VRRP's (`vrrp 1 authentication K`) and a BGP neighbour's (`neighbor
    // 192.0.2.3 password K`; the `password 7 K` form is the first rule's).
    (
        "virtual-link ",
        r"(\bvirtual-link \S+\b.*\bauthentication-key(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "ip rip authentication string",
        r"^(\s*ip rip authentication string) \S+",
        "$1 <secret hidden>",
    ),
    (
        "vrrp ",
        r"^(\s*vrrp \d+ authentication) \S+",
        "$1 <secret hidden>",
    ),
    (
        "neighbor ",
        r"^(\s*neighbor \S+ password) \S+$",
        "$1 <secret hidden>",
    ),
];

/// `snmp-server host ADDR [inform [retry N] [timeout N]] COMMUNITY ...`: the
/// trap community, in the syntax of Edgecore's CLI reference guides (no
/// published configuration line shows it), hidden unless the word in its
/// place is one of the command's keywords.
fn hide_trap_community(config: &str) -> String {
    static HOST: std::sync::LazyLock<text::Regex> = std::sync::LazyLock::new(|| {
        text::re(r"^(snmp-server host \S+(?: inform(?: (?:retry|timeout) \d+)*)?) (\S+)(.*)$")
    });
    const KEYWORDS: [&str; 8] = [
        "version",
        "community",
        "udp-port",
        "inform",
        "informs",
        "traps",
        "retry",
        "timeout",
    ];
    let mut out = String::with_capacity(config.len());
    for line in text::lines(config) {
        let body = line.trim_end_matches(['\r', '\n']);
        if !body.starts_with("snmp-server host ") {
            out.push_str(line);
            continue;
        }
        let hidden = HOST.captures(body).and_then(|c| {
            let word = c.get(2)?.as_str();
            (!KEYWORDS.contains(&word) && word != "<hidden>").then(|| {
                format!(
                    "{} <hidden>{}{}",
                    c.get(1).map_or("", |m| m.as_str()),
                    c.get(3).map_or("", |m| m.as_str()),
                    &line[body.len()..]
                )
            })
        });
        out.push_str(hidden.as_deref().unwrap_or(line));
    }
    out
}

netraven_driver_sdk::export_driver!(Edgecos);

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
        netraven_driver_sdk::harness::assert_corpus::<Edgecos>(CORPUS);
    }

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Edgecos>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Edgecos>(CONFORMANCE);
    }

    /// A session with the replies (after the echo) of the five commands.
    fn recording(config: &str, system: &str, version: &str, watchdog: &str, xcvr: &str) -> String {
        let p = "Console#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\r\\n{p}'\n\
             \x20 - \"terminal width 300\\n\": 'terminal width 300\\r\\n{p}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\r\\n{config}{p}'\n\
             \x20 - \"show system\\n\": 'show system\\r\\n{system}{p}'\n\
             \x20 - \"show version\\n\": 'show version\\r\\n{version}{p}'\n\
             \x20 - \"show watchdog\\n\": 'show watchdog\\r\\n{watchdog}{p}'\n\
             \x20 - \"show interfaces transceiver\\n\": 'show interfaces transceiver\\r\\n{xcvr}{p}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    /// A minimal configuration written for the test, in the shape of the
    /// ES3526XA, ES3528M and ES3510 configurations of the published notes
    /// file RESEARCH.md names (`edgecos`; no published session): its
    /// `username admin` and `snmp-server community` lines are real lines of
    /// those; the `stackingMac` is made from the ES3510's MAC in the noc
    /// file below. The capitalised `Building running configuration` line is
    /// the wording Oxidized's model removes.
    const CONFIG: &str = "Building running configuration. Please wait...\\r\\n!<stackingDB>00</stackingDB>\\r\\n!<stackingMac>01_00-12-cf-df-a4-10_00</stackingMac>\\r\\n!\\r\\nsnmp-server community public ro\\r\\n!\\r\\nusername admin access-level 15\\r\\nusername admin password 7 21232f297a57a5a743894a0e4a801fc3\\r\\n!\\r\\ninterface vlan 1\\r\\n ip address dhcp\\r\\n!\\r\\nline console\\r\\n!\\r\\nline vty\\r\\n!\\r\\nend\\r\\n!\\r\\n";
    /// `show system` of a real ES3510 (1.1.0.38): nocproject/noc
    /// `sa/profiles/EdgeCore/ES/tests/EdgeCore_ES3510_1_1_0_38_get_version_0001.py`.
    const SYSTEM: &str = " System Description: Layer2+ Fast Ethernet Standalone Switch ES3510\\r\\n System OID String: 1.3.6.1.4.1.259.8.1.5\\r\\n System Information\\r\\n System Up Time:          9 days, 22 hours, 17 minutes, and 56.0 seconds\\r\\n System Name:             10.202.128.2\\r\\n System Location:         [NONE]\\r\\n System Contact:          [NONE]\\r\\n MAC Address (Unit1):     00-12-CF-DF-A4-10\\r\\n Web Server:              Enabled\\r\\n Web Server Port:         80\\r\\n Web Secure Server:       Enabled\\r\\n Web Secure Server Port:  443\\r\\n Telnet Server:           Enable\\r\\n Telnet Server Port:      23\\r\\n Authentication Login:     Local RADIUS None\\r\\n Authentication Enabled:    Local RADIUS None\\r\\n Jumbo Frame:             Disabled\\r\\n     \\r\\n POST Result:              \\r\\nDUMMY Test 1 ................. PASS\\r\\nUART Loopback Test ........... PASS\\r\\nDRAM Test .................... PASS\\r\\nSwitch Int Loopback Test ..... PASS\\r\\n     \\r\\nDone All Pass.\\r\\n";
    /// `show version` of the same switch, same file.
    const VERSION: &str = " Serial Number:           935000844\\r\\n Service Tag:            \\r\\n Hardware Version:        R01\\r\\n EPLD Version:            0.00\\r\\n Number of Ports:         10\\r\\n Main Power Status:       Up\\r\\n Loader Version:          1.0.0.2\\r\\n Boot ROM Version:        1.0.0.5\\r\\n Operation Code Version:  1.1.0.38\\r\\n";
    /// The ES3510's refusal, as it answers `terminal length 0` in the same
    /// file.
    const INVALID: &str = "      ^\\r\\n% Invalid input detected at ''^'' marker.\\r\\n";
    /// DDM readings, minimal, shaped as Oxidized's model expects them (no
    /// published capture was found).
    const XCVR: &str = " Ethernet 1/9\\r\\n  Temperature                  :  43.46 degree C\\r\\n  Vcc                          :   3.28 V\\r\\n  Bias Current                 :   5.43 mA\\r\\n  TX Power                     :  -5.89 dBm\\r\\n  RX Power                     : -40.00 dBm\\r\\n  High Alarm   75.00!\\r\\n";

    const CONFIG_STORED: &str = "!<stackingMac>01_00-12-cf-df-a4-10_00</stackingMac>\n!\nsnmp-server community public ro\n!\nusername admin access-level 15\nusername admin password 7 21232f297a57a5a743894a0e4a801fc3\n!\ninterface vlan 1\n ip address dhcp\n!\nline console\n!\nline vty\n!\nend\n!\n";
    const SYSTEM_STORED: &str = "!  System Description: Layer2+ Fast Ethernet Standalone Switch ES3510\n!  System OID String: 1.3.6.1.4.1.259.8.1.5\n!  System Information\n!  System Name:             10.202.128.2\n!  System Location:         [NONE]\n!  System Contact:          [NONE]\n!  MAC Address (Unit1):     00-12-CF-DF-A4-10\n!  Web Server:              Enabled\n!  Web Server Port:         80\n!  Web Secure Server:       Enabled\n!  Web Secure Server Port:  443\n!  Telnet Server:           Enable\n!  Telnet Server Port:      23\n!  Authentication Login:     Local RADIUS None\n!  Authentication Enabled:    Local RADIUS None\n!  Jumbo Frame:             Disabled\n!      \n!  POST Result:              \n! DUMMY Test 1 ................. PASS\n! UART Loopback Test ........... PASS\n! DRAM Test .................... PASS\n! Switch Int Loopback Test ..... PASS\n!      \n! Done All Pass.\n";
    const VERSION_STORED: &str = "!  Serial Number:           935000844\n!  Service Tag:            \n!  Hardware Version:        R01\n!  EPLD Version:            0.00\n!  Number of Ports:         10\n!  Main Power Status:       Up\n!  Loader Version:          1.0.0.2\n!  Boot ROM Version:        1.0.0.5\n!  Operation Code Version:  1.1.0.38\n";
    const XCVR_STORED: &str = "!  Ethernet 1/9\n!   Temperature                  : <hidden>\n!   Vcc                          : <hidden>\n!   Bias Current                 : <hidden>\n!   TX Power                     : <hidden>\n!   RX Power                     : <hidden>\n!   High Alarm   75.00 \n";

    #[test]
    fn the_backup_is_what_oxidized_stores_but_for_the_refused_watchdog() {
        let backup = scripted::backup_without::<Edgecos>(
            &recording(CONFIG, SYSTEM, VERSION, INVALID, XCVR),
            &Device::default(),
            &["show watchdog"],
        );
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle edgecos), but for the two blank
        // comment lines (`! \n! \n`) it keeps of the refused `show
        // watchdog`, between the version and the transceivers.
        let oxidized =
            format!("{CONFIG_STORED}{SYSTEM_STORED}{VERSION_STORED}! \n! \n{XCVR_STORED}");
        assert_eq!(
            backup.config,
            oxidized.replace(&format!("{VERSION_STORED}! \n! \n"), VERSION_STORED)
        );
        assert_ne!(backup.config, oxidized);
    }

    #[test]
    fn every_command_answered_is_stored_in_oxidized_order() {
        // Minimal, written for the test (no published `show watchdog`).
        let watchdog = " Software Watchdog Information\\r\\n  Status              : Enabled\\r\\n";
        let backup = scripted::backup::<Edgecos>(
            &recording(CONFIG, SYSTEM, VERSION, watchdog, XCVR),
            &Device::default(),
        )
        .expect("replayed whole");
        assert_eq!(
            backup.config,
            format!(
                "{CONFIG_STORED}{SYSTEM_STORED}{VERSION_STORED}!  Software Watchdog Information\n!   Status              : Enabled\n{XCVR_STORED}"
            )
        );
    }

    #[test]
    fn a_switch_that_refuses_every_informational_command_keeps_its_configuration() {
        let backup = scripted::backup_without::<Edgecos>(
            &recording(CONFIG, INVALID, INVALID, INVALID, INVALID),
            &Device::default(),
            &[
                "show system",
                "show version",
                "show watchdog",
                "show interfaces transceiver",
            ],
        );
        assert_eq!(backup.config, CONFIG_STORED);
    }

    #[test]
    fn a_refused_configuration_fails() {
        scripted::backup_fails_with::<Edgecos>(
            &recording(INVALID, SYSTEM, VERSION, INVALID, XCVR),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn enable_is_sent_when_asked_to_and_left_at_logout() {
        let p = "Console#";
        let yaml = format!(
            "init_prompt: 'Console>'\ncommands:\n\
             \x20 - \"enable\\n\": 'enable\\r\\nPassword: '\n\
             \x20 - \"<enable>\\n\": '\\r\\n{p}'\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\r\\n{p}'\n\
             \x20 - \"terminal width 300\\n\": 'terminal width 300\\r\\n{p}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\r\\n{CONFIG}{p}'\n\
             \x20 - \"show system\\n\": 'show system\\r\\n{INVALID}{p}'\n\
             \x20 - \"show version\\n\": 'show version\\r\\n{INVALID}{p}'\n\
             \x20 - \"show watchdog\\n\": 'show watchdog\\r\\n{INVALID}{p}'\n\
             \x20 - \"show interfaces transceiver\\n\": 'show interfaces transceiver\\r\\n{INVALID}{p}'\n\
             \x20 - \"exit\\n\": 'exit\\r\\nConsole>'\n\
             \x20 - \"exit\\n\": ''\n"
        );
        let device = Device::with_vars(&[("enable", "true")]);
        let backup = scripted::backup::<Edgecos>(&yaml, &device).expect("replayed whole");
        assert_eq!(backup.config, CONFIG_STORED);
        // Without the var, the switch's `enable` step is never reached.
        assert!(scripted::backup::<Edgecos>(&yaml, &Device::default()).is_err());
    }

    #[test]
    fn the_pager_and_its_erase_sequence_go() {
        let yaml = "init_prompt: 'Console#'\ncommands:\n\
                    \x20 - \"show version\\n\": 'show version\\r\\n Serial Number: 1\\r\\n---More---'\n\
                    \x20 - \" \": '\\b\\b\\b\\b\\b\\b\\b\\b\\b\\b          \\b\\b\\b\\b\\b\\b\\b\\b\\b\\b Hardware Version: R01\\r\\nConsole#'\n";
        let mut session = scripted::session::<Edgecos>(yaml);
        session.read_until(PROMPT, None).unwrap();
        session.on_pattern(PAGER, " ").unwrap();
        let raw = session.command("show version").unwrap();
        assert_eq!(
            oxidized_cut(&raw),
            " Serial Number: 1\n Hardware Version: R01\n"
        );
        assert_eq!(session.finish(), Ok(()));
    }

    /// The ES3526XA-V2's pager twice in the configuration, with the erase
    /// sequence Oxidized's model removes, plus the `show system` lines its
    /// regexes mask. Minimal text, written for the test and shaped as
    /// Oxidized's model expects it (no published capture of the pager, the
    /// temperature or the fan line exists); the refusal is the ES3510's.
    const PAGED: &str = r#"
init_prompt: 'Console#'
commands:
  - "terminal length 0\n": 'terminal length 0\r\n      ^\r\n% Invalid input detected at ''^'' marker.\r\nConsole#'
  - "terminal width 300\n": 'terminal width 300\r\nConsole#'
  - "show running-config\n": 'show running-config\r\nBuilding running configuration. Please wait...\r\n!<stackingDB>00</stackingDB>\r\n!\r\nsnmp-server community public ro\r\n!\r\n---More---'
  - " ": '\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\bvlan database\r\n vlan 1 name DefaultVlan media ethernet state active\r\n!\r\n---More---'
  - " ": '\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\bline vty\r\n!\r\nend\r\n!\r\n\r\nConsole#'
  - "show system\n": 'show system\r\n System Up Time:          9 days\r\n Main Board Temperature 1: 38 degrees\r\n Fan 1 speed:  5000 rpm  Fan 2 speed:  5100 rpm  Fan 3 speed:  4900 rpm\r\n Jumbo Frame:             Disabled \r\nConsole#'
  - "show version\n": 'show version\r\n Serial Number:           935000844\r\nConsole#'
  - "show watchdog\n": 'show watchdog\r\n\r\nConsole#'
  - "show interfaces transceiver\n": 'show interfaces transceiver\r\nConsole#'
  - "exit\n": ''
"#;

    #[test]
    fn a_paged_configuration_is_what_oxidized_stores() {
        let backup =
            scripted::backup::<Edgecos>(PAGED, &Device::default()).expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle edgecos): the empty transceiver
        // reply stores nothing, the blank watchdog reply one `! ` line.
        assert_eq!(
            backup.config,
            "!\nsnmp-server community public ro\n!\nvlan database\n vlan 1 name DefaultVlan media ethernet state active\n!\nline vty\n!\nend\n!\n\n!  Main Board Temperature 1: <temperature values hidden>\n! <fan speeds hidden>\n!  Jumbo Frame:             Disabled \n!  Serial Number:           935000844\n! \n"
        );
    }

    #[test]
    fn volatile_readings_are_masked() {
        let system = " System Up Time: 9 days\n Main Board Temperature 1: 38 degrees\n Fan 1 speed:  5000 rpm  Fan 2 speed:  5100 rpm  Fan 3 speed:  4900 rpm\n";
        assert_eq!(
            clean_system(system),
            " Main Board Temperature 1: <temperature values hidden>\n<fan speeds hidden>\n"
        );
        assert_eq!(
            clean_version("Serial: 1\nES3510 uptime is 3 days\nX\n"),
            "Serial: 1\nX\n"
        );
    }

    #[test]
    fn both_oxidized_model_names_are_served() {
        assert_eq!(Edgecos::info().models, vec!["edgecos", "supermicro"]);
    }

    #[test]
    fn prompt_takes_hostnames_and_refuses_other_lines() {
        let prompt = text::line_re(PROMPT);
        // `Vladimirskaja-36-2-0#` is real (the notes file, see the prompt
        // case's source.md); `Console#`/`Console>` are Edgecore's default
        // prompts as its CLI guides print them; `SW2# ` is written for the
        // test (a trailing space).
        for p in ["Console#", "Console>", "Vladimirskaja-36-2-0#", "SW2# "] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "Console(config)#",
            "Console(config-if)#",
            "!<stackingDB>00</stackingDB>",
            " System Name:             10.202.128.2",
            "---More---",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_passwords_communities_and_keys() {
        let cfg = "username admin password 7 21232f297a57a5a743894a0e4a801fc3\n\
                   enable password level 15 7 CANARYENABLE\n\
                   snmp-server community CANARYCOMM ro\n\
                   snmp-server host 192.0.2.1 version 2c community CANARYHOST\n\
                   radius-server key CANARYRAD\n\
                   radius-server 1 host 192.0.2.7 port 1812 key CANARYRADHOST\n\
                   tacacs-server key 7 CANARYTAC\n\
                   snmp-server user u1 g1 remote 1 v3 auth md5 CANARYAUTH priv des56 CANARYPRIV\n\
                   username admin access-level 15\n\
                   snmp-server host 192.0.2.10 CANARYTRAP version 2c udp-port 162\n\
                   snmp-server host 192.0.2.11 inform retry 3 timeout 15 CANARYINFORM version 2c\n\
                   ntp authentication-key 1 md5 CANARYNTP\n\
                   \x20ip ospf authentication-key CANARYOSPF\n\
                   \x20ip ospf message-digest-key 1 md5 CANARYMD5\n\
                   \x20key-string CANARYRIP\n\
                   \x20area 0.0.0.1 virtual-link 192.0.2.9 authentication-key CANARYVL\n\
                   \x20ip rip authentication string CANARYRIPSTR\n\
                   \x20vrrp 1 authentication CANARYVRRP\n\
                   \x20neighbor 192.0.2.3 password CANARYBGP\n\
                   \x20neighbor 192.0.2.4 password 7 CANARYBGP7\n\
                   snmp-server host 192.0.2.12 version 2c udp-port 162\n\
                   snmp-server location rack-7\n";
        let out = Edgecos::redact(cfg);
        for secret in ["21232f297a57a5a743894a0e4a801fc3", "CANARY"] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "username admin password 7 <secret hidden>\n",
            "enable password level 15 7 <secret hidden>\n",
            "snmp-server community <hidden> ro\n",
            "version 2c community <hidden>\n",
            "radius-server key <secret hidden>\n",
            "radius-server 1 host 192.0.2.7 port 1812 key <secret hidden>\n",
            "tacacs-server key 7 <secret hidden>\n",
            "auth md5 <secret hidden> priv des56 <secret hidden>\n",
            "username admin access-level 15\n",
            "snmp-server host 192.0.2.10 <hidden> version 2c udp-port 162\n",
            "snmp-server host 192.0.2.11 inform retry 3 timeout 15 <hidden> version 2c\n",
            "ntp authentication-key 1 md5 <secret hidden>\n",
            " ip ospf authentication-key <secret hidden>\n",
            " ip ospf message-digest-key 1 md5 <secret hidden>\n",
            " key-string <secret hidden>\n",
            " area 0.0.0.1 virtual-link 192.0.2.9 authentication-key <secret hidden>\n",
            " ip rip authentication string <secret hidden>\n",
            " vrrp 1 authentication <secret hidden>\n",
            " neighbor 192.0.2.3 password <secret hidden>\n",
            " neighbor 192.0.2.4 password 7 <secret hidden>\n",
            // Keywords in the community's place, and ordinary lines, stay.
            "snmp-server host 192.0.2.12 version 2c udp-port 162\n",
            "snmp-server location rack-7\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
