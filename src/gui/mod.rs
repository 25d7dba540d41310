//! The desktop window: a thin egui layer over the engine. It turns clicks into runs, drains
//! the engine's events each frame within a time budget, and never does I/O or blocks in `ui`:
//! file and process work goes to helper threads (`tasks`), whose answers `poll` applies.

mod about;
mod address_ui;
pub mod args;
mod charts;
mod check_ui;
mod controls;
mod desktop_proxy;
mod folder_browser;
mod folder_dialogs;
pub mod fonts;
mod handed;
pub mod i18n;
mod icons;
pub mod list_store;
mod login_ui;
pub mod model;
mod network_ui;
mod notify;
mod page_dialog;
mod paste;
mod results;
mod row;
pub mod row_actions;
mod run;
mod settings_ui;
mod style;
mod table;
mod tasks;
mod view;
mod welcome;
pub mod when_done;

#[cfg(all(test, feature = "snapshots"))]
mod screenshots;
#[cfg(all(test, feature = "snapshots"))]
mod snapshots;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use downpour::options::RunSettings;
use downpour::urls::parse_list_with;
use downpour::{Event, ParsedList, RunHandle};
use downpour::{options, stats};
use serde::{Deserialize, Serialize};

use i18n::Lang;
use model::RunView;
#[cfg(any(unix, windows))]
pub use tasks::listen_for_handoffs;
pub use tasks::{ExportFormat, FolderProblem, Notice, UiMessage, read_lists};

/// How long one frame may spend applying engine events before it yields to drawing.
const EVENT_BUDGET: Duration = Duration::from_millis(4);

/// The key of the session's runs in eframe's storage, beside the settings: the run
/// comparison keeps them across a restart.
const RUNS_KEY: &str = "downpour_runs";

/// How many runs the comparison keeps (the oldest go first): a chart of them stays readable.
const KEPT_RUNS: usize = 20;

/// What survives a restart (eframe storage). New fields must have defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The text in the links box.
    pub url_text: String,
    /// The save folder as typed.
    pub folder: String,
    /// How to download: the run settings, shared with both command lines.
    pub run: RunSettings,
    /// The interface language; `None` follows the system.
    pub language: Option<Lang>,
    /// What happens when every download has ended.
    pub when_done: when_done::WhenDone,
    /// Saved before [`Settings::when_done`]: true is read as "open the folder", and it is
    /// never written again.
    #[serde(skip_serializing)]
    pub open_when_done: bool,
    /// Whether the Advanced settings are open.
    pub advanced_open: bool,
    /// Whether links handed over (by the browser, by another start) start downloading at
    /// once, joining a running run; off, they wait in the links box for the person.
    pub start_handed: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            url_text: String::new(),
            folder: options::default_download_dir().display().to_string(),
            run: RunSettings::default(),
            language: None,
            when_done: when_done::WhenDone::default(),
            open_when_done: false,
            advanced_open: false,
            start_handed: false,
        }
    }
}

/// Which view the central area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// The list of downloads.
    #[default]
    Downloads,
    /// Results in reported order.
    Results,
    /// Charts of the runs.
    Charts,
}

/// A run in progress, or the last one.
pub struct ActiveRun {
    handle: RunHandle,
    events: mpsc::Receiver<Event>,
}

