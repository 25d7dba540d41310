//! Nothing is lost by clicking (issue 27): a row's Retry during a run joins that run at once,
//! ahead of the waiting files, and counts in its totals; every file that ended without being
//! downloaded — failed or cancelled — is offered again by one button.

use super::*;
use downpour::options::RunSettings;

/// A slow file: `size` bytes sent 16 KiB every 10 ms (about 1.6 MB/s).
fn slow(server: &TestServer, name: &str, size: usize) -> String {
    server.url(&format!("{name}?size={size}&drip=10&piece=16384"))
}

/// The paths the server was asked for, in order, without their queries.
fn asked(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.split('?').next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_retried_row_joins_the_running_run_at_once_ahead_of_the_waiting_ones() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(Settings {
        run: RunSettings {
            workers: 1,
            ..settings_for(dir.path()).run
        },
        ..settings_for(dir.path())
    });
    let links = [
        slow(&server, "first.bin", 3_000_000),
        server.url("second.bin?size=1000"),
        server.url("third.bin?size=1000"),
        server.url("fourth.bin?size=1000"),
    ];
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Start").click();
    harness.step();
    wait_until_running(&mut harness);
    wait_for_row_bytes(&mut harness, 1, 1);
    harness.get_by_label("Cancel this file row 3").click();
    wait_for_status(&mut harness, 3, RowStatus::Ended(OutcomeKind::Cancelled));

    harness.get_by_label("Retry row 3").click();
    harness.run_steps(1);
    assert_eq!(
        status_of(&harness, 3),
        Some(RowStatus::Queued),
        "the row waits in the running run at once"
    );
    assert!(harness.state().is_running(), "no second run");
    run_to_end(&mut harness);

    assert_eq!(
        asked(&server),
        ["/first.bin", "/third.bin", "/second.bin", "/fourth.bin"],
        "the retried file went ahead of the waiting ones"
    );
    let view = harness.state().view.as_ref().unwrap();
    assert_eq!(
        (view.total, view.reported, view.done, view.cancelled),
        (4, 4, 4, 0),
        "the run's totals count the retried file once, as done"
    );
    for name in ["first.bin", "second.bin", "third.bin", "fourth.bin"] {
        assert!(dir.path().join(name).exists(), "{name}");
    }
}

#[test]
fn every_file_not_downloaded_is_offered_again_failed_or_cancelled() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(Settings {
        run: RunSettings {
            workers: 3,
            split: 1,
            ..settings_for(dir.path()).run
        },
        ..settings_for(dir.path())
    });
    let links = [
        server.url("fine.bin?size=1000"),
        server.url("missing.bin?status=404"),
        slow(&server, "stopped.bin", 3_000_000),
    ];
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Start").click();
    harness.step();
    wait_until_running(&mut harness);
    wait_for_row_bytes(&mut harness, 3, 1);
    harness.get_by_label("Cancel this file row 3").click();
    run_to_end(&mut harness);
    assert_eq!(
        status_of(&harness, 3),
        Some(RowStatus::Ended(OutcomeKind::Cancelled))
    );

    let fonts = crate::gui::fonts::font_definitions(&crate::gui::fonts::find_fallback_fonts());
    harness.ctx.set_fonts(fonts);
    harness.state_mut().settings.language = Some(Lang::Zh);
    harness.run_steps(2);
    harness.get_by_label("重试 2 个未下载的文件");
    harness.state_mut().settings.language = Some(Lang::En);
    harness.run_steps(2);
    harness.get_by_label("Retry 2 not downloaded").click();
    harness.step();
    run_to_end(&mut harness);

    assert_eq!(
        status_of(&harness, 3),
        Some(RowStatus::Ended(OutcomeKind::Done))
    );
    assert_eq!(
        std::fs::read(dir.path().join("stopped.bin")).unwrap(),
        body_for("stopped.bin", 3_000_000)
    );
    let asked = asked(&server);
    let count = |path: &str| asked.iter().filter(|p| *p == path).count();
    assert_eq!(
        (
            count("/fine.bin"),
            count("/missing.bin"),
            count("/stopped.bin")
        ),
        (1, 2, 2),
        "only the files not downloaded were asked for again"
    );
    // The link that still fails stays within reach.
    harness.get_by_label("Retry 1 not downloaded");
}

/// The labels of the controls that take the keyboard focus, pressing Tab `presses` times.
fn tab_through(harness: &mut Harness<'_, DownpourApp>, presses: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..presses {
        harness.key_press(egui::Key::Tab);
        harness.run_steps(1);
        if let Some(node) = harness.query_by(|n| n.is_focused()) {
            let label = egui_kittest::kittest::NodeT::accesskit_node(&node).label();
            seen.push(label.unwrap_or_default());
        }
    }
    seen
}

#[test]
fn tab_leaves_the_links_box_and_goes_through_the_controls_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(Settings {
        advanced_open: true,
        ..settings_for(dir.path())
    });
    paste_links(&mut harness, "http://127.0.0.1:9/a.bin");
    let seen = tab_through(&mut harness, 30);
    assert!(
        !harness.state().settings.url_text.contains('\t'),
        "Tab typed nothing into the links box"
    );
    let expected = [
        "Import list…",
        "Check links",
        "Save folder",
        "Choose…",
        "Sequential",
        "Workers",
        "Retries",
        "Speed limit",
    ];
    let mut last = 0;
    for label in expected {
        let Some(at) = seen.iter().position(|s| s == label) else {
            panic!("Tab never reached {label}: {seen:?}");
        };
        assert!(at >= last, "{label} out of reading order: {seen:?}");
        last = at;
    }
}
