//! NVIDIA (Cumulus Networks) Cumulus Linux.
//!
//! Checked against the generic prompt cases of the corpus and the Cumulus
//! Linux 5.4.0 (FRR, sudo with a password) and 5.9.2 (NVUE) recordings,
//! which replay with the device variables in their `#vars.yaml` files.
//!
//! The backup is, by default, the files that make up a Cumulus switch's
//! configuration (hostname, hosts, interfaces, resolver, NTP, SNMP, the
//! routing daemon's files, motd, passwd, switchd, ports, traffic, ACL
//! policy, DHCP relay, release and license), each under a
//! `###### <title> ######` header.
//!
//! Device variables:
//! - `cumulus_routing_daemon`: `frr` (the default on Cumulus Linux 4 and
//!   later) or `quagga`; default `quagga`, as in Oxidized.
//! - `cumulus_use_nvue` (flag): back up `nv config show --color off` only.
//! - `cumulus_use_nclu` (flag): back up `net show configuration commands`
//!   only (Cumulus Linux 3 and 4).
//! - `enable`: `true` runs `sudo su -` (answering sudo with the login
//!   password); any other value except `false` runs `su -` (answering with
//!   the enable secret).

use netraven_driver_sdk::prelude::*;

pub struct Cumulus;

const COMMENT: &str = "# ";

/// `user@host:~$ `, `root@host:mgmt:~# ` (in the management VRF), and the
/// colon-less `user@host~$`.
const PROMPT: &str = r"^[\w.-]+@[^\s#$]*[#$]\s?$";

/// (title, command) for the file-based backup of routing daemon `daemon`:
/// the files that make up the configuration. The interfaces are essential
/// (see [`ESSENTIAL_FILE`]); any other file may be missing (`zebra.conf`
/// with FRR's integrated config) and is then left out, and logged, where
/// Oxidized stored `cat`'s complaint.
/// The file-based section a switch always has: the interfaces. Without it
/// there is no configuration to store.
const ESSENTIAL_FILE: &str = "THE INTERFACES";

fn file_commands(daemon: &str) -> Vec<(String, String)> {
    let shout = daemon.to_ascii_uppercase();
    let conf = if daemon == "frr" {
        "frr.conf"
    } else {
        "Quagga.conf"
    };
    let mut list: Vec<(String, String)> = [
        ("THE HOSTNAME", "cat /etc/hostname"),
        ("THE HOSTS", "cat /etc/hosts"),
        (
            "THE INTERFACES",
            "grep -r \"\" /etc/network/interface* | cut -d \"/\" -f 4-",
        ),
        ("RESOLV.CONF", "cat /etc/resolv.conf"),
        ("NTP.CONF", "cat /etc/ntp.conf"),
        ("SNMP settings", "cat /etc/snmp/snmpd.conf"),
    ]
    .iter()
    .map(|(t, c)| (t.to_string(), c.to_string()))
    .collect();
    for (title, file) in [
        ("DAEMONS", "daemons"),
        ("ZEBRA", "zebra.conf"),
        ("BGP", "bgpd.conf"),
        ("OSPF", "ospfd.conf"),
        ("OSPF6", "ospf6d.conf"),
        ("CONF", conf),
    ] {
        list.push((
            format!("{shout} {title}"),
            format!("cat /etc/{daemon}/{file}"),
        ));
    }
    list.extend(
        [
            ("MOTD", "cat /etc/motd"),
            ("PASSWD", "cat /etc/passwd"),
            ("SWITCHD", "cat /etc/cumulus/switchd.conf"),
            // ports.conf may lack its final newline: echo one.
            ("PORTS", "cat /etc/cumulus/ports.conf; echo"),
            ("TRAFFIC", "cat /etc/cumulus/datapath/traffic.conf"),
            ("ACL", "cat /etc/cumulus/acl/policy.conf"),
            ("DHCP-RELAY", "cat /etc/default/isc-dhcp-relay"),
        ]
        .iter()
        .map(|(t, c)| (t.to_string(), c.to_string())),
    );
    list
}

/// (title, command) of what the file-based backup adds after the files:
/// the release and the licence, optional, so a switch that lacks the file
/// or the tool is backed up without their sections.
const INFO_COMMANDS: [(&str, &str); 2] = [
    ("VERSION", "cat /etc/cumulus/etc.replace/os-release"),
    ("License", "cl-license"),
];

/// The routing daemon from `cumulus_routing_daemon`; only names that are
/// safe in a path are taken.
fn routing_daemon(device: &Device) -> String {
    match device.var("cumulus_routing_daemon").map(str::trim) {
        Some(d) if !d.is_empty() && d.chars().all(|c| c.is_ascii_alphanumeric()) => {
            d.to_ascii_lowercase()
        }
        _ => "quagga".to_string(),
    }
}

/// What a command the backup can do without printed. `None`: the
/// switch refused it (`command not found`, `No such file or directory`).
fn optional_output(
    session: &mut dyn Session,
    command: &str,
) -> Result<Option<String>, DriverError> {
    Ok(session.optional(command)?.map(|raw| printed(&raw)))
}

/// What a command that prints the configuration printed: a
/// refused or empty reply fails the backup.
fn essential_output(session: &mut dyn Session, command: &str) -> Result<String, DriverError> {
    let raw = session.essential(command)?;
    Ok(printed(&raw))
}

