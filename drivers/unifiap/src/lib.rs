//! Ubiquiti UniFi access points, UniFi firmware 4.x–6.x (Oxidized model
//! `unifiap`), over SSH exec channels: one channel per command, so no
//! prompt, echo, pager or logout.
//!
//! No published session of the configuration command exists yet (see the
//! `unifiap` section of `tests/corpus/netraven/RESEARCH.md`), so the driver
//! is checked by its unit tests against what Oxidized's own model code
//! stores for the same scripted sessions (`../shared/oxidized/oracle
//! unifiap`) and by the scripted conformance cases (and their chaos replay)
//! in `tests/corpus/conformance/unifiap#scripted_*`. Being exec-mode, it
//! has no prompt case.
//!
//! Commands, in Oxidized's order; which ones run depends on the answers,
//! and every one but the last is optional (see below for a refusal):
//! 1. `head -4 /etc/board.info`: the model (`board.name=`);
//! 2. `cat /etc/version`: the firmware version (the first line's last word);
//! 3. `ifconfig eth0`: the MAC address (`HWaddr`);
//! 4. `cat /etc/hosts`: the address and host name of the last line that is
//!    not a loopback entry;
//! 5. `echo`, then, without an address, `ifconfig br0` and, still without
//!    one, `ifconfig eth0` (`inet addr:`); without a host name,
//!    `cat /tmp/system.cfg` (`resolv.host.1.name=`);
//! 6. `ps wwww`: the NTP server of a running `ntpclient` (`-h SERVER`);
//! 7. `[ -e /tmp/run/ntp.ready ] || [ -e /var/run/ntp.ready ] && echo
//!    "File(s) exist(s)" || echo "No such file"`: with a ready file NTP is
//!    synchronized; without one but with a server,
//!    `ntpclient -d -n -c 2 -i0 -h SERVER` measures the skew (under a
//!    second: synchronized, else `FAIL`);
//! 8. `echo`: the summary, as `# ` comments between lines of stars
//!    (`Model:`, `Version:`, `MAC Address:`, `IP Address:`, `Hostname:`
//!    and, when a server or ready file was found, `NTP:`);
//! 9. `cat /etc/board.info`: under a `# Board Info:` title, as `# `
//!    comments;
//! 10. `cat /tmp/system.cfg` (essential): under a `# System Config:`
//!     title, the file and one more newline. A device that refuses it, or
//!     prints nothing, fails the backup; the file has no closing line, so a
//!     cut-short configuration cannot be told from a short one.
//!
//! The backup is byte for byte what Oxidized stores, with these
//! differences, all where the device refuses a command (Oxidized reads
//! stdout and stderr as one and parses or stores the error message):
//! a refused `cat /etc/board.info` (step 9) leaves the whole `Board Info`
//! block out, where Oxidized stores the title and `cat`'s error message; a
//! summary value not found where a command that could tell was refused
//! (`Model:` after a refused `head`, `IP Address:` after a refused
//! `/etc/hosts` and no address from `ifconfig`...) leaves its summary line
//! out, where Oxidized prints it empty or with a word of the error message
//! (`Version:` takes the last word of `cat`'s error); a refused ready-file
//! check leaves the `NTP:` line out. And a `\r\n` line ending is made `\n`
//! (an exec channel, with no terminal, prints `\n` alone; Oxidized would
//! keep the `\r`).
//!
//! `redact` hides, as Oxidized does and with its wording (the line turns
//! into a comment, `# users.1.password=<hidden>`), the passwords of users
//! and SNMP users/communities; beyond it, every other key that names a
//! password, pre-shared key, secret, passphrase or the controller's
//! `authkey` (`aaa.1.wpa.psk`, `aaa.1.radius.auth.1.secret`,
//! `mgmt.authkey`, `snmp.community`...), and the `x_authkey`,
//! `private_key_passwd` and `wep_keyN` keys, in the same form.
//!
//! `significant` ignores the `# NTP:` summary line: whether the clock is
//! synchronized right now says nothing about the configuration.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Unifiap;

const COMMENT: &str = "# ";

/// The AP's BusyBox shell prompt (`UAP-AC-Lite-BZ.v4.3.28# `); an
/// exec-mode session never waits for it.
const PROMPT: &str = r"^[^#\n]+# ?$";

const NTP_READY: &str = r#"[ -e /tmp/run/ntp.ready ] || [ -e /var/run/ntp.ready ] && echo "File(s) exist(s)" || echo "No such file""#;
const SYSTEM_CFG: &str = "cat /tmp/system.cfg";
const STARS: &str = "*************************";

