//! A real HTTP/1.1 server on 127.0.0.1 for the tests and the benchmark: keep-alive, Range,
//! and knobs in the query string for every way a server misbehaves.
//!
//! `GET /<name>?size=N` answers N bytes of a pattern seeded by `<name>` (see [`body_for`]).
//! Other query keys: `delay=MS` before the headers; `status=CODE`; `cd=VALUE` as
//! Content-Disposition; `truncate=K` announces `size` but sends K bytes and closes;
//! `stall=K` sends K bytes then goes silent; `drip=MS` sends 1 KiB (or `piece=N` bytes) per MS; `chunked=1` omits
//! Content-Length; `redirect=URL`; `loop=1` redirects to itself; `fail_first=K` answers 503 to
//! the first K requests for the path; `retry_after=S`; `reset_pct=P` cuts P % of bodies in half;
//! `cut_first=K` cuts the first K bodies for the path in half; `stall_first=K` makes only the
//! first request for the path go silent after K bytes; `bump=1` serves a new version (other
//! bytes, other ETag, as `body_for("<name>#2")`) from the second request for the path on;
//! `HEAD` is answered with the head of the GET's answer (its label in
//! [`TestServer::requests`] starts with `HEAD `); `nohead=1` refuses it with 405.
//! `norange=1` ignores Range (and does not offer it); `ignorerange=1` offers it but ignores it. `If-Range` with another ETag gets the whole new version.
//! `If-None-Match` with the current ETag is answered 304 Not Modified (its label in
//! [`TestServer::requests`] ends with `&if-none-match`).
//! `Range: bytes=A-` and `bytes=A-B` are served (B inclusive). `rate=BPS` caps each
//! connection's speed (bytes per second), as many mirrors do; `maxconn=N` answers 503 to a
//! request for the path while N others are in progress; `hostmax=N` answers 503 with
//! `Retry-After: 1` to any request while more than N requests (of any path) are in progress,
//! as servers that limit each visitor's connections do.
//! `need_cookie`, `need_referer`, `need_browser` and `need_header` answer 403 without what
//! they name (see [`access_refused`]); `set_cookie=VALUE` sets a cookie with a `redirect`.
//! Range requests (a `Range` header): `range403=1` refuses them with 403; `range429=S` with 429
//! and `Retry-After: S`; `noifrange=1` ignores `If-Range` (a range of whatever version is
//! current, under its own ETag); `badrange=1` answers them with a Content-Range one byte
//! later than asked (and those bytes); `cutpieces=K` closes 206 answers after K bytes;
//! `rangedrip=MS` trickles them, 64 bytes per MS.
//! Mirrors and farms (same bytes, other ETags): `node=N` puts N in the ETag; `farm=1` answers
//! each request from node `seen % 2`; `mirrors=1` redirects each request to one of two
//! mirrors (the same address with `node=1` or `node=2`).
//! `auth=1` answers 401 unless the request carries the Basic authorization of the user `ann`
//! with the password [`PASSWORD`]; `digest=md5` (or `sha256`) the same with a Digest login,
//! checked strictly (see [`digest`]; `stale=1` calls each path's first nonce stale when
//! answered); `badheader=1` answers with a control character in a
//! header; `html=1` says the body is a web page; `gzip=1` says the body is
//! compressed unless the request asked for `Accept-Encoding: identity` (`gzip=always`: even
//! then); `page=KIND` answers a web page (see [`serve_page`]); `login=1` answers a small
//! "Please sign in" web page ([`LOGIN_PAGE`]) instead of the file; `secret_redirect=1` redirects to an ftp address holding the password `hunter2`.

/// The password the `auth` knob expects (kept out of the URLs' query strings, so that a test
/// can look for it everywhere Downpour writes).
pub const PASSWORD: &str = "s3cret";

/// The page the `login` knob answers.
pub const LOGIN_PAGE: &str =
    "<!DOCTYPE html><html><body><p>Please sign in</p><form></form></body></html>\n";

