//! The Downloads tab: one line per file with its status, size, progress, time, worker and
//! actions, above them Pause all and Resume all. Only the visible lines are laid out
//! (`ScrollArea::show_rows`), so 10,000 files cost a frame no more than fifty. Columns drop
//! out by priority when the window is narrow; the file's name and status shrink first.
//! Rows are selected with click, Shift+click and Ctrl+click, for Space and Delete.

use downpour::{OutcomeKind, format};
use egui::{RichText, Sense};

use super::DownpourApp;
use super::i18n::Lang;
use super::icons::icon_button_ui;
use super::model::{Row, RowStatus};
use super::row_actions::RowAction;
use super::style::{ORANGE, ROW_HEIGHT, outcome_text_color};

/// A column of the downloads list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Index,
    Name,
    Status,
    Size,
    Speed,
    Progress,
    Time,
    Worker,
    Actions,
}

/// The columns in the order they are shown, with their widths (the least, for the two that
/// share what is left).
const COLUMNS: [(Col, f32); 9] = [
    (Col::Index, 40.0),
    (Col::Name, 100.0),
    (Col::Status, 100.0),
    (Col::Size, 128.0),
    (Col::Speed, 76.0),
    (Col::Time, 96.0),
    (Col::Progress, 70.0),
    (Col::Worker, 44.0),
    (Col::Actions, ACTIONS_WIDTH),
];

/// The row's buttons, each in its own place whatever the row's state (greyed out when it
/// does not apply), so that a click never lands on a button that moved there.
const SLOTS: [RowAction; 6] = [
    RowAction::Pause,
    RowAction::Retry,
    RowAction::Move(downpour::run::Move::Top),
    RowAction::Cancel,
    RowAction::OpenFolder,
    RowAction::Remove,
];

/// The width of the row's buttons: six icons of 20 points, 2 apart.
const ACTIONS_WIDTH: f32 = 6.0 * 20.0 + 5.0 * 2.0;

/// The columns that go first when the list is too narrow, first to go first: the progress
/// bar is the last one given up.
const DROP_ORDER: [Col; 6] = [
    Col::Worker,
    Col::Index,
    Col::Speed,
    Col::Time,
    Col::Size,
    Col::Progress,
];

/// The widths the name and status take at most.
const NAME_MAX: f32 = 240.0;
const STATUS_MAX: f32 = 320.0;

/// Which columns are shown at `width`, and how wide each is.
fn layout(width: f32) -> Vec<(Col, f32)> {
    let spacing = 8.0;
    let mut shown: Vec<(Col, f32)> = COLUMNS.to_vec();
    let needed = |cols: &[(Col, f32)]| cols.iter().map(|(_, w)| w + spacing).sum::<f32>();
    for col in DROP_ORDER {
        if needed(&shown) <= width {
            break;
        }
        shown.retain(|(c, _)| *c != col);
    }
    // What is left is shared by the name and the status, each up to its most.
    let mut spare = (width - needed(&shown)).max(0.0);
    for share in [0.5, 1.0] {
        let offer = spare * share;
        for (col, w) in &mut shown {
            let max = match col {
                Col::Name => NAME_MAX,
                Col::Status => STATUS_MAX,
                _ => continue,
            };
            let grow = (offer * 0.5).min(max - *w).min(spare);
            *w += grow;
            spare -= grow;
        }
    }
    shown
}

/// What the person did to a row this frame.
enum Clicked {
    Select(usize, egui::Modifiers),
    Action(usize, RowAction),
    Open(std::path::PathBuf),
}

