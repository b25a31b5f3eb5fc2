//! A [`Session`] fed by a recorded transcript instead of a device.
//!
//! [`ReplayDevice`] plays the device: it answers each input the transcript
//! expects and refuses anything else, showing what was sent and what was
//! expected. [`ReplaySession`] runs the host's [`PromptEngine`] over it.

use std::sync::{Arc, Mutex, MutexGuard};
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

/// A recorded device. Cloning it gives a handle on the same device, so a
/// test can keep one to call [`finish`](ReplayDevice::finish) after handing
/// the session to a driver.
#[derive(Debug, Clone)]
pub struct ReplayDevice {
    state: Arc<Mutex<DeviceState>>,
}

#[derive(Debug)]
struct DeviceState {
    transcript: Transcript,
    next: usize,
    typed: Vec<u8>,
    outbox: Vec<u8>,
    closed: bool,
    /// How many times each exchange was replayed.
    uses: Vec<u32>,
    /// The exchange after whose reply the connection drops (a chaos
    /// replay's "closed mid-output").
    close_after: Option<usize>,
    /// The exchange a file transfer of is refused (a chaos replay's "file
    /// missing").
    refused_file: Option<usize>,
    /// Answer a line the recording lacks as a device of this model would
    /// (its error, then the prompt again) instead of failing the replay.
    unrecorded: Option<String>,
    /// The last line of the device's latest output: its prompt.
    prompt: Vec<u8>,
}

/// The last line of `bytes` (all of it when it has no line feed).
pub(crate) fn last_line(bytes: &[u8]) -> &[u8] {
    bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(bytes, |i| &bytes[i + 1..])
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
        let uses = vec![0; transcript.exchanges.len()];
        let prompt = last_line(&outbox).to_vec();
        ReplayDevice {
            state: Arc::new(Mutex::new(DeviceState {
                transcript,
                next: 0,
                typed: Vec::new(),
                outbox,
                closed: false,
                uses,
                close_after: None,
                refused_file: None,
                unrecorded: None,
                prompt,
            })),
        }
    }

    fn state(&self) -> MutexGuard<'_, DeviceState> {
        // A test that panicked while holding the lock leaves a usable state.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        self.state().write(bytes)
    }

    pub fn read(&mut self) -> Read {
        self.state().read()
    }

    /// An exec channel: the reply to `line` + "\n", as recorded.
    pub fn exec(&mut self, line: &str) -> Result<Vec<u8>, SessionError> {
        let mut input = line.as_bytes().to_vec();
        input.push(b'\n');
        self.state().answer(&input, "exec")
    }

    /// A file transfer: recorded under the file's path as the key, with no
    /// newline (Oxidized's `config.ini` style).
    pub fn fetch_file(&mut self, path: &str) -> Result<Vec<u8>, SessionError> {
        self.state().answer(path.as_bytes(), "fetch-file")
    }

    /// Drop the connection right after the reply to exchange `i` (an exec
    /// channel for it fails as closed instead of answering).
    pub fn close_after(&mut self, i: usize) {
        self.state().close_after = Some(i);
    }

    /// Refuse the file transfer of exchange `i`, as a device refuses a file
    /// it does not have.
    pub fn refuse_file(&mut self, i: usize) {
        self.state().refused_file = Some(i);
    }

    /// Answer lines the recording lacks as a device of `model` does: with
    /// its vendor's refusal and the prompt again (exec: the refusal alone).
    pub fn answer_unrecorded(&mut self, model: &str) {
        self.state().unrecorded = Some(model.to_string());
    }

    /// Forget what was typed since the last complete input (a simulator
    /// that answers an unrecorded line itself).
    pub fn discard_typed(&mut self) {
        self.state().typed.clear();
    }

    /// Typed bytes that are so far only the start of a recorded input.
    pub fn pending_input(&self) -> Option<String> {
        let state = self.state();
        (!state.typed.is_empty()).then(|| state.waiting_for())
    }

    /// Was the whole recording used? Every step of a list, every key of a
    /// map at least once, and no input left half typed. The error lists
    /// what was not, as the recording writes it.
    pub fn finish(&self) -> Result<(), String> {
        self.state().finish()
    }
}

