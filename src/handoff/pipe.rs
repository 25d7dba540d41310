//! The window's hand-off on Windows: a per-user named pipe instead of the Unix socket. Only
//! the transport is here; the messages, their framing and their checks are the socket's
//! ([`super::socket`]). The first instance is made with `FILE_FLAG_FIRST_PIPE_INSTANCE`, so
//! a second start cannot make it while a window holds it (that refusal is the single-instance
//! signal, as the lock file is on Unix), and remote clients are rejected. The pipe's default
//! security lets only the same user (and administrators and the system) write to it.
//!
//! Compile-checked only: not yet run on Windows.

use std::cell::Cell;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::windows::named_pipe::{ClientOptions, NamedPipeServer, ServerOptions};
use tokio::runtime::Runtime;

use super::Handoff;

/// `ERROR_PIPE_BUSY`: every instance of the pipe is serving another client.
const ERROR_PIPE_BUSY: i32 = 231;

/// The pipe of this user's window: `\\.\pipe\downpour-<domain>-<user>` (the names without
/// backslashes and control characters), so that two accounts of the same name from different
/// domains on one computer get pipes of their own.
pub fn default_path() -> Option<PathBuf> {
    let plain = |name: String| -> String {
        name.chars()
            .filter(|c| *c != '\\' && !c.is_control())
            .take(100)
            .collect()
    };
    let user = plain(std::env::var("USERNAME").ok()?);
    if user.trim().is_empty() {
        return None;
    }
    let domain = plain(std::env::var("USERDOMAIN").unwrap_or_default());
    Some(PathBuf::from(format!(r"\\.\pipe\downpour-{domain}-{user}")))
}

/// The window's pipe: the instance that waits for the next start.
pub struct Listener {
    /// Drives the pipe's I/O, on the thread that serves it.
    runtime: Runtime,
    /// The pipe's name.
    name: OsString,
    /// The first instance, taken by [`serve`].
    first: Cell<Option<NamedPipeServer>>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The runtime the pipe's I/O runs on (one thread: the caller's).
fn runtime() -> io::Result<Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
}

/// One instance of the pipe, local clients only; `first` fails when the pipe exists already.
fn instance(runtime: &Runtime, name: &OsString, first: bool) -> io::Result<NamedPipeServer> {
    let _context = runtime.enter();
    ServerOptions::new()
        .first_pipe_instance(first)
        .reject_remote_clients(true)
        .access_inbound(true)
        .access_outbound(true)
        .create(name)
}

/// Makes the pipe at `path`, if no window holds it; `Ok(None)` when one does.
pub fn listen(path: &Path) -> io::Result<Option<Listener>> {
    let runtime = runtime()?;
    let name = path.as_os_str().to_owned();
    match instance(&runtime, &name, true) {
        Ok(first) => Ok(Some(Listener {
            runtime,
            name,
            first: Cell::new(Some(first)),
        })),
        // FILE_FLAG_FIRST_PIPE_INSTANCE refused: the pipe is another start's.
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied => Ok(None),
        Err(err) => Err(err),
    }
}

/// One end of the pipe used as a blocking stream: each read and write waits at most `wait`.
struct Blocking<'a, P> {
    runtime: &'a Runtime,
    pipe: &'a mut P,
    wait: Duration,
}

impl<P: AsyncRead + AsyncWrite + Unpin> io::Read for Blocking<'_, P> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = tokio::time::timeout(self.wait, self.pipe.read(buf));
        self.runtime
            .block_on(read)
            .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))?
    }
}

impl<P: AsyncRead + AsyncWrite + Unpin> io::Write for Blocking<'_, P> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let write = tokio::time::timeout(self.wait, self.pipe.write(buf));
        self.runtime
            .block_on(write)
            .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))?
    }

    fn flush(&mut self) -> io::Result<()> {
        let flush = tokio::time::timeout(self.wait, self.pipe.flush());
        self.runtime
            .block_on(flush)
            .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))?
    }
}

