//! Any Cisco-like CLI, driven entirely by device variables (model
//! `generic`).
//!
//! There is no Oxidized model and no corpus recording for it; the unit
//! tests replay small transcripts written here.
//!
//! Device variables:
//! - `prompt`: the prompt regex (default `^[\w.@()-]+[#>]\s?$`, i.e.
//!   `host#`, `host>`, `host(config)#`). Login waits for it.
//! - `pager_command`: sent once before anything else, its output ignored
//!   (e.g. `terminal length 0`).
//! - `comment_commands`: commands whose output goes into the backup as
//!   comments, before the configuration (e.g. `show version`). They are
//!   optional: one the device refuses is left out.
//! - `commands`: the commands whose output is the backup (default
//!   `show running-config`). Each is essential: if the device refuses one
//!   or prints nothing for it, the backup fails rather than store a
//!   configuration with a part missing.
//! - `comment`: the comment prefix (default `! `).
//!
//! Command lists are separated by `;` or newlines; blanks are ignored. Each
//! output loses its echo line and its prompt line, and `\r\n` becomes `\n`.
//! At the end the driver sends `exit`.

use netraven_driver_sdk::prelude::*;

pub struct Generic;

/// `host#`, `host>`, `host(config)#`, with an optional blank after it.
const DEFAULT_PROMPT: &str = r"^[\w.@()-]+[#>]\s?$";

const DEFAULT_COMMANDS: &str = "show running-config";

const DEFAULT_COMMENT: &str = "! ";

/// The prompt regex for `device`: its `prompt` var, or the default.
fn prompt(device: &Device) -> &str {
    match device.var("prompt") {
        Some(p) if !p.trim().is_empty() => p,
        _ => DEFAULT_PROMPT,
    }
}

