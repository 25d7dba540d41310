//! The left panel: the links box, the save folder, how to download, and the Start, Cancel and
//! Retry failed actions pinned under them.

use downpour::Mode;
use egui::RichText;

use super::folder_dialogs::Outcome;
use super::style::{ORANGE, primary_button};
use super::{DownpourApp, Notice, UiMessage};

/// How many lines of numbered ranges are shown with what they become.
const SHOWN_RANGES: usize = 5;

/// How many lines of links the links box shows before it scrolls.
const LINK_ROWS: f32 = 12.0;

/// How many lines of notes about the links box are shown before they scroll.
const NOTE_LINES: f32 = 3.0;

/// How many rejected lines the list of problems shows at most.
const SHOWN_BAD_LINES: usize = 200;

impl DownpourApp {
    /// The scrolling part of the left panel: links, folder and mode.
    pub(super) fn controls_ui(&mut self, ui: &mut egui::Ui) {
        self.links_ui(ui);
        ui.add_space(8.0);
        self.folder_ui(ui);
        ui.add_space(8.0);
        self.mode_ui(ui);
    }

    /// The links box, how many links it holds, the lines it did not understand, Import and
    /// Clear.
    fn links_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let t = lang.t();
        ui.heading(t.urls_heading);
        let label = ui.label(t.urls_label);
        // A box of fixed height that scrolls: a long paste never pushes what is under it.
        let height = ui.text_style_height(&egui::TextStyle::Monospace) * LINK_ROWS + 8.0;
        let edit = egui::TextEdit::multiline(&mut self.settings.url_text)
            .hint_text(t.urls_hint)
            .desired_rows(12)
            .min_size(egui::vec2(0.0, height))
            .desired_width(f32::INFINITY)
            .code_editor()
            // Tab moves on to the next control (a link never holds a tab), as everywhere else.
            .lock_focus(false);
        let response = egui::ScrollArea::vertical()
            .id_salt("urls")
            .max_height(height)
            .auto_shrink([false, false])
            .show(ui, |ui| ui.add(edit))
            .inner
            .labelled_by(label.id);
        if response.changed() {
            self.reparse();
        }
        // The notes about the box sit in a place of fixed height (scrolled when they are
        // many), so that pasting never moves the folder and the buttons under them.
        let line = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
        egui::ScrollArea::vertical()
            .id_salt("link_notes")
            .max_height(NOTE_LINES * line + ui.spacing().interact_size.y - line)
            .auto_shrink([false, false])
            .show(ui, |ui| self.link_notes_ui(ui));
        self.list_buttons_ui(ui);
    }

    /// How many links the box holds, the duplicates, what numbered ranges become, and the
    /// lines it did not understand.
    fn link_notes_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.horizontal(|ui| {
            let counts = lang.urls_ready(self.list.entries.len(), self.list.rejected.len());
            let color = if self.list.rejected.is_empty() {
                ui.visuals().text_color()
            } else {
                ORANGE
            };
            ui.label(RichText::new(counts).color(color));
            self.duplicates_ui(ui);
        });
        for ranged in self.list.ranged.iter().take(SHOWN_RANGES) {
            ui.label(RichText::new(lang.ranged(ranged)).small());
        }
        if self.list.ranged.len() > SHOWN_RANGES {
            ui.label("…");
        }
        if self.list.left_out > 0 {
            let taken = self.list.entries.len();
            let sentence = lang.links_left_out(taken, self.list.left_out);
            ui.label(RichText::new(sentence).color(ORANGE));
        }
        if let Some(summary) = lang.links_from_text(self.list.from_text, self.list.ignored) {
            ui.label(RichText::new(summary).weak().small());
        }
        self.bad_lines_ui(ui);
    }

    /// How many links repeat earlier ones, and the button that drops their lines.
    fn duplicates_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        if self.list.duplicates == 0 {
            return;
        }
        ui.label(RichText::new(lang.duplicates(self.list.duplicates)).color(ORANGE));
        let drop = ui
            .add_enabled(
                !self.list.duplicate_lines.is_empty(),
                egui::Button::new(lang.drop_duplicates()),
            )
            .on_hover_text(lang.drop_duplicates_tip());
        if drop.clicked() {
            let text = &self.settings.url_text;
            self.settings.url_text = downpour::urls::drop_lines(text, &self.list.duplicate_lines);
            self.reparse();
        }
    }

    /// Every line of the links box that is not a link, with the reason.
    fn bad_lines_ui(&self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let rejected = &self.list.rejected;
        if rejected.is_empty() {
            return;
        }
        egui::CollapsingHeader::new(lang.lines_not_understood(rejected.len()))
            .id_salt("bad_lines")
            .default_open(rejected.len() <= 5)
            .show(ui, |ui| {
                for bad in rejected.iter().take(SHOWN_BAD_LINES) {
                    ui.label(
                        RichText::new(lang.bad_line(bad.line, &lang.line_error(&bad.reason)))
                            .color(ORANGE),
                    )
                    .on_hover_text(&bad.text);
                }
                if rejected.len() > SHOWN_BAD_LINES {
                    ui.label("…");
                }
            });
    }

    /// Import list…, From a web page…, Clear, and under them Check links (during a run too: new links join it with Add to the run).
    fn list_buttons_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        ui.horizontal(|ui| {
            let import = ui.button(t.import).on_hover_text(t.import_tip);
            if import.clicked() {
                let (title, filter) = (t.import_title, t.link_lists);
                let dialogs = self.folders.system_dialogs;
                self.spawn_helper(ui.ctx(), move || {
                    let picked = if dialogs {
                        super::folder_dialogs::pick_lists(title, filter)
                    } else {
                        Outcome::InWindow
                    };
                    match picked {
                        Outcome::Chosen(paths) => Some(super::read_lists(paths)),
                        Outcome::Cancelled => None,
                        Outcome::InWindow => Some(UiMessage::Notice(Notice::NoFileDialog)),
                    }
                });
            }
            if ui
                .button(t.from_page)
                .on_hover_text(t.from_page_tip)
                .clicked()
            {
                self.page.open = true;
            }
            if ui.button(t.clear).on_hover_text(t.clear_tip).clicked() {
                self.settings.url_text.clear();
                self.reparse();
            }
        });
        self.check_button_ui(ui);
    }

    /// The save folder: its field, Choose…, Open folder, and what is wrong with it.
    fn folder_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let running = self.is_running();
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
                let start = self.folder();
                self.folders.choose(ui.ctx(), start, t.browse_title);
            }
            if ui
                .button(t.open_folder)
                .on_hover_text(t.open_folder_tip)
                .clicked()
            {
                self.open_folder(ui.ctx(), self.folder());
            }
        });
    }

    /// The three modes, each with what the person will see, in body text; then the Advanced
    /// section.
    fn mode_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.heading(lang.t().mode_heading);
        ui.add_enabled_ui(!self.is_running(), |ui| {
            for &mode in Mode::all() {
                ui.radio_value(&mut self.settings.run.mode, mode, lang.mode_label(mode))
                    .on_hover_text(lang.mode_tooltip(mode));
                ui.indent(mode.as_str(), |ui| {
                    ui.label(lang.mode_explain(mode));
                });
            }
        });
        ui.add_space(8.0);
        self.advanced_ui(ui);
    }

    /// Advanced, closed until the person opens it (and as they left it after a restart):
    /// workers, retries, checksums, what to do with files already there, connections per file
    /// and the network (fixed during a run), then the speed limit and what to do when
    /// everything is done (which are not).
    fn advanced_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let running = self.is_running();
        let section = egui::CollapsingHeader::new(RichText::new(t.advanced).strong())
            .id_salt("advanced")
            .open(Some(self.settings.advanced_open))
            .show(ui, |ui| {
                ui.add_enabled_ui(!running, |ui| {
                    self.settings_ui(ui);
                    self.fetch_settings_ui(ui);
                    self.network_ui(ui);
                });
                self.live_settings_ui(ui);
            });
        let header = section.header_response.on_hover_text(t.advanced_tip);
        if header.clicked() {
            self.settings.advanced_open = !self.settings.advanced_open;
        }
    }

    /// Workers, Retries and the checksum switch.
    fn settings_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let sequential = !self.settings.run.mode.parallel();
        ui.horizontal(|ui| {
            let label = ui.label(t.workers);
            ui.add_enabled(
                !sequential,
                egui::Slider::new(
                    &mut self.settings.run.workers,
                    downpour::options::WORKERS.range(),
                ),
            )
            .on_hover_text(t.workers_tip)
            .on_disabled_hover_text(t.workers_sequential)
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label(t.retries);
            ui.add(egui::Slider::new(&mut self.settings.run.retries, 0..=10))
                .on_hover_text(t.retries_tip)
                .labelled_by(label.id);
        });
        ui.checkbox(&mut self.settings.run.checksums, t.checksums)
            .on_hover_text(t.checksums_tip);
        if ui
            .checkbox(&mut self.settings.run.ranges, t.ranges)
            .on_hover_text(t.ranges_tip)
            .changed()
        {
            self.reparse();
        }
    }

    /// Add to the run (in place of Start during a run, a plain button: while files come there
    /// is no one next step): the links of the box that are not in the list join the running
    /// run.
    fn add_to_run_button_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let add = ui
            .add_enabled(
                !self.list.entries.is_empty(),
                egui::Button::new(t.add_to_run),
            )
            .on_hover_text(t.add_to_run_tip)
            .on_disabled_hover_text(t.no_new_links);
        if add.clicked() && !self.add_to_run(ui.ctx()) {
            self.notice = Some(Notice::NoNewLinks);
        }
    }

    /// How many rows Continue would download (waiting or paused ones), while no run goes.
    fn unfinished_rows(&self) -> usize {
        if self.is_running() {
            return 0;
        }
        self.view.as_ref().map_or(0, |v| {
            v.rows
                .iter()
                .filter(|r| {
                    matches!(
                        r.status,
                        super::model::RowStatus::Queued | super::model::RowStatus::Paused
                    )
                })
                .count()
        })
    }

    /// Continue 7 unfinished files, the first button while the list has waiting or paused
    /// rows and no run goes.
    fn continue_button_ui(&mut self, ui: &mut egui::Ui, unfinished: usize) {
        let t = self.lang().t();
        let text = self.lang().continue_unfinished(unfinished);
        if ui
            .add_enabled(!self.is_checking_folder(), primary_button(&text))
            .on_hover_text(t.continue_tip)
            .clicked()
        {
            self.continue_list(ui.ctx());
        }
    }

    /// Start (or Add to the run), Continue, Cancel and Retry failed: pinned under the
    /// controls, so they stay in view however long the list of problems above them grows.
    pub(super) fn actions_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let running = self.is_running();
        let blocker = self.start_blocker();
        let ctx = ui.ctx().clone();
        // A list that can be continued has one obvious next step: Continue comes first and
        // says what it does; starting anew is the second, explained choice.
        let unfinished = self.unfinished_rows();
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            if running {
                self.add_to_run_button_ui(ui);
            } else {
                if unfinished > 0 {
                    self.continue_button_ui(ui, unfinished);
                }
                // Start is the one obvious step, unless Continue is.
                let (button, tip) = if unfinished > 0 {
                    (egui::Button::new(t.start_anew), t.start_anew_tip)
                } else {
                    (primary_button(t.start), t.start_tip)
                };
                let start = ui
                    .add_enabled(blocker.is_none(), button)
                    .on_hover_text(tip)
                    .on_disabled_hover_text(blocker.unwrap_or_default());
                if start.clicked() {
                    self.start(&ctx);
                }
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
            // Retry re-runs every row that ended without its file, so the last run's counts
            // are the rows' counts (without walking the rows every frame).
            // There as soon as there is a list (greyed out until a file ends without being
            // downloaded), so that the first failure does not move the buttons.
            if let Some(missing) = self.view.as_ref().map(|v| v.failed + v.cancelled)
                && ui
                    .add_enabled(
                        !running && missing > 0,
                        egui::Button::new(self.lang().retry_not_downloaded(missing)),
                    )
                    .on_hover_text(t.retry_failed_tip)
                    .clicked()
            {
                self.retry_failed(&ctx);
            }
        });
        let why = if unfinished > 0 {
            Some(t.continue_or_anew)
        } else {
            blocker.filter(|_| !running)
        };
        self.notice_slot_ui(ui, why);
        ui.add_space(2.0);
    }

    /// The one place for what the window has to say, under Start: what is wrong with the
    /// folder, else the last notice, else why Start waits. Always the same height (a longer
    /// text scrolls inside it), so nothing moves when a sentence comes or goes.
    fn notice_slot_ui(&self, ui: &mut egui::Ui, why: Option<&str>) {
        let lang = self.lang();
        let (text, color) = if let Some(problem) = &self.folder_problem {
            (lang.folder_problem(problem), ORANGE)
        } else if let Some(notice) = &self.notice {
            (lang.notice(notice), ui.visuals().text_color())
        } else {
            let weak = ui.visuals().weak_text_color();
            (why.unwrap_or_default().to_owned(), weak)
        };
        let height = 2.0 * ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        let width = ui.available_width();
        ui.allocate_ui(egui::vec2(width, height), |ui| {
            ui.set_min_size(egui::vec2(width, height));
            egui::ScrollArea::vertical()
                .id_salt("notice")
                .max_height(height)
                .auto_shrink(false)
                .show(ui, |ui| {
                    if !text.is_empty() {
                        ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
                    }
                });
        });
    }
}
