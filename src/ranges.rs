//! Numbered ranges in a link, as curl writes them, so that a gallery numbered 001 to 120 is
//! one line instead of 120: `photo[001-120].jpg` (the zero padding kept), `[a-z]`, `[1-100:5]`
//! (a step), `{jpg,png}`, and several in one line, the leftmost varying slowest. Square
//! brackets around an IPv6 server address (`http://[::1]:8080/x`) are the address, and
//! brackets that hold no range (`?tag[]=a`) are taken as written.

use crate::error::LineError;

/// The most links one line may make.
pub const MAX_PER_LINE: usize = 10_000;

/// A link written as numbered ranges, and what it became: shown before Start as
/// `photo[001-120].jpg → 120 links: photo001.jpg … photo120.jpg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangedLine {
    /// The 1-based line it is on.
    pub line: usize,
    /// The pattern as it may be shown: from the path segment of its first range on.
    pub pattern: String,
    /// How many links it made (those the list took).
    pub count: usize,
    /// The name of the first file.
    pub first: String,
    /// The name of the last file.
    pub last: String,
}

impl std::fmt::Display for RangedLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let links = if self.count == 1 { "link" } else { "links" };
        write!(
            f,
            "{} → {} {links}: {}",
            self.pattern, self.count, self.first
        )?;
        if self.last != self.first {
            write!(f, " … {}", self.last)?;
        }
        Ok(())
    }
}

/// The part of `pattern` worth showing: from the path segment holding its first range on,
/// at most 80 characters.
pub(crate) fn shown(pattern: &str) -> String {
    let Ok(parts) = parts(pattern) else {
        return pattern.to_owned();
    };
    let before: usize = parts
        .iter()
        .map_while(|part| match part {
            Part::Text(text) => Some(text.len()),
            _ => None,
        })
        .sum();
    let start = pattern[..before].rfind('/').map_or(0, |slash| slash + 1);
    let shown = &pattern[start..];
    if shown.chars().count() <= 80 {
        return shown.to_owned();
    }
    let mut short: String = shown.chars().take(80).collect();
    short.push('…');
    short
}

/// One piece of a pattern.
#[derive(Debug, PartialEq, Eq)]
enum Part<'a> {
    /// Text taken as written.
    Text(&'a str),
    /// `[first-last:step]` in digits; `width` is the zero-padded width (0: no padding).
    Numbers {
        first: u64,
        last: u64,
        step: u64,
        width: usize,
    },
    /// `[a-z:step]`: single letters.
    Letters { first: u8, last: u8, step: u8 },
    /// `{one,two}`.
    Set(Vec<&'a str>),
}

impl Part<'_> {
    /// How many values it takes.
    fn len(&self) -> u64 {
        match self {
            Part::Text(_) => 1,
            Part::Numbers {
                first, last, step, ..
            } => (last - first) / step + 1,
            Part::Letters { first, last, step } => u64::from((last - first) / step + 1),
            Part::Set(items) => items.len() as u64,
        }
    }

    /// Appends its `n`th value to `out`.
    fn push(&self, n: u64, out: &mut String) {
        match self {
            Part::Text(text) => out.push_str(text),
            Part::Numbers {
                first, step, width, ..
            } => {
                let value = first + n * step;
                out.push_str(&format!("{value:0width$}"));
            }
            Part::Letters { first, step, .. } => {
                out.push(char::from(first + n as u8 * step));
            }
            Part::Set(items) => out.push_str(items.get(n as usize).copied().unwrap_or_default()),
        }
    }
}

