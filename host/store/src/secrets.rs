//! Credentials at rest: ChaCha20-Poly1305 with a 256-bit key from
//! `NETRAVEN_SECRET_KEY` or a key file, a random 96-bit nonce per seal, and
//! the credential's name as associated data (a sealed value moved to
//! another credential's row does not open).

use std::path::{Path, PathBuf};

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};

/// The environment variable that holds the key (64 hex digits).
pub(crate) const KEY_ENV: &str = "NETRAVEN_SECRET_KEY";

/// What a credential keeps sealed.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Sealed {
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub enable: Option<String>,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |v: &Option<String>| if v.is_some() { "***" } else { "-" };
        write!(
            f,
            "Sealed {{ password: {}, enable: {} }}",
            shown(&self.password),
            shown(&self.enable)
        )
    }
}

/// Where a key came from. Shown as `environment NETRAVEN_SECRET_KEY` or
/// `key file PATH`, the way every message names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// An environment variable ([`KEY_ENV`]).
    Env { var: &'static str },
    /// A key file.
    File { path: PathBuf },
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Env { var } => write!(f, "environment {var}"),
            KeySource::File { path } => write!(f, "key file {}", path.display()),
        }
    }
}

/// Why a key could not be loaded, or a credential sealed or opened.
///
/// Messages name the key's source and the credential, never a key or a
/// secret. [`SecretsError::WrongKey`] is the one a caller acts on: every
/// credential will fail the same way, so say it once.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// No key in the environment and no key file, and not asked to create one.
    #[error(
        "key file {}: not found; set {KEY_ENV} or [credentials] key_file to the key the \
         credentials were stored with",
        .path.display()
    )]
    KeyMissing { path: PathBuf },

    /// The key file exists but cannot be read.
    #[error("key file {}: cannot read: {cause}", .path.display())]
    KeyFileRead {
        path: PathBuf,
        cause: std::io::Error,
    },

    /// A fresh key file (or its folder) cannot be written.
    #[error("key file {}: cannot create: {cause}", .path.display())]
    KeyFileCreate {
        path: PathBuf,
        cause: std::io::Error,
    },

    /// The key is not 64 hex digits: `digits` is how many hex digits there
    /// were when they decoded but were not 32 bytes, `None` when they were
    /// not hex at all.
    #[error(
        "{origin}: not a key: expected 64 hex digits (32 bytes){}",
        found(.digits)
    )]
    KeyMalformed {
        origin: KeySource,
        digits: Option<usize>,
    },

    /// ring refused a 32-byte key (not expected after the length check).
    #[error("{origin}: not a key")]
    KeyRejected { origin: KeySource },

    /// The system's random source failed while making a new key.
    #[error("cannot draw a random key")]
    NoRandomKey { path: PathBuf },

    /// The system's random source failed while sealing.
    #[error("cannot draw a random nonce")]
    NoRandomNonce { credential: String },

    /// The secret could not be written as JSON before sealing.
    #[error("{cause}")]
    Encode {
        credential: String,
        cause: serde_json::Error,
    },

    /// ring refused to seal.
    #[error("credential {credential:?}: cannot seal")]
    SealFailed { credential: String },

    /// The stored value is not hex of nonce and ciphertext, or it opened but
    /// is not a sealed secret. The JSON error is dropped on purpose: it may
    /// quote the decrypted text.
    #[error("credential {credential:?}: stored value is damaged")]
    Damaged { credential: String },

    /// The value does not open with this key for this credential: another
    /// key, a value moved from another credential's row, or tampering.
    #[error("credential {credential:?}: cannot decrypt with the key from {origin}: wrong key?")]
    WrongKey {
        credential: String,
        origin: KeySource,
    },
}

/// The tail of [`SecretsError::KeyMalformed`]'s message.
fn found(digits: &Option<usize>) -> String {
    digits.map(|n| format!(", found {n}")).unwrap_or_default()
}

pub struct Keyring {
    key: LessSafeKey,
    /// Where the key came from, for messages.
    pub source: KeySource,
}

impl Keyring {
    /// The key from `NETRAVEN_SECRET_KEY`, else from `key_file`. With
    /// `create`, a missing key file is made (mode 0600) with a fresh key.
    pub fn load(key_file: &Path, create: bool) -> Result<Keyring, SecretsError> {
        Keyring::load_from(std::env::var(KEY_ENV).ok(), key_file, create)
    }

