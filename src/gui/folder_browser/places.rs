//! The folder browser's file-system work, done on its threads: where it opens, what a folder
//! holds, whether a name can be a folder's; and how a typed path is read.

use std::path::{Path, PathBuf};

use super::{Folder, NameProblem};
use crate::gui::tasks::IoProblem;

/// The folder a path field means: `~` is home, and a relative path is taken from `place`.
pub(super) fn resolve(place: &Path, text: &str) -> Option<PathBuf> {
    let path = downpour::options::folder_from_text(text).ok()?;
    Some(if path.is_absolute() {
        path
    } else {
        place.join(path)
    })
}

/// A new folder's name, trimmed, if it can be one: not empty, not `.` or `..`, and without a
/// path separator.
pub fn new_folder_name(text: &str) -> Result<&str, NameProblem> {
    let name = text.trim();
    let separator = |c: char| c == '/' || c == '\\' || c == '\0';
    if name.is_empty() || name == "." || name == ".." || name.contains(separator) {
        Err(NameProblem::BadName)
    } else {
        Ok(name)
    }
}

/// Where the browser (or a dialog) opens for `asked`: the nearest existing folder at or above
/// it, else home, else the root. Touches the file system: helpers only.
pub fn starting_place(asked: &Path, home: Option<&Path>) -> PathBuf {
    let asked = std::path::absolute(asked).unwrap_or_else(|_| asked.to_owned());
    asked
        .ancestors()
        .find(|folder| !folder.as_os_str().is_empty() && folder.is_dir())
        .map(Path::to_path_buf)
        .or_else(|| home.map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from(std::path::MAIN_SEPARATOR_STR))
}

/// The folders in `place` (following links to folders), without hidden ones (a leading
/// dot), sorted by name regardless of case. Touches the file system: helpers only.
pub fn list_folders(place: &Path) -> Result<Vec<Folder>, IoProblem> {
    let entries = std::fs::read_dir(place).map_err(|err| IoProblem::from(&err))?;
    let mut folders: Vec<Folder> = entries
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_name().as_encoded_bytes().starts_with(b"."))
        .filter(|entry| match entry.file_type() {
            Ok(kind) if kind.is_symlink() => {
                std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir())
            }
            Ok(kind) => kind.is_dir(),
            Err(_) => false,
        })
        .map(|entry| Folder {
            name: entry.file_name().to_string_lossy().into_owned(),
            path: entry.path(),
        })
        .collect();
    folders.sort_by_cached_key(|folder| (folder.name.to_lowercase(), folder.name.clone()));
    Ok(folders)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_visible_folders_are_listed_sorted_by_name() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["beta", "Alpha", ".hidden", "gamma"] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        std::fs::write(dir.path().join("a-file.txt"), "x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("gamma"), dir.path().join("link")).unwrap();
            std::os::unix::fs::symlink(dir.path().join("a-file.txt"), dir.path().join("flink"))
                .unwrap();
        }
        let names: Vec<String> = list_folders(dir.path())
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
        let expected: &[&str] = if cfg!(unix) {
            &["Alpha", "beta", "gamma", "link"]
        } else {
            &["Alpha", "beta", "gamma"]
        };
        assert_eq!(names, expected);
        let missing = list_folders(&dir.path().join("nope")).unwrap_err();
        assert_eq!(missing.kind, std::io::ErrorKind::NotFound);
    }

    #[test]
    fn new_folder_names_are_checked() {
        assert_eq!(new_folder_name("  Music "), Ok("Music"));
        for bad in ["", "   ", ".", "..", "a/b", "a\\b"] {
            assert_eq!(new_folder_name(bad), Err(NameProblem::BadName), "{bad:?}");
        }
    }

    #[test]
    fn the_browser_starts_at_the_nearest_existing_folder() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        assert_eq!(
            starting_place(&dir.path().join("not/yet/there"), Some(&home)),
            dir.path()
        );
        std::fs::write(dir.path().join("file"), "x").unwrap();
        assert_eq!(
            starting_place(&dir.path().join("file"), Some(&home)),
            dir.path()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_typed_path_is_taken_from_the_place() {
        let place = Path::new("/data/music");
        assert_eq!(resolve(place, "/tmp"), Some(PathBuf::from("/tmp")));
        assert_eq!(
            resolve(place, "jazz"),
            Some(PathBuf::from("/data/music/jazz"))
        );
        assert_eq!(resolve(place, "  "), None);
    }
}
