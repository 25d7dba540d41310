//! Fallback fonts so that file names, URLs and messages in Chinese, Japanese, Korean, Arabic or
//! Hebrew render as text rather than boxes: egui's built-in fonts cover Latin, Greek and
//! Cyrillic only. Found among the system's fonts once, at start-up.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Font files worth having, best first: CJK families, then wide-coverage ones.
const WANTED: [&str; 14] = [
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.otf",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
    "msyh.ttc",
    "simsun.ttc",
    "PingFang.ttc",
    "Hiragino Sans GB.ttc",
    "NotoSansArabic-Regular.ttf",
    "NotoSansHebrew-Regular.ttf",
    "DejaVuSans.ttf",
    "arial.ttf",
];

/// Folders where systems keep fonts.
fn font_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![
        PathBuf::from("/usr/share/fonts"),
        PathBuf::from("/usr/local/share/fonts"),
        PathBuf::from("/System/Library/Fonts"),
        PathBuf::from("/Library/Fonts"),
        PathBuf::from("C:\\Windows\\Fonts"),
    ];
    if let Some(home) = dirs::home_dir() {
        dirs.push(home.join(".fonts"));
        dirs.push(home.join(".local/share/fonts"));
    }
    if let Some(data) = dirs::font_dir() {
        dirs.push(data);
    }
    dirs
}

/// Finds the wanted font files present on this system, at most four levels deep.
pub fn find_fallback_fonts() -> Vec<PathBuf> {
    let mut found: Vec<(usize, PathBuf)> = Vec::new();
    for dir in font_dirs() {
        walk(&dir, 0, &mut |path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if let Some(rank) = WANTED.iter().position(|w| w.eq_ignore_ascii_case(&name))
                && !found.iter().any(|(r, _)| *r == rank)
            {
                found.push((rank, path.to_owned()));
            }
        });
    }
    found.sort();
    found.into_iter().map(|(_, path)| path).collect()
}

fn walk(dir: &Path, depth: usize, visit: &mut impl FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() && depth < 4 => walk(&path, depth + 1, visit),
            Ok(_) => visit(&path),
            Err(_) => {}
        }
    }
}

/// egui's default fonts plus the system's fallbacks, appended after the defaults so Latin
/// text keeps its usual look.
pub fn font_definitions(files: &[PathBuf]) -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    for path in files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        fonts
            .font_data
            .insert(name.clone(), Arc::new(egui::FontData::from_owned(bytes)));
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            fonts.families.entry(family).or_default().push(name.clone());
        }
    }
    fonts
}
