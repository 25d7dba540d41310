//! Big files split over idle workers, against the real test server with a per-connection
//! speed cap: exact bytes and SHA-256 in each threaded mode, a file that changes between
//! pieces, a server that takes only two connections, connections reset at random, cancel and
//! crash (SIGKILL) mid-way then resume, servers without ranges, and sequential mode.

use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use crate::util::server::{TestServer, body_for};
use crate::util::{collect_after, config, files_in, jobs, run, wait_for_bytes};
use downpour::hash::sha256_hex;
use downpour::model::OneConnection;
use downpour::{Event, EventSink, ItemRecord, Mode, Outcome, start_run};

const MIB: usize = 1024 * 1024;

/// A file of `size` bytes served at most 2 MiB/s per connection (unless `extra` sets another
/// `rate`), plus `extra` knobs.
fn capped(server: &TestServer, name: &str, size: usize, extra: &str) -> String {
    let rate = if extra.contains("rate=") {
        ""
    } else {
        "&rate=2097152"
    };
    server.url(&format!("{name}?size={size}{rate}{extra}"))
}

/// Checks the file `name` of `size` bytes (of version `version`) is exact, and its SHA-256.
fn assert_exact(
    dir: &std::path::Path,
    record: &ItemRecord,
    name: &str,
    version: &str,
    size: usize,
) {
    assert_eq!(record.outcome, Outcome::Done, "{name}");
    let expected = body_for(version, size);
    assert!(
        std::fs::read(dir.join(name)).unwrap() == expected,
        "{name}: other bytes"
    );
    assert_eq!(
        record.sha256.as_deref(),
        Some(&*sha256_hex(&expected)),
        "{name}"
    );
}

/// The ranges the server was asked for (`start-end`, or `start` for an open end).
fn ranges_asked(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter_map(|r| r.split("range=").nth(1).map(str::to_owned))
        .collect()
}

#[test]
fn a_big_file_is_split_over_idle_workers_with_exact_bytes_in_both_modes() {
    let server = TestServer::start();
    for mode in [Mode::Submit, Mode::Map] {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            server.url("small.txt?size=1000"),
            capped(&server, "big.iso", 6 * MIB, ""),
            server.url("last.txt?size=2000"),
        ];
        let done = run(jobs(&lines), config(mode, 8, dir.path()));
        let big = done.item(2);
        assert_exact(dir.path(), big, "big.iso", "big.iso", 6 * MIB);
        assert!(big.pieces.len() >= 3, "{mode:?}: {:?}", big.pieces);
        let workers: std::collections::HashSet<usize> =
            big.pieces.iter().map(|p| p.worker).collect();
        assert!(
            workers.len() >= 3,
            "pieces on several workers: {:?}",
            big.pieces
        );
        // The pieces cover the file exactly once.
        let mut covered: Vec<(u64, u64)> = big.pieces.iter().map(|p| (p.start, p.end)).collect();
        covered.sort_unstable();
        let mut at = 0;
        for (start, end) in covered.into_iter().filter(|(s, e)| s < e) {
            assert_eq!(start, at, "{:?}", big.pieces);
            at = end;
        }
        assert_eq!(at, 6 * MIB as u64);
        if mode == Mode::Map {
            assert_eq!(done.order(), [1, 2, 3], "map still reports in input order");
        }
        assert_eq!(files_in(dir.path()), ["big.iso", "last.txt", "small.txt"]);
    }
    assert!(
        ranges_asked(&server).iter().all(|r| r.contains('-')),
        "{:?}",
        server.requests()
    );
}

#[test]
fn a_file_that_changes_between_pieces_starts_over_clean() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    // The second request on finds a new version: the first helper's If-Range gets it whole.
    // Nothing of it is written: the file takes no more helpers and its first connection,
    // whose answer is the version being written, brings the rest.
    let line = capped(&server, "moving.bin", 4 * MIB, "&bump=1");
    let done = run(jobs(&[line]), config(Mode::Submit, 4, dir.path()));
    assert_exact(
        dir.path(),
        done.item(1),
        "moving.bin",
        "moving.bin",
        4 * MIB,
    );
    assert_eq!(done.item(1).retries, 0, "a refused piece is not a failure");
    assert_eq!(files_in(dir.path()), ["moving.bin"]);
}

