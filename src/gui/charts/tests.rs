//! The charts' tests: the axis helpers, which charts each mode shows (found by their titles,
//! as a screen reader finds them), and the charts of 5,000 items — how long their data takes
//! to build and draw (measured and printed, not asserted) and that they draw a bounded number
//! of elements. No renderer is needed: the image snapshots are in `gui/snapshots.rs`.

use std::time::{Duration, Instant};

use downpour::Mode;
use egui::epaint::Shape;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::sample_runs::{big_records, finished_view, history, map_records, submit_records};
use super::*;
use crate::gui::i18n::Lang;
use crate::gui::{DownpourApp, Settings, Tab};
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
fn a_narrow_plot_gets_fewer_labels_on_its_horizontal_axis_not_none() {
    // Positions 1 to 8 across 340 points (a chart in an 800-point window): one label a
    // position would be 42 points apart, too close for egui_plot to draw any of them.
    let input = GridInput {
        bounds: (0.0, 8.5),
        base_step_size: 8.5 / 340.0 * 8.0,
    };
    let major = |marks: Vec<GridMark>| {
        let step = marks.iter().map(|m| m.step_size).fold(0.0, f64::max);
        marks
            .into_iter()
            .filter(|m| m.step_size == step)
            .map(tick_label)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        major(nice_x_grid(input, 10.0, 1.0)),
        ["0", "2", "4", "6", "8"]
    );
    // Wide enough, every position keeps its label.
    let wide = GridInput {
        bounds: (0.0, 8.5),
        base_step_size: 8.5 / 900.0 * 8.0,
    };
    assert_eq!(major(nice_x_grid(wide, 10.0, 1.0)).len(), 9);
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

/// The window on the Charts tab showing `view`, after the hand-made session.
fn charts_tab(view: RunView) -> Harness<'static, DownpourApp> {
    let mut app = DownpourApp::new(Settings {
        language: Some(Lang::En),
        ..Settings::default()
    });
    app.view = Some(view);
    app.history = history();
    app.tab = Tab::Charts;
    let mut harness = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_ui_state(|ui, app: &mut DownpourApp| app.window_ui(ui), app);
    harness.run();
    harness
}

#[test]
fn each_mode_shows_its_own_charts_found_by_their_titles() {
    let t = Lang::En.t();
    let always = [t.timeline_title, t.order_title, t.comparison_title];
    let runs = [
        (Mode::Map, map_records(), t.held_back_title, t.moved_title),
        (
            Mode::Submit,
            submit_records(),
            t.moved_title,
            t.held_back_title,
        ),
    ];
    for (mode, records, shown, hidden) in runs {
        let harness = charts_tab(finished_view(mode, 4, &records));
        for title in always.into_iter().chain([shown]) {
            // The plots the title names: both of a two-plot chart.
            let plots = if title == shown { 2 } else { 1 };
            let named = harness.query_all_by_label(title).count();
            assert_eq!(named, plots, "{mode:?}: {title}");
        }
        assert!(
            harness.query_by_label(hidden).is_none(),
            "{mode:?} shows {hidden}"
        );
    }
    let harness = charts_tab(finished_view(Mode::Sequential, 1, &map_records()));
    assert!(harness.query_by_label(t.held_back_title).is_none());
    assert!(harness.query_by_label(t.moved_title).is_none());
}

/// The chart alone, drawn for `view` at the size it has in the tab, in a harness that keeps
/// it; returns the harness and how long the first frames (building the chart's data) and a
/// later one (from its cache) took.
fn draw_alone<C: Chart + 'static>(
    chart: C,
    view: RunView,
) -> (Harness<'static, (C, RunView)>, Duration, Duration) {
    let size = egui::vec2(930.0, 200.0);
    let started = Instant::now();
    let mut harness = Harness::builder().with_size([960.0, 240.0]).build_ui_state(
        move |ui, (chart, view): &mut (C, RunView)| {
            let data = ChartData {
                view,
                history: &[],
                reset: 0,
                lang: Lang::En,
            };
            chart.ui(ui, &data, size);
        },
        (chart, view),
    );
    harness.step();
    let first = started.elapsed();
    let started = Instant::now();
    harness.step();
    (harness, first, started.elapsed())
}

/// How many things the last frame painted: shapes, and the corners of lines.
fn painted(harness: &Harness<'_, impl Sized>) -> usize {
    fn count(shape: &Shape) -> usize {
        match shape {
            Shape::Vec(shapes) => shapes.iter().map(count).sum(),
            Shape::Path(path) => path.points.len(),
            _ => 1,
        }
    }
    harness
        .output()
        .shapes
        .iter()
        .map(|c| count(&c.shape))
        .sum()
}

