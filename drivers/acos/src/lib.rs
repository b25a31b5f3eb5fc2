//! A10 Networks ACOS: Thunder, vThunder and AX Series application delivery
//! controllers (Oxidized model `acos`).
//!
//! No published session of the configuration command
//! (`show running-config all-partitions`) exists yet (see the `acos`
//! sections of `tests/corpus/netraven/RESEARCH.md`), so the driver is checked
//! against what Oxidized's own model code stores for the same scripted
//! sessions (`../shared/oxidized/oracle acos`): the conformance cases
//! `tests/corpus/conformance/acos#scripted_*` (also replayed with chaos) and
//! the unit tests below; its prompt by the case
//! `tests/corpus/netraven/acos#vThunder_4.1#`. The published ACOS text found
//! (A10's a10-acos-cli fixtures, under A10's proprietary licence; an Ansible
//! training and parser tests with no licence) is used for facts only: short
//! prompt strings and the layout and labels of the outputs. Every reply in
//! the sessions is minimal, written for the test in that layout, and said
//! to be so.
//!
//! Session: the prompt is Oxidized's: the hostname, maybe with the aVCS
//! position (`vThunder-1-vMaster[1/1]`) and a state in parentheses
//! (`vThunder(NOLICENSE)`), then `>` (user EXEC) or `#` (privileged EXEC);
//! configuration-mode prompts match too, as in Oxidized (the driver never
//! enters configuration mode). After login the driver always sends
//! `enable` (as `enable\r\n`, as Oxidized does) and answers ACOS's
//! `Password:` with the enable secret, empty when none is set (ACOS asks
//! even then); when no `Password:` comes it sends an empty line, as
//! Oxidized types its empty `enable` var all the same, and waits for the
//! prompt. Then `terminal length 0` (no pager to answer) and
//! `terminal width 0`. Logout sends `exit`, `exit` and `Y` to ACOS's
//! question whether to quit, in the one write Oxidized makes
//! (`exit\nexit\nY\r\n\n`); the device hangs up.
//!
//! Commands, in Oxidized's order; every output is stored with a
//! `! COMMAND: <command>` line before it and without its echo and prompt:
//! - `show version` (optional), commented with `! ` (so its `COMMAND` line
//!   becomes `! ! COMMAND: ...`), without the values of `Last configuration
//!   saved at`, `Memory`, `Current time is`, `The system has been up` and of
//!   a `Hardware: ... Free storage is` line (`<removed>`). As in Oxidized,
//!   the whitespace before these words may be the line end before them, so
//!   such a word at a line's start joins the line to the one before;
//! - `show bootimage` and `show license` (optional), commented;
//! - `show partition-config all` (optional) and `show running-config
//!   all-partitions` (essential), not commented, without the values of
//!   `Current configuration`, `Configuration last updated at`, `... saved
//!   at` and `... synchronized at` (`<removed>`). A device that refuses the
//!   configuration fails the backup as `command_rejected`; one whose
//!   configuration does not close with `end` (before ACOS 4's closing
//!   `!Current config commit point ...` lines) was cut short and fails too;
//! - `show aflex all-partitions` (optional), commented, then the same
//!   command once more (optional) to read the aFleX scripts that passed the
//!   syntax check (`NAME   Check ...`) under each `partition: NAME` line,
//!   then `show aflex NAME partition PARTITION` (optional) for each. These
//!   scripts come FIRST in the backup, as Oxidized puts them: a
//!   `! partition: NAME` line per partition and, per script,
//!   `aflex create NAME`, the script (what follows `Content:`, trimmed) and
//!   a `.` line, the items joined by line ends exactly as Oxidized joins
//!   them (a blank line after each `.`; a partition without scripts at the
//!   end runs into the `show version` comment).
//!
//! A refusal is the wording of `text::REFUSALS` (`% Invalid input ...`,
//! `% Unrecognized command`...): no published ACOS refusal was found, and
//! A10's own Ansible terminal plugin treats `invalid input` and
//! `incomplete`/`ambiguous command` as its errors.
//!
//! `redact` hides, keeping each keyword and `encrypted`, what Oxidized's
//! `remove_secret` hides (`community read encrypted`, `secret encrypted`,
//! `password encrypted`, as `<hidden>`) and more: plain-text values after
//! those keywords (ACOS 2.x `snmp-server community read public`, RADIUS and
//! TACACS+ `secret`), write communities, SNMPv3 `auth`/`priv` keys,
//! certificate key `passphrase`s, OSPF `authentication-key` and
//! `message-digest-key` values, trap receivers' communities (`snmp-server
//! host ... version v2c NAME`), IKE `preshare-key-value`/`-encrypted`, NTP
//! `auth-key` values and RIP `authentication string`s. `significant` is the default: Oxidized's
//! cleaning already removes every volatile value known of these outputs.
//!
//! Device vars: none. The enable password is the host's enable secret.
//!
//! Where we differ from Oxidized: an optional command the device refuses
//! is left out with its `! COMMAND:` line (Oxidized stores the error); an
//! aFleX listing whose scripts come before any `partition:` line makes
//! Oxidized fail the whole node, where this driver skips those scripts and
//! logs a warning; a refused or cut-short configuration fails the backup
//! (Oxidized stores what it got). Where a refused aFleX script or a
//! refused `show version` was left out, a scripts section ending in a
//! partition line gets a line end, so that line is not glued to another
//! command's comment (Oxidized glues it only to the `show version` one).

