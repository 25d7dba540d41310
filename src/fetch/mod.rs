//! One item's download from start to end: attempts, retries with backoff and the final name.
//! An item's bytes live in a [`Staging`] until they are complete; an attempt (in `attempt`)
//! asks the server, chooses where its bytes go and streams them there.

mod attempt;
mod staging;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use reqwest::Client;
use tokio_util::sync::CancellationToken;

use crate::error::DownloadError;
use crate::hash::StreamHasher;
use crate::model::{Event, EventSink, ItemRecord, Job, Outcome};
use crate::names::NameBook;
use crate::options::RunConfig;
use crate::resume::{Leftovers, PartState, ResumeStore};

use staging::Staging;

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
    /// Small downloads may go to a file without a name (see [`crate::names::create_unnamed`]).
    pub(crate) unnamed_files: bool,
    /// Where events go.
    pub(crate) events: &'a EventSink,
    /// When the run began: event times count from here.
    pub(crate) t0: Instant,
    /// Cancelled when the item must stop.
    pub(crate) cancel: &'a CancellationToken,
    /// Why the run stopped, when it was not the person's choice.
    pub(crate) stopped_by: &'a OnceLock<DownloadError>,
    /// This thread's HTTP client.
    pub(crate) client: &'a Client,
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

    /// Runs `work` unless the item is cancelled first.
    async fn or_cancel<T>(&self, work: impl Future<Output = T>) -> Result<T, Stop> {
        self.cancel
            .run_until_cancelled(work)
            .await
            .ok_or(Stop::Cancelled)
    }
}

/// Why an attempt stopped short.
enum Stop {
    Cancelled,
    /// A failure, and how long the server asked us to wait before trying again.
    Failed(DownloadError, Option<Duration>),
}

impl From<DownloadError> for Stop {
    fn from(err: DownloadError) -> Self {
        Stop::Failed(err, None)
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
    kept_url: String,
}

/// Downloads one job to the end — done, failed or cancelled — and returns its record.
pub(crate) async fn run_item(ctx: &ItemContext<'_>, job: &Job, worker: usize) -> ItemRecord {
    if ctx.cancel.is_cancelled() {
        return ItemRecord::unstarted(job, ctx.cancelled(), ctx.now_ms());
    }
    let started_ms = ctx.now_ms();
    ctx.events.send(Event::ItemStarted {
        index: job.index,
        worker,
        at_ms: started_ms,
    });
    let mut item = Item::new(ctx, job);
    let (outcome, retries) = item.attempts().await;
    let mut record = ItemRecord {
        index: job.index,
        url: crate::redact::url(&job.url),
        path: item.path.clone(),
        bytes: item.bytes,
        total: item.remote.total,
        worker,
        started_ms,
        first_byte_ms: item.first_byte_ms,
        finished_ms: ctx.now_ms(),
        reported_ms: 0,
        retries,
        sha256: None,
        outcome,
    };
    item.end(&mut record).await;
    record
}

impl<'a> Item<'a> {
    fn new(ctx: &'a ItemContext<'a>, job: &'a Job) -> Self {
        let hasher = if ctx.config.checksums || job.sha256.is_some() {
            StreamHasher::new()
        } else {
            StreamHasher::off()
        };
        let mut item = Self {
            ctx,
            job,
            path: None,
            staging: Staging::Fresh,
            remote: Remote::default(),
            bytes: 0,
            hasher,
            first_byte_ms: None,
            kept_url: crate::redact::without_password(&job.url).into(),
        };
        item.take_leftover();
        item
    }

    /// Takes over the partial file an earlier run left for this URL, if any: the first
    /// attempt then asks the server for the rest of the same version.
    fn take_leftover(&mut self) {
        let Some(left) = self.ctx.leftovers.take(&self.kept_url) else {
            return;
        };
        if !self.ctx.names.claim(&left.path) {
            return;
        }
        match Staging::adopt(&left) {
            Some(staging) => {
                self.staging = staging;
                self.remote = Remote {
                    total: left.total,
                    validator: Some(left.validator),
                    ranges: true,
                };
                self.path = Some(left.path);
            }
            None => self.ctx.names.release(&left.path),
        }
    }

    /// Tries until done, cancelled, a final failure or the last retry; returns the outcome
    /// and how many retries it took.
    async fn attempts(&mut self) -> (Outcome, u32) {
        let config = self.ctx.config;
        let mut retries = 0;
        loop {
            let (err, retry_after) = match self.attempt().await {
                Ok(()) => return (Outcome::Done, retries),
                Err(Stop::Cancelled) => return (self.ctx.cancelled(), retries),
                Err(Stop::Failed(err, retry_after)) => (err, retry_after),
            };
            if !err.is_transient() || retries >= config.retries {
                return (Outcome::Failed(err), retries);
            }
            retries += 1;
            self.ctx.events.send(Event::Retrying {
                index: self.job.index,
                attempt: retries,
                of: config.retries,
                reason: err,
            });
            let pause = retry_after.unwrap_or_else(|| backoff(config, retries, self.job));
            if self.ctx.or_cancel(tokio::time::sleep(pause)).await.is_err() {
                return (self.ctx.cancelled(), retries);
            }
        }
    }

    /// Ends the item: a complete body is checked and named; anything partial is kept for a
    /// later run when it can be continued, else removed.
    async fn end(&mut self, record: &mut ItemRecord) {
        let staging = std::mem::replace(&mut self.staging, Staging::Fresh);
        let Some(path) = self.path.clone() else {
            return;
        };
        if record.outcome == Outcome::Done {
            let digest = self.hasher.finish().await;
            staging.finish(self.ctx, record, &path, digest, self.job.sha256.as_deref());
            return;
        }
        let resumable = match &record.outcome {
            Outcome::Cancelled(_) => true,
            Outcome::Failed(err) => err.is_transient(),
            Outcome::Done => false,
        };
        let keep =
            part_state(&self.remote, &self.kept_url, self.bytes, &path).filter(|_| resumable);
        staging.abandon(self.ctx, &path, keep);
        self.ctx.names.release(&path);
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
