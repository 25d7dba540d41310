//! Everything the window draws. Each function only reads state and records what the person
//! did; the work itself happens in `DownpourApp`'s methods and on background threads.

use downpour::{Mode, format};
use egui::{Align, Color32, Key, Layout, Modifiers, RichText, Sense};
use egui_plot::{
    Bar, BarChart, GridInput, GridMark, Legend, Line, MarkerShape, Plot, PlotPoints, Points, VLine,
};

use super::charts;
use super::i18n::Lang;
use super::model::{Row, RowStatus, RunView};
use super::{DownpourApp, FolderProblem, Tab, UiMessage, open_in_file_manager};
use downpour::OutcomeKind;

/// Okabe–Ito colours: distinguishable with colour-blindness, legible on light and dark.
const BLUE: Color32 = Color32::from_rgb(0, 114, 178);
const ORANGE: Color32 = Color32::from_rgb(213, 94, 0);
const SKY: Color32 = Color32::from_rgb(86, 180, 233);
const GREY: Color32 = Color32::from_rgb(140, 140, 140);
/// How much of its colour the waiting part of a timeline bar keeps.
const WAITING_FADE: f32 = 0.35;

const ROW_HEIGHT: f32 = 22.0;

/// Chart view state: a bump of `reset` resets zoom and pan; the timeline's bars are cached
/// per run and number of reported items.
#[derive(Default)]
pub struct ChartState {
    reset: u64,
    timeline: Option<(ChartKey, TimelineBars)>,
    order: Option<(ChartKey, OrderSeries)>,
}

/// Which run, and how many of its items were reported, a cached chart was built from.
type ChartKey = (std::time::Instant, usize);

fn chart_key(view: &RunView) -> ChartKey {
    (view.started, view.records.len())
}

/// The completion-order chart's points, built once per new report, not every frame.
#[derive(Default)]
struct OrderSeries {
    reported: Vec<egui_plot::PlotPoint>,
    finished: Vec<egui_plot::PlotPoint>,
}

