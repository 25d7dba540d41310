//! One HTTP conversation for every connection of a download: the request (the whole file, or a
//! range of one version with `If-Range`) and the reading of its answer. The whole-file path
//! and the piece path both ask and check here, so that a rule — which status, which
//! Content-Range, which version — holds on both: no answer is written into a file unless it
//! is exactly the bytes asked for, of the version being written.

use std::time::{Duration, SystemTime};

use reqwest::header::{
    CONTENT_RANGE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, LAST_MODIFIED,
    RANGE, RETRY_AFTER,
};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use url::Url;

/// What a request asks for: bytes `start..end` (`end` `None`: to the end of the file) of the
/// version `version` of a file of `total` bytes (`None` where not known yet).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Ask<'a> {
    /// The first byte (0: the whole file, without `Range`).
    pub(crate) start: u64,
    /// One past the last byte, when the range has an end.
    pub(crate) end: Option<u64>,
    /// The file's size, when known.
    pub(crate) total: Option<u64>,
    /// The version being written (strong ETag, else Last-Modified), when known.
    pub(crate) version: Option<&'a str>,
    /// A version saved before: the whole file is asked for only if the server no longer has
    /// it (`If-None-Match` for an ETag, `If-Modified-Since` for a date), else it answers 304
    /// Not Modified.
    pub(crate) unless: Option<&'a str>,
    /// Only the headers (`HEAD`): what the file is, without any of its bytes (the check of a
    /// list before Start, see [`crate::check`]).
    pub(crate) head: bool,
    /// The page the link came from ([`crate::Job::referer`]): sent as the Referer instead of
    /// the run's.
    pub(crate) referer: Option<&'a Url>,
}

impl Ask<'_> {
    /// Whether the request carries a `Range`.
    fn ranged(&self) -> bool {
        self.start > 0 || self.end.is_some()
    }
}

/// The request for `ask` at `url`: a plain GET for the whole file, or `Range` with `If-Range`
/// (so that a server that honours it sends the whole new version instead of a part of it).
pub(crate) fn request(client: &Client, url: &Url, ask: &Ask<'_>) -> RequestBuilder {
    let mut request = if ask.head {
        client.head(url.clone())
    } else {
        client.get(url.clone())
    };
    if ask.ranged() {
        let range = match ask.end {
            Some(end) => format!("bytes={}-{}", ask.start, end.saturating_sub(1)),
            None => format!("bytes={}-", ask.start),
        };
        request = request.header(RANGE, range);
        if let Some(version) = ask.version {
            request = request.header(IF_RANGE, version);
        }
    }
    match ask.unless {
        Some(saved) if saved.starts_with('"') || saved.starts_with("W/") => {
            request.header(IF_NONE_MATCH, saved)
        }
        Some(saved) => request.header(IF_MODIFIED_SINCE, saved),
        None => request,
    }
}

/// Whether `response` says the server still has the file saved as `size` bytes of version
/// `version`: 304 Not Modified, or the whole file under that same version and size (a server
/// that ignores the condition). With no version saved, the same size and no version named.
pub(crate) fn still_has(response: &Response, size: u64, version: Option<&str>) -> bool {
    still_has_of(
        response.status(),
        response.headers(),
        response.content_length(),
        size,
        version,
    )
}

/// [`still_has`] of an answer's status, headers and announced length (a `HEAD` answer
/// announces the file's length in its headers, while its body is empty).
pub(crate) fn still_has_of(
    status: StatusCode,
    headers: &HeaderMap,
    length: Option<u64>,
    size: u64,
    version: Option<&str>,
) -> bool {
    if status == StatusCode::NOT_MODIFIED {
        return version.is_some();
    }
    status == StatusCode::OK && length == Some(size) && self::version(headers) == version
}

