//! Dell Enterprise SONiC, through its management shell `sonic-cli`
//! (PowerSwitch S5200/Z9200/Z9300 series; Oxidized model
//! `enterprise_sonic`).
//!
//! No published session of the configuration command exists yet (see
//! `tests/corpus/netraven/RESEARCH.md`, section `enterprise_sonic`), so the
//! driver is checked by unit tests against Oxidized's own model code (the
//! oracle, `../shared/oxidized/oracle enterprise_sonic`), by the scripted
//! conformance cases (and their chaos replay)
//! `tests/corpus/conformance/enterprise_sonic#scripted_*`, and by the
//! prompt case `tests/corpus/netraven/enterprise_sonic#generic#prompt.yaml`.
//!
//! Session: the prompt is either `sonic-cli`'s, the hostname then `#`
//! (`sonic#`), or the Linux shell's, `user@host:dir$` (`admin@sonic:~$`),
//! where a user with admin rights lands. Configuration-mode prompts
//! (`sonic(config)#`) are not prompts here. With the device var `admin`,
//! the driver first types `sonic-cli` and an empty line, as Oxidized does
//! (it sends the command with its own newline and then the session's).
//! Then `terminal length 0` turns the pager off. Logout is `exit`. ANSI
//! escape codes, which the CLI prints, are cleaned by the host.
//!
//! Commands, in Oxidized's order:
//! - `show version` (optional), without its `Uptime` line, under a
//!   `##### VERSION #####` title;
//! - `show platform syseeprom` (optional), under `##### SYSEEPROM #####`;
//! - `show running-configuration` (essential), under `#####
//!   CONFIGURATION #####`: a switch that refuses it (`% Error: Invalid
//!   input detected at "^" marker.`) fails the backup as
//!   `command_rejected`. The configuration has no closing line of its own
//!   that a published capture shows, so a cut is not checked.
//!
//! Each title is a blank line, `##### NAME #####` and a newline, as
//! Oxidized writes it; every output loses its echo and its prompt. The
//! backup is thus byte for byte what Oxidized stores; a refused optional
//! command is left out with its title, where Oxidized would keep the title
//! over the refusal's text.
//!
//! `redact` hides, keeping each keyword (Oxidized's model hides nothing):
//! user password hashes, SNMP communities (also a trap host's), SNMPv3
//! `auth-password`/`priv-password`s, TACACS+ and RADIUS keys, the LDAP
//! `bindpw`, BGP neighbour passwords, NTP and OSPF (interface and virtual
//! link) authentication keys. `significant` keeps everything: the uptime
//! is already gone.
//!
//! Device vars:
//! - `admin = "true"`: the login lands in the Linux shell; start
//!   `sonic-cli` first.

use netraven_driver_sdk::prelude::*;

pub struct EnterpriseSonic;

/// `user@host:dir$` (Linux) or `host#` (sonic-cli).
const PROMPT: &str = r"^(?:[\w.-]+@[\w.-]+:[~\w/-]+\$|[\w.-]+#)\s*$";

const SHOW_CONFIG: &str = "show running-configuration";

/// A section title as Oxidized's model writes it.
fn title(name: &str) -> String {
    format!("\n##### {name} #####\n")
}

impl Driver for EnterpriseSonic {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "enterprise_sonic",
            env!("CARGO_PKG_VERSION"),
            &["enterprise_sonic"],
            PROMPT,
            "# ",
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("admin") {
            session.send("sonic-cli\n\n")?;
            session.read_until(PROMPT, None)?;
        }
        session.command("terminal length 0")?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(raw) = session.optional("show version")? {
            let version = text::drop_lines(&text::command_output(&raw), &["Uptime"]);
            config.push_str(&title("VERSION"));
            config.push_str(&version);
        }
        if let Some(raw) = session.optional("show platform syseeprom")? {
            config.push_str(&title("SYSEEPROM"));
            config.push_str(&text::command_output(&raw));
        }
        let raw = session.essential(SHOW_CONFIG)?;
        config.push_str(&title("CONFIGURATION"));
        config.push_str(&text::command_output(&raw));
        Ok(Backup::config(config))
    }

    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// Secret removal, line by line: `(needle, regex, replacement)`.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `username admin password $6$... role admin`, BGP `neighbor` blocks'
    // `password U2Fsd... encrypted`.
    ("password ", r"(\bpassword) \S+", "$1 <secret hidden>"),
    (
        "community ",
        r"^(snmp-server community) \S+",
        "$1 <secret hidden>",
    ),
    // A trap/inform host's community: `snmp-server host 192.0.2.1
    // community C traps v2c`.
    (
        "community ",
        r"^(snmp-server host .*\bcommunity) \S+",
        "$1 <secret hidden>",
    ),
    // `tacacs-server key K encrypted`, `tacacs-server host 192.0.2.5 key K`,
    // `radius-server key K`, `radius-server host 192.0.2.7 key K`.
    (
        "key ",
        r"^((?:tacacs|radius)-server .*\bkey) \S+",
        "$1 <secret hidden>",
    ),
    (
        "authentication-key",
        r"^(ntp authentication-key \d+ \S+) \S+",
        "$1 <secret hidden>",
    ),
    // `ip ospf authentication-key U2Fsd... encrypted 10.10.120.1`,
    // `ip ospf message-digest-key 10 md5 U2Fsd... encrypted ...`.
    (
        "ospf ",
        r"^(\s*ip ospf (?:authentication-key|message-digest-key \d+ md5)) \S+",
        "$1 <secret hidden>",
    ),
    // The same keys on an OSPF virtual link: `area 0.0.0.1 virtual-link
    // 192.0.2.9 authentication-key K encrypted`, `... message-digest-key 1
    // md5 K encrypted`.
    (
        "virtual-link ",
        r"\b(virtual-link \S+ (?:.* )?(?:authentication-key|message-digest-key \d+ md5)) \S+",
        "$1 <secret hidden>",
    ),
    // The LDAP bind password: `ldap-server bindpw K encrypted`.
    ("bindpw ", r"\b(bindpw) \S+", "$1 <secret hidden>"),
];