/// The commands of a list var: separated by `;` or newlines, trimmed,
/// without empty entries.
fn split_commands(list: &str) -> Vec<&str> {
    list.split([';', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

impl Driver for Generic {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "generic",
            env!("CARGO_PKG_VERSION"),
            &["generic"],
            DEFAULT_PROMPT,
            DEFAULT_COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        let prompt = prompt(device);
        session.set_prompt(prompt)?;
        session.read_until(prompt, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, device: &Device) -> Result<Backup, DriverError> {
        session.set_prompt(prompt(device))?;
        if let Some(pager) = device.var("pager_command").map(str::trim)
            && !pager.is_empty()
        {
            session.command(pager)?;
        }
        let prefix = device.var("comment").unwrap_or(DEFAULT_COMMENT);
        let mut config = String::new();
        for command in split_commands(device.var("comment_commands").unwrap_or("")) {
            if let Some(raw) = session.optional(command)? {
                config.push_str(&text::comment(&text::command_output(&raw), prefix));
            }
        }
        let commands = device
            .var("commands")
            .filter(|c| !c.trim().is_empty())
            .unwrap_or(DEFAULT_COMMANDS);
        for command in split_commands(commands) {
            config.push_str(&text::command_output(&session.essential(command)?));
        }
        Ok(Backup::config(config))
    }

    /// Log out politely; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }
}

netraven_driver_sdk::export_driver!(Generic);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn defaults_back_up_the_running_config_at_a_cisco_prompt() {
        let transcript = concat!(
            "init_prompt: 'Welcome\\r\\nsw1#'\n",
            "commands:\n",
            "  - \"show running-config\\n\": 'show running-config\\r\\nhostname sw1\\r\\n!\\r\\nend\\r\\nsw1#'\n",
            "  - \"exit\\n\": ''\n",
        );
        assert_eq!(
            scripted::backup::<Generic>(transcript, &Device::default())
                .expect("backup, logged out with exit")
                .config,
            "hostname sw1\n!\nend\n"
        );
    }

    #[test]
    fn vars_set_prompt_pager_commented_commands_and_comment_prefix() {
        // A MikroTik-like prompt the default regex would not accept.
        let transcript = concat!(
            "init_prompt: '\\r\\n[admin@rt1] > '\n",
            "commands:\n",
            "  - \"/system note set show-at-login=no\\n\": '/system note set show-at-login=no\\r\\n[admin@rt1] > '\n",
            "  - \"/system resource print\\n\": '/system resource print\\r\\n  version: 7.14\\r\\n\\r\\n[admin@rt1] > '\n",
            "  - \"/system routerboard print\\n\": '/system routerboard print\\r\\n  model: RB5009\\r\\n[admin@rt1] > '\n",
            "  - \"/export\\n\": '/export\\r\\n/interface bridge\\r\\nadd name=br0\\r\\n[admin@rt1] > '\n",
            "  - \"/user print\\n\": '/user print\\r\\n 0 admin full\\r\\n[admin@rt1] > '\n",
            "  - \"exit\\n\": ''\n",
        );
        let vars = [
            ("prompt", r"^\[[\w@.-]+\] > $"),
            ("pager_command", " /system note set show-at-login=no "),
            (
                "comment_commands",
                "/system resource print; /system routerboard print",
            ),
            ("commands", "/export\n\n/user print;"),
            ("comment", "# "),
        ];
        assert_eq!(
            scripted::backup::<Generic>(transcript, &Device::with_vars(&vars))
                .expect("backup, logged out with exit")
                .config,
            "#   version: 7.14\n# \n#   model: RB5009\n/interface bridge\nadd name=br0\n 0 admin full\n"
        );
    }

    #[test]
    fn a_device_that_refuses_a_comment_command_is_backed_up_without_it() {
        let transcript = r#"init_prompt: "sw1#"
commands:
  - "terminal length 0\n": "terminal length 0\r\nsw1#"
  - "show version\n": "show version\r\nSoftware Version 2.1\r\nsw1#"
  - "show inventory\n": "show inventory\r\n     ^\r\n% Invalid input detected at '^' marker.\r\n\r\nsw1#"
  - "show running-config\n": "show running-config\r\nhostname sw1\r\nend\r\nsw1#"
  - "exit\n": ""
"#;
        let vars = [
            ("pager_command", "terminal length 0"),
            ("comment_commands", "show version; show inventory"),
        ];
        let backup = scripted::backup_without::<Generic>(
            transcript,
            &Device::with_vars(&vars),
            &["show inventory"],
        );
        assert_eq!(backup.config, "! Software Version 2.1\nhostname sw1\nend\n");
    }

    #[test]
    fn a_refused_configuration_command_fails_the_backup() {
        let transcript = r#"init_prompt: "sw1>"
commands:
  - "show running-config\n": "show running-config\r\n     ^\r\n% Invalid input detected at '^' marker.\r\n\r\nsw1>"
"#;
        scripted::backup_fails_with::<Generic>(
            transcript,
            &Device::default(),
            r#"essential command "show running-config": the device refused it"#,
        );
    }

    #[test]
    fn login_fails_when_the_var_prompt_never_comes() {
        let transcript = "init_prompt: 'sw1#'\ncommands:\n  \"exit\\n\": ''\n";
        let device = Device::with_vars(&[("prompt", r"^\[[\w@.-]+\] > $")]);
        let err = scripted::login::<Generic>(transcript, &device).unwrap_err();
        assert!(err.starts_with("login failed: timeout"), "{err}");
    }

    #[test]
    fn command_lists_split_on_semicolons_and_newlines() {
        assert_eq!(
            split_commands("show version; show inventory\r\n\nshow run ;"),
            vec!["show version", "show inventory", "show run"]
        );
        assert!(split_commands(" ; \n").is_empty());
    }

    #[test]
    fn empty_prompt_var_falls_back_to_the_default() {
        assert_eq!(
            prompt(&Device::with_vars(&[("prompt", " ")])),
            DEFAULT_PROMPT
        );
    }
}
