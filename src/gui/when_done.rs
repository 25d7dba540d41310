//! What happens when every download has ended — nothing, a notification, the folder opened,
//! the computer put to sleep or shut down (the last two after a 60-second notice the person
//! can cancel) — and keeping the computer awake while a run goes. The system's commands run
//! on helper threads, through [`Power`], which tests replace so that they never run them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{DownpourApp, Notice, UiMessage};

/// What the window does when every download has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum WhenDone {
    /// Nothing: no notification either.
    Nothing,
    /// A desktop notification, when the window is not in front.
    #[default]
    Notify,
    /// The notification, and the save folder shown in the file manager.
    OpenFolder,
    /// The notification, then the computer put to sleep after [`NOTICE`].
    Sleep,
    /// The notification, then the computer shut down after [`NOTICE`].
    ShutDown,
}

impl WhenDone {
    /// Every choice, in the order the window offers them.
    pub const ALL: [WhenDone; 5] = [
        WhenDone::Nothing,
        WhenDone::Notify,
        WhenDone::OpenFolder,
        WhenDone::Sleep,
        WhenDone::ShutDown,
    ];

    /// Whether the person is told the run ended (when the window is not in front).
    pub fn notifies(self) -> bool {
        match self {
            WhenDone::Nothing => false,
            WhenDone::Notify | WhenDone::OpenFolder | WhenDone::Sleep | WhenDone::ShutDown => true,
        }
    }

    /// What is done to the computer, if anything.
    pub fn power(self) -> Option<PowerAction> {
        match self {
            WhenDone::Sleep => Some(PowerAction::Sleep),
            WhenDone::ShutDown => Some(PowerAction::ShutDown),
            WhenDone::Nothing | WhenDone::Notify | WhenDone::OpenFolder => None,
        }
    }
}

/// How long the person has to cancel sleep or shut down.
pub const NOTICE: Duration = Duration::from_secs(60);

/// Something done to the whole computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerAction {
    /// Sleep (suspend to memory).
    Sleep,
    /// Shut down.
    ShutDown,
}

impl PowerAction {
    /// The program and its arguments that do it on this platform.
    pub fn command(self) -> (&'static str, &'static [&'static str]) {
        if cfg!(target_os = "linux") {
            match self {
                PowerAction::Sleep => ("systemctl", &["suspend"]),
                PowerAction::ShutDown => ("systemctl", &["poweroff"]),
            }
        } else if cfg!(target_os = "macos") {
            match self {
                PowerAction::Sleep => ("pmset", &["sleepnow"]),
                PowerAction::ShutDown => (
                    "osascript",
                    &["-e", "tell application \"System Events\" to shut down"],
                ),
            }
        } else if cfg!(windows) {
            match self {
                PowerAction::Sleep => ("rundll32.exe", &["powrprof.dll,SetSuspendState", "0,1,0"]),
                PowerAction::ShutDown => ("shutdown", &["/s", "/t", "0"]),
            }
        } else {
            // The BSDs.
            match self {
                PowerAction::Sleep => ("zzz", &[]),
                PowerAction::ShutDown => ("shutdown", &["-p", "now"]),
            }
        }
    }
}

#[cfg(windows)]
#[cfg_attr(
    test,
    expect(dead_code, reason = "tests never keep the computer awake")
)]
mod execution_state;

