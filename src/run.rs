//! The three ways to run a batch — sequential, threaded-submit and threaded-map — with N
//! workers on a rayon pool of named event-loop threads, and one event enum on a channel so the
//! window and the CLI see every item start, progress and end exactly once.

use std::cell::Cell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::DownloadError;
use crate::fetch;
use crate::names::NameBook;
use crate::resume::Leftovers;
use crate::urls::UrlEntry;

/// How a batch is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One download at a time, in input order.
    Sequential,
    /// N workers; each result is reported the moment it finishes (like `as_completed`).
    #[default]
    Submit,
    /// N workers; results are reported strictly in input order (like `executor.map`).
    Map,
}

impl Mode {
    /// All modes, in the order they are presented.
    pub const ALL: [Mode; 3] = [Mode::Sequential, Mode::Submit, Mode::Map];

    /// The name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Submit => "submit",
            Mode::Map => "map",
        }
    }

    /// Parses a command-line name (`sequential`, `submit` or `map`).
    pub fn parse(text: &str) -> Option<Mode> {
        Mode::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// Settings of one run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// How items are scheduled and reported.
    pub mode: Mode,
    /// Workers (downloads at once), 1..=64 (sequential always uses one).
    pub workers: usize,
    /// The folder files are saved into.
    pub out_dir: PathBuf,
    /// How many times a transient failure is retried.
    pub retries: u32,
    /// Longest wait for a TCP connection.
    pub connect_timeout: Duration,
    /// Longest wait for the answer or for the next bytes of the body.
    pub stall_timeout: Duration,
    /// Least time between two progress events of one item.
    pub progress_interval: Duration,
    /// First pause before a retry; doubled each time, with jitter.
    pub retry_backoff: Duration,
    /// After a cancel, how long in-flight items may take to notice before they are reported
    /// cancelled anyway.
    pub cancel_grace: Duration,
    /// Whether every file's SHA-256 is computed (items with an expected checksum are always
    /// checked).
    pub checksums: bool,
}

impl RunConfig {
    /// A configuration with Downpour's defaults.
    pub fn new(mode: Mode, workers: usize, out_dir: impl Into<PathBuf>) -> Self {
        Self {
            mode,
            workers,
            out_dir: out_dir.into(),
            retries: 3,
            connect_timeout: Duration::from_secs(15),
            stall_timeout: Duration::from_secs(30),
            progress_interval: Duration::from_millis(100),
            retry_backoff: Duration::from_millis(500),
            cancel_grace: Duration::from_millis(800),
            checksums: true,
        }
    }

    /// The number of workers (downloads at once) this run really uses.
    pub fn effective_workers(&self) -> usize {
        match self.mode {
            Mode::Sequential => 1,
            Mode::Submit | Mode::Map => self.workers.clamp(1, crate::MAX_WORKERS),
        }
    }
}

/// One URL to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The item's 1-based index in its list.
    pub index: usize,
    /// The address.
    pub url: Url,
    /// The expected SHA-256 (lower-case hex), if known.
    pub sha256: Option<String>,
}

impl From<&UrlEntry> for Job {
    fn from(entry: &UrlEntry) -> Self {
        Self {
            index: entry.index,
            url: entry.url.clone(),
            sha256: entry.sha256.clone(),
        }
    }
}

/// How an item ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The file is complete under its final name.
    Done,
    /// The item failed; the sentence says why.
    Failed(DownloadError),
    /// The run was cancelled before the item completed.
    Cancelled,
}

impl ItemRecord {
    /// The saved file's name, for display (empty if it never got one).
    pub fn file_name(&self) -> String {
        self.path
            .as_deref()
            .map(crate::names::display_name)
            .unwrap_or_default()
    }
}

impl Outcome {
    /// `done`, `failed` or `cancelled`.
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Failed(_) => "failed",
            Outcome::Cancelled => "cancelled",
        }
    }

    /// The error, if the item failed.
    pub fn error(&self) -> Option<&DownloadError> {
        match self {
            Outcome::Failed(err) => Some(err),
            _ => None,
        }
    }
}

/// Everything recorded about one item. Times are milliseconds since the run began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRecord {
    /// The item's 1-based index.
    pub index: usize,
    /// The address.
    pub url: String,
    /// Where the file was (or would have been) saved.
    pub path: Option<PathBuf>,
    /// Bytes written.
    pub bytes: u64,
    /// The announced size, when the server gave one.
    pub total: Option<u64>,
    /// The 1-based worker that ran it (0 if it never started).
    pub worker: usize,
    /// When a worker picked it up.
    pub started_ms: u64,
    /// When the answer's headers arrived.
    pub first_byte_ms: Option<u64>,
    /// When the download ended.
    pub finished_ms: u64,
    /// When the run reported it (later than `finished_ms` when map mode held it back).
    pub reported_ms: u64,
    /// How many times it was retried.
    pub retries: u32,
    /// The SHA-256 of the complete file (lower-case hex), once computed.
    pub sha256: Option<String>,
    /// Done, failed or cancelled.
    pub outcome: Outcome,
}

