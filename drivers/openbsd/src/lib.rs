//! OpenBSD hosts (routers and firewalls: pf, bgpd, ospfd), through a shell
//! login (Oxidized model `openbsd`).
//!
//! No published session of this model exists yet (see the `openbsd`
//! section of `tests/corpus/netraven/RESEARCH.md`), so the driver is
//! checked by its unit tests against what Oxidized's own model code stores
//! for the same scripted session (`../shared/oxidized/oracle openbsd`), by
//! the scripted conformance cases (and their chaos replay) in
//! `tests/corpus/conformance/openbsd#scripted_*`, and by the prompt case
//! `tests/corpus/netraven/openbsd#generic`.
//!
//! Session: Oxidized's model expects the login user's shell to print a
//! `user@host:dir$ ` prompt (the `PS1` its model documents,
//! `\033[32m\u@\h\033[00m:\033[36m\w\033[00m$ `, whose colour codes the
//! session strips); OpenBSD's stock prompts (`host$ `, `host# `) are not
//! prompts here, as they are not for Oxidized. Our prompt regex is
//! anchored at the line's end (`$`, then blanks only), where Oxidized's
//! `^.+@.+:.+\$` is not: a file line holding `user@host:...$` followed by
//! more text would stop Oxidized's read there, cutting that file short;
//! ours reads on to the real prompt. No pager, no enable, nothing sent
//! after login. Logout is `exit`; the host hangs up.
//!
//! Commands, in Oxidized's order, each output under a title line between
//! blank lines (`\n+++...+++ NAME +++...+++\n`), the backup closing with
//! `\n=============== END ===============\n`: `cat /etc/myname` (HOSTNAME
//! FILE), `cat /etc/resolv.conf`, `cat /etc/ntp.conf`, `cat /etc/pf.conf`
//! (PF FILE), `cat /etc/hosts`, `tail -n +1 /etc/hostname.*` (INTERFACE
//! FILES), `cat /etc/snmpd.conf`, `cat /etc/motd`, `cat /etc/passwd`,
//! `cat /etc/bgpd.conf`, `cat /etc/ospfd.conf`, `cat /etc/ospf6d.conf`.
//!
//! Every output loses its echo (first line) and its prompt (last line), as
//! Oxidized's `cmd :all` cuts it, `\r\n` made `\n` as Oxidized's SSH input
//! does; blank lines and trailing blanks stay, as in Oxidized.
//!
//! `cat /etc/myname` is essential: every OpenBSD has the file, readable by
//! all, so a refusal or an empty answer means this is no OpenBSD shell,
//! and the backup fails as `command_rejected`. Every other file may be
//! absent (`bgpd.conf` on a plain firewall) or unreadable to the login
//! user (`pf.conf`, `snmpd.conf`, `bgpd.conf` are root's alone): then
//! `cat`'s or `tail`'s own error (`cat: /etc/bgpd.conf: No such file or
//! directory`) is stored under the file's title, as Oxidized stores it:
//! that is the file's state on the host. Only where the command itself is
//! refused (an output that is one line the SDK knows as a refusal and that
//! is not `cat`'s or `tail`'s report on the file: no stock OpenBSD
//! wording, but what a restricted login or a command wrapper may print) is
//! the output left out, its title kept, and a warning logged (deliberate:
//! Oxidized would store the error text). No file has a closing line, so a cut-short output cannot be told
//! from a short one.
//!
//! The session strips ANSI codes (for the coloured prompt), so codes
//! inside a file's text (a coloured `/etc/motd`) are not stored where
//! Oxidized stores them (deliberate).
//!
//! `redact` (Oxidized's model hides nothing) hides, keeping each keyword:
//! snmpd's communities (agent and trap receivers) and SNMPv3
//! `authkey`/`enckey`s; bgpd's TCP MD5 `password`/`key` and its static
//! IPsec keys (`ipsec esp in spi N sha1 <hex> aes <hex>`); ospfd `auth-key`
//! and `auth-md` keys (ospf6d has no authentication of its own); in the
//! hostname.if(5) files, pppoe's `authkey`, Wi-Fi `wpakey`/`nwkey`,
//! WireGuard's private `wgkey` and pre-shared `wgpsk`, carp's `pass` and
//! umb's SIM `pin`/`puk` (`pass`, `pin` and `puk` in the INTERFACE FILES
//! section only, `pass` being pf.conf's rule keyword); and the values of
//! macros whose name says password, secret, key or psk
//! (`password="secret"`, as OpenBSD's example `ospfd.conf` defines one).
//! The files collected hold no other secret: `/etc/passwd` has no hashes
//! (they are in `master.passwd`), OpenNTPD has no keys, pf.conf none.
//!
//! `significant`: nothing to ignore (no clock or counter in these files).
//!
//! Device vars: none.

