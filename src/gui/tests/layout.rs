//! The main window's layout as a newcomer meets it, at 800×600 in English and Chinese: one
//! obvious next step, the settings in two layers, a missing folder created, notices in one
//! reserved place, row buttons that stay where they are, and rows that say what a person
//! wants to know.

use egui_kittest::kittest::NodeT;

use super::*;

/// The words these tests look for, in one language.
struct Words {
    lang: Lang,
    start: &'static str,
    cancel: &'static str,
    advanced: &'static str,
    workers: &'static str,
    speed_limit: &'static str,
    in_order_explained: &'static str,
}

const EN: Words = Words {
    lang: Lang::En,
    start: "Start",
    cancel: "Cancel",
    advanced: "Advanced",
    workers: "Workers",
    speed_limit: "Speed limit",
    in_order_explained: "but results come 1, 2, 3… in list order",
};

const ZH: Words = Words {
    lang: Lang::Zh,
    start: "开始",
    cancel: "取消",
    advanced: "高级设置",
    workers: "线程数",
    speed_limit: "限速",
    in_order_explained: "但结果按列表顺序 1、2、3… 出现",
};

/// A window of 800×600 in `lang` with `settings`, its list kept in a folder of its own.
fn small_window(settings: Settings, lang: Lang) -> Harness<'static, DownpourApp> {
    let data = tempfile::tempdir().unwrap().keep();
    let mut harness = harness_with(
        DownpourApp::new(settings).with_data_dir(Some(data)),
        [800.0, 600.0],
    );
    harness.state_mut().settings.language = Some(lang);
    let fonts = crate::gui::fonts::font_definitions(&crate::gui::fonts::find_fallback_fonts());
    harness.ctx.set_fonts(fonts);
    harness.run_steps(3);
    harness
}

#[test]
fn start_is_the_one_obvious_step_and_cancel_a_secondary_one() {
    for words in [EN, ZH] {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = settings_for(dir.path());
        settings.url_text = "http://127.0.0.1:9/a.bin".into();
        let harness = small_window(settings, words.lang);
        let start = harness.get_by_label(words.start).rect();
        let cancel = harness.get_by_label(words.cancel).rect();
        assert!(
            start.height() >= cancel.height() + 8.0 && start.width() > cancel.width(),
            "{}: Start {start:?} stands out from Cancel {cancel:?}",
            words.start
        );
        assert!(start.max.y <= 600.0 && start.max.x <= 800.0, "{start:?}");
    }
}

#[test]
fn the_first_screen_shows_links_folder_and_mode_and_advanced_keeps_the_rest() {
    for words in [EN, ZH] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = small_window(settings_for(dir.path()), words.lang);
        // The mode says what the person will see, in the panel itself.
        harness.get_by_label_contains(words.in_order_explained);
        assert!(harness.query_by_label(words.workers).is_none());
        assert!(harness.query_by_label(words.speed_limit).is_none());
        click_in_view(&mut harness, words.advanced);
        assert!(harness.state().settings.advanced_open);
        assert!(harness.query_all_by_label(words.workers).count() > 0);
        assert!(harness.query_all_by_label(words.speed_limit).count() > 0);

        // As the person left it, after a restart.
        let kept = harness.state().settings.clone();
        let harness = small_window(kept, words.lang);
        assert!(harness.query_all_by_label(words.workers).count() > 0);

        // And closed again with one more click.
        let mut harness = harness;
        click_in_view(&mut harness, words.advanced);
        assert!(harness.query_by_label(words.workers).is_none());
        assert!(!harness.state().settings.advanced_open);
    }
}

#[test]
fn a_missing_folder_the_person_typed_is_created_by_start_and_the_notice_says_so() {
    let server = TestServer::start();
    for (words, said) in [
        (EN, "did not exist: Downpour created it for your files"),
        (ZH, "原本不存在：Downpour 已为您的文件新建了它"),
    ] {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("new folder").join("inside");
        let mut settings = settings_for(&folder);
        settings.url_text = server.url("a.bin?size=10");
        let mut harness = small_window(settings, words.lang);
        harness.get_by_label(words.start).click();
        run_to_end(&mut harness);
        assert_eq!(
            std::fs::read(folder.join("a.bin")).unwrap(),
            body_for("a.bin", 10)
        );
        assert!(harness.state().folder_problem.is_none());
        let notice = harness.get_by_label_contains(said).rect();
        assert!(notice.max.y <= 600.0, "{notice:?}");
    }
}

/// The left edges of row `index`'s buttons, in order, and which of them can be pressed.
fn row_buttons(harness: &Harness<'_, DownpourApp>, index: usize) -> Vec<(f32, bool)> {
    let suffix = format!(" row {index}");
    let mut buttons: Vec<(f32, bool)> = harness
        .query_all_by(|n| {
            n.role() == egui::accesskit::Role::Button
                && n.label().is_some_and(|l| l.ends_with(&suffix))
        })
        .map(|n| (n.rect().min.x, !n.accesskit_node().is_disabled()))
        .collect();
    buttons.sort_by(|a, b| a.0.total_cmp(&b.0));
    buttons
}

