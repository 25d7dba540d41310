//! The list as the workers see it: which item a free worker slot takes next, and where each
//! item stands — waiting, running, paused or ended — as the person pauses, resumes, cancels,
//! reorders and adds items while the run goes on. Items go out in list order unless moved; the
//! slots live on a few event-loop threads and a slot takes the next item unless another thread
//! has a free slot and fewer downloads running, so big files spread over the threads.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

use super::lock;

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// In the queue for a worker.
    Waiting,
    /// A worker is downloading it.
    Running,
    /// The person paused it; it waits to be resumed.
    Paused,
    /// Reported: done, failed, cancelled or skipped.
    Ended,
}

/// Where a waiting item moves in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// One place earlier.
    Up,
    /// One place later.
    Down,
    /// To the front: the next one a worker takes.
    Top,
}

/// What a free slot does.
pub(crate) enum Assignment<H> {
    /// Downloads the item at this position.
    Item(usize),
    /// Helps the running item at this position, with `H`.
    Help(usize, H),
}

/// Whether a free slot can help a running item.
pub(crate) enum Help<H> {
    /// Help the running item at this position, with `H`.
    Now(usize, H),
    /// Not yet: ask again at this instant (or at the next change).
    Later(Instant),
    /// No: wait for a change.
    Nothing,
}

/// What a free slot gets from the queue alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Take {
    /// This item: download it (or end it, if the run was cancelled).
    Item(usize),
    /// Nothing now: wait for a change.
    Wait,
    /// Every item has ended.
    Done,
}

/// The queue's bookkeeping, without locks, so that it can be tested alone.
#[derive(Debug)]
pub(crate) struct QueueState {
    phases: Vec<Phase>,
    /// Waiting items, in the order slots take them.
    waiting: VecDeque<usize>,
    /// Downloads running on each thread.
    running: Vec<usize>,
    /// Slots on each thread.
    slots: Vec<usize>,
    ended: usize,
    /// Once the run is cancelled, paused items go out too, to be ended.
    draining: bool,
    /// Each item's place in the order of dispatch (given when a worker first takes it, or
    /// when it ends without one): the order in which input-order modes report.
    seq: Vec<Option<usize>>,
    next_seq: usize,
}

impl QueueState {
    /// `total` waiting items for `workers` slots over `threads` threads.
    pub(crate) fn new(total: usize, workers: usize, threads: usize) -> Self {
        let threads = threads.max(1);
        Self {
            phases: vec![Phase::Waiting; total],
            waiting: (0..total).collect(),
            running: vec![0; threads],
            slots: (0..threads)
                .map(|t| workers / threads + usize::from(t < workers % threads))
                .collect(),
            ended: 0,
            draining: false,
            seq: vec![None; total],
            next_seq: 0,
        }
    }

    /// The item's place in the order of dispatch, given now if it has none yet.
    fn seq_of(&mut self, position: usize) -> usize {
        *self.seq[position].get_or_insert_with(|| {
            self.next_seq += 1;
            self.next_seq - 1
        })
    }

    /// The worker numbers (1-based) of `thread`'s slots (slot `s` is on thread
    /// `(s - 1) % threads`).
    pub(crate) fn slots_of(&self, thread: usize) -> Vec<usize> {
        let threads = self.running.len();
        let count = self.slots.get(thread).copied().unwrap_or(0);
        (0..count).map(|k| k * threads + thread + 1).collect()
    }

    /// Whether every item has ended.
    pub(crate) fn is_done(&self) -> bool {
        self.ended == self.phases.len()
    }

    /// Whether no item waits or runs.
    #[cfg(test)]
    pub(crate) fn is_quiet(&self) -> bool {
        self.waiting.is_empty() && !self.phases.contains(&Phase::Running)
    }

    /// Where the item at `position` stands.
    pub(crate) fn phase(&self, position: usize) -> Option<Phase> {
        self.phases.get(position).copied()
    }

    /// What a free slot of `thread` gets, whichever item is next.
    #[cfg(test)]
    pub(crate) fn take(&mut self, thread: usize) -> Take {
        self.take_fitting(thread, |_| true)
    }

    /// What a free slot of `thread` gets: the first waiting item that `fits` (whose server
    /// takes one more connection).
    pub(crate) fn take_fitting(&mut self, thread: usize, fits: impl FnMut(usize) -> bool) -> Take {
        if self.is_done() {
            return Take::Done;
        }
        if self.waiting.is_empty() {
            return Take::Wait;
        }
        let mine = self.running[thread];
        let lighter = (0..self.running.len())
            .any(|t| t != thread && self.running[t] < mine && self.running[t] < self.slots[t]);
        if lighter {
            return Take::Wait;
        }
        let Some(at) = self.waiting.iter().copied().position(fits) else {
            return Take::Wait;
        };
        let Some(position) = self.waiting.remove(at) else {
            return Take::Wait;
        };
        self.phases[position] = Phase::Running;
        self.running[thread] += 1;
        self.seq_of(position);
        Take::Item(position)
    }

