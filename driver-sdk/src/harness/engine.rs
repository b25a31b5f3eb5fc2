//! The prompt engine: what the host does between "bytes arrived" and "here
//! is your output". It is sans-IO, so the SSH transport and the replay
//! harness share it and behave the same.
//!
//! Rules:
//! - A regex only counts when its match ends exactly at the end of what the
//!   device has sent so far: devices stop and wait after a prompt or a pager.
//! - Only the tail of the unread data is searched (the last [`TAIL`] bytes),
//!   so reading a 10 MB config is linear; anchors still see the bytes before
//!   the tail, so `^` means the start of a real line.
//! - Pager patterns are answered and their matched text is dropped from the
//!   output; a pattern never matches the same bytes twice. When a pattern
//!   has a group named `drop`, only that group's text is dropped and the
//!   rest of the match stays in the output: so `(?<drop>--More--)(?s:.*)`
//!   answers a pager that the device follows with more output before it
//!   waits (see `Session::on_pager_anywhere`).
//! - A prompt may be followed by blanks the device printed after it
//!   (`r1#   `): they are left out of the match, not of the output.
//! - Unless the driver turns it off (`strip_ansi(false)`), output is
//!   cleaned as a terminal shows it: ANSI escape sequences are removed, and
//!   so are the carriage returns that move nothing (a run of them before a
//!   line feed keeps one; one at the start of a line goes).

use std::sync::Arc;

use regex::bytes::{Regex, RegexBuilder};

use crate::native_text::SharedCache;
use crate::session::SessionError;

/// How many trailing bytes a match is looked for in.
pub const TAIL: usize = 4096;

/// Longest regex a driver may hand the host, in bytes.
pub const MAX_PATTERN_LEN: usize = 4096;
/// Most auto-reply patterns one session may hold.
pub const MAX_PATTERNS: usize = 64;
/// Most pager answers while waiting for one prompt: a device that pages
/// forever is broken, and a driver must not answer it forever.
pub const MAX_ANSWERS: usize = 100_000;
/// Compiled-size limit for driver regexes (the `regex` default is 10 MiB).
const REGEX_SIZE_LIMIT: usize = 1024 * 1024;

/// Compile a driver regex the way the host does: multi-line, CRLF-aware.
/// Compiled regexes are shared process-wide: compiling a Unicode `\w` regex
/// costs more than a whole SSH exchange.
pub fn compile(pattern: &str) -> Result<Arc<Regex>, SessionError> {
    // Drivers that embed hostnames in prompts make one regex per device;
    // the cache stays bounded rather than growing with the estate.
    static CACHE: SharedCache<Regex> = SharedCache::new(4096);
    CACHE.get_or_build(pattern, || {
        if pattern.len() > MAX_PATTERN_LEN {
            return Err(SessionError::InvalidRegex(format!(
                "a regex of {} bytes is longer than the {MAX_PATTERN_LEN}-byte limit",
                pattern.len()
            )));
        }
        // The one syntax of every driver regex (ASCII classes, as in Ruby),
        // in line mode: see the `text` module.
        let ascii = crate::native_text::ascii_classes(pattern)
            .map_err(|e| SessionError::InvalidRegex(format!("{pattern:?}: {e}")))?;
        RegexBuilder::new(&ascii)
            .multi_line(true)
            .crlf(true)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| SessionError::InvalidRegex(format!("{pattern:?}: {e}")))
    })
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

/// Device output as text: the bytes themselves when they are UTF-8 (no
/// copy, and the common case), else with U+FFFD in place of each invalid
/// sequence, as `String::from_utf8_lossy` writes them.
pub fn device_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned())
}

/// Streaming removal of ANSI escape sequences, safe across chunk splits.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Ansi {
    #[default]
    Text,
    Escape,
    Csi,
}

/// Output cleaned as a terminal shows it, fed in chunks: ANSI escape
/// sequences removed, and carriage returns that move nothing (a run of
/// them before a line feed keeps one; one at the start of a line goes).
/// Returns are held until the next byte says what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Terminal {
    ansi: Ansi,
    /// Carriage returns seen and not yet written out.
    held: usize,
    /// The next byte starts a line (after a line feed, or at the start).
    line_start: bool,
}

