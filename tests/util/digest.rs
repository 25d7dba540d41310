//! The test server's Digest login (RFC 7616), checked as a strict server does: the user `ann`
//! with [`super::PASSWORD`], a nonce this server gave, the request's own target as
//! `uri`, `qop=auth`, a count and client nonce never seen before with that nonce (no replay),
//! the opaque value sent back, and the response computed with the named algorithm.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use sha2::Digest as _;

/// What the server gave and saw of Digest logins.
#[derive(Default)]
pub struct DigestDesk {
    /// Each nonce given, and whether it is to be called stale when answered.
    nonces: Mutex<HashMap<String, bool>>,
    /// The nonce, count and client nonce of every answer taken (a replay is refused).
    seen: Mutex<HashSet<(String, String, String)>>,
    /// How many nonces were given.
    given: Mutex<u64>,
    /// Paths whose first nonce has been given (for `stale`).
    paths: Mutex<HashSet<String>>,
}

const REALM: &str = "vault";
const OPAQUE: &str = "op-42";

/// How the server wants the login: `md5` or `sha256`.
fn algorithm_name(kind: &str) -> &'static str {
    if kind == "sha256" { "SHA-256" } else { "MD5" }
}

fn h(kind: &str, text: &str) -> String {
    let bytes: Vec<u8> = if kind == "sha256" {
        sha2::Sha256::digest(text.as_bytes()).to_vec()
    } else {
        md5::Md5::digest(text.as_bytes()).to_vec()
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The parameters of a `Digest …` Authorization value (quotes removed).
fn params(value: &str) -> Option<HashMap<String, String>> {
    let rest = value.strip_prefix("Digest ")?;
    let mut out = HashMap::new();
    let mut text = rest;
    while !text.trim().is_empty() {
        let (name, after) = text.split_once('=')?;
        let name = name
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let (value, left) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"')?;
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        out.insert(name, value.trim().to_owned());
        text = left.trim_start_matches([',', ' ']);
    }
    Some(out)
}

impl DigestDesk {
    /// A fresh challenge for `path`: the first one of a path is stale-to-be when `stale`.
    fn challenge(&self, kind: &str, path: &str, stale_first: bool, stale: bool) -> String {
        let nonce = {
            let mut given = self.given.lock().unwrap();
            *given += 1;
            format!("nonce-{}-{:x}", *given, *given * 0x9e37_79b9)
        };
        let first = self.paths.lock().unwrap().insert(path.to_owned());
        self.nonces
            .lock()
            .unwrap()
            .insert(nonce.clone(), stale_first && first);
        format!(
            "Digest realm=\"{REALM}\", qop=\"auth\", algorithm={}, nonce=\"{nonce}\", \
             opaque=\"{OPAQUE}\"{}",
            algorithm_name(kind),
            if stale { ", stale=true" } else { "" }
        )
    }

    /// `None` when `authorization` is a right Digest answer to a GET of `target`; else the
    /// `WWW-Authenticate` value of the 401 to send. `kind` is `md5` or `sha256`; `stale_first`
    /// calls the first nonce of each path stale once it is answered.
    pub fn refused(
        &self,
        kind: &str,
        stale_first: bool,
        target: &str,
        path: &str,
        authorization: Option<&str>,
    ) -> Option<String> {
        let Some(p) = authorization.and_then(params) else {
            return Some(self.challenge(kind, path, stale_first, false));
        };
        let get = |name: &str| p.get(name).map(String::as_str).unwrap_or("");
        let known = self.nonces.lock().unwrap().get(get("nonce")).copied();
        let fresh = self.seen.lock().unwrap().insert((
            get("nonce").to_owned(),
            get("nc").to_owned(),
            get("cnonce").to_owned(),
        ));
        let ha1 = h(kind, &format!("ann:{REALM}:{}", super::PASSWORD));
        let ha2 = h(kind, &format!("GET:{target}"));
        let expected = h(
            kind,
            &format!(
                "{ha1}:{}:{}:{}:auth:{ha2}",
                get("nonce"),
                get("nc"),
                get("cnonce")
            ),
        );
        let right = known.is_some()
            && fresh
            && get("username") == "ann"
            && get("realm") == REALM
            && get("uri") == target
            && get("qop") == "auth"
            && get("opaque") == OPAQUE
            && get("algorithm").eq_ignore_ascii_case(algorithm_name(kind))
            && !get("cnonce").is_empty()
            && get("nc").len() == 8
            && get("response") == expected;
        if !right {
            return Some(self.challenge(kind, path, false, false));
        }
        if known == Some(true) {
            // Out of date, though the login was right.
            self.nonces.lock().unwrap().remove(get("nonce"));
            return Some(self.challenge(kind, path, false, true));
        }
        None
    }
}
