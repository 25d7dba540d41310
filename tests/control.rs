//! The person's hold on a running batch, against the real test server: pause and resume one
//! file (continued with `Range`), cancel one, move waiting ones, add links to a running run,
//! pause and resume everything, the speed limit, and re-runs that skip what is done.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::util::server::{TestServer, body_for};
use crate::util::{cli_with_data, collect_after, config, files_in, jobs};
use downpour::hash::sha256_hex;
use downpour::run::Move;
use downpour::{Event, EventSink, Job, Mode, Outcome, RunHandle, start_run};

/// Starts a run and returns its handle and events.
fn start(
    lines: &[String],
    mode: Mode,
    workers: usize,
    dir: &std::path::Path,
) -> (RunHandle, mpsc::Receiver<Event>) {
    let (tx, rx) = mpsc::channel();
    let mut cfg = config(mode, workers, dir);
    cfg.progress_interval = Duration::ZERO;
    (start_run(jobs(lines), cfg, EventSink::new(tx)), rx)
}

/// Waits (at most 20 s) for the first event that `wanted` picks, keeping every event seen.
fn wait_for<T>(
    rx: &mpsc::Receiver<Event>,
    seen: &mut Vec<Event>,
    wanted: impl Fn(&Event) -> Option<T>,
) -> T {
    loop {
        let event = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the event arrives");
        let found = wanted(&event);
        seen.push(event);
        if let Some(found) = found {
            return found;
        }
    }
}

fn progress_of(index: usize, at_least: u64) -> impl Fn(&Event) -> Option<()> {
    move |e| {
        matches!(e, Event::Progress { index: i, bytes } if *i == index && *bytes >= at_least)
            .then_some(())
    }
}

/// A slow file: `size` bytes sent 16 KiB every 10 ms (about 1.6 MB/s).
fn slow(server: &TestServer, name: &str, size: usize) -> String {
    server.url(&format!("{name}?size={size}&drip=10&piece=16384"))
}

#[test]
fn a_paused_file_keeps_its_part_and_continues_with_a_range_request() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let size = 3 * 1024 * 1024;
    let (handle, rx) = start(
        &[slow(&server, "big.iso", size)],
        Mode::Submit,
        1,
        dir.path(),
    );
    let mut seen = Vec::new();
    wait_for(&rx, &mut seen, progress_of(1, 1_200_000));
    handle.pause(1);
    let kept = wait_for(&rx, &mut seen, |e| match e {
        Event::ItemPaused { index: 1, bytes } => Some(*bytes),
        _ => None,
    });
    assert!(kept >= 1_200_000, "{kept}");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(files_in(dir.path()), ["big.iso.part"]);
    assert_eq!(
        std::fs::metadata(dir.path().join("big.iso.part"))
            .unwrap()
            .len(),
        kept
    );
    assert!(!handle.is_finished(), "a paused item keeps the run open");
    handle.resume(1);
    let done = collect_after(seen, rx);
    let record = done.item(1);
    assert_eq!(record.outcome, Outcome::Done);
    assert!(
        done.events
            .iter()
            .any(|e| matches!(e, Event::ItemResumed { index: 1 }))
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests[1].ends_with(&format!("range={kept}")),
        "{requests:?}"
    );
    let expected = body_for("big.iso", size);
    assert!(std::fs::read(dir.path().join("big.iso")).unwrap() == expected);
    assert_eq!(record.sha256.as_deref(), Some(&*sha256_hex(&expected)));
    assert_eq!(files_in(dir.path()), ["big.iso"]);
}

#[test]
fn a_paused_file_holds_back_later_results_in_map_mode() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        slow(&server, "first.bin", 2_000_000),
        server.url("second.bin?size=1000"),
        server.url("third.bin?size=1000"),
    ];
    let (handle, rx) = start(&lines, Mode::Map, 3, dir.path());
    let mut seen = Vec::new();
    wait_for(&rx, &mut seen, progress_of(1, 100_000));
    handle.pause(1);
    wait_for(&rx, &mut seen, |e| {
        matches!(e, Event::ItemPaused { index: 1, .. }).then_some(())
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !rx.try_iter().any(|e| matches!(e, Event::ItemReported(_))),
        "2 and 3 are done but wait for 1"
    );
    handle.resume(1);
    let done = collect_after(seen, rx);
    assert_eq!(done.order(), [1, 2, 3]);
    assert!(done.reported.iter().all(|r| r.outcome == Outcome::Done));
}

