//! The speed limit's accuracy (issue 27): does `--limit-rate` hold what the person set, from
//! 20K up, on one connection per file and on a file split over several? Each case downloads
//! about ten seconds' worth at the limit and reports the speed reached as a ratio to the limit
//! (the target is within 10 %). Runs with `DOWNPOUR_BENCH_ONLY=limit-accuracy`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::server::TestServer;

const KIB: u64 = 1024;

/// One case: the limit, how many files, and whether the files are split.
struct Case {
    limit: &'static str,
    bytes_per_second: u64,
    files: u64,
    split: bool,
}

const CASES: [Case; 6] = [
    case("20K", 20 * KIB, 1, true),
    case("20K", 20 * KIB, 4, false),
    case("200K", 200 * KIB, 1, true),
    case("200K", 200 * KIB, 8, false),
    case("2M", 2048 * KIB, 1, true),
    case("2M", 2048 * KIB, 16, false),
];

const fn case(limit: &'static str, bytes_per_second: u64, files: u64, split: bool) -> Case {
    Case {
        limit,
        bytes_per_second,
        files,
        split,
    }
}

/// Runs every case (shorter when `quick`) and returns the table's lines.
pub fn run(cli: &Path, server: &TestServer, tmp_root: &Path, quick: bool) -> Vec<String> {
    let seconds = if quick { 4 } else { 10 };
    let mut lines = vec![
        "| limit | files | split | time | speed reached | reached ÷ limit |".to_owned(),
        "|---|---:|---|---:|---:|---:|".to_owned(),
    ];
    for (n, case) in CASES.iter().enumerate() {
        let total = case.bytes_per_second * seconds;
        let size = total / case.files;
        let dir = tmp_root.join(format!("limit-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the case's folder");
        let urls: String = (1..=case.files)
            .map(|i| {
                format!(
                    "{}\n",
                    server.url(&format!("limit-{n}-{i}.bin?size={size}"))
                )
            })
            .collect();
        let list = dir.join("urls.txt");
        std::fs::write(&list, urls).expect("write the list");
        let out = dir.join("out");
        let mut cmd = Command::new(cli);
        cmd.arg("-i").arg(&list).arg("-o").arg(&out);
        cmd.args(["-j", "16", "--per-host", "16", "--no-checksum"]);
        cmd.args(["--limit-rate", case.limit]);
        cmd.args(["--split", if case.split { "8" } else { "1" }]);
        let started = Instant::now();
        let status = cmd.status().expect("run downpour-cli");
        let took = started.elapsed();
        let got: u64 = std::fs::read_dir(&out)
            .map(|d| {
                d.flatten()
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0);
        let speed = got as f64 / took.max(Duration::from_millis(1)).as_secs_f64();
        let ratio = speed / case.bytes_per_second as f64;
        let mark = if status.success() && got == size * case.files {
            ""
        } else {
            " (failed)"
        };
        eprintln!(
            "limit {} × {} split {}: {ratio:.3}{mark}",
            case.limit, case.files, case.split
        );
        lines.push(format!(
            "| {} | {} | {} | {:.2} s | {:.1} KiB/s | {ratio:.3}{mark} |",
            case.limit,
            case.files,
            if case.split { "yes (8)" } else { "no" },
            took.as_secs_f64(),
            speed / KIB as f64,
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
    lines
}
