//! `downpour-cli`: the headless face of the engine, for scripts and for comparing the three
//! modes from a terminal, the way the tutorial that inspired Downpour prints its results.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;

use downpour::error::describe_io;
use downpour::report::Report;
use downpour::{Event, EventSink, ItemRecord, Job, Mode, Outcome, RunConfig, format, parse_list};

/// How long events gather between two passes of the event loop.
const EVENT_TICK: std::time::Duration = std::time::Duration::from_millis(10);

const USAGE: &str = "\
Usage: downpour-cli [OPTIONS] [URL]...

Downloads every URL (given as arguments or in a list file) into a folder.

Options:
  -i, --input FILE     read the URL list from FILE ('-' = stdin)
  -o, --out DIR        save folder (default: your Downloads folder)
  -m, --mode MODE      sequential | submit | map   (default: submit)
  -j, --workers N      downloads at once, 1..=64 (default 8; sequential uses 1)
  -r, --retries N      retries of a failed download, 0..=20 (default 3)
      --no-checksum    skip the SHA-256 of each file (lines with sha256: are still checked)
      --json FILE      write the run report as JSON
  -h, --help           show this help
  -V, --version        show the version

Exit status: 0 all done, 1 some failed, 2 bad usage or no valid URL.";

struct Options {
    inputs: Vec<String>,
    urls: Vec<String>,
    out: Option<PathBuf>,
    mode: Mode,
    workers: usize,
    retries: u32,
    checksums: bool,
    json: Option<PathBuf>,
}

/// Why the CLI stops before downloading (exit status 2).
enum Failure {
    /// The command line is wrong: worth pointing at `--help`.
    Usage(String),
    /// A file or folder named on it cannot be used.
    Setup(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self::Setup(message)
    }
}

fn main() -> ExitCode {
    downpour::tune_allocator();
    match real_main() {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            eprintln!("downpour-cli: {message}");
            eprintln!("Try 'downpour-cli --help' for more information.");
            ExitCode::from(2)
        }
        Err(Failure::Setup(message)) => {
            eprintln!("downpour-cli: {message}");
            ExitCode::from(2)
        }
    }
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        inputs: Vec::new(),
        urls: Vec::new(),
        out: None,
        mode: Mode::Submit,
        workers: 8,
        retries: 3,
        checksums: true,
        json: None,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("downpour-cli {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "-i" | "--input" => options.inputs.push(value("--input")?),
            "-o" | "--out" => options.out = Some(PathBuf::from(value("--out")?)),
            "-m" | "--mode" => {
                let text = value("--mode")?;
                options.mode = Mode::parse(&text).ok_or_else(|| {
                    format!("unknown mode '{text}': use sequential, submit or map")
                })?;
            }
            "-j" | "--workers" => {
                let text = value("--workers")?;
                options.workers = text
                    .parse()
                    .ok()
                    .filter(|n| (1..=downpour::MAX_WORKERS).contains(n))
                    .ok_or_else(|| {
                        format!("--workers must be a number from 1 to 64, not '{text}'")
                    })?;
            }
            "-r" | "--retries" => {
                let text = value("--retries")?;
                options.retries = text.parse().ok().filter(|n| *n <= 20).ok_or_else(|| {
                    format!("--retries must be a number from 0 to 20, not '{text}'")
                })?;
            }
            "--no-checksum" => options.checksums = false,
            "--json" => options.json = Some(PathBuf::from(value("--json")?)),
            "--" => options.urls.extend(args.by_ref()),
            other if other.starts_with('-') && other.len() > 1 => {
                return Err(format!("unknown option '{other}'"));
            }
            _ => options.urls.push(arg),
        }
    }
    Ok(Some(options))
}

