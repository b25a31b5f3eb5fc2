//! F5 BIG-IP, TMOS (Oxidized model `tmos`).
//!
//! Checked against a session of a BIG-IP Virtual Edition 15.1.0.2 (see
//! `tests/corpus/netraven/tmos#BIG-IP-VE_15.1.0.2#source.md`): its whole
//! `tmsh list`, as networktocode/netutils publishes it, and the `net route`
//! block of that listing as `tmsh -q list net route all`. No published
//! output of the other commands of this BIG-IP was found, so the recording
//! answers them with stand-in refusals (marked as such in `source.md`):
//! they exercise the driver's handling of a refused optional command, not
//! the cleaning of their output, which follows Oxidized's model.
//!
//! Session: exec mode, one SSH channel per command, as Oxidized runs this
//! model. The account needs the advanced shell (bash): half of the commands
//! are shell commands. There is no prompt, pager or logout.
//!
//! Commands, in Oxidized's order; every one but the configuration is
//! optional and stored as `# ` comments:
//! - `tmsh -q show sys version`, `tmsh -q show sys software`;
//! - `tmsh -q show sys hardware field-fmt`, without the fan speeds,
//!   temperatures and humidity, which change by the minute;
//! - `cat /config/bigip.license`;
//! - `tmsh -q list` (essential), not commented: the configuration. A BIG-IP
//!   that refuses it fails the backup as `command_rejected`, and a listing
//!   whose last line does not close a block (`}`) was cut short and fails
//!   too. As Oxidized's model does, it loses the monitor states (`state up`
//!   ...), error counters (`errors N`), `bandwidth-bps/cps/pps N` lines and
//!   whole `... encrypted VALUE` lines;
//! - `tmsh -q list net route all`;
//! - `/bin/ls --full-time --color=never` of `/config/ssl/ssl.crt` and of
//!   `/config/ssl/ssl.key` (the certificate and key files, with their times);
//! - `tmsh -q show running-config sys db all-properties`, without the
//!   `sys db configsync.localconfigtime`, `gtm.configtime` and
//!   `ltm.configtime` blocks, which every configuration save rewrites;
//! - `[ -d "/config/zebos" ] && cat /config/zebos/*/ZebOS.conf` (the dynamic
//!   routing configuration; prints nothing without it);
//! - `cat /config/partitions/*/bigip*.conf` (the configuration of the
//!   administrative partitions other than `Common`).
//!
//! A refusal is tmsh's `Syntax Error: ...`, a shell's `...: command not
//! found`, or a file the account may not read or that does not exist
//! (`cat: ...: Permission denied`, `...: No such file or directory`). Here
//! the backup differs from what Oxidized stores, on purpose: Oxidized
//! comments such an error message into the backup as if it were the
//! command's output (`# cat: /config/partitions/*/bigip*.conf: No such file
//! or directory` on every BIG-IP without extra partitions); NetRaven leaves
//! the command out and logs why. `#oxidized.txt` beside the case holds
//! Oxidized's text; on output without refusals the two are byte-identical.
//!
//! `redact` hides, keeping each keyword: every `...password`,
//! `...passphrase`, `...secret` and `...encrypted` value at the start of a
//! line (user password hashes, SNMPv3 keys, monitor and RADIUS/TACACS+
//! secrets, SSL key passphrases, IKE pre-shared keys), `bind-pw`, SNMP
//! `community` / `community-name` values anywhere, also in the commented
//! partition configurations (Oxidized misses those), and the BGP neighbour
//! passwords and OSPF keys of the commented ZebOS configuration. Quoted
//! values are hidden whole. `significant` ignores `failover-state` (which
//! unit is active moves without a configuration change).
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Tmos;

const COMMENT: &str = "# ";

/// Unused in exec mode, where no shell is read; the shapes of BIG-IP's bash
/// prompt (`[admin@bigip1:Active:Standalone] ~ # `) and tmsh prompt
/// (`admin@(bigip1)(cfg-sync Standalone)(Active)(/Common)(tmos)# `).
const PROMPT: &str = r"^(\[[\w.@-]+:[^\]\r\n]*\] \S+ # ?|[\w.-]+@\([\w.-]+\)(\([^()\r\n]*\))*# ?)$";

