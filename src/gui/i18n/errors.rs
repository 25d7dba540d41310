//! What went wrong, in the person's language. The engine's errors carry their data and have
//! English `Display` sentences; the window shows those sentences in English, so the two never
//! drift, and builds its Chinese ones here from the same data. Every `match` on an engine error
//! names each variant (no `_` arm), so a new error does not compile until it is translated.
//! The exports keep the engine's English sentences: they are data.

use std::borrow::Cow;

use downpour::error::{ListError, TlsProblem};
use downpour::net::access::AccessError;
use downpour::{DownloadError, LineError, format};

use super::Lang;
use crate::gui::model::RowNote;
use crate::gui::tasks::{FolderProblem, IoProblem, Notice};

impl Lang {
    /// Why a download failed, as one sentence.
    pub fn download_error(self, err: &DownloadError) -> String {
        match self {
            Lang::En => err.to_string(),
            Lang::Zh => zh_download_error(err),
        }
    }

    /// Why a line of the links box is not a link.
    pub fn line_error(self, err: &LineError) -> String {
        match self {
            Lang::En => err.to_string(),
            Lang::Zh => zh_line_error(err),
        }
    }

    /// Why a list file was not read, in this language.
    pub fn list_error(self, err: &ListError) -> String {
        match self {
            Lang::En => err.to_string(),
            Lang::Zh => zh_list_error(err),
        }
    }

    /// A row's note after its status: the error, or the retry under way and its reason.
    pub fn row_note(self, note: &RowNote) -> String {
        match note {
            RowNote::Retrying {
                attempt,
                of,
                reason,
                until,
            } => {
                let left = until.map(|at| at.saturating_duration_since(std::time::Instant::now()));
                match left.filter(|left| !left.is_zero()) {
                    Some(left) => self.retrying_in(
                        *attempt,
                        *of,
                        left.as_secs_f64().ceil() as u64,
                        &self.download_error(reason),
                    ),
                    None => self.retrying(*attempt, *of, &self.download_error(reason)),
                }
            }
            RowNote::ServerLimit { connections } => match self {
                Lang::En => downpour::format::server_allows(*connections),
                Lang::Zh => format!("服务器一次只允许 {connections} 个连接"),
            },
            RowNote::Failed(err) => self.download_error(err),
            RowNote::Restored { en, zh } => match self {
                Lang::En => en.clone(),
                Lang::Zh => zh.clone(),
            },
        }
    }

