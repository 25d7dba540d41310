//! The window's file and process work — dialogs, reading lists, checking and creating the
//! save folder, saving exports and pictures, opening the file manager — and the messages that
//! bring the results of helper threads back.

use std::path::{Path, PathBuf};

use super::DownpourApp;

/// Messages from helper threads (dialogs, file reads) to the window.
#[derive(Debug)]
pub enum UiMessage {
    /// A folder was picked.
    Folder(PathBuf),
    /// Text to add to the links box (an imported or dropped list).
    AddLinks(String),
    /// A dialog returned nothing or a file could not be read.
    Notice(String),
}

/// The state of the save folder, checked when the person starts a run or creates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderProblem {
    /// The folder does not exist; the window offers to create it.
    Missing(PathBuf),
    /// It cannot be used; the sentence says why.
    Unusable(String),
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
        let _ = std::thread::Builder::new()
            .name("downpour-helper".into())
            .spawn(move || {
                if let Some(message) = work() {
                    let _ = tx.send(message);
                    ctx.request_repaint();
                }
            });
    }

    /// Creates the missing save folder.
    pub fn create_folder(&mut self) {
        let folder = self.folder();
        self.folder_problem = std::fs::create_dir_all(&folder)
            .err()
            .map(|err| FolderProblem::Unusable(folder_sentence(&folder, &err)));
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
        match std::fs::read(&path) {
            // A list saved in another encoding still yields its ASCII links.
            Ok(bytes) => {
                text.push_str(&String::from_utf8_lossy(&bytes));
                text.push('\n');
            }
            Err(err) => {
                return UiMessage::Notice(format!(
                    "Could not read {}: {}.",
                    path.display(),
                    downpour::error::describe_io(&err)
                ));
            }
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

    /// Saves the chart area as a PNG in the save folder, from the next rendered frame.
    pub fn save_charts_png(&self, ctx: &egui::Context, area: egui::Rect) {
        let folder = self.folder();
        let tx = self.helper_tx.clone();
        let waker = ctx.clone();
        let pixels_per_point = ctx.pixels_per_point();
        ctx.request_screenshot(move |image| {
            let _ = std::thread::Builder::new()
                .name("downpour-png".into())
                .spawn(move || {
                    let chart = image.region(&area, Some(pixels_per_point));
                    let [w, h] = chart.size;
                    let rgba: Vec<u8> = chart.pixels.iter().flat_map(|c| c.to_array()).collect();
                    let mut png = Vec::new();
                    let encoded = image::RgbaImage::from_raw(w as u32, h as u32, rgba).map(|img| {
                        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                    });
                    let message = match encoded {
                        Some(Ok(())) => save_new_file(&folder, "downpour-charts.png", &png),
                        _ => UiMessage::Notice("Could not encode the chart image.".into()),
                    };
                    let _ = tx.send(message);
                    waker.request_repaint();
                });
        });
    }
}

/// Writes `bytes` as a new file named like `name` in `folder` (`name (1).ext` if taken).
fn save_new_file(folder: &Path, name: &str, bytes: &[u8]) -> UiMessage {
    let book = downpour::names::NameBook::new(folder);
    let path = book.reserve(name);
    let part = downpour::names::part_path(&path);
    let written = std::fs::write(&part, bytes).and_then(|()| book.finalize(&part, &path));
    match written {
        Ok(saved) => UiMessage::Notice(format!("Saved {}", saved.display())),
        Err(err) => {
            let _ = std::fs::remove_file(&part);
            UiMessage::Notice(format!(
                "Could not save in {}: {}.",
                folder.display(),
                downpour::error::describe_io(&err)
            ))
        }
    }
}

/// Checks that `folder` exists and can be written, by creating and removing a probe file.
pub fn check_folder(folder: &Path) -> Result<(), FolderProblem> {
    if folder.as_os_str().is_empty() {
        return Err(FolderProblem::Unusable(
            "Type or choose the folder to save the files in.".into(),
        ));
    }
    match std::fs::metadata(folder) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(FolderProblem::Missing(folder.to_owned()));
        }
        Err(err) => return Err(FolderProblem::Unusable(folder_sentence(folder, &err))),
        Ok(meta) if !meta.is_dir() => {
            return Err(FolderProblem::Unusable(format!(
                "{} is a file, not a folder.",
                folder.display()
            )));
        }
        Ok(_) => {}
    }
    downpour::names::probe_writable(folder)
        .map_err(|err| FolderProblem::Unusable(folder_sentence(folder, &err)))
}

fn folder_sentence(folder: &Path, err: &std::io::Error) -> String {
    format!(
        "Cannot save into {}: {}.",
        folder.display(),
        downpour::error::describe_io(err)
    )
}

/// Opens `path` in the system's file manager without waiting for it.
pub fn open_in_file_manager(path: &Path) {
    let program = if cfg!(target_os = "windows") {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(program).arg(path).spawn();
}
