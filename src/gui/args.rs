//! The window's command line: `downpour [LIST.txt] [--out DIR] [--mode MODE] [--workers N]
//! [--start]`, so "Open with Downpour" on a text file and scripted demos work.

use std::path::PathBuf;

use downpour::Mode;

/// What the command line asked for.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LaunchArgs {
    /// List files to load into the links box.
    pub lists: Vec<PathBuf>,
    /// Preset save folder.
    pub out: Option<PathBuf>,
    /// Preset mode.
    pub mode: Option<Mode>,
    /// Preset worker count.
    pub workers: Option<usize>,
    /// Start at once.
    pub start: bool,
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<LaunchArgs, String> {
    let mut parsed = LaunchArgs::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--out" | "-o" => parsed.out = Some(PathBuf::from(value("--out")?)),
            "--mode" | "-m" => {
                let text = value("--mode")?;
                parsed.mode = Some(Mode::parse(&text).ok_or(format!(
                    "unknown mode '{text}': use sequential, submit or map"
                ))?);
            }
            "--workers" | "-j" => {
                let text = value("--workers")?;
                let n = text
                    .parse()
                    .ok()
                    .filter(|n| (1..=downpour::MAX_WORKERS).contains(n))
                    .ok_or(format!(
                        "--workers must be a number from 1 to 64, not '{text}'"
                    ))?;
                parsed.workers = Some(n);
            }
            "--start" => parsed.start = true,
            other if other.starts_with("--") => return Err(format!("unknown option '{other}'")),
            _ => parsed.lists.push(PathBuf::from(arg)),
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_list_and_presets() {
        let args = [
            "links.txt",
            "--out=/tmp/x",
            "--mode",
            "map",
            "-j",
            "4",
            "--start",
        ]
        .map(String::from);
        let parsed = parse(args).unwrap();
        assert_eq!(parsed.lists, [PathBuf::from("links.txt")]);
        assert_eq!(parsed.out, Some(PathBuf::from("/tmp/x")));
        assert_eq!(parsed.mode, Some(Mode::Map));
        assert_eq!(parsed.workers, Some(4));
        assert!(parsed.start);
        assert!(parse(["--workers", "0"].map(String::from)).is_err());
        assert!(parse(["--mode", "fast"].map(String::from)).is_err());
    }
}
