//! Finds the http:// and https:// links inside a line of text the way a person reading it
//! would: where a link ends, which punctuation around it belongs to the sentence rather than the
//! link, which HTML attribute values are links, and where the cells of a CSV or TSV row are.
//! `urls::parse_list` decides what to do with what is found here.

/// One link found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The link as written, with HTML entities decoded when it is an attribute value.
    pub text: String,
    /// Where it ends in the line (a byte offset): after its last character, before any
    /// trailing punctuation or closing quote.
    pub end: usize,
}

/// The links in `line`, in order. With `attributes_only` (an HTML document) only the values of
/// `href` and `src` attributes are links; otherwise those and every bare link in the text.
///
/// A bare link ends at white space, an invisible character (a zero-width space), a quote, `<`, `>`, a backtick, or CJK punctuation; then
/// trailing `. , ; : ! ? ' *`, opening brackets and closing brackets without their opening
/// partner inside the link are dropped (so `(see https://x/a)` gives `https://x/a`, while
/// `https://x/Mercury_(planet)` keeps its parentheses). A second link glued on after `,` `;`
/// `(` `)` `[` `]` `{` `}` `|` `'` or `*` starts a new link. A bare link that repeats the link just
/// before it with only markup between (`<a href="X">X</a>`, `[X](X)`) is taken once.
pub(crate) fn find_links(line: &str, attributes_only: bool) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let mut pos = 0;
    while let Some(offset) = line[pos..].find(['h', 'H']) {
        let start = pos + offset;
        pos = start + 1;
        let Some(scheme) = scheme_len(&line[start..]) else {
            continue;
        };
        if line[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            continue;
        }
        if let Some(quote) = attribute_quote(line, start) {
            let end = attribute_end(line, start, quote);
            let text = decode_entities(line[start..end].trim());
            pos = end;
            found.push(Found { text, end });
            continue;
        }
        if attributes_only {
            continue;
        }
        let raw = &line[start..bare_end(line, start, scheme)];
        let text = trim_trailing(raw);
        if text.len() <= scheme {
            continue;
        }
        let end = start + text.len();
        pos = end;
        if let Some(last) = found.last()
            && last.text == text
            && is_markup(&line[last.end..start])
        {
            continue;
        }
        found.push(Found {
            text: text.to_owned(),
            end,
        });
    }
    found
}

/// The length of the `http://` or `https://` (any case) that `text` starts with.
fn scheme_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let starts = |prefix: &[u8]| {
        bytes
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if starts(b"https://") {
        Some(8)
    } else if starts(b"http://") {
        Some(7)
    } else {
        None
    }
}

/// Whether a character ends a bare link: white space, controls, quotes and angle brackets
/// (never part of an address as people write one), and the punctuation of CJK text, which
/// follows a link without a space.
fn ends_link(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || crate::pasted::is_invisible(c)
        || matches!(
            c,
            '"' | '<'
                | '>'
                | '`'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '«'
                | '»'
                | '，'
                | '。'
                | '、'
                | '；'
                | '：'
                | '！'
                | '？'
                | '（'
                | '）'
                | '「'
                | '」'
                | '『'
                | '』'
                | '【'
                | '】'
                | '《'
                | '》'
                | '〈'
                | '〉'
        )
}

/// Where the bare link starting at `start` (its scheme `scheme` bytes long) ends in `line`.
fn bare_end(line: &str, start: usize, scheme: usize) -> usize {
    let from = start + scheme;
    let mut prev = '/';
    for (offset, c) in line[from..].char_indices() {
        let at = from + offset;
        let glued = matches!(
            prev,
            ',' | ';' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '\'' | '*'
        ) && scheme_len(&line[at..]).is_some();
        if ends_link(c) || glued {
            return at;
        }
        prev = c;
    }
    line.len()
}

