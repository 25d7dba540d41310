//! The sentences of per-file control: a row's actions named for screen readers, its
//! connections and why it stays on one, the web-page warning, the notice of a damaged list,
//! the desktop notification and the title's progress.

use std::path::Path;

use downpour::model::{OneConnection, Protocol, Warning};
use downpour::run::Move;

use super::Lang;
use crate::gui::row_actions::RowAction;

impl Lang {
    /// An action's words and its tooltip.
    pub fn row_action(self, action: RowAction) -> (&'static str, &'static str) {
        let t = self.t();
        match action {
            RowAction::Pause => (t.action_pause, t.action_pause_tip),
            RowAction::Resume => (t.action_resume, t.action_resume_tip),
            RowAction::Cancel => (t.action_cancel, t.action_cancel_tip),
            RowAction::Retry => (t.action_retry, t.action_retry_tip),
            RowAction::ChangeAddress => (t.action_change_address, t.action_change_address_tip),
            RowAction::Remove => (t.action_remove, t.action_remove_tip),
            RowAction::OpenFolder => (t.action_open_folder, t.action_open_folder_tip),
            RowAction::Move(Move::Up) => (t.action_move_up, t.action_move_up_tip),
            RowAction::Move(Move::Down) => (t.action_move_down, t.action_move_down_tip),
            RowAction::Move(Move::Top) => (t.action_move_top, t.action_move_top_tip),
        }
    }

    /// What names a row's action button for screen readers: `Pause row 3`.
    pub fn row_action_label(self, action: RowAction, index: usize) -> String {
        let (words, _) = self.row_action(action);
        match self {
            Lang::En => format!("{words} row {index}"),
            Lang::Zh => format!("{words}第 {index} 行"),
        }
    }

    /// `3 connections`.
    pub fn connections(self, count: usize) -> String {
        match self {
            Lang::En if count == 1 => "1 connection".to_owned(),
            Lang::En => format!("{count} connections"),
            Lang::Zh => format!("{count} 个连接"),
        }
    }

    /// Why a file stays on one connection: `On one connection: the server does not send parts
    /// of files.`
    pub fn one_connection(self, why: OneConnection) -> String {
        let t = self.t();
        let reason = match why {
            OneConnection::Sequential => t.one_sequential,
            OneConnection::SplitOff => t.one_split_off,
            OneConnection::TooSmall => t.one_too_small,
            OneConnection::UnknownSize => t.one_unknown_size,
            OneConnection::NoRanges => t.one_no_ranges,
            OneConnection::NoVersion => t.one_no_version,
        };
        match self {
            Lang::En => format!("On one connection: {reason}."),
            Lang::Zh => format!("只用一个连接：{reason}。"),
        }
    }

    /// The protocol the file came over: `Over HTTP/2.`
    pub fn protocol(self, protocol: Protocol) -> String {
        match self {
            Lang::En => format!("Over {}.", protocol.as_str()),
            Lang::Zh => format!("通过 {} 传输。", protocol.as_str()),
        }
    }

    /// What is odd about a file: `the server sent a web page, not report.pdf — the link may
    /// need a login or may have expired`.
    pub fn warning(self, warning: &Warning) -> String {
        match (self, warning) {
            (Lang::En, _) => warning.to_string(),
            (Lang::Zh, Warning::WebPage { name }) => {
                format!("服务器发来的是网页，而不是 {name} —— 链接可能需要登录，或者已经过期")
            }
        }
    }

    /// The notice of a list file that could not be read and was set aside.
    pub fn list_damaged(self, aside: &Path) -> String {
        match self {
            Lang::En => format!(
                "The saved downloads list could not be read; it was set aside as {}.",
                aside.display()
            ),
            Lang::Zh => format!("无法读取保存的下载列表，已将其另存为 {}。", aside.display()),
        }
    }

    /// The desktop notification at the end of a run: `12 files done, 1 failed`.
    pub fn finished_note(self, done: usize, failed: usize) -> String {
        match self {
            Lang::En => {
                let files = if done == 1 { "file" } else { "files" };
                format!("{done} {files} done, {failed} failed")
            }
            Lang::Zh => format!("{done} 个文件完成，{failed} 个失败"),
        }
    }

    /// The window's title during a run: `Downpour — 42%`.
    pub fn title_progress(self, percent: u32) -> String {
        format!("Downpour — {percent}%")
    }

    /// A row's tooltip line for a file being fetched over several connections.
    pub fn row_connections_tip(self, count: usize) -> String {
        match self {
            Lang::En => format!("Downloading over {}.", self.connections(count)),
            Lang::Zh => format!("正在通过{}下载。", self.connections(count)),
        }
    }
}
