//! The window driven as a person would — by visible labels, clicks, paste and typing — with
//! egui_kittest, against a real HTTP server on 127.0.0.1, checking rows, result order and the
//! files on disk.

// The window tests use only part of the integration tests' server module.
#[allow(dead_code)]
#[path = "../../tests/util/server.rs"]
mod server;

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use server::{TestServer, body_for};

use super::i18n::Lang;
use super::model::RowStatus;
use super::{DownpourApp, Settings, Tab};
use downpour::{Mode, OutcomeKind};

fn harness(settings: Settings) -> Harness<'static, DownpourApp> {
    let mut app = DownpourApp::new(settings);
    app.settings.language = Some(super::i18n::Lang::En);
    Harness::builder()
        .with_size([1280.0, 900.0])
        .build_ui_state(
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
        retries: 0,
        ..Settings::default()
    }
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

/// Steps frames until the folder check has answered and the run has started.
fn wait_until_running(harness: &mut Harness<'_, DownpourApp>) {
    step_until(harness, "the run starts", |h| h.state().is_running());
}

#[test]
fn pasted_links_are_counted_and_bad_lines_explained() {
    let mut harness = harness(Settings::default());
    harness.get_by_label("Paste at least one http:// or https:// link to start.");
    paste_links(
        &mut harness,
        "https://example.com/a.zip\n# a comment\nexample.org/b.png\nftp://old.example/c\nnot a link\nhttps://example.com/a.zip\n",
    );
    harness.get_by_label("3 URLs ready · 2 lines not understood");
    harness.get_by_label("line 4: only http:// and https:// links can be downloaded, not ftp:");
    harness.get_by_label_contains("line 5: this is not a web address");
    assert_eq!(harness.state().list.entries.len(), 3);
    assert!(
        harness
            .query_by_label("Paste at least one http:// or https:// link to start.")
            .is_none()
    );
}

#[test]
fn each_mode_downloads_everything_and_reports_in_its_order() {
    let server = TestServer::start();
    let links: Vec<String> = [700, 350, 250, 50, 500]
        .iter()
        .enumerate()
        .map(|(i, ms)| server.url(&format!("pic{}.png?size=30000&delay={ms}", i + 1)))
        .collect();
    for (mode, label) in [
        (Mode::Sequential, "Sequential"),
        (Mode::Submit, "Threaded (as completed)"),
        (Mode::Map, "Threaded (in order)"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = harness(Settings::default());
        // The folder is typed, as on a desktop without a folder dialog.
        let folder = harness.get_by_label("Save folder");
        folder.click();
        harness.run_steps(1);
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        harness
            .get_by_label("Save folder")
            .type_text(&dir.path().display().to_string());
        harness.run_steps(1);
        paste_links(&mut harness, &links.join("\n"));
        harness.get_by_label(label).click();
        harness.run_steps(1);
        assert_eq!(harness.state().settings.mode, mode);
        harness.get_by_label("Start").click();
        harness.step();
        run_to_end(&mut harness);

        let app = harness.state();
        let view = app.view.as_ref().unwrap();
        assert_eq!(app.settings.folder, dir.path().display().to_string());
        assert!(
            view.rows
                .iter()
                .all(|r| r.status == RowStatus::Ended(OutcomeKind::Done)),
            "{mode:?}"
        );
        let order: Vec<usize> = view.results.iter().map(|r| r.index).collect();
        match mode {
            Mode::Sequential | Mode::Map => assert_eq!(order, [1, 2, 3, 4, 5]),
            Mode::Submit => {
                let mut by_finish = view.records.clone();
                by_finish.sort_by_key(|r| r.finished_ms);
                let finish: Vec<usize> = by_finish.iter().map(|r| r.index).collect();
                assert_eq!(order, finish);
                assert_eq!(order.last(), Some(&1), "the slowest is reported last");
            }
        }
        for i in 1..=5 {
            let name = format!("pic{i}.png");
            assert_eq!(
                std::fs::read(dir.path().join(&name)).unwrap(),
                body_for(&name, 30000)
            );
        }
        // The results tab shows the order the person should notice.
        harness.get_by_label("Results").click();
        harness.run_steps(2);
        let shown: Vec<String> = order.iter().map(ToString::to_string).collect();
        harness.get_by_label(&shown.join(", "));
        harness.get_by_label_contains("total time: ");
        // The charts are there and reachable by label.
        harness.get_by_label("Charts").click();
        harness.run_steps(2);
        assert_eq!(harness.state().tab, Tab::Charts);
        harness.get_by_label("Timeline: one lane per worker");
        harness.get_by_label("Completion order: position in the list against order of the result");
        harness.get_by_label("Run comparison: total time of each run");
        assert_eq!(harness.state().history.len(), 1);
    }
}

#[test]
fn checksums_are_shown_and_can_be_switched_off() {
    let server = TestServer::start();
    let link = server.url("sum.bin?size=50000");
    let body = body_for("sum.bin", 50000);
    for on in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = harness(settings_for(dir.path()));
        if !on {
            harness.get_by_label("Compute SHA-256 checksums").click();
            harness.run_steps(1);
        }
        assert_eq!(harness.state().settings.checksums, on);
        paste_links(&mut harness, &link);
        harness.get_by_label("Start").click();
        harness.step();
        run_to_end(&mut harness);

        let row = &harness.state().view.as_ref().unwrap().rows[0];
        assert_eq!(row.status, RowStatus::Ended(OutcomeKind::Done));
        assert_eq!(std::fs::read(dir.path().join("sum.bin")).unwrap(), body);
        let expected = on.then(|| downpour::hash::sha256_hex(&body));
        assert_eq!(row.hash, expected);
        // Pointing at the file's name shows its address and its fingerprint.
        // (Past the tooltip delay, in the harness's frame time.)
        harness.get_by_label("sum.bin").hover();
        harness.run_steps(60);
        harness.get_by_label(&link);
        let shown = harness.query_by_label_contains("SHA-256: ");
        match &expected {
            Some(hash) => {
                harness.get_by_label(&format!("SHA-256: {hash}"));
            }
            None => assert!(shown.is_none(), "no checksum, none shown"),
        }
    }
}

