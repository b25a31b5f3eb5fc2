//! Cisco Catalyst OS (CatOS) on Catalyst 4000/5000/6000 supervisors
//! (Oxidized model `catos`).
//!
//! Checked against a session of a Catalyst 5500 running CatOS 6.4(2),
//! built from ZipTie's capture of that switch (see
//! `tests/corpus/netraven/catos#WS-C5500_6.4(2)#source.md`).
//!
//! Session: the prompt is the switch's prompt string and `>`, followed in
//! privileged mode by ` (enable) ` (`DAL-C5500> (enable) `). After login
//! the driver sends `set length 0` (no pager), then `enable` when the
//! device var says so. Logout is `exit`; the switch hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show system` (optional), as `# ` comments, with its uptime
//!   (`d,hh:mm:ss`) blanked to `X`;
//! - `show version` (optional), as `# ` comments, with every memory size
//!   (`65536K`, which changes as memory is used) made `XK` and the uptime
//!   (`Uptime is ...`) made `Uptime is X`;
//! - `show conf all` (essential): everything before its `begin` line goes
//!   (the progress dots CatOS prints while it builds the configuration),
//!   and the `#time:` line, the moment the listing was made, is blanked
//!   to `#time: X`. A switch that refuses the command, or whose listing has
//!   no `begin` line, fails the backup as `command_rejected`, and a
//!   listing that does not close with `end` was cut short and fails too.
//!
//! Every output loses its echo and its prompt, as Oxidized cuts it; the
//! backup is byte for byte what Oxidized stores, but for a refused
//! optional command, which Oxidized stores as a comment and the driver
//! leaves out (see the case's `#oxidized.txt`).
//!
//! `redact` hides, keeping each keyword: the login and enable password
//! hashes (`set password`, `set enablepass`), SNMP community strings
//! (`set snmp community read-only NAME`), the VTP password
//! (`set vtp passwd`) and TACACS+/RADIUS keys (`set tacacs key`,
//! `set radius key`). Oxidized's model hides nothing.
//!
//! `significant` is the whole backup: Oxidized's cleaning already blanks
//! every line that changes by itself.
//!
//! Device vars:
//! - `enable = "true"`: run `enable` after login (the host types the enable
//!   secret when the switch asks for it).

use netraven_driver_sdk::prelude::*;

pub struct Catos;

/// The prompt string and `>`, then ` (enable) ` in privileged mode.
const PROMPT: &str = r"^([\w.@-]+>\s?(?:\(enable\) ?)?)$";

const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

const PAGING_OFF: &str = "set length 0";

const SHOW_SYSTEM: &str = "show system";

const SHOW_VERSION: &str = "show version";

const SHOW_CONFIG: &str = "show conf all";

/// `show system`'s uptime column (`62,11:54:30`).
const SYSTEM_UPTIME: &[(&str, &str)] = &[(r"(\s+)\d+,\d+:\d+:\d+(\s+)", "${1}X${2}")];

/// `show version`'s memory sizes and uptime.
const VERSION_VOLATILE: &[(&str, &str)] = &[(r"\d+(K)", "X$1"), (r"(?m)^(Uptime is ).*", "${1}X")];

/// The configuration's time stamp (its first `#time:` line).
const CONFIG_TIME: &str = r"(?m)^(#time: ).*";

