//! Side-by-side throughput benchmark (issue 5): it exists so that claims about Downpour's speed
//! and memory are measured, not guessed — the release `downpour-cli` is timed against curl,
//! wget2 and aria2c on the same URL lists from an in-process 127.0.0.1 server, and each result
//! is compared with an ideal (a latency formula or a raw loopback read) and with the best peer.
//! For many-small, the raw client also runs writing every body to a new file: the least that
//! 2,000 files cost, so the CPU per file shows what the downloader adds on top.
//!
//! Run with `cargo bench --bench throughput`. Knobs (environment variables):
//! - `DOWNPOUR_BENCH_RUNS=N`   timed runs per tool and scenario (default 5; sequential always
//!   runs once)
//! - `DOWNPOUR_BENCH_WARMUP=N`  untimed rounds of every tool before the timed ones (default 1;
//!   none for sequential or quick)
//! - `DOWNPOUR_BENCH_QUICK=1`  smaller lists and one run, for a smoke test (~1 minute)
//! - `DOWNPOUR_BENCH_ONLY=latency,bulk`  only these scenarios
//!   (latency, mixed, bulk, many-small, capped-one, capped-few, long-tail, limited,
//!   sequential, limit-accuracy; and h2-small, h2-bulk, proxy: see throughput/reach.rs;
//!   split-3x16-15, split-3x16-16, split-3x16-48, split-8x8-12, polite: see
//!   throughput/budgets.rs; check: the check of 1,000 links before Start, see
//!   throughput/check.rs)
//! - `DOWNPOUR_BENCH_TOOLS=downpour,curl`  only tools whose label contains one of these words
//! - `DOWNPOUR_CLI=/path/to/downpour-cli`  use this binary and do not build
//! - `DOWNPOUR_BENCH_NO_BUILD=1`  do not run `cargo build`; require target/release/downpour-cli
//! - `DOWNPOUR_BENCH_TMP=DIR`  where the per-run output folders go (default target/bench-tmp)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    reason = "a benchmark harness: a failed step ends it with its message"
)]

#[allow(
    dead_code,
    reason = "the benchmark uses only part of the integration tests' server module"
)]
#[path = "../tests/util/server.rs"]
mod server;

#[path = "throughput/budgets.rs"]
mod budgets;

#[path = "throughput/check.rs"]
mod check;

#[path = "throughput/limits.rs"]
mod limits;

#[path = "throughput/reach.rs"]
mod reach;

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use server::TestServer;

/// Parallel connections every parallel tool gets.
const WORKERS: usize = 16;
/// The longest one tool run may take before it is killed and reported as failed.
const RUN_TIMEOUT: Duration = Duration::from_secs(180);
const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;
/// A scenario whose files add up to more than this deletes each run's folder right after
/// the run (see `run_scenario`).
const KEEP_OUTPUTS_MAX: u64 = 256 * MIB;

fn main() {
    let settings = Settings::from_env();
    let cli = locate_cli();
    let server = TestServer::start();
    let tmp_root = settings.tmp_root.clone();
    std::fs::create_dir_all(&tmp_root).expect("create the bench temp folder");
    let rss = RssProbe::detect();

    println!("# Downpour throughput benchmark\n");
    print_machine(&cli, rss);
    let tools = available_tools(&settings);
    let mut all_rows: Vec<Row> = Vec::new();
    let started = Instant::now();
    for scenario in scenarios(&settings) {
        if !settings.wants_scenario(scenario.key) {
            continue;
        }
        eprintln!(
            "== {} ({} files, {}) ==",
            scenario.key,
            scenario.items.len(),
            human_bytes(scenario.total_bytes())
        );
        let rows = run_scenario(&scenario, &tools, &cli, &server, &tmp_root, rss, &settings);
        all_rows.extend(rows);
    }
    budgets::run(&cli, &settings);
    if settings.wants_scenario("check") {
        check::run(&cli, &server, &tmp_root, settings.runs);
    }
    let limit_lines =
        (settings.wants_scenario("limit-accuracy") && settings.wants_tool("downpour")).then(|| {
            eprintln!("== limit-accuracy ==");
            limits::run(&cli, &server, &tmp_root, settings.quick)
        });
    println!();
    print_table(&all_rows);
    if let Some(lines) = limit_lines {
        println!("\n## Speed limit accuracy (Downpour `--limit-rate`; target: 0.90–1.10)\n");
        for line in lines {
            println!("{line}");
        }
    }
    reach::run(&settings, &cli, &server);
    println!(
        "\nbench wall time: {:.0} s (timed runs per cell: {}, untimed warm-up rounds: {}, quick: {})",
        started.elapsed().as_secs_f64(),
        settings.runs,
        settings.warmup,
        settings.quick
    );
    let _ = std::fs::remove_dir(&tmp_root);
}

// ---------------------------------------------------------------------------------------------
// Settings

struct Settings {
    runs: usize,
    /// Untimed rounds before the timed runs of a scenario.
    warmup: usize,
    quick: bool,
    only: Option<Vec<String>>,
    tools: Option<Vec<String>>,
    tmp_root: PathBuf,
}

