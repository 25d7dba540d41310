//! Every setting of a run — its default, its limits and its command-line flag — defined once,
//! so the window, the CLI, its `--help` and the README cannot disagree.

use std::path::PathBuf;
use std::time::Duration;

use crate::limit::SpeedLimit;
use crate::model::Mode;
use crate::net::access::{Access, Login, SiteHeader, UserAgent};
use crate::net::proxy::ProxySetting;
use crate::net::settings::{Quiet, UserLogin, parse_proxy, parse_referer};

/// A whole-number setting with its default and inclusive limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The value when nobody chose one.
    pub default: usize,
    /// The least value accepted.
    pub min: usize,
    /// The largest value accepted.
    pub max: usize,
}

impl Limit {
    /// `value` brought within the limits.
    pub fn clamp(self, value: usize) -> usize {
        value.clamp(self.min, self.max)
    }

    /// The limits as a range, e.g. for a slider.
    pub fn range(self) -> std::ops::RangeInclusive<usize> {
        self.min..=self.max
    }

    /// Parses `text` as a value within the limits; the error is the second half of a
    /// sentence, e.g. `must be a number from 1 to 64, not 'x'`.
    pub fn parse(self, text: &str) -> Result<usize, String> {
        text.trim()
            .parse()
            .ok()
            .filter(|n| self.range().contains(n))
            .ok_or_else(|| {
                format!(
                    "must be a number from {} to {}, not '{text}'",
                    self.min, self.max
                )
            })
    }
}

/// The mode when nobody chose one.
pub const MODE: Mode = Mode::Submit;

/// Workers: how many downloads run at once.
pub const WORKERS: Limit = Limit {
    default: 8,
    min: 1,
    max: 64,
};

/// Retries of a download that failed for a passing reason.
pub const RETRIES: Limit = Limit {
    default: 3,
    min: 0,
    max: 20,
};

/// Connections one file may use when idle workers help it (1: never split).
pub const SPLIT: Limit = Limit {
    default: 8,
    min: 1,
    max: 16,
};

/// Connections to one server at once across the whole run, pieces included.
pub const PER_HOST: Limit = Limit {
    default: 8,
    min: 1,
    max: 64,
};

/// Whether every file's SHA-256 is computed when nobody chose.
pub const CHECKSUMS: bool = true;

/// What to do when the folder already holds a file the list asks for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Existing {
    /// Skip it: the file this link saved before counts as done while the server still has that
    /// version; a file of that name Downpour did not save is kept and the link not downloaded
    #[default]
    Skip,
    /// Download it again under a new name, `name (1).ext`
    KeepBoth,
}

/// Settings of one run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// How items are scheduled and reported.
    pub mode: Mode,
    /// Workers asked for (the mode decides how many run: see [`RunConfig::effective_workers`]).
    pub workers: usize,
    /// The folder files are saved into.
    pub out_dir: PathBuf,
    /// How many times a transient failure is retried.
    pub retries: u32,
    /// Longest wait for a TCP connection.
    pub connect_timeout: Duration,
    /// Longest wait for the answer or for the next bytes of the body.
    pub stall_timeout: Duration,
    /// Least time between two progress events of one item.
    pub progress_interval: Duration,
    /// First pause before a retry; doubled each time, with jitter.
    pub retry_backoff: Duration,
    /// Whether every file's SHA-256 is computed (items with an expected checksum are always
    /// checked).
    pub checksums: bool,
    /// Whether a redirect from an https:// address to an http:// one is followed.
    pub allow_insecure_redirects: bool,
    /// Downpour's own data folder, where the resume records of unfinished downloads and the
    /// log of finished ones are kept (never in the save folder); `None` keeps none.
    pub state_dir: Option<PathBuf>,
    /// What happens to a file the folder already holds.
    pub existing: Existing,
    /// The speed limit of the whole run in bytes per second, if any.
    pub rate_limit: Option<u64>,
    /// The most connections one file may use (1: never split).
    pub split: usize,
    /// The smallest piece a file is split into.
    pub min_piece: u64,
    /// The most connections to one server at once (fewer once it refuses some).
    pub per_host: usize,
    /// How the sites are reached: proxy, User-Agent, Referer, headers, cookies, logins.
    pub access: crate::net::access::Access,
}

