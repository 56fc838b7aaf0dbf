//! What version control knows about the project, computed once per run and
//! shared by every check through the WIT `workspace` interface.
//!
//! Checks cannot run git, so the host asks it: `git ls-files` gives tracked
//! files and untracked ones that are not ignored; `git check-ignore` answers
//! whether a path is ignored. Git runs with the repository's command-running
//! settings neutralised (`core.fsmonitor`), since the project is untrusted.
//! Without git, the folder is walked instead.

pub mod history;
mod ignored;
mod names;
mod open;

use open::ProjectDir;
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Most files listed; a larger tree is cut.
pub const MAX_FILES: usize = 500_000;
/// Largest file `read` returns.
pub const MAX_READ_BYTES: u64 = 2 << 20;

/// How the project is versioned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vcs {
    /// A git work tree.
    Git,
    /// Not a repository.
    None,
    /// A repository git could not read.
    Unknown,
}

/// One file of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Relative path with `/` separators.
    pub path: String,
    /// Whether git tracks it.
    pub tracked: bool,
}

/// The project's files and their version-control status.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
    /// How the project is versioned.
    pub vcs: Vcs,
    /// The files, sorted by path.
    pub files: Vec<FileEntry>,
    /// Why git could not be used, when `vcs` is `Unknown`.
    pub problem: Option<String>,
}

impl Workspace {
    /// Lists the project's files, asking git when the project is in a work tree.
    pub fn scan(root: &Path) -> Workspace {
        let mut workspace = Workspace {
            root: root.to_path_buf(),
            vcs: Vcs::None,
            files: Vec::new(),
            problem: None,
        };
        if in_git_work_tree(root) {
            match git_files(root) {
                Ok(files) => {
                    workspace.vcs = Vcs::Git;
                    workspace.files = files;
                    return workspace;
                }
                Err(problem) => {
                    workspace.vcs = Vcs::Unknown;
                    workspace.problem = Some(problem);
                }
            }
        }
        workspace.files = walk(root);
        workspace
    }

    /// For each path, whether a gitignore rule matches it (tracked or not).
    pub fn ignored(&self, paths: &[String]) -> Vec<bool> {
        if self.vcs != Vcs::Git {
            return vec![false; paths.len()];
        }
        ignored::ask_git(&self.root, paths)
    }
}

/// The workspace of one run, scanned once and shared by every check: on
/// first use, or ahead of it with [`SharedWorkspace::scan_in_background`].
#[derive(Debug)]
pub struct SharedWorkspace {
    root: PathBuf,
    scanned: std::sync::OnceLock<Scanned>,
    /// The sha256 of the listing, computed on first use.
    listing_digest: std::sync::OnceLock<Digest>,
    /// The listing packed (see [`SharedWorkspace::packed`]), on first use.
    packed: std::sync::OnceLock<Packed>,
    /// `ignored` answers asked of git ahead of need (see
    /// [`SharedWorkspace::ask_ignored_ahead`]), once `asking_ahead` is set.
    ignored_ahead: std::sync::OnceLock<HashMap<String, bool>>,
    asking_ahead: std::sync::atomic::AtomicBool,
    /// Where read histories are kept between runs (see [`history`]).
    history_cache: std::sync::OnceLock<PathBuf>,
    /// What identifies the history now ([`history::key`]), on first use.
    history_key: std::sync::OnceLock<Result<String, String>>,
    /// The history, read on first use.
    history: std::sync::OnceLock<Result<std::sync::Arc<history::History>, String>>,
}

/// A sha256.
pub type Digest = [u8; 32];

/// The listing packed for one copy into a check's memory: every path
/// followed by a NUL byte, and whether git tracks each.
#[derive(Debug, Default)]
pub struct Packed {
    /// The paths, each followed by a NUL byte.
    pub paths: Vec<u8>,
    /// Whether git tracks each path.
    pub tracked: Vec<bool>,
}

impl Packed {
    fn of(files: &[FileEntry]) -> Packed {
        let mut packed = Packed {
            paths: Vec::with_capacity(files.iter().map(|f| f.path.len() + 1).sum()),
            tracked: Vec::with_capacity(files.len()),
        };
        for file in files {
            packed.paths.extend_from_slice(file.path.as_bytes());
            packed.paths.push(0);
            packed.tracked.push(file.tracked);
        }
        packed
    }
}

