//! Brocade / Ruckus FastIron switches (Oxidized model `fastiron`).
//!
//! Checked against the prompt cases of the corpus (`fastiron#generic`:
//! `SSH@switch-001#` and stacked-unit prompts such as
//! `SSH@switch-001/002/003/123#`); no session recording exists, so the
//! command set follows Oxidized's model and the unit tests replay a small
//! transcript written here.
//!
//! The backup is what Oxidized stores, all as `! ` comments except the
//! configuration: the first line of `show version` and the software version,
//! boot-monitor version and serial number picked from it (not the uptime),
//! `show module` with each line tagged `Modules: `, `show media | exclude
//! EMPTY`, `show hardware-info` and `show stack`, then `show running-config`.
//! All but the configuration are optional: a command the model does not know
//! (it answers "Invalid input") is left out. The pager is turned off with
//! `skip-page-display`.
//!
//! Device variable `enable` (flag): run `enable` after login, answering a
//! password prompt with the host's enable secret.

use netraven_driver_sdk::prelude::*;

pub struct FastIron;

/// `SSH@host#`, `host>`, `host(config)#`; stacked units may show as
/// `host/unit/...#`.
const PROMPT: &str = r"^([\w.@/()-]+[#>]\s?)$";

/// What `enable` may answer before the prompt comes back.
const ENABLE_PASSWORD: &str = r"^[pP]assword:\s?$";

const COMMENT: &str = "! ";

impl Driver for FastIron {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "fastiron",
            env!("CARGO_PKG_VERSION"),
            &["fastiron"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        if device.flag("enable") {
            let prompt = login::enable(session, "enable", PROMPT, ENABLE_PASSWORD)?;
            if !prompt.trim_end().ends_with('#') {
                session.log(Level::Warn, "enable did not reach privileged mode");
            }
        }
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("skip-page-display")?;
        let mut config = String::new();
        if let Some(version) = optional_output(session, "show version")? {
            config.push_str(&text::comment(&version_facts(&version), COMMENT));
        }
        if let Some(modules) = optional_output(session, "show module")? {
            config.push_str(&text::comment(&tag_modules(&modules), COMMENT));
        }
        for command in [
            "show media | exclude EMPTY",
            "show hardware-info",
            "show stack",
        ] {
            if let Some(out) = optional_output(session, command)? {
                config.push_str(&text::comment(&out, COMMENT));
            }
        }
        // The configuration itself: a refusal fails the backup.
        config.push_str(&printed(&session.essential("show running-config")?));
        Ok(Backup::config(config))
    }

    /// Log out politely; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }
}

/// What an optional `command` printed, without echo and prompt. `None`:
/// the switch refused it ("Invalid input"), and the backup goes on without.
fn optional_output(
    session: &mut dyn Session,
    command: &str,
) -> Result<Option<String>, DriverError> {
    Ok(session.optional(command)?.map(|raw| printed(&raw)))
}

/// What `raw` (echo, output and prompt) printed.
fn printed(raw: &str) -> String {
    text::cut_echo_and_prompt(&text::unix_newlines(raw))
}

/// The text after `label` on a line that starts with white space and then
/// `label`, as in `  SW: Version 08.0.30tT211`.
fn indented_value<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    if !line.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    line.trim_start_matches(|c: char| c.is_ascii_whitespace())
        .strip_prefix(label)
}

/// The first line of `show version`, then one line each for the software
/// version, the boot-monitor version and the serial number, then a blank
/// line; uptime and other volatile lines are left out.
fn version_facts(version: &str) -> String {
    let mut facts: Vec<String> = Vec::new();
    facts.push(text::lines(version).next().unwrap_or("").to_string());
    for line in text::lines(version) {
        let line = line.trim_end_matches('\n');
        if let Some(v) = indented_value(line, "SW: Version ") {
            facts.push(format!("Version: {v}"));
        }
        if let Some(rest) = indented_value(line, "Compressed Boot-Monitor Image size = ") {
            let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            if digits.len() < rest.len()
                && let Some(v) = digits.strip_prefix(", Version:")
            {
                facts.push(format!("Boot-Monitor Version: {v}"));
            }
        }
        if let Some(v) = indented_value(line, "Serial  #:") {
            facts.push(format!("Serial: {v}"));
        }
    }
    facts.push("\n".to_string());
    facts.join("\n")
}

/// `show module` without blank lines, each line tagged `Modules: `, and
/// closed by one empty line.
fn tag_modules(modules: &str) -> String {
    let mut out = String::with_capacity(modules.len() + 64);
    for line in text::lines(modules).filter(|l| *l != "\n") {
        out.push_str("Modules: ");
        out.push_str(line);
    }
    out.push('\n');
    out
}

