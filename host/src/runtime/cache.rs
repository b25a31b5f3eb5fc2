//! Precompiled drivers on disk. Compiling a component takes ~100 ms;
//! loading the precompiled form takes well under 1 ms. Entries are keyed by
//! the engine's compatibility hash (wasmtime version, target, settings) and
//! the sha256 of the `.wasm`, so a changed driver or a new host never loads
//! a stale entry.
//!
//! Trust: a precompiled file is native code. The cache directory must be as
//! trusted as the `netraven` binary itself; it is created with the
//! process's umask and only this process writes it.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use wasmtime::Engine;
use wasmtime::component::Component;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("does not compile as a component: {0}")]
    Compile(String),
    #[error("cache {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Whether a load came from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Cached,
    Compiled,
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
        if entry.exists() {
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

    fn store(&self, entry: &Path, bytes: &[u8]) -> Result<(), CacheError> {
        let io = |source| CacheError::Io {
            path: entry.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        // Write then rename, so a concurrent reader never sees half a file.
        let tmp = entry.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, entry).map_err(io)
    }
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