impl DownpourApp {
    /// Pause all and Resume all, the column titles and the visible rows.
    pub(super) fn downloads_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        if self.view.is_none() {
            // Before the first run: the three steps instead of an empty pane.
            self.welcome_ui(ui);
            return;
        }
        self.list_toolbar_ui(ui);
        let Some(view) = &self.view else {
            return;
        };
        let columns = layout(ui.available_width());
        header_ui(ui, lang, &columns);
        let mut clicked = Vec::new();
        let rows_height = (ui.available_height() - DETAILS_HEIGHT).max(ROW_HEIGHT * 3.0);
        egui::ScrollArea::vertical()
            .id_salt("rows")
            .auto_shrink(false)
            .max_height(rows_height)
            .show_rows(ui, ROW_HEIGHT, view.rows.len(), |ui, range| {
                for row in &view.rows[range] {
                    let selected = self.selection.rows.contains(&row.index);
                    row_ui(ui, row, lang, &columns, selected, &mut clicked);
                }
            });
        let described = self.selection.described().and_then(|i| view.row(i));
        details_ui(ui, described, lang);
        let ctx = ui.ctx().clone();
        for click in clicked {
            match click {
                Clicked::Select(index, modifiers) => self.select_row(index, modifiers),
                Clicked::Action(index, action) => self.row_action(&ctx, index, action),
                Clicked::Open(folder) => self.open_folder(&ctx, folder),
            }
        }
    }

    /// Pause all, Resume all, and the note over a list restored from last time.
    fn list_toolbar_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let Some(view) = &self.view else {
            return;
        };
        let any_going = view
            .rows
            .iter()
            .any(|r| matches!(r.status, RowStatus::Queued | RowStatus::Downloading));
        let any_paused = view.rows.iter().any(|r| r.status == RowStatus::Paused);
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(any_going, egui::Button::new(t.pause_all))
                .on_hover_text(t.pause_all_tip)
                .on_disabled_hover_text(t.pause_all_tip)
                .clicked()
            {
                self.pause_all();
            }
            if ui
                .add_enabled(any_paused, egui::Button::new(t.resume_all))
                .on_hover_text(t.resume_all_tip)
                .on_disabled_hover_text(t.resume_all_tip)
                .clicked()
            {
                self.resume_all();
            }
            if self.restored && !self.is_running() {
                ui.label(RichText::new(t.restored_note).weak());
            }
        });
    }
}

/// The height kept under the list for the file of the row last clicked.
const DETAILS_HEIGHT: f32 = 76.0;

/// Under the list, always in the same place and of the same height: everything about the
/// file of the row last clicked — its whole status sentence (never cut), what has come of
/// it, where it goes — or how to see it.
fn details_ui(ui: &mut egui::Ui, row: Option<&Row>, lang: Lang) {
    ui.separator();
    let width = ui.available_width();
    ui.allocate_ui(egui::vec2(width, DETAILS_HEIGHT - 8.0), |ui| {
        ui.set_min_size(egui::vec2(width, DETAILS_HEIGHT - 8.0));
        egui::ScrollArea::vertical()
            .id_salt("details")
            .auto_shrink(false)
            .show(ui, |ui| {
                let Some(row) = row else {
                    ui.label(RichText::new(lang.t().details_hint).weak());
                    return;
                };
                ui.label(RichText::new(format!("#{} {}", row.index, row.name)).strong());
                let color = match row.status {
                    _ if row.warning.is_some() => ORANGE,
                    RowStatus::Ended(kind) | RowStatus::Held(kind) => {
                        outcome_text_color(kind, ui.visuals())
                    }
                    _ => ui.visuals().text_color(),
                };
                ui.add(egui::Label::new(RichText::new(status_text(row, lang)).color(color)).wrap());
                let facts: Vec<String> =
                    [size_text(row, lang), speed_text(row), time_text(row, lang)]
                        .into_iter()
                        .filter(|f| !f.is_empty())
                        .collect();
                if !facts.is_empty() {
                    ui.label(facts.join(" · "));
                }
                let place = row
                    .path
                    .as_ref()
                    .map_or_else(|| shown_url(&row.url), |p| p.display().to_string());
                ui.add(egui::Label::new(RichText::new(place).weak()).wrap());
            });
    });
}

