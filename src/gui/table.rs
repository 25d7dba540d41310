//! The Downloads tab: one line per file with its status, size, progress, time and worker.
//! Only the visible lines are laid out (`ScrollArea::show_rows`), so 10,000 files cost a frame
//! no more than fifty.

use downpour::{OutcomeKind, format};
use egui::{RichText, Sense};

use super::DownpourApp;
use super::i18n::{Lang, Texts};
use super::model::{Row, RowStatus};
use super::style::{ROW_HEIGHT, outcome_text_color};

/// The widths of the columns: #, file, status, size, progress, time, worker.
const WIDTHS: [f32; 7] = [44.0, 170.0, 210.0, 76.0, 100.0, 56.0, 50.0];

impl DownpourApp {
    /// The column titles and the visible rows; a double-click on a finished file opens its
    /// folder.
    pub(super) fn downloads_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let Some(view) = &self.view else {
            self.welcome_ui(ui);
            return;
        };
        header_ui(ui, lang.t());
        let mut open = None;
        egui::ScrollArea::both()
            .id_salt("rows")
            .auto_shrink(false)
            .show_rows(ui, ROW_HEIGHT, view.rows.len(), |ui, range| {
                for row in &view.rows[range] {
                    if row_ui(ui, row, lang) {
                        open = row.path.clone();
                    }
                }
            });
        if let Some(path) = open {
            let folder = path
                .parent()
                .map_or_else(|| path.clone(), ToOwned::to_owned);
            self.open_folder(ui.ctx(), folder);
        }
    }
}

/// The column titles.
fn header_ui(ui: &mut egui::Ui, t: &Texts) {
    ui.horizontal(|ui| {
        let titles = [
            t.col_index,
            t.col_name,
            t.col_status,
            t.col_size,
            t.col_progress,
            t.col_time,
            t.col_worker,
        ];
        for (title, width) in titles.iter().zip(WIDTHS) {
            ui.add_sized(
                [width, ROW_HEIGHT],
                egui::Label::new(RichText::new(*title).strong()),
            );
        }
    });
}

/// One row of the downloads list; true when it was double-clicked and has a file.
fn row_ui(ui: &mut egui::Ui, row: &Row, lang: Lang) -> bool {
    let t = lang.t();
    let response = ui
        .horizontal(|ui| {
            text_cell_ui(ui, 0, row.index.to_string());
            name_cell_ui(ui, row);
            let color = match row.status {
                RowStatus::Queued | RowStatus::Downloading => ui.visuals().text_color(),
                RowStatus::Ended(kind) => outcome_text_color(kind, ui.visuals()),
            };
            // A truncated label shows its whole text on hover by itself.
            let status = RichText::new(status_text(row, lang)).color(color);
            cell_ui(ui, 2, egui::Label::new(status).truncate());
            text_cell_ui(ui, 3, size_text(row));
            progress_cell_ui(ui, row, lang);
            text_cell_ui(ui, 5, time_text(row));
            let worker = if row.worker > 0 {
                row.worker.to_string()
            } else {
                String::new()
            };
            text_cell_ui(ui, 6, worker);
        })
        .response;
    let response = ui.interact(
        response.rect,
        ui.scope_id().with(("row", row.index)),
        Sense::click(),
    );
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Row, true, lang.row_name(row.index, &row.name))
    });
    let done = row.status == RowStatus::Ended(OutcomeKind::Done);
    let response = if done {
        response.on_hover_text(t.row_tip)
    } else {
        response
    };
    response.double_clicked() && done && row.path.is_some()
}

/// One cell of column `column`.
fn cell_ui(ui: &mut egui::Ui, column: usize, widget: impl egui::Widget) -> egui::Response {
    ui.add_sized([WIDTHS[column], ROW_HEIGHT], widget)
}

/// A cell of plain text; an empty one is only space, not an empty widget.
fn text_cell_ui(ui: &mut egui::Ui, column: usize, text: String) {
    if text.is_empty() {
        ui.allocate_exact_size(egui::vec2(WIDTHS[column], ROW_HEIGHT), Sense::hover());
    } else {
        cell_ui(ui, column, egui::Label::new(text));
    }
}

/// The file's name; pointing at it shows its address and its SHA-256.
fn name_cell_ui(ui: &mut egui::Ui, row: &Row) {
    cell_ui(ui, 1, egui::Label::new(&row.name).truncate()).on_hover_ui(|ui| {
        ui.label(&row.url);
        if let Some(hash) = &row.hash {
            ui.label(format!("SHA-256: {hash}"));
        }
    });
}

/// A progress bar while the file is queued or downloading, or once it is complete.
fn progress_cell_ui(ui: &mut egui::Ui, row: &Row, lang: Lang) {
    let width = WIDTHS[4];
    let bar = match (row.fraction(), row.status) {
        (Some(f), _) => Some(egui::ProgressBar::new(f).show_percentage()),
        (None, RowStatus::Downloading) => {
            Some(egui::ProgressBar::new(0.0).text(format::bytes(row.bytes)))
        }
        (None, RowStatus::Queued) => Some(egui::ProgressBar::new(0.0)),
        (None, _) => None,
    };
    match bar {
        Some(bar) => {
            ui.add_sized([width, ROW_HEIGHT - 4.0], bar.desired_width(width))
                .accessible_name(lang.progress_of(&row.name));
        }
        None => text_cell_ui(ui, 4, String::new()),
    }
}

/// The status word, with the error or the retry note after it.
fn status_text(row: &Row, lang: Lang) -> String {
    let t = lang.t();
    let status = match row.status {
        RowStatus::Queued => t.status_queued,
        RowStatus::Downloading
            if row.total.is_some_and(|total| total == row.bytes) && row.bytes > 0 =>
        {
            t.status_waiting
        }
        RowStatus::Downloading => t.status_downloading,
        RowStatus::Ended(kind) => lang.outcome(kind),
    };
    match &row.note {
        Some(note) if row.status != RowStatus::Ended(OutcomeKind::Done) => {
            lang.status_with_note(status, &lang.row_note(note))
        }
        _ => status.to_owned(),
    }
}

/// The size announced, or the bytes so far when none was.
fn size_text(row: &Row) -> String {
    match row.total {
        Some(total) => format::bytes(total),
        None if row.bytes > 0 => format::bytes(row.bytes),
        None => String::new(),
    }
}

/// How long the download took, once it ended.
fn time_text(row: &Row) -> String {
    match (row.started_ms, row.finished_ms) {
        (Some(start), Some(end)) => format!("{:.2} s", end.saturating_sub(start) as f64 / 1000.0),
        _ => String::new(),
    }
}