/// What an answer is, checked against what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// 200: the whole file, from byte 0 — of the version asked for (`same`) or another (or
    /// one that names none).
    Whole {
        /// Whether it names the version being written.
        same: bool,
    },
    /// 206: exactly the bytes asked for, of the file's size, of the version being written.
    Part,
    /// 206 of other bytes, or of a file of another size, under the same version: a server
    /// whose parts cannot be trusted.
    WrongRange,
    /// 206 of another version (or naming none): its bytes would mix two versions.
    OtherVersion,
    /// Anything else: an error status, 416, a redirect not followed.
    Refused(StatusCode),
}

/// Checks the status, Content-Range (first byte, last byte and size) and version of the
/// answer to `ask`.
pub(crate) fn verdict(response: &Response, ask: &Ask<'_>) -> Verdict {
    verdict_of(response.status(), response.headers(), ask)
}

fn verdict_of(status: StatusCode, headers: &HeaderMap, ask: &Ask<'_>) -> Verdict {
    let same = ask.version.is_some() && version(headers) == ask.version;
    if status == StatusCode::OK {
        return Verdict::Whole { same };
    }
    if status != StatusCode::PARTIAL_CONTENT {
        return Verdict::Refused(status);
    }
    let Some(range) = content_range(headers) else {
        return Verdict::WrongRange;
    };
    let last = ask.end.map(|end| end.saturating_sub(1));
    let total_ok = match (ask.total, range.total) {
        (Some(asked), Some(got)) => asked == got,
        (Some(_), None) => false,
        (None, _) => true,
    };
    let end_ok = match (last, range.total) {
        (Some(last), _) => range.last == last,
        (None, Some(total)) => range.last + 1 == total,
        (None, None) => true,
    };
    if !ask.ranged() || range.first != ask.start || !end_ok || !total_ok {
        return Verdict::WrongRange;
    }
    if same {
        Verdict::Part
    } else {
        Verdict::OtherVersion
    }
}

/// The version an answer names: its strong ETag, else its Last-Modified. A weak ETag names
/// no version whose bytes can be joined.
pub(crate) fn version(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(ETAG)
        .filter(|v| !v.as_bytes().starts_with(b"W/"))
        .or_else(|| headers.get(LAST_MODIFIED))
        .and_then(|v| v.to_str().ok())
}

/// A 206 answer's `Content-Range: bytes first-last/total` (`total` `None` for `*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ContentRange {
    first: u64,
    last: u64,
    /// The whole file's size, when the server names it.
    pub(crate) total: Option<u64>,
}

/// The `Content-Range` of an answer, when it is a valid one.
pub(crate) fn content_range(headers: &HeaderMap) -> Option<ContentRange> {
    let value = headers.get(CONTENT_RANGE)?.to_str().ok()?;
    let (range, total) = value.trim().strip_prefix("bytes ")?.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let (first, last) = (first.trim().parse().ok()?, last.trim().parse().ok()?);
    let total = match total.trim() {
        "*" => None,
        total => Some(total.parse().ok()?),
    };
    (first <= last && total.is_none_or(|t| last < t)).then_some(ContentRange { first, last, total })
}

/// How long the server asks to wait before the next request (`Retry-After`, in seconds or as
/// an HTTP date), as it said it — not bounded here.
pub(crate) fn retry_after(response: &Response) -> Option<Duration> {
    retry_after_of(response.headers(), SystemTime::now())
}

