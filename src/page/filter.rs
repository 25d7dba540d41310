//! Choosing among a page's links as DownThemAll lets people choose: type classes told by the
//! extension, wildcards (`*.pdf`, `report-*`) or a regular expression, the page's own site only,
//! and invert. The window's chips and box and the CLI's `--accept`/`--reject` share these rules.

use super::PageLink;

/// A class of files, told by the name's extension.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum FileType {
    /// Zip, rar, 7z, tar and compressed files.
    Archives,
    /// PDF, office documents, e-books and text.
    Documents,
    /// Pictures.
    Images,
    /// Sound.
    Audio,
    /// Films.
    Video,
    /// Programs and installers.
    Software,
}

/// Each class's extensions (lower case).
const EXTENSIONS: &[(FileType, &[&str])] = &[
    (
        FileType::Archives,
        &[
            "zip", "rar", "7z", "tar", "gz", "tgz", "bz2", "tbz", "tbz2", "xz", "txz", "zst", "lz",
            "lzma", "cab",
        ],
    ),
    (
        FileType::Documents,
        &[
            "pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "ppt", "pptx", "odp",
            "csv", "epub", "mobi", "azw3", "djvu", "md",
        ],
    ),
    (
        FileType::Images,
        &[
            "jpg", "jpeg", "png", "gif", "webp", "bmp", "svg", "tif", "tiff", "ico", "heic",
            "heif", "avif",
        ],
    ),
    (
        FileType::Audio,
        &[
            "mp3", "m4a", "aac", "flac", "wav", "ogg", "oga", "opus", "wma", "mid", "midi",
        ],
    ),
    (
        FileType::Video,
        &[
            "mp4", "m4v", "mkv", "webm", "avi", "mov", "wmv", "flv", "mpg", "mpeg", "3gp",
        ],
    ),
    (
        FileType::Software,
        &[
            "exe", "msi", "msix", "dmg", "pkg", "deb", "rpm", "apk", "appimage", "iso", "jar",
            "snap", "flatpak",
        ],
    ),
];

impl FileType {
    /// Every class, in the order the window shows them.
    pub const ALL: [FileType; 6] = [
        FileType::Archives,
        FileType::Documents,
        FileType::Images,
        FileType::Audio,
        FileType::Video,
        FileType::Software,
    ];

    /// The class of a file named `name`, by its extension.
    pub fn of_name(name: &str) -> Option<Self> {
        let (_, extension) = name.rsplit_once('.')?;
        let extension = extension.to_ascii_lowercase();
        EXTENSIONS
            .iter()
            .find(|(_, list)| list.contains(&extension.as_str()))
            .map(|&(kind, _)| kind)
    }

    /// Its name on the command line: `archives`, `documents`, `images`, `audio`, `video`,
    /// `software`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Archives => "archives",
            FileType::Documents => "documents",
            FileType::Images => "images",
            FileType::Audio => "audio",
            FileType::Video => "video",
            FileType::Software => "software",
        }
    }

    /// The class named `word` (as [`FileType::as_str`], any case, singular too).
    pub fn from_word(word: &str) -> Option<Self> {
        let word = word.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|kind| {
            let name = kind.as_str();
            word == name || name.strip_suffix('s') == Some(word.as_str())
        })
    }
}

/// Why a pattern cannot be used; the sentence names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{pattern}' is not a regular expression Downpour can use ({reason})")]
pub struct PatternError {
    /// The pattern as typed.
    pub pattern: String,
    /// What is wrong with it.
    pub reason: String,
}

/// One way a link can match.
#[derive(Debug, Clone)]
enum Rule {
    /// Its type.
    Type(FileType),
    /// A wildcard (`*` any text, `?` one character), lower case, matched against the name, or
    /// against the whole address when it holds a `/`.
    Wildcard(String),
    /// A regular expression (written between slashes), searched in the whole address.
    Regex(regex_lite::Regex),
}

/// Comma-separated patterns, any of which may match: type names (`images`), wildcards
/// (`*.pdf`, `report-*`) and regular expressions between slashes (`/scan_\d+\.jpg/`).
#[derive(Debug, Clone, Default)]
pub struct Rules(Vec<Rule>);

impl Rules {
    /// Reads `text`; empty text is no rule at all. A regular expression is taken whole (it may
    /// hold commas).
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let text = text.trim();
        if text.len() > 2 && text.starts_with('/') && text.ends_with('/') {
            return Ok(Self(vec![regex(&text[1..text.len() - 1])?]));
        }
        let mut rules = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            rules.push(
                if part.len() > 2 && part.starts_with('/') && part.ends_with('/') {
                    regex(&part[1..part.len() - 1])?
                } else if let Some(kind) = FileType::from_word(part) {
                    Rule::Type(kind)
                } else {
                    Rule::Wildcard(part.to_lowercase())
                },
            );
        }
        Ok(Self(rules))
    }

    /// Whether there is no rule.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether any rule matches `link`.
    pub fn matches(&self, link: &PageLink) -> bool {
        self.0.iter().any(|rule| match rule {
            Rule::Type(kind) => link.file_type == Some(*kind),
            Rule::Wildcard(pattern) if pattern.contains('/') => {
                wildcard(pattern, &link.url.as_str().to_lowercase())
            }
            Rule::Wildcard(pattern) => wildcard(pattern, &link.name.to_lowercase()),
            Rule::Regex(regex) => regex.is_match(link.url.as_str()),
        })
    }
}

/// A case-insensitive regular expression of bounded size.
fn regex(pattern: &str) -> Result<Rule, PatternError> {
    regex_lite::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map(Rule::Regex)
        .map_err(|err| PatternError {
            pattern: pattern.to_owned(),
            reason: err
                .to_string()
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .to_owned(),
        })
}

/// Whether `text` matches the wildcard `pattern` (`*` any text, `?` one character), in time
/// proportional to their lengths' product at worst.
pub(super) fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_p, star_t)) = star {
            pi = star_p + 1;
            ti = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Which of a page's links are chosen: those of the ticked types (all when none is ticked)
/// that the pattern matches (all when it is empty), from the page's own site only if asked;
/// `invert` chooses the others instead.
#[derive(Debug, Clone, Default)]
pub struct LinkFilter {
    /// The types ticked; none means every link, typed or not.
    pub types: Vec<FileType>,
    /// The wildcards or regular expression typed.
    pub rules: Rules,
    /// Only links on the page's own site (its host, with or without `www.`).
    pub same_site: bool,
    /// Choose the links the rest of the filter does not.
    pub invert: bool,
}

impl LinkFilter {
    /// Whether `link`, found on the page at `page`, is chosen.
    pub fn chooses(&self, page: &url::Url, link: &PageLink) -> bool {
        let typed = self.types.is_empty()
            || link
                .file_type
                .is_some_and(|kind| self.types.contains(&kind));
        let matched = self.rules.is_empty() || self.rules.matches(link);
        let chosen = typed && matched && (!self.same_site || same_site(page, &link.url));
        chosen != self.invert
    }
}

/// Whether two addresses are on the same site: the same host, a leading `www.` aside.
pub fn same_site(a: &url::Url, b: &url::Url) -> bool {
    let host = |url: &url::Url| {
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        host.strip_prefix("www.").map(str::to_owned).unwrap_or(host)
    };
    host(a) == host(b)
}
