//! The window's words in English and Simplified Chinese (the language of the tutorial that
//! inspired Downpour), chosen from the system language and switchable in the window. Fixed
//! texts are fields of [`Texts`] (`texts.rs`, one file per language); sentences with numbers
//! or names in them are `Lang`'s methods (`sentences.rs`), and so are the engine's errors,
//! notices and folder problems (`errors.rs`).

mod chart_sentences;
mod check;
mod control;
mod en;
mod errors;
mod first_run;
mod handoff;
mod sentences;
mod texts;
mod when_done;
mod zh;

use downpour::{Mode, OutcomeKind};
use serde::{Deserialize, Serialize};

pub use chart_sentences::PieceItem;
pub use sentences::BarItem;
pub use texts::Texts;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Every language, in the order the switch lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The system's language, if it is one we have; English otherwise.
    pub fn from_system() -> Self {
        let locale = sys_locale::get_locale().unwrap_or_default().to_lowercase();
        if locale.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The texts of this language.
    pub fn t(self) -> &'static Texts {
        match self {
            Lang::En => &en::EN,
            Lang::Zh => &zh::ZH,
        }
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// The word for how an item ended: the rows, the results, the progress summary and the
    /// chart legends all say it this way.
    pub fn outcome(self, kind: OutcomeKind) -> &'static str {
        let t = self.t();
        match kind {
            OutcomeKind::Done => t.status_done,
            OutcomeKind::Failed => t.status_failed,
            OutcomeKind::Cancelled => t.status_cancelled,
            OutcomeKind::Skipped => t.status_skipped,
        }
    }

    /// A mode's label.
    pub fn mode_label(self, mode: Mode) -> &'static str {
        let t = self.t();
        match mode {
            Mode::Sequential => t.mode_sequential,
            Mode::Submit => t.mode_submit,
            Mode::Map => t.mode_map,
        }
    }

    /// A mode's one-line explanation.
    pub fn mode_explain(self, mode: Mode) -> &'static str {
        let t = self.t();
        match mode {
            Mode::Sequential => t.mode_sequential_explain,
            Mode::Submit => t.mode_submit_explain,
            Mode::Map => t.mode_map_explain,
        }
    }

    /// A mode's tooltip: what the person will see.
    pub fn mode_tooltip(self, mode: Mode) -> &'static str {
        let t = self.t();
        match mode {
            Mode::Sequential => t.mode_sequential_tip,
            Mode::Submit => t.mode_submit_tip,
            Mode::Map => t.mode_map_tip,
        }
    }
}
