//! The window's sentences with numbers or names in them, one `match` on the language each.

use downpour::format;

use super::Lang;

impl Lang {
    /// `photos.example.org asks for a user name and password ("Family album")`.
    pub fn login_question(self, site: &str, realm: &str) -> String {
        match (self, realm.is_empty()) {
            (Lang::En, true) => format!("{site} asks for a user name and password"),
            (Lang::En, false) => {
                format!("{site} asks for a user name and password (\"{realm}\")")
            }
            (Lang::Zh, true) => format!("{site} 需要用户名和密码"),
            (Lang::Zh, false) => format!("{site} 需要用户名和密码（“{realm}”）"),
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

    /// `3 links were taken from inside text · 5 lines without links were passed over`, or
    /// `None` when the list is plain links.
    pub fn links_from_text(self, taken: usize, passed_over: usize) -> Option<String> {
        let taken = (taken > 0).then(|| match self {
            Lang::En => format!(
                "{taken} {} taken from inside text",
                plural(taken, "link was", "links were")
            ),
            Lang::Zh => format!("{taken} 个链接取自文字之中"),
        });
        let passed = (passed_over > 0).then(|| match self {
            Lang::En if passed_over == 1 => "1 line without a link was passed over".to_owned(),
            Lang::En => format!("{passed_over} lines without links were passed over"),
            Lang::Zh => format!("{passed_over} 行没有链接，已略过"),
        });
        match (taken, passed) {
            (Some(a), Some(b)) => Some(format!("{a} · {b}")),
            (a, b) => a.or(b),
        }
    }

    /// The button that continues a list: `Continue 7 unfinished files`.
    pub fn continue_unfinished(self, n: usize) -> String {
        match self {
            Lang::En => format!("Continue {n} unfinished {}", plural(n, "file", "files")),
            Lang::Zh => format!("继续下载 {n} 个未完成的文件"),
        }
    }

    /// A type chip of From a web page…: `Images`.
    pub fn file_type(self, kind: downpour::page::FileType) -> &'static str {
        use downpour::page::FileType;
        match (self, kind) {
            (Lang::En, FileType::Archives) => "Archives",
            (Lang::En, FileType::Documents) => "Documents",
            (Lang::En, FileType::Images) => "Images",
            (Lang::En, FileType::Audio) => "Audio",
            (Lang::En, FileType::Video) => "Video",
            (Lang::En, FileType::Software) => "Software",
            (Lang::Zh, FileType::Archives) => "压缩包",
            (Lang::Zh, FileType::Documents) => "文档",
            (Lang::Zh, FileType::Images) => "图片",
            (Lang::Zh, FileType::Audio) => "音频",
            (Lang::Zh, FileType::Video) => "视频",
            (Lang::Zh, FileType::Software) => "软件",
        }
    }

    /// How many of a page's links are ticked: `12 of 40 chosen`.
    pub fn page_summary(self, chosen: usize, total: usize) -> String {
        match self {
            Lang::En => format!("{chosen} of {total} chosen"),
            Lang::Zh => format!("已选 {chosen} 个，共 {total} 个"),
        }
    }

    /// The button that puts the ticked links into the links box: `Add 12 files`.
    pub fn page_add(self, n: usize) -> String {
        match self {
            Lang::En => format!("Add {n} {}", plural(n, "file", "files")),
            Lang::Zh => format!("添加 {n} 个文件"),
        }
    }

    /// The button that downloads again every file that failed or was cancelled:
    /// `Retry 3 not downloaded`.
    pub fn retry_not_downloaded(self, n: usize) -> String {
        match self {
            Lang::En => format!("Retry {n} not downloaded"),
            Lang::Zh => format!("重试 {n} 个未下载的文件"),
        }
    }

    /// `3 duplicates`: links that repeat an earlier one.
    pub fn duplicates(self, n: usize) -> String {
        match self {
            Lang::En => format!("{n} {}", plural(n, "duplicate", "duplicates")),
            Lang::Zh => format!("{n} 个重复链接"),
        }
    }

    /// The button that removes the lines whose links all repeat earlier ones.
    pub fn drop_duplicates(self) -> &'static str {
        match self {
            Lang::En => "Drop duplicates",
            Lang::Zh => "删除重复链接",
        }
    }

