//! The on-disk compile cache: every component is compiled once per machine
//! and engine configuration, so a second run compiles nothing.
//!
//! Entries are keyed by the sha256 of the component and the engine's
//! `precompile_compatibility_hash`. A damaged entry is recompiled.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;

/// How a component was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Compiled now (and stored, when the cache is on).
    Compiled,
    /// Loaded from the cache.
    Cached,
}

/// Where compiled components are kept; `None` disables caching.
#[derive(Debug, Clone)]
pub struct CompileCache {
    dir: Option<PathBuf>,
}

impl CompileCache {
    /// A cache in `dir`.
    pub fn at(dir: PathBuf) -> Self {
        CompileCache { dir: Some(dir) }
    }

    /// No caching: compile every time.
    pub fn disabled() -> Self {
        CompileCache { dir: None }
    }

    /// `$XDG_CACHE_HOME/gonogo`, else `~/.cache/gonogo` (the CLI reads
    /// `GONOGO_CACHE_DIR` itself, as `--cache-dir`).
    pub fn default_dir() -> Option<PathBuf> {
        crate::cachedir::default_dir()
    }

    /// The folder, when caching is on.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The component for `bytes` (whose sha256 is `digest`, hex), from the
    /// cache or compiled.
    pub fn load(
        &self,
        engine: &Engine,
        bytes: &[u8],
        digest: &str,
    ) -> wasmtime::Result<(Component, Provenance)> {
        let Some(dir) = &self.dir else {
            return Ok((Component::new(engine, bytes)?, Provenance::Compiled));
        };
        let entry = dir.join(entry_name(engine, digest));
        if entry.is_file() {
            // SAFETY: the cache folder belongs to the user running gonogo and
            // holds only what `precompile_component` wrote; wasmtime checks the
            // header, version and engine settings before using an entry.
            #[allow(unsafe_code)]
            let cached = unsafe { Component::deserialize_file(engine, &entry) };
            if let Ok(component) = cached {
                return Ok((component, Provenance::Cached));
            }
        }
        let compiled = engine.precompile_component(bytes)?;
        crate::cachedir::store(&entry, &compiled);
        // SAFETY: these bytes were produced just above by this engine.
        #[allow(unsafe_code)]
        let component = unsafe { Component::deserialize(engine, &compiled)? };
        Ok((component, Provenance::Compiled))
    }
}

fn entry_name(engine: &Engine, digest: &str) -> String {
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    format!("{digest}-{:016x}.cwasm", hasher.finish())
}
