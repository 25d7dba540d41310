//! Streams one URL to `<name>.part` in bounded chunks and renames it only when the whole body
//! has arrived; retries transient failures; turns every low-level failure into one of the
//! plain sentences of [`DownloadError`].

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use reqwest::header::{
    ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_RANGE, ETAG, IF_RANGE, LAST_MODIFIED, RANGE,
    RETRY_AFTER,
};

use crate::error::{DownloadError, lower_first};
use crate::hash::StreamHasher;
use crate::names::{self, part_path};
use crate::resume;
use crate::run::{Event, ItemRecord, Job, Outcome, RunConfig, Shared, unstarted_record};

/// The most redirects followed for one item.
pub const MAX_REDIRECTS: usize = 10;

/// Bytes read from the network per chunk; memory use does not grow with file size.
const CHUNK: usize = 64 * 1024;

/// Once this much of a file has arrived, a resume note is written so that a later run can
/// continue it; smaller downloads are quicker to fetch again than to keep track of.
const NOTE_AFTER: u64 = 1024 * 1024;

/// Fewer bytes than this in a whole stall-timeout window (30 s by default, so about 34 B/s)
/// is a trickle, not a download: the attempt fails and is retried like a stall.
const MIN_BYTES_PER_WINDOW: u64 = 1024;

/// Why a redirect was refused (carried through reqwest's error chain).
#[derive(Debug, thiserror::Error)]
enum RedirectRefused {
    #[error("too many redirects")]
    TooMany,
    #[error("redirect to {0}")]
    Scheme(String),
}

/// Builds the one client a run shares: keep-alive pool sized to the workers, rustls, timeouts,
/// Downpour's User-Agent and at most [`MAX_REDIRECTS`] redirects to http(s) only.
pub(crate) fn build_client(config: &RunConfig, workers: usize) -> Result<Client, DownloadError> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error(RedirectRefused::TooMany)
        } else if !matches!(attempt.url().scheme(), "http" | "https") {
            let target = attempt.url().to_string();
            attempt.error(RedirectRefused::Scheme(target))
        } else {
            attempt.follow()
        }
    });
    Client::builder()
        .user_agent(crate::USER_AGENT)
        .connect_timeout(config.connect_timeout)
        // In the blocking client this bounds every wait: for the answer and for each read.
        .timeout(config.stall_timeout)
        .pool_max_idle_per_host(workers.max(1))
        .tcp_nodelay(true)
        .redirect(policy)
        .build()
        .map_err(|err| DownloadError::Network(lower_first(&err.to_string())))
}

/// Why an attempt stopped short.
enum Stop {
    Cancelled,
    Failed(DownloadError, Option<Duration>),
}

/// What is known about an item across its attempts.
struct Progress {
    path: Option<PathBuf>,
    bytes: u64,
    total: Option<u64>,
    first_byte_ms: Option<u64>,
    /// The ETag (or Last-Modified) of the answer, for `If-Range` on a resumed attempt.
    validator: Option<String>,
    /// Whether the server said it accepts byte ranges.
    ranges: bool,
    /// The SHA-256 of the bytes in the `.part` file so far.
    hasher: StreamHasher,
    /// The `.part` file came from an earlier run: its bytes are not in `hasher` yet.
    from_earlier_run: bool,
    /// A resume note beside the `.part` file records this version (see [`crate::resume`]).
    noted: bool,
}

