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

/// The height of one line of the downloads list and of the results.
pub const ROW_HEIGHT: f32 = 22.0;

/// The colour of an outcome in the charts.
pub fn outcome_color(kind: OutcomeKind) -> Color32 {
    match kind {
        OutcomeKind::Done => BLUE,
        OutcomeKind::Failed => ORANGE,
        OutcomeKind::Cancelled => GREY,
    }
}
