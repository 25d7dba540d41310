//! Check links: under the links box and its buttons (Import list…, Clear), a button that asks
//! every link of the links box what it is (`downpour::check`) on a helper thread, with the
//! run's settings, and shows in a window of its own one line per link — its name and size, or
//! what Start would meet — and the total against the free space of the save folder's disk. Nothing is downloaded, and the window
//! never waits: the helper's progress and answer come back through `poll`.

use downpour::check::{CheckReport, FreeSpace, check_links};
use downpour::{DownloadError, Job};
use egui::RichText;

use super::DownpourApp;
use super::style::ORANGE;
use super::tasks::UiMessage;

/// The most result lines drawn under the links box (the rest are summed up in one line).
const SHOWN_ROWS: usize = 200;

/// What the window knows of the last check.
#[derive(Default)]
pub struct LinkChecker {
    /// While a check runs: how many links have answered, of how many.
    pub running: Option<(usize, usize)>,
    /// The last check: the addresses it asked (in the list's order) and what it found.
    pub checked: Option<Checked>,
    /// Why the last check could not run.
    pub problem: Option<DownloadError>,
    /// Whether the check's window is open.
    pub shown: bool,
}

/// The sizes Check sizes learned of a page's links: the page, and each link's position among
/// its links with its size.
pub type PageSizes = (url::Url, Vec<(usize, Option<u64>)>);

/// A finished check.
#[derive(Debug)]
pub struct Checked {
    /// The addresses checked, in list order, to tell whether the links box still holds them.
    pub urls: Vec<url::Url>,
    /// What the check found.
    pub report: CheckReport,
}

impl LinkChecker {
    /// Forgets the last check once the links box no longer holds the links it checked: its
    /// lines would describe another list. Called when the box is read again, not per frame.
    pub fn forget_unless_checked(&mut self, list: &downpour::urls::ParsedList) {
        let same = self.checked.as_ref().is_some_and(|checked| {
            list.entries
                .iter()
                .map(|entry| &entry.url)
                .eq(checked.urls.iter())
        });
        if !same {
            self.checked = None;
        }
    }

    /// Hands what the last check learned (names and sizes) to the rows of a run of `jobs`
    /// that it checked, so that they are not unknown until each server answers the run.
    pub fn hand_to(&self, view: &mut super::model::RunView, jobs: &[Job]) {
        let Some(checked) = &self.checked else {
            return;
        };
        let learned: std::collections::HashMap<&url::Url, &downpour::check::LinkCheck> =
            checked.urls.iter().zip(&checked.report.links).collect();
        for job in jobs {
            if let Some(link) = learned.get(&job.url).filter(|link| link.downloads())
                && link.index == job.index
            {
                view.learned(job.index, link.name.as_deref(), link.size);
            }
        }
    }
}

impl DownpourApp {
    /// The Check links button, under Import list… and Clear (under the links it checks).
    pub(super) fn check_button_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let enabled = self.start_blocker().is_none() && self.checker.running.is_none();
        if ui
            .add_enabled(enabled, egui::Button::new(lang.check_links()))
            .on_hover_text(lang.check_links_tip())
            .clicked()
        {
            self.check(ui.ctx());
        }
    }

    /// Asks every link of the links box, on a helper thread; false when a check or a run is
    /// going on, or there is nothing to check.
    pub fn check(&mut self, ctx: &egui::Context) -> bool {
        self.reparse();
        if self.start_blocker().is_some() || self.checker.running.is_some() {
            return false;
        }
        let jobs = self.listed_jobs();
        // The check's config takes the desktop's proxy on the helper, once it is asked.
        let config = self.engine_config(self.folder(), None);
        let question = super::desktop_proxy::Question::for_links(
            &self.settings.run.proxy,
            &self.desktop_bus,
            jobs.iter().map(|job| &job.url),
        );
        self.checker.running = Some((0, jobs.len()));
        self.checker.problem = None;
        self.checker.shown = true;
        let (tx, waker) = (self.helper_tx.clone(), ctx.clone());
        let started = std::thread::Builder::new()
            .name("downpour-check".into())
            .spawn(move || check_on_helper(&jobs, config, question, &tx, &waker));
        if started.is_err() {
            self.checker.running = None;
        }
        downpour::diag::check("starting the check of the links", started);
        true
    }

    /// Takes the helper's answer.
    pub(super) fn checked(&mut self, result: Result<Checked, DownloadError>) {
        self.checker.running = None;
        match result {
            Ok(checked) => {
                self.checker.checked = Some(checked);
                // The links may have changed while it ran.
                self.checker.forget_unless_checked(&self.list);
            }
            Err(problem) => self.checker.problem = Some(problem),
        }
    }

    /// The check's own window, from Check links until the person closes it: a window of its
    /// own, so that its lines never push the folder and the buttons of the left panel down,
    /// and the links box stays at hand to drop the links it finds wanting.
    pub(super) fn check_window_ui(&mut self, ctx: &egui::Context) {
        if !self.checker.shown {
            return;
        }
        let lang = self.lang();
        let mut close = false;
        egui::Window::new(lang.check_links())
            .collapsible(false)
            .default_width(560.0)
            .default_pos(ctx.content_rect().center() - egui::vec2(280.0, 200.0))
            .show(ctx, |ui| {
                self.check_results_ui(ui);
                close = ui.button(lang.t().page_close).clicked();
            });
        if close {
            self.checker.shown = false;
        }
    }

    /// The check's lines: its progress, or one line per link and the total, while the links
    /// box holds the links checked.
    fn check_results_ui(&self, ui: &mut egui::Ui) {
        let lang = self.lang();
        if let Some((done, of)) = self.checker.running {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(lang.checking_links(done, of));
            });
            return;
        }
        if let Some(problem) = &self.checker.problem {
            ui.colored_label(ui.visuals().error_fg_color, lang.download_error(problem));
        }
        let Some(checked) = &self.checker.checked else {
            return;
        };
        let report = &checked.report;
        egui::ScrollArea::vertical()
            .id_salt("checked")
            .max_height(360.0)
            .show(ui, |ui| {
                for (link, url) in report.links.iter().zip(&checked.urls).take(SHOWN_ROWS) {
                    let text = lang.checked_row(link, &downpour::redact::url(url));
                    let color = match &link.verdict {
                        None => ui.visuals().text_color(),
                        Some(finding) if finding.fails() => ui.visuals().error_fg_color,
                        Some(_) => ORANGE,
                    };
                    ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
                }
                if report.links.len() > SHOWN_ROWS {
                    ui.label("…");
                }
            });
        ui.label(lang.check_total(&report.space));
        if let Some(problem) = report.space.problem() {
            ui.colored_label(ui.visuals().error_fg_color, lang.space_problem(&problem));
        }
    }
}