/// One value of the summary.
#[derive(Default, Clone, PartialEq, Debug)]
enum Fact {
    /// Looked for: found or not (an empty value, as Oxidized prints it).
    Known(Option<String>),
    /// Not found, and a command that could have told was refused: the
    /// summary leaves its line out.
    #[default]
    Refused,
}

impl Fact {
    /// What `output` (`None`: refused) tells through `read`.
    fn from(output: Option<&str>, read: impl Fn(&str) -> Option<String>) -> Fact {
        output.map_or(Fact::Refused, |o| Fact::Known(read(o)))
    }

    fn found(&self) -> bool {
        matches!(self, Fact::Known(Some(_)))
    }

    /// This value, or a later source's: found wins, then refused.
    fn or(self, later: Fact) -> Fact {
        match (self, later) {
            (found @ Fact::Known(Some(_)), _) | (_, found @ Fact::Known(Some(_))) => found,
            (Fact::Refused, _) | (_, Fact::Refused) => Fact::Refused,
            (known, _) => known,
        }
    }
}

/// What the summary is made of.
#[derive(Default)]
struct Facts {
    model: Fact,
    version: Fact,
    mac: Fact,
    ip: Fact,
    hostname: Fact,
    /// `Some` when an NTP server or ready file was found: the state.
    ntp: Option<&'static str>,
}