/// The command that keeps the computer awake for as long as it runs, if this platform has
/// one: it runs `cat`, which ends when its input is closed. Windows needs none
/// ([`execution_state`]).
#[cfg(not(windows))]
fn keep_awake_command() -> Option<(&'static str, &'static [&'static str])> {
    if cfg!(target_os = "linux") {
        Some((
            "systemd-inhibit",
            &[
                "--what=sleep:idle",
                "--who=Downpour",
                "--why=Downloading files",
                "--mode=block",
                "cat",
            ],
        ))
    } else if cfg!(target_os = "macos") {
        Some(("caffeinate", &["-i", "cat"]))
    } else {
        // On the BSDs the system's own sleep timer applies.
        None
    }
}

/// Keeps the computer awake until dropped.
pub struct KeepAwake {
    _release: Box<dyn Send>,
}

impl KeepAwake {
    /// A guard that runs nothing until dropped, then drops `release`.
    pub fn new(release: impl Send + 'static) -> Self {
        Self {
            _release: Box::new(release),
        }
    }
}

/// What acts on the computer: the system (`SystemPower`), or a test's stand-in.
pub trait Power: Send + Sync {
    /// Does `action`, on a helper thread; the system's words if it could not.
    fn act(&self, action: PowerAction) -> Result<(), String>;

    /// Keeps the computer from sleeping until the guard is dropped; none where it cannot.
    fn keep_awake(&self) -> Option<KeepAwake>;
}

/// The system's commands.
#[cfg_attr(
    test,
    expect(dead_code, reason = "tests never act on the computer they run on")
)]
pub struct SystemPower;

impl Power for SystemPower {
    fn act(&self, action: PowerAction) -> Result<(), String> {
        let (program, args) = action.command();
        let output = std::process::Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|err| format!("{program}: {err}"))?;
        if output.status.success() {
            return Ok(());
        }
        let said = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        Err(if said.is_empty() {
            format!("{program}: {}", output.status)
        } else {
            said
        })
    }

    fn keep_awake(&self) -> Option<KeepAwake> {
        #[cfg(windows)]
        let awake = execution_state::keep_awake();
        #[cfg(not(windows))]
        let awake = awake_by_command();
        awake
    }
}

/// Keeps the computer awake by running [`keep_awake_command`] until the guard is dropped.
#[cfg(not(windows))]
#[cfg_attr(
    test,
    expect(dead_code, reason = "tests never keep the computer awake")
)]
fn awake_by_command() -> Option<KeepAwake> {
    let (program, args) = keep_awake_command()?;
    let (release, released) = std::sync::mpsc::channel::<()>();
    // Started and ended on a thread of its own: starting a program is no work for the
    // window's thread. Closing `cat`'s input ends it, which ends the inhibitor; so does
    // Downpour ending in any way.
    let started = std::thread::Builder::new()
        .name("downpour-awake".into())
        .spawn(move || {
            let child = std::process::Command::new(program)
                .args(args)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
            let mut child = match child {
                Ok(child) => child,
                Err(err) => {
                    downpour::diag::record("keeping the computer awake", &err);
                    return;
                }
            };
            // Until the guard is dropped.
            let _ = released.recv();
            drop(child.stdin.take());
            let _ = child.wait();
        });
    downpour::diag::check("starting the thread that keeps the computer awake", started);
    Some(KeepAwake::new(release))
}

/// Does nothing: the stand-in of the window's tests, which must never sleep or shut down
/// the computer they run on.
#[cfg(test)]
pub struct NoPower;

#[cfg(test)]
impl Power for NoPower {
    fn act(&self, _action: PowerAction) -> Result<(), String> {
        Err("not in tests".to_owned())
    }

    fn keep_awake(&self) -> Option<KeepAwake> {
        None
    }
}

/// The notice before sleep or shut down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Countdown {
    /// What happens at its end.
    pub action: PowerAction,
    /// When.
    pub deadline: Instant,
}

impl Countdown {
    /// Whole seconds left, rounded up: 60 at the start, 1 in the last second.
    pub fn seconds_left(&self, now: Instant) -> u64 {
        let left = self.deadline.saturating_duration_since(now);
        left.as_millis().div_ceil(1000) as u64
    }
}

impl DownpourApp {
    /// Holds the computer awake while a run goes, and lets it sleep again when none does.
    pub(super) fn keep_awake_while_running(&mut self) {
        match (self.is_running(), self.awake.is_some()) {
            (true, false) => self.awake = Some(self.power.keep_awake()),
            (false, true) => self.awake = None,
            _ => {}
        }
    }

