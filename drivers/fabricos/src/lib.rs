//! Brocade Fabric OS, on the Brocade (Broadcom) Fibre Channel switches
//! and directors (Oxidized model `fabricos`).
//!
//! No published session of the configuration command (`configShow -all`)
//! exists yet (see `tests/corpus/netraven/RESEARCH.md`, `fabricos`), so
//! the driver is checked by its unit tests against what Oxidized's own
//! model code stores for the same sessions (`../shared/oxidized/oracle
//! fabricos`) and by the scripted conformance cases (and their chaos
//! replay) `tests/corpus/conformance/fabricos#scripted_6510_secrets` and
//! `#scripted_vf_blank_lines`. In exec mode no prompt is waited for, so
//! there is no prompt case.
//!
//! Session: exec mode, as Oxidized's model (SSH only): each command runs
//! on its own SSH channel and returns its bare output, with no prompt,
//! pager or echo; nothing is sent before or after. The shell prompt
//! (`switch:admin> `, a little wider than Oxidized's: hyphens and a
//! `FID128:` part) is declared for completeness only.
//!
//! Commands, in Oxidized's order:
//! - `chassisShow` (optional), stored as `# ` comments, without the lines
//!   that change by themselves: those holding, anywhere, `Time Awake:`,
//!   `Time Alive:`, `Update:`, `Power Usage (Watts):`, `Power Usage:` or
//!   `PS Voltage input:`;
//! - `configShow -all` (essential), without every line that holds `date =
//!   ` anywhere (the upload header's `date = ...`, and, as in Oxidized, any
//!   value that holds those characters). No published capture shows how
//!   the output ends on every release, so a configuration cut short is not
//!   told (Oxidized checks nothing either).
//!
//! The backup is byte for byte what Oxidized stores, with two differences:
//! - a refused `chassisShow` (any of the SDK's refusals, such as the
//!   restricted shell's `rbash: chassisShow: command not found`) is left
//!   out and logged, where Oxidized, which reads an exec channel's stdout
//!   and stderr as one, stores the error as a comment; a refused
//!   configuration fails the backup as `command_rejected`;
//! - a `\r\n` line ending is made `\n` in both outputs. Oxidized keeps exec
//!   output as it comes; an exec channel, with no terminal, prints `\n`
//!   alone, so only a device that does otherwise would see a difference
//!   (the chaos replay's CRLF check needs it; airos and unifiap do the
//!   same).
//!
//! `redact` hides values, keeping each setting's name (Oxidized's model
//! hides nothing). What is confirmed: Fabric OS has six SNMPv1 community
//! strings (defaults `Secret C0de`, `OrigEquipMfr`, `private`, `public`,
//! `common`, `FibreChannel`) and SNMPv3 users whose passwords make an
//! authKey and a privKey (Fabric OS Command Reference, `snmpConfig`), and
//! configShow prints `name:value` lines such as `snmp.sysContact:...`,
//! `snmp.sysContact.default:...`, `snmp.usmUserPaswdEncFlag:0`,
//! `snmp.snmpv3TrapTarget.0.trapTargetAddr:...` (a published install
//! checklist, RESEARCH.md). What is not: the names of the settings that
//! hold those secrets; no published configShow shows them. So the rule is
//! a defensive pattern over the name, not a list of known names: the value
//! goes when the name's last part (indexes and `default` aside), in any
//! case, ends with `community`, `secret`, `password`, `passwd`, `paswd`
//! (Fabric OS's own spelling, as in `usmUserPaswdEncFlag`), `pass`, `pwd`
//! or `key`, unless it names a public key (`public`, `pubkey`) or is
//! a `rekey` or `bypass` setting (see [`hidden_value`]). Only the last part counts, so settings
//! that belong to a secret without being one
//! (`snmp.snmpv1Community.0.trapRecipient`), password rules
//! (`passwd.minlength`), flags (`snmp.usmUserPaswdEncFlag`) and key names
//! or lengths (`keyName`, `keyLength`) stay. A secret kept under a name
//! outside the pattern (say `...authToken`) would stay too.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Fabricos;

/// `switch:admin> `, `sw1:FID128:admin> `: the switch name, an optional
/// fabric ID, the user, `>` and a space. Exec mode never waits for it.
const PROMPT: &str = r"^[\w-]+(?::FID\d+)?:\w+>\s?$";

const COMMENT: &str = "# ";

