//! Digest logins (issue 28) against the test server's strict Digest check: the file arrives
//! byte for byte, whole and in range pieces (each request its own client nonce), a stale
//! nonce is answered again without asking, a wrong password is the server's 401, and a
//! redirect to another host gets neither the login nor an answer computed from it.

use downpour::net::access::Login;
use downpour::net::asking::LoginQuestion;
use downpour::redact::Secret;
use downpour::{DownloadError, Outcome};

use crate::util::server::{PASSWORD, TestServer, body_for};
use crate::util::{config, jobs, run};

/// A run of `lines` with the login `ann` and `password`, on `workers` workers.
fn with_login(
    lines: &[String],
    password: &str,
    workers: usize,
    dir: &std::path::Path,
) -> crate::util::Finished {
    let mut cfg = config(downpour::Mode::Submit, workers, dir);
    cfg.access.login = Some(Login {
        user: "ann".into(),
        password: Secret::new(password),
    });
    run(jobs(lines), cfg)
}

/// The `authorization` header lines the server received, in order (`None`: none sent).
fn authorizations(server: &TestServer) -> Vec<Option<String>> {
    server
        .heads()
        .iter()
        .map(|head| {
            head.lines()
                .find(|line| line.to_ascii_lowercase().starts_with("authorization:"))
                .map(str::to_owned)
        })
        .collect()
}

#[test]
fn a_digest_login_brings_the_file_byte_for_byte_with_md5_and_sha_256() {
    for kind in ["md5", "sha256"] {
        let server = TestServer::start();
        let dir = tempfile::tempdir().unwrap();
        let lines = [server.url(&format!("vault.bin?digest={kind}&size=70000"))];
        let done = with_login(&lines, PASSWORD, 1, dir.path());
        assert_eq!(done.item(1).outcome, Outcome::Done, "{kind}");
        assert!(
            std::fs::read(dir.path().join("vault.bin")).unwrap() == body_for("vault.bin", 70000)
        );
        // Asked once without a login, once with the Digest answer, never the password.
        let sent = authorizations(&server);
        assert_eq!(sent.len(), 2, "{kind}: {sent:?}");
        assert_eq!(sent[0], None);
        let answer = sent[1].as_deref().unwrap();
        assert!(
            answer.starts_with("authorization: Digest username=\"ann\""),
            "{answer}"
        );
        assert!(!server.heads().concat().contains(PASSWORD));
    }
}

#[test]
fn a_stale_nonce_is_answered_again_without_asking_the_person() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [server.url("old.bin?digest=sha256&stale=1&size=5000")];
    let done = with_login(&lines, PASSWORD, 1, dir.path());
    assert_eq!(done.item(1).outcome, Outcome::Done);
    assert!(std::fs::read(dir.path().join("old.bin")).unwrap() == body_for("old.bin", 5000));
    // Without, with the first nonce (stale), with the new one.
    let sent = authorizations(&server);
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent[1].is_some() && sent[2].is_some() && sent[1] != sent[2]);
}

#[test]
fn the_pieces_of_a_split_file_each_answer_the_digest_login() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let size = 6 * 1024 * 1024;
    let lines = [server.url(&format!("split.iso?digest=md5&size={size}&rate=2097152"))];
    let done = with_login(&lines, PASSWORD, 4, dir.path());
    let record = done.item(1);
    assert_eq!(record.outcome, Outcome::Done);
    assert!(record.pieces.len() >= 2, "{:?}", record.pieces);
    assert!(std::fs::read(dir.path().join("split.iso")).unwrap() == body_for("split.iso", size));
    // Every range asked was answered with a login (the server refuses a replayed client
    // nonce, so each carried its own).
    let ranged: Vec<String> = server
        .heads()
        .into_iter()
        .filter(|head| head.to_ascii_lowercase().contains("\r\nrange:"))
        .collect();
    assert!(!ranged.is_empty());
    let answered = ranged
        .iter()
        .filter(|head| head.contains("authorization: Digest"))
        .count();
    assert_eq!(answered * 2, server.heads().len() - 2, "{ranged:?}");
}

