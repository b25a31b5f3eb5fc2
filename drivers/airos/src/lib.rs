//! Ubiquiti airOS (airMAX radios, airOS 5.x and later; Oxidized model
//! `airos`), over SSH exec channels: one channel per command, so no
//! prompt, echo, pager or logout.
//!
//! No published session of the configuration command exists yet (see the
//! `airos` section of `tests/corpus/netraven/RESEARCH.md`), so the driver
//! is checked by its unit tests against what Oxidized's own model code
//! stores for the same scripted session (`../shared/oxidized/oracle
//! airos`) and by the scripted conformance cases (and their chaos replay)
//! in `tests/corpus/conformance/airos#scripted_*`. Being exec-mode, it has
//! no prompt case.
//!
//! Commands, in Oxidized's order:
//! - `cat /etc/board.info` (optional): each line as a `# ` comment. As in
//!   Oxidized, trailing blank lines go and the block ends with one newline
//!   (an empty file gives an empty line);
//! - `cat /etc/version` (optional): one comment, `# airos version: ` and
//!   the file as it is;
//! - `sort /tmp/system.cfg` (essential), stored as the device prints it:
//!   the running configuration, one `key=value` a line, sorted. A device
//!   that refuses it, or prints nothing, fails the backup. The file has no
//!   closing line, so a cut-short configuration cannot be told from a
//!   short one.
//!
//! The backup is byte for byte what Oxidized stores, with two differences:
//! an information file the device cannot read (`cat` exits non-zero) is
//! left out, where Oxidized, which reads stdout and stderr as one, stores
//! `cat`'s error message as a comment; and a `\r\n` line ending is made
//! `\n` (Oxidized keeps exec output as it comes; an exec channel, with no
//! terminal, prints `\n` alone, so only a device that does otherwise
//! would see a difference).
//!
//! `redact` hides, as Oxidized does and with its wording (the line turns
//! into a comment, `# users.1.password=<hidden>`), user password hashes
//! and the SNMP community; beyond it, every other key that names a
//! password, pre-shared key, secret or passphrase (`wpasupplicant`
//! network passwords, PSKs, EAP private-key passwords and WEP keys, `aaa`
//! RADIUS secrets and WPA PSKs, PPPoE and dynamic-DNS passwords, SNMPv3
//! passphrases), in the same form.
//!
//! `significant`: nothing to ignore (no uptime or clock in these files).
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Airos;

const COMMENT: &str = "# ";

/// airOS's shell prompt (`XM.v6.1.7# `), as Oxidized's model has it; an
/// exec-mode session never waits for it.
const PROMPT: &str = r"^[^#\n]+# ?$";

const BOARD_INFO: &str = "cat /etc/board.info";
const VERSION: &str = "cat /etc/version";
const SHOW_CONFIG: &str = "sort /tmp/system.cfg";

