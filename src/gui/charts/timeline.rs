//! The worker timeline: one lane per worker, one bar per download from the moment a worker
//! took it to its end, the wait for the server's answer faded. A file fetched over several
//! connections has a bar per piece, in the lane of the worker that fetched it and in the
//! item's own colour, so its pieces read as one file. It shows how many downloads ran at once
//! and where the time went.

use std::collections::HashMap;

use downpour::{ItemRecord, Mode, OutcomeKind, stats};
use egui_plot::{Bar, BarChart, VLine};

use super::{
    CacheKey, Chart, ChartData, cache_key, nice_grid, nice_x_grid, sized_plot, tick_label,
    with_legend_ui,
};
use crate::gui::i18n::{BarItem, Lang, PieceItem, Texts};
use crate::gui::model::{RowStatus, RunView};
use crate::gui::style::{GREY, SKY, item_color, outcome_color};

/// How much of its colour the waiting part of a bar keeps.
const WAITING_FADE: f32 = 0.35;

/// The timeline, with its bars cached per run, number of reported items and language.
#[derive(Default)]
pub struct Timeline {
    cache: Option<(CacheKey, TimelineBars)>,
}

/// The timeline's bars for the reported items: the waiting parts, the pieces of files fetched
/// over several connections, then the rest of each bar grouped by outcome, in the order of
/// [`OutcomeKind::ALL`].
#[derive(Clone)]
struct TimelineBars {
    waiting: Vec<Bar>,
    pieces: Vec<Bar>,
    groups: Vec<(OutcomeKind, Vec<Bar>)>,
}

impl Default for TimelineBars {
    fn default() -> Self {
        Self {
            waiting: Vec::new(),
            pieces: Vec::new(),
            groups: OutcomeKind::ALL.map(|kind| (kind, Vec::new())).into(),
        }
    }
}