#[path = "digest.rs"]
mod digest;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What the server saw.
#[derive(Default)]
pub struct Stats {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    requests: Mutex<Vec<String>>,
    per_path: Mutex<HashMap<String, usize>>,
    /// Requests in progress for each path.
    path_in_flight: Mutex<HashMap<String, usize>>,
    /// Requests answered 503 by `maxconn` or `hostmax`.
    refused: AtomicUsize,
    connections: AtomicUsize,
    resets: AtomicUsize,
    rng: AtomicU64,
    /// The address each connection came from, in order.
    peers: Mutex<Vec<std::net::IpAddr>>,
    /// Each request's head (request line and headers), in arrival order.
    heads: Mutex<Vec<String>>,
    /// The nonces of the `digest` knob.
    digest: digest::DigestDesk,
}

/// A running test server; it lives until the process ends.
pub struct TestServer {
    addr: std::net::SocketAddr,
    stats: Arc<Stats>,
}

impl TestServer {
    /// Starts a server on an ephemeral port of 127.0.0.1.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let stats = Arc::new(Stats {
            rng: AtomicU64::new(0x2545_f491_4f6c_dd1d),
            ..Stats::default()
        });
        let shared = Arc::clone(&stats);
        thread::Builder::new()
            .name("test-server".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    let stats = Arc::clone(&shared);
                    shared.connections.fetch_add(1, Ordering::SeqCst);
                    if let Ok(peer) = stream.peer_addr() {
                        shared.peers.lock().unwrap().push(peer.ip());
                    }
                    let _ = thread::Builder::new()
                        .name("test-conn".into())
                        .spawn(move || serve_connection(stream, &stats));
                }
            })
            .expect("server thread");
        Self { addr, stats }
    }

    /// `http://127.0.0.1:PORT/<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The most requests that were in progress at once.
    pub fn max_in_flight(&self) -> usize {
        self.stats.max_in_flight.load(Ordering::SeqCst)
    }

    /// Request paths (with query) in arrival order.
    pub fn requests(&self) -> Vec<String> {
        self.stats.requests.lock().unwrap().clone()
    }

    /// TCP connections accepted.
    pub fn connections(&self) -> usize {
        self.stats.connections.load(Ordering::SeqCst)
    }

    /// Requests refused by `maxconn` or `hostmax`.
    pub fn refused(&self) -> usize {
        self.stats.refused.load(Ordering::SeqCst)
    }

    /// The address each connection came from (a proxy binds its own), in order.
    pub fn peers(&self) -> Vec<std::net::IpAddr> {
        self.stats.peers.lock().unwrap().clone()
    }

    /// Each request's head — request line and headers as sent — in arrival order.
    pub fn heads(&self) -> Vec<String> {
        self.stats.heads.lock().unwrap().clone()
    }

    /// Bodies cut short on purpose by `reset_pct`.
    pub fn resets(&self) -> usize {
        self.stats.resets.load(Ordering::SeqCst)
    }
}

/// The bytes the server sends for `name` (the path without query) and `size`.
pub fn body_for(name: &str, size: usize) -> Vec<u8> {
    let block = pattern_block(name);
    (0..size).map(|i| block[i % block.len()]).collect()
}

