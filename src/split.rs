//! Splitting one big file over several connections, as download managers do behind servers
//! that cap each connection: the file's bytes are spans, each fetched by one connection, and a
//! worker with nothing else to start takes the tail of the largest span left — a half when it
//! is alone, a smaller piece when [`plan`] counts other idle workers coming for the same
//! span, so that all its pieces end together. This module is the bookkeeping — which bytes
//! are written, which span is cut, when the file is whole — kept pure so that the scheduling
//! is tested alone.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The smallest piece a span is split into, by default.
pub const MIN_PIECE: u64 = 1024 * 1024;

/// Pieces start on multiples of this, so that writes stay aligned to pages.
const ALIGN: u64 = 64 * 1024;

/// The least time a file is fetched before its speed is trusted to decide a split.
const MEASURE: Duration = Duration::from_millis(10);

/// What an idle connection may do for a split file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Fetch this span.
    Take(Claim),
    /// Nothing yet: the file's speed is known at this instant, ask again then.
    Later(Instant),
    /// Nothing: no span is waiting, and none would end sooner split.
    Nothing,
}

/// Identifies one connection working on a file.
pub type ConnId = u64;

/// A byte range `[start, end)` of the file, assigned to a connection or waiting for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The first byte not yet written.
    pub pos: u64,
    /// One past the last byte this span covers (it shrinks when its second half is stolen).
    pub end: u64,
    /// The connection fetching it; `None` when it waits for one (given back).
    pub owner: Option<ConnId>,
}

/// What a new connection is to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// The connection's id.
    pub conn: ConnId,
    /// The first byte to fetch.
    pub start: u64,
    /// One past the last byte, as of now (it may shrink).
    pub end: u64,
}

/// Which bytes of a file are written and which connection fetches the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spans {
    total: u64,
    /// Completed ranges, sorted and merged.
    done: Vec<(u64, u64)>,
    /// Ranges not complete yet, sorted by position.
    open: Vec<Span>,
    next_conn: ConnId,
}

impl Spans {
    /// A file of `total` bytes of which `done` (sorted ranges) are already written; the rest
    /// waits for connections.
    pub fn new(total: u64, done: &[(u64, u64)]) -> Self {
        let mut spans = Self {
            total,
            done: Vec::new(),
            open: Vec::new(),
            next_conn: 1,
        };
        for &(start, end) in done {
            spans.add_done(start.min(total), end.min(total));
        }
        let mut at = 0;
        for &(start, end) in &spans.done {
            if at < start {
                spans.open.push(Span {
                    pos: at,
                    end: start,
                    owner: None,
                });
            }
            at = end;
        }
        if at < total {
            spans.open.push(Span {
                pos: at,
                end: total,
                owner: None,
            });
        }
        spans
    }

    /// The file's size.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Whether every byte is written.
    pub fn is_complete(&self) -> bool {
        self.open.is_empty()
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        let done: u64 = self.done.iter().map(|(s, e)| e - s).sum();
        done
    }

    /// Bytes not written yet.
    pub fn left(&self) -> u64 {
        self.total - self.written()
    }

    /// The written ranges, sorted and merged: what a resume record keeps.
    pub fn done(&self) -> &[(u64, u64)] {
        &self.done
    }

    /// Where the written bytes from the start of the file end: what can be hashed in order.
    pub fn written_prefix(&self) -> u64 {
        match self.done.first() {
            Some(&(0, end)) => end,
            _ => 0,
        }
    }

    /// How many connections are fetching.
    pub fn connections(&self) -> usize {
        self.open.iter().filter(|s| s.owner.is_some()).count()
    }

