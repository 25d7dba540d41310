//! Connections you can trust, against servers that behave like real ones: a server that ignores
//! `If-Range` and answers a part of its new version, ranges refused (403, 429 for an hour),
//! wrong Content-Range, pieces cut short, mirrors and farms whose nodes name the same bytes
//! with other ETags. Every file ends exact — one version, never a mix — the number of requests
//! the server received stays small, and no file fails that one connection can fetch.

use crate::util::server::{TestServer, body_for};
use crate::util::{config, files_in, jobs, run};
use downpour::{Event, Mode, Outcome};

const MIB: usize = 1024 * 1024;

/// A file of `size` bytes served at most 2 MiB/s per connection, plus `extra` knobs.
fn capped(server: &TestServer, name: &str, size: usize, extra: &str) -> String {
    server.url(&format!("{name}?size={size}&rate=2097152{extra}"))
}

/// The bytes of `name` in the folder are all of one version: which one (1 or 2).
fn one_version(dir: &std::path::Path, name: &str, size: usize) -> u8 {
    let got = std::fs::read(dir.join(name)).unwrap();
    if got == body_for(name, size) {
        1
    } else if got == body_for(&format!("{name}#2"), size) {
        2
    } else {
        panic!("{name}: neither version whole (a mix of two, or other bytes)");
    }
}

/// The requests the server received for `name`.
fn asked(server: &TestServer, name: &str) -> usize {
    let path = format!("/{name}");
    server
        .requests()
        .iter()
        .filter(|r| r.split('?').next() == Some(&path))
        .count()
}

#[test]
fn a_piece_of_another_version_is_never_mixed_in() {
    // From the second request on the server has version 2, and ignores If-Range: every
    // piece comes back 206 with the new ETag and the new bytes.
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "mixed.bin", 6 * MIB, "&bump=1&noifrange=1");
    let done = run(jobs(&[line]), config(Mode::Submit, 6, dir.path()));
    assert_eq!(done.item(1).outcome, Outcome::Done, "{:?}", done.item(1));
    assert_eq!(one_version(dir.path(), "mixed.bin", 6 * MIB), 1);
    let requests = asked(&server, "mixed.bin");
    assert!(requests < 20, "{requests}: {:?}", server.requests());
    assert_eq!(files_in(dir.path()), ["mixed.bin"]);
}

#[test]
fn a_resume_answered_with_another_version_starts_over_clean() {
    // The first answer is cut half-way; the retry's Range is answered 206 from the right
    // byte, but of version 2 (If-Range ignored).
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(Mode::Sequential, 1, dir.path());
    cfg.retries = 2;
    let line = server.url("resumed.bin?size=300000&cut_first=1&bump=1&noifrange=1");
    let done = run(jobs(&[line]), cfg);
    assert_eq!(done.item(1).outcome, Outcome::Done, "{:?}", done.item(1));
    assert_eq!(one_version(dir.path(), "resumed.bin", 300_000), 2);
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        3,
        "cut, resume refused, whole: {requests:?}"
    );
    assert!(!requests[2].contains("&range="), "{requests:?}");
    assert_eq!(files_in(dir.path()), ["resumed.bin"]);
}

#[test]
fn ranges_refused_with_403_do_not_flood_the_server() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "signed.bin", 8 * MIB, "&range403=1");
    let done = run(jobs(&[line]), config(Mode::Submit, 8, dir.path()));
    assert_eq!(done.item(1).outcome, Outcome::Done, "{:?}", done.item(1));
    assert_eq!(one_version(dir.path(), "signed.bin", 8 * MIB), 1);
    let requests = asked(&server, "signed.bin");
    assert!(
        requests < 20,
        "{requests} requests: {:?}",
        server.requests()
    );
}

#[test]
fn pieces_with_a_wrong_content_range_fall_back_to_one_connection() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "liar.bin", 6 * MIB, "&badrange=1");
    let done = run(jobs(&[line]), config(Mode::Submit, 6, dir.path()));
    assert_eq!(done.item(1).outcome, Outcome::Done, "{:?}", done.item(1));
    assert_eq!(one_version(dir.path(), "liar.bin", 6 * MIB), 1);
    let requests = asked(&server, "liar.bin");
    assert!(
        requests < 20,
        "{requests} requests: {:?}",
        server.requests()
    );
}

#[test]
fn pieces_cut_after_256_kib_fall_back_to_one_connection() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "cut.bin", 8 * MIB, "&cutpieces=262144");
    let done = run(jobs(&[line]), config(Mode::Submit, 8, dir.path()));
    assert_eq!(done.item(1).outcome, Outcome::Done, "{:?}", done.item(1));
    assert_eq!(one_version(dir.path(), "cut.bin", 8 * MIB), 1);
    let requests = asked(&server, "cut.bin");
    assert!(
        requests < 30,
        "{requests} requests: {:?}",
        server.requests()
    );
}

