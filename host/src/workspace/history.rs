//! What the project's git history added: the lines each commit added, for
//! checks that look for what was committed and later removed (a secret
//! deleted from the tree is still in every clone). The host runs `git log
//! -p` for the checks granted `git_history`, at most once per run, bounded
//! ([`MAX_COMMITS`], [`MAX_ADDED_BYTES`]) and with the repository's
//! command-running settings off (no external diff, no textconv, no
//! signature check), and keeps the answer in the cache folder under the
//! refs it was read from: a later run with the same refs does not read
//! the history again.

use sha2::{Digest as _, Sha256};
use std::io::{BufRead, Read, Write};
use std::path::Path;

/// Most commits read, newest first; older ones are left unread.
pub const MAX_COMMITS: u32 = 1_000;
/// Most bytes of added lines kept; the history is cut there.
pub const MAX_ADDED_BYTES: usize = 32 << 20;
/// Longest added line kept whole; a longer one (a minified file) is cut.
pub const MAX_LINE_BYTES: usize = 8 << 10;
/// Changes when what [`read`] gives changes, so stored answers are not reused.
const FORMAT: &str = "gonogo history 1";
/// The stderr kept of git, for its error message.
const MAX_STDERR_BYTES: u64 = 16 << 10;

/// Files whose history is not read: lockfiles and generated bundles hold
/// hashes and URLs rather than secrets, and are most of a history's bytes.
const NOT_READ: &[&str] = &[
    ":(exclude,glob)**/package-lock.json",
    ":(exclude,glob)**/npm-shrinkwrap.json",
    ":(exclude,glob)**/yarn.lock",
    ":(exclude,glob)**/pnpm-lock.yaml",
    ":(exclude,glob)**/bun.lock",
    ":(exclude,glob)**/bun.lockb",
    ":(exclude,glob)**/*.min.js",
    ":(exclude,glob)**/*.map",
];

/// The lines a project's history added.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct History {
    /// Commits read, newest first.
    pub commits: u32,
    /// Whether older commits were left unread (past [`MAX_COMMITS`] or
    /// [`MAX_ADDED_BYTES`]).
    pub truncated: bool,
    /// Whether the clone is shallow: the commits before its boundary are
    /// not in it (its oldest commit reads as adding every file).
    pub shallow: bool,
    /// The added lines, packed: `commit <sha>` for each commit that added
    /// a line, then for each file `file <path>` (relative to the project),
    /// then each added line as `<line number> <text>`; every record ends
    /// with `\n`. Removed lines are not kept.
    pub added: Vec<u8>,
}

/// What identifies the history [`read`] would give now: the project's
/// path, whether the clone is shallow, and the commit of every ref and of
/// `HEAD` (one quick `git rev-parse`).
pub fn key(root: &Path) -> Result<String, String> {
    let refs = super::run_git(
        root,
        &["rev-parse", "--is-shallow-repository", "--all", "HEAD"],
        None,
    )
    // A repository without a commit has no `HEAD` to name.
    .or_else(|_| {
        super::run_git(
            root,
            &["rev-parse", "--is-shallow-repository", "--all"],
            None,
        )
    })?;
    let mut hash = Sha256::new();
    for part in [
        FORMAT.as_bytes(),
        root.as_os_str().as_encoded_bytes(),
        &refs,
    ] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    Ok(hex::encode(hash.finalize()))
}

/// The history of the project at `root`, from the cache folder `cache`
/// when it holds the answer for `key`, else read and stored there.
pub fn read_cached(root: &Path, key: &str, cache: Option<&Path>) -> Result<History, String> {
    let entry = cache.map(|dir| {
        let name = hex::encode(Sha256::digest(root.as_os_str().as_encoded_bytes()));
        dir.join("history").join(name)
    });
    if let Some(history) = entry.as_deref().and_then(|entry| load(entry, key)) {
        return Ok(history);
    }
    let history = read(root)?;
    if let Some(entry) = &entry {
        let mut stored = format!(
            "{key} {} {} {}\n",
            history.commits,
            u8::from(history.truncated),
            u8::from(history.shallow)
        )
        .into_bytes();
        stored.extend_from_slice(&history.added);
        crate::cachedir::store_private(entry, &stored);
    }
    Ok(history)
}

/// A stored history, when it was stored for `key`.
fn load(entry: &Path, key: &str) -> Option<History> {
    // The added lines, a line past the cap, and the header.
    let cap = (MAX_ADDED_BYTES + MAX_LINE_BYTES + 4096) as u64;
    let bytes = crate::untrusted::read_named(entry, cap).ok()?;
    let end = bytes.iter().position(|b| *b == b'\n')?;
    let header = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut fields = header.split(' ');
    if fields.next()? != key {
        return None;
    }
    let commits = fields.next()?.parse().ok()?;
    let truncated = fields.next()? == "1";
    let shallow = fields.next()? == "1";
    Some(History {
        commits,
        truncated,
        shallow,
        added: bytes[end + 1..].to_vec(),
    })
}

