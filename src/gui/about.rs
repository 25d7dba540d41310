//! About, from the top bar: what Downpour and this window are, the version (the same one
//! `downpour --version` and `downpour-cli --version` print, all three from Cargo.toml), the
//! licence and the project's page; and the button that lets the browsers found send links
//! here (it writes their native-messaging manifests).

use egui::RichText;

use super::i18n::Lang;
use super::{DownpourApp, Notice, UiMessage};

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
            let set_up = ui
                .button(t.browser_integration)
                .on_hover_text(t.browser_integration_tip)
                .clicked();
            ui.add_space(6.0);
            let line = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
            let right_to_left = egui::Layout::right_to_left(egui::Align::Center);
            let close = ui
                .allocate_ui_with_layout(line, right_to_left, |ui| {
                    ui.button(t.about_close).clicked()
                })
                .inner;
            (close, set_up)
        });
        let (close, set_up) = modal.inner;
        if set_up {
            let places = self.browser_places.clone();
            self.spawn_helper(ctx, move || Some(set_up_browsers(&places)));
        }
        if close || modal.should_close() {
            self.about_open = false;
        }
    }
}

/// Writes the native-messaging manifests of the browsers found (helper thread).
fn set_up_browsers(places: &[crate::handoff::install::Place]) -> UiMessage {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(err) => {
            return UiMessage::Notice(Notice::BrowserNotSetUp {
                browser: "Downpour",
                problem: (&err).into(),
            });
        }
    };
    let mut set_up = Vec::new();
    for (browser, result) in crate::handoff::install::install(places, &exe) {
        match result {
            Ok(_) => set_up.push(browser),
            Err(err) => {
                return UiMessage::Notice(Notice::BrowserNotSetUp {
                    browser,
                    problem: (&err).into(),
                });
            }
        }
    }
    UiMessage::Notice(Notice::BrowsersSetUp(set_up))
}
