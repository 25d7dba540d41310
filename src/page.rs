//! Files on a web page: most batches start as a page with forty PDFs on it, not as a list.
//! A page is fetched with the run's network settings and read as a stream (`lol_html`), so
//! memory stays bounded whatever it holds; every link and embedded file on it (`a`, `area`,
//! `img`, `source`, `video`, `audio`, `track`, `embed`, `object`, and `link` to files) is
//! resolved against the page's address and its `<base>`, deduplicated, and offered with its
//! type. A page is untrusted: only `http` and `https` links are taken, at most
//! [`MAX_PAGE_BYTES`] of it are read and at most [`MAX_PAGE_LINKS`] links kept.

mod filter;

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use lol_html::{HtmlRewriter, MemorySettings, Settings, element};
use url::Url;

use crate::error::DownloadError;
use crate::options::RunConfig;

pub use filter::{FileType, LinkFilter, PatternError, Rules};

/// The most of a page that is read: 20 MiB.
pub const MAX_PAGE_BYTES: u64 = 20 * 1024 * 1024;

/// The most links one page offers.
pub const MAX_PAGE_LINKS: usize = 100_000;

/// The most memory the HTML reader may hold at once (a tag whose text arrives in many
/// pieces is kept until it ends).
const READER_MEMORY: usize = 8 * 1024 * 1024;

/// One link found on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    /// The absolute address, without its `#fragment`.
    pub url: Url,
    /// The name the file would be saved as.
    pub name: String,
    /// Its type, told by the name's extension.
    pub file_type: Option<FileType>,
}

impl PageLink {
    /// The link to `url`, with its name and type.
    pub fn new(url: Url) -> Self {
        let name = crate::names::from_url(&url);
        let file_type = FileType::of_name(&name);
        Self {
            url,
            name,
            file_type,
        }
    }
}

/// Why a page was read only in part; each is a sentence for the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageNote {
    /// The page is larger than [`MAX_PAGE_BYTES`].
    #[error("the page is larger than 20 MiB; only the links in its first 20 MiB are shown")]
    TooLarge,
    /// The page holds more than [`MAX_PAGE_LINKS`] links.
    #[error(
        "the page has more than 100,000 links; only the first 100,000 are shown ({left_out} more left out)"
    )]
    TooManyLinks {
        /// Links past the limit.
        left_out: usize,
    },
    /// The HTML could not be read on (a tag larger than the reader may hold).
    #[error("part of the page could not be read as a web page; the links after it are not shown")]
    Unreadable,
}

/// The links of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLinks {
    /// The page's address (after redirects).
    pub page: Url,
    /// Every link found, in page order, each once.
    pub links: Vec<PageLink>,
    /// What was left out, if anything.
    pub notes: Vec<PageNote>,
}

/// Why a page's links could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// Only `http://` and `https://` pages are fetched.
    #[error("only http:// and https:// web pages can be read, not '{scheme}:'")]
    NotWeb {
        /// The address's scheme.
        scheme: String,
    },
    /// The server sends a file here, not a web page.
    #[error("this address is a file ({kind}), not a web page: add it to the links to download it")]
    NotAPage {
        /// The Content-Type the server gave.
        kind: String,
    },
    /// The request failed (no server, an error status, a broken connection…).
    #[error("{0}")]
    Download(#[from] DownloadError),
    /// A saved page could not be read from the disk.
    #[error("the saved page {name} cannot be read: {reason}")]
    Unreadable {
        /// The file's name.
        name: String,
        /// A short lower-case reason.
        reason: String,
    },
}

/// What has been found so far, shared by the reader's element handlers.
struct Found {
    /// Where relative links point from: the page, or its first `<base href>`.
    base: Url,
    /// Whether a `<base>` was already taken (the first one counts).
    based: bool,
    /// Every kept address, to drop duplicates.
    seen: HashSet<String>,
    links: Vec<PageLink>,
    left_out: usize,
}