const CHASSIS: &str = "chassisShow";
const SHOW_CONFIG: &str = "configShow -all";

impl Driver for Fabricos {
    fn info() -> DriverInfo {
        DriverInfo::exec(
            "fabricos",
            env!("CARGO_PKG_VERSION"),
            &["fabricos"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(chassis) = session.optional_exec(CHASSIS)? {
            let chassis = text::drop_lines(
                &text::unix_newlines(&chassis),
                &[
                    r"Time Awake:",
                    r"Power Usage \(Watts\):",
                    r"Power Usage:",
                    r"Time Alive:",
                    r"Update:",
                    r"PS Voltage input:",
                ],
            );
            config.push_str(&text::comment(&chassis, COMMENT));
        }
        let configuration = text::unix_newlines(&session.essential_exec(SHOW_CONFIG)?);
        config.push_str(&text::drop_lines(&configuration, &[r"date = "]));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        let mut out = String::with_capacity(config.len());
        for line in text::lines(config) {
            match hidden_value(line) {
                Some(at) => {
                    out.push_str(&line[..at]);
                    out.push_str(HIDDEN);
                    let body = line.trim_end_matches(['\r', '\n']);
                    out.push_str(&line[body.len()..]);
                }
                None => out.push_str(line),
            }
        }
        out
    }
}

const HIDDEN: &str = "<secret hidden>";

/// Where the value to hide starts in `line` (`name:value` or `name =
/// value`), if the setting's name says it holds a secret.
///
/// The name is the text before the first `:` or `=`; its leaf is its last
/// `.`-separated part that is neither an index (`0`) nor `default`
/// (`snmp.sysContact.default`, a real key). The value is hidden when the
/// leaf, in any case, ends with `community`, `secret`, `password`,
/// `passwd`, `paswd`, `pass`, `pwd` or `key`, unless it names a public key
/// (`public`, `pubkey`) or is a `rekey` or `bypass` setting. Only the leaf counts, so the settings that belong
/// to a secret but are not one (`snmp.snmpv1Community.0.trapRecipient`),
/// the password rules (`passwd.minlength`) and flags
/// (`snmp.usmUserPaswdEncFlag`, a real key) stay, as do key names, IDs and
/// lengths (`...keyName`, `...keyLength`), which do not end in `key`.
fn hidden_value(line: &str) -> Option<usize> {
    let body = line.trim_end_matches(['\r', '\n']);
    if body.starts_with('[') {
        return None;
    }
    let sep = body.find([':', '='])?;
    let name = body[..sep].trim();
    let leaf = name
        .rsplit('.')
        .map(str::trim)
        .find(|part| {
            !part.is_empty()
                && !part.bytes().all(|b| b.is_ascii_digit())
                && !part.eq_ignore_ascii_case("default")
        })?
        .to_ascii_lowercase();
    let secret = [
        "community",
        "secret",
        "password",
        "passwd",
        "paswd",
        "pass",
        "pwd",
        "key",
    ]
    .iter()
    .any(|word| leaf.ends_with(word));
    let public = leaf.contains("public")
        || leaf.contains("pubkey")
        || leaf.ends_with("rekey")
        || leaf.ends_with("bypass");
    if !secret || public {
        return None;
    }
    let after = sep + 1;
    let value = body[after..].trim_start_matches([' ', '\t']);
    (!value.is_empty()).then(|| body.len() - value.len())
}

netraven_driver_sdk::export_driver!(Fabricos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Fabricos>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Fabricos>(CONFORMANCE);
    }

    /// A Brocade 6510 session, in exec mode (no prompt, no echo). No
    /// published `chassisShow` or `configShow -all` output exists: both are
    /// minimal, shaped as the Fabric OS Command Reference prints
    /// `chassisShow` (one blade and one power supply, with each reading
    /// Oxidized's model drops) and as a configuration upload file begins
    /// (`[Configuration upload Information]`, `Configuration Format = 2.0`,
    /// `date = ...`, the chassis and switch sections).
    const RECORDING: &str = r#"
commands:
  "chassisShow\n": |
    Chassis Family:         Brocade 6510
    Chassis Backplane Revision: 0

    SW BLADE Slot: 1
    Header Version:         2
    Power Consume Factor:   -180
    Power Usage (Watts):    -110
    Factory Part Num:       40-1000554-06
    Factory Serial Num:     BRW2532G00D
    Manufacture:            Day: 13  Month:  8  Year: 2012
    Update:                 Day:  3  Month:  3  Year: 2021
    Time Alive:             2892 days
    Time Awake:             75 days

    POWER SUPPLY  Unit: 1
    PS Voltage input:       230 V
    Power Usage:            95
  "configShow -all\n": |
    [Configuration upload Information]
    Configuration Format = 2.0
    date = Wed Mar  3 10:20:30 2021
    FOS version = v8.2.1c
    Number of LS = 1
    [Chassis Configuration Begin]
    [fcRouting]
    fcRoute.backboneFabricId:128
    [Chassis Configuration End]
    [Switch Configuration Begin : 0]
    SwitchName = sw1
    Fabric ID = 128
    [Switch Configuration End : 0]
"#;

    /// What Oxidized's model stores for `RECORDING`
    /// (../shared/oxidized/oracle fabricos).
    const ORACLE: &str = "# Chassis Family:         Brocade 6510\n# Chassis Backplane Revision: 0\n# \n# SW BLADE Slot: 1\n# Header Version:         2\n# Power Consume Factor:   -180\n# Factory Part Num:       40-1000554-06\n# Factory Serial Num:     BRW2532G00D\n# Manufacture:            Day: 13  Month:  8  Year: 2012\n# \n# POWER SUPPLY  Unit: 1\n[Configuration upload Information]\nConfiguration Format = 2.0\nFOS version = v8.2.1c\nNumber of LS = 1\n[Chassis Configuration Begin]\n[fcRouting]\nfcRoute.backboneFabricId:128\n[Chassis Configuration End]\n[Switch Configuration Begin : 0]\nSwitchName = sw1\nFabric ID = 128\n[Switch Configuration End : 0]\n";

    /// The restricted shell's answer to a command it does not offer.
    fn refusing(command: &str) -> String {
        let start = RECORDING
            .find(&format!("  \"{command}\\n\": |\n"))
            .expect("command");
        let body = start + RECORDING[start..].find('\n').expect("key line") + 1;
        let end = RECORDING[body..]
            .find("  \"")
            .map_or(RECORDING.len(), |e| body + e);
        // The shell names the program, not its arguments.
        let word = command.split(' ').next().unwrap_or(command);
        format!(
            "{}    rbash: {word}: command not found\n{}",
            &RECORDING[..body],
            &RECORDING[end..]
        )
    }

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup =
            scripted::backup::<Fabricos>(RECORDING, &Device::default()).expect("replayed whole");
        assert_eq!(backup.config, ORACLE);
    }

