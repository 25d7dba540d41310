//! What a run tells the sites and through which proxy it reaches them: the proxy, the
//! User-Agent, a Referer, the person's own headers, a cookies file and logins. The secrets
//! among them (passwords, cookies, header values) are kept as [`Secret`]s: sent where they
//! belong, never shown or stored.

use std::path::PathBuf;

use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use super::cookies::{BrowserCookie, CookieFile};
use super::netrc::Netrc;
use super::proxy::ProxySetting;
use crate::redact::Secret;

/// How a run reaches the sites.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// The proxy the connections go through.
    pub proxy: ProxySetting,
    /// What the requests say the program is.
    pub user_agent: UserAgent,
    /// The page the links were found on, sent as `Referer` (hotlink protection) for the links
    /// that carry no page of their own ([`crate::Job::referer`] wins for its link).
    pub referer: Option<Url>,
    /// The person's own headers, sent only to the host of each listed link.
    pub headers: Vec<SiteHeader>,
    /// A cookies.txt file, read by [`Access::load`].
    pub cookies_file: Option<PathBuf>,
    /// The cookies of `cookies_file`, each sent only where it belongs.
    pub cookies: Option<CookieFile>,
    /// Cookies a browser handed over with the links (never saved), joined to the file's by
    /// [`Access::load`].
    pub browser_cookies: Vec<BrowserCookie>,
    /// The user name and password for the hosts of the listed links that ask (401).
    pub login: Option<Login>,
    /// Whether the logins of `~/.netrc` (or `$NETRC`) are used, read by [`Access::load`].
    pub use_netrc: bool,
    /// The logins of `~/.netrc`, for any host that asks.
    pub netrc: Option<Netrc>,
    /// Whether a site that asks for a login the run lacks is asked about through an
    /// [`crate::model::Event::LoginWanted`] (the window), rather than failing at once.
    pub ask_logins: bool,
    /// Where the run's questions and answers are kept (set by the run when `ask_logins`).
    pub desk: Option<std::sync::Arc<super::asking::LoginDesk>>,
}

impl Access {
    /// Reads the cookies file and `.netrc` if not read yet: a file that cannot be used is a
    /// sentence before any request.
    pub fn load(&mut self) -> Result<(), AccessError> {
        if let Some(path) = &self.cookies_file
            && self.cookies.is_none()
        {
            self.cookies = Some(CookieFile::read(path)?);
        }
        if !self.browser_cookies.is_empty() {
            let browser = std::mem::take(&mut self.browser_cookies);
            match &mut self.cookies {
                Some(file) => file.add_browser(&browser),
                None => self.cookies = Some(CookieFile::of_browser(&browser)),
            }
        }
        if self.use_netrc && self.netrc.is_none() {
            self.netrc = Netrc::of_this_user()?;
        }
        Ok(())
    }

    /// The login for the host of `asking`, which asked for one while fetching `listed`: the
    /// person's own for the listed link's host, else the `.netrc` entry for the host.
    pub(crate) fn login_for(&self, asking: &Url, listed: &Url) -> Option<(String, Secret)> {
        if let Some(login) = &self.login
            && same_host(asking, listed)
        {
            return Some((login.user.clone(), login.password.clone()));
        }
        self.netrc.as_ref()?.login_for(asking.host_str()?)
    }
}

/// Whether two addresses name the same host (the person's headers and login belong to it).
pub(crate) fn same_host(a: &Url, b: &Url) -> bool {
    a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
}

/// What the requests say the program is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum UserAgent {
    /// `Downpour/<version>`.
    #[default]
    Downpour,
    /// A current desktop web browser's, for sites that refuse programs.
    Browser,
    /// The person's own text.
    Custom(String),
}

/// The User-Agent of a current desktop Firefox.
pub const BROWSER_USER_AGENT: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";

impl UserAgent {
    /// Reads `--user-agent`: `browser` for a web browser's, `downpour` for Downpour's own,
    /// else the text itself (one line).
    pub fn parse(text: &str) -> Result<Self, AccessError> {
        let text = text.trim();
        match text.to_ascii_lowercase().as_str() {
            "" | "downpour" => Ok(Self::Downpour),
            "browser" => Ok(Self::Browser),
            _ if HeaderValue::from_str(text).is_err() => Err(AccessError::BadUserAgent),
            _ => Ok(Self::Custom(text.to_owned())),
        }
    }

    /// The header's text.
    pub fn text(&self) -> &str {
        match self {
            Self::Downpour => super::USER_AGENT,
            Self::Browser => BROWSER_USER_AGENT,
            Self::Custom(text) => text,
        }
    }
}

/// A header of the person's own (`Name: value`), whose value is a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteHeader {
    /// The header's name.
    pub name: HeaderName,
    /// Its value.
    pub value: Secret,
}

/// Headers Downpour sets itself, which a header of the person's would break.
const RESERVED: [&str; 9] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "range",
    "if-range",
    "te",
    "upgrade",
    "proxy-authorization",
];

