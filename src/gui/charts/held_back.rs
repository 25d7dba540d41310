//! What map mode does, at any size: on the left, how long each finished result was held back
//! for the ones before it in the list (by position; consecutive items share a bar when there
//! are many, showing the longest and the average), on the right how many finished results
//! were waiting to be reported over time (a step line). Both stay a bounded number of bars and
//! corners at 10,000 items, where the completion-order scatter becomes one thick line.

use std::collections::HashMap;

use downpour::{ItemRecord, Mode, stats};
use egui_plot::{Bar, BarChart, Line, PlotPoint, PlotPoints};

use super::{sized_plot, CacheKey, Chart, ChartData, cached, nice_grid, nice_x_grid, side_by_side_ui, tick_label, with_legend_ui};
use crate::gui::i18n::{Lang, Texts};
use crate::gui::style::ORANGE;

/// At most this many bars on the left: groups of consecutive items beyond it.
pub const MAX_GROUPS: usize = 120;

/// At most this many corners of the step line on the right.
pub const MAX_CORNERS: usize = 1200;

/// How much of its colour the bar of the longest time in a group keeps.
const LONGEST_FADE: f32 = 0.45;

/// The held-back chart, with its bars and line cached per run, number of reported items and
/// language.
#[derive(Default)]
pub struct HeldBack {
    cache: Option<(CacheKey, HeldBackSeries)>,
}

/// The chart's bars and line, built once per new report, not every frame.
struct HeldBackSeries {
    /// The longest time held back per group (per item when there are few).
    longest: Vec<Bar>,
    /// The average per group, when groups hold several items.
    mean: Vec<Bar>,
    /// The corners of the step line of waiting results.
    waiting: Vec<PlotPoint>,
    /// The number of positions in the list.
    positions: usize,
}

impl HeldBackSeries {
    /// The series of the reported `records` and of the `held` results (when each ended) that
    /// still wait, up to `end_ms`.
    fn new(records: &[ItemRecord], held: &[u64], end_ms: u64, lang: Lang) -> Self {
        let groups = stats::held_back_groups(records, MAX_GROUPS);
        let grouped = groups.iter().any(|g| g.last > g.first);
        let by_index: HashMap<usize, &ItemRecord> = records.iter().map(|r| (r.index, r)).collect();
        let name = |index: usize| {
            by_index
                .get(&index)
                .map(|r| (r.file_name(), r.finished_ms, r.reported_ms))
        };
        let mut longest = Vec::with_capacity(groups.len());
        let mut mean = Vec::new();
        for group in &groups {
            let centre = (group.first + group.last) as f64 / 2.0;
            let width = (group.last - group.first + 1) as f64 * 0.8;
            let (file, finished, reported) = name(group.longest_index).unwrap_or_default();
            let tooltip = if grouped {
                lang.held_back_group_tooltip(group, &file)
            } else {
                lang.held_back_tooltip(group.longest_index, &file, finished, reported)
            };
            let fade = if grouped { LONGEST_FADE } else { 1.0 };
            longest.push(
                Bar::new(centre, group.longest_ms as f64 / 1000.0)
                    .width(width)
                    .fill(ORANGE.gamma_multiply(fade))
                    .name(&tooltip),
            );
            if grouped {
                mean.push(
                    Bar::new(centre, group.mean_ms / 1000.0)
                        .width(width)
                        .fill(ORANGE)
                        .name(tooltip),
                );
            }
        }
        let steps = stats::waiting_steps(records, held);
        let waiting = stats::step_line(&steps, end_ms, MAX_CORNERS)
            .into_iter()
            .map(|(x, y)| PlotPoint::new(x, y))
            .collect();
        Self {
            longest,
            mean,
            waiting,
            positions: records.len(),
        }
    }
}

