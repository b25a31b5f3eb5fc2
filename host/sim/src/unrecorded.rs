//! What a device says to a line its recording lacks: the empty line a
//! client sends to find the prompt, `terminal width 511`, a typo. A real
//! device answers with its error message and the prompt again; so does the
//! simulator, unless it runs with `--strict`.

/// The error a device of `model` prints for the unknown command `line`.
pub use netraven_driver_sdk::harness::vendor::refusal_line as error_line;

/// A user-mode prompt: the last line's final `#` (and what follows it on
/// that line, a space at most) made `>`.
pub fn user_mode(sent: &[u8]) -> Vec<u8> {
    let start = sent.len() - last_line(sent).len();
    let mut out = sent.to_vec();
    if let Some(hash) = out[start..].iter().rposition(|&b| b == b'#')
        && out[start + hash + 1..]
            .iter()
            .all(|b| b.is_ascii_whitespace())
    {
        out[start + hash] = b'>';
    }
    out
}

/// Whether a recorded input is a command a user-mode login may not run: it
/// shows the configuration.
pub fn needs_privilege(input: &[u8]) -> bool {
    let line = String::from_utf8_lossy(input).to_ascii_lowercase();
    [
        "running-config",
        "startup-config",
        "show configuration",
        "show full-configuration",
    ]
    .iter()
    .any(|c| line.contains(c))
}

/// Whether the input `typed` (line ending included) is the command `line`.
pub fn is_line(typed: &[u8], line: &[u8]) -> bool {
    let mut typed = typed;
    while let Some(rest) = typed
        .strip_suffix(b"\n")
        .or_else(|| typed.strip_suffix(b"\r"))
    {
        typed = rest;
    }
    typed == line
}

/// What a device answers a command it refuses: the echo, a new line, the
/// vendor's error and the prompt.
pub fn refused(model: &str, input: &[u8], prompt: &[u8]) -> Vec<u8> {
    let mut line = Line::new(input.to_vec());
    if !line.ended() {
        line.push(b'\n');
    }
    let mut out = input.to_vec();
    while out.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        out.pop();
    }
    out.extend(line.answer(model, prompt));
    out
}

/// The prompt a device shows again: the last line of what it sent last.
pub fn last_line(sent: &[u8]) -> &[u8] {
    match sent.iter().rposition(|&b| b == b'\n') {
        Some(i) => &sent[i + 1..],
        None => sent,
    }
}

/// A line the recording does not have, typed so far.
#[derive(Debug, Default)]
pub struct Line {
    typed: Vec<u8>,
}

impl Line {
    /// Start with what was typed before the recording refused it.
    pub fn new(typed: Vec<u8>) -> Self {
        Line { typed }
    }

    /// The line so far, without any line ending.
    pub fn text(&self) -> String {
        let end = self
            .typed
            .iter()
            .position(|&b| b == b'\r' || b == b'\n')
            .unwrap_or(self.typed.len());
        String::from_utf8_lossy(&self.typed[..end])
            .trim()
            .to_string()
    }

    pub fn push(&mut self, byte: u8) {
        self.typed.push(byte);
    }

    /// Has the client ended the line?
    pub fn ended(&self) -> bool {
        self.typed.iter().any(|&b| b == b'\r' || b == b'\n')
    }

    /// What the device answers once the line ended: a new line, the error
    /// (none for an empty line) and the prompt.
    pub fn answer(&self, model: &str, prompt: &[u8]) -> Vec<u8> {
        let text = self.text();
        let mut out = b"\r\n".to_vec();
        if !text.is_empty() {
            out.extend_from_slice(error_line(model, &text).as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(prompt);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_line_gets_the_prompt_and_a_command_the_vendor_error() {
        let mut line = Line::new(Vec::new());
        line.push(b'\n');
        assert!(line.ended());
        assert_eq!(line.answer("ios", b"r1#"), b"\r\nr1#");

        let mut line = Line::new(b"terminal wid".to_vec());
        assert!(!line.ended());
        for &b in b"th 511\r" {
            line.push(b);
        }
        assert_eq!(
            String::from_utf8(line.answer("ios", b"r1#")).unwrap(),
            "\r\n% Invalid input detected at '^' marker.\r\nr1#"
        );
        assert_eq!(
            String::from_utf8(line.answer("routeros", b"[admin@r1] > ")).unwrap(),
            "\r\nbad command name terminal (line 1 column 1)\r\n[admin@r1] > "
        );
    }

    #[test]
    fn the_prompt_is_the_last_line_sent() {
        assert_eq!(last_line(b"banner\r\nr1#"), b"r1#");
        assert_eq!(last_line(b"r1#"), b"r1#");
    }

    #[test]
    fn user_mode_turns_the_privileged_prompt_and_refuses_the_configuration() {
        assert_eq!(
            user_mode(b"show clock\r\n12:00\r\nr1#"),
            b"show clock\r\n12:00\r\nr1>"
        );
        assert_eq!(user_mode(b"banner\r\nr1# "), b"banner\r\nr1> ");
        assert_eq!(user_mode(b"r1(config)#x"), b"r1(config)#x");
        assert!(needs_privilege(b"show running-config\n"));
        assert!(!needs_privilege(b"show version\n"));
        assert_eq!(
            String::from_utf8(refused("ios", b"show running-config\n", b"r1>")).unwrap(),
            "show running-config\r\n% Invalid input detected at '^' marker.\r\nr1>"
        );
    }
}
