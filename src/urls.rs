//! Turns the text a person pasted (or a list file) into the URLs to download, keeping every
//! rejected line with its line number and a reason, so nothing is silently dropped.

use url::Url;

use crate::error::LineError;

/// One accepted line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlEntry {
    /// 1-based position among the valid URLs: the item's index in a run.
    pub index: usize,
    /// 1-based line number in the text.
    pub line: usize,
    /// The address to download (`https://` added when the line had no scheme).
    pub url: Url,
    /// The expected SHA-256 in lower-case hex, when the line carried `sha256:<hex>`.
    pub sha256: Option<String>,
}

/// One line that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedLine {
    /// 1-based line number in the text.
    pub line: usize,
    /// The line as written, trimmed and shortened for display.
    pub text: String,
    /// Why it was rejected.
    pub reason: LineError,
}

/// The result of reading a URL list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedList {
    /// The URLs to download, in input order.
    pub entries: Vec<UrlEntry>,
    /// The lines that were neither URLs, blank lines nor `#` comments.
    pub rejected: Vec<RejectedLine>,
}

/// Reads a URL list: one URL per line; blank lines and `#` comments are ignored; surrounding
/// spaces, quotes and angle brackets are trimmed; `example.com/a.zip` becomes
/// `https://example.com/a.zip`; an optional `sha256:<hex>` may follow the URL. Lines in the
/// `SHA256SUMS` format (`<hex>  <file name>`) give the expected hash of the URL whose name
/// matches. Duplicated URLs are kept, once per line.
pub fn parse_list(text: &str) -> ParsedList {
    let mut list = ParsedList::default();
    let mut sums: Vec<(String, String)> = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(sum) = checksum_line(line) {
            sums.push(sum);
            continue;
        }
        match parse_line(line) {
            Ok((url, sha256)) => list.entries.push(UrlEntry {
                index: list.entries.len() + 1,
                line: number + 1,
                url,
                sha256,
            }),
            Err(reason) => list.rejected.push(RejectedLine {
                line: number + 1,
                text: shorten(line, 120),
                reason,
            }),
        }
    }
    if !sums.is_empty() {
        for entry in list.entries.iter_mut().filter(|e| e.sha256.is_none()) {
            let name = crate::names::from_url(&entry.url);
            entry.sha256 = sums
                .iter()
                .find(|(_, file)| *file == name)
                .map(|(hex, _)| hex.clone());
        }
    }
    list
}

/// A `SHA256SUMS` line: 64 hex digits, white space, an optional `*`, a file name.
fn checksum_line(line: &str) -> Option<(String, String)> {
    let (hex, rest) = line.split_once(char::is_whitespace)?;
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let name = rest.trim_start().trim_start_matches('*').trim();
    (!name.is_empty()).then(|| (hex.to_ascii_lowercase(), name.to_owned()))
}

fn parse_line(line: &str) -> Result<(Url, Option<String>), LineError> {
    let mut tokens: Vec<&str> = line.split_whitespace().collect();
    let mut sha256 = None;
    if tokens.len() > 1
        && let Some(last) = tokens.last()
        && let Some(hex) = strip_prefix_ignore_case(last, "sha256:")
    {
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(LineError::BadChecksum);
        }
        sha256 = Some(hex.to_ascii_lowercase());
        tokens.pop();
    }
    let address = trim_quotes(&tokens.join(" "));
    Ok((parse_address(&address)?, sha256))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn trim_quotes(text: &str) -> String {
    text.trim_matches(|c: char| matches!(c, '"' | '\'' | '<' | '>' | '`') || c.is_whitespace())
        .to_owned()
}

