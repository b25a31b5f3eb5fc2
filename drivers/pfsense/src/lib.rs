//! pfSense, over SSH exec channels (FreeBSD shell, one channel per command).
//!
//! Checked against a recording of pfSense CE 2.7.2.
//!
//! The backup is `/cf/conf/config.xml` followed by `PFsense <version>` (from
//! `/etc/version`) as an XML comment at the end, where a comment is allowed;
//! it is left out when `/etc/version` cannot be read.
//! Use an account other than `admin`: `admin` gets the console menu, not a
//! shell, on SSH exec.
//!
//! Volatile parts dropped from the XML, as Oxidized does: the `<revision>`
//! block, `<last_rule_upd_time>`, and `<created>` blocks of automatically
//! generated rules (`CDATA[Auto]`).

use netraven_driver_sdk::prelude::*;

pub struct Pfsense;

const CONFIG: &str = "cat /cf/conf/config.xml";
const VERSION: &str = "cat /etc/version";

/// Elements whose one-line values are secrets (password hashes, private
/// keys, pre-shared keys, API and directory credentials).
const SECRET_TAGS: &[&str] = &[
    "bcrypt-hash",
    "sha512-hash",
    "password",
    "lighttpd_ls_password",
    "prv",
    "pre-shared-key",
    "ldap_bindpw",
    "radius_secret",
    "ipsecpsk",
    "authorizedkeys",
];

/// Remove the volatile elements, each with the one white-space character
/// before it.
fn drop_volatile(config: &str) -> String {
    let out = text::drop_after_space(
        config,
        "<revision>",
        r"^<revision>\s*<time>\d*</time>\s*.*\s*.*\s*</revision>",
    );
    let out = text::drop_after_space(
        &out,
        "<last_rule_upd_time>",
        r"^<last_rule_upd_time>\d*</last_rule_upd_time>",
    );
    text::drop_after_space(
        &out,
        "<created>",
        r"^<created>\s*<time>\d*</time>\s*.*CDATA\[Auto\].*\s*.*\s*</created>",
    )
}

impl Driver for Pfsense {
    /// Leave with `exit` on an exec channel, as Oxidized does.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.exec("exit")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::exec(
            "pfsense",
            env!("CARGO_PKG_VERSION"),
            &["pfsense"],
            r"^[^\n]*[#$%>] ?$",
            "# ",
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        // The configuration itself: a refused or empty reply fails the backup.
        let config = text::unix_newlines(&session.essential_exec(CONFIG)?);
        // The XML document closes with its root element.
        complete(CONFIG, &config, "</pfsense>")?;
        if !config.contains("<pfsense>") {
            return Err(DriverError::Failed(format!(
                "{CONFIG} did not return a pfSense configuration (<pfsense> missing)"
            )));
        }
        let mut out = drop_volatile(&config);
        // The version is worth having, not worth failing for: without it the
        // XML simply ends without its comment.
        if let Some(version) = session.optional_exec(VERSION)? {
            let version = text::unix_newlines(&version);
            out.push_str(&text::xml_comment(&format!("PFsense {version}")));
        }
        Ok(Backup::config(out))
    }

    fn redact(config: &str) -> String {
        text::xml_replace_values(config, SECRET_TAGS, "[secret hidden]")
    }
}

netraven_driver_sdk::export_driver!(Pfsense);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_configuration_that_prints_nothing_fails_the_backup() {
        let recording = "commands:\n  \"cat /cf/conf/config.xml\\n\": \"\"\n";
        scripted::backup_fails_with::<Pfsense>(
            recording,
            &Device::default(),
            r#"essential command "cat /cf/conf/config.xml": the device printed nothing"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_version_is_backed_up_without_it() {
        let recording = "commands:\n  \"cat /cf/conf/config.xml\\n\": \"<?xml version=\\\"1.0\\\"?>\\n<pfsense>\\n\\t<version>23.3</version>\\n</pfsense>\"\n  \"cat /etc/version\\n\": \"cat: /etc/version: No such file or directory\\n\"\n  \"exit\\n\": \"\"\n";
        let backup = scripted::backup_without::<Pfsense>(recording, &Device::default(), &[VERSION]);
        assert_eq!(
            backup.config,
            "<?xml version=\"1.0\"?>\n<pfsense>\n\t<version>23.3</version>\n</pfsense>"
        );
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Pfsense>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn revision_block_leaves_an_empty_line() {
        let cfg = "\t<qinqs></qinqs>\n\t<revision>\n\t\t<time>1734429642</time>\n\t\t<description><![CDATA[saved]]></description>\n\t\t<username><![CDATA[admin]]></username>\n\t</revision>\n\t<gateways></gateways>";
        assert_eq!(
            drop_volatile(cfg),
            "\t<qinqs></qinqs>\n\n\t<gateways></gateways>"
        );
    }

    #[test]
    fn automatic_rule_creation_stamp_is_dropped_but_user_rules_kept() {
        let auto = "<rule>\n\t<created>\n\t\t<time>1700</time>\n\t\t<username><![CDATA[Auto]]></username>\n\t</created>\n</rule>";
        assert_eq!(drop_volatile(auto), "<rule>\n\n</rule>");
        let user = "<rule>\n\t<created>\n\t\t<time>1700</time>\n\t\t<username><![CDATA[admin]]></username>\n\t</created>\n</rule>";
        assert_eq!(drop_volatile(user), user);
    }

    #[test]
    fn password_hashes_are_hidden() {
        let cfg = "\t\t\t<bcrypt-hash>$2b$10$13u6</bcrypt-hash>\n\t\t\t<name>admin</name>\n";
        assert_eq!(
            Pfsense::redact(cfg),
            "\t\t\t<bcrypt-hash>[secret hidden]</bcrypt-hash>\n\t\t\t<name>admin</name>\n"
        );
    }
}
