//! The Downloads tab before the first run: three short steps (paste links, pick a folder,
//! press Start) and a small picture of what a finished run looks like, drawn with egui's
//! shapes, instead of an empty pane. It goes away once a run starts.

use downpour::OutcomeKind;
use egui::{Color32, Rect, RichText, Sense, pos2, vec2};

use super::DownpourApp;
use super::i18n::Lang;
use super::style::{BLUE, outcome_color};

/// The width of the steps and of the picture.
const WIDTH: f32 = 460.0;

/// The files in the picture: name, size, seconds.
const PICTURE_ROWS: [(&str, &str, &str); 3] = [
    ("report.pdf", "2.4 MiB", "0.42 s"),
    ("photo-1.jpg", "812 KiB", "0.18 s"),
    ("song.mp3", "6.1 MiB", "0.97 s"),
];

impl DownpourApp {
    /// The three steps and the picture, in the middle of the empty Downloads tab.
    pub(super) fn welcome_ui(&self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let t = lang.t();
        egui::ScrollArea::vertical()
            .id_salt("welcome")
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.vertical_centered(|ui| {
                    ui.add_space(24.0);
                    ui.heading(t.welcome_title);
                    ui.add_space(12.0);
                });
                let margin = ((ui.available_width() - WIDTH) / 2.0).max(0.0);
                ui.horizontal(|ui| {
                    ui.add_space(margin);
                    ui.vertical(|ui| {
                        ui.set_max_width(WIDTH);
                        let steps = [
                            (t.welcome_paste, t.welcome_paste_body),
                            (t.welcome_folder, t.welcome_folder_body),
                            (t.welcome_start, t.welcome_start_body),
                        ];
                        for (number, (title, body)) in (1..).zip(steps) {
                            step_ui(ui, number, title, body);
                            ui.add_space(10.0);
                        }
                        picture_ui(ui, lang);
                    });
                });
            });
    }
}

/// One step: its number in a circle, its name, and what to do.
fn step_ui(ui: &mut egui::Ui, number: u32, title: &str, body: &str) {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(vec2(28.0, 28.0), Sense::hover());
        let painter = ui.painter();
        painter.circle_filled(rect.center(), 13.0, BLUE);
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            number.to_string(),
            egui::FontId::proportional(15.0),
            Color32::WHITE,
        );
        ui.vertical(|ui| {
            ui.label(RichText::new(title).strong().size(16.0));
            ui.add(egui::Label::new(RichText::new(body).weak()).wrap());
        });
    });
}

/// A miniature of the downloads list after a run: three files, done, with full bars.
fn picture_ui(ui: &mut egui::Ui, lang: Lang) {
    let row = 26.0;
    let size = vec2(WIDTH, row * PICTURE_ROWS.len() as f32 + 12.0);
    let (response, painter) = ui.allocate_painter(size, Sense::hover());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Image, true, lang.t().welcome_picture)
    });
    let visuals = ui.visuals();
    let frame = response.rect;
    painter.rect_filled(frame, 6.0, visuals.extreme_bg_color);
    painter.rect_stroke(
        frame,
        6.0,
        visuals.widgets.noninteractive.bg_stroke,
        egui::StrokeKind::Inside,
    );
    let font = egui::FontId::proportional(13.0);
    let text = visuals.text_color();
    let weak = visuals.weak_text_color();
    let done = lang.outcome(OutcomeKind::Done);
    for (i, (name, size, secs)) in PICTURE_ROWS.iter().enumerate() {
        let top = frame.top() + 6.0 + row * i as f32;
        let y = top + row / 2.0;
        let at = |x: f32| pos2(frame.left() + x, y);
        let left = egui::Align2::LEFT_CENTER;
        painter.text(at(12.0), left, format!("{}", i + 1), font.clone(), weak);
        painter.text(at(34.0), left, *name, font.clone(), text);
        painter.text(at(140.0), left, done, font.clone(), text);
        painter.text(at(210.0), left, *size, font.clone(), weak);
        progress_bar(
            &painter,
            Rect::from_min_size(at(280.0) - vec2(0.0, 6.0), vec2(110.0, 12.0)),
        );
        painter.text(at(400.0), left, *secs, font.clone(), weak);
    }
}

/// A full progress bar, as a finished row shows it.
fn progress_bar(painter: &egui::Painter, rect: Rect) {
    painter.rect_filled(rect, 4.0, outcome_color(OutcomeKind::Done));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "100%",
        egui::FontId::proportional(10.0),
        Color32::WHITE,
    );
}