#[test]
fn a_file_that_would_end_later_split_is_left_on_one_connection() {
    // 8 MiB/s per connection and half a second before every answer: a helper's first byte
    // would come after the first connection had written 4 MiB more, and the file (8 MiB)
    // would not end sooner for it. Halving without that lead would split it at 0.5 s.
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "far.bin", 8 * MIB, "&rate=8388608&delay=500");
    let done = run(jobs(&[line]), config(Mode::Submit, 4, dir.path()));
    assert_exact(dir.path(), done.item(1), "far.bin", "far.bin", 8 * MIB);
    assert!(
        ranges_asked(&server).is_empty(),
        "no piece was asked for: {:?}",
        server.requests()
    );
}

#[test]
fn a_server_that_takes_two_connections_is_not_a_failure() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "two.bin", 8 * MIB, "&maxconn=2");
    let done = run(jobs(&[line]), config(Mode::Submit, 8, dir.path()));
    assert_exact(dir.path(), done.item(1), "two.bin", "two.bin", 8 * MIB);
    let refused = server.refused();
    assert!(refused >= 1, "a third connection was tried");
    // The first wave of helpers meets the limit together; after that the file keeps fewer
    // connections instead of asking again and again (without that, hundreds of refusals).
    assert!(
        refused <= 16,
        "after a refusal the file keeps fewer connections: {refused}"
    );
}

#[test]
fn piece_connections_reset_at_random_still_give_exact_bytes() {
    let server = TestServer::start();
    for mode in [Mode::Submit, Mode::Map] {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = (1..=3)
            .map(|i| capped(&server, &format!("r{i}.bin"), 4 * MIB, "&reset_pct=30"))
            .collect();
        let mut cfg = config(mode, 8, dir.path());
        cfg.retries = 10;
        let done = run(jobs(&lines), cfg);
        for i in 1..=3 {
            let name = format!("r{i}.bin");
            assert_exact(dir.path(), done.item(i), &name, &name, 4 * MIB);
        }
    }
    assert!(server.resets() > 0);
}

#[test]
fn a_split_file_cancelled_mid_way_fetches_only_what_is_missing_next_time() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    // 512 KiB/s per connection: still on its way after the wait below.
    let size = 16 * MIB;
    let line = capped(&server, "half.iso", size, "&rate=524288");
    let (tx, rx) = mpsc::channel();
    let mut cfg = config(Mode::Submit, 8, dir.path());
    cfg.progress_interval = Duration::ZERO;
    let handle = start_run(jobs(std::slice::from_ref(&line)), cfg, EventSink::new(tx));
    wait_for_bytes(&rx, 2 * MIB as u64);
    // A second, so that the resume record holds the ranges written.
    std::thread::sleep(Duration::from_millis(1100));
    handle.cancel();
    let done = collect_after(Vec::new(), rx);
    handle.join();
    assert_eq!(done.item(1).outcome, Outcome::Cancelled(None));
    assert_eq!(files_in(dir.path()), ["half.iso.part"]);
    let before = server.requests().len();

    let done = run(jobs(&[line]), config(Mode::Submit, 8, dir.path()));
    assert_exact(dir.path(), done.item(1), "half.iso", "half.iso", size);
    let announced = done.events.iter().find_map(|e| match e {
        Event::ItemResponded {
            index: 1,
            total,
            resumed_from,
            ..
        } => Some((*total, *resumed_from)),
        _ => None,
    });
    let (total, resumed_from) = announced.expect("the continued file is announced");
    assert_eq!(total, Some(size as u64), "its row knows its size");
    assert!(
        resumed_from >= 2 * MIB as u64,
        "and what was kept: {resumed_from}"
    );
    let again: Vec<String> = server.requests()[before..].to_vec();
    assert!(
        again
            .iter()
            .all(|r| r.contains("range=") && !r.contains("range=0-")),
        "only missing ranges: {again:?}"
    );
    let fetched: u64 = done.item(1).pieces.iter().map(|p| p.end - p.start).sum();
    assert!(
        fetched < size as u64 - 2 * MIB as u64,
        "{fetched} of {size} fetched again"
    );
    assert_eq!(files_in(dir.path()), ["half.iso"]);
}

