//! The engine against a real HTTP server on 127.0.0.1: bytes on disk, the three modes' order
//! semantics, concurrency limits, names that never clobber, per-item errors and cancellation.

use std::collections::HashSet;
use std::sync::mpsc;
use std::time::Duration;

use crate::util::server::{LOGIN_PAGE, TestServer, body_for};
use crate::util::{config, files_in, jobs, run};
use downpour::{Event, EventSink, Mode, Outcome, OutcomeKind, start_run};

#[test]
fn saves_exact_bytes_in_every_mode() {
    let server = TestServer::start();
    for &mode in Mode::all() {
        let dir = tempfile::tempdir().unwrap();
        let sizes = [0usize, 1, 1000, 300_000, 1_048_577];
        let lines: Vec<String> = sizes
            .iter()
            .map(|s| server.url(&format!("f{s}.bin?size={s}")))
            .collect();
        let done = run(jobs(&lines), config(mode, 3, dir.path()));
        assert_eq!(done.reported.len(), sizes.len());
        for (i, size) in sizes.iter().enumerate() {
            let record = done.item(i + 1);
            assert_eq!(record.outcome, Outcome::Done, "{mode:?} item {}", i + 1);
            let path = dir.path().join(format!("f{size}.bin"));
            assert_eq!(record.path.as_deref(), Some(path.as_path()));
            assert_eq!(record.bytes, *size as u64);
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                bytes == body_for(&format!("f{size}.bin"), *size),
                "{mode:?} {size}"
            );
        }
        assert_eq!(
            files_in(dir.path()).len(),
            sizes.len(),
            "no .part files left"
        );
    }
}

/// Delays like the tutorial's run: completion order 4, 3, 2, 5, 1.
fn tutorial_list(server: &TestServer) -> Vec<String> {
    [1300, 850, 700, 300, 1000]
        .iter()
        .enumerate()
        .map(|(i, ms)| server.url(&format!("pic{}.png?size=20000&delay={ms}", i + 1)))
        .collect()
}

#[test]
fn submit_reports_in_completion_order() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let done = run(
        jobs(&tutorial_list(&server)),
        config(Mode::Submit, 5, dir.path()),
    );
    let order = done.order();
    let mut by_finish = done.reported.clone();
    by_finish.sort_by_key(|r| r.finished_ms);
    let finish_order: Vec<usize> = by_finish.iter().map(|r| r.index).collect();
    assert_eq!(
        order, finish_order,
        "submit reports each item as it finishes"
    );
    assert_eq!(*order.last().unwrap(), 1, "the slowest, item 1, comes last");
    assert_ne!(order, [1, 2, 3, 4, 5]);
    assert_eq!(server.max_in_flight(), 5, "all five ran at once");
    assert!(
        !done
            .events
            .iter()
            .any(|e| matches!(e, Event::ItemHeld { .. })),
        "submit holds nothing back"
    );
    for r in &done.reported {
        assert!(r.reported_ms >= r.finished_ms);
        assert!(
            r.reported_ms - r.finished_ms < 500,
            "reported at once: {r:?}"
        );
    }
}

#[test]
fn map_reports_in_input_order_while_downloading_concurrently() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let done = run(
        jobs(&tutorial_list(&server)),
        config(Mode::Map, 5, dir.path()),
    );
    assert_eq!(done.order(), [1, 2, 3, 4, 5]);
    assert_eq!(server.max_in_flight(), 5, "downloads overlapped");
    let (first, fourth) = (done.item(1), done.item(4));
    assert!(
        fourth.finished_ms < first.finished_ms,
        "4 finished before 1"
    );
    assert!(
        fourth.reported_ms >= first.finished_ms,
        "but was held back until 1 was reported"
    );
    for pair in done.reported.windows(2) {
        assert!(pair[0].reported_ms <= pair[1].reported_ms);
    }
    // Every item that ended before item 1 (all the others) is announced as held once, with
    // how it ended, before its report; item 1 is reported at once.
    let mut held = Vec::new();
    for (at, event) in done.events.iter().enumerate() {
        if let Event::ItemHeld {
            index,
            outcome,
            finished_ms,
        } = event
        {
            assert_eq!(*outcome, OutcomeKind::Done);
            assert_eq!(*finished_ms, done.item(*index).finished_ms);
            let reported = done
                .events
                .iter()
                .position(|e| matches!(e, Event::ItemReported(r) if r.index == *index));
            assert!(reported.is_some_and(|r| r > at), "held before reported");
            held.push(*index);
        }
    }
    held.sort_unstable();
    assert_eq!(held, [2, 3, 4, 5]);
}

