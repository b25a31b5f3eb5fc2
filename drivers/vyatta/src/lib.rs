//! Vyatta, and VyOS up to 1.2 (Oxidized model `vyatta`).
//!
//! Oxidized's list of supported devices names this model for Vyatta and
//! for "Vyos <= 1.2.x"; VyOS 1.1 (helium) and 1.2 (crux) keep Vyatta's
//! operational CLI (`vyatta-op`, `vyatta-cfg`) unchanged, so a VyOS 1.1
//! session is a faithful Vyatta session. Newer VyOS has its own model and
//! driver (`vyos`).
//!
//! Checked against a session of a VyOS 1.1 router on VMware, stitched from
//! published output (see
//! `tests/corpus/netraven/vyatta#VyOS_1.1_VMware#source.md`): the VyOS
//! project's documentation (the prompt and `show configuration commands`
//! of a VMware guest) and the VyOS Ansible collection's fixture of
//! `show version` from a VyOS 1.1.7 VMware guest. No published listing of
//! a Brocade or AT&T Vyatta's `show configuration commands` was found.
//!
//! Session: the prompt is `user@host:~$ ` in operational mode (`vyos@vyos:~$
//! `, `vyatta@vyatta:~$ `), or `user@host> ` on older Vyatta shells; the
//! configuration-mode prompt (`vyos@vyos# `) is not a prompt here. Nothing
//! is set up after login: the configuration command turns its pager off
//! itself (`| no-more`), and `show version` is shorter than a screen.
//! Logout is `exit`; the router hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show version` (optional), stored as `# ` comments;
//! - `show configuration commands | no-more` (essential): a router that
//!   refuses it fails the backup as `command_rejected` instead of storing
//!   the comments alone. A `set` listing has no closing line, so a cut-short
//!   configuration cannot be told from a short one.
//!
//! Every command's output loses its echo and its prompt, as Oxidized's model
//! cuts it; the backup is byte for byte what Oxidized stores, `Uptime:` line
//! of VyOS 1.1's `show version` included (`significant` ignores it).
//!
//! A refusal is `vyatta-op`'s `Invalid command: show [foo]`.
//!
//! `redact` hides, as Oxidized does and with its wording, the values of
//! `encrypted-password`, `plaintext-password`, `password`,
//! `pre-shared-secret`, `private-key` and `preshared-key` (the rest of the
//! line goes too, as in Oxidized) and SNMP communities (`community
//! <hidden>`; Oxidized also hides the word after any other `community`,
//! such as a package repository's name, which is no secret). It also hides
//! OSPF `md5-key`s, wireless `passphrase`s, SNMPv3 `plaintext-key` /
//! `encrypted-key`s, RADIUS/TACACS+ server `secret`/`key`s and the password
//! in `scheme://user:password@` URLs (commit archives). `significant`
//! ignores the `# Uptime:` line of `show version`.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Vyatta;

const COMMENT: &str = "# ";

/// `user@host:~$ ` (operational mode in the home directory, where a login
/// starts) or `user@host> ` (older Vyatta shells).
const PROMPT: &str = r"^[\w.-]+@[\w.-]+(?::~\$|>)\s?$";

const SHOW_VERSION: &str = "show version";
const SHOW_CONFIG: &str = "show configuration commands | no-more";

impl Driver for Vyatta {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "vyatta",
            env!("CARGO_PKG_VERSION"),
            &["vyatta"],
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
        if let Some(version) = session.optional(SHOW_VERSION)? {
            config.push_str(&text::comment(&text::command_output(&version), COMMENT));
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

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^# Uptime: "])
    }
}