#[cfg(unix)]
#[test]
fn a_split_file_killed_mid_way_resumes_its_missing_ranges() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (data, out) = (dir.path().join("data"), dir.path().join("out"));
    let size = 16 * MIB;
    let url = capped(&server, "crash.img", size, "&rate=524288");
    let cli = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_downpour-cli"));
        command
            .env("XDG_DATA_HOME", &data)
            .args(["-j", "8", "-r", "0", "-o"])
            .arg(&out)
            .arg(&url);
        command
    };
    let mut child = cli().stdout(std::process::Stdio::null()).spawn().unwrap();
    // Killed once a resume record (saved every second) holds some of the ranges written.
    let records = data.join("downpour").join("resume");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let saved = |dir: &std::path::Path| {
        std::fs::read_dir(dir).map_or(0, |d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .count()
        })
    };
    while saved(&records) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no resume record was saved"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(files_in(&out), ["crash.img.part"]);
    let before = server.requests().len();
    let output = cli().output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(std::fs::read(out.join("crash.img")).unwrap() == body_for("crash.img", size));
    let again: Vec<String> = server.requests()[before..].to_vec();
    assert!(
        again
            .iter()
            .all(|r| r.contains("range=") && !r.contains("range=0-")),
        "only missing ranges after the crash: {again:?}"
    );
}

/// What each answer for item `index` said about staying on one connection, in order.
fn why_one_connection(events: &[Event], index: usize) -> Vec<Option<OneConnection>> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::ItemResponded {
                index: i,
                one_connection,
                ..
            } if *i == index => Some(*one_connection),
            _ => None,
        })
        .collect()
}

#[test]
fn servers_without_ranges_and_sequential_mode_keep_one_connection() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        server.url(&format!("plain.bin?size={}&norange=1", 4 * MIB)),
        server.url(&format!(
            "liar.bin?size={}&ignorerange=1&rate=4194304",
            4 * MIB
        )),
    ];
    let (tx, rx) = mpsc::channel();
    let handle = start_run(
        jobs(&lines),
        config(Mode::Submit, 8, dir.path()),
        EventSink::new(tx),
    );
    let done = collect_after(Vec::new(), rx);
    handle.join();
    assert_exact(dir.path(), done.item(1), "plain.bin", "plain.bin", 4 * MIB);
    assert_exact(dir.path(), done.item(2), "liar.bin", "liar.bin", 4 * MIB);
    assert!(done.item(1).pieces.is_empty(), "one connection");
    assert_eq!(
        why_one_connection(&done.events, 1),
        [Some(OneConnection::NoRanges)],
        "the row can say why"
    );
    assert_eq!(
        why_one_connection(&done.events, 2).last(),
        Some(&Some(OneConnection::NoRanges)),
        "learnt from a whole answer"
    );

    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "seq.bin", 4 * MIB, "");
    let before = server.requests().len();
    let done = run(jobs(&[line]), config(Mode::Sequential, 8, dir.path()));
    assert_exact(dir.path(), done.item(1), "seq.bin", "seq.bin", 4 * MIB);
    assert!(done.item(1).pieces.is_empty());
    assert_eq!(
        server.requests().len() - before,
        1,
        "sequential never splits"
    );
}

#[test]
fn many_small_files_are_never_split() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (1..=100)
        .map(|i| server.url(&format!("s{i}.txt?size={}", 1000 + i)))
        .collect();
    let done = run(jobs(&lines), config(Mode::Submit, 16, dir.path()));
    assert!(
        done.reported
            .iter()
            .all(|r| r.outcome == Outcome::Done && r.pieces.is_empty())
    );
    assert_eq!(server.requests().len(), 100);
    assert!(ranges_asked(&server).is_empty());
}

