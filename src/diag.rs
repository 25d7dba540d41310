//! The problems nobody is waiting for: a resume record or the finished log that could not be
//! written, a helper thread that could not start, a partial file that could not be removed.
//! The download goes on either way, so they are no item's error; instead each is one line in a
//! small log in Downpour's data folder (`downpour.log`, kept under [`MAX_LOG_BYTES`] by moving
//! the old half aside to `downpour.log.1`), so that a person reporting a problem has something
//! to send. Lines hold what failed and the system's reason: never an address's password, a
//! header or a cookie (callers pass names and [`crate::redact`]ed addresses only).

use std::fmt::Display;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// The log's name in the data folder.
pub const LOG_NAME: &str = "downpour.log";

/// The size past which the log is moved aside and begun again.
pub const MAX_LOG_BYTES: u64 = 256 * 1024;

/// Where lines go: set once by the program (its data folder); before that, and in tests that
/// never set it, lines go nowhere.
static LOG_PATH: OnceLock<PathBuf> = OnceLock::new();

/// One writer at a time, so lines of two threads never interleave and rotation is atomic.
static WRITING: Mutex<()> = Mutex::new(());

/// Sends this process's log lines to `data_dir/downpour.log`. Only the first call counts.
pub fn log_to(data_dir: &Path) {
    // A second call (tests, a second window in one process) keeps the first folder.
    LOG_PATH.get_or_init(|| data_dir.join(LOG_NAME));
}

/// Records that `what` failed because of `why` (one line; see the module's rules on secrets).
pub fn record(what: &str, why: &dyn Display) {
    let Some(path) = LOG_PATH.get() else {
        return;
    };
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let line = format!("{seconds} {what}: {why}\n");
    let _writing = WRITING.lock().unwrap_or_else(|e| e.into_inner());
    // A log that cannot be written has nowhere else to go: the line is dropped.
    append(path, line.as_bytes()).ok();
}

/// Records `result`'s error, if any, as [`record`] does, and hands back whether it was fine.
pub fn check<T, E: Display>(what: &str, result: Result<T, E>) -> bool {
    match result {
        Ok(_) => true,
        Err(err) => {
            record(what, &err);
            false
        }
    }
}

/// Appends `bytes` to the log at `path`, first moving a full log aside.
fn append(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        crate::resume::create_private_dir(dir)?;
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.len() >= MAX_LOG_BYTES) {
        std::fs::rename(path, path.with_extension("log.1"))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)?.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_appends_lines_and_moves_a_full_log_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join(LOG_NAME);
        append(&path, b"first\n").unwrap();
        append(&path, b"second\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first\nsecond\n");
        let full = vec![b'x'; usize::try_from(MAX_LOG_BYTES).unwrap()];
        std::fs::write(&path, &full).unwrap();
        append(&path, b"after\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "after\n");
        assert_eq!(
            std::fs::read(path.with_extension("log.1")).unwrap().len(),
            full.len()
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_log_is_never_written_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("victim.txt");
        std::fs::write(&target, b"mine").unwrap();
        let path = dir.path().join(LOG_NAME);
        std::os::unix::fs::symlink(&target, &path).unwrap();
        assert!(append(&path, b"line\n").is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"mine");
    }
}