    /// Gives a new connection something to fetch: a span waiting for one, else the tail of
    /// the span with the most bytes left — if at most `cap` connections would then fetch and
    /// each part keeps at least `min_piece` bytes. The span is to be cut in `parts` (2 for
    /// a half; more when other new connections are coming for it, see [`plan`]) and the tail
    /// taken is one of them, fewer when the span is too small for `parts` pieces. `lead` is
    /// what the span's connection is expected to write before a new one's first byte arrives
    /// (its speed times the server's latency): the span's own part is that much longer, so
    /// all end together, and a span that would not end sooner split is left whole. Without a
    /// `lead` (the speed is not known yet) only a waiting span is given. `None` if there is
    /// nothing to take.
    pub fn claim(
        &mut self,
        cap: usize,
        min_piece: u64,
        lead: Option<u64>,
        parts: usize,
    ) -> Option<Claim> {
        if self.connections() >= cap {
            return None;
        }
        if let Some(claim) = self.claim_waiting() {
            return Some(claim);
        }
        let lead = lead?;
        let (at, span) = self
            .open
            .iter()
            .enumerate()
            .max_by_key(|(_, s)| s.end - s.pos)?;
        let left = span.end - span.pos;
        let min_piece = min_piece.max(1);
        if left < lead.saturating_add(min_piece.saturating_mul(2)) {
            return None;
        }
        // The most parts of at least `min_piece` after the lead, and at least two.
        let fit = (left - lead) / min_piece;
        let parts = (parts.max(2) as u64).min(fit).max(2);
        let piece = (left - lead) / parts;
        let mid = (span.end - piece).div_ceil(ALIGN) * ALIGN;
        let mid = mid.clamp(span.pos + min_piece, span.end - min_piece);
        let (end, conn) = (span.end, self.next_conn);
        self.next_conn += 1;
        self.open[at].end = mid;
        self.open.insert(
            at + 1,
            Span {
                pos: mid,
                end,
                owner: Some(conn),
            },
        );
        Some(Claim {
            conn,
            start: mid,
            end,
        })
    }

    /// What [`plan`] needs to know of this file, which may take `room` connections more:
    /// the bytes left of each span a connection fetches, whether a span waits for one, and
    /// how many connections are about to end theirs (at most `soon` bytes left).
    pub fn load(&self, room: usize, soon: u64) -> Load {
        Load {
            ending: self
                .open
                .iter()
                .filter(|s| s.owner.is_some() && s.end - s.pos <= soon)
                .count(),
            spans: self
                .open
                .iter()
                .filter(|s| s.owner.is_some())
                .map(|s| s.end - s.pos)
                .collect(),
            waiting: self.open.iter().any(|s| s.owner.is_none()),
            room,
        }
    }

    /// The first span waiting for a connection (at first, the whole file), without splitting
    /// any.
    pub fn claim_waiting(&mut self) -> Option<Claim> {
        let conn = self.next_conn;
        let span = self.open.iter_mut().find(|s| s.owner.is_none())?;
        span.owner = Some(conn);
        self.next_conn += 1;
        Some(Claim {
            conn,
            start: span.pos,
            end: span.end,
        })
    }

    /// One past the last byte `conn` is to fetch now; `None` once its span is complete or
    /// given up.
    pub fn end_of(&self, conn: ConnId) -> Option<u64> {
        self.open
            .iter()
            .find(|s| s.owner == Some(conn))
            .map(|s| s.end)
    }

    /// `conn` wrote its bytes up to `pos`; true when its span is now complete.
    pub fn wrote(&mut self, conn: ConnId, pos: u64) -> bool {
        let Some(at) = self.open.iter().position(|s| s.owner == Some(conn)) else {
            return true;
        };
        let span = &mut self.open[at];
        let from = span.pos;
        span.pos = pos.clamp(span.pos, span.end);
        let (to, complete) = (span.pos, span.pos >= span.end);
        if complete {
            self.open.remove(at);
        }
        self.add_done(from, to);
        complete
    }

    /// `conn` stops before its span is complete: the rest waits for another connection.
    pub fn give_back(&mut self, conn: ConnId) {
        if let Some(span) = self.open.iter_mut().find(|s| s.owner == Some(conn)) {
            span.owner = None;
        }
    }

