//! Clean-up helpers shared by drivers. Lines keep their `\n`, so that joining
//! what a helper returns gives the text back unchanged (Oxidized's backups
//! depend on exact line endings).
//!
//! # One regex syntax, two modes
//!
//! Every regex a driver writes, for the session or for clean-up, has one
//! syntax: the `regex` crate's, with `\d`, `\s`, `\w` and `\b` ASCII-only,
//! as in Ruby (see `netraven:driver/text` in the WIT contract). What differs
//! is the mode a pattern is compiled in:
//!
//! | where the pattern goes | mode | `^` / `$` match at | `\r\n` |
//! |---|---|---|---|
//! | [`Session`](crate::Session) calls: `set_prompt`, `on_pattern`, `read_until`, [`DriverInfo`](crate::DriverInfo)'s prompt | **line mode** | every line's start and end | one line end: `$` matches before the `\r` |
//! | [`re`], [`Regex::new`] and the helpers here that take patterns | **text mode** | the start and end of the whole text, unless the pattern turns on `(?m)` | two characters, as written |
//!
//! Line mode is text mode with `(?mR)` in front: [`line_re`] compiles a
//! pattern exactly as the session does, to test a reply the same way the
//! prompt was matched. So `line_re(PROMPT)` matches where the session's
//! prompt would, and `re(&format!("(?m){PROMPT}"))` is the same but for `\r`.
//! Helpers that work line by line say in their own doc whether a line is
//! matched with its `\n` ([`replace_lines_with_any`]) or without it
//! ([`drop_lines`], [`replace_in_lines`]): without it, `^` and `$` are the
//! line's own ends in either mode.
//!
//! Regexes run in the host's native engine: compiled once per host process
//! and shared by every driver instance, matched with literal prefilters. A
//! native build (`cargo test`) runs the same engine in-process.

use std::borrow::Cow;
use std::ops::{Index, Range};

/// A compiled regex. Keep it in a `static` (`LazyLock`) or a local; either
/// way the host compiles each pattern once per process, not per device.
pub struct Regex {
    inner: engine::Compiled,
}

impl std::fmt::Debug for Regex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Regex")
    }
}

/// One match: a span of the text that was searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'h> {
    text: &'h str,
    start: usize,
    end: usize,
}

impl<'h> Match<'h> {
    fn new(text: &'h str, (start, end): (usize, usize)) -> Match<'h> {
        Match { text, start, end }
    }
    pub fn as_str(&self) -> &'h str {
        &self.text[self.start..self.end]
    }
    pub fn start(&self) -> usize {
        self.start
    }
    pub fn end(&self) -> usize {
        self.end
    }
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// The groups of one match; group 0 is the whole match.
#[derive(Debug, Clone)]
pub struct Captures<'h> {
    text: &'h str,
    groups: Vec<Option<(usize, usize)>>,
}

impl<'h> Captures<'h> {
    /// Group `i`, or None when it did not take part in the match.
    pub fn get(&self, i: usize) -> Option<Match<'h>> {
        self.groups
            .get(i)
            .copied()
            .flatten()
            .map(|span| Match::new(self.text, span))
    }
    /// Groups in the regex, counting group 0.
    pub fn len(&self) -> usize {
        self.groups.len()
    }
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

impl Index<usize> for Captures<'_> {
    type Output = str;
    /// Group `i`'s text; panics if it did not take part, as `regex` does.
    fn index(&self, i: usize) -> &str {
        match self.get(i) {
            Some(m) => &self.text[m.range()],
            None => panic!("no group at index {i}"),
        }
    }
}

impl Regex {
    pub fn new(pattern: &str) -> Result<Regex, String> {
        engine::compile(pattern).map(|inner| Regex { inner })
    }
    pub fn is_match(&self, text: &str) -> bool {
        engine::is_match(&self.inner, text)
    }
    /// The leftmost-first match.
    pub fn find<'h>(&self, text: &'h str) -> Option<Match<'h>> {
        engine::find(&self.inner, text).map(|span| Match::new(text, span))
    }
    /// Every non-overlapping match, left to right.
    pub fn find_iter<'h>(&self, text: &'h str) -> impl Iterator<Item = Match<'h>> + 'h {
        engine::find_all(&self.inner, text)
            .into_iter()
            .map(move |span| Match::new(text, span))
    }
    pub fn captures<'h>(&self, text: &'h str) -> Option<Captures<'h>> {
        engine::captures(&self.inner, text).map(|groups| Captures { text, groups })
    }
    pub fn captures_iter<'h>(&self, text: &'h str) -> impl Iterator<Item = Captures<'h>> + 'h {
        engine::captures_all(&self.inner, text)
            .into_iter()
            .map(move |groups| Captures { text, groups })
    }
    /// Replace every match; `$1` and `${name}` in `replacement` name
    /// groups, `$$` is a dollar.
    pub fn replace_all<'h>(&self, text: &'h str, replacement: &str) -> Cow<'h, str> {
        self.replacen(text, 0, replacement)
    }
    /// Replace the first match.
    pub fn replace<'h>(&self, text: &'h str, replacement: &str) -> Cow<'h, str> {
        self.replacen(text, 1, replacement)
    }
    /// Replace the first `limit` matches (all when `limit` is 0).
    pub fn replacen<'h>(&self, text: &'h str, limit: usize, replacement: &str) -> Cow<'h, str> {
        match engine::replace(&self.inner, text, replacement, limit) {
            Some(changed) => Cow::Owned(changed),
            None => Cow::Borrowed(text),
        }
    }
}

