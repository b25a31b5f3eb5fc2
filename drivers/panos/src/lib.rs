//! Palo Alto Networks PAN-OS firewalls and Panorama (Oxidized model `panos`).
//!
//! Checked against a session of a PA-VM running PAN-OS 7.0.1, stitched
//! from published output of that platform (see
//! `tests/corpus/netraven/panos#PA-VM_7.0.1#source.md`): ntc-templates'
//! capture of `show system info`, netutils' capture of a firewall's
//! `show config running`, and the prompts, echoes and blank lines of
//! published PAN-OS CLI sessions.
//!
//! Session: the operational-mode prompt is the user, `@`, the hostname, an
//! optional HA state in parentheses, then `>` and a space
//! (`admin@PA-VM> `, `admin@PA-5060(active)> `); with a target vsys set it
//! names it too (`admin@FW5 vsys1(active)> `). Configuration mode (`#`) is
//! not a prompt here. After login the driver sends `set cli pager off` (no
//! pager to answer). Logout is `quit`; the firewall hangs up.
//!
//! Commands, in Oxidized's order:
//! - `show system info` (optional), stored as `! ` comments, with the
//!   lines that change without a configuration change blanked as Oxidized
//!   blanks them (each leaves an empty `! ` line): the clock and uptime,
//!   the versions and release dates of the content packages (`app-`,
//!   `av-`, `threat-`, `wildfire-`, `wf-private`, `url-filtering`,
//!   `global-`, `device-dictionary`);
//! - `show config running` (essential): a firewall that refuses it fails
//!   the backup as `command_rejected`, and a configuration whose last line
//!   does not close its braces (`}`) was cut short and fails too.
//!
//! PAN-OS prints a blank line after each command's echo and another before
//! the next prompt; every output loses its first two lines and its last
//! two, as Oxidized's model cuts it, so the backup is byte for byte what
//! Oxidized stores.
//!
//! A refusal is PAN-OS's `Unknown command: ...` or `Invalid syntax.`.
//!
//! `redact` hides, keeping each keyword: administrator and local user
//! password hashes (`phash`), passwords (`password`, `bind-password`),
//! RADIUS/TACACS+ `secret`s, IKE pre-shared `key`s, SNMP community strings
//! and SNMPv3 `authpwd`/`privpwd`, in the brace format and in the `set`
//! format alike. Oxidized's model hides nothing.
//!
//! `significant` is the whole backup: Oxidized's cleaning already blanks
//! every volatile line of `show system info`, and the configuration has
//! none.
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Panos;

/// `user@hostname`, an optional ` vsysN` and HA state (`(active)`), then
/// `>`. A carriage return may come first on a console.
const PROMPT: &str = r"^(\r?[\w.@:()-]+(?: vsys\d+(?:\([\w-]+\))?)?>\s?)$";

const PAGER_OFF: &str = "set cli pager off";

const SHOW_SYSTEM_INFO: &str = "show system info";

const SHOW_CONFIG: &str = "show config running";

/// Lines of `show system info` that change without a configuration change
/// (the clock, the uptime, the content packages' versions): their text goes
/// and the line stays, empty.
const VOLATILE_INFO: &[(&str, &str)] = &[
    (r"(?m)^(?:up)?time: .*$", ""),
    (r"(?m)^app-.*?: .*$", ""),
    (r"(?m)^av-.*?: .*$", ""),
    (r"(?m)^threat-.*?: .*$", ""),
    (r"(?m)^wildfire-.*?: .*$", ""),
    (r"(?m)^wf-private.*?: .*$", ""),
    (r"(?m)^device-dictionary-version.*?: .*$", ""),
    (r"(?m)^device-dictionary-release-date.*?: .*$", ""),
    (r"(?m)^url-filtering.*?: .*$", ""),
    (r"(?m)^global-.*?: .*$", ""),
];

