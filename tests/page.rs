//! Files on a web page, read from real pages served on 127.0.0.1: mixed links, 100,000 links,
//! 50 MiB of junk, a file that is not a page, and the CLI's `--page`.

use downpour::page::{FileType, PageError, PageNote, fetch_page};
use downpour::{Mode, RunConfig};
use url::Url;

use crate::util::cli;
use crate::util::server::{TestServer, body_for};

fn config() -> RunConfig {
    RunConfig::new(Mode::Submit, 1, std::env::temp_dir())
}

#[test]
fn a_page_of_mixed_links_gives_each_file_once_resolved_against_its_base() {
    let server = TestServer::start();
    let page = Url::parse(&server.url("reports/index.html?page=mixed")).unwrap();
    let found = fetch_page(&page, &config()).unwrap();
    let base = server.url("");
    let links: Vec<String> = found
        .links
        .iter()
        .map(|l| l.url.as_str().replace(&base, "/"))
        .collect();
    assert_eq!(
        links,
        [
            "/print/all.pdf",
            "/files/report-2024.pdf",
            "/files/report-2023.pdf?lang=en&v=2",
            "/files/data.zip",
            "https://other.example/elsewhere.pdf",
            "/about.html",
            "/files/photo.JPG",
            "/files/poster.png",
            "/files/clip.mp4",
            "/files/song.mp3",
        ]
    );
    assert!(found.notes.is_empty());
    let kinds: Vec<Option<FileType>> = found.links.iter().map(|l| l.file_type).collect();
    assert_eq!(kinds[3], Some(FileType::Archives));
    assert_eq!(kinds[5], None);
    assert_eq!(kinds[6], Some(FileType::Images));
    assert_eq!(
        server.requests().len(),
        1,
        "only the page was asked for: {:?}",
        server.requests()
    );
}

#[test]
fn a_page_of_more_than_100000_links_offers_the_first_100000() {
    let server = TestServer::start();
    let page = Url::parse(&server.url("big.html?page=many&n=100250")).unwrap();
    let found = fetch_page(&page, &config()).unwrap();
    assert_eq!(found.links.len(), 100_000);
    assert_eq!(found.links[0].name, "f0.bin");
    assert_eq!(found.links[99_999].name, "f99999.bin");
    assert_eq!(found.notes, [PageNote::TooManyLinks { left_out: 250 }]);
    assert_eq!(
        found.notes[0].to_string(),
        "the page has more than 100,000 links; only the first 100,000 are shown (250 more left out)"
    );
}

#[test]
fn a_page_of_50_mib_of_junk_is_read_only_up_to_20_mib() {
    let server = TestServer::start();
    let page = Url::parse(&server.url("junk.html?page=junk&size=52428800")).unwrap();
    let found = fetch_page(&page, &config()).unwrap();
    assert_eq!(found.notes, [PageNote::TooLarge], "{:?}", found.notes);
    assert_eq!(
        found.notes[0].to_string(),
        "the page is larger than 20 MiB; only the links in its first 20 MiB are shown"
    );
    let names: Vec<&str> = found.links.iter().map(|l| l.name.as_str()).collect();
    assert!(names.contains(&"first.zip"), "{names:?}");
    assert!(!names.contains(&"late.zip"), "{names:?}");
    assert!(
        found
            .links
            .iter()
            .all(|l| matches!(l.url.scheme(), "http" | "https")),
    );
}

#[test]
fn a_file_or_a_missing_page_is_a_sentence() {
    let server = TestServer::start();
    let file = Url::parse(&server.url("a.zip?page=file")).unwrap();
    let err = fetch_page(&file, &config()).unwrap_err();
    assert!(matches!(err, PageError::NotAPage { .. }));
    assert_eq!(
        err.to_string(),
        "this address is a file (application/zip), not a web page: add it to the links to download it"
    );
    let missing = Url::parse(&server.url("gone.html?status=404")).unwrap();
    assert_eq!(
        fetch_page(&missing, &config()).unwrap_err().to_string(),
        "the server answered 404 Not Found"
    );
    let ftp = Url::parse("ftp://127.0.0.1/x.html").unwrap();
    assert!(matches!(
        fetch_page(&ftp, &config()),
        Err(PageError::NotWeb { .. })
    ));
}

