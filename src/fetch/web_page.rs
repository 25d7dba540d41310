//! A web page where a file was expected: a login or error page answered for `report.pdf`.
//! Such an answer is not a finished download. When the server called it a web page and its
//! first bytes are one, the item fails with a sentence and nothing is left under the file's
//! name; a real file the server mislabelled (a PDF sent as `text/html`) is kept, with the
//! warning the row already shows.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use crate::error::DownloadError;
use crate::model::Warning;

/// How many bytes at the start of the body are looked at.
const SNIFF: u64 = 1024;

/// The failure for a complete body in `staged` that the server called a web page (the
/// `warning` given when it answered) and that is one; `None` for any other body.
pub(super) fn instead_of_file(
    warning: Option<&Warning>,
    staged: Option<&File>,
) -> Option<DownloadError> {
    let Warning::WebPage { name } = warning?;
    let mut file = staged?;
    let mut start = Vec::with_capacity(SNIFF as usize);
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(SNIFF).read_to_end(&mut start).ok()?;
    looks_like_html(&start).then(|| DownloadError::WebPage { name: name.clone() })
}

/// Whether the first bytes of a body read as a web page: text (no NUL byte) whose first
/// character after a byte-order mark and blanks opens a tag. No file format that a web page
/// could stand in for (PDF, ZIP, images, programs) starts so.
fn looks_like_html(start: &[u8]) -> bool {
    let text = start.strip_prefix(b"\xef\xbb\xbf").unwrap_or(start);
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    first == Some(&b'<') && !text.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_told_from_a_mislabelled_file() {
        assert!(looks_like_html(b"<!DOCTYPE html><p>Please sign in</p>"));
        assert!(looks_like_html(b"\xef\xbb\xbf\r\n  <html><body>Sign in"));
        assert!(!looks_like_html(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3"));
        assert!(!looks_like_html(b"PK\x03\x04\x14\x00"));
        assert!(!looks_like_html(b"<\x00\x01binary"));
        assert!(!looks_like_html(b""));
    }
}
