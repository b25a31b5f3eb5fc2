//! The host's own secret masking: a safety net for text that no driver has
//! redacted, such as the device output quoted in an error message. It is
//! deliberately blunt: on any line that names a secret, everything after the
//! keyword is hidden.

/// Words that introduce a secret on network device CLIs. Matched without
/// regard to case, anywhere in a line.
const KEYWORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "community",
    "key",
    "passphrase",
    "psk",
    "credential",
    "token",
    "auth",
];

pub const HIDDEN: &str = "<hidden>";

/// Hide the rest of every line after the first secret keyword in it.
pub fn mask_keywords(text: &str) -> String {
    mask_words(text, KEYWORDS)
}

/// A `[redaction] patterns` entry that is not a regular expression. The
/// message names it by index only: the pattern itself may quote a secret.
#[derive(Debug, thiserror::Error)]
#[error("[redaction] patterns[{index}]: not a regular expression")]
pub struct BadPattern {
    pub index: usize,
}

/// The host's configured safety net (`[redaction]` keywords and patterns),
/// applied after a driver's own `redact`.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    keywords: Vec<String>,
    patterns: Vec<regex::Regex>,
}

impl Redactor {
    /// Errors name the pattern by its index in the config.
    pub fn new(keywords: &[String], patterns: &[String]) -> Result<Redactor, BadPattern> {
        let patterns = patterns
            .iter()
            .enumerate()
            .map(|(index, p)| regex::Regex::new(p).map_err(|_| BadPattern { index }))
            .collect::<Result<_, _>>()?;
        Ok(Redactor {
            keywords: keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
            patterns,
        })
    }

    /// Keyword lines, then every pattern match, hidden.
    pub fn apply(&self, text: &str) -> String {
        let mut out = if self.keywords.is_empty() {
            text.to_string()
        } else {
            mask_words(text, &self.keywords)
        };
        for p in &self.patterns {
            if p.is_match(&out) {
                out = p.replace_all(&out, HIDDEN).into_owned();
            }
        }
        out
    }
}

fn mask_words<K: AsRef<str>>(text: &str, keywords: &[K]) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let body = body.strip_suffix('\r').unwrap_or(body);
        let end = &line[body.len()..];
        let lower = body.to_ascii_lowercase();
        let cut = keywords
            .iter()
            .map(AsRef::as_ref)
            .filter_map(|k: &str| lower.find(k).map(|at| at + k.len()))
            .min();
        match cut {
            // Keep the keyword itself (and any letters glued to it, such as
            // "password-encryption") so the line still says what it was.
            Some(at) => {
                let word_end = body[at..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                    .map_or(body.len(), |n| at + n);
                out.push_str(&body[..word_end]);
                if word_end < body.len() {
                    out.push(' ');
                    out.push_str(HIDDEN);
                }
            }
            None => out.push_str(body),
        }
        out.push_str(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_naming_a_secret_lose_everything_after_the_keyword() {
        let text = "interface Gi1\nsnmp-server community CANARY-1 RO\r\n enable secret 5 $1$abc\nusername a password 7 0822\nhostname r1";
        let masked = mask_keywords(text);
        assert!(!masked.contains("CANARY-1"), "{masked}");
        assert!(
            !masked.contains("$1$abc") && !masked.contains("0822"),
            "{masked}"
        );
        assert_eq!(
            masked,
            "interface Gi1\nsnmp-server community <hidden>\r\n enable secret <hidden>\nusername a password <hidden>\nhostname r1"
        );
    }

    #[test]
    fn configured_keywords_and_patterns_hide_what_they_match() {
        let r = Redactor::new(&["community".into()], &[r"CANARY-\d+".into()]).unwrap();
        assert_eq!(
            r.apply("snmp-server community public RO\nbanner CANARY-42 here\n"),
            "snmp-server community <hidden>\nbanner <hidden> here\n"
        );
        let err = Redactor::new(&[], &["x".into(), "(".into()]).unwrap_err();
        assert_eq!(err.index, 1);
        assert_eq!(
            err.to_string(),
            "[redaction] patterns[1]: not a regular expression"
        );
    }

    #[test]
    fn keywords_match_without_regard_to_case_and_glued_words_stay() {
        assert_eq!(mask_keywords("Password: hunter2"), "Password <hidden>");
        assert_eq!(
            mask_keywords("service password-encryption"),
            "service password-encryption"
        );
        assert_eq!(
            mask_keywords("crypto isakmp key K1 address 1.1.1.1"),
            "crypto isakmp key <hidden>"
        );
    }
}
