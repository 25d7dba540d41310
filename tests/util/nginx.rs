//! A real HTTP/2 server for the tests: Debian's nginx, started with its own throwaway
//! configuration on a free port of 127.0.0.1, over TLS with a certificate from an authority
//! the test makes (openssl), serving files from a folder. Its access log says, per request,
//! the protocol it received, the connection it came on and the Range asked. Stopped when
//! dropped.

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::proxies::free_port;

/// A running nginx.
pub struct Nginx {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

/// One line of nginx's access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// `HTTP/2.0` or `HTTP/1.1`.
    pub protocol: String,
    /// nginx's serial number of the connection.
    pub connection: String,
    /// The Range header, or `-`.
    pub range: String,
    /// The path asked for.
    pub path: String,
}

impl Nginx {
    /// nginx serving the files of its `files()` folder over https with HTTP/2, answering
    /// paths under `/slow/` at `slow_rate` bytes a second per request. `None` (with a
    /// message) when nginx is not installed.
    pub fn start(slow_rate: u64) -> Option<Self> {
        let Some(binary) = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|path| Path::new(path).exists())
        else {
            eprintln!("SKIPPED: nginx is not installed; .ci/run installs nginx-light");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("files")).unwrap();
        make_certificates(dir.path());
        let port = free_port();
        let d = dir.path().display();
        let conf = format!(
            "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n\
               log_format h2 '$server_protocol $connection \"$http_range\" $uri';\n\
               access_log {d}/access.log h2;\n\
               client_body_temp_path {d}/body;\n\
               proxy_temp_path {d}/proxy;\n\
               server {{\n\
                 listen 127.0.0.1:{port} ssl http2;\n\
                 ssl_certificate {d}/server.pem;\n\
                 ssl_certificate_key {d}/server.key;\n\
                 root {d}/files;\n\
                 location /slow/ {{ limit_rate {slow_rate}; }}\n\
               }}\n\
             }}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
        let child = Command::new(binary)
            .arg("-p")
            .arg(dir.path())
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let nginx = Self { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            let log = std::fs::read_to_string(nginx.dir.path().join("error.log"));
            assert!(Instant::now() < deadline, "nginx never listened: {log:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(nginx)
    }

    /// The folder it serves.
    pub fn files(&self) -> PathBuf {
        self.dir.path().join("files")
    }

    /// The certificate of the authority that signed its certificate (for `SSL_CERT_FILE`).
    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// The https address of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}/{path}", self.port)
    }

    /// Every request it logged, in order.
    pub fn log(&self) -> Vec<Logged> {
        let log = std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default();
        log.lines()
            .map(|line| {
                let (protocol, rest) = line.split_once(' ').unwrap();
                let (connection, rest) = rest.split_once(' ').unwrap();
                let (range, path) = rest.rsplit_once(' ').unwrap();
                Logged {
                    protocol: protocol.to_owned(),
                    connection: connection.to_owned(),
                    range: range.trim_matches('"').to_owned(),
                    path: path.to_owned(),
                }
            })
            .collect()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A certificate authority (`ca.pem`) and a certificate it signed for 127.0.0.1
/// (`server.pem`, `server.key`), made in `dir` by openssl.
fn make_certificates(dir: &Path) {
    let openssl = |args: &[&str]| {
        let output = Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"],
            &["-subj", "/CN=Downpour test authority"],
            &["-addext", "basicConstraints=critical,CA:TRUE"],
            &["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat(),
    );
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
}
