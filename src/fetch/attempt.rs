//! One attempt at an item: the request (asking for the rest of a partial file when the server
//! can send the same version), the checks of the answer, the choice of where its bytes go, and
//! the body streamed there in bounded chunks.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use reqwest::header::{ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use reqwest::{Response, StatusCode};

use super::{Item, RECORD_AFTER, Stop, part_state};
use crate::error::DownloadError;
use crate::hash::StreamHasher;
use crate::model::{Event, Protocol, Warning};
use crate::names;
use crate::net::answer::{self, Ask, Verdict};
use crate::net::classify;
use crate::options::Existing;

/// Files up to this size (by Content-Length) are written to a file without a name, which gets
/// its name when complete: such a file arrives in a moment and is never resumed (it stays
/// under [`RECORD_AFTER`]), so a `.part` name would only cost a second directory operation.
const UNNAMED_UP_TO: u64 = 256 * 1024;

impl Item<'_> {
    /// One request and its answer, streamed into the staging.
    pub(super) async fn attempt(&mut self) -> Result<(), Stop> {
        if let Some(file) = self.state.split.clone() {
            // Resumed (after a pause, a retry or a crash): the row learns the file again.
            if let Some(path) = self.state.path.clone() {
                self.ctx.events.send(Event::ItemResponded {
                    index: self.job.index,
                    path,
                    total: self.state.remote.total,
                    resumed_from: self.state.bytes(),
                    one_connection: None,
                    warning: self.state.warning.clone(),
                    protocol: self.state.protocol,
                });
            }
            return self.continue_split(&file, None).await;
        }
        let mut resume_from = self.resume_point();
        let (mut response, latency, resumed) = loop {
            let sent = Instant::now();
            let response = self.request(resume_from).await?;
            let latency = sent.elapsed();
            self.judge_saved(&response)?;
            match self.check_answer(&response, resume_from)? {
                Some(resumed) => break (response, latency, resumed),
                None => {
                    // Not the rest of the version written: never joined to it. The file
                    // starts over, clean, with a plain request (once: it has no Range).
                    self.forget_version();
                    resume_from = 0;
                }
            }
        };
        self.state.first_byte_ms = Some(self.ctx.now_ms());
        self.read_version(&response, resumed, resume_from);
        classify::compressed(&response, &suggested_name(&response, self.job))?;
        let path = self.prepare(&response, resumed, resume_from).await?;
        let answered_by = response.url().clone();
        if let Some((file, claim)) = self.open_split(&path, &answered_by, latency) {
            return self.continue_split(&file, Some((claim, response))).await;
        }
        self.stream_body(&mut response, &path).await?;
        if self.ctx.cancel.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        Ok(())
    }

    /// Where a request continues the staged bytes: their length when the server can send
    /// the rest of the same version, else 0 (a `.part` file as long as the whole file, or
    /// longer, starts over too).
    fn resume_point(&self) -> u64 {
        if !self.state.remote.resumable() {
            return 0;
        }
        let staged = self.state.staging.len();
        match self.state.remote.total {
            Some(total) if staged >= total => 0,
            _ => staged,
        }
    }

    /// Sends the request: for the whole file, or from `resume_from` of the same version.
    async fn request(&self, resume_from: u64) -> Result<Response, Stop> {
        let ctx = self.ctx;
        let client = &ctx.client.ok_or(DownloadError::Stopped)?.whole;
        let mut ask = self.ask(resume_from);
        if resume_from == 0 {
            // The file this link saved before: the whole file only if the server has another
            // version now.
            ask.unless = self.saved.as_ref().and_then(|s| s.validator.as_deref());
        }
        ask.referer = self.job.referer.as_ref();
        let url = &self.job.url;
        let sent = crate::net::send::get(client, ctx.config, url, url, &ask);
        Ok(ctx.or_cancel(sent).await??)
    }

    /// What a request from `resume_from` asks: the rest of the version staged, or (from 0)
    /// the whole file.
    fn ask(&self, resume_from: u64) -> Ask<'_> {
        let remote = &self.state.remote;
        match &remote.validator {
            Some(version) if resume_from > 0 => Ask {
                start: resume_from,
                end: None,
                total: remote.total,
                version: Some(version.as_str()),
                unless: None,
                head: false,
                referer: None,
            },
            _ => Ask::default(),
        }
    }

    /// Refuses error answers and parts not asked for. `Some(true)` when the answer continues
    /// the staged bytes, `Some(false)` when it is the whole file, `None` when a resume was
    /// answered with a part of another version, another part or another size: the file must
    /// start over.
    fn check_answer(
        &mut self,
        response: &Response,
        resume_from: u64,
    ) -> Result<Option<bool>, Stop> {
        let status = response.status();
        if status == StatusCode::RANGE_NOT_SATISFIABLE && resume_from > 0 {
            // The file on the server is shorter now: the next attempt starts over.
            self.forget_version();
            return Err(DownloadError::NoResume.into());
        }
        if status.is_redirection()
            && let Some(location) = response.headers().get(LOCATION)
        {
            // A redirect the client did not follow: one to somewhere that is not a web
            // address (`file:`, `mailto:`…), which the HTTP layer cannot even take as a URL.
            return Err(DownloadError::BadRedirect {
                target: redirect_target(response.url(), location.as_bytes()),
            }
            .into());
        }
        if status == StatusCode::PROXY_AUTHENTICATION_REQUIRED {
            let config = &self.ctx.config;
            let proxy = config.access.proxy.shown_for(&self.job.url);
            return Err(DownloadError::ProxyLogin {
                proxy: proxy.unwrap_or_else(|| crate::redact::host(response.url())),
            }
            .into());
        }
        if !status.is_success() {
            return Err(Stop::Failed(
                DownloadError::Status {
                    code: status.as_u16(),
                    reason: status.canonical_reason().unwrap_or("error").to_owned(),
                },
                answer::retry_after(response),
            ));
        }
        let ask = self.ask(resume_from);
        let (verdict, ranged) = (answer::verdict(response, &ask), ask.start > 0);
        if ranged
            && self.job.previous.is_some()
            && matches!(
                verdict,
                Verdict::Whole { same: false } | Verdict::WrongRange | Verdict::OtherVersion
            )
        {
            // A new address that does not prove to serve the same file: its bytes are never
            // joined to the kept ones, and the person chooses whether to start over.
            return Err(DownloadError::NotSameFile.into());
        }
        match verdict {
            Verdict::Part => Ok(Some(true)),
            Verdict::Whole { .. } => Ok(Some(false)),
            Verdict::WrongRange | Verdict::OtherVersion if ranged => Ok(None),
            _ => {
                self.forget_version();
                Err(DownloadError::UnexpectedRange.into())
            }
        }
    }

    /// Forgets the version of the staged bytes, so that the next attempt asks for the whole
    /// file.
    fn forget_version(&mut self) {
        self.state.remote.validator = None;
        if let Some(path) = &self.state.path {
            self.state.staging.forget_record(self.ctx, path);
        }
    }

    /// Takes the size and version from the answer's headers; a fresh body restarts the count
    /// and the checksum.
    fn read_version(&mut self, response: &Response, resumed: bool, resume_from: u64) {
        let headers = response.headers();
        self.state.remote.ranges = resumed
            || headers
                .get(ACCEPT_RANGES)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"bytes"));
        self.state.remote.validator = answer::version(headers).map(str::to_owned);
        if resumed {
            self.state.bytes = resume_from;
            self.state.remote.total = response.content_length().map(|rest| rest + resume_from);
        } else {
            self.state.bytes = 0;
            self.state.remote.total = response.content_length();
            self.state.hasher = if self.state.hasher.is_on() {
                StreamHasher::new()
            } else {
                StreamHasher::off()
            };
        }
    }

    /// Chooses where this answer's bytes go — continuing the `.part` file, or a new staging
    /// under a reserved name — and announces the item's name and size. Returns the final
    /// path.
    async fn prepare(
        &mut self,
        response: &Response,
        resumed: bool,
        resume_from: u64,
    ) -> Result<PathBuf, Stop> {
        let ctx = self.ctx;
        let mut path = match &self.state.path {
            Some(path) => path.clone(),
            None => {
                let wanted = suggested_name(response, self.job);
                self.already_there(&wanted, resumed)?;
                ctx.names.reserve(&wanted)
            }
        };
        let prepared = if resumed {
            self.state.staging.continue_at(resume_from)
        } else {
            let small = self
                .state
                .remote
                .total
                .is_some_and(|total| total <= UNNAMED_UP_TO);
            self.state.staging.start_over(ctx, &mut path, small)
        };
        self.state.path = Some(path.clone());
        prepared.map_err(|err| DownloadError::from_io(&self.state.staging.shown(&path), &err))?;
        self.state.one_connection = self.one_connection();
        self.state.warning = web_page_for(response, &path);
        self.state.protocol = Protocol::of(response.version());
        ctx.events.send(Event::ItemResponded {
            index: self.job.index,
            path: path.clone(),
            total: self.state.remote.total,
            resumed_from: if resumed { resume_from } else { 0 },
            one_connection: self.state.one_connection,
            warning: self.state.warning.clone(),
            protocol: self.state.protocol,
        });
        if resumed && let Some(file) = self.state.staging.file() {
            // The SHA-256 covers the whole file: first the bytes an earlier run saved.
            self.state
                .hasher
                .catch_up(file, resume_from)
                .await
                .map_err(|err| DownloadError::from_io(&names::part_path(&path), &err))?;
        }
        Ok(path)
    }

    /// Streams the body into the staging chunk by chunk, writing a resume note once enough
    /// has arrived and announcing progress.
    async fn stream_body(&mut self, response: &mut Response, path: &Path) -> Result<(), Stop> {
        let ctx = self.ctx;
        let shown = self.state.staging.shown(path);
        let mut body = ctx.stream(response);
        while let Some(chunk) = body.next(self.state.bytes, self.state.remote.total).await? {
            let mut file = self.state.staging.file().ok_or(DownloadError::Stopped)?;
            file.write_all(&chunk)
                .map_err(|err| DownloadError::from_io(&shown, &err))?;
            let arrived = chunk.len() as u64;
            self.state.bytes += arrived;
            body.delivered(arrived);
            self.state.hasher.push(chunk).await;
            self.record_when_due(path);
            if body.progress_due() {
                self.send_progress();
            }
        }
        body.finish();
        if let Some(total) = self.state.remote.total
            && self.state.bytes < total
        {
            return Err(DownloadError::Truncated {
                got: self.state.bytes,
                expected: Some(total),
            }
            .into());
        }
        self.send_progress();
        Ok(())
    }

    /// Saves the resume record once [`RECORD_AFTER`] bytes of a version the server can
    /// continue are staged, and keeps it up to date as the file grows.
    fn record_when_due(&mut self, path: &Path) {
        if self.state.bytes < RECORD_AFTER {
            return;
        }
        if let Some(state) = part_state(
            &self.state.remote,
            self.state.kept_url.as_str(),
            self.state.bytes,
            path,
        ) {
            self.state.staging.record(self.ctx, state);
        }
    }

    /// Whether the answer to the first request says that the server still has the file this
    /// link saved before (skipped: `Stop::Skipped`) or a new version (downloaded again, under
    /// a new name). An answer that says neither (an error) leaves the question for the next
    /// attempt.
    fn judge_saved(&mut self, response: &Response) -> Result<(), Stop> {
        let status = response.status();
        if status != StatusCode::NOT_MODIFIED && status != StatusCode::OK {
            return Ok(());
        }
        let Some(saved) = self.saved.take() else {
            return Ok(());
        };
        if answer::still_has(response, saved.size, saved.validator.as_deref()) {
            return Err(Stop::Skipped(saved.path));
        }
        self.newer = true;
        Ok(())
    }

    /// A file of the name the server suggests and of the size it announces that this link
    /// did not save, when the person chose to skip files already there: it is kept, and this
    /// link is not downloaded (`a file of this name is already there`).
    fn already_there(&self, wanted: &str, resumed: bool) -> Result<(), Stop> {
        let Some(total) = self.state.remote.total else {
            return Ok(());
        };
        if resumed || self.newer || self.ctx.config.existing != Existing::Skip {
            return Ok(());
        }
        let name = names::sanitize(wanted);
        // A file this run saved (the same link twice in a list) is not "already there".
        if self.ctx.names.is_taken(&name) {
            return Ok(());
        }
        let there = self.ctx.names.dir().join(&name);
        if crate::finished::same_size_file(&there, total) {
            return Err(DownloadError::NameTaken { name }.into());
        }
        Ok(())
    }

    fn send_progress(&self) {
        self.ctx.events.send(Event::Progress {
            index: self.job.index,
            bytes: self.state.bytes,
        });
    }
}