impl DownpourApp {
    /// The whole window.
    pub fn window_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.shortcuts_ui(&ctx);
        self.close_guard_ui(&ctx);
        self.dropped_files_ui(&ctx);
        egui::Panel::top("top").show(ui, |ui| self.top_bar_ui(ui));
        egui::Panel::left("controls")
            .resizable(true)
            .default_size(380.0)
            .size_range(300.0..=640.0)
            .show(ui, |ui| {
                egui::Panel::bottom("actions")
                    .resizable(false)
                    .frame(egui::Frame::NONE)
                    .show(ui, |ui| self.actions_ui(ui));
                egui::ScrollArea::vertical().show(ui, |ui| self.controls_ui(ui));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            self.progress_ui(ui);
            ui.separator();
            self.tabs_ui(ui);
        });
    }

    fn shortcuts_ui(&mut self, ctx: &egui::Context) {
        if ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::Enter)) {
            self.start(ctx);
        }
    }

    fn top_bar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.heading("Downpour");
            ui.label(RichText::new(self.lang().t().tagline).weak());
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                let lang = self.lang();
                let t = lang.t();
                let mut chosen = lang;
                egui::ComboBox::from_label(t.language)
                    .selected_text(lang.name())
                    .show_ui(ui, |ui| {
                        for option in [Lang::En, Lang::Zh] {
                            ui.selectable_value(&mut chosen, option, option.name())
                                .on_hover_text(t.language_tip);
                        }
                    });
                if chosen != lang {
                    self.settings.language = Some(chosen);
                }
            });
        });
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let t = lang.t();
        let running = self.is_running();
        let ctx = ui.ctx().clone();

        ui.heading(t.urls_heading);
        let label = ui.label(t.urls_label);
        let edit = egui::TextEdit::multiline(&mut self.settings.url_text)
            .hint_text(t.urls_hint)
            .desired_rows(12)
            .desired_width(f32::INFINITY)
            .code_editor();
        let response = egui::ScrollArea::vertical()
            .id_salt("urls")
            .max_height(260.0)
            .show(ui, |ui| ui.add_enabled(!running, edit))
            .inner
            .labelled_by(label.id);
        if response.changed() {
            self.reparse();
        }
        ui.horizontal(|ui| {
            let counts = lang.urls_ready(self.list.entries.len(), self.list.rejected.len());
            let color = if self.list.rejected.is_empty() {
                ui.visuals().text_color()
            } else {
                ORANGE
            };
            ui.label(RichText::new(counts).color(color));
        });
        if let Some(summary) = lang.links_from_text(self.list.from_text, self.list.ignored) {
            ui.label(RichText::new(summary).weak().small());
        }
        if !self.list.rejected.is_empty() {
            egui::CollapsingHeader::new(lang.lines_not_understood(self.list.rejected.len()))
                .id_salt("bad_lines")
                .default_open(self.list.rejected.len() <= 5)
                .show(ui, |ui| {
                    for bad in self.list.rejected.iter().take(200) {
                        ui.label(
                            RichText::new(lang.bad_line(bad.line, &bad.reason.to_string()))
                                .color(ORANGE),
                        )
                        .on_hover_text(&bad.text);
                    }
                    if self.list.rejected.len() > 200 {
                        ui.label("…");
                    }
                });
        }
        ui.horizontal(|ui| {
            let import = ui
                .add_enabled(!running, egui::Button::new(t.import))
                .on_hover_text(t.import_tip);
            if import.clicked() {
                self.spawn_helper(&ctx, || {
                    let paths = rfd::FileDialog::new()
                        .add_filter(
                            "Link lists",
                            &["txt", "csv", "tsv", "list", "md", "html", "htm"],
                        )
                        .pick_files()?;
                    Some(super::read_lists(paths))
                });
            }
            if ui
                .add_enabled(!running, egui::Button::new(t.clear))
                .on_hover_text(t.clear_tip)
                .clicked()
            {
                self.settings.url_text.clear();
                self.reparse();
            }
        });

        ui.add_space(8.0);
        ui.heading(t.save_to);
        let folder_label = ui.label(t.folder_label);
        let folder_edit = ui
            .add_enabled(
                !running,
                egui::TextEdit::singleline(&mut self.settings.folder).desired_width(f32::INFINITY),
            )
            .labelled_by(folder_label.id);
        if folder_edit.changed() {
            self.folder_problem = None;
        }
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!running, egui::Button::new(t.choose))
                .on_hover_text(t.choose_tip)
                .clicked()
            {
                let unavailable = t.dialog_unavailable;
                self.spawn_helper(&ctx, move || {
                    Some(match rfd::FileDialog::new().pick_folder() {
                        Some(path) => UiMessage::Folder(path),
                        None => UiMessage::Notice(unavailable.to_owned()),
                    })
                });
            }
            if ui
                .button(t.open_folder)
                .on_hover_text(t.open_folder_tip)
                .clicked()
            {
                open_in_file_manager(&self.folder());
            }
        });
        match self.folder_problem.clone() {
            Some(FolderProblem::Missing(path)) => {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(format!("{} {}", path.display(), t.folder_missing))
                            .color(ORANGE),
                    );
                    if ui.button(t.create_folder).clicked() {
                        self.create_folder();
                    }
                });
            }
            Some(FolderProblem::Unusable(sentence)) => {
                ui.label(RichText::new(sentence).color(ORANGE));
            }
            None => {}
        }
        if let Some(notice) = &self.notice {
            ui.label(RichText::new(notice).weak());
        }

        ui.add_space(8.0);
        ui.heading(t.mode_heading);
        ui.add_enabled_ui(!running, |ui| {
            for &mode in Mode::all() {
                ui.radio_value(&mut self.settings.mode, mode, lang.mode_label(mode))
                    .on_hover_text(lang.mode_tooltip(mode));
                ui.indent(mode.as_str(), |ui| {
                    ui.label(RichText::new(lang.mode_explain(mode)).weak().small());
                });
            }
            let sequential = self.settings.mode == Mode::Sequential;
            ui.horizontal(|ui| {
                let label = ui.label(t.workers);
                ui.add_enabled(
                    !sequential,
                    egui::Slider::new(
                        &mut self.settings.workers,
                        downpour::options::WORKERS.range(),
                    ),
                )
                .on_hover_text(t.workers_tip)
                .on_disabled_hover_text(t.workers_sequential)
                .labelled_by(label.id);
            });
            ui.horizontal(|ui| {
                let label = ui.label(t.retries);
                ui.add(egui::Slider::new(&mut self.settings.retries, 0..=10))
                    .on_hover_text(t.retries_tip)
                    .labelled_by(label.id);
            });
            ui.checkbox(&mut self.settings.checksums, t.checksums)
                .on_hover_text(t.checksums_tip);
        });
    }

    /// Start, Cancel and Retry failed: pinned under the controls, so they stay in view
    /// however long the list of problems above them grows.
    fn actions_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let running = self.is_running();
        let blocker = self.start_blocker();
        let ctx = ui.ctx().clone();
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let start = ui
                .add_enabled(
                    blocker.is_none(),
                    egui::Button::new(RichText::new(t.start).strong()),
                )
                .on_hover_text(t.start_tip)
                .on_disabled_hover_text(blocker.unwrap_or_default());
            if start.clicked() {
                self.start(&ctx);
            }
            let cancel_text = if self.is_cancelling() {
                t.cancelling
            } else {
                t.cancel
            };
            if ui
                .add_enabled(
                    running && !self.is_cancelling(),
                    egui::Button::new(cancel_text),
                )
                .on_hover_text(t.cancel_tip)
                .clicked()
            {
                self.cancel();
            }
            // Retry failed re-runs every failed row, so the last run's count is the rows' count.
            let failed = self.view.as_ref().map_or(0, |v| v.failed);
            if failed > 0
                && ui
                    .add_enabled(
                        !running,
                        egui::Button::new(format!("{} ({failed})", t.retry_failed)),
                    )
                    .on_hover_text(t.retry_failed_tip)
                    .clicked()
            {
                self.retry_failed(&ctx);
            }
        });
        // Always one line, so the buttons do not move when the reason comes or goes.
        let reason = blocker.filter(|_| !running).unwrap_or_default();
        ui.add(egui::Label::new(RichText::new(reason).weak()).truncate());
        ui.add_space(2.0);
    }

    fn progress_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let t = lang.t();
        let Some(view) = &self.view else {
            ui.label(t.no_run_yet);
            return;
        };
        let fraction = if view.total == 0 {
            0.0
        } else {
            view.reported as f32 / view.total as f32
        };
        let mut parts = vec![
            lang.files_done(view.reported, view.total),
            format::bytes(view.bytes),
        ];
        if !view.is_finished() {
            parts.push(format::speed(view.speed));
            if let Some(eta) = view.eta_secs() {
                parts.push(format!("{} {}", format::eta(eta), t.eta));
            }
        }
        parts.push(format!(
            "{} {}",
            t.elapsed,
            format::seconds(view.elapsed_ms())
        ));
        ui.add(
            egui::ProgressBar::new(fraction)
                .text(parts.join(" · "))
                .desired_width(ui.available_width()),
        );
        if view.failed + view.cancelled > 0 {
            ui.label(format!(
                "{} {} · {} {} · {} {}",
                view.done,
                t.status_done,
                view.failed,
                t.status_failed,
                view.cancelled,
                t.status_cancelled
            ));
        }
    }

    fn tabs_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, Tab::Downloads, t.tab_downloads);
            ui.selectable_value(&mut self.tab, Tab::Results, t.tab_results);
            ui.selectable_value(&mut self.tab, Tab::Charts, t.tab_charts);
        });
        ui.separator();
        match self.tab {
            Tab::Downloads => self.downloads_ui(ui),
            Tab::Results => self.results_ui(ui),
            Tab::Charts => self.charts_ui(ui),
        }
    }

    fn downloads_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let t = lang.t();
        let Some(view) = &self.view else {
            return;
        };
        let widths = [44.0, 170.0, 210.0, 76.0, 100.0, 56.0, 50.0];
        ui.horizontal(|ui| {
            for (title, width) in [
                t.col_index,
                t.col_name,
                t.col_status,
                t.col_size,
                t.col_progress,
                t.col_time,
                t.col_worker,
            ]
            .iter()
            .zip(widths)
            {
                ui.add_sized(
                    [width, ROW_HEIGHT],
                    egui::Label::new(RichText::new(*title).strong()),
                );
            }
        });
        let mut open = None;
        egui::ScrollArea::both()
            .id_salt("rows")
            .auto_shrink(false)
            .show_rows(ui, ROW_HEIGHT, view.rows.len(), |ui, range| {
                for row in &view.rows[range] {
                    if row_ui(ui, row, lang, &widths) {
                        open = row.path.clone();
                    }
                }
            });
        if let Some(path) = open {
            open_in_file_manager(path.parent().unwrap_or(&path));
        }
    }

    fn results_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let t = lang.t();
        let Some(view) = &self.view else {
            ui.label(t.no_run_yet);
            return;
        };
        let intro = format!("{} — {}", t.results_intro, lang.mode_label(view.mode));
        ui.horizontal(|ui| {
            ui.label(intro);
            self.export_buttons_ui(ui);
        });
        let Some(view) = &self.view else {
            return;
        };
        let order: Vec<String> = view
            .results
            .iter()
            .take(40)
            .map(|r| r.index.to_string())
            .collect();
        let mut summary = order.join(", ");
        if view.results.len() > 40 {
            summary.push_str(", …");
        }
        ui.label(RichText::new(summary).monospace().strong());
        if let Some(ms) = view.elapsed_ms {
            ui.label(RichText::new(format!("{}: {}", t.total_time, format::seconds(ms))).strong());
        }
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("results")
            .auto_shrink(false)
            .show_rows(ui, ROW_HEIGHT, view.results.len(), |ui, range| {
                for line in &view.results[range] {
                    let color = if line.outcome == OutcomeKind::Done {
                        ui.visuals().text_color()
                    } else {
                        ORANGE
                    };
                    ui.label(
                        RichText::new(format!(
                            "#{}  {}  {}  {:.2} s",
                            line.index,
                            status_word(lang, line.outcome),
                            line.detail,
                            line.secs
                        ))
                        .color(color)
                        .monospace(),
                    );
                }
            });
    }

    fn charts_ui(&mut self, ui: &mut egui::Ui) {
        if self.view.is_none() {
            ui.label(self.lang().t().no_run_yet);
            return;
        }
        let ctx = ui.ctx().clone();
        let mut save_png = false;
        let mut reset_zoom = false;
        ui.horizontal(|ui| {
            reset_zoom = ui
                .button("Reset zoom")
                .on_hover_text("Show the whole of every chart again")
                .clicked();
            save_png = ui
                .button("Save chart as PNG")
                .on_hover_text("Save a picture of these charts in the save folder")
                .clicked();
            self.export_buttons_ui(ui);
        });
        if reset_zoom {
            self.chart_state.reset += 1;
        }
        let reset = self.chart_state.reset;
        // Explicit sizes: inside a scroll area the available width is unbounded.
        let size = egui::vec2(
            (ui.available_width() - 16.0).max(200.0),
            ((ui.available_height() - 60.0) / 3.0).max(140.0),
        );
        if save_png {
            self.save_charts_png(&ctx, ui.available_rect_before_wrap());
        }
        let Some(view) = &self.view else {
            return;
        };
        let chart_state = &mut self.chart_state;
        egui::ScrollArea::vertical()
            .id_salt("charts")
            .show(ui, |ui| {
                ui.label(RichText::new("Timeline: one lane per worker").strong());
                timeline_ui(ui, view, chart_state, size);
                ui.label(
                    RichText::new(
                        "Completion order: position in the list against order of the result",
                    )
                    .strong(),
                );
                order_ui(ui, view, chart_state, size);
                ui.label(RichText::new("Run comparison: total time of each run").strong());
                comparison_ui(ui, &self.history, size, reset);
            });
    }

    fn export_buttons_ui(&self, ui: &mut egui::Ui) {
        let finished = self.view.as_ref().is_some_and(RunView::is_finished);
        let ctx = ui.ctx().clone();
        if ui
            .add_enabled(finished, egui::Button::new("Export CSV"))
            .on_hover_text(
                "Save one row per file (times, sizes, errors, SHA-256) in the save folder",
            )
            .on_disabled_hover_text("Available when the run has finished")
            .clicked()
        {
            self.export(&ctx, super::ExportFormat::Csv);
        }
        if ui
            .add_enabled(finished, egui::Button::new("Export JSON"))
            .on_hover_text("Save the run report as JSON in the save folder")
            .on_disabled_hover_text("Available when the run has finished")
            .clicked()
        {
            self.export(&ctx, super::ExportFormat::Json);
        }
    }

    fn close_guard_ui(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.is_running()
            && !self.quit_when_done
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm_close = true;
        }
        if !self.confirm_close {
            return;
        }
        let t = self.lang().t();
        let modal = egui::Modal::new(egui::Id::unique("confirm_close")).show(ctx, |ui| {
            ui.heading(t.close_title);
            ui.label(t.close_body);
            ui.horizontal(|ui| {
                if ui.button(t.close_cancel_and_quit).clicked() {
                    self.quit_when_done = true;
                    self.confirm_close = false;
                    self.cancel();
                    if !self.is_running() {
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                }
                if ui.button(t.close_keep).clicked() {
                    self.confirm_close = false;
                }
            });
        });
        if modal.should_close() {
            self.confirm_close = false;
        }
    }

    fn dropped_files_ui(&mut self, ctx: &egui::Context) {
        let dropped: Vec<std::path::PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() && !self.is_running() {
            self.add_list_files(ctx, dropped);
        }
        if ctx.input(|i| !i.raw.hovered_files.is_empty()) {
            let t = self.lang().t();
            egui::Area::new(egui::Id::unique("drop_hint"))
                .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
                .show(ctx, |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| ui.heading(t.drop_hint));
                });
        }
    }
}

