//! Where an item's bytes wait until the file is complete — nowhere yet, a file without a name,
//! or `<name>.part` with or without a resume note — and the two ways that ends: a checked
//! file under its final name, or a partial one kept for a later run or removed.

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::ItemContext;
use crate::error::DownloadError;
use crate::model::{ItemRecord, Outcome};
use crate::names::part_path;
use crate::resume::{Leftover, PartState};
use crate::safe_fs;

/// How often the resume record of a growing `.part` file is brought up to date, so that after
/// a crash at most this much of the download is fetched again.
const RECORD_EVERY: Duration = Duration::from_secs(1);

/// Where an item's bytes are until the file is complete.
pub(super) enum Staging {
    /// Nothing written yet.
    Fresh,
    /// A small download's body, in a file that has no name until it is complete.
    Unnamed(File),
    /// `<name>.part`, which this item created or took over from an earlier run; `recorded`
    /// is when a resume record of its version was last saved, if one was.
    Part {
        file: Arc<File>,
        recorded: Option<Instant>,
    },
}

/// What became of an unfinished download an earlier run left.
pub(super) enum Adopted {
    /// Its `.part` file is this item's now (and locked while it is).
    Taken(Staging),
    /// It is gone, or is no longer the file its record describes.
    Gone,
    /// Another process (another Downpour) holds it locked: it is left alone.
    Locked,
}

impl Staging {
    /// The `.part` file an earlier run left, if it is still the file its record describes
    /// and no other process is writing it.
    pub(super) fn adopt(left: &Leftover) -> Adopted {
        let Some(file) = crate::resume::open_leftover(left) else {
            return Adopted::Gone;
        };
        if !lock(&file) {
            return Adopted::Locked;
        }
        Adopted::Taken(Staging::Part {
            file: Arc::new(file),
            recorded: Some(Instant::now()),
        })
    }

    /// How many bytes are staged: what a resumed request continues from.
    pub(super) fn len(&self) -> u64 {
        match self {
            Staging::Part { file, .. } => file.metadata().map_or(0, |m| m.len()),
            Staging::Fresh | Staging::Unnamed(_) => 0,
        }
    }

    /// The staged file, to write the body into.
    pub(super) fn file(&self) -> Option<&File> {
        match self {
            Staging::Part { file, .. } => Some(file),
            Staging::Unnamed(file) => Some(file),
            Staging::Fresh => None,
        }
    }

    /// The `.part` file, shared with the connections that help fetch it.
    pub(super) fn shared_file(&self) -> Option<Arc<File>> {
        match self {
            Staging::Part { file, .. } => Some(Arc::clone(file)),
            Staging::Fresh | Staging::Unnamed(_) => None,
        }
    }

    /// The path a sentence about writing names: the `.part` file, or the final name of an
    /// unnamed file.
    pub(super) fn shown(&self, path: &Path) -> PathBuf {
        match self {
            Staging::Part { .. } => part_path(path),
            Staging::Fresh | Staging::Unnamed(_) => path.to_owned(),
        }
    }

    /// Prepares to append after the first `from` bytes of the `.part` file.
    pub(super) fn continue_at(&mut self, from: u64) -> std::io::Result<()> {
        let Some(mut file) = self.file() else {
            return Err(std::io::ErrorKind::NotFound.into());
        };
        file.set_len(from)?;
        file.seek(SeekFrom::Start(from))?;
        Ok(())
    }

    /// Prepares for a whole new body for `path`: this item's own `.part` file is emptied, else
    /// a small body (`small`) goes to a file without a name and any other to a new `.part`
    /// file — never one that appeared meanwhile, which moves `path` to the next free name.
    pub(super) fn start_over(
        &mut self,
        ctx: &ItemContext<'_>,
        path: &mut PathBuf,
        small: bool,
    ) -> std::io::Result<()> {
        if let Staging::Part { file, recorded } = self {
            if recorded.take().is_some() {
                ctx.resume.forget(path);
            }
            file.set_len(0)?;
            (&**file).seek(SeekFrom::Start(0))?;
            return Ok(());
        }
        *self = Staging::Fresh;
        if small && ctx.unnamed_files {
            *self = Staging::Unnamed(safe_fs::create_unnamed(ctx.names.dir())?);
            return Ok(());
        }
        let (free, created) = ctx.names.create_part(path);
        *path = free;
        let created = created?;
        // New, so nobody else holds it: locked so that another Downpour that finds its
        // resume record leaves it alone.
        lock(&created);
        *self = Staging::Part {
            file: Arc::new(created),
            recorded: None,
        };
        Ok(())
    }