#[test]
fn cancel_mid_run_keeps_nothing_partial() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    start_slow_run(&mut harness, &server, 4);
    step_until(&mut harness, "bytes arrive", |h| {
        h.state().view.as_ref().is_some_and(|v| v.bytes > 0)
    });
    harness.get_by_label("Cancel").click();
    run_to_end(&mut harness);
    let view = harness.state().view.as_ref().unwrap();
    assert!(
        view.rows
            .iter()
            .all(|r| r.status == RowStatus::Ended(OutcomeKind::Cancelled))
    );
    assert_eq!(view.cancelled, 4);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file left behind"
    );
}

#[test]
fn retry_failed_runs_only_the_failed_items() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    let links = [
        server.url("fine.txt?size=100"),
        server.url("flaky.txt?size=200&fail_first=1"),
    ];
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    {
        let view = harness.state().view.as_ref().unwrap();
        assert_eq!(view.rows[0].status, RowStatus::Ended(OutcomeKind::Done));
        assert_eq!(view.rows[1].status, RowStatus::Ended(OutcomeKind::Failed));
        assert_eq!(
            view.rows[1].note.as_ref().map(|n| Lang::En.row_note(n)),
            Some("the server answered 503 Service Unavailable".to_owned())
        );
    }
    harness.get_by_label_contains("503 Service Unavailable");
    harness.get_by_label("Retry failed (1)").click();
    harness.step();
    run_to_end(&mut harness);
    let view = harness.state().view.as_ref().unwrap();
    assert_eq!(view.total, 1, "only the failed item ran again");
    assert!(
        view.rows
            .iter()
            .all(|r| r.status == RowStatus::Ended(OutcomeKind::Done))
    );
    assert_eq!(
        std::fs::read(dir.path().join("flaky.txt")).unwrap(),
        body_for("flaky.txt", 200)
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "fine.txt was not downloaded twice"
    );
}

