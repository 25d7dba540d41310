//! Nothing lost, nothing let in: resume with Range, checksums, fault injection and the
//! catalogue of bad input, each against the 127.0.0.1 test server.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::util::server::{TestServer, body_for};
use crate::util::{config, files_in, jobs, run};
use downpour::hash::sha256_hex;
use downpour::{Event, EventSink, Mode, Outcome, start_run};

fn error_of(done: &crate::util::Finished, index: usize) -> String {
    done.item(index)
        .outcome
        .error()
        .map(ToString::to_string)
        .unwrap_or_else(|| format!("no error: {:?}", done.item(index).outcome))
}

#[test]
fn a_cut_download_resumes_with_range() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(Mode::Submit, 2, dir.path());
    cfg.retries = 2;
    let done = run(jobs(&[server.url("big.bin?size=300000&cut_first=1")]), cfg);
    let record = done.item(1);
    assert_eq!(record.outcome, Outcome::Done);
    assert_eq!(record.retries, 1);
    let expected = body_for("big.bin", 300_000);
    assert!(std::fs::read(dir.path().join("big.bin")).unwrap() == expected);
    assert_eq!(record.sha256.as_deref(), Some(&*sha256_hex(&expected)));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].contains("range=150000"), "{requests:?}");
    let retried = done.events.iter().any(|e| {
        matches!(e, Event::Retrying { attempt: 1, of: 2, reason, .. }
            if reason.to_string() == "the connection closed after 146.5 KiB of 293.0 KiB")
    });
    assert!(retried, "the retry is announced with its reason");
}

#[test]
fn a_full_answer_to_a_range_request_starts_over_cleanly() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(Mode::Map, 2, dir.path());
    cfg.retries = 2;
    let done = run(
        jobs(&[server.url("whole.bin?size=200000&cut_first=1&norange=1")]),
        cfg,
    );
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert!(std::fs::read(dir.path().join("whole.bin")).unwrap() == body_for("whole.bin", 200_000));
}

/// An expected `sha256:` is checked whether or not the run computes checksums; switched off,
/// the other files get none.
#[test]
fn checksums_are_checked_and_a_mismatch_is_kept_aside() {
    let server = TestServer::start();
    let good = sha256_hex(&body_for("good.iso", 5000));
    let wrong = "0".repeat(64);
    let lines = vec![
        format!(
            "{}  sha256:{}",
            server.url("good.iso?size=5000"),
            good.to_uppercase()
        ),
        format!("{}  sha256:{wrong}", server.url("bad.iso?size=5000")),
        server.url("plain.bin?size=300000"),
    ];
    let actual = sha256_hex(&body_for("bad.iso", 5000));
    let plain = body_for("plain.bin", 300_000);
    for checksums in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = config(Mode::Submit, 3, dir.path());
        cfg.checksums = checksums;
        let done = run(jobs(&lines), cfg);
        assert_eq!(done.item(1).outcome, Outcome::Done);
        assert_eq!(done.item(1).sha256.as_deref(), Some(&*good));
        assert_eq!(
            error_of(&done, 2),
            format!("checksum mismatch: expected {wrong} got {actual}")
        );
        assert_eq!(done.item(3).outcome, Outcome::Done);
        assert_eq!(
            done.item(3).sha256,
            checksums.then(|| sha256_hex(&plain)),
            "checksums: {checksums}"
        );
        assert!(std::fs::read(dir.path().join("plain.bin")).unwrap() == plain);
        assert_eq!(
            files_in(dir.path()),
            ["bad.iso.corrupt", "good.iso", "plain.bin"]
        );
    }
}