#[test]
fn the_cli_lists_a_pages_links_and_downloads_only_those_accepted() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let page = server.url("reports/index.html?page=mixed");
    let output = cli()
        .args(["--page", &page, "--list-only", "--same-site"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let base = server.url("");
    let listed: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| l.replace(&base, "/"))
        .collect();
    assert_eq!(listed.len(), 9, "{listed:?}");
    assert!(!listed.iter().any(|l| l.contains("other.example")));
    assert_eq!(server.requests().len(), 1, "--list-only downloads nothing");

    let output = cli()
        .args([
            "--page",
            &page,
            "--accept",
            "*.pdf,images",
            "--reject",
            "all.*",
        ])
        .args(["--same-site", "-r", "0", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let mut saved: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    saved.sort();
    assert_eq!(
        saved,
        [
            "photo.JPG",
            "poster.png",
            "report-2023.pdf",
            "report-2024.pdf"
        ]
    );
    assert_eq!(
        std::fs::read(dir.path().join("report-2024.pdf")).unwrap(),
        body_for("files/report-2024.pdf", 1024)
    );
    assert_eq!(server.requests().len(), 2 + 4, "{:?}", server.requests());
}

#[test]
fn a_bad_accept_pattern_or_page_stops_before_anything_is_downloaded() {
    let server = TestServer::start();
    let page = server.url("index.html?page=mixed");
    let output = cli()
        .args(["--page", &page, "--accept", "/(/"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("'(' is not a regular expression"),
        "{stderr}"
    );
    assert!(server.requests().is_empty());
    let output = cli()
        .args(["--page", &server.url("x.zip?page=file"), "--list-only"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("this address is a file (application/zip), not a web page"),
        "{stderr}"
    );
}

/// The peak resident set (KiB) of `downpour-cli --page URL --list-only`, in its own process.
#[allow(
    clippy::zombie_processes,
    reason = "reaped by wait4, which also reports its peak"
)]
fn list_only_peak_rss_kib(page: &str) -> u64 {
    let child = cli()
        .args(["--page", page, "--list-only"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::util::peak_rss_kib(child, page)
}

#[test]
fn memory_stays_bounded_whatever_the_page_holds() {
    let server = TestServer::start();
    // A child's peak also counts its parent's peak so far (Linux records the parent's
    // high-water mark when the child starts its program), and that only grows: so each page is
    // measured before the smaller one it is compared with, and the parent's part can only
    // make the comparison easier, never fail it.
    let many = list_only_peak_rss_kib(&server.url("d.html?page=many&n=400000"));
    let junk = list_only_peak_rss_kib(&server.url("j.html?page=junk&size=52428800"));
    let full = list_only_peak_rss_kib(&server.url("f.html?page=many&n=100000"));
    let small = list_only_peak_rss_kib(&server.url("s.html?page=mixed"));
    // 100,000 kept links cost some memory (about 55 MiB here); the 300,000 past the limit
    // cost none (kept, they would add three times that), and 50 MiB of junk is read as a
    // stream, never held whole.
    assert!(
        many < full + 48 * 1024,
        "100,000 links: {full} KiB, 400,000: {many} KiB"
    );
    assert!(
        junk < small + 24 * 1024,
        "a small page: {small} KiB, 50 MiB of junk: {junk} KiB"
    );
    assert!(full < small + 96 * 1024, "{small} KiB, then {full} KiB");
}

#[test]
fn no_ranges_takes_brackets_literally() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let link = server.url("photo[1-2].png?size=10");
    for (flag, asked) in [(None, 2), (Some("--no-ranges"), 3)] {
        let output = cli()
            .args(flag)
            .args(["-r", "0", "-o"])
            .arg(dir.path())
            .arg(&link)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        assert_eq!(server.requests().len(), asked, "{:?}", server.requests());
    }
    let mut first_run = server.requests()[..2].to_vec();
    first_run.sort();
    assert_eq!(first_run, ["/photo1.png?size=10", "/photo2.png?size=10"]);
    assert_eq!(server.requests()[2], "/photo[1-2].png?size=10");
}

#[test]
fn the_links_of_one_page_carry_it_as_their_referer() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let page = server.url("gallery.html?page=guarded");
    let output = cli()
        .args(["--page", &page, "-r", "0", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read(dir.path().join("guarded.png")).unwrap(),
        body_for("guarded.png", 100)
    );
}

#[test]
fn a_saved_page_is_read_from_the_disk_resolved_against_the_address_given() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("reports.html");
    std::fs::write(
        &saved,
        "<html><body><a href=\"files/a.pdf\">a</a> <a href=\"https://example.com/b.zip\">b</a>\
         <a href=\"javascript:alert(1)\">c</a></body></html>",
    )
    .unwrap();
    let alone = downpour::page::read_saved_page(&saved, None).unwrap();
    let urls: Vec<&str> = alone.links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(urls, ["https://example.com/b.zip"]);
    let from = Url::parse("https://site.example/reports/").unwrap();
    let placed = downpour::page::read_saved_page(&saved, Some(&from)).unwrap();
    let urls: Vec<&str> = placed.links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://site.example/reports/files/a.pdf",
            "https://example.com/b.zip"
        ]
    );
    let missing = downpour::page::read_saved_page(&dir.path().join("gone.html"), None);
    assert!(matches!(
        missing,
        Err(PageError::Unreadable { ref name, .. }) if name == "gone.html"
    ));
}

