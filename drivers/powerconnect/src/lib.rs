//! Dell PowerConnect switches (3300, 3400, 5400, 6200, M-series and the
//! like; Oxidized model `powerconnect`, which also serves Allied Telesis
//! AT-8000S and TP-Link TL-SL3428 with the same CLI).
//!
//! No published session of the configuration command exists yet (see
//! `tests/corpus/netraven/RESEARCH.md`, section `powerconnect`), so the
//! driver is checked by unit tests against Oxidized's own model code (the
//! oracle, `../shared/oxidized/oracle powerconnect`) and by the prompt case
//! `tests/corpus/netraven/powerconnect#generic#prompt.yaml`.
//!
//! Session: the prompt is the hostname (spaces allowed, Dell does not
//! forbid them), an optional parenthesised word, then `#` or `>`
//! (`console#`, `PW8024F#`, `console>`); as in Oxidized, a mode in
//! parentheses is taken too, since the driver never enters one. Oxidized's
//! hostname class is `[\w\s.@-]`, whose `\s` also takes line ends, so its
//! prompt may span lines; ours takes spaces and tabs only, so a prompt is
//! one line (the same prompts match). After
//! login the driver sends `terminal datadump` and `terminal length 0`, so
//! no pager should come; a `--More-- or (q)uit` line that does come anyway
//! (the wording of a published PowerConnect 8024F session) is answered with
//! a space and removed with the blank lines before it. Oxidized answers a
//! bare `--More-- ` too; the driver wants a word after it, as PowerConnect
//! prints it, so that a stray `--More-- ` in a configuration is not taken
//! for a pager (the chaos replay checks that such a line is left alone).
//! Logout is `exit`, then `logout`, each ended by a carriage return, as
//! Oxidized sends them: the first leaves privileged EXEC, the second the
//! user EXEC a switch may drop to (a switch that hangs up after the first
//! makes the second fail, which the host only logs).
//!
//! Commands, in Oxidized's order:
//! - `show version` (optional): stored as `! ` comments, without `Up
//!   Time` lines and without its trailing blank lines (Oxidized splits and
//!   rejoins the lines). A `Unit` column marks the switch as stackable.
//! - `show system` (optional): each line trimmed of surrounding blanks;
//!   on a stackable switch, the blocks that start at an `Up Time`,
//!   `Temperature`, `Power Supply`/`Supplies` or `Fans` line are skipped up
//!   to the next blank line (the second one when that line holds a colon);
//!   a temperature left in a table (`1      42 ...`) becomes `XXX`, aligned
//!   on the last dashed ruler; `Up Time` lines go; stored as `! ` comments,
//!   then one bare blank line. The trim is Ruby's `strip` (ASCII blanks and
//!   NUL only). A temperature row before any ruler makes Oxidized's model
//!   raise (a negative padding) and the whole backup fail; the driver keeps
//!   the row unpadded instead.
//! - `show running-config` (essential): a switch that refuses it fails the
//!   backup as `command_rejected`. The configuration has no closing line
//!   of its own (it ends with whatever was configured last), so a cut can
//!   not be detected.
//!
//! Every command's output loses all its carriage returns and its last
//! line, the prompt, as Oxidized's model cuts it; the echo of the command
//! stays (`! show version`, `show running-config` above the
//! configuration), as Oxidized keeps it, with the backspaces of a retyped
//! echo applied (Oxidized would store the `\x08` bytes). As Oxidized does, the first
//! `sflow ... destination owner ... timeout N` line of the configuration
//! (the countdown of a receiver) becomes `! sflow ... timeout <timeout>`,
//! and only the first: the backup is byte for byte what Oxidized stores.
//!
//! `redact` hides, keeping each keyword: `password` values of users and
//! `enable` (the `level N` and `encrypted` words around them stay), the
//! TACACS+ key (both as Oxidized masks them), and beyond Oxidized: RADIUS
//! keys, SNMP communities and the community of SNMP hosts, SNMPv3 user
//! keys (`auth-md5`/`auth-sha`[`-key`] and `priv-des`[`-key`]). `significant` drops the countdown lines of further sflow receivers
//! that Oxidized leaves in (a second receiver's timeout is as volatile as
//! the first's); the other volatile lines (`Up Time`, temperatures) are
//! already gone or masked.
//!
//! Device vars:
//! - `enable`: `"true"` sends `enable` after login; any other non-empty
//!   value but `false`/`no`/`0`/`off` also sends it and answers its
//!   password prompt with the enable secret, as Oxidized does.

