//! What each save folder already received: one line per finished download (URL without its
//! password, name, size, version, SHA-256), kept in Downpour's data folder, so that running
//! the same list again skips what is done instead of saving `name (1).ext` — without guessing
//! from names, and without trusting anything a server could have written.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::safe_fs::Identity;

/// The folder inside the data folder that holds one log per save folder.
const LOGS: &str = "finished";

/// One finished download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinishedFile {
    /// The URL as listed, without its password.
    pub url: crate::redact::KeptUrl,
    /// The file's name in the folder.
    pub name: String,
    /// Its size.
    pub size: u64,
    /// The server's version of it (ETag or Last-Modified), if it named one.
    pub validator: Option<String>,
    /// Its SHA-256, if computed.
    pub sha256: Option<String>,
    /// Which file it is (a file of the same name written later by another program is not it).
    pub identity: Identity,
}

/// A file a link saved before, still in the folder: skipped only if the server says it still
/// has that version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Where it is.
    pub path: PathBuf,
    /// Its size.
    pub size: u64,
    /// The server's version of it (ETag or Last-Modified), if it named one.
    pub validator: Option<String>,
}

/// The finished downloads of one save folder.
#[derive(Debug, Default)]
pub struct FinishedLog {
    /// `<data>/finished/<folder>.jsonl`; `None` keeps no log.
    path: Option<PathBuf>,
    folder: PathBuf,
    by_url: HashMap<crate::redact::KeptUrl, Vec<FinishedFile>>,
}

impl FinishedLog {
    /// Reads the log of `folder` from `data_dir` (lines torn by a crash are skipped).
    pub fn open(data_dir: Option<&Path>, folder: &Path) -> Self {
        let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_owned());
        let path = data_dir.map(|dir| {
            let key = crate::hash::sha256_hex(folder.as_os_str().to_string_lossy().as_bytes());
            dir.join(LOGS).join(format!("{}.jsonl", &key[..32]))
        });
        let mut by_url: HashMap<crate::redact::KeptUrl, Vec<FinishedFile>> = HashMap::new();
        let text = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .unwrap_or_default();
        for line in text.split(|b| *b == b'\n') {
            if let Ok(entry) = serde_json::from_slice::<FinishedFile>(line) {
                by_url.entry(entry.url.clone()).or_default().push(entry);
            }
        }
        Self {
            path,
            folder,
            by_url,
        }
    }

    /// The file this URL saved before, if the folder still holds it unchanged in size.
    pub fn already_there(&self, url: &str) -> Option<PathBuf> {
        self.saved_before(url).map(|saved| saved.path)
    }

    /// The file this URL saved before, with its size and the server's version of it, if the
    /// folder still holds it unchanged in size.
    pub fn saved_before(&self, url: &str) -> Option<Saved> {
        self.by_url.get(url)?.iter().rev().find_map(|entry| {
            let path = self.folder.join(&entry.name);
            let meta = std::fs::symlink_metadata(&path).ok()?;
            (meta.is_file() && meta.len() == entry.size && Identity::of(&meta) == entry.identity)
                .then(|| Saved {
                    path,
                    size: entry.size,
                    validator: entry.validator.clone(),
                })
        })
    }

    /// Adds a finished download to the log (best effort: without it, the next run of the
    /// same list just downloads it again as `name (1).ext`).
    pub fn add(&self, entry: &FinishedFile) {
        let Some(path) = &self.path else {
            return;
        };
        let Ok(mut line) = serde_json::to_vec(entry) else {
            return;
        };
        line.push(b'\n');
        if let Some(dir) = path.parent() {
            crate::diag::check(
                "creating the data folder",
                crate::resume::create_private_dir(dir),
            );
        }
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        // One write of one line: lines of two runs never interleave.
        let written = options
            .open(path)
            .and_then(|mut file| file.write_all(&line));
        crate::diag::check("writing the log of finished files", written);
    }
}

/// Whether the file at `path` looks like the one the server announces: a regular file (not a
/// link) of exactly `size` bytes.
pub fn same_size_file(path: &Path, size: u64) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_file() && meta.len() == size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logged_file_is_there_until_it_changes() {
        let data = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        std::fs::write(&path, b"12345").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let log = FinishedLog::open(Some(data.path()), dir.path());
        log.add(&FinishedFile {
            url: crate::redact::KeptUrl::of(&url::Url::parse("http://h/a.bin").unwrap()),
            name: "a.bin".into(),
            size: 5,
            validator: None,
            sha256: None,
            identity: Identity::of(&meta),
        });
        let log = FinishedLog::open(Some(data.path()), dir.path());
        let canonical = std::fs::canonicalize(&path).unwrap();
        assert_eq!(log.already_there("http://h/a.bin"), Some(canonical));
        assert_eq!(log.already_there("http://h/other"), None);
        // Replaced by another file of the same name and size: not the one saved.
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, b"54321").unwrap();
        assert_eq!(log.already_there("http://h/a.bin"), None);
        assert!(same_size_file(&path, 5) && !same_size_file(&path, 6));
        // A torn last line is skipped.
        let file = std::fs::read_dir(data.path().join(LOGS))
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(file.path())
            .unwrap()
            .write_all(b"{\"url\":\"http")
            .unwrap();
        assert!(
            FinishedLog::open(Some(data.path()), dir.path())
                .by_url
                .len()
                == 1
        );
    }
}