    /// A file-system problem as the second half of a sentence: `permission denied`.
    pub fn io_problem(self, problem: &IoProblem) -> Cow<'static, str> {
        match self {
            Lang::En => Cow::Owned(problem.english.clone()),
            Lang::Zh => zh_io_problem(problem),
        }
    }

    /// What is wrong with the save folder (a missing one is said beside its Create button).
    pub fn folder_problem(self, problem: &FolderProblem) -> String {
        let t = self.t();
        match (self, problem) {
            (_, FolderProblem::NotChosen) => t.folder_not_chosen.to_owned(),
            (_, FolderProblem::Missing(path)) => format!("{} {}", path.display(), t.folder_missing),
            (Lang::En, FolderProblem::NotAFolder(path)) => {
                format!("{} is a file, not a folder.", path.display())
            }
            (Lang::Zh, FolderProblem::NotAFolder(path)) => {
                format!("{} 是一个文件，不是文件夹。", path.display())
            }
            (Lang::En, FolderProblem::Unusable { folder, problem }) => format!(
                "Cannot save into {}: {}.",
                folder.display(),
                self.io_problem(problem)
            ),
            (Lang::Zh, FolderProblem::Unusable { folder, problem }) => format!(
                "无法保存到 {}：{}。",
                folder.display(),
                self.io_problem(problem)
            ),
        }
    }

    /// A one-line message from a helper: a file saved, a file not read.
    pub fn notice(self, notice: &Notice) -> String {
        let t = self.t();
        match (self, notice) {
            (_, Notice::ListDamaged(aside)) => self.list_damaged(aside),
            (_, Notice::NoNewLinks) => t.no_new_links.to_owned(),
            (_, Notice::NoFileDialog) => t.no_file_dialog.to_owned(),
            (_, Notice::NotEncoded) => t.could_not_encode.to_owned(),
            (Lang::En, Notice::FolderCreated(path)) => format!(
                "The folder {} did not exist: Downpour created it for your files.",
                path.display()
            ),
            (Lang::Zh, Notice::FolderCreated(path)) => {
                format!(
                    "文件夹 {} 原本不存在：Downpour 已为您的文件新建了它。",
                    path.display()
                )
            }
            (_, Notice::PowerFailed { action, reason }) => self.power_failed(*action, reason),
            (Lang::En, Notice::Saved(path)) => format!("Saved {}", path.display()),
            (Lang::Zh, Notice::Saved(path)) => format!("已保存 {}", path.display()),
            (Lang::En, Notice::NotSaved { folder, problem }) => format!(
                "Could not save in {}: {}.",
                folder.display(),
                self.io_problem(problem)
            ),
            (Lang::Zh, Notice::NotSaved { folder, problem }) => format!(
                "无法保存到 {}：{}。",
                folder.display(),
                self.io_problem(problem)
            ),
            (Lang::En, Notice::DataFolderUnwritable { folder, problem }) => format!(
                "Downpour cannot write its data folder {} ({}): downloads work, but an \
                 unfinished file will start over after a restart, and files downloaded before \
                 are not recognised.",
                folder.display(),
                self.io_problem(problem)
            ),
            (Lang::Zh, Notice::DataFolderUnwritable { folder, problem }) => format!(
                "Downpour 无法写入它的数据文件夹 {}（{}）：仍可下载，但未完成的文件在重启后会重新开始，\
                 也认不出以前下载过的文件。",
                folder.display(),
                self.io_problem(problem)
            ),
            (_, Notice::BrowsersSetUp(browsers)) if browsers.is_empty() => {
                t.no_browser_found.to_owned()
            }
            (Lang::En, Notice::BrowsersSetUp(browsers)) => format!(
                "These browsers can now send links to Downpour: {}. Load the extension from the \
                 browser folder (see the README).",
                browsers.join(", ")
            ),
            (Lang::Zh, Notice::BrowsersSetUp(browsers)) => format!(
                "这些浏览器现在可以把链接发送到 Downpour：{}。请从 browser 文件夹加载扩展程序（见 README）。",
                browsers.join("、")
            ),
            (Lang::En, Notice::BrowserNotSetUp { browser, problem }) => format!(
                "{browser} could not be set up to send links: {}.",
                self.io_problem(problem)
            ),
            (Lang::Zh, Notice::BrowserNotSetUp { browser, problem }) => {
                format!("无法让 {browser} 发送链接：{}。", self.io_problem(problem))
            }
            (_, Notice::List(err)) => format!("{}{}", self.list_error(err), t.full_stop),
        }
    }
}

