//! Politeness that adapts to each server: a server that refuses more than a few connections
//! at a time gets no more than it takes, no file fails for it, and the run says how many
//! connections it allows.

use crate::util::server::{TestServer, body_for};
use crate::util::{config, files_in, jobs, run};
use downpour::{Event, Mode, Outcome};

const MIB: usize = 1024 * 1024;

#[test]
fn a_server_that_allows_two_connections_gets_no_flood_and_fails_no_file() {
    // 503 with Retry-After: 1 while more than 2 of its requests are in progress.
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (1..=40).map(|n| format!("f{n:02}.bin")).collect();
    let lines: Vec<String> = names
        .iter()
        .map(|name| server.url(&format!("{name}?size={MIB}&rate=8388608&hostmax=2")))
        .collect();
    let mut cfg = config(Mode::Submit, 16, dir.path());
    cfg.retries = 3;
    let done = run(jobs(&lines), cfg);
    let failed: Vec<_> = done
        .reported
        .iter()
        .filter(|r| r.outcome != Outcome::Done)
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    for name in &names {
        let got = std::fs::read(dir.path().join(name)).unwrap();
        assert!(got == body_for(name, MIB), "{name} is not the file");
    }
    assert_eq!(files_in(dir.path()), names);
    let refused = server.refused();
    assert!(refused < 20, "{refused} refused: {:?}", server.requests());
    let requests = server.requests().len();
    assert!(requests < 40 + 20, "{requests}: {:?}", server.requests());
    let learned = done.events.iter().rev().find_map(|e| match e {
        Event::ServerLimit { connections, .. } => Some(*connections),
        _ => None,
    });
    // Settled at what the server allows, not below it.
    assert_eq!(learned, Some(2));
}

#[test]
fn the_cli_summary_says_how_many_connections_a_server_allows() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = (1..=8)
        .map(|n| server.url(&format!("c{n}.bin?size=262144&rate=2097152&hostmax=2")))
        .collect();
    let output = crate::util::cli()
        .args(["-j", "8", "--split", "1", "--retries", "0", "-o"])
        .arg(dir.path())
        .args(&urls)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(files_in(dir.path()).len(), 8, "{stdout}");
    let said = format!("127.0.0.1:{}: the server allows ", server.port());
    let line = stdout.lines().find(|l| l.starts_with(&said));
    assert!(
        line.is_some_and(
            |l| l.ends_with(" connections at a time") || l.ends_with(" connection at a time")
        ),
        "{stdout}"
    );
    // --retries 0, and every file done: no refused request counted as an attempt. The first
    // crowd of 8 is refused but for 2, then each step down costs at most a few.
    let refused = server.refused();
    assert!((1..16).contains(&refused), "{refused}");
}

#[test]
fn the_wait_a_server_asks_for_is_told_to_the_row() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(Mode::Submit, 1, dir.path());
    cfg.retries = 2;
    let line = server.url("wait.bin?size=1000&fail_first=1&retry_after=1");
    let done = run(jobs(&[line]), cfg);
    assert_eq!(done.item(1).outcome, Outcome::Done, "{:?}", done.item(1));
    let waits: Vec<Option<u64>> = done
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Retrying { server_wait_ms, .. } => Some(*server_wait_ms),
            _ => None,
        })
        .collect();
    assert_eq!(waits, [Some(1000)]);
    assert_eq!(server.requests().len(), 2);
    assert!(std::fs::read(dir.path().join("wait.bin")).unwrap() == body_for("wait.bin", 1000));
}

#[test]
fn no_server_gets_more_connections_than_connections_per_server() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (1..=12)
        .map(|n| server.url(&format!("s{n}.bin?size=300000&delay=150")))
        .collect();
    let mut cfg = config(Mode::Submit, 8, dir.path());
    cfg.per_host = 3;
    let done = run(jobs(&lines), cfg);
    assert!(
        done.reported.iter().all(|r| r.outcome == Outcome::Done),
        "{:?}",
        done.reported
    );
    assert_eq!(files_in(dir.path()).len(), 12);
    assert_eq!(server.max_in_flight(), 3, "{:?}", server.requests());
    assert_eq!(server.requests().len(), 12, "{:?}", server.requests());
}