fn status_word(lang: Lang, outcome: OutcomeKind) -> &'static str {
    let t = lang.t();
    match outcome {
        OutcomeKind::Done => t.status_done,
        OutcomeKind::Failed => t.status_failed,
        OutcomeKind::Cancelled => t.status_cancelled,
        OutcomeKind::Skipped => t.status_done,
    }
}

/// One row of the downloads list; true when it was double-clicked and has a file.
fn row_ui(ui: &mut egui::Ui, row: &Row, lang: Lang, widths: &[f32; 7]) -> bool {
    let t = lang.t();
    let status = match row.status {
        RowStatus::Queued => t.status_queued,
        RowStatus::Downloading
            if row.total.is_some_and(|total| total == row.bytes) && row.bytes > 0 =>
        {
            t.status_waiting
        }
        RowStatus::Downloading => t.status_downloading,
        RowStatus::Done => t.status_done,
        RowStatus::Failed => t.status_failed,
        RowStatus::Cancelled => t.status_cancelled,
    };
    let color = match row.status {
        RowStatus::Failed => ORANGE,
        RowStatus::Cancelled => GREY,
        _ => ui.visuals().text_color(),
    };
    let time = match (row.started_ms, row.finished_ms) {
        (Some(start), Some(end)) => format!("{:.2} s", end.saturating_sub(start) as f64 / 1000.0),
        _ => String::new(),
    };
    let size = match row.total {
        Some(total) => format::bytes(total),
        None if row.bytes > 0 => format::bytes(row.bytes),
        None => String::new(),
    };
    let response = ui
        .horizontal(|ui| {
            ui.add_sized(
                [widths[0], ROW_HEIGHT],
                egui::Label::new(row.index.to_string()),
            );
            ui.add_sized(
                [widths[1], ROW_HEIGHT],
                egui::Label::new(&row.name).truncate(),
            )
            .on_hover_ui(|ui| {
                ui.label(&row.url);
                if let Some(hash) = &row.hash {
                    ui.label(format!("SHA-256: {hash}"));
                }
            });
            let status_text = match &row.message {
                Some(message) if row.status != RowStatus::Done => format!("{status}: {message}"),
                _ => status.to_owned(),
            };
            ui.add_sized(
                [widths[2], ROW_HEIGHT],
                // A truncated label shows its whole text on hover by itself.
                egui::Label::new(RichText::new(&status_text).color(color)).truncate(),
            );
            ui.add_sized([widths[3], ROW_HEIGHT], egui::Label::new(size));
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
                    ui.add_sized([widths[4], ROW_HEIGHT - 4.0], bar.desired_width(widths[4]))
                }
                None => ui.add_sized([widths[4], ROW_HEIGHT], egui::Label::new("")),
            };
            ui.add_sized([widths[5], ROW_HEIGHT], egui::Label::new(time));
            let worker = if row.worker > 0 {
                row.worker.to_string()
            } else {
                String::new()
            };
            ui.add_sized([widths[6], ROW_HEIGHT], egui::Label::new(worker));
        })
        .response;
    let response = ui.interact(
        response.rect,
        ui.scope_id().with(("row", row.index)),
        Sense::click(),
    );
    let response = if row.status == RowStatus::Done {
        response.on_hover_text(t.row_tip)
    } else {
        response
    };
    response.double_clicked() && row.status == RowStatus::Done && row.path.is_some()
}

