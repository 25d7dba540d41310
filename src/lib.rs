//! Downpour's engine: URL lists, safe file names, streaming HTTP downloads and the three
//! concurrency modes, reported through one event enum. It imports nothing from egui so the
//! window, the headless CLI and the tests all drive the very same code.

#![warn(missing_docs)]

pub mod check;
pub mod diag;
pub mod error;
mod fetch;
pub mod finished;
pub mod format;
pub mod hash;
pub mod limit;
pub mod listfile;
pub mod model;
pub mod names;
pub mod net;
pub mod options;
pub mod page;
mod pasted;
pub mod ranges;
pub mod redact;
pub mod report;
pub mod resume;
pub mod run;
pub mod safe_fs;
pub mod split;
pub mod stats;
mod textlinks;
pub mod urls;

pub use error::{DownloadError, LineError, ListError};
pub use listfile::{MAX_LIST_BYTES, decode_list, read_list, read_list_file};
pub use model::{Event, EventSink, ItemRecord, Job, Mode, Outcome, OutcomeKind};
pub use options::RunConfig;
pub use run::{RunHandle, start_run};
pub use urls::{ParsedList, RejectedLine, UrlEntry, parse_list};

/// Tunes the C allocator for many download threads; call once at the start of `main`.
///
/// glibc gives every thread that allocates its own arena, each keeping freed network buffers
/// cached, so memory would grow with the worker count. The downloads run on at most one
/// thread per core (plus the hashing pool, one per core), so one arena per core serves them
/// without contention.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only changes allocator parameters; it is called before other threads
        // start.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}
