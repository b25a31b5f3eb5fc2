//! Opengear console servers (IM, CM, ACM families, Linux firmware 3.x and
//! 4.x; Oxidized model `opengear`), over SSH exec channels: one channel per
//! command, so no prompt, echo, pager or logout.
//!
//! No published session of the configuration command exists yet (see the
//! `opengear` section of `tests/corpus/netraven/RESEARCH.md`), so the
//! driver is checked by its unit tests against what Oxidized's own model
//! code stores for the same scripted sessions (`../shared/oxidized/oracle
//! opengear`) and by the scripted conformance cases (and their chaos
//! replay) in `tests/corpus/conformance/opengear#scripted_*`. Being
//! exec-mode, it has no prompt case.
//!
//! Commands, in Oxidized's order; newer and older firmware each answer
//! half of them, and every one is sent:
//! - `cat /etc/version` (optional), as `# ` comments;
//! - `ogdeviceinfo -r` (optional, newer firmware), as `# ` comments; an
//!   answer holding `ogdeviceinfo: command not found` is left out;
//! - `config export` (newer firmware): the configuration, as printed; an
//!   older firmware answers with its usage text (`usage: config ...`),
//!   which is left out;
//! - `showserial` (optional, older firmware): each line as
//!   `# Serial Number: ...` (an empty answer gives `# Serial Number: `
//!   without a newline, as in Oxidized); `showserial: command not found`
//!   is left out;
//! - `config -g config` (older firmware): the configuration, as printed; a
//!   newer firmware answers with `config: error: argument ...`, which is
//!   left out.
//!
//! Blank lines and trailing blanks are kept as printed, as Oxidized keeps
//! them. One of the two configuration commands must answer with a
//! configuration: when both are refused or print nothing, the backup fails
//! as `command_rejected`, naming `config -g config` as the essential
//! command when `config export` printed its usage text (an older firmware)
//! and `config export` otherwise, instead of storing the comments alone.
//! Neither listing has a closing line, so a cut-short configuration cannot
//! be told from a short one.
//!
//! The backup is byte for byte what Oxidized stores, with two deliberate
//! differences: a command the device refuses (an error the SDK knows as a
//! refusal, or an exec channel that printed only its error and failed) is
//! left out and logged, where Oxidized, which reads stdout and stderr as
//! one, would store the error text (as a comment for the informational
//! commands); and a `\r\n` line ending is made `\n` (Oxidized keeps exec
//! output as it comes; an exec channel, with no terminal, prints `\n`
//! alone, so only a device that does otherwise would see a difference).
//!
//! `redact` hides what Oxidized's model hides (its `cmd :secret`, which
//! Oxidized runs only with `remove_secret` set), with its wording
//! (`password <secret removed>`; also `community`, `community=`,
//! `private_key=`, ` key=`, `hashed_password=`), and beyond it
//! `...password=` (SNMPv3 `authpassword`/`privpassword`, LDAP
//! `bindpassword`), `...secret`, `...passphrase`, `...psk` and `...key`
//! element values (RADIUS/TACACS+ and IPsec secrets, Wi-Fi and IPsec
//! pre-shared keys, NTP keys, private keys), in both the `key value` form
//! of `config -g config` and the `key=value` form of `config export`. It
//! hides a value to the end of its line, where Oxidized hides its first
//! word only (a value with blanks would show its rest).
//!
//! `significant`: nothing to ignore.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Opengear;

const COMMENT: &str = "# ";

/// The console server's shell prompt (`$ `), as Oxidized's model has it;
/// an exec-mode session never waits for it.
const PROMPT: &str = r"^\$\s$";

const VERSION: &str = "cat /etc/version";
const DEVICE_INFO: &str = "ogdeviceinfo -r";
const EXPORT: &str = "config export";
const SERIAL: &str = "showserial";
const GET_CONFIG: &str = "config -g config";