impl Found {
    /// Takes the attribute value `raw` as a link, if it is an http(s) address not seen
    /// before; `files_only` keeps only addresses of a known file type.
    fn take(&mut self, raw: &str, files_only: bool) {
        let Ok(mut url) = self.base.join(&decode_entities(raw)) else {
            return;
        };
        if !matches!(url.scheme(), "http" | "https") {
            return;
        }
        url.set_fragment(None);
        if self.seen.contains(url.as_str()) {
            return;
        }
        let link = PageLink::new(url);
        if files_only && link.file_type.is_none() {
            return;
        }
        if self.links.len() >= MAX_PAGE_LINKS {
            self.left_out += 1;
            return;
        }
        self.seen.insert(link.url.as_str().to_owned());
        self.links.push(link);
    }

    fn set_base(&mut self, raw: &str) {
        if self.based {
            return;
        }
        self.based = true;
        if let Ok(base) = self.base.join(&decode_entities(raw))
            && matches!(base.scheme(), "http" | "https")
        {
            self.base = base;
        }
    }
}

/// Discards the rewriter's output: only the links are wanted.
fn discard(_: &[u8]) {}

/// The HTML reader, whose output is discarded.
type Rewriter = HtmlRewriter<'static, fn(&[u8])>;

/// Reads a page's HTML piece by piece as it arrives, keeping only its links.
pub struct LinkReader {
    page: Url,
    found: Rc<RefCell<Found>>,
    rewriter: Option<Rewriter>,
    read: u64,
    notes: Vec<PageNote>,
}

/// A tag, its attribute that holds a link, and whether only links to files count.
type LinkAttribute = (&'static str, &'static str, bool);

/// The attributes that hold links.
const LINK_ATTRIBUTES: &[LinkAttribute] = &[
    ("a", "href", false),
    ("area", "href", false),
    ("img", "src", false),
    ("source", "src", false),
    ("video", "src", false),
    ("video", "poster", false),
    ("audio", "src", false),
    ("track", "src", false),
    ("embed", "src", false),
    ("object", "data", false),
    ("link", "href", true),
];

impl LinkReader {
    /// A reader of the page at `page` (relative links resolve against it).
    pub fn new(page: &Url) -> Self {
        let found = Rc::new(RefCell::new(Found {
            base: page.clone(),
            based: false,
            seen: HashSet::new(),
            links: Vec::new(),
            left_out: 0,
        }));
        let base_found = Rc::clone(&found);
        let mut settings = Settings::new()
            .with_strict(false)
            .with_memory_settings(
                MemorySettings::new().with_max_allowed_memory_usage(READER_MEMORY),
            )
            .append_element_content_handler(element!("base[href]", move |el| {
                if let Some(href) = el.get_attribute("href") {
                    base_found.borrow_mut().set_base(&href);
                }
                Ok(())
            }));
        for &(tag, attribute, files_only) in LINK_ATTRIBUTES {
            let found = Rc::clone(&found);
            let selector = format!("{tag}[{attribute}]");
            settings = settings.append_element_content_handler(element!(selector, move |el| {
                if let Some(value) = el.get_attribute(attribute) {
                    found.borrow_mut().take(&value, files_only);
                }
                Ok(())
            }));
        }
        Self {
            page: page.clone(),
            found,
            rewriter: Some(HtmlRewriter::new(settings, discard as fn(&[u8]))),
            read: 0,
            notes: Vec::new(),
        }
    }

    /// Reads the next piece of the page; false once nothing more will be read (the size
    /// limit is reached, or the HTML cannot be read on).
    pub fn feed(&mut self, chunk: &[u8]) -> bool {
        let room = MAX_PAGE_BYTES.saturating_sub(self.read);
        let take = chunk.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        self.read += take as u64;
        let Some(rewriter) = self.rewriter.as_mut() else {
            return false;
        };
        if rewriter.write(&chunk[..take]).is_err() {
            self.rewriter = None;
            self.notes.push(PageNote::Unreadable);
            return false;
        }
        if take < chunk.len() {
            self.notes.push(PageNote::TooLarge);
            return false;
        }
        true
    }

    /// The links found, with what was left out.
    pub fn finish(mut self) -> PageLinks {
        if let Some(rewriter) = self.rewriter.take()
            && rewriter.end().is_err()
        {
            self.notes.push(PageNote::Unreadable);
        }
        let mut found = self.found.borrow_mut();
        if found.left_out > 0 {
            self.notes.push(PageNote::TooManyLinks {
                left_out: found.left_out,
            });
        }
        PageLinks {
            page: self.page,
            links: std::mem::take(&mut found.links),
            notes: self.notes,
        }
    }
}

