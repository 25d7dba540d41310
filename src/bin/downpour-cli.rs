//! `downpour-cli`: the headless face of the engine, for scripts and for comparing the three
//! modes from a terminal, the way the tutorial that inspired Downpour prints its results.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

use clap::{CommandFactory, Parser};
use downpour::error::describe_io;
use downpour::options::{RunArgs, RunSettings};
use downpour::report::Report;
use downpour::urls::parse_list_with;
use downpour::{Event, EventSink, ItemRecord, Job, Outcome, ParsedList, format};

#[path = "downpour-cli/check.rs"]
mod check;

/// How long events gather between two passes of the event loop.
const EVENT_TICK: std::time::Duration = std::time::Duration::from_millis(10);

/// Downloads every URL (given as arguments or in a list file) into a folder, printing one
/// line per file in the order the mode reports them, then the total time.
#[derive(Debug, Parser)]
#[command(
    name = "downpour-cli",
    version,
    after_help = "Exit status: 0 all done, 1 some failed, 2 bad usage, no valid URL, or a list \
                  file, save folder or report file that cannot be used (the message says \
                  which), 130 cancelled with Ctrl+C."
)]
struct Cli {
    /// Links to download
    #[arg(value_name = "URL")]
    urls: Vec<String>,
    /// Read the links from FILE ('-' = standard input); may be given more than once
    #[arg(short, long, value_name = "FILE")]
    input: Vec<String>,
    /// Download the files linked on the web page at URL (see --accept); may be given more
    /// than once
    #[arg(long = "page", value_name = "URL")]
    pages: Vec<String>,
    /// Of a page's links, take only those matching PATTERNS: comma-separated wildcards
    /// ('*.pdf,report-*'), type names (archives, documents, images, audio, video, software) or
    /// a /regular expression/
    #[arg(long, value_name = "PATTERNS")]
    accept: Option<String>,
    /// Of a page's links, leave out those matching PATTERNS (as --accept)
    #[arg(long, value_name = "PATTERNS")]
    reject: Option<String>,
    /// Of a page's links, take only those on the page's own site
    #[arg(long)]
    same_site: bool,
    /// Print the chosen links of each --page, one a line, and download nothing
    #[arg(long, requires = "pages")]
    list_only: bool,
    /// Ask every link what it is (name, size, whether it is there) and print what a run would
    /// do with it, downloading nothing; exit status 1 when a link would fail or the files
    /// would not fit
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    run: RunArgs,
    /// Write the run report as JSON
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Print the shell completions for SHELL and exit
    #[arg(long, value_name = "SHELL")]
    completions: Option<clap_complete::Shell>,
}

/// How the program ends: its exit status, as the help's last lines describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    /// Every file was downloaded (or was already there).
    AllDone = 0,
    /// Some files failed or were cancelled.
    SomeFailed = 1,
    /// Bad usage, no valid link, or a list, folder or report file that cannot be used.
    Usage = 2,
    /// Ctrl+C, SIGTERM or SIGHUP ended the run.
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

fn main() -> ExitCode {
    downpour::tune_allocator();
    let cli = Cli::parse();
    if let Some(shell) = cli.completions {
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "downpour-cli",
            &mut std::io::stdout(),
        );
        return Exit::AllDone.into();
    }
    if let Some(dir) = downpour::options::default_state_dir()
        && downpour::resume::create_private_dir(&dir).is_ok()
    {
        downpour::diag::log_to(&dir);
    }
    match run(&cli) {
        Ok(exit) => exit.into(),
        Err(message) => {
            eprintln!("downpour-cli: {message}");
            Exit::Usage.into()
        }
    }
}

/// Asks for the password of `user` on the terminal; `None` without one.
fn ask_password(user: &str) -> Option<downpour::redact::Secret> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    eprint!("Password for {user}: ");
    let mut line = String::new();
    without_echo(|| std::io::stdin().read_line(&mut line)).ok()?;
    eprintln!();
    Some(downpour::redact::Secret::new(
        line.trim_end_matches(['\r', '\n']),
    ))
}

