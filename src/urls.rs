//! Turns the text a person pasted (or a list file) into the URLs to download, keeping every
//! rejected line with its line number and a reason, so nothing is silently dropped. Lists come
//! as people really keep them: one link a line, notes with links among the words, markdown, CSV
//! and TSV tables, whole HTML pages; `textlinks` finds the links inside such text.

use std::borrow::Cow;
use std::collections::HashSet;
use std::rc::Rc;

use url::Url;

use crate::error::LineError;
use crate::pasted;
pub use crate::ranges::RangedLine;
use crate::textlinks::{self, Found};

/// One accepted link of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlEntry {
    /// 1-based position among the valid URLs: the item's index in a run.
    pub index: usize,
    /// 1-based line number in the text (a line may hold several links).
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
    /// The URLs to download, in the order they appear.
    pub entries: Vec<UrlEntry>,
    /// The lines that could not be used, each with its reason.
    pub rejected: Vec<RejectedLine>,
    /// How many of `entries` were taken from inside other text (a sentence, a markdown or HTML
    /// link, a cell of a table) rather than from a line holding just the link, so that the
    /// window can tell the person.
    pub from_text: usize,
    /// Lines without a link that were passed over as prose or markup instead of being
    /// rejected one by one (see [`parse_list`]); counted so that none goes unseen.
    pub ignored: usize,
    /// How many of `entries` repeat the address of an earlier one (each would be downloaded
    /// again, under another name).
    pub duplicates: usize,
    /// The 1-based lines whose every link repeats an earlier one: what [`drop_lines`] removes
    /// when the person chooses to drop the duplicates.
    pub duplicate_lines: Vec<usize>,
    /// Links after the first [`MAX_LINKS`], which were not taken.
    pub left_out: usize,
    /// The links written as numbered ranges (`photo[001-120].jpg`), each with what it became.
    pub ranged: Vec<RangedLine>,
}

/// The most links one list gives: a paste of hundreds of thousands of lines is read only up to
/// here (with a sentence), so that memory stays bounded.
pub const MAX_LINKS: usize = 100_000;

impl ParsedList {
    fn push(&mut self, line: usize, link: Link) {
        self.from_text += usize::from(link.inside_text);
        self.entries.push(UrlEntry {
            index: self.entries.len() + 1,
            line,
            url: link.url,
            sha256: link.sha256,
        });
    }

    fn reject(&mut self, line: usize, text: &str, reason: LineError) {
        self.rejected.push(RejectedLine {
            line,
            text: shorten(text, 120),
            reason,
        });
    }
}

/// Reads a URL list into the links to download, in the order they appear, numbered 1..n.
///
/// A line holding one address: blank lines and `#` comments are skipped; surrounding spaces,
/// quotes and angle brackets are trimmed; `example.com/a.zip` becomes
/// `https://example.com/a.zip`; an optional `sha256:<hex>` may follow. Lines in the `SHA256SUMS`
/// format (`<hex>  <file name>`) give the expected hash of the URL whose name matches.
/// Duplicated URLs are kept, once per line.
///
/// A line holding `http://` or `https://` links among other words (`- https://x/a.zip`,
/// `https://x/a.zip  my notes`, markdown, an `<a href>`) yields each link, without the
/// punctuation around it; a `sha256:<hex>` at its end belongs to its last link. When the lines
/// form a CSV or TSV table, every cell holding a link yields it, and a first row without links
/// is its header. An HTML document (from a line starting with a doctype or `<html>` to
/// `</html>`) yields the `href` and `src` links of its tags, each once.
///
/// A line without any link is rejected with its reason, as a typo in a list of links should be
/// shown. Text that is not a list is different: a page of prose with a few links would
/// otherwise bury one real mistake under dozens of "not a web address" lines, and every line of
/// an HTML document without a link is markup. So in an HTML document, and in text where some
/// line holds a link among words (notes, a copied web page), a line without a link is only
/// counted in [`ParsedList::ignored`] unless it looks like an attempted address (it holds `://`,
/// or is one word with a `/`), which is still rejected with its reason.
///
/// Numbered ranges (`photo[001-120].jpg`, `{jpg,png}`: see [`crate::ranges`]) make one link
/// per value; [`parse_list_with`] can take them literally instead.
pub fn parse_list(text: &str) -> ParsedList {
    parse_list_with(text, true)
}