fn kind_style(kind: OutcomeKind) -> (Color32, f64, &'static str) {
    match kind {
        OutcomeKind::Done => (BLUE, 0.7, "done"),
        OutcomeKind::Failed => (ORANGE, 0.45, "failed"),
        OutcomeKind::Cancelled => (GREY, 0.25, "cancelled"),
        OutcomeKind::Skipped => (SKY, 0.25, "skipped"),
    }
}

/// The timeline's bars for the reported items: built once per new report, not every frame.
#[derive(Clone, Default)]
pub struct TimelineBars {
    waiting: Vec<Bar>,
    groups: [Vec<Bar>; 3],
}

fn timeline_bars(view: &RunView) -> TimelineBars {
    let by_index: std::collections::HashMap<usize, &downpour::ItemRecord> =
        view.records.iter().map(|r| (r.index, r)).collect();
    let mut bars = TimelineBars::default();
    for lane in charts::lanes(&view.records) {
        for bar in &lane.bars {
            let (color, width, word) = kind_style(bar.kind);
            let label = by_index.get(&bar.index).map_or_else(String::new, |r| {
                let mut text = format!(
                    "#{} {} ({word})\n{}\n{} · start {:.2} s · end {:.2} s",
                    r.index,
                    r.file_name(),
                    r.url,
                    format::bytes(r.bytes),
                    bar.start,
                    bar.end
                );
                if let Some(err) = r.outcome.error() {
                    text.push('\n');
                    text.push_str(&err.to_string());
                }
                text
            });
            let transfer_from = bar.first_byte.unwrap_or(bar.start).min(bar.end);
            if transfer_from > bar.start {
                bars.waiting.push(
                    Bar::new(lane.worker as f64, transfer_from - bar.start)
                        .base_offset(bar.start)
                        .width(width)
                        .fill(color.gamma_multiply(WAITING_FADE))
                        .name(format!("{label}\n(waiting for the server)")),
                );
            }
            let slot = match bar.kind {
                OutcomeKind::Done | OutcomeKind::Skipped => 0,
                OutcomeKind::Failed => 1,
                OutcomeKind::Cancelled => 2,
            };
            bars.groups[slot].push(
                Bar::new(lane.worker as f64, (bar.end - transfer_from).max(0.001))
                    .base_offset(transfer_from)
                    .width(width)
                    .fill(color)
                    .name(label),
            );
        }
    }
    bars
}

