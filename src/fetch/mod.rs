//! One item's download from start to end: attempts, retries with backoff and the final name.
//! An item's bytes live in a [`Staging`] until they are complete; an attempt (in `attempt`)
//! asks the server, chooses where its bytes go and streams them there.

pub(crate) mod attempt;
mod owner;
mod pieces;
mod staging;
mod web_page;

use crate::redact::KeptUrl;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::error::DownloadError;
use crate::finished::{FinishedFile, FinishedLog};
use crate::hash::StreamHasher;
use crate::limit::RateLimit;
use crate::model::{Event, EventSink, ItemRecord, Job, OneConnection, Outcome, Protocol, Warning};
use crate::names::NameBook;
use crate::net::stream::{BodyStream, StreamOf};
use crate::options::{Existing, RunConfig};
use crate::resume::{Leftovers, PartState, ResumeStore};

use staging::Staging;

pub(crate) use pieces::{HelpDesk, Helpable, SplitFile, help};

/// What one item's download may use of its run.
pub(crate) struct ItemContext<'a> {
    /// The run's settings.
    pub(crate) config: &'a RunConfig,
    /// The names of the save folder.
    pub(crate) names: &'a NameBook,
    /// Unfinished downloads that earlier runs left in the save folder.
    pub(crate) leftovers: &'a Leftovers,
    /// Where the resume records of `.part` files are kept.
    pub(crate) resume: &'a ResumeStore,
    /// What the folder already received, and where finished downloads are logged.
    pub(crate) finished: &'a FinishedLog,
    /// The run's speed limit.
    pub(crate) limit: &'a RateLimit,
    /// Small downloads may go to a file without a name (see
    /// [`crate::safe_fs::create_unnamed`]).
    pub(crate) unnamed_files: bool,
    /// Where events go.
    pub(crate) events: &'a EventSink,
    /// When the run began: event times count from here.
    pub(crate) t0: Instant,
    /// Cancelled when the item must stop: for a pause, a cancel of the item or of the run.
    pub(crate) cancel: &'a CancellationToken,
    /// Set when the stop is a pause: the item then waits to be resumed instead of ending.
    pub(crate) pausing: &'a AtomicBool,
    /// Cancelled when the whole run stops.
    pub(crate) run: &'a CancellationToken,
    /// Why the run stopped, when it was not the person's choice.
    pub(crate) stopped_by: &'a OnceLock<DownloadError>,
    /// This thread's HTTP clients (`None` where items are only ended, never downloaded).
    pub(crate) client: Option<&'a crate::net::Clients>,
    /// Where the item's file is opened to helpers.
    pub(crate) desk: &'a dyn HelpDesk,
}

impl ItemContext<'_> {
    /// Milliseconds since the run began.
    pub(crate) fn now_ms(&self) -> u64 {
        self.t0.elapsed().as_millis() as u64
    }

    /// How an item that was stopped ends.
    pub(crate) fn cancelled(&self) -> Outcome {
        Outcome::Cancelled(self.stopped_by.get().cloned())
    }

    /// Whether the item was stopped to be paused (and the run goes on).
    fn is_pause(&self) -> bool {
        self.pausing.load(Ordering::SeqCst) && !self.run.is_cancelled()
    }

    /// Starts streaming `response`'s body under this item's stop, the run's limit and settings.
    fn stream<'r>(&'r self, response: &'r mut reqwest::Response) -> BodyStream<'r> {
        let of = StreamOf {
            cancel: self.cancel,
            limit: self.limit,
            config: self.config,
        };
        BodyStream::new(response, of)
    }

    /// Runs `work` unless the item is stopped first.
    async fn or_cancel<T>(&self, work: impl Future<Output = T>) -> Result<T, Stop> {
        self.cancel
            .run_until_cancelled(work)
            .await
            .ok_or(Stop::Cancelled)
    }
}

/// Once this much of a file has arrived, a resume record is saved so that a later run can
/// continue it; smaller downloads are quicker to fetch again than to keep track of.
const RECORD_AFTER: u64 = 1024 * 1024;

/// How many times a split file may start over (another version, a server that turned out
/// to ignore ranges) before that counts as a failure to retry.
const MAX_RESTARTS: u32 = 3;

