//! Every way a line or a download can go wrong, each rendered as one plain sentence that a
//! person who is not a programmer can act on. The engine creates these; the window and the CLI
//! only display them.

use std::path::PathBuf;

use crate::format;

/// Why a line of the URL list was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// The line uses a scheme Downpour does not download, e.g. `ftp:` or `javascript:`.
    #[error("only http:// and https:// links can be downloaded, not {scheme}:")]
    UnsupportedScheme {
        /// The scheme as written, lower-cased.
        scheme: String,
    },
    /// The line is not a web address at all.
    #[error("this is not a web address ({reason})")]
    Malformed {
        /// What the URL parser objected to.
        reason: String,
    },
    /// The address is longer than the HTTP library (and any server) takes.
    #[error("this address is too long ({}); a web address can be at most 64 KiB", format::bytes(*.bytes))]
    TooLong {
        /// Its length in bytes.
        bytes: u64,
    },
    /// A line whose numbered ranges would make too many links.
    #[error(
        "this line would make {} links; one line may make at most {}",
        many(*.count),
        crate::ranges::MAX_PER_LINE
    )]
    TooManyLinks {
        /// How many links it would make (`u64::MAX`: more than can be counted).
        count: u64,
    },
    /// A numbered range that counts backwards or in steps of 0.
    #[error(
        "the range {range} cannot be counted: put the smaller value first and a step above 0, \
         like [1-20] or [1-20:5]"
    )]
    BadRange {
        /// The range as written, with its brackets.
        range: String,
    },
    /// The address has no server name.
    #[error("the address has no server name")]
    NoHost,
    /// The `sha256:` checksum after the address is not 64 hexadecimal digits.
    #[error("the checksum after the address must be sha256: followed by 64 hexadecimal digits")]
    BadChecksum,
    /// A row of a CSV or TSV table (not its header) has no http:// or https:// link in any cell.
    #[error("no cell of this row holds an http:// or https:// link")]
    NoLinkInRow,
}

/// Why a list file (or standard input) given as a list of links cannot be read. `Display` is the
/// sentence shown to the person; the fields keep the data so that a front end can word it in
/// another language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    /// The file could not be opened or read.
    #[error("{name} cannot be read: {reason}")]
    Unreadable {
        /// The file as the person named it, e.g. `links.txt` or `standard input`.
        name: String,
        /// A short lower-case reason from [`describe_io`], e.g. `permission denied`.
        reason: String,
    },
    /// The file is larger than any list of links would be.
    #[error("{name} is larger than {}, too large for a list of links", size_limit(*.limit))]
    TooLarge {
        /// The file as the person named it.
        name: String,
        /// The largest list read, in bytes.
        limit: u64,
    },
    /// The file is not text: an image, an archive, a program or other binary data.
    #[error("{name} is not a text file")]
    NotText {
        /// The file as the person named it.
        name: String,
    },
}

/// A count of links, or "countless" for one that does not fit a number.
pub fn many(count: u64) -> String {
    if count == u64::MAX {
        "countless".to_owned()
    } else {
        count.to_string()
    }
}

/// A size limit as people say it: `64 MiB` for a whole number of MiB, else as `format::bytes`.
fn size_limit(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format::bytes(bytes)
    }
}

