//! The native text engine: what [`crate::text`] runs on in a native build
//! (driver unit tests, the replay harness), and what the host runs for a
//! driver's `netraven:driver/text` calls. One engine on both sides, so a
//! driver matches the same way under `cargo test` as in the sandbox.
//!
//! Regexes are the `regex` crate's (linear time, literal prefilters, lazy
//! DFA), compiled once per process and shared: a driver instance lives for
//! one device, and compiling its regexes again for every device cost more
//! than the device's whole SSH exchange. The syntax keeps the drivers'
//! `regex-lite` meaning: `\d`, `\s`, `\w` and word boundaries are ASCII-only
//! (as in Ruby, whose regexes Oxidized's models are written in), while `.`
//! and negated classes match any character. One difference remains:
//! case-insensitive matching folds a few non-ASCII letters too (`(?i)k`
//! matches the Kelvin sign).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};
use regex::{Regex, RegexBuilder};

/// Longest pattern a driver may compile, in bytes.
pub const MAX_PATTERN_LEN: usize = 64 * 1024;
/// Largest compiled program; a pattern over it fails to compile instead of
/// taking the host's memory.
const SIZE_LIMIT: usize = 256 << 10;
/// Largest lazy-DFA cache per compiled regex (and thread).
const DFA_SIZE_LIMIT: usize = 256 << 10;
/// Most needle bytes searched per call: needles times text length. A call
/// runs in the host, where the driver's deadline cannot stop it, so its
/// work is bounded up front (45 needles over a 10 MB config is 0.45 G).
pub const MAX_SEARCH_WORK: u64 = 8 << 30;
/// Most bytes one replacement or rewrite may produce, and most spans (or
/// line numbers) one call may return: a driver's result has to fit its own
/// memory (64 MiB by default) anyway, and the host must not build a far
/// bigger one first (an empty match and a long replacement multiply).
pub const MAX_OUTPUT: usize = 256 << 20;
pub const MAX_SPANS: usize = 4 << 20;
/// Distinct patterns kept compiled; past this the cache starts over, so a
/// driver that builds patterns from device output cannot grow it forever.
const CACHE_ENTRIES: usize = 1024;

/// What was built from a key (a pattern, a rule list), shared process-wide
/// by every caller. Past `capacity` entries it starts over, so keys built
/// from device output cannot grow it without bound.
pub struct SharedCache<T> {
    /// Keyed with foldhash, not SipHash: a rule list's key is a few KB and
    /// is looked up on every call.
    map: OnceLock<Mutex<HashMap<String, Arc<T>, foldhash::fast::RandomState>>>,
    capacity: usize,
}

impl<T> SharedCache<T> {
    pub const fn new(capacity: usize) -> Self {
        SharedCache {
            map: OnceLock::new(),
            capacity,
        }
    }

    /// The entry for `key`, or what `build` makes of it (kept only when it
    /// succeeds).
    pub fn get_or_build<E>(
        &self,
        key: &str,
        build: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        let map = self.map.get_or_init(Default::default);
        if let Some(found) = map.lock().ok().and_then(|m| m.get(key).cloned()) {
            return Ok(found);
        }
        let built = Arc::new(build()?);
        if let Ok(mut m) = map.lock() {
            if m.len() >= self.capacity {
                m.clear();
            }
            m.insert(key.to_string(), built.clone());
        }
        Ok(built)
    }
}

