//! The session a driver talks through. On a device this is the host's SSH
//! session; in tests it is a replayed transcript (see `harness`).

use std::fmt;
use std::time::Duration;

/// Which secret the host should type. Drivers never see secret values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    Password,
    Enable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// Why a session call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionError {
    /// Nothing matched before the read timeout or the device deadline.
    Timeout(String),
    /// The device closed the connection.
    Closed(String),
    /// The device rejected, or a transcript did not expect, what was sent.
    Rejected(String),
    /// A regex given by the driver does not compile.
    InvalidRegex(String),
    /// The call does not fit this session (e.g. `exec` on a shell device).
    Unsupported(String),
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Timeout(m) => write!(f, "timeout: {m}"),
            SessionError::Closed(m) => write!(f, "connection closed: {m}"),
            SessionError::Rejected(m) => write!(f, "rejected: {m}"),
            SessionError::InvalidRegex(m) => write!(f, "invalid regex: {m}"),
            SessionError::Unsupported(m) => write!(f, "unsupported: {m}"),
        }
    }
}

impl std::error::Error for SessionError {}

/// One device dialogue. Regexes have the one syntax of every driver regex
/// and are compiled in line mode (see [`text`](crate::text)): `^` and `$`
/// match at line boundaries and before `\r\n`, as in Oxidized's Ruby
/// regexes. A prompt or pattern only counts when it is the last thing the
/// device sent: devices stop and wait after a prompt or pager.
pub trait Session {
    /// Replace the prompt regex that `command` waits for.
    fn set_prompt(&mut self, regex: &str) -> Result<(), SessionError>;
    /// While waiting, answer `regex` with `reply` and drop the matched text
    /// from the output (pagers, "Press any key", confirmations). Like a
    /// prompt, the match must end where the device's output so far ends.
    /// If `regex` has a group named `drop`, only that group's text leaves
    /// the output and the rest of the match stays; see
    /// [`on_pager_anywhere`](Session::on_pager_anywhere).
    fn on_pattern(&mut self, regex: &str, reply: &str) -> Result<(), SessionError>;
    fn clear_patterns(&mut self);
    /// The line ending `command` and `send_secret` append. Default `"\n"`.
    fn set_newline(&mut self, newline: &str);
    /// Remove ANSI escape sequences before matching and returning output.
    fn strip_ansi(&mut self, on: bool);
    /// Send `line` and the newline, read until the prompt, return all of it:
    /// echo, output and prompt.
    fn command_with_timeout(
        &mut self,
        line: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError>;
    fn send(&mut self, text: &str) -> Result<(), SessionError>;
    fn send_secret(&mut self, which: Secret) -> Result<(), SessionError>;
    fn read_until(
        &mut self,
        regex: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError>;
    /// Run one command on its own exec channel (exec-mode devices).
    fn exec_with_timeout(
        &mut self,
        line: &str,
        timeout: Option<Duration>,
    ) -> Result<String, SessionError>;
    /// Read a file from the device by its remote path (SCP/SFTP).
    fn fetch_file(&mut self, path: &str, timeout: Option<Duration>)
    -> Result<String, SessionError>;
    fn log(&mut self, level: Level, message: &str);

    /// Answer `pager` with `reply` wherever it shows up in the output, also
    /// when the device prints more after it before it waits (log events,
    /// erase sequences). The pager's text leaves the output; what follows
    /// it stays. `on_pattern` with `(?<drop>pager)(?s:.*)`.
    fn on_pager_anywhere(&mut self, pager: &str, reply: &str) -> Result<(), SessionError> {
        self.on_pattern(&format!("(?<drop>{pager})(?s:.*)"), reply)
    }

    /// Run a command the backup cannot do without (the configuration
    /// itself) and return its whole output, as `command` does. If the
    /// device refused it ([`text::refusal`](crate::text::refusal): unknown
    /// command, wrong privilege level) or printed nothing at all, fail with
    /// [`SessionError::Rejected`] naming the command and quoting the device,
    /// so that a backup without its configuration is never stored.
    fn essential(&mut self, line: &str) -> Result<String, SessionError> {
        let raw = self.command(line)?;
        let output = crate::text::command_output(&raw);
        essential_check(line, &output)?;
        Ok(raw)
    }

    /// [`essential`](Session::essential) for exec-mode devices: `exec`,
    /// whose output has no echo or prompt to cut before the check.
    fn essential_exec(&mut self, line: &str) -> Result<String, SessionError> {
        let output = self.exec(line)?;
        essential_check(line, &crate::text::unix_newlines(&output))?;
        Ok(output)
    }

    /// Run a command the backup can do without (version, inventory, VTP,
    /// environment…) and return its whole output, as `command` does, or
    /// `None` when the device refused it
    /// ([`text::refusal`](crate::text::refusal)). A refused command is
    /// logged (a warning naming the command and quoting the device) and
    /// left out of the backup, and the device goes on: it has answered
    /// with its prompt, so the refusal costs one round trip.
    fn optional(&mut self, line: &str) -> Result<Option<String>, SessionError> {
        let raw = self.command(line)?;
        let output = crate::text::command_output(&raw);
        Ok(optional_check(self, line, &output).then_some(raw))
    }

    /// [`optional`](Session::optional) for exec-mode devices. A command
    /// that printed nothing but its error and exited non-zero (the host's
    /// `rejected` for an exec channel) is refused too.
    fn optional_exec(&mut self, line: &str) -> Result<Option<String>, SessionError> {
        let output = match self.exec(line) {
            Ok(output) => output,
            Err(SessionError::Rejected(why)) => {
                left_out(self, line, &why);
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let kept = optional_check(self, line, &crate::text::unix_newlines(&output));
        Ok(kept.then_some(output))
    }

    /// Read a file that is the configuration itself (SCP/SFTP): a file the
    /// device refuses, or one that is empty, fails with
    /// [`SessionError::Rejected`] naming it as essential, so that a backup
    /// without its configuration is never stored.
    fn essential_file(&mut self, path: &str) -> Result<String, SessionError> {
        let text = match self.fetch_file(path, None) {
            Ok(text) => text,
            Err(SessionError::Rejected(why)) => {
                return Err(SessionError::Rejected(format!(
                    "essential file {path:?}: the device refused it: {why}"
                )));
            }
            Err(e) => return Err(e),
        };
        if text.trim().is_empty() {
            return Err(SessionError::Rejected(format!(
                "essential file {path:?}: the device sent it empty"
            )));
        }
        Ok(text)
    }

    /// `command_with_timeout` with the host's default read timeout.
    fn command(&mut self, line: &str) -> Result<String, SessionError> {
        self.command_with_timeout(line, None)
    }

    /// `exec_with_timeout` with the host's default read timeout.
    fn exec(&mut self, line: &str) -> Result<String, SessionError> {
        self.exec_with_timeout(line, None)
    }
}

/// A configuration must end with its vendor's closing line (`end`,
/// `</pfsense>`): `output` (what the essential command `line` printed,
/// without echo and prompt) whose last line that is not blank does not end
/// with `closing` was cut short, by a buffer limit or a device that gave up
/// mid-way and printed its prompt, and fails like a refusal instead of
/// being stored.
pub fn complete(line: &str, output: &str, closing: &str) -> Result<(), SessionError> {
    let last = output.lines().map(str::trim_end).rfind(|l| !l.is_empty());
    match last {
        Some(last) if last.ends_with(closing) => Ok(()),
        Some(last) => Err(SessionError::Rejected(format!(
            "essential command {line:?}: the configuration stops at {:?}, before its closing {closing:?}: cut short",
            tail_chars(last, 60)
        ))),
        None => Err(SessionError::Rejected(format!(
            "essential command {line:?}: the device printed nothing"
        ))),
    }
}

/// [`Session::essential`] on a device that also refuses in words of its
/// own, which the SDK's [`REFUSALS`](crate::text::REFUSALS) do not hold
/// (`CLINFR0329  Invalid command`, `SHELL PARSER FAILURE`): `refused` reads
/// the command's whole output (echo, output, prompt), cuts it as the driver
/// does, and returns the line in which the device refused, if it did. Such
/// a refusal fails as the SDK's own do. A free function, not a method, so
/// that only the drivers that call it carry it.
pub fn essential_refused_by<S: Session + ?Sized>(
    session: &mut S,
    line: &str,
    refused: &dyn Fn(&str) -> Option<String>,
) -> Result<String, SessionError> {
    let raw = session.essential(line)?;
    if let Some(why) = refused(&raw) {
        return Err(essential_refused(line, &why));
    }
    Ok(raw)
}

/// [`Session::optional`] on a device that also refuses in words of its
/// own: see [`essential_refused_by`]. Such a refusal is logged and left out
/// as the SDK's own are.
pub fn optional_refused_by<S: Session + ?Sized>(
    session: &mut S,
    line: &str,
    refused: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>, SessionError> {
    let Some(raw) = session.optional(line)? else {
        return Ok(None);
    };
    if let Some(why) = refused(&raw) {
        left_out(session, line, &refused_because(&why));
        return Ok(None);
    }
    Ok(Some(raw))
}

/// The last `n` characters of `s`.
fn tail_chars(s: &str, n: usize) -> &str {
    let start = s
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    &s[start..]
}

/// Whether an optional command's output is kept: it is, unless the device
/// refused the command, which is then logged.
fn optional_check<S: Session + ?Sized>(session: &mut S, line: &str, output: &str) -> bool {
    let Some(why) = crate::text::refusal(output) else {
        return true;
    };
    left_out(session, line, &refused_because(why));
    false
}

/// The essential command `line` was refused, in line `why`.
fn essential_refused(line: &str, why: &str) -> SessionError {
    SessionError::Rejected(format!(
        "essential command {line:?}: {}",
        refused_because(why)
    ))
}

/// Why a command is left out: `the device refused it: "<the line>"`.
fn refused_because(line: &str) -> String {
    format!("the device refused it: {:?}", line.trim())
}

/// Log that the optional command `line` was left out, and why.
fn left_out<S: Session + ?Sized>(session: &mut S, line: &str, why: &str) {
    session.log(
        Level::Warn,
        &format!("optional command {line:?} left out: {why}"),
    );
}

/// The device's output for an essential command must be no refusal and not
/// empty.
fn essential_check(line: &str, output: &str) -> Result<(), SessionError> {
    if let Some(why) = crate::text::refusal(output) {
        return Err(essential_refused(line, why));
    }
    if output.trim().is_empty() {
        return Err(SessionError::Rejected(format!(
            "essential command {line:?}: the device printed nothing"
        )));
    }
    Ok(())
}