impl Settings {
    fn from_env() -> Self {
        let quick = env_flag("DOWNPOUR_BENCH_QUICK");
        let runs = std::env::var("DOWNPOUR_BENCH_RUNS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|n| *n >= 1)
            .unwrap_or(if quick { 1 } else { 5 });
        let warmup = std::env::var("DOWNPOUR_BENCH_WARMUP")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(usize::from(!quick));
        let list = |key: &str| {
            std::env::var(key).ok().map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_ascii_lowercase())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
            })
        };
        let tmp_root = std::env::var_os("DOWNPOUR_BENCH_TMP")
            .map(PathBuf::from)
            .unwrap_or_else(|| target_dir().join("bench-tmp"));
        Self {
            runs,
            warmup,
            quick,
            only: list("DOWNPOUR_BENCH_ONLY"),
            tools: list("DOWNPOUR_BENCH_TOOLS"),
            tmp_root,
        }
    }

    fn wants_scenario(&self, key: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|keys| keys.iter().any(|k| k == key))
    }

    fn wants_tool(&self, label: &str) -> bool {
        self.tools
            .as_ref()
            .is_none_or(|words| words.iter().any(|w| label.contains(w.as_str())))
    }
}

fn env_flag(key: &str) -> bool {
    std::env::var(key).is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false" | "no"))
}

/// `target/` of this build: the bench runs as `target/release/deps/throughput-HASH`.
fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Builds (incrementally; a no-op when fresh) and returns the release `downpour-cli`.
fn locate_cli() -> PathBuf {
    if let Some(path) = std::env::var_os("DOWNPOUR_CLI") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "DOWNPOUR_CLI={} is not a file",
            path.display()
        );
        return path;
    }
    let release = target_dir().join("release").join("downpour-cli");
    if !env_flag("DOWNPOUR_BENCH_NO_BUILD") {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        eprintln!("building: cargo build --release --bin downpour-cli");
        let status = Command::new(cargo)
            .args(["build", "--release", "--bin", "downpour-cli"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) if release.is_file() => {
                eprintln!("warning: the release build failed ({s}); timing the existing binary")
            }
            Ok(s) => panic!("`cargo build --release --bin downpour-cli` failed ({s})"),
            Err(err) => eprintln!("warning: could not run cargo ({err})"),
        }
    }
    assert!(
        release.is_file(),
        "{} is missing: run `cargo build --release --bin downpour-cli` first \
         (or set DOWNPOUR_CLI=/path/to/downpour-cli)",
        release.display()
    );
    release
}

// ---------------------------------------------------------------------------------------------
// Scenarios

struct Item {
    name: String,
    size: u64,
    delay_ms: u64,
    /// The server's cap on each connection, in bytes per second.
    rate: Option<u64>,
}

/// How a scenario is downloaded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `WORKERS` files at once.
    Parallel,
    /// One file at a time.
    Sequential,
    /// `WORKERS` connections, big files split over them: Downpour `--split 16`, aria2c
    /// `-x16 -s16 -k1M` (curl and wget2 cannot split a file and sit these out).
    Split,
    /// `WORKERS` files at once under a total speed limit of `LIMIT`: Downpour `--limit-rate`,
    /// aria2c `--max-overall-download-limit` (curl's and wget2's limits are per transfer, so
    /// they sit this out). The ideal is the bytes at exactly the limit: "× ideal" is how
    /// closely the limit holds.
    Limited,
}

/// The total speed limit of the limited scenario, in bytes per second and as the tools take
/// it.
const LIMIT: (u64, &str) = (8 * MIB, "8M");

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ideal {
    /// A closed formula: the delays scheduled on the workers, transfer time ignored.
    Formula(Duration),
    /// The same list read by a minimal std `TcpStream` client with the same parallelism,
    /// bodies discarded: what the server and loopback allow.
    RawLoopback,
}

struct Scenario {
    key: &'static str,
    items: Vec<Item>,
    shape: Shape,
    runs: usize,
    ideal: Ideal,
    /// Also time the raw client writing every body to a new file: the floor for small files.
    file_floor: bool,
}

impl Scenario {
    fn total_bytes(&self) -> u64 {
        self.items.iter().map(|i| i.size).sum()
    }

    fn urls(&self, server: &TestServer) -> Vec<String> {
        self.items
            .iter()
            .map(|i| {
                let mut url = server.url(&format!("{}?size={}", i.name, i.size));
                if i.delay_ms > 0 {
                    let _ = write!(url, "&delay={}", i.delay_ms);
                }
                if let Some(rate) = i.rate {
                    let _ = write!(url, "&rate={rate}");
                }
                url
            })
            .collect()
    }
}

fn items(prefix: &str, count: usize, size: u64, delay_ms: u64) -> Vec<Item> {
    (1..=count)
        .map(|i| Item {
            name: format!("{prefix}-{i:04}.bin"),
            size,
            delay_ms,
            rate: None,
        })
        .collect()
}

/// xorshift64*, so the mixed list is the same on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The cap on each connection in the capped scenarios: what many mirrors allow.
const CAP: u64 = 2 * MIB;

/// Files behind a per-connection cap: the ideal is all their bytes over `WORKERS` capped
/// connections.
fn capped_scenario(key: &'static str, mut items: Vec<Item>, runs: usize) -> Scenario {
    for item in &mut items {
        item.rate = Some(CAP);
    }
    let bytes: u64 = items.iter().map(|i| i.size).sum();
    Scenario {
        key,
        items,
        shape: Shape::Split,
        runs,
        ideal: Ideal::Formula(Duration::from_secs_f64(
            bytes as f64 / (WORKERS as u64 * CAP) as f64,
        )),
        file_floor: false,
    }
}

/// Files under a total speed limit: the ideal is their bytes at exactly the limit.
fn limited_scenario(items: Vec<Item>, runs: usize) -> Scenario {
    let bytes: u64 = items.iter().map(|i| i.size).sum();
    Scenario {
        key: "limited",
        items,
        shape: Shape::Limited,
        runs,
        ideal: Ideal::Formula(Duration::from_secs_f64(bytes as f64 / LIMIT.0 as f64)),
        file_floor: false,
    }
}

