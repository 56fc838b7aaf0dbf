//! Reading a project file for a check: opened relative to a handle on the
//! project folder, never through a symbolic link, only when it is a regular
//! file no larger than the cap.
//!
//! The listing never goes through a link (git lists a link as one entry;
//! the walk does not descend into one), so a path with a link in it can
//! only be one swapped in after the listing: on Linux, `openat2` with
//! `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS` refuses it in any component.
//! Opening relative to the folder's handle also spares the kernel walking
//! the folder's own path again for each of thousands of files.

use rustix::fs::{FileType, Mode, OFlags};
use std::os::fd::OwnedFd;
use std::path::Path;

/// Not through a symbolic link; a FIFO does not wait for a writer.
const FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::NOFOLLOW)
    .union(OFlags::NONBLOCK)
    .union(OFlags::CLOEXEC);

/// A handle on the project folder.
#[derive(Debug)]
pub(super) struct ProjectDir(OwnedFd);

impl ProjectDir {
    /// Opens the folder (following a link the user named as the project).
    pub(super) fn open(root: &Path) -> Option<ProjectDir> {
        rustix::fs::open(
            root,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()
        .map(ProjectDir)
    }

    /// The bytes of the regular file at the relative `path`, up to `cap`
    /// bytes: `None` for a link, a folder, a device, a larger file or an
    /// error.
    pub(super) fn read(&self, path: &[u8], cap: u64) -> Option<Vec<u8>> {
        let file = std::fs::File::from(self.open_beneath(path)?);
        let stat = rustix::fs::fstat(&file).ok()?;
        let size = u64::try_from(stat.st_size).ok()?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile || size > cap {
            return None;
        }
        read_sized(file, size, cap)
    }

    /// What kind of entry is at the relative `path`, never resolving a
    /// symbolic link (a link itself is [`FileType::Symlink`]): `None` when
    /// nothing is there, or the path leads through a link.
    #[cfg(target_os = "linux")]
    pub(super) fn kind(&self, path: &[u8]) -> Option<FileType> {
        // `O_PATH` opens anything (a folder, a socket, the link itself with
        // `O_NOFOLLOW`) without reading it or waiting on it.
        let flags = OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = self.open_beneath_with(path, flags)?;
        let stat = rustix::fs::fstat(&fd).ok()?;
        Some(FileType::from_raw_mode(stat.st_mode))
    }

    #[cfg(not(target_os = "linux"))]
    pub(super) fn kind(&self, path: &[u8]) -> Option<FileType> {
        let stat = rustix::fs::statat(&self.0, path, rustix::fs::AtFlags::SYMLINK_NOFOLLOW).ok()?;
        Some(FileType::from_raw_mode(stat.st_mode))
    }

    fn open_beneath(&self, path: &[u8]) -> Option<OwnedFd> {
        self.open_beneath_with(path, FLAGS)
    }

    fn open_beneath_with(&self, path: &[u8], flags: OFlags) -> Option<OwnedFd> {
        crate::untrusted::open_beneath(&self.0, path, flags).ok()
    }
}

/// Reads a file `fstat` said is `size` bytes, up to `cap` bytes (`None`
/// beyond). One `read` asking for a byte more than `size`: getting `size`
/// bytes exactly means the end was reached (a regular file reads short
/// only at its end), so the usual second `read` that returns 0 is not
/// needed. A file that changed since `fstat`, or a short read, is read on
/// to its end; the cap holds either way.
fn read_sized(file: impl std::io::Read, size: u64, cap: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut bytes = vec![0; usize::try_from(size.min(cap)).ok()? + 1];
    let mut file = file.take(cap + 1);
    let first = loop {
        match file.read(&mut bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            result => break result.ok()?,
        }
    };
    bytes.truncate(first);
    if first as u64 != size {
        file.read_to_end(&mut bytes).ok()?;
    }
    (bytes.len() as u64 <= cap).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_under_the_cap_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("sub/a.txt"), "abc").expect("write");
        std::fs::write(dir.path().join("big.txt"), "0123456789").expect("write");
        let project = ProjectDir::open(dir.path()).expect("opens");
        assert_eq!(project.read(b"sub/a.txt", 10).as_deref(), Some(&b"abc"[..]));
        assert_eq!(project.read(b"big.txt", 10).map(|b| b.len()), Some(10));
        assert_eq!(project.read(b"big.txt", 9), None, "over the cap");
        assert_eq!(project.read(b"sub", 10), None, "a folder");
        assert_eq!(project.read(b"missing", 10), None);
    }

    /// A reader that hands out its bytes `chunk` at a time, as a file
    /// read short (or by another file system) would.
    struct Chunked<'a> {
        bytes: &'a [u8],
        chunk: usize,
    }

    impl std::io::Read for Chunked<'_> {
        fn read(&mut self, into: &mut [u8]) -> std::io::Result<usize> {
            let n = self.chunk.min(into.len()).min(self.bytes.len());
            into[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_file_changed_since_fstat_or_read_short_is_read_to_its_end() {
        let read = |bytes: &[u8], chunk, size, cap| read_sized(Chunked { bytes, chunk }, size, cap);
        assert_eq!(read(b"abcdef", 100, 6, 10).as_deref(), Some(&b"abcdef"[..]));
        assert_eq!(
            read(b"abcdef", 2, 6, 10).as_deref(),
            Some(&b"abcdef"[..]),
            "short reads"
        );
        assert_eq!(
            read(b"abcdefgh", 100, 6, 10).as_deref(),
            Some(&b"abcdefgh"[..]),
            "grew"
        );
        assert_eq!(
            read(b"abc", 100, 6, 10).as_deref(),
            Some(&b"abc"[..]),
            "shrank"
        );
        assert_eq!(read(b"abcdefghijkl", 100, 6, 10), None, "grew past the cap");
        assert_eq!(read(b"", 100, 0, 10).as_deref(), Some(&b""[..]));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_swapped_for_a_link_after_the_listing_is_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("project");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&outside).expect("mkdir");
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::write(outside.join("secret.txt"), "secret").expect("write");
        // `config/secret.txt` was listed; `config` is now a link out of the project.
        std::os::unix::fs::symlink(&outside, root.join("config")).expect("symlink");
        let project = ProjectDir::open(&root).expect("opens");
        assert_eq!(project.read(b"config/secret.txt", 100), None);
        assert_eq!(project.read(b"../outside/secret.txt", 100), None);
    }
}
