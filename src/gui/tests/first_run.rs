//! What a person meets first: the folder browser inside the window (for desktops without a
//! folder dialog), Import list… without a file dialog, the three steps on the empty Downloads
//! tab, and About.

use std::path::Path;

use super::window::unnamed_widgets;
use super::*;
use crate::gui::about::{PROJECT_URL, about_lines};

/// A window saving into `dir` whose Choose… browses in the window, with the browser open.
fn browse_from(dir: &Path) -> Harness<'static, DownpourApp> {
    let mut harness = harness(settings_for(dir));
    harness.state_mut().folders.system_dialogs = false;
    harness.run_steps(2);
    harness.get_by_label("Choose…").click();
    wait_for_browser(&mut harness);
    assert!(harness.state().folders.is_browsing());
    harness
}

/// Steps a frame for the last click, then until the browser has read its folder.
fn wait_for_browser(harness: &mut Harness<'_, DownpourApp>) {
    harness.step();
    step_until(harness, "the browser reads the folder", |h| {
        !h.state().folders.is_busy()
    });
    harness.run_steps(2);
}

fn place(harness: &Harness<'_, DownpourApp>) -> std::path::PathBuf {
    harness.state().folders.place().unwrap().to_path_buf()
}

/// Opens the New folder form and types `name` in it.
fn type_new_folder(harness: &mut Harness<'_, DownpourApp>, name: &str) {
    if harness.query_by_label("Name of the new folder").is_none() {
        harness.get_by_label("New folder…").click();
        harness.run_steps(2);
    }
    harness.get_by_label("Name of the new folder").click();
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(1);
    harness
        .get_by_label("Name of the new folder")
        .type_text(name);
    harness.run_steps(2);
}

#[test]
fn the_folder_browser_goes_in_and_up_makes_a_folder_and_chooses_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("alpha/inner")).unwrap();
    std::fs::create_dir(root.join("beta")).unwrap();
    std::fs::write(root.join("notes.txt"), "not a folder").unwrap();
    let mut harness = browse_from(&root);
    assert_eq!(place(&harness), root);
    harness.get_by_label("beta");
    assert!(
        harness.query_by_label("notes.txt").is_none(),
        "folders only"
    );

    harness.get_by_label("alpha").click();
    wait_for_browser(&mut harness);
    assert_eq!(place(&harness), root.join("alpha"));
    harness.get_by_label("inner");

    harness.get_by_label("Up").click();
    wait_for_browser(&mut harness);
    assert_eq!(place(&harness), root);

    type_new_folder(&mut harness, "gamma");
    harness.get_by_label("Create folder").click();
    wait_for_browser(&mut harness);
    assert!(root.join("gamma").is_dir(), "created on disk");
    assert_eq!(place(&harness), root.join("gamma"), "and went into");
    harness.get_by_label("There are no folders in here: choose this one, or make a new folder.");

    harness.get_by_label("Choose this folder").click();
    harness.run_steps(3);
    assert!(!harness.state().folders.is_browsing());
    assert_eq!(
        harness.state().settings.folder,
        root.join("gamma").display().to_string()
    );
}

#[test]
fn a_folder_that_cannot_be_made_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir(root.join("alpha")).unwrap();
    let mut harness = browse_from(&root);

    type_new_folder(&mut harness, "a/b");
    harness.get_by_label("Create folder").click();
    harness.run_steps(2);
    harness.get_by_label("A folder's name cannot be empty, “.” or “..”, nor contain / or \\.");

    type_new_folder(&mut harness, "alpha");
    harness.get_by_label("Create folder").click();
    wait_for_browser(&mut harness);
    harness.get_by_label("There is already a folder or file named “alpha” here.");
    assert_eq!(place(&harness), root, "stays where it was");

    // The folder shown went away meanwhile: the system's reason is given.
    harness.get_by_label("alpha").click();
    wait_for_browser(&mut harness);
    std::fs::remove_dir(root.join("alpha")).unwrap();
    type_new_folder(&mut harness, "delta");
    harness.get_by_label("Create folder").click();
    wait_for_browser(&mut harness);
    harness.get_by_label("The folder “delta” could not be created: it does not exist.");
}

