//! The run comparison keeps this session's runs across a restart, named as the window names
//! their modes, a cancelled run marked as such.

use egui_kittest::kittest::Queryable;

use super::window::MemoryStorage;
use super::*;
use crate::gui::charts::sample_runs::{finished_view, history, submit_records};

#[test]
fn the_runs_of_the_comparison_survive_a_restart_cancelled_ones_marked() {
    use eframe::App;
    let mut app = DownpourApp::new(Settings::default());
    app.history = history();
    // The sample submit run had its last file cancelled.
    assert!(app.history[2].was_cancelled());
    let mut storage = MemoryStorage::default();
    app.save(&mut storage);
    let mut restored = DownpourApp::from_storage(Some(&storage));
    assert_eq!(restored.history, app.history);
    // Shown as runs of the window's modes in the restored window's chart.
    restored.view = Some(finished_view(Mode::Submit, 4, &submit_records()));
    restored.tab = Tab::Charts;
    let mut harness = harness_with(restored, [1280.0, 900.0]);
    harness.run();
    let t = Lang::En.t();
    harness.get_by_label(t.legend_cancelled_run);
    // A window saved before runs were kept starts with none.
    let fresh = DownpourApp::from_storage(Some(&MemoryStorage::default()));
    assert!(fresh.history.is_empty());
}

#[test]
fn only_the_latest_runs_are_kept() {
    use eframe::App;
    let mut app = DownpourApp::new(Settings::default());
    app.history = (0..30).flat_map(|_| history()).collect();
    let last = app.history.last().cloned();
    let mut storage = MemoryStorage::default();
    app.save(&mut storage);
    let restored = DownpourApp::from_storage(Some(&storage));
    assert_eq!(restored.history.len(), 20);
    assert_eq!(restored.history.last().cloned(), last);
}
