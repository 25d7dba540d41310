//! Chooses the file name for each download — from Content-Disposition, the URL or the host —
//! makes it safe on Windows, macOS and Linux alike, and reserves it so that no two items of a
//! batch, and no file already in the folder, ever share a name. Nothing is overwritten.

use std::collections::HashSet;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use percent_encoding::percent_decode_str;
use url::Url;

/// The longest file name most file systems accept, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// Room kept for the ` (12)` and `.part` suffixes under [`MAX_NAME_BYTES`].
const SUFFIX_ROOM: usize = 16;

/// Device names that Windows reserves in any case and with any extension.
pub const RESERVED_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Makes `raw` a single safe file name: only its last path component is kept, separators,
/// control, bidirectional-override and Windows-forbidden characters are replaced, trailing dots
/// and spaces are dropped, reserved device names get a leading `_`, and the result fits in
/// [`MAX_NAME_BYTES`] with room for a ` (n)` suffix. It is never empty, `.` or `..`.
pub fn sanitize(raw: &str) -> String {
    let last = raw
        .rsplit(['/', '\\'])
        .find(|part| !part.trim().is_empty())
        .unwrap_or_default();
    let mut name: String = last
        .chars()
        .filter(|c| !is_invisible_control(*c))
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    name = name
        .trim_start_matches(' ')
        .trim_end_matches(['.', ' '])
        .to_owned();
    if name.chars().all(|c| c == '.' || c == '_') && name.chars().any(|c| c == '.') {
        name.clear();
    }
    if name.is_empty() {
        name = "download".to_owned();
    }
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    if RESERVED_NAMES.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        name.insert(0, '_');
    }
    truncate_keeping_extension(&name, MAX_NAME_BYTES - SUFFIX_ROOM)
}

/// Bidirectional overrides and other invisible format characters that could disguise a name
/// (`photo\u{202e}gnp.exe` showing as `photoexe.png`).
fn is_invisible_control(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

fn truncate_keeping_extension(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let (stem, ext) = split_extension(name);
    let ext = if ext.len() <= 16 { ext } else { "" };
    let mut cut = max.saturating_sub(ext.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = stem[..cut].trim_end_matches(['.', ' ']);
    format!("{stem}{ext}")
}

/// Splits `name` into a stem and an extension with its dot (`archive.tar.gz` splits as
/// `archive` and `.tar.gz`); a leading dot does not start an extension.
fn split_extension(name: &str) -> (&str, &str) {
    let Some(dot) = name.rfind('.').filter(|&at| at > 0) else {
        return (name, "");
    };
    let stem = &name[..dot];
    if stem.len() > 4 && stem.to_ascii_lowercase().ends_with(".tar") {
        return name.split_at(dot - 4);
    }
    name.split_at(dot)
}

/// The file name a Content-Disposition header asks for: `filename*` (RFC 5987, percent-encoded
/// UTF-8) wins over `filename`. The result is not yet sanitized.
pub fn from_content_disposition(header: &str) -> Option<String> {
    let mut plain = None;
    for param in split_params(header) {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        if key == "filename*" {
            let encoded = value.splitn(3, '\'').nth(2).unwrap_or(value);
            let decoded = percent_decode_str(encoded.trim_matches('"')).decode_utf8_lossy();
            if !decoded.trim().is_empty() {
                return Some(decoded.into_owned());
            }
        } else if key == "filename" {
            let unquoted = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map(|v| v.replace("\\\"", "\"").replace("\\\\", "\\"))
                .unwrap_or_else(|| value.to_owned());
            if !unquoted.trim().is_empty() {
                plain = Some(unquoted);
            }
        }
    }
    plain
}

/// Splits header parameters on `;` outside double quotes.
fn split_params(header: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (at, c) in header.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                parts.push(&header[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&header[start..]);
    parts
}

/// The name a URL suggests: its last path segment, percent-decoded, else its host.
pub fn from_url(url: &Url) -> String {
    let segment = url
        .path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()))
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .filter(|s| !s.trim().is_empty());
    segment.unwrap_or_else(|| url.host_str().unwrap_or("download").to_owned())
}

/// The last component of `path` as text, for display (empty if it has none).
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What a `.part` file adds to the name of the file it holds.
const PART_SUFFIX: &str = ".part";

/// The `.part` file that holds `path` while it downloads.
pub fn part_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(PART_SUFFIX);
    path.with_file_name(name)
}

/// The most folder entries [`NameBook::listed`] reads; a fuller folder is asked name by name.
const LISTING_CAP: usize = 65_536;