/// Downloads one job to the end — done, failed or cancelled — and returns its record.
pub(crate) fn run_item(shared: &Shared, job: &Job) -> ItemRecord {
    if shared.cancelled() {
        return unstarted_record(job, Outcome::Cancelled, shared.now_ms());
    }
    let worker = rayon::current_thread_index().map_or(1, |i| i + 1);
    let started_ms = shared.now_ms();
    shared.sink.send(Event::ItemStarted {
        index: job.index,
        worker,
        at_ms: started_ms,
    });
    let mut progress = Progress {
        path: None,
        bytes: 0,
        total: None,
        first_byte_ms: None,
        validator: None,
        ranges: false,
        hasher: StreamHasher::new(),
        from_earlier_run: false,
        noted: false,
    };
    if let Some(left) = shared.leftovers.take(job.url.as_str())
        && shared.names.claim(&left.path)
    {
        // An earlier run left part of this file: continue it if the server still has it.
        progress.path = Some(left.path);
        progress.validator = Some(left.validator);
        progress.total = left.total;
        progress.ranges = true;
        progress.from_earlier_run = true;
        progress.noted = true;
    }
    let mut retries = 0;
    let outcome = loop {
        match attempt(shared, job, &mut progress) {
            Ok(()) => break Outcome::Done,
            Err(Stop::Cancelled) => break Outcome::Cancelled,
            Err(Stop::Failed(err, retry_after)) => {
                if !err.is_transient() || retries >= shared.config.retries {
                    break Outcome::Failed(err);
                }
                retries += 1;
                shared.sink.send(Event::Retrying {
                    index: job.index,
                    attempt: retries,
                    of: shared.config.retries,
                    reason: err,
                });
                let pause = retry_after.unwrap_or_else(|| backoff(&shared.config, retries, job));
                if !sleep_unless_cancelled(shared, pause) {
                    break Outcome::Cancelled;
                }
            }
        }
    };
    if outcome == Outcome::Failed(DownloadError::DiskFull) {
        // Every other download would hit the same wall: stop the run cleanly.
        shared
            .cancel
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
    if outcome != Outcome::Done
        && let Some(path) = &progress.path
    {
        // A cancelled or interrupted download with a resume note stays for the next run;
        // anything else partial is removed.
        let resumable = match &outcome {
            Outcome::Cancelled => true,
            Outcome::Failed(err) => err.is_transient(),
            Outcome::Done => false,
        };
        if !(resumable && progress.noted) {
            resume::discard(path);
        }
        shared.names.release(path);
    }
    let part = progress.path.as_deref().map(part_path);
    let record = ItemRecord {
        index: job.index,
        url: job.url.to_string(),
        path: progress.path,
        bytes: progress.bytes,
        total: progress.total,
        worker,
        started_ms,
        first_byte_ms: progress.first_byte_ms,
        finished_ms: shared.now_ms(),
        reported_ms: 0,
        retries,
        sha256: None,
        outcome,
    };
    match (record.outcome == Outcome::Done, part) {
        (true, Some(part)) => {
            let digest = progress.hasher.finish();
            verify_and_finalize(shared, record, &part, digest, job.sha256.as_deref())
        }
        _ => record,
    }
}

/// Checks the complete `.part` file's SHA-256 (`actual`) against the expected one and moves
/// it to its final name — or, on a mismatch, to `<name>.corrupt`, never to the final name.
fn verify_and_finalize(
    shared: &Shared,
    mut record: ItemRecord,
    part: &Path,
    actual: String,
    expected: Option<&str>,
) -> ItemRecord {
    let Some(path) = record.path.clone() else {
        return record;
    };
    resume::forget(&path);
    let fail = |mut record: ItemRecord, err: DownloadError| {
        let _ = std::fs::remove_file(part);
        shared.names.release(&path);
        record.outcome = Outcome::Failed(err);
        record
    };
    record.sha256 = Some(actual.clone());
    if let Some(expected) = expected
        && !expected.eq_ignore_ascii_case(&actual)
    {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let corrupt = shared.names.reserve(&format!("{name}.corrupt"));
        shared.names.release(&path);
        let kept = shared.names.finalize(part, &corrupt);
        record.path = kept.ok();
        record.outcome = Outcome::Failed(DownloadError::ChecksumMismatch {
            expected: expected.to_ascii_lowercase(),
            actual,
        });
        return record;
    }
    if shared.cancelled() {
        let _ = std::fs::remove_file(part);
        shared.names.release(&path);
        record.outcome = Outcome::Cancelled;
        return record;
    }
    match shared.names.finalize(part, &path) {
        Ok(saved) => {
            record.path = Some(saved);
            record
        }
        Err(err) => fail(record, DownloadError::from_io(&path, &err)),
    }
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

/// Sleeps in short slices; false if the run was cancelled meanwhile.
fn sleep_unless_cancelled(shared: &Shared, pause: Duration) -> bool {
    let until = Instant::now() + pause;
    while Instant::now() < until {
        if shared.cancelled() {
            return false;
        }
        std::thread::sleep((until - Instant::now()).min(Duration::from_millis(50)));
    }
    !shared.cancelled()
}

fn attempt(shared: &Shared, job: &Job, progress: &mut Progress) -> Result<(), Stop> {
    let client = shared
        .client
        .as_ref()
        .map_err(|err| Stop::Failed(err.clone(), None))?;
    let host = job.url.host_str().unwrap_or_default().to_owned();
    // A retry continues the `.part` file when the server can send the rest of the same version.
    let resume_from = match (&progress.path, &progress.validator) {
        (Some(path), Some(_)) if progress.ranges => std::fs::metadata(part_path(path))
            .map(|m| m.len())
            .unwrap_or(0),
        _ => 0,
    };
    // A `.part` file as long as the whole (or longer) cannot be continued: start over.
    let resume_from = match progress.total {
        Some(total) if resume_from >= total => 0,
        _ => resume_from,
    };
    let mut request = client.get(job.url.clone());
    if resume_from > 0
        && let Some(validator) = &progress.validator
    {
        request = request
            .header(RANGE, format!("bytes={resume_from}-"))
            .header(IF_RANGE, validator.as_str());
    }
    let mut response = request
        .send()
        .map_err(|err| Stop::Failed(request_error(&err, &host, &shared.config), None))?;
    if shared.cancelled() {
        return Err(Stop::Cancelled);
    }
    progress.first_byte_ms = Some(shared.now_ms());
    let status = response.status();
    if status == StatusCode::RANGE_NOT_SATISFIABLE && resume_from > 0 {
        // The file on the server is shorter now: drop the old part and start over.
        progress.validator = None;
        if let Some(path) = &progress.path {
            resume::forget(path);
        }
        progress.noted = false;
        return Err(Stop::Failed(
            DownloadError::Network("the server could not continue the partial file".into()),
            None,
        ));
    }
    if !status.is_success() {
        let retry_after = retry_after(&response);
        return Err(Stop::Failed(
            DownloadError::Status {
                code: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("error").to_owned(),
            },
            retry_after,
        ));
    }
    let resumed = resume_from > 0
        && status == StatusCode::PARTIAL_CONTENT
        && content_range_start(&response) == Some(resume_from);
    if status == StatusCode::PARTIAL_CONTENT && !resumed {
        // A range we did not ask for (or a wrong one): take it as a failure and start over.
        progress.validator = None;
        return Err(Stop::Failed(
            DownloadError::Network("the server sent an unexpected part of the file".into()),
            None,
        ));
    }
    let headers = response.headers();
    progress.ranges = headers
        .get(ACCEPT_RANGES)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"bytes"))
        || resumed;
    progress.validator = headers
        .get(ETAG)
        .filter(|v| !v.as_bytes().starts_with(b"W/"))
        .or_else(|| headers.get(LAST_MODIFIED))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if !resumed {
        progress.hasher = StreamHasher::new();
        progress.from_earlier_run = false;
    }
    if resumed {
        progress.bytes = resume_from;
        progress.total = response.content_length().map(|rest| rest + resume_from);
    } else {
        progress.bytes = 0;
        progress.total = response.content_length();
    }
    let path = match &progress.path {
        Some(path) => path.clone(),
        None => {
            let path = shared.names.reserve(&suggested_name(&response, job));
            progress.path = Some(path.clone());
            path
        }
    };
    shared.sink.send(Event::ItemResponded {
        index: job.index,
        path: path.clone(),
        total: progress.total,
    });
    let part = part_path(&path);
    if !resumed && progress.noted {
        resume::forget(&path);
        progress.noted = false;
    }
    if resumed && progress.from_earlier_run {
        // The SHA-256 covers the whole file: first the bytes the earlier run saved.
        resume::hash_prefix(&part, resume_from, &progress.hasher)
            .map_err(|err| Stop::Failed(DownloadError::from_io(&part, &err), None))?;
        progress.from_earlier_run = false;
    }
    let opened = if resumed {
        std::fs::OpenOptions::new().append(true).open(&part)
    } else {
        File::create(&part)
    };
    let mut file = opened.map_err(|err| Stop::Failed(DownloadError::from_io(&part, &err), None))?;
    stream_body(shared, job, &mut response, &mut file, &part, progress)?;
    file.flush()
        .map_err(|err| Stop::Failed(DownloadError::from_io(&part, &err), None))?;
    drop(file);
    if shared.cancelled() {
        return Err(Stop::Cancelled);
    }
    Ok(())
}