    /// `conn` stops before writing anything of its span, and `into` — a connection whose
    /// answer runs to the end of the file — takes it on, with every waiting span that follows
    /// on without a gap: its answer brings those bytes anyway, without a request. Where
    /// `into` does not end where they begin, they wait for another connection.
    pub fn rejoin(&mut self, conn: ConnId, into: ConnId) {
        self.give_back(conn);
        let Some(at) = self.open.iter().position(|s| s.owner == Some(into)) else {
            return;
        };
        while let Some(next) = self.open.get(at + 1).copied()
            && next.owner.is_none()
            && next.pos == self.open[at].end
        {
            self.open[at].end = next.end;
            self.open.remove(at + 1);
        }
    }

    /// Every connection stops (a pause, a cancel, a new version): the open spans wait.
    pub fn release_all(&mut self) {
        for span in &mut self.open {
            span.owner = None;
        }
    }

    fn add_done(&mut self, start: u64, end: u64) {
        if start >= end {
            return;
        }
        self.done.push((start, end));
        self.done.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(self.done.len());
        for &(s, e) in &self.done {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        self.done = merged;
    }
}

/// One file being fetched over several connections: its spans, shared by the connections on
/// every worker thread.
#[derive(Debug)]
pub struct Split {
    spans: Mutex<Spans>,
    /// Bytes written by every connection, for progress.
    pub written: AtomicU64,
    /// The most connections this file may have.
    cap: AtomicUsize,
    /// Wakes the file's first connection when a span completes or is given back.
    pub changed: tokio::sync::Notify,
    /// When the split began, and the bytes written then: the file's speed since.
    opened: (Instant, u64),
    /// How long the server takes to answer a request, in microseconds (0: not known yet).
    latency_us: AtomicU64,
    /// The file takes no more helpers: its server refused a piece, or sent one that was not
    /// the bytes asked for.
    solo: AtomicBool,
}

impl Split {
    /// A split of `spans`, at most `cap` connections.
    pub fn new(spans: Spans, cap: usize) -> Self {
        let written = spans.written();
        Self {
            written: AtomicU64::new(written),
            spans: Mutex::new(spans),
            cap: AtomicUsize::new(cap.max(1)),
            changed: tokio::sync::Notify::new(),
            opened: (Instant::now(), written),
            latency_us: AtomicU64::new(0),
            solo: AtomicBool::new(false),
        }
    }

    /// Learns how long one request took to be answered: a new connection costs that much
    /// before its first byte.
    pub fn note_latency(&self, latency: Duration) {
        let new = u64::try_from(latency.as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        let _ = self
            .latency_us
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| {
                Some(if old == 0 { new } else { old / 2 + new / 2 })
            });
    }

    /// What an idle connection may fetch now, at most `cap` connections and pieces of
    /// `min_piece` bytes, the largest span cut in `parts`: a piece only when the file ends
    /// sooner for it (see [`Spans::claim`]).
    pub fn offer(&self, cap: usize, min_piece: u64, parts: usize) -> Offer {
        let now = Instant::now();
        self.with(|spans| {
            let lead = self.lead(now, spans.connections());
            match (spans.claim(cap, min_piece, lead.ok(), parts), lead) {
                (Some(claim), _) => Offer::Take(claim),
                (None, Err(at)) => Offer::Later(at),
                (None, Ok(_)) => Offer::Nothing,
            }
        })
    }

    /// The bytes one of `connections` writes while a new one waits for its first byte, from
    /// the speed since the split began and the server's latency; `Err(when)` until both are
    /// known.
    fn lead(&self, now: Instant, connections: usize) -> Result<u64, Instant> {
        let latency = Duration::from_micros(self.latency_us.load(Ordering::Relaxed));
        let (since, written_then) = self.opened;
        if latency.is_zero() {
            return Err(now + MEASURE);
        }
        let ready = since + latency.max(MEASURE);
        if now < ready {
            return Err(ready);
        }
        let bytes = self
            .written
            .load(Ordering::Relaxed)
            .saturating_sub(written_then);
        let per_connection =
            bytes as f64 / now.duration_since(since).as_secs_f64() / connections.max(1) as f64;
        Ok((per_connection * latency.as_secs_f64()) as u64)
    }