    /// The next waiting item, for a thread that only ends items.
    pub(crate) fn take_any(&mut self) -> Option<usize> {
        let position = self.waiting.pop_front()?;
        self.phases[position] = Phase::Running;
        self.seq_of(position);
        Some(position)
    }

    /// A download of `thread` has stopped (ended or paused).
    pub(crate) fn stopped(&mut self, thread: usize) {
        self.running[thread] = self.running[thread].saturating_sub(1);
    }

    /// The item has ended: its place in the order of dispatch, the first time only.
    pub(crate) fn end(&mut self, position: usize) -> Option<usize> {
        match self.phases.get(position) {
            Some(Phase::Ended) | None => None,
            Some(_) => {
                self.waiting.retain(|&p| p != position);
                self.phases[position] = Phase::Ended;
                self.ended += 1;
                Some(self.seq_of(position))
            }
        }
    }

    /// Pauses every waiting item of `positions` in one pass over the waiting line (others
    /// are left as they are).
    pub(crate) fn pause_waiting(&mut self, positions: &[usize]) {
        let mut any = false;
        for &position in positions {
            if self.phase(position) == Some(Phase::Waiting) {
                self.phases[position] = Phase::Paused;
                any = true;
            }
        }
        if any {
            let phases = &self.phases;
            self.waiting.retain(|&p| phases[p] == Phase::Waiting);
        }
    }

    /// A running item's download stopped for a pause; while the run drains it goes out again
    /// at once to be ended.
    pub(crate) fn park(&mut self, position: usize) {
        if self.phase(position) == Some(Phase::Running) {
            self.phases[position] = Phase::Paused;
            if self.draining {
                self.resume(position);
            }
        }
    }

    /// Takes a paused item out of reach of a resume while it is being ended.
    pub(crate) fn claim(&mut self, position: usize) {
        if self.phase(position) == Some(Phase::Paused) {
            self.phases[position] = Phase::Running;
        }
    }

    /// A running item whose server refused it goes back to the queue, at the front: it waits
    /// its turn (its server's room) again.
    pub(crate) fn requeue(&mut self, position: usize) {
        if self.phase(position) == Some(Phase::Running) {
            self.phases[position] = Phase::Waiting;
            self.waiting.push_front(position);
        }
    }

    /// Puts a paused item back in the queue, at the front; true if it was paused.
    pub(crate) fn resume(&mut self, position: usize) -> bool {
        if self.phase(position) != Some(Phase::Paused) {
            return false;
        }
        self.phases[position] = Phase::Waiting;
        self.waiting.push_front(position);
        true
    }

    /// Moves a waiting item in the queue; false if it is not waiting or cannot move.
    pub(crate) fn move_item(&mut self, position: usize, to: Move) -> bool {
        let Some(at) = self.waiting.iter().position(|&p| p == position) else {
            return false;
        };
        let target = match to {
            Move::Up => at.checked_sub(1),
            Move::Down => (at + 1 < self.waiting.len()).then_some(at + 1),
            Move::Top => (at > 0).then_some(0),
        };
        let Some(target) = target else {
            return false;
        };
        let moved = self.waiting.remove(at).unwrap_or(position);
        self.waiting.insert(target, moved);
        true
    }

    /// Adds `count` waiting items at the end; returns the first new position, or `None` once
    /// every item has ended (the run is over).
    pub(crate) fn add(&mut self, count: usize) -> Option<usize> {
        if self.is_done() {
            return None;
        }
        let first = self.phases.len();
        self.phases
            .extend(std::iter::repeat_n(Phase::Waiting, count));
        self.seq.extend(std::iter::repeat_n(None, count));
        self.waiting.extend(first..first + count);
        Some(first)
    }

    /// The run was cancelled: every paused item goes back to the queue to be ended.
    pub(crate) fn drain(&mut self) {
        self.draining = true;
        let paused: Vec<usize> = (0..self.phases.len())
            .filter(|&p| self.phases[p] == Phase::Paused)
            .collect();
        for position in paused {
            self.resume(position);
        }
    }
}

/// The run's list: the queue's bookkeeping and what the run keeps for each item (`E`), by
/// position, under one lock so that every change to both is one step.
pub(crate) struct Board<E> {
    pub(crate) queue: QueueState,
    pub(crate) items: Vec<E>,
}

/// The [`Board`] shared by the slots of every thread and the person's commands, with a
/// wake-up for the slots whenever it changes.
pub(crate) struct Queue<E> {
    board: Mutex<Board<E>>,
    changed: tokio::sync::Notify,
}