/// The longest wait a server may ask for (`Retry-After`) that is honoured within the run;
/// a longer one ends the item with a sentence saying what the server asked.
const MAX_WAIT: Duration = Duration::from_secs(5 * 60);

/// Why an attempt stopped short.
enum Stop {
    /// Stopped from outside: a pause or a cancel.
    Cancelled,
    /// The folder already holds the file, here.
    Skipped(PathBuf),
    /// A failure, and how long the server asked us to wait before trying again.
    Failed(DownloadError, Option<Duration>),
}

impl From<DownloadError> for Stop {
    fn from(err: DownloadError) -> Self {
        Stop::Failed(err, None)
    }
}

impl From<crate::net::stream::StreamStop> for Stop {
    fn from(stop: crate::net::stream::StreamStop) -> Self {
        match stop {
            crate::net::stream::StreamStop::Cancelled => Stop::Cancelled,
            crate::net::stream::StreamStop::Failed(err) => err.into(),
        }
    }
}

/// What the server said about the file: enough to ask for the rest of the same version.
#[derive(Debug, Default)]
struct Remote {
    /// The announced size of the whole file.
    total: Option<u64>,
    /// The strong ETag or Last-Modified of the version, for `If-Range`.
    validator: Option<String>,
    /// Whether the server said it accepts byte ranges.
    ranges: bool,
}

impl Remote {
    /// Whether a partial file of this version can be continued.
    fn resumable(&self) -> bool {
        self.ranges && self.validator.is_some()
    }
}

/// One item across its attempts.
struct Item<'a> {
    ctx: &'a ItemContext<'a>,
    job: &'a Job,
    /// The 1-based worker running it.
    worker: usize,
    state: Parked,
    /// Stops the helpers of this turn (a file that starts over).
    help_stop: Option<CancellationToken>,
    /// Its server turned it away while busy: it goes back to the queue.
    refused: bool,
    /// Another process is writing the unfinished download an earlier run left for it.
    elsewhere: bool,
    /// The file this link saved before, until the server has said whether it still has it.
    saved: Option<crate::finished::Saved>,
    /// The server has a new version of the file this link saved before: it is downloaded
    /// again, under a new name.
    newer: bool,
}

/// An item's own state across attempts — kept while it is paused, so that resuming it
/// continues its `.part` file, its checksum and its name.
pub(crate) struct Parked {
    /// The final name reserved for the file, once the server has answered.
    path: Option<PathBuf>,
    staging: Staging,
    remote: Remote,
    /// Bytes of the file written so far.
    bytes: u64,
    /// The SHA-256 of the file's bytes so far.
    hasher: StreamHasher,
    first_byte_ms: Option<u64>,
    /// The URL as resume records keep it: without its password, which a later run's list
    /// gives again.
    kept_url: KeptUrl,
    retries: u32,
    started_ms: u64,
    /// The file over several connections, once it is split.
    split: Option<Arc<SplitFile>>,
    /// Why the file stays on one connection, once that is known.
    one_connection: Option<OneConnection>,
    /// What is odd about the answer, if anything.
    warning: Option<Warning>,
    /// The HTTP version of the first answer.
    protocol: Option<Protocol>,
}

impl Parked {
    /// Bytes of the file kept (for a split file, every connection's).
    pub(crate) fn bytes(&self) -> u64 {
        match &self.split {
            Some(file) => file
                .split
                .written
                .load(std::sync::atomic::Ordering::Relaxed),
            None => self.bytes,
        }
    }
}

#[cfg(test)]
impl Parked {
    /// What a download that has not received anything yet keeps.
    pub(crate) fn untouched(job: &Job) -> Self {
        Self {
            path: None,
            staging: Staging::Fresh,
            remote: Remote::default(),
            bytes: 0,
            hasher: StreamHasher::off(),
            first_byte_ms: None,
            kept_url: KeptUrl::of(&job.url),
            retries: 0,
            started_ms: 0,
            split: None,
            one_connection: None,
            warning: None,
            protocol: None,
        }
    }
}

/// How an item's turn on a worker ended.
pub(crate) enum Turn {
    /// For good: done, failed, cancelled or skipped.
    Ended(ItemRecord),
    /// Its server turned it away while busy with Downpour's other connections: it waits its
    /// turn in the queue again, with what it kept.
    Refused(Parked),
    /// Paused: its state waits to be resumed (or ended, if the run stops first).
    Paused(Parked),
}