/// Runs `read` with the terminal not showing what is typed.
#[cfg(target_os = "linux")]
fn without_echo<T>(read: impl FnOnce() -> T) -> T {
    use std::os::fd::AsRawFd;
    let fd = std::io::stdin().as_raw_fd();
    let mut saved = std::mem::MaybeUninit::<libc::termios>::uninit();
    // SAFETY: tcgetattr fills the termios it is given when it returns 0.
    if unsafe { libc::tcgetattr(fd, saved.as_mut_ptr()) } != 0 {
        return read();
    }
    // SAFETY: initialised by the successful tcgetattr above.
    let saved = unsafe { saved.assume_init() };
    let mut quiet = saved;
    quiet.c_lflag &= !libc::ECHO;
    // SAFETY: both termios values are initialised; fd is standard input.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
    let result = read();
    // SAFETY: as above, restoring what was there.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    result
}

/// Runs `read` (the terminal may show what is typed).
#[cfg(not(target_os = "linux"))]
fn without_echo<T>(read: impl FnOnce() -> T) -> T {
    read()
}

/// The links of every `--input` and of the arguments, as one text. A list that cannot be used
/// (unreadable, too large, not text) is one sentence naming it.
fn read_links(cli: &Cli) -> Result<String, String> {
    let mut text = String::new();
    for source in &cli.input {
        let list = if source == "-" {
            downpour::read_list(std::io::stdin().lock(), "standard input")
        } else {
            downpour::read_list_file(std::path::Path::new(source))
        };
        text.push_str(&list.map_err(|err| err.to_string())?);
        text.push('\n');
    }
    for url in &cli.urls {
        text.push_str(url);
        text.push('\n');
    }
    Ok(text)
}

fn run(cli: &Cli) -> Result<Exit, String> {
    let mut settings = cli.run.settings.clone();
    if let Some(login) = &mut settings.user
        && login.password.is_none()
    {
        login.password = Some(ask_password(&login.user).ok_or_else(|| {
            "give the password as --user NAME:PASSWORD (no terminal to ask it on)".to_owned()
        })?);
    }
    let from_pages = page_links(cli, &settings)?;
    if cli.list_only {
        let mut out = String::new();
        for url in &from_pages.links {
            out.push_str(url.as_str());
            out.push('\n');
        }
        let _ = std::io::stdout().lock().write_all(out.as_bytes());
        return Ok(Exit::AllDone);
    }
    let list = links(cli, from_pages.links)?;
    let page_of = from_pages.page_of;
    if list
        .entries
        .iter()
        .any(|entry| entry.url.scheme() == "https")
    {
        // Reads the trusted certificates while the folder is checked and the run starts.
        downpour::net::prepare_tls();
    }
    let out = if cli.check {
        // The check writes nothing, not even a folder: a missing one is measured on its
        // parent's disk.
        cli.run
            .out
            .clone()
            .unwrap_or_else(downpour::options::default_download_dir)
    } else {
        save_folder(cli)?
    };
    let mut config = settings.config(out);
    // A cookies file or .netrc that cannot be used stops here, before any request.
    config.access.load().map_err(|err| err.to_string())?;
    let jobs = jobs_of(&list, &page_of);
    if cli.check {
        let fails = check::print_check(&jobs, &config)?;
        return Ok(if fails {
            Exit::SomeFailed
        } else {
            Exit::AllDone
        });
    }
    let (tx, rx) = mpsc::channel();
    let total = jobs.len();
    let handle = downpour::start_run(jobs, config, EventSink::new(tx));
    let interrupted = cancel_on_ctrl_c(&handle);
    let finished = follow(&rx, total);
    handle.join();
    let retries: u32 = finished.records.iter().map(|r| r.retries).sum();
    if retries > 0 {
        println!("retries: {retries}");
    }
    for (host, connections) in &finished.limits {
        println!("{host}: {}", format::server_allows(*connections));
    }
    println!("total time: {}", format::seconds(finished.elapsed_ms));
    if let Some(path) = &cli.json {
        write_report(path, cli, &finished)?;
    }
    let all_done = finished
        .records
        .iter()
        .all(|r| r.outcome.kind().is_success());
    Ok(if interrupted.load(Ordering::SeqCst) {
        Exit::Interrupted
    } else if all_done {
        Exit::AllDone
    } else {
        Exit::SomeFailed
    })
}

