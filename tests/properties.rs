//! Property tests: for any input, the URL-list parser never panics and numbers its items
//! 1..n, and a sanitized file name is never empty, never a path, never reserved, and always
//! stays inside the save folder.

use std::path::Path;

use downpour::names::{MAX_NAME_BYTES, RESERVED_NAMES, sanitize};
use downpour::parse_list;
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
        let list = parse_list(&text);
        for (i, entry) in list.entries.iter().enumerate() {
            prop_assert_eq!(entry.index, i + 1);
            prop_assert!(matches!(entry.url.scheme(), "http" | "https"));
        }
        let lines = text.lines().count();
        prop_assert!(list.entries.len() + list.rejected.len() <= lines);
    }

    #[test]
    fn url_like_lines_are_accepted(host in "[a-z]{1,12}\\.(com|org|net)", path in "[a-zA-Z0-9_/.-]{0,30}") {
        let list = parse_list(&format!("  \"{host}/{path}\"  \n"));
        prop_assert_eq!(list.entries.len(), 1);
        prop_assert_eq!(list.entries[0].url.host_str(), Some(host.as_str()));
    }
}

#[test]
fn huge_lists_and_lines_are_handled() {
    let mut text: String = (0..10_000)
        .map(|i| format!("https://example.com/{i}\n"))
        .collect();
    text.push_str(&format!("https://example.com/{}\n", "a".repeat(100_000)));
    text.push_str("\u{ff}\u{fe}garbage\n");
    let list = parse_list(&text);
    assert_eq!(list.entries.len(), 10_001);
    assert_eq!(list.entries[10_000].index, 10_001);
    assert_eq!(list.rejected.len(), 1);
    assert_eq!(list.rejected[0].line, 10_002);
}
