//! How the settings of [`crate::options::RunSettings`] that reach the sites are read and
//! kept: each is parsed on the command line by a parser whose error never repeats the text
//! (it may hold a password or a token), and saved without its secrets — a proxy without its
//! password, headers by name only, a login by user name only — so that what the window
//! keeps on disk holds none.

use clap::builder::TypedValueParser;

use super::access::{AccessError, SiteHeader, UserAgent};
use super::proxy::ProxySetting;
use crate::redact::Secret;

/// A command-line value parser from `parse` whose error is its sentence alone, without the
/// value typed.
#[derive(Clone, Copy)]
pub struct Quiet<T>(pub fn(&str) -> Result<T, AccessError>);

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Quiet<T> {
    type Value = T;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let text = value.to_string_lossy();
        (self.0)(&text).map_err(|err| {
            clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{err}\n"))
        })
    }
}

/// `--user NAME[:PASSWORD]`: the password is asked for when left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserLogin {
    /// The user name.
    pub user: String,
    /// The password, when given.
    pub password: Option<Secret>,
}

impl UserLogin {
    /// Reads `NAME[:PASSWORD]`.
    pub fn parse(text: &str) -> Result<Self, AccessError> {
        let (user, password) = match text.split_once(':') {
            Some((user, password)) => (user, Some(Secret::new(password))),
            None => (text, None),
        };
        if user.is_empty() || user.contains(char::is_control) {
            return Err(AccessError::BadLogin);
        }
        Ok(Self {
            user: user.to_owned(),
            password,
        })
    }
}

/// Reads `--proxy` (the bypass list is its own setting).
pub fn parse_proxy(text: &str) -> Result<ProxySetting, AccessError> {
    ProxySetting::parse(text, "")
}

/// Reads `--referer`, kept as text.
pub fn parse_referer(text: &str) -> Result<String, AccessError> {
    super::access::parse_referer(text).map(String::from)
}

impl serde::Serialize for ProxySetting {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::System => serializer.serialize_str("system"),
            Self::Off => serializer.serialize_str("none"),
            Self::Manual { proxy, .. } => {
                serializer.serialize_str(crate::redact::without_password(proxy).as_str())
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for ProxySetting {
    /// A saved proxy that no longer reads as one is the system's.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(ProxySetting::parse(&text, "").unwrap_or_default())
    }
}

impl serde::Serialize for UserAgent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Downpour => serializer.serialize_str("downpour"),
            Self::Browser => serializer.serialize_str("browser"),
            Self::Custom(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> serde::Deserialize<'de> for UserAgent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(UserAgent::parse(&text).unwrap_or_default())
    }
}

/// The person's headers saved by name only; read back as none (their values were never kept).
pub mod header_names {
    use super::SiteHeader;

    /// Writes the names.
    pub fn serialize<S: serde::Serializer>(
        headers: &[SiteHeader],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(headers.iter().map(|header| header.name.as_str()))
    }

    /// Reads none.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<SiteHeader>, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(Vec::new())
    }

    use serde::Deserialize;
}

/// A login saved by user name only; read back as none (the password was never kept).
pub mod login_name {
    use super::UserLogin;

    /// Writes the user name.
    pub fn serialize<S: serde::Serializer>(
        login: &Option<UserLogin>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match login {
            Some(login) => serializer.serialize_some(&login.user),
            None => serializer.serialize_none(),
        }
    }

    /// Reads none.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<UserLogin>, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(None)
    }

    use serde::Deserialize;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_hold_no_secret() {
        let proxy = parse_proxy("socks5h://ann:pw-1@127.0.0.1:1080").unwrap();
        let saved = serde_json::to_string(&proxy).unwrap();
        assert_eq!(saved, "\"socks5h://ann@127.0.0.1:1080\"");
        let back: ProxySetting = serde_json::from_str(&saved).unwrap();
        assert!(matches!(back, ProxySetting::Manual { .. }));
        assert_eq!(
            serde_json::from_str::<ProxySetting>("\"nonsense://\"").unwrap(),
            ProxySetting::System
        );
        assert_eq!(
            serde_json::to_string(&UserAgent::Browser).unwrap(),
            "\"browser\""
        );
        let login = UserLogin::parse("ann:pw-2").unwrap();
        assert_eq!(login.password.as_ref().map(Secret::expose), Some("pw-2"));
        assert_eq!(UserLogin::parse("ann").unwrap().password, None);
        assert_eq!(UserLogin::parse(":x"), Err(AccessError::BadLogin));
    }
}
