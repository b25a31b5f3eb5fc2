//! Cisco AsyncOS, the OS of the Email (ESA) and Web (WSA) Security
//! Appliances (Oxidized model `asyncos`).
//!
//! Checked against the prompt cases of the corpus (`asyncos#generic`:
//! `(mail.example.com)> `, `mail.example.com> ` and cluster-mode prompts
//! such as `(Machine host.example.com)> `); no session recording exists, so
//! the command set and clean-up follow Oxidized's model and the unit tests
//! replay a small transcript written here.
//!
//! The backup is what Oxidized stores: the whole `version` exchange (echo,
//! output and prompt) as `! ` comments, left out when the appliance refuses
//! it, then the `showconfig` exchange.
//! `showconfig` first asks how to show passphrases; the driver picks
//! "3. Plain passphrases" and the question is removed from the backup. The
//! CLI wraps long XML lines with a deep indent; those are joined again, and
//! the closing `(host)> ` prompt is removed. The `-Press Any Key For More-`
//! pager is answered with a space.

use netraven_driver_sdk::prelude::*;

pub struct AsyncOs;

/// `(host)> ` or `host> ` (`#` in some modes), possibly after stray
/// carriage returns; host names may hold dots, dashes and spaces
/// (`(Machine host.example.com)> ` in cluster mode).
const PROMPT: &str = r"^\r*\(?[\w.\- ]+\)?[#>]\s+$";

/// The passphrase-display question of `showconfig`, e.g. `[1]> `.
const PASSPHRASE_CHOICE: &str = r"\[\S+\]>\s";

/// The pager.
const PAGER: &str = r"-Press Any Key For More-+.*$";

const COMMENT: &str = "! ";

impl Driver for AsyncOs {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "asyncos",
            env!("CARGO_PKG_VERSION"),
            &["asyncos"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.on_pattern(PASSPHRASE_CHOICE, "3\n")?;
        session.on_pattern(PAGER, " ")?;
        let mut config = String::new();
        if let Some(version) = session.optional("version")? {
            config.push_str(&text::comment(&text::unix_newlines(&version), COMMENT));
        }
        // The configuration itself: a refusal fails the backup.
        let showconfig = text::unix_newlines(&session.essential("showconfig")?);
        config.push_str(&clean_showconfig(&showconfig));
        Ok(Backup::config(config))
    }

    /// Log out politely; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }
}

