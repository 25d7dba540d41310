//! The three ways to run a batch — sequential, threaded-submit and threaded-map — with N
//! workers on a rayon pool of named event-loop threads, reporting through one event enum on a
//! channel so that the window and the CLI see every item start, progress and end exactly once.
//! While it runs, the person can pause, resume, cancel, move and add items (see [`RunHandle`]).

mod control;
mod handle;
mod order;
mod queue;
#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::time::Instant;

use crate::error::DownloadError;
use crate::fetch::{self, ItemContext, Turn};
use crate::finished::FinishedLog;
use crate::model::{Event, EventSink, ItemRecord, Job, Outcome};
use crate::names::NameBook;
use crate::options::RunConfig;
use crate::resume::{Leftovers, ResumeStore};

pub use handle::{Canceller, RunHandle};
pub use queue::Move;

use control::{Control, Desk, Helping, Message};
use queue::Assignment;

/// Starts a run on a background thread named `downpour-run` and returns at once. Events go to
/// `sink`; every job is reported exactly once (jobs added meanwhile too), then `RunFinished`
/// is sent.
pub fn start_run(jobs: Vec<Job>, mut config: RunConfig, sink: EventSink) -> RunHandle {
    let logins = config
        .access
        .ask_logins
        .then(|| Arc::new(crate::net::asking::LoginDesk::new(sink.clone())));
    config.access.desk.clone_from(&logins);
    let workers = config.effective_workers();
    // The N workers are slots spread over a few threads, each an event loop that runs its
    // slots' downloads together: a thread per download spent most of its time switching.
    let threads = workers.min(
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1),
    );
    let (messages, inbox) = mpsc::channel();
    let control = Arc::new(Control::new(
        jobs,
        &config,
        sink.clone(),
        [workers, threads],
        messages,
    ));
    let shared = Arc::clone(&control);
    let spawned = std::thread::Builder::new()
        .name("downpour-run".into())
        .spawn(move || coordinate(shared, config, sink, threads, &inbox));
    RunHandle::new(control, spawned.ok(), logins)
}

/// What a run's threads share: the control of the list, and the save folder's books.
struct RunShared {
    control: Arc<Control>,
    config: RunConfig,
    names: NameBook,
    /// Unfinished downloads that earlier runs left in the save folder.
    leftovers: Leftovers,
    /// Where the resume records of `.part` files are kept.
    resume: ResumeStore,
    /// What the save folder already received.
    finished: FinishedLog,
    /// Whether small downloads can go to a file without a name (see
    /// [`crate::safe_fs::create_unnamed`]).
    unnamed_files: bool,
    sink: EventSink,
    t0: Instant,
    /// The run's cookies: the person's file and what the servers set, for every event loop.
    cookies: Arc<reqwest::cookie::Jar>,
}

impl RunShared {
    /// What the run's threads share, with the save folder's books opened.
    fn new(control: Arc<Control>, config: RunConfig, sink: EventSink) -> Self {
        let resume = ResumeStore::open(config.state_dir.as_deref(), &config.out_dir);
        Self {
            names: NameBook::listed(config.out_dir.clone()),
            leftovers: resume.leftovers(),
            resume,
            finished: FinishedLog::open(config.state_dir.as_deref(), &config.out_dir),
            unnamed_files: crate::safe_fs::unnamed_files_work(&config.out_dir),
            t0: control.t0(),
            control,
            cookies: crate::net::cookies::jar(config.access.cookies.as_ref()),
            config,
            sink,
        }
    }

    fn now_ms(&self) -> u64 {
        self.t0.elapsed().as_millis() as u64
    }

    /// Takes the ended item at `position` and reports what the mode releases.
    fn finish(&self, position: usize, record: ItemRecord) {
        if record.outcome == Outcome::Failed(DownloadError::DiskFull) {
            // Every other download would hit the same wall: stop the run, saying why.
            let _ = self.control.stopped_by.set(DownloadError::DiskFull);
            self.control.cancel_all();
        }
        self.control.finish(position, record);
    }

    /// Ends the item at `position` that never ran, as failed with `error`.
    fn fail(&self, position: usize, error: DownloadError) {
        let job = self.control.job(position);
        let record = ItemRecord::unstarted(&job, Outcome::Failed(error), self.now_ms());
        self.finish(position, record);
    }

