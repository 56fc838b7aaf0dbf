//! The one way the host reads a file it does not trust: anything in the
//! project (attestations, `.git` metadata, an exceptions file, a pack, an
//! env file kept beside the code) and anything a person names that could
//! be a link planted in it.
//!
//! Every read opens the file non-blocking (a FIFO does not wait for a
//! writer), accepts regular files only (not a FIFO, a socket or a device
//! such as `/dev/zero`), and stops at a hard cap *while reading*, never
//! trusting the size the metadata gives. A file found in a folder
//! ([`read_beneath`]) is opened beneath that folder without following a
//! symbolic link in any component (Linux `openat2` with `RESOLVE_BENEATH |
//! RESOLVE_NO_SYMLINKS`; elsewhere, or where the kernel refuses the call,
//! `O_NOFOLLOW` on the last component). A file a person names
//! ([`read_named`]) follows links, since the person chose the path, but is
//! held to the same kinds and caps.

use rustix::fs::{FileType, Mode, OFlags};
use rustix::io::Errno;
use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

/// Opened for reading, non-blocking, closed on exec, never a terminal.
const READ: OFlags = OFlags::RDONLY
    .union(OFlags::NONBLOCK)
    .union(OFlags::CLOEXEC)
    .union(OFlags::NOCTTY);

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// Nothing is there.
    #[error("it does not exist")]
    Missing,
    /// A link where none may be followed, or a path leaving its folder.
    #[error("it is reached through a symbolic link or leaves its folder, which is not followed")]
    Link,
    /// A folder, FIFO, socket or device.
    #[error("it is {0}, not a regular file")]
    NotRegular(&'static str),
    /// Larger than the cap.
    #[error("it is larger than {} KiB", .0 >> 10)]
    TooLarge(u64),
    /// Not UTF-8 where text is expected.
    #[error("it is not UTF-8 text")]
    NotText,
    /// Any other error of the system.
    #[error("{0}")]
    Io(std::io::Error),
}

impl From<Errno> for Refused {
    fn from(errno: Errno) -> Self {
        match errno {
            Errno::NOENT | Errno::NOTDIR => Refused::Missing,
            Errno::LOOP | Errno::XDEV | Errno::MLINK => Refused::Link,
            other => Refused::Io(other.into()),
        }
    }
}

impl From<Refused> for std::io::Error {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::Io(error) => error,
            Refused::Missing => std::io::Error::new(std::io::ErrorKind::NotFound, refused),
            other => std::io::Error::other(other),
        }
    }
}

/// The bytes of the file a person named at `path`, up to `cap` bytes.
pub fn read_named(path: &Path, cap: u64) -> Result<Vec<u8>, Refused> {
    let fd = rustix::fs::open(path, READ, Mode::empty())?;
    read_open(fd, cap)
}

/// [`read_named`] as UTF-8 text.
pub fn read_named_text(path: &Path, cap: u64) -> Result<String, Refused> {
    String::from_utf8(read_named(path, cap)?).map_err(|_| Refused::NotText)
}