impl SiteHeader {
    /// Reads `Name: value`; a value with a line break (which would start another header) is
    /// refused.
    pub fn parse(text: &str) -> Result<Self, AccessError> {
        let Some((name, value)) = text.split_once(':') else {
            return Err(AccessError::HeaderFormat);
        };
        let name = name.trim();
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            return Err(AccessError::HeaderName {
                name: shown_name(name),
            });
        };
        if RESERVED.contains(&header.as_str()) {
            return Err(AccessError::HeaderReserved {
                name: name.to_owned(),
            });
        }
        let value = value.trim_matches([' ', '\t']);
        if value.contains(['\r', '\n']) {
            return Err(AccessError::HeaderLineBreak {
                name: name.to_owned(),
            });
        }
        if HeaderValue::from_str(value).is_err() {
            return Err(AccessError::HeaderValue {
                name: name.to_owned(),
            });
        }
        Ok(Self {
            name: header,
            value: Secret::new(value),
        })
    }
}

/// A header name that is not one, as it may be shown: printable and short.
fn shown_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(40).collect()
}

/// A user name and password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// The user name.
    pub user: String,
    /// The password.
    pub password: Secret,
}

/// Why a proxy, header, cookies file or login the person gave cannot be used. Nothing is
/// downloaded until it is corrected. No sentence repeats a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// The proxy is not an address.
    #[error("the proxy must be an address such as http://host:port or socks5h://host:port")]
    BadProxy,
    /// The proxy's scheme is not one Downpour speaks.
    #[error(
        "a proxy address starts with http://, https://, socks5:// or socks5h://, not {scheme}://"
    )]
    ProxyScheme {
        /// The scheme given.
        scheme: String,
    },
    /// The hosts that bypass the proxy hold a line break or another control character.
    #[error("the hosts that bypass the proxy must be one line, separated by commas")]
    BadBypass,
    /// A header without a colon.
    #[error("a header is written as Name: value")]
    HeaderFormat,
    /// A header name with characters a name cannot have.
    #[error("'{name}' cannot be the name of a header")]
    HeaderName {
        /// The name, printable characters only.
        name: String,
    },
    /// A header Downpour sets itself.
    #[error("the header {name} is set by Downpour itself")]
    HeaderReserved {
        /// The name.
        name: String,
    },
    /// A header value with a line break.
    #[error("the value of the header {name} has a line break, which is not allowed")]
    HeaderLineBreak {
        /// The name.
        name: String,
    },
    /// A header value with other control characters.
    #[error("the value of the header {name} has a control character, which is not allowed")]
    HeaderValue {
        /// The name.
        name: String,
    },
    /// The Referer is not a web address.
    #[error("the Referer must be an http:// or https:// address")]
    BadReferer,
    /// The User-Agent is not one line of text.
    #[error("the User-Agent must be one line of text")]
    BadUserAgent,
    /// The login has no user name.
    #[error("a login is written as NAME or NAME:PASSWORD")]
    BadLogin,
    /// The cookies file could not be read.
    #[error("the cookies file {name} cannot be read: {reason}")]
    CookiesUnreadable {
        /// The file as the person named it.
        name: String,
        /// A short lower-case reason.
        reason: String,
    },
    /// The file is not in the cookies.txt format.
    #[error(
        "{name} is not a cookies file (line {line} is not in the cookies.txt format that \
         browser extensions export)"
    )]
    NotCookies {
        /// The file as the person named it.
        name: String,
        /// The first line that is not a cookie (1-based).
        line: usize,
    },
    /// `--user NAME` without a password, where nobody can type it.
    #[error("give the password as --user NAME:PASSWORD (no terminal to ask it on)")]
    NoPassword,
    /// A `.netrc` file that exists could not be read.
    #[error("the logins file {name} cannot be read: {reason}")]
    NetrcUnreadable {
        /// The file.
        name: String,
        /// A short lower-case reason.
        reason: String,
    },
}

/// Reads a Referer: an http(s) address.
pub fn parse_referer(text: &str) -> Result<Url, AccessError> {
    Url::parse(text.trim())
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .ok_or(AccessError::BadReferer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_one_line_and_never_downpours_own() {
        let header = SiteHeader::parse("X-Token:  abc def ").unwrap();
        assert_eq!(header.name.as_str(), "x-token");
        assert_eq!(header.value.expose(), "abc def");
        assert!(!format!("{header:?}").contains("abc"));
        assert_eq!(
            SiteHeader::parse("X-Evil: a\r\nHost: other"),
            Err(AccessError::HeaderLineBreak {
                name: "X-Evil".into()
            })
        );
        assert_eq!(
            SiteHeader::parse("no colon"),
            Err(AccessError::HeaderFormat)
        );
        assert_eq!(
            SiteHeader::parse("Range: bytes=0-"),
            Err(AccessError::HeaderReserved {
                name: "Range".into()
            })
        );
        assert!(matches!(
            SiteHeader::parse("Bad Name: x"),
            Err(AccessError::HeaderName { .. })
        ));
        assert_eq!(UserAgent::parse("browser"), Ok(UserAgent::Browser));
        assert_eq!(UserAgent::parse("a\nb"), Err(AccessError::BadUserAgent));
        assert!(parse_referer("ftp://x/").is_err());
    }
}
