//! The settings of the left panel that decide how files are fetched: what to do with a file
//! already there, how many connections a file may use, whether links handed over start at
//! once, the speed limit (which can change during a run, at once) and whether the folder opens
//! when a run is done.

use downpour::limit::SpeedLimit;
use downpour::options::{Existing, PER_HOST, SPLIT};
use egui::RichText;

use super::DownpourApp;
use super::style::ORANGE;
use super::when_done::WhenDone;

impl DownpourApp {
    /// Skip or keep both, Connections per file and Connections per server: fixed for the
    /// length of a run.
    pub(super) fn fetch_settings_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let label = ui.label(t.existing_label).on_hover_text(t.existing_tip);
        ui.horizontal(|ui| {
            for (value, words) in [
                (Existing::Skip, t.existing_skip),
                (Existing::KeepBoth, t.existing_keep_both),
            ] {
                ui.radio_value(&mut self.settings.run.existing, value, words)
                    .on_hover_text(t.existing_tip)
                    .labelled_by(label.id);
            }
        });
        let sequential = !self.settings.run.mode.parallel();
        ui.horizontal(|ui| {
            let label = ui.label(t.split_label);
            ui.add_enabled(
                !sequential,
                egui::Slider::new(&mut self.settings.run.split, SPLIT.range()),
            )
            .on_hover_text(t.split_tip)
            .on_disabled_hover_text(t.split_sequential)
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label(t.per_host_label);
            ui.add(egui::Slider::new(
                &mut self.settings.run.per_host,
                PER_HOST.range(),
            ))
            .on_hover_text(t.per_host_tip)
            .labelled_by(label.id);
        });
        ui.checkbox(&mut self.settings.start_handed, t.start_handed)
            .on_hover_text(t.start_handed_tip);
    }

    /// The speed limit, applied at once to a running run when it can be read (explained in
    /// a sentence when it cannot), and Open the folder when done.
    pub(super) fn live_settings_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let mut changed = false;
        ui.horizontal(|ui| {
            let label = ui.label(t.rate_label);
            changed = ui
                .add(
                    egui::TextEdit::singleline(&mut self.rate_text)
                        .hint_text(t.rate_hint)
                        .desired_width(ui.available_width().max(120.0)),
                )
                .on_hover_text(t.rate_tip)
                .labelled_by(label.id)
                .changed();
        });
        if changed && let Ok(limit) = self.rate_text.parse::<SpeedLimit>() {
            self.settings.run.rate_limit = limit;
            if let Some(run) = self.run.as_ref().filter(|_| self.is_running()) {
                run.handle.set_rate_limit(limit.bytes_per_sec());
            }
        }
        // Its line is kept when the value can be read, so that nothing below moves.
        let unreadable = self.settings.run.rate_limit.to_string() != self.rate_text.trim()
            && self.rate_text.parse::<SpeedLimit>().is_err();
        let sentence = if unreadable { t.rate_invalid } else { "" };
        ui.add(egui::Label::new(RichText::new(sentence).color(ORANGE)).truncate());
        self.when_done_ui(ui);
    }

    /// When everything is done: nothing, notify, open the folder, sleep or shut down.
    fn when_done_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let chosen = &mut self.settings.when_done;
        egui::ComboBox::from_label(lang.when_done_label())
            .selected_text(lang.when_done_option(*chosen))
            .show_ui(ui, |ui| {
                for choice in WhenDone::ALL {
                    ui.selectable_value(chosen, choice, lang.when_done_option(choice));
                }
            })
            .response
            .on_hover_text(lang.when_done_tip());
    }
}
