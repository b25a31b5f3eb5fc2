//! Mellanox MLNX-OS / NVIDIA Onyx switches (Oxidized model `mlnxos`).
//!
//! Checked against a session of an MLNX-OS 3.6.5000 switch (`x86onie`),
//! stitched from published output of that platform (see
//! `tests/corpus/netraven/mlnxos#x86onie_MLNX-OS_3.6.5000#source.md`):
//! Ansible's Onyx unit-test fixtures (`show version`, the running
//! configuration) and the prompts, login banner and `enable` dialogue of
//! Cray-HPE's CSM documentation. No published `show inventory` output was
//! found: the recording answers it with the refusal, a stand-in.
//!
//! Session: the prompt is the hostname, the MLAG/standalone role in
//! brackets, then `>` (standard mode) or `#` (enable mode) and a space:
//! `sw-spine01 [standalone: master] > `, `sw-spine-001 [mlag-domain:
//! master] # `. Configuration-mode prompts (`(config) # `) are not prompts
//! here. After login the driver sends `no cli session paging enable`, and
//! answers the pager (`lines 1-22 `, `lines 23-40/40 (END) `) with a space
//! should one come anyway. Logout is a newline and `exit`, sent together as
//! Oxidized sends them; the switch hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show version` (optional), without its `Uptime:`, `CPU load averages:`
//!   and `System memory:` lines, and `show inventory` (optional), each
//!   stored as `## ` comments followed by a `## ` line;
//! - `enable` (always, as Oxidized; the host types the enable secret if the
//!   switch asks for one);
//! - `show running-config` (essential), without its `## Generated at ...`
//!   line. MLNX-OS closes its configuration with no line of its own, so a
//!   configuration cut short cannot be told from a whole one.
//!
//! Every output loses its echo and its prompt, then one blank line at its
//! start and one at its end where the switch printed them. Oxidized instead
//! drops the first two lines and the last two of every output, which is
//! the same on a switch that frames its output with blank lines, but on one
//! that does not (the recording, as published) it loses `Product name:`,
//! `Swap:` and the configuration's last line (`cli default prefix-modes
//! enable`). Oxidized also stores a `## ` line for a refused `show
//! inventory`, where this driver leaves the command out. The case keeps
//! Oxidized's text as `#oxidized.txt`.
//!
//! A refusal is Samara CLI's `% Unrecognized command` (the wording
//! rancid-mellanox treats as "command not valid").
//!
//! `redact` hides, keeping each keyword: SNMP communities (Oxidized drops
//! the whole line; here the rest of it stays) and v3 user keys, user
//! password hashes (Oxidized hides the whole line, user name included),
//! RADIUS/TACACS+ keys, the LDAP bind password, the web proxy password, NTP
//! authentication keys and BGP neighbour passwords. MLNX-OS already prints
//! most of these as `********` in `show running-config`. `significant`
//! ignores the `## Swap:` line of `show version`.
//!
//! Device vars: none. `enable` is sent whatever the vars say, as Oxidized
//! does for this model.

use netraven_driver_sdk::prelude::*;

pub struct Mlnxos;

/// Hostname, `[role-or-domain: master|standby]`, then `>` or `#` and a
/// space. A carriage return may come first.
const PROMPT: &str = r"^\r?\S* \[\S+: (?:master|standby)\] [#>]\s?$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s*$";

/// The pager (`less`): `lines 1-22 `, and on the last page
/// `lines 23-40/40 (END) `.
const PAGER: &str = r"lines \d+-\d+(?:/\d+ \(END\))? ?$";

const PAGING_OFF: &str = "no cli session paging enable";

const SHOW_VERSION: &str = "show version";
const SHOW_INVENTORY: &str = "show inventory";
const SHOW_CONFIG: &str = "show running-config";

/// `show version` lines that change without a configuration change.
const VERSION_VOLATILE: [&str; 3] = [
    r"^CPU load averages:\s",
    r"^System memory:\s",
    r"^Uptime:\s",
];

