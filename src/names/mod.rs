//! Chooses the file name for each download — from Content-Disposition, the URL or the host —
//! and makes it safe on Windows, macOS and Linux alike: one name inside the folder, never one
//! of Downpour's own working names. The [`NameBook`] then reserves it so that no two items of
//! a batch, and no file already in the folder, ever share a name. Nothing is overwritten.

mod book;

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use url::Url;

pub use book::NameBook;

/// The longest file name most file systems accept, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// Room kept for the ` (12)` and `.part` suffixes under [`MAX_NAME_BYTES`].
const SUFFIX_ROOM: usize = 16;

/// Device names that Windows reserves in any case and with any extension.
pub const RESERVED_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Makes `raw` a single safe file name: only its last path component is kept, separators,
/// control, bidirectional-override and Windows-forbidden characters are replaced, trailing dots
/// and spaces are dropped, reserved device names get a leading `_`, and the result fits in
/// [`MAX_NAME_BYTES`] with room for a ` (n)` suffix. It is never empty, `.` or `..`.
pub fn sanitize(raw: &str) -> String {
    let last = raw
        .rsplit(['/', '\\'])
        .find(|part| !part.trim().is_empty())
        .unwrap_or_default();
    let mut name: String = last
        .chars()
        .filter(|c| !is_invisible_control(*c))
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    name = name
        .trim_start_matches(' ')
        .trim_end_matches(['.', ' '])
        .to_owned();
    if name.chars().all(|c| c == '.' || c == '_') && name.chars().any(|c| c == '.') {
        name.clear();
    }
    if name.is_empty() {
        name = "download".to_owned();
    }
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    if RESERVED_NAMES.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        name.insert(0, '_');
    }
    let mut name = truncate_keeping_extension(&name, MAX_NAME_BYTES - SUFFIX_ROOM);
    defuse_working_suffix(&mut name);
    name
}

/// Bidirectional overrides and other invisible format characters that could disguise a name
/// (`photo\u{202e}gnp.exe` showing as `photoexe.png`).
fn is_invisible_control(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

fn truncate_keeping_extension(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let (stem, ext) = split_extension(name);
    let ext = if ext.len() <= 16 { ext } else { "" };
    let mut cut = max.saturating_sub(ext.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = stem[..cut].trim_end_matches(['.', ' ']);
    format!("{stem}{ext}")
}

/// Splits `name` into a stem and an extension with its dot (`archive.tar.gz` splits as
/// `archive` and `.tar.gz`); a leading dot does not start an extension, and a name of digits
/// and dots only (`127.0.0.1`, the server's address standing in for a link ending in `/`) has
/// none.
fn split_extension(name: &str) -> (&str, &str) {
    if name.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return (name, "");
    }
    let Some(dot) = name.rfind('.').filter(|&at| at > 0) else {
        return (name, "");
    };
    let stem = &name[..dot];
    if stem.len() > 4 && stem.to_ascii_lowercase().ends_with(".tar") {
        return name.split_at(dot - 4);
    }
    name.split_at(dot)
}

/// The file name a Content-Disposition header asks for: `filename*` (RFC 5987: a charset,
/// UTF-8 or ISO-8859-1, and percent-encoded bytes) wins over `filename`. The result is not yet
/// sanitized.
pub fn from_content_disposition(header: &str) -> Option<String> {
    let mut plain = None;
    for param in split_params(header) {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        if key == "filename*" {
            let decoded = decode_ext_value(value);
            if !decoded.trim().is_empty() {
                return Some(decoded);
            }
        } else if key == "filename" {
            let unquoted = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map(|v| v.replace("\\\"", "\"").replace("\\\\", "\\"))
                .unwrap_or_else(|| value.to_owned());
            if !unquoted.trim().is_empty() {
                plain = Some(unquoted);
            }
        }
    }
    plain
}

/// Decodes an RFC 5987 `charset'language'value`: the percent-encoded bytes read in the charset
/// named, UTF-8 or ISO-8859-1 (any other: UTF-8 when the bytes are UTF-8, else ISO-8859-1).
fn decode_ext_value(value: &str) -> String {
    let mut parts = value.trim_matches('"').splitn(3, '\'');
    let (charset, encoded) = match (parts.next(), parts.next(), parts.next()) {
        (Some(charset), Some(_language), Some(encoded)) => (charset, encoded),
        _ => ("utf-8", value.trim_matches('"')),
    };
    let bytes: Vec<u8> = percent_decode_str(encoded).collect();
    let latin1 = |bytes: &[u8]| bytes.iter().copied().map(char::from).collect::<String>();
    match charset.to_ascii_lowercase().as_str() {
        "iso-8859-1" | "latin1" | "latin-1" => latin1(&bytes),
        "utf-8" | "utf8" => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::from_utf8(bytes.clone()).unwrap_or_else(|_| latin1(&bytes)),
    }
}

/// Splits header parameters on `;` outside double quotes.
fn split_params(header: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (at, c) in header.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                parts.push(&header[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&header[start..]);
    parts
}

/// The name a URL suggests: its last path segment, percent-decoded, else its host.
pub fn from_url(url: &Url) -> String {
    let segment = url
        .path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()))
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .filter(|s| !s.trim().is_empty());
    segment.unwrap_or_else(|| url.host_str().unwrap_or("download").to_owned())
}