#[test]
fn fault_injection_every_file_completes_in_every_mode() {
    let server = TestServer::start();
    for &mode in Mode::all() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = (1..=200)
            .map(|i| server.url(&format!("f{i}.dat?size={}&reset_pct=30", 20_000 + i * 97)))
            .collect();
        let mut cfg = config(mode, 8, dir.path());
        cfg.retries = 8;
        let done = run(jobs(&lines), cfg);
        let retries: u32 = done.reported.iter().map(|r| r.retries).sum();
        assert!(retries > 0, "{mode:?}: faults were injected");
        for i in 1..=200 {
            let record = done.item(i);
            assert_eq!(record.outcome, Outcome::Done, "{mode:?} #{i}");
            let name = format!("f{i}.dat");
            let expected = body_for(&name, 20_000 + i * 97);
            assert_eq!(
                record.sha256.as_deref(),
                Some(&*sha256_hex(&expected)),
                "{mode:?} #{i}"
            );
            assert!(std::fs::read(dir.path().join(&name)).unwrap() == expected);
        }
        assert_eq!(files_in(dir.path()).len(), 200);
    }
    assert!(server.resets() > 0);
}

#[test]
fn cancel_during_heavy_retrying_stops_within_a_second() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (1..=20)
        .map(|i| server.url(&format!("busy{i}?fail_first=1000")))
        .collect();
    let mut cfg = config(Mode::Submit, 4, dir.path());
    cfg.retries = 1000;
    cfg.retry_backoff = Duration::from_millis(300);
    let (tx, rx) = mpsc::channel();
    let handle = start_run(jobs(&lines), cfg, EventSink::new(tx));
    loop {
        if let Event::Retrying { .. } = rx.recv_timeout(Duration::from_secs(10)).unwrap() {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    handle.cancel();
    let done = crate::util::collect(rx);
    assert!(
        asked.elapsed() < Duration::from_millis(1500),
        "{:?}",
        asked.elapsed()
    );
    assert!(
        done.reported
            .iter()
            .all(|r| r.outcome == Outcome::Cancelled(None))
    );
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn catalogue_of_bad_answers() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let plain_port = server.port();
    let lines = vec![
        server.url("a?status=403"),
        server.url("b?status=500"),
        server.url("c?status=503"),
        server.url(&format!("d?redirect={}", "ftp%3A%2F%2Fexample.com%2Ffile")),
        format!("https://127.0.0.1:{plain_port}/tls.bin"),
        server.url("chunked.bin?size=70000&chunked=1"),
        server.url("empty.bin?size=0"),
        server.url("ok.bin?size=10"),
    ];
    let done = run(jobs(&lines), config(Mode::Map, 4, dir.path()));
    assert_eq!(error_of(&done, 1), "the server answered 403 Forbidden");
    assert_eq!(
        error_of(&done, 2),
        "the server answered 500 Internal Server Error"
    );
    assert_eq!(
        error_of(&done, 3),
        "the server answered 503 Service Unavailable"
    );
    assert_eq!(
        error_of(&done, 4),
        "the server redirected to an address that cannot be downloaded (ftp://example.com/file)"
    );
    let tls = error_of(&done, 5);
    assert!(
        tls.starts_with("the secure connection to 127.0.0.1 could not be verified"),
        "{tls}"
    );
    for i in 6..=8 {
        assert_eq!(done.item(i).outcome, Outcome::Done, "#{i}");
    }
    assert!(
        std::fs::read(dir.path().join("chunked.bin")).unwrap() == body_for("chunked.bin", 70_000)
    );
    assert_eq!(std::fs::read(dir.path().join("empty.bin")).unwrap(), b"");
    assert_eq!(files_in(dir.path()), ["chunked.bin", "empty.bin", "ok.bin"]);
}

#[test]
fn a_folder_removed_during_the_run_is_a_clear_error() {
    let server = TestServer::start();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("gone");
    std::fs::create_dir(&dir).unwrap();
    let (tx, rx) = mpsc::channel();
    let handle = start_run(
        jobs(&[server.url("slow.bin?size=200000&drip=2")]),
        config(Mode::Submit, 1, &dir),
        EventSink::new(tx),
    );
    loop {
        if let Event::Progress { bytes, .. } = rx.recv_timeout(Duration::from_secs(10)).unwrap()
            && bytes > 0
        {
            break;
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    let done = crate::util::collect(rx);
    handle.join();
    let error = error_of(&done, 1);
    assert!(error.starts_with("cannot write to "), "{error}");
    assert!(
        error.ends_with(": the folder does not exist any more"),
        "{error}"
    );
    assert!(!dir.exists(), "nothing was recreated");
}

/// Starts a run of `line`, waits until its `.part` file holds `at_least` bytes, cancels it and
/// returns what the run reported.
fn cancel_once_partial(line: &str, dir: &std::path::Path, name: &str, at_least: u64) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let handle = start_run(
        jobs(&[line.to_owned()]),
        config(Mode::Submit, 1, dir),
        EventSink::new(tx),
    );
    crate::util::wait_until_size(&dir.join(format!("{name}.part")), at_least);
    handle.cancel();
    let done = crate::util::collect(rx);
    handle.join();
    done.item(1).outcome.clone()
}

#[test]
fn a_cancelled_download_resumes_in_the_next_run() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let size = 3 * 1024 * 1024;
    let line = server.url(&format!("big.iso?size={size}&stall_first=2097152"));
    assert_eq!(
        cancel_once_partial(&line, dir.path(), "big.iso", 2_097_152),
        Outcome::Cancelled(None)
    );
    assert_eq!(
        files_in(dir.path()),
        ["big.iso.part"],
        "a cancelled download keeps its part for the next run (its record is kept elsewhere)"
    );

    let done = run(jobs(&[line]), config(Mode::Submit, 1, dir.path()));
    let record = done.item(1);
    assert_eq!(record.outcome, Outcome::Done);
    let requests = server.requests();
    assert!(
        requests[1].contains("range=2097152"),
        "the second run asked only for the rest: {requests:?}"
    );
    let expected = body_for("big.iso", size);
    assert!(std::fs::read(dir.path().join("big.iso")).unwrap() == expected);
    assert_eq!(record.sha256.as_deref(), Some(&*sha256_hex(&expected)));
    assert_eq!(files_in(dir.path()), ["big.iso"]);
}

#[test]
fn a_changed_file_is_downloaded_again_not_appended() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let size = 3 * 1024 * 1024;
    let line = server.url(&format!("new.iso?size={size}&stall_first=2097152&bump=1"));
    cancel_once_partial(&line, dir.path(), "new.iso", 2_097_152);

    let done = run(jobs(&[line]), config(Mode::Map, 1, dir.path()));
    assert_eq!(done.item(1).outcome, Outcome::Done);
    // The server's version changed, so If-Range made it send the whole new file.
    let expected = body_for("new.iso#2", size);
    assert!(std::fs::read(dir.path().join("new.iso")).unwrap() == expected);
    assert_eq!(
        done.item(1).sha256.as_deref(),
        Some(&*sha256_hex(&expected))
    );
    assert_eq!(files_in(dir.path()), ["new.iso"]);
}

