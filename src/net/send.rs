//! One GET for a listed link, carrying what the run tells the sites: the Referer everywhere
//! (as a browser does), the person's own headers only to the listed link's host — a redirect
//! to another host is followed here, without them — and a login only to the host that asks
//! for one (401 with `WWW-Authenticate: Digest` or `Basic`; see [`super::digest`]).

use reqwest::header::{AUTHORIZATION, LOCATION, REFERER};
use reqwest::{Client, Response, StatusCode};
use url::Url;

use super::access::same_host;
use super::answer::Ask;
use super::digest::{self, Challenge};
use super::{MAX_REDIRECTS, classify};
use crate::error::DownloadError;
use crate::options::RunConfig;

/// A login given to a site during one GET: to whom, and how it is sent.
struct Given {
    /// Where the site asked (the login goes to its host only).
    asked_at: Url,
    user: String,
    password: crate::redact::Secret,
    /// The Digest challenge answered (`None`: Basic).
    digest: Option<Challenge>,
    /// Whether the Digest answer was already sent again for a stale nonce.
    renewed: bool,
}

/// What a site asks for in a 401: a Digest login (preferred: the password is not sent) or a
/// Basic one, and the realm to name to the person.
enum Wanted {
    Basic { realm: String },
    Digest(Challenge),
}

impl Wanted {
    /// The login a 401 asks for, if Downpour can give one.
    fn of(response: &Response) -> Option<Self> {
        let offers = digest::offers(response.headers());
        if let Some(challenge) = Challenge::best(&offers) {
            return Some(Self::Digest(challenge));
        }
        offers
            .iter()
            .find(|offer| offer.scheme == "basic")
            .map(|offer| Self::Basic {
                realm: offer.param("realm").unwrap_or_default().to_owned(),
            })
    }

    fn realm(&self) -> &str {
        match self {
            Self::Basic { realm } => realm,
            Self::Digest(challenge) => &challenge.realm,
        }
    }
}

/// Sends the GET of `ask` (a range on every hop) to `first` — the listed link `listed`, or
/// where it led — and returns the answer of the last hop. The person's headers and login
/// belong to `listed`'s host.
pub(crate) async fn get(
    client: &Client,
    config: &RunConfig,
    listed: &Url,
    first: &Url,
    ask: &Ask<'_>,
) -> Result<Response, DownloadError> {
    let access = &config.access;
    let mut target = first.clone();
    let mut given: Option<Given> = None;
    for _ in 0..=MAX_REDIRECTS {
        let mut request = super::answer::request(client, &target, ask);
        // The link's own page wins over the run's, on every hop as the run's.
        if let Some(referer) = ask.referer.or(access.referer.as_ref()) {
            request = request.header(REFERER, referer.as_str());
        }
        if same_host(&target, listed) {
            for header in &access.headers {
                request = request.header(&header.name, header.value.expose());
            }
        }
        if let Some(login) = &given
            && target.origin() == login.asked_at.origin()
        {
            request = match &login.digest {
                None => request.basic_auth(&login.user, Some(login.password.expose())),
                Some(challenge) => request.header(
                    AUTHORIZATION,
                    challenge.authorization(&login.user, login.password.expose(), &target),
                ),
            };
        }
        let response = request
            .send()
            .await
            .map_err(|err| classify::request_error(&err, &target, config))?;
        if response.status() == StatusCode::UNAUTHORIZED && response.url().password().is_none() {
            if let Some(login) = &mut given {
                if answer_again(login, &response, &target) {
                    target = response.url().clone();
                    continue;
                }
                forget_refused(access, &response);
            } else if let Some(wanted) = Wanted::of(&response)
                && let Some((user, password)) =
                    login_for(access, &response, listed, wanted.realm()).await
            {
                // Once: a login the server refuses is its answer.
                target = response.url().clone();
                given = Some(Given {
                    asked_at: target.clone(),
                    user,
                    password,
                    digest: match wanted {
                        Wanted::Digest(challenge) => Some(challenge),
                        Wanted::Basic { .. } => None,
                    },
                    renewed: false,
                });
                continue;
            }
        }
        if let Some(failure) = super::proxy::own_error_page(
            &access.proxy,
            response.url(),
            response.status(),
            response.headers(),
        ) {
            return Err(failure);
        }
        match held_redirect(&response, config)? {
            Some(next) => target = next,
            None => return Ok(response),
        }
    }
    Err(DownloadError::TooManyRedirects { max: MAX_REDIRECTS })
}

/// Whether the Digest login `login` is sent again after the 401 `response` to the request
/// for `sent`: once with a new nonce when the server says the old one is stale (the login
/// was right), and when a redirect on the same site led to an address the answer was not
/// computed for. A Basic login, or a refused one, is not sent again.
fn answer_again(login: &mut Given, response: &Response, sent: &Url) -> bool {
    if login.digest.is_none() || response.url().origin() != login.asked_at.origin() {
        return false;
    }
    let Some(challenge) = Challenge::best(&digest::offers(response.headers())) else {
        return false;
    };
    let moved = response.url() != sent;
    let renew = challenge.stale && !login.renewed;
    if !moved && !renew {
        return false;
    }
    login.renewed |= renew;
    login.digest = Some(challenge);
    true
}

/// The login for the site of a 401: the run's own, else the person's answer when the run
/// asks (see [`super::asking`]); `None` leaves the 401 as the answer.
async fn login_for(
    access: &super::access::Access,
    response: &Response,
    listed: &Url,
    realm: &str,
) -> Option<(String, crate::redact::Secret)> {
    if let Some(login) = access.login_for(response.url(), listed) {
        return Some(login);
    }
    let desk = access.desk.as_ref()?;
    let question = super::asking::LoginQuestion::new(response.url(), realm)?;
    let login = desk.login(question).await?;
    Some((login.user, login.password))
}

/// A login the person gave that the site refused is forgotten: the next file of the site
/// asks again (this one fails as refused).
fn forget_refused(access: &super::access::Access, response: &Response) {
    if let Some(desk) = &access.desk
        && let Some(wanted) = Wanted::of(response)
        && let Some(question) = super::asking::LoginQuestion::new(response.url(), wanted.realm())
    {
        desk.forget_refused(&question);
    }
}

/// The next address of a redirect to another host that the client held back (see
/// [`super::build_client`]), so that it is asked without the person's headers.
fn held_redirect(response: &Response, config: &RunConfig) -> Result<Option<Url>, DownloadError> {
    if config.access.headers.is_empty() || !response.status().is_redirection() {
        return Ok(None);
    }
    let Some(next) = response
        .headers()
        .get(LOCATION)
        .and_then(|location| location.to_str().ok())
        .and_then(|location| response.url().join(location.trim()).ok())
    else {
        return Ok(None);
    };
    if !matches!(next.scheme(), "http" | "https") || same_host(&next, response.url()) {
        // Not a web address: the caller says so. The same host: not held back.
        return Ok(None);
    }
    if response.url().scheme() == "https"
        && next.scheme() == "http"
        && !config.allow_insecure_redirects
    {
        return Err(DownloadError::InsecureRedirect {
            target: crate::redact::url(&next),
        });
    }
    Ok(Some(next))
}