impl Default for Terminal {
    fn default() -> Self {
        Terminal {
            ansi: Ansi::Text,
            held: 0,
            line_start: true,
        }
    }
}

impl Terminal {
    /// Clean `bytes` into `out`.
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        let mut rest = bytes;
        while let Some((&b, tail)) = rest.split_first() {
            // Plain text up to the next escape or carriage return goes in
            // whole: the byte-by-byte path is only for what needs judging.
            if self.ansi == Ansi::Text && self.held == 0 && b != 0x1b && b != b'\r' {
                let run = memchr::memchr2(0x1b, b'\r', rest).unwrap_or(rest.len());
                out.extend_from_slice(&rest[..run]);
                self.line_start = rest[run - 1] == b'\n';
                rest = &rest[run..];
                continue;
            }
            rest = tail;
            self.ansi = match (self.ansi, b) {
                (Ansi::Text, 0x1b) => Ansi::Escape,
                (Ansi::Text, b) => {
                    self.shown(b, out);
                    Ansi::Text
                }
                (Ansi::Escape, b'[') => Ansi::Csi,
                (Ansi::Escape, _) => Ansi::Text,
                (Ansi::Csi, 0x40..=0x7e) => Ansi::Text,
                (Ansi::Csi, _) => Ansi::Csi,
            };
        }
    }

    /// Write out a byte that is not part of an escape sequence.
    fn shown(&mut self, b: u8, out: &mut Vec<u8>) {
        match b {
            b'\r' => {
                self.held += 1;
                return;
            }
            b'\n' if self.held > 0 => out.push(b'\r'),
            _ if self.held > 0 && !self.line_start => {
                out.extend(std::iter::repeat_n(b'\r', self.held));
            }
            _ => {}
        }
        self.held = 0;
        self.line_start = b == b'\n';
        out.push(b);
    }
}

/// Most blanks after a prompt that still let it count.
const PROMPT_BLANKS: usize = 16;

/// An auto-reply pattern and what it sends.
#[derive(Debug, Clone)]
struct Pattern {
    re: Arc<Regex>,
    reply: Vec<u8>,
    /// The index of its `drop` group, if it has one.
    drop: Option<usize>,
}

/// The group of an auto-reply pattern that names the text to remove.
pub const DROP_GROUP: &str = "drop";

