//! The downloads list kept across restarts: what each row is and where it stands, saved in
//! Downpour's data folder so that closing the window, a crash or a reboot loses nothing. The
//! window hands a snapshot to a writer thread (at most once a second while things change, and
//! at the end); the file is written atomically and privately, with every address's password
//! taken out. A damaged file is set aside, never fatal.

use downpour::redact::KeptUrl;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use downpour::model::Warning;
use downpour::{Mode, OutcomeKind};
use serde::{Deserialize, Serialize};

use super::i18n::Lang;
use super::model::{Row, RowNote, RowStatus, RunView};

/// The list file's name in the data folder.
pub const LIST_FILE: &str = "downloads-list.json";

/// The least time between two saves while the list changes.
pub const SAVE_EVERY: Duration = Duration::from_secs(1);

/// The list as it is saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredList {
    /// The save folder, as typed.
    pub folder: String,
    /// The mode of the list's runs.
    pub mode: Mode,
    /// Workers asked for.
    pub workers: usize,
    /// The rows in list order.
    pub rows: Vec<StoredRow>,
}

/// One row as it is saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRow {
    /// The item's index.
    pub index: usize,
    /// The address without its password.
    pub url: KeptUrl,
    /// The expected SHA-256, if the list gave one.
    #[serde(default)]
    pub sha256: Option<String>,
    /// The file's name.
    pub name: String,
    /// Where the file is saved, once known.
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// Bytes saved so far.
    #[serde(default)]
    pub bytes: u64,
    /// The announced size.
    #[serde(default)]
    pub total: Option<u64>,
    /// The file's SHA-256, once computed.
    #[serde(default)]
    pub hash: Option<String>,
    /// The name the server sent a web page for, if it did.
    #[serde(default)]
    pub web_page: Option<String>,
    /// Where the row stands.
    pub state: StoredState,
}

/// Where a saved row stands. A row that was downloading is saved as waiting: it continues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "is")]
pub enum StoredState {
    /// Waiting (or downloading when saved): Continue downloads it.
    Waiting,
    /// Paused by the person: Continue downloads it too.
    Paused,
    /// Complete.
    Done,
    /// Already in the folder.
    Skipped,
    /// Stopped by the person.
    Cancelled,
    /// Failed, with why in each language.
    Failed {
        /// The English sentence.
        en: String,
        /// The Chinese sentence.
        zh: String,
    },
}

impl StoredList {
    /// A snapshot of `view`'s rows, with no password in any address.
    pub fn of(view: &RunView, folder: &str) -> Self {
        Self {
            folder: folder.to_owned(),
            mode: view.mode,
            workers: view.workers,
            rows: view.rows.iter().map(StoredRow::of).collect(),
        }
    }

    /// The rows as the window shows them.
    pub fn to_rows(&self) -> Vec<Row> {
        self.rows.iter().filter_map(StoredRow::to_row).collect()
    }
}

impl StoredRow {
    fn of(row: &Row) -> Self {
        // A held file has ended (only its report waits for the files before it): it comes
        // back as it ended, not as waiting.
        let state = match row.status {
            RowStatus::Queued | RowStatus::Downloading => StoredState::Waiting,
            RowStatus::Paused => StoredState::Paused,
            RowStatus::Ended(OutcomeKind::Done) | RowStatus::Held(OutcomeKind::Done) => {
                StoredState::Done
            }
            RowStatus::Ended(OutcomeKind::Skipped) | RowStatus::Held(OutcomeKind::Skipped) => {
                StoredState::Skipped
            }
            RowStatus::Ended(OutcomeKind::Cancelled) | RowStatus::Held(OutcomeKind::Cancelled) => {
                StoredState::Cancelled
            }
            RowStatus::Ended(OutcomeKind::Failed) | RowStatus::Held(OutcomeKind::Failed) => {
                match &row.note {
                    Some(RowNote::Restored { en, zh }) => StoredState::Failed {
                        en: en.clone(),
                        zh: zh.clone(),
                    },
                    Some(note) => StoredState::Failed {
                        en: Lang::En.row_note(note),
                        zh: Lang::Zh.row_note(note),
                    },
                    None => StoredState::Failed {
                        en: String::new(),
                        zh: String::new(),
                    },
                }
            }
        };
        Self {
            index: row.index,
            url: row.kept_url.clone(),
            sha256: row.sha256.clone(),
            name: row.name.clone(),
            path: row.path.clone(),
            bytes: row.bytes,
            total: row.total,
            hash: row.hash.clone(),
            web_page: row
                .warning
                .as_ref()
                .map(|Warning::WebPage { name }| name.clone()),
            state,
        }
    }

