//! The run report — mode, workers, total time and one row per item — as written by
//! `downpour-cli --json` and the window's Export, in JSON or CSV.

use serde::Serialize;

use crate::model::{ItemRecord, Mode, Piece, Protocol};

/// One item's row of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemReport {
    /// 1-based index among the list's valid URLs.
    pub index: usize,
    /// The address.
    pub url: String,
    /// Where the file was saved (null if it never got a name).
    pub path: Option<String>,
    /// Bytes written.
    pub bytes: u64,
    /// The worker that ran it (0: never started).
    pub worker: usize,
    /// Milliseconds since the run began.
    pub started_ms: u64,
    /// When the answer arrived.
    pub first_byte_ms: Option<u64>,
    /// When the download ended.
    pub finished_ms: u64,
    /// When it was reported.
    pub reported_ms: u64,
    /// `done`, `failed` or `cancelled`.
    pub status: &'static str,
    /// The error sentence, or null.
    pub error: Option<String>,
    /// How many times it was retried.
    pub retries: u32,
    /// The SHA-256 of the saved file, or null.
    pub sha256: Option<String>,
    /// For a file fetched over several connections: which worker fetched which bytes when.
    pub pieces: Vec<Piece>,
    /// What is odd about the file (a web page where a file was expected), or null.
    pub warning: Option<String>,
    /// The HTTP version the file's first answer came over (`HTTP/2`, `HTTP/1.1`), or null
    /// if the server never answered. The pieces of a split file are always HTTP/1.1.
    pub protocol: Option<&'static str>,
}

impl From<&ItemRecord> for ItemReport {
    fn from(record: &ItemRecord) -> Self {
        Self {
            index: record.index,
            url: record.url.clone(),
            path: record.path.as_ref().map(|p| p.display().to_string()),
            bytes: record.bytes,
            worker: record.worker,
            started_ms: record.started_ms,
            first_byte_ms: record.first_byte_ms,
            finished_ms: record.finished_ms,
            reported_ms: record.reported_ms,
            status: record.outcome.kind().as_str(),
            error: record.outcome.error().map(ToString::to_string),
            retries: record.retries,
            sha256: record.sha256.clone(),
            pieces: record.pieces.clone(),
            warning: record.warning.as_ref().map(ToString::to_string),
            protocol: record.protocol.map(Protocol::as_str),
        }
    }
}

/// A whole run's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// `sequential`, `submit` or `map`.
    pub mode: Mode,
    /// Worker threads used.
    pub workers: usize,
    /// Total time in milliseconds.
    pub elapsed_ms: u64,
    /// The items in the order they were reported.
    pub items: Vec<ItemReport>,
}

impl Report {
    /// Builds the report of a run from its records, in reported order.
    pub fn new(mode: Mode, workers: usize, elapsed_ms: u64, records: &[ItemRecord]) -> Self {
        Self {
            mode,
            workers,
            elapsed_ms,
            items: records.iter().map(ItemReport::from).collect(),
        }
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// The report as CSV: a header, then one row per item with the run's settings repeated.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "mode,workers,elapsed_ms,index,url,path,bytes,worker,started_ms,first_byte_ms,finished_ms,reported_ms,status,error,retries,sha256,protocol\n",
        );
        for item in &self.items {
            let fields = [
                self.mode.as_str().to_owned(),
                self.workers.to_string(),
                self.elapsed_ms.to_string(),
                item.index.to_string(),
                item.url.clone(),
                item.path.clone().unwrap_or_default(),
                item.bytes.to_string(),
                item.worker.to_string(),
                item.started_ms.to_string(),
                item.first_byte_ms
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                item.finished_ms.to_string(),
                item.reported_ms.to_string(),
                item.status.to_owned(),
                item.error.clone().unwrap_or_default(),
                item.retries.to_string(),
                item.sha256.clone().unwrap_or_default(),
                item.protocol.unwrap_or_default().to_owned(),
            ];
            let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    }
}

/// Quotes a CSV field when it holds a comma, quote or line break; neutralises a leading
/// `=`, `+`, `-` or `@` so spreadsheets do not run it as a formula.
fn csv_field(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) {
        format!("'{field}")
    } else {
        field.to_owned()
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_fields() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
    }
}
