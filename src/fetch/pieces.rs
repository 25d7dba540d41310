//! A big file over several connections: the first connection opens the file to helpers, and a
//! worker with nothing else to start fetches a span of it with `Range` and `If-Range`, writing
//! in place. A helper never fails the item: whatever goes wrong gives its span back to the
//! file's other connections, and a server that refuses one more connection gets one fewer.

use crate::redact::KeptUrl;
use std::fs::File;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use reqwest::{Response, StatusCode};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::ItemContext;
use crate::error::DownloadError;
use crate::hash::StreamHasher;
use crate::model::{Event, Piece};
use crate::net::answer::{self, Ask, Verdict};
use crate::net::stream::StreamStop;
use crate::split::{Claim, Split};

/// The longest a piece waits for a server that asked to wait (`Retry-After`): a longer wait
/// is a refusal, and the file continues on the connections it has.
pub(crate) const MAX_PIECE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// A file fetched over several connections, kept for as long as the item lives (across
/// retries and pauses).
pub(crate) struct SplitFile {
    pub(crate) split: Split,
    file: Arc<File>,
    url: Url,
    index: usize,
    /// The version every connection asks for (`If-Range`).
    validator: String,
    /// The `.part` file, for sentences.
    shown: PathBuf,
    /// Helpers fetching now, and a wake-up when one stops.
    active: AtomicUsize,
    stopped: tokio::sync::Notify,
    /// A connection got another version of the file: it must start over.
    changed: AtomicBool,
    /// A connection found that the server ignores ranges after all.
    no_ranges: AtomicBool,
    /// The connection whose answer runs to the end of the file (the first connection's
    /// answer to its whole-file request), 0 when none: a piece refused before its first byte
    /// goes back to it.
    to_end: AtomicU64,
    /// Piece requests of helpers that failed: past a few, the file takes no more helpers.
    failures: AtomicUsize,
    /// Who fetched which bytes when.
    log: Mutex<Vec<Piece>>,
    /// The final path and the URL without its password, for the resume record.
    path: PathBuf,
    kept_url: KeptUrl,
    /// The page the link came from, sent as every piece's Referer.
    referer: Option<Url>,
    /// When the resume record was last saved.
    recorded: Mutex<Instant>,
}

/// Who a split file is: its item's address, index and version, and where it is saved.
pub(crate) struct SplitFileOf {
    pub(crate) url: Url,
    pub(crate) kept_url: KeptUrl,
    pub(crate) index: usize,
    pub(crate) validator: String,
    /// The page the link came from ([`crate::Job::referer`]).
    pub(crate) referer: Option<Url>,
    /// The final path (the bytes are in its `.part` file).
    pub(crate) path: PathBuf,
}

impl SplitFile {
    pub(crate) fn new(split: Split, file: Arc<File>, of: SplitFileOf) -> Self {
        Self {
            split,
            file,
            url: of.url,
            index: of.index,
            validator: of.validator,
            referer: of.referer,
            shown: crate::names::part_path(&of.path),
            active: AtomicUsize::new(0),
            stopped: tokio::sync::Notify::new(),
            changed: AtomicBool::new(false),
            no_ranges: AtomicBool::new(false),
            to_end: AtomicU64::new(0),
            failures: AtomicUsize::new(0),
            log: Mutex::new(Vec::new()),
            path: of.path,
            kept_url: of.kept_url,
            recorded: Mutex::new(Instant::now()),
        }
    }

    /// Hashes, after what `hasher` has seen, the bytes written in order from the start of
    /// the file.
    pub(crate) async fn catch_up(&self, hasher: &StreamHasher) -> Result<(), DownloadError> {
        let prefix = self.split.with(|s| s.written_prefix());
        hasher
            .catch_up(&self.file, prefix)
            .await
            .map_err(|err| DownloadError::from_io(&self.shown, &err))
    }

