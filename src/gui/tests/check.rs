//! Check links: the button under the links box asks a real server on 127.0.0.1 about every
//! link, and each link's line in the check's window says what Start would meet, in English and
//! Chinese, with the total against the free space; nothing is downloaded and nothing in the
//! left panel moves.

use super::*;

/// Pastes a list of a file, a missing file, a web page and a repeated name, clicks Check
/// links and waits for its answer.
fn check_list(harness: &mut Harness<'_, DownpourApp>, server: &TestServer) {
    let links = [
        server.url("a.bin?size=2048"),
        server.url("gone.pdf?status=404"),
        server.url("report.pdf?login=1"),
        server.url("again/a.bin?size=1024"),
    ];
    paste_links(harness, &links.join("\n"));
    harness.get_by_label("Check links").click();
    harness.run_steps(1);
    step_until(harness, "the links are checked", |h| {
        h.state().checker.checked.is_some()
    });
    harness.run_steps(3);
}

#[test]
fn check_links_tells_each_row_what_start_will_meet_and_downloads_nothing() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    let folder = |h: &Harness<'_, DownpourApp>| h.get_by_label("Save folder").rect();
    let before = folder(&harness);
    check_list(&mut harness, &server);
    assert_eq!(folder(&harness), before, "the lines pushed the folder down");
    harness.get_by_label("a.bin — 2.0 KiB, ready");
    harness.get_by_label("gone.pdf — the server answered 404 Not Found");
    harness.get_by_label("report.pdf — the server sends a web page here, not a file");
    harness.get_by_label("a.bin — two links save the same file: a.bin (link 1 too)");
    let free = harness
        .state()
        .checker
        .checked
        .as_ref()
        .unwrap()
        .report
        .space
        .free;
    let free = free.map_or("the free space of the disk is unknown".to_owned(), |free| {
        format!(
            "{} free on the save folder's disk",
            downpour::format::bytes(free)
        )
    });
    harness.get_by_label(&format!("Total 3.0 KiB; {free}"));
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "one request per link: {requests:?}");
    assert!(
        requests.iter().all(|r| r.starts_with("HEAD ")),
        "{requests:?}"
    );
    assert!(harness.state().view.is_none(), "nothing started");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn check_links_speaks_chinese() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    let fonts = crate::gui::fonts::font_definitions(&crate::gui::fonts::find_fallback_fonts());
    harness.ctx.set_fonts(fonts);
    harness.state_mut().settings.language = Some(Lang::Zh);
    harness.run_steps(2);
    let links = [
        server.url("a.bin?size=2048"),
        server.url("gone.pdf?status=404"),
    ];
    harness.state_mut().settings.url_text = links.join("\n");
    harness.state_mut().reparse();
    harness.run_steps(2);
    harness.get_by_label("检查链接").click();
    harness.run_steps(1);
    step_until(&mut harness, "the links are checked", |h| {
        h.state().checker.checked.is_some()
    });
    harness.run_steps(3);
    harness.get_by_label("a.bin — 2.0 KiB，可以下载");
    harness.get_by_label("gone.pdf — 服务器返回 404（未找到）");
}

#[test]
fn start_after_a_check_knows_every_size_at_once_and_asks_no_head_again() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    // Each answer takes half a second: the rows' sizes come before any answer of the run.
    let links = [
        server.url("x.bin?size=3000&delay=500"),
        server.url("y.bin?size=5000&delay=500"),
    ];
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Check links").click();
    harness.run_steps(1);
    step_until(&mut harness, "the links are checked", |h| {
        h.state().checker.checked.is_some()
    });
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the run starts", |h| h.state().view.is_some());
    let view = harness.state().view.as_ref().unwrap();
    let totals: Vec<Option<u64>> = view.rows.iter().map(|row| row.total).collect();
    assert_eq!(totals, [Some(3000), Some(5000)]);
    assert_eq!(view.announced, 8000);
    run_to_end(&mut harness);
    let requests = server.requests();
    let heads = requests.iter().filter(|r| r.starts_with("HEAD ")).count();
    assert_eq!((heads, requests.len()), (2, 4), "{requests:?}");
    assert_eq!(std::fs::read(dir.path().join("y.bin")).unwrap().len(), 5000);
}
