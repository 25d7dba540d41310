//! What a hostile server, a hostile folder and a link with a password cannot do: plant
//! Downpour's own state, write through a link, see a password shown or stored, or downgrade a
//! secure download to an insecure one. Each against a real server on 127.0.0.1.

use std::process::Output;
use std::time::Duration;

use crate::util::server::{PASSWORD, TestServer, body_for, https_server_answering};
use crate::util::{cli_with_data, config, files_in, jobs, run};
use downpour::hash::sha256_hex;
use downpour::{Mode, Outcome};

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Every file under `dir` as text, for checking that a secret is in none of them.
fn all_text_under(dir: &std::path::Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&all_text_under(&path));
        } else {
            text.push_str(&String::from_utf8_lossy(
                &std::fs::read(&path).unwrap_or_default(),
            ));
        }
    }
    text
}

#[test]
fn a_server_cannot_plant_working_files_that_a_later_run_trusts() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let cd = |name: &str| format!("cd=attachment%3B%20filename%3D%22{name}%22");
    // A hostile server names its downloads like Downpour's working files.
    let planted = [
        server.url(&format!("a?size=700&{}", cd("big.iso.part"))),
        server.url(&format!("b?size=90&{}", cd("big.iso.part.resume"))),
        server.url(&format!("c?size=50&{}", cd("big.iso.corrupt"))),
    ];
    let done = run(jobs(&planted), config(Mode::Submit, 3, dir.path()));
    assert!(done.reported.iter().all(|r| r.outcome == Outcome::Done));
    assert_eq!(
        files_in(dir.path()),
        ["big.iso.part_resume", "big.iso_corrupt", "big.iso_part"],
        "renamed: no download is named like a working file"
    );
    // A later run of another server's big.iso starts from nothing and is exact.
    let size = 1_500_000;
    let done = run(
        jobs(&[server.url(&format!("big.iso?size={size}"))]),
        config(Mode::Submit, 1, dir.path()),
    );
    let expected = body_for("big.iso", size);
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert!(std::fs::read(dir.path().join("big.iso")).unwrap() == expected);
    assert_eq!(
        done.item(1).sha256.as_deref(),
        Some(&*sha256_hex(&expected))
    );
    assert!(!server.requests().iter().any(|r| r.contains("range=")));
}

#[test]
fn another_programs_part_file_and_old_notes_are_never_continued() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let size = 1_500_000;
    let url = server.url(&format!("movie.mp4?size={size}"));
    // What an old version, or another program, left: a .part file and a note beside it.
    std::fs::write(dir.path().join("movie.mp4.part"), vec![b'x'; 1_200_000]).unwrap();
    std::fs::write(
        dir.path().join("movie.mp4.part.resume"),
        format!(
            r#"{{"url":"{url}","name":"movie.mp4","validator":"\"7-{size}-v1\"","total":{size}}}"#
        ),
    )
    .unwrap();
    let done = run(
        jobs(std::slice::from_ref(&url)),
        config(Mode::Submit, 1, dir.path()),
    );
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert!(
        !server.requests()[0].contains("range="),
        "asked for the whole file"
    );
    let saved = done.item(1).path.clone().unwrap();
    assert_eq!(saved, dir.path().join("movie (1).mp4"));
    assert!(std::fs::read(&saved).unwrap() == body_for("movie.mp4", size));
    assert_eq!(
        std::fs::read(dir.path().join("movie.mp4.part")).unwrap(),
        vec![b'x'; 1_200_000],
        "the other program's file is left as it was"
    );
}

#[cfg(unix)]
#[test]
fn links_in_the_save_folder_are_never_written_through() {
    use std::os::unix::fs::symlink;
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let precious = outside.path().join("precious.txt");
    std::fs::write(&precious, "mine").unwrap();
    // Links where Downpour wants (or once wanted) to write: a final name, a .part name and a
    // resume note's name, the last two dangling.
    symlink(&precious, dir.path().join("a.bin")).unwrap();
    symlink(
        outside.path().join("made-a-part"),
        dir.path().join("b.bin.part"),
    )
    .unwrap();
    symlink(
        outside.path().join("made-a-note"),
        dir.path().join("c.bin.part.resume"),
    )
    .unwrap();
    let lines = [
        server.url("a.bin?size=300000"),
        server.url("b.bin?size=2000000"),
        server.url("c.bin?size=2000000"),
    ];
    let done = run(jobs(&lines), config(Mode::Map, 3, dir.path()));
    assert!(done.reported.iter().all(|r| r.outcome == Outcome::Done));
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "mine");
    assert_eq!(
        files_in(outside.path()),
        ["precious.txt"],
        "nothing made outside"
    );
    assert!(std::fs::read(dir.path().join("a (1).bin")).unwrap() == body_for("a.bin", 300_000));
    assert!(std::fs::read(dir.path().join("b (1).bin")).unwrap() == body_for("b.bin", 2_000_000));
    assert!(std::fs::read(dir.path().join("c.bin")).unwrap() == body_for("c.bin", 2_000_000));
    assert!(
        std::fs::symlink_metadata(dir.path().join("a.bin"))
            .unwrap()
            .is_symlink()
    );
}

