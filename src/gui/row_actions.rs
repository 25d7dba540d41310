//! What the person does to rows and to the whole list — pause, resume, cancel, retry, remove,
//! move, open the folder; pause all, resume all, links added to the running run, Continue a
//! restored list — and the selection the keyboard acts on. Each action goes to the running
//! run's handle when there is one, and changes the rows the window shows.

use downpour::redact::KeptUrl;
use std::collections::BTreeSet;

use downpour::run::Move;
use downpour::{Job, OutcomeKind};

use super::DownpourApp;
use super::model::{Row, RowStatus};

/// Something done to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    /// Stop its download and keep its partial file.
    Pause,
    /// Continue it.
    Resume,
    /// Stop it for good (its partial file stays for later).
    Cancel,
    /// Download it again (a failed or cancelled one).
    Retry,
    /// Give it a new address, keeping what was downloaded if it serves the same file (a
    /// failed or cancelled one, or a paused one outside a run).
    ChangeAddress,
    /// Take it off the list (a running one is cancelled first).
    Remove,
    /// Show its folder.
    OpenFolder,
    /// Move it among the waiting rows.
    Move(Move),
}

impl RowAction {
    /// The actions that make sense for `row` now, in the order they are offered.
    pub fn for_row(row: &Row) -> Vec<RowAction> {
        let mut actions = Vec::new();
        match row.status {
            RowStatus::Queued => actions.extend([
                RowAction::Pause,
                RowAction::Cancel,
                RowAction::Move(Move::Up),
                RowAction::Move(Move::Down),
                RowAction::Move(Move::Top),
            ]),
            RowStatus::Downloading => actions.extend([RowAction::Pause, RowAction::Cancel]),
            RowStatus::Paused => actions.extend([
                RowAction::Resume,
                RowAction::Cancel,
                RowAction::ChangeAddress,
            ]),
            RowStatus::Ended(OutcomeKind::Failed | OutcomeKind::Cancelled) => {
                actions.extend([RowAction::Retry, RowAction::ChangeAddress]);
            }
            RowStatus::Ended(OutcomeKind::Done | OutcomeKind::Skipped) | RowStatus::Held(_) => {}
        }
        if row.path.is_some() {
            actions.push(RowAction::OpenFolder);
        }
        actions.push(RowAction::Remove);
        actions
    }
}

/// The selected rows (by item index) and where a Shift+click range starts.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// The selected items.
    pub rows: BTreeSet<usize>,
    /// The last row clicked without Shift.
    anchor: Option<usize>,
}

impl Selection {
    /// The row whose file is described under the list: the last one clicked, if it is still
    /// selected, else the first selected.
    pub fn described(&self) -> Option<usize> {
        self.anchor
            .filter(|a| self.rows.contains(a))
            .or_else(|| self.rows.first().copied())
    }
}

impl DownpourApp {
    /// A click on row `index`: alone selects it, Ctrl (⌘) adds or removes it, Shift selects
    /// the rows from the last one clicked.
    pub fn select_row(&mut self, index: usize, modifiers: egui::Modifiers) {
        let selection = &mut self.selection;
        if modifiers.shift
            && let (Some(anchor), Some(view)) = (selection.anchor, &self.view)
            && let (Some(a), Some(b)) = (view.position_of(anchor), view.position_of(index))
        {
            let (from, to) = (a.min(b), a.max(b));
            if !modifiers.command {
                selection.rows.clear();
            }
            selection
                .rows
                .extend(view.rows[from..=to].iter().map(|r| r.index));
            return;
        }
        if modifiers.command {
            if !selection.rows.remove(&index) {
                selection.rows.insert(index);
            }
        } else {
            selection.rows.clear();
            selection.rows.insert(index);
        }
        selection.anchor = Some(index);
    }