const LIST: &str = "tmsh -q list";

/// How a command's output is cleaned before it is stored.
#[derive(Clone, Copy)]
enum Cleaning {
    /// Stored as printed.
    Plain,
    /// Sensor readings go.
    Hardware,
    /// The configuration time stamps go.
    SysDb,
}

/// The commands before the configuration, in Oxidized's order.
const BEFORE: [(&str, Cleaning); 4] = [
    ("tmsh -q show sys version", Cleaning::Plain),
    ("tmsh -q show sys software", Cleaning::Plain),
    ("tmsh -q show sys hardware field-fmt", Cleaning::Hardware),
    ("cat /config/bigip.license", Cleaning::Plain),
];

/// The commands after it.
const AFTER: [(&str, Cleaning); 6] = [
    ("tmsh -q list net route all", Cleaning::Plain),
    (
        "/bin/ls --full-time --color=never /config/ssl/ssl.crt",
        Cleaning::Plain,
    ),
    (
        "/bin/ls --full-time --color=never /config/ssl/ssl.key",
        Cleaning::Plain,
    ),
    (
        "tmsh -q show running-config sys db all-properties",
        Cleaning::SysDb,
    ),
    (
        r#"[ -d "/config/zebos" ] && cat /config/zebos/*/ZebOS.conf"#,
        Cleaning::Plain,
    ),
    ("cat /config/partitions/*/bigip*.conf", Cleaning::Plain),
];

impl Tmos {
    /// An optional command's output, cleaned and commented; empty when the
    /// BIG-IP refused it.
    fn commented(
        session: &mut dyn Session,
        command: &str,
        cleaning: Cleaning,
    ) -> Result<String, DriverError> {
        let Some(raw) = session.optional_exec(command)? else {
            return Ok(String::new());
        };
        let output = text::unix_newlines(&raw);
        let cleaned = match cleaning {
            Cleaning::Plain => output.to_string(),
            Cleaning::Hardware => without_sensor_readings(&output),
            Cleaning::SysDb => without_config_times(&output),
        };
        Ok(text::comment(&cleaned, COMMENT))
    }
}

