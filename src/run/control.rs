//! The person's hold on a running batch: pause, resume, cancel and move single items, add
//! links, pause or resume everything, change the speed limit, or cancel the run — all without
//! blocking: each command changes the shared queue and stops or wakes downloads; anything
//! that touches files is left to the run's own threads.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::lock;
use super::order::Reporting;
use super::queue::{Board, Dispatch, Help, Phase, Queue, QueueState};
use crate::error::DownloadError;
use crate::fetch::{HelpDesk, Helpable, Parked};
use crate::limit::RateLimit;
use crate::model::{Event, EventSink, ItemRecord, Job, Outcome};
use crate::net::hosts::{Hosts, Room, Ticket, host_of};
use crate::options::RunConfig;
use crate::split::{Claim, Offer, plan};

/// What the run's coordinator thread is asked to do.
pub(crate) enum Message {
    /// End the paused item at this position (its partial file needs tidying).
    EndPaused(usize),
    /// The last item may have been reported.
    Reported,
}

/// How one item's download is stopped: a token its tasks await (a child of the run's), and
/// whether the stop is a pause.
pub(crate) struct ItemStop {
    pub(crate) token: CancellationToken,
    pub(crate) pausing: AtomicBool,
    /// Resume was asked while the pause was still taking effect.
    resume_asked: AtomicBool,
}

impl ItemStop {
    /// How a helper of a file is stopped: with the file's helpers (its own token is a child
    /// of theirs), never paused.
    pub(crate) fn helper(helpers: &CancellationToken) -> Self {
        Self {
            token: helpers.child_token(),
            pausing: AtomicBool::new(false),
            resume_asked: AtomicBool::new(false),
        }
    }

    fn new(run: &CancellationToken) -> Arc<Self> {
        Arc::new(Self {
            token: run.child_token(),
            pausing: AtomicBool::new(false),
            resume_asked: AtomicBool::new(false),
        })
    }
}

/// What becomes of an item whose download stopped for a pause.
enum AfterPause {
    Paused,
    Resumed,
    End,
}

/// One item of the run.
pub(crate) struct Entry {
    job: Arc<Job>,
    stop: Arc<ItemStop>,
    /// What a paused item keeps to continue later.
    parked: Option<Parked>,
    /// Its file, while idle workers may help fetch it.
    help: Option<Arc<Helpable>>,
    /// Its server (see [`host_of`]).
    host: String,
    /// Its first connection, counted against its server while it runs.
    ticket: Option<Ticket>,
    /// Not started again before this instant: the wait its server asked for when it refused
    /// it among others.
    not_before: Option<Instant>,
}

/// The run's list, queue and order of reports, shared by the handle and the run's threads.
pub(crate) struct Control {
    /// Cancelled when the whole run stops.
    pub(crate) cancel: CancellationToken,
    /// Why the run stopped, when it was not the person's choice.
    pub(crate) stopped_by: OnceLock<DownloadError>,
    pub(crate) queue: Queue<Entry>,
    pub(crate) reporting: Reporting,
    pub(crate) limit: RateLimit,
    /// The position of each item by its index.
    by_index: Mutex<HashMap<usize, usize>>,
    /// The most connections each server took before refusing one more.
    host_caps: Mutex<HashMap<String, usize>>,
    /// The connections each server gets at once, and what it taught.
    pub(crate) hosts: Hosts,
    /// The most connections one file may use, and its smallest piece.
    split: (usize, u64),
    messages: mpsc::Sender<Message>,
    sink: EventSink,
    t0: Instant,
}

impl Control {
    pub(crate) fn new(
        jobs: Vec<Job>,
        config: &RunConfig,
        sink: EventSink,
        [workers, threads]: [usize; 2],
        messages: mpsc::Sender<Message>,
    ) -> Self {
        let cancel = CancellationToken::new();
        let total = jobs.len();
        let by_index = jobs.iter().enumerate().map(|(p, j)| (j.index, p)).collect();
        let items = jobs
            .into_iter()
            .map(|job| Entry::new(job, &cancel))
            .collect();
        Self {
            queue: Queue::new(QueueState::new(total, workers, threads), items),
            reporting: Reporting::new(total, config.mode.report_order()),
            limit: RateLimit::new(config.rate_limit),
            stopped_by: OnceLock::new(),
            by_index: Mutex::new(by_index),
            host_caps: Mutex::new(HashMap::new()),
            hosts: Hosts::new(config.per_host),
            split: (config.connections_per_file(), config.min_piece),
            cancel,
            messages,
            sink,
            t0: Instant::now(),
        }
    }

