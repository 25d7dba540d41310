//! Streams one URL to `<name>.part` in bounded chunks and renames it only when the whole body
//! has arrived (a small file streams into a file without a name, named when complete);
//! retries transient failures; turns every low-level failure into one of the plain sentences
//! of [`DownloadError`].

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{
    ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_RANGE, ETAG, IF_RANGE, LAST_MODIFIED, RANGE,
    RETRY_AFTER,
};
use reqwest::{Client, Response, StatusCode};

use crate::error::{DownloadError, lower_first};
use crate::hash::StreamHasher;
use crate::names::{self, part_path};
use crate::resume;
use crate::run::{Event, ItemRecord, Job, Outcome, RunConfig, Shared, unstarted_record};

/// The most redirects followed for one item.
pub const MAX_REDIRECTS: usize = 10;

/// Once this much of a file has arrived, a resume note is written so that a later run can
/// continue it; smaller downloads are quicker to fetch again than to keep track of.
const NOTE_AFTER: u64 = 1024 * 1024;

/// Files up to this size (by Content-Length) are written to a file without a name, which gets
/// its name when complete: such a file arrives in a moment and is never resumed (it stays
/// under [`NOTE_AFTER`]), so a `.part` name would only cost a second directory operation.
const UNNAMED_UP_TO: u64 = 256 * 1024;

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

/// One event-loop thread's HTTP machinery: a single-threaded async runtime that the thread
/// drives itself, and a client whose keep-alive connections (one per worker slot and host)
/// live on that runtime. There is no separate I/O thread, so a body chunk goes from the socket
/// to the file and the hasher without a hand-over between threads or a copy.
pub(crate) fn event_loop(
    config: &RunConfig,
    slots: usize,
) -> Result<(tokio::runtime::Runtime, Client), DownloadError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        // The only threads this runtime starts: host-name lookups (blocking getaddrinfo).
        .thread_name("downpour-resolve")
        .build()
        .map_err(|err| DownloadError::Network(format!("could not start the network: {err}")))?;
    Ok((runtime, build_client(config, slots)?))
}

/// Builds an event loop's client: a keep-alive connection per host for each of its `slots`
/// (a slot downloads one item at a time), rustls, timeouts, Downpour's User-Agent and at most
/// [`MAX_REDIRECTS`] redirects to http(s) only.
fn build_client(config: &RunConfig, slots: usize) -> Result<Client, DownloadError> {
    let tls = tls_config()?;
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
        // Bounds every wait for the network: for the answer and for each piece of the body.
        .read_timeout(config.stall_timeout)
        .pool_max_idle_per_host(slots.max(1))
        .tls_backend_preconfigured(tls)
        .tcp_nodelay(true)
        .redirect(policy)
        .build()
        .map_err(|err| DownloadError::Network(lower_first(&err.to_string())))
}

/// The process's one TLS set-up: the system's trusted roots through the platform verifier
/// (as reqwest's own rustls default), TLS 1.2 and 1.3, HTTP/1.1. Built once, cloned per
/// client (the clone shares the verifier).
fn tls_config() -> Result<rustls::ClientConfig, DownloadError> {
    tls_setup()
        .clone()
        .map_err(|err| DownloadError::Network(format!("secure connections are unavailable: {err}")))
}

/// Reads the system's trusted certificates on a background thread (`downpour-tls`), so that
/// the first secure connection does not wait for those milliseconds of parsing. Optional:
/// without it, the first certificate check does the work; plain http never needs it.
pub fn prepare_tls() {
    let _ = std::thread::Builder::new()
        .name("downpour-tls".into())
        .spawn(|| {
            let _ = platform_verifier();
        });
}

/// The shared TLS set-up, built on first use. It reads no certificate: see [`LazyVerifier`].
fn tls_setup() -> &'static Result<rustls::ClientConfig, String> {
    static TLS: OnceLock<Result<rustls::ClientConfig, String>> = OnceLock::new();
    TLS.get_or_init(|| {
        let provider = Arc::clone(crypto_provider());
        let verifier = LazyVerifier {
            provider: Arc::clone(&provider),
        };
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|err| err.to_string())?
            .dangerous() // Not dangerous: the platform's own certificate check, see LazyVerifier.
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(tls)
    })
}

