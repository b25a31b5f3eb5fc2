//! Clean-up helpers shared by drivers. Lines keep their `\n`, so that joining
//! what a helper returns gives the text back unchanged (Oxidized's backups
//! depend on exact line endings).
//!
//! Regexes here use `regex-lite` syntax (the `regex` syntax without Unicode
//! classes): `\w`, `\d` and `\s` are ASCII-only.

/// The compiled regex type, for drivers that keep regexes in statics.
pub use regex_lite::Regex;

/// Compile a regex given by the driver author. Panics on a bad pattern,
/// which is a bug in the driver, not something a device can cause.
pub fn re(pattern: &str) -> Regex {
    match Regex::new(pattern) {
        Ok(re) => re,
        Err(e) => panic!("driver regex {pattern:?} does not compile: {e}"),
    }
}

/// The lines of `text`, each with its line ending.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive('\n')
}

/// Turn `\r\n` into `\n`; a lone `\r` stays.
pub fn unix_newlines(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Drop the first line: the echo of the command.
pub fn cut_echo(output: &str) -> String {
    lines(output).skip(1).collect()
}

/// Drop the last line: the prompt the device printed after the output.
pub fn cut_prompt(output: &str) -> String {
    let all: Vec<&str> = lines(output).collect();
    all[..all.len().saturating_sub(1)].concat()
}

/// Drop the echo and the prompt: what the command printed.
pub fn cut_echo_and_prompt(output: &str) -> String {
    let all: Vec<&str> = lines(output).collect();
    if all.len() < 2 {
        return String::new();
    }
    all[1..all.len() - 1].concat()
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

/// Keep only the lines that match none of `patterns`.
pub fn drop_lines(text: &str, patterns: &[&str]) -> String {
    let res: Vec<Regex> = patterns.iter().map(|p| re(p)).collect();
    lines(text)
        .filter(|line| {
            let bare = line.trim_end_matches(['\n', '\r']);
            !res.iter().any(|r| r.is_match(bare))
        })
        .collect()
}

/// Apply `(regex, replacement)` rules in order. Replacements may use `$1`
/// or `${name}` for capture groups. Used for secret removal:
/// `replace_all(cfg, &[(r"(?m)^(snmp-server community) \S+", "$1 <removed>")])`.
pub fn replace_all(text: &str, rules: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (pattern, replacement) in rules {
        out = re(pattern).replace_all(&out, *replacement).into_owned();
    }
    out
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
    // Find each needle once in the whole text (one substring searcher per
    // needle, not one per line) and mark the lines it occurs on; only
    // rules with a needle somewhere are compiled at all.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(config.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < config.len() || i == 0)
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset) - 1;
    let mut active = Vec::new();
    for (needles, pattern, replacement) in rules {
        let mut lines_hit: Vec<usize> = needles
            .iter()
            .flat_map(|n| config.match_indices(n).map(|(i, _)| line_of(i)))
            .collect();
        if lines_hit.is_empty() {
            continue;
        }
        lines_hit.sort_unstable();
        lines_hit.dedup();
        active.push((*needles, re(pattern), *replacement, lines_hit));
    }
    if active.is_empty() {
        return config.to_string();
    }
    let mut out = String::with_capacity(config.len());
    for (index, line) in lines(config).enumerate() {
        let mut current = std::borrow::Cow::Borrowed(line);
        for (needles, re, replacement, lines_hit) in &active {
            // A line the needles missed in the original text can still gain
            // one from an earlier rule's replacement; check those directly.
            let hit = match &current {
                std::borrow::Cow::Borrowed(_) => lines_hit.binary_search(&index).is_ok(),
                std::borrow::Cow::Owned(changed) => needles.iter().any(|n| changed.contains(n)),
            };
            if hit && let std::borrow::Cow::Owned(changed) = re.replace_all(&current, *replacement)
            {
                current = std::borrow::Cow::Owned(changed);
            }
        }
        out.push_str(&current);
    }
    out
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

/// [`replace_all`] with a cheap gate per rule: `(needle, regex, replacement)`
/// runs the regex only when `text` contains the literal `needle`. Regexes
/// here have no literal prefilter, so a config of many MB skips the rules
/// whose keyword (`"secret"`, `"snmp-server"`) never occurs in it.
pub fn replace_all_gated(text: &str, rules: &[(&str, &str, &str)]) -> String {
    let mut out = text.to_string();
    for (needle, pattern, replacement) in rules {
        if out.contains(needle) {
            out = re(pattern).replace_all(&out, *replacement).into_owned();
        }
    }
    out
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
    let active: Vec<(&str, Regex, &str)> = rules
        .iter()
        .filter(|(needle, _, _)| text.contains(needle))
        .map(|(needle, pattern, replacement)| (*needle, re(pattern), *replacement))
        .collect();
    if active.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in lines(text) {
        let (bare, newline) = match line.strip_suffix('\n') {
            Some(bare) => (bare, "\n"),
            None => (line, ""),
        };
        let mut current = std::borrow::Cow::Borrowed(bare);
        for (needle, regex, replacement) in &active {
            if !current.contains(needle) {
                continue;
            }
            if let std::borrow::Cow::Owned(changed) = regex.replace_all(&current, *replacement) {
                current = std::borrow::Cow::Owned(changed);
            }
        }
        out.push_str(&current);
        out.push_str(newline);
    }
    out
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
