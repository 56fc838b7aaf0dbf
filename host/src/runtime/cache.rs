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
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        var("XDG_CACHE_HOME")
            .map(|d| d.join("gonogo"))
            .or_else(|| var("HOME").map(|d| d.join(".cache").join("gonogo")))
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
        store(&entry, &compiled);
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

/// Writes a cache entry atomically (temp file + rename); a cache that
/// cannot be written only costs time, so failures are ignored. Shared by
/// the compile cache and the remote-pack cache.
pub(crate) fn store(entry: &Path, compiled: &[u8]) {
    let Some(dir) = entry.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let temp = entry.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&temp, compiled).is_ok() && std::fs::rename(&temp, entry).is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

/// What tells this build of gonogo from another of the same version (a
/// rebuild may change what the host gives checks, how it treats their
/// outcomes or how it parses CEL): the executable's size and modification
/// time, read once. Keys the stored outcomes and parsed expressions.
pub(crate) fn this_build() -> Option<&'static str> {
    static BUILD: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    BUILD
        .get_or_init(|| {
            let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
            let modified = exe
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?;
            Some(format!("{} {}", exe.len(), modified.as_nanos()))
        })
        .as_deref()
}
