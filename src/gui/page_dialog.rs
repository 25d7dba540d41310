//! From a web page…: the person pastes a page's address, a helper thread reads the page with
//! the run's settings (`downpour::page`), and a dialog shows every file on it with a tick box,
//! type chips, a wildcard box, "only this site" and invert; Add puts the chosen links into the
//! links box. Nothing is downloaded that the person did not choose. The browser's "All links
//! on this page…" opens the same dialog with the links it sent ([`PageDialog::offer`]).

use downpour::page::{
    FileType, LinkFilter, PageError, PageLink, PageLinks, PageNote, PatternError, Rules,
};
use egui::RichText;

use super::DownpourApp;
use super::i18n::Lang;
use super::tasks::UiMessage;

/// The dialog's state: what was typed and chosen, and the page read.
#[derive(Default)]
pub struct PageDialog {
    /// Whether the dialog is open.
    pub open: bool,
    /// The page's address as typed.
    pub address: String,
    /// Whether a helper thread is reading the page.
    pub reading: bool,
    /// Why the page could not be read.
    pub problem: Option<PageError>,
    /// The page's links, once read.
    pub found: Option<PageLinks>,
    /// Whether each link is ticked (in the order of `found`).
    pub ticked: Vec<bool>,
    /// The type chips that are on.
    pub types: Vec<FileType>,
    /// The wildcard or regular expression box.
    pub pattern: String,
    /// Why the box's text cannot be used.
    pub pattern_problem: Option<PatternError>,
    /// Only links on the page's own site.
    pub same_site: bool,
    /// Tick the links the filter does not choose.
    pub invert: bool,
    /// How many links of each type (in the order of `FileType::ALL`), counted once when
    /// the page is read rather than every frame.
    pub type_counts: Vec<usize>,
    /// Each link's size once Check sizes learned it (in the order of `found`).
    pub sizes: Vec<Option<u64>>,
    /// Whether a helper thread is asking the chosen links for their sizes.
    pub sizing: bool,
}

impl PageDialog {
    /// Ticks the links the filter chooses (an unusable pattern leaves the ticks as they are).
    pub fn refilter(&mut self) {
        let rules = match Rules::parse(&self.pattern) {
            Ok(rules) => rules,
            Err(problem) => {
                self.pattern_problem = Some(problem);
                return;
            }
        };
        self.pattern_problem = None;
        let filter = LinkFilter {
            types: self.types.clone(),
            rules,
            same_site: self.same_site,
            invert: self.invert,
        };
        if let Some(found) = &self.found {
            self.ticked = found
                .links
                .iter()
                .map(|link| filter.chooses(&found.page, link))
                .collect();
        }
    }

    /// The ticked links' addresses, one a line.
    pub fn chosen_text(&self) -> String {
        let Some(found) = &self.found else {
            return String::new();
        };
        found
            .links
            .iter()
            .zip(&self.ticked)
            .filter(|(_, ticked)| **ticked)
            .map(|(link, _)| format!("{}\n", link.url))
            .collect()
    }

    /// The total size of the ticked links whose size Check sizes learned, if it learned any.
    pub fn chosen_size(&self) -> Option<u64> {
        let known = self
            .ticked
            .iter()
            .zip(&self.sizes)
            .filter_map(|(ticked, size)| size.filter(|_| *ticked));
        known.reduce(u64::saturating_add)
    }

    /// How many links are ticked.
    pub fn chosen(&self) -> usize {
        self.ticked.iter().filter(|t| **t).count()
    }

    /// Opens the dialog with the links a browser sent from `page` (checked already), each
    /// under the name its page suggested, if any, to be chosen from as if read here.
    pub fn offer(&mut self, page: url::Url, links: &[crate::handoff::Link]) {
        let links = links
            .iter()
            .filter_map(|link| {
                let mut found = PageLink::new(url::Url::parse(&link.url).ok()?);
                if let Some(name) = &link.name {
                    found.file_type = FileType::of_name(name);
                    found.name.clone_from(name);
                }
                Some(found)
            })
            .collect();
        self.address = page.to_string();
        self.open = true;
        self.read(Ok(PageLinks {
            page,
            links,
            notes: Vec::new(),
        }));
    }