impl Driver for Unifiap {
    fn info() -> DriverInfo {
        DriverInfo::exec(
            "unifiap",
            env!("CARGO_PKG_VERSION"),
            &["unifiap"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut facts = Facts::default();
        let board = ask(session, "head -4 /etc/board.info")?;
        facts.model = Fact::from(board.as_deref(), |o| first_group(o, MODEL));
        let version = ask(session, "cat /etc/version")?;
        facts.version = Fact::from(version.as_deref(), |o| first_group(o, VERSION));
        let eth0 = ask(session, "ifconfig eth0")?;
        facts.mac = Fact::from(eth0.as_deref(), |o| first_group(o, MAC));
        match ask(session, "cat /etc/hosts")? {
            Some(hosts) => {
                let (ip, hostname) = from_hosts(&hosts);
                facts.ip = Fact::Known(ip);
                facts.hostname = Fact::Known(hostname);
            }
            None => {
                facts.ip = Fact::Refused;
                facts.hostname = Fact::Refused;
            }
        }

        ask(session, "echo")?;
        for interface in ["ifconfig br0", "ifconfig eth0"] {
            if !facts.ip.found() {
                let out = ask(session, interface)?;
                facts.ip = facts
                    .ip
                    .or(Fact::from(out.as_deref(), |o| first_group(o, INET)));
            }
        }
        if !facts.hostname.found() {
            let out = ask(session, SYSTEM_CFG)?;
            facts.hostname = facts
                .hostname
                .or(Fact::from(out.as_deref(), |o| first_group(o, HOSTNAME)));
        }

        let server = ask(session, "ps wwww")?.and_then(|o| first_group(&o, NTP_SERVER));
        // A refused check of the ready files says nothing: no NTP line.
        match ask(session, NTP_READY)? {
            Some(ready) if text::re(r"(?i)No such file").is_match(&ready) => {
                if let Some(server) = server {
                    let out = ask(session, &format!("ntpclient -d -n -c 2 -i0 -h {server}"))?
                        .unwrap_or_default();
                    facts.ntp = Some(match skew(&out) {
                        Some(skew) if ruby_to_f(&skew).abs() < 1e6 => "Synchronized",
                        _ => "FAIL",
                    });
                }
            }
            Some(_) => facts.ntp = Some("Synchronized"),
            None => {}
        }

        ask(session, "echo")?;
        let mut config = text::comment(&summary(&facts), COMMENT);

        if let Some(board) = session.optional_exec("cat /etc/board.info")? {
            config.push_str(&text::comment(
                &format!("#\n# Board Info:\n#\n{}", text::unix_newlines(&board)),
                COMMENT,
            ));
        }
        let system = text::unix_newlines(&session.essential_exec(SYSTEM_CFG)?);
        config.push_str("#\n# System Config:\n#\n");
        config.push_str(&system);
        config.push('\n');
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^# NTP: "])
    }
}

/// An information command's output with `\n` line endings; `None` when
/// the device refused it.
fn ask(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
    Ok(session
        .optional_exec(command)?
        .map(|o| text::unix_newlines(&o)))
}

const MODEL: &str = r"(?i)board\.name=(\S+)";
/// The last word of the first line that ends in one.
const VERSION: &str = r"(?m)(\S+)$";
const MAC: &str = r"(?i)eth0\s+Link encap:Ethernet\s+HWaddr\s+(\w+:\w+:\w+:\w+:\w+:\w+)";
const INET: &str = r"(?i)inet addr:\s*(\d+\.\d+\.\d+\.\d+)";
/// Oxidized's pattern, its unescaped dots included.
const HOSTNAME: &str = r"(?i)resolv.host.1.name=(\S+)";
const NTP_SERVER: &str = r"(?i)bin/ntpclient.+-h\s*(\S+)";

/// The first group of the first match of `pattern` in `output`.
fn first_group(output: &str, pattern: &str) -> Option<String> {
    text::re(pattern)
        .captures(output)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
}

/// The address and name of the last `/etc/hosts` line that is not a
/// loopback entry and holds an IPv4 address followed by a name.
fn from_hosts(hosts: &str) -> (Option<String>, Option<String>) {
    let loopback =
        text::re(r"^\s*(?:127|0000:0000:0000:0000:0000:0000:0000:0001|0:0:0:0:0:0:0:1|::1)");
    let entry = text::re(r"(\d+\.\d+\.\d+\.\d+)\s+(\S+)");
    let mut found = (None, None);
    for line in hosts.split('\n').filter(|l| !loopback.is_match(l)) {
        if let Some(c) = entry.captures(line) {
            found = (
                c.get(1).map(|m| m.as_str().to_string()),
                c.get(2).map(|m| m.as_str().to_string()),
            );
        }
    }
    found
}

/// The skew column of `ntpclient -d`'s statistics line: the column whose
/// title, in the last header line of words, is `skew`.
fn skew(output: &str) -> Option<String> {
    let header = text::re(r"(?i)^\s*[a-z]+\s+[a-z]+\s+[a-z]+\s+[a-z]+");
    let numbers = text::re(r"^\s*[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+");
    let mut index = None;
    let mut skew = None;
    for line in text::lines(output) {
        if header.is_match(line) {
            index = line
                .split_whitespace()
                .position(|w| w.eq_ignore_ascii_case("skew"));
        }
        if let Some(i) = index
            && numbers.is_match(line)
        {
            skew = line.split_whitespace().nth(i).map(str::to_string);
        }
    }
    skew
}

/// A number read as Ruby's `String#to_f` reads it: the longest leading
/// decimal number, 0 when there is none.
fn ruby_to_f(s: &str) -> f64 {
    text::re(r"^\s*[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?")
        .find(s)
        .and_then(|m| m.as_str().trim().parse().ok())
        .unwrap_or(0.0)
}

/// The summary block (before commenting).
fn summary(facts: &Facts) -> String {
    let mut lines = vec![STARS.to_string()];
    for (title, fact) in [
        ("Model:       ", &facts.model),
        ("Version:     ", &facts.version),
        ("MAC Address: ", &facts.mac),
        ("IP Address:  ", &facts.ip),
        ("Hostname:    ", &facts.hostname),
    ] {
        if let Fact::Known(value) = fact {
            lines.push(format!("{title}{}", value.as_deref().unwrap_or_default()));
        }
    }
    if let Some(ntp) = facts.ntp {
        lines.push(format!("NTP:         {ntp}"));
    }
    lines.push(STARS.to_string());
    lines.join("\n") + "\n"
}

/// Secret removal, line by line: `(needle, regex, replacement)`; each
/// secret line becomes a comment with its value hidden.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // Oxidized's: `users.1.password=`, `snmp.user.1.password=`...
    (
        ".password=",
        r"^((?:users|snmp\.(?:user|community))\.\d+\.password)=.+",
        "# $1=<hidden>",
    ),
    // Any other key whose last part names a secret.
    (
        "=",
        r"^([\w.-]*\b(?:password|passwd|psk|secret|passphrase|authkey|community|x_passphrase|x_authkey|private_key_passwd|wep_key\d*))=.+",
        "# $1=<hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Unifiap);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Unifiap>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Unifiap>(CONFORMANCE);
    }

    // Minimal, no published output of a UniFi AP holding these files
    // exists: the keys are those UniFi firmware writes (`board.name`,
    // `board.sysid`, `resolv.host.1.name`, `users.1.password`,
    // `mgmt.authkey`), the version in UniFi's `BZ.<soc>.v4.3.28...` form,
    // `ifconfig` in BusyBox's layout, `ntpclient -d`'s statistics header
    // as ntpclient prints it. The secrets are canaries.
    const BOARD_HEAD: &str =
        "board.sysid=0xe517\nboard.name=UAP-AC-Lite\nboard.shortname=U7LT\nboard.subsysid=0x0000\n";
    const BOARD: &str = "board.sysid=0xe517\nboard.name=UAP-AC-Lite\nboard.shortname=U7LT\nboard.subsysid=0x0000\nboard.hwaddr=788A20112233\n";
    const VERSION_TEXT: &str = "BZ.qca956x.v4.3.28.11361.210211.1622\n";
    const ETH0: &str = "eth0      Link encap:Ethernet  HWaddr 78:8A:20:11:22:33\n          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n          RX packets:100 errors:0 dropped:0 overruns:0 frame:0\n\n";
    const BR0: &str = "br0       Link encap:Ethernet  HWaddr 78:8A:20:11:22:33\n          inet addr:192.0.2.21  Bcast:192.0.2.255  Mask:255.255.255.0\n";
    const PS: &str = "  PID USER       VSZ STAT COMMAND\n    1 admin     1592 S    init\n  812 admin     1056 S    /bin/ntpclient -s -h pool.ntp.org\n";
    const NTPCLIENT: &str = "Configuration:\n  -c probe_count 2\n day   second     elapsed    stall     skew  dispersion  freq\n 59234  44400.101    1000.0     79.1  17024.2    137.3  -181568\n";
    const SYSTEM: &str = "aaa.1.status=enabled\naaa.1.wpa.psk=PSKCANARY\nmgmt.authkey=AUTHKEYCANARY\nresolv.host.1.name=uap-lobby\nusers.1.name=admin\nusers.1.password=HASHCANARY\n";

    /// An exec-mode recording (a map: any order, each key as often as
    /// asked, every key used) of `(command, reply)` pairs.
    fn recording(replies: &[(&str, &str)]) -> String {
        let mut yaml = String::from("init_prompt:\ncommands:\n");
        for (command, reply) in replies {
            yaml.push_str(&format!("  {:?}: {:?}\n", format!("{command}\n"), reply));
        }
        yaml
    }

    /// The address and name come from `/etc/hosts`, NTP from the ready file.
    fn session_a(system: &str) -> String {
        recording(&[
            ("head -4 /etc/board.info", BOARD_HEAD),
            ("cat /etc/version", VERSION_TEXT),
            ("ifconfig eth0", ETH0),
            (
                "cat /etc/hosts",
                "127.0.0.1 localhost.localdomain localhost\n::1 localhost\n192.0.2.20 uap-lobby\n",
            ),
            ("echo", "\n"),
            ("ps wwww", PS),
            (NTP_READY, "File(s) exist(s)\n"),
            ("cat /etc/board.info", BOARD),
            (SYSTEM_CFG, system),
        ])
    }

    /// `/etc/hosts` holds loopback entries only: the address comes from
    /// `br0`, the name from the configuration; no ready file, so the skew
    /// is measured.
    fn session_b() -> String {
        recording(&[
            ("head -4 /etc/board.info", BOARD_HEAD),
            ("cat /etc/version", VERSION_TEXT),
            ("ifconfig eth0", ETH0),
            (
                "cat /etc/hosts",
                "127.0.0.1 localhost.localdomain localhost\n::1 localhost\n\n",
            ),
            ("echo", "\n"),
            ("ifconfig br0", BR0),
            ("ps wwww", PS),
            (NTP_READY, "No such file\n"),
            ("ntpclient -d -n -c 2 -i0 -h pool.ntp.org", NTPCLIENT),
            ("cat /etc/board.info", BOARD),
            (SYSTEM_CFG, SYSTEM),
        ])
    }

    /// What Oxidized's model stores for both sessions but for the address
    /// (../shared/oxidized/oracle unifiap).
    fn expected(ip: &str) -> String {
        format!(
            "# *************************\n\
             # Model:       UAP-AC-Lite\n\
             # Version:     BZ.qca956x.v4.3.28.11361.210211.1622\n\
             # MAC Address: 78:8A:20:11:22:33\n\
             # IP Address:  {ip}\n\
             # Hostname:    uap-lobby\n\
             # NTP:         Synchronized\n\
             # *************************\n\
             # #\n# # Board Info:\n# #\n\
             # board.sysid=0xe517\n# board.name=UAP-AC-Lite\n# board.shortname=U7LT\n\
             # board.subsysid=0x0000\n# board.hwaddr=788A20112233\n\
             #\n# System Config:\n#\n\
             aaa.1.status=enabled\naaa.1.wpa.psk=PSKCANARY\nmgmt.authkey=AUTHKEYCANARY\n\
             resolv.host.1.name=uap-lobby\nusers.1.name=admin\nusers.1.password=HASHCANARY\n\n"
        )
    }

    #[test]
    fn the_backup_is_what_oxidized_stores_with_hosts_and_a_ready_file() {
        let backup =
            scripted::backup::<Unifiap>(&session_a(SYSTEM), &Device::default()).expect("whole");
        assert_eq!(backup.config, expected("192.0.2.20"));
    }

    #[test]
    fn the_fallbacks_run_as_in_oxidized_when_hosts_and_ready_file_are_missing() {
        // The map recording must be used up: `ifconfig br0`, the second
        // `cat /tmp/system.cfg` and `ntpclient` all went out.
        let backup = scripted::backup::<Unifiap>(&session_b(), &Device::default()).expect("whole");
        assert_eq!(backup.config, expected("192.0.2.21"));
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Unifiap>(
            &session_a("cat: can't open '/tmp/system.cfg': No such file or directory\n"),
            &Device::default(),
            r#"essential command "cat /tmp/system.cfg": the device refused it"#,
        );
        scripted::backup_fails_with::<Unifiap>(
            &session_a(""),
            &Device::default(),
            "the device printed nothing",
        );
    }

    #[test]
    fn a_refused_board_file_is_left_out() {
        let missing = "cat: can't open '/etc/board.info': No such file or directory\n";
        let yaml = session_a(SYSTEM)
            .replace(&format!("{:?}", BOARD), &format!("{missing:?}"))
            .replace(
                &format!("{:?}", BOARD_HEAD),
                "\"head: /etc/board.info: No such file or directory\\n\"",
            );
        let backup = scripted::backup_without::<Unifiap>(
            &yaml,
            &Device::default(),
            &["head -4 /etc/board.info", "cat /etc/board.info"],
        );
        // Its summary line goes too (Oxidized prints `# Model:       `).
        assert!(!backup.config.contains("Model:"), "{}", backup.config);
        assert!(
            backup
                .config
                .contains("# *************************\n# Version:     BZ."),
            "{}",
            backup.config
        );
        assert!(!backup.config.contains("Board Info"), "{}", backup.config);
        assert!(!backup.config.contains("can't open"), "{}", backup.config);
    }

    #[test]
    fn skew_reads_the_column_titled_skew() {
        assert_eq!(skew(NTPCLIENT).as_deref(), Some("17024.2"));
        assert_eq!(skew("no statistics\n"), None);
        assert!(ruby_to_f("1234567.0").abs() >= 1e6);
        assert_eq!(ruby_to_f("12.5abc"), 12.5);
        assert_eq!(ruby_to_f("x"), 0.0);
    }

    #[test]
    fn a_large_skew_is_a_failure() {
        let far = NTPCLIENT.replace("17024.2", "2500000.0");
        let yaml = session_b().replace(&format!("{NTPCLIENT:?}"), &format!("{far:?}"));
        let backup = scripted::backup::<Unifiap>(&yaml, &Device::default()).expect("whole");
        assert!(
            backup.config.contains("# NTP:         FAIL\n"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn significant_ignores_the_ntp_state() {
        let synced = expected("192.0.2.20");
        let failed = synced.replace("NTP:         Synchronized", "NTP:         FAIL");
        assert_ne!(synced, failed);
        assert_eq!(Unifiap::significant(&synced), Unifiap::significant(&failed));
        assert!(Unifiap::significant(&synced).contains("# Hostname:    uap-lobby\n"));
    }

    #[test]
    fn redact_hides_every_secret_as_a_comment() {
        let out = Unifiap::redact(
            "users.1.password=HASHCANARY\nsnmp.user.1.password=V3CANARY\naaa.1.wpa.psk=PSKCANARY\n\
             aaa.1.radius.auth.1.secret=RADCANARY\nmgmt.authkey=AUTHKEYCANARY\nsnmp.community=COMMCANARY\n\
             mgmt.x_authkey=XAUTHCANARY\n\
             wpasupplicant.profile.1.network.1.private_key_passwd=PKCANARY\n\
             wpasupplicant.profile.1.network.1.wep_key0=WEPCANARY\n\
             aaa.1.wpa.group_rekey=3600\n\
             users.1.name=admin\n",
        );
        assert_eq!(
            out,
            "# users.1.password=<hidden>\n# snmp.user.1.password=<hidden>\n# aaa.1.wpa.psk=<hidden>\n\
             # aaa.1.radius.auth.1.secret=<hidden>\n# mgmt.authkey=<hidden>\n# snmp.community=<hidden>\n\
             # mgmt.x_authkey=<hidden>\n\
             # wpasupplicant.profile.1.network.1.private_key_passwd=<hidden>\n\
             # wpasupplicant.profile.1.network.1.wep_key0=<hidden>\n\
             aaa.1.wpa.group_rekey=3600\n\
             users.1.name=admin\n"
        );
    }
}