/// Grid marks at "nice" steps (1, 2 or 5 × 10ⁿ, never below `min_step`) chosen so that about
/// `labels` of them span the visible range: a 1.9 s run reads 0, 0.2, 0.4 … rather than 0, 1.
fn nice_grid(input: GridInput, labels: f64, min_step: f64) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let raw = ((hi - lo) / labels).max(min_step).max(f64::EPSILON);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * magnitude)
        .max(min_step);
    let mut marks = marks_every(input.bounds, step, |_| true);
    if step / 5.0 >= min_step {
        // Unlabelled minor lines at a fifth of the step, except where a major one is.
        marks.extend(marks_every(input.bounds, step / 5.0, |i| i % 5 != 0));
    }
    marks
}

/// The multiples `i × size` inside `bounds` whose `i` passes `keep` (none if absurdly many).
fn marks_every(bounds: (f64, f64), size: f64, keep: impl Fn(i64) -> bool) -> Vec<GridMark> {
    let first = (bounds.0 / size - 1e-9).ceil() as i64;
    let last = (bounds.1 / size + 1e-9).floor() as i64;
    if last - first > 1000 {
        return Vec::new();
    }
    (first..=last)
        .filter(|i| keep(*i))
        .map(|i| GridMark {
            value: i as f64 * size,
            step_size: size,
        })
        .collect()
}