use netraven_driver_sdk::prelude::*;

pub struct Openbsd;

/// Oxidized's `comment '# '` (no comment is written).
const COMMENT: &str = "# ";

/// `user@host:dir$ `.
const PROMPT: &str = r"^[\w.-]+@[\w.-]+:[^\n]*\$\s*$";

const MYNAME: &str = "cat /etc/myname";

/// `(title, command)`, in Oxidized's order, the first essential.
const FILES: [(&str, &str); 12] = [
    ("HOSTNAME FILE", MYNAME),
    ("RESOLV.CONF FILE", "cat /etc/resolv.conf"),
    ("NTP.CONF FILE", "cat /etc/ntp.conf"),
    ("PF FILE", "cat /etc/pf.conf"),
    ("HOSTS FILE", "cat /etc/hosts"),
    ("INTERFACE FILES", "tail -n +1 /etc/hostname.*"),
    ("SNMP FILE", "cat /etc/snmpd.conf"),
    ("MOTD FILE", "cat /etc/motd"),
    ("PASSWD FILE", "cat /etc/passwd"),
    ("BGPD FILE", "cat /etc/bgpd.conf"),
    ("OSPFD FILE", "cat /etc/ospfd.conf"),
    ("OSPF6D FILE", "cat /etc/ospf6d.conf"),
];

impl Driver for Openbsd {
    fn info() -> DriverInfo {
        DriverInfo::shell(
            "openbsd",
            env!("CARGO_PKG_VERSION"),
            &["openbsd"],
            PROMPT,
            COMMENT,
        )
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        // The documented PS1 colours the prompt.
        session.strip_ansi(true);
        session.read_until(PROMPT, None)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        for (name, command) in FILES {
            let output = if command == MYNAME {
                text::command_output(&session.essential(command)?)
            } else {
                file_output(session, command)?
            };
            config.push_str(&title(name));
            config.push_str(&output);
        }
        config.push_str("\n=============== END ===============\n");
        Ok(Backup::config(config))
    }

    /// Leave with `exit`; the host closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("exit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        let config = text::replace_in_lines(config, SECRET_RULES);
        let head = title("INTERFACE FILES");
        let Some(at) = config.find(&head) else {
            return config;
        };
        let start = at + head.len();
        // To the next title (or the closing line).
        let end = config[start..]
            .find(&format!("\n{} ", "+".repeat(41)))
            .or_else(|| config[start..].find("\n==============="))
            .map_or(config.len(), |e| start + e);
        format!(
            "{}{}{}",
            &config[..start],
            text::replace_in_lines(&config[start..end], INTERFACE_RULES),
            &config[end..]
        )
    }
}

/// What a file command printed, `cat`'s or `tail`'s errors included (see
/// above); empty, with a warning, when the command itself was refused.
fn file_output(session: &mut dyn Session, command: &str) -> Result<String, SessionError> {
    let output = text::command_output(&session.command(command)?);
    let mut lines = output.lines().filter(|l| !l.trim().is_empty());
    if let (Some(line), None) = (lines.next(), lines.next())
        && let Some(why) = text::refusal(line)
        && !(why.starts_with("cat: ") || why.starts_with("tail: "))
    {
        session.log(
            Level::Warn,
            &format!(
                "optional command {command:?} left out: the device refused it: {:?}",
                why.trim()
            ),
        );
        return Ok(String::new());
    }
    Ok(output)
}

