//! Cisco IOS XR (Oxidized model `iosxr`).
//!
//! Checked against a session of an IOS XRv 9000 running IOS XR 6.5.3,
//! stitched from published output of that platform (see
//! `tests/corpus/netraven/iosxr#XRv9000_6.5.3#source.md`): the scrapli
//! project's recording of a real XRv 9000 (setup commands, the running
//! configuration, the prompts and the refusal), genieparser's and
//! ntc-templates' fixtures of XRv 9000 `show inventory` and `show platform`.
//!
//! Session: the prompt is the node path and the hostname, then `#` or `>`
//! (`RP/0/RP0/CPU0:ios#`, `RP/0/0/CPU0:Router1#`); configuration-mode
//! prompts (with parentheses) are not prompts here. After login the driver
//! sends `terminal length 0` (no pager to answer), `terminal width 0` and
//! `terminal exec prompt no-timestamp` (without it, every command's output
//! starts with the time of day). Logout is `exit`; the router hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show inventory all` (optional) and `show platform` (optional), stored
//!   as `! ` comments;
//! - `show running-config` (essential): a router that refuses it fails the
//!   backup as `command_rejected` instead of storing the comments alone,
//!   and a configuration that does not close with `end` was cut short and
//!   fails too.
//!
//! Every command's output loses its first two lines and its last one, as
//! Oxidized's model cuts it: the echo, the line after it, and the prompt.
//! The line after the echo was the timestamp before the model turned
//! timestamps off; now it is what the command printed first: the blank
//! line before the inventory, the column titles of `show platform`, and
//! `Building configuration...`. The configuration also loses its next
//! line, `!! IOS XR Configuration version = ...`. The backup is thus
//! byte for byte what Oxidized stores.
//!
//! A refusal is IOS XR's `% Invalid input detected at '^' marker.`,
//! `% Permission denied for the role`, or, for a command that AAA command
//! authorisation denies, `% This command is not authorized`.
//!
//! `redact` hides, keeping each keyword: SNMP communities (as Oxidized, but
//! the rest of the line stays) and v3 user keys, community strings of SNMP
//! hosts, user `secret`/`password` hashes, BGP neighbour passwords,
//! TACACS+/RADIUS keys, key-chain key strings, NTP authentication keys,
//! OSPF and IS-IS authentication keys. `significant` ignores the
//! `!! Last configuration change at ...` / `!! No configuration change since
//! last restart` line, which a reload rewrites without a configuration
//! change.
//!
//! Device vars:
//! - `enable = "true"`: send `enable` after login, as Oxidized does for this
//!   model when its `enable` var is set (the host types the enable secret if
//!   the router asks for one).

use netraven_driver_sdk::prelude::*;

pub struct Iosxr;

/// The node path and hostname (`RP/0/RSP0/CPU0:PE1`), then `#` or `>`.
/// A carriage return may come first on a console.
const PROMPT: &str = r"^(\r?[\w.@:/-]+[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

/// Setup commands whose output nobody reads.
const SETUP: [&str; 3] = [
    "terminal length 0",
    "terminal width 0",
    "terminal exec prompt no-timestamp",
];

/// Informational commands, stored as `! ` comments, in this order.
const COMMENTED: [&str; 2] = ["show inventory all", "show platform"];

const SHOW_CONFIG: &str = "show running-config";

impl Driver for Iosxr {
    fn info() -> DriverInfo {
        DriverInfo::shell("iosxr", env!("CARGO_PKG_VERSION"), &["iosxr"], PROMPT, "! ")
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        for setup in SETUP {
            session.command(setup)?;
        }

        let mut config = String::new();
        for command in COMMENTED {
            let Some(raw) = session.optional(command)? else {
                continue;
            };
            config.push_str(&text::comment(&oxidized_cut(&raw), "! "));
        }

        let raw = session.essential(SHOW_CONFIG)?;
        let running = oxidized_cut(&raw);
        // IOS XR closes its configuration with `end`: without it, it was cut short.
        complete(SHOW_CONFIG, &running, "end")?;
        // Without `!! IOS XR Configuration version = ...`.
        config.push_str(text::drop_first_lines(&running, 1));
        Ok(Backup::config(config))
    }