impl<E> Queue<E> {
    pub(crate) fn new(queue: QueueState, items: Vec<E>) -> Self {
        Self {
            board: Mutex::new(Board { queue, items }),
            changed: tokio::sync::Notify::new(),
        }
    }

    /// Changes the board and wakes the slots waiting for work.
    pub(crate) fn update<T>(&self, change: impl FnOnce(&mut Board<E>) -> T) -> T {
        let result = change(&mut lock(&self.board));
        self.changed.notify_waiters();
        result
    }

    /// Reads the board.
    pub(crate) fn read<T>(&self, look: impl FnOnce(&Board<E>) -> T) -> T {
        look(&lock(&self.board))
    }

    /// Work for a free slot of `thread` — the next item whose server has room, else (from
    /// `dispatch`) a running item to help — waiting while there is none; `None` once every
    /// item has ended.
    pub(crate) async fn take<D: Dispatch<E>>(
        &self,
        thread: usize,
        dispatch: &D,
    ) -> Option<Assignment<D::Help>> {
        loop {
            let mut changed = std::pin::pin!(self.changed.notified());
            changed.as_mut().enable();
            // Not through `update`: waking every slot (this one included) when nothing was
            // taken would spin the slots instead of letting them wait.
            let (work, later) = {
                let mut guard = lock(&self.board);
                let board = &mut *guard;
                let now = Instant::now();
                let mut soonest: Option<Instant> = None;
                let items = &board.items;
                let took = board.queue.take_fitting(thread, |position| {
                    match dispatch.may_start(&items[position], now) {
                        Ok(()) => true,
                        Err(at) => {
                            soonest = earliest(soonest, at);
                            false
                        }
                    }
                });
                match took {
                    Take::Item(position) => {
                        dispatch.started(&mut board.items[position]);
                        (Some(Some(Assignment::Item(position))), None)
                    }
                    Take::Done => (Some(None), None),
                    Take::Wait => match dispatch.help(board) {
                        Help::Now(position, with) => {
                            board.queue.running[thread] += 1;
                            (Some(Some(Assignment::Help(position, with))), None)
                        }
                        Help::Later(at) => (None, earliest(soonest, Some(at))),
                        Help::Nothing => (None, soonest),
                    },
                }
            };
            match (work, later) {
                (Some(work), _) => {
                    if work.is_some() {
                        // Another thread's slot may now take the next one.
                        self.changed.notify_waiters();
                    }
                    return work;
                }
                (None, Some(at)) => {
                    // Either is a reason to look again; which came first does not matter.
                    let _ = tokio::time::timeout_at(at.into(), changed).await;
                }
                (None, None) => changed.await,
            }
        }
    }

    /// The next item for a thread that cannot download at all (it only ends items), without
    /// waiting for a balance between threads.
    pub(crate) fn take_now(&self) -> Option<usize> {
        self.update(|board| board.queue.take_any())
    }
}

/// The earlier of two instants, either of which may be missing.
fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// What the queue asks the run when a slot is free: whether a waiting item's server takes
/// one more connection, and which running item the slot may help.
pub(crate) trait Dispatch<E> {
    /// What a helping slot gets.
    type Help;
    /// Whether `item` may start at `now`; if not, when to look again (`None`: at the next
    /// change).
    fn may_start(&self, item: &E, now: Instant) -> Result<(), Option<Instant>>;
    /// `item` was taken: its connection counts from now on.
    fn started(&self, item: &mut E);
    /// A running item a free slot may help.
    fn help(&self, board: &mut Board<E>) -> Help<Self::Help>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_numbered_across_threads() {
        let even = QueueState::new(10, 16, 2);
        assert_eq!(even.slots_of(0), [1, 3, 5, 7, 9, 11, 13, 15]);
        assert_eq!(even.slots_of(1), [2, 4, 6, 8, 10, 12, 14, 16]);
        let uneven = QueueState::new(10, 3, 2);
        assert_eq!(uneven.slots_of(0), [1, 3]);
        assert_eq!(uneven.slots_of(1), [2]);
        assert_eq!(QueueState::new(10, 1, 1).slots_of(0), [1]);
    }

    #[test]
    fn items_go_out_in_order_and_spread_over_the_threads() {
        // Four big files, 16 workers on two threads: the thread that asks first may not take
        // them all.
        let mut queue = QueueState::new(4, 16, 2);
        assert_eq!(queue.take(0), Take::Item(0));
        assert_eq!(queue.take(0), Take::Wait, "thread 1 has nothing running");
        assert_eq!(queue.take(1), Take::Item(1));
        assert_eq!(
            queue.take(1),
            Take::Item(2),
            "an even thread may take one more"
        );
        assert_eq!(queue.take(1), Take::Wait, "now thread 0 has fewer");
        assert_eq!(queue.take(0), Take::Item(3));
        assert_eq!(
            queue.take(0),
            Take::Wait,
            "nothing waits, but nothing has ended"
        );
        for position in 0..4 {
            assert_eq!(queue.end(position), Some(position));
        }
        assert_eq!(queue.end(0), None, "an item ends once");
        assert_eq!(queue.take(1), Take::Done);
    }