    /// [`Keyring::load`] with the environment's value given.
    pub fn load_from(
        env: Option<String>,
        key_file: &Path,
        create: bool,
    ) -> Result<Keyring, SecretsError> {
        if let Some(hex) = env {
            return Keyring::from_hex(hex.trim(), KeySource::Env { var: KEY_ENV });
        }
        let path = || key_file.to_path_buf();
        let origin = KeySource::File { path: path() };
        match std::fs::read_to_string(key_file) {
            Ok(text) => Keyring::from_hex(text.trim(), origin),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let mut key = [0u8; 32];
                SystemRandom::new()
                    .fill(&mut key)
                    .map_err(|_| SecretsError::NoRandomKey { path: path() })?;
                write_private(key_file, &hex::encode(key)).map_err(|cause| {
                    SecretsError::KeyFileCreate {
                        path: path(),
                        cause,
                    }
                })?;
                tracing::info!("created a new credentials key in {}", key_file.display());
                Keyring::from_hex(&hex::encode(key), origin)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(SecretsError::KeyMissing { path: path() })
            }
            Err(cause) => Err(SecretsError::KeyFileRead {
                path: path(),
                cause,
            }),
        }
    }

    fn from_hex(hex: &str, origin: KeySource) -> Result<Keyring, SecretsError> {
        let Ok(bytes) = hex::decode(hex) else {
            return Err(SecretsError::KeyMalformed {
                origin,
                digits: None,
            });
        };
        if bytes.len() != 32 {
            return Err(SecretsError::KeyMalformed {
                origin,
                digits: Some(hex.len()),
            });
        }
        let Ok(key) = UnboundKey::new(&CHACHA20_POLY1305, &bytes) else {
            return Err(SecretsError::KeyRejected { origin });
        };
        Ok(Keyring {
            key: LessSafeKey::new(key),
            source: origin,
        })
    }

    /// Seal `secret` for the credential `name`: hex of nonce ‖ ciphertext.
    pub fn seal(&self, name: &str, secret: &Sealed) -> Result<String, SecretsError> {
        let credential = || name.to_string();
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| SecretsError::NoRandomNonce {
                credential: credential(),
            })?;
        let mut data = serde_json::to_vec(secret).map_err(|cause| SecretsError::Encode {
            credential: credential(),
            cause,
        })?;
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(name.as_bytes()),
                &mut data,
            )
            .map_err(|_| SecretsError::SealFailed {
                credential: credential(),
            })?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(hex::encode(out))
    }

    /// Open what [`Keyring::seal`] made for `name`.
    pub fn open(&self, name: &str, sealed: &str) -> Result<Sealed, SecretsError> {
        let damaged = || SecretsError::Damaged {
            credential: name.to_string(),
        };
        let bytes = hex::decode(sealed)
            .ok()
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or_else(damaged)?;
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| damaged())?;
        let mut data = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(name.as_bytes()), &mut data)
            .map_err(|_| SecretsError::WrongKey {
                credential: name.to_string(),
                origin: self.source.clone(),
            })?;
        serde_json::from_slice(plain).map_err(|_| damaged())
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    std::io::Write::write_all(&mut file, format!("{text}\n").as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyring(seed: u8) -> Keyring {
        let origin = KeySource::File {
            path: "test.key".into(),
        };
        Keyring::from_hex(&hex::encode([seed; 32]), origin).unwrap()
    }

    fn canary() -> Sealed {
        Sealed {
            password: Some("canary-pw-1".into()),
            enable: Some("canary-en-1".into()),
        }
    }

    #[test]
    fn sealed_credentials_open_only_with_their_key_and_name() {
        let sealed = keyring(1).seal("lab", &canary()).unwrap();
        assert!(!sealed.contains(&hex::encode("canary-pw-1")));
        let opened = keyring(1).open("lab", &sealed).unwrap();
        assert_eq!(opened.password.as_deref(), Some("canary-pw-1"));
        let moved = keyring(1).open("other", &sealed).unwrap_err();
        assert!(matches!(moved, SecretsError::WrongKey { .. }), "{moved:?}");
        let short = keyring(1).open("lab", "00ff").unwrap_err();
        assert!(matches!(short, SecretsError::Damaged { .. }), "{short:?}");
    }

    #[test]
    fn a_wrong_key_is_its_own_variant_naming_the_credential_not_the_secret() {
        let sealed = keyring(1).seal("lab", &canary()).unwrap();
        let err = keyring(2).open("lab", &sealed).unwrap_err();
        let SecretsError::WrongKey { credential, origin } = &err else {
            panic!("expected WrongKey, got {err:?}");
        };
        assert_eq!(credential, "lab");
        assert_eq!(
            origin,
            &KeySource::File {
                path: "test.key".into()
            }
        );
        let message = err.to_string();
        assert_eq!(
            message,
            "credential \"lab\": cannot decrypt with the key from key file test.key: wrong key?"
        );
        for shown in [message, format!("{err:?}")] {
            assert!(!shown.contains("canary"), "{shown}");
            assert!(!shown.contains(&hex::encode([2u8; 32])), "{shown}");
        }
    }

    #[test]
    fn a_damaged_value_says_so_and_names_the_credential() {
        let err = keyring(1).open("lab", "not hex").unwrap_err();
        assert_eq!(
            err.to_string(),
            "credential \"lab\": stored value is damaged"
        );
        // Opens, but is not a sealed secret.
        let k = keyring(1);
        let mut data = b"[1]".to_vec();
        let nonce = [0u8; NONCE_LEN];
        k.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(b"lab"),
                &mut data,
            )
            .unwrap();
        let sealed = hex::encode([&nonce[..], &data].concat());
        let err = k.open("lab", &sealed).unwrap_err();
        assert!(matches!(err, SecretsError::Damaged { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "credential \"lab\": stored value is damaged"
        );
    }

    #[test]
    fn a_missing_or_malformed_key_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.key");
        let err = Keyring::load_from(None, &path, false).err().unwrap();
        assert!(matches!(err, SecretsError::KeyMissing { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "key file {}: not found; set NETRAVEN_SECRET_KEY or [credentials] key_file \
                 to the key the credentials were stored with",
                path.display()
            )
        );
        std::fs::write(&path, "xyz\n").unwrap();
        let err = Keyring::load_from(None, &path, false).err().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "key file {}: not a key: expected 64 hex digits (32 bytes)",
                path.display()
            )
        );
        std::fs::write(&path, "abcd\n").unwrap();
        let err = Keyring::load_from(None, &path, false).err().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "key file {}: not a key: expected 64 hex digits (32 bytes), found 4",
                path.display()
            )
        );
        let fresh = dir.path().join("sub/new.key");
        Keyring::load_from(None, &fresh, true).unwrap();
        let from_env = Keyring::load_from(Some("zz".into()), &fresh, false)
            .err()
            .unwrap();
        assert!(
            matches!(
                &from_env,
                SecretsError::KeyMalformed {
                    origin: KeySource::Env { var: KEY_ENV },
                    digits: None
                }
            ),
            "{from_env:?}"
        );
        assert_eq!(
            from_env.to_string(),
            "environment NETRAVEN_SECRET_KEY: not a key: expected 64 hex digits (32 bytes)"
        );
        assert_eq!(std::fs::read_to_string(&fresh).unwrap().trim().len(), 64);
    }

    #[test]
    fn an_unreadable_key_file_keeps_the_io_error() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the key file should be cannot be read as one.
        let err = Keyring::load_from(None, dir.path(), false).err().unwrap();
        let SecretsError::KeyFileRead { cause, .. } = &err else {
            panic!("expected KeyFileRead, got {err:?}");
        };
        assert_eq!(
            err.to_string(),
            format!("key file {}: cannot read: {cause}", dir.path().display())
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_that_cannot_be_created_keeps_the_io_error() {
        let dir = tempfile::tempdir().unwrap();
        // A dangling link reads as missing, but a new file is not made
        // through it (create_new), even by root.
        let under = dir.path().join("new.key");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &under).unwrap();
        let err = Keyring::load_from(None, &under, true).err().unwrap();
        let SecretsError::KeyFileCreate { cause, .. } = &err else {
            panic!("expected KeyFileCreate, got {err:?}");
        };
        assert_eq!(
            err.to_string(),
            format!("key file {}: cannot create: {cause}", under.display())
        );
        // The cause is in the message, so it is not a source() as well: a
        // printer walking the chain would repeat it.
        assert!(std::error::Error::source(&err).is_none());
    }
}