netraven_driver_sdk::export_driver!(EnterpriseSonic);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<EnterpriseSonic>(CORPUS);
    }

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    /// `enterprise_sonic#scripted_s5248f_crlf_banner` (CRLF, a banner, ANSI
    /// codes around the prompt, an Uptime line, a longer configuration) and
    /// `enterprise_sonic#scripted_lf_blank_lines` (LF, trailing spaces,
    /// blank lines inside and after every output): the backup is what
    /// Oxidized's model stores for each.
    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<EnterpriseSonic>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<EnterpriseSonic>(CONFORMANCE);
    }

    fn recording(version: &str, eeprom: &str, config: &str) -> String {
        let p = "sonic#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\r\\n{p}'\n\
             \x20 - \"show version\\n\": 'show version\\r\\n{version}{p}'\n\
             \x20 - \"show platform syseeprom\\n\": 'show platform syseeprom\\r\\n{eeprom}{p}'\n\
             \x20 - \"show running-configuration\\n\": 'show running-configuration\\r\\n{config}{p}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    /// Minimal replies, shaped as Dell's Enterprise SONiC user guide shows
    /// `show version` and `show platform syseeprom` (no published capture
    /// exists); the software version is the one the Ansible collection
    /// `dellemc.enterprise_sonic` quotes in its `sonic_command` test, and
    /// `ip load-share hash ipv4 ipv4-dst-ip` is the configuration line of
    /// its `sonic_config` test (`tests/unit/modules/network/sonic/`).
    const VERSION: &str = "\\r\\nSoftware Version  : dell_sonic_4.x_share.770-0beb2c821\\r\\nPlatform          : x86_64-dellemc_s5248f_c3538-r0\\r\\nUptime            : 16:38:39 up 2 days,  3:17,  1 user,  load average: 0.45, 0.58, 0.62\\r\\n";
    const EEPROM: &str = "\\r\\nTlvInfo Header:\\r\\n   Id String:    TlvInfo\\r\\n   Version:      1\\r\\nTLV Name             Code Len Value\\r\\n-------------------- ---- --- -----\\r\\nProduct Name         0x21   8 S5248F-ON\\r\\n";
    const CONFIG: &str = "!\\r\\nip load-share hash ipv4 ipv4-dst-ip\\r\\n!\\r\\nusername admin password $6$CANARYHASH role admin\\r\\n!\\r\\ninterface Eth1/1\\r\\n mtu 9100\\r\\n no shutdown\\r\\n";
    /// A refusal in the KLISH wording that `text::REFUSALS` holds, under a
    /// caret line; written for the test (no published capture of it).
    const INVALID: &str =
        "                    ^\\r\\n% Error: Invalid input detected at \\\"^\\\" marker.\\r\\n";

    const CONFIG_STORED: &str = "\n##### CONFIGURATION #####\n!\nip load-share hash ipv4 ipv4-dst-ip\n!\nusername admin password $6$CANARYHASH role admin\n!\ninterface Eth1/1\n mtu 9100\n no shutdown\n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<EnterpriseSonic>(
            &recording(VERSION, EEPROM, CONFIG),
            &Device::default(),
        )
        .expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle enterprise_sonic).
        assert_eq!(
            backup.config,
            "\n##### VERSION #####\n\nSoftware Version  : dell_sonic_4.x_share.770-0beb2c821\nPlatform          : x86_64-dellemc_s5248f_c3538-r0\n\n##### SYSEEPROM #####\n\nTlvInfo Header:\n   Id String:    TlvInfo\n   Version:      1\nTLV Name             Code Len Value\n-------------------- ---- --- -----\nProduct Name         0x21   8 S5248F-ON\n\n##### CONFIGURATION #####\n!\nip load-share hash ipv4 ipv4-dst-ip\n!\nusername admin password $6$CANARYHASH role admin\n!\ninterface Eth1/1\n mtu 9100\n no shutdown\n"
        );
    }

    #[test]
    fn a_switch_that_refuses_the_syseeprom_is_backed_up_without_it() {
        let backup = scripted::backup_without::<EnterpriseSonic>(
            &recording(INVALID, INVALID, CONFIG),
            &Device::default(),
            &["show version", "show platform syseeprom"],
        );
        assert_eq!(backup.config, CONFIG_STORED);
    }

    #[test]
    fn a_refused_configuration_fails() {
        scripted::backup_fails_with::<EnterpriseSonic>(
            &recording(VERSION, EEPROM, INVALID),
            &Device::default(),
            r#"essential command "show running-configuration": the device refused it: "% Error: Invalid input detected at \"^\" marker.""#,
        );
    }

    #[test]
    fn an_admin_login_starts_sonic_cli_first() {
        let yaml = "init_prompt: 'admin@sonic:~$ '\ncommands:\n\
                    \x20 - \"sonic-cli\\n\\n\": 'sonic-cli\\r\\nsonic# \\r\\nsonic# '\n\
                    \x20 - \"terminal length 0\\n\": 'terminal length 0\\r\\nsonic# '\n";
        let session =
            scripted::login::<EnterpriseSonic>(yaml, &Device::with_vars(&[("admin", "true")]))
                .expect("sonic-cli started");
        assert_eq!(session.finish(), Ok(()));
        // Without the var, `sonic-cli` is not typed.
        assert!(scripted::login::<EnterpriseSonic>(yaml, &Device::default()).is_err());
    }

    #[test]
    fn prompt_takes_both_shells_and_refuses_other_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "sonic#",
            "sonic# ",
            "admin@sonic:~$",
            "admin@sonic:~$ ",
            "leaf1#",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "sonic(config)#",
            "sonic(conf-if-Ethernet0)#",
            "Software Version  : dell_sonic_4.x_share.770-0beb2c821",
            "ip load-share hash ipv4 ipv4-dst-ip",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_passwords_communities_and_keys() {
        let cfg = "username admin password $6$CANARYHASH role admin\n\
                   snmp-server community CANARYCOMM group ro\n\
                   tacacs-server key CANARYTAC encrypted\n\
                   tacacs-server host 192.0.2.5 key CANARYTACHOST\n\
                   radius-server host 192.0.2.7 auth-port 1812 key CANARYRAD\n\
                   ntp authentication-key 1 md5 CANARYNTP encrypted\n\
                   interface Eth1/1\n ip ospf authentication-key U2FsdGVkX1CANARYOSPF= encrypted 10.10.120.1\n ip ospf message-digest-key 10 md5 U2FsdGVkX1CANARYMD5= encrypted 10.19.119.1\n\
                   router bgp 65001\n neighbor 192.0.2.9\n  password CANARYBGP encrypted\n\
                   snmp-server host 192.0.2.1 community CANARYTRAP traps v2c\n\
                   snmp-server user v3u group g1 encrypted auth sha auth-password CANARYV3AUTH priv aes priv-password CANARYV3PRIV\n\
                   ldap-server bindpw CANARYLDAP encrypted\n\
                   router ospf\n area 0.0.0.1 virtual-link 192.0.2.9 authentication-key CANARYVL encrypted\n\
                   \x20area 0.0.0.1 virtual-link 192.0.2.9 message-digest-key 1 md5 CANARYVLMD5 encrypted\n\
                   snmp-server location rack-7\n";
        let out = EnterpriseSonic::redact(cfg);
        assert!(!out.contains("CANARY"), "{out}");
        for kept in [
            "username admin password <secret hidden> role admin\n",
            "snmp-server community <secret hidden> group ro\n",
            "tacacs-server key <secret hidden> encrypted\n",
            "tacacs-server host 192.0.2.5 key <secret hidden>\n",
            "radius-server host 192.0.2.7 auth-port 1812 key <secret hidden>\n",
            "ntp authentication-key 1 md5 <secret hidden> encrypted\n",
            "  password <secret hidden> encrypted\n",
            " ip ospf authentication-key <secret hidden> encrypted 10.10.120.1\n",
            " ip ospf message-digest-key 10 md5 <secret hidden> encrypted 10.19.119.1\n",
            "snmp-server host 192.0.2.1 community <secret hidden> traps v2c\n",
            "auth sha auth-password <secret hidden> priv aes priv-password <secret hidden>\n",
            "ldap-server bindpw <secret hidden> encrypted\n",
            "virtual-link 192.0.2.9 authentication-key <secret hidden> encrypted\n",
            "virtual-link 192.0.2.9 message-digest-key 1 md5 <secret hidden> encrypted\n",
            "snmp-server location rack-7\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }
}