    #[test]
    fn a_free_slot_is_never_held_back_by_a_full_thread() {
        // Three workers on two threads: thread 0 has two slots, thread 1 one.
        let mut queue = QueueState::new(10, 3, 2);
        assert_eq!(queue.take(1), Take::Item(0));
        assert_eq!(queue.take(0), Take::Item(1));
        assert_eq!(
            queue.take(0),
            Take::Item(2),
            "thread 1 is full, so thread 0 fills its second slot"
        );
        queue.stopped(1);
        assert!(queue.end(0).is_some());
        assert_eq!(queue.take(1), Take::Item(3));
    }

    #[test]
    fn an_item_whose_server_is_full_waits_and_the_next_one_goes() {
        // Items 0 and 2 are on a server with no room; 1 and 3 on another.
        let mut queue = QueueState::new(4, 4, 1);
        let full = |position: usize| position % 2 == 1;
        assert_eq!(queue.take_fitting(0, full), Take::Item(1));
        assert_eq!(queue.take_fitting(0, full), Take::Item(3));
        assert_eq!(queue.take_fitting(0, full), Take::Wait, "0 and 2 wait");
        // Refused by its server, 3 goes back to the front and waits its turn.
        queue.requeue(3);
        assert_eq!(queue.phase(3), Some(Phase::Waiting));
        assert_eq!(queue.take(0), Take::Item(3));
        assert_eq!(queue.take(0), Take::Item(0), "then list order again");
    }

    #[test]
    fn paused_items_wait_and_resumed_ones_go_first() {
        let mut queue = QueueState::new(4, 1, 1);
        queue.pause_waiting(&[1]);
        assert_eq!(queue.phase(1), Some(Phase::Paused));
        assert_eq!(queue.take(0), Take::Item(0));
        queue.pause_waiting(&[0]);
        assert_eq!(
            queue.phase(0),
            Some(Phase::Running),
            "a running item pauses when its download has stopped"
        );
        queue.stopped(0);
        queue.park(0);
        assert_eq!(queue.take(0), Take::Item(2), "paused items are skipped");
        queue.stopped(0);
        assert_eq!(queue.end(2), Some(1), "dispatched second");
        assert!(queue.resume(1));
        assert_eq!(queue.take(0), Take::Item(1), "a resumed item goes first");
        queue.stopped(0);
        assert_eq!(queue.end(1), Some(2));
        assert_eq!(queue.phase(0), Some(Phase::Paused));
        assert_eq!(queue.phase(3), Some(Phase::Waiting));
        assert!(!queue.resume(3), "only paused items resume");
    }

    #[test]
    fn pausing_many_at_once_keeps_the_order_of_the_others() {
        let mut queue = QueueState::new(6, 1, 1);
        assert_eq!(queue.take(0), Take::Item(0));
        queue.pause_waiting(&[0, 2, 4, 9]);
        assert_eq!(queue.phase(0), Some(Phase::Running));
        assert_eq!(queue.phase(2), Some(Phase::Paused));
        assert_eq!(queue.phase(4), Some(Phase::Paused));
        queue.stopped(0);
        let mut order = Vec::new();
        while let Take::Item(position) = queue.take(0) {
            queue.stopped(0);
            queue.end(position);
            order.push(position);
        }
        assert_eq!(order, [1, 3, 5]);
    }

    #[test]
    fn waiting_items_move_and_new_ones_join_at_the_end() {
        let mut queue = QueueState::new(4, 1, 1);
        assert!(queue.move_item(3, Move::Top));
        assert!(queue.move_item(0, Move::Down));
        assert!(!queue.move_item(2, Move::Down), "already last");
        assert_eq!(queue.add(2), Some(4));
        let mut order = Vec::new();
        while let Take::Item(position) = queue.take(0) {
            queue.stopped(0);
            queue.end(position);
            order.push(position);
        }
        assert_eq!(order, [3, 1, 0, 2, 4, 5]);
        assert!(queue.is_done());
        assert_eq!(queue.add(1), None, "a finished run takes no more");
    }

    #[test]
    fn a_cancelled_run_sends_paused_items_out_to_be_ended() {
        let mut queue = QueueState::new(2, 2, 1);
        queue.pause_waiting(&[1]);
        assert_eq!(queue.take(0), Take::Item(0));
        queue.drain();
        queue.stopped(0);
        queue.park(0);
        assert_eq!(queue.take(0), Take::Item(0));
        assert_eq!(queue.take(0), Take::Item(1));
    }
}
