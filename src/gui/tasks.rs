//! The work the window hands to helper threads — dialogs, reading lists, checking and
//! creating the save folder, saving exports and pictures, opening the file manager — and the
//! messages that bring the results back to `poll`. Nothing here runs in `ui`.

use std::path::{Path, PathBuf};

use super::DownpourApp;

/// Messages from helper threads (dialogs, file reads) to the window.
#[derive(Debug)]
pub enum UiMessage {
    /// A folder was picked.
    Folder(PathBuf),
    /// Text to add to the links box (an imported or dropped list).
    AddLinks(String),
    /// The links of a page read for From a web page…, or why it could not be read.
    PageRead(Box<Result<downpour::page::PageLinks, downpour::page::PageError>>),
    /// How many links the running check has asked (Check links).
    CheckProgress {
        /// Links answered.
        done: usize,
        /// Links in the check.
        of: usize,
    },
    /// The check of the links box ended (Check links), or why it could not run.
    Checked(Box<Result<super::check_ui::Checked, downpour::DownloadError>>),
    /// The sizes of the page dialog's chosen links (Check sizes): the page, and each link's
    /// position among its links with its size; or why they could not be asked.
    PageSized(Box<Result<super::check_ui::PageSizes, downpour::DownloadError>>),
    /// Something to tell the person: a file saved, a file unreadable.
    Notice(Notice),
    /// Links handed over by a second start or the browser (checked already): they go into the
    /// links box and the window comes to the front.
    Handed(crate::handoff::Handoff),
    /// The save folder of a run waiting to start was checked (and created if it was
    /// missing).
    FolderChecked {
        /// The folder.
        folder: PathBuf,
        /// Whether it can be used (true if it was just created), or why not.
        result: Result<bool, FolderProblem>,
        /// The desktop's proxy, for the System proxy setting (see `desktop_proxy`).
        desktop_proxy: Option<super::desktop_proxy::DesktopProxy>,
    },
}

/// A one-line message for the person, kept as data so that it is shown in the language of
/// the moment (`Lang::notice`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// An export or a picture was saved here.
    Saved(PathBuf),
    /// A file could not be written in `folder`.
    NotSaved {
        /// The save folder.
        folder: PathBuf,
        /// Why.
        problem: IoProblem,
    },
    /// A list file could not be used: unreadable, too large, or not text.
    List(downpour::error::ListError),
    /// The chart picture could not be encoded.
    NotEncoded,
    /// The save folder the person typed did not exist: Start created it.
    FolderCreated(PathBuf),
    /// Add to the run found no link that is not in the list already.
    NoNewLinks,
    /// The saved downloads list could not be read; it was set aside here.
    ListDamaged(PathBuf),
    /// Import list… found no dialog to show (no desktop portal, zenity or kdialog).
    NoFileDialog,
    /// These browsers may now send links (their native-messaging manifests were written);
    /// empty when none was found.
    BrowsersSetUp(Vec<&'static str>),
    /// A browser's manifest could not be written.
    BrowserNotSetUp {
        /// The browser.
        browser: &'static str,
        /// Why.
        problem: IoProblem,
    },
    /// Downpour's data folder cannot be written: unfinished files will not continue after a
    /// restart, and files saved before will not be recognised.
    DataFolderUnwritable {
        /// The data folder.
        folder: PathBuf,
        /// Why.
        problem: IoProblem,
    },
    /// The computer could not be put to sleep or shut down when everything was done.
    PowerFailed {
        /// What was tried.
        action: super::when_done::PowerAction,
        /// The system's words.
        reason: String,
    },
}

/// What is wrong with the save folder, found when the person starts a run or creates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderProblem {
    /// The folder field is empty.
    NotChosen,
    /// The folder does not exist; the window offers to create it.
    Missing(PathBuf),
    /// The path names a file.
    NotAFolder(PathBuf),
    /// It cannot be written (or read, or created).
    Unusable {
        /// The folder.
        folder: PathBuf,
        /// Why.
        problem: IoProblem,
    },
}

/// A file-system error as data: its kind, for the translations, and the engine's English
/// words for it (which also carry the system's own message for the rarer kinds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoProblem {
    /// What kind of error it was.
    pub kind: std::io::ErrorKind,
    /// `permission denied`, `the disk is read-only`…
    pub english: String,
}

impl From<&std::io::Error> for IoProblem {
    fn from(err: &std::io::Error) -> Self {
        Self {
            kind: err.kind(),
            english: downpour::error::describe_io(err),
        }
    }
}

impl DownpourApp {
    /// Starts a helper thread (dialogs, file reads) that reports through `UiMessage`.
    pub(super) fn spawn_helper(
        &self,
        ctx: &egui::Context,
        work: impl FnOnce() -> Option<UiMessage> + Send + 'static,
    ) {
        let tx = self.helper_tx.clone();
        let ctx = ctx.clone();
        let started = std::thread::Builder::new()
            .name("downpour-helper".into())
            .spawn(move || {
                if let Some(message) = work() {
                    // A window that closed meanwhile no longer needs the answer.
                    let _ = tx.send(message);
                    ctx.request_repaint();
                }
            });
        downpour::diag::check("starting a helper thread", started);
    }

    /// Shows `path` in the system's file manager, started from a helper.
    pub fn open_folder(&self, ctx: &egui::Context, path: PathBuf) {
        self.spawn_helper(ctx, move || {
            open_in_file_manager(&path);
            None
        });
    }

    /// Reads list files (imported or dropped) off the UI thread.
    pub fn add_list_files(&self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        self.spawn_helper(ctx, move || Some(read_lists(paths)));
    }
}