fn zh_download_error(err: &DownloadError) -> String {
    match err {
        DownloadError::Status { code, reason } => match zh_status(*code) {
            Some(meaning) => format!("服务器返回 {code}（{meaning}）"),
            None => format!("服务器返回 {code} {reason}"),
        },
        DownloadError::UnknownHost { host } => {
            format!("找不到服务器 {host}——请检查地址和网络连接")
        }
        DownloadError::Connect { host, reason } => {
            format!("无法连接到 {host}：{}", zh_phrase(reason))
        }
        DownloadError::ProxyUnreachable { .. }
        | DownloadError::ProxyLogin { .. }
        | DownloadError::ProxyNoRoute { .. }
        | DownloadError::NotAProxy { .. } => zh_proxy_error(err),
        DownloadError::Tls { host, problem } => format!(
            "无法验证与 {host} 的安全连接（{}），没有下载任何内容",
            zh_tls_problem(*problem)
        ),
        DownloadError::NoTls { reason } => format!("这台电脑无法建立安全连接（{reason}）"),
        DownloadError::NoAnswer { secs } => format!("服务器在 {secs} 秒内没有应答"),
        DownloadError::Stalled { secs } => {
            format!("{secs} 秒没有收到数据——服务器停止了发送")
        }
        DownloadError::TooSlow { bytes, secs } => {
            format!("服务器几乎没有发送数据（最近 {secs} 秒只收到 {bytes} B）")
        }
        DownloadError::Truncated { got, expected } => match expected {
            Some(total) => format!(
                "连接在收到 {} / {} 后断开",
                format::bytes(*got),
                format::bytes(*total)
            ),
            None => format!("连接在收到 {} 后断开，文件还不完整", format::bytes(*got)),
        },
        DownloadError::TooManyRedirects { max } => {
            format!("服务器重定向超过 {max} 次（可能是重定向循环）")
        }
        DownloadError::BadRedirect { target } => {
            format!("服务器重定向到一个无法下载的地址（{target}）")
        }
        DownloadError::InsecureRedirect { target } => {
            format!("服务器从安全的 https:// 地址重定向到不安全的地址（{target}），没有跟随")
        }
        DownloadError::MalformedAnswer => "服务器的应答格式有误".to_owned(),
        DownloadError::ClosedWithoutAnswer => "服务器没有应答就关闭了连接".to_owned(),
        DownloadError::NoResume => "服务器无法接着下载未完成的文件".to_owned(),
        DownloadError::NotSameFile => {
            "新地址提供的是另一个文件（大小或版本不同）；已下载的部分仍保留——“重试”会从新地址从头重新下载"
                .to_owned()
        }
        DownloadError::UnexpectedRange => "服务器发送了文件中不对应的部分".to_owned(),
        DownloadError::ServerAsksWait { secs } => {
            let minutes = secs.div_ceil(60).max(1);
            if minutes < 120 {
                format!("服务器要求等待 {minutes} 分钟；请稍后再试")
            } else {
                format!("服务器要求等待 {} 小时；请稍后再试", minutes.div_ceil(60))
            }
        }
        DownloadError::FileChanged => "下载期间服务器上的文件变了，正在重新下载".to_owned(),
        DownloadError::Write { path, reason } => {
            format!("无法写入 {}：{}", path.display(), zh_phrase(reason))
        }
        DownloadError::DiskFull => "磁盘已满——请释放一些空间后重试".to_owned(),
        DownloadError::ChecksumMismatch { expected, actual } => {
            format!("校验和不符：应为 {expected}，实际为 {actual}")
        }
        DownloadError::WebPage { name } => {
            format!("服务器发来的是网页而不是 {name}——可能需要登录，或者链接已过期")
        }
        DownloadError::Compressed { encoding } => format!(
            "服务器发来的是压缩过的文件（{encoding}），尽管已要求不压缩；它不是原文件，所以没有保存"
        ),
        DownloadError::Startup { reason } => format!("下载无法开始：{reason}"),
        DownloadError::Access(access) => zh_access_error(access),
        DownloadError::Stopped => "下载意外中止".to_owned(),
        DownloadError::OtherDownpour | DownloadError::NameTaken { .. } => zh_someone_elses(err),
        DownloadError::Network(text) => format!("下载失败：{text}"),
    }
}

/// Why a file that is someone else's was left alone, in Chinese (the other errors: see
/// [`zh_download_error`]).
fn zh_someone_elses(err: &DownloadError) -> String {
    match err {
        DownloadError::NameTaken { name } => {
            format!(
                "已有同名文件（{name}），已保留，此链接没有下载——如也要下载，请选择“两个都保留”"
            )
        }
        _ => "另一个 Downpour 正在下载这个文件".to_owned(),
    }
}

/// Why the proxy failed, in Chinese (the other errors: see [`zh_download_error`]).
fn zh_proxy_error(err: &DownloadError) -> String {
    match err {
        DownloadError::ProxyUnreachable { proxy, reason } => {
            format!("无法连接到代理 {proxy}：{}", zh_phrase(reason))
        }
        DownloadError::ProxyLogin { proxy } => {
            format!("代理 {proxy} 要求用户名和密码，或拒绝了所给的用户名和密码")
        }
        DownloadError::ProxyNoRoute { proxy, host } => {
            format!("代理 {proxy} 无法或不愿连接到 {host}")
        }
        DownloadError::NotAProxy { proxy } => {
            format!("{proxy} 的应答不像代理——请检查代理的地址和类型")
        }
        other => other.to_string(),
    }
}

