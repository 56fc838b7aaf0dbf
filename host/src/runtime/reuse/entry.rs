//! The file of one stored outcome, or of one stored part of a run
//! (`host.parts`): the length of a JSON header (u32, little-endian), the
//! header (the outcome or the part's value, the listing's sha256, that of
//! each folder listed alone, the `ignored` and `present` questions), then
//! the files read, packed: for each, a tag byte (1: the file was read, its
//! sha256 follows; 0: `read` gave nothing), the path's length (u32,
//! little-endian) and the path. Tens of thousands of reads parse without
//! an allocation each.

use crate::model::{CheckRun, LogLine};
use crate::workspace::{Digest, SharedWorkspace};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Bumped when what an entry records, or how it is checked, changes.
pub(super) const FORMAT: u32 = 4;

/// Everything of an entry but its reads; `R` is what was stored: a
/// check's outcome, or a [`PartRun`].
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Header<R = CheckRun> {
    pub format: u32,
    /// The outcome (redacted) or the part.
    pub run: R,
    /// The sha256 of the listing (hex), when the check asked for it.
    pub listing: Option<String>,
    /// Each folder it listed alone (`workspace.files-in`), with the sha256
    /// of what it listed (hex).
    pub folders: Vec<(String, String)>,
    /// Each `ignored` question with its answers.
    pub ignored: Vec<(Vec<String>, Vec<bool>)>,
    /// Each `present` question with its answers.
    pub present: Vec<(Vec<String>, Vec<bool>)>,
}

/// What one part of a run gave back, and what it logged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartRun {
    /// What its `part` returned.
    pub value: String,
    /// Its log lines, given again to the check that asks for it.
    pub logs: Vec<LogLine>,
}

/// The bytes of an entry.
pub(super) fn encode<R: Serialize>(
    header: &Header<R>,
    reads: &[(String, Option<Digest>)],
) -> Option<Vec<u8>> {
    let json = serde_json::to_vec(header).ok()?;
    let mut bytes = Vec::with_capacity(4 + json.len() + reads.len() * 80);
    bytes.extend_from_slice(&u32::try_from(json.len()).ok()?.to_le_bytes());
    bytes.extend_from_slice(&json);
    for (path, digest) in reads {
        match digest {
            Some(digest) => {
                bytes.push(1);
                bytes.extend_from_slice(digest);
            }
            None => bytes.push(0),
        }
        bytes.extend_from_slice(&u32::try_from(path.len()).ok()?.to_le_bytes());
        bytes.extend_from_slice(path.as_bytes());
    }
    Some(bytes)
}

/// What [`read_questions`] keeps of a header: the outcome is skipped
/// unparsed (for `node` on a large tree, half a megabyte of facts).
#[derive(Deserialize)]
struct Questions {
    format: u32,
    ignored: Vec<(Vec<String>, Vec<bool>)>,
}

/// The `ignored` questions of the entry in `file`, without reading its
/// reads or building its outcome; `None` when there is no entry or it is
/// damaged or of another format.
pub(super) fn read_questions(file: &Path) -> Option<Vec<(Vec<String>, Vec<bool>)>> {
    use std::io::Read;
    let mut file = std::fs::File::open(file).ok()?;
    let mut length = [0; 4];
    file.read_exact(&mut length).ok()?;
    let length = u32::from_le_bytes(length) as usize;
    // A length past the file's size is damage, not a reason to allocate it.
    if length as u64 > file.metadata().ok()?.len() {
        return None;
    }
    let mut json = vec![0; length];
    file.read_exact(&mut json).ok()?;
    let questions: Questions = serde_json::from_slice(&json).ok()?;
    (questions.format == FORMAT).then_some(questions.ignored)
}

/// A stored entry, read back.
pub(super) struct Stored<R = CheckRun> {
    pub header: Header<R>,
    bytes: Vec<u8>,
    reads_at: usize,
}

impl<R: serde::de::DeserializeOwned> Stored<R> {
    /// The entry in `bytes`; `None` when it is damaged or of another format.
    pub fn decode(bytes: Vec<u8>) -> Option<Stored<R>> {
        let length = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        let json = bytes.get(4..4 + length)?;
        let header: Header<R> = serde_json::from_slice(json).ok()?;
        (header.format == FORMAT).then_some(Stored {
            header,
            reads_at: 4 + length,
            bytes,
        })
    }

