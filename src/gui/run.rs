//! Starting and stopping runs. Start and Retry failed do no file I/O themselves: they ask a
//! helper thread to check the save folder (a stat and a probe file) and the run starts when
//! its answer arrives in `poll`. Meanwhile the window says it is checking, and a second Start
//! does nothing.

use std::path::PathBuf;
use std::sync::mpsc;

use downpour::limit::SpeedLimit;
use downpour::{EventSink, Job, start_run};

use super::model::{Row, RunView};
use super::tasks::prepare_folder;
use super::{ActiveRun, DownpourApp, FolderProblem, Tab, UiMessage};

/// A run waiting for the helper's answer about its folder.
pub struct PendingRun {
    /// The folder being checked.
    folder: PathBuf,
    /// What to download.
    jobs: Vec<Job>,
    /// Whether the last run's rows stay (Retry failed) or a fresh list starts.
    keep_rows: bool,
}

impl DownpourApp {
    /// Whether a run is going on.
    pub fn is_running(&self) -> bool {
        self.view.as_ref().is_some_and(|v| !v.is_finished()) && self.run.is_some()
    }

    /// Whether a run waits for the check of its folder.
    pub fn is_checking_folder(&self) -> bool {
        self.pending.is_some()
    }

    /// Why Start is disabled, if it is.
    pub fn start_blocker(&self) -> Option<&'static str> {
        let t = self.lang().t();
        if self.is_running() {
            Some(t.running)
        } else if self.is_checking_folder() {
            Some(t.checking_folder)
        } else if self.list.entries.is_empty() {
            Some(t.nothing_to_do)
        } else if self.rate_text.parse::<SpeedLimit>().is_err() {
            Some(t.rate_invalid)
        } else if !self.proxy.is_readable() {
            Some(t.network_invalid)
        } else {
            None
        }
    }

    /// Asks for every valid link to be downloaded once the folder is checked (and created,
    /// if it is missing). False when Start is disabled (nothing to do, a run going on, a
    /// check under way).
    pub fn start(&mut self, ctx: &egui::Context) -> bool {
        self.reparse();
        if self.start_blocker().is_some() {
            return false;
        }
        let jobs = self.listed_jobs();
        self.check_then_run(ctx, jobs, false);
        true
    }

    /// The links of the links box as the engine takes them, each with what the browser
    /// handed for it (its suggested name, its page).
    pub(super) fn listed_jobs(&self) -> Vec<Job> {
        self.list
            .entries
            .iter()
            .map(|e| self.handed.job(e))
            .collect()
    }

    /// The run's settings for `folder` as the engine takes them, for a run and for Check
    /// links alike: the resume records in the window's data folder, what the browser handed
    /// (its cookies and User-Agent), and the desktop's proxy if it was asked.
    pub(super) fn engine_config(
        &self,
        folder: PathBuf,
        desktop_proxy: Option<super::desktop_proxy::DesktopProxy>,
    ) -> downpour::RunConfig {
        let mut config = self.settings.run.config(folder);
        config.state_dir = self.data_dir().map(ToOwned::to_owned);
        if let Some(desktop) = desktop_proxy {
            // The desktop's own proxy, for the System setting where no variable names one.
            desktop.apply(&mut config.access);
        }
        self.handed.apply(&mut config.access);
        config
    }

    /// Asks for the items that ended without their file (failed or cancelled) to be
    /// downloaded again, keeping the other rows, once the folder is checked.
    pub fn retry_failed(&mut self, ctx: &egui::Context) -> bool {
        if self.is_running() || self.is_checking_folder() {
            return false;
        }
        let jobs = self
            .view
            .as_ref()
            .map(RunView::not_downloaded_jobs)
            .unwrap_or_default();
        if jobs.is_empty() {
            return false;
        }
        self.check_then_run(ctx, jobs, true);
        true
    }

    /// Hands the folder check to a helper; [`Self::folder_checked`] takes the answer.
    pub(super) fn check_then_run(&mut self, ctx: &egui::Context, jobs: Vec<Job>, keep_rows: bool) {
        let folder = self.folder();
        let question = super::desktop_proxy::Question::for_links(
            &self.settings.run.proxy,
            &self.desktop_bus,
            jobs.iter().map(|job| &job.url),
        );
        self.pending = Some(PendingRun {
            folder: folder.clone(),
            jobs,
            keep_rows,
        });
        self.spawn_helper(ctx, move || {
            let result = prepare_folder(&folder);
            let desktop_proxy = question.and_then(|question| question.ask());
            Some(UiMessage::FolderChecked {
                folder,
                result,
                desktop_proxy,
            })
        });
    }

    /// The helper's answer: the waiting run starts, or the problem is shown by the folder.
    /// A folder the person typed that had to be created is said in the notice (the usual
    /// Downloads folder is created without a word).
    pub(super) fn folder_checked(
        &mut self,
        ctx: &egui::Context,
        folder: PathBuf,
        result: Result<bool, FolderProblem>,
        desktop_proxy: Option<super::desktop_proxy::DesktopProxy>,
    ) {
        let Some(pending) = self.pending.take_if(|p| p.folder == folder) else {
            return;
        };
        match result {
            Ok(created) => {
                let rows = if pending.keep_rows {
                    self.view.take().map(|v| v.rows).unwrap_or_default()
                } else {
                    Vec::new()
                };
                let typed = folder != downpour::options::default_download_dir();
                self.launch(ctx, pending.jobs, rows, folder.clone(), desktop_proxy);
                if created && typed {
                    self.notice = Some(super::Notice::FolderCreated(folder));
                }
            }
            Err(problem) => self.folder_problem = Some(problem),
        }
    }

    /// Starts `jobs` in `folder`, which was just checked.
    fn launch(
        &mut self,
        ctx: &egui::Context,
        jobs: Vec<Job>,
        rows: Vec<Row>,
        folder: PathBuf,
        desktop_proxy: Option<super::desktop_proxy::DesktopProxy>,
    ) {
        self.folder_problem = None;
        self.notice = None;
        let mut config = self.engine_config(folder, desktop_proxy);
        // The window asks for the logins sites want (see login_ui).
        config.access.ask_logins = true;
        self.login_prompts.clear();
        let workers = config.effective_workers();
        let (tx, rx) = mpsc::channel();
        let waker = ctx.clone();
        let sink = EventSink::new(tx).with_waker(move || waker.request_repaint());
        let mut view = RunView::new(self.settings.run.mode, workers, &jobs, rows);
        self.checker.hand_to(&mut view, &jobs);
        self.view = Some(view);
        let handle = start_run(jobs, config, sink);
        self.run = Some(ActiveRun { handle, events: rx });
        self.tab = Tab::Downloads;
        self.restored = false;
        self.list_store.mark();
    }

    /// Asks the run to stop.
    pub fn cancel(&mut self) {
        if let Some(run) = &self.run {
            run.handle.cancel();
        }
    }

    /// Whether Cancel was pressed and the run is winding down.
    pub fn is_cancelling(&self) -> bool {
        self.is_running() && self.run.as_ref().is_some_and(|r| r.handle.is_cancelling())
    }
}
