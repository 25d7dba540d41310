//! One window per person: the first `downpour` listens on a per-user local socket (a Unix
//! socket, mode 0600, in a 0700 folder of the user's runtime or data folder); a second start,
//! or the native host, connects and hands its links over instead of opening a window that would
//! fight the first over the saved list. No TCP anywhere. What arrives is checked as any message
//! from outside ([`Handoff::from_json`]). On Windows the same messages go through a per-user
//! named pipe ([`super::pipe`], the only part that differs); elsewhere there is no hand-off:
//! every start opens its own window.

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Handoff;
use super::frame::{Read1, read_message, write_message};
#[cfg(windows)]
pub use super::pipe::{Listener, default_path, send, serve};

/// The window's answer to a hand-off: how many links it took, or why none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    /// The links were added to the window's links box.
    Added(usize),
    /// A sentence saying why nothing was added.
    Refused(String),
    /// The window is closing and took nothing: the start after it is the window.
    Closing,
}

/// The socket of this user's window: in `$XDG_RUNTIME_DIR/downpour`, else in Downpour's data
/// folder.
#[cfg(unix)]
pub fn default_path() -> Option<std::path::PathBuf> {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR")
        .map(std::path::PathBuf::from)
        .filter(|dir| dir.is_absolute());
    let dir = match runtime {
        Some(dir) => dir.join("downpour"),
        None => downpour::options::default_state_dir()?,
    };
    Some(dir.join("window.sock"))
}

/// How long a start waits for the window another start is opening (its lock taken, its
/// socket not yet listening) before opening its own.
const OPENING_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// What a start found.
#[derive(Debug)]
pub enum Claim {
    /// No window was running: this start is the window and listens here.
    #[cfg(any(unix, windows))]
    First(Window),
    /// A window was running and answered.
    Handed(Answer),
    /// No socket could be used: this start opens its own window (said in the log).
    Alone(io::Error),
}

/// The window's socket and its lock: whoever holds the lock (`window.lock` beside the socket,
/// an advisory `flock` held until the process ends) is the one window; only it binds, or
/// replaces a socket left by a window that was killed. On Windows the pipe is its own lock.
#[cfg(any(unix, windows))]
#[derive(Debug)]
pub struct Window {
    /// The socket later starts and the native host connect to.
    pub listener: Listener,
    /// The lock: keep it until the socket file is removed, at the very end.
    pub lock: Lock,
}

/// What the window listens on.
#[cfg(unix)]
pub type Listener = std::os::unix::net::UnixListener;

/// What makes a window the one window, held until it ends: the lock file on Unix.
#[cfg(unix)]
pub type Lock = std::fs::File;

/// What makes a window the one window: on Windows, the pipe itself (nothing more to hold).
#[cfg(windows)]
pub type Lock = ();

/// What one more try of handing `handoff` to a window gave: the claim, or `None` when there
/// is no window to take it yet (none listening, or one closing) and the start tries again.
#[cfg(any(unix, windows))]
fn hand_over(path: &Path, handoff: &Handoff) -> Option<Claim> {
    match send(path, handoff) {
        // The window is closing: its lock goes with it, and then this start is the window.
        Ok(Answer::Closing) => None,
        Ok(answer) => Some(Claim::Handed(answer)),
        // The lock's holder has not bound its socket yet, or was killed.
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
            ) =>
        {
            None
        }
        Err(err) => Some(Claim::Alone(err)),
    }
}

/// Hands `handoff` to the window holding the pipe at `path`, if one is; else makes the pipe
/// and is the window. Two starts at the same moment make one window: only one can make the
/// pipe's first instance; the other waits (up to 10 s) for it to listen and hands its links
/// over.
#[cfg(windows)]
pub fn claim(path: &Path, handoff: &Handoff) -> Claim {
    claim_with(path, handoff, || match super::pipe::listen(path) {
        Ok(Some(listener)) => Some(Claim::First(Window { listener, lock: () })),
        Ok(None) => None,
        Err(err) => Some(Claim::Alone(err)),
    })
}

