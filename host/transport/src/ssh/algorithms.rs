//! Algorithm lists, written the way OpenSSH's `ssh_config` writes them:
//! `+name` appends to the defaults, `-name` removes from them, `^name`
//! puts first, and a plain list replaces them. A comma-separated string
//! counts as several names with the first one's prefix
//! (`"+diffie-hellman-group14-sha1,diffie-hellman-group1-sha1"`).
//!
//! Modern algorithms are the defaults. Legacy ones (SHA-1 key exchange,
//! `ssh-rsa` and `ssh-dss` host keys, CBC ciphers, `hmac-sha1`) are built
//! in but only offered to devices that opt in.

use std::borrow::Cow;
use std::str::FromStr;

use russh::keys::Algorithm;
use russh::{Preferred, cipher, kex, mac};

/// Per-device algorithm changes; empty lists keep the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Algorithms {
    pub kex: Vec<String>,
    pub host_key: Vec<String>,
    pub cipher: Vec<String>,
    pub mac: Vec<String>,
}

/// An algorithm list the client cannot offer; `key` is the inventory key
/// (`kex`, `host_key_algorithms`, `ciphers`, `macs`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlgorithmError {
    #[error("{key}: unknown or unsupported algorithm {name:?}")]
    Unknown { key: &'static str, name: String },
    #[error("{key}: the edits leave no algorithm to offer")]
    NoneLeft { key: &'static str },
}

/// Apply OpenSSH-style edits to `defaults`. `parse` validates one name.
fn edit<T: Clone + PartialEq>(
    key: &'static str,
    defaults: &[T],
    edits: &[String],
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, AlgorithmError> {
    if edits.is_empty() {
        return Ok(defaults.to_vec());
    }
    let mut replaced: Option<Vec<T>> = None;
    let mut out = defaults.to_vec();
    for entry in edits {
        let (op, names) = match entry.chars().next() {
            Some(c @ ('+' | '-' | '^')) => (Some(c), &entry[1..]),
            _ => (None, entry.as_str()),
        };
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let algo = parse(name).ok_or_else(|| AlgorithmError::Unknown {
                key,
                name: name.to_string(),
            })?;
            match op {
                Some('+') => {
                    if !out.contains(&algo) {
                        out.push(algo);
                    }
                }
                Some('-') => out.retain(|a| *a != algo),
                Some(_) => {
                    out.retain(|a| *a != algo);
                    out.insert(0, algo);
                }
                None => replaced.get_or_insert_with(Vec::new).push(algo),
            }
        }
    }
    let list = replaced.unwrap_or(out);
    if list.is_empty() {
        return Err(AlgorithmError::NoneLeft { key });
    }
    Ok(list)
}

/// Host key algorithm names as OpenSSH spells them.
fn host_key_algorithm(name: &str) -> Option<Algorithm> {
    let algo = Algorithm::from_str(name).ok()?;
    // Only what russh can verify.
    match algo {
        Algorithm::Ed25519 | Algorithm::Rsa { .. } | Algorithm::Dsa | Algorithm::Ecdsa { .. } => {
            Some(algo)
        }
        _ => None,
    }
}

impl Algorithms {
    /// The client's preference lists, or an error naming the key and the
    /// algorithm it does not know.
    pub fn build(&self) -> Result<Preferred, AlgorithmError> {
        let mut base = Preferred::default();
        // russh offers ssh-rsa (SHA-1) host keys by default; here it is
        // legacy, like ssh-dss, and needs an opt-in.
        base.key = Cow::Owned(
            base.key
                .iter()
                .filter(|a| !matches!(a, Algorithm::Rsa { hash: None } | Algorithm::Dsa))
                .cloned()
                .collect(),
        );
        let kex = edit("kex", &base.kex, &self.kex, |n| kex::Name::try_from(n).ok())?;
        let key = edit(
            "host_key_algorithms",
            &base.key,
            &self.host_key,
            host_key_algorithm,
        )?;
        let cipher = edit("ciphers", &base.cipher, &self.cipher, |n| {
            cipher::Name::try_from(n).ok()
        })?;
        let mac = edit("macs", &base.mac, &self.mac, |n| {
            mac::Name::try_from(n).ok()
        })?;
        Ok(Preferred {
            kex: Cow::Owned(kex),
            key: Cow::Owned(key),
            cipher: Cow::Owned(cipher),
            mac: Cow::Owned(mac),
            ..base
        })
    }
}

/// The inventory key that opts into algorithms of `kind`.
pub(crate) fn key_for(kind: russh::AlgorithmKind) -> &'static str {
    match kind {
        russh::AlgorithmKind::Kex => "kex",
        russh::AlgorithmKind::Key => "host_key_algorithms",
        russh::AlgorithmKind::Cipher => "ciphers",
        russh::AlgorithmKind::Mac => "macs",
        russh::AlgorithmKind::Compression => "compression",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names<T: AsRef<str>>(list: &[T]) -> Vec<String> {
        list.iter().map(|n| n.as_ref().to_string()).collect()
    }

    #[test]
    fn legacy_algorithms_are_off_until_a_device_opts_in() {
        let modern = Algorithms::default().build().unwrap();
        assert!(!names(&modern.kex).contains(&"diffie-hellman-group14-sha1".to_string()));
        assert!(!names(&modern.cipher).contains(&"aes128-cbc".to_string()));
        assert!(!names(&modern.mac).contains(&"hmac-sha1".to_string()));
        assert!(!modern.key.contains(&Algorithm::Rsa { hash: None }));

        let legacy = Algorithms {
            kex: vec!["+diffie-hellman-group14-sha1,diffie-hellman-group1-sha1".into()],
            host_key: vec!["+ssh-rsa".into(), "+ssh-dss".into()],
            cipher: vec!["+aes128-cbc".into(), "+3des-cbc".into()],
            mac: vec!["+hmac-sha1".into()],
        }
        .build()
        .unwrap();
        let kex = names(&legacy.kex);
        assert_eq!(kex[0], names(&modern.kex)[0], "modern stays preferred");
        assert!(kex.contains(&"diffie-hellman-group1-sha1".to_string()));
        assert!(legacy.key.contains(&Algorithm::Rsa { hash: None }));
        assert!(legacy.key.contains(&Algorithm::Dsa));
        assert!(names(&legacy.cipher).contains(&"3des-cbc".to_string()));
        assert!(names(&legacy.mac).contains(&"hmac-sha1".to_string()));
    }

    #[test]
    fn plain_lists_replace_and_caret_puts_first() {
        let p = Algorithms {
            kex: vec!["diffie-hellman-group-exchange-sha1".into()],
            cipher: vec!["^aes128-cbc".into()],
            ..Default::default()
        }
        .build()
        .unwrap();
        assert_eq!(names(&p.kex), ["diffie-hellman-group-exchange-sha1"]);
        assert_eq!(names(&p.cipher)[0], "aes128-cbc");
    }

    #[test]
    fn unknown_names_and_empty_results_are_errors_naming_the_key() {
        let err = Algorithms {
            mac: vec!["+hmac-md5-96".into()],
            ..Default::default()
        }
        .build()
        .unwrap_err();
        assert_eq!(
            err,
            AlgorithmError::Unknown {
                key: "macs",
                name: "hmac-md5-96".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "macs: unknown or unsupported algorithm \"hmac-md5-96\""
        );
        let all: Vec<String> = names(&Preferred::default().cipher)
            .into_iter()
            .map(|n| format!("-{n}"))
            .collect();
        let err = Algorithms {
            cipher: all,
            ..Default::default()
        }
        .build()
        .unwrap_err();
        assert_eq!(err, AlgorithmError::NoneLeft { key: "ciphers" });
        assert!(
            err.to_string().starts_with("ciphers: the edits leave"),
            "{err}"
        );
    }
}