use netraven_driver_sdk::prelude::*;

pub struct Powerconnect;

/// The hostname (spaces allowed), an optional `(word)`, then `#` or `>`.
const PROMPT: &str = r"^([\w \t.@-]+(\(\S*\))?[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^\r?[pP]assword:\s?$";

/// The pager, with the blank lines above it, should one come: `--More--`
/// and the words after it (`--More-- or (q)uit`).
const PAGER: &str = r"\n\s*--More--\s+\S.*$";

/// Setup commands whose output nobody reads.
const SETUP: [&str; 2] = ["terminal datadump", "terminal length 0"];

const SHOW_VERSION: &str = "show version";
const SHOW_SYSTEM: &str = "show system";
const SHOW_CONFIG: &str = "show running-config";

const COMMENT: &str = "! ";

impl Driver for Powerconnect {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "powerconnect",
            env!("CARGO_PKG_VERSION"),
            &["powerconnect"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if wants_enable(device) {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        for setup in SETUP {
            session.command(setup)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.on_pattern(PAGER, " ")?;
        let mut config = String::new();
        let mut stackable = false;
        if let Some(raw) = session.optional(SHOW_VERSION)? {
            let version = oxidized_cut(&raw);
            stackable = text::re(r"[Uu]nit\s").is_match(&version);
            config.push_str(&version_comment(&version));
        }
        if let Some(raw) = session.optional(SHOW_SYSTEM)? {
            config.push_str(&clean_system(&oxidized_cut(&raw), stackable));
        }
        let raw = session.essential(SHOW_CONFIG)?;
        config.push_str(&mask_first_sflow_timeout(&oxidized_cut(&raw)));
        Ok(Backup::config(config))
    }

    /// `exit` and `logout` with carriage returns, as Oxidized sends them.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\r")?;
        // A switch that hung up after `exit` has nobody to log out.
        if let Err(e) = session.send("logout\r") {
            session.log(Level::Debug, &format!("logout not sent: {e}"));
        }
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    /// Without the countdowns of the sflow receivers after the first.
    fn significant(config: &str) -> String {
        text::drop_lines(config, &[SFLOW_TIMEOUT])
    }
}

/// An sflow receiver's line with its countdown (`timeout N`).
const SFLOW_TIMEOUT: &str = r"^sflow \S+ destination owner \S+ timeout \d+$";

/// The first receiver countdown of the configuration as a comment, as
/// Oxidized's model masks it (its substitution runs once).
fn mask_first_sflow_timeout(config: &str) -> String {
    let line_re = text::re(SFLOW_TIMEOUT);
    let mut out = String::with_capacity(config.len() + 16);
    let mut done = false;
    for line in text::lines(config) {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if !done
            && body.starts_with("sflow ")
            && line_re.is_match(body)
            && let Some(at) = body.rfind(' ')
        {
            out.push_str("! ");
            out.push_str(&body[..=at]);
            out.push_str("<timeout>");
            out.push_str(&line[body.len()..]);
            done = true;
            continue;
        }
        out.push_str(line);
    }
    out
}

/// Ruby's `strip`: ASCII blanks and NUL, not Unicode spaces.
fn ruby_strip(line: &str) -> &str {
    line.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r' | '\0'))
}

/// Whether to send `enable`: the var is set to anything but a false value.
fn wants_enable(device: &Device) -> bool {
    device.var("enable").is_some_and(|v| {
        let v = v.trim().to_ascii_lowercase();
        !v.is_empty() && !matches!(v.as_str(), "false" | "no" | "0" | "off")
    })
}

/// A command's whole output as Oxidized's model cuts it: without any
/// carriage return and without its last line, the prompt. The echo stays.
/// Backspaces in the echo line are applied.
fn oxidized_cut(raw: &str) -> String {
    let bare = raw.replace('\r', "");
    let body = text::drop_last_lines(&bare, 1);
    let echo_end = body.find('\n').map_or(body.len(), |i| i + 1);
    let (echo, rest) = body.split_at(echo_end);
    if echo.contains('\x08') {
        text::apply_backspaces(echo) + rest
    } else {
        body.to_string()
    }
}

/// `show version` as comments: without `Up Time` lines and without the
/// trailing blank lines (Oxidized splits on newlines, which drops them).
fn version_comment(version: &str) -> String {
    let trimmed = version.trim_end_matches('\n');
    let kept: Vec<&str> = if trimmed.is_empty() {
        Vec::new()
    } else {
        trimmed
            .split('\n')
            .filter(|l| !text::re(r"Up\sTime").is_match(l))
            .collect()
    };
    text::comment(&(kept.join("\n") + "\n"), COMMENT)
}

/// `show system` as Oxidized's model cleans it (see the crate's doc).
fn clean_system(system: &str, stackable: bool) -> String {
    let block_start = text::re(r"(?i)Up\sTime|Temperature|Power Suppl(ies|y)|Fans");
    let ruler = text::re(r"^(---+ +)(---+ +)");
    let temperature = text::re(r"^(\d{1,2}) {3,}\d+ (.*)$");
    let up_time = text::re(r"Up\sTime");
    let (mut ruler1, mut ruler2, mut skip) = (0usize, 0usize, 0u8);
    let mut out: Vec<String> = Vec::new();
    for line in text::lines(system) {
        if stackable && block_start.is_match(line) {
            skip = if line.contains(':') { 2 } else { 1 };
        }
        if skip > 0 {
            if !line
                .bytes()
                .any(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
            {
                skip -= 1;
            }
            continue;
        }
        let mut line = ruby_strip(line).to_string();
        if let Some(c) = ruler.captures(&line) {
            ruler1 = c.get(1).map_or(0, |m| m.len());
            ruler2 = c.get(2).map_or(0, |m| m.len());
        }
        if let Some(c) = temperature.captures(&line) {
            let unit = c.get(1).map_or("", |m| m.as_str());
            let rest = c.get(2).map_or("", |m| m.as_str());
            line = format!(
                "{unit}{}XXX{}{rest}",
                " ".repeat(ruler1.saturating_sub(unit.len())),
                " ".repeat(ruler2.saturating_sub(3)),
            );
        }
        out.push(line);
    }
    out.retain(|l| !up_time.is_match(l));
    text::comment(&out.join("\n"), COMMENT) + "\n"
}

/// Secret removal, line by line: `(needle, regex, replacement)`.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `username admin password 7baa... level 15 encrypted`,
    // `enable password level 15 c7c5... encrypted`: Oxidized's mask.
    (
        "password ",
        r"^((?:enable |username \S+ )?password (?:level\s\d{1,2} |encrypted ){0,2})\S+(.*)",
        "${1}<hidden>$2",
    ),
    (
        "tacacs-server key",
        r"^(tacacs-server key) \S+",
        "$1 <secret hidden>",
    ),
    // `tacacs-server host 192.0.2.5 key K`, `radius-server host ... key K`.
    (
        "-server host",
        r"^((?:tacacs|radius)-server host \S+(?: .*)? key) \S+",
        "$1 <secret hidden>",
    ),
    (
        "radius-server key",
        r"^(radius-server key) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server community",
        r"^(snmp-server community) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server host",
        r"^(snmp-server host \S+(?: traps| informs)?(?: version \S+)?) \S+",
        "$1 <secret hidden>",
    ),
    // `snmp-server user u1 g1 auth-md5 KEY` / `auth-sha KEY` /
    // `auth-md5-key KEY` (the localized form).
    (
        "snmp-server user",
        r"^(snmp-server user .* auth-(?:md5|sha)(?:-key)?) \S+",
        "$1 <secret hidden>",
    ),
    // `... auth-md5 KEY priv-des KEY2` / `priv-des-key KEY2`: the privacy
    // key after the authentication key.
    (
        "priv-des",
        r"^(snmp-server user .* priv-des(?:-key)?) [^\s<]\S*",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Powerconnect);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Powerconnect>(CORPUS);
    }

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    /// `powerconnect#scripted_7024_stack_crlf` (a stack: CRLF, a banner,
    /// the real `show system` of a PowerConnect 7024, two sflow receivers)
    /// and `powerconnect#scripted_3324_lf_pager` (the ZipTie 3324 replies,
    /// LF, trailing spaces, a `--More--` pager in the configuration): the
    /// backup is what Oxidized's model stores for each.
    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Powerconnect>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Powerconnect>(CONFORMANCE);
    }

