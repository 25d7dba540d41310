//! Links handed to the one Downpour window of a person: by a second start of `downpour` (a
//! list file double-clicked, `downpour list.txt` in a terminal) and by the browser extension
//! through the native host. Engine-free and window-free, so that the native host and a second
//! start never load the window. Everything that arrives here is untrusted: a size cap, a strict
//! schema (unknown fields are refused, so a message naming a folder, a setting or a command is
//! refused whole), `http`/`https` links only, at most [`MAX_LINKS`] of them, and cookies only
//! for the hosts of the links sent.

pub mod frame;
pub mod install;
pub mod native;
#[cfg(windows)]
pub mod pipe;
pub mod socket;

use serde::{Deserialize, Serialize};
use url::Url;

/// The most bytes one message may have (the JSON, without its length prefix).
pub const MAX_MESSAGE: usize = 1024 * 1024;
/// The most links one message may carry.
pub const MAX_LINKS: usize = 10_000;
/// The most cookies one message may carry.
const MAX_COOKIES: usize = 1_000;
/// The longest User-Agent or cookie taken.
const MAX_TEXT: usize = 4096;

/// Links for the window, with what the browser knew about them. Also the wire format (JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handoff {
    /// What the person asked for: these links in the links box, or the page's links to
    /// choose from.
    #[serde(default, skip_serializing_if = "Kind::is_links")]
    pub kind: Kind,
    /// The links, in order.
    pub links: Vec<Link>,
    /// The page the links were on: sent as the Referer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The browser's User-Agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// The cookies the browser holds for the links' hosts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cookies: Vec<Cookie>,
}

/// What a message asks the window to do with its links.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Add them to the links box (a link, the selected links, a list file).
    #[default]
    Links,
    /// All links on a page (the extension's "All links on this page…"): the window opens its
    /// page dialog with them, to choose from, and adds nothing by itself. Needs `page`.
    Page,
}

impl Kind {
    fn is_links(&self) -> bool {
        *self == Kind::Links
    }
}

/// One link handed over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// The address: `http` or `https` only.
    pub url: String,
    /// The file name the page suggests (its `download` attribute): made a plain name inside
    /// the save folder when read, never a path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The expected SHA-256 (from a list file's `sha256:` note), 64 hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// One cookie of the browser's. Its `Debug` leaves the value out.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cookie {
    /// The cookie's domain (a leading dot allowed): one of the links' hosts, or a parent.
    pub domain: String,
    /// Its name.
    pub name: String,
    /// Its value: never stored, shown or logged.
    pub value: String,
    /// Its path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Whether it is sent over https only.
    #[serde(default)]
    pub secure: bool,
}

impl std::fmt::Debug for Cookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cookie")
            .field("domain", &self.domain)
            .field("name", &self.name)
            .field("value", &"(not shown)")
            .finish_non_exhaustive()
    }
}

/// Why a message was refused, said to the person (through the extension or the terminal).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// More than [`MAX_MESSAGE`] bytes.
    #[error("The message from the browser is too large ({0} bytes; at most 1 MiB is taken).")]
    TooLarge(u64),
    /// The message ended before its length said.
    #[error("The message from the browser was cut short; nothing was added.")]
    Truncated,
    /// Not the JSON Downpour expects (malformed, wrong types, unknown fields such as a folder).
    #[error(
        "The message from the browser is not one Downpour understands ({0}); nothing was added."
    )]
    Malformed(String),
    /// No link in a message from the browser.
    #[error("The browser sent no link.")]
    NoLinks,
    /// Too many links.
    #[error("The browser sent {0} links; at most 10,000 are taken at once. Nothing was added.")]
    TooManyLinks(usize),
    /// A link that is not a web address.
    #[error("“{0}” is not a web address (http or https); nothing was added.")]
    NotWebLink(String),
    /// A User-Agent, page or cookie that cannot be sent as a header.
    #[error("The browser sent a {0} that cannot be used; nothing was added.")]
    BadField(&'static str),
    /// A cookie for a site none of the links is on.
    #[error("The browser sent a cookie for {0}, which none of the links is on; nothing was added.")]
    ForeignCookie(String),
    /// The window's socket is there but the window did not answer.
    #[error("Downpour's window did not answer ({0}).")]
    WindowSilent(String),
    /// No window ran and none could be started.
    #[error("Downpour could not be started ({0}).")]
    NotStarted(String),
    /// The window closed before it took the links.
    #[error("Downpour's window closed before it took the links; nothing was added.")]
    WindowClosed,
    /// This system has no hand-off to the window.
    #[error(
        "Sending links from the browser does not work on this system yet; copy them into Downpour's links box instead."
    )]
    NoHandoffHere,
    /// A window was started but did not listen in time.
    #[error("Downpour was started but its window did not open within 10 seconds.")]
    WindowLate,
}