impl Driver for Mlnxos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "mlnxos",
            env!("CARGO_PKG_VERSION"),
            &["mlnxos"],
            PROMPT,
            "## ",
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.on_pattern(PAGER, " ")?;
        session.command(PAGING_OFF)?;

        let mut config = String::new();
        if let Some(raw) = session.optional(SHOW_VERSION)? {
            let version = text::drop_lines(&framed_output(&raw), &VERSION_VOLATILE);
            config.push_str(&text::comment(&format!("{version}\n"), "## "));
        }
        if let Some(raw) = session.optional(SHOW_INVENTORY)? {
            config.push_str(&text::comment(&format!("{}\n", framed_output(&raw)), "## "));
        }

        login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;

        let raw = session.essential(SHOW_CONFIG)?;
        config.push_str(&text::drop_lines(
            &framed_output(&raw),
            &[r".+Generated at\s\d+.+"],
        ));
        Ok(Backup::config(config))
    }

    /// A newline, then `exit`, in one write as Oxidized sends them; the
    /// switch closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("\nexit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^## Swap:\s"])
    }
}

/// What a command printed: unix line endings, backspaces applied, without
/// the echo and the prompt, and without the one blank line the switch may
/// print before its output and the one it may print after it.
fn framed_output(raw: &str) -> String {
    let clean = text::apply_backspaces(&text::unix_newlines(raw));
    let output = text::cut_echo_and_prompt(&clean);
    let lines: Vec<&str> = text::lines(&output).collect();
    let blank = |line: &&str| line.trim().is_empty();
    let start = usize::from(lines.first().is_some_and(blank));
    let end = if lines.len() > start && lines.last().is_some_and(blank) {
        lines.len() - 1
    } else {
        lines.len()
    };
    lines[start..end].concat()
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle, each keeping the keyword that names
/// the secret and hiding its value (an encryption type such as `7` stays).
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "snmp-server community",
        r"^(\s*snmp-server community) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server user",
        r"( auth (?:md5|sha\d*)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server user",
        r"( priv (?:des|3des|aes-\d+)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "username ",
        r"^(\s*username \S+ password(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "-server",
        r"^(\s*(?:radius|tacacs)-server (?:host \S+ .*?)?key(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "bind-password",
        r"^(\s*ldap bind-password) \S+",
        "$1 <secret hidden>",
    ),
    (
        "proxy auth",
        r"^(\s*web proxy auth basic password) \S+",
        "$1 <secret hidden>",
    ),
    (
        "authentication-key",
        r"^(\s*ntp authentication-key \d+ \S+(?: encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        " password ",
        r"( neighbor \S+ password(?: \d)?) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Mlnxos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Mlnxos>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Mlnxos>(CORPUS);
    }

    const USER: &str = "sw-spine01 [standalone: master] >\\x20";
    const ENABLED: &str = "sw-spine01 [standalone: master] #\\x20";

    /// A session as the switch of the corpus answers it, with `version`,
    /// `inventory` and `config` as the replies (after the echo) to the two
    /// optional commands and the running configuration.
    fn recording(version: &str, inventory: &str, config: &str) -> String {
        format!(
            "init_prompt: \"{USER}\"\ncommands:\n\
             \x20 - \"no cli session paging enable\\n\": \"no cli session paging enable\\n{USER}\"\n\
             \x20 - \"show version\\n\": \"show version\\n{version}{USER}\"\n\
             \x20 - \"show inventory\\n\": \"show inventory\\n{inventory}{USER}\"\n\
             \x20 - \"enable\\n\": \"enable\\n{ENABLED}\"\n\
             \x20 - \"show running-config\\n\": \"show running-config\\n{config}{ENABLED}\"\n\
             \x20 - \"\\nexit\\n\": \"\"\n"
        )
    }

    const VERSION: &str = "Product name:      MLNX-OS\\nProduct release:   3.6.5000\\n\
                           Uptime:            1d 16h 31m 43.856s\\nSwap:              0 MB used\\n";
    const INVENTORY: &str = "CHASSIS   MSN2700\\n";
    const CONFIG: &str = "##\\n## Running database initial\\n## Generated at 2017/11/28 17:52:08 +0000\\n\
                          ##\\n\\nhostname ufm-switch16\\n\\n##\\ncli default prefix-modes enable\\n";
    const UNRECOGNIZED: &str = "% Unrecognized command\\n";

    const STORED_CONFIG: &str = "##\n## Running database initial\n##\n\nhostname ufm-switch16\n\n##\ncli default prefix-modes enable\n";

    #[test]
    fn the_backup_keeps_every_line_of_unframed_output() {
        let backup =
            scripted::backup::<Mlnxos>(&recording(VERSION, INVENTORY, CONFIG), &Device::default())
                .expect("replayed whole");
        assert_eq!(
            backup.config,
            format!(
                "## Product name:      MLNX-OS\n## Product release:   3.6.5000\n\
                 ## Swap:              0 MB used\n## \n## CHASSIS   MSN2700\n## \n{STORED_CONFIG}"
            )
        );
    }

    #[test]
    fn blank_lines_framing_an_output_go_as_oxidized_drops_them() {
        let framed = |body: &str| format!("\\n{body}\\n");
        let backup = scripted::backup::<Mlnxos>(
            &recording(&framed(VERSION), &framed(INVENTORY), &framed(CONFIG)),
            &Device::default(),
        )
        .expect("replayed whole");
        assert_eq!(
            backup.config,
            format!(
                "## Product name:      MLNX-OS\n## Product release:   3.6.5000\n\
                 ## Swap:              0 MB used\n## \n## CHASSIS   MSN2700\n## \n{STORED_CONFIG}"
            )
        );
    }

    #[test]
    fn a_switch_that_refuses_version_and_inventory_is_backed_up_without_them() {
        let backup = scripted::backup_without::<Mlnxos>(
            &recording(UNRECOGNIZED, UNRECOGNIZED, CONFIG),
            &Device::default(),
            &["show version", "show inventory"],
        );
        assert_eq!(backup.config, STORED_CONFIG);
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Mlnxos>(
            &recording(VERSION, INVENTORY, UNRECOGNIZED),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Unrecognized command""#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt() {
        let yaml = format!(
            "init_prompt: \"{USER}\"\ncommands:\n\
             \x20 - \"no cli session paging enable\\n\": \"no cli session paging enable\\n{USER}\"\n\
             \x20 - \"show version\\n\": \"show version\\n{VERSION}{USER}\"\n\
             \x20 - \"show inventory\\n\": \"show inventory\\n{INVENTORY}{USER}\"\n\
             \x20 - \"enable\\n\": \"enable\\nPassword: \"\n\
             \x20 - \"<enable>\\n\": \"\\n{ENABLED}\"\n\
             \x20 - \"show running-config\\n\": \"show running-config\\n{CONFIG}{ENABLED}\"\n\
             \x20 - \"\\nexit\\n\": \"\"\n"
        );
        let backup = scripted::backup::<Mlnxos>(&yaml, &Device::default()).expect("replayed");
        assert!(backup.config.ends_with(STORED_CONFIG), "{}", backup.config);
    }

    #[test]
    fn the_pager_is_answered_and_left_out() {
        let yaml = format!(
            "init_prompt: \"{USER}\"\ncommands:\n\
             \x20 - \"no cli session paging enable\\n\": \"no cli session paging enable\\n{USER}\"\n\
             \x20 - \"show version\\n\": \"show version\\n{VERSION}{USER}\"\n\
             \x20 - \"show inventory\\n\": \"show inventory\\n{INVENTORY}{USER}\"\n\
             \x20 - \"enable\\n\": \"enable\\n{ENABLED}\"\n\
             \x20 - \"show running-config\\n\": \"show running-config\\n##\\nhostname a\\nlines 1-2\\x20\"\n\
             \x20 - \" \": \"cli default prefix-modes enable\\nlines 3-3/3 (END)\\x20\"\n\
             \x20 - \" \": \"\\n{ENABLED}\"\n\
             \x20 - \"\\nexit\\n\": \"\"\n"
        );
        let backup = scripted::backup::<Mlnxos>(&yaml, &Device::default()).expect("replayed");
        assert!(
            backup
                .config
                .ends_with("##\nhostname a\ncli default prefix-modes enable\n"),
            "{:?}",
            backup.config
        );
    }

    #[test]
    fn framed_output_drops_one_blank_line_at_each_end() {
        assert_eq!(framed_output("echo\r\n\r\na\r\nb\r\n\r\nsw #"), "a\nb\n");
        assert_eq!(framed_output("echo\na\n\n\nsw #"), "a\n\n");
        assert_eq!(framed_output("echo\na\nsw #"), "a\n");
        assert_eq!(framed_output("echo\n\nsw #"), "");
        assert_eq!(framed_output("echo\nsw #"), "");
        assert_eq!(framed_output(""), "");
    }

    #[test]
    fn prompt_takes_roles_and_domains_and_refuses_config_mode() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "sw-spine01 [standalone: master] > ",
            "sw-spine-001 [standalone: master] # ",
            "sw-spine-001 [mlag-domain: master] # ",
            "sw-spine-002 [gamora-mlag-domain: master] # ",
            "switch-a1 [my-mlag: standby] > ",
            "\rsw-spine01 [standalone: master] >",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "sw-spine-001 [standalone: master] (config) # ",
            "sw-spine-001 [standalone: master] (config interface vlan 1 magp 1) # ",
            "## Running database \"initial\"",
            "Mellanox Switch",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_secrets_and_keeps_keywords() {
        let cfg = "   snmp-server community PUBCOMM ro\n\
                   username admin password 7 $6$HASHHASH\n\
                   username monitor capability monitor\n\
                   snmp-server user u1 v3 auth sha AUTHKEY priv aes-128 PRIVKEY\n\
                   radius-server key RADKEY\n\
                   tacacs-server host 192.0.2.5 key 7 TACKEY\n\
                   ldap bind-password LDAPPW\n\
                   web proxy auth basic password PROXYPW\n\
                   ntp authentication-key 1 md5 NTPKEY\n\
                   router bgp 65000 vrf default neighbor 192.0.2.9 password BGPPW\n";
        let out = Mlnxos::redact(cfg);
        for secret in [
            "PUBCOMM", "HASHHASH", "AUTHKEY", "PRIVKEY", "RADKEY", "TACKEY", "LDAPPW", "PROXYPW",
            "NTPKEY", "BGPPW",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "   snmp-server community <secret hidden> ro\n",
            "username admin password 7 <secret hidden>\n",
            "username monitor capability monitor\n",
            "auth sha <secret hidden> priv aes-128 <secret hidden>\n",
            "radius-server key <secret hidden>\n",
            "tacacs-server host 192.0.2.5 key 7 <secret hidden>\n",
            "ldap bind-password <secret hidden>\n",
            "web proxy auth basic password <secret hidden>\n",
            "ntp authentication-key 1 md5 <secret hidden>\n",
            "neighbor 192.0.2.9 password <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_ignores_swap_usage() {
        let a = "## Number of CPUs:    4\n## Swap:              0 MB used / 0 MB free / 0 MB total\n## \nhostname a\n";
        let b = "## Number of CPUs:    4\n## Swap:              12 MB used / 4 MB free / 16 MB total\n## \nhostname a\n";
        assert_eq!(Mlnxos::significant(a), Mlnxos::significant(b));
        assert_eq!(
            Mlnxos::significant(a),
            "## Number of CPUs:    4\n## \nhostname a\n"
        );
    }
}
