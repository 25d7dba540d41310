//! Change address…: a row's new link continues the kept bytes when it serves the same file
//! (the new server is asked for the rest, from the kept length), and says so when it does not,
//! keeping the bytes until Retry starts over from the new link.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::server::{TestServer, body_for};
use super::{harness_with, paste_links, run_to_end, settings_for, status_of, step_until};
use crate::gui::DownpourApp;
use crate::gui::model::RowStatus;
use downpour::OutcomeKind;

const SIZE: usize = 3_000_000;

/// Starts a slow `big.bin` and steps until more than a megabyte of it arrived.
fn started(server: &TestServer, out: &std::path::Path) -> Harness<'static, DownpourApp> {
    let data = out.join("data");
    let app = DownpourApp::new(settings_for(out)).with_data_dir(Some(data));
    let mut harness = harness_with(app, [1280.0, 900.0]);
    paste_links(
        &mut harness,
        &server.url(&format!("big.bin?size={SIZE}&drip=10&piece=16384&sig=old")),
    );
    harness.get_by_label("Start").click();
    step_until(&mut harness, "a megabyte arrives", |h| {
        h.state()
            .view
            .as_ref()
            .and_then(|v| v.row(1))
            .is_some_and(|r| r.bytes >= 1_300_000)
    });
    harness
}

/// Opens Change address… of row 1 and gives it `url`.
fn change_address(harness: &mut Harness<'_, DownpourApp>, url: &str) {
    harness.get_by_label("Row 1: big.bin").click_secondary();
    harness.run_steps(2);
    harness.get_by_label("Change address…").click();
    step_until(harness, "the dialog opens", |h| {
        h.query_by_label("New address").is_some()
    });
    harness.get_by_label("New address").click();
    harness.run_steps(1);
    harness.get_by_label("New address").type_text("not a link");
    harness.run_steps(2);
    harness.get_by_label_contains("Paste a web address that starts with http://");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(1);
    harness.get_by_label("New address").type_text(url);
    harness.run_steps(2);
    harness.get_by_label("Continue from it").click();
}

/// How many bytes a request's `Range: bytes=A-B` asks for.
fn range_len(head: &str) -> usize {
    let head = head.to_ascii_lowercase();
    let range = head
        .split("range: bytes=")
        .nth(1)
        .and_then(|rest| rest.split("\r\n").next())
        .unwrap_or_else(|| panic!("no range: {head}"));
    let (from, to) = range.split_once('-').unwrap();
    let from: usize = from.parse().unwrap();
    let to: usize = to.parse().unwrap_or(SIZE - 1);
    to + 1 - from
}

#[test]
fn a_paused_row_given_a_link_of_the_same_file_goes_on_from_its_bytes() {
    let server = TestServer::start();
    let out = tempfile::tempdir().unwrap();
    let mut harness = started(&server, out.path());
    harness.get_by_label("Pause row 1").click();
    step_until(&mut harness, "the row is paused", |h| {
        status_of(h, 1) == Some(RowStatus::Paused)
    });
    let before = server.heads().len();
    let new = server.url(&format!("big.bin?size={SIZE}&sig=new"));
    change_address(&mut harness, &new);
    step_until(&mut harness, "the row is done", |h| {
        status_of(h, 1) == Some(RowStatus::Ended(OutcomeKind::Done))
    });
    run_to_end(&mut harness);
    assert!(std::fs::read(out.path().join("big.bin")).unwrap() == body_for("big.bin", SIZE));
    // The new address was asked only for the rest (the file goes on over several
    // connections): every request a range of the kept version, none from the start.
    let heads = &server.heads()[before..];
    assert!(!heads.is_empty());
    for head in heads {
        let head = head.to_ascii_lowercase();
        assert!(head.contains("sig=new"), "{head}");
        assert!(head.contains("if-range: \"8-3000000-v1\""), "{head}");
        assert!(range_len(&head) < SIZE, "{head}");
    }
    // What arrived before the pause was not asked again.
    let asked: usize = heads.iter().map(|h| range_len(h)).sum();
    assert!(asked <= SIZE - 1_300_000, "{asked}");
    let row = harness
        .state()
        .view
        .as_ref()
        .unwrap()
        .row(1)
        .unwrap()
        .url
        .clone();
    assert_eq!(row, new);
}

#[test]
fn a_link_of_another_file_is_said_and_retry_starts_over_from_it() {
    let server = TestServer::start();
    let out = tempfile::tempdir().unwrap();
    let mut harness = started(&server, out.path());
    harness.get_by_label("Cancel this file row 1").click();
    run_to_end(&mut harness);
    assert_eq!(
        status_of(&harness, 1),
        Some(RowStatus::Ended(OutcomeKind::Cancelled))
    );
    let before = server.heads().len();
    let new = server.url(&format!("big.bin?size={SIZE}&node=7"));
    change_address(&mut harness, &new);
    run_to_end(&mut harness);
    assert_eq!(
        status_of(&harness, 1),
        Some(RowStatus::Ended(OutcomeKind::Failed))
    );
    harness.get_by_label_contains("the new address serves another file");
    // It was asked only for the rest, of the kept version, which it does not have.
    for head in &server.heads()[before..] {
        assert!(head.contains("if-range: \"8-3000000-v1\""), "{head}");
        assert!(range_len(head) < SIZE, "{head}");
    }
    assert!(
        out.path().join("big.bin.part").exists(),
        "the kept bytes stay"
    );
    assert!(!out.path().join("big.bin").exists());

    harness.get_by_label("Retry row 1").click();
    run_to_end(&mut harness);
    assert_eq!(
        status_of(&harness, 1),
        Some(RowStatus::Ended(OutcomeKind::Done))
    );
    assert!(std::fs::read(out.path().join("big.bin")).unwrap() == body_for("big.bin", SIZE));
    assert!(!out.path().join("big.bin.part").exists());
}
