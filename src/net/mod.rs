//! The HTTP machinery of one event-loop thread: its async runtime and its reqwest client,
//! with Downpour's redirect rules; TLS and the reading of failures live in the submodules.

pub(crate) mod answer;
pub mod classify;
pub(crate) mod hosts;
pub mod tls;

use reqwest::Client;

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
        .map_err(|err| DownloadError::Startup {
            reason: crate::error::describe_io(&err),
        })?;
    Ok((runtime, build_client(config, slots)?))
}

/// Builds an event loop's client: a keep-alive connection per host for each of its `slots`
/// (a slot downloads one item at a time), rustls, timeouts, Downpour's User-Agent and at most
/// [`MAX_REDIRECTS`] redirects, to http(s) only and never from https down to http unless the
/// person allowed it.
fn build_client(config: &RunConfig, slots: usize) -> Result<Client, DownloadError> {
    let tls = tls::tls_config()?;
    let allow_insecure = config.allow_insecure_redirects;
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
        } else {
            attempt.follow()
        }
    });
    // The file as it is on the server: a `.txt` must not arrive (and be saved) compressed.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT_ENCODING,
        reqwest::header::HeaderValue::from_static("identity"),
    );
    Client::builder()
        .user_agent(USER_AGENT)
        .default_headers(headers)
        .connect_timeout(config.connect_timeout)
        // Bounds every wait for the network: for the answer and for each piece of the body.
        .read_timeout(config.stall_timeout)
        .pool_max_idle_per_host(slots.max(1))
        .tls_backend_preconfigured(tls)
        .tcp_nodelay(true)
        .redirect(policy)
        .build()
        .map_err(|err| DownloadError::Startup {
            reason: crate::error::lower_first(&err.to_string()),
        })
}
