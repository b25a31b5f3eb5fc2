//! Cisco IOS and IOS-XE (Oxidized model `ios`).
//!
//! Checked against recordings of IOS-XE 17.09.04a (Catalyst C9200L-24P-4G)
//! and IOS-XE 17.06.05 (Catalyst 9800-L wireless controller).
//!
//! The backup is the same text Oxidized stores: `show version`, `show vtp
//! status` and `show inventory` as `! ` comments, then `show running-config`
//! without its header and without volatile timestamp lines. Unlike Oxidized,
//! a switch that refuses `show running-config` (a user-mode login without
//! `enable`) fails with `command_rejected` instead of storing the comments.
//!
//! Device vars:
//! - `enable = "true"`: run `enable` after login (the host types the enable
//!   secret if the device asks for one).
//! - `ios_rbac = "true"`: read the config with `show running-config view
//!   full`, for read-only (lower privilege) accounts.
//! - `output_store_mode = "on_significant"`: keep the "Last configuration
//!   change" line in the backup; `significant` then hides it.

use netraven_driver_sdk::prelude::*;

pub struct Ios;

/// A hostname followed by `#` (privileged) or `>` (user exec).
const PROMPT: &str = r"^([\w.@()-]+[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

impl Driver for Ios {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "ios",
            env!("CARGO_PKG_VERSION"),
            &["ios", "iosxe"],
            PROMPT,
            "! ",
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            let prompt = login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
            if !prompt.trim_end().ends_with('#') {
                session.log(Level::Warn, "enable did not reach privileged mode");
            }
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, device: &Device) -> Result<Backup, DriverError> {
        session.command("terminal length 0")?;
        session.command("terminal width 0")?;

        let mut config = String::new();
        if let Some(version) = optional_output(session, "show version")? {
            config.push_str(&version_comments(&version));
        }
        if let Some(vtp) = optional_output(session, "show vtp status")? {
            config.push_str(&vtp_comments(&vtp));
        }
        if let Some(inventory) = optional_output(session, "show inventory")? {
            config.push_str(&text::comment(&inventory, "! "));
        }

        let show_config = if device.flag("ios_rbac") {
            "show running-config view full"
        } else {
            "show running-config"
        };
        // The configuration itself: a device that refuses it (a user-mode
        // login without enable) fails instead of storing the comments alone.
        let running = cleaned_output(&session.essential(show_config)?);
        // IOS closes its configuration with `end`: without it, it was cut short.
        complete(show_config, &running, "end")?;
        let keep_change_line = device.var("output_store_mode") == Some("on_significant");
        config.push_str(&running_config(&running, keep_change_line));
        Ok(Backup::config(config))
    }

    /// Log out politely; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        let config = text::replace_lines_with_any(&hide_ap_mgmt_credentials(config), SECRET_RULES);
        hide_server_block_keys(config)
    }

    fn significant(config: &str) -> String {
        let config = text::drop_lines(
            config,
            &[
                r"^! (Last|No) configuration change (at|since)",
                r"! NVRAM config last updated at",
            ],
        );
        drop_auto_bandwidth(&config)
    }
}

/// Run an optional `command` and return what it printed, as Oxidized sees
/// it: unix line endings, IOS's "invalid input" complaint blanked out, and
/// without the echo line and the prompt line. `None`: the device refused it.
fn optional_output(
    session: &mut dyn Session,
    command: &str,
) -> Result<Option<String>, DriverError> {
    Ok(session.optional(command)?.map(|raw| cleaned_output(&raw)))
}

/// What a command printed (its whole output, echo and prompt included),
/// cleaned as [`optional_output`] says.
fn cleaned_output(raw: &str) -> String {
    let raw = text::unix_newlines(raw);
    // Skip the regex (a full scan) unless one of its lines can be there: the
    // complaint itself, or a caret alone on its line.
    let complaint = text::find_byte(raw.as_bytes(), b'^').is_some()
        && (text::find(&raw, "% Invalid input detected at '^' marker.").is_some()
            || caret_alone_on_a_line(&raw));
    if !complaint {
        return text::cut_echo_and_prompt(&raw);
    }
    let cleaned = text::replace_all(
        &raw,
        &[(
            r"(?m)^% Invalid input detected at '\^' marker\.$|^\s+\^$",
            "",
        )],
    );
    text::cut_echo_and_prompt(&cleaned)
}

