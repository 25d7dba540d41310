//! The window's command line — `downpour [LIST]... [--out DIR] [run settings] [--start]` — so
//! that "Open with Downpour" on a list file and scripted demos work. The run settings are the
//! CLI's own ([`RunArgs`]); only those typed here change the saved ones, found by clap's ids.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};
use downpour::options::RunArgs;

use super::Settings;

/// Opens the Downpour window, with list files and settings given here.
#[derive(Debug, Parser)]
#[command(name = "downpour", version)]
struct Cli {
    /// List files to load into the links box
    #[arg(value_name = "LIST")]
    lists: Vec<PathBuf>,
    #[command(flatten)]
    run: RunArgs,
    /// Start downloading at once
    #[arg(long)]
    start: bool,
    /// Run as the browser extension's native host (browsers start it so)
    #[arg(long, exclusive = true)]
    native_host: bool,
    /// Let the browsers found send links here (writes their native-messaging manifests)
    #[arg(long, exclusive = true)]
    install_browser_integration: bool,
    /// Undo --install-browser-integration
    #[arg(long, exclusive = true)]
    uninstall_browser_integration: bool,
}

/// Work the command line asks for instead of a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instead {
    /// Be the browser extension's native host.
    NativeHost,
    /// Write the native-messaging manifests.
    InstallBrowserIntegration,
    /// Remove them.
    UninstallBrowserIntegration,
}

/// What the command line asked the window for.
#[derive(Debug, Clone)]
pub struct Launch {
    /// List files to load into the links box.
    pub lists: Vec<PathBuf>,
    /// Start at once.
    pub start: bool,
    /// Work to do instead of opening a window.
    pub instead: Option<Instead>,
    run: RunArgs,
    /// The ids of the arguments typed on the command line (not left at their defaults).
    typed: Vec<String>,
}

impl Launch {
    /// Parses the program's arguments (with the program name first); `--help`, `--version`
    /// and mistakes end the program as clap does.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, clap::Error> {
        let matches = Cli::command().try_get_matches_from(args)?;
        let cli = Cli::from_arg_matches(&matches)?;
        let typed = matches
            .ids()
            .filter(|id| matches.value_source(id.as_str()) == Some(ValueSource::CommandLine))
            .map(|id| id.as_str().to_owned())
            .collect();
        let instead = if cli.native_host {
            Some(Instead::NativeHost)
        } else if cli.install_browser_integration {
            Some(Instead::InstallBrowserIntegration)
        } else if cli.uninstall_browser_integration {
            Some(Instead::UninstallBrowserIntegration)
        } else {
            None
        };
        Ok(Self {
            instead,
            typed,
            lists: cli.lists,
            start: cli.start,
            run: cli.run,
        })
    }

    /// Changes the settings that the command line gave, and only those.
    pub fn apply(&self, settings: &mut Settings) {
        if let Some(out) = &self.run.out {
            settings.folder = out.display().to_string();
        }
        settings.run = settings
            .run
            .overridden_by(&self.run.settings, |id| self.typed.iter().any(|t| t == id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use downpour::Mode;
    use downpour::options::RunSettings;

    fn launch(args: &[&str]) -> Result<Launch, clap::Error> {
        Launch::from_args(
            std::iter::once("downpour")
                .chain(args.iter().copied())
                .map(String::from),
        )
    }

    #[test]
    fn reads_lists_and_changes_only_the_settings_given() {
        let parsed = launch(&[
            "links.txt",
            "--out=/tmp/x",
            "--mode",
            "map",
            "-j",
            "4",
            "--start",
        ])
        .unwrap();
        assert_eq!(parsed.lists, [PathBuf::from("links.txt")]);
        assert!(parsed.start);
        let mut settings = Settings::default();
        settings.run.retries = 7;
        parsed.apply(&mut settings);
        assert_eq!(settings.folder, "/tmp/x");
        assert_eq!(settings.run.mode, Mode::Map);
        assert_eq!(settings.run.workers, 4);
        assert_eq!(
            settings.run.retries, 7,
            "not given, so the saved value stays"
        );
        assert!(launch(&["--workers", "0"]).is_err());
        assert!(launch(&["--mode", "fast"]).is_err());
        assert!(launch(&["--out", ""]).is_err());
    }

    /// Every run flag, each with a value other than its default: a new setting fails here
    /// until it is given one.
    const EVERY_RUN_FLAG: &[&str] = &[
        "--mode=sequential",
        "--workers=3",
        "--retries=9",
        "--no-checksum",
        "--allow-insecure-redirects",
        "--existing=keep-both",
        "--split=1",
        "--per-host=2",
        "--limit-rate=100K",
        "--proxy=socks5h://127.0.0.1:1080",
        "--no-proxy=lan",
        "--user-agent=browser",
        "--referer=https://gallery.example/",
        "--header=X-Token: t",
        "--cookies=/tmp/cookies.txt",
        "--user=ann:pw",
        "--no-netrc",
    ];

    #[test]
    fn the_window_uses_every_run_flag_typed_on_its_command_line() {
        let parsed = launch(EVERY_RUN_FLAG).unwrap();
        let defaults = serde_json::to_value(RunSettings::default()).unwrap();
        let mut settings = Settings::default();
        parsed.apply(&mut settings);
        let applied = serde_json::to_value(&settings.run).unwrap();
        for (key, default) in defaults.as_object().unwrap() {
            assert_ne!(&applied[key], default, "--{key} was typed but not applied");
        }
        assert_eq!(settings.run.rate_limit.bytes_per_sec(), Some(100 * 1024));
        assert_eq!(settings.run.split, 1);
        assert_eq!(settings.run.existing, downpour::options::Existing::KeepBoth);
        let config = settings.run.config(PathBuf::from("/tmp"));
        assert_eq!(config.rate_limit, Some(100 * 1024));
        assert_eq!(config.connections_per_file(), 1);
    }

    #[test]
    fn secrets_typed_on_the_command_line_arrive_whole_and_are_not_saved() {
        let parsed = launch(&[
            "--proxy=http://ann:pr0xy-pw@127.0.0.1:3128",
            "--user=bob:l0gin-pw",
            "--header=X-Token: t0ken",
        ])
        .unwrap();
        let mut settings = Settings::default();
        parsed.apply(&mut settings);
        assert_eq!(settings.run, parsed.run.settings);
        let user = settings.run.user.as_ref().unwrap();
        assert_eq!(user.password.as_ref().unwrap().expose(), "l0gin-pw");
        let saved = serde_json::to_string(&settings).unwrap();
        for secret in ["pr0xy-pw", "l0gin-pw", "t0ken"] {
            assert!(!saved.contains(secret), "{secret} saved in {saved}");
        }
    }

    #[test]
    fn every_run_flag_is_a_saved_setting_of_the_same_name() {
        let saved = serde_json::to_value(RunSettings::default()).unwrap();
        let command = <RunSettings as clap::Args>::augment_args(clap::Command::new("t"));
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            assert!(
                saved.get(id).is_some(),
                "the flag {id} is not a saved setting"
            );
        }
    }

    #[test]
    fn the_defaults_of_the_flags_are_the_saved_defaults() {
        let parsed = launch(&[]).unwrap();
        assert_eq!(parsed.run.settings, RunSettings::default());
    }
}