/// `link` without the punctuation that belongs to the sentence around it.
pub(crate) fn trim_trailing(mut link: &str) -> &str {
    // Brackets counted once: a link ending in thousands of `)` stays linear.
    let count = |c: char| link.matches(c).count();
    let mut open = [count('('), count('['), count('{')];
    let mut close = [count(')'), count(']'), count('}')];
    while let Some(last) = link.chars().next_back() {
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' => true,
            c if crate::pasted::is_blank(c) => true,
            '(' | '[' | '{' => {
                open[bracket(last)] -= 1;
                true
            }
            ')' | ']' | '}' if open[bracket(last)] < close[bracket(last)] => {
                close[bracket(last)] -= 1;
                true
            }
            _ => false,
        };
        if !drop {
            break;
        }
        link = &link[..link.len() - last.len_utf8()];
    }
    link
}

/// The kind of a bracket: 0 round, 1 square, 2 curly.
fn bracket(c: char) -> usize {
    match c {
        '(' | ')' => 0,
        '[' | ']' => 1,
        _ => 2,
    }
}

/// Whether the text between two links is markup only: something, but no letter or digit.
fn is_markup(between: &str) -> bool {
    !between.trim().is_empty() && !between.chars().any(char::is_alphanumeric)
}

/// When the link at `start` is the value of an `href` or `src` attribute (`href="…"`,
/// `src='…'`, `href=…`), the quote around it (`None` when unquoted).
fn attribute_quote(line: &str, start: usize) -> Option<Option<char>> {
    let before = &line[..start];
    let (before, quote) = match before.chars().next_back() {
        Some(q @ ('"' | '\'')) => (&before[..before.len() - 1], Some(q)),
        _ => (before, None),
    };
    let before = before.trim_end().strip_suffix('=')?.trim_end();
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let name_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_name(c))
        .map_or(0, |(at, c)| at + c.len_utf8());
    let name = &before[name_start..];
    (name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src")).then_some(quote)
}

/// Where the attribute value starting at `start` ends: at its closing quote, or for an
/// unquoted value at white space or `>`; at the end of the line if the quote is not closed.
fn attribute_end(line: &str, start: usize, quote: Option<char>) -> usize {
    let rest = &line[start..];
    let end = match quote {
        Some(q) => rest.find(q),
        None => rest.find(|c: char| c.is_whitespace() || c == '>'),
    };
    start + end.unwrap_or(rest.len())
}

/// `text` with the HTML character references in it decoded (`&amp;`, `&quot;`, `&#39;`,
/// `&#x2F;`, …); anything that is not a known reference is kept as written.
pub(crate) fn decode_entities(text: &str) -> String {
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        rest = &rest[at..];
        match entity(rest) {
            Some((c, len)) => {
                decoded.push(c);
                rest = &rest[len..];
            }
            None => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

/// The character of the reference `text` starts with (`&…;`), and the reference's length.
fn entity(text: &str) -> Option<(char, usize)> {
    let semicolon = text.bytes().take(12).position(|b| b == b';')?;
    let name = &text[1..semicolon];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')?
        }
    };
    Some((c, semicolon + 1))
}

/// Whether `line` opens an HTML document: it starts with a doctype or an `<html>`, `<head>`,
/// `<body>` or `<meta>` tag. Saved pages, browser bookmark exports and clipboard HTML all do; a
/// list that merely mentions a tag in its notes does not.
pub(crate) fn opens_html(line: &str) -> bool {
    ["<!doctype", "<html", "<head", "<body", "<meta"]
        .iter()
        .any(|tag| starts_with_ignore_case(line, tag))
}

/// Whether `line` closes an HTML document (holds `</html>`).
pub(crate) fn closes_html(line: &str) -> bool {
    line.as_bytes()
        .windows(6)
        .any(|window| window.eq_ignore_ascii_case(b"</html"))
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The cells of one CSV or TSV row split at `delimiter`. A cell may be quoted (`"a, b"`), with
/// `""` standing for a quote inside it; the quotes are removed.
pub(crate) fn split_cells(row: &str, delimiter: char) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c != '"' {
                cell.push(c);
            } else if chars.next_if_eq(&'"').is_some() {
                cell.push('"');
            } else {
                quoted = false;
            }
        } else if c == delimiter {
            cells.push(std::mem::take(&mut cell));
        } else if c == '"' && cell.trim().is_empty() {
            cell.clear();
            quoted = true;
        } else {
            cell.push(c);
        }
    }
    cells.push(cell);
    cells
}