/// The titles of the shown columns.
fn header_ui(ui: &mut egui::Ui, lang: Lang, columns: &[(Col, f32)]) {
    let t = lang.t();
    ui.horizontal(|ui| {
        for &(col, width) in columns {
            let title = match col {
                Col::Index => t.col_index,
                Col::Name => t.col_name,
                Col::Status => t.col_status,
                Col::Size => t.col_size,
                Col::Speed => t.col_speed,
                Col::Progress => t.col_progress,
                Col::Time => t.col_time,
                Col::Worker => t.col_worker,
                Col::Actions => t.col_actions,
            };
            ui.add_sized(
                [width, ROW_HEIGHT],
                egui::Label::new(RichText::new(title).strong()).truncate(),
            );
        }
    });
}

/// One row: its click area first (so the buttons on it come on top), a highlight when it is
/// selected, then its cells.
fn row_ui(
    ui: &mut egui::Ui,
    row: &Row,
    lang: Lang,
    columns: &[(Col, f32)],
    selected: bool,
    clicked: &mut Vec<Clicked>,
) {
    let width = columns.iter().map(|(_, w)| w + 8.0).sum::<f32>();
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, ROW_HEIGHT), Sense::click());
    if selected {
        ui.painter().rect_filled(
            rect,
            2.0,
            ui.visuals().selection.bg_fill.gamma_multiply(0.5),
        );
    }
    let mut cells = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(egui::Layout::left_to_right(egui::Align::Center)),
    );
    for &(col, width) in columns {
        cell_ui(&mut cells, row, lang, col, width, clicked);
    }
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Row, true, lang.row_name(row.index, &row.name))
    });
    let response = response.on_hover_ui(|ui| row_tip_ui(ui, row, lang));
    response.context_menu(|ui| {
        for action in RowAction::for_row(row) {
            let (words, tip) = lang.row_action(action);
            if ui.button(words).on_hover_text(tip).clicked() {
                clicked.push(Clicked::Action(row.index, action));
            }
        }
    });
    if response.clicked() {
        clicked.push(Clicked::Select(row.index, ui.input(|i| i.modifiers)));
    }
    let finished = matches!(
        row.status,
        RowStatus::Ended(OutcomeKind::Done | OutcomeKind::Skipped)
    );
    if response.double_clicked()
        && finished
        && let Some(folder) = row.path.as_deref().and_then(std::path::Path::parent)
    {
        clicked.push(Clicked::Open(folder.to_owned()));
    }
}

/// The row's tooltip: how rows are used, then what is worth knowing about its file.
fn row_tip_ui(ui: &mut egui::Ui, row: &Row, lang: Lang) {
    ui.label(lang.t().rows_tip);
    if row.path.is_some() && !row.is_active() {
        ui.label(lang.t().row_tip);
    }
    connections_ui(ui, row, lang);
    if let Some(warning) = &row.warning {
        ui.label(RichText::new(lang.warning(warning)).color(ORANGE));
    }
}

/// How many connections fetch the file, or why it stays on one, and over which protocol.
fn connections_ui(ui: &mut egui::Ui, row: &Row, lang: Lang) {
    if let Some(protocol) = row.protocol {
        ui.label(lang.protocol(protocol));
    }
    if row.connections > 1 {
        ui.label(lang.row_connections_tip(row.connections));
    }
    if let Some(why) = row.one_connection {
        ui.label(lang.one_connection(why));
    }
}