#[test]
fn a_missing_folder_is_offered_for_creation() {
    let server = TestServer::start();
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("new folder");
    let mut harness = harness(settings_for(&folder));
    paste_links(&mut harness, &server.url("a.bin?size=10"));
    harness.get_by_label("Start").click();
    harness.step();
    step_until(&mut harness, "the folder check answers", |h| {
        !h.state().is_checking_folder()
    });
    harness.run_steps(2);
    assert!(harness.state().view.is_none(), "nothing started");
    harness.get_by_label(&format!(
        "{} This folder does not exist yet.",
        folder.display()
    ));
    harness.get_by_label("Create it").click();
    harness.step();
    step_until(&mut harness, "the folder is created", |h| {
        h.state().folder_problem.is_none()
    });
    harness.run_steps(2);
    assert!(folder.is_dir());
    harness.get_by_label("Start").click();
    harness.step();
    run_to_end(&mut harness);
    assert_eq!(
        std::fs::read(folder.join("a.bin")).unwrap(),
        body_for("a.bin", 10)
    );
}

#[test]
fn start_waits_for_the_folder_check_and_a_second_start_does_nothing() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    paste_links(&mut harness, &server.url("once.bin?size=10"));
    harness.get_by_label("Start").click();
    // The frame that handled the click asked a helper to check the folder; its answer is
    // applied at the start of a later frame, so the window is checking now.
    harness.step();
    assert!(harness.state().is_checking_folder());
    assert!(harness.state().view.is_none(), "no run before the answer");
    assert_eq!(
        harness.state().start_blocker(),
        Some("Checking the save folder…")
    );
    let ctx = harness.ctx.clone();
    assert!(
        !harness.state_mut().start(&ctx),
        "a second Start does nothing"
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    run_to_end(&mut harness);
    assert_eq!(harness.state().history.len(), 1, "one run");
    assert_eq!(harness.state().view.as_ref().unwrap().total, 1);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn ctrl_enter_starts_and_the_workers_slider_follows_the_mode() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    paste_links(&mut harness, &server.url("k.bin?size=10"));
    harness.get_by_label("Sequential").click();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    harness.step();
    run_to_end(&mut harness);
    assert_eq!(harness.state().view.as_ref().unwrap().workers, 1);
    assert!(dir.path().join("k.bin").exists());
}

#[test]
fn chinese_interface_is_one_click_away() {
    // Needs a CJK font on the system (CI installs fonts-wqy-microhei); egui has none built in.
    let fonts = super::fonts::font_definitions(&super::fonts::find_fallback_fonts());
    let mut harness = harness(Settings::default());
    harness.ctx.set_fonts(fonts);
    harness.run_steps(2);
    harness.get_by_label("Language").click();
    harness.run_steps(2);
    harness.get_by_label("简体中文").click();
    harness.run_steps(2);
    harness.get_by_label("要下载的链接");
    harness.get_by_label("多线程（按完成顺序）");
}

#[test]
fn errors_are_shown_in_chinese_in_the_chinese_window() {
    let fonts = super::fonts::font_definitions(&super::fonts::find_fallback_fonts());
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    harness.ctx.set_fonts(fonts);
    harness.state_mut().settings.language = Some(Lang::Zh);
    harness.run_steps(2);
    harness.get_by_label("链接").click();
    harness.run_steps(2);
    let links = format!("ftp://old.example/c\n{}", server.url("gone.bin?status=404"));
    harness.event(egui::Event::Paste(links));
    harness.run_steps(2);
    harness.get_by_label("第 1 行：只能下载 http:// 和 https:// 链接，不能下载 ftp:");
    harness.get_by_label("开始").click();
    run_to_end(&mut harness);
    // The failed row, the results and the export's English sentence (it is data).
    harness.get_by_label("失败：服务器返回 404（未找到）");
    harness.get_by_label("结果").click();
    harness.run_steps(2);
    harness.get_by_label_contains("失败  服务器返回 404（未找到）");
    let view = harness.state().view.as_ref().unwrap();
    let report = downpour::report::Report::new(view.mode, 1, 0, &view.records).to_csv();
    assert!(
        report.contains("the server answered 404 Not Found"),
        "{report}"
    );
}

