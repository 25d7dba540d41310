//! The split budgets and the polite server (issue 26), apart from the main table because each
//! row has its own number of connections: files behind a 2 MiB/s-per-connection cap fetched
//! by Downpour and by aria2c with the same connections (as near as aria2c's per-file splits
//! allow), beside the ideal of all those connections busy to the end; and a server that
//! answers 503 above two requests in flight, where what counts is that every file arrives,
//! how close the run comes to two connections' ideal, and how many requests were refused.
//!
//! Keys for `DOWNPOUR_BENCH_ONLY`: split-3x16-15, split-3x16-16, split-3x16-48, split-8x8-12,
//! polite.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::server::{TestServer, body_for};
use super::{CAP, MIB, RUN_TIMEOUT, Settings, on_path};

/// Files split over a budget of connections.
struct Budget {
    key: &'static str,
    files: usize,
    size: u64,
    connections: usize,
}

const BUDGETS: [Budget; 4] = [
    Budget {
        key: "split-3x16-15",
        files: 3,
        size: 16 * MIB,
        connections: 15,
    },
    Budget {
        key: "split-3x16-16",
        files: 3,
        size: 16 * MIB,
        connections: 16,
    },
    Budget {
        key: "split-3x16-48",
        files: 3,
        size: 16 * MIB,
        connections: 48,
    },
    Budget {
        key: "split-8x8-12",
        files: 8,
        size: 8 * MIB,
        connections: 12,
    },
];

/// The polite server: files, size, per-connection rate, and the requests it takes at once.
const POLITE: (usize, u64, u64, usize) = (40, MIB, 8 * MIB, 2);

/// One timed run: its wall time, or why it failed.
type Timed = Result<Duration, String>;

/// Makes a tool's command for an output folder and a list of links.
type Make<'a> = Box<dyn Fn(&Path, &Path) -> Command + 'a>;

