//! What submit mode does, at any size: how far each result moved from its place in the list
//! (the order of its result minus its position). On the left, the moves by position — later
//! up, earlier down; consecutive items share a bar when there are many, showing the farthest
//! move either way — and on the right how many results moved how far, in bins that double in
//! width, so that the many small moves and the few far ones both show. At most
//! [`MAX_GROUPS`] × 2 bars and a few dozen bins at 10,000 items, where the completion-order
//! scatter becomes one thick line.

use std::collections::HashMap;

use downpour::{ItemRecord, Mode, stats};
use egui_plot::{AxisHints, Bar, BarChart, GridMark};

use super::{sized_plot, CacheKey, Chart, ChartData, cached, nice_grid, nice_x_grid, side_by_side_ui, with_legend_ui};
use crate::gui::i18n::{Lang, Texts};
use crate::gui::style::{BLUE, GREY, ORANGE};

/// At most this many positions on the left: groups of consecutive items beyond it.
pub const MAX_GROUPS: usize = 120;

/// The chart of moves, with its bars cached per run, number of reported items and language.
#[derive(Default)]
pub struct Moved {
    cache: Option<(CacheKey, MovedBars)>,
}

/// The chart's bars, built once per new report, not every frame.
#[derive(Default)]
struct MovedBars {
    /// By position: moves after the result's place (up) and before it (down).
    later: Vec<Bar>,
    earlier: Vec<Bar>,
    /// The histogram: bins of moves before the place, of none, and after it.
    bins: [Vec<Bar>; 3],
    /// The number of positions in the list.
    positions: usize,
}

impl MovedBars {
    fn new(records: &[ItemRecord], lang: Lang) -> Self {
        let by_index: HashMap<usize, &ItemRecord> = records.iter().map(|r| (r.index, r)).collect();
        let name = |index: usize| by_index.get(&index).map(|r| r.file_name()).unwrap_or_default();
        let moves = stats::moves(records);
        let groups = stats::move_groups(&moves, MAX_GROUPS);
        let grouped = groups.iter().any(|g| g.last > g.first);
        let mut bars = MovedBars {
            positions: moves.len(),
            ..MovedBars::default()
        };
        for group in &groups {
            let centre = (group.first + group.last) as f64 / 2.0;
            let width = (group.last - group.first + 1) as f64 * 0.8;
            let tooltip = match moves.get(group.first.saturating_sub(1)) {
                Some(m) if !grouped => {
                    lang.moved_item_tooltip(m.index, &name(m.index), m.places, m.position)
                }
                _ => {
                    let (later, earlier) = (name(group.latest.1), name(group.earliest.1));
                    lang.moved_group_tooltip(group, &later, &earlier)
                }
            };
            for ((places, _), side) in [(group.latest, &mut bars.later), (group.earliest, &mut bars.earlier)] {
                if places != 0 {
                    side.push(Bar::new(centre, places as f64).width(width).name(&tooltip));
                }
            }
        }
        for bin in stats::move_histogram(&moves) {
            let (near, far) = stats::bin_places(bin.bin);
            let bar = Bar::new(bin.bin as f64, bin.count as f64)
                .width(0.8)
                .name(lang.moved_tooltip(near, far, bin.count));
            bars.bins[(bin.bin.signum() + 1) as usize].push(bar);
        }
        bars
    }
}