/// The application.
pub struct DownpourApp {
    /// Persistent settings.
    pub settings: Settings,
    /// The parsed links box, recomputed only when its text changes.
    pub list: ParsedList,
    /// The run being shown (current or last).
    pub view: Option<RunView>,
    /// Summaries of every run of this session, for the comparison chart.
    pub history: Vec<stats::RunSummary>,
    run: Option<ActiveRun>,
    /// The visible tab.
    pub tab: Tab,
    /// A problem with the save folder, shown next to it.
    pub folder_problem: Option<FolderProblem>,
    /// A one-line message for the person (dialog unavailable, file unreadable…).
    pub notice: Option<Notice>,
    confirm_close: bool,
    quit_when_done: bool,
    /// The window's title as last set.
    titled: Option<String>,
    /// The selected rows.
    pub selection: row_actions::Selection,
    /// Whether the list shown was restored from last time (until a run starts).
    pub restored: bool,
    /// The desktop notification sent at the end of the last run, if one was.
    pub last_notification: Option<String>,
    list_store: list_store::ListStore,
    /// A run waiting for the check of its folder.
    pending: Option<run::PendingRun>,
    helper_tx: mpsc::Sender<UiMessage>,
    helper_rx: mpsc::Receiver<UiMessage>,
    parsed_text: String,
    /// Whether numbered ranges were expanded when the links box was last read.
    parsed_ranges: bool,
    charts: charts::Charts,
    /// Choose…'s dialogs and the folder browser inside the window.
    pub folders: folder_browser::FolderPicker,
    /// Whether the About dialog is open.
    pub about_open: bool,
    /// From a web page…
    pub page: page_dialog::PageDialog,
    /// Check links: the last check of the links box.
    pub checker: check_ui::LinkChecker,
    /// The speed limit as typed; `settings.run.rate_limit` holds what it last meant.
    pub rate_text: String,
    /// Where "Let browsers send links here" writes (a temporary home in tests).
    pub browser_places: Vec<crate::handoff::install::Place>,
    /// What the browsers sent with their links (cookies, page, User-Agent), for the runs.
    handed: handed::Handed,
    /// The Network section's fields as typed (see `network_ui`).
    pub proxy: network_ui::NetworkEntry,
    /// What sleeps or shuts down the computer and keeps it awake (a stand-in in tests).
    pub power: std::sync::Arc<dyn when_done::Power>,
    /// Keeps the computer awake while a run goes.
    awake: Option<Option<when_done::KeepAwake>>,
    /// The notice before sleep or shut down, while it counts down.
    pub countdown: Option<when_done::Countdown>,
    /// The sites' questions for a login, oldest first (see `login_ui`).
    pub login_prompts: Vec<login_ui::LoginPrompt>,
    /// The Change address… dialog, while it is open.
    pub new_address: Option<address_ui::NewAddress>,
    /// Rows paused in the running run that wait to end before they go on from their new
    /// address (see `address_ui`).
    moved: Vec<downpour::Job>,
    /// Where the desktop's proxy is asked for the System proxy setting (nowhere in tests).
    pub desktop_bus: desktop_proxy::Bus,
}

impl DownpourApp {
    /// A window with `settings` (restored or default).
    pub fn new(settings: Settings) -> Self {
        let (helper_tx, helper_rx) = mpsc::channel();
        let rate_text = settings.run.rate_limit.to_string();
        let mut app = Self {
            rate_text,
            proxy: network_ui::NetworkEntry::of(&settings.run),
            list: ParsedList::default(),
            settings,
            view: None,
            history: Vec::new(),
            run: None,
            tab: Tab::Downloads,
            folder_problem: None,
            notice: None,
            confirm_close: false,
            quit_when_done: false,
            login_prompts: Vec::new(),
            new_address: None,
            moved: Vec::new(),
            desktop_bus: desktop_proxy::Bus::default(),
            titled: None,
            selection: row_actions::Selection::default(),
            restored: false,
            last_notification: None,
            list_store: list_store::ListStore::new(None),
            pending: None,
            helper_tx,
            helper_rx,
            parsed_text: String::new(),
            parsed_ranges: true,
            charts: charts::Charts::default(),
            folders: folder_browser::FolderPicker::default(),
            about_open: false,
            page: page_dialog::PageDialog::default(),
            checker: check_ui::LinkChecker::default(),
            browser_places: crate::handoff::install::default_places(),
            handed: handed::Handed::default(),
            power: default_power(),
            awake: None,
            countdown: None,
        };
        app.reparse();
        app
    }

    /// Restores settings from eframe's storage, if any.
    pub fn from_storage(storage: Option<&dyn eframe::Storage>) -> Self {
        let Some(storage) = storage else {
            return Self::new(Settings::default());
        };
        let mut settings: Settings =
            eframe::get_value(storage, eframe::APP_KEY).unwrap_or_default();
        let history: Vec<stats::RunSummary> =
            eframe::get_value(storage, RUNS_KEY).unwrap_or_default();
        /// Only whether the saved settings hold their run settings apart.
        #[derive(Deserialize)]
        struct Nested {
            run: Option<serde::de::IgnoredAny>,
        }
        let nested = eframe::get_value::<Nested>(storage, eframe::APP_KEY);
        if nested.is_some_and(|n| n.run.is_none()) {
            // Saved before the run settings were one type: they stood beside the others.
            settings.run = eframe::get_value(storage, eframe::APP_KEY).unwrap_or_default();
        }
        if std::mem::take(&mut settings.open_when_done) {
            settings.when_done = when_done::WhenDone::OpenFolder;
        }
        let mut app = Self::new(settings);
        app.history = history;
        app.keep_recent_runs();
        app
    }

