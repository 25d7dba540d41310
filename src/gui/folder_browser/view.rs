//! The folder browser's drawing: its buttons, path field, list of folders and New folder
//! form. Each function only reads the browser's state and says what the person did.

use std::path::Path;

use egui::{Align, Layout, RichText, Sense};

use super::places::resolve;
use super::{Action, Browser, FOLDER_ROW, Folder, Listing};
use crate::gui::i18n::Lang;
use crate::gui::style::ORANGE;

/// The browser's contents: title, buttons, path, folders, the New folder form, Choose.
pub(super) fn contents_ui(
    ui: &mut egui::Ui,
    browser: &mut Browser,
    lang: Lang,
    list_height: f32,
) -> Option<Action> {
    let t = lang.t();
    let mut action = None;
    ui.heading(t.browse_title);
    ui.add_space(4.0);
    toolbar_ui(ui, browser, lang, &mut action);
    path_ui(ui, browser, lang, &mut action);
    folders_ui(ui, browser, lang, list_height, &mut action);
    if browser.new_folder.is_some() {
        new_folder_ui(ui, browser, lang, &mut action);
    }
    ui.separator();
    // One line high: a right-to-left layout would otherwise take the dialog's whole height.
    let line = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
    ui.allocate_ui_with_layout(line, Layout::right_to_left(Align::Center), |ui| {
        if ui.button(t.browse_cancel).clicked() {
            action = Some(Action::Cancel);
        }
        let chosen = resolve(&browser.place, &browser.path_text);
        let choose = ui
            .add_enabled(
                chosen.is_some(),
                egui::Button::new(RichText::new(t.browse_choose).strong()),
            )
            .on_hover_text(t.browse_choose_tip);
        if let (true, Some(folder)) = (choose.clicked(), chosen) {
            action = Some(Action::Choose(folder));
        }
    });
    action
}

/// Up, Home, Downloads and New folder….
fn toolbar_ui(ui: &mut egui::Ui, browser: &Browser, lang: Lang, action: &mut Option<Action>) {
    let t = lang.t();
    ui.horizontal(|ui| {
        let up = browser.place.parent().map(Path::to_path_buf);
        let places = [
            (t.browse_up, t.browse_up_tip, up),
            (
                t.browse_home,
                t.browse_home_tip,
                browser.places.home.clone(),
            ),
            (
                t.browse_downloads,
                t.browse_downloads_tip,
                browser.places.downloads.clone(),
            ),
        ];
        for (label, tip, target) in places {
            let button = ui
                .add_enabled(target.is_some(), egui::Button::new(label))
                .on_hover_text(tip);
            if let (true, Some(target)) = (button.clicked(), target) {
                *action = Some(Action::Go(target));
            }
        }
        let open = browser.new_folder.is_some();
        if ui
            .add(egui::Button::new(t.browse_new_folder).selected(open))
            .on_hover_text(t.browse_new_folder_tip)
            .clicked()
        {
            *action = Some(Action::ToggleNewFolder);
        }
    });
}

/// The place's path; Enter goes to what was typed.
fn path_ui(ui: &mut egui::Ui, browser: &mut Browser, lang: Lang, action: &mut Option<Action>) {
    let t = lang.t();
    ui.horizontal(|ui| {
        let label = ui.label(t.browse_path);
        let edit = ui
            .add(egui::TextEdit::singleline(&mut browser.path_text).desired_width(f32::INFINITY))
            .labelled_by(label.id)
            .on_hover_text(t.browse_path_tip);
        if edit.lost_focus()
            && ui.input(|i| i.key_pressed(egui::Key::Enter))
            && let Some(place) = resolve(&browser.place, &browser.path_text)
        {
            *action = Some(Action::Go(place));
        }
    });
}

/// The folders of the place (a click goes in), or what is happening instead.
fn folders_ui(
    ui: &mut egui::Ui,
    browser: &Browser,
    lang: Lang,
    height: f32,
    action: &mut Option<Action>,
) {
    let t = lang.t();
    let folders: &[Folder] = match &browser.listing {
        Listing::Ready(folders) => folders,
        _ => &[],
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt("folder_list")
            .auto_shrink(false)
            .max_height(height)
            .min_scrolled_height(height)
            .show_rows(ui, FOLDER_ROW, folders.len(), |ui, range| {
                for folder in &folders[range] {
                    if folder_row_ui(ui, folder).clicked() {
                        *action = Some(Action::Go(folder.path.clone()));
                    }
                }
            });
    });
    let status = match &browser.listing {
        Listing::Loading => RichText::new(t.browse_loading).weak(),
        Listing::Ready(folders) if folders.is_empty() => RichText::new(t.browse_no_folders).weak(),
        Listing::Ready(_) => return,
        Listing::Failed(problem) => RichText::new(lang.folder_unreadable(problem)).color(ORANGE),
    };
    ui.label(status);
}

/// One folder of the list: an icon and its name, the whole line a button.
fn folder_row_ui(ui: &mut egui::Ui, folder: &Folder) -> egui::Response {
    let size = egui::vec2(ui.available_width(), FOLDER_ROW);
    let (rect, response) = ui.allocate_exact_size(size, Sense::click());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &folder.name));
    if ui.is_rect_visible(rect) {
        let visuals = ui.style().interact(&response);
        let painter = ui.painter_at(rect);
        if response.hovered() || response.has_focus() {
            painter.rect_filled(rect, 3.0, visuals.weak_bg_fill);
        }
        let icon = egui::Rect::from_center_size(
            egui::pos2(rect.left() + 14.0, rect.center().y),
            egui::vec2(16.0, 12.0),
        );
        paint_folder_icon(&painter, icon);
        painter.text(
            egui::pos2(rect.left() + 30.0, rect.center().y),
            egui::Align2::LEFT_CENTER,
            &folder.name,
            egui::TextStyle::Body.resolve(ui.style()),
            visuals.text_color(),
        );
    }
    response
}

/// A small folder: a tab and a body.
fn paint_folder_icon(painter: &egui::Painter, rect: egui::Rect) {
    let color = egui::Color32::from_rgb(230, 159, 0);
    let tab = egui::Rect::from_min_size(rect.min, egui::vec2(rect.width() * 0.45, 4.0));
    painter.rect_filled(tab, 1.5, color);
    let body = egui::Rect::from_min_max(egui::pos2(rect.left(), rect.top() + 2.5), rect.max);
    painter.rect_filled(body, 2.0, color);
}

/// The New folder form: its name, Create folder, and why it was not made.
fn new_folder_ui(
    ui: &mut egui::Ui,
    browser: &mut Browser,
    lang: Lang,
    action: &mut Option<Action>,
) {
    let t = lang.t();
    let Some(form) = &mut browser.new_folder else {
        return;
    };
    ui.horizontal(|ui| {
        let label = ui.label(t.browse_new_name);
        let edit = ui
            .add_enabled(!form.creating, egui::TextEdit::singleline(&mut form.name))
            .labelled_by(label.id);
        if std::mem::take(&mut form.focus) {
            edit.request_focus();
        }
        if edit.changed() {
            form.problem = None;
        }
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let create = ui.add_enabled(
            !form.creating && !form.name.trim().is_empty(),
            egui::Button::new(t.browse_create),
        );
        if create.clicked() || enter {
            *action = Some(Action::Create);
        }
    });
    if let Some(problem) = &form.problem {
        ui.label(RichText::new(lang.new_folder_problem(problem)).color(ORANGE));
    }
}