/// With N workers and FIFO dispatch, the k-th item to start is within N-1 of position k.
fn assert_dispatched_in_order(done: &crate::util::Finished, workers: usize) {
    let mut starts: Vec<(u64, usize)> = done
        .events
        .iter()
        .filter_map(|e| match e {
            Event::ItemStarted { index, at_ms, .. } => Some((*at_ms, *index)),
            _ => None,
        })
        .collect();
    starts.sort();
    for (rank, (_, index)) in starts.iter().enumerate() {
        assert!(
            index.abs_diff(rank + 1) < workers,
            "item {index} started {}th with {workers} workers",
            rank + 1
        );
    }
}

#[test]
fn threaded_modes_dispatch_in_input_order_and_respect_the_worker_limit() {
    for mode in [Mode::Submit, Mode::Map] {
        let server = TestServer::start();
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = (1..=12)
            .map(|i| server.url(&format!("x{i}?size=5000&delay={}", 100 + (i * 37) % 150)))
            .collect();
        let done = run(jobs(&lines), config(mode, 3, dir.path()));
        assert!(done.reported.iter().all(|r| r.outcome == Outcome::Done));
        assert!(
            server.max_in_flight() <= 3,
            "{mode:?}: {}",
            server.max_in_flight()
        );
        assert!(server.max_in_flight() >= 2, "{mode:?} overlapped");
        assert_dispatched_in_order(&done, 3);
        let workers: HashSet<usize> = done.reported.iter().map(|r| r.worker).collect();
        assert!(workers.iter().all(|w| (1..=3).contains(w)), "{workers:?}");
    }
}

#[test]
fn sequential_never_overlaps_and_keeps_input_order() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let done = run(
        jobs(&tutorial_list(&server)),
        config(Mode::Sequential, 8, dir.path()),
    );
    assert_eq!(done.order(), [1, 2, 3, 4, 5]);
    assert_eq!(server.max_in_flight(), 1);
    assert_dispatched_in_order(&done, 1);
    for pair in done.reported.windows(2) {
        assert!(pair[0].finished_ms <= pair[1].started_ms, "one at a time");
    }
    assert!(done.reported.iter().all(|r| r.worker == 1));
    assert_eq!(server.connections(), 1, "one kept-alive connection");
}

#[test]
fn names_never_collide_and_existing_files_are_kept() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("same.bin"), b"mine").unwrap();
    let mut lines: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|p| {
            server.url(&format!(
                "{p}?size=100&cd=attachment%3B%20filename%3D%22same.bin%22"
            ))
        })
        .collect();
    lines.push(server.url("dup.txt?size=10"));
    lines.push(server.url("dup.txt?size=10"));
    let done = run(jobs(&lines), config(Mode::Submit, 5, dir.path()));
    assert!(done.reported.iter().all(|r| r.outcome == Outcome::Done));
    assert_eq!(std::fs::read(dir.path().join("same.bin")).unwrap(), b"mine");
    assert_eq!(
        files_in(dir.path()),
        [
            "dup (1).txt",
            "dup.txt",
            "same (1).bin",
            "same (2).bin",
            "same (3).bin",
            "same.bin"
        ]
    );
    for (i, path) in ["a", "b", "c"].iter().enumerate() {
        let saved = done.item(i + 1).path.clone().unwrap();
        assert_eq!(std::fs::read(saved).unwrap(), body_for(path, 100));
    }
}

#[test]
fn content_disposition_cannot_escape_the_folder() {
    let server = TestServer::start();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("downloads");
    std::fs::create_dir(&dir).unwrap();
    let hostile = [
        "attachment%3B%20filename%3D%22..%2F..%2Fevil%22",
        "attachment%3B%20filename%3D%22%2Fetc%2Fpasswd%22",
        "attachment%3B%20filename*%3DUTF-8''..%252F..%252Fstar",
        "attachment%3B%20filename%3D%22C%3A%5Cwin%5Cx.exe%22",
        "attachment%3B%20filename%3D%22CON%22",
    ];
    let lines: Vec<String> = hostile
        .iter()
        .enumerate()
        .map(|(i, cd)| server.url(&format!("h{i}?size=10&cd={cd}")))
        .collect();
    let done = run(jobs(&lines), config(Mode::Map, 2, &dir));
    for record in &done.reported {
        assert_eq!(record.outcome, Outcome::Done);
        assert_eq!(record.path.as_ref().unwrap().parent(), Some(dir.as_path()));
    }
    assert_eq!(files_in(&dir), ["_CON", "evil", "passwd", "star", "x.exe"]);
    assert_eq!(files_in(root.path()), ["downloads"]);
}