/// The links `link` stands for when it holds ranges, in order; `None` when it holds none (it
/// is one link, as written). A line that would make more than [`MAX_PER_LINE`] links, or
/// holds a range that counts backwards or in steps of 0, is refused with its sentence.
pub(crate) fn expand(link: &str) -> Result<Option<Vec<String>>, LineError> {
    let parts = parts(link)?;
    if parts.iter().all(|part| matches!(part, Part::Text(_))) {
        return Ok(None);
    }
    let count = parts
        .iter()
        .fold(1u64, |count, part| count.saturating_mul(part.len()));
    if count > MAX_PER_LINE as u64 {
        return Err(LineError::TooManyLinks { count });
    }
    let mut links = Vec::with_capacity(count as usize);
    let mut at = vec![0u64; parts.len()];
    for _ in 0..count {
        let mut one = String::with_capacity(link.len());
        for (part, &n) in parts.iter().zip(&at) {
            part.push(n, &mut one);
        }
        links.push(one);
        // The odometer: the rightmost range turns fastest.
        for (n, part) in at.iter_mut().zip(&parts).rev() {
            *n += 1;
            if *n < part.len() {
                break;
            }
            *n = 0;
        }
    }
    Ok(Some(links))
}

/// `link` cut into text and ranges.
fn parts(link: &str) -> Result<Vec<Part<'_>>, LineError> {
    let host = host_start(link);
    let mut parts = Vec::new();
    let (mut text_from, mut pos) = (0, 0);
    while let Some(offset) = link[pos..].find(['[', '{']) {
        let open = pos + offset;
        let close = if link[open..].starts_with('[') {
            ']'
        } else {
            '}'
        };
        let Some(len) = link[open + 1..].find(close) else {
            break;
        };
        let inside = &link[open + 1..open + 1 + len];
        pos = open + 1 + len + 1;
        // Brackets around the server's address are an IPv6 address, never a range.
        let part = if Some(open) == host {
            None
        } else if close == ']' {
            range(inside)?
        } else {
            set(inside)
        };
        if let Some(part) = part {
            if text_from < open {
                parts.push(Part::Text(&link[text_from..open]));
            }
            parts.push(part);
            text_from = pos;
        }
    }
    if text_from < link.len() {
        parts.push(Part::Text(&link[text_from..]));
    }
    Ok(parts)
}

/// Where the server's address starts in `link` (after `scheme://` and any `user@`), if it
/// has a scheme.
fn host_start(link: &str) -> Option<usize> {
    let start = link.find("://")? + 3;
    let authority = &link[start..];
    let end = authority.find(['/', '?', '#']).unwrap_or(authority.len());
    Some(match authority[..end].rfind('@') {
        Some(at) => start + at + 1,
        None => start,
    })
}

/// `{one,two}`: a set when it holds a comma, else text.
fn set(inside: &str) -> Option<Part<'_>> {
    inside
        .contains(',')
        .then(|| Part::Set(inside.split(',').collect()))
}

