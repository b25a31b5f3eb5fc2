//! A driver's own tests, over recordings written in the test: the set-up
//! every driver needs, so that its test module holds only its cases.
//!
//! ```text
//! use netraven_driver_sdk::harness::scripted;
//!
//! #[test]
//! fn enable_answers_the_password_prompt() {
//!     let recording = "init_prompt: sw1>\ncommands:\n  - \"enable\\n\": ...";
//!     let backup = scripted::backup::<MyDriver>(recording, &Device::with_vars(&[("enable", "true")]))
//!         .expect("replayed whole");
//!     assert!(backup.config.contains("hostname sw1"));
//! }
//! ```
//!
//! [`backup`] checks more than the backup: the recording must be used up
//! (every step of a list, every key of a map), so a recording that ends with
//! the device hanging up on `exit\n` also checks that the driver logs out.

use super::replay::ReplaySession;
use super::transcript::Transcript;
use crate::driver::{Backup, Device, Driver};

/// A session replaying `recording` (simulation YAML) in `D`'s mode and with
/// `D`'s prompt. Panics when the recording does not parse: that is a bug in
/// the test.
pub fn session<D: Driver>(recording: &str) -> ReplaySession {
    let info = D::info();
    let transcript = match Transcript::parse(recording) {
        Ok(t) => t,
        Err(e) => panic!("the test's recording does not parse: {e}"),
    };
    match ReplaySession::new(transcript, info.mode, &info.prompt) {
        Ok(s) => s,
        Err(e) => panic!("driver {}'s prompt does not compile: {e}", info.name),
    }
}

/// Log in with `D` over `recording` and return the session, for a test
/// that goes on by hand. Secrets are typed as `<password>` and `<enable>`.
pub fn login<D: Driver>(recording: &str, device: &Device) -> Result<ReplaySession, String> {
    let mut session = session::<D>(recording);
    D::login(&mut session, device).map_err(|e| format!("login failed: {e}"))?;
    Ok(session)
}

/// Log in, back up and log out with `D` over `recording`, then check that
/// the whole recording was used. The error says which step failed, or what was
/// never sent.
pub fn backup<D: Driver>(recording: &str, device: &Device) -> Result<Backup, String> {
    whole::<D>(recording, device).map(|(backup, _)| backup)
}

/// [`backup`], also handing back the session (for its logs).
fn whole<D: Driver>(recording: &str, device: &Device) -> Result<(Backup, ReplaySession), String> {
    let mut session = login::<D>(recording, device)?;
    let backup = D::backup(&mut session, device).map_err(|e| format!("backup failed: {e}"))?;
    D::logout(&mut session, device).map_err(|e| format!("logout failed: {e}"))?;
    session.finish()?;
    Ok((backup, session))
}

/// As [`backup`], for a recording that cannot be used up (say, one that
/// stops in the middle to test a failure): the reason is required.
pub fn backup_partly<D: Driver>(
    recording: &str,
    device: &Device,
    reason: &str,
) -> Result<Backup, String> {
    assert!(
        !reason.trim().is_empty(),
        "say why the recording is not used up"
    );
    let mut session = login::<D>(recording, device)?;
    D::backup(&mut session, device).map_err(|e| format!("backup failed: {e}"))
}

/// Log in and back up with `D` over `recording`, which must fail with an
/// error containing `expected` (a refused configuration, say). Panics
/// otherwise; returns the error for further checks. The recording stops at
/// the failure, so it is not checked for being used up.
pub fn backup_fails_with<D: Driver>(recording: &str, device: &Device, expected: &str) -> String {
    match backup_partly::<D>(recording, device, "the backup fails before the logout") {
        Ok(backup) => panic!(
            "the backup succeeded, expected a failure with {expected:?}: {:?}",
            backup.config
        ),
        Err(err) => {
            assert!(err.contains(expected), "{err}");
            err
        }
    }
}

