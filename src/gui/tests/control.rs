//! Per-file control through the window: one row paused and resumed (continued with a Range
//! request), removed, moved, links added to a running run, the keyboard on a selection of
//! rows, the speed limit, a file already there and a web page in place of a file.

use std::time::{Duration, Instant};

use super::*;
use downpour::options::RunSettings;

/// A slow file: `size` bytes sent 16 KiB every 10 ms (about 1.6 MB/s).
fn slow(server: &TestServer, name: &str, size: usize) -> String {
    server.url(&format!("{name}?size={size}&drip=10&piece=16384"))
}

fn one_worker(dir: &std::path::Path) -> Settings {
    Settings {
        run: RunSettings {
            workers: 1,
            ..settings_for(dir).run
        },
        ..settings_for(dir)
    }
}

#[test]
fn a_paused_row_keeps_its_part_and_resumes_with_a_range_request() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let size = 3_000_000;
    let mut harness = harness(one_worker(dir.path()));
    paste_links(&mut harness, &slow(&server, "big.iso", size));
    harness.get_by_label("Start").click();
    harness.step();
    wait_until_running(&mut harness);
    wait_for_row_bytes(&mut harness, 1, 400_000);

    harness.get_by_label("Pause row 1").click();
    wait_for_status(&mut harness, 1, RowStatus::Paused);
    harness.get_by_label("paused");
    let kept = harness.state().view.as_ref().unwrap().rows[0].bytes;
    assert!(kept >= 400_000 && kept < size as u64, "{kept}");
    let part = dir.path().join("big.iso.part");
    assert_eq!(std::fs::metadata(&part).unwrap().len(), kept);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.requests().len(), 1, "paused: nothing more is asked");

    harness.get_by_label("Resume row 1").click();
    run_to_end(&mut harness);
    assert_eq!(
        status_of(&harness, 1),
        Some(RowStatus::Ended(OutcomeKind::Done))
    );
    assert_eq!(
        std::fs::read(dir.path().join("big.iso")).unwrap(),
        body_for("big.iso", size)
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests[1].ends_with(&format!("range={kept}")),
        "{requests:?}"
    );
}

#[test]
fn a_removed_running_row_is_cancelled_and_its_part_stays() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(Settings {
        run: RunSettings {
            workers: 2,
            split: 1,
            ..settings_for(dir.path()).run
        },
        ..settings_for(dir.path())
    });
    let links = [
        slow(&server, "gone.bin", 3_000_000),
        server.url("kept.bin?size=40000&delay=300"),
    ];
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Start").click();
    harness.step();
    wait_until_running(&mut harness);
    // Past the first MiB, so that its partial file is worth keeping for a later run.
    wait_for_row_bytes(&mut harness, 1, 1_200_000);

    harness.get_by_label("Remove from the list row 1").click();
    harness.run_steps(2);
    assert_eq!(row_order(&harness), [2], "the row is off the list");
    run_to_end(&mut harness);
    assert_eq!(
        status_of(&harness, 2),
        Some(RowStatus::Ended(OutcomeKind::Done))
    );
    let view = harness.state().view.as_ref().unwrap();
    assert_eq!(view.cancelled, 1, "the removed download was cancelled");
    assert!(
        dir.path().join("gone.bin.part").exists(),
        "its partial file stays"
    );
    assert!(!dir.path().join("gone.bin").exists());
    // A finished row goes without a word to the engine.
    harness.get_by_label("Remove from the list row 2").click();
    harness.run_steps(2);
    assert!(row_order(&harness).is_empty());
    assert!(
        dir.path().join("kept.bin").exists(),
        "removing never deletes a file"
    );
}

#[test]
fn waiting_rows_move_and_download_in_their_new_order() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(one_worker(dir.path()));
    let mut links = vec![slow(&server, "first.bin", 1_500_000)];
    links.extend((2..=4).map(|i| server.url(&format!("f{i}.bin?size=1000"))));
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Start").click();
    harness.step();
    wait_until_running(&mut harness);
    wait_for_status(&mut harness, 1, RowStatus::Downloading);

    harness.get_by_label("Move to the top row 4").click();
    harness.run_steps(2);
    assert_eq!(row_order(&harness), [1, 4, 2, 3]);
    // Row 2 moves down by its context menu.
    harness.get_by_label("Row 2: f2.bin").click_secondary();
    harness.run_steps(2);
    harness.get_by_label("Move down").click();
    harness.run_steps(2);
    assert_eq!(row_order(&harness), [1, 4, 3, 2]);

    run_to_end(&mut harness);
    let view = harness.state().view.as_ref().unwrap();
    let order: Vec<usize> = view.results.iter().map(|r| r.index).collect();
    assert_eq!(order, [1, 4, 3, 2]);
    let asked: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.split('?').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(asked, ["/first.bin", "/f4.bin", "/f3.bin", "/f2.bin"]);
}

