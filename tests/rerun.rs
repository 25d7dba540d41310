//! Running a list again asks the server: a file this link saved is skipped only while the
//! server still has that version; a changed one is downloaded again under a new name; a file
//! of the same name that Downpour did not save is kept and said, never taken for this link's.

use crate::util::server::{TestServer, body_for};
use crate::util::{config, files_in, jobs, run};
use downpour::{DownloadError, Mode, Outcome};

#[test]
fn a_rerun_skips_only_what_the_server_still_has_and_fetches_a_changed_file_anew() {
    // From its second request on, the server has version 2 of latest.zip: other bytes (of
    // the same size) under another ETag.
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let line = server.url("latest.zip?size=5000&bump=1");
    let first = run(
        jobs(std::slice::from_ref(&line)),
        config(Mode::Submit, 2, dir.path()),
    );
    assert_eq!(first.item(1).outcome, Outcome::Done);

    let second = run(
        jobs(std::slice::from_ref(&line)),
        config(Mode::Submit, 2, dir.path()),
    );
    let record = second.item(1);
    assert_eq!(record.outcome, Outcome::Done, "{record:?}");
    assert_eq!(
        record.path.as_deref(),
        Some(dir.path().join("latest (1).zip").as_path())
    );
    assert!(std::fs::read(dir.path().join("latest.zip")).unwrap() == body_for("/latest.zip", 5000));
    assert!(
        std::fs::read(dir.path().join("latest (1).zip")).unwrap()
            == body_for("/latest.zip#2", 5000)
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(requests[1].ends_with("&if-none-match"), "{requests:?}");

    // The server still has version 2: skipped, after one conditional request.
    let third = run(jobs(&[line]), config(Mode::Submit, 2, dir.path()));
    let record = third.item(1);
    assert_eq!(record.outcome, Outcome::Skipped, "{record:?}");
    assert_eq!(
        record.path.as_deref(),
        Some(dir.path().join("latest (1).zip").as_path())
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(requests[2].ends_with("&if-none-match"), "{requests:?}");
    assert_eq!(files_in(dir.path()), ["latest (1).zip", "latest.zip"]);
}

#[test]
fn a_file_of_the_same_name_and_size_that_downpour_did_not_save_is_kept_and_said() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    // The person's own file, of the very size the server announces.
    let mine = vec![b'm'; 4000];
    std::fs::write(dir.path().join("report.bin"), &mine).unwrap();
    let line = server.url("report.bin?size=4000");
    let done = run(jobs(&[line]), config(Mode::Submit, 2, dir.path()));
    let record = done.item(1);
    assert_eq!(
        record.outcome,
        Outcome::Failed(DownloadError::NameTaken {
            name: "report.bin".to_owned()
        }),
        "{record:?}"
    );
    let Outcome::Failed(err) = &record.outcome else {
        unreachable!()
    };
    assert!(
        err.to_string()
            .starts_with("a file of this name is already there (report.bin)"),
        "{err}"
    );
    assert_eq!(std::fs::read(dir.path().join("report.bin")).unwrap(), mine);
    assert_eq!(files_in(dir.path()), ["report.bin"]);
    assert_eq!(server.requests().len(), 1);
}
