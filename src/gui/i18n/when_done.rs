//! The words of "When everything is done" and of the notice before sleep or shut down, one
//! `match` on the language each.

use super::Lang;
use crate::gui::when_done::{PowerAction, WhenDone};

impl Lang {
    /// The label of the setting.
    pub fn when_done_label(self) -> &'static str {
        match self {
            Lang::En => "When everything is done",
            Lang::Zh => "全部完成后",
        }
    }

    /// The setting's tooltip.
    pub fn when_done_tip(self) -> &'static str {
        match self {
            Lang::En => {
                "What happens when every file has ended. Before sleep or shut down you get 60 seconds to cancel; a run you cancelled never ends in either."
            }
            Lang::Zh => {
                "所有文件结束后做什么。睡眠或关机前有 60 秒可以取消；你取消的运行不会导致睡眠或关机。"
            }
        }
    }

    /// A choice of the setting.
    pub fn when_done_option(self, choice: WhenDone) -> &'static str {
        match (self, choice) {
            (Lang::En, WhenDone::Nothing) => "Do nothing",
            (Lang::En, WhenDone::Notify) => "Notify me",
            (Lang::En, WhenDone::OpenFolder) => "Notify me and open the folder",
            (Lang::En, WhenDone::Sleep) => "Put the computer to sleep",
            (Lang::En, WhenDone::ShutDown) => "Shut down the computer",
            (Lang::Zh, WhenDone::Nothing) => "什么也不做",
            (Lang::Zh, WhenDone::Notify) => "通知我",
            (Lang::Zh, WhenDone::OpenFolder) => "通知我并打开文件夹",
            (Lang::Zh, WhenDone::Sleep) => "让电脑睡眠",
            (Lang::Zh, WhenDone::ShutDown) => "关闭电脑",
        }
    }

    /// The notice: `Every download has ended. The computer goes to sleep in 42 seconds.`
    pub fn countdown(self, action: PowerAction, seconds: u64) -> String {
        match (self, action) {
            (Lang::En, PowerAction::Sleep) => format!(
                "Every download has ended. The computer goes to sleep in {seconds} seconds."
            ),
            (Lang::En, PowerAction::ShutDown) => {
                format!("Every download has ended. The computer shuts down in {seconds} seconds.")
            }
            (Lang::Zh, PowerAction::Sleep) => {
                format!("所有下载已结束。电脑将在 {seconds} 秒后睡眠。")
            }
            (Lang::Zh, PowerAction::ShutDown) => {
                format!("所有下载已结束。电脑将在 {seconds} 秒后关机。")
            }
        }
    }

    /// The button that does it at once.
    pub fn countdown_now(self, action: PowerAction) -> &'static str {
        match (self, action) {
            (Lang::En, PowerAction::Sleep) => "Sleep now",
            (Lang::En, PowerAction::ShutDown) => "Shut down now",
            (Lang::Zh, PowerAction::Sleep) => "立即睡眠",
            (Lang::Zh, PowerAction::ShutDown) => "立即关机",
        }
    }

    /// The notice's Cancel.
    pub fn countdown_cancel(self, action: PowerAction) -> &'static str {
        match (self, action) {
            (Lang::En, PowerAction::Sleep) => "Don't sleep",
            (Lang::En, PowerAction::ShutDown) => "Don't shut down",
            (Lang::Zh, PowerAction::Sleep) => "不要睡眠",
            (Lang::Zh, PowerAction::ShutDown) => "不要关机",
        }
    }

    /// Cancel's tooltip in the notice.
    pub fn countdown_cancel_tip(self, action: PowerAction) -> &'static str {
        match (self, action) {
            (Lang::En, PowerAction::Sleep) => "Keep the computer awake",
            (Lang::En, PowerAction::ShutDown) => "Keep the computer on",
            (Lang::Zh, PowerAction::Sleep) => "不让电脑睡眠",
            (Lang::Zh, PowerAction::ShutDown) => "不关闭电脑",
        }
    }

    /// Why the computer did not sleep or shut down, in the system's words.
    pub fn power_failed(self, action: PowerAction, reason: &str) -> String {
        match (self, action) {
            (Lang::En, PowerAction::Sleep) => {
                format!("The computer could not be put to sleep: {reason}")
            }
            (Lang::En, PowerAction::ShutDown) => {
                format!("The computer could not be shut down: {reason}")
            }
            (Lang::Zh, PowerAction::Sleep) => format!("无法让电脑睡眠：{reason}"),
            (Lang::Zh, PowerAction::ShutDown) => format!("无法关闭电脑：{reason}"),
        }
    }
}