    /// The hover text of [`Lang::drop_duplicates`].
    pub fn drop_duplicates_tip(self) -> &'static str {
        match self {
            Lang::En => "Removes the lines whose links are all already in the list above them.",
            Lang::Zh => "删除那些链接都已在上方出现过的行。",
        }
    }

    /// The links past the cap of one list: `Only the first 100000 links are taken; 2500 more
    /// were left out.`
    pub fn links_left_out(self, taken: usize, left_out: usize) -> String {
        match self {
            Lang::En => format!(
                "Only the first {taken} links are taken; {left_out} more {} left out.",
                plural(left_out, "was", "were")
            ),
            Lang::Zh => format!("只取前 {taken} 个链接，其余 {left_out} 个没有加入。"),
        }
    }

    /// What a line of numbered ranges becomes: `photo[001-120].jpg → 120 links: photo001.jpg
    /// … photo120.jpg`.
    pub fn ranged(self, ranged: &downpour::urls::RangedLine) -> String {
        match self {
            Lang::En => ranged.to_string(),
            Lang::Zh if ranged.first == ranged.last => {
                format!(
                    "{} → {} 个链接：{}",
                    ranged.pattern, ranged.count, ranged.first
                )
            }
            Lang::Zh => format!(
                "{} → {} 个链接：{} … {}",
                ranged.pattern, ranged.count, ranged.first, ranged.last
            ),
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

    /// A row's status followed by its note: `failed: the server answered 404 Not Found`.
    pub fn status_with_note(self, status: &str, note: &str) -> String {
        match self {
            Lang::En => format!("{status}: {note}"),
            Lang::Zh => format!("{status}：{note}"),
        }
    }

    /// What names a row of the downloads list for screen readers: `Row 3: photo.jpg`.
    pub fn row_name(self, index: usize, name: &str) -> String {
        match self {
            Lang::En => format!("Row {index}: {name}"),
            Lang::Zh => format!("第 {index} 行：{name}"),
        }
    }

    /// What names a row's progress bar for screen readers: `Progress of photo.jpg`.
    pub fn progress_of(self, name: &str) -> String {
        match self {
            Lang::En => format!("Progress of {name}"),
            Lang::Zh => format!("{name} 的进度"),
        }
    }

    /// A file coming in: `12.4 MB of 200 MB`.
    pub fn bytes_of(self, bytes: u64, total: u64) -> String {
        let (bytes, total) = (format::bytes(bytes), format::bytes(total));
        match self {
            Lang::En => format!("{bytes} of {total}"),
            Lang::Zh => format!("{bytes} / {total}"),
        }
    }

    /// How long a file still needs: `1 min 05 s left`.
    pub fn time_left(self, secs: u64) -> String {
        match self {
            Lang::En => format!("{} left", format::eta(secs)),
            Lang::Zh => format!("剩余 {}", format::eta(secs)),
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
            Lang::En => format::retrying(attempt, of, reason),
            Lang::Zh => format!("重试（{attempt}/{of}），原因：{reason}"),
        }
    }

    /// The retry notice while the wait the server asked for runs: `retrying (1/3) in 42 s, as
    /// the server asks, after: …`.
    pub fn retrying_in(self, attempt: u32, of: u32, secs: u64, reason: &str) -> String {
        match self {
            Lang::En => format::retrying_in(attempt, of, secs, reason),
            Lang::Zh => {
                format!("{secs} 秒后重试（{attempt}/{of}，服务器要求等待），原因：{reason}")
            }
        }
    }

    /// The run's total time under the results: `total time: 1.234 s`.
    pub fn total_time(self, ms: u64) -> String {
        let (label, secs) = (self.t().total_time, format::seconds(ms));
        match self {
            Lang::En => format!("{label}: {secs}"),
            Lang::Zh => format!("{label}：{secs}"),
        }
    }

    /// The timeline's line at the end of the run: `total 1.90 s`.
    pub fn total_line(self, secs: f64) -> String {
        match self {
            Lang::En => format!("total {secs:.2} s"),
            Lang::Zh => format!("总计 {secs:.2} s"),
        }
    }

    /// A timeline bar's tooltip: `#3 photo.jpg (done)`, the address, then the size and times.
    pub fn bar_tooltip(self, item: &BarItem<'_>) -> String {
        let BarItem {
            index,
            name,
            outcome,
            url,
            bytes,
            start,
            end,
        } = *item;
        let size = format::bytes(bytes);
        match self {
            Lang::En => format!(
                "#{index} {name} ({outcome})\n{url}\n{size} · start {start:.2} s · end {end:.2} s"
            ),
            Lang::Zh => format!(
                "#{index} {name}（{outcome}）\n{url}\n{size} · 开始 {start:.2} s · 结束 {end:.2} s"
            ),
        }
    }

    /// A running download's tooltip in the timeline: `#3 photo.jpg (downloading)`.
    pub fn running_tooltip(self, index: usize, name: &str) -> String {
        let downloading = self.t().status_downloading;
        match self {
            Lang::En => format!("#{index} {name} ({downloading})"),
            Lang::Zh => format!("#{index} {name}（{downloading}）"),
        }
    }

    /// A run named as the window names its mode: `Threaded (in order), 8 at once`; a
    /// one-at-a-time run is its mode alone.
    pub fn run_name(self, mode: downpour::Mode, workers: usize) -> String {
        let label = self.mode_label(mode);
        if !mode.parallel() {
            return label.to_owned();
        }
        match self {
            Lang::En => format!("{label}, {workers} at once"),
            Lang::Zh => format!("{label}，同时 {workers} 个"),
        }
    }

    /// A run's name under its bar in the comparison, on short lines: its mode, how many at
    /// once, and whether it was cancelled.
    pub fn run_tick(self, run: &downpour::stats::RunSummary) -> String {
        let mut tick = self.mode_label(run.mode).to_owned();
        if run.mode.parallel() {
            tick.push('\n');
            tick.push_str(&match self {
                Lang::En => format!("{} at once", run.workers),
                Lang::Zh => format!("同时 {} 个", run.workers),
            });
        }
        if run.was_cancelled() {
            tick.push('\n');
            tick.push_str(self.t().run_cancelled);
        }
        tick
    }

    /// A run's tooltip in the comparison: `Threaded (in order), 8 at once · 100 files · 1.234
    /// s · 4.0× as fast as one at a time`; a cancelled run says how many were cancelled
    /// instead of a speed.
    pub fn run_tooltip(self, run: &downpour::stats::RunSummary, speedup: Option<f64>) -> String {
        let name = self.run_name(run.mode, run.workers);
        let (files, secs) = (run.files, format::seconds(run.elapsed_ms));
        let mut text = match self {
            Lang::En => format!("{name} · {files} files · {secs}"),
            Lang::Zh => format!("{name} · {files} 个文件 · {secs}"),
        };
        let cancelled = run.cancelled;
        if run.was_cancelled() {
            text.push_str(&match self {
                Lang::En => format!(
                    "\ncancelled: {cancelled} of {files} not downloaded, so its time is not its speed"
                ),
                Lang::Zh => format!("\n已取消：{files} 个中有 {cancelled} 个未下载，耗时不代表速度"),
            });
        } else if let Some(speedup) = speedup {
            text.push_str(&match self {
                Lang::En => format!(" · {speedup:.1}× as fast as one at a time"),
                Lang::Zh => format!(" · 是一次下载一个的 {speedup:.1} 倍速度"),
            });
        }
        text
    }
}

/// What a timeline bar's tooltip names.
#[derive(Debug, Clone, Copy)]
pub struct BarItem<'a> {
    /// The item's index.
    pub index: usize,
    /// Its file name.
    pub name: &'a str,
    /// How it ended, in words.
    pub outcome: &'a str,
    /// Its address.
    pub url: &'a str,
    /// Bytes written.
    pub bytes: u64,
    /// When a worker took it, in seconds since the start.
    pub start: f64,
    /// When it ended.
    pub end: f64,
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}
