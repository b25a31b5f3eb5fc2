//! Cisco IOS and IOS-XE. (skeleton: to be completed)

use netraven_driver_sdk::prelude::*;

pub struct Ios;

impl Driver for Ios {
    fn info() -> DriverInfo {
        DriverInfo::shell("ios", env!("CARGO_PKG_VERSION"), &["ios"], r"^([\w.@()-]+[#>]\s?)$", "! ")
    }

    fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
        session.command("terminal length 0")?;
        let config = session.command("show running-config")?;
        Ok(Backup::config(text::cut_echo_and_prompt(&config)))
    }
}

netraven_driver_sdk::export_driver!(Ios);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_cases_pass() {
        netraven_driver_sdk::harness::assert_corpus::<Ios>(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/oxidized"
        ));
    }
}