    /// The row, or `None` if its address is no longer one.
    fn to_row(&self) -> Option<Row> {
        let job = downpour::Job {
            index: self.index,
            url: self.url.as_str().parse().ok()?,
            sha256: self.sha256.clone(),
            previous: None,
            name: None,
            referer: None,
        };
        let mut row = Row::new(&job);
        row.name.clone_from(&self.name);
        row.path.clone_from(&self.path);
        row.bytes = self.bytes;
        row.total = self.total;
        row.hash.clone_from(&self.hash);
        row.warning = self
            .web_page
            .as_ref()
            .map(|name| Warning::WebPage { name: name.clone() });
        row.status = match &self.state {
            StoredState::Waiting => RowStatus::Queued,
            StoredState::Paused => RowStatus::Paused,
            StoredState::Done => RowStatus::Ended(OutcomeKind::Done),
            StoredState::Skipped => RowStatus::Ended(OutcomeKind::Skipped),
            StoredState::Cancelled => RowStatus::Ended(OutcomeKind::Cancelled),
            StoredState::Failed { en, zh } => {
                row.note = Some(RowNote::Restored {
                    en: en.clone(),
                    zh: zh.clone(),
                });
                RowStatus::Ended(OutcomeKind::Failed)
            }
        };
        Some(row)
    }
}

/// What was found in the data folder at start.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The saved list, if there was one that could be read.
    pub list: Option<StoredList>,
    /// Where a damaged list file was set aside.
    pub damaged: Option<PathBuf>,
}

/// Reads the saved list from `data_dir` (before the window opens, or on a helper): a missing
/// file is no list; one that cannot be understood is renamed `… .damaged-<time>`.
pub fn load(data_dir: &Path) -> Loaded {
    let path = data_dir.join(LIST_FILE);
    let Ok(bytes) = std::fs::read(&path) else {
        return Loaded::default();
    };
    match serde_json::from_slice::<StoredList>(&bytes) {
        Ok(list) => Loaded {
            list: Some(list),
            damaged: None,
        },
        Err(_) => {
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let aside = data_dir.join(format!("{LIST_FILE}.damaged-{secs}"));
            let damaged = std::fs::rename(&path, &aside).ok().map(|()| aside);
            Loaded {
                list: None,
                damaged: damaged.or(Some(path)),
            }
        }
    }
}

/// Writes `list` into `data_dir`, atomically and readable by the owner only.
fn save(data_dir: &Path, list: &StoredList) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let json = serde_json::to_vec_pretty(list).map_err(std::io::Error::other)?;
    downpour::safe_fs::write_atomically(&data_dir.join(LIST_FILE), &json, true)
}

/// The window's side of the saving: whether the list changed, when it was last handed over,
/// and the writer thread that does the writing.
pub struct ListStore {
    dir: Option<PathBuf>,
    writer: Option<(mpsc::Sender<StoredList>, JoinHandle<()>)>,
    dirty: bool,
    last: Option<Instant>,
    frozen: bool,
}