impl Driver for Airos {
    fn info() -> DriverInfo {
        DriverInfo::exec(
            "airos",
            env!("CARGO_PKG_VERSION"),
            &["airos"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(board) = session.optional_exec(BOARD_INFO)? {
            config.push_str(&comment_lines(&text::unix_newlines(&board)));
        }
        if let Some(version) = session.optional_exec(VERSION)? {
            config.push_str(&text::comment(
                &format!("airos version: {}", text::unix_newlines(&version)),
                COMMENT,
            ));
        }
        config.push_str(&text::unix_newlines(&session.essential_exec(SHOW_CONFIG)?));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// Every line of `block` as a comment, as Oxidized's model writes the
/// board information: split on newlines, trailing empty lines dropped,
/// one newline at the end.
fn comment_lines(block: &str) -> String {
    let body = block.trim_end_matches('\n');
    let mut out = String::with_capacity(body.len() + 16);
    if !body.is_empty() {
        for line in body.split('\n') {
            out.push_str(COMMENT);
            out.push_str(line);
            out.push('\n');
        }
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

/// Secret removal, line by line: `(needle, regex, replacement)`; each
/// secret line becomes a comment with its value hidden.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // Oxidized's two: `users.1.password=<crypt hash>`, `snmp.community=public`.
    ("users.", r"^(users\.\d+\.password)=.+", "# $1=<hidden>"),
    ("snmp.community", r"^(snmp\.community)=.+", "# $1=<hidden>"),
    // Any other key whose last part names a secret:
    // `wpasupplicant.profile.1.network.1.psk=`, `ppp.1.password=`,
    // `aaa.1.radius.auth.1.secret=`, `snmp.v3.authpass=`...
    (
        "=",
        r"^([\w.-]*\.(?:password|passwd|pass|psk|secret|passphrase|authpass|privpass|community|private_key_passwd|wep_key\d*))=.+",
        "# $1=<hidden>",
    ),
    // WEP keys kept as a numbered list under a security/WEP setting:
    // `wireless.1.security.wep.key.1.value=`.
    (
        "key.",
        r"^([\w.-]*(?:wep|security)[\w.-]*\.key\.\d+(?:\.value)?)=.+",
        "# $1=<hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Airos);

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
        netraven_driver_sdk::harness::assert_corpus::<Airos>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Airos>(CONFORMANCE);
    }

    /// An exec-mode session with these replies to the three commands.
    fn recording(board: &str, version: &str, config: &str) -> String {
        format!(
            "init_prompt:\ncommands:\n\
             \x20 \"cat /etc/board.info\\n\": \"{board}\"\n\
             \x20 \"cat /etc/version\\n\": \"{version}\"\n\
             \x20 \"sort /tmp/system.cfg\\n\": \"{config}\"\n"
        )
    }

    // Minimal: no published `/etc/board.info`, `/etc/version` or
    // `/tmp/system.cfg` of one airOS device exists. The keys are those
    // airOS writes (`board.sysid`, `board.name`, `board.shortname`,
    // `board.hwaddr`; `users.1.name`...), the version string in airOS's
    // `XM.v6.1.7` form; the hash is a canary.
    const BOARD: &str = "board.sysid=0xe005\\nboard.name=NanoStation M5\\nboard.shortname=N5N\\nboard.hwaddr=002722A1B2C3\\n\\n";
    const VERSION_TEXT: &str = "XM.v6.1.7\\n";
    const CONFIG: &str = "\\naaa.status=disabled\\nresolv.host.1.name=nsm5\\nsnmp.community=public\\n\
        users.1.name=ubnt\\nusers.1.password=VvpvCwhccFv6Q\\nusers.status=enabled\\n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup =
            scripted::backup::<Airos>(&recording(BOARD, VERSION_TEXT, CONFIG), &Device::default())
                .expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle airos): the board file's trailing
        // blank line gone, the configuration's leading one kept.
        assert_eq!(
            backup.config,
            "# board.sysid=0xe005\n\
             # board.name=NanoStation M5\n\
             # board.shortname=N5N\n\
             # board.hwaddr=002722A1B2C3\n\
             # airos version: XM.v6.1.7\n\
             \n\
             aaa.status=disabled\n\
             resolv.host.1.name=nsm5\n\
             snmp.community=public\n\
             users.1.name=ubnt\n\
             users.1.password=VvpvCwhccFv6Q\n\
             users.status=enabled\n"
        );
    }

    #[test]
    fn unreadable_information_files_are_left_out() {
        // BusyBox `cat`'s wording, as the replay hands it over (a live
        // device's non-zero exit is left out the same way).
        let missing = "cat: can't open '/etc/board.info': No such file or directory\\n";
        let version = "cat: can't open '/etc/version': No such file or directory\\n";
        let backup = scripted::backup_without::<Airos>(
            &recording(missing, version, CONFIG),
            &Device::default(),
            &[BOARD_INFO, VERSION],
        );
        assert!(
            backup.config.starts_with("\naaa.status=disabled\n"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let refused = "sort: /tmp/system.cfg: No such file or directory\\n";
        scripted::backup_fails_with::<Airos>(
            &recording(BOARD, VERSION_TEXT, refused),
            &Device::default(),
            r#"essential command "sort /tmp/system.cfg": the device refused it"#,
        );
    }

    #[test]
    fn an_empty_configuration_fails_the_backup() {
        scripted::backup_fails_with::<Airos>(
            &recording(BOARD, VERSION_TEXT, ""),
            &Device::default(),
            "the device printed nothing",
        );
    }

    #[test]
    fn comment_lines_drops_trailing_blank_lines_as_oxidized() {
        assert_eq!(comment_lines("a=1\n\nb=2\n\n\n"), "# a=1\n# \n# b=2\n");
        assert_eq!(comment_lines("a=1"), "# a=1\n");
        assert_eq!(comment_lines(""), "\n");
    }

    #[test]
    fn a_version_without_newline_runs_into_the_configuration_as_in_oxidized() {
        let backup = scripted::backup::<Airos>(
            &recording(BOARD, "XM.v6.1.7", "users.status=enabled\\n"),
            &Device::default(),
        )
        .expect("replayed whole");
        assert!(
            backup
                .config
                .ends_with("# airos version: XM.v6.1.7users.status=enabled\n"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn redact_hides_every_secret_as_a_comment() {
        let cfg = "users.1.name=ubnt\nusers.1.password=HASHCANARY\nsnmp.community=COMMCANARY\n\
                   wpasupplicant.profile.1.network.1.psk=PSKCANARY\n\
                   wpasupplicant.profile.1.network.1.password=EAPCANARY\n\
                   aaa.1.radius.auth.1.secret=RADCANARY\nppp.1.password=PPPCANARY\n\
                   aaa.1.wpa.psk=APPSKCANARY\n\
                   wpasupplicant.profile.1.network.1.private_key_passwd=PKCANARY\n\
                   wpasupplicant.profile.1.network.1.wep_key0=WEP0CANARY\n\
                   wireless.1.security.wep.key.1.value=WEPCANARY\n\
                   dyndns.1.password=DDNSCANARY\n\
                   snmp.v3.authpass=V3CANARY\n\
                   users.2.password=\nsnmp.location=roof\n";
        let out = Airos::redact(cfg);
        for secret in [
            "HASHCANARY",
            "COMMCANARY",
            "PSKCANARY",
            "EAPCANARY",
            "RADCANARY",
            "PPPCANARY",
            "APPSKCANARY",
            "PKCANARY",
            "WEP0CANARY",
            "WEPCANARY",
            "DDNSCANARY",
            "V3CANARY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        assert_eq!(
            out,
            "users.1.name=ubnt\n# users.1.password=<hidden>\n# snmp.community=<hidden>\n\
             # wpasupplicant.profile.1.network.1.psk=<hidden>\n\
             # wpasupplicant.profile.1.network.1.password=<hidden>\n\
             # aaa.1.radius.auth.1.secret=<hidden>\n# ppp.1.password=<hidden>\n\
             # aaa.1.wpa.psk=<hidden>\n\
             # wpasupplicant.profile.1.network.1.private_key_passwd=<hidden>\n\
             # wpasupplicant.profile.1.network.1.wep_key0=<hidden>\n\
             # wireless.1.security.wep.key.1.value=<hidden>\n\
             # dyndns.1.password=<hidden>\n# snmp.v3.authpass=<hidden>\n\
             users.2.password=\nsnmp.location=roof\n"
        );
    }
}
