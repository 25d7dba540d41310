//! Memory stays flat however large the body: downloading 192 MiB may not raise the CLI's peak
//! resident set more than a few MiB above that of a 100 KB download. Each is measured in its
//! own process, so the tests running beside it do not add to the peak.

use std::process::Command;

use crate::util::server::TestServer;

/// Runs `downpour-cli` on `url` into `dir` and returns its peak resident set in KiB.
#[allow(
    clippy::zombie_processes,
    reason = "reaped by wait4, which also reports its peak"
)]
fn cli_peak_rss_kib(url: &str, dir: &std::path::Path) -> u64 {
    let child = Command::new(env!("CARGO_BIN_EXE_downpour-cli"))
        .env("XDG_DATA_HOME", crate::util::cli_data_home())
        .args(["-j", "2", "-r", "0", "-o"])
        .arg(dir)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::util::peak_rss_kib(child, url)
}

#[test]
fn memory_does_not_grow_with_file_size() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let small = cli_peak_rss_kib(&server.url("small?size=100000"), dir.path());
    let size = 192u64 * 1024 * 1024;
    let big = cli_peak_rss_kib(&server.url(&format!("big.bin?size={size}")), dir.path());
    assert_eq!(
        std::fs::metadata(dir.path().join("big.bin")).unwrap().len(),
        size
    );
    let grown = big.saturating_sub(small);
    assert!(
        grown < 16 * 1024,
        "peak RSS {big} KiB for a {size}-byte body against {small} KiB for 100 KB"
    );
}
