//! Recording a live session as an Oxidized-format simulation YAML, so a
//! user's own device becomes a replayable test case.
//!
//! The recorder sits below the prompt engine: it keeps the raw bytes the
//! device sent (pagers, escape codes and all) and exactly what the host
//! typed, except that secrets are written as the placeholders the replay
//! harness types (`<password>`, `<enable>`).

use netraven_driver_sdk::Secret;
use netraven_driver_sdk::harness::replay::{ENABLE_PLACEHOLDER, PASSWORD_PLACEHOLDER};

#[derive(Debug, Default, Clone)]
pub struct Recorder {
    init: Vec<u8>,
    exchanges: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Recorder {
    /// Bytes the device sent.
    pub fn output(&mut self, bytes: &[u8]) {
        match self.exchanges.last_mut() {
            Some((_, reply)) => reply.extend_from_slice(bytes),
            None => self.init.extend_from_slice(bytes),
        }
    }

    /// Bytes the host typed (not a secret).
    pub fn input(&mut self, bytes: &[u8]) {
        self.exchanges.push((bytes.to_vec(), Vec::new()));
    }

    /// A secret was typed, followed by `newline`.
    pub fn secret(&mut self, which: Secret, newline: &str) {
        let placeholder = match which {
            Secret::Password => PASSWORD_PLACEHOLDER,
            Secret::Enable => ENABLE_PLACEHOLDER,
        };
        self.input(format!("{placeholder}{newline}").as_bytes());
    }

    /// A whole request/answer outside the shell (exec, file fetch).
    pub fn exchange(&mut self, input: &[u8], reply: &[u8]) {
        self.exchanges.push((input.to_vec(), reply.to_vec()));
    }

    /// A plain transcript for connection logs: what the device sent, with
    /// each thing the host typed on its own line after `>>> `. Secrets show
    /// as their placeholders, never as values.
    pub fn to_text(&self) -> String {
        let mut out = String::from_utf8_lossy(&self.init).into_owned();
        for (input, reply) in &self.exchanges {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(">>> ");
            out.push_str(String::from_utf8_lossy(input).trim_end_matches(['\r', '\n']));
            out.push('\n');
            out.push_str(&String::from_utf8_lossy(reply));
        }
        out
    }

    /// The simulation YAML. Commands are a list, replayed strictly in order,
    /// because a live session may send the same key (a pager answer) twice.
    pub fn to_yaml(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
        if !self.init.is_empty() {
            out.push_str("init_prompt: ");
            out.push_str(&ruby_value(&self.init));
            out.push('\n');
        }
        out.push_str("commands:\n");
        for (input, reply) in &self.exchanges {
            out.push_str("  - ");
            out.push_str(&yaml_key(input));
            out.push_str(": ");
            out.push_str(&ruby_value(reply));
            out.push('\n');
        }
        out
    }
}

/// A YAML double-quoted key: YAML decodes it, nothing else does.
fn yaml_key(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A reply: a YAML single-quoted scalar (no YAML escapes) holding Ruby
/// escapes, which the transcript loader decodes to the exact bytes.
fn ruby_value(bytes: &[u8]) -> String {
    let mut out = String::from("'");
    let text = String::from_utf8_lossy(bytes);
    // Invalid UTF-8 is kept byte for byte with \xNN.
    let exact = text.as_bytes() == bytes;
    if exact {
        for c in text.chars() {
            push_char(&mut out, c);
        }
    } else {
        for &b in bytes {
            if b.is_ascii() {
                push_char(&mut out, b as char);
            } else {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
    }
    out.push('\'');
    out
}

fn push_char(out: &mut String, c: char) {
    match c {
        '\'' => out.push_str("''"),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x1b' => out.push_str("\\e"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02X}", c as u32)),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netraven_driver_sdk::harness::transcript::{Order, Transcript};

    #[test]
    fn a_recording_parses_back_to_the_exact_bytes() {
        let mut r = Recorder::default();
        r.output(b"banner 'quoted' \\ \x1b[0m\r\nr1>");
        r.input(b"enable\n");
        r.output(b"Password: ");
        r.secret(Secret::Enable, "\n");
        r.output(b"r1#");
        r.input(b"show run\n");
        r.output(b"show run\r\n \xff\xfe binary \t tab\r\n --More-- ");
        r.input(b" ");
        r.output(b"end\r\nr1#");
        r.exchange(b"config.ini", b"[section]\nkey=1\n");
        let yaml = r.to_yaml("recorded by a test\nsecond line");
        let t = Transcript::parse(&yaml).unwrap();
        assert_eq!(t.order, Order::Strict);
        assert_eq!(
            t.init_prompt.as_deref(),
            Some(&b"banner 'quoted' \\ \x1b[0m\r\nr1>"[..])
        );
        let pairs: Vec<(&[u8], &[u8])> = t
            .exchanges
            .iter()
            .map(|e| (e.input.as_slice(), e.reply.as_slice()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                (&b"enable\n"[..], &b"Password: "[..]),
                (b"<enable>\n", b"r1#"),
                (
                    b"show run\n",
                    b"show run\r\n \xff\xfe binary \t tab\r\n --More-- "
                ),
                (b" ", b"end\r\nr1#"),
                (b"config.ini", b"[section]\nkey=1\n"),
            ]
        );
    }
}
