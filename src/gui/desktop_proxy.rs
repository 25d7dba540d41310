//! The Linux desktop's own proxy (GNOME's and KDE's settings) for the System proxy setting,
//! asked of the XDG desktop portal's `org.freedesktop.portal.ProxyResolver` when no proxy
//! variable is set (a program started from the desktop rarely has one). The engine cannot
//! speak D-Bus, so the window asks (on a helper thread) and hands the answer to the run as a
//! Manual proxy.

use url::Url;

/// Which bus to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bus {
    /// The session bus.
    Session,
    /// A bus at this address (the tests' own).
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "only the tests have a bus of their own")
    )]
    At(String),
    /// None: the desktop is not asked.
    Off,
}

impl Default for Bus {
    fn default() -> Self {
        if cfg!(test) { Bus::Off } else { Bus::Session }
    }
}

/// What the desktop's proxy is not used for: this computer (the portal is asked about one
/// web address, not each link).
pub const BYPASS: &str = "localhost,127.0.0.1,::1";

/// The proxy variables that, when set, are the system's proxy (reqwest reads them).
const VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Whether a proxy variable is set in Downpour's environment.
fn variable_set() -> bool {
    VARIABLES
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

/// The desktop's proxy for web addresses, when no variable is set and the portal names one
/// (`None`: direct, no portal, or a bus that does not answer in time).
pub fn lookup(bus: &Bus) -> Option<Url> {
    if variable_set() {
        return None;
    }
    let answer = ask_portal(bus)?;
    answer.iter().find_map(|uri| proxy_of(uri))
}

/// The proxy a portal answer names: `http://`, `https://`, `socks5://`, `socks5h://`, or
/// `socks://` (read as SOCKS5, names resolved by the proxy); `None` for `direct://` and the
/// rest.
fn proxy_of(uri: &str) -> Option<Url> {
    let mut url = Url::parse(uri.trim()).ok()?;
    match url.scheme() {
        "http" | "https" | "socks5" | "socks5h" => {}
        "socks" | "socks4" | "socks4a" => {
            // A host and port must stay: set_scheme refuses nothing between these special
            // schemes, so the text is rewritten.
            let rest = uri.trim().split_once("://")?.1;
            url = Url::parse(&format!("socks5h://{rest}")).ok()?;
        }
        _ => return None,
    }
    url.host_str().is_some().then_some(url)
}

/// Asks the portal which proxies an https address goes through.
#[cfg(target_os = "linux")]
fn ask_portal(bus: &Bus) -> Option<Vec<String>> {
    let builder = match bus {
        Bus::Off => return None,
        Bus::Session => zbus::blocking::connection::Builder::session().ok()?,
        Bus::At(address) => zbus::blocking::connection::Builder::address(address.as_str()).ok()?,
    };
    let connection = builder
        .method_timeout(std::time::Duration::from_secs(2))
        .build()
        .ok()?;
    let reply = connection
        .call_method(
            Some("org.freedesktop.portal.Desktop"),
            "/org/freedesktop/portal/desktop",
            Some("org.freedesktop.portal.ProxyResolver"),
            "Lookup",
            &("https://example.org/",),
        )
        .ok()?;
    reply.body().deserialize::<Vec<String>>().ok()
}

/// Windows and macOS: reqwest reads their settings itself.
#[cfg(not(target_os = "linux"))]
fn ask_portal(_bus: &Bus) -> Option<Vec<String>> {
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn the_portals_answer_is_read_as_a_proxy() {
        assert_eq!(proxy_of("direct://"), None);
        assert_eq!(
            proxy_of("http://proxy.example:3128").unwrap().as_str(),
            "http://proxy.example:3128/"
        );
        assert_eq!(
            proxy_of("socks://127.0.0.1:1080").unwrap().as_str(),
            "socks5h://127.0.0.1:1080"
        );
        assert_eq!(proxy_of("ftp://x:21"), None);
        assert_eq!(lookup(&Bus::Off), None);
    }

    /// A stand-in portal on a private bus answers `answer` to every Lookup.
    #[cfg(target_os = "linux")]
    pub(crate) struct Resolver(pub(crate) Vec<String>);

    #[cfg(target_os = "linux")]
    #[zbus::interface(name = "org.freedesktop.portal.ProxyResolver")]
    impl Resolver {
        fn lookup(&self, _uri: &str) -> Vec<String> {
            self.0.clone()
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_desktop_portal_is_asked_for_the_proxy() {
        if variable_set() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let bus = crate::gui::folder_dialogs::tests::PrivateBus::start(dir.path(), dir.path());
        let _portal = zbus::blocking::connection::Builder::address(bus.address.as_str())
            .unwrap()
            .name("org.freedesktop.portal.Desktop")
            .unwrap()
            .serve_at(
                "/org/freedesktop/portal/desktop",
                Resolver(vec!["direct://".into(), "http://127.0.0.1:3128".into()]),
            )
            .unwrap()
            .build()
            .unwrap();
        let found = lookup(&Bus::At(bus.address.clone()));
        assert_eq!(found.unwrap().as_str(), "http://127.0.0.1:3128/");
        // A bus without the portal: no proxy.
        let other = tempfile::tempdir().unwrap();
        let empty = crate::gui::folder_dialogs::tests::PrivateBus::start(other.path(), dir.path());
        assert_eq!(lookup(&Bus::At(empty.address.clone())), None);
    }
}