#[test]
fn one_cancelled_file_ends_and_the_others_go_on() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        server.url("a.bin?size=200000&delay=300"),
        slow(&server, "b.bin", 3_000_000),
        server.url("c.bin?size=1000"),
    ];
    let (handle, rx) = start(&lines, Mode::Submit, 2, dir.path());
    let mut seen = Vec::new();
    // Past the first MiB, so that its partial file is worth keeping for a later run.
    wait_for(&rx, &mut seen, progress_of(2, 1_200_000));
    handle.cancel_item(2);
    let done = collect_after(seen, rx);
    assert_eq!(done.item(2).outcome, Outcome::Cancelled(None));
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert_eq!(done.item(3).outcome, Outcome::Done);
    assert_eq!(files_in(dir.path()), ["a.bin", "b.bin.part", "c.bin"]);
}

#[test]
fn waiting_files_can_be_moved_before_a_worker_takes_them() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut lines = vec![server.url("one?size=100&delay=600")];
    lines.extend((2..=4).map(|i| server.url(&format!("f{i}?size=100"))));
    let (handle, rx) = start(&lines, Mode::Sequential, 1, dir.path());
    let mut seen = Vec::new();
    wait_for(&rx, &mut seen, |e| {
        matches!(e, Event::ItemStarted { index: 1, .. }).then_some(())
    });
    assert!(handle.move_item(4, Move::Top));
    assert!(handle.move_item(2, Move::Down));
    assert!(
        !handle.move_item(1, Move::Top),
        "a running item does not move"
    );
    let done = collect_after(seen, rx);
    let started: Vec<usize> = done
        .events
        .iter()
        .filter_map(|e| match e {
            Event::ItemStarted { index, .. } => Some(*index),
            _ => None,
        })
        .collect();
    assert_eq!(started, [1, 4, 3, 2]);
    assert_eq!(
        done.order(),
        [1, 4, 3, 2],
        "sequential reports in the order of the queue"
    );
}

#[test]
fn links_added_to_a_running_run_follow_its_mode() {
    let server = TestServer::start();
    for (mode, expected) in [(Mode::Map, vec![1, 2, 3]), (Mode::Submit, vec![3, 2, 1])] {
        let dir = tempfile::tempdir().unwrap();
        let (handle, rx) = start(
            &[server.url("slow?size=100&delay=1200")],
            mode,
            4,
            dir.path(),
        );
        let mut seen = Vec::new();
        wait_for(&rx, &mut seen, |e| {
            matches!(e, Event::ItemStarted { index: 1, .. }).then_some(())
        });
        let more = downpour::parse_list(&format!(
            "{}\n{}\n{}",
            server.url("unused"),
            server.url("mid?size=100&delay=500"),
            server.url("fast?size=100")
        ));
        let added: Vec<Job> = more.entries.iter().skip(1).map(Job::from).collect();
        handle.add(added).expect("the run takes them");
        let done = collect_after(seen, rx);
        assert_eq!(done.order(), expected, "{mode:?}");
        assert!(
            done.reported.iter().all(|r| r.outcome == Outcome::Done),
            "{mode:?}"
        );
        let late = handle.add(vec![Job::from(&more.entries[0])]);
        assert!(late.is_err(), "a finished run takes no more");
    }
}

#[test]
fn pause_all_stops_everything_and_resume_all_finishes_it() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (1..=3)
        .map(|i| slow(&server, &format!("p{i}.bin"), 1_500_000))
        .collect();
    let (handle, rx) = start(&lines, Mode::Submit, 2, dir.path());
    let mut seen = Vec::new();
    wait_for(&rx, &mut seen, progress_of(2, 50_000));
    handle.pause_all();
    let mut paused = Vec::new();
    while paused.len() < 3 {
        paused.push(wait_for(&rx, &mut seen, |e| match e {
            Event::ItemPaused { index, .. } => Some(*index),
            _ => None,
        }));
    }
    paused.sort();
    assert_eq!(paused, [1, 2, 3]);
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        !rx.try_iter().any(|e| matches!(e, Event::Progress { .. })),
        "nothing moves while everything is paused"
    );
    handle.resume_all();
    let done = collect_after(seen, rx);
    assert!(done.reported.iter().all(|r| r.outcome == Outcome::Done));
    for i in 1..=3 {
        let name = format!("p{i}.bin");
        assert!(std::fs::read(dir.path().join(&name)).unwrap() == body_for(&name, 1_500_000));
    }
}

#[test]
fn a_paused_file_that_is_cancelled_keeps_its_part_for_a_later_run() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let size = 3 * 1024 * 1024;
    let line = slow(&server, "keep.iso", size);
    let (handle, rx) = start(std::slice::from_ref(&line), Mode::Submit, 1, dir.path());
    let mut seen = Vec::new();
    wait_for(&rx, &mut seen, progress_of(1, 1_300_000));
    handle.pause(1);
    let kept = wait_for(&rx, &mut seen, |e| match e {
        Event::ItemPaused { index: 1, bytes } => Some(*bytes),
        _ => None,
    });
    handle.cancel_item(1);
    let done = collect_after(seen, rx);
    assert_eq!(done.item(1).outcome, Outcome::Cancelled(None));
    assert_eq!(files_in(dir.path()), ["keep.iso.part"]);
    // The next run continues it.
    let done = crate::util::run(jobs(&[line]), config(Mode::Submit, 1, dir.path()));
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert!(
        server
            .requests()
            .last()
            .unwrap()
            .ends_with(&format!("range={kept}"))
    );
    assert!(std::fs::read(dir.path().join("keep.iso")).unwrap() == body_for("keep.iso", size));
}

