//! F5 F5OS, the platform layer of rSeries appliances and VELOS chassis
//! (Oxidized model `f5os`).
//!
//! No published session of the configuration command exists yet (see the
//! `f5os` sections of `tests/corpus/netraven/RESEARCH.md`: F5's training
//! guides print only excerpts of `show running-config`), so this driver is
//! checked by its unit tests against what Oxidized's own model code stores
//! for the same session (`../shared/oxidized/oracle f5os`), and by the
//! prompt case `tests/corpus/netraven/f5os#rSeries#prompt.yaml`.
//!
//! Session: F5OS's ConfD CLI. The prompt is the hostname, `#` and a space
//! (`appliance-1# `, `r5900-1# `, `default-1# ` on a VELOS partition);
//! configuration-mode prompts (`appliance-1(config)# `) are not prompts
//! here, where Oxidized's regex takes them too. After login the driver sends
//! `paginate false` (no pager to answer). Logout is `exit`; the system hangs
//! up.
//!
//! Commands: `show running-config` (essential), the only one Oxidized's
//! model runs. A system that refuses it (ConfD's `syntax error: ...` under
//! a `----^` marker) fails the backup as `command_rejected`. The ConfD
//! listing has no closing line of its own, so a cut-short listing cannot be
//! told from a whole one.
//!
//! Cutting: none. Oxidized's model stores the command's whole reply, echo
//! and final prompt included (`show running-config` first, `appliance-1# `
//! last, without a final newline), with `\r\n` turned into `\n`; so does
//! this driver, byte for byte. Backspaces in the echo are applied, as the
//! terminal shows them, where Oxidized would store them raw: an echo that
//! a terminal redraws is not configuration. Oxidized's prompt regex takes
//! `#`/`>` only with whitespace after it, and configuration-mode prompts;
//! this one takes the first without and not the second.
//!
//! Conformance cases (scripted, checked against the oracle byte for byte,
//! and replayed with chaos): `tests/corpus/conformance/f5os#scripted_*`.
//!
//! `redact` hides, keeping each keyword: SNMP community names
//! (`snmpCommunityName`, and the entry's name and security name, which
//! F5's guides set to the community; `system snmp communities community
//! NAME`), ConfD's encrypted strings (`$8$...`)
//! and crypt hashes (`$1$`, `$5$`, `$6$`, with user passwords), and every
//! value after a `password` (`authentication-password`, `privacy-password`
//! of SNMPv3 users, `bind-password`...), `secret`, `secret-key`,
//! `passphrase`, `key`, `key-value` (NTP keys) or `community` (SNMP trap
//! targets) leaf of a `config` container. Oxidized's model hides nothing.
//! `significant` ignores nothing: the listing holds no clock or counter.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct F5os;

/// The hostname, an optional space, then `#` (or `>`), and perhaps a space.
const PROMPT: &str = r"^([\w.@-]+ ?[#>]\s?)$";

const SHOW_CONFIG: &str = "show running-config";

impl Driver for F5os {
    fn info() -> DriverInfo {
        DriverInfo::shell("f5os", env!("CARGO_PKG_VERSION"), &["f5os"], PROMPT, "!")
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("paginate false")?;
        let raw = text::unix_newlines(&session.essential(SHOW_CONFIG)?);
        // Stored whole, as Oxidized stores it: echo, listing and prompt.
        let (echo, rest) = raw.split_at(raw.find('\n').map_or(raw.len(), |i| i + 1));
        Ok(Backup::config(text::apply_backspaces(echo) + rest))
    }

    /// The system closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_lines_with_any(config, SECRET_RULES)
    }
}

