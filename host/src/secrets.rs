//! Credentials at rest: ChaCha20-Poly1305 with a 256-bit key from
//! `NETRAVEN_SECRET_KEY` or a key file, a random 96-bit nonce per seal, and
//! the credential's name as associated data (a sealed value moved to
//! another credential's row does not open).

use std::path::Path;

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};

/// The environment variable that holds the key (64 hex digits).
pub const KEY_ENV: &str = "NETRAVEN_SECRET_KEY";

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

pub struct Keyring {
    key: LessSafeKey,
    /// Where the key came from, for messages.
    pub source: String,
}

impl Keyring {
    /// The key from `NETRAVEN_SECRET_KEY`, else from `key_file`. With
    /// `create`, a missing key file is made (mode 0600) with a fresh key.
    pub fn load(key_file: &Path, create: bool) -> Result<Keyring, String> {
        Keyring::load_from(std::env::var(KEY_ENV).ok(), key_file, create)
    }

    /// [`Keyring::load`] with the environment's value given.
    pub fn load_from(
        env: Option<String>,
        key_file: &Path,
        create: bool,
    ) -> Result<Keyring, String> {
        if let Some(hex) = env {
            return Keyring::from_hex(hex.trim(), format!("environment {KEY_ENV}"));
        }
        let source = format!("key file {}", key_file.display());
        match std::fs::read_to_string(key_file) {
            Ok(text) => Keyring::from_hex(text.trim(), source),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let mut key = [0u8; 32];
                SystemRandom::new()
                    .fill(&mut key)
                    .map_err(|_| "cannot draw a random key".to_string())?;
                write_private(key_file, &hex::encode(key))
                    .map_err(|e| format!("{source}: cannot create: {e}"))?;
                tracing::info!("created a new credentials key in {}", key_file.display());
                Keyring::from_hex(&hex::encode(key), source)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
                "{source}: not found; set {KEY_ENV} or [credentials] key_file to the key the \
                 credentials were stored with"
            )),
            Err(e) => Err(format!("{source}: cannot read: {e}")),
        }
    }

    fn from_hex(hex: &str, source: String) -> Result<Keyring, String> {
        let bytes = hex::decode(hex)
            .map_err(|_| format!("{source}: not a key: expected 64 hex digits (32 bytes)"))?;
        if bytes.len() != 32 {
            return Err(format!(
                "{source}: not a key: expected 64 hex digits (32 bytes), found {}",
                hex.len()
            ));
        }
        let key = UnboundKey::new(&CHACHA20_POLY1305, &bytes)
            .map_err(|_| format!("{source}: not a key"))?;
        Ok(Keyring {
            key: LessSafeKey::new(key),
            source,
        })
    }

    /// Seal `secret` for the credential `name`: hex of nonce ‖ ciphertext.
    pub fn seal(&self, name: &str, secret: &Sealed) -> Result<String, String> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| "cannot draw a random nonce".to_string())?;
        let mut data = serde_json::to_vec(secret).map_err(|e| e.to_string())?;
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(name.as_bytes()),
                &mut data,
            )
            .map_err(|_| format!("credential {name:?}: cannot seal"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(hex::encode(out))
    }

    /// Open what [`Keyring::seal`] made for `name`.
    pub fn open(&self, name: &str, sealed: &str) -> Result<Sealed, String> {
        let bytes = hex::decode(sealed)
            .ok()
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or_else(|| format!("credential {name:?}: stored value is damaged"))?;
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce)
            .map_err(|_| format!("credential {name:?}: stored value is damaged"))?;
        let mut data = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(name.as_bytes()), &mut data)
            .map_err(|_| {
                format!(
                    "credential {name:?}: cannot decrypt with the key from {}: wrong key?",
                    self.source
                )
            })?;
        serde_json::from_slice(plain)
            .map_err(|_| format!("credential {name:?}: stored value is damaged"))
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
        Keyring::from_hex(&hex::encode([seed; 32]), "test".into()).unwrap()
    }

    #[test]
    fn sealed_credentials_open_only_with_their_key_and_name() {
        let secret = Sealed {
            password: Some("canary-pw-1".into()),
            enable: Some("canary-en-1".into()),
        };
        let sealed = keyring(1).seal("lab", &secret).unwrap();
        assert!(!sealed.contains(&hex::encode("canary-pw-1")));
        let opened = keyring(1).open("lab", &sealed).unwrap();
        assert_eq!(opened.password.as_deref(), Some("canary-pw-1"));
        let wrong_key = keyring(2).open("lab", &sealed).unwrap_err();
        assert!(wrong_key.contains("wrong key"), "{wrong_key}");
        assert!(keyring(1).open("other", &sealed).is_err());
        assert!(keyring(1).open("lab", "00ff").is_err());
    }

    #[test]
    fn a_missing_or_malformed_key_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.key");
        let err = Keyring::load_from(None, &path, false).err().unwrap();
        assert!(
            err.contains("none.key") && err.contains("not found"),
            "{err}"
        );
        std::fs::write(&path, "xyz\n").unwrap();
        let err = Keyring::load_from(None, &path, false).err().unwrap();
        assert!(err.contains("64 hex digits"), "{err}");
        let fresh = dir.path().join("sub/new.key");
        Keyring::load_from(None, &fresh, true).unwrap();
        let from_env = Keyring::load_from(Some("zz".into()), &fresh, false)
            .err()
            .unwrap();
        assert!(from_env.contains(KEY_ENV), "{from_env}");
        assert_eq!(std::fs::read_to_string(&fresh).unwrap().trim().len(), 64);
    }
}