/// A tick label with as many decimals as its step needs: 0.5 s steps read "1.5", not "2".
fn tick_label(mark: GridMark) -> String {
    let decimals = (-mark.step_size.log10()).ceil().max(0.0) as usize;
    format!("{:.*}", decimals, mark.value)
}

pub(super) fn timeline_ui(
    ui: &mut egui::Ui,
    view: &RunView,
    state: &mut ChartState,
    size: egui::Vec2,
) {
    let key = chart_key(view);
    let TimelineBars { waiting, groups } = match &state.timeline {
        Some((cached, bars)) if *cached == key => bars.clone(),
        _ => {
            let bars = timeline_bars(view);
            state.timeline = Some((key, bars.clone()));
            bars
        }
    };
    // Downloads still running grow live, up to now.
    let now = view.elapsed_ms() as f64 / 1000.0;
    let running: Vec<Bar> = view
        .rows
        .iter()
        .filter(|r| r.status == RowStatus::Downloading && r.worker > 0)
        .filter_map(|r| {
            let start = r.started_ms? as f64 / 1000.0;
            Some(
                Bar::new(r.worker as f64, (now - start).max(0.001))
                    .base_offset(start)
                    .width(0.7)
                    .name(format!("#{} {} (downloading)", r.index, r.name)),
            )
        })
        .collect();
    let reset = state.reset;
    let total = view.elapsed_ms() as f64 / 1000.0;
    Plot::new(("timeline", reset))
        .width(size.x)
        .height(size.y)
        .legend(Legend::default())
        .x_axis_label("seconds since start")
        .x_grid_spacer(|input| nice_grid(input, 8.0, 0.001))
        .x_axis_formatter(|mark, _| tick_label(mark))
        .y_axis_label("worker")
        .y_grid_spacer(|input| nice_grid(input, 8.0, 1.0))
        .include_x(0.0)
        // Room above the top lane for the legend.
        .include_y(0.0)
        .include_y(view.workers as f64 + 1.6)
        .show(ui, |plot| {
            // Each bar's waiting part is its own colour, faded; the legend shows a done one's.
            plot.bar_chart(
                BarChart::new("waiting for first byte", waiting)
                    .color(kind_style(OutcomeKind::Done).0.gamma_multiply(WAITING_FADE))
                    .horizontal(),
            );
            plot.bar_chart(
                BarChart::new("downloading", running)
                    .color(SKY.gamma_multiply(0.7))
                    .horizontal(),
            );
            for (slot, bars) in groups.into_iter().enumerate() {
                let (color, _, word) = kind_style(
                    [
                        OutcomeKind::Done,
                        OutcomeKind::Failed,
                        OutcomeKind::Cancelled,
                    ][slot],
                );
                plot.bar_chart(BarChart::new(word, bars).color(color).horizontal());
            }
            plot.vline(VLine::new(format!("total {total:.2} s"), total).color(GREY));
        });
}

