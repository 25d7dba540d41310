//! `downpour --native-host`: what browsers start when the extension sends links. It reads
//! the browser's length-prefixed JSON messages on stdin, checks each ([`Handoff::from_json`]),
//! hands it to the running window (starting one and waiting up to 10 s if none runs) and
//! answers `{"ok":true,"added":N}` or `{"ok":false,"error":"a sentence"}`. It never opens a
//! port, never reads or writes a path a message names, and never starts a download itself.

use std::io::{self, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::frame::{Read1, read_message, write_message};
use super::socket::{self, Answer};
use super::{Handoff, Refusal};

/// The extension's id in Chromium-family browsers (fixed by the `key` in its manifest).
pub const CHROMIUM_EXTENSION_ID: &str = "mmhikfakmnplcfgdgeldpbmmofkhckok";
/// The extension's id in Firefox (`browser_specific_settings.gecko.id`).
pub const FIREFOX_EXTENSION_ID: &str = "browser@downpour.app";
/// The native host's name, as the extension calls it.
pub const HOST_NAME: &str = "app.downpour.host";
/// How long the host waits for a window it started.
const WINDOW_WAIT: Duration = Duration::from_secs(10);

/// Whether the program was started by a browser as its native host: `--native-host`, or the
/// arguments browsers pass (Chromium: the caller's `chrome-extension://ID/`; Firefox: the
/// manifest's path and the extension's id).
pub fn invoked_by_browser(args: &[String]) -> bool {
    let first = args.get(1).map(String::as_str);
    first == Some("--native-host")
        || first.is_some_and(|arg| arg.starts_with("chrome-extension://"))
        || args.get(2).is_some_and(|arg| arg == FIREFOX_EXTENSION_ID)
}

/// The answer to the extension.
#[derive(Debug, Serialize)]
struct Reply {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    added: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Answers every message on `input` until it ends; `forward` hands a checked message to the
/// window. A message too large or cut short is answered and ends the host (what follows could
/// not be told apart from its body).
pub fn serve(
    input: &mut impl Read,
    output: &mut impl Write,
    mut forward: impl FnMut(&Handoff) -> Answer,
) -> io::Result<()> {
    loop {
        let (answer, last) = match read_message(input)? {
            Read1::End => return Ok(()),
            // Past a length refused or cut short the stream is out of step: answer and end.
            Read1::Refused(refusal) => (Answer::Refused(refusal.sentence()), true),
            Read1::Message(bytes) => match Handoff::from_json(&bytes) {
                Ok(handoff) if handoff.links.is_empty() => {
                    (Answer::Refused(Refusal::NoLinks.sentence()), false)
                }
                Ok(handoff) => (forward(&handoff), false),
                Err(refusal) => (Answer::Refused(refusal.sentence()), false),
            },
        };
        let reply = match answer {
            Answer::Added(n) => Reply {
                ok: true,
                added: Some(n),
                error: None,
            },
            Answer::Refused(why) => Reply {
                ok: false,
                added: None,
                error: Some(why),
            },
            Answer::Closing => Reply {
                ok: false,
                added: None,
                error: Some(Refusal::WindowClosed.sentence()),
            },
        };
        write_message(
            output,
            &serde_json::to_vec(&reply).map_err(io::Error::other)?,
        )?;
        if last {
            return Ok(());
        }
    }
}

/// Hands `handoff` to the window at `path`; if none listens, starts `downpour` and waits up
/// to 10 s for its window.
pub fn forward_to_window(path: &Path, handoff: &Handoff) -> Answer {
    match socket::send(path, handoff) {
        // A window that is closing: a new one is started, which waits for it to end.
        Ok(Answer::Closing) => {}
        Ok(answer) => return answer,
        // Starting a window would open one that cannot take the links either.
        Err(err) if err.kind() == io::ErrorKind::Unsupported => {
            return Answer::Refused(Refusal::NoHandoffHere.sentence());
        }
        Err(err)
            if !matches!(
                err.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Answer::Refused(Refusal::WindowSilent(err.to_string()).sentence());
        }
        Err(_) => {}
    }
    if let Err(err) = start_window() {
        return Answer::Refused(Refusal::NotStarted(err.to_string()).sentence());
    }
    let deadline = Instant::now() + WINDOW_WAIT;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        match socket::send(path, handoff) {
            Ok(Answer::Closing) | Err(_) => {}
            Ok(answer) => return answer,
        }
    }
    Answer::Refused(Refusal::WindowLate.sentence())
}

/// Starts the window (this same program, without arguments) in its own process group, so
/// that it outlives the host when the browser ends it.
fn start_window() -> io::Result<()> {
    let exe = std::env::current_exe()?;
    let mut command = std::process::Command::new(exe);
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        // Out of the browser's job, whose end would end the window too, where the job
        // allows it; else as the browser's child.
        const CREATE_BREAKAWAY_FROM_JOB: u32 = 0x0100_0000;
        command.creation_flags(CREATE_BREAKAWAY_FROM_JOB);
        if command.spawn().is_ok() {
            return Ok(());
        }
        command.creation_flags(0);
    }
    command.spawn().map(drop)
}