/// The chosen links of every `--page`, each once, in page order; what each page gave (or why
/// it could not be read) is said on stderr. Unusable patterns, or pages none of which could
/// be read, are an error before anything is downloaded.
fn page_links(cli: &Cli, settings: &RunSettings) -> Result<FromPages, String> {
    use downpour::page::{LinkFilter, Rules, fetch_page};
    if cli.pages.is_empty() {
        return Ok(FromPages::default());
    }
    let rules = |text: &Option<String>| {
        Rules::parse(text.as_deref().unwrap_or("")).map_err(|err| err.to_string())
    };
    let filter = LinkFilter {
        rules: rules(&cli.accept)?,
        same_site: cli.same_site,
        ..LinkFilter::default()
    };
    let reject = rules(&cli.reject)?;
    let config = settings.config(PathBuf::new());
    let (mut seen, mut chosen) = (std::collections::HashSet::new(), Vec::new());
    let (mut page_of, mut read) = (HashMap::new(), 0);
    for text in &cli.pages {
        let Some(page) = downpour::urls::parse_list_with(text, false)
            .entries
            .first()
            .map(|entry| entry.url.clone())
        else {
            eprintln!("page {text}: not a web address");
            continue;
        };
        let shown = downpour::redact::url(&page);
        let found = match fetch_page(&page, &config) {
            Ok(found) => found,
            Err(err) => {
                eprintln!("page {shown}: {err}");
                continue;
            }
        };
        read += 1;
        for note in &found.notes {
            eprintln!("page {shown}: {note}");
        }
        let before = chosen.len();
        for link in &found.links {
            if filter.chooses(&found.page, link)
                && !reject.matches(link)
                && seen.insert(link.url.clone())
            {
                chosen.push(link.url.clone());
                // A page read from a saved file has no address to send.
                if matches!(found.page.scheme(), "http" | "https") {
                    page_of.insert(link.url.to_string(), found.page.clone());
                }
            }
        }
        eprintln!(
            "page {shown}: {} of {} chosen",
            chosen.len() - before,
            count(found.links.len(), "link", "links")
        );
    }
    if read == 0 {
        return Err("no page could be read, so nothing was downloaded".to_owned());
    }
    Ok(FromPages {
        links: chosen,
        page_of,
    })
}

/// The items of `list`: the links of a page carry it as their Referer, as a browser's would,
/// each its own page (`page_of`, by address).
fn jobs_of(list: &ParsedList, page_of: &HashMap<String, url::Url>) -> Vec<Job> {
    list.entries
        .iter()
        .map(|entry| Job {
            referer: page_of.get(entry.url.as_str()).cloned(),
            ..Job::from(entry)
        })
        .collect()
}

/// The links chosen on the `--page` pages, and the page of each.
#[derive(Default)]
struct FromPages {
    links: Vec<url::Url>,
    /// The page each link was chosen on, by its address: its Referer.
    page_of: HashMap<String, url::Url>,
}

/// The links to download (those of the text, then `from_pages`), with every line that was
/// not one explained on stderr; no link at all is a usage error.
fn links(cli: &Cli, from_pages: Vec<url::Url>) -> Result<ParsedList, String> {
    let mut list = parse_list_with(&read_links(cli)?, cli.run.settings.ranges);
    for url in from_pages {
        list.entries.push(downpour::UrlEntry {
            index: list.entries.len() + 1,
            line: 0,
            url,
            sha256: None,
        });
    }
    for bad in &list.rejected {
        eprintln!("line {} skipped: {} ({})", bad.line, bad.reason, bad.text);
    }
    if list.from_text > 0 {
        eprintln!(
            "{} taken from inside text",
            count(list.from_text, "link", "links")
        );
    }
    if list.ignored > 0 {
        eprintln!(
            "{} without a link passed over as prose or markup",
            count(list.ignored, "line", "lines")
        );
    }
    for ranged in &list.ranged {
        eprintln!("line {}: {ranged}", ranged.line);
    }
    if list.duplicates > 0 {
        eprintln!(
            "{} the same link as an earlier one (each is downloaded again under another name)",
            count(list.duplicates, "link is", "links are")
        );
    }
    if list.left_out > 0 {
        eprintln!(
            "only the first {} links are taken; {} left out",
            list.entries.len(),
            count(list.left_out, "more was", "more were")
        );
    }
    if list.entries.is_empty() {
        Cli::command()
            .error(
                clap::error::ErrorKind::InvalidValue,
                "no valid URL to download (give URLs as arguments, with --input or --page)",
            )
            .exit();
    }
    Ok(list)
}

