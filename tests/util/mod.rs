//! Helpers shared by the integration tests: the 127.0.0.1 server and a run collector.

#[cfg(target_os = "linux")]
pub mod netns;
pub mod nginx;
pub mod proxies;
pub mod server;

use std::sync::mpsc;
use std::time::Duration;

use downpour::{Event, EventSink, ItemRecord, Job, RunConfig, parse_list, start_run};

/// Everything a finished run said.
pub struct Finished {
    /// All events, in arrival order.
    pub events: Vec<Event>,
    /// The reported items, in reported order.
    pub reported: Vec<ItemRecord>,
}

impl Finished {
    /// The indices in reported order.
    pub fn order(&self) -> Vec<usize> {
        self.reported.iter().map(|r| r.index).collect()
    }

    /// The record of item `index`.
    pub fn item(&self, index: usize) -> &ItemRecord {
        self.reported
            .iter()
            .find(|r| r.index == index)
            .expect("item reported")
    }
}

/// The names in `dir`, sorted.
pub fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Waits (at most 20 s) until the file at `path` holds at least `at_least` bytes.
pub fn wait_until_size(path: &std::path::Path, at_least: u64) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::fs::metadata(path).map_or(0, |m| m.len()) < at_least {
        assert!(
            std::time::Instant::now() < deadline,
            "{} never reached {at_least} bytes",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits (at most 20 s) until the run reports `at_least` bytes of an item.
pub fn wait_for_bytes(rx: &mpsc::Receiver<Event>, at_least: u64) {
    loop {
        let event = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the bytes arrive");
        if matches!(event, Event::Progress { bytes, .. } if bytes >= at_least) {
            return;
        }
    }
}

/// The data folder (`XDG_DATA_HOME`) of the CLI runs of the tests, beside the tests' other
/// temporary files: their resume records, never the person's own.
pub fn cli_data_home() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-data")
}

/// `downpour-cli`, keeping its state in the tests' shared data folder.
pub fn cli() -> std::process::Command {
    cli_with_data(&cli_data_home())
}

/// `downpour-cli` with a data folder (`XDG_DATA_HOME`) of its own, so that what it stores there
/// can be read.
pub fn cli_with_data(data: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_downpour-cli"));
    command.env("XDG_DATA_HOME", data);
    command
}

/// Jobs from URL lines.
pub fn jobs(lines: &[String]) -> Vec<Job> {
    let list = parse_list(&lines.join("\n"));
    assert!(list.rejected.is_empty(), "{:?}", list.rejected);
    list.entries.iter().map(Job::from).collect()
}

/// A config with short timeouts and no retries, for tests.
pub fn config(mode: downpour::Mode, workers: usize, dir: &std::path::Path) -> RunConfig {
    let mut config = RunConfig::new(mode, workers, dir);
    // Resume records of the tests' folders, beside the tests' other temporary files.
    config.state_dir = Some(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("state"));
    config.retries = 0;
    config.stall_timeout = Duration::from_secs(2);
    config.connect_timeout = Duration::from_secs(2);
    config.retry_backoff = Duration::from_millis(20);
    config
}

/// Runs to the end and collects everything.
pub fn run(jobs: Vec<Job>, config: RunConfig) -> Finished {
    let (tx, rx) = mpsc::channel();
    let handle = start_run(jobs, config, EventSink::new(tx));
    let finished = collect(rx);
    handle.join();
    finished
}

/// Collects events until `RunFinished` (panics after a minute).
pub fn collect(rx: mpsc::Receiver<Event>) -> Finished {
    collect_after(Vec::new(), rx)
}

/// Collects events until `RunFinished` after the events already `seen` (panics after a
/// minute).
pub fn collect_after(seen: Vec<Event>, rx: mpsc::Receiver<Event>) -> Finished {
    let mut reported: Vec<ItemRecord> = seen
        .iter()
        .filter_map(|event| match event {
            Event::ItemReported(record) => Some(record.clone()),
            _ => None,
        })
        .collect();
    let mut events = seen;
    loop {
        let event = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("run finishes within a minute");
        if let Event::ItemReported(record) = &event {
            reported.push(record.clone());
        }
        if let Event::RunFinished { .. } = event {
            events.push(event);
            return Finished { events, reported };
        }
        events.push(event);
    }
}

/// Waits for `child` to exit successfully and returns its peak resident set in KiB (Linux
/// reports `ru_maxrss` in KiB). Measured in its own process, so tests running beside it do
/// not add to the peak.
#[allow(
    clippy::zombie_processes,
    reason = "reaped by wait4, which also reports its peak"
)]
pub fn peak_rss_kib(child: std::process::Child, what: &str) -> u64 {
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for this child, which it reaps.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: waits for our own child; both pointers are valid for the call.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "{}", std::io::Error::last_os_error());
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{what}: {status}"
    );
    usage.ru_maxrss as u64
}
