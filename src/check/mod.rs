//! A check of the whole list before Start: every link is asked, many at once, what it is —
//! its name, size, type, whether it can be resumed and its version — without downloading it,
//! and each gets a verdict that says what the run would do with it: download it, skip it,
//! fail (not found, a web page, a login), save two links under one name, or meet its expiry
//! first. The total size is weighed against the free space of the save folder's disk.
//!
//! The check asks through the run's own HTTP conversation ([`crate::net::send::get`] with the
//! run's settings: proxy, headers, cookies, logins, redirects), a `HEAD` request, or a `GET`
//! of the first byte where `HEAD` is refused or says too little. Its verdicts reuse the run's
//! own rules: the name (Content-Disposition, then the address), the web-page-for-a-file rule,
//! and the rule that skips what the folder already holds.

pub mod disk;
pub mod expiry;

use std::cell::Cell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};
use reqwest::{Client, Response, StatusCode};
use tokio::sync::Semaphore;

use crate::error::DownloadError;
use crate::finished::{FinishedLog, Saved};
use crate::model::Job;
use crate::net::answer::{self, Ask};
use crate::options::{Existing, RunConfig};

/// A link whose turn may come this long after Start (or later) is said to expire before its
/// turn when its address expires sooner; links among the first the run starts are exempt.
pub const EXPIRY_MARGIN: Duration = Duration::from_secs(15 * 60);

/// What the check learned about one link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCheck {
    /// The link's 1-based index in its list (as [`Job::index`]).
    pub index: usize,
    /// The name it would be saved as (made safe): the answer's, else its address's.
    pub name: Option<String>,
    /// Its size in bytes, when the server said.
    pub size: Option<u64>,
    /// Its type as the server named it (`application/pdf`).
    pub kind: Option<String>,
    /// Whether an interrupted download of it can be continued.
    pub resumable: bool,
    /// Its version (strong ETag, else Last-Modified), when the server named one.
    pub version: Option<String>,
    /// When its signed address expires, if it says.
    pub expires: Option<SystemTime>,
    /// What the run would do with it: `None` downloads it as it is.
    pub verdict: Option<Finding>,
}

impl LinkCheck {
    /// Whether the run would fail this link.
    pub fn will_fail(&self) -> bool {
        self.verdict.as_ref().is_some_and(Finding::fails)
    }

    /// Whether the run would download this link (counted in the total size).
    pub fn downloads(&self) -> bool {
        match &self.verdict {
            None => true,
            Some(finding) => matches!(
                finding,
                Finding::SameName { .. } | Finding::ExpiresBeforeTurn { .. }
            ),
        }
    }
}

/// What the check found about a link that the person should know before Start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Finding {
    /// The server asks for a login the run does not have (or refused it).
    #[error("needs a login: {host} asks for a user name and password")]
    NeedsLogin {
        /// The host that asks.
        host: String,
    },
    /// The server sends a web page (a login or error page) where the name promises a file.
    #[error("the server sends a web page here, not a file")]
    WebPage,
    /// The folder already holds the file this link saved before: the run skips it.
    #[error("already in the folder, will be skipped ({name})")]
    Skipped {
        /// The file's name in the folder.
        name: String,
    },
    /// An earlier link of the list saves a file of the same name: this one is saved beside it
    /// under a numbered name.
    #[error("two links save the same file: {name} (link {first} too)")]
    SameName {
        /// The name both would have.
        name: String,
        /// The 1-based index of the first link of that name.
        first: usize,
    },
    /// The signed address expires before the run may reach it.
    #[error("this link expires at {}, before its turn may come", crate::format::clock(*at))]
    ExpiresBeforeTurn {
        /// When it expires.
        at: SystemTime,
    },
    /// The signed address has expired already.
    #[error("this link expired at {}", crate::format::clock(*at))]
    Expired {
        /// When it expired.
        at: SystemTime,
    },
    /// The run would fail it for this reason (not found, another status, no connection…).
    #[error(transparent)]
    Fails(DownloadError),
}

impl Finding {
    /// Whether the run would fail the link.
    pub fn fails(&self) -> bool {
        matches!(
            self,
            Self::NeedsLogin { .. } | Self::WebPage | Self::Expired { .. } | Self::Fails(_)
        )
    }
}