    /// Takes the page read by the helper thread.
    pub fn read(&mut self, result: Result<PageLinks, PageError>) {
        self.reading = false;
        match result {
            Ok(found) => {
                self.problem = None;
                self.type_counts = FileType::ALL
                    .iter()
                    .map(|kind| {
                        found
                            .links
                            .iter()
                            .filter(|l| l.file_type == Some(*kind))
                            .count()
                    })
                    .collect();
                self.sizes = vec![None; found.links.len()];
                self.found = Some(found);
                self.refilter();
            }
            Err(problem) => {
                self.problem = Some(problem);
                self.found = None;
                self.ticked.clear();
            }
        }
    }
}

impl DownpourApp {
    /// The dialog, while it is open.
    pub(super) fn page_dialog_ui(&mut self, ctx: &egui::Context) {
        if !self.page.open {
            return;
        }
        let lang = self.lang();
        let t = lang.t();
        let id = egui::Id::unique("from-a-web-page");
        let area = egui::Modal::default_area(id).accessible_name(t.page_title);
        let modal = egui::Modal::new(id).area(area).show(ctx, |ui| {
            ui.set_width(760.0_f32.min(ctx.content_rect().width() - 40.0));
            ui.heading(t.page_title);
            self.page_address_ui(ui);
            if self.page.reading {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(t.page_reading);
                });
            }
            if let Some(problem) = &self.page.problem {
                ui.colored_label(ui.visuals().error_fg_color, page_error(lang, problem));
            }
            if self.page.found.is_some() {
                self.page_filters_ui(ui);
                self.page_rows_ui(ui);
            }
            self.page_buttons_ui(ui);
        });
        if modal.should_close() && !self.page.reading {
            self.page.open = false;
        }
    }

    /// The address box and Read the page.
    fn page_address_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        ui.horizontal(|ui| {
            let label = ui.label(t.page_address);
            ui.add(
                egui::TextEdit::singleline(&mut self.page.address)
                    .hint_text("https://example.com/reports/")
                    .desired_width(420.0),
            )
            .labelled_by(label.id);
            let can_read = !self.page.reading && !self.page.address.trim().is_empty();
            if ui
                .add_enabled(can_read, egui::Button::new(t.page_read))
                .clicked()
            {
                self.read_page(ui.ctx());
            }
        });
    }

    /// Reads the page on a helper thread with the run's settings.
    fn read_page(&mut self, ctx: &egui::Context) {
        let address = self.page.address.trim().to_owned();
        let Some(url) = downpour::urls::parse_list_with(&address, false)
            .entries
            .first()
            .map(|entry| entry.url.clone())
        else {
            let scheme = address.split(':').next().unwrap_or("").to_owned();
            self.page.problem = Some(PageError::NotWeb { scheme });
            return;
        };
        self.page.reading = true;
        self.page.problem = None;
        let config = self.settings.run.config(self.folder());
        self.spawn_helper(ctx, move || {
            Some(UiMessage::PageRead(Box::new(downpour::page::fetch_page(
                &url, &config,
            ))))
        });
    }

    /// Reads a web page saved as `path` (dropped on the dialog) on a helper thread: relative
    /// links are resolved against the address in the box, when it holds one.
    pub(super) fn read_dropped_page(&mut self, ctx: &egui::Context, path: std::path::PathBuf) {
        let address = downpour::urls::parse_list_with(self.page.address.trim(), false)
            .entries
            .first()
            .map(|entry| entry.url.clone());
        self.page.reading = true;
        self.page.problem = None;
        self.spawn_helper(ctx, move || {
            let read = downpour::page::read_saved_page(&path, address.as_ref());
            Some(UiMessage::PageRead(Box::new(read)))
        });
    }

    /// The type chips, the pattern box, only this site and invert.
    fn page_filters_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let t = lang.t();
        let Some(found) = &self.page.found else {
            return;
        };
        for note in &found.notes {
            ui.label(RichText::new(page_note(lang, note)).weak());
        }
        let counts = self.page.type_counts.clone();
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            for (kind, count) in FileType::ALL.into_iter().zip(counts) {
                let on = self.page.types.contains(&kind);
                let chip = format!("{} ({count})", lang.file_type(kind));
                if ui.selectable_label(on, chip).clicked() {
                    if on {
                        self.page.types.retain(|k| *k != kind);
                    } else {
                        self.page.types.push(kind);
                    }
                    changed = true;
                }
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label(t.page_pattern);
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.page.pattern)
                        .hint_text("*.pdf, report-*")
                        .desired_width(260.0),
                )
                .on_hover_text(t.page_pattern_tip)
                .labelled_by(label.id)
                .changed();
            changed |= ui
                .checkbox(&mut self.page.same_site, t.page_same_site)
                .changed();
            changed |= ui.checkbox(&mut self.page.invert, t.page_invert).changed();
        });
        if changed {
            self.page.refilter();
        }
        if let Some(problem) = &self.page.pattern_problem {
            ui.colored_label(ui.visuals().error_fg_color, problem.to_string());
        }
    }

    /// One row per link: its tick box and name, its type, and its address shortened (the
    /// whole one in the tooltip). Only the rows in view are laid out.
    fn page_rows_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let Some(found) = &self.page.found else {
            return;
        };
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical()
            .id_salt("page-links")
            .max_height(320.0)
            .min_scrolled_height(260.0)
            .auto_shrink([false, true])
            .show_rows(ui, row_height, found.links.len(), |ui, rows| {
                for i in rows {
                    let (Some(link), Some(ticked)) =
                        (found.links.get(i), self.page.ticked.get_mut(i))
                    else {
                        continue;
                    };
                    ui.horizontal(|ui| {
                        ui.checkbox(ticked, &link.name);
                        if let Some(Some(size)) = self.page.sizes.get(i) {
                            ui.label(downpour::format::bytes(*size));
                        }
                        if let Some(kind) = link.file_type {
                            ui.label(RichText::new(lang.file_type(kind)).weak());
                        }
                        ui.label(RichText::new(shorten(link.url.as_str(), 64)).weak())
                            .on_hover_text(link.url.as_str());
                    });
                }
            });
    }

    /// The summary, Add N files and Close.
    fn page_buttons_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let t = lang.t();
        let (chosen, total) = (self.page.chosen(), self.page.ticked.len());
        if self.page.found.is_some() {
            let summary = match self.page.chosen_size() {
                Some(bytes) => lang.page_summary_sized(chosen, total, bytes),
                None => lang.page_summary(chosen, total),
            };
            ui.label(summary);
        }
        ui.horizontal(|ui| {
            let add = ui.add_enabled(
                chosen > 0,
                egui::Button::new(RichText::new(lang.page_add(chosen)).strong()),
            );
            if add.clicked() {
                // A page read from a saved file has no address to send.
                if let Some(found) = &self.page.found
                    && matches!(found.page.scheme(), "http" | "https")
                {
                    let links = found.links.iter().zip(&self.page.ticked);
                    let chosen = links.filter(|(_, ticked)| **ticked);
                    let urls = chosen.map(|(link, _)| link.url.clone());
                    self.handed.page_added(&found.page, urls);
                }
                let text = self.page.chosen_text();
                self.receive(ui.ctx(), UiMessage::AddLinks(text));
                self.page.open = false;
            }
            self.page_sizes_button_ui(ui, chosen);
            if ui.button(t.page_close).clicked() {
                self.page.open = false;
            }
        });
    }
}