/// The scan, with each listed file's contents read at most once.
#[derive(Debug)]
struct Scanned {
    workspace: Workspace,
    /// The project folder, opened once: files are opened beneath it
    /// (`None` when it cannot be opened; nothing is read then).
    dir: Option<ProjectDir>,
    /// Index in `workspace.files` by path.
    index: std::collections::HashMap<String, usize, rustc_hash::FxBuildHasher>,
    /// Contents by index: read by the first check that asks (another check
    /// asking meanwhile waits for that read rather than repeating it).
    contents: Vec<std::sync::OnceLock<Option<Vec<u8>>>>,
    /// The sha256 of each file's contents as `read` gives them, by index,
    /// computed at most once.
    digests: Vec<std::sync::OnceLock<Option<Digest>>>,
    /// Whether a thread has begun hashing each file (see
    /// [`SharedWorkspace::read_digest_unless_busy`]).
    hashing: Vec<std::sync::atomic::AtomicBool>,
}

impl SharedWorkspace {
    /// The workspace of the project at `root`, not yet scanned.
    pub fn new(root: &Path) -> Self {
        SharedWorkspace {
            root: root.to_path_buf(),
            scanned: std::sync::OnceLock::new(),
            listing_digest: std::sync::OnceLock::new(),
            packed: std::sync::OnceLock::new(),
            ignored_ahead: std::sync::OnceLock::new(),
            asking_ahead: std::sync::atomic::AtomicBool::new(false),
            history_cache: std::sync::OnceLock::new(),
            history_key: std::sync::OnceLock::new(),
            history: std::sync::OnceLock::new(),
        }
    }

    /// The sha256 of what [`SharedWorkspace::read`] gives for `path`
    /// (`None` when it gives nothing), hashed at most once per run.
    pub fn read_digest(&self, path: &str) -> Option<Digest> {
        let scanned = self.scanned();
        let &index = scanned.index.get(path)?;
        *scanned.digests[index]
            .get_or_init(|| self.read(path).map(|bytes| Sha256::digest(bytes).into()))
    }

    /// [`SharedWorkspace::read_digest`], or `None` when another thread has
    /// begun hashing that file: a caller with other files to hash can come
    /// back to it later instead of waiting for it.
    pub fn read_digest_unless_busy(&self, path: &str) -> Option<Option<Digest>> {
        let scanned = self.scanned();
        let Some(&index) = scanned.index.get(path) else {
            return Some(None);
        };
        if let Some(digest) = scanned.digests[index].get() {
            return Some(*digest);
        }
        if scanned.hashing[index].swap(true, std::sync::atomic::Ordering::AcqRel) {
            return None;
        }
        Some(self.read_digest(path))
    }

    /// The sha256 of the listing: every path with its tracked status, in
    /// order, and how the project is versioned.
    pub fn listing_digest(&self) -> Digest {
        *self.listing_digest.get_or_init(|| {
            let workspace = self.get();
            let mut hasher = Sha256::new();
            hasher.update([workspace.vcs as u8]);
            for file in &workspace.files {
                hasher.update(file.path.as_bytes());
                hasher.update([0, u8::from(file.tracked)]);
            }
            hasher.finalize().into()
        })
    }

    /// The listed files under `folder`: those whose path starts with
    /// `folder/`, a run of the sorted listing; none for an empty or unsafe
    /// folder.
    pub fn files_in(&self, folder: &str) -> &[FileEntry] {
        let files = &self.get().files;
        if !is_safe_relative(folder) {
            return &[];
        }
        let prefix = format!("{folder}/");
        let start = files.partition_point(|f| f.path.as_str() < prefix.as_str());
        let length = files[start..].partition_point(|f| f.path.starts_with(&prefix));
        &files[start..start + length]
    }

    /// The sha256 of what [`SharedWorkspace::files_in`] lists for
    /// `folder`, and how the project is versioned.
    pub fn folder_digest(&self, folder: &str) -> Digest {
        let mut hasher = Sha256::new();
        hasher.update([self.get().vcs as u8]);
        for file in self.files_in(folder) {
            hasher.update(file.path.as_bytes());
            hasher.update([0, u8::from(file.tracked)]);
        }
        hasher.finalize().into()
    }

    /// The listed files under `folder`, packed.
    pub fn packed_in(&self, folder: &str) -> Packed {
        Packed::of(self.files_in(folder))
    }

    /// The listing, packed (built once per run).
    pub fn packed(&self) -> &Packed {
        self.packed.get_or_init(|| Packed::of(&self.get().files))
    }

