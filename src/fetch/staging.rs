//! Where an item's bytes wait until the file is complete — nowhere yet, a file without a name,
//! or `<name>.part` with or without a resume note — and the two ways that ends: a checked
//! file under its final name, or a partial one kept for a later run or removed.

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::ItemContext;
use crate::error::DownloadError;
use crate::model::{ItemRecord, Outcome};
use crate::names::{self, part_path};
use crate::resume;

/// Where an item's bytes are until the file is complete.
pub(super) enum Staging {
    /// Nothing written yet.
    Fresh,
    /// A small download's body, in a file that has no name until it is complete.
    Unnamed(File),
    /// `<name>.part`, which this item created or took over from an earlier run; `noted` when
    /// a resume note beside it records the version it holds.
    Part { file: File, noted: bool },
}

impl Staging {
    /// The `.part` file an earlier run left for `path`, whose resume note this item now holds.
    pub(super) fn adopt(path: &Path) -> Option<Staging> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(part_path(path))
            .ok()?;
        Some(Staging::Part { file, noted: true })
    }

    /// How many bytes are staged: what a resumed request continues from.
    pub(super) fn len(&self) -> u64 {
        match self {
            Staging::Part { file, .. } => file.metadata().map_or(0, |m| m.len()),
            Staging::Fresh | Staging::Unnamed(_) => 0,
        }
    }

    /// The staged file, to write the body into.
    pub(super) fn file(&mut self) -> Option<&mut File> {
        match self {
            Staging::Part { file, .. } | Staging::Unnamed(file) => Some(file),
            Staging::Fresh => None,
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
        let Some(file) = self.file() else {
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
        if let Staging::Part { file, noted } = self {
            if std::mem::take(noted) {
                resume::forget(path);
            }
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            return Ok(());
        }
        *self = Staging::Fresh;
        if small && ctx.unnamed_files {
            *self = Staging::Unnamed(names::create_unnamed(ctx.names.dir())?);
            return Ok(());
        }
        let (free, created) = ctx.names.create_part(path);
        *path = free;
        *self = Staging::Part {
            file: created?,
            noted: false,
        };
        Ok(())
    }

    /// Whether a resume note records what the `.part` file holds.
    pub(super) fn is_noted(&self) -> bool {
        matches!(self, Staging::Part { noted: true, .. })
    }

    /// Records, beside the `.part` file of `path`, that it holds the start of `url` at
    /// `validator`, so that a later run can continue it.
    pub(super) fn note(&mut self, path: &Path, url: &str, validator: &str, total: Option<u64>) {
        if let Staging::Part { noted, .. } = self {
            resume::write_note(path, url, validator, total);
            *noted = true;
        }
    }

    /// Forgets the resume note: the `.part` file no longer holds the version it records.
    pub(super) fn forget_note(&mut self, path: &Path) {
        if let Staging::Part { noted, .. } = self
            && std::mem::take(noted)
        {
            resume::forget(path);
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
        self.forget_note(path);
        record.sha256.clone_from(&actual);
        if let Some(expected) = expected
            && let Some(actual) = actual
            && !expected.eq_ignore_ascii_case(&actual)
        {
            let name = names::display_name(path);
            let corrupt = ctx.names.reserve(&format!("{name}.corrupt"));
            ctx.names.release(path);
            record.path = self.name_as(ctx, path, &corrupt).ok();
            record.outcome = Outcome::Failed(DownloadError::ChecksumMismatch {
                expected: expected.to_ascii_lowercase(),
                actual,
            });
            return;
        }
        if ctx.cancel.is_cancelled() {
            record.outcome = Outcome::Cancelled;
            self.abandon(path, false);
            ctx.names.release(path);
            return;
        }
        match self.name_as(ctx, path, path) {
            Ok(saved) => record.path = Some(saved),
            Err(err) => {
                record.outcome = Outcome::Failed(DownloadError::from_io(path, &err));
                self.abandon(path, false);
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
            Staging::Part { .. } => ctx.names.finalize(&part_path(path), target),
            Staging::Unnamed(file) => ctx.names.link_unnamed(file, target),
            Staging::Fresh => Err(std::io::ErrorKind::NotFound.into()),
        }
    }

    /// Ends an unfinished item: a `.part` file with a resume note stays for a later run when
    /// `resumable`, anything else partial is removed (a file without a name is freed when it
    /// closes).
    pub(super) fn abandon(self, path: &Path, resumable: bool) {
        if let Staging::Part { noted, .. } = self
            && !(resumable && noted)
        {
            resume::discard(path);
        }
    }
}