impl super::SharedWorkspace {
    /// Keeps read histories in `dir` (the cache folder) between runs.
    pub fn keep_history_in(&self, dir: &Path) {
        let _ = self.history_cache.set(dir.to_path_buf());
    }

    /// What identifies the project's history now ([`key`]), asked of git
    /// once per run; `Err` outside a git work tree.
    pub fn history_key(&self) -> Result<&str, &str> {
        self.history_key
            .get_or_init(|| {
                if !super::in_git_work_tree(&self.root) {
                    return Err("the project is not in a git work tree".to_owned());
                }
                key(&self.root)
            })
            .as_deref()
            .map_err(String::as_str)
    }

    /// The project's history, read once per run (or taken from the cache
    /// folder when the refs are the same as when it was kept).
    pub fn history(&self) -> Result<std::sync::Arc<History>, String> {
        self.history
            .get_or_init(|| {
                let key = self.history_key().map_err(str::to_owned)?;
                read_cached(
                    &self.root,
                    key,
                    self.history_cache.get().map(|p| p.as_path()),
                )
                .map(std::sync::Arc::new)
            })
            .clone()
    }
}

/// Reads the history of the project at `root` with `git log -p`.
pub fn read(root: &Path) -> Result<History, String> {
    let shallow = super::run_git(root, &["rev-parse", "--is-shallow-repository"], None)?;
    let max_count = format!("--max-count={}", MAX_COMMITS + 1);
    let mut args = vec![
        // Settings of the repository that would change the output's shape
        // or run a program are set back.
        "-c",
        "log.showSignature=false",
        "-c",
        "log.showRoot=true",
        "-c",
        "core.quotePath=false",
        "log",
        "--all",
        "--patch",
        "--unified=0",
        "--inter-hunk-context=0",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "--relative",
        "--format=commit %H",
        &max_count,
        "--",
        ".",
    ];
    args.extend_from_slice(NOT_READ);
    let mut child = super::git_command(root, &args)
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let stderr = child.stderr.take().map(|pipe| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.take(MAX_STDERR_BYTES).read_to_end(&mut text);
            text
        })
    });
    let stdout = child.stdout.take().ok_or("git log: no output pipe")?;
    let mut parser = Parser::default();
    let complete = parser.parse(std::io::BufReader::new(stdout));
    if !complete {
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| format!("git log: {e}"))?;
    let stderr = stderr
        .and_then(|thread| thread.join().ok())
        .unwrap_or_default();
    if complete && !status.success() {
        let stderr = String::from_utf8_lossy(&stderr);
        return Err(format!(
            "git log failed: {}",
            stderr.lines().next().unwrap_or("no message")
        ));
    }
    Ok(History {
        commits: parser.commits,
        truncated: !complete,
        shallow: shallow.starts_with(b"true"),
        added: parser.added,
    })
}

/// Reads `git log -p -U0` output into [`History::added`].
#[derive(Default)]
struct Parser {
    commits: u32,
    added: Vec<u8>,
    /// The commit read, until a line of it is kept.
    commit: Option<Vec<u8>>,
    /// The file of the hunks read (`None` for a deletion), until a line
    /// of it is kept.
    file: Option<Vec<u8>>,
    file_kept: bool,
    /// The next added line's number, and the lines left in the hunk.
    line: u32,
    new_left: u32,
    old_left: u32,
}