/// `(needles, regex, replacement)`: each regex only on lines holding one of
/// its needles, hiding the value and keeping the keyword.
const SECRET_RULES: &[(&[&str], &str, &str)] = &[
    (
        &["snmpCommunity"],
        r"(snmpCommunityEntry|snmpCommunityName|snmpCommunitySecurityName) \S+",
        "$1 <secret hidden>",
    ),
    (
        &["communities community "],
        r"(communities community) \S+",
        "$1 <secret hidden>",
    ),
    (
        &["config "],
        r"(config (?:\S+-)?(?:password|secret|secret-key|passphrase|key|key-value|community)) [^<\s]\S*",
        "$1 <secret hidden>",
    ),
    // Any hash or encrypted string the rules above did not reach.
    (
        &["$1$", "$5$", "$6$", "$8$"],
        r"\$[1568]\$\S+",
        "<secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(F5os);

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
        netraven_driver_sdk::harness::assert_corpus::<F5os>(CORPUS);
    }

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<F5os>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<F5os>(CONFORMANCE);
    }

    /// A session of an rSeries appliance. The prompt `appliance-1# ` and the
    /// listing's lines (`system aaa password-policy config ...`) are as
    /// f5devcentral/f5-rseries-training's guides print them (`docs/
    /// rseries_security.rst`, `initial_setup_of_rseries_network_layer.rst`:
    /// `show running-config portgroups`); the listing is an excerpt of
    /// theirs, not a whole configuration, and the banner is minimal.
    /// `paginate false` answers with the prompt alone, as ConfD CLIs do.
    fn recording(config: &str) -> String {
        let p = "appliance-1# ";
        format!(
            "init_prompt: |-\n  appliance-1#\\x20\ncommands:\n\
             \x20 - \"paginate false\\n\": \"paginate false\\r\\n{p}\"\n\
             \x20 - \"show running-config\\n\": \"show running-config\\r\\n{config}{p}\"\n\
             \x20 - \"exit\\n\": \"\"\n"
        )
    }

    const CONFIG: &str = "portgroups portgroup 1\\r\\nconfig name 1\\r\\nconfig mode MODE_100GB\\r\\nconfig ddm ddm-poll-frequency 30\\r\\n!\\r\\nsystem aaa password-policy config min-length 6\\r\\nsystem aaa password-policy config retries 3\\r\\n";

    /// ConfD's refusal, as ConfD-based CLIs print it (Cisco NSO guides).
    const REFUSED: &str = "-------------------^\\r\\nsyntax error: unknown command\\r\\n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<F5os>(&recording(CONFIG), &Device::default())
            .expect("replayed whole");
        // What Oxidized's model stores for this session (../shared/oxidized/oracle f5os).
        assert_eq!(
            backup.config,
            "show running-config\n\
             portgroups portgroup 1\nconfig name 1\nconfig mode MODE_100GB\nconfig ddm ddm-poll-frequency 30\n!\n\
             system aaa password-policy config min-length 6\n\
             system aaa password-policy config retries 3\n\
             appliance-1# "
        );
    }

    #[test]
    fn a_refused_configuration_fails() {
        scripted::backup_fails_with::<F5os>(
            &recording(REFUSED),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "syntax error: unknown command""#,
        );
    }

    #[test]
    fn an_empty_configuration_fails() {
        scripted::backup_fails_with::<F5os>(
            &recording(""),
            &Device::default(),
            r#"essential command "show running-config""#,
        );
    }

    #[test]
    fn prompt_takes_hostnames_and_refuses_config_mode() {
        let prompt = text::line_re(PROMPT);
        for p in ["appliance-1# ", "r5900-1# ", "default-1#", "Production-1# "] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "appliance-1(config)# ",
            "appliance-1(config-allowed-ip-SNMP)# ",
            "system aaa password-policy config min-length 6",
            "Commit complete.",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_communities_hashes_and_keys() {
        // Shapes from F5's guides (`SNMP-COMMUNITY-MIB ...`, `system snmp
        // communities community NAME config ...`); the values are canaries.
        let cfg = "SNMP-COMMUNITY-MIB snmpCommunityTable snmpCommunityEntry canary1\n \
                   snmpCommunityName canary1\n snmpCommunitySecurityName canary1\n!\n\
                   system aaa authentication users user admin\n config password $6$canary2$xyz\n!\n\
                   system aaa server-groups server-group radius servers server 192.0.2.5\n \
                   radius config secret-key $8$canary3==\n!\n\
                   system diagnostics ihealth config password canary4\n\
                   system snmp communities community canary5 config security-model [ v2c ]\n\
                   system aaa password-policy config min-length 6\n\
                   system snmp users user nms\n config authentication-password canary6\n config privacy-password canary7\n!\n\
                   system snmp targets target nms\n config community canary8\n!\n\
                   system ntp ntp-keys ntp-key 1\n config key-value canary9\n!\n\
                   system aaa authentication ldap\n config bind-password canary10\n!\n";
        let out = F5os::redact(cfg);
        for secret in [
            "canary1", "canary2", "canary3", "canary4", "canary5", "canary6", "canary7", "canary8",
            "canary9", "canary10",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "snmpCommunityEntry <secret hidden>\n",
            " snmpCommunityName <secret hidden>\n",
            " config password <secret hidden>\n",
            " radius config secret-key <secret hidden>\n",
            "ihealth config password <secret hidden>\n",
            "communities community <secret hidden> config security-model [ v2c ]\n",
            "system aaa password-policy config min-length 6\n",
            " config authentication-password <secret hidden>\n",
            " config privacy-password <secret hidden>\n",
            " config community <secret hidden>\n",
            " config key-value <secret hidden>\n",
            " config bind-password <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
