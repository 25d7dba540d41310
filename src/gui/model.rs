//! What the window knows about a run, built only from engine events: one row per item,
//! the results in reported order, and running totals kept up to date incrementally so that a
//! frame never walks 10,000 rows.

use std::path::PathBuf;
use std::time::Instant;

use downpour::run::Move;
use downpour::{DownloadError, Event, ItemRecord, Job, Mode, OutcomeKind, names};

pub use super::row::{Row, RowNote, RowStatus};

/// One line of the results, in reported order.
#[derive(Debug, Clone)]
pub struct ResultLine {
    /// The item.
    pub index: usize,
    /// How the item ended.
    pub outcome: OutcomeKind,
    /// The file's name.
    pub name: String,
    /// Why it failed, if it did.
    pub error: Option<DownloadError>,
    /// Seconds the item took.
    pub secs: f64,
}

/// A run shown in the window: rows, results and totals.
pub struct RunView {
    /// The mode of the run.
    pub mode: Mode,
    /// Workers in use.
    pub workers: usize,
    /// One row per item of the list (index `i` at `rows[i-1]` when the list is whole).
    pub rows: Vec<Row>,
    /// Position of each index in `rows`.
    position: std::collections::HashMap<usize, usize>,
    /// Results in reported order.
    pub results: Vec<ResultLine>,
    /// Full records in reported order (for charts and export).
    pub records: Vec<ItemRecord>,
    /// Items that ended and wait for the ones before them to be reported (input order), with
    /// when they ended, in milliseconds since the run began.
    pub held: std::collections::BTreeMap<usize, u64>,
    /// Items in this run (a retry run has fewer than `rows`).
    pub total: usize,
    /// Items reported so far.
    pub reported: usize,
    /// Items done / failed / cancelled.
    pub done: usize,
    /// Failed items.
    pub failed: usize,
    /// Cancelled items.
    pub cancelled: usize,
    /// Items already there.
    pub skipped: usize,
    /// Bytes received in this run.
    pub bytes: u64,
    /// Bytes announced by the answers seen so far (for the ETA).
    pub announced: u64,
    /// Items whose size was announced.
    sized: usize,
    /// Items that ended without a size ever announced (skipped, failed before an answer).
    ended_unsized: usize,
    /// When the run started (wall clock, for elapsed and speed).
    pub started: Instant,
    /// Set when the run finished: its total time.
    pub elapsed_ms: Option<u64>,
    /// Recent speed in bytes per second (smoothed).
    pub speed: f64,
    speed_mark: (Instant, u64),
}

impl RunView {
    /// A fresh view for `jobs`, keeping `previous` rows that are not re-run (Retry failed).
    pub fn new(mode: Mode, workers: usize, jobs: &[Job], previous: Vec<Row>) -> Self {
        let mut rows = previous;
        if rows.is_empty() {
            rows = jobs.iter().map(Row::new).collect();
        }
        let position = rows.iter().enumerate().map(|(i, r)| (r.index, i)).collect();
        let mut view = Self {
            mode,
            workers,
            rows,
            position,
            results: Vec::new(),
            records: Vec::new(),
            held: std::collections::BTreeMap::new(),
            total: jobs.len(),
            reported: 0,
            done: 0,
            failed: 0,
            cancelled: 0,
            skipped: 0,
            bytes: 0,
            announced: 0,
            sized: 0,
            ended_unsized: 0,
            started: Instant::now(),
            elapsed_ms: None,
            speed: 0.0,
            speed_mark: (Instant::now(), 0),
        };
        view.reset_rows(jobs);
        view
    }

    /// A list restored from the data folder, with no run behind it: its counts are those of
    /// its rows.
    pub fn restored(mode: Mode, workers: usize, rows: Vec<Row>) -> Self {
        let mut view = Self::new(mode, workers, &[], rows);
        view.total = view.rows.len();
        for row in &view.rows {
            if let RowStatus::Ended(kind) = row.status {
                view.reported += 1;
                view.bytes += row.bytes;
                match kind {
                    OutcomeKind::Done => view.done += 1,
                    OutcomeKind::Failed => view.failed += 1,
                    OutcomeKind::Cancelled => view.cancelled += 1,
                    OutcomeKind::Skipped => view.skipped += 1,
                }
            }
        }
        view.elapsed_ms = Some(0);
        view
    }

    /// Makes each job's row a waiting one again, adding rows for jobs that have none.
    fn reset_rows(&mut self, jobs: &[Job]) {
        for job in jobs {
            match self.row_mut(job.index) {
                Some(row) => *row = Row::new(job),
                None => {
                    self.position.insert(job.index, self.rows.len());
                    self.rows.push(Row::new(job));
                }
            }
        }
    }