    /// Saves the resume record of the `.part` file — at once the first time, then at most
    /// every [`RECORD_EVERY`] — so that a later run can continue it.
    pub(super) fn record(&mut self, ctx: &ItemContext<'_>, state: PartState<'_>) {
        if let Staging::Part { file, recorded } = self
            && recorded.is_none_or(|at| at.elapsed() >= RECORD_EVERY)
        {
            ctx.resume.save(file, state);
            *recorded = Some(Instant::now());
        }
    }

    /// Notes that a resume record of the `.part` file was saved (by its split file).
    pub(super) fn mark_recorded(&mut self) {
        if let Staging::Part { recorded, .. } = self {
            *recorded = Some(Instant::now());
        }
    }

    /// Forgets the resume record: the `.part` file no longer holds the version it records.
    pub(super) fn forget_record(&mut self, ctx: &ItemContext<'_>, path: &Path) {
        if let Staging::Part { recorded, .. } = self
            && recorded.take().is_some()
        {
            ctx.resume.forget(path);
        }
    }

    /// Names the complete body `path` — after checking its SHA-256 (`actual`, `None` when
    /// checksums are off) against the expected one — or, on a mismatch, `<name>.corrupt`,
    /// never the final name. Updates `record` with where it went and how it ended.
    pub(super) fn finish(
        mut self,
        ctx: &ItemContext<'_>,
        record: &mut ItemRecord,
        path: &Path,
        actual: Option<String>,
        expected: Option<&str>,
    ) {
        self.forget_record(ctx, path);
        record.sha256.clone_from(&actual);
        if let Some(expected) = expected
            && let Some(actual) = actual
            && !expected.eq_ignore_ascii_case(&actual)
        {
            let corrupt = ctx.names.reserve_corrupt(path);
            ctx.names.release(path);
            record.path = self.name_as(ctx, path, &corrupt).ok();
            record.outcome = Outcome::Failed(DownloadError::ChecksumMismatch {
                expected: expected.to_ascii_lowercase(),
                actual,
            });
            return;
        }
        if ctx.cancel.is_cancelled() {
            record.outcome = ctx.cancelled();
            self.abandon(ctx, path, None);
            ctx.names.release(path);
            return;
        }
        match self.name_as(ctx, path, path) {
            Ok(saved) => record.path = Some(saved),
            Err(err) => {
                record.outcome = Outcome::Failed(DownloadError::from_io(path, &err));
                self.abandon(ctx, path, None);
                ctx.names.release(path);
            }
        }
    }

    /// Gives the body staged for `path` the name `target` (or the next free one), never
    /// replacing a file.
    fn name_as(
        &self,
        ctx: &ItemContext<'_>,
        path: &Path,
        target: &Path,
    ) -> std::io::Result<PathBuf> {
        match self {
            Staging::Part { file, .. } => ctx.names.name_file(file, Some(&part_path(path)), target),
            Staging::Unnamed(file) => ctx.names.name_file(file, None, target),
            Staging::Fresh => Err(std::io::ErrorKind::NotFound.into()),
        }
    }

    /// Ends an unfinished item: a recorded `.part` file stays for a later run when `keep`
    /// gives its final state (its record brought up to date); anything else partial is
    /// removed (a file without a name is freed when it closes).
    pub(super) fn abandon(self, ctx: &ItemContext<'_>, path: &Path, keep: Option<PartState<'_>>) {
        let Staging::Part { file, recorded } = self else {
            return;
        };
        match keep {
            Some(state) if recorded.is_some() => ctx.resume.save(&file, state),
            _ => {
                if recorded.is_some() {
                    ctx.resume.forget(path);
                }
                crate::diag::check(
                    "removing an unfinished small download",
                    safe_fs::remove_if_same(&part_path(path), &file),
                );
            }
        }
    }
}
/// Takes the advisory lock (`flock` on Unix, `LockFileEx` on Windows) that says this process
/// writes `file`; held until the file is closed. False only when another process holds it;
/// a file system without locks does not stop the download.
fn lock(file: &File) -> bool {
    !matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock))
}