/// Reads list files into one text; a file that cannot be read gives a notice instead.
pub fn read_lists(paths: Vec<PathBuf>) -> UiMessage {
    let mut text = String::new();
    for path in paths {
        match downpour::read_list_file(&path) {
            Ok(list) => {
                text.push_str(&list);
                text.push('\n');
            }
            Err(err) => return UiMessage::Notice(Notice::List(err)),
        }
    }
    UiMessage::AddLinks(text)
}

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One row per item, comma-separated.
    Csv,
    /// The CLI's JSON report.
    Json,
}

impl DownpourApp {
    /// Writes the last run's results into the save folder (never over an existing file), off
    /// the UI thread; the notice says where they went.
    pub fn export(&self, ctx: &egui::Context, format: ExportFormat) {
        let Some(view) = &self.view else {
            return;
        };
        let report = downpour::report::Report::new(
            view.mode,
            view.workers,
            view.elapsed_ms(),
            &view.records,
        );
        let folder = self.folder();
        self.spawn_helper(ctx, move || {
            let (name, text) = match format {
                ExportFormat::Csv => ("downpour-results.csv", report.to_csv()),
                ExportFormat::Json => ("downpour-results.json", report.to_json()),
            };
            Some(save_new_file(&folder, name, text.as_bytes()))
        });
    }

    /// Saves the picture of the charts as a PNG in the save folder, from a helper thread.
    pub fn save_picture_png(&self, ctx: &egui::Context, picture: egui::ColorImage) {
        let folder = self.folder();
        self.spawn_helper(ctx, move || {
            Some(match encode_png(&picture) {
                Some(png) => save_new_file(&folder, "downpour-charts.png", &png),
                None => UiMessage::Notice(Notice::NotEncoded),
            })
        });
    }
}

/// The picture as PNG bytes, if it can be encoded.
fn encode_png(picture: &egui::ColorImage) -> Option<Vec<u8>> {
    let [w, h] = picture.size;
    let rgba: Vec<u8> = picture.pixels.iter().flat_map(|c| c.to_array()).collect();
    let image = image::RgbaImage::from_raw(u32::try_from(w).ok()?, u32::try_from(h).ok()?, rgba)?;
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .ok()?;
    Some(png)
}

/// Writes `bytes` as a new file named like `name` in `folder` (`name (1).ext` if taken),
/// never through a link and never over a file.
fn save_new_file(folder: &Path, name: &str, bytes: &[u8]) -> UiMessage {
    match downpour::names::save_new_file(folder, name, bytes) {
        Ok(saved) => UiMessage::Notice(Notice::Saved(saved)),
        Err(err) => UiMessage::Notice(Notice::NotSaved {
            folder: folder.to_owned(),
            problem: IoProblem::from(&err),
        }),
    }
}

/// Checks that `folder` exists and can be written, by creating and removing a probe file.
pub fn check_folder(folder: &Path) -> Result<(), FolderProblem> {
    if folder.as_os_str().is_empty() {
        return Err(FolderProblem::NotChosen);
    }
    match std::fs::metadata(folder) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(FolderProblem::Missing(folder.to_owned()));
        }
        Err(err) => return Err(unusable(folder, &err)),
        Ok(meta) if !meta.is_dir() => return Err(FolderProblem::NotAFolder(folder.to_owned())),
        Ok(_) => {}
    }
    downpour::safe_fs::probe_writable(folder).map_err(|err| unusable(folder, &err))
}

/// Checks `folder` as [`check_folder`] does, first creating it (and the folders above it) if
/// it is missing; true if it was created.
pub fn prepare_folder(folder: &Path) -> Result<bool, FolderProblem> {
    match check_folder(folder) {
        Err(FolderProblem::Missing(_)) => {
            create_folder(folder)?;
            check_folder(folder).map(|()| true)
        }
        checked => checked.map(|()| false),
    }
}

/// Creates `folder` and the folders above it.
fn create_folder(folder: &Path) -> Result<(), FolderProblem> {
    std::fs::create_dir_all(folder).map_err(|err| unusable(folder, &err))
}

fn unusable(folder: &Path, err: &std::io::Error) -> FolderProblem {
    FolderProblem::Unusable {
        folder: folder.to_owned(),
        problem: IoProblem::from(err),
    }
}

/// Opens `path` in the system's file manager. The opener (`xdg-open`, `open`, `explorer`)
/// hands over to the file manager and ends; waiting for it here, on a helper, leaves no zombie
/// process behind.
fn open_in_file_manager(path: &Path) {
    let program = if cfg!(target_os = "windows") {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if let Ok(mut opener) = std::process::Command::new(program).arg(path).spawn() {
        let _ = opener.wait();
    }
}

/// Listens for links handed to this window (a second start of `downpour`, the browser's
/// native host) on its own thread, for as long as the window runs; each message checked
/// becomes a [`UiMessage::Handed`] and wakes the window (`wake`). Started before the window
/// opens, so that a start racing this one is answered while the window is still opening.
#[cfg(any(unix, windows))]
pub fn listen_for_handoffs(
    listener: crate::handoff::socket::Listener,
    wake: impl Fn() + Send + 'static,
    tx: std::sync::mpsc::Sender<UiMessage>,
) {
    let started = std::thread::Builder::new()
        .name("downpour-handoff".into())
        .spawn(move || {
            crate::handoff::socket::serve(&listener, |handoff| {
                let taken = handoff.links.len();
                // A window that is closing takes nothing more: the sender waits for the next.
                tx.send(UiMessage::Handed(handoff)).ok()?;
                wake();
                Some(taken)
            });
        });
    downpour::diag::check("start the thread taking links from other starts", started);
}