/// Downloads one job — from the start, or from where it was paused — until it ends or is
/// paused again.
pub(crate) async fn run_item(
    ctx: &ItemContext<'_>,
    job: &Job,
    worker: usize,
    parked: Option<Parked>,
) -> Turn {
    let mut item = match parked {
        Some(state) => Item {
            ctx,
            job,
            worker,
            state,
            help_stop: None,
            refused: false,
            elsewhere: false,
            saved: None,
            newer: false,
        },
        // Paused before it began, it goes on to be parked (as paused) like any other.
        None if ctx.cancel.is_cancelled() && !ctx.is_pause() => {
            return Turn::Ended(ItemRecord::unstarted(job, ctx.cancelled(), ctx.now_ms()));
        }
        None => Item::new(ctx, job, worker),
    };
    if !ctx.cancel.is_cancelled() {
        ctx.events.send(Event::ItemStarted {
            index: job.index,
            worker,
            at_ms: ctx.now_ms(),
        });
    }
    let outcome = item.attempts().await;
    if item.refused {
        return Turn::Refused(item.state);
    }
    if matches!(outcome, Outcome::Cancelled(_)) && ctx.is_pause() {
        return Turn::Paused(item.state);
    }
    let mut record = item.record(outcome, worker);
    item.end(&mut record).await;
    Turn::Ended(record)
}

/// Ends a paused item that will not be resumed (the person cancelled it): its partial file is
/// kept to be continued by a later run, as after a cancel.
pub(crate) fn end_parked(
    ctx: &ItemContext<'_>,
    job: &Job,
    worker: usize,
    state: Parked,
) -> ItemRecord {
    let mut item = Item {
        ctx,
        job,
        worker,
        state,
        help_stop: None,
        refused: false,
        elsewhere: false,
        saved: None,
        newer: false,
    };
    let record = item.record(ctx.cancelled(), worker);
    item.abandon(&record);
    record
}

impl<'a> Item<'a> {
    /// The item's record as it ends with `outcome` on `worker`.
    fn record(&self, outcome: Outcome, worker: usize) -> ItemRecord {
        let state = &self.state;
        let pieces = state.split.as_ref().map(|s| s.pieces()).unwrap_or_default();
        ItemRecord {
            index: self.job.index,
            url: crate::redact::url(&self.job.url),
            path: state.path.clone(),
            // A split file's bytes are every connection's.
            bytes: state.bytes(),
            total: state.remote.total,
            worker,
            started_ms: state.started_ms,
            first_byte_ms: state.first_byte_ms,
            finished_ms: self.ctx.now_ms(),
            reported_ms: 0,
            retries: state.retries,
            sha256: None,
            outcome,
            pieces,
            warning: state.warning.clone(),
            protocol: state.protocol,
        }
    }

    fn new(ctx: &'a ItemContext<'a>, job: &'a Job, worker: usize) -> Self {
        let hasher = if ctx.config.checksums || job.sha256.is_some() {
            StreamHasher::new()
        } else {
            StreamHasher::off()
        };
        let mut item = Self {
            ctx,
            job,
            worker,
            help_stop: None,
            refused: false,
            elsewhere: false,
            saved: None,
            newer: false,
            state: Parked {
                path: None,
                staging: Staging::Fresh,
                remote: Remote::default(),
                bytes: 0,
                hasher,
                first_byte_ms: None,
                kept_url: KeptUrl::of(&job.url),
                retries: 0,
                started_ms: ctx.now_ms(),
                split: None,
                one_connection: None,
                warning: None,
                protocol: None,
            },
        };
        item.take_leftover();
        item
    }