/// The check, on its helper thread: the desktop's proxy for the System setting, then every
/// link, its progress and its answer sent to the window (which repaints for each).
fn check_on_helper(
    jobs: &[Job],
    mut config: downpour::RunConfig,
    question: Option<super::desktop_proxy::Question>,
    tx: &std::sync::mpsc::Sender<UiMessage>,
    waker: &egui::Context,
) {
    if let Some(desktop) = question.and_then(|question| question.ask()) {
        desktop.apply(&mut config.access);
    }
    let mut progress = |done, of| {
        let _ = tx.send(UiMessage::CheckProgress { done, of });
        waker.request_repaint();
    };
    let result =
        check_links(jobs, &config, FreeSpace::OfFolder, &mut progress).map(|report| Checked {
            urls: jobs.iter().map(|job| job.url.clone()).collect(),
            report,
        });
    // A window that closed meanwhile no longer needs the answer.
    let _ = tx.send(UiMessage::Checked(Box::new(result)));
    waker.request_repaint();
}

impl DownpourApp {
    /// The page dialog's Check sizes, beside Add: asks the chosen links for their sizes on a
    /// helper thread (the check of [`downpour::check`], with the run's settings).
    pub(super) fn page_sizes_button_ui(&mut self, ui: &mut egui::Ui, chosen: usize) {
        let lang = self.lang();
        let enabled = chosen > 0 && !self.page.sizing;
        if !ui
            .add_enabled(enabled, egui::Button::new(lang.check_sizes()))
            .on_hover_text(lang.check_links_tip())
            .clicked()
        {
            return;
        }
        let Some(found) = &self.page.found else {
            return;
        };
        // A page read from a saved file has no address to send.
        let referer = matches!(found.page.scheme(), "http" | "https").then(|| found.page.clone());
        let jobs: Vec<Job> = found
            .links
            .iter()
            .zip(&self.page.ticked)
            .enumerate()
            .filter(|(_, (_, ticked))| **ticked)
            .map(|(position, (link, _))| Job {
                index: position + 1,
                url: link.url.clone(),
                sha256: None,
                previous: None,
                name: None,
                referer: referer.clone(),
            })
            .collect();
        let page = found.page.clone();
        let mut config = self.settings.run.config(self.folder());
        config.state_dir = self.data_dir().map(ToOwned::to_owned);
        self.handed.apply(&mut config.access);
        self.page.sizing = true;
        self.spawn_helper(ui.ctx(), move || {
            let sizes =
                check_links(&jobs, &config, FreeSpace::OfFolder, &mut |_, _| {}).map(|report| {
                    let sizes = report.links.iter().map(|l| (l.index - 1, l.size));
                    (page, sizes.collect())
                });
            Some(UiMessage::PageSized(Box::new(sizes)))
        });
    }

    /// Takes the sizes of the page dialog's links, if the dialog still shows that page.
    pub(super) fn page_sized(&mut self, result: Result<PageSizes, DownloadError>) {
        self.page.sizing = false;
        let (page, sizes) = match result {
            Ok(sized) => sized,
            Err(problem) => {
                self.page.problem = Some(downpour::page::PageError::Download(problem));
                return;
            }
        };
        if self
            .page
            .found
            .as_ref()
            .is_none_or(|found| found.page != page)
        {
            return;
        }
        for (position, size) in sizes {
            if let Some(slot) = self.page.sizes.get_mut(position) {
                *slot = size;
            }
        }
    }
}
