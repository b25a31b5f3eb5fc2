//! Check Point Gaia OS, clish (Oxidized model `gaiaos`).
//!
//! No published session of the configuration command (`show
//! configuration`) exists yet (see the `gaiaos` sections of
//! `tests/corpus/netraven/RESEARCH.md`), so this driver is checked by its
//! unit tests against what Oxidized's own model code stores for the same
//! session (`../shared/oxidized/oracle gaiaos`), and by the prompt case
//! `tests/corpus/netraven/gaiaos#generic#prompt.yaml`.
//!
//! Session: Gaia's clish, the account's login shell (`/etc/cli.sh`). The
//! prompt is the hostname, on VSX with `:` and the virtual system's id,
//! then `>` (`gw-1> `, `gw-1:0> `); the expert shell's `[Expert@gw-1:0]# `
//! is not a prompt here, where Oxidized's regex takes it. After login the driver sends `set clienv rows 0`
//! (no pager to answer). Logout is `exit`; the gateway hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show vsx` (optional), not stored: `VSX Enabled` in its output
//!   switches to the per-virtual-system backup. Where it is refused
//!   (Oxidized then takes the gateway as not VSX), the prompt decides: a
//!   VSX gateway's clish prompt holds the virtual system's id (`gw-1:0> `),
//!   so such a prompt still gets the per-virtual-system backup;
//! - `show asset all`, `show version all` (optional), stored as `# `
//!   comments;
//! - without VSX: `show configuration` (essential);
//! - with VSX: `show virtual-system all` (essential: it lists what to back
//!   up), then for each virtual system listed, `set virtual-system N`
//!   (which prints nothing; a refusal fails the backup) and `show
//!   configuration` (essential), each headed by
//!   `#--------======== [ VS N - NAME ] ========--------` and `set
//!   virtual-system N`, with the blank lines Oxidized writes around them.
//!
//! Every command's output loses its echo and its prompt. The
//! configuration's `# Exported by USER on DATE` line becomes `# `, as
//! Oxidized writes it, so that an export does not change the backup. Gaia
//! exports have no closing line to check for completeness.
//!
//! A refusal is clish's `CLINFR0329  Invalid command:'...'.` (or any other
//! `CLINFR` error code heading the output), which the SDK's list does not
//! know; the driver checks for it itself. An optional command refused so
//! is left out and logged, where Oxidized would store the error (as it
//! does for `show vsx` on a gateway without VSX, where the output is not
//! stored anyway). A refused configuration fails the backup.
//!
//! `redact` hides, keeping each keyword, what Oxidized's model hides, with
//! its placeholders: the expert password hash, user password hashes, OSPF
//! secrets, SNMP read-only communities and SNMP trap-receiver communities,
//! SNMPv3 pass-phrase hashes; and, where Oxidized keeps them, read-write
//! communities, BGP peer MD5 secrets and RADIUS/TACACS+ server secrets.
//! `significant` ignores nothing more: the export stamp is already blanked.
//!
//! Conformance cases (scripted, checked against the oracle byte for byte,
//! and replayed with chaos): `tests/corpus/conformance/gaiaos#scripted_*`.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Gaiaos;

/// The hostname (with `:N` on VSX), then `>` (or `#`), and perhaps a space.
/// Oxidized's regex also takes `[` and `]`, so the expert shell's
/// `[Expert@gw-1:0]# `; here it is not a prompt: clish commands fail there.
const PROMPT: &str = r"^([\w.@:-]+[#>]\s?)$";

const COMMENTED: [&str; 2] = ["show asset all", "show version all"];
const SHOW_CONFIG: &str = "show configuration";

