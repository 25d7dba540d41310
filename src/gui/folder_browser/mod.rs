//! Choose…, and the folder browser inside the window for desktops with no folder dialog.
//!
//! [`FolderPicker::choose`] hands the walk along the dialogs (`folder_dialogs`) to a helper
//! thread; when no dialog can be shown, the browser opens. It shows the folders (folders only,
//! hidden ones left out) of one place, with Up, Home, Downloads, New folder, the place's path
//! (editable: Enter goes there) and Choose/Cancel.
//!
//! Nothing here touches the file system in `ui`: opening (finding where to start and the
//! Home and Downloads folders), listing a folder and creating one each run on a thread of
//! their own, which sends a [`Message`] on the picker's channel and asks for a repaint;
//! [`FolderPicker::poll`] applies the messages in `poll`. A listing for a place the person has
//! already left is dropped.

mod places;
mod view;

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use super::folder_dialogs::{self, Outcome};
use super::i18n::Lang;
use super::tasks::IoProblem;
use places::{list_folders, new_folder_name, starting_place};

/// The height of a line of the folder list.
const FOLDER_ROW: f32 = 22.0;

/// The window's height that the browser leaves for everything but its list of folders.
const LEFT_OVER: f32 = 330.0;

/// The folder dialogs behind Choose… and the browser inside the window.
pub struct FolderPicker {
    /// Whether Choose… and Import list… try the system's dialogs; the window tests switch it
    /// off so that they see what a desktop without any dialog gets, on every desktop.
    pub system_dialogs: bool,
    /// A dialog is being shown by a helper: another Choose… does nothing meanwhile.
    asking: bool,
    browser: Option<Browser>,
    /// A folder chosen in the browser, for the next `poll`.
    picked: Option<PathBuf>,
    tx: mpsc::Sender<Message>,
    rx: mpsc::Receiver<Message>,
}

impl Default for FolderPicker {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel();
        Self {
            system_dialogs: true,
            asking: false,
            browser: None,
            picked: None,
            tx,
            rx,
        }
    }
}

/// What the picker's threads report.
#[derive(Debug)]
pub enum Message {
    /// The walk along the dialogs ended; `start` is the folder it began with.
    Dialog {
        /// The save folder when Choose… was pressed.
        start: PathBuf,
        /// What came of it.
        outcome: Outcome,
    },
    /// The browser knows where it starts and where Home and Downloads are.
    Opened {
        /// The nearest existing folder to the save folder.
        place: PathBuf,
        /// Home and Downloads.
        places: Places,
    },
    /// The folders in `place`, or why it cannot be read.
    Listed {
        /// The folder listed.
        place: PathBuf,
        /// Its folders, sorted by name.
        result: Result<Vec<Folder>, IoProblem>,
    },
    /// A new folder was asked for in `parent`.
    Created {
        /// The folder it was made in.
        parent: PathBuf,
        /// Its name as typed.
        name: String,
        /// The new folder, or why not.
        result: Result<PathBuf, IoProblem>,
    },
}

/// The folders behind the Home and Downloads buttons.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// The home folder.
    pub home: Option<PathBuf>,
    /// The Downloads folder.
    pub downloads: Option<PathBuf>,
}

/// One folder in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// Its name as shown.
    pub name: String,
    /// Its path.
    pub path: PathBuf,
}

/// The open browser.
struct Browser {
    /// The folder shown.
    place: PathBuf,
    /// The path field: the place, or what the person typed.
    path_text: String,
    listing: Listing,
    places: Places,
    new_folder: Option<NewFolder>,
}

/// The folders of the place, as far as known.
enum Listing {
    Loading,
    Ready(Vec<Folder>),
    Failed(IoProblem),
}

/// The New folder form.
struct NewFolder {
    name: String,
    creating: bool,
    problem: Option<NameProblem>,
    /// The name field takes the keyboard in the next frame: when the form opens, and when a
    /// name was refused, so that it can be typed again at once.
    focus: bool,
}