use std::sync::LazyLock;

use netraven_driver_sdk::prelude::*;

pub struct Acos;

/// Oxidized's prompt: a word of letters, digits and `-._/:?[]()` (the
/// hostname, the aVCS position `vThunder-1-vMaster[1/1]`, states such as
/// `(NOLICENSE)`), then `>` or `#` and maybe a space. It takes
/// configuration-mode prompts too, as Oxidized's does; the driver never
/// enters configuration mode.
const PROMPT: &str = r"^([-\w./:?\[\]()]+[#>]\s?)$";

/// What `enable` asks before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

const COMMENT: &str = "! ";

const SHOW_VERSION: &str = "show version";
/// Optional commands after `show version`, stored as comments.
const COMMENTED: [&str; 2] = ["show bootimage", "show license"];
const PARTITION_CONFIG: &str = "show partition-config all";
const SHOW_CONFIG: &str = "show running-config all-partitions";
const AFLEX_LIST: &str = "show aflex all-partitions";

/// The line ACOS 4 prints after `end` (one per partition).
const COMMIT_POINT: &str = "!Current config commit point";

/// Oxidized's `show version` cleaning, in its order; `\s` may be a line end.
const VERSION_RULES: &[(&str, &str, &str)] = &[
    (
        "Last configuration saved at",
        r"\s(Last configuration saved at).*",
        " ${1} <removed>",
    ),
    ("Memory", r"\s(Memory).*", " ${1} <removed>"),
    (
        "Current time is",
        r"\s(Current time is).*",
        " ${1} <removed>",
    ),
    (
        "The system has been up",
        r"\s(The system has been up).*",
        " ${1} <removed>",
    ),
    (
        "Free storage is",
        r"\s(Hardware: \d+ CPUs\(Stepping \d+\). Single \d+G drive. Free storage is).*",
        " ${1} <removed>",
    ),
];

/// Oxidized's cleaning of both configurations, in its order.
const STAMP_RULES: &[(&str, &str, &str)] = &[
    (
        "Current configuration",
        r"(Current configuration).*",
        "${1} <removed>",
    ),
    (
        "Configuration last updated at",
        r"(Configuration last updated at).*",
        "${1} <removed>",
    ),
    (
        "Configuration last saved at",
        r"(Configuration last saved at).*",
        "${1} <removed>",
    ),
    (
        "Configuration last synchronized at",
        r"(Configuration last synchronized at).*",
        "${1} <removed>",
    ),
];

/// A `partition: NAME` line of the aFleX listing (anywhere in the line).
static PARTITION_LINE: LazyLock<text::Regex> = LazyLock::new(|| text::re(r"partition: (.+)"));
/// A script that passed the syntax check: `NAME   Check ...`.
static CHECKED_SCRIPT: LazyLock<text::Regex> = LazyLock::new(|| text::re(r"^([\w-]+) +Check"));

impl Driver for Acos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "acos",
            env!("CARGO_PKG_VERSION"),
            &["acos"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        // Oxidized sends `enable\r\n`, then its `enable` var (empty when
        // unset) as a line, whether or not ACOS asked for it, and waits for
        // the prompt. Here the answer is the enable secret when `Password:`
        // came, else an empty line.
        session.send("enable\r\n")?;
        let either = format!("(?:{ENABLE_PASSWORD})|(?:{PROMPT})");
        let reply = session.read_until(&either, None)?;
        if text::line_re(&format!("(?:{ENABLE_PASSWORD})\\z")).is_match(&reply) {
            session.send_secret(Secret::Enable)?;
        } else {
            session.send("\n")?;
        }
        session.read_until(PROMPT, None)?;
        session.command("terminal length 0")?;
        session.command("terminal width 0")?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut stored = String::new();
        let version = session.optional(SHOW_VERSION)?;
        if let Some(raw) = &version {
            let version = text::replace_all_gated(&headed(SHOW_VERSION, raw), VERSION_RULES);
            stored.push_str(&text::comment(&version, COMMENT));
        }
        for command in COMMENTED {
            if let Some(raw) = session.optional(command)? {
                stored.push_str(&text::comment(&headed(command, &raw), COMMENT));
            }
        }
        if let Some(raw) = session.optional(PARTITION_CONFIG)? {
            stored.push_str(&without_stamps(&headed(PARTITION_CONFIG, &raw)));
        }

        let raw = session.essential(SHOW_CONFIG)?;
        complete_config(&text::command_output(&raw))?;
        stored.push_str(&without_stamps(&headed(SHOW_CONFIG, &raw)));

        if let Some(raw) = session.optional(AFLEX_LIST)? {
            stored.push_str(&text::comment(&headed(AFLEX_LIST, &raw), COMMENT));
        }
        // Oxidized asks for the listing a second time, to read the scripts'
        // names from it; that second output is not stored.
        let partitions = match session.optional(AFLEX_LIST)? {
            Some(raw) => {
                let (partitions, orphans) = aflex_scripts(&text::command_output(&raw));
                if orphans > 0 {
                    session.log(
                        Level::Warn,
                        &format!(
                            "{orphans} aFleX script(s) listed before any \"partition:\" line left out"
                        ),
                    );
                }
                partitions
            }
            None => Vec::new(),
        };
        let (mut scripts, left_out) = aflex_section(session, &partitions)?;
        // Oxidized's scripts section may end without a line end (a last
        // partition without scripts), running into the `show version`
        // comment. Once a command of that join was left out (a refused
        // script, a refused `show version`), the text is ours, not
        // Oxidized's: a line end then keeps each header on its own line
        // instead of gluing it to a line Oxidized never glued it to.
        if (left_out || version.is_none()) && !scripts.is_empty() && !scripts.ends_with('\n') {
            scripts.push('\n');
        }
        Ok(Backup::config(scripts + &stored))
    }

    /// `exit` leaves privileged mode, the second `exit` asks whether to
    /// quit, `Y` says yes; the device hangs up, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\nexit\nY\r\n\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// A command's output as Oxidized's model keeps every output: a