impl Driver for Panos {
    fn info() -> DriverInfo {
        DriverInfo::shell("panos", env!("CARGO_PKG_VERSION"), &["panos"], PROMPT, "! ")
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        session.command(PAGER_OFF)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(raw) = session.optional(SHOW_SYSTEM_INFO)? {
            let info = text::replace_all(&oxidized_cut(&raw), VOLATILE_INFO);
            config.push_str(&text::comment(&info, "! "));
        }

        let raw = session.essential(SHOW_CONFIG)?;
        let running = oxidized_cut(&raw);
        // The configuration is one brace block: its last line closes it.
        complete(SHOW_CONFIG, &running, "}")?;
        config.push_str(&running);
        Ok(Backup::config(config))
    }

    /// Log out; the firewall closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("quit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }
}

/// A command's whole output (echo, output, prompt) cut as Oxidized's model
/// cuts every output: unix line endings, without the echo and the blank
/// line after it, nor the blank line and the prompt at the end.
fn oxidized_cut(raw: &str) -> String {
    let unix = text::unix_newlines(raw);
    text::drop_last_lines(text::drop_first_lines(&unix, 2), 2).to_string()
}

/// Secret removal, line by line: `(needle, regex, replacement)`. A value is
/// one word or a quoted string; in the brace format it ends with `;`, which
/// stays, in the `set` format it ends the line.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    (
        "phash",
        r#"((?:^|\s)phash) (?:"[^"]*"|[^\s;]+)"#,
        "$1 <secret hidden>",
    ),
    (
        "password",
        r#"((?:^|\s)(?:bind-)?password) (?:"[^"]*"|[^\s;]+)"#,
        "$1 <secret hidden>",
    ),
    (
        "secret",
        r#"((?:^|\s)secret) (?:"[^"]*"|[^\s;]+)"#,
        "$1 <secret hidden>",
    ),
    // An IKE gateway's `pre-shared-key { key -AQ==...; }`, or in the `set`
    // format `... pre-shared-key key -AQ==...`.
    (
        "key ",
        r#"((?:^\s*|pre-shared-key )key) (?:"[^"]*"|[^\s;{]+)"#,
        "$1 <secret hidden>",
    ),
    (
        "community",
        r#"((?:^|\s)(?:snmp-community-string|community)) (?:"[^"]*"|[^\s;{]+)"#,
        "$1 <secret hidden>",
    ),
    (
        "pwd",
        r#"((?:^|\s)(?:authpwd|privpwd)) (?:"[^"]*"|[^\s;]+)"#,
        "$1 <secret hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Panos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Panos>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Panos>(CORPUS);
    }

    /// A session as the PA-VM of the corpus answers it, with `info` and
    /// `config` as what the two commands print between the blank line
    /// after their echo and the blank line before the prompt.
    fn recording(info: &str, config: &str) -> String {
        let p = "admin@PA-VM> ";
        format!(
            "init_prompt: '{p}'\ncommands:\n\
             \x20 - \"set cli pager off\\n\": 'set cli pager off\\n{p}'\n\
             \x20 - \"show system info\\n\": 'show system info\\n\\n{info}\\n{p}'\n\
             \x20 - \"show config running\\n\": 'show config running\\n\\n{config}\\n{p}'\n\
             \x20 - \"quit\\n\": ''\n"
        )
    }

    const INFO: &str = "hostname: pa1\\ntime: Thu Apr 28 06:33:12 2016\\nuptime: 2 days, 2:38:49\\nmodel: PA-VM\\nsw-version: 7.0.1\\napp-version: 497-2688\\nthreat-version: 0\\nglobal-protect-datafile-version: 0\\nmulti-vsys: off\\n";
    const CONFIG: &str = "config {\\n  mgt-config {\\n    users {\\n      admin {\\n        phash *;\\n      }\\n    }\\n  }\\n}\\n";
    /// PAN-OS's answer to an unknown command.
    const UNKNOWN: &str = "Unknown command: widgets\\n";

    #[test]
    fn the_backup_is_cut_and_cleaned_as_oxidized_does_it() {
        let backup = scripted::backup::<Panos>(&recording(INFO, CONFIG), &Device::default())
            .expect("replayed whole");
        assert_eq!(
            backup.config,
            "! hostname: pa1\n! \n! \n! model: PA-VM\n! sw-version: 7.0.1\n! \n! \n! \n! multi-vsys: off\n\
             config {\n  mgt-config {\n    users {\n      admin {\n        phash *;\n      }\n    }\n  }\n}\n"
        );
    }

    #[test]
    fn a_firewall_that_refuses_system_info_is_backed_up_without_it() {
        let backup = scripted::backup_without::<Panos>(
            &recording(UNKNOWN, CONFIG),
            &Device::default(),
            &["show system info"],
        );
        assert!(backup.config.starts_with("config {\n"), "{}", backup.config);
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        scripted::backup_fails_with::<Panos>(
            &recording(INFO, "Invalid syntax.\\n"),
            &Device::default(),
            r#"essential command "show config running": the device refused it: "Invalid syntax.""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_fails() {
        scripted::backup_fails_with::<Panos>(
            &recording(
                INFO,
                "config {\\n  mgt-config {\\n    users {\\n      admin {\\n        phash *;\\n",
            ),
            &Device::default(),
            r#"essential command "show config running": the configuration stops at "        phash *;", before its closing "}": cut short"#,
        );
    }

    #[test]
    fn prompt_takes_ha_states_and_vsys_and_refuses_configure_mode() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "admin@PA-VM> ",
            "admin@PA-VM>",
            "admin@PA-220>",
            "admin@PA-5060(active)> ",
            "admin@FW_INT1(active)>",
            "sjkim21@8F_NA12_DMZ_FW_PA3220_1_59.148(active)>",
            "dm9q0yx@DDC1-B2B-FW5 vsys1(active)> ",
            "admin@panorama>",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "admin@PA-VM# ",
            "[edit]",
            "config {",
            "*                               WARNING                                *",
            "hostname: pa1",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn oxidized_cut_drops_two_lines_at_each_end() {
        assert_eq!(oxidized_cut("echo\r\n\r\na\r\nb\r\n\r\nr1> "), "a\nb\n");
        assert_eq!(oxidized_cut("echo\n\nr1> "), "");
        assert_eq!(oxidized_cut(""), "");
    }

    #[test]
    fn redact_hides_hashes_keys_and_communities_in_both_formats() {
        let cfg = "        phash $1$abcdefgh$CANARYHASH1;\n\
                   \x20         bind-password -AQ==CANARYBIND;\n\
                   \x20         secret -AQ==CANARYRADIUS;\n\
                   \x20           key -AQ==CANARYPSK;\n\
                   \x20             snmp-community-string CANARYCOMM;\n\
                   \x20           authpwd -AQ==CANARYAUTH;\n\
                   \x20           privpwd -AQ==CANARYPRIV;\n\
                   set mgt-config users admin phash $1$xyz$CANARYSET\n\
                   set network ike gateway gw1 authentication pre-shared-key key -AQ==CANARYSETPSK\n\
                   \x20       password-profile strict;\n\
                   \x20     public-key thisisapublickey;\n";
        let out = Panos::redact(cfg);
        for secret in [
            "CANARYHASH1",
            "CANARYBIND",
            "CANARYRADIUS",
            "CANARYPSK",
            "CANARYCOMM",
            "CANARYAUTH",
            "CANARYPRIV",
            "CANARYSET",
            "CANARYSETPSK",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "        phash <secret hidden>;\n",
            " bind-password <secret hidden>;\n",
            " secret <secret hidden>;\n",
            " key <secret hidden>;\n",
            " snmp-community-string <secret hidden>;\n",
            " authpwd <secret hidden>;\n",
            "set mgt-config users admin phash <secret hidden>\n",
            "pre-shared-key key <secret hidden>\n",
            " password-profile strict;\n",
            " public-key thisisapublickey;\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_keeps_the_whole_backup() {
        let cfg = "! hostname: pa1\n! \nconfig {\n}\n";
        assert_eq!(Panos::significant(cfg), cfg);
    }
}
