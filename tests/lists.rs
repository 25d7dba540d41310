//! Lists as people really save them, given to the real `downpour-cli` against the test server
//! on 127.0.0.1: a Notepad "Unicode" list, a spreadsheet's CSV, a saved web page; and a file
//! that is not text at all, refused before the CLI opens a single socket.

use std::path::Path;
use std::process::{Command, Output};

use crate::util::cli;
use crate::util::server::{TestServer, body_for};

/// Runs the CLI on the list file `list`, saving into `out`.
fn run_list(list: &Path, out: &Path) -> Output {
    run_on_list(cli(), list, out)
}

/// Runs `command` (the CLI, however it is started) on the list file `list`, saving into `out`.
fn run_on_list(mut command: Command, list: &Path, out: &Path) -> Output {
    command
        .args(["-r", "0", "-i"])
        .arg(list)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts that `out` holds exactly the files `expected` (name, size) with the server's bytes.
fn assert_saved(out: &Path, expected: &[(&str, usize)]) {
    let mut names: Vec<&str> = expected.iter().map(|(name, _)| *name).collect();
    names.sort_unstable();
    assert_eq!(crate::util::files_in(out), names);
    for (name, size) in expected {
        assert!(
            std::fs::read(out.join(name)).unwrap() == body_for(name, *size),
            "{name} differs"
        );
    }
}

#[test]
fn a_notepad_unicode_list_downloads_its_files() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("liste.txt");
    let content = format!(
        "# Téléchargements — ma liste\r\n{}\r\n- {}  (copie de secours)\r\n",
        server.url("rapport.pdf?size=3000"),
        server.url("photo.jpg?size=2000")
    );
    // Windows Notepad's "Unicode": UTF-16 little-endian with a byte order mark.
    let utf16: Vec<u8> = std::iter::once(0xFEFF_u16)
        .chain(content.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(&list, utf16).unwrap();
    let out = dir.path().join("out");
    let output = run_list(&list, &out);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("skipped"), "{stderr}");
    assert_saved(&out, &[("rapport.pdf", 3000), ("photo.jpg", 2000)]);
}

#[test]
fn a_csv_with_a_header_downloads_every_linked_cell() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("files.csv");
    std::fs::write(
        &list,
        format!(
            "Name,Link,Mirror\r\n\"Report, final\",{},\r\nPhoto,\"{}\",{}\r\n",
            server.url("report.pdf?size=3000"),
            server.url("photo.jpg?size=2000"),
            server.url("mirror.jpg?size=1000"),
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = run_list(&list, &out);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        !stderr.contains("skipped"),
        "the header row is no error: {stderr}"
    );
    assert!(
        stderr.contains("3 links taken from inside text"),
        "{stderr}"
    );
    let stdout = text(&output.stdout);
    assert!(stdout.contains("#1 done  report.pdf"), "{stdout}");
    assert_saved(
        &out,
        &[
            ("report.pdf", 3000),
            ("photo.jpg", 2000),
            ("mirror.jpg", 1000),
        ],
    );
}

#[test]
fn a_saved_web_page_downloads_its_links_once() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("downloads.html");
    // `&amp;` before `size` must be decoded, or the server would not see the size.
    let report = server.url("report.pdf?delay=0&amp;size=3000");
    std::fs::write(
        &page,
        format!(
            "<!DOCTYPE html>\n<html><head><title>Our files</title>\n\
             <link rel=\"icon\" href=\"{icon}\">\n</head><body>\n\
             <h1>Our files</h1>\n<p>Everything you need, in one place.</p>\n<ul>\n\
             <li><a href=\"{report}\">The report</a> (PDF)</li>\n\
             <li><a href='{photo}'><img src=\"{thumb}\" alt=\"\"> The photo</a></li>\n\
             <li><a href=\"{report}\">The report again</a></li>\n\
             <li><a href=\"/relative/page.html\">More</a>, <a href=\"mailto:us@example.com\">mail us</a></li>\n\
             </ul>\n<p>Not a link, only text: {text_only}</p>\n</body></html>\n",
            icon = server.url("icon.png?size=100"),
            photo = server.url("photo.jpg?size=2000"),
            thumb = server.url("thumb.png?size=500"),
            text_only = server.url("text-only.bin?size=10"),
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = run_list(&page, &out);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("skipped"), "{stderr}");
    assert!(
        stderr.contains("4 links taken from inside text"),
        "{stderr}"
    );
    assert!(
        stderr.contains("lines without a link passed over as prose or markup"),
        "{stderr}"
    );
    assert_saved(
        &out,
        &[
            ("icon.png", 100),
            ("report.pdf", 3000),
            ("photo.jpg", 2000),
            ("thumb.png", 500),
        ],
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "{requests:?}");
    assert!(
        requests.iter().any(|r| r.contains("delay=0&size=3000")),
        "{requests:?}"
    );
}

