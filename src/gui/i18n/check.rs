//! The words of Check links (`downpour::check`) in both languages: the button, the progress,
//! each link's verdict and the line with the total against the free space. The English
//! sentences of the verdicts are the engine's own `Display`, so the two never drift.

use downpour::check::{Finding, LinkCheck, Space, SpaceProblem};
use downpour::format;

use super::Lang;

impl Lang {
    /// The Check links button.
    pub fn check_links(self) -> &'static str {
        match self {
            Lang::En => "Check links",
            Lang::Zh => "检查链接",
        }
    }

    /// Its tooltip.
    pub fn check_links_tip(self) -> &'static str {
        match self {
            Lang::En => {
                "Ask every link for its name and size, and see what Start will do, before \
                 anything is downloaded"
            }
            Lang::Zh => "先询问每个链接的文件名和大小，看看开始后会发生什么，不下载任何内容",
        }
    }

    /// `Checking 3 of 10 links…`.
    pub fn checking_links(self, done: usize, of: usize) -> String {
        match self {
            Lang::En => format!("Checking links: {done} of {of}…"),
            Lang::Zh => format!("正在检查链接：{done} / {of}…"),
        }
    }

    /// A checked link's row: its name, then its size or what is wrong.
    pub fn checked_row(self, link: &LinkCheck, address: &str) -> String {
        let name = link.name.as_deref().unwrap_or(address);
        let said = match &link.verdict {
            None => match (self, link.size) {
                (Lang::En, Some(size)) => format!("{}, ready", format::bytes(size)),
                (Lang::En, None) => "size unknown, ready".to_owned(),
                (Lang::Zh, Some(size)) => format!("{}，可以下载", format::bytes(size)),
                (Lang::Zh, None) => "大小未知，可以下载".to_owned(),
            },
            Some(finding) => self.finding(finding),
        };
        format!("{name} — {said}")
    }

    /// What the check found about a link.
    pub fn finding(self, finding: &Finding) -> String {
        match self {
            Lang::En => finding.to_string(),
            Lang::Zh => zh_finding(finding),
        }
    }

    /// The line under the list: the total the run would download, against the free space.
    pub fn check_total(self, space: &Space) -> String {
        let total = format::bytes(space.total);
        let free = space.free.map(format::bytes);
        match (self, free) {
            (Lang::En, Some(free)) => {
                format!("Total {total}; {free} free on the save folder's disk")
            }
            (Lang::En, None) => format!("Total {total}; the free space of the disk is unknown"),
            (Lang::Zh, Some(free)) => format!("共 {total}；保存文件夹所在磁盘可用 {free}"),
            (Lang::Zh, None) => format!("共 {total}；磁盘可用空间未知"),
        }
    }

    /// The page dialog's summary once sizes are known: `3 of 10 chosen, 12.0 MiB`.
    pub fn page_summary_sized(self, chosen: usize, total: usize, bytes: u64) -> String {
        let size = format::bytes(bytes);
        match self {
            Lang::En => format!("{chosen} of {total} chosen, {size}"),
            Lang::Zh => format!("已选 {chosen} 个，共 {total} 个，{size}"),
        }
    }

    /// The page dialog's button that asks the chosen links for their sizes.
    pub fn check_sizes(self) -> &'static str {
        match self {
            Lang::En => "Check sizes",
            Lang::Zh => "检查大小",
        }
    }

    /// Why the files will not fit.
    pub fn space_problem(self, problem: &SpaceProblem) -> String {
        match (self, problem) {
            (Lang::En, _) => problem.to_string(),
            (Lang::Zh, SpaceProblem::TooBig { need, free }) => format!(
                "这些文件需要 {}，但保存文件夹所在磁盘只剩 {}——请腾出空间或换一个文件夹",
                format::bytes(*need),
                format::bytes(*free)
            ),
        }
    }
}

fn zh_finding(finding: &Finding) -> String {
    match finding {
        Finding::NeedsLogin { host } => format!("需要登录：{host} 要求用户名和密码"),
        Finding::WebPage => "服务器在这里发来的是网页，不是文件".to_owned(),
        Finding::Skipped { name } => format!("文件夹里已有此文件，将跳过（{name}）"),
        Finding::SameName { name, first } => {
            format!("两个链接保存为同一个文件：{name}（第 {first} 个链接也是）")
        }
        Finding::ExpiresBeforeTurn { at } => {
            format!("此链接将在 {} 过期，可能轮不到它下载", format::clock(*at))
        }
        Finding::Expired { at } => format!("此链接已于 {} 过期", format::clock(*at)),
        Finding::Fails(err) => Lang::Zh.download_error(err),
    }
}