/// Names handed out in one batch, so that concurrent items and files already in the folder
/// never share a name.
#[derive(Debug)]
pub struct NameBook {
    dir: PathBuf,
    taken: Mutex<HashSet<String>>,
    /// The folder's entries when the book was made, in lower case; `None` asks the folder
    /// about each name instead.
    listing: Option<HashSet<String>>,
}

impl NameBook {
    /// A book for the save folder `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            taken: Mutex::new(HashSet::new()),
            listing: None,
        }
    }

    /// A book for a batch of many files: it reads the folder once, now, instead of asking it
    /// about every name (two file-system calls per item). Files that appear in the folder
    /// later are still never replaced — a `.part` file is made with [`NameBook::create_part`]
    /// and the finished file is named without replacing — they only cost that item the next
    /// free name. A folder that cannot be read, or holds more than 65,536 entries, is asked
    /// name by name as with [`NameBook::new`].
    pub fn listed(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        let listing = list_folder(&dir);
        Self {
            listing,
            ..Self::new(dir)
        }
    }

    /// The save folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reserves a free path for the sanitized `wanted` name: `name`, else `name (1)`,
    /// `name (2)`… — free meaning neither reserved in this batch nor present in the folder,
    /// itself or as a `.part` file. In a listed folder a name that differs only in case
    /// counts as present, as it would on Windows and macOS.
    pub fn reserve(&self, wanted: &str) -> PathBuf {
        let wanted = sanitize(wanted);
        let (stem, ext) = split_extension(&wanted);
        let taken = || self.taken.lock().unwrap_or_else(|e| e.into_inner());
        for n in 0u64.. {
            let candidate = if n == 0 {
                wanted.clone()
            } else {
                format!("{stem} ({n}){ext}")
            };
            let key = candidate.to_lowercase();
            let present = match &self.listing {
                Some(listing) => {
                    listing.contains(&key) || listing.contains(&(key.clone() + PART_SUFFIX))
                }
                // The folder is asked outside the lock, so workers do not queue behind each
                // other's file-system calls; the insert below decides between two that raced.
                None => {
                    if taken().contains(&key) {
                        continue;
                    }
                    let path = self.dir.join(&candidate);
                    exists(&path) || exists(&part_path(&path))
                }
            };
            if !present && taken().insert(key) {
                return self.dir.join(candidate);
            }
        }
        unreachable!("u64 names cannot run out")
    }

    /// Creates the `.part` file of the reserved `path` — a new file, never one that appeared
    /// under that name meanwhile, which would take the next free name instead. Returns the
    /// path now reserved, with the file or the error of creating it.
    pub fn create_part(&self, path: &Path) -> (PathBuf, io::Result<File>) {
        let mut target = path.to_owned();
        loop {
            let created = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(part_path(&target));
            match created {
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                    target = self.next_free(&target);
                }
                created => return (target, created),
            }
        }
    }

    /// Reserves exactly `path` (a leftover `.part` file's final name) unless this batch has
    /// already handed it out; true if it is now this caller's.
    pub fn claim(&self, path: &Path) -> bool {
        let Some(name) = path.file_name() else {
            return false;
        };
        let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        taken.insert(name.to_string_lossy().to_lowercase())
    }

    /// Gives back a reservation made by [`NameBook::reserve`] that will not be used.
    pub fn release(&self, path: &Path) {
        if let Some(name) = path.file_name() {
            let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
            taken.remove(&name.to_string_lossy().to_lowercase());
        }
    }

    /// Moves the finished `.part` file to `path` without ever replacing an existing file: if
    /// something appeared under that name meanwhile, the next free name is used. Returns the
    /// path the file now has.
    pub fn finalize(&self, part: &Path, path: &Path) -> io::Result<PathBuf> {
        let mut target = path.to_owned();
        loop {
            match rename_no_replace(part, &target) {
                Ok(()) => return Ok(target),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                    target = self.next_free(&target);
                    continue;
                }
                // Not supported here (another OS, or a file system without it): link instead.
                Err(_) => {}
            }
            match std::fs::hard_link(part, &target) {
                Ok(()) => {
                    std::fs::remove_file(part)?;
                    return Ok(target);
                }
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
                // File systems without hard links (FAT, some network shares): check, then rename.
                Err(_) if !exists(&target) => {
                    std::fs::rename(part, &target)?;
                    return Ok(target);
                }
                Err(_) => {}
            }
            target = self.next_free(&target);
        }
    }

    /// Gives the finished unnamed `file` (from [`create_unnamed`]) the name `path`, never
    /// replacing an existing file: if something appeared under that name meanwhile, the next
    /// free name is used. Returns the path the file now has.
    pub fn link_unnamed(&self, file: &File, path: &Path) -> io::Result<PathBuf> {
        let mut target = path.to_owned();
        loop {
            match link_file(file, &target) {
                Ok(()) => return Ok(target),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                    target = self.next_free(&target);
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// Swaps the reservation of `taken` for the next free name after it.
    fn next_free(&self, taken: &Path) -> PathBuf {
        let name = taken.file_name().unwrap_or_default().to_string_lossy();
        let next = self.reserve(&name);
        self.release(taken);
        next
    }
}

/// Renames `from` to `to` in one step unless `to` exists (Linux `renameat2` with
/// `RENAME_NOREPLACE`): one directory operation instead of a hard link and an unlink.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
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
fn rename_no_replace(_from: &Path, _to: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Creates a file in `folder` that has no name yet (Linux `O_TMPFILE`): it appears in the
/// folder only once [`NameBook::link_unnamed`] names it, complete, and vanishes by itself if
/// the download fails or the program stops. One directory operation per file instead of the
/// two of a `.part` file and its rename. `Unsupported` where the OS or file system lacks it.
#[cfg(target_os = "linux")]
pub fn create_unnamed(folder: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
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

/// Whether unnamed files can be created and then named in `folder`, tried once with a probe
/// name that is removed again.
pub fn unnamed_files_work(folder: &Path) -> bool {
    let Ok(file) = create_unnamed(folder) else {
        return false;
    };
    let probe = folder.join(format!(".downpour-link-test-{}", std::process::id()));
    let linked = link_file(&file, &probe).is_ok();
    if linked {
        let _ = std::fs::remove_file(&probe);
    }
    linked
}

/// Names the unnamed `file` as `to` unless `to` exists: through `/proc/self/fd`, which needs
/// no privilege.
#[cfg(target_os = "linux")]
fn link_file(file: &File, to: &Path) -> io::Result<()> {
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

#[cfg(not(target_os = "linux"))]
fn link_file(_file: &File, _to: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Checks that files can be created in `folder` by creating and removing an empty probe
/// file, so a read-only or full folder is named once, before any download starts.
pub fn probe_writable(folder: &Path) -> io::Result<()> {
    let probe = folder.join(format!(".downpour-write-test-{}", std::process::id()));
    std::fs::File::create(&probe)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// The entries of `dir` in lower case; `None` if it cannot be read or holds more than
/// [`LISTING_CAP`] of them.
fn list_folder(dir: &Path) -> Option<HashSet<String>> {
    let mut names = HashSet::new();
    for entry in std::fs::read_dir(dir).ok()? {
        if names.len() == LISTING_CAP {
            return None;
        }
        names.insert(entry.ok()?.file_name().to_string_lossy().to_lowercase());
    }
    Some(names)
}

fn exists(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_names_inside_the_folder() {
        assert_eq!(sanitize("../../evil"), "evil");
        assert_eq!(sanitize("/etc/passwd"), "passwd");
        assert_eq!(sanitize("C:\\x"), "x");
        assert_eq!(sanitize("\\\\server\\share\\x"), "x");
        assert_eq!(sanitize(".."), "download");
        assert_eq!(sanitize(""), "download");
        assert_eq!(sanitize("   "), "download");
        assert_eq!(sanitize("a/"), "a");
    }

    #[test]
    fn sanitize_handles_windows_rules() {
        assert_eq!(sanitize("CON"), "_CON");
        assert_eq!(sanitize("nul.txt"), "_nul.txt");
        assert_eq!(sanitize("com1.tar.gz"), "_com1.tar.gz");
        assert_eq!(sanitize("report. . "), "report");
        assert_eq!(sanitize("a<b>c:d\"e|f?g*h"), "a_b_c_d_e_f_g_h");
        assert_eq!(sanitize("bell\u{7}tab\tnew\nline"), "bell_tab_new_line");
        assert_eq!(sanitize("photo\u{202e}gnp.exe"), "photognp.exe");
        assert_eq!(sanitize("照片.png"), "照片.png");
    }

    #[test]
    fn sanitize_truncates_to_255_bytes_keeping_extension() {
        let long = format!("{}.zip", "é".repeat(200));
        let name = sanitize(&long);
        assert!(name.len() <= MAX_NAME_BYTES - SUFFIX_ROOM, "{}", name.len());
        assert!(name.ends_with(".zip"));
        assert!(name.starts_with('é'));
    }

    #[test]
    fn content_disposition_prefers_filename_star() {
        assert_eq!(
            from_content_disposition(
                "attachment; filename=\"plain.txt\"; filename*=UTF-8''%E7%85%A7%E7%89%87.png"
            )
            .as_deref(),
            Some("照片.png")
        );
        assert_eq!(
            from_content_disposition("attachment; filename=\"a;b \\\"q\\\".txt\"").as_deref(),
            Some("a;b \"q\".txt")
        );
        assert_eq!(
            from_content_disposition("attachment; filename=report.pdf").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(from_content_disposition("inline"), None);
    }

    #[test]
    fn url_names_are_decoded_or_come_from_the_host() {
        let url = Url::parse("https://example.com/dir/My%20File.zip?x=1").unwrap();
        assert_eq!(from_url(&url), "My File.zip");
        let url = Url::parse("https://example.com/").unwrap();
        assert_eq!(from_url(&url), "example.com");
        let url = Url::parse("https://example.com/dir/").unwrap();
        assert_eq!(from_url(&url), "dir");
    }

    #[test]
    fn reservations_number_duplicates_and_skip_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "mine").unwrap();
        let book = NameBook::new(dir.path());
        assert_eq!(book.reserve("a.txt"), dir.path().join("a (1).txt"));
        assert_eq!(book.reserve("a.txt"), dir.path().join("a (2).txt"));
        assert_eq!(book.reserve("x.tar.gz"), dir.path().join("x.tar.gz"));
        assert_eq!(book.reserve("x.tar.gz"), dir.path().join("x (1).tar.gz"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_listed_book_skips_what_the_folder_held_in_any_case() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Photo.JPG"), "mine").unwrap();
        std::fs::write(dir.path().join("notes.txt.part"), "another program's").unwrap();
        let book = NameBook::listed(dir.path());
        assert_eq!(book.reserve("photo.jpg"), dir.path().join("photo (1).jpg"));
        assert_eq!(book.reserve("notes.txt"), dir.path().join("notes (1).txt"));
        assert_eq!(book.reserve("notes.txt"), dir.path().join("notes (2).txt"));
        assert_eq!(book.reserve("new.bin"), dir.path().join("new.bin"));
        let unreadable = NameBook::listed(dir.path().join("not made yet"));
        assert_eq!(unreadable.listing, None, "asked name by name instead");
    }

    #[test]
    fn a_part_file_that_appears_after_the_listing_is_left_alone() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let book = NameBook::listed(dir.path());
        let path = book.reserve("late.bin");
        assert_eq!(path, dir.path().join("late.bin"));
        std::fs::write(part_path(&path), "theirs").unwrap();
        let (free, created) = book.create_part(&path);
        assert_eq!(free, dir.path().join("late (1).bin"));
        created.unwrap().write_all(b"new").unwrap();
        assert_eq!(std::fs::read_to_string(part_path(&free)).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(part_path(&path)).unwrap(), "theirs");
    }

    #[test]
    fn racing_reservations_of_one_name_all_differ() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("same.bin.part"), "an old part").unwrap();
        let book = NameBook::new(dir.path());
        let barrier = std::sync::Barrier::new(16);
        let mut paths: Vec<PathBuf> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..16)
                .map(|_| {
                    scope.spawn(|| {
                        barrier.wait();
                        book.reserve("same.bin")
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), 16, "every worker got its own name");
        assert!(
            !paths.contains(&dir.path().join("same.bin")),
            "its .part exists"
        );
        assert!(paths.contains(&dir.path().join("same (16).bin")));
    }

    #[test]
    fn finalize_never_replaces_a_file_that_appeared_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let book = NameBook::new(dir.path());
        let path = book.reserve("f.bin");
        let part = part_path(&path);
        std::fs::write(&part, "new").unwrap();
        std::fs::write(&path, "theirs").unwrap();
        let saved = book.finalize(&part, &path).unwrap();
        assert_eq!(saved, dir.path().join("f (1).bin"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "theirs");
        assert_eq!(std::fs::read_to_string(&saved).unwrap(), "new");
        assert!(!part.exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_unnamed_file_is_named_only_where_nothing_is() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        assert!(unnamed_files_work(dir.path()));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the probe is gone"
        );
        let book = NameBook::new(dir.path());
        let path = book.reserve("f.bin");
        let mut file = create_unnamed(dir.path()).unwrap();
        file.write_all(b"new").unwrap();
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "unnamed until complete"
        );
        std::fs::write(&path, "theirs").unwrap();
        let saved = book.link_unnamed(&file, &path).unwrap();
        assert_eq!(saved, dir.path().join("f (1).bin"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "theirs");
        assert_eq!(std::fs::read_to_string(&saved).unwrap(), "new");
    }
}
