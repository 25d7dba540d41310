//! The reach scenarios of the throughput benchmark (issue 28): https with HTTP/2 against a
//! real nginx whose certificate comes from an authority the bench makes (tests/util/nginx.rs)
//! — many small files, and bulk — Downpour beside curl and wget2 trusting the same authority;
//! and the latency list of the in-process server through a real tinyproxy, Downpour beside
//! curl through the same proxy. Each tool's wall time is the median of its runs, printed as
//! a table of its own (`h2-small`, `h2-bulk`, `proxy` in `DOWNPOUR_BENCH_ONLY`).

#[allow(
    dead_code,
    reason = "the bench uses only part of the tests' proxy helpers"
)]
#[path = "../../tests/util/proxies.rs"]
mod proxies;

#[allow(
    dead_code,
    reason = "the bench uses only part of the tests' nginx helpers"
)]
#[path = "../../tests/util/nginx.rs"]
mod nginx;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::server::TestServer;
use super::{KIB, MIB, RUN_TIMEOUT, Settings, WORKERS, fmt_walls, human_bytes, on_path};

/// A tool's command for a list file and an output folder.
type MakeCommand = Box<dyn Fn(&Path, &Path) -> Command>;

/// One timed tool: its label and its command.
struct Runner {
    label: String,
    command: MakeCommand,
}

/// One scenario's list: the URLs and the files they must leave (name, size).
struct Case {
    key: &'static str,
    urls: Vec<String>,
    files: Vec<(String, u64)>,
}

/// Runs the reach scenarios the settings ask for; prints their table.
pub(super) fn run(settings: &Settings, cli: &Path, server: &TestServer) {
    let keys = ["h2-small", "h2-bulk", "proxy"];
    if !keys.iter().any(|key| settings.wants_scenario(key)) {
        return;
    }
    let mut table = String::new();
    if settings.wants_scenario("h2-small") || settings.wants_scenario("h2-bulk") {
        h2_scenarios(settings, cli, &mut table);
    }
    if settings.wants_scenario("proxy") {
        proxy_scenario(settings, cli, server, &mut table);
    }
    if !table.is_empty() {
        println!("\n## Reach: https with HTTP/2 (nginx) and an HTTP proxy (tinyproxy)\n");
        println!("| scenario | tool | files | median | runs | × best peer | throughput |");
        println!("|---|---|--:|--:|--:|--:|--:|");
        print!("{table}");
    }
}

/// h2-small (2,000 × 4 KiB) and h2-bulk (4 × 64 MiB) from nginx over https with HTTP/2.
fn h2_scenarios(settings: &Settings, cli: &Path, table: &mut String) {
    let Some(nginx) = nginx::Nginx::start(1 << 30) else {
        eprintln!("skipping h2-small and h2-bulk: nginx is not installed");
        return;
    };
    let (small, bulk) = if settings.quick {
        ((400, 4 * KIB), (2, 32 * MIB))
    } else {
        ((2000, 4 * KIB), (4, 64 * MIB))
    };
    for (key, (count, size)) in [("h2-small", small), ("h2-bulk", bulk)] {
        if !settings.wants_scenario(key) {
            continue;
        }
        let files: Vec<(String, u64)> = (1..=count)
            .map(|i| (format!("{key}-{i:04}.bin"), size))
            .collect();
        for (name, size) in &files {
            write_file(&nginx.files().join(name), *size);
        }
        let case = Case {
            key,
            urls: files.iter().map(|(name, _)| nginx.url(name)).collect(),
            files,
        };
        let ca = nginx.ca();
        let runners = h2_runners(cli, &ca);
        run_case(settings, &case, &runners, table);
        for (name, _) in &case.files {
            let _ = std::fs::remove_file(nginx.files().join(name));
        }
    }
}