/// `! COMMAND: <command>` line, then the output without echo and prompt.
fn headed(command: &str, raw: &str) -> String {
    format!("{COMMENT}COMMAND: {command}\n{}", text::command_output(raw))
}

fn without_stamps(config: &str) -> String {
    text::replace_all_gated(config, STAMP_RULES)
}

/// The configuration closes with `end`, before ACOS 4's commit-point lines.
fn complete_config(output: &str) -> Result<(), SessionError> {
    let last = output
        .lines()
        .map(str::trim_end)
        .rfind(|l| !l.is_empty() && !l.starts_with(COMMIT_POINT))
        .unwrap_or("");
    complete(SHOW_CONFIG, last, "end")
}

/// The scripts that passed the syntax check, per partition, in the order
/// listed, read as Oxidized reads them: a partition listed twice starts
/// empty again but keeps its place, and scripts go to the partition listed
/// last for the first time. Also how many scripts came before any
/// partition line (Oxidized fails on them).
fn aflex_scripts(listing: &str) -> (Vec<(String, Vec<String>)>, usize) {
    let mut partitions: Vec<(String, Vec<String>)> = Vec::new();
    let mut orphans = 0;
    for line in text::lines(listing) {
        let line = line.strip_suffix('\n').unwrap_or(line);
        if let Some(c) = PARTITION_LINE.captures(line) {
            let name = c[1].to_string();
            match partitions.iter_mut().find(|(p, _)| *p == name) {
                Some((_, scripts)) => scripts.clear(),
                None => partitions.push((name, Vec::new())),
            }
        }
        if let Some(c) = CHECKED_SCRIPT.captures(line) {
            match partitions.last_mut() {
                Some((_, scripts)) => scripts.push(c[1].to_string()),
                None => orphans += 1,
            }
        }
    }
    (partitions, orphans)
}

/// Each partition's scripts, fetched one by one, as Oxidized lays them out:
/// the items joined with `\n`.
fn aflex_section(
    session: &mut dyn Session,
    partitions: &[(String, Vec<String>)],
) -> Result<(String, bool), DriverError> {
    let mut items: Vec<String> = Vec::new();
    let mut left_out = false;
    for (partition, scripts) in partitions {
        items.push(format!("{COMMENT}partition: {partition}"));
        for name in scripts {
            let command = format!("show aflex {name} partition {partition}");
            let Some(raw) = session.optional(&command)? else {
                left_out = true;
                continue;
            };
            items.push(format!("aflex create {name}"));
            items.push(script_content(&headed(&command, &raw)));
            items.push(".\n".to_string());
        }
    }
    Ok((items.join("\n"), left_out))
}

