//! What a browser sent with the links it handed over — its cookies for those links' sites,
//! the page they were on, its User-Agent, the file names the page suggested — kept in memory
//! only (never saved; only the names are shown, in the rows) and given to the runs that
//! follow: each cookie for its own domain, the User-Agent only where the person set none of
//! their own in the Network section, each name and each page (as its Referer) to the item of
//! its own link — never one page for a whole run that holds links from several.

use std::collections::HashMap;

use downpour::net::access::{Access, UserAgent};
use downpour::net::cookies::BrowserCookie;
use downpour::redact::Secret;
use downpour::{Job, UrlEntry};
use url::Url;

use crate::handoff::Handoff;

/// What the browsers sent so far in this session.
#[derive(Debug, Default)]
pub struct Handed {
    cookies: Vec<BrowserCookie>,
    user_agent: Option<String>,
    /// The page's suggested file name (made safe already) of each link, by its address.
    names: HashMap<String, String>,
    /// The page each link came from (handed over, or added with From a web page…), by its
    /// address: its Referer.
    pages: HashMap<String, Url>,
}

impl Handed {
    /// Keeps what came with `handoff` (checked already); a cookie sent again replaces the
    /// older one, the latest User-Agent replaces the earlier, a link sent again takes its
    /// latest page.
    pub fn keep(&mut self, handoff: &Handoff) {
        for cookie in &handoff.cookies {
            let kept = BrowserCookie {
                domain: cookie.domain.clone(),
                path: cookie.path.clone().unwrap_or_else(|| "/".to_owned()),
                secure: cookie.secure,
                name: cookie.name.clone(),
                value: Secret::new(cookie.value.clone()),
            };
            self.cookies.retain(|old| {
                (&old.domain, &old.path, &old.name) != (&kept.domain, &kept.path, &kept.name)
            });
            self.cookies.push(kept);
        }
        let page = handoff.page.as_deref().and_then(|p| Url::parse(p).ok());
        if let Some(page) = page.filter(|p| matches!(p.scheme(), "http" | "https")) {
            let links = handoff.links.iter().filter_map(|l| Url::parse(&l.url).ok());
            self.page_added(&page, links);
        }
        if let Some(agent) = &handoff.user_agent {
            self.user_agent = Some(agent.clone());
        }
        for link in &handoff.links {
            let (Some(name), Ok(url)) = (&link.name, Url::parse(&link.url)) else {
                continue;
            };
            // As many as a links box holds; past that a link gets the server's name.
            if self.names.len() < downpour::urls::MAX_LINKS || self.names.contains_key(url.as_str())
            {
                self.names.insert(url.into(), name.clone());
            }
        }
    }

    /// The item that downloads `entry`, with the name its page suggested and the page it
    /// came from, if any.
    pub fn job(&self, entry: &UrlEntry) -> Job {
        Job {
            name: self.names.get(entry.url.as_str()).cloned(),
            referer: self.pages.get(entry.url.as_str()).cloned(),
            ..Job::from(entry)
        }
    }

    /// The links just added with From a web page… from `page`: like a page a browser handed
    /// over, it is each one's Referer (wins over the one set in the Network section, for
    /// that link only). A page address is no secret: sites expect it, and some give their
    /// files only with it.
    /// As many pages are kept as a links box holds links.
    pub fn page_added(&mut self, page: &Url, links: impl IntoIterator<Item = Url>) {
        for url in links {
            if self.pages.len() < downpour::urls::MAX_LINKS || self.pages.contains_key(url.as_str())
            {
                self.pages.insert(url.into(), page.clone());
            }
        }
    }

    /// Gives a run what the browsers sent.
    pub fn apply(&self, access: &mut Access) {
        access.browser_cookies.clone_from(&self.cookies);
        if access.user_agent == UserAgent::Downpour
            && let Some(agent) = self.user_agent.as_deref()
            && let Ok(agent) = UserAgent::parse(agent)
        {
            access.user_agent = agent;
        }
    }
}