/// The bytes of the file at `relative` beneath `folder`, up to `cap` bytes,
/// no symbolic link followed in any component of `relative`, which must
/// not be absolute nor hold `..`.
pub fn read_beneath(folder: &Path, relative: &str, cap: u64) -> Result<Vec<u8>, Refused> {
    if relative.is_empty()
        || relative.starts_with('/')
        || relative.split('/').any(|component| component == "..")
    {
        return Err(Refused::Link);
    }
    let dir = rustix::fs::open(
        folder,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let fd = open_beneath(&dir, relative, READ | OFlags::NOFOLLOW)?;
    read_open(fd, cap)
}

/// [`read_beneath`] as UTF-8 text.
pub fn read_beneath_text(folder: &Path, relative: &str, cap: u64) -> Result<String, Refused> {
    String::from_utf8(read_beneath(folder, relative, cap)?).map_err(|_| Refused::NotText)
}

/// Opens `path` beneath the folder `dir` with `flags`, never through a
/// symbolic link in any component of the path where the kernel can tell
/// (`openat2`), else never on its last component (`O_NOFOLLOW` in `flags`).
#[cfg(target_os = "linux")]
pub(crate) fn open_beneath(
    dir: impl AsFd,
    path: impl rustix::path::Arg + Copy,
    flags: OFlags,
) -> Result<OwnedFd, Errno> {
    use rustix::fs::ResolveFlags;
    use std::sync::atomic::{AtomicBool, Ordering};
    // Kernels before 5.6, and sandboxes whose filters refuse the call.
    static UNAVAILABLE: AtomicBool = AtomicBool::new(false);
    if !UNAVAILABLE.load(Ordering::Relaxed) {
        let resolve =
            ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
        match rustix::fs::openat2(&dir, path, flags, Mode::empty(), resolve) {
            Err(Errno::NOSYS | Errno::PERM) => UNAVAILABLE.store(true, Ordering::Relaxed),
            result => return result,
        }
    }
    rustix::fs::openat(&dir, path, flags, Mode::empty())
}

/// Opens `path` beneath the folder `dir`, not following a link on its
/// last component (`O_NOFOLLOW` in `flags`).
#[cfg(not(target_os = "linux"))]
pub(crate) fn open_beneath(
    dir: impl AsFd,
    path: impl rustix::path::Arg + Copy,
    flags: OFlags,
) -> Result<OwnedFd, Errno> {
    rustix::fs::openat(&dir, path, flags, Mode::empty())
}

/// Reads an open file that must be regular, up to `cap` bytes.
fn read_open(fd: OwnedFd, cap: u64) -> Result<Vec<u8>, Refused> {
    let stat = rustix::fs::fstat(&fd)?;
    let kind = FileType::from_raw_mode(stat.st_mode);
    if kind != FileType::RegularFile {
        return Err(Refused::NotRegular(kind_name(kind)));
    }
    let mut bytes = Vec::new();
    std::fs::File::from(fd)
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(Refused::Io)?;
    if bytes.len() as u64 > cap {
        return Err(Refused::TooLarge(cap));
    }
    Ok(bytes)
}

/// "a folder", "a FIFO"…
pub(crate) fn kind_name(kind: FileType) -> &'static str {
    match kind {
        FileType::RegularFile => "a regular file",
        FileType::Directory => "a folder",
        FileType::Symlink => "a symbolic link",
        FileType::Fifo => "a FIFO",
        FileType::Socket => "a socket",
        FileType::CharacterDevice => "a character device",
        FileType::BlockDevice => "a block device",
        FileType::Unknown => "of an unknown kind",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_under_the_cap_are_read_and_the_cap_holds_while_reading() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.txt"), "abc").expect("write");
        assert_eq!(
            read_named(&dir.path().join("a.txt"), 3).expect("read"),
            b"abc"
        );
        assert!(matches!(
            read_named(&dir.path().join("a.txt"), 2),
            Err(Refused::TooLarge(2))
        ));
        assert!(matches!(
            read_named(dir.path(), 10),
            Err(Refused::NotRegular("a folder"))
        ));
        assert!(matches!(
            read_named(&dir.path().join("none"), 10),
            Err(Refused::Missing)
        ));
        // A device whose metadata says 0 bytes and that never ends.
        assert!(matches!(
            read_named(Path::new("/dev/zero"), 10),
            Err(Refused::NotRegular("a character device"))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_at_once_and_links_beneath_a_folder_are_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, Mode::RUSR | Mode::WUSR).expect("mkfifo");
        assert!(matches!(
            read_named(&fifo, 10),
            Err(Refused::NotRegular("a FIFO"))
        ));
        assert!(matches!(
            read_beneath(dir.path(), "fifo", 10),
            Err(Refused::NotRegular("a FIFO"))
        ));
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("sub/x"), "x").expect("write");
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero")).expect("symlink");
        std::os::unix::fs::symlink(dir.path().join("sub"), dir.path().join("via"))
            .expect("symlink");
        assert!(matches!(
            read_beneath(dir.path(), "zero", 10),
            Err(Refused::Link)
        ));
        assert!(matches!(
            read_beneath(dir.path(), "via/x", 10),
            Err(Refused::Link)
        ));
        assert!(matches!(
            read_beneath(dir.path(), "../x", 10),
            Err(Refused::Link)
        ));
        assert!(matches!(
            read_beneath(dir.path(), "/etc/passwd", 10),
            Err(Refused::Link)
        ));
        assert_eq!(read_beneath(dir.path(), "sub/x", 10).expect("read"), b"x");
        assert!(matches!(
            read_named(&dir.path().join("zero"), 10),
            Err(Refused::NotRegular(_))
        ));
    }
}