/// One cell.
fn cell_ui(
    ui: &mut egui::Ui,
    row: &Row,
    lang: Lang,
    col: Col,
    width: f32,
    clicked: &mut Vec<Clicked>,
) {
    match col {
        Col::Index => text_cell_ui(ui, width, row.index.to_string()),
        Col::Name => {
            label_cell_ui(ui, width, RichText::new(&row.name)).on_hover_ui(|ui| {
                ui.label(shown_url(&row.url));
                if let Some(hash) = &row.hash {
                    ui.label(format!("SHA-256: {hash}"));
                }
            });
        }
        Col::Status => status_cell_ui(ui, row, lang, width),
        Col::Size => text_cell_ui(ui, width, size_text(row, lang)),
        Col::Speed => text_cell_ui(ui, width, speed_text(row)),
        Col::Progress => progress_cell_ui(ui, row, lang, width),
        Col::Time => text_cell_ui(ui, width, time_text(row, lang)),
        Col::Worker => {
            let worker = if row.worker > 0 {
                row.worker.to_string()
            } else {
                String::new()
            };
            text_cell_ui(ui, width, worker);
        }
        Col::Actions => actions_cell_ui(ui, row, lang, width, clicked),
    }
}

/// A label cell that leaves clicks to the row beneath it; a truncated label shows its whole
/// text on hover by itself.
fn label_cell_ui(ui: &mut egui::Ui, width: f32, text: RichText) -> egui::Response {
    ui.add_sized(
        [width, ROW_HEIGHT],
        egui::Label::new(text)
            .truncate()
            .selectable(false)
            .sense(Sense::hover()),
    )
}

/// A cell of plain text; an empty one is only space, not an empty widget.
fn text_cell_ui(ui: &mut egui::Ui, width: f32, text: String) {
    if text.is_empty() {
        ui.allocate_exact_size(egui::vec2(width, ROW_HEIGHT), Sense::hover());
    } else {
        label_cell_ui(ui, width, RichText::new(text));
    }
}

/// The status with its note, in the outcome's colour (a warning in orange); pointing at it
/// tells about the file's connections.
fn status_cell_ui(ui: &mut egui::Ui, row: &Row, lang: Lang, width: f32) {
    let color = match row.status {
        _ if row.warning.is_some() => ORANGE,
        RowStatus::Ended(kind) | RowStatus::Held(kind) => outcome_text_color(kind, ui.visuals()),
        _ => ui.visuals().text_color(),
    };
    let text = RichText::new(status_text(row, lang)).color(color);
    let response = label_cell_ui(ui, width, text);
    // The whole status (with its warning) shows by itself when it is cut short.
    if row.connections > 1 || row.one_connection.is_some() {
        response.on_hover_ui(|ui| connections_ui(ui, row, lang));
    }
}

/// The row's buttons, each in its fixed place: Pause (Resume while paused), Retry, Move to
/// the top, Cancel, Open its folder and Remove, greyed out when they do not apply.
/// Each is an icon named for screen readers (`Pause row 3`) with a tooltip; every action is
/// also in the row's context menu.
fn actions_cell_ui(
    ui: &mut egui::Ui,
    row: &Row,
    lang: Lang,
    width: f32,
    clicked: &mut Vec<Clicked>,
) {
    let actions = RowAction::for_row(row);
    ui.allocate_ui_with_layout(
        egui::vec2(width, ROW_HEIGHT),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.spacing_mut().item_spacing.x = 2.0;
            for slot in SLOTS {
                let action = match slot {
                    RowAction::Pause if row.status == RowStatus::Paused => RowAction::Resume,
                    other => other,
                };
                let (_, tip) = lang.row_action(action);
                let name = lang.row_action_label(action, row.index);
                let enabled = actions.contains(&action);
                if icon_button_ui(ui, action, &name, tip, enabled).clicked() {
                    clicked.push(Clicked::Action(row.index, action));
                }
            }
        },
    );
}

