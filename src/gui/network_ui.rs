//! The Network section of the left panel: which proxy the run uses (the system's, none, or
//! one typed here, with hosts that bypass it) and whether Downpour presents itself as a web
//! browser. What it shows is what the run uses; a proxy that cannot be read is explained
//! and holds Start back.

use downpour::net::access::UserAgent;
use downpour::net::proxy::ProxySetting;
use downpour::net::settings::parse_referer;
use downpour::options::RunSettings;
use downpour::redact::Secret;
use egui::RichText;

use super::DownpourApp;
use super::style::ORANGE;

/// The proxy choice of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyChoice {
    /// The system's proxy.
    System,
    /// No proxy.
    Off,
    /// The proxy typed.
    Manual,
}

/// What the Network section's fields hold as typed.
#[derive(Debug, Clone)]
pub struct NetworkEntry {
    /// Which proxy.
    pub choice: ProxyChoice,
    /// The proxy as typed (a password typed in it is never saved).
    pub text: String,
    /// The password of a proxy given on the command line, kept out of the field.
    password: Option<Secret>,
    /// The page the links came from, as typed.
    pub referer: String,
    /// The cookies file, as typed.
    pub cookies: String,
}

impl NetworkEntry {
    /// The entry showing `run`'s settings (saved ones hold no password).
    pub fn of(run: &RunSettings) -> Self {
        let (choice, text, password) = match &run.proxy {
            ProxySetting::System => (ProxyChoice::System, String::new(), None),
            ProxySetting::Off => (ProxyChoice::Off, String::new(), None),
            ProxySetting::Manual { proxy, .. } => (
                ProxyChoice::Manual,
                downpour::redact::without_password(proxy).to_string(),
                proxy.password().map(Secret::new),
            ),
        };
        Self {
            choice,
            text,
            password,
            referer: run.referer.clone().unwrap_or_default(),
            cookies: run
                .cookies
                .as_ref()
                .map(|path| path.display().to_string())
                .unwrap_or_default(),
        }
    }

    /// The Referer typed, if it can be used (`Some(None)`: none).
    fn referer(&self) -> Option<Option<String>> {
        let text = self.referer.trim();
        if text.is_empty() {
            return Some(None);
        }
        parse_referer(text).ok().map(Some)
    }

    /// The setting this entry means, if it can be read.
    fn setting(&self) -> Option<ProxySetting> {
        match self.choice {
            ProxyChoice::System => Some(ProxySetting::System),
            ProxyChoice::Off => Some(ProxySetting::Off),
            ProxyChoice::Manual => match ProxySetting::parse(&self.text, "").ok()? {
                ProxySetting::Manual { mut proxy, bypass } => {
                    if proxy.password().is_none()
                        && let Some(password) = &self.password
                    {
                        let _ = proxy.set_password(Some(password.expose()));
                    }
                    Some(ProxySetting::Manual { proxy, bypass })
                }
                _ => None,
            },
        }
    }

    /// Whether the run can use what the entry shows.
    pub fn is_readable(&self) -> bool {
        self.setting().is_some() && self.referer().is_some()
    }
}

impl DownpourApp {
    /// The Network section, folded away until opened.
    pub(super) fn network_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        egui::CollapsingHeader::new(t.network_heading)
            .id_salt("network")
            .show(ui, |ui| {
                self.proxy_ui(ui);
                let mut browser = self.settings.run.user_agent == UserAgent::Browser;
                if ui
                    .checkbox(&mut browser, t.browser_like)
                    .on_hover_text(t.browser_like_tip)
                    .changed()
                {
                    self.settings.run.user_agent = if browser {
                        UserAgent::Browser
                    } else {
                        UserAgent::Downpour
                    };
                }
                self.site_ui(ui);
            });
    }

    /// The page the links came from, and a cookies file.
    fn site_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let fields = [
            (t.referer_label, t.referer_hint, t.referer_tip, true),
            (t.cookies_label, t.cookies_hint, t.cookies_tip, false),
        ];
        for (words, hint, tip, referer) in fields {
            let label = ui.label(words).on_hover_text(tip);
            let text = if referer {
                &mut self.proxy.referer
            } else {
                &mut self.proxy.cookies
            };
            ui.add(
                egui::TextEdit::singleline(text)
                    .hint_text(hint)
                    .desired_width(ui.available_width().max(120.0)),
            )
            .on_hover_text(tip)
            .labelled_by(label.id);
        }
        match self.proxy.referer() {
            Some(referer) => self.settings.run.referer = referer,
            None => {
                ui.label(RichText::new(t.referer_invalid).color(ORANGE));
            }
        }
        let cookies = self.proxy.cookies.trim();
        self.settings.run.cookies = (!cookies.is_empty()).then(|| cookies.into());
    }

    /// The proxy choice, its field and the hosts that bypass it.
    fn proxy_ui(&mut self, ui: &mut egui::Ui) {
        let t = self.lang().t();
        let label = ui.label(t.proxy_label).on_hover_text(t.proxy_tip);
        ui.horizontal(|ui| {
            for (value, words) in [
                (ProxyChoice::System, t.proxy_system),
                (ProxyChoice::Off, t.proxy_none),
                (ProxyChoice::Manual, t.proxy_manual),
            ] {
                ui.radio_value(&mut self.proxy.choice, value, words)
                    .on_hover_text(t.proxy_tip);
            }
        });
        if self.proxy.choice == ProxyChoice::Manual {
            ui.add(
                egui::TextEdit::singleline(&mut self.proxy.text)
                    .hint_text(t.proxy_hint)
                    .desired_width(ui.available_width().max(120.0)),
            )
            .on_hover_text(t.proxy_tip)
            .labelled_by(label.id);
            ui.horizontal(|ui| {
                let bypass = ui.label(t.bypass_label);
                ui.add(
                    egui::TextEdit::singleline(&mut self.settings.run.no_proxy)
                        .hint_text(t.bypass_hint)
                        .desired_width(ui.available_width().max(120.0)),
                )
                .labelled_by(bypass.id);
            });
        }
        match self.proxy.setting() {
            Some(setting) => self.settings.run.proxy = setting,
            None => {
                ui.label(RichText::new(t.proxy_invalid).color(ORANGE));
            }
        }
    }
}
