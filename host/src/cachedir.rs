//! The cache folder's paths and writes, below every module that keeps
//! something there (compiled components, stored outcomes, parsed
//! expressions, fetched packs), so that none of them imports another for
//! them.

use std::path::{Path, PathBuf};

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

/// Writes a cache entry atomically (temp file + rename); a cache that
/// cannot be written only costs time, so failures are ignored. Shared by
/// the compile cache and the remote-pack cache.
pub fn store(entry: &Path, compiled: &[u8]) {
    let Some(dir) = entry.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let temp = entry.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&temp, compiled).is_ok() && std::fs::rename(&temp, entry).is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

/// As [`store`], for an entry that may hold what a project holds (the
/// lines its git history added, secrets among them): the file is readable
/// by its owner alone (mode 0600 on Unix), whatever the umask.
pub fn store_private(entry: &Path, bytes: &[u8]) {
    use std::io::Write as _;
    let Some(dir) = entry.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let temp = entry.with_extension(format!("tmp{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&temp)
        .and_then(|mut file| file.write_all(bytes));
    if written.is_err() || std::fs::rename(&temp, entry).is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

/// What tells this build of gonogo from another of the same version (a
/// rebuild may change what the host gives checks, how it treats their
/// outcomes or how it parses CEL): the executable's size and modification
/// time, read once. Keys the stored outcomes and parsed expressions.
pub fn this_build() -> Option<&'static str> {
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
