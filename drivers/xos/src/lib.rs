//! Extreme Networks ExtremeXOS (Oxidized model `xos`).
//!
//! Checked against a session of a Summit X450-24t running ExtremeWare XOS
//! 11.2.3.3, from the ZipTie project's captures of that switch (see
//! `tests/corpus/netraven/xos#SummitX450-24t_11.2.3.3#source.md`): `show
//! version`, `show switch` and `show configuration`, with the prompts. No
//! output of `show diagnostics`, `show licenses` or `show policy detail`
//! of that switch was published: the recording answers them with XOS's
//! refusal, so the case shows those three left out.
//!
//! Session: the prompt is the SNMP system name, a dot, the number of the
//! next command, then ` # ` (` > ` for a user-level account):
//! `SummitX450-24t.5 # `. XOS puts `* ` in front while the running
//! configuration is unsaved, and may add `! `, a `(...)` status, `Slot-N `
//! on a stack or `VPEX `. After login the driver sends `disable clipaging
//! session` and, if the switch answers with anything but its prompt (older
//! releases lack the `session` form), `disable clipaging`. Logout is
//! `exit` then `n`, which declines the offer to save an unsaved
//! configuration; a switch with nothing to save has hung up by then.
//!
//! Commands, in Oxidized's order:
//! - `show version`, `show diagnostics`, `show licenses` and `show switch`
//!   (optional), stored as `# ` comments; `show switch` loses the lines of
//!   the current, boot and next-save times and the boot image and count;
//! - `show configuration` (essential), without the `# ... Configuration
//!   generated ...` stamp that newer releases print;
//! - `show policy detail` (optional), as `# ` comments.
//!
//! Every output loses its echo and its prompt, and each line its carriage
//! returns and trailing white space, as Oxidized's model cleans it.
//!
//! A refusal is `%% Invalid input detected at '^' marker.` or `%%
//! Incomplete command`. Oxidized stores a refused command's error as a
//! comment; the driver leaves the command out, so this case's
//! `#output.txt` lacks the three refusals that Oxidized's text
//! (`#oxidized.txt`) keeps: they tell nothing about the switch.
//!
//! `redact` hides, keeping each keyword: account password hashes (`create
//! account admin NAME encrypted ...`, `configure account NAME encrypted
//! ...`, as Oxidized, which hides only admin and user accounts), RADIUS and
//! TACACS+ shared secrets (Oxidized: RADIUS only), SNMP community strings
//! (v1/v2c and the SNMPv3 community table), SNMPv3 user authentication and
//! privacy keys, OSPF and BGP passwords. `significant` also ignores the
//! `N bytes saved on <date>` line of `show switch`, which every save
//! rewrites.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Xos;

/// `SummitX450-24t.5 # `, `* X870-32c.12 # `, `Slot-1 Stack.3 > `: the
/// system name, the command number, `#` or `>`.
const PROMPT: &str = r"^\r?(?:! )?(?:\* )?(?:\([^()\r\n]*\) )?(?:Slot-\d+ )?(?:VPEX )?[-\w.~]+\.\d+(?::\d+)? [#>]\s?$";

const COMMENT: &str = "# ";

/// Informational commands before the configuration, as `# ` comments.
const BEFORE: [&str; 3] = ["show version", "show diagnostics", "show licenses"];

const SHOW_SWITCH: &str = "show switch";
const SHOW_CONFIG: &str = "show configuration";
const SHOW_POLICY: &str = "show policy detail";

