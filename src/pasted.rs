//! What text picks up on its way from a web page, a chat or an input method into the links
//! box, undone before a line is read: invisible characters (a zero-width space, a byte-order
//! mark, the marks that set the direction of Arabic or Hebrew text) around a link, which would
//! otherwise become part of the address and end in a 404; and a scheme typed with an input
//! method's full-width letters or colon (`http：//`, `ｈｔｔｐｓ://`).

use std::borrow::Cow;

/// Whether `c` is a character that shows nothing and is never part of an address as people
/// write one: zero-width space and word joiner, byte-order mark, soft hyphen, and the
/// direction marks, embeddings and isolates. (The zero-width joiners, which hold emoji and
/// some scripts' letters together, are [`is_joiner`].)
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'
            | '\u{2060}'
            | '\u{feff}'
            | '\u{00ad}'
            | '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// The zero-width non-joiner and joiner: part of a name inside a link, invisible at its ends.
pub(crate) fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200c}' | '\u{200d}')
}

/// Whether `c` is dropped at the ends of a line or a link: white space or invisible.
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_invisible(c) || is_joiner(c)
}

/// `line` without white space and invisible characters at its ends, and with every `http://`
/// or `https://` written in full-width letters or punctuation in plain ASCII.
pub(crate) fn tidy_line(line: &str) -> Cow<'_, str> {
    let line = line.trim_matches(is_blank);
    // Full-width forms of ASCII are U+FF01..=U+FF5E, all three bytes in UTF-8 starting 0xEF.
    if !line.as_bytes().contains(&0xef) {
        return Cow::Borrowed(line);
    }
    let mut tidy = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if let Some(len) = full_width_scheme(rest) {
            tidy.extend(rest[..len].chars().map(narrow));
            rest = &rest[len..];
        } else {
            tidy.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Cow::Owned(tidy)
}

/// The ASCII character a full-width form stands for, or `c` itself.
fn narrow(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xff01 + 0x21).unwrap_or(c),
        _ => c,
    }
}

/// The length in bytes of the `http://` or `https://` that `text` starts with when some of
/// its characters are full-width (`http：//`); `None` for a plain or no scheme.
fn full_width_scheme(text: &str) -> Option<usize> {
    let head: Vec<(usize, char)> = text.char_indices().take(8).collect();
    ["https://", "http://"].into_iter().find_map(|scheme| {
        let n = scheme.len();
        let written = head.get(..n)?;
        let same = written
            .iter()
            .zip(scheme.chars())
            .all(|(&(_, c), s)| narrow(c).to_ascii_lowercase() == s);
        let wide = written.iter().any(|&(_, c)| !c.is_ascii());
        (same && wide).then(|| head.get(n).map_or(text.len(), |&(at, _)| at))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_schemes_are_made_plain_and_nothing_else() {
        assert_eq!(tidy_line("http：//example.com/a"), "http://example.com/a");
        assert_eq!(
            tidy_line("ｈｔｔｐｓ：／／example.com/a"),
            "https://example.com/a"
        );
        assert_eq!(tidy_line("HTTP：//x/ａ.zip"), "HTTP://x/ａ.zip");
        assert_eq!(
            tidy_line("见 http：//x/a 和 https：//y/b"),
            "见 http://x/a 和 https://y/b"
        );
        assert_eq!(tidy_line("ｈｔｔｐ 是协议"), "ｈｔｔｐ 是协议");
        assert_eq!(tidy_line("ftp：//x/a"), "ftp：//x/a");
        assert!(matches!(tidy_line("https://x/a"), Cow::Borrowed(_)));
    }

    #[test]
    fn invisible_characters_at_the_ends_are_dropped() {
        assert_eq!(
            tidy_line("\u{feff}\u{200e} https://x/a.zip\u{200b}\u{200d}\r"),
            "https://x/a.zip"
        );
        assert_eq!(tidy_line("https://x/\u{200b}a"), "https://x/\u{200b}a");
    }
}