#[test]
fn failures_are_per_item_sentences_and_the_rest_succeed() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let lines = vec![
        server.url("ok1.bin?size=4000"),
        server.url("missing?status=404"),
        format!("http://127.0.0.1:{closed_port}/nothing"),
        server.url("short.bin?size=5000&truncate=1000"),
        server.url("silent.bin?size=5000&stall=2000"),
        server.url("gone?status=410"),
        server.url("ok2.bin?size=4000"),
    ];
    let mut cfg = config(Mode::Submit, 4, dir.path());
    cfg.stall_timeout = Duration::from_secs(1);
    let done = run(jobs(&lines), cfg);
    let error = |i: usize| done.item(i).outcome.error().map(ToString::to_string);
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert_eq!(done.item(7).outcome, Outcome::Done);
    assert_eq!(
        error(2).as_deref(),
        Some("the server answered 404 Not Found")
    );
    assert_eq!(
        error(3).as_deref(),
        Some("could not connect to 127.0.0.1: connection refused")
    );
    assert_eq!(
        error(4).as_deref(),
        Some("the connection closed after 1000 B of 4.9 KiB")
    );
    assert_eq!(
        error(5).as_deref(),
        Some("no data for 1 s — the server stopped sending")
    );
    assert_eq!(error(6).as_deref(), Some("the server answered 410 Gone"));
    assert_eq!(
        files_in(dir.path()),
        ["ok1.bin", "ok2.bin"],
        "no partial file kept"
    );
}

#[test]
fn every_item_ends_exactly_once() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (1..=30)
        .map(|i| {
            if i % 7 == 0 {
                server.url(&format!("bad{i}?status=500"))
            } else {
                server.url(&format!("g{i}?size={}", i * 1000))
            }
        })
        .collect();
    for &mode in Mode::all() {
        let done = run(jobs(&lines), config(mode, 6, dir.path()));
        let mut seen: Vec<usize> = done.order();
        seen.sort();
        assert_eq!(seen, (1..=30).collect::<Vec<_>>(), "{mode:?}");
        assert!(matches!(
            done.events.first(),
            Some(Event::RunStarted { total: 30, .. })
        ));
        // The same folder for every mode: later runs skip what the first saved.
        let failed = done
            .reported
            .iter()
            .filter(|r| !r.outcome.kind().is_success())
            .count();
        assert_eq!(failed, 4, "{mode:?}");
    }
}

#[test]
fn cancel_stops_quickly_and_leaves_no_final_partial_file() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut lines: Vec<String> = (1..=6)
        .map(|i| server.url(&format!("slow{i}.bin?size=2000000&drip=5")))
        .collect();
    lines.push(server.url("silent.bin?size=5000&stall=100"));
    let (tx, rx) = mpsc::channel();
    let mut cfg = config(Mode::Submit, 4, dir.path());
    cfg.stall_timeout = Duration::from_secs(3);
    let handle = start_run(jobs(&lines), cfg, EventSink::new(tx));
    // Wait until bytes flow, then cancel.
    loop {
        match rx.recv_timeout(Duration::from_secs(10)).unwrap() {
            Event::Progress { bytes, .. } if bytes > 0 => break,
            _ => {}
        }
    }
    let asked = std::time::Instant::now();
    handle.cancel();
    let done = crate::util::collect(rx);
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "stopped in {:?}",
        asked.elapsed()
    );
    assert_eq!(done.reported.len(), 7);
    assert!(
        done.reported
            .iter()
            .all(|r| r.outcome == Outcome::Cancelled(None)),
        "{:?}",
        done.order()
    );
    // Workers stuck on a silent server clean up when their read times out.
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[test]
fn redirects_are_followed_and_loops_are_named() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let target = server.url("real.bin?size=321");
    let lines = vec![
        server.url(&format!(
            "hop?redirect={}",
            target
                .replace('?', "%3F")
                .replace('=', "%3D")
                .replace('&', "%26")
        )),
        server.url("round?loop=1"),
    ];
    let done = run(jobs(&lines), config(Mode::Map, 2, dir.path()));
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert_eq!(
        std::fs::read(dir.path().join("real.bin")).unwrap(),
        body_for("real.bin", 321)
    );
    assert_eq!(
        done.item(2)
            .outcome
            .error()
            .map(ToString::to_string)
            .as_deref(),
        Some("the server redirected more than 10 times (probably a redirect loop)")
    );
}

