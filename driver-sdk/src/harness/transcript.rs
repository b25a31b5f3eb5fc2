//! Oxidized device-simulation YAML (`*#simulation.yaml`): an initial prompt
//! and the device's reply to each exact input.
//!
//! Replies are Ruby double-quoted string bodies (`\r`, `\e`, `\x20`, ...);
//! keys are YAML double-quoted strings that YAML has already unescaped.

use std::fmt;
use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

/// One input the device expects and everything it sends back. An empty
/// reply means the device closes the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub input: Vec<u8>,
    pub reply: Vec<u8>,
}

/// How the exchanges may be replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// YAML map: any key, any number of times.
    Any,
    /// YAML list of one-entry maps: strictly in order, each once.
    Strict,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    pub init_prompt: Option<Vec<u8>>,
    pub order: Order,
    pub exchanges: Vec<Exchange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptError(pub String);

impl fmt::Display for TranscriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TranscriptError {}

fn err(msg: impl Into<String>) -> TranscriptError {
    TranscriptError(msg.into())
}

impl Transcript {
    pub fn load(path: &Path) -> Result<Transcript, TranscriptError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| err(format!("{}: cannot read: {e}", path.display())))?;
        Transcript::parse(&text).map_err(|e| err(format!("{}: {e}", path.display())))
    }

    pub fn parse(text: &str) -> Result<Transcript, TranscriptError> {
        let docs =
            YamlLoader::load_from_str(text).map_err(|e| err(format!("invalid YAML: {e}")))?;
        let doc = docs.first().ok_or_else(|| err("empty document"))?;
        let init_prompt = match &doc["init_prompt"] {
            Yaml::BadValue | Yaml::Null => None,
            y => Some(unescape_ruby(&scalar(y, "init_prompt")?)),
        };
        let (order, exchanges) = match &doc["commands"] {
            Yaml::Hash(map) => {
                let mut exchanges = Vec::with_capacity(map.len());
                for (k, v) in map {
                    exchanges.push(exchange(k, v)?);
                }
                (Order::Any, exchanges)
            }
            Yaml::Array(items) => {
                let mut exchanges = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let map = item
                        .as_hash()
                        .filter(|m| m.len() == 1)
                        .ok_or_else(|| err(format!("commands[{i}]: expected a one-entry map")))?;
                    for (k, v) in map {
                        exchanges.push(exchange(k, v)?);
                    }
                }
                (Order::Strict, exchanges)
            }
            Yaml::BadValue | Yaml::Null => (Order::Any, Vec::new()),
            _ => return Err(err("commands: expected a map or a list")),
        };
        Ok(Transcript {
            init_prompt,
            order,
            exchanges,
        })
    }
}

fn scalar(y: &Yaml, field: &str) -> Result<String, TranscriptError> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Ok(s.clone()),
        Yaml::Integer(i) => Ok(i.to_string()),
        Yaml::Boolean(b) => Ok(b.to_string()),
        Yaml::Null => Ok(String::new()),
        _ => Err(err(format!("{field}: expected a string"))),
    }
}

fn exchange(k: &Yaml, v: &Yaml) -> Result<Exchange, TranscriptError> {
    let input = scalar(k, "command key")?;
    if input.is_empty() {
        // An empty input would match before anything is typed, forever.
        return Err(err(
            "commands: an empty key never matches what a driver types",
        ));
    }
    let reply = unescape_ruby(&scalar(v, &format!("reply to {input:?}"))?);
    Ok(Exchange {
        input: input.into_bytes(),
        reply,
    })
}

/// Decode the body of a Ruby double-quoted string. `\xNN` may produce bytes
/// that are not UTF-8 (devices send such bytes), hence `Vec<u8>`.
pub fn unescape_ruby(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let Some(e) = chars.next() else {
            out.push(b'\\');
            break;
        };
        match e {
            'n' => out.push(b'\n'),
            'r' => out.push(b'\r'),
            't' => out.push(b'\t'),
            'e' => out.push(0x1b),
            'b' => out.push(0x08),
            'a' => out.push(0x07),
            'f' => out.push(0x0c),
            'v' => out.push(0x0b),
            's' => out.push(b' '),
            '0' => out.push(0),
            'x' => {
                let mut value = 0u8;
                let mut digits = 0;
                while digits < 2 {
                    match chars.peek().and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            value = value * 16 + d as u8;
                            chars.next();
                            digits += 1;
                        }
                        None => break,
                    }
                }
                if digits == 0 {
                    out.push(b'x');
                } else {
                    out.push(value);
                }
            }
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(c) => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    None => {
                        out.push(b'u');
                        out.extend_from_slice(hex.as_bytes());
                    }
                }
            }
            // A backslash before a newline joins lines in Ruby.
            '\n' => {}
            // `\\`, `\"`, `\#` and unknown escapes stand for the character itself.
            other => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_escapes_decode_to_bytes() {
        assert_eq!(
            unescape_ruby(r#"a\x20\r\n\e[K\"q\"\\"#),
            b"a \r\n\x1b[K\"q\"\\"
        );
        assert_eq!(unescape_ruby(r"\xff\u00e9"), b"\xff\xc3\xa9");
    }

    #[test]
    fn empty_key_is_refused() {
        let err = Transcript::parse("commands:\n  \"\": |-\n    x\n").unwrap_err();
        assert!(err.0.contains("empty key"), "{err}");
    }

    #[test]
    fn map_form_is_any_order_and_list_form_is_strict() {
        let map = "init_prompt: |-\n  r1#\ncommands:\n  \"a\\n\": |-\n    a\n    r1#\n";
        let t = Transcript::parse(map).unwrap();
        assert_eq!(t.order, Order::Any);
        assert_eq!(t.init_prompt.as_deref(), Some(&b"r1#"[..]));
        assert_eq!(t.exchanges[0].input, b"a\n");
        assert_eq!(t.exchanges[0].reply, b"a\nr1#");

        let list = "commands:\n  - \" \": |-\n      x\n  - \" \": \"\"\n";
        let t = Transcript::parse(list).unwrap();
        assert_eq!(t.order, Order::Strict);
        assert_eq!(t.exchanges.len(), 2);
        assert_eq!(t.exchanges[1].reply, b"");
    }
}