impl Driver for Xos {
    fn info() -> DriverInfo {
        DriverInfo::shell("xos", env!("CARGO_PKG_VERSION"), &["xos"], PROMPT, COMMENT)
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        // Releases without the per-session form answer it with an error.
        let raw = session.command("disable clipaging session")?;
        if !text::command_output(&raw).trim().is_empty() {
            session.command("disable clipaging")?;
        }

        let mut config = String::new();
        for command in BEFORE {
            if let Some(raw) = session.optional(command)? {
                config.push_str(&text::comment(&xos_cut(&raw), COMMENT));
            }
        }
        if let Some(raw) = session.optional(SHOW_SWITCH)? {
            config.push_str(&text::comment(&without_clocks(&xos_cut(&raw)), COMMENT));
        }
        let raw = session.essential(SHOW_CONFIG)?;
        config.push_str(&text::drop_lines(
            &xos_cut(&raw),
            &[r"^#\s[\w -]+\sConfiguration generated"],
        ));
        if let Some(raw) = session.optional(SHOW_POLICY)? {
            config.push_str(&text::comment(&xos_cut(&raw), COMMENT));
        }
        Ok(Backup::config(config))
    }

    /// `exit`, then `n` for the question whether to save an unsaved
    /// configuration.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        session.send("n\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^# +\d+ bytes saved on "])
    }
}

