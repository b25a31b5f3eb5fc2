//! Pinning the drivers: the sha256 of each `.wasm` this host may load, in a
//! lock file (`netraven drivers lock` writes it). A driver reads each
//! configuration before redaction, so a `.wasm` swapped in the drivers
//! folder could smuggle secrets into what it returns; with `[runtime]
//! require_lock = true` the host loads only the files the lock pins, by file
//! name and hash, and refuses the rest by name.
//!
//! The file is TOML, one line per driver:
//!
//! ```toml
//! [drivers]
//! "ios.wasm" = "3f1c...e9"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The lock file's contents.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DriverLock {
    /// File name in the drivers directory -> sha256 (hex).
    pub drivers: BTreeMap<String, String>,
    #[serde(skip)]
    pub path: PathBuf,
}

/// A lock file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "{}: cannot read the drivers lock ([runtime] require_lock is on): {cause}; write it with `netraven drivers lock`",
        path.display()
    )]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    Parse { path: PathBuf, message: String },
}

/// How a driver file stands against the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pin {
    /// The lock pins this very file.
    Locked,
    /// The lock names the file with another hash.
    Changed { locked: String },
    /// The lock does not name the file.
    Missing,
}

impl DriverLock {
    /// Read the lock at `path`.
    pub fn read(path: &Path) -> Result<DriverLock, LockError> {
        let text = std::fs::read_to_string(path).map_err(|cause| LockError::Read {
            path: path.to_path_buf(),
            cause,
        })?;
        let mut lock: DriverLock = toml::from_str(&text).map_err(|e| LockError::Parse {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
        lock.path = path.to_path_buf();
        Ok(lock)
    }

    /// Pin `drivers` (file name, sha256): the text `write` stores.
    pub fn render(drivers: &[(String, String)]) -> String {
        let lock = DriverLock {
            drivers: drivers.iter().cloned().collect(),
            path: PathBuf::new(),
        };
        let body = toml::to_string(&lock).unwrap_or_default();
        format!(
            "# The drivers this host may load, by file name and sha256. Written by\n\
             # `netraven drivers lock`; enforced when [runtime] require_lock = true.\n\
             # Run it again after installing or upgrading a driver you trust.\n{body}"
        )
    }

    /// Where `file` stands.
    pub fn pin(&self, file: &Path, sha256: &str) -> Pin {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match self.drivers.get(&name) {
            Some(locked) if locked == sha256 => Pin::Locked,
            Some(locked) => Pin::Changed {
                locked: locked.clone(),
            },
            None => Pin::Missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_lock_reads_back_and_pins_by_name_and_hash() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("drivers.lock");
        let text = DriverLock::render(&[
            ("ios.wasm".into(), "aa".repeat(32)),
            ("junos.wasm".into(), "bb".repeat(32)),
        ]);
        std::fs::write(&path, text).expect("write");
        let lock = DriverLock::read(&path).expect("read");
        assert_eq!(
            lock.pin(Path::new("/x/ios.wasm"), &"aa".repeat(32)),
            Pin::Locked
        );
        assert_eq!(
            lock.pin(Path::new("/x/ios.wasm"), &"cc".repeat(32)),
            Pin::Changed {
                locked: "aa".repeat(32)
            }
        );
        assert_eq!(lock.pin(Path::new("/x/eos.wasm"), "aa"), Pin::Missing);
    }

    #[test]
    fn a_lock_that_is_not_toml_names_its_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("drivers.lock");
        std::fs::write(&path, "[drivers]\nios.wasm = \n").expect("write");
        let err = DriverLock::read(&path).expect_err("bad lock").to_string();
        assert!(err.starts_with(&path.display().to_string()), "{err}");
    }
}