#[test]
fn the_speed_limit_holds_the_run_to_its_rate_and_can_change() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let rate = 512 * 1024;
    let lines: Vec<String> = (1..=2)
        .map(|i| server.url(&format!("r{i}.bin?size=786432")))
        .collect();
    let mut cfg = config(Mode::Submit, 2, dir.path());
    cfg.rate_limit = Some(rate);
    let started = Instant::now();
    let done = crate::util::run(jobs(&lines), cfg);
    let secs = started.elapsed().as_secs_f64();
    assert!(done.reported.iter().all(|r| r.outcome == Outcome::Done));
    // 1.5 MiB at 512 KiB/s: 3 s at the least; the limit is never exceeded by more than its
    // small burst.
    assert!(secs >= 2.7, "{secs} s: faster than the limit");
    assert!(secs < 9.0, "{secs} s: far slower than the limit");

    // Lifted during a run, the rest goes at full speed.
    let dir = tempfile::tempdir().unwrap();
    let (tx, rx) = mpsc::channel();
    let mut cfg = config(Mode::Submit, 1, dir.path());
    cfg.rate_limit = Some(64 * 1024);
    cfg.progress_interval = Duration::ZERO;
    let handle = start_run(
        jobs(&[server.url("big.bin?size=4000000")]),
        cfg,
        EventSink::new(tx),
    );
    let mut seen = Vec::new();
    wait_for(&rx, &mut seen, progress_of(1, 64 * 1024));
    handle.set_rate_limit(None);
    let lifted = Instant::now();
    let done = collect_after(seen, rx);
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert!(
        lifted.elapsed() < Duration::from_secs(10),
        "4 MB at 64 KiB/s would take a minute"
    );
}

#[test]
fn running_a_list_again_skips_what_is_already_there() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (data, out) = (dir.path().join("data"), dir.path().join("out"));
    std::fs::create_dir(&out).unwrap();
    // Files the person had: one the size the server announces, one another size.
    std::fs::write(out.join("same.bin"), body_for("same.bin", 4000)).unwrap();
    std::fs::write(out.join("other.bin"), b"mine").unwrap();
    let urls = [
        server.url("a.bin?size=3000"),
        server.url("same.bin?size=4000"),
        server.url("other.bin?size=5000"),
    ];
    let first = cli_with_data(&data)
        .args(["-m", "map", "-o"])
        .arg(&out)
        .args(&urls)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert_eq!(first.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("#1 done  a.bin"), "{stdout}");
    // Not Downpour's file: kept, said, and not taken for this link's download.
    assert!(
        stdout.contains("#2 failed  a file of this name is already there (same.bin)"),
        "{stdout}"
    );
    assert!(stdout.contains("#3 done  other (1).bin"), "{stdout}");
    assert_eq!(std::fs::read(out.join("other.bin")).unwrap(), b"mine");

    let again = cli_with_data(&data)
        .args(["-m", "map", "-o"])
        .arg(&out)
        .args([&urls[0], &urls[2]])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert_eq!(
        again.status.code(),
        Some(0),
        "skipped counts as success: {stdout}"
    );
    assert!(
        stdout.contains("#1 skipped  already there  a.bin"),
        "{stdout}"
    );
    assert!(
        stdout.contains("#2 skipped  already there  other (1).bin"),
        "{stdout}"
    );
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        5,
        "the second run asked whether the server still has each: {requests:?}"
    );
    assert!(
        requests[3..].iter().all(|r| r.ends_with("&if-none-match")),
        "{requests:?}"
    );
    assert_eq!(
        files_in(&out),
        ["a.bin", "other (1).bin", "other.bin", "same.bin"]
    );

    let both = cli_with_data(&data)
        .args(["-m", "map", "--existing", "keep-both", "-o"])
        .arg(&out)
        .arg(&urls[0])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&both.stdout).contains("#1 done  a (1).bin"));
}

#[test]
fn the_cli_speed_limit_is_kept() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let output = cli_with_data(&dir.path().join("data"))
        .args(["--limit-rate", "256K", "-o"])
        .arg(dir.path().join("out"))
        .arg(server.url("lim.bin?size=655360"))
        .output()
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert!(output.status.success());
    // 640 KiB at 256 KiB/s: 2.5 s at the least.
    assert!(secs >= 2.2, "{secs} s");
    let bad = cli_with_data(&dir.path().join("data"))
        .args(["--limit-rate", "fast", "x"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("'fast' is not a speed"));
}
