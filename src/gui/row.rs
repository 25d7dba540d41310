//! One line of the downloads list: where its file stands, what has come of it and how fast
//! it comes, built from the engine's events by `RunView`.

use downpour::redact::KeptUrl;
use std::path::PathBuf;
use std::time::Instant;

use downpour::model::{OneConnection, Protocol, Warning};
use downpour::{DownloadError, Job, OutcomeKind, names};

/// How long a file may receive nothing before its speed is shown as none.
const STALLED: std::time::Duration = std::time::Duration::from_secs(3);

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker is on it.
    Downloading,
    /// The person paused it; its partial file waits to be continued.
    Paused,
    /// Ended, and waits to be reported until the files before it are (input order).
    Held(OutcomeKind),
    /// Reported: done, failed or cancelled.
    Ended(OutcomeKind),
}

/// What a row says after its status, kept as data so that it is shown in the language of the
/// moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowNote {
    /// A transient failure; the item is being tried again.
    Retrying {
        /// Which retry this is (1-based).
        attempt: u32,
        /// The retry limit.
        of: u32,
        /// What went wrong.
        reason: DownloadError,
        /// When the wait the server asked for (`Retry-After`) ends: the row counts down.
        until: Option<std::time::Instant>,
    },
    /// Its server refused connections: it gets at most this many at once.
    ServerLimit {
        /// Connections at once.
        connections: usize,
    },
    /// Why the item failed.
    Failed(DownloadError),
    /// Why the item failed, as saved with the list (in each language, since the error itself
    /// is not kept).
    Restored {
        /// The English sentence.
        en: String,
        /// The Chinese sentence.
        zh: String,
    },
}

/// One line of the downloads list.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based index among the list's valid URLs.
    pub index: usize,
    /// The address.
    pub url: String,
    /// The address without its password, as the saved list keeps it.
    pub kept_url: KeptUrl,
    /// The expected SHA-256, carried over for retries.
    pub sha256: Option<String>,
    /// The file name (from the URL until the server names it).
    pub name: String,
    /// The name the page suggested (handed over by the browser), carried over for retries.
    pub suggested: Option<String>,
    /// The page the link came from (its Referer), carried over for retries.
    pub referer: Option<url::Url>,
    /// Where the file is saved, once known.
    pub path: Option<PathBuf>,
    /// Status.
    pub status: RowStatus,
    /// Bytes so far.
    pub bytes: u64,
    /// Announced size.
    pub total: Option<u64>,
    /// The worker (0 before one picks it up).
    pub worker: usize,
    /// Milliseconds since the run began.
    pub started_ms: Option<u64>,
    /// When it ended.
    pub finished_ms: Option<u64>,
    /// The error or the retry under way.
    pub note: Option<RowNote>,
    /// The SHA-256 of the saved file, once computed.
    pub hash: Option<String>,
    /// Connections fetching the file now (0 when none).
    pub connections: usize,
    /// Why the file stays on one connection, if it does.
    pub one_connection: Option<OneConnection>,
    /// What is odd about the file (a web page in its place), if anything.
    pub warning: Option<Warning>,
    /// The HTTP version the server answered over, once it answered.
    pub protocol: Option<Protocol>,
    /// The file's recent speed in bytes per second (smoothed), while it downloads.
    pub speed: f64,
    /// When and at how many bytes the speed was last measured.
    speed_mark: Option<(Instant, u64)>,
}

impl Row {
    /// A waiting row for `job`.
    pub fn new(job: &Job) -> Self {
        Self {
            index: job.index,
            url: job.url.to_string(),
            kept_url: KeptUrl::of(&job.url),
            sha256: job.sha256.clone(),
            name: names::sanitize(
                &job.name
                    .clone()
                    .unwrap_or_else(|| names::from_url(&job.url)),
            ),
            suggested: job.name.clone(),
            referer: job.referer.clone(),
            path: None,
            status: RowStatus::Queued,
            bytes: 0,
            total: None,
            worker: 0,
            started_ms: None,
            finished_ms: None,
            note: None,
            hash: None,
            connections: 0,
            one_connection: None,
            warning: None,
            protocol: None,
            speed: 0.0,
            speed_mark: None,
        }
    }

    /// The file's speed now: none once it has not moved for a few seconds, or when it is not
    /// downloading.
    pub fn current_speed(&self) -> f64 {
        match self.speed_mark {
            Some((at, _)) if self.status == RowStatus::Downloading && at.elapsed() < STALLED => {
                self.speed
            }
            _ => 0.0,
        }
    }

    /// Seconds until the file is complete at its current speed, when its size is known.
    pub fn secs_left(&self) -> Option<u64> {
        let speed = self.current_speed();
        let left = self.total?.checked_sub(self.bytes)?;
        (speed > 0.0).then(|| (left as f64 / speed).ceil() as u64)
    }

    /// Notes `bytes` received: the speed is measured every half second.
    pub(super) fn progress(&mut self, bytes: u64) {
        let now = Instant::now();
        match self.speed_mark {
            None => self.speed_mark = Some((now, bytes)),
            Some((at, before)) => {
                let dt = now.duration_since(at).as_secs_f64();
                if dt >= 0.5 {
                    let current = bytes.saturating_sub(before) as f64 / dt;
                    self.speed = if self.speed == 0.0 {
                        current
                    } else {
                        0.6 * current + 0.4 * self.speed
                    };
                    self.speed_mark = Some((now, bytes));
                }
            }
        }
        self.bytes = bytes;
    }

    /// The file stopped moving (paused, ended, answered anew): its speed starts again.
    pub(super) fn still(&mut self) {
        self.speed = 0.0;
        self.speed_mark = None;
    }

    /// Whether the row has not ended: waiting, running or paused.
    pub fn is_active(&self) -> bool {
        !matches!(self.status, RowStatus::Ended(_))
    }

    /// Whether the row ended without its file: failed or cancelled.
    pub fn is_not_downloaded(&self) -> bool {
        matches!(
            self.status,
            RowStatus::Ended(OutcomeKind::Failed | OutcomeKind::Cancelled)
        )
    }

    /// The job that downloads this row again.
    pub fn job(&self) -> Option<Job> {
        Some(Job {
            index: self.index,
            url: self.url.parse().ok()?,
            sha256: self.sha256.clone(),
            previous: None,
            name: self.suggested.clone(),
            referer: self.referer.clone(),
        })
    }

    /// Fraction complete, when the size is known.
    pub fn fraction(&self) -> Option<f32> {
        match (self.status, self.total) {
            (RowStatus::Ended(OutcomeKind::Done) | RowStatus::Held(OutcomeKind::Done), _) => {
                Some(1.0)
            }
            (_, Some(0)) => None,
            (_, Some(total)) => Some((self.bytes as f64 / total as f64).min(1.0) as f32),
            (_, None) => None,
        }
    }
}
