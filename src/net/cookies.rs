//! Cookies from a `cookies.txt` file — the Netscape format that browser extensions export and
//! curl, wget and yt-dlp read — put into the run's cookie jar, which sends each cookie only to
//! its domain and path (and a secure one only over https) until it expires, and keeps the
//! cookies servers set during the run.

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::cookie::Jar;
use url::Url;

use super::access::AccessError;
use crate::redact::Secret;

/// The largest cookies file read (browsers export a few hundred KiB at most).
const MAX_SIZE: u64 = 16 * 1024 * 1024;

/// The cookies of a cookies.txt file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieFile {
    /// The file as the person named it (kept, unlike the cookies, in the saved list).
    pub path: std::path::PathBuf,
    cookies: Vec<FileCookie>,
}

/// A cookie a browser handed over with its links (through the window's hand-off), for the
/// host of one of those links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserCookie {
    /// Its domain; with a leading dot it also goes to the subdomains.
    pub domain: String,
    /// Its path.
    pub path: String,
    /// Whether it goes over https only.
    pub secure: bool,
    /// Its name.
    pub name: String,
    /// Its value, never shown.
    pub value: Secret,
}

/// One line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileCookie {
    /// The host, without a leading dot.
    host: String,
    /// Whether the cookie goes to the host's subdomains too.
    subdomains: bool,
    path: String,
    secure: bool,
    http_only: bool,
    /// Seconds since 1970 when it expires; 0 for a cookie of the session.
    expires: i64,
    name: String,
    value: Secret,
}

impl CookieFile {
    /// Reads the cookies file at `path`; a file that is not one is refused with a sentence.
    pub fn read(path: &Path) -> Result<Self, AccessError> {
        let name = path.display().to_string();
        let unreadable = |err: &std::io::Error| AccessError::CookiesUnreadable {
            name: name.clone(),
            reason: crate::error::describe_io(err),
        };
        let size = std::fs::metadata(path)
            .map_err(|err| unreadable(&err))?
            .len();
        if size > MAX_SIZE {
            return Err(AccessError::NotCookies { name, line: 1 });
        }
        let bytes = std::fs::read(path).map_err(|err| unreadable(&err))?;
        let Ok(text) = String::from_utf8(bytes) else {
            return Err(AccessError::NotCookies { name, line: 1 });
        };
        let cookies = parse(&text).map_err(|line| AccessError::NotCookies { name, line })?;
        Ok(Self {
            path: path.to_owned(),
            cookies,
        })
    }

    /// The cookies a browser handed over, added to those of the file (a session's cookies:
    /// they expire with the run's jar).
    pub fn add_browser(&mut self, cookies: &[BrowserCookie]) {
        self.cookies.extend(cookies.iter().map(|cookie| FileCookie {
            host: cookie.domain.trim_start_matches('.').to_ascii_lowercase(),
            subdomains: cookie.domain.starts_with('.'),
            path: if cookie.path.starts_with('/') {
                cookie.path.clone()
            } else {
                "/".to_owned()
            },
            secure: cookie.secure,
            http_only: false,
            expires: 0,
            name: cookie.name.clone(),
            value: cookie.value.clone(),
        }));
    }

    /// No cookie yet (only a browser's, added by [`Self::add_browser`]).
    pub fn of_browser(cookies: &[BrowserCookie]) -> Self {
        let mut file = Self {
            path: std::path::PathBuf::new(),
            cookies: Vec::new(),
        };
        file.add_browser(cookies);
        file
    }

    /// How many cookies the file holds.
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// Whether the file holds no cookie.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }
}

/// The cookies of `text`, or the number of the first line that is not a cookie (a file with
/// neither cookies nor the format's heading is not a cookies file: line 1).
fn parse(text: &str) -> Result<Vec<FileCookie>, usize> {
    let mut cookies = Vec::new();
    let mut heading = false;
    for (at, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let (line, http_only) = match line.strip_prefix("#HttpOnly_") {
            Some(rest) => (rest, true),
            None => (line, false),
        };
        if !http_only && line.starts_with('#') {
            heading |= line.contains("HTTP Cookie File");
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        cookies.push(parse_line(line, http_only).ok_or(at + 1)?);
    }
    if cookies.is_empty() && !heading {
        return Err(1);
    }
    Ok(cookies)
}

/// One tab-separated line: domain, subdomains, path, secure, expiry, name, value.
fn parse_line(line: &str, http_only: bool) -> Option<FileCookie> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [domain, subdomains, path, secure, expires, name, rest @ ..] = fields.as_slice() else {
        return None;
    };
    let value = match rest {
        [] => "",
        [value] => value,
        _ => return None,
    };
    let flag = |text: &str| match text {
        "TRUE" => Some(true),
        "FALSE" => Some(false),
        _ => None,
    };
    let host = domain.trim_start_matches('.');
    let plain = |text: &str| !text.contains(|c: char| c.is_control() || c == ';');
    let good = !host.is_empty()
        && Url::parse(&format!("http://{host}/")).is_ok()
        && path.starts_with('/')
        && !name.is_empty()
        && plain(name)
        && !name.contains('=')
        && plain(value)
        && plain(path);
    if !good {
        return None;
    }
    Some(FileCookie {
        host: host.to_ascii_lowercase(),
        subdomains: flag(subdomains)? || domain.starts_with('.'),
        path: (*path).to_owned(),
        secure: flag(secure)?,
        http_only,
        expires: expires.trim().parse().ok()?,
        name: (*name).to_owned(),
        value: Secret::new(value.to_owned()),
    })
}

