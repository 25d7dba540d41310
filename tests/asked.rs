//! What a run asks the person while it goes (issue 28): the login a site wants, asked once per
//! site and realm while that site's files wait, proven by what the server received.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use downpour::net::access::Login;
use downpour::net::asking::LoginQuestion;
use downpour::redact::Secret;
use downpour::{Event, EventSink, Outcome, RunHandle, start_run};

use crate::util::server::{PASSWORD, TestServer, body_for};
use crate::util::{Finished, collect_after, config, jobs};

/// Three files of a site that asks for a login, on three workers of a run that asks.
fn three_asking_files(
    server: &TestServer,
    dir: &std::path::Path,
) -> (RunHandle, mpsc::Receiver<Event>) {
    let lines: Vec<String> = [("a.bin", 5000), ("b.bin", 7000), ("c.bin", 300)]
        .iter()
        .map(|(name, size)| server.url(&format!("{name}?auth=1&size={size}")))
        .collect();
    let mut cfg = config(downpour::Mode::Submit, 3, dir);
    cfg.access.ask_logins = true;
    let (tx, rx) = mpsc::channel();
    (start_run(jobs(&lines), cfg, EventSink::new(tx)), rx)
}

/// Waits until every one of the three files was refused once (each asked the server), and
/// returns the events so far: by then, the site's question.
fn until_all_asked(server: &TestServer, rx: &mpsc::Receiver<Event>) -> Vec<Event> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    while server.requests().len() < 3 || !seen.iter().any(is_question) {
        assert!(Instant::now() < deadline, "{seen:?}");
        if let Ok(event) = rx.recv_timeout(Duration::from_millis(20)) {
            seen.push(event);
        }
    }
    seen.extend(rx.try_iter());
    seen
}

fn is_question(event: &Event) -> bool {
    matches!(event, Event::LoginWanted(_))
}

fn questions(finished: &Finished) -> Vec<LoginQuestion> {
    finished
        .events
        .iter()
        .filter_map(|event| match event {
            Event::LoginWanted(question) => Some(question.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_site_that_asks_for_a_login_is_asked_once_and_its_files_wait_for_the_answer() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (handle, rx) = three_asking_files(&server, dir.path());
    let seen = until_all_asked(&server, &rx);
    // All three were refused, and none ended: they wait for the one answer.
    assert!(
        !seen.iter().any(|e| matches!(e, Event::ItemReported(_))),
        "{seen:?}"
    );
    let question = LoginQuestion {
        site: format!("127.0.0.1:{}", server.port()),
        realm: "test".into(),
    };
    handle.answer_login(
        &question,
        Some(Login {
            user: "ann".into(),
            password: Secret::new(PASSWORD),
        }),
    );
    let finished = collect_after(seen, rx);
    handle.join();
    assert_eq!(questions(&finished), [question]);
    for (index, (name, size)) in [("a.bin", 5000), ("b.bin", 7000), ("c.bin", 300)]
        .into_iter()
        .enumerate()
    {
        assert_eq!(finished.item(index + 1).outcome, Outcome::Done);
        assert!(std::fs::read(dir.path().join(name)).unwrap() == body_for(name, size));
    }
    // Each file asked twice: without a login, then with the one given.
    let heads = server.heads();
    assert_eq!(heads.len(), 6);
    let with_login = heads
        .iter()
        .filter(|head| head.to_ascii_lowercase().contains("authorization: basic"))
        .count();
    assert_eq!(with_login, 3);
}

#[test]
fn declining_the_login_fails_the_sites_files_as_refused() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (handle, rx) = three_asking_files(&server, dir.path());
    let seen = until_all_asked(&server, &rx);
    let Some(Event::LoginWanted(question)) = seen.iter().find(|e| is_question(e)).cloned() else {
        unreachable!()
    };
    handle.answer_login(&question, None);
    let finished = collect_after(seen, rx);
    handle.join();
    assert_eq!(questions(&finished).len(), 1);
    for index in 1..=3 {
        let Outcome::Failed(error) = &finished.item(index).outcome else {
            panic!("{:?}", finished.item(index).outcome);
        };
        assert!(
            error.to_string().starts_with("the server answered 401"),
            "{error}"
        );
    }
    // Nothing more was asked of the server, and nothing was saved.
    assert_eq!(server.heads().len(), 3);
    assert!(crate::util::files_in(dir.path()).is_empty());
}

#[test]
fn a_login_the_site_refuses_fails_that_file_and_the_next_one_asks_again() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        server.url("first.bin?auth=1&size=100"),
        server.url("second.bin?auth=1&size=200"),
    ];
    let mut cfg = config(downpour::Mode::Sequential, 1, dir.path());
    cfg.access.ask_logins = true;
    let (tx, rx) = mpsc::channel();
    let handle = start_run(jobs(&lines), cfg, EventSink::new(tx));
    let mut seen = Vec::new();
    let mut answers = [("ann", "wrong"), ("ann", PASSWORD)].into_iter();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "{seen:?}");
        let event = rx.recv_timeout(Duration::from_secs(60)).unwrap();
        if let Event::LoginWanted(question) = &event {
            let (user, password) = answers.next().expect("asked twice at most");
            let login = Login {
                user: user.into(),
                password: Secret::new(password),
            };
            handle.answer_login(question, Some(login));
        }
        let end = matches!(event, Event::RunFinished { .. });
        seen.push(event);
        if end {
            break;
        }
    }
    handle.join();
    let reported = seen
        .iter()
        .filter_map(|event| match event {
            Event::ItemReported(record) => Some(record.clone()),
            _ => None,
        })
        .collect();
    let finished = Finished {
        events: seen,
        reported,
    };
    assert_eq!(
        questions(&finished).len(),
        2,
        "asked again after the refusal"
    );
    assert!(matches!(finished.item(1).outcome, Outcome::Failed(_)));
    assert_eq!(finished.item(2).outcome, Outcome::Done);
    assert!(std::fs::read(dir.path().join("second.bin")).unwrap() == body_for("second.bin", 200));
}
