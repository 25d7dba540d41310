//! `downpour`: the desktop app people double-click. Sets up fonts, the icon and the window,
//! applies the command line (a list to open, presets, `--start`) and hands over to the GUI.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

mod gui;
mod handoff;

use gui::DownpourApp;
use gui::args::{Instead, Launch};
use handoff::socket::{Answer, Claim};
use handoff::{Handoff, Link, MAX_LINKS};

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

/// Downpour's data folder and why it cannot be written, if it cannot; its log is set up, and
/// the first line of it says why this window takes no links from later starts, if it does not.
fn open_data_folder(
    alone: Option<std::io::Error>,
) -> (Option<std::path::PathBuf>, Option<gui::Notice>) {
    let data_dir = downpour::options::default_state_dir();
    let data_problem = data_dir.as_deref().and_then(data_folder_problem);
    if let Some(dir) = data_dir.as_deref().filter(|_| data_problem.is_none()) {
        // Problems nobody waits for (a resume record not written…) go to its log.
        downpour::diag::log_to(dir);
    }
    if let Some(why) = alone {
        downpour::diag::record(
            "take links from later starts (each of them opens its own window)",
            &why,
        );
    }
    (data_dir, data_problem)
}

/// Work done instead of a window: the native host, installing or removing the browser
/// integration. Returns the exit code.
fn instead(what: Instead) -> i32 {
    let ok = match what {
        Instead::NativeHost => handoff::native::run()
            .inspect_err(|err| eprintln!("downpour: the native host stopped: {err}"))
            .is_ok(),
        Instead::InstallBrowserIntegration => handoff::install::run(true),
        Instead::UninstallBrowserIntegration => handoff::install::run(false),
    };
    i32::from(!ok)
}

/// The links of the lists read, as messages of at most [`MAX_LINKS`] links (one, empty, if
/// none: a second start with nothing to add still brings the window to the front).
fn handoffs_of(list_text: &str) -> Vec<Handoff> {
    let links: Vec<Link> = downpour::parse_list(list_text)
        .entries
        .into_iter()
        .map(|entry| Link {
            url: entry.url.to_string(),
            name: None,
            sha256: entry.sha256,
        })
        .collect();
    let mut messages: Vec<Handoff> = links
        .chunks(MAX_LINKS)
        .map(|chunk| Handoff {
            links: chunk.to_vec(),
            ..Handoff::default()
        })
        .collect();
    if messages.is_empty() {
        messages.push(Handoff::default());
    }
    messages
}

/// How this start opens its window.
enum Opening {
    /// The one window of this person, listening for later starts.
    #[cfg_attr(
        not(any(unix, windows)),
        expect(dead_code, reason = "no hand-off on this system")
    )]
    Listening(Listening),
    /// A window that takes no links from later starts (each of those opens its own), and why:
    /// said in the log once it is known where the log is.
    Alone(std::io::Error),
}

/// Hands the lists' links to the window already running, if one is: then this start ends
/// (with its exit code). Otherwise this start is the window: it listens for later ones from
/// now on (what they hand over waits in `messages` until the window reads it).
fn hand_to_running_window(list_text: &str, messages: &Messages) -> Result<Opening, i32> {
    let Some(path) = handoff::socket::default_path() else {
        return Ok(Opening::Alone(std::io::Error::from(
            std::io::ErrorKind::NotFound,
        )));
    };
    let mut handoffs = handoffs_of(list_text).into_iter();
    let first = handoffs.next().unwrap_or_default();
    let mut answer = match handoff::socket::claim(&path, &first) {
        #[cfg(any(unix, windows))]
        Claim::First(window) => {
            let waker = messages.waker.clone();
            let wake = move || {
                if let Some(ctx) = waker.get() {
                    ctx.request_repaint();
                }
            };
            gui::listen_for_handoffs(window.listener, wake, messages.tx.clone());
            return Ok(Opening::Listening(Listening {
                path,
                _lock: window.lock,
            }));
        }
        // No hand-off here: a second start opens a second window.
        Claim::Alone(err) => return Ok(Opening::Alone(err)),
        Claim::Handed(answer) => answer,
    };
    let mut added = 0;
    loop {
        match answer {
            Answer::Added(n) => added += n,
            Answer::Refused(why) => {
                eprintln!("downpour: {why}");
                return Err(1);
            }
            Answer::Closing => {
                eprintln!("downpour: {}", handoff::Refusal::WindowClosed.sentence());
                return Err(1);
            }
        }
        let Some(next) = handoffs.next() else { break };
        answer = handoff::socket::send(&path, &next)
            .unwrap_or_else(|err| Answer::Refused(err.to_string()));
    }
    println!("Downpour is already open: {added} links were added to its window.");
    Err(0)
}