#[test]
fn links_added_to_a_running_map_run_are_reported_after_the_earlier_ones() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(Settings {
        run: RunSettings {
            mode: Mode::Map,
            workers: 3,
            split: 1,
            ..settings_for(dir.path()).run
        },
        ..settings_for(dir.path())
    });
    let first = [
        slow(&server, "one.bin", 1_500_000),
        server.url("two.bin?size=2000"),
    ];
    paste_links(&mut harness, &first.join("\n"));
    harness.get_by_label("Start").click();
    harness.step();
    wait_until_running(&mut harness);
    assert!(
        harness.query_by_label("Start").is_none(),
        "Add to the run takes its place"
    );
    // The title shows the progress during the run.
    assert!(harness.state().window_title().starts_with("Downpour — "));

    // Two new links (and one already listed) are pasted under the others.
    let more = [
        String::new(),
        server.url("three.bin?size=3000"),
        server.url("four.bin?size=4000"),
        first[1].clone(),
    ];
    paste_links(&mut harness, &more.join("\n"));
    harness.get_by_label("Add to the run").click();
    harness.run_steps(2);
    assert_eq!(row_order(&harness), [1, 2, 3, 4]);
    harness.input_mut().focused = false;
    run_to_end(&mut harness);

    let view = harness.state().view.as_ref().unwrap();
    let order: Vec<usize> = view.results.iter().map(|r| r.index).collect();
    assert_eq!(order, [1, 2, 3, 4]);
    for (name, size) in [("three.bin", 3000), ("four.bin", 4000)] {
        assert_eq!(
            std::fs::read(dir.path().join(name)).unwrap(),
            body_for(name, size)
        );
    }
    let two = server
        .requests()
        .iter()
        .filter(|r| r.starts_with("/two.bin"))
        .count();
    assert_eq!(two, 1, "a link already in the list is not added twice");
    // Not looking at the window: a notification, and the window asks for attention.
    assert_eq!(
        harness.state().last_notification.as_deref(),
        Some("4 files done, 0 failed")
    );
    assert_eq!(
        harness.state().window_title(),
        "Downpour — batch downloader"
    );
}

#[test]
fn space_and_delete_act_on_the_selected_rows() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(Settings {
        run: RunSettings {
            workers: 4,
            split: 1,
            ..settings_for(dir.path()).run
        },
        ..settings_for(dir.path())
    });
    let links: Vec<String> = (1..=4)
        .map(|i| slow(&server, &format!("s{i}.bin"), 4_000_000))
        .collect();
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Start").click();
    harness.step();
    wait_until_running(&mut harness);
    for i in 1..=4 {
        wait_for_status(&mut harness, i, RowStatus::Downloading);
    }
    // Click row 1, Ctrl+click row 3: Space pauses those two only.
    harness.get_by_label("Row 1: s1.bin").click();
    harness.run_steps(1);
    harness
        .get_by_label("Row 3: s3.bin")
        .click_modifiers(egui::Modifiers::COMMAND);
    harness.run_steps(1);
    harness.key_press(egui::Key::Space);
    wait_for_status(&mut harness, 1, RowStatus::Paused);
    wait_for_status(&mut harness, 3, RowStatus::Paused);
    assert_eq!(status_of(&harness, 2), Some(RowStatus::Downloading));
    assert_eq!(status_of(&harness, 4), Some(RowStatus::Downloading));
    // Space again resumes them.
    harness.key_press(egui::Key::Space);
    step_until(&mut harness, "rows 1 and 3 go on", |h| {
        [1, 3]
            .iter()
            .all(|&i| status_of(h, i) != Some(RowStatus::Paused))
    });
    // Past the first MiB, so that their partial files are worth keeping for a later run.
    for i in 1..=3 {
        wait_for_row_bytes(&mut harness, i, 1_200_000);
    }
    // Click row 1, Shift+click row 3: Delete removes rows 1 to 3.
    harness.get_by_label("Row 1: s1.bin").click();
    harness.run_steps(1);
    harness
        .get_by_label("Row 3: s3.bin")
        .click_modifiers(egui::Modifiers::SHIFT);
    harness.run_steps(1);
    assert_eq!(
        harness
            .state()
            .selection
            .rows
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    harness.key_press(egui::Key::Delete);
    harness.run_steps(2);
    assert_eq!(row_order(&harness), [4]);
    run_to_end(&mut harness);
    assert_eq!(
        std::fs::read(dir.path().join("s4.bin")).unwrap(),
        body_for("s4.bin", 4_000_000)
    );
    for i in 1..=3 {
        assert!(!dir.path().join(format!("s{i}.bin")).exists(), "{i}");
        assert!(dir.path().join(format!("s{i}.bin.part")).exists(), "{i}");
    }
    let ranged = server
        .requests()
        .iter()
        .filter(|r| r.contains("range="))
        .count();
    assert_eq!(ranged, 2, "the two resumed files continued with Range");
}

