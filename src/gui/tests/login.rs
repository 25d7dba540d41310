//! The login dialog: a real server that demands a Basic login makes the window ask once, the
//! site's files wait for the answer, arrive whole after OK and fail as refused after Cancel;
//! the password shows nowhere and is not saved.

use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable};

use super::server::{PASSWORD, TestServer, body_for};
use super::window::MemoryStorage;
use super::{harness_with, paste_links, run_to_end, settings_for, status_of, step_until};
use crate::gui::{DownpourApp, list_store};
use downpour::OutcomeKind;
use eframe::App as _;

/// Starts a run of two files of a site that asks for a login, and steps until the window asks.
fn until_asked(
    server: &TestServer,
    out: &std::path::Path,
    data: &std::path::Path,
) -> Harness<'static, DownpourApp> {
    let app = DownpourApp::new(settings_for(out)).with_data_dir(Some(data.to_owned()));
    let mut harness = harness_with(app, [1280.0, 900.0]);
    let links = [
        server.url("album.zip?auth=1&size=40000"),
        server.url("cover.jpg?auth=1&size=900"),
    ];
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Start").click();
    let question = format!(
        "127.0.0.1:{} asks for a user name and password (\"test\")",
        server.port()
    );
    step_until(&mut harness, "the window asks for a login", |h| {
        h.query_by_label(&question).is_some() && server.requests().len() == 2
    });
    harness.run_steps(2);
    // Both were refused once and wait: neither row ended.
    for index in [1, 2] {
        assert!(
            !matches!(status_of(&harness, index), Some(super::RowStatus::Ended(_))),
            "{:?}",
            status_of(&harness, index)
        );
    }
    assert_eq!(harness.state().login_prompts.len(), 1, "asked once");
    harness
}

#[test]
fn the_window_asks_for_the_login_a_site_wants_and_the_files_arrive() {
    let server = TestServer::start();
    let out = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut harness = until_asked(&server, out.path(), data.path());
    harness.get_by_label("User name").click();
    harness.run_steps(1);
    harness.get_by_label("User name").type_text("ann");
    harness.get_by_label("Password").click();
    harness.run_steps(1);
    harness.get_by_label("Password").type_text(PASSWORD);
    harness.run_steps(2);
    // The typed password is not shown, not even to a screen reader.
    assert_eq!(
        harness
            .query_all(By::new().label_contains(PASSWORD))
            .count(),
        0
    );
    assert_eq!(harness.query_all(By::new().value(PASSWORD)).count(), 0);
    harness.get_by_label("OK").click();
    run_to_end(&mut harness);
    assert!(std::fs::read(out.path().join("album.zip")).unwrap() == body_for("album.zip", 40000));
    assert!(std::fs::read(out.path().join("cover.jpg")).unwrap() == body_for("cover.jpg", 900));
    // Each asked twice: without a login, then with the one typed.
    let heads = server.heads();
    assert_eq!(heads.len(), 4);
    let expected = format!(
        "authorization: basic {}",
        super::server::base64(format!("ann:{PASSWORD}").as_bytes())
    );
    assert_eq!(
        heads
            .iter()
            .filter(|h| h
                .to_ascii_lowercase()
                .contains(&expected.to_ascii_lowercase()))
            .count(),
        2,
        "{heads:?}"
    );
    assert!(harness.state().login_prompts.is_empty());
    // No row, tooltip or label shows it; the settings and the saved list do not hold it.
    for index in [1, 2] {
        assert_eq!(
            status_of(&harness, index),
            Some(super::RowStatus::Ended(OutcomeKind::Done))
        );
    }
    assert_eq!(
        harness
            .query_all(By::new().label_contains(PASSWORD))
            .count(),
        0
    );
    let mut storage = MemoryStorage::default();
    let mut app = harness.into_state();
    app.save(&mut storage);
    let settings = serde_json::to_string(&app.settings).unwrap();
    assert!(!settings.contains(PASSWORD), "{settings}");
    drop(app);
    let saved = std::fs::read_to_string(data.path().join(list_store::LIST_FILE)).unwrap();
    assert!(saved.contains("album.zip"), "{saved}");
    assert!(!saved.contains(PASSWORD), "{saved}");
}

#[test]
fn cancel_fails_the_sites_files_as_refused() {
    let server = TestServer::start();
    let out = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut harness = until_asked(&server, out.path(), data.path());
    harness.get_by_label("Don't log in").click();
    run_to_end(&mut harness);
    for index in [1, 2] {
        assert_eq!(
            status_of(&harness, index),
            Some(super::RowStatus::Ended(OutcomeKind::Failed))
        );
    }
    assert_eq!(
        harness
            .query_all(By::new().label_contains("the server answered 401"))
            .count(),
        2
    );
    assert_eq!(server.heads().len(), 2, "nothing more was asked");
    assert!(harness.state().login_prompts.is_empty());
}
