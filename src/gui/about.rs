//! About, from the top bar: what Downpour and this window are, the version (the same one
//! `downpour --version` and `downpour-cli --version` print, all three from Cargo.toml), the
//! licence and the project's page.

use egui::RichText;

use super::DownpourApp;
use super::i18n::Lang;

/// The project's page. A placeholder until the project has its public address.
pub const PROJECT_URL: &str = "https://github.com/downpour/downpour";

/// The version, from Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The licence, from Cargo.toml.
pub const LICENCE: &str = env!("CARGO_PKG_LICENSE");

/// The About dialog's text, line by line (the project's address last).
pub fn about_lines(lang: Lang) -> [String; 5] {
    let t = lang.t();
    [
        lang.about_version(VERSION),
        t.about_what.to_owned(),
        t.about_window.to_owned(),
        lang.about_licence(LICENCE),
        format!("{} {PROJECT_URL}", t.about_project),
    ]
}

impl DownpourApp {
    /// The top bar's About button.
    pub(super) fn about_button_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        if ui.button(t.about).on_hover_text(t.about_tip).clicked() {
            self.about_open = true;
        }
    }

    /// The About dialog, while open.
    pub(super) fn about_ui(&mut self, ctx: &egui::Context) {
        if !self.about_open {
            return;
        }
        let lang = self.lang();
        let t = lang.t();
        let [version, what, window, licence, _] = about_lines(lang);
        let id = egui::Id::unique("about");
        let area = egui::Modal::default_area(id).accessible_name(t.about);
        let modal = egui::Modal::new(id).area(area).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading("Downpour");
            ui.label(RichText::new(version).strong());
            ui.add_space(6.0);
            ui.add(egui::Label::new(what).wrap());
            ui.add(egui::Label::new(window).wrap());
            ui.add_space(6.0);
            ui.label(licence);
            ui.horizontal(|ui| {
                ui.label(t.about_project);
                ui.hyperlink(PROJECT_URL);
            });
            ui.add_space(6.0);
            let line = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
            let right_to_left = egui::Layout::right_to_left(egui::Align::Center);
            ui.allocate_ui_with_layout(line, right_to_left, |ui| ui.button(t.about_close).clicked())
                .inner
        });
        if modal.inner || modal.should_close() {
            self.about_open = false;
        }
    }
}
