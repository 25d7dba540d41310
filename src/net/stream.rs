//! The one streaming step both ways of fetching share: the whole file on one connection
//! (`fetch::attempt`) and a span of a file over several (`fetch::pieces`). Each used to run a
//! loop of its own, and they disagreed (only one caught a trickle, they paced differently).
//! [`BodyStream`] owns what is the same for both — stopping when the item is stopped, reading
//! the next chunk and naming a read failure, catching a connection that only trickles, holding
//! the bytes delivered to the run's speed limit, and saying when progress is due — and leaves
//! each caller only what is its own: where the bytes go, the checksum, the resume record.

use std::time::Instant;

use bytes::Bytes;
use reqwest::Response;
use tokio_util::sync::CancellationToken;

use crate::error::DownloadError;
use crate::limit::RateLimit;
use crate::net::classify;
use crate::options::RunConfig;

/// Fewer bytes than this in a whole stall-timeout window (30 s by default, so about 34 B/s)
/// is a trickle, not a download: the connection fails like a stalled one.
pub(crate) const MIN_BYTES_PER_WINDOW: u64 = 1024;

/// How reading a body stopped short.
#[derive(Debug)]
pub(crate) enum StreamStop {
    /// Stopped from outside: a pause, a cancel, or the file starting over.
    Cancelled,
    /// The connection failed, or only trickled.
    Failed(DownloadError),
}

/// What a streaming body shares with the run: the item's stop, the run's speed limit and
/// settings.
pub(crate) struct StreamOf<'a> {
    /// Cancelled when the item stops.
    pub(crate) cancel: &'a CancellationToken,
    /// The run's speed limit.
    pub(crate) limit: &'a RateLimit,
    /// The run's settings (stall timeout, progress interval, read-error sentences).
    pub(crate) config: &'a RunConfig,
}

/// A response body read chunk by chunk (each what one read of the socket gave, so memory
/// does not grow with the file), paced and watched for trickles.
pub(crate) struct BodyStream<'a> {
    response: &'a mut Response,
    of: StreamOf<'a>,
    /// Bytes the caller took from the chunks so far.
    delivered: u64,
    /// Delivered bytes not yet held to the speed limit.
    unpaced: u64,
    /// The start of the trickle window and the bytes delivered by then.
    window: (Instant, u64),
    /// When progress was last due.
    last_progress: Instant,
}

impl<'a> BodyStream<'a> {
    /// Starts reading `response`'s body.
    pub(crate) fn new(response: &'a mut Response, of: StreamOf<'a>) -> Self {
        let now = Instant::now();
        Self {
            response,
            of,
            delivered: 0,
            unpaced: 0,
            window: (now, 0),
            last_progress: now,
        }
    }

    /// Holds the bytes delivered since the last read to the speed limit, fails a connection
    /// that delivered too little in the last stall-timeout window, and reads the next chunk
    /// (`None` at the end of the body). `got` and `expected` describe the bytes of this body
    /// so far for the sentence of a read failure.
    pub(crate) async fn next(
        &mut self,
        got: u64,
        expected: Option<u64>,
    ) -> Result<Option<Bytes>, StreamStop> {
        let unpaced = std::mem::take(&mut self.unpaced);
        if unpaced > 0 {
            let of = &self.of;
            of.cancel
                .run_until_cancelled(of.limit.pace(unpaced))
                .await
                .ok_or(StreamStop::Cancelled)?;
        }
        self.trickle_check()?;
        let of = &self.of;
        let read = of
            .cancel
            .run_until_cancelled(self.response.chunk())
            .await
            .ok_or(StreamStop::Cancelled)?;
        read.map_err(|err| StreamStop::Failed(classify::read_error(&err, got, expected, of.config)))
    }

    /// Fails with [`DownloadError::TooSlow`] when a whole stall-timeout window delivered
    /// fewer than [`MIN_BYTES_PER_WINDOW`] bytes; else starts a new window when one is over.
    fn trickle_check(&mut self) -> Result<(), StreamStop> {
        let timeout = self.of.config.stall_timeout;
        if self.window.0.elapsed() < timeout {
            return Ok(());
        }
        let got = self.delivered - self.window.1;
        if got < MIN_BYTES_PER_WINDOW {
            return Err(StreamStop::Failed(DownloadError::TooSlow {
                bytes: got,
                secs: classify::whole_secs(timeout),
            }));
        }
        self.window = (Instant::now(), self.delivered);
        Ok(())
    }

    /// Notes that the caller took `bytes` of the last chunk (written them where they go).
    pub(crate) fn delivered(&mut self, bytes: u64) {
        self.delivered += bytes;
        self.unpaced += bytes;
    }

    /// Whether it is time to announce progress (once per progress interval).
    pub(crate) fn progress_due(&mut self) -> bool {
        if self.last_progress.elapsed() < self.of.config.progress_interval {
            return false;
        }
        self.last_progress = Instant::now();
        true
    }

    /// The body is done with: bytes delivered since the last read count against the speed
    /// limit, without waiting, since nothing is left to hold back.
    pub(crate) fn finish(mut self) {
        let unpaced = std::mem::take(&mut self.unpaced);
        if unpaced > 0 {
            self.of.limit.charge(unpaced);
        }
    }
}