    /// Jobs that joined the running run (added links, a retried row): their rows wait again.
    /// A row this run already reported is counted once: its earlier end no longer counts.
    pub fn add_jobs(&mut self, jobs: &[Job]) {
        for job in jobs {
            let ended = self.row(job.index).and_then(|row| match row.status {
                RowStatus::Ended(kind) => Some(kind),
                _ => None,
            });
            let in_this_run = self.results.iter().any(|r| r.index == job.index);
            match ended.filter(|_| in_this_run) {
                Some(kind) => {
                    self.reported = self.reported.saturating_sub(1);
                    let count = match kind {
                        OutcomeKind::Done => &mut self.done,
                        OutcomeKind::Failed => &mut self.failed,
                        OutcomeKind::Cancelled => &mut self.cancelled,
                        OutcomeKind::Skipped => &mut self.skipped,
                    };
                    *count = count.saturating_sub(1);
                }
                None => self.total += 1,
            }
        }
        self.reset_rows(jobs);
    }

    /// Takes the rows of `indexes` off the list.
    pub fn remove(&mut self, indexes: &std::collections::BTreeSet<usize>) {
        self.rows.retain(|row| !indexes.contains(&row.index));
        self.reindex();
    }

    fn reindex(&mut self) {
        self.position = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.index, i))
            .collect();
    }

    /// The row of item `index`.
    pub fn row(&self, index: usize) -> Option<&Row> {
        self.rows.get(*self.position.get(&index)?)
    }

    /// The list position of item `index`.
    pub fn position_of(&self, index: usize) -> Option<usize> {
        self.position.get(&index).copied()
    }

    /// Moves a waiting row among the waiting rows, as the engine's queue moves it; false if
    /// it cannot move.
    pub fn move_row(&mut self, index: usize, to: Move) -> bool {
        let waiting: Vec<usize> = (0..self.rows.len())
            .filter(|&i| self.rows[i].status == RowStatus::Queued)
            .collect();
        let Some(at) = self.position_of(index) else {
            return false;
        };
        let Some(k) = waiting.iter().position(|&i| i == at) else {
            return false;
        };
        let target = match to {
            Move::Up => k.checked_sub(1),
            Move::Down => (k + 1 < waiting.len()).then_some(k + 1),
            Move::Top => (k > 0).then_some(0),
        };
        let Some(target) = target.map(|t| waiting[t]) else {
            return false;
        };
        let row = self.rows.remove(at);
        self.rows.insert(target, row);
        self.reindex();
        true
    }

    /// The row of item `index`.
    pub fn row_mut(&mut self, index: usize) -> Option<&mut Row> {
        let at = *self.position.get(&index)?;
        self.rows.get_mut(at)
    }

    /// Whether every item has been reported.
    pub fn is_finished(&self) -> bool {
        self.elapsed_ms.is_some()
    }

    /// Milliseconds since the start (or the total, once finished).
    pub fn elapsed_ms(&self) -> u64 {
        self.elapsed_ms
            .unwrap_or_else(|| self.started.elapsed().as_millis() as u64)
    }

    /// How far the run is by bytes, in percent: the bytes received over those announced, each
    /// file not answered yet counted at the average size announced. Below 100 until the end.
    pub fn percent_by_bytes(&self) -> u32 {
        if self.is_finished() {
            return 100;
        }
        if self.sized == 0 {
            return 0;
        }
        let average = self.announced as f64 / self.sized as f64;
        let unanswered = self.total.saturating_sub(self.sized + self.ended_unsized);
        let expected = self.announced as f64 + average * unanswered as f64;
        let percent = (self.bytes as f64 / expected * 100.0).floor();
        (percent as u32).min(99)
    }

    /// Seconds left, estimated from the bytes announced and the current speed.
    pub fn eta_secs(&self) -> Option<u64> {
        if self.is_finished() || self.speed <= 0.0 || self.announced <= self.bytes {
            return None;
        }
        Some(((self.announced - self.bytes) as f64 / self.speed).ceil() as u64)
    }

    /// Applies one engine event.
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::RunStarted { workers, .. } => self.workers = workers,
            Event::ItemStarted {
                index,
                worker,
                at_ms,
            } => {
                if let Some(row) = self.row_mut(index) {
                    row.status = RowStatus::Downloading;
                    row.worker = worker;
                    row.started_ms = Some(at_ms);
                }
            }
            Event::ItemResponded {
                index,
                path,
                total,
                resumed_from,
                one_connection,
                warning,
                protocol,
            } => {
                if let Some(row) = self.row_mut(index) {
                    row.one_connection = one_connection;
                    row.warning = warning;
                    row.protocol = protocol;
                    row.connections = 1;
                }
                self.responded(index, path, total, resumed_from);
            }
            Event::Progress { index, bytes } => self.progress(index, bytes),
            Event::Retrying {
                index,
                attempt,
                of,
                reason,
                server_wait_ms,
            } => {
                let note = RowNote::Retrying {
                    attempt,
                    of,
                    reason,
                    until: server_wait_ms
                        .map(|ms| std::time::Instant::now() + std::time::Duration::from_millis(ms)),
                };
                self.note(index, note, false);
            }
            Event::ServerLimit {
                index,
                connections,
                waits,
                ..
            } => self.note(index, RowNote::ServerLimit { connections }, waits),
            Event::ItemHeld {
                index,
                outcome,
                finished_ms,
            } => self.hold(index, outcome, finished_ms),
            Event::ItemReported(record) => self.report(record),
            Event::ItemPaused { index, bytes } => self.pause(index, bytes),
            Event::ItemResumed { index } => {
                if let Some(row) = self.row_mut(index) {
                    row.status = RowStatus::Queued;
                }
            }
            Event::Connections { index, count } => {
                if let Some(row) = self.row_mut(index) {
                    row.connections = count;
                }
            }
            // The window's question, not a row's (see login_ui).
            Event::LoginWanted(_) => {}
            Event::RunFinished { elapsed_ms } => {
                self.elapsed_ms = Some(elapsed_ms);
                self.speed = 0.0;
            }
        }
    }

    /// Item `index` has `bytes` now.
    fn progress(&mut self, index: usize, bytes: u64) {
        let mut delta = 0;
        if let Some(row) = self.row_mut(index) {
            delta = bytes.saturating_sub(row.bytes);
            row.progress(bytes);
        }
        self.bytes += delta;
        self.update_speed();
    }

    /// Notes `note` on the row of item `index`, which waits in the queue again if `queued`.
    fn note(&mut self, index: usize, note: RowNote, queued: bool) {
        if let Some(row) = self.row_mut(index) {
            row.note = Some(note);
            if queued {
                row.status = RowStatus::Queued;
            }
        }
    }

    /// The server answered for item `index`: its file, its size, and the bytes an earlier
    /// run left that this answer continues.
    /// Takes what Check links learned before Start about item `index`: its name and size, so
    /// that the row shows them and the progress by bytes and the time left count the file
    /// from the first moment, before its server answers the run.
    pub fn learned(&mut self, index: usize, name: Option<&str>, size: Option<u64>) {
        let mut added = 0;
        if let Some(row) = self.row_mut(index)
            && row.path.is_none()
        {
            if let Some(name) = name {
                name.clone_into(&mut row.name);
            }
            if row.total.is_none() {
                added = size.unwrap_or(0);
                row.total = size;
            }
        }
        self.announced += added;
        self.sized += usize::from(added > 0);
    }

    fn responded(&mut self, index: usize, path: PathBuf, total: Option<u64>, resumed_from: u64) {
        let mut added = 0;
        let mut dropped = None;
        if let Some(row) = self.row_mut(index) {
            row.name = names::display_name(&path);
            row.path = Some(path);
            if row.total.is_none() {
                added = total.unwrap_or(0);
            }
            // A continued file's answer may not name the whole size; the earlier one did.
            row.total = total.or(row.total.filter(|_| resumed_from > 0));
            // A new answer starts the count again, from what is already on disk.
            dropped = Some(std::mem::replace(&mut row.bytes, resumed_from));
            row.still();
        }
        if let Some(dropped) = dropped {
            self.bytes = self.bytes.saturating_sub(dropped) + resumed_from;
            // Bytes an earlier run saved count as done, but not as speed.
            self.speed_mark.1 = self.speed_mark.1.saturating_sub(dropped) + resumed_from;
        }
        self.announced += added;
        self.sized += usize::from(added > 0);
    }

    fn update_speed(&mut self) {
        let (at, bytes) = self.speed_mark;
        let dt = at.elapsed().as_secs_f64();
        if dt >= 0.5 {
            let current = (self.bytes.saturating_sub(bytes)) as f64 / dt;
            self.speed = if self.speed == 0.0 {
                current
            } else {
                0.6 * current + 0.4 * self.speed
            };
            self.speed_mark = (Instant::now(), self.bytes);
        }
    }

    /// Item `index` ended with `outcome` at `finished_ms` and waits for earlier ones.
    fn hold(&mut self, index: usize, outcome: OutcomeKind, finished_ms: u64) {
        self.held.insert(index, finished_ms);
        if let Some(row) = self.row_mut(index) {
            row.status = RowStatus::Held(outcome);
            row.connections = 0;
            row.still();
        }
    }

    /// Item `index` was paused with `bytes` kept.
    fn pause(&mut self, index: usize, bytes: u64) {
        if let Some(row) = self.row_mut(index) {
            row.status = RowStatus::Paused;
            row.still();
            // A file fetched in spans may report none kept; its progress says more (the next
            // answer's `resumed_from` sets the count right).
            row.bytes = row.bytes.max(bytes);
            row.connections = 0;
        }
    }

    fn report(&mut self, record: ItemRecord) {
        self.reported += 1;
        self.held.remove(&record.index);
        let secs = record.finished_ms.saturating_sub(record.started_ms) as f64 / 1000.0;
        let mut extra = 0;
        let mut no_size = false;
        if let Some(row) = self.row_mut(record.index) {
            no_size = row.total.is_none() && record.total.is_none();
            extra = record.bytes.saturating_sub(row.bytes);
            row.bytes = record.bytes;
            row.total = record.total.or(row.total);
            row.worker = record.worker;
            row.started_ms = Some(record.started_ms);
            row.finished_ms = Some(record.finished_ms);
            if let Some(path) = &record.path {
                row.name = names::display_name(path);
                row.path = Some(path.clone());
            }
            row.status = RowStatus::Ended(record.outcome.kind());
            row.still();
            row.note = record.outcome.error().cloned().map(RowNote::Failed);
            row.hash.clone_from(&record.sha256);
            row.connections = 0;
            if record.warning.is_some() || record.outcome.error().is_some() {
                // A failure's sentence says it all (a web page that was not kept).
                row.warning.clone_from(&record.warning);
            }
        }
        self.bytes += extra;
        self.ended_unsized += usize::from(no_size);
        let name = self
            .position
            .get(&record.index)
            .and_then(|&at| self.rows.get(at))
            .map(|r| r.name.clone())
            .unwrap_or_default();
        match record.outcome.kind() {
            OutcomeKind::Done => self.done += 1,
            OutcomeKind::Failed => self.failed += 1,
            OutcomeKind::Cancelled => self.cancelled += 1,
            OutcomeKind::Skipped => self.skipped += 1,
        }
        self.results.push(ResultLine {
            index: record.index,
            outcome: record.outcome.kind(),
            name,
            error: record.outcome.error().cloned(),
            secs,
        });
        self.records.push(record);
    }

    /// How many reported items ended as `kind`.
    pub fn count(&self, kind: OutcomeKind) -> usize {
        match kind {
            OutcomeKind::Done => self.done,
            OutcomeKind::Failed => self.failed,
            OutcomeKind::Cancelled => self.cancelled,
            OutcomeKind::Skipped => self.skipped,
        }
    }

    /// Rows that ended without their file — failed or cancelled — as jobs for Retry.
    pub fn not_downloaded_jobs(&self) -> Vec<Job> {
        self.rows
            .iter()
            .filter(|r| r.is_not_downloaded())
            .filter_map(Row::job)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_learned_by_the_check_count_once_when_the_run_answers() {
        let jobs: Vec<Job> =
            downpour::parse_list("https://127.0.0.1:1/a.bin\nhttps://127.0.0.1:1/b")
                .entries
                .iter()
                .map(Job::from)
                .collect();
        let mut view = RunView::new(Mode::Submit, 1, &jobs, Vec::new());
        view.learned(1, Some("named.bin"), Some(100));
        view.learned(2, None, None);
        assert_eq!((view.announced, view.sized), (100, 1));
        assert_eq!(view.rows[0].name, "named.bin");
        assert_eq!(view.rows[0].total, Some(100));
        view.apply(Event::ItemResponded {
            index: 1,
            path: "/tmp/named.bin".into(),
            total: Some(100),
            resumed_from: 0,
            one_connection: None,
            warning: None,
            protocol: None,
        });
        assert_eq!((view.announced, view.sized), (100, 1), "counted once");
    }

    #[test]
    fn a_row_learns_the_protocol_its_file_came_over_and_says_it_in_both_languages() {
        let jobs: Vec<Job> = downpour::parse_list("https://127.0.0.1:1/a.bin")
            .entries
            .iter()
            .map(Job::from)
            .collect();
        let mut view = RunView::new(Mode::Submit, 1, &jobs, Vec::new());
        assert_eq!(view.rows[0].protocol, None);
        view.apply(Event::ItemResponded {
            index: 1,
            path: "/tmp/a.bin".into(),
            total: Some(10),
            resumed_from: 0,
            one_connection: None,
            warning: None,
            protocol: Some(downpour::model::Protocol::Http2),
        });
        let protocol = view.rows[0].protocol.unwrap();
        assert_eq!(
            crate::gui::i18n::Lang::En.protocol(protocol),
            "Over HTTP/2."
        );
        assert_eq!(
            crate::gui::i18n::Lang::Zh.protocol(protocol),
            "通过 HTTP/2 传输。"
        );
    }

    #[test]
    fn resumed_bytes_count_as_done_but_not_as_speed() {
        let jobs: Vec<Job> = downpour::parse_list("http://127.0.0.1:1/big.iso")
            .entries
            .iter()
            .map(Job::from)
            .collect();
        let mut view = RunView::new(Mode::Submit, 1, &jobs, Vec::new());
        view.apply(Event::ItemResponded {
            index: 1,
            path: "/tmp/big.iso".into(),
            total: Some(10_000),
            resumed_from: 6_000,
            one_connection: None,
            warning: None,
            protocol: None,
        });
        assert_eq!(view.bytes, 6_000);
        assert_eq!(view.rows[0].bytes, 6_000);
        // One second later, 1000 more bytes: 1000 B/s, not 7000.
        view.speed_mark.0 -= std::time::Duration::from_secs(1);
        view.apply(Event::Progress {
            index: 1,
            bytes: 7_000,
        });
        assert_eq!(view.bytes, 7_000);
        assert!((900.0..1_100.0).contains(&view.speed), "{}", view.speed);
        // 3000 bytes left at ≈ 1000 B/s (the clock ran a little past the second).
        assert!(
            matches!(view.eta_secs(), Some(3 | 4)),
            "{:?}",
            view.eta_secs()
        );
    }

    #[test]
    fn a_server_limit_is_said_in_the_row_and_the_item_waits_again() {
        let jobs: Vec<Job> = downpour::parse_list("http://127.0.0.1:1/a.bin")
            .entries
            .iter()
            .map(Job::from)
            .collect();
        let mut view = RunView::new(Mode::Submit, 4, &jobs, Vec::new());
        view.apply(Event::ItemStarted {
            index: 1,
            worker: 1,
            at_ms: 0,
        });
        view.apply(Event::ServerLimit {
            index: 1,
            host: "127.0.0.1:1".to_owned(),
            connections: 2,
            waits: true,
        });
        let row = &view.rows[0];
        assert_eq!(row.status, RowStatus::Queued);
        let note = row.note.as_ref().unwrap();
        use crate::gui::i18n::Lang;
        assert_eq!(
            Lang::En.row_note(note),
            "the server allows 2 connections at a time"
        );
        assert_eq!(Lang::Zh.row_note(note), "服务器一次只允许 2 个连接");
    }

    #[test]
    fn a_wait_the_server_asked_for_counts_down_in_the_row() {
        let jobs: Vec<Job> = downpour::parse_list("http://127.0.0.1:1/a.bin")
            .entries
            .iter()
            .map(Job::from)
            .collect();
        let mut view = RunView::new(Mode::Submit, 1, &jobs, Vec::new());
        let retrying = |server_wait_ms| Event::Retrying {
            index: 1,
            attempt: 1,
            of: 3,
            reason: DownloadError::Status {
                code: 503,
                reason: "Service Unavailable".to_owned(),
            },
            server_wait_ms,
        };
        view.apply(retrying(Some(42_000)));
        use crate::gui::i18n::Lang;
        let note = view.rows[0].note.clone().unwrap();
        assert_eq!(
            Lang::En.row_note(&note),
            "retrying (1/3) in 42 s, as the server asks, after: the server answered 503 \
             Service Unavailable"
        );
        assert!(
            Lang::Zh
                .row_note(&note)
                .starts_with("42 秒后重试（1/3，服务器要求等待）"),
            "{}",
            Lang::Zh.row_note(&note)
        );
        // Once the wait is over (or when the server asked none), the plain notice.
        view.apply(retrying(Some(0)));
        let note = view.rows[0].note.clone().unwrap();
        assert_eq!(
            Lang::En.row_note(&note),
            "retrying (1/3) after: the server answered 503 Service Unavailable"
        );
    }
}
