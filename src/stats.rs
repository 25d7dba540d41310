//! The numbers behind the charts — worker lanes (with the pieces of files fetched over several
//! connections), completion order, how long map mode held results back and how far submit
//! mode moved them, the run comparison and the ideal time — as pure functions of run records,
//! so they are tested without a window.

use std::collections::{BTreeMap, HashMap};

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

/// The records in list order (by index), each with its 1-based position among them: a retry
/// run's items 3, 7 and 9 are at positions 1, 2 and 3.
fn in_list_order(records: &[ItemRecord]) -> Vec<(usize, &ItemRecord)> {
    let mut sorted: Vec<&ItemRecord> = records.iter().collect();
    sorted.sort_by_key(|r| r.index);
    sorted
        .into_iter()
        .enumerate()
        .map(|(at, r)| (at + 1, r))
        .collect()
}

/// How long a finished result waited before it was reported, in milliseconds: in map mode,
/// for the results before it in the list; about zero in the other modes.
pub fn held_back_ms(record: &ItemRecord) -> u64 {
    record.reported_ms.saturating_sub(record.finished_ms)
}

/// Consecutive items of the list, as one bar of the held-back chart.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldBackGroup {
    /// The first position in the list it covers (1-based).
    pub first: usize,
    /// The last position it covers.
    pub last: usize,
    /// The longest time one of its results was held back, in milliseconds.
    pub longest_ms: u64,
    /// The index of the item held back longest.
    pub longest_index: usize,
    /// The average time its results were held back, in milliseconds.
    pub mean_ms: f64,
}

/// The held-back times of the items in list order, in at most `max_groups` groups of
/// consecutive positions (one item each when they are few), so a chart of 10,000 items draws
/// no more bars than one of `max_groups`.
pub fn held_back_groups(records: &[ItemRecord], max_groups: usize) -> Vec<HeldBackGroup> {
    let items = in_list_order(records);
    let size = items.len().div_ceil(max_groups.max(1)).max(1);
    items
        .chunks(size)
        .filter_map(|chunk| {
            let (first, _) = chunk.first()?;
            let (last, _) = chunk.last()?;
            let (longest_ms, longest_index) = chunk
                .iter()
                .map(|(_, r)| (held_back_ms(r), r.index))
                .max_by_key(|(ms, index)| (*ms, std::cmp::Reverse(*index)))?;
            let total: u64 = chunk.iter().map(|(_, r)| held_back_ms(r)).sum();
            Some(HeldBackGroup {
                first: *first,
                last: *last,
                longest_ms,
                longest_index,
                mean_ms: total as f64 / chunk.len() as f64,
            })
        })
        .collect()
}

/// The number of finished results waiting to be reported from a moment on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Milliseconds since the run began.
    pub ms: u64,
    /// Results finished but not yet reported from then on.
    pub waiting: usize,
}

/// How many finished results were waiting to be reported over the run: a step at every moment
/// the number changes, in time order, starting with none at 0. A result waits from the end of
/// its download until it is reported; `held` are the ends (in milliseconds) of results that
/// wait still, during a run.
pub fn waiting_steps(records: &[ItemRecord], held: &[u64]) -> Vec<Step> {
    let mut changes: BTreeMap<u64, i64> = BTreeMap::new();
    for record in records.iter().filter(|r| held_back_ms(r) > 0) {
        *changes.entry(record.finished_ms).or_default() += 1;
        *changes.entry(record.reported_ms).or_default() -= 1;
    }
    for &finished_ms in held {
        *changes.entry(finished_ms).or_default() += 1;
    }
    let mut waiting = 0i64;
    let mut steps = vec![Step { ms: 0, waiting: 0 }];
    for (ms, change) in changes {
        waiting += change;
        let step = Step {
            ms,
            waiting: waiting.max(0) as usize,
        };
        match steps.last_mut() {
            Some(last) if last.ms == ms => *last = step,
            Some(last) if last.waiting == step.waiting => {}
            _ => steps.push(step),
        }
    }
    steps
}

