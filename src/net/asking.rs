//! Logins the person is asked for while the run goes on: a site that answers 401 with a Basic
//! or Digest challenge, for which the run has no login, is asked about once per site and realm (an
//! [`Event::LoginWanted`]); every download of that site and realm waits for the one answer,
//! which is kept for the rest of the run (and never written anywhere).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use tokio::sync::watch;
use url::Url;

use super::access::Login;
use crate::model::{Event, EventSink};

/// A site's question: which site, and what it calls the place (the realm).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginQuestion {
    /// The host, with its port when the address names one.
    pub site: String,
    /// The realm the site gave (may be empty).
    pub realm: String,
}

impl LoginQuestion {
    /// The question of a 401 from `url` whose challenge names the realm `realm`.
    pub(crate) fn new(url: &Url, realm: &str) -> Option<Self> {
        let host = url.host_str()?.to_ascii_lowercase();
        let site = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        };
        Some(Self {
            site,
            realm: realm
                .chars()
                .filter(|c| !c.is_control())
                .take(100)
                .collect(),
        })
    }
}

/// The answer to a question: a login, or `None` when the person declined.
type Answer = Option<Login>;

/// The questions of one run and their answers.
pub struct LoginDesk {
    sink: EventSink,
    asked: Mutex<HashMap<LoginQuestion, watch::Sender<Option<Answer>>>>,
}

impl std::fmt::Debug for LoginDesk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginDesk")
    }
}

impl LoginDesk {
    /// A desk that asks through `sink`.
    pub fn new(sink: EventSink) -> Self {
        Self {
            sink,
            asked: Mutex::new(HashMap::new()),
        }
    }

    /// The person's login for `question`: asked the first time, then awaited by every
    /// download that needs it; `None` when the person declined.
    pub(crate) async fn login(&self, question: LoginQuestion) -> Answer {
        let mut answer = {
            let mut asked = self.asked.lock().unwrap_or_else(PoisonError::into_inner);
            match asked.get(&question) {
                Some(sender) => sender.subscribe(),
                None => {
                    let (sender, receiver) = watch::channel(None);
                    asked.insert(question.clone(), sender);
                    self.sink.send(Event::LoginWanted(question));
                    receiver
                }
            }
        };
        let given = answer.wait_for(Option::is_some).await.ok()?;
        given.clone().flatten()
    }

    /// Forgets the login given for `question`, which the site refused, so that the next
    /// download that needs one asks again (an unanswered or declined question stays).
    pub(crate) fn forget_refused(&self, question: &LoginQuestion) {
        let mut asked = self.asked.lock().unwrap_or_else(PoisonError::into_inner);
        if asked
            .get(question)
            .is_some_and(|sender| matches!(*sender.borrow(), Some(Some(_))))
        {
            asked.remove(question);
        }
    }

    /// Gives the person's answer to `question` to every download waiting for it (and those
    /// that ask later in the run).
    pub fn answer(&self, question: &LoginQuestion, login: Answer) {
        let asked = self.asked.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = asked.get(question) {
            sender.send_replace(Some(login));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_names_the_site_and_a_printable_realm() {
        let url = Url::parse("http://Photos.example.org:8080/a").unwrap();
        assert_eq!(
            LoginQuestion::new(&url, "a\nb").unwrap(),
            LoginQuestion {
                site: "photos.example.org:8080".into(),
                realm: "ab".into()
            }
        );
    }
}