/// Rewrite `pattern` so that its Perl classes and word boundaries are
/// ASCII-only: `\d` becomes `[[:digit:]]` (`[:digit:]` inside a class), `\s`
/// `[[:space:]]`, `\w` `[[:word:]]`, their negations the negated classes, and
/// `\b`, `\B`, `\<`, `\>` are wrapped in `(?-u:...)`.
pub fn ascii_classes(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Bracket depth: 0 outside a class.
    let mut depth = 0usize;
    // Just after `[` or `[^`, where `]` is a literal.
    let mut class_start = false;
    while let Some(c) = chars.next() {
        let at_start = std::mem::take(&mut class_start);
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let class = match e {
                    'd' => Some(("digit", false)),
                    'D' => Some(("digit", true)),
                    's' => Some(("space", false)),
                    'S' => Some(("space", true)),
                    'w' => Some(("word", false)),
                    'W' => Some(("word", true)),
                    _ => None,
                };
                if let Some((name, negated)) = class {
                    let caret = if negated { "^" } else { "" };
                    if depth == 0 {
                        out.push_str(&format!("[[:{caret}{name}:]]"));
                    } else {
                        out.push_str(&format!("[:{caret}{name}:]"));
                    }
                } else if depth == 0 && matches!(e, 'b' | 'B' | '<' | '>') {
                    out.push_str("(?-u:\\");
                    out.push(e);
                    // `\b{start}` and friends keep their braces.
                    if e == 'b' && chars.peek() == Some(&'{') {
                        for b in chars.by_ref() {
                            out.push(b);
                            if b == '}' {
                                break;
                            }
                        }
                    }
                    out.push(')');
                } else {
                    out.push('\\');
                    out.push(e);
                }
            }
            '[' => {
                out.push('[');
                if depth > 0 && chars.peek() == Some(&':') {
                    // A POSIX class such as `[:alpha:]`: copy it whole.
                    for p in chars.by_ref() {
                        out.push(p);
                        if p == ']' {
                            break;
                        }
                    }
                    continue;
                }
                depth += 1;
                class_start = true;
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
            }
            ']' if depth > 0 && !at_start => {
                depth -= 1;
                out.push(']');
            }
            '(' if depth == 0 && chars.peek() == Some(&'?') => {
                // Flags: verbose mode would let comments hold brackets this
                // scan cannot see past, so it is refused.
                out.push('(');
                let flags: String = chars
                    .clone()
                    .skip(1)
                    .take_while(|f| f.is_ascii_alphabetic() || *f == '-')
                    .collect();
                let on = flags.split('-').next().unwrap_or("");
                if on.contains('x') {
                    return Err(format!(
                        "regex {pattern:?} does not compile: verbose mode (?x) is not supported"
                    ));
                }
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// Compile `pattern`, or take it from the process-wide cache. The error
/// quotes the pattern as the driver wrote it.
pub fn compile(pattern: &str) -> Result<Arc<Regex>, String> {
    static CACHE: SharedCache<Regex> = SharedCache::new(CACHE_ENTRIES);
    CACHE.get_or_build(pattern, || {
        if pattern.len() > MAX_PATTERN_LEN {
            return Err(format!(
                "a regex of {} bytes is longer than the {MAX_PATTERN_LEN}-byte limit",
                pattern.len()
            ));
        }
        RegexBuilder::new(&ascii_classes(pattern)?)
            .size_limit(SIZE_LIMIT)
            .dfa_size_limit(DFA_SIZE_LIMIT)
            .build()
            .map_err(|e| {
                let why = match e {
                    regex::Error::CompiledTooBig(limit) => {
                        format!("it compiles to more than {limit} bytes")
                    }
                    // The syntax error's own text shows the rewritten
                    // pattern; its last line says what is wrong.
                    other => other
                        .to_string()
                        .lines()
                        .rfind(|l| !l.trim().is_empty())
                        .unwrap_or("invalid syntax")
                        .trim()
                        .to_string(),
                };
                format!("regex {pattern:?} does not compile: {why}")
            })
    })
}

/// `re.replacen(text, limit, replacement)` (`limit` 0: every match), but
/// failing rather than producing more than [`MAX_OUTPUT`] bytes.
pub fn replacen<'h>(
    re: &Regex,
    text: &'h str,
    limit: usize,
    replacement: &str,
) -> Result<Cow<'h, str>, String> {
    replacen_within(re, text, limit, replacement, MAX_OUTPUT)
}

fn replacen_within<'h>(
    re: &Regex,
    text: &'h str,
    limit: usize,
    replacement: &str,
    max: usize,
) -> Result<Cow<'h, str>, String> {
    let too_big = || format!("a replacement would make more than {max} bytes");
    let mut out = String::new();
    let mut last = 0;
    let mut count = 0;
    let mut take = |out: &mut String, start: usize, end: usize| -> Result<bool, String> {
        out.push_str(&text[last..start]);
        last = end;
        count += 1;
        if out.len() > max {
            return Err(too_big());
        }
        Ok(limit == 0 || count < limit)
    };
    if replacement.contains('$') {
        // Each `$` expands to at most the match (groups lie inside it).
        let dollars = replacement.matches('$').count();
        for caps in re.captures_iter(text) {
            let Some(m) = caps.get(0) else { continue };
            let more = take(&mut out, m.start(), m.end())?;
            if out.len() + replacement.len() + dollars * m.len() > max {
                return Err(too_big());
            }
            caps.expand(replacement, &mut out);
            if !more {
                break;
            }
        }
    } else {
        for m in re.find_iter(text) {
            let more = take(&mut out, m.start(), m.end())?;
            out.push_str(replacement);
            if !more {
                break;
            }
        }
    }
    if count == 0 {
        return Ok(Cow::Borrowed(text));
    }
    out.push_str(&text[last..]);
    if out.len() > max {
        return Err(too_big());
    }
    Ok(Cow::Owned(out))
}

