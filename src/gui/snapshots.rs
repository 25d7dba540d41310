//! Image snapshot tests of the charts (`cargo test --features snapshots`), rendered with wgpu
//! and compared with the pictures in `tests/snapshots/`. The runs are hand-made records with
//! fixed times (`charts/sample_runs.rs`), so every picture is the same on each run;
//! `UPDATE_SNAPSHOTS=1` rewrites them.

use std::sync::Arc;

use downpour::{Mode, stats};
use eframe::egui_wgpu::{WgpuSetup, WgpuSetupCreateNew};
use eframe::wgpu;
use egui_kittest::kittest::Queryable;
use egui_kittest::wgpu::WgpuTestRenderer;
use egui_kittest::{Harness, HarnessBuilder};

use super::charts::sample_runs::{
    big_records, finished_view, history, list_text, map_records, submit_records,
};
use super::charts::{Chart, ChartData, CompletionOrder, HeldBack, Moved, RunComparison, Timeline};
use super::i18n::Lang;
use super::model::RunView;
use super::{DownpourApp, Settings, Tab};
use downpour::options::RunSettings;

/// The renderer: Mesa's software rasteriser (llvmpipe) through EGL and OpenGL, which needs no
/// GPU and draws the same pixels on every run. Only a software (CPU) adapter is taken, so a
/// GPU never draws the reference images; `WGPU_BACKEND=vulkan` tries lavapipe instead.
fn software_renderer() -> WgpuTestRenderer {
    let mut setup = WgpuSetupCreateNew::without_display_handle();
    setup.instance_descriptor.backends = wgpu::Backends::from_env().unwrap_or(wgpu::Backends::GL);
    setup.native_adapter_selector = Some(Arc::new(|adapters, _surface| {
        adapters
            .iter()
            .find(|a| a.get_info().device_type == wgpu::DeviceType::Cpu)
            .cloned()
            .ok_or_else(|| {
                let found: Vec<String> = adapters
                    .iter()
                    .map(|a| format!("{:?}", a.get_info()))
                    .collect();
                format!(
                    "no software renderer among the adapters {found:?}: install Mesa \
                     (libegl1 libegl-mesa0 libgl1-mesa-dri), and with a GPU set \
                     LIBGL_ALWAYS_SOFTWARE=1"
                )
            })
    }));
    WgpuTestRenderer::from_setup(WgpuSetup::CreateNew(setup))
}

/// A harness builder of the given window size that renders in software.
pub(super) fn builder<State>(size: [f32; 2]) -> HarnessBuilder<State> {
    Harness::builder()
        .with_size(size)
        .renderer(software_renderer())
}

/// A harness that draws one chart alone at a fixed size.
fn chart_harness(mut draw: impl FnMut(&mut egui::Ui) + 'static) -> Harness<'static> {
    let mut harness = builder([960.0, 320.0]).build_ui(move |ui| {
        egui::CentralPanel::default().show(ui, |ui| draw(ui));
    });
    harness.run();
    harness
}

const CHART_SIZE: egui::Vec2 = egui::vec2(930.0, 290.0);

/// A harness that draws `chart` alone, showing `run` after the session's runs.
fn single_chart(chart: impl Chart + 'static, run: RunView) -> Harness<'static> {
    single_chart_after(chart, run, history())
}

/// A harness that draws `chart` alone, showing `run` after the runs of `history`.
fn single_chart_after(
    mut chart: impl Chart + 'static,
    run: RunView,
    history: Vec<stats::RunSummary>,
) -> Harness<'static> {
    chart_harness(move |ui| {
        let data = ChartData {
            view: &run,
            history: &history,
            reset: 0,
            lang: Lang::En,
        };
        chart.ui(ui, &data, CHART_SIZE);
    })
}

#[test]
fn timeline_snapshot() {
    let run = finished_view(Mode::Submit, 4, &submit_records());
    single_chart(Timeline::default(), run).snapshot("charts_timeline");
}

#[test]
fn completion_order_snapshot() {
    let run = finished_view(Mode::Map, 4, &map_records());
    single_chart(CompletionOrder::default(), run).snapshot("charts_completion_order");
}

#[test]
fn run_comparison_snapshot() {
    let run = finished_view(Mode::Submit, 4, &submit_records());
    single_chart(RunComparison, run).snapshot("charts_run_comparison");
}

/// One run's bar keeps the width it has beside others.
#[test]
fn run_comparison_of_one_run_snapshot() {
    let run = finished_view(Mode::Submit, 4, &submit_records());
    let mut first = history();
    first.truncate(1);
    single_chart_after(RunComparison, run, first).snapshot("charts_run_comparison_one_run");
}

#[test]
fn held_back_snapshot() {
    let run = finished_view(Mode::Map, 4, &map_records());
    single_chart(HeldBack::default(), run).snapshot("charts_held_back");
}

#[test]
fn moved_snapshot() {
    let run = finished_view(Mode::Submit, 4, &submit_records());
    single_chart(Moved::default(), run).snapshot("charts_moved");
}

/// Map mode at scale: 5,000 items on 8 workers.
#[test]
fn held_back_of_5000_items_snapshot() {
    let run = finished_view(Mode::Map, 8, &big_records(Mode::Map, 5000, 8));
    single_chart(HeldBack::default(), run).snapshot("charts_held_back_5000");
}

/// Submit mode at scale: 5,000 items on 8 workers.
#[test]
fn moved_of_5000_items_snapshot() {
    let run = finished_view(Mode::Submit, 8, &big_records(Mode::Submit, 5000, 8));
    single_chart(Moved::default(), run).snapshot("charts_moved_5000");
}

/// The whole window on the Charts tab after the three runs, the run of `mode` shown.
fn charts_tab(mode: Mode) -> Harness<'static, DownpourApp> {
    let records = match mode {
        Mode::Map => map_records(),
        Mode::Submit | Mode::Sequential => submit_records(),
    };
    let mut app = DownpourApp::new(Settings {
        run: RunSettings {
            mode,
            workers: 4,
            retries: 3,
            checksums: true,
            ..RunSettings::default()
        },
        url_text: list_text(10),
        folder: "/home/me/Downloads".into(),
        language: Some(Lang::En),
        ..Settings::default()
    });
    app.view = Some(finished_view(mode, 4, &records));
    app.history = history();
    app.tab = Tab::Charts;
    let mut harness =
        builder([1280.0, 900.0]).build_ui_state(|ui, app: &mut DownpourApp| app.window_ui(ui), app);
    harness.run();
    harness
}

/// The submit run: the timeline with a split file's pieces, and the moves.
#[test]
fn charts_tab_snapshot() {
    let mut harness = charts_tab(Mode::Submit);
    harness.get_by_label(Lang::En.t().timeline_title);
    harness.snapshot("charts_tab");
}

/// The map run: the held-back chart in its place among the others.
#[test]
fn charts_tab_map_snapshot() {
    let mut harness = charts_tab(Mode::Map);
    // Its two plots, named by its title.
    let title = Lang::En.t().held_back_title;
    assert_eq!(harness.query_all_by_label(title).count(), 2);
    harness.snapshot("charts_tab_map");
}
