//! A network namespace with only loopback, for tests whose input could turn into host names:
//! a DNS query made inside it fails without leaving the machine.

use std::process::Command;

use super::server::TestServer;

/// A network namespace with only a loopback interface (so no DNS server is reachable and
/// nothing leaves the machine), held open by a `sleep` child; removed on drop.
pub struct IsolatedNetwork {
    holder: std::process::Child,
}

impl IsolatedNetwork {
    /// None when this user may not create namespaces (CI runs as root, so it can).
    pub fn new() -> Option<Self> {
        use std::io::BufRead;
        let mut holder = Command::new("unshare")
            .args([
                "-n",
                "sh",
                "-c",
                "ip link set lo up && echo ready && exec sleep 120",
            ])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        let mut line = String::new();
        std::io::BufReader::new(holder.stdout.take()?)
            .read_line(&mut line)
            .ok()?;
        if line.trim() != "ready" {
            let _ = holder.kill();
            return None;
        }
        Some(Self { holder })
    }

    fn ns_path(&self) -> String {
        format!("/proc/{}/ns/net", self.holder.id())
    }

    /// Starts a test server inside the namespace: a thread enters it, and the listener it
    /// binds (and the server threads it spawns) stay there.
    pub fn server(&self) -> TestServer {
        use std::os::fd::AsRawFd;
        let ns = std::fs::File::open(self.ns_path()).unwrap();
        std::thread::spawn(move || {
            // SAFETY: setns on this thread only, with a valid namespace file descriptor.
            let rc = unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns: {}", std::io::Error::last_os_error());
            TestServer::start()
        })
        .join()
        .unwrap()
    }

    /// The CLI, run inside the namespace.
    pub fn cli(&self) -> Command {
        let mut command = Command::new("nsenter");
        command
            .arg(format!("--net={}", self.ns_path()))
            .arg(env!("CARGO_BIN_EXE_downpour-cli"))
            .env("XDG_DATA_HOME", super::cli_data_home());
        command
    }
}

impl IsolatedNetwork {
    /// The CLI run inside the namespace under `strace`, which writes every network system call
    /// of the CLI and its threads (`socket`, `connect`, `sendto`, …) to `trace`; `None` when
    /// strace is not installed.
    pub fn traced_cli(&self, trace: &std::path::Path) -> Option<Command> {
        let strace = Command::new("strace").arg("-V").output();
        if !strace.is_ok_and(|out| out.status.success()) {
            return None;
        }
        let mut command = Command::new("nsenter");
        command
            .arg(format!("--net={}", self.ns_path()))
            .args(["strace", "-f", "-qq", "-e", "trace=%network", "-o"])
            .arg(trace)
            .arg(env!("CARGO_BIN_EXE_downpour-cli"));
        Some(command)
    }
}

impl Drop for IsolatedNetwork {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}