impl Driver for Gaiaos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "gaiaos",
            env!("CARGO_PKG_VERSION"),
            &["gaiaos"],
            PROMPT,
            "# ",
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let setup = session.command("set clienv rows 0")?;
        // On VSX, clish's prompt holds the virtual system's id (`gw-1:0> `).
        let vsx_prompt = setup
            .lines()
            .last()
            .is_some_and(|p| text::re(r":\d+>\s*$").is_match(p));
        let vsx = match optional(session, "show vsx")? {
            Some(out) => out.contains("VSX Enabled"),
            None => vsx_prompt,
        };
        let mut config = String::new();
        for command in COMMENTED {
            if let Some(out) = optional(session, command)? {
                config.push_str(&text::comment(&out, "# "));
            }
        }
        if !vsx {
            config.push_str(&configuration(session)?);
            return Ok(Backup::config(config));
        }
        let systems = essential(session, "show virtual-system all")?;
        // As Oxidized reads the list: the separating blanks may span a line end.
        let listed = text::re(r"(?m)^(\d+)\s+(.*\S)");
        for vs in listed.captures_iter(&systems) {
            let (id, name) = (&vs[1], &vs[2]);
            config.push_str(&format!(
                "\n\n\n#--------======== [ VS {id} - {name} ] ========--------\n\nset virtual-system {id}\n\n"
            ));
            switch(session, &format!("set virtual-system {id}"))?;
            config.push_str(&configuration(session)?);
        }
        Ok(Backup::config(config))
    }

    /// The gateway closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// `show configuration`, without the date of the export.
fn configuration(session: &mut dyn Session) -> Result<String, DriverError> {
    let out = essential(session, SHOW_CONFIG)?;
    Ok(text::replace_in_lines(
        &out,
        &[("# Exported by ", r"^# Exported by \S+ on .*", "# ")],
    ))
}

/// The clish error that heads `output` (a command's output without echo
/// and prompt), if any: `CLINFR0329  Invalid command:'show vsx'.`.
fn clish_refusal(output: &str) -> Option<&str> {
    let first = text::lines(output).find(|l| !l.trim().is_empty())?;
    let line = first.trim_end();
    text::re(r"^CLINFR\d+\s").is_match(line).then_some(line)
}

/// A command's output without echo and prompt, or `None` (logged) when the
/// gateway refused it, in the SDK's wording or in clish's.
fn optional(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
    let raw = optional_refused_by(session, command, &refused)?;
    Ok(raw.map(|raw| text::command_output(&raw)))
}

/// A command's output without echo and prompt; a refusal fails the backup.
fn essential(session: &mut dyn Session, command: &str) -> Result<String, DriverError> {
    let raw = essential_refused_by(session, command, &refused)?;
    Ok(text::command_output(&raw))
}

/// clish's own refusal in a command's whole output (echo, output, prompt).
fn refused(raw: &str) -> Option<String> {
    clish_refusal(&text::command_output(raw)).map(String::from)
}

/// A command that prints nothing when it works (`set virtual-system N`);
/// any refusal fails the backup, whose configuration would be the wrong
/// virtual system's.
fn switch(session: &mut dyn Session, command: &str) -> Result<(), DriverError> {
    let out = text::command_output(&session.command(command)?);
    if let Some(why) = text::refusal(&out).or_else(|| clish_refusal(&out)) {
        return Err(SessionError::Rejected(format!(
            "essential command {command:?}: the device refused it: {:?}",
            why.trim()
        ))
        .into());
    }
    Ok(())
}

