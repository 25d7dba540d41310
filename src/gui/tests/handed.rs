//! Links handed over by the browser, as the window takes them: the file names their page
//! suggested (made safe, inside the save folder, winning over the server's), and all links
//! of a page offered in the page dialog.

use super::*;
use crate::handoff::{Handoff, Kind, Link};

/// `handoff` read as the window reads what arrives (checked, its names made safe), then
/// handed to the window.
fn hand(harness: &mut Harness<'_, DownpourApp>, handoff: &Handoff) {
    let json = serde_json::to_vec(handoff).unwrap();
    let checked = Handoff::from_json(&json).unwrap();
    harness
        .state()
        .messages()
        .send(crate::gui::UiMessage::Handed(checked))
        .unwrap();
    // Frames, not `run`: with "start at once" a run may start and keep the window busy.
    harness.run_steps(2);
}

#[test]
fn the_names_a_page_suggests_are_used_and_made_safe_inside_the_folder() {
    let server = TestServer::start();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("save");
    std::fs::create_dir(&dir).unwrap();
    let mut harness = harness(settings_for(&dir));
    let long = format!("{}.bin", "l".repeat(400));
    let suggested = [
        Some("Report 2026.pdf".to_owned()),
        Some("../../x".to_owned()),
        Some("con.txt".to_owned()),
        Some(root.path().join("abs.bin").to_str().unwrap().to_owned()),
        Some(long),
        Some("bell\u{7}\nline.bin".to_owned()),
        // The server names this one (Content-Disposition), and the page does too: the page wins.
        Some("page-name.bin".to_owned()),
        // No name from the page: the server's.
        None,
    ];
    let links: Vec<Link> = suggested
        .iter()
        .enumerate()
        .map(|(i, name)| Link {
            url: server.url(&format!(
                "f{i}.bin?size={}&cd=attachment;filename=server-{i}.bin",
                1000 + i
            )),
            name: name.clone(),
            ..Link::default()
        })
        .collect();
    hand(
        &mut harness,
        &Handoff {
            links,
            ..Handoff::default()
        },
    );
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let long_saved = names.iter().find(|n| n.starts_with("lll")).unwrap().clone();
    assert!(
        long_saved.len() <= 255 && long_saved.ends_with(".bin"),
        "{long_saved}"
    );
    let mut expected = vec![
        "Report 2026.pdf",
        "x",
        "_con.txt",
        "abs.bin",
        &long_saved,
        "bell__line.bin",
        "page-name.bin",
        "server-7.bin",
    ];
    for (i, name) in expected.iter().enumerate() {
        assert_eq!(
            std::fs::read(dir.join(name)).unwrap(),
            body_for(&format!("f{i}.bin"), 1000 + i),
            "{name}"
        );
    }
    expected.sort_unstable();
    assert_eq!(names, expected);
    // Nothing outside the save folder.
    let mut around: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    around.sort();
    assert_eq!(around, ["save"]);
}

#[test]
fn all_links_of_a_page_open_the_page_dialog_with_them_and_add_nothing_by_themselves() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    paste_links(&mut harness, "https://example.com/mine.zip");
    let page = "https://gallery.example/album/";
    let link = |path: &str, name: Option<&str>| Link {
        url: server.url(&format!("{path}?size=3000&need_referer={page}")),
        name: name.map(str::to_owned),
        ..Link::default()
    };
    hand(
        &mut harness,
        &Handoff {
            kind: Kind::Page,
            links: vec![
                link("photos/1.jpg", None),
                link("report.cgi", Some("Annual report.pdf")),
                link("notes.txt", None),
            ],
            page: Some(page.to_owned()),
            ..Handoff::default()
        },
    );
    // A dialog is measured in its first frame and shown in the next.
    harness.run_steps(3);
    assert!(harness.state().page.open);
    assert_eq!(harness.state().page.address, page);
    harness.get_by_label("1.jpg");
    harness.get_by_label("Annual report.pdf");
    harness.get_by_label("notes.txt");
    assert_eq!(
        harness.state().settings.url_text,
        "https://example.com/mine.zip",
        "nothing added before the person chooses"
    );
    // Only the PDF: untick the others, then Add.
    harness.get_by_label("1.jpg").click();
    harness.get_by_label("notes.txt").click();
    harness.run();
    harness.get_by_label("Add 1 file").click();
    harness.run_steps(2);
    assert!(!harness.state().page.open);
    let pdf = server.url(&format!("report.cgi?size=3000&need_referer={page}"));
    assert_eq!(
        harness.state().settings.url_text,
        format!("https://example.com/mine.zip\n{pdf}\n")
    );
    // Downloaded under its page's name, with its page as Referer (the server asks for it).
    harness.state_mut().settings.url_text = format!("{pdf}\n");
    harness.state_mut().reparse();
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    assert_eq!(
        std::fs::read(dir.path().join("Annual report.pdf")).unwrap(),
        body_for("report.cgi", 3000)
    );
}

