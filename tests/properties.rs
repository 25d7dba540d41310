//! Property tests: for any input (any text, or any bytes given as a list file), the list reader
//! and the URL-list parser never panic and number their items 1..n, and a sanitized file name
//! is never empty, never a path, never reserved, and always stays inside the save folder.
//! Everything here runs in this process: nothing is downloaded or looked up.

use std::path::Path;

use downpour::names::{MAX_NAME_BYTES, RESERVED_NAMES, sanitize};
use downpour::{ParsedList, decode_list, parse_list};
use proptest::prelude::*;

fn hostile_name() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[./\\\\:*?\"<>| \\x00-\\x1f\u{202e}a-zA-Z0-9]{0,40}",
        "(CON|nul|Com1|lpt9|aux)(\\.[a-z]{0,3})?[ .]*",
        "[a-zé照]{200,400}\\.[a-z]{1,5}",
    ]
}

proptest! {
    #[test]
    fn sanitized_names_stay_inside_the_folder(raw in hostile_name()) {
        let name = sanitize(&raw);
        prop_assert!(!name.is_empty());
        prop_assert!(name.len() <= MAX_NAME_BYTES);
        prop_assert!(name != "." && name != "..");
        prop_assert!(!name.contains(['/', '\\', ':', '\0']));
        prop_assert!(!name.chars().any(char::is_control));
        prop_assert!(!name.ends_with(['.', ' ']));
        let stem = name.split('.').next().unwrap_or_default().trim_end();
        prop_assert!(!RESERVED_NAMES.iter().any(|r| r.eq_ignore_ascii_case(stem)), "{name}");
        let folder = Path::new("/downloads");
        let joined = folder.join(&name);
        prop_assert_eq!(joined.parent(), Some(folder));
        prop_assert_eq!(sanitize(&name), name.clone(), "sanitizing is idempotent");
    }

    #[test]
    fn any_list_parses_without_panic(text in any::<String>()) {
        check_list(&parse_list(&text), &text)?;
    }

    #[test]
    fn any_list_of_links_among_words_parses_without_panic(text in list_like_text()) {
        check_list(&parse_list(&text), &text)?;
    }

    #[test]
    fn any_bytes_given_as_a_list_are_read_or_refused_without_panic(
        bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..2048),
            list_like_text().prop_map(String::into_bytes),
            list_like_text().prop_map(|t| t.encode_utf16().flat_map(u16::to_le_bytes).collect()),
        ],
        bom in prop_oneof![Just(&b""[..]), Just(&b"\xEF\xBB\xBF"[..]), Just(&b"\xFF\xFE"[..]), Just(&b"\xFE\xFF"[..])],
    ) {
        let bytes = [bom, &bytes[..]].concat();
        if let Ok(text) = decode_list(&bytes, "list.txt") {
            check_list(&parse_list(&text), &text)?;
        }
    }

    #[test]
    fn url_like_lines_are_accepted(host in "[a-z]{1,12}\\.(com|org|net)", path in "[a-zA-Z0-9_/.-]{0,30}") {
        let list = parse_list(&format!("  \"{host}/{path}\"  \n"));
        prop_assert_eq!(list.entries.len(), 1);
        prop_assert_eq!(list.entries[0].url.host_str(), Some(host.as_str()));
    }
}

/// Text made of the pieces lists are made of: links, words, punctuation, markup, cells.
fn list_like_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("https://".to_owned()),
        Just("http://".to_owned()),
        Just("<a href=\"".to_owned()),
        Just("\">".to_owned()),
        Just("](".to_owned()),
        Just("&amp;".to_owned()),
        Just("sha256:".to_owned()),
        "[a-z0-9.]{1,12}",
        "[ \t\n,;:()\\[\\]<>\"'#/.?!*|&=-]{1,3}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

/// What holds for any parsed list: items numbered 1..n in line order, http(s) only, and every
/// line number within the text.
fn check_list(list: &ParsedList, text: &str) -> Result<(), TestCaseError> {
    let lines = text.lines().count();
    let mut last_line = 0;
    for (i, entry) in list.entries.iter().enumerate() {
        prop_assert_eq!(entry.index, i + 1);
        prop_assert!(matches!(entry.url.scheme(), "http" | "https"));
        prop_assert!(entry.line >= last_line && entry.line <= lines);
        last_line = entry.line;
    }
    prop_assert!(list.from_text <= list.entries.len());
    let mut used: Vec<usize> = list.entries.iter().map(|e| e.line).collect();
    used.extend(list.rejected.iter().map(|r| r.line));
    used.sort_unstable();
    used.dedup();
    prop_assert!(used.len() + list.ignored <= lines);
    Ok(())
}

#[test]
fn huge_lists_and_lines_are_handled() {
    let mut text: String = (0..10_000)
        .map(|i| format!("https://example.com/{i}\n"))
        .collect();
    text.push_str(&format!("https://example.com/{}\n", "a".repeat(60_000)));
    // Longer than the HTTP library sends: refused with its sentence, not at download time.
    text.push_str(&format!("https://example.com/{}\n", "a".repeat(100_000)));
    text.push_str("\u{ff}\u{fe}garbage\n");
    let list = parse_list(&text);
    assert_eq!(list.entries.len(), 10_001);
    assert_eq!(list.entries[10_000].index, 10_001);
    assert_eq!(list.rejected.len(), 2);
    assert_eq!(list.rejected[0].line, 10_002);
    assert_eq!(
        list.rejected[0].reason.to_string(),
        "this address is too long (97.7 KiB); a web address can be at most 64 KiB"
    );
    assert_eq!(list.rejected[1].line, 10_003);
}