fn pattern_block(name: &str) -> Vec<u8> {
    let mut seed: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.trim_start_matches('/').bytes() {
        seed = (seed ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    (0..65_536u64)
        .map(|i| {
            let x =
                (seed ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_mul(0xff51_afd7_ed55_8ccd);
            (x >> 56) as u8
        })
        .collect()
}

struct Request {
    path: String,
    query: HashMap<String, String>,
    range_start: Option<u64>,
    /// The last byte asked for (inclusive), when the range names one.
    range_end: Option<u64>,
    if_range: Option<String>,
    if_none_match: Option<String>,
    /// A `HEAD` request: the answer's head only.
    head_only: bool,
    authorization: Option<String>,
    accept_encoding: Option<String>,
    close: bool,
    /// The request target as sent (path and query).
    target: String,
    /// The headers, names in lower case.
    headers: Vec<(String, String)>,
    /// The request line and headers as sent.
    head: String,
}

impl Request {
    /// The value of the header `name` (lower case).
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let head_only = line.starts_with("HEAD ");
    let target = line.split_whitespace().nth(1)?.to_owned();
    let mut head = line.clone();
    let mut headers = Vec::new();
    let mut range_start = None;
    let mut range_end = None;
    let mut if_range = None;
    let mut if_none_match = None;
    let mut authorization = None;
    let mut accept_encoding = None;
    let mut close = false;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        head.push_str(&header);
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        let value = value.trim();
        headers.push((name.to_ascii_lowercase(), value.to_owned()));
        match name.to_ascii_lowercase().as_str() {
            "range" => {
                if let Some((start, end)) =
                    value.strip_prefix("bytes=").and_then(|v| v.split_once('-'))
                {
                    range_start = start.parse().ok();
                    range_end = end.parse().ok();
                }
            }
            "if-range" => if_range = Some(value.to_owned()),
            "if-none-match" => if_none_match = Some(value.to_owned()),
            "authorization" => authorization = Some(value.to_owned()),
            "accept-encoding" => accept_encoding = Some(value.to_owned()),
            "connection" => close = value.eq_ignore_ascii_case("close"),
            _ => {}
        }
    }
    let (path, query_text) = target.split_once('?').unwrap_or((&target, ""));
    let path = path.to_owned();
    let query = query_text
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent_decode(v)))
        .collect();
    Some(Request {
        path,
        query,
        range_start,
        range_end,
        if_range,
        if_none_match,
        head_only,
        authorization,
        accept_encoding,
        close,
        headers,
        head,
        target,
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn serve_connection(stream: TcpStream, stats: &Stats) {
    let _ = stream.set_nodelay(true);
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut out = write_half;
    while let Some(request) = read_request(&mut reader) {
        let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
        stats.requests.lock().unwrap().push(request_label(&request));
        stats.heads.lock().unwrap().push(request.head.clone());
        let path_active = {
            let mut map = stats.path_in_flight.lock().unwrap();
            let count = map.entry(request.path.clone()).or_default();
            *count += 1;
            *count
        };
        HEAD_ONLY.set(request.head_only);
        let keep = respond(&mut out, &request, stats, path_active);
        *stats
            .path_in_flight
            .lock()
            .unwrap()
            .entry(request.path.clone())
            .or_default() -= 1;
        stats.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !keep || request.close {
            let _ = out.shutdown(Shutdown::Both);
            return;
        }
    }
}

fn request_label(request: &Request) -> String {
    let mut keys: Vec<_> = request.query.iter().collect();
    keys.sort();
    let mut query: Vec<String> = keys.iter().map(|(k, v)| format!("{k}={v}")).collect();
    match (request.range_start, request.range_end) {
        (Some(start), Some(end)) => query.push(format!("range={start}-{end}")),
        (Some(start), None) => query.push(format!("range={start}")),
        _ => {}
    }
    if request.if_none_match.is_some() {
        query.push("if-none-match".to_owned());
    }
    let method = if request.head_only { "HEAD " } else { "" };
    if query.is_empty() {
        format!("{method}{}", request.path)
    } else {
        format!("{method}{}?{}", request.path, query.join("&"))
    }
}

thread_local! {
    /// Whether the request this connection's thread answers is a `HEAD`: its answer's body is
    /// left out wherever it is written.
    static HEAD_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Writes the answer to a request that is one of `path_active` in progress for its path;
/// false when the connection must close.
fn respond(out: &mut TcpStream, req: &Request, stats: &Stats, path_active: usize) -> bool {
    let q = |key: &str| req.query.get(key).cloned();
    let num = |key: &str| q(key).and_then(|v| v.parse::<u64>().ok());
    let seen = {
        let mut per_path = stats.per_path.lock().unwrap();
        let count = per_path.entry(req.path.clone()).or_default();
        *count += 1;
        *count
    };
    if let Some(ms) = num("delay") {
        thread::sleep(Duration::from_millis(ms));
    }
    if req.head_only && q("nohead").is_some() {
        return write_text(out, "405 Method Not Allowed", &[], "");
    }
    if q("page").as_deref() == Some("guarded") {
        // A picture that is given only to requests coming from this page.
        let page = format!(
            "http://{}{}?page=guarded",
            req.header("host").unwrap_or(""),
            req.path
        );
        let encoded: String = page
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        let html = format!("<img src=\"guarded.png?size=100&need_referer={encoded}\">");
        let kind = ("Content-Type", "text/html".to_owned());
        return write_text(out, "200 OK", &[kind], &html);
    }
    if let Some(kind) = q("page") {
        return serve_page(out, &kind, num("n").unwrap_or(0), num("size").unwrap_or(0));
    }
    if num("maxconn").is_some_and(|n| path_active as u64 > n) {
        stats.refused.fetch_add(1, Ordering::SeqCst);
        return write_text(out, "503 Service Unavailable", &[], "too many connections");
    }
    if num("hostmax").is_some_and(|n| stats.in_flight.load(Ordering::SeqCst) as u64 > n) {
        stats.refused.fetch_add(1, Ordering::SeqCst);
        let wait = [("Retry-After", "1".to_owned())];
        return write_text(
            out,
            "503 Service Unavailable",
            &wait,
            "too many connections",
        );
    }
    let expected = format!("Basic {}", base64(format!("ann:{PASSWORD}").as_bytes()));
    if q("auth").is_some() && req.authorization.as_deref() != Some(&expected) {
        let challenge = ("WWW-Authenticate", "Basic realm=\"test\"".to_owned());
        return write_text(out, "401 Unauthorized", &[challenge], "who are you?");
    }
    if let Some(kind) = q("digest")
        && let Some(challenge) = stats.digest.refused(
            &kind,
            q("stale").is_some(),
            &req.target,
            &req.path,
            req.authorization.as_deref(),
        )
    {
        let challenge = ("WWW-Authenticate", challenge);
        return write_text(out, "401 Unauthorized", &[challenge], "who are you?");
    }
    if let Some(refused) = access_refused(req) {
        return write_text(out, "403 Forbidden", &[], refused);
    }
    if q("login").is_some() {
        let html = ("Content-Type", "text/html; charset=utf-8".to_owned());
        return write_text(out, "200 OK", &[html], LOGIN_PAGE);
    }
    if q("badheader").is_some() {
        // A control character in a header value: not HTTP.
        let bad = ("X-Note", "a\u{1}b".to_owned());
        return write_text(out, "200 OK", &[bad], "never read");
    }
    if q("loop").is_some() {
        let location = format!("{}?loop=1", req.path);
        return write_head(out, "302 Found", &[("Location", location)], Some(0));
    }
    if q("secret_redirect").is_some() {
        let location = "ftp://bob:hunter2@example.com/f".to_owned();
        return write_head(out, "302 Found", &[("Location", location)], Some(0));
    }
    if q("mirrors").is_some() {
        let rest: Vec<String> = req
            .query
            .iter()
            .filter(|(k, _)| *k != "mirrors")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let location = format!("{}?{}&node={}", req.path, rest.join("&"), seen % 2 + 1);
        return write_head(out, "302 Found", &[("Location", location)], Some(0));
    }
    if let Some(refused) = refuse_range(req) {
        return write_text(out, refused.0, &refused.1, "no parts");
    }
    if let Some(target) = q("redirect") {
        let mut headers = vec![("Location", target)];
        if let Some(cookie) = q("set_cookie") {
            headers.push(("Set-Cookie", cookie));
        }
        return write_head(out, "302 Found", &headers, Some(0));
    }
    if let Some(k) = num("fail_first")
        && seen as u64 <= k
    {
        let mut headers = Vec::new();
        if let Some(secs) = q("retry_after") {
            headers.push(("Retry-After", secs));
        }
        return write_text(out, "503 Service Unavailable", &headers, "try later");
    }
    if let Some(code) = num("status").filter(|c| *c != 200) {
        let line = match code {
            401 => "401 Unauthorized",
            403 => "403 Forbidden",
            404 => "404 Not Found",
            410 => "410 Gone",
            429 => "429 Too Many Requests",
            500 => "500 Internal Server Error",
            502 => "502 Bad Gateway",
            503 => "503 Service Unavailable",
            _ => "400 Bad Request",
        };
        return write_text(out, line, &[], "no such file");
    }
    let size = num("size").unwrap_or(1024);
    let version = if q("bump").is_some() && seen > 1 {
        2
    } else {
        1
    };
    let block = if version == 2 {
        pattern_block(&format!("{}#2", req.path))
    } else {
        pattern_block(&req.path)
    };
    let node = match (num("node"), q("farm")) {
        (Some(node), _) => format!("-n{node}"),
        (None, Some(_)) => format!("-n{}", seen % 2),
        (None, None) => String::new(),
    };
    let etag = format!("\"{}-{}-v{version}{node}\"", req.path.len(), size);
    if req.if_none_match.as_ref() == Some(&etag) {
        return write_head(out, "304 Not Modified", &[("ETag", etag)], Some(0));
    }
    let start = req.range_start.filter(|s| {
        *s < size
            && q("norange").is_none()
            && q("ignorerange").is_none()
            && (q("noifrange").is_some() || req.if_range.as_ref().is_none_or(|v| *v == etag))
    });
    // A liar sends the byte after each asked start, and says so.
    let start = start.map(|s| s + u64::from(q("badrange").is_some()));
    let mut headers: Vec<(&str, String)> = vec![("ETag", etag)];
    if q("norange").is_none() {
        headers.push(("Accept-Ranges", "bytes".into()));
    }
    if let Some(cd) = q("cd") {
        headers.push(("Content-Disposition", cd));
    }
    if q("html").is_some() {
        headers.push(("Content-Type", "text/html; charset=utf-8".into()));
    }
    let identity = req.accept_encoding.as_deref() == Some("identity");
    if q("gzip").is_some_and(|when| when == "always" || !identity) {
        headers.push(("Content-Encoding", "gzip".into()));
    }
    // The last byte sent, inclusive.
    let last = match (start, req.range_end) {
        (Some(_), Some(end)) => end.min(size - 1),
        _ => size.saturating_sub(1),
    };
    let (status, from) = match start {
        Some(s) => {
            headers.push(("Content-Range", format!("bytes {s}-{last}/{size}")));
            ("206 Partial Content", s)
        }
        None => ("200 OK", 0),
    };
    let chunked = q("chunked").is_some();
    let stop = if size == 0 { 0 } else { last + 1 };
    let len = stop - from;
    if !write_head(out, status, &headers, (!chunked).then_some(len)) {
        return false;
    }
    let size = stop;
    let mut send_until = size;
    let mut keep = !chunked;
    if let Some(k) = num("truncate") {
        send_until = k.min(size);
        keep = false;
    }
    let mut stall_at = None;
    if let Some(k) = num("stall") {
        stall_at = Some(k.min(size));
    }
    if let Some(k) = num("stall_first")
        && seen == 1
    {
        stall_at = Some(k.min(size));
    }
    if let Some(k) = num("cut_first")
        && seen as u64 <= k
    {
        send_until = from + len / 2;
        keep = false;
    }
    if let Some(k) = num("cutpieces")
        && start.is_some()
    {
        send_until = send_until.min(from + k);
        keep = false;
    }
    if let Some(pct) = num("reset_pct") {
        let roll = next_random(stats) % 100;
        if roll < pct && len > 1 {
            send_until = from + len / 2;
            keep = false;
            stats.resets.fetch_add(1, Ordering::SeqCst);
        }
    }
    // A per-connection cap: 16 KiB pieces at the pace of the rate.
    let capped = num("rate").map(|bps| Duration::from_secs_f64(16_384.0 / bps.max(1) as f64));
    // `rangedrip=MS`: range requests trickle 64 bytes per MS (the whole file does not).
    let range_drip = num("rangedrip").filter(|_| start.is_some());
    let drip = num("drip")
        .or(range_drip)
        .map(Duration::from_millis)
        .or(capped);
    let piece = match (drip, num("piece")) {
        (Some(_), _) if range_drip.is_some() => 64,
        (Some(_), Some(n)) => n.max(1),
        (Some(_), None) if capped.is_some() => 16_384,
        (Some(_), None) => 1024,
        (None, _) => 64 * 1024,
    };
    if req.head_only {
        return true;
    }
    let mut pos = from;
    let started = Instant::now();
    while pos < send_until {
        if let Some(at) = stall_at
            && pos >= at
        {
            thread::sleep(Duration::from_secs(60));
            return false;
        }
        let mut end = (pos + piece).min(send_until);
        if let Some(at) = stall_at.filter(|at| *at > pos) {
            end = end.min(at);
        }
        let offset = (pos % 65_536) as usize;
        let n = ((end - pos) as usize).min(65_536 - offset);
        let data = &block[offset..offset + n];
        let ok = if chunked {
            write!(out, "{n:x}\r\n").is_ok()
                && out.write_all(data).is_ok()
                && out.write_all(b"\r\n").is_ok()
        } else {
            out.write_all(data).is_ok()
        };
        if !ok {
            return false;
        }
        pos += n as u64;
        match (num("rate").filter(|_| range_drip.is_none()), drip) {
            // Paced against the clock, so the cap holds however long writing takes.
            (Some(bps), _) => {
                let due =
                    started + Duration::from_secs_f64((pos - from) as f64 / bps.max(1) as f64);
                thread::sleep(due.saturating_duration_since(Instant::now()));
            }
            (None, Some(pause)) => thread::sleep(pause),
            (None, None) => {}
        }
    }
    if chunked && send_until == size {
        let _ = out.write_all(b"0\r\n\r\n");
        return true;
    }
    let _ = out.flush();
    keep
}

/// Why a request lacks what the `need_*` knobs ask for: `need_cookie=NAME=VALUE` (in its
/// Cookie header), `need_referer=URL`, `need_browser=1` (a User-Agent of a web browser,
/// `Mozilla/5.0 …`), `need_header=NAME:VALUE`.
fn access_refused(req: &Request) -> Option<&'static str> {
    let q = |key: &str| req.query.get(key);
    if let Some(cookie) = q("need_cookie") {
        let sent = req.header("cookie").unwrap_or_default();
        if !sent.split("; ").any(|pair| pair == cookie) {
            return Some("no cookie, no file");
        }
    }
    if let Some(referer) = q("need_referer")
        && req.header("referer") != Some(referer.as_str())
    {
        return Some("hotlinking is not allowed");
    }
    if q("need_browser").is_some()
        && !req
            .header("user-agent")
            .is_some_and(|agent| agent.starts_with("Mozilla/5.0"))
    {
        return Some("browsers only");
    }
    if let Some((name, value)) = q("need_header").and_then(|h| h.split_once(':'))
        && req.header(&name.to_ascii_lowercase()) != Some(value)
    {
        return Some("missing header");
    }
    None
}

/// The refusal of a range request by `range403` or `range429`: its status line and headers.
fn refuse_range(req: &Request) -> Option<(&'static str, Vec<(&'static str, String)>)> {
    req.range_start?;
    if req.query.contains_key("range403") {
        return Some(("403 Forbidden", Vec::new()));
    }
    let secs = req.query.get("range429")?;
    Some(("429 Too Many Requests", vec![("Retry-After", secs.clone())]))
}

/// Standard base64 with padding (for the Basic authorization the `auth` knob expects).
pub fn base64(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(DIGITS[(n >> (18 - 6 * k) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn next_random(stats: &Stats) -> u64 {
    let mut x = stats.rng.load(Ordering::SeqCst);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    stats.rng.store(x, Ordering::SeqCst);
    x
}

/// The page with links in it that `page=KIND` asks for:
/// - `mixed`: relative links, a `<base>`, duplicates, `javascript:`, `mailto:` and `data:`
///   links, other sites, embedded pictures, video and sound, a stylesheet (see [`MIXED_PAGE`]);
/// - `many`: `n` links `<a href="f{i}.bin">`, sent chunked as they are made;
/// - `junk`: `size` bytes of random bytes said to be HTML, with a link to `first.zip` at the
///   start and one to `late.zip` at the end;
/// - `file`: a zip file's header (not a page);
/// - `guarded` (answered in `respond`): a picture that needs this page as its Referer.
fn serve_page(out: &mut TcpStream, kind: &str, n: u64, size: u64) -> bool {
    let html = ("Content-Type", "text/html; charset=utf-8".to_owned());
    match kind {
        "mixed" => write_text(out, "200 OK", &[html], MIXED_PAGE),
        "many" => {
            if !write_head(out, "200 OK", &[html], None) {
                return false;
            }
            let mut piece = String::new();
            for i in 0..n {
                piece.push_str(&format!("<li><a href=\"f{i}.bin\">file {i}</a></li>\n"));
                if piece.len() > 60_000 || i + 1 == n {
                    if !write_chunk(out, piece.as_bytes()) {
                        return false;
                    }
                    piece.clear();
                }
            }
            write_chunk(out, b"")
        }
        "junk" => {
            if !write_head(out, "200 OK", &[html], Some(size)) {
                return false;
            }
            if HEAD_ONLY.get() {
                return true;
            }
            let (first, late) = (&b"<a href=first.zip>"[..], &b"<a href=late.zip>"[..]);
            let mut left = size - (first.len() + late.len()) as u64;
            if out.write_all(first).is_err() {
                return false;
            }
            let mut state = 0x9e37_79b9_7f4a_7c15_u64;
            let mut block = vec![0u8; 64 * 1024];
            while left > 0 {
                for byte in block.iter_mut() {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    *byte = state as u8;
                }
                let take = left.min(block.len() as u64) as usize;
                if out.write_all(&block[..take]).is_err() {
                    return false;
                }
                left -= take as u64;
            }
            out.write_all(late).is_ok()
        }
        _ => {
            let zip = ("Content-Type", "application/zip".to_owned());
            write_text(out, "200 OK", &[zip], "PK\u{3}\u{4}")
        }
    }
}

/// The `page=mixed` page.
pub const MIXED_PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>Reports</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/pdf" href="/print/all.pdf">
<base href="/files/">
</head><body>
<h1>Reports &amp; pictures</h1>
<a href="report-2024.pdf">2024</a>
<a href="report-2024.pdf#summary">2024 summary</a>
<a href="/files/report-2024.pdf">2024 again</a>
<a href="report-2023.pdf?lang=en&amp;v=2">2023</a>
<a href="data.zip">data</a>
<a href="javascript:void(0)">menu</a>
<a href="mailto:someone@example.com">mail</a>
<a href="https://other.example/elsewhere.pdf">elsewhere</a>
<a href="../about.html">about</a>
<img src="photo.JPG" alt="">
<img src="data:image/png;base64,iVBORw0KGgo=">
<video poster="poster.png"><source src="clip.mp4" type="video/mp4"></video>
<audio src="song.mp3"></audio>
</body></html>
"#;

fn write_chunk(out: &mut TcpStream, data: &[u8]) -> bool {
    if HEAD_ONLY.get() {
        return true;
    }
    out.write_all(format!("{:x}\r\n", data.len()).as_bytes())
        .is_ok()
        && out.write_all(data).is_ok()
        && out.write_all(b"\r\n").is_ok()
}

fn write_head(
    out: &mut TcpStream,
    status: &str,
    headers: &[(&str, String)],
    len: Option<u64>,
) -> bool {
    let mut head = format!("HTTP/1.1 {status}\r\nServer: downpour-test\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match len {
        Some(n) => head.push_str(&format!("Content-Length: {n}\r\n")),
        None => head.push_str("Transfer-Encoding: chunked\r\n"),
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes()).is_ok()
}

fn write_text(out: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &str) -> bool {
    write_head(out, status, headers, Some(body.len() as u64))
        && (HEAD_ONLY.get() || out.write_all(body.as_bytes()).is_ok())
}

/// An HTTPS server on 127.0.0.1 whose certificate is self-signed (`tests/data/`, valid for
/// 127.0.0.1): a real TLS handshake that a browser would refuse too. It answers every request
/// with six bytes. Returns its port.
pub fn self_signed_https_server() -> u16 {
    https_server_answering(
        "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecret".to_owned(),
    )
}

/// The self-signed HTTPS server of [`self_signed_https_server`], answering every request with
/// `answer` (a whole HTTP response). A client that trusts `tests/data/self-signed-cert.pem`
/// (as `SSL_CERT_FILE`) talks to it like to any server.
pub fn https_server_answering(answer: String) -> u16 {
    https_server_with(
        include_bytes!("../data/self-signed-cert.der"),
        include_bytes!("../data/self-signed-key.der"),
        answer,
    )
}

/// An HTTPS server whose certificate is its own authority (`CA:TRUE`, as `openssl req -x509`
/// makes by default): the usual home-made self-signed certificate. Returns its port.
pub fn self_signed_ca_https_server() -> u16 {
    https_server_with(
        include_bytes!("../data/self-signed-ca-cert.der"),
        include_bytes!("../data/self-signed-ca-key.der"),
        "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecret".to_owned(),
    )
}

/// A server that speaks only TLS 1.0: whatever the client offers, it answers with a
/// ServerHello for version 3.1 (TLS 1.0), as an old server does. Returns its port.
pub fn tls10_only_server() -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut tcp in listener.incoming().flatten() {
            let mut hello = [0u8; 4096];
            if tcp.read(&mut hello).is_err() {
                continue;
            }
            // Handshake: ServerHello (2), 38 bytes: version 3.1, a random, no session id,
            // TLS_RSA_WITH_AES_128_CBC_SHA, no compression.
            let mut answer = vec![0x16, 0x03, 0x01, 0x00, 42, 0x02, 0x00, 0x00, 38, 0x03, 0x01];
            answer.extend([7u8; 32]);
            answer.extend([0x00, 0x00, 0x2f, 0x00]);
            let _ = tcp.write_all(&answer);
            let _ = tcp.read(&mut hello);
        }
    });
    port
}

fn https_server_with(cert: &[u8], key: &[u8], answer: String) -> u16 {
    use std::io::{Read, Write};
    use std::sync::Arc;
    let cert = rustls::pki_types::CertificateDer::from(cert.to_vec());
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.to_vec().into());
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let config = Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let conn = rustls::ServerConnection::new(Arc::clone(&config)).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let mut request = [0u8; 1024];
            // Only a client that accepted the certificate gets this far.
            if tls.read(&mut request).is_ok() {
                let _ = tls.write_all(answer.as_bytes());
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        }
    });
    port
}