fn read_input(source: &str) -> Result<String, String> {
    let bytes = if source == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|err| {
            format!(
                "cannot read the list from standard input: {}",
                describe_io(&err)
            )
        })?;
        buf
    } else {
        std::fs::read(source)
            .map_err(|err| format!("cannot read the list file {source}: {}", describe_io(&err)))?
    };
    // A list saved in another encoding still yields its ASCII URLs.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn real_main() -> Result<ExitCode, Failure> {
    let Some(options) = parse_args(std::env::args().skip(1)).map_err(Failure::Usage)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let mut text = String::new();
    for input in &options.inputs {
        text.push_str(&read_input(input)?);
        text.push('\n');
    }
    for url in &options.urls {
        text.push_str(url);
        text.push('\n');
    }
    let list = parse_list(&text);
    for bad in &list.rejected {
        eprintln!("line {} skipped: {} ({})", bad.line, bad.reason, bad.text);
    }
    if list.entries.is_empty() {
        return Err(Failure::Usage(
            "no valid URL to download (give URLs as arguments or with --input)".into(),
        ));
    }
    if list
        .entries
        .iter()
        .any(|entry| entry.url.scheme() == "https")
    {
        // Reads the trusted certificates while the folder is checked and the run starts.
        downpour::fetch::prepare_tls();
    }
    let out = options
        .out
        .clone()
        .unwrap_or_else(downpour::run::default_download_dir);
    std::fs::create_dir_all(&out)
        .and_then(|()| downpour::names::probe_writable(&out))
        .map_err(|err| format!("cannot save into {}: {}", out.display(), describe_io(&err)))?;

    let mut config = RunConfig::new(options.mode, options.workers, &out);
    config.retries = options.retries;
    config.checksums = options.checksums;
    let jobs: Vec<Job> = list.entries.iter().map(Job::from).collect();
    let total = jobs.len();
    let (tx, rx) = mpsc::channel();
    let handle = downpour::start_run(jobs, config, EventSink::new(tx));

    let mut bar = ProgressBar::new(total, std::io::stderr().is_terminal());
    let mut records: Vec<ItemRecord> = Vec::with_capacity(total);
    let mut elapsed_ms = 0;
    let mut workers = 1;
    let stdout = std::io::stdout();
    // Block for the first event, then let the rest gather for a tick: one wake-up per tick
    // instead of one per event when items finish by the thousand.
    let mut finished = false;
    // A pass's result lines go out in one write, not one system call per file.
    let mut lines = String::new();
    while !finished {
        let Ok(first) = rx.recv() else { break };
        for event in std::iter::once(first).chain(rx.try_iter()) {
            match event {
                Event::RunStarted { workers: n, .. } => workers = n,
                Event::ItemReported(record) => {
                    item_line(&mut lines, &record);
                    bar.item_done(&record);
                    records.push(record);
                }
                Event::Progress { index, bytes } => bar.progress(index, bytes),
                Event::Retrying {
                    index,
                    attempt,
                    of,
                    reason,
                } => {
                    bar.clear();
                    eprintln!("#{index} {}", format::retrying(attempt, of, reason));
                }
                Event::RunFinished { elapsed_ms: ms } => {
                    elapsed_ms = ms;
                    finished = true;
                }
                Event::ItemStarted { .. } | Event::ItemResponded { .. } => {}
            }
        }
        if !lines.is_empty() {
            bar.clear();
            let _ = stdout.lock().write_all(lines.as_bytes());
            lines.clear();
        }
        bar.draw();
        // Ticks only while more items remain than run at once: the last ones are taken as
        // they come, so the run ends when its last item does, not up to a tick later.
        if !finished && total.saturating_sub(records.len()) > workers {
            std::thread::sleep(EVENT_TICK);
        }
    }
    bar.clear();
    handle.join();
    let retries: u32 = records.iter().map(|r| r.retries).sum();
    if retries > 0 {
        println!("retries: {retries}");
    }
    println!("total time: {}", format::seconds(elapsed_ms));

    if let Some(path) = &options.json {
        let report = Report::new(options.mode, workers, elapsed_ms, &records);
        std::fs::write(path, report.to_json()).map_err(|err| {
            format!(
                "cannot write the report {}: {}",
                path.display(),
                describe_io(&err)
            )
        })?;
    }
    let all_done = records.iter().all(|r| r.outcome == Outcome::Done);
    Ok(if all_done {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Adds `#4 done  photo.png  64.0 KiB  0.21 s  worker 2` or `#5 failed  the server answered
/// 404 …` and a line break to `lines`, formatted in place.
fn item_line(lines: &mut String, record: &ItemRecord) {
    use std::fmt::Write as _;
    let index = record.index;
    // Writing into a String cannot fail.
    let _ = match &record.outcome {
        Outcome::Done => writeln!(
            lines,
            "#{index} done  {}  {}  {:.2} s  worker {}",
            record.file_name(),
            format::bytes(record.bytes),
            record.finished_ms.saturating_sub(record.started_ms) as f64 / 1000.0,
            record.worker
        ),
        Outcome::Failed(err) => writeln!(lines, "#{index} failed  {err}  {}", record.url),
        Outcome::Cancelled => writeln!(lines, "#{index} cancelled  {}", record.url),
    };
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
struct ProgressBar {
    enabled: bool,
    total: usize,
    finished: usize,
    bytes_done: u64,
    in_flight: std::collections::HashMap<usize, u64>,
    started: std::time::Instant,
    last_draw: Option<std::time::Instant>,
    drawn: bool,
}

impl ProgressBar {
    fn new(total: usize, enabled: bool) -> Self {
        Self {
            enabled,
            total,
            finished: 0,
            bytes_done: 0,
            in_flight: Default::default(),
            started: std::time::Instant::now(),
            last_draw: None,
            drawn: false,
        }
    }

    fn progress(&mut self, index: usize, bytes: u64) {
        self.in_flight.insert(index, bytes);
    }

    fn item_done(&mut self, record: &ItemRecord) {
        self.in_flight.remove(&record.index);
        self.finished += 1;
        self.bytes_done += record.bytes;
    }

    fn draw(&mut self) {
        if !self.enabled
            || self
                .last_draw
                .is_some_and(|t| t.elapsed().as_millis() < 100)
        {
            return;
        }
        self.last_draw = Some(std::time::Instant::now());
        let bytes = self.bytes_done + self.in_flight.values().sum::<u64>();
        let width = 30;
        let filled = (self.finished * width).checked_div(self.total).unwrap_or(0);
        let speed = bytes as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        eprint!(
            "\r[{}{}] {}/{} files  {}  {}   ",
            "#".repeat(filled),
            ".".repeat(width - filled),
            self.finished,
            self.total,
            format::bytes(bytes),
            format::speed(speed)
        );
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            eprint!("\r{}\r", " ".repeat(79));
            self.drawn = false;
            self.last_draw = None;
        }
    }
}
