//! The prompt engine: what the host does between "bytes arrived" and "here
//! is your output". It is sans-IO, so the SSH transport and the replay
//! harness share it and behave the same.
//!
//! Rules:
//! - A regex only counts when its match ends exactly at the end of what the
//!   device has sent so far: devices stop and wait after a prompt or a pager.
//! - Only the tail of the unread data is scanned (from the start of the line
//!   that holds the last [`TAIL`] bytes), so reading a 10 MB config is linear.
//! - Pager patterns are answered and their matched text is dropped from the
//!   output; a pattern never matches the same bytes twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use regex::bytes::{Regex, RegexBuilder};

use crate::session::SessionError;

/// How many trailing bytes a match is looked for in.
pub const TAIL: usize = 4096;

/// Compile a driver regex the way the host does: multi-line, CRLF-aware.
/// Compiled regexes are shared process-wide: compiling a Unicode `\w` regex
/// costs more than a whole SSH exchange.
pub fn compile(pattern: &str) -> Result<Arc<Regex>, SessionError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = cache.lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return Ok(re);
    }
    let re = RegexBuilder::new(pattern)
        .multi_line(true)
        .crlf(true)
        .build()
        .map(Arc::new)
        .map_err(|e| SessionError::InvalidRegex(format!("{pattern:?}: {e}")))?;
    if let Ok(mut c) = cache.lock() {
        // Drivers that embed hostnames in prompts make one regex per device;
        // keep the cache bounded rather than growing with the estate.
        if c.len() >= 4096 {
            c.clear();
        }
        c.insert(pattern.to_string(), re.clone());
    }
    Ok(re)
}

/// What the caller should do next.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// The target matched; here is everything read, including the match.
    Done(Vec<u8>),
    /// A pattern matched; send these bytes to the device, then keep reading.
    Send(Vec<u8>),
    /// Read more from the device.
    NeedMore,
}

/// Streaming removal of ANSI escape sequences, safe across chunk splits.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Ansi {
    #[default]
    Text,
    Escape,
    Csi,
}

#[derive(Debug, Clone)]
pub struct PromptEngine {
    prompt: Arc<Regex>,
    patterns: Vec<(Arc<Regex>, Vec<u8>)>,
    strip_ansi: bool,
    ansi: Ansi,
    buf: Vec<u8>,
    /// Matches must start at or after this offset (bytes before it were
    /// already answered as a pager).
    floor: usize,
}

impl PromptEngine {
    pub fn new(prompt: &str) -> Result<Self, SessionError> {
        Ok(PromptEngine {
            prompt: compile(prompt)?,
            patterns: Vec::new(),
            strip_ansi: false,
            ansi: Ansi::Text,
            buf: Vec::new(),
            floor: 0,
        })
    }

    pub fn prompt(&self) -> &Arc<Regex> {
        &self.prompt
    }

    pub fn set_prompt(&mut self, prompt: &str) -> Result<(), SessionError> {
        self.prompt = compile(prompt)?;
        Ok(())
    }

    pub fn add_pattern(&mut self, pattern: &str, reply: &str) -> Result<(), SessionError> {
        self.patterns
            .push((compile(pattern)?, reply.as_bytes().to_vec()));
        Ok(())
    }

    pub fn clear_patterns(&mut self) {
        self.patterns.clear();
    }

    pub fn set_strip_ansi(&mut self, on: bool) {
        self.strip_ansi = on;
    }

