//! Save chart as PNG writes every chart whole, at the size it is shown, in a window too small
//! to show them all at once: each chart is scrolled into view and photographed, and the
//! pictures are stacked. No renderer here: the window's pictures are made by the test, a
//! colour for each, so the saved file shows which picture each chart came from.

use egui_kittest::kittest::Queryable;

use super::*;
use crate::gui::charts::sample_runs::{finished_view, history, map_records};

/// Answers the window's requests for its picture, the `n`-th with a window of colour `n`;
/// returns how many it answered.
fn answer_screenshots(harness: &mut Harness<'_, DownpourApp>, answered: &mut u8) {
    let size = harness.ctx.content_rect().size();
    let requests: Vec<egui::ScreenshotCallback> = harness
        .output()
        .viewport_output
        .values()
        .flat_map(|viewport| {
            viewport
                .commands
                .iter()
                .filter_map(|command| match command {
                    egui::ViewportCommand::Screenshot(callback) => Some(callback.clone()),
                    _ => None,
                })
        })
        .collect();
    for callback in requests {
        *answered += 1;
        let colour = egui::Color32::from_rgb(*answered * 40, 0, 0);
        let image = egui::ColorImage::new(
            [size.x as usize, size.y as usize],
            vec![colour; size.x as usize * size.y as usize],
        );
        callback.complete(std::sync::Arc::new(image));
    }
}

#[test]
fn save_chart_as_png_writes_every_chart_whole_in_a_small_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = DownpourApp::new(settings_for(dir.path()));
    app.view = Some(finished_view(Mode::Map, 4, &map_records()));
    app.history = history();
    app.tab = Tab::Charts;
    let mut harness = harness_with(app, [800.0, 600.0]);
    harness.run_steps(2);
    // The charts' part of the window: under the button, to the window's foot.
    let button = harness.get_by_label("Save chart as PNG").rect();
    let in_view = 600.0 - button.bottom();
    harness.get_by_label("Save chart as PNG").click();
    let mut answered = 0;
    for _ in 0..40 {
        harness.step();
        answer_screenshots(&mut harness, &mut answered);
        if harness.state().notice.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    // Map mode shows four charts: four pictures, one per chart.
    assert_eq!(answered, 4);
    let notice = harness.state().notice.clone();
    let Some(crate::gui::Notice::Saved(path)) = notice else {
        panic!("not saved: {notice:?}");
    };
    assert_eq!(path, dir.path().join("downpour-charts.png"));
    let picture = image::open(&path).unwrap().to_rgb8();
    // Taller than the charts' part of the window: the charts that were not in view are in
    // it, whole.
    assert!(
        picture.height() as f32 > in_view,
        "{} in {in_view}",
        picture.height()
    );
    // Down its left edge: the four pictures' colours in order, each a chart's height.
    let mut bands: Vec<(u8, u32)> = Vec::new();
    for y in 0..picture.height() {
        let red = picture.get_pixel(0, y)[0];
        match bands.last_mut() {
            Some((colour, rows)) if *colour == red => *rows += 1,
            _ => bands.push((red, 1)),
        }
    }
    let charts: Vec<(u8, u32)> = bands
        .into_iter()
        .filter(|(c, _)| c % 40 == 0 && *c > 0)
        .collect();
    assert_eq!(
        charts.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        [40, 80, 120, 160]
    );
    assert!(charts.iter().all(|(_, rows)| *rows > 100), "{charts:?}");
}