/// Secret removal, line by line: `(needle, regex, replacement)`. A value
/// is a word, a double-quoted or a single-quoted string (pppoe(4) writes
/// `authkey 'secret'`), never starting with `<` (so no rule hits what
/// another wrote).
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // snmpd.conf: `read-only community public`, `trap community x`,
    // `trap receiver host community x`.
    (
        "community ",
        r#"\b(community) (?:"[^"]*"|'[^']*'|[^\s<"']\S*)"#,
        "$1 <secret hidden>",
    ),
    // snmpd.conf: `user "u" authkey "x" enc aes enckey "y"`; hostname.if:
    // pppoe's `authkey`, Wi-Fi `wpakey` and `nwkey`, WireGuard's private
    // `wgkey` and pre-shared `wgpsk`.
    (
        "key ",
        r#"\b(authkey|enckey|wpakey|nwkey|wgkey) (?:"[^"]*"|'[^']*'|[^\s<"']\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "wgpsk ",
        r#"\b(wgpsk) (?:"[^"]*"|'[^']*'|[^\s<"']\S*)"#,
        "$1 <secret hidden>",
    ),
    // bgpd.conf: `tcp md5sig password x`, `tcp md5sig key deadbeef`.
    (
        "md5sig ",
        r#"\b(md5sig (?:password|key)) (?:"[^"]*"|'[^']*'|[^\s<"']\S*)"#,
        "$1 <secret hidden>",
    ),
    // bgpd.conf's static IPsec keys: `ipsec esp in spi 10 sha1 <hex>
    // aes <hex>`, the keys often on `\`-continued lines of their own.
    (
        "sha1 ",
        r"\b(sha1) (?:0x)?[0-9A-Fa-f]{16,}\b",
        "$1 <secret hidden>",
    ),
    (
        "md5 ",
        r"\b(md5) (?:0x)?[0-9A-Fa-f]{16,}\b",
        "$1 <secret hidden>",
    ),
    (
        "3des",
        r"\b(3des(?:-cbc)?) (?:0x)?[0-9A-Fa-f]{16,}\b",
        "$1 <secret hidden>",
    ),
    (
        "aes",
        r"\b(aes(?:-128-cbc)?) (?:0x)?[0-9A-Fa-f]{16,}\b",
        "$1 <secret hidden>",
    ),
    // ospfd.conf: `auth-key x`.
    (
        "auth-key ",
        r#"\b(auth-key) (?:"[^"]*"|'[^']*'|[^\s<"']\S*)"#,
        "$1 <secret hidden>",
    ),
    // A macro holding a secret: `password="secret"` (OpenBSD's example
    // ospfd.conf), `md5key=...`.
    (
        "=",
        r#"^(\s*\w*(?i:password|passwd|secret|key|psk)\w*)=(?:"[^"]*"|'[^']*'|[^\s<"']\S*)"#,
        "$1=<secret hidden>",
    ),
    // ospfd.conf: `auth-md 1 "x"`.
    (
        "auth-md ",
        r#"\b(auth-md \d+) (?:"[^"]*"|'[^']*'|[^\s<"']\S*)"#,
        "$1 <secret hidden>",
    ),
];

/// Secrets in hostname.if(5) lines whose keyword is a pf.conf keyword too
/// (carp(4)'s `pass`, `pass in ...` being a pf rule), and umb(4)'s SIM
/// `pin`/`puk`: applied to the INTERFACE FILES section alone.
const INTERFACE_RULES: &[(&str, &str, &str)] = &[
    (
        "pass ",
        r#"\b(pass) (?:"[^"]*"|'[^']*'|[^\s<"']\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "pin ",
        r#"\b(pin) (?:"[^"]*"|'[^']*'|[^\s<"']\S*)"#,
        "$1 <secret hidden>",
    ),
    (
        "puk ",
        r#"\b(puk) (?:"[^"]*"|'[^']*'|[^\s<"']\S*)"#,
        "$1 <secret hidden>",
    ),
];

/// A section's title line, as the backup writes it.
fn title(name: &str) -> String {
    format!("\n{} {name} {}\n", "+".repeat(41), "+".repeat(46))
}