/// Why a proxy, header, cookies file or login cannot be used, in Chinese.
fn zh_access_error(err: &AccessError) -> String {
    match err {
        AccessError::BadProxy => {
            "代理必须是地址，例如 http://主机:端口 或 socks5h://主机:端口".to_owned()
        }
        AccessError::ProxyScheme { scheme } => format!(
            "代理地址以 http://、https://、socks5:// 或 socks5h:// 开头，不能是 {scheme}://"
        ),
        AccessError::BadBypass => "不走代理的主机必须写在一行，用逗号分隔".to_owned(),
        AccessError::HeaderFormat => "请求头的写法是 名称: 值".to_owned(),
        AccessError::HeaderName { name } => format!("“{name}”不能作为请求头的名称"),
        AccessError::HeaderReserved { name } => format!("请求头 {name} 由 Downpour 自己设置"),
        AccessError::HeaderLineBreak { name } => format!("请求头 {name} 的值含有换行，不允许"),
        AccessError::HeaderValue { name } => format!("请求头 {name} 的值含有控制字符，不允许"),
        AccessError::BadReferer => "Referer 必须是 http:// 或 https:// 地址".to_owned(),
        AccessError::BadUserAgent => "User-Agent 必须是一行文字".to_owned(),
        AccessError::BadLogin => "登录信息的写法是 用户名 或 用户名:密码".to_owned(),
        AccessError::NoPassword => {
            "请用 --user 用户名:密码 给出密码（没有可以询问的终端）".to_owned()
        }
        AccessError::CookiesUnreadable { name, reason } => {
            format!("无法读取 Cookie 文件 {name}：{}", zh_phrase(reason))
        }
        AccessError::NotCookies { name, line } => {
            format!("{name} 不是 Cookie 文件（第 {line} 行不是浏览器扩展导出的 cookies.txt 格式）")
        }
        AccessError::NetrcUnreadable { name, reason } => {
            format!("无法读取登录文件 {name}：{}", zh_phrase(reason))
        }
    }
}

fn zh_line_error(err: &LineError) -> String {
    match err {
        LineError::UnsupportedScheme { scheme } => {
            format!("只能下载 http:// 和 https:// 链接，不能下载 {scheme}:")
        }
        LineError::Malformed { reason } => format!("这不是网址（{}）", zh_phrase(reason)),
        LineError::TooLong { bytes } => {
            format!(
                "这个地址太长了（{}）；网址最长 64 KiB",
                format::bytes(*bytes)
            )
        }
        LineError::TooManyLinks { count } => {
            let most = downpour::ranges::MAX_PER_LINE;
            if *count == u64::MAX {
                format!("这一行会生成无数链接，一行最多只能生成 {most} 个")
            } else {
                format!("这一行会生成 {count} 个链接，一行最多只能生成 {most} 个")
            }
        }
        LineError::BadRange { range } => format!(
            "范围 {range} 无法计数：请把较小的值写在前面，步长大于 0，例如 [1-20] 或 [1-20:5]"
        ),
        LineError::NoHost => "地址中没有服务器名".to_owned(),
        LineError::BadChecksum => "地址后的校验和必须是 sha256: 加 64 位十六进制数字".to_owned(),
        LineError::NoLinkInRow => "这一行没有任何单元格包含 http:// 或 https:// 链接".to_owned(),
    }
}

fn zh_list_error(err: &ListError) -> String {
    match err {
        ListError::Unreadable { name, reason } => {
            format!("无法读取 {name}：{}", zh_phrase(reason))
        }
        ListError::TooLarge { name, limit } => {
            format!("{name} 大于 {}，不可能是链接列表", format::bytes(*limit))
        }
        ListError::NotText { name } => format!("{name} 不是文本文件"),
    }
}

fn zh_tls_problem(problem: TlsProblem) -> &'static str {
    match problem {
        TlsProblem::UntrustedIssuer => "证书不是受信任的机构签发的",
        TlsProblem::Expired => "证书已过期",
        TlsProblem::OtherServer => "证书属于另一台服务器",
        TlsProblem::OldProtocol => "服务器只支持 TLS 1.0 或 1.1，这些旧版本已不安全",
        TlsProblem::NoTrustedRoots => "无法读取这台电脑的受信任证书列表",
        TlsProblem::NotAccepted => "证书未被接受",
    }
}