    /// Does `action` to row `index`.
    pub fn row_action(&mut self, ctx: &egui::Context, index: usize, action: RowAction) {
        let Some(row) = self.view.as_ref().and_then(|v| v.row(index)) else {
            return;
        };
        let (status, path) = (row.status, row.path.clone());
        let job = row.job();
        let handle = self
            .run
            .as_ref()
            .filter(|_| self.is_running())
            .map(|r| &r.handle);
        match action {
            RowAction::Pause => match handle {
                Some(handle) => handle.pause(index),
                None => {
                    self.set_status(index, RowStatus::Queued, RowStatus::Paused);
                }
            },
            RowAction::Resume => match handle {
                Some(handle) => handle.resume(index),
                None => {
                    self.set_status(index, RowStatus::Paused, RowStatus::Queued);
                }
            },
            RowAction::Cancel => match handle {
                Some(handle) => handle.cancel_item(index),
                None if status != RowStatus::Downloading => {
                    let cancelled = RowStatus::Ended(OutcomeKind::Cancelled);
                    if status != cancelled
                        && self.set_status(index, status, cancelled)
                        && let Some(view) = &mut self.view
                    {
                        // Counted, so that Retry offers it.
                        view.cancelled += 1;
                    }
                }
                None => {}
            },
            RowAction::Retry => self.retry_rows(ctx, job.into_iter().collect()),
            RowAction::ChangeAddress => {
                self.new_address = Some(super::address_ui::NewAddress::new(index));
            }
            RowAction::Remove => self.remove_rows(&BTreeSet::from([index])),
            RowAction::OpenFolder => {
                if let Some(folder) = path.as_deref().and_then(std::path::Path::parent) {
                    self.open_folder(ctx, folder.to_owned());
                }
            }
            RowAction::Move(to) => {
                let moved = handle.is_none_or(|handle| handle.move_item(index, to));
                if moved && let Some(view) = &mut self.view {
                    view.move_row(index, to);
                }
            }
        }
        self.list_store.mark();
    }

    /// Outside a run, a row's status changes at once (`from` to `to`); false if it was not
    /// `from`.
    fn set_status(&mut self, index: usize, from: RowStatus, to: RowStatus) -> bool {
        if let Some(row) = self.view.as_mut().and_then(|v| v.row_mut(index))
            && row.status == from
        {
            row.status = to;
            return true;
        }
        false
    }

    /// Downloads `jobs` again: in the running run if there is one, else in a new run that
    /// keeps the other rows.
    fn run_again(&mut self, ctx: &egui::Context, jobs: Vec<Job>) {
        if jobs.is_empty() {
            return;
        }
        let jobs = match self.run.as_ref().filter(|_| self.is_running()) {
            Some(run) => match run.handle.add(jobs) {
                Ok(()) => return,
                Err(jobs) => jobs,
            },
            None => jobs,
        };
        if !self.is_checking_folder() {
            self.check_then_run(ctx, jobs, true);
        }
    }

    /// Downloads failed or cancelled rows again. During a run they join it at once, ahead of
    /// the waiting rows, and count among its totals; else a new run starts that keeps the
    /// other rows.
    pub(super) fn retry_rows(&mut self, ctx: &egui::Context, jobs: Vec<Job>) {
        if jobs.is_empty() {
            return;
        }
        let jobs = match self.run.as_ref().filter(|_| self.is_running()) {
            Some(run) => match run.handle.add(jobs.clone()) {
                Ok(()) => {
                    // The last one first, so that they keep their order at the front.
                    for job in jobs.iter().rev() {
                        run.handle.move_item(job.index, Move::Top);
                    }
                    if let Some(view) = &mut self.view {
                        view.add_jobs(&jobs);
                        for job in jobs.iter().rev() {
                            view.move_row(job.index, Move::Top);
                        }
                    }
                    return;
                }
                Err(jobs) => jobs,
            },
            None => jobs,
        };
        if !self.is_checking_folder() {
            self.check_then_run(ctx, jobs, true);
        }
    }

    /// Takes rows off the list; running, waiting and paused ones are cancelled first (their
    /// partial files stay, to be continued by a later run of the same links).
    pub fn remove_rows(&mut self, indexes: &BTreeSet<usize>) {
        let Some(view) = &mut self.view else {
            return;
        };
        if let Some(run) = self.run.as_ref().filter(|r| !r.handle.is_finished()) {
            for row in view.rows.iter().filter(|r| indexes.contains(&r.index)) {
                if row.is_active() {
                    run.handle.cancel_item(row.index);
                }
            }
        }
        view.remove(indexes);
        self.selection.rows.retain(|i| !indexes.contains(i));
        self.list_store.mark();
    }

