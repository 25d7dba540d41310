//! The window's colours and sizes in one place, so that a kind of outcome looks the same in
//! the list, the results and the charts.

use downpour::OutcomeKind;
use egui::Color32;

/// Okabe–Ito blue: distinguishable with colour-blindness, legible on light and dark.
pub const BLUE: Color32 = Color32::from_rgb(0, 114, 178);
/// Okabe–Ito vermilion: failures and lines that need attention.
pub const ORANGE: Color32 = Color32::from_rgb(213, 94, 0);
/// Okabe–Ito sky blue: downloads still running.
pub const SKY: Color32 = Color32::from_rgb(86, 180, 233);
/// A neutral grey: cancelled items and reference lines.
pub const GREY: Color32 = Color32::from_rgb(140, 140, 140);
/// Okabe–Ito bluish green: files that were already there.
pub const GREEN: Color32 = Color32::from_rgb(0, 158, 115);

/// The height of one line of the downloads list and of the results.
pub const ROW_HEIGHT: f32 = 22.0;

/// The text size of the window's one obvious next step (Start, Continue, Add to the run).
const PRIMARY_TEXT: f32 = 17.0;

/// The button of the window's one obvious next step: filled with the accent colour, larger
/// than the others, its words in white.
pub fn primary_button(text: &str) -> egui::Button<'static> {
    let words = egui::RichText::new(text)
        .strong()
        .size(PRIMARY_TEXT)
        .color(Color32::WHITE);
    egui::Button::new(words)
        .fill(BLUE)
        .min_size(egui::vec2(96.0, 32.0))
}

/// The colour of an outcome: its bars and legend in the charts.
pub fn outcome_color(kind: OutcomeKind) -> Color32 {
    match kind {
        OutcomeKind::Done => BLUE,
        OutcomeKind::Skipped => GREEN,
        OutcomeKind::Failed => ORANGE,
        OutcomeKind::Cancelled => GREY,
    }
}

/// The colour of text about an outcome (a row's status, a result line): a done item reads
/// as plain text, the others in their outcome's colour.
pub fn outcome_text_color(kind: OutcomeKind, visuals: &egui::Visuals) -> Color32 {
    match kind {
        OutcomeKind::Done | OutcomeKind::Skipped => visuals.text_color(),
        OutcomeKind::Failed | OutcomeKind::Cancelled => outcome_color(kind),
    }
}

/// The colours of single items where one item's parts must read as one (the pieces of a file
/// fetched over several connections): none of them an outcome's, and neighbours far apart.
const ITEM_COLORS: [Color32; 5] = [
    Color32::from_rgb(117, 112, 179), // purple
    Color32::from_rgb(240, 228, 66),  // Okabe–Ito yellow
    Color32::from_rgb(204, 121, 167), // Okabe–Ito reddish purple
    Color32::from_rgb(166, 118, 29),  // brown
    Color32::from_rgb(166, 216, 84),  // lime
];

/// The colour of item `index`: the same on every frame and run, and different from the
/// items just before and after it.
pub fn item_color(index: usize) -> Color32 {
    ITEM_COLORS[index % ITEM_COLORS.len()]
}
