//! `downpour-cli --check`: the check of the whole list before a run, printed as a table — one
//! row per link with its name, size and what the run would do — and the total against the
//! free space of the save folder's disk. Nothing is downloaded.

use downpour::check::{CheckReport, FreeSpace, LinkCheck, check_links};
use downpour::{Job, RunConfig, format};

/// Checks `jobs` with `config` and prints the table; `true` when a link will fail or the
/// files will not fit.
pub fn print_check(jobs: &[Job], config: &RunConfig) -> Result<bool, String> {
    let report = check_links(jobs, config, FreeSpace::OfFolder, &mut |_, _| {})
        .map_err(|err| err.to_string())?;
    let mut out = String::new();
    out.push_str(&format!(
        "{:>4}  {:<40}  {:>10}  {:<24}  {:<6}  what the run will do\n",
        "#", "name", "size", "type", "resume"
    ));
    for (job, link) in jobs.iter().zip(&report.links) {
        out.push_str(&row(job, link));
    }
    out.push_str(&summary(&report));
    println!("{}", out.trim_end());
    Ok(report.will_fail())
}

/// One link's row.
fn row(job: &Job, link: &LinkCheck) -> String {
    let name = link
        .name
        .clone()
        .unwrap_or_else(|| downpour::redact::url(&job.url));
    let name: String = if name.chars().count() > 40 {
        let tail: String = name
            .chars()
            .rev()
            .take(39)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("…{tail}")
    } else {
        name
    };
    let size = link.size.map(format::bytes).unwrap_or_default();
    let verdict = match &link.verdict {
        None => "ok".to_owned(),
        Some(finding) => finding.to_string(),
    };
    // The type without its parameters (`text/html; charset=utf-8` is `text/html`).
    let kind: String = link
        .kind
        .as_deref()
        .and_then(|kind| kind.split(';').next())
        .unwrap_or_default()
        .trim()
        .chars()
        .take(24)
        .collect();
    let resume = if link.resumable { "yes" } else { "no" };
    format!(
        "{:>4}  {name:<40}  {size:>10}  {kind:<24}  {resume:<6}  {verdict}\n",
        link.index
    )
}

/// The line under the table: the total against the free space, and a sentence when it will
/// not fit.
fn summary(report: &CheckReport) -> String {
    let space = &report.space;
    let mut line = format!("total {}", format::bytes(space.total));
    if space.unknown > 0 {
        line.push_str(&format!(" (and {} of unknown size)", space.unknown));
    }
    match space.free {
        Some(free) => line.push_str(&format!(
            ", {} free on the save folder's disk",
            format::bytes(free)
        )),
        None => line.push_str(", free space of the save folder's disk unknown"),
    }
    line.push('\n');
    if let Some(problem) = space.problem() {
        line.push_str(&problem.to_string());
        line.push('\n');
    }
    line
}