impl ListStore {
    /// Saves into `dir`; `None` saves nothing.
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self {
            dir,
            writer: None,
            dirty: false,
            last: None,
            frozen: false,
        }
    }

    /// The data folder, if the list is kept.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The list changed.
    pub fn mark(&mut self) {
        self.dirty = true;
    }

    /// Whether the list changed since it was last handed over.
    pub fn is_dirty(&self) -> bool {
        self.dirty && !self.frozen && self.dir.is_some()
    }

    /// How long until a save is due, if one is waiting.
    pub fn due_in(&self) -> Option<Duration> {
        if !self.is_dirty() {
            return None;
        }
        let since = self.last.map_or(SAVE_EVERY, |at| at.elapsed());
        Some(SAVE_EVERY.saturating_sub(since))
    }

    /// Hands `list` to the writer thread (started on first use).
    pub fn send(&mut self, list: StoredList) {
        let Some(dir) = self.dir.clone().filter(|_| !self.frozen) else {
            return;
        };
        self.dirty = false;
        self.last = Some(Instant::now());
        if self.writer.is_none() {
            let (tx, rx) = mpsc::channel::<StoredList>();
            let thread = std::thread::Builder::new()
                .name("downpour-list".into())
                .spawn(move || write_loop(&dir, &rx));
            if let Ok(thread) = thread {
                self.writer = Some((tx, thread));
            }
        }
        if let Some((tx, _)) = &self.writer {
            let _ = tx.send(list);
        }
    }

    /// Keeps the list as last handed over: what happens after (the cancelling of a quit)
    /// must not overwrite it.
    pub fn freeze(&mut self) {
        self.frozen = true;
    }

    /// Waits until the writer has written everything handed to it.
    pub fn flush(&mut self) {
        if let Some((tx, thread)) = self.writer.take() {
            drop(tx);
            let _ = thread.join();
        }
    }
}

impl Drop for ListStore {
    fn drop(&mut self) {
        self.flush();
    }
}

/// The writer thread: writes the newest list each time one or more arrive.
fn write_loop(dir: &Path, rx: &mpsc::Receiver<StoredList>) {
    while let Ok(mut list) = rx.recv() {
        while let Ok(newer) = rx.try_recv() {
            list = newer;
        }
        if let Err(err) = save(dir, &list) {
            eprintln!("downpour: could not save the downloads list: {err}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_with(url: &str) -> RunView {
        let jobs: Vec<downpour::Job> = downpour::parse_list(url)
            .entries
            .iter()
            .map(downpour::Job::from)
            .collect();
        RunView::new(Mode::Map, 2, &jobs, Vec::new())
    }

    #[test]
    fn no_password_is_saved_and_rows_come_back_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let mut view = view_with("https://ann:hunter2@example.com/a.zip");
        view.rows[0].status = RowStatus::Paused;
        view.rows[0].bytes = 1234;
        let mut store = ListStore::new(Some(dir.path().to_owned()));
        store.mark();
        store.send(StoredList::of(&view, "/tmp/x"));
        store.flush();
        let text = std::fs::read_to_string(dir.path().join(LIST_FILE)).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        let list = load(dir.path()).list.unwrap();
        let rows = list.to_rows();
        assert_eq!(rows[0].status, RowStatus::Paused);
        assert_eq!(rows[0].bytes, 1234);
        assert_eq!(rows[0].url, "https://ann@example.com/a.zip");
        assert_eq!(list.mode, Mode::Map);
        assert_eq!(list.folder, "/tmp/x");
    }

    #[test]
    fn a_damaged_file_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LIST_FILE), b"{ not json").unwrap();
        let loaded = load(dir.path());
        assert!(loaded.list.is_none());
        let aside = loaded.damaged.unwrap();
        assert!(aside.to_string_lossy().contains(".damaged-"), "{aside:?}");
        assert_eq!(std::fs::read(&aside).unwrap(), b"{ not json");
        assert!(!dir.path().join(LIST_FILE).exists());
    }

    #[test]
    fn saves_wait_a_second_between_them() {
        let mut store = ListStore::new(Some(std::env::temp_dir()));
        assert_eq!(store.due_in(), None);
        store.mark();
        assert_eq!(store.due_in(), Some(Duration::ZERO));
        store.last = Some(Instant::now());
        assert!(store.due_in().unwrap() > Duration::from_millis(500));
        store.freeze();
        assert_eq!(store.due_in(), None);
    }
}