    /// Forgets all but the last [`KEPT_RUNS`] runs.
    fn keep_recent_runs(&mut self) {
        let extra = self.history.len().saturating_sub(KEPT_RUNS);
        self.history.drain(..extra);
    }

    /// Keeps the downloads list, and the engine's resume records, in `data_dir` (Downpour's
    /// data folder; a temporary one in tests); `None` keeps neither.
    pub fn with_data_dir(mut self, data_dir: Option<PathBuf>) -> Self {
        self.list_store = list_store::ListStore::new(data_dir);
        self
    }

    /// Reads helpers' answers from the channel made before the window opened (links handed
    /// over while it opened wait in it).
    pub fn with_messages(
        mut self,
        tx: mpsc::Sender<UiMessage>,
        rx: mpsc::Receiver<UiMessage>,
    ) -> Self {
        self.helper_tx = tx;
        self.helper_rx = rx;
        self
    }

    /// Where helper threads send their answers (read by [`Self::poll`]).
    #[cfg(test)]
    pub fn messages(&self) -> mpsc::Sender<UiMessage> {
        self.helper_tx.clone()
    }

    /// The data folder, if the list is kept.
    pub fn data_dir(&self) -> Option<&std::path::Path> {
        self.list_store.dir()
    }

    /// Shows why a list file given at start was refused, if one was (without hiding another
    /// notice, such as a damaged saved list, when none was); true if one was.
    pub fn refuse_list(&mut self, problem: Option<downpour::error::ListError>) -> bool {
        let Some(problem) = problem else {
            return false;
        };
        self.notice = Some(Notice::List(problem));
        true
    }

    /// Shows the list saved last time, as it was, with its folder and mode; Continue
    /// downloads what is unfinished. A damaged file was set aside: the notice says where.
    pub fn restore(&mut self, loaded: list_store::Loaded) {
        if let Some(aside) = loaded.damaged {
            self.notice = Some(Notice::ListDamaged(aside));
        }
        let Some(list) = loaded.list else {
            return;
        };
        let rows = list.to_rows();
        if rows.is_empty() {
            return;
        }
        self.settings.folder = list.folder;
        self.settings.run.mode = list.mode;
        // A one-at-a-time list keeps 1 worker whatever the setting: the setting stays.
        if list.mode.parallel() {
            self.settings.run.workers = options::WORKERS.clamp(list.workers);
        }
        self.view = Some(RunView::restored(list.mode, list.workers, rows));
        self.restored = true;
    }

    /// Hands the list to the writer thread when it changed and a second has passed since
    /// the last save; otherwise asks for a frame when the save is due.
    fn save_list(&mut self, ctx: &egui::Context) {
        let Some(wait) = self.list_store.due_in() else {
            return;
        };
        if !wait.is_zero() {
            ctx.request_repaint_after(wait);
            return;
        }
        if let Some(view) = &self.view {
            let list = list_store::StoredList::of(view, &self.settings.folder);
            self.list_store.send(list);
        }
    }

    /// Saves the list as it stands now and keeps it so: what a quit's cancelling does next
    /// does not overwrite it.
    pub fn keep_list(&mut self) {
        if let Some(view) = &self.view {
            self.list_store.mark();
            let list = list_store::StoredList::of(view, &self.settings.folder);
            self.list_store.send(list);
        }
        self.list_store.freeze();
    }

    /// The interface language in effect.
    pub fn lang(&self) -> Lang {
        self.settings.language.unwrap_or_else(Lang::from_system)
    }

    /// Adds `text` (pasted, dropped or read from a list file) to the links box, on lines of
    /// its own.
    pub fn add_links(&mut self, text: &str) {
        if !self.settings.url_text.is_empty() && !self.settings.url_text.ends_with('\n') {
            self.settings.url_text.push('\n');
        }
        self.settings.url_text.push_str(text);
        self.reparse();
    }

    /// Re-reads the links box if its text changed.
    pub fn reparse(&mut self) {
        let ranges = self.settings.run.ranges;
        if self.parsed_text != self.settings.url_text || self.parsed_ranges != ranges {
            self.list = parse_list_with(&self.settings.url_text, ranges);
            self.checker.forget_unless_checked(&self.list);
            self.parsed_text.clone_from(&self.settings.url_text);
            self.parsed_ranges = ranges;
        }
    }

