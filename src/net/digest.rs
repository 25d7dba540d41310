//! Digest logins (RFC 7616): a site that answers 401 with `WWW-Authenticate: Digest` is
//! answered with a proof that the person knows the password, computed for that one request
//! (its own client nonce), instead of the password itself as Basic sends it. MD5, SHA-256 and
//! SHA-512-256 (and their `-sess` forms), `qop=auth` (and `auth-int`, whose body is empty for
//! a GET). The challenges of a `WWW-Authenticate` header are read here too.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};
use sha2::Digest as _;
use url::Url;

/// One challenge of a `WWW-Authenticate` header: its scheme (lower case) and parameters
/// (names in lower case, values unquoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Offer {
    /// `basic`, `digest`, …
    pub(crate) scheme: String,
    /// The `name=value` parameters, in order.
    pub(crate) params: Vec<(String, String)>,
}

impl Offer {
    /// The value of the parameter `name` (lower case).
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every challenge of every `WWW-Authenticate` header of an answer, in order.
pub(crate) fn offers(headers: &HeaderMap) -> Vec<Offer> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .flat_map(|value| parse_offers(&String::from_utf8_lossy(value.as_bytes())))
        .collect()
}

/// Reads the challenges of one header value (`Basic realm="a", Digest realm="b", nonce=…`).
fn parse_offers(text: &str) -> Vec<Offer> {
    let mut offers: Vec<Offer> = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return offers;
        }
        let end = rest
            .find(|c: char| c == '=' || c == ',' || c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (token, after) = rest.split_at(end);
        let after_space = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
        if let Some(value_text) = after_space.strip_prefix('=') {
            let (value, left) = read_value(value_text);
            // A parameter before any scheme is not part of a challenge.
            if let Some(offer) = offers.last_mut() {
                offer.params.push((token.to_ascii_lowercase(), value));
            }
            rest = left;
        } else {
            offers.push(Offer {
                scheme: token.to_ascii_lowercase(),
                params: Vec::new(),
            });
            rest = after;
        }
    }
}

/// A parameter's value (a token, or a quoted string with `\` escapes) and what follows it.
fn read_value(text: &str) -> (String, &str) {
    let text = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let Some(quoted) = text.strip_prefix('"') else {
        let end = text.find([',', ' ', '\t']).unwrap_or(text.len());
        return (text[..end].trim_end_matches('=').to_owned(), &text[end..]);
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    value.push(escaped);
                }
            }
            '"' => return (value, &quoted[at + 1..]),
            _ => value.push(c),
        }
    }
    (value, "")
}

/// The hash a challenge names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Algorithm {
    Md5,
    Sha256,
    Sha512_256,
}