/// File kinds that are never web pages: an HTML answer for such a name is a login page or an
/// error page standing in for the file.
const NOT_PAGES: [&str; 40] = [
    "zip", "7z", "rar", "gz", "tgz", "bz2", "xz", "zst", "tar", "iso", "img", "dmg", "pkg", "deb",
    "rpm", "msi", "exe", "apk", "appimage", "jar", "pdf", "epub", "doc", "docx", "xls", "xlsx",
    "ppt", "pptx", "odt", "mp3", "mp4", "mkv", "avi", "mov", "flac", "wav", "jpg", "jpeg", "png",
    "bin",
];

/// The warning for an HTML answer where the name promises another kind of file.
pub(crate) fn web_page_for(response: &Response, path: &Path) -> Option<Warning> {
    let html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"));
    let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
    (html && NOT_PAGES.contains(&extension.as_str())).then(|| Warning::WebPage {
        name: names::display_name(path),
    })
}

/// Where a redirect pointed, as it may be shown: the Location resolved against the address
/// that answered (any password hidden), or its text when it is no address at all.
fn redirect_target(base: &url::Url, location: &[u8]) -> String {
    let text = String::from_utf8_lossy(location);
    match base.join(text.trim()) {
        Ok(url) => crate::redact::url(&url),
        Err(_) => text.chars().filter(|c| !c.is_control()).take(200).collect(),
    }
}

/// The name for the file: the page's suggestion first (a `download` attribute wins over the
/// server, as in browsers), else Content-Disposition, else the final URL (after redirects),
/// else the URL as listed. Made safe by [`names::sanitize`] when reserved.
pub(crate) fn suggested_name(response: &Response, job: &crate::model::Job) -> String {
    if let Some(name) = &job.name {
        return name.clone();
    }
    let listed = &job.url;
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
                names::from_url(listed)
            }
        })
}
