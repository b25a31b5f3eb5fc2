//! SonicWall SonicOS (NSA series and alike), Oxidized model `sonicos`.
//!
//! Checked against snippets of SonicOS 6.5.4.10-95n (NSA 4650); the corpus
//! holds no complete recording of this OS.
//!
//! After `no cli pager session`, the backup is `show version` as `! `
//! comments followed by an empty line (both left out when the firewall
//! refuses the command), then `show current-config` without its `: ...`
//! lines. Both are cleaned the same way: every line is trimmed, and the
//! lines with the clock, the uptime or a checksum are dropped.
//!
//! A refused `show current-config` fails the backup, but an empty one is
//! stored, so it is no `essential` command: the `snippets` case, which
//! Oxidized's tests keep from old issues, answers it with nothing and
//! expects the version alone.
//!
//! A login banner asking to accept the policy (`Accept The Policy Banner
//! (yes)?`) is answered with `yes`.

use netraven_driver_sdk::prelude::*;

pub struct SonicOs;

/// `user@host> `: SonicOS host names are often the serial (all digits) and
/// may contain `-`.
const PROMPT: &str = r"^\w+@[\w-]+>(?:\(.+\))?\s?$";

const COMMENT: &str = "! ";

/// The policy banner some SonicOS 6.5/7.x systems show before the prompt.
const POLICY_BANNER: &str = r"Accept The Policy Banner \(yes\)\?\r?\nyes: $";

/// Words that precede an encrypted secret of the form `<digit>,<cipher>`.
/// `secret` also covers `shared-secret`, and `password` covers the
/// `bind-`, `sslvpn `, `administrator `, `ftp ` and `passphrase ` forms.
const SECRET_RULE: &str = r"(cli ftp password default|secret|password|authentication sha1|encryption aes|smtp-pass|pop-pass|shared-key|wpa passphrase) \d,\S+";

const SECRET_WORDS: &[&str] = &[
    "secret ",
    "password ",
    "authentication sha1 ",
    "encryption aes ",
    "smtp-pass ",
    "pop-pass ",
    "shared-key ",
    "wpa passphrase ",
];

/// The configuration command.
const CONFIG: &str = "show current-config";

/// What `show current-config` printed: without echo and prompt, with
/// `\r\n` made `\n`. A refusal fails the backup as `essential` would;
/// empty output does not (see the module's documentation).
fn current_config(session: &mut dyn Session) -> Result<String, DriverError> {
    let output = text::command_output(&session.command(CONFIG)?);
    if let Some(why) = text::refusal(&output) {
        return Err(SessionError::Rejected(format!(
            "essential command {CONFIG:?}: the device refused it: {:?}",
            why.trim()
        ))
        .into());
    }
    Ok(output)
}

