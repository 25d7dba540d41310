//! The book of names handed out in one batch, so that concurrent items and files already in
//! the save folder never share a name, and the way a finished file gets its name without ever
//! replacing another.

use std::collections::HashSet;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{PART_SUFFIX, part_path, sanitize, split_extension};
use crate::safe_fs::{self, Identity};

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
        self.reserve_safe(&sanitize(wanted))
    }

    /// Reserves `<name>.corrupt` (or its next free name) for the body of `path` whose
    /// checksum did not match: kept aside, never under its final name.
    pub fn reserve_corrupt(&self, path: &Path) -> PathBuf {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        self.reserve_safe(&format!("{name}.corrupt"))
    }

    /// [`NameBook::reserve`] for a name that is already safe.
    fn reserve_safe(&self, wanted: &str) -> PathBuf {
        let (stem, ext) = split_extension(wanted);
        let taken = || self.taken.lock().unwrap_or_else(|e| e.into_inner());
        for n in 0u64.. {
            let candidate = if n == 0 {
                wanted.to_owned()
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
            let created = safe_fs::create_new(&part_path(&target), false);
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

    /// Whether this batch has handed out `name` (in any case).
    pub fn is_taken(&self, name: &str) -> bool {
        let taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        taken.contains(&name.to_lowercase())
    }

    /// Gives back a reservation made by [`NameBook::reserve`] that will not be used.
    pub fn release(&self, path: &Path) {
        if let Some(name) = path.file_name() {
            let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
            taken.remove(&name.to_string_lossy().to_lowercase());
        }
    }

    /// Gives the complete staged `file` the name `path` — or, if something appeared there
    /// meanwhile, the next free name — never replacing a file. Its `.part` name `part`, if it
    /// has one, goes away. The name is made from the open file itself where the OS can (so it
    /// holds exactly these bytes, whatever became of the `.part` name), else by renaming the
    /// `.part` name once it is checked to still be this file. Returns the path it now has.
    pub fn name_file(&self, file: &File, part: Option<&Path>, path: &Path) -> io::Result<PathBuf> {
        let mut target = path.to_owned();
        loop {
            match safe_fs::link_file(file, &target) {
                Ok(()) => {
                    if let Some(part) = part {
                        crate::diag::check(
                            "removing a finished download's .part name",
                            safe_fs::remove_if_same(part, file),
                        );
                    }
                    return Ok(target);
                }
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                    target = self.next_free(&target);
                }
                Err(err) => {
                    return match part {
                        Some(part) => self.rename_part(file, part, &target),
                        None => Err(err),
                    };
                }
            }
        }
    }

    /// Renames the `.part` name of `file` to `path` or the next free name, never replacing a
    /// file: where files cannot be linked from their handle (other systems, some file systems).
    fn rename_part(&self, file: &File, part: &Path, path: &Path) -> io::Result<PathBuf> {
        let named = std::fs::symlink_metadata(part)?;
        if !named.is_file() || Identity::of(&named) != Identity::of_file(file)? {
            return Err(io::Error::other("the partial file was replaced by another"));
        }
        let mut target = path.to_owned();
        loop {
            match safe_fs::rename_no_replace(part, &target) {
                Ok(()) => return Ok(target),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                    target = self.next_free(&target);
                    continue;
                }
                // Not supported here: a hard link, which never replaces either.
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

    /// Creates a new file named like `wanted` (or its next free name) in the folder, for
    /// something written at once, such as an export; returns its path and the open file.
    pub fn create_new_file(&self, wanted: &str) -> io::Result<(PathBuf, File)> {
        let mut target = self.reserve(wanted);
        loop {
            match safe_fs::create_new(&target, false) {
                Ok(file) => return Ok((target, file)),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                    target = self.next_free(&target);
                }
                Err(err) => {
                    self.release(&target);
                    return Err(err);
                }
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
    fn naming_never_replaces_a_file_that_appeared_meanwhile() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let book = NameBook::new(dir.path());
        let path = book.reserve("f.bin");
        let part = part_path(&path);
        let (_, file) = book.create_part(&path);
        let mut file = file.unwrap();
        file.write_all(b"new").unwrap();
        std::fs::write(&path, "theirs").unwrap();
        let saved = book.name_file(&file, Some(&part), &path).unwrap();
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
        assert!(crate::safe_fs::unnamed_files_work(dir.path()));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the probe is gone"
        );
        let book = NameBook::new(dir.path());
        let path = book.reserve("f.bin");
        let mut file = crate::safe_fs::create_unnamed(dir.path()).unwrap();
        file.write_all(b"new").unwrap();
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "unnamed until complete"
        );
        std::fs::write(&path, "theirs").unwrap();
        let saved = book.name_file(&file, None, &path).unwrap();
        assert_eq!(saved, dir.path().join("f (1).bin"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "theirs");
        assert_eq!(std::fs::read_to_string(&saved).unwrap(), "new");
    }
}