    /// Space: pauses the selected rows that are waiting or running; if none is, resumes the
    /// paused ones.
    pub fn toggle_selected(&mut self, ctx: &egui::Context) {
        let Some(view) = &self.view else {
            return;
        };
        let selected: Vec<(usize, RowStatus)> = self
            .selection
            .rows
            .iter()
            .filter_map(|&i| view.row(i).map(|r| (i, r.status)))
            .collect();
        let any_going = selected
            .iter()
            .any(|(_, s)| matches!(s, RowStatus::Queued | RowStatus::Downloading));
        for (index, status) in selected {
            match (any_going, status) {
                (true, RowStatus::Queued | RowStatus::Downloading) => {
                    self.row_action(ctx, index, RowAction::Pause);
                }
                (false, RowStatus::Paused) => self.row_action(ctx, index, RowAction::Resume),
                _ => {}
            }
        }
    }

    /// Pauses every row that is waiting or running.
    pub fn pause_all(&mut self) {
        match self.run.as_ref().filter(|_| self.is_running()) {
            Some(run) => run.handle.pause_all(),
            None => self.set_all(RowStatus::Queued, RowStatus::Paused),
        }
        self.list_store.mark();
    }

    /// Resumes every paused row.
    pub fn resume_all(&mut self) {
        match self.run.as_ref().filter(|_| self.is_running()) {
            Some(run) => run.handle.resume_all(),
            None => self.set_all(RowStatus::Paused, RowStatus::Queued),
        }
        self.list_store.mark();
    }

    fn set_all(&mut self, from: RowStatus, to: RowStatus) {
        if let Some(view) = &mut self.view {
            for row in view.rows.iter_mut().filter(|r| r.status == from) {
                row.status = to;
            }
        }
    }

    /// The links of the links box that are not in the list yet, numbered after it.
    pub fn new_links(&self) -> Vec<Job> {
        let listed: std::collections::HashSet<KeptUrl> = self
            .view
            .iter()
            .flat_map(|v| v.rows.iter())
            .map(|r| r.kept_url.clone())
            .collect();
        let mut next = self
            .view
            .iter()
            .flat_map(|v| v.rows.iter())
            .map(|r| r.index)
            .max()
            .unwrap_or(0);
        let mut seen = std::collections::HashSet::new();
        self.list
            .entries
            .iter()
            .filter(|e| {
                let key = KeptUrl::of(&e.url);
                !listed.contains(&key) && seen.insert(key)
            })
            .map(|e| {
                next += 1;
                Job {
                    index: next,
                    ..self.handed.job(e)
                }
            })
            .collect()
    }

    /// Adds the links box's new links to the running run: they download after the rows
    /// before them, and map mode reports them after those. False if there were none.
    pub fn add_to_run(&mut self, ctx: &egui::Context) -> bool {
        self.reparse();
        let jobs = self.new_links();
        if jobs.is_empty() {
            return false;
        }
        if let Some(view) = &mut self.view {
            view.add_jobs(&jobs);
        }
        self.run_again(ctx, jobs);
        self.list_store.mark();
        true
    }

    /// With "start at once" on, starts what was just handed over: joining the running run
    /// (or a new one that keeps the rows) when there is a list, else as Start does.
    pub fn start_handed(&mut self, ctx: &egui::Context) {
        if !self.settings.start_handed {
            return;
        }
        if self.view.is_some() {
            self.add_to_run(ctx);
        } else {
            self.start(ctx);
        }
    }

    /// The rows Continue downloads: waiting and paused ones, in list order. A link the links
    /// box holds with its password (saved lists keep none) is used with it.
    pub fn unfinished_jobs(&self) -> Vec<Job> {
        let typed: std::collections::HashMap<KeptUrl, &url::Url> = self
            .list
            .entries
            .iter()
            .map(|e| (KeptUrl::of(&e.url), &e.url))
            .collect();
        let Some(view) = &self.view else {
            return Vec::new();
        };
        view.rows
            .iter()
            .filter(|r| matches!(r.status, RowStatus::Queued | RowStatus::Paused))
            .filter_map(|r| {
                let mut job = r.job()?;
                if let Some(url) = typed.get(&r.kept_url) {
                    job.url = (*url).clone();
                }
                Some(job)
            })
            .collect()
    }

    /// Continue: downloads the restored list's unfinished rows (partial files continue where
    /// they stopped), keeping the finished and failed ones as they are.
    pub fn continue_list(&mut self, ctx: &egui::Context) -> bool {
        if self.is_running() || self.is_checking_folder() {
            return false;
        }
        let jobs = self.unfinished_jobs();
        if jobs.is_empty() {
            return false;
        }
        self.check_then_run(ctx, jobs, true);
        true
    }
}