#[test]
fn a_paused_split_file_says_what_it_kept_and_finishes_exact() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let size = 16 * MIB;
    let line = capped(&server, "paused.iso", size, "&rate=524288");
    let (tx, rx) = mpsc::channel();
    let mut cfg = config(Mode::Submit, 8, dir.path());
    cfg.progress_interval = Duration::ZERO;
    let handle = start_run(jobs(&[line]), cfg, EventSink::new(tx));
    wait_for_bytes(&rx, 2 * MIB as u64);
    handle.pause(1);
    let mut seen = Vec::new();
    let kept = loop {
        let event = rx.recv_timeout(Duration::from_secs(20)).expect("paused");
        if let Event::ItemPaused { bytes, .. } = event {
            break bytes;
        }
        seen.push(event);
    };
    assert!(
        kept >= 2 * MIB as u64,
        "every connection's bytes count: {kept}"
    );
    handle.resume(1);
    let done = collect_after(seen, rx);
    handle.join();
    assert_exact(dir.path(), done.item(1), "paused.iso", "paused.iso", size);
}

#[cfg(unix)]
#[test]
fn sigterm_and_sighup_end_like_ctrl_c_with_the_bytes_kept_in_the_report() {
    let server = TestServer::start();
    for (signal, name) in [(libc::SIGTERM, "term.img"), (libc::SIGHUP, "hup.img")] {
        let dir = tempfile::tempdir().unwrap();
        let (data, out, json) = (
            dir.path().join("data"),
            dir.path().join("out"),
            dir.path().join("r.json"),
        );
        let size = 16 * MIB;
        let child = Command::new(env!("CARGO_BIN_EXE_downpour-cli"))
            .env("XDG_DATA_HOME", &data)
            .args(["-j", "8", "-r", "0", "-o"])
            .arg(&out)
            .arg("--json")
            .arg(&json)
            .arg(capped(&server, name, size, "&rate=524288"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        crate::util::wait_until_size(&out.join(format!("{name}.part")), 1);
        // Split over several connections by now, with some of every piece written.
        std::thread::sleep(Duration::from_millis(1500));
        // SAFETY: sends a signal to our own child.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(130), "{name}: {stdout}");
        assert!(stdout.contains("#1 cancelled"), "{name}: {stdout}");
        assert!(stdout.contains("total time: "), "{name}: {stdout}");
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let item = &report["items"][0];
        assert_eq!(item["status"], "cancelled", "{name}");
        let pieces = server
            .requests()
            .iter()
            .filter(|r| r.starts_with(&format!("/{name}")) && r.contains("range="))
            .count();
        assert!(pieces > 0, "{name}: split over several connections");
        let bytes = item["bytes"].as_u64().unwrap();
        assert!(
            bytes >= MIB as u64 && bytes < size as u64,
            "{name}: {bytes} bytes reported"
        );
        assert_eq!(files_in(&out), [format!("{name}.part")]);
    }
}

#[test]
fn helpers_arriving_together_cut_a_file_in_equal_pieces() {
    // One 16 MiB file and five connections: the four idle ones come at once and each takes a
    // fifth, instead of halving the largest span again and again (8, 4, 2, 2 MiB pieces).
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = capped(&server, "even.bin", 16 * MIB, "&rate=8388608");
    let done = run(jobs(&[line]), config(Mode::Submit, 5, dir.path()));
    assert_exact(dir.path(), done.item(1), "even.bin", "even.bin", 16 * MIB);
    let pieces: Vec<(usize, usize)> = ranges_asked(&server)
        .iter()
        .map(|range| {
            let (start, end) = range.split_once('-').unwrap();
            (start.parse().unwrap(), end.parse::<usize>().unwrap() + 1)
        })
        .collect();
    assert_eq!(pieces.len(), 4, "{:?}", server.requests());
    let first = pieces.iter().map(|p| p.0).min().unwrap();
    let mut sizes: Vec<usize> = pieces.iter().map(|(s, e)| e - s).collect();
    sizes.push(first);
    let fifth = 16 * MIB / 5;
    assert!(
        sizes.iter().all(|&size| size.abs_diff(fifth) < MIB / 2),
        "{sizes:?}"
    );
}
