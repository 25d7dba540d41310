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

/// What the desktop's proxy is never used for: this computer.
pub const BYPASS: &str = "localhost,127.0.0.1,::1";

/// The most sites of one run the portal is asked about; the others (and the hosts redirects
/// lead to, which are not known before the run) go the way most of the asked ones go.
const MOST_ASKED: usize = 64;

/// The desktop's proxy for one run, as the engine takes it: one proxy, and the hosts that
/// go directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesktopProxy {
    /// The proxy.
    pub proxy: Url,
    /// The hosts that bypass it (`NO_PROXY` style): this computer, and every asked host the
    /// desktop sends directly.
    pub bypass: String,
}

impl DesktopProxy {
    /// Makes it the proxy of a run's network settings.
    pub fn apply(self, access: &mut downpour::net::access::Access) {
        access.proxy = downpour::net::proxy::ProxySetting::Manual {
            proxy: self.proxy,
            bypass: self.bypass,
        };
    }
}

/// What the System proxy setting asks the desktop before a run or a check: the bus, and the
/// sites of the links (gathered where the links are, asked on a helper thread).
pub struct Question {
    bus: Bus,
    sites: Vec<String>,
}

impl Question {
    /// The question for `links`, or `None` when the proxy setting is not System.
    pub fn for_links<'a>(
        setting: &downpour::net::proxy::ProxySetting,
        bus: &Bus,
        links: impl IntoIterator<Item = &'a Url>,
    ) -> Option<Self> {
        (*setting == downpour::net::proxy::ProxySetting::System).then(|| Self {
            bus: bus.clone(),
            sites: sites(links),
        })
    }

    /// Asks the desktop (blocking: on a helper thread only).
    pub fn ask(&self) -> Option<DesktopProxy> {
        lookup(&self.bus, &self.sites)
    }
}

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

/// The desktop's proxy for `sites` (see [`sites`]), when no variable is set and the portal
/// names one for any of them (`None`: direct, no portal, or a bus that does not answer in
/// time). The portal is asked once per site, since a desktop's rules (a PAC script, hosts to
/// ignore) may send each site another way; called off the UI thread.
pub fn lookup(bus: &Bus, sites: &[String]) -> Option<DesktopProxy> {
    if variable_set() {
        return None;
    }
    let portal = Portal::connect(bus)?;
    let mut answers: Vec<(String, Option<Url>)> = Vec::new();
    let sample = ["https://example.org/".to_owned()];
    let asked = if sites.is_empty() { &sample[..] } else { sites };
    for site in asked {
        // A portal that does not answer is not asked again this run.
        let answer = portal.ask(site)?;
        let host = Url::parse(site)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_default();
        answers.push((host, answer.iter().find_map(|uri| proxy_of(uri))));
    }
    plan(&answers)
}

/// The sites of `links` to ask the portal about, each once (`https://host:port/`), at most
/// [`MOST_ASKED`] (it stops reading there).
pub fn sites<'a>(links: impl IntoIterator<Item = &'a Url>) -> Vec<String> {
    // Borrowed while reading (no allocation per link: a list may hold 100,000 of one site).
    let mut seen: Vec<(&str, String, Option<u16>)> = Vec::new();
    for link in links {
        let Some(host) = link.host_str() else {
            continue;
        };
        let known = seen.iter().any(|(scheme, known, port)| {
            *scheme == link.scheme() && known.eq_ignore_ascii_case(host) && *port == link.port()
        });
        if !known {
            seen.push((link.scheme(), host.to_ascii_lowercase(), link.port()));
            if seen.len() == MOST_ASKED {
                break;
            }
        }
    }
    seen.into_iter()
        .map(|(scheme, host, port)| match port {
            Some(port) => format!("{scheme}://{host}:{port}/"),
            None => format!("{scheme}://{host}/"),
        })
        .collect()
}