/// The meaning of the HTTP statuses a person is likely to meet; the others keep the
/// server's reason phrase.
fn zh_status(code: u16) -> Option<&'static str> {
    Some(match code {
        400 => "请求无效",
        401 => "需要登录",
        403 => "禁止访问",
        404 => "未找到",
        408 => "请求超时",
        410 => "已被删除",
        429 => "请求过多",
        500 => "服务器内部错误",
        502 => "网关错误",
        503 => "服务暂时不可用",
        504 => "网关超时",
        _ => return None,
    })
}

fn zh_io_problem(problem: &IoProblem) -> Cow<'static, str> {
    use std::io::ErrorKind;
    Cow::Borrowed(match problem.kind {
        ErrorKind::PermissionDenied => "没有权限",
        ErrorKind::ReadOnlyFilesystem => "磁盘是只读的",
        ErrorKind::NotFound => "它不存在",
        ErrorKind::StorageFull => "磁盘已满",
        ErrorKind::NotADirectory => "路径中有一部分不是文件夹",
        ErrorKind::IsADirectory => "这是一个文件夹",
        ErrorKind::InvalidFilename => "名称无效",
        // The system's own words, which it gives in English.
        _ => return Cow::Owned(problem.english.clone()),
    })
}

/// The Chinese for the short reasons the engine puts inside its sentences (a connection
/// refused, a file-system error, what the address parser objected to); a reason not listed
/// here is the system's or a library's own words and stays as it is.
fn zh_phrase(reason: &str) -> Cow<'_, str> {
    let known = match reason {
        "connection refused" => "连接被拒绝",
        "the connection timed out" => "连接超时",
        "the connection failed" => "连接失败",
        "permission denied" => "没有权限",
        "the disk is read-only" => "磁盘是只读的",
        "it does not exist" => "它不存在",
        "the disk is full" => "磁盘已满",
        "the folder does not exist any more" => "文件夹已不存在",
        "the line is empty" => "这一行是空的",
        "it has no http:// or https:// and no server name" => {
            "没有 http:// 或 https://，也没有服务器名"
        }
        "empty host" => "没有服务器名",
        "invalid international domain name" => "国际化域名无效",
        "invalid port number" => "端口号无效",
        "invalid IPv4 address" => "IPv4 地址无效",
        "invalid IPv6 address" => "IPv6 地址无效",
        "invalid domain character" => "域名中有无效字符",
        _ => return Cow::Borrowed(reason),
    };
    Cow::Borrowed(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of each kind.
    fn every_download_error() -> Vec<DownloadError> {
        let path = std::path::PathBuf::from("/data/x.bin");
        vec![
            DownloadError::Status {
                code: 404,
                reason: "Not Found".into(),
            },
            DownloadError::Status {
                code: 418,
                reason: "I'm a teapot".into(),
            },
            DownloadError::UnknownHost {
                host: "nowhere.example".into(),
            },
            DownloadError::Connect {
                host: "127.0.0.1".into(),
                reason: "connection refused".into(),
            },
            DownloadError::Tls {
                host: "self-signed.example".into(),
                problem: TlsProblem::UntrustedIssuer,
            },
            DownloadError::NoTls {
                reason: "no provider".into(),
            },
            DownloadError::NoAnswer { secs: 30 },
            DownloadError::Stalled { secs: 30 },
            DownloadError::TooSlow {
                bytes: 12,
                secs: 30,
            },
            DownloadError::Truncated {
                got: 1_258_291,
                expected: Some(5 << 20),
            },
            DownloadError::Truncated {
                got: 1_258_291,
                expected: None,
            },
            DownloadError::TooManyRedirects { max: 10 },
            DownloadError::BadRedirect {
                target: "ftp://x".into(),
            },
            DownloadError::InsecureRedirect {
                target: "http://x".into(),
            },
            DownloadError::MalformedAnswer,
            DownloadError::ClosedWithoutAnswer,
            DownloadError::NoResume,
            DownloadError::NotSameFile,
            DownloadError::UnexpectedRange,
            DownloadError::ServerAsksWait { secs: 3600 },
            DownloadError::Write {
                path,
                reason: "permission denied".into(),
            },
            DownloadError::DiskFull,
            DownloadError::ChecksumMismatch {
                expected: "ab".into(),
                actual: "cd".into(),
            },
            DownloadError::WebPage {
                name: "report.pdf".into(),
            },
            DownloadError::Compressed {
                encoding: "gzip".into(),
            },
            DownloadError::Startup {
                reason: "no threads".into(),
            },
            DownloadError::Stopped,
            DownloadError::OtherDownpour,
            DownloadError::NameTaken {
                name: "a.bin".into(),
            },
            DownloadError::Network("broken pipe".into()),
        ]
    }

    /// One proxy error of each kind.
    fn proxy_errors() -> Vec<DownloadError> {
        vec![
            DownloadError::ProxyUnreachable {
                proxy: "socks5h://127.0.0.1:1080".into(),
                reason: "connection refused".into(),
            },
            DownloadError::ProxyLogin {
                proxy: "http://127.0.0.1:3128".into(),
            },
            DownloadError::ProxyNoRoute {
                proxy: "http://127.0.0.1:3128".into(),
                host: "files.example".into(),
            },
            DownloadError::NotAProxy {
                proxy: "http://127.0.0.1:80".into(),
            },
            DownloadError::Access(AccessError::NotCookies {
                name: "links.txt".into(),
                line: 1,
            }),
        ]
    }

    fn has_chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn english_is_the_engines_sentence_and_chinese_a_sentence_of_its_own() {
        for err in every_download_error().into_iter().chain(proxy_errors()) {
            assert_eq!(Lang::En.download_error(&err), err.to_string());
            let zh = Lang::Zh.download_error(&err);
            assert!(has_chinese(&zh), "{err:?}: {zh}");
        }
        let refused = DownloadError::Connect {
            host: "127.0.0.1".into(),
            reason: "connection refused".into(),
        };
        assert_eq!(
            Lang::Zh.download_error(&refused),
            "无法连接到 127.0.0.1：连接被拒绝"
        );
        let not_found = DownloadError::Status {
            code: 404,
            reason: "Not Found".into(),
        };
        assert_eq!(
            Lang::Zh.download_error(&not_found),
            "服务器返回 404（未找到）"
        );
    }

    #[test]
    fn a_web_page_and_an_old_protocol_are_told_in_chinese() {
        let page = DownloadError::WebPage {
            name: "report.pdf".into(),
        };
        assert_eq!(
            Lang::Zh.download_error(&page),
            "服务器发来的是网页而不是 report.pdf——可能需要登录，或者链接已过期"
        );
        let old = DownloadError::Tls {
            host: "old.example".into(),
            problem: TlsProblem::OldProtocol,
        };
        assert!(Lang::Zh.download_error(&old).contains("TLS 1.0 或 1.1"));
    }

    #[test]
    fn the_engines_file_system_reasons_are_translated() {
        use std::io::{Error, ErrorKind};
        for kind in [
            ErrorKind::PermissionDenied,
            ErrorKind::ReadOnlyFilesystem,
            ErrorKind::NotFound,
            ErrorKind::StorageFull,
        ] {
            let err = Error::from(kind);
            let english = downpour::error::describe_io(&err);
            assert!(has_chinese(&zh_phrase(&english)), "{english}");
            assert!(has_chinese(&Lang::Zh.io_problem(&IoProblem::from(&err))));
            let write = DownloadError::from_io(std::path::Path::new("/x"), &err);
            let zh = Lang::Zh.download_error(&write);
            assert!(!zh.contains(&english), "{zh}");
        }
    }

    #[test]
    fn rejected_lines_are_explained_in_chinese() {
        let list = downpour::parse_list(&format!(
            "ftp://old.example/c\nhttps://example.com:99999/\nhttps://[::1/\n\
             https://example.com/a sha256:12\nhttps://x/[9-1]\nhttps://x/[1-200]/[1-200]\n\
             https://x/{}\n",
            "a".repeat(70_000)
        ));
        assert_eq!(list.rejected.len(), 7, "{:?}", list.rejected);
        assert_eq!(
            Lang::Zh.line_error(&list.rejected[5].reason),
            "这一行会生成 40000 个链接，一行最多只能生成 10000 个"
        );
        for bad in &list.rejected {
            let english = bad.reason.to_string();
            let zh = Lang::Zh.line_error(&bad.reason);
            assert_eq!(Lang::En.line_error(&bad.reason), english);
            assert!(has_chinese(&zh), "{english}");
            if let LineError::Malformed { reason } = &bad.reason {
                assert!(!zh.contains(reason.as_str()), "{reason} is not translated");
            }
        }
    }
}