    /// The save folder as a path (`~` is the home folder; empty text is no folder).
    pub fn folder(&self) -> PathBuf {
        options::folder_from_text(&self.settings.folder).unwrap_or_default()
    }

    /// Applies what helper threads and the engine sent, spending at most [`EVENT_BUDGET`] on
    /// engine events; asks for another frame if some are left.
    pub fn poll(&mut self, ctx: &egui::Context) {
        while let Ok(message) = self.helper_rx.try_recv() {
            self.receive(ctx, message);
        }
        if let Some(folder) = self.folders.poll(ctx) {
            self.receive(ctx, UiMessage::Folder(folder));
        }
        self.apply_events(ctx);
        self.go_on_moved(ctx);
        self.keep_awake_while_running();
        self.save_list(ctx);
    }

    /// Applies one helper's answer.
    fn receive(&mut self, ctx: &egui::Context, message: UiMessage) {
        match message {
            UiMessage::Folder(path) => {
                self.settings.folder = path.display().to_string();
                self.folder_problem = None;
            }
            UiMessage::AddLinks(text) => self.add_links(&text),
            UiMessage::Handed(handoff) => {
                self.handed.keep(&handoff);
                let page = handoff
                    .page
                    .as_deref()
                    .and_then(|p| url::Url::parse(p).ok());
                match (handoff.kind, page) {
                    (crate::handoff::Kind::Page, Some(page)) if !self.page.reading => {
                        self.page.offer(page, &handoff.links);
                    }
                    _ => {
                        self.add_links(&handoff.box_text());
                        self.start_handed(ctx);
                    }
                }
                ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
                ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
            }
            UiMessage::Notice(notice) => self.notice = Some(notice),
            UiMessage::PageRead(result) => self.page.read(*result),
            UiMessage::CheckProgress { done, of } => {
                if self.checker.running.is_some() {
                    self.checker.running = Some((done, of));
                }
            }
            UiMessage::Checked(result) => self.checked(*result),
            UiMessage::PageSized(result) => self.page_sized(*result),
            UiMessage::FolderChecked {
                folder,
                result,
                desktop_proxy,
            } => {
                self.folder_checked(ctx, folder, result, desktop_proxy);
            }
        }
    }

    /// Applies the engine's events within the time budget; at the end of a run, records it
    /// for the comparison chart.
    fn apply_events(&mut self, ctx: &egui::Context) {
        let (Some(run), Some(view)) = (&self.run, &mut self.view) else {
            return;
        };
        let deadline = Instant::now() + EVENT_BUDGET;
        let mut finished = false;
        let mut changed = false;
        while let Ok(event) = run.events.try_recv() {
            finished |= matches!(event, Event::RunFinished { .. });
            changed = true;
            if let Event::LoginWanted(question) = &event {
                self.login_prompts
                    .push(login_ui::LoginPrompt::new(question.clone()));
            }
            view.apply(event);
            if Instant::now() >= deadline {
                ctx.request_repaint();
                break;
            }
        }
        if changed {
            self.list_store.mark();
        }
        if finished {
            // A question whose files all ended (cancelled) is moot.
            self.login_prompts.clear();
            self.history.push(stats::RunSummary::from_records(
                view.mode,
                view.workers,
                view.elapsed_ms(),
                &view.records,
                &self.settings.url_text,
            ));
            self.keep_recent_runs();
            self.run_finished(ctx);
            if self.quit_when_done {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        } else if !view.is_finished() {
            // Keep the elapsed time ticking even when no bytes arrive.
            ctx.request_repaint_after(Duration::from_millis(500));
        }
    }
}

/// The system's power commands; in tests, a stand-in that never runs them.
fn default_power() -> std::sync::Arc<dyn when_done::Power> {
    #[cfg(not(test))]
    return std::sync::Arc::new(when_done::SystemPower);
    #[cfg(test)]
    return std::sync::Arc::new(when_done::NoPower);
}

impl eframe::App for DownpourApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.window_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
        // eframe writes its storage on a thread of its own, not this one.
        eframe::set_value(storage, RUNS_KEY, &self.history);
        // Also at the end: the list as it stands, unless a quit already kept it.
        self.list_store.mark();
        if let Some(view) = &self.view {
            let list = list_store::StoredList::of(view, &self.settings.folder);
            self.list_store.send(list);
        }
    }
}