/// A command's whole output cut as Oxidized's model cuts it: without the
/// echo and the prompt, each line without carriage returns and trailing
/// white space, every line ending in `\n`. An output with nothing between
/// echo and prompt is one empty line.
fn xos_cut(raw: &str) -> String {
    let lines: Vec<&str> = text::lines(raw).collect();
    let body = lines.get(1..lines.len().saturating_sub(1)).unwrap_or(&[]);
    let mut out = String::with_capacity(raw.len());
    for line in body {
        out.push_str(line.replace('\r', "").trim_end());
        out.push('\n');
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

/// `show switch` without what changes by itself: the clocks (`Current
/// Time:`, `Boot Time:`, `System UpTime:`), the boot count and boot image,
/// and the next periodic save (whose text goes, leaving its line blank, as
/// in Oxidized).
fn without_clocks(switch: &str) -> String {
    let cleared = text::replace_all(switch, &[(r"Next periodic save on[^\n]*", "")]);
    text::drop_lines(&cleared, &[r"Time:", r"(?i)boot", r"Next periodic"])
}

/// Secret removal, line by line: `(needle, regex, replacement)`, keeping
/// the keyword and hiding the value.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `create account admin admin encrypted "kHIZ..."`, also with `user`.
    (
        "account ",
        r"^((?:create account (?:admin|user) |configure account )\S+ encrypted) .+",
        "$1 <secret hidden>",
    ),
    // RADIUS and TACACS+ servers: `... shared-secret encrypted "..."`.
    (
        "shared-secret",
        r"^(.*\bshared-secret(?: encrypted)?) .+",
        "$1 <secret hidden>",
    ),
    // `configure snmp add community readonly public` (older releases).
    (
        "community ",
        r"^(configure snmp add community (?:readonly|readwrite)(?: encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    // `configure snmpv3 add community private name private user v1v2c_rw`:
    // the index and the name are both the community string.
    (
        "snmpv3 add community",
        r"^(configure snmpv3 add community(?: hex)?) \S+ ((?:encrypted )?name(?: hex)?) \S+",
        "$1 <secret hidden> $2 <secret hidden>",
    ),
    (
        "snmpv3 add user",
        r"^(configure snmpv3 add user .*\bauthentication (?:md5|sha\w*)(?: encrypted)?(?: auth)?(?: hex)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "privacy ",
        r"^(configure snmpv3 add user .*\bprivacy(?: des| 3des| aes(?: \d+)?)?(?: encrypted)?(?: priv)?(?: hex)?) \S+",
        "$1 <secret hidden>",
    ),
    // `configure ospf vlan V authentication encrypted md5 1 "..."`.
    (
        "authentication ",
        r"^(configure ospf .*\bauthentication(?: encrypted)? (?:simple-password|md5 \d+)) \S+",
        "$1 <secret hidden>",
    ),
    // `configure bgp neighbor 192.0.2.1 password encrypted "..."`.
    (
        "password ",
        r"^(configure bgp .*\bpassword(?: encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Xos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Xos>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Xos>(CORPUS);
    }

    const VERSION: &str = "\\nSwitch    : 800143-00-04 0532G-00169 Rev 4.0 BootROM: 1.0.0.9    IMG:          \\x20\\nBootROM : 1.0.0.9\\n";
    const SWITCH: &str = "\\nSysName:          SummitX450-24t\\nCurrent Time:     Sat Jan 19 07:11:45 2008\\nBoot Time:        Tue Jan 15 00:28:38 2008\\nImage Booted:     primary\\nNext periodic save on Sat Jan 19 08:00:00 2008\\nPrimary ver:      11.2.3.3\\n";
    const CONFIG: &str = "\\n#\\n# Module devmgr configuration.\\n#\\nconfigure snmp sysName \"SummitX450-24t\"\\n\\n";
    const POLICY: &str = "Policies at Policy Server:\\n";
    /// XOS's refusal of an unknown command.
    const INVALID: &str =
        "                        ^\\n%% Invalid input detected at ''^'' marker.\\n";

    /// A session as the X450 answers it; `clipaging` is the reply (after
    /// the echo) to `disable clipaging session`.
    fn recording(clipaging: &str, version: &str, switch: &str, config: &str) -> String {
        let p = "SummitX450-24t.1 #\\x20";
        let fallback = if clipaging.is_empty() {
            String::new()
        } else {
            format!("  - \"disable clipaging\\n\": 'disable clipaging\\n{p}'\n")
        };
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"disable clipaging session\\n\": 'disable clipaging session\\n{clipaging}{p}'\n\
             {fallback}\
             \x20 - \"show version\\n\": 'show version\\n{version}{p}'\n\
             \x20 - \"show diagnostics\\n\": 'show diagnostics\\n{INVALID}{p}'\n\
             \x20 - \"show licenses\\n\": 'show licenses\\n{INVALID}{p}'\n\
             \x20 - \"show switch\\n\": 'show switch\\n{switch}{p}'\n\
             \x20 - \"show configuration\\n\": 'show configuration\\n{config}{p}'\n\
             \x20 - \"show policy detail\\n\": 'show policy detail\\n{POLICY}{p}'\n\
             \x20 - \"exit\\n\": 'exit'\n\
             \x20 - \"n\\n\": ''\n"
        )
    }

    #[test]
    fn the_backup_is_cleaned_as_oxidized_cleans_it() {
        let backup = scripted::backup_without::<Xos>(
            &recording("", VERSION, SWITCH, CONFIG),
            &Device::default(),
            &["show diagnostics", "show licenses"],
        );
        assert_eq!(
            backup.config,
            "# \n# Switch    : 800143-00-04 0532G-00169 Rev 4.0 BootROM: 1.0.0.9    IMG:\n\
             # BootROM : 1.0.0.9\n\
             # \n# SysName:          SummitX450-24t\n# \n# Primary ver:      11.2.3.3\n\
             \n#\n# Module devmgr configuration.\n#\nconfigure snmp sysName \"SummitX450-24t\"\n\n\
             # Policies at Policy Server:\n"
        );
    }

    #[test]
    fn old_releases_get_paging_turned_off_for_good() {
        let backup = scripted::backup_without::<Xos>(
            &recording(INVALID, VERSION, SWITCH, CONFIG),
            &Device::default(),
            &["show diagnostics", "show licenses"],
        );
        assert!(backup.config.contains("configure snmp sysName"));
    }

    #[test]
    fn a_switch_that_refuses_every_informational_command_is_backed_up_without_them() {
        let yaml = recording("", INVALID, INVALID, CONFIG).replace(POLICY, INVALID);
        let backup = scripted::backup_without::<Xos>(
            &yaml,
            &Device::default(),
            &[
                "show version",
                "show diagnostics",
                "show licenses",
                "show switch",
                "show policy detail",
            ],
        );
        assert_eq!(
            backup.config,
            "\n#\n# Module devmgr configuration.\n#\nconfigure snmp sysName \"SummitX450-24t\"\n\n"
        );
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Xos>(
            &recording("", VERSION, SWITCH, INVALID),
            &Device::default(),
            r#"essential command "show configuration": the device refused it: "%% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn the_generated_stamp_of_newer_releases_is_dropped() {
        let stamped = "\\n#\\n# Summit X870-32c Configuration generated Wed Jul 18 12:44:49 2018\\n# Software Version 22.5.1.7 by release-manager on 05/22/18 11:25:12\\n#\\nconfigure snmp sysName \"x870\"\\n";
        let backup = scripted::backup_without::<Xos>(
            &recording("", VERSION, SWITCH, stamped),
            &Device::default(),
            &["show diagnostics", "show licenses"],
        );
        assert!(!backup.config.contains("Configuration generated"));
        assert!(backup.config.contains("# Software Version 22.5.1.7"));
    }

    #[test]
    fn prompt_takes_xos_prompts_and_refuses_other_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "SummitX450-24t.1 # ",
            "SummitX450-24t.12 #",
            "* SummitX450-24t.5 # ",
            "X870-32c.3 > ",
            "* Slot-1 Stack.7 # ",
            "\r* X440G2-48p-10G4.2 # ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "# Module devmgr configuration.",
            "#",
            "configure snmp sysName \"SummitX450-24t\"",
            "SysName:          SummitX450-24t",
            "primary.cfg       Created by ExtremeWare XOS version 11.2.3.3",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn xos_cut_drops_echo_prompt_and_trailing_blanks() {
        assert_eq!(xos_cut("echo\r\na  \r\n\r\nb\t\r\nsw.1 # "), "a\n\nb\n");
        assert_eq!(xos_cut("echo\nsw.1 # "), "\n");
        assert_eq!(xos_cut(""), "\n");
    }

    #[test]
    fn redact_hides_accounts_servers_and_snmp_keys() {
        let cfg = "create account admin admin encrypted kHIZXS$n7uUIQpbpirSqLFcCIxhV/ \n\
                   create account user user encrypted o4H3WS$LGpsiUiHdZRDl15sDE7vf. \n\
                   configure account admin encrypted \"ADMHASH\"\n\
                   configure radius mgmt-access primary shared-secret encrypted \"RADSECRET\"\n\
                   configure tacacs primary shared-secret encrypted \"TACSECRET\"\n\
                   configure snmp add community readonly COMMRO\n\
                   configure snmpv3 add community private name private user v1v2c_rw \n\
                   configure snmpv3 add user admin authentication md5 hex f4:f5:09 privacy hex 95:f3:ea \n\
                   configure ospf vlan Default authentication encrypted md5 1 OSPFKEY\n\
                   configure bgp neighbor 192.0.2.1 password encrypted \"BGPKEY\"\n";
        let out = Xos::redact(cfg);
        for secret in [
            "n7uUIQpbpirSqLFcCIxhV",
            "LGpsiUiHdZRDl15sDE7vf",
            "ADMHASH",
            "RADSECRET",
            "TACSECRET",
            "COMMRO",
            "private",
            "f4:f5:09",
            "95:f3:ea",
            "OSPFKEY",
            "BGPKEY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "create account admin admin encrypted <secret hidden>\n",
            "create account user user encrypted <secret hidden>\n",
            "configure account admin encrypted <secret hidden>\n",
            "configure radius mgmt-access primary shared-secret encrypted <secret hidden>\n",
            "configure snmp add community readonly <secret hidden>\n",
            "configure snmpv3 add community <secret hidden> name <secret hidden> user v1v2c_rw \n",
            "authentication md5 hex <secret hidden> privacy hex <secret hidden> \n",
            "authentication encrypted md5 1 <secret hidden>\n",
            "password encrypted <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_ignores_the_save_stamp() {
        let cfg = "# primary.cfg       Created by ExtremeWare XOS version 11.2.3.3\n\
                   #                   87734 bytes saved on Tue Jan 15 00:52:35 2008\n\
                   configure snmp sysName \"SummitX450-24t\"\n";
        assert_eq!(
            Xos::significant(cfg),
            "# primary.cfg       Created by ExtremeWare XOS version 11.2.3.3\n\
             configure snmp sysName \"SummitX450-24t\"\n"
        );
    }
}