impl Driver for Catos {
    fn info() -> DriverInfo {
        DriverInfo::shell("catos", env!("CARGO_PKG_VERSION"), &["catos"], PROMPT, "# ")
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        session.command(PAGING_OFF)?;
        if device.flag("enable") {
            let prompt = login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
            if !prompt.contains("(enable)") {
                session.log(Level::Warn, "enable did not reach privileged mode");
            }
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(raw) = session.optional(SHOW_SYSTEM)? {
            let system = text::replace_all(&text::command_output(&raw), SYSTEM_UPTIME);
            config.push_str(&text::comment(&system, "# "));
        }
        if let Some(raw) = session.optional(SHOW_VERSION)? {
            let version = text::replace_all(&text::command_output(&raw), VERSION_VOLATILE);
            config.push_str(&text::comment(&version, "# "));
        }

        let raw = session.essential(SHOW_CONFIG)?;
        let output = text::command_output(&raw);
        let stamped = text::re(CONFIG_TIME).replace(&output, "${1}X");
        let listing = from_begin(&stamped).ok_or_else(|| {
            SessionError::Rejected(format!(
                "essential command {SHOW_CONFIG:?}: no \"begin\" line: not a configuration"
            ))
        })?;
        complete(SHOW_CONFIG, listing, "end")?;
        config.push_str(listing);
        Ok(Backup::config(config))
    }

    /// Log out; the switch hangs up, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// `listing` from its first line starting with `begin`, or `None` when it
/// has none.
fn from_begin(listing: &str) -> Option<&str> {
    let mut start = 0;
    for line in text::lines(listing) {
        if line.starts_with("begin") {
            return Some(&listing[start..]);
        }
        start += line.len();
    }
    None
}

/// Secret removal, line by line: `(needle, regex, replacement)`.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    ("set password", r"^(set password) \S+", "$1 <secret hidden>"),
    (
        "set enablepass",
        r"^(set enablepass) \S+",
        "$1 <secret hidden>",
    ),
    (
        "set snmp community",
        r"^(set snmp community \S+\s+)\S+",
        "$1<secret hidden>",
    ),
    (
        "set vtp passwd",
        r"^(set vtp passwd) \S+",
        "$1 <secret hidden>",
    ),
    (
        " key ",
        r"^(set (?:tacacs|radius) key) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Catos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Catos>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Catos>(CORPUS);
    }

    const P: &str = "DAL-C5500> (enable) ";
    /// CatOS's answer to a command it does not know (a stand-in wording,
    /// see the case's source.md).
    const UNKNOWN: &str = "Unknown command \\\"show system\\\".  Use 'help' for more info.\\n";

    fn recording(system: &str, version: &str, config: &str) -> String {
        format!(
            "init_prompt: \"{P}\"\ncommands:\n\
             \x20 \"set length 0\\n\": \"set length 0\\n{P}\"\n\
             \x20 \"show system\\n\": \"show system\\n{system}{P}\"\n\
             \x20 \"show version\\n\": \"show version\\n{version}{P}\"\n\
             \x20 \"show conf all\\n\": \"show conf all\\n{config}{P}\"\n\
             \x20 \"exit\\n\": ''\n"
        )
    }

    const VERSION: &str = "WS-C5500 Software, Version McpSW: 6.4(2) NmpSW: 6.4(2)\\n1       65536K  23659K  41877K\\nUptime is 62 days, 11 hours, 54 minutes\\n";
    const CONFIG: &str = "\\n........\\n\\n..\\n\\nbegin\\n!\\n#time: Sat Jul 28 2007, 15:36:04 \\n!\\nset system name  DAL-C5500\\nend\\n";

    #[test]
    fn volatile_lines_are_blanked_and_progress_dots_dropped() {
        let system = "PS1-Status PS2-Status\\nok         none\\n\\nUptime d,h:m:s\\n-------------- \\n62,11:54:30    \\n";
        let backup =
            scripted::backup::<Catos>(&recording(system, VERSION, CONFIG), &Device::default())
                .expect("replayed whole");
        assert_eq!(
            backup.config,
            "# PS1-Status PS2-Status\n# ok         none\n# \n# Uptime d,h:m:s\n# -------------- \n# X    \n\
             # WS-C5500 Software, Version McpSW: 6.4(2) NmpSW: 6.4(2)\n# 1       XK  XK  XK\n# Uptime is X\n\
             begin\n!\n#time: X\n!\nset system name  DAL-C5500\nend\n"
        );
    }

    #[test]
    fn a_switch_without_show_system_is_backed_up_without_it() {
        let backup =
            scripted::backup::<Catos>(&recording(UNKNOWN, VERSION, CONFIG), &Device::default())
                .expect("replayed whole");
        assert!(
            backup.config.starts_with("# WS-C5500 Software"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_configuration_fails() {
        scripted::backup_fails_with::<Catos>(
            &recording(
                UNKNOWN,
                VERSION,
                "Unknown command \\\"show conf\\\".  Use 'help' for more info.\\n",
            ),
            &Device::default(),
            r#"essential command "show conf all": the device refused it: "Unknown command \"show conf\".  Use 'help' for more info.""#,
        );
    }

    #[test]
    fn a_listing_without_begin_or_end_fails() {
        scripted::backup_fails_with::<Catos>(
            &recording(UNKNOWN, VERSION, "\\n........\\n"),
            &Device::default(),
            r#"essential command "show conf all": no "begin" line: not a configuration"#,
        );
        scripted::backup_fails_with::<Catos>(
            &recording(
                UNKNOWN,
                VERSION,
                "begin\\n!\\nset system name  DAL-C5500\\n",
            ),
            &Device::default(),
            r#"essential command "show conf all": the configuration stops at "set system name  DAL-C5500", before its closing "end": cut short"#,
        );
    }

    #[test]
    fn prompt_takes_normal_and_privileged_modes() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "DAL-C5500> (enable) ",
            "DAL-C5500> (enable)",
            "Console> ",
            "Console>",
            "LON-C5000> (enable)",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "set prompt Console>",
            "begin",
            "Uptime is 62 days, 11 hours, 54 minutes",
            "Mod Port Model      Serial #  Versions",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_hashes_communities_and_keys() {
        let cfg = "set password $2$Za1a$CANARYLOGIN\n\
                   set enablepass $2$Cq.J$CANARYENABLE\n\
                   set snmp community read-only      CANARYRO\n\
                   set snmp community read-write-all CANARYRWA\n\
                   set vtp passwd CANARYVTP\n\
                   set tacacs key CANARYTAC\n\
                   set radius key CANARYRAD\n\
                   set snmp rmon disable\n";
        let out = Catos::redact(cfg);
        assert!(!out.contains("CANARY"), "a secret left in:\n{out}");
        for kept in [
            "set password <secret hidden>\n",
            "set enablepass <secret hidden>\n",
            "set snmp community read-only      <secret hidden>\n",
            "set vtp passwd <secret hidden>\n",
            "set tacacs key <secret hidden>\n",
            "set snmp rmon disable\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
