//! HTTP/2 against a real server (nginx over TLS, tests/util/nginx.rs): whole files share a
//! connection over HTTP/2, the pieces of a split file each have an HTTP/1.1 connection of
//! their own, and the report says which protocol each file came over.

use std::collections::BTreeSet;
use std::path::Path;

use crate::util::cli;
use crate::util::nginx::Nginx;
use crate::util::server::body_for;

/// Runs the CLI on `urls` with `workers` workers, trusting `nginx`'s authority only; returns
/// the JSON report.
fn download(nginx: &Nginx, workers: &str, out: &Path, urls: &[String]) -> serde_json::Value {
    let json = out.with_extension("json");
    let output = cli()
        .env("SSL_CERT_FILE", nginx.ca())
        .args(["-j", workers, "-r", "0", "-o"])
        .arg(out)
        .arg("--json")
        .arg(&json)
        .args(urls)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap()
}

#[test]
fn many_small_files_share_few_http2_connections_and_the_report_says_http2() {
    let Some(nginx) = Nginx::start(1 << 20) else {
        return;
    };
    let names: Vec<String> = (0..40).map(|i| format!("small-{i:02}.bin")).collect();
    for (i, name) in names.iter().enumerate() {
        std::fs::write(nginx.files().join(name), body_for(name, 3000 + i)).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let urls: Vec<String> = names.iter().map(|name| nginx.url(name)).collect();
    let report = download(&nginx, "4", &out, &urls);

    for (i, name) in names.iter().enumerate() {
        assert!(
            std::fs::read(out.join(name)).unwrap() == body_for(name, 3000 + i),
            "{name}"
        );
    }
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), names.len());
    for item in items {
        assert_eq!(item["protocol"], "HTTP/2", "{item}");
    }
    let log = nginx.log();
    assert_eq!(log.len(), names.len(), "one request per file: {log:?}");
    assert!(log.iter().all(|l| l.protocol == "HTTP/2.0"), "{log:?}");
    // Four workers, forty files: a connection per worker at most, each carrying many files.
    let connections: BTreeSet<&str> = log.iter().map(|l| l.connection.as_str()).collect();
    assert!(connections.len() <= 4, "{connections:?}");
}

#[test]
fn the_pieces_of_a_split_file_come_over_http1_connections_of_their_own() {
    // 16 MiB at 2 MiB/s a request: helpers join long before one connection could finish.
    let Some(nginx) = Nginx::start(2 << 20) else {
        return;
    };
    let size = 16 << 20;
    std::fs::create_dir(nginx.files().join("slow")).unwrap();
    std::fs::write(
        nginx.files().join("slow/big.iso"),
        body_for("big.iso", size),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let report = download(&nginx, "4", &out, &[nginx.url("slow/big.iso")]);

    assert!(std::fs::read(out.join("big.iso")).unwrap() == body_for("big.iso", size));
    let item = &report["items"][0];
    assert!(
        item["pieces"].as_array().unwrap().len() > 1,
        "split: {item}"
    );
    // nginx logs a request when it ends. The first request asks for the whole file, over
    // HTTP/2 (as the report says); every piece asked for (with a Range) comes over HTTP/1.1,
    // each on a connection of its own.
    let log = nginx.log();
    let (whole, pieces): (Vec<_>, Vec<_>) = log.iter().partition(|l| l.range == "-");
    assert_eq!(whole.len(), 1, "{log:?}");
    assert_eq!(whole[0].protocol, "HTTP/2.0", "{log:?}");
    assert_eq!(item["protocol"], "HTTP/2", "{item}");
    assert!(!pieces.is_empty(), "{log:?}");
    assert!(pieces.iter().all(|l| l.protocol == "HTTP/1.1"), "{log:?}");
    let piece_connections: BTreeSet<&str> = pieces.iter().map(|l| l.connection.as_str()).collect();
    assert!(piece_connections.len() > 1, "{log:?}");
    assert!(
        !piece_connections.contains(whole[0].connection.as_str()),
        "{log:?}"
    );
}