#[test]
fn a_wrong_password_is_answered_once_and_the_file_fails_with_the_login_sentence() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [server.url("vault.bin?digest=md5&size=1000")];
    let done = with_login(&lines, "wrong", 1, dir.path());
    let Outcome::Failed(error) = &done.item(1).outcome else {
        panic!("{:?}", done.item(1).outcome);
    };
    assert!(
        matches!(error, DownloadError::Status { code: 401, .. }),
        "{error}"
    );
    assert_eq!(error.to_string(), "the server answered 401 Unauthorized");
    assert_eq!(authorizations(&server).len(), 2);
    assert!(crate::util::files_in(dir.path()).is_empty());
}

#[test]
fn a_redirect_to_another_host_gets_neither_the_login_nor_an_answer_from_it() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    // After the login, the site sends the download to another host ("localhost" is another
    // name than 127.0.0.1), which asks for a Digest login of its own.
    let away = format!("http://localhost:{}/away.bin?digest=md5", server.port());
    let lines = [server.url(&format!("vault.bin?digest=md5&redirect={away}"))];
    let done = with_login(&lines, PASSWORD, 1, dir.path());
    let Outcome::Failed(error) = &done.item(1).outcome else {
        panic!("{:?}", done.item(1).outcome);
    };
    assert!(
        matches!(error, DownloadError::Status { code: 401, .. }),
        "{error}"
    );
    let heads = server.heads();
    let elsewhere: Vec<&String> = heads
        .iter()
        .filter(|head| head.to_ascii_lowercase().contains("\r\nhost: localhost"))
        .collect();
    // Reached once, without the login or any answer computed from it.
    assert_eq!(elsewhere.len(), 1, "{heads:?}");
    assert!(!elsewhere[0].to_ascii_lowercase().contains("authorization"));
    assert_eq!(heads.len(), 3, "{heads:?}");
}

#[test]
fn the_windows_question_and_netrc_answer_a_digest_login_too() {
    // The window's question: asked once, named by the Digest realm, answered.
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [server.url("asked.bin?digest=sha256&size=4000")];
    let mut cfg = config(downpour::Mode::Submit, 1, dir.path());
    cfg.access.ask_logins = true;
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = downpour::start_run(jobs(&lines), cfg, downpour::EventSink::new(tx));
    let question = loop {
        match rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap() {
            downpour::Event::LoginWanted(question) => break question,
            _ => continue,
        }
    };
    assert_eq!(
        question,
        LoginQuestion {
            site: format!("127.0.0.1:{}", server.port()),
            realm: "vault".into()
        }
    );
    handle.answer_login(
        &question,
        Some(Login {
            user: "ann".into(),
            password: Secret::new(PASSWORD),
        }),
    );
    let finished = crate::util::collect(rx);
    handle.join();
    assert_eq!(finished.item(1).outcome, Outcome::Done);
    assert!(std::fs::read(dir.path().join("asked.bin")).unwrap() == body_for("asked.bin", 4000));

    // ~/.netrc, through the command line.
    let netrc = dir.path().join("netrc");
    std::fs::write(
        &netrc,
        format!("machine 127.0.0.1 login ann password {PASSWORD}\n"),
    )
    .unwrap();
    let out = dir.path().join("cli");
    let output = crate::util::cli()
        .env("NETRC", &netrc)
        .args(["-r", "0", "-o"])
        .arg(&out)
        .arg(server.url("netrc.bin?digest=md5&size=3000"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(std::fs::read(out.join("netrc.bin")).unwrap() == body_for("netrc.bin", 3000));
    let answered = authorizations(&server)
        .iter()
        .flatten()
        .filter(|line| line.starts_with("authorization: Digest username=\"ann\""))
        .count();
    assert_eq!(answered, 2);
}
