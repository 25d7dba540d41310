//! The pictures of the window in `docs/screenshots/` (`cargo test --features snapshots --bin
//! downpour screenshots -- --ignored`): the first screen, Advanced open, and a list being
//! downloaded, in English and Chinese, and at 800×600. Drawn by the window's own code in
//! software, like the chart snapshots; not compared with anything.

use std::path::PathBuf;
use std::time::Duration;

use downpour::{DownloadError, Event, Job, Mode, OutcomeKind};
use egui_kittest::kittest::Queryable;

use super::i18n::Lang;
use super::model::{RowNote, RowStatus, RunView};
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

/// A run under way: three files done, one failed, four coming in, one paused, three waiting.
fn running_view(text: &str) -> RunView {
    let jobs: Vec<Job> = downpour::parse_list(text)
        .entries
        .iter()
        .map(Job::from)
        .collect();
    let mut view = RunView::new(Mode::Submit, 4, &jobs, Vec::new());
    let total = |i: usize| 2_400_000 + 310_000 * i as u64;
    let coming = [5, 6, 7, 12];
    for (k, &index) in coming.iter().enumerate() {
        let name = jobs[index - 1]
            .url
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default();
        view.apply(Event::ItemStarted {
            index,
            worker: k + 1,
            at_ms: 0,
        });
        let size = if index == 12 {
            734_003_200
        } else {
            total(index)
        };
        view.apply(Event::ItemResponded {
            index,
            path: PathBuf::from("/home/me/Downloads").join(name),
            total: Some(size),
            resumed_from: 0,
            one_connection: None,
            warning: None,
        });
        view.apply(Event::Progress {
            index,
            bytes: size / 10,
        });
    }
    std::thread::sleep(Duration::from_millis(600));
    for (k, &index) in coming.iter().enumerate() {
        let size = view.row(index).and_then(|r| r.total).unwrap_or(1);
        let bytes = size / 10 + 700_000 + 90_000 * k as u64;
        view.apply(Event::Progress { index, bytes });
    }
    for index in 1..=4 {
        let Some(row) = view.row_mut(index) else {
            continue;
        };
        row.total = Some(total(index));
        row.started_ms = Some(200 * index as u64);
        row.finished_ms = Some(1_900 + 350 * index as u64);
        row.worker = index;
        if index == 4 {
            row.status = RowStatus::Ended(OutcomeKind::Failed);
            row.note = Some(RowNote::Failed(DownloadError::Status {
                code: 404,
                reason: "Not Found".into(),
            }));
            row.total = None;
        } else {
            row.status = RowStatus::Ended(OutcomeKind::Done);
            row.bytes = total(index);
        }
    }
    if let Some(row) = view.row_mut(8) {
        row.status = RowStatus::Paused;
        row.total = Some(total(8));
        row.bytes = total(8) / 3;
    }
    view.reported = 4;
    view.done = 3;
    view.failed = 1;
    view
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
        let running = |lang| {
            let mut app = app(lang, false);
            app.view = Some(running_view(&links()));
            app.selection.rows.insert(4);
            app
        };
        picture(
            running(lang),
            [1280.0, 800.0],
            &format!("running-{tag}"),
            |_| {},
        )?;
        picture(
            running(lang),
            [800.0, 600.0],
            &format!("small-{tag}"),
            |_| {},
        )?;
    }
    picture(app(Lang::En, true), [1280.0, 800.0], "advanced-en", |h| {
        h.get_by_label("Advanced").scroll_to_me();
    })
}