/// As [`backup`], over a recording in which the device refuses some of
/// the driver's optional commands (`refused`, as the driver sends them):
/// the backup must succeed and use the recording up, each refused command
/// must be logged as left out, and no other. Panics otherwise; returns the
/// backup, for checks that the refusals left no trace in it.
pub fn backup_without<D: Driver>(recording: &str, device: &Device, refused: &[&str]) -> Backup {
    let (backup, session) = whole::<D>(recording, device).unwrap_or_else(|e| panic!("{e}"));
    // Commands as the log quotes them (`{:?}`), inner quotes escaped.
    let mut left_out: Vec<String> = session
        .logs
        .iter()
        .filter_map(|(_, m)| {
            let rest = m.strip_prefix("optional command ")?;
            let (quoted, _) = rest.split_once(" left out")?;
            Some(quoted.to_string())
        })
        .collect();
    left_out.sort();
    let mut expected: Vec<String> = refused.iter().map(|c| format!("{c:?}")).collect();
    expected.sort();
    assert_eq!(
        left_out, expected,
        "the commands logged as left out (logs: {:?})",
        session.logs
    );
    backup
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::DriverInfo;
    use crate::session::Session;
    use crate::{DriverError, text};

    struct Acme;

    impl Driver for Acme {
        fn info() -> DriverInfo {
            DriverInfo::shell("acme", "0.1.0", &["acme"], r"^r1#$", "! ")
        }
        fn backup(session: &mut dyn Session, _device: &Device) -> Result<Backup, DriverError> {
            Ok(Backup::config(text::command_output(
                &session.command("show run")?,
            )))
        }
        fn logout(session: &mut dyn Session, device: &Device) -> Result<(), DriverError> {
            if !device.flag("stay") {
                session.send("exit\n")?;
            }
            Ok(())
        }
    }

    const RECORDING: &str = "init_prompt: r1#\ncommands:\n  - \"show run\\n\": \"show run\\r\\nhostname r1\\r\\nr1#\"\n  - \"exit\\n\": \"\"\n";

    #[test]
    fn backup_checks_the_output_and_that_the_recording_was_used_up() {
        let whole = backup::<Acme>(RECORDING, &Device::default()).unwrap();
        assert_eq!(whole.config, "hostname r1\n");
        let err = backup::<Acme>(RECORDING, &Device::with_vars(&[("stay", "yes")])).unwrap_err();
        assert!(err.contains(r#"never sent: "exit\n""#), "{err}");
        let partly = backup_partly::<Acme>(
            RECORDING,
            &Device::with_vars(&[("stay", "yes")]),
            "tests the backup alone",
        );
        assert_eq!(partly.unwrap().config, "hostname r1\n");
    }

    #[test]
    fn a_failure_is_checked_for_its_message() {
        let refused =
            "init_prompt: r1#\ncommands:\n  - \"show run\\n\": \"show run\\r\\n\\r\\nr1#\"\n";
        struct Strict;
        impl Driver for Strict {
            fn info() -> DriverInfo {
                Acme::info()
            }
            fn backup(session: &mut dyn Session, _: &Device) -> Result<Backup, DriverError> {
                Ok(Backup::config(session.essential("show run")?))
            }
        }
        let err = backup_fails_with::<Strict>(refused, &Device::default(), "printed nothing");
        assert!(err.starts_with("backup failed: "), "{err}");
        let passed = std::panic::catch_unwind(|| {
            backup_fails_with::<Acme>(RECORDING, &Device::default(), "anything")
        });
        assert!(
            passed.is_err(),
            "a backup that succeeds is no expected failure"
        );
    }

    #[test]
    fn backup_without_wants_each_refused_command_left_out_and_logged() {
        struct Versioned;
        impl Driver for Versioned {
            fn info() -> DriverInfo {
                Acme::info()
            }
            fn backup(session: &mut dyn Session, _: &Device) -> Result<Backup, DriverError> {
                let mut config = String::new();
                if let Some(v) = session.optional("show version")? {
                    config.push_str(&text::comment(&text::command_output(&v), "! "));
                }
                config.push_str(&text::command_output(&session.essential("show run")?));
                Ok(Backup::config(config))
            }
        }
        let recording = "init_prompt: r1#\ncommands:\n  - \"show version\\n\": \"show version\\r\\n% Unknown command\\r\\nr1#\"\n  - \"show run\\n\": \"show run\\r\\nhostname r1\\r\\nr1#\"\n";
        let backup = backup_without::<Versioned>(recording, &Device::default(), &["show version"]);
        assert_eq!(backup.config, "hostname r1\n");
        let unlogged = std::panic::catch_unwind(|| {
            backup_without::<Acme>(RECORDING, &Device::default(), &["show version"])
        });
        assert!(unlogged.is_err(), "a command never logged as left out");
    }

    #[test]
    #[should_panic(expected = "the test's recording does not parse")]
    fn a_recording_that_does_not_parse_is_a_bug_in_the_test() {
        session::<Acme>("commands: [");
    }
}