#[test]
fn each_rows_buttons_keep_their_places_whatever_its_state() {
    let mut harness = harness_with(
        super::small_screen::app_with_every_kind_of_row(),
        [800.0, 600.0],
    );
    harness.run_steps(3);
    let first: Vec<f32> = row_buttons(&harness, 1).iter().map(|b| b.0).collect();
    assert_eq!(first.len(), 6, "six places: {first:?}");
    for index in 1..=8 {
        let buttons = row_buttons(&harness, index);
        let places: Vec<f32> = buttons.iter().map(|b| b.0).collect();
        assert_eq!(places, first, "row {index}");
    }
    // A waiting row cannot be retried; a failed one cannot be paused: greyed out in place.
    let pressable = |h: &Harness<'_, DownpourApp>, label: &str| {
        !h.get_by_label(label).accesskit_node().is_disabled()
    };
    assert!(!pressable(&harness, "Retry row 1"));
    assert!(pressable(&harness, "Pause row 1"));
    assert!(pressable(&harness, "Retry row 5"));
    assert!(!pressable(&harness, "Pause row 5"));
    assert!(pressable(&harness, "Resume row 3"));
    // Pressing a greyed-out button does nothing.
    harness.get_by_label("Retry row 1").click();
    harness.run_steps(3);
    assert!(!harness.state().is_checking_folder() && !harness.state().is_running());
}

#[test]
fn notices_come_in_one_reserved_place_and_move_no_control() {
    for words in [EN, ZH] {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = settings_for(dir.path());
        settings.url_text = "http://127.0.0.1:9/a.bin".into();
        let mut harness = small_window(settings, words.lang);
        let places = |h: &Harness<'_, DownpourApp>| -> Vec<(String, egui::Rect)> {
            h.query_all_by(|n| n.role() != egui::accesskit::Role::Label)
                .filter_map(|n| Some((n.accesskit_node().label()?, n.rect())))
                .filter(|(l, _)| !l.is_empty())
                .collect()
        };
        let before = places(&harness);
        let folder = dir.path().join("file.txt");
        harness.state_mut().folder_problem = Some(crate::gui::FolderProblem::NotAFolder(folder));
        harness.state_mut().notice = Some(crate::gui::Notice::NoNewLinks);
        harness.run_steps(3);
        assert_eq!(places(&harness), before, "{}", words.start);
        // The sentence is right under Start, inside the window.
        let sentence = harness
            .state()
            .lang()
            .folder_problem(harness.state().folder_problem.as_ref().unwrap());
        let said = harness.get_by_label(&sentence).rect();
        let start = harness.get_by_label(words.start).rect();
        assert!(
            said.min.y >= start.max.y && said.min.y - start.max.y < 40.0,
            "{said:?}"
        );
        assert!(said.max.y <= 600.0, "{said:?}");
    }
}

/// Cancels the run and waits for its end.
fn cancel_run(harness: &mut Harness<'_, DownpourApp>) {
    harness.state_mut().cancel();
    run_to_end(harness);
}

#[test]
fn a_running_row_tells_its_speed_time_left_and_how_much_has_come() {
    let server = TestServer::start();
    let total = downpour::format::bytes(3_000_000);
    for (words, of, left) in [
        (EN, format!(" of {total}"), " left"),
        (ZH, format!(" / {total}"), "剩余 "),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = settings_for(dir.path());
        settings.url_text = server.url("big.bin?size=3000000&drip=5");
        let mut harness = small_window(settings, words.lang);
        harness.get_by_label(words.start).click();
        harness.step();
        wait_until_running(&mut harness);
        step_until(&mut harness, "the file's speed is measured", |h| {
            let row = h.state().view.as_ref().and_then(|v| v.row(1));
            row.is_some_and(|r| r.current_speed() > 0.0 && r.bytes < 2_000_000)
        });
        harness.run_steps(2);
        // At 800×600 the progress bar is still there; the rest is one click away.
        let lang = words.lang;
        harness.get_by_label(&lang.progress_of("big.bin"));
        assert!(harness.query_all_by_label_contains(&of).count() == 0);
        harness.get_by_label(&lang.row_name(1, "big.bin")).click();
        harness.run_steps(2);
        // Under the list: how much of how much, the speed and the time left (the window's
        // header has the run's own speed and time left).
        harness.get_by_label_contains(&of);
        assert!(harness.query_all_by_label_contains(left).count() >= 2);
        assert!(harness.query_all_by_label_contains("/s").count() >= 2);
        cancel_run(&mut harness);
    }
    // In a wide window they are columns of the row itself.
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    paste_links(&mut harness, &server.url("wide.bin?size=3000000&drip=5"));
    harness.get_by_label("Start").click();
    harness.step();
    step_until(&mut harness, "the file's speed is measured", |h| {
        let row = h.state().view.as_ref().and_then(|v| v.row(1));
        row.is_some_and(|r| r.current_speed() > 0.0 && r.bytes < 2_000_000)
    });
    harness.run_steps(2);
    harness.get_by_label_contains(&format!(" of {total}"));
    assert!(harness.query_all_by_label_contains(" left").count() >= 2);
    assert!(harness.query_all_by_label_contains("/s").count() >= 2);
    cancel_run(&mut harness);
}