    /// Saves the resume record — the ranges written — now.
    pub(crate) fn record(&self, ctx: &ItemContext<'_>) {
        let (total, ranges) = self.split.with(|s| (s.total(), s.done().to_vec()));
        ctx.resume.save(
            &self.file,
            crate::resume::PartState {
                path: &self.path,
                url: self.kept_url.as_str(),
                validator: &self.validator,
                total: Some(total),
                len: total,
                ranges: Some(ranges),
            },
        );
        *self.recorded.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    /// Whether enough is written to keep the file for a later run rather than fetch it again.
    pub(crate) fn worth_keeping(&self) -> bool {
        self.split.written.load(Ordering::Relaxed) >= super::RECORD_AFTER
    }

    /// Saves the resume record if the last one is older than a second (once the file is worth
    /// keeping), so that after a crash at most that much is fetched again.
    fn record_if_due(&self, ctx: &ItemContext<'_>) {
        let due = self
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
            >= std::time::Duration::from_secs(1);
        if due && self.worth_keeping() {
            self.record(ctx);
        }
    }

    /// The server said it will not send parts as they were asked: the file continues on one
    /// connection, from the start, with a plain request.
    pub(crate) fn give_up_ranges(&self) {
        self.no_ranges.store(true, Ordering::SeqCst);
    }

    /// The server the file comes from, with its port (helpers are counted per server).
    pub(crate) fn host(&self) -> String {
        crate::net::hosts::host_of(&self.url)
    }

    /// Whether a connection found another version of the file, or that the server ignores
    /// ranges: the file must start over.
    pub(crate) fn must_start_over(&self) -> bool {
        self.changed.load(Ordering::SeqCst) || self.no_ranges.load(Ordering::SeqCst)
    }

    /// Whether the server turned out not to send parts of files.
    pub(crate) fn ignores_ranges(&self) -> bool {
        self.no_ranges.load(Ordering::SeqCst)
    }

    /// Who fetched which bytes when, in the order they began.
    pub(crate) fn pieces(&self) -> Vec<Piece> {
        let mut pieces = self.log.lock().unwrap_or_else(|e| e.into_inner()).clone();
        pieces.sort_by_key(|p| (p.started_ms, p.start));
        pieces
    }

    /// Waits until no helper is fetching (after their token was cancelled).
    pub(crate) async fn helpers_stopped(&self) {
        loop {
            let mut stopped = std::pin::pin!(self.stopped.notified());
            stopped.as_mut().enable();
            if self.active.load(Ordering::SeqCst) == 0 {
                return;
            }
            stopped.await;
        }
    }

    /// Notes that `worker` fetched `bytes` from `started_ms` until now.
    fn log(&self, ctx: &ItemContext<'_>, worker: usize, bytes: Range<u64>, started_ms: u64) {
        let piece = Piece {
            worker,
            start: bytes.start,
            end: bytes.end,
            started_ms,
            finished_ms: ctx.now_ms(),
        };
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(piece);
    }

    fn connections_changed(&self, ctx: &ItemContext<'_>) {
        let count = self.split.with(|s| s.connections());
        ctx.events.send(Event::Connections {
            index: self.index,
            count,
        });
    }
}

/// A file open to helpers for one turn of its item: cancelled with the item (a pause, a
/// cancel) or when the file starts over.
pub(crate) struct Helpable {
    pub(crate) file: Arc<SplitFile>,
    pub(crate) stop: CancellationToken,
}

/// Where an item's first connection announces that its file may be helped, and that it no
/// longer may.
pub(crate) trait HelpDesk {
    /// Helpers may join `help` from now on.
    fn open(&self, help: Arc<Helpable>);
    /// No more helpers.
    fn close(&self);
    /// The item's server turned its first connection away, asking to wait `wait`. True when
    /// Downpour held several connections to it: the item then waits its turn in the queue
    /// (its server's room) instead of counting a failed attempt.
    fn refused(&self, wait: Option<std::time::Duration>) -> bool;
}

/// How fetching a span stopped short.
pub(crate) enum SpanStop {
    /// Stopped from outside: a pause, a cancel, or the file starting over.
    Cancelled,
    /// The file's first connection met another version (or a server that ignores ranges):
    /// the file starts over.
    StartOver,
    /// A helper's piece was refused, or answered with other bytes than asked (another
    /// range, another version): nothing of it is written, and the file takes no more
    /// helpers.
    Refused,
    /// A failure, and how long the server asked to wait before trying again.
    Failed(DownloadError, Option<std::time::Duration>),
}

impl From<DownloadError> for SpanStop {
    fn from(err: DownloadError) -> Self {
        SpanStop::Failed(err, None)
    }
}

impl From<StreamStop> for SpanStop {
    fn from(stop: StreamStop) -> Self {
        match stop {
            StreamStop::Cancelled => SpanStop::Cancelled,
            StreamStop::Failed(err) => err.into(),
        }
    }
}

/// How a helper's connection ended, for its server.
pub(crate) struct HelperEnd {
    /// It fetched its span.
    pub(crate) success: bool,
    /// The server turned it away (429, 503, a refused connection), asking to wait this long.
    pub(crate) refused: Option<Option<std::time::Duration>>,
}

/// Fetches `claim` of the file as one more connection on `worker`; never fails the item.
pub(crate) async fn help(
    ctx: &ItemContext<'_>,
    help: &Helpable,
    claim: Claim,
    worker: usize,
) -> HelperEnd {
    let mut end = HelperEnd {
        success: true,
        refused: None,
    };
    let file = &help.file;
    file.active.fetch_add(1, Ordering::SeqCst);
    file.connections_changed(ctx);
    let started_ms = ctx.now_ms();
    let mut pos = claim.start;
    if let Err(stop) = fetch_span(ctx, file, claim, None, &mut pos).await {
        end.success = false;
        if let SpanStop::Failed(err, wait) = &stop
            && err.is_busy()
        {
            end.refused = Some(*wait);
        }
        let to_end = file.to_end.load(Ordering::SeqCst);
        if pos == claim.start && to_end != 0 {
            // Nothing written: the first connection's answer brings these bytes anyway.
            file.split.rejoin(claim.conn, to_end);
        } else {
            file.split.give_back(claim.conn);
        }
        helper_failed(ctx, file, &stop);
    }
    file.log(ctx, worker, claim.start..pos, started_ms);
    file.active.fetch_sub(1, Ordering::SeqCst);
    file.stopped.notify_waiters();
    file.connections_changed(ctx);
    end
}

/// Learns from a helper's failure: a refused piece, or more failed pieces than the file has
/// connections, and the file takes no more helpers (a server that refuses parts is never
/// asked again and again); a passing refusal, and it keeps one connection fewer.
fn helper_failed(ctx: &ItemContext<'_>, file: &SplitFile, stop: &SpanStop) {
    let transient = match stop {
        SpanStop::Cancelled | SpanStop::StartOver => return,
        SpanStop::Refused => false,
        SpanStop::Failed(err, _) => err.is_transient(),
    };
    let failures = file.failures.fetch_add(1, Ordering::SeqCst) + 1;
    if transient {
        // The server refused one more connection, or dropped it: one fewer from now on.
        file.split.lower_cap();
    }
    if !transient || failures > ctx.config.connections_per_file() + 2 {
        file.split.go_solo();
    }
}

/// The first connection fetching `claim` of its own file: like a helper, but its failures
/// are the item's, and bytes that extend the checksum's prefix are hashed as they stream.
/// With `response`, the answer is already there (the first request, for the whole file).
pub(crate) async fn fetch_own(
    ctx: &ItemContext<'_>,
    file: &SplitFile,
    claim: Claim,
    response: Option<Response>,
    worker: usize,
    hasher: &StreamHasher,
) -> Result<(), SpanStop> {
    let started_ms = ctx.now_ms();
    let mut pos = claim.start;
    let result = match response {
        Some(mut response) => {
            file.to_end.store(claim.conn, Ordering::SeqCst);
            let streamed =
                stream_span(ctx, file, claim, &mut response, Some(hasher), &mut pos).await;
            file.to_end.store(0, Ordering::SeqCst);
            streamed
        }
        None => fetch_span(ctx, file, claim, Some(hasher), &mut pos).await,
    };
    if result.is_err() {
        file.split.give_back(claim.conn);
    }
    file.log(ctx, worker, claim.start..pos, started_ms);
    result
}

/// Asks for `claim` of the same version and streams it into place; `pos` follows the bytes
/// written. With a `hasher`, the first connection asks (see [`judge`]).
async fn fetch_span(
    ctx: &ItemContext<'_>,
    file: &SplitFile,
    claim: Claim,
    hasher: Option<&StreamHasher>,
    pos: &mut u64,
) -> Result<(), SpanStop> {
    // A connection of its own, over HTTP/1.1 (see [`crate::net::Clients`]).
    let client = &ctx.client.ok_or(DownloadError::Stopped)?.pieces;
    let ask = Ask {
        start: claim.start,
        end: Some(claim.end),
        total: Some(file.split.with(|s| s.total())),
        version: Some(file.validator.as_str()),
        unless: None,
        head: false,
        referer: file.referer.as_ref(),
    };
    // The person's headers belong to the listed link's host, wherever the file came from.
    let listed = Url::parse(file.kept_url.as_str()).unwrap_or_else(|_| file.url.clone());
    let request = crate::net::send::get(client, ctx.config, &listed, &file.url, &ask);
    let sent = Instant::now();
    let mut response = ctx
        .cancel
        .run_until_cancelled(request)
        .await
        .ok_or(SpanStop::Cancelled)??;
    file.split.note_latency(sent.elapsed());
    judge(file, &response, &ask, hasher.is_some())?;
    stream_span(ctx, file, claim, &mut response, hasher, pos).await
}

/// Takes a 206 of exactly the span asked for, of the file's size and version; nothing else
/// is written. A passing refusal (429, 503, asking to wait at most [`MAX_PIECE_WAIT`]) is a
/// failure to learn from. Any other answer to a helper refuses its piece. For the file's
/// first connection (`own`) any other answer — another version, the whole file, other bytes,
/// a refusal — makes the file start over on one connection with a plain request (416: the
/// file changed).
fn judge(file: &SplitFile, response: &Response, ask: &Ask<'_>, own: bool) -> Result<(), SpanStop> {
    let verdict = answer::verdict(response, ask);
    if let Verdict::Refused(status) = verdict
        && (status.is_client_error() || status.is_server_error())
        && status != StatusCode::RANGE_NOT_SATISFIABLE
    {
        let err = DownloadError::Status {
            code: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("error").to_owned(),
        };
        let wait = answer::retry_after(response);
        if err.is_transient() && wait.is_none_or(|wait| wait <= MAX_PIECE_WAIT) {
            return Err(SpanStop::Failed(err, wait));
        }
    }
    if !own {
        return match verdict {
            Verdict::Part => Ok(()),
            _ => Err(SpanStop::Refused),
        };
    }
    match verdict {
        Verdict::Part => return Ok(()),
        Verdict::Refused(StatusCode::RANGE_NOT_SATISFIABLE) => {
            // The file is shorter now.
            file.changed.store(true, Ordering::SeqCst);
        }
        // Another version from a part request may be a change, or another node of a farm
        // (or mirror) naming the same bytes otherwise: either way only one plain answer can
        // be trusted now.
        Verdict::OtherVersion
        | Verdict::Whole { .. }
        | Verdict::WrongRange
        | Verdict::Refused(_) => file.give_up_ranges(),
    }
    Err(SpanStop::StartOver)
}

/// Writes the body in place from `claim.start`, as far as the span reaches — it shrinks when
/// a helper takes its second half; `pos` follows the bytes written. A connection that only
/// trickles fails here as the whole file's does (see [`crate::net::stream`]).
async fn stream_span(
    ctx: &ItemContext<'_>,
    file: &SplitFile,
    claim: Claim,
    response: &mut Response,
    hasher: Option<&StreamHasher>,
    pos: &mut u64,
) -> Result<(), SpanStop> {
    let mut body = ctx.stream(response);
    loop {
        if file.must_start_over() {
            return Err(SpanStop::StartOver);
        }
        let Some(end) = file.split.with(|s| s.end_of(claim.conn)) else {
            body.finish();
            return Ok(());
        };
        let (got, expected) = (*pos - claim.start, Some(end - claim.start));
        let Some(chunk) = body.next(got, expected).await? else {
            return Err(DownloadError::Truncated { got, expected }.into());
        };
        // The span may have shrunk while the chunk was on its way.
        let Some(end) = file.split.with(|s| s.end_of(claim.conn)) else {
            body.finish();
            return Ok(());
        };
        let take = (chunk.len() as u64).min(end.saturating_sub(*pos));
        let bytes: Bytes = chunk.slice(..take as usize);
        write_all_at(&file.file, &bytes, *pos)
            .map_err(|err| DownloadError::from_io(&file.shown, &err))?;
        if let Some(hasher) = hasher
            && hasher.len() == *pos
        {
            hasher.push(bytes).await;
        }
        *pos += take;
        body.delivered(take);
        let complete = file.split.wrote(claim.conn, *pos, take);
        file.record_if_due(ctx);
        if body.progress_due() || complete {
            ctx.events.send(Event::Progress {
                index: file.index,
                bytes: file.split.written.load(Ordering::Relaxed),
            });
        }
        if complete {
            body.finish();
            return Ok(());
        }
    }
}

/// Writes all of `bytes` at `offset`, without moving the file's position.
fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < bytes.len() {
            done += std::os::windows::fs::FileExt::seek_write(
                file,
                &bytes[done..],
                offset + done as u64,
            )?;
        }
        Ok(())
    }
}