impl DeviceState {
    fn write(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
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
                    let drops = self.close_after.is_some_and(|i| self.next == i + 1);
                    if reply.is_empty() || drops {
                        self.outbox.extend_from_slice(&reply);
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

    /// The exchanges the next input may be.
    fn candidates(&self) -> std::ops::Range<usize> {
        let len = self.transcript.exchanges.len();
        match self.transcript.order {
            Order::Any => 0..len,
            Order::Strict => self.next.min(len)..len.min(self.next + 1),
        }
    }

    /// If the typed bytes start with a whole expected input, consume it and
    /// return its reply. `None` means "a prefix so far, keep typing".
    fn take_input(&mut self) -> Result<Option<Vec<u8>>, SessionError> {
        let exchanges = &self.transcript.exchanges;
        if let Some(i) = self
            .candidates()
            .find(|&i| self.typed.starts_with(&exchanges[i].input))
        {
            let used = exchanges[i].input.len();
            self.typed.drain(..used);
            return Ok(Some(self.consume(i)));
        }
        if self
            .candidates()
            .any(|i| exchanges[i].input.starts_with(&self.typed))
        {
            return Ok(None);
        }
        if let Some(model) = &self.unrecorded {
            let Some(end) = self.typed.iter().position(|&b| b == b'\n') else {
                return Ok(None);
            };
            let line: Vec<u8> = self.typed.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            let error = super::vendor::refusal_line(model, line);
            let mut reply = format!("{line}\r\n{error}\r\n").into_bytes();
            reply.extend_from_slice(&self.prompt);
            return Ok(Some(reply));
        }
        Err(SessionError::Rejected(format!(
            "sent {}, but the recording expects {}",
            show(&self.typed),
            self.expected()
        )))
    }

    fn consume(&mut self, i: usize) -> Vec<u8> {
        self.next = i + 1;
        self.uses[i] += 1;
        let reply = self.transcript.exchanges[i].reply.clone();
        let prompt = last_line(&reply);
        if !prompt.is_empty() {
            self.prompt = prompt.to_vec();
        }
        reply
    }

    /// What the recording would accept next, for error messages.
    fn expected(&self) -> String {
        let exchanges = &self.transcript.exchanges;
        match self.transcript.order {
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
        }
    }

    /// The message for typed bytes that are only the start of an input.
    fn waiting_for(&self) -> String {
        let exchanges = &self.transcript.exchanges;
        let whole: Vec<String> = self
            .candidates()
            .filter(|&i| exchanges[i].input.starts_with(&self.typed))
            .map(|i| show(&exchanges[i].input))
            .collect();
        format!(
            "sent {}, which is only the start of the recorded input {}: the device still waits for the rest",
            show(&self.typed),
            whole.join(" or ")
        )
    }

    /// The recorded reply to exactly `input`, outside the shell stream.
    fn answer(&mut self, input: &[u8], what: &str) -> Result<Vec<u8>, SessionError> {
        let exchanges = &self.transcript.exchanges;
        if let Some(i) = self.candidates().find(|&i| exchanges[i].input == input) {
            if self.refused_file == Some(i) {
                self.consume(i);
                return Err(SessionError::Rejected(format!(
                    "{what} {}: no such file or directory",
                    show(input)
                )));
            }
            if self.close_after == Some(i) {
                self.consume(i);
                self.closed = true;
                return Err(SessionError::Closed(format!(
                    "{what} {}: the connection was lost mid-output",
                    show(input)
                )));
            }
            return Ok(self.consume(i));
        }
        if let Some(model) = &self.unrecorded {
            let line = String::from_utf8_lossy(input);
            let error = super::vendor::refusal_line(model, line.trim_end_matches(['\r', '\n']));
            return Ok(format!("{error}\n").into_bytes());
        }
        Err(SessionError::Rejected(format!(
            "{what} {}, but the recording expects {}",
            show(input),
            self.expected()
        )))
    }

    fn read(&mut self) -> Read {
        if !self.outbox.is_empty() {
            return Read::Data(std::mem::take(&mut self.outbox));
        }
        if self.closed {
            Read::Closed
        } else {
            Read::Idle
        }
    }

    fn finish(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if !self.typed.is_empty() {
            problems.push(self.waiting_for());
        }
        let exchanges = &self.transcript.exchanges;
        let unused: Vec<usize> = (0..exchanges.len())
            .filter(|&i| self.uses[i] == 0)
            .collect();
        if let Some(&first) = unused.first() {
            const SHOWN: usize = 5;
            let mut listed: Vec<String> = unused
                .iter()
                .take(SHOWN)
                .map(|&i| show(&exchanges[i].input))
                .collect();
            if unused.len() > SHOWN {
                listed.push(format!("and {} more", unused.len() - SHOWN));
            }
            problems.push(match self.transcript.order {
                Order::Strict => format!(
                    "the driver stopped at step {} of {}; never sent: {}",
                    first + 1,
                    exchanges.len(),
                    listed.join(", ")
                ),
                Order::Any => format!(
                    "{} of the {} recorded inputs were never sent: {}",
                    unused.len(),
                    exchanges.len(),
                    listed.join(", ")
                ),
            });
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("replay incomplete: {}", problems.join("; ")))
        }
    }
}

/// A [`Session`] over a [`ReplayDevice`], behaving as the host does.
#[derive(Debug)]
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

