//! Memory stays flat however large the body: a 192 MiB download may not grow the peak
//! resident set by more than a few MiB. In its own test binary so other tests do not add to
//! the peak.

mod common;

use common::server::TestServer;
use common::{config, jobs, run};
use downpour::{Mode, Outcome};

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn memory_does_not_grow_with_file_size() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    // Warm up: a small download brings in the client, TLS roots and threads.
    let warm = run(
        jobs(&[server.url("warm?size=100000")]),
        config(Mode::Submit, 2, dir.path()),
    );
    assert_eq!(warm.item(1).outcome, Outcome::Done);
    let before = peak_rss_kib();
    let size = 192u64 * 1024 * 1024;
    let done = run(
        jobs(&[server.url(&format!("big.bin?size={size}"))]),
        config(Mode::Submit, 2, dir.path()),
    );
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert_eq!(
        std::fs::metadata(dir.path().join("big.bin")).unwrap().len(),
        size
    );
    let grown = peak_rss_kib().saturating_sub(before);
    assert!(
        grown < 16 * 1024,
        "peak RSS grew by {grown} KiB for a {size}-byte body"
    );
}
