//! Downpour's engine: URL lists, safe file names, streaming HTTP downloads and the three
//! concurrency modes, reported through one event enum. It imports nothing from egui so the
//! window, the headless CLI and the tests all drive the very same code.

#![warn(missing_docs)]

pub mod error;
pub mod fetch;
pub mod format;
pub mod hash;
pub mod names;
pub mod report;
pub mod resume;
pub mod run;
pub mod stats;
pub mod urls;

pub use error::{DownloadError, LineError};
pub use run::{Event, EventSink, ItemRecord, Job, Mode, Outcome, RunConfig, RunHandle, start_run};
pub use urls::{ParsedList, RejectedLine, UrlEntry, parse_list};

/// The User-Agent every request carries, naming Downpour and its version.
pub const USER_AGENT: &str = concat!("Downpour/", env!("CARGO_PKG_VERSION"));

/// The most worker threads a run may use.
pub const MAX_WORKERS: usize = 64;
