//! The main window's layout as a newcomer meets it, at 800×600 in English and Chinese: one
//! obvious next step, the settings in two layers, a missing folder created, notices in one
//! reserved place, row buttons that stay where they are, and rows that say what a person
//! wants to know.

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
