//! When a finished item is reported: at once (completion order) or once every earlier item has
//! been (input order), as the mode decides. The worker that finishes an item reports whatever
//! that releases, so no thread is woken just to pass a result on.

use std::sync::{Arc, Condvar, Mutex};

use super::lock;
use crate::model::{ItemRecord, Job, ReportOrder};

/// The order of reports, shared by the workers.
pub(super) struct Reporting {
    order: Mutex<Reporter>,
    /// Signalled when the last item has been reported.
    complete: Condvar,
}

impl Reporting {
    pub(super) fn new(jobs: Arc<[Job]>, order: ReportOrder) -> Self {
        Self {
            order: Mutex::new(Reporter::new(jobs, order)),
            complete: Condvar::new(),
        }
    }

    /// Takes the finished item at `position` and passes every item it releases to `report`.
    /// The lock is held while reporting so that reports leave in the order the mode decides.
    pub(super) fn push(&self, position: usize, record: ItemRecord, report: impl Fn(ItemRecord)) {
        let mut order = lock(&self.order);
        for record in order.push(position, record) {
            report(record);
        }
        if order.is_complete() {
            self.complete.notify_all();
        }
    }

    /// Waits until every item has been reported.
    pub(super) fn wait_complete(&self) {
        let mut order = lock(&self.order);
        while !order.is_complete() {
            order = match self.complete.wait(order) {
                Ok(order) => order,
                Err(poisoned) => poisoned.into_inner(),
            };
        }
    }
}

/// The bookkeeping behind [`Reporting`].
struct Reporter {
    jobs: Arc<[Job]>,
    order: ReportOrder,
    held: Vec<Option<ItemRecord>>,
    reported: Vec<bool>,
    /// The first position not yet reported, in input order.
    next: usize,
    count: usize,
}

impl Reporter {
    fn new(jobs: Arc<[Job]>, order: ReportOrder) -> Self {
        Self {
            order,
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

    /// Takes a finished item; returns the items that may now be reported, in order. An item
    /// is taken once: a second record for it is ignored.
    fn push(&mut self, position: usize, record: ItemRecord) -> Vec<ItemRecord> {
        if self.reported[position] || self.held[position].is_some() {
            return Vec::new();
        }
        match self.order {
            ReportOrder::Completion => {
                self.reported[position] = true;
                self.count += 1;
                vec![record]
            }
            ReportOrder::Input => {
                self.held[position] = Some(record);
                self.release_ready()
            }
        }
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Outcome;

    fn jobs(n: usize) -> Arc<[Job]> {
        (1..=n)
            .map(|index| Job {
                index,
                url: url::Url::parse(&format!("http://h/{index}")).unwrap(),
                sha256: None,
            })
            .collect()
    }

    fn indices(records: Vec<ItemRecord>) -> Vec<usize> {
        records.into_iter().map(|r| r.index).collect()
    }

    fn finish(reporter: &mut Reporter, jobs: &[Job], position: usize) -> Vec<usize> {
        let record = ItemRecord::unstarted(&jobs[position], Outcome::Done, 0);
        indices(reporter.push(position, record))
    }

    #[test]
    fn completion_order_reports_at_once_and_input_order_waits() {
        // The tutorial's finishing order: 4, 3, 2, 5, 1.
        let list = jobs(5);
        let mut submit = Reporter::new(Arc::clone(&list), ReportOrder::Completion);
        let mut map = Reporter::new(Arc::clone(&list), ReportOrder::Input);
        let mut submitted = Vec::new();
        let mut mapped = Vec::new();
        for position in [3, 2, 1, 4, 0] {
            submitted.extend(finish(&mut submit, &list, position));
            mapped.push(finish(&mut map, &list, position));
        }
        assert_eq!(submitted, [4, 3, 2, 5, 1]);
        assert_eq!(
            mapped,
            [vec![], vec![], vec![], vec![], vec![1, 2, 3, 4, 5]],
            "map holds every result until the first is in"
        );
        assert!(submit.is_complete() && map.is_complete());
    }

    #[test]
    fn an_item_is_taken_once() {
        let list = jobs(2);
        let mut map = Reporter::new(Arc::clone(&list), ReportOrder::Input);
        assert_eq!(finish(&mut map, &list, 1), Vec::<usize>::new());
        assert_eq!(finish(&mut map, &list, 1), Vec::<usize>::new());
        assert_eq!(finish(&mut map, &list, 0), [1, 2]);
        assert_eq!(finish(&mut map, &list, 0), Vec::<usize>::new());
        assert!(map.is_complete());
    }
}