/// The first byte position of a 206 answer's Content-Range.
fn content_range_start(response: &Response) -> Option<u64> {
    let value = response.headers().get(CONTENT_RANGE)?.to_str().ok()?;
    let range = value.strip_prefix("bytes ")?;
    range.split('-').next()?.trim().parse().ok()
}

fn stream_body(
    shared: &Shared,
    job: &Job,
    response: &mut Response,
    file: &mut File,
    part: &Path,
    progress: &mut Progress,
) -> Result<(), Stop> {
    let mut buf = vec![0u8; CHUNK];
    let mut last_event = Instant::now();
    let mut window = (Instant::now(), progress.bytes);
    loop {
        if shared.cancelled() {
            return Err(Stop::Cancelled);
        }
        let n = match response.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => {
                return Err(Stop::Failed(
                    read_error(&err, progress, &shared.config),
                    None,
                ));
            }
        };
        file.write_all(&buf[..n])
            .map_err(|err| Stop::Failed(DownloadError::from_io(part, &err), None))?;
        progress.hasher.push(&buf[..n]);
        progress.bytes += n as u64;
        if !progress.noted
            && progress.bytes >= NOTE_AFTER
            && progress.ranges
            && let (Some(validator), Some(path)) = (&progress.validator, &progress.path)
        {
            resume::write_note(path, job.url.as_str(), validator, progress.total);
            progress.noted = true;
        }
        if window.0.elapsed() >= shared.config.stall_timeout {
            let got = progress.bytes - window.1;
            if got < MIN_BYTES_PER_WINDOW {
                return Err(Stop::Failed(
                    DownloadError::TooSlow {
                        bytes: got,
                        secs: shared.config.stall_timeout.as_secs_f64().round().max(1.0) as u64,
                    },
                    None,
                ));
            }
            window = (Instant::now(), progress.bytes);
        }
        if last_event.elapsed() >= shared.config.progress_interval {
            last_event = Instant::now();
            shared.sink.send(Event::Progress {
                index: job.index,
                bytes: progress.bytes,
            });
        }
    }
    if let Some(total) = progress.total
        && progress.bytes < total
    {
        return Err(Stop::Failed(
            DownloadError::Truncated {
                got: progress.bytes,
                expected: Some(total),
            },
            None,
        ));
    }
    shared.sink.send(Event::Progress {
        index: job.index,
        bytes: progress.bytes,
    });
    Ok(())
}