/// The process's cryptography (aws-lc-rs).
fn crypto_provider() -> &'static Arc<rustls::crypto::CryptoProvider> {
    static PROVIDER: OnceLock<Arc<rustls::crypto::CryptoProvider>> = OnceLock::new();
    PROVIDER.get_or_init(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

/// The platform's certificate verifier with the system's trusted roots, read once, on first
/// use (or ahead of it by [`prepare_tls`]).
fn platform_verifier() -> Result<&'static rustls_platform_verifier::Verifier, rustls::Error> {
    static VERIFIER: OnceLock<Result<rustls_platform_verifier::Verifier, String>> = OnceLock::new();
    VERIFIER
        .get_or_init(|| {
            rustls_platform_verifier::Verifier::new(Arc::clone(crypto_provider()))
                .map_err(|err| err.to_string())
        })
        .as_ref()
        .map_err(|err| rustls::Error::General(format!("{NO_TRUSTED_ROOTS}: {err}")))
}

/// How a certificate check that could not read the trusted roots fails (matched in
/// [`request_error`]).
const NO_TRUSTED_ROOTS: &str = "no trusted certificates";

/// The platform's certificate check, built on the first secure handshake instead of with the
/// client: reading and parsing the system's trusted certificates takes milliseconds (17 M
/// instructions in callgrind), which a list of plain http links would otherwise wait for
/// before its first request. The handshake's signature checks need no roots and use the same
/// algorithms as the platform verifier.
#[derive(Debug)]
struct LazyVerifier {
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for LazyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        platform_verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
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
    /// A `.part` file was written for this item (by this run or an earlier one): later
    /// attempts keep using it.
    has_part: bool,
    /// The complete body of a small download, in a file that has no name yet.
    unnamed: Option<File>,
}

impl Progress {
    /// Removes the resume note, if one was written: the `.part` file no longer holds its
    /// version.
    fn drop_note(&mut self) {
        if self.noted
            && let Some(path) = &self.path
        {
            resume::forget(path);
        }
        self.noted = false;
    }
}

