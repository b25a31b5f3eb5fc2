//! Ubiquiti EdgeOS, the EdgeRouter's Vyatta-derived OS (Oxidized model
//! `edgeos`).
//!
//! No published session of the configuration command exists yet (see the
//! `edgeos` section of `tests/corpus/netraven/RESEARCH.md`), so the driver
//! is checked by its unit tests against what Oxidized's own model code
//! stores for the same scripted session (`../shared/oxidized/oracle
//! edgeos`), by the scripted conformance cases (and their chaos replay) in
//! `tests/corpus/conformance/edgeos#scripted_*`, and by the prompt case
//! `tests/corpus/netraven/edgeos#generic`.
//!
//! Session: the operational prompt is `user@host:~$ ` (`ubnt@ubnt:~$ `);
//! the configuration-mode prompt `ubnt@ubnt# ` is not a prompt here.
//! There is no enable step, and no pager to set up: both commands carry
//! `| no-more`. Logout is `exit`; the router hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show version | no-more` (optional), stored as `# ` comments, its
//!   `Uptime:` line emptied (the line stays, as the blank comment `# `,
//!   as Oxidized stores it);
//! - `show configuration commands | no-more` (essential): a router that
//!   refuses it fails the backup as `command_rejected` instead of storing
//!   the comments alone. A `set` listing has no closing line, so a
//!   configuration cut short cannot be told from a short one.
//!
//! Every output loses its echo (first line) and its prompt (last line), as
//! Oxidized's model cuts it; the backup is byte for byte what Oxidized
//! stores. A refusal is `vyatta-op`'s `Invalid command: show [...]`.
//!
//! `redact` hides, keeping each keyword, the values of
//! `encrypted-password`, `plaintext-password`, `password` (PPPoE, BGP,
//! L2TP users, dynamic DNS), `pre-shared-secret`, SNMP communities (in the
//! `set` form, `snmp community NAME`, which Oxidized's `community NAME {`
//! rule, written for `config.boot`, misses; the brace form is hidden too)
//! and `commit-archive location` URLs, as Oxidized does; and beyond it
//! SNMPv3 `plaintext-key`/`encrypted-key`s, RADIUS server `secret`s, OSPF
//! `md5-key`s and WireGuard `private-key`s. A quoted value with spaces is
//! hidden whole (Oxidized's `\S+` leaves its tail), and the `password` rule
//! does not hit the `password` inside `encrypted-password` again (in
//! Oxidized it does, leaving `<secret removed> removed>`).
//!
//! `significant`: nothing to ignore; the only volatile line, `Uptime:`, is
//! already emptied in the backup.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Edgeos;

const COMMENT: &str = "# ";

/// `user@host:~$ `: operational mode in the home directory, where a login
/// starts.
const PROMPT: &str = r"^[\w.-]+@[\w.-]+:~\$\s?$";

const SHOW_VERSION: &str = "show version | no-more";
const SHOW_CONFIG: &str = "show configuration commands | no-more";

impl Driver for Edgeos {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "edgeos",
            env!("CARGO_PKG_VERSION"),
            &["edgeos"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.strip_ansi(true);
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(raw) = session.optional(SHOW_VERSION)? {
            // The uptime line is emptied, not removed.
            let version = text::replace_in_lines(
                &text::command_output(&raw),
                &[("Uptime:", r"^Uptime:\s.+", "")],
            );
            config.push_str(&text::comment(&version, COMMENT));
        }
        let raw = session.essential(SHOW_CONFIG)?;
        config.push_str(&text::command_output(&raw));
        Ok(Backup::config(config))
    }