    /// A handle on the replayed device, to call
    /// [`ReplayDevice::finish`] after the session went to a driver.
    pub fn device(&self) -> ReplayDevice {
        self.device.clone()
    }

    /// Was the whole recording used? See [`ReplayDevice::finish`].
    pub fn finish(&self) -> Result<(), String> {
        self.device.finish()
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
        // As on a device: an exec-mode session has no shell to type into.
        if self.mode == Mode::Exec && !self.probe {
            return Err(SessionError::Unsupported(
                "send on an exec-mode session; use exec".to_string(),
            ));
        }
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
        if self.mode == Mode::Exec {
            return Err(SessionError::Unsupported(
                "reading a shell on an exec-mode session".to_string(),
            ));
        }
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
                        if let Some(waiting) = self.device.pending_input() {
                            return Err(SessionError::Rejected(format!(
                                "while waiting for {waiting_for}: {waiting}"
                            )));
                        }
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
        Ok(device_text(self.engine.clean(reply)))
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
    fn finish_names_the_steps_never_sent() {
        let mut s = session();
        s.read_until(r"^r1#$", None).unwrap();
        s.on_pattern(r"^--More--$", " ").unwrap();
        s.command("show run").unwrap();
        let err = s.finish().unwrap_err();
        assert!(
            err.contains(r#"stopped at step 3 of 3; never sent: "exit\n""#),
            "{err}"
        );
        s.send("exit\n").unwrap();
        assert_eq!(s.finish(), Ok(()));
    }

    #[test]
    fn a_line_that_is_only_the_start_of_a_key_is_not_a_match() {
        let yaml = "init_prompt: r1#\ncommands:\n  - \"logout\\nexit\\n\": \"\"\n";
        let mut s =
            ReplaySession::new(Transcript::parse(yaml).unwrap(), Mode::Shell, r"^r1#$").unwrap();
        s.read_until(r"^r1#$", None).unwrap();
        s.send("logout\n").unwrap();
        let err = s.finish().unwrap_err();
        assert!(
            err.contains(
                r#"sent "logout\n", which is only the start of the recorded input "logout\nexit\n""#
            ),
            "{err}"
        );
        // Waiting for output on a half-typed input says so, too.
        let err = s.read_until(r"^r1#$", None).unwrap_err();
        assert!(
            matches!(&err, SessionError::Rejected(m) if m.contains("only the start")),
            "{err:?}"
        );
    }

    #[test]
    fn every_key_of_a_map_must_be_sent_once_at_least() {
        let yaml =
            "init_prompt: r1#\ncommands:\n  \"a\\n\": \"a\\nr1#\"\n  \"b\\n\": \"b\\nr1#\"\n";
        let mut s =
            ReplaySession::new(Transcript::parse(yaml).unwrap(), Mode::Shell, r"^r1#$").unwrap();
        s.read_until(r"^r1#$", None).unwrap();
        s.command("a").unwrap();
        s.command("a").unwrap();
        let err = s.finish().unwrap_err();
        assert!(
            err.contains(r#"1 of the 2 recorded inputs were never sent: "b\n""#),
            "{err}"
        );
        s.command("b").unwrap();
        assert_eq!(s.finish(), Ok(()));
    }

    #[test]
    fn an_exec_session_refuses_shell_calls_as_a_device_does() {
        let yaml = "commands:\n  \"show\\n\": \"x\"\n";
        let mut s =
            ReplaySession::new(Transcript::parse(yaml).unwrap(), Mode::Exec, r"^r1#$").unwrap();
        assert!(matches!(
            s.send("show\n"),
            Err(SessionError::Unsupported(_))
        ));
        assert!(matches!(
            s.read_until("x", None),
            Err(SessionError::Unsupported(_))
        ));
        assert_eq!(s.exec("show").unwrap(), "x");
    }

    #[test]
    fn essential_commands_fail_when_refused_or_empty_and_pass_otherwise() {
        let yaml = "init_prompt: r1>\ncommands:\n  \"show run\\n\": \"show run\\r\\n% Invalid input detected at '^' marker.\\r\\nr1>\"\n  \"show empty\\n\": \"show empty\\r\\n\\r\\nr1>\"\n  \"show conf\\n\": \"show conf\\r\\nhostname r1\\r\\nr1>\"\n";
        let mut s =
            ReplaySession::new(Transcript::parse(yaml).unwrap(), Mode::Shell, r"^r1[>#]$").unwrap();
        s.read_until(r"^r1>$", None).unwrap();
        let err = s.essential("show run").unwrap_err();
        assert!(
            matches!(&err, SessionError::Rejected(m) if m.contains(r#""show run": the device refused it: "% Invalid input detected"#)),
            "{err:?}"
        );
        let err = s.essential("show empty").unwrap_err();
        assert!(
            matches!(&err, SessionError::Rejected(m) if m.contains("printed nothing")),
            "{err:?}"
        );
        assert!(s.essential("show conf").unwrap().contains("hostname r1"));

        let exec = "commands:\n  \"show configuration\\n\": \"error: syntax error, expecting <command>\\n\"\n  \"show conf\\n\": \"system { host-name r1; }\\n\"\n";
        let mut s =
            ReplaySession::new(Transcript::parse(exec).unwrap(), Mode::Exec, r"^r1#$").unwrap();
        let err = s.essential_exec("show configuration").unwrap_err();
        assert!(
            matches!(&err, SessionError::Rejected(m) if m.contains("refused")),
            "{err:?}"
        );
        assert!(s.essential_exec("show conf").is_ok());
    }

    #[test]
    fn a_configuration_without_its_closing_line_is_cut_short() {
        assert_eq!(
            crate::complete("show run", "hostname r1\n!\nend\n\n", "end"),
            Ok(())
        );
        let err = crate::complete("show run", "hostname r1\ninterface Gi1/0/1\n desc", "end")
            .unwrap_err();
        assert!(
            matches!(&err, SessionError::Rejected(m) if m.contains(r#"stops at " desc", before its closing "end": cut short"#)),
            "{err:?}"
        );
        assert!(crate::complete("show run", "\n \n", "end").is_err());
    }

    #[test]
    fn a_refused_optional_command_is_left_out_and_logged_and_the_session_goes_on() {
        let yaml = "init_prompt: r1#\ncommands:\n  \"show vtp status\\n\": \"show vtp status\\r\\n                  ^\\r\\n% Invalid input detected at '^' marker.\\r\\n\\r\\nr1#\"\n  \"show version\\n\": \"show version\\r\\nIOS 17.9\\r\\nr1#\"\n";
        let mut s =
            ReplaySession::new(Transcript::parse(yaml).unwrap(), Mode::Shell, r"^r1#$").unwrap();
        s.read_until(r"^r1#$", None).unwrap();
        assert_eq!(s.optional("show vtp status").unwrap(), None);
        assert_eq!(
            s.logs,
            [(
                Level::Warn,
                r#"optional command "show vtp status" left out: the device refused it: "% Invalid input detected at '^' marker.""#
                    .to_string()
            )]
        );
        let kept = s.optional("show version").unwrap().unwrap();
        assert!(kept.contains("IOS 17.9"), "{kept:?}");
        assert_eq!(s.logs.len(), 1);
        assert_eq!(s.finish(), Ok(()));

        let exec = "commands:\n  \"show chassis hardware\\n\": \"error: syntax error, expecting <command>: chassis\\n\"\n";
        let mut s =
            ReplaySession::new(Transcript::parse(exec).unwrap(), Mode::Exec, r"^r1#$").unwrap();
        assert_eq!(s.optional_exec("show chassis hardware").unwrap(), None);
        assert!(s.logs[0].1.contains("left out"), "{:?}", s.logs);
    }

    #[test]
    fn a_vendor_s_own_refusal_wording_is_refused_like_the_sdk_s() {
        let yaml = "init_prompt: sw>\ncommands:\n  \"show vsx\\n\": \"show vsx\\r\\nCLINFR0329  Invalid command:'show vsx'.\\r\\nsw>\"\n  \"show version\\n\": \"show version\\r\\nR81\\r\\nsw>\"\n  \"show run\\n\": \"show run\\r\\n% Invalid input\\r\\nsw>\"\n";
        // The vendor's wording, in the first line of the output.
        let clinfr = |raw: &str| {
            let output = crate::text::command_output(raw);
            let first = output.lines().find(|l| !l.trim().is_empty())?;
            first.starts_with("CLINFR").then(|| first.to_string())
        };
        let session = || {
            let mut s = ReplaySession::new(Transcript::parse(yaml).unwrap(), Mode::Shell, r"^sw>$")
                .unwrap();
            s.read_until(r"^sw>$", None).unwrap();
            s
        };
        let mut s = session();
        assert_eq!(
            crate::optional_refused_by(&mut s, "show vsx", &clinfr).unwrap(),
            None
        );
        assert_eq!(
            s.logs,
            [(
                Level::Warn,
                r#"optional command "show vsx" left out: the device refused it: "CLINFR0329  Invalid command:'show vsx'.""#
                    .to_string()
            )]
        );
        let kept = crate::optional_refused_by(&mut s, "show version", &clinfr).unwrap();
        assert!(kept.is_some_and(|k| k.contains("R81")));
        // The SDK's own wording still counts.
        assert_eq!(
            crate::optional_refused_by(&mut s, "show run", &clinfr).unwrap(),
            None
        );
        assert_eq!(s.logs.len(), 2);

        let mut s = session();
        let err = crate::essential_refused_by(&mut s, "show vsx", &clinfr).unwrap_err();
        assert_eq!(
            err,
            SessionError::Rejected(
                r#"essential command "show vsx": the device refused it: "CLINFR0329  Invalid command:'show vsx'.""#
                    .into()
            )
        );
        let kept = crate::essential_refused_by(&mut s, "show version", &clinfr).unwrap();
        assert!(kept.contains("R81"), "{kept:?}");
        let err = crate::essential_refused_by(&mut s, "show run", &clinfr).unwrap_err();
        assert!(
            matches!(&err, SessionError::Rejected(m) if m.contains("% Invalid input")),
            "{err:?}"
        );
    }

    #[test]
    fn exec_needs_the_exact_key() {
        let yaml = "commands:\n  \"show\\n\": \"x\"\n";
        let mut d = ReplayDevice::new(Transcript::parse(yaml).unwrap(), Mode::Exec);
        let err = d.exec("show version").unwrap_err();
        assert!(
            matches!(&err, SessionError::Rejected(m) if m.contains("show version")),
            "{err:?}"
        );
        assert_eq!(d.exec("show").unwrap(), b"x");
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
