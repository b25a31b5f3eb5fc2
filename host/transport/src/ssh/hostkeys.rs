//! Host key trust: trust on first use (recorded durably), strict (keys must
//! be known beforehand), or off (labs). A key that differs from the known
//! one is always a hard `host_key_changed` failure, never a prompt.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use russh::keys::{HashAlg, PublicKey};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HostKeyPolicy {
    /// Accept and record the first key seen; refuse any other later.
    #[default]
    Tofu,
    /// Only connect when the key is pinned or already recorded.
    Strict,
    /// Accept any key (labs only).
    Off,
}

/// A host key that cannot be read, or a store that cannot keep one. Each
/// names the file and line, or the key text.
#[derive(Debug, thiserror::Error)]
pub enum HostKeyError {
    #[error("{text:?} is not an OpenSSH public key{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    NotAKey {
        text: String,
        reason: Option<String>,
    },
    #[error("{}: line {line}: expected \"host:port key\"", path.display())]
    NotAnEntry { path: PathBuf, line: usize },
    #[error("{}: line {line}: {cause}", path.display())]
    BadEntry {
        path: PathBuf,
        line: usize,
        cause: Box<HostKeyError>,
    },
    #[error("{}: cannot {action}: {cause}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        cause: std::io::Error,
    },
    #[error("host key store poisoned")]
    Poisoned,
    /// Two connections to one host saw different keys at once; the first
    /// one recorded wins.
    #[error("{host}: another connection just recorded a different host key")]
    Conflict { host: String },
    /// A store of another crate (the database) failed.
    #[error("{0}")]
    Store(Box<dyn std::error::Error + Send + Sync>),
}

/// Where known host keys live. Keys are OpenSSH one-line public keys
/// (`ssh-ed25519 AAAA...`), looked up by `host:port`.
pub trait HostKeyStore: Send + Sync {
    fn get(&self, host: &str) -> Option<String>;
    /// Record a first-seen key; must be durable when it returns.
    fn put(&self, host: &str, key: &str) -> Result<(), HostKeyError>;
}

/// An in-memory store (tests, `off` runs).
#[derive(Default)]
pub struct MemoryHostKeys(Mutex<HashMap<String, String>>);

impl HostKeyStore for MemoryHostKeys {
    fn get(&self, host: &str) -> Option<String> {
        self.0.lock().ok()?.get(host).cloned()
    }
    fn put(&self, host: &str, key: &str) -> Result<(), HostKeyError> {
        self.0
            .lock()
            .map_err(|_| HostKeyError::Poisoned)?
            .insert(host.to_string(), key.to_string());
        Ok(())
    }
}

/// A `known_hosts`-style file: one `host:port algorithm base64` per line.
/// New keys are appended and synced before the connection goes on.
pub struct KnownHostsFile {
    path: PathBuf,
    keys: Mutex<HashMap<String, String>>,
}

impl KnownHostsFile {
    pub fn open(path: &Path) -> Result<Self, HostKeyError> {
        let mut keys = HashMap::new();
        match std::fs::read_to_string(path) {
            Ok(text) => {
                for (n, line) in text.lines().enumerate() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    let (host, key) =
                        line.split_once(' ')
                            .ok_or_else(|| HostKeyError::NotAnEntry {
                                path: path.to_path_buf(),
                                line: n + 1,
                            })?;
                    parse_key(key).map_err(|e| HostKeyError::BadEntry {
                        path: path.to_path_buf(),
                        line: n + 1,
                        cause: Box::new(e),
                    })?;
                    keys.insert(host.to_string(), key.trim().to_string());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(cause) => {
                return Err(HostKeyError::Io {
                    path: path.to_path_buf(),
                    action: "read",
                    cause,
                });
            }
        }
        Ok(KnownHostsFile {
            path: path.to_path_buf(),
            keys: Mutex::new(keys),
        })
    }
}

impl HostKeyStore for KnownHostsFile {
    fn get(&self, host: &str) -> Option<String> {
        self.keys.lock().ok()?.get(host).cloned()
    }

    fn put(&self, host: &str, key: &str) -> Result<(), HostKeyError> {
        let mut keys = self.keys.lock().map_err(|_| HostKeyError::Poisoned)?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|cause| HostKeyError::Io {
                path: dir.to_path_buf(),
                action: "create",
                cause,
            })?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|cause| HostKeyError::Io {
                path: self.path.clone(),
                action: "open",
                cause,
            })?;
        file.write_all(format!("{host} {key}\n").as_bytes())
            .and_then(|_| file.sync_data())
            .map_err(|cause| HostKeyError::Io {
                path: self.path.clone(),
                action: "record a host key",
                cause,
            })?;
        keys.insert(host.to_string(), key.to_string());
        Ok(())
    }
}

