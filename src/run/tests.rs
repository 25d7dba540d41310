//! A property test of the person's hold on a run: any sequence of pause, resume, cancel,
//! retry, move and add — given through [`RunHandle`] as the window gives them, between the
//! steps of simulated downloads on the worker slots and of the coordinator — leaves every
//! file downloaded, paused, or cancelled by the person; and Resume all at the end leaves none
//! paused. The queue, the control and the coordinator's work are the run's own; only the
//! network part of a download is played by the test (it stops as `fetch::run_item` does:
//! paused when its stop is a pause, else cancelled).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, mpsc};

use proptest::prelude::*;

use super::control::{ItemStop, Message};
use super::queue::Take;
use super::{Control, Move, RunHandle, RunShared};
use crate::fetch::Parked;
use crate::model::{Event, EventSink, ItemRecord, Job, Mode, Outcome, OutcomeKind};
use crate::options::RunConfig;

const THREADS: usize = 2;
const WORKERS: usize = 3;

/// One thing the person or the machinery does.
#[derive(Debug, Clone)]
enum Op {
    Pause(usize),
    Resume(usize),
    Cancel(usize),
    Retry(usize),
    Move(usize, Move),
    Add(usize),
    PauseAll,
    ResumeAll,
    /// A free slot takes the next item.
    Take(usize),
    /// A busy slot's download goes on: it notices a stop, or ends (`true`), or not yet.
    Step(usize, bool),
    /// The coordinator handles what it was asked.
    Coordinate,
}

fn op(items: usize) -> impl Strategy<Value = Op> {
    let item = 1..=items + 3;
    let slot = 0..WORKERS;
    let to = prop_oneof![Just(Move::Up), Just(Move::Down), Just(Move::Top)];
    prop_oneof![
        2 => item.clone().prop_map(Op::Pause),
        2 => item.clone().prop_map(Op::Resume),
        1 => item.clone().prop_map(Op::Cancel),
        1 => item.clone().prop_map(Op::Retry),
        1 => (item, to).prop_map(|(i, to)| Op::Move(i, to)),
        1 => (1..3usize).prop_map(Op::Add),
        2 => Just(Op::PauseAll),
        2 => Just(Op::ResumeAll),
        4 => slot.clone().prop_map(Op::Take),
        4 => (slot, any::<bool>()).prop_map(|(s, end)| Op::Step(s, end)),
        2 => Just(Op::Coordinate),
    ]
}

/// A download on a slot, as far as the test plays it: taken from the queue, then begun (its
/// stop and what it kept handed over) at the slot's next step.
struct Busy {
    position: usize,
    turn: Option<(Arc<ItemStop>, Option<Parked>)>,
}

struct Sim {
    work: Arc<RunShared>,
    handle: RunHandle,
    inbox: mpsc::Receiver<Message>,
    events: mpsc::Receiver<Event>,
    slots: Vec<Option<Busy>>,
    /// Items the person cancelled (and did not retry since).
    cancelled: HashSet<usize>,
    /// The last report of each item.
    reported: HashMap<usize, OutcomeKind>,
    next_index: usize,
    _dir: tempfile::TempDir,
}

fn job(index: usize) -> Job {
    Job {
        index,
        url: url::Url::parse(&format!("http://127.0.0.1:9/file{index}")).unwrap(),
        sha256: None,
        previous: None,
        name: None,
        referer: None,
    }
}

impl Sim {
    fn new(items: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = RunConfig::new(Mode::Submit, WORKERS, dir.path());
        config.state_dir = None;
        let (tx, events) = mpsc::channel();
        let sink = EventSink::new(tx);
        let (messages, inbox) = mpsc::channel();
        let jobs = (1..=items).map(job).collect();
        let control = Arc::new(Control::new(
            jobs,
            &config,
            sink.clone(),
            [WORKERS, THREADS],
            messages,
        ));
        let work = Arc::new(RunShared::new(Arc::clone(&control), config, sink));
        Self {
            work,
            handle: RunHandle::new(control, None, None),
            inbox,
            events,
            slots: (0..WORKERS).map(|_| None).collect(),
            cancelled: HashSet::new(),
            reported: HashMap::new(),
            next_index: items + 1,
            _dir: dir,
        }
    }

    fn control(&self) -> &Control {
        &self.work.control
    }

