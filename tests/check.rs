//! The check of a whole list before Start (`downpour::check`, `downpour-cli --check`) against
//! real answers on 127.0.0.1: each link asked once, each verdict the run's own, the total
//! against a disk too small, and nothing downloaded.

use std::time::{Duration, SystemTime};

use downpour::check::{CheckReport, Finding, FreeSpace, check_links};
use downpour::{DownloadError, Mode};

use crate::util::server::TestServer;
use crate::util::{cli, config, files_in, jobs, run};

fn check(lines: &[String], dir: &std::path::Path, free: FreeSpace) -> CheckReport {
    let config = config(Mode::Submit, 2, dir);
    let mut seen = Vec::new();
    let report = check_links(&jobs(lines), &config, free, &mut |done, of| {
        seen.push((done, of));
    })
    .unwrap();
    let total = lines.len();
    assert_eq!(seen, (1..=total).map(|n| (n, total)).collect::<Vec<_>>());
    report
}

fn verdicts(report: &CheckReport) -> Vec<Option<String>> {
    report
        .links
        .iter()
        .map(|link| link.verdict.as_ref().map(ToString::to_string))
        .collect()
}

#[test]
fn every_link_is_asked_once_and_told_what_the_run_will_do() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    // A link the folder received before, and a file of a name and size Downpour did not save.
    let kept = server.url("kept.bin?size=700");
    assert!(
        run(
            jobs(std::slice::from_ref(&kept)),
            config(Mode::Submit, 1, dir.path())
        )
        .reported[0]
            .outcome
            .kind()
            .is_success()
    );
    std::fs::write(dir.path().join("there.bin"), vec![7u8; 300]).unwrap();
    let before = server.requests().len();
    let soon = SystemTime::now() + Duration::from_secs(300);
    let epoch = soon
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let lines = [
        server.url("a.bin?size=1000"),
        server.url("gone.bin?status=404"),
        server.url("report.pdf?login=1"),
        server.url("secret.zip?auth=1"),
        server.url("other/a.bin?size=2000"),
        kept,
        server.url("there.bin?size=300"),
        server.url(&format!("signed.zip?size=10&Expires={epoch}")),
    ];
    let report = check(&lines, dir.path(), FreeSpace::Given(1 << 30));
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(epoch);
    let host = "127.0.0.1";
    assert_eq!(
        verdicts(&report),
        [
            None,
            Some("the server answered 404 Not Found".to_owned()),
            Some("the server sends a web page here, not a file".to_owned()),
            Some(format!(
                "needs a login: {host} asks for a user name and password"
            )),
            Some("two links save the same file: a.bin (link 1 too)".to_owned()),
            Some("already in the folder, will be skipped (kept.bin)".to_owned()),
            Some(
                DownloadError::NameTaken {
                    name: "there.bin".into()
                }
                .to_string()
            ),
            Some(format!(
                "this link expires at {}, before its turn may come",
                downpour::format::clock(at)
            )),
        ]
    );
    let first = &report.links[0];
    assert_eq!(
        (first.name.as_deref(), first.size, first.resumable),
        (Some("a.bin"), Some(1000), true)
    );
    assert!(first.version.is_some());
    assert!(matches!(
        report.links[1].verdict,
        Some(Finding::Fails(DownloadError::Status { code: 404, .. }))
    ));
    // What the run would download: a.bin, the second a.bin and signed.zip.
    assert_eq!(report.space.total, 1000 + 2000 + 10);
    assert!(report.will_fail());
    let asked = &server.requests()[before..];
    assert_eq!(asked.len(), lines.len(), "one request per link: {asked:?}");
    assert!(asked.iter().all(|r| r.starts_with("HEAD ")), "{asked:?}");
    assert_eq!(files_in(dir.path()), ["kept.bin", "there.bin"]);
}

#[test]
fn where_head_is_refused_the_first_byte_is_asked_instead() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [server.url("nohead.iso?size=5000&nohead=1")];
    let report = check(&lines, dir.path(), FreeSpace::Given(1 << 30));
    let link = &report.links[0];
    assert_eq!(link.verdict, None);
    assert_eq!((link.size, link.resumable), (Some(5000), true));
    assert_eq!(
        server.requests(),
        [
            "HEAD /nohead.iso?nohead=1&size=5000",
            "/nohead.iso?nohead=1&size=5000&range=0-0"
        ]
    );
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn a_list_larger_than_the_free_space_is_told_before_start() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        server.url("one.bin?size=3000"),
        server.url("two.bin?size=3000"),
    ];
    let small = check(&lines, dir.path(), FreeSpace::Given(5000));
    assert_eq!(verdicts(&small), [None, None]);
    assert_eq!(small.space.total, 6000);
    assert_eq!(
        small.space.problem().unwrap().to_string(),
        "these files need 5.9 KiB but the save folder's disk has only 4.9 KiB free — free some \
         space or choose another folder"
    );
    assert!(small.will_fail());
    let roomy = check(&lines, dir.path(), FreeSpace::Given(6000));
    assert!(!roomy.will_fail());
}

