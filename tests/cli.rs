//! `downpour-cli` as a script would use it: output lines in the mode's order, exit codes and
//! the JSON report, against a real server on 127.0.0.1.

use std::process::Command;

use crate::util::server::{TestServer, body_for};

use crate::util::cli;

fn index_order(stdout: &str) -> Vec<usize> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect()
}

#[test]
fn prints_results_in_mode_order_and_writes_the_report() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = [900, 100, 500]
        .iter()
        .enumerate()
        .map(|(i, ms)| server.url(&format!("p{}.png?size=65536&delay={ms}", i + 1)))
        .collect();
    for (mode, expected) in [("map", vec![1, 2, 3]), ("submit", vec![2, 3, 1])] {
        let out_dir = dir.path().join(mode);
        let json = dir.path().join(format!("{mode}.json"));
        // The submit run also shows that --no-checksum leaves the report without SHA-256.
        let checksums = mode == "map";
        let output = cli()
            .args((!checksums).then_some("--no-checksum"))
            .args(["--mode", mode, "-j", "3", "--retries", "0", "-o"])
            .arg(&out_dir)
            .arg("--json")
            .arg(&json)
            .args(&urls)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            output.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(index_order(&stdout), expected, "{stdout}");
        let first = stdout.lines().next().unwrap();
        assert!(first.contains(" done  p"), "{first}");
        assert!(first.contains("  64.0 KiB  "), "{first}");
        assert!(first.contains("  worker "), "{first}");
        let last = stdout.lines().last().unwrap();
        assert!(
            last.starts_with("total time: ") && last.ends_with(" s"),
            "{last}"
        );
        for i in 1..=3 {
            let name = format!("p{i}.png");
            assert_eq!(
                std::fs::read(out_dir.join(&name)).unwrap(),
                body_for(&name, 65536)
            );
        }
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(report["mode"], mode);
        assert_eq!(report["workers"], 3);
        assert!(report["elapsed_ms"].as_u64().unwrap() >= 900);
        let items = report["items"].as_array().unwrap();
        let order: Vec<u64> = items.iter().map(|i| i["index"].as_u64().unwrap()).collect();
        assert_eq!(
            order,
            expected.iter().map(|&i| i as u64).collect::<Vec<_>>()
        );
        for item in items {
            for key in [
                "url",
                "path",
                "bytes",
                "worker",
                "started_ms",
                "first_byte_ms",
                "finished_ms",
                "reported_ms",
            ] {
                assert!(!item[key].is_null(), "{key} in {item}");
            }
            assert_eq!(item["status"], "done");
            assert!(item["error"].is_null());
            let sha256 = item["sha256"].as_str();
            if checksums {
                assert!(sha256.is_some_and(|h| h.len() == 64), "{item}");
            } else {
                assert_eq!(sha256, None, "{item}");
            }
        }
    }
}

#[test]
fn exit_status_tells_failures_and_bad_usage() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    std::fs::write(
        &list,
        format!(
            "# two files\n{}\n{}\nftp://nope/x\n",
            server.url("a.txt?size=5"),
            server.url("b?status=404")
        ),
    )
    .unwrap();
    let output = cli()
        .args(["-m", "sequential", "-r", "0", "-i"])
        .arg(&list)
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stdout.contains("#2 failed  the server answered 404 Not Found"),
        "{stdout}"
    );
    assert!(
        stderr.contains(
            "line 4 skipped: only http:// and https:// links can be downloaded, not ftp:"
        ),
        "{stderr}"
    );

    let output = cli()
        .args(["--workers", "65", "http://127.0.0.1:1/x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("'--workers <N>': must be a number from 1 to 64")
    );

    let output = cli()
        .args(["-o"])
        .arg(dir.path())
        .arg("not a url")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no valid URL to download"));
}

#[test]
fn reads_the_list_from_stdin() {
    use std::io::Write;
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut child = cli()
        .args(["-i", "-", "-o"])
        .arg(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(
        child.stdin.take().unwrap(),
        "{}",
        server.url("s.bin?size=2048")
    )
    .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        std::fs::read(dir.path().join("s.bin")).unwrap(),
        body_for("s.bin", 2048)
    );
}

#[test]
fn a_full_disk_fails_the_item_removes_its_part_and_stops_the_rest() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    // A file size limit of 200 KiB stands in for a full disk; SIGXFSZ is ignored so writes
    // fail with EFBIG as they would with ENOSPC.
    let script = format!(
        "trap '' XFSZ; ulimit -f 200; exec '{}' -m sequential -r 0 -o '{}' '{}' '{}' '{}'",
        env!("CARGO_BIN_EXE_downpour-cli"),
        dir.path().display(),
        server.url("small.bin?size=50000"),
        server.url("huge.bin?size=1000000"),
        server.url("after.bin?size=1000"),
    );
    let output = Command::new("bash").args(["-c", &script]).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("#1 done  small.bin"), "{stdout}");
    assert!(
        stdout.contains("#2 failed  the disk is full — free some space and retry"),
        "{stdout}"
    );
    assert!(
        stdout.contains("#3 cancelled: the disk is full — free some space and retry"),
        "every item stopped by the full disk says so: {stdout}"
    );
    assert_eq!(
        crate::util::files_in(dir.path()),
        ["small.bin"],
        "no .part left behind"
    );
}

#[test]
fn a_list_file_in_another_encoding_still_yields_its_links() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("latin1.txt");
    let mut bytes = b"# caf\xe9 \xff\xfe\n".to_vec();
    bytes.extend_from_slice(server.url("enc.bin?size=64").as_bytes());
    bytes.push(b'\n');
    std::fs::write(&list, bytes).unwrap();
    let out = dir.path().join("out");
    let output = cli()
        .arg("-i")
        .arg(&list)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read(out.join("enc.bin")).unwrap(),
        body_for("enc.bin", 64)
    );
}

