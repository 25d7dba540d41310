//! The window's frame: the panels, the top bar, the overall progress, the tabs, the close
//! guard, dropped files and shortcuts. What sits inside the panels lives in the rooms next to
//! this file (`controls`, `table`, `results`, `charts`). Each function only reads state and
//! records what the person did; the work itself happens in `DownpourApp`'s methods and on
//! helper threads.

use downpour::{OutcomeKind, format};
use egui::{Align, Key, Layout, Modifiers, RichText};

use super::i18n::Lang;
use super::{DownpourApp, Tab};

impl DownpourApp {
    /// The whole window.
    pub fn window_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.title_ui(&ctx);
        self.shortcuts_ui(&ctx);
        self.close_guard_ui(&ctx);
        self.folders.browser_ui(&ctx, self.lang());
        self.about_ui(&ctx);
        self.page_dialog_ui(&ctx);
        self.dropped_files_ui(&ctx);
        self.paste_anywhere_ui(&ctx);
        self.countdown_ui(&ctx);
        self.login_prompt_ui(&ctx);
        self.new_address_ui(&ctx);
        self.check_window_ui(&ctx);
        egui::Panel::top("top").show(ui, |ui| self.top_bar_ui(ui));
        // On a small screen the list keeps room for its progress column.
        let width = ctx.content_rect().width();
        egui::Panel::left("controls")
            .resizable(true)
            .default_size((width * 0.4).clamp(300.0, 380.0))
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

    /// Names the window in its language, with the progress during a run (`Downpour — 42%`);
    /// a command only when the title changes.
    fn title_ui(&mut self, ctx: &egui::Context) {
        let title = self.window_title();
        if self.titled.as_ref() != Some(&title) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.titled = Some(title);
        }
    }

    /// Ctrl+Enter starts; on the Downloads tab, outside text fields, Space pauses or resumes
    /// the selected rows and Delete removes them.
    fn shortcuts_ui(&mut self, ctx: &egui::Context) {
        if ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::Enter)) {
            self.start(ctx);
        }
        if self.tab != Tab::Downloads
            || ctx.egui_wants_keyboard_input()
            || self.selection.rows.is_empty()
        {
            return;
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Space)) {
            self.toggle_selected(ctx);
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Delete)) {
            let selected = self.selection.rows.clone();
            self.remove_rows(&selected);
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
                        for option in Lang::ALL {
                            ui.selectable_value(&mut chosen, option, option.name())
                                .on_hover_text(t.language_tip);
                        }
                    });
                if chosen != lang {
                    self.settings.language = Some(chosen);
                }
                self.about_button_ui(ui);
            });
        });
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
        // A list restored from last time has no run, so no time of its own.
        if !self.restored {
            parts.push(format!(
                "{} {}",
                t.elapsed,
                format::seconds(view.elapsed_ms())
            ));
        }
        ui.add(
            egui::ProgressBar::new(fraction)
                .text(parts.join(" · "))
                .desired_width(ui.available_width()),
        );
        if view.failed + view.cancelled + view.skipped > 0 {
            // Done always; the others when there are some.
            let counts: Vec<String> = OutcomeKind::ALL
                .iter()
                .filter(|&&kind| kind == OutcomeKind::Done || view.count(kind) > 0)
                .map(|&kind| format!("{} {}", view.count(kind), lang.outcome(kind)))
                .collect();
            ui.label(counts.join(" · "));
        } else {
            // The line is kept, so the list does not move down when the first failure comes.
            let height = ui.text_style_height(&egui::TextStyle::Body);
            ui.allocate_exact_size(egui::vec2(0.0, height), egui::Sense::hover());
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
                    // Kept as it stands, before the cancelling marks rows cancelled.
                    self.keep_list();
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
        let (mut pages, mut lists): (Vec<_>, Vec<_>) = dropped.into_iter().partition(|path| {
            // A saved web page dropped while From a web page… is open is read there.
            self.page.open
                && !self.page.reading
                && path.extension().is_some_and(|ext| {
                    ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm")
                })
        });
        if !pages.is_empty() {
            let page = pages.remove(0);
            self.read_dropped_page(ctx, page);
            // The dialog shows one page: the others' links go to the links box.
            lists.append(&mut pages);
        }
        if !lists.is_empty() {
            self.add_list_files(ctx, lists);
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