impl Default for NewFolder {
    fn default() -> Self {
        Self {
            name: String::new(),
            creating: false,
            problem: None,
            focus: true,
        }
    }
}

/// Why a new folder was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    /// The name is empty, `.` or `..`, or holds a path separator.
    BadName,
    /// The system refused.
    NotCreated {
        /// The name.
        name: String,
        /// Why.
        problem: IoProblem,
    },
}

/// What the person did in the browser this frame.
enum Action {
    Go(PathBuf),
    ToggleNewFolder,
    Create,
    Choose(PathBuf),
    Cancel,
}

impl FolderPicker {
    /// Choose…: shows the system's folder dialog, or another, or the browser, starting at
    /// `start` (the save folder field). `title` names the dialog.
    pub fn choose(&mut self, ctx: &egui::Context, start: PathBuf, title: &'static str) {
        if self.asking || self.browser.is_some() {
            return;
        }
        if !self.system_dialogs {
            self.open(ctx, start);
            return;
        }
        self.asking = true;
        spawn(&self.tx, ctx, move || {
            let home = dirs::home_dir();
            let from =
                (!start.as_os_str().is_empty()).then(|| starting_place(&start, home.as_deref()));
            let outcome = folder_dialogs::pick_folder(from, title);
            vec![Message::Dialog { start, outcome }]
        });
    }

    /// Whether the browser inside the window is open.
    #[cfg(test)]
    pub fn is_browsing(&self) -> bool {
        self.browser.is_some()
    }

    /// Whether the browser is waiting for a listing or a new folder.
    #[cfg(test)]
    pub fn is_busy(&self) -> bool {
        self.browser.as_ref().is_some_and(|b| {
            matches!(b.listing, Listing::Loading)
                || b.new_folder.as_ref().is_some_and(|n| n.creating)
        })
    }

    /// The folder the browser shows.
    #[cfg(test)]
    pub fn place(&self) -> Option<&Path> {
        self.browser.as_ref().map(|b| b.place.as_path())
    }