/// The total the run would download, against the free space of the save folder's disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Space {
    /// The sizes the run would download, of the links whose size is known.
    pub total: u64,
    /// How many links the run would download whose size the server did not say.
    pub unknown: usize,
    /// The free space of the save folder's disk, when known.
    pub free: Option<u64>,
}

impl Space {
    /// Why the files will not fit, if they will not.
    pub fn problem(&self) -> Option<SpaceProblem> {
        let free = self.free?;
        (self.total > free).then_some(SpaceProblem::TooBig {
            need: self.total,
            free,
        })
    }
}

/// Why the list will not fit on the disk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpaceProblem {
    /// The known sizes add up to more than the free space.
    #[error(
        "these files need {} but the save folder's disk has only {} free — free some space or \
         choose another folder",
        crate::format::bytes(*need),
        crate::format::bytes(*free)
    )]
    TooBig {
        /// Bytes the files need.
        need: u64,
        /// Bytes free.
        free: u64,
    },
}

/// What the check of a whole list found: one [`LinkCheck`] per link, in list order, and the
/// space they need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Each link's findings, in the order of the list.
    pub links: Vec<LinkCheck>,
    /// The total size against the free space.
    pub space: Space,
}

impl CheckReport {
    /// Whether the run would fail a link, or the files will not fit.
    pub fn will_fail(&self) -> bool {
        self.links.iter().any(LinkCheck::will_fail) || self.space.problem().is_some()
    }
}

/// How the check measures the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FreeSpace {
    /// Asks the system about the save folder's disk.
    #[default]
    OfFolder,
    /// Takes this many bytes as free (tests and benchmarks: a small disk without filling one).
    Given(u64),
}