/// The window's messages from its helpers, made before the window so that links handed over
/// while it opens wait for it; and its context, once it has one, to wake it.
struct Messages {
    tx: std::sync::mpsc::Sender<gui::UiMessage>,
    rx: std::sync::mpsc::Receiver<gui::UiMessage>,
    waker: std::sync::Arc<std::sync::OnceLock<egui::Context>>,
}

/// The socket this window listens on, removed when it closes, and the lock that makes it the
/// one window, let go after that (when the process ends).
#[cfg_attr(
    not(any(unix, windows)),
    expect(dead_code, reason = "no hand-off on this system")
)]
struct Listening {
    #[cfg_attr(
        windows,
        expect(dead_code, reason = "a named pipe goes with the process")
    )]
    path: std::path::PathBuf,
    #[cfg(any(unix, windows))]
    _lock: handoff::socket::Lock,
}

/// The text of the list files given, and the first problem reading them (each said on
/// stderr).
fn read_lists(paths: &[std::path::PathBuf]) -> (String, Option<downpour::error::ListError>) {
    let mut list_text = String::new();
    let mut list_problem = None;
    for path in paths {
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
    (list_text, list_problem)
}

fn main() -> eframe::Result {
    downpour::tune_allocator();
    let args: Vec<String> = std::env::args().collect();
    if handoff::native::invoked_by_browser(&args) {
        std::process::exit(instead(Instead::NativeHost));
    }
    let launch = Launch::from_args(args).unwrap_or_else(|err| err.exit());
    if let Some(what) = launch.instead {
        std::process::exit(instead(what));
    }
    // The first download should not wait for the trusted certificates to be read.
    downpour::net::prepare_tls();
    // Read before the window opens: no file I/O on the UI thread.
    let (list_text, list_problem) = read_lists(&launch.lists);
    // One window per person: a second start hands its links to the first and ends.
    let (tx, rx) = std::sync::mpsc::channel();
    let messages = Messages {
        tx,
        rx,
        waker: std::sync::Arc::default(),
    };
    let (listening, alone) = match hand_to_running_window(&list_text, &messages) {
        Ok(Opening::Listening(listening)) => (Some(listening), None),
        Ok(Opening::Alone(why)) => (None, Some(why)),
        Err(code) => std::process::exit(if list_problem.is_some() { 1 } else { code }),
    };
    let fonts = gui::fonts::font_definitions(&gui::fonts::find_fallback_fonts());
    // The downloads list of last time, read (and set aside if damaged) before the window opens.
    let (data_dir, data_problem) = open_data_folder(alone);
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
    let result = eframe::run_native(
        "Downpour",
        options,
        Box::new(move |cc| {
            cc.egui_ctx.set_fonts(fonts);
            let Messages { tx, rx, waker } = messages;
            let _ = waker.set(cc.egui_ctx.clone());
            let mut app = DownpourApp::from_storage(cc.storage)
                .with_data_dir(data_dir)
                .with_messages(tx, rx);
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
    );
    if let Some(listening) = listening {
        // The next start is the window (the lock goes with this process, after the socket;
        // a named pipe goes with the process).
        #[cfg(unix)]
        let _ = std::fs::remove_file(&listening.path);
        drop(listening);
    }
    result
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
