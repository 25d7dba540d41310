//! From a web page…: a real page served on 127.0.0.1 read through the dialog, then chosen
//! with the type chips, the wildcard box, invert and tick boxes, and added to the links box.

use super::window::unnamed_widgets;
use super::*;

/// Opens the dialog, reads the test server's mixed page and waits for its rows.
fn read_mixed_page(harness: &mut Harness<'_, DownpourApp>, server: &TestServer) {
    harness.get_by_label("From a web page…").click();
    // A dialog is measured in its first frame and shown in the next.
    harness.run_steps(3);
    assert!(harness.state().page.open);
    harness.get_by_label("Page address").click();
    harness.run_steps(1);
    harness
        .get_by_label("Page address")
        .type_text(&server.url("reports/index.html?page=mixed"));
    harness.run_steps(1);
    harness.get_by_label("Read the page").click();
    step_until(harness, "the page is read", |h| {
        h.state().page.found.is_some()
    });
    harness.run_steps(2);
}

#[test]
fn chips_the_wildcard_box_and_invert_choose_what_add_puts_in_the_links_box() {
    let server = TestServer::start();
    let mut harness = harness(Settings::default());
    read_mixed_page(&mut harness, &server);
    harness.get_by_label("10 of 10 chosen");
    assert_eq!(unnamed_widgets(&harness), Vec::<String>::new());
    harness.get_by_label("Documents (4)").click();
    harness.run_steps(2);
    harness.get_by_label("4 of 10 chosen");
    harness.get_by_label("Images (2)").click();
    harness.run_steps(2);
    harness.get_by_label("6 of 10 chosen");
    harness.get_by_label("Names like").click();
    harness.run_steps(1);
    harness.get_by_label("Names like").type_text("report-*");
    harness.run_steps(2);
    harness.get_by_label("2 of 10 chosen");
    harness.get_by_label("Invert").click();
    harness.run_steps(2);
    harness.get_by_label("8 of 10 chosen");
    harness.get_by_label("Invert").click();
    harness.run_steps(2);
    // A row's own tick box: one of the two reports taken off by hand.
    harness.get_by_label("report-2023.pdf").click();
    harness.run_steps(2);
    harness.get_by_label("1 of 10 chosen");
    harness.get_by_label("Add 1 file").click();
    harness.run_steps(2);
    assert!(!harness.state().page.open, "Add closes the dialog");
    let base = server.url("");
    assert_eq!(
        harness.state().settings.url_text,
        format!("{base}files/report-2024.pdf\n")
    );
    assert_eq!(harness.state().list.entries.len(), 1);
    assert_eq!(server.requests().len(), 1, "only the page was asked for");
}

#[test]
fn a_bad_pattern_and_a_file_are_sentences_and_nothing_is_added() {
    let server = TestServer::start();
    let mut harness = harness(Settings::default());
    read_mixed_page(&mut harness, &server);
    harness.get_by_label("Only this site").click();
    harness.run_steps(2);
    assert!(harness.state().page.same_site);
    assert_eq!(harness.state().page.chosen(), 9);
    harness.get_by_label("9 of 10 chosen");
    harness.get_by_label("Names like").click();
    harness.run_steps(1);
    harness.get_by_label("Names like").type_text("/(/");
    harness.run_steps(2);
    let problem = harness
        .state()
        .page
        .pattern_problem
        .clone()
        .unwrap()
        .to_string();
    assert!(
        problem.starts_with("'(' is not a regular expression Downpour can use ("),
        "{problem}"
    );
    harness.get_by_label(&problem);
    harness.get_by_label("9 of 10 chosen");
    harness.state_mut().page.address = server.url("a.zip?page=file");
    harness.run_steps(1);
    harness.get_by_label("Read the page").click();
    step_until(&mut harness, "the answer arrives", |h| {
        h.state().page.problem.is_some()
    });
    harness.run_steps(2);
    harness.get_by_label(
        "this address is a file (application/zip), not a web page: add it to the links to download it",
    );
    harness.get_by_label("Close").click();
    harness.run_steps(2);
    assert!(!harness.state().page.open);
    assert!(harness.state().settings.url_text.is_empty());
}

#[test]
fn files_added_from_a_page_are_asked_for_with_the_page_as_referer() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(super::settings_for(dir.path()));
    harness.get_by_label("From a web page…").click();
    harness.run_steps(3);
    harness.get_by_label("Page address").click();
    harness.run_steps(1);
    // The page's one picture is given only to requests that come from the page.
    harness
        .get_by_label("Page address")
        .type_text(&server.url("gallery.html?page=guarded"));
    harness.run_steps(1);
    harness.get_by_label("Read the page").click();
    step_until(&mut harness, "the page is read", |h| {
        h.state().page.found.is_some()
    });
    harness.run_steps(2);
    harness.get_by_label("Add 1 file").click();
    harness.run_steps(2);
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    assert_eq!(
        std::fs::read(dir.path().join("guarded.png")).unwrap(),
        body_for("/guarded.png", 100)
    );
    let heads = server.heads();
    let page = server.url("gallery.html?page=guarded");
    assert!(heads[1].contains(&format!("referer: {page}")), "{heads:?}");
}

#[test]
fn check_sizes_shows_each_chosen_links_size_and_their_total() {
    let server = TestServer::start();
    let mut harness = harness(Settings::default());
    harness.get_by_label("From a web page…").click();
    harness.run_steps(3);
    harness.get_by_label("Page address").click();
    harness.run_steps(1);
    harness
        .get_by_label("Page address")
        .type_text(&server.url("gallery.html?page=guarded"));
    harness.run_steps(1);
    harness.get_by_label("Read the page").click();
    step_until(&mut harness, "the page is read", |h| {
        h.state().page.found.is_some()
    });
    harness.run_steps(2);
    harness.get_by_label("1 of 1 chosen");
    harness.get_by_label("Check sizes").click();
    harness.run_steps(1);
    step_until(&mut harness, "the sizes are known", |h| {
        !h.state().page.sizing
    });
    harness.run_steps(2);
    harness.get_by_label("100 B");
    harness.get_by_label("1 of 1 chosen, 100 B");
    // The page, then one HEAD for its one link, sent with the page as its Referer (the
    // server gives the picture only so).
    let heads = server.heads();
    assert_eq!(heads.len(), 2, "{heads:?}");
    assert!(heads[1].starts_with("HEAD /guarded.png"), "{heads:?}");
    assert!(server.requests().len() == 2);
}

#[test]
fn a_saved_page_dropped_on_the_dialog_is_read_there() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved.html");
    std::fs::write(
        &saved,
        "<a href=\"https://example.com/one.pdf\">1</a><img src=\"https://example.com/two.png\">",
    )
    .unwrap();
    let mut harness = harness(Settings::default());
    harness.get_by_label("From a web page…").click();
    harness.run_steps(3);
    super::runs::drop_file(&mut harness, &saved);
    step_until(&mut harness, "the saved page is read", |h| {
        h.state().page.found.is_some()
    });
    harness.run_steps(2);
    harness.get_by_label("2 of 2 chosen");
    assert!(
        harness.state().settings.url_text.is_empty(),
        "not added as a list"
    );
    harness.get_by_label("Add 2 files").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().settings.url_text,
        "https://example.com/one.pdf\nhttps://example.com/two.png\n"
    );
}