/// Compile a regex given by the driver author. Panics on a bad pattern,
/// which is a bug in the driver, not something a device can cause.
pub fn re(pattern: &str) -> Regex {
    match Regex::new(pattern) {
        Ok(re) => re,
        Err(e) => panic!("driver {e}"),
    }
}

/// Compile `pattern` in line mode, as the session compiles prompts and
/// patterns: `^` and `$` match at every line's ends, and `$` matches before
/// a `\r\n` (see the module's table). Panics on a bad pattern, as [`re`].
pub fn line_re(pattern: &str) -> Regex {
    re(&format!("(?mR){pattern}"))
}

/// What a driver's rewriting helpers run on: the host's imports in wasm.
#[cfg(target_arch = "wasm32")]
mod engine {
    use crate::guest::bindings::netraven::driver::text as host;

    /// As `native_text::Scope` in a native build.
    #[derive(Clone, Copy)]
    pub enum Scope {
        Whole,
        Lines,
        BareLines,
    }

    pub type Compiled = host::Regex;

    fn span((start, end): (u32, u32)) -> (usize, usize) {
        (start as usize, end as usize)
    }

    pub fn compile(pattern: &str) -> Result<Compiled, String> {
        host::Regex::compile(pattern)
    }
    pub fn is_match(re: &Compiled, text: &str) -> bool {
        re.is_match(text)
    }
    pub fn find(re: &Compiled, text: &str) -> Option<(usize, usize)> {
        re.find(text).map(span)
    }
    pub fn find_all(re: &Compiled, text: &str) -> Vec<(usize, usize)> {
        re.find_all(text).into_iter().map(span).collect()
    }
    pub fn captures(re: &Compiled, text: &str) -> Option<Vec<Option<(usize, usize)>>> {
        re.captures(text)
            .map(|groups| groups.into_iter().map(|g| g.map(span)).collect())
    }
    pub fn captures_all(re: &Compiled, text: &str) -> Vec<Vec<Option<(usize, usize)>>> {
        re.captures_all(text)
            .into_iter()
            .map(|groups| groups.into_iter().map(|g| g.map(span)).collect())
            .collect()
    }
    pub fn replace(re: &Compiled, text: &str, replacement: &str, limit: usize) -> Option<String> {
        re.replace(text, replacement, u32::try_from(limit).unwrap_or(u32::MAX))
    }
    pub fn rewrite(
        text: &str,
        rules: &[(&[&str], &str, &str)],
        scope: Scope,
    ) -> Result<String, String> {
        let rules: Vec<host::Rule<'_>> = rules
            .iter()
            .map(|(needles, pattern, replacement)| host::Rule {
                needles,
                pattern,
                replacement,
            })
            .collect();
        let scope = match scope {
            Scope::Whole => host::Scope::Whole,
            Scope::Lines => host::Scope::Lines,
            Scope::BareLines => host::Scope::BareLines,
        };
        host::rewrite(text, &rules, scope)
    }
    pub fn drop_lines(text: &str, patterns: &[&str]) -> Result<String, String> {
        host::drop_lines(text, patterns)
    }
    pub fn lines_with(text: &str, needles: &[&str], ignore_ascii_case: bool) -> Vec<Vec<usize>> {
        host::lines_with(text, needles, ignore_ascii_case)
            .into_iter()
            .map(|lines| lines.into_iter().map(|l| l as usize).collect())
            .collect()
    }
}

/// What a driver's rewriting helpers run on: the same engine, in-process.
#[cfg(not(target_arch = "wasm32"))]
mod engine {
    use std::sync::Arc;

    pub use crate::native_text::Scope;
    use crate::native_text::{self, Rule};

    pub type Compiled = Arc<regex::Regex>;

    pub fn compile(pattern: &str) -> Result<Compiled, String> {
        native_text::compile(pattern)
    }
    pub fn is_match(re: &Compiled, text: &str) -> bool {
        re.is_match(text)
    }
    pub fn find(re: &Compiled, text: &str) -> Option<(usize, usize)> {
        re.find(text).map(|m| (m.start(), m.end()))
    }
    pub fn find_all(re: &Compiled, text: &str) -> Vec<(usize, usize)> {
        or_panic(native_text::find_all(re, text))
    }
    /// A host call the driver could not have made without a bug (it
    /// would fail in the sandbox too).
    fn or_panic<T>(result: Result<T, String>) -> T {
        result.unwrap_or_else(|e| panic!("driver text call failed: {e}"))
    }
    pub fn captures(re: &Compiled, text: &str) -> Option<Vec<Option<(usize, usize)>>> {
        re.captures(text).map(|c| native_text::groups(&c))
    }
    pub fn captures_all(re: &Compiled, text: &str) -> Vec<Vec<Option<(usize, usize)>>> {
        or_panic(native_text::captures_all(re, text))
    }
    pub fn replace(re: &Compiled, text: &str, replacement: &str, limit: usize) -> Option<String> {
        match or_panic(native_text::replacen(re, text, limit, replacement)) {
            std::borrow::Cow::Owned(changed) => Some(changed),
            std::borrow::Cow::Borrowed(_) => None,
        }
    }
    pub fn rewrite(
        text: &str,
        rules: &[(&[&str], &str, &str)],
        scope: Scope,
    ) -> Result<String, String> {
        let rules: Vec<Rule<'_, &str>> = rules
            .iter()
            .map(|(needles, pattern, replacement)| Rule {
                needles,
                pattern,
                replacement,
            })
            .collect();
        native_text::rewrite(text, &rules, scope)
    }
    pub fn drop_lines(text: &str, patterns: &[&str]) -> Result<String, String> {
        native_text::drop_lines(text, patterns)
    }
    pub fn lines_with(text: &str, needles: &[&str], ignore_ascii_case: bool) -> Vec<Vec<usize>> {
        or_panic(native_text::lines_with(text, needles, ignore_ascii_case))
    }
}

