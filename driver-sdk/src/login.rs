//! Login steps that many vendors share.

use crate::session::{Secret, Session, SessionError};
use crate::text;

/// Send `command` (usually `enable`) at the prompt and reach the prompt
/// again, answering `password_prompt` with the enable secret if the device
/// asks for it. Returns what the device printed last: the prompt, so a
/// driver can check it reached privileged mode.
///
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
}