/// What the engine tells the window or the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The run began.
    RunStarted {
        /// Number of items.
        total: usize,
        /// The mode.
        mode: Mode,
        /// Workers (downloads at once) in use.
        workers: usize,
    },
    /// A worker picked up an item.
    ItemStarted {
        /// The item.
        index: usize,
        /// The 1-based worker.
        worker: usize,
        /// Milliseconds since the run began.
        at_ms: u64,
    },
    /// The server answered; the file's name and size are known.
    ItemResponded {
        /// The item.
        index: usize,
        /// The final path reserved for the file.
        path: PathBuf,
        /// The announced size.
        total: Option<u64>,
        /// Bytes already on disk that this answer continues (a resumed `.part` file), else 0;
        /// they count as done but not toward the speed.
        resumed_from: u64,
    },
    /// Bytes arrived (at most one event per item per `progress_interval`).
    Progress {
        /// The item.
        index: usize,
        /// Bytes written so far.
        bytes: u64,
    },
    /// A transient failure; the item will be tried again.
    Retrying {
        /// The item.
        index: usize,
        /// Which retry comes next (1-based).
        attempt: u32,
        /// The retry limit.
        of: u32,
        /// What went wrong.
        reason: DownloadError,
    },
    /// The item ended and is reported, in the order the mode dictates.
    ItemReported(ItemRecord),
    /// Every item has been reported.
    RunFinished {
        /// Milliseconds from start to the last report.
        elapsed_ms: u64,
    },
}

/// Where events go: a channel plus an optional waker (a GUI's `request_repaint`).
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::Sender<Event>,
    waker: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl EventSink {
    /// A sink that sends into `tx`.
    pub fn new(tx: mpsc::Sender<Event>) -> Self {
        Self { tx, waker: None }
    }

    /// Also calls `waker` after every event.
    pub fn with_waker(mut self, waker: impl Fn() + Send + Sync + 'static) -> Self {
        self.waker = Some(Arc::new(waker));
        self
    }

    /// Sends one event and wakes the receiver. A closed receiver is not an error: nobody is
    /// listening any more.
    pub fn send(&self, event: Event) {
        if self.tx.send(event).is_ok()
            && let Some(wake) = &self.waker
        {
            wake();
        }
    }
}