/// Whether some line of `text` is a caret after nothing but whitespace
/// (`str::lines` and `trim_start` semantics). Only the lines holding a
/// caret are looked at: a banner's `^C` puts one in most configs, and
/// walking every line of a config in wasm is the cost to avoid.
fn caret_alone_on_a_line(text: &str) -> bool {
    let mut from = 0;
    while let Some(at) = text::find_byte(&text.as_bytes()[from..], b'^').map(|i| from + i) {
        let start = text[..at]
            .bytes()
            .rposition(|b| b == b'\n')
            .map_or(0, |i| i + 1);
        let (line, next) = match text::find_byte(&text.as_bytes()[at..], b'\n') {
            Some(end) => {
                let body = &text[start..at + end];
                (body.strip_suffix('\r').unwrap_or(body), at + end + 1)
            }
            None => (&text[start..], text.len()),
        };
        if line.trim_start() == "^" {
            return true;
        }
        // The rest of this line's carets need no second look.
        from = next;
    }
    false
}

/// Capture group `$i` of `$caps`, or "" when it did not take part (as Ruby
/// interpolates a missing group).
macro_rules! group {
    ($caps:expr, $i:expr) => {
        $caps.get($i).map_or("", |m| m.as_str())
    };
}

/// `line` (number `i`) if it is one of the lines holding a regex's literal
/// needle. The lines come from [`text::lines_with`], one native pass per
/// needle: checking each line for each needle in the driver was most of an
/// IOS backup's guest CPU (substring search in wasm is byte by byte).
fn gate<'a>(holding: &text::LineSet, i: usize, line: &'a str) -> Option<&'a str> {
    holding.contains(i).then_some(line)
}

