//! OPNsense, over SSH exec channels (FreeBSD shell, one channel per command).
//!
//! Checked against a recording of OPNsense 24.7 (nano image).
//!
//! The backup is `/conf/config.xml` followed by the OPNsense version as an
//! XML comment (an XML document may not start with a comment, so it goes at
//! the end; it is left out when the version cannot be read). The account
//! needs "System: Shell account access".
//!
//! Volatile parts dropped from the XML, as Oxidized does: a `<revision>`
//! block that starts with its `<time>` element, and `<last_rule_upd_time>`.

use netraven_driver_sdk::prelude::*;

pub struct Opnsense;

const CONFIG: &str = "cat /conf/config.xml";

/// `opnsense-version` exists since 18.1; older releases keep the version in
/// a file.
const VERSION: &str =
    "opnsense-version || echo \"OPNsense \"`cat /usr/local/opnsense/version/opnsense`";

/// Elements whose one-line values are secrets (password hashes, private
/// keys, pre-shared keys, API and directory credentials).
const SECRET_TAGS: &[&str] = &[
    "password",
    "bcrypt-hash",
    "sha512-hash",
    "prv",
    "secret",
    "pre-shared-key",
    "presharedkey",
    "privkey",
    "psk",
    "apikey",
    "ldap_bindpw",
    "radius_secret",
    "auth_pass",
];

/// Remove the volatile elements, each with the one white-space character
/// before it.
fn drop_volatile(config: &str) -> String {
    let out = text::drop_after_space(
        config,
        "<revision>",
        r"^<revision>\s*<time>\d*</time>\s*.*\s*.*\s*</revision>",
    );
    text::drop_after_space(
        &out,
        "<last_rule_upd_time>",
        r"^<last_rule_upd_time>\d*</last_rule_upd_time>",
    )
}

impl Driver for Opnsense {
    /// Leave with `exit` on an exec channel, as Oxidized does.
    fn logout(session: &mut dyn Session, _device: &Device) -> Result<(), DriverError> {
        session.exec("exit")?;
        Ok(())
    }

    fn info() -> DriverInfo {
        DriverInfo::exec(
            "opnsense",
            env!("CARGO_PKG_VERSION"),
            &["opnsense"],
            r"^[^\n]*[#$%>] ?$",
            "# ",
        )
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        // The configuration itself: a refused or empty reply fails the backup.
        let config = text::unix_newlines(&session.essential_exec(CONFIG)?);
        // The XML document closes with its root element.
        complete(CONFIG, &config, "</opnsense>")?;
        if !config.contains("<opnsense") {
            return Err(DriverError::Failed(format!(
                "{CONFIG} did not return an OPNsense configuration (no shell access?)"
            )));
        }
        let mut out = drop_volatile(&config);
        // The version is worth having, not worth failing for: without it the
        // XML simply ends without its comment.
        if let Some(version) = session.optional_exec(VERSION)? {
            out.push_str(&text::xml_comment(&text::unix_newlines(&version)));
        }
        Ok(Backup::config(out))
    }

    fn redact(config: &str) -> String {
        text::xml_replace_values(config, SECRET_TAGS, "[secret hidden]")
    }
}

netraven_driver_sdk::export_driver!(Opnsense);

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::scripted;

    #[test]
    fn a_configuration_that_prints_nothing_fails_the_backup() {
        let recording = "commands:\n  \"cat /conf/config.xml\\n\": \"\"\n";
        scripted::backup_fails_with::<Opnsense>(
            recording,
            &Device::default(),
            r#"essential command "cat /conf/config.xml": the device printed nothing"#,
        );
    }

    #[test]
    fn a_device_that_refuses_the_version_is_backed_up_without_it() {
        // An old release without `opnsense-version` nor its version file:
        // csh complains of the one, cat of the other.
        let refused = "opnsense-version: Command not found.\\ncat: /usr/local/opnsense/version/opnsense: No such file or directory\\nOPNsense \\n";
        let recording = format!(
            "commands:\n  \"cat /conf/config.xml\\n\": \"<?xml version=\\\"1.0\\\"?>\\n<opnsense>\\n  <system></system>\\n</opnsense>\\n\"\n  {:?}: \"{refused}\"\n  \"exit\\n\": \"\"\n",
            format!("{VERSION}\n")
        );
        let backup =
            scripted::backup_without::<Opnsense>(&recording, &Device::default(), &[VERSION]);
        assert_eq!(
            backup.config,
            "<?xml version=\"1.0\"?>\n<opnsense>\n  <system></system>\n</opnsense>\n"
        );
    }

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Opnsense>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }

    #[test]
    fn revision_opening_with_time_is_dropped_but_others_kept() {
        let cfg = "<a>\n  <revision>\n    <time>1700000000</time>\n    <description>x</description>\n    <username>root</username>\n  </revision>\n</a>";
        // Only the one white-space character before `<revision>` goes.
        assert_eq!(drop_volatile(cfg), "<a>\n \n</a>");
        // Newer releases put the user first and a fractional time: kept.
        let kept = "<a>\n  <revision>\n    <username>root</username>\n    <time>1.5</time>\n  </revision>\n</a>";
        assert_eq!(drop_volatile(kept), kept);
    }

    #[test]
    fn last_rule_update_time_is_dropped() {
        let cfg = "<r>\n\t<last_rule_upd_time>1700</last_rule_upd_time>\n</r>";
        assert_eq!(drop_volatile(cfg), "<r>\n\n</r>");
    }

    #[test]
    fn passwords_and_private_keys_are_hidden() {
        let cfg = "  <password>$2y$10$abc</password>\n  <prv>LS0tLS1C</prv>\n  <name>root</name>\n";
        assert_eq!(
            Opnsense::redact(cfg),
            "  <password>[secret hidden]</password>\n  <prv>[secret hidden]</prv>\n  <name>root</name>\n"
        );
    }
}