/// Sends `handoff` to the window at `path` and waits (at most 10 s) for its answer. No pipe
/// is `NotFound`, as no socket is on Unix.
pub fn send(path: &Path, handoff: &Handoff) -> io::Result<super::socket::Answer> {
    let runtime = runtime()?;
    let wait = Duration::from_secs(10);
    let deadline = Instant::now() + wait;
    let mut client = loop {
        let opened = {
            let _context = runtime.enter();
            ClientOptions::new().open(path.as_os_str())
        };
        match opened {
            Ok(client) => break client,
            // Another start is being answered: the window makes the next instance meanwhile.
            Err(err) if err.raw_os_error() == Some(ERROR_PIPE_BUSY) => {
                if Instant::now() >= deadline {
                    return Err(io::Error::from(io::ErrorKind::TimedOut));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(err) => return Err(err),
        }
    };
    let mut stream = Blocking {
        runtime: &runtime,
        pipe: &mut client,
        wait,
    };
    super::socket::exchange(&mut stream, handoff)
}

/// Answers every start that connects, in turn, for as long as the window runs (see
/// [`super::socket::serve`]). The next instance is made before a start is answered, so that
/// the pipe is never missing while the window runs.
pub fn serve(listener: &Listener, mut deliver: impl FnMut(Handoff) -> Option<usize>) {
    let Some(mut server) = listener.first.take() else {
        return;
    };
    loop {
        let connected = listener.runtime.block_on(server.connect());
        let next = match instance(&listener.runtime, &listener.name, false) {
            Ok(next) => next,
            Err(err) => {
                downpour::diag::record("making the next instance of the window's pipe", &err);
                return;
            }
        };
        if connected.is_ok() {
            let mut stream = Blocking {
                runtime: &listener.runtime,
                pipe: &mut server,
                wait: Duration::from_secs(5),
            };
            super::socket::answer(&mut stream, &mut deliver);
        }
        server = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handoff::Link;
    use crate::handoff::socket::{Answer, Claim, claim};

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

    /// A pipe of this test's own, so that tests running at once and a real window never meet.
    fn own_pipe(test: &str) -> PathBuf {
        PathBuf::from(format!(
            r"\\.\pipe\downpour-test-{}-{test}",
            std::process::id()
        ))
    }

    #[test]
    fn the_first_start_makes_the_pipe_and_later_ones_hand_their_links_over() {
        let path = own_pipe("first");
        let Claim::First(window) = claim(&path, &links(&[])) else {
            panic!("the first start should make the pipe");
        };
        // While the window holds the pipe, no other start can make it.
        assert!(matches!(listen(&path), Ok(None)));
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
        // Start after start is answered (each on an instance of its own).
        for i in 0..5 {
            let one = links(&[&format!("https://example.com/{i}")]);
            assert_eq!(send(&path, &one).unwrap(), Answer::Added(1));
            assert_eq!(rx.recv().unwrap(), one);
        }
        // A refused message reaches nobody and is answered with its sentence.
        let Answer::Refused(why) = send(&path, &links(&["file:///C:/secret.txt"])).unwrap() else {
            panic!("a file: link should be refused");
        };
        assert!(why.contains("file:///C:/secret.txt"), "{why}");
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn with_no_window_there_is_no_pipe_to_send_to() {
        let err = send(&own_pipe("none"), &links(&["https://example.com/a"])).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn starts_at_the_same_moment_make_one_window_that_takes_every_link() {
        use std::sync::{Arc, Barrier, mpsc};
        let path = own_pipe("race");
        let barrier = Arc::new(Barrier::new(6));
        let (tx, rx) = mpsc::channel();
        let racers: Vec<_> = (0..6)
            .map(|i| {
                let (path, barrier, tx) = (path.clone(), barrier.clone(), tx.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let mine = links(&[&format!("https://example.com/{i}")]);
                    match claim(&path, &mine) {
                        Claim::First(window) => {
                            tx.send(mine.links[0].url.clone()).unwrap();
                            std::thread::spawn(move || {
                                serve(&window.listener, |handoff| {
                                    let _ = tx.send(handoff.links[0].url.clone());
                                    Some(handoff.links.len())
                                });
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
        let mut found: Vec<_> = racers.into_iter().map(|r| r.join().unwrap()).collect();
        found.sort_unstable();
        assert_eq!(
            found,
            ["handed", "handed", "handed", "handed", "handed", "window"]
        );
        let mut got: Vec<String> = rx.try_iter().collect();
        got.sort();
        let mut all: Vec<_> = (0..6).map(|i| format!("https://example.com/{i}")).collect();
        all.sort();
        assert_eq!(got, all);
    }
}