impl Refusal {
    /// The sentence in the person's language (the system's: the window's setting is not
    /// known outside it).
    pub fn sentence(&self) -> String {
        crate::gui::i18n::Lang::from_system().refusal(self)
    }
}

impl Handoff {
    /// Reads and checks one message's JSON. A suggested file name is made a plain, safe
    /// name (as a server's is: [`downpour::names::sanitize`]) rather than refused: a page's odd
    /// `download` attribute does not cost the person the links.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Refusal> {
        if bytes.len() > MAX_MESSAGE {
            return Err(Refusal::TooLarge(bytes.len() as u64));
        }
        let mut handoff: Self =
            serde_json::from_slice(bytes).map_err(|err| Refusal::Malformed(err.to_string()))?;
        handoff.check()?;
        for link in &mut handoff.links {
            link.name = link
                .name
                .take()
                .filter(|name| !name.trim().is_empty())
                .map(|name| downpour::names::sanitize(&name));
        }
        Ok(handoff)
    }

    /// The checks of the schema: web links only and not too many, usable headers, cookies
    /// only for the links' hosts.
    pub fn check(&self) -> Result<(), Refusal> {
        if self.links.len() > MAX_LINKS {
            return Err(Refusal::TooManyLinks(self.links.len()));
        }
        let mut hosts = Vec::new();
        for link in &self.links {
            let url = web_url(&link.url)?;
            if let Some(host) = url.host_str() {
                hosts.push(host.to_ascii_lowercase());
            }
            if let Some(sum) = &link.sha256
                && (sum.len() != 64 || !sum.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                return Err(Refusal::BadField("checksum"));
            }
        }
        match &self.page {
            Some(page) => {
                web_url(page).map_err(|_| Refusal::BadField("page address"))?;
            }
            None if self.kind == Kind::Page => return Err(Refusal::BadField("page address")),
            None => {}
        }
        if let Some(agent) = &self.user_agent
            && !header_safe(agent)
        {
            return Err(Refusal::BadField("User-Agent"));
        }
        self.check_cookies(&hosts)
    }

    fn check_cookies(&self, hosts: &[String]) -> Result<(), Refusal> {
        if self.cookies.len() > MAX_COOKIES {
            return Err(Refusal::BadField("cookie list"));
        }
        for cookie in &self.cookies {
            let cookie_text = [&cookie.name, &cookie.value, &cookie.domain];
            if cookie.name.is_empty()
                || !cookie_text.iter().all(|t| header_safe(t))
                || cookie.name.contains(['=', ';', ' ']) // not a cookie name
                || cookie.value.contains(';')
            {
                return Err(Refusal::BadField("cookie"));
            }
            let domain = cookie.domain.trim_start_matches('.').to_ascii_lowercase();
            let on_a_link = !domain.is_empty()
                && hosts.iter().any(|host| {
                    host == &domain
                        || domain.contains('.')
                            && host
                                .strip_suffix(domain.as_str())
                                .is_some_and(|rest| rest.ends_with('.'))
                });
            if !on_a_link {
                return Err(Refusal::ForeignCookie(shorten(&cookie.domain)));
            }
        }
        Ok(())
    }

    /// The links as lines of the links box (with their `sha256:` notes).
    pub fn box_text(&self) -> String {
        let mut text = String::new();
        for link in &self.links {
            text.push_str(&link.url);
            if let Some(sum) = &link.sha256 {
                text.push_str(" sha256:");
                text.push_str(sum);
            }
            text.push('\n');
        }
        text
    }
}

/// `text` as an `http`/`https` address, or the refusal naming it.
fn web_url(text: &str) -> Result<Url, Refusal> {
    match Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => Ok(url),
        _ => Err(Refusal::NotWebLink(shorten(text))),
    }
}

/// Whether `text` can go into a header: not too long, no control characters (no CR/LF).
fn header_safe(text: &str) -> bool {
    text.len() <= MAX_TEXT && !text.chars().any(char::is_control)
}

/// At most 80 characters of `text`, for a sentence.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests;
