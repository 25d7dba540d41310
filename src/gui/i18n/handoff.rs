//! Why links sent from the browser or another start were not taken, in the person's
//! language: the sentence the extension shows. English is the refusal's own `Display`.

use super::Lang;
use crate::handoff::Refusal;

impl Lang {
    /// Why a hand-off was refused.
    pub fn refusal(self, refusal: &Refusal) -> String {
        match self {
            Lang::En => refusal.to_string(),
            Lang::Zh => zh_refusal(refusal),
        }
    }
}

fn zh_refusal(refusal: &Refusal) -> String {
    match refusal {
        Refusal::TooLarge(bytes) => {
            format!("浏览器发来的消息太大（{bytes} 字节，最多接受 1 MiB）。")
        }
        Refusal::Truncated => "浏览器发来的消息不完整，没有添加任何链接。".to_owned(),
        Refusal::Malformed(why) => {
            format!("浏览器发来的消息 Downpour 无法理解（{why}），没有添加任何链接。")
        }
        Refusal::NoLinks => "浏览器没有发来任何链接。".to_owned(),
        Refusal::TooManyLinks(n) => {
            format!("浏览器发来了 {n} 个链接，一次最多接受 10,000 个。没有添加任何链接。")
        }
        Refusal::NotWebLink(link) => {
            format!("“{link}”不是网址（http 或 https），没有添加任何链接。")
        }
        Refusal::BadField(what) => {
            format!("浏览器发来的 {what} 无法使用，没有添加任何链接。")
        }
        Refusal::ForeignCookie(domain) => {
            format!("浏览器发来了 {domain} 的 Cookie，但没有任何链接在该网站上，没有添加任何链接。")
        }
        Refusal::WindowSilent(why) => format!("Downpour 窗口没有回应（{why}）。"),
        Refusal::NotStarted(why) => format!("无法启动 Downpour（{why}）。"),
        Refusal::WindowClosed => "Downpour 窗口在接收链接之前关闭了，没有添加任何链接。".to_owned(),
        Refusal::NoHandoffHere => {
            "在这个系统上还不能从浏览器发送链接；请把链接复制到 Downpour 的链接框中。".to_owned()
        }
        Refusal::WindowLate => "Downpour 已启动，但它的窗口在 10 秒内没有打开。".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_in_chinese() {
        let link = Refusal::NotWebLink("file:///etc/passwd".into());
        assert_eq!(
            Lang::Zh.refusal(&link),
            "“file:///etc/passwd”不是网址（http 或 https），没有添加任何链接。"
        );
        assert_eq!(Lang::En.refusal(&link), link.to_string());
        assert!(
            Lang::Zh
                .refusal(&Refusal::TooManyLinks(10_001))
                .contains("10001 个链接")
        );
    }
}