#[test]
fn small_or_failed_downloads_leave_nothing_partial() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    // Under the 1 MiB note threshold: a cancel removes the part (once the stalled read gives
    // up, after the 2 s stall timeout of the test config).
    cancel_once_partial(
        &server.url("small.bin?size=600000&stall=300000"),
        dir.path(),
        "small.bin",
        300_000,
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while dir.path().join("small.bin.part").exists() {
        assert!(Instant::now() < deadline, "the part file stays");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A 404 is final: nothing to resume.
    let done = run(
        jobs(&[server.url("gone.bin?status=404")]),
        config(Mode::Submit, 1, dir.path()),
    );
    assert!(matches!(done.item(1).outcome, Outcome::Failed(_)));
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[test]
fn a_small_file_appears_in_the_folder_only_when_complete() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let size = 200_000;
    // The first answer stops halfway; the retry (after the 2 s stall limit) sends it all.
    let line = server.url(&format!("small.bin?size={size}&stall_first=100000"));
    let mut config = config(Mode::Submit, 1, dir.path());
    config.retries = 1;
    config.progress_interval = Duration::ZERO;
    let (tx, rx) = mpsc::channel();
    let handle = start_run(jobs(&[line]), config, EventSink::new(tx));
    crate::util::wait_for_bytes(&rx, 100_000);
    assert_eq!(
        files_in(dir.path()),
        Vec::<String>::new(),
        "half a small file is in the folder under no name, not even a .part one"
    );
    let done = crate::util::collect(rx);
    handle.join();
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert_eq!(done.item(1).retries, 1);
    assert!(std::fs::read(dir.path().join("small.bin")).unwrap() == body_for("small.bin", size));
    assert_eq!(files_in(dir.path()), ["small.bin"]);
}

#[test]
fn a_failed_small_download_leaves_a_part_file_it_did_not_write() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    // The answer stalls halfway, so the item fails after the 2 s stall limit.
    let line = server.url("small.bin?size=200000&stall=100000");
    let mut config = config(Mode::Submit, 1, dir.path());
    config.progress_interval = Duration::ZERO;
    let (tx, rx) = mpsc::channel();
    let handle = start_run(jobs(&[line]), config, EventSink::new(tx));
    crate::util::wait_for_bytes(&rx, 100_000);
    // Meanwhile another program starts a download under the same name.
    let theirs = dir.path().join("small.bin.part");
    std::fs::write(&theirs, "theirs").unwrap();
    let done = crate::util::collect(rx);
    handle.join();
    assert!(matches!(done.item(1).outcome, Outcome::Failed(_)));
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "theirs");
    assert_eq!(files_in(dir.path()), ["small.bin.part"]);
}