    /// Takes over the partial file an earlier run left for this URL, if any: the first
    /// attempt then asks the server for the rest of the same version.
    fn take_leftover(&mut self) {
        let left = match &self.job.previous {
            // The person changed the address: the partial file of the old one, read afresh
            // (an earlier item of this run may have left it).
            Some(previous) => self.ctx.resume.leftovers().take(previous.as_str()),
            None => self.ctx.leftovers.take(self.state.kept_url.as_str()),
        };
        let Some(left) = left else {
            return;
        };
        if !self.ctx.names.claim(&left.path) {
            return;
        }
        match Staging::adopt(&left) {
            staging::Adopted::Taken(staging) => {
                self.state.staging = staging;
                self.state.remote = Remote {
                    total: left.total,
                    validator: Some(left.validator),
                    ranges: true,
                };
                self.state.path = Some(left.path.clone());
                if let (Some(ranges), Some(total)) = (&left.ranges, left.total) {
                    self.adopt_split(&left.path, total, ranges);
                }
            }
            staging::Adopted::Gone => self.ctx.names.release(&left.path),
            staging::Adopted::Locked => {
                self.ctx.names.release(&left.path);
                self.elsewhere = true;
            }
        }
    }

    /// Takes over a file an earlier run fetched over several connections: only the ranges
    /// it had not written are fetched.
    fn adopt_split(&mut self, path: &Path, total: u64, ranges: &[(u64, u64)]) {
        let (Some(file), Some(validator)) = (
            self.state.staging.shared_file(),
            self.state.remote.validator.clone(),
        ) else {
            return;
        };
        let spans = crate::split::Spans::new(total, ranges);
        self.state.bytes = spans.written();
        let split = crate::split::Split::new(spans, self.ctx.config.connections_per_file());
        let of = pieces::SplitFileOf {
            url: self.job.url.clone(),
            kept_url: self.state.kept_url.clone(),
            index: self.job.index,
            validator,
            referer: self.job.referer.clone(),
            path: path.to_owned(),
        };
        self.state.split = Some(Arc::new(SplitFile::new(split, file, of)));
    }

    /// Tries until done, stopped, skipped, a final failure or the last retry.
    async fn attempts(&mut self) -> Outcome {
        let config = self.ctx.config;
        if self.elsewhere {
            // Its `.part` file and resume record are another Downpour's: left alone.
            return Outcome::Failed(DownloadError::OtherDownpour);
        }
        if self.state.path.is_none() && config.existing == Existing::Skip {
            // The file this link saved before is still there: the first request asks the
            // server whether it still has that version.
            self.saved = self.ctx.finished.saved_before(self.state.kept_url.as_str());
        }
        let mut restarts = 0;
        loop {
            let (err, retry_after) = match self.attempt().await {
                Ok(()) => return Outcome::Done,
                Err(Stop::Cancelled) => return self.ctx.cancelled(),
                Err(Stop::Skipped(path)) => {
                    self.state.path = Some(path);
                    return Outcome::Skipped;
                }
                Err(Stop::Failed(err, retry_after)) => (err, retry_after),
            };
            if let Some(wait) = retry_after.filter(|wait| *wait > MAX_WAIT) {
                // Asked for longer than a run waits: say so, rather than ask again sooner.
                return Outcome::Failed(DownloadError::ServerAsksWait {
                    secs: wait.as_secs(),
                });
            }
            if err == DownloadError::FileChanged && self.job.previous.is_some() {
                // A new address whose pieces are of another version than the kept ones:
                // kept until the person starts over (Retry).
                return Outcome::Failed(DownloadError::NotSameFile);
            }
            if err.is_busy() && self.ctx.desk.refused(retry_after) {
                // Turned away because Downpour holds several connections to the server: not
                // a failed attempt; the item waits for the server's room.
                self.refused = true;
                return self.ctx.cancelled();
            }
            if err == DownloadError::FileChanged && restarts < MAX_RESTARTS {
                // Not a failure: the file starts over at once, clean.
                restarts += 1;
                self.start_over_split().await;
                continue;
            }
            if !err.is_transient() || self.state.retries >= config.retries {
                return Outcome::Failed(err);
            }
            if err == DownloadError::FileChanged {
                self.start_over_split().await;
            }
            self.state.retries += 1;
            self.ctx.events.send(Event::Retrying {
                index: self.job.index,
                attempt: self.state.retries,
                of: config.retries,
                reason: err,
                server_wait_ms: retry_after.map(|wait| wait.as_millis() as u64),
            });
            let pause =
                retry_after.unwrap_or_else(|| backoff(config, self.state.retries, self.job));
            if self.ctx.or_cancel(tokio::time::sleep(pause)).await.is_err() {
                return self.ctx.cancelled();
            }
        }
    }