/// The longest run of `\s` characters (ASCII white space) in `text`: a cheap
/// exact gate for the white-space regexes below.
fn longest_blank_run(text: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for b in text.bytes() {
        if b.is_ascii_whitespace() || b == 0x0b {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// The `showconfig` exchange as Oxidized stores it: without the passphrase
/// question and the `3` typed to answer it, with wrapped lines joined, and
/// without the closing `(host)> ` prompt.
fn clean_showconfig(raw: &str) -> String {
    let mut cfg = raw.replace("Choose the passphrase option:", "");
    if cfg.contains("Mask passphrases (Files with masked passphrases cannot be loaded using") {
        cfg = text::replace_all(
            &cfg,
            &[(
                r"1. Mask passphrases \(Files with masked passphrases cannot be loaded using",
                "",
            )],
        );
    }
    cfg = cfg.replace("loadconfig command)", "");
    if cfg.contains(" Encrypt passphrases") {
        cfg = text::replace_all(&cfg, &[(r"2. Encrypt passphrases", "")]);
    }
    if cfg.contains(" Plain passphrases") {
        cfg = text::replace_all(&cfg, &[(r"3. Plain passphrases", "")]);
    }
    // The `3` the driver typed, echoed on a line of its own.
    cfg = text::lines(&cfg)
        .map(|line| match line.strip_suffix('\n').unwrap_or(line) {
            "3" => &line[1..],
            _ => line,
        })
        .collect();
    let blanks = longest_blank_run(&cfg);
    if blanks >= 25 {
        cfg = text::replace_all(
            &cfg,
            &[
                // A wrapped line continues after a deep indent: join it.
                (r"\n\s{25,26}", ""),
                // Padding after a value.
                (r"([-\\/,.\w><@]+)(\s{25,27})", "${1}"),
            ],
        );
    }
    if blanks >= 6 {
        // Two values six blanks apart were two lines.
        cfg = text::replace_all(
            &cfg,
            &[(r"([-\\/,.\w><@]+)(\s{6})([-\\/,.\w><@]+)", "${1}\n${2}${3}")],
        );
    }
    if cfg.contains(")>") || cfg.contains(")#") {
        cfg = text::replace_all(&cfg, &[(r"(?m)^\r*([(][\w. ]+[)][#>]\s+)$", "")]);
    }
    cfg
}

netraven_driver_sdk::export_driver!(AsyncOs);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<AsyncOs>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn passphrase_question_and_pager_are_answered_and_removed() {
        let transcript = concat!(
            "init_prompt: 'Last login: Mon May 1 10:00:00 2024\\r\\n(mail.example.com)> '\n",
            "commands:\n",
            "  - \"version\\n\": 'version\\r\\n\\r\\nCurrent Version\\r\\n===============\\r\\nVersion: 14.0.0-692\\r\\n\\r\\n(mail.example.com)> '\n",
            "  - \"showconfig\\n\": 'showconfig\\r\\n\\r\\nChoose the passphrase option:\\r\\n1. Mask passphrases (Files with masked passphrases cannot be loaded using\\r\\nloadconfig command)\\r\\n2. Encrypt passphrases\\r\\n3. Plain passphrases\\r\\n[1]> '\n",
            "  - \"3\\n\": '3\\r\\n\\r\\n<?xml version=\"1.0\"?>\\r\\n<config>\\r\\n  <hostname>mail.example.com</hostname>\\r\\n-Press Any Key For More-'\n",
            "  - \" \": '</config>\\r\\n\\r\\n(mail.example.com)> '\n",
            "  - \"exit\\n\": ''\n",
        );
        assert_eq!(
            scripted::backup::<AsyncOs>(transcript, &Device::default())
                .expect("backup, logged out with exit")
                .config,
            concat!(
                "! version\n! \n! Current Version\n! ===============\n! Version: 14.0.0-692\n! \n",
                "! (mail.example.com)> showconfig\n",
                "\n\n\n\n\n\n\n\n",
                "<?xml version=\"1.0\"?>\n<config>\n  <hostname>mail.example.com</hostname>\n",
                "</config>\n\n",
            )
        );
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "(mail1)> "
commands:
  "version\n": "version\r\nVersion: 14.0.0-692\r\n(mail1)> "
  "showconfig\n": "showconfig\r\n\r\nUnknown command or missing feature key\r\n\r\n(mail1)> "
"#;
        scripted::backup_fails_with::<AsyncOs>(
            recording,
            &Device::default(),
            r#"essential command "showconfig": the device refused it"#,
        );
    }

    #[test]
    fn a_device_that_refuses_version_is_backed_up_without_it() {
        let recording = r#"init_prompt: "(mail1)> "
commands:
  "version\n": "version\r\n\r\nUnknown command or missing feature key\r\n\r\n(mail1)> "
  "showconfig\n": "showconfig\r\n\r\nChoose the passphrase option:\r\n1. Mask passphrases (Files with masked passphrases cannot be loaded using\r\nloadconfig command)\r\n2. Encrypt passphrases\r\n3. Plain passphrases\r\n[1]> "
  "3\n": "3\r\n\r\n<config>\r\n  <hostname>mail1</hostname>\r\n</config>\r\n\r\n(mail1)> "
  "exit\n": ""
"#;
        let backup =
            scripted::backup_without::<AsyncOs>(recording, &Device::default(), &["version"]);
        assert_eq!(
            backup.config,
            "showconfig\n\n\n\n\n\n\n\n\n<config>\n  <hostname>mail1</hostname>\n</config>\n\n"
        );
    }

    #[test]
    fn lines_wrapped_with_a_deep_indent_are_joined() {
        let wrapped = format!(
            "<ldap>a.example.com,\n{}b.example.com</ldap>\n",
            " ".repeat(26)
        );
        assert_eq!(
            clean_showconfig(&wrapped),
            "<ldap>a.example.com,b.example.com</ldap>\n"
        );
    }

    #[test]
    fn values_six_blanks_apart_are_split_onto_two_lines() {
        assert_eq!(clean_showconfig("alpha      beta\n"), "alpha\n      beta\n");
    }

    #[test]
    fn prompts_with_and_without_parentheses_match() {
        let re = text::re(&format!("(?m){PROMPT}"));
        assert!(re.is_match("(mail.example.com)> "));
        assert!(re.is_match("mail.example.com> "));
        assert!(re.is_match("(Machine esa-01.example.com)> "));
        assert!(!re.is_match("[1]> "));
    }
}
