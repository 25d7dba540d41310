//! A new address for a file partly downloaded (issue 28, Change address…): the rest is asked
//! of the new address with `Range` and `If-Range`; the kept bytes stay only when the answer
//! proves it is the same file, proven by what the server received and the bytes on disk.

use downpour::redact::KeptUrl;
use downpour::{DownloadError, Job, Outcome};

use crate::util::server::{TestServer, body_for};
use crate::util::{collect_after, config, files_in, jobs, run, wait_for_bytes};

const SIZE: usize = 3_000_000;

/// A first run whose download of `big.bin` the person cancels part-way: its partial file
/// stays. Returns its address and the length kept.
fn cut_download(server: &TestServer, dir: &std::path::Path) -> (url::Url, usize) {
    let old = server.url(&format!("big.bin?size={SIZE}&drip=10&piece=16384&sig=old"));
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = downpour::start_run(
        jobs(std::slice::from_ref(&old)),
        config(downpour::Mode::Submit, 1, dir),
        downpour::EventSink::new(tx),
    );
    wait_for_bytes(&rx, 1_300_000);
    handle.pause(1);
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|e| matches!(e, downpour::Event::ItemPaused { .. }))
    {
        seen.push(rx.recv_timeout(std::time::Duration::from_secs(20)).unwrap());
    }
    handle.cancel_item(1);
    let finished = collect_after(seen, rx);
    handle.join();
    assert_eq!(finished.item(1).outcome, Outcome::Cancelled(None));
    assert_eq!(files_in(dir), ["big.bin.part"], "{:?}", finished.events);
    let kept = std::fs::metadata(dir.join("big.bin.part")).unwrap().len() as usize;
    assert!((1_300_000..SIZE).contains(&kept), "{kept}");
    (url::Url::parse(&old).unwrap(), kept)
}

/// The item at `new`, which was downloading `old` (Change address…).
fn moved(new: &str, old: Option<&url::Url>) -> Vec<Job> {
    vec![Job {
        index: 1,
        url: url::Url::parse(new).unwrap(),
        sha256: None,
        previous: old.map(KeptUrl::of),
        name: None,
        referer: None,
    }]
}

#[test]
fn a_new_address_of_the_same_file_continues_the_kept_bytes() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (old, kept) = cut_download(&server, dir.path());
    let before = server.heads().len();
    let new = server.url(&format!("big.bin?size={SIZE}&sig=new"));
    let finished = run(
        moved(&new, Some(&old)),
        config(downpour::Mode::Sequential, 1, dir.path()),
    );
    assert_eq!(finished.item(1).outcome, Outcome::Done);
    assert!(std::fs::read(dir.path().join("big.bin")).unwrap() == body_for("big.bin", SIZE));
    assert_eq!(files_in(dir.path()), ["big.bin"]);
    // One request to the new address: the rest, from the kept length, of the kept version.
    let heads = &server.heads()[before..];
    assert_eq!(heads.len(), 1, "{heads:?}");
    let head = heads[0].to_ascii_lowercase();
    assert!(head.contains("sig=new"), "{head}");
    assert!(head.contains(&format!("range: bytes={kept}-")), "{head}");
    assert!(head.contains("if-range: \""), "{head}");
}

#[test]
fn a_new_address_of_another_file_keeps_the_bytes_until_the_person_starts_over() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (old, kept) = cut_download(&server, dir.path());
    let before = server.heads().len();
    // Another version (another ETag): If-Range gets the whole other file.
    let new = server.url(&format!("big.bin?size={SIZE}&node=7"));
    let finished = run(
        moved(&new, Some(&old)),
        config(downpour::Mode::Sequential, 1, dir.path()),
    );
    assert_eq!(
        finished.item(1).outcome,
        Outcome::Failed(DownloadError::NotSameFile)
    );
    // Asked once, for the rest; nothing of its answer was joined to the kept bytes.
    let heads = &server.heads()[before..];
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0]
            .to_ascii_lowercase()
            .contains(&format!("range: bytes={kept}-"))
    );
    assert_eq!(files_in(dir.path()), ["big.bin.part"]);
    let part = std::fs::read(dir.path().join("big.bin.part")).unwrap();
    assert!(part == body_for("big.bin", SIZE)[..kept]);

    // The person agrees to start over from the new address.
    let finished = run(
        moved(&new, None),
        config(downpour::Mode::Sequential, 1, dir.path()),
    );
    assert_eq!(finished.item(1).outcome, Outcome::Done);
    assert!(std::fs::read(dir.path().join("big.bin")).unwrap() == body_for("big.bin", SIZE));
    assert_eq!(files_in(dir.path()), ["big.bin"]);
}
