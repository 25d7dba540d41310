//! The run comparison: the total time of each run of this session beside its ideal time (a
//! lower bound: the slowest item, or the item time shared among the workers, whichever is
//! longer), so the speedup of the threaded modes over the sequential one can be read off.

use downpour::stats::{self, RunSummary};
use downpour::Mode;
use egui_plot::{Bar, BarChart, MarkerShape, PlotPoints, Points};

use super::{Chart, ChartData, nice_grid, sized_plot, tick_label, with_legend_ui};
use crate::gui::i18n::{Lang, Texts};
use crate::gui::style::{BLUE, GREY, ORANGE};

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
        let t = data.lang.t();
        let ComparisonSeries {
            whole,
            cancelled,
            ideal,
            ticks,
        } = comparison_series(data.history, data.lang);
        let tallest = data
            .history
            .iter()
            .map(|run| run.elapsed_ms.max(run.ideal_ms().unwrap_or(0)))
            .max()
            .unwrap_or(0) as f64
            / 1000.0;
        let mut legend = vec![(BLUE, t.total_time)];
        if !cancelled.is_empty() {
            legend.push((GREY, t.legend_cancelled_run));
        }
        legend.push((ORANGE, t.legend_ideal_time));
        let runs = data.history.len();
        with_legend_ui(ui, &legend, size, |ui, size| {
            sized_plot("comparison", data, size)
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
                .include_x(runs.max(MIN_SLOTS) as f64 + 1.0)
                .include_y(0.0)
                .include_y(tallest * 1.05)
                .show(ui, |plot| {
                    plot.bar_chart(BarChart::new(t.total_time, whole).color(BLUE));
                    plot.bar_chart(BarChart::new(t.legend_cancelled_run, cancelled).color(GREY));
                    plot.points(
                        Points::new(t.legend_ideal_time, PlotPoints::from(ideal))
                            .shape(MarkerShape::Diamond)
                            .radius(6.0)
                            .color(ORANGE),
                    );
                })
                .response
        })
    }
}

/// What the comparison draws: a bar per run (whole runs apart from cancelled ones, which
/// are no measure of their mode's speed), the ideal times, and each run's name under it.
struct ComparisonSeries {
    whole: Vec<Bar>,
    cancelled: Vec<Bar>,
    ideal: Vec<[f64; 2]>,
    ticks: Vec<String>,
}

fn comparison_series(history: &[RunSummary], lang: Lang) -> ComparisonSeries {
    let mut series = ComparisonSeries {
        whole: Vec::new(),
        cancelled: Vec::new(),
        ideal: Vec::new(),
        ticks: Vec::new(),
    };
    for (i, run) in history.iter().enumerate() {
        let at = i as f64 + 1.0;
        let mut tooltip = lang.run_tooltip(run, stats::speedup(history, i));
        if let Some(ideal) = &run.ideal {
            tooltip.push('\n');
            tooltip.push_str(&lang.ideal_tooltip(ideal));
            series.ideal.push([at, ideal.ms as f64 / 1000.0]);
        }
        let bar = Bar::new(at, run.elapsed_ms as f64 / 1000.0)
            .width(0.6)
            .name(tooltip);
        if run.was_cancelled() {
            series.cancelled.push(bar);
        } else {
            series.whole.push(bar);
        }
        series.ticks.push(lang.run_tick(run));
    }
    series
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gui::charts::sample_runs::item;
    use downpour::{ItemRecord, Outcome};

    fn run(mode: Mode, workers: usize, ms: u64, cancelled: usize) -> RunSummary {
        let records: Vec<ItemRecord> = (1..=4)
            .map(|index| {
                let outcome = if index <= cancelled {
                    Outcome::Cancelled(None)
                } else {
                    Outcome::Done
                };
                item(index, 1, [0, 10, 100], outcome)
            })
            .collect();
        RunSummary::from_records(mode, workers, ms, &records, "list")
    }

    #[test]
    fn runs_are_named_as_the_window_names_their_modes_and_a_cancelled_one_says_so() {
        let history = [
            run(Mode::Sequential, 1, 800, 0),
            run(Mode::Map, 8, 200, 0),
            run(Mode::Submit, 8, 50, 3),
        ];
        let en = comparison_series(&history, Lang::En);
        assert_eq!(
            en.ticks,
            [
                "Sequential",
                "Threaded (in order)\n8 at once",
                "Threaded (as completed)\n8 at once\n(cancelled)",
            ]
        );
        // The cancelled run is a grey bar apart, with no speed in its tooltip.
        let args = |bars: &[Bar]| bars.iter().map(|b| b.argument).collect::<Vec<_>>();
        assert_eq!((args(&en.whole), args(&en.cancelled)), (vec![1.0, 2.0], vec![3.0]));
        assert!(en.whole[1].name.contains("Threaded (in order), 8 at once"));
        assert!(en.whole[1].name.contains("4.0× as fast as one at a time"));
        let cut = &en.cancelled[0].name;
        assert!(cut.contains("cancelled: 3 of 4 not downloaded"), "{cut}");
        assert!(!cut.contains("as fast"), "{cut}");
        let zh = comparison_series(&history, Lang::Zh);
        assert_eq!(
            zh.ticks,
            [
                "顺序下载",
                "多线程（按列表顺序）\n同时 8 个",
                "多线程（按完成顺序）\n同时 8 个\n（已取消）",
            ]
        );
        assert!(zh.cancelled[0].name.contains("已取消：4 个中有 3 个未下载"));
    }
}
