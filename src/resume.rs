//! Lets a later run continue the `.part` files that a cancel, a lost connection or a crash
//! left behind, instead of downloading them again. What a `.part` file holds — the URL (never
//! its password), the server's version (ETag or Last-Modified) and how many of its bytes are
//! sure — is recorded in Downpour's own data folder, never in the save folder: a server names
//! files only in the save folder, so it cannot write or plant this state. Each record is bound
//! to the identity of the `.part` file it describes (device and inode), so a file that another
//! program, or anyone, put under that name is never continued.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::names::part_path;
use crate::safe_fs::{self, Identity};

/// The folder inside the data folder that holds the records.
const RECORDS: &str = "resume";

/// What a record says about one `.part` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Record {
    /// The save folder (canonical).
    folder: PathBuf,
    /// The final file name the `.part` file is downloading to, inside that folder.
    name: String,
    /// The URL as listed, without its password: how a new run finds the record.
    url: String,
    /// The strong ETag or the Last-Modified date of the version in the `.part` file.
    validator: String,
    /// The full size, if the server said.
    total: Option<u64>,
    /// Which file the record describes.
    identity: Identity,
    /// How long it was when the record was saved: it can only have grown since.
    len: u64,
    /// For a file fetched over several connections (its full size from the start): the
    /// ranges written when the record was saved. Without them the file is written from its
    /// start and all of it counts.
    #[serde(default)]
    ranges: Option<Vec<(u64, u64)>>,
}

/// An unfinished download found for a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The final path the download was going to; its data is in `part_path(path)`.
    pub path: PathBuf,
    /// The validator for `If-Range`.
    pub validator: String,
    /// The full size, if known.
    pub total: Option<u64>,
    /// The file's identity, checked again when it is opened.
    pub identity: Identity,
    /// The ranges written, for a file fetched over several connections.
    pub ranges: Option<Vec<(u64, u64)>>,
}

/// What is known of a `.part` file's download, for [`ResumeStore::save`].
#[derive(Debug, Clone)]
pub struct PartState<'a> {
    /// The final path the download goes to.
    pub path: &'a Path,
    /// The URL without its password.
    pub url: &'a str,
    /// The version of the bytes.
    pub validator: &'a str,
    /// The full size, if known.
    pub total: Option<u64>,
    /// Bytes of the `.part` file written so far (its length).
    pub len: u64,
    /// The ranges written, for a file fetched over several connections.
    pub ranges: Option<Vec<(u64, u64)>>,
}

/// The resume records of one save folder, in Downpour's data folder.
#[derive(Debug)]
pub struct ResumeStore {
    /// `<data>/resume`; `None` when there is no data folder (resume then works only within
    /// a run).
    records: Option<PathBuf>,
    /// The save folder, canonical.
    folder: PathBuf,
}

impl ResumeStore {
    /// The store for downloads into `folder`, with records under `data_dir` (created, readable
    /// by the user only).
    pub fn open(data_dir: Option<&Path>, folder: &Path) -> Self {
        let records = data_dir
            .map(|dir| dir.join(RECORDS))
            .filter(|dir| create_private_dir(dir).is_ok());
        Self {
            records,
            folder: std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_owned()),
        }
    }

    /// Where the record of `path`'s `.part` file lives.
    fn record_path(&self, path: &Path) -> Option<PathBuf> {
        let records = self.records.as_ref()?;
        let mut key = self.folder.as_os_str().to_string_lossy().into_owned();
        key.push('\0');
        key.push_str(&crate::names::display_name(path));
        let digest = crate::hash::sha256_hex(key.as_bytes());
        Some(records.join(format!("{}.json", &digest[..32])))
    }

    /// Records that `file`, the `.part` file of `state.path`, holds the first `state.len`
    /// bytes of `state.url` at version `state.validator`. Best effort: without a record the
    /// download still works, it just cannot continue in a later run.
    pub fn save(&self, file: &File, state: PartState<'_>) {
        let (Some(record_path), Ok(identity)) =
            (self.record_path(state.path), Identity::of_file(file))
        else {
            return;
        };
        let record = Record {
            folder: self.folder.clone(),
            name: crate::names::display_name(state.path),
            url: state.url.to_owned(),
            validator: state.validator.to_owned(),
            total: state.total,
            identity,
            len: state.len,
            ranges: state.ranges,
        };
        if let Ok(text) = serde_json::to_vec(&record) {
            crate::diag::check(
                "writing a resume record",
                safe_fs::write_atomically(&record_path, &text, true),
            );
        }
    }

    /// Forgets the record of `path`'s `.part` file.
    pub fn forget(&self, path: &Path) {
        if let Some(record_path) = self.record_path(path) {
            crate::diag::check(
                "removing a resume record",
                std::fs::remove_file(record_path),
            );
        }
    }

    /// The unfinished downloads of this folder whose `.part` file is still the one recorded.
    /// Records whose file is gone or is another file are removed.
    pub fn leftovers(&self) -> Leftovers {
        let mut by_url: HashMap<String, Vec<Leftover>> = HashMap::new();
        let Some(entries) = self
            .records
            .as_ref()
            .and_then(|d| std::fs::read_dir(d).ok())
        else {
            return Leftovers::default();
        };
        for entry in entries.flatten() {
            let file = entry.path();
            let Some(record) = read_record(&file) else {
                continue;
            };
            if record.folder != self.folder {
                if !record.folder.exists() {
                    // A save folder that is gone keeps nothing to continue.
                    crate::diag::check("removing a resume record", std::fs::remove_file(&file));
                }
                continue;
            }
            let path = self.folder.join(&record.name);
            // The recorded name must be the one the record is filed under: nothing elsewhere.
            if self.record_path(&path).as_ref() != Some(&file) || !matches_part(&path, &record) {
                crate::diag::check("removing a resume record", std::fs::remove_file(&file));
                continue;
            }
            by_url.entry(record.url).or_default().push(Leftover {
                path,
                validator: record.validator,
                total: record.total,
                identity: record.identity,
                ranges: record.ranges,
            });
        }
        for list in by_url.values_mut() {
            list.sort_by(|a, b| a.path.cmp(&b.path));
        }
        Leftovers {
            by_url: Mutex::new(by_url),
        }
    }
}