/// Parses one address, adding `https://` when it has a host but no scheme.
fn parse_address(address: &str) -> Result<Url, LineError> {
    if address.is_empty() {
        return Err(LineError::Malformed {
            reason: "the line is empty".into(),
        });
    }
    let with_scheme = match scheme_of(address) {
        Some(scheme) if scheme == "http" || scheme == "https" => address.to_owned(),
        Some(scheme) => return Err(LineError::UnsupportedScheme { scheme }),
        None => {
            let host = address
                .split(['/', '?', '#'])
                .next()
                .unwrap_or_default()
                .rsplit('@')
                .next()
                .unwrap_or_default();
            let host = host.split(':').next().unwrap_or_default();
            if host.contains('.') || host.eq_ignore_ascii_case("localhost") {
                format!("https://{address}")
            } else {
                return Err(LineError::Malformed {
                    reason: "it has no http:// or https:// and no server name".into(),
                });
            }
        }
    };
    let url = Url::parse(&with_scheme).map_err(|err| LineError::Malformed {
        reason: err.to_string(),
    })?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(LineError::NoHost);
    }
    Ok(url)
}

/// The scheme of `address` if it has one: `x://…`, or `name:` followed by something that is not
/// a port number (so `example.com:8080/a` has none but `javascript:alert(1)` has one).
fn scheme_of(address: &str) -> Option<String> {
    let colon = address.find(':')?;
    let (head, rest) = (&address[..colon], &address[colon + 1..]);
    let looks_like_scheme = !head.is_empty()
        && head.starts_with(|c: char| c.is_ascii_alphabetic())
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !looks_like_scheme {
        return None;
    }
    let is_port = rest.starts_with(|c: char| c.is_ascii_digit()) && !rest.starts_with("//");
    (rest.starts_with("//") || !is_port).then(|| head.to_ascii_lowercase())
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max_chars).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_urls_comments_and_blank_lines() {
        let list = parse_list(
            "\u{feff}# my files\n\n  https://example.com/a.zip  \n\"http://example.com/b\"\nexample.org/c.txt\n",
        );
        let urls: Vec<_> = list.entries.iter().map(|e| e.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://example.com/a.zip",
                "http://example.com/b",
                "https://example.org/c.txt"
            ]
        );
        assert_eq!(list.entries[2].index, 3);
        assert_eq!(list.entries[2].line, 5);
        assert!(list.rejected.is_empty());
    }

    #[test]
    fn rejects_other_schemes_with_line_numbers() {
        let list = parse_list(
            "ftp://example.com/x\nfile:///etc/passwd\njavascript:alert(1)\ndata:text/plain,hi\nhello\nhttps://ok.example/\n",
        );
        assert_eq!(list.entries.len(), 1);
        assert_eq!(list.entries[0].index, 1);
        let reasons: Vec<_> = list
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.to_string()))
            .collect();
        assert_eq!(
            reasons[0],
            (
                1,
                "only http:// and https:// links can be downloaded, not ftp:".to_owned()
            )
        );
        assert_eq!(
            reasons[2].1,
            "only http:// and https:// links can be downloaded, not javascript:"
        );
        assert_eq!(
            reasons[3].1,
            "only http:// and https:// links can be downloaded, not data:"
        );
        assert_eq!(reasons[4].0, 5);
        assert!(reasons[4].1.starts_with("this is not a web address"));
    }

    #[test]
    fn keeps_ports_and_duplicates() {
        let list = parse_list("localhost:8080/a\nexample.com:81/b\nexample.com:81/b\n");
        let urls: Vec<_> = list.entries.iter().map(|e| e.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://localhost:8080/a",
                "https://example.com:81/b",
                "https://example.com:81/b"
            ]
        );
    }

    #[test]
    fn sha256sums_lines_give_hashes_by_file_name() {
        let a = "a".repeat(64);
        let b = "B".repeat(64);
        let list = parse_list(&format!(
            "https://e.com/dl/one.iso\nhttps://e.com/two.iso\n{a}  one.iso\n{b} *two.iso\n"
        ));
        assert!(list.rejected.is_empty());
        assert_eq!(list.entries[0].sha256.as_deref(), Some(&*a));
        assert_eq!(list.entries[1].sha256.as_deref(), Some(&*b.to_lowercase()));
    }

    #[test]
    fn reads_checksums() {
        let hex = "AB".repeat(32);
        let list = parse_list(&format!(
            "https://e.com/f.iso  sha256:{hex}\nhttps://e.com/g sha256:12\n"
        ));
        assert_eq!(
            list.entries[0].sha256.as_deref(),
            Some(&*hex.to_lowercase())
        );
        assert_eq!(list.rejected[0].reason, LineError::BadChecksum);
    }
}