/// Secret removal, line by line: `(needle, regex, replacement)`. The first
/// six are Oxidized's, with its wording: the keyword stays, the value and
/// whatever follows it on the line go.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "encrypted-password ",
        r"encrypted-password \S+.*",
        "encrypted-password <secret removed>",
    ),
    (
        "plaintext-password ",
        r"plaintext-password \S+.*",
        "plaintext-password <secret removed>",
    ),
    // BGP neighbours, VRRP, L2TP/PPTP users, dynamic DNS, repositories.
    ("password ", r"password \S+.*", "password <secret removed>"),
    (
        "pre-shared-secret ",
        r"pre-shared-secret \S+.*",
        "pre-shared-secret <secret removed>",
    ),
    (
        "private-key ",
        r"private-key \S+.*",
        "private-key <secret removed>",
    ),
    (
        "preshared-key ",
        r"preshared-key \S+.*",
        "preshared-key <secret removed>",
    ),
    // `set service snmp community public authorization 'ro'`,
    // `set service snmp trap-target 192.0.2.1 community 'public'`.
    (
        "community ",
        r"^(.*\bsnmp\b.*\bcommunity) \S+",
        "$1 <hidden>",
    ),
    // `set interfaces ethernet eth1 ip ospf authentication md5 key-id 1 md5-key 'x'`.
    ("md5-key ", r"md5-key \S+", "md5-key <secret removed>"),
    // `set interfaces wireless wlan0 security wpa passphrase 'x'`.
    (
        "passphrase ",
        r"passphrase \S+",
        "passphrase <secret removed>",
    ),
    // `set service snmp v3 user U auth plaintext-key 'x'`.
    (
        "-key ",
        r"\b((?:plaintext|encrypted)-key) \S+",
        "$1 <secret removed>",
    ),
    // `set system login radius-server 192.0.2.5 secret 'x'` (1.1, 1.2),
    // `set system login radius server 192.0.2.5 key 'x'`,
    // `set system login tacacs server 192.0.2.6 key 'x'`.
    (
        "login ",
        r"^(.*\blogin (?:radius-server|radius server|tacacs server) \S+ (?:secret|key)) \S+",
        "$1 <secret removed>",
    ),
    // `set system config-management commit-archive location 'scp://u:pw@host/'`.
    (
        "://",
        r"([a-z]+://[^:\s/@]+:)[^@\s]+@",
        "${1}<secret removed>@",
    ),
];