/// The last component of `path` as text, for display (empty if it has none).
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What a `.part` file adds to the name of the file it holds.
const PART_SUFFIX: &str = ".part";

/// The endings of Downpour's working files — a download in progress, one whose checksum did
/// not match, a resume note of earlier versions — which no download may take as its name.
const WORKING_SUFFIXES: [&str; 3] = [PART_SUFFIX, ".corrupt", ".resume"];

/// A name that ends like one of Downpour's working files gets a `_` in place of that last
/// dot (`movie.part` becomes `movie_part`), so a server can never name a download like one.
fn defuse_working_suffix(name: &mut String) {
    let lower = name.to_lowercase();
    if let Some(suffix) = WORKING_SUFFIXES.iter().find(|s| lower.ends_with(*s)) {
        let dot = name.len() - suffix.len();
        name.replace_range(dot..=dot, "_");
    }
}

/// Writes `bytes` as a new file named like `wanted` in `folder` — `name (1).ext` if that is
/// taken — never through a link and never over a file (exports, reports, pictures). Returns
/// the path it got.
pub fn save_new_file(folder: &Path, wanted: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let (path, mut file) = NameBook::new(folder).create_new_file(wanted)?;
    if let Err(err) = std::io::Write::write_all(&mut file, bytes) {
        crate::diag::check(
            "removing a file that could not be written",
            crate::safe_fs::remove_if_same(&path, &file),
        );
        return Err(err);
    }
    Ok(path)
}

/// The `.part` file that holds `path` while it downloads.
pub fn part_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(PART_SUFFIX);
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_names_inside_the_folder() {
        assert_eq!(sanitize("../../evil"), "evil");
        assert_eq!(sanitize("/etc/passwd"), "passwd");
        assert_eq!(sanitize("C:\\x"), "x");
        assert_eq!(sanitize("\\\\server\\share\\x"), "x");
        assert_eq!(sanitize(".."), "download");
        assert_eq!(sanitize(""), "download");
        assert_eq!(sanitize("   "), "download");
        assert_eq!(sanitize("a/"), "a");
    }

    #[test]
    fn sanitize_handles_windows_rules() {
        assert_eq!(sanitize("CON"), "_CON");
        assert_eq!(sanitize("nul.txt"), "_nul.txt");
        assert_eq!(sanitize("com1.tar.gz"), "_com1.tar.gz");
        assert_eq!(sanitize("report. . "), "report");
        assert_eq!(sanitize("a<b>c:d\"e|f?g*h"), "a_b_c_d_e_f_g_h");
        assert_eq!(sanitize("bell\u{7}tab\tnew\nline"), "bell_tab_new_line");
        assert_eq!(sanitize("photo\u{202e}gnp.exe"), "photognp.exe");
        assert_eq!(sanitize("照片.png"), "照片.png");
    }

    #[test]
    fn no_download_is_named_like_a_working_file() {
        assert_eq!(sanitize("movie.part"), "movie_part");
        assert_eq!(sanitize("X.PART"), "X_PART");
        assert_eq!(sanitize("report.pdf.corrupt"), "report.pdf_corrupt");
        assert_eq!(sanitize("big.iso.part.resume"), "big.iso.part_resume");
        assert_eq!(sanitize("archive.part1.rar"), "archive.part1.rar");
        assert_eq!(sanitize(".part"), "_part");
        for name in ["a.part", "b.corrupt", "c.resume", "d.part. ."] {
            let safe = sanitize(name);
            assert!(
                !WORKING_SUFFIXES.iter().any(|s| safe.ends_with(s)),
                "{safe}"
            );
        }
    }

    #[test]
    fn sanitize_truncates_to_255_bytes_keeping_extension() {
        let long = format!("{}.zip", "é".repeat(200));
        let name = sanitize(&long);
        assert!(name.len() <= MAX_NAME_BYTES - SUFFIX_ROOM, "{}", name.len());
        assert!(name.ends_with(".zip"));
        assert!(name.starts_with('é'));
    }

    #[test]
    fn content_disposition_prefers_filename_star() {
        assert_eq!(
            from_content_disposition(
                "attachment; filename=\"plain.txt\"; filename*=UTF-8''%E7%85%A7%E7%89%87.png"
            )
            .as_deref(),
            Some("照片.png")
        );
        assert_eq!(
            from_content_disposition("attachment; filename=\"a;b \\\"q\\\".txt\"").as_deref(),
            Some("a;b \"q\".txt")
        );
        assert_eq!(
            from_content_disposition("attachment; filename=report.pdf").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(from_content_disposition("inline"), None);
        assert_eq!(
            from_content_disposition("attachment; filename*=ISO-8859-1''caf%E9.txt").as_deref(),
            Some("café.txt")
        );
        assert_eq!(
            from_content_disposition("attachment; filename*=utf-8'fr'caf%C3%A9.txt").as_deref(),
            Some("café.txt")
        );
    }

    #[test]
    fn url_names_are_decoded_or_come_from_the_host() {
        let url = Url::parse("https://example.com/dir/My%20File.zip?x=1").unwrap();
        assert_eq!(from_url(&url), "My File.zip");
        let url = Url::parse("https://example.com/").unwrap();
        assert_eq!(from_url(&url), "example.com");
        let url = Url::parse("https://example.com/dir/").unwrap();
        assert_eq!(from_url(&url), "dir");
    }
}