    /// Log out politely; the router closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^!! (Last|No) configuration change "])
    }
}

/// A command's whole output (echo, output, prompt) cut as Oxidized's model
/// cuts every output: unix line endings, without the first two lines and
/// the last one.
fn oxidized_cut(raw: &str) -> String {
    let unix = text::unix_newlines(raw);
    text::drop_last_lines(text::drop_first_lines(&unix, 2), 1).to_string()
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle, each keeping the keyword that names
/// the secret and hiding its value. An encryption type (`5`, `7`,
/// `encrypted`, `clear`) stays too.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "snmp-server community",
        r"^(snmp-server community(?: clear| encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    // The community follows the address, the kind and the version, at the
    // top level or in an `snmp-server vrf` block.
    (
        "host ",
        r"^((?:snmp-server | +)host \S+ (?:traps|informs)(?: version (?:1|2c|3 (?:auth|noauth|priv)))?(?: clear| encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server user",
        r"^(snmp-server user .* auth (?:md5|sha)(?: clear| encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "snmp-server user",
        r"^(snmp-server user .* priv (?:des56|3des|aes \d+)(?: clear| encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    // Users (`secret 5 $1$...`, `password 7 0822...`) and BGP neighbours
    // (`password encrypted 1511...`): only with an encryption type, so
    // `password inheritance-disable` stays.
    (
        "secret ",
        r"^( *secret(?: \d+| clear| encrypted)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "password ",
        r"^( *password(?: \d+| clear| encrypted)) \S+",
        "$1 <secret hidden>",
    ),
    // TACACS+ and RADIUS: `tacacs-server host A port 49 key 7 X`, a global
    // `radius-server key 7 X`, or a `key` line in a server block.
    (
        "-server",
        r"^((?:tacacs|radius)-server (?:host .* )?key(?: \d+| clear| encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    // In a server block the type is required: a key chain's `key 1` stays.
    (
        "key ",
        r"^( +key(?: \d+| clear| encrypted)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "key-string",
        r"^( *key-string(?: clear| password| encrypted)?(?: \d+)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "authentication-key",
        r"^( *(?:ntp )?authentication-key \d+ md5(?: clear| encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "authentication-key",
        r"^( *authentication-key(?: clear| encrypted)) \S+",
        "$1 <secret hidden>",
    ),
    (
        "message-digest-key",
        r"^( *message-digest-key \d+ md5(?: clear| encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
    (
        "-password",
        r"^( *(?:lsp|hello)-password(?: level \d)? (?:hmac-md5|text)(?: clear| encrypted)?) \S+",
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Iosxr);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Iosxr>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Iosxr>(CORPUS);
    }

    /// A session as the XRv 9000 of the corpus answers it, with `inventory`
    /// and `platform` as the replies (after the echo) to the two optional
    /// commands and `config` as the running configuration's.
    fn recording(inventory: &str, platform: &str, config: &str) -> String {
        let p = r"RP/0/RP0/CPU0:ios#";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"terminal length 0\\n\": 'terminal length 0\\nFri May 28 23:21:17.798 UTC\\n{p}'\n\
             \x20 - \"terminal width 0\\n\": 'terminal width 0\\nFri May 28 23:21:45.779 UTC\\n{p}'\n\
             \x20 - \"terminal exec prompt no-timestamp\\n\": 'terminal exec prompt no-timestamp\\nFri May 28 23:21:47.779 UTC\\n{p}'\n\
             \x20 - \"show inventory all\\n\": 'show inventory all\\n{inventory}{p}'\n\
             \x20 - \"show platform\\n\": 'show platform\\n{platform}{p}'\n\
             \x20 - \"show running-config\\n\": 'show running-config\\n{config}{p}'\n\
             \x20 - \"exit\\n\": ''\n"
        )
    }

    const INVENTORY: &str = "\\nNAME: \\\"Rack 0\\\", DESCR: \\\"Cisco XRv9K Centralized Virtual Router\\\"\\nPID: R-IOSXRV9000-CC   , VID: V01, SN: E289E87566C\\n";
    const PLATFORM: &str = "Node              Type                       State             Config state\\n----\\n0/RP0/CPU0        R-IOSXRV9000-RP-C(Active)  IOS XR RUN        NSHUT\\n";
    const CONFIG: &str = "Building configuration...\\n!! IOS XR Configuration version = 6.5.3\\n!! Last configuration change at Fri May 28 20:43:31 2021 by boxen\\n!\\nhostname ios\\nend\\n\\n";
    /// IOS XR's refusal of an unknown command, as the XRv 9000 prints it.
    const INVALID: &str = "                    ^\\n% Invalid input detected at ''^'' marker.\\n";

    #[test]
    fn the_backup_is_cut_as_oxidized_cuts_it() {
        let backup =
            scripted::backup::<Iosxr>(&recording(INVENTORY, PLATFORM, CONFIG), &Device::default())
                .expect("replayed whole");
        assert_eq!(
            backup.config,
            "! NAME: \"Rack 0\", DESCR: \"Cisco XRv9K Centralized Virtual Router\"\n\
             ! PID: R-IOSXRV9000-CC   , VID: V01, SN: E289E87566C\n\
             ! ----\n\
             ! 0/RP0/CPU0        R-IOSXRV9000-RP-C(Active)  IOS XR RUN        NSHUT\n\
             !! Last configuration change at Fri May 28 20:43:31 2021 by boxen\n!\nhostname ios\nend\n\n"
        );
    }

    #[test]
    fn a_router_that_refuses_inventory_and_platform_is_backed_up_without_them() {
        let backup = scripted::backup_without::<Iosxr>(
            &recording(INVALID, INVALID, CONFIG),
            &Device::default(),
            &["show inventory all", "show platform"],
        );
        assert_eq!(
            backup.config,
            "!! Last configuration change at Fri May 28 20:43:31 2021 by boxen\n!\nhostname ios\nend\n\n"
        );
    }

    #[test]
    fn commands_denied_by_command_authorisation_are_left_out() {
        let denied = "% This command is not authorized\\n";
        let backup = scripted::backup_without::<Iosxr>(
            &recording(denied, PLATFORM, CONFIG),
            &Device::default(),
            &["show inventory all"],
        );
        assert!(!backup.config.contains("authorized"), "{}", backup.config);
        assert!(backup.config.starts_with("! ----\n"), "{}", backup.config);
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Iosxr>(
            &recording(INVENTORY, PLATFORM, INVALID),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% Invalid input detected at '^' marker.""#,
        );
    }

    #[test]
    fn a_configuration_denied_by_command_authorisation_fails() {
        scripted::backup_fails_with::<Iosxr>(
            &recording(INVENTORY, PLATFORM, "% This command is not authorized\\n"),
            &Device::default(),
            r#"essential command "show running-config": the device refused it: "% This command is not authorized""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_before_its_end_fails() {
        let cut = "Building configuration...\\n!! IOS XR Configuration version = 6.5.3\\n!\\ninterface MgmtEth0/RP0/CPU0/0\\n ipv4 addr\\n";
        scripted::backup_fails_with::<Iosxr>(
            &recording(INVENTORY, PLATFORM, cut),
            &Device::default(),
            r#"essential command "show running-config": the configuration stops at " ipv4 addr", before its closing "end": cut short"#,
        );
    }

    #[test]
    fn enable_answers_the_password_prompt_when_asked_to() {
        let session = scripted::login::<Iosxr>(
            "init_prompt: 'RP/0/RP0/CPU0:ios>'\ncommands:\n  - \"enable\\n\": 'enable\\nPassword: '\n  - \"<enable>\\n\": '\\nRP/0/RP0/CPU0:ios#'\n",
            &Device::with_vars(&[("enable", "true")]),
        )
        .expect("enable works");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn prompt_takes_node_paths_and_refuses_config_mode_and_log_lines() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "RP/0/RP0/CPU0:ios#",
            "RP/0/RSP0/CPU0:PE1#",
            "RP/0/0/CPU0:Router1#",
            "\rRP/0/RP0/CPU0:5508# ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "RP/0/RP0/CPU0:ios(config)#",
            "RP/0/RP0/CPU0:Dec 19 16:08:50.052 : sdr_instmgr[1188]: %INSTALL-INSTMGR-2-OPERATION_SUCCESS : Install operation 6 finished successfully",
            "Building configuration...",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn oxidized_cut_drops_two_lines_and_the_prompt() {
        assert_eq!(oxidized_cut("echo\r\na\r\nb\r\nc\r\nr1#"), "b\nc\n");
        assert_eq!(oxidized_cut("echo\na\nr1#"), "");
        assert_eq!(oxidized_cut("echo\nr1#"), "");
        assert_eq!(oxidized_cut(""), "");
    }

    #[test]
    fn redact_hides_user_and_snmp_secrets() {
        let cfg = "username boxen\n group root-lr\n secret 5 $1$ERrP$IwIygdqbJGkqrXZDtaWVI0\n!\n\
                   username ops\n password 7 01100F175804\n!\n\
                   snmp-server community public RO SystemOwner\n\
                   snmp-server community encrypted 0822455D0A16 RW\n\
                   snmp-server host 192.0.2.1 traps version 2c TRAPCOMM udp-port 162\n\
                   snmp-server vrf vrf1\n host 1.1.1.1 traps test1\n!\n\
                   snmp-server user u1 g1 v3 auth md5 encrypted AUTHKEY priv aes 128 encrypted PRIVKEY\n";
        let out = Iosxr::redact(cfg);
        for secret in [
            "IwIygdqbJGkqrXZDtaWVI0",
            "01100F175804",
            "public",
            "0822455D0A16",
            "TRAPCOMM",
            "test1",
            "AUTHKEY",
            "PRIVKEY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            " secret 5 <secret hidden>\n",
            " password 7 <secret hidden>\n",
            "snmp-server community <secret hidden> RO SystemOwner\n",
            "snmp-server community encrypted <secret hidden> RW\n",
            "snmp-server host 192.0.2.1 traps version 2c <secret hidden> udp-port 162\n",
            " host 1.1.1.1 traps <secret hidden>\n",
            "auth md5 encrypted <secret hidden> priv aes 128 encrypted <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn redact_hides_routing_and_aaa_keys() {
        let cfg = "router bgp 65000\n neighbor 192.0.2.2\n  password encrypted 13061E010803\n  password inheritance-disable\n!\n\
                   tacacs-server host 192.0.2.5 port 49\n key 7 045802150C2E\n!\n\
                   radius-server key 7 RADKEY\n\
                   key chain KC\n key 1\n  key-string password 10400B0F1B1E\n!\n\
                   ntp\n authentication-key 1 md5 encrypted testkey\n!\n\
                   router ospf 1\n area 0\n  authentication-key encrypted OSPFKEY\n  message-digest-key 1 md5 encrypted MD5KEY\n!\n\
                   router isis 1\n lsp-password hmac-md5 encrypted ISISKEY\n";
        let out = Iosxr::redact(cfg);
        for secret in [
            "13061E010803",
            "045802150C2E",
            "RADKEY",
            "10400B0F1B1E",
            "testkey",
            "OSPFKEY",
            "MD5KEY",
            "ISISKEY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "  password encrypted <secret hidden>\n",
            "  password inheritance-disable\n",
            " key 7 <secret hidden>\n",
            " key 1\n",
            "  key-string password <secret hidden>\n",
            " authentication-key 1 md5 encrypted <secret hidden>\n",
            "  message-digest-key 1 md5 encrypted <secret hidden>\n",
            " lsp-password hmac-md5 encrypted <secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_ignores_the_change_stamp() {
        let cfg = "!! Last configuration change at Fri May 28 20:43:31 2021 by boxen\n!\nhostname ios\nend\n";
        let rebooted = "!! No configuration change since last restart\n!\nhostname ios\nend\n";
        assert_eq!(Iosxr::significant(cfg), Iosxr::significant(rebooted));
        assert_eq!(Iosxr::significant(cfg), "!\nhostname ios\nend\n");
    }
}