impl Parser {
    /// Reads every line; false when a bound stopped it first.
    fn parse(&mut self, mut output: impl BufRead) -> bool {
        let mut line = Vec::new();
        loop {
            line.clear();
            match output.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => return true,
                Ok(_) => {}
            }
            while matches!(line.last(), Some(b'\n' | b'\r')) {
                line.pop();
            }
            if !self.line(&line) {
                return false;
            }
        }
    }

    /// Takes one line of output; false when a bound is reached.
    fn line(&mut self, line: &[u8]) -> bool {
        if self.new_left > 0 || self.old_left > 0 {
            match line.first() {
                Some(b'+') => {
                    self.new_left -= self.new_left.min(1);
                    self.keep(&line[1..]);
                    self.line += 1;
                    return self.added.len() <= MAX_ADDED_BYTES;
                }
                Some(b'-') => {
                    self.old_left -= self.old_left.min(1);
                    return true;
                }
                Some(b' ') => {
                    self.new_left -= self.new_left.min(1);
                    self.old_left -= self.old_left.min(1);
                    self.line += 1;
                    return true;
                }
                Some(b'\\') => return true,
                // Not what the hunk's header announced: read it as a header.
                _ => (self.new_left, self.old_left) = (0, 0),
            }
        }
        if let Some(sha) = line.strip_prefix(b"commit ") {
            self.commits += 1;
            if self.commits > MAX_COMMITS {
                self.commits = MAX_COMMITS;
                return false;
            }
            self.commit = Some(sha.to_vec());
            self.file = None;
        } else if let Some(path) = line.strip_prefix(b"+++ ") {
            self.file = new_path(path);
            self.file_kept = false;
        } else if let Some(header) = line.strip_prefix(b"@@ ") {
            let (old, new) = hunk_counts(header);
            (self.old_left, self.line, self.new_left) = (old, new.0, new.1);
        }
        true
    }

    /// Keeps an added line of the current file.
    fn keep(&mut self, text: &[u8]) {
        let Some(file) = &self.file else { return };
        if let Some(commit) = self.commit.take() {
            self.added.extend_from_slice(b"commit ");
            self.added.extend_from_slice(&commit);
            self.added.push(b'\n');
            self.file_kept = false;
        }
        if !self.file_kept {
            self.added.extend_from_slice(b"file ");
            self.added.extend_from_slice(file);
            self.added.push(b'\n');
            self.file_kept = true;
        }
        let _ = write!(self.added, "{} ", self.line);
        self.added
            .extend_from_slice(&text[..text.len().min(MAX_LINE_BYTES)]);
        self.added.push(b'\n');
    }
}

/// The path of a `+++ b/<path>` line, as the workspace lists names; `None`
/// for a deleted file (`/dev/null`).
fn new_path(raw: &[u8]) -> Option<Vec<u8>> {
    let unquoted;
    let path = match raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) {
        Some(quoted) => {
            unquoted = unquote(quoted);
            &unquoted[..]
        }
        None => raw,
    };
    let path = path.strip_prefix(b"b/")?;
    Some(super::names::listed(path).as_bytes().to_vec())
}