/// The range in `[…]`: `001-120`, `a-z`, with an optional `:step`; `None` when it is no
/// range (taken as written), an error when it is one that cannot be counted.
fn range(inside: &str) -> Result<Option<Part<'_>>, LineError> {
    let (spec, step) = match inside.split_once(':') {
        Some((spec, step)) => match step.parse::<u64>() {
            Ok(step) => (spec, step),
            Err(_) => return Ok(None),
        },
        None => (inside, 1),
    };
    let Some((a, b)) = spec.split_once('-') else {
        return Ok(None);
    };
    let bad = || LineError::BadRange {
        range: format!("[{inside}]"),
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 18 && s.bytes().all(|c| c.is_ascii_digit());
    if digits(a) && digits(b) {
        let (first, last) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
        if first > last || step == 0 {
            return Err(bad());
        }
        let width = if a.len() > 1 && a.starts_with('0') {
            a.len()
        } else {
            0
        };
        return Ok(Some(Part::Numbers {
            first,
            last,
            step,
            width,
        }));
    }
    let (&[first], &[last]) = (a.as_bytes(), b.as_bytes()) else {
        return Ok(None);
    };
    let same_case = (first.is_ascii_lowercase() && last.is_ascii_lowercase())
        || (first.is_ascii_uppercase() && last.is_ascii_uppercase());
    if !same_case {
        return Ok(None);
    }
    if first > last || step == 0 || step > 25 {
        return Err(bad());
    }
    Ok(Some(Part::Letters {
        first,
        last,
        step: step as u8,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(link: &str) -> Vec<String> {
        expand(link).unwrap().unwrap()
    }

    #[test]
    fn numbers_keep_their_padding_and_steps() {
        let photos = all("https://x.example/photo[001-120].jpg");
        assert_eq!(photos.len(), 120);
        assert_eq!(photos[0], "https://x.example/photo001.jpg");
        assert_eq!(photos[119], "https://x.example/photo120.jpg");
        assert_eq!(
            all("https://x.example/p[1-100:25]"),
            [
                "https://x.example/p1",
                "https://x.example/p26",
                "https://x.example/p51",
                "https://x.example/p76"
            ]
        );
        assert_eq!(all("https://x.example/[8-10]").len(), 3);
        assert_eq!(all("https://x.example/[8-10]")[0], "https://x.example/8");
    }

    #[test]
    fn letters_sets_and_several_ranges_in_one_line() {
        assert_eq!(
            all("http://x/[a-c]").join(" "),
            "http://x/a http://x/b http://x/c"
        );
        assert_eq!(all("http://x/[X-Z:2]").join(" "), "http://x/X http://x/Z");
        assert_eq!(
            all("http://x/{cats,dogs}/[1-2].{jpg,png}"),
            [
                "http://x/cats/1.jpg",
                "http://x/cats/1.png",
                "http://x/cats/2.jpg",
                "http://x/cats/2.png",
                "http://x/dogs/1.jpg",
                "http://x/dogs/1.png",
                "http://x/dogs/2.jpg",
                "http://x/dogs/2.png",
            ]
        );
    }

    #[test]
    fn brackets_without_a_range_and_ipv6_hosts_are_taken_as_written() {
        for link in [
            "http://[::1]:8080/x",
            "http://user@[fe80::1-2]/x",
            "https://x.example/?tag[]=a&f[name]=b",
            "https://x.example/{id}",
            "https://x.example/[1-2",
            "https://x.example/[a-9]",
        ] {
            assert_eq!(expand(link), Ok(None), "{link}");
        }
        assert_eq!(
            all("http://[::1]:8080/x[1-2]"),
            ["http://[::1]:8080/x1", "http://[::1]:8080/x2"]
        );
    }

    #[test]
    fn a_pattern_is_shown_from_its_first_ranged_segment() {
        assert_eq!(
            shown("https://x.example/a/photo[001-120].jpg"),
            "photo[001-120].jpg"
        );
        assert_eq!(
            shown("https://x.example/{cats,dogs}/[1-2].jpg"),
            "{cats,dogs}/[1-2].jpg"
        );
        assert_eq!(shown("https://img{1,2}.example/a"), "img{1,2}.example/a");
        let line = RangedLine {
            line: 1,
            pattern: "photo[001-120].jpg".into(),
            count: 120,
            first: "photo001.jpg".into(),
            last: "photo120.jpg".into(),
        };
        assert_eq!(
            line.to_string(),
            "photo[001-120].jpg → 120 links: photo001.jpg … photo120.jpg"
        );
    }

    #[test]
    fn too_many_and_backwards_ranges_are_refused() {
        assert_eq!(all("http://x/[1-10000]").len(), MAX_PER_LINE);
        assert_eq!(
            expand("http://x/[1-100]/[1-101]"),
            Err(LineError::TooManyLinks { count: 10_100 })
        );
        assert_eq!(
            expand("http://x/[1-999999999999999999]/[1-999999999999999999]"),
            Err(LineError::TooManyLinks { count: u64::MAX })
        );
        assert_eq!(
            expand("http://x/[9-1]"),
            Err(LineError::BadRange {
                range: "[9-1]".into()
            })
        );
        assert!(expand("http://x/[1-9:0]").is_err());
    }
}
