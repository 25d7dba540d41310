//! The person's hold on a running batch: pause, resume, cancel, move and add items by their
//! index, change the speed limit, answer a login, and wait for the end. A thin face over
//! [`Control`], which does the work under the queue's lock.

use std::sync::Arc;
use std::thread::JoinHandle;

use super::control::Control;
use super::queue::Move;
use crate::model::Job;

/// A running batch, and the person's hold on it. Items are named by their index.
pub struct RunHandle {
    control: Arc<Control>,
    thread: Option<JoinHandle<()>>,
    logins: Option<Arc<crate::net::asking::LoginDesk>>,
}

impl RunHandle {
    pub(crate) fn new(
        control: Arc<Control>,
        thread: Option<JoinHandle<()>>,
        logins: Option<Arc<crate::net::asking::LoginDesk>>,
    ) -> Self {
        Self {
            control,
            thread,
            logins,
        }
    }

    /// Answers a site's [`crate::model::Event::LoginWanted`]: its waiting downloads go on
    /// with `login`, or (`None`) fail as the site refused them.
    pub fn answer_login(
        &self,
        question: &crate::net::asking::LoginQuestion,
        login: Option<crate::net::access::Login>,
    ) {
        if let Some(desk) = &self.logins {
            desk.answer(question, login);
        }
    }

    /// Stops every download at once; unfinished items end as cancelled, their partial files
    /// kept to be continued by a later run.
    pub fn cancel(&self) {
        self.control.cancel_all();
    }

    /// Something another thread (a signal handler, say) can cancel the run with.
    pub fn canceller(&self) -> Canceller {
        Canceller(Arc::clone(&self.control))
    }

    /// Whether cancel was asked for.
    pub fn is_cancelling(&self) -> bool {
        self.control.cancel.is_cancelled()
    }

    /// Whether the run has reported everything.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Pauses an item: a running download stops and keeps its partial file; it continues
    /// (with a range request) when resumed.
    pub fn pause(&self, index: usize) {
        if let Some(position) = self.control.position(index) {
            self.control.pause(&[position]);
        }
    }

    /// Resumes a paused item: it goes to the front of the queue.
    pub fn resume(&self, index: usize) {
        if let Some(position) = self.control.position(index) {
            self.control.resume(&[position]);
        }
    }

    /// Cancels one item; the others go on.
    pub fn cancel_item(&self, index: usize) {
        if let Some(position) = self.control.position(index) {
            self.control.cancel_item(position);
        }
    }

    /// Moves a waiting item in the queue; false if it is not waiting or cannot move.
    pub fn move_item(&self, index: usize, to: Move) -> bool {
        self.control.position(index).is_some_and(|position| {
            self.control
                .queue
                .update(|board| board.queue.move_item(position, to))
        })
    }

    /// Pauses every item that is waiting or running.
    pub fn pause_all(&self) {
        let every: Vec<usize> = (0..self.control.len()).collect();
        self.control.pause(&every);
    }

    /// Resumes every paused item, in list order, and every item whose pause is still taking
    /// effect.
    pub fn resume_all(&self) {
        let paused = self.control.paused_positions();
        // Each resumed item goes to the front, so the last one first keeps list order.
        let last_first: Vec<usize> = paused.into_iter().rev().collect();
        self.control.resume(&last_first);
    }

    /// Adds links to the run, after everything listed before them; gives them back if the run
    /// has already finished (start a new one then).
    pub fn add(&self, jobs: Vec<Job>) -> Result<(), Vec<Job>> {
        self.control.add(jobs)
    }

    /// Changes the speed limit of the whole run (bytes per second; `None`: none).
    pub fn set_rate_limit(&self, bytes_per_sec: Option<u64>) {
        self.control.limit.set(bytes_per_sec);
    }

    /// Waits for the run to finish.
    pub fn join(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Cancels a run from anywhere.
#[derive(Clone)]
pub struct Canceller(Arc<Control>);

impl Canceller {
    /// Stops every download of the run at once, as [`RunHandle::cancel`].
    pub fn cancel(&self) {
        self.0.cancel_all();
    }
}
