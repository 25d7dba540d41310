//! Which dialog Choose… (a folder) and Import list… (list files) show. The system's dialog
//! comes first: on Linux that is the XDG desktop portal's (through rfd), elsewhere the
//! system's own. Where no portal runs (a bare window manager, a minimal or remote session),
//! `zenity` or `kdialog` is used if installed; and otherwise, for a folder, the folder browser
//! inside the window (`folder_browser`), and for list files a sentence saying to drop the file
//! on the window or paste its links.
//!
//! How a missing portal is told from a person who cancelled: before asking rfd, a helper looks
//! for `org.freedesktop.portal.Desktop` on the session bus (running, or startable by the bus),
//! which costs a connection and two calls; without it, rfd is not asked at all. A portal can
//! still fail after that (a portal without a file-chooser backend), and so can a dialog
//! program (no display), so a dialog that comes back without a folder faster than a person can
//! see it and press Escape ([`GAVE_UP_WITHIN`]) counts as unavailable too, and the next way is
//! tried. The choice of ways and the walk along them are pure functions ([`plan`],
//! [`run_plan`], [`classify`]); only [`probe_portal`], [`installed`] and the dialogs
//! themselves touch the system, and all of them run on a helper thread.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A dialog that gives no folder within this time never showed: nobody cancels that fast.
pub const GAVE_UP_WITHIN: Duration = Duration::from_millis(500);

/// The desktop portal's name on the session bus.
#[cfg_attr(windows, expect(dead_code, reason = "no session bus on Windows"))]
pub const PORTAL_NAME: &str = "org.freedesktop.portal.Desktop";

/// A way to pick a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picker {
    /// The system's dialog through rfd: the XDG desktop portal on Linux, the native dialog on
    /// Windows and macOS.
    System,
    /// `zenity --file-selection --directory`.
    Zenity,
    /// `kdialog --getexistingdirectory`.
    Kdialog,
    /// The folder browser inside the window; always there, so always last.
    InWindow,
}

/// Whether the system's dialog can be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Portal {
    /// The portal is on the session bus (always so on Windows and macOS).
    Present,
    /// No session bus, or no portal on it.
    #[cfg_attr(
        all(windows, not(test)),
        expect(dead_code, reason = "always present on Windows")
    )]
    Absent,
}

/// Which dialog programs are installed (on `PATH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Installed {
    /// `zenity` (GNOME and GTK desktops).
    pub zenity: bool,
    /// `kdialog` (KDE).
    pub kdialog: bool,
}

/// The files Import list… offers by default: lists as people save them.
pub const LIST_EXTENSIONS: [&str; 7] = ["txt", "csv", "tsv", "list", "md", "html", "htm"];

/// What asking one dialog gave: `T` is a folder, or the list files chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer<T = PathBuf> {
    /// The person chose this.
    Chosen(T),
    /// The person closed the dialog without choosing: nothing else is shown.
    Cancelled,
    /// The dialog could not be shown: the next way is tried.
    Unavailable,
}

/// Where the walk along the ways ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T = PathBuf> {
    /// A dialog gave this.
    Chosen(T),
    /// The person cancelled a dialog.
    Cancelled,
    /// No dialog could be shown: the window takes over (its folder browser, or a sentence).
    InWindow,
}

/// The ways to try, in order: the system's dialog if the portal is there, then the installed
/// dialog programs (zenity, then kdialog), then the browser inside the window.
pub fn plan(portal: Portal, installed: Installed) -> Vec<Picker> {
    let mut ways = Vec::with_capacity(4);
    if portal == Portal::Present {
        ways.push(Picker::System);
    }
    if installed.zenity {
        ways.push(Picker::Zenity);
    }
    if installed.kdialog {
        ways.push(Picker::Kdialog);
    }
    ways.push(Picker::InWindow);
    ways
}