/// What follows the last `Content:` (Ruby's `split` drops empty pieces at
/// the end), without surrounding whitespace, as Ruby's `strip` trims it.
fn script_content(shown: &str) -> String {
    let last = shown
        .rsplit("Content:")
        .find(|piece| !piece.is_empty())
        .unwrap_or("");
    let space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r');
    last.trim_start_matches(space)
        .trim_end_matches(|c| space(c) || c == '\0')
        .to_string()
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle. Each keeps its keyword and
/// `encrypted`, and hides the value as Oxidized does, `<hidden>`.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // SNMP v1/v2c: `community read encrypted X` in a user block (ACOS 4),
    // `snmp-server community read public` (ACOS 2).
    (
        "community ",
        r"\b(community (?:read|write)(?: encrypted)?) \S+",
        "$1 <hidden>",
    ),
    // SNMPv3 users: `... v3 auth sha encrypted X priv aes encrypted Y`.
    (
        " auth ",
        r"( auth (?:md5|sha)(?: encrypted)?) \S+",
        "$1 <hidden>",
    ),
    (
        " priv ",
        r"( priv (?:des|aes)(?: encrypted)?) \S+",
        "$1 <hidden>",
    ),
    // RADIUS and TACACS+ servers.
    ("secret ", r"\b(secret(?: encrypted)?) \S+", "$1 <hidden>"),
    // Admins, enable password, BGP neighbours, health monitors, LDAP binds.
    (
        "password ",
        r"\b(password(?: encrypted)?) \S+",
        "$1 <hidden>",
    ),
    // Certificate keys of SSL templates.
    (
        "passphrase ",
        r"\b(passphrase(?: encrypted)?) \S+",
        "$1 <hidden>",
    ),
    // OSPF.
    (
        "authentication-key ",
        r"\b(authentication-key(?: encrypted)?) \S+",
        "$1 <hidden>",
    ),
    (
        "message-digest-key ",
        r"\b(message-digest-key \d+ md5(?: encrypted)?) \S+",
        "$1 <hidden>",
    ),
    // SNMP v1/v2c trap receivers: `snmp-server host 192.0.2.1 version v2c
    // COMMUNITY [udp-port 162]`.
    (
        "snmp-server host ",
        r"\b(snmp-server host \S+ version v(?:1|2c)) \S+",
        "$1 <hidden>",
    ),
    // IKE gateways: `preshare-key-value X`, `preshare-key-encrypted X`.
    (
        "preshare-key-",
        r"\b(preshare-key-(?:value|encrypted)) \S+",
        "$1 <hidden>",
    ),
    // NTP keys: `ntp auth-key ID TYPE [ascii|hex|encrypted] VALUE`, the
    // value last.
    (
        "ntp auth-key ",
        r"^(\s*ntp auth-key .*) \S+$",
        "$1 <hidden>",
    ),
    // RIP: `ip rip authentication string X`.
    (
        "authentication string ",
        r"\b(authentication string) \S+",
        "$1 <hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Acos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Acos>(CORPUS);
    }

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Acos>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Acos>(CONFORMANCE);
    }

    /// The login, as the vThunder of A10's public Ansible training
    /// (kishizuka4989/ansible_training_a10_thuner_adc,
    /// `1.0-adc-primer/README.ja.md`) shows it: `vThunder>`, `enable`,
    /// `Password:` (no enable password set), `vThunder#`. `terminal length 0`
    /// and `terminal width 0` answer with the prompt alone (minimal). The
    /// oracle's copy of this session has the key `"\n"` where this one has
    /// `"<enable>\n"`: Oxidized types its empty `enable` var, the test
    /// harness types `<enable>`.
    const LOGIN: &str = r#"init_prompt: 'vThunder>'
commands:
  - "enable\r\n": 'enable\nPassword:'
  - "<enable>\n": '\nvThunder#'
  - "terminal length 0\n": 'terminal length 0\nvThunder#'
  - "terminal width 0\n": 'terminal width 0\nvThunder#'
