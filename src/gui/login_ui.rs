//! The window's question when a site asks for a user name and password the run lacks: one
//! dialog per site and realm, whose answer goes to the run (the site's downloads wait for it)
//! and is kept nowhere else — the typed password is dropped as soon as it is sent.

use downpour::net::access::Login;
use downpour::net::asking::LoginQuestion;
use downpour::redact::Secret;

use super::DownpourApp;

/// A question waiting for the person, with what they typed so far.
pub struct LoginPrompt {
    /// The site's question.
    pub question: LoginQuestion,
    user: String,
    password: Secret,
}

impl LoginPrompt {
    /// A question with empty fields.
    pub fn new(question: LoginQuestion) -> Self {
        Self {
            question,
            user: String::new(),
            password: Secret::default(),
        }
    }
}

impl DownpourApp {
    /// Shows the oldest unanswered question; OK sends the login, Cancel (or Escape) lets the
    /// site's files fail as refused.
    pub(super) fn login_prompt_ui(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        let Some(prompt) = self.login_prompts.first_mut() else {
            return;
        };
        let t = lang.t();
        let asks = lang.login_question(&prompt.question.site, &prompt.question.realm);
        let id = egui::Id::unique("login prompt");
        let area = egui::Modal::default_area(id).accessible_name(t.login_title);
        let modal = egui::Modal::new(id).area(area).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.add(egui::Label::new(asks).wrap());
            ui.add_space(6.0);
            login_fields_ui(ui, t, prompt);
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let ok = ui.button(t.login_ok).clicked();
                let cancel = ui.button(t.login_cancel).clicked();
                (ok, cancel)
            })
            .inner
        });
        let (ok, cancel) = modal.inner;
        if !(ok || cancel || modal.should_close()) {
            return;
        }
        let prompt = self.login_prompts.remove(0);
        let login = (ok && !prompt.user.trim().is_empty()).then(|| Login {
            user: prompt.user.trim().to_owned(),
            password: prompt.password,
        });
        if let Some(run) = &self.run {
            run.handle.answer_login(&prompt.question, login);
        }
    }
}

/// The user name and password fields.
fn login_fields_ui(ui: &mut egui::Ui, t: &super::i18n::Texts, prompt: &mut LoginPrompt) {
    egui::Grid::new("login fields")
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui.label(t.login_user);
            ui.add(egui::TextEdit::singleline(&mut prompt.user).desired_width(240.0))
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label(t.login_password);
            let mut typed = prompt.password.expose().to_owned();
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut typed)
                        .password(true)
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
            if field.changed() {
                prompt.password = Secret::new(typed);
            }
            ui.end_row();
        });
}