    #[test]
    fn crlf_line_endings_are_made_lf() {
        // Minimal, written for the test: an exec reply with `\r\n` ends.
        let crlf = "commands:\n  \"chassisShow\\n\": \"Chassis Family:         Brocade 6510\\r\\nTime Awake:             75 days\\r\\n\\r\\n\"\n  \"configShow -all\\n\": \"[Configuration upload Information]\\r\\ndate = Wed Mar  3 10:20:30 2021\\r\\nSwitchName = sw1\\r\\n\"\n";
        let backup =
            scripted::backup::<Fabricos>(crlf, &Device::default()).expect("replayed whole");
        // Oxidized would keep each `\r` (see the doc comment).
        assert_eq!(
            backup.config,
            "# Chassis Family:         Brocade 6510\n# \n[Configuration upload Information]\nSwitchName = sw1\n"
        );
    }

    #[test]
    fn a_refused_chassis_show_is_left_out() {
        let backup = scripted::backup_without::<Fabricos>(
            &refusing("chassisShow"),
            &Device::default(),
            &["chassisShow"],
        );
        assert!(
            backup
                .config
                .starts_with("[Configuration upload Information]\n"),
            "{}",
            backup.config
        );
        assert!(!backup.config.contains("rbash"), "{}", backup.config);
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Fabricos>(
            &refusing("configShow -all"),
            &Device::default(),
            r#"essential command "configShow -all": the device refused it: "rbash: configShow: command not found""#,
        );
    }