#[test]
fn transient_failures_are_retried() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = vec![server.url("flaky.bin?size=777&fail_first=2")];
    let mut cfg = config(Mode::Submit, 2, dir.path());
    cfg.retries = 3;
    let done = run(jobs(&lines), cfg);
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert_eq!(done.item(1).retries, 2);
    let retries = done
        .events
        .iter()
        .filter(|e| matches!(e, Event::Retrying { reason, .. } if reason.to_string() == "the server answered 503 Service Unavailable"))
        .count();
    assert_eq!(retries, 2);
    assert_eq!(
        std::fs::read(dir.path().join("flaky.bin")).unwrap(),
        body_for("flaky.bin", 777)
    );
}

#[test]
fn a_web_page_where_a_file_was_expected_is_pointed_out() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        server.url("report.pdf?size=300&html=1"),
        server.url("index.html?size=300&html=1"),
        server.url("data.zip?size=300"),
    ];
    let done = run(jobs(&lines), config(Mode::Map, 3, dir.path()));
    assert_eq!(
        done.item(1)
            .warning
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some(
            "the server sent a web page, not report.pdf — the link may need a login or may have \
             expired"
        )
    );
    assert_eq!(done.item(1).outcome, Outcome::Done, "saved all the same");
    assert_eq!(done.item(2).warning, None, "a page named as a page");
    assert_eq!(done.item(3).warning, None);
    assert!(done.events.iter().any(|e| matches!(
        e,
        Event::ItemResponded {
            index: 1,
            warning: Some(_),
            ..
        }
    )));
}

#[test]
fn a_login_page_is_not_saved_as_the_file() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        server.url("report.pdf?login=1"),
        server.url("page.html?login=1"),
        server.url("download?login=1"),
        server.url("mislabelled.pdf?size=300&html=1"),
    ];
    let mut cfg = config(Mode::Map, 2, dir.path());
    cfg.retries = 3;
    let done = run(jobs(&lines), cfg);
    assert_eq!(
        done.item(1)
            .outcome
            .error()
            .map(ToString::to_string)
            .as_deref(),
        Some(
            "the server sent a web page instead of report.pdf — it may need a login, or the \
             link has expired"
        )
    );
    assert_eq!(done.item(1).warning, None, "the failure says it all");
    let asked = |path: &str| {
        server
            .requests()
            .iter()
            .filter(|r| r.starts_with(path))
            .count()
    };
    assert_eq!(
        asked("/report.pdf"),
        1,
        "a login page is not asked for again"
    );
    // A page asked for as a page, and a link that names no kind of file, are downloads.
    assert_eq!(done.item(2).outcome, Outcome::Done);
    assert_eq!(done.item(3).outcome, Outcome::Done);
    assert_eq!(
        std::fs::read(dir.path().join("page.html")).unwrap(),
        LOGIN_PAGE.as_bytes()
    );
    // A real file the server calls a web page is kept, with its warning.
    assert_eq!(done.item(4).outcome, Outcome::Done);
    assert!(done.item(4).warning.is_some());
    assert_eq!(
        std::fs::read(dir.path().join("mislabelled.pdf")).unwrap(),
        body_for("mislabelled.pdf", 300)
    );
    let files = files_in(dir.path());
    assert!(
        !files.iter().any(|f| f.starts_with("report")),
        "nothing named report.pdf is left: {files:?}"
    );
}

#[test]
fn files_are_asked_for_uncompressed_and_a_compressed_answer_is_not_saved() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        // Answers compressed unless asked for `Accept-Encoding: identity`.
        server.url("notes.txt?size=700&gzip=1"),
        server.url("stubborn.txt?size=700&gzip=always"),
        server.url("logs.tar.gz?size=700&gzip=always"),
    ];
    let done = run(jobs(&lines), config(Mode::Map, 2, dir.path()));
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert_eq!(
        std::fs::read(dir.path().join("notes.txt")).unwrap(),
        body_for("notes.txt", 700)
    );
    assert_eq!(
        done.item(2)
            .outcome
            .error()
            .map(ToString::to_string)
            .as_deref(),
        Some(
            "the server sent the file compressed (gzip) although it was asked not to; it was \
             not saved, as it would not be the file"
        )
    );
    // A name that says it is compressed is the file itself.
    assert_eq!(done.item(3).outcome, Outcome::Done);
    assert_eq!(files_in(dir.path()), ["logs.tar.gz", "notes.txt"]);
}

#[test]
fn a_link_ending_in_a_slash_twice_is_numbered_after_the_whole_address() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [server.url("/"), server.url("/")];
    let done = run(jobs(&lines), config(Mode::Submit, 1, dir.path()));
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert_eq!(done.item(2).outcome, Outcome::Done);
    assert_eq!(files_in(dir.path()), ["127.0.0.1", "127.0.0.1 (1)"]);
}
