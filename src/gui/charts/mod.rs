//! The Charts tab. Each chart is one file in this folder holding a type that implements
//! [`Chart`]; the `charts!` list below names them in the order they are shown, so a new chart
//! is a new file plus one line there. Each chart decides in which modes it is shown. The axis
//! helpers that every chart shares live here too.

use egui::RichText;
use egui_plot::{GridInput, GridMark, Plot};

use super::DownpourApp;
use super::i18n::{Lang, Texts};
use super::model::RunView;
use downpour::Mode;
use downpour::stats::RunSummary;

/// What a chart is drawn from.
pub struct ChartData<'a> {
    /// The run shown (the current or the last one).
    pub view: &'a RunView,
    /// Every run of this session, oldest first.
    pub history: &'a [RunSummary],
    /// Bumped by Reset zoom: part of each plot's id, so a new value forgets zoom and pan.
    pub reset: u64,
    /// The language of the titles, axes, legends and tooltips.
    pub lang: Lang,
}

/// One chart of the Charts tab.
pub trait Chart {
    /// The heading above the chart, which also names it for screen readers and tests.
    fn title(&self, t: &'static Texts) -> &'static str;

    /// Whether the chart is shown for a run of `mode` (an exhaustive `match` in each chart, so
    /// that a new mode is decided for every chart).
    fn shown(&self, mode: Mode) -> bool;

    /// Draws the chart at `size` and returns the plot's response (its first plot's, when it
    /// has two side by side).
    fn ui(&mut self, ui: &mut egui::Ui, data: &ChartData<'_>, size: egui::Vec2) -> egui::Response;
}

/// Declares each chart's file (`file::Type`) and makes [`all`] list them in this order.
macro_rules! charts {
    ($($file:ident::$chart:ident),* $(,)?) => {
        $(
            mod $file;
            pub use $file::$chart;
        )*

        /// Every chart of the Charts tab, top to bottom, each with an empty cache.
        pub fn all() -> Vec<Box<dyn Chart>> {
            vec![$(Box::<$chart>::default()),*]
        }
    };
}

mod capture;
#[cfg(test)]
pub(super) mod sample_runs;
#[cfg(test)]
mod tests;

charts! {
    timeline::Timeline,
    order::CompletionOrder,
    held_back::HeldBack,
    moved::Moved,
    comparison::RunComparison,
}

/// The charts with their caches, how often Reset zoom was pressed, and a Save chart as PNG
/// under way.
pub struct Charts {
    list: Vec<Box<dyn Chart>>,
    reset: u64,
    capture: Option<capture::Capture>,
}

impl Default for Charts {
    fn default() -> Self {
        Self {
            list: all(),
            reset: 0,
            capture: None,
        }
    }
}

/// Which run, how many of its items were reported and in which language a cached chart was
/// built: a chart rebuilds its series only when this changes, not every frame.
pub type CacheKey = (std::time::Instant, usize, usize, Lang);

/// The cache key of `data` now.
pub fn cache_key(data: &ChartData<'_>) -> CacheKey {
    let view = data.view;
    (view.started, view.records.len(), view.held.len(), data.lang)
}

/// What `cache` holds for `data`, built anew by `build` only when its key changed.
pub fn cached<'c, T>(
    cache: &'c mut Option<(CacheKey, T)>,
    data: &ChartData<'_>,
    build: impl FnOnce() -> T,
) -> &'c T {
    let key = cache_key(data);
    if cache.as_ref().is_some_and(|(cached, _)| *cached != key) {
        *cache = None;
    }
    &cache.get_or_insert_with(|| (key, build())).1
}

impl DownpourApp {
    /// Reset zoom, Save chart as PNG, the exports, then every chart under its title.
    pub(super) fn charts_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let t = lang.t();
        let Some(mode) = self.view.as_ref().map(|view| view.mode) else {
            ui.label(t.no_run_yet);
            return;
        };
        let ctx = ui.ctx().clone();
        let mut save_png = false;
        let mut reset_zoom = false;
        ui.horizontal(|ui| {
            reset_zoom = ui
                .button(t.reset_zoom)
                .on_hover_text(t.reset_zoom_tip)
                .clicked();
            save_png = ui
                .button(t.save_png)
                .on_hover_text(t.save_png_tip)
                .clicked();
            self.export_buttons_ui(ui);
        });
        if reset_zoom {
            self.charts.reset += 1;
        }
        // Explicit sizes: inside a scroll area the available width is unbounded. The charts
        // shown share the height, with room for a title each: its line and the gaps above and
        // below its chart.
        let shown = self.charts.list.iter().filter(|c| c.shown(mode)).count();
        let count = shown.max(1) as f32;
        let title_height =
            ui.text_style_height(&egui::TextStyle::Body) + 2.0 * ui.spacing().item_spacing.y;
        let size = egui::vec2(
            (ui.available_width() - 16.0).max(200.0),
            ((ui.available_height() - title_height * count) / count).max(140.0),
        );
        if save_png {
            // Pressed again, it starts over.
            self.charts.capture = Some(capture::Capture::default());
        }
        let Some(view) = &self.view else {
            return;
        };
        let data = ChartData {
            view,
            history: &self.history,
            reset: self.charts.reset,
            lang,
        };
        let (charts, capture) = (&mut self.charts.list, &mut self.charts.capture);
        egui::ScrollArea::vertical()
            .id_salt("charts")
            .show(ui, |ui| {
                let visible = ui.clip_rect();
                let shown = charts.iter_mut().filter(|c| c.shown(mode));
                for (position, chart) in shown.enumerate() {
                    let title = ui.label(RichText::new(chart.title(t)).strong());
                    let plot = chart.ui(ui, &data, size).labelled_by(title.id);
                    if let Some(capture) = capture.as_mut() {
                        capture.chart_ui(ui, position, title.rect.union(plot.rect), visible);
                    }
                }
            });
        let background = ui.visuals().panel_fill;
        let picture = capture.as_mut().and_then(|c| c.collect(shown, background));
        if let Some(picture) = picture {
            self.charts.capture = None;
            self.save_picture_png(&ctx, picture);
        }
    }
}