/// Every match's span, failing past [`MAX_SPANS`].
pub fn find_all(re: &Regex, text: &str) -> Result<Vec<(usize, usize)>, String> {
    let spans: Vec<(usize, usize)> = re
        .find_iter(text)
        .take(MAX_SPANS + 1)
        .map(|m| (m.start(), m.end()))
        .collect();
    if spans.len() > MAX_SPANS {
        return Err(format!("more than {MAX_SPANS} matches in one call"));
    }
    Ok(spans)
}

/// The spans of one match's groups (None: the group took no part).
pub type Groups = Vec<Option<(usize, usize)>>;

/// Every match's groups, failing past [`MAX_SPANS`] groups in all.
pub fn captures_all(re: &Regex, text: &str) -> Result<Vec<Groups>, String> {
    let per_match = re.captures_len().max(1);
    let all: Vec<Groups> = re
        .captures_iter(text)
        .take(MAX_SPANS / per_match + 1)
        .map(|caps| groups(&caps))
        .collect();
    if all.len() * per_match > MAX_SPANS {
        return Err(format!("more than {MAX_SPANS} groups in one call"));
    }
    Ok(all)
}

/// The spans of `caps`' groups; group 0 first.
pub fn groups(caps: &regex::Captures<'_>) -> Groups {
    caps.iter()
        .map(|g| g.map(|m| (m.start(), m.end())))
        .collect()
}

/// Refuse a call whose searches would pass over more than
/// [`MAX_SEARCH_WORK`] bytes: `searches` passes over a text of `len` bytes.
fn check_work(searches: usize, len: usize) -> Result<(), String> {
    let work = (searches as u64).saturating_mul(len as u64);
    if work > MAX_SEARCH_WORK {
        return Err(format!(
            "{searches} searches over {len} bytes is more work than one call may do"
        ));
    }
    Ok(())
}

/// Where a rewriting rule applies (see `netraven:driver/text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole text, each rule on the previous rule's result.
    Whole,
    /// Each line with its `\n`.
    Lines,
    /// Each line without its `\n`.
    BareLines,
}

/// One rewriting rule: `pattern` becomes `replacement` where one of
/// `needles` occurs (everywhere when there are none).
#[derive(Debug, Clone, Copy)]
pub struct Rule<'a, N> {
    pub needles: &'a [N],
    pub pattern: &'a str,
    pub replacement: &'a str,
}

/// Where each line of `text` starts (lines end after each `\n`).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .filter(|&i| i < text.len())
        .collect()
}

/// The number of the line holding byte `offset`, given its [`line_starts`].
fn line_of(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&s| s <= offset).saturating_sub(1)
}

/// For each needle, the numbers of the lines of `text` holding it (where
/// it starts), ascending and without repeats.
pub fn lines_with<N: AsRef<str>>(
    text: &str,
    needles: &[N],
    ignore_ascii_case: bool,
) -> Result<Vec<Vec<usize>>, String> {
    let lowered;
    let haystack = if ignore_ascii_case {
        lowered = text.to_ascii_lowercase();
        lowered.as_bytes()
    } else {
        text.as_bytes()
    };
    check_work(needles.len(), text.len())?;
    let starts = line_starts(text);
    let mut total = 0usize;
    let mut all = Vec::with_capacity(needles.len());
    for needle in needles {
        let needle = needle.as_ref();
        let needle = if ignore_ascii_case {
            Cow::Owned(needle.to_ascii_lowercase())
        } else {
            Cow::Borrowed(needle)
        };
        let mut lines: Vec<usize> = Vec::new();
        for at in memchr::memmem::find_iter(haystack, needle.as_bytes()) {
            let line = line_of(&starts, at);
            if lines.last() != Some(&line) {
                lines.push(line);
                total += 1;
                if total > MAX_SPANS {
                    return Err(format!("more than {MAX_SPANS} line numbers in one call"));
                }
            }
        }
        all.push(lines);
    }
    Ok(all)
}

fn holds_needle<N: AsRef<str>>(text: &str, needles: &[N]) -> bool {
    needles.is_empty() || needles.iter().any(|n| text.contains(n.as_ref()))
}