#[test]
fn a_list_over_64_mib_is_refused_with_its_own_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("huge.txt");
    // A sparse file: its size is all that is read.
    std::fs::File::create(&list)
        .unwrap()
        .set_len(64 * 1024 * 1024 + 1)
        .unwrap();
    let out = dir.path().join("out");
    let output = run_list(&list, &out);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        format!(
            "downpour-cli: {} is larger than 64 MiB, too large for a list of links\n",
            list.display()
        )
    );
    assert!(!out.exists(), "nothing was set up");
}

/// `len` random-looking bytes, the same every run (xorshift).
fn random_bytes(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect()
}

/// The lines of an `strace -e trace=%network` log that make or use a socket.
fn network_calls(trace: &Path) -> Vec<String> {
    std::fs::read_to_string(trace)
        .unwrap()
        .lines()
        .filter(|l| {
            ["socket(", "connect(", "sendto(", "sendmsg("]
                .iter()
                .any(|c| l.contains(c))
        })
        .map(str::to_owned)
        .collect()
}

/// Random bytes given as a list are refused with one sentence before anything is looked up or
/// contacted. They are only ever given to the CLI inside a network namespace with nothing but
/// loopback, so that even a mistake here could not reach a DNS server or any host off this
/// machine; strace shows that the CLI did not even make a socket.
#[cfg(target_os = "linux")]
#[test]
fn a_binary_list_is_refused_before_any_connection_or_lookup() {
    use std::io::Write;
    let Some(net) = crate::util::netns::IsolatedNetwork::new() else {
        eprintln!("SKIPPED: cannot create a network namespace here (needs root)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("downloads.txt");
    let bytes = random_bytes(64 * 1024);
    std::fs::write(&list, &bytes).unwrap();
    let out = dir.path().join("out");
    let trace = dir.path().join("trace.log");
    let traced = net.traced_cli(&trace);
    if traced.is_none() {
        eprintln!("strace is not installed: the system-call check is skipped");
    }
    let output = run_on_list(traced.unwrap_or_else(|| net.cli()), &list, &out);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stdout));
    assert_eq!(
        text(&output.stderr),
        format!("downpour-cli: {} is not a text file\n", list.display())
    );
    assert!(output.stdout.is_empty());
    assert!(!out.exists(), "nothing was set up");
    if trace.exists() {
        assert_eq!(network_calls(&trace), Vec::<String>::new());
    }

    let mut child = net
        .cli()
        .args(["-i", "-", "-o"])
        .arg(&out)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The CLI may stop reading before the end; a broken pipe is no failure of the test.
    let _ = child.stdin.take().unwrap().write_all(&bytes);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "downpour-cli: standard input is not a text file\n"
    );

    // The check sees a lookup when there is one: a text list naming an unknown host makes the
    // CLI ask for it (and the question cannot leave the namespace).
    if let Some(command) = net.traced_cli(&trace) {
        std::fs::write(&list, "http://no-such-host.invalid/file.zip\n").unwrap();
        let output = run_on_list(command, &list, &out);
        assert_eq!(output.status.code(), Some(1));
        assert!(!network_calls(&trace).is_empty(), "strace saw the lookup");
    }
}

#[test]
fn numbered_ranges_make_one_download_per_value() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (list, out) = (dir.path().join("list.txt"), dir.path().join("out"));
    let lines = format!(
        "{}\n{}\n",
        server.url("photo[08-10].jpg?size=100"),
        server.url("{a,b}[x-y].bin?size=50")
    );
    std::fs::write(&list, lines).unwrap();
    let output = run_list(&list, &out);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}{}", text(&output.stdout));
    assert!(
        stderr.contains("line 1: photo[08-10].jpg?size=100 → 3 links: photo08.jpg … photo10.jpg"),
        "{stderr}"
    );
    let mut asked = server.requests();
    asked.sort();
    assert_eq!(
        asked,
        [
            "/ax.bin?size=50",
            "/ay.bin?size=50",
            "/bx.bin?size=50",
            "/by.bin?size=50",
            "/photo08.jpg?size=100",
            "/photo09.jpg?size=100",
            "/photo10.jpg?size=100",
        ]
    );
    assert_saved(
        &out,
        &[
            ("photo08.jpg", 100),
            ("photo09.jpg", 100),
            ("photo10.jpg", 100),
            ("ax.bin", 50),
            ("ay.bin", 50),
            ("bx.bin", 50),
            ("by.bin", 50),
        ],
    );
}
