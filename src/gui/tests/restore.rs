//! The list survives a restart: quit during a run, start a new window from the saved settings
//! and the data folder, and Continue — a paused file continues with Range, a finished one is
//! not fetched again, a failed one keeps its sentence. Also: Retry on one row, and a damaged
//! list file.

use super::window::MemoryStorage;
use super::*;
use crate::gui::list_store;
use downpour::options::RunSettings;

fn count(server: &TestServer, path: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.starts_with(path))
        .count()
}

/// Runs a done, a failed and a big file, pauses the big one past its first MiB, and quits
/// with the close button: the settings saved and the bytes of the big file kept.
fn run_then_quit(
    server: &TestServer,
    dir: &std::path::Path,
    data: &std::path::Path,
) -> (MemoryStorage, u64) {
    use eframe::App;
    let settings = Settings {
        run: RunSettings {
            workers: 3,
            split: 1,
            ..settings_for(dir).run
        },
        ..settings_for(dir)
    };
    let app = DownpourApp::new(settings).with_data_dir(Some(data.to_owned()));
    let mut harness = harness_with(app, [1280.0, 900.0]);
    let links = [
        server.url("done.bin?size=20000"),
        server.url("missing.bin?status=404"),
        server.url(&format!("big.iso?size={BIG}&drip=10&piece=16384")),
    ];
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Start").click();
    harness.step();
    wait_until_running(&mut harness);
    wait_for_status(&mut harness, 1, RowStatus::Ended(OutcomeKind::Done));
    wait_for_status(&mut harness, 2, RowStatus::Ended(OutcomeKind::Failed));
    // Past the first MiB, so that its partial file is worth keeping for a later run.
    wait_for_row_bytes(&mut harness, 3, 1_200_000);
    harness.get_by_label("Pause row 3").click();
    wait_for_status(&mut harness, 3, RowStatus::Paused);
    let kept = harness.state().view.as_ref().unwrap().rows[2].bytes;

    // Closing asks; quitting keeps the list as it stands.
    click_close_button(&mut harness);
    harness.run_steps(2);
    harness.get_by_label_contains("Quitting stops them but keeps the list");
    harness.get_by_label("Quit (keep the list)").click();
    step_until(&mut harness, "the window closes", |h| {
        h.output()
            .viewport_output
            .values()
            .any(|v| v.commands.contains(&egui::ViewportCommand::Close))
    });
    let mut storage = MemoryStorage::default();
    let mut app = harness.into_state();
    app.save(&mut storage);
    (storage, kept)
}

/// The size of the big file.
const BIG: usize = 3_000_000;

#[test]
fn continue_after_a_restart_finishes_the_list_as_it_was() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let (storage, kept) = run_then_quit(&server, dir.path(), data.path());
    assert_eq!(
        (count(&server, "/done.bin"), count(&server, "/big.iso")),
        (1, 1)
    );

    // A new window, from the settings and the data folder.
    let mut app =
        DownpourApp::from_storage(Some(&storage)).with_data_dir(Some(data.path().to_owned()));
    app.settings.folder.clear();
    app.restore(list_store::load(data.path()));
    let mut harness = harness_with(app, [1280.0, 900.0]);
    harness.run_steps(2);
    assert_eq!(
        harness.state().settings.folder,
        dir.path().display().to_string()
    );
    assert_eq!(
        status_of(&harness, 1),
        Some(RowStatus::Ended(OutcomeKind::Done))
    );
    assert_eq!(status_of(&harness, 3), Some(RowStatus::Paused));
    let failed = "failed: the server answered 404 Not Found";
    harness.get_by_label_contains(failed);
    harness.get_by_label_contains("The list as you left it");

    harness.get_by_label("Continue 1 unfinished file").click();
    run_to_end(&mut harness);
    assert_eq!(
        status_of(&harness, 3),
        Some(RowStatus::Ended(OutcomeKind::Done))
    );
    assert_eq!(
        std::fs::read(dir.path().join("big.iso")).unwrap(),
        body_for("big.iso", BIG)
    );
    let big: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("/big.iso"))
        .collect();
    assert_eq!(big.len(), 2, "{big:?}");
    assert!(big[1].ends_with(&format!("range={kept}")), "{big:?}");
    assert_eq!(
        count(&server, "/done.bin"),
        1,
        "a finished file is not fetched again"
    );
    assert_eq!(
        count(&server, "/missing.bin"),
        1,
        "a failed one waits for Retry"
    );
    assert_eq!(
        status_of(&harness, 2),
        Some(RowStatus::Ended(OutcomeKind::Failed))
    );
    harness.get_by_label_contains(failed);

    // Retry on the failed row runs it alone.
    harness.get_by_label("Retry row 2").click();
    run_to_end(&mut harness);
    assert_eq!(count(&server, "/missing.bin"), 2);
    assert_eq!(count(&server, "/done.bin"), 1);
}

