//! Paste anywhere: Ctrl+V with no text field focused adds the clipboard's links to the links
//! box, wherever the person is in the window. Dropped list files are read in `view.rs`.
//! Text dragged onto the window (a link from a browser) cannot be taken: the windowing layer
//! (winit 0.30) hands the window only dropped files — on X11 and Wayland it accepts only
//! `file://` addresses, on Windows only dropped files, on macOS only file names — so a
//! dragged link never reaches egui on any desktop platform.

use super::DownpourApp;

impl DownpourApp {
    /// Takes the pastes no text field took into the links box. Called before the panels, so
    /// a focused field (the links box, the folder, the speed limit) still gets its own paste:
    /// a paste is taken here only when no field has the keyboard.
    pub(super) fn paste_anywhere_ui(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let pasted = ctx.input_mut(|i| {
            let mut pasted = Vec::new();
            i.events.retain(|event| match event {
                egui::Event::Paste(text) => {
                    pasted.push(text.clone());
                    false
                }
                _ => true,
            });
            pasted
        });
        for text in pasted.iter().filter(|text| !text.trim().is_empty()) {
            self.add_links(text);
        }
    }
}