"#;

    /// `show version`: minimal, written for the test in the layout of
    /// ACOS 4.1 (a title, then indented `Label: value` lines), with the
    /// lines Oxidized's cleaning names; the version is the configuration's.
    const VERSION: &str = r"Thunder Series Unified Application Service Gateway vThunder\n\n      64-bit Advanced Core OS (ACOS) version 4.1.4-GR1, build 78 (Jan-18-2019,16:02)\n        Booted from Hard Disk primary image\n      Serial Number: N/A\n      aFleX version: 2.0.0\n      Hard Disk primary image (default) version 4.1.4-GR1, build 78\n      Last configuration saved at Sep-11-2019, 15:16\n      Hardware: 8 CPUs(Stepping 3), Single 40G Hard disk\n      Memory 8071 Mbyte, Free Memory 3894 Mbyte\n      Current time is Sep-12-2019, 08:50\n      The system has been up 1 day, 17 hours, 34 minutes\n\n";

    /// `show bootimage`: minimal, no published output found; the versions
    /// are those `show version` names.
    const BOOTIMAGE: &str = r"(* = Default)\n                    Version\n-----------------------------------------------\nHard Disk primary   4.1.4-GR1.78 (*)\nHard Disk secondary 4.1.4-GR1.78\n";

    /// `show license`: minimal, no published output found; one `Host ID`
    /// line with a made-up ID.
    const LICENSE: &str = r"Host ID        : 0123456789ABCDEF0123456789ABCDEF01234567\n";

    /// `show partition-config all`: minimal, no published output found; the
    /// header lines of the running configuration below, then `end`.
    const PARTITION_CFG: &str = r"!Current configuration: 0 bytes\n!Configuration last updated at 15:15:52 IST Wed Sep 11 2019\n!Configuration last saved at 15:16:31 IST Wed Sep 11 2019\n!\nend\n";

    /// The configuration: minimal, written for the test: the ACOS 4 header
    /// lines Oxidized's cleaning names, a few sections, `end` and the
    /// commit-point line ACOS 4 prints after it.
    const CONFIG: &str = r"!Current configuration: 186 bytes\n!Configuration last updated at 15:15:52 IST Wed Sep 11 2019\n!Configuration last saved at 15:16:31 IST Wed Sep 11 2019\n!64-bit Advanced Core OS (ACOS) version 4.1.4-GR1, build 78 (Jan-18-2019,16:02)\n!\nhostname vThunder\n!\ninterface management\n  ip address 192.0.2.10 255.255.255.0\n  ip default-gateway 192.0.2.1\n!\ninterface ethernet 1\n  enable\n!\n!\nend\n!Current config commit point for partition 0 is 0 & config mode is classical-mode\n";

    /// `show aflex all-partitions`: minimal, no published output found;
    /// shaped as Oxidized's model reads it (`partition: NAME` lines, one
    /// `NAME   Check ...` line per script), with a partition without
    /// scripts between two with scripts.
    const AFLEX: &str = r"partition: shared\nName                            Syntax   Virtual port\n------------------------------------------------------------\ntest4                           Check    No\nredirect-https                  Check    No\npartition: part2\nName                            Syntax   Virtual port\n------------------------------------------------------------\npartition: part3\nName                            Syntax   Virtual port\n------------------------------------------------------------\nsorry                           Check    Yes\n";

    /// `show aflex NAME partition PARTITION`: minimal, no published output
    /// of this command found; `Name:`/`Syntax:`/`Virtual port:`/`Content:`
    /// then the script, the shape Oxidized's model reads (`Content:`).
    const TEST4: &str = r#"Name:                    test4\nSyntax:                  Check\nVirtual port:            No\nContent:\nwhen HTTP_REQUEST {\n  log \"request\"\n}\n"#;
    const REDIRECT: &str = r"Name:                    redirect-https\nSyntax:                  Check\nVirtual port:            No\nContent:\nwhen HTTP_REQUEST {\n  HTTP::redirect https://[HTTP::host][HTTP::uri]\n}\n";
    const SORRY: &str = r#"Name:                    sorry\nSyntax:                  Check\nVirtual port:            Yes\nContent:\nwhen HTTP_REQUEST {\n  HTTP::respond 503 content \"Sorry\"\n}\n"#;

    /// How ACOS is assumed to refuse a command (see the module's doc).
    const INVALID: &str = r"                ^\n% Invalid input detected at ''^'' marker.\n";

    /// One step: the command and its reply (echo, `output`, prompt).
    fn step(command: &str, output: &str) -> String {
        format!("  - \"{command}\\n\": '{command}\\n{output}vThunder#'\n")
    }

    /// The whole session, with these replies to the commands before the
    /// aFleX scripts.
    fn recording(bootimage: &str, partition_cfg: &str, config: &str, aflex: &str) -> String {
        let mut yaml = String::from(LOGIN);
        for (command, output) in [
            (SHOW_VERSION, VERSION),
            ("show bootimage", bootimage),
            ("show license", LICENSE),
            (PARTITION_CONFIG, partition_cfg),
            (SHOW_CONFIG, config),
            (AFLEX_LIST, aflex),
            (AFLEX_LIST, aflex),
        ] {
            yaml.push_str(&step(command, output));
        }
        yaml
    }

    fn with_scripts(mut yaml: String) -> String {
        for (command, output) in [
            ("show aflex test4 partition shared", TEST4),
            ("show aflex redirect-https partition shared", REDIRECT),
            ("show aflex sorry partition part3", SORRY),
        ] {
            yaml.push_str(&step(command, output));
        }
        yaml
    }

    fn logged_out(mut yaml: String) -> String {
        yaml.push_str("  - \"exit\\nexit\\nY\\r\\n\\n\": ''\n");
        yaml
    }

    fn full() -> String {
        logged_out(with_scripts(recording(
            BOOTIMAGE,
            PARTITION_CFG,
            CONFIG,
            AFLEX,
        )))
    }

    /// The aFleX scripts and the `show version` comment as Oxidized stores
    /// them (first part of `EXPECTED`).
    const SCRIPTS_AND_VERSION: &str = "! partition: shared\n\
aflex create test4\n\
when HTTP_REQUEST {\n\
\x20 log \"request\"\n\
}\n\
.\n\
\n\
aflex create redirect-https\n\
when HTTP_REQUEST {\n\
\x20 HTTP::redirect https://[HTTP::host][HTTP::uri]\n\
}\n\
.\n\
\n\
! partition: part2\n\
! partition: part3\n\
aflex create sorry\n\
when HTTP_REQUEST {\n\
\x20 HTTP::respond 503 content \"Sorry\"\n\
}\n\
.\n\
! ! COMMAND: show version\n\
! Thunder Series Unified Application Service Gateway vThunder\n\
! \n\
!       64-bit Advanced Core OS (ACOS) version 4.1.4-GR1, build 78 (Jan-18-2019,16:02)\n\
!         Booted from Hard Disk primary image\n\
!       Serial Number: N/A\n\
!       aFleX version: 2.0.0\n\
!       Hard Disk primary image (default) version 4.1.4-GR1, build 78\n\
!       Last configuration saved at <removed>\n\
!       Hardware: 8 CPUs(Stepping 3), Single 40G Hard disk\n\
!       Memory <removed>\n\
!       Current time is <removed>\n\
!       The system has been up <removed>\n\
! \n";

    const BOOTIMAGE_AND_LICENSE: &str = "! ! COMMAND: show bootimage\n\
! (* = Default)\n\
!                     Version\n\
! -----------------------------------------------\n\
! Hard Disk primary   4.1.4-GR1.78 (*)\n\
! Hard Disk secondary 4.1.4-GR1.78\n\
! ! COMMAND: show license\n\
! Host ID        : 0123456789ABCDEF0123456789ABCDEF01234567\n";

    const PARTITION_CFG_STORED: &str = "! COMMAND: show partition-config all\n\
!Current configuration <removed>\n\
!Configuration last updated at <removed>\n\
!Configuration last saved at <removed>\n\
!\n\
end\n";

    const CONFIG_AND_AFLEX_STORED: &str = "! COMMAND: show running-config all-partitions\n\
!Current configuration <removed>\n\
!Configuration last updated at <removed>\n\
!Configuration last saved at <removed>\n\
!64-bit Advanced Core OS (ACOS) version 4.1.4-GR1, build 78 (Jan-18-2019,16:02)\n\
!\n\
hostname vThunder\n\
!\n\
interface management\n\
\x20 ip address 192.0.2.10 255.255.255.0\n\
\x20 ip default-gateway 192.0.2.1\n\
!\n\
interface ethernet 1\n\
\x20 enable\n\
!\n\
!\n\
end\n\
!Current config commit point for partition 0 is 0 & config mode is classical-mode\n\
! ! COMMAND: show aflex all-partitions\n\
! partition: shared\n\
! Name                            Syntax   Virtual port\n\
! ------------------------------------------------------------\n\
! test4                           Check    No\n\
! redirect-https                  Check    No\n\
! partition: part2\n\
! Name                            Syntax   Virtual port\n\
! ------------------------------------------------------------\n\
! partition: part3\n\
! Name                            Syntax   Virtual port\n\
! ------------------------------------------------------------\n\
! sorry                           Check    Yes\n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<Acos>(&full(), &Device::default()).expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle acos), byte for byte.
        let expected = [
            SCRIPTS_AND_VERSION,
            BOOTIMAGE_AND_LICENSE,
            PARTITION_CFG_STORED,
            CONFIG_AND_AFLEX_STORED,
        ]
        .concat();
        assert_eq!(backup.config, expected);
    }

    /// A partition without scripts at the end of the listing, `\r\n` line
    /// ends, a `synchronized` stamp, a `Free storage` line and a `Memory`
    /// at a line's start (minimal replies, shaped after Oxidized's regexes),
    /// and the `(NOLICENSE)` prompt of an unlicensed vThunder
    /// (QualiSystems/cloudshell-firewall-a10 `tests/firewall/a10/base_test.py`).
    #[test]
    fn quirks_of_oxidized_are_kept() {
        let p = "vThunder(NOLICENSE)";
        let yaml = format!(
            "init_prompt: '{p}>'\ncommands:\n\
             \x20 - \"enable\\r\\n\": 'enable\\nPassword:'\n\
             \x20 - \"<enable>\\n\": '\\n{p}#'\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\n{p}#'\n\
             \x20 - \"terminal width 0\\n\": 'terminal width 0\\n{p}#'\n\
             \x20 - \"show version\\n\": 'show version\\n      Hardware: 4 CPUs(Stepping 7), Single 74G drive, Free storage is 61G\\n      Memory 7986 Mbyte, Free Memory 3120 Mbyte\\nMemory at the start of a line\\n{p}#'\n\
             \x20 - \"show bootimage\\n\": 'show bootimage\\n{p}#'\n\
             \x20 - \"show license\\n\": 'show license\\n{p}#'\n\
             \x20 - \"show partition-config all\\n\": 'show partition-config all\\n{p}#'\n\
             \x20 - \"show running-config all-partitions\\n\": 'show running-config all-partitions\\r\\n!Current configuration: 25 bytes\\r\\n!Configuration last synchronized at 10:00:00 IST Wed Sep 11 2019\\r\\nhostname lb1\\r\\n!\\r\\nend\\r\\n{p}#'\n\
             \x20 - \"show aflex all-partitions\\n\": 'show aflex all-partitions\\npartition: shared\\n{p}#'\n\
             \x20 - \"show aflex all-partitions\\n\": 'show aflex all-partitions\\npartition: shared\\n{p}#'\n\
             \x20 - \"exit\\nexit\\nY\\r\\n\\n\": ''\n"
        );
        let backup = scripted::backup::<Acos>(&yaml, &Device::default()).expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle acos), byte for byte.
        assert_eq!(
            backup.config,
            "! partition: shared! ! COMMAND: show version\n\
             !       Hardware: 4 CPUs(Stepping 7), Single 74G drive, Free storage is <removed>\n\
             !       Memory <removed> Memory <removed>\n\
             ! ! COMMAND: show bootimage\n\
             ! ! COMMAND: show license\n\
             ! COMMAND: show partition-config all\n\
             ! COMMAND: show running-config all-partitions\n\
             !Current configuration <removed>\n\
             !Configuration last synchronized at <removed>\n\
             hostname lb1\n!\nend\n\
             ! ! COMMAND: show aflex all-partitions\n\
             ! partition: shared\n"
        );
    }

    #[test]
    fn refused_optional_commands_are_left_out() {
        let yaml = logged_out(with_scripts(recording(INVALID, INVALID, CONFIG, AFLEX)));
        let backup = scripted::backup_without::<Acos>(
            &yaml,
            &Device::default(),
            &["show bootimage", PARTITION_CONFIG],
        );
        assert!(!backup.config.contains("Invalid"), "{}", backup.config);
        let without = [
            SCRIPTS_AND_VERSION,
            "! ! COMMAND: show license\n! Host ID        : 0123456789ABCDEF0123456789ABCDEF01234567\n",
            CONFIG_AND_AFLEX_STORED,
        ]
        .concat();
        assert_eq!(backup.config, without);
    }

    #[test]
    fn a_refused_aflex_listing_leaves_no_scripts() {
        let yaml = logged_out(recording(BOOTIMAGE, PARTITION_CFG, CONFIG, INVALID));
        let backup =
            scripted::backup_without::<Acos>(&yaml, &Device::default(), &[AFLEX_LIST, AFLEX_LIST]);
        assert!(
            backup.config.starts_with("! ! COMMAND: show version\n"),
            "{}",
            backup.config
        );
        assert!(
            backup.config.ends_with("config mode is classical-mode\n"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Acos>(
            &recording(BOOTIMAGE, PARTITION_CFG, INVALID, AFLEX),
            &Device::default(),
            r#"essential command "show running-config all-partitions": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_fails_the_backup() {
        let cut = r"!Current configuration: 251 bytes\n!\ninterface management\n  ip address 10.255.0.1 255.";
        scripted::backup_fails_with::<Acos>(
            &recording(BOOTIMAGE, PARTITION_CFG, &format!(r"{cut}\n"), AFLEX),
            &Device::default(),
            r#"essential command "show running-config all-partitions": the configuration stops at "  ip address 10.255.0.1 255.", before its closing "end": cut short"#,
        );
        // A commit-point line alone does not make the configuration whole.
        scripted::backup_fails_with::<Acos>(
            &recording(
                BOOTIMAGE,
                PARTITION_CFG,
                &format!(
                    r"{cut}\n{COMMIT_POINT} for partition 0 is 0 & config mode is classical-mode\n"
                ),
                AFLEX,
            ),
            &Device::default(),
            "before its closing \"end\": cut short",
        );
    }

    #[test]
    fn the_configuration_closes_with_end_with_or_without_commit_points() {
        assert!(complete_config("hostname lb1\nend\n").is_ok());
        assert!(complete_config("end\n!Current config commit point for partition 0 is 0 & config mode is classical-mode\n\n").is_ok());
        assert!(complete_config("end\n!Current config commit point for partition 0 is 0\n!Current config commit point for partition 1 is 3\n").is_ok());
        assert!(complete_config("hostname lb1\n").is_err());
        assert!(complete_config("").is_err());
    }

    #[test]
    fn enable_is_sent_even_without_a_password_prompt() {
        // A device already privileged answers `enable` with its prompt; the
        // empty line Oxidized types for its unset `enable` var follows all
        // the same.
        let session = scripted::login::<Acos>(
            "init_prompt: 'vThunder#'\ncommands:\n  - \"enable\\r\\n\": 'enable\\nvThunder#'\n  - \"\\n\": '\\nvThunder#'\n  - \"terminal length 0\\n\": 'terminal length 0\\nvThunder#'\n  - \"terminal width 0\\n\": 'terminal width 0\\nvThunder#'\n",
            &Device::default(),
        )
        .expect("login works");
        assert_eq!(session.finish(), Ok(()));
        // The usual case: `Password:` gets the enable secret.
        let session = scripted::login::<Acos>(LOGIN, &Device::default()).expect("login works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_is_oxidizeds_and_refuses_output_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            // Prompts seen in the sources of the prompt case.
            "vThunder>",
            "vThunder#",
            "vThunder(NOLICENSE)>",
            "vThunder(NOLICENSE)#",
            "vThunder(LOADING)>",
            // Configuration modes match as in Oxidized's prompt.
            "vThunder(config)(NOLICENSE)#",
            "vThunder-1-vMaster[1/1](config:1)(NOLICENSE)#",
            // Written for the test: a trailing space, an aVCS position.
            "vThunder# ",
            "vThunder-1-vMaster[1/1](NOLICENSE)#",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        // Written for the test, in the shapes of the sessions below.
        for p in [
            "!Current configuration: 186 bytes",
            "hostname vThunder",
            "Password:",
            "}",
            "vThunder#  ",
            "      Serial Number: N/A",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn aflex_listing_is_read_as_oxidized_reads_it() {
        let (partitions, orphans) = aflex_scripts(
            "early   Check  No\npartition: a\nx1   Check  No\nbroken   Error  No\npartition: b\ny1  Check No\npartition: a\nx2   Check  No\n",
        );
        assert_eq!(orphans, 1);
        assert_eq!(
            partitions,
            vec![
                ("a".to_string(), vec![]),
                ("b".to_string(), vec!["y1".to_string(), "x2".to_string()]),
            ]
        );
        assert_eq!(aflex_scripts("Name   Syntax\n"), (vec![], 0));
    }

    #[test]
    fn script_content_is_what_follows_the_last_content_label() {
        assert_eq!(
            script_content("! COMMAND: x\nName: a\nContent:\n  when X {}\n\n"),
            "when X {}"
        );
        assert_eq!(
            script_content("! COMMAND: x\nno such script\n"),
            "! COMMAND: x\nno such script"
        );
        assert_eq!(script_content("a\nContent:"), "a");
    }

    #[test]
    fn redact_hides_every_secret_and_keeps_the_keywords() {
        let cfg = "snmp-server SNMPv1-v2c user quali_user\n  community read encrypted CANARY01\n\
                   snmp-server community read CANARY02 oid 1.3.6\n\
                   snmp-server community write CANARY03\n\
                   snmp-server SNMPv3 user u1 group g v3 auth sha encrypted CANARY04 priv aes encrypted CANARY05\n\
                   snmp-server SNMPv3 user u2 group g v3 auth md5 CANARY06\n\
                   tacacs-server host 192.0.2.5 secret encrypted CANARY07\n\
                   radius-server host 192.0.2.6 secret CANARY08\n\
                   admin admin-ro password encrypted CANARY09\n\
                   enable-password encrypted CANARY10\n\
                   router bgp 65000\n  neighbor 192.0.2.1 password encrypted CANARY11\n\
                   slb template client-ssl cs1\n  certificate c1 key k1 passphrase encrypted CANARY12\n\
                   interface ve 10\n  ip ospf authentication-key CANARY13\n  ip ospf message-digest-key 1 md5 encrypted CANARY14\n\
                   snmp-server host 192.0.2.7 version v2c CANARY15 udp-port 162\n\
                   vpn ike-gateway gw1\n  preshare-key-value CANARY16\n  preshare-key-encrypted CANARY17\n\
                   ntp auth-key 1 M ascii CANARY18\n\
                   interface ve 11\n  ip rip authentication string CANARY19\n\
                   hostname lb1\n";
        let out = Acos::redact(cfg);
        assert!(!out.contains("CANARY"), "{out}");
        for kept in [
            "  community read encrypted <hidden>\n",
            "snmp-server community read <hidden> oid 1.3.6\n",
            "snmp-server community write <hidden>\n",
            " v3 auth sha encrypted <hidden> priv aes encrypted <hidden>\n",
            " v3 auth md5 <hidden>\n",
            "tacacs-server host 192.0.2.5 secret encrypted <hidden>\n",
            "radius-server host 192.0.2.6 secret <hidden>\n",
            "admin admin-ro password encrypted <hidden>\n",
            "enable-password encrypted <hidden>\n",
            "  neighbor 192.0.2.1 password encrypted <hidden>\n",
            "  certificate c1 key k1 passphrase encrypted <hidden>\n",
            "  ip ospf authentication-key <hidden>\n",
            "  ip ospf message-digest-key 1 md5 encrypted <hidden>\n",
            "snmp-server host 192.0.2.7 version v2c <hidden> udp-port 162\n",
            "  preshare-key-value <hidden>\n",
            "  preshare-key-encrypted <hidden>\n",
            "ntp auth-key 1 M ascii <hidden>\n",
            "  ip rip authentication string <hidden>\n",
            "hostname lb1\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
        // Hiding twice changes nothing more.
        assert_eq!(Acos::redact(&out), out);
    }

    #[test]
    fn redact_leaves_lines_without_secrets_alone() {
        let cfg = "multi-config enable\nterminal idle-timeout 0\nsnmp-server enable service\nsnmp-server group quali_group v3 auth read quali_view\n";
        assert_eq!(Acos::redact(cfg), cfg);
    }
}
