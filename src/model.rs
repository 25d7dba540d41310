//! The engine's data model — modes, jobs, outcomes, item records and the one event enum —
//! shared by the scheduler (`run`), the downloads (`fetch`) and every front end, so that none
//! of them has to import another to speak about an item.

use std::path::PathBuf;
use std::sync::{Arc, mpsc};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::DownloadError;
use crate::urls::UrlEntry;

/// How a batch is run. Every behaviour that depends on the mode is an exhaustive `match` in
/// the methods below, so a new mode does not compile until each one is decided.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One download at a time, in input order.
    Sequential,
    /// N workers; each result is reported the moment it finishes (like `as_completed`).
    #[default]
    Submit,
    /// N workers; results are reported strictly in input order (like `executor.map`).
    Map,
}

/// The order in which a mode reports results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportOrder {
    /// Each result as soon as its item ends.
    Completion,
    /// Result k only after results 1..k-1.
    Input,
}

impl Mode {
    /// Every mode, in the order they are presented (derived, so it cannot miss one).
    pub fn all() -> &'static [Mode] {
        <Mode as clap::ValueEnum>::value_variants()
    }

    /// The name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Submit => "submit",
            Mode::Map => "map",
        }
    }

    /// Parses a command-line name (`sequential`, `submit` or `map`), ignoring case.
    pub fn parse(text: &str) -> Option<Mode> {
        Mode::all()
            .iter()
            .copied()
            .find(|m| m.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The order in which this mode reports results.
    pub fn report_order(self) -> ReportOrder {
        match self {
            Mode::Sequential | Mode::Map => ReportOrder::Input,
            Mode::Submit => ReportOrder::Completion,
        }
    }

    /// Whether idle workers may help a big file over more connections. Sequential stays one
    /// connection at a time: it is the baseline the others are compared with.
    pub fn splits(self) -> bool {
        match self {
            Mode::Sequential => false,
            Mode::Submit | Mode::Map => true,
        }
    }

    /// Whether several downloads run at once (the workers the person asked for), or one.
    pub fn parallel(self) -> bool {
        match self {
            Mode::Sequential => false,
            Mode::Submit | Mode::Map => true,
        }
    }

    /// Whether this is the mode the others are compared with (the speedup's baseline).
    pub fn is_baseline(self) -> bool {
        match self {
            Mode::Sequential => true,
            Mode::Submit | Mode::Map => false,
        }
    }
}

/// One URL to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The item's 1-based index in its list.
    pub index: usize,
    /// The address (it may hold a password: show it only through [`crate::redact`]).
    pub url: Url,
    /// The expected SHA-256 (lower-case hex), if known.
    pub sha256: Option<String>,
    /// The address the item was downloading before the person gave it this one (Change
    /// address): the partial file of that address is continued from this one only if this one
    /// proves to serve the same file (else the item fails with
    /// [`DownloadError::NotSameFile`] and its partial file stays).
    pub previous: Option<crate::redact::KeptUrl>,
    /// The file name the page the link came from suggests (its `download` attribute): it
    /// wins over the server's, as in browsers, and is made safe as any name is (one name
    /// inside the folder, never a path).
    pub name: Option<String>,
    /// The page the link came from (a web page read with From a web page…, or the page a
    /// browser handed it from): sent as its Referer, instead of the run's, on every request
    /// for this item.
    pub referer: Option<Url>,
}

impl From<&UrlEntry> for Job {
    fn from(entry: &UrlEntry) -> Self {
        Self {
            index: entry.index,
            url: entry.url.clone(),
            sha256: entry.sha256.clone(),
            previous: None,
            name: None,
            referer: None,
        }
    }
}

/// How an item ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The file is complete under its final name.
    Done,
    /// The item failed; the error says why.
    Failed(DownloadError),
    /// The item was stopped before it completed: by the person (`None`), or because another
    /// item met a failure that every download would meet (a full disk).
    Cancelled(Option<DownloadError>),
    /// The folder already holds this file (the one this URL saved before, or one of that name
    /// and the size the server announces): nothing was downloaded. It counts as success.
    Skipped,
}

/// The kind of an [`Outcome`] without its details: the one vocabulary of rows, results, chart
/// bars and legends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutcomeKind {
    /// Complete.
    Done,
    /// Failed.
    Failed,
    /// Cancelled.
    Cancelled,
    /// Already there.
    Skipped,
}

impl OutcomeKind {
    /// Every kind, in the order charts and summaries list them.
    pub const ALL: [OutcomeKind; 4] = [
        OutcomeKind::Done,
        OutcomeKind::Skipped,
        OutcomeKind::Failed,
        OutcomeKind::Cancelled,
    ];

    /// `done`, `failed` or `cancelled`: the word in the CLI's lines and the reports.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Done => "done",
            OutcomeKind::Failed => "failed",
            OutcomeKind::Cancelled => "cancelled",
            OutcomeKind::Skipped => "skipped",
        }
    }

    /// Whether the item's file is there.
    pub fn is_success(self) -> bool {
        match self {
            OutcomeKind::Done | OutcomeKind::Skipped => true,
            OutcomeKind::Failed | OutcomeKind::Cancelled => false,
        }
    }
}

