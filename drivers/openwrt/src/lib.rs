//! OpenWrt (and OpenWrt-based firmware; Oxidized model `openwrt`), over SSH
//! exec channels: one channel per command, so no prompt, echo, pager,
//! enable step or logout (Oxidized's `exit` before logout applies to its
//! shell mode only).
//!
//! No published session of the configuration commands exists yet (see the
//! `openwrt` section of `tests/corpus/netraven/RESEARCH.md`), so the driver
//! is checked against what Oxidized's own model code stores for the same
//! scripted sessions (`../shared/oxidized/oracle openwrt`): the conformance
//! cases `tests/corpus/conformance/openwrt#scripted_*` (also replayed with
//! chaos) and the unit tests below (the var paths against the same model
//! code run with the vars set in Oxidized's configuration). An exec-mode
//! session never waits for a prompt, so there is no prompt case.
//!
//! The prompt regex is kept for a shell: BusyBox `ash`'s prompt on OpenWrt
//! (`PS1='\u@\h:\w\$ '`, `root@OpenWrt:~# `), which Oxidized's model
//! matches with `^[^#]+#`. Published prompts it is tested on:
//! `root@openwrt:# ` and `root@openwwrt:/lib/upgrade/keep.d# ` (with the
//! `sysupgrade -l` listing lines `/etc/config/network` and
//! `/etc/dropbear/dropbear_rsa_host_key`, which must not match) in the blog
//! post "openwrt sysupgrade", blog.51cto.com/u_15477596/6360676 (a vendor
//! OpenWrt build; licence not stated); `root@OpenWrt:/# ` in
//! huaweicloud.csdn.net/63566575d3efff3090b5d20b.html ("UCI命令"; licence
//! not stated); banner and release lines from openwrt/openwrt
//! `package/base-files/files/etc/banner` and `.../etc/openwrt_release`
//! (GPL-2.0) must not match either.
//!
//! Commands, in Oxidized's order:
//! - `cat /etc/banner`, `cat /proc/cpuinfo`, `cat /etc/openwrt_release`
//!   (optional), each as a `#` comment headed `##### Info: <file> #####`;
//! - `sysupgrade -l` (essential), the files `sysupgrade -b` would save,
//!   also stored as such a comment; a device that refuses it, or whose
//!   listing names no `/etc/config/` file, fails the backup;
//! - `cat /proc/mtd` (optional), the same kind of comment;
//! - then, for each listed file, in the listing's order, a header line
//!   and its content, joined with newlines:
//!   - `/etc/config/NAME` (not `-opkg` copies, which are skipped):
//!     `##### File: <path> #####` and `uci export NAME` (essential: it is
//!     the configuration; a refusal, or a reply that is not a uci export
//!     starting with `package`, fails the backup);
//!   - a binary file (by default `/etc/dropbear/dropbear_rsa_host_key`):
//!     `##### Binary file: <path> #####`, a `#Decode using ...` line and
//!     `gzip -c <path> | hexdump -ve '1/1 "_x%.2x"' | tr _ \` (optional):
//!     the gzipped file as `\xNN` escapes;
//!   - any other file: `##### File: <path> #####` and `cat <path>`
//!     (optional);
//! - with `openwrt_backup_partitions`, for each partition of `/proc/mtd`
//!   whose name is in the list: `##### Partition: <name> /dev/<mtd> #####`,
//!   a `#Decode using ...` line and `dd if=/dev/<mtd> 2>/dev/null | gzip -c
//!   | hexdump -ve '1/1 "%.2x"'` (optional).
//!
//! No file has a closing line, so a cut-short file cannot be told from a
//! short one.
//!
//! Device vars, as Oxidized's model reads them (lists are names separated
//! by commas or white space; a var that is set but empty is an empty list):
//! - `openwrt_binary_files`: the listed files dumped as gzip hex instead of
//!   `cat` (default `/etc/dropbear/dropbear_rsa_host_key`);
//! - `openwrt_non_sensitive_files`: `/etc/config` names that `remove_secret`
//!   leaves alone (default `rpcd uhttpd`);
//! - `remove_secret` (flag): in every other uci export, the value of each
//!   `option password` and `option key` becomes `<secret hidden>`, and
//!   `/etc/shadow` loses its second field on every line (a `*` too), in
//!   the backup itself, as Oxidized does;
//! - `openwrt_backup_partitions` (flag): dump the flash partitions named in
//!   `openwrt_partitions_to_backup` (default `art devinfo u_env config
//!   caldata`).
//!
//! Oxidized's input var `ssh_no_exec` (run the model in a shell instead)
//! is not supported: the driver always uses exec channels.
//!
//! The backup is byte for byte what Oxidized stores, with two differences,
//! both where the device fails a command: the host reads stdout, where
//! Oxidized reads stdout and stderr as one; so a file the device cannot
//! read (`cat` exits non-zero, or prints BusyBox's `cat: can't open ...`)
//! is left out with its header, where Oxidized stores the error message
//! as the file's content; and a blank line in the `sysupgrade -l` listing
//! is skipped, where Oxidized would run `cat ` with no file.
//!
//! Line ends are kept as they come, as Oxidized keeps exec output: an exec
//! channel has no terminal, so a `\r\n` is a file's own (a script saved on
//! Windows) and is stored. Only when the `sysupgrade -l` listing itself
//! comes in `\r\n` (sysupgrade prints `\n`, so the channel turns line
//! ends) is every output read with `\n`. (The chaos replay's `\r\n`
//! check turns every reply's line ends at once, so the conformance cases
//! hold no file of their own in `\r\n`; the unit test
//! `a_file_of_its_own_in_crlf_is_kept_as_oxidized_keeps_it` checks one
//! against the oracle.)
//!
//! `redact` hides, with the keyword kept: every uci `option`/`list` whose
//! name ends in `key`, `password`, `passwd`, `secret`, `psk`, `pwd`,
//! `passphrase`, `community` or `pincode` (wireless `key` and `key1`-`key4`,
//! `sae_password`, `auth_secret`, PPPoE and DDNS `password`, WireGuard
//! `private_key` and `preshared_key`, SNMP `community`...) and 802.11r
//! `r0kh`/`r1kh`, but not `public_key`, a file path given for a key or
//! secret, or rpcd's `$p$user` reference; the password hash of
//! `/etc/shadow` and `/etc/passwd` lines; the secret of
//! `/etc/ppp/chap-secrets` and `pap-secrets` lines; `key=value` secrets of
//! hostapd, wpa_supplicant and WireGuard files; the body of PEM private
//! keys and OpenVPN static keys; and the whole content of every binary
//! file dump (the host key), of every file named like a private key
//! (`*_host_key`, `*.key`, `/etc/ssl/private/`), and of every partition
//! dump but the radio calibration (`art`, `caldata`). This goes beyond
//! Oxidized's `remove_secret` (which misses WireGuard keys, `sae_password`,
//! RADIUS secrets, the host key and any escaped quote in a value).
//!
//! `significant` ignores the `/proc/cpuinfo` lines that change while the
//! router runs or between boots: `cpu MHz` (x86) and `BogoMIPS`
//! (calibrated at each boot). Oxidized stores them, and so does the backup.