#[test]
fn a_failed_rows_whole_sentence_is_one_click_away() {
    let server = TestServer::start();
    for words in [EN, ZH] {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = settings_for(dir.path());
        settings.url_text = server.url("gone-with-a-long-name.bin?status=404");
        let mut harness = small_window(settings, words.lang);
        harness.get_by_label(words.start).click();
        run_to_end(&mut harness);
        let row = harness.state().view.as_ref().unwrap().rows[0].clone();
        assert_eq!(row.status, RowStatus::Ended(OutcomeKind::Failed));
        let sentence = crate::gui::table::status_text(&row, words.lang);
        let shown = |h: &Harness<'_, DownpourApp>| h.query_all_by_label(&sentence).count();
        let before = shown(&harness);
        harness
            .get_by_label(&words.lang.row_name(1, &row.name))
            .click();
        harness.run_steps(2);
        assert_eq!(shown(&harness), before + 1, "{sentence}");
        // Inside the window, wrapped rather than cut.
        let whole = harness
            .query_all_by_label(&sentence)
            .map(|n| n.rect())
            .next_back()
            .unwrap();
        assert!(whole.max.x <= 800.0 && whole.max.y <= 600.0, "{whole:?}");
    }
}

#[test]
fn the_title_counts_bytes_not_files() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    let links = [
        server.url("small.bin?size=10"),
        server.url("large.bin?size=3000000&drip=5"),
    ];
    paste_links(&mut harness, &links.join("\n"));
    harness.get_by_label("Start").click();
    harness.step();
    step_until(
        &mut harness,
        "the small file is done, the large one begun",
        |h| {
            let Some(view) = h.state().view.as_ref() else {
                return false;
            };
            let large = view.row(2).unwrap();
            view.done == 1 && large.total.is_some() && large.bytes > 0 && large.bytes < 1_000_000
        },
    );
    // One file of two is 50 %; ten bytes and a third of 3 MB are not.
    let title = harness.state().window_title();
    let percent: u32 = title
        .trim_start_matches("Downpour — ")
        .trim_end_matches('%')
        .parse()
        .unwrap();
    assert!(percent < 34, "{title}");
    cancel_run(&mut harness);
}

#[test]
fn the_first_failure_moves_no_button_and_no_row() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings_for(dir.path());
    settings.url_text = [
        server.url("slow.bin?size=3000000&drip=5"),
        server.url("late.bin?delay=1500&status=404"),
    ]
    .join("\n");
    let mut harness = small_window(settings, Lang::En);
    harness.get_by_label("Start").click();
    harness.step();
    wait_for_row_bytes(&mut harness, 1, 1);
    harness.run_steps(2);
    let watched = [
        "Cancel",
        "Pause all",
        "Row 1: slow.bin",
        "Progress of slow.bin",
    ];
    let places = |h: &Harness<'_, DownpourApp>| -> Vec<egui::Rect> {
        watched.iter().map(|l| h.get_by_label(l).rect()).collect()
    };
    let before = places(&harness);
    assert_eq!(harness.state().view.as_ref().unwrap().failed, 0);
    step_until(&mut harness, "the second file fails", |h| {
        h.state().view.as_ref().is_some_and(|v| v.failed == 1)
    });
    harness.run_steps(2);
    assert!(harness.state().is_running());
    for (now, was) in places(&harness).iter().zip(&before) {
        assert!((now.min - was.min).length() < 0.5, "{now:?} was {was:?}");
    }
    cancel_run(&mut harness);
}

#[test]
fn a_long_paste_with_notes_moves_nothing_under_the_links_box() {
    for (lang, links, folder) in [
        (Lang::En, "Links", "Save folder"),
        (Lang::Zh, "链接", "保存文件夹"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = small_window(settings_for(dir.path()), lang);
        let watched = |h: &Harness<'_, DownpourApp>| h.get_by_label(folder).rect();
        let before = watched(&harness);
        // Forty links, a numbered range, two lines that are not links and a duplicate: every
        // kind of note the box gives.
        let mut text: String = (1..=40)
            .map(|i| format!("http://127.0.0.1:9/file-{i}.bin\n"))
            .collect();
        text.push_str("http://127.0.0.1:9/photo[001-120].jpg\nnot a link\nftp://x/y\n");
        text.push_str("http://127.0.0.1:9/file-1.bin\n");
        harness.get_by_label(links).click();
        harness.run_steps(2);
        harness.get_by_label(links).type_text(&text);
        harness.run_steps(3);
        let list = &harness.state().list;
        assert!(!list.ranged.is_empty() && !list.rejected.is_empty() && list.duplicates > 0);
        let after = watched(&harness);
        assert!(
            (after.min - before.min).length() < 0.5,
            "{lang:?}: {after:?} was {before:?}"
        );
    }
}