    /// A session with `version`, `system` and `config` as what the three
    /// commands print after their echo (in Ruby-escaped single-quoted
    /// YAML, `\r\n` line ends). The prompt `Dellswitch#` is written for
    /// the test from the ZipTie switch's hostname (no capture shows it).
    fn recording(version: &str, system: &str, config: &str) -> String {
        let p = "Dellswitch#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"terminal datadump\\n\": 'terminal datadump\\r\\n{p}'\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\r\\n{p}'\n\
             \x20 - \"show version\\n\": 'show version\\r\\n{version}{p}'\n\
             \x20 - \"show system\\n\": 'show system\\r\\n{system}{p}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\r\\n{config}{p}'\n\
             \x20 - \"exit\\r\": 'exit\\r\\nDellswitch>'\n\
             \x20 - \"logout\\r\": ''\n"
        )
    }

    /// `show version` of a PowerConnect 3324, as kruser/ziptie captured it
    /// (`ziptie.adapters.dell.powerconnect/scripts/tests/DataPowerConnect.pm`,
    /// MPL-1.1), without its echo.
    const VERSION: &str = "\\r\\nSW version    1.2.0.6 ( date  15-Nov-2004 time  14:22:46 )\\r\\nBoot version    1.0.0.13 ( date  11-May-2003 time  14:58:20 )\\r\\nHW version    00.00.01\\r\\n\\r\\n\\r\\n";
    /// `show system` of the same switch, same file.
    const SYSTEM: &str = "\\r\\nSystem Description:                       Ethernet Stackable Switching System\\r\\nSystem Up Time (days,hour:min:sec):       265,03:34:54\\r\\nSystem Contact:                           hoops\\r\\nSystem Name:                              Dellswitch\\r\\nSystem Location:                          Testing12345\\r\\nMAC Address:                              00:0b:db:f4:85:14\\r\\nSys Object ID:                            1.3.6.1.4.1.674.10895.3002\\r\\n\\r\\n\\r\\nType:  3324\\r\\n\\r\\n\\r\\n\\r\\n         Power supply               Source       Status    \\r\\n--------------------------------- ------------ ------------ \\r\\n  Internal PowerSupply unit1          AC           OK      \\r\\n\\r\\n\\r\\n\\r\\n\\r\\n";
    /// The start of that switch's `running-config` in the same file (two
    /// blank lines, then the configuration) and its `enable password`
    /// line; the `sflow` receiver line is written for the test, shaped as
    /// Oxidized's model expects it (no published PowerConnect sflow line
    /// was found), and the CRLF line ends are ours (ZipTie stored LF).
    const CONFIG: &str = "\\r\\n\\r\\ninterface ethernet 1/e1\\r\\ndescription \\\"Management port with autocrossover\\\"\\r\\nexit\\r\\nhostname Dellswitch\\r\\nsflow 1 destination owner 1 timeout 3456\\r\\nenable password level 15 c7c54e3f90b1bc36934a6a68202d1b6d encrypted\\r\\n\\r\\n\\r\\n";
    /// A refusal in the IOS-like wording of `text::REFUSALS` under a caret
    /// line; written for the test (no published PowerConnect refusal was
    /// found).
    const INVALID: &str =
        "                    ^\\r\\n% Invalid input detected at ''^'' marker.\\r\\n\\r\\n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<Powerconnect>(
            &recording(VERSION, SYSTEM, CONFIG),
            &Device::default(),
        )
        .expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle powerconnect).
        assert_eq!(
            backup.config,
            "! show version\n! \n! SW version    1.2.0.6 ( date  15-Nov-2004 time  14:22:46 )\n! Boot version    1.0.0.13 ( date  11-May-2003 time  14:58:20 )\n! HW version    00.00.01\n! show system\n! \n! System Description:                       Ethernet Stackable Switching System\n! System Contact:                           hoops\n! System Name:                              Dellswitch\n! System Location:                          Testing12345\n! MAC Address:                              00:0b:db:f4:85:14\n! Sys Object ID:                            1.3.6.1.4.1.674.10895.3002\n! \n! \n! Type:  3324\n! \n! \n! \n! Power supply               Source       Status\n! --------------------------------- ------------ ------------\n! Internal PowerSupply unit1          AC           OK\n! \n! \n! \n\nshow running-config\n\n\ninterface ethernet 1/e1\ndescription \"Management port with autocrossover\"\nexit\nhostname Dellswitch\n! sflow 1 destination owner 1 timeout <timeout>\nenable password level 15 c7c54e3f90b1bc36934a6a68202d1b6d encrypted\n\n\n"
        );
    }

    /// A stackable switch (`show version` with a `Unit` column): its
    /// power, fan and temperature blocks go from `show system`. The
    /// replies are minimal, shaped as Dell's PowerConnect 62xx CLI
    /// reference shows these tables (no published capture was found).
    #[test]
    fn a_stackable_switch_loses_its_volatile_blocks() {
        let version = "\\r\\nImage Descriptions\\r\\n\\r\\nunit  image1      image2      current-active\\r\\n----  ----------  ----------  --------------\\r\\n1     3.3.9.1     3.3.8.2     image1\\r\\n\\r\\n";
        let system = "\\r\\nSystem Description: Dell Ethernet Switch\\r\\nSystem Up Time: 0 days, 02h:11m:44s\\r\\nSystem Name: sw1\\r\\n\\r\\nTemperature Sensors:\\r\\n\\r\\nUnit     Description       Temperature    Status\\r\\n                           (Celsius)\\r\\n----     -----------       -----------    ------\\r\\n1        System            39             OK\\r\\n\\r\\nPower Supplies:\\r\\n\\r\\nUnit  Description    Status\\r\\n----  -----------    ------\\r\\n1     System         OK\\r\\n\\r\\nFans:\\r\\n\\r\\nUnit Description Status\\r\\n---- ----------- ------\\r\\n1    Fan 1       OK\\r\\n\\r\\nSerial Number: CN0123\\r\\n";
        let backup = scripted::backup::<Powerconnect>(
            &recording(version, system, CONFIG),
            &Device::default(),
        )
        .expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle powerconnect).
        let expected_head = "! show version\n! \n! Image Descriptions\n! \n! unit  image1      image2      current-active\n! ----  ----------  ----------  --------------\n! 1     3.3.9.1     3.3.8.2     image1\n! show system\n! \n! System Description: Dell Ethernet Switch\n! Serial Number: CN0123\nshow running-config\n\n\ninterface";
        assert!(
            backup.config.starts_with(expected_head),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_switch_that_hangs_up_on_exit_is_backed_up_too() {
        let yaml = recording(VERSION, SYSTEM, CONFIG).replace(
            "\"exit\\r\": 'exit\\r\\nDellswitch>'\n  - \"logout\\r\": ''\n",
            "\"exit\\r\": ''\n",
        );
        assert!(!yaml.contains("logout"), "{yaml}");
        let backup =
            scripted::backup::<Powerconnect>(&yaml, &Device::default()).expect("replayed whole");
        assert!(backup.config.ends_with("encrypted\n\n\n"));
    }

    #[test]
    fn a_temperature_in_a_table_is_masked_on_the_ruler() {
        let system = "show system\nUnit  Temp  Status\n----  ----  ------\n1      42 OK\n";
        assert_eq!(
            clean_system(system, false),
            "! show system\n! Unit  Temp  Status\n! ----  ----  ------\n! 1     XXX   OK\n"
        );
    }

    /// Ruby's `strip`, not Rust's `trim`: a no-break space stays, NUL goes;
    /// a line of a no-break space is not blank to Oxidized, so it ends no
    /// skipped block.
    #[test]
    fn show_system_lines_are_trimmed_as_ruby_does() {
        assert_eq!(
            clean_system("show system\n\u{a0}Name: sw1 \n\0Serial: 1\0\n", false),
            "! show system\n! \u{a0}Name: sw1\n! Serial: 1\n"
        );
        assert_eq!(
            clean_system("show system\nFans:\n\u{a0}\nskipped\n\n\nafter\n", true),
            "! show system\n! after\n"
        );
    }

    #[test]
    fn a_switch_that_refuses_version_and_system_is_backed_up_without_them() {
        let backup = scripted::backup_without::<Powerconnect>(
            &recording(INVALID, INVALID, CONFIG),
            &Device::default(),
            &["show version", "show system"],
        );
        assert!(
            backup
                .config
                .starts_with("show running-config\n\n\ninterface"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_configuration_fails() {
        scripted::backup_fails_with::<Powerconnect>(
            &recording(VERSION, SYSTEM, INVALID),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_when_asked_to() {
        let yaml = "init_prompt: 'console>'\ncommands:\n  - \"enable\\n\": 'enable\\r\\nPassword:'\n  - \"<enable>\\n\": '\\r\\nconsole#'\n  - \"terminal datadump\\n\": 'terminal datadump\\r\\nconsole#'\n  - \"terminal length 0\\n\": 'terminal length 0\\r\\nconsole#'\n";
        let session = scripted::login::<Powerconnect>(
            yaml,
            &Device::with_vars(&[("enable", "s3cret-is-typed-by-the-host")]),
        )
        .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
        // Without the var, `enable` is not sent.
        let err = scripted::login::<Powerconnect>(yaml, &Device::default()).err();
        assert!(err.is_some_and(|e| e.contains("enable")));
        let off = Device::with_vars(&[("enable", "false")]);
        assert!(scripted::login::<Powerconnect>(yaml, &off).is_err());
    }

    #[test]
    fn a_pager_is_answered_and_removed() {
        let yaml = "init_prompt: 'console#'\ncommands:\n\
                    \x20 - \"show version\\n\": 'show version\\r\\nline 1\\r\\n\\r\\n--More-- or (q)uit'\n\
                    \x20 - \" \": '\\r\\nline 2\\r\\nconsole#'\n";
        let mut session = scripted::session::<Powerconnect>(yaml);
        session.read_until(PROMPT, None).unwrap();
        session.on_pattern(PAGER, " ").unwrap();
        let out = session.command("show version").unwrap();
        assert_eq!(oxidized_cut(&out), "show version\nline 1\nline 2\n");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_takes_hostnames_and_refuses_other_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            // Real prompts (see powerconnect#generic#source.md).
            "console#",
            "console>",
            // Written for the test: the ZipTie switch's hostname.
            "Dellswitch#",
            "PW8024F#",
            "AS50TestSystem1#",
            // Written for the test: a hostname with a space, a tab, and a
            // trailing space, which Oxidized's class allows.
            "Dell 5448# ",
            "Dell\t5448#",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "System Up Time (days,hour:min:sec):       265,03:34:54",
            "hostname Dellswitch",
            "radius-server key cisco",
            "--More-- or (q)uit",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_passwords_keys_and_communities() {
        let cfg = "enable password level 15 c7c54e3f90b1bc36934a6a68202d1b6d encrypted\n\
                   username brandon password 7baa6d93380e30bd4a30d83c977d505b level 15 encrypted\n\
                   username testlab password 7baa6d93380e30bd4a30d83c977d505c  encrypted\n\
                   radius-server key CANARYRAD\n\
                   radius-server host 192.0.2.7 auth-port 1812 key CANARYRADHOST\n\
                   tacacs-server key CANARYTAC\n\
                   tacacs-server host 192.0.2.5 key CANARYTACHOST\n\
                   snmp-server community CANARYCOMM rw\n\
                   snmp-server host 10.10.1.95 CANARYTRAP\n\
                   snmp-server user u1 g1 auth-md5 CANARYV3\n\
                   snmp-server user u2 g1 auth-sha CANARYV3AUTH priv-des CANARYV3PRIV\n\
                   snmp-server user u3 g1 auth-md5-key CANARYV3AUTHKEY priv-des-key CANARYV3PRIVKEY\n\
                   snmp-server location Testing12345\n";
        let out = Powerconnect::redact(cfg);
        for secret in [
            "c7c54e3f90b1bc36934a6a68202d1b6d",
            "7baa6d93380e30bd4a30d83c977d505b",
            "7baa6d93380e30bd4a30d83c977d505c",
            "CANARY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "enable password level 15 <hidden> encrypted\n",
            "username brandon password <hidden> level 15 encrypted\n",
            "username testlab password <hidden>  encrypted\n",
            "radius-server key <secret hidden>\n",
            "radius-server host 192.0.2.7 auth-port 1812 key <secret hidden>\n",
            "tacacs-server key <secret hidden>\n",
            "tacacs-server host 192.0.2.5 key <secret hidden>\n",
            "snmp-server community <secret hidden> rw\n",
            "snmp-server host 10.10.1.95 <secret hidden>\n",
            "snmp-server user u1 g1 auth-md5 <secret hidden>\n",
            "snmp-server user u2 g1 auth-sha <secret hidden> priv-des <secret hidden>\n",
            "snmp-server user u3 g1 auth-md5-key <secret hidden> priv-des-key <secret hidden>\n",
            "snmp-server location Testing12345\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn only_the_first_sflow_countdown_is_commented_and_significant_drops_the_others() {
        let raw = "show running-config\r\nsflow 1 destination owner 1 timeout 3456\r\nsflow 2 destination owner 2 timeout 77\r\nsw#";
        let mut session = scripted::session::<Powerconnect>(&format!(
            "init_prompt: 'sw#'\ncommands:\n  - \"terminal datadump\\n\": 'terminal datadump\\r\\nsw#'\n  - \"terminal length 0\\n\": 'terminal length 0\\r\\nsw#'\n  - \"show version\\n\": 'show version\\r\\n{INVALID}sw#'\n  - \"show system\\n\": 'show system\\r\\n{INVALID}sw#'\n  - \"show running-config\\n\": '{}'\n",
            raw.replace("\r\n", "\\r\\n")
        ));
        Powerconnect::login(&mut session, &Device::default()).unwrap();
        let backup = Powerconnect::backup(&mut session, &Device::default()).unwrap();
        // What Oxidized's model stores (its substitution runs once).
        assert_eq!(
            backup.config,
            "show running-config\n! sflow 1 destination owner 1 timeout <timeout>\nsflow 2 destination owner 2 timeout 77\n"
        );
        assert_eq!(
            Powerconnect::significant(&backup.config),
            "show running-config\n! sflow 1 destination owner 1 timeout <timeout>\n"
        );
    }
}