impl Driver for Opengear {
    fn info() -> DriverInfo {
        DriverInfo::exec(
            "opengear",
            env!("CARGO_PKG_VERSION"),
            &["opengear"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(version) = answered(session, VERSION, None)? {
            config.push_str(&text::comment(&version, COMMENT));
        }
        if let Some(info) = answered(
            session,
            DEVICE_INFO,
            Some("ogdeviceinfo: command not found"),
        )? {
            config.push_str(&text::comment(&info, COMMENT));
        }
        // An older firmware prints its usage text: `config -g config` is
        // then the one that must answer.
        let export = answered(session, EXPORT, None)?;
        let older = export
            .as_deref()
            .is_some_and(|e| e.contains("usage: config"));
        let export = export.filter(|_| !older);
        config.push_str(export.as_deref().unwrap_or_default());
        if let Some(serial) = answered(session, SERIAL, Some("showserial: command not found"))? {
            config.push_str(&text::comment(&serial_lines(&serial), COMMENT));
        }
        let legacy = answered(session, GET_CONFIG, Some("config: error: argument"))?;
        config.push_str(legacy.as_deref().unwrap_or_default());
        let has_config = |c: &Option<String>| c.as_deref().is_some_and(|c| !c.trim().is_empty());
        if !has_config(&export) && !has_config(&legacy) {
            let (essential, other) = if older {
                (GET_CONFIG, EXPORT)
            } else {
                (EXPORT, GET_CONFIG)
            };
            return Err(SessionError::Rejected(format!(
                "essential command {essential:?}: the device printed no configuration (nor did {other:?})"
            ))
            .into());
        }
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// The output of `command` with `\r\n` made `\n`, or `None` when the
/// device refused it, or printed `error` (the firmware that does not have
/// it).
fn answered(
    session: &mut dyn Session,
    command: &str,
    error: Option<&str>,
) -> Result<Option<String>, SessionError> {
    Ok(session
        .optional_exec(command)?
        .map(|out| text::unix_newlines(&out))
        .filter(|out| error.is_none_or(|e| !out.contains(e))))
}

/// Every line prefixed with `Serial Number: ` (an empty answer gives one
/// line without a newline, as in Oxidized).
fn serial_lines(serial: &str) -> String {
    if serial.is_empty() {
        return "Serial Number: ".to_string();
    }
    text::comment(serial, "Serial Number: ")
}

/// Secret removal, line by line: `(needle, regex, replacement)`; the first
/// six are Oxidized's, with its wording. A value is the rest of the line
/// (`config -g config` prints `config.<path> <value>`, and a value may hold
/// blanks, which Oxidized's `\S+` would leave half shown). A value never
/// starts with `<`, so that no rule hits what an earlier one wrote
/// (`<secret removed>` holds `secret `).
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "password ",
        r"password [^\s<].*",
        "password <secret removed>",
    ),
    (
        "community ",
        r"community [^\s<].*",
        "community <secret removed>",
    ),
    (
        "community=",
        r"community=[^\s<].*",
        "community=<secret removed>",
    ),
    (
        "private_key=",
        r"private_key=[^\s<].*",
        "private_key=<secret removed>",
    ),
    (" key=", r" key=[^\s<].*", " key=<secret removed>"),
    (
        "hashed_password=",
        r"hashed_password=[^\s<].*",
        "hashed_password=<secret removed>",
    ),
    // Beyond Oxidized: `config.users.user1.password=...` in an export (and
    // SNMPv3 `authpassword`/`privpassword`, LDAP `bindpassword`), RADIUS/
    // TACACS+/IPsec `secret`s, `passphrase`s, Wi-Fi and IPsec pre-shared
    // keys (`psk`, `wpa_psk`), and any element ending in `key` (`key`,
    // `private_key`, `ntp_key`...) in either form.
    (
        "password=",
        r"\b(\w*password)=[^\s<].*",
        "${1}=<secret removed>",
    ),
    (
        "secret",
        r"((?:^|[.\s])\w*secret)([ =])[^\s<].*",
        "$1$2<secret removed>",
    ),
    (
        "passphrase",
        r"((?:^|[.\s])\w*passphrase)([ =])[^\s<].*",
        "$1$2<secret removed>",
    ),
    (
        "psk",
        r"((?:^|[.\s])\w*psk)([ =])[^\s<].*",
        "$1$2<secret removed>",
    ),
    (
        "key",
        r"((?:^|[.\s])\w*key)([ =])[^\s<].*",
        "$1$2<secret removed>",
    ),
];

netraven_driver_sdk::export_driver!(Opengear);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    /// An exec-mode recording (a map) of `(command, reply)` pairs.
    fn recording(replies: &[(&str, &str)]) -> String {
        let mut yaml = String::from("init_prompt:\ncommands:\n");
        for (command, reply) in replies {
            yaml.push_str(&format!("  {:?}: {:?}\n", format!("{command}\n"), reply));
        }
        yaml
    }

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Opengear>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_the_chaos_replay() {
        netraven_driver_sdk::harness::assert_chaos::<Opengear>(CONFORMANCE);
    }

    // Written for the test, in the shapes that are published: the
    // `/etc/version` line in the form napalm-opengear's
    // `napalm_opengear/opengear.py` quotes (`OpenGear/IM72xx Version 4.3.1
    // 75de795e -- Wed Sep 12 18:12:26 UTC 2018`; the versions and dates
    // here are made up), `config -g config` in the `config.<path> <value>`
    // form that driver and NetBox's `netbox/extras/rpc.py` parse. No output
    // of `config export` or `ogdeviceinfo -r` was published: their
    // `key=value` text is invented and minimal. The usage text, the shell's
    // `command not found` and the argparse-style `config: error: argument`
    // are written around the substrings Oxidized's model checks for. The
    // secrets are canaries.
    const OLD_VERSION: &str =
        "OpenGear/IM72xx Version 4.1.1u2 1be27f28 -- Wed Jun 14 17:52:53 EST 2017\n";
    const USAGE: &str = "usage: config -g <config element> | -d <config element> | -s <config element>=<value> | -e <file name> | -r <script name> | -a | -h\n";
    const OLD_CONFIG: &str = "config.system.name im7216\nconfig.users.user1.username admin\n\
        config.users.user1.password $1$HASHCANARY\nconfig.system.snmp.community COMMCANARY\n";

    fn old_firmware(config: &str) -> String {
        recording(&[
            (VERSION, OLD_VERSION),
            (DEVICE_INFO, "sh: ogdeviceinfo: command not found\n"),
            (EXPORT, USAGE),
            (SERIAL, "1234567890\n"),
            (GET_CONFIG, config),
        ])
    }

    fn new_firmware(export: &str) -> String {
        recording(&[
            (
                VERSION,
                "OpenGear/CM71xx Version 4.12.0 4bd2bc5d -- Tue Feb 16 10:00:00 UTC 2021\n",
            ),
            (DEVICE_INFO, "serial=71234567\nmodel=CM7116-2\n"),
            (EXPORT, export),
            (SERIAL, "sh: showserial: command not found\n"),
            (GET_CONFIG, "config: error: argument -g: invalid choice\n"),
        ])
    }

    #[test]
    fn old_firmware_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<Opengear>(&old_firmware(OLD_CONFIG), &Device::default())
            .expect("whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle opengear).
        assert_eq!(
            backup.config,
            "# OpenGear/IM72xx Version 4.1.1u2 1be27f28 -- Wed Jun 14 17:52:53 EST 2017\n\
             # Serial Number: 1234567890\n\
             config.system.name im7216\n\
             config.users.user1.username admin\n\
             config.users.user1.password $1$HASHCANARY\n\
             config.system.snmp.community COMMCANARY\n"
        );
    }

    #[test]
    fn new_firmware_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<Opengear>(
            &new_firmware(
                "config.system.name=cm7116\nconfig.users.user1.hashed_password=HASHCANARY\n",
            ),
            &Device::default(),
        )
        .expect("whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle opengear).
        assert_eq!(
            backup.config,
            "# OpenGear/CM71xx Version 4.12.0 4bd2bc5d -- Tue Feb 16 10:00:00 UTC 2021\n\
             # serial=71234567\n\
             # model=CM7116-2\n\
             config.system.name=cm7116\n\
             config.users.user1.hashed_password=HASHCANARY\n"
        );
    }

    #[test]
    fn the_commands_a_firmware_lacks_are_logged_as_left_out() {
        // The shell's `command not found` is a refusal; the usage text and
        // argparse's error are a firmware's answer, dropped silently.
        scripted::backup_without::<Opengear>(
            &old_firmware(OLD_CONFIG),
            &Device::default(),
            &[DEVICE_INFO],
        );
    }

    #[test]
    fn no_configuration_from_either_command_fails_the_backup() {
        scripted::backup_fails_with::<Opengear>(
            &old_firmware("config: error: argument -g: invalid choice\n"),
            &Device::default(),
            r#"essential command "config -g config": the device printed no configuration (nor did "config export")"#,
        );
        scripted::backup_fails_with::<Opengear>(
            &new_firmware(""),
            &Device::default(),
            r#"essential command "config export": the device printed no configuration (nor did "config -g config")"#,
        );
        scripted::backup_fails_with::<Opengear>(
            &new_firmware("sh: config: Permission denied\n"),
            &Device::default(),
            "the device printed no configuration",
        );
    }

    #[test]
    fn an_older_firmware_names_config_g_config_as_essential() {
        scripted::backup_fails_with::<Opengear>(
            &old_firmware("sh: /bin/config: Permission denied\n"),
            &Device::default(),
            r#"essential command "config -g config": the device printed no configuration (nor did "config export")"#,
        );
    }

    #[test]
    fn crlf_line_endings_are_made_unix_ones() {
        // Deliberate: Oxidized keeps an exec channel's `\r\n` as it comes
        // (`../shared/oxidized/oracle opengear` stores `\r\n` here); we
        // store `\n`, as for every other platform.
        let yaml = recording(&[
            (
                VERSION,
                "OpenGear/IM72xx Version 4.3.1 75de795e -- Wed Sep 12 18:12:26 UTC 2018\r\n",
            ),
            (DEVICE_INFO, "sh: ogdeviceinfo: command not found\r\n"),
            (EXPORT, USAGE),
            (SERIAL, "1234567890\r\n"),
            (
                GET_CONFIG,
                "config.system.name im7216\r\n\r\nconfig.ports.port1.label r1\r\n",
            ),
        ]);
        let backup = scripted::backup::<Opengear>(&yaml, &Device::default()).expect("whole");
        assert_eq!(
            backup.config,
            "# OpenGear/IM72xx Version 4.3.1 75de795e -- Wed Sep 12 18:12:26 UTC 2018\n\
             # Serial Number: 1234567890\n\
             config.system.name im7216\n\
             \n\
             config.ports.port1.label r1\n"
        );
    }

    #[test]
    fn serial_lines_prefix_every_line() {
        assert_eq!(
            serial_lines("A1\nB2\n"),
            "Serial Number: A1\nSerial Number: B2\n"
        );
        assert_eq!(serial_lines(""), "Serial Number: ");
    }

    #[test]
    fn redact_hides_every_secret() {
        // One line per secret form, in the two published shapes
        // (`config.<path> <value>` of `config -g config`, `key=value` of an
        // export); the element names past Oxidized's keywords are written
        // for the test (no list of them was published), after the secrets
        // Opengear's manual has users set: local users' passwords, the
        // RADIUS/TACACS+/LDAP server passwords, SNMP communities (agent and
        // alert managers) and SNMPv3 authentication/privacy passwords,
        // IPsec pre-shared secrets, Wi-Fi keys, NTP keys, SSH/TLS private
        // keys. The secrets are canaries.
        let cfg = "config.users.user1.password $1$HASHCANARY\n\
                   config.system.snmp.community COMMCANARY\n\
                   config.snmp.community=COMM2CANARY\n\
                   config.alerts.alert1.snmp.community TRAPCANARY\n\
                   config.system.snmp.authpassword AUTHCANARY\n\
                   config.system.snmp.privpassword=PRIVPWCANARY\n\
                   config.ssh.private_key=PRIVCANARY\n\
                   config.ssl.private_key PRIV2CANARY\n\
                   config.wifi key=WIFICANARY\n\
                   config.interfaces.wlan.wpa_psk=PSKCANARY\n\
                   config.ipsec.tunnels.tunnel1.psk IPSECPSKCANARY\n\
                   config.ipsec.tunnels.tunnel2.secret IPSECCANARY\n\
                   config.ntp.servers.server1.key NTPCANARY\n\
                   config.users.user1.hashed_password=HASHEDCANARY\n\
                   config.users.user2.password=EXPORTCANARY\n\
                   config.auth.radius.secret RADCANARY\n\
                   config.auth.tacacs.password TACCANARY SPACECANARY\n\
                   config.auth.tacacs.secret=TACCANARY2\n\
                   config.auth.ldap.bindpassword LDAPCANARY\n\
                   config.openvpn.tunnels.tunnel1.passphrase VPNCANARY\n\
                   config.system.name im7216\n";
        let out = Opengear::redact(cfg);
        for secret in [
            "HASHCANARY",
            "COMMCANARY",
            "COMM2CANARY",
            "TRAPCANARY",
            "AUTHCANARY",
            "PRIVPWCANARY",
            "PRIVCANARY",
            "PRIV2CANARY",
            "WIFICANARY",
            "PSKCANARY",
            "IPSECPSKCANARY",
            "IPSECCANARY",
            "NTPCANARY",
            "HASHEDCANARY",
            "EXPORTCANARY",
            "RADCANARY",
            "TACCANARY",
            "SPACECANARY",
            "TACCANARY2",
            "LDAPCANARY",
            "VPNCANARY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        // Every line stays, its keyword kept, the value alone replaced.
        assert_eq!(
            out,
            "config.users.user1.password <secret removed>\n\
             config.system.snmp.community <secret removed>\n\
             config.snmp.community=<secret removed>\n\
             config.alerts.alert1.snmp.community <secret removed>\n\
             config.system.snmp.authpassword <secret removed>\n\
             config.system.snmp.privpassword=<secret removed>\n\
             config.ssh.private_key=<secret removed>\n\
             config.ssl.private_key <secret removed>\n\
             config.wifi key=<secret removed>\n\
             config.interfaces.wlan.wpa_psk=<secret removed>\n\
             config.ipsec.tunnels.tunnel1.psk <secret removed>\n\
             config.ipsec.tunnels.tunnel2.secret <secret removed>\n\
             config.ntp.servers.server1.key <secret removed>\n\
             config.users.user1.hashed_password=<secret removed>\n\
             config.users.user2.password=<secret removed>\n\
             config.auth.radius.secret <secret removed>\n\
             config.auth.tacacs.password <secret removed>\n\
             config.auth.tacacs.secret=<secret removed>\n\
             config.auth.ldap.bindpassword <secret removed>\n\
             config.openvpn.tunnels.tunnel1.passphrase <secret removed>\n\
             config.system.name im7216\n"
        );
    }

    #[test]
    fn redact_leaves_other_elements_alone() {
        // Names that hold a keyword but no secret: kept as printed.
        let cfg = "config.users.user1.username admin\n\
                   config.ports.port1.label keyboard-console\n\
                   config.system.location Rack 4 password-less shelf\n";
        assert_eq!(Opengear::redact(cfg), cfg);
    }
}
