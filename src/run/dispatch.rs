//! Who downloads what next: the list's positions go out strictly in input order to the worker
//! slots, spread over a few event-loop threads so that big files do not pile onto one.

use std::sync::Mutex;

use super::lock;

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