/// [`retry_after`] of an answer's headers, counted from `now` when it is a date.
pub(crate) fn retry_after_of(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// An HTTP date in its one current form, `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7).
fn http_date(text: &str) -> Option<SystemTime> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut words = text.split_whitespace().skip(1);
    let day: u64 = words.next()?.parse().ok()?;
    let month = words.next()?;
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let year: u64 = words.next()?.parse().ok()?;
    let mut clock = words.next()?.split(':').map(|n| n.parse::<u64>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    if words.next() != Some("GMT") {
        return None;
    }
    utc_time([year, month, day], [hour, minute, second])
}

/// The instant of a UTC date and time, `None` for one out of range or before 1970 (days since
/// 1970-01-01 of a proleptic Gregorian date: Howard Hinnant's days_from_civil).
pub(crate) fn utc_time(
    [year, month, day]: [u64; 3],
    [hour, minute, second]: [u64; 3],
) -> Option<SystemTime> {
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || year < 1970
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era_year = y % 400;
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = era_year * 365 + era_year / 4 - era_year / 100 + day_of_year;
    let days = ((y / 400) * 146_097 + day_of_era).checked_sub(719_468)?;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    const V1: &str = "\"v1\"";

    fn piece(start: u64, end: u64) -> Ask<'static> {
        Ask {
            start,
            end: Some(end),
            total: Some(1000),
            version: Some(V1),
            unless: None,
            head: false,
            referer: None,
        }
    }

    #[test]
    fn a_part_is_taken_only_when_range_size_and_version_are_those_asked() {
        let partial = StatusCode::PARTIAL_CONTENT;
        let of = |range: &str, etag: &str| {
            verdict_of(
                partial,
                &headers(&[("content-range", range), ("etag", etag)]),
                &piece(100, 200),
            )
        };
        assert_eq!(of("bytes 100-199/1000", V1), Verdict::Part);
        assert_eq!(of("bytes 100-199/1000", "\"v2\""), Verdict::OtherVersion);
        assert_eq!(of("bytes 100-199/1000", "W/\"v1\""), Verdict::OtherVersion);
        assert_eq!(of("bytes 101-199/1000", V1), Verdict::WrongRange);
        assert_eq!(of("bytes 100-150/1000", V1), Verdict::WrongRange);
        assert_eq!(of("bytes 100-199/1001", V1), Verdict::WrongRange);
        assert_eq!(of("bytes 100-199/*", V1), Verdict::WrongRange);
        assert_eq!(of("bytes 199-100/1000", V1), Verdict::WrongRange);
        assert_eq!(of("items 100-199/1000", V1), Verdict::WrongRange);
        let open = Ask {
            end: None,
            ..piece(100, 0)
        };
        let to_end = headers(&[("content-range", "bytes 100-999/1000"), ("etag", V1)]);
        assert_eq!(verdict_of(partial, &to_end, &open), Verdict::Part);
        let short = headers(&[("content-range", "bytes 100-998/1000"), ("etag", V1)]);
        assert_eq!(verdict_of(partial, &short, &open), Verdict::WrongRange);
        // A 206 to a request for the whole file is not what was asked.
        assert_eq!(
            verdict_of(partial, &to_end, &Ask::default()),
            Verdict::WrongRange
        );
    }

    #[test]
    fn a_whole_answer_says_whether_it_is_the_same_version() {
        let ok = StatusCode::OK;
        let same = headers(&[("etag", V1)]);
        assert_eq!(
            verdict_of(ok, &same, &piece(0, 10)),
            Verdict::Whole { same: true }
        );
        let dated = headers(&[("etag", "W/\"x\""), ("last-modified", "Mon, 01 Jan 2024")]);
        let by_date = Ask {
            version: Some("Mon, 01 Jan 2024"),
            ..piece(0, 10)
        };
        assert_eq!(
            verdict_of(ok, &dated, &by_date),
            Verdict::Whole { same: true }
        );
        assert_eq!(
            verdict_of(ok, &headers(&[]), &piece(0, 10)),
            Verdict::Whole { same: false }
        );
        assert_eq!(
            verdict_of(StatusCode::FORBIDDEN, &same, &piece(0, 10)),
            Verdict::Refused(StatusCode::FORBIDDEN)
        );
    }

    #[test]
    fn retry_after_is_read_in_seconds_or_as_a_date() {
        let now = http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            now.duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            784_111_777
        );
        let leap = http_date("Thu, 29 Feb 2024 00:00:00 GMT").unwrap();
        assert_eq!(
            leap.duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            1_709_164_800
        );
        let wait = |value: &str| retry_after_of(&headers(&[("retry-after", value)]), now);
        assert_eq!(wait("120"), Some(Duration::from_secs(120)));
        assert_eq!(wait("3600"), Some(Duration::from_secs(3600)));
        assert_eq!(
            wait("Sun, 06 Nov 1994 09:49:37 GMT"),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(wait("Sun, 06 Nov 1994 08:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(wait("soon"), None);
    }
}