    /// The bytes of a listed regular file up to [`MAX_READ_BYTES`], read
    /// once and shared: `None` for anything else (unlisted, a symbolic link
    /// or a path through one, a folder, too large).
    pub fn read(&self, path: &str) -> Option<&[u8]> {
        let scanned = self.scanned();
        let &index = scanned.index.get(path)?;
        if !is_safe_relative(path) {
            return None;
        }
        let dir = scanned.dir.as_ref()?;
        // Kept as read: the bytes are shared by reference, not copied into
        // another allocation.
        scanned.contents[index]
            .get_or_init(|| dir.read(&names::raw(path)?, MAX_READ_BYTES))
            .as_deref()
    }

    /// For each path, whether something is on disk there, listed or not (a
    /// file, a folder, a symbolic link, anything); a path ending in `/`
    /// asks for a folder. A path through a link, out of the project or
    /// absolute is not present: nothing outside the folder is looked at.
    pub fn present(&self, paths: &[String]) -> Vec<bool> {
        let scanned = self.scanned();
        paths
            .iter()
            .map(|path| {
                let (path, folder) = match path.strip_suffix('/') {
                    Some(folder) => (folder, true),
                    None => (path.as_str(), false),
                };
                is_safe_relative(path)
                    && scanned
                        .dir
                        .as_ref()
                        .and_then(|dir| dir.kind(&names::raw(path)?))
                        .is_some_and(|kind| !folder || kind == rustix::fs::FileType::Directory)
            })
            .collect()
    }

    /// Starts the scan on its own thread: git lists the files while the
    /// caller does other work (loads the pack, prepares the checks); a check
    /// asking before it is done waits for it, as it would for its own scan.
    pub fn scan_in_background(self: &std::sync::Arc<Self>) {
        let shared = std::sync::Arc::clone(self);
        std::thread::spawn(move || {
            shared.scanned();
        });
    }

    /// The scan, done on the first call.
    pub fn get(&self) -> &Workspace {
        &self.scanned().workspace
    }

    fn scanned(&self) -> &Scanned {
        self.scanned.get_or_init(|| {
            let workspace = Workspace::scan(&self.root);
            let index = workspace
                .files
                .iter()
                .enumerate()
                .map(|(i, file)| (file.path.clone(), i))
                .collect();
            let contents = workspace
                .files
                .iter()
                .map(|_| std::sync::OnceLock::new())
                .collect();
            let digests = workspace
                .files
                .iter()
                .map(|_| std::sync::OnceLock::new())
                .collect();
            let hashing = workspace
                .files
                .iter()
                .map(|_| std::sync::atomic::AtomicBool::new(false))
                .collect();
            Scanned {
                workspace,
                dir: ProjectDir::open(&self.root),
                index,
                contents,
                digests,
                hashing,
            }
        })
    }
}

/// A relative path without `..`, empty or absolute parts.
fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\0')
        && path.split('/').all(|part| !part.is_empty() && part != "..")
}

fn in_git_work_tree(root: &Path) -> bool {
    root.ancestors().any(|dir| dir.join(".git").exists())
}

