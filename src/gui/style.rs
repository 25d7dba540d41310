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