/// An in-memory `eframe::Storage`, as eframe's file storage behaves.
#[derive(Default)]
struct MemoryStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn settings_survive_a_restart() {
    use eframe::{App, Storage};
    let mut app = DownpourApp::new(Settings {
        url_text: "https://example.com/x\n".into(),
        folder: "/data/downloads".into(),
        mode: Mode::Map,
        workers: 12,
        retries: 5,
        checksums: false,
        language: Some(super::i18n::Lang::Zh),
        ..Settings::default()
    });
    let mut storage = MemoryStorage::default();
    app.save(&mut storage);
    let restored = DownpourApp::from_storage(Some(&storage));
    assert_eq!(restored.settings, app.settings);
    assert_eq!(restored.list.entries.len(), 1, "the links are parsed again");
    // Older or partial settings fill in defaults instead of being thrown away.
    let mut partial = MemoryStorage::default();
    partial.set_string(eframe::APP_KEY, "(workers: 3)".into());
    let restored = DownpourApp::from_storage(Some(&partial));
    assert_eq!(restored.settings.workers, 3);
    assert_eq!(restored.settings.mode, Mode::Submit);
    assert!(
        restored.settings.checksums,
        "checksums stay on unless switched off"
    );
}

/// An app whose links box and downloads list hold 10,000 items.
fn app_with_ten_thousand_rows(workers: usize) -> DownpourApp {
    let links: String = (1..=10_000)
        .map(|i| format!("https://example.invalid/f{i}.bin\n"))
        .collect();
    let mut app = DownpourApp::new(Settings::default());
    app.settings.url_text = links;
    app.reparse();
    let jobs: Vec<downpour::Job> = app.list.entries.iter().map(downpour::Job::from).collect();
    app.view = Some(super::model::RunView::new(
        Mode::Submit,
        workers,
        &jobs,
        Vec::new(),
    ));
    app
}

#[test]
fn ten_thousand_rows_stay_cheap_per_frame() {
    let app = app_with_ten_thousand_rows(8);
    let mut harness = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_ui_state(|ui, app: &mut DownpourApp| app.window_ui(ui), app);
    harness.run_steps(3);
    // Only the visible rows are laid out: the first row is there, the last is not.
    harness.get_by_label("f1.bin");
    assert!(harness.query_by_label("f10000.bin").is_none());
}

#[test]
fn results_export_as_csv_and_json_without_overwriting() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("downpour-results.csv"), "mine").unwrap();
    let mut harness = harness(settings_for(dir.path()));
    paste_links(
        &mut harness,
        &[server.url("e1.bin?size=10"), server.url("e2?status=404")].join("\n"),
    );
    harness.get_by_label("Start").click();
    harness.step();
    run_to_end(&mut harness);
    harness.get_by_label("Results").click();
    harness.run_steps(2);
    for (button, file) in [
        ("Export CSV", "downpour-results (1).csv"),
        ("Export JSON", "downpour-results.json"),
    ] {
        harness.get_by_label(button).click();
        let saved = dir.path().join(file);
        let notice = format!("Saved {}", saved.display());
        step_until(&mut harness, &notice, |h| {
            h.state().notice.as_ref().map(|n| Lang::En.notice(n)) == Some(notice.clone())
        });
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("downpour-results.csv")).unwrap(),
        "mine"
    );
    let csv = std::fs::read_to_string(dir.path().join("downpour-results (1).csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("mode,workers,elapsed_ms,index,url,path,bytes"));
    assert_eq!(lines.len(), 3);
    assert!(
        lines
            .iter()
            .any(|l| l.contains(",failed,the server answered 404 Not Found,")),
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("downpour-results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["mode"], "submit");
    assert_eq!(json["items"].as_array().unwrap().len(), 2);
}

#[test]
fn an_idle_window_asks_for_no_repaint() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    paste_links(&mut harness, &server.url("idle.bin?size=10"));
    harness.get_by_label("Start").click();
    harness.step();
    wait_until_running(&mut harness);
    assert!(
        harness.ctx.has_requested_repaint(),
        "a running window keeps its clock ticking"
    );
    run_to_end(&mut harness);
    harness.run_steps(3);
    assert!(
        !harness.ctx.has_requested_repaint(),
        "finished and idle: no repaint loop"
    );
}

/// Not a pass/fail test: `cargo test --release --bin downpour -- --ignored --nocapture
/// frame_time` prints the median cost of one frame (egui pass plus tessellation, as eframe
/// does before painting) with 10,000 rows while progress events arrive.
#[test]
#[ignore = "measurement; run on demand"]
fn frame_time_with_ten_thousand_rows() {
    use downpour::Event;
    let mut app = app_with_ten_thousand_rows(16);
    let ctx = egui::Context::default();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 900.0),
        )),
        ..Default::default()
    };
    let frame = |app: &mut DownpourApp| {
        let output = ctx.run_ui(input(), |ui| app.window_ui(ui));
        ctx.tessellate(output.shapes, output.pixels_per_point).len()
    };
    for _ in 0..5 {
        frame(&mut app);
    }
    let mut times = Vec::new();
    for n in 0..300usize {
        let view = app.view.as_mut().unwrap();
        for k in 0..16 {
            let index = (n * 16 + k) % 10_000 + 1;
            view.apply(Event::ItemStarted {
                index,
                worker: k + 1,
                at_ms: n as u64,
            });
            view.apply(Event::Progress {
                index,
                bytes: 4096 * n as u64,
            });
        }
        let start = Instant::now();
        frame(&mut app);
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "median frame with 10,000 rows: {:?} (p90 {:?})",
        times[150], times[270]
    );
}