#[test]
fn trickling_pieces_are_caught_and_their_spans_go_back_to_the_file() {
    // Range answers trickle 64 bytes per 200 ms (320 B/s), under the 1 KiB per stall window
    // (2 s in tests) that fails a trickling whole file: each piece's connection is caught
    // too, and gives its span back, instead of holding the file for hours.
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "drip.bin", 6 * MIB, "&rangedrip=200");
    let cfg = config(Mode::Submit, 6, dir.path());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run(jobs(&[line]), cfg));
    });
    let done = rx
        .recv_timeout(std::time::Duration::from_secs(90))
        .expect("the run ends: trickling pieces are not waited for");
    assert_eq!(done.item(1).outcome, Outcome::Done, "{:?}", done.item(1));
    assert_eq!(one_version(dir.path(), "drip.bin", 6 * MIB), 1);
    assert_eq!(files_in(dir.path()), ["drip.bin"]);
    let requests = asked(&server, "drip.bin");
    assert!(requests < 30, "{requests}: {:?}", server.requests());
}

#[test]
fn pieces_refused_for_an_hour_fall_back_to_one_connection_at_once() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "busy.bin", 6 * MIB, "&range429=3600");
    let mut cfg = config(Mode::Submit, 6, dir.path());
    cfg.retries = 3;
    let done = run(jobs(&[line]), cfg);
    assert_eq!(done.item(1).outcome, Outcome::Done, "{:?}", done.item(1));
    assert_eq!(done.item(1).retries, 0, "{:?}", done.item(1));
    assert_eq!(one_version(dir.path(), "busy.bin", 6 * MIB), 1);
    let requests = asked(&server, "busy.bin");
    assert!(
        requests < 20,
        "{requests} requests: {:?}",
        server.requests()
    );
}

#[test]
fn a_farm_whose_nodes_name_the_file_differently_is_no_changed_file() {
    // Each request lands on the other node: the same bytes under another ETag.
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "farm.bin", 6 * MIB, "&farm=1");
    let done = run(jobs(&[line]), config(Mode::Submit, 6, dir.path()));
    assert_eq!(done.item(1).outcome, Outcome::Done, "{:?}", done.item(1));
    assert_eq!(done.item(1).retries, 0);
    let retried = done
        .events
        .iter()
        .any(|e| matches!(e, Event::Retrying { .. }));
    assert!(!retried, "never 'the file changed'");
    assert_eq!(one_version(dir.path(), "farm.bin", 6 * MIB), 1);
    // At most one plain request after the first: a part from another node the first
    // connection itself asked for makes the file continue on one connection.
    let whole = server
        .requests()
        .iter()
        .filter(|r| !r.contains("&range="))
        .count();
    assert!(whole <= 2, "{:?}", server.requests());
    let requests = asked(&server, "farm.bin");
    assert!(
        requests < 20,
        "{requests} requests: {:?}",
        server.requests()
    );
}

#[test]
fn pieces_ask_the_mirror_the_first_connection_was_sent_to() {
    // The link redirects each request to one of two mirrors with their own ETags.
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "mirror.bin", 8 * MIB, "&mirrors=1");
    let done = run(jobs(&[line]), config(Mode::Submit, 8, dir.path()));
    let record = done.item(1);
    assert_eq!(record.outcome, Outcome::Done, "{record:?}");
    assert_eq!(one_version(dir.path(), "mirror.bin", 8 * MIB), 1);
    let requests = server.requests();
    let redirects = requests.iter().filter(|r| r.contains("mirrors=")).count();
    assert_eq!(
        redirects, 1,
        "only the first request asks the link: {requests:?}"
    );
    let pieces = requests.iter().filter(|r| r.contains("&range=")).count();
    assert!(pieces >= 2, "the file was still split: {requests:?}");
    assert!(record.pieces.len() >= 3, "{:?}", record.pieces);
}

#[test]
fn a_server_asking_to_wait_an_hour_is_not_asked_again_and_says_so() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(Mode::Submit, 2, dir.path());
    cfg.retries = 3;
    let line = server.url("later.bin?size=1000&fail_first=9&retry_after=3600");
    let done = run(jobs(&[line]), cfg);
    let record = done.item(1);
    let Outcome::Failed(err) = &record.outcome else {
        panic!("{record:?}");
    };
    assert_eq!(
        err.to_string(),
        "the server asks to wait 60 minutes; try again later"
    );
    assert_eq!(server.requests().len(), 1, "{:?}", server.requests());
    assert!(files_in(dir.path()).is_empty());
}
