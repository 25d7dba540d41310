//! The logins of `~/.netrc` (or the file `$NETRC` names), as curl and wget read them: a host
//! that asks for a user name and password (401) gets its `machine` entry, else the `default`
//! one. Its passwords are [`Secret`]s.

use std::path::Path;

use super::access::AccessError;
use crate::redact::Secret;

/// The logins of a `.netrc` file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Netrc {
    machines: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// The host, lower case; `None` for `default`.
    host: Option<String>,
    login: String,
    password: Secret,
}

impl Netrc {
    /// The logins of the file `$NETRC` names (which must be readable if it exists), else of
    /// `.netrc` in the home folder (skipped if it cannot be read: a program run as another
    /// user, say).
    pub fn of_this_user() -> Result<Option<Self>, AccessError> {
        if let Some(named) = std::env::var_os("NETRC") {
            return Self::read(Path::new(&named));
        }
        let Some(home) = dirs::home_dir() else {
            return Ok(None);
        };
        Ok(Self::read(&home.join(".netrc")).ok().flatten())
    }

    /// Reads the file at `path`; `None` when there is none.
    pub fn read(path: &Path) -> Result<Option<Self>, AccessError> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(Some(Self::parse(&String::from_utf8_lossy(&bytes)))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(AccessError::NetrcUnreadable {
                name: path.display().to_string(),
                reason: crate::error::describe_io(&err),
            }),
        }
    }

    /// The logins of `text`; what is not understood is skipped.
    pub fn parse(text: &str) -> Self {
        let mut machines = Vec::new();
        let mut current: Option<(Option<String>, String, String)> = None;
        let mut finish = |entry: Option<(Option<String>, String, String)>| {
            if let Some((host, login, password)) = entry {
                machines.push(Entry {
                    host,
                    login,
                    password: Secret::new(password),
                });
            }
        };
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let mut tokens = line.split_whitespace();
            while let Some(token) = tokens.next() {
                match token {
                    "machine" => {
                        finish(current.take());
                        let host = tokens.next().unwrap_or_default().to_ascii_lowercase();
                        current = Some((Some(host), String::new(), String::new()));
                    }
                    "default" => {
                        finish(current.take());
                        current = Some((None, String::new(), String::new()));
                    }
                    "login" => {
                        if let Some(entry) = current.as_mut() {
                            entry.1 = tokens.next().unwrap_or_default().to_owned();
                        }
                    }
                    "password" => {
                        if let Some(entry) = current.as_mut() {
                            entry.2 = tokens.next().unwrap_or_default().to_owned();
                        }
                    }
                    "account" => {
                        tokens.next();
                    }
                    "macdef" => {
                        // A macro runs to the next empty line.
                        for line in lines.by_ref() {
                            if line.trim().is_empty() {
                                break;
                            }
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
        finish(current);
        Self { machines }
    }

    /// The login for `host`: its own entry, else the default one.
    pub(crate) fn login_for(&self, host: &str) -> Option<(String, Secret)> {
        let host = host.to_ascii_lowercase();
        let own = self
            .machines
            .iter()
            .find(|entry| entry.host.as_deref() == Some(host.as_str()));
        let entry = own.or_else(|| self.machines.iter().find(|entry| entry.host.is_none()))?;
        (!entry.login.is_empty()).then(|| (entry.login.clone(), entry.password.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_host_gets_its_own_login_else_the_default() {
        let netrc = Netrc::parse(
            "machine Files.Example login ann password pw1\n\
             macdef init\ncd /pub\n\n\
             machine other.example\n  login bob\n  password pw2\n\
             default login anonymous password me@home\n",
        );
        let login = |host| {
            netrc
                .login_for(host)
                .map(|(u, p)| (u, p.expose().to_owned()))
        };
        assert_eq!(login("files.example"), Some(("ann".into(), "pw1".into())));
        assert_eq!(login("other.example"), Some(("bob".into(), "pw2".into())));
        assert_eq!(
            login("third.example"),
            Some(("anonymous".into(), "me@home".into()))
        );
        assert!(!format!("{netrc:?}").contains("pw1"));
        assert_eq!(
            Netrc::parse("machine a login x password y").login_for("b"),
            None
        );
    }
}