    /// When the run began.
    pub(crate) fn t0(&self) -> Instant {
        self.t0
    }

    /// Milliseconds since the run began.
    pub(crate) fn now_ms(&self) -> u64 {
        self.t0.elapsed().as_millis() as u64
    }

    /// The number of items.
    pub(crate) fn len(&self) -> usize {
        self.queue.read(|board| board.items.len())
    }

    /// The job at `position`.
    pub(crate) fn job(&self, position: usize) -> Arc<Job> {
        self.queue
            .read(|board| Arc::clone(&board.items[position].job))
    }

    /// What a worker needs to download the item at `position`: its job, how it is stopped,
    /// and what it kept if it was paused — or `None` when it was paused between being taken
    /// and now: it then waits to be resumed, as paused as one that had begun.
    pub(crate) fn take_turn(
        &self,
        position: usize,
    ) -> Option<(Arc<Job>, Arc<ItemStop>, Option<Parked>)> {
        let paused = self.queue.update(|board| {
            let entry = &board.items[position];
            entry.parked.is_none()
                && entry.stop.token.is_cancelled()
                && entry.stop.pausing.load(Ordering::SeqCst)
                && !self.cancel.is_cancelled()
        });
        if paused {
            self.park(position, None);
            return None;
        }
        Some(self.take_parked(position))
    }

    /// The job of the item at `position`, how it is stopped, and what it kept if it was
    /// paused (taken: the caller continues or ends it).
    pub(crate) fn take_parked(&self, position: usize) -> (Arc<Job>, Arc<ItemStop>, Option<Parked>) {
        self.queue.update(|board| {
            let entry = &mut board.items[position];
            (
                Arc::clone(&entry.job),
                Arc::clone(&entry.stop),
                entry.parked.take(),
            )
        })
    }

    /// Keeps a paused item's state until it is resumed, and says so. What the person asked
    /// while the pause took effect wins: a resume sends it back to the queue at once, a
    /// cancel ends it.
    /// An item cancelled while its pause took effect stays running (in the queue's eyes)
    /// until the coordinator has ended it, so that nothing resumes it meanwhile.
    pub(crate) fn park(&self, position: usize, state: Option<Parked>) {
        let bytes = state.as_ref().map_or(0, Parked::bytes);
        let (index, then) = self.queue.update(|board| {
            let entry = &mut board.items[position];
            entry.parked = state;
            let then = if !entry.stop.pausing.load(Ordering::SeqCst) {
                AfterPause::End
            } else if entry.stop.resume_asked.load(Ordering::SeqCst) {
                board.queue.park(position);
                entry.stop = ItemStop::new(&self.cancel);
                if board.queue.resume(position) {
                    AfterPause::Resumed
                } else {
                    AfterPause::Paused
                }
            } else {
                board.queue.park(position);
                AfterPause::Paused
            };
            (entry.job.index, then)
        });
        match then {
            AfterPause::End => {
                let _ = self.messages.send(Message::EndPaused(position));
            }
            AfterPause::Paused => self.sink.send(Event::ItemPaused { index, bytes }),
            AfterPause::Resumed => {
                self.sink.send(Event::ItemPaused { index, bytes });
                self.sink.send(Event::ItemResumed { index });
            }
        }
    }

    /// Ends the item at `position` with `record` and reports what the mode releases; wakes
    /// the coordinator when it may be the last.
    pub(crate) fn finish(&self, position: usize, record: ItemRecord) {
        let Some(seq) = self.queue.update(|board| board.queue.end(position)) else {
            return;
        };
        let held = |record: &ItemRecord| {
            self.sink.send(Event::ItemHeld {
                index: record.index,
                outcome: record.outcome.kind(),
                finished_ms: record.finished_ms,
            });
        };
        self.reporting.push(seq, record, held, |mut record| {
            record.reported_ms = self.now_ms();
            self.sink.send(Event::ItemReported(record));
        });
        if self.reporting.is_complete() {
            let _ = self.messages.send(Message::Reported);
        }
    }

    /// Stops every download at once; paused items go out to be ended.
    pub(crate) fn cancel_all(&self) {
        self.cancel.cancel();
        self.queue.update(|board| board.queue.drain());
    }

