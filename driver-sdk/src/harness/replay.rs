//! A [`Session`] fed by a recorded transcript instead of a device.
//!
//! [`ReplayDevice`] plays the device: it answers each input the transcript
//! expects and refuses anything else, showing what was sent and what was
//! expected. [`ReplaySession`] runs the host's [`PromptEngine`] over it.

use std::time::Duration;

use regex::bytes::Regex;

use super::engine::{MAX_ANSWERS, PromptEngine, Step, compile, device_text};
use super::transcript::{Order, Transcript};
use crate::driver::Mode;
use crate::session::{Level, Secret, Session, SessionError};

/// What a read from the replayed device gives.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    Data(Vec<u8>),
    /// The device has said everything and waits for input: on a real device
    /// this would end in a read timeout.
    Idle,
    Closed,
}

#[derive(Debug, Clone)]
pub struct ReplayDevice {
    transcript: Transcript,
    next: usize,
    typed: Vec<u8>,
    outbox: Vec<u8>,
    closed: bool,
}

/// Show bytes as a readable, escaped string.
pub fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

impl ReplayDevice {
    /// A shell device greets with the transcript's `init_prompt`.
    pub fn new(transcript: Transcript, mode: Mode) -> Self {
        let outbox = match mode {
            Mode::Shell => transcript.init_prompt.clone().unwrap_or_default(),
            Mode::Exec => Vec::new(),
        };
        ReplayDevice {
            transcript,
            next: 0,
            typed: Vec::new(),
            outbox,
            closed: false,
        }
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        if self.closed {
            return Err(SessionError::Closed(format!(
                "sent {} after the device closed the session",
                show(bytes)
            )));
        }
        self.typed.extend_from_slice(bytes);
        // One write may complete an input and start the next one.
        while !self.typed.is_empty() {
            match self.take_input()? {
                Some(reply) => {
                    if reply.is_empty() {
                        self.closed = true;
                        self.typed.clear();
                        return Ok(());
                    }
                    self.outbox.extend_from_slice(&reply);
                }
                None => return Ok(()),
            }
        }
        Ok(())
    }

    /// If the typed bytes start with a whole expected input, consume it and
    /// return its reply. `None` means "a prefix so far, keep typing".
    fn take_input(&mut self) -> Result<Option<Vec<u8>>, SessionError> {
        let typed = &self.typed;
        let candidates: Vec<usize> = match self.transcript.order {
            Order::Any => (0..self.transcript.exchanges.len()).collect(),
            Order::Strict => {
                (self.next..self.transcript.exchanges.len().min(self.next + 1)).collect()
            }
        };
        let exchanges = &self.transcript.exchanges;
        if let Some(&i) = candidates
            .iter()
            .find(|&&i| typed.starts_with(&exchanges[i].input))
        {
            let used = exchanges[i].input.len();
            self.typed.drain(..used);
            self.next = i + 1;
            return Ok(Some(exchanges[i].reply.clone()));
        }
        if candidates
            .iter()
            .any(|&i| exchanges[i].input.starts_with(typed))
        {
            return Ok(None);
        }
        let expected = match self.transcript.order {
            Order::Strict => match exchanges.get(self.next) {
                Some(e) => format!(
                    "{} next (step {} of {})",
                    show(&e.input),
                    self.next + 1,
                    exchanges.len()
                ),
                None => "nothing more: every step has been replayed".to_string(),
            },
            Order::Any => {
                let keys: Vec<String> = exchanges.iter().map(|e| show(&e.input)).collect();
                format!("one of {}", keys.join(", "))
            }
        };
        Err(SessionError::Rejected(format!(
            "sent {}, but the transcript expects {expected}",
            show(typed)
        )))
    }

    pub fn read(&mut self) -> Read {
        if !self.outbox.is_empty() {
            return Read::Data(std::mem::take(&mut self.outbox));
        }
        if self.closed {
            Read::Closed
        } else {
            Read::Idle
        }
    }

    /// An exec channel: the reply to `line` + "\n", as recorded.
    pub fn exec(&mut self, line: &str) -> Result<Vec<u8>, SessionError> {
        let mut input = line.as_bytes().to_vec();
        input.push(b'\n');
        self.answer(input, "exec")
    }

    /// A file transfer: recorded under the file's path as the key, with no
    /// newline (Oxidized's `config.ini` style).
    pub fn fetch_file(&mut self, path: &str) -> Result<Vec<u8>, SessionError> {
        self.answer(path.as_bytes().to_vec(), "fetch-file")
    }