    /// Works on the spans under their lock.
    pub fn with<T>(&self, work: impl FnOnce(&mut Spans) -> T) -> T {
        work(&mut self.spans.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The most connections this file may have now.
    pub fn cap(&self) -> usize {
        self.cap.load(Ordering::Relaxed)
    }

    /// A server refused one more connection: the file keeps one fewer from now on.
    pub fn lower_cap(&self) -> usize {
        let now = self.with(|s| s.connections()).max(1);
        self.cap.fetch_min(now, Ordering::Relaxed);
        self.cap()
    }

    /// Records `bytes` more written by `conn` up to `pos`; true when its span is complete.
    pub fn wrote(&self, conn: ConnId, pos: u64, bytes: u64) -> bool {
        self.written.fetch_add(bytes, Ordering::Relaxed);
        let complete = self.with(|s| s.wrote(conn, pos));
        if complete {
            self.changed.notify_waiters();
        }
        complete
    }

    /// `conn` stops before its span is complete.
    pub fn give_back(&self, conn: ConnId) {
        self.with(|s| s.give_back(conn));
        self.changed.notify_waiters();
    }

    /// `conn` stops before writing anything; `into` takes its span on if it can (see
    /// [`Spans::rejoin`]).
    pub fn rejoin(&self, conn: ConnId, into: ConnId) {
        self.with(|s| s.rejoin(conn, into));
        self.changed.notify_waiters();
    }

    /// No more helpers: the file continues on the connections it has.
    pub fn go_solo(&self) {
        self.solo.store(true, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    /// Whether the file takes no more helpers.
    pub fn is_solo(&self) -> bool {
        self.solo.load(Ordering::SeqCst)
    }
}

/// One split file as [`plan`] sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    /// The bytes left of each span a connection fetches.
    pub spans: Vec<u64>,
    /// Whether a span waits for a connection (given back): it is taken whole, first.
    pub waiting: bool,
    /// How many more connections the file may take.
    pub room: usize,
    /// Connections about to end their span: they will be idle in a moment, and are planned
    /// for with the idle ones.
    pub ending: usize,
}

/// How `idle` connections free now (and those about to end their spans) are best spread over
/// split files (`loads`), so that the last byte of all comes soonest: one at a time, each to the span that would end last, a
/// span cut in one part more each time (never below `min_piece`, never beyond a file's
/// room). Behind servers that cap each connection, bytes left are time left. Returns, for
/// each file, the parts its largest span is to be cut in (0: none of the idle ones goes to
/// it), and the files in the order an idle connection should try them: those with a span
/// waiting, then by their largest span, largest first.
pub fn plan(loads: &[Load], idle: usize, min_piece: u64) -> (Vec<usize>, Vec<usize>) {
    let min_piece = min_piece.max(1);
    // Per span: (file, bytes left, parts); per file: connections given.
    let mut spans: Vec<(usize, u64, u64)> = loads
        .iter()
        .enumerate()
        .flat_map(|(file, load)| load.spans.iter().map(move |&left| (file, left, 1)))
        .collect();
    let mut given = vec![0; loads.len()];
    for load in loads.iter().enumerate().filter(|(_, l)| l.waiting) {
        given[load.0] += 1;
    }
    let coming = idle + loads.iter().map(|l| l.ending).sum::<usize>();
    for _ in 0..coming {
        // The span that would end last, of those that can take one part more.
        let next = spans
            .iter_mut()
            .filter(|(file, left, parts)| {
                given[*file] < loads[*file].room && *left / (*parts + 1) >= min_piece
            })
            .max_by(|a, b| (a.1 * b.2).cmp(&(b.1 * a.2)));
        let Some((file, _, parts)) = next else {
            break;
        };
        *parts += 1;
        given[*file] += 1;
    }
    let largest = |file: usize| loads[file].spans.iter().copied().max().unwrap_or(0);
    let parts = (0..loads.len())
        .map(|file| {
            spans
                .iter()
                .filter(|(f, left, _)| *f == file && *left == largest(file))
                .map(|&(_, _, parts)| parts)
                .max()
                .filter(|&parts| parts > 1)
                .map_or(0, |parts| parts as usize)
        })
        .collect();
    let mut order: Vec<usize> = (0..loads.len()).collect();
    order.sort_by_key(|&file| (!loads[file].waiting, std::cmp::Reverse(largest(file))));
    (parts, order)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn a_helper_takes_the_second_half_of_the_largest_span() {
        let mut spans = Spans::new(64 * MIB, &[]);
        let first = spans.claim_waiting().unwrap();
        assert_eq!((first.start, first.end), (0, 64 * MIB));
        assert!(!spans.wrote(first.conn, 4 * MIB));
        let helper = spans.claim(16, MIB, Some(0), 2).unwrap();
        assert_eq!(
            (helper.start, helper.end),
            (34 * MIB, 64 * MIB),
            "half of 60 MiB left"
        );
        assert_eq!(spans.end_of(first.conn), Some(34 * MIB));
        // The next helper splits the larger of the two: the first connection's 30 MiB.
        assert!(!spans.wrote(helper.conn, 36 * MIB));
        let third = spans.claim(16, MIB, Some(0), 2).unwrap();
        assert_eq!((third.start, third.end), (19 * MIB, 34 * MIB));
        assert_eq!(spans.connections(), 3);
    }

    fn load(spans: &[u64], room: usize) -> Load {
        Load {
            spans: spans.to_vec(),
            waiting: false,
            room,
            ending: 0,
        }
    }

    #[test]
    fn idle_connections_are_spread_over_the_files_so_all_end_together() {
        // 3 × 16 MiB at 15 connections: 12 idle, four more for each file, five parts each.
        let three = vec![load(&[16 * MIB], 14); 3];
        assert_eq!(plan(&three, 12, MIB), (vec![5, 5, 5], vec![0, 1, 2]));
        // 8 × 8 MiB at 12: the four idle ones go to four files, one each.
        let eight = vec![load(&[8 * MIB], 11); 8];
        let (parts, _) = plan(&eight, 4, MIB);
        assert_eq!(parts.iter().filter(|&&p| p == 2).count(), 4, "{parts:?}");
        assert_eq!(parts.iter().filter(|&&p| p == 0).count(), 4, "{parts:?}");
        // The span that would end last gets them: 12 MiB in three beside two of 4 MiB.
        let (parts, order) = plan(
            &[load(&[4 * MIB, 4 * MIB], 8), load(&[12 * MIB], 8)],
            2,
            MIB,
        );
        assert_eq!((parts, order), (vec![0, 3], vec![1, 0]));
        // Four files end their two pieces together: the first connection free counts the
        // seven about to be, and cuts a single connection's 4 MiB in three, not in two.
        let mut after = vec![load(&[4 * MIB], 11); 4];
        let mut ending = vec![load(&[100_000, 100_000], 10); 4];
        for load in &mut ending {
            load.ending = 2;
        }
        after.append(&mut ending);
        after[4].ending = 1;
        let (parts, order) = plan(&after, 1, MIB);
        assert_eq!(parts, [3, 3, 3, 3, 0, 0, 0, 0]);
        assert_eq!(order[..4], [0, 1, 2, 3]);
        // Alone, an idle connection halves the largest span, as before.
        assert_eq!(plan(&[load(&[12 * MIB], 8)], 1, MIB).0, [2]);
    }

    #[test]
    fn a_plan_keeps_to_the_room_the_smallest_piece_and_waiting_spans_first() {
        assert_eq!(
            plan(&[load(&[16 * MIB], 2)], 10, MIB).0,
            [3],
            "room for two"
        );
        assert_eq!(
            plan(&[load(&[3 * MIB], 10)], 10, MIB).0,
            [3],
            "1 MiB pieces"
        );
        assert_eq!(
            plan(&[load(&[MIB], 10)], 10, MIB).0,
            [0],
            "too small to cut"
        );
        let waiting = Load {
            spans: vec![],
            waiting: true,
            room: 4,
            ending: 0,
        };
        assert_eq!(plan(&[load(&[64 * MIB], 4), waiting], 1, MIB).1, [1, 0]);
    }

    #[test]
    fn helpers_arriving_together_cut_a_file_in_equal_pieces() {
        // One 16 MiB file, four idle connections coming one after another: each asks the plan
        // with those still idle. Halving the largest span would leave 4, 4, 4, 2, 2 MiB.
        let mut spans = Spans::new(16 * MIB, &[]);
        spans.claim_waiting().unwrap();
        for idle in (1..=4).rev() {
            let (parts, _) = plan(&[spans.load(4, 0)], idle, MIB);
            spans.claim(5, MIB, Some(0), parts[0]).unwrap();
        }
        let sizes: Vec<u64> = spans.open.iter().map(|s| s.end - s.pos).collect();
        let (least, most) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
        assert!(most - least <= ALIGN, "{sizes:?}");
        assert_eq!(sizes.len(), 5);
        // With a lead, the span's own connection keeps that much more.
        let mut led = Spans::new(16 * MIB, &[]);
        let first = led.claim_waiting().unwrap();
        let piece = led.claim(4, MIB, Some(MIB), 3).unwrap();
        assert_eq!(piece.end - piece.start, 5 * MIB);
        assert_eq!(led.end_of(first.conn), Some(11 * MIB));
    }

    #[test]
    fn a_refused_piece_rejoins_the_connection_that_runs_to_the_end() {
        let mut spans = Spans::new(64 * MIB, &[]);
        let first = spans.claim_waiting().unwrap();
        let helper = spans.claim(16, MIB, Some(0), 2).unwrap();
        let second = spans.claim(16, MIB, Some(0), 2).unwrap();
        // The second helper split the first helper's span (the later of two equal ones).
        assert_eq!(spans.end_of(first.conn), Some(helper.start));
        assert_eq!(spans.end_of(helper.conn), Some(second.start));
        // The later helper is refused first: the span before it is not the first
        // connection's, so it waits.
        spans.rejoin(second.conn, first.conn);
        assert_eq!(spans.end_of(first.conn), Some(helper.start));
        spans.rejoin(helper.conn, first.conn);
        assert_eq!(
            spans.end_of(first.conn),
            Some(64 * MIB),
            "the whole file again"
        );
        assert_eq!(spans.connections(), 1);
        assert!(spans.claim_waiting().is_none(), "nothing waits");
        // A span written in part is not contiguous: it waits.
        let mut cut = Spans::new(64 * MIB, &[]);
        let first = cut.claim_waiting().unwrap();
        let helper = cut.claim(16, MIB, Some(0), 2).unwrap();
        assert!(!cut.wrote(helper.conn, helper.start + MIB));
        cut.rejoin(helper.conn, first.conn);
        assert_eq!(cut.end_of(first.conn), Some(helper.start));
        assert_eq!(cut.claim_waiting().unwrap().start, helper.start + MIB);
    }

    #[test]
    fn pieces_never_shrink_below_the_minimum_and_the_cap_holds() {
        let mut spans = Spans::new(3 * MIB, &[]);
        let first = spans.claim_waiting().unwrap();
        assert!(
            spans.claim(8, 2 * MIB, Some(0), 2).is_none(),
            "3 MiB cannot give two 2 MiB halves"
        );
        let helper = spans.claim(8, MIB, Some(0), 2).unwrap();
        assert!(helper.end - helper.start >= MIB);
        assert!(spans.end_of(first.conn).unwrap() >= MIB);
        let mut many = Spans::new(100 * MIB, &[]);
        many.claim_waiting();
        let second = many.claim(2, MIB, Some(0), 2).unwrap();
        assert!(
            many.claim(2, MIB, Some(0), 2).is_none(),
            "two connections at most"
        );
        many.give_back(second.conn);
        assert!(
            many.claim(1, MIB, Some(0), 2).is_none(),
            "a span given back waits within the cap too"
        );
        assert!(many.claim(2, MIB, Some(0), 2).is_some());
        // Small files are never split.
        let mut small = Spans::new(MIB + 1, &[]);
        small.claim_waiting();
        assert!(small.claim(16, MIB, Some(0), 2).is_none());
    }

    #[test]
    fn a_piece_starts_past_half_way_by_the_lead_and_only_when_it_ends_sooner() {
        let mut spans = Spans::new(20 * MIB, &[]);
        spans.claim_waiting().unwrap();
        // The first connection writes 4 MiB more while the helper waits for its first byte:
        // both then have 8 MiB to go.
        let helper = spans.claim(4, MIB, Some(4 * MIB), 2).unwrap();
        assert_eq!((helper.start, helper.end), (12 * MIB, 20 * MIB));
        // The largest span is the first connection's 12 MiB: a lead of 11 MiB leaves less
        // than two 1 MiB pieces after it.
        assert!(spans.claim(4, MIB, Some(11 * MIB), 2).is_none());
        assert!(
            spans.claim(4, MIB, None, 2).is_none(),
            "no speed yet: no split"
        );
        spans.give_back(helper.conn);
        assert_eq!(
            spans.claim(4, MIB, None, 2).map(|c| c.start),
            Some(12 * MIB),
            "a span given back is taken without knowing the speed"
        );
    }

    #[test]
    fn a_span_given_back_goes_to_the_next_connection_whole() {
        let mut spans = Spans::new(8 * MIB, &[]);
        let first = spans.claim_waiting().unwrap();
        let helper = spans.claim(4, MIB, Some(0), 2).unwrap();
        assert!(!spans.wrote(helper.conn, helper.start + MIB));
        spans.give_back(helper.conn);
        assert_eq!(spans.connections(), 1);
        let again = spans.claim(4, MIB, Some(0), 2).unwrap();
        assert_eq!((again.start, again.end), (helper.start + MIB, 8 * MIB));
        assert!(spans.wrote(again.conn, 8 * MIB));
        assert!(spans.wrote(first.conn, helper.start));
        assert!(spans.is_complete());
        assert_eq!(spans.done(), [(0, 8 * MIB)]);
    }

    #[test]
    fn the_written_prefix_grows_as_the_first_bytes_complete() {
        let mut spans = Spans::new(10 * MIB, &[]);
        let first = spans.claim_waiting().unwrap();
        let helper = spans.claim(2, MIB, Some(0), 2).unwrap();
        spans.wrote(helper.conn, 10 * MIB);
        assert_eq!(
            spans.written_prefix(),
            0,
            "the end is written, the start not yet"
        );
        spans.wrote(first.conn, 2 * MIB);
        assert_eq!(spans.written_prefix(), 2 * MIB);
        spans.wrote(first.conn, helper.start);
        assert_eq!(spans.written_prefix(), 10 * MIB);
        assert!(spans.is_complete());
    }

    #[test]
    fn a_resumed_file_fetches_only_its_missing_ranges() {
        let mut spans = Spans::new(10 * MIB, &[(0, 2 * MIB), (5 * MIB, 6 * MIB)]);
        assert_eq!(spans.written(), 3 * MIB);
        let a = spans.claim_waiting().unwrap();
        let b = spans.claim_waiting().unwrap();
        assert_eq!((a.start, a.end), (2 * MIB, 5 * MIB));
        assert_eq!((b.start, b.end), (6 * MIB, 10 * MIB));
        assert!(spans.claim_waiting().is_none());
        spans.release_all();
        assert_eq!(spans.connections(), 0);
    }
}