    /// Bytes received and not yet returned.
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        if !self.strip_ansi {
            self.buf.extend_from_slice(bytes);
            return;
        }
        for &b in bytes {
            self.ansi = match (self.ansi, b) {
                (Ansi::Text, 0x1b) => Ansi::Escape,
                (Ansi::Text, b) => {
                    self.buf.push(b);
                    Ansi::Text
                }
                (Ansi::Escape, b'[') => Ansi::Csi,
                (Ansi::Escape, _) => Ansi::Text,
                (Ansi::Csi, 0x40..=0x7e) => Ansi::Text,
                (Ansi::Csi, _) => Ansi::Csi,
            };
        }
    }

    /// Look for a pager pattern, then for `target`, at the end of the data.
    pub fn step(&mut self, target: &Regex) -> Step {
        let start = self.window_start();
        for (re, reply) in &self.patterns {
            // An empty match (a pattern like `(--More--)?$`) would be answered
            // forever without consuming anything: only real text counts.
            if let Some((from, _)) = match_at_end(re, &self.buf, start).filter(|(f, t)| t > f) {
                self.buf.truncate(from);
                self.floor = from;
                return Step::Send(reply.clone());
            }
        }
        if match_at_end(target, &self.buf, start).is_some() {
            self.floor = 0;
            return Step::Done(std::mem::take(&mut self.buf));
        }
        Step::NeedMore
    }

    /// Drop everything received (after a timeout, before a fresh command).
    pub fn take_pending(&mut self) -> Vec<u8> {
        self.floor = 0;
        std::mem::take(&mut self.buf)
    }

    fn window_start(&self) -> usize {
        let tail = self.buf.len().saturating_sub(TAIL);
        if tail <= self.floor {
            return self.floor;
        }
        // Start at a line boundary so `^` means what the driver meant.
        match self.buf[tail..].iter().position(|&b| b == b'\n') {
            Some(i) => tail + i + 1,
            None => tail,
        }
    }
}

/// The match of `re` that ends exactly at the end of `buf`, searching from
/// `start`.
fn match_at_end(re: &Regex, buf: &[u8], start: usize) -> Option<(usize, usize)> {
    let end = buf.len();
    if start > end {
        return None;
    }
    re.find_iter(&buf[start..])
        .map(|m| (start + m.start(), start + m.end()))
        .find(|&(_, e)| e == end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step_str(e: &mut PromptEngine) -> Step {
        let p = e.prompt().clone();
        e.step(&p)
    }

    #[test]
    fn prompt_only_counts_at_the_end_of_the_data() {
        let mut e = PromptEngine::new(r"^r1#\s?$").unwrap();
        e.feed(b"show run\nr1#\nhostname r1\n");
        assert_eq!(step_str(&mut e), Step::NeedMore);
        e.feed(b"r1#");
        assert_eq!(
            step_str(&mut e),
            Step::Done(b"show run\nr1#\nhostname r1\nr1#".to_vec())
        );
        assert!(e.pending().is_empty());
    }

    #[test]
    fn pager_prompt_split_across_two_reads() {
        let mut e = PromptEngine::new(r"^r1#$").unwrap();
        e.add_pattern(r"--More--\s*$", " ").unwrap();
        e.feed(b"line 1\n--Mo");
        assert_eq!(step_str(&mut e), Step::NeedMore);
        e.feed(b"re-- ");
        assert_eq!(step_str(&mut e), Step::Send(b" ".to_vec()));
        e.feed(b"line 2\nr1#");
        assert_eq!(
            step_str(&mut e),
            Step::Done(b"line 1\nline 2\nr1#".to_vec())
        );
    }

    #[test]
    fn ansi_sequences_split_across_reads_are_removed() {
        let mut e = PromptEngine::new(r"^r1#$").unwrap();
        e.set_strip_ansi(true);
        e.feed(b"\x1b[2");
        e.feed(b"4;1Hr1\x1b");
        e.feed(b"[K#");
        assert_eq!(step_str(&mut e), Step::Done(b"r1#".to_vec()));
    }

    #[test]
    fn only_the_tail_is_scanned() {
        let mut e = PromptEngine::new(r"\A#").unwrap();
        let mut data = vec![b'x'; TAIL * 3];
        data.push(b'\n');
        e.feed(&data);
        // `\A` is the start of the window, never the start of a 12 KB buffer.
        assert_eq!(step_str(&mut e), Step::NeedMore);
        e.feed(b"#");
        assert!(matches!(step_str(&mut e), Step::Done(_)));
    }

    #[test]
    fn a_pattern_that_matches_nothing_is_never_answered() {
        let mut e = PromptEngine::new(r"^r1#$").unwrap();
        e.add_pattern(r"(--More--)?$", " ").unwrap();
        e.feed(b"line 1
");
        assert_eq!(step_str(&mut e), Step::NeedMore);
        e.feed(b"--More--");
        assert_eq!(step_str(&mut e), Step::Send(b" ".to_vec()));
    }

    #[test]
    fn bad_regex_is_reported_with_the_pattern() {
        let err = PromptEngine::new("(unclosed").unwrap_err();
        assert!(matches!(err, SessionError::InvalidRegex(m) if m.contains("(unclosed")));
    }
}
