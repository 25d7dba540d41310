//! The command-line flags for reaching the sites — proxy, User-Agent, Referer, headers,
//! cookies file and login — read into an [`Access`] before any request, each mistake one
//! sentence.

use std::path::PathBuf;

use super::access::{Access, AccessError, Login, SiteHeader, UserAgent, parse_referer};
use super::cookies::CookieFile;
use super::netrc::Netrc;
use super::proxy::ProxySetting;
use crate::redact::Secret;

/// How the sites are reached.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct AccessArgs {
    /// Proxy for every link: http://, https://, socks5:// or socks5h://HOST:PORT (with
    /// USER:PASSWORD@ if it needs them), 'none', or 'system' [default: system]
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Hosts reached without the proxy, separated by commas (e.g. 'intranet.example,.lan')
    #[arg(long, value_name = "HOSTS")]
    pub no_proxy: Option<String>,
    /// What the requests say the program is: 'downpour', 'browser' (like a web browser), or
    /// your own text
    #[arg(long, value_name = "TEXT")]
    pub user_agent: Option<String>,
    /// The page the links come from, sent as Referer (for sites that refuse links from
    /// elsewhere)
    #[arg(long, value_name = "URL")]
    pub referer: Option<String>,
    /// A header 'Name: value' sent with every request to the listed links' hosts (not to
    /// other hosts they redirect to); may be given more than once
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,
    /// Send the cookies of FILE (cookies.txt, as browser extensions export it) where they
    /// belong
    #[arg(long, value_name = "FILE")]
    pub cookies: Option<PathBuf>,
    /// User name and password for the listed links' hosts when they ask for one
    #[arg(short = 'u', long, value_name = "NAME[:PASSWORD]")]
    pub user: Option<String>,
    /// Do not read logins from ~/.netrc (or the file $NETRC names)
    #[arg(long)]
    pub no_netrc: bool,
}

impl AccessArgs {
    /// The access these flags ask for; `ask_password` is asked for a password left out of
    /// `--user` (`None` when nobody can answer).
    pub fn access(
        &self,
        ask_password: impl FnOnce(&str) -> Option<Secret>,
    ) -> Result<Access, AccessError> {
        let proxy = match &self.proxy {
            Some(text) => ProxySetting::parse(text, self.no_proxy.as_deref().unwrap_or_default())?,
            None => ProxySetting::System,
        };
        let user_agent = match &self.user_agent {
            Some(text) => UserAgent::parse(text)?,
            None => UserAgent::Downpour,
        };
        let referer = self.referer.as_deref().map(parse_referer).transpose()?;
        let headers = self
            .headers
            .iter()
            .map(|text| SiteHeader::parse(text))
            .collect::<Result<_, _>>()?;
        let cookies = self.cookies.as_deref().map(CookieFile::read).transpose()?;
        let login = match self.user.as_deref().map(Login::parse).transpose()? {
            Some((user, Some(password))) => Some(Login { user, password }),
            Some((user, None)) => {
                let password = ask_password(&user).ok_or(AccessError::NoPassword)?;
                Some(Login { user, password })
            }
            None => None,
        };
        let netrc = if self.no_netrc {
            None
        } else {
            Netrc::of_this_user()?
        };
        Ok(Access {
            proxy,
            user_agent,
            referer,
            headers,
            cookies,
            login,
            netrc,
        })
    }
}