use netraven_driver_sdk::prelude::*;
use std::sync::LazyLock;

pub struct Openwrt;

const COMMENT: &str = "#";

/// BusyBox `ash`'s prompt on OpenWrt (`root@OpenWrt:~# `); Oxidized's
/// model has `^[^#]+#`. An exec-mode session never waits for it.
const PROMPT: &str = r"^[^#\s][^#\n]*# ?$";

const INFO_FILES: &[&str] = &["/etc/banner", "/proc/cpuinfo", "/etc/openwrt_release"];
const LIST_FILES: &str = "sysupgrade -l";
const MTD: &str = "/proc/mtd";

const DEFAULT_BINARY_FILES: &[&str] = &["/etc/dropbear/dropbear_rsa_host_key"];
const DEFAULT_NON_SENSITIVE: &[&str] = &["rpcd", "uhttpd"];
const DEFAULT_PARTITIONS: &[&str] = &["art", "devinfo", "u_env", "config", "caldata"];

const HIDDEN: &str = "<secret hidden>";

impl Driver for Openwrt {
    fn info() -> DriverInfo {
        DriverInfo::exec(
            "openwrt",
            env!("CARGO_PKG_VERSION"),
            &["openwrt"],
            PROMPT,
            COMMENT,
        )
    }

    fn backup(session: &mut dyn Session, device: &Device) -> Result<Backup, DriverError> {
        let vars = Vars::of(device);
        let mut config = String::new();
        let mut infos: Vec<(&str, String)> = Vec::new();
        for path in INFO_FILES {
            if let Some(out) = session.optional_exec(&format!("cat {path}"))? {
                infos.push((path, out));
            }
        }
        let listing = session.essential_exec(LIST_FILES)?;
        // An exec channel has no terminal, so the device prints `\n`, and a
        // `\r\n` in a file is the file's own (kept, as Oxidized keeps it).
        // A listing in `\r\n` (sysupgrade writes `\n`) means the channel
        // itself turns line ends: then every output is read with `\n`.
        let crlf_channel = listing.contains("\r\n");
        let clean = |out: String| {
            if crlf_channel {
                text::unix_newlines(&out)
            } else {
                out
            }
        };
        for (path, out) in infos {
            config.push_str(&info(path, &clean(out)));
        }
        let listing = clean(listing);
        config.push_str(&info(LIST_FILES, &listing));
        let mtd = session.optional_exec(&format!("cat {MTD}"))?.map(clean);
        if let Some(mtd) = &mtd {
            config.push_str(&info(MTD, mtd));
        }

        let mut parts: Vec<String> = Vec::new();
        let mut uci_files = 0;
        for path in listing.split('\n').map(str::trim) {
            if path.is_empty() {
                continue;
            }
            if path.starts_with("/etc/config/") {
                if path.ends_with("-opkg") {
                    continue;
                }
                let name = file_name(path);
                let export = clean(uci_export(session, name)?);
                uci_files += 1;
                parts.push(comment(&format!("#### File: {path} #####")));
                if vars.remove_secret && !vars.non_sensitive.iter().any(|n| n == name) {
                    parts.push(text::replace_all(
                        &export,
                        &[(UCI_SECRET, "${1}<secret hidden>'")],
                    ));
                } else {
                    parts.push(export);
                }
            } else if vars.binary_files.iter().any(|f| f == path) {
                let command = format!("gzip -c {path} | hexdump -ve '1/1 \"_x%.2x\"' | tr _ \\");
                if let Some(dump) = session.optional_exec(&command)?.map(clean) {
                    parts.push(comment(&format!("#### Binary file: {path} #####")));
                    parts.push(comment(&format!(
                        "Decode using 'echo -en <data> | gzip -dc > {path}'"
                    )));
                    parts.push(dump);
                }
            } else if let Some(content) = session.optional_exec(&format!("cat {path}"))?.map(clean)
            {
                parts.push(comment(&format!("#### File: {path} #####")));
                if vars.remove_secret && path == "/etc/shadow" {
                    parts.push(text::replace_all(&content, &[(SHADOW_HASH, "${1}${2}")]));
                } else {
                    parts.push(content);
                }
            }
        }
        if uci_files == 0 {
            return Err(SessionError::Rejected(format!(
                "essential command {LIST_FILES:?}: it listed no /etc/config file, so there is no configuration to export"
            ))
            .into());
        }

        if vars.backup_partitions {
            for (partition, name) in partitions(mtd.as_deref().unwrap_or_default()) {
                if !vars.partitions.contains(&name) {
                    continue;
                }
                let command = format!(
                    "dd if=/dev/{partition} 2>/dev/null | gzip -c | hexdump -ve '1/1 \"%.2x\"'"
                );
                if let Some(dump) = session.optional_exec(&command)?.map(clean) {
                    parts.push(comment(&format!(
                        "#### Partition: {name} /dev/{partition} #####"
                    )));
                    parts.push(comment(&format!(
                        "Decode using 'echo -en <data> | gzip -dc > {name}'"
                    )));
                    parts.push(dump);
                }
            }
        }

        config.push_str(&parts.join("\n"));
        Ok(Backup::config(config))
    }

    fn redact(config: &str) -> String {
        redact(config)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^#(?:cpu MHz|[Bb]ogo[Mm][Ii][Pp][Ss])\s*:"])
    }
}

/// Oxidized's `remove_secret` for uci exports: the quoted value of
/// `option password` and `option key`.
const UCI_SECRET: &str = r"(?m)^(\s+option\s+(?:password|key)\s+')[^']+'";

/// Oxidized's `remove_secret` for `/etc/shadow`: the second field of each
/// line emptied.
const SHADOW_HASH: &str = r"(?m)^([^:]+:)[^:]*(:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:)";

/// The device vars the model reads, with Oxidized's defaults.
struct Vars {
    binary_files: Vec<String>,
    non_sensitive: Vec<String>,
    partitions: Vec<String>,
    remove_secret: bool,
    backup_partitions: bool,
}

