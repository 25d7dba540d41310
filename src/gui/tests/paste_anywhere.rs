//! Ctrl+V anywhere in the window adds the clipboard's links, unless a text field has the
//! keyboard: then the paste is that field's.

use egui_kittest::kittest::Queryable;

use super::*;

fn window() -> Harness<'static, DownpourApp> {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    harness.run_steps(2);
    harness
}

#[test]
fn ctrl_v_outside_the_links_box_adds_the_links_on_any_tab() {
    let mut harness = window();
    harness.state_mut().settings.url_text = "https://example.com/first.zip".into();
    harness.state_mut().reparse();
    harness.run_steps(2);
    for tab in ["Results", "Charts", "Downloads"] {
        harness.get_by_label(tab).click();
        harness.run_steps(2);
        let link = format!("https://example.com/{tab}.zip");
        harness.event(egui::Event::Paste(format!("{link}\n")));
        harness.run_steps(2);
        assert!(harness.state().settings.url_text.contains(&link), "{tab}");
    }
    let app = harness.state();
    assert_eq!(
        app.settings.url_text,
        "https://example.com/first.zip\nhttps://example.com/Results.zip\n\
         https://example.com/Charts.zip\nhttps://example.com/Downloads.zip\n"
    );
    assert_eq!(app.list.entries.len(), 4, "the links are read at once");
}

#[test]
fn a_paste_into_a_focused_field_stays_in_that_field() {
    let mut harness = window();
    let folder = harness.state().settings.folder.clone();
    harness.get_by_label("Save folder").click();
    harness.run_steps(2);
    harness.event(egui::Event::Paste("/sub".into()));
    harness.run_steps(2);
    let app = harness.state();
    assert!(
        app.settings.url_text.is_empty(),
        "{}",
        app.settings.url_text
    );
    assert_eq!(app.settings.folder, format!("{folder}/sub"));
    // In the links box, once, not twice.
    harness.get_by_label("Links").click();
    harness.run_steps(2);
    harness.event(egui::Event::Paste("https://example.com/a.zip".into()));
    harness.run_steps(2);
    assert_eq!(
        harness.state().settings.url_text,
        "https://example.com/a.zip"
    );
}