    /// Ends the item: a complete body is checked and named; anything partial is kept for a
    /// later run when it can be continued, else removed.
    async fn end(&mut self, record: &mut ItemRecord) {
        if record.outcome != Outcome::Done {
            self.abandon(record);
            return;
        }
        let staging = std::mem::replace(&mut self.state.staging, Staging::Fresh);
        let Some(path) = self.state.path.clone() else {
            return;
        };
        if let Some(err) = web_page::instead_of_file(self.state.warning.as_ref(), staging.file()) {
            // A login or error page: not the file, and nothing is left under its name.
            record.outcome = Outcome::Failed(err);
            record.warning = None;
            self.state.staging = staging;
            self.abandon(record);
            return;
        }
        let digest = self.state.hasher.finish().await;
        staging.finish(self.ctx, record, &path, digest, self.job.sha256.as_deref());
        if record.outcome == Outcome::Done {
            self.log_finished(record);
        }
    }

    /// Ends an unfinished item: its partial file is kept for a later run when it can be
    /// continued, else removed.
    fn abandon(&mut self, record: &ItemRecord) {
        let staging = std::mem::replace(&mut self.state.staging, Staging::Fresh);
        let Some(path) = self.state.path.clone() else {
            return;
        };
        if record.outcome == Outcome::Skipped {
            // The path names the file that was already there: it is not this item's.
            return;
        }
        let resumable = match &record.outcome {
            Outcome::Cancelled(_) => true,
            // Not the same file at a new address: kept until the person starts over.
            Outcome::Failed(DownloadError::NotSameFile) => true,
            Outcome::Failed(err) => err.is_transient(),
            Outcome::Done | Outcome::Skipped => false,
        };
        let mut staging = staging;
        if self.state.split.as_ref().is_some_and(|s| s.worth_keeping()) {
            // Its helpers may have saved a record: it is kept or forgotten with the file.
            staging.mark_recorded();
        }
        let keep = self.part_state(&path).filter(|_| resumable);
        staging.abandon(self.ctx, &path, keep);
        self.ctx.names.release(&path);
    }
}

impl Item<'_> {
    /// What a resume record of the `.part` file of `path` says now: for a split file, the
    /// ranges written in a file of full size.
    fn part_state<'p>(&'p self, path: &'p Path) -> Option<PartState<'p>> {
        let state = &self.state;
        let mut part = part_state(&state.remote, state.kept_url.as_str(), state.bytes, path)?;
        if let Some(split) = &state.split {
            part.ranges = Some(split.split.with(|s| s.done().to_vec()));
            part.len = split.split.with(|s| s.total());
        }
        Some(part)
    }

    /// Notes the finished file in the folder's log, so that the next run of this link skips it.
    fn log_finished(&self, record: &ItemRecord) {
        let Some(path) = &record.path else {
            return;
        };
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return;
        };
        self.ctx.finished.add(&FinishedFile {
            url: self.state.kept_url.clone(),
            name: crate::names::display_name(path),
            size: meta.len(),
            validator: self.state.remote.validator.clone(),
            sha256: record.sha256.clone(),
            identity: crate::safe_fs::Identity::of(&meta),
        });
    }
}

/// What a resume record of the `.part` file of `path` says, holding `len` bytes of `url` at
/// the server's version `remote`: `None` unless the server can continue that version.
fn part_state<'p>(
    remote: &'p Remote,
    url: &'p str,
    len: u64,
    path: &'p Path,
) -> Option<PartState<'p>> {
    let validator = remote.validator.as_deref()?;
    remote.resumable().then_some(PartState {
        path,
        url,
        validator,
        total: remote.total,
        len,
        ranges: None,
    })
}

/// Exponential backoff with jitter: `backoff × 2^(n-1)`, ±25 %, at most a minute.
fn backoff(config: &RunConfig, retry: u32, job: &Job) -> Duration {
    let base = config
        .retry_backoff
        .saturating_mul(1 << retry.saturating_sub(1).min(16));
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64);
    let nanos = clock ^ (job.index as u64).wrapping_mul(0x9e37_79b9);
    let jitter = 0.75 + (nanos % 1000) as f64 / 2000.0;
    base.mul_f64(jitter).min(Duration::from_secs(60))
}
