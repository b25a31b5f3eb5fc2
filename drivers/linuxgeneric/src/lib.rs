//! Generic Linux hosts (any shell with a `user@host:dir$ `-style prompt).
//!
//! Checked against the generic prompt cases of the corpus only (no device
//! recording yet).
//!
//! The backup is a list of shell commands, each output under a
//! `###### <title> ######` header. By default: hostname, hosts, interfaces,
//! resolver, IPv4 and IPv6 routes, motd, passwd, group, nsswitch.conf and
//! the release (`/etc/issue`), as Oxidized's `linuxgeneric` model does.
//!
//! No single command is the configuration here, so each one is optional: a
//! command the host refuses (`No such file or directory`, `Permission
//! denied`, `command not found`) is left out with its header. Only when the
//! host refuses them all does the backup fail, since there is nothing to
//! store.
//!
//! Device variables:
//! - `commands`: replaces the default list; one command per line (or
//!   separated by `;;`), each titled with the command itself.
//! - `enable`: `true` runs `sudo su -` (answering sudo with the login
//!   password); any other value except `false` runs `su -` (answering with
//!   the enable secret).

use netraven_driver_sdk::prelude::*;

pub struct LinuxGeneric;

const COMMENT: &str = "# ";

/// `user@host:~$ `, `root@host:/etc# `, `[user@host ~]$ `, `bash-5.1$ `;
/// not `host login: ` or `Password: `.
const PROMPT: &str = r"^(?:\[[^\]\n]*\]|[\w.@~-]+(?::[^\n]*)?)\s?[#$]\s?$";

/// The default backup: (title, command).
const DEFAULT_COMMANDS: &[(&str, &str)] = &[
    ("THE HOSTNAME", "cat /etc/hostname"),
    ("THE HOSTS", "cat /etc/hosts"),
    ("THE INTERFACES", "ip link"),
    ("RESOLV.CONF", "cat /etc/resolv.conf"),
    ("IP Routes", "ip route"),
    ("IPv6 Routes", "ip -6 route"),
    ("MOTD", "cat /etc/motd"),
    ("PASSWD", "cat /etc/passwd"),
    ("GROUP", "cat /etc/group"),
    ("nsswitch.conf", "cat /etc/nsswitch.conf"),
    ("VERSION", "cat /etc/issue"),
];

/// The commands to run: the `commands` variable, or the default list.
fn commands(device: &Device) -> Vec<(String, String)> {
    let custom: Vec<(String, String)> = device
        .var("commands")
        .unwrap_or("")
        .split(['\n', '\r'])
        .flat_map(|l| l.split(";;"))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| (c.to_string(), c.to_string()))
        .collect();
    if custom.is_empty() {
        DEFAULT_COMMANDS
            .iter()
            .map(|(t, c)| (t.to_string(), c.to_string()))
            .collect()
    } else {
        custom
    }
}

/// An optional command's output: without echo and prompt, `\r\n` made
/// `\n`. `None`: the host refused it.
fn optional(session: &mut dyn Session, command: &str) -> Result<Option<String>, DriverError> {
    let raw = session.optional(command)?;
    Ok(raw.map(|raw| text::command_output(&netraven_driver_sdk::unix::strip_leading_cr(&raw))))
}

/// Oxidized hides password-expiry defaults (`default ... expires ...`).
fn hide_expiry(output: String) -> String {
    if !output.contains("expires") {
        return output;
    }
    text::replace_all(
        &output,
        &[(r"(?m)^(default \S+.* expires ).*", "$1 <redacted>")],
    )
}

impl Driver for LinuxGeneric {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "linuxgeneric",
            env!("CARGO_PKG_VERSION"),
            &["linuxgeneric"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
        session.strip_ansi(true);
        session.read_until(PROMPT, None)?;
        netraven_driver_sdk::unix::become_root(session, device, PROMPT)
    }

    fn backup(session: &mut dyn Session, device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        for (title, command) in commands(device) {
            if let Some(output) = optional(session, &command)? {
                config.push_str(&format!("\n###### {title} ######\n"));
                config.push_str(&hide_expiry(output));
            }
        }
        if config.is_empty() {
            return Err(SessionError::Rejected(
                "the host refused every command: nothing to back up".to_string(),
            )
            .into());
        }
        Ok(Backup::config(config))
    }
}

netraven_driver_sdk::export_driver!(LinuxGeneric);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<LinuxGeneric>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn prompt_matches_common_shells_but_not_login_prompts() {
        let re = text::re(&format!("(?m){PROMPT}"));
        for p in [
            "robert@h1:~$ ",
            "root@h1:/etc# ",
            "[admin@h1 ~]$ ",
            "bash-5.1$ ",
        ] {
            assert!(re.is_match(p), "{p:?}");
        }
        for p in ["h1 login: ", "Password: "] {
            assert!(!re.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn commands_variable_replaces_the_default_list() {
        let d = Device::with_vars(&[("commands", "uname -a\ncat /etc/fstab;; ss -ltn")]);
        let titles: Vec<String> = commands(&d).into_iter().map(|(t, _)| t).collect();
        assert_eq!(titles, ["uname -a", "cat /etc/fstab", "ss -ltn"]);
        assert_eq!(commands(&Device::default()).len(), DEFAULT_COMMANDS.len());
    }

    #[test]
    fn a_device_that_refuses_a_file_is_backed_up_without_it() {
        let transcript = concat!(
            "init_prompt: \"bob@h1:~$ \"\n",
            "commands:\n",
            "  - \"cat /etc/hostname\\n\": \"cat /etc/hostname\\r\\nh1\\r\\nbob@h1:~$ \"\n",
            "  - \"cat /etc/motd\\n\": \"cat /etc/motd\\r\\ncat: /etc/motd: No such file or directory\\r\\nbob@h1:~$ \"\n",
        );
        let d = Device::with_vars(&[("commands", "cat /etc/hostname;; cat /etc/motd")]);
        let backup = scripted::backup_without::<LinuxGeneric>(transcript, &d, &["cat /etc/motd"]);
        assert_eq!(backup.config, "\n###### cat /etc/hostname ######\nh1\n");
    }

    #[test]
    fn a_device_that_refuses_every_command_fails_the_backup() {
        let transcript = concat!(
            "init_prompt: \"bob@h1:~$ \"\n",
            "commands:\n",
            "  - \"cat /etc/shadow\\n\": \"cat /etc/shadow\\r\\ncat: /etc/shadow: Permission denied\\r\\nbob@h1:~$ \"\n",
        );
        let d = Device::with_vars(&[("commands", "cat /etc/shadow")]);
        scripted::backup_fails_with::<LinuxGeneric>(
            transcript,
            &d,
            "rejected: the host refused every command",
        );
    }

    #[test]
    fn backup_titles_each_output_and_enable_uses_sudo() {
        let transcript = concat!(
            "init_prompt: \"\\e[?2004hbob@h1:~$ \"\n",
            "commands:\n",
            "  - \"sudo su -\\n\": \"sudo su -\\n[sudo] password for bob: \"\n",
            "  - \"<password>\\n\": \"\\nroot@h1:~# \"\n",
            "  - \"uname -r\\n\": \"uname -r\\n\\e[?2004l\\r6.1.0\\n\\e[?2004hroot@h1:~# \"\n",
        );
        let d = Device::with_vars(&[("enable", "true"), ("commands", "uname -r")]);
        let backup = scripted::backup::<LinuxGeneric>(transcript, &d).expect("backup");
        assert_eq!(backup.config, "\n###### uname -r ######\n6.1.0\n");
    }
}
