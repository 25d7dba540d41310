use super::*;
use filter::wildcard;

fn page() -> Url {
    Url::parse("https://site.example/docs/index.html").unwrap()
}

fn urls(found: &PageLinks) -> Vec<&str> {
    found.links.iter().map(|l| l.url.as_str()).collect()
}

#[test]
fn links_resolve_against_the_first_base_and_are_taken_once() {
    let html = br#"<html><head>
        <link rel="stylesheet" href="style.css">
        <link rel="alternate" href="book.epub">
        <base href="/files/"><base href="/ignored/">
        </head><body>
        <a href="a.pdf#page=2">A</a> <a href="a.pdf">again</a>
        <a href="javascript:alert(1)">x</a><a href="mailto:x@y">m</a><a href="data:text/plain,hi">d</a>
        <a href="file:///etc/passwd">f</a><a href="ftp://site.example/x.zip">ftp</a>
        <a href="?q=1&amp;r=&#50;">query</a>
        <img src="//cdn.example/p.JPG"><video poster="v.png"><source src="v.mp4"></video>
        <audio src="https://other.example/s.mp3"></audio><a>no href</a><a href="">empty</a>
        </body></html>"#;
    let found = links_in_html(&page(), html);
    assert_eq!(
        urls(&found),
        [
            "https://site.example/docs/book.epub",
            "https://site.example/files/a.pdf",
            "https://site.example/files/?q=1&r=2",
            "https://cdn.example/p.JPG",
            "https://site.example/files/v.png",
            "https://site.example/files/v.mp4",
            "https://other.example/s.mp3",
            "https://site.example/files/",
        ]
    );
    assert!(found.notes.is_empty());
    let types: Vec<_> = found.links.iter().map(|l| l.file_type).collect();
    assert_eq!(types[0], Some(FileType::Documents));
    assert_eq!(types[3], Some(FileType::Images));
    assert_eq!(types[5], Some(FileType::Video));
    assert_eq!(types[6], Some(FileType::Audio));
    assert_eq!(found.links[1].name, "a.pdf");
}

#[test]
fn a_page_fed_in_tiny_pieces_gives_the_same_links() {
    let html = "<p><a href='one.zip'>1</a><img\n src=\"two.png\"><a href=three.exe>3</a>";
    let mut reader = LinkReader::new(&page());
    for byte in html.as_bytes() {
        assert!(reader.feed(std::slice::from_ref(byte)));
    }
    assert_eq!(
        urls(&reader.finish()),
        [
            "https://site.example/docs/one.zip",
            "https://site.example/docs/two.png",
            "https://site.example/docs/three.exe",
        ]
    );
}

#[test]
fn entities_are_decoded_and_broken_ones_kept() {
    assert_eq!(decode_entities("a&amp;b&#x41;&#66;&lt;"), "a&bAB<");
    assert_eq!(decode_entities("a&b&unknown;&#xZZ;"), "a&b&unknown;&#xZZ;");
    assert_eq!(decode_entities("日本&amp;"), "日本&");
}

fn link(url: &str) -> PageLink {
    PageLink::new(Url::parse(url).unwrap())
}

#[test]
fn wildcards_types_and_regular_expressions_choose_links() {
    let rules = Rules::parse("*.pdf, report-*,images").unwrap();
    assert!(rules.matches(&link("https://x.example/a/B.PDF")));
    assert!(rules.matches(&link("https://x.example/report-2024.xlsx")));
    assert!(rules.matches(&link("https://x.example/cat.webp")));
    assert!(!rules.matches(&link("https://x.example/my-report-1.xlsx")));
    assert!(!rules.matches(&link("https://x.example/a.pdf.exe")));
    let regex = Rules::parse(r"/scan_\d{2,3}\.(jpg|png)/").unwrap();
    assert!(regex.matches(&link("https://x.example/scan_012.PNG")));
    assert!(!regex.matches(&link("https://x.example/scan_1.png")));
    let err = Rules::parse("/scan_(/").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("'scan_(' is not a regular expression")
    );
    assert!(Rules::parse(" ").unwrap().is_empty());
    assert!(wildcard("a*b?c", "axxbyc"));
    assert!(!wildcard("a*b?c", "axxbc"));
    assert!(wildcard("*", ""));
    assert!(!wildcard("", "x"));
}

#[test]
fn the_filter_combines_types_pattern_site_and_invert() {
    let page = page();
    let links = [
        link("https://site.example/a.pdf"),
        link("https://www.site.example/b.zip"),
        link("https://other.example/c.pdf"),
        link("https://site.example/about"),
    ];
    let chosen = |filter: &LinkFilter| -> Vec<&str> {
        links
            .iter()
            .filter(|l| filter.chooses(&page, l))
            .map(|l| l.name.as_str())
            .collect()
    };
    assert_eq!(chosen(&LinkFilter::default()).len(), 4);
    let mut filter = LinkFilter {
        types: vec![FileType::Documents, FileType::Archives],
        ..LinkFilter::default()
    };
    assert_eq!(chosen(&filter), ["a.pdf", "b.zip", "c.pdf"]);
    filter.same_site = true;
    assert_eq!(chosen(&filter), ["a.pdf", "b.zip"]);
    filter.rules = Rules::parse("*.pdf").unwrap();
    assert_eq!(chosen(&filter), ["a.pdf"]);
    filter.invert = true;
    assert_eq!(chosen(&filter), ["b.zip", "c.pdf", "about"]);
}

#[test]
fn type_names_read_in_any_case_and_singular() {
    assert_eq!(FileType::from_word("Images"), Some(FileType::Images));
    assert_eq!(FileType::from_word("archive"), Some(FileType::Archives));
    assert_eq!(FileType::from_word("audio"), Some(FileType::Audio));
    assert_eq!(FileType::from_word("pictures"), None);
    assert_eq!(FileType::of_name("x.tar.GZ"), Some(FileType::Archives));
    assert_eq!(FileType::of_name("README"), None);
}
