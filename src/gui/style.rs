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
/// fetched over several connections): violets, none of them near the orange of "failed", the
/// grey of "cancelled" or the blue of "done", and neighbours apart in lightness.
const ITEM_COLORS: [Color32; 5] = [
    Color32::from_rgb(150, 110, 220), // violet
    Color32::from_rgb(185, 155, 245), // lavender
    Color32::from_rgb(90, 60, 170),   // indigo
    Color32::from_rgb(175, 130, 235), // light violet
    Color32::from_rgb(117, 112, 179), // greyish purple
];

/// The colour of item `index`: the same on every frame and run, and different from the
/// items just before and after it.
pub fn item_color(index: usize) -> Color32 {
    ITEM_COLORS[index % ITEM_COLORS.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hue of `color` in degrees and its saturation (0 for a grey, 1 for a pure colour).
    fn hue_and_saturation(color: Color32) -> (f32, f32) {
        let [r, g, b] = [color.r(), color.g(), color.b()].map(|c| f32::from(c) / 255.0);
        let (max, min) = (r.max(g).max(b), r.min(g).min(b));
        let chroma = max - min;
        let hue = if chroma == 0.0 {
            0.0
        } else if max == r {
            60.0 * ((g - b) / chroma).rem_euclid(6.0)
        } else if max == g {
            60.0 * ((b - r) / chroma + 2.0)
        } else {
            60.0 * ((r - g) / chroma + 4.0)
        };
        (hue, if max == 0.0 { 0.0 } else { chroma / max })
    }

    #[test]
    fn a_split_files_pieces_cannot_be_taken_for_failed_or_cancelled() {
        let hue_of = |kind| hue_and_saturation(outcome_color(kind)).0;
        let apart = |a: f32, b: f32| (a - b).abs().min(360.0 - (a - b).abs());
        let (failed, done) = (hue_of(OutcomeKind::Failed), hue_of(OutcomeKind::Done));
        for index in 0..ITEM_COLORS.len() {
            let color = item_color(index);
            let (hue, saturation) = hue_and_saturation(color);
            // Reds, oranges, yellows and browns read as "failed"; greys as "cancelled".
            let from_failed = apart(hue, failed);
            assert!(
                from_failed >= 120.0,
                "{color:?}: hue {hue} is {from_failed}° from failed"
            );
            assert!(saturation >= 0.3, "{color:?} reads as grey");
            // And a piece is not a whole file done.
            assert!(apart(hue, done) >= 40.0, "{color:?}: hue {hue} is done's");
        }
        // Neighbouring items stay apart.
        for index in 0..ITEM_COLORS.len() {
            assert_ne!(item_color(index), item_color(index + 1));
        }
    }
}