    /// Leave with `exit`; the router closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// Secret removal, line by line: `(needle, regex, replacement)`. The value
/// is one word or a quoted string; the keyword and the rest of the line
/// stay.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "-password ",
        r"\b((?:encrypted|plaintext)-password) (?:'[^']*'|\S+)",
        "$1 <secret removed>",
    ),
    // Only a word of its own: not the tail of `encrypted-password`.
    (
        "password ",
        r"(^|\s)password (?:'[^']*'|\S+)",
        "${1}password <secret removed>",
    ),
    (
        "pre-shared-secret ",
        r"pre-shared-secret (?:'[^']*'|\S+)",
        "pre-shared-secret <secret removed>",
    ),
    // `set service snmp community public authorization ro`,
    // `set service snmp trap-target 192.0.2.1 community public`.
    (
        "community ",
        r"^(.*\bsnmp\b.*\bcommunity) (?:'[^']*'|\S+)",
        "$1 <hidden>",
    ),
    // `community public {` in a `config.boot`-style listing.
    ("community ", r"\b(community) \S+ \{", "$1 <hidden> {"),
    (
        "commit-archive location ",
        r"commit-archive location (?:'[^']*'|\S+)",
        "commit-archive location <secret removed>",
    ),
    // `set service snmp v3 user U auth plaintext-key 'x'`.
    (
        "-key ",
        r"\b((?:plaintext|encrypted)-key) (?:'[^']*'|\S+)",
        "$1 <secret removed>",
    ),
    // `set system login radius-server 192.0.2.5 secret x`.
    (
        "radius-server ",
        r"\b(radius-server \S+ secret) (?:'[^']*'|\S+)",
        "$1 <secret removed>",
    ),
    // `... ip ospf authentication md5 key-id 1 md5-key x`.
    (
        "md5-key ",
        r"\bmd5-key (?:'[^']*'|\S+)",
        "md5-key <secret removed>",
    ),
    // `set interfaces wireguard wg0 private-key x` (the WireGuard package).
    (
        "private-key ",
        r"\bprivate-key (?:'[^']*'|\S+)",
        "private-key <secret removed>",
    ),
];