impl Vars {
    fn of(device: &Device) -> Vars {
        let list = |key: &str, default: &[&str]| -> Vec<String> {
            match device.var(key) {
                Some(value) => value
                    .split(|c: char| c == ',' || c.is_ascii_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                None => default.iter().map(|s| s.to_string()).collect(),
            }
        };
        Vars {
            binary_files: list("openwrt_binary_files", DEFAULT_BINARY_FILES),
            non_sensitive: list("openwrt_non_sensitive_files", DEFAULT_NON_SENSITIVE),
            partitions: list("openwrt_partitions_to_backup", DEFAULT_PARTITIONS),
            remove_secret: device.flag("remove_secret"),
            backup_partitions: device.flag("openwrt_backup_partitions"),
        }
    }
}

/// Every line of `block` behind the `#` comment prefix.
fn comment(block: &str) -> String {
    text::comment(block, COMMENT)
}

/// An information command's output as Oxidized's model stores it: a
/// `#### Info: <what> #####` line, then the output, all commented.
fn info(what: &str, output: &str) -> String {
    comment(&format!("#### Info: {what} #####\n{output}"))
}

/// The last part of a path (`/etc/config/network` gives `network`).
fn file_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// `uci export NAME`, which must print a uci export (`package NAME`).
fn uci_export(session: &mut dyn Session, name: &str) -> Result<String, SessionError> {
    let command = format!("uci export {name}");
    let export = session.essential_exec(&command)?;
    let first = export.trim_start().lines().next().unwrap_or_default();
    if !first.starts_with("package") {
        return Err(SessionError::Rejected(format!(
            "essential command {command:?}: the device refused it: {:?}",
            first.trim()
        )));
    }
    Ok(export)
}

/// The `(mtdN, name)` pairs of `/proc/mtd` (`mtd2: 00010000 00010000 "art"`).
fn partitions(mtd: &str) -> Vec<(String, String)> {
    static PARTITION: LazyLock<text::Regex> =
        LazyLock::new(|| text::re(r#"(\w+):\s+\w+\s+\w+\s+"(.*)""#));
    PARTITION
        .captures_iter(mtd)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

/// What the lines after a header of the backup hold.
#[derive(Clone, Copy, PartialEq)]
enum Section {
    /// Text, cleaned line by line.
    Text,
    /// A secret as a whole (a key, a binary dump): one `<secret hidden>`
    /// line stands for it; `written` once it is out.
    Hidden { written: bool },
    /// `chap-secrets` / `pap-secrets`: `client server secret [addresses]`.
    PppSecrets,
}

/// The section a header line of the backup opens, if it is one.
fn section_of(line: &str) -> Option<Section> {
    static HEADER: LazyLock<text::Regex> = LazyLock::new(|| {
        text::re(r"^##### (File|Binary file|Partition|Info): (\S+)(?: \S+)? #####\r?\n?$")
    });
    let c = HEADER.captures(line)?;
    let (kind, name) = (&c[1], &c[2]);
    Some(match kind {
        "Binary file" => Section::Hidden { written: false },
        "Partition" if name != "art" && name != "caldata" => Section::Hidden { written: false },
        "File" if is_key_file(name) => Section::Hidden { written: false },
        "File" if name.ends_with("/chap-secrets") || name.ends_with("/pap-secrets") => {
            Section::PppSecrets
        }
        _ => Section::Text,
    })
}

/// A file that is a private key by its name.
fn is_key_file(path: &str) -> bool {
    path.ends_with("_host_key") || path.ends_with(".key") || path.starts_with("/etc/ssl/private/")
}

fn redact(config: &str) -> String {
    let mut out = String::with_capacity(config.len());
    let mut section = Section::Text;
    let mut in_pem = false;
    for line in text::lines(config) {
        if let Some(next) = section_of(line) {
            section = next;
            in_pem = false;
            out.push_str(line);
            continue;
        }
        match section {
            Section::Hidden { written } => {
                if line.starts_with("#Decode using '") {
                    out.push_str(line);
                } else if !written {
                    out.push_str(HIDDEN);
                    out.push('\n');
                    section = Section::Hidden { written: true };
                }
            }
            Section::PppSecrets => out.push_str(&ppp_secret(line)),
            Section::Text => {
                if in_pem {
                    if PEM_END.is_match(line) {
                        in_pem = false;
                        out.push_str(line);
                    }
                    continue;
                }
                if PEM_BEGIN.is_match(line) {
                    in_pem = true;
                    out.push_str(line);
                    out.push_str(HIDDEN);
                    out.push('\n');
                    continue;
                }
                out.push_str(&redact_line(line));
            }
        }
    }
    out
}

static PEM_BEGIN: LazyLock<text::Regex> =
    LazyLock::new(|| text::re(r"^-----BEGIN [A-Z0-9 ]*(?:PRIVATE KEY|Static key V\d)-----"));
static PEM_END: LazyLock<text::Regex> =
    LazyLock::new(|| text::re(r"^-----END [A-Z0-9 ]*(?:PRIVATE KEY|Static key V\d)-----"));

/// One line of text with its secret hidden, if it holds one.
fn redact_line(line: &str) -> String {
    static UCI: LazyLock<text::Regex> = LazyLock::new(|| {
        text::re(r"^(\s*(?:option|list)\s+'?)([\w-]+)('?\s+)('(?:[^']|'\\'')*'|\S+)(.*)$")
    });
    static HEX_DUMP: LazyLock<text::Regex> =
        LazyLock::new(|| text::re(r"^(?:\\x[0-9a-fA-F]{2}){8,}\s*$"));
    static KEY_VALUE: LazyLock<text::Regex> = LazyLock::new(|| {
        text::re(
            r"^(\s*(?:psk|password|wpa_passphrase|sae_password|private_key_passwd|private_key2_passwd|auth_server_shared_secret|acct_server_shared_secret|radius_das_secret|PrivateKey|PresharedKey)\s*=\s*)\S.*$",
        )
    });
    let (body, ending) = split_ending(line);
    if let Some(c) = UCI.captures(body) {
        let value = &c[4];
        if uci_secret(&c[2], unquote(value)) {
            return format!("{}{}{}'{HIDDEN}'{}{ending}", &c[1], &c[2], &c[3], &c[5]);
        }
        return line.to_string();
    }
    if HEX_DUMP.is_match(body) {
        return format!("{HIDDEN}{ending}");
    }
    if KEY_VALUE.is_match(body) {
        return format!("{}{ending}", KEY_VALUE.replace(body, "${1}<secret hidden>"));
    }
    if let Some(hidden) = account_line(body) {
        return format!("{hidden}{ending}");
    }
    line.to_string()
}

/// `line` without its line ending, and the ending.
fn split_ending(line: &str) -> (&str, &str) {
    let body = line.trim_end_matches(['\r', '\n']);
    (body, &line[body.len()..])
}

/// A uci value without its quotes.
fn unquote(value: &str) -> &str {
    value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .unwrap_or(value)
}

/// Whether the uci option `name` with this value holds a secret.
fn uci_secret(name: &str, value: &str) -> bool {
    let name = name.to_ascii_lowercase();
    if value.is_empty() || name.ends_with("public_key") || name.ends_with("pubkey") {
        return false;
    }
    if name == "r0kh" || name == "r1kh" {
        return true;
    }
    let keyish = name.ends_with("key")
        || (name.len() == 4 && name.starts_with("key") && name.as_bytes()[3].is_ascii_digit())
        || name.ends_with("secret");
    let passwordish = [
        "password",
        "passwd",
        "psk",
        "pwd",
        "passphrase",
        "community",
        "pincode",
    ]
    .iter()
    .any(|s| name.ends_with(s))
        || name == "pass"
        || name.ends_with("_pass");
    if keyish {
        // A path to a key file (uhttpd, OpenVPN) is not the key.
        let is_path = value.starts_with('/') && !value.contains(char::is_whitespace);
        return !is_path;
    }
    // rpcd's `$p$root` names the system user whose password applies.
    passwordish && !value.starts_with("$p$")
}

/// An `/etc/shadow` (9 fields) or `/etc/passwd` (7 fields) line with its
/// password hash hidden; `None` when it is no such line or holds no hash.
fn account_line(line: &str) -> Option<String> {
    let fields: Vec<&str> = line.split(':').collect();
    let shadow = fields.len() == 9 && fields[2].bytes().all(|b| b.is_ascii_digit());
    let passwd =
        fields.len() == 7 && !fields[2].is_empty() && fields[2].bytes().all(|b| b.is_ascii_digit());
    let user_ok = !fields[0].is_empty()
        && fields[0]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-$".contains(&b));
    if !(shadow || passwd) || !user_ok {
        return None;
    }
    if fields[1]
        .bytes()
        .all(|b| b == b'*' || b == b'!' || b == b'x')
    {
        return None;
    }
    let mut hidden = fields.clone();
    hidden[1] = HIDDEN;
    Some(hidden.join(":"))
}

/// A `chap-secrets` / `pap-secrets` line with its secret (third field)
/// hidden; comments and short lines as they are.
fn ppp_secret(line: &str) -> String {
    static SECRET: LazyLock<text::Regex> =
        LazyLock::new(|| text::re(r#"^(\s*[^#\s]\S*\s+\S+\s+)(?:"[^"]*"|\S+)(.*)$"#));
    let (body, ending) = split_ending(line);
    match SECRET.captures(body) {
        Some(c) => format!("{}{HIDDEN}{}{ending}", &c[1], &c[2]),
        None => line.to_string(),
    }
}

netraven_driver_sdk::export_driver!(Openwrt);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Openwrt>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Openwrt>(CONFORMANCE);
    }

    // A router running OpenWrt 23.05.2 on MediaTek MT7621, each reply
    // minimal and shaped as the device prints it (no published session of
    // these commands exists):
    // - `/etc/banner`: OpenWrt's banner template
    //   (openwrt/openwrt `package/base-files/files/etc/banner`, GPL-2.0, the
    //   23.05 art) filled in as the 23.05.2 release prints it;
    // - `/proc/cpuinfo`: the first lines of a published MT7621 listing
    //   (wenerme/wener `tricks/ops/hardware/network/ubnt/er-models.md`, an
    //   EdgeRouter X), machine name as OpenWrt's device tree gives it;
    // - `/etc/openwrt_release`: openwrt/openwrt
    //   `package/base-files/files/etc/openwrt_release` filled in;
    // - `sysupgrade -l`: one path a line, as in the listing published at
    //   blog.51cto.com/u_15477596/6360676, fewer files;
    // - `uci export`: the layout of uci's `uci_export_package` (openwrt/uci
    //   `file.c`: `package NAME`, a blank line before each `config`, a
    //   tab before each `option`/`list`, a blank line at the end; unnamed
    //   sections named `cfgXXXXXX`, uci's default `-n`);
    // - `/etc/passwd`: openwrt/openwrt `package/base-files/files/etc/passwd`;
    //   `/etc/shadow` in its layout; the host key dump twelve bytes.
    // Every secret is a canary.
    const FULL: &str = r##"init_prompt:
commands:
  - "cat /etc/banner\n": |2
        _______                     ________        __
       |       |.-----.-----.-----.|  |  |  |.----.|  |_
       |   -   ||  _  |  -__|     ||  |  |  ||   _||   _|
       |_______||   __|_____|__|__||________||__|  |____|
                |__| W I R E L E S S   F R E E D O M
       -----------------------------------------------------
       OpenWrt 23.05.2, r23630-842932a63d
       -----------------------------------------------------
  - "cat /proc/cpuinfo\n": "system type\t\t: MediaTek MT7621 ver:1 eco:3\nmachine\t\t\t: Ubiquiti EdgeRouter X\nprocessor\t\t: 0\ncpu model\t\t: MIPS 1004Kc V2.15\nBogoMIPS\t\t: 581.63\nwait instruction\t: yes\n\n"
  - "cat /etc/openwrt_release\n": |
      DISTRIB_ID='OpenWrt'
      DISTRIB_RELEASE='23.05.2'
      DISTRIB_REVISION='r23630-842932a63d'
      DISTRIB_TARGET='ramips/mt7621'
      DISTRIB_ARCH='mipsel_24kc'
      DISTRIB_DESCRIPTION='OpenWrt 23.05.2 r23630-842932a63d'
      DISTRIB_TAINTS=''
  - "sysupgrade -l\n": |
      /etc/config/dropbear
      /etc/config/firewall-opkg
      /etc/config/network
      /etc/config/rpcd
      /etc/config/wireless
      /etc/dropbear/dropbear_rsa_host_key
      /etc/passwd
      /etc/shadow
  - "cat /proc/mtd\n": |
      dev:    size   erasesize  name
      mtd0: 00080000 00020000 \"u-boot\"
      mtd1: 00060000 00020000 \"u-boot-env\"
      mtd2: 00060000 00020000 \"factory\"
      mtd3: 0f9a0000 00020000 \"ubi\"
  - "uci export dropbear\n": "package dropbear\n\nconfig dropbear 'cfg014dd4'\n\toption PasswordAuth 'on'\n\toption RootPasswordAuth 'on'\n\toption Port '22'\n\n"
  - "uci export network\n": "package network\n\nconfig interface 'loopback'\n\toption device 'lo'\n\toption proto 'static'\n\toption ipaddr '127.0.0.1'\n\toption netmask '255.0.0.0'\n\nconfig interface 'wan'\n\toption device 'eth0'\n\toption proto 'pppoe'\n\toption username 'user@isp.example'\n\toption password 'PPPCANARY'\n\nconfig interface 'wg0'\n\toption proto 'wireguard'\n\toption private_key 'WGPRIVCANARY0000000000000000000000000000000='\n\tlist addresses '10.0.0.1/24'\n\nconfig wireguard_wg0 'cfg0b3f1a'\n\toption public_key 'WGPUBLIC00000000000000000000000000000000000='\n\toption preshared_key 'WGPSKCANARY000000000000000000000000000000000='\n\tlist allowed_ips '10.0.0.2/32'\n\n"
  - "uci export rpcd\n": "package rpcd\n\nconfig rpcd\n\toption socket '/var/run/ubus/ubus.sock'\n\toption timeout '30'\n\nconfig login\n\toption username 'root'\n\toption password '$p$root'\n\tlist read '*'\n\tlist write '*'\n\n"
  - "uci export wireless\n": "package wireless\n\nconfig wifi-device 'radio0'\n\toption type 'mac80211'\n\toption channel '1'\n\toption band '2g'\n\nconfig wifi-iface 'default_radio0'\n\toption device 'radio0'\n\toption network 'lan'\n\toption mode 'ap'\n\toption ssid 'OpenWrt'\n\toption encryption 'psk2'\n\toption key 'WIFICANARY'\n\n"
  - "gzip -c /etc/dropbear/dropbear_rsa_host_key | hexdump -ve '1/1 \"_x%.2x\"' | tr _ \\\n": '\\x1f\\x8b\\x08\\x00\\x5c\\x3a\\x6f\\x65\\x00\\x03\\xca\\xfe'
  - "cat /etc/passwd\n": |
      root:x:0:0:root:/root:/bin/ash
      daemon:*:1:1:daemon:/var:/bin/false
      network:*:101:101:network:/var:/bin/false
      nobody:*:65534:65534:nobody:/var:/bin/false
  - "cat /etc/shadow\n": |
      root:$1$SALTCANA$HASHCANARY000000000000:19700:0:99999:7:::
      daemon:*:0:0:99999:7:::
      network:*:0:0:99999:7:::
      nobody:*:0:0:99999:7:::
"##;

    /// What Oxidized's model stores for `FULL` (../shared/oxidized/oracle
    /// openwrt).
    const FULL_OUTPUT: &str = "##### Info: /etc/banner #####\n\
#  _______                     ________        __\n\
# |       |.-----.-----.-----.|  |  |  |.----.|  |_\n\
# |   -   ||  _  |  -__|     ||  |  |  ||   _||   _|\n\
# |_______||   __|_____|__|__||________||__|  |____|\n\
#          |__| W I R E L E S S   F R E E D O M\n\
# -----------------------------------------------------\n\
# OpenWrt 23.05.2, r23630-842932a63d\n\
# -----------------------------------------------------\n\
##### Info: /proc/cpuinfo #####\n\
#system type\t\t: MediaTek MT7621 ver:1 eco:3\n\
#machine\t\t\t: Ubiquiti EdgeRouter X\n\
#processor\t\t: 0\n\
#cpu model\t\t: MIPS 1004Kc V2.15\n\
#BogoMIPS\t\t: 581.63\n\
#wait instruction\t: yes\n\
#\n\
##### Info: /etc/openwrt_release #####\n\
#DISTRIB_ID='OpenWrt'\n\
#DISTRIB_RELEASE='23.05.2'\n\
#DISTRIB_REVISION='r23630-842932a63d'\n\
#DISTRIB_TARGET='ramips/mt7621'\n\
#DISTRIB_ARCH='mipsel_24kc'\n\
#DISTRIB_DESCRIPTION='OpenWrt 23.05.2 r23630-842932a63d'\n\
#DISTRIB_TAINTS=''\n\
##### Info: sysupgrade -l #####\n\
#/etc/config/dropbear\n\
#/etc/config/firewall-opkg\n\
#/etc/config/network\n\
#/etc/config/rpcd\n\
#/etc/config/wireless\n\
#/etc/dropbear/dropbear_rsa_host_key\n\
#/etc/passwd\n\
#/etc/shadow\n\
##### Info: /proc/mtd #####\n\
#dev:    size   erasesize  name\n\
#mtd0: 00080000 00020000 \"u-boot\"\n\
#mtd1: 00060000 00020000 \"u-boot-env\"\n\
#mtd2: 00060000 00020000 \"factory\"\n\
#mtd3: 0f9a0000 00020000 \"ubi\"\n\
##### File: /etc/config/dropbear #####\n\
package dropbear\n\
\n\
config dropbear 'cfg014dd4'\n\
\toption PasswordAuth 'on'\n\
\toption RootPasswordAuth 'on'\n\
\toption Port '22'\n\
\n\
\n\
##### File: /etc/config/network #####\n\
package network\n\
\n\
config interface 'loopback'\n\
\toption device 'lo'\n\
\toption proto 'static'\n\
\toption ipaddr '127.0.0.1'\n\
\toption netmask '255.0.0.0'\n\
\n\
config interface 'wan'\n\
\toption device 'eth0'\n\
\toption proto 'pppoe'\n\
\toption username 'user@isp.example'\n\
\toption password 'PPPCANARY'\n\
\n\
config interface 'wg0'\n\
\toption proto 'wireguard'\n\
\toption private_key 'WGPRIVCANARY0000000000000000000000000000000='\n\
\tlist addresses '10.0.0.1/24'\n\
\n\
config wireguard_wg0 'cfg0b3f1a'\n\
\toption public_key 'WGPUBLIC00000000000000000000000000000000000='\n\
\toption preshared_key 'WGPSKCANARY000000000000000000000000000000000='\n\
\tlist allowed_ips '10.0.0.2/32'\n\
\n\
\n\
##### File: /etc/config/rpcd #####\n\
package rpcd\n\
\n\
config rpcd\n\
\toption socket '/var/run/ubus/ubus.sock'\n\
\toption timeout '30'\n\
\n\
config login\n\
\toption username 'root'\n\
\toption password '$p$root'\n\
\tlist read '*'\n\
\tlist write '*'\n\
\n\
\n\
##### File: /etc/config/wireless #####\n\
package wireless\n\
\n\
config wifi-device 'radio0'\n\
\toption type 'mac80211'\n\
\toption channel '1'\n\
\toption band '2g'\n\
\n\
config wifi-iface 'default_radio0'\n\
\toption device 'radio0'\n\
\toption network 'lan'\n\
\toption mode 'ap'\n\
\toption ssid 'OpenWrt'\n\
\toption encryption 'psk2'\n\
\toption key 'WIFICANARY'\n\
\n\
\n\
##### Binary file: /etc/dropbear/dropbear_rsa_host_key #####\n\
#Decode using 'echo -en <data> | gzip -dc > /etc/dropbear/dropbear_rsa_host_key'\n\
\\x1f\\x8b\\x08\\x00\\x5c\\x3a\\x6f\\x65\\x00\\x03\\xca\\xfe\n\
##### File: /etc/passwd #####\n\
root:x:0:0:root:/root:/bin/ash\n\
daemon:*:1:1:daemon:/var:/bin/false\n\
network:*:101:101:network:/var:/bin/false\n\
nobody:*:65534:65534:nobody:/var:/bin/false\n\
\n\
##### File: /etc/shadow #####\n\
root:$1$SALTCANA$HASHCANARY000000000000:19700:0:99999:7:::\n\
daemon:*:0:0:99999:7:::\n\
network:*:0:0:99999:7:::\n\
nobody:*:0:0:99999:7:::\n\
";

    /// `FULL` with the reply to `command` replaced (a YAML double-quoted
    /// string body).
    fn with_reply(command: &str, reply: &str) -> String {
        let key = format!("  - \"{command}\\n\": ");
        let start = FULL.find(&key).expect("the command is in FULL") + key.len();
        // The reply runs to the next step (or the end).
        let end = FULL[start..]
            .find("\n  - \"")
            .map_or(FULL.len(), |i| start + i);
        format!("{}\"{reply}\"{}", &FULL[..start], &FULL[end..])
    }

    /// `FULL` with one more step at the end.
    fn with_step(key: &str, reply: &str) -> String {
        format!("{}  - \"{key}\\n\": '{reply}'\n", FULL)
    }

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup = scripted::backup::<Openwrt>(FULL, &Device::default()).expect("replayed whole");
        assert_eq!(backup.config, FULL_OUTPUT);
    }

    #[test]
    fn refused_information_and_files_are_left_out() {
        // BusyBox `cat`'s wording for a missing file.
        let recording = with_reply(
            "cat /proc/cpuinfo",
            "cat: can't open '/proc/cpuinfo': No such file or directory\\n",
        );
        let recording = recording.replace(
            "  - \"cat /etc/passwd\\n\": |\n      root:x:0:0:root:/root:/bin/ash\n      daemon:*:1:1:daemon:/var:/bin/false\n      network:*:101:101:network:/var:/bin/false\n      nobody:*:65534:65534:nobody:/var:/bin/false\n",
            "  - \"cat /etc/passwd\\n\": \"cat: can't open '/etc/passwd': Permission denied\\n\"\n",
        );
        let backup = scripted::backup_without::<Openwrt>(
            &recording,
            &Device::default(),
            &["cat /proc/cpuinfo", "cat /etc/passwd"],
        );
        let cpuinfo_start = FULL_OUTPUT.find("##### Info: /proc/cpuinfo").unwrap();
        let cpuinfo_end = FULL_OUTPUT
            .find("##### Info: /etc/openwrt_release")
            .unwrap();
        let passwd_start = FULL_OUTPUT.find("##### File: /etc/passwd").unwrap();
        let passwd_end = FULL_OUTPUT.find("##### File: /etc/shadow").unwrap();
        let expected = format!(
            "{}{}{}",
            &FULL_OUTPUT[..cpuinfo_start],
            &FULL_OUTPUT[cpuinfo_end..passwd_start],
            &FULL_OUTPUT[passwd_end..]
        );
        assert_eq!(backup.config, expected);
    }

    /// A file saved with Windows line ends (`/etc/rc.local`, written for
    /// the test): an exec channel passes its `\r\n` through, and Oxidized
    /// keeps it; only a listing in `\r\n` (a channel that turns line ends)
    /// makes the driver read every output with `\n`.
    #[test]
    fn a_file_of_its_own_in_crlf_is_kept_as_oxidized_keeps_it() {
        let recording = FULL
            .replace(
                "      /etc/passwd\n      /etc/shadow\n",
                "      /etc/passwd\n      /etc/rc.local\n      /etc/shadow\n",
            )
            .replace(
                "  - \"cat /etc/shadow\\n\": |\n",
                "  - \"cat /etc/rc.local\\n\": \"# Put your custom commands here that should be executed once\\r\\n\\r\\nexit 0\\r\\n\"\n  - \"cat /etc/shadow\\n\": |\n",
            );
        let backup =
            scripted::backup::<Openwrt>(&recording, &Device::default()).expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle openwrt), byte for byte.
        let expected = FULL_OUTPUT
            .replace("#/etc/passwd\n", "#/etc/passwd\n#/etc/rc.local\n")
            .replace(
                "##### File: /etc/shadow #####\n",
                "##### File: /etc/rc.local #####\n\
                 # Put your custom commands here that should be executed once\r\n\r\nexit 0\r\n\n\
                 ##### File: /etc/shadow #####\n",
            );
        assert_ne!(expected, FULL_OUTPUT);
        assert_eq!(backup.config, expected);
    }

    #[test]
    fn a_refused_file_listing_fails_the_backup() {
        scripted::backup_fails_with::<Openwrt>(
            &with_reply("sysupgrade -l", "-ash: sysupgrade: Permission denied\\n"),
            &Device::default(),
            r#"essential command "sysupgrade -l": the device refused it"#,
        );
        scripted::backup_fails_with::<Openwrt>(
            &with_reply("sysupgrade -l", ""),
            &Device::default(),
            "the device printed nothing",
        );
    }

    #[test]
    fn a_listing_without_configuration_fails_the_backup() {
        // BusyBox ash on a box without sysupgrade (its exit status goes
        // unseen in a replay): no /etc/config file to export.
        let err = scripted::backup_fails_with::<Openwrt>(
            &with_reply("sysupgrade -l", "ash: sysupgrade: not found\\n"),
            &Device::default(),
            "listed no /etc/config file",
        );
        assert!(err.contains("rejected"), "{err}");
    }

    #[test]
    fn a_refused_uci_export_fails_the_backup() {
        scripted::backup_fails_with::<Openwrt>(
            &with_reply("uci export network", "uci: Entry not found\\n"),
            &Device::default(),
            r#"essential command "uci export network": the device refused it: "uci: Entry not found""#,
        );
    }

    #[test]
    fn remove_secret_scrubs_as_oxidized_does() {
        let device = Device::with_vars(&[("remove_secret", "true")]);
        let backup = scripted::backup::<Openwrt>(FULL, &device).expect("replayed whole");
        // What Oxidized's model stores for `FULL` with `remove_secret` set
        // (its model code run as ../shared/oxidized/oracle runs it, with the
        // var set in `Oxidized.config.vars`): `option password`/`option key`
        // values of every uci export but rpcd and uhttpd hidden, and the
        // second field of every shadow line emptied (`*` too). Its rules
        // miss the WireGuard keys, which `redact` hides.
        let expected = FULL_OUTPUT
            .replace(
                "option password 'PPPCANARY'",
                "option password '<secret hidden>'",
            )
            .replace("option key 'WIFICANARY'", "option key '<secret hidden>'")
            .replace(SHADOW_LINES, SHADOW_SCRUBBED);
        assert_ne!(expected, FULL_OUTPUT);
        assert_eq!(backup.config, expected);
        assert!(backup.config.contains("option password '$p$root'"));
        assert!(backup.config.contains("WGPRIVCANARY"));
    }

    #[test]
    fn non_sensitive_files_are_the_ones_remove_secret_spares() {
        let device = Device::with_vars(&[
            ("remove_secret", "yes"),
            ("openwrt_non_sensitive_files", "network, uhttpd"),
        ]);
        let backup = scripted::backup::<Openwrt>(FULL, &device).expect("replayed whole");
        // What Oxidized's model stores with these vars (run as above): the
        // network file spared, rpcd's reference no longer.
        let expected = FULL_OUTPUT
            .replace(
                "option password '$p$root'",
                "option password '<secret hidden>'",
            )
            .replace("option key 'WIFICANARY'", "option key '<secret hidden>'")
            .replace(SHADOW_LINES, SHADOW_SCRUBBED);
        assert_eq!(backup.config, expected);
        assert!(backup.config.contains("option password 'PPPCANARY'"));
    }

    const SHADOW_LINES: &str = "root:$1$SALTCANA$HASHCANARY000000000000:19700:0:99999:7:::\n\
                                daemon:*:0:0:99999:7:::\n\
                                network:*:0:0:99999:7:::\n\
                                nobody:*:0:0:99999:7:::\n";
    const SHADOW_SCRUBBED: &str = "root::19700:0:99999:7:::\ndaemon::0:0:99999:7:::\n\
                                   network::0:0:99999:7:::\nnobody::0:0:99999:7:::\n";

    #[test]
    fn binary_files_come_from_the_device_var() {
        // The host key is now read with `cat`, and `/etc/shadow` dumped.
        let recording: String = text::lines(FULL)
            .map(|l| {
                if l.starts_with("  - \"gzip -c /etc/dropbear/") {
                    "  - \"cat /etc/dropbear/dropbear_rsa_host_key\\n\": 'KEYBYTES'\n"
                } else {
                    l
                }
            })
            .collect();
        let recording = recording.replace(
            "\"cat /etc/shadow\\n\"",
            "\"gzip -c /etc/shadow | hexdump -ve '1/1 \\\"_x%.2x\\\"' | tr _ \\\\\\n\"",
        );
        let device = Device::with_vars(&[("openwrt_binary_files", "/etc/shadow")]);
        let backup = scripted::backup::<Openwrt>(&recording, &device).expect("replayed whole");
        // What Oxidized's model stores with this var (run as above).
        let expected = FULL_OUTPUT
            .replace(
                "##### Binary file: /etc/dropbear/dropbear_rsa_host_key #####\n\
                 #Decode using 'echo -en <data> | gzip -dc > /etc/dropbear/dropbear_rsa_host_key'\n\
                 \\x1f\\x8b\\x08\\x00\\x5c\\x3a\\x6f\\x65\\x00\\x03\\xca\\xfe\n",
                "##### File: /etc/dropbear/dropbear_rsa_host_key #####\nKEYBYTES\n",
            )
            .replace(
                "##### File: /etc/shadow #####\n",
                "##### Binary file: /etc/shadow #####\n\
                 #Decode using 'echo -en <data> | gzip -dc > /etc/shadow'\n",
            );
        assert_ne!(expected, FULL_OUTPUT);
        assert_eq!(backup.config, expected);
    }

    const DD_MTD2: &str = "dd if=/dev/mtd2 2>/dev/null | gzip -c | hexdump -ve '1/1 \\\"%.2x\\\"'";

    #[test]
    fn partitions_are_dumped_only_when_asked() {
        let recording = with_step(DD_MTD2, "1f8b0800000000000003cafe");
        let device = Device::with_vars(&[
            ("openwrt_backup_partitions", "true"),
            ("openwrt_partitions_to_backup", "factory art"),
        ]);
        let backup = scripted::backup::<Openwrt>(&recording, &device).expect("replayed whole");
        // What Oxidized's model stores with these vars (run as above).
        assert_eq!(
            backup.config,
            format!(
                "{FULL_OUTPUT}\n##### Partition: factory /dev/mtd2 #####\n\
                 #Decode using 'echo -en <data> | gzip -dc > factory'\n1f8b0800000000000003cafe"
            )
        );
        // Without the flag, or with Oxidized's default list (which names
        // no partition of this router), nothing more is sent.
        for vars in [
            &[("openwrt_partitions_to_backup", "factory")][..],
            &[("openwrt_backup_partitions", "true")][..],
        ] {
            let backup = scripted::backup::<Openwrt>(FULL, &Device::with_vars(vars))
                .expect("replayed whole");
            assert_eq!(backup.config, FULL_OUTPUT);
        }
    }

    #[test]
    fn partitions_are_read_from_proc_mtd() {
        let mtd = "dev:    size   erasesize  name\nmtd0: 00040000 00010000 \"u-boot\"\n\
                   mtd1: 00010000 00010000 \"u-boot-env\"\nmtd2: 00f90000 00010000 \"firmware\"\n\
                   mtd3: 00010000 00010000 \"art\"\n";
        let found: Vec<(String, String)> = partitions(mtd);
        let names: Vec<(&str, &str)> = found
            .iter()
            .map(|(p, n)| (p.as_str(), n.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("mtd0", "u-boot"),
                ("mtd1", "u-boot-env"),
                ("mtd2", "firmware"),
                ("mtd3", "art")
            ]
        );
    }

    #[test]
    fn opkg_copies_and_blank_lines_of_the_listing_are_skipped() {
        // `firewall-opkg` is listed in FULL and never exported; a blank
        // line sends nothing either.
        let recording = FULL.replace(
            "      /etc/config/rpcd\n",
            "      /etc/config/rpcd\n      \n",
        );
        let backup =
            scripted::backup::<Openwrt>(&recording, &Device::default()).expect("replayed whole");
        assert!(
            !backup
                .config
                .contains("##### File: /etc/config/firewall-opkg")
        );
        assert_eq!(file_name("/etc/config/network"), "network");
        assert_eq!(file_name("/etc/config/"), "config");
    }

    #[test]
    fn the_prompt_is_busybox_ash_on_openwrt() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "root@OpenWrt:~# ",
            "root@OpenWrt:/etc/config# ",
            // As published (the blog.51cto.com and huaweicloud.csdn.net
            // pages named in the module's doc).
            "root@openwrt:# ",
            "root@openwwrt:/lib/upgrade/keep.d# ",
            "root@OpenWrt:/# ",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for f in [
            "/etc/config/network",
            "          |   W I R E L E S S   F R E E D O M",
            "#DISTRIB_ID='%D'",
            "##### Info: /etc/banner #####",
            " -----------------------------------------------------",
            "BusyBox v1.36.1 (2023-11-14 13:38:11 UTC) built-in shell (ash)",
            "config interface 'wan'",
            "\toption proto 'pppoe'",
        ] {
            assert!(!prompt.is_match(f), "{f:?}");
        }
    }

    #[test]
    fn redact_hides_the_secrets_of_the_backup() {
        let out = Openwrt::redact(FULL_OUTPUT);
        for secret in [
            "PPPCANARY",
            "WGPRIVCANARY",
            "WGPSKCANARY",
            "WIFICANARY",
            "SALTCANA",
            "HASHCANARY",
            "\\x1f\\x8b",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "\toption password '<secret hidden>'\n",
            "\toption private_key '<secret hidden>'\n",
            "\toption preshared_key '<secret hidden>'\n",
            "\toption key '<secret hidden>'\n",
            "\toption public_key 'WGPUBLIC00000000000000000000000000000000000='\n",
            "\toption password '$p$root'\n",
            "\toption PasswordAuth 'on'\n",
            "\toption username 'user@isp.example'\n",
            "root:<secret hidden>:19700:0:99999:7:::\n",
            "daemon:*:0:0:99999:7:::\n",
            "root:x:0:0:root:/root:/bin/ash\n",
            "##### Binary file: /etc/dropbear/dropbear_rsa_host_key #####\n\
             #Decode using 'echo -en <data> | gzip -dc > /etc/dropbear/dropbear_rsa_host_key'\n\
             <secret hidden>\n##### File: /etc/passwd #####\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing:\n{out}");
        }
        // Nothing else changes.
        assert_eq!(out.lines().count(), FULL_OUTPUT.lines().count());
    }

