//! How much room the save folder's disk has: asked of the system (`statvfs` on Linux); where
//! Downpour cannot ask (other systems for now), it honestly says it does not know.

use std::path::Path;

/// The bytes free to an ordinary user on the disk of `folder` (or of its nearest existing
/// parent, when the folder is yet to be made); `None` when that cannot be learned.
pub fn free_space(folder: &Path) -> Option<u64> {
    let existing = folder.ancestors().find(|dir| dir.is_dir())?;
    free_of(existing)
}

#[cfg(target_os = "linux")]
fn free_of(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut stats = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `path` is a NUL-terminated string that lives across the call, and `stats`
    // points to writable memory of the size statvfs fills; it is read only on success.
    let done = unsafe { libc::statvfs(path.as_ptr(), stats.as_mut_ptr()) };
    if done != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled `stats`.
    let stats = unsafe { stats.assume_init() };
    #[allow(
        clippy::useless_conversion,
        reason = "fsblkcnt_t and c_ulong are u32 on 32-bit systems, u64 elsewhere"
    )]
    u64::from(stats.f_bavail).checked_mul(u64::from(stats.f_frsize))
}

#[cfg(not(target_os = "linux"))]
fn free_of(_dir: &Path) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_yet_to_be_made_is_measured_on_its_parents_disk() {
        let dir = std::env::temp_dir();
        let later = dir.join("downpour-not-made-yet").join("deeper");
        if cfg!(target_os = "linux") {
            assert!(free_space(&dir).is_some_and(|free| free > 0));
            assert_eq!(free_space(&later).is_some(), free_space(&dir).is_some());
        } else {
            assert_eq!(free_space(&dir), None);
        }
    }
}