impl RunConfig {
    /// A configuration with Downpour's defaults.
    pub fn new(mode: Mode, workers: usize, out_dir: impl Into<PathBuf>) -> Self {
        Self {
            mode,
            workers,
            out_dir: out_dir.into(),
            retries: RETRIES.default as u32,
            connect_timeout: Duration::from_secs(15),
            stall_timeout: Duration::from_secs(30),
            progress_interval: Duration::from_millis(100),
            retry_backoff: Duration::from_millis(500),
            checksums: CHECKSUMS,
            allow_insecure_redirects: false,
            state_dir: default_state_dir(),
            existing: Existing::default(),
            rate_limit: None,
            split: SPLIT.default,
            min_piece: crate::split::MIN_PIECE,
            per_host: PER_HOST.default,
            access: crate::net::access::Access::default(),
        }
    }

    /// The most connections one file may use in this run.
    pub fn connections_per_file(&self) -> usize {
        if self.mode.splits() {
            SPLIT.clamp(self.split).min(self.effective_workers())
        } else {
            1
        }
    }

    /// The number of workers (downloads at once) this run really uses.
    pub fn effective_workers(&self) -> usize {
        if self.mode.parallel() {
            WORKERS.clamp(self.workers)
        } else {
            1
        }
    }
}

/// The settings of a run that a person chooses, declared once: each field is a flag of both
/// programs (clap, with its default and limits from the constants above), a saved setting of
/// the window (serde, the same defaults), and a field of [`RunConfig`] through
/// [`RunSettings::config`]. A new setting is a field here; the compiler then asks for its
/// place in [`RunSettings::config`] and in [`Default`], and the window's test of its command
/// line asks for a value on it.
///
/// A field's clap id is the field's name, which is how the window knows which saved settings
/// its command line overrides ([`RunSettings::overridden_by`]).
#[derive(Debug, Clone, PartialEq, Eq, clap::Args, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RunSettings {
    /// How to download: one at a time, results as they finish, or results in list order
    #[arg(short, long, value_enum, default_value_t = MODE)]
    pub mode: Mode,
    /// Downloads at once, 1 to 64 (sequential uses 1)
    #[arg(short = 'j', long, value_name = "N", default_value_t = WORKERS.default,
          value_parser = |s: &str| WORKERS.parse(s))]
    pub workers: usize,
    /// Retries of a download that failed for a passing reason, 0 to 20
    #[arg(short, long, value_name = "N", default_value_t = RETRIES.default as u32,
          value_parser = |s: &str| RETRIES.parse(s).map(|n| n as u32))]
    pub retries: u32,
    /// Skip the SHA-256 of each file (links given with sha256: are still checked)
    #[arg(long = "no-checksum", action = clap::ArgAction::SetFalse)]
    pub checksums: bool,
    /// Follow redirects from https:// to http:// addresses (refused by default)
    #[arg(long)]
    pub allow_insecure_redirects: bool,
    /// What to do with a file the folder already holds
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = Existing::default())]
    pub existing: Existing,
    /// Connections one big file may use when workers are idle, 1 to 16 (1: never split)
    #[arg(long, value_name = "N", default_value_t = SPLIT.default,
          value_parser = |s: &str| SPLIT.parse(s))]
    pub split: usize,
    /// Connections to one server at once, 1 to 64 (fewer once it refuses some)
    #[arg(long, value_name = "N", default_value_t = PER_HOST.default,
          value_parser = |s: &str| PER_HOST.parse(s))]
    pub per_host: usize,
    /// Limit the whole run's speed, e.g. 500K or 2M (bytes per second; 0 for none)
    #[arg(long = "limit-rate", value_name = "RATE", default_value = "0",
          hide_default_value = true, value_parser = |s: &str| s.parse::<SpeedLimit>())]
    pub rate_limit: SpeedLimit,
    /// Take square brackets and braces in links literally: no numbered ranges like
    /// photo[001-120].jpg
    #[arg(long = "no-ranges", action = clap::ArgAction::SetFalse)]
    pub ranges: bool,
    /// Proxy for every link: http://, https://, socks5:// or socks5h://HOST:PORT (with
    /// USER:PASSWORD@ if it needs them), 'none', or 'system'
    #[arg(long, value_name = "URL", default_value = "system", value_parser = Quiet(parse_proxy))]
    pub proxy: ProxySetting,
    /// Hosts reached without the proxy, separated by commas (e.g. 'intranet.example,.lan')
    #[arg(
        long,
        value_name = "HOSTS",
        default_value = "",
        hide_default_value = true
    )]
    pub no_proxy: String,
    /// What the requests say the program is: 'downpour', 'browser' (like a web browser), or
    /// your own text
    #[arg(long, value_name = "TEXT", default_value = "downpour",
          value_parser = Quiet(UserAgent::parse))]
    pub user_agent: UserAgent,
    /// The page the links come from, sent as Referer (for sites that refuse links from
    /// elsewhere)
    #[arg(long, value_name = "URL", value_parser = Quiet(parse_referer))]
    pub referer: Option<String>,
    /// A header 'Name: value' sent with every request to the listed links' hosts (not to
    /// other hosts they redirect to); may be given more than once
    #[arg(short = 'H', long = "header", value_name = "HEADER",
          value_parser = Quiet(SiteHeader::parse))]
    #[serde(with = "crate::net::settings::header_names")]
    pub headers: Vec<SiteHeader>,
    /// Send the cookies of FILE (cookies.txt, as browser extensions export it) where they
    /// belong
    #[arg(long, value_name = "FILE")]
    pub cookies: Option<PathBuf>,
    /// User name and password for the listed links' hosts when they ask for one
    #[arg(short = 'u', long, value_name = "NAME[:PASSWORD]",
          value_parser = Quiet(UserLogin::parse))]
    #[serde(with = "crate::net::settings::login_name")]
    pub user: Option<UserLogin>,
    /// Do not read logins from ~/.netrc (or the file $NETRC names)
    #[arg(long = "no-netrc", action = clap::ArgAction::SetFalse)]
    pub netrc: bool,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            mode: MODE,
            workers: WORKERS.default,
            retries: RETRIES.default as u32,
            checksums: CHECKSUMS,
            allow_insecure_redirects: false,
            existing: Existing::default(),
            split: SPLIT.default,
            per_host: PER_HOST.default,
            rate_limit: SpeedLimit::NONE,
            ranges: true,
            proxy: ProxySetting::System,
            no_proxy: String::new(),
            user_agent: UserAgent::Downpour,
            referer: None,
            headers: Vec::new(),
            cookies: None,
            user: None,
            netrc: true,
        }
    }
}