impl Outcome {
    /// What kind of end this is.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Done => OutcomeKind::Done,
            Outcome::Failed(_) => OutcomeKind::Failed,
            Outcome::Cancelled(_) => OutcomeKind::Cancelled,
            Outcome::Skipped => OutcomeKind::Skipped,
        }
    }

    /// The error, if the item failed, or why it was cancelled if not by the person.
    pub fn error(&self) -> Option<&DownloadError> {
        match self {
            Outcome::Failed(err) | Outcome::Cancelled(Some(err)) => Some(err),
            Outcome::Done | Outcome::Skipped | Outcome::Cancelled(None) => None,
        }
    }
}

/// Everything recorded about one item. Times are milliseconds since the run began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRecord {
    /// The item's 1-based index.
    pub index: usize,
    /// The address as it may be shown (any password replaced by `***`).
    pub url: String,
    /// Where the file was (or would have been) saved.
    pub path: Option<PathBuf>,
    /// Bytes written.
    pub bytes: u64,
    /// The announced size, when the server gave one.
    pub total: Option<u64>,
    /// The 1-based worker that ran it (0 if it never started).
    pub worker: usize,
    /// When a worker picked it up.
    pub started_ms: u64,
    /// When the answer's headers arrived.
    pub first_byte_ms: Option<u64>,
    /// When the download ended.
    pub finished_ms: u64,
    /// When the run reported it (later than `finished_ms` when map mode held it back).
    pub reported_ms: u64,
    /// How many times it was retried.
    pub retries: u32,
    /// The SHA-256 of the complete file (lower-case hex), once computed.
    pub sha256: Option<String>,
    /// Done, failed, cancelled or skipped.
    pub outcome: Outcome,
    /// When the file was fetched over several connections: who fetched which bytes when
    /// (empty for a file fetched over one).
    pub pieces: Vec<Piece>,
    /// What is odd about the file, if anything.
    pub warning: Option<Warning>,
    /// The HTTP version the file's first answer came over, once the server answered.
    pub protocol: Option<Protocol>,
}

/// The HTTP version of an answer: HTTP/2 where the server offered it for a whole file,
/// HTTP/1.1 for the pieces of a split file and where the server speaks nothing newer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// HTTP/1.0.
    Http10,
    /// HTTP/1.1.
    Http11,
    /// HTTP/2.
    Http2,
    /// HTTP/3.
    Http3,
}

impl Protocol {
    /// The version of `response`'s answer (`None` for HTTP/0.9, which reqwest never gives).
    pub(crate) fn of(version: reqwest::Version) -> Option<Self> {
        match version {
            reqwest::Version::HTTP_10 => Some(Self::Http10),
            reqwest::Version::HTTP_11 => Some(Self::Http11),
            reqwest::Version::HTTP_2 => Some(Self::Http2),
            reqwest::Version::HTTP_3 => Some(Self::Http3),
            _ => None,
        }
    }

    /// As HTTP names it: `HTTP/1.1`, `HTTP/2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http10 => "HTTP/1.0",
            Self::Http11 => "HTTP/1.1",
            Self::Http2 => "HTTP/2",
            Self::Http3 => "HTTP/3",
        }
    }
}

/// One connection's share of a file fetched over several. Times are milliseconds since the
/// run began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Piece {
    /// The 1-based worker whose connection it was.
    pub worker: usize,
    /// The first byte it fetched.
    pub start: u64,
    /// One past the last byte it fetched.
    pub end: u64,
    /// When it began.
    pub started_ms: u64,
    /// When it ended.
    pub finished_ms: u64,
}

/// Something about a download worth a word, though it did not fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Warning {
    /// The server sent a web page for a name that promises another kind of file: a login
    /// page or an error page, most likely.
    #[error(
        "the server sent a web page, not {name} — the link may need a login or may have expired"
    )]
    WebPage {
        /// The name the file was to have.
        name: String,
    },
}

/// Why a file is fetched over one connection only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneConnection {
    /// Sequential mode downloads one thing at a time.
    Sequential,
    /// The person set one connection per file.
    SplitOff,
    /// The file is too small to be worth splitting.
    TooSmall,
    /// The server did not say how big the file is.
    UnknownSize,
    /// The server does not send parts of files.
    NoRanges,
    /// The server names no version of the file, so parts could mix two versions.
    NoVersion,
}

impl ItemRecord {
    /// A record for an item that never ran (or was abandoned), ending at `at_ms`.
    pub fn unstarted(job: &Job, outcome: Outcome, at_ms: u64) -> Self {
        Self {
            index: job.index,
            url: crate::redact::url(&job.url),
            path: None,
            bytes: 0,
            total: None,
            worker: 0,
            started_ms: at_ms,
            first_byte_ms: None,
            finished_ms: at_ms,
            reported_ms: at_ms,
            retries: 0,
            sha256: None,
            outcome,
            pieces: Vec::new(),
            warning: None,
            protocol: None,
        }
    }

    /// The saved file's name, for display (empty if it never got one).
    pub fn file_name(&self) -> String {
        self.path
            .as_deref()
            .map(crate::names::display_name)
            .unwrap_or_default()
    }

