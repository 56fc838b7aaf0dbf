//! The project's files as version control knows them (the WIT `workspace`
//! interface), and bounded reading of project files.

use crate::bindings::gonogo::check::workspace as wit;
use std::sync::OnceLock;

pub use wit::VcsKind;

/// Largest file [`read_text`] reads; bigger files are generated or data.
pub const MAX_TEXT_BYTES: u64 = 2 << 20;

/// One file of the project, as [`files`] lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct File {
    /// Path relative to the project root, with `/` separators.
    pub path: &'static str,
    /// Whether git tracks it (false unless [`vcs`] is git).
    pub tracked: bool,
}

static FILES: OnceLock<Vec<File>> = OnceLock::new();
static VCS: OnceLock<VcsKind> = OnceLock::new();

/// How the project is versioned.
pub fn vcs() -> VcsKind {
    *VCS.get_or_init(wit::vcs)
}

/// The project's files, sorted by path (asked of the host once per run).
/// Under git: tracked files and untracked files that are not ignored.
pub fn files() -> &'static [File] {
    FILES.get_or_init(|| {
        // One copy of every path (`files-packed`), kept for the instance's
        // life, rather than one string per path.
        let packed = wit::files_packed();
        let paths: &'static str = Box::leak(
            String::from_utf8(packed.paths)
                .unwrap_or_default()
                .into_boxed_str(),
        );
        paths
            .split_terminator('\0')
            .zip(packed.tracked)
            .map(|(path, tracked)| File { path, tracked })
            .collect()
    })
}

/// The files under one folder, as [`files_in`] lists them, sorted by path.
#[derive(Debug, Clone, Default)]
pub struct FolderFiles {
    /// Every path, each followed by a NUL byte.
    paths: String,
    tracked: Vec<bool>,
}

impl FolderFiles {
    /// Each file, in order: its path (relative to the project root) and
    /// whether git tracks it.
    pub fn iter(&self) -> impl Iterator<Item = (&str, bool)> {
        self.paths
            .split_terminator('\0')
            .zip(self.tracked.iter().copied())
    }

    /// How many files it lists.
    pub fn len(&self) -> usize {
        self.tracked.len()
    }

    /// Whether it lists none.
    pub fn is_empty(&self) -> bool {
        self.tracked.is_empty()
    }
}

/// The files under `folder` (relative to the project root, no trailing
/// `/`): what [`files`] lists there. A check, or a part, that lists only
/// its folders this way is reused when files come and go elsewhere;
/// asking for [`files`] (or [`vcs`], [`tracked`], [`exists`]) makes the
/// whole listing one of its inputs. Each call asks the host again.
pub fn files_in(folder: &str) -> FolderFiles {
    let packed = wit::files_in(folder);
    FolderFiles {
        paths: String::from_utf8(packed.paths).unwrap_or_default(),
        tracked: packed.tracked,
    }
}

/// Whether git tracks `path`: `None` when the project is not under git or
/// git could not tell, so "not committed" is never claimed without knowing.
pub fn tracked(path: &str) -> Option<bool> {
    if vcs() != VcsKind::Git {
        return None;
    }
    Some(
        files()
            .binary_search_by(|f| f.path.cmp(path))
            .is_ok_and(|i| files()[i].tracked),
    )
}

/// Whether a gitignore rule matches each path (false without git).
pub fn ignored(paths: &[&str]) -> Vec<bool> {
    wit::ignored(&paths.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>())
}

/// Whether something is on disk at each path, listed or not (build
/// output, `.git`, `node_modules`); a path ending in `/` asks for a folder.
/// Prefer it to a look through WASI (`project_path(p).exists()`): the host
/// notes the answers, so the check's outcome stays reusable.
pub fn present(paths: &[&str]) -> Vec<bool> {
    wit::present(&paths.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>())
}

/// Whether `path` is in the file list (a hash lookup: import resolution
/// asks this for every candidate extension of every import).
pub fn exists(path: &str) -> bool {
    static PATHS: OnceLock<rustc_hash::FxHashSet<&'static str>> = OnceLock::new();
    PATHS
        .get_or_init(|| files().iter().map(|f| f.path).collect())
        .contains(path)
}

/// The bytes of a project file [`files`] lists, when it is a regular file
/// under [`MAX_TEXT_BYTES`]; `None` otherwise (a link, a folder, a larger
/// file, a path not listed).
pub fn read(path: &str) -> Option<Vec<u8>> {
    wit::read(path)
}

/// The text of a project file [`files`] lists, when it is a regular file
/// under [`MAX_TEXT_BYTES`], as [`read_text_or_why`] decodes it (bytes that
/// are not UTF-8 replaced). The host reads each file once per run and
/// shares it between checks.
pub fn read_text(path: &str) -> Option<String> {
    read_text_or_why(path).ok()
}

/// The text of a project file [`files`] lists, or why it cannot be read
/// (`cannot be read (over the 2 MiB read cap…)`), worded to follow the
/// file's name in a finding. Bytes that are not UTF-8 (a Latin-1 comment)
/// are replaced by U+FFFD rather than losing the whole file.
pub fn read_text_or_why(path: &str) -> Result<String, String> {
    let bytes = wit::read(path).ok_or_else(|| {
        format!(
            "cannot be read (over the {} MiB read cap, or not a regular file)",
            MAX_TEXT_BYTES >> 20
        )
    })?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(not_utf8) => String::from_utf8_lossy(not_utf8.as_bytes()).into_owned(),
    })
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> u32 {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u32
        + 1
}