/// [`parse_list`], with numbered ranges expanded (`ranges`) or taken as written.
pub fn parse_list_with(text: &str, ranges: bool) -> ParsedList {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader {
        ranges,
        table: table_delimiter(text),
        prose: false,
        html: false,
        first_row: true,
        sums: Vec::new(),
    };
    reader.prose = reader.table.is_some();
    let mut readings = Vec::new();
    let (mut links_read, mut left_out) = (0, 0);
    for (number, raw) in text.lines().enumerate() {
        let line = pasted::tidy_line(raw);
        let Some(reading) = reader.read(&line) else {
            continue;
        };
        // Past the cap, lines are only counted: memory stays bounded whatever the paste.
        if links_read >= MAX_LINKS {
            left_out += reading.links();
            continue;
        }
        links_read += reading.links();
        readings.push((number + 1, line, reading));
    }
    let mut list = assemble(readings, reader.prose);
    list.left_out += left_out;
    if !reader.sums.is_empty() {
        for entry in list.entries.iter_mut().filter(|e| e.sha256.is_none()) {
            let name = crate::names::from_url(&entry.url);
            entry.sha256 = reader
                .sums
                .iter()
                .find(|(_, file)| *file == name)
                .map(|(hex, _)| hex.clone());
        }
    }
    list
}

/// What the lines read so far say about the next one.
struct Reader {
    /// Whether numbered ranges are expanded.
    ranges: bool,
    /// The delimiter when the text is a CSV or TSV table.
    table: Option<char>,
    /// Whether the text reads as prose (see [`parse_list`]).
    prose: bool,
    /// Whether the line is inside an HTML document.
    html: bool,
    /// Whether the next row of a table is its first.
    first_row: bool,
    /// The `SHA256SUMS` lines: hash and file name.
    sums: Vec<(String, String)>,
}

impl Reader {
    /// What `line` (trimmed) yields; `None` for a line that yields nothing (blank, a
    /// comment, a checksum line).
    fn read(&mut self, line: &str) -> Option<Reading> {
        if line.is_empty() {
            return None;
        }
        // An HTML document runs from its opening line to `</html>`, so that a saved page
        // pasted or dropped after other links is still read as a page.
        self.html = self.html || textlinks::opens_html(line);
        let reading = if self.html {
            self.html = !textlinks::closes_html(line);
            read_html_line(line)
        } else if line.starts_with('#') {
            return None;
        } else if let Some(sum) = checksum_line(line) {
            self.sums.push(sum);
            return None;
        } else if let Some(delimiter) = self.table {
            let reading = read_table_row(line, delimiter, self.first_row, self.ranges);
            self.first_row = false;
            reading
        } else {
            let reading = read_text_line(line, self.ranges);
            self.prose |=
                matches!(&reading, Reading::Links(links, _) if links.iter().any(|l| l.inside_text));
            reading
        };
        Some(reading)
    }
}

