//! ADVA FSP 150 Ethernet access devices with the F3 CLI (FSP 150CC
//! GE104, GE114, XG108 and their kin; Oxidized model `adva`).
//!
//! Checked against a session stitched from published output of that
//! platform (see `tests/corpus/netraven/adva#FSP150-GE104_13.7.1#source.md`):
//! netutils' capture of a GE114Pro's `show running-config delta`, and the
//! `show system`, `show shelf-info`, `show ports` and per-port outputs, the
//! prompts and echoes of an FSP 150-GE104 running 13.7.1 that the
//! napalm-adva driver published as test data.
//!
//! Session: the prompt is the CLI prefix (the system name unless
//! `configure system` / `prompt` set another), then `-->` and a space
//! (`AD-FSP150GE104-C-1-LDP00-GB--> `); inside a network element it names
//! it (`...-NE-1--> `), deeper contexts add `:` and the entity
//! (`...-NE-1:ntexg108-1-1-1-->`). The CLI pages long outputs unless paging
//! is disabled for the backup user, as Oxidized's model also requires: the
//! driver has no pager to answer. Logout is `logout`; the device hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show running-config delta` (essential): the configuration, as the
//!   commands that differ from the factory defaults. Its first line,
//!   `Preparing configuration file...`, is dropped. A device that refuses
//!   the command fails the backup as `command_rejected`, and so does a
//!   configuration without its `#end` line, which was cut short;
//! - `show system` (optional), without the clock (`Local Time`) and the
//!   uptime (`System Up Time`);
//! - `network-element ne-1`, which enters the first network element (its
//!   output is nothing but the echo and the new prompt);
//! - `show shelf-info` (optional);
//! - `show ports` (optional, not stored): its first column names each
//!   access and network port, and for each one `show access-port <port>` or
//!   `show network-port <port>` (optional) is stored.
//!
//! Each stored output other than the configuration becomes a `# ` comment
//! block after two empty lines, headed `# COMMAND: <command>` and an empty
//! `# ` line, as Oxidized stores it.
//!
//! Better than Oxidized: Oxidized takes each port name with the spaces that
//! pad its `show ports` column and sends and stores them
//! (`# COMMAND: show access-port access-1-1-1-3 `); the padding follows the
//! widest cell of the table, so the stored header changes when a port
//! elsewhere does. The driver trims the name, so `#output.txt` differs from
//! Oxidized's text (`#oxidized.txt`) in those headers only.
//!
//! A refusal is recognised by the SDK's list of refusal wordings
//! (`text::REFUSALS`); no published ADVA refusal was found.
//!
//! `redact` hides, keeping each keyword: SNMP community strings (`add` and
//! `delete community "..."`, as Oxidized hides them), the community that a
//! SNMPv1/v2c `target-params` entry names, and any `...password` or
//! `...secret` value.
//!
//! `significant` drops the comment lines of the status that changes
//! without a configuration change: operational and secondary states,
//! negotiated speeds and MDIX status, link-loss-forwarding and OAM peer
//! state, loopback status, tail-drop counters, and `show system`'s file
//! service and call-home progress.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Adva;

/// The CLI prefix, an optional network-element and entity context, then
/// `-->` and a space.
const PROMPT: &str = r"^[\w.:/-]+-->\s?$";

const SHOW_CONFIG: &str = "show running-config delta";

const SHOW_SYSTEM: &str = "show system";

const NETWORK_ELEMENT: &str = "network-element ne-1";

const SHOW_SHELF: &str = "show shelf-info";

const SHOW_PORTS: &str = "show ports";

/// The line the configuration starts with while the device builds it.
const PREPARING: &str = r"^Preparing configuration file";

/// The line that ends a whole configuration.
const CONFIG_END: &str = "#end";

/// `show system` lines that change by the second: the clock and the uptime.
const CLOCK_LINES: &str = r"(?i)up time|local time";

/// Comment lines of status that changes while the configuration does not.
const VOLATILE: &str = r"^# +(?:Operational State|Secondary States|Negotiated Port Speed|MDIX Status|Max Port Speed(?: \(bps\))?|LLF Active|OAM Discovery State|OAM Rmt [^:]*|Loopback Status|Tail Dropped Count|File services (?:status|percent complete|mode)|Call Home State) :";

impl Driver for Adva {
    fn info() -> DriverInfo {
        DriverInfo::shell("adva", env!("CARGO_PKG_VERSION"), &["adva"], PROMPT, "# ")
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let raw = session.essential(SHOW_CONFIG)?;
        let mut config = running_config(&raw)?;

        if let Some(raw) = session.optional(SHOW_SYSTEM)? {
            let system = text::drop_lines(&text::command_output(&raw), &[CLOCK_LINES]);
            config.push_str(&section(SHOW_SYSTEM, &system));
        }

        session.command(NETWORK_ELEMENT)?;
        if let Some(raw) = session.optional(SHOW_SHELF)? {
            config.push_str(&section(SHOW_SHELF, &text::command_output(&raw)));
        }

        if let Some(raw) = session.optional(SHOW_PORTS)? {
            for (kind, port) in ports(&text::command_output(&raw)) {
                let command = format!("show {kind}-port {port}");
                if let Some(raw) = session.optional(&command)? {
                    config.push_str(&section(&command, &text::command_output(&raw)));
                }
            }
        }
        Ok(Backup::config(config))
    }