pub(super) fn order_ui(
    ui: &mut egui::Ui,
    view: &RunView,
    state: &mut ChartState,
    size: egui::Vec2,
) {
    let key = chart_key(view);
    if state
        .order
        .as_ref()
        .is_none_or(|(cached, _)| *cached != key)
    {
        let points = charts::order_points(&view.records);
        let series = OrderSeries {
            reported: points
                .iter()
                .map(|p| egui_plot::PlotPoint::new(p.index as f64, p.reported as f64))
                .collect(),
            finished: points
                .iter()
                .map(|p| egui_plot::PlotPoint::new(p.index as f64, p.finished as f64))
                .collect(),
        };
        state.order = Some((key, series));
    }
    let Some((_, series)) = &state.order else {
        return;
    };
    let n = series.reported.len().max(1) as f64;
    let reset = state.reset;
    Plot::new(("order", reset))
        .width(size.x)
        .height(size.y)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .x_axis_label("position in the list")
        .x_grid_spacer(|input| nice_grid(input, 10.0, 1.0))
        .y_axis_label("order of the result")
        .y_grid_spacer(|input| nice_grid(input, 6.0, 1.0))
        .show(ui, |plot| {
            plot.line(
                Line::new("input order", PlotPoints::from(vec![[1.0, 1.0], [n, n]])).color(GREY),
            );
            plot.points(
                Points::new("reported", PlotPoints::Borrowed(&series.reported))
                    .shape(MarkerShape::Circle)
                    .radius(4.0)
                    .color(BLUE)
                    .filled(true),
            );
            if view.mode == Mode::Map {
                plot.points(
                    Points::new(
                        "finished downloading",
                        PlotPoints::Borrowed(&series.finished),
                    )
                    .shape(MarkerShape::Diamond)
                    .radius(4.0)
                    .color(ORANGE)
                    .filled(false),
                );
            }
        });
}