/// Downpour, curl and wget2 over https, each trusting only `ca`.
fn h2_runners(cli: &Path, ca: &Path) -> Vec<Runner> {
    let workers = WORKERS.to_string();
    let mut runners = Vec::new();
    // With checksums (the default), and without: the like-for-like row (no peer computes one).
    for checksums in [true, false] {
        let (cli, ca_env, w) = (cli.to_owned(), ca.to_owned(), workers.clone());
        let flag = if checksums { "" } else { " --no-checksum" };
        runners.push(Runner {
            label: format!("downpour map -j {WORKERS} --per-host {WORKERS}{flag}"),
            command: Box::new(move |list, out| {
                let mut cmd = Command::new(&cli);
                cmd.env("SSL_CERT_FILE", &ca_env);
                cmd.arg("-i").arg(list).arg("-o").arg(out);
                cmd.args(["-m", "map", "-j", &w, "--per-host", &w]);
                if !checksums {
                    cmd.arg("--no-checksum");
                }
                cmd
            }),
        });
    }
    if on_path("curl") {
        let (ca, w) = (ca.to_owned(), workers.clone());
        runners.push(Runner {
            label: format!("curl --http2 --parallel-max {WORKERS} --cacert CA"),
            command: Box::new(move |list, out| {
                let mut cmd = Command::new("curl");
                cmd.args([
                    "--http2",
                    "--parallel",
                    "--parallel-immediate",
                    "--parallel-max",
                ]);
                cmd.arg(&w).arg("--cacert").arg(&ca);
                cmd.args(["--silent", "--show-error", "--fail", "--remote-name-all"]);
                cmd.arg("--output-dir").arg(out);
                cmd.arg("--config").arg(list.with_extension("cfg"));
                cmd
            }),
        });
    }
    if on_path("wget2") {
        let ca = ca.to_owned();
        runners.push(Runner {
            label: format!("wget2 --http2 --max-threads={WORKERS} --ca-certificate=CA"),
            command: Box::new(move |list, out| {
                let mut cmd = Command::new("wget2");
                cmd.args(["--http2", &format!("--max-threads={workers}")]);
                cmd.arg(format!("--ca-certificate={}", ca.display()));
                cmd.args(["--quiet", "--no-hsts", "--no-robots", "--no-cookies"]);
                cmd.args(["--no-ocsp", "--no-tcp-fastopen"]);
                cmd.arg("-P").arg(out).arg("-i").arg(list);
                cmd
            }),
        });
    }
    runners
}

/// The latency list (64 KiB files, each answered after 200 ms) through tinyproxy.
fn proxy_scenario(settings: &Settings, cli: &Path, server: &TestServer, table: &mut String) {
    let Some(proxy) = proxies::Proxy::http(None) else {
        eprintln!("skipping proxy: tinyproxy is not installed");
        return;
    };
    let count = if settings.quick { 48 } else { 100 };
    let files: Vec<(String, u64)> = (1..=count)
        .map(|i| (format!("proxied-{i:04}.bin"), 64 * KIB))
        .collect();
    let case = Case {
        key: "proxy",
        urls: files
            .iter()
            .map(|(name, size)| server.url(&format!("{name}?size={size}&delay=200")))
            .collect(),
        files,
    };
    let address = format!("http://127.0.0.1:{}", proxy.port());
    let workers = WORKERS.to_string();
    let (cli, via, w) = (cli.to_owned(), address.clone(), workers.clone());
    let mut runners = vec![Runner {
        label: format!("downpour map -j {WORKERS} --per-host {WORKERS} --proxy"),
        command: Box::new(move |list, out| {
            let mut cmd = Command::new(&cli);
            cmd.arg("-i").arg(list).arg("-o").arg(out);
            cmd.args(["-m", "map", "-j", &w, "--per-host", &w, "--proxy", &via]);
            cmd
        }),
    }];
    if on_path("curl") {
        runners.push(Runner {
            label: format!("curl --parallel-max {WORKERS} -x"),
            command: Box::new(move |list, out| {
                let mut cmd = Command::new("curl");
                cmd.args(["--parallel", "--parallel-immediate", "--parallel-max"]);
                cmd.arg(&workers).arg("-x").arg(&address);
                cmd.args(["--silent", "--show-error", "--fail", "--remote-name-all"]);
                cmd.arg("--output-dir").arg(out);
                cmd.arg("--config").arg(list.with_extension("cfg"));
                cmd
            }),
        });
    }
    run_case(settings, &case, &runners, table);
    drop(proxy);
}

