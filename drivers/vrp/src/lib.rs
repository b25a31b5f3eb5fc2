//! Huawei routers and switches running VRP 5 or VRP 8 (AR, S, CE, NE, CX
//! series; Oxidized model `vrp`).
//!
//! No published session of the configuration command
//! (`display current-configuration all`) exists yet (see the `vrp`
//! sections of `tests/corpus/netraven/RESEARCH.md`), so the driver is
//! checked by its unit tests against what Oxidized's own model code stores
//! for the same scripted sessions (`../shared/oxidized/oracle vrp`), and
//! by the prompt case `tests/corpus/netraven/vrp#generic#prompt.yaml`.
//!
//! Session: the user-view prompt is the sysname in angle brackets
//! (`<HUAWEI>`, `<ce8850-test>`); the system view (`[~HUAWEI]`,
//! `[HUAWEI-vlan10]`) is not a prompt here. Something may come before the
//! brackets on the prompt's line, as Oxidized allows, but the name must
//! start with a letter or digit, so a configuration line that ends in
//! `<->` (an irreversible cipher) is not a prompt; it also takes `:` and `/`
//! in the name (gnetcli's prompt fixtures). Both are deliberate: Oxidized's
//! `^.*(<[\w.-]+>)$` takes `<->` as a prompt and times out on a name with
//! `:` or `/`, so no backup Oxidized stored depends on them. There is no
//! enable step.
//! After login the driver sends `screen-length 0 temporary` (no pager),
//! whose reply is not read. Logout is `quit`; the device hangs up.
//!
//! Commands, in Oxidized's order:
//! - `display version` (optional), stored as `# ` comments, without the
//!   lines holding `uptime` (they change every minute) and without
//!   timestamp lines (`2022-10-20 15:32:26+02:00`,
//!   `2022-10-20 15:32:26.123 +02:00`, alone on their line);
//! - `display device` (optional), as `# ` comments, without timestamp
//!   lines;
//! - `display current-configuration all` (essential), without timestamp
//!   lines: a device that refuses it (an AR29-21, which lacks the `all`
//!   keyword, answers `% Too many parameters found at '^' position.`, a
//!   CX600 user below level 15 `Error:Too many parameters found at '^'
//!   position.`, a user below level 3 `Error: You do not have permission
//!   ...`) fails the backup as
//!   `command_rejected`, and a configuration whose last line is not
//!   `return` was cut short and fails too.
//!
//! Every output loses its carriage returns before a line feed, its echo
//! (the first line) and its prompt (the last line), as Oxidized cuts it.
//! A refusal is VRP's `Error: Unrecognized command found at '^' position.`
//! (or `Error[1]: ...`, `Error:Too many parameters ...`, `Error: You do not
//! have permission ...`), often under a caret line.
//!
//! Oxidized stores a refused informational command's refusal as comments;
//! the driver leaves the command out instead (the backup is otherwise the
//! same).
//!
//! `redact` hides, keeping each keyword: every `%^%#...%^%#`, `%$%$...%$%$`
//! and `%@%@...%@%@` cipher text (as Oxidized hides the first form), every
//! value after `cipher`, `irreversible-cipher`, `simple` or `plain`
//! (local-user and `super` passwords, RADIUS/HWTACACS shared keys,
//! OSPF/IS-IS/RIP/BGP keys, IKE pre-shared keys, SNMPv3 user keys;
//! `simple plain KEY` and `simple cipher KEY` hide KEY), plain SNMP
//! community names (`snmp-agent community read NAME`, and the security name
//! of a v1/v2c `snmp-agent target-host ... params securityname NAME v2c`,
//! which is the community on VRP 5), and the SIM PIN of
//! `pin verify auto` (as Oxidized). Oxidized hides only the first form and
//! the PIN; its `%^%#` rule also swallows what lies between two cipher
//! texts of one line, where the driver keeps the words between them.
//!
//! `significant` ignores the `!Last configuration was updated at ...` and
//! `!Last configuration was saved at ...` lines at the head of the
//! configuration: a save or an automatic update rewrites them without a
//! change to the configuration.
//!
//! Device vars: none.
//!
//! Conformance cases (`tests/corpus/conformance/vrp#scripted_*`, scripted,
//! not recorded; `#output.txt` made by `../shared/oxidized/oracle vrp`):
//! `CE8850_crlf` (gnetcli's CE8850 greeting and `display version`,
//! ntc-templates' CE6850 `display device` whole, CRLF, blank lines at the
//! end of an output, a trailing space in the configuration) and
//! `ATN910_timestamps` (ntc-templates' ATN 910C-B `display version` whole,
//! timestamp lines of both forms before each output, a blank line inside
//! and after the configuration). Their `display device` of the ATN and both
//! configurations are minimal, written in the shape Huawei documents, with
//! canary secrets.

