//! Reaching links behind proxies, logins, cookies and hotlink checks (issue 28), against real
//! proxies (microsocks, tinyproxy) and the test server, each proven by what the servers
//! received.

use std::net::IpAddr;

use crate::util::proxies::{HTTP_PROXY_EXIT, Proxy, SOCKS_EXIT};
use crate::util::server::{PASSWORD, TestServer, body_for};

/// The proxy variables a test's environment may hold, removed so each test sets its own.
const PROXY_VARIABLES: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// `downpour-cli` with no proxy in its environment and no `.netrc` of the machine's.
fn cli() -> std::process::Command {
    let mut command = crate::util::cli();
    for name in PROXY_VARIABLES {
        command.env_remove(name);
    }
    command.env("NETRC", "/nonexistent/.netrc");
    command
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// Runs `command` and returns (exit code, stdout, stderr).
fn output(command: &mut std::process::Command) -> (Option<i32>, String, String) {
    let output = command.output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_socks5h_proxy_in_all_proxy_carries_every_link_and_a_dead_one_is_named() {
    let Some(mut socks) = Proxy::socks(None) else {
        return;
    };
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let all_proxy = format!("socks5h://127.0.0.1:{}", socks.port());
    let (code, stdout, stderr) = output(
        cli()
            .env("ALL_PROXY", &all_proxy)
            .args(["-m", "map", "-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("one.bin?size=70000"))
            .arg(server.url("two.bin?size=3000")),
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(std::fs::read(dir.path().join("one.bin")).unwrap() == body_for("one.bin", 70000));
    assert!(std::fs::read(dir.path().join("two.bin")).unwrap() == body_for("two.bin", 3000));
    // Every connection the server got came from the proxy's own address.
    let peers = server.peers();
    assert!(!peers.is_empty());
    assert!(
        peers.iter().all(|peer| *peer == ip(SOCKS_EXIT)),
        "{peers:?}"
    );

    socks.stop();
    let (code, stdout, _) = output(
        cli()
            .env("all_proxy", &all_proxy)
            .args(["-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("three.bin?size=3000")),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.starts_with(&format!(
            "#1 failed  could not connect to the proxy {all_proxy}: "
        )),
        "{stdout}"
    );
    assert_eq!(server.requests().len(), 2, "nothing reached the site");
}

#[test]
fn an_http_proxy_carries_http_links_and_https_ones_by_connect() {
    let Some(proxy) = Proxy::http(None) else {
        return;
    };
    let server = TestServer::start();
    let https_port = crate::util::server::self_signed_https_server();
    let dir = tempfile::tempdir().unwrap();
    let cert =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/self-signed-cert.pem");
    let (code, stdout, stderr) = output(
        cli()
            .env("SSL_CERT_FILE", &cert)
            .arg("--proxy")
            .arg(format!("127.0.0.1:{}", proxy.port()))
            .args(["-m", "map", "-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("plain.bin?size=40000"))
            .arg(format!("https://127.0.0.1:{https_port}/secret.bin")),
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(std::fs::read(dir.path().join("plain.bin")).unwrap() == body_for("plain.bin", 40000));
    // The https server answers only a client that finished the TLS handshake with it: the
    // proxy only carried the encrypted bytes (CONNECT).
    assert_eq!(
        std::fs::read(dir.path().join("secret.bin")).unwrap(),
        b"secret"
    );
    let peers = server.peers();
    assert!(!peers.is_empty());
    assert!(
        peers.iter().all(|peer| *peer == ip(HTTP_PROXY_EXIT)),
        "{peers:?}"
    );
}

#[test]
fn a_proxy_that_asks_for_a_password_is_named_and_gets_it_when_given() {
    let Some(proxy) = Proxy::http(Some(("ann", "proxy-pw"))) else {
        return;
    };
    let server = TestServer::start();
    let https_port = crate::util::server::self_signed_https_server();
    let dir = tempfile::tempdir().unwrap();
    let shown = format!("http://127.0.0.1:{}", proxy.port());
    let (code, stdout, _) = output(
        cli()
            .arg("--proxy")
            .arg(&shown)
            .args(["-m", "map", "-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("a.bin?size=1000"))
            .arg(format!("https://127.0.0.1:{https_port}/b.bin")),
    );
    assert_eq!(code, Some(1), "{stdout}");
    let sentence = format!(
        "failed  the proxy {shown} asks for a user name and password, or refused the ones given"
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with(&format!("#1 {sentence}")), "{stdout}");
    assert!(lines[1].starts_with(&format!("#2 {sentence}")), "{stdout}");
    assert!(server.requests().is_empty());

    let (code, stdout, _) = output(
        cli()
            .arg("--proxy")
            .arg(format!("http://ann:proxy-pw@127.0.0.1:{}", proxy.port()))
            .args(["-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("a.bin?size=1000")),
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert!(!stdout.contains("proxy-pw"), "{stdout}");
    assert!(std::fs::read(dir.path().join("a.bin")).unwrap() == body_for("a.bin", 1000));
    assert_eq!(server.peers(), [ip(HTTP_PROXY_EXIT)]);
}

#[test]
fn a_socks_proxy_login_is_sent_and_a_wrong_one_is_named() {
    let Some(socks) = Proxy::socks(Some(("ann", "socks-pw"))) else {
        return;
    };
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let port = socks.port();
    let (code, stdout, _) = output(
        cli()
            .arg("--proxy")
            .arg(format!("socks5://ann:wrong@127.0.0.1:{port}"))
            .args(["-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("a.bin?size=1000")),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.starts_with(&format!(
            "#1 failed  the proxy socks5://127.0.0.1:{port} asks for a user name and password, \
             or refused the ones given"
        )),
        "{stdout}"
    );
    assert!(server.requests().is_empty());
    let (code, stdout, _) = output(
        cli()
            .arg("--proxy")
            .arg(format!("socks5://ann:socks-pw@127.0.0.1:{port}"))
            .args(["-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("a.bin?size=1000")),
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(server.peers(), [ip(SOCKS_EXIT)]);

    // socks5:// (not socks5h) looks the name up here: an unknown one is the site's fault.
    let (code, stdout, _) = output(
        cli()
            .arg("--proxy")
            .arg(format!("socks5://ann:socks-pw@127.0.0.1:{port}"))
            .args(["-r", "0", "-o"])
            .arg(dir.path())
            .arg("http://no-such-host.invalid/a.bin"),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.starts_with("#1 failed  could not find the server no-such-host.invalid"),
        "{stdout}"
    );
}

#[test]
fn something_that_is_not_a_proxy_is_named_and_no_proxy_hosts_go_direct() {
    // A port that answers like an SSH server, not a SOCKS proxy.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::Write;
        for mut stream in listener.incoming().flatten() {
            let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.2\r\n");
        }
    });
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = output(
        cli()
            .arg("--proxy")
            .arg(format!("socks5h://127.0.0.1:{port}"))
            .args(["--no-proxy", "localhost", "-m", "map", "-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("a.bin?size=1000"))
            .arg(format!(
                "http://localhost:{}/b.bin?size=2000",
                server.port()
            )),
    );
    assert_eq!(code, Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with(&format!(
            "#1 failed  socks5h://127.0.0.1:{port} did not answer as a proxy — check the \
             proxy's address and kind"
        )),
        "{stdout}"
    );
    assert!(lines[1].starts_with("#2 done  b.bin"), "{stdout}");
    assert_eq!(server.requests(), ["/b.bin?size=2000"]);
}

#[test]
fn headers_referer_and_user_agent_reach_the_listed_host_only() {
    let server = TestServer::start();
    let other = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let referer = "https://gallery.example/album";
    // Through a redirect to another host ("localhost" is another name than 127.0.0.1).
    let elsewhere = format!("http://localhost:{}/moved.bin?size=3000", other.port());
    let redirect = format!(
        "{}&redirect={}",
        server.url("start.bin?need_header=X-Token:tok-123&need_referer=https://gallery.example/album&need_browser=1"),
        elsewhere.replace('&', "%26").replace('?', "%3F")
    );
    let (code, stdout, stderr) = output(
        cli()
            .args(["-H", "X-Token: tok-123", "--referer", referer])
            .args(["--user-agent", "browser", "-m", "map", "-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url(
                "guarded.bin?size=5000&need_header=X-Token:tok-123&need_referer=https://gallery.example/album&need_browser=1",
            ))
            .arg(&redirect),
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        std::fs::read(dir.path().join("guarded.bin")).unwrap() == body_for("guarded.bin", 5000)
    );
    assert!(std::fs::read(dir.path().join("moved.bin")).unwrap() == body_for("moved.bin", 3000));
    let heads = server.heads();
    assert_eq!(heads.len(), 2);
    assert!(heads.iter().all(|head| head.contains("x-token: tok-123")));
    let moved = other.heads();
    assert_eq!(moved.len(), 1);
    assert!(
        !moved[0].to_ascii_lowercase().contains("x-token"),
        "{}",
        moved[0]
    );
    assert!(!moved[0].contains("tok-123"), "{}", moved[0]);
    // The Referer and the User-Agent are the same for every host, as a browser sends them.
    assert!(
        moved[0].contains(&format!("referer: {referer}")),
        "{}",
        moved[0]
    );
    assert!(moved[0].contains("user-agent: Mozilla/5.0"), "{}", moved[0]);

    // Without them, the site refuses.
    let (code, stdout, _) = output(
        cli()
            .args(["-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("guarded.bin?size=5000&need_browser=1")),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.starts_with("#1 failed  the server answered 403 Forbidden"),
        "{stdout}"
    );
}

#[test]
fn a_header_with_a_line_break_is_refused_before_any_request() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = output(
        cli()
            .args(["-H", "X-Evil: a\r\nHost: elsewhere", "-o"])
            .arg(dir.path())
            .arg(server.url("a.bin")),
    );
    assert_eq!(code, Some(2), "{stdout}");
    assert!(
        stderr.contains("the value of the header X-Evil has a line break, which is not allowed"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("elsewhere"),
        "the value is not repeated: {stderr}"
    );
    assert_eq!(server.connections(), 0);
}

#[test]
fn cookies_from_a_cookies_file_and_from_a_redirect_go_only_where_they_belong() {
    let server = TestServer::start();
    let other = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let cookies = dir.path().join("cookies.txt");
    std::fs::write(
        &cookies,
        "# Netscape HTTP Cookie File\n\
         #HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tcookie-secret\n\
         127.0.0.1\tFALSE\t/private\tTRUE\t0\tsecure_only\tnever-over-http\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    // The second link redirects to a path that needs the session cookie the redirect sets;
    // the third goes on to another host, which must get neither cookie.
    let session = format!(
        "{}&redirect={}",
        server.url("login.bin?set_cookie=session=s1%3B%20Path=/"),
        "/after.bin%3Fneed_cookie=session=s1%26size=2000"
    );
    let elsewhere = format!(
        "{}&redirect=http://localhost:{}/away.bin",
        server.url("go.bin?need_cookie=sid=cookie-secret"),
        other.port()
    );
    let (code, stdout, stderr) = output(
        cli()
            .arg("--cookies")
            .arg(&cookies)
            .args(["-r", "0", "-o"])
            .arg(&out)
            .arg(server.url("mine.bin?size=4000&need_cookie=sid=cookie-secret"))
            .arg(&session)
            .arg(&elsewhere),
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(std::fs::read(out.join("mine.bin")).unwrap() == body_for("mine.bin", 4000));
    assert!(std::fs::read(out.join("after.bin")).unwrap() == body_for("after.bin", 2000));
    assert!(out.join("away.bin").exists());
    for head in server.heads() {
        // The secure cookie never travels over plain http.
        assert!(!head.contains("never-over-http"), "{head}");
    }
    let away = other.heads();
    assert_eq!(away.len(), 1);
    assert!(
        !away[0].to_ascii_lowercase().contains("\ncookie:"),
        "{}",
        away[0]
    );
}

#[test]
fn a_file_that_is_not_a_cookies_file_is_refused_before_any_request() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let links = dir.path().join("links.txt");
    std::fs::write(&links, "http://example.org/a.zip\n").unwrap();
    let (code, _, stderr) = output(
        cli()
            .arg("--cookies")
            .arg(&links)
            .arg("-o")
            .arg(dir.path())
            .arg(server.url("a.bin")),
    );
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr.trim_end(),
        format!(
            "downpour-cli: {} is not a cookies file (line 1 is not in the cookies.txt format \
             that browser extensions export)",
            links.display()
        )
    );
    assert_eq!(server.connections(), 0);
}

#[test]
fn a_login_from_the_command_line_or_netrc_answers_the_servers_question() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = output(
        cli()
            .arg("--user")
            .arg(format!("ann:{PASSWORD}"))
            .args(["-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("album.zip?auth=1&size=3000")),
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert!(std::fs::read(dir.path().join("album.zip")).unwrap() == body_for("album.zip", 3000));
    // Asked once without, once with the login the server asked for.
    let heads = server.heads();
    assert_eq!(heads.len(), 2);
    assert!(!heads[0].to_ascii_lowercase().contains("authorization"));
    assert!(
        heads[1]
            .to_ascii_lowercase()
            .contains("authorization: basic")
    );

    let netrc = dir.path().join("netrc");
    std::fs::write(
        &netrc,
        format!("machine 127.0.0.1 login ann password {PASSWORD}\n"),
    )
    .unwrap();
    let out = dir.path().join("second");
    let (code, stdout, _) = output(
        cli()
            .env("NETRC", &netrc)
            .args(["-r", "0", "-o"])
            .arg(&out)
            .arg(server.url("photos.zip?auth=1&size=2000")),
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert!(std::fs::read(out.join("photos.zip")).unwrap() == body_for("photos.zip", 2000));

    // A wrong password is asked once, and the server's refusal is the answer.
    let (code, stdout, _) = output(
        cli()
            .args(["--user", "ann:wrong", "-r", "0", "-o"])
            .arg(&out)
            .arg(server.url("third.zip?auth=1")),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.starts_with("#1 failed  the server answered 401"),
        "{stdout}"
    );
    let heads = server.heads();
    assert_eq!(heads.len(), 6);
    assert!(
        heads[5]
            .to_ascii_lowercase()
            .contains("authorization: basic")
    );
}

#[test]
fn no_secret_reaches_a_file_or_a_printed_line() {
    let Some(proxy) = Proxy::http(Some(("ann", "proxy-secret-1"))) else {
        return;
    };
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = dir.path().join("out");
    let cookies = dir.path().join("cookies.txt");
    std::fs::write(
        &cookies,
        "127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tcookie-secret-2\n",
    )
    .unwrap();
    let report = dir.path().join("report.json");
    let mut command = crate::util::cli_with_data(&data);
    for name in PROXY_VARIABLES {
        command.env_remove(name);
    }
    let (_, stdout, stderr) = output(
        command
            .env("NETRC", "/nonexistent/.netrc")
            .arg("--proxy")
            .arg(format!(
                "http://ann:proxy-secret-1@127.0.0.1:{}",
                proxy.port()
            ))
            .arg("--cookies")
            .arg(&cookies)
            .args(["-H", "X-Api-Key: header-secret-3", "--user"])
            .arg(format!("ann:{PASSWORD}"))
            .args(["-m", "map", "-r", "0", "-o"])
            .arg(&out)
            .arg("--json")
            .arg(&report)
            .arg(server.url("done.bin?size=2000000&auth=1"))
            .arg(server.url("missing.bin?status=404"))
            .arg(server.url("cut.bin?size=3000000&truncate=1500000"))
            .arg("http://127.0.0.1:1/refused.bin"),
    );
    assert!(stdout.contains("#1 done  done.bin"), "{stdout}{stderr}");
    // What the secrets did: the server got the login and the cookie, through the proxy.
    assert!(server.heads().iter().any(|h| h.contains("cookie-secret-2")));
    assert!(server.peers().iter().all(|p| *p == ip(HTTP_PROXY_EXIT)));
    let mut written = crate::util::proxies::all_files(dir.path());
    written.retain(|(path, _)| *path != cookies);
    assert!(written.iter().any(|(path, _)| *path == report));
    let secrets = [
        "proxy-secret-1",
        "cookie-secret-2",
        "header-secret-3",
        PASSWORD,
    ];
    for secret in secrets {
        assert!(!stdout.contains(secret), "{secret} in {stdout}");
        assert!(!stderr.contains(secret), "{secret} in {stderr}");
        for (path, bytes) in &written {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(secret), "{secret} in {}", path.display());
        }
    }
}

#[test]
fn a_proxy_that_cannot_reach_the_site_is_named_and_a_dead_http_proxy_too() {
    let (Some(socks), Some(http)) = (Proxy::socks(None), Proxy::http(None)) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let closed = crate::util::proxies::free_port();
    // tinyproxy answers a plain-http link it cannot reach with a 500 page of its own.
    let cases = [
        (format!("socks5h://127.0.0.1:{}", socks.port()), "http"),
        (format!("http://127.0.0.1:{}", http.port()), "https"),
        (format!("http://127.0.0.1:{}", http.port()), "http"),
    ];
    for (proxy, scheme) in cases {
        let (code, stdout, _) = output(
            cli()
                .args(["--proxy", &proxy, "-r", "0", "-o"])
                .arg(dir.path())
                .arg(format!("{scheme}://127.0.0.1:{closed}/a.bin")),
        );
        assert_eq!(code, Some(1), "{stdout}");
        assert!(
            stdout.starts_with(&format!(
                "#1 failed  the proxy {proxy} could not or would not connect to 127.0.0.1"
            )),
            "{stdout}"
        );
    }
    let dead = crate::util::proxies::free_port();
    let (code, stdout, _) = output(
        cli()
            .args(["--proxy", &format!("127.0.0.1:{dead}"), "-r", "0", "-o"])
            .arg(dir.path())
            .arg("http://127.0.0.1:1/a.bin"),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.starts_with(&format!(
            "#1 failed  could not connect to the proxy http://127.0.0.1:{dead}: connection \
             refused"
        )),
        "{stdout}"
    );
}

#[test]
fn a_sites_own_bad_gateway_through_an_http_proxy_stays_the_sites() {
    let Some(http) = Proxy::http(None) else {
        return;
    };
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = output(
        cli()
            .args(["--proxy", &format!("http://127.0.0.1:{}", http.port())])
            .args(["-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("gate.bin?status=502")),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.starts_with("#1 failed  the server answered 502 Bad Gateway"),
        "{stdout}"
    );
    // It came through the proxy.
    assert_eq!(server.requests(), ["/gate.bin?status=502"]);
    assert_eq!(server.peers(), [HTTP_PROXY_EXIT.parse::<IpAddr>().unwrap()]);
}

#[test]
fn lower_case_proxy_variables_are_followed_and_proxy_none_ignores_them() {
    let Some(proxy) = Proxy::http(None) else {
        return;
    };
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = output(
        cli()
            .env("http_proxy", format!("http://127.0.0.1:{}", proxy.port()))
            .args(["-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("lower.bin?size=2000")),
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(server.peers(), [ip(HTTP_PROXY_EXIT)]);

    // A dead proxy in the environment, and --proxy none: straight to the site.
    let dead = crate::util::proxies::free_port();
    let (code, stdout, _) = output(
        cli()
            .env("ALL_PROXY", format!("socks5h://127.0.0.1:{dead}"))
            .env("http_proxy", format!("http://127.0.0.1:{dead}"))
            .args(["--proxy", "none", "-r", "0", "-o"])
            .arg(dir.path())
            .arg(server.url("direct.bin?size=2000")),
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert!(std::fs::read(dir.path().join("direct.bin")).unwrap() == body_for("direct.bin", 2000));
    assert_eq!(server.peers(), [ip(HTTP_PROXY_EXIT), ip("127.0.0.1")]);
}

#[test]
fn a_run_whose_cookies_file_is_not_one_fails_every_item_before_any_request() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let not_cookies = dir.path().join("notes.txt");
    std::fs::write(&not_cookies, "buy milk\n").unwrap();
    let mut config = crate::util::config(downpour::Mode::Map, 2, dir.path());
    config.access.cookies_file = Some(not_cookies.clone());
    let jobs = crate::util::jobs(&[server.url("a.bin"), server.url("b.bin")]);
    let finished = crate::util::run(jobs, config);
    let expected =
        downpour::DownloadError::Access(downpour::net::access::AccessError::NotCookies {
            name: not_cookies.display().to_string(),
            line: 1,
        });
    assert_eq!(finished.order(), [1, 2]);
    for record in &finished.reported {
        assert_eq!(record.outcome, downpour::Outcome::Failed(expected.clone()));
    }
    assert_eq!(server.connections(), 0);
}