/// Apply `rules` in order within `scope`. Only rules whose needles occur
/// are compiled; a pattern that does not compile is the error.
pub fn rewrite<N: AsRef<str>>(
    text: &str,
    rules: &[Rule<'_, N>],
    scope: Scope,
) -> Result<String, String> {
    if scope == Scope::Whole {
        check_work(rules.len(), text.len())?;
        let mut out = Cow::Borrowed(text);
        for rule in rules {
            if holds_needle(&out, rule.needles) {
                let re = compile(rule.pattern)?;
                if let Cow::Owned(changed) = replacen(&re, &out, 0, rule.replacement)? {
                    out = Cow::Owned(changed);
                }
            }
        }
        return Ok(out.into_owned());
    }

    let set = line_rules(rules)?;
    check_work(set.rules_of.len() + set.everywhere.len(), text.len())?;
    // Every (line, rule) pair whose needle starts on the line, a line being
    // known by the offset it starts at.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    if let Some(search) = &set.search {
        search.each_line_holding(text, |line, needle| {
            pairs.extend(set.rules_of[needle].iter().map(|&r| (line, r)));
            if pairs.len() > MAX_SPANS {
                return Err(format!(
                    "more than {MAX_SPANS} rule and line pairs in one call"
                ));
            }
            Ok(())
        })?;
    }
    pairs.sort_unstable();
    pairs.dedup();
    // Only the rules whose needles occur (or that have none) are compiled.
    let mut regexes: Vec<Option<Arc<Regex>>> = vec![None; rules.len()];
    let wanted = pairs
        .iter()
        .map(|&(_, r)| r)
        .chain(set.everywhere.iter().copied());
    for r in wanted {
        if regexes[r].is_none() {
            regexes[r] = Some(set.regex(r, rules[r].pattern)?);
        }
    }
    if regexes.iter().all(Option::is_none) {
        return Ok(text.to_string());
    }

    // The lines to look at, by start offset: those holding a needle, or all when a
    // rule runs everywhere. The runs of lines between them are copied whole.
    let visited: Vec<usize> = if set.everywhere.is_empty() {
        let mut lines: Vec<usize> = pairs.iter().map(|&(line, _)| line).collect();
        lines.dedup();
        lines
    } else {
        line_starts(text)
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for start in visited {
        // The rules whose needles this line holds.
        let here = &pairs[pairs.partition_point(|&(l, _)| l < start)
            ..pairs.partition_point(|&(l, _)| l <= start)];
        let end = line_end(text, start);
        out.push_str(&text[copied..start]);
        within_output(&out)?;
        copied = end;
        let (body, newline) = match (scope, text[start..end].strip_suffix('\n')) {
            (Scope::BareLines, Some(bare)) => (bare, "\n"),
            _ => (&text[start..end], ""),
        };
        let mut current = Cow::Borrowed(body);
        for (r, rule) in rules.iter().enumerate() {
            let Some(re) = &regexes[r] else { continue };
            // The needle pass is a prefilter; the line itself decides (it
            // may have changed, or the needle may have run over its end).
            let candidate = matches!(current, Cow::Owned(_))
                || set.everywhere.contains(&r)
                || here.iter().any(|&(_, h)| h == r);
            let budget = MAX_OUTPUT.saturating_sub(out.len());
            if candidate
                && holds_needle(&current, rule.needles)
                && let Cow::Owned(changed) =
                    replacen_within(re, &current, 0, rule.replacement, budget)?
            {
                current = Cow::Owned(changed);
            }
        }
        out.push_str(&current);
        out.push_str(newline);
        within_output(&out)?;
    }
    out.push_str(&text[copied..]);
    within_output(&out)?;
    Ok(out)
}

/// Refuse a rewrite whose output has passed [`MAX_OUTPUT`].
fn within_output(out: &str) -> Result<(), String> {
    if out.len() > MAX_OUTPUT {
        return Err(format!("a rewrite would make more than {MAX_OUTPUT} bytes"));
    }
    Ok(())
}

/// A line-scope rule list prepared once per process: a driver sends the
/// same rules for every device, and finding its needles one by one cost
/// more than applying the rules.
struct LineRules {
    /// The search for every distinct needle at once, if any rule has one.
    search: Option<NeedleSearch>,
    /// For each needle of `search` (one entry per distinct needle), the
    /// rules that list it.
    rules_of: Vec<Vec<usize>>,
    /// Rules that run on every line: no needles, or an empty one.
    everywhere: Vec<usize>,
    /// Each rule's regex, compiled on first use.
    regexes: Vec<OnceLock<Result<Arc<Regex>, String>>>,
}

/// Many literal needles found in one pass (Aho-Corasick), line by line.
struct NeedleSearch {
    /// Leftmost-first: finds the next line holding any needle, with a SIMD
    /// prefilter, then skips to the line after it.
    first: AhoCorasick,
    /// Every occurrence, overlapping: which needles that line holds.
    every: AhoCorasick,
    longest: usize,
}

impl NeedleSearch {
    fn new(needles: &[&str]) -> Result<NeedleSearch, String> {
        let build = |kind| {
            AhoCorasick::builder()
                .match_kind(kind)
                .kind(Some(AhoCorasickKind::DFA))
                .build(needles)
                .map_err(|e| format!("cannot search for {} needles: {e}", needles.len()))
        };
        Ok(NeedleSearch {
            first: build(MatchKind::LeftmostFirst)?,
            every: build(MatchKind::Standard)?,
            longest: needles.iter().map(|n| n.len()).max().unwrap_or(0),
        })
    }

    /// Call `found(line start, needle)` for each needle that starts on a
    /// line, once or more per pair, lines in order. A needle that runs on
    /// past its line's end still counts for the line it starts on.
    fn each_line_holding(
        &self,
        text: &str,
        mut found: impl FnMut(usize, usize) -> Result<(), String>,
    ) -> Result<(), String> {
        let bytes = text.as_bytes();
        let mut from = 0;
        while from < bytes.len() {
            let Some(hit) = self.first.find(Input::new(bytes).range(from..)) else {
                break;
            };
            // `from` is a line start, so the line's start is at or after it.
            let start =
                memchr::memrchr(b'\n', &bytes[from..hit.start()]).map_or(from, |i| from + i + 1);
            let end = line_end(text, hit.start());
            let reach = (end + self.longest).min(bytes.len());
            for m in self.every.find_overlapping_iter(&bytes[start..reach]) {
                if start + m.start() < end {
                    found(start, m.pattern().as_usize())?;
                }
            }
            from = end;
        }
        Ok(())
    }
}

/// Where the line starting at (or holding) `at` ends: after its `\n`, or
/// at the end of the text.
fn line_end(text: &str, at: usize) -> usize {
    memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i + 1)
}

