//! The three ways to run a batch — sequential, threaded-submit and threaded-map — with N
//! workers on a rayon pool of named event-loop threads, reporting through one event enum on a
//! channel so that the window and the CLI see every item start, progress and end exactly once.

mod dispatch;
mod order;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use crate::error::DownloadError;
use crate::fetch::{self, ItemContext};
use crate::model::{Event, EventSink, ItemRecord, Job, Outcome};
use crate::names::NameBook;
use crate::options::RunConfig;
use crate::resume::{Leftovers, ResumeStore};

use dispatch::Dispatch;
use order::Reporting;

/// A running batch.
pub struct RunHandle {
    cancel: CancellationToken,
    thread: Option<JoinHandle<()>>,
}

impl RunHandle {
    /// Stops every download at once; unfinished items end as cancelled.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Something another thread (a signal handler, say) can cancel the run with.
    pub fn canceller(&self) -> Canceller {
        Canceller(self.cancel.clone())
    }

    /// Whether cancel was asked for.
    pub fn is_cancelling(&self) -> bool {
        self.cancel.is_cancelled()
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

/// Cancels a run from anywhere: a clone of its token.
#[derive(Clone)]
pub struct Canceller(CancellationToken);

impl Canceller {
    /// Stops every download of the run at once, as [`RunHandle::cancel`].
    pub fn cancel(&self) {
        self.0.cancel();
    }
}

/// Starts a run on a background thread named `downpour-run` and returns at once. Events go to
/// `sink`; every job is reported exactly once, then `RunFinished` is sent.
pub fn start_run(jobs: Vec<Job>, config: RunConfig, sink: EventSink) -> RunHandle {
    let cancel = CancellationToken::new();
    let token = cancel.clone();
    let spawned = std::thread::Builder::new()
        .name("downpour-run".into())
        .spawn(move || coordinate(jobs, config, sink, token));
    RunHandle {
        cancel,
        // The OS refused a thread: nothing can run, which `is_finished` reports at once.
        thread: spawned.ok(),
    }
}

/// What a run's threads share: its settings and folder, its list, who gets the next item,
/// and the order of reports.
struct Work {
    config: RunConfig,
    names: NameBook,
    /// Unfinished downloads that earlier runs left in the save folder.
    leftovers: Leftovers,
    /// Where the resume records of `.part` files are kept.
    resume: ResumeStore,
    /// Why the run stopped, when it was not the person's choice.
    stopped_by: OnceLock<DownloadError>,
    /// Whether small downloads can go to a file without a name (see
    /// [`crate::names::create_unnamed`]).
    unnamed_files: bool,
    cancel: CancellationToken,
    sink: EventSink,
    t0: Instant,
    jobs: Arc<[Job]>,
    dispatch: Dispatch,
    reporting: Reporting,
}

impl Work {
    fn now_ms(&self) -> u64 {
        self.t0.elapsed().as_millis() as u64
    }

    /// Takes the ended item at `position` and reports what the mode releases.
    fn finish(&self, position: usize, record: ItemRecord) {
        if record.outcome == Outcome::Failed(DownloadError::DiskFull) {
            // Every other download would hit the same wall: stop the run, saying why.
            let _ = self.stopped_by.set(DownloadError::DiskFull);
            self.cancel.cancel();
        }
        self.reporting.push(position, record, |mut record| {
            record.reported_ms = self.now_ms();
            self.sink.send(Event::ItemReported(record));
        });
    }

    /// Ends the item at `position` that never ran, as failed with `error`.
    fn fail(&self, position: usize, error: DownloadError) {
        let record =
            ItemRecord::unstarted(&self.jobs[position], Outcome::Failed(error), self.now_ms());
        self.finish(position, record);
    }

    /// The narrow view of the run that one item's download gets.
    fn item_context<'a>(&'a self, client: &'a reqwest::Client) -> ItemContext<'a> {
        ItemContext {
            config: &self.config,
            names: &self.names,
            leftovers: &self.leftovers,
            resume: &self.resume,
            stopped_by: &self.stopped_by,
            unnamed_files: self.unnamed_files,
            events: &self.sink,
            t0: self.t0,
            cancel: &self.cancel,
            client,
        }
    }
}

fn coordinate(jobs: Vec<Job>, config: RunConfig, sink: EventSink, cancel: CancellationToken) {
    let t0 = Instant::now();
    let workers = config.effective_workers();
    sink.send(Event::RunStarted {
        total: jobs.len(),
        mode: config.mode,
        workers,
    });
    // The N workers are slots spread over a few threads, each an event loop that runs its
    // slots' downloads together: a thread per download spent most of its time switching.
    let threads = workers.min(
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1),
    );
    // One list, shared by the workers and the reporter: no job is copied.
    let jobs: Arc<[Job]> = jobs.into();
    let resume = ResumeStore::open(config.state_dir.as_deref(), &config.out_dir);
    let work = Arc::new(Work {
        names: NameBook::listed(config.out_dir.clone()),
        leftovers: resume.leftovers(),
        resume,
        stopped_by: OnceLock::new(),
        unnamed_files: crate::safe_fs::unnamed_files_work(&config.out_dir),
        dispatch: Dispatch::new(jobs.len(), workers, threads),
        reporting: Reporting::new(Arc::clone(&jobs), config.mode.report_order()),
        jobs,
        config,
        cancel,
        sink,
        t0,
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
            let error = DownloadError::Startup {
                reason: err.to_string(),
            };
            for position in 0..work.jobs.len() {
                work.fail(position, error.clone());
            }
        }
    }
    // The workers report by themselves, cancelled items too; this thread waits for the last.
    work.reporting.wait_complete();
    work.sink.send(Event::RunFinished {
        elapsed_ms: work.now_ms(),
    });
    drop(pool);
}

/// Runs the downloads of one pool thread's worker slots together on the thread's event loop
/// until every position of the list has been taken and finished.
fn drive(work: &Arc<Work>, thread: usize) {
    let slots = work.dispatch.slots_of(thread);
    let (runtime, client) = match crate::net::event_loop(&work.config, slots.len()) {
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
                let ctx = work.item_context(&client);
                while let Some(position) = work.dispatch.take(thread).await {
                    current.set(Some(position));
                    let record = fetch::run_item(&ctx, &work.jobs[position], worker).await;
                    current.set(None);
                    work.dispatch.done(thread);
                    work.finish(position, record);
                }
            }
        });
        let work = Arc::clone(work);
        tasks.spawn_local(async move {
            if slot.await.is_err()
                && let Some(position) = current.get()
            {
                work.dispatch.done(thread);
                work.fail(position, DownloadError::Stopped);
            }
        });
    }
    runtime.block_on(tasks);
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
