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

/// Tunes the C allocator for many download threads; call once at the start of `main`.
///
/// Each download thread allocates its own network buffers; glibc would give every thread its own
/// arena, each keeping freed buffers cached, so memory grew with the worker count (26 MiB
/// instead of 15 MiB peak on the mixed benchmark). Two arenas are enough for two cores. (A
/// fixed 128 KiB mmap threshold saved a further 5 MiB but made the bulk benchmark 45 % slower.)
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called before other threads
    // start.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// The User-Agent every request carries, naming Downpour and its version.
pub const USER_AGENT: &str = concat!("Downpour/", env!("CARGO_PKG_VERSION"));

/// The most workers (downloads at once) a run may use.
pub const MAX_WORKERS: usize = 64;
