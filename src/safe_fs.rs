//! File operations that never follow a symbolic link and never replace a file: the save folder
//! may hold links and other programs' files, so every file Downpour writes there is created
//! new (`O_CREAT | O_EXCL`, which refuses a link even when it dangles), named by linking the
//! open file itself, or written to a new temporary name and renamed over the link rather than
//! through it.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Creates `path` as a new file for writing; fails with `AlreadyExists` if anything, a link
/// included, is there. `private` files are readable by the user only (0600 on Unix).
pub fn create_new(path: &Path, private: bool) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o666 });
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path)
}

/// Opens the existing regular file `path` for reading and writing, refusing a link.
pub fn open_existing(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::ErrorKind::InvalidInput.into());
    }
    Ok(file)
}

/// Which file a handle or a name refers to: its device and inode on Unix, and its creation
/// time (so that a new file that reused a deleted one's inode is not taken for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    /// The device (0 where the system does not say).
    pub dev: u64,
    /// The inode (0 where the system does not say).
    pub ino: u64,
    /// When the file was created, in nanoseconds since 1970 (0 where the file system does
    /// not record it).
    pub born: u128,
}

impl Identity {
    /// The identity of metadata read from a handle or with `symlink_metadata`.
    pub fn of(meta: &std::fs::Metadata) -> Self {
        let born = meta
            .created()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        Self { dev, ino, born }
    }

    /// The identity of the open `file`.
    pub fn of_file(file: &File) -> io::Result<Self> {
        Ok(Self::of(&file.metadata()?))
    }
}

/// Removes the name `path` only if it still names the open `file` (not a link, not a file
/// that replaced it).
pub fn remove_if_same(path: &Path, file: &File) -> io::Result<()> {
    let named = std::fs::symlink_metadata(path)?;
    if named.is_file() && Identity::of(&named) == Identity::of_file(file)? {
        std::fs::remove_file(path)
    } else {
        Ok(())
    }
}

/// Writes `bytes` as the whole content of `path`, atomically: into a new temporary file
/// beside it, renamed over `path` — over a link there, never through it. `private` as for
/// [`create_new`].
pub fn write_atomically(path: &Path, bytes: &[u8], private: bool) -> io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    for n in 0u32..100 {
        let temp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        let mut file = match create_new(&temp, private) {
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            created => created?,
        };
        let written = file
            .write_all(bytes)
            .and_then(|()| file.sync_data())
            .and_then(|()| std::fs::rename(&temp, path));
        if written.is_err() {
            crate::diag::check("removing a temporary file", std::fs::remove_file(&temp));
        }
        return written;
    }
    Err(io::ErrorKind::AlreadyExists.into())
}

/// Creates a file in `folder` that has no name yet (Linux `O_TMPFILE`): it appears in the
/// folder only once [`link_file`] names it, complete, and vanishes by itself if the download
/// fails or the program stops. `Unsupported` where the OS or file system lacks it.
#[cfg(target_os = "linux")]
pub fn create_unnamed(folder: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_TMPFILE)
        .mode(0o666)
        .open(folder)
}

/// Elsewhere every download goes through a `.part` file.
#[cfg(not(target_os = "linux"))]
pub fn create_unnamed(_folder: &Path) -> io::Result<File> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Gives the open `file` the name `to` unless something is there (Linux `linkat` through
/// `/proc/self/fd`, which needs no privilege): the name then holds exactly this file's data,
/// whatever happened meanwhile to any other name it had.
#[cfg(target_os = "linux")]
pub fn link_file(file: &File, to: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let from = c_path(format!("/proc/self/fd/{}", file.as_raw_fd()).as_ref())?;
    let to = c_path(to.as_os_str())?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call, which only reads them.
    os_result(unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    })
}

/// Elsewhere a file is named by renaming its `.part` name.
#[cfg(not(target_os = "linux"))]
pub fn link_file(_file: &File, _to: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Renames `from` to `to` in one step unless `to` exists (Linux `renameat2` with
/// `RENAME_NOREPLACE`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    let (from, to) = (c_path(from.as_os_str())?, c_path(to.as_os_str())?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call, which only reads them.
    os_result(unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    })
}

/// Elsewhere the caller falls back to a hard link, which also never replaces a file.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn rename_no_replace(_from: &Path, _to: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// A path for a system call.
#[cfg(target_os = "linux")]
fn c_path(path: &std::ffi::OsStr) -> io::Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    Ok(std::ffi::CString::new(path.as_bytes())?)
}

/// A system call's 0-or-−1 answer as a result.
#[cfg(target_os = "linux")]
fn os_result(rc: libc::c_int) -> io::Result<()> {
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// A name for a probe file in `folder` that nothing else uses.
fn probe_path(folder: &Path, what: &str) -> PathBuf {
    folder.join(format!(".downpour-{what}-test-{}", std::process::id()))
}

/// Whether unnamed files can be created and then named in `folder`, tried once with a probe
/// name that is removed again.
pub fn unnamed_files_work(folder: &Path) -> bool {
    let Ok(file) = create_unnamed(folder) else {
        return false;
    };
    let probe = probe_path(folder, "link");
    let linked = link_file(&file, &probe).is_ok();
    if linked {
        crate::diag::check("removing a probe file", remove_if_same(&probe, &file));
    }
    linked
}

/// Checks that files can be created in `folder` by creating and removing an empty probe
/// file, so a read-only or full folder is named once, before any download starts.
pub fn probe_writable(folder: &Path) -> io::Result<()> {
    let probe = probe_path(folder, "write");
    let file = create_new(&probe, true)?;
    remove_if_same(&probe, &file)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_are_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("target.txt");
        std::fs::write(&target, "theirs").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let dangling = dir.path().join("dangling.txt");
        let nowhere = outside.path().join("created-through-a-link.txt");
        std::os::unix::fs::symlink(&nowhere, &dangling).unwrap();

        for path in [&link, &dangling] {
            let err = create_new(path, false).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
            assert!(open_existing(path).is_err(), "O_NOFOLLOW");
        }
        // An atomic write replaces the link itself, never its target.
        write_atomically(&link, b"report", true).unwrap();
        write_atomically(&dangling, b"report", true).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "theirs");
        assert!(!nowhere.exists());
        assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&link).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "private files are the user's only");
    }

    #[test]
    fn a_name_is_removed_only_while_it_names_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.part");
        let file = create_new(&path, false).unwrap();
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "another program's").unwrap();
        remove_if_same(&path, &file).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "another program's");
        probe_writable(dir.path()).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
