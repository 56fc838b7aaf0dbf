//! The project under check: its path and, when it is in a git repository,
//! the current branch and commit (read from `.git`, no `git` binary needed).

use serde::Serialize;
use std::path::{Path, PathBuf};

/// What rules see as `target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// The project folder as given on the command line.
    pub path: String,
    /// Current commit, when known.
    pub commit: Option<String>,
    /// Current branch, when on one.
    pub branch: Option<String>,
}

impl Target {
    /// Describes the project at `path`.
    pub fn inspect(path: &Path) -> Self {
        let (commit, branch) = git_dir(path).map(|dir| head(&dir)).unwrap_or((None, None));
        Target {
            path: path.display().to_string(),
            commit,
            branch,
        }
    }
}

/// The `.git` folder of the repository holding `path`, if any.
fn git_dir(path: &Path) -> Option<PathBuf> {
    let start = path.canonicalize().ok()?;
    for dir in start.ancestors() {
        let candidate = dir.join(".git");
        if candidate.is_dir() {
            return Some(candidate);
        }
        if candidate.is_file() {
            // A worktree or submodule: `gitdir: <path>`.
            let text = std::fs::read_to_string(&candidate).ok()?;
            let target = text.strip_prefix("gitdir:")?.trim();
            return Some(dir.join(target));
        }
    }
    None
}

fn head(git_dir: &Path) -> (Option<String>, Option<String>) {
    let Ok(head) = std::fs::read_to_string(git_dir.join("HEAD")) else {
        return (None, None);
    };
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref:").map(str::trim) else {
        return (Some(head.to_owned()), None);
    };
    let branch = reference.strip_prefix("refs/heads/").map(str::to_owned);
    (resolve(git_dir, reference), branch)
}

fn resolve(git_dir: &Path, reference: &str) -> Option<String> {
    // In a worktree, branch refs live in the common folder.
    let common = std::fs::read_to_string(git_dir.join("commondir"))
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|_| git_dir.to_path_buf());
    for dir in [git_dir, common.as_path()] {
        if let Ok(commit) = std::fs::read_to_string(dir.join(reference)) {
            return Some(commit.trim().to_owned());
        }
        if let Ok(packed) = std::fs::read_to_string(dir.join("packed-refs")) {
            let found = packed.lines().find_map(|line| {
                let (commit, name) = line.split_once(' ')?;
                (name == reference).then(|| commit.to_owned())
            });
            if found.is_some() {
                return found;
            }
        }
    }
    None
}
