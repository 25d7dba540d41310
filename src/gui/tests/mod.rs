//! The window driven as a person would — by visible labels, clicks, paste and typing — with
//! egui_kittest, against a real HTTP server on 127.0.0.1, checking rows, result order and the
//! files on disk.

mod chart_picture;
mod check;
mod control;
mod first_run;
mod handed;
mod layout;
mod login;
mod network;
mod new_address;
mod not_lost;
mod page;
mod paste_anywhere;
mod restore;
mod runs;
mod runs_kept;
mod small_screen;
mod when_done;
mod window;

#[allow(
    dead_code,
    clippy::too_many_lines,
    reason = "the window tests use only part of the integration tests' server module"
)]
#[path = "../../../tests/util/server.rs"]
mod server;

#[allow(
    dead_code,
    reason = "the window tests use only part of the integration tests' proxies module"
)]
#[path = "../../../tests/util/proxies.rs"]
mod proxies;

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use server::{TestServer, body_for};

use super::i18n::Lang;
use super::model::RowStatus;
use super::{DownpourApp, Settings, Tab};
use downpour::options::RunSettings;
use downpour::{Mode, OutcomeKind};

fn harness(settings: Settings) -> Harness<'static, DownpourApp> {
    // The list and the resume records go to a data folder of the test's own.
    let data = tempfile::Builder::new()
        .prefix("downpour-gui-data")
        .tempdir()
        .unwrap()
        .keep();
    harness_with(
        DownpourApp::new(settings).with_data_dir(Some(data)),
        [1280.0, 900.0],
    )
}

/// A harness of `size` around `app` (its data folder and restored list set by the caller).
fn harness_with(mut app: DownpourApp, size: [f32; 2]) -> Harness<'static, DownpourApp> {
    app.settings.language = Some(Lang::En);
    Harness::builder().with_size(size).build_ui_state(
        |ui, app: &mut DownpourApp| {
            app.poll(ui.ctx());
            app.window_ui(ui);
        },
        app,
    )
}

fn settings_for(dir: &std::path::Path) -> Settings {
    Settings {
        folder: dir.display().to_string(),
        run: RunSettings {
            retries: 0,
            ..RunSettings::default()
        },
        ..Settings::default()
    }
}

/// Opens the Advanced settings, as a person would.
fn open_advanced(harness: &mut Harness<'_, DownpourApp>) {
    click_in_view(harness, "Advanced");
}

/// Scrolls the control labelled `label` into view and clicks it, as a person would.
fn click_in_view(harness: &mut Harness<'_, DownpourApp>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run_steps(3);
    harness.get_by_label(label).click();
    harness.run_steps(5);
}

/// Pastes `text` into the links box, as a person would.
fn paste_links(harness: &mut Harness<'_, DownpourApp>, text: &str) {
    harness.get_by_label("Links").click();
    harness.run_steps(2);
    harness.event(egui::Event::Paste(text.to_owned()));
    harness.run_steps(2);
}

/// Pastes `count` links that take seconds each (3 MB sent 1 KiB per 5 ms) and presses Start.
fn start_slow_run(harness: &mut Harness<'_, DownpourApp>, server: &TestServer, count: usize) {
    let links: Vec<String> = (1..=count)
        .map(|i| server.url(&format!("slow{i}.bin?size=3000000&drip=5")))
        .collect();
    paste_links(harness, &links.join("\n"));
    harness.get_by_label("Start").click();
}

/// The person clicks the window's close button.
fn click_close_button(harness: &mut Harness<'_, DownpourApp>) {
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
}

/// Steps frames in real time until `done` holds (panics after a minute, naming `what`).
fn step_until(
    harness: &mut Harness<'_, DownpourApp>,
    what: &str,
    done: impl Fn(&Harness<'_, DownpourApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(harness) {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Steps frames in real time until the run has finished: first a frame for the click that
/// asked for it, then until the folder check has answered and the run it started is over.
fn run_to_end(harness: &mut Harness<'_, DownpourApp>) {
    harness.step();
    step_until(harness, "the run finishes", |h| {
        !h.state().is_checking_folder() && h.state().view.as_ref().is_some_and(|v| v.is_finished())
    });
    harness.run_steps(2);
}

/// The status of item `index`'s row.
fn status_of(harness: &Harness<'_, DownpourApp>, index: usize) -> Option<RowStatus> {
    harness
        .state()
        .view
        .as_ref()
        .and_then(|v| v.row(index))
        .map(|r| r.status)
}

/// The indexes of the rows, in list order.
fn row_order(harness: &Harness<'_, DownpourApp>) -> Vec<usize> {
    harness
        .state()
        .view
        .as_ref()
        .map(|v| v.rows.iter().map(|r| r.index).collect())
        .unwrap_or_default()
}

/// Steps frames until item `index` has at least `bytes` bytes.
fn wait_for_row_bytes(harness: &mut Harness<'_, DownpourApp>, index: usize, bytes: u64) {
    step_until(harness, &format!("row {index} has {bytes} bytes"), |h| {
        h.state()
            .view
            .as_ref()
            .and_then(|v| v.row(index))
            .is_some_and(|r| r.bytes >= bytes)
    });
}

/// Steps frames until item `index`'s row is `status`.
fn wait_for_status(harness: &mut Harness<'_, DownpourApp>, index: usize, status: RowStatus) {
    step_until(harness, &format!("row {index} is {status:?}"), |h| {
        status_of(h, index) == Some(status)
    });
}

/// Steps frames until the folder check has answered and the run has started.
fn wait_until_running(harness: &mut Harness<'_, DownpourApp>) {
    step_until(harness, "the run starts", |h| h.state().is_running());
}