impl LineRules {
    fn regex(&self, rule: usize, pattern: &str) -> Result<Arc<Regex>, String> {
        self.regexes[rule].get_or_init(|| compile(pattern)).clone()
    }
}

/// Rule lists kept prepared; past this the cache starts over.
const RULE_SETS: usize = 256;

/// The prepared form of `rules`, from the cache or built now. The cache key
/// spells out every string with its length, so two different lists (from
/// two drivers, say) can never share an entry.
fn line_rules<N: AsRef<str>>(rules: &[Rule<'_, N>]) -> Result<Arc<LineRules>, String> {
    static CACHE: SharedCache<LineRules> = SharedCache::new(RULE_SETS);
    // Built with pushes, not `write!`: the key is rebuilt on every call
    // (each device sends its driver's rules again), and formatting was a
    // tenth of a call's time.
    let mut key = String::with_capacity(rules.len() * 128);
    let mut digits = itoa::Buffer::new();
    for rule in rules {
        for part in rule
            .needles
            .iter()
            .map(AsRef::as_ref)
            .chain([rule.pattern, rule.replacement])
        {
            key.push_str(digits.format(part.len()));
            key.push(':');
            key.push_str(part);
        }
        key.push('/');
        key.push_str(digits.format(rule.needles.len()));
        key.push(';');
    }
    CACHE.get_or_build(&key, || {
        let mut needles: Vec<&str> = Vec::new();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut rules_of: Vec<Vec<usize>> = Vec::new();
        let mut everywhere = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            let listed: Vec<&str> = rule.needles.iter().map(AsRef::as_ref).collect();
            if listed.is_empty() || listed.iter().any(|n| n.is_empty()) {
                everywhere.push(r);
                continue;
            }
            for needle in listed {
                match ids.get(needle) {
                    Some(&id) => rules_of[id].push(r),
                    None => {
                        ids.insert(needle, needles.len());
                        needles.push(needle);
                        rules_of.push(vec![r]);
                    }
                }
            }
        }
        let search = if needles.is_empty() {
            None
        } else {
            Some(NeedleSearch::new(&needles)?)
        };
        Ok::<_, String>(LineRules {
            search,
            rules_of,
            everywhere,
            regexes: (0..rules.len()).map(|_| OnceLock::new()).collect(),
        })
    })
}