/// `git ls-files`: tracked files present on disk and untracked, unignored
/// ones. The tracked files deleted from the work tree are asked of a
/// second `git ls-files --deleted` at the same time: finding them takes an
/// `lstat` of every tracked file, which is most of the time on a large
/// tree (20,000 files: 26 ms of git's 39), and the two run side by side.
/// (`git diff-files` would use more threads, but may run the repository's
/// filter commands on files it has to compare.)
fn git_files(root: &Path) -> Result<Vec<FileEntry>, String> {
    let (output, deleted) = std::thread::scope(|scope| {
        let deleted = scope.spawn(|| run_git(root, &["ls-files", "-z", "--deleted"], None));
        let output = run_git(
            root,
            &[
                "ls-files",
                "-z",
                "-t",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            None,
        );
        let deleted = deleted
            .join()
            .unwrap_or_else(|_| Err("git ls-files: the thread running it panicked".into()));
        (output, deleted)
    });
    let (output, deleted) = (output?, deleted?);
    let deleted: std::collections::HashSet<&[u8]> = deleted
        .split(|b| *b == 0)
        .filter(|path| !path.is_empty())
        .collect();
    let mut files: Vec<FileEntry> = Vec::new();
    for record in output.split(|b| *b == 0).filter(|r| r.len() > 2) {
        let (tag, path) = record.split_at(2);
        if deleted.contains(path) {
            continue;
        }
        files.push(FileEntry {
            path: names::listed(path).into_owned(),
            tracked: tag[0] != b'?',
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    files.truncate(MAX_FILES);
    Ok(files)
}

/// Git in `root` with the settings that would run commands turned off,
/// and `args`; its output piped.
fn git_command(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.untrackedCache=false",
            "-c",
            "safe.directory=*",
            "--no-pager",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs git in `root` with settings that would run commands turned off.
pub(crate) fn run_git(root: &Path, args: &[&str], stdin: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let mut command = git_command(root, args);
    command.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    // check-ignore exits 1 when nothing matches.
    if output.status.success() || (args[0] == "check-ignore" && output.status.code() == Some(1)) {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(format!(
            "git {} failed: {}",
            args[0],
            stderr.lines().next().unwrap_or("no message")
        ))
    }
}

/// Every file under `root` except `.git` and `node_modules`, without
/// following symbolic links (a link is listed as a file); names that are
/// not UTF-8 listed as [`names::listed`] writes them. The `ignore` crate
/// walks, with its filters off: outside git nothing is ignored, hidden
/// files (`.env`) included.
fn walk(root: &Path) -> Vec<FileEntry> {
    use std::os::unix::ffi::OsStrExt;
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(|entry| {
            let folder = entry.file_type().is_some_and(|kind| kind.is_dir());
            !(folder
                && entry.depth() > 0
                && matches!(entry.file_name().as_bytes(), b".git" | b"node_modules"))
        })
        .build();
    let mut files = Vec::new();
    for entry in walker.flatten() {
        if entry.file_type().is_none_or(|kind| kind.is_dir()) {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(root) else {
            continue;
        };
        let listed: Vec<String> = relative
            .components()
            .map(|part| names::listed(part.as_os_str().as_bytes()).into_owned())
            .collect();
        files.push(FileEntry {
            path: listed.join("/"),
            tracked: false,
        });
        if files.len() >= MAX_FILES {
            break;
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
            .args(args)
            .stdout(Stdio::null())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    fn write(dir: &Path, path: &str) {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, "x").expect("write");
    }

    #[test]
    fn git_tells_tracked_untracked_and_ignored_files_apart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        write(root, ".gitignore");
        std::fs::write(root.join(".gitignore"), "node_modules/\n.env\n").expect("gitignore");
        write(root, "src/app.ts");
        write(root, ".env");
        write(root, ".env.production.bak");
        write(root, "node_modules/x/index.js");
        write(root, "notes.txt");
        write(root, "src/removed.ts");
        git(
            root,
            &[
                "add",
                ".gitignore",
                "src/app.ts",
                ".env.production.bak",
                "src/removed.ts",
            ],
        );
        git(root, &["add", "-f", ".env"]);
        git(root, &["commit", "-qm", "init"]);
        // Tracked but deleted from the work tree: not a file of the project.
        std::fs::remove_file(root.join("src/removed.ts")).expect("remove");
        let workspace = Workspace::scan(root);
        assert_eq!(workspace.vcs, Vcs::Git);
        let listed: Vec<(&str, bool)> = workspace
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.tracked))
            .collect();
        assert_eq!(
            listed,
            [
                (".env", true),
                (".env.production.bak", true),
                (".gitignore", true),
                ("notes.txt", false),
                ("src/app.ts", true),
            ]
        );
        let ignored = workspace.ignored(&[
            ".env".into(),
            "src/app.ts".into(),
            "node_modules/x/index.js".into(),
            "../outside".into(),
            // `node_modules/` matches a folder only: absent, it is asked about as one.
            "lib/node_modules".into(),
            "lib/node_modules/".into(),
            "x//".into(),
        ]);
        assert_eq!(ignored, [true, false, true, false, false, true, false]);
    }

    #[test]
    fn a_folder_lists_the_files_under_it_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for path in [
            "apps/svc1/a.ts",
            "apps/svc1/src/b.ts",
            "apps/svc1.md",
            "apps/svc10/c.ts",
            "apps/svc1-old/d.ts",
            "top.txt",
        ] {
            write(root, path);
        }
        let shared = SharedWorkspace::new(root);
        let listed = |folder: &str| -> Vec<String> {
            shared
                .files_in(folder)
                .iter()
                .map(|f| f.path.clone())
                .collect()
        };
        assert_eq!(
            listed("apps/svc1"),
            ["apps/svc1/a.ts", "apps/svc1/src/b.ts"]
        );
        assert_eq!(listed("apps").len(), 5);
        for nothing in ["", "/apps", "apps/../apps", "apps/", "missing"] {
            assert!(listed(nothing).is_empty(), "{nothing:?}");
        }
        let packed = shared.packed_in("apps/svc1");
        assert_eq!(packed.paths, b"apps/svc1/a.ts\0apps/svc1/src/b.ts\0");
        assert_eq!(packed.tracked, [false, false]);
        let before = shared.folder_digest("apps/svc1");
        write(root, "apps/svc10/e.ts");
        assert_eq!(
            SharedWorkspace::new(root).folder_digest("apps/svc1"),
            before
        );
        write(root, "apps/svc1/f.ts");
        assert_ne!(
            SharedWorkspace::new(root).folder_digest("apps/svc1"),
            before
        );
    }

    #[test]
    fn a_subfolder_of_a_repository_lists_paths_from_the_subfolder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        write(root, "apps/api/package.json");
        write(root, "apps/api/gone.ts");
        write(root, "README.md");
        git(root, &["add", "."]);
        std::fs::remove_file(root.join("apps/api/gone.ts")).expect("remove");
        write(root, "apps/api/src/new.ts");
        write(root, "apps/web/untracked.ts");
        let workspace = Workspace::scan(&root.join("apps/api"));
        assert_eq!(workspace.vcs, Vcs::Git);
        // Tracked, untracked and deleted files alike, from the subfolder.
        assert_eq!(
            workspace.files,
            [
                FileEntry {
                    path: "package.json".into(),
                    tracked: true
                },
                FileEntry {
                    path: "src/new.ts".into(),
                    tracked: false
                }
            ]
        );
    }

    #[test]
    fn a_repository_cannot_make_git_run_a_command() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        let marker = root.join("pwned");
        git(
            root,
            &[
                "config",
                "core.fsmonitor",
                &format!("touch {}", marker.display()),
            ],
        );
        write(root, "a.txt");
        git(root, &["-c", "core.fsmonitor=false", "add", "a.txt"]);
        let workspace = Workspace::scan(root);
        assert_eq!(workspace.vcs, Vcs::Git);
        workspace.ignored(&["a.txt".into()]);
        assert!(!marker.exists(), "git ran the repository's fsmonitor");
    }

    #[test]
    fn reads_are_confined_to_listed_regular_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("project");
        std::fs::create_dir(&root).expect("mkdir");
        std::fs::write(dir.path().join("outside.txt"), "secret").expect("write");
        write(&root, "inside.txt");
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), root.join("link.txt"))
            .expect("symlink");
        let shared = std::sync::Arc::new(SharedWorkspace::new(&root));
        shared.scan_in_background();
        assert_eq!(shared.read("inside.txt"), Some(&b"x"[..]));
        assert_eq!(
            shared.read("link.txt"),
            None,
            "a symbolic link is listed, never followed"
        );
        assert_eq!(shared.read("../outside.txt"), None);
        assert_eq!(shared.read("/etc/passwd"), None);
        assert_eq!(shared.read("missing.txt"), None);
    }

    #[test]
    fn digests_are_of_what_read_gives_and_a_file_being_hashed_is_left_for_later() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "a.txt");
        write(dir.path(), "b.txt");
        let shared = SharedWorkspace::new(dir.path());
        let x: Digest = Sha256::digest(b"x").into();
        assert_eq!(shared.read_digest("a.txt"), Some(x));
        assert_eq!(shared.read_digest("missing.txt"), None);
        assert_eq!(shared.read_digest_unless_busy("a.txt"), Some(Some(x)));
        assert_eq!(shared.read_digest_unless_busy("missing.txt"), Some(None));
        // Another thread has begun on `b.txt`.
        let b = shared.scanned().index["b.txt"];
        shared.scanned().hashing[b].store(true, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(shared.read_digest_unless_busy("b.txt"), None);
        assert_eq!(shared.read_digest("b.txt"), Some(x), "waits for it instead");
        assert_eq!(shared.read_digest_unless_busy("b.txt"), Some(Some(x)));
        // The listing's digest changes with a file added.
        let before = shared.listing_digest();
        write(dir.path(), "c.txt");
        assert_ne!(SharedWorkspace::new(dir.path()).listing_digest(), before);
    }

    #[test]
    fn without_git_the_folder_is_walked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "b/c.ts");
        write(root, "a.json");
        write(root, "node_modules/x.js");
        write(root, "apps/api/node_modules/y.js");
        write(root, "vendor/.git/HEAD");
        // Outside git nothing is ignored: a .gitignore'd env file is listed.
        write(root, ".gitignore");
        std::fs::write(root.join(".gitignore"), ".env\n").expect("gitignore");
        write(root, ".env");
        std::os::unix::fs::symlink(root.join("b"), root.join("link")).expect("symlink");
        let workspace = Workspace::scan(root);
        assert_eq!(workspace.vcs, Vcs::None);
        let paths: Vec<&str> = workspace.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, [".env", ".gitignore", "a.json", "b/c.ts", "link"]);
        assert_eq!(workspace.ignored(&["a.json".into()]), [false]);
    }
}