#[test]
fn the_path_field_goes_where_typed_and_escape_leaves_the_folder_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    let mut harness = browse_from(&root);
    harness.get_by_label("Folder").click();
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label("Folder")
        .type_text(&root.join("a/b").display().to_string());
    harness.key_press(egui::Key::Enter);
    wait_for_browser(&mut harness);
    assert_eq!(place(&harness), root.join("a/b"));
    // A folder that cannot be read is said so, and Up still works.
    harness.get_by_label("Folder").click();
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Folder").type_text("missing");
    harness.key_press(egui::Key::Enter);
    wait_for_browser(&mut harness);
    harness.get_by_label("This folder cannot be read: it does not exist.");
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(!harness.state().folders.is_browsing());
    assert_eq!(harness.state().settings.folder, root.display().to_string());
}

#[test]
fn the_folder_browser_names_every_widget() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("alpha")).unwrap();
    let mut harness = browse_from(dir.path());
    harness.get_by_label("New folder…").click();
    harness.run_steps(2);
    assert_eq!(unnamed_widgets(&harness), Vec::<String>::new());
}

const STEPS: [&str; 3] = ["Paste links", "Pick a folder", "Press Start"];

#[test]
fn a_fresh_window_shows_three_steps_until_a_run_starts() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    harness.run_steps(2);
    for step in STEPS {
        harness.get_by_label(step);
    }
    harness.get_by_label_contains("Picture of a finished run");
    assert_eq!(unnamed_widgets(&harness), Vec::<String>::new());

    start_slow_run(&mut harness, &server, 1);
    harness.step();
    wait_until_running(&mut harness);
    harness.run_steps(2);
    for step in STEPS {
        assert!(harness.query_by_label(step).is_none(), "{step} after Start");
    }
    harness.get_by_label("Cancel").click();
    run_to_end(&mut harness);
    assert!(
        harness.query_by_label(STEPS[0]).is_none(),
        "nor after the run"
    );
}

#[test]
fn the_steps_are_in_chinese_in_the_chinese_window() {
    let fonts = crate::gui::fonts::font_definitions(&crate::gui::fonts::find_fallback_fonts());
    let mut harness = harness(Settings::default());
    harness.ctx.set_fonts(fonts);
    harness.state_mut().settings.language = Some(Lang::Zh);
    harness.run_steps(2);
    harness.get_by_label("三步完成第一次下载");
    for step in ["粘贴链接", "选择文件夹", "按“开始”"] {
        harness.get_by_label(step);
    }
    harness.get_by_label("关于").click();
    harness.run_steps(3);
    harness.get_by_label("许可证：MIT OR Apache-2.0");
}

/// The version `downpour --version` prints (clap's, from Cargo.toml).
fn printed_version() -> String {
    let args = ["downpour", "--version"].map(String::from);
    let err = crate::gui::args::Launch::from_args(args).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::DisplayVersion);
    let printed = err.to_string();
    printed
        .trim()
        .strip_prefix("downpour ")
        .unwrap_or_else(|| panic!("{printed:?}"))
        .to_owned()
}

#[test]
fn about_holds_the_version_the_command_line_prints() {
    let version = printed_version();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    for lang in Lang::ALL {
        assert!(about_lines(lang)[0].contains(&version), "{lang:?}");
    }
    let mut harness = harness(Settings::default());
    harness.run_steps(2);
    harness.get_by_label("About").click();
    // A dialog is measured in its first frame and shown in the next.
    harness.run_steps(3);
    harness.get_by_label(&format!("Version {version}"));
    harness.get_by_label("Licence: MIT OR Apache-2.0");
    harness.get_by_label(PROJECT_URL);
    assert_eq!(unnamed_widgets(&harness), Vec::<String>::new());
    harness.get_by_label("Close").click();
    harness.run_steps(2);
    assert!(!harness.state().about_open);
    assert!(
        harness
            .query_by_label(&format!("Version {version}"))
            .is_none()
    );
}

#[test]
fn import_list_without_any_file_dialog_says_to_drop_or_paste() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(settings_for(dir.path()));
    harness.state_mut().folders.system_dialogs = false;
    harness.run_steps(2);
    harness.get_by_label("Import list…").click();
    step_until(&mut harness, "the notice", |h| {
        h.state().notice == Some(crate::gui::Notice::NoFileDialog)
    });
    harness.run_steps(2);
    harness.get_by_label_contains("No file dialog can be shown here: drop the list file");
}
