//! Which proxy a run's connections go through — the system's (the environment variables, and
//! the Windows and macOS settings), none, or one the person gave — and how a failing proxy is
//! told apart from a failing site, so that the sentence names the proxy.

use hyper_util::client::proxy::matcher::Matcher;
use url::Url;

use super::access::AccessError;
use crate::error::DownloadError;

/// The proxy setting of a run.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum ProxySetting {
    /// The system's proxy: `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (upper or
    /// lower case), else the Windows or macOS proxy settings.
    #[default]
    System,
    /// Every link directly, whatever the system says.
    Off,
    /// One proxy for every link but the hosts of `bypass`.
    Manual {
        /// `http://`, `https://`, `socks5://` or `socks5h://`, with its user name and password
        /// if it needs them.
        proxy: Url,
        /// Hosts reached directly, as `NO_PROXY` lists them (`example.org, .lan, 10.0.0.0/8`).
        bypass: String,
    },
}

impl std::fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::System => f.write_str("System"),
            Self::Off => f.write_str("Off"),
            Self::Manual { proxy, bypass } => f
                .debug_struct("Manual")
                .field("proxy", &crate::redact::url(proxy))
                .field("bypass", bypass)
                .finish(),
        }
    }
}

/// The proxy schemes Downpour can use.
const SCHEMES: [&str; 4] = ["http", "https", "socks5", "socks5h"];

impl ProxySetting {
    /// Reads a proxy as a person writes it: `none`, `system`, or an address (`host:port`
    /// means `http://host:port`), with the hosts that bypass it. The error never repeats the
    /// text, which may hold a password.
    pub fn parse(text: &str, bypass: &str) -> Result<Self, AccessError> {
        let text = text.trim();
        match text.to_ascii_lowercase().as_str() {
            "" | "system" => return Ok(Self::System),
            "none" | "off" | "direct" => return Ok(Self::Off),
            _ => {}
        }
        let with_scheme = if text.contains("://") {
            text.to_owned()
        } else {
            format!("http://{text}")
        };
        let proxy = Url::parse(&with_scheme).map_err(|_| AccessError::BadProxy)?;
        if !SCHEMES.contains(&proxy.scheme()) {
            return Err(AccessError::ProxyScheme {
                scheme: proxy.scheme().to_owned(),
            });
        }
        if proxy.host_str().is_none_or(str::is_empty) {
            return Err(AccessError::BadProxy);
        }
        if bypass.chars().any(char::is_control) {
            return Err(AccessError::BadBypass);
        }
        Ok(Self::Manual {
            proxy,
            bypass: bypass.trim().to_owned(),
        })
    }