netraven_driver_sdk::export_driver!(FastIron);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<FastIron>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    const COMMANDS: &str = concat!(
        "  - \"skip-page-display\\n\": 'skip-page-display\\r\\nDisable page display mode\\r\\nSSH@sw1/2#'\n",
        "  - \"show version\\n\": 'show version\\r\\n  Copyright (c) Ruckus Networks, Inc. All rights reserved.\\r\\n    UNIT 1: compiled on Jan 1 2023 at 10:00:00 labeled as SPR08095\\r\\n      (33554432 bytes) from Primary SPR08095.bin (UFI)\\r\\n        SW: Version 08.0.95T213\\r\\n      Compressed Boot-Monitor Image size = 786944, Version:10.1.18T225 (mnz10118)\\r\\n  HW: Stackable ICX7150-24P\\r\\n==========================================================================\\r\\nUNIT 1: SL 1: ICX7150-24P POE 24-port Management Module\\r\\n         Serial  #:FEK3200L0AB\\r\\n  The system uptime is 10 days 2 hours\\r\\nSSH@sw1/2#'\n",
        "  - \"show module\\n\": 'show module\\r\\n                           Status   Ports  Starting MAC\\r\\n\\r\\nU1:M1 ICX7150-24P 24-port   OK      24     609c.9f00.0001\\r\\nSSH@sw1/2#'\n",
        "  - \"show media | exclude EMPTY\\n\": 'show media | exclude EMPTY\\r\\nPort 1/2/1: Type  : 10GE SR 300m (SFP +)\\r\\nSSH@sw1/2#'\n",
        "  - \"show hardware-info\\n\": 'show hardware-info\\r\\n% Invalid input detected at ''^'' marker.\\r\\nSSH@sw1/2#'\n",
        "  - \"show stack\\n\": 'show stack\\r\\nalone: standalone, D: dynamic config\\r\\nSSH@sw1/2#'\n",
        "  - \"show running-config\\n\": 'show running-config\\r\\nCurrent configuration:\\r\\n!\\r\\nver 08.0.95T213\\r\\n!\\r\\nhostname sw1\\r\\nend\\r\\n\\r\\nSSH@sw1/2#'\n",
        "  - \"exit\\n\": ''\n",
    );

    const EXPECTED: &str = "!   Copyright (c) Ruckus Networks, Inc. All rights reserved.\n\
        ! \n\
        ! Version: 08.0.95T213\n\
        ! Boot-Monitor Version: 10.1.18T225 (mnz10118)\n\
        ! Serial: FEK3200L0AB\n\
        ! \n\
        ! Modules:                            Status   Ports  Starting MAC\n\
        ! Modules: U1:M1 ICX7150-24P 24-port   OK      24     609c.9f00.0001\n\
        ! \n\
        ! Port 1/2/1: Type  : 10GE SR 300m (SFP +)\n\
        ! alone: standalone, D: dynamic config\n\
        Current configuration:\n!\nver 08.0.95T213\n!\nhostname sw1\nend\n\n";

    #[test]
    fn a_device_that_refuses_hardware_info_is_backed_up_without_it() {
        let transcript = format!("init_prompt: 'SSH@sw1/2#'\ncommands:\n{COMMANDS}");
        let backup = scripted::backup_without::<FastIron>(
            &transcript,
            &Device::default(),
            &["show hardware-info"],
        );
        assert_eq!(backup.config, EXPECTED);
    }

    #[test]
    fn a_refused_configuration_fails_the_backup() {
        let before_config = COMMANDS.split("  - \"show running-config").next().unwrap();
        let transcript = format!(
            "init_prompt: 'SSH@sw1/2>'\ncommands:\n{before_config}  - \"show running-config\\n\": 'show running-config\\r\\n                     ^\\r\\nInvalid input -> show running-config\\r\\nType ? for a list\\r\\nSSH@sw1/2>'\n"
        );
        scripted::backup_fails_with::<FastIron>(
            &transcript,
            &Device::default(),
            r#"essential command "show running-config": the device refused it"#,
        );
    }

    #[test]
    fn enable_flag_answers_the_password_prompt() {
        let transcript = format!(
            "init_prompt: 'SSH@sw1/2>'\ncommands:\n  - \"enable\\n\": 'enable\\r\\nPassword:'\n  - \"<enable>\\n\": '\\r\\nSSH@sw1/2#'\n{COMMANDS}"
        );
        let backup =
            scripted::backup::<FastIron>(&transcript, &Device::with_vars(&[("enable", "true")]))
                .expect("backup");
        assert_eq!(backup.config, EXPECTED);
    }

    #[test]
    fn version_facts_without_matches_keep_first_line_and_blank() {
        assert_eq!(version_facts("HW: ICX\nuptime\n"), "HW: ICX\n\n\n");
        assert_eq!(version_facts(""), "\n\n");
    }

    #[test]
    fn empty_module_list_is_one_empty_line() {
        assert_eq!(tag_modules("\n\n"), "\n");
    }
}