    #[test]
    fn redact_hides_every_other_kind_of_secret() {
        let cfg = "##### File: /etc/config/wireless #####\n\
            package wireless\n\n\
            config wifi-iface 'wep'\n\
            \toption key '1'\n\
            \toption key1 's:WEPCANARY'\n\
            \toption sae_password 'SAECANARY'\n\
            \toption auth_secret 'RADIUSCANARY'\n\
            \toption key 'it'\\''sQUOTECANARY'\n\
            \tlist r0kh '02:00:00:00:03:00,nas1.example.com,R0KHCANARY'\n\n\
            ##### File: /etc/config/uhttpd #####\n\
            package uhttpd\n\n\
            config uhttpd 'main'\n\
            \toption key '/etc/uhttpd.key'\n\
            \toption cert '/etc/uhttpd.crt'\n\n\
            ##### File: /etc/config/snmpd #####\n\
            \toption community 'COMMCANARY'\n\
            \toption pincode '4711'\n\n\
            ##### File: /etc/ppp/chap-secrets #####\n\
            #client\tserver\tsecret\tIP addresses\n\
            \"isp-user\" * \"CHAPCANARY\" *\n\
            ##### File: /etc/dropbear/dropbear_ed25519_host_key #####\n\
            \0\0\0\x0bssh-ed25519\0\0\0@ED25519CANARY\n\
            more ED25519CANARY2\n\
            ##### File: /etc/hostapd.conf #####\n\
            wpa_passphrase=HOSTAPDCANARY\n\
            ##### File: /etc/wireguard/wg0.conf #####\n\
            PrivateKey = WGCONFCANARY=\n\
            ##### File: /etc/openvpn/client.conf #####\n\
            <key>\n-----BEGIN PRIVATE KEY-----\nPEMCANARY\n-----END PRIVATE KEY-----\n</key>\n\
            ##### Partition: u_env /dev/mtd1 #####\n\
            #Decode using 'echo -en <data> | gzip -dc > u_env'\n\
            1f8b0800ENVCANARY\n\
            ##### Partition: art /dev/mtd3 #####\n\
            #Decode using 'echo -en <data> | gzip -dc > art'\n\
            1f8b0800cafe\n";
        let out = Openwrt::redact(cfg);
        for secret in [
            "WEPCANARY",
            "SAECANARY",
            "RADIUSCANARY",
            "QUOTECANARY",
            "R0KHCANARY",
            "COMMCANARY",
            "4711",
            "CHAPCANARY",
            "ED25519CANARY",
            "HOSTAPDCANARY",
            "WGCONFCANARY",
            "PEMCANARY",
            "ENVCANARY",
        ] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        for kept in [
            "\toption key1 '<secret hidden>'\n",
            "\toption key '<secret hidden>'\n\tlist r0kh '<secret hidden>'\n",
            "\toption key '/etc/uhttpd.key'\n",
            "\toption community '<secret hidden>'\n",
            "\"isp-user\" * <secret hidden> *\n",
            "#client\tserver\tsecret\tIP addresses\n",
            "##### File: /etc/dropbear/dropbear_ed25519_host_key #####\n<secret hidden>\n##### File",
            "wpa_passphrase=<secret hidden>\n",
            "PrivateKey = <secret hidden>\n",
            "-----BEGIN PRIVATE KEY-----\n<secret hidden>\n-----END PRIVATE KEY-----\n",
            "#Decode using 'echo -en <data> | gzip -dc > u_env'\n<secret hidden>\n",
            "1f8b0800cafe\n",
        ] {
            assert!(out.contains(kept), "{kept:?} missing:\n{out}");
        }
    }