    /// The position of the item with this index (its latest, if it was retried).
    pub(super) fn position(&self, index: usize) -> Option<usize> {
        lock(&self.by_index).get(&index).copied()
    }

    fn send_resumed(&self, position: usize) {
        let index = self.job(position).index;
        self.sink.send(Event::ItemResumed { index });
    }

    /// Pauses the items at `positions` under one lock and one wake-up of the workers, so that
    /// Pause all over 100,000 items is one pass over the queue, not one per item.
    pub(super) fn pause(&self, positions: &[usize]) {
        let paused_waiting = self.queue.update(|board| {
            let mut waiting = Vec::new();
            for &position in positions {
                let stop = &board.items[position].stop;
                stop.resume_asked.store(false, Ordering::SeqCst);
                match board.queue.phase(position) {
                    Some(Phase::Running) => {
                        stop.pausing.store(true, Ordering::SeqCst);
                        stop.token.cancel();
                    }
                    Some(Phase::Waiting) => waiting.push(position),
                    _ => {}
                }
            }
            board.queue.pause_waiting(&waiting);
            waiting
        });
        for position in paused_waiting {
            let index = self.job(position).index;
            self.sink.send(Event::ItemPaused { index, bytes: 0 });
        }
    }

    /// The positions of the paused items, and of those whose pause is still taking effect,
    /// in list order.
    pub(super) fn paused_positions(&self) -> Vec<usize> {
        self.queue.read(|board| {
            (0..board.items.len())
                .filter(|&p| match board.queue.phase(p) {
                    Some(Phase::Paused) => true,
                    Some(Phase::Running) => board.items[p].stop.pausing.load(Ordering::SeqCst),
                    _ => false,
                })
                .collect()
        })
    }

    /// Resumes the items at `positions`, in that order (each goes to the front of the queue),
    /// under one lock and one wake-up of the workers.
    pub(super) fn resume(&self, positions: &[usize]) {
        let resumed = self.queue.update(|board| {
            let mut resumed = Vec::new();
            for &position in positions {
                let entry = &mut board.items[position];
                match board.queue.phase(position) {
                    // A pause still taking effect: resume as soon as it has.
                    Some(Phase::Running) => {
                        entry.stop.resume_asked.store(true, Ordering::SeqCst);
                    }
                    Some(Phase::Paused) => {
                        entry.stop = ItemStop::new(&self.cancel);
                        if board.queue.resume(position) {
                            resumed.push(position);
                        }
                    }
                    _ => {}
                }
            }
            resumed
        });
        for position in resumed {
            self.send_resumed(position);
        }
    }

    /// Cancels the item at `position`: a running one stops; a waiting or paused one ends now
    /// (one with a partial file, on the coordinator's thread).
    pub(super) fn cancel_item(&self, position: usize) {
        enum CancelStep {
            Nothing,
            EndNow,
            EndPaused,
        }
        let then = self.queue.update(|board| {
            let entry = &board.items[position];
            match board.queue.phase(position) {
                Some(Phase::Running) => {
                    entry.stop.pausing.store(false, Ordering::SeqCst);
                    entry.stop.resume_asked.store(false, Ordering::SeqCst);
                    entry.stop.token.cancel();
                    CancelStep::Nothing
                }
                Some(Phase::Paused) if entry.parked.is_some() => {
                    // Running for the queue until the coordinator has ended it: a resume
                    // meanwhile must not send it back to the queue.
                    board.queue.claim(position);
                    CancelStep::EndPaused
                }
                Some(Phase::Waiting | Phase::Paused) => CancelStep::EndNow,
                Some(Phase::Ended) | None => CancelStep::Nothing,
            }
        });
        match then {
            CancelStep::EndNow => {
                let job = self.job(position);
                let record = ItemRecord::unstarted(&job, Outcome::Cancelled(None), self.now_ms());
                self.finish(position, record);
            }
            CancelStep::EndPaused => {
                let _ = self.messages.send(Message::EndPaused(position));
            }
            CancelStep::Nothing => {}
        }
    }