/// The mixed list with one 64 MiB file last, no cap: splitting should shorten the tail.
fn long_tail(quick: bool) -> Vec<Item> {
    let mut items = mixed_items(quick);
    items.push(Item {
        name: "tail.bin".into(),
        size: 64 * MIB,
        delay_ms: 0,
        rate: None,
    });
    items
}

/// Mixed: sizes log-uniform in 10 KiB..20 MiB, delays uniform in 0..=300 ms, fixed seed.
fn mixed_items(quick: bool) -> Vec<Item> {
    let mut rng = Rng(0x5eed_d0e5_0000_0005);
    (1..=if quick { 20 } else { 50 })
        .map(|i| {
            let (lo, hi) = ((10 * KIB) as f64, (20 * MIB) as f64);
            let size = (lo * (hi / lo).powf(rng.unit())).round() as u64;
            let delay_ms = rng.next() % 301;
            Item {
                name: format!("mixed-{i:04}.bin"),
                size,
                delay_ms,
                rate: None,
            }
        })
        .collect()
}

fn scenarios(settings: &Settings) -> Vec<Scenario> {
    let q = settings.quick;
    let runs = settings.runs;
    let latency_files = if q { 48 } else { 100 };
    let seq_files = if q { 20 } else { 100 };
    let latency_delay = 200;

    let mixed = mixed_items(q);

    vec![
        Scenario {
            key: "latency",
            items: items("lat", latency_files, 64 * KIB, latency_delay),
            shape: Shape::Parallel,
            runs,
            ideal: Ideal::Formula(Duration::from_millis(
                latency_files.div_ceil(WORKERS) as u64 * latency_delay,
            )),
            file_floor: false,
        },
        Scenario {
            key: "mixed",
            items: mixed,
            shape: Shape::Parallel,
            runs,
            ideal: Ideal::RawLoopback,
            file_floor: false,
        },
        Scenario {
            key: "bulk",
            items: items(
                "bulk",
                if q { 2 } else { 4 },
                if q { 64 } else { 256 } * MIB,
                0,
            ),
            shape: Shape::Parallel,
            runs,
            ideal: Ideal::RawLoopback,
            file_floor: false,
        },
        Scenario {
            key: "many-small",
            items: items("small", if q { 400 } else { 2000 }, 4 * KIB, 0),
            shape: Shape::Parallel,
            runs,
            ideal: Ideal::RawLoopback,
            file_floor: true,
        },
        capped_scenario("capped-one", items("one", 1, 64 * MIB, 0), runs),
        capped_scenario(
            "capped-few",
            items("few", if q { 2 } else { FEW }, 32 * MIB, 0),
            runs,
        ),
        Scenario {
            key: "long-tail",
            items: long_tail(q),
            shape: Shape::Split,
            runs,
            ideal: Ideal::RawLoopback,
            file_floor: false,
        },
        limited_scenario(items("limited", if q { 8 } else { 16 }, 2 * MIB, 0), runs),
        Scenario {
            key: "sequential",
            items: items("seq", seq_files, 64 * KIB, latency_delay),
            shape: Shape::Sequential,
            runs: 1,
            ideal: Ideal::Formula(Duration::from_millis(seq_files as u64 * latency_delay)),
            file_floor: false,
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// Tools

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    /// `downpour-cli -m MODE`; `checksums: false` adds `--no-checksum`, the like-for-like row
    /// (the peers compute no checksum).
    Downpour {
        mode: &'static str,
        checksums: bool,
    },
    Curl,
    Wget2,
    Aria2c,
    /// aria2c splitting the capped-few files within Downpour's budget of `WORKERS`
    /// connections in all (`-x16 -j16` opens up to 16 per file, 64 for four files).
    Aria2cBudget,
}

/// The files of capped-few.
const FEW: usize = 4;

impl Tool {
    fn is_peer(self) -> bool {
        !matches!(self, Tool::Downpour { .. })
    }

    fn label(self, shape: Shape) -> String {
        match (self, shape) {
            (Tool::Downpour { mode, checksums }, shape) => {
                let workers = match shape {
                    Shape::Sequential => String::new(),
                    Shape::Parallel => format!(" -j {WORKERS} --per-host {WORKERS}"),
                    Shape::Split => format!(" -j {WORKERS} --split {WORKERS} --per-host {WORKERS}"),
                    Shape::Limited => format!(
                        " -j {WORKERS} --per-host {WORKERS} --limit-rate {}",
                        LIMIT.1
                    ),
                };
                let flag = if checksums { "" } else { " --no-checksum" };
                format!("downpour {mode}{workers}{flag}")
            }
            (Tool::Curl, Shape::Sequential) => "curl (one transfer at a time)".into(),
            (Tool::Curl, _) => format!("curl --parallel-max {WORKERS}"),
            (Tool::Wget2, Shape::Sequential) => "wget2 --max-threads=1".into(),
            (Tool::Wget2, _) => format!("wget2 --max-threads={WORKERS}"),
            (Tool::Aria2c, Shape::Sequential) => "aria2c -j 1".into(),
            (Tool::Aria2c, Shape::Parallel) => format!("aria2c -j {WORKERS}"),
            (Tool::Aria2c, Shape::Split) => {
                format!("aria2c -x{WORKERS} -s{WORKERS} -k1M -j {WORKERS}")
            }
            (Tool::Aria2c, Shape::Limited) => format!(
                "aria2c -j {WORKERS} --max-overall-download-limit={}",
                LIMIT.1
            ),
            (Tool::Aria2cBudget, _) => {
                let per_file = WORKERS / FEW;
                format!("aria2c -x{per_file} -s{per_file} -k1M -j {FEW} ({WORKERS} connections)")
            }
        }
    }

    fn program(self) -> &'static str {
        match self {
            Tool::Downpour { .. } => "downpour-cli",
            Tool::Curl => "curl",
            Tool::Wget2 => "wget2",
            Tool::Aria2c | Tool::Aria2cBudget => "aria2c",
        }
    }

    /// Whether the tool takes part in a scenario: Downpour's modes by scenario, every
    /// installed peer everywhere.
    fn runs_in(self, scenario: &Scenario) -> bool {
        let sequential = scenario.shape == Shape::Sequential;
        match self {
            Tool::Downpour { mode, .. } => (mode == "sequential") == sequential,
            Tool::Curl | Tool::Wget2 => !matches!(scenario.shape, Shape::Split | Shape::Limited),
            Tool::Aria2c => true,
            Tool::Aria2cBudget => scenario.shape == Shape::Split && scenario.items.len() == FEW,
        }
    }

    fn command(self, cli: &Path, lists: &Lists, out: &Path, shape: Shape) -> Command {
        let sequential = shape == Shape::Sequential;
        let workers = if sequential { 1 } else { WORKERS }.to_string();
        match self {
            Tool::Downpour { mode, checksums } => {
                let mut cmd = Command::new(cli);
                cmd.arg("-i").arg(&lists.plain).arg("-o").arg(out);
                // Every connection to the one test server, as the peers open them.
                cmd.args(["-m", mode, "-j", &workers, "--per-host", &workers]);
                if shape == Shape::Split {
                    cmd.args(["--split", &workers]);
                }
                if shape == Shape::Limited {
                    cmd.args(["--limit-rate", LIMIT.1]);
                }
                if !checksums {
                    cmd.arg("--no-checksum");
                }
                cmd
            }
            Tool::Curl => {
                let mut cmd = Command::new("curl");
                if !sequential {
                    cmd.args(["--parallel", "--parallel-immediate", "--parallel-max"]);
                    cmd.arg(&workers);
                }
                cmd.args(["--silent", "--show-error", "--fail", "--remote-name-all"]);
                cmd.arg("--output-dir")
                    .arg(out)
                    .arg("--config")
                    .arg(&lists.curl);
                cmd
            }
            Tool::Wget2 => {
                let mut cmd = Command::new("wget2");
                cmd.arg(format!("--max-threads={workers}"));
                cmd.args(["--quiet", "--no-hsts", "--no-robots", "--no-cookies"]);
                cmd.arg("-P").arg(out).arg("-i").arg(&lists.plain);
                cmd
            }
            Tool::Aria2c => {
                let mut cmd = Command::new("aria2c");
                cmd.args(["-j", &workers, "--quiet", "--file-allocation=none"]);
                if shape == Shape::Split {
                    let connections = format!("{WORKERS}");
                    cmd.args(["-x", &connections, "-s", &connections, "-k", "1M"]);
                }
                if shape == Shape::Limited {
                    cmd.arg(format!("--max-overall-download-limit={}", LIMIT.1));
                }
                cmd.args(["--summary-interval=0", "--allow-overwrite=true"]);
                cmd.arg("-d").arg(out).arg("-i").arg(&lists.plain);
                cmd
            }
            Tool::Aria2cBudget => {
                let per_file = (WORKERS / FEW).to_string();
                let mut cmd = Command::new("aria2c");
                cmd.args(["-j", &FEW.to_string(), "--quiet", "--file-allocation=none"]);
                cmd.args(["-x", &per_file, "-s", &per_file, "-k", "1M"]);
                cmd.args(["--summary-interval=0", "--allow-overwrite=true"]);
                cmd.arg("-d").arg(out).arg("-i").arg(&lists.plain);
                cmd
            }
        }
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

fn available_tools(settings: &Settings) -> Vec<Tool> {
    let mut tools = vec![
        Tool::Downpour {
            mode: "submit",
            checksums: true,
        },
        Tool::Downpour {
            mode: "map",
            checksums: true,
        },
        Tool::Downpour {
            mode: "map",
            checksums: false,
        },
        Tool::Downpour {
            mode: "sequential",
            checksums: true,
        },
    ];
    for peer in [Tool::Curl, Tool::Wget2, Tool::Aria2c, Tool::Aria2cBudget] {
        if on_path(peer.program()) {
            tools.push(peer);
        } else {
            eprintln!("skipping {}: not installed", peer.program());
        }
    }
    tools.retain(|t| {
        [
            Shape::Parallel,
            Shape::Sequential,
            Shape::Split,
            Shape::Limited,
        ]
        .iter()
        .any(|&shape| settings.wants_tool(&t.label(shape)))
    });
    tools
}

fn version_of(program: &str) -> String {
    Command::new(program)
        .arg("--version")
        .stderr(Stdio::null())
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "not installed".into())
}

// ---------------------------------------------------------------------------------------------
// Running one tool once

/// The list files of one scenario, written once and shared by all runs.
struct Lists {
    plain: PathBuf,
    curl: PathBuf,
}

fn write_lists(urls: &[String], dir: &Path) -> Lists {
    let plain = dir.join("urls.txt");
    let curl = dir.join("curl.cfg");
    let mut text = String::new();
    let mut cfg = String::new();
    for url in urls {
        let _ = writeln!(text, "{url}");
        let _ = writeln!(cfg, "url = \"{url}\"");
    }
    std::fs::write(&plain, text).expect("write the URL list");
    std::fs::write(&curl, cfg).expect("write the curl config");
    Lists { plain, curl }
}

#[derive(Clone, Copy)]
enum RssProbe {
    /// GNU time's `%M`: the child's peak resident set, from wait4.
    GnuTime,
    /// Poll `VmHWM` in `/proc/<pid>/status` every 5 ms (may miss a last-moment peak).
    ProcPoll,
}

impl RssProbe {
    fn detect() -> Self {
        let works = Path::new("/usr/bin/time").is_file()
            && Command::new("/usr/bin/time")
                .args(["-f", "%M", "true"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        if works {
            RssProbe::GnuTime
        } else {
            eprintln!("/usr/bin/time not found (apt-get install time): polling VmHWM instead");
            RssProbe::ProcPoll
        }
    }

    fn describe(self) -> &'static str {
        match self {
            RssProbe::GnuTime => "`/usr/bin/time -f %M` (wait4 ru_maxrss of the child)",
            RssProbe::ProcPoll => "VmHWM from /proc/<pid>/status, polled every 5 ms",
        }
    }
}

struct Measurement {
    wall: Duration,
    rss_kib: Option<u64>,
    /// CPU time (user + system) of the tool's process tree, and of this process (the server)
    /// during the run.
    cpu: Option<(Duration, Duration)>,
    error: Option<String>,
}

/// User + system CPU time so far of this process (`libc::RUSAGE_SELF`: the server's threads,
/// as the harness itself sleeps during a tool's run), of its waited-for children
/// (`libc::RUSAGE_CHILDREN`: the tool, and `/usr/bin/time` around it) or of the calling thread
/// (`libc::RUSAGE_THREAD`: a raw client thread).
fn cpu_time(who: libc::c_int) -> Option<Duration> {
    // SAFETY: an all-zero `rusage` is a valid value; getrusage only writes into it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable rusage for the duration of the call.
    if unsafe { libc::getrusage(who, &mut usage) } != 0 {
        return None;
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Some(time(usage.ru_utime) + time(usage.ru_stime))
}

/// The CPU time of the tool and of the server during one run, from their totals before and
/// after it.
fn cpu_between(before: Option<(Duration, Duration)>) -> Option<(Duration, Duration)> {
    let (tool0, server0) = before?;
    let (tool1, server1) = cpu_now()?;
    Some((tool1.saturating_sub(tool0), server1.saturating_sub(server0)))
}

/// The reaped children's and this process's CPU time so far.
fn cpu_now() -> Option<(Duration, Duration)> {
    Some((
        cpu_time(libc::RUSAGE_CHILDREN)?,
        cpu_time(libc::RUSAGE_SELF)?,
    ))
}

fn run_once(
    tool: Tool,
    scenario: &Scenario,
    cli: &Path,
    lists: &Lists,
    work: &Path,
    rss: RssProbe,
) -> Measurement {
    let out = work.join("out");
    std::fs::create_dir_all(&out).expect("create the output folder");
    let rss_file = work.join("rss.txt");
    let err_file = work.join("stderr.txt");
    let inner = tool.command(cli, lists, &out, scenario.shape);
    let mut cmd = match rss {
        RssProbe::GnuTime => {
            let mut cmd = Command::new("/usr/bin/time");
            cmd.arg("-f").arg("%M").arg("-o").arg(&rss_file);
            cmd.arg(inner.get_program()).args(inner.get_args());
            cmd
        }
        RssProbe::ProcPoll => inner,
    };
    cmd.current_dir(work)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&err_file).expect("create the stderr file"));
    // Its own process group, so a hung run can be ended whole (time and the tool under it).
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);

    let cpu_before = cpu_now();
    let t0 = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(err) => {
            return Measurement {
                wall: Duration::ZERO,
                rss_kib: None,
                cpu: None,
                error: Some(format!("could not start {}: {err}", tool.program())),
            };
        }
    };
    let pid = child.id();
    let finished = Arc::new(AtomicBool::new(false));
    let polled_hwm = Arc::new(AtomicU64::new(0));
    let poller = matches!(rss, RssProbe::ProcPoll).then(|| {
        let finished = Arc::clone(&finished);
        let hwm = Arc::clone(&polled_hwm);
        thread::spawn(move || {
            let path = format!("/proc/{pid}/status");
            while !finished.load(Ordering::Relaxed) {
                if let Some(kib) = std::fs::read_to_string(&path)
                    .ok()
                    .and_then(|s| status_kib(&s, "VmHWM:"))
                {
                    hwm.fetch_max(kib, Ordering::Relaxed);
                }
                thread::sleep(Duration::from_millis(5));
            }
        })
    });
    let (tx, rx) = mpsc::channel::<(std::io::Result<ExitStatus>, Instant)>();
    let waiter = thread::spawn(move || {
        let status = child.wait();
        let _ = tx.send((status, Instant::now()));
    });
    let (status, ended) = match rx.recv_timeout(RUN_TIMEOUT) {
        Ok(done) => done,
        Err(_) => {
            // Our own child's process group, by id.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
            rx.recv().expect("the waiter thread reports after a kill")
        }
    };
    finished.store(true, Ordering::Relaxed);
    let _ = waiter.join();
    if let Some(poller) = poller {
        let _ = poller.join();
    }
    let wall = ended.duration_since(t0);
    let cpu = cpu_between(cpu_before);

    let rss_kib = match rss {
        RssProbe::GnuTime => std::fs::read_to_string(&rss_file)
            .ok()
            .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok())),
        RssProbe::ProcPoll => Some(polled_hwm.load(Ordering::Relaxed)).filter(|k| *k > 0),
    };
    let mut error = match status {
        Ok(s) if s.success() => None,
        Ok(s) if wall >= RUN_TIMEOUT => Some(format!("killed after {RUN_TIMEOUT:?} ({s})")),
        Ok(s) => Some(format!("exit {s}")),
        Err(err) => Some(format!("wait failed: {err}")),
    };
    if let Err(problem) = verify_output(&out, scenario) {
        error = Some(match error {
            Some(e) => format!("{e}; {problem}"),
            None => problem,
        });
    }
    if let Some(e) = &mut error {
        let stderr = std::fs::read_to_string(&err_file).unwrap_or_default();
        if let Some(line) = stderr.lines().rev().find(|l| !l.trim().is_empty()) {
            let _ = write!(e, " — stderr: {}", line.trim());
        }
    }
    Measurement {
        wall,
        rss_kib,
        cpu,
        error,
    }
}

