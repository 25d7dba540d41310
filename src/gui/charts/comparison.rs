//! The run comparison: the total time of each run of this session beside its ideal time, so
//! the speedup of the threaded modes over the sequential one can be read off.

use downpour::{format, stats};
use egui_plot::{Bar, BarChart, Legend, MarkerShape, Plot, PlotPoints, Points};

use super::{Chart, ChartData, nice_grid, tick_label};
use crate::gui::style::{BLUE, ORANGE};

/// The run comparison (a handful of runs: nothing worth caching).
#[derive(Default)]
pub struct RunComparison;

impl Chart for RunComparison {
    fn title(&self) -> &'static str {
        "Run comparison: total time of each run"
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &ChartData<'_>, size: egui::Vec2) -> egui::Response {
        let history = data.history;
        let bars: Vec<Bar> = history
            .iter()
            .enumerate()
            .map(|(i, run)| {
                Bar::new(i as f64 + 1.0, run.elapsed_ms as f64 / 1000.0)
                    .width(0.6)
                    .name(bar_label(history, i))
            })
            .collect();
        let ideal: PlotPoints = history
            .iter()
            .enumerate()
            .filter_map(|(i, run)| Some([i as f64 + 1.0, run.ideal_ms()? as f64 / 1000.0]))
            .collect();
        // Each run's tick names its mode and workers: "map ×8".
        let ticks: Vec<String> = history
            .iter()
            .map(|run| format!("{} ×{}", run.mode.as_str(), run.workers))
            .collect();
        Plot::new(("comparison", data.reset))
            .width(size.x)
            .height(size.y)
            .legend(Legend::default())
            .x_axis_label("run")
            .x_axis_formatter(move |mark, _| {
                let run = mark.value.round();
                match ticks.get((run as usize).wrapping_sub(1)) {
                    Some(label) if (mark.value - run).abs() < 1e-6 => label.clone(),
                    _ => String::new(),
                }
            })
            .y_axis_label("seconds")
            .y_grid_spacer(|input| nice_grid(input, 6.0, 0.001))
            .y_axis_formatter(|mark, _| tick_label(mark))
            .include_x(0.0)
            .include_x(history.len() as f64 + 1.0)
            .include_y(0.0)
            .show(ui, |plot| {
                plot.bar_chart(BarChart::new("total time", bars).color(BLUE));
                plot.points(
                    Points::new("ideal time", ideal)
                        .shape(MarkerShape::Diamond)
                        .radius(6.0)
                        .color(ORANGE),
                );
            })
            .response
    }
}

/// A run's tooltip: mode, workers, files, time and the speedup over the sequential run.
fn bar_label(history: &[stats::RunSummary], at: usize) -> String {
    let run = &history[at];
    let mut label = format!(
        "{} ×{} · {} files · {}",
        run.mode.as_str(),
        run.workers,
        run.files,
        format::seconds(run.elapsed_ms)
    );
    if let Some(speedup) = stats::speedup(history, at) {
        label.push_str(&format!(" · {speedup:.1}× the sequential time"));
    }
    label
}