    #[test]
    fn prompt_takes_fos_prompts_and_refuses_other_lines() {
        let prompt = text::line_re(PROMPT);
        // The first three prompts and the first three non-prompts are real
        // (cited in the prompt case's source.md); `sw1:FID128:admin> ` is
        // written for the test in the shape the Fabric OS Command Reference
        // gives a virtual-fabric prompt; the last two lines are the
        // upload-file shape of this file's sessions.
        for p in [
            "switch:admin> ",
            "FOS-SW1:admin> ",
            "SAN_A_SW01:admin> ",
            "sw1:FID128:admin> ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "switch:admin> help portCfg",
            "SAN_A_SW01:admin> configshow | grep -iE \"edtov|ratov\"",
            "fabric.ops.E_D_TOV:2000",
            "[Switch Configuration Begin : 0]",
            "Configuration Format = 2.0",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_secret_values_and_keeps_the_names() {
        // Real lines (the keep-list): `snmp.usmUserPaswdEncFlag:0`,
        // `snmp.sysContact.default:Field Support.`,
        // `snmp.snmpv3TrapTarget.0.trapTargetAddr:...` are configShow lines
        // of a published FOS install checklist (see RESEARCH.md,
        // `fabricos`); `fabric.ops.E_D_TOV:2000` is from the how-to the
        // prompt case cites. The secret-bearing names are written for the
        // test (no published configShow shows them): the rule is a
        // defensive pattern over the name's last part.
        let cfg = "snmp.snmpv1Community.0:Secret C0de\n\
                   snmp.snmpv3Usm.0.authKey:CANARYAUTH\n\
                   snmp.snmpv3Usm.0.privKey:CANARYPRIV\n\
                   radius.server.1.secret = CANARYRAD\n\
                   ldap.server.1.password:CANARYLDAP\n\
                   ipsec.sa.2.presharedKey:CANARYPSK\n\
                   user.3.passwd:CANARYHASH\n\
                   snmp.snmpv1Community.5.default:CANARYDEFAULT\n\
                   snmp.snmpv3Usm.0.authPass:CANARYAUTHPASS\n\
                   ldap.bindPwd:CANARYBINDPWD\n\
                   snmp.snmpv3Usm.1.privPaswd:CANARYPASWD\n\
                   snmp.agtParty.0.Community:CANARYAGTPARTY\n\
                   auth.dhchap.secAuthSecret:CANARYDHCHAP\n\
                   snmp.snmpv1Community.0.trapRecipient:192.0.2.10\n\
                   snmp.usmUserPaswdEncFlag:0\n\
                   snmp.sysContact.default:Field Support.\n\
                   snmp.snmpv3TrapTarget.0.trapTargetAddr:10.202.142.11\n\
                   passwd.minlength:8\n\
                   ssh.rekeyInterval:0\n\
                   ssh.rekey:3600\n\
                   ssh.hostPublicKey:ssh-rsa AAAAB3Nza\n\
                   ipsec.sa.2.keyLength:256\n\
                   ipsec.sa.2.authKey:\n\
                   fabric.ops.E_D_TOV:2000\n\
                   fcoe.bypass:1\n\
                   [Switch Configuration Begin : 0]\n\
                   Configuration Format = 2.0\n";
        let out = Fabricos::redact(cfg);
        assert!(!out.contains("Secret C0de"), "{out}");
        assert!(!out.contains("CANARY"), "{out}");
        for kept in [
            "snmp.snmpv1Community.0:<secret hidden>\n",
            "snmp.snmpv3Usm.0.authKey:<secret hidden>\n",
            "snmp.snmpv3Usm.0.privKey:<secret hidden>\n",
            "radius.server.1.secret = <secret hidden>\n",
            "ldap.server.1.password:<secret hidden>\n",
            "ipsec.sa.2.presharedKey:<secret hidden>\n",
            "user.3.passwd:<secret hidden>\n",
            "snmp.snmpv1Community.5.default:<secret hidden>\n",
            "snmp.snmpv3Usm.0.authPass:<secret hidden>\n",
            "ldap.bindPwd:<secret hidden>\n",
            "snmp.snmpv3Usm.1.privPaswd:<secret hidden>\n",
            "snmp.agtParty.0.Community:<secret hidden>\n",
            "auth.dhchap.secAuthSecret:<secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
        // Everything else is untouched, byte for byte.
        let ordinary = &cfg[cfg.find("snmp.snmpv1Community.0.trapRecipient").unwrap()..];
        assert!(out.ends_with(ordinary), "{out}");
        // CRLF line ends stay.
        assert_eq!(
            Fabricos::redact("user.3.passwd:X\r\nswitch.name:sw1\r\n"),
            "user.3.passwd:<secret hidden>\r\nswitch.name:sw1\r\n"
        );
    }
}
