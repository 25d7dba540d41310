//! The Results tab: the order in which the mode reported the files, the total time, one line
//! per file, and the CSV and JSON exports.

use egui::RichText;

use super::i18n::Lang;
use super::model::{ResultLine, RunView};
use super::style::{ROW_HEIGHT, outcome_text_color};
use super::{DownpourApp, ExportFormat};

/// How many indexes the order summary names before it ends in "…".
const SUMMARY_LEN: usize = 40;

impl DownpourApp {
    /// The reported order, the total time and the result lines.
    pub(super) fn results_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let t = lang.t();
        let Some(view) = &self.view else {
            ui.label(t.no_run_yet);
            return;
        };
        let intro = format!("{} — {}", lang.mode_label(view.mode), t.results_intro);
        ui.horizontal_wrapped(|ui| {
            ui.label(intro);
            self.export_buttons_ui(ui);
        });
        ui.label(RichText::new(order_summary(view)).monospace().strong());
        if let Some(ms) = view.elapsed_ms {
            ui.label(RichText::new(lang.total_time(ms)).strong());
        }
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("results")
            .auto_shrink(false)
            .show_rows(ui, ROW_HEIGHT, view.results.len(), |ui, range| {
                for line in &view.results[range] {
                    result_line_ui(ui, line, lang);
                }
            });
    }

    /// Export CSV and Export JSON, enabled once the run has finished.
    pub(super) fn export_buttons_ui(&self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let finished = self.view.as_ref().is_some_and(RunView::is_finished);
        let ctx = ui.ctx().clone();
        for (format, text, tip) in [
            (ExportFormat::Csv, t.export_csv, t.export_csv_tip),
            (ExportFormat::Json, t.export_json, t.export_json_tip),
        ] {
            if ui
                .add_enabled(finished, egui::Button::new(text))
                .on_hover_text(tip)
                .on_disabled_hover_text(t.export_when_finished)
                .clicked()
            {
                self.export(&ctx, format);
            }
        }
    }
}

/// The indexes in reported order: `4, 3, 2, 5, 1`.
fn order_summary(view: &RunView) -> String {
    let order: Vec<String> = view
        .results
        .iter()
        .take(SUMMARY_LEN)
        .map(|r| r.index.to_string())
        .collect();
    let mut summary = order.join(", ");
    if view.results.len() > SUMMARY_LEN {
        summary.push_str(", …");
    }
    summary
}

/// `#4  done  photo4.png  0.21 s`.
fn result_line_ui(ui: &mut egui::Ui, line: &ResultLine, lang: Lang) {
    let color = outcome_text_color(line.outcome, ui.visuals());
    ui.label(
        RichText::new(format!(
            "#{}  {}  {}  {:.2} s",
            line.index,
            lang.outcome(line.outcome),
            match &line.error {
                Some(err) => lang.download_error(err),
                None => line.name.clone(),
            },
            line.secs
        ))
        .color(color)
        .monospace(),
    );
}