#[test]
fn a_run_after_the_check_asks_each_file_once_more_with_no_head() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [server.url("x.bin?size=4000"), server.url("y.bin?size=5000")];
    let report = check(&lines, dir.path(), FreeSpace::Given(1 << 30));
    assert!(!report.will_fail());
    let finished = run(jobs(&lines), config(Mode::Submit, 2, dir.path()));
    assert!(
        finished
            .reported
            .iter()
            .all(|r| r.outcome.kind().is_success())
    );
    let heads = server
        .requests()
        .iter()
        .filter(|r| r.starts_with("HEAD "))
        .count();
    assert_eq!(
        (heads, server.requests().len()),
        (2, 4),
        "{:?}",
        server.requests()
    );
}

#[test]
fn the_cli_check_prints_a_table_downloads_nothing_and_fails_when_a_link_will() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let good = server.url("good.pdf?size=2048");
    let output = cli()
        .args(["--check", "-o"])
        .arg(dir.path())
        .args([&good, &server.url("missing.pdf?status=404")])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let rows: Vec<&str> = stdout.lines().collect();
    assert!(
        rows[1].contains("good.pdf") && rows[1].contains("2.0 KiB") && rows[1].contains("ok"),
        "{stdout}"
    );
    assert!(
        rows[2].contains("the server answered 404 Not Found"),
        "{stdout}"
    );
    assert!(stdout.contains("total 2.0 KiB"), "{stdout}");
    assert!(files_in(dir.path()).is_empty());
    assert!(server.requests().iter().all(|r| r.starts_with("HEAD ")));
    let later = dir.path().join("not-made-yet");
    let fine = cli()
        .args(["--check", "-o"])
        .arg(&later)
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(fine.status.code(), Some(0));
    assert!(
        files_in(dir.path()).is_empty(),
        "not even the folder is made"
    );
}

/// A measurement, not a test (run by hand: `cargo test --test integration -- --ignored
/// --nocapture check_of_1000`): the bench scenario of benches/throughput/check.rs with the
/// CLI of this build, for a number where the release bench cannot be built.
#[test]
#[ignore = "a measurement of about 13 s"]
fn check_of_1000_links_with_200_ms_answers() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let list: String = (0..1000)
        .map(|i| {
            format!(
                "{}\n",
                server.url(&format!("c/f{i}.bin?size=4096&delay=200"))
            )
        })
        .collect();
    let list_path = dir.path().join("list.txt");
    std::fs::write(&list_path, list).unwrap();
    let started = std::time::Instant::now();
    let output = cli()
        .args(["--check", "--workers", "16", "--per-host", "16", "-i"])
        .arg(&list_path)
        .arg("-o")
        .arg(dir.path())
        .output()
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert!(output.status.success());
    let ideal = 1000_usize.div_ceil(16) as f64 * 0.2;
    println!(
        "check of 1000 links: {secs:.2} s, ideal {ideal:.2} s, {:.3} × ideal, {} requests, {} at once at most",
        secs / ideal,
        server.requests().len(),
        server.max_in_flight()
    );
}

#[test]
fn a_busy_server_is_asked_once_more_as_the_run_would_retry() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        server.url("busy.bin?size=300&fail_first=1&retry_after=0"),
        server.url("down.bin?status=503"),
    ];
    let report = check(&lines, dir.path(), FreeSpace::Given(1 << 30));
    assert_eq!(
        verdicts(&report),
        [
            None,
            Some("the server answered 503 Service Unavailable".to_owned())
        ]
    );
    assert_eq!(report.links[0].size, Some(300));
    let mut asked = server.requests();
    asked.sort();
    assert_eq!(
        asked,
        [
            "HEAD /busy.bin?fail_first=1&retry_after=0&size=300",
            "HEAD /busy.bin?fail_first=1&retry_after=0&size=300",
            "HEAD /down.bin?status=503",
            "HEAD /down.bin?status=503",
        ]
    );
}

#[test]
fn the_check_asks_each_link_with_its_own_page_as_referer() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (page_a, page_b) = ("https://a.example/album/", "https://b.example/docs/");
    let lines = [
        server.url(&format!("a.iso?size=5000&need_referer={page_a}")),
        server.url(&format!("b.iso?size=6000&nohead=1&need_referer={page_b}")),
    ];
    let mut jobs = jobs(&lines);
    jobs[0].referer = Some(url::Url::parse(page_a).unwrap());
    jobs[1].referer = Some(url::Url::parse(page_b).unwrap());
    let config = config(Mode::Submit, 2, dir.path());
    let report = check_links(&jobs, &config, FreeSpace::Given(1 << 30), &mut |_, _| {}).unwrap();
    assert_eq!(verdicts(&report), [None, None]);
    assert_eq!(
        report.links.iter().map(|l| l.size).collect::<Vec<_>>(),
        [Some(5000), Some(6000)]
    );
    // The HEADs and the first byte asked where HEAD is refused, each with its own page.
    let heads = server.heads();
    assert_eq!(heads.len(), 3, "{heads:?}");
    for head in &heads {
        let page = if head.contains("/a.iso") {
            page_a
        } else {
            page_b
        };
        assert!(head.contains(&format!("referer: {page}")), "{head}");
    }
}