    /// The recorded reply to exactly `input`, outside the shell stream.
    fn answer(&mut self, input: Vec<u8>, what: &str) -> Result<Vec<u8>, SessionError> {
        self.typed.clear();
        self.typed.extend_from_slice(&input);
        match self.take_input()? {
            Some(reply) => Ok(reply),
            None => Err(SessionError::Rejected(format!(
                "{what} {} is only the start of a recorded input",
                show(&input)
            ))),
        }
    }
}

/// A [`Session`] over a [`ReplayDevice`], behaving as the host does.
#[derive(Debug, Clone)]
pub struct ReplaySession {
    device: ReplayDevice,
    engine: PromptEngine,
    mode: Mode,
    newline: String,
    password: String,
    enable: String,
    /// Everything the driver logged, for assertions in tests.
    pub logs: Vec<(Level, String)>,
    /// A login probe stops the driver at its first write after a match.
    probe: bool,
    matches: usize,
}

/// The message a login probe ends with once the driver reached its prompt.
pub const LOGIN_PROBE_DONE: &str = "login probe: the prompt was reached";

/// What the replay types for a secret; `netraven driver record` writes the
/// same placeholders into transcripts in place of the real values.
pub const PASSWORD_PLACEHOLDER: &str = "<password>";
pub const ENABLE_PLACEHOLDER: &str = "<enable>";

impl ReplaySession {
    pub fn new(transcript: Transcript, mode: Mode, prompt: &str) -> Result<Self, SessionError> {
        Ok(ReplaySession {
            device: ReplayDevice::new(transcript, mode),
            engine: PromptEngine::new(prompt)?,
            mode,
            newline: "\n".to_string(),
            password: PASSWORD_PLACEHOLDER.to_string(),
            enable: ENABLE_PLACEHOLDER.to_string(),
            logs: Vec::new(),
            probe: false,
            matches: 0,
        })
    }

    /// Type these values for `send_secret` instead of the placeholders.
    pub fn with_secrets(mut self, password: &str, enable: &str) -> Self {
        self.password = password.to_string();
        self.enable = enable.to_string();
        self
    }

    /// A session that only checks a login: the device prints `greeting`
    /// and the driver's first write after a prompt match ends the session
    /// with [`SessionError::Closed`]`(`[`LOGIN_PROBE_DONE`]`)`.
    pub fn login_probe(greeting: &[u8], mode: Mode, prompt: &str) -> Result<Self, SessionError> {
        let transcript = Transcript {
            init_prompt: Some(greeting.to_vec()),
            order: Order::Any,
            exchanges: Vec::new(),
        };
        let mut session = ReplaySession::new(transcript, mode, prompt)?;
        session.probe = true;
        Ok(session)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        if self.probe {
            return Err(if self.matches > 0 {
                SessionError::Closed(LOGIN_PROBE_DONE.to_string())
            } else {
                SessionError::Rejected(format!(
                    "sent {} before the login prompt was matched",
                    show(bytes)
                ))
            });
        }
        self.device.write(bytes)
    }

    fn wait_for(&mut self, target: &Regex, waiting_for: &str) -> Result<String, SessionError> {
        let mut answers = 0;
        loop {
            match self.engine.step(target) {
                Step::Done(bytes) => {
                    self.matches += 1;
                    return Ok(device_text(bytes));
                }
                Step::Send(reply) => {
                    answers += 1;
                    if answers > MAX_ANSWERS {
                        self.engine.take_pending();
                        return Err(SessionError::Timeout(format!(
                            "{waiting_for} never came: the device paged {MAX_ANSWERS} times"
                        )));
                    }
                    self.write(&reply)?
                }
                Step::NeedMore => match self.device.read() {
                    Read::Data(bytes) => self.engine.feed(&bytes),
                    Read::Idle => {
                        let got = self.engine.take_pending();
                        return Err(SessionError::Timeout(format!(
                            "{waiting_for} never came; the device stopped after {}",
                            show(tail(&got, 200))
                        )));
                    }
                    Read::Closed => {
                        let got = self.engine.take_pending();
                        return Err(SessionError::Closed(format!(
                            "while waiting for {waiting_for}; last output {}",
                            show(tail(&got, 200))
                        )));
                    }
                },
            }
        }
    }
}

fn tail(bytes: &[u8], n: usize) -> &[u8] {
    &bytes[bytes.len().saturating_sub(n)..]
}

impl Session for ReplaySession {
    fn set_prompt(&mut self, regex: &str) -> Result<(), SessionError> {
        self.engine.set_prompt(regex)
    }

    fn on_pattern(&mut self, regex: &str, reply: &str) -> Result<(), SessionError> {
        self.engine.add_pattern(regex, reply)
    }