/// Asks each way of `plan` in turn until one gives a folder or the person cancels one; the
/// browser inside the window is not asked, it is where the walk ends.
pub fn run_plan<T>(plan: &[Picker], mut ask: impl FnMut(Picker) -> Answer<T>) -> Outcome<T> {
    for &picker in plan {
        if picker == Picker::InWindow {
            break;
        }
        match ask(picker) {
            Answer::Chosen(folder) => return Outcome::Chosen(folder),
            Answer::Cancelled => return Outcome::Cancelled,
            Answer::Unavailable => {}
        }
    }
    Outcome::InWindow
}

/// What a dialog's result means: something is chosen; nothing after [`GAVE_UP_WITHIN`] is a
/// person who cancelled, and nothing sooner is a dialog that never showed.
pub fn classify<T>(chosen: Option<T>, took: Duration) -> Answer<T> {
    match chosen {
        Some(chosen) => Answer::Chosen(chosen),
        None if took < GAVE_UP_WITHIN => Answer::Unavailable,
        None => Answer::Cancelled,
    }
}

/// Runs the whole walk on the calling (helper) thread: probes the portal and the installed
/// programs, then shows the dialogs in order. `start` is the folder they open in, if any;
/// `title` their title.
pub fn pick_folder(start: Option<PathBuf>, title: &str) -> Outcome {
    run_plan(&ways_here(), |picker| {
        ask_folder(picker, start.as_deref(), title)
    })
}

/// [`pick_folder`] for list files: one or more, offered under `filter` (the name of
/// [`LIST_EXTENSIONS`]); [`Outcome::InWindow`] when no dialog can be shown.
pub fn pick_lists(title: &str, filter: &str) -> Outcome<Vec<PathBuf>> {
    run_plan(&ways_here(), |picker| ask_lists(picker, title, filter))
}

/// The [`plan`] of this session: the portal probed, the dialog programs looked up on `PATH`.
fn ways_here() -> Vec<Picker> {
    plan(
        probe_portal(None),
        installed(std::env::var_os("PATH").as_deref()),
    )
}

/// Shows one folder dialog and waits for it.
fn ask_folder(picker: Picker, start: Option<&Path>, title: &str) -> Answer {
    let began = Instant::now();
    let folder = match picker {
        Picker::System => {
            let mut dialog = rfd::FileDialog::new().set_title(title);
            if let Some(start) = start {
                dialog = dialog.set_directory(start);
            }
            dialog
                .pick_folder()
                .filter(|folder| !folder.as_os_str().is_empty())
        }
        Picker::Zenity => {
            let mut command = std::process::Command::new("zenity");
            command.args(["--file-selection", "--directory", "--title", title]);
            if let Some(start) = start {
                // A trailing separator makes zenity open inside the folder.
                command.arg("--filename").arg(start.join(""));
            }
            run_program(command).map(PathBuf::from)
        }
        Picker::Kdialog => {
            let mut command = std::process::Command::new("kdialog");
            command
                .arg("--title")
                .arg(title)
                .arg("--getexistingdirectory");
            command.arg(start.unwrap_or(Path::new(".")));
            run_program(command).map(PathBuf::from)
        }
        Picker::InWindow => return Answer::Unavailable,
    };
    classify(folder, began.elapsed())
}

/// Shows one dialog for list files and waits for it.
fn ask_lists(picker: Picker, title: &str, filter: &str) -> Answer<Vec<PathBuf>> {
    let began = Instant::now();
    let patterns = LIST_EXTENSIONS.map(|ext| format!("*.{ext}")).join(" ");
    let files = match picker {
        Picker::System => rfd::FileDialog::new()
            .set_title(title)
            .add_filter(filter, &LIST_EXTENSIONS)
            .pick_files(),
        Picker::Zenity => {
            let mut command = std::process::Command::new("zenity");
            command.args([
                "--file-selection",
                "--multiple",
                "--separator=\n",
                "--title",
                title,
            ]);
            command.arg(format!("--file-filter={filter} | {patterns}"));
            command.arg("--file-filter=* | *");
            run_program(command).map(|text| paths_in(&text))
        }
        Picker::Kdialog => {
            let mut command = std::process::Command::new("kdialog");
            command.arg("--title").arg(title).arg("--getopenfilename");
            command.arg(".").arg(format!("{patterns}|{filter}"));
            command.args(["--multiple", "--separate-output"]);
            run_program(command).map(|text| paths_in(&text))
        }
        Picker::InWindow => return Answer::Unavailable,
    };
    classify(files.filter(|files| !files.is_empty()), began.elapsed())
}

