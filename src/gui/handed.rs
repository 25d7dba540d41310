//! What a browser sent with the links it handed over — its cookies for those links' sites,
//! the page they were on, its User-Agent, the file names the page suggested — kept in memory
//! only (never saved; only the names are shown, in the rows) and given to the runs that
//! follow: each cookie for its own domain, the page as Referer and the User-Agent only where
//! the person set none of their own in the Network section, each name to the item of its link.

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
    page: Option<Url>,
    user_agent: Option<String>,
    /// The page's suggested file name (made safe already) of each link, by its address.
    names: HashMap<String, String>,
}

impl Handed {
    /// Keeps what came with `handoff` (checked already); a cookie sent again replaces the
    /// older one, the latest page and User-Agent replace the earlier.
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
        if let Some(page) = handoff.page.as_deref().and_then(|p| Url::parse(p).ok()) {
            self.page = Some(page);
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

    /// The item that downloads `entry`, with the name its page suggested, if any.
    pub fn job(&self, entry: &UrlEntry) -> Job {
        Job {
            name: self.names.get(entry.url.as_str()).cloned(),
            ..Job::from(entry)
        }
    }

    /// The page that links just added with From a web page… were found on: like a page a
    /// browser handed over, it is the Referer of the runs that follow (the latest page, one
    /// for a whole run) unless the person set one in the Network section. A page address is
    /// no secret: sites expect it, and some give their files only with it.
    pub fn page_added(&mut self, page: Url) {
        self.page = Some(page);
    }

    /// Gives a run what the browsers sent.
    pub fn apply(&self, access: &mut Access) {
        access.browser_cookies.clone_from(&self.cookies);
        if access.referer.is_none() {
            access.referer.clone_from(&self.page);
        }
        if access.user_agent == UserAgent::Downpour
            && let Some(agent) = self.user_agent.as_deref()
            && let Ok(agent) = UserAgent::parse(agent)
        {
            access.user_agent = agent;
        }
    }
}
