//! Two Downpour processes (two windows, two CLIs, or one of each) and one unfinished file:
//! only one of them writes it.

use crate::util::server::{TestServer, body_for};
use crate::util::{cli_with_data, files_in, wait_until_size};

#[test]
fn a_second_process_leaves_a_file_being_downloaded_alone() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let size = 6 * 1024 * 1024;
    let url = server.url(&format!("shared.bin?size={size}&rate=1048576"));
    let first = cli_with_data(data.path())
        .args(["-r", "0", "--split", "1", "-o"])
        .arg(dir.path())
        .arg(&url)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Past 1 MiB and a second more: the first process has saved its resume record.
    wait_until_size(&dir.path().join("shared.bin.part"), 2_500_000);

    let second = cli_with_data(data.path())
        .args(["-r", "0", "--split", "1", "-o"])
        .arg(dir.path())
        .arg(&url)
        .output()
        .unwrap();
    let said = String::from_utf8(second.stdout).unwrap();
    assert_eq!(second.status.code(), Some(1), "{said}");
    assert!(
        said.contains("this file is being downloaded by another Downpour"),
        "{said}"
    );

    let output = first.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("#1 done  shared.bin"), "{stdout}");
    assert!(std::fs::read(dir.path().join("shared.bin")).unwrap() == body_for("shared.bin", size));
    assert_eq!(files_in(dir.path()), ["shared.bin"]);
    assert_eq!(
        server.requests().len(),
        1,
        "the second process asked nothing: {:?}",
        server.requests()
    );
}