impl Chart for Moved {
    fn title(&self, t: &'static Texts) -> &'static str {
        t.moved_title
    }

    fn shown(&self, mode: Mode) -> bool {
        // Only submit mode reports results out of the list's order.
        match mode {
            Mode::Submit => true,
            Mode::Sequential | Mode::Map => false,
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &ChartData<'_>, size: egui::Vec2) -> egui::Response {
        let lang = data.lang;
        let bars = cached(&mut self.cache, data, || {
            MovedBars::new(&data.view.records, lang)
        });
        side_by_side_ui(
            ui,
            size,
            |ui, size| by_position_ui(ui, bars, data, size),
            |ui, size| histogram_ui(ui, bars, data, size),
        )
    }
}

/// The left plot: places moved against the position in the list.
fn by_position_ui(
    ui: &mut egui::Ui,
    bars: &MovedBars,
    data: &ChartData<'_>,
    size: egui::Vec2,
) -> egui::Response {
    let t = data.lang.t();
    let reach = |side: &[Bar]| side.iter().map(|b| b.value.abs()).fold(1.0, f64::max);
    let legend = [(ORANGE, t.legend_moved_later), (BLUE, t.legend_moved_earlier)];
    with_legend_ui(ui, &legend, size, |ui, size| {
        sized_plot("moved", data, size)
            .x_axis_label(t.order_x)
            .x_grid_spacer(|input| nice_x_grid(input, 6.0, 1.0))
            .y_axis_label(t.moved_places)
            .y_grid_spacer(|input| nice_grid(input, 5.0, 1.0))
            .include_x(0.0)
            .include_x(bars.positions as f64 + 0.5)
            .include_y(reach(&bars.later) * 1.05)
            .include_y(-reach(&bars.earlier))
            .show(ui, |plot| {
                plot.bar_chart(BarChart::new(t.legend_moved_later, bars.later.clone()).color(ORANGE));
                plot.bar_chart(
                    BarChart::new(t.legend_moved_earlier, bars.earlier.clone()).color(BLUE),
                );
            })
            .response
    })
}

/// The right plot: how many results moved how far, one bar per bin, each labelled with the
/// farthest move it holds.
fn histogram_ui(
    ui: &mut egui::Ui,
    bars: &MovedBars,
    data: &ChartData<'_>,
    size: egui::Vec2,
) -> egui::Response {
    let t = data.lang.t();
    let top = bars.bins.iter().flatten().map(|b| b.value).fold(1.0, f64::max);
    let bins = || bars.bins.iter().flatten().map(|b| b.argument);
    let (lowest, highest) = (bins().fold(-2.0, f64::min), bins().fold(2.0, f64::max));
    sized_plot("moved_bins", data, size)
        // Each bin labelled with the farthest move it holds, however narrow the bins.
        .custom_x_axes(vec![
            AxisHints::new_x()
                .label(t.moved_bins)
                .formatter(bin_label)
                .label_spacing(18.0..=24.0),
        ])
        .x_grid_spacer(|input| nice_x_grid(input, 40.0, 1.0))
        .y_axis_label(t.moved_results)
        .y_grid_spacer(|input| nice_grid(input, 5.0, 1.0))
        // The bins' edges end the axis: no label of a bin that is not there.
        .set_margin_fraction(egui::vec2(0.0, 0.05))
        .include_x(lowest - 0.5)
        .include_x(highest + 0.5)
        .include_y(0.0)
        .include_y(top * 1.1)
        .show(ui, |plot| {
            let names = [t.legend_moved_earlier, "0", t.legend_moved_later];
            for ((bins, color), name) in bars.bins.iter().zip([BLUE, GREY, ORANGE]).zip(names) {
                plot.bar_chart(BarChart::new(name, bins.clone()).color(color));
            }
        })
        .response
}

/// The label of a bin of the histogram: the farthest move it holds, `−8` for 5 to 8 places
/// earlier; nothing between bins.
fn bin_label(mark: GridMark, _range: &std::ops::RangeInclusive<f64>) -> String {
    let bin = mark.value.round();
    if (mark.value - bin).abs() > 1e-6 {
        return String::new();
    }
    match stats::bin_places(bin as i64).1 {
        far if far < 0 => format!("−{}", far.unsigned_abs()),
        far => far.to_string(),
    }
}

#[cfg(test)]
impl Moved {
    /// How many bars the chart draws now (none before it was drawn).
    pub fn elements(&self) -> usize {
        self.cache.as_ref().map_or(0, |(_, b)| {
            b.later.len() + b.earlier.len() + b.bins.iter().map(Vec::len).sum::<usize>()
        })
    }
}