    /// At the end of a run the person let finish: starts the notice before sleep or shut
    /// down if they chose one. A run with a cancelled file was stopped by someone present.
    pub(super) fn start_countdown(&mut self, cancelled: usize) {
        if let Some(action) = self.settings.when_done.power()
            && cancelled == 0
        {
            self.countdown = Some(Countdown {
                action,
                deadline: Instant::now() + NOTICE,
            });
        }
    }

    /// The notice before sleep or shut down: the seconds left, Cancel and Now; repainted once
    /// a second, not every frame. At its end, the command runs on a helper thread.
    pub(super) fn countdown_ui(&mut self, ctx: &egui::Context) {
        let Some(countdown) = self.countdown else {
            return;
        };
        let now = Instant::now();
        let left = countdown.seconds_left(now);
        let lang = self.lang();
        let mut go = left == 0;
        let mut cancel = false;
        if !go {
            let modal = egui::Modal::new(egui::Id::unique("power_countdown")).show(ctx, |ui| {
                ui.set_max_width(420.0);
                ui.label(egui::RichText::new(lang.countdown(countdown.action, left)).heading());
                ui.horizontal(|ui| {
                    cancel = ui
                        .button(lang.countdown_cancel(countdown.action))
                        .on_hover_text(lang.countdown_cancel_tip(countdown.action))
                        .clicked();
                    go = ui.button(lang.countdown_now(countdown.action)).clicked();
                });
            });
            cancel |= modal.should_close();
            let to_next_second = countdown
                .deadline
                .saturating_duration_since(now)
                .saturating_sub(Duration::from_secs(left.saturating_sub(1)));
            ctx.request_repaint_after(to_next_second.max(Duration::from_millis(20)));
        }
        if cancel {
            self.countdown = None;
        } else if go {
            self.countdown = None;
            self.act(ctx, countdown.action);
        }
    }

    /// Sleeps or shuts down the computer, from a helper; says so if it could not.
    fn act(&self, ctx: &egui::Context, action: PowerAction) {
        let power = Arc::clone(&self.power);
        self.spawn_helper(ctx, move || {
            power
                .act(action)
                .err()
                .map(|reason| UiMessage::Notice(Notice::PowerFailed { action, reason }))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_countdown_counts_whole_seconds_down_to_zero() {
        let start = Instant::now();
        let countdown = Countdown {
            action: PowerAction::Sleep,
            deadline: start + NOTICE,
        };
        assert_eq!(countdown.seconds_left(start), 60);
        assert_eq!(
            countdown.seconds_left(start + Duration::from_millis(500)),
            60
        );
        assert_eq!(
            countdown.seconds_left(start + Duration::from_millis(59_001)),
            1
        );
        assert_eq!(countdown.seconds_left(start + NOTICE), 0);
        assert_eq!(countdown.seconds_left(start + 2 * NOTICE), 0);
    }

    #[test]
    fn the_platforms_commands() {
        if cfg!(target_os = "linux") {
            assert_eq!(
                PowerAction::Sleep.command(),
                ("systemctl", &["suspend"][..])
            );
            assert_eq!(
                PowerAction::ShutDown.command(),
                ("systemctl", &["poweroff"][..])
            );
            #[cfg(not(windows))]
            {
                let (program, args) = keep_awake_command().unwrap();
                assert_eq!(program, "systemd-inhibit");
                assert!(args.contains(&"--what=sleep:idle") && args.last() == Some(&"cat"));
            }
        }
        assert_eq!(WhenDone::Sleep.power(), Some(PowerAction::Sleep));
        assert_eq!(WhenDone::OpenFolder.power(), None);
        assert!(!WhenDone::Nothing.notifies() && WhenDone::ShutDown.notifies());
    }
}