#[test]
fn a_server_dripping_a_byte_a_second_fails_but_a_slow_one_finishes() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = vec![
        server.url("trickle.bin?size=100&drip=1000&piece=1"),
        // 10 KiB/s for 3 s: longer than the 2 s window of the test config, yet a real download.
        server.url("slow.bin?size=30720&drip=100"),
        server.url("ok.bin?size=5000"),
    ];
    let done = run(jobs(&lines), config(Mode::Submit, 3, dir.path()));
    let trickle = error_of(&done, 1);
    assert!(
        trickle.starts_with("the server is sending almost nothing (")
            && trickle.ends_with(" B in the last 2 s)"),
        "{trickle}"
    );
    assert_eq!(done.item(2).outcome, Outcome::Done);
    assert_eq!(done.item(3).outcome, Outcome::Done);
    assert!(std::fs::read(dir.path().join("slow.bin")).unwrap() == body_for("slow.bin", 30_720));
    assert_eq!(files_in(dir.path()), ["ok.bin", "slow.bin"]);
}

#[test]
fn an_untrusted_certificate_is_refused_and_nothing_is_saved() {
    let port = crate::util::server::self_signed_https_server();
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = vec![
        format!("https://127.0.0.1:{port}/secret.bin"),
        server.url("fine.bin?size=1000"),
    ];
    let done = run(jobs(&lines), config(Mode::Map, 2, dir.path()));
    assert_eq!(
        error_of(&done, 1),
        "the secure connection to 127.0.0.1 could not be verified (the certificate is not from \
         a trusted authority); nothing was downloaded"
    );
    assert_eq!(done.item(2).outcome, Outcome::Done);
    assert_eq!(files_in(dir.path()), ["fine.bin"]);
}

#[test]
fn a_home_made_certificate_and_an_old_protocol_get_their_own_sentences() {
    let own_authority = crate::util::server::self_signed_ca_https_server();
    let old = crate::util::server::tls10_only_server();
    let dir = tempfile::tempdir().unwrap();
    let lines = vec![
        format!("https://127.0.0.1:{own_authority}/secret.bin"),
        format!("https://127.0.0.1:{old}/old.bin"),
    ];
    let done = run(jobs(&lines), config(Mode::Map, 2, dir.path()));
    assert_eq!(
        error_of(&done, 1),
        "the secure connection to 127.0.0.1 could not be verified (the certificate is not from \
         a trusted authority); nothing was downloaded"
    );
    assert_eq!(
        error_of(&done, 2),
        "the secure connection to 127.0.0.1 could not be verified (the server only offers TLS \
         1.0 or 1.1, old versions that are no longer safe); nothing was downloaded"
    );
    assert!(files_in(dir.path()).is_empty());
}
