//! Turns what the HTTP stack reports — reqwest's errors and the answers themselves — into the
//! plain sentences of [`DownloadError`], by the types in each error's chain of causes.

use std::error::Error as StdError;
use std::time::Duration;

use url::Url;

use super::{MAX_REDIRECTS, RedirectRefused, tls::NO_TRUSTED_ROOTS};
use crate::error::{DownloadError, lower_first};
use crate::options::RunConfig;

/// The first cause of type `T` in `err`'s chain, looking inside I/O errors too (an
/// `io::Error` hides the error it wraps from `source()`).
pub(crate) fn find_cause<'a, T: StdError + 'static>(
    err: &'a (dyn StdError + 'static),
) -> Option<&'a T> {
    causes(err).find_map(|e| e.downcast_ref::<T>())
}

/// Whether any I/O error in `err`'s chain is of one of `kinds` (wrappers often re-wrap an
/// I/O error under another kind).
fn has_io_kind(err: &(dyn StdError + 'static), kinds: &[std::io::ErrorKind]) -> bool {
    causes(err)
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|io| kinds.contains(&io.kind()))
}

/// Every error in `err`'s chain, outermost first, including those wrapped in I/O errors.
pub(crate) fn causes<'a>(
    err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    let mut next = Some(err);
    std::iter::from_fn(move || {
        let e = next.take()?;
        // An I/O error's own source() skips the error it wraps: go through that one instead.
        let wrapped = e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .map(|inner| inner as &(dyn StdError + 'static));
        next = wrapped.or_else(|| e.source());
        Some(e)
    })
}

/// Why a request for `url` got no answer.
pub(crate) fn request_error(err: &reqwest::Error, url: &Url, config: &RunConfig) -> DownloadError {
    if let Some(refused) = find_cause::<RedirectRefused>(err) {
        return match refused {
            RedirectRefused::TooMany => DownloadError::TooManyRedirects { max: MAX_REDIRECTS },
            RedirectRefused::Scheme(target) => DownloadError::BadRedirect {
                target: crate::redact::url(target),
            },
            RedirectRefused::Insecure(target) => DownloadError::InsecureRedirect {
                target: crate::redact::url(target),
            },
        };
    }
    if let Some(proxy) = config.access.proxy.shown_for(url)
        && let Some(failure) = super::proxy::proxy_failure(err, &proxy, url)
    {
        return failure;
    }
    let host = crate::redact::host(url);
    if err.is_dns() {
        return DownloadError::UnknownHost { host };
    }
    if let Some(tls) = find_cause::<rustls::Error>(err) {
        return DownloadError::Tls {
            host,
            problem: tls_problem(tls),
        };
    }
    if err.is_timeout() {
        let waited = if err.is_connect() {
            config.connect_timeout
        } else {
            config.stall_timeout
        };
        return DownloadError::NoAnswer {
            secs: whole_secs(waited),
        };
    }
    if err.is_connect() && url.scheme() == "https" && handshake_failed(err) {
        return DownloadError::Tls {
            host,
            problem: crate::error::TlsProblem::NotAccepted,
        };
    }
    if err.is_connect() {
        use std::io::ErrorKind;
        let reason = if has_io_kind(err, &[ErrorKind::ConnectionRefused]) {
            "connection refused".to_owned()
        } else if has_io_kind(err, &[ErrorKind::TimedOut]) {
            "the connection timed out".to_owned()
        } else if let Some(io) = find_cause::<std::io::Error>(err) {
            lower_first(&io.to_string())
        } else {
            "the connection failed".to_owned()
        };
        return DownloadError::Connect { host, reason };
    }
    if let Some(hyper) = find_cause::<hyper::Error>(err) {
        if hyper.is_parse() {
            return DownloadError::MalformedAnswer;
        }
        if hyper.is_incomplete_message() || hyper.is_closed() || hyper.is_canceled() {
            return DownloadError::ClosedWithoutAnswer;
        }
    }
    if has_io_kind(
        err,
        &[
            std::io::ErrorKind::ConnectionReset,
            std::io::ErrorKind::ConnectionAborted,
            std::io::ErrorKind::UnexpectedEof,
        ],
    ) {
        return DownloadError::ClosedWithoutAnswer;
    }
    DownloadError::Network(lower_first(&err.to_string()))
}

/// Whether a connection broke off after TCP was up, in the TLS handshake: the server closed
/// it or answered with something that is not TLS (a plain-http port, say).
fn handshake_failed(err: &reqwest::Error) -> bool {
    has_io_kind(
        err,
        &[
            std::io::ErrorKind::UnexpectedEof,
            std::io::ErrorKind::InvalidData,
        ],
    )
}

/// What was wrong with a server's certificate.
fn tls_problem(err: &rustls::Error) -> crate::error::TlsProblem {
    use crate::error::TlsProblem;
    use rustls::CertificateError as C;
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer | C::BadSignature => TlsProblem::UntrustedIssuer,
            // An authority's certificate used as the server's own: a home-made self-signed
            // certificate (`openssl req -x509` makes one so), which no one else vouches for.
            C::Other(other) if format!("{other}").contains("CaUsedAsEndEntity") => {
                TlsProblem::UntrustedIssuer
            }
            C::Expired | C::ExpiredContext { .. } => TlsProblem::Expired,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::OtherServer,
            _ => TlsProblem::NotAccepted,
        },
        rustls::Error::PeerIncompatible(
            rustls::PeerIncompatible::ServerDoesNotSupportTls12Or13,
        )
        | rustls::Error::AlertReceived(rustls::AlertDescription::ProtocolVersion) => {
            TlsProblem::OldProtocol
        }
        rustls::Error::General(text) if text.starts_with(NO_TRUSTED_ROOTS) => {
            TlsProblem::NoTrustedRoots
        }
        _ => TlsProblem::NotAccepted,
    }
}

