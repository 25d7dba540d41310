//! Lets a later run continue the `.part` files that a cancel, a failure or a crash left
//! behind, instead of downloading them again: beside each resumable `.part` file a small
//! `.part.resume` note records the URL and the server's validator (ETag or Last-Modified), and
//! a new run in the same folder picks the note up by URL and asks only for the missing bytes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::names::part_path;

/// The suffix of the note kept beside a `.part` file, after `.part`.
const NOTE_SUFFIX: &str = ".resume";

/// What a note records; enough to ask the server for the rest of the same version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Note {
    /// The URL as listed (before redirects), which is how a new run finds the note.
    url: String,
    /// The final file name the `.part` file was downloading to, inside the same folder.
    name: String,
    /// The strong ETag or the Last-Modified date of the version in the `.part` file.
    validator: String,
    /// The full size, if the server said.
    total: Option<u64>,
}

/// An unfinished download found in the save folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The final path the download was going to; its data is in `part_path(path)`.
    pub path: PathBuf,
    /// The validator for `If-Range`.
    pub validator: String,
    /// The full size, if known.
    pub total: Option<u64>,
}

/// The note that belongs to `part`.
pub fn note_path(part: &Path) -> PathBuf {
    let mut name = part.file_name().unwrap_or_default().to_os_string();
    name.push(NOTE_SUFFIX);
    part.with_file_name(name)
}

/// Records that `path`'s `.part` file holds the start of `url` at version `validator`.
/// Best effort: without a note the download still works, it just cannot resume in a later
/// run. A note torn by a crash is not valid JSON and is ignored.
pub fn write_note(path: &Path, url: &str, validator: &str, total: Option<u64>) {
    let note = Note {
        url: url.to_owned(),
        name: crate::names::display_name(path),
        validator: validator.to_owned(),
        total,
    };
    if let Ok(text) = serde_json::to_vec(&note) {
        let _ = std::fs::write(note_path(&part_path(path)), text);
    }
}

/// Removes `path`'s `.part` file and its note.
pub fn discard(path: &Path) {
    let part = part_path(path);
    let _ = std::fs::remove_file(note_path(&part));
    let _ = std::fs::remove_file(part);
}

/// Removes only the note of `path` (after the `.part` file became the finished file).
pub fn forget(path: &Path) {
    let _ = std::fs::remove_file(note_path(&part_path(path)));
}

/// The unfinished downloads of one save folder, by URL; each is handed out once.
#[derive(Debug, Default)]
pub struct Leftovers {
    by_url: Mutex<HashMap<String, Vec<Leftover>>>,
}

impl Leftovers {
    /// Reads every note in `dir` whose `.part` file still exists. Notes without their `.part`
    /// file are stale and removed; unreadable ones are ignored.
    pub fn scan(dir: &Path) -> Self {
        let mut by_url: HashMap<String, Vec<Leftover>> = HashMap::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Self::default();
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str() else {
                continue;
            };
            if !name.ends_with(".part.resume") {
                continue;
            }
            let note_file = entry.path();
            let note: Option<Note> = std::fs::read(&note_file)
                .ok()
                .and_then(|bytes| serde_json::from_slice(&bytes).ok());
            let Some(note) = note else {
                continue;
            };
            // The recorded name must be the one this note sits beside: never a path elsewhere.
            if format!("{}.part.resume", note.name) != name {
                continue;
            }
            let path = dir.join(&note.name);
            if !part_path(&path).is_file() {
                let _ = std::fs::remove_file(&note_file);
                continue;
            }
            by_url.entry(note.url).or_default().push(Leftover {
                path,
                validator: note.validator,
                total: note.total,
            });
        }
        for list in by_url.values_mut() {
            list.sort_by(|a, b| a.path.cmp(&b.path));
        }
        Self {
            by_url: Mutex::new(by_url),
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_found_by_url_once_each_and_stale_ones_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.bin");
        let b = dir.path().join("a (1).bin");
        let gone = dir.path().join("gone.bin");
        for path in [&a, &b] {
            std::fs::write(part_path(path), b"abc").unwrap();
            write_note(path, "http://h/a.bin", "\"v1\"", Some(10));
        }
        write_note(&gone, "http://h/gone.bin", "\"v1\"", None);
        // A note that names a file elsewhere is not trusted.
        std::fs::write(
            dir.path().join("evil.part.resume"),
            br#"{"url":"http://h/e","name":"../e","validator":"x","total":null}"#,
        )
        .unwrap();

        let leftovers = Leftovers::scan(dir.path());
        let first = leftovers.take("http://h/a.bin").unwrap();
        assert_eq!(first.path, b, "sorted by path: 'a (1).bin' < 'a.bin'");
        assert_eq!(first.validator, "\"v1\"");
        assert_eq!(first.total, Some(10));
        assert_eq!(leftovers.take("http://h/a.bin").unwrap().path, a);
        assert_eq!(leftovers.take("http://h/a.bin"), None);
        assert_eq!(leftovers.take("http://h/gone.bin"), None);
        assert_eq!(leftovers.take("http://h/e"), None);
        assert!(!note_path(&part_path(&gone)).exists(), "stale note removed");

        discard(&a);
        assert!(!part_path(&a).exists() && !note_path(&part_path(&a)).exists());
    }
}
