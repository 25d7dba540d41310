//! `downpour --install-browser-integration` and `--uninstall-browser-integration`: the
//! native-messaging manifests that let the extension start `downpour` as its native host, for
//! this user only, in the folders of the browsers found (on Windows, files in Downpour's data
//! folder named by `HKCU` registry keys). Each manifest allows only Downpour's extension.

use std::io;
use std::path::{Path, PathBuf};

use super::native::{CHROMIUM_EXTENSION_ID, FIREFOX_EXTENSION_ID, HOST_NAME};

/// Where one browser looks for native hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The browser's name, for the person.
    pub browser: &'static str,
    /// The browser's own folder: present when it is installed (has been run) for this user.
    pub found: PathBuf,
    /// The folder of its native-messaging manifests.
    pub dir: PathBuf,
    /// Firefox's manifest names extensions, Chromium's origins.
    pub firefox: bool,
}

impl Place {
    #[cfg_attr(
        windows,
        expect(dead_code, reason = "Windows finds browsers in the registry")
    )]
    fn chromium(browser: &'static str, found: PathBuf) -> Self {
        let dir = found.join("NativeMessagingHosts");
        Self {
            browser,
            found,
            dir,
            firefox: false,
        }
    }

    /// The manifest's path.
    pub fn manifest(&self) -> PathBuf {
        self.dir.join(format!("{HOST_NAME}.json"))
    }
}

/// Where this user's browsers look for native hosts (none known on Windows, where the
/// registry names them: see [`run`]).
pub fn default_places() -> Vec<Place> {
    #[cfg(not(windows))]
    if let Some(home) = dirs::home_dir() {
        let config = dirs::config_dir().unwrap_or_else(|| home.join(".config"));
        return places(&home, &config);
    }
    Vec::new()
}

/// The browsers' folders on Linux, under the home and config folders.
#[cfg(not(any(windows, target_os = "macos")))]
pub fn places(home: &Path, config: &Path) -> Vec<Place> {
    vec![
        Place::chromium("Google Chrome", config.join("google-chrome")),
        Place::chromium("Chromium", config.join("chromium")),
        Place::chromium("Microsoft Edge", config.join("microsoft-edge")),
        Place::chromium("Brave", config.join("BraveSoftware/Brave-Browser")),
        Place {
            browser: "Firefox",
            found: home.join(".mozilla"),
            dir: home.join(".mozilla/native-messaging-hosts"),
            firefox: true,
        },
    ]
}

/// The browsers' folders on macOS, under `~/Library/Application Support`.
#[cfg(target_os = "macos")]
pub fn places(home: &Path, _config: &Path) -> Vec<Place> {
    let support = home.join("Library/Application Support");
    vec![
        Place::chromium("Google Chrome", support.join("Google/Chrome")),
        Place::chromium("Chromium", support.join("Chromium")),
        Place::chromium("Microsoft Edge", support.join("Microsoft Edge")),
        Place::chromium("Brave", support.join("BraveSoftware/Brave-Browser")),
        Place {
            browser: "Firefox",
            found: support.join("Firefox"),
            dir: support.join("Mozilla/NativeMessagingHosts"),
            firefox: true,
        },
    ]
}

/// The manifest's JSON for a Chromium-family browser or Firefox, naming `exe` as the host.
pub fn manifest_json(exe: &Path, firefox: bool) -> String {
    let mut manifest = serde_json::json!({
        "name": HOST_NAME,
        "description": "Downpour: downloads the links sent from the browser",
        "path": exe,
        "type": "stdio",
    });
    if firefox {
        manifest["allowed_extensions"] = serde_json::json!([FIREFOX_EXTENSION_ID]);
    } else {
        manifest["allowed_origins"] =
            serde_json::json!([format!("chrome-extension://{CHROMIUM_EXTENSION_ID}/")]);
    }
    serde_json::to_string_pretty(&manifest).unwrap_or_default()
}

/// Writes the manifest in every place whose browser is found; says which.
pub fn install(places: &[Place], exe: &Path) -> Vec<(&'static str, io::Result<PathBuf>)> {
    places
        .iter()
        .filter(|place| place.found.is_dir())
        .map(|place| {
            let written = std::fs::create_dir_all(&place.dir)
                .and_then(|()| std::fs::write(place.manifest(), manifest_json(exe, place.firefox)))
                .map(|()| place.manifest());
            (place.browser, written)
        })
        .collect()
}

/// Removes Downpour's manifest wherever it is; says which were removed.
#[cfg_attr(windows, expect(dead_code, reason = "Windows has its own `run`"))]
pub fn uninstall(places: &[Place]) -> Vec<(&'static str, io::Result<PathBuf>)> {
    places
        .iter()
        .filter(|place| place.manifest().exists())
        .map(|place| {
            let removed = std::fs::remove_file(place.manifest()).map(|()| place.manifest());
            (place.browser, removed)
        })
        .collect()
}