/// The corners of the step line through `steps` up to `end_ms`, as (seconds, count), at most
/// `max_points` of them (at least 8). When the exact line has more, time is cut into equal
/// slices and each slice that has steps keeps the count it enters with, its highest, its
/// lowest and the one it leaves with: the line drawn looks the same at a chart's resolution.
pub fn step_line(steps: &[Step], end_ms: u64, max_points: usize) -> Vec<(f64, f64)> {
    let end_ms = steps.last().map_or(end_ms, |s| s.ms.max(end_ms));
    let exact = 2 * steps.len();
    let mut line = Vec::with_capacity(exact.min(max_points.max(8)));
    if exact <= max_points.max(8) {
        let mut before = None;
        for step in steps {
            if let Some(count) = before {
                line.push((secs(step.ms), count as f64));
            }
            line.push((secs(step.ms), step.waiting as f64));
            before = Some(step.waiting);
        }
    } else {
        let slices = (max_points.max(8) - 1) / 4;
        // Every moment up to end_ms falls in one of the slices.
        let width = (end_ms + 1).div_ceil(slices as u64).max(1);
        let mut entering = 0;
        let mut rest = steps;
        while let Some(first) = rest.first() {
            let slice = first.ms / width;
            let count = rest.iter().take_while(|s| s.ms / width == slice).count();
            let (inside, after) = rest.split_at(count);
            let lowest = inside.iter().map(|s| s.waiting).chain([entering]).min();
            let highest = inside.iter().map(|s| s.waiting).chain([entering]).max();
            let leaving = inside.last().map_or(entering, |s| s.waiting);
            let at = secs(first.ms);
            for count in [Some(entering), highest, lowest, Some(leaving)]
                .into_iter()
                .flatten()
            {
                if line.last() != Some(&(at, count as f64)) {
                    line.push((at, count as f64));
                }
            }
            entering = leaving;
            rest = after;
        }
    }
    let last = steps.last().map_or(0, |s| s.waiting);
    line.push((secs(end_ms), last as f64));
    line
}

/// How far one result moved from its place in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankShift {
    /// The item.
    pub index: usize,
    /// Its position in the list (1-based among the run's items).
    pub position: usize,
    /// Its reported rank minus its position: negative when it was reported before its place,
    /// positive after.
    pub places: i64,
}

/// How far each result moved from its place in the list, in list order. Map and sequential
/// mode move nothing.
pub fn moves(reported: &[ItemRecord]) -> Vec<RankShift> {
    let rank: HashMap<usize, usize> = reported
        .iter()
        .enumerate()
        .map(|(at, r)| (r.index, at + 1))
        .collect();
    in_list_order(reported)
        .into_iter()
        .map(|(position, r)| RankShift {
            index: r.index,
            position,
            places: rank
                .get(&r.index)
                .map_or(0, |&rank| rank as i64 - position as i64),
        })
        .collect()
}

/// Consecutive items of the list, as one bar (or two) of the chart of moves by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveGroup {
    /// The first position in the list it covers (1-based).
    pub first: usize,
    /// The last position it covers.
    pub last: usize,
    /// The farthest move after its place (0 if none moved later), and whose it was.
    pub latest: (i64, usize),
    /// The farthest move before its place (0 if none moved earlier), and whose it was.
    pub earliest: (i64, usize),
    /// How many of its results were reported after their place.
    pub later: usize,
    /// How many before.
    pub earlier: usize,
}

/// The moves by position in at most `max_groups` groups of consecutive positions (one item
/// each when they are few), each with its farthest moves either way.
pub fn move_groups(moves: &[RankShift], max_groups: usize) -> Vec<MoveGroup> {
    let size = moves.len().div_ceil(max_groups.max(1)).max(1);
    moves
        .chunks(size)
        .filter_map(|chunk| {
            let (first, last) = (chunk.first()?, chunk.last()?);
            let farthest = |sign: i64| {
                chunk
                    .iter()
                    .filter(|m| m.places * sign > 0)
                    .max_by_key(|m| (m.places * sign, std::cmp::Reverse(m.index)))
                    .map_or((0, 0), |m| (m.places, m.index))
            };
            Some(MoveGroup {
                first: first.position,
                last: last.position,
                latest: farthest(1),
                earliest: farthest(-1),
                later: chunk.iter().filter(|m| m.places > 0).count(),
                earlier: chunk.iter().filter(|m| m.places < 0).count(),
            })
        })
        .collect()
}

