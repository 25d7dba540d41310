//! When everything is done: sleep or shut down after a notice the person can cancel, never
//! after a run they cancelled; the computer kept awake while a run goes. The commands are a
//! stand-in's: these tests never act on the computer they run on.

use std::sync::{Arc, Mutex};

use egui_kittest::kittest::Queryable;

use super::*;
use crate::gui::when_done::{Countdown, KeepAwake, Power, PowerAction, WhenDone};

/// Records what it was asked to do, and how many guards are held.
#[derive(Default)]
struct Recorder {
    acts: Mutex<Vec<PowerAction>>,
    awake: Arc<Mutex<usize>>,
}

/// Counts itself out of the recorder when dropped.
struct Held(Arc<Mutex<usize>>);

impl Drop for Held {
    fn drop(&mut self) {
        *self.0.lock().unwrap() -= 1;
    }
}

impl Power for Recorder {
    fn act(&self, action: PowerAction) -> Result<(), String> {
        self.acts.lock().unwrap().push(action);
        Err("Interactive authentication required.".to_owned())
    }

    fn keep_awake(&self) -> Option<KeepAwake> {
        *self.awake.lock().unwrap() += 1;
        Some(KeepAwake::new(Held(Arc::clone(&self.awake))))
    }
}

/// A window that does `when_done` at the end of a run of `count` slow links, with a recorder.
fn window(
    server: &TestServer,
    when_done: WhenDone,
) -> (Harness<'static, DownpourApp>, Arc<Recorder>) {
    let dir = tempfile::tempdir().unwrap().keep();
    let mut app = DownpourApp::new(settings_for(&dir));
    app.settings.when_done = when_done;
    let recorder = Arc::new(Recorder::default());
    app.power = recorder.clone();
    let data = tempfile::tempdir().unwrap().keep();
    let mut harness = harness_with(app.with_data_dir(Some(data)), [800.0, 600.0]);
    harness.run_steps(2);
    let links: String = (0..2)
        .map(|i| format!("{}\n", server.url(&format!("f{i}.bin?size=2000"))))
        .collect();
    paste_links(&mut harness, &links);
    (harness, recorder)
}

/// Runs the countdown to its end without waiting a minute.
fn skip_to_the_end(harness: &mut Harness<'_, DownpourApp>) {
    let countdown = harness.state_mut().countdown.as_mut().unwrap();
    countdown.deadline = std::time::Instant::now();
    harness.run_steps(2);
}

#[test]
fn sleep_comes_after_a_notice_and_the_computer_stays_awake_during_the_run() {
    let server = TestServer::start();
    let (mut harness, recorder) = window(&server, WhenDone::Sleep);
    harness.get_by_label("Start").click();
    wait_until_running(&mut harness);
    assert_eq!(
        *recorder.awake.lock().unwrap(),
        1,
        "kept awake during the run"
    );
    run_to_end(&mut harness);
    harness.run_steps(2);
    assert_eq!(*recorder.awake.lock().unwrap(), 0, "free to sleep after it");
    // The notice, counting from 60 seconds; nothing done yet.
    let countdown: Countdown = harness.state().countdown.unwrap();
    assert_eq!(countdown.action, PowerAction::Sleep);
    harness.get_by_label_contains("The computer goes to sleep in 60 seconds.");
    harness.get_by_label("Sleep now");
    assert!(recorder.acts.lock().unwrap().is_empty());
    skip_to_the_end(&mut harness);
    step_until(&mut harness, "the answer of the sleep command", |h| {
        h.state().notice.is_some()
    });
    assert_eq!(*recorder.acts.lock().unwrap(), [PowerAction::Sleep]);
    assert!(harness.state().countdown.is_none());
    // The system's refusal is shown, not swallowed.
    harness.get_by_label_contains(
        "The computer could not be put to sleep: Interactive authentication required.",
    );
}

#[test]
fn cancel_in_the_notice_keeps_the_computer_on_in_english_and_chinese() {
    let server = TestServer::start();
    let (mut harness, recorder) = window(&server, WhenDone::ShutDown);
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    harness.run_steps(2);
    harness.get_by_label_contains("The computer shuts down in 60 seconds.");
    harness.get_by_label("Don't shut down");
    let fonts = crate::gui::fonts::font_definitions(&crate::gui::fonts::find_fallback_fonts());
    harness.ctx.set_fonts(fonts);
    harness.run_steps(2);
    harness.state_mut().settings.language = Some(Lang::Zh);
    harness.run_steps(2);
    harness.get_by_label_contains("电脑将在 60 秒后关机");
    harness.get_by_label("立即关机");
    harness.get_by_label("不要关机").click();
    harness.run_steps(2);
    assert!(harness.state().countdown.is_none());
    assert!(harness.query_by_label("立即关机").is_none());
    assert!(recorder.acts.lock().unwrap().is_empty());
}

#[test]
fn a_run_the_person_cancelled_never_ends_in_shut_down() {
    let server = TestServer::start();
    let (mut harness, recorder) = window(&server, WhenDone::ShutDown);
    harness.state_mut().settings.url_text.clear();
    harness.state_mut().reparse();
    start_slow_run(&mut harness, &server, 2);
    harness.step();
    wait_until_running(&mut harness);
    harness.get_by_label("Cancel").click();
    run_to_end(&mut harness);
    harness.run_steps(2);
    assert!(harness.state().view.as_ref().unwrap().cancelled > 0);
    assert!(harness.state().countdown.is_none());
    assert!(recorder.acts.lock().unwrap().is_empty());
}

#[test]
fn an_old_open_the_folder_switch_reads_as_its_choice() {
    use eframe::Storage;
    let mut storage = super::window::MemoryStorage::default();
    storage.set_string(eframe::APP_KEY, "(open_when_done: true)".into());
    let app = DownpourApp::from_storage(Some(&storage));
    assert_eq!(app.settings.when_done, WhenDone::OpenFolder);
    assert!(!app.settings.open_when_done);
    // The choice itself is kept, and the old switch is not written again.
    let mut app = app;
    app.settings.when_done = WhenDone::ShutDown;
    let mut storage = super::window::MemoryStorage::default();
    eframe::App::save(&mut app, &mut storage);
    let saved = storage.get_string(eframe::APP_KEY).unwrap();
    assert!(!saved.contains("open_when_done"), "{saved}");
    let restored = DownpourApp::from_storage(Some(&storage));
    assert_eq!(restored.settings.when_done, WhenDone::ShutDown);
}
