//! The HTTP machinery of one event-loop thread: its async runtime and its reqwest client,
//! with Downpour's redirect rules; TLS and the reading of failures live in the submodules.

pub mod access;
pub(crate) mod answer;
pub mod asking;
pub mod classify;
pub mod cookies;
pub(crate) mod digest;
pub(crate) mod hosts;
pub mod netrc;
pub mod proxy;
pub(crate) mod send;
pub mod settings;
pub(crate) mod stream;
pub mod tls;

use std::sync::Arc;

use reqwest::Client;
use reqwest::cookie::Jar;

use crate::error::DownloadError;
use crate::options::RunConfig;

pub use tls::prepare_tls;

/// The User-Agent every request carries, naming Downpour and its version.
pub const USER_AGENT: &str = concat!("Downpour/", env!("CARGO_PKG_VERSION"));

/// The most redirects followed for one item.
pub const MAX_REDIRECTS: usize = 10;

/// Why a redirect was refused (carried through reqwest's error chain to [`classify`]).
#[derive(Debug, thiserror::Error)]
pub(crate) enum RedirectRefused {
    #[error("too many redirects")]
    TooMany,
    #[error("redirect to {0}")]
    Scheme(url::Url),
    #[error("redirect from https to http: {0}")]
    Insecure(url::Url),
}

/// The two clients of one event-loop thread. Both share the run's settings, cookie jar and
/// redirect rules; they differ in the protocol they offer.
#[derive(Clone)]
pub(crate) struct Clients {
    /// For a file asked for whole (and the first connection of a split file): HTTP/2 where
    /// the server offers it (ALPN), so that many small files from one host share one
    /// connection instead of each waiting for a connection of its own.
    pub(crate) whole: Client,
    /// For the pieces of a split file: HTTP/1.1 only, so that each piece has a connection
    /// of its own. Over HTTP/2 every piece would share the first connection and gain
    /// nothing behind a server's per-connection speed cap.
    pub(crate) pieces: Client,
}

/// One event-loop thread's HTTP machinery: a single-threaded async runtime that the thread
/// drives itself, and clients whose keep-alive connections (one per worker slot and host)
/// live on that runtime. There is no separate I/O thread, so a body chunk goes from the socket
/// to the file and the hasher without a hand-over between threads or a copy.
pub(crate) fn event_loop(
    config: &RunConfig,
    jar: &Arc<Jar>,
    slots: usize,
) -> Result<(tokio::runtime::Runtime, Clients), DownloadError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        // The only threads this runtime starts: host-name lookups (blocking getaddrinfo).
        .thread_name("downpour-resolve")
        .build()
        .map_err(|err| DownloadError::Startup {
            reason: crate::error::describe_io(&err),
        })?;
    let clients = Clients {
        whole: build_client(config, jar, slots, true)?,
        pieces: build_client(config, jar, slots, false)?,
    };
    Ok((runtime, clients))
}

/// Builds an event loop's client: a keep-alive connection per host for each of its `slots`
/// (a slot downloads one item at a time), rustls, timeouts, the run's proxy, User-Agent and
/// cookie jar (shared by every event loop of the run), HTTP/2 where the server offers it
/// when `http2` (else HTTP/1.1 only), and at most [`MAX_REDIRECTS`]
/// redirects, to http(s) only and never from https down to http unless the person allowed
/// it. When the person gave headers of their own, a redirect to another host is held back
/// for [`send::get`] to follow without them.
fn build_client(
    config: &RunConfig,
    jar: &Arc<Jar>,
    slots: usize,
    http2: bool,
) -> Result<Client, DownloadError> {
    let tls = tls::tls_config(http2)?;
    let allow_insecure = config.allow_insecure_redirects;
    let hold_other_hosts = !config.access.headers.is_empty();
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        let next = attempt.url().clone();
        let from_https = attempt
            .previous()
            .last()
            .is_some_and(|url| url.scheme() == "https");
        if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error(RedirectRefused::TooMany)
        } else if !matches!(next.scheme(), "http" | "https") {
            attempt.error(RedirectRefused::Scheme(next))
        } else if from_https && next.scheme() == "http" && !allow_insecure {
            attempt.error(RedirectRefused::Insecure(next))
        } else if hold_other_hosts
            && attempt
                .previous()
                .last()
                .is_some_and(|url| !access::same_host(url, &next))
        {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    let startup = |err: reqwest::Error| DownloadError::Startup {
        reason: crate::error::lower_first(&err.to_string()),
    };
    // The file as it is on the server: a `.txt` must not arrive (and be saved) compressed.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT_ENCODING,
        reqwest::header::HeaderValue::from_static("identity"),
    );
    let mut builder = Client::builder()
        .user_agent(config.access.user_agent.text())
        .default_headers(headers)
        // No Referer of reqwest's own: it would tell the next host of a redirect the whole
        // address before it (a signed link's token); one the person gave stays on every hop.
        .referer(false)
        .cookie_provider(Arc::clone(jar))
        .connect_timeout(config.connect_timeout)
        // Bounds every wait for the network: for the answer and for each piece of the body.
        .read_timeout(config.stall_timeout)
        .pool_max_idle_per_host(slots.max(1))
        .tls_backend_preconfigured(tls)
        .tcp_nodelay(true)
        .redirect(policy);
    builder = if http2 {
        // A flow-control window that grows with the connection's bandwidth-delay product,
        // so that one big file over HTTP/2 is not held to a fixed window per round trip.
        builder.http2_adaptive_window(true)
    } else {
        builder.http1_only()
    };
    config
        .access
        .proxy
        .apply(builder)
        .and_then(reqwest::ClientBuilder::build)
        .map_err(startup)
}
