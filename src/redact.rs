//! How an address is shown to a person: a password in a link (`user:password@host`) is never
//! shown or stored — it reads `user:***@host` — and an internationalized host name reads as
//! its owner wrote it (`bücher.example`, not `xn--bcher-kva.example`).

use url::{Position, Url};

/// What stands in for a password.
pub const HIDDEN: &str = "***";

/// `url` as it may be shown and stored: any password replaced by `***`, the host in Unicode.
pub fn url(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        // Only fails for URLs that cannot have credentials, which then have no password.
        let _ = shown.set_password(Some(HIDDEN));
    }
    let ascii = shown.host_str().unwrap_or_default();
    let unicode = host_of(ascii);
    if unicode == ascii {
        return shown.into();
    }
    format!(
        "{}{unicode}{}",
        &shown[..Position::BeforeHost],
        &shown[Position::AfterHost..]
    )
}

/// The host of `url` for a sentence, in Unicode.
pub fn host(url: &Url) -> String {
    host_of(url.host_str().unwrap_or_default())
}

/// `host` (as a URL holds it) in Unicode; an address or a name that does not decode stays as
/// it is.
fn host_of(host: &str) -> String {
    if !host.split('.').any(|label| label.starts_with("xn--")) {
        return host.to_owned();
    }
    let (unicode, result) = idna::domain_to_unicode(host);
    match result {
        Ok(()) => unicode,
        Err(_) => host.to_owned(),
    }
}

/// `url` without its credentials at all, for what is kept on disk (a restored list, resume
/// state): the person types the password again rather than Downpour storing it.
pub fn without_password(url: &Url) -> Url {
    let mut bare = url.clone();
    let _ = bare.set_password(None);
    bare
}

/// An address as Downpour keeps and compares it: without its password (see
/// [`without_password`]). One type for the engine's resume records and finished log and the
/// window's rows and saved list, so a password cannot slip into what is kept.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct KeptUrl(String);

impl KeptUrl {
    /// `url` without its password.
    pub fn of(url: &Url) -> Self {
        Self(without_password(url).into())
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PartialEq<&str> for KeptUrl {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::borrow::Borrow<str> for KeptUrl {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for KeptUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A secret of the person's — a password, a cookie, a header's value — that Downpour sends
/// where it belongs and never shows or stores: its `Debug` is `***`, it has no `Display` and
/// is not serialized.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Keeps `text` as a secret.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The secret itself, for the request that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(HIDDEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_and_hosts_read_in_unicode() {
        let secret = Url::parse("http://ann:s3cr%3At@files.example:8080/a.zip?x=1").unwrap();
        assert_eq!(url(&secret), "http://ann:***@files.example:8080/a.zip?x=1");
        assert!(!url(&secret).contains("s3cr"));
        assert_eq!(
            without_password(&secret).as_str(),
            "http://ann@files.example:8080/a.zip?x=1"
        );
        let idn = Url::parse("https://bücher.example/k.pdf").unwrap();
        assert_eq!(idn.host_str(), Some("xn--bcher-kva.example"));
        assert_eq!(url(&idn), "https://bücher.example/k.pdf");
        assert_eq!(host(&idn), "bücher.example");
        let plain = Url::parse("https://127.0.0.1:1/x").unwrap();
        assert_eq!(url(&plain), "https://127.0.0.1:1/x");
    }
}