impl Algorithm {
    /// The hex digest of `text`.
    fn hex(self, text: &str) -> String {
        match self {
            Self::Md5 => hex(&md5::Md5::digest(text.as_bytes())),
            Self::Sha256 => hex(&sha2::Sha256::digest(text.as_bytes())),
            Self::Sha512_256 => hex(&sha2::Sha512_256::digest(text.as_bytes())),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// A Digest challenge Downpour can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    /// The realm (the name of the protected place, shown to the person).
    pub(crate) realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: Algorithm,
    /// The name the server used for the algorithm, sent back as it came.
    algorithm_name: Option<String>,
    sess: bool,
    /// `auth` or `auth-int`; `None` for a server of RFC 2069, which names none.
    qop: Option<&'static str>,
    /// Whether the server said the nonce of the previous answer was out of date (the login
    /// itself was right): answered again with the new nonce, without asking the person.
    pub(crate) stale: bool,
    userhash: bool,
}

impl Challenge {
    /// The challenge of `offer` if it is a Digest one this module can answer.
    fn of(offer: &Offer) -> Option<Self> {
        if offer.scheme != "digest" {
            return None;
        }
        let name = offer.param("algorithm");
        let upper = name.unwrap_or("MD5").to_ascii_uppercase();
        let (base, sess) = match upper.strip_suffix("-SESS") {
            Some(base) => (base, true),
            None => (upper.as_str(), false),
        };
        let algorithm = match base {
            "MD5" => Algorithm::Md5,
            "SHA-256" => Algorithm::Sha256,
            "SHA-512-256" => Algorithm::Sha512_256,
            _ => return None,
        };
        let qop = match offer.param("qop") {
            None => None,
            Some(list) => {
                let options: Vec<String> = list
                    .split(',')
                    .map(|option| option.trim().to_ascii_lowercase())
                    .collect();
                if options.iter().any(|option| option == "auth") {
                    Some("auth")
                } else if options.iter().any(|option| option == "auth-int") {
                    Some("auth-int")
                } else {
                    return None;
                }
            }
        };
        Some(Self {
            realm: offer.param("realm").unwrap_or_default().to_owned(),
            nonce: offer.param("nonce")?.to_owned(),
            opaque: offer.param("opaque").map(str::to_owned),
            algorithm,
            algorithm_name: name.map(str::to_owned),
            sess,
            qop,
            stale: offer
                .param("stale")
                .is_some_and(|stale| stale.eq_ignore_ascii_case("true")),
            userhash: offer
                .param("userhash")
                .is_some_and(|hash| hash.eq_ignore_ascii_case("true")),
        })
    }

    /// The strongest Digest challenge among `offers` that can be answered.
    pub(crate) fn best(offers: &[Offer]) -> Option<Self> {
        offers
            .iter()
            .filter_map(Self::of)
            .max_by_key(|challenge| challenge.algorithm)
    }

    /// The `Authorization` value for a GET of `url` by `user` with `password`, with a client
    /// nonce of its own (each request is answered once, so its count is 1).
    pub(crate) fn authorization(&self, user: &str, password: &str, url: &Url) -> String {
        self.authorization_with(user, password, url, &client_nonce())
    }

    fn authorization_with(&self, user: &str, password: &str, url: &Url, cnonce: &str) -> String {
        let h = |text: &str| self.algorithm.hex(text);
        let uri = &url[url::Position::BeforePath..url::Position::AfterQuery];
        let count = "00000001";
        let mut secret = h(&format!("{user}:{}:{password}", self.realm));
        if self.sess {
            secret = h(&format!("{secret}:{}:{cnonce}", self.nonce));
        }
        let method_uri = match self.qop {
            Some("auth-int") => h(&format!("GET:{uri}:{}", h(""))),
            _ => h(&format!("GET:{uri}")),
        };
        let response = match self.qop {
            Some(qop) => h(&format!(
                "{secret}:{}:{count}:{cnonce}:{qop}:{method_uri}",
                self.nonce
            )),
            None => h(&format!("{secret}:{}:{method_uri}", self.nonce)),
        };
        let mut fields = vec![self.username_field(user)];
        fields.push(format!("realm={}", quoted(&self.realm)));
        fields.push(format!("uri={}", quoted(uri)));
        if let Some(name) = &self.algorithm_name {
            fields.push(format!("algorithm={name}"));
        }
        fields.push(format!("nonce={}", quoted(&self.nonce)));
        if let Some(qop) = self.qop {
            fields.push(format!("qop={qop}, nc={count}, cnonce={}", quoted(cnonce)));
        }
        fields.push(format!("response={}", quoted(&response)));
        if let Some(opaque) = &self.opaque {
            fields.push(format!("opaque={}", quoted(opaque)));
        }
        if self.userhash {
            fields.push("userhash=true".to_owned());
        }
        format!("Digest {}", fields.join(", "))
    }

    /// `username="…"`, hashed when the server asked (`userhash=true`), else in the extended
    /// form (`username*=UTF-8''…`) when it cannot be quoted as it is.
    fn username_field(&self, user: &str) -> String {
        if self.userhash {
            let hashed = self.algorithm.hex(&format!("{user}:{}", self.realm));
            return format!("username={}", quoted(&hashed));
        }
        if user.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return format!("username={}", quoted(user));
        }
        let encoded =
            percent_encoding::utf8_percent_encode(user, percent_encoding::NON_ALPHANUMERIC);
        format!("username*=UTF-8''{encoded}")
    }
}

/// `text` as a quoted string (`"` and `\` escaped).
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A client nonce no other request of any run shares and a server cannot foresee: the
/// process's random hash keys over a counter and the time.
fn client_nonce() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let count = COUNT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let keys = std::collections::hash_map::RandomState::new();
    let mut words = [0u64; 2];
    for (salt, word) in words.iter_mut().enumerate() {
        let mut hasher = keys.build_hasher();
        hasher.write_usize(salt);
        hasher.write_u64(count);
        hasher.write_u128(nanos);
        *word = hasher.finish();
    }
    format!("{:016x}{:016x}", words[0], words[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(text: &str) -> Vec<Offer> {
        parse_offers(text)
    }

    #[test]
    fn several_challenges_in_one_header_are_told_apart() {
        let offers = offer(
            "Basic realm=\"a, b\", Digest realm=\"x\\\"y\", nonce=abc, qop=\"auth,auth-int\", \
             Negotiate dG9rZW4=",
        );
        let schemes: Vec<&str> = offers.iter().map(|o| o.scheme.as_str()).collect();
        assert_eq!(schemes, ["basic", "digest", "negotiate"]);
        assert_eq!(offers[0].param("realm"), Some("a, b"));
        assert_eq!(offers[1].param("realm"), Some("x\"y"));
        assert_eq!(offers[1].param("nonce"), Some("abc"));
        assert_eq!(offers[1].param("qop"), Some("auth,auth-int"));
    }

    /// The example of RFC 7616 section 3.9.1 (user Mufasa, password "Circle of Life").
    #[test]
    fn the_answer_is_the_one_of_rfc_7616() {
        let header = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", \
             algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
        let challenge = Challenge::best(&offer(header)).unwrap();
        let url = Url::parse("http://www.example.org/dir/index.html").unwrap();
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        let answer = challenge.authorization_with("Mufasa", "Circle of Life", &url, cnonce);
        assert!(
            answer.contains(
                "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""
            ),
            "{answer}"
        );
        // The same challenge with MD5 (the RFC's other example).
        let md5 = header.replace("SHA-256", "MD5");
        let challenge = Challenge::best(&offer(&md5)).unwrap();
        let answer = challenge.authorization_with("Mufasa", "Circle of Life", &url, cnonce);
        assert!(
            answer.contains("response=\"8ca523f5e9506fed4657c9700eebdbec\""),
            "{answer}"
        );
        assert!(answer.starts_with("Digest username=\"Mufasa\", realm=\"http-auth@example.org\""));
        assert!(answer.contains("uri=\"/dir/index.html\""));
        assert!(answer.contains("qop=auth, nc=00000001, cnonce=\""));
        assert!(answer.contains("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""));
        assert!(!answer.contains("Circle"));
    }

    #[test]
    fn the_strongest_answerable_challenge_is_chosen() {
        let offers = offer(
            "Digest realm=\"r\", nonce=\"1\", algorithm=MD5, qop=auth, \
             Digest realm=\"r\", nonce=\"2\", algorithm=SHA-256, qop=auth, stale=TRUE, \
             Digest realm=\"r\", nonce=\"3\", algorithm=SHA3-512, qop=auth",
        );
        let best = Challenge::best(&offers).unwrap();
        assert_eq!(best.nonce, "2");
        assert!(best.stale);
        // Nothing Downpour can answer: no nonce, an unknown qop, or no Digest at all.
        assert_eq!(Challenge::best(&offer("Digest realm=\"r\"")), None);
        assert_eq!(Challenge::best(&offer("Digest nonce=1, qop=other")), None);
        assert_eq!(Challenge::best(&offer("Basic realm=\"r\"")), None);
    }

    #[test]
    fn each_answer_has_its_own_client_nonce_and_odd_names_are_encoded() {
        let challenge = Challenge::best(&offer("Digest realm=\"r\", nonce=n, qop=auth")).unwrap();
        let url = Url::parse("http://h/a?b=1").unwrap();
        let one = challenge.authorization("ann", "pw", &url);
        let two = challenge.authorization("ann", "pw", &url);
        assert_ne!(one, two);
        assert!(one.contains("uri=\"/a?b=1\""), "{one}");
        let named = challenge.authorization("安妮", "pw", &url);
        assert!(
            named.starts_with("Digest username*=UTF-8''%E5%AE%89%E5%A6%AE, "),
            "{named}"
        );
        let quoted_name = challenge.authorization("a\"b", "pw", &url);
        assert!(quoted_name.starts_with("Digest username=\"a\\\"b\""));
    }
}