#[test]
fn handed_links_wait_in_the_box_unless_start_at_once_is_on() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    let link = |name: &str| Handoff {
        links: vec![Link {
            url: server.url(&format!("{name}?size=2000")),
            ..Link::default()
        }],
        ..Handoff::default()
    };
    // Off (as it is at first): the link waits in the box; nothing is asked of the server.
    assert!(!harness.state().settings.start_handed);
    hand(&mut harness, &link("waits.bin"));
    harness.run_steps(3);
    assert!(harness.state().run.is_none() && !harness.state().is_checking_folder());
    assert_eq!(
        harness.state().settings.url_text,
        format!("{}\n", server.url("waits.bin?size=2000"))
    );
    assert!(server.heads().is_empty());
    // On, from the Advanced settings: the next link starts as it arrives, without Start.
    harness.state_mut().settings.url_text.clear();
    harness.state_mut().reparse();
    open_advanced(&mut harness);
    click_in_view(&mut harness, "Start links from the browser at once");
    assert!(harness.state().settings.start_handed);
    hand(&mut harness, &link("at-once.bin"));
    run_to_end(&mut harness);
    assert_eq!(
        std::fs::read(dir.path().join("at-once.bin")).unwrap(),
        body_for("at-once.bin", 2000)
    );
    assert!(!dir.path().join("waits.bin").exists());
    // During a run, a link handed over joins it.
    start_slow_run(&mut harness, &server, 1);
    wait_until_running(&mut harness);
    hand(&mut harness, &link("joins.bin"));
    let joined = dir.path().join("joins.bin");
    step_until(&mut harness, "the handed link is downloaded", |_| {
        std::fs::read(&joined).is_ok_and(|bytes| bytes == body_for("joins.bin", 2000))
    });
    assert!(harness.state().is_running(), "in the run that was going on");
    let rows = &harness.state().view.as_ref().unwrap().rows;
    assert_eq!(
        rows.len(),
        3,
        "the first link's row, the slow one's and the joined one's"
    );
}

#[test]
fn links_from_two_pages_and_a_pasted_one_each_carry_their_own_page_as_referer() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    let (page_a, page_b) = ("https://a.example/album/", "https://b.example/docs/");
    let from = |page: &str, paths: &[&str]| Handoff {
        links: paths
            .iter()
            .map(|path| Link {
                url: server.url(&format!("{path}?size=2000")),
                ..Link::default()
            })
            .collect(),
        page: Some(page.to_owned()),
        ..Handoff::default()
    };
    hand(&mut harness, &from(page_a, &["a1.bin", "a2.bin"]));
    hand(&mut harness, &from(page_b, &["b1.bin"]));
    paste_links(
        &mut harness,
        &format!("\n{}\n", server.url("pasted.bin?size=2000")),
    );
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    let mut asked: Vec<(String, Option<String>)> = server
        .heads()
        .iter()
        .map(|head| {
            let path = head.split(['/', '?']).nth(1).unwrap_or_default().to_owned();
            let referer = head
                .lines()
                .find_map(|l| l.strip_prefix("referer: ").map(|r| r.trim().to_owned()));
            (path, referer)
        })
        .collect();
    asked.sort();
    let page = |p: &str| Some(p.to_owned());
    assert_eq!(
        asked,
        [
            ("a1.bin".to_owned(), page(page_a)),
            ("a2.bin".to_owned(), page(page_a)),
            ("b1.bin".to_owned(), page(page_b)),
            ("pasted.bin".to_owned(), None),
        ]
    );
    // Nothing of the pages stays for the runs that follow as the Network section's Referer.
    assert!(harness.state().settings.run.referer.is_none());
}

#[test]
fn a_retried_link_is_asked_for_again_with_its_page_as_referer() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    let page = "https://a.example/album/";
    let link = server.url("flaky.bin?size=2000&fail_first=1");
    hand(
        &mut harness,
        &Handoff {
            links: vec![Link {
                url: link.clone(),
                ..Link::default()
            }],
            page: Some(page.to_owned()),
            ..Handoff::default()
        },
    );
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    assert_eq!(
        status_of(&harness, 1),
        Some(RowStatus::Ended(OutcomeKind::Failed))
    );
    harness.get_by_label("Retry row 1").click();
    harness.step();
    run_to_end(&mut harness);
    assert_eq!(
        std::fs::read(dir.path().join("flaky.bin")).unwrap(),
        body_for("flaky.bin", 2000)
    );
    let heads = server.heads();
    assert_eq!(heads.len(), 2, "{heads:?}");
    for head in &heads {
        assert!(head.contains(&format!("referer: {page}")), "{head}");
    }
}