#[test]
fn the_charts_of_5000_items_are_built_quickly_and_draw_a_bounded_number_of_elements() {
    const ITEMS: usize = 5000;
    let map = || finished_view(Mode::Map, 8, &big_records(Mode::Map, ITEMS, 8));
    let submit = || finished_view(Mode::Submit, 8, &big_records(Mode::Submit, ITEMS, 8));
    let report = |name: &str, first: Duration, later: Duration, painted: usize| {
        eprintln!(
            "{name} of {ITEMS} items: first frame {first:?}, then {later:?} a frame; \
             {painted} shapes and corners painted"
        );
    };

    let (harness, first, later) = draw_alone(held_back::HeldBack::default(), map());
    report("held back", first, later, painted(&harness));
    let elements = harness.state().0.elements();
    assert!(elements > 0);
    assert!(
        elements <= 2 * held_back::MAX_GROUPS + held_back::MAX_CORNERS,
        "{elements}"
    );
    assert!(painted(&harness) < ITEMS / 2, "{}", painted(&harness));

    let (harness, first, later) = draw_alone(moved::Moved::default(), submit());
    report("moved", first, later, painted(&harness));
    let elements = harness.state().0.elements();
    // Two bars per group at most, and bins doubling in width: 2 × (log₂ 5000 + 2) + 1.
    assert!(
        (1..=2 * moved::MAX_GROUPS + 29).contains(&elements),
        "{elements}"
    );
    assert!(painted(&harness) < ITEMS / 5, "{}", painted(&harness));

    // The per-item charts, for comparison (a bar or point per item by design).
    let (harness, first, later) = draw_alone(Timeline::default(), submit());
    report("timeline", first, later, painted(&harness));
    let (harness, first, later) = draw_alone(CompletionOrder::default(), map());
    report("completion order", first, later, painted(&harness));
}

/// Not a pass/fail test: `cargo test --release --bin downpour -- --ignored --nocapture
/// charts_tab_frame` prints what a frame of the whole Charts tab costs with 10,000 items in
/// map and in submit mode, once the charts' caches are built.
#[test]
#[ignore = "measurement; run on demand"]
fn charts_tab_frame_time_with_ten_thousand_items() {
    for mode in [Mode::Map, Mode::Submit] {
        let view = finished_view(mode, 8, &big_records(mode, 10_000, 8));
        let mut harness = charts_tab(view);
        let mut times: Vec<Duration> = (0..20)
            .map(|_| {
                let started = Instant::now();
                harness.step();
                started.elapsed()
            })
            .collect();
        times.sort();
        eprintln!(
            "{mode:?}, 10,000 items: median Charts tab frame {:?} (slowest {:?}), {} painted",
            times[10],
            times[19],
            painted(&harness)
        );
    }
}

/// The window on the Charts tab showing `view` in `lang`, `size` large.
fn charts_tab_in(view: RunView, lang: Lang, size: [f32; 2]) -> Harness<'static, DownpourApp> {
    // English until the fonts with Chinese letters are in place.
    let mut app = DownpourApp::new(Settings {
        language: Some(Lang::En),
        ..Settings::default()
    });
    app.view = Some(view);
    app.history = history();
    app.tab = Tab::Charts;
    let mut harness = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut DownpourApp| app.window_ui(ui), app);
    let fonts = crate::gui::fonts::font_definitions(&crate::gui::fonts::find_fallback_fonts());
    harness.ctx.set_fonts(fonts);
    harness.run_steps(2);
    harness.state_mut().settings.language = Some(lang);
    harness.run();
    harness
}

#[test]
fn no_legend_covers_its_chart_in_either_language_or_window_size() {
    for lang in [Lang::En, Lang::Zh] {
        let t = lang.t();
        for size in [[1280.0, 900.0], [800.0, 600.0]] {
            let harness = charts_tab_in(finished_view(Mode::Map, 4, &map_records()), lang, size);
            let titles = [
                t.timeline_title,
                t.order_title,
                t.held_back_title,
                t.comparison_title,
            ];
            let plots: Vec<egui::Rect> = titles
                .iter()
                .flat_map(|title| harness.query_all_by_label(title).map(|n| n.rect()))
                .collect();
            assert_eq!(plots.len(), 5, "{lang:?} {size:?}");
            let entries = [
                t.legend_waiting,
                t.legend_input_order,
                t.legend_reported,
                t.legend_finished,
                t.legend_held_back,
                t.legend_waiting_results,
                t.total_time,
                t.legend_ideal_time,
            ];
            for entry in entries {
                let shown: Vec<egui::Rect> = harness
                    .query_all_by_label(entry)
                    .map(|n| n.rect())
                    .collect();
                assert!(!shown.is_empty(), "{lang:?}: no legend entry {entry}");
                for rect in shown {
                    for plot in &plots {
                        assert!(
                            !rect.intersects(*plot),
                            "{lang:?} {size:?}: {entry} at {rect:?} covers a plot at {plot:?}"
                        );
                    }
                }
            }
        }
    }
}