/// A record file, if it is one.
fn read_record(file: &Path) -> Option<Record> {
    if file.extension().is_none_or(|e| e != "json") {
        return None;
    }
    serde_json::from_slice(&std::fs::read(file).ok()?).ok()
}

/// Whether the `.part` file of `path` is the regular file the record describes, at least as
/// long as it was then.
fn matches_part(path: &Path, record: &Record) -> bool {
    std::fs::symlink_metadata(part_path(path)).is_ok_and(|meta| {
        meta.is_file() && Identity::of(&meta) == record.identity && meta.len() >= record.len
    })
}

/// Creates `dir` and its parents, readable by the user only (on Unix), for Downpour's own data.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// The unfinished downloads of one save folder, by URL; each is handed out once.
#[derive(Debug, Default)]
pub struct Leftovers {
    by_url: Mutex<HashMap<String, Vec<Leftover>>>,
}

impl Leftovers {
    /// Takes the first unfinished download of `url`, if any is left.
    pub fn take(&self, url: &str) -> Option<Leftover> {
        let mut by_url = self.by_url.lock().unwrap_or_else(|e| e.into_inner());
        let list = by_url.get_mut(url)?;
        if list.is_empty() {
            return None;
        }
        Some(list.remove(0))
    }
}

/// Opens the `.part` file of a leftover, refusing a link and any file that is not the one
/// recorded. All its bytes are kept: only the download that created it has written to it,
/// including after its last record (before a crash, say).
pub fn open_leftover(left: &Leftover) -> Option<File> {
    let file = safe_fs::open_existing(&part_path(&left.path)).ok()?;
    (Identity::of_file(&file).ok()? == left.identity).then_some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part_with(path: &Path, bytes: &[u8]) -> File {
        let mut file = safe_fs::create_new(&part_path(path), false).unwrap();
        std::io::Write::write_all(&mut file, bytes).unwrap();
        file
    }

    fn state<'a>(path: &'a Path, url: &'a str, len: u64) -> PartState<'a> {
        PartState {
            path,
            url,
            validator: "\"v1\"",
            total: Some(10),
            len,
            ranges: None,
        }
    }

    #[test]
    fn records_are_found_by_url_once_each_and_only_for_their_own_file() {
        let data = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = ResumeStore::open(Some(data.path()), dir.path());
        let folder = std::fs::canonicalize(dir.path()).unwrap();
        let a = folder.join("a.bin");
        let b = folder.join("a (1).bin");
        let gone = folder.join("gone.bin");
        let swapped = folder.join("swapped.bin");
        for path in [&a, &b, &gone, &swapped] {
            let file = part_with(path, b"abcdef");
            store.save(&file, state(path, "http://h/a.bin", 4));
        }
        std::fs::remove_file(part_path(&gone)).unwrap();
        // Another file under a recorded name is not the one recorded.
        std::fs::remove_file(part_path(&swapped)).unwrap();
        std::fs::write(part_path(&swapped), "planted").unwrap();

        let leftovers = store.leftovers();
        let first = leftovers.take("http://h/a.bin").unwrap();
        assert_eq!(first.path, b, "sorted by path: 'a (1).bin' < 'a.bin'");
        assert_eq!(
            (first.validator.as_str(), first.total),
            ("\"v1\"", Some(10))
        );
        let file = open_leftover(&first).unwrap();
        assert_eq!(
            file.metadata().unwrap().len(),
            6,
            "bytes after the record are kept"
        );
        assert_eq!(leftovers.take("http://h/a.bin").unwrap().path, a);
        assert_eq!(leftovers.take("http://h/a.bin"), None);
        assert_eq!(
            std::fs::read_dir(data.path().join(RECORDS))
                .unwrap()
                .count(),
            2,
            "the records of the gone and the swapped file are removed"
        );
        // Another folder's store sees none of them.
        let other = tempfile::tempdir().unwrap();
        let elsewhere = ResumeStore::open(Some(data.path()), other.path());
        assert_eq!(elsewhere.leftovers().take("http://h/a.bin"), None);
    }

    #[cfg(unix)]
    #[test]
    fn records_are_private_and_a_linked_part_is_never_opened() {
        use std::os::unix::fs::PermissionsExt;
        let data = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = ResumeStore::open(Some(data.path()), dir.path());
        let path = std::fs::canonicalize(dir.path()).unwrap().join("x.bin");
        let file = part_with(&path, b"abc");
        store.save(&file, state(&path, "http://h/x", 3));
        let records = data.path().join(RECORDS);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&records), 0o700);
        let record = std::fs::read_dir(&records)
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(mode(&record.path()), 0o600);
        let left = store.leftovers().take("http://h/x").unwrap();
        // The .part name now is a link to the very same file: still refused.
        let keep = dir.path().join("keep");
        std::fs::hard_link(part_path(&path), &keep).unwrap();
        std::fs::remove_file(part_path(&path)).unwrap();
        std::os::unix::fs::symlink(&keep, part_path(&path)).unwrap();
        assert!(open_leftover(&left).is_none());
    }
}