    /// Log out; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("logout\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[VOLATILE])
    }
}

/// What `show running-config delta` printed, without the echo, the prompt
/// and the `Preparing configuration file...` line; an error when the
/// `#end` line is missing (the output was cut short).
fn running_config(raw: &str) -> Result<String, DriverError> {
    let config = text::drop_lines(&text::command_output(raw), &[PREPARING]);
    if text::lines(&config).any(|line| line.trim_end() == CONFIG_END) {
        return Ok(config);
    }
    let last = config
        .lines()
        .map(str::trim_end)
        .rfind(|line| !line.is_empty())
        .unwrap_or_default();
    Err(SessionError::Rejected(format!(
        "essential command {SHOW_CONFIG:?}: the configuration stops at {last:?}, before its {CONFIG_END:?} line: cut short"
    ))
    .into())
}

/// An output stored as Oxidized stores it: two empty lines, then a `# `
/// comment block headed by the command and an empty line.
fn section(command: &str, output: &str) -> String {
    let block = format!("COMMAND: {command}\n\n{output}");
    format!("\n\n{}", text::comment(&block, "# "))
}

/// The access and network ports that `show ports` lists, in its order, as
/// `(kind, port)`: `("access", "access-1-1-1-3")`. The port is the first
/// cell of a table row (`|access-1-1-1-3 |in-service |...`), without the
/// spaces that pad its column.
fn ports(listing: &str) -> Vec<(&'static str, &str)> {
    let mut found = Vec::new();
    for line in text::lines(listing) {
        let Some(row) = line.trim_start().strip_prefix('|') else {
            continue;
        };
        let cell = row.split('|').next().unwrap_or_default().trim();
        let kind = if cell.starts_with("access-") {
            "access"
        } else if cell.starts_with("network-") {
            "network"
        } else {
            continue;
        };
        if cell
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        {
            found.push((kind, cell));
        }
    }
    found
}

