//! The window's words in English and Simplified Chinese (the language of the tutorial that
//! inspired Downpour), chosen from the system language and switchable in the window.

use downpour::{Mode, OutcomeKind};
use serde::{Deserialize, Serialize};

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// The system's language, if it is one we have; English otherwise.
    pub fn from_system() -> Self {
        let locale = sys_locale::get_locale().unwrap_or_default().to_lowercase();
        if locale.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The texts of this language.
    pub fn t(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// `128 URLs ready · 2 lines not understood`.
    pub fn urls_ready(self, ready: usize, bad: usize) -> String {
        match (self, bad) {
            (Lang::En, 0) => format!("{ready} {} ready", plural(ready, "URL", "URLs")),
            (Lang::En, _) => format!(
                "{ready} {} ready · {bad} {} not understood",
                plural(ready, "URL", "URLs"),
                plural(bad, "line", "lines")
            ),
            (Lang::Zh, 0) => format!("{ready} 个链接就绪"),
            (Lang::Zh, _) => format!("{ready} 个链接就绪 · {bad} 行无法识别"),
        }
    }

    /// The heading of the list of rejected lines.
    pub fn lines_not_understood(self, n: usize) -> String {
        match self {
            Lang::En => format!("Lines not understood ({n})"),
            Lang::Zh => format!("无法识别的行（{n}）"),
        }
    }

    /// `line 4: reason`.
    pub fn bad_line(self, line: usize, reason: &str) -> String {
        match self {
            Lang::En => format!("line {line}: {reason}"),
            Lang::Zh => format!("第 {line} 行：{reason}"),
        }
    }

    /// `12/100 files`.
    pub fn files_done(self, done: usize, total: usize) -> String {
        match self {
            Lang::En => format!("{done}/{total} files"),
            Lang::Zh => format!("{done}/{total} 个文件"),
        }
    }

    /// `retrying (2/3) after: reason`.
    pub fn retrying(self, attempt: u32, of: u32, reason: &str) -> String {
        match self {
            Lang::En => downpour::format::retrying(attempt, of, reason),
            Lang::Zh => format!("重试（{attempt}/{of}），原因：{reason}"),
        }
    }

    /// The word for how an item ended: the rows, the results, the progress summary and the
    /// chart legends all say it this way.
    pub fn outcome(self, kind: OutcomeKind) -> &'static str {
        let t = self.t();
        match kind {
            OutcomeKind::Done => t.status_done,
            OutcomeKind::Failed => t.status_failed,
            OutcomeKind::Cancelled => t.status_cancelled,
        }
    }

    /// A mode's label.
    pub fn mode_label(self, mode: Mode) -> &'static str {
        let t = self.t();
        match mode {
            Mode::Sequential => t.mode_sequential,
            Mode::Submit => t.mode_submit,
            Mode::Map => t.mode_map,
        }
    }

    /// A mode's one-line explanation.
    pub fn mode_explain(self, mode: Mode) -> &'static str {
        let t = self.t();
        match mode {
            Mode::Sequential => t.mode_sequential_explain,
            Mode::Submit => t.mode_submit_explain,
            Mode::Map => t.mode_map_explain,
        }
    }

    /// A mode's tooltip: what the person will see.
    pub fn mode_tooltip(self, mode: Mode) -> &'static str {
        let t = self.t();
        match mode {
            Mode::Sequential => t.mode_sequential_tip,
            Mode::Submit => t.mode_submit_tip,
            Mode::Map => t.mode_map_tip,
        }
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Every fixed text of the window.
pub struct Texts {
    pub(crate) tagline: &'static str,
    pub(crate) urls_heading: &'static str,
    pub(crate) urls_hint: &'static str,
    pub(crate) urls_label: &'static str,
    pub(crate) import: &'static str,
    pub(crate) import_tip: &'static str,
    pub(crate) clear: &'static str,
    pub(crate) clear_tip: &'static str,
    pub(crate) save_to: &'static str,
    pub(crate) folder_label: &'static str,
    pub(crate) choose: &'static str,
    pub(crate) choose_tip: &'static str,
    pub(crate) open_folder: &'static str,
    pub(crate) open_folder_tip: &'static str,
    pub(crate) folder_missing: &'static str,
    pub(crate) create_folder: &'static str,
    pub(crate) mode_heading: &'static str,
    pub(crate) mode_sequential: &'static str,
    pub(crate) mode_submit: &'static str,
    pub(crate) mode_map: &'static str,
    pub(crate) mode_sequential_explain: &'static str,
    pub(crate) mode_submit_explain: &'static str,
    pub(crate) mode_map_explain: &'static str,
    pub(crate) mode_sequential_tip: &'static str,
    pub(crate) mode_submit_tip: &'static str,
    pub(crate) mode_map_tip: &'static str,
    pub(crate) workers: &'static str,
    pub(crate) workers_tip: &'static str,
    pub(crate) workers_sequential: &'static str,
    pub(crate) retries: &'static str,
    pub(crate) retries_tip: &'static str,
    pub(crate) checksums: &'static str,
    pub(crate) checksums_tip: &'static str,
    pub(crate) start: &'static str,
    pub(crate) start_tip: &'static str,
    pub(crate) cancel: &'static str,
    pub(crate) cancel_tip: &'static str,
    pub(crate) cancelling: &'static str,
    pub(crate) retry_failed: &'static str,
    pub(crate) retry_failed_tip: &'static str,
    pub(crate) nothing_to_do: &'static str,
    pub(crate) running: &'static str,
    pub(crate) tab_downloads: &'static str,
    pub(crate) tab_results: &'static str,
    pub(crate) tab_charts: &'static str,
    pub(crate) col_index: &'static str,
    pub(crate) col_name: &'static str,
    pub(crate) col_status: &'static str,
    pub(crate) col_size: &'static str,
    pub(crate) col_progress: &'static str,
    pub(crate) col_time: &'static str,
    pub(crate) col_worker: &'static str,
    pub(crate) status_queued: &'static str,
    pub(crate) status_downloading: &'static str,
    pub(crate) status_waiting: &'static str,
    pub(crate) status_done: &'static str,
    pub(crate) status_failed: &'static str,
    pub(crate) status_cancelled: &'static str,
    pub(crate) row_tip: &'static str,
    pub(crate) no_run_yet: &'static str,
    pub(crate) results_intro: &'static str,
    pub(crate) total_time: &'static str,
    pub(crate) elapsed: &'static str,
    pub(crate) eta: &'static str,
    pub(crate) language: &'static str,
    pub(crate) language_tip: &'static str,
    pub(crate) close_title: &'static str,
    pub(crate) close_body: &'static str,
    pub(crate) close_cancel_and_quit: &'static str,
    pub(crate) close_keep: &'static str,
    pub(crate) drop_hint: &'static str,
    pub(crate) dialog_unavailable: &'static str,
}