#[test]
fn a_damaged_list_is_set_aside_with_a_notice() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join(list_store::LIST_FILE), "{\"rows\": [").unwrap();
    let mut app = DownpourApp::new(Settings::default()).with_data_dir(Some(data.path().into()));
    app.restore(list_store::load(data.path()));
    // As at start: no list file given on the command line was refused.
    assert!(!app.refuse_list(None));
    let mut harness = harness_with(app, [1280.0, 900.0]);
    harness.run_steps(2);
    harness.get_by_label_contains("The saved downloads list could not be read");
    assert!(harness.state().view.is_none());
    let names: Vec<String> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1);
    assert!(
        names[0].starts_with("downloads-list.json.damaged-"),
        "{names:?}"
    );
}

/// A list saved in the middle of an in-order run: file 1 still downloading, file 2 failed and
/// file 3 done (a web page) but both held for file 1's report, file 4 cancelled, file 5 paused.
fn list_left_mid_run() -> list_store::StoredList {
    use downpour::Event;
    let jobs: Vec<downpour::Job> = (1..=5)
        .map(|i| downpour::Job {
            index: i,
            url: format!("http://127.0.0.1:9/file{i}.pdf").parse().unwrap(),
            sha256: None,
            previous: None,
            name: None,
            referer: None,
        })
        .collect();
    let mut view = crate::gui::model::RunView::new(Mode::Map, 4, &jobs, Vec::new());
    view.apply(Event::ItemStarted {
        index: 1,
        worker: 1,
        at_ms: 0,
    });
    for (index, outcome) in [(2, OutcomeKind::Failed), (3, OutcomeKind::Done)] {
        view.apply(Event::ItemHeld {
            index,
            outcome,
            finished_ms: 10,
        });
    }
    view.apply(Event::ItemReported(downpour::ItemRecord::unstarted(
        &jobs[3],
        downpour::Outcome::Cancelled(None),
        20,
    )));
    view.apply(Event::ItemPaused { index: 5, bytes: 0 });
    list_store::StoredList::of(&view, "/tmp/somewhere")
}

#[test]
fn a_restored_list_is_what_was_left_and_continue_says_what_it_does() {
    let list = list_left_mid_run();
    let mut app = DownpourApp::new(Settings::default());
    app.restore(list_store::Loaded {
        list: Some(list),
        damaged: None,
    });
    let mut harness = harness_with(app, [800.0, 600.0]);
    harness.run_steps(2);
    let ended = |kind| Some(RowStatus::Ended(kind));
    assert_eq!(status_of(&harness, 1), Some(RowStatus::Queued));
    assert_eq!(status_of(&harness, 2), ended(OutcomeKind::Failed));
    assert_eq!(status_of(&harness, 3), ended(OutcomeKind::Done));
    assert_eq!(status_of(&harness, 4), ended(OutcomeKind::Cancelled));
    assert_eq!(status_of(&harness, 5), Some(RowStatus::Paused));

    // One obvious next step, saying what it does; starting anew is the other, explained.
    harness.get_by_label("Continue 2 unfinished files");
    harness.get_by_label("Start anew");
    harness.get_by_label_contains("Continue picks up the list where it stopped");
    assert!(harness.query_by_label("Start").is_none());
    let fonts = crate::gui::fonts::font_definitions(&crate::gui::fonts::find_fallback_fonts());
    harness.ctx.set_fonts(fonts);
    harness.state_mut().settings.language = Some(Lang::Zh);
    harness.run_steps(2);
    harness.get_by_label("继续下载 2 个未完成的文件");
    harness.get_by_label("重新开始");
    harness.get_by_label_contains("“继续”从列表停下处接着下载");
}

#[test]
fn a_sequential_list_does_not_bring_back_one_worker() {
    let mut list = list_left_mid_run();
    list.mode = Mode::Sequential;
    list.workers = 1;
    let mut app = DownpourApp::new(Settings {
        run: RunSettings {
            workers: 6,
            ..RunSettings::default()
        },
        ..Settings::default()
    });
    app.restore(list_store::Loaded {
        list: Some(list),
        damaged: None,
    });
    assert_eq!(app.settings.run.mode, Mode::Sequential);
    assert_eq!(
        app.settings.run.workers, 6,
        "the next threaded run has the workers set before"
    );
}