/// The Referer each request carried, by the path (without query) it asked for.
fn referers_by_path(server: &TestServer) -> Vec<(String, Option<String>)> {
    server
        .heads()
        .iter()
        .map(|head| {
            let path = head.split(' ').nth(1).unwrap_or_default();
            let path = path.split('?').next().unwrap_or_default().to_owned();
            let referer = head
                .lines()
                .find_map(|l| l.strip_prefix("referer: ").map(|r| r.trim().to_owned()));
            (path, referer)
        })
        .collect()
}

#[test]
fn each_link_carries_its_own_page_as_referer_the_run_wide_one_only_where_it_has_none() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (page_a, page_b) = ("https://a.example/album/", "https://b.example/docs/");
    let big = 6 * 1024 * 1024;
    let lines = [
        server.url("a1.bin?size=3000"),
        server.url(&format!("a-big.iso?size={big}&rate=2097152")),
        server.url("b1.bin?size=4000"),
        server.url("pasted.bin?size=5000"),
    ];
    let mut jobs = crate::util::jobs(&lines);
    for (job, page) in jobs
        .iter_mut()
        .zip([Some(page_a), Some(page_a), Some(page_b), None])
    {
        job.referer = page.map(|p| Url::parse(p).unwrap());
    }
    let mut config = crate::util::config(Mode::Submit, 8, dir.path());
    let mine = "https://mine.example/";
    config.access.referer = Some(Url::parse(mine).unwrap());
    let done = crate::util::run(jobs, config);
    for index in 1..=4 {
        assert_eq!(done.item(index).outcome, downpour::Outcome::Done, "{index}");
    }
    assert!(std::fs::read(dir.path().join("a-big.iso")).unwrap() == body_for("a-big.iso", big));
    assert!(
        done.item(2).pieces.len() >= 2,
        "split: {:?}",
        done.item(2).pieces
    );
    let asked = referers_by_path(&server);
    let expected = |path: &str| match path {
        "/a1.bin" | "/a-big.iso" => page_a,
        "/b1.bin" => page_b,
        _ => mine,
    };
    // Every request, the big file's pieces among them, with its own link's page.
    assert!(
        asked.iter().filter(|(p, _)| p == "/a-big.iso").count() >= 2,
        "{asked:?}"
    );
    assert_eq!(asked.len(), server.heads().len());
    for (path, referer) in &asked {
        assert_eq!(
            referer.as_deref(),
            Some(expected(path)),
            "{path}: {asked:?}"
        );
    }
}

#[test]
fn the_links_of_two_pages_carry_each_its_own_page_as_referer() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pages = [
        server.url("a/gallery.html?page=guarded"),
        server.url("b/gallery.html?page=guarded"),
    ];
    let output = cli()
        .args(["--page", &pages[0], "--page", &pages[1], "-r", "0", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Each picture is given only to a request from its own page.
    let asked = referers_by_path(&server);
    let pictures: Vec<_> = asked.iter().filter(|(p, _)| p.ends_with(".png")).collect();
    assert_eq!(pictures.len(), 2, "{asked:?}");
    for (path, referer) in pictures {
        let page = if path.starts_with("/a/") {
            &pages[0]
        } else {
            &pages[1]
        };
        assert_eq!(referer.as_ref(), Some(page), "{asked:?}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn a_links_page_stays_its_referer_through_a_redirect_to_another_host() {
    let (server, other) = (TestServer::start(), TestServer::start());
    let dir = tempfile::tempdir().unwrap();
    // "localhost" is another host than 127.0.0.1.
    let elsewhere = format!("http://localhost:{}/moved.bin?size=3000", other.port());
    let link = format!(
        "{}&redirect={}",
        server.url("start.bin?size=1"),
        elsewhere.replace('&', "%26").replace('?', "%3F")
    );
    let page = "https://a.example/album/";
    let mut jobs = crate::util::jobs(&[link]);
    jobs[0].referer = Some(Url::parse(page).unwrap());
    let mut config = crate::util::config(Mode::Submit, 1, dir.path());
    config.access.referer = Some(Url::parse("https://mine.example/").unwrap());
    let done = crate::util::run(jobs, config);
    assert_eq!(done.item(1).outcome, downpour::Outcome::Done);
    assert!(std::fs::read(dir.path().join("moved.bin")).unwrap() == body_for("moved.bin", 3000));
    // As the run's Referer would be: the same on every hop, as a browser sends it.
    let hops = [referers_by_path(&server), referers_by_path(&other)].concat();
    let paths: Vec<&str> = hops.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["/start.bin", "/moved.bin"]);
    assert!(
        hops.iter().all(|(_, r)| r.as_deref() == Some(page)),
        "{hops:?}"
    );
}
