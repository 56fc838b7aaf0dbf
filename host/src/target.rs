//! The project under check: its path and, when it is in a git repository,
//! the current branch and commit (read from `.git`, no `git` binary needed).

use crate::untrusted;
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
    /// The project folder relative to the root of its git repository, `/`
    /// separated (`apps/api`; empty at the root), when it is in one:
    /// paths in SARIF start at the repository's root, as code scanning reads
    /// them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_in_repository: Option<String>,
    /// The root folder of that repository.
    #[serde(skip)]
    pub repository_root: Option<PathBuf>,
}

impl Target {
    /// Describes the project at `path`.
    pub fn inspect(path: &Path) -> Self {
        let repository = git_dir(path);
        let (commit, branch) = repository
            .as_ref()
            .map(|(_, dir)| head(dir))
            .unwrap_or((None, None));
        let root = repository.map(|(root, _)| root);
        let path_in_repository = root.as_ref().and_then(|root| {
            let project = path.canonicalize().ok()?;
            let relative = project.strip_prefix(root).ok()?;
            Some(
                relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            )
        });
        Target {
            path: path.display().to_string(),
            commit,
            branch,
            artifact: None,
            path_in_repository,
            repository_root: root,
        }
    }

    /// A project at `path` known to no version control: what pack tests
    /// and unit tests judge (set `commit` and `branch` as needed).
    pub fn unversioned(path: &str) -> Self {
        Target {
            path: path.to_owned(),
            commit: None,
            branch: None,
            artifact: None,
            path_in_repository: None,
            repository_root: None,
        }
    }

    /// A project-relative path as seen from the repository's root
    /// (`src/main.ts` → `apps/api/src/main.ts`); unchanged outside a
    /// repository or at its root.
    pub fn from_repository_root(&self, relative: &str) -> String {
        match self.path_in_repository.as_deref() {
            Some(prefix) if !prefix.is_empty() => format!("{prefix}/{relative}"),
            _ => relative.to_owned(),
        }
    }
}

/// Most bytes read of one file of `.git` (`HEAD`, a ref, `commondir`, a
/// `.git` file); `packed-refs` may hold many refs.
const GIT_FILE_CAP: u64 = 4 << 10;
const PACKED_REFS_CAP: u64 = 16 << 20;

/// The root folder and the `.git` folder of the repository holding
/// `path`, if any.
fn git_dir(path: &Path) -> Option<(PathBuf, PathBuf)> {
    let start = path.canonicalize().ok()?;
    for dir in start.ancestors() {
        let candidate = dir.join(".git");
        let Ok(meta) = std::fs::symlink_metadata(&candidate) else {
            continue;
        };
        if meta.is_dir() {
            return Some((dir.to_owned(), candidate));
        }
        // A worktree or submodule: `gitdir: <path>`. Anything else (a
        // link, a FIFO, a device) is no repository.
        let text = untrusted::read_beneath_text(dir, ".git", GIT_FILE_CAP).ok()?;
        let target = text.strip_prefix("gitdir:")?.trim();
        return (!target.is_empty() && !target.contains(char::is_control))
            .then(|| (dir.to_owned(), dir.join(target)));
    }
    None
}

fn head(git_dir: &Path) -> (Option<String>, Option<String>) {
    let Ok(text) = untrusted::read_beneath_text(git_dir, "HEAD", GIT_FILE_CAP) else {
        return (None, None);
    };
    match parse_head(&text) {
        Head::Detached(commit) => (commit, None),
        Head::Branch(reference) => {
            let branch = reference.strip_prefix("refs/heads/").map(str::to_owned);
            (resolve(git_dir, reference), branch)
        }
        Head::Unknown => (None, None),
    }
}

/// What `HEAD` says.
#[derive(Debug, PartialEq, Eq)]
pub enum Head<'a> {
    /// A commit, when it is one.
    Detached(Option<String>),
    /// A ref git could have written (see [`is_safe_ref`]).
    Branch(&'a str),
    /// A ref no git writes (`..`, an absolute path, a control character).
    Unknown,
}

/// Reads the text of `HEAD`.
pub fn parse_head(text: &str) -> Head<'_> {
    let text = text.trim();
    match text.strip_prefix("ref:").map(str::trim) {
        None => Head::Detached(commit_id(text)),
        Some(reference) if is_safe_ref(reference) => Head::Branch(reference),
        Some(_) => Head::Unknown,
    }
}

/// The commit of `reference` in the text of a `packed-refs` file.
pub fn packed_ref(packed: &str, reference: &str) -> Option<String> {
    packed.lines().find_map(|line| {
        let (commit, name) = line.split_once(' ')?;
        (name == reference).then(|| commit_id(commit)).flatten()
    })
}