/// Keep the lines of `text` that match none of `patterns`; each line is
/// matched without its `\n` or `\r\n`.
pub fn drop_lines<P: AsRef<str>>(text: &str, patterns: &[P]) -> Result<String, String> {
    check_work(patterns.len(), text.len())?;
    let res = patterns
        .iter()
        .map(|p| compile(p.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(text
        .split_inclusive('\n')
        .filter(|line| {
            let bare = line.trim_end_matches(['\n', '\r']);
            !res.iter().any(|r| r.is_match(bare))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_and_boundaries_become_ascii() {
        assert_eq!(
            ascii_classes(r"^\w+\s\d").unwrap(),
            r"^[[:word:]]+[[:space:]][[:digit:]]"
        );
        assert_eq!(
            ascii_classes(r"[\w.@()-]+[#>]").unwrap(),
            r"[[:word:].@()-]+[#>]"
        );
        assert_eq!(ascii_classes(r"[^\S\n]").unwrap(), r"[^[:^space:]\n]");
        assert_eq!(
            ascii_classes(r"\bx\B\<\>").unwrap(),
            r"(?-u:\b)x(?-u:\B)(?-u:\<)(?-u:\>)"
        );
        assert_eq!(ascii_classes(r"\b{start}x").unwrap(), r"(?-u:\b{start})x");
        // A `]` first in a class is a literal; POSIX classes are copied.
        assert_eq!(
            ascii_classes(r"[]\d][[:alpha:]\w]").unwrap(),
            r"[][:digit:]][[:alpha:][:word:]]"
        );
        // Escaped brackets and backslashes are not classes.
        assert_eq!(ascii_classes(r"\[\d\]\\w").unwrap(), r"\[[[:digit:]]\]\\w");
    }

    #[test]
    fn classes_match_ascii_only_and_dot_any_character() {
        let word = compile(r"^\w+$").unwrap();
        assert!(word.is_match("abc_09"));
        assert!(!word.is_match("héllo"));
        let not_space = compile(r"^\S+$").unwrap();
        assert!(not_space.is_match("héllo"));
        let dot = compile(r"^h.llo$").unwrap();
        assert!(dot.is_match("héllo"));
        // `é` is not an ASCII word character, so `l` after it starts a word
        // (a Unicode `\b` would see no boundary there).
        let boundary = compile(r"\bllo").unwrap();
        assert!(boundary.is_match("héllo"));
        assert!(compile(r"é\bl").unwrap().is_match("él"));
        let digits = compile(r"\d").unwrap();
        assert!(!digits.is_match("٣"));
    }

    #[test]
    fn compile_errors_quote_the_drivers_pattern() {
        let e = compile(r"(\w").unwrap_err();
        assert!(e.starts_with(r#"regex "(\\w" does not compile: "#), "{e}");
        assert!(!e.contains("[[:word:]]"), "{e}");
        let e = compile(&"a".repeat(MAX_PATTERN_LEN + 1)).unwrap_err();
        assert!(e.contains("longer than"), "{e}");
        let e = compile(r"\w{1000}{1000}").unwrap_err();
        assert!(e.contains("compiles to more than"), "{e}");
    }

    #[test]
    fn compiled_regexes_are_shared() {
        let a = compile(r"shared \d+").unwrap();
        let b = compile(r"shared \d+").unwrap();
        assert!(Arc::ptr_eq(&a, &b));
    }

    fn rule<'a>(
        needles: &'a [&'a str],
        pattern: &'a str,
        replacement: &'a str,
    ) -> Rule<'a, &'a str> {
        Rule {
            needles,
            pattern,
            replacement,
        }
    }

    #[test]
    fn whole_scope_chains_rules_and_gates_on_the_current_text() {
        let rules = [
            rule(&[], r"(?m)^(snmp-server community) \S+", "$1 <removed>"),
            // Its needle only exists after the first rule ran.
            rule(&["<removed>"], r"<removed> RO", "<removed> ro"),
            rule(&["absent"], r"hostname", "HOST"),
        ];
        assert_eq!(
            rewrite(
                "snmp-server community public RO\nhostname r1\n",
                &rules,
                Scope::Whole
            )
            .unwrap(),
            "snmp-server community <removed> ro\nhostname r1\n"
        );
    }

    /// With a rule that runs everywhere, every line is walked; without,
    /// only the lines holding a needle are, and the rest copied whole. A
    /// never-matching everywhere rule must not change the result.
    fn assert_run_copy_agrees(text: &str, rules: &[Rule<'_, &str>]) {
        let mut walked: Vec<Rule<'_, &str>> = rules.to_vec();
        walked.push(rule(&[], r"\x00never", "!"));
        for scope in [Scope::Lines, Scope::BareLines] {
            assert_eq!(
                rewrite(text, rules, scope).unwrap(),
                rewrite(text, &walked, scope).unwrap(),
                "{scope:?} {text:?}"
            );
        }
    }

    #[test]
    fn copying_untouched_lines_in_runs_agrees_on_generated_configs() {
        // Lines drawn from a few config lines, some holding needles, with
        // and without a final newline, from a fixed seed.
        const LINES: [&str; 7] = [
            "hostname r1",
            " password 7 abc",
            "enable secret 5 $1$x",
            "",
            "snmp-server community public RO",
            "interface Gi0/1\r",
            " description uplink",
        ];
        let rules = [
            rule(&[" password"], r"^( password \d) .*", "$1 <p>"),
            rule(&["enable secret"], r"^(enable secret \d) .*", "$1 <s>"),
            rule(&["snmp-server community"], r"(community) \S+", "$1 <c>"),
        ];
        let mut next = crate::xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..500 {
            let count = (next() % 12) as usize;
            let mut text: String = (0..count)
                .map(|_| format!("{}\n", LINES[(next() % LINES.len() as u64) as usize]))
                .collect();
            if next().is_multiple_of(2) {
                text.pop();
            }
            assert_run_copy_agrees(&text, &rules);
        }
    }

    #[test]
    fn copying_untouched_lines_in_runs_changes_nothing() {
        let texts = [
            "",
            "\n",
            "password x",
            "a\npassword x\n",
            "password x\n\nsecret y\r\nkey 7 z",
            "no needles\nat all\n",
            "x password\npassword password\npassword\n",
            "\u{e9} secret \u{e9}\r\n\r\nlast secret",
        ];
        let rules = [
            rule(&["password"], r"(password) \S+", "$1 <p>"),
            rule(&[" secret", "key 7"], r"(secret|key 7) .*", "$1 <s>"),
            rule(&["<p>"], r"<p>", "<P>"),
        ];
        for text in texts {
            assert_run_copy_agrees(text, &rules);
        }
    }

    #[test]
    fn needles_inside_other_needles_or_past_their_line_still_gate_it() {
        // " password" lies inside "enable password": the one-pass search
        // must still see both on the line (the first rule leaves the line
        // as it was, so only the second's own needle lets it run). A needle
        // that runs on into the next line is not on either line: the line
        // itself must hold it.
        let rules = [
            rule(&["enable password"], r"^never", "!"),
            rule(&[" password"], r"password a", "password <p>"),
            rule(&["x\ny"], r"x$", "X"),
        ];
        let text = "enable password a b\nx\ny\nlast password a";
        assert_eq!(
            rewrite(text, &rules, Scope::BareLines).unwrap(),
            "enable password <p> b\nx\ny\nlast password <p>"
        );
        assert_run_copy_agrees(text, &rules);
    }

    #[test]
    fn line_scopes_run_rules_only_on_lines_with_a_needle() {
        let cfg = "set passwd ENC abc\nset name x\r\nset key k1";
        let rules = [rule(
            &["set passwd ", "set key "],
            r"^(set \w+) .*",
            "$1 <hidden>",
        )];
        // With its line ending, `.*` stops before `\r` and `\n` is not in it.
        assert_eq!(
            rewrite(cfg, &rules, Scope::Lines).unwrap(),
            "set passwd <hidden>\nset name x\r\nset key <hidden>"
        );
        // `$` needs (?m) to match before a line's `\n` in Lines scope, and
        // matches at the end of a bare line.
        let end = [rule(&["x"], r"x$", "y")];
        assert_eq!(rewrite("ax\nbx\n", &end, Scope::Lines).unwrap(), "ax\nbx\n");
        assert_eq!(
            rewrite("ax\nbx\n", &end, Scope::BareLines).unwrap(),
            "ay\nby\n"
        );
        // A line changed by an earlier rule is checked again for the next
        // (a rule whose needle is nowhere in the text stays off).
        let chained = [rule(&["a"], "a", "b"), rule(&["b"], "b", "c")];
        assert_eq!(
            rewrite("a\nzb\n", &chained, Scope::BareLines).unwrap(),
            "c\nzc\n"
        );
        assert_eq!(
            rewrite("a\nz\n", &chained, Scope::BareLines).unwrap(),
            "b\nz\n"
        );
        // No needle anywhere: the text comes back and nothing is compiled.
        let bad = [rule(&["absent"], r"(", "")];
        assert_eq!(rewrite("a\n", &bad, Scope::Lines).unwrap(), "a\n");
        assert!(rewrite("absent\n", &bad, Scope::Lines).is_err());
    }

    #[test]
    fn lines_with_numbers_the_lines_holding_each_needle() {
        let text = "Cisco IOS Software\n64K bytes of NVRAM\nbytes bytes\nPCMCIA slot 0";
        assert_eq!(
            lines_with(text, &["bytes", "Software", "absent"], false).unwrap(),
            vec![vec![1, 2], vec![0], vec![]]
        );
        assert_eq!(
            lines_with(text, &["pcmcia ", "IOS"], true).unwrap(),
            vec![vec![3], vec![0]]
        );
        assert_eq!(
            lines_with("", &["x"], false).unwrap(),
            vec![Vec::<usize>::new()]
        );
    }

    #[test]
    fn prepared_rule_lists_are_told_apart_by_every_string() {
        // Same needles and pattern, different replacement; and needles that
        // would read the same if their strings were simply joined.
        let one = [rule(&["x"], "y", "1")];
        let two = [rule(&["x"], "y", "2")];
        assert_eq!(rewrite("xy\n", &one, Scope::Lines).unwrap(), "x1\n");
        assert_eq!(rewrite("xy\n", &two, Scope::Lines).unwrap(), "x2\n");
        let joined = [rule(&["ab"], "b", "B")];
        let split = [rule(&["a", "b"], "b", "B")];
        assert_eq!(rewrite("b\n", &joined, Scope::Lines).unwrap(), "b\n");
        assert_eq!(rewrite("b\n", &split, Scope::Lines).unwrap(), "B\n");
        // A needle inside another is still found.
        let nested = [
            rule(&["password"], "password", "P"),
            rule(&["ass"], "ass", "A"),
        ];
        assert_eq!(rewrite("password\n", &nested, Scope::Lines).unwrap(), "P\n");
        assert_eq!(rewrite("pass\n", &nested, Scope::Lines).unwrap(), "pA\n");
    }

    #[test]
    fn replacements_expand_groups_and_stop_at_the_output_cap() {
        let re = compile(r"(\w)=(\w)").unwrap();
        assert_eq!(replacen(&re, "a=b c=d", 0, "$2$$$1").unwrap(), "b$a d$c");
        assert_eq!(replacen(&re, "a=b c=d", 1, "<$1>").unwrap(), "<a> c=d");
        assert_eq!(replacen(&re, "a=b c=d", 0, "x").unwrap(), "x x");
        assert!(matches!(
            replacen(&re, "none", 0, "x").unwrap(),
            Cow::Borrowed("none")
        ));
        // An empty match at every position, each replaced by 100 bytes.
        let empty = compile("").unwrap();
        let long = "x".repeat(100);
        assert!(replacen_within(&empty, &"y".repeat(50), 0, &long, 4000).is_err());
        assert_eq!(
            replacen_within(&empty, "yy", 0, "-", 4000).unwrap(),
            "-y-y-"
        );
        // The same as the regex crate's own replacement.
        let rule = compile(r"(?m)^(snmp-server community) \S+").unwrap();
        let text = "snmp-server community public RO\nsnmp-server community x\n";
        assert_eq!(
            replacen(&rule, text, 0, "$1 <removed>").unwrap(),
            rule.replace_all(text, "$1 <removed>")
        );
    }

    #[test]
    fn verbose_mode_is_refused_and_work_is_bounded() {
        let e = compile(r"(?x) a # [ b").unwrap_err();
        assert!(e.contains("verbose mode"), "{e}");
        assert!(compile(r"(?i-x)a").is_ok());
        assert!(
            compile(r"\(?x").is_ok(),
            "an escaped paren is not a flag group"
        );
        let needles: Vec<String> = (0..2000).map(|i| format!("n{i}")).collect();
        let big = "x".repeat(8 << 20);
        let e = lines_with(&big, &needles, false).unwrap_err();
        assert!(e.contains("more work than one call may do"), "{e}");
    }

    #[test]
    fn line_rewrites_stop_at_the_output_cap() {
        // A `$0` expansion is bounded before it is built.
        let re = compile(r"(?s).+").unwrap();
        let e = replacen_within(&re, &"y".repeat(1000), 0, &"$0".repeat(100), 50_000).unwrap_err();
        assert!(e.contains("more than 50000 bytes"), "{e}");
    }

    #[test]
    fn lines_with_takes_an_empty_needle_as_every_line() {
        assert_eq!(
            lines_with("a\nb\n", &[""], false).unwrap(),
            vec![vec![0, 1]]
        );
    }

    #[test]
    fn drop_lines_matches_lines_without_their_ending() {
        assert_eq!(
            drop_lines("keep\r\nuptime is 3 days\r\nkeep too\n", &["days$"]).unwrap(),
            "keep\r\nkeep too\n"
        );
    }
}