/// Why one download did not complete. `Display` is the sentence shown to the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DownloadError {
    /// The server answered with an HTTP error status.
    #[error("the server answered {code} {reason}")]
    Status {
        /// The numeric status, e.g. 404.
        code: u16,
        /// The canonical reason phrase, e.g. `Not Found`.
        reason: String,
    },
    /// The server's name could not be resolved.
    #[error("could not find the server {host} — check the address and your connection")]
    UnknownHost {
        /// The host name that failed to resolve.
        host: String,
    },
    /// A TCP connection could not be established.
    #[error("could not connect to {host}: {reason}")]
    Connect {
        /// The host that was tried.
        host: String,
        /// A short lower-case reason, e.g. `connection refused`.
        reason: String,
    },
    /// The proxy the link goes through could not be reached.
    #[error("could not connect to the proxy {proxy}: {reason}")]
    ProxyUnreachable {
        /// The proxy, without any password (`socks5h://127.0.0.1:1080`).
        proxy: String,
        /// A short lower-case reason, e.g. `connection refused`.
        reason: String,
    },
    /// The proxy wants a user name and password, or refused the ones given (407).
    #[error("the proxy {proxy} asks for a user name and password, or refused the ones given")]
    ProxyLogin {
        /// The proxy, without any password.
        proxy: String,
    },
    /// The proxy could not or would not connect to the site.
    #[error("the proxy {proxy} could not or would not connect to {host}")]
    ProxyNoRoute {
        /// The proxy, without any password.
        proxy: String,
        /// The site's host.
        host: String,
    },
    /// Something answered at the proxy's address, but not as a proxy of its kind.
    #[error("{proxy} did not answer as a proxy — check the proxy's address and kind")]
    NotAProxy {
        /// The proxy, without any password.
        proxy: String,
    },
    /// The secure (TLS) connection could not be verified.
    #[error(
        "the secure connection to {host} could not be verified ({problem}); nothing was downloaded"
    )]
    Tls {
        /// The host whose certificate failed.
        host: String,
        /// What was wrong.
        problem: TlsProblem,
    },
    /// This computer cannot make secure connections at all.
    #[error("secure connections are unavailable on this computer ({reason})")]
    NoTls {
        /// What the TLS library said.
        reason: String,
    },
    /// No answer arrived before the timeout.
    #[error("the server did not answer within {secs} s")]
    NoAnswer {
        /// The timeout in seconds.
        secs: u64,
    },
    /// The body stopped arriving for longer than the timeout.
    #[error("no data for {secs} s — the server stopped sending")]
    Stalled {
        /// The timeout in seconds.
        secs: u64,
    },
    /// The body arrives so slowly (a trickle of bytes) that it would practically never end.
    #[error("the server is sending almost nothing ({bytes} B in the last {secs} s)")]
    TooSlow {
        /// Bytes received in the window.
        bytes: u64,
        /// The window in seconds (the stall timeout).
        secs: u64,
    },
    /// The connection ended before the whole body arrived.
    #[error("{}", truncated_sentence(*.got, *.expected))]
    Truncated {
        /// Bytes received.
        got: u64,
        /// Bytes announced by Content-Length, when known.
        expected: Option<u64>,
    },
    /// The server kept redirecting.
    #[error("the server redirected more than {max} times (probably a redirect loop)")]
    TooManyRedirects {
        /// The redirect limit.
        max: usize,
    },
    /// A redirect pointed somewhere Downpour cannot follow.
    #[error("the server redirected to an address that cannot be downloaded ({target})")]
    BadRedirect {
        /// Where the redirect pointed (as it may be shown).
        target: String,
    },
    /// A redirect from a secure address to an insecure one, which the person did not allow.
    #[error(
        "the server redirected from a secure https:// address to an insecure one ({target}); \
         it was not followed"
    )]
    InsecureRedirect {
        /// Where the redirect pointed (as it may be shown).
        target: String,
    },
    /// The server's answer broke the rules of HTTP (for example control characters in its
    /// headers).
    #[error("the server sent a malformed answer")]
    MalformedAnswer,
    /// The connection ended before any answer arrived.
    #[error("the server closed the connection without answering")]
    ClosedWithoutAnswer,
    /// A request to continue a partial file was refused (416).
    #[error("the server could not continue the partial file")]
    NoResume,
    /// The new address the person gave does not serve the file partly downloaded (another
    /// size or version): its bytes are kept until the person chooses to start over.
    #[error(
        "the new address serves another file (another size or version); the partial file is \
         kept — Retry downloads the file again, from the start, from the new address"
    )]
    NotSameFile,
    /// Another connection of a file fetched over several got another version of it.
    #[error("the file changed on the server while it downloaded; it is downloaded again")]
    FileChanged,
    /// The server asked (`Retry-After`) to wait longer than Downpour waits within a run.
    #[error("the server asks to wait {}; try again later", wait_text(*secs))]
    ServerAsksWait {
        /// The wait asked for, in seconds.
        secs: u64,
    },
    /// A 206 answer for another part of the file than the one asked for.
    #[error("the server sent an unexpected part of the file")]
    UnexpectedRange,
    /// The save folder or the file could not be written.
    #[error("cannot write to {}: {reason}", .path.display())]
    Write {
        /// The file or folder that failed.
        path: PathBuf,
        /// A short lower-case reason, e.g. `permission denied`.
        reason: String,
    },
    /// The disk ran out of space.
    #[error("the disk is full — free some space and retry")]
    DiskFull,
    /// The downloaded file did not have the expected SHA-256.
    #[error("checksum mismatch: expected {expected} got {actual}")]
    ChecksumMismatch {
        /// The hash given with the URL.
        expected: String,
        /// The hash of what arrived.
        actual: String,
    },
    /// The server sent a web page (a login or an error page, most likely) for a name that
    /// promises another kind of file; nothing was kept under that name.
    #[error(
        "the server sent a web page instead of {name} — it may need a login, or the link has \
         expired"
    )]
    WebPage {
        /// The name the file was to have.
        name: String,
    },
    /// The server sent the file compressed (`Content-Encoding`) although it was asked for it
    /// as it is; nothing was saved.
    #[error(
        "the server sent the file compressed ({encoding}) although it was asked not to; it was \
         not saved, as it would not be the file"
    )]
    Compressed {
        /// The server's Content-Encoding, e.g. `gzip`.
        encoding: String,
    },
    /// The download machinery could not start (threads, the network library).
    #[error("the downloads could not start: {reason}")]
    Startup {
        /// What the system said.
        reason: String,
    },
    /// The run's cookies file or logins file cannot be used: nothing was requested.
    #[error("{0}")]
    Access(crate::net::access::AccessError),
    /// The task downloading the item ended without a result.
    #[error("the download stopped unexpectedly")]
    Stopped,
    /// The folder holds a file of the name and size of this link's file that this link did
    /// not save: it is kept, and the link is not downloaded.
    #[error(
        "a file of this name is already there ({name}); it was kept and this link was not downloaded — choose keep both to download it too"
    )]
    NameTaken {
        /// The name.
        name: String,
    },
    /// Another Downpour (another window or CLI) is writing this file's unfinished download:
    /// it was left alone.
    #[error("this file is being downloaded by another Downpour")]
    OtherDownpour,
    /// Any other network failure, with the network library's own words.
    #[error("the download failed: {0}")]
    Network(String),
}