impl Driver for Tmos {
    fn info() -> DriverInfo {
        DriverInfo::exec(
            "tmos",
            env!("CARGO_PKG_VERSION"),
            &["tmos"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        for (command, cleaning) in BEFORE {
            config.push_str(&Self::commented(session, command, cleaning)?);
        }

        let raw = session.essential_exec(LIST)?;
        let listing = text::unix_newlines(&raw);
        // Every object of a listing closes its block: a last line without
        // `}` means the output was cut short.
        complete(LIST, &listing, "}")?;
        config.push_str(&without_counters(&listing));

        for (command, cleaning) in AFTER {
            config.push_str(&Self::commented(session, command, cleaning)?);
        }
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^\s*failover-state \S+$"])
    }
}

/// `tmsh list` without what changes while the configuration does not, as
/// Oxidized's model cleans it: monitor states and error counters (the rest
/// of their line stays), the bandwidth lines of the traffic statistics,
/// and whole lines of an `...encrypted` value.
fn without_counters(listing: &str) -> String {
    text::replace_all(
        listing,
        &[
            (r"state (?:up|down|checking|irule-down)", ""),
            (r"errors \d+", ""),
            (r"(?m)^\s+bandwidth-bps \d+", ""),
            (r"(?m)^\s+bandwidth-cps \d+", ""),
            (r"(?m)^\s+bandwidth-pps \d+\n", ""),
            (r"(?m)^\s*\S*encrypted \S+\n", ""),
        ],
    )
}

/// `show sys hardware field-fmt` without its sensor readings.
fn without_sensor_readings(output: &str) -> String {
    text::replace_all(
        output,
        &[
            (r"fan-speed \S+", ""),
            (r"temperature \S+", ""),
            (r"humidity \S+", ""),
        ],
    )
}

/// `sys db` without the keys that hold the time of the last save.
fn without_config_times(output: &str) -> String {
    text::replace_all(
        output,
        &[
            (r"sys db configsync.localconfigtime \{[^}]+\}", ""),
            (r"sys db gtm.configtime \{[^}]+\}", ""),
            (r"sys db ltm.configtime \{[^}]+\}", ""),
        ],
    )
}

/// Secret removal, line by line: `(needle, regex, replacement)`, the regex
/// only on lines holding the needle. A value is a word or a quoted string.
/// `#?` also takes the lines of the commented partition configurations.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // `encrypted-password $6$...`, `auth-password $M$...`, a monitor's
    // `password`: only the first word of a line, so `security-type
    // password` stays.
    (
        "password ",
        r#"^(#?\s*\S*password) (?:"[^"]*"|\S+)"#,
        "$1 <secret removed>",
    ),
    (
        "passphrase ",
        r#"^(#?\s*\S*passphrase) (?:"[^"]*"|\S+)"#,
        "$1 <secret removed>",
    ),
    (
        "secret ",
        r#"^(#?\s*\S*secret) (?:"[^"]*"|\S+)"#,
        "$1 <secret removed>",
    ),
    (
        "encrypted ",
        r"^(#?\s*\S*encrypted) \S+$",
        "$1 <secret removed>",
    ),
    (
        "bind-pw ",
        r#"^(#?\s*bind-pw) (?:"[^"]*"|\S+)"#,
        "$1 <secret removed>",
    ),
    (
        "community",
        r#"\b(community(?:-name)?) (?:"[^"]*"|\S+)"#,
        "$1 <secret removed>",
    ),
    // ZebOS (commented): `neighbor 192.0.2.1 password 0 KEY`,
    // `ip ospf authentication-key 0 KEY`, `ip ospf message-digest-key 1 md5 KEY`.
    (
        "password ",
        r"^(# .*\bneighbor \S+ password(?: \d)?) \S+",
        "$1 <secret removed>",
    ),
    (
        "authentication-key ",
        r"^(# .*\bauthentication-key(?: \d)?) \S+",
        "$1 <secret removed>",
    ),
    (
        "message-digest-key ",
        r"^(# .*\bmessage-digest-key \d+ md5(?: \d)?) \S+",
        "$1 <secret removed>",
    ),
];

netraven_driver_sdk::export_driver!(Tmos);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Tmos>(CORPUS);
    }

    #[test]
    fn chaos_replay_passes() {
        netraven_driver_sdk::harness::assert_chaos::<Tmos>(CORPUS);
    }

    /// Every command of the backup, in order, with `replies[i]` as the
    /// output of the i-th (a YAML double-quoted string body).
    fn recording(replies: [&str; 11]) -> String {
        let commands: Vec<&str> = BEFORE
            .iter()
            .map(|(c, _)| *c)
            .chain([LIST])
            .chain(AFTER.iter().map(|(c, _)| *c))
            .collect();
        let mut yaml = String::from("commands:\n");
        for (command, reply) in commands.iter().zip(replies) {
            let key = command.replace('"', "\\\"");
            yaml.push_str(&format!("  - \"{key}\\n\": \"{reply}\"\n"));
        }
        yaml
    }

    const VERSION: &str =
        "Sys::Version\\nMain Package\\n  Product     BIG-IP\\n  Version     13.0.0\\n";
    const HARDWARE: &str =
        "sys hardware chassis-information {\\n    fan-speed 5000\\n    temperature 41\\n}\\n";
    const LICENSE: &str = "Auth vers :         5b\\n";
    const LISTING: &str = "ltm pool web {\\n    members {\\n        192.0.2.10:http {\\n            address 192.0.2.10\\n            state up\\n        }\\n    }\\n}\\nsys global-settings {\\n    hostname bigip1.example.com\\n}\\n";
    const ROUTE: &str = "net route Default {\\n    gw 192.0.2.1\\n    network default\\n}\\n";
    const DB: &str = "sys db configsync.localconfigtime {\\n    value \\\"1607800000\\\"\\n}\\nsys db ui.advisory.enabled {\\n    value \\\"false\\\"\\n}\\n";

    fn whole() -> [&'static str; 11] {
        [
            VERSION, "", HARDWARE, LICENSE, LISTING, ROUTE, "", "", DB, "", "",
        ]
    }

    #[test]
    fn the_backup_comments_the_rest_and_cleans_as_oxidized_does() {
        let backup = scripted::backup::<Tmos>(&recording(whole()), &Device::default())
            .expect("replayed whole");
        assert_eq!(
            backup.config,
            "# Sys::Version\n# Main Package\n#   Product     BIG-IP\n#   Version     13.0.0\n\
             # sys hardware chassis-information {\n#     \n#     \n# }\n\
             # Auth vers :         5b\n\
             ltm pool web {\n    members {\n        192.0.2.10:http {\n            address 192.0.2.10\n            \n        }\n    }\n}\n\
             sys global-settings {\n    hostname bigip1.example.com\n}\n\
             # net route Default {\n#     gw 192.0.2.1\n#     network default\n# }\n\
             # \n# sys db ui.advisory.enabled {\n#     value \"false\"\n# }\n"
        );
    }

    #[test]
    fn refused_informational_commands_are_left_out() {
        let tmsh = r#"Syntax Error: \"version\" unknown property\n"#;
        let cat = "cat: /config/bigip.license: Permission denied\\n";
        let ls = "/bin/ls: cannot open directory /config/ssl/ssl.key: Permission denied\\n";
        let none = "cat: /config/partitions/*/bigip*.conf: No such file or directory\\n";
        let bash = "bash: tmsh: command not found\\n";
        let mut replies = whole();
        replies[0] = tmsh;
        replies[1] = bash;
        replies[3] = cat;
        replies[7] = ls;
        replies[10] = none;
        let backup = scripted::backup_without::<Tmos>(
            &recording(replies),
            &Device::default(),
            &[
                "tmsh -q show sys version",
                "tmsh -q show sys software",
                "cat /config/bigip.license",
                "/bin/ls --full-time --color=never /config/ssl/ssl.key",
                "cat /config/partitions/*/bigip*.conf",
            ],
        );
        for gone in [
            "Syntax Error",
            "Permission denied",
            "No such file",
            "not found",
        ] {
            assert!(!backup.config.contains(gone), "{gone}: {}", backup.config);
        }
        assert!(
            backup.config.starts_with("# sys hardware"),
            "{}",
            backup.config
        );
        assert!(backup.config.contains("hostname bigip1.example.com"));
    }

    #[test]
    fn a_refused_configuration_fails_instead_of_storing_the_comments() {
        let mut replies = whole();
        replies[4] = r#"Syntax Error: \"list\" unknown property\n"#;
        scripted::backup_fails_with::<Tmos>(
            &recording(replies),
            &Device::default(),
            r#"essential command "tmsh -q list": the device refused it: "Syntax Error: \"list\" unknown property""#,
        );
    }

    #[test]
    fn a_configuration_without_tmsh_fails() {
        let mut replies = whole();
        replies[4] = "bash: tmsh: command not found\\n";
        scripted::backup_fails_with::<Tmos>(
            &recording(replies),
            &Device::default(),
            r#"essential command "tmsh -q list": the device refused it: "bash: tmsh: command not found""#,
        );
    }

    #[test]
    fn a_listing_cut_short_fails() {
        let mut replies = whole();
        replies[4] = "ltm pool web {\\n    members {\\n        192.0.2.10:ht\\n";
        scripted::backup_fails_with::<Tmos>(
            &recording(replies),
            &Device::default(),
            r#"essential command "tmsh -q list": the configuration stops at "        192.0.2.10:ht", before its closing "}": cut short"#,
        );
    }

    #[test]
    fn cleaning_drops_counters_and_encrypted_lines_as_oxidized() {
        let listing = "ltm virtual v {\n    bandwidth-bps 100\n    bandwidth-cps 2\n    bandwidth-pps 3\n    errors 5 x\n}\n\
                       net ipsec ike-peer p {\n    preshared-key-encrypted $M$ab$cd==\n    version { v2 }\n}\n";
        assert_eq!(
            without_counters(listing),
            "ltm virtual v {\n     x\n}\nnet ipsec ike-peer p {\n    version { v2 }\n}\n"
        );
        let db = "sys db gtm.configtime {\n    value \"0\"\n}\nsys db ltm.configtime {\n    value \"1\"\n}\nsys db x {\n    value \"2\"\n}\n";
        assert_eq!(
            without_config_times(db),
            "\n\nsys db x {\n    value \"2\"\n}\n"
        );
        assert_eq!(
            without_sensor_readings("    humidity 30\n    fan-speed 4000 rpm\n"),
            "    \n     rpm\n"
        );
    }

    #[test]
    fn prompt_takes_bash_and_tmsh_prompts() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "[admin@bigip1:Active:Standalone] ~ # ",
            "[root@gns-elb01:Active:Standalone] config # ",
            "admin@(bigip1)(cfg-sync Standalone)(Active)(/Common)(tmos)# ",
            "root@(bigip02)(cfg-sync Standalone)(Active)(/Common)(tmos)# ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "sys global-settings {",
            "    hostname gns-elb01.7stacktech.com",
            "Sys::Version",
            "# Auth vers :         5b",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_passwords_passphrases_and_communities() {
        let cfg = "auth user admin {\n    encrypted-password $6$S60o5AF4$xxdlQFPDuVu\n    shell bash\n}\n\
                   apm sso form-based f {\n    form-password password\n}\n\
                   sys crypto key k {\n    security-type password\n}\n\
                   sys file ssl-key k {\n    passphrase $M$rM$EzlYKD/VPk=\n}\n\
                   auth radius-server r {\n    secret $M$RADKEY\n}\n\
                   ltm monitor http m {\n    password \"two words\"\n}\n\
                   sys snmp {\n    communities {\n        c {\n            community-name public\n        }\n    }\n\
                   \x20   traps {\n        t {\n            community TRAPCOMM\n            auth-password $M$AUTHKEY\n            privacy-password $M$PRIVKEY\n        }\n    }\n}\n\
                   auth ldap system-auth {\n    bind-pw $M$LDAPKEY\n}\n\
                   #     encrypted-password $6$PARTITIONHASH\n\
                   # neighbor 192.0.2.2 password 0 BGPKEY\n\
                   #  ip ospf message-digest-key 1 md5 0 OSPFKEY\n";
        let out = Tmos::redact(cfg);
        for secret in [
            "xxdlQFPDuVu",
            "EzlYKD",
            "RADKEY",
            "two words",
            "public",
            "TRAPCOMM",
            "AUTHKEY",
            "PRIVKEY",
            "LDAPKEY",
            "PARTITIONHASH",
            "BGPKEY",
            "OSPFKEY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "    encrypted-password <secret removed>\n",
            "    form-password <secret removed>\n",
            "    security-type password\n",
            "    passphrase <secret removed>\n",
            "    secret <secret removed>\n",
            "    password <secret removed>\n",
            "            community-name <secret removed>\n",
            "            community <secret removed>\n",
            "            auth-password <secret removed>\n",
            "    bind-pw <secret removed>\n",
            "#     encrypted-password <secret removed>\n",
            "# neighbor 192.0.2.2 password 0 <secret removed>\n",
            "#  ip ospf message-digest-key 1 md5 0 <secret removed>\n",
            "    shell bash\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn significant_ignores_which_unit_is_active() {
        let active = "cm device b {\n    failover-state active\n    hostname b\n}\n";
        let standby = "cm device b {\n    failover-state standby\n    hostname b\n}\n";
        assert_eq!(Tmos::significant(active), Tmos::significant(standby));
        assert_eq!(
            Tmos::significant(active),
            "cm device b {\n    hostname b\n}\n"
        );
    }
}