/// `(needle, regex, replacement)`, each regex only on lines holding its
/// needle. Oxidized's placeholders, so that redacted backups compare.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "set expert-password-hash ",
        r"^(set expert-password-hash ).*",
        "${1}<EXPERT PASSWORD REMOVED>",
    ),
    (
        " password-hash ",
        r"^(set user \S+ password-hash ).*",
        "${1}<USER PASSWORD REMOVED>",
    ),
    (
        "set ospf ",
        r"^(set ospf .* secret ).*",
        "${1}<OSPF KEY REMOVED>",
    ),
    (
        "set snmp community ",
        r"^(set snmp community )\S+( read-(?:only|write).*)",
        "${1}<SNMP COMMUNITY REMOVED>$2",
    ),
    (
        " community ",
        r"^(add snmp .* community ).*",
        "${1}<SNMP COMMUNITY REMOVED>",
    ),
    (
        "-pass-phrase-hashed ",
        r"(auth|privacy)-pass-phrase-hashed \S*",
        "$1-pass-phrase-hashed <SNMP PASS-PHRASE REMOVED>",
    ),
    (
        "set bgp ",
        r"^(set bgp .* secret) \S+",
        "$1 <secret hidden>",
    ),
    (
        "add aaa ",
        r"^(add aaa (?:radius|tacacs)-servers .* (?:secret|key)) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Gaiaos);

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
        netraven_driver_sdk::harness::assert_corpus::<Gaiaos>(CORPUS);
    }

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Gaiaos>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Gaiaos>(CONFORMANCE);
    }

    // `show asset all`, `show version all` and `show virtual-system all`
    // are networktocode/ntc-templates' raws (tests/checkpoint_gaia/
    // show_asset_all/checkpoint_gaia_show_asset_all.raw, show_version_all/
    // checkpoint_gaia_show_version_all.raw, show_virtual-system_all/
    // checkpoint_gaia_show_virtual-system_all.raw; Apache-2.0), the asset
    // list shortened. The refusal `CLINFR0329  Invalid command:'...'.` is
    // clish's, as published in Netshot's Gaia driver and in OpenVAS's Gaia
    // detection. The export header (`# Configuration of`, `# Language
    // version:`, `# Exported by`) is minimal, shaped as Gaia prints it; no
    // published session holds a whole export.
    const ASSET: &str = "Platform: T-180-00\\r\\nModel: Check Point 4800\\r\\nSerial Number: 0000000000\\r\\nPower supply 2 status: Up\\r\\n\\r\\n\\r\\n";
    const VERSION: &str = "Product version Check Point Gaia R77.30\\r\\nOS build 204\\r\\nOS kernel version 2.6.18-92cp\\r\\nOS edition 32-bit\\r\\n";
    const CONFIG: &str = "#\\r\\n# Configuration of gw-1\\r\\n# Language version: 13.4v1\\r\\n#\\r\\n# Exported by admin on Tue Jun  1 10:20:30 2021\\r\\n#\\r\\nset hostname gw-1\\r\\nset user admin password-hash $1$abc$def\\r\\n";

    fn invalid(command: &str) -> String {
        format!("CLINFR0329  Invalid command:''{command}''.\\r\\n")
    }

    fn step(command: &str, reply: &str, prompt: &str) -> String {
        format!("  - \"{command}\\n\": '{command}\\r\\n{reply}{prompt}'\n")
    }

    fn single(asset: &str, config: &str) -> String {
        let p = "gw-1> ";
        format!(
            "init_prompt: 'gw-1> '\ncommands:\n{}{}{}{}{}  - \"exit\\n\": ''\n",
            step("set clienv rows 0", "", p),
            step("show vsx", &invalid("show vsx"), p),
            step("show asset all", asset, p),
            step("show version all", VERSION, p),
            step("show configuration", config, p),
        )
    }

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup = scripted::backup_without::<Gaiaos>(
            &single(ASSET, CONFIG),
            &Device::default(),
            &["show vsx"],
        );
        // What Oxidized's model stores for this session (../shared/oxidized/oracle gaiaos).
        assert_eq!(
            backup.config,
            "# Platform: T-180-00\n# Model: Check Point 4800\n# Serial Number: 0000000000\n\
             # Power supply 2 status: Up\n# \n# \n\
             # Product version Check Point Gaia R77.30\n# OS build 204\n\
             # OS kernel version 2.6.18-92cp\n# OS edition 32-bit\n\
             #\n# Configuration of gw-1\n# Language version: 13.4v1\n#\n# \n#\n\
             set hostname gw-1\nset user admin password-hash $1$abc$def\n"
        );
    }

    #[test]
    fn vsx_is_backed_up_per_virtual_system_as_oxidized_does() {
        let step_vs = |n: u32, after: &str, reply: &str| {
            step(&format!("set virtual-system {n}"), reply, after)
        };
        let yaml = format!(
            "init_prompt: 'gw-1:0> '\ncommands:\n{}{}{}{}{}{}{}{}{}{}{}  - \"exit\\n\": ''\n",
            step("set clienv rows 0", "", "gw-1:0> "),
            step("show vsx", "VSX Enabled\\r\\n", "gw-1:0> "),
            step("show asset all", "Platform: T-180-00\\r\\n", "gw-1:0> "),
            step(
                "show version all",
                "Product version Check Point Gaia R77.30\\r\\n",
                "gw-1:0> "
            ),
            step(
                "show virtual-system all",
                "Virtual systems list\\r\\nVS ID       VS NAME\\r\\n0           0\\r\\n1           gandalf_VR01\\r\\n2           gandalf_SRCXT-VS01\\r\\n",
                "gw-1:0> "
            ),
            step_vs(0, "gw-1:0> ", ""),
            step(
                "show configuration",
                "#\\r\\n# Exported by admin on Tue Jun  1 10:20:30 2021\\r\\nset hostname gw-1\\r\\n",
                "gw-1:0> "
            ),
            step_vs(1, "gw-1:1> ", ""),
            step(
                "show configuration",
                "#\\r\\nset interface wrp64 state on\\r\\n",
                "gw-1:1> "
            ),
            step_vs(2, "gw-1:2> ", ""),
            step(
                "show configuration",
                "#\\r\\nset interface wrp128 state on\\r\\n",
                "gw-1:2> "
            ),
        );
        let backup = scripted::backup::<Gaiaos>(&yaml, &Device::default()).expect("replayed");
        // What Oxidized's model stores for this session (../shared/oxidized/oracle gaiaos).
        assert_eq!(
            backup.config,
            "# Platform: T-180-00\n# Product version Check Point Gaia R77.30\n\
             \n\n\n#--------======== [ VS 0 - 0 ] ========--------\n\nset virtual-system 0\n\n#\n# \nset hostname gw-1\n\
             \n\n\n#--------======== [ VS 1 - gandalf_VR01 ] ========--------\n\nset virtual-system 1\n\n#\nset interface wrp64 state on\n\
             \n\n\n#--------======== [ VS 2 - gandalf_SRCXT-VS01 ] ========--------\n\nset virtual-system 2\n\n#\nset interface wrp128 state on\n"
        );
    }

    /// A longer VSX session, written for the test (the virtual-system list is
    /// ntc-templates' raw as above; the rest minimal): LF line endings, three
    /// virtual systems, blank lines inside the exports, an export without its
    /// last line end. Kept here rather than in tests/corpus/conformance: the
    /// chaos replay takes the first command whose refusal fails the backup
    /// (`show virtual-system all`) for the configuration's reply, which a
    /// backup never stores, in Oxidized as here.
    #[test]
    fn a_longer_vsx_session_is_what_oxidized_stores() {
        let yaml = include_str!("../testdata/vsx_three_systems_lf.yaml");
        let backup = scripted::backup::<Gaiaos>(yaml, &Device::default()).expect("replayed");
        // What Oxidized's model stores for this session (../shared/oxidized/oracle gaiaos).
        let oracle = include_str!("../testdata/vsx_three_systems_lf.oracle.txt");
        assert_eq!(backup.config, oracle);
    }

    #[test]
    fn a_refused_vsx_query_falls_back_on_the_prompt() {
        let yaml = include_str!("../testdata/vsx_three_systems_lf.yaml").replace(
            "show vsx\n      VSX Enabled",
            "show vsx\n      CLINFR0329  Invalid command:'show vsx'.",
        );
        assert!(yaml.contains("CLINFR0329"));
        let backup = scripted::backup_without::<Gaiaos>(&yaml, &Device::default(), &["show vsx"]);
        let oracle = include_str!("../testdata/vsx_three_systems_lf.oracle.txt");
        assert_eq!(backup.config, oracle);
    }

    #[test]
    fn a_refused_asset_list_is_left_out() {
        let backup = scripted::backup_without::<Gaiaos>(
            &single(&invalid("show asset all"), CONFIG),
            &Device::default(),
            &["show vsx", "show asset all"],
        );
        assert!(
            backup.config.starts_with("# Product version"),
            "{}",
            backup.config
        );
        assert!(!backup.config.contains("CLINFR"), "{}", backup.config);
    }

    #[test]
    fn a_refused_virtual_system_switch_fails() {
        let yaml = format!(
            "init_prompt: 'gw-1:0> '\ncommands:\n{}{}{}{}{}{}",
            step("set clienv rows 0", "", "gw-1:0> "),
            step("show vsx", "VSX Enabled\\r\\n", "gw-1:0> "),
            step("show asset all", "Platform: T-180-00\\r\\n", "gw-1:0> "),
            step("show version all", VERSION, "gw-1:0> "),
            step(
                "show virtual-system all",
                "VS ID       VS NAME\\r\\n0           0\\r\\n",
                "gw-1:0> "
            ),
            step(
                "set virtual-system 0",
                &invalid("set virtual-system 0"),
                "gw-1:0> "
            ),
        );
        scripted::backup_fails_with::<Gaiaos>(
            &yaml,
            &Device::default(),
            r#"essential command "set virtual-system 0": the device refused it: "CLINFR0329"#,
        );
    }

    #[test]
    fn a_refused_configuration_fails() {
        scripted::backup_fails_with::<Gaiaos>(
            &single(ASSET, &invalid("show configuration")),
            &Device::default(),
            r#"essential command "show configuration": the device refused it: "CLINFR0329  Invalid command:'show configuration'.""#,
        );
    }

    #[test]
    fn prompt_takes_clish_prompts_and_refuses_expert_and_config_lines() {
        // `sf-fw-01> `, `MGMT> `, the expert prompts and the CLINFR lines are
        // real (tests/corpus/netraven/gaiaos#generic#source.md); the `gw-1`
        // prompts are this file's sessions, written for the test.
        let prompt = text::line_re(PROMPT);
        for p in ["sf-fw-01> ", "MGMT> ", "gw-1> ", "gw-1:0> ", "gw-1:2>"] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "[Expert@sf-fw-01:0]# ",
            "[Expert@MGMT:0]# ",
            "set hostname gw-1",
            "# Configuration of gw-1",
            "CLINFR0329  Invalid command:'show vsx'.",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_what_oxidized_hides_and_more() {
        let cfg = "set expert-password-hash $1$canary-expert\n\
                   set user admin password-hash $6$canary-user\n\
                   set ospf interface eth1 area 0.0.0.0 authtype cryptographic key 1 algorithm md5 secret canary-ospf\n\
                   set snmp community canary-ro read-only\n\
                   set snmp community canary-rw read-write\n\
                   add snmp traps-receiver 192.0.2.9 version v2 community canary-trap\n\
                   add snmp usm user snmpv3 security-level authPriv auth-pass-phrase-hashed canary-v3auth privacy-pass-phrase-hashed canary-v3priv\n\
                   set bgp external remote-as 65001 peer 192.0.2.1 authtype md5 secret canary-bgp\n\
                   add aaa radius-servers priority 1 host 192.0.2.5 port 1812 prompt-secret 0 secret canary-radius timeout 3\n\
                   add aaa tacacs-servers priority 1 server 192.0.2.6 key canary-tacacs\n\
                   set hostname gw-1\n";
        let out = Gaiaos::redact(cfg);
        for secret in [
            "canary-expert",
            "canary-user",
            "canary-ospf",
            "canary-ro",
            "canary-rw",
            "canary-trap",
            "canary-v3auth",
            "canary-v3priv",
            "canary-bgp",
            "canary-radius",
            "canary-tacacs",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "set expert-password-hash <EXPERT PASSWORD REMOVED>\n",
            "set user admin password-hash <USER PASSWORD REMOVED>\n",
            "algorithm md5 secret <OSPF KEY REMOVED>\n",
            "set snmp community <SNMP COMMUNITY REMOVED> read-only\n",
            "set snmp community <SNMP COMMUNITY REMOVED> read-write\n",
            "version v2 community <SNMP COMMUNITY REMOVED>\n",
            "auth-pass-phrase-hashed <SNMP PASS-PHRASE REMOVED> privacy-pass-phrase-hashed <SNMP PASS-PHRASE REMOVED>\n",
            "authtype md5 secret <secret hidden>\n",
            "prompt-secret 0 secret <secret hidden> timeout 3\n",
            "server 192.0.2.6 key <secret hidden>\n",
            "set hostname gw-1\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
