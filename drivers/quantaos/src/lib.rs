//! Quanta QuantaOS switches (Oxidized model `quantaos`).
//!
//! Checked against the `snippets` recording, a synthetic session that
//! exercises the login and the config filtering.
//!
//! After login the driver always runs `enable`. QuantaOS asks for the enable
//! password; with the device flag `enable` the host types the enable secret,
//! otherwise an empty line is sent (accounts without an enable password).
//! The backup is `show running-config` (`show run`) without comment lines
//! (`!...`), which carry volatile facts such as the time of the last change.
//! On logout the device asks whether to save the config: the driver answers
//! `n`.

use netraven_driver_sdk::prelude::*;

pub struct QuantaOs;

/// `(hostname) >` (user exec) or `(hostname) #` (privileged).
const PROMPT: &str = r"^\(\S+\) [>#]$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"[pP]assword:\s?$";

impl Driver for QuantaOs {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "quantaos",
            env!("CARGO_PKG_VERSION"),
            &["quantaos"],
            PROMPT,
            "! ",
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        session.send("enable\n")?;
        let reply = session.read_until(&format!("(?:{ENABLE_PASSWORD})|(?:{PROMPT})"), None)?;
        if text::re(&format!("(?m){ENABLE_PASSWORD}")).is_match(&reply) {
            if device.flag("enable") {
                session.send_secret(Secret::Enable)?;
            } else {
                session.send("\n")?;
            }
            session.read_until(PROMPT, None)?;
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("terminal length 0")?;
        // The configuration itself: a refusal fails the backup.
        let raw = text::unix_newlines(&text::apply_backspaces(&session.essential("show run")?));
        let config = running_config(&raw);
        Ok(Backup::config(config))
    }

    /// Leave without saving: `quit` may ask "save changes? (y/n)".
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("quit\n")?;
        session.send("n\n")?;
        Ok(())
    }
}

/// Whether `line` (without its newline) is a QuantaOS prompt.
fn is_prompt(line: &str) -> bool {
    // Blanks the device printed after its prompt are no part of it.
    let Some(rest) = line.trim_end().strip_prefix('(') else {
        return false;
    };
    let Some(name) = rest
        .strip_suffix(") >")
        .or_else(|| rest.strip_suffix(") #"))
    else {
        return false;
    };
    !name.is_empty() && !name.contains(char::is_whitespace)
}

/// `show run` as stored: without the echo, prompts and `!` comment lines.
fn running_config(raw: &str) -> String {
    text::lines(raw)
        .filter(|line| {
            let bare = line.trim_end_matches(['\n', '\r']);
            !(bare.starts_with('!') || bare == "show run" || is_prompt(bare))
        })
        .collect()
}

netraven_driver_sdk::export_driver!(QuantaOs);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let recording = r#"init_prompt: "(sw1) >"
commands:
  "enable\n": "enable\r\n(sw1) >"
  "terminal length 0\n": "terminal length 0\r\n(sw1) >"
  "show run\n": "show run\r\n     ^\r\n% Invalid input detected at '^' marker.\r\n\r\n(sw1) >"
"#;
        scripted::backup_fails_with::<QuantaOs>(
            recording,
            &Device::default(),
            r#"essential command "show run": the device refused it"#,
        );
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<QuantaOs>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn comments_echo_and_prompts_are_dropped() {
        let raw = "show run\n!Current Configuration:\n!System Up Time 3 days\nhostname \"sw1\"\n\
                   vlan database\n(sw1) #";
        assert_eq!(running_config(raw), "hostname \"sw1\"\nvlan database\n");
    }

    #[test]
    fn prompt_needs_parentheses_and_a_space_before_the_mode() {
        assert!(is_prompt("(sw-1.lab) #"));
        assert!(is_prompt("(sw1) >"));
        assert!(!is_prompt("(sw1)#"));
        assert!(!is_prompt("(my sw) #"));
        assert!(!is_prompt("interface 0/1"));
    }
}