/// The delimiter when `rows` (the non-blank, non-comment lines, in order) form a table: tab,
/// semicolon (spreadsheets in many European languages) or comma, the first that splits at
/// least four rows out of five into the same number of cells, two or more, over at least two
/// rows. Only the first 200 rows are looked at.
///
/// Rows that are all one bare link each are a list of links, never a table, even when every
/// link holds commas or semicolons (`https://img.example/w_300,h_200/a.jpg`). So a header-less
/// CSV whose rows have no space and start with a link (`https://x/a.zip,1234`) is read as
/// links with commas in them; with a header row, a quoted cell or a space it is a table.
pub(crate) fn table_delimiter(rows: &[&str]) -> Option<char> {
    let rows = &rows[..rows.len().min(200)];
    if rows.len() < 2 || rows.iter().all(|row| is_bare_link(row)) {
        return None;
    }
    ['\t', ';', ','].into_iter().find(|&delimiter| {
        let counts: Vec<usize> = rows
            .iter()
            .map(|row| split_cells(row, delimiter).len())
            .collect();
        let Some(&widest) = counts.iter().max() else {
            return false;
        };
        (2..=widest)
            .any(|cells| counts.iter().filter(|&&n| n == cells).count() * 5 >= rows.len() * 4)
    })
}

/// A row that is one link and nothing else: it starts with the scheme and has no space.
fn is_bare_link(row: &str) -> bool {
    scheme_len(row).is_some() && !row.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(line: &str) -> Vec<String> {
        find_links(line, false)
            .into_iter()
            .map(|f| f.text)
            .collect()
    }

    #[test]
    fn links_end_before_the_punctuation_of_the_sentence() {
        assert_eq!(
            links("- https://x.example/y.zip"),
            ["https://x.example/y.zip"]
        );
        assert_eq!(
            links("1. https://x.example/y.zip (mirror)"),
            ["https://x.example/y.zip"]
        );
        assert_eq!(
            links("Get it here: https://x.example/y.zip. Or there, https://x.example/z!"),
            ["https://x.example/y.zip", "https://x.example/z"]
        );
        assert_eq!(
            links("(see https://x.example/a), “https://x.example/b”; 'https://x.example/c'?"),
            [
                "https://x.example/a",
                "https://x.example/b",
                "https://x.example/c"
            ]
        );
        assert_eq!(
            links("Mercury (https://en.wikipedia.org/wiki/Mercury_(planet)), the planet"),
            ["https://en.wikipedia.org/wiki/Mercury_(planet)"]
        );
        assert_eq!(
            links("下载：https://x.example/软件.zip，谢谢。"),
            ["https://x.example/软件.zip"]
        );
        assert_eq!(
            links("HTTPS://X.EXAMPLE/A and xhttps://not.a.link/ and https:// alone"),
            ["HTTPS://X.EXAMPLE/A"]
        );
    }

    #[test]
    fn a_link_ending_in_many_brackets_is_trimmed_in_linear_time() {
        let line = format!("https://x.example/a{}", ")".repeat(1_000_000));
        assert_eq!(links(&line), ["https://x.example/a"]);
        let line = format!("https://x.example/(a{}", ")".repeat(1_000_000));
        assert_eq!(links(&line), ["https://x.example/(a)"]);
    }

    #[test]
    fn links_inside_links_stay_whole_unless_glued_by_punctuation() {
        assert_eq!(
            links("https://r.example/?to=https://x.example/a&b=1"),
            ["https://r.example/?to=https://x.example/a&b=1"]
        );
        assert_eq!(
            links("https://web.archive.org/web/2020/https://x.example/"),
            ["https://web.archive.org/web/2020/https://x.example/"]
        );
        assert_eq!(
            links("https://x.example/a,https://x.example/b"),
            ["https://x.example/a", "https://x.example/b"]
        );
        assert_eq!(
            links("https://img.example/w_300,h_200/a.jpg"),
            ["https://img.example/w_300,h_200/a.jpg"]
        );
    }

    #[test]
    fn markdown_and_html_links_are_taken_once() {
        assert_eq!(
            links("[the file](https://x.example/y.zip \"title\")"),
            ["https://x.example/y.zip"]
        );
        assert_eq!(
            links("[https://x.example/y.zip](https://x.example/y.zip)"),
            ["https://x.example/y.zip"]
        );
        assert_eq!(
            links("<a href=\"https://x.example/y.zip\">https://x.example/y.zip</a>"),
            ["https://x.example/y.zip"]
        );
        assert_eq!(
            links("<a href=\"https://x.example/?a=1&amp;b=&#39;2&#x27;\">Download</a>"),
            ["https://x.example/?a=1&b='2'"]
        );
        assert_eq!(
            links("<img SRC='https://x.example/a b.png'><a href=https://x.example/c>c</a>"),
            ["https://x.example/a b.png", "https://x.example/c"]
        );
        assert_eq!(
            links("<https://x.example/y.zip>"),
            ["https://x.example/y.zip"]
        );
    }

    #[test]
    fn an_html_document_gives_only_href_and_src_values() {
        let line = "<a href=\"https://x.example/a\">see https://x.example/b</a> \
                    <meta content=\"https://x.example/c\"> <img data-src=\"https://x.example/d\">";
        let found: Vec<String> = find_links(line, true).into_iter().map(|f| f.text).collect();
        assert_eq!(found, ["https://x.example/a"]);
    }

    #[test]
    fn entities_are_decoded_and_unknown_ones_kept() {
        assert_eq!(decode_entities("a&amp;b&lt;&gt;&quot;&apos;"), "a&b<>\"'");
        assert_eq!(decode_entities("&#65;&#x42;&#X43;"), "ABC");
        assert_eq!(
            decode_entities("&copy; & &#0; &#xD800; &amp"),
            "&copy; & &#0; &#xD800; &amp"
        );
    }

    #[test]
    fn html_is_recognised_by_its_start() {
        assert!(opens_html("<!DOCTYPE html><html>"));
        assert!(opens_html("<!DOCTYPE NETSCAPE-Bookmark-file-1>"));
        assert!(opens_html("<HTML><body>"));
        assert!(opens_html("<meta charset='utf-8'><a href=…>"));
        assert!(!opens_html("notes: <html> is a tag"));
        assert!(!opens_html("<a href=\"https://x.example/a\">a</a>"));
        assert!(closes_html("</body></HTML>"));
        assert!(!closes_html("<html>"));
    }

    #[test]
    fn cells_split_with_quotes() {
        assert_eq!(
            split_cells("a,\"b, c\",\"say \"\"hi\"\"\",", ','),
            ["a", "b, c", "say \"hi\"", ""]
        );
        assert_eq!(split_cells("x\thttps://y\t", '\t'), ["x", "https://y", ""]);
        assert_eq!(
            split_cells("it's \"quoted\" later", ','),
            ["it's \"quoted\" later"]
        );
    }

    #[test]
    fn tables_are_told_from_lists_of_links() {
        let csv = [
            "name,url,size",
            "a,https://x.example/a,1",
            "b,https://x.example/b,2",
        ];
        assert_eq!(table_delimiter(&csv), Some(','));
        let tsv = ["a\thttps://x.example/a", "b\thttps://x.example/b"];
        assert_eq!(table_delimiter(&tsv), Some('\t'));
        let excel = [
            "Name;Link",
            "a;https://x.example/a",
            "b, c;https://x.example/b",
        ];
        assert_eq!(table_delimiter(&excel), Some(';'));
        let commas = [
            "https://img.example/w_3,h_2/a.jpg",
            "https://img.example/w_3,h_2/b.jpg",
        ];
        assert_eq!(table_delimiter(&commas), None);
        let list = ["https://x.example/a", "example.org/b", "not a link"];
        assert_eq!(table_delimiter(&list), None);
        assert_eq!(table_delimiter(&["a,https://x.example/a"]), None);
    }
}