netraven_driver_sdk::export_driver!(Vyatta);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Vyatta>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Vyatta>(CORPUS);
    }

    /// A session as the VyOS 1.1 router of the corpus answers it, with
    /// `version` and `config` as the replies (after the echo) to the two
    /// commands.
    fn recording(version: &str, config: &str) -> String {
        let p = "vyos@vyos:~$ ";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"show version\\n\": 'show version\\r\\n{version}{p}'\n\
             \x20 - \"show configuration commands | no-more\\n\": 'show configuration commands | no-more\\r\\n{config}{p}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    const VERSION: &str = "Version:      VyOS 1.1.7\\r\\nHypervisor:   VMware\\r\\nUptime:       01:08:20 up 52 days,  2:13,  1 user,  load average: 0.00, 0.01, 0.05\\r\\n";
    const CONFIG: &str = "set interfaces loopback ''lo''\\r\\nset service ssh port ''22''\\r\\n";
    /// `vyatta-op`'s refusal of a command it does not know.
    const INVALID: &str = "\\r\\n  Invalid command: show [version]\\r\\n\\r\\n";

    #[test]
    fn the_backup_is_the_version_as_comments_then_the_set_commands() {
        let backup = scripted::backup::<Vyatta>(&recording(VERSION, CONFIG), &Device::default())
            .expect("replayed whole");
        assert_eq!(
            backup.config,
            "# Version:      VyOS 1.1.7\n# Hypervisor:   VMware\n\
             # Uptime:       01:08:20 up 52 days,  2:13,  1 user,  load average: 0.00, 0.01, 0.05\n\
             set interfaces loopback 'lo'\nset service ssh port '22'\n"
        );
    }

    #[test]
    fn a_router_that_refuses_the_version_is_backed_up_without_it() {
        let backup = scripted::backup_without::<Vyatta>(
            &recording(INVALID, CONFIG),
            &Device::default(),
            &[SHOW_VERSION],
        );
        assert_eq!(
            backup.config,
            "set interfaces loopback 'lo'\nset service ssh port '22'\n"
        );
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_version() {
        let refused = "\\r\\n  Invalid command: show [configuration]\\r\\n\\r\\n";
        scripted::backup_fails_with::<Vyatta>(
            &recording(VERSION, refused),
            &Device::default(),
            r#"essential command "show configuration commands | no-more": the device refused it: "Invalid command: show [configuration]""#,
        );
    }

    #[test]
    fn an_empty_configuration_fails() {
        scripted::backup_fails_with::<Vyatta>(
            &recording(VERSION, ""),
            &Device::default(),
            "the device printed nothing",
        );
    }

    #[test]
    fn prompt_takes_operational_prompts_and_refuses_configuration_mode() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "vyos@vyos:~$ ",
            "vyos@vyos:~$",
            "vyatta@vyatta:~$ ",
            "vyos@R-ISP:~$ ",
            "jsmith@vyos118:~$ ",
            "vyatta@R1> ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "vyos@vyos# ",
            "[edit]",
            "Built by:     maintainers@vyos.net",
            "set system login user vyos level 'admin'",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_login_and_vpn_secrets_as_oxidized_words_them() {
        let cfg = "set system login user vyos authentication encrypted-password '$6$ELBrDuW7c/8$nN7MwUST8s8O0R6HMNu'\n\
                   set system login user jsmith authentication plaintext-password 'CANARY1'\n\
                   set protocols bgp 65000 neighbor 192.0.2.2 password 'CANARY2'\n\
                   set vpn ipsec site-to-site peer 192.0.2.9 authentication pre-shared-secret 'CANARY3'\n\
                   set interfaces wireguard wg0 private-key 'CANARY4'\n\
                   set high-availability vrrp group G authentication type 'plaintext-password'\n";
        let out = Vyatta::redact(cfg);
        for secret in ["ELBrDuW7c", "CANARY1", "CANARY2", "CANARY3", "CANARY4"] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "set system login user vyos authentication encrypted-password <secret removed>\n",
            "set system login user jsmith authentication plaintext-password <secret removed>\n",
            "set protocols bgp 65000 neighbor 192.0.2.2 password <secret removed>\n",
            "authentication pre-shared-secret <secret removed>\n",
            "set interfaces wireguard wg0 private-key <secret removed>\n",
            "authentication type 'plaintext-password'\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn redact_hides_snmp_routing_and_aaa_secrets() {
        let cfg = "set service snmp community CANARY1 authorization 'ro'\n\
                   set service snmp trap-target 192.0.2.1 community 'CANARY2'\n\
                   set service snmp v3 user U auth plaintext-key 'CANARY3'\n\
                   set interfaces ethernet eth1 ip ospf authentication md5 key-id 1 md5-key 'CANARY4'\n\
                   set interfaces wireless wlan0 security wpa passphrase 'CANARY5'\n\
                   set system login radius-server 192.0.2.5 secret 'CANARY6'\n\
                   set system login tacacs server 192.0.2.6 key 'CANARY7'\n\
                   set system config-management commit-archive location 'scp://backup:CANARY8@192.0.2.7/vyos'\n\
                   set system package repository community components 'main'\n\
                   set system login user vyos authentication public-keys me@host key 'AAAAB3NzaC1yc2E'\n";
        let out = Vyatta::redact(cfg);
        for n in 1..=8 {
            let secret = format!("CANARY{n}");
            assert!(!out.contains(&secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "set service snmp community <hidden> authorization 'ro'\n",
            "set service snmp trap-target 192.0.2.1 community <hidden>\n",
            "auth plaintext-key <secret removed>\n",
            "key-id 1 md5-key <secret removed>\n",
            "wpa passphrase <secret removed>\n",
            "radius-server 192.0.2.5 secret <secret removed>\n",
            "tacacs server 192.0.2.6 key <secret removed>\n",
            "'scp://backup:<secret removed>@192.0.2.7/vyos'\n",
            "set system package repository community components 'main'\n",
            "public-keys me@host key 'AAAAB3NzaC1yc2E'\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_ignores_the_uptime() {
        let cfg = "# Version:      VyOS 1.1.7\n# Uptime:       01:08:20 up 52 days,  2:13,  1 user,  load average: 0.00, 0.01, 0.05\nset interfaces loopback 'lo'\n";
        let later = "# Version:      VyOS 1.1.7\n# Uptime:       19:09:24 up  4:47,  1 user,  load average: 0.01, 0.04, 0.05\nset interfaces loopback 'lo'\n";
        assert_eq!(Vyatta::significant(cfg), Vyatta::significant(later));
        assert_eq!(
            Vyatta::significant(cfg),
            "# Version:      VyOS 1.1.7\nset interfaces loopback 'lo'\n"
        );
    }
}
