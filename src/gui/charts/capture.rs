//! Save chart as PNG, every chart whole and at the size it is shown, whatever the Charts tab
//! has scrolled into view: the charts are photographed one at a time — each scrolled into
//! view, then taken from the window's next picture — and the pictures are put one under
//! the other. Encoding and writing the file happen on a helper thread (`tasks.rs`).

use std::sync::mpsc;

use egui::{Color32, ColorImage, Rect};

/// Where a capture stands with the chart it is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The chart is to be scrolled into view this frame.
    Scroll,
    /// It was: this frame's picture is asked for.
    Shoot,
    /// The picture was asked for and has not come yet.
    Waiting,
}

/// A Save chart as PNG under way.
pub struct Capture {
    /// The position, among the charts shown, of the chart being photographed.
    next: usize,
    step: Step,
    /// The pictures taken, in order.
    pieces: Vec<ColorImage>,
    tx: mpsc::Sender<ColorImage>,
    rx: mpsc::Receiver<ColorImage>,
}

impl Default for Capture {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel();
        Self {
            next: 0,
            step: Step::Scroll,
            pieces: Vec::new(),
            tx,
            rx,
        }
    }
}

impl Capture {
    /// Called for the chart at `position` among those shown, which covers `rect` (its title
    /// and its plot) in a scroll area whose visible part is `visible`: scrolls it into view,
    /// then asks for the window's picture and keeps the chart's part of it.
    pub fn chart_ui(&mut self, ui: &egui::Ui, position: usize, rect: Rect, visible: Rect) {
        if position != self.next {
            return;
        }
        match self.step {
            Step::Scroll => {
                ui.scroll_to_rect(rect, Some(egui::Align::Min));
                self.step = Step::Shoot;
                ui.ctx().request_repaint();
            }
            Step::Shoot => {
                // A chart taller than the view (never, as the charts are sized) gives what shows.
                let shown = rect.intersect(visible);
                let tx = self.tx.clone();
                let waker = ui.ctx().clone();
                let pixels_per_point = ui.ctx().pixels_per_point();
                ui.ctx().request_screenshot(move |image| {
                    // A capture abandoned meanwhile no longer needs it.
                    let _ = tx.send(crop(&image, shown, pixels_per_point));
                    waker.request_repaint();
                });
                self.step = Step::Waiting;
            }
            Step::Waiting => {}
        }
    }

    /// Takes the picture that came, if one did; the whole picture once there is one of each
    /// of the `charts` shown.
    pub fn collect(&mut self, charts: usize, background: Color32) -> Option<ColorImage> {
        if let Ok(piece) = self.rx.try_recv() {
            self.pieces.push(piece);
            self.next += 1;
            self.step = Step::Scroll;
        }
        (self.next >= charts).then(|| stack(&self.pieces, background))
    }
}

/// The part of `image` (the window at `pixels_per_point`) under `rect`, in points; what of it
/// lies outside the window is left out.
pub fn crop(image: &ColorImage, rect: Rect, pixels_per_point: f32) -> ColorImage {
    let [width, height] = image.size;
    let to_pixels = |value: f32, limit: usize| {
        ((value * pixels_per_point).round().max(0.0) as usize).min(limit)
    };
    let (left, right) = (to_pixels(rect.min.x, width), to_pixels(rect.max.x, width));
    let (top, bottom) = (to_pixels(rect.min.y, height), to_pixels(rect.max.y, height));
    let (w, h) = (right.saturating_sub(left), bottom.saturating_sub(top));
    let mut pixels = Vec::with_capacity(w * h);
    for y in top..top + h {
        pixels.extend_from_slice(&image.pixels[y * width + left..y * width + left + w]);
    }
    ColorImage::new([w, h], pixels)
}

/// Gap between two charts in the saved picture, in pixels.
const GAP: usize = 8;

/// `pieces` one under the other, as wide as the widest, on `background`.
pub fn stack(pieces: &[ColorImage], background: Color32) -> ColorImage {
    let width = pieces.iter().map(|p| p.size[0]).max().unwrap_or(0);
    let height =
        pieces.iter().map(|p| p.size[1]).sum::<usize>() + GAP * pieces.len().saturating_sub(1);
    let mut pixels = vec![background; width * height];
    let mut top = 0;
    for piece in pieces {
        let [w, h] = piece.size;
        for y in 0..h {
            let row = (top + y) * width;
            pixels[row..row + w].copy_from_slice(&piece.pixels[y * w..(y + 1) * w]);
        }
        top += h + GAP;
    }
    ColorImage::new([width, height], pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A picture whose pixel at (x, y) says where it is.
    fn numbered(width: usize, height: usize) -> ColorImage {
        let pixels = (0..height)
            .flat_map(|y| (0..width).map(move |x| Color32::from_rgb(x as u8, y as u8, 7)))
            .collect();
        ColorImage::new([width, height], pixels)
    }

    #[test]
    fn a_chart_is_cut_from_the_window_at_its_pixels_and_never_past_its_edge() {
        let window = numbered(100, 80);
        // At 2 pixels a point: points (5, 10)–(15, 20) are pixels (10, 20)–(30, 40).
        let chart = crop(
            &window,
            Rect::from_min_max([5.0, 10.0].into(), [15.0, 20.0].into()),
            2.0,
        );
        assert_eq!(chart.size, [20, 20]);
        assert_eq!(chart.pixels[0], Color32::from_rgb(10, 20, 7));
        assert_eq!(chart.pixels[20 * 20 - 1], Color32::from_rgb(29, 39, 7));
        // Past the window's edge: what is inside, no panic.
        let edge = crop(
            &window,
            Rect::from_min_max([40.0, 30.0].into(), [90.0, 90.0].into()),
            2.0,
        );
        assert_eq!(edge.size, [20, 20]);
    }

    #[test]
    fn charts_are_stacked_whole_one_under_the_other() {
        let (a, b) = (numbered(30, 10), numbered(20, 5));
        let picture = stack(&[a, b], Color32::WHITE);
        assert_eq!(picture.size, [30, 10 + GAP + 5]);
        assert_eq!(picture.pixels[9 * 30 + 29], Color32::from_rgb(29, 9, 7));
        // The gap, then the second chart, the narrower one's right filled with the background.
        assert_eq!(picture.pixels[10 * 30], Color32::WHITE);
        assert_eq!(
            picture.pixels[(10 + GAP) * 30 + 19],
            Color32::from_rgb(19, 0, 7)
        );
        assert_eq!(picture.pixels[(10 + GAP) * 30 + 20], Color32::WHITE);
    }
}