/// Whitespace as Ruby's `String#strip` sees it (ASCII only, plus NUL).
fn is_strip_space(c: char) -> bool {
    matches!(c, '\0' | '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// A test for the lines that change on their own: the clock, the uptime,
/// checksums. Each regex only runs on lines holding a literal it needs.
fn volatile() -> impl Fn(&str) -> bool {
    let rules = [
        ("date ", text::re(r"date \d{4}:\d{2}:\d{2}")),
        ("time ", text::re(r"time \d{2}:\d{2}:\d{2}")),
        (
            "system-time \"",
            text::re(r#"system-time "\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}.\d+""#),
        ),
        (
            "system-uptime \"",
            text::re(r#"system-uptime "(?:\s+up\s+\d+\s+|\d+ \w+(?:, \d+ \w+)*)""#),
        ),
        ("checksum ", text::re(r"checksum \d+")),
    ];
    move |line: &str| {
        rules
            .iter()
            .any(|(literal, rule)| line.contains(literal) && rule.is_match(line))
    }
}

/// Drop the volatile lines, trim every other line, and join them with
/// newlines, ending with one newline (so empty output becomes "\n").
fn clean(output: &str, volatile: &impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(output.len());
    let mut first = true;
    for line in text::lines(output) {
        if volatile(line) {
            continue;
        }
        if !first {
            out.push('\n');
        }
        first = false;
        out.push_str(line.trim_matches(is_strip_space));
    }
    out.push('\n');
    out
}

/// `show current-config` without the `: ...` lines.
fn without_colon_lines(config: &str) -> String {
    text::lines(config)
        .filter(|line| !line.starts_with(": "))
        .collect()
}

impl Driver for SonicOs {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "sonicos",
            env!("CARGO_PKG_VERSION"),
            &["sonicos"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.on_pattern(POLICY_BANNER, "yes\n")?;
        session.read_until(PROMPT, None)?;
        session.clear_patterns();
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("no cli pager session")?;
        let volatile = volatile();

        let mut config = String::new();
        if let Some(version) = session.optional("show version")? {
            let version = clean(&text::command_output(&version), &volatile);
            config.push_str(&text::comment(&version, COMMENT));
            config.push('\n');
        }
        let current = current_config(session)?;
        config.push_str(&clean(&without_colon_lines(&current), &volatile));
        Ok(Backup::config(config))
    }

    /// Log out politely; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        let rule = text::re(SECRET_RULE);
        let mut out = String::with_capacity(config.len());
        for line in text::lines(config) {
            let may_hold_secret =
                line.contains(',') && SECRET_WORDS.iter().any(|w| line.contains(w));
            if may_hold_secret {
                out.push_str(&rule.replace_all(line, "$1 <secret hidden> "));
            } else {
                out.push_str(line);
            }
        }
        out
    }
}

netraven_driver_sdk::export_driver!(SonicOs);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_device_that_refuses_the_version_is_backed_up_without_it() {
        let recording = r#"init_prompt: "admin@0017C5> "
commands:
  "no cli pager session\n": "no cli pager session\r\nadmin@0017C5> "
  "show version\n": "show version\r\n% Unknown command: show version\r\nadmin@0017C5> "
  "show current-config\n": "show current-config\r\naddress-object ipv4 X host 10.0.0.1\r\nadmin@0017C5> "
  "exit\n": ""
"#;
        let backup =
            scripted::backup_without::<SonicOs>(recording, &Device::default(), &["show version"]);
        assert_eq!(backup.config, "address-object ipv4 X host 10.0.0.1\n");
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "admin@0017C5> "
commands:
  "no cli pager session\n": "no cli pager session\r\nadmin@0017C5> "
  "show version\n": "show version\r\nfirmware-version \"SonicOS 6.5\"\r\nadmin@0017C5> "
  "show current-config\n": "show current-config\r\n% Unknown command: show current-config\r\nadmin@0017C5> "
"#;
        scripted::backup_fails_with::<SonicOs>(
            recording,
            &Device::default(),
            r#"essential command "show current-config": the device refused it"#,
        );
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<SonicOs>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn clean_trims_lines_and_drops_clock_uptime_and_checksum() {
        let out = "model \"NSA 4650\"\n\rfirmware-version \"SonicOS 6.5\"  \n\
                   system-time \"11/27/2026 01:02:03.123\"\n\
                   system-uptime \"1 Day, 23 Hours, 32 Minutes, 10 Seconds\"\n\
                   checksum 12345\n  serial 0017C5\n";
        assert_eq!(
            clean(out, &volatile()),
            "model \"NSA 4650\"\nfirmware-version \"SonicOS 6.5\"\nserial 0017C5\n"
        );
    }

    #[test]
    fn empty_output_cleans_to_one_newline() {
        assert_eq!(clean("", &volatile()), "\n");
    }

    #[test]
    fn colon_lines_are_dropped_from_the_config() {
        assert_eq!(
            without_colon_lines(": Generated 2026\naddress-object ipv4 X\n"),
            "address-object ipv4 X\n"
        );
    }

    #[test]
    fn encrypted_secrets_are_hidden() {
        let cfg = "cli ftp password default 1,abc==\n\
                   radius server 10.0.0.1 shared-secret 1,def==\n\
                   user local admin password 2,ghi== uid 1\n\
                   name \"a,b\" comment \"password policy\"\n";
        assert_eq!(
            SonicOs::redact(cfg),
            "cli ftp password default <secret hidden> \n\
             radius server 10.0.0.1 shared-secret <secret hidden> \n\
             user local admin password <secret hidden>  uid 1\n\
             name \"a,b\" comment \"password policy\"\n"
        );
    }

    #[test]
    fn prompt_accepts_hostnames_with_dashes() {
        let prompt = text::re(&format!("(?m){PROMPT}"));
        assert!(prompt.is_match("admin@host-with-minus> "));
        assert!(!prompt.is_match("yes: "));
    }
}