/// `text` cut to about `max` characters, with `…` in the middle.
fn shorten(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max / 2).collect();
    let tail: String = text.chars().skip(count - max / 2).collect();
    format!("{head}…{tail}")
}

/// Why the page could not be read, in the person's language.
fn page_error(lang: Lang, problem: &PageError) -> String {
    match (lang, problem) {
        (_, PageError::Download(err)) => lang.download_error(err),
        (Lang::Zh, PageError::NotWeb { scheme }) => {
            format!("只能读取 http:// 和 https:// 网页，不能读取 '{scheme}:'")
        }
        (Lang::Zh, PageError::Unreadable { name, reason }) => {
            format!("无法读取保存的网页 {name}：{reason}")
        }
        (Lang::Zh, PageError::NotAPage { kind }) => {
            format!("这个地址是一个文件（{kind}），不是网页：把它加入链接即可下载")
        }
        (Lang::En, _) => problem.to_string(),
    }
}

/// What was left out of the page, in the person's language.
fn page_note(lang: Lang, note: &PageNote) -> String {
    match (lang, note) {
        (Lang::En, _) => note.to_string(),
        (Lang::Zh, PageNote::TooLarge) => "网页大于 20 MiB；只显示前 20 MiB 中的链接".to_owned(),
        (Lang::Zh, PageNote::TooManyLinks { left_out }) => {
            format!("网页上的链接超过 100,000 个；只显示前 100,000 个（另有 {left_out} 个未列出）")
        }
        (Lang::Zh, PageNote::Unreadable) => "网页有一部分无法读取；其后的链接没有显示".to_owned(),
    }
}