impl RunSettings {
    /// The run these settings ask for, saving into `out_dir`. Every field is named here, so a
    /// new setting does not compile until it reaches the engine.
    pub fn config(&self, out_dir: PathBuf) -> RunConfig {
        let Self {
            mode,
            workers,
            retries,
            checksums,
            allow_insecure_redirects,
            existing,
            split,
            per_host,
            rate_limit,
            // How the links are read, not how they are downloaded: used where the list is
            // parsed (`urls::parse_list_with`), before there is a run.
            ranges: _,
            proxy,
            no_proxy,
            user_agent,
            referer,
            headers,
            cookies,
            user,
            netrc,
        } = self.clone();
        let proxy = match proxy {
            ProxySetting::Manual { proxy, .. } => ProxySetting::Manual {
                proxy,
                bypass: no_proxy,
            },
            other => other,
        };
        let access = Access {
            proxy,
            user_agent,
            referer: referer.and_then(|text| crate::net::access::parse_referer(&text).ok()),
            headers,
            cookies_file: cookies,
            cookies: None,
            browser_cookies: Vec::new(),
            login: user.map(|login| Login {
                user: login.user,
                password: login.password.unwrap_or_default(),
            }),
            use_netrc: netrc,
            netrc: None,
            ask_logins: false,
            desk: None,
        };
        RunConfig {
            retries,
            checksums,
            allow_insecure_redirects,
            existing,
            rate_limit: rate_limit.bytes_per_sec(),
            split: SPLIT.clamp(split),
            per_host: PER_HOST.clamp(per_host),
            access,
            ..RunConfig::new(mode, WORKERS.clamp(workers), out_dir)
        }
    }