use netraven_driver_sdk::prelude::*;

pub struct Vrp;

/// `<sysname>` at the end of a line, the name starting with a letter or a
/// digit (`<ce8850-test>`, `<2134.aaa:bb.c-12.k1>`).
const PROMPT: &str = r"^.*<\w[\w.:/-]*>$";

const COMMENT: &str = "# ";

/// Set up after login; the reply is not read.
const SCREEN_LENGTH: &str = "screen-length 0 temporary";

const DISPLAY_VERSION: &str = "display version";

const DISPLAY_DEVICE: &str = "display device";

const DISPLAY_CONFIG: &str = "display current-configuration all";

/// The last line of a whole VRP configuration.
const CONFIG_END: &str = "return";

/// A line that is only a date and time, as VRP 8 prints one before some
/// outputs (matched without the line ending).
const TIMESTAMP: &str = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{3})? ?(\+\d\d:\d\d)?$";

impl Driver for Vrp {
    fn info() -> DriverInfo {
        DriverInfo::shell("vrp", env!("CARGO_PKG_VERSION"), &["vrp"], PROMPT, COMMENT)
    }

    fn login(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.read_until(PROMPT, None)?;
        session.command(SCREEN_LENGTH)?;
        Ok(())
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        let mut config = String::new();
        if let Some(raw) = session.optional(DISPLAY_VERSION)? {
            let version = text::drop_lines(&text::command_output(&raw), &["uptime", TIMESTAMP]);
            config.push_str(&text::comment(&version, COMMENT));
        }
        if let Some(raw) = session.optional(DISPLAY_DEVICE)? {
            let device = text::drop_lines(&text::command_output(&raw), &[TIMESTAMP]);
            config.push_str(&text::comment(&device, COMMENT));
        }

        let raw = session.essential(DISPLAY_CONFIG)?;
        let running = text::drop_lines(&text::command_output(&raw), &[TIMESTAMP]);
        complete(DISPLAY_CONFIG, &running, CONFIG_END)?;
        config.push_str(&running);
        Ok(Backup::config(config))
    }

    /// Log out; the device closes the session, so no prompt comes.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.send("quit\n")?;
        Ok(())
    }

    fn redact(config: &str) -> String {
        text::replace_in_lines(config, SECRET_RULES)
    }

    fn significant(config: &str) -> String {
        text::drop_lines(config, &[r"^!Last configuration was (updated|saved) at "])
    }
}

