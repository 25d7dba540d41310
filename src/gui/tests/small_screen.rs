//! The window on a small screen (800×600 and 1024×768): every button, switch, field, slider
//! and tab of each tab can be brought into view — scrolled to if it sits in a scrolling
//! panel — and then lies wholly inside the window, under no other control (not behind the
//! pinned Start and Cancel, say).

use egui_kittest::kittest::NodeT;

use super::*;
use crate::gui::model::{Row, RunView};

/// The roles a person clicks, types into or drags.
fn is_control(role: egui::Role) -> bool {
    matches!(
        role,
        egui::Role::Button
            | egui::Role::CheckBox
            | egui::Role::RadioButton
            | egui::Role::TextInput
            | egui::Role::MultilineTextInput
            | egui::Role::Slider
            | egui::Role::SpinButton
            | egui::Role::ComboBox
            | egui::Role::Tab
    )
}

/// The labels and rectangles of the controls of the last frame.
fn controls(harness: &Harness<'_, DownpourApp>) -> Vec<(String, egui::Rect)> {
    harness
        .query_all_by(|n| is_control(n.role()))
        .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
        .collect()
}

/// A list with a row in each state, as restored from last time: every row action shows.
pub(super) fn app_with_every_kind_of_row() -> DownpourApp {
    let links: String = (1..=8)
        .map(|i| format!("https://example.invalid/a-rather-long-file-name-{i}.bin\n"))
        .collect();
    let mut app = DownpourApp::new(Settings::default());
    app.settings.url_text = links;
    app.reparse();
    let jobs: Vec<downpour::Job> = app.list.entries.iter().map(downpour::Job::from).collect();
    let statuses = [
        RowStatus::Queued,
        RowStatus::Queued,
        RowStatus::Paused,
        RowStatus::Ended(OutcomeKind::Done),
        RowStatus::Ended(OutcomeKind::Failed),
        RowStatus::Ended(OutcomeKind::Cancelled),
        RowStatus::Ended(OutcomeKind::Skipped),
        RowStatus::Queued,
    ];
    let rows: Vec<Row> = jobs
        .iter()
        .zip(statuses)
        .map(|(job, status)| {
            let mut row = Row::new(job);
            row.status = status;
            row.total = Some(1_000_000);
            row.bytes = 400_000;
            if !row.is_active() {
                row.path = Some(format!("/tmp/{}", row.name).into());
            }
            row
        })
        .collect();
    app.view = Some(RunView::restored(Mode::Submit, 4, rows));
    app.restored = true;
    app
}

/// Whether `label` is one of the actions pinned under the left panel's scrolling part: what
/// scrolls there passes beneath them, so they are checked only against the window, and the
/// others against them.
fn is_pinned(label: &str) -> bool {
    matches!(label, "Start" | "Start anew" | "Add to the run" | "Cancel")
        || label.starts_with("Continue ")
        || (label.starts_with("Retry ") && label.ends_with(" not downloaded"))
}

/// Brings each control into view in turn and checks where it lands; the problems found.
fn unreachable_controls(harness: &mut Harness<'_, DownpourApp>) -> Vec<String> {
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, harness.ctx.content_rect().size());
    let labels: Vec<String> = controls(harness).into_iter().map(|(l, _)| l).collect();
    let mut problems = Vec::new();
    for label in labels {
        let control = |n: &egui_kittest::kittest::AccessKitNode<'_>| {
            is_control(n.role()) && n.label().as_deref() == Some(label.as_str())
        };
        if let Some(node) = harness.query_all_by(control).next() {
            node.scroll_to_me();
        }
        harness.run_steps(3);
        // Scrolling a field inside a scrolling panel may need the person's wheel too.
        wheel_towards(harness, &label, window);
        let now = controls(harness);
        let Some((_, rect)) = now.iter().find(|(l, _)| *l == label) else {
            continue;
        };
        if !window.contains_rect(rect.shrink(0.5)) {
            problems.push(format!("{label:?} at {rect:?} is outside the window"));
            continue;
        }
        if is_pinned(&label) {
            continue;
        }
        let under: Vec<&String> = now
            .iter()
            .filter(|(l, r)| *l != label && r.shrink(1.0).intersects(rect.shrink(1.0)))
            .map(|(l, _)| l)
            .collect();
        if !under.is_empty() {
            problems.push(format!("{label:?} at {rect:?} lies under {under:?}"));
        }
    }
    problems
}

/// Turns the mouse wheel over the column of control `label`, up or down towards it, until it
/// is inside the window (at most 30 notches).
fn wheel_towards(harness: &mut Harness<'_, DownpourApp>, label: &str, window: egui::Rect) {
    for _ in 0..30 {
        let now = controls(harness);
        let Some((_, rect)) = now.iter().find(|(l, _)| l == label) else {
            return;
        };
        let dy = if rect.min.y < window.min.y {
            60.0
        } else if rect.max.y > window.max.y {
            -60.0
        } else {
            return;
        };
        let at = egui::pos2(rect.center().x, window.center().y);
        harness.hover_at(at);
        harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, dy),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        harness.run_steps(2);
    }
}

fn every_control_is_reachable_at(size: [f32; 2]) {
    let mut harness = harness_with(app_with_every_kind_of_row(), size);
    harness.run_steps(3);
    for tab in ["Downloads", "Results", "Charts"] {
        harness.get_by_label(tab).click();
        harness.run_steps(3);
        let found = controls(&harness).len();
        assert!(found > 10, "{tab}: only {found} controls found");
        assert_eq!(
            unreachable_controls(&mut harness),
            Vec::<String>::new(),
            "{tab} at {size:?}"
        );
    }
    // The pinned actions and the row buttons are there without scrolling.
    harness.get_by_label("Downloads").click();
    harness.run_steps(3);
    for label in [
        "Start anew",
        "Continue 4 unfinished files",
        "Pause all",
        "Resume row 3",
        "Retry row 5",
    ] {
        let rect = harness.get_by_label(label).rect();
        assert!(
            rect.max.x <= size[0] && rect.max.y <= size[1],
            "{label}: {rect:?}"
        );
    }
}

#[test]
fn every_control_is_reachable_at_800_by_600() {
    every_control_is_reachable_at([800.0, 600.0]);
}

#[test]
fn every_control_is_reachable_at_1024_by_768() {
    every_control_is_reachable_at([1024.0, 768.0]);
}