    #[test]
    fn redact_works_on_bare_command_output_too() {
        // A session transcript: the exec outputs without the headers.
        let transcript = "\\x1f\\x8b\\x08\\x00\\x5c\\x3a\\x6f\\x65\\x00\\x03\\xca\\xfe\n\
                          root:$1$abc$HASHCANARY:19700:0:99999:7:::\n\
                          \toption key 'WIFICANARY'\n";
        assert_eq!(
            Openwrt::redact(transcript),
            "<secret hidden>\nroot:<secret hidden>:19700:0:99999:7:::\n\toption key '<secret hidden>'\n"
        );
    }

    #[test]
    fn significant_ignores_clock_and_bogomips_lines() {
        let x86 = "##### Info: /proc/cpuinfo #####\n#processor\t: 0\n#cpu MHz\t\t: 2394.454\n\
                   #bogomips\t: 4788.90\n#flags\t\t: fpu\n";
        assert_eq!(
            Openwrt::significant(x86),
            "##### Info: /proc/cpuinfo #####\n#processor\t: 0\n#flags\t\t: fpu\n"
        );
        let significant = Openwrt::significant(FULL_OUTPUT);
        assert!(!significant.contains("BogoMIPS"));
        assert_eq!(significant.lines().count() + 1, FULL_OUTPUT.lines().count());
    }
}