#[derive(Debug, Clone)]
pub struct PromptEngine {
    prompt: Arc<Regex>,
    patterns: Vec<Pattern>,
    strip_ansi: bool,
    terminal: Terminal,
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
            strip_ansi: true,
            terminal: Terminal::default(),
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
        if self.patterns.len() >= MAX_PATTERNS {
            return Err(SessionError::Unsupported(format!(
                "more than {MAX_PATTERNS} auto-reply patterns; clear_patterns first"
            )));
        }
        let re = compile(pattern)?;
        let drop = re.capture_names().position(|name| name == Some(DROP_GROUP));
        self.patterns.push(Pattern {
            re,
            reply: reply.as_bytes().to_vec(),
            drop,
        });
        Ok(())
    }

    pub fn clear_patterns(&mut self) {
        self.patterns.clear();
    }

    pub fn set_strip_ansi(&mut self, on: bool) {
        self.strip_ansi = on;
    }

    /// `bytes` cleaned as this session cleans its shell output (an exec
    /// channel's whole output, say).
    pub fn clean(&self, bytes: Vec<u8>) -> Vec<u8> {
        if !self.strip_ansi {
            return bytes;
        }
        let mut out = Vec::with_capacity(bytes.len());
        // Returns held at the very end move nothing either.
        Terminal::default().feed(&bytes, &mut out);
        out
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
        self.terminal.feed(bytes, &mut self.buf);
    }

    /// Look for a pager pattern, then for `target`, at the end of the data.
    pub fn step(&mut self, target: &Regex) -> Step {
        let start = self.window_start();
        for pattern in &self.patterns {
            // An empty match (a pattern like `(--More--)?$`) would be answered
            // forever without consuming anything: only real text counts.
            let Some((from, to)) =
                match_at_end(&pattern.re, &self.buf, start).filter(|(f, t)| t > f)
            else {
                continue;
            };
            let group = pattern.drop.and_then(|i| {
                let caps = pattern.re.captures_at(&self.buf, from)?;
                caps.get(i).map(|g| (g.start(), g.end()))
            });
            match group {
                // Drop the group's text and keep what followed it; later
                // matches start after the kept text's beginning.
                Some((g_from, g_to)) => {
                    self.buf.drain(g_from..g_to);
                    self.floor = g_from;
                }
                None if pattern.drop.is_some() => {
                    // The group took no part: nothing to drop, and this
                    // match must not be answered again.
                    self.floor = to;
                }
                None => {
                    self.buf.truncate(from);
                    self.floor = from;
                }
            }
            return Step::Send(pattern.reply.clone());
        }
        if match_at_end(target, &self.buf, start).is_some()
            || self.prompt_then_blanks(target, start)
        {
            self.floor = 0;
            return Step::Done(std::mem::take(&mut self.buf));
        }
        Step::NeedMore
    }

    /// Whether `target` matches at the end of the data but for up to
    /// [`PROMPT_BLANKS`] spaces or tabs the device printed after it.
    fn prompt_then_blanks(&self, target: &Regex, start: usize) -> bool {
        let blanks = self
            .buf
            .iter()
            .rev()
            .take(PROMPT_BLANKS + 1)
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count()
            .min(PROMPT_BLANKS);
        (1..=blanks).any(|k| {
            let end = self.buf.len() - k;
            end > start && match_at_end(target, &self.buf[..end], start.min(end)).is_some()
        })
    }

    /// Drop everything received (after a timeout, before a fresh command).
    pub fn take_pending(&mut self) -> Vec<u8> {
        self.floor = 0;
        std::mem::take(&mut self.buf)
    }

    fn window_start(&self) -> usize {
        self.buf.len().saturating_sub(TAIL).max(self.floor)
    }
}