fn close_commands(harness: &Harness<'_, DownpourApp>) -> Vec<egui::ViewportCommand> {
    harness
        .output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|o| o.commands.clone())
        .unwrap_or_default()
}

#[test]
fn closing_during_a_run_asks_then_cancels_and_quits() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    start_slow_run(&mut harness, &server, 3);
    harness.step();
    wait_until_running(&mut harness);
    click_close_button(&mut harness);
    harness.step();
    assert!(close_commands(&harness).contains(&egui::ViewportCommand::CancelClose));
    harness.run_steps(1);
    harness.get_by_label("Quit Downpour?");
    harness.get_by_label("Keep downloading").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Quit Downpour?").is_none());
    assert!(harness.state().is_running(), "keeping on keeps the run");

    click_close_button(&mut harness);
    harness.step();
    harness.run_steps(1);
    harness.get_by_label("Cancel downloads and quit").click();
    step_until(&mut harness, "the window closes after the run stops", |h| {
        close_commands(h).contains(&egui::ViewportCommand::Close)
    });
    let view = harness.state().view.as_ref().unwrap();
    assert_eq!(view.cancelled, 3);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing partial is left"
    );
}

/// The widgets of the last frame that nothing names for screen readers (layout containers
/// and the runs of text inside text fields aside).
fn unnamed_widgets(harness: &Harness<'_, DownpourApp>) -> Vec<String> {
    use egui_kittest::kittest::NodeT;
    harness
        .query_all_by(|n| {
            !matches!(
                n.role(),
                egui::Role::GenericContainer | egui::Role::Pane | egui::Role::TextRun
            ) && n.label().unwrap_or_default().is_empty()
                && n.value().unwrap_or_default().is_empty()
        })
        .map(|node| {
            let node = node.accesskit_node();
            format!("{:?} at {:?}", node.role(), node.bounding_box())
        })
        .collect()
}

#[test]
fn every_widget_is_named_for_screen_readers() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    harness.run_steps(2);
    assert_eq!(
        unnamed_widgets(&harness),
        Vec::<String>::new(),
        "before a run"
    );
    paste_links(
        &mut harness,
        &[
            server.url("named.bin?size=10"),
            server.url("gone?status=404"),
            "ftp://old.example/c".to_owned(),
        ]
        .join("\n"),
    );
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    for tab in ["Downloads", "Results", "Charts"] {
        harness.get_by_label(tab).click();
        harness.run_steps(3);
        assert_eq!(unnamed_widgets(&harness), Vec::<String>::new(), "{tab}");
    }
}