    /// How long the download took, in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        self.finished_ms.saturating_sub(self.started_ms)
    }
}

/// What the engine tells the window or the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The run began.
    RunStarted {
        /// Number of items.
        total: usize,
        /// The mode.
        mode: Mode,
        /// Workers (downloads at once) in use.
        workers: usize,
    },
    /// A worker picked up an item.
    ItemStarted {
        /// The item.
        index: usize,
        /// The 1-based worker.
        worker: usize,
        /// Milliseconds since the run began.
        at_ms: u64,
    },
    /// The server answered; the file's name and size are known.
    ItemResponded {
        /// The item.
        index: usize,
        /// The final path reserved for the file.
        path: PathBuf,
        /// The announced size.
        total: Option<u64>,
        /// Bytes already on disk that this answer continues (a resumed `.part` file), else 0;
        /// they count as done but not toward the speed.
        resumed_from: u64,
        /// Why the file stays on one connection, if it does.
        one_connection: Option<OneConnection>,
        /// What is odd about the answer, if anything.
        warning: Option<Warning>,
        /// The HTTP version the answer came over.
        protocol: Option<Protocol>,
    },
    /// The number of connections fetching a file changed.
    Connections {
        /// The item.
        index: usize,
        /// Connections now.
        count: usize,
    },
    /// Bytes arrived (at most one event per item per `progress_interval`).
    Progress {
        /// The item.
        index: usize,
        /// Bytes written so far.
        bytes: u64,
    },
    /// The person paused the item: its download stopped, and its partial file waits to be
    /// continued. It is not reported: it ends later, when resumed, or cancelled.
    ItemPaused {
        /// The item.
        index: usize,
        /// Bytes of it kept.
        bytes: u64,
    },
    /// A paused item waits for a worker again.
    ItemResumed {
        /// The item.
        index: usize,
    },
    /// A server refused a connection while Downpour held several to it: from now on it gets
    /// at most `connections` at a time.
    ServerLimit {
        /// The item whose connection was refused.
        index: usize,
        /// The server (its name and port).
        host: String,
        /// The most connections it now gets at once.
        connections: usize,
        /// Whether the item went back to the queue, to wait for its server's room.
        waits: bool,
    },
    /// A transient failure; the item will be tried again.
    Retrying {
        /// The item.
        index: usize,
        /// Which retry comes next (1-based).
        attempt: u32,
        /// The retry limit.
        of: u32,
        /// What went wrong.
        reason: DownloadError,
        /// The wait before it that the server asked for (`Retry-After`), in milliseconds.
        server_wait_ms: Option<u64>,
    },
    /// In input order (map): the item ended, and waits until every item before it is
    /// reported; its `ItemReported` follows then. Not an end of its own.
    ItemHeld {
        /// The item.
        index: usize,
        /// How it ended.
        outcome: OutcomeKind,
        /// When it ended, in milliseconds since the run began.
        finished_ms: u64,
    },
    /// The item ended and is reported, in the order the mode dictates.
    ItemReported(ItemRecord),
    /// A site asks for a user name and password the run does not have: the person is asked,
    /// and answers through [`crate::run::RunHandle::answer_login`]; that site's downloads
    /// wait meanwhile.
    LoginWanted(crate::net::asking::LoginQuestion),
    /// Every item has been reported.
    RunFinished {
        /// Milliseconds from start to the last report.
        elapsed_ms: u64,
    },
}

/// Where events go: a channel plus an optional waker (a GUI's `request_repaint`).
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::Sender<Event>,
    waker: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl EventSink {
    /// A sink that sends into `tx`.
    pub fn new(tx: mpsc::Sender<Event>) -> Self {
        Self { tx, waker: None }
    }

    /// Also calls `waker` after every event.
    pub fn with_waker(mut self, waker: impl Fn() + Send + Sync + 'static) -> Self {
        self.waker = Some(Arc::new(waker));
        self
    }

    /// Sends one event and wakes the receiver. A closed receiver is not an error: nobody is
    /// listening any more.
    pub fn send(&self, event: Event) {
        if self.tx.send(event).is_ok()
            && let Some(wake) = &self.waker
        {
            wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_is_listed_and_parsed_by_its_name() {
        assert_eq!(Mode::all(), [Mode::Sequential, Mode::Submit, Mode::Map]);
        for &mode in Mode::all() {
            assert_eq!(Mode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(Mode::parse(" MAP "), Some(Mode::Map));
        assert_eq!(Mode::parse("fast"), None);
    }

    #[test]
    fn modes_decide_order_and_workers() {
        assert_eq!(Mode::Submit.report_order(), ReportOrder::Completion);
        assert_eq!(Mode::Map.report_order(), ReportOrder::Input);
        assert_eq!(Mode::Sequential.report_order(), ReportOrder::Input);
        assert!(!Mode::Sequential.parallel() && Mode::Map.parallel() && Mode::Submit.parallel());
        assert!(!Mode::Sequential.splits() && Mode::Map.splits() && Mode::Submit.splits());
    }
}