/// `(needle, regex, replacement)` rules as rules with a one-needle list.
fn one_needle_each<'a>(
    rules: &'a [(&'a str, &'a str, &'a str)],
) -> Vec<(&'a [&'a str], &'a str, &'a str)> {
    rules
        .iter()
        .map(|(needle, pattern, replacement)| {
            (std::slice::from_ref(needle), *pattern, *replacement)
        })
        .collect()
}

/// [`engine::rewrite`], panicking on a pattern that does not compile (a
/// driver bug).
fn rewrite(text: &str, rules: &[(&[&str], &str, &str)], scope: engine::Scope) -> String {
    match engine::rewrite(text, rules, scope) {
        Ok(out) => out,
        Err(e) => panic!("driver {e}"),
    }
}

/// Line numbers (from 0, as `lines(text).enumerate()` counts them). Kept
/// also as a bit per line: drivers ask "is line i in the set" for every
/// line, and a bit test is one load where a search of the sorted list was
/// a loop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineSet {
    lines: Vec<usize>,
    bits: Vec<u64>,
}

impl LineSet {
    /// From ascending line numbers.
    fn from_sorted(lines: Vec<usize>) -> LineSet {
        let words = lines.last().map_or(0, |&last| last / 64 + 1);
        let mut bits = vec![0u64; words];
        for &line in &lines {
            bits[line / 64] |= 1 << (line % 64);
        }
        LineSet { lines, bits }
    }
    pub fn contains(&self, line: usize) -> bool {
        self.bits
            .get(line / 64)
            .is_some_and(|word| word & (1 << (line % 64)) != 0)
    }
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
    /// The numbers, ascending.
    pub fn lines(&self) -> &[usize] {
        &self.lines
    }
}

/// For each of `needles`, the lines of `text` that hold it, found in one
/// native pass per needle. For gating per-line work: checking every line
/// for every needle inside the driver is a byte-by-byte search in wasm.
pub fn lines_with(text: &str, needles: &[&str]) -> Vec<LineSet> {
    engine::lines_with(text, needles, false)
        .into_iter()
        .map(LineSet::from_sorted)
        .collect()
}

/// [`lines_with`], with ASCII letters matching in either case.
pub fn lines_with_ignore_ascii_case(text: &str, needles: &[&str]) -> Vec<LineSet> {
    engine::lines_with(text, needles, true)
        .into_iter()
        .map(LineSet::from_sorted)
        .collect()
}

/// The lines of `text`, each with its line ending (as
/// `str::split_inclusive('\n')`, whose `memchr` in wasm costs several
/// times [`find_byte`] on the short lines of device output).
pub fn lines(text: &str) -> Lines<'_> {
    Lines { rest: text }
}

/// The iterator of [`lines`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let end = find_byte(self.rest.as_bytes(), b'\n').map_or(self.rest.len(), |i| i + 1);
        // `\n` is ASCII, so `end` is on a character boundary.
        let (line, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(line)
    }
}