    /// Adds `jobs` at the end of the list; gives them back if the run is over.
    pub(super) fn add(&self, jobs: Vec<Job>) -> Result<(), Vec<Job>> {
        let count = jobs.len();
        // Everything happens under the board's lock: no worker takes a new item, and no last
        // report ends the run, before the reports expect it.
        self.queue.update(|board| {
            let Some(first) = board.queue.add(count) else {
                return Err(jobs);
            };
            self.reporting.grow(count);
            let mut by_index = lock(&self.by_index);
            for (k, job) in jobs.into_iter().enumerate() {
                by_index.insert(job.index, first + k);
                board.items.push(Entry::new(job, &self.cancel));
            }
            Ok(())
        })
    }
}

impl Entry {
    fn new(job: Job, run: &CancellationToken) -> Self {
        Self {
            stop: ItemStop::new(run),
            parked: None,
            help: None,
            host: host_of(&job.url),
            ticket: None,
            not_before: None,
            job: Arc::new(job),
        }
    }
}

impl Control {
    /// Opens (`Some`) or closes the file of the item at `position` to helpers; closing stops
    /// the helpers fetching it.
    pub(crate) fn set_help(&self, position: usize, help: Option<Arc<Helpable>>) {
        let old = self
            .queue
            .update(|board| std::mem::replace(&mut board.items[position].help, help));
        if let Some(old) = old {
            old.stop.cancel();
        }
    }

    /// The running file that can take one more connection and gains most from it, and the
    /// span that connection fetches: one given back, or the tail of the largest span of all
    /// when that makes its file end sooner (see [`Split::offer`](crate::split::Split::offer)),
    /// cut so that the idle slots coming for it all end together (see [`plan`]).
    pub(crate) fn find_help(&self, board: &mut Board<Entry>) -> Help<Helping> {
        let (cap, min_piece) = self.split;
        if cap < 2 {
            return Help::Nothing;
        }
        if self.limit.is_holding_back() {
            // The speed limit holds the downloads back: one more connection would only add a
            // burst beyond it. Look again in a moment (the limit may be raised).
            return Help::Later(Instant::now() + std::time::Duration::from_millis(500));
        }
        let host_caps = lock(&self.host_caps);
        let now = Instant::now();
        let candidates: Vec<(usize, &Arc<Helpable>)> = board
            .items
            .iter()
            .enumerate()
            .filter_map(|(position, entry)| Some((position, entry.help.as_ref()?)))
            .filter(|(position, help)| {
                !help.stop.is_cancelled()
                    && !help.file.split.is_solo()
                    && board.queue.phase(*position) == Some(Phase::Running)
            })
            .collect();
        let mut later: Option<Instant> = None;
        let mut open = Vec::with_capacity(candidates.len());
        for (position, help) in candidates {
            let host = help.file.host();
            match self.hosts.room(&host, now) {
                Room::Now => {}
                Room::At(at) => {
                    later = Some(later.map_or(at, |l| l.min(at)));
                    continue;
                }
                Room::Full => continue,
            }
            let host_cap = host_caps.get(&host).copied().unwrap_or(cap);
            let cap = cap.min(host_cap).min(help.file.split.cap());
            open.push((position, help, host, cap));
        }
        let loads: Vec<_> = open
            .iter()
            .map(|(_, help, _, cap)| {
                help.file
                    .split
                    .with(|s| s.load(cap.saturating_sub(s.connections()), min_piece / 4))
            })
            .collect();
        let (parts, order) = plan(&loads, board.queue.idle(), min_piece);
        // Where the plan sends idle connections first; the other files only when none of
        // those is about to take one (a file whose speed is not known yet is).
        let (planned, rest): (Vec<usize>, Vec<usize>) = order
            .into_iter()
            .partition(|&at| parts[at] > 0 || loads[at].waiting);
        let mut tries = planned.into_iter().map(|at| (at, true));
        let mut rest = rest.into_iter().map(|at| (at, false));
        while let Some((at, first)) = tries.next().or_else(|| rest.next()) {
            if !first && later.is_some() {
                break;
            }
            let (position, help, host, cap) = &open[at];
            let (position, cap) = (*position, *cap);
            match help.file.split.offer(cap, min_piece, parts[at]) {
                Offer::Take(claim) => {
                    let ticket = self.hosts.open(host);
                    return Help::Now(position, (Arc::clone(help), claim, ticket));
                }
                Offer::Later(at) => later = Some(later.map_or(at, |l| l.min(at))),
                Offer::Nothing => {}
            }
        }
        later.map_or(Help::Nothing, Help::Later)
    }