impl Chart for HeldBack {
    fn title(&self, t: &'static Texts) -> &'static str {
        t.held_back_title
    }

    fn shown(&self, mode: Mode) -> bool {
        // Only map mode holds finished results back; the others report them at once.
        match mode {
            Mode::Map => true,
            Mode::Sequential | Mode::Submit => false,
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &ChartData<'_>, size: egui::Vec2) -> egui::Response {
        let (view, lang) = (data.view, data.lang);
        let end_ms = view.elapsed_ms();
        let series = cached(&mut self.cache, data, || {
            let held: Vec<u64> = view.held.values().copied().collect();
            HeldBackSeries::new(&view.records, &held, end_ms, lang)
        });
        side_by_side_ui(
            ui,
            size,
            |ui, size| held_back_ui(ui, series, data, size),
            |ui, size| waiting_ui(ui, series, data, size),
        )
    }
}

/// The left plot: seconds held back against the position in the list.
fn held_back_ui(
    ui: &mut egui::Ui,
    series: &HeldBackSeries,
    data: &ChartData<'_>,
    size: egui::Vec2,
) -> egui::Response {
    let t = data.lang.t();
    // Bars of one item each, or of groups: the longest faded behind the average.
    let (longest_name, longest_color) = if series.mean.is_empty() {
        (t.legend_held_back, ORANGE)
    } else {
        (t.legend_held_back_longest, ORANGE.gamma_multiply(LONGEST_FADE))
    };
    let top = series.longest.iter().map(|b| b.value).fold(0.0, f64::max);
    let mut legend = vec![(longest_color, longest_name)];
    if !series.mean.is_empty() {
        legend.push((ORANGE, t.legend_held_back_mean));
    }
    with_legend_ui(ui, &legend, size, |ui, size| {
        sized_plot("held_back", data, size)
            .x_axis_label(t.order_x)
            .x_grid_spacer(|input| nice_x_grid(input, 6.0, 1.0))
            .y_axis_label(t.held_back_y)
            .y_grid_spacer(|input| nice_grid(input, 5.0, 0.001))
            .y_axis_formatter(|mark, _| tick_label(mark))
            .include_x(0.0)
            .include_x(series.positions as f64 + 0.5)
            .include_y(0.0)
            .include_y(top * 1.05 + 0.001)
            .show(ui, |plot| {
                plot.bar_chart(
                    BarChart::new(longest_name, series.longest.clone()).color(longest_color),
                );
                if !series.mean.is_empty() {
                    plot.bar_chart(
                        BarChart::new(t.legend_held_back_mean, series.mean.clone()).color(ORANGE),
                    );
                }
            })
            .response
    })
}

/// The right plot: finished results waiting to be reported against time.
fn waiting_ui(
    ui: &mut egui::Ui,
    series: &HeldBackSeries,
    data: &ChartData<'_>,
    size: egui::Vec2,
) -> egui::Response {
    let t = data.lang.t();
    let top = series.waiting.iter().map(|p| p.y).fold(0.0, f64::max);
    let legend = [(ORANGE, t.legend_waiting_results)];
    with_legend_ui(ui, &legend, size, |ui, size| {
        sized_plot("waiting", data, size)
            .x_axis_label(t.timeline_x)
            .x_grid_spacer(|input| nice_x_grid(input, 6.0, 0.001))
            .x_axis_formatter(|mark, _| tick_label(mark))
            .y_axis_label(t.waiting_y)
            .y_grid_spacer(|input| nice_grid(input, 5.0, 1.0))
            .include_x(0.0)
            .include_y(0.0)
            .include_y(top * 1.05 + 1.0)
            .show(ui, |plot| {
                plot.line(
                    Line::new(
                        t.legend_waiting_results,
                        PlotPoints::Borrowed(&series.waiting),
                    )
                    .color(ORANGE)
                    .width(1.5)
                    // A step line: egui_plot's bands would join its corners slantwise; the
                    // corners are already at most MAX_CORNERS.
                    .allow_band(false),
                );
            })
            .response
    })
}

#[cfg(test)]
impl HeldBack {
    /// How many bars and corners the chart draws now (none before it was drawn).
    pub fn elements(&self) -> usize {
        self.cache
            .as_ref()
            .map_or(0, |(_, s)| s.longest.len() + s.mean.len() + s.waiting.len())
    }
}