/// Secret removal, line by line: `(needle, regex, replacement)`, each line
/// matched without its line ending. Rules run in order, each on what the
/// ones before it left; a value already hidden (`<secret hidden>`) stays.
const SECRET_RULES: &[(&str, &str, &str)] = &[
    // Community names, plain (`snmp-agent community read public acl 2000`)
    // or as cipher text (`read cipher %^%#...%^%#`). First, while the
    // value after `cipher` is still there to be taken.
    (
        "snmp-agent community",
        r"^(\s*snmp-agent community (?:read|write)(?: cipher)?) [^\s<]\S*",
        "$1 <secret hidden>",
    ),
    // `password cipher %^%#K8m=...%^%#`, `community read cipher %^%#...%^%#`:
    // each cipher text, delimiters included, however many a line holds.
    ("%^%#", r"%\^%#.*?%\^%#", "<secret hidden>"),
    ("%$%$", r"%\$%\$.*?%\$%\$", "<secret hidden>"),
    ("%@%@", r"%@%@.*?%@%@", "<secret hidden>"),
    // `snmp-agent target-host trap address udp-domain 192.0.2.20 params
    // securityname NAME v2c`: on VRP 5 a v1/v2c target's security name is
    // the community, in clear. A v3 target's name (a user) stays.
    (
        "securityname",
        r"^(\s*snmp-agent target-host .* securityname(?: cipher)?) [^\s<]\S*((?: v1| v2c)(?: .*)?)?$",
        "$1 <secret hidden>$2",
    ),
    // Any other value after a `cipher` / `irreversible-cipher` / `simple`
    // keyword (`$1a$...$`, a password), or after `plain`, VRP's clear-text
    // form (`authentication-mode md5 1 plain KEY`). `simple` and `cipher`
    // skip a `plain` / `cipher` keyword after them
    // (`ospf authentication-mode simple plain KEY`). A value already hidden
    // is matched as it stands, so the keyword is never taken for a value.
    (
        "cipher ",
        r"(\S*cipher(?: plain| cipher)?) (?:<secret hidden>|[^\s<]\S*)",
        "$1 <secret hidden>",
    ),
    (
        "simple ",
        r"(\ssimple(?: plain| cipher)?) (?:<secret hidden>|[^\s<]\S*)",
        "$1 <secret hidden>",
    ),
    (
        "plain ",
        r"(\splain) (?:<secret hidden>|[^\s<]\S*)",
        "$1 <secret hidden>",
    ),
    // `pin verify auto 1234`: the SIM PIN of an LTE interface.
    (
        "pin verify",
        r"(pin verify(?: auto)?) .*",
        "$1 <PIN hidden>",
    ),
];

