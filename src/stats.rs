//! The numbers behind the charts — worker lanes (with the pieces of files fetched over several
//! connections), completion order, run comparison and the ideal time — as pure functions of
//! run records, so they are tested without a window.

use std::collections::BTreeMap;

use crate::model::{ItemRecord, Mode, OutcomeKind};

/// One download, or one connection's piece of it, on the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The item.
    pub index: usize,
    /// Seconds since the run began when a worker picked it up.
    pub start: f64,
    /// When the answer arrived (the waiting part ends), if it did.
    pub first_byte: Option<f64>,
    /// When it ended.
    pub end: f64,
    /// Its item's outcome.
    pub kind: OutcomeKind,
    /// For one piece of a file fetched over several connections, the bytes it fetched
    /// (`from..to`); `None` for a file fetched over one.
    pub bytes: Option<(u64, u64)>,
}

/// One worker's row of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// The 1-based worker.
    pub worker: usize,
    /// Its downloads and pieces in start order.
    pub bars: Vec<Bar>,
}

/// Groups the items that ran by worker, one lane per worker in worker order. A file fetched
/// over several connections has a bar per piece, in the lane of the worker that fetched it;
/// its first own piece begins when its worker took it, so that the wait for the server shows.
/// Items that never started (cancelled before a worker took them) have no bar.
pub fn lanes(records: &[ItemRecord]) -> Vec<Lane> {
    let mut by_worker: BTreeMap<usize, Vec<Bar>> = BTreeMap::new();
    for record in records.iter().filter(|r| r.worker > 0) {
        for (worker, bar) in item_bars(record) {
            by_worker.entry(worker).or_default().push(bar);
        }
    }
    by_worker
        .into_iter()
        .map(|(worker, mut bars)| {
            bars.sort_by(|a, b| a.start.total_cmp(&b.start));
            Lane { worker, bars }
        })
        .collect()
}

/// The bars of one item that ran, each with its worker.
fn item_bars(record: &ItemRecord) -> Vec<(usize, Bar)> {
    let kind = record.outcome.kind();
    if record.pieces.is_empty() {
        let bar = Bar {
            index: record.index,
            start: secs(record.started_ms),
            first_byte: record.first_byte_ms.map(secs),
            end: secs(record.finished_ms.max(record.started_ms)),
            kind,
            bytes: None,
        };
        return vec![(record.worker, bar)];
    }
    // The item's own worker's first piece carries the wait for the first answer.
    let lead = record
        .pieces
        .iter()
        .enumerate()
        .filter(|(_, p)| p.worker == record.worker)
        .min_by_key(|(_, p)| p.started_ms)
        .map(|(at, _)| at);
    record
        .pieces
        .iter()
        .enumerate()
        .map(|(at, piece)| {
            let (start, first_byte) = if Some(at) == lead {
                let start = record.started_ms.min(piece.started_ms);
                let answer = record
                    .first_byte_ms
                    .map(|ms| secs(ms.clamp(start, piece.started_ms)));
                (start, answer)
            } else {
                (piece.started_ms, None)
            };
            let bar = Bar {
                index: record.index,
                start: secs(start),
                first_byte,
                end: secs(piece.finished_ms.max(start)),
                kind,
                bytes: Some((piece.start, piece.end)),
            };
            (piece.worker, bar)
        })
        .collect()
}

fn secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// Where one item landed in the completion-order chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderPoint {
    /// The item's index (x).
    pub index: usize,
    /// 1-based position in the order results were reported (y).
    pub reported: usize,
    /// 1-based position in the order downloads actually ended.
    pub finished: usize,
}

/// Reported and finished ranks of each item, from records in reported order. In map mode the
/// reported rank follows the index while the finished rank scatters: the gap is the waiting.
pub fn order_points(reported: &[ItemRecord]) -> Vec<OrderPoint> {
    let mut by_finish: Vec<(u64, usize, usize)> = reported
        .iter()
        .enumerate()
        .map(|(rank, r)| (r.finished_ms, rank, r.index))
        .collect();
    by_finish.sort();
    let mut points: Vec<OrderPoint> = reported
        .iter()
        .enumerate()
        .map(|(rank, r)| OrderPoint {
            index: r.index,
            reported: rank + 1,
            finished: 0,
        })
        .collect();
    for (finish_rank, (_, reported_rank, _)) in by_finish.into_iter().enumerate() {
        points[reported_rank].finished = finish_rank + 1;
    }
    points.sort_by_key(|p| p.index);
    points
}

