//! Telling the person a run has ended when they are looking elsewhere: a desktop notification
//! (`notify-send` on Linux, `osascript` on macOS, when there; nothing otherwise), the window
//! asking for attention, the folder opened or the notice before sleep or shut down if they
//! chose it (When everything is done, `when_done.rs`), and the progress in the title bar while
//! a run goes.

use super::DownpourApp;

impl DownpourApp {
    /// At the end of a run: the notification and the request for attention when the window
    /// is not focused (unless the person chose nothing), then what they chose for the end.
    pub(super) fn run_finished(&mut self, ctx: &egui::Context) {
        let Some(view) = &self.view else {
            return;
        };
        if self.quit_when_done {
            return;
        }
        let note = self
            .lang()
            .finished_note(view.done + view.skipped, view.failed);
        let when_done = self.settings.when_done;
        let cancelled = view.cancelled;
        if when_done.notifies() && !ctx.input(|i| i.focused) {
            ctx.send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(
                egui::UserAttentionType::Informational,
            ));
            let body = note.clone();
            self.spawn_helper(ctx, move || {
                desktop_notification(&body);
                None
            });
            self.last_notification = Some(note);
        }
        if when_done == super::when_done::WhenDone::OpenFolder {
            self.open_folder(ctx, self.folder());
        }
        self.start_countdown(cancelled);
    }

    /// The window's title: `Downpour — 42%` while a run goes, its name otherwise.
    pub(super) fn window_title(&self) -> String {
        let lang = self.lang();
        match &self.view {
            Some(view) if self.is_running() && view.total > 0 => {
                lang.title_progress(view.percent_by_bytes())
            }
            _ => lang.t().window_title.to_owned(),
        }
    }
}

/// Shows `body` as a desktop notification, if this desktop has a way; fails silently.
fn desktop_notification(body: &str) {
    let mut command = if cfg!(target_os = "macos") {
        let script = format!(
            "display notification \"{}\" with title \"Downpour\"",
            body.replace('"', "'")
        );
        let mut command = std::process::Command::new("osascript");
        command.args(["-e", &script]);
        command
    } else if cfg!(unix) {
        let mut command = std::process::Command::new("notify-send");
        command.args(["--app-name=Downpour", "Downpour", body]);
        command
    } else {
        return;
    };
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // Waited for here, on a helper: no zombie process is left behind.
    if let Ok(mut child) = command.spawn() {
        let _ = child.wait();
    }
}
