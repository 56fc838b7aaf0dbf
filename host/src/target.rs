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
    /// The release artifact the run gates (`--artifact sha256:…`), as
    /// `sha256:<hex>`: attestations signed for it count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
}

impl Target {
    /// Describes the project at `path`.
    pub fn inspect(path: &Path) -> Self {
        let (commit, branch) = git_dir(path).map(|dir| head(&dir)).unwrap_or((None, None));
        Target {
            path: path.display().to_string(),
            commit,
            branch,
            artifact: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_with(head: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let git = dir.path().join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).expect("git dir");
        std::fs::write(git.join("HEAD"), head).expect("HEAD");
        for (path, content) in files {
            std::fs::write(git.join(path), content).expect("ref");
        }
        std::fs::create_dir_all(dir.path().join("apps/api")).expect("project");
        dir
    }

    #[test]
    fn branch_and_commit_come_from_git_even_in_a_subfolder() {
        let repo = repo_with("ref: refs/heads/main\n", &[("refs/heads/main", "abc123\n")]);
        let target = Target::inspect(&repo.path().join("apps/api"));
        assert_eq!(target.branch.as_deref(), Some("main"));
        assert_eq!(target.commit.as_deref(), Some("abc123"));
    }

    #[test]
    fn packed_refs_and_detached_heads_are_read() {
        let packed = repo_with(
            "ref: refs/heads/release\n",
            &[(
                "packed-refs",
                "# pack-refs with: peeled\ndef456 refs/heads/release\n",
            )],
        );
        let target = Target::inspect(packed.path());
        assert_eq!(
            (target.branch.as_deref(), target.commit.as_deref()),
            (Some("release"), Some("def456"))
        );
        let detached = repo_with("0123456789abcdef\n", &[]);
        let target = Target::inspect(detached.path());
        assert_eq!(
            (target.branch, target.commit.as_deref()),
            (None, Some("0123456789abcdef"))
        );
    }

    #[test]
    fn outside_git_there_is_no_branch_or_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = Target::inspect(dir.path());
        assert_eq!((target.branch, target.commit), (None, None));
    }
}