const EN: Texts = Texts {
    tagline: "download a list of links, and see what concurrency does",
    urls_heading: "Links to download",
    urls_hint: "Paste links here, one per line (or drop a .txt file on the window)",
    urls_label: "Links",
    import: "Import list…",
    import_tip: "Add the links from a .txt or .csv file",
    clear: "Clear",
    clear_tip: "Empty the links box",
    save_to: "Save to",
    folder_label: "Save folder",
    choose: "Choose…",
    choose_tip: "Pick the folder with your system's folder dialog (or type or paste a path in the field)",
    open_folder: "Open folder",
    open_folder_tip: "Show the save folder in your file manager",
    folder_missing: "This folder does not exist yet.",
    create_folder: "Create it",
    mode_heading: "How to download",
    mode_sequential: "Sequential",
    mode_submit: "Threaded (as completed)",
    mode_map: "Threaded (in order)",
    mode_sequential_explain: "One file at a time, in list order.",
    mode_submit_explain: "Several at once; each result shows the moment it finishes.",
    mode_map_explain: "Several at once; results show in list order.",
    mode_sequential_tip: "You will see one download at a time and results 1, 2, 3… — the slowest way, to compare against.",
    mode_submit_tip: "You will see many downloads at once and results in the order they finish, e.g. 4, 3, 2, 5, 1.",
    mode_map_tip: "You will see many downloads at once, but results 1, 2, 3… in list order: a fast file waits for the slower ones before it.",
    workers: "Workers",
    workers_tip: "How many files download at the same time (1–64)",
    workers_sequential: "Sequential mode always uses one worker.",
    retries: "Retries",
    retries_tip: "How many times a download that failed because of the network or a busy server is tried again",
    checksums: "Compute SHA-256 checksums",
    checksums_tip: "Computes each file's SHA-256 fingerprint, shown when you point at a finished file and in the exports. Switch it off to save CPU time on big files; links that come with sha256: are always checked",
    start: "Start",
    start_tip: "Start downloading (Ctrl+Enter)",
    cancel: "Cancel",
    cancel_tip: "Stop every download. Finished files are kept; a large unfinished file continues where it stopped when you start the same links again",
    cancelling: "Cancelling…",
    retry_failed: "Retry failed",
    retry_failed_tip: "Download again only the files that failed",
    nothing_to_do: "Paste at least one http:// or https:// link to start.",
    running: "A download is running.",
    tab_downloads: "Downloads",
    tab_results: "Results",
    tab_charts: "Charts",
    col_index: "#",
    col_name: "File",
    col_status: "Status",
    col_size: "Size",
    col_progress: "Progress",
    col_time: "Time",
    col_worker: "Worker",
    status_queued: "queued",
    status_downloading: "downloading",
    status_waiting: "done, waiting for earlier files",
    status_done: "done",
    status_failed: "failed",
    status_cancelled: "cancelled",
    row_tip: "Double-click a finished file to open its folder",
    no_run_yet: "Nothing downloaded yet: paste links on the left and press Start.",
    results_intro: "Results in the order the mode reported them:",
    total_time: "total time",
    elapsed: "elapsed",
    eta: "left",
    language: "Language",
    language_tip: "The language of the window; it starts as your system's",
    close_title: "Quit Downpour?",
    close_body: "Downloads are still running. Quitting cancels them: finished files are kept, and large unfinished ones continue where they stopped the next time you start the same links.",
    close_cancel_and_quit: "Cancel downloads and quit",
    close_keep: "Keep downloading",
    drop_hint: "Drop to add the links",
    dialog_unavailable: "The folder dialog is not available on this desktop: type or paste the folder's path in the field instead.",
};