/// One proxy and its bypass from the portal's answer for each host: the proxy most hosts
/// go through (the first one named, on a tie), with every host the desktop sends directly
/// in the bypass. A host for which the desktop names another proxy goes through the chosen
/// one (the engine takes one proxy a run); `None` when every host goes directly.
fn plan(answers: &[(String, Option<Url>)]) -> Option<DesktopProxy> {
    let mut counted: Vec<(&Url, usize)> = Vec::new();
    for proxy in answers.iter().filter_map(|(_, proxy)| proxy.as_ref()) {
        match counted.iter_mut().find(|(seen, _)| *seen == proxy) {
            Some((_, count)) => *count += 1,
            None => counted.push((proxy, 1)),
        }
    }
    let most = counted.iter().map(|(_, count)| *count).max()?;
    let proxy = counted.iter().find(|(_, count)| *count == most)?.0.clone();
    let mut bypass = BYPASS.to_owned();
    for (host, _) in answers.iter().filter(|(_, proxy)| proxy.is_none()) {
        // A host asked twice (http and https) goes directly only if both answers are direct.
        let proxied_too = answers
            .iter()
            .any(|(other, proxy)| other == host && proxy.is_some());
        if !host.is_empty() && !proxied_too && !bypass.split(',').any(|known| known == host) {
            bypass.push(',');
            bypass.push_str(host);
        }
    }
    Some(DesktopProxy { proxy, bypass })
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

/// A connection to the desktop portal's proxy resolver.
struct Portal {
    #[cfg(target_os = "linux")]
    connection: zbus::blocking::Connection,
}

impl Portal {
    /// Connects to `bus` (`None`: no bus, or not on Linux).
    #[cfg(target_os = "linux")]
    fn connect(bus: &Bus) -> Option<Self> {
        let builder = match bus {
            Bus::Off => return None,
            Bus::Session => zbus::blocking::connection::Builder::session().ok()?,
            Bus::At(address) => {
                zbus::blocking::connection::Builder::address(address.as_str()).ok()?
            }
        };
        let connection = builder
            .method_timeout(std::time::Duration::from_secs(2))
            .build()
            .ok()?;
        Some(Self { connection })
    }

    /// Windows and macOS: reqwest reads their settings itself.
    #[cfg(not(target_os = "linux"))]
    fn connect(_bus: &Bus) -> Option<Self> {
        None
    }

    /// Which proxies `site` goes through, as the portal names them (`None`: no answer).
    #[cfg(target_os = "linux")]
    fn ask(&self, site: &str) -> Option<Vec<String>> {
        let reply = self
            .connection
            .call_method(
                Some("org.freedesktop.portal.Desktop"),
                "/org/freedesktop/portal/desktop",
                Some("org.freedesktop.portal.ProxyResolver"),
                "Lookup",
                &(site,),
            )
            .ok()?;
        reply.body().deserialize::<Vec<String>>().ok()
    }

    #[cfg(not(target_os = "linux"))]
    fn ask(&self, _site: &str) -> Option<Vec<String>> {
        None
    }
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
        assert_eq!(lookup(&Bus::Off, &[]), None);
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn each_site_is_asked_once_and_at_most_a_few_dozen() {
        let links = [
            url("https://files.example/a.zip"),
            url("https://FILES.example/b.zip"),
            url("http://files.example/c.zip"),
            url("https://nas.lan:8443/d.zip"),
        ];
        assert_eq!(
            sites(&links),
            [
                "https://files.example/",
                "http://files.example/",
                "https://nas.lan:8443/"
            ]
        );
        assert!(sites(&[]).is_empty());
        let many: Vec<Url> = (0..200)
            .map(|i| url(&format!("https://h{i}.example/")))
            .collect();
        assert_eq!(sites(&many).len(), MOST_ASKED);
    }

    #[test]
    fn the_proxy_most_sites_take_is_used_and_direct_sites_bypass_it() {
        let proxy = url("http://proxy.corp:3128");
        let other = url("socks5h://127.0.0.1:1080");
        let answer = |host: &str, proxy: Option<&Url>| (host.to_owned(), proxy.cloned());
        assert_eq!(
            plan(&[
                answer("files.example", Some(&proxy)),
                answer("wiki.corp", None),
                answer("cdn.example", Some(&proxy)),
                answer("odd.example", Some(&other)),
                // Asked over http and https: one of them goes through the proxy.
                answer("both.example", None),
                answer("both.example", Some(&proxy)),
            ]),
            Some(DesktopProxy {
                proxy: proxy.clone(),
                bypass: "localhost,127.0.0.1,::1,wiki.corp".into()
            })
        );
        assert_eq!(plan(&[answer("a", None), answer("b", None)]), None);
        assert_eq!(plan(&[]), None);
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
        let found = lookup(&Bus::At(bus.address.clone()), &[]).unwrap();
        assert_eq!(found.proxy.as_str(), "http://127.0.0.1:3128/");
        assert_eq!(found.bypass, BYPASS);
        // A bus without the portal: no proxy.
        let other = tempfile::tempdir().unwrap();
        let empty = crate::gui::folder_dialogs::tests::PrivateBus::start(other.path(), dir.path());
        assert_eq!(lookup(&Bus::At(empty.address.clone()), &[]), None);
    }

    /// A stand-in portal whose rules send `intranet` addresses directly and the rest through
    /// a proxy, as a PAC script or GNOME's ignored hosts do; it keeps what it was asked.
    #[cfg(target_os = "linux")]
    struct Rules(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

    #[cfg(target_os = "linux")]
    #[zbus::interface(name = "org.freedesktop.portal.ProxyResolver")]
    impl Rules {
        fn lookup(&self, uri: &str) -> Vec<String> {
            self.0.lock().unwrap().push(uri.to_owned());
            if uri.contains("intranet") {
                vec!["direct://".into()]
            } else {
                vec!["http://127.0.0.1:3128".into()]
            }
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_portal_is_asked_about_each_site_of_the_run() {
        if variable_set() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let bus = crate::gui::folder_dialogs::tests::PrivateBus::start(dir.path(), dir.path());
        let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let _portal = zbus::blocking::connection::Builder::address(bus.address.as_str())
            .unwrap()
            .name("org.freedesktop.portal.Desktop")
            .unwrap()
            .serve_at(
                "/org/freedesktop/portal/desktop",
                Rules(std::sync::Arc::clone(&asked)),
            )
            .unwrap()
            .build()
            .unwrap();
        let links = [
            url("https://files.example/a.zip"),
            url("http://intranet.corp/b.zip"),
            url("https://files.example/c.zip"),
        ];
        let found = lookup(&Bus::At(bus.address.clone()), &sites(&links)).unwrap();
        assert_eq!(found.proxy.as_str(), "http://127.0.0.1:3128/");
        assert_eq!(found.bypass, "localhost,127.0.0.1,::1,intranet.corp");
        assert_eq!(
            *asked.lock().unwrap(),
            ["https://files.example/", "http://intranet.corp/"]
        );
    }
}