    fn read_events(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            if let Event::ItemReported(record) = event {
                self.reported.insert(record.index, record.outcome.kind());
            }
        }
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Pause(index) => self.handle.pause(index),
            Op::Resume(index) => self.handle.resume(index),
            Op::Cancel(index) => {
                if index < self.next_index {
                    self.cancelled.insert(index);
                }
                self.handle.cancel_item(index);
            }
            Op::Retry(index) => {
                self.read_events();
                // The window offers Retry on a failed or cancelled row.
                if matches!(
                    self.reported.get(&index),
                    Some(OutcomeKind::Cancelled | OutcomeKind::Failed)
                ) && self.handle.add(vec![job(index)]).is_ok()
                {
                    self.reported.remove(&index);
                    self.cancelled.remove(&index);
                }
            }
            Op::Move(index, to) => {
                self.handle.move_item(index, to);
            }
            Op::Add(count) => {
                let jobs = (self.next_index..self.next_index + count)
                    .map(job)
                    .collect();
                if self.handle.add(jobs).is_ok() {
                    self.next_index += count;
                }
            }
            Op::PauseAll => self.handle.pause_all(),
            Op::ResumeAll => self.handle.resume_all(),
            Op::Take(slot) => self.take(slot),
            Op::Step(slot, end) => self.step(slot, end),
            Op::Coordinate => self.coordinate(),
        }
    }

    /// What a free slot does: takes the next item (it begins at the slot's next step, as
    /// `Work::run_turn` runs after the slot's `take` returned).
    fn take(&mut self, slot: usize) {
        if self.slots[slot].is_some() {
            return;
        }
        let thread = slot % THREADS;
        if let Take::Item(position) = self.control().queue.update(|b| b.queue.take(thread)) {
            self.slots[slot] = Some(Busy {
                position,
                turn: None,
            });
        }
    }

    /// The beginning of a turn, as `Work::run_turn` and the start of `fetch::run_item` do it:
    /// false if it ended (or was parked) at once.
    fn begin(&mut self, busy: &mut Busy) -> bool {
        let Some((job, stop, parked)) = self.control().take_turn(busy.position) else {
            return false;
        };
        if parked.is_none() && stop.token.is_cancelled() && !self.is_pause(&stop) {
            let record = ItemRecord::unstarted(&job, Outcome::Cancelled(None), 0);
            self.work.finish(busy.position, record);
            return false;
        }
        busy.turn = Some((stop, parked));
        true
    }

    /// Whether a stop is a pause (as `ItemContext::is_pause` says).
    fn is_pause(&self, stop: &ItemStop) -> bool {
        stop.pausing.load(std::sync::atomic::Ordering::SeqCst)
            && !self.control().cancel.is_cancelled()
    }

    fn stopped(&self, thread: usize) {
        self.control().queue.update(|b| b.queue.stopped(thread));
    }

    /// A busy slot's download: it begins; or, stopped from outside, it is paused if that was
    /// a pause (and the run goes on), else cancelled; otherwise it may end, done.
    fn step(&mut self, slot: usize, end: bool) {
        let Some(mut busy) = self.slots[slot].take() else {
            return;
        };
        let Some((stop, parked)) = busy.turn.take() else {
            if self.begin(&mut busy) {
                self.slots[slot] = Some(busy);
            } else {
                self.stopped(slot % THREADS);
            }
            return;
        };
        let job = self.control().job(busy.position);
        if stop.token.is_cancelled() {
            if self.is_pause(&stop) {
                let parked = parked.unwrap_or_else(|| Parked::untouched(&job));
                self.control().park(busy.position, Some(parked));
            } else {
                let record = ItemRecord::unstarted(&job, Outcome::Cancelled(None), 0);
                self.work.finish(busy.position, record);
            }
        } else if end {
            let record = ItemRecord::unstarted(&job, Outcome::Done, 0);
            self.work.finish(busy.position, record);
        } else {
            busy.turn = Some((stop, parked));
            self.slots[slot] = Some(busy);
            return;
        }
        self.stopped(slot % THREADS);
    }

    fn coordinate(&mut self) {
        while let Ok(message) = self.inbox.try_recv() {
            if let Message::EndPaused(position) = message {
                self.work.end_paused(position);
            }
        }
    }

    /// Lets every download and the coordinator go on until nothing changes.
    fn settle(&mut self) {
        for _ in 0..10_000 {
            self.coordinate();
            for slot in 0..WORKERS {
                self.step(slot, true);
                self.take(slot);
            }
            if self.slots.iter().all(Option::is_none)
                && self.control().queue.read(|b| b.queue.is_quiet())
            {
                self.coordinate();
                break;
            }
        }
        self.read_events();
    }

    /// How each item stands: its last report, or its phase while it has none.
    fn check(&self, none_paused: bool) -> Result<(), TestCaseError> {
        for index in 1..self.next_index {
            let position = self.control().position(index);
            let phase = position.and_then(|p| self.control().queue.read(|b| b.queue.phase(p)));
            match (phase, self.reported.get(&index)) {
                (Some(super::queue::Phase::Paused), None) => {
                    prop_assert!(!none_paused, "item {index} stayed paused after Resume all");
                }
                (Some(super::queue::Phase::Ended), Some(OutcomeKind::Done)) => {}
                (Some(super::queue::Phase::Ended), Some(OutcomeKind::Cancelled)) => {
                    prop_assert!(
                        self.cancelled.contains(&index),
                        "item {index} was cancelled, but not by the person"
                    );
                }
                other => prop_assert!(false, "item {index} ended as {other:?}"),
            }
        }
        Ok(())
    }
}

proptest! {
    // Failures found are kept beside this file (src/run/tests.regressions), not at the top.
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("regressions"),
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_command_loses_a_file(items in 1..8usize, ops in proptest::collection::vec(op(8), 0..60)) {
        let mut sim = Sim::new(items);
        for op in &ops {
            sim.apply(op);
        }
        sim.settle();
        sim.check(false)?;
    }

    #[test]
    fn resume_all_resumes_everything_paused_or_pausing(
        items in 1..8usize,
        ops in proptest::collection::vec(op(8), 0..60),
    ) {
        let mut sim = Sim::new(items);
        for op in &ops {
            sim.apply(op);
        }
        // Whatever is paused, or still pausing, now.
        sim.handle.resume_all();
        sim.settle();
        sim.check(true)?;
    }
}