/// Why reading the body stopped: a stall, or the connection ending early.
pub(crate) fn read_error(
    err: &reqwest::Error,
    got: u64,
    expected: Option<u64>,
    config: &RunConfig,
) -> DownloadError {
    let timed_out = err.is_timeout() || has_io_kind(err, &[std::io::ErrorKind::TimedOut]);
    if timed_out {
        DownloadError::Stalled {
            secs: whole_secs(config.stall_timeout),
        }
    } else {
        DownloadError::Truncated { got, expected }
    }
}

/// Refuses a body the server compressed although it was asked for the file as it is
/// (`Accept-Encoding: identity`): saved, it would not be the file. A name that says it is
/// compressed (`logs.tar.gz` sent with `Content-Encoding: gzip`, a common server setting) is
/// the file itself and is taken.
pub(crate) fn compressed(response: &reqwest::Response, name: &str) -> Result<(), DownloadError> {
    let Some(encoding) = response
        .headers()
        .get(reqwest::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty() && v != "identity")
    else {
        return Ok(());
    };
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let said = match encoding.as_str() {
        "gzip" | "x-gzip" => ["gz", "tgz", "gzip"].as_slice(),
        "br" => ["br"].as_slice(),
        "zstd" => ["zst", "zstd"].as_slice(),
        "deflate" => ["zz", "deflate"].as_slice(),
        _ => [].as_slice(),
    };
    if extension.is_some_and(|ext| said.contains(&ext.as_str())) {
        return Ok(());
    }
    Err(DownloadError::Compressed {
        encoding: encoding
            .chars()
            .filter(|c| !c.is_control())
            .take(40)
            .collect(),
    })
}

/// A timeout as whole seconds for a sentence, never "0 s".
pub(crate) fn whole_secs(timeout: Duration) -> u64 {
    timeout.as_secs_f64().round().max(1.0) as u64
}