    /// Applies the setting to a client being built.
    pub(crate) fn apply(
        &self,
        builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, reqwest::Error> {
        Ok(match self {
            // reqwest reads the system's proxy itself (the same way as `matcher`).
            Self::System => builder,
            Self::Off => builder.no_proxy(),
            Self::Manual { proxy, bypass } => builder.proxy(
                reqwest::Proxy::all(proxy.as_str())?
                    .no_proxy(reqwest::NoProxy::from_string(bypass)),
            ),
        })
    }

    /// The same choice of proxy per address as the client makes.
    fn matcher(&self) -> Option<Matcher> {
        match self {
            Self::System => Some(Matcher::from_system()),
            Self::Off => None,
            Self::Manual { proxy, bypass } => Some(
                Matcher::builder()
                    .all(proxy.as_str().to_owned())
                    .no(bypass.clone())
                    .build(),
            ),
        }
    }

    /// The proxy `url` goes through, as it may be shown (`socks5h://127.0.0.1:1080`, never
    /// its password), or `None` for a direct connection.
    pub fn shown_for(&self, url: &Url) -> Option<String> {
        let uri: http::Uri = url.as_str().parse().ok()?;
        let intercept = self.matcher()?.intercept(&uri)?;
        let proxy = intercept.uri();
        let scheme = proxy.scheme_str().unwrap_or("http");
        let authority = proxy.authority()?.as_str();
        let host = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        Some(format!("{scheme}://{host}"))
    }
}

/// What went wrong with the proxy `proxy` on the way to `url`, when the error's causes show
/// it was the proxy and not the site.
pub(crate) fn proxy_failure(err: &reqwest::Error, proxy: &str, url: &Url) -> Option<DownloadError> {
    let texts: Vec<String> = super::classify::causes(err)
        .map(|cause| cause.to_string())
        .collect();
    let said = |needle: &str| texts.iter().any(|text| text.contains(needle));
    let proxy = proxy.to_owned();
    let login = [
        "proxy authorization required",
        "credentials not accepted",
        "does not support user/pass",
        "implements authentication incorrectly",
    ];
    if login.iter().any(|needle| said(needle)) {
        return Some(DownloadError::ProxyLogin { proxy });
    }
    if said("error resolving for socks proxy") {
        // socks5:// looks the site's name up here, before the proxy is asked.
        return Some(DownloadError::UnknownHost {
            host: crate::redact::host(url),
        });
    }
    let socks = texts
        .iter()
        .find_map(|text| text.strip_prefix("SOCKS error: "));
    let unreachable = said("failed to create underlying connection")
        || (err.is_connect() && socks.is_none() && !said("tunnel error"));
    if unreachable {
        return Some(DownloadError::ProxyUnreachable {
            proxy,
            reason: io_reason(err),
        });
    }
    let no_route = said("tunnel error: unsuccessful")
        || socks.is_some_and(|said| SOCKS_NO_ROUTE.contains(&said));
    if no_route {
        return Some(DownloadError::ProxyNoRoute {
            proxy,
            host: crate::redact::host(url),
        });
    }
    let not_a_proxy = socks.is_some()
        || said("tunnel error")
        || super::classify::find_cause::<hyper::Error>(err).is_some_and(hyper::Error::is_parse);
    not_a_proxy.then_some(DownloadError::NotAProxy { proxy })
}

/// The failure an answer to `url` stands for when it is an HTTP proxy's own error page for a
/// plain-http site it could not reach, not the site's answer: through an HTTP proxy the
/// proxy itself answers an `http://` link (no tunnel), so "the server answered 502" would
/// blame the site for the proxy's dead end. The signal: a 500, 502, 503 or 504 that the
/// proxy did not mark as forwarded — a proxy adds `Via` to every answer it forwards (RFC 9110
/// 7.6.3; tinyproxy's own "Unable to connect" page has none, a site's 502 through it has one) —
/// or that it names as its own (`Proxy-Status` with an error, RFC 9209; Squid's
/// `X-Squid-Error`). A proxy set never to add `Via` makes a site's 5xx read as the proxy's.
pub(crate) fn own_error_page(
    setting: &ProxySetting,
    url: &Url,
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
) -> Option<DownloadError> {
    if url.scheme() != "http" || !matches!(status.as_u16(), 500 | 502 | 503 | 504) {
        return None;
    }
    let proxy = setting.shown_for(url)?;
    if !(proxy.starts_with("http://") || proxy.starts_with("https://")) {
        return None;
    }
    let named_own = headers.contains_key("x-squid-error")
        || headers
            .get_all("proxy-status")
            .iter()
            .any(|value| String::from_utf8_lossy(value.as_bytes()).contains("error="));
    let forwarded = headers.contains_key(reqwest::header::VIA);
    (named_own || !forwarded).then(|| DownloadError::ProxyNoRoute {
        proxy,
        host: crate::redact::host(url),
    })
}

/// A SOCKS5 proxy's answers that it could not or would not reach the site.
const SOCKS_NO_ROUTE: [&str; 7] = [
    "general server failure",
    "connection not allowed",
    "network unreachable",
    "host unreachable",
    "connection refused",
    "ttl expired",
    "address type not supported",
];

/// Why a connection to the proxy failed, as the second half of a sentence.
fn io_reason(err: &reqwest::Error) -> String {
    let io = super::classify::causes(err).find_map(|e| e.downcast_ref::<std::io::Error>());
    match io.map(std::io::Error::kind) {
        Some(std::io::ErrorKind::ConnectionRefused) => "connection refused".to_owned(),
        Some(std::io::ErrorKind::TimedOut) => "the connection timed out".to_owned(),
        Some(_) => io.map_or_else(String::new, |io| crate::error::lower_first(&io.to_string())),
        None => "the connection failed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_read_as_people_write_them_and_never_show_a_password() {
        assert_eq!(ProxySetting::parse(" ", ""), Ok(ProxySetting::System));
        assert_eq!(ProxySetting::parse("None", ""), Ok(ProxySetting::Off));
        let manual = ProxySetting::parse("ann:pw@127.0.0.1:3128", "lan").unwrap();
        let ProxySetting::Manual { proxy, bypass } = &manual else {
            panic!("manual");
        };
        assert_eq!(proxy.as_str(), "http://ann:pw@127.0.0.1:3128/");
        assert_eq!(bypass, "lan");
        assert!(!format!("{manual:?}").contains("pw@"));
        let target = Url::parse("https://files.example/a.zip").unwrap();
        assert_eq!(
            manual.shown_for(&target).as_deref(),
            Some("http://127.0.0.1:3128")
        );
        let direct = Url::parse("http://nas.lan/a.zip").unwrap();
        assert_eq!(manual.shown_for(&direct), None);
        assert_eq!(ProxySetting::Off.shown_for(&target), None);
        let socks = ProxySetting::parse("socks5h://u:p@127.0.0.1:1080", "").unwrap();
        assert_eq!(
            socks.shown_for(&target).as_deref(),
            Some("socks5h://127.0.0.1:1080")
        );
        assert_eq!(
            ProxySetting::parse("ftp://x:secret@h:1", ""),
            Err(AccessError::ProxyScheme {
                scheme: "ftp".into()
            })
        );
        assert_eq!(
            ProxySetting::parse("http://", ""),
            Err(AccessError::BadProxy)
        );
    }

    #[test]
    fn only_a_proxys_own_error_page_for_a_plain_http_link_is_read_as_the_proxys() {
        use reqwest::StatusCode;
        use reqwest::header::{HeaderMap, HeaderValue};
        let http = ProxySetting::parse("http://127.0.0.1:3128", "").unwrap();
        let socks = ProxySetting::parse("socks5h://127.0.0.1:1080", "").unwrap();
        let plain = Url::parse("http://files.example/a.zip").unwrap();
        let secure = Url::parse("https://files.example/a.zip").unwrap();
        let bare = HeaderMap::new();
        let mut via = HeaderMap::new();
        via.insert("via", HeaderValue::from_static("1.1 vm (tinyproxy/1.11.1)"));
        let mut squid = via.clone();
        squid.insert(
            "x-squid-error",
            HeaderValue::from_static("ERR_CONNECT_FAIL 111"),
        );
        let mut status = via.clone();
        status.insert(
            "proxy-status",
            HeaderValue::from_static("proxy; error=connection_refused"),
        );
        let own = |setting: &ProxySetting, url: &Url, code: u16, headers: &HeaderMap| {
            own_error_page(setting, url, StatusCode::from_u16(code).unwrap(), headers)
        };
        assert_eq!(
            own(&http, &plain, 500, &bare),
            Some(DownloadError::ProxyNoRoute {
                proxy: "http://127.0.0.1:3128".into(),
                host: "files.example".into()
            })
        );
        for headers in [&squid, &status] {
            assert!(own(&http, &plain, 503, headers).is_some());
        }
        // The site's own answer, forwarded; another status; not through an HTTP proxy; a
        // tunnel (the site answered); no proxy at all.
        assert_eq!(own(&http, &plain, 502, &via), None);
        assert_eq!(own(&http, &plain, 404, &bare), None);
        assert_eq!(own(&socks, &plain, 502, &bare), None);
        assert_eq!(own(&http, &secure, 502, &bare), None);
        assert_eq!(own(&ProxySetting::Off, &plain, 502, &bare), None);
    }
}