/// The paths a dialog program printed, one a line.
fn paths_in(text: &str) -> Vec<PathBuf> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// Runs a dialog program: what it printed, if it ended well and printed something.
fn run_program(mut command: std::process::Command) -> Option<String> {
    let output = command.stdin(std::process::Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim_end_matches(['\n', '\r']);
    (!text.is_empty()).then(|| text.to_owned())
}

/// Which of the dialog programs are on `path_var` (a `PATH` value). Windows and macOS have
/// their own dialog and are not searched.
pub fn installed(path_var: Option<&OsStr>) -> Installed {
    if cfg!(any(windows, target_os = "macos")) {
        return Installed::default();
    }
    let Some(path_var) = path_var else {
        return Installed::default();
    };
    Installed {
        zenity: on_path("zenity", path_var),
        kdialog: on_path("kdialog", path_var),
    }
}

/// Whether an executable file named `name` is in one of the folders of `path_var`.
fn on_path(name: &str, path_var: &OsStr) -> bool {
    std::env::split_paths(path_var).any(|folder| is_executable(&folder.join(name)))
}

#[cfg(unix)]
fn is_executable(file: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(file)
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(file: &Path) -> bool {
    file.is_file()
}

/// Whether the desktop portal is on the session bus: running, or startable by the bus. `address`
/// is the bus's address; `None` is the session bus of this session. A bus that has not answered
/// within [`PROBE_TIMEOUT`] counts as none (its thread is left to end by itself).
#[cfg(target_os = "linux")]
pub fn probe_portal(address: Option<&str>) -> Portal {
    let address = address.map(str::to_owned);
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("downpour-portal-probe".into())
        .spawn(move || {
            let _ = tx.send(portal_on_bus(address.as_deref()));
        });
    match spawned.map(|_| rx.recv_timeout(PROBE_TIMEOUT)) {
        Ok(Ok(Ok(true))) => Portal::Present,
        _ => Portal::Absent,
    }
}

/// How long the session bus has to say whether the portal is there.
#[cfg(target_os = "linux")]
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Asks the bus at `address` (or the session bus) whether it has the portal or can start it.
#[cfg(target_os = "linux")]
fn portal_on_bus(address: Option<&str>) -> zbus::Result<bool> {
    let builder = match address {
        Some(address) => zbus::blocking::connection::Builder::address(address)?,
        None => zbus::blocking::connection::Builder::session()?,
    };
    let connection = builder.method_timeout(PROBE_TIMEOUT).build()?;
    let bus = zbus::blocking::fdo::DBusProxy::new(&connection)?;
    if bus.name_has_owner(zbus::names::BusName::try_from(PORTAL_NAME)?)? {
        return Ok(true);
    }
    Ok(bus
        .list_activatable_names()?
        .iter()
        .any(|activatable| activatable.as_str() == PORTAL_NAME))
}

/// Windows and macOS always have their own folder dialog.
#[cfg(not(target_os = "linux"))]
pub fn probe_portal(_address: Option<&str>) -> Portal {
    Portal::Present
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const NONE: Installed = Installed {
        zenity: false,
        kdialog: false,
    };
    const BOTH: Installed = Installed {
        zenity: true,
        kdialog: true,
    };

    #[test]
    fn the_portal_first_then_the_programs_then_the_window() {
        use Picker::*;
        assert_eq!(plan(Portal::Present, NONE), [System, InWindow]);
        assert_eq!(
            plan(Portal::Present, BOTH),
            [System, Zenity, Kdialog, InWindow]
        );
        assert_eq!(plan(Portal::Absent, BOTH), [Zenity, Kdialog, InWindow]);
        let kde = Installed {
            zenity: false,
            kdialog: true,
        };
        assert_eq!(plan(Portal::Absent, kde), [Kdialog, InWindow]);
        assert_eq!(plan(Portal::Absent, NONE), [InWindow]);
    }

    /// Walks `plan` with fixed answers, returning the outcome and who was asked.
    fn walk(plan: &[Picker], answers: &[(Picker, Answer)]) -> (Outcome, Vec<Picker>) {
        let mut asked = Vec::new();
        let outcome = run_plan(plan, |picker| {
            asked.push(picker);
            answers
                .iter()
                .find(|(p, _)| *p == picker)
                .map_or(Answer::Unavailable, |(_, a)| a.clone())
        });
        (outcome, asked)
    }

    #[test]
    fn a_chosen_folder_or_a_cancel_ends_the_walk() {
        use Picker::*;
        let ways = plan(Portal::Present, BOTH);
        let chosen = Answer::Chosen(PathBuf::from("/data"));
        assert_eq!(
            walk(&ways, &[(System, chosen.clone())]),
            (Outcome::Chosen(PathBuf::from("/data")), vec![System])
        );
        // The person cancelled the portal's dialog: zenity is not shown after it.
        assert_eq!(
            walk(&ways, &[(System, Answer::Cancelled)]),
            (Outcome::Cancelled, vec![System])
        );
        // The portal failed (no file-chooser backend): zenity is asked next.
        assert_eq!(
            walk(&ways, &[(Zenity, chosen)]),
            (
                Outcome::Chosen(PathBuf::from("/data")),
                vec![System, Zenity]
            )
        );
        assert_eq!(
            walk(&ways, &[(Kdialog, Answer::Cancelled)]),
            (Outcome::Cancelled, vec![System, Zenity, Kdialog])
        );
    }

    #[test]
    fn with_nothing_that_works_the_window_browses() {
        let ways = plan(Portal::Present, BOTH);
        assert_eq!(
            walk(&ways, &[]).0,
            Outcome::InWindow,
            "every dialog unavailable"
        );
        // No portal, no program: nothing is asked at all.
        assert_eq!(
            walk(&plan(Portal::Absent, NONE), &[]),
            (Outcome::InWindow, vec![])
        );
    }

    #[test]
    fn no_folder_at_once_is_an_absent_dialog_and_later_a_cancel() {
        let quick = Duration::from_millis(20);
        let slow = Duration::from_secs(3);
        assert_eq!(classify::<PathBuf>(None, quick), Answer::Unavailable);
        assert_eq!(classify::<PathBuf>(None, slow), Answer::Cancelled);
        assert_eq!(
            classify(Some(PathBuf::from("/x")), quick),
            Answer::Chosen(PathBuf::from("/x"))
        );
    }

    #[test]
    fn the_list_files_a_dialog_program_printed_are_read_one_a_line() {
        assert_eq!(
            paths_in("/a/links.txt\n/b/more links.csv\n"),
            [
                PathBuf::from("/a/links.txt"),
                PathBuf::from("/b/more links.csv")
            ],
            "kdialog and zenity print one path a line, spaces kept"
        );
    }

    #[cfg(unix)]
    #[test]
    fn dialog_programs_are_found_on_the_path() {
        use std::os::unix::fs::PermissionsExt;
        let bin = tempfile::tempdir().unwrap();
        let empty = tempfile::tempdir().unwrap();
        let zenity = bin.path().join("zenity");
        std::fs::write(&zenity, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&zenity, std::fs::Permissions::from_mode(0o755)).unwrap();
        // Not executable: not a program.
        std::fs::write(bin.path().join("kdialog"), "").unwrap();
        let path = std::env::join_paths([empty.path(), bin.path()]).unwrap();
        assert_eq!(
            installed(Some(&path)),
            Installed {
                zenity: true,
                kdialog: false
            }
        );
        assert_eq!(installed(None), NONE);
    }

    #[cfg(unix)]
    #[test]
    fn a_dialog_program_answers_with_its_output() {
        let mut chose = std::process::Command::new("sh");
        chose.args(["-c", "printf '/home/a b/\\n'"]);
        assert_eq!(run_program(chose).as_deref(), Some("/home/a b/"));
        let mut cancelled = std::process::Command::new("sh");
        cancelled.args(["-c", "exit 1"]);
        assert_eq!(run_program(cancelled), None);
        let missing = std::process::Command::new("/nonexistent/zenity");
        assert_eq!(run_program(missing), None);
    }

    /// A private `dbus-daemon` (from Debian's dbus-daemon) on a socket in `dir`, with
    /// `services` as its folder of startable services; killed when dropped.
    #[cfg(target_os = "linux")]
    pub(crate) struct PrivateBus {
        daemon: std::process::Child,
        /// The bus's address.
        pub(crate) address: String,
    }

    #[cfg(target_os = "linux")]
    impl PrivateBus {
        pub(crate) fn start(dir: &Path, services: &Path) -> Self {
            use std::io::BufRead;
            let config = dir.join("bus.conf");
            std::fs::write(
                &config,
                format!(
                    "<busconfig><type>session</type><auth>EXTERNAL</auth>\
                     <listen>unix:path={}</listen><servicedir>{}</servicedir>\
                     <policy context=\"default\">\
                     <allow send_destination=\"*\" eavesdrop=\"true\"/>\
                     <allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>",
                    dir.join("bus").display(),
                    services.display()
                ),
            )
            .unwrap();
            let mut daemon = std::process::Command::new("dbus-daemon")
                .arg(format!("--config-file={}", config.display()))
                .args(["--nofork", "--print-address=1"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("dbus-daemon (Debian package dbus-daemon; .ci/run installs it)");
            let mut address = String::new();
            let stdout = daemon.stdout.take().unwrap();
            std::io::BufReader::new(stdout)
                .read_line(&mut address)
                .unwrap();
            Self {
                daemon,
                address: address.trim().to_owned(),
            }
        }
    }

    #[cfg(target_os = "linux")]
    impl Drop for PrivateBus {
        fn drop(&mut self) {
            let _ = self.daemon.kill();
            let _ = self.daemon.wait();
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_bus_that_never_answers_counts_as_no_portal() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("silent");
        let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        // Accepts connections and says nothing.
        std::thread::spawn(move || {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept() {
                held.push(stream);
            }
        });
        let began = Instant::now();
        let address = format!("unix:path={}", socket.display());
        assert_eq!(probe_portal(Some(&address)), Portal::Absent);
        assert!(began.elapsed() < PROBE_TIMEOUT + Duration::from_secs(1));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_portal_is_looked_for_on_the_session_bus() {
        assert_eq!(
            probe_portal(Some("unix:path=/nonexistent/bus")),
            Portal::Absent,
            "no bus"
        );
        let dir = tempfile::tempdir().unwrap();
        let services = dir.path().join("services");
        std::fs::create_dir(&services).unwrap();
        let bus = PrivateBus::start(dir.path(), &services);
        assert_eq!(
            probe_portal(Some(&bus.address)),
            Portal::Absent,
            "a bus without it"
        );

        let portal = zbus::blocking::connection::Builder::address(bus.address.as_str())
            .unwrap()
            .name(PORTAL_NAME)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(probe_portal(Some(&bus.address)), Portal::Present, "running");
        drop(portal);

        // Not running, but the bus can start it.
        std::fs::write(
            services.join(format!("{PORTAL_NAME}.service")),
            format!("[D-BUS Service]\nName={PORTAL_NAME}\nExec=/bin/false\n"),
        )
        .unwrap();
        let connection = zbus::blocking::connection::Builder::address(bus.address.as_str())
            .unwrap()
            .build()
            .unwrap();
        zbus::blocking::fdo::DBusProxy::new(&connection)
            .unwrap()
            .reload_config()
            .unwrap();
        assert_eq!(
            probe_portal(Some(&bus.address)),
            Portal::Present,
            "startable"
        );
    }
}
