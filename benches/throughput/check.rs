//! The check of a whole list before Start (issue 29) as a benchmark scenario: 1,000 links
//! whose server takes 200 ms to answer each, asked 16 at once by `downpour-cli --check`,
//! against the ideal ceil(1000 / 16) × 0.2 s. The target is at most 1.1 × the ideal.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::server::TestServer;

/// Links in the list.
const LINKS: usize = 1000;
/// How long the server takes to answer each.
const ANSWER: Duration = Duration::from_millis(200);
/// Links asked at once.
const AT_ONCE: usize = 16;

/// Times `cli --check` on the list `runs` times and prints each time against the ideal.
pub fn run(cli: &Path, server: &TestServer, tmp_root: &Path, runs: usize) {
    let dir = tmp_root.join("check");
    std::fs::create_dir_all(&dir).expect("create the check folder");
    let list: String = (0..LINKS)
        .map(|i| {
            let ms = ANSWER.as_millis();
            format!(
                "{}\n",
                server.url(&format!("check/f{i}.bin?size=4096&delay={ms}"))
            )
        })
        .collect();
    let list_path = tmp_root.join("check-list.txt");
    std::fs::write(&list_path, list).expect("write the check list");
    let ideal = ANSWER.as_secs_f64() * LINKS.div_ceil(AT_ONCE) as f64;
    println!(
        "\n## check: {LINKS} links, {} ms answers, {AT_ONCE} at once\n",
        ANSWER.as_millis()
    );
    println!("| run | time | ideal | × ideal | requests |");
    println!("|---|---|---|---|---|");
    for run in 1..=runs {
        let before = server.requests().len();
        let started = Instant::now();
        let output = Command::new(cli)
            .args(["--check", "--workers", "16", "--per-host", "16", "-i"])
            .arg(&list_path)
            .arg("-o")
            .arg(&dir)
            .output()
            .expect("run downpour-cli --check");
        let secs = started.elapsed().as_secs_f64();
        assert!(
            output.status.success(),
            "the check failed: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        let asked = server.requests().len() - before;
        println!(
            "| {run} | {secs:.2} s | {ideal:.2} s | {:.3} | {asked} |",
            secs / ideal
        );
    }
    let _ = std::fs::remove_file(&list_path);
    let _ = std::fs::remove_dir_all(&dir);
}