/// What was wrong with a server's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TlsProblem {
    /// Signed by nobody this computer trusts (self-signed, or a private authority).
    #[error("the certificate is not from a trusted authority")]
    UntrustedIssuer,
    /// Out of date.
    #[error("the certificate has expired")]
    Expired,
    /// Issued for another name.
    #[error("the certificate belongs to another server")]
    OtherServer,
    /// The server offers only TLS 1.1 or older, which are no longer safe.
    #[error("the server only offers TLS 1.0 or 1.1, old versions that are no longer safe")]
    OldProtocol,
    /// The computer's own list of trusted certificates could not be read.
    #[error("this computer's list of trusted certificates could not be read")]
    NoTrustedRoots,
    /// Anything else the check refused, or a server that does not speak TLS.
    #[error("the certificate was not accepted")]
    NotAccepted,
}

/// A wait as the person says it: minutes up to two hours, hours beyond (rounded up).
pub fn wait_text(secs: u64) -> String {
    let minutes = secs.div_ceil(60).max(1);
    match minutes {
        1 => "1 minute".to_owned(),
        2..120 => format!("{minutes} minutes"),
        _ => format!("{} hours", minutes.div_ceil(60)),
    }
}

fn truncated_sentence(got: u64, expected: Option<u64>) -> String {
    match expected {
        Some(total) => format!(
            "the connection closed after {} of {}",
            format::bytes(got),
            format::bytes(total)
        ),
        None => format!(
            "the connection closed after {} before the file was complete",
            format::bytes(got)
        ),
    }
}