/// The match of `re` that starts at or after `start` and ends exactly at
/// the end of `buf`. The search sees the whole buffer, so anchors and
/// look-around judge by the real context, not by where the window begins.
fn match_at_end(re: &Regex, buf: &[u8], start: usize) -> Option<(usize, usize)> {
    let end = buf.len();
    let mut at = start;
    while at <= end {
        let m = re.find_at(buf, at)?;
        if m.end() == end {
            return Some((m.start(), m.end()));
        }
        // Try the next start: a later match may end at the end of the data
        // even when this one does not (`ab|bc$` on "abc").
        at = m.start() + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn device_text_keeps_utf8_and_marks_invalid_bytes_as_lossy_conversion_does() {
        for bytes in [
            b"Router#show version\r\nCisco IOS\r\nRouter#".to_vec(),
            "caf\u{e9} \u{2014} ok".as_bytes().to_vec(),
            b"bad \xff\xfe byte, cut \xe2\x82".to_vec(),
            Vec::new(),
        ] {
            let want = String::from_utf8_lossy(&bytes).into_owned();
            assert_eq!(device_text(bytes), want);
        }
        let valid = b"no copy".to_vec();
        let at = valid.as_ptr();
        let text = device_text(valid);
        assert_eq!(text.as_ptr(), at, "valid UTF-8 is not copied");
    }

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
    fn a_drop_group_removes_only_the_pager_and_keeps_what_follows_it() {
        let mut e = PromptEngine::new(r"^r1#$").unwrap();
        e.add_pattern(r"(?<drop> --More-- \x00)(?s:.*)", " ")
            .unwrap();
        // The device prints a log event after the pager, then waits.
        e.feed(b"line 1\n --More-- \x002024/01/01 10:00:00 link up\r\n");
        assert_eq!(step_str(&mut e), Step::Send(b" ".to_vec()));
        // Nothing more to answer until the device sends another pager.
        assert_eq!(step_str(&mut e), Step::NeedMore);
        e.feed(b"line 2\n --More-- \x00");
        assert_eq!(step_str(&mut e), Step::Send(b" ".to_vec()));
        e.feed(b"line 3\nr1#");
        assert_eq!(
            step_str(&mut e),
            Step::Done(b"line 1\n2024/01/01 10:00:00 link up\r\nline 2\nline 3\nr1#".to_vec())
        );
    }

    #[test]
    fn without_a_drop_group_a_pager_followed_by_output_is_not_answered() {
        let mut e = PromptEngine::new(r"^r1#$").unwrap();
        e.add_pattern(r" --More-- \x00", " ").unwrap();
        e.feed(b"line 1\n --More-- \x002024/01/01 log\r\n");
        assert_eq!(step_str(&mut e), Step::NeedMore);
    }

    #[test]
    fn session_regexes_have_ascii_classes_as_text_regexes_do() {
        let re = compile(r"^\w+#$").unwrap();
        assert!(re.is_match(b"r1#"));
        assert!(!re.is_match("r\u{e9}1#".as_bytes()));
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
    fn carriage_returns_that_move_nothing_are_dropped_across_reads() {
        let mut e = PromptEngine::new(r"^r1#$").unwrap();
        e.feed(b"\rline 1\r\r");
        e.feed(b"\nline 2\r\n\r");
        e.feed(b"\rprogress 50%\rprogress 100%\r\nr1#");
        assert_eq!(
            step_str(&mut e),
            Step::Done(b"line 1\r\nline 2\r\nprogress 50%\rprogress 100%\r\nr1#".to_vec())
        );
        let mut raw = PromptEngine::new(r"^r1#$").unwrap();
        raw.set_strip_ansi(false);
        raw.feed(b"\x1b[1mx\x1b[0m\r\r\nr1#");
        assert_eq!(
            step_str(&mut raw),
            Step::Done(b"\x1b[1mx\x1b[0m\r\r\nr1#".to_vec())
        );
    }

    #[test]
    fn cleaning_is_the_same_however_the_output_is_split() {
        let sample: &[u8] =
            b"\rshow run\r\r\n\x1b[1mhostname\x1b[0m r1\r\n\r\rx\ry\r\n\x1b[K\r\nr1#";
        let whole = {
            let mut e = PromptEngine::new(r"^r1#$").unwrap();
            e.feed(sample);
            e.take_pending()
        };
        for size in 1..sample.len() {
            let mut e = PromptEngine::new(r"^r1#$").unwrap();
            for chunk in sample.chunks(size) {
                e.feed(chunk);
            }
            assert_eq!(e.take_pending(), whole, "chunks of {size}");
        }
        assert_eq!(whole, b"show run\r\nhostname r1\r\nx\ry\r\n\r\nr1#");
    }

    #[test]
    fn a_prompt_may_be_followed_by_blanks_which_stay_in_the_output() {
        let mut e = PromptEngine::new(r"^r1# $").unwrap();
        e.feed(b"show clock\r\n12:00\r\nr1#   ");
        assert_eq!(
            step_str(&mut e),
            Step::Done(b"show clock\r\n12:00\r\nr1#   ".to_vec())
        );
        // Blanks after something that is not the prompt change nothing.
        e.feed(b"show clock\r\n12:00   ");
        assert_eq!(step_str(&mut e), Step::NeedMore);
    }

    #[test]
    fn line_anchors_see_text_before_the_tail_window() {
        let mut e = PromptEngine::new(r"^[\w.-]+#$").unwrap();
        // One 5,000-byte line ending in '#': the window starts mid-line, but
        // `^` must not match there.
        let mut data = vec![b'x'; TAIL + 904];
        data.push(b' ');
        data.extend_from_slice(b"yy#");
        e.feed(&data);
        assert_eq!(step_str(&mut e), Step::NeedMore);
        e.feed(b"\nr1#");
        assert!(matches!(step_str(&mut e), Step::Done(_)));
    }

    #[test]
    fn a_match_overlapping_an_earlier_one_still_counts_at_the_end() {
        let mut e = PromptEngine::new(r"ab|bc$").unwrap();
        e.feed(b"abc");
        assert!(matches!(step_str(&mut e), Step::Done(_)));
    }

    #[test]
    fn a_pattern_that_matches_nothing_is_never_answered() {
        let mut e = PromptEngine::new(r"^r1#$").unwrap();
        e.add_pattern(r"(--More--)?$", " ").unwrap();
        e.feed(b"line 1\n");
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
