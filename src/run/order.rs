//! When a finished item is reported: at once (completion order) or once every earlier item has
//! been (input order), as the mode decides. The worker that finishes an item reports whatever
//! that releases, so no thread is woken just to pass a result on.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::lock;
use crate::model::{ItemRecord, ReportOrder};

/// The order of reports, shared by the workers.
pub(crate) struct Reporting {
    order: Mutex<Reporter>,
}

impl Reporting {
    pub(crate) fn new(total: usize, order: ReportOrder) -> Self {
        Self {
            order: Mutex::new(Reporter::new(total, order)),
        }
    }

    /// Takes the ended item whose place in the order of dispatch is `seq`: passes it to
    /// `held` if it must wait for items before it, and every item it releases to `report`.
    /// The lock is held meanwhile so that these leave in the order the mode decides.
    pub(crate) fn push(
        &self,
        seq: usize,
        record: ItemRecord,
        held: impl FnOnce(&ItemRecord),
        report: impl Fn(ItemRecord),
    ) {
        let mut order = lock(&self.order);
        if order.holds(seq) {
            held(&record);
        }
        for record in order.push(seq, record) {
            report(record);
        }
    }

    /// Items joined the run.
    pub(crate) fn grow(&self, count: usize) {
        lock(&self.order).total += count;
    }

    /// Whether every item has been reported.
    pub(crate) fn is_complete(&self) -> bool {
        lock(&self.order).is_complete()
    }
}

/// The bookkeeping behind [`Reporting`]: items by their place in the order of dispatch.
struct Reporter {
    order: ReportOrder,
    total: usize,
    /// Ended items not reported yet, by place.
    held: BTreeMap<usize, ItemRecord>,
    /// The first place not yet reported, in input order.
    next: usize,
    count: usize,
}

impl Reporter {
    fn new(total: usize, order: ReportOrder) -> Self {
        Self {
            order,
            total,
            held: BTreeMap::new(),
            next: 0,
            count: 0,
        }
    }

    fn is_complete(&self) -> bool {
        self.count >= self.total
    }

    /// Whether the item at `seq`, ending now, must wait for items before it.
    fn holds(&self, seq: usize) -> bool {
        match self.order {
            ReportOrder::Completion => false,
            ReportOrder::Input => seq != self.next,
        }
    }

    /// Takes an ended item; returns the items that may now be reported, in order.
    fn push(&mut self, seq: usize, record: ItemRecord) -> Vec<ItemRecord> {
        match self.order {
            ReportOrder::Completion => {
                self.count += 1;
                vec![record]
            }
            ReportOrder::Input => {
                self.held.insert(seq, record);
                let mut ready = Vec::new();
                while let Some(record) = self.held.remove(&self.next) {
                    self.next += 1;
                    self.count += 1;
                    ready.push(record);
                }
                ready
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Job, Outcome};

    fn finish(reporter: &mut Reporter, seq: usize) -> Vec<usize> {
        let job = Job {
            index: seq + 1,
            url: url::Url::parse(&format!("http://h/{seq}")).unwrap(),
            sha256: None,
            previous: None,
            name: None,
            referer: None,
        };
        let record = ItemRecord::unstarted(&job, Outcome::Done, 0);
        reporter
            .push(seq, record)
            .into_iter()
            .map(|r| r.index)
            .collect()
    }

    #[test]
    fn completion_order_reports_at_once_and_input_order_waits() {
        // The tutorial's finishing order: 4, 3, 2, 5, 1.
        let mut submit = Reporter::new(5, ReportOrder::Completion);
        let mut map = Reporter::new(5, ReportOrder::Input);
        let mut submitted = Vec::new();
        let mut mapped = Vec::new();
        let mut held = Vec::new();
        for seq in [3, 2, 1, 4, 0] {
            assert!(!submit.holds(seq), "completion order holds nothing");
            held.push(map.holds(seq));
            submitted.extend(finish(&mut submit, seq));
            mapped.push(finish(&mut map, seq));
        }
        assert_eq!(held, [true, true, true, true, false]);
        assert_eq!(submitted, [4, 3, 2, 5, 1]);
        assert_eq!(
            mapped,
            [vec![], vec![], vec![], vec![], vec![1, 2, 3, 4, 5]],
            "map holds every result until the first is in"
        );
        assert!(submit.is_complete() && map.is_complete());
    }

    #[test]
    fn items_that_join_are_reported_after_those_before_them() {
        let mut map = Reporter::new(2, ReportOrder::Input);
        assert_eq!(finish(&mut map, 0), [1]);
        map.total += 1;
        assert_eq!(finish(&mut map, 2), Vec::<usize>::new());
        assert!(!map.is_complete());
        assert_eq!(finish(&mut map, 1), [2, 3]);
        assert!(map.is_complete());
    }
}