/// The facts worth keeping from `show version` (image, chassis, memory,
/// serials), one per comment line. Uptime and reload times are left out, so
/// the backup only changes when the device does.
fn version_comments(output: &str) -> String {
    let lines: Vec<&str> = text::lines(output).collect();
    // Each regex compiles on first use only: compiling costs more than the
    // gated matching, and most lines of `show version` need none of them.
    use netraven_driver_sdk::text::Regex;
    use std::sync::LazyLock;
    static SLAVE: LazyLock<Regex> =
        LazyLock::new(|| text::re(r"(?m)^Slave in slot (\d+) is running"));
    static COMPILED: LazyLock<Regex> = LazyLock::new(|| text::re(r"(?m)^Compiled (.*)$"));
    static SOFTWARE: LazyLock<Regex> = LazyLock::new(|| {
        text::re(r"(?m)^(?:Cisco )?IOS .* Software,? \(([A-Za-z0-9_-]*)\), .*Version\s+(.*)$")
    });
    static ROM: LazyLock<Regex> =
        LazyLock::new(|| text::re(r"(?m)^ROM: (IOS \S+ )?(System )?Bootstrap.*(Version.*)$"));
    static BOOTFLASH: LazyLock<Regex> =
        LazyLock::new(|| text::re(r"(?m)^BOOTFLASH: .*(Version.*)$"));
    static NVRAM: LazyLock<Regex> =
        LazyLock::new(|| text::re(r"(?m)^(\d+[kK]) bytes of (non-volatile|NVRAM)"));
    static FLASH: LazyLock<Regex> = LazyLock::new(|| {
        text::re(
            r"(?mi)^(\d+[kK]) bytes of (flash memory|flash internal|processor board System flash|ATA CompactFlash)",
        )
    });
    static PCMCIA: LazyLock<Regex> = LazyLock::new(|| {
        text::re(r"(?mi)^(\d+[kK]) bytes of (Flash|ATA)?.*PCMCIA .*(slot|disk) ?(\d)")
    });
    static CHASSIS: LazyLock<Regex> = LazyLock::new(|| {
        text::re(
            r"(?mi)(\S+(?:\sseries)?)\s+(?:\(([\S ]+)\)\s+processor|\(revision[^)]+\)).*\s+with (\S+k) bytes",
        )
    });
    static BOARD_ID: LazyLock<Regex> = LazyLock::new(|| text::re(r"(?mi)processor board id (\S+)"));
    static IMAGE: LazyLock<Regex> =
        LazyLock::new(|| text::re(r#"(?m)^System image file is "([^"]*)"$"#));
    let (slave_re, compiled_re, software_re, rom_re, bootflash_re) =
        (&*SLAVE, &*COMPILED, &*SOFTWARE, &*ROM, &*BOOTFLASH);
    let (nvram_re, flash_re, pcmcia_re, chassis_re) = (&*NVRAM, &*FLASH, &*PCMCIA, &*CHASSIS);

    let needles = [
        "Slave in slot",
        "Compiled ",
        " Software",
        "ROM: ",
        "BOOTFLASH: ",
        " bytes of ",
        "System image file is",
    ];
    let [
        slave_on,
        compiled_on,
        software_on,
        rom_on,
        bootflash_on,
        bytes_of_on,
        image_on,
    ] = holding(output, &needles, false);
    // For the regexes compiled with `(?i)`.
    let [bytes_of_ci_on, pcmcia_on, bytes_ci_on] =
        holding(output, &[" bytes of ", "pcmcia ", " bytes"], true);

    let mut comments: Vec<String> = Vec::new();
    comments.push(lines.first().map(|l| l.to_string()).unwrap_or_default());
    for (i, line) in lines.iter().enumerate() {
        let (slave, slave_slot) = match gate(&slave_on, i, line).and_then(|l| slave_re.captures(l))
        {
            Some(c) => (" Slave:", format!(", slot {}", group!(c, 1))),
            None => ("", String::new()),
        };
        if let Some(c) = gate(&compiled_on, i, line).and_then(|l| compiled_re.captures(l)) {
            comments.push(format!("Image:{slave} Compiled: {}", group!(c, 1)));
        }
        if let Some(c) = gate(&software_on, i, line).and_then(|l| software_re.captures(l)) {
            comments.push(format!(
                "Image:{slave} Software: {}, {}",
                group!(c, 1),
                group!(c, 2)
            ));
        }
        if let Some(c) = gate(&rom_on, i, line).and_then(|l| rom_re.captures(l)) {
            comments.push(format!("ROM Bootstrap: {}", group!(c, 3)));
        }
        if let Some(c) = gate(&bootflash_on, i, line).and_then(|l| bootflash_re.captures(l)) {
            comments.push(format!("BOOTFLASH: {}", group!(c, 1)));
        }
        if let Some(c) = gate(&bytes_of_on, i, line).and_then(|l| nvram_re.captures(l)) {
            comments.push(format!("Memory: nvram {}", group!(c, 1)));
        }
        if let Some(c) = gate(&bytes_of_ci_on, i, line).and_then(|l| flash_re.captures(l)) {
            comments.push(format!("Memory: flash {}", group!(c, 1)));
        }
        if let Some(c) = gate(&pcmcia_on, i, line).and_then(|l| pcmcia_re.captures(l)) {
            comments.push(format!(
                "Memory: pcmcia {} {}{} {}",
                group!(c, 2),
                group!(c, 3),
                group!(c, 4),
                group!(c, 1)
            ));
        }
        if let Some(c) = gate(&bytes_ci_on, i, line)
            .filter(|l| {
                let lower = l.to_ascii_lowercase();
                lower.contains(" with ")
                    && (lower.contains("processor") || lower.contains("(revision"))
            })
            .and_then(|l| chassis_re.captures(l))
        {
            let cpu = group!(c, 2);
            comments.push(format!("Chassis type:{slave} {}", group!(c, 1)));
            comments.push(format!("Memory:{slave} main {}", group!(c, 3)));
            // The two lines after the chassis line may name the board and CPU.
            if let Some(id) = lines.get(i + 1).and_then(|l| BOARD_ID.captures(chomp(l))) {
                comments.push(format!("Processor ID: {}", group!(id, 1)));
            }
            let cpu_extra = lines
                .get(i + 2)
                .filter(|l| describes_cpu(l, cpu))
                .map(|l| format!(", {}", chomp(&l.replace("implementation", "impl"))))
                .unwrap_or_default();
            comments.push(format!("CPU:{slave} {cpu}{cpu_extra}{slave_slot}"));
        }
        if line.starts_with("Motherboard") {
            comments.push(chomp(line).to_string());
        }
        if let Some(c) = gate(&image_on, i, line).and_then(|l| IMAGE.captures(chomp(l))) {
            comments.push(format!("Image: {}", group!(c, 1)));
        }
    }
    comments.push("\n".to_string());
    text::comment(&comments.join("\n"), "! ")
}

/// The lines holding each of `needles`, as an array to destructure.
fn holding<const N: usize>(
    output: &str,
    needles: &[&str; N],
    ignore_case: bool,
) -> [text::LineSet; N] {
    let sets = if ignore_case {
        text::lines_with_ignore_ascii_case(output, needles)
    } else {
        text::lines_with(output, needles)
    };
    let mut sets = sets.into_iter();
    std::array::from_fn(|_| sets.next().unwrap_or_default())
}

/// Whether a line of `show version` adds CPU details (clock, revision) to
/// the processor named `cpu`. Case-insensitive, like the chassis line.
fn describes_cpu(line: &str, cpu: &str) -> bool {
    let line = line.to_ascii_lowercase();
    line.contains("cpu at ")
        || line.contains("processor: ")
        || line.contains(&format!("{} processor,", cpu.to_ascii_lowercase()))
}

/// A line without its line ending (`\n` or `\r\n`).
fn chomp(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// `show vtp status` as `! VTP: ` comments, without blank lines and without
/// the "Configuration last modified by" line (it moves with every VTP update).
fn vtp_comments(output: &str) -> String {
    let no_blank: String = text::lines(output).filter(|l| *l != "\n").collect();
    let cleaned = text::replace_all_gated(
        &no_blank,
        &[(
            "Configuration last modified by",
            r"Configuration last modified by.*\n",
            "",
        )],
    );
    text::comment(&format!("{}\n", text::comment(&cleaned, "VTP: ")), "! ")
}

/// `show running-config` without the "Building configuration..." header and
/// the lines that change without a config change: the byte count, NTP's
/// clock-period, a "Last configuration change" line that names no user (an
/// automatic change), and the values of SNMP MIB expressions.
fn running_config(output: &str, keep_change_line: bool) -> String {
    let change_re = text::re(r"^! (Last|No) configuration change (at|since)");
    let by_user_re = text::re(r"\d by \S+$");
    let size_re = text::re(r"^Current configuration : \S");
    // The lines that can be a change line (see [`gate`]).
    let [change_lines] = holding(output, &[" configuration change "], false);
    let kept: String = text::lines(output)
        .enumerate()
        .skip(3)
        .filter(|(i, line)| {
            let bare = chomp(line);
            if bare.starts_with("ntp clock-period ") {
                return false;
            }
            if bare.starts_with("Current configuration : ") && size_re.is_match(bare) {
                return false;
            }
            if keep_change_line || !change_lines.contains(*i) {
                return true;
            }
            match change_re.find(bare) {
                Some(m) => by_user_re.is_match(&bare[m.end()..]),
                None => true,
            }
        })
        .map(|(_, line)| line)
        .collect();
    // Line by line: `^` and `$` are about one line.
    text::replace_in_lines(
        &kept,
        &[("expression", r"^(\s+expression) \d+$", "$1 <value removed>")],
    )
}

/// Drop `tunnel mpls traffic-eng bandwidth` from interfaces that also have
/// `tunnel mpls traffic-eng auto-bw`: auto-bandwidth rewrites that line on
/// its own, so it is not a configuration change.
fn drop_auto_bandwidth(config: &str) -> String {
    let lines: Vec<&str> = text::lines(config).collect();
    let mut out = String::with_capacity(config.len());
    let mut start = 0;
    while start < lines.len() {
        // A block is a top-level line and the indented lines under it.
        let end = lines[start + 1..]
            .iter()
            .position(|l| !l.starts_with(' '))
            .map_or(lines.len(), |p| start + 1 + p);
        let block = &lines[start..end];
        let auto_bw = block
            .iter()
            .any(|l| l.starts_with(" tunnel mpls traffic-eng auto-bw"));
        for line in block {
            if !(auto_bw && line.starts_with(" tunnel mpls traffic-eng bandwidth")) {
                out.push_str(line);
            }
        }
        start = end;
    }
    out
}

/// `mgmtuser username U password N P secret N S` (an AP profile on IOS-XE
/// wireless controllers) carries two credentials; either may contain spaces.
fn hide_ap_mgmt_credentials(config: &str) -> std::borrow::Cow<'_, str> {
    let mgmt_lines = text::lines_with(config, &["mgmtuser"]).remove(0);
    if mgmt_lines.is_empty() {
        return std::borrow::Cow::Borrowed(config);
    }
    let mgmt_re = text::re(r"^( +mgmtuser username \S+ password \d) (.*)$");
    let secret_re = text::re(r" (secret \d) ");
    text::lines(config)
        .enumerate()
        .map(|(i, line)| {
            if !mgmt_lines.contains(i) {
                return line.to_string();
            }
            let bare = chomp(line);
            let Some(caps) = mgmt_re.captures(bare) else {
                return line.to_string();
            };
            let (head, rest) = (group!(caps, 1), group!(caps, 2));
            let hidden = match secret_re.captures(rest) {
                Some(s) => format!("{head} <secret hidden> {} <secret hidden>", group!(s, 1)),
                None => format!("{head} <secret hidden>"),
            };
            format!("{hidden}{}", &line[bare.len()..])
        })
        .collect()
}

/// Secret removal, line by line and in order: each rule keeps the keyword
/// that names the secret and hides its value. A rule's regex only runs on
/// lines holding one of its literal needles.
type LineRule = (&'static [&'static str], &'static str, &'static str);
const SECRET_RULES: &[LineRule] = &[
    (
        &["snmp-server community"],
        r"(?m)^(snmp-server community).*",
        "$1 <configuration removed>",
    ),
    // The community follows the address, VRF, notification kind and version.
    (
        &["snmp-server host"],
        r"(?m)^(snmp-server host \S+(?: vrf \S+)?(?: informs?| traps?)?(?: version (?:1|2c|3 (?:auth|noauth|priv)))?) +\S+",
        "$1 <secret hidden>",
    ),
    (
        &["snmp-server user"],
        r"(?m)^(snmp-server user \S+ \S+(?: remote \S+)?(?: udp-port \d+)? v3(?: encrypted)? auth \S+) \S+",
        "$1 <secret hidden>",
    ),
    (
        &["snmp-server user"],
        r"(?m)^(snmp-server user .* priv (?:des|3des|aes \d+)) \S+",
        "$1 <secret hidden>",
    ),
    (
        &["username"],
        r"(?m)^(username \S+(?: .+?)? (?:password|secret)(?: \d+)?) .+",
        "$1 <secret hidden>",
    ),
    (
        &["enable password", "enable secret"],
        r"(?m)^(enable (?:password|secret)(?: level \d+)?(?: \d+)?) .+",
        "$1 <secret hidden>",
    ),
    (
        &[" password", " secret"],
        r"(?m)^( +(?:password|secret)(?: \d+)?) .+",
        "$1 <secret hidden>",
    ),
    (
        &["wpa-psk ascii"],
        r"(?m)^(.*wpa-psk ascii \d) .+",
        "$1 <secret hidden>",
    ),
    (&["key 7"], r"(?m)^(.*key 7) (\d.+)", "$1 <secret hidden>"),
    (
        &["tacacs-server", "radius-server"],
        r"(?m)^((?:tacacs|radius)-server (?:.+ )?key) .+",
        "$1 <secret hidden>",
    ),
    // An encryption type (0 or 6) may precede the key.
    (
        &["crypto isakmp key"],
        r"(?m)^(crypto isakmp key)(?: [06])? \S+ (.*)",
        "$1 <secret hidden> $2",
    ),
    (
        &["ip ftp password", "ip http client password"],
        r"(?m)^(ip (?:ftp|http client) password)(?: \d)? .+",
        "$1 <secret hidden>",
    ),
    (
        &["ntp authentication-key"],
        r"(?m)^(ntp authentication-key \d+ \S+) \S+",
        "$1 <secret hidden>",
    ),
    (
        &["ip ospf message-digest-key"],
        r"(?m)^( +ip ospf message-digest-key \d+ md5) .+",
        "$1 <secret hidden>",
    ),
    (
        &["ip ospf authentication-key"],
        r"(?m)^( +ip ospf authentication-key) .+",
        "$1 <secret hidden>",
    ),
    (
        &["neighbor"],
        r"(?m)^( +neighbor \S+ password) .+",
        "$1 <secret hidden>",
    ),
    (
        &["authentication text"],
        r"(?m)^( +vrrp \d+ authentication text) .+",
        "$1 <secret hidden>",
    ),
    (
        &["key-string"],
        r"(?m)^( +standby \d+ authentication md5 key-string)(?: \d)? \S+",
        "$1 <secret hidden>",
    ),
    (
        &["standby"],
        r"(?m)^( +standby \d+ authentication(?: text)?) \S+$",
        "$1 <secret hidden>",
    ),
    (
        &["key-string"],
        r"(?m)^( +key-string)(?: \d)? .+",
        "$1 <secret hidden>",
    ),
    (
        &["server-private"],
        r"(?m)^( +server-private \S+ (?:.+ )?key) .+",
        "$1 <secret hidden>",
    ),
    (
        &["ppp chap password", "ppp pap password"],
        r"(?m)^( +ppp (?:chap|pap) password(?: \d)?) .+",
        "$1 <secret hidden>",
    ),
    (
        &["isis password", "area-password", "domain-password"],
        r"(?m)^( +(?:isis password|area-password|domain-password)) \S+",
        "$1 <secret hidden>",
    ),
    // Wireless controllers (IOS-XE 9800): WLAN PSKs and AP credentials may
    // contain spaces, so everything to the end of the line goes.
    (
        &["security wpa psk set-key"],
        r"(?m)^( +security wpa psk set-key (?:ascii|hex) \d) .*$",
        "$1 <secret hidden>",
    ),
    (
        &["dot1x username"],
        r"(?m)^( +dot1x username \S+ password \d) .*$",
        "$1 <secret hidden>",
    ),
    (
        &["server-key"],
        r"(?m)^( +client \S+ server-key(?: \d)?) .*$",
        "$1 <secret hidden>",
    ),
    (
        &["pre-shared-key"],
        r"(?m)^( +pre-shared-key).*",
        "$1 <configuration removed>",
    ),
    (
        &["server-key"],
        r"(?m)^(.*server-key(?: \d)?) \S+.*$",
        "$1 <secret hidden>",
    ),
];

/// `key` inside a `tacacs server` / `radius server` block: the one secret
/// rule that spans lines.
fn hide_server_block_keys(config: String) -> String {
    // One native search: the regex's own literal prefilter finds the blocks.
    text::replace_all(
        &config,
        &[(
            r"(?m)^((?:tacacs|radius) server [^\n]+\n(?: +[^\n]+\n)* +key) [^\n]+$",
            "$1 <secret hidden>",
        )],
    )
}

netraven_driver_sdk::export_driver!(Ios);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Ios>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Ios>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn caret_check_agrees_with_trimming_every_line() {
        for text in [
            "",
            "^",
            "  ^",
            "\t^\r\n",
            "a\n   ^\nb",
            "banner ^C\nhello\n^C\n",
            "x^\n",
            "^ \n",
            "  ^\r",
            "a\r\n \u{a0}^\r\n",
            "^^\n",
            "^ ^\n  ^\n",
            "a^\n^",
        ] {
            let every_line = text.lines().any(|l| l.trim_start() == "^");
            assert_eq!(caret_alone_on_a_line(text), every_line, "{text:?}");
        }
        // And on generated texts (fixed seed, xorshift).
        const PIECES: [&str; 6] = ["^", " ", "\n", "\r", "a", "\t"];
        let mut state: u64 = 0x853c_49e6_748f_ea9b;
        for _ in 0..3000 {
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let every_line = text.lines().any(|l| l.trim_start() == "^");
            assert_eq!(caret_alone_on_a_line(&text), every_line, "{text:?}");
        }
    }

    #[test]
    fn change_line_is_kept_only_when_it_names_a_user() {
        let out = "Building configuration...\n\nCurrent configuration : 99 bytes\n!\n\
                   ! Last configuration change at 13:57:08 CET Wed Mar 13 2024\n\
                   ! NVRAM config last updated at 15:26:39 CET Wed Mar 13 2024 by admin\n\
                   ntp clock-period 36028797018963968\nhostname r1\nend\n";
        assert_eq!(
            running_config(out, false),
            "!\n! NVRAM config last updated at 15:26:39 CET Wed Mar 13 2024 by admin\nhostname r1\nend\n"
        );
        let by_user = out.replace("2024\n! NVRAM", "2024 by admin\n! NVRAM");
        assert!(
            running_config(&by_user, false)
                .contains("change at 13:57:08 CET Wed Mar 13 2024 by admin\n")
        );
        assert!(running_config(out, true).contains("! Last configuration change at 13:57:08"));
    }

    #[test]
    fn snmp_expression_values_are_masked_in_the_backup() {
        let out = "a\nb\nc\nsnmp mib expression owner x name 1\n  expression 42\n description 42\n";
        assert_eq!(
            running_config(out, false),
            "snmp mib expression owner x name 1\n  expression <value removed>\n description 42\n"
        );
    }

    #[test]
    fn version_comments_read_chassis_board_id_and_cpu_details() {
        let out = "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE5, RELEASE SOFTWARE (fc1)\n\
                   Compiled Thu 09-Feb-12 18:49 by prod_rel_team\n\
                   ROM: Bootstrap program is C2960 boot loader\n\
                   System image file is \"flash:c2960-lanbasek9-mz.122-55.SE5.bin\"\n\
                   cisco WS-C2960-24TT-L (PowerPC405) processor (revision B0) with 65536K bytes of memory.\n\
                   Processor board ID FOC1234X0YZ\n\
                   PowerPC405 processor, implementation 3, Revision 7\n\
                   64K bytes of flash-simulated non-volatile configuration memory.\n";
        assert_eq!(
            version_comments(out),
            "! Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE5, RELEASE SOFTWARE (fc1)\n\
             ! \n\
             ! Image: Software: C2960-LANBASEK9-M, 12.2(55)SE5, RELEASE SOFTWARE (fc1)\n\
             ! Image: Compiled: Thu 09-Feb-12 18:49 by prod_rel_team\n\
             ! Image: flash:c2960-lanbasek9-mz.122-55.SE5.bin\n\
             ! Chassis type: WS-C2960-24TT-L\n\
             ! Memory: main 65536K\n\
             ! Processor ID: FOC1234X0YZ\n\
             ! CPU: PowerPC405, PowerPC405 processor, impl 3, Revision 7\n\
             ! \n"
        );
    }

    #[test]
    fn version_comments_accept_revision_form_without_cpu_name() {
        let out = "Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.7(3)M4\n\
                   Cisco CISCO2911/K9 (revision 1.0) with 483328K/40960K bytes of memory.\n\
                   Processor board ID FTX1111AAAA\n";
        let comments = version_comments(out);
        assert!(comments.contains("! Chassis type: CISCO2911/K9\n! Memory: main 483328K/40960K\n"));
        assert!(comments.contains("! Processor ID: FTX1111AAAA\n! CPU: \n"));
    }

    #[test]
    fn vtp_comments_drop_blank_lines_and_modified_by_line() {
        let out = "VTP Version                     : 2\n\nConfiguration last modified by 10.0.0.1 at 3-1-93 00:02:33\nVTP Operating Mode              : Server\n";
        assert_eq!(
            vtp_comments(out),
            "! VTP: VTP Version                     : 2\n! VTP: VTP Operating Mode              : Server\n! \n"
        );
    }

    #[test]
    fn a_switch_at_the_user_prompt_fails_on_the_configuration_instead_of_storing_comments() {
        let refused =
            "\\r\\n                ^\\r\\n% Invalid input detected at '^' marker.\\r\\n\\r\\nfsw1>";
        let recording = format!(
            "init_prompt: fsw1>\ncommands:\n  \"terminal length 0\\n\": \"terminal length 0\\r\\nfsw1>\"\n  \"terminal width 0\\n\": \"terminal width 0\\r\\nfsw1>\"\n  \"show version\\n\": \"show version\\r\\nCisco IOS Software, Version 15.2\\r\\nfsw1>\"\n  \"show vtp status\\n\": \"show vtp status{refused}\"\n  \"show inventory\\n\": \"show inventory{refused}\"\n  \"show running-config\\n\": \"show running-config{refused}\"\n"
        );
        scripted::backup_fails_with::<Ios>(
            &recording,
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_before_its_end_fails_instead_of_being_stored() {
        let recording = "init_prompt: r1#\ncommands:\n  \"terminal length 0\\n\": \"terminal length 0\\r\\nr1#\"\n  \"terminal width 0\\n\": \"terminal width 0\\r\\nr1#\"\n  \"show version\\n\": \"show version\\r\\nCisco IOS Software, Version 15.2\\r\\nr1#\"\n  \"show vtp status\\n\": \"show vtp status\\r\\nr1#\"\n  \"show inventory\\n\": \"show inventory\\r\\nr1#\"\n  \"show running-config\\n\": \"show running-config\\r\\nBuilding configuration...\\r\\n\\r\\nCurrent configuration : 9000 bytes\\r\\n!\\r\\nhostname r1\\r\\ninterface GigabitEthernet1/0/1\\r\\n description upl\\r\\nr1#\"\n";
        scripted::backup_fails_with::<Ios>(
            recording,
            &Device::default(),
            r#"essential command "show running-config": the configuration stops at " description upl", before its closing "end": cut short"#,
        );
    }

    #[test]
    fn a_router_that_refuses_vtp_and_inventory_is_backed_up_without_them() {
        let refused =
            "\\r\\n               ^\\r\\n% Invalid input detected at '^' marker.\\r\\n\\r\\nr1#";
        let recording = format!(
            "init_prompt: r1#\ncommands:\n  \"terminal length 0\\n\": \"terminal length 0\\r\\nr1#\"\n  \"terminal width 0\\n\": \"terminal width 0\\r\\nr1#\"\n  \"show version\\n\": \"show version\\r\\nCisco IOS Software, Version 15.2\\r\\nr1#\"\n  \"show vtp status\\n\": \"show vtp status{refused}\"\n  \"show inventory\\n\": \"show inventory{refused}\"\n  \"show running-config\\n\": \"show running-config\\r\\nBuilding configuration...\\r\\n\\r\\nCurrent configuration : 30 bytes\\r\\n!\\r\\nhostname r1\\r\\nend\\r\\nr1#\"\n  \"exit\\n\": \"\"\n"
        );
        let backup = scripted::backup_without::<Ios>(
            &recording,
            &Device::default(),
            &["show vtp status", "show inventory"],
        );
        assert!(
            backup
                .config
                .starts_with("! Cisco IOS Software, Version 15.2\n"),
            "{}",
            backup.config
        );
        assert!(
            backup.config.ends_with("! \n!\nhostname r1\nend\n"),
            "{}",
            backup.config
        );
        assert!(
            !backup.config.contains("Invalid input"),
            "{}",
            backup.config
        );
        assert!(!backup.config.contains("VTP"), "{}", backup.config);
    }

    #[test]
    fn enable_sends_the_enable_secret_when_asked_for_one() {
        let mut session = scripted::login::<Ios>(
            "init_prompt: |-\n  sw1>\ncommands:\n  - \"enable\\n\": \"enable\\nPassword: \"\n  - \"<enable>\\n\": \"\\nsw1#\"\n  - \"show privilege\\n\": \"show privilege\\nCurrent privilege level is 15\\nsw1#\"\n",
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("enable works");
        // Strict order: this only replays if enable and the secret went first.
        session
            .command("show privilege")
            .expect("privileged prompt reached");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn enable_without_password_prompt_sends_no_secret() {
        let mut session = scripted::login::<Ios>(
            "init_prompt: |-\n  sw1>\ncommands:\n  - \"enable\\n\": \"enable\\nsw1#\"\n  - \"show privilege\\n\": \"show privilege\\nCurrent privilege level is 15\\nsw1#\"\n",
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("enable works");
        session
            .command("show privilege")
            .expect("no secret was typed");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn redact_hides_both_ap_management_credentials() {
        let cfg =
            "ap profile p\n mgmtuser username admin password 0 PASS WORD secret 0 EN SECRET\n";
        assert_eq!(
            Ios::redact(cfg),
            "ap profile p\n mgmtuser username admin password 0 <secret hidden> secret 0 <secret hidden>\n"
        );
    }

    #[test]
    fn redact_hides_common_ios_secrets() {
        let cfg = "username bob privilege 15 password plaintext\n\
                   enable password cisco\n\
                   snmp-server host 10.0.0.1 traps version 2c COMMUNITY udp-port 162\n\
                   snmp-server user u g v3 auth sha AUTHPASS priv aes 128 PRIVPASS\n\
                   radius server r1\n address ipv4 10.0.0.2 auth-port 1812\n key RADKEY\n\
                   crypto isakmp key 6 ISAKMPKEY address 10.0.0.3\n\
                   ip ftp password 7 FTPPASS\n\
                   line vty 0 4\n password 7 0822455D0A16\n";
        let out = Ios::redact(cfg);
        for secret in [
            "plaintext",
            "cisco",
            "COMMUNITY",
            "AUTHPASS",
            "PRIVPASS",
            "RADKEY",
            "ISAKMPKEY",
            "FTPPASS",
            "0822455D0A16",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        assert!(
            out.contains(
                "snmp-server host 10.0.0.1 traps version 2c <secret hidden> udp-port 162\n"
            )
        );
        assert!(out.contains("crypto isakmp key <secret hidden> address 10.0.0.3\n"));
    }

    #[test]
    fn significant_ignores_auto_bandwidth_and_change_stamps() {
        let cfg = "! Last configuration change at 10:00:00 UTC Mon Jan 1 2024 by admin\n\
                   ! NVRAM config last updated at 10:00:00 UTC Mon Jan 1 2024 by admin\n\
                   interface Tunnel1\n tunnel mpls traffic-eng bandwidth 12345\n tunnel mpls traffic-eng auto-bw\n!\n\
                   interface Tunnel2\n tunnel mpls traffic-eng bandwidth 500\n!\n";
        assert_eq!(
            Ios::significant(cfg),
            "interface Tunnel1\n tunnel mpls traffic-eng auto-bw\n!\n\
             interface Tunnel2\n tunnel mpls traffic-eng bandwidth 500\n!\n"
        );
    }
}