/// The name for the file: Content-Disposition first, else the final URL (after redirects).
fn suggested_name(response: &Response, job: &Job) -> String {
    response
        .headers()
        .get(CONTENT_DISPOSITION)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .and_then(|value| names::from_content_disposition(&value))
        .unwrap_or_else(|| {
            let url = response.url();
            if url
                .path_segments()
                .is_some_and(|mut s| s.any(|s| !s.is_empty()))
            {
                names::from_url(url)
            } else {
                names::from_url(&job.url)
            }
        })
}

fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    let secs: u64 = value.trim().parse().ok()?;
    Some(Duration::from_secs(secs.min(60)))
}

/// The whole error chain as lower-case text, for recognising causes reqwest does not type.
fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut current = Some(err);
    while let Some(e) = current {
        text.push_str(&e.to_string().to_lowercase());
        text.push_str(" | ");
        current = e.source();
    }
    text
}

fn find_cause<'a, T: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

fn request_error(err: &reqwest::Error, host: &str, config: &RunConfig) -> DownloadError {
    if let Some(refused) = find_cause::<RedirectRefused>(err) {
        return match refused {
            RedirectRefused::TooMany => DownloadError::TooManyRedirects { max: MAX_REDIRECTS },
            RedirectRefused::Scheme(target) => DownloadError::BadRedirect {
                target: target.clone(),
            },
        };
    }
    let text = chain_text(err);
    let host = host.to_owned();
    if text.contains("dns error")
        || text.contains("failed to lookup")
        || text.contains("name or service not known")
    {
        return DownloadError::UnknownHost { host };
    }
    if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
        let reason = if text.contains("unknownissuer") || text.contains("unknown issuer") {
            "the certificate is not from a trusted authority"
        } else if text.contains("expired") {
            "the certificate has expired"
        } else if text.contains("notvalidforname") || text.contains("not valid for") {
            "the certificate belongs to another server"
        } else {
            "the certificate was not accepted"
        };
        return DownloadError::Tls {
            host,
            reason: reason.to_owned(),
        };
    }
    if err.is_timeout() {
        let secs = if err.is_connect() {
            config.connect_timeout
        } else {
            config.stall_timeout
        };
        return DownloadError::NoAnswer {
            secs: secs.as_secs().max(1),
        };
    }
    if err.is_connect() {
        let reason = if let Some(io) = find_cause::<std::io::Error>(err) {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
                std::io::ErrorKind::TimedOut => "the connection timed out".to_owned(),
                _ => lower_first(&io.to_string()),
            }
        } else if text.contains("refused") {
            "connection refused".to_owned()
        } else {
            "the connection failed".to_owned()
        };
        return DownloadError::Connect { host, reason };
    }
    if text.contains("connection closed") || text.contains("reset") || text.contains("incomplete") {
        return DownloadError::Network("the server closed the connection without answering".into());
    }
    DownloadError::Network(lower_first(&err.to_string()))
}

fn read_error(err: &std::io::Error, progress: &Progress, config: &RunConfig) -> DownloadError {
    let timed_out =
        err.kind() == std::io::ErrorKind::TimedOut || chain_text(err).contains("timed out");
    if timed_out {
        DownloadError::Stalled {
            secs: config.stall_timeout.as_secs_f64().round().max(1.0) as u64,
        }
    } else {
        DownloadError::Truncated {
            got: progress.bytes,
            expected: progress.total,
        }
    }
}
