//! Runs made by hand for the charts' tests and image snapshots: records with fixed times, so
//! every picture is the same on each run — a sequential, a map and a 4-worker submit run with
//! a failed, a cancelled and a split item — and big generated runs of thousands of items.

use std::path::PathBuf;

use downpour::model::Piece;
use downpour::{DownloadError, Event, ItemRecord, Job, Mode, Outcome, stats};

use crate::gui::model::RunView;

/// A list of `count` links, the first ten being what the hand-made runs download.
pub fn list_text(count: usize) -> String {
    (1..=count)
        .map(|i| format!("https://example.com/photos/photo-{i:02}.jpg\n"))
        .collect()
}

/// One item as the engine reports it; times are milliseconds since the run began.
pub fn item(
    index: usize,
    worker: usize,
    [started, first_byte, finished]: [u64; 3],
    outcome: Outcome,
) -> ItemRecord {
    let done = outcome == Outcome::Done;
    let bytes = 200_000 * index as u64;
    ItemRecord {
        index,
        url: format!("https://example.com/photos/photo-{index:02}.jpg"),
        path: Some(PathBuf::from(format!(
            "/home/me/Downloads/photo-{index:02}.jpg"
        ))),
        bytes: if done { bytes } else { bytes / 3 },
        total: Some(bytes),
        worker,
        started_ms: started,
        first_byte_ms: (first_byte > 0).then_some(first_byte),
        finished_ms: finished,
        reported_ms: finished,
        retries: 0,
        sha256: None,
        outcome,
        pieces: Vec::new(),
        warning: None,
        protocol: None,
    }
}

const MIB: u64 = 1024 * 1024;

/// Four workers reporting as each item ends; item 6 fails (503) and Cancel stops item 10.
/// Item 9 is big: workers 4 and 3, with nothing left to start, fetch its second half.
pub fn submit_records() -> Vec<ItemRecord> {
    let failed = Outcome::Failed(DownloadError::Status {
        code: 503,
        reason: "Service Unavailable".into(),
    });
    let mut big = item(9, 1, [900, 950, 1700], Outcome::Done);
    (big.bytes, big.total) = (8 * MIB, Some(8 * MIB));
    big.pieces = vec![
        piece(1, [0, 4 * MIB], [950, 1700]),
        piece(4, [4 * MIB, 6 * MIB], [1300, 1650]),
        piece(3, [6 * MIB, 8 * MIB], [1400, 1690]),
    ];
    let mut records = vec![
        item(1, 1, [0, 150, 900], Outcome::Done),
        item(2, 2, [0, 80, 400], Outcome::Done),
        item(3, 3, [0, 300, 700], Outcome::Done),
        item(4, 4, [0, 60, 500], Outcome::Done),
        item(5, 2, [400, 470, 1000], Outcome::Done),
        item(6, 4, [500, 0, 750], failed),
        item(7, 3, [700, 760, 1400], Outcome::Done),
        item(8, 4, [750, 820, 1300], Outcome::Done),
        big,
        item(10, 2, [1000, 1100, 1900], Outcome::Cancelled(None)),
    ];
    records.sort_by_key(|r| r.finished_ms);
    records
}

/// One connection's share of a split file.
fn piece(worker: usize, [start, end]: [u64; 2], [started_ms, finished_ms]: [u64; 2]) -> Piece {
    Piece {
        worker,
        start,
        end,
        started_ms,
        finished_ms,
    }
}

/// Four workers reporting in list order: an item that ends early waits for those before it.
pub fn map_records() -> Vec<ItemRecord> {
    let mut records = vec![
        item(1, 1, [0, 140, 950], Outcome::Done),
        item(2, 2, [0, 90, 420], Outcome::Done),
        item(3, 3, [0, 280, 690], Outcome::Done),
        item(4, 4, [0, 70, 510], Outcome::Done),
        item(5, 2, [420, 480, 1010], Outcome::Done),
        item(6, 4, [510, 600, 1150], Outcome::Done),
        item(7, 3, [690, 750, 1380], Outcome::Done),
        item(8, 1, [950, 1020, 1480], Outcome::Done),
        item(9, 2, [1010, 1060, 1820], Outcome::Done),
        item(10, 4, [1150, 1240, 1700], Outcome::Done),
    ];
    report_in_list_order(&mut records);
    records
}

/// Map mode's reports: each result once it and every one before it have finished.
fn report_in_list_order(records: &mut [ItemRecord]) {
    let mut reported = 0;
    for record in records {
        reported = reported.max(record.finished_ms);
        record.reported_ms = reported;
    }
}

/// One item after another on a single worker.
pub fn sequential_records() -> Vec<ItemRecord> {
    let durations = [800, 380, 650, 430, 560, 600, 640, 520, 760, 690];
    let mut at = 0;
    durations
        .iter()
        .enumerate()
        .map(|(i, ms)| {
            let record = item(i + 1, 1, [at, at + 100, at + ms], Outcome::Done);
            at += ms;
            record
        })
        .collect()
}

/// `count` items on `workers` workers, each taken by the first worker free, most of them
/// short and one in a hundred slow (a few seconds), reported as `mode` reports them. The
/// lengths come from a fixed pseudo-random sequence: the same run every time.
pub fn big_records(mode: Mode, count: usize, workers: usize) -> Vec<ItemRecord> {
    let mut free = vec![0u64; workers.max(1)];
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut records: Vec<ItemRecord> = (1..=count)
        .map(|index| {
            // xorshift64
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let ms = match seed % 100 {
                0 => 2_000 + seed % 4_000,
                _ => 40 + seed % 360,
            };
            let (worker, at) = free
                .iter()
                .copied()
                .enumerate()
                .min_by_key(|&(worker, at)| (at, worker))
                .unwrap_or_default();
            free[worker] = at + ms;
            item(index, worker + 1, [at, at + ms / 5, at + ms], Outcome::Done)
        })
        .collect();
    match mode {
        Mode::Submit => records.sort_by_key(|r| (r.finished_ms, r.index)),
        Mode::Map | Mode::Sequential => report_in_list_order(&mut records),
    }
    records
}

/// The window's view of a finished run, built from its events as the window builds it.
pub fn finished_view(mode: Mode, workers: usize, records: &[ItemRecord]) -> RunView {
    let jobs: Vec<Job> = downpour::parse_list(&list_text(records.len()))
        .entries
        .iter()
        .map(Job::from)
        .collect();
    let mut view = RunView::new(mode, workers, &jobs, Vec::new());
    let elapsed_ms = records.iter().map(|r| r.reported_ms).max().unwrap_or(0);
    for record in records {
        view.apply(Event::ItemReported(record.clone()));
    }
    view.apply(Event::RunFinished { elapsed_ms });
    view
}

/// The session's runs for the comparison chart: sequential, then map, then submit.
pub fn history() -> Vec<stats::RunSummary> {
    [
        (Mode::Sequential, 1, sequential_records()),
        (Mode::Map, 4, map_records()),
        (Mode::Submit, 4, submit_records()),
    ]
    .into_iter()
    .map(|(mode, workers, records)| {
        let view = finished_view(mode, workers, &records);
        stats::RunSummary::from_records(
            mode,
            workers,
            view.elapsed_ms(),
            &view.records,
            &list_text(10),
        )
    })
    .collect()
}
