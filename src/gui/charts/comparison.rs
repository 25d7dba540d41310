//! The run comparison: the total time of each run of this session beside its ideal time (a
//! lower bound: the slowest item, or the item time shared among the workers, whichever is
//! longer), so the speedup of the threaded modes over the sequential one can be read off.

use downpour::{Mode, stats};
use egui_plot::{Bar, BarChart, Legend, MarkerShape, PlotPoints, Points};

use super::{sized_plot, Chart, ChartData, nice_grid, tick_label};
use crate::gui::i18n::Texts;
use crate::gui::style::{BLUE, ORANGE};

/// The fewest runs the horizontal axis has room for, so that one run's bar keeps the width
/// it will have beside the next ones instead of spanning the plot.
const MIN_SLOTS: usize = 4;

/// The run comparison (a handful of runs: nothing worth caching).
#[derive(Default)]
pub struct RunComparison;

impl Chart for RunComparison {
    fn title(&self, t: &'static Texts) -> &'static str {
        t.comparison_title
    }

    fn shown(&self, mode: Mode) -> bool {
        // The session's runs, whatever the mode of the one shown.
        match mode {
            Mode::Sequential | Mode::Submit | Mode::Map => true,
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &ChartData<'_>, size: egui::Vec2) -> egui::Response {
        let (history, lang) = (data.history, data.lang);
        let t = lang.t();
        let bars: Vec<Bar> = history
            .iter()
            .enumerate()
            .map(|(i, run)| {
                let mut tooltip = lang.run_tooltip(run, stats::speedup(history, i));
                if let Some(ideal) = &run.ideal {
                    tooltip.push('\n');
                    tooltip.push_str(&lang.ideal_tooltip(ideal));
                }
                Bar::new(i as f64 + 1.0, run.elapsed_ms as f64 / 1000.0)
                    .width(0.6)
                    .name(tooltip)
            })
            .collect();
        let ideal: PlotPoints = history
            .iter()
            .enumerate()
            .filter_map(|(i, run)| Some([i as f64 + 1.0, run.ideal_ms()? as f64 / 1000.0]))
            .collect();
        let tallest = history
            .iter()
            .map(|run| run.elapsed_ms.max(run.ideal_ms().unwrap_or(0)))
            .max()
            .unwrap_or(0) as f64
            / 1000.0;
        // Each run's tick names its mode and workers: "map ×8".
        let ticks: Vec<String> = history
            .iter()
            .map(|run| lang.run_tick(run.mode, run.workers))
            .collect();
        sized_plot("comparison", data, size)
            .legend(Legend::default())
            .x_axis_label(t.comparison_x)
            .x_axis_formatter(move |mark, _| {
                let run = mark.value.round();
                match ticks.get((run as usize).wrapping_sub(1)) {
                    Some(label) if (mark.value - run).abs() < 1e-6 => label.clone(),
                    _ => String::new(),
                }
            })
            .y_axis_label(t.comparison_y)
            .y_grid_spacer(|input| nice_grid(input, 6.0, 0.001))
            .y_axis_formatter(|mark, _| tick_label(mark))
            .include_x(0.0)
            .include_x(history.len().max(MIN_SLOTS) as f64 + 1.0)
            .include_y(0.0)
            // Room above the tallest bar for the legend.
            .include_y(tallest * 1.35)
            .show(ui, |plot| {
                plot.bar_chart(BarChart::new(t.total_time, bars).color(BLUE));
                plot.points(
                    Points::new(t.legend_ideal_time, ideal)
                        .shape(MarkerShape::Diamond)
                        .radius(6.0)
                        .color(ORANGE),
                );
            })
            .response
    }
}