const ZH: Texts = Texts {
    tagline: "批量下载链接，看清并发带来的差别",
    urls_heading: "要下载的链接",
    urls_hint: "在这里粘贴链接，每行一个（也可以把 .txt 文件拖到窗口上）",
    urls_label: "链接",
    import: "导入列表…",
    import_tip: "从 .txt 或 .csv 文件添加链接",
    clear: "清空",
    clear_tip: "清空链接框",
    save_to: "保存到",
    folder_label: "保存文件夹",
    choose: "选择…",
    choose_tip: "用系统的文件夹对话框选择（也可以在输入框中输入或粘贴路径）",
    open_folder: "打开文件夹",
    open_folder_tip: "在文件管理器中显示保存文件夹",
    folder_missing: "这个文件夹还不存在。",
    create_folder: "创建",
    mode_heading: "下载方式",
    mode_sequential: "顺序下载",
    mode_submit: "多线程（按完成顺序）",
    mode_map: "多线程（按列表顺序）",
    mode_sequential_explain: "一次下载一个文件，按列表顺序。",
    mode_submit_explain: "同时下载多个；每个完成后立即显示结果。",
    mode_map_explain: "同时下载多个；结果按列表顺序显示。",
    mode_sequential_tip: "一次只下载一个，结果为 1、2、3…——最慢的方式，用来对比。",
    mode_submit_tip: "同时下载多个，结果按完成顺序出现，例如 4、3、2、5、1。",
    mode_map_tip: "同时下载多个，但结果按 1、2、3… 的列表顺序出现：快的文件要等前面慢的文件。",
    workers: "线程数",
    workers_tip: "同时下载的文件数（1–64）",
    workers_sequential: "顺序模式总是只用一个线程。",
    retries: "重试次数",
    retries_tip: "因网络或服务器繁忙而失败的下载会再试几次",
    checksums: "计算 SHA-256 校验和",
    checksums_tip: "计算每个文件的 SHA-256 指纹，鼠标指向已完成的文件时和导出文件中可见。关闭可为大文件节省 CPU 时间；带 sha256: 的链接始终会校验",
    start: "开始",
    start_tip: "开始下载（Ctrl+Enter）",
    cancel: "取消",
    cancel_tip: "停止所有下载。已完成的文件保留；较大的未完成文件会在再次开始相同链接时接着下载",
    cancelling: "正在取消…",
    retry_failed: "重试失败项",
    retry_failed_tip: "只重新下载失败的文件",
    nothing_to_do: "请至少粘贴一个 http:// 或 https:// 链接。",
    running: "正在下载。",
    tab_downloads: "下载",
    tab_results: "结果",
    tab_charts: "图表",
    col_index: "#",
    col_name: "文件",
    col_status: "状态",
    col_size: "大小",
    col_progress: "进度",
    col_time: "用时",
    col_worker: "线程",
    status_queued: "排队中",
    status_downloading: "下载中",
    status_waiting: "已完成，等待前面的文件",
    status_done: "完成",
    status_failed: "失败",
    status_cancelled: "已取消",
    row_tip: "双击已完成的文件可打开所在文件夹",
    no_run_yet: "还没有下载：在左侧粘贴链接，然后按“开始”。",
    results_intro: "按该方式报告的顺序列出的结果：",
    total_time: "下载耗时",
    elapsed: "已用",
    eta: "剩余",
    language: "语言",
    language_tip: "窗口的语言；默认跟随系统",
    close_title: "退出 Downpour？",
    close_body: "仍有下载在进行。退出会取消它们：已完成的文件保留，较大的未完成文件会在下次开始相同链接时接着下载。",
    close_cancel_and_quit: "取消下载并退出",
    close_keep: "继续下载",
    drop_hint: "松开以添加链接",
    dialog_unavailable: "此桌面没有文件夹对话框：请在输入框中输入或粘贴文件夹路径。",
};