/// The bin of the histogram of moves that `places` falls in: 0 for none, then ±1, ±2, ±3
/// (3–4 places), ±4 (5–8), ±5 (9–16)… each bin twice as wide as the one before, so that the
/// many small moves and the few far ones both show, whatever the number of items.
pub fn move_bin(places: i64) -> i64 {
    let far = places.unsigned_abs();
    let bin = match far {
        0 | 1 => far as i64,
        _ => (u64::BITS - (far - 1).leading_zeros()) as i64 + 1,
    };
    bin * places.signum()
}

/// The places that bin `bin` of [`move_bin`] holds, nearest and farthest: `(5, 8)` for 4,
/// `(-5, -8)` for -4.
pub fn bin_places(bin: i64) -> (i64, i64) {
    let (near, far) = match bin.unsigned_abs().min(63) {
        0 => (0, 0),
        1 => (1, 1),
        b => ((1i64 << (b - 2)) + 1, 1i64 << (b - 1)),
    };
    (near * bin.signum(), far * bin.signum())
}

/// One bar of the histogram of moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveBin {
    /// Its bin (see [`move_bin`]).
    pub bin: i64,
    /// How many results moved that far.
    pub count: usize,
}

/// How many results moved how far, in the bins of [`move_bin`] that hold any, in order: for
/// `n` results at most 2 × (log₂ n + 2) + 1 bins.
pub fn move_histogram(moves: &[RankShift]) -> Vec<MoveBin> {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for m in moves {
        *counts.entry(move_bin(m.places)).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(bin, count)| MoveBin { bin, count })
        .collect()
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// One run of the session, for the comparison chart; kept across a restart by the window,
/// hence serde (a field added later needs a default).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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
    /// Items cancelled (by Cancel, a row's Cancel or quitting): a run with any is not a
    /// whole run, so its time says nothing about its mode's speed.
    #[serde(default)]
    pub cancelled: usize,
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
            cancelled: records
                .iter()
                .filter(|r| r.outcome.kind() == OutcomeKind::Cancelled)
                .count(),
        }
    }

    /// Whether some of its items were cancelled: its time is not its mode's speed.
    pub fn was_cancelled(&self) -> bool {
        self.cancelled > 0
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

/// The speedup of `history[at]` over the last whole sequential run of the same list before or
/// at it (`sequential time / this time`); none for a cancelled run, whose time was cut short.
pub fn speedup(history: &[RunSummary], at: usize) -> Option<f64> {
    let run = history.get(at).filter(|run| !run.was_cancelled())?;
    let baseline = history[..=at]
        .iter()
        .rev()
        .find(|r| r.mode.is_baseline() && r.list_key == run.list_key && !r.was_cancelled())?;
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
            protocol: None,
        }
    }

    /// `n` items on `workers` workers, `workers` at a time, of uneven lengths, reported as
    /// `mode` reports them (a quick stand-in for a real run's records).
    fn big_run(mode: Mode, n: usize, workers: usize) -> Vec<ItemRecord> {
        let mut records: Vec<ItemRecord> = (1..=n)
            .map(|i| {
                let start = (i as u64 - 1) / workers as u64 * 100;
                let length = 50 + (i as u64 * 7919) % 400;
                record(
                    i,
                    (i - 1) % workers + 1,
                    start,
                    start + length,
                    Outcome::Done,
                )
            })
            .collect();
        match mode {
            Mode::Submit => records.sort_by_key(|r| (r.finished_ms, r.index)),
            Mode::Map | Mode::Sequential => {
                let mut reported = 0;
                for r in &mut records {
                    reported = reported.max(r.finished_ms);
                    r.reported_ms = reported;
                }
            }
        }
        records
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

    #[test]
    fn a_cancelled_run_is_marked_and_never_counted_as_fast() {
        let whole: Vec<ItemRecord> = (1..=4)
            .map(|i| record(i, 1, 0, 200, Outcome::Done))
            .collect();
        let mut cut = whole.clone();
        cut[2].outcome = Outcome::Cancelled(None);
        cut[3].outcome = Outcome::Cancelled(None);
        let seq = RunSummary::from_records(Mode::Sequential, 1, 800, &whole, "list");
        // Cancelled after 0.1 s: eight times "faster" if its time were taken as its speed.
        let cancelled = RunSummary::from_records(Mode::Submit, 4, 100, &cut, "list");
        assert_eq!((seq.cancelled, cancelled.cancelled), (0, 2));
        assert!(cancelled.was_cancelled() && !seq.was_cancelled());
        let history = vec![seq.clone(), cancelled.clone()];
        assert_eq!(speedup(&history, 1), None);
        // A cancelled sequential run is no baseline for the runs after it.
        let cut_seq = RunSummary::from_records(Mode::Sequential, 1, 100, &cut, "list");
        let fast = RunSummary::from_records(Mode::Map, 4, 200, &whole, "list");
        assert_eq!(speedup(&[seq, cut_seq.clone(), fast.clone()], 2), Some(4.0));
        assert_eq!(speedup(&[cut_seq, fast], 1), None);
    }

    #[test]
    fn a_run_summary_survives_saving_and_one_saved_before_cancelled_counts_reads_whole() {
        let records: Vec<ItemRecord> = (1..=3)
            .map(|i| record(i, 1, 0, 200, Outcome::Cancelled(None)))
            .collect();
        let run = RunSummary::from_records(Mode::Map, 8, 300, &records, "list");
        let json = serde_json::to_string(&run).unwrap();
        assert_eq!(serde_json::from_str::<RunSummary>(&json).unwrap(), run);
        let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
        old.as_object_mut().unwrap().remove("cancelled");
        let old: RunSummary = serde_json::from_value(old).unwrap();
        assert_eq!(old.cancelled, 0);
    }

    /// Map mode on 4 workers: 1 ends last, so 2, 3 and 4 wait for it.
    fn map_run() -> Vec<ItemRecord> {
        let mut records = vec![
            record(1, 1, 0, 900, Outcome::Done),
            record(2, 2, 0, 500, Outcome::Done),
            record(3, 3, 0, 300, Outcome::Failed(DownloadError::DiskFull)),
            record(4, 4, 0, 950, Outcome::Done),
        ];
        for r in &mut records {
            r.reported_ms = r.finished_ms.max(900);
        }
        records
    }

    #[test]
    fn held_back_times_are_per_item_when_few() {
        let groups = held_back_groups(&map_run(), 100);
        let longest: Vec<(usize, u64, usize)> = groups
            .iter()
            .map(|g| (g.first, g.longest_ms, g.longest_index))
            .collect();
        assert_eq!(longest, [(1, 0, 1), (2, 400, 2), (3, 600, 3), (4, 0, 4)]);
        assert!(groups.iter().all(|g| g.first == g.last));
        assert_eq!(groups[2].mean_ms, 600.0);
    }

    #[test]
    fn held_back_times_are_grouped_by_position_when_many() {
        let groups = held_back_groups(&map_run(), 2);
        assert_eq!(groups.len(), 2);
        assert_eq!((groups[0].first, groups[0].last), (1, 2));
        assert_eq!((groups[1].longest_ms, groups[1].longest_index), (600, 3));
        assert_eq!(groups[1].mean_ms, 300.0);
        // A retry run's items are placed by their order in it, not by their index.
        let retry: Vec<ItemRecord> = map_run().into_iter().skip(1).collect();
        let groups = held_back_groups(&retry, 10);
        assert_eq!(
            groups.iter().map(|g| g.first).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        // 5,000 items never make more bars than asked for.
        let groups = held_back_groups(&big_run(Mode::Map, 5000, 8), 120);
        assert!(groups.len() <= 120, "{}", groups.len());
        assert_eq!(groups.last().map(|g| g.last), Some(5000));
    }

    #[test]
    fn waiting_results_rise_and_fall() {
        let steps = waiting_steps(&map_run(), &[]);
        let expected = [(0, 0), (300, 1), (500, 2), (900, 0)];
        let got: Vec<(u64, usize)> = steps.iter().map(|s| (s.ms, s.waiting)).collect();
        assert_eq!(got, expected);
        // Submit mode reports at once: nothing ever waits.
        assert_eq!(
            waiting_steps(&big_run(Mode::Submit, 50, 4), &[]),
            [Step { ms: 0, waiting: 0 }]
        );
        // During a run, results that ended and are not reported yet wait until now.
        let reported: Vec<ItemRecord> = map_run().into_iter().take(1).collect();
        let live = waiting_steps(&reported, &[300, 500]);
        let got: Vec<(u64, usize)> = live.iter().map(|s| (s.ms, s.waiting)).collect();
        assert_eq!(got, [(0, 0), (300, 1), (500, 2)]);
    }

    #[test]
    fn the_step_line_is_exact_when_short() {
        let line = step_line(&waiting_steps(&map_run(), &[]), 1000, 100);
        let expected = [
            (0.0, 0.0),
            (0.3, 0.0),
            (0.3, 1.0),
            (0.5, 1.0),
            (0.5, 2.0),
            (0.9, 2.0),
            (0.9, 0.0),
            (1.0, 0.0),
        ];
        assert_eq!(line, expected);
    }

    #[test]
    fn the_step_line_of_many_steps_is_bounded_and_keeps_the_peaks() {
        let records = big_run(Mode::Map, 5000, 8);
        let steps = waiting_steps(&records, &[]);
        assert!(steps.len() > 1000, "{}", steps.len());
        let end = records.iter().map(|r| r.reported_ms).max().unwrap_or(0);
        let line = step_line(&steps, end, 2000);
        assert!(line.len() <= 2000, "{}", line.len());
        let peak = |points: &[(f64, f64)]| points.iter().map(|p| p.1).fold(0.0, f64::max);
        let exact = step_line(&steps, end, usize::MAX);
        assert_eq!(peak(&line), peak(&exact));
        assert!(
            line.windows(2).all(|w| w[0].0 <= w[1].0),
            "time never goes back"
        );
        assert_eq!(line.last(), Some(&(end as f64 / 1000.0, 0.0)));
    }

    #[test]
    fn moves_are_reported_rank_minus_list_position() {
        // Submit: reported 4, 2, 1, 3.
        let records = vec![
            record(4, 1, 0, 100, Outcome::Done),
            record(2, 2, 0, 200, Outcome::Done),
            record(1, 3, 0, 300, Outcome::Done),
            record(3, 4, 0, 400, Outcome::Done),
        ];
        let moved = moves(&records);
        let places: Vec<(usize, i64)> = moved.iter().map(|m| (m.index, m.places)).collect();
        assert_eq!(places, [(1, 2), (2, 0), (3, 1), (4, -3)]);
        assert!(moves(&map_run()).iter().all(|m| m.places == 0));
        // A retry run of items 5, 9 and 12: positions 1 to 3.
        let retry = vec![
            record(12, 1, 0, 100, Outcome::Done),
            record(5, 2, 0, 200, Outcome::Done),
            record(9, 3, 0, 300, Outcome::Done),
        ];
        let moved = moves(&retry);
        let at: Vec<(usize, usize, i64)> = moved
            .iter()
            .map(|m| (m.index, m.position, m.places))
            .collect();
        assert_eq!(at, [(5, 1, 1), (9, 2, 1), (12, 3, -2)]);
    }

    #[test]
    fn moves_are_grouped_by_position_with_the_farthest_either_way() {
        let records = big_run(Mode::Submit, 10, 4);
        let moved = moves(&records);
        let single = move_groups(&moved, 100);
        assert_eq!(single.len(), 10);
        for (group, m) in single.iter().zip(&moved) {
            assert_eq!((group.first, group.last), (m.position, m.position));
            let later = if m.places > 0 {
                (m.places, m.index)
            } else {
                (0, 0)
            };
            assert_eq!(group.latest, later);
            assert_eq!(group.later + group.earlier, usize::from(m.places != 0));
        }
        let pairs = move_groups(&moved, 5);
        assert_eq!(pairs.len(), 5);
        assert_eq!((pairs[4].first, pairs[4].last), (9, 10));
        let farthest = moved.iter().map(|m| m.places).max();
        assert_eq!(pairs.iter().map(|g| g.latest.0).max(), farthest);
        let groups = move_groups(&moves(&big_run(Mode::Submit, 5000, 8)), 120);
        assert!(groups.len() <= 120, "{}", groups.len());
    }

    #[test]
    fn move_bins_double_in_width() {
        let bins: Vec<i64> = [0, 1, 2, 3, 4, 5, 8, 9, 16, 17, -1, -4, -5]
            .map(move_bin)
            .into();
        assert_eq!(bins, [0, 1, 2, 3, 3, 4, 4, 5, 5, 6, -1, -3, -4]);
        assert_eq!(bin_places(0), (0, 0));
        assert_eq!(bin_places(2), (2, 2));
        assert_eq!(bin_places(4), (5, 8));
        assert_eq!(bin_places(-5), (-9, -16));
        for places in -300..=300 {
            let (near, far) = bin_places(move_bin(places));
            assert!(
                near.abs() <= places.abs() && places.abs() <= far.abs(),
                "{places}"
            );
        }
        // The farthest there can be does not overflow.
        assert_eq!(move_bin(i64::MIN), -64);
        assert!(bin_places(-64).1 < 0);
    }

    #[test]
    fn the_histogram_of_moves_counts_every_result_in_few_bins() {
        let records = vec![
            record(4, 1, 0, 100, Outcome::Done),
            record(2, 2, 0, 200, Outcome::Done),
            record(1, 3, 0, 300, Outcome::Done),
            record(3, 4, 0, 400, Outcome::Done),
        ];
        let bins = move_histogram(&moves(&records));
        let got: Vec<(i64, usize)> = bins.iter().map(|b| (b.bin, b.count)).collect();
        assert_eq!(got, [(-3, 1), (0, 1), (1, 1), (2, 1)]);
        assert!(move_histogram(&[]).is_empty());
        // 5,000 results: every one counted, in at most 2 × (log₂ 5000 + 2) + 1 = 29 bins.
        let bins = move_histogram(&moves(&big_run(Mode::Submit, 5000, 8)));
        assert!(bins.len() <= 29, "{}", bins.len());
        assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), 5000);
    }

    #[test]
    fn the_chart_numbers_of_5000_items_are_quick_and_bounded() {
        let map = big_run(Mode::Map, 5000, 8);
        let submit = big_run(Mode::Submit, 5000, 8);
        let started = std::time::Instant::now();
        let groups = held_back_groups(&map, 120);
        let line = step_line(&waiting_steps(&map, &[]), 60_000, 2000);
        let moved = moves(&submit);
        let (groups_moved, bins) = (move_groups(&moved, 120), move_histogram(&moved));
        let lanes = lanes(&submit);
        let ideal = Ideal::of(&submit, 8);
        eprintln!(
            "chart numbers of 5,000 items: {:?} ({} + {} groups, {} corners, {} bins, {} lanes)",
            started.elapsed(),
            groups.len(),
            groups_moved.len(),
            line.len(),
            bins.len(),
            lanes.len()
        );
        assert!(groups.len() + groups_moved.len() + line.len() + bins.len() <= 240 + 2000 + 29);
        assert!(ideal.is_some());
    }
}