impl Chart for Timeline {
    fn title(&self, t: &'static Texts) -> &'static str {
        t.timeline_title
    }

    fn shown(&self, mode: Mode) -> bool {
        match mode {
            Mode::Sequential | Mode::Submit | Mode::Map => true,
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &ChartData<'_>, size: egui::Vec2) -> egui::Response {
        let (view, lang) = (data.view, data.lang);
        let t = lang.t();
        let TimelineBars {
            waiting,
            pieces,
            groups,
        } = self.bars(data);
        let running = running_bars(view, lang);
        let total = view.elapsed_ms() as f64 / 1000.0;
        let total_name = lang.total_line(total);
        // The legend's swatch for the pieces is the colour of the first split file's.
        let piece_color = pieces.first().map_or(item_color(0), |bar| bar.fill);
        let done_faded = outcome_color(OutcomeKind::Done).gamma_multiply(WAITING_FADE);
        let running_color = SKY.gamma_multiply(0.7);
        let named = [
            (done_faded, t.legend_waiting, waiting.is_empty()),
            (running_color, t.status_downloading, running.is_empty()),
        ];
        let outcomes = groups
            .iter()
            .map(|(kind, bars)| (outcome_color(*kind), lang.outcome(*kind), bars.is_empty()));
        let last = [
            (piece_color, t.legend_pieces, pieces.is_empty()),
            (GREY, total_name.as_str(), false),
        ];
        let legend: Vec<_> = named
            .into_iter()
            .chain(outcomes)
            .chain(last)
            .filter(|(_, _, empty)| !empty)
            .map(|(color, label, _)| (color, label))
            .collect();
        with_legend_ui(ui, &legend, size, |ui, size| {
            sized_plot("timeline", data, size)
                .x_axis_label(t.timeline_x)
                .x_grid_spacer(|input| nice_x_grid(input, 8.0, 0.001))
                .x_axis_formatter(|mark, _| tick_label(mark))
                .y_axis_label(t.timeline_y)
                .y_grid_spacer(|input| nice_grid(input, 8.0, 1.0))
                .include_x(0.0)
                .include_x(total)
                .include_y(0.0)
                .include_y(view.workers as f64 + 0.6)
                .show(ui, |plot| {
                    // Each bar's waiting part is its own colour, faded; the legend shows a
                    // done one's.
                    plot.bar_chart(
                        BarChart::new(t.legend_waiting, waiting)
                            .color(done_faded)
                            .horizontal(),
                    );
                    plot.bar_chart(
                        BarChart::new(t.status_downloading, running)
                            .color(running_color)
                            .horizontal(),
                    );
                    for (kind, bars) in groups {
                        plot.bar_chart(
                            BarChart::new(lang.outcome(kind), bars)
                                .color(outcome_color(kind))
                                .horizontal(),
                        );
                    }
                    // Each piece has its item's colour.
                    plot.bar_chart(
                        BarChart::new(t.legend_pieces, pieces)
                            .color(piece_color)
                            .horizontal(),
                    );
                    plot.vline(VLine::new(total_name.as_str(), total).color(GREY));
                })
                .response
        })
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
            let record = by_index.get(&bar.index).copied();
            // A piece of a split file has its item's colour, a whole download its outcome's.
            let color = match bar.bytes {
                Some(_) => item_color(bar.index),
                None => outcome_color(bar.kind),
            };
            let width = bar_width(bar.kind);
            let label = record.map_or_else(String::new, |r| bar_label(r, bar, lane.worker, lang));
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
            if bar.bytes.is_some() {
                bars.pieces.push(transfer);
            } else if let Some((_, group)) = bars.groups.iter_mut().find(|(k, _)| *k == bar.kind) {
                group.push(transfer);
            }
        }
    }
    bars
}

/// A bar's tooltip: the item, its address, its size and times, and its error; for a piece of
/// a split file, the item, the piece's bytes, its worker and its times, and the error.
fn bar_label(r: &ItemRecord, bar: &stats::Bar, worker: usize, lang: Lang) -> String {
    let name = r.file_name();
    let mut text = match bar.bytes {
        Some((from, to)) => lang.piece_tooltip(&PieceItem {
            index: r.index,
            name: &name,
            from,
            to,
            worker,
            start: bar.start,
            end: bar.end,
        }),
        None => lang.bar_tooltip(&BarItem {
            index: r.index,
            name: &name,
            outcome: lang.outcome(bar.kind),
            url: &r.url,
            bytes: r.bytes,
            start: bar.start,
            end: bar.end,
        }),
    };
    if let Some(err) = r.outcome.error() {
        text.push('\n');
        text.push_str(&lang.download_error(err));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gui::charts::sample_runs::{finished_view, submit_records};

    #[test]
    fn a_split_file_is_drawn_piece_by_piece_in_its_colour() {
        let view = finished_view(Mode::Submit, 4, &submit_records());
        let bars = timeline_bars(&view, Lang::En);
        // Item 9's three pieces, on workers 1, 4 and 3, in its colour.
        let pieces: Vec<(f64, &str)> = bars
            .pieces
            .iter()
            .map(|b| (b.argument, b.name.as_str()))
            .collect();
        assert_eq!(
            pieces,
            [
                (1.0, "#9 photo-09.jpg · bytes 0–4.0 MiB · worker 1 · 0.90–1.70 s"),
                (3.0, "#9 photo-09.jpg · bytes 6.0 MiB–8.0 MiB · worker 3 · 1.40–1.69 s"),
                (4.0, "#9 photo-09.jpg · bytes 4.0 MiB–6.0 MiB · worker 4 · 1.30–1.65 s"),
            ]
        );
        assert!(bars.pieces.iter().all(|b| b.fill == item_color(9)));
        // Its worker's wait for the answer stays, faded, in its colour too.
        let wait = bars.waiting.iter().find(|b| b.name.starts_with("#9 "));
        assert_eq!(wait.map(|b| b.fill), Some(item_color(9).gamma_multiply(WAITING_FADE)));
        // The other items are whole bars in their outcome's colour: 7 done, 1 failed, 1
        // cancelled.
        let counts: Vec<usize> = bars.groups.iter().map(|(_, g)| g.len()).collect();
        assert_eq!(counts, [7, 0, 1, 1]);
    }
}
