//! Runs driven through the window: each mode, checksums, Cancel, Retry failed, the save
//! folder, Start and its shortcut, the exports, an idle window and closing during a run.

use super::*;
use downpour::options::RunSettings;

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
        assert_eq!(harness.state().settings.run.mode, mode);
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
        let t = Lang::En.t();
        for title in [t.timeline_title, t.order_title, t.comparison_title] {
            harness.get_by_label(title);
        }
        assert_eq!(harness.state().history.len(), 1);
    }
}

#[test]
fn in_order_a_finished_file_says_it_waits_for_the_earlier_ones() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(Settings {
        run: RunSettings {
            mode: Mode::Map,
            workers: 2,
            ..settings_for(dir.path()).run
        },
        ..settings_for(dir.path())
    });
    let links = [
        server.url("slow.bin?size=2000&delay=1500"),
        server.url("quick.bin?size=2000"),
    ];
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Start").click();
    harness.step();
    wait_for_status(&mut harness, 2, RowStatus::Held(OutcomeKind::Done));
    harness.run_steps(2);
    harness.get_by_label("done, waiting for earlier files");
    let view = harness.state().view.as_ref().unwrap();
    assert!(view.results.is_empty());
    assert_eq!(
        view.held.keys().copied().collect::<Vec<_>>(),
        [2],
        "the held-back chart counts it while it waits"
    );
    run_to_end(&mut harness);
    assert_eq!(
        status_of(&harness, 2),
        Some(RowStatus::Ended(OutcomeKind::Done))
    );
    let view = harness.state().view.as_ref().unwrap();
    let order: Vec<usize> = view.results.iter().map(|r| r.index).collect();
    assert_eq!(order, [1, 2]);
    assert!(view.held.is_empty());
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
            open_advanced(&mut harness);
            harness.get_by_label("Compute SHA-256 checksums").click();
            harness.run_steps(1);
        }
        assert_eq!(harness.state().settings.run.checksums, on);
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
    // The flaky file on a server of its own: a 503 from a server that Downpour holds several
    // connections to is a crowded server, which the item waits for instead of failing.
    let other = TestServer::start();
    let links = [
        server.url("fine.txt?size=100"),
        other.url("flaky.txt?size=200&fail_first=1"),
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
    harness.get_by_label("Retry 1 not downloaded").click();
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
    // One frame more, when the list's save is due (at most a second after its last change).
    std::thread::sleep(crate::gui::list_store::SAVE_EVERY);
    harness.run_steps(3);
    assert!(
        !harness.ctx.has_requested_repaint(),
        "finished and idle: no repaint loop"
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
    harness.get_by_label("Quit (keep the list)").click();
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

/// A file dropped on the window from the file manager.
#[derive(Debug)]
struct DroppedPath(std::path::PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|err| err.to_string())
    }
}

/// The person drops `path` on the window.
pub(super) fn drop_file(harness: &mut Harness<'_, DownpourApp>, path: &std::path::Path) {
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(path.to_owned())));
    harness.step();
}

#[test]
fn a_dropped_file_that_is_not_text_is_refused_and_a_notepad_page_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    paste_links(&mut harness, "https://example.com/kept.zip");

    let photo = dir.path().join("photo.jpg");
    let mut jpeg = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00".to_vec();
    jpeg.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    std::fs::write(&photo, jpeg).unwrap();
    drop_file(&mut harness, &photo);
    let sentence = format!("{} is not a text file.", photo.display());
    step_until(&mut harness, "the notice names the file", |h| {
        h.state()
            .notice
            .as_ref()
            .is_some_and(|n| super::Lang::En.notice(n) == sentence)
    });
    harness.run_steps(2);
    harness.get_by_label(&sentence);
    assert_eq!(
        harness.state().settings.url_text,
        "https://example.com/kept.zip"
    );

    // A page saved by Notepad as "Unicode": UTF-16 LE with a BOM.
    let page = "<!DOCTYPE html>\r\n<p>Files</p>\r\n<a href=\"https://example.com/a.zip\">a</a>\r\n\
                <a href=\"https://example.com/b.zip?x=1&amp;y=2\">b</a>\r\n";
    let utf16: Vec<u8> = [0xFEFFu16]
        .into_iter()
        .chain(page.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    let saved = dir.path().join("links.html");
    std::fs::write(&saved, utf16).unwrap();
    drop_file(&mut harness, &saved);
    step_until(&mut harness, "the page's links are added", |h| {
        h.state().list.entries.len() == 3
    });
    harness.run_steps(2);
    let urls: Vec<&str> = harness
        .state()
        .list
        .entries
        .iter()
        .map(|e| e.url.as_str())
        .collect();
    assert_eq!(
        urls,
        [
            "https://example.com/kept.zip",
            "https://example.com/a.zip",
            "https://example.com/b.zip?x=1&y=2"
        ]
    );
    harness.get_by_label("3 URLs ready");
}

#[test]
fn the_summary_says_how_many_links_came_from_inside_text() {
    let mut harness = harness(Settings::default());
    paste_links(
        &mut harness,
        "My downloads\n- https://example.com/a.zip (fast mirror)\nhttps://example.com/b.zip\n",
    );
    harness.get_by_label("2 URLs ready");
    harness
        .get_by_label("1 link was taken from inside text · 1 line without a link was passed over");
}