#[test]
fn passwords_in_links_are_sent_but_never_shown_or_stored() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = dir.path().join("out");
    let json = dir.path().join("report.json");
    let with_password = |path: &str| {
        server
            .url(path)
            .replacen("http://", &format!("http://ann:{PASSWORD}@"), 1)
    };
    let output = cli_with_data(&data)
        .args(["-m", "map", "-r", "0", "-o"])
        .arg(&out)
        .arg("--json")
        .arg(&json)
        .arg(with_password("private.bin?size=5000&auth=1"))
        .arg(with_password("missing.bin?status=404"))
        .arg(server.url("hop?secret_redirect=1"))
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(std::fs::read(out.join("private.bin")).unwrap() == body_for("private.bin", 5000));
    assert!(
        stdout.contains("#2 failed  the server answered 404 Not Found  http://ann:***@127.0.0.1:"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "#3 failed  the server redirected to an address that cannot be downloaded \
             (ftp://bob:***@example.com/f)"
        ),
        "{stdout}"
    );
    let report = std::fs::read_to_string(&json).unwrap();
    assert!(report.contains("ann:***@"), "{report}");
    for (what, text) in [
        ("stdout", stdout),
        ("stderr", stderr),
        ("the report", report),
        ("the data folder", all_text_under(&data)),
    ] {
        assert!(
            !text.contains(PASSWORD) && !text.contains("hunter2"),
            "{what}: {text}"
        );
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_cancels_keeps_the_part_writes_the_report_and_exits_130() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (data, out, json) = (
        dir.path().join("data"),
        dir.path().join("out"),
        dir.path().join("r.json"),
    );
    let size = 3 * 1024 * 1024;
    let url = server
        .url(&format!("big.iso?size={size}&stall_first=2097152&auth=1"))
        .replacen("http://", &format!("http://ann:{PASSWORD}@"), 1);
    let child = cli_with_data(&data)
        .args(["-r", "0", "--split", "1", "-o"])
        .arg(&out)
        .arg("--json")
        .arg(&json)
        .arg(&url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    crate::util::wait_until_size(&out.join("big.iso.part"), 2_097_152);
    // The record is saved once the first MiB is in; give the stalled download a moment.
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: sends SIGINT to our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let output = child.wait_with_output().unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(130), "{stdout}{stderr}");
    assert!(
        stdout.contains("#1 cancelled  http://ann:***@127.0.0.1:"),
        "{stdout}"
    );
    assert!(stdout.contains("total time: "), "{stdout}");
    assert!(
        std::fs::read_to_string(&json)
            .unwrap()
            .contains("\"cancelled\"")
    );
    assert_eq!(files_in(&out), ["big.iso.part"]);
    assert!(!all_text_under(&data).contains(PASSWORD));

    // The same link again continues where it stopped, the password sent again.
    let output = cli_with_data(&data)
        .args(["-r", "0", "--split", "1", "-o"])
        .arg(&out)
        .arg(&url)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        server.requests()[1].contains("range=2097152"),
        "{:?}",
        server.requests()
    );
    assert!(std::fs::read(out.join("big.iso")).unwrap() == body_for("big.iso", size));
    assert_eq!(files_in(&out), ["big.iso"]);
}

#[test]
fn https_to_http_redirects_are_refused_unless_allowed() {
    let server = TestServer::start();
    let target = server.url("down.bin?size=10");
    let port = https_server_answering(format!(
        "HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    ));
    let dir = tempfile::tempdir().unwrap();
    let trusted = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/self-signed-cert.pem"
    );
    let attempt = |extra: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        let output = cli_with_data(&dir.path().join("data"))
            .env("SSL_CERT_FILE", trusted)
            .args(["-r", "0", "-o"])
            .arg(out.path())
            .args(extra)
            .arg(format!("https://127.0.0.1:{port}/secure.bin"))
            .output()
            .unwrap();
        (output, files_in(out.path()))
    };
    let (output, files) = attempt(&[]);
    let (stdout, _) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "#1 failed  the server redirected from a secure https:// address to an insecure \
             one ({target}); it was not followed"
        )),
        "{stdout}"
    );
    assert!(files.is_empty());
    let (output, files) = attempt(&["--allow-insecure-redirects"]);
    assert!(output.status.success(), "{}", text(&output).0);
    assert_eq!(files, ["down.bin"]);
}

#[test]
fn odd_answers_get_their_own_sentences() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        server.url("bad?badheader=1"),
        server.url("away?redirect=file%3A%2F%2F%2Fetc%2Fpasswd"),
        server.url("latin?size=10&cd=attachment%3B%20filename*%3DISO-8859-1''caf%25E9.txt"),
    ];
    let mut cfg = config(Mode::Map, 3, dir.path());
    cfg.retries = 3;
    let done = run(jobs(&lines), cfg);
    let error = |i| done.item(i).outcome.error().map(ToString::to_string);
    assert_eq!(
        error(1).as_deref(),
        Some("the server sent a malformed answer")
    );
    assert_eq!(done.item(1).retries, 0, "a malformed answer is not retried");
    assert_eq!(
        error(2).as_deref(),
        Some("the server redirected to an address that cannot be downloaded (file:///etc/passwd)")
    );
    assert_eq!(done.item(3).outcome, Outcome::Done);
    assert_eq!(files_in(dir.path()), ["café.txt"]);
}