#[test]
fn a_run_killed_mid_download_resumes_where_it_stopped() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let size = 4 * 1024 * 1024;
    let url = server.url(&format!("disk.img?size={size}&stall_first=3000000"));
    // One connection, so that the stall holds the whole file (split files: control.rs).
    let mut child = cli()
        .args(["-r", "0", "--split", "1", "-o"])
        .arg(dir.path())
        .arg(&url)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::util::wait_until_size(&dir.path().join("disk.img.part"), 3_000_000);
    // Like a crash or a power cut: no chance to clean up.
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        crate::util::files_in(dir.path()),
        ["disk.img.part"],
        "the resume record is kept in Downpour's data folder, not in the save folder"
    );

    let output = cli()
        .args(["-r", "0", "--split", "1", "-o"])
        .arg(dir.path())
        .arg(&url)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("#1 done  disk.img"), "{stdout}");
    let requests = server.requests();
    assert!(requests[1].contains("range=3000000"), "{requests:?}");
    assert!(std::fs::read(dir.path().join("disk.img")).unwrap() == body_for("disk.img", size));
    assert_eq!(crate::util::files_in(dir.path()), ["disk.img"]);
}

#[cfg(target_os = "linux")]
#[test]
fn an_unresolvable_host_is_named_and_the_other_links_still_download() {
    let Some(net) = crate::util::netns::IsolatedNetwork::new() else {
        eprintln!("SKIPPED: cannot create a network namespace here (needs root)");
        return;
    };
    let server = net.server();
    let dir = tempfile::tempdir().unwrap();
    let output = net
        .cli()
        .args(["-m", "map", "-r", "1", "-o"])
        .arg(dir.path())
        .arg(server.url("before.bin?size=5000"))
        .arg("http://no-such-host.invalid/file.zip")
        .arg(server.url("after.bin?size=7000"))
        .arg("http://bücher.invalid/katalog.pdf")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "#2 failed  could not find the server no-such-host.invalid — check the address and \
             your connection"
        ),
        "{stdout}"
    );
    // An internationalized host name reads as written, not as its xn-- form.
    assert!(
        stdout.contains(
            "#4 failed  could not find the server bücher.invalid — check the address and your \
             connection  http://bücher.invalid/katalog.pdf"
        ),
        "{stdout}"
    );
    assert_eq!(index_order(&stdout), [1, 2, 3, 4]);
    assert!(std::fs::read(dir.path().join("before.bin")).unwrap() == body_for("before.bin", 5000));
    assert!(std::fs::read(dir.path().join("after.bin")).unwrap() == body_for("after.bin", 7000));
    assert_eq!(
        crate::util::files_in(dir.path()),
        ["after.bin", "before.bin"]
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_read_only_folder_is_a_clear_error_and_nothing_is_written() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("mine.txt"), b"keep me").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permission bits, so run the CLI as `nobody` when the tests run as root.
    let mut command = if std::fs::metadata("/proc/self").unwrap().uid() == 0 {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_downpour-cli"));
        c
    } else {
        cli()
    };
    use std::os::unix::fs::MetadataExt;
    let output = command
        .args(["-r", "0", "-o"])
        .arg(&locked)
        .arg(server.url("a.bin?size=1000"))
        .arg(server.url("b.bin?size=1000"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert_eq!(
        stderr.lines().next().unwrap_or_default(),
        format!(
            "downpour-cli: cannot save into {}: permission denied",
            locked.display()
        )
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "no --help hint for a folder problem: {stderr}"
    );
    assert!(
        server.requests().is_empty(),
        "nothing was fetched for nowhere"
    );
    assert_eq!(crate::util::files_in(&locked), ["mine.txt"]);
    assert_eq!(std::fs::read(locked.join("mine.txt")).unwrap(), b"keep me");
}

#[test]
fn unreadable_trusted_certificates_fail_only_the_https_links() {
    let https_port = crate::util::server::self_signed_https_server();
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let no_certs = dir.path().join("no-certs");
    std::fs::create_dir(&no_certs).unwrap();
    let out_dir = dir.path().join("out");
    // Points the system's trusted certificates at an empty folder: none can be read.
    let output = cli()
        .env("SSL_CERT_FILE", no_certs.join("none.pem"))
        .env("SSL_CERT_DIR", &no_certs)
        .args(["--mode", "map", "-j", "2", "--retries", "0", "-o"])
        .arg(&out_dir)
        .arg(format!("https://127.0.0.1:{https_port}/secret.bin"))
        .arg(server.url("plain.bin?size=5000"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "#1 failed  the secure connection to 127.0.0.1 could not be verified (this \
             computer's list of trusted certificates could not be read); nothing was \
             downloaded  https://127.0.0.1:{https_port}/secret.bin"
        )
    );
    assert!(
        lines[1].starts_with("#2 done  plain.bin  4.9 KiB"),
        "{stdout}"
    );
    assert!(std::fs::read(out_dir.join("plain.bin")).unwrap() == body_for("plain.bin", 5000));
    assert_eq!(
        std::fs::read_dir(&out_dir).unwrap().count(),
        1,
        "nothing else saved"
    );
}

#[test]
fn the_readme_shows_the_cli_help() {
    let output = cli().arg("-h").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    let readme = include_str!("../README.md");
    let start = readme
        .find("<!-- cli-help -->\n```\n")
        .expect("the README marks the help");
    let shown = &readme[start + "<!-- cli-help -->\n```\n".len()..];
    let shown = &shown[..shown.find("```").expect("the help block ends")];
    assert_eq!(
        shown, help,
        "the README's copy of `downpour-cli -h` is out of date"
    );
}
