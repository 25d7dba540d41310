//! The window's command line — `downpour [LIST]... [--out DIR] [--mode MODE] [--workers N]
//! [--start]` — so that "Open with Downpour" on a list file and scripted demos work. The run
//! settings are the CLI's own ([`RunArgs`]); only those given here change the saved ones.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser};
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
}

/// What the command line asked the window for.
#[derive(Debug, Clone)]
pub struct Launch {
    /// List files to load into the links box.
    pub lists: Vec<PathBuf>,
    /// Start at once.
    pub start: bool,
    run: RunArgs,
    /// The run settings given on the command line (by their argument ids).
    given: Vec<&'static str>,
}

impl Launch {
    /// Parses the program's arguments (with the program name first); `--help`, `--version`
    /// and mistakes end the program as clap does.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, clap::Error> {
        let matches = Cli::command().try_get_matches_from(args)?;
        let cli = Cli::from_arg_matches(&matches)?;
        Ok(Self {
            given: given_ids(&matches),
            lists: cli.lists,
            start: cli.start,
            run: cli.run,
        })
    }

    /// Changes the settings that the command line gave, and only those.
    pub fn apply(&self, settings: &mut Settings) {
        let given = |id: &str| self.given.contains(&id);
        if given("out")
            && let Some(out) = &self.run.out
        {
            settings.folder = out.display().to_string();
        }
        if given("mode") {
            settings.mode = self.run.mode;
        }
        if given("workers") {
            settings.workers = self.run.workers;
        }
        if given("retries") {
            settings.retries = self.run.retries as u32;
        }
        if given("no_checksum") {
            settings.checksums = !self.run.no_checksum;
        }
        if given("allow_insecure_redirects") {
            settings.allow_insecure_redirects = self.run.allow_insecure_redirects;
        }
    }
}

/// The ids of the run settings that were typed on the command line.
fn given_ids(matches: &ArgMatches) -> Vec<&'static str> {
    const IDS: [&str; 6] = [
        "out",
        "mode",
        "workers",
        "retries",
        "no_checksum",
        "allow_insecure_redirects",
    ];
    IDS.into_iter()
        .filter(|id| matches.value_source(id) == Some(ValueSource::CommandLine))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use downpour::Mode;

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
        let mut settings = Settings {
            retries: 7,
            ..Settings::default()
        };
        parsed.apply(&mut settings);
        assert_eq!(settings.folder, "/tmp/x");
        assert_eq!(settings.mode, Mode::Map);
        assert_eq!(settings.workers, 4);
        assert_eq!(settings.retries, 7, "not given, so the saved value stays");
        assert!(launch(&["--workers", "0"]).is_err());
        assert!(launch(&["--mode", "fast"]).is_err());
        assert!(launch(&["--out", ""]).is_err());
    }
}