/// Where `byte` first occurs in `haystack`, eight bytes at a time: wasm
/// has 64-bit integers but std's `memchr` there works in 32-bit words
/// behind a per-call set-up that dominates on short lines.
pub fn find_byte(haystack: &[u8], byte: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let spread = ONES * u64::from(byte);
    let mut chunks = haystack.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // A zero byte of `x` is a match; the lowest flagged byte is always
        // a true one (a borrow only flags bytes above a zero byte).
        let x = u64::from_le_bytes(word) ^ spread;
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return Some(offset + (zeros.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == byte)
        .map(|i| offset + i)
}

/// Where `needle` first occurs in `text`: [`find_byte`] for its first byte,
/// then a comparison. Fast when that byte is rare (`%`, `^`), which is
/// what drivers look for in device output; `str::find`'s two-way search
/// costs a set-up per call in wasm.
pub fn find(text: &str, needle: &str) -> Option<usize> {
    let (hay, pat) = (text.as_bytes(), needle.as_bytes());
    let Some(&first) = pat.first() else {
        return Some(0);
    };
    let mut from = 0;
    while let Some(at) = find_byte(&hay[from..], first) {
        let start = from + at;
        if hay[start..].starts_with(pat) {
            return Some(start);
        }
        from = start + 1;
    }
    None
}

/// Turn `\r\n` into `\n`; a lone `\r` stays.
pub fn unix_newlines(text: &str) -> String {
    // A scan for `\r` rather than `str::replace`'s general substring
    // search, which is slow in wasm.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find_byte(rest.as_bytes(), b'\r') {
        let keep = if rest[at + 1..].starts_with('\n') {
            at
        } else {
            at + 1
        };
        out.push_str(&rest[..keep]);
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// Remove every `\r` that is not followed by `\n`: the carriage returns
/// devices print to redraw a line. `\r\n` stays (see [`unix_newlines`]).
pub fn remove_lone_cr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find_byte(rest.as_bytes(), b'\r') {
        let keep_cr = rest[at + 1..].starts_with('\n');
        out.push_str(&rest[..if keep_cr { at + 1 } else { at }]);
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// Apply backspaces as a terminal shows them: each `\x08` removes itself
/// and the character before it on the same line (at the start of a line
/// there is nothing to remove). Devices erase a pager prompt this way, e.g.
/// `--More--` then eight backspaces, eight spaces and eight backspaces.
pub fn apply_backspaces(text: &str) -> String {
    if find_byte(text.as_bytes(), 0x08).is_none() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    // Where the current line starts in `out`: a backspace never crosses it.
    let mut line_start = 0;
    for c in text.chars() {
        match c {
            '\x08' => {
                if out.len() > line_start {
                    out.pop();
                }
            }
            '\n' => {
                out.push(c);
                line_start = out.len();
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` without its first `n` lines (each line ends after its `\n`).
/// Empty when it has `n` lines or fewer.
pub fn drop_first_lines(text: &str, n: usize) -> &str {
    let mut rest = text;
    for _ in 0..n {
        match find_byte(rest.as_bytes(), b'\n') {
            Some(i) => rest = &rest[i + 1..],
            None => return "",
        }
    }
    rest
}

/// `text` without its last `n` lines. A last line without `\n` counts as a
/// line, and the `\n` that ends the line before the dropped ones stays.
/// Empty when it has `n` lines or fewer.
pub fn drop_last_lines(text: &str, n: usize) -> &str {
    let mut end = text.len();
    for _ in 0..n {
        if end == 0 {
            return "";
        }
        // The line ending at `end` starts after the previous `\n`.
        let body = &text[..end];
        let body = body.strip_suffix('\n').unwrap_or(body);
        end = body.rfind('\n').map_or(0, |i| i + 1);
    }
    &text[..end]
}

/// How network CLIs say they refuse a command: an unknown or incomplete
/// command, a syntax error, or a command the user may not run (the vendors'
/// own wording, matched at the start of a line, `%`, spaces and an
/// `error:` prefix aside).
pub const REFUSALS: &[&str] = &[
    "Invalid input",
    "Unknown command",
    "Incomplete command",
    "Ambiguous command",
    "Unrecognized command",
    "Syntax error",
    "syntax error",
    "No such command",
    "unknown command",
    "Invalid command",
    "Permission denied",
    "Authorization failed",
    "Command authorization failed",
    "Access denied",
    "not authorized",
    "Insufficient privilege",
    "not enough permissions",
    "Parse error",
    "command parse error",
    "Command fail",
    "Unknown action",
    "CLI syntax error",
    "bad command name",
    "expected end of command",
    "Invalid entry",
    "Too many parameters",
    // NX-OS, for a keyword an older release lacks (`show inventory all`).
    "Invalid parameter",
    // Arista, for a command AAA authorisation refuses.
    "Authorization denied",
    // TP-Link JetStream (`Error: Bad command`).
    "Bad command",
    // SonicOS.
    "No matching command found",
    // IOS XR, for a command AAA command authorisation denies.
    "This command is not authorized",
    // Huawei VRP: a user level too low, a wrong keyword.
    "You do not have permission",
    "No permission",
    "Wrong parameter",
    // APC network management cards: unknown command, user level too low.
    "E101: Command Not Found",
    "E104: User Level Denial",
    // ScreenOS, for a word it does not know (`unknown keyword foo`).
    "unknown keyword",
    // PAN-OS, for a command or keyword it does not know.
    "Invalid syntax",
    // F5 tmsh (`Syntax Error: "foo" unknown property`).
    "Syntax Error",
];

/// How a Unix shell or tool refuses, at the end of its line
/// (`-bash: nv: command not found`, `cat: /conf/config.xml: Permission denied`).
const SHELL_REFUSALS: &[&str] = &[
    ": command not found",
    // csh (FreeBSD appliances: pfSense, OPNsense).
    ": Command not found.",
    ": Permission denied",
    ": No such file or directory",
];

/// How many lines at the start of an output a refusal is looked for in:
/// a device that refuses says so at once, and a configuration further down
/// may quote such text (a banner, a description).
const REFUSAL_LINES: usize = 4;

/// The line in which the device refused the command, if it did: one of the
/// first few non-blank lines of `output` (the command's output, without its
/// echo) starts with one of [`REFUSALS`], after `%`, `^` markers and spaces.
pub fn refusal(output: &str) -> Option<&str> {
    lines(output)
        .map(|l| l.trim_end_matches(['\r', '\n']))
        .filter(|l| !l.trim().is_empty() && l.trim() != "^")
        .take(REFUSAL_LINES)
        .find(|line| {
            // `% Invalid input`, `error: syntax error` (Junos), `ERROR: % Invalid
            // input` (ASA): marks and an `error:` prefix, in any order.
            let mut bare = line.trim_start_matches(['%', ' ', '\t', '^', '\r']);
            // ScreenOS points at the word it does not know with `^-----`.
            if line.trim_start().starts_with("^-") {
                bare = bare.trim_start_matches('-');
            }
            while let Some(rest) = strip_error_prefix(bare) {
                bare = rest.trim_start_matches(['%', ' ', '\t', '^']);
            }
            REFUSALS.iter().any(|r| bare.starts_with(r))
                || SHELL_REFUSALS.iter().any(|r| bare.trim_end().ends_with(r))
        })
}

/// `line` without a leading `error:` (any case), `Error[2]:` (Huawei's
/// numbered form) or `Error:` with no space after it.
fn strip_error_prefix(line: &str) -> Option<&str> {
    let rest = ["error", "Error", "ERROR"]
        .iter()
        .find_map(|p| line.strip_prefix(p))?;
    let rest = match rest.strip_prefix('[') {
        Some(numbered) => {
            let digits = numbered.bytes().take_while(u8::is_ascii_digit).count();
            numbered[digits..].strip_prefix(']')?
        }
        None => rest,
    };
    rest.strip_prefix(':')
}

/// Where the last line of `text` starts (0 when it has one line).
fn last_line_start(text: &str) -> usize {
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.bytes().rposition(|b| b == b'\n').map_or(0, |i| i + 1)
}

/// Drop the first line: the echo of the command.
pub fn cut_echo(output: &str) -> String {
    find_byte(output.as_bytes(), b'\n').map_or_else(String::new, |i| output[i + 1..].to_string())
}

/// Drop the last line: the prompt the device printed after the output.
pub fn cut_prompt(output: &str) -> String {
    output[..last_line_start(output)].to_string()
}

/// Drop the echo and the prompt: what the command printed.
pub fn cut_echo_and_prompt(output: &str) -> String {
    let Some(echo_end) = find_byte(output.as_bytes(), b'\n') else {
        return String::new();
    };
    let prompt_start = last_line_start(output);
    if prompt_start <= echo_end {
        return String::new();
    }
    output[echo_end + 1..prompt_start].to_string()
}

/// What a shell command printed, as Oxidized stores it: `\r\n` made `\n`,
/// without the echo line and the prompt line. The usual first step for
/// every `session.command(..)` result.
pub fn command_output(raw: &str) -> String {
    cut_echo_and_prompt(&unix_newlines(raw))
}

/// Prefix every line with `prefix` (e.g. `"! "`), keeping line endings.
pub fn comment(block: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(block.len() + block.len() / 16 * prefix.len());
    for line in lines(block) {
        out.push_str(prefix);
        out.push_str(line);
    }
    out
}

/// Keep only the lines that match none of `patterns` (each line without
/// its `\n` or `\r\n`).
pub fn drop_lines(text: &str, patterns: &[&str]) -> String {
    match engine::drop_lines(text, patterns) {
        Ok(out) => out,
        Err(e) => panic!("driver {e}"),
    }
}

/// Apply `(regex, replacement)` rules in order. Replacements may use `$1`
/// or `${name}` for capture groups. Used for secret removal:
/// `replace_all(cfg, &[(r"(?m)^(snmp-server community) \S+", "$1 <removed>")])`.
pub fn replace_all(text: &str, rules: &[(&str, &str)]) -> String {
    let rules: Vec<(&[&str], &str, &str)> = rules.iter().map(|(p, r)| (&[][..], *p, *r)).collect();
    rewrite(text, &rules, engine::Scope::Whole)
}

/// Remove ANSI/VT100 escape sequences (CSI such as `\e[K`, `\e[?25h`, and
/// two-byte escapes such as `\e7`).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('[') => {
                chars.next();
                // CSI: parameters and intermediates, then one final byte @..~
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    out
}

/// An XML comment per line of `text` (`<!-- line -->\n`), as Oxidized's
/// `xmlcomment` writes it: `--` is not allowed inside an XML comment, so
/// every `-` followed by another `-` becomes `- `. For appending version
/// information to XML configurations, which may not start with a comment.
pub fn xml_comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in lines(text) {
        let line = line
            .strip_suffix('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .or_else(|| line.strip_suffix('\r'))
            .unwrap_or(line);
        out.push_str("<!-- ");
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            if c == '-' && chars.peek() == Some(&'-') {
                out.push(' ');
            }
        }
        out.push_str(" -->\n");
    }
    out
}

/// Remove each match of `pattern` (anchored with `^`, starting with `open`)
/// found where `open` occurs, together with the one white-space character
/// before it, as Oxidized's `\s<element>...` substitutions do. The regex
/// runs only where `open` occurs, not over the whole configuration. Used
/// to drop volatile XML elements (pfSense, OPNsense).
pub fn drop_after_space(config: &str, open: &str, pattern: &str) -> String {
    if !config.contains(open) {
        return config.to_string();
    }
    let re = re(pattern);
    let bytes = config.as_bytes();
    let mut out = String::with_capacity(config.len());
    let mut pos = 0;
    while let Some(found) = config[pos..].find(open) {
        let at = pos + found;
        let spaced =
            at > pos && matches!(bytes[at - 1], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
        match re.find(&config[at..]).filter(|_| spaced) {
            Some(m) => {
                out.push_str(&config[pos..at - 1]);
                pos = at + m.end();
            }
            None => {
                out.push_str(&config[pos..at + open.len()]);
                pos = at + open.len();
            }
        }
    }
    out.push_str(&config[pos..]);
    out
}

/// Line by line `(needles, regex, replacement)` rules: a rule's regex runs
/// only on the lines that contain one of its literal `needles`, and sees the
/// line *with* its newline (unlike [`replace_in_lines`], whose regex sees the
/// bare line). For large, line-oriented configs such as FortiOS.
pub fn replace_lines_with_any(config: &str, rules: &[(&[&str], &str, &str)]) -> String {
    // A rule without needles is on no line (the host would take it for
    // every line).
    let rules: Vec<(&[&str], &str, &str)> = rules
        .iter()
        .filter(|(needles, _, _)| !needles.is_empty())
        .copied()
        .collect();
    rewrite(config, &rules, engine::Scope::Lines)
}

#[cfg(test)]
mod xml_comment_tests {
    use super::xml_comment;

    #[test]
    fn xml_comment_wraps_each_line_and_splits_double_hyphens() {
        assert_eq!(xml_comment("OPNsense 24.7"), "<!-- OPNsense 24.7 -->\n");
        assert_eq!(xml_comment("a--b\r\nc\n"), "<!-- a- -b -->\n<!-- c -->\n");
        assert_eq!(xml_comment("---"), "<!-- - - - -->\n");
        assert_eq!(xml_comment(""), "");
    }
}

/// [`replace_all`] with a gate per rule: `(needle, regex, replacement)` runs
/// the regex only when the text (as earlier rules left it) contains the
/// literal `needle`.
pub fn replace_all_gated(text: &str, rules: &[(&str, &str, &str)]) -> String {
    rewrite(text, &one_needle_each(rules), engine::Scope::Whole)
}

#[cfg(test)]
mod replace_all_gated_tests {
    use super::replace_all_gated;

    #[test]
    fn replace_all_gated_skips_rules_whose_needle_is_absent() {
        let rules = [
            (
                "community",
                r"(?m)^(snmp-server community) \S+",
                "$1 <removed>",
            ),
            // Would match, but its needle is absent: not applied.
            ("absent", r"hostname", "HOST"),
        ];
        assert_eq!(
            replace_all_gated("snmp-server community public RO\nhostname r1\n", &rules),
            "snmp-server community <removed> RO\nhostname r1\n"
        );
    }
}

/// Replace the value of every one-line XML element `<tag>value</tag>` whose
/// tag is in `tags` with `replacement`: secrets in XML configurations
/// (pfSense, OPNsense). Plain string search, so it stays fast on large files;
/// empty values and values that span lines are left alone.
pub fn xml_replace_values(text: &str, tags: &[&str], replacement: &str) -> String {
    let mut out = text.to_string();
    for tag in tags {
        let open = format!("<{tag}>");
        if !out.contains(&open) {
            continue;
        }
        let close = format!("</{tag}>");
        let mut result = String::with_capacity(out.len());
        let mut pos = 0;
        while let Some(found) = out[pos..].find(&open) {
            let value_start = pos + found + open.len();
            let line_end = out[value_start..]
                .find('\n')
                .map_or(out.len(), |i| value_start + i);
            match out[value_start..line_end].find(&close) {
                Some(len) if len > 0 => {
                    result.push_str(&out[pos..value_start]);
                    result.push_str(replacement);
                    pos = value_start + len;
                }
                _ => {
                    result.push_str(&out[pos..value_start]);
                    pos = value_start;
                }
            }
        }
        result.push_str(&out[pos..]);
        out = result;
    }
    out
}

#[cfg(test)]
mod xml_replace_values_tests {
    use super::xml_replace_values;

    #[test]
    fn xml_replace_values_hides_one_line_values_of_the_named_tags() {
        let xml = "<user>\n\t<password>s3cret</password>\n\t<name>admin</name>\n\t<password></password>\n\t<prv>\nAAA</prv>\n</user>";
        assert_eq!(
            xml_replace_values(xml, &["password", "prv"], "[hidden]"),
            "<user>\n\t<password>[hidden]</password>\n\t<name>admin</name>\n\t<password></password>\n\t<prv>\nAAA</prv>\n</user>"
        );
    }
}

/// Line by line `(needle, regex, replacement)` rules: a rule's regex runs
/// only on the lines that contain its literal `needle`, and sees each line
/// without its newline (so `^`, `$` and `.*` are about that line). For
/// secret removal on large configurations, where most lines match no rule
/// and a regex over the whole text would cost far more than a substring
/// search. Replacements may use `$1` / `${name}`.
pub fn replace_in_lines(text: &str, rules: &[(&str, &str, &str)]) -> String {
    rewrite(text, &one_needle_each(rules), engine::Scope::BareLines)
}

#[cfg(test)]
mod replace_in_lines_tests {
    use super::replace_in_lines;

    #[test]
    fn replace_in_lines_applies_rules_only_to_lines_with_their_needle() {
        let cfg = "set a password s3cret x\nset b 'password-less'\nsnmp community pub\n";
        let out = replace_in_lines(
            cfg,
            &[
                ("password ", r"password \S+.*", "password <removed>"),
                ("community ", r"^(snmp community) \S+$", "$1 <removed>"),
                ("absent", r".*", ""),
            ],
        );
        assert_eq!(
            out,
            "set a password <removed>\nset b 'password-less'\nsnmp community <removed>\n"
        );
        assert_eq!(
            replace_in_lines("no newline", &[("x", "x", "y")]),
            "no newline"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line cutters against their definition: whole lines, split
    /// after each `\n`.
    #[test]
    fn line_cutters_match_splitting_into_lines() {
        for text in [
            "",
            "a",
            "a\n",
            "\n",
            "\n\n",
            "a\nb",
            "a\nb\n",
            "a\nb\nc",
            "a\nb\nc\n",
            "a\n\n\nb",
            "é\r\nü\r\nx#",
        ] {
            let all: Vec<&str> = lines(text).collect();
            let n = all.len();
            assert_eq!(
                cut_echo(text),
                all.iter().skip(1).copied().collect::<String>(),
                "{text:?}"
            );
            assert_eq!(
                cut_prompt(text),
                all[..n.saturating_sub(1)].concat(),
                "{text:?}"
            );
            let both = if n < 2 {
                String::new()
            } else {
                all[1..n - 1].concat()
            };
            assert_eq!(cut_echo_and_prompt(text), both, "{text:?}");
        }
    }

    #[test]
    fn find_byte_and_find_agree_with_std() {
        let texts = [
            "",
            "a",
            "%",
            "abcdefg%",
            "abcdefgh%",
            "x\u{e9}\u{1f600}%% Invalid input\n%",
            "0123456789abcdef0123456789abcdef%",
            "\u{80}\u{ff}\n\u{7f}\n",
        ];
        for text in texts {
            for byte in [b'%', b'\n', b'a', 0x7f, 0x80, 0xff, 0] {
                let std = text.bytes().position(|b| b == byte);
                assert_eq!(find_byte(text.as_bytes(), byte), std, "{text:?} {byte}");
            }
            for needle in ["", "%", "% I", "%%", "Invalid", "f%", "\n", "absent"] {
                assert_eq!(find(text, needle), text.find(needle), "{text:?} {needle:?}");
            }
        }
    }

    /// Strings of up to 40 characters drawn from the ones the scanners
    /// care about, from a fixed seed, so a failure repeats.
    fn scanner_inputs() -> Vec<String> {
        const PIECES: [&str; 8] = ["a", "\n", "\r", "^", " ", "%", "\u{e9}", "\u{1f600}"];
        let mut next = crate::xorshift(0x9e37_79b9_7f4a_7c15);
        (0..2000)
            .map(|_| {
                let len = (next() % 41) as usize;
                (0..len)
                    .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn scanners_agree_with_std_on_generated_inputs() {
        for text in scanner_inputs() {
            for byte in [b'\n', b'\r', b'^', b'%', 0xc3] {
                let std = text.bytes().position(|b| b == byte);
                assert_eq!(find_byte(text.as_bytes(), byte), std, "{text:?} {byte}");
            }
            for needle in ["%", "^\n", "a a", "\r\n", "\u{e9}%"] {
                assert_eq!(
                    find(&text, needle),
                    text.find(needle),
                    "{text:?} {needle:?}"
                );
            }
            let ours: Vec<&str> = lines(&text).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(ours, std, "{text:?}");
            assert_eq!(unix_newlines(&text), text.replace("\r\n", "\n"), "{text:?}");
        }
    }

    #[test]
    fn lines_agree_with_split_inclusive() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "\n\n\u{e9}\r\n",
            "0123456789\nabcdefghijklmnop\n",
        ] {
            let ours: Vec<&str> = lines(text).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn unix_newlines_turns_only_crlf_into_lf() {
        for text in ["", "a\r\nb", "\r", "\r\r\n", "a\rb\r\n\r\n", "é\r\n\n\r"] {
            assert_eq!(unix_newlines(text), text.replace("\r\n", "\n"), "{text:?}");
        }
    }

    #[test]
    fn lines_with_sets_hold_the_lines_of_each_needle() {
        let text = "Compiled Mon\n64K bytes of NVRAM\nPCMCIA disk 0\n";
        let sets = lines_with(text, &["bytes of", "Compiled", "absent"]);
        assert_eq!(sets[0].lines(), &[1]);
        assert!(sets[1].contains(0) && !sets[1].contains(1));
        assert!(sets[2].is_empty());
        assert_eq!(
            lines_with_ignore_ascii_case(text, &["pcmcia "])[0].lines(),
            &[2]
        );
    }

    #[test]
    fn cut_echo_and_prompt_keeps_inner_line_endings() {
        let out = "show version\nline 1\n\nline 3\nrouter#";
        assert_eq!(cut_echo_and_prompt(out), "line 1\n\nline 3\n");
        assert_eq!(cut_echo_and_prompt("only echo\n"), "");
    }

    #[test]
    fn command_output_drops_echo_prompt_and_carriage_returns() {
        assert_eq!(
            command_output("show clock\r\n12:00\r\n\r\nr1#"),
            "12:00\n\n"
        );
    }

    #[test]
    fn comment_prefixes_blank_lines_too() {
        assert_eq!(comment("a\n\nb\n", "! "), "! a\n! \n! b\n");
        assert_eq!(comment("no newline", "# "), "# no newline");
    }

    #[test]
    fn drop_lines_matches_without_the_newline() {
        let text = "keep\nuptime is 3 days\nkeep too\n";
        assert_eq!(drop_lines(text, &["uptime is .*$"]), "keep\nkeep too\n");
    }

    #[test]
    fn replace_all_uses_capture_groups() {
        let cfg = "snmp-server community public RO\nhostname r1\n";
        let out = replace_all(
            cfg,
            &[(r"(?m)^(snmp-server community) \S+", "$1 <removed>")],
        );
        assert_eq!(out, "snmp-server community <removed> RO\nhostname r1\n");
    }

    #[test]
    fn strip_ansi_removes_csi_and_short_escapes() {
        assert_eq!(strip_ansi("a\u{1b}[Kb\u{1b}[?25hc\u{1b}7d"), "abcd");
    }

    #[test]
    fn drop_after_space_takes_the_element_and_the_blank_before_it() {
        let xml = "<a>\n <t>1</t>\n<b/>x<t>2</t>\n";
        // Only an element after white space goes; the one glued to `x` stays.
        assert_eq!(
            drop_after_space(xml, "<t>", r"^<t>\d</t>"),
            "<a>\n\n<b/>x<t>2</t>\n"
        );
    }

    #[test]
    fn replace_lines_with_any_runs_only_where_a_needle_is() {
        let cfg = "set passwd ENC abc\nset name x\nset key k1\n";
        let out = replace_lines_with_any(
            cfg,
            &[(
                &["set passwd ", "set key "],
                r"^(set \w+) .*",
                "$1 <hidden>",
            )],
        );
        assert_eq!(out, "set passwd <hidden>\nset name x\nset key <hidden>\n");
    }
}

#[cfg(test)]
mod line_helper_tests {
    use super::*;

    #[test]
    fn lone_carriage_returns_go_and_crlf_stays() {
        assert_eq!(remove_lone_cr("a\rb\r\nc\r\r\n\r"), "ab\r\nc\r\n");
        assert_eq!(remove_lone_cr("plain\n"), "plain\n");
    }

    #[test]
    fn backspaces_erase_within_the_line_only() {
        let erase = format!(
            "--More--{}{}{}",
            "\x08".repeat(8),
            " ".repeat(8),
            "\x08".repeat(8)
        );
        assert_eq!(apply_backspaces(&format!("a\n{erase}b\n")), "a\nb\n");
        assert_eq!(apply_backspaces("ab\n\x08\x08c"), "ab\nc");
        assert_eq!(apply_backspaces("caf\u{e9}\x08e"), "cafe");
        assert_eq!(apply_backspaces("none"), "none");
    }

    #[test]
    fn first_and_last_lines_are_dropped_with_their_endings() {
        let t = "echo\none\ntwo\nprompt#";
        assert_eq!(drop_first_lines(t, 1), "one\ntwo\nprompt#");
        assert_eq!(drop_first_lines(t, 4), "");
        assert_eq!(drop_first_lines(t, 9), "");
        assert_eq!(drop_last_lines(t, 1), "echo\none\ntwo\n");
        assert_eq!(drop_last_lines(t, 2), "echo\none\n");
        assert_eq!(drop_last_lines("a\nb\n", 1), "a\n");
        assert_eq!(drop_last_lines("a\nb\n", 2), "");
        assert_eq!(drop_last_lines("a", 1), "");
        assert_eq!(
            drop_last_lines(drop_first_lines(t, 1), 1),
            cut_echo_and_prompt(t)
        );
    }

    #[test]
    fn line_mode_is_text_mode_with_multi_line_and_crlf() {
        let prompt = r"^r1#$";
        assert!(!re(prompt).is_match("show\r\nr1#\r\n"));
        assert!(line_re(prompt).is_match("show\r\nr1#\r\n"));
        assert!(!re(&format!("(?m){prompt}")).is_match("show\r\nr1#\r\n"));
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    #[test]
    fn refusals_are_found_in_the_first_lines_only() {
        assert_eq!(
            refusal("               ^\n% Invalid input detected at '^' marker.\n\n"),
            Some("% Invalid input detected at '^' marker.")
        );
        assert_eq!(
            refusal("No such command : show running-config\n"),
            Some("No such command : show running-config")
        );
        assert_eq!(
            refusal("syntax error, expecting <command>.\n"),
            Some("syntax error, expecting <command>.")
        );
        assert_eq!(refusal("Building configuration...\n\nhostname r1\n"), None);
        // Far into a configuration, such text is the configuration's own.
        assert_eq!(
            refusal("a\nb\nc\nd\nbanner motd ^\n% Invalid input is not welcome\n"),
            None
        );
        assert_eq!(refusal(""), None);
        for refused in [
            "ERROR: % Invalid input detected at '^' marker.",
            "\rCLI syntax error: \"show version all\": Unknown command",
            "command parse error before 'psu'",
            "bad command name export (line 1 column 2)",
            "-bash: nv: command not found",
            "cat: /conf/config.xml: Permission denied",
            "% Too many parameters found at '^' position.",
            // Huawei VRP, as published in gnetcli's tests (pkg/device/huawei).
            "Error: You do not have permission to run the command or the command is incomplete.",
            "Error: No permission to run the command.",
            "Error:Too many parameters found at '^' position.",
            "Error[1]: Unrecognized command found at '^' position.",
            "Error[2]: Incomplete command found at '^' position.",
            // ScreenOS marks the word under the echo.
            "         ^-----unknown keyword widgets",
        ] {
            assert!(refusal(refused).is_some(), "{refused:?}");
        }
        // Only a whole prefix is stripped.
        assert_eq!(refusal("Errors[1]: Unrecognized command\n"), None);
    }
}