/// `text` without the lines numbered in `lines` (1-based, ascending, as
/// [`ParsedList::duplicate_lines`] gives them).
pub fn drop_lines(text: &str, lines: &[usize]) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut dropped = lines.iter().peekable();
    for (number, line) in text.lines().enumerate() {
        if dropped.next_if_eq(&&(number + 1)).is_some() {
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

/// The delimiter when the text's lines (blank lines and comments aside) form a CSV or TSV table.
fn table_delimiter(text: &str) -> Option<char> {
    let rows: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .take(200)
        .collect();
    textlinks::table_delimiter(&rows)
}

/// A link taken from a line.
struct Link {
    url: Url,
    sha256: Option<String>,
    /// Taken from among other text, not from a line holding just the link.
    inside_text: bool,
    /// A link of an HTML document, taken once however often the page repeats it.
    once: bool,
    /// The numbered ranges it was made from, if it was.
    pattern: Option<Rc<str>>,
}

/// What one line yields, before the whole text is known.
enum Reading {
    /// The links in the line, and why a link-like part of it is not an address, if one is not.
    Links(Vec<Link>, Option<LineError>),
    /// No http(s) link: the line read as one address, as every line of a plain list is.
    Address {
        result: Result<Vec<Link>, LineError>,
        /// Whether it looks like an attempted address rather than prose (see [`parse_list`]).
        looks_like_address: bool,
    },
    /// A line of an HTML document without a link.
    Markup,
    /// The header row of a table.
    Header,
}

impl Reading {
    /// How many links the line gives at most.
    fn links(&self) -> usize {
        match self {
            Reading::Links(links, _) => links.len(),
            Reading::Address { result, .. } => result.as_ref().map_or(0, Vec::len),
            Reading::Markup | Reading::Header => 0,
        }
    }
}

/// Puts the lines' readings together. Lines without links are judged here, once it is known
/// whether the text reads as prose (`prose`: a table, or some line with links among words).
fn assemble(readings: Vec<(usize, Cow<'_, str>, Reading)>, prose: bool) -> ParsedList {
    let mut list = ParsedList::default();
    let mut taker = Taker::default();
    for (line, text, reading) in readings {
        let (links, broken) = match reading {
            Reading::Links(links, broken) => (links, broken),
            Reading::Address {
                result,
                looks_like_address,
            } if !prose || looks_like_address => match result {
                Ok(links) => (links, None),
                Err(reason) => (Vec::new(), Some(reason)),
            },
            Reading::Address { .. } | Reading::Markup => {
                list.ignored += 1;
                continue;
            }
            Reading::Header => continue,
        };
        taker.take(&mut list, line, links, broken.is_none());
        if let Some(reason) = broken {
            list.reject(line, &text, reason);
        }
    }
    list
}

/// What the links taken so far say about the next ones.
#[derive(Default)]
struct Taker {
    /// The addresses of an HTML document's links.
    on_page: HashSet<String>,
    /// Every address taken.
    seen: HashSet<String>,
    /// The ranges the last link taken was made from.
    pattern: Option<Rc<str>>,
}

impl Taker {
    /// Takes the `links` of `line` (`whole`: the line has no broken link) into `list`, up to
    /// [`MAX_LINKS`], counting duplicates and what ranges became.
    fn take(&mut self, list: &mut ParsedList, line: usize, links: Vec<Link>, whole: bool) {
        let (mut taken, mut repeated) = (0, 0);
        for link in links {
            // A page that links a file twice (a picture and its caption) means it once.
            if link.once && !self.on_page.insert(link.url.as_str().to_owned()) {
                continue;
            }
            if list.entries.len() >= MAX_LINKS {
                list.left_out += 1;
                continue;
            }
            self.note_range(list, line, &link);
            taken += 1;
            if !self.seen.insert(link.url.as_str().to_owned()) {
                repeated += 1;
                list.duplicates += 1;
            }
            list.push(line, link);
        }
        if taken > 0 && repeated == taken && whole {
            list.duplicate_lines.push(line);
        }
    }

    /// Counts `link` in the summary of the ranges it was made from.
    fn note_range(&mut self, list: &mut ParsedList, line: usize, link: &Link) {
        let Some(pattern) = &link.pattern else {
            self.pattern = None;
            return;
        };
        let name = crate::names::from_url(&link.url);
        match (&self.pattern, list.ranged.last_mut()) {
            (Some(current), Some(last)) if Rc::ptr_eq(current, pattern) => {
                last.count += 1;
                last.last = name;
            }
            _ => {
                self.pattern = Some(Rc::clone(pattern));
                list.ranged.push(RangedLine {
                    line,
                    pattern: crate::ranges::shown(pattern),
                    count: 1,
                    first: name.clone(),
                    last: name,
                });
            }
        }
    }
}

/// Reads a line of a list, notes or prose.
fn read_text_line(line: &str, ranges: bool) -> Reading {
    let (body, sha256) = match split_checksum(line) {
        Ok(split) => split,
        Err(reason) => return Reading::Links(Vec::new(), Some(reason)),
    };
    let found = textlinks::find_links(body, false);
    if found.is_empty() {
        let words: Vec<&str> = body.split_whitespace().collect();
        // Among words, the one with `://` is the address the line is about (`Mirror at
        // ftp://…` is explained by its `ftp:`); otherwise the whole line is one address.
        let address = match words.iter().find(|word| word.contains("://")) {
            Some(word) if words.len() > 1 => trim_quotes(textlinks::trim_trailing(
                word.trim_start_matches(['(', '[']),
            )),
            _ => trim_quotes(&words.join(" ")),
        };
        let looks_like_address =
            address.contains("://") || (words.len() == 1 && address.contains('/'));
        let result = links_of(&address, false, ranges).map(|mut links| {
            if let Some(last) = links.last_mut() {
                last.sha256 = sha256;
            }
            links
        });
        return Reading::Address {
            result,
            looks_like_address,
        };
    }
    let plain = found.len() == 1 && trim_quotes(body) == found[0].text;
    let (mut links, broken) = parse_found(found, !plain, ranges);
    if let Some(last) = links.last_mut() {
        last.sha256 = sha256;
    }
    Reading::Links(links, broken)
}

/// Reads a line of an HTML document: its `href` and `src` links count, and a line that is
/// nothing but a link (text in a `<pre>`, say), not the address text in its prose or scripts.
fn read_html_line(line: &str) -> Reading {
    let mut found = textlinks::find_links(line, true);
    if found.is_empty() {
        found = textlinks::find_links(line, false);
        if found.len() != 1 || trim_quotes(line) != found[0].text {
            return Reading::Markup;
        }
    }
    let (mut links, broken) = parse_found(found, true, false);
    for link in &mut links {
        link.once = true;
    }
    Reading::Links(links, broken)
}

/// Reads a row of a CSV or TSV table: every cell's links. A row of one cell reads as a line.
fn read_table_row(row: &str, delimiter: char, first: bool, ranges: bool) -> Reading {
    let cells = textlinks::split_cells(row, delimiter);
    if cells.len() < 2 {
        return read_text_line(row, ranges);
    }
    let found: Vec<Found> = cells
        .iter()
        .flat_map(|cell| textlinks::find_links(cell.trim(), false))
        .collect();
    if found.is_empty() {
        return if first {
            Reading::Header
        } else {
            Reading::Links(Vec::new(), Some(LineError::NoLinkInRow))
        };
    }
    let (links, broken) = parse_found(found, true, ranges);
    Reading::Links(links, broken)
}

/// Parses the links found in a line; the first that is not a valid address gives the reason.
fn parse_found(
    found: Vec<Found>,
    inside_text: bool,
    ranges: bool,
) -> (Vec<Link>, Option<LineError>) {
    let mut links = Vec::with_capacity(found.len());
    let mut broken = None;
    for link in found {
        match links_of(&link.text, inside_text, ranges) {
            Ok(more) => links.extend(more),
            Err(reason) => {
                broken.get_or_insert(reason);
            }
        }
    }
    (links, broken)
}

/// The links `address` stands for: itself, or with `ranges` one per value of its numbered
/// ranges; the first that is not a valid address gives the reason.
fn links_of(address: &str, inside_text: bool, ranges: bool) -> Result<Vec<Link>, LineError> {
    let link = |url, pattern| Link {
        url,
        sha256: None,
        inside_text,
        once: false,
        pattern,
    };
    let expanded = if ranges {
        crate::ranges::expand(address)?
    } else {
        None
    };
    let Some(expanded) = expanded else {
        return Ok(vec![link(parse_address(address)?, None)]);
    };
    let pattern: Rc<str> = Rc::from(address);
    expanded
        .iter()
        .map(|one| Ok(link(parse_address(one)?, Some(Rc::clone(&pattern)))))
        .collect()
}

/// Splits a trailing `sha256:<hex>` word off `line` (which must hold something before it).
fn split_checksum(line: &str) -> Result<(&str, Option<String>), LineError> {
    let Some((body, last)) = line.rsplit_once(char::is_whitespace) else {
        return Ok((line, None));
    };
    let Some(hex) = strip_prefix_ignore_case(last, "sha256:") else {
        return Ok((line, None));
    };
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(LineError::BadChecksum);
    }
    Ok((body.trim_end(), Some(hex.to_ascii_lowercase())))
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

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn trim_quotes(text: &str) -> String {
    text.trim_matches(|c: char| matches!(c, '"' | '\'' | '<' | '>' | '`') || pasted::is_blank(c))
        .to_owned()
}

/// The longest address taken, in bytes: the HTTP library sends none longer (and servers
/// refuse far shorter ones).
const MAX_ADDRESS: usize = 64 * 1024 - 2;

/// Parses one address, adding `https://` when it has a host but no scheme.
fn parse_address(address: &str) -> Result<Url, LineError> {
    if address.len() > MAX_ADDRESS {
        return Err(LineError::TooLong {
            bytes: address.len() as u64,
        });
    }
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

    fn urls(list: &ParsedList) -> Vec<&str> {
        list.entries.iter().map(|e| e.url.as_str()).collect()
    }

    fn lines(list: &ParsedList) -> Vec<usize> {
        list.entries.iter().map(|e| e.line).collect()
    }

    #[test]
    fn links_among_words_are_taken_and_counted() {
        let list = parse_list(
            "https://x.example/plain.zip\n\
             - https://x.example/a.zip\n\
             https://x.example/b.zip  my notes\n\
             1. https://x.example/c.zip (mirror)\n\
             [the d file](https://x.example/d.zip), ![](https://x.example/e.png)\n\
             <a href=\"https://x.example/f.zip?a=1&amp;b=2\">Download</a>\n\
             <https://x.example/plain2.zip>\n",
        );
        assert_eq!(
            urls(&list),
            [
                "https://x.example/plain.zip",
                "https://x.example/a.zip",
                "https://x.example/b.zip",
                "https://x.example/c.zip",
                "https://x.example/d.zip",
                "https://x.example/e.png",
                "https://x.example/f.zip?a=1&b=2",
                "https://x.example/plain2.zip",
            ]
        );
        assert_eq!(lines(&list), [1, 2, 3, 4, 5, 5, 6, 7]);
        let indices: Vec<usize> = list.entries.iter().map(|e| e.index).collect();
        assert_eq!(indices, [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(list.from_text, 6, "the two plain lines do not count");
        assert!(list.rejected.is_empty());
        assert_eq!(list.ignored, 0);
    }

    #[test]
    fn a_checksum_after_several_links_belongs_to_the_last() {
        let hex = "c".repeat(64);
        let list = parse_list(&format!(
            "mirrors: https://a.example/f.iso https://b.example/f.iso sha256:{hex}\n"
        ));
        assert_eq!(list.entries[0].sha256, None);
        assert_eq!(list.entries[1].sha256.as_deref(), Some(&*hex));
        assert_eq!(list.from_text, 2);
    }

    #[test]
    fn prose_lines_are_ignored_but_attempted_addresses_explained() {
        let list = parse_list(
            "Downloads\n\
             Get the latest release here: https://x.example/y.zip.\n\
             Older versions (see https://x.example/old/) are archived.\n\
             htps://x.example/typo.zip\n\
             example/no-server.zip\n\
             Mirror at ftp://x.example/f.zip too\n\
             www.x.example/page\n\
             Done.\n\
             Contact us\n",
        );
        assert_eq!(
            urls(&list),
            [
                "https://x.example/y.zip",
                "https://x.example/old/",
                "https://www.x.example/page"
            ]
        );
        let rejected: Vec<usize> = list.rejected.iter().map(|r| r.line).collect();
        assert_eq!(rejected, [4, 5, 6]);
        assert_eq!(
            list.rejected[0].reason,
            LineError::UnsupportedScheme {
                scheme: "htps".into()
            }
        );
        assert_eq!(
            list.rejected[2].reason,
            LineError::UnsupportedScheme {
                scheme: "ftp".into()
            }
        );
        assert_eq!(list.ignored, 3, "Downloads, Done. and Contact us");
        assert_eq!(list.from_text, 2);
    }

    #[test]
    fn a_plain_list_still_explains_every_line_without_a_link() {
        let list = parse_list("https://x.example/a\nnot a link\nDone.\n");
        assert_eq!(list.rejected.len(), 1);
        assert_eq!(list.rejected[0].line, 2);
        assert_eq!(list.ignored, 0);
        // As before: a word with a dot reads as a server name.
        assert_eq!(list.entries[1].url.as_str(), "https://done./");
    }

    #[test]
    fn links_that_are_not_addresses_are_explained() {
        let list = parse_list("see http://[::1 and https://ok.example/a\n");
        assert_eq!(urls(&list), ["https://ok.example/a"]);
        assert_eq!(list.rejected.len(), 1);
        assert!(
            list.rejected[0]
                .reason
                .to_string()
                .starts_with("this is not a web address"),
            "{:?}",
            list.rejected[0]
        );
    }

    #[test]
    fn an_html_document_gives_its_href_and_src_links_once() {
        let html = "<!DOCTYPE html>\n\
             <html><head><link rel=\"stylesheet\" href=\"https://x.example/style.css\">\n\
             <title>Files</title></head>\n\
             <body>\n\
             <p>All our files, as of today:</p>\n\
             <a href=\"https://x.example/a.zip?x=1&amp;y=2\">a.zip</a>\n\
             <a href=\"/relative/b.zip\">b</a> <a href=\"mailto:me@x.example\">mail</a>\n\
             <img src=\"https://x.example/pic.png\"><a href=\"https://x.example/pic.png\">pic</a>\n\
             <p>Also at https://x.example/text-only.zip</p>\n\
             <script>fetch(\"https://x.example/tracker\")</script>\n\
             </body></html>\n";
        let list = parse_list(html);
        assert_eq!(
            urls(&list),
            [
                "https://x.example/style.css",
                "https://x.example/a.zip?x=1&y=2",
                "https://x.example/pic.png",
            ]
        );
        assert_eq!(lines(&list), [2, 6, 8]);
        assert_eq!(list.from_text, 3);
        assert!(list.rejected.is_empty(), "{:?}", list.rejected);
        assert_eq!(list.ignored, 8);
    }

    #[test]
    fn a_page_after_other_links_is_read_as_a_page_up_to_its_end() {
        let list = parse_list(
            "https://x.example/kept.zip\n\
             <!DOCTYPE html>\n\
             <p>Files</p>\n\
             <a href=\"https://x.example/a.zip\">a</a> <a href=\"https://x.example/a.zip\">again</a>\n\
             <pre>\n\
             https://x.example/pre.zip\n\
             </pre></body></html>\n\
             https://x.example/after.zip\n\
             not a link\n",
        );
        assert_eq!(
            urls(&list),
            [
                "https://x.example/kept.zip",
                "https://x.example/a.zip",
                "https://x.example/pre.zip",
                "https://x.example/after.zip"
            ]
        );
        assert_eq!(list.from_text, 2);
        assert_eq!(list.ignored, 4, "the page's lines without links");
        assert_eq!(
            list.rejected.len(),
            1,
            "the plain list around it is still a list"
        );
        assert_eq!(list.rejected[0].line, 9);
    }

    #[test]
    fn every_cell_with_a_link_of_a_csv_is_taken_and_its_header_is_no_error() {
        let list = parse_list(
            "name,url,size\n\
             \"Report, final\",https://x.example/report.pdf,1200\n\
             \"Two\",\"https://x.example/a.zip https://x.example/b.zip\",3\n\
             pic,\"https://img.example/w_3,h_2/c.jpg\",https://x.example/d.png\n\
             no link,,0\n",
        );
        assert_eq!(
            urls(&list),
            [
                "https://x.example/report.pdf",
                "https://x.example/a.zip",
                "https://x.example/b.zip",
                "https://img.example/w_3,h_2/c.jpg",
                "https://x.example/d.png",
            ]
        );
        assert_eq!(lines(&list), [2, 3, 3, 4, 4]);
        assert_eq!(list.from_text, 5);
        assert_eq!(list.rejected.len(), 1);
        assert_eq!(list.rejected[0].line, 5);
        assert_eq!(list.rejected[0].reason, LineError::NoLinkInRow);
    }

    #[test]
    fn tsv_and_semicolon_tables_are_read() {
        let tsv = parse_list(
            "Name\tLink\tNote\nA\thttps://x.example/a\tfirst\nB\thttps://x.example/b\t\n",
        );
        assert_eq!(urls(&tsv), ["https://x.example/a", "https://x.example/b"]);
        assert!(tsv.rejected.is_empty());
        let excel = parse_list(
            "Datei;Adresse\nBericht, final;https://x.example/r.pdf\nBild;https://x.example/p.png\n",
        );
        assert_eq!(
            urls(&excel),
            ["https://x.example/r.pdf", "https://x.example/p.png"]
        );
        assert!(excel.rejected.is_empty());
    }

    #[test]
    fn links_with_commas_one_a_line_are_not_a_table() {
        let list = parse_list(
            "https://img.example/w_300,h_200/a.jpg\nhttps://img.example/w_300,h_200/b.jpg\n",
        );
        assert_eq!(
            urls(&list),
            [
                "https://img.example/w_300,h_200/a.jpg",
                "https://img.example/w_300,h_200/b.jpg"
            ]
        );
        assert_eq!(list.from_text, 0);
    }

    #[test]
    fn links_are_taken_as_people_paste_them() {
        let list = parse_list(
            "http：//x.example/a.zip\nｈｔｔｐｓ：／／x.example/b.zip\n\
             https://x.example/c.zip\u{200b}\n\u{feff}\u{200e}x.example/d.zip\u{200f}\n\
             see https://x.example/e.zip\u{200b}, and https://x.example/f.zip\u{2060}.\n",
        );
        assert_eq!(
            urls(&list),
            [
                "http://x.example/a.zip",
                "https://x.example/b.zip",
                "https://x.example/c.zip",
                "https://x.example/d.zip",
                "https://x.example/e.zip",
                "https://x.example/f.zip",
            ]
        );
        assert!(list.rejected.is_empty(), "{:?}", list.rejected);
    }

    #[test]
    fn duplicates_are_counted_and_their_lines_can_be_dropped() {
        let text = "https://x.example/a\nhttps://x.example/b\nx.example/a\n\
                    https://x.example/a https://x.example/c\nhttps://x.example/b\n";
        let list = parse_list(text);
        assert_eq!(list.entries.len(), 6);
        assert_eq!(list.duplicates, 3);
        assert_eq!(list.duplicate_lines, [3, 5], "line 4 brings c as well");
        let kept = parse_list(&drop_lines(text, &list.duplicate_lines));
        assert_eq!(
            urls(&kept),
            [
                "https://x.example/a",
                "https://x.example/b",
                "https://x.example/a",
                "https://x.example/c"
            ]
        );
        assert_eq!(kept.duplicates, 1);
    }

    #[test]
    fn a_huge_paste_gives_at_most_the_cap() {
        use std::fmt::Write;
        let mut text = String::new();
        for i in 0..MAX_LINKS + 2_500 {
            writeln!(text, "https://x.example/{i}").unwrap();
        }
        let list = parse_list(&text);
        assert_eq!(list.entries.len(), MAX_LINKS);
        assert_eq!(list.left_out, 2_500);
        assert_eq!(
            list.entries.last().unwrap().url.as_str(),
            format!("https://x.example/{}", MAX_LINKS - 1)
        );
    }

    #[test]
    fn a_huge_address_gets_a_short_sentence() {
        let text = format!("https://x.example/{}\n", "a".repeat(10 << 20));
        let list = parse_list(&text);
        assert!(list.entries.is_empty());
        assert_eq!(
            list.rejected[0].reason.to_string(),
            "this address is too long (10.0 MiB); a web address can be at most 64 KiB"
        );
        assert!(list.rejected[0].text.chars().count() <= 121);
    }

    #[test]
    fn numbered_ranges_become_links_unless_taken_literally() {
        let text = "https://x.example/p[01-03].jpg sha256:\
                    0000000000000000000000000000000000000000000000000000000000000000\n\
                    http://[::1]:8080/x\nnotes: https://x.example/{a,b}.zip here\n\
                    https://x.example/[1-100]/[1-101]\n";
        let list = parse_list(text);
        assert_eq!(
            urls(&list),
            [
                "https://x.example/p01.jpg",
                "https://x.example/p02.jpg",
                "https://x.example/p03.jpg",
                "http://[::1]:8080/x",
                "https://x.example/a.zip",
                "https://x.example/b.zip",
            ]
        );
        let shown: Vec<String> = list.ranged.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "p[01-03].jpg → 3 links: p01.jpg … p03.jpg",
                "{a,b}.zip → 2 links: a.zip … b.zip"
            ]
        );
        assert_eq!(list.ranged[1].line, 3);
        assert_eq!(list.rejected.len(), 1);
        assert_eq!(list.rejected[0].line, 4);
        assert_eq!(
            list.rejected[0].reason,
            LineError::TooManyLinks { count: 10_100 }
        );
        let literal = parse_list_with(text, false);
        assert_eq!(
            literal.entries[0].url.as_str(),
            "https://x.example/p[01-03].jpg"
        );
        assert!(literal.ranged.is_empty());
        assert!(literal.rejected.is_empty());
    }
}
