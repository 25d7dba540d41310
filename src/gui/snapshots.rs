//! Image snapshot tests of the charts (`cargo test --features snapshots`), rendered with wgpu
//! and compared with the pictures in `tests/snapshots/`. The runs are hand-made records with
//! fixed times, so every picture is the same on each run; `UPDATE_SNAPSHOTS=1` rewrites them.

use std::path::PathBuf;
use std::sync::Arc;

use downpour::{DownloadError, Event, ItemRecord, Job, Mode, Outcome};
use eframe::egui_wgpu::{WgpuSetup, WgpuSetupCreateNew};
use eframe::wgpu;
use egui_kittest::kittest::Queryable;
use egui_kittest::wgpu::WgpuTestRenderer;
use egui_kittest::{Harness, HarnessBuilder};

use super::charts::{Chart, ChartData, CompletionOrder, RunComparison, Timeline};
use super::i18n::Lang;
use super::model::RunView;
use super::{DownpourApp, Settings, Tab};
use downpour::stats;

/// The list every run below downloads.
fn list_text() -> String {
    (1..=10)
        .map(|i| format!("https://example.com/photos/photo-{i:02}.jpg\n"))
        .collect()
}

/// One item as the engine reports it; times are milliseconds since the run began.
fn item(
    index: usize,
    worker: usize,
    [started, first_byte, finished]: [u64; 3],
    outcome: Outcome,
) -> ItemRecord {
    let done = outcome == Outcome::Done;
    let bytes = 200_000 * index as u64;
    ItemRecord {
        index,
        url: format!("https://example.com/photos/photo-{index:02}.jpg"),
        path: Some(PathBuf::from(format!(
            "/home/me/Downloads/photo-{index:02}.jpg"
        ))),
        bytes: if done { bytes } else { bytes / 3 },
        total: Some(bytes),
        worker,
        started_ms: started,
        first_byte_ms: (first_byte > 0).then_some(first_byte),
        finished_ms: finished,
        reported_ms: finished,
        retries: 0,
        sha256: None,
        outcome,
        pieces: Vec::new(),
        warning: None,
    }
}

/// Four workers reporting as each item ends; item 6 fails (503) and Cancel stops item 10.
fn submit_records() -> Vec<ItemRecord> {
    let failed = Outcome::Failed(DownloadError::Status {
        code: 503,
        reason: "Service Unavailable".into(),
    });
    let mut records = vec![
        item(1, 1, [0, 150, 900], Outcome::Done),
        item(2, 2, [0, 80, 400], Outcome::Done),
        item(3, 3, [0, 300, 700], Outcome::Done),
        item(4, 4, [0, 60, 500], Outcome::Done),
        item(5, 2, [400, 470, 1000], Outcome::Done),
        item(6, 4, [500, 0, 750], failed),
        item(7, 3, [700, 760, 1400], Outcome::Done),
        item(8, 4, [750, 820, 1300], Outcome::Done),
        item(9, 1, [900, 950, 1700], Outcome::Done),
        item(10, 2, [1000, 1100, 1900], Outcome::Cancelled(None)),
    ];
    records.sort_by_key(|r| r.finished_ms);
    records
}

/// Four workers reporting in list order: an item that ends early waits for those before it.
fn map_records() -> Vec<ItemRecord> {
    let mut records = vec![
        item(1, 1, [0, 140, 950], Outcome::Done),
        item(2, 2, [0, 90, 420], Outcome::Done),
        item(3, 3, [0, 280, 690], Outcome::Done),
        item(4, 4, [0, 70, 510], Outcome::Done),
        item(5, 2, [420, 480, 1010], Outcome::Done),
        item(6, 4, [510, 600, 1150], Outcome::Done),
        item(7, 3, [690, 750, 1380], Outcome::Done),
        item(8, 1, [950, 1020, 1480], Outcome::Done),
        item(9, 2, [1010, 1060, 1820], Outcome::Done),
        item(10, 4, [1150, 1240, 1700], Outcome::Done),
    ];
    let mut reported = 0;
    for record in &mut records {
        reported = reported.max(record.finished_ms);
        record.reported_ms = reported;
    }
    records
}

/// One item after another on a single worker.
fn sequential_records() -> Vec<ItemRecord> {
    let durations = [800, 380, 650, 430, 560, 600, 640, 520, 760, 690];
    let mut at = 0;
    durations
        .iter()
        .enumerate()
        .map(|(i, ms)| {
            let record = item(i + 1, 1, [at, at + 100, at + ms], Outcome::Done);
            at += ms;
            record
        })
        .collect()
}

/// The window's view of a finished run, built from its events as the window builds it.
fn finished_view(mode: Mode, workers: usize, records: &[ItemRecord]) -> RunView {
    let jobs: Vec<Job> = downpour::parse_list(&list_text())
        .entries
        .iter()
        .map(Job::from)
        .collect();
    let mut view = RunView::new(mode, workers, &jobs, Vec::new());
    let elapsed_ms = records.iter().map(|r| r.reported_ms).max().unwrap_or(0);
    for record in records {
        view.apply(Event::ItemReported(record.clone()));
    }
    view.apply(Event::RunFinished { elapsed_ms });
    view
}

/// The session's runs for the comparison chart: sequential, then map, then submit.
fn history() -> Vec<stats::RunSummary> {
    [
        (Mode::Sequential, 1, sequential_records()),
        (Mode::Map, 4, map_records()),
        (Mode::Submit, 4, submit_records()),
    ]
    .into_iter()
    .map(|(mode, workers, records)| {
        let view = finished_view(mode, workers, &records);
        stats::RunSummary::from_records(
            mode,
            workers,
            view.elapsed_ms(),
            &view.records,
            &list_text(),
        )
    })
    .collect()
}

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
fn builder<State>(size: [f32; 2]) -> HarnessBuilder<State> {
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

/// The whole window on the Charts tab after the three runs, the submit run shown.
#[test]
fn charts_tab_snapshot() {
    let mut app = DownpourApp::new(Settings {
        url_text: list_text(),
        folder: "/home/me/Downloads".into(),
        mode: Mode::Submit,
        workers: 4,
        retries: 3,
        checksums: true,
        language: Some(Lang::En),
        ..Settings::default()
    });
    app.view = Some(finished_view(Mode::Submit, 4, &submit_records()));
    app.history = history();
    app.tab = Tab::Charts;
    let mut harness =
        builder([1280.0, 900.0]).build_ui_state(|ui, app: &mut DownpourApp| app.window_ui(ui), app);
    harness.run();
    harness.get_by_label("Timeline: one lane per worker");
    harness.snapshot("charts_tab");
}