netraven_driver_sdk::export_driver!(Vrp);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/netraven");

    /// The prompt case (`vrp#generic#prompt.yaml`): prompts and lines that
    /// are not prompts, mostly gnetcli's test fixtures (see its source.md).
    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Vrp>(CORPUS);
    }

    /// Scripted sessions (not recordings) whose `#output.txt` is what
    /// Oxidized's model stores for them (`../shared/oxidized/oracle vrp`).
    const CONFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/conformance"
    );

    #[test]
    fn conformance_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Vrp>(CONFORMANCE);
    }

    #[test]
    fn conformance_cases_survive_chaos() {
        netraven_driver_sdk::harness::assert_chaos::<Vrp>(CONFORMANCE);
    }

    /// The placeholder prompt of gnetcli's mock device (a test fixture).
    const P: &str = "<some-device>";

    /// A session as a CloudEngine answers it: the login greeting and the
    /// reply to `screen-length 0 temporary` are those of gnetcli's mock
    /// CloudEngine dialogue (annetutil/gnetcli `pkg/device/huawei/huawei_mock_test.go`,
    /// `everyDayHuaweiHello`, MIT). `version`, `device` and `config` are
    /// what the three commands print (YAML escapes, each ending in `\r\n`).
    fn recording(version: &str, device: &str, config: &str) -> String {
        format!(
            "init_prompt: \"\\r\\nInfo: The max number of VTY users is 8, the number of current VTY users online is 2, and total number of terminal users is 2.\\r\\n      The current login time is 2022-10-31 14:14:23+02:00.\\r\\n      The last login time is 2022-10-28 17:33:49+02:00 from 2001:DB8:1234:1234::1:23 through SSH.\\r\\n{P}\"\n\
             commands:\n\
             \x20 - \"screen-length 0 temporary\\n\": \"screen-length 0 temporary\\r\\nInfo: The configuration takes effect on the current user terminal interface only.\\r\\n\\r\\n{P}\"\n\
             \x20 - \"display version\\n\": \"display version\\r\\n{version}{P}\"\n\
             \x20 - \"display device\\n\": \"display device\\r\\n{device}{P}\"\n\
             \x20 - \"display current-configuration all\\n\": \"display current-configuration all\\r\\n{config}{P}\"\n\
             \x20 - \"quit\\n\": \"\"\n"
        )
    }

    /// A CE8850's `display version`, as gnetcli's mock dialogue shows
    /// it (`huawei_mock_test.go`, "Test display version", MIT).
    const VERSION: &str = "Huawei Versatile Routing Platform Software\\r\\nVRP (R) software, Version 8.180 (CE8850EI V200R000C00SPC000)\\r\\nCopyright (C) 2012-2018 Huawei Technologies Co., Ltd.\\r\\nHUAWEI CE8850-64CQ-EI uptime is 3222 days, 3 hours, 31 minutes\\r\\nPatch Version: V200R005SPH036\\r\\n\\r\\nCE8850-64CQ-EI(Master) 1 : uptime is  3222 days, 3 hours, 30 minutes\\r\\n        StartupTime 2019/06/16   13:05:32+02:00\\r\\nMemory    Size    : 4096 M bytes\\r\\nFlash     Size    : 2048 M bytes\\r\\nCE8850-64CQ-EI version information\\r\\n1. PCB    Version : CEM64CQP01    VER A\\r\\n2. MAB    Version : 1\\r\\n3. Board  Type    : CE8850-64CQ-EI\\r\\n4. CPLD1  Version : 100\\r\\n5. CPLD2  Version : 100\\r\\n6. BIOS   Version : 190\\r\\n";

    /// An AR617's `display version` (networktocode/ntc-templates
    /// `tests/huawei_vrp/display_version/huawei_vrp_display_version4.raw`,
    /// Apache-2.0), whole, with its trailing space after `information :`.
    const VERSION_AR: &str = "Huawei Versatile Routing Platform Software\\r\\nVRP (R) software, Version 5.170 (AR610 V300R019C13SPC200)\\r\\nCopyright (C) 2011-2021 HUAWEI TECH CO., LTD\\r\\nHuawei AR617VW-LTE4EA Router uptime is 0 week, 0 day, 15 hours, 16 minutes\\r\\n\\r\\nMPU 0(Master) : uptime is 0 week, 0 day, 15 hours, 15 minutes\\r\\nSDRAM Memory Size    : 1024    M bytes\\r\\nFlash 0 Memory Size  : 1024    M bytes\\r\\nMPU version information : \\r\\n1. PCB      Version  : AR-SRU617 VER.C\\r\\n2. MAB      Version  : 0\\r\\n3. Board    Type     : AR617VW-LTE4EA\\r\\n4. BootROM  Version  : 1\\r\\n";

    /// A CE12808S's `display device` (ntc-templates
    /// `tests/huawei_vrp/display_device/huawei_vrp_display_device.raw`,
    /// Apache-2.0): its title and column lines and two of its 23 slot rows,
    /// trailing spaces kept. The first line, added for the test, is a timestamp line, in the
    /// form Oxidized's model removes; its value is the one gnetcli's
    /// mock `display clock` prints (`2022-10-20 15:32:26+02:00`).
    const DEVICE: &str = "2022-10-20 15:32:26+02:00\\r\\nCE12808S's Device status:\\r\\n-------------------------------------------------------------------------------------------\\r\\nSlot  Card   Type                     Online   Power Register     Alarm     Primary        \\r\\n-------------------------------------------------------------------------------------------\\r\\n9     -      CE-MPUA-S                Present  On    Registered   Normal    Master         \\r\\nFAN6  -      FAN-600A-B               Present  On    Registered   Normal    NA  \\r\\n";

    /// No published output of `display current-configuration all` exists:
    /// a minimal configuration shaped as Huawei's documentation shows one
    /// (the `!Software Version` and `!Last configuration was updated` head,
    /// `#` between sections, `return` last), after a timestamp line with
    /// milliseconds, the other form Oxidized's model removes.
    const CONFIG: &str = "2022-10-20 15:32:26.123 +02:00\\r\\n!Software Version V200R005C10SPC800\\r\\n!Last configuration was updated at 2022-10-20 15:30:01+02:00 by admin\\r\\n#\\r\\nsysname some-device\\r\\n#\\r\\nreturn\\r\\n";

    /// gnetcli's mock refusal of an unknown word (MIT).
    const UNRECOGNIZED: &str =
        "          ^\\r\\nError: Unrecognized command found at '^' position.\\r\\n";

    #[test]
    fn the_backup_is_what_oxidized_stores() {
        let backup =
            scripted::backup::<Vrp>(&recording(VERSION, DEVICE, CONFIG), &Device::default())
                .expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle vrp).
        assert_eq!(
            backup.config,
            "# Huawei Versatile Routing Platform Software\n\
             # VRP (R) software, Version 8.180 (CE8850EI V200R000C00SPC000)\n\
             # Copyright (C) 2012-2018 Huawei Technologies Co., Ltd.\n\
             # Patch Version: V200R005SPH036\n\
             # \n\
             #         StartupTime 2019/06/16   13:05:32+02:00\n\
             # Memory    Size    : 4096 M bytes\n\
             # Flash     Size    : 2048 M bytes\n\
             # CE8850-64CQ-EI version information\n\
             # 1. PCB    Version : CEM64CQP01    VER A\n\
             # 2. MAB    Version : 1\n\
             # 3. Board  Type    : CE8850-64CQ-EI\n\
             # 4. CPLD1  Version : 100\n\
             # 5. CPLD2  Version : 100\n\
             # 6. BIOS   Version : 190\n\
             # CE12808S's Device status:\n\
             # -------------------------------------------------------------------------------------------\n\
             # Slot  Card   Type                     Online   Power Register     Alarm     Primary        \n\
             # -------------------------------------------------------------------------------------------\n\
             # 9     -      CE-MPUA-S                Present  On    Registered   Normal    Master         \n\
             # FAN6  -      FAN-600A-B               Present  On    Registered   Normal    NA  \n\
             !Software Version V200R005C10SPC800\n\
             !Last configuration was updated at 2022-10-20 15:30:01+02:00 by admin\n\
             #\n\
             sysname some-device\n\
             #\n\
             return\n"
        );
    }

    #[test]
    fn an_access_router_s_version_keeps_its_trailing_space() {
        let backup =
            scripted::backup::<Vrp>(&recording(VERSION_AR, DEVICE, CONFIG), &Device::default())
                .expect("replayed whole");
        // What Oxidized's model stores for this session
        // (../shared/oxidized/oracle vrp), up to the device listing.
        assert!(
            backup.config.starts_with(
                "# Huawei Versatile Routing Platform Software\n\
                 # VRP (R) software, Version 5.170 (AR610 V300R019C13SPC200)\n\
                 # Copyright (C) 2011-2021 HUAWEI TECH CO., LTD\n\
                 # \n\
                 # SDRAM Memory Size    : 1024    M bytes\n\
                 # Flash 0 Memory Size  : 1024    M bytes\n\
                 # MPU version information : \n\
                 # 1. PCB      Version  : AR-SRU617 VER.C\n\
                 # 2. MAB      Version  : 0\n\
                 # 3. Board    Type     : AR617VW-LTE4EA\n\
                 # 4. BootROM  Version  : 1\n\
                 # CE12808S's Device status:\n"
            ),
            "{}",
            backup.config
        );
    }

    #[test]
    fn a_refused_device_listing_is_left_out() {
        let backup = scripted::backup_without::<Vrp>(
            &recording(VERSION, UNRECOGNIZED, CONFIG),
            &Device::default(),
            &["display device"],
        );
        assert!(!backup.config.contains("Unrecognized"), "{}", backup.config);
        assert!(
            backup
                .config
                .contains("# 6. BIOS   Version : 190\n!Software Version"),
            "{}",
            backup.config
        );
    }

    #[test]
    fn the_all_keyword_refused_fails_the_backup() {
        // The wording an AR29-21 printed for `display current-configuration
        // all` (ytti/oxidized issue #1734), under VRP's caret line.
        scripted::backup_fails_with::<Vrp>(
            &recording(
                VERSION,
                DEVICE,
                "                                  ^\\r\\n% Too many parameters found at '^' position.\\r\\n",
            ),
            &Device::default(),
            r#"essential command "display current-configuration all": the device refused it: "% Too many parameters found at '^' position.""#,
        );
        // A CX600 user below level 15 (ytti/oxidized issue #749).
        scripted::backup_fails_with::<Vrp>(
            &recording(
                VERSION,
                DEVICE,
                "Error:Too many parameters found at '^' position.\\r\\n",
            ),
            &Device::default(),
            r#"the device refused it: "Error:Too many parameters found at '^' position.""#,
        );
    }

    #[test]
    fn a_configuration_refused_for_permission_fails() {
        // gnetcli's mock refusal of `disp cur conf` (MIT).
        scripted::backup_fails_with::<Vrp>(
            &recording(
                VERSION,
                DEVICE,
                "\\r\\nError: You do not have permission to run the command or the command is incomplete.\\r\\n",
            ),
            &Device::default(),
            r#"the device refused it: "Error: You do not have permission to run the command or the command is incomplete.""#,
        );
    }

    #[test]
    fn a_configuration_cut_short_fails() {
        scripted::backup_fails_with::<Vrp>(
            &recording(
                VERSION,
                DEVICE,
                "!Software Version V200R005C10SPC800\\r\\n#\\r\\nsysname some-device\\r\\n#\\r\\ninterface Vlanif1\\r\\n",
            ),
            &Device::default(),
            r#"essential command "display current-configuration all": the configuration stops at "interface Vlanif1", before its closing "return": cut short"#,
        );
    }

    #[test]
    fn prompt_takes_user_view_only() {
        let prompt = text::line_re(PROMPT);
        for p in [
            "<some-device>",
            "<ce8850-test>",
            "<HUAWEI>",
            "<2134.aaa.bb.c-12.k1>",
            "<2134.aaa/bb.c-12.k1>",
            "<2134.aaa:bb.c-12.k1>",
        ] {
            assert!(prompt.is_match(p), "{p:?}");
        }
        for p in [
            "[~host-name]",
            "[*host-name-aaa]",
            "[~hostname-1-100GE11/0/25]",
            "[HUAWEI-vlan10]",
            " local-user username password irreversible-cipher ..cut..:SL<->",
            "return",
            "#",
            "sysname some-device",
            "Info: The configuration takes effect on the current user terminal interface only.",
        ] {
            assert!(!prompt.is_match(p), "{p:?}");
        }
    }

    #[test]
    fn redact_hides_ciphers_keys_communities_and_the_pin() {
        let cfg = " local-user admin password irreversible-cipher $1c$CANARYIRR$\n\
                   \x20local-user ops password cipher %@%@CANARYAT%@%@\n\
                   super password level 15 cipher %$%$CANARYSUPER%$%$\n\
                   snmp-agent community read cipher %^%#CANARYCOMM%^%# mib-view iso acl 2000\n\
                   snmp-agent community write CANARYPLAIN\n\
                   snmp-agent usm-user v3 nms authentication-mode sha cipher %^%#CANARYAUTH%^%# privacy-mode aes128 cipher %^%#CANARYPRIV%^%#\n\
                   \x20radius-server shared-key cipher %^%#CANARYRAD%^%#\n\
                   \x20hwtacacs-server shared-key cipher CANARYTAC\n\
                   \x20ospf authentication-mode md5 1 cipher CANARYOSPF\n\
                   \x20peer 192.0.2.1 password simple CANARYBGP\n\
                   \x20pre-shared-key cipher %^%#CANARYPSK%^%#\n\
                   \x20 authentication-mode md5 1 plain CANARYAREAMD5\n\
                   \x20rip authentication-mode md5 usual plain CANARYRIP\n\
                   \x20 authentication-mode simple plain CANARYAREASIMPLE\n\
                   \x20ospf authentication-mode simple plain CANARYOSPFSIMPLE\n\
                   \x20ospf authentication-mode simple cipher %^%#CANARYSIMPLECIPHER%^%#\n\
                   snmp-agent target-host trap address udp-domain 192.0.2.20 params securityname CANARYTRAP v2c\n\
                   snmp-agent target-host trap address udp-domain 192.0.2.21 params securityname CANARYTRAPV1\n\
                   snmp-agent target-host trap address udp-domain 192.0.2.22 params securityname nmsuser v3 privacy\n\
                   \x20pin verify auto 1234\n\
                   snmp-agent sys-info contact noc\n\
                   sysname some-device\n";
        let out = Vrp::redact(cfg);
        for secret in ["CANARY", "1234"] {
            assert!(!out.contains(secret), "{secret} left in:\n{out}");
        }
        assert_eq!(
            out,
            " local-user admin password irreversible-cipher <secret hidden>\n\
             \x20local-user ops password cipher <secret hidden>\n\
             super password level 15 cipher <secret hidden>\n\
             snmp-agent community read cipher <secret hidden> mib-view iso acl 2000\n\
             snmp-agent community write <secret hidden>\n\
             snmp-agent usm-user v3 nms authentication-mode sha cipher <secret hidden> privacy-mode aes128 cipher <secret hidden>\n\
             \x20radius-server shared-key cipher <secret hidden>\n\
             \x20hwtacacs-server shared-key cipher <secret hidden>\n\
             \x20ospf authentication-mode md5 1 cipher <secret hidden>\n\
             \x20peer 192.0.2.1 password simple <secret hidden>\n\
             \x20pre-shared-key cipher <secret hidden>\n\
             \x20 authentication-mode md5 1 plain <secret hidden>\n\
             \x20rip authentication-mode md5 usual plain <secret hidden>\n\
             \x20 authentication-mode simple plain <secret hidden>\n\
             \x20ospf authentication-mode simple plain <secret hidden>\n\
             \x20ospf authentication-mode simple cipher <secret hidden>\n\
             snmp-agent target-host trap address udp-domain 192.0.2.20 params securityname <secret hidden> v2c\n\
             snmp-agent target-host trap address udp-domain 192.0.2.21 params securityname <secret hidden>\n\
             snmp-agent target-host trap address udp-domain 192.0.2.22 params securityname nmsuser v3 privacy\n\
             \x20pin verify auto <PIN hidden>\n\
             snmp-agent sys-info contact noc\n\
             sysname some-device\n"
        );
    }

    #[test]
    fn significant_ignores_the_update_and_save_stamps() {
        let cfg = "# Huawei Versatile Routing Platform Software\n\
                   !Software Version V200R005C10SPC800\n\
                   !Last configuration was updated at 2022-10-20 15:30:01+02:00 by admin\n\
                   !Last configuration was saved at 2022-10-20 15:31:00+02:00 by admin\n\
                   #\nsysname some-device\n#\nreturn\n";
        assert_eq!(
            Vrp::significant(cfg),
            "# Huawei Versatile Routing Platform Software\n\
             !Software Version V200R005C10SPC800\n#\nsysname some-device\n#\nreturn\n"
        );
    }
}