/// Downloads one job to the end — done, failed or cancelled — and returns its record.
pub(crate) async fn run_item(
    shared: &Shared,
    job: &Job,
    worker: usize,
    client: &Client,
) -> ItemRecord {
    if shared.cancelled() {
        return unstarted_record(job, Outcome::Cancelled, shared.now_ms());
    }
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
        hasher: new_hasher(shared, job),
        from_earlier_run: false,
        noted: false,
        has_part: false,
        unnamed: None,
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
        progress.has_part = true;
    }
    let mut retries = 0;
    let outcome = loop {
        match attempt(shared, job, &mut progress, client).await {
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
                if !sleep_unless_cancelled(shared, pause).await {
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
        // anything else partial is removed — only a `.part` file this item wrote or took
        // over, never one that appeared under its name meanwhile (a small download has none:
        // its unnamed file is freed when it closes).
        let resumable = match &outcome {
            Outcome::Cancelled => true,
            Outcome::Failed(err) => err.is_transient(),
            Outcome::Done => false,
        };
        if progress.has_part && !(resumable && progress.noted) {
            resume::discard(path);
        }
        shared.names.release(path);
    }
    if outcome == Outcome::Done {
        // The `.part` file is about to become the finished file: its note goes first.
        progress.drop_note();
    }
    let staged = match progress.unnamed.take() {
        Some(file) => Some(Staged::Unnamed(file)),
        None => progress
            .path
            .as_deref()
            .map(|path| Staged::Part(part_path(path))),
    };
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
    match (record.outcome == Outcome::Done, staged) {
        (true, Some(staged)) => {
            let digest = progress.hasher.finish();
            verify_and_finalize(shared, record, staged, digest, job.sha256.as_deref())
        }
        _ => record,
    }
}

/// A complete body waiting for its final name.
enum Staged {
    /// In `<name>.part`.
    Part(PathBuf),
    /// In a file without a name (see [`names::create_unnamed`]).
    Unnamed(File),
}

impl Staged {
    /// Gives the body the name `path` (or the next free one), never replacing a file.
    fn name_as(&self, book: &names::NameBook, path: &Path) -> std::io::Result<PathBuf> {
        match self {
            Self::Part(part) => book.finalize(part, path),
            Self::Unnamed(file) => book.link_unnamed(file, path),
        }
    }

    /// Throws the body away; a file without a name is freed when it closes.
    fn discard(self) {
        if let Self::Part(part) = self {
            let _ = std::fs::remove_file(part);
        }
    }
}

/// A hasher for one item: on when the run computes checksums or the list gives this item an
/// expected one.
fn new_hasher(shared: &Shared, job: &Job) -> StreamHasher {
    if shared.config.checksums || job.sha256.is_some() {
        StreamHasher::new()
    } else {
        StreamHasher::off()
    }
}

/// Checks the complete body's SHA-256 (`actual`, `None` when checksums are off) against the
/// expected one and gives it its final name — or, on a mismatch, `<name>.corrupt`, never the
/// final name.
fn verify_and_finalize(
    shared: &Shared,
    mut record: ItemRecord,
    staged: Staged,
    actual: Option<String>,
    expected: Option<&str>,
) -> ItemRecord {
    let Some(path) = record.path.clone() else {
        return record;
    };
    let fail = |mut record: ItemRecord, staged: Staged, err: DownloadError| {
        staged.discard();
        shared.names.release(&path);
        record.outcome = Outcome::Failed(err);
        record
    };
    record.sha256.clone_from(&actual);
    if let Some(expected) = expected
        && let Some(actual) = actual
        && !expected.eq_ignore_ascii_case(&actual)
    {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let corrupt = shared.names.reserve(&format!("{name}.corrupt"));
        shared.names.release(&path);
        let kept = staged.name_as(&shared.names, &corrupt);
        record.path = kept.ok();
        record.outcome = Outcome::Failed(DownloadError::ChecksumMismatch {
            expected: expected.to_ascii_lowercase(),
            actual,
        });
        return record;
    }
    if shared.cancelled() {
        staged.discard();
        shared.names.release(&path);
        record.outcome = Outcome::Cancelled;
        return record;
    }
    match staged.name_as(&shared.names, &path) {
        Ok(saved) => {
            record.path = Some(saved);
            record
        }
        Err(err) => fail(record, staged, DownloadError::from_io(&path, &err)),
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
async fn sleep_unless_cancelled(shared: &Shared, pause: Duration) -> bool {
    let until = Instant::now() + pause;
    while Instant::now() < until {
        if shared.cancelled() {
            return false;
        }
        tokio::time::sleep((until - Instant::now()).min(Duration::from_millis(50))).await;
    }
    !shared.cancelled()
}

async fn attempt(
    shared: &Shared,
    job: &Job,
    progress: &mut Progress,
    client: &Client,
) -> Result<(), Stop> {
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
        .await
        .map_err(|err| Stop::Failed(request_error(&err, &host, &shared.config), None))?;
    if shared.cancelled() {
        return Err(Stop::Cancelled);
    }
    progress.first_byte_ms = Some(shared.now_ms());
    let status = response.status();
    if status == StatusCode::RANGE_NOT_SATISFIABLE && resume_from > 0 {
        // The file on the server is shorter now: drop the old part and start over.
        progress.validator = None;
        progress.drop_note();
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
    if resumed {
        progress.bytes = resume_from;
        progress.total = response.content_length().map(|rest| rest + resume_from);
    } else {
        // A fresh body: whatever the `.part` file held (and its note) no longer applies.
        progress.bytes = 0;
        progress.total = response.content_length();
        progress.hasher = new_hasher(shared, job);
        progress.from_earlier_run = false;
        progress.drop_note();
    }
    let mut path = match &progress.path {
        Some(path) => path.clone(),
        None => {
            let path = shared.names.reserve(&suggested_name(&response, job));
            progress.path = Some(path.clone());
            path
        }
    };
    // A small body that no `.part` file holds yet goes to a file without a name.
    let unnamed = !resumed
        && !progress.has_part
        && shared.unnamed_files
        && progress.total.is_some_and(|total| total <= UNNAMED_UP_TO);
    let opened = if resumed {
        std::fs::OpenOptions::new()
            .append(true)
            .open(part_path(&path))
    } else if unnamed {
        names::create_unnamed(shared.names.dir())
    } else if progress.has_part {
        // This item's own `.part` file, from an earlier attempt: start it over.
        File::create(part_path(&path))
    } else {
        // A new `.part` file, never one that appeared meanwhile: that moves to the next name.
        let (free, created) = shared.names.create_part(&path);
        progress.path = Some(free.clone());
        path = free;
        progress.has_part = created.is_ok();
        created
    };
    let part = part_path(&path);
    let shown = if unnamed { &path } else { &part };
    let mut file = opened.map_err(|err| Stop::Failed(DownloadError::from_io(shown, &err), None))?;
    shared.sink.send(Event::ItemResponded {
        index: job.index,
        path: path.clone(),
        total: progress.total,
        resumed_from: if resumed { resume_from } else { 0 },
    });
    if resumed && progress.from_earlier_run && progress.hasher.is_on() {
        // The SHA-256 covers the whole file: first the bytes the earlier run saved.
        resume::hash_prefix(&part, resume_from, &progress.hasher)
            .map_err(|err| Stop::Failed(DownloadError::from_io(&part, &err), None))?;
        progress.from_earlier_run = false;
    }
    progress.unnamed = None;
    stream_body(shared, job, &mut response, &mut file, shown, progress).await?;
    file.flush()
        .map_err(|err| Stop::Failed(DownloadError::from_io(shown, &err), None))?;
    if shared.cancelled() {
        return Err(Stop::Cancelled);
    }
    if unnamed {
        progress.unnamed = Some(file);
    }
    Ok(())
}

/// The first byte position of a 206 answer's Content-Range.
fn content_range_start(response: &Response) -> Option<u64> {
    let value = response.headers().get(CONTENT_RANGE)?.to_str().ok()?;
    let range = value.strip_prefix("bytes ")?;
    range.split('-').next()?.trim().parse().ok()
}

/// Streams the body into `file` chunk by chunk; `shown` is the path an error names.
async fn stream_body(
    shared: &Shared,
    job: &Job,
    response: &mut Response,
    file: &mut File,
    shown: &Path,
    progress: &mut Progress,
) -> Result<(), Stop> {
    let mut last_event = Instant::now();
    let mut window = (Instant::now(), progress.bytes);
    loop {
        if shared.cancelled() {
            return Err(Stop::Cancelled);
        }
        // Each chunk is what one read of the socket gave (bounded by hyper's read buffer), so
        // memory does not grow with the file size.
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(err) => {
                return Err(Stop::Failed(
                    read_error(&err, progress, &shared.config),
                    None,
                ));
            }
        };
        file.write_all(&chunk)
            .map_err(|err| Stop::Failed(DownloadError::from_io(shown, &err), None))?;
        progress.bytes += chunk.len() as u64;
        progress.hasher.push_async(chunk).await;
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
                        secs: whole_secs(shared.config.stall_timeout),
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
    if text.contains(NO_TRUSTED_ROOTS) {
        return DownloadError::Tls {
            host,
            reason: "this computer's list of trusted certificates could not be read".to_owned(),
        };
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
            secs: whole_secs(secs),
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

/// A timeout as whole seconds for a sentence, never "0 s".
fn whole_secs(timeout: Duration) -> u64 {
    timeout.as_secs_f64().round().max(1.0) as u64
}

fn read_error(err: &reqwest::Error, progress: &Progress, config: &RunConfig) -> DownloadError {
    let timed_out = err.is_timeout() || chain_text(err).contains("timed out");
    if timed_out {
        DownloadError::Stalled {
            secs: whole_secs(config.stall_timeout),
        }
    } else {
        DownloadError::Truncated {
            got: progress.bytes,
            expected: progress.total,
        }
    }
}