/// A progress bar while the file is queued, downloading or paused, or once it is complete.
fn progress_cell_ui(ui: &mut egui::Ui, row: &Row, lang: Lang, width: f32) {
    let bar = match (row.fraction(), row.status) {
        (Some(f), _) => Some(egui::ProgressBar::new(f).show_percentage()),
        (None, RowStatus::Downloading | RowStatus::Paused) => {
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
        None => text_cell_ui(ui, width, String::new()),
    }
}

/// The status word, with the connections, the error or retry note, or the warning after it.
pub(super) fn status_text(row: &Row, lang: Lang) -> String {
    let t = lang.t();
    let status = match row.status {
        RowStatus::Queued => t.status_queued,
        RowStatus::Downloading => t.status_downloading,
        RowStatus::Paused => t.status_paused,
        RowStatus::Held(OutcomeKind::Done) => t.status_waiting,
        RowStatus::Held(kind) => {
            return lang.status_with_note(lang.outcome(kind), t.waiting_for_earlier);
        }
        RowStatus::Ended(kind) => lang.outcome(kind),
    };
    match (&row.note, &row.warning) {
        (Some(note), _) if row.status != RowStatus::Ended(OutcomeKind::Done) => {
            lang.status_with_note(status, &lang.row_note(note))
        }
        (_, Some(warning)) => lang.status_with_note(status, &lang.warning(warning)),
        _ if row.status == RowStatus::Downloading && row.connections > 1 => {
            format!("{status} · {}", lang.connections(row.connections))
        }
        _ => status.to_owned(),
    }
}

/// An address as it may be shown: any password replaced by `***`.
fn shown_url(url: &str) -> String {
    url.parse::<url::Url>()
        .map_or_else(|_| url.to_owned(), |u| downpour::redact::url(&u))
}

/// `12.4 MB of 200 MB` while the file comes, its size once it is complete, the bytes so far
/// when no size was announced.
fn size_text(row: &Row, lang: Lang) -> String {
    let complete = matches!(
        row.status,
        RowStatus::Ended(OutcomeKind::Done | OutcomeKind::Skipped)
            | RowStatus::Held(OutcomeKind::Done)
    );
    match row.total {
        Some(total) if complete || row.bytes >= total => format::bytes(total),
        Some(total) if row.bytes > 0 => lang.bytes_of(row.bytes, total),
        Some(total) => format::bytes(total),
        None if row.bytes > 0 => format::bytes(row.bytes),
        None => String::new(),
    }
}

/// The file's speed while it downloads.
fn speed_text(row: &Row) -> String {
    let speed = row.current_speed();
    if speed > 0.0 {
        format::speed(speed)
    } else {
        String::new()
    }
}

/// The time left while the file downloads; how long it took, once it ended.
fn time_text(row: &Row, lang: Lang) -> String {
    if let Some(secs) = row.secs_left() {
        return lang.time_left(secs);
    }
    match (row.started_ms, row.finished_ms) {
        (Some(start), Some(end)) => format!("{:.2} s", end.saturating_sub(start) as f64 / 1000.0),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_lists_drop_columns_by_priority_and_keep_progress_to_the_last() {
        let wide: Vec<Col> = layout(1000.0).iter().map(|(c, _)| *c).collect();
        assert_eq!(wide.len(), 9);
        let small: Vec<Col> = layout(440.0).iter().map(|(c, _)| *c).collect();
        assert_eq!(small, [Col::Name, Col::Status, Col::Progress, Col::Actions]);
        let narrow: Vec<Col> = layout(400.0).iter().map(|(c, _)| *c).collect();
        assert_eq!(narrow, [Col::Name, Col::Status, Col::Actions]);
        let middle: Vec<Col> = layout(640.0).iter().map(|(c, _)| *c).collect();
        assert_eq!(
            middle,
            [
                Col::Name,
                Col::Status,
                Col::Size,
                Col::Progress,
                Col::Actions
            ]
        );
        for width in [300.0, 420.0, 600.0, 1000.0] {
            let used: f32 = layout(width).iter().map(|(_, w)| w + 8.0).sum();
            assert!(used <= width.max(ACTIONS_WIDTH + 240.0), "{width}: {used}");
        }
    }
}