/// The wait both platforms share: `first` tries to become the window (the lock on Unix, the
/// pipe's first instance on Windows); while another start is the window, this one hands its
/// links over as soon as that window listens, for up to [`OPENING_WAIT`].
#[cfg(any(unix, windows))]
fn claim_with(path: &Path, handoff: &Handoff, mut first: impl FnMut() -> Option<Claim>) -> Claim {
    let deadline = std::time::Instant::now() + OPENING_WAIT;
    loop {
        if let Some(claim) = first() {
            return claim;
        }
        if let Some(claim) = hand_over(path, handoff) {
            return claim;
        }
        if std::time::Instant::now() >= deadline {
            return Claim::Alone(io::Error::from(io::ErrorKind::TimedOut));
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Hands `handoff` to the window listening at `path`, if one is; else listens there. Two
/// starts at the same moment make one window: the one that takes the lock listens, the other
/// waits (up to 10 s) for its socket and hands its links over.
#[cfg(unix)]
pub fn claim(path: &Path, handoff: &Handoff) -> Claim {
    if let Err(err) = private_folder(path) {
        return Claim::Alone(err);
    }
    let lock = match open_lock(&path.with_file_name("window.lock")) {
        Ok(lock) => lock,
        Err(err) => return Claim::Alone(err),
    };
    let mut lock = Some(lock);
    claim_with(path, handoff, || {
        let held = lock.as_ref()?;
        match held.try_lock() {
            Ok(()) => lock.take().map(|lock| listen(path, lock)),
            Err(std::fs::TryLockError::WouldBlock) => None,
            Err(std::fs::TryLockError::Error(err)) => Some(Claim::Alone(err)),
        }
    })
}

/// The lock file, readable by its owner only (in the private folder); its content is never
/// read or written.
#[cfg(unix)]
fn open_lock(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(path)
}

/// Listens at `path`, the lock held: a socket found there is one left by a window that was
/// killed (a live window would hold the lock), and is replaced.
#[cfg(unix)]
fn listen(path: &Path, lock: std::fs::File) -> Claim {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::UnixListener;
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Claim::Alone(err),
    }
    let listener = match UnixListener::bind(path) {
        Ok(listener) => listener,
        Err(err) => return Claim::Alone(err),
    };
    let owner_only = std::fs::Permissions::from_mode(0o600);
    match std::fs::set_permissions(path, owner_only) {
        Ok(()) => Claim::First(Window { listener, lock }),
        Err(err) => Claim::Alone(err),
    }
}

/// Without Unix sockets or named pipes, every start is its own window; the log says why.
#[cfg(not(any(unix, windows)))]
pub fn claim(_path: &Path, _handoff: &Handoff) -> Claim {
    Claim::Alone(io::Error::new(
        io::ErrorKind::Unsupported,
        "handing links to the running window is not written for this system",
    ))
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
    exchange(&mut stream, handoff)
}

/// Sends `handoff` over `stream` (connected to the window) and reads the window's answer.
#[cfg_attr(
    not(any(unix, windows)),
    expect(dead_code, reason = "no hand-off on this system")
)]
pub(super) fn exchange(
    stream: &mut (impl io::Read + io::Write),
    handoff: &Handoff,
) -> io::Result<Answer> {
    let json = serde_json::to_vec(handoff).map_err(io::Error::other)?;
    write_message(stream, &json)?;
    match read_message(stream)? {
        Read1::Message(bytes) => serde_json::from_slice(&bytes).map_err(io::Error::other),
        Read1::End | Read1::Refused(_) => Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
    }
}

/// Without Unix sockets or named pipes there is no window to send to; the native host says
/// so in a sentence.
#[cfg(not(any(unix, windows)))]
pub fn send(_path: &Path, _handoff: &Handoff) -> io::Result<Answer> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Answers every connection to `listener` in turn, for as long as the window runs: a checked
/// message goes to `deliver` (which says how many links the window took, or `None` when the
/// window is closing and takes nothing more), a refused one gets its sentence. A slow or
/// silent client is dropped after 5 s.
#[cfg(unix)]
pub fn serve(listener: &Listener, mut deliver: impl FnMut(Handoff) -> Option<usize>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let wait = Some(std::time::Duration::from_secs(5));
        if stream.set_read_timeout(wait).is_err() || stream.set_write_timeout(wait).is_err() {
            continue;
        }
        answer(&mut stream, &mut deliver);
    }
}

