//! Change address…: the person gives a failed, cancelled or paused row a new link (a
//! refreshed signed link, a mirror). The row goes on from it as a job that names its old
//! address, so that the engine continues the kept bytes only if the new link proves to serve
//! the same file (else the row says so, and Retry starts over from the new link).

use downpour::Job;
use egui::RichText;

use super::DownpourApp;
use super::model::RowStatus;
use super::style::ORANGE;

/// The open dialog: which row, and the link as typed.
pub struct NewAddress {
    /// The row's item.
    pub index: usize,
    text: String,
}

impl NewAddress {
    /// The dialog for row `index`, empty.
    pub fn new(index: usize) -> Self {
        Self {
            index,
            text: String::new(),
        }
    }
}

/// Reads a new address: one http(s) link.
fn parse_address(text: &str) -> Option<url::Url> {
    url::Url::parse(text.trim())
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some())
}

impl DownpourApp {
    /// The Change address… dialog of a row.
    pub(super) fn new_address_ui(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        let t = lang.t();
        let Some(open) = &mut self.new_address else {
            return;
        };
        let name = self
            .view
            .as_ref()
            .and_then(|v| v.row(open.index))
            .map(|row| row.name.clone())
            .unwrap_or_default();
        let id = egui::Id::unique("new address");
        let area = egui::Modal::default_area(id).accessible_name(t.action_change_address);
        let modal = egui::Modal::new(id).area(area).show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.label(RichText::new(&name).strong());
            let label = ui.label(t.new_address_label);
            ui.add(egui::TextEdit::singleline(&mut open.text).desired_width(480.0))
                .labelled_by(label.id);
            let parsed = parse_address(&open.text);
            if parsed.is_none() && !open.text.trim().is_empty() {
                ui.label(RichText::new(t.new_address_invalid).color(ORANGE));
            }
            ui.horizontal(|ui| {
                let ok = ui
                    .add_enabled(parsed.is_some(), egui::Button::new(t.new_address_ok))
                    .clicked();
                let keep = ui.button(t.new_address_keep).clicked();
                (ok.then_some(parsed).flatten(), keep)
            })
            .inner
        });
        let closed = modal.should_close();
        let (new, keep) = modal.inner;
        if let Some(url) = new {
            let index = open.index;
            self.new_address = None;
            self.change_address(ctx, index, url);
        } else if keep || closed {
            self.new_address = None;
        }
    }

    /// Row `index` goes on from `url`, keeping its bytes if `url` serves the same file. A row
    /// paused in the running run is cancelled first, and goes on once it has ended.
    fn change_address(&mut self, ctx: &egui::Context, index: usize, url: url::Url) {
        let Some(row) = self.view.as_ref().and_then(|v| v.row(index)) else {
            return;
        };
        let job = Job {
            index,
            url,
            sha256: row.sha256.clone(),
            previous: Some(row.kept_url.clone()),
            name: row.suggested.clone(),
            referer: row.referer.clone(),
        };
        let running = self.run.as_ref().filter(|_| self.is_running());
        match (row.status, running) {
            (RowStatus::Paused, Some(run)) => {
                run.handle.cancel_item(index);
                self.moved.push(job);
            }
            (RowStatus::Paused, None) => {
                self.moved.push(job);
                self.go_on_moved(ctx);
            }
            _ => self.retry_rows(ctx, vec![job]),
        }
        self.list_store.mark();
    }

    /// Rows given a new address go on once they are no longer paused or running.
    pub(super) fn go_on_moved(&mut self, ctx: &egui::Context) {
        if self.moved.is_empty() {
            return;
        }
        let running = self.is_running();
        let (ready, waiting): (Vec<Job>, Vec<Job>) = std::mem::take(&mut self.moved)
            .into_iter()
            .partition(|job| {
                let status = self
                    .view
                    .as_ref()
                    .and_then(|v| v.row(job.index))
                    .map(|r| r.status);
                matches!(status, Some(RowStatus::Ended(_)) | None)
                    || (!running && status == Some(RowStatus::Paused))
            });
        self.moved = waiting;
        if !ready.is_empty() {
            self.retry_rows(ctx, ready);
        }
    }
}