/// A new cookie jar for a run, holding the file's cookies that have not expired.
pub(crate) fn jar(file: Option<&CookieFile>) -> Arc<Jar> {
    let jar = Arc::new(Jar::default());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() as i64);
    for cookie in file.map_or(&[][..], |file| &file.cookies) {
        if cookie.expires != 0 && cookie.expires <= now {
            continue;
        }
        let scheme = if cookie.secure { "https" } else { "http" };
        let Ok(url) = Url::parse(&format!("{scheme}://{}{}", cookie.host, cookie.path)) else {
            continue;
        };
        let mut text = format!(
            "{}={}; Path={}",
            cookie.name,
            cookie.value.expose(),
            cookie.path
        );
        if cookie.subdomains {
            text.push_str(&format!("; Domain={}", cookie.host));
        }
        if cookie.secure {
            text.push_str("; Secure");
        }
        if cookie.http_only {
            text.push_str("; HttpOnly");
        }
        if cookie.expires != 0 {
            text.push_str(&format!("; Max-Age={}", cookie.expires - now));
        }
        jar.add_cookie_str(&text, &url);
    }
    jar
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::cookie::CookieStore;

    const FILE: &str = "# Netscape HTTP Cookie File\n\
        # exported\n\
        .example.org\tTRUE\t/\tFALSE\t0\tsid\tall-of-example\n\
        #HttpOnly_files.example.org\tFALSE\t/private\tTRUE\t4102444800\ttoken\tsecure-one\n\
        old.example.org\tFALSE\t/\tFALSE\t1000\tgone\tlong-expired\n\
        127.0.0.1\tFALSE\t/\tFALSE\t0\tlocal\tv\n";

    /// The cookies sent to `url`, in name order.
    fn sent(jar: &Jar, url: &str) -> String {
        let header = jar
            .cookies(&Url::parse(url).unwrap())
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let mut pairs: Vec<&str> = header.split("; ").filter(|p| !p.is_empty()).collect();
        pairs.sort_unstable();
        pairs.join("; ")
    }

    #[test]
    fn a_browsers_cookies_go_only_where_they_belong_too() {
        let cookie = |domain: &str, name: &str, secure: bool| BrowserCookie {
            domain: domain.into(),
            path: "/".into(),
            secure,
            name: name.into(),
            value: Secret::new(format!("{name}-v")),
        };
        let file = CookieFile::of_browser(&[
            cookie(".example.org", "wide", false),
            cookie("dl.example.org", "host", false),
            cookie("dl.example.org", "safe", true),
        ]);
        let jar = jar(Some(&file));
        assert_eq!(
            sent(&jar, "http://dl.example.org/f"),
            "host=host-v; wide=wide-v"
        );
        assert_eq!(
            sent(&jar, "https://dl.example.org/f"),
            "host=host-v; safe=safe-v; wide=wide-v"
        );
        assert_eq!(sent(&jar, "https://www.example.org/f"), "wide=wide-v");
        assert_eq!(sent(&jar, "https://example.net/f"), "");
    }

    #[test]
    fn cookies_go_only_where_they_belong() {
        let cookies = parse(FILE).unwrap();
        assert_eq!(cookies.len(), 4);
        assert!(cookies[1].http_only && cookies[1].secure);
        let file = CookieFile {
            path: "cookies.txt".into(),
            cookies,
        };
        let jar = jar(Some(&file));
        assert_eq!(sent(&jar, "http://www.example.org/a"), "sid=all-of-example");
        // The secure, HttpOnly cookie: only over https, only under its path, only its host.
        assert_eq!(
            sent(&jar, "https://files.example.org/private/x"),
            "sid=all-of-example; token=secure-one"
        );
        assert_eq!(
            sent(&jar, "http://files.example.org/private/x"),
            "sid=all-of-example"
        );
        assert_eq!(
            sent(&jar, "https://files.example.org/public"),
            "sid=all-of-example"
        );
        assert_eq!(
            sent(&jar, "https://other.example.org/private/x"),
            "sid=all-of-example"
        );
        // The expired one is gone.
        assert_eq!(sent(&jar, "http://old.example.org/"), "sid=all-of-example");
        assert_eq!(sent(&jar, "http://example.com/"), "");
        assert_eq!(sent(&jar, "http://127.0.0.1:8080/f"), "local=v");
        assert!(!format!("{file:?}").contains("secure-one"));
    }

    #[test]
    fn other_files_are_not_cookies() {
        assert_eq!(parse("http://example.org/a.zip\n"), Err(1));
        assert_eq!(parse(""), Err(1));
        assert_eq!(
            parse("# Netscape HTTP Cookie File\nexample.org\tTRUE\t/\n").map(|c| c.len()),
            Err(2)
        );
        assert_eq!(
            parse("# Netscape HTTP Cookie File\n").map(|c| c.len()),
            Ok(0)
        );
        assert_eq!(
            parse("a.org\tMAYBE\t/\tFALSE\t0\tn\tv\n").map(|c| c.len()),
            Err(1)
        );
    }
}
