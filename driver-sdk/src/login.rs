//! Login steps that many vendors share.

use crate::driver::Device;
use crate::session::{Secret, Session, SessionError};
use crate::text;

/// Send `command` (usually `enable`) at the prompt and reach the prompt
/// again, answering `password_prompt` with the enable secret if the device
/// asks for it. Returns what the device printed last: the prompt, so a
/// driver can check it reached privileged mode.
///
/// `command` goes out followed by `\n` (`send` does not add the session's
/// newline): a device that wants `\r\n` gets `enable\r` as the command.
/// Both regexes are session regexes (line mode, see [`text`]).
pub fn enable(
    session: &mut dyn Session,
    command: &str,
    prompt: &str,
    password_prompt: &str,
) -> Result<String, SessionError> {
    session.send(&format!("{command}\n"))?;
    let either = format!("(?:{password_prompt})|(?:{prompt})");
    let reply = session.read_until(&either, None)?;
    // The reply ended on one of the two: which one, judged as the session did.
    if text::line_re(&format!("(?:{password_prompt})\\z")).is_match(&reply) {
        session.send_secret(Secret::Enable)?;
        return session.read_until(prompt, None);
    }
    Ok(reply)
}

/// The usual login: wait for `prompt`; then, if the device var `enable` is
/// set, run [`enable`] with the `enable` command.
pub fn prompt_then_enable(
    session: &mut dyn Session,
    device: &Device,
    prompt: &str,
    password_prompt: &str,
) -> Result<(), SessionError> {
    session.read_until(prompt, None)?;
    if device.flag("enable") {
        enable(session, "enable", prompt, password_prompt)?;
    }
    Ok(())
}

#[cfg(all(test, feature = "harness"))]
mod tests {
    use super::*;
    use crate::Mode;
    use crate::harness::{ReplaySession, Transcript};

    const PROMPT: &str = r"^sw1[>#]\s?$";
    const PASSWORD: &str = r"^[pP]assword:\s?$";

    fn session(yaml: &str) -> ReplaySession {
        let transcript = Transcript::parse(yaml).expect("the test's recording parses");
        let mut s = ReplaySession::new(transcript, Mode::Shell, PROMPT)
            .expect("the prompt compiles")
            .with_secrets("pw", "en-secret");
        s.read_until(PROMPT, None).expect("the first prompt");
        s
    }

    #[test]
    fn the_password_prompt_gets_the_enable_secret() {
        let mut s = session(
            "init_prompt: sw1>\ncommands:\n  - \"enable\\n\": \"enable\\r\\nPassword: \"\n  - \"en-secret\\n\": \"\\r\\nsw1#\"\n",
        );
        let last = enable(&mut s, "enable", PROMPT, PASSWORD).unwrap();
        assert!(last.ends_with("sw1#"), "{last:?}");
        assert_eq!(s.finish(), Ok(()));
    }

    #[test]
    fn no_password_prompt_sends_no_secret() {
        let mut s =
            session("init_prompt: sw1>\ncommands:\n  - \"enable\\n\": \"enable\\r\\nsw1#\"\n");
        let last = enable(&mut s, "enable", PROMPT, PASSWORD).unwrap();
        assert_eq!(last, "enable\r\nsw1#");
        assert_eq!(s.finish(), Ok(()));
    }

    #[test]
    fn enable_runs_only_when_the_device_var_asks_for_it() {
        let yaml = "init_prompt: sw1>\ncommands:\n  - \"enable\\n\": \"enable\\r\\nsw1#\"\n";
        let fresh = || {
            ReplaySession::new(
                Transcript::parse(yaml).expect("the test's recording parses"),
                Mode::Shell,
                PROMPT,
            )
            .expect("the prompt compiles")
        };
        let mut s = fresh();
        prompt_then_enable(&mut s, &Device::default(), PROMPT, PASSWORD).expect("login");
        assert!(s.finish().is_err(), "enable was sent without the var");
        let mut s = fresh();
        let device = Device::with_vars(&[("enable", "yes")]);
        prompt_then_enable(&mut s, &device, PROMPT, PASSWORD).expect("login");
        assert_eq!(s.finish(), Ok(()));
    }
}