/// The command line's `--install-browser-integration` (`install`) or `--uninstall-…`: says
/// what was done, per browser; false if something failed or no browser was found.
#[cfg(not(windows))]
pub fn run(install_it: bool) -> bool {
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("downpour: this program's path cannot be found.");
        return false;
    };
    let places = default_places();
    let done = if install_it {
        install(&places, &exe)
    } else {
        uninstall(&places)
    };
    say(&done, install_it)
}

/// Prints one line per browser.
fn say(done: &[(&'static str, io::Result<PathBuf>)], install_it: bool) -> bool {
    if done.is_empty() {
        let what = if install_it {
            "No browser was found for this user (Chrome, Chromium, Edge, Brave or Firefox)."
        } else {
            "Downpour's browser integration was not installed."
        };
        println!("{what}");
        return !install_it;
    }
    let mut all_good = true;
    for (browser, result) in done {
        match (result, install_it) {
            (Ok(path), true) => println!("{browser}: installed ({}).", path.display()),
            (Ok(path), false) => println!("{browser}: removed ({}).", path.display()),
            (Err(err), _) => {
                all_good = false;
                eprintln!("{browser}: not done: {err}");
            }
        }
    }
    all_good
}

/// Windows: the manifests go to Downpour's data folder and each browser's `HKCU` key names
/// them (`reg.exe`, so that no registry crate is needed).
#[cfg(windows)]
pub fn run(install_it: bool) -> bool {
    const KEYS: &[(&str, &str, bool)] = &[
        ("Google Chrome", r"Software\Google\Chrome", false),
        ("Chromium", r"Software\Chromium", false),
        ("Microsoft Edge", r"Software\Microsoft\Edge", false),
        ("Brave", r"Software\BraveSoftware\Brave-Browser", false),
        ("Firefox", r"Software\Mozilla", true),
    ];
    let (Some(data), Ok(exe)) = (
        downpour::options::default_state_dir(),
        std::env::current_exe(),
    ) else {
        eprintln!("downpour: Downpour's data folder or this program's path cannot be found.");
        return false;
    };
    let mut done = Vec::new();
    for (browser, key, firefox) in KEYS {
        let key = format!(r"HKCU\{key}\NativeMessagingHosts\{HOST_NAME}");
        let file = data.join(if *firefox {
            "firefox-host.json"
        } else {
            "chromium-host.json"
        });
        let result = if install_it {
            std::fs::create_dir_all(&data)
                .and_then(|()| std::fs::write(&file, manifest_json(&exe, *firefox)))
                .and_then(|()| {
                    reg(&[
                        "add",
                        &key,
                        "/ve",
                        "/t",
                        "REG_SZ",
                        "/d",
                        &file.display().to_string(),
                        "/f",
                    ])
                })
        } else {
            reg(&["delete", &key, "/f"])
        };
        done.push((*browser, result.map(|()| PathBuf::from(key))));
    }
    say(&done, install_it)
}

/// Runs `reg.exe` with `args`.
#[cfg(windows)]
fn reg(args: &[&str]) -> io::Result<()> {
    let status = std::process::Command::new("reg").args(args).status()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!("reg.exe ended with {status}")))
    }
}

#[cfg(all(test, not(any(windows, target_os = "macos"))))]
mod tests {
    use super::*;

    #[test]
    fn installs_for_the_browsers_found_only_and_uninstalls_what_it_wrote() {
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join(".config");
        std::fs::create_dir_all(config.join("chromium")).unwrap();
        std::fs::create_dir_all(home.path().join(".mozilla")).unwrap();
        let places = places(home.path(), &config);
        let exe = Path::new("/opt/downpour/downpour");
        let done = install(&places, exe);
        let names: Vec<_> = done.iter().map(|(b, r)| (*b, r.is_ok())).collect();
        assert_eq!(names, [("Chromium", true), ("Firefox", true)]);
        let chromium = config.join("chromium/NativeMessagingHosts/app.downpour.host.json");
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&chromium).unwrap()).unwrap();
        assert_eq!(json["path"], "/opt/downpour/downpour");
        assert_eq!(json["type"], "stdio");
        assert_eq!(
            json["allowed_origins"],
            serde_json::json!(["chrome-extension://mmhikfakmnplcfgdgeldpbmmofkhckok/"])
        );
        let firefox = home
            .path()
            .join(".mozilla/native-messaging-hosts/app.downpour.host.json");
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&firefox).unwrap()).unwrap();
        assert_eq!(
            json["allowed_extensions"],
            serde_json::json!(["browser@downpour.app"])
        );
        assert!(
            !config.join("google-chrome").exists(),
            "no folder made for a missing browser"
        );
        // Someone else's manifest beside it is not touched.
        let other = config.join("chromium/NativeMessagingHosts/other.json");
        std::fs::write(&other, b"theirs").unwrap();
        assert_eq!(uninstall(&places).len(), 2);
        assert!(!chromium.exists() && !firefox.exists());
        assert_eq!(std::fs::read(&other).unwrap(), b"theirs");
    }
}