/// `text` when it is a commit id: 40 (SHA-1) or 64 (SHA-256) hex digits.
pub fn commit_id(text: &str) -> Option<String> {
    let text = text.trim();
    (matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| text.to_ascii_lowercase())
}

/// Whether `reference` is a ref name git could have written: under
/// `refs/`, relative, no `..`, no empty component, no control character,
/// space or character git refuses in ref names.
pub fn is_safe_ref(reference: &str) -> bool {
    reference.starts_with("refs/")
        && reference.len() <= 1024
        && !reference.contains("..")
        && !reference.contains("@{")
        && reference
            .split('/')
            .all(|part| !part.is_empty() && !part.starts_with('.'))
        && !reference
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "\\~^:?*[".contains(c))
}

fn resolve(git_dir: &Path, reference: &str) -> Option<String> {
    // In a worktree, branch refs live in the common folder (`commondir`
    // holds a path relative to the worktree's git folder, as git writes it).
    let common = untrusted::read_beneath_text(git_dir, "commondir", GIT_FILE_CAP)
        .ok()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty() && !c.contains(char::is_control))
        .map(|c| git_dir.join(c))
        .unwrap_or_else(|| git_dir.to_path_buf());
    for dir in [git_dir, common.as_path()] {
        if let Ok(commit) = untrusted::read_beneath_text(dir, reference, GIT_FILE_CAP) {
            return commit_id(&commit);
        }
        if let Ok(packed) = untrusted::read_beneath_text(dir, "packed-refs", PACKED_REFS_CAP)
            && let Some(commit) = packed_ref(&packed, reference)
        {
            return Some(commit);
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
        let repo = repo_with(
            "ref: refs/heads/main\n",
            &[(
                "refs/heads/main",
                "a3c1e5f7b9d2a4c6e8f0b1d3a5c7e9f2b4d6a8c0\n",
            )],
        );
        let target = Target::inspect(&repo.path().join("apps/api"));
        assert_eq!(target.branch.as_deref(), Some("main"));
        assert_eq!(
            target.commit.as_deref(),
            Some("a3c1e5f7b9d2a4c6e8f0b1d3a5c7e9f2b4d6a8c0")
        );
    }

    #[test]
    fn packed_refs_and_detached_heads_are_read() {
        let packed = repo_with(
            "ref: refs/heads/release\n",
            &[(
                "packed-refs",
                "# pack-refs with: peeled\ndef4561234567890abcdef1234567890abcdef12 refs/heads/release\n",
            )],
        );
        let target = Target::inspect(packed.path());
        assert_eq!(
            (target.branch.as_deref(), target.commit.as_deref()),
            (
                Some("release"),
                Some("def4561234567890abcdef1234567890abcdef12")
            )
        );
        let detached = repo_with(
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
            &[],
        );
        let target = Target::inspect(detached.path());
        assert_eq!(
            (target.branch, target.commit.as_deref()),
            (
                None,
                Some("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
            )
        );
    }

    #[test]
    fn outside_git_there_is_no_branch_or_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = Target::inspect(dir.path());
        assert_eq!((target.branch, target.commit), (None, None));
    }

    #[test]
    fn a_hostile_git_folder_gives_an_unknown_commit_never_a_file_of_the_host() {
        let environ = repo_with("ref: /proc/self/environ\n", &[]);
        let escape = repo_with("ref: refs/heads/../../../../../../etc/passwd\n", &[]);
        let not_hex = repo_with(
            "ref: refs/heads/main\n",
            &[("refs/heads/main", "root:x:0:0:root:/root\n")],
        );
        let multibyte = repo_with("0123456789aé0123456789abcdef0123456789ab\n", &[]);
        for repo in [&environ, &escape, &not_hex, &multibyte] {
            let target = Target::inspect(repo.path());
            assert_eq!(target.commit, None, "{:?}", target);
        }
        assert_eq!(Target::inspect(environ.path()).branch, None);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_in_the_git_folder_neither_hangs_nor_grows_the_host() {
        let fifo = repo_with("", &[]);
        let head = fifo.path().join(".git/HEAD");
        std::fs::remove_file(&head).expect("rm");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &head,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .expect("mkfifo");
        assert_eq!(Target::inspect(fifo.path()).commit, None);
        let zero = repo_with("ref: refs/heads/main\n", &[]);
        std::os::unix::fs::symlink("/dev/zero", zero.path().join(".git/refs/heads/main"))
            .expect("link");
        assert_eq!(Target::inspect(zero.path()).commit, None);
        let git_file = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::symlink("/dev/zero", git_file.path().join(".git")).expect("link");
        assert_eq!(Target::inspect(git_file.path()).commit, None);
    }
}
