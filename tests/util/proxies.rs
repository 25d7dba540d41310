//! Real proxies for the tests, each started with its own port on 127.0.0.1 and its own
//! throwaway configuration: Debian's `microsocks` (SOCKS5) and `tinyproxy` (HTTP, with
//! CONNECT). Each connects onwards from an address of its own (127.0.0.2, 127.0.0.3), so the
//! test server can tell that a connection came through the proxy. Stopped when dropped.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where microsocks connects onwards from.
pub const SOCKS_EXIT: &str = "127.0.0.2";
/// Where tinyproxy connects onwards from.
pub const HTTP_PROXY_EXIT: &str = "127.0.0.3";

/// A running proxy.
pub struct Proxy {
    child: Child,
    port: u16,
    /// Its configuration and log, removed with it.
    _dir: tempfile::TempDir,
}

impl Proxy {
    /// A SOCKS5 proxy; with `login`, it asks for that user name and password.
    pub fn socks(login: Option<(&str, &str)>) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut command = Command::new("microsocks");
        command.args(["-i", "127.0.0.1", "-p", &port.to_string(), "-b", SOCKS_EXIT]);
        if let Some((user, password)) = login {
            command.args(["-u", user, "-P", password]);
        }
        Self::start(command, port, dir)
    }

    /// An HTTP proxy (tinyproxy); with `login`, it asks for that user name and password (407).
    pub fn http(login: Option<(&str, &str)>) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut conf = format!(
            "Port {port}\nListen 127.0.0.1\nBind {HTTP_PROXY_EXIT}\nTimeout 30\n\
             MaxClients 50\nLogLevel Info\nLogFile \"{}\"\n",
            dir.path().join("log").display()
        );
        if let Some((user, password)) = login {
            conf.push_str(&format!("BasicAuth {user} {password}\n"));
        }
        let path = dir.path().join("tinyproxy.conf");
        std::fs::write(&path, conf).unwrap();
        let mut command = Command::new("tinyproxy");
        command.arg("-d").arg("-c").arg(&path);
        Self::start(command, port, dir)
    }

    fn start(mut command: Command, port: u16, dir: tempfile::TempDir) -> Option<Self> {
        let child = match command.stdout(Stdio::null()).stderr(Stdio::null()).spawn() {
            Ok(child) => child,
            Err(err) => {
                eprintln!("SKIPPED: cannot start a proxy ({err}); .ci/run installs them");
                return None;
            }
        };
        let proxy = Self {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(Instant::now() < deadline, "the proxy never listened");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(proxy)
    }

    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops it (its port then refuses connections).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port of 127.0.0.1 that nothing listens on (just now).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Every file under `dir`, with its contents.
pub fn all_files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(all_files(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path, bytes));
        }
    }
    found
}