/// Secret removal, line by line: `(needle, regex, replacement)`.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `add community "public" readonly`, `delete community "private"`.
    (
        "community \"",
        r#"(community) "[^"]*""#,
        r#"$1 "<secret hidden>""#,
    ),
    // A SNMPv1/v2c target's security name is its community:
    // `add target-params "nms" snmpv2c snmpv2c "public" no-auth`.
    (
        "target-params",
        r#"(target-params "[^"]*" snmpv(?:1|2c) snmpv(?:1|2c)) "[^"]*""#,
        r#"$1 "<secret hidden>""#,
    ),
    (
        "password",
        r#"((?:^|\s)[\w-]*password) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
    (
        "secret",
        r#"((?:^|\s)[\w-]*secret) (?:"[^"]*"|\S+)"#,
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Adva);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Adva>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Adva>(CORPUS);
    }

    const P: &str = "AD-FSP150GE104-C-1-LDP00-GB--> ";
    const NE: &str = "AD-FSP150GE104-C-1-LDP00-GB-NE-1--> ";

    /// A session as the GE104 of the corpus answers it, with `config` as
    /// what `show running-config delta` prints and one access port.
    fn recording(config: &str, port: &str) -> String {
        format!(
            "init_prompt: '{P}'\ncommands:\n\
             \x20 - \"show running-config delta\\n\": 'show running-config delta\\n{config}{P}'\n\
             \x20 - \"show system\\n\": 'show system\\nSystem Name : GE104\\nLocal Time : 2022-12-12,14:57:01\\nSystem Up Time : 5 days 2 hrs 24 mins 34 secs\\nRelease Version : 13.7.1-84\\n{P}'\n\
             \x20 - \"network-element ne-1\\n\": 'network-element ne-1\\n{NE}'\n\
             \x20 - \"show shelf-info\\n\": 'show shelf-info\\n      Shelf Name : GE104(E)\\n{NE}'\n\
             \x20 - \"show ports\\n\": 'show ports\\n|Port Eid |Admin State|\\n|------|------|\\n|access-1-1-1-3 |in-service    |\\n{NE}'\n\
             \x20 - \"show access-port access-1-1-1-3\\n\": 'show access-port access-1-1-1-3\\n{port}{NE}'\n\
             \x20 - \"logout\\n\": ''\n"
        )
    }

    const CONFIG: &str = "Preparing configuration file...\\n\\n#\\n#CLI:SNMP COMMUNITY ENTRY  Create\\n#\\nhome\\nconfigure snmp\\n  add community \\\"snmp-comm-1\\\" readwrite\\n\\n#end\\nhome\\nadmin config-file\\n";
    const PORT: &str = "     Admin State : in-service\\n";
    /// A stand-in refusal: no published ADVA refusal was found (see the
    /// case's `source.md`).
    const REFUSED: &str = "Invalid command\\n";

    #[test]
    fn the_backup_is_cut_and_commented_as_oxidized_does_it() {
        let backup = scripted::backup::<Adva>(&recording(CONFIG, PORT), &Device::default())
            .expect("replayed whole");
        assert_eq!(
            backup.config,
            "\n#\n#CLI:SNMP COMMUNITY ENTRY  Create\n#\nhome\nconfigure snmp\n  add community \"snmp-comm-1\" readwrite\n\n#end\nhome\nadmin config-file\n\
             \n\n# COMMAND: show system\n# \n# System Name : GE104\n# Release Version : 13.7.1-84\n\
             \n\n# COMMAND: show shelf-info\n# \n#       Shelf Name : GE104(E)\n\
             \n\n# COMMAND: show access-port access-1-1-1-3\n# \n#      Admin State : in-service\n"
        );
    }

    #[test]
    fn a_refused_port_command_is_left_out() {
        let backup = scripted::backup_without::<Adva>(
            &recording(CONFIG, REFUSED),
            &Device::default(),
            &["show access-port access-1-1-1-3"],
        );
        assert!(
            backup.config.ends_with("#       Shelf Name : GE104(E)\n"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_configuration_fails() {
        scripted::backup_fails_with::<Adva>(
            &recording(REFUSED, PORT),
            &Device::default(),
            r#"essential command "show running-config delta": the device refused it: "Invalid command""#,
        );
    }

    #[test]
    fn a_configuration_without_its_end_line_fails() {
        scripted::backup_fails_with::<Adva>(
            &recording(
                "Preparing configuration file...\\n\\n#\\n#CLI:SYSTEM  Edit\\n#\\nhome\\nconfigure system\\n  ftp enabled\\n",
                PORT,
            ),
            &Device::default(),
            r##"essential command "show running-config delta": the configuration stops at "  ftp enabled", before its "#end" line: cut short"##,
        );
    }

    #[test]
    fn ports_come_from_the_first_column_without_padding() {
        let listing = "|Port Eid            |Admin State|\n\
                       |---------------------|----------------|\n\
                       |network-1-1-1-1|in-service    |\n\
                       |access-1-1-1-3      |unassigned |\n\
                       |access 1-1-1-9; reboot|in-service|\n\
                       |lag-1 |in-service|\n";
        assert_eq!(
            ports(listing),
            vec![("network", "network-1-1-1-1"), ("access", "access-1-1-1-3")]
        );
    }

    #[test]
    fn prompt_takes_every_context_and_refuses_output_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "AD-FSP150GE104-C-1-LDP00-GB--> ",
            "AD-FSP150GE104-C-1-LDP00-GB-NE-1--> ",
            "AD-FSP150XG108-C-1-LDP00-GB-NE-1:ntexg108-1-1-1-->",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "#end",
            "|access-1-1-1-3 |in-service    |normal                |",
            "System Name : AD-FSP150GE104-C-1-LDP00-GB",
            "  prompt \"ADVA-SW1\"",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_communities_and_passwords() {
        let cfg = "  add community \"CANARYCOMM\" readwrite\n\
                   \x20 delete community \"CANARYOLD\"\n\
                   \x20 add target-params \"nms\" snmpv2c snmpv2c \"CANARYTARGET\" no-auth\n\
                   \x20 add target-params \"v3\" snmpv3 usm \"opsuser\" auth-priv\n\
                   \x20 shared-secret \"CANARYSECRET\"\n\
                   \x20 password CANARYPASS\n\
                   \x20 add target-address \"Anycast\" \"198.51.100.140:162\" ipv4 3 3 \"trap\" \"nms\" enabled\n";
        let out = Adva::redact(cfg);
        for secret in [
            "CANARYCOMM",
            "CANARYOLD",
            "CANARYTARGET",
            "CANARYSECRET",
            "CANARYPASS",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "  add community \"<secret hidden>\" readwrite\n",
            "  delete community \"<secret hidden>\"\n",
            "  add target-params \"nms\" snmpv2c snmpv2c \"<secret hidden>\" no-auth\n",
            "  add target-params \"v3\" snmpv3 usm \"opsuser\" auth-priv\n",
            "  shared-secret <secret hidden>\n",
            "  password <secret hidden>\n",
            "\"trap\" \"nms\" enabled\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_drops_port_status_but_keeps_settings() {
        let up = "  mtu 9612\n# \n#      Admin State : in-service\n#      Operational State : normal\n#      Negotiated Port Speed : auto-1000-full\n#      Tail Dropped Count : 0\n#      MTU (bytes) : 9600\n";
        let down = "  mtu 9612\n# \n#      Admin State : in-service\n#      Operational State : outage\n#      Negotiated Port Speed : negotiating\n#      Tail Dropped Count : 12\n#      MTU (bytes) : 9600\n";
        assert_eq!(Adva::significant(up), Adva::significant(down));
        assert_eq!(
            Adva::significant(up),
            "  mtu 9612\n# \n#      Admin State : in-service\n#      MTU (bytes) : 9600\n"
        );
    }
}