/// The links in the HTML text `html` of the page at `page`.
pub fn links_in_html(page: &Url, html: &[u8]) -> PageLinks {
    let mut reader = LinkReader::new(page);
    reader.feed(html);
    reader.finish()
}

/// The links of a page saved as the file `path` (dropped on From a web page…), read as a
/// stream like a fetched page, so memory stays bounded whatever its size. Relative links are
/// resolved against the page's `<base>`, else `address` (where the page came from, when the
/// person typed it); without either only absolute `http(s)` links can be taken.
pub fn read_saved_page(
    path: &std::path::Path,
    address: Option<&Url>,
) -> Result<PageLinks, PageError> {
    use std::io::Read;
    let unreadable = |err: &std::io::Error| PageError::Unreadable {
        name: crate::names::display_name(path),
        reason: crate::error::describe_io(err),
    };
    let base = address.cloned().or_else(|| {
        let whole = std::fs::canonicalize(path).ok()?;
        Url::from_file_path(whole).ok()
    });
    let Some(base) = base.or_else(|| Url::parse("file:///saved-page.html").ok()) else {
        return Err(PageError::NotWeb {
            scheme: "file".to_owned(),
        });
    };
    let mut file = std::fs::File::open(path).map_err(|err| unreadable(&err))?;
    let mut reader = LinkReader::new(&base);
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut chunk).map_err(|err| unreadable(&err))?;
        if n == 0 || !reader.feed(&chunk[..n]) {
            break;
        }
    }
    Ok(reader.finish())
}

/// Fetches the page at `page` with the run's network settings (`config`: proxy, cookies,
/// login, headers, Referer, timeouts, redirect rules, TLS) and reads its links as they arrive.
pub fn fetch_page(page: &Url, config: &RunConfig) -> Result<PageLinks, PageError> {
    if !matches!(page.scheme(), "http" | "https") {
        return Err(PageError::NotWeb {
            scheme: page.scheme().to_owned(),
        });
    }
    let mut config = config.clone();
    config.access.load().map_err(DownloadError::Access)?;
    let jar = crate::net::cookies::jar(config.access.cookies.as_ref());
    let (runtime, clients) = crate::net::event_loop(&config, &jar, 1)?;
    runtime.block_on(read_page(&clients.whole, page, &config))
}

/// Asks for the page and feeds its body to a [`LinkReader`].
async fn read_page(
    client: &reqwest::Client,
    page: &Url,
    config: &RunConfig,
) -> Result<PageLinks, PageError> {
    use crate::net::classify;
    let whole = crate::net::answer::Ask::default();
    let mut response = crate::net::send::get(client, config, page, page, &whole).await?;
    let status = response.status();
    if !status.is_success() {
        return Err(DownloadError::Status {
            code: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("error").to_owned(),
        }
        .into());
    }
    if let Some(kind) = not_a_page(&response) {
        return Err(PageError::NotAPage { kind });
    }
    let mut reader = LinkReader::new(response.url());
    let mut got = 0;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                got += chunk.len() as u64;
                if !reader.feed(&chunk) {
                    break;
                }
            }
            Ok(None) => break,
            Err(err) => return Err(classify::read_error(&err, got, None, config).into()),
        }
    }
    Ok(reader.finish())
}

/// The answer's Content-Type when it says the body is not a web page (HTML, XHTML or text;
/// no type at all is taken as a page).
fn not_a_page(response: &reqwest::Response) -> Option<String> {
    let kind = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)?
        .to_str()
        .ok()?;
    let essence = kind
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let page = essence.is_empty()
        || essence.starts_with("text/")
        || essence.contains("html")
        || essence.contains("xml");
    (!page).then(|| essence.chars().take(80).collect())
}

/// An attribute value with its character references decoded (`&amp;` → `&`, `&#47;` → `/`);
/// lol_html gives values as written.
fn decode_entities(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains('&') {
        return raw.into();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests;