/// Times every runner on `case` (after one untimed round unless quick) and adds its rows.
fn run_case(settings: &Settings, case: &Case, runners: &[Runner], table: &mut String) {
    let dir = settings.tmp_root.join(format!("reach-{}", case.key));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the reach bench folder");
    let list = dir.join("urls.txt");
    let mut plain = String::new();
    let mut cfg = String::new();
    for url in &case.urls {
        let _ = writeln!(plain, "{url}");
        let _ = writeln!(cfg, "url = \"{url}\"");
    }
    std::fs::write(&list, plain).expect("write the URL list");
    std::fs::write(list.with_extension("cfg"), cfg).expect("write the curl config");
    let bytes: u64 = case.files.iter().map(|(_, size)| size).sum();
    eprintln!(
        "== {} ({} files, {}) ==",
        case.key,
        case.files.len(),
        human_bytes(bytes)
    );
    // The tools' runs interleaved (each round, every tool once), as the main scenarios do.
    let chosen: Vec<&Runner> = runners
        .iter()
        .filter(|runner| settings.wants_tool(&runner.label))
        .collect();
    let mut results: Vec<(String, Vec<Duration>, Vec<String>)> = chosen
        .iter()
        .map(|runner| (runner.label.clone(), Vec::new(), Vec::new()))
        .collect();
    for round in 0..settings.warmup + settings.runs {
        let timed = round >= settings.warmup;
        for (tool, (runner, (label, walls, errors))) in chosen.iter().zip(&mut results).enumerate()
        {
            let out = dir.join(format!("out-{round}-{tool}"));
            match run_once(runner, &list, &out, case) {
                Ok(wall) if timed => walls.push(wall),
                Ok(_) => {}
                Err(err) if timed => errors.push(err),
                Err(err) => eprintln!("  warm-up of {label} failed: {err}"),
            }
            // Small files stay until the scenario ends (deleting thousands of files made the
            // next run pay, see docs/PERFORMANCE.md); big ones go at once.
            if bytes >= 64 * MIB {
                let _ = std::fs::remove_dir_all(&out);
            }
        }
    }
    for (label, walls, _) in &results {
        eprintln!("  {label}: {}", fmt_walls(walls));
    }
    let median = |walls: &[Duration]| {
        let mut sorted = walls.to_vec();
        sorted.sort();
        sorted.get(sorted.len() / 2).copied()
    };
    let best_peer = results
        .iter()
        .filter(|(label, _, _)| !label.starts_with("downpour"))
        .filter_map(|(_, walls, _)| median(walls))
        .min();
    for (label, walls, errors) in &results {
        let m = median(walls);
        let secs = m.map_or("—".into(), |d| format!("{:.3} s", d.as_secs_f64()));
        let ratio = match (m, best_peer) {
            (Some(m), Some(b)) if !b.is_zero() => {
                format!("{:.2}", m.as_secs_f64() / b.as_secs_f64())
            }
            _ => "—".into(),
        };
        let rate = m.map_or("—".into(), |m| {
            let s = m.as_secs_f64().max(1e-9);
            if case.key == "h2-bulk" {
                format!("{:.1} MiB/s", bytes as f64 / MIB as f64 / s)
            } else {
                format!("{:.0} files/s", case.files.len() as f64 / s)
            }
        });
        let runs = if errors.is_empty() {
            walls.len().to_string()
        } else {
            format!("{} ({} failed: {})", walls.len(), errors.len(), errors[0])
        };
        let _ = writeln!(
            table,
            "| {} | {label} | {} | {secs} | {runs} | {ratio} | {rate} |",
            case.key,
            case.files.len()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = Command::new("sync").status();
}

/// One run of `runner` into the fresh folder `out`: its wall time, or why it failed (exit
/// status, a missing or short file, or the time limit).
fn run_once(runner: &Runner, list: &Path, out: &Path, case: &Case) -> Result<Duration, String> {
    std::fs::create_dir_all(out).map_err(|err| err.to_string())?;
    let mut command = (runner.command)(list, out);
    command.stdout(Stdio::null()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().map_err(|err| err.to_string())?;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|err| err.to_string())? {
            break status;
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err("timed out".into());
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let wall = started.elapsed();
    if !status.success() {
        let mut said = String::new();
        if let Some(mut stderr) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut stderr, &mut said);
        }
        return Err(format!("{status}: {}", said.lines().next().unwrap_or("")));
    }
    for (name, size) in &case.files {
        let path: PathBuf = out.join(name);
        let got = std::fs::metadata(&path).map(|m| m.len()).ok();
        if got != Some(*size) {
            return Err(format!("{name}: {got:?} bytes, expected {size}"));
        }
    }
    Ok(wall)
}

/// A file of `size` bytes of a pattern.
fn write_file(path: &Path, size: u64) {
    let block: Vec<u8> = (0..64 * KIB).map(|i| (i * 31 % 251) as u8).collect();
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        std::io::Write::write_all(&mut file, &block[..n]).expect("write");
        left -= n as u64;
    }
    std::io::Write::flush(&mut file).expect("flush");
}
