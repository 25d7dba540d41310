//! The worker timeline: one lane per worker, one bar per download from the moment a worker
//! took it to its end, the wait for the server's answer faded. It shows how many downloads
//! ran at once and where the time went.

use std::collections::HashMap;

use downpour::{ItemRecord, OutcomeKind, stats};
use egui_plot::{Bar, BarChart, Legend, Plot, VLine};

use super::{CacheKey, Chart, ChartData, cache_key, nice_grid, tick_label};
use crate::gui::i18n::{BarItem, Lang, Texts};
use crate::gui::model::{RowStatus, RunView};
use crate::gui::style::{GREY, SKY, outcome_color};

/// How much of its colour the waiting part of a bar keeps.
const WAITING_FADE: f32 = 0.35;

/// The timeline, with its bars cached per run, number of reported items and language.
#[derive(Default)]
pub struct Timeline {
    cache: Option<(CacheKey, TimelineBars)>,
}

/// The timeline's bars for the reported items: the waiting parts, then the rest of each bar
/// grouped by outcome, in the order of [`OutcomeKind::ALL`].
#[derive(Clone)]
struct TimelineBars {
    waiting: Vec<Bar>,
    groups: Vec<(OutcomeKind, Vec<Bar>)>,
}

impl Default for TimelineBars {
    fn default() -> Self {
        Self {
            waiting: Vec::new(),
            groups: OutcomeKind::ALL.map(|kind| (kind, Vec::new())).into(),
        }
    }
}

impl Chart for Timeline {
    fn title(&self, t: &'static Texts) -> &'static str {
        t.timeline_title
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &ChartData<'_>, size: egui::Vec2) -> egui::Response {
        let (view, lang) = (data.view, data.lang);
        let t = lang.t();
        let TimelineBars { waiting, groups } = self.bars(data);
        let running = running_bars(view, lang);
        let total = view.elapsed_ms() as f64 / 1000.0;
        Plot::new(("timeline", data.reset))
            .width(size.x)
            .height(size.y)
            .legend(Legend::default())
            .x_axis_label(t.timeline_x)
            .x_grid_spacer(|input| nice_grid(input, 8.0, 0.001))
            .x_axis_formatter(|mark, _| tick_label(mark))
            .y_axis_label(t.timeline_y)
            .y_grid_spacer(|input| nice_grid(input, 8.0, 1.0))
            .include_x(0.0)
            // Room above the top lane for the legend.
            .include_y(0.0)
            .include_y(view.workers as f64 + 1.6)
            .show(ui, |plot| {
                // Each bar's waiting part is its own colour, faded; the legend shows a done one's.
                plot.bar_chart(
                    BarChart::new(t.legend_waiting, waiting)
                        .color(outcome_color(OutcomeKind::Done).gamma_multiply(WAITING_FADE))
                        .horizontal(),
                );
                plot.bar_chart(
                    BarChart::new(t.status_downloading, running)
                        .color(SKY.gamma_multiply(0.7))
                        .horizontal(),
                );
                for (kind, bars) in groups {
                    plot.bar_chart(
                        BarChart::new(lang.outcome(kind), bars)
                            .color(outcome_color(kind))
                            .horizontal(),
                    );
                }
                plot.vline(VLine::new(lang.total_line(total), total).color(GREY));
            })
            .response
    }
}

impl Timeline {
    /// The bars of the reported items, rebuilt only when a new item was reported.
    fn bars(&mut self, data: &ChartData<'_>) -> TimelineBars {
        let key = cache_key(data);
        match &self.cache {
            Some((cached, bars)) if *cached == key => bars.clone(),
            _ => {
                let bars = timeline_bars(data.view, data.lang);
                self.cache = Some((key, bars.clone()));
                bars
            }
        }
    }
}

/// How thick a bar of `kind` is: failed and cancelled ones are thinner, so that a lane's
/// outcomes read apart without their colours.
fn bar_width(kind: OutcomeKind) -> f64 {
    match kind {
        OutcomeKind::Done => 0.7,
        OutcomeKind::Skipped => 0.35,
        OutcomeKind::Failed => 0.45,
        OutcomeKind::Cancelled => 0.25,
    }
}

/// Downloads still running grow live, up to now.
fn running_bars(view: &RunView, lang: Lang) -> Vec<Bar> {
    let now = view.elapsed_ms() as f64 / 1000.0;
    view.rows
        .iter()
        .filter(|r| r.status == RowStatus::Downloading && r.worker > 0)
        .filter_map(|r| {
            let start = r.started_ms? as f64 / 1000.0;
            Some(
                Bar::new(r.worker as f64, (now - start).max(0.001))
                    .base_offset(start)
                    .width(0.7)
                    .name(lang.running_tooltip(r.index, &r.name)),
            )
        })
        .collect()
}

fn timeline_bars(view: &RunView, lang: Lang) -> TimelineBars {
    let by_index: HashMap<usize, &ItemRecord> = view.records.iter().map(|r| (r.index, r)).collect();
    let mut bars = TimelineBars::default();
    for lane in stats::lanes(&view.records) {
        for bar in &lane.bars {
            let (color, width) = (outcome_color(bar.kind), bar_width(bar.kind));
            let label = by_index
                .get(&bar.index)
                .map_or_else(String::new, |r| bar_label(r, bar, lang));
            let transfer_from = bar.first_byte.unwrap_or(bar.start).min(bar.end);
            if transfer_from > bar.start {
                bars.waiting.push(
                    Bar::new(lane.worker as f64, transfer_from - bar.start)
                        .base_offset(bar.start)
                        .width(width)
                        .fill(color.gamma_multiply(WAITING_FADE))
                        .name(format!("{label}\n{}", lang.t().waiting_for_server)),
                );
            }
            let transfer = Bar::new(lane.worker as f64, (bar.end - transfer_from).max(0.001))
                .base_offset(transfer_from)
                .width(width)
                .fill(color)
                .name(label);
            if let Some((_, group)) = bars.groups.iter_mut().find(|(kind, _)| *kind == bar.kind) {
                group.push(transfer);
            }
        }
    }
    bars
}

/// A bar's tooltip: the item, its address, its size and times, and its error.
fn bar_label(r: &ItemRecord, bar: &stats::Bar, lang: Lang) -> String {
    let mut text = lang.bar_tooltip(&BarItem {
        index: r.index,
        name: &r.file_name(),
        outcome: lang.outcome(bar.kind),
        url: &r.url,
        bytes: r.bytes,
        start: bar.start,
        end: bar.end,
    });
    if let Some(err) = r.outcome.error() {
        text.push('\n');
        text.push_str(&lang.download_error(err));
    }
    text
}