/// Reads one message from `stream` (a start connected to the window), gives it to `deliver`
/// if it passes the checks, and answers: how many links were taken, or why none.
#[cfg_attr(
    not(any(unix, windows)),
    expect(dead_code, reason = "no hand-off on this system")
)]
pub(super) fn answer(
    stream: &mut (impl io::Read + io::Write),
    deliver: &mut impl FnMut(Handoff) -> Option<usize>,
) {
    let answer = match read_message(stream) {
        Ok(Read1::Message(bytes)) => match Handoff::from_json(&bytes) {
            Ok(handoff) => deliver(handoff).map_or(Answer::Closing, Answer::Added),
            Err(refusal) => Answer::Refused(refusal.sentence()),
        },
        Ok(Read1::Refused(refusal)) => Answer::Refused(refusal.sentence()),
        Ok(Read1::End) | Err(_) => return,
    };
    if let Ok(json) = serde_json::to_vec(&answer) {
        // The sender may have gone: its links were taken all the same.
        let _ = write_message(stream, &json);
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
        let Claim::First(window) = claim(&path, &links(&[])) else {
            panic!("the first start should listen");
        };
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            serve(&window.listener, |handoff| {
                let n = handoff.links.len();
                tx.send(handoff).unwrap();
                Some(n)
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

    /// Starts racing for the window, each with one link of its own, at the same moment and
    /// over a socket left by a window that was killed: what each found, and the links the
    /// window that listens received.
    #[expect(clippy::unwrap_used, reason = "a test's helper")]
    fn race(starts: usize) -> (Vec<&'static str>, Vec<String>) {
        use std::sync::{Arc, Barrier, mpsc};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("window.sock");
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        let barrier = Arc::new(Barrier::new(starts));
        let (tx, rx) = mpsc::channel();
        let racers: Vec<_> = (0..starts)
            .map(|i| {
                let (path, barrier, tx) = (path.clone(), barrier.clone(), tx.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let mine = links(&[&format!("https://example.com/{i}")]);
                    match claim(&path, &mine) {
                        Claim::First(window) => {
                            tx.send(mine.links[0].url.clone()).unwrap();
                            // The window's own thread: it outlives this round (as a window does).
                            std::thread::spawn(move || {
                                serve(&window.listener, |handoff| {
                                    let n = handoff.links.len();
                                    let _ = tx.send(handoff.links[0].url.clone());
                                    Some(n)
                                });
                                drop(window);
                            });
                            "window"
                        }
                        Claim::Handed(Answer::Added(1)) => "handed",
                        Claim::Handed(_) => "refused",
                        Claim::Alone(_) => "alone",
                    }
                })
            })
            .collect();
        let found: Vec<_> = racers.into_iter().map(|r| r.join().unwrap()).collect();
        let mut got: Vec<String> = rx.try_iter().collect();
        got.sort();
        drop(dir);
        (found, got)
    }

    #[test]
    fn starts_at_the_same_moment_open_one_window_that_takes_every_link() {
        for _round in 0..300 {
            let (mut found, got) = race(6);
            found.sort_unstable();
            assert_eq!(
                found,
                ["handed", "handed", "handed", "handed", "handed", "window"]
            );
            let mut all: Vec<_> = (0..6).map(|i| format!("https://example.com/{i}")).collect();
            all.sort();
            assert_eq!(got, all);
        }
    }

    #[test]
    fn a_window_that_is_closing_takes_nothing_and_the_start_after_it_is_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("window.sock");
        let Claim::First(Window { listener, lock }) = claim(&path, &links(&[])) else {
            panic!("the first start should listen");
        };
        let (asked, was_asked) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            serve(&listener, |_| {
                let _ = asked.send(());
                None
            });
        });
        // It ends as the window does: its socket removed, then its lock let go.
        let socket = path.clone();
        std::thread::spawn(move || {
            was_asked.recv().unwrap();
            std::fs::remove_file(socket).unwrap();
            drop(lock);
        });
        let Claim::First(window) = claim(&path, &links(&["https://example.com/a.zip"])) else {
            panic!("the links should not go to a window that is closing");
        };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            serve(&window.listener, |handoff| {
                let n = handoff.links.len();
                tx.send(handoff).unwrap();
                Some(n)
            });
        });
        let sent = links(&["https://example.com/b.zip"]);
        assert!(matches!(
            claim(&path, &sent),
            Claim::Handed(Answer::Added(1))
        ));
        assert_eq!(rx.recv().unwrap(), sent);
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
