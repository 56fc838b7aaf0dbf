//! Which paths a gitignore rule matches: `git check-ignore`, asked once for
//! what every reusable outcome depends on, on its own thread while git
//! still lists the files, then once more for whatever else a check asks.

use super::{SharedWorkspace, Vcs, in_git_work_tree, is_safe_relative, run_git};
use std::collections::HashMap;
use std::path::Path;

impl SharedWorkspace {
    /// For each path, whether a gitignore rule matches it (false without
    /// git), as [`super::Workspace::ignored`]; the answers asked ahead are used
    /// (gitignore rules do not change during a run), git is asked the rest.
    pub fn ignored(&self, paths: &[String]) -> Vec<bool> {
        let workspace = self.get();
        if workspace.vcs != Vcs::Git {
            return vec![false; paths.len()];
        }
        let ahead = if self.asking_ahead.load(std::sync::atomic::Ordering::Acquire) {
            Some(self.ignored_ahead.wait())
        } else {
            None
        };
        let known = |path: &String| ahead.and_then(|ahead| ahead.get(path).copied());
        let missing: Vec<String> = paths
            .iter()
            .filter(|p| known(p).is_none())
            .cloned()
            .collect();
        let asked: HashMap<&str, bool> = missing
            .iter()
            .map(String::as_str)
            .zip(workspace.ignored(&missing))
            .collect();
        paths
            .iter()
            .map(|path| {
                known(path)
                    .or_else(|| asked.get(path.as_str()).copied())
                    .unwrap_or(false)
            })
            .collect()
    }

    /// Asks git on its own thread, in one call, which of `paths` are
    /// ignored, while the files are still being listed: a later
    /// [`SharedWorkspace::ignored`] waits for these answers rather than
    /// starting git again. Only the first call asks; an empty list asks
    /// nothing.
    pub fn ask_ignored_ahead(self: &std::sync::Arc<Self>, paths: Vec<String>) {
        if paths.is_empty()
            || self
                .asking_ahead
                .swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            return;
        }
        /// Answers nothing if the asking thread ends without answers, so
        /// that no caller waits forever.
        struct AnswerOnExit(std::sync::Arc<SharedWorkspace>);
        impl Drop for AnswerOnExit {
            fn drop(&mut self) {
                let _ = self.0.ignored_ahead.set(HashMap::new());
            }
        }
        let shared = AnswerOnExit(std::sync::Arc::clone(self));
        std::thread::spawn(move || {
            // Without answers (no work tree, git failed), a later call asks
            // for itself; without git, `ignored` answers false anyway.
            let root = &shared.0.root;
            if in_git_work_tree(root)
                && let Some(answers) = try_ask_git(root, &paths)
            {
                let _ = shared
                    .0
                    .ignored_ahead
                    .set(paths.into_iter().zip(answers).collect());
            }
        });
    }
}

/// `git check-ignore` for each path (a trailing `/` asks about a folder):
/// false for a path that is empty, absolute or has `..`, and for every path
/// when git cannot answer.
pub(super) fn ask_git(root: &Path, paths: &[String]) -> Vec<bool> {
    try_ask_git(root, paths).unwrap_or_else(|| vec![false; paths.len()])
}

/// [`ask_git`], `None` when git cannot answer.
fn try_ask_git(root: &Path, paths: &[String]) -> Option<Vec<bool>> {
    if paths.is_empty() {
        return Some(Vec::new());
    }
    // Each path as on disk (see `names`), when it is a safe relative one.
    let on_disk: Vec<Option<std::borrow::Cow<'_, [u8]>>> = paths
        .iter()
        .map(|p| {
            is_safe_relative(p.strip_suffix('/').unwrap_or(p))
                .then(|| super::names::raw(p))
                .flatten()
        })
        .collect();
    let mut input = Vec::new();
    for path in on_disk.iter().flatten() {
        input.extend_from_slice(path);
        input.push(0);
    }
    let matched = run_git(
        root,
        &["check-ignore", "--no-index", "-z", "--stdin"],
        Some(&input),
    )
    .ok()?;
    let matched: std::collections::HashSet<&[u8]> = matched
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .collect();
    Some(
        on_disk
            .iter()
            .map(|path| path.as_deref().is_some_and(|p| matched.contains(p)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn repository(gitignore: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        let status = std::process::Command::new("git")
            .args(["init", "-q"])
            .arg(dir.path())
            .status()
            .expect("git runs");
        assert!(status.success());
        std::fs::write(dir.path().join(".gitignore"), gitignore).expect("gitignore");
        dir
    }

    fn paths(paths: &[&str]) -> Vec<String> {
        paths.iter().map(|p| (*p).to_owned()).collect()
    }

    #[test]
    fn answers_asked_ahead_are_git_s_and_stand_for_the_run() {
        let dir = repository("dist/\n.env\n");
        let workspace = Arc::new(SharedWorkspace::new(dir.path()));
        workspace.ask_ignored_ahead(paths(&["dist/", ".env", "src/"]));
        assert_eq!(
            workspace.ignored(&paths(&["dist/", "src/", ".env"])),
            [true, false, true]
        );
        // The rules change mid-run: what was asked ahead is answered as
        // asked then (one run sees one set of rules), anything else is
        // asked of git now.
        std::fs::write(dir.path().join(".gitignore"), "src/\nbuild/\n").expect("gitignore");
        assert_eq!(
            workspace.ignored(&paths(&["src/", "build/", "dist/", "../x", ""])),
            [false, true, true, false, false]
        );
        // Only the first call asks ahead.
        workspace.ask_ignored_ahead(paths(&["build/"]));
        assert_eq!(workspace.ignored(&paths(&["dist/"])), [true]);
    }

    #[test]
    fn without_git_nothing_is_ignored_whatever_was_asked_ahead() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(".gitignore"), "dist/\n").expect("gitignore");
        let workspace = Arc::new(SharedWorkspace::new(dir.path()));
        workspace.ask_ignored_ahead(paths(&["dist/"]));
        assert_eq!(workspace.ignored(&paths(&["dist/", "x"])), [false, false]);
    }

    #[test]
    fn unsafe_paths_are_never_ignored_nor_handed_to_git() {
        let dir = repository("*\n");
        let answers = ask_git(
            dir.path(),
            &paths(&["a", "../a", "/etc/passwd", "", "a/../b"]),
        );
        assert_eq!(answers, [true, false, false, false, false]);
        assert!(ask_git(dir.path(), &[]).is_empty());
    }
}
