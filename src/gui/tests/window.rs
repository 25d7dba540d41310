//! What the window shows and keeps: the links box's counts and problems, the Chinese
//! interface and its error sentences, settings across a restart, 10,000 rows, and names
//! for screen readers.

use super::*;
use downpour::options::RunSettings;

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
fn chinese_interface_is_one_click_away() {
    // Needs a CJK font on the system (CI installs fonts-wqy-microhei); egui has none built in.
    let fonts = crate::gui::fonts::font_definitions(&crate::gui::fonts::find_fallback_fonts());
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
    let fonts = crate::gui::fonts::font_definitions(&crate::gui::fonts::find_fallback_fonts());
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
pub(super) struct MemoryStorage(std::collections::HashMap<String, String>);

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
        run: RunSettings {
            mode: Mode::Map,
            workers: 12,
            retries: 5,
            checksums: false,
            ..RunSettings::default()
        },
        url_text: "https://example.com/x\n".into(),
        folder: "/data/downloads".into(),
        language: Some(Lang::Zh),
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
    assert_eq!(restored.settings.run.workers, 3);
    assert_eq!(restored.settings.run.mode, Mode::Submit);
    assert!(
        restored.settings.run.checksums,
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
    app.view = Some(crate::gui::model::RunView::new(
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
        let mut output = ctx.run_ui(input(), |ui| app.window_ui(ui));
        // No renderer takes the font textures here (a debug build checks they were taken).
        output.textures_delta.clear();
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

/// The widgets of the last frame that nothing names for screen readers (layout containers
/// and the runs of text inside text fields aside).
pub(super) fn unnamed_widgets(harness: &Harness<'_, DownpourApp>) -> Vec<String> {
    use egui_kittest::kittest::NodeT;
    harness
        .query_all_by(|n| {
            !matches!(
                n.role(),
                // A scroll bar is known by its role (ARIA asks no name of one), and egui
                // gives no way to name it.
                egui::Role::GenericContainer
                    | egui::Role::Pane
                    | egui::Role::TextRun
                    | egui::Role::ScrollBar
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

#[test]
fn duplicates_are_counted_under_the_links_and_dropped_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    paste_links(
        &mut harness,
        "https://x.example/a.zip\nhttps://x.example/b.zip\nhttps://x.example/a.zip\u{200b}\n\
         https://x.example/a.zip\nhttps://x.example/c.zip\n",
    );
    harness.get_by_label("5 URLs ready");
    harness.get_by_label("2 duplicates");
    harness.get_by_label("Drop duplicates").click();
    harness.run_steps(2);
    harness.get_by_label("3 URLs ready");
    assert!(harness.query_by_label("2 duplicates").is_none());
    assert_eq!(
        harness.state().settings.url_text,
        "https://x.example/a.zip\nhttps://x.example/b.zip\nhttps://x.example/c.zip\n"
    );
}

#[test]
fn a_line_of_numbered_ranges_is_shown_as_what_it_becomes() {
    let fonts = crate::gui::fonts::font_definitions(&crate::gui::fonts::find_fallback_fonts());
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    // The arrow is drawn from the system's fonts, as in the window.
    harness.ctx.set_fonts(fonts);
    paste_links(
        &mut harness,
        "https://x.example/gallery/photo[001-120].jpg\nhttp://[::1]:8080/x\n\
         https://x.example/[1-100]/[1-101].png\n",
    );
    harness.get_by_label("121 URLs ready · 1 line not understood");
    harness.get_by_label("photo[001-120].jpg → 120 links: photo001.jpg … photo120.jpg");
    harness
        .get_by_label("line 3: this line would make 10100 links; one line may make at most 10000");
    assert_eq!(
        Lang::Zh.ranged(&harness.state().list.ranged[0]),
        "photo[001-120].jpg → 120 个链接：photo001.jpg … photo120.jpg"
    );
}

#[test]
fn numbered_ranges_can_be_switched_off_and_the_links_are_read_again() {
    let mut harness = harness(Settings::default());
    // The arrow of "→ 3 links" is drawn from the system's fonts, as in the window.
    let fonts = crate::gui::fonts::font_definitions(&crate::gui::fonts::find_fallback_fonts());
    harness.ctx.set_fonts(fonts);
    harness.state_mut().settings.url_text = "https://x.example/photo[1-3].png\n".into();
    harness.state_mut().reparse();
    harness.run_steps(2);
    assert_eq!(harness.state().list.entries.len(), 3);
    open_advanced(&mut harness);
    harness.run_steps(2);
    click_in_view(
        &mut harness,
        "Expand numbered ranges like photo[001-120].jpg",
    );
    harness.run_steps(2);
    assert!(!harness.state().settings.run.ranges);
    let entries = &harness.state().list.entries;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].url.path(), "/photo[1-3].png");
}

#[cfg(unix)]
#[test]
fn links_handed_over_by_a_second_start_land_in_the_links_box() {
    use crate::handoff::socket::{self, Answer, Claim};
    use crate::handoff::{Handoff, Link};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("window.sock");
    let mut harness = harness(Settings::default());
    paste_links(&mut harness, "https://example.com/mine.zip");
    let Claim::First(window) = socket::claim(&path, &Handoff::default()) else {
        panic!("no window listens yet");
    };
    let ctx = harness.ctx.clone();
    let wake = move || ctx.request_repaint();
    crate::gui::listen_for_handoffs(window.listener, wake, harness.state().messages());
    let sent = Handoff {
        links: vec![
            Link {
                url: "https://example.com/a.zip".into(),
                ..Link::default()
            },
            Link {
                url: "https://example.com/b.zip".into(),
                ..Link::default()
            },
        ],
        ..Handoff::default()
    };
    // A refused message adds nothing; the window's answer says why.
    let mut bad = sent.clone();
    bad.links[1].url = "file:///etc/passwd".into();
    let Answer::Refused(why) = socket::send(&path, &bad).unwrap() else {
        panic!("a file: link must be refused");
    };
    assert!(why.contains("not a web address"), "{why}");
    assert_eq!(socket::send(&path, &sent).unwrap(), Answer::Added(2));
    harness.run();
    assert_eq!(
        harness.state().settings.url_text,
        "https://example.com/mine.zip\nhttps://example.com/a.zip\nhttps://example.com/b.zip\n"
    );
    harness.get_by_label("3 URLs ready");
}

#[cfg(not(any(windows, target_os = "macos")))]
#[test]
fn the_browsers_found_are_set_up_from_the_window() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join(".config");
    std::fs::create_dir_all(config.join("microsoft-edge")).unwrap();
    let mut harness = harness(Settings::default());
    harness.state_mut().browser_places = crate::handoff::install::places(home.path(), &config);
    harness.get_by_label("About").click();
    harness.run();
    harness.get_by_label("Let browsers send links here").click();
    for _ in 0..100 {
        harness.run();
        if harness.state().notice.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    harness.get_by_label_contains("These browsers can now send links to Downpour: Microsoft Edge.");
    let manifest = config.join("microsoft-edge/NativeMessagingHosts/app.downpour.host.json");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(manifest).unwrap()).unwrap();
    assert_eq!(
        json["path"],
        std::env::current_exe().unwrap().to_str().unwrap()
    );
    assert!(!config.join("google-chrome").exists());
    // With no browser at all, the window says so.
    harness.state_mut().browser_places.clear();
    harness.state_mut().notice = None;
    harness.run();
    harness.get_by_label("Let browsers send links here").click();
    for _ in 0..100 {
        harness.run();
        if harness.state().notice.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        harness.state().notice,
        Some(crate::gui::Notice::BrowsersSetUp(Vec::new()))
    );
    harness.get_by_label_contains(
        "No browser was found for your user (Chrome, Chromium, Edge, Brave or Firefox).",
    );
}

#[test]
fn a_run_sends_what_the_browser_handed_over_with_its_links() {
    use crate::handoff::{Cookie, Handoff, Link};
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    let page = "https://gallery.example/album";
    let guarded = server.url(&format!(
        "guarded.bin?size=4000&need_cookie=sid=from-browser&need_referer={page}&need_browser=1"
    ));
    let handoff = Handoff {
        links: vec![Link {
            url: guarded.clone(),
            ..Link::default()
        }],
        page: Some(page.to_owned()),
        user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0".to_owned()),
        cookies: vec![Cookie {
            domain: "127.0.0.1".to_owned(),
            name: "sid".to_owned(),
            value: "from-browser".to_owned(),
            ..Cookie::default()
        }],
        ..Handoff::default()
    };
    harness
        .state()
        .messages()
        .send(crate::gui::UiMessage::Handed(handoff))
        .unwrap();
    harness.run();
    assert_eq!(harness.state().settings.url_text, format!("{guarded}\n"));
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    // The server gives the file only with the cookie, the page and a browser's User-Agent.
    assert_eq!(
        std::fs::read(dir.path().join("guarded.bin")).unwrap(),
        body_for("guarded.bin", 4000)
    );
    let heads = server.heads();
    assert_eq!(heads.len(), 1, "one request: {heads:?}");
    assert!(heads[0].contains("user-agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0"));
    // Never saved: the run settings stay the person's own (the value is in the link itself,
    // as the test server asks for it there).
    let saved = serde_json::to_string(&harness.state().settings.run).unwrap();
    assert!(!saved.contains("from-browser"), "{saved}");
    assert!(harness.state().settings.run.referer.is_none());
}

/// Not a pass/fail test: `cargo test --release --bin downpour -- --ignored --nocapture
/// click_latency` prints how long the window takes to show the effect of each click (the
/// frames drawn from the click until the change is on screen) during a run of 5,000 links
/// against the in-process server.
#[test]
#[ignore = "measurement; run on demand"]
fn click_latency_with_five_thousand_links() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings_for(dir.path());
    settings.run.workers = 16;
    settings.url_text = (1..=5_000)
        .map(|i| server.url(&format!("f{i}.bin?size=200000&drip=20\n")))
        .collect();
    let mut harness = harness_with(DownpourApp::new(settings), [1280.0, 900.0]);
    harness.run_steps(2);
    harness.get_by_label("Start").click();
    wait_until_running(&mut harness);
    wait_for_row_bytes(&mut harness, 1, 1);
    let downloading = |h: &Harness<'_, DownpourApp>, want: RowStatus| {
        h.state()
            .view
            .as_ref()
            .is_some_and(|v| v.rows.iter().take(16).any(|r| r.status == want))
    };
    let mut worst = Duration::ZERO;
    let mut click = |harness: &mut Harness<'_, DownpourApp>,
                     label: &str,
                     shown: &dyn Fn(&Harness<'_, DownpourApp>) -> bool| {
        let started = Instant::now();
        harness.get_by_label(label).click();
        harness.step();
        step_until(harness, label, shown);
        let took = started.elapsed();
        worst = worst.max(took);
        println!("{label}: {took:?}");
    };
    for _ in 0..3 {
        click(&mut harness, "Pause all", &|h| {
            downloading(h, RowStatus::Paused)
        });
        click(&mut harness, "Resume all", &|h| {
            downloading(h, RowStatus::Downloading)
        });
        click(&mut harness, "Charts", &|_| true);
        click(&mut harness, "Results", &|_| true);
        click(&mut harness, "Downloads", &|_| true);
    }
    println!("slowest click to its effect with 5,000 links: {worst:?}");
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
}