impl DownloadError {
    /// Whether trying again may help (network trouble, 5xx, 408, 429), as opposed to an answer
    /// that will not change (404, a full disk, a bad checksum).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Status { code, .. } => *code >= 500 || *code == 408 || *code == 429,
            Self::Connect { .. }
            | Self::ProxyUnreachable { .. }
            | Self::ProxyNoRoute { .. }
            | Self::NoAnswer { .. }
            | Self::Stalled { .. }
            | Self::TooSlow { .. }
            | Self::Truncated { .. }
            | Self::ClosedWithoutAnswer
            | Self::NoResume
            | Self::UnexpectedRange
            | Self::FileChanged
            | Self::ServerAsksWait { .. }
            | Self::Network(_) => true,
            Self::UnknownHost { .. }
            | Self::ProxyLogin { .. }
            | Self::NotAProxy { .. }
            | Self::Tls { .. }
            | Self::NoTls { .. }
            | Self::TooManyRedirects { .. }
            | Self::BadRedirect { .. }
            | Self::InsecureRedirect { .. }
            | Self::MalformedAnswer
            | Self::NotSameFile
            | Self::Write { .. }
            | Self::DiskFull
            | Self::ChecksumMismatch { .. }
            | Self::WebPage { .. }
            | Self::Compressed { .. }
            | Self::Startup { .. }
            | Self::Access(_)
            | Self::Stopped
            | Self::NameTaken { .. }
            | Self::OtherDownpour => false,
        }
    }

    /// Whether the server turned the connection away because it has too many (429, 503, a
    /// refused connection): with several connections to it, one fewer is the answer.
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Status { code, .. } => *code == 429 || *code == 503,
            Self::Connect { reason, .. } => reason.contains("refused"),
            _ => false,
        }
    }

    /// Builds the error for a failed file-system operation on `path`.
    pub fn from_io(path: &std::path::Path, err: &std::io::Error) -> Self {
        use std::io::ErrorKind;
        match err.kind() {
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
                Self::DiskFull
            }
            ErrorKind::NotFound => Self::Write {
                path: path.to_owned(),
                reason: "the folder does not exist any more".to_owned(),
            },
            _ => Self::Write {
                path: path.to_owned(),
                reason: describe_io(err),
            },
        }
    }
}

/// A file-system error as the second half of a sentence, e.g. `permission denied`.
pub fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only".to_owned(),
        ErrorKind::NotFound => "it does not exist".to_owned(),
        ErrorKind::StorageFull => "the disk is full".to_owned(),
        _ => lower_first(&err.to_string()),
    }
}

/// Lower-cases the first letter and drops an `(os error N)` suffix, so that library messages
/// read as the second half of a sentence.
pub(crate) fn lower_first(text: &str) -> String {
    let text = match text.find(" (os error") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_plain() {
        let e = DownloadError::Status {
            code: 404,
            reason: "Not Found".into(),
        };
        assert_eq!(e.to_string(), "the server answered 404 Not Found");
        let e = DownloadError::Truncated {
            got: 1_258_291,
            expected: Some(5 * 1024 * 1024),
        };
        assert_eq!(
            e.to_string(),
            "the connection closed after 1.2 MiB of 5.0 MiB"
        );
        let e = DownloadError::Stalled { secs: 30 };
        assert_eq!(
            e.to_string(),
            "no data for 30 s — the server stopped sending"
        );
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = DownloadError::from_io(std::path::Path::new("/path"), &io);
        assert_eq!(e.to_string(), "cannot write to /path: permission denied");
    }

    #[test]
    fn list_sentences_name_the_file() {
        let e = ListError::NotText {
            name: "photo.jpg".into(),
        };
        assert_eq!(e.to_string(), "photo.jpg is not a text file");
        let e = ListError::TooLarge {
            name: "huge.txt".into(),
            limit: 64 * 1024 * 1024,
        };
        assert_eq!(
            e.to_string(),
            "huge.txt is larger than 64 MiB, too large for a list of links"
        );
        let e = ListError::TooLarge {
            name: "odd.txt".into(),
            limit: 1536,
        };
        assert_eq!(
            e.to_string(),
            "odd.txt is larger than 1.5 KiB, too large for a list of links"
        );
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = ListError::Unreadable {
            name: "links.txt".into(),
            reason: describe_io(&io),
        };
        assert_eq!(e.to_string(), "links.txt cannot be read: permission denied");
    }

    #[test]
    fn transient_errors_are_the_retryable_ones() {
        let status = |code| DownloadError::Status {
            code,
            reason: String::new(),
        };
        assert!(status(503).is_transient());
        assert!(status(429).is_transient());
        assert!(status(408).is_transient());
        assert!(!status(404).is_transient());
        assert!(!status(403).is_transient());
        assert!(!DownloadError::DiskFull.is_transient());
    }
}