    fn clear_patterns(&mut self) {
        self.engine.clear_patterns()
    }

    fn set_newline(&mut self, newline: &str) {
        self.newline = newline.to_string();
    }

    fn strip_ansi(&mut self, on: bool) {
        self.engine.set_strip_ansi(on)
    }

    fn command_with_timeout(
        &mut self,
        line: &str,
        _timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        if self.mode == Mode::Exec {
            return self.exec(line);
        }
        let input = format!("{line}{}", self.newline);
        self.write(input.as_bytes())?;
        let prompt = self.engine.prompt().clone();
        self.wait_for(&prompt, &format!("the prompt after {line:?}"))
    }

    fn send(&mut self, text: &str) -> Result<(), SessionError> {
        self.write(text.as_bytes())
    }

    fn send_secret(&mut self, which: Secret) -> Result<(), SessionError> {
        let secret = match which {
            Secret::Password => &self.password,
            Secret::Enable => &self.enable,
        };
        let input = format!("{secret}{}", self.newline);
        self.write(input.as_bytes())
    }

    fn read_until(
        &mut self,
        regex: &str,
        _timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        let target = compile(regex)?;
        self.wait_for(&target, &format!("a match for {regex:?}"))
    }

    fn exec_with_timeout(
        &mut self,
        line: &str,
        _timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        if self.mode != Mode::Exec {
            return Err(SessionError::Unsupported(format!(
                "exec {line:?} on a shell-mode session; use command"
            )));
        }
        if self.probe {
            return Err(SessionError::Closed(LOGIN_PROBE_DONE.to_string()));
        }
        let reply = self.device.exec(line)?;
        Ok(device_text(reply))
    }

    fn fetch_file(
        &mut self,
        path: &str,
        _timeout: Option<Duration>,
    ) -> Result<String, SessionError> {
        if self.probe {
            return Err(SessionError::Closed(LOGIN_PROBE_DONE.to_string()));
        }
        let reply = self.device.fetch_file(path)?;
        Ok(device_text(reply))
    }

    fn log(&mut self, level: Level, message: &str) {
        if self.logs.len() < 10_000 {
            self.logs.push((level, message.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "init_prompt: |-\n  banner\n  r1#\ncommands:\n  - \"show run\\n\": |-\n      show run\n      a\n      --More--\n  - \" \": |-\n      b\n      r1#\n  - \"exit\\n\": \"\"\n";

    fn session() -> ReplaySession {
        ReplaySession::new(Transcript::parse(LIST).unwrap(), Mode::Shell, r"^r1#$").unwrap()
    }

    #[test]
    fn pager_is_answered_and_removed_from_output() {
        let mut s = session();
        assert_eq!(s.read_until(r"^r1#$", None).unwrap(), "banner\nr1#");
        s.on_pattern(r"^--More--$", " ").unwrap();
        assert_eq!(s.command("show run").unwrap(), "show run\na\nb\nr1#");
        s.send("exit\n").unwrap();
        assert!(matches!(s.send("x"), Err(SessionError::Closed(_))));
    }

    #[test]
    fn unexpected_input_shows_sent_and_expected_bytes() {
        let mut s = session();
        s.read_until(r"^r1#$", None).unwrap();
        let err = s.command("show version").unwrap_err();
        let SessionError::Rejected(msg) = err else {
            panic!("expected Rejected, got {err:?}")
        };
        assert!(msg.contains(r#"sent "show version\n""#), "{msg}");
        assert!(
            msg.contains(r#"expects "show run\n" next (step 1 of 3)"#),
            "{msg}"
        );
    }

    #[test]
    fn a_device_that_pages_forever_is_a_timeout_not_a_hang() {
        let endless = "commands:\n  \"show run\\n\": |-\n    show run\n    --More--\n  \" \": |-\n    more\n    --More--\n";
        let mut s =
            ReplaySession::new(Transcript::parse(endless).unwrap(), Mode::Shell, r"^r1#$").unwrap();
        s.on_pattern(r"^--More--$", " ").unwrap();
        let err = s.command("show run").unwrap_err();
        assert!(
            matches!(&err, SessionError::Timeout(m) if m.contains("paged")),
            "{err:?}"
        );
    }

    #[test]
    fn missing_prompt_is_a_timeout_naming_the_last_output() {
        let mut s = session();
        s.read_until(r"^r1#$", None).unwrap();
        let err = s.command("show run").unwrap_err();
        assert!(
            matches!(&err, SessionError::Timeout(m) if m.contains("--More--")),
            "{err:?}"
        );
    }
}