/// Two plots side by side, each half of `size` wide: `left` and `right` draw them at the
/// size they are given. Returns their responses as one.
pub fn side_by_side_ui(
    ui: &mut egui::Ui,
    size: egui::Vec2,
    left: impl FnOnce(&mut egui::Ui, egui::Vec2) -> egui::Response,
    right: impl FnOnce(&mut egui::Ui, egui::Vec2) -> egui::Response,
) -> egui::Response {
    let gap = ui.spacing().item_spacing.x;
    let half = egui::vec2(((size.x - gap) / 2.0).max(100.0), size.y);
    ui.horizontal(|ui| {
        let left = left(ui, half);
        // The left plot is named by the chart's title (see `Charts`); the right one by it.
        let right = right(ui, half).labelled_by(left.id);
        left.union(right)
    })
    .inner
}

/// One series in a chart's legend: its colour and what it shows, in words.
pub type LegendEntry<'a> = (egui::Color32, &'a str);

/// A plot with its legend on lines of their own above it, inside `size`: the legend never
/// covers the data, however the plot is zoomed or panned. `plot` draws the plot at the size
/// left under the legend; returns its response.
pub fn with_legend_ui(
    ui: &mut egui::Ui,
    entries: &[LegendEntry<'_>],
    size: egui::Vec2,
    plot: impl FnOnce(&mut egui::Ui, egui::Vec2) -> egui::Response,
) -> egui::Response {
    ui.vertical(|ui| {
        ui.set_width(size.x);
        let top = ui.cursor().top();
        ui.horizontal_wrapped(|ui| {
            let swatch = ui.text_style_height(&egui::TextStyle::Body) * 0.7;
            for (color, label) in entries {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(swatch, swatch), egui::Sense::hover());
                ui.painter().rect_filled(rect, 2.0, *color);
                ui.label(*label);
                ui.add_space(ui.spacing().item_spacing.x);
            }
        });
        let used = ui.cursor().top() - top;
        plot(ui, egui::vec2(size.x, (size.y - used).max(100.0)))
    })
    .inner
}

/// The plot of a chart, `size` large, named `name` and forgetting its zoom on Reset zoom.
pub fn sized_plot<'a>(name: &'static str, data: &ChartData<'_>, size: egui::Vec2) -> Plot<'a> {
    Plot::new((name, data.reset)).width(size.x).height(size.y)
}

/// Grid marks at "nice" steps (1, 2 or 5 × 10ⁿ, never below `min_step`) chosen so that about
/// `labels` of them span the visible range: a 1.9 s run reads 0, 0.2, 0.4 … rather than 0, 1.
/// For a vertical axis: labels at least 22 points apart, where egui_plot shows them fully.
pub fn nice_grid(input: GridInput, labels: f64, min_step: f64) -> Vec<GridMark> {
    spaced_grid(input, labels, min_step, 22.0)
}

/// [`nice_grid`] for a horizontal axis, whose labels egui_plot shows only 60 points apart
/// or more: in a narrow plot (a small window) fewer labels, rather than none.
pub fn nice_x_grid(input: GridInput, labels: f64, min_step: f64) -> Vec<GridMark> {
    spaced_grid(input, labels, min_step, 64.0)
}

/// Nice grid marks with labelled steps at least `points` apart on screen.
fn spaced_grid(input: GridInput, labels: f64, min_step: f64, points: f64) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    // `base_step_size` is the plot's value span of its finest grid line spacing, 8 points.
    let readable = input.base_step_size * points / 8.0;
    let raw = ((hi - lo) / labels)
        .max(min_step)
        .max(readable)
        .max(f64::EPSILON);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * magnitude)
        .max(min_step);
    let mut marks = marks_every(input.bounds, step, |_| true);
    if step / 5.0 >= min_step {
        // Unlabelled minor lines at a fifth of the step, except where a major one is.
        marks.extend(marks_every(input.bounds, step / 5.0, |i| i % 5 != 0));
    }
    marks
}

/// The multiples `i × size` inside `bounds` whose `i` passes `keep` (none if absurdly many).
fn marks_every(bounds: (f64, f64), size: f64, keep: impl Fn(i64) -> bool) -> Vec<GridMark> {
    let first = (bounds.0 / size - 1e-9).ceil() as i64;
    let last = (bounds.1 / size + 1e-9).floor() as i64;
    if last - first > 1000 {
        return Vec::new();
    }
    (first..=last)
        .filter(|i| keep(*i))
        .map(|i| GridMark {
            value: i as f64 * size,
            step_size: size,
        })
        .collect()
}

/// A tick label with as many decimals as its step needs: 0.5 s steps read "1.5", not "2".
pub fn tick_label(mark: GridMark) -> String {
    let decimals = (-mark.step_size.log10()).ceil().max(0.0) as usize;
    format!("{:.*}", decimals, mark.value)
}