/// What `raw` (echo, output and prompt) printed.
fn printed(raw: &str) -> String {
    text::command_output(&netraven_driver_sdk::unix::strip_leading_cr(raw))
}

impl Driver for Cumulus {
    /// Leave with `exit`, as the device expects.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::shell(
            "cumulus",
            env!("CARGO_PKG_VERSION"),
            &["cumulus"],
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
        if device.flag("cumulus_use_nvue") {
            return Ok(Backup::config(essential_output(
                session,
                "nv config show --color off",
            )?));
        }
        if device.flag("cumulus_use_nclu") {
            return Ok(Backup::config(essential_output(
                session,
                "net show configuration commands",
            )?));
        }
        let mut config = String::new();
        for (title, command) in file_commands(&routing_daemon(device)) {
            let out = if title == ESSENTIAL_FILE {
                Some(essential_output(session, &command)?)
            } else {
                optional_output(session, &command)?
            };
            if let Some(out) = out {
                config.push_str(&format!("\n###### {title} ######\n"));
                config.push_str(&out);
            }
        }
        for (title, command) in INFO_COMMANDS {
            if let Some(out) = optional_output(session, command)? {
                config.push_str(&format!("\n###### {title} ######\n"));
                config.push_str(&out);
            }
        }
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(
            config,
            &[
                ("password ", r"password \S+", "password <hidden>"),
                ("community", r"^(\s*r[ow]community6?) \S+", "$1 <hidden>"),
            ],
        )
    }
}

netraven_driver_sdk::export_driver!(Cumulus);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Cumulus>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn frr_daemon_names_its_files_and_headers() {
        let list = file_commands(&routing_daemon(&Device::with_vars(&[(
            "cumulus_routing_daemon",
            "FRR",
        )])));
        assert!(list.contains(&("FRR CONF".to_string(), "cat /etc/frr/frr.conf".to_string())));
        let quagga = file_commands(&routing_daemon(&Device::default()));
        assert!(quagga.contains(&(
            "QUAGGA CONF".to_string(),
            "cat /etc/quagga/Quagga.conf".to_string()
        )));
        // Nothing but a plain name reaches a path.
        assert_eq!(
            routing_daemon(&Device::with_vars(&[("cumulus_routing_daemon", "../x")])),
            "quagga"
        );
    }

    #[test]
    fn nvue_backup_is_the_config_without_terminal_noise() {
        let transcript = concat!(
            "init_prompt: \"\\e[?2004hroot@sw1:~# \"\n",
            "commands:\n",
            "  \"nv config show --color off\\n\": \"nv config show --color off\\n\\e[?2004l\\r- header:\\n    model: MSN2010\\n\\e[?2004hroot@sw1:~# \"\n",
            "  \"exit\\n\": \"\"\n",
        );
        let d = Device::with_vars(&[("cumulus_use_nvue", "true")]);
        let backup = scripted::backup::<Cumulus>(transcript, &d).expect("backup");
        assert_eq!(backup.config, "- header:\n    model: MSN2010\n");
    }

    #[test]
    fn nvue_that_prints_no_configuration_fails_the_backup() {
        let transcript = r#"init_prompt: "cumulus@sw1:~$ "
commands:
  "nv config show --color off\n": "nv config show --color off\r\n\r\ncumulus@sw1:~$ "
"#;
        let d = Device::with_vars(&[("cumulus_use_nvue", "true")]);
        scripted::backup_fails_with::<Cumulus>(
            transcript,
            &d,
            r#"essential command "nv config show --color off": the device printed nothing"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_release_and_license_is_backed_up_without_them() {
        let quoted = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let mut recording = String::from("init_prompt: \"cumulus@sw1:~$ \"\ncommands:\n");
        let mut reply = |command: &str, output: &str| {
            let command = quoted(command);
            recording.push_str(&format!(
                "  \"{command}\\n\": \"{command}\\r\\n{output}cumulus@sw1:~$ \"\n"
            ));
        };
        for (_, command) in file_commands("frr") {
            let output = match command.as_str() {
                "cat /etc/hostname" => "sw1\\r\\n",
                c if c.starts_with("grep -r") => "interfaces:auto lo\\r\\n",
                _ => "",
            };
            reply(&command, output);
        }
        reply(
            "cat /etc/cumulus/etc.replace/os-release",
            "cat: /etc/cumulus/etc.replace/os-release: No such file or directory\\r\\n",
        );
        reply("cl-license", "-bash: cl-license: command not found\\r\\n");
        recording.push_str("  \"exit\\n\": \"\"\n");
        let device = Device::with_vars(&[("cumulus_routing_daemon", "frr")]);
        let backup = scripted::backup_without::<Cumulus>(
            &recording,
            &device,
            &["cat /etc/cumulus/etc.replace/os-release", "cl-license"],
        );
        assert!(
            backup
                .config
                .starts_with("\n###### THE HOSTNAME ######\nsw1\n"),
            "{}",
            backup.config
        );
        assert!(
            backup.config.ends_with("\n###### DHCP-RELAY ######\n"),
            "{}",
            backup.config
        );
        for gone in ["VERSION", "License", "No such file", "not found"] {
            assert!(!backup.config.contains(gone), "{}", backup.config);
        }
    }

    #[test]
    fn passwords_and_snmp_communities_are_hidden() {
        let cfg = "    password s3cret\nrocommunity public default\n";
        assert_eq!(
            Cumulus::redact(cfg),
            "    password <hidden>\nrocommunity <hidden> default\n"
        );
    }
}