/// Git's C-style quoting undone (`\"`, `\\`, `\t`, `\n`, octal bytes).
fn unquote(quoted: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(quoted.len());
    let mut bytes = quoted.iter().copied();
    while let Some(byte) = bytes.next() {
        if byte != b'\\' {
            out.push(byte);
            continue;
        }
        match bytes.next() {
            Some(b't') => out.push(b'\t'),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(digit @ b'0'..=b'3') => {
                let mut value = u32::from(digit - b'0');
                for _ in 0..2 {
                    match bytes.next() {
                        Some(d @ b'0'..=b'7') => value = value * 8 + u32::from(d - b'0'),
                        _ => break,
                    }
                }
                out.push(value as u8);
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The old range's line count and the new range's first line and count,
/// from what follows `@@ ` in `@@ -a,b +c,d @@`; a count left out is 1.
fn hunk_counts(header: &[u8]) -> (u32, (u32, u32)) {
    let text = String::from_utf8_lossy(header);
    let mut ranges = text.split(' ');
    let range = |part: Option<&str>, sign: char| -> (u32, u32) {
        let Some(range) = part.and_then(|p| p.strip_prefix(sign)) else {
            return (0, 0);
        };
        let mut numbers = range.splitn(2, ',');
        let start = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        let count = numbers.next().map_or(Some(1), |n| n.parse().ok());
        (start, count.unwrap_or(0))
    };
    let old = range(ranges.next(), '-');
    let new = range(ranges.next(), '+');
    (old.1, new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    fn commit(dir: &Path, path: &str, text: &str, message: &str) {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, text).expect("write");
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", message]);
    }

    fn added(history: &History) -> String {
        String::from_utf8_lossy(&history.added).into_owned()
    }

    #[test]
    fn the_lines_each_commit_added_are_kept_with_their_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        commit(root, "config.js", "a\nb\nc\n", "first");
        commit(root, "config.js", "a\nSECRET=x\nc\n", "second");
        std::fs::remove_file(root.join("config.js")).expect("rm");
        commit(root, "package-lock.json", "{\"lock\": 1}\n", "third");
        let history = read(root).expect("history");
        assert_eq!(history.commits, 3);
        assert!(!history.truncated && !history.shallow);
        let text = added(&history);
        let lines: Vec<&str> = text.lines().collect();
        // Newest first; the deletion and the lockfile add nothing.
        assert_eq!(lines.len(), 8, "{text}");
        assert!(lines[0].starts_with("commit ") && lines[0].len() == 47);
        assert_eq!(&lines[1..3], ["file config.js", "2 SECRET=x"]);
        assert!(lines[3].starts_with("commit ") && lines[3] != lines[0]);
        assert_eq!(&lines[4..], ["file config.js", "1 a", "2 b", "3 c"]);
    }

    #[test]
    fn a_subfolder_reads_its_own_history_with_paths_from_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        commit(root, "other/x.txt", "outside\n", "one");
        commit(root, "svc/src/a.ts", "inside\n", "two");
        let history = read(&root.join("svc")).expect("history");
        assert_eq!(history.commits, 1);
        assert!(added(&history).contains("file src/a.ts\n1 inside\n"));
        assert!(!added(&history).contains("outside"));
    }

    #[test]
    fn a_repository_without_commits_has_an_empty_history() {
        let dir = tempfile::tempdir().expect("tempdir");
        git(dir.path(), &["init", "-q"]);
        assert!(key(dir.path()).is_ok());
        assert_eq!(read(dir.path()).expect("history"), History::default());
    }

    #[test]
    fn a_repository_cannot_make_git_log_run_a_command_or_reshape_its_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        let marker = root.join("pwned");
        let touch = format!("touch {}", marker.display());
        std::fs::write(root.join(".gitattributes"), "*.txt diff=evil\n").expect("write");
        for (name, value) in [
            ("diff.evil.textconv", touch.as_str()),
            ("diff.external", touch.as_str()),
            ("log.showSignature", "true"),
            ("gpg.program", touch.as_str()),
            ("diff.noprefix", "true"),
            ("diff.context", "5"),
            ("diff.renames", "copies"),
            ("log.showRoot", "false"),
            ("core.quotePath", "true"),
        ] {
            git(root, &["config", name, value]);
        }
        commit(root, "é.txt", "first\n", "one");
        let history = read(root).expect("history");
        assert!(!marker.exists(), "git ran a command the repository set");
        assert_eq!(
            added(&history),
            format!(
                "commit {}\nfile .gitattributes\n1 *.txt diff=evil\nfile é.txt\n1 first\n",
                head(root)
            )
        );
    }

    fn head(root: &Path) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["rev-parse", "HEAD"])
            .output()
            .expect("git");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    #[test]
    fn the_parser_keeps_to_the_hunk_counts_and_the_bounds() {
        let mut parser = Parser::default();
        let output = "commit abc\n\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-++ b/g\n-old\n+++ b/g\n+new\n\\ No newline at end of file\n";
        assert!(parser.parse(output.as_bytes()));
        assert_eq!(
            String::from_utf8_lossy(&parser.added),
            "commit abc\nfile f\n1 ++ b/g\n2 new\n"
        );
        let mut parser = Parser::default();
        let many: String = (0..=MAX_COMMITS).map(|i| format!("commit {i}\n")).collect();
        assert!(!parser.parse(many.as_bytes()));
        assert_eq!(parser.commits, MAX_COMMITS);
        let long = format!(
            "commit a\n+++ b/f\n@@ -0,0 +7 @@\n+{}\n",
            "x".repeat(MAX_LINE_BYTES * 2)
        );
        let mut parser = Parser::default();
        parser.parse(long.as_bytes());
        assert_eq!(
            parser.added.len(),
            "commit a\nfile f\n7 \n".len() + MAX_LINE_BYTES
        );
        assert_eq!(
            new_path(b"\"b/a\\tb\\303\\251\""),
            Some("a\tbé".as_bytes().to_vec())
        );
        assert_eq!(new_path(b"/dev/null"), None);
    }

    #[test]
    fn a_stored_history_is_reused_for_the_same_refs_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        commit(root, "a.txt", "one\n", "one");
        let first = key(root).expect("key");
        let history = read_cached(root, &first, Some(cache.path())).expect("history");
        assert_eq!(history.commits, 1);
        // What the history added may hold secrets: the owner alone reads it.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let stored = std::fs::read_dir(cache.path().join("history"))
                .expect("stored")
                .next()
                .expect("one entry")
                .expect("entry");
            let mode = stored.metadata().expect("metadata").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // What is stored is what is given back, without git.
        let stored = std::fs::read_dir(cache.path().join("history"))
            .expect("stored")
            .next()
            .expect("one entry")
            .expect("entry")
            .path();
        let mut bytes = std::fs::read(&stored).expect("read");
        let at = bytes.len() - 2;
        bytes[at] = b'X';
        std::fs::write(&stored, bytes).expect("write");
        let again = read_cached(root, &first, Some(cache.path())).expect("history");
        assert!(added(&again).ends_with("1 onX\n"));
        commit(root, "a.txt", "two\n", "two");
        let second = key(root).expect("key");
        assert_ne!(first, second);
        let history = read_cached(root, &second, Some(cache.path())).expect("history");
        assert_eq!(history.commits, 2);
        assert!(added(&history).contains("1 one\n"));
    }
}
