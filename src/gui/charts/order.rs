//! The completion order: each item's position in the list against the order its result was
//! reported. Submit mode scatters; map mode reports in list order, and shows when each
//! download really finished beside it.

use downpour::{Mode, stats};
use egui_plot::{Line, MarkerShape, PlotPoint, PlotPoints, Points};

use super::{CacheKey, Chart, ChartData, cached, nice_grid, nice_x_grid, sized_plot, with_legend_ui};
use crate::gui::i18n::Texts;
use crate::gui::style::{BLUE, GREY, ORANGE};

/// The completion-order chart, with its points cached per run and number of reported items
/// (and language, as every chart cache is keyed).
#[derive(Default)]
pub struct CompletionOrder {
    cache: Option<(CacheKey, OrderSeries)>,
}

/// The chart's points, built once per new report, not every frame.
#[derive(Default)]
struct OrderSeries {
    reported: Vec<PlotPoint>,
    finished: Vec<PlotPoint>,
}

impl OrderSeries {
    fn new(records: &[downpour::ItemRecord]) -> Self {
        let points = stats::order_points(records);
        Self {
            reported: points
                .iter()
                .map(|p| PlotPoint::new(p.index as f64, p.reported as f64))
                .collect(),
            finished: points
                .iter()
                .map(|p| PlotPoint::new(p.index as f64, p.finished as f64))
                .collect(),
        }
    }
}

impl Chart for CompletionOrder {
    fn title(&self, t: &'static Texts) -> &'static str {
        t.order_title
    }

    fn shown(&self, mode: Mode) -> bool {
        match mode {
            Mode::Sequential | Mode::Submit | Mode::Map => true,
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &ChartData<'_>, size: egui::Vec2) -> egui::Response {
        let t = data.lang.t();
        let series = cached(&mut self.cache, data, || {
            OrderSeries::new(&data.view.records)
        });
        let n = series.reported.len().max(1) as f64;
        // Only map mode reports results apart from when they finished.
        let finished = match data.view.mode {
            Mode::Map => true,
            Mode::Sequential | Mode::Submit => false,
        };
        let mut legend = vec![(GREY, t.legend_input_order), (BLUE, t.legend_reported)];
        if finished {
            legend.push((ORANGE, t.legend_finished));
        }
        with_legend_ui(ui, &legend, size, |ui, size| {
            sized_plot("order", data, size)
                .x_axis_label(t.order_x)
                .x_grid_spacer(|input| nice_x_grid(input, 10.0, 1.0))
                .y_axis_label(t.order_y)
                .y_grid_spacer(|input| nice_grid(input, 6.0, 1.0))
                .show(ui, |plot| {
                    plot.line(
                        Line::new(
                            t.legend_input_order,
                            PlotPoints::from(vec![[1.0, 1.0], [n, n]]),
                        )
                        .color(GREY),
                    );
                    plot.points(
                        Points::new(t.legend_reported, PlotPoints::Borrowed(&series.reported))
                            .shape(MarkerShape::Circle)
                            .radius(4.0)
                            .color(BLUE)
                            .filled(true),
                    );
                    if finished {
                        plot.points(
                            Points::new(t.legend_finished, PlotPoints::Borrowed(&series.finished))
                                .shape(MarkerShape::Diamond)
                                .radius(4.0)
                                .color(ORANGE)
                                .filled(false),
                        );
                    }
                })
                .response
        })
    }
}
