//! The secret part of the window's pipe name on Windows. Any local user may create a pipe of
//! any name, so a name that others can guess (the user's name) lets another account make it
//! first and receive this user's links and cookies. The name instead holds a random token kept
//! in this user's own data folder, which other accounts cannot read; the first start makes it
//! and every later start reads it. Plain file code, so it is tested on every platform.

use std::io::{self, Read, Write};
use std::path::Path;
use std::time::Duration;

/// The token file's name in the data folder.
const FILE: &str = "pipe-token";
/// The token's length: 32 hexadecimal digits (128 bits).
const LEN: usize = 32;

/// This user's token, made (once, whoever is first) in `dir` if it is not there yet.
pub fn token(dir: &Path) -> io::Result<String> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(FILE);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(mut file) => {
            let token = fresh();
            file.write_all(token.as_bytes())?;
            file.sync_all()?;
            Ok(token)
        }
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => read(&path),
        Err(err) => Err(err),
    }
}

/// Reads the token another start made, waiting a little for one that is being written; a
/// file that never holds a token is an error (it was not written by Downpour).
fn read(path: &Path) -> io::Result<String> {
    for _ in 0..20 {
        let mut text = String::new();
        std::fs::File::open(path)?
            .take(LEN as u64 + 1)
            .read_to_string(&mut text)?;
        if text.len() == LEN && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(text);
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        "the pipe token file holds no token",
    ))
}

/// 128 random bits as hexadecimal, from the keys the standard library draws from the system's
/// random source for each `RandomState`.
fn fresh() -> String {
    use std::hash::{BuildHasher, Hasher};
    let word = || {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(u64::from(std::process::id()));
        hasher.finish()
    };
    format!("{:016x}{:016x}", word(), word())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_start_makes_the_token_and_later_ones_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = token(dir.path()).unwrap();
        assert_eq!(first.len(), LEN);
        assert!(first.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(token(dir.path()).unwrap(), first);
        let other = tempfile::tempdir().unwrap();
        assert_ne!(
            token(other.path()).unwrap(),
            first,
            "each user has their own"
        );
    }

    #[test]
    fn starts_racing_agree_on_one_token() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        let tokens: Vec<String> = (0..8)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || token(&path).unwrap())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert!(tokens.iter().all(|t| *t == tokens[0]), "{tokens:?}");
    }

    #[test]
    fn a_file_that_holds_no_token_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "not a token").unwrap();
        assert!(token(dir.path()).is_err());
    }
}