/// The ideal total time of a run: the larger of its slowest single item and its total item
/// time divided by its workers, in milliseconds. It is a lower bound: no schedule of the same
/// item times on that many workers ends sooner, since the slowest item alone takes its time,
/// and `workers` cannot do more than `workers` seconds of work per second.
pub fn ideal_ms(slowest_ms: u64, work_ms: u64, workers: usize) -> u64 {
    slowest_ms.max(work_ms.div_ceil(workers.max(1) as u64))
}

/// The worker time an item took, in milliseconds: its duration on its own worker, plus the
/// pieces other workers fetched of it when it was fetched over several connections.
pub fn work_ms(record: &ItemRecord) -> u64 {
    let helped: u64 = record
        .pieces
        .iter()
        .filter(|p| p.worker != record.worker)
        .map(|p| p.finished_ms.saturating_sub(p.started_ms))
        .sum();
    record.duration_ms() + helped
}

/// A run's ideal time and what it is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ideal {
    /// The ideal time: [`ideal_ms`] of the two below.
    pub ms: u64,
    /// The slowest single item, start to end.
    pub slowest_ms: u64,
    /// The worker time of every item that ran ([`work_ms`]).
    pub work_ms: u64,
    /// The workers it is shared among.
    pub workers: usize,
}

impl Ideal {
    /// The ideal time of the items that ran (failed and cancelled ones took their worker's
    /// time too) on `workers` workers; `None` if none ran.
    pub fn of(records: &[ItemRecord], workers: usize) -> Option<Self> {
        let ran = records.iter().filter(|r| r.worker > 0);
        let slowest_ms = ran.clone().map(ItemRecord::duration_ms).max()?;
        let work_ms = ran.map(work_ms).sum();
        let workers = workers.max(1);
        Some(Self {
            ms: ideal_ms(slowest_ms, work_ms, workers),
            slowest_ms,
            work_ms,
            workers,
        })
    }
}

/// One run of the session, for the comparison chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// The mode.
    pub mode: Mode,
    /// Workers used.
    pub workers: usize,
    /// Items in the run.
    pub files: usize,
    /// Total time.
    pub elapsed_ms: u64,
    /// The ideal time, if any item ran.
    pub ideal: Option<Ideal>,
    /// A fingerprint of the URL list, so runs of the same list can be compared.
    pub list_key: u64,
}

impl RunSummary {
    /// Summarises a finished run of the list `list_text`.
    pub fn from_records(
        mode: Mode,
        workers: usize,
        elapsed_ms: u64,
        records: &[ItemRecord],
        list_text: &str,
    ) -> Self {
        Self {
            mode,
            workers,
            files: records.len(),
            elapsed_ms,
            ideal: Ideal::of(records, workers),
            list_key: fingerprint(list_text),
        }
    }

    /// The ideal time, if any item ran.
    pub fn ideal_ms(&self) -> Option<u64> {
        self.ideal.map(|ideal| ideal.ms)
    }
}

