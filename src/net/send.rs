//! One GET for a listed link, carrying what the run tells the sites: the Referer everywhere
//! (as a browser does), the person's own headers only to the listed link's host — a redirect
//! to another host is followed here, without them — and a login only to the host that asks
//! for one (401 with `WWW-Authenticate: Basic`).

use reqwest::header::{LOCATION, REFERER, WWW_AUTHENTICATE};
use reqwest::{Client, Response, StatusCode};
use url::Url;

use super::access::same_host;
use super::answer::Ask;
use super::{MAX_REDIRECTS, classify};
use crate::error::DownloadError;
use crate::options::RunConfig;

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
    let mut login: Option<(Url, String, crate::redact::Secret)> = None;
    let mut asked_login = false;
    for _ in 0..=MAX_REDIRECTS {
        let mut request = super::answer::request(client, &target, ask);
        if let Some(referer) = &access.referer {
            request = request.header(REFERER, referer.as_str());
        }
        if same_host(&target, listed) {
            for header in &access.headers {
                request = request.header(&header.name, header.value.expose());
            }
        }
        if let Some((host, user, password)) = &login
            && same_host(&target, host)
        {
            request = request.basic_auth(user, Some(password.expose()));
        }
        let response = request
            .send()
            .await
            .map_err(|err| classify::request_error(&err, &target, config))?;
        if response.status() == StatusCode::UNAUTHORIZED
            && !asked_login
            && response.url().password().is_none()
            && let Some(challenge) = basic_challenge(&response)
            && let Some((user, password)) = login_for(access, &response, listed, challenge).await
        {
            // Once: a login the server refuses is its answer.
            asked_login = true;
            target = response.url().clone();
            login = Some((target.clone(), user, password));
            continue;
        }
        if response.status() == StatusCode::UNAUTHORIZED && asked_login {
            forget_refused(access, &response);
        }
        match held_redirect(&response, config)? {
            Some(next) => target = next,
            None => return Ok(response),
        }
    }
    Err(DownloadError::TooManyRedirects { max: MAX_REDIRECTS })
}

/// The login for the site of a 401: the run's own, else the person's answer when the run
/// asks (see [`super::asking`]); `None` leaves the 401 as the answer.
async fn login_for(
    access: &super::access::Access,
    response: &Response,
    listed: &Url,
    challenge: String,
) -> Option<(String, crate::redact::Secret)> {
    if let Some(login) = access.login_for(response.url(), listed) {
        return Some(login);
    }
    let desk = access.desk.as_ref()?;
    let question = super::asking::LoginQuestion::new(response.url(), &challenge)?;
    let login = desk.login(question).await?;
    Some((login.user, login.password))
}

/// A login the person gave that the site refused is forgotten: the next file of the site
/// asks again (this one fails as refused).
fn forget_refused(access: &super::access::Access, response: &Response) {
    if let Some(desk) = &access.desk
        && let Some(challenge) = basic_challenge(response)
        && let Some(question) = super::asking::LoginQuestion::new(response.url(), &challenge)
    {
        desk.forget_refused(&question);
    }
}

/// The Basic challenge of a 401, if it asks for a Basic login.
fn basic_challenge(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .find(|value| {
            value
                .as_bytes()
                .get(..5)
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case(b"basic"))
        })
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
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
