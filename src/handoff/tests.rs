//! The checks of a message from outside.

use super::*;

fn links(n: usize) -> String {
    let links: Vec<_> = (0..n)
        .map(|i| format!(r#"{{"url":"https://example.com/{i}.bin"}}"#))
        .collect();
    format!(r#"{{"links":[{}]}}"#, links.join(","))
}

#[test]
fn a_full_message_is_taken_with_everything_the_browser_knew() {
    let json = br#"{"links":[{"url":"https://files.example.com/a.zip","name":"a report.zip"},
        {"url":"http://example.com/b.iso","sha256":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}],
        "page":"https://example.com/page","user_agent":"Mozilla/5.0 (X11)",
        "cookies":[{"domain":".example.com","name":"session","value":"s3cr3t","path":"/","secure":true},
                   {"domain":"files.example.com","name":"k","value":"v"}]}"#;
    let handoff = Handoff::from_json(json).unwrap();
    assert_eq!(handoff.links.len(), 2);
    assert_eq!(handoff.links[0].name.as_deref(), Some("a report.zip"));
    assert_eq!(handoff.cookies.len(), 2);
    assert_eq!(handoff.cookies[0].value, "s3cr3t");
    // Whatever logs a message does not log a cookie's value.
    assert!(!format!("{handoff:?}").contains("s3cr3t"));
    assert_eq!(
        handoff.box_text(),
        "https://files.example.com/a.zip\nhttp://example.com/b.iso sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
    );
}

#[test]
fn only_web_links_are_taken() {
    for bad in [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://example.com/a",
        "data:text/plain,hi",
        "https://",
        "not a link",
    ] {
        let json = format!(r#"{{"links":[{{"url":"https://example.com/ok"}},{{"url":"{bad}"}}]}}"#);
        let refusal = Handoff::from_json(json.as_bytes()).unwrap_err();
        assert!(
            matches!(refusal, Refusal::NotWebLink(_)),
            "{bad}: {refusal:?}"
        );
        assert!(refusal.to_string().starts_with('“'), "{refusal}");
    }
    let refusal = Handoff::from_json(br#"{"links":[],"page":"file:///home/me/"}"#).unwrap_err();
    assert_eq!(refusal, Refusal::BadField("page address"));
}

#[test]
fn ten_thousand_links_are_taken_and_one_more_is_refused() {
    assert_eq!(
        Handoff::from_json(links(10_000).as_bytes())
            .unwrap()
            .links
            .len(),
        10_000
    );
    assert_eq!(
        Handoff::from_json(links(10_001).as_bytes()).unwrap_err(),
        Refusal::TooManyLinks(10_001)
    );
}

#[test]
fn wrong_types_unknown_fields_and_broken_json_are_refused() {
    for bad in [
        &br#"{"links":"https://example.com/a"}"#[..],
        br#"{"links":[{"url":5}]}"#,
        br#"{"links":[{"url":"https://example.com/a","name":["a"]}]}"#,
        br#"{"links":[], "cookies": {"a": "b"}}"#,
        br#"[]"#,
        br#"{}"#,
        br#"{"links":[{"url":"https://example.com/a"}]"#,
        b"\xff\xfe",
        // A folder, a setting or a command is never taken from a message.
        br#"{"links":[{"url":"https://example.com/a"}],"folder":"/home/me/.ssh"}"#,
        br#"{"links":[{"url":"https://example.com/a","out":"/tmp"}]}"#,
        br#"{"links":[],"start":true}"#,
        br#"{"links":[],"command":"rm -rf ~"}"#,
    ] {
        let refusal = Handoff::from_json(bad).unwrap_err();
        assert!(
            matches!(refusal, Refusal::Malformed(_)),
            "{bad:?}: {refusal:?}"
        );
    }
    let refusal = Handoff::from_json(br#"{"links":[],"folder":"/tmp"}"#).unwrap_err();
    assert!(
        refusal.to_string().contains("unknown field `folder`"),
        "{refusal}"
    );
}

#[test]
fn a_suggested_name_is_made_a_plain_file_name_and_never_refuses_the_links() {
    let long = format!("{}.zip", "a".repeat(300));
    let cases: [(&str, Option<&str>); 10] = [
        ("../../.bashrc", Some(".bashrc")),
        ("/etc/passwd", Some("passwd")),
        ("a/b.zip", Some("b.zip")),
        ("a\\b.zip", Some("b.zip")),
        ("..", Some("download")),
        ("", None),
        ("   ", None),
        ("a\nb\u{7}.zip", Some("a_b_.zip")),
        ("C:x", Some("C_x")),
        ("con.txt", Some("_con.txt")),
    ];
    for (hostile, expected) in cases {
        let json =
            serde_json::json!({"links": [{"url": "https://example.com/a", "name": hostile}]});
        let taken = Handoff::from_json(json.to_string().as_bytes()).unwrap();
        assert_eq!(taken.links[0].name.as_deref(), expected, "{hostile:?}");
    }
    let json = serde_json::json!({"links": [{"url": "https://example.com/a", "name": long}]});
    let taken = Handoff::from_json(json.to_string().as_bytes()).unwrap();
    let name = taken.links[0].name.clone().unwrap();
    assert!(name.len() < 255 && name.ends_with(".zip"), "{name}");
    // Made safe once, it stays as it is when the window reads it again.
    let again = Handoff::from_json(&serde_json::to_vec(&taken).unwrap()).unwrap();
    assert_eq!(again, taken);
}

#[test]
fn cookies_only_for_the_links_hosts_and_headers_without_line_breaks() {
    let with = |cookie: serde_json::Value, agent: &str| {
        let json = serde_json::json!({
            "links": [{"url": "https://dl.example.com/a"}],
            "user_agent": agent,
            "cookies": [cookie],
        });
        Handoff::from_json(json.to_string().as_bytes())
    };
    let cookie = |domain: &str, value: &str| serde_json::json!({"domain": domain, "name": "s", "value": value});
    assert!(with(cookie("dl.example.com", "1"), "UA").is_ok());
    assert!(with(cookie(".example.com", "1"), "UA").is_ok());
    assert_eq!(
        with(cookie("bank.com", "1"), "UA").unwrap_err(),
        Refusal::ForeignCookie("bank.com".into())
    );
    assert!(matches!(
        with(cookie("ample.com", "1"), "UA"),
        Err(Refusal::ForeignCookie(_))
    ));
    // A cookie for a whole top-level domain is never taken, even though the host is under it.
    assert!(matches!(
        with(cookie("com", "1"), "UA"),
        Err(Refusal::ForeignCookie(_))
    ));
    assert_eq!(
        with(cookie("example.com", "1\r\nX: y"), "UA").unwrap_err(),
        Refusal::BadField("cookie")
    );
    assert_eq!(
        with(cookie("example.com", "1"), "UA\r\nX: y").unwrap_err(),
        Refusal::BadField("User-Agent")
    );
}

#[test]
fn an_oversize_message_is_refused_before_it_is_read() {
    let mut big = links(1).into_bytes();
    big.resize(MAX_MESSAGE + 1, b' ');
    assert_eq!(
        Handoff::from_json(&big).unwrap_err(),
        Refusal::TooLarge(MAX_MESSAGE as u64 + 1)
    );
}

#[test]
fn a_page_message_names_its_page_and_no_other_kind_is_taken() {
    let page = br#"{"kind":"page","links":[{"url":"https://example.com/a.pdf"}],"page":"https://example.com/reports/"}"#;
    let handoff = Handoff::from_json(page).unwrap();
    assert_eq!(handoff.kind, Kind::Page);
    // It says so again when the window reads it; a plain message says nothing of its kind.
    assert!(
        String::from_utf8(serde_json::to_vec(&handoff).unwrap())
            .unwrap()
            .contains(r#""kind":"page""#)
    );
    let plain = Handoff::from_json(br#"{"links":[{"url":"https://example.com/a"}]}"#).unwrap();
    assert_eq!(plain.kind, Kind::Links);
    assert!(!serde_json::to_string(&plain).unwrap().contains("kind"));
    // Without its page, and with a kind that is not one of the two, nothing is taken.
    let refused = [
        (
            r#"{"kind":"page","links":[{"url":"https://example.com/a"}]}"#,
            "page address",
        ),
        (
            r#"{"kind":"page","links":[{"url":"https://example.com/a"}],"page":"file:///home/"}"#,
            "page address",
        ),
        (
            r#"{"kind":"run","links":[{"url":"https://example.com/a"}]}"#,
            "unknown variant `run`",
        ),
        (
            r#"{"kind":["page"],"links":[{"url":"https://example.com/a"}]}"#,
            "not one Downpour understands",
        ),
    ];
    for (json, expected) in refused {
        let refusal = Handoff::from_json(json.as_bytes()).unwrap_err();
        let sentence = refusal.to_string();
        assert!(sentence.contains(expected), "{json}: {sentence}");
    }
}
