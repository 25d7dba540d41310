//! The real `downpour` program as a second start and as the browser's native host: it hands
//! its links to the window listening on the per-user socket (played here by the test) and ends,
//! writes no saved list of its own, and answers each browser message with done or a sentence.
#![cfg(unix)]

use std::io::{Read, Write};
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn framed(json: &[u8]) -> Vec<u8> {
    let mut bytes = u32::try_from(json.len()).unwrap().to_ne_bytes().to_vec();
    bytes.extend_from_slice(json);
    bytes
}

fn read_frame(input: &mut impl Read) -> Option<serde_json::Value> {
    let mut length = [0; 4];
    input.read_exact(&mut length).ok()?;
    let mut body = vec![0; u32::from_ne_bytes(length) as usize];
    input.read_exact(&mut body).unwrap();
    Some(serde_json::from_slice(&body).unwrap())
}

/// A throwaway home, runtime and data folder for one `downpour`.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let root = self.dir.path();
        let mut command = Command::new(env!("CARGO_BIN_EXE_downpour"));
        command
            .args(args)
            .env("HOME", root.join("home"))
            .env("XDG_RUNTIME_DIR", root.join("run"))
            .env("XDG_DATA_HOME", root.join("data"))
            .env("XDG_CONFIG_HOME", root.join("home/.config"))
            .env("LC_ALL", "C.UTF-8")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        command
    }

    /// Plays the running window: answers `count` connections as the window does, and gives
    /// back the messages received.
    fn window(&self, count: usize) -> std::thread::JoinHandle<Vec<serde_json::Value>> {
        let dir = self.dir.path().join("run/downpour");
        std::fs::create_dir_all(&dir).unwrap();
        // The one window holds the lock beside its socket, as the real one does.
        let lock = std::fs::File::create(dir.join("window.lock")).unwrap();
        lock.try_lock().unwrap();
        let listener = UnixListener::bind(dir.join("window.sock")).unwrap();
        std::thread::spawn(move || {
            let _lock = lock;
            let mut got = Vec::new();
            for stream in listener.incoming().take(count) {
                let mut stream = stream.unwrap();
                let message = read_frame(&mut stream).unwrap();
                let n = message["links"].as_array().unwrap().len();
                stream
                    .write_all(&framed(format!(r#"{{"added":{n}}}"#).as_bytes()))
                    .unwrap();
                got.push(message);
            }
            got
        })
    }

    fn native_host(&self, args: &[&str], input: &[u8]) -> (Output, Vec<serde_json::Value>) {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A host that refuses a length stops reading: the rest of the input finds a closed pipe.
        let _ = child.stdin.take().unwrap().write_all(input);
        let output = child.wait_with_output().unwrap();
        let mut replies = Vec::new();
        let mut rest = output.stdout.as_slice();
        while let Some(reply) = read_frame(&mut rest) {
            replies.push(reply);
        }
        (output, replies)
    }
}

fn no_saved_list(home: &Home) -> bool {
    !home.dir.path().join("data/downpour").exists()
}

#[test]
fn a_second_start_hands_its_list_to_the_running_window_and_ends() {
    let home = Home::new();
    let window = home.window(1);
    let list = home.dir.path().join("list.txt");
    std::fs::write(
        &list,
        "https://example.com/a.zip\n# notes\nexample.com/b.iso\n",
    )
    .unwrap();
    let output = home.command(&[list.to_str().unwrap()]).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Downpour is already open: 2 links were added to its window.\n"
    );
    let got = window.join().unwrap();
    assert_eq!(
        got,
        [serde_json::json!({"links": [
            {"url": "https://example.com/a.zip"},
            {"url": "https://example.com/b.iso"},
        ]})]
    );
    // Only the window writes the saved list: this start did not even make the data folder.
    assert!(no_saved_list(&home));
    let socket = home.dir.path().join("run/downpour/window.sock");
    assert!(socket.exists(), "the running window's socket is left alone");
}

#[test]
fn the_native_host_forwards_a_good_message_with_what_the_browser_knew() {
    let home = Home::new();
    let window = home.window(1);
    let message = br#"{"links":[{"url":"https://dl.example.com/a.zip","name":"a.zip"}],"page":"https://example.com/p","user_agent":"Mozilla/5.0","cookies":[{"domain":".example.com","name":"s","value":"v","secure":true}]}"#;
    let origin = "chrome-extension://mmhikfakmnplcfgdgeldpbmmofkhckok/";
    let (output, replies) = home.native_host(&[origin], &framed(message));
    assert!(output.status.success(), "{output:?}");
    assert_eq!(replies, [serde_json::json!({"ok": true, "added": 1})]);
    let got = window.join().unwrap();
    assert_eq!(
        got[0],
        serde_json::from_slice::<serde_json::Value>(message).unwrap()
    );
    assert!(no_saved_list(&home));
}

#[test]
fn the_native_host_refuses_bad_messages_with_a_sentence_and_forwards_nothing() {
    let home = Home::new();
    let many: Vec<_> = (0..10_001)
        .map(|i| format!(r#"{{"url":"https://example.com/{i}"}}"#))
        .collect();
    let many = format!(r#"{{"links":[{}]}}"#, many.join(","));
    let cases: [(&[u8], &str); 5] = [
        (b"{\"links\":[{\"url\":", "not one Downpour understands"),
        (
            br#"{"links":[{"url":["https://example.com/a"]}]}"#,
            "invalid type",
        ),
        (
            br#"{"links":[{"url":"file:///etc/passwd"}]}"#,
            "file:///etc/passwd",
        ),
        (many.as_bytes(), "10001 links"),
        (
            br#"{"links":[{"url":"https://example.com/a"}],"folder":"/home"}"#,
            "unknown field `folder`",
        ),
    ];
    let mut input = Vec::new();
    for (message, _) in &cases {
        input.extend(framed(message));
    }
    // No window listens: a message that reached the forwarding would start one and wait.
    let (output, replies) = home.native_host(&["--native-host"], &input);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(replies.len(), cases.len());
    for (reply, (_, expected)) in replies.iter().zip(cases) {
        assert_eq!(reply["ok"], false);
        let error = reply["error"].as_str().unwrap();
        assert!(error.contains(expected), "{error} should say {expected}");
    }
    assert!(no_saved_list(&home));
}

#[test]
fn the_native_host_answers_an_oversize_or_cut_message_and_stops() {
    let home = Home::new();
    let mut oversize = (1024 * 1024 + 1_u32).to_ne_bytes().to_vec();
    oversize.extend(vec![b' '; 1024 * 1024 + 1]);
    let mut cut = framed(br#"{"links":[{"url":"https://example.com/a"}]}"#);
    cut.truncate(cut.len() - 5);
    for (input, expected) in [(oversize, "too large"), (cut, "cut short")] {
        let (output, replies) = home.native_host(&["--native-host"], &input);
        assert!(output.status.success(), "{output:?}");
        assert_eq!(replies.len(), 1);
        assert!(
            replies[0]["error"].as_str().unwrap().contains(expected),
            "{replies:?}"
        );
    }
}

#[test]
fn browser_integration_is_installed_for_the_browsers_found_and_removed() {
    let home = Home::new();
    let root = home.dir.path().join("home");
    std::fs::create_dir_all(root.join(".config/google-chrome")).unwrap();
    std::fs::create_dir_all(root.join(".mozilla")).unwrap();
    let output = home
        .command(&["--install-browser-integration"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let chrome = root.join(".config/google-chrome/NativeMessagingHosts/app.downpour.host.json");
    let firefox = root.join(".mozilla/native-messaging-hosts/app.downpour.host.json");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&chrome).unwrap()).unwrap();
    let exe = Path::new(env!("CARGO_BIN_EXE_downpour"));
    assert_eq!(manifest["path"], exe.to_str().unwrap());
    assert_eq!(
        manifest["allowed_origins"],
        serde_json::json!(["chrome-extension://mmhikfakmnplcfgdgeldpbmmofkhckok/"])
    );
    assert!(firefox.exists());
    assert!(!root.join(".config/chromium").exists());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Google Chrome: installed") && stdout.contains("Firefox: installed"),
        "{stdout}"
    );
    let output = home
        .command(&["--uninstall-browser-integration"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(!chrome.exists() && !firefox.exists());
}

/// Xvfb on a display of its own, ended with the test.
struct Xvfb {
    child: std::process::Child,
    display: String,
}

impl Xvfb {
    fn start() -> Self {
        use std::io::BufRead;
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (installed by .ci/run) runs the window in this test");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Self {
            child,
            display: format!(":{}", line.trim()),
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_second_start_adds_to_the_real_window_and_opens_no_other() {
    let home = Home::new();
    let xvfb = Xvfb::start();
    let mut first = home
        .command(&[])
        .env("DISPLAY", &xvfb.display)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let socket = home.dir.path().join("run/downpour/window.sock");
    // Up to a minute for a debug build's first frame on a busy machine.
    for _ in 0..600 {
        if socket.exists() {
            break;
        }
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first window ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let windows = || {
        let found = Command::new("xdotool")
            .args(["search", "--name", "Downpour"])
            .env("DISPLAY", &xvfb.display)
            .output()
            .expect("xdotool (installed by .ci/run) counts the windows");
        String::from_utf8_lossy(&found.stdout).lines().count()
    };
    for _ in 0..600 {
        if windows() > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let list = home.dir.path().join("list.txt");
    std::fs::write(&list, "https://example.com/a.zip\n").unwrap();
    let second = home
        .command(&[list.to_str().unwrap()])
        .env("DISPLAY", &xvfb.display)
        .output()
        .unwrap();
    let still_running = first.try_wait().unwrap().is_none();
    let windows = windows();
    let _ = first.kill();
    let _ = first.wait();
    assert!(second.status.success(), "{second:?}");
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        "Downpour is already open: 1 links were added to its window.\n",
        "the answer of the first window"
    );
    assert!(still_running);
    assert_eq!(windows, 1, "one window");
}

/// How many windows named Downpour are open on `display`.
fn windows_on(display: &str) -> usize {
    let found = Command::new("xdotool")
        .args(["search", "--name", "Downpour"])
        .env("DISPLAY", display)
        .output()
        .expect("xdotool (installed by .ci/run) counts the windows");
    String::from_utf8_lossy(&found.stdout).lines().count()
}

#[test]
fn two_starts_at_the_same_moment_open_one_window_with_the_links_of_both() {
    let home = Home::new();
    let xvfb = Xvfb::start();
    let lists: Vec<String> = ["a", "b"]
        .iter()
        .map(|name| {
            let list = home.dir.path().join(format!("{name}.txt"));
            std::fs::write(&list, format!("https://example.com/{name}.zip\n")).unwrap();
            list.to_str().unwrap().to_owned()
        })
        .collect();
    let socket = home.dir.path().join("run/downpour/window.sock");
    // Round after round; from the second on, over the socket of a window that was killed.
    for round in 0..5 {
        let mut starts: Vec<_> = lists
            .iter()
            .map(|list| {
                home.command(&[list])
                    .env("DISPLAY", &xvfb.display)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        // One of the two ends, having handed its link over; up to a minute on a busy machine.
        let mut ended = None;
        for _ in 0..600 {
            ended = (0..2).find(|i| starts[*i].try_wait().unwrap().is_some());
            if ended.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let Some(ended) = ended else {
            for mut start in starts {
                let _ = start.kill();
                let _ = start.wait();
            }
            panic!("round {round}: both starts stayed open");
        };
        let mut window = starts.remove(1 - ended);
        let handed = starts.remove(0).wait_with_output().unwrap();
        let mut count = 0;
        for _ in 0..600 {
            count = windows_on(&xvfb.display);
            if count > 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let still_running = window.try_wait().unwrap().is_none();
        // Killed: its socket stays behind, as after a crash, for the next round's race.
        let _ = window.kill();
        let window = window.wait_with_output().unwrap();
        assert!(handed.status.success(), "round {round}: {handed:?}");
        assert_eq!(
            String::from_utf8_lossy(&handed.stdout),
            "Downpour is already open: 1 links were added to its window.\n",
            "round {round}: the link of the start that ended went to the other's window"
        );
        assert!(still_running, "round {round}: the window ended: {window:?}");
        assert_eq!(count, 1, "round {round}: one window");
        assert!(socket.exists());
    }
}