pub(super) fn comparison_ui(
    ui: &mut egui::Ui,
    history: &[charts::RunSummary],
    size: egui::Vec2,
    reset: u64,
) {
    let bars: Vec<Bar> = history
        .iter()
        .enumerate()
        .map(|(i, run)| {
            let mut label = format!(
                "{} ×{} · {} files · {}",
                run.mode.as_str(),
                run.workers,
                run.files,
                format::seconds(run.elapsed_ms)
            );
            if let Some(speedup) = charts::speedup(history, i) {
                label.push_str(&format!(" · {speedup:.1}× the sequential time"));
            }
            Bar::new(i as f64 + 1.0, run.elapsed_ms as f64 / 1000.0)
                .width(0.6)
                .name(label)
        })
        .collect();
    let ideal: PlotPoints = history
        .iter()
        .enumerate()
        .filter_map(|(i, run)| Some([i as f64 + 1.0, run.ideal_ms()? as f64 / 1000.0]))
        .collect();
    // Each run's tick names its mode and workers: "map ×8".
    let ticks: Vec<String> = history
        .iter()
        .map(|run| format!("{} ×{}", run.mode.as_str(), run.workers))
        .collect();
    Plot::new(("comparison", reset))
        .width(size.x)
        .height(size.y)
        .legend(Legend::default())
        .x_axis_label("run")
        .x_axis_formatter(move |mark, _| {
            let run = mark.value.round();
            match ticks.get((run as usize).wrapping_sub(1)) {
                Some(label) if (mark.value - run).abs() < 1e-6 => label.clone(),
                _ => String::new(),
            }
        })
        .y_axis_label("seconds")
        .y_grid_spacer(|input| nice_grid(input, 6.0, 0.001))
        .y_axis_formatter(|mark, _| tick_label(mark))
        .include_x(0.0)
        .include_x(history.len() as f64 + 1.0)
        .include_y(0.0)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("total time", bars).color(BLUE));
            plot.points(
                Points::new("ideal time", ideal)
                    .shape(MarkerShape::Diamond)
                    .radius(6.0)
                    .color(ORANGE),
            );
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labelled(bounds: (f64, f64), labels: f64, min_step: f64) -> Vec<String> {
        let marks = nice_grid(
            GridInput {
                bounds,
                base_step_size: 0.0,
            },
            labels,
            min_step,
        );
        let major = marks.iter().map(|m| m.step_size).fold(0.0, f64::max);
        marks
            .into_iter()
            .filter(|m| m.step_size == major)
            .map(tick_label)
            .collect()
    }

    #[test]
    fn axes_get_readable_steps_and_decimals() {
        // A 1.9 s run: half seconds, one decimal (egui's default gave only "0" and "1").
        assert_eq!(
            labelled((-0.05, 1.95), 8.0, 0.001),
            ["0.0", "0.5", "1.0", "1.5"]
        );
        assert_eq!(
            labelled((0.0, 0.7), 8.0, 0.001),
            ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"]
        );
        // Half-second steps keep their decimal.
        assert_eq!(
            labelled((0.0, 3.0), 6.0, 0.001),
            ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"]
        );
        // Positions in a list are whole numbers, however few.
        assert_eq!(labelled((0.5, 3.5), 10.0, 1.0), ["1", "2", "3"]);
        assert_eq!(
            labelled((0.0, 100.0), 6.0, 1.0),
            ["0", "20", "40", "60", "80", "100"]
        );
    }
}
