//! Stored outcomes and parts are removed once no run has used them for
//! [`UNUSED_FOR`]: each build of gonogo, each change to a pack or a
//! check's configuration, and each project writes entries under keys of
//! its own, which nothing would ever read again. An entry is used when it
//! is written or reused (its modification time is set to now then); a
//! sweep of the folder runs at most once per [`SWEEP_EVERY`], after a
//! `gonogo check`, and also removes temporary files a run that was
//! stopped while writing left behind.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long an entry no run used is kept.
pub const UNUSED_FOR: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// How often the folder is swept at most.
const SWEEP_EVERY: Duration = Duration::from_secs(24 * 60 * 60);
/// How old a temporary file must be to be taken as left behind.
const TEMPORARY_FOR: Duration = Duration::from_secs(60 * 60);
/// The file whose modification time says when the folder was last swept.
const SWEPT: &str = "swept";

/// Notes that the entry `file` was used now (best effort).
pub fn used(file: &Path) {
    if let Ok(entry) = std::fs::File::options().write(true).open(file) {
        let _ = entry.set_modified(SystemTime::now());
    }
}

/// Removes from `dir` the entries unused for [`UNUSED_FOR`] and the
/// temporary files older than [`TEMPORARY_FOR`], unless it was swept less
/// than [`SWEEP_EVERY`] before `now`.
pub fn sweep(dir: &Path, now: SystemTime) {
    let age = |path: &Path| {
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
        now.duration_since(modified).ok()
    };
    let marker = dir.join(SWEPT);
    if age(&marker).is_some_and(|age| age < SWEEP_EVERY) || !dir.is_dir() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kept_for = if name.ends_with(".outcome") || name.ends_with(".part") {
            UNUSED_FOR
        } else if name.contains(".tmp") {
            TEMPORARY_FOR
        } else {
            continue;
        };
        if age(&path).is_some_and(|age| age > kept_for) {
            let _ = std::fs::remove_file(&path);
        }
    }
    if std::fs::write(&marker, b"").is_ok() {
        used(&marker);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aged(path: &Path, age: Duration) {
        std::fs::write(path, b"entry").expect("write");
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(SystemTime::now() - age))
            .expect("set mtime");
    }

    #[test]
    fn entries_unused_for_a_month_are_swept_at_most_once_a_day() {
        let dir = tempfile::tempdir().expect("tempdir");
        let day = Duration::from_secs(24 * 60 * 60);
        let stale = dir.path().join("a.outcome");
        let stale_part = dir.path().join("b.part");
        let recent = dir.path().join("c.outcome");
        let reused = dir.path().join("d.part");
        let left_behind = dir.path().join("e.outcome.tmp42");
        let other = dir.path().join("f.digests");
        aged(&stale, 31 * day);
        aged(&stale_part, 31 * day);
        aged(&recent, 29 * day);
        aged(&reused, 40 * day);
        aged(&left_behind, 2 * day);
        aged(&other, 400 * day);
        used(&reused);

        sweep(dir.path(), SystemTime::now());
        for gone in [&stale, &stale_part, &left_behind] {
            assert!(!gone.exists(), "{gone:?}");
        }
        for kept in [&recent, &reused, &other] {
            assert!(kept.exists(), "{kept:?}");
        }
        // Swept today: not again until tomorrow.
        aged(&stale, 31 * day);
        sweep(dir.path(), SystemTime::now());
        assert!(stale.exists());
        sweep(dir.path(), SystemTime::now() + day + Duration::from_secs(1));
        assert!(!stale.exists());
    }

    #[test]
    fn a_missing_folder_is_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("outcomes");
        sweep(&missing, SystemTime::now());
        assert!(!missing.exists());
    }
}