/// Runs the wanted scenarios of this file and prints their tables.
pub(crate) fn run(cli: &Path, settings: &Settings) {
    let wanted: Vec<&Budget> = BUDGETS
        .iter()
        .filter(|b| settings.wants_scenario(b.key))
        .collect();
    let polite = settings.wants_scenario("polite");
    if wanted.is_empty() && !polite {
        return;
    }
    let root = settings.tmp_root.join("budgets");
    let server = TestServer::start();
    let aria2c = on_path("aria2c");
    if !wanted.is_empty() {
        let mut table = String::from(
            "\n## Split budgets (2 MiB/s per connection)\n\n\
             | scenario | tool | connections | runs | median | ideal | × ideal | × aria2c |\n\
             |---|---|---:|---|---:|---:|---:|---:|\n",
        );
        for budget in wanted {
            eprintln!("== {} ==", budget.key);
            budget_rows(
                budget,
                cli,
                &server,
                &root,
                settings.runs,
                aria2c,
                &mut table,
            );
        }
        println!("{table}");
    }
    if polite {
        eprintln!("== polite ==");
        println!(
            "{}",
            polite_rows(cli, &server, &root, settings.runs, aria2c)
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

fn budget_rows(
    budget: &Budget,
    cli: &Path,
    server: &TestServer,
    root: &Path,
    runs: usize,
    aria2c: bool,
    table: &mut String,
) {
    let names: Vec<String> = (1..=budget.files)
        .map(|i| format!("{}-{i}.bin", budget.key))
        .collect();
    let urls: Vec<String> = names
        .iter()
        .map(|name| server.url(&format!("{name}?size={}&rate={CAP}", budget.size)))
        .collect();
    let total = budget.size * budget.files as u64;
    let ideal = Duration::from_secs_f64(total as f64 / (budget.connections as u64 * CAP) as f64);
    let c = budget.connections.to_string();
    let split = budget.connections.min(16).to_string();
    let downpour = |out: &Path, list: &Path| {
        let mut cmd = Command::new(cli);
        cmd.args([
            "-m",
            "submit",
            "-j",
            &c,
            "--split",
            &split,
            "--per-host",
            &c,
        ]);
        cmd.arg("-i").arg(list).arg("-o").arg(out);
        cmd
    };
    let check = |out: &Path| exact(out, &names, budget.size as usize);
    let ours = timed_runs(root, &urls, runs, downpour, check);
    let per_file = (budget.connections / budget.files).clamp(1, 16);
    let theirs = aria2c.then(|| {
        let per = per_file.to_string();
        let peer = |out: &Path, list: &Path| {
            let mut cmd = Command::new("aria2c");
            cmd.args(["-j", &budget.files.to_string(), "-x", &per, "-s", &per]);
            cmd.args(["-k", "1M", "--quiet", "--file-allocation=none"]);
            cmd.args(["--summary-interval=0", "--allow-overwrite=true"]);
            cmd.arg("-d").arg(out).arg("-i").arg(list);
            cmd
        };
        timed_runs(root, &urls, runs, peer, check)
    });
    let peer_median = theirs.as_ref().and_then(|t| median(t));
    let label = format!("downpour -j {c} --split {split} --per-host {c}");
    row(
        table,
        budget.key,
        &label,
        budget.connections,
        &ours,
        ideal,
        peer_median,
    );
    if let Some(theirs) = &theirs {
        let label = format!("aria2c -j{} -x{per_file} -s{per_file} -k1M", budget.files);
        let connections = per_file * budget.files;
        row(table, budget.key, &label, connections, theirs, ideal, None);
    }
}

fn row(
    table: &mut String,
    key: &str,
    label: &str,
    connections: usize,
    walls: &[Timed],
    ideal: Duration,
    peer: Option<Duration>,
) {
    let shown: Vec<String> = walls
        .iter()
        .map(|w| match w {
            Ok(d) => format!("{:.2}s", d.as_secs_f64()),
            Err(why) => format!("FAILED ({why})"),
        })
        .collect();
    let (median_cell, times_ideal, times_peer) = match median(walls) {
        Some(m) => (
            format!("{:.2} s", m.as_secs_f64()),
            format!("{:.2}", m.as_secs_f64() / ideal.as_secs_f64()),
            peer.map_or("–".into(), |p| {
                format!("{:.2}", m.as_secs_f64() / p.as_secs_f64())
            }),
        ),
        None => ("failed".into(), "–".into(), "–".into()),
    };
    let _ = writeln!(
        table,
        "| {key} | {label} | {connections} | {} | {median_cell} | {:.2} s | {times_ideal} | {times_peer} |",
        shown.join(" "),
        ideal.as_secs_f64()
    );
}

fn polite_rows(cli: &Path, server: &TestServer, root: &Path, runs: usize, aria2c: bool) -> String {
    let (count, size, rate, allowed) = POLITE;
    let names: Vec<String> = (1..=count).map(|n| format!("polite-{n:02}.bin")).collect();
    let urls: Vec<String> = names
        .iter()
        .map(|name| server.url(&format!("{name}?size={size}&rate={rate}&hostmax={allowed}")))
        .collect();
    let ideal =
        Duration::from_secs_f64((count as u64 * size) as f64 / (allowed as u64 * rate) as f64);
    let mut table = format!(
        "\n## Polite server ({count} × {} MiB, 503 with Retry-After: 1 above {allowed} requests \
         in flight, {} MiB/s per connection)\n\n\
         | tool | run | files exact | wall | × ideal of {allowed} connections ({:.2} s) | refused requests |\n\
         |---|---|---:|---:|---:|---:|\n",
        size / MIB,
        rate / MIB,
        ideal.as_secs_f64()
    );
    let mut tools: Vec<(String, Make<'_>)> = vec![(
        "downpour -j 16 (per-host 8)".into(),
        Box::new(move |out: &Path, list: &Path| {
            let mut cmd = Command::new(cli);
            cmd.args(["-m", "submit", "-j", "16"]);
            cmd.arg("-i").arg(list).arg("-o").arg(out);
            cmd
        }),
    )];
    if aria2c {
        tools.push((
            "aria2c -j 16 --retry-wait=1".into(),
            Box::new(|out: &Path, list: &Path| {
                let mut cmd = Command::new("aria2c");
                cmd.args(["-j", "16", "--retry-wait=1", "--quiet"]);
                cmd.args(["--file-allocation=none", "--summary-interval=0"]);
                cmd.args(["--allow-overwrite=true"]);
                cmd.arg("-d").arg(out).arg("-i").arg(list);
                cmd
            }),
        ));
    }
    for (label, command) in &tools {
        for run in 1..=runs {
            let before = server.refused();
            let (wall, out) = once(root, &urls, command);
            let refused = server.refused() - before;
            let exact = names
                .iter()
                .filter(|name| {
                    std::fs::read(out.join(name))
                        .is_ok_and(|got| got == body_for(name, size as usize))
                })
                .count();
            let (wall_cell, ratio) = match &wall {
                Ok(d) | Err((d, _)) => (
                    format!("{:.2} s", d.as_secs_f64()),
                    format!("{:.2}", d.as_secs_f64() / ideal.as_secs_f64()),
                ),
            };
            let status = wall
                .as_ref()
                .err()
                .map(|(_, why)| format!(" ({why})"))
                .unwrap_or_default();
            let _ = writeln!(
                table,
                "| {label} | {run} | {exact}/{count}{status} | {wall_cell} | {ratio} | {refused} |"
            );
            let _ = std::fs::remove_dir_all(&out);
        }
    }
    table
}

/// Runs `command` `runs` times on `urls`, each into a new folder that `check` then judges.
fn timed_runs(
    root: &Path,
    urls: &[String],
    runs: usize,
    command: impl Fn(&Path, &Path) -> Command,
    check: impl Fn(&Path) -> Result<(), String>,
) -> Vec<Timed> {
    (0..runs)
        .map(|_| {
            let (wall, out) = once(root, urls, &command);
            let judged = match wall {
                Ok(d) => check(&out).map(|()| d),
                Err((_, why)) => Err(why),
            };
            let _ = std::fs::remove_dir_all(&out);
            judged
        })
        .collect()
}

/// One run of `command` on `urls` into a new folder: the wall time (with why it failed, if it
/// did) and the folder.
fn once(
    root: &Path,
    urls: &[String],
    command: &dyn Fn(&Path, &Path) -> Command,
) -> (Result<Duration, (Duration, String)>, PathBuf) {
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let work = root.join(format!("run-{n}"));
    let out = work.join("out");
    std::fs::create_dir_all(&out).expect("create the output folder");
    let list = work.join("list.txt");
    std::fs::write(&list, urls.join("\n") + "\n").expect("write the list");
    let mut cmd = command(&out, &list);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let t0 = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(err) => return (Err((Duration::ZERO, format!("not started: {err}"))), out),
    };
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if t0.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(2));
    };
    let wall = t0.elapsed();
    let _ = std::fs::remove_file(&list);
    match status {
        Some(s) if s.success() => (Ok(wall), out),
        Some(s) => (Err((wall, format!("exit {s}"))), out),
        None => (Err((wall, "timed out".into())), out),
    }
}

/// Whether `out` holds exactly the files `names`, each `size` bytes of its own pattern.
fn exact(out: &Path, names: &[String], size: usize) -> Result<(), String> {
    for name in names {
        let got = std::fs::read(out.join(name)).map_err(|e| format!("{name}: {e}"))?;
        if got != body_for(name, size) {
            return Err(format!("{name}: other bytes"));
        }
    }
    let files = std::fs::read_dir(out).map_or(0, Iterator::count);
    if files != names.len() {
        return Err(format!("{files} files, {} expected", names.len()));
    }
    Ok(())
}

/// The median of the runs that succeeded; `None` if one failed.
fn median(walls: &[Timed]) -> Option<Duration> {
    let mut ok: Vec<Duration> = walls
        .iter()
        .map(|w| w.as_ref().ok().copied())
        .collect::<Option<_>>()?;
    ok.sort();
    ok.get(ok.len() / 2).copied()
}