netraven_driver_sdk::export_driver!(Edgeos);

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
        netraven_driver_sdk::harness::assert_corpus::<Edgeos>(CORPUS);
    }

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Edgeos>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Edgeos>(CONFORMANCE);
    }

    /// A session of an EdgeRouter, with `version` and `config` as the
    /// replies (after the echo) to the two commands.
    fn recording(version: &str, config: &str) -> String {
        let p = r"ubnt@ubnt:~$\x20";
        format!(
            "init_prompt: \"Welcome to EdgeOS\\r\\n{p}\"\ncommands:\n\
             \x20 - \"show version | no-more\\n\": \"show version | no-more\\r\\n{version}{p}\"\n\
             \x20 - \"show configuration commands | no-more\\n\": \"show configuration commands | no-more\\r\\n{config}{p}\"\n\
             \x20 - \"exit\\n\": \"\"\n"
        )
    }

    /// `show version` of an EdgeRouter 6P, v2.0.6: networktocode/ntc-templates
    /// `tests/ubiquiti_edgerouter/show_version/ubiquiti_edgerouter_show_version.raw`
    /// (Apache-2.0), unchanged.
    const VERSION: &str = "Version:      v2.0.6\\r\\nBuild ID:     5208554\\r\\nBuild on:     07/08/19 06:11\\r\\n\
        Copyright:    2012-2018 Ubiquiti Networks, Inc.\\r\\nHW model:     EdgeRouter 6P\\r\\nHW S/N:       FCECDA47BF8A\\r\\n\
        Uptime:       16:17:57 up 11 days,  6:15,  1 user,  load average: 0.09, 0.06, 0.01\\r\\n";

    /// Minimal: no published `show configuration commands` of an EdgeRouter
    /// exists; lines shaped as EdgeOS prints them (values quoted only when
    /// they hold spaces or special characters), with a canary hash.
    const CONFIG: &str = "set firewall all-ping enable\\r\\nset interfaces ethernet eth0 address dhcp\\r\\n\
        set interfaces ethernet eth0 description Internet\\r\\nset service gui http-port 80\\r\\n\
        set service nat rule 5010 description 'masquerade for WAN'\\r\\nset service ssh port 22\\r\\n\
        set system host-name ubnt\\r\\n\
        set system login user ubnt authentication encrypted-password '$6$SECRETHASH'\\r\\n\
        set system login user ubnt level admin\\r\\n";

    /// Written for the test: the shape of `vyatta-op`'s refusal of a command
    /// it does not know (no published EdgeOS capture of it is cited).
    const INVALID: &str = "\\r\\n  Invalid command: show [version]\\r\\n\\r\\n";

    /// The same refusal, of `show configuration commands`: `vyatta-op`
    /// names the word it does not know, here `configuration`.
    const INVALID_CONFIGURATION: &str = "\\r\\n  Invalid command: show [configuration]\\r\\n\\r\\n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<Edgeos>(&recording(VERSION, CONFIG), &Device::default())
            .expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle edgeos).
        assert_eq!(
            backup.config,
            "# Version:      v2.0.6\n\
             # Build ID:     5208554\n\
             # Build on:     07/08/19 06:11\n\
             # Copyright:    2012-2018 Ubiquiti Networks, Inc.\n\
             # HW model:     EdgeRouter 6P\n\
             # HW S/N:       FCECDA47BF8A\n\
             # \n\
             set firewall all-ping enable\n\
             set interfaces ethernet eth0 address dhcp\n\
             set interfaces ethernet eth0 description Internet\n\
             set service gui http-port 80\n\
             set service nat rule 5010 description 'masquerade for WAN'\n\
             set service ssh port 22\n\
             set system host-name ubnt\n\
             set system login user ubnt authentication encrypted-password '$6$SECRETHASH'\n\
             set system login user ubnt level admin\n"
        );
    }

    #[test]
    fn a_refused_version_is_left_out() {
        let backup = scripted::backup_without::<Edgeos>(
            &recording(INVALID, CONFIG),
            &Device::default(),
            &[SHOW_VERSION],
        );
        assert!(
            backup.config.starts_with("set firewall all-ping enable\n"),
            "{}",
            backup.config
        );
        assert!(!backup.config.contains("Invalid"), "{}", backup.config);
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Edgeos>(
            &recording(VERSION, INVALID_CONFIGURATION),
            &Device::default(),
            r#"essential command "show configuration commands | no-more": the device refused it: "Invalid command: show [configuration]""#,
        );
    }

    #[test]
    fn an_empty_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Edgeos>(
            &recording(VERSION, ""),
            &Device::default(),
            "the device printed nothing",
        );
    }

    #[test]
    fn prompt_takes_operational_prompts_only() {
        let prompt = text::line_re(PROMPT);
        for p in ["ubnt@ubnt:~$ ", "ubnt@ubnt:~$", "admin@er-x.lab:~$ "] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "ubnt@ubnt# ",
            "[edit]",
            "set system host-name ubnt",
            "Welcome to EdgeOS",
            "Uptime:       16:17:57 up 11 days,  6:15,  1 user,  load average: 0.09, 0.06, 0.01",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_every_secret_and_keeps_the_keywords() {
        let cfg = "set system login user ubnt authentication encrypted-password '$6$HASHCANARY'\n\
                   set system login user ops authentication plaintext-password 'two WORDCANARY'\n\
                   set interfaces ethernet eth0 pppoe 0 password PPPOECANARY\n\
                   set protocols bgp 65530 neighbor 192.0.2.1 password BGPCANARY\n\
                   set vpn ipsec site-to-site peer 192.0.2.9 authentication pre-shared-secret PSKCANARY\n\
                   set service snmp community COMMCANARY authorization ro\n\
                   set service snmp trap-target 192.0.2.1 community TRAPCANARY\n\
                   set system config-management commit-archive location 'scp://u:ARCHCANARY@192.0.2.7/cfg'\n\
                   set service snmp v3 user u1 auth plaintext-key V3CANARY\n\
                   set system login radius-server 192.0.2.5 secret RADCANARY\n\
                   set interfaces ethernet eth1 ip ospf authentication md5 key-id 1 md5-key OSPFCANARY\n\
                   set interfaces wireguard wg0 private-key WGCANARY\n\
                   community BOOTCANARY {\n\
                   set system login user ubnt authentication public-keys k1 type ssh-rsa\n";
        let out = Edgeos::redact(cfg);
        for secret in [
            "HASHCANARY",
            "WORDCANARY",
            "PPPOECANARY",
            "BGPCANARY",
            "PSKCANARY",
            "COMMCANARY",
            "TRAPCANARY",
            "ARCHCANARY",
            "V3CANARY",
            "RADCANARY",
            "OSPFCANARY",
            "WGCANARY",
            "BOOTCANARY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "authentication encrypted-password <secret removed>\n",
            "authentication plaintext-password <secret removed>\n",
            "pppoe 0 password <secret removed>\n",
            "neighbor 192.0.2.1 password <secret removed>\n",
            "authentication pre-shared-secret <secret removed>\n",
            "set service snmp community <hidden> authorization ro\n",
            "trap-target 192.0.2.1 community <hidden>\n",
            "commit-archive location <secret removed>\n",
            "auth plaintext-key <secret removed>\n",
            "radius-server 192.0.2.5 secret <secret removed>\n",
            "md5-key <secret removed>\n",
            "wg0 private-key <secret removed>\n",
            "community <hidden> {\n",
            "public-keys k1 type ssh-rsa\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