    /// These settings with those for which `typed(id)` holds (a clap id: the settings typed
    /// on a command line) taken from `given` instead — secrets included, which a saved copy
    /// would not keep. Every field is bound here, so a new one does not compile (an unused
    /// binding) until it is listed.
    pub fn overridden_by(&self, given: &RunSettings, typed: impl Fn(&str) -> bool) -> Self {
        let mut merged = self.clone();
        macro_rules! take_typed {
            ($($field:ident),*) => {{
                let Self { $($field),* } = given.clone();
                $(
                    if typed(stringify!($field)) {
                        merged.$field = $field;
                    }
                )*
            }};
        }
        take_typed!(
            mode,
            workers,
            retries,
            checksums,
            allow_insecure_redirects,
            existing,
            split,
            per_host,
            rate_limit,
            proxy,
            no_proxy,
            user_agent,
            referer,
            headers,
            cookies,
            user,
            netrc,
            ranges
        );
        merged
    }
}

/// The run settings both programs take on their command line, with where to save. The CLI
/// uses them as they are; the window applies only those given on its command line.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Save folder; ~ means your home folder [default: your Downloads folder]
    #[arg(short, long, value_name = "DIR", value_parser = |s: &str| folder_from_text(s))]
    pub out: Option<PathBuf>,
    /// How to download.
    #[command(flatten)]
    pub settings: RunSettings,
}

/// A save folder as a person types it: surrounding spaces dropped, `~` and `~/…` meaning the
/// home folder. Empty text is not a folder; the error is the second half of a sentence.
pub fn folder_from_text(text: &str) -> Result<PathBuf, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("needs a folder, not an empty value".to_owned());
    }
    let home = || dirs::home_dir().unwrap_or_else(|| PathBuf::from("."));
    Ok(match text.strip_prefix('~') {
        Some("") => home(),
        Some(rest) if rest.starts_with(['/', std::path::MAIN_SEPARATOR]) => {
            home().join(rest.trim_start_matches(['/', std::path::MAIN_SEPARATOR]))
        }
        _ => PathBuf::from(text),
    })
}

/// Downpour's own data folder: `~/.local/share/downpour` on Linux (`$XDG_DATA_HOME`), the
/// local application data folder on Windows and macOS.
pub fn default_state_dir() -> Option<PathBuf> {
    dirs::data_local_dir().map(|dir| dir.join("downpour"))
}

/// The user's Downloads folder, else `~/Downloads`, else the current folder.
pub fn default_download_dir() -> PathBuf {
    dirs::download_dir()
        .or_else(|| dirs::home_dir().map(|home| home.join("Downloads")))
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse_and_clamp() {
        assert_eq!(WORKERS.parse("16"), Ok(16));
        assert_eq!(
            WORKERS.parse("65"),
            Err("must be a number from 1 to 64, not '65'".to_owned())
        );
        assert_eq!(RETRIES.parse("0"), Ok(0));
        assert!(RETRIES.parse("-1").is_err());
        assert_eq!(WORKERS.clamp(0), 1);
        assert_eq!(WORKERS.clamp(100), 64);
    }

    #[test]
    fn modes_decide_how_many_workers_run() {
        let config = |mode, workers| RunConfig::new(mode, workers, "/tmp").effective_workers();
        assert_eq!(config(Mode::Sequential, 8), 1);
        assert_eq!(config(Mode::Map, 8), 8);
        assert_eq!(config(Mode::Submit, 1000), WORKERS.max);
        assert_eq!(config(Mode::Submit, 0), 1);
    }

    #[test]
    fn folders_read_as_typed_with_home_expanded() {
        let home = dirs::home_dir().unwrap();
        assert_eq!(folder_from_text(" ~ "), Ok(home.clone()));
        assert_eq!(
            folder_from_text("~/Downloads/x"),
            Ok(home.join("Downloads/x"))
        );
        assert_eq!(folder_from_text("/tmp/~x"), Ok(PathBuf::from("/tmp/~x")));
        assert_eq!(folder_from_text("~other"), Ok(PathBuf::from("~other")));
        assert!(folder_from_text("  ").is_err());
    }
}