/// The save folder, created if missing and checked to be writable before anything starts.
fn save_folder(cli: &Cli) -> Result<PathBuf, String> {
    let out = cli
        .run
        .out
        .clone()
        .unwrap_or_else(downpour::options::default_download_dir);
    std::fs::create_dir_all(&out)
        .and_then(|()| downpour::safe_fs::probe_writable(&out))
        .map_err(|err| format!("cannot save into {}: {}", out.display(), describe_io(&err)))?;
    Ok(out)
}

/// Writes the run report as JSON to `path`, replacing the file named whole — a link there is
/// replaced, never written through.
fn write_report(path: &Path, cli: &Cli, finished: &Finished) -> Result<(), String> {
    let report = Report::new(
        cli.run.settings.mode,
        finished.workers,
        finished.elapsed_ms,
        &finished.records,
    );
    downpour::safe_fs::write_atomically(path, report.to_json().as_bytes(), false).map_err(|err| {
        format!(
            "cannot write the report {}: {}",
            path.display(),
            describe_io(&err)
        )
    })
}

/// Makes the first Ctrl+C — or SIGTERM or SIGHUP (a service stopped, a terminal closed) —
/// cancel the run as the window's Cancel does — unfinished files are
/// kept to be continued, and the summary and report are still written — and a second one
/// quit at once. The flag says whether it was pressed.
fn cancel_on_ctrl_c(handle: &downpour::RunHandle) -> Arc<AtomicBool> {
    let interrupted = Arc::new(AtomicBool::new(false));
    let (flag, canceller) = (Arc::clone(&interrupted), handle.canceller());
    let installed = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\ncancelling — unfinished files are kept; press Ctrl+C again to quit at once");
        canceller.cancel();
    });
    if let Err(err) = installed {
        eprintln!("downpour-cli: Ctrl+C will quit at once ({err})");
    }
    interrupted
}

/// What a run reported, in reported order.
struct Finished {
    records: Vec<ItemRecord>,
    elapsed_ms: u64,
    workers: usize,
    /// The servers that refused connections, and how many each was found to allow.
    limits: std::collections::BTreeMap<String, usize>,
}

/// Prints each result line as the run reports it, with a progress bar on a terminal, until
/// the run finishes.
fn follow(rx: &mpsc::Receiver<Event>, total: usize) -> Finished {
    let mut bar = ProgressBar::new(total, std::io::stderr().is_terminal());
    let mut run = Finished {
        records: Vec::with_capacity(total),
        elapsed_ms: 0,
        workers: 1,
        limits: std::collections::BTreeMap::new(),
    };
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
                Event::RunStarted { workers, .. } => run.workers = workers,
                Event::ItemReported(record) => {
                    item_line(&mut lines, &record);
                    if let Some(warning) = &record.warning {
                        bar.clear();
                        eprintln!("#{} warning: {warning}", record.index);
                    }
                    bar.item_done(&record);
                    run.records.push(record);
                }
                Event::Progress { index, bytes } => bar.progress(index, bytes),
                Event::Retrying {
                    index,
                    attempt,
                    of,
                    reason,
                    ..
                } => {
                    bar.clear();
                    eprintln!("#{index} {}", format::retrying(attempt, of, reason));
                }
                Event::ServerLimit {
                    host, connections, ..
                } => {
                    run.limits.insert(host, connections);
                }
                Event::RunFinished { elapsed_ms } => {
                    run.elapsed_ms = elapsed_ms;
                    finished = true;
                }
                Event::ItemStarted { .. }
                | Event::ItemResponded { .. }
                | Event::ItemPaused { .. }
                | Event::ItemHeld { .. }
                | Event::ItemResumed { .. }
                | Event::Connections { .. }
                | Event::LoginWanted(_) => {}
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
        if !finished && total.saturating_sub(run.records.len()) > run.workers {
            std::thread::sleep(EVENT_TICK);
        }
    }
    bar.clear();
    run
}

/// `1 link`, `3 links`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
        Outcome::Skipped => writeln!(
            lines,
            "#{index} skipped  already there  {}",
            record.file_name()
        ),
        Outcome::Cancelled(None) => writeln!(lines, "#{index} cancelled  {}", record.url),
        Outcome::Cancelled(Some(why)) => {
            writeln!(lines, "#{index} cancelled: {why}  {}", record.url)
        }
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
