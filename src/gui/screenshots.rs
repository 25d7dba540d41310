//! Pictures of the window in `docs/screenshots/` (`cargo test --features snapshots --bin
//! downpour screenshots -- --ignored`): the first screen in English and Chinese, and Advanced
//! open. Drawn by the window's own code in software, like the chart snapshots; not compared
//! with anything. (The pictures of a run are of the window itself under Xvfb.)

use std::path::PathBuf;

use egui_kittest::kittest::Queryable;

use super::i18n::Lang;
use super::snapshots::builder;
use super::{DownpourApp, Settings};

/// The links of the pictures.
fn links() -> String {
    let mut text: String = (1..=11)
        .map(|i| format!("https://example.com/holiday/photo-{i:02}.jpg\n"))
        .collect();
    text.push_str("https://downloads.example.org/releases/installer-for-the-whole-family.iso\n");
    text
}

/// A window with the pictures' links and folder, in `lang`, Advanced open or not.
fn app(lang: Lang, advanced_open: bool) -> DownpourApp {
    DownpourApp::new(Settings {
        url_text: links(),
        folder: "/home/me/Downloads".into(),
        language: Some(lang),
        advanced_open,
        ..Settings::default()
    })
}

/// Draws `app` at `size`, after `prepare`, into `docs/screenshots/NAME.png`.
fn picture(
    mut app: DownpourApp,
    size: [f32; 2],
    name: &str,
    prepare: impl FnOnce(&mut egui_kittest::Harness<'_, DownpourApp>),
) -> Result<(), String> {
    app.reparse();
    // The first frame is drawn before the fonts with Chinese in them are in.
    let lang = app.settings.language.replace(Lang::En);
    let mut harness =
        builder(size).build_ui_state(|ui, app: &mut DownpourApp| app.window_ui(ui), app);
    let fonts = super::fonts::font_definitions(&super::fonts::find_fallback_fonts());
    harness.ctx.set_fonts(fonts);
    harness.state_mut().settings.language = lang;
    harness.run_steps(4);
    prepare(&mut harness);
    harness.run_steps(4);
    let image = harness.render()?;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("docs/screenshots")
        .join(format!("{name}.png"));
    image
        .save(&path)
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[test]
#[ignore = "writes docs/screenshots; run on demand"]
fn window_screenshots() -> Result<(), String> {
    for (lang, tag) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        picture(
            app(lang, false),
            [1280.0, 800.0],
            &format!("first-screen-{tag}"),
            |_| {},
        )?;
    }
    picture(app(Lang::En, true), [1280.0, 800.0], "advanced-en", |h| {
        h.get_by_label("Advanced").scroll_to_me();
    })
}