netraven_driver_sdk::export_driver!(Openbsd);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");
    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Openbsd>(CORPUS);
    }

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Openbsd>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_the_chaos_replay() {
        netraven_driver_sdk::harness::assert_chaos::<Openbsd>(CONFORMANCE);
    }

    // No published session exists; this one is written for the test. Real
    // (openbsd/src, ISC/BSD): the stock `/etc/pf.conf` rules (`etc/pf.conf`),
    // `/etc/passwd`'s first entries as `etc/master.passwd` ships them.
    // Written in the shapes their manuals and tools show: `cat`'s and
    // tail(1)'s wording (`No such file or directory`, `==> file <==`), the
    // hostname.if(5) and snmpd.conf(5) lines, the motd (its first line as
    // rc rewrites it at boot), the host name and resolv.conf. The community
    // is a canary.
    const REPLIES: [&str; 12] = [
        "fw1.example.org\n",
        "nameserver 192.0.2.53\nlookup file bind\n",
        "cat: /etc/ntp.conf: No such file or directory\n",
        "set skip on lo\n\nblock return\t# block stateless traffic\npass\t\t# establish keep-state\n",
        "127.0.0.1\tlocalhost\n::1\t\tlocalhost\n",
        "==> /etc/hostname.em0 <==\ninet 192.0.2.1 255.255.255.0\n\n==> /etc/hostname.em1 <==\ndhcp\n",
        "listen on 192.0.2.1\nread-only community COMMCANARY\n",
        "OpenBSD 7.4 (GENERIC) #1: Tue Oct 10 09:25:39 MDT 2023\n\nWelcome to OpenBSD: The proactively secure Unix-like operating system.\n",
        "root:*:0:0:Charlie &:/root:/bin/ksh\ndaemon:*:1:1:The devil himself:/root:/sbin/nologin\n",
        "cat: /etc/bgpd.conf: No such file or directory\n",
        "cat: /etc/ospfd.conf: No such file or directory\n",
        "cat: /etc/ospf6d.conf: No such file or directory\n",
    ];

    /// A strict recording: each file command with its echo, `replies[i]`
    /// and the prompt, then `exit`.
    fn recording(replies: &[&str]) -> String {
        let p = "root@fw1:~$ ";
        let mut yaml = format!("init_prompt: {p:?}\ncommands:\n");
        for ((_, command), reply) in FILES.iter().zip(replies) {
            let body = format!("{command}\n{reply}{p}").replace('\\', "\\\\");
            yaml.push_str(&format!("  - {:?}: {:?}\n", format!("{command}\n"), body));
        }
        yaml.push_str("  - \"exit\\n\": \"\"\n");
        yaml
    }

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup =
            scripted::backup::<Openbsd>(&recording(&REPLIES), &Device::default()).expect("whole");
        let title = |t: &str| format!("\n{} {t} {}\n", "+".repeat(41), "+".repeat(46));
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle openbsd): every title, every file,
        // `cat`'s errors included.
        let expected = [
            title("HOSTNAME FILE"),
            "fw1.example.org\n".into(),
            title("RESOLV.CONF FILE"),
            "nameserver 192.0.2.53\nlookup file bind\n".into(),
            title("NTP.CONF FILE"),
            "cat: /etc/ntp.conf: No such file or directory\n".into(),
            title("PF FILE"),
            "set skip on lo\n\nblock return\t# block stateless traffic\npass\t\t# establish keep-state\n".into(),
            title("HOSTS FILE"),
            "127.0.0.1\tlocalhost\n::1\t\tlocalhost\n".into(),
            title("INTERFACE FILES"),
            "==> /etc/hostname.em0 <==\ninet 192.0.2.1 255.255.255.0\n\n==> /etc/hostname.em1 <==\ndhcp\n".into(),
            title("SNMP FILE"),
            "listen on 192.0.2.1\nread-only community COMMCANARY\n".into(),
            title("MOTD FILE"),
            "OpenBSD 7.4 (GENERIC) #1: Tue Oct 10 09:25:39 MDT 2023\n\nWelcome to OpenBSD: The proactively secure Unix-like operating system.\n".into(),
            title("PASSWD FILE"),
            "root:*:0:0:Charlie &:/root:/bin/ksh\ndaemon:*:1:1:The devil himself:/root:/sbin/nologin\n".into(),
            title("BGPD FILE"),
            "cat: /etc/bgpd.conf: No such file or directory\n".into(),
            title("OSPFD FILE"),
            "cat: /etc/ospfd.conf: No such file or directory\n".into(),
            title("OSPF6D FILE"),
            "cat: /etc/ospf6d.conf: No such file or directory\n".into(),
            "\n=============== END ===============\n".to_string(),
        ]
        .concat();
        assert_eq!(backup.config, expected);
        assert!(backup.config.starts_with(
            "\n+++++++++++++++++++++++++++++++++++++++++ HOSTNAME FILE ++++++++++++++++++++++++++++++++++++++++++++++\nfw1.example.org\n"
        ));
    }

    #[test]
    fn a_refused_or_empty_myname_fails_the_backup() {
        let mut replies = REPLIES;
        replies[0] = "cat: /etc/myname: Permission denied\n";
        scripted::backup_fails_with::<Openbsd>(
            &recording(&replies),
            &Device::default(),
            r#"essential command "cat /etc/myname": the device refused it: "cat: /etc/myname: Permission denied""#,
        );
        replies[0] = "";
        scripted::backup_fails_with::<Openbsd>(
            &recording(&replies),
            &Device::default(),
            "the device printed nothing",
        );
    }

    #[test]
    fn an_unreadable_file_keeps_cats_error_as_oxidized_does() {
        let mut replies = REPLIES;
        replies[3] = "cat: /etc/pf.conf: Permission denied\n";
        let backup =
            scripted::backup::<Openbsd>(&recording(&replies), &Device::default()).expect("whole");
        assert!(
            backup.config.contains(&format!(
                " PF FILE {}\ncat: /etc/pf.conf: Permission denied\n\n",
                "+".repeat(46)
            )),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_command_is_left_out_under_its_title() {
        // Not an OpenBSD wording (ksh and cat print none such): the generic
        // CLI refusal the chaos replay uses, as a restricted login would.
        let mut replies = REPLIES;
        replies[5] = "% Unknown command: tail -n +1 /etc/hostname.*\n";
        let backup =
            scripted::backup::<Openbsd>(&recording(&replies), &Device::default()).expect("whole");
        assert!(
            backup.config.contains(&format!(
                " INTERFACE FILES {}\n\n{} SNMP FILE ",
                "+".repeat(46),
                "+".repeat(41)
            )),
            "{}",
            backup.config
        );
        assert!(!backup.config.contains("Unknown command"));
        // A refusal-like line among others is the file's text, kept.
        replies[5] = "==> /etc/hostname.em0 <==\ninet 192.0.2.1 255.255.255.0\n\ntail: /etc/hostname.em1: Permission denied\n";
        let backup =
            scripted::backup::<Openbsd>(&recording(&replies), &Device::default()).expect("whole");
        assert!(
            backup
                .config
                .contains("\ntail: /etc/hostname.em1: Permission denied\n")
        );
    }

    #[test]
    fn prompt_takes_the_documented_ps1_only() {
        let prompt = text::line_re(PROMPT);
        // Written for the test: the documented PS1 for two users, hosts
        // and directories (with a trailing space, without, with the two
        // blanks the chaos replay adds); OpenBSD ksh's `host$ `/`host# `
        // forms, which are no prompts here; lines of the stock passwd and
        // pf.conf, and a tail(1) header.
        for p in [
            "root@fw1:~$ ",
            "admin@gw.example.org:/etc$ ",
            "root@fw1:~$",
            "root@fw1:~$   ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "fw1# ",
            "fw1$ ",
            "pass in on $ext_if proto tcp to port ssh",
            "root:*:0:0:Charlie &:/root:/bin/ksh",
            "==> /etc/hostname.em0 <==",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn a_coloured_prompt_is_found_once_its_codes_are_stripped() {
        let recording = "init_prompt: \"\\e[32mroot@fw1\\e[00m:\\e[36m~\\e[00m$ \"\ncommands: {}\n";
        let session = scripted::login::<Openbsd>(recording, &Device::default()).expect("login");
        assert_eq!(session.finish(), Ok(()));
    }

    #[test]
    fn redact_hides_every_secret_and_keeps_the_keywords() {
        // One line per secret form, in the syntax of snmpd.conf(5),
        // bgpd.conf(5), ospfd.conf(5), hostname.if(5) with ifconfig(8)'s
        // options (pppoe(4)'s quoted `authkey`, carp(4), wg(4), umb(4));
        // the secrets are canaries.
        let title = |t: &str| format!("\n{} {t} {}\n", "+".repeat(41), "+".repeat(46));
        let cfg = [
            title("PF FILE"),
            "pass in on egress proto tcp to port ssh\n".into(),
            title("INTERFACE FILES"),
            "==> /etc/hostname.carp0 <==\n\
             inet 192.0.2.10 255.255.255.0 192.0.2.255 vhid 1 carpdev em0 pass CARPCANARY\n\
             ==> /etc/hostname.iwm0 <==\n\
             nwid office wpakey \"WPACANARY\"\n\
             nwid old nwkey WEPCANARY\n\
             ==> /etc/hostname.pppoe0 <==\n\
             pppoedev em1 authproto pap authname 'user' authkey 'PPPCANARY TWOWORDS'\n\
             ==> /etc/hostname.wg0 <==\n\
             wgkey WGPRIVCANARY= wgport 51820\n\
             wgpeer UFVCTElDa2V5= wgpsk WGPSKCANARY= wgaip 10.0.0.2/32\n\
             ==> /etc/hostname.umb0 <==\n\
             apn internet pin PINCANARY puk PUKCANARY\n"
                .into(),
            title("SNMP FILE"),
            "read-only community COMMCANARY\n\
             trap community \"TRAPCANARY\"\n\
             trap receiver 192.0.2.9 community TRAP2CANARY\n\
             user \"u1\" authkey \"AUTHCANARY\" enc aes enckey \"ENCCANARY\"\n"
                .into(),
            title("BGPD FILE"),
            "neighbor 192.0.2.2 { tcp md5sig password MD5CANARY }\n\
             neighbor 192.0.2.3 { tcp md5sig key KEYCANARY }\n\
             ipsec esp in spi 10 \\\n\
             \tsha1 0a4f1d1f1a1c4f3c9e2f6f0f2a8e9c8c5a1b0b3b \\\n\
             \taes 0c1b3a6c7d7a8d2e0e7b4f3d5e8e6c1e\n\
             ipsec ah out spi 12 md5 00112233445566778899aabbccddeeff\n"
                .into(),
            title("OSPFD FILE"),
            "auth-key OSPFCANARY\n\
             auth-md 1 \"MDCANARY\"\n\
             auth-md-keyid 1\n\
             password=\"MACROCANARY\"\n"
                .into(),
            "\n=============== END ===============\n".to_string(),
        ]
        .concat();
        let out = Openbsd::redact(&cfg);
        for secret in [
            "CARPCANARY",
            "WPACANARY",
            "WEPCANARY",
            "PPPCANARY",
            "TWOWORDS",
            "WGPRIVCANARY",
            "WGPSKCANARY",
            "PINCANARY",
            "PUKCANARY",
            "COMMCANARY",
            "TRAPCANARY",
            "TRAP2CANARY",
            "AUTHCANARY",
            "ENCCANARY",
            "MD5CANARY",
            "KEYCANARY",
            "0a4f1d1f1a1c4f3c9e2f6f0f2a8e9c8c5a1b0b3b",
            "0c1b3a6c7d7a8d2e0e7b4f3d5e8e6c1e",
            "00112233445566778899aabbccddeeff",
            "OSPFCANARY",
            "MDCANARY",
            "MACROCANARY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            // pf's `pass` rule is no carp password.
            "\npass in on egress proto tcp to port ssh\n",
            "vhid 1 carpdev em0 pass <secret hidden>\n",
            "nwid office wpakey <secret hidden>\n",
            "nwid old nwkey <secret hidden>\n",
            "authname 'user' authkey <secret hidden>\n",
            "wgkey <secret hidden> wgport 51820\n",
            "wgpeer UFVCTElDa2V5= wgpsk <secret hidden> wgaip 10.0.0.2/32\n",
            "apn internet pin <secret hidden> puk <secret hidden>\n",
            "read-only community <secret hidden>\n",
            "trap community <secret hidden>\n",
            "trap receiver 192.0.2.9 community <secret hidden>\n",
            "authkey <secret hidden> enc aes enckey <secret hidden>\n",
            "tcp md5sig password <secret hidden> }\n",
            "tcp md5sig key <secret hidden> }\n",
            "ipsec esp in spi 10 \\\n\tsha1 <secret hidden> \\\n\taes <secret hidden>\n",
            "ipsec ah out spi 12 md5 <secret hidden>\n",
            "\nauth-key <secret hidden>\n",
            "auth-md 1 <secret hidden>\n",
            "auth-md-keyid 1\n",
            "password=<secret hidden>\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from:\n{out}");
        }
    }

    #[test]
    fn pass_pin_and_puk_outside_the_interface_files_are_kept() {
        // pf.conf's rules start with `pass`; a motd may say `pin`.
        let cfg = "pass in quick on egress proto tcp to port 22\n\
                   anchor \"ftp\" { pass in proto tcp }\n\
                   pin 4 of the rack\n";
        assert_eq!(Openbsd::redact(cfg), cfg);
    }
}