pub(crate) fn parse_key(text: &str) -> Result<PublicKey, HostKeyError> {
    // Accept a trailing comment, as in OpenSSH files.
    let mut parts = text.split_whitespace();
    let (Some(algo), Some(data)) = (parts.next(), parts.next()) else {
        return Err(HostKeyError::NotAKey {
            text: text.to_string(),
            reason: None,
        });
    };
    PublicKey::from_openssh(&format!("{algo} {data}")).map_err(|e| HostKeyError::NotAKey {
        text: text.to_string(),
        reason: Some(e.to_string()),
    })
}

/// `ssh-ed25519 AAAA...`, without a comment.
pub(crate) fn openssh_line(key: &PublicKey) -> String {
    let mut key = key.clone();
    key.set_comment("");
    key.to_openssh()
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| fingerprint(&key))
}

pub(crate) fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Why a presented key was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Trusted,
    /// First use: record this key.
    Record,
    Changed {
        known: String,
        presented: String,
    },
    Unknown,
}

/// Judge `presented` for `host` under `policy`, with `pinned` (from the
/// inventory) taking precedence over the store.
pub(crate) fn judge(
    policy: HostKeyPolicy,
    pinned: Option<&str>,
    store: &dyn HostKeyStore,
    host: &str,
    presented: &PublicKey,
) -> Verdict {
    if policy == HostKeyPolicy::Off {
        return Verdict::Trusted;
    }
    let known = pinned.map(str::to_string).or_else(|| store.get(host));
    match known {
        Some(known) => match parse_key(&known) {
            Ok(k) if k.key_data() == presented.key_data() => Verdict::Trusted,
            Ok(k) => Verdict::Changed {
                known: fingerprint(&k),
                presented: fingerprint(presented),
            },
            Err(_) => Verdict::Changed {
                known: format!("unreadable {known:?}"),
                presented: fingerprint(presented),
            },
        },
        None if policy == HostKeyPolicy::Strict => Verdict::Unknown,
        None => Verdict::Record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHOtVfpB5W9WALl5t2Yg6wipOVk4DSaBLNYzmZ9HG7C3";
    const B: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIg+5Dyqpd7zU/AcNhxKcm7wKtAZ61n0TDjB3eytdaQx";

    #[test]
    fn first_use_records_then_a_changed_key_shows_both_fingerprints() {
        let store = MemoryHostKeys::default();
        let a = parse_key(A).unwrap();
        let b = parse_key(B).unwrap();
        assert_eq!(
            judge(HostKeyPolicy::Tofu, None, &store, "h:22", &a),
            Verdict::Record
        );
        store.put("h:22", A).unwrap();
        assert_eq!(
            judge(HostKeyPolicy::Tofu, None, &store, "h:22", &a),
            Verdict::Trusted
        );
        let Verdict::Changed { known, presented } =
            judge(HostKeyPolicy::Tofu, None, &store, "h:22", &b)
        else {
            panic!("expected a changed key")
        };
        assert_eq!(known, fingerprint(&a));
        assert_eq!(presented, fingerprint(&b));
        assert!(known.starts_with("SHA256:"));
    }

    #[test]
    fn strict_needs_a_known_key_and_off_takes_anything() {
        let store = MemoryHostKeys::default();
        let a = parse_key(A).unwrap();
        assert_eq!(
            judge(HostKeyPolicy::Strict, None, &store, "h:22", &a),
            Verdict::Unknown
        );
        assert_eq!(
            judge(HostKeyPolicy::Strict, Some(A), &store, "h:22", &a),
            Verdict::Trusted
        );
        assert_eq!(
            judge(HostKeyPolicy::Off, Some(B), &store, "h:22", &a),
            Verdict::Trusted
        );
    }

    #[test]
    fn the_file_store_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("known_hosts");
        KnownHostsFile::open(&path).unwrap().put("h:22", A).unwrap();
        let again = KnownHostsFile::open(&path).unwrap();
        assert_eq!(again.get("h:22").as_deref(), Some(A));
        std::fs::write(&path, "garbage-without-key\n").unwrap();
        let err = KnownHostsFile::open(&path).err().unwrap();
        assert!(
            matches!(&err, HostKeyError::NotAnEntry { line: 1, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