fn status_kib(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Every file arrived, complete: the count of regular files equals the list length and the
/// bytes add up (no `.part`, `.aria2` or other leftovers).
fn verify_output(out: &Path, scenario: &Scenario) -> Result<(), String> {
    let mut count = 0usize;
    let mut bytes = 0u64;
    for entry in std::fs::read_dir(out).map_err(|e| format!("cannot list output: {e}"))? {
        let entry = entry.map_err(|e| format!("cannot list output: {e}"))?;
        let meta = entry.metadata().map_err(|e| format!("cannot stat: {e}"))?;
        if meta.is_file() {
            count += 1;
            bytes += meta.len();
        }
    }
    let expected = scenario.items.len();
    let expected_bytes = scenario.total_bytes();
    if count != expected || bytes != expected_bytes {
        return Err(format!(
            "{count}/{expected} files, {bytes}/{expected_bytes} bytes"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The raw loopback reference

/// What one pass of the raw client cost.
struct RawPass {
    wall: Duration,
    /// The client threads' CPU time and the rest of this process's (the server's).
    cpu: Option<(Duration, Duration)>,
}

/// Reads every item of `items` over keep-alive `std::net::TcpStream`s, `parallel` at a time in
/// input order: no HTTP library, no process start. The bodies are discarded, or, with
/// `save_to`, each is written to a new file of its name there (`O_EXCL`, as a downloader that
/// never overwrites must): the least any downloader's files can cost.
fn raw_loopback(
    server: &TestServer,
    items: &[Item],
    parallel: usize,
    save_to: Option<&Path>,
) -> Result<RawPass, String> {
    let next = Arc::new(AtomicUsize::new(0));
    let requests: Arc<Vec<(String, String, u64)>> = Arc::new(
        items
            .iter()
            .map(|i| {
                let mut target = format!("/{}?size={}", i.name, i.size);
                if i.delay_ms > 0 {
                    let _ = write!(target, "&delay={}", i.delay_ms);
                }
                (target, i.name.clone(), i.size)
            })
            .collect(),
    );
    let port = server.port();
    let self_before = cpu_time(libc::RUSAGE_SELF);
    let t0 = Instant::now();
    let threads: Vec<_> = (0..parallel.min(items.len()))
        .map(|_| {
            let next = Arc::clone(&next);
            let requests = Arc::clone(&requests);
            let save_to = save_to.map(Path::to_owned);
            thread::spawn(move || -> Result<Option<Duration>, String> {
                let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
                let _ = stream.set_nodelay(true);
                let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
                let mut reader = BufReader::with_capacity(256 * 1024, stream);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((target, name, size)) = requests.get(i) else {
                        // A new thread's own CPU time is the work it did.
                        return Ok(cpu_time(libc::RUSAGE_THREAD));
                    };
                    write!(
                        writer,
                        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
                    )
                    .map_err(|e| e.to_string())?;
                    let len = read_head(&mut reader)?;
                    if len != *size {
                        return Err(format!("{target}: Content-Length {len}, expected {size}"));
                    }
                    let body = &mut (&mut reader).take(len);
                    let got = match &save_to {
                        None => std::io::copy(body, &mut std::io::sink()),
                        Some(dir) => File::options()
                            .write(true)
                            .create_new(true)
                            .open(dir.join(name))
                            .and_then(|mut file| std::io::copy(body, &mut file)),
                    }
                    .map_err(|e| e.to_string())?;
                    if got != len {
                        return Err(format!("{target}: {got} of {len} bytes"));
                    }
                }
            })
        })
        .collect();
    let mut client = Some(Duration::ZERO);
    for t in threads {
        let cpu = t.join().map_err(|_| "raw client thread panicked")??;
        client = client.zip(cpu).map(|(sum, cpu)| sum + cpu);
    }
    let wall = t0.elapsed();
    let cpu = match (client, self_before, cpu_time(libc::RUSAGE_SELF)) {
        (Some(client), Some(before), Some(after)) => {
            Some((client, after.saturating_sub(before).saturating_sub(client)))
        }
        _ => None,
    };
    Ok(RawPass { wall, cpu })
}

/// Reads a response head; returns its Content-Length.
fn read_head(reader: &mut impl BufRead) -> Result<u64, String> {
    let mut len = None;
    let mut first = true;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("connection closed before the headers".into());
        }
        let line = line.trim_end();
        if first {
            if !line.contains(" 200 ") {
                return Err(format!("unexpected status line: {line}"));
            }
            first = false;
            continue;
        }
        if line.is_empty() {
            return len.ok_or_else(|| "no Content-Length".into());
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            len = value.trim().parse().ok();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running a scenario

struct Row {
    scenario: &'static str,
    tool: String,
    peer: bool,
    reference: bool,
    files: usize,
    bytes: u64,
    walls: Vec<Duration>,
    rss_kib: Option<u64>,
    /// Per timed run: the tool's CPU time and the server's.
    cpus: Vec<(Duration, Duration)>,
    errors: Vec<String>,
    ideal: Option<Duration>,
    ideal_note: &'static str,
}

impl Row {
    fn median(&self) -> Option<Duration> {
        let mut walls = self.walls.clone();
        walls.sort();
        match walls.len() {
            0 => None,
            n if n % 2 == 1 => Some(walls[n / 2]),
            n => Some((walls[n / 2 - 1] + walls[n / 2]) / 2),
        }
    }

    /// Adds one pass of the raw client: its time and CPU, or why it failed.
    fn record_raw(&mut self, pass: Result<RawPass, String>) {
        match pass {
            Ok(pass) => {
                self.walls.push(pass.wall);
                self.cpus.extend(pass.cpu);
            }
            Err(e) => self.errors.push(e),
        }
    }

    /// The median CPU time per file of the tool and of the server, over the timed runs.
    fn cpu_per_file(&self) -> Option<(Duration, Duration)> {
        let median = |mut times: Vec<Duration>| {
            times.sort();
            times.get(times.len() / 2).copied()
        };
        let files = u32::try_from(self.files.max(1)).unwrap_or(u32::MAX);
        let tool = median(self.cpus.iter().map(|c| c.0).collect())?;
        let server = median(self.cpus.iter().map(|c| c.1).collect())?;
        Some((tool / files, server / files))
    }
}

fn run_scenario(
    scenario: &Scenario,
    tools: &[Tool],
    cli: &Path,
    server: &TestServer,
    tmp_root: &Path,
    rss: RssProbe,
    settings: &Settings,
) -> Vec<Row> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("{}-", scenario.key))
        .tempdir_in(tmp_root)
        .expect("create the scenario temp folder");
    let lists = write_lists(&scenario.urls(server), dir.path());
    let parallel = if scenario.shape == Shape::Sequential {
        1
    } else {
        WORKERS
    };

    let mut rows = Vec::new();
    // Output folders kept until the scenario ends (see below).
    let mut kept = Vec::new();
    let (ideal, ideal_note) = match scenario.ideal {
        Ideal::Formula(d) => (Some(d), "formula"),
        Ideal::RawLoopback => {
            let parallel = parallel.min(scenario.items.len());
            let reference = |tool: String| Row {
                scenario: scenario.key,
                tool,
                peer: false,
                reference: true,
                files: scenario.items.len(),
                bytes: scenario.total_bytes(),
                walls: Vec::new(),
                rss_kib: None,
                cpus: Vec::new(),
                errors: Vec::new(),
                ideal: None,
                ideal_note: "",
            };
            let mut row = reference(format!("raw loopback read ({parallel} std TcpStream)"));
            for _ in 0..scenario.runs {
                row.record_raw(raw_loopback(server, &scenario.items, parallel, None));
            }
            eprintln!("  {:<40} {}", row.tool, fmt_walls(&row.walls));
            let median = row.median();
            row.ideal = median;
            rows.push(row);
            if scenario.file_floor {
                let mut row = reference(format!(
                    "raw loopback read + new files ({parallel} std TcpStream)"
                ));
                for _ in 0..scenario.runs {
                    let folder = tempfile::Builder::new()
                        .prefix("raw-")
                        .tempdir_in(dir.path())
                        .expect("create the raw client's folder");
                    row.record_raw(raw_loopback(
                        server,
                        &scenario.items,
                        parallel,
                        Some(folder.path()),
                    ));
                    kept.push(folder);
                    thread::sleep(Duration::from_millis(200));
                }
                eprintln!("  {:<40} {}", row.tool, fmt_walls(&row.walls));
                rows.push(row);
            }
            (median, "raw loopback")
        }
    };

    // Runs are interleaved (run 1 of every tool, then run 2…). Where a scenario has many
    // files, every run's folder stays until the scenario ends: ext4 skips the inodes of files
    // deleted in the last minutes when it creates new ones, so deleting a run's 2,000 files
    // would slow whichever run came next. Big files are deleted at once instead: kept, their
    // gigabytes of dirty pages would be written back during (and throttle) the later runs.
    let keep_outputs = scenario.total_bytes() <= KEEP_OUTPUTS_MAX;
    let mut measured: Vec<(Tool, Row)> = Vec::new();
    for &tool in tools.iter().filter(|t| t.runs_in(scenario)) {
        let label = tool.label(scenario.shape);
        if !settings.wants_tool(&label) {
            continue;
        }
        let row = Row {
            scenario: scenario.key,
            tool: label,
            peer: tool.is_peer(),
            reference: false,
            files: scenario.items.len(),
            bytes: scenario.total_bytes(),
            walls: Vec::new(),
            rss_kib: None,
            cpus: Vec::new(),
            errors: Vec::new(),
            ideal,
            ideal_note,
        };
        measured.push((tool, row));
    }
    // The first run after another scenario meets the file system still busy with that
    // scenario's files (write-back, freed blocks): one untimed round absorbs it.
    let warmup = match scenario.shape {
        Shape::Sequential => 0,
        Shape::Parallel | Shape::Split | Shape::Limited => settings.warmup,
    };
    for round in 0..warmup + scenario.runs {
        let timed = round >= warmup;
        let run = round.saturating_sub(warmup);
        for (tool, row) in &mut measured {
            let tool = *tool;
            let work = tempfile::Builder::new()
                .prefix(&format!("{}-", tool.program()))
                .tempdir_in(dir.path())
                .expect("create the run temp folder");
            let m = run_once(tool, scenario, cli, &lists, work.path(), rss);
            if keep_outputs {
                kept.push(work);
            } else {
                drop(work);
            }
            match m.error {
                None if !timed => {}
                None => {
                    row.walls.push(m.wall);
                    row.rss_kib = row.rss_kib.max(m.rss_kib);
                    row.cpus.extend(m.cpu);
                }
                Some(e) => {
                    let which = if timed {
                        format!("run {}", run + 1)
                    } else {
                        "warm-up".to_owned()
                    };
                    eprintln!("  {} {which}: FAILED: {e}", row.tool);
                    row.errors.push(e);
                }
            }
            // Let closed sockets settle between runs.
            thread::sleep(Duration::from_millis(200));
        }
    }
    drop(kept);
    // Written-back deletions leave ext4's "recently deleted" window sooner (30 s, not 5 min).
    let _ = Command::new("sync").status();
    for (_, row) in measured {
        eprintln!(
            "  {:<40} {}  peak {}",
            row.tool,
            fmt_walls(&row.walls),
            row.rss_kib.map_or("?".into(), |k| human_bytes(k * KIB))
        );
        rows.push(row);
    }
    rows
}

fn fmt_walls(walls: &[Duration]) -> String {
    walls
        .iter()
        .map(|d| format!("{:.3}s", d.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// Output

fn human_bytes(bytes: u64) -> String {
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{:.1} KiB", bytes as f64 / KIB as f64)
    }
}

/// A CPU time as `12 µs` (or `3.4 ms` from a millisecond on).
fn micros(d: Duration) -> String {
    if d >= Duration::from_millis(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{} µs", d.as_micros())
    }
}

fn print_machine(cli: &Path, rss: RssProbe) {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem = status_kib(&meminfo, "MemTotal:").map_or("unknown".into(), |k| {
        format!("{:.1} GiB", k as f64 / (1024.0 * 1024.0))
    });
    let cpus = thread::available_parallelism().map_or(0, |n| n.get());
    println!("- CPUs: {cpus} × {model}; memory: {mem}");
    println!("- downpour-cli: {}", cli.display());
    for program in ["curl", "wget2", "aria2c"] {
        println!("- {program}: {}", version_of(program));
    }
    println!("- peak RSS: {}", rss.describe());
    println!(
        "- CPU per file: user + system time from getrusage around each run, of the tool's \
         process tree (RUSAGE_CHILDREN) and of this process, which is the server \
         (RUSAGE_SELF), divided by the files; the median of the timed runs. For the raw \
         client rows: its threads' own CPU (RUSAGE_THREAD) and the rest of this process"
    );
    println!("- parallel tools use {WORKERS} connections; every run writes into a fresh folder");
}

fn print_table(rows: &[Row]) {
    println!(
        "| scenario | tool | files | median | runs | ideal | × ideal | × best peer \
         | throughput | peak RSS | CPU per file: tool · server |"
    );
    println!("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for row in rows {
        let best_peer = rows
            .iter()
            .filter(|r| r.scenario == row.scenario && r.peer)
            .filter_map(Row::median)
            .min();
        let median = row.median();
        let secs =
            |d: Option<Duration>| d.map_or("—".into(), |d| format!("{:.3} s", d.as_secs_f64()));
        let ratio = |base: Option<Duration>| match (median, base) {
            (Some(m), Some(b)) if !b.is_zero() => {
                format!("{:.2}", m.as_secs_f64() / b.as_secs_f64())
            }
            _ => "—".into(),
        };
        let throughput = median.map_or("—".into(), |m| {
            let s = m.as_secs_f64().max(1e-9);
            if row.scenario == "many-small" {
                format!("{:.0} files/s", row.files as f64 / s)
            } else {
                format!("{:.1} MiB/s", row.bytes as f64 / MIB as f64 / s)
            }
        });
        let ideal = if row.reference {
            "—".into()
        } else {
            match row.ideal {
                Some(d) => format!("{:.3} s ({})", d.as_secs_f64(), row.ideal_note),
                None => "—".into(),
            }
        };
        let runs = if row.errors.is_empty() {
            row.walls.len().to_string()
        } else {
            format!("{} ({} failed)", row.walls.len(), row.errors.len())
        };
        let cpu = row.cpu_per_file().map_or("—".into(), |(tool, server)| {
            format!("{} · {}", micros(tool), micros(server))
        });
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.scenario,
            row.tool,
            row.files,
            secs(median),
            runs,
            ideal,
            if row.reference {
                "—".into()
            } else {
                ratio(row.ideal)
            },
            if row.reference {
                "—".into()
            } else {
                ratio(best_peer)
            },
            throughput,
            row.rss_kib.map_or("—".into(), |k| human_bytes(k * KIB)),
            cpu,
        );
    }
    let failures: Vec<_> = rows
        .iter()
        .flat_map(|r| r.errors.iter().map(move |e| (r, e)))
        .collect();
    if !failures.is_empty() {
        println!("\nFailed runs (not counted in the medians):");
        for (row, e) in failures {
            println!("- {} / {}: {e}", row.scenario, row.tool);
        }
    }
}
