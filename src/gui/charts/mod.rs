//! The Charts tab. Each chart is one file in this folder holding a type that implements
//! [`Chart`]; the `charts!` list below names them in the order they are shown, so a new chart
//! is a new file plus one line there. The axis helpers that every chart shares live here too.

use egui::RichText;
use egui_plot::{GridInput, GridMark};

use super::DownpourApp;
use super::i18n::{Lang, Texts};
use super::model::RunView;
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

    /// Draws the chart at `size` and returns the plot's response.
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

#[cfg(test)]
// Until the charts' own tests use every run, some serve the image snapshots only.
#[cfg_attr(not(feature = "snapshots"), allow(dead_code))]
pub(super) mod sample_runs;

charts! {
    timeline::Timeline,
    order::CompletionOrder,
    comparison::RunComparison,
}

/// The height a chart's title takes in the tab.
const TITLE_HEIGHT: f32 = 20.0;

/// The charts with their caches, and how often Reset zoom was pressed.
pub struct Charts {
    list: Vec<Box<dyn Chart>>,
    reset: u64,
}

impl Default for Charts {
    fn default() -> Self {
        Self {
            list: all(),
            reset: 0,
        }
    }
}

/// Which run, how many of its items were reported and in which language a cached chart was
/// built: a chart rebuilds its series only when this changes, not every frame.
pub type CacheKey = (std::time::Instant, usize, Lang);

/// The cache key of `data` now.
pub fn cache_key(data: &ChartData<'_>) -> CacheKey {
    (data.view.started, data.view.records.len(), data.lang)
}

impl DownpourApp {
    /// Reset zoom, Save chart as PNG, the exports, then every chart under its title.
    pub(super) fn charts_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let t = lang.t();
        if self.view.is_none() {
            ui.label(t.no_run_yet);
            return;
        }
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
        // share the height, with room for a title each.
        let count = self.charts.list.len().max(1) as f32;
        let size = egui::vec2(
            (ui.available_width() - 16.0).max(200.0),
            ((ui.available_height() - TITLE_HEIGHT * count) / count).max(140.0),
        );
        if save_png {
            self.save_charts_png(&ctx, ui.available_rect_before_wrap());
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
        let charts = &mut self.charts.list;
        egui::ScrollArea::vertical()
            .id_salt("charts")
            .show(ui, |ui| {
                for chart in charts.iter_mut() {
                    let title = ui.label(RichText::new(chart.title(t)).strong());
                    chart.ui(ui, &data, size).labelled_by(title.id);
                }
            });
    }
}

/// Grid marks at "nice" steps (1, 2 or 5 × 10ⁿ, never below `min_step`) chosen so that about
/// `labels` of them span the visible range: a 1.9 s run reads 0, 0.2, 0.4 … rather than 0, 1.
pub fn nice_grid(input: GridInput, labels: f64, min_step: f64) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let raw = ((hi - lo) / labels).max(min_step).max(f64::EPSILON);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn labelled(bounds: (f64, f64), labels: f64, min_step: f64) -> Vec<String> {
        let marks = nice_grid(
            GridInput {
                bounds,
                base_step_size: 0.0,
            },
            labels,
            min_step,
        );
        let major = marks.iter().map(|m| m.step_size).fold(0.0, f64::max);
        marks
            .into_iter()
            .filter(|m| m.step_size == major)
            .map(tick_label)
            .collect()
    }

    #[test]
    fn axes_get_readable_steps_and_decimals() {
        // A 1.9 s run: half seconds, one decimal (egui's default gave only "0" and "1").
        assert_eq!(
            labelled((-0.05, 1.95), 8.0, 0.001),
            ["0.0", "0.5", "1.0", "1.5"]
        );
        assert_eq!(
            labelled((0.0, 0.7), 8.0, 0.001),
            ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"]
        );
        // Half-second steps keep their decimal.
        assert_eq!(
            labelled((0.0, 3.0), 6.0, 0.001),
            ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"]
        );
        // Positions in a list are whole numbers, however few.
        assert_eq!(labelled((0.5, 3.5), 10.0, 1.0), ["1", "2", "3"]);
        assert_eq!(
            labelled((0.0, 100.0), 6.0, 1.0),
            ["0", "20", "40", "60", "80", "100"]
        );
    }
}