    /// The reads; `None` when the section is damaged.
    pub fn reads(&self) -> Option<Vec<(&str, Option<&Digest>)>> {
        let mut reads = Vec::new();
        let mut rest = &self.bytes[self.reads_at..];
        while let Some((&tag, after)) = rest.split_first() {
            let (digest, after) = match tag {
                1 => {
                    let (digest, after) = after.split_first_chunk::<32>()?;
                    (Some(digest), after)
                }
                0 => (None, after),
                _ => return None,
            };
            let (length, after) = after.split_first_chunk::<4>()?;
            let length = u32::from_le_bytes(*length) as usize;
            let path = std::str::from_utf8(after.get(..length)?).ok()?;
            reads.push((path, digest));
            rest = &after[length..];
        }
        Some(reads)
    }

    /// Whether the project gives the same answers now. Checks verified at
    /// the same time on other threads read many of the same files: the
    /// files are read from `start` (wrapping), so that two checks begin
    /// apart, and a file another thread is hashing is left for the end
    /// rather than waited for; each file is read and hashed once.
    pub fn holds(&self, workspace: &SharedWorkspace, start: usize) -> bool {
        if let Some(listing) = &self.header.listing
            && *listing != hex::encode(workspace.listing_digest())
        {
            return false;
        }
        if self
            .header
            .folders
            .iter()
            .any(|(folder, digest)| *digest != hex::encode(workspace.folder_digest(folder)))
        {
            return false;
        }
        let Some(reads) = self.reads() else {
            return false;
        };
        let (before, after) = reads.split_at(start % reads.len().max(1));
        let mut busy = Vec::new();
        for read @ (path, digest) in after.iter().chain(before) {
            match workspace.read_digest_unless_busy(path) {
                Some(now) if now.as_ref() == *digest => {}
                Some(_) => return false,
                None => busy.push(read),
            }
        }
        busy.into_iter()
            .all(|(path, digest)| workspace.read_digest(path).as_ref() == *digest)
            && self.header.ignored.iter().all(|(paths, answers)| {
                super::super::workspace_api::ignored_answers(workspace, paths) == *answers
            })
            && self.header.present.iter().all(|(paths, answers)| {
                super::super::workspace_api::present_answers(workspace, paths) == *answers
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CheckRun;
    use sha2::{Digest as _, Sha256};

    fn header(listing: Option<String>) -> Header {
        Header {
            format: FORMAT,
            run: CheckRun::failed("x", "builtin:x", None, "stored".into()),
            listing,
            folders: Vec::new(),
            ignored: Vec::new(),
            present: Vec::new(),
        }
    }

    fn project() -> (tempfile::TempDir, SharedWorkspace) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("a.txt"), "a\n").expect("write");
        std::fs::write(dir.path().join("b.txt"), "b\n").expect("write");
        let workspace = SharedWorkspace::new(dir.path());
        (dir, workspace)
    }

    #[test]
    fn an_entry_reads_back_and_holds_while_the_files_are_the_same() {
        let (dir, workspace) = project();
        let reads = vec![
            ("a.txt".to_owned(), Some(Sha256::digest(b"a\n").into())),
            ("b.txt".to_owned(), Some(Sha256::digest(b"b\n").into())),
            ("missing.txt".to_owned(), None),
        ];
        let bytes = encode(&header(None), &reads).expect("encodes");
        let stored = Stored::<CheckRun>::decode(bytes.clone()).expect("decodes");
        assert_eq!(stored.header.run.error.as_deref(), Some("stored"));
        for start in 0..4 {
            assert!(stored.holds(&workspace, start), "from {start}");
        }
        // A run later, `b.txt` differs.
        std::fs::write(dir.path().join("b.txt"), "B\n").expect("write");
        let later = SharedWorkspace::new(dir.path());
        assert!(
            !Stored::<CheckRun>::decode(bytes)
                .expect("decodes")
                .holds(&later, 0)
        );
    }

    #[test]
    fn the_listing_is_part_of_what_must_hold() {
        let (dir, workspace) = project();
        let listing = hex::encode(workspace.listing_digest());
        let bytes = encode(&header(Some(listing)), &[]).expect("encodes");
        assert!(
            Stored::<CheckRun>::decode(bytes.clone())
                .expect("decodes")
                .holds(&workspace, 0)
        );
        std::fs::write(dir.path().join("c.txt"), "c\n").expect("write");
        let later = SharedWorkspace::new(dir.path());
        assert!(
            !Stored::<CheckRun>::decode(bytes)
                .expect("decodes")
                .holds(&later, 0)
        );
    }

    #[test]
    fn a_folder_listed_alone_must_hold_and_nothing_else_of_the_listing() {
        let (dir, _) = project();
        std::fs::create_dir(dir.path().join("api")).expect("mkdir");
        std::fs::write(dir.path().join("api/main.ts"), "x\n").expect("write");
        let workspace = SharedWorkspace::new(dir.path());
        let mut stored = header(None);
        stored.folders = vec![("api".into(), hex::encode(workspace.folder_digest("api")))];
        let bytes = encode(&stored, &[]).expect("encodes");
        let holds_in = |workspace: &SharedWorkspace| {
            Stored::<CheckRun>::decode(bytes.clone())
                .expect("decodes")
                .holds(workspace, 0)
        };
        assert!(holds_in(&workspace));
        // A file added outside the folder: still the same.
        std::fs::write(dir.path().join("c.txt"), "c\n").expect("write");
        assert!(holds_in(&SharedWorkspace::new(dir.path())));
        // A file added inside it: not.
        std::fs::write(dir.path().join("api/new.ts"), "y\n").expect("write");
        assert!(!holds_in(&SharedWorkspace::new(dir.path())));
    }

    #[test]
    fn a_damaged_entry_is_never_reused() {
        let (_dir, workspace) = project();
        let reads = vec![("a.txt".to_owned(), Some(Sha256::digest(b"a\n").into()))];
        let bytes = encode(&header(None), &reads).expect("encodes");
        // Cut inside the reads: it decodes, but cannot hold.
        let cut = bytes[..bytes.len() - 2].to_vec();
        assert!(
            !Stored::<CheckRun>::decode(cut)
                .expect("header intact")
                .holds(&workspace, 0)
        );
        // An unknown tag.
        let mut tagged = bytes.clone();
        let header_end = 4 + u32::from_le_bytes(bytes[..4].try_into().expect("4")) as usize;
        tagged[header_end] = 7;
        assert!(
            !Stored::<CheckRun>::decode(tagged)
                .expect("header intact")
                .holds(&workspace, 0)
        );
        // A header cut short, or not JSON, or of another format.
        assert!(Stored::<CheckRun>::decode(bytes[..10].to_vec()).is_none());
        assert!(Stored::<CheckRun>::decode(b"\x02\0\0\0{]".to_vec()).is_none());
        let mut old = header(None);
        old.format = FORMAT - 1;
        assert!(Stored::<CheckRun>::decode(encode(&old, &[]).expect("encodes")).is_none());
    }

    #[test]
    fn the_ignored_questions_are_read_from_the_header_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("x.outcome");
        let mut stored = header(None);
        stored.ignored = vec![(vec!["dist/".into(), ".env".into()], vec![false, true])];
        let reads = [("a.txt".to_owned(), Some([7; 32]))];
        std::fs::write(&file, encode(&stored, &reads).expect("encodes")).expect("write");
        assert_eq!(read_questions(&file), Some(stored.ignored.clone()));
        // Missing, cut short, claiming more than the file holds, of another format.
        assert_eq!(read_questions(&dir.path().join("none.outcome")), None);
        let bytes = std::fs::read(&file).expect("read");
        std::fs::write(&file, &bytes[..10]).expect("write");
        assert_eq!(read_questions(&file), None);
        let mut huge = u32::MAX.to_le_bytes().to_vec();
        huge.extend_from_slice(&bytes[4..]);
        std::fs::write(&file, huge).expect("write");
        assert_eq!(read_questions(&file), None);
        stored.format = FORMAT - 1;
        std::fs::write(&file, encode(&stored, &reads).expect("encodes")).expect("write");
        assert_eq!(read_questions(&file), None);
    }
}