/// The native host's whole life: stdin and stdout are the browser's.
pub fn run() -> io::Result<()> {
    let Some(path) = socket::default_path() else {
        return Err(io::Error::from(io::ErrorKind::NotFound));
    };
    serve(
        &mut io::stdin().lock(),
        &mut io::stdout().lock(),
        |handoff| forward_to_window(&path, handoff),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(json: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_message(&mut bytes, json).unwrap();
        bytes
    }

    /// The replies the host wrote for `input`, and what it forwarded.
    fn host(input: &[u8]) -> (Vec<serde_json::Value>, Vec<Handoff>) {
        let mut output = Vec::new();
        let mut forwarded = Vec::new();
        serve(&mut &input[..], &mut output, |handoff| {
            forwarded.push(handoff.clone());
            Answer::Added(handoff.links.len())
        })
        .unwrap();
        let mut replies = Vec::new();
        let mut rest = output.as_slice();
        while let Read1::Message(bytes) = read_message(&mut rest).unwrap() {
            replies.push(serde_json::from_slice(&bytes).unwrap());
        }
        (replies, forwarded)
    }

    /// Standard base64, enough for the manifest's key.
    fn base64(text: &str) -> Vec<u8> {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut bits = 0_u32;
        let mut count = 0;
        let mut out = Vec::new();
        for byte in text.bytes().filter(|b| *b != b'=') {
            let value = alphabet.iter().position(|a| *a == byte).unwrap() as u32;
            bits = (bits << 6) | value;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
            }
        }
        out
    }

    #[test]
    fn the_extension_has_the_ids_and_host_name_the_manifests_allow() {
        use sha2::Digest;
        let manifest: serde_json::Value =
            serde_json::from_str(include_str!("../../browser/manifest.json")).unwrap();
        let key = base64(manifest["key"].as_str().unwrap());
        let digest = sha2::Sha256::digest(&key);
        let id: String = digest[..16]
            .iter()
            .flat_map(|b| [b >> 4, b & 15])
            .map(|nibble| char::from(b'a' + nibble))
            .collect();
        assert_eq!(id, CHROMIUM_EXTENSION_ID);
        assert_eq!(
            manifest["browser_specific_settings"]["gecko"]["id"],
            FIREFOX_EXTENSION_ID
        );
        let script = include_str!("../../browser/background.js");
        assert!(script.contains(&format!("const HOST = \"{HOST_NAME}\";")));
        // Nothing runs in pages on its own: no content scripts.
        assert!(manifest.get("content_scripts").is_none());
        let english: serde_json::Value =
            serde_json::from_str(include_str!("../../browser/_locales/en/messages.json")).unwrap();
        let chinese: serde_json::Value =
            serde_json::from_str(include_str!("../../browser/_locales/zh_CN/messages.json"))
                .unwrap();
        let keys =
            |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&english), keys(&chinese));
        for key in keys(&english) {
            assert!(
                script.contains(&format!("\"{key}\""))
                    || key.starts_with("ext")
                    || key == "actionTitle",
                "{key} unused"
            );
        }
    }

    #[test]
    fn browsers_arguments_start_the_host_and_a_list_file_does_not() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(invoked_by_browser(&args(&["downpour", "--native-host"])));
        assert!(invoked_by_browser(&args(&[
            "downpour",
            "chrome-extension://abc/"
        ])));
        assert!(invoked_by_browser(&args(&[
            "downpour",
            "/home/u/.mozilla/native-messaging-hosts/app.downpour.host.json",
            FIREFOX_EXTENSION_ID
        ])));
        assert!(!invoked_by_browser(&args(&["downpour", "list.txt"])));
        assert!(!invoked_by_browser(&args(&["downpour", "a.txt", "b.txt"])));
    }

    #[test]
    fn each_message_gets_its_answer_and_only_good_ones_are_forwarded() {
        let good = br#"{"links":[{"url":"https://example.com/a.zip","name":"a.zip"}],"page":"https://example.com/","user_agent":"Mozilla/5.0","cookies":[{"domain":".example.com","name":"s","value":"1"}]}"#;
        let mut input = framed(good);
        input.extend(framed(br#"{"links":[{"url":"file:///etc/passwd"}]}"#));
        input.extend(framed(br#"{"links":"https://example.com/"}"#));
        input.extend(framed(b"{\"links\":["));
        input.extend(framed(
            br#"{"links":[{"url":"https://example.com/a"}],"folder":"/tmp"}"#,
        ));
        input.extend(framed(br#"{"links":[]}"#));
        let (replies, forwarded) = host(&input);
        assert_eq!(replies.len(), 6);
        assert_eq!(replies[0], serde_json::json!({"ok": true, "added": 1}));
        for reply in &replies[1..] {
            assert_eq!(reply["ok"], false, "{reply}");
        }
        assert!(
            replies[1]["error"]
                .as_str()
                .unwrap()
                .contains("file:///etc/passwd")
        );
        assert!(replies[4]["error"].as_str().unwrap().contains("folder"));
        assert_eq!(replies[5]["error"], "The browser sent no link.");
        assert_eq!(forwarded.len(), 1);
        assert_eq!(forwarded[0].cookies[0].value, "1");
    }

    #[test]
    fn an_oversize_message_is_answered_and_ends_the_host() {
        let mut input = ((2 * 1024 * 1024) as u32).to_ne_bytes().to_vec();
        // What follows the refused length is its body, never read as a message of its own.
        input.extend(framed(br#"{"links":[{"url":"https://example.com/a"}]}"#));
        let (replies, forwarded) = host(&input);
        assert_eq!(replies.len(), 1);
        assert!(replies[0]["error"].as_str().unwrap().contains("too large"));
        assert!(forwarded.is_empty());
    }

    #[test]
    fn a_truncated_message_is_answered_and_ends_the_host() {
        let mut input = framed(br#"{"links":[{"url":"https://example.com/a"}]}"#);
        input.truncate(input.len() - 3);
        let (replies, forwarded) = host(&input);
        assert_eq!(replies.len(), 1);
        assert!(replies[0]["error"].as_str().unwrap().contains("cut short"));
        assert!(forwarded.is_empty());
    }
}
