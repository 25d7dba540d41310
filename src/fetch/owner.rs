//! The first connection of a big file: whether the file may be split at all, opening it to
//! helpers, fetching what is left — its own span, spans given back, halves it takes itself —
//! until every byte is in and hashed in order, and starting over clean when a connection
//! met another version of the file.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Response;

use super::pieces::{self, Helpable, SpanStop, SplitFile, SplitFileOf};
use super::{Item, Stop};
use crate::error::DownloadError;
use crate::model::{Event, OneConnection};
use crate::split::{Claim, Offer, Spans, Split};

/// How many refused span requests the first connection takes calmly before the next counts
/// as the item's failure.
const MAX_REFUSALS: u32 = 8;

impl From<SpanStop> for Stop {
    fn from(stop: SpanStop) -> Self {
        match stop {
            SpanStop::Cancelled => Stop::Cancelled,
            SpanStop::StartOver => Stop::Failed(DownloadError::FileChanged, None),
            SpanStop::Refused => Stop::Failed(DownloadError::UnexpectedRange, None),
            SpanStop::Failed(err, retry_after) => Stop::Failed(err, retry_after),
        }
    }
}

impl Item<'_> {
    /// Why this answer's file stays on one connection; `None` when helpers may join it.
    pub(super) fn one_connection(&self) -> Option<OneConnection> {
        let (config, remote) = (self.ctx.config, &self.state.remote);
        if !config.mode.splits() {
            return Some(OneConnection::Sequential);
        }
        if config.connections_per_file() < 2 {
            return Some(OneConnection::SplitOff);
        }
        if self.state.one_connection == Some(OneConnection::NoRanges) {
            // Learnt from a part request answered with the whole file.
            return Some(OneConnection::NoRanges);
        }
        let Some(total) = remote.total else {
            return Some(OneConnection::UnknownSize);
        };
        if total < config.min_piece.saturating_mul(2) {
            return Some(OneConnection::TooSmall);
        }
        if !remote.ranges {
            return Some(OneConnection::NoRanges);
        }
        if remote.validator.is_none() {
            return Some(OneConnection::NoVersion);
        }
        None
    }

    /// Makes the `.part` file of `path` its full size and the file a split one, its first
    /// connection fetching everything after the bytes already in; `None` when the file stays
    /// on one connection. `answered_by` is the address that answered, after redirects (where
    /// the pieces are asked: a mirror, not the link that chose it); `latency` is how long the
    /// server took to answer.
    pub(super) fn open_split(
        &mut self,
        path: &Path,
        answered_by: &url::Url,
        latency: Duration,
    ) -> Option<(Arc<SplitFile>, Claim)> {
        if self.state.one_connection.is_some() {
            return None;
        }
        let file = self.state.staging.shared_file()?;
        let total = self.state.remote.total?;
        let validator = self.state.remote.validator.clone()?;
        file.set_len(total).ok()?;
        let mut spans = Spans::new(total, &[(0, self.state.bytes)]);
        let claim = spans.claim_waiting()?;
        let split = Split::new(spans, self.ctx.config.connections_per_file());
        split.note_latency(latency);
        let of = SplitFileOf {
            url: answered_by.clone(),
            kept_url: self.state.kept_url.clone(),
            index: self.job.index,
            validator,
            referer: self.job.referer.clone(),
            path: path.to_owned(),
        };
        let split = Arc::new(SplitFile::new(split, file, of));
        self.state.split = Some(Arc::clone(&split));
        Some((split, claim))
    }

    /// Fetches what is left of a split file — the first connection's own span (from
    /// `first`, the answer to the whole-file request), spans given back, halves taken from
    /// slower connections — while helpers join, until every byte is in and hashed.
    pub(super) async fn continue_split(
        &mut self,
        file: &Arc<SplitFile>,
        first: Option<(Claim, Response)>,
    ) -> Result<(), Stop> {
        let ctx = self.ctx;
        let stop = ctx.cancel.child_token();
        self.help_stop = Some(stop.clone());
        ctx.desk.open(Arc::new(Helpable {
            file: Arc::clone(file),
            stop,
        }));
        self.send_connections(file);
        if let Some((claim, response)) = first {
            pieces::fetch_own(
                ctx,
                file,
                claim,
                Some(response),
                self.worker,
                &self.state.hasher,
            )
            .await?;
        }
        let (cap, min_piece) = (ctx.config.connections_per_file(), ctx.config.min_piece);
        let mut refusals = 0;
        loop {
            file.catch_up(&self.state.hasher).await?;
            self.state.bytes = file
                .split
                .written
                .load(std::sync::atomic::Ordering::Relaxed);
            if file.must_start_over() {
                return Err(SpanStop::StartOver.into());
            }
            if file.split.is_solo() {
                self.say_solo(file);
            }
            if file.split.with(|s| s.is_complete()) {
                // The last span may have completed since the catch-up above.
                file.catch_up(&self.state.hasher).await?;
                return Ok(());
            }
            let mut changed = std::pin::pin!(file.split.changed.notified());
            changed.as_mut().enable();
            let cap = if file.split.is_solo() {
                1
            } else {
                cap.min(file.split.cap())
            };
            match file.split.offer(cap, min_piece, 2) {
                Offer::Take(claim) => {
                    let fetched =
                        pieces::fetch_own(ctx, file, claim, None, self.worker, &self.state.hasher)
                            .await;
                    match fetched {
                        Err(SpanStop::Failed(err, _))
                            if answered(&err)
                                && (file.split.is_solo() || refusals >= MAX_REFUSALS) =>
                        {
                            // The server answers, but not with these parts: the file starts
                            // over with one plain request, which it does answer.
                            file.give_up_ranges();
                            return Err(SpanStop::StartOver.into());
                        }
                        Err(SpanStop::Failed(err, retry_after))
                            if err.is_transient() && refusals < MAX_REFUSALS =>
                        {
                            // Refused, most likely while the file's other connections (or one
                            // just closed) still count: not a failure, one connection fewer.
                            refusals += 1;
                            file.split.lower_cap();
                            if file.split.with(|s| s.connections()) == 0 {
                                let pause = retry_after.unwrap_or(ctx.config.retry_backoff);
                                ctx.or_cancel(tokio::time::sleep(pause)).await?;
                            }
                        }
                        other => other?,
                    }
                }
                Offer::Later(at) => {
                    // Either is a reason to ask again; which came first does not matter.
                    let _ = ctx
                        .or_cancel(tokio::time::timeout_at(at.into(), changed))
                        .await?;
                }
                Offer::Nothing => ctx.or_cancel(changed).await?,
            }
        }
    }

    /// Starts a split file over clean, after a connection met another version of it (or a
    /// server that ignores ranges after all): the helpers stop first, so that nothing of the
    /// old version is written after, and the next attempt asks for the whole file again.
    pub(super) async fn start_over_split(&mut self) {
        let Some(file) = self.state.split.take() else {
            return;
        };
        self.ctx.desk.close();
        if let Some(stop) = self.help_stop.take() {
            stop.cancel();
        }
        file.helpers_stopped().await;
        if file.ignores_ranges() {
            self.state.one_connection = Some(OneConnection::NoRanges);
        }
        self.state.remote.validator = None;
        if let Some(path) = &self.state.path {
            self.state.staging.forget_record(self.ctx, path);
        }
        self.state.bytes = 0;
    }

    /// Once the file takes no more helpers, its row learns why: the server does not send
    /// the parts asked for.
    fn say_solo(&mut self, file: &SplitFile) {
        let Some(path) = self.state.path.clone() else {
            return;
        };
        if self.state.one_connection.is_some() {
            return;
        }
        self.state.one_connection = Some(OneConnection::NoRanges);
        self.ctx.events.send(Event::ItemResponded {
            index: self.job.index,
            path,
            total: self.state.remote.total,
            resumed_from: file
                .split
                .written
                .load(std::sync::atomic::Ordering::Relaxed),
            one_connection: self.state.one_connection,
            warning: self.state.warning.clone(),
            protocol: self.state.protocol,
        });
    }

    fn send_connections(&self, file: &SplitFile) {
        self.ctx.events.send(Event::Connections {
            index: self.job.index,
            count: file.split.with(|s| s.connections()).max(1),
        });
    }
}

/// Whether a failed request was answered by the server (a refusal, a body cut short or only
/// trickling), as opposed to a network that failed: a plain request may still get the file.
fn answered(err: &DownloadError) -> bool {
    matches!(
        err,
        DownloadError::Status { .. }
            | DownloadError::Truncated { .. }
            | DownloadError::TooSlow { .. }
    )
}