    /// Applies what the threads reported; returns the folder chosen, if one was.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<PathBuf> {
        while let Ok(message) = self.rx.try_recv() {
            self.receive(ctx, message);
        }
        self.picked.take()
    }

    fn receive(&mut self, ctx: &egui::Context, message: Message) {
        match message {
            Message::Dialog { start, outcome } => {
                self.asking = false;
                match outcome {
                    Outcome::Chosen(folder) => self.picked = Some(folder),
                    Outcome::Cancelled => {}
                    Outcome::InWindow => self.open(ctx, start),
                }
            }
            Message::Opened { place, places } => {
                if let Some(browser) = &mut self.browser {
                    browser.path_text = place.display().to_string();
                    browser.place = place;
                    browser.places = places;
                }
            }
            Message::Listed { place, result } => {
                if let Some(browser) = self.browser.as_mut().filter(|b| b.place == place) {
                    browser.listing = match result {
                        Ok(folders) => Listing::Ready(folders),
                        Err(problem) => Listing::Failed(problem),
                    };
                }
            }
            Message::Created {
                parent,
                name,
                result,
            } => self.created(ctx, &parent, name, result),
        }
    }

    /// A new folder was made (the browser goes into it) or refused (the form says why).
    fn created(
        &mut self,
        ctx: &egui::Context,
        parent: &Path,
        name: String,
        result: Result<PathBuf, IoProblem>,
    ) {
        let Some(browser) = self.browser.as_mut().filter(|b| b.place == parent) else {
            return;
        };
        match result {
            Ok(folder) => {
                browser.new_folder = None;
                self.go(ctx, folder);
            }
            Err(problem) => {
                if let Some(form) = &mut browser.new_folder {
                    form.creating = false;
                    form.focus = true;
                    form.problem = Some(NameProblem::NotCreated { name, problem });
                }
            }
        }
    }

    /// Opens the browser near `start`; a helper finds the place and lists it.
    fn open(&mut self, ctx: &egui::Context, start: PathBuf) {
        self.browser = Some(Browser {
            path_text: start.display().to_string(),
            place: start.clone(),
            listing: Listing::Loading,
            places: Places::default(),
            new_folder: None,
        });
        spawn(&self.tx, ctx, move || {
            let home = dirs::home_dir();
            let place = starting_place(&start, home.as_deref());
            let places = Places {
                downloads: dirs::download_dir(),
                home,
            };
            let result = list_folders(&place);
            vec![
                Message::Opened {
                    place: place.clone(),
                    places,
                },
                Message::Listed { place, result },
            ]
        });
    }

    /// Shows `place`; a helper lists it.
    fn go(&mut self, ctx: &egui::Context, place: PathBuf) {
        let Some(browser) = &mut self.browser else {
            return;
        };
        browser.path_text = place.display().to_string();
        browser.place = place.clone();
        browser.listing = Listing::Loading;
        browser.new_folder = None;
        spawn(&self.tx, ctx, move || {
            let result = list_folders(&place);
            vec![Message::Listed { place, result }]
        });
    }

    /// Makes the folder named in the New folder form, on a helper.
    fn create(&mut self, ctx: &egui::Context) {
        let Some(browser) = &mut self.browser else {
            return;
        };
        let Some(form) = browser.new_folder.as_mut().filter(|f| !f.creating) else {
            return;
        };
        let Ok(name) = new_folder_name(&form.name) else {
            form.problem = Some(NameProblem::BadName);
            form.focus = true;
            return;
        };
        let (name, parent) = (name.to_owned(), browser.place.clone());
        form.creating = true;
        form.problem = None;
        spawn(&self.tx, ctx, move || {
            let folder = parent.join(&name);
            let result = std::fs::create_dir(&folder)
                .map(|()| folder)
                .map_err(|err| IoProblem::from(&err));
            vec![Message::Created {
                parent,
                name,
                result,
            }]
        });
    }

    fn apply(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Go(place) => self.go(ctx, place),
            Action::ToggleNewFolder => {
                if let Some(browser) = &mut self.browser {
                    browser.new_folder = match browser.new_folder {
                        Some(_) => None,
                        None => Some(NewFolder::default()),
                    };
                }
            }
            Action::Create => self.create(ctx),
            Action::Choose(folder) => {
                self.browser = None;
                self.picked = Some(folder);
                ctx.request_repaint();
            }
            Action::Cancel => self.browser = None,
        }
    }

    /// The browser, when open: a dialog over the window.
    pub fn browser_ui(&mut self, ctx: &egui::Context, lang: Lang) {
        let Some(browser) = &mut self.browser else {
            return;
        };
        let mut action = None;
        let id = egui::Id::unique("folder_browser");
        // Held near the top, so that it grows downwards (the New folder form, a sentence)
        // instead of moving; the list is as tall as the window allows.
        let area = egui::Modal::default_area(id)
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 24.0))
            .accessible_name(lang.t().browse_title);
        let list_height =
            (ctx.content_rect().height() - LEFT_OVER).clamp(4.0 * FOLDER_ROW, 12.0 * FOLDER_ROW);
        let modal = egui::Modal::new(id).area(area).show(ctx, |ui| {
            ui.set_width(540.0);
            action = view::contents_ui(ui, browser, lang, list_height);
        });
        if action.is_none() && modal.should_close() {
            action = Some(Action::Cancel);
        }
        if let Some(action) = action {
            self.apply(ctx, action);
        }
    }
}

/// Runs `work` on a thread of its own; its messages go to the picker, with a repaint.
fn spawn(
    tx: &mpsc::Sender<Message>,
    ctx: &egui::Context,
    work: impl FnOnce() -> Vec<Message> + Send + 'static,
) {
    let (tx, ctx) = (tx.clone(), ctx.clone());
    let started = std::thread::Builder::new()
        .name("downpour-folders".into())
        .spawn(move || {
            for message in work() {
                let _ = tx.send(message);
            }
            ctx.request_repaint();
        });
    downpour::diag::check("starting the folder browser's thread", started);
}
