//! The rows' small icon buttons, drawn with lines and shapes rather than glyphs: egui's own
//! fonts have no pause or stop sign, and a system's emoji font may be missing. Each button is
//! named for screen readers and has a tooltip.

use egui::{Color32, Pos2, Rect, Sense, Shape, Stroke, pos2, vec2};

use super::row_actions::RowAction;
use downpour::run::Move;

/// The side of an icon button.
const SIDE: f32 = 20.0;

/// A small button showing `action`'s icon, named `name` for screen readers, with `tip` on
/// hover; greyed out, in its place, when `enabled` is false.
pub fn icon_button_ui(
    ui: &mut egui::Ui,
    action: RowAction,
    name: &str,
    tip: &str,
    enabled: bool,
) -> egui::Response {
    let sense = if enabled {
        Sense::click()
    } else {
        Sense::hover()
    };
    let (rect, response) = ui.allocate_exact_size(vec2(SIDE, SIDE), sense);
    let visuals = ui.style().interact(&response);
    if enabled && (response.hovered() || response.has_focus()) {
        ui.painter()
            .rect_filled(rect, visuals.corner_radius, visuals.weak_bg_fill);
    }
    let color = if enabled {
        visuals.fg_stroke.color
    } else {
        ui.visuals().weak_text_color().gamma_multiply(0.5)
    };
    paint_icon(ui.painter(), rect.shrink(5.0), action, color);
    let name = name.to_owned();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, name.clone()));
    response.on_hover_text(tip)
}

/// Draws `action`'s icon in `r`.
fn paint_icon(painter: &egui::Painter, r: Rect, action: RowAction, color: Color32) {
    let stroke = Stroke::new(1.6, color);
    let (c, w, h) = (r.center(), r.width(), r.height());
    match action {
        RowAction::Pause => {
            let bar = vec2(w * 0.3, h);
            painter.rect_filled(Rect::from_min_size(r.min, bar), 0.0, color);
            let right = pos2(r.max.x - bar.x, r.min.y);
            painter.rect_filled(Rect::from_min_size(right, bar), 0.0, color);
        }
        RowAction::Resume => triangle(
            painter,
            [r.left_top(), r.left_bottom(), r.right_center()],
            color,
        ),
        RowAction::Cancel => {
            painter.rect_filled(r.shrink(0.5), 1.0, color);
        }
        RowAction::Remove => bin(painter, r, color),
        RowAction::Retry | RowAction::ChangeAddress => circling_arrow(painter, r, color),
        RowAction::OpenFolder => {
            let body = Rect::from_min_max(pos2(r.min.x, r.min.y + h * 0.25), r.max);
            painter.rect_stroke(body, 1.0, stroke, egui::StrokeKind::Inside);
            let tab = Rect::from_min_max(r.min, pos2(r.min.x + w * 0.45, r.min.y + h * 0.3));
            painter.rect_filled(tab, 1.0, color);
        }
        RowAction::Move(Move::Up) => {
            triangle(
                painter,
                [r.center_top(), r.left_bottom(), r.right_bottom()],
                color,
            );
        }
        RowAction::Move(Move::Down) => {
            triangle(
                painter,
                [r.left_top(), r.right_top(), r.center_bottom()],
                color,
            );
        }
        RowAction::Move(Move::Top) => {
            painter.line_segment([r.left_top(), r.right_top()], Stroke::new(2.0, color));
            let low = pos2(r.min.x, r.max.y);
            triangle(
                painter,
                [pos2(c.x, r.min.y + 3.5), low, r.right_bottom()],
                color,
            );
        }
    }
}

/// A bin: its lid and handle, its body with two ribs.
fn bin(painter: &egui::Painter, r: Rect, color: Color32) {
    let stroke = Stroke::new(1.6, color);
    let (c, w, h) = (r.center(), r.width(), r.height());
    let lid = r.min.y + h * 0.18;
    painter.line_segment([pos2(r.min.x, lid), pos2(r.max.x, lid)], stroke);
    let handle = Rect::from_min_max(pos2(c.x - w * 0.18, r.min.y), pos2(c.x + w * 0.18, lid));
    painter.rect_stroke(
        handle,
        0.0,
        Stroke::new(1.2, color),
        egui::StrokeKind::Inside,
    );
    let body = Rect::from_min_max(
        pos2(r.min.x + w * 0.12, lid + 1.5),
        pos2(r.max.x - w * 0.12, r.max.y),
    );
    painter.rect_stroke(body, 1.0, stroke, egui::StrokeKind::Inside);
    for x in [c.x - w * 0.13, c.x + w * 0.13] {
        painter.line_segment(
            [pos2(x, lid + 3.5), pos2(x, r.max.y - 2.0)],
            Stroke::new(1.0, color),
        );
    }
}

/// An arrow going round: do it again.
fn circling_arrow(painter: &egui::Painter, r: Rect, color: Color32) {
    let (c, radius) = (r.center(), r.width() * 0.5);
    let points: Vec<Pos2> = (0..=20)
        .map(|k| {
            let a = -0.4 + k as f32 / 20.0 * 4.8;
            c + vec2(a.cos(), a.sin()) * radius
        })
        .collect();
    let end = points[points.len() - 1];
    painter.add(Shape::line(points, Stroke::new(1.6, color)));
    let tip = end + vec2(3.5, 0.5);
    triangle(
        painter,
        [end + vec2(-2.5, -2.5), end + vec2(2.5, -2.5), tip],
        color,
    );
}

fn triangle(painter: &egui::Painter, points: [Pos2; 3], color: Color32) {
    painter.add(Shape::convex_polygon(points.to_vec(), color, Stroke::NONE));
}