#[test]
fn the_speed_limit_is_explained_when_unreadable_and_applies_during_a_run() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(one_worker(dir.path()));
    let sentence = "Write the speed limit as bytes per second";
    open_advanced(&mut harness);
    click_in_view(&mut harness, "Speed limit");
    harness.get_by_label("Speed limit").type_text("fast");
    harness.run_steps(1);
    harness.get_by_label_contains(sentence);
    assert_eq!(
        harness.state().settings.run.rate_limit.bytes_per_sec(),
        None
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Speed limit").type_text("100K");
    harness.run_steps(1);
    assert!(harness.query_by_label_contains(sentence).is_none());
    assert_eq!(
        harness.state().settings.run.rate_limit.bytes_per_sec(),
        Some(100 * 1024)
    );

    let size = 2_000_000;
    paste_links(
        &mut harness,
        &server.url(&format!("capped.bin?size={size}")),
    );
    harness.get_by_label("Start").click();
    harness.step();
    wait_until_running(&mut harness);
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(1500));
    harness.run_steps(2);
    let bytes = harness.state().view.as_ref().unwrap().rows[0].bytes;
    let allowed = (start.elapsed().as_secs_f64() + 0.5) * 100.0 * 1024.0;
    assert!((bytes as f64) < allowed, "{bytes} bytes: the limit holds");
    // Emptied during the run: no limit from now on.
    click_in_view(&mut harness, "Speed limit");
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.key_press(egui::Key::Backspace);
    harness.run_steps(1);
    run_to_end(&mut harness);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "lifted at once: {:?}",
        start.elapsed()
    );
    assert_eq!(
        std::fs::read(dir.path().join("capped.bin")).unwrap(),
        body_for("capped.bin", size)
    );
}

#[test]
fn a_file_already_there_is_skipped_and_a_web_page_is_pointed_out() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    let links = [
        server.url("have.bin?size=5000"),
        server.url("report.pdf?size=3000&html=1"),
    ];
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    let warning = "the server sent a web page, not report.pdf — the link may need a login or \
                   may have expired";
    harness.get_by_label_contains(warning);
    assert_eq!(server.requests().len(), 2);
    // Pointing at its status says why the file stayed on one connection.
    harness
        .get_by_label_contains("done: the server sent a web page")
        .hover();
    harness.run_steps(60);
    harness.get_by_label("On one connection: the file is too small to be worth splitting.");

    // Started again: both files are there, and the server says it still has them (one
    // conditional request each), so nothing is fetched.
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    assert_eq!(
        status_of(&harness, 1),
        Some(RowStatus::Ended(OutcomeKind::Skipped))
    );
    assert_eq!(harness.query_all_by_label("already there").count(), 2);
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "{requests:?}");
    assert!(
        requests[2..].iter().all(|r| r.ends_with("&if-none-match")),
        "{requests:?}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("have.bin")).unwrap(),
        body_for("have.bin", 5000)
    );
}

#[test]
fn a_login_page_in_place_of_a_file_fails_with_its_sentence_in_both_languages() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    paste_links(&mut harness, &server.url("report.pdf?login=1"));
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    assert_eq!(
        status_of(&harness, 1),
        Some(RowStatus::Ended(OutcomeKind::Failed))
    );
    harness.get_by_label_contains(
        "failed: the server sent a web page instead of report.pdf — it may need a login, or \
         the link has expired",
    );
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing is left in the folder"
    );
    // The Chinese sentence of the same row (drawing it needs a Chinese font on the machine).
    let row = &harness.state().view.as_ref().unwrap().rows[0];
    assert_eq!(
        Lang::Zh.row_note(row.note.as_ref().unwrap()),
        "服务器发来的是网页而不是 report.pdf——可能需要登录，或者链接已过期"
    );
}