/// Checks every link of `jobs` with the run settings `config` — as many at once as the run
/// has workers, at most the run's connections per server — and returns what each will do.
/// `progress` is told, on the calling thread, each time one more link is answered (how many
/// of how many). Nothing is downloaded or written. A cookies file or `.netrc` that cannot be
/// used, or no way to start the network, is the error.
pub fn check_links(
    jobs: &[Job],
    config: &RunConfig,
    free: FreeSpace,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<CheckReport, DownloadError> {
    let mut config = config.clone();
    config.access.load().map_err(DownloadError::Access)?;
    let workers = crate::options::WORKERS.clamp(config.workers);
    let jar = crate::net::cookies::jar(config.access.cookies.as_ref());
    let (runtime, clients) = crate::net::event_loop(&config, &jar, workers)?;
    let finished = FinishedLog::open(config.state_dir.as_deref(), &config.out_dir);
    let config = Arc::new(config);
    let asked = {
        let tasks = tokio::task::LocalSet::new();
        let work = Rc::new(Work {
            jobs: jobs.to_vec(),
            next: Cell::new(0),
            config: Arc::clone(&config),
            client: clients.whole,
            hosts: std::cell::RefCell::new(HashMap::new()),
        });
        runtime.block_on(tasks.run_until(ask_all(&work, workers, &finished, progress)))
    };
    let mut links = asked;
    let now = SystemTime::now();
    // The run starts this many links at once (one in sequential mode).
    judge_list(&mut links, jobs, config.effective_workers(), now);
    let free = match free {
        FreeSpace::OfFolder => disk::free_space(&config.out_dir),
        FreeSpace::Given(bytes) => Some(bytes),
    };
    let space = Space {
        total: links
            .iter()
            .filter(|link| link.downloads())
            .filter_map(|link| link.size)
            .sum(),
        unknown: links
            .iter()
            .filter(|link| link.downloads() && link.size.is_none())
            .count(),
        free,
    };
    Ok(CheckReport { links, space })
}

/// What the check's tasks share on its event loop.
struct Work {
    jobs: Vec<Job>,
    /// The position of the next link to ask.
    next: Cell<usize>,
    config: Arc<RunConfig>,
    client: Client,
    /// The connections to each server at once (the run's limit per server).
    hosts: std::cell::RefCell<HashMap<String, Rc<Semaphore>>>,
}

impl Work {
    /// The gate of `job`'s server.
    fn host_gate(&self, job: &Job) -> Rc<Semaphore> {
        let host = crate::net::hosts::host_of(&job.url);
        let per_host = crate::options::PER_HOST.clamp(self.config.per_host);
        Rc::clone(
            self.hosts
                .borrow_mut()
                .entry(host)
                .or_insert_with(|| Rc::new(Semaphore::new(per_host))),
        )
    }
}

/// Asks every link with `workers` tasks, each taking the next link of the list; returns the
/// answers in list order.
async fn ask_all(
    work: &Rc<Work>,
    workers: usize,
    finished: &FinishedLog,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<LinkCheck> {
    let total = work.jobs.len();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for _ in 0..workers.min(total) {
        let (work, tx) = (Rc::clone(work), tx.clone());
        tokio::task::spawn_local(async move {
            loop {
                let position = work.next.get();
                let Some(job) = work.jobs.get(position) else {
                    break;
                };
                work.next.set(position + 1);
                let gate = work.host_gate(job);
                let _permit = gate.acquire().await;
                let answer = ask_again_if_busy(&work.client, &work.config, job).await;
                if tx.send((position, answer)).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let mut links: Vec<Option<LinkCheck>> = vec![None; total];
    let mut done = 0;
    while let Some((position, answer)) = rx.recv().await {
        let Some(job) = work.jobs.get(position) else {
            continue;
        };
        links[position] = Some(judge(job, answer, &work.config, finished));
        done += 1;
        progress(done, total);
    }
    work.jobs
        .iter()
        .zip(links)
        .map(|(job, link)| {
            link.unwrap_or_else(|| blank(job, Some(Finding::Fails(DownloadError::Stopped))))
        })
        .collect()
}

/// A link's check before anything is known of it.
fn blank(job: &Job, verdict: Option<Finding>) -> LinkCheck {
    LinkCheck {
        index: job.index,
        name: Some(crate::names::sanitize(&crate::names::from_url(&job.url))),
        size: None,
        kind: None,
        resumable: false,
        version: None,
        expires: expiry::expires_at(&job.url),
        verdict,
    }
}

/// What a link's server answered: the status, the headers, where it led, and the length the
/// headers announce.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    /// The answering address (after redirects).
    url: url::Url,
    /// The name the run would save it under (before it is made safe).
    name: String,
    /// Whether the run would take the answer for a web page standing in for a file.
    web_page: bool,
}

/// The longest wait a busy server's `Retry-After` gets before the check asks again.
const MOST_BUSY_WAIT: Duration = Duration::from_secs(5);

/// Asks for `job`, and once more when its server was busy (429 or 503, as the run would
/// retry it), after the wait it asked for (at most [`MOST_BUSY_WAIT`], else one second).
async fn ask_again_if_busy(
    client: &Client,
    config: &RunConfig,
    job: &Job,
) -> Result<Answer, DownloadError> {
    let answer = ask(client, config, job).await?;
    if !matches!(answer.status.as_u16(), 429 | 503) {
        return Ok(answer);
    }
    let wait = answer::retry_after_of(&answer.headers, SystemTime::now())
        .unwrap_or(Duration::from_secs(1))
        .min(MOST_BUSY_WAIT);
    tokio::time::sleep(wait).await;
    ask(client, config, job).await
}

/// Asks for `job`: `HEAD`, and a `GET` of its first byte where `HEAD` is refused or says
/// too little.
async fn ask(client: &Client, config: &RunConfig, job: &Job) -> Result<Answer, DownloadError> {
    let url = &job.url;
    let head = Ask {
        head: true,
        referer: job.referer.as_ref(),
        ..Ask::default()
    };
    let response = crate::net::send::get(client, config, url, url, &head).await?;
    if !head_is_useless(&response) {
        return Ok(answer_of(&response, job));
    }
    drop(response);
    let first_byte = Ask {
        end: Some(1),
        referer: job.referer.as_ref(),
        ..Ask::default()
    };
    let response = crate::net::send::get(client, config, url, url, &first_byte).await?;
    Ok(answer_of(&response, job))
}

/// Whether a `HEAD` answer must be asked again with a `GET`: the server refuses `HEAD`
/// (405, 501; 403 and 400 from servers whose signed links are signed for `GET` only), or
/// answers it without the file's length.
fn head_is_useless(response: &Response) -> bool {
    let status = response.status();
    matches!(status.as_u16(), 400 | 403 | 405 | 501)
        || (status.is_success() && !response.headers().contains_key(CONTENT_LENGTH))
}

/// The parts of an answer the verdict needs.
fn answer_of(response: &Response, job: &Job) -> Answer {
    let name = crate::fetch::attempt::suggested_name(response, job);
    let web_page = crate::fetch::attempt::web_page_for(response, Path::new(&name)).is_some();
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        url: response.url().clone(),
        name,
        web_page,
    }
}

/// The size a `HEAD` answer or a first-byte answer announces.
fn size_of(answer: &Answer) -> Option<u64> {
    if answer.status == StatusCode::PARTIAL_CONTENT {
        return answer::content_range(&answer.headers)?.total;
    }
    answer
        .headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// One link's check from its server's answer, by the run's own rules.
fn judge(
    job: &Job,
    answer: Result<Answer, DownloadError>,
    config: &RunConfig,
    finished: &FinishedLog,
) -> LinkCheck {
    let answer = match answer {
        Ok(answer) => answer,
        Err(err) => return blank(job, Some(Finding::Fails(err))),
    };
    let saved = (config.existing == Existing::Skip)
        .then(|| finished.saved_before(crate::redact::KeptUrl::of(&job.url).as_str()))
        .flatten();
    let mut link = blank(job, None);
    let status = answer.status;
    if !status.is_success() {
        link.verdict = Some(if status == StatusCode::UNAUTHORIZED {
            Finding::NeedsLogin {
                host: crate::redact::host(&answer.url),
            }
        } else {
            Finding::Fails(DownloadError::Status {
                code: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("error").to_owned(),
            })
        });
        return link;
    }
    let size = size_of(&answer);
    let version = answer::version(&answer.headers).map(str::to_owned);
    let name = crate::names::sanitize(&answer.name);
    link.resumable = version.is_some()
        && (status == StatusCode::PARTIAL_CONTENT
            || answer
                .headers
                .get(ACCEPT_RANGES)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"bytes")));
    link.kind = answer
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().filter(|c| !c.is_control()).take(100).collect());
    link.verdict = verdict_of(&answer, size, &name, saved.as_ref(), config);
    (link.size, link.version, link.name) = (size, version, Some(name));
    link
}

/// The verdict on a successful answer: a web page, the file saved before, a file of that name
/// and size already there (as the run decides), or none.
fn verdict_of(
    answer: &Answer,
    size: Option<u64>,
    name: &str,
    saved: Option<&Saved>,
    config: &RunConfig,
) -> Option<Finding> {
    if answer.web_page {
        return Some(Finding::WebPage);
    }
    if let (Some(saved), Some(size)) = (saved, size) {
        if answer::still_has_of(
            StatusCode::OK,
            &answer.headers,
            Some(size),
            saved.size,
            saved.validator.as_deref(),
        ) {
            return Some(Finding::Skipped {
                name: crate::names::display_name(&saved.path),
            });
        }
        return None;
    }
    let there = config.out_dir.join(name);
    if config.existing == Existing::Skip
        && size.is_some_and(|size| crate::finished::same_size_file(&there, size))
    {
        return Some(Finding::Fails(DownloadError::NameTaken {
            name: name.to_owned(),
        }));
    }
    None
}

/// The verdicts that need the whole list: two links of one name, and signed links that expire
/// before their turn (links among the first `workers` start at once).
fn judge_list(links: &mut [LinkCheck], jobs: &[Job], workers: usize, now: SystemTime) {
    let mut first_of: HashMap<String, usize> = HashMap::new();
    for link in links.iter_mut() {
        let Some(name) = link.name.clone().filter(|_| link.verdict.is_none()) else {
            continue;
        };
        match first_of.get(&name.to_lowercase()) {
            Some(first) => {
                link.verdict = Some(Finding::SameName {
                    name,
                    first: *first,
                })
            }
            None => {
                first_of.insert(name.to_lowercase(), link.index);
            }
        }
    }
    for (position, (link, job)) in links.iter_mut().zip(jobs).enumerate() {
        let Some(at) = expiry::expires_at(&job.url) else {
            continue;
        };
        let refused = matches!(
            link.verdict,
            Some(Finding::Fails(DownloadError::Status {
                code: 400..=499,
                ..
            }))
        );
        if at <= now && (link.verdict.is_none() || refused) {
            link.verdict = Some(Finding::Expired { at });
        } else if at < now + EXPIRY_MARGIN && position >= workers && link.verdict.is_none() {
            link.verdict = Some(Finding::ExpiresBeforeTurn { at });
        }
    }
}

#[cfg(test)]
mod tests;