    /// The narrow view of the run that one item's download gets.
    fn item_context<'a>(
        &'a self,
        stop: &'a control::ItemStop,
        client: Option<&'a crate::net::Clients>,
        desk: &'a Desk<'a>,
    ) -> ItemContext<'a> {
        ItemContext {
            config: &self.config,
            names: &self.names,
            leftovers: &self.leftovers,
            resume: &self.resume,
            finished: &self.finished,
            limit: &self.control.limit,
            unnamed_files: self.unnamed_files,
            events: &self.sink,
            t0: self.t0,
            cancel: &stop.token,
            pausing: &stop.pausing,
            run: &self.control.cancel,
            stopped_by: &self.control.stopped_by,
            client,
            desk,
        }
    }

    /// Downloads the item at `position` on `worker` until it ends or is paused.
    async fn run_turn(&self, position: usize, worker: usize, client: &crate::net::Clients) {
        let Some((job, stop, parked)) = self.control.take_turn(position) else {
            self.control.close_ticket(position, false);
            return;
        };
        let desk = Desk {
            control: &self.control,
            position,
        };
        let ctx = self.item_context(&stop, Some(client), &desk);
        let turn = fetch::run_item(&ctx, &job, worker, parked).await;
        // The first connection's turn is over: no more helpers (a paused file reopens).
        self.control.set_help(position, None);
        let success = matches!(&turn, Turn::Ended(record) if record.outcome == Outcome::Done);
        self.control.close_ticket(position, success);
        match turn {
            Turn::Ended(record) => self.finish(position, record),
            Turn::Paused(state) => self.control.park(position, Some(state)),
            Turn::Refused(state) => self.control.requeue(position, state),
        }
    }

    /// Fetches one span of the running item at `position` as one more connection.
    async fn run_help(
        &self,
        position: usize,
        (help, claim, ticket): Helping,
        worker: usize,
        client: &crate::net::Clients,
    ) {
        let stop = control::ItemStop::helper(&help.stop);
        let desk = Desk {
            control: &self.control,
            position,
        };
        let ctx = self.item_context(&stop, Some(client), &desk);
        let end = fetch::help(&ctx, &help, claim, worker).await;
        self.control.note_host_cap(&help);
        self.control
            .helper_ended(position, ticket, end.refused, end.success);
    }

    /// Ends a paused item that the person cancelled, on the coordinator's thread.
    fn end_paused(&self, position: usize) {
        let (job, stop, parked) = self.control.take_parked(position);
        let desk = Desk {
            control: &self.control,
            position,
        };
        let record = match parked {
            Some(state) => {
                let ctx = self.item_context(&stop, None, &desk);
                fetch::end_parked(&ctx, &job, 0, state)
            }
            None => ItemRecord::unstarted(&job, Outcome::Cancelled(None), self.now_ms()),
        };
        self.finish(position, record);
    }
}

fn coordinate(
    control: Arc<Control>,
    mut config: RunConfig,
    sink: EventSink,
    threads: usize,
    inbox: &mpsc::Receiver<Message>,
) {
    sink.send(Event::RunStarted {
        total: control.len(),
        mode: config.mode,
        workers: config.effective_workers(),
    });
    // A cookies file or .netrc that cannot be used: no request at all.
    let unusable = config.access.load().err();
    let work = Arc::new(RunShared::new(control, config, sink));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("downpour-worker-{}", i + 1))
        .build();
    let unstarted = match (&pool, unusable) {
        (_, Some(err)) => Some(DownloadError::Access(err)),
        (Err(err), None) => Some(DownloadError::Startup {
            reason: err.to_string(),
        }),
        (Ok(pool), None) => {
            for thread in 0..threads {
                let work = Arc::clone(&work);
                // One long task per pool thread (each keeps its thread until the list is done).
                pool.spawn(move || drive(&work, thread));
            }
            None
        }
    };
    match unstarted {
        None => {}
        Some(error) => {
            for position in 0..work.control.len() {
                work.fail(position, error.clone());
            }
        }
    }
    // The workers report by themselves; this thread ends the paused items the person cancels,
    // and waits for the last report.
    while !work.control.reporting.is_complete() {
        match inbox.recv() {
            Ok(Message::EndPaused(position)) => work.end_paused(position),
            Ok(Message::Reported) => {}
            Err(_) => break,
        }
    }
    work.sink.send(Event::RunFinished {
        elapsed_ms: work.now_ms(),
    });
    drop(pool);
}

/// Runs the downloads of one pool thread's worker slots together on the thread's event loop
/// until every item of the list has ended.
fn drive(work: &Arc<RunShared>, thread: usize) {
    let slots = work
        .control
        .queue
        .read(|board| board.queue.slots_of(thread));
    let (runtime, client) = match crate::net::event_loop(&work.config, &work.cookies, slots.len()) {
        Ok(machinery) => machinery,
        Err(err) => {
            // This thread cannot download at all: what it takes fails with the reason.
            while let Some(position) = work.control.queue.take_now() {
                work.fail(position, err.clone());
            }
            return;
        }
    };
    let tasks = tokio::task::LocalSet::new();
    for worker in slots {
        // The item a slot is working on, so that a slot that dies still ends its item.
        let current = Rc::new(Cell::new(None));
        let slot = tasks.spawn_local({
            let (work, client, current) = (Arc::clone(work), client.clone(), Rc::clone(&current));
            async move {
                while let Some(next) = work.control.queue.take(thread, &*work.control).await {
                    match next {
                        Assignment::Item(position) => {
                            current.set(Some(position));
                            work.run_turn(position, worker, &client).await;
                            current.set(None);
                        }
                        Assignment::Help(position, helping) => {
                            work.run_help(position, helping, worker, &client).await;
                        }
                    }
                    work.control
                        .queue
                        .update(|board| board.queue.stopped(thread));
                }
            }
        });
        let work = Arc::clone(work);
        tasks.spawn_local(async move {
            if slot.await.is_err()
                && let Some(position) = current.get()
            {
                work.control
                    .queue
                    .update(|board| board.queue.stopped(thread));
                work.control.close_ticket(position, false);
                work.fail(position, DownloadError::Stopped);
            }
        });
    }
    runtime.block_on(tasks);
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
