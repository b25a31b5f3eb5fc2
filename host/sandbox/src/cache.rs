//! Precompiled drivers on disk. Compiling a component takes ~100 ms;
//! loading the precompiled form takes well under 1 ms. Entries are keyed by
//! the engine's compatibility hash (wasmtime version, target, settings) and
//! the sha256 of the `.wasm`, so a changed driver or a new host never loads
//! a stale entry.
//!
//! Trust: a precompiled file is native code, so an entry is only loaded
//! when it and its directory belong to this process's user and nobody else
//! can write them. Directories are created 0700 and entries 0600; anything
//! else is recompiled from the `.wasm` instead.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use wasmtime::Engine;
use wasmtime::component::Component;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("does not compile as a component: {0}")]
    Compile(String),
    #[error("cache {path}: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
}

/// Whether a load came from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Cached,
    Compiled,
    /// Known by the description `driver build` wrote into it; compiled
    /// (or taken from the cache) when a device first needs it.
    Described,
}

pub struct ComponentCache {
    dir: PathBuf,
}

impl ComponentCache {
    /// The cache for `engine` under `root`.
    pub fn new(engine: &Engine, root: &Path) -> Self {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        ComponentCache {
            dir: root.join(format!("{:016x}", hasher.finish())),
        }
    }

    pub fn entry(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.cwasm"))
    }

    /// The component for `wasm`, from the cache when possible.
    pub fn load(
        &self,
        engine: &Engine,
        wasm: &[u8],
        sha256: &str,
    ) -> Result<(Component, Origin), CacheError> {
        let entry = self.entry(sha256);
        let refused = entry
            .exists()
            .then(|| owned_privately(&entry).err())
            .flatten();
        if let Some(why) = refused {
            tracing::warn!(
                "refusing the compiled driver {}: {why}; compiling it afresh",
                entry.display()
            );
        } else if entry.exists() {
            match deserialize_file(engine, &entry) {
                Ok(component) => return Ok((component, Origin::Cached)),
                // A truncated or foreign file: recompile and replace it.
                Err(e) => tracing::warn!("ignoring unusable cache entry {}: {e}", entry.display()),
            }
        }
        let compiled = engine
            .precompile_component(wasm)
            .map_err(|e| CacheError::Compile(one_line(&format!("{e:#}"))))?;
        let component =
            deserialize(engine, &compiled).map_err(|e| CacheError::Compile(format!("{e:#}")))?;
        if let Err(e) = self.store(&entry, &compiled) {
            // A read-only cache only costs start-up time.
            tracing::warn!("{e}; drivers will be compiled again next start");
        }
        Ok((component, Origin::Compiled))
    }

    /// File `compiled` (a serialized component of this engine) as the
    /// entry for the file whose sha256 is `sha256`.
    pub fn store_entry(&self, sha256: &str, compiled: &[u8]) -> Result<(), CacheError> {
        self.store(&self.entry(sha256), compiled)
    }

    fn store(&self, entry: &Path, bytes: &[u8]) -> Result<(), CacheError> {
        let io = |cause| CacheError::Io {
            path: entry.to_path_buf(),
            cause,
        };
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .map_err(io)?;
        // Write then rename, so a concurrent reader never sees half a file.
        let tmp = entry.with_extension(format!("tmp{}", std::process::id()));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io)?;
        file.write_all(bytes).map_err(io)?;
        drop(file);
        std::fs::rename(&tmp, entry).map_err(io)
    }
}

/// Are `entry` and the directory holding it owned by this process's user
/// and writable by nobody else? If not, why, with the fix.
fn owned_privately(entry: &Path) -> Result<(), String> {
    let me = std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .map_err(|e| format!("cannot tell who this process runs as: {e}"))?;
    let private = |p: &Path| -> Result<(), String> {
        let m = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if m.uid() != me {
            return Err(format!(
                "{} belongs to uid {}, not to this user (uid {me}): only the user running netraven may write compiled drivers",
                p.display(),
                m.uid()
            ));
        }
        if m.mode() & 0o022 != 0 {
            return Err(format!(
                "{} is writable by others (mode {:o}); fix it with `chmod go-w {}`",
                p.display(),
                m.mode() & 0o777,
                p.display()
            ));
        }
        Ok(())
    };
    private(entry.parent().unwrap_or(Path::new(".")))?;
    private(entry)
}

/// Wasmtime errors can span lines (pretty-printed byte arrays); a load
/// problem is reported on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[allow(unsafe_code)]
fn deserialize(engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Component> {
    // SAFETY: `bytes` was produced by `precompile_component` on this engine
    // a moment ago, in this process.
    unsafe { Component::deserialize(engine, bytes) }
}

#[allow(unsafe_code)]
fn deserialize_file(engine: &Engine, path: &Path) -> wasmtime::Result<Component> {
    // SAFETY: the cache directory is written only by this program (see the
    // module docs), and wasmtime checks the engine compatibility header.
    unsafe { Component::deserialize_file(engine, path) }
}
