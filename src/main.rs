//! `downpour`: the desktop app people double-click. Sets up fonts, the icon and the window,
//! applies the command line (a list to open, presets, `--start`) and hands over to the GUI.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

mod gui;

use gui::DownpourApp;
use gui::args::Launch;

/// Why Downpour's data folder (resume records, the finished log, the saved list) cannot be
/// written, if it cannot: the window says so once.
fn data_folder_problem(dir: &std::path::Path) -> Option<gui::Notice> {
    let usable = downpour::resume::create_private_dir(dir)
        .and_then(|()| downpour::safe_fs::probe_writable(dir));
    usable.err().map(|err| gui::Notice::DataFolderUnwritable {
        folder: dir.to_owned(),
        problem: (&err).into(),
    })
}

fn main() -> eframe::Result {
    downpour::tune_allocator();
    let launch = Launch::from_args(std::env::args()).unwrap_or_else(|err| err.exit());
    // The first download should not wait for the trusted certificates to be read.
    downpour::net::prepare_tls();
    // Read before the window opens: no file I/O on the UI thread.
    let mut list_text = String::new();
    let mut list_problem = None;
    for path in &launch.lists {
        match downpour::read_list_file(path) {
            Ok(text) => {
                list_text.push_str(&text);
                list_text.push('\n');
            }
            Err(err) => {
                eprintln!("downpour: {err}");
                list_problem.get_or_insert(err);
            }
        }
    }
    let fonts = gui::fonts::font_definitions(&gui::fonts::find_fallback_fonts());
    // The downloads list of last time, read (and set aside if damaged) before the window opens.
    let data_dir = downpour::options::default_state_dir();
    let data_problem = data_dir.as_deref().and_then(data_folder_problem);
    if let Some(dir) = data_dir.as_deref().filter(|_| data_problem.is_none()) {
        // Problems nobody waits for (a resume record not written…) go to its log.
        downpour::diag::log_to(dir);
    }
    let saved_list = data_dir
        .as_deref()
        .map(gui::list_store::load)
        .unwrap_or_default();

    let mut viewport = egui::ViewportBuilder::default()
        .with_title(gui::i18n::Lang::from_system().t().window_title)
        .with_app_id("downpour")
        .with_inner_size([1180.0, 760.0])
        .with_min_inner_size([720.0, 480.0])
        .with_drag_and_drop(true);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(include_bytes!("../assets/icon.png")) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "Downpour",
        options,
        Box::new(move |cc| {
            cc.egui_ctx.set_fonts(fonts);
            let mut app = DownpourApp::from_storage(cc.storage).with_data_dir(data_dir);
            app.restore(saved_list);
            // Only a list that was read replaces the links box; a refused one leaves it as it was.
            if !list_text.is_empty() {
                app.settings.url_text = list_text;
                app.reparse();
            }
            launch.apply(&mut app.settings);
            if let Some(notice) = data_problem {
                app.notice = Some(notice);
            }
            // A refused list is shown, and --start waits for the person to see it.
            let refused = app.refuse_list(list_problem);
            if launch.start && !refused {
                // As the Start button does: a helper checks the folder (creating it if it is
                // missing) and the run starts when its answer arrives.
                app.start(&cc.egui_ctx);
            }
            Ok(Box::new(app))
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_folder_that_cannot_be_made_is_said_once_in_plain_words() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"mine").unwrap();
        let notice = data_folder_problem(&file.join("downpour")).expect("a notice");
        let english = gui::i18n::Lang::En.notice(&notice);
        assert!(
            english.starts_with("Downpour cannot write its data folder")
                && english.contains("will start over after a restart"),
            "{english}"
        );
        let chinese = gui::i18n::Lang::Zh.notice(&notice);
        assert!(chinese.contains("无法写入它的数据文件夹"), "{chinese}");
        assert_eq!(std::fs::read(&file).unwrap(), b"mine");
        assert!(data_folder_problem(&dir.path().join("state")).is_none());
    }
}