/// FNV-1a of the list text, ignoring surrounding white space.
pub fn fingerprint(text: &str) -> u64 {
    text.trim().bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// The speedup of `history[at]` over the last sequential run of the same list before or at it
/// (`sequential time / this time`).
pub fn speedup(history: &[RunSummary], at: usize) -> Option<f64> {
    let run = history.get(at)?;
    let baseline = history[..=at]
        .iter()
        .rev()
        .find(|r| r.mode == Mode::Sequential && r.list_key == run.list_key)?;
    (run.elapsed_ms > 0).then(|| baseline.elapsed_ms as f64 / run.elapsed_ms as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DownloadError;
    use crate::model::{Outcome, Piece};

    fn record(index: usize, worker: usize, start: u64, end: u64, outcome: Outcome) -> ItemRecord {
        ItemRecord {
            index,
            url: format!("http://h/{index}"),
            path: None,
            bytes: 0,
            total: None,
            worker,
            started_ms: start,
            first_byte_ms: (worker > 0).then_some(start + 10),
            finished_ms: end,
            reported_ms: end,
            retries: 0,
            sha256: None,
            outcome,
            pieces: Vec::new(),
            warning: None,
        }
    }

    fn piece(worker: usize, bytes: (u64, u64), ms: (u64, u64)) -> Piece {
        Piece {
            worker,
            start: bytes.0,
            end: bytes.1,
            started_ms: ms.0,
            finished_ms: ms.1,
        }
    }

    #[test]
    fn lanes_group_by_worker_and_skip_unstarted_items() {
        let failed = Outcome::Failed(DownloadError::DiskFull);
        let records = vec![
            record(2, 2, 0, 300, Outcome::Done),
            record(1, 1, 0, 500, failed),
            record(3, 2, 300, 400, Outcome::Done),
            record(4, 0, 450, 450, Outcome::Cancelled(None)),
        ];
        let lanes = lanes(&records);
        assert_eq!(lanes.len(), 2);
        assert_eq!(lanes[0].worker, 1);
        assert_eq!(lanes[0].bars[0].kind, OutcomeKind::Failed);
        assert_eq!(
            lanes[1].bars.iter().map(|b| b.index).collect::<Vec<_>>(),
            [2, 3]
        );
        assert_eq!(lanes[1].bars[1].start, 0.3);
        assert_eq!(lanes[1].bars[1].first_byte, Some(0.31));
        assert_eq!(lanes[1].bars[1].bytes, None);
    }

    #[test]
    fn a_split_file_has_a_bar_per_piece_in_its_fetchers_lanes() {
        // Item 1 on worker 1 from 0 (answer at 10); worker 2 helps from 300 with its second
        // half, worker 3 from 500 with the last quarter.
        let mut big = record(1, 1, 0, 900, Outcome::Done);
        big.pieces = vec![
            piece(1, (0, 400), (10, 880)),
            piece(2, (600, 800), (300, 900)),
            piece(3, (400, 600), (500, 850)),
        ];
        let records = vec![record(2, 2, 0, 300, Outcome::Done), big];
        let lanes = lanes(&records);
        assert_eq!(
            lanes.iter().map(|l| l.worker).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        // The owner's piece begins when the worker took the item, with its wait.
        let own = &lanes[0].bars[0];
        assert_eq!(
            (own.start, own.first_byte, own.end),
            (0.0, Some(0.01), 0.88)
        );
        assert_eq!(own.bytes, Some((0, 400)));
        // Worker 2: its own item, then its piece of item 1.
        let helped = &lanes[1].bars[1];
        assert_eq!((helped.index, helped.start, helped.end), (1, 0.3, 0.9));
        assert_eq!((helped.first_byte, helped.bytes), (None, Some((600, 800))));
        assert_eq!(lanes[2].bars[0].bytes, Some((400, 600)));
        assert!(
            lanes
                .iter()
                .flat_map(|l| &l.bars)
                .all(|b| b.kind == OutcomeKind::Done)
        );
    }

    #[test]
    fn order_points_show_the_map_gap() {
        // Map mode: reported 1..4 in order, but 4 finished first and 1 last.
        let records = vec![
            record(1, 1, 0, 900, Outcome::Done),
            record(2, 2, 0, 500, Outcome::Done),
            record(3, 3, 0, 300, Outcome::Cancelled(None)),
            record(4, 4, 0, 100, Outcome::Done),
        ];
        let points = order_points(&records);
        let reported: Vec<usize> = points.iter().map(|p| p.reported).collect();
        let finished: Vec<usize> = points.iter().map(|p| p.finished).collect();
        assert_eq!(reported, [1, 2, 3, 4]);
        assert_eq!(finished, [4, 3, 2, 1]);
    }

    #[test]
    fn order_points_of_submit_match_finish_order() {
        let records = vec![
            record(4, 1, 0, 100, Outcome::Done),
            record(2, 2, 0, 200, Outcome::Done),
            record(1, 3, 0, 300, Outcome::Done),
        ];
        let points = order_points(&records);
        assert!(points.iter().all(|p| p.reported == p.finished));
        assert_eq!(
            points[0],
            OrderPoint {
                index: 1,
                reported: 3,
                finished: 3
            }
        );
    }

    #[test]
    fn the_ideal_time_is_never_below_the_slowest_item() {
        // Four items on four workers, the slowest alone 2.0 s. The old formula,
        // ceil(files / workers) × median item time, said 1 × 1.0 s.
        let records: Vec<ItemRecord> = [1000, 1000, 1000, 2000]
            .into_iter()
            .enumerate()
            .map(|(i, ms)| record(i + 1, i + 1, 0, ms, Outcome::Done))
            .collect();
        let run = RunSummary::from_records(Mode::Submit, 4, 2000, &records, "list");
        assert_eq!(run.ideal_ms(), Some(2000));
        assert_eq!(
            run.ideal,
            Some(Ideal {
                ms: 2000,
                slowest_ms: 2000,
                work_ms: 5000,
                workers: 4
            })
        );
        // With two workers the work decides: 5.0 s of items ÷ 2 = 2.5 s.
        assert_eq!(Ideal::of(&records, 2).map(|i| i.ms), Some(2500));
    }

    #[test]
    fn the_ideal_time_formula() {
        assert_eq!(ideal_ms(2000, 5000, 4), 2000);
        assert_eq!(ideal_ms(200, 100 * 200, 16), 1250);
        assert_eq!(ideal_ms(200, 1001, 4), 251, "rounded up: a lower bound");
        assert_eq!(ideal_ms(300, 1000, 1), 1000, "one worker does it all");
        assert_eq!(ideal_ms(300, 1000, 0), 1000, "no workers counts as one");
        assert_eq!(ideal_ms(0, 0, 4), 0);
    }

    #[test]
    fn the_ideal_counts_every_item_that_ran_and_the_helpers_pieces() {
        let failed = Outcome::Failed(DownloadError::DiskFull);
        let mut big = record(1, 1, 0, 1000, Outcome::Done);
        // Worker 2 fetched part of it for 600 ms: 1.6 s of worker time in 1.0 s.
        big.pieces = vec![
            piece(1, (0, 500), (0, 1000)),
            piece(2, (500, 1000), (400, 1000)),
        ];
        assert_eq!(work_ms(&big), 1600);
        let records = vec![
            big,
            record(2, 2, 0, 400, failed),
            record(3, 0, 900, 900, Outcome::Cancelled(None)),
        ];
        let ideal = Ideal::of(&records, 2);
        assert_eq!(
            ideal.map(|i| (i.slowest_ms, i.work_ms, i.ms)),
            Some((1000, 2000, 1000))
        );
        // Nothing ran: no ideal.
        assert_eq!(Ideal::of(&records[2..], 2), None);
        // A sequential run's ideal is the sum of its items.
        let seq: Vec<ItemRecord> = (0..5)
            .map(|i| {
                record(
                    i + 1,
                    1,
                    i as u64 * 200,
                    i as u64 * 200 + 200,
                    Outcome::Done,
                )
            })
            .collect();
        assert_eq!(Ideal::of(&seq, 1).map(|i| i.ms), Some(1000));
    }

    #[test]
    fn speedup_compares_with_the_last_sequential_run_of_the_list() {
        let records: Vec<ItemRecord> = (1..=4)
            .map(|i| record(i, 1, 0, 200, Outcome::Done))
            .collect();
        let seq = RunSummary::from_records(Mode::Sequential, 1, 800, &records, "list");
        let fast = RunSummary::from_records(Mode::Submit, 4, 200, &records, "list\n");
        let other = RunSummary::from_records(Mode::Map, 4, 100, &records, "other");
        assert_eq!(seq.ideal_ms(), Some(800));
        assert_eq!(fast.ideal_ms(), Some(200));
        let history = vec![seq, fast, other];
        assert_eq!(speedup(&history, 0), Some(1.0));
        assert_eq!(speedup(&history, 1), Some(4.0));
        assert_eq!(speedup(&history, 2), None, "no sequential run of that list");
    }
}
