//! One window per person: the first `downpour` listens on a per-user local socket (a Unix
//! socket, mode 0600, in a 0700 folder of the user's runtime or data folder); a second start,
//! or the native host, connects and hands its links over instead of opening a window that would
//! fight the first over the saved list. No TCP anywhere. What arrives is checked as any message
//! from outside ([`Handoff::from_json`]). On systems without Unix sockets there is no hand-off
//! yet: every start opens its own window.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Handoff;
#[cfg(unix)]
use super::frame::{Read1, read_message, write_message};

/// The window's answer to a hand-off: how many links it took, or why none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    /// The links were added to the window's links box.
    Added(usize),
    /// A sentence saying why nothing was added.
    Refused(String),
}

/// The socket of this user's window: in `$XDG_RUNTIME_DIR/downpour`, else in Downpour's data
/// folder.
pub fn default_path() -> Option<PathBuf> {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute());
    let dir = match runtime {
        Some(dir) => dir.join("downpour"),
        None => downpour::options::default_state_dir()?,
    };
    Some(dir.join("window.sock"))
}

/// What a start found.
#[derive(Debug)]
pub enum Claim {
    /// No window was running: this start is the window and listens here.
    #[cfg(unix)]
    First(std::os::unix::net::UnixListener),
    /// A window was running and answered.
    Handed(Answer),
    /// No socket could be used: this start opens its own window (said in the log).
    Alone(io::Error),
}

/// Hands `handoff` to the window listening at `path`, if one is; else listens there.
#[cfg(unix)]
pub fn claim(path: &Path, handoff: &Handoff) -> Claim {
    use std::os::unix::net::UnixListener;
    if let Err(err) = private_folder(path) {
        return Claim::Alone(err);
    }
    for _ in 0..2 {
        match UnixListener::bind(path) {
            Ok(listener) => {
                use std::os::unix::fs::PermissionsExt;
                let owner_only = std::fs::Permissions::from_mode(0o600);
                return match std::fs::set_permissions(path, owner_only) {
                    Ok(()) => Claim::First(listener),
                    Err(err) => Claim::Alone(err),
                };
            }
            Err(err) if err.kind() == io::ErrorKind::AddrInUse => match send(path, handoff) {
                Ok(answer) => return Claim::Handed(answer),
                // Left by a window that ended without removing it.
                Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => {
                    if let Err(err) = std::fs::remove_file(path) {
                        return Claim::Alone(err);
                    }
                }
                Err(err) => return Claim::Alone(err),
            },
            Err(err) => return Claim::Alone(err),
        }
    }
    Claim::Alone(io::Error::from(io::ErrorKind::AddrInUse))
}

/// Without Unix sockets, every start is its own window.
#[cfg(not(unix))]
pub fn claim(_path: &Path, _handoff: &Handoff) -> Claim {
    Claim::Alone(io::Error::from(io::ErrorKind::Unsupported))
}

/// Makes the socket's folder, readable by its owner only; refuses one that is not.
#[cfg(unix)]
fn private_folder(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let Some(dir) = path.parent() else {
        return Err(io::Error::from(io::ErrorKind::NotFound));
    };
    downpour::resume::create_private_dir(dir)?;
    let meta = std::fs::metadata(dir)?;
    #[cfg(target_os = "linux")]
    {
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Err(io::Error::from(io::ErrorKind::PermissionDenied));
        }
    }
    if meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Sends `handoff` to the window at `path` and waits (at most 10 s) for its answer.
#[cfg(unix)]
pub fn send(path: &Path, handoff: &Handoff) -> io::Result<Answer> {
    use std::os::unix::net::UnixStream;
    let mut stream = UnixStream::connect(path)?;
    let wait = Some(std::time::Duration::from_secs(10));
    stream.set_read_timeout(wait)?;
    stream.set_write_timeout(wait)?;
    let json = serde_json::to_vec(handoff).map_err(io::Error::other)?;
    write_message(&mut stream, &json)?;
    match read_message(&mut stream)? {
        Read1::Message(bytes) => serde_json::from_slice(&bytes).map_err(io::Error::other),
        Read1::End | Read1::Refused(_) => Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
    }
}

/// Without Unix sockets there is no window to send to.
#[cfg(not(unix))]
pub fn send(_path: &Path, _handoff: &Handoff) -> io::Result<Answer> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Answers every connection to `listener` in turn, for as long as the window runs: a checked
/// message goes to `deliver` (which says how many links the window took), a refused one gets
/// its sentence. A slow or silent client is dropped after 5 s.
#[cfg(unix)]
pub fn serve(
    listener: &std::os::unix::net::UnixListener,
    mut deliver: impl FnMut(Handoff) -> usize,
) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let wait = Some(std::time::Duration::from_secs(5));
        if stream.set_read_timeout(wait).is_err() || stream.set_write_timeout(wait).is_err() {
            continue;
        }
        let answer = match read_message(&mut stream) {
            Ok(Read1::Message(bytes)) => match Handoff::from_json(&bytes) {
                Ok(handoff) => Answer::Added(deliver(handoff)),
                Err(refusal) => Answer::Refused(refusal.sentence()),
            },
            Ok(Read1::Refused(refusal)) => Answer::Refused(refusal.sentence()),
            Ok(Read1::End) | Err(_) => continue,
        };
        if let Ok(json) = serde_json::to_vec(&answer) {
            // The sender may have gone: its links were taken all the same.
            let _ = write_message(&mut stream, &json);
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::handoff::Link;

    fn links(urls: &[&str]) -> Handoff {
        Handoff {
            links: urls
                .iter()
                .map(|url| Link {
                    url: (*url).to_owned(),
                    ..Link::default()
                })
                .collect(),
            ..Handoff::default()
        }
    }

    #[test]
    fn the_first_start_listens_and_the_second_hands_its_links_over() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run").join("window.sock");
        let Claim::First(listener) = claim(&path, &links(&[])) else {
            panic!("the first start should listen");
        };
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            serve(&listener, |handoff| {
                let n = handoff.links.len();
                tx.send(handoff).unwrap();
                n
            });
        });
        let sent = links(&["https://example.com/a.zip", "http://example.com/b.zip"]);
        let Claim::Handed(answer) = claim(&path, &sent) else {
            panic!("the second start should hand over");
        };
        assert_eq!(answer, Answer::Added(2));
        assert_eq!(rx.recv().unwrap(), sent);
        // A refused message reaches nobody and is answered with its sentence.
        let Claim::Handed(Answer::Refused(why)) = claim(&path, &links(&["file:///etc/passwd"]))
        else {
            panic!("a file: link should be refused");
        };
        assert!(why.contains("file:///etc/passwd"), "{why}");
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn a_socket_left_by_a_window_that_ended_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("window.sock");
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        assert!(path.exists());
        assert!(matches!(claim(&path, &links(&[])), Claim::First(_)));
    }
}