    /// Remembers how many connections a server took before it refused one more.
    pub(crate) fn note_host_cap(&self, help: &Helpable) {
        let cap = help.file.split.cap();
        let mut caps = lock(&self.host_caps);
        let known = caps.entry(help.file.host()).or_insert(cap);
        *known = (*known).min(cap);
    }
}

/// What a worker helping a file needs: the file, the span to fetch, and its connection as its
/// server counts it.
pub(crate) type Helping = (Arc<Helpable>, Claim, Ticket);

impl Dispatch<Entry> for Control {
    type Help = Helping;

    fn may_start(&self, item: &Entry, now: Instant) -> Result<(), Option<Instant>> {
        if self.cancel.is_cancelled() || item.stop.token.is_cancelled() {
            // Taken only to be ended or parked: no connection.
            return Ok(());
        }
        if let Some(at) = item.not_before.filter(|at| *at > now) {
            return Err(Some(at));
        }
        match self.hosts.room(&item.host, now) {
            Room::Now => Ok(()),
            Room::At(at) => Err(Some(at)),
            Room::Full => Err(None),
        }
    }

    fn started(&self, item: &mut Entry) {
        item.ticket = Some(self.hosts.open(&item.host));
    }

    fn help(&self, board: &mut Board<Entry>) -> Help<Helping> {
        self.find_help(board)
    }
}

impl Control {
    /// The first connection of the item at `position` ended its turn, having fetched the file
    /// (`success`) or not: its server has room for one more.
    pub(crate) fn close_ticket(&self, position: usize, success: bool) {
        self.queue.update(|board| {
            if let Some(ticket) = board.items[position].ticket.take() {
                self.hosts.close(ticket, success);
            }
        });
    }

    /// The server of the item at `position` refused its first connection, asking to wait
    /// `wait`. True when Downpour held several connections to it: the item then waits its
    /// turn (its connection no longer counts) instead of counting a failed attempt.
    pub(crate) fn refused(&self, position: usize, wait: Option<std::time::Duration>) -> bool {
        // The limit is said under the board's lock, so that what was learned last is said last.
        self.queue.update(|board| {
            let entry = &mut board.items[position];
            let Some(ticket) = entry.ticket.take() else {
                return false;
            };
            let refusal = self.hosts.refused(&ticket, wait);
            if !refusal.crowded {
                entry.ticket = Some(ticket);
                return false;
            }
            self.sink.send(Event::ServerLimit {
                index: entry.job.index,
                host: ticket.host().to_owned(),
                connections: refusal.limit,
                waits: true,
            });
            self.hosts.close(ticket, false);
            // It waits what the server asked before it is tried again; the others go on.
            entry.not_before = wait.map(|wait| Instant::now() + wait);
            true
        })
    }

    /// A helper of the item at `position` ended: refused by its server (asking to wait
    /// `Some(wait)`), or not (`None`), having fetched its span (`success`) or not.
    pub(crate) fn helper_ended(
        &self,
        position: usize,
        ticket: Ticket,
        refused: Option<Option<std::time::Duration>>,
        success: bool,
    ) {
        self.queue.update(|board| {
            let learned = refused.map(|wait| self.hosts.refused(&ticket, wait));
            if let Some(refusal) = learned.filter(|r| r.crowded) {
                self.sink.send(Event::ServerLimit {
                    index: board.items[position].job.index,
                    host: ticket.host().to_owned(),
                    connections: refusal.limit,
                    waits: false,
                });
            }
            self.hosts.close(ticket, success);
        });
    }

    /// A running item its server refused goes back to the queue with what it kept, to wait
    /// for its server's room.
    pub(crate) fn requeue(&self, position: usize, state: Parked) {
        self.queue.update(|board| {
            board.items[position].parked = Some(state);
            board.queue.requeue(position);
        });
    }
}

/// Where an item's first connection opens its file to helpers.
pub(crate) struct Desk<'a> {
    pub(crate) control: &'a Control,
    pub(crate) position: usize,
}

impl HelpDesk for Desk<'_> {
    fn open(&self, help: Arc<Helpable>) {
        self.control.set_help(self.position, Some(help));
    }

    fn close(&self) {
        self.control.set_help(self.position, None);
    }

    fn refused(&self, wait: Option<std::time::Duration>) -> bool {
        self.control.refused(self.position, wait)
    }
}