/// A running batch.
pub struct RunHandle {
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl RunHandle {
    /// Asks every worker to stop; unfinished items end as cancelled within about a second.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether cancel was asked for.
    pub fn is_cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Whether the run has reported everything.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits for the run to finish.
    pub fn join(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// State shared by the coordinator and the workers of one run.
pub(crate) struct Shared {
    pub(crate) config: RunConfig,
    pub(crate) names: NameBook,
    /// Unfinished downloads that earlier runs left in the save folder.
    pub(crate) leftovers: Leftovers,
    /// Small downloads can be written to a file without a name that is named when complete
    /// (see [`crate::names::create_unnamed`]); else they use a `.part` file like the others.
    pub(crate) unnamed_files: bool,
    pub(crate) cancel: Arc<AtomicBool>,
    pub(crate) sink: EventSink,
    pub(crate) t0: Instant,
}

impl Shared {
    pub(crate) fn now_ms(&self) -> u64 {
        self.t0.elapsed().as_millis() as u64
    }

    pub(crate) fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Starts a run on a background thread named `downpour-run` and returns at once. Events go to
/// `sink`; every job is reported exactly once, then `RunFinished` is sent.
pub fn start_run(jobs: Vec<Job>, config: RunConfig, sink: EventSink) -> RunHandle {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let spawned = std::thread::Builder::new()
        .name("downpour-run".into())
        .spawn(move || coordinate(jobs, config, sink, flag));
    match spawned {
        Ok(thread) => RunHandle {
            cancel,
            thread: Some(thread),
        },
        // The OS refused a thread: nothing can run, which `is_finished` reports at once.
        Err(_) => RunHandle {
            cancel,
            thread: None,
        },
    }
}

fn coordinate(jobs: Vec<Job>, config: RunConfig, sink: EventSink, cancel: Arc<AtomicBool>) {
    let t0 = Instant::now();
    let workers = config.effective_workers();
    sink.send(Event::RunStarted {
        total: jobs.len(),
        mode: config.mode,
        workers,
    });
    let shared = Shared {
        names: NameBook::listed(config.out_dir.clone()),
        leftovers: Leftovers::scan(&config.out_dir),
        unnamed_files: crate::names::unnamed_files_work(&config.out_dir),
        config,
        cancel,
        sink: sink.clone(),
        t0,
    };
    // The N workers are slots spread over a few threads, each an event loop that runs its
    // slots' downloads together: a thread per download spent most of its time switching.
    let threads = workers.min(
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1),
    );
    // One list, shared by the workers and the reporter: no job is copied.
    let jobs: Arc<[Job]> = jobs.into();
    let work = Arc::new(Work {
        dispatch: Dispatch::new(jobs.len(), workers, threads),
        reporting: Reporting {
            order: Mutex::new(Reporter::new(Arc::clone(&jobs), shared.config.mode)),
            complete: Condvar::new(),
        },
        jobs,
        shared,
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("downpour-worker-{}", i + 1))
        .build();
    match &pool {
        Ok(pool) => {
            for thread in 0..threads {
                let work = Arc::clone(&work);
                // One long task per pool thread (each keeps its thread until the list is done).
                pool.spawn(move || drive(&work, thread));
            }
        }
        Err(err) => {
            let error = DownloadError::Network(format!("could not start worker threads: {err}"));
            for position in 0..work.jobs.len() {
                work.fail(position, error.clone());
            }
        }
    }
    let (shared, reporting) = (&work.shared, &work.reporting);

    // The workers report by themselves; this thread only waits for the last report, or for
    // the cancel grace to run out.
    let mut order = lock(&reporting.order);
    let mut cancelled_at: Option<Instant> = None;
    while !order.is_complete() {
        order = match reporting
            .complete
            .wait_timeout(order, Duration::from_millis(50))
        {
            Ok((order, _)) => order,
            Err(poisoned) => poisoned.into_inner().0,
        };
        if shared.cancelled() {
            let at = *cancelled_at.get_or_insert_with(Instant::now);
            if at.elapsed() >= shared.config.cancel_grace {
                break;
            }
        }
    }
    // Whatever is still out (a read stuck on a silent server after a cancel) ends as cancelled;
    // its worker deletes its own `.part` file when the read returns, and its late record is
    // ignored.
    let now = shared.now_ms();
    for record in order.finish(|job| unstarted_record(job, Outcome::Cancelled, now)) {
        report(shared, record);
    }
    drop(order);
    sink.send(Event::RunFinished {
        elapsed_ms: shared.now_ms(),
    });
    drop(pool);
}

/// What a run's threads share: the run itself, its list, who gets the next item, and the order
/// of reports.
struct Work {
    shared: Shared,
    jobs: Arc<[Job]>,
    dispatch: Dispatch,
    reporting: Reporting,
}

impl Work {
    /// Reports the item at `position` as failed before it started.
    fn fail(&self, position: usize, error: DownloadError) {
        let record = unstarted_record(
            &self.jobs[position],
            Outcome::Failed(error),
            self.shared.now_ms(),
        );
        self.reporting.push(&self.shared, position, record);
    }
}

/// Runs the downloads of one pool thread's worker slots together on the thread's event loop
/// until every position of the list has been taken and finished.
fn drive(work: &Arc<Work>, thread: usize) {
    let slots = work.dispatch.slots_of(thread);
    let (runtime, client) = match fetch::event_loop(&work.shared.config, slots.len()) {
        Ok(machinery) => machinery,
        Err(err) => {
            // This thread cannot download at all: its share of the list fails with the reason.
            while let Some(position) = work.dispatch.take_now(thread) {
                work.dispatch.done(thread);
                work.fail(position, err.clone());
            }
            return;
        }
    };
    let tasks = tokio::task::LocalSet::new();
    for worker in slots {
        // The position a slot is working on, so that a slot that dies still ends its item.
        let current = Rc::new(Cell::new(None));
        let slot = tasks.spawn_local({
            let (work, client, current) = (Arc::clone(work), client.clone(), Rc::clone(&current));
            async move {
                while let Some(position) = work.dispatch.take(thread).await {
                    current.set(Some(position));
                    let record =
                        fetch::run_item(&work.shared, &work.jobs[position], worker, &client).await;
                    current.set(None);
                    work.dispatch.done(thread);
                    work.reporting.push(&work.shared, position, record);
                }
            }
        });
        let work = Arc::clone(work);
        tasks.spawn_local(async move {
            if slot.await.is_err()
                && let Some(position) = current.get()
            {
                work.dispatch.done(thread);
                work.fail(
                    position,
                    DownloadError::Network("the download stopped unexpectedly".into()),
                );
            }
        });
    }
    runtime.block_on(tasks);
}

fn report(shared: &Shared, mut record: ItemRecord) {
    record.reported_ms = shared.now_ms();
    shared.sink.send(Event::ItemReported(record));
}

/// A record for an item that never ran (or was abandoned).
pub(crate) fn unstarted_record(job: &Job, outcome: Outcome, at_ms: u64) -> ItemRecord {
    ItemRecord {
        index: job.index,
        url: job.url.to_string(),
        path: None,
        bytes: 0,
        total: None,
        worker: 0,
        started_ms: at_ms,
        first_byte_ms: None,
        finished_ms: at_ms,
        reported_ms: at_ms,
        retries: 0,
        sha256: None,
        outcome,
    }
}

/// The order of reports, shared by the workers: the worker that finishes an item reports
/// whatever that releases, so no thread is woken just to pass a result on.
struct Reporting {
    order: Mutex<Reporter>,
    /// Signalled when the last item has been reported.
    complete: Condvar,
}

impl Reporting {
    /// Takes the finished item at `position` and reports every item it releases. The lock is
    /// held while sending so that reports leave in the order the mode decides.
    fn push(&self, shared: &Shared, position: usize, record: ItemRecord) {
        let mut order = lock(&self.order);
        for record in order.push(position, record) {
            report(shared, record);
        }
        if order.is_complete() {
            self.complete.notify_all();
        }
    }
}

/// Hands out the list's positions in input order to the worker slots, which live on a few
/// event-loop threads (slot `s` on thread `(s - 1) % threads`). A slot takes the next position
/// unless another thread has a free slot and fewer downloads running, so that big files spread
/// over the threads instead of piling onto the one that asked first.
pub(crate) struct Dispatch {
    total: usize,
    state: Mutex<DispatchState>,
    /// Signalled whenever a position is taken or a download ends.
    changed: tokio::sync::Notify,
}

struct DispatchState {
    next: usize,
    /// Downloads running on each thread.
    running: Vec<usize>,
    /// Slots on each thread.
    slots: Vec<usize>,
}

impl DispatchState {
    /// Hands the next position to `thread`, which now runs one more download.
    fn take_next(&mut self, thread: usize) -> usize {
        self.running[thread] += 1;
        self.next += 1;
        self.next - 1
    }
}

impl Dispatch {
    /// `workers` slots over `threads` threads, for a list of `total` items.
    pub(crate) fn new(total: usize, workers: usize, threads: usize) -> Self {
        let threads = threads.max(1);
        let slots = (0..threads)
            .map(|t| workers / threads + usize::from(t < workers % threads))
            .collect();
        Self {
            total,
            state: Mutex::new(DispatchState {
                next: 0,
                running: vec![0; threads],
                slots,
            }),
            changed: tokio::sync::Notify::new(),
        }
    }

    /// The worker numbers (1-based) of `thread`'s slots.
    pub(crate) fn slots_of(&self, thread: usize) -> Vec<usize> {
        let state = lock(&self.state);
        let threads = state.running.len();
        let count = state.slots.get(thread).copied().unwrap_or(0);
        (0..count).map(|k| k * threads + thread + 1).collect()
    }

    /// The next position for a slot of `thread`; `None` once every position is taken.
    pub(crate) async fn take(&self, thread: usize) -> Option<usize> {
        loop {
            let mut changed = std::pin::pin!(self.changed.notified());
            changed.as_mut().enable();
            if let Some(taken) = self.try_take(thread) {
                if taken.is_some() {
                    self.changed.notify_waiters();
                }
                return taken;
            }
            changed.await;
        }
    }

    /// `Some(next)` or `Some(None)` when the list is done; `None` when this thread should wait.
    fn try_take(&self, thread: usize) -> Option<Option<usize>> {
        let mut state = lock(&self.state);
        if state.next >= self.total {
            return Some(None);
        }
        let mine = state.running[thread];
        let lighter = (0..state.running.len())
            .any(|t| t != thread && state.running[t] < mine && state.running[t] < state.slots[t]);
        if lighter {
            return None;
        }
        Some(Some(state.take_next(thread)))
    }

    /// Takes the next position without waiting (for a thread that cannot download at all).
    pub(crate) fn take_now(&self, thread: usize) -> Option<usize> {
        let mut state = lock(&self.state);
        (state.next < self.total).then(|| state.take_next(thread))
    }

    /// A download of `thread` has ended.
    pub(crate) fn done(&self, thread: usize) {
        let mut state = lock(&self.state);
        state.running[thread] = state.running[thread].saturating_sub(1);
        drop(state);
        self.changed.notify_waiters();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Decides when a finished item is reported: at once (submit) or once every earlier item has
/// been reported (map and sequential).
struct Reporter {
    jobs: Arc<[Job]>,
    in_order: bool,
    held: Vec<Option<ItemRecord>>,
    reported: Vec<bool>,
    next: usize,
    count: usize,
}

impl Reporter {
    fn new(jobs: Arc<[Job]>, mode: Mode) -> Self {
        Self {
            in_order: mode != Mode::Submit,
            held: vec![None; jobs.len()],
            reported: vec![false; jobs.len()],
            jobs,
            next: 0,
            count: 0,
        }
    }

    fn is_complete(&self) -> bool {
        self.count == self.jobs.len()
    }

    /// Takes a finished item; returns the items that may now be reported, in order.
    fn push(&mut self, position: usize, record: ItemRecord) -> Vec<ItemRecord> {
        if self.reported[position] || self.held[position].is_some() {
            return Vec::new();
        }
        if !self.in_order {
            self.reported[position] = true;
            self.count += 1;
            return vec![record];
        }
        self.held[position] = Some(record);
        self.release_ready()
    }

    fn release_ready(&mut self) -> Vec<ItemRecord> {
        let mut ready = Vec::new();
        while let Some(record) = self.held.get_mut(self.next).and_then(Option::take) {
            self.reported[self.next] = true;
            self.count += 1;
            self.next += 1;
            ready.push(record);
        }
        ready
    }

    /// Ends the run: every item not yet reported comes out, in input order — held results as
    /// they are, missing ones from `missing`.
    fn finish(&mut self, missing: impl Fn(&Job) -> ItemRecord) -> Vec<ItemRecord> {
        let mut out = Vec::new();
        for position in 0..self.jobs.len() {
            if self.reported[position] {
                continue;
            }
            let record = self.held[position]
                .take()
                .unwrap_or_else(|| missing(&self.jobs[position]));
            self.reported[position] = true;
            self.count += 1;
            out.push(record);
        }
        out
    }
}

/// The user's Downloads folder, else `~/Downloads`, else the current folder.
pub fn default_download_dir() -> PathBuf {
    dirs::download_dir()
        .or_else(|| dirs::home_dir().map(|home| home.join("Downloads")))
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_numbered_across_threads() {
        let even = Dispatch::new(10, 16, 2);
        assert_eq!(even.slots_of(0), [1, 3, 5, 7, 9, 11, 13, 15]);
        assert_eq!(even.slots_of(1), [2, 4, 6, 8, 10, 12, 14, 16]);
        let uneven = Dispatch::new(10, 3, 2);
        assert_eq!(uneven.slots_of(0), [1, 3]);
        assert_eq!(uneven.slots_of(1), [2]);
        assert_eq!(Dispatch::new(10, 1, 1).slots_of(0), [1]);
    }

    #[test]
    fn positions_go_out_in_order_and_spread_over_the_threads() {
        // Four big files, 16 workers on two threads: the thread that asks first may not take
        // them all.
        let dispatch = Dispatch::new(4, 16, 2);
        assert_eq!(dispatch.try_take(0), Some(Some(0)));
        assert_eq!(dispatch.try_take(0), None, "thread 1 has nothing running");
        assert_eq!(dispatch.try_take(1), Some(Some(1)));
        assert_eq!(
            dispatch.try_take(1),
            Some(Some(2)),
            "an even thread may take one more"
        );
        assert_eq!(dispatch.try_take(1), None, "now thread 0 has fewer");
        assert_eq!(dispatch.try_take(0), Some(Some(3)));
        assert_eq!(dispatch.try_take(0), Some(None), "the list is done");
        assert_eq!(dispatch.try_take(1), Some(None));
    }

    #[test]
    fn a_free_slot_is_never_held_back_by_a_full_thread() {
        // Three workers on two threads: thread 0 has two slots, thread 1 one.
        let dispatch = Dispatch::new(10, 3, 2);
        assert_eq!(dispatch.try_take(1), Some(Some(0)));
        assert_eq!(dispatch.try_take(0), Some(Some(1)));
        assert_eq!(
            dispatch.try_take(0),
            Some(Some(2)),
            "thread 1 is full, so thread 0 fills its second slot"
        );
        dispatch.done(1);
        assert_eq!(dispatch.try_take(1), Some(Some(3)));
    }
}
