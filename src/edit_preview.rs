//! The editor's local preview of an edit state: the same orient → crop order as the
//! server's renderer, drawn on a canvas from a rendition already in the browser.

use tessera_model::edit::EditState;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlImageElement};

/// Draws `image` (an upright rendition) with `edit` applied onto `canvas`, at most
/// `max_width` pixels wide.
pub fn draw(canvas: &HtmlCanvasElement, image: &HtmlImageElement, edit: &EditState, max_width: u32) -> Option<()> {
    let (w, h) = (image.natural_width(), image.natural_height());
    if w == 0 || h == 0 {
        return None;
    }
    let (ow, oh) = edit.oriented_size(w, h);
    let (cx, cy, cw, ch) = edit.crop_pixels(w, h);
    let scale = (f64::from(max_width) / f64::from(cw)).min(1.0);
    canvas.set_width((f64::from(cw) * scale).round().max(1.0) as u32);
    canvas.set_height((f64::from(ch) * scale).round().max(1.0) as u32);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.set_image_smoothing_enabled(true);
    ctx.reset_transform().ok()?;
    ctx.scale(scale, scale).ok()?;
    // Move the crop's corner to the origin, then draw the oriented picture.
    ctx.translate(-f64::from(cx), -f64::from(cy)).ok()?;
    // Orienting: turn clockwise, then flip in the turned frame. Canvas transforms
    // apply to what is drawn after them, last first: flip, then turn.
    ctx.translate(f64::from(ow) / 2.0, f64::from(oh) / 2.0).ok()?;
    ctx.scale(if edit.flip_horizontal { -1.0 } else { 1.0 }, if edit.flip_vertical { -1.0 } else { 1.0 }).ok()?;
    ctx.rotate(f64::from(edit.rotation.degrees()).to_radians()).ok()?;
    ctx.draw_image_with_html_image_element(image, -f64::from(w) / 2.0, -f64::from(h) / 2.0).ok()?;
    Some(())
}
