use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::html::Div;
use leptos::prelude::*;
use tessera_model::edit::{Aspect, EditState, Rect};
use tessera_model::page::ImageBody;
use tessera_model::ComponentBody;

use crate::state::use_editor;

/// Smallest crop side, in fractions, so a handle can always be grabbed again.
const MIN_SIDE: f64 = 0.02;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Grip {
    Move,
    NorthWest,
    NorthEast,
    SouthWest,
    SouthEast,
}

/// Crop, turn and flip the image of one Image component. Changes stay in this
/// session (with its own undo and redo) until Done; Cancel drops them.
#[component]
pub fn ImageEditor() -> impl IntoView {
    let editor = use_editor();
    move || {
        let id = editor.image_edit_for.get()?;
        let image = editor.content.with_untracked(|c| match c.components.iter().find(|x| x.id == id).map(|x| &x.body) {
            Some(ComponentBody::Image(i)) => Some(i.clone()),
            _ => None,
        })?;
        Some(view! { <EditSession id=id image=image /> })
    }
}

#[component]
fn EditSession(id: String, image: ImageBody) -> impl IntoView {
    let editor = use_editor();
    let asset = image.asset.clone();
    let (pw, ph) = (asset.as_ref().and_then(|a| a.width).unwrap_or(4), asset.as_ref().and_then(|a| a.height).unwrap_or(3));
    let src = asset.as_ref().and_then(|a| a.url(&["web-1280", "thumbnail-319", "original"])).unwrap_or_default();
    let state = RwSignal::new(image.edit.clone());
    let undo = StoredValue::new(Vec::<EditState>::new());
    let redo = StoredValue::new(Vec::<EditState>::new());
    let frame = NodeRef::<Div>::new();
    let drag = StoredValue::new(None::<(Grip, f64, f64, Rect)>);

    let change = move |f: &dyn Fn(&mut EditState)| {
        let before = state.get_untracked();
        let mut after = before.clone();
        f(&mut after);
        if after != before {
            undo.update_value(|u| u.push(before));
            redo.update_value(Vec::clear);
            state.set(after);
        }
    };
    let step_back = move || {
        if let Some(prev) = undo.try_update_value(Vec::pop).flatten() {
            redo.update_value(|r| r.push(state.get_untracked()));
            state.set(prev);
        }
    };
    let step_forward = move || {
        if let Some(next) = redo.try_update_value(Vec::pop).flatten() {
            undo.update_value(|u| u.push(state.get_untracked()));
            state.set(next);
        }
    };
    // The oriented picture's width : height, for aspect presets.
    let oriented_ratio = move || {
        let (ow, oh) = state.with(|s| s.oriented_size(pw, ph));
        f64::from(ow) / f64::from(oh)
    };
    let apply_aspect = move |aspect: Aspect| {
        let ratio = oriented_ratio();
        change(&|s: &mut EditState| {
            s.aspect = aspect;
            let wanted = match aspect {
                Aspect::Free => return,
                Aspect::Original => {
                    s.crop = None;
                    return;
                }
                Aspect::Ratio { w, h } => f64::from(w) / f64::from(h),
            };
            // The largest centred rectangle of that shape: fractions of each side.
            let (fw, fh) = if wanted >= ratio { (1.0, ratio / wanted) } else { (wanted / ratio, 1.0) };
            s.crop = Some(Rect { x: (1.0 - fw) / 2.0, y: (1.0 - fh) / 2.0, w: fw, h: fh });
        });
    };
    let crop = move || state.with(|s| s.crop.unwrap_or(Rect::FULL));

    let start = move |grip: Grip, ev: PointerEvent| {
        ev.prevent_default();
        ev.stop_propagation();
        if let Some(el) = frame.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        undo.update_value(|u| u.push(state.get_untracked()));
        redo.update_value(Vec::clear);
        drag.set_value(Some((grip, f64::from(ev.client_x()), f64::from(ev.client_y()), crop())));
    };
    let moved = move |ev: PointerEvent| {
        let Some((grip, x0, y0, r)) = drag.get_value() else { return };
        let Some(el) = frame.get_untracked() else { return };
        let bounds = el.get_bounding_client_rect();
        let dx = (f64::from(ev.client_x()) - x0) / bounds.width().max(1.0);
        let dy = (f64::from(ev.client_y()) - y0) / bounds.height().max(1.0);
        let mut n = r;
        match grip {
            Grip::Move => {
                n.x = (r.x + dx).clamp(0.0, 1.0 - r.w);
                n.y = (r.y + dy).clamp(0.0, 1.0 - r.h);
            }
            Grip::NorthWest | Grip::SouthWest => {
                n.x = (r.x + dx).clamp(0.0, r.x + r.w - MIN_SIDE);
                n.w = r.x + r.w - n.x;
            }
            _ => n.w = (r.w + dx).clamp(MIN_SIDE, 1.0 - r.x),
        }
        match grip {
            Grip::NorthWest | Grip::NorthEast => {
                n.y = (r.y + dy).clamp(0.0, r.y + r.h - MIN_SIDE);
                n.h = r.y + r.h - n.y;
            }
            Grip::SouthWest | Grip::SouthEast => n.h = (r.h + dy).clamp(MIN_SIDE, 1.0 - r.y),
            Grip::Move => {}
        }
        if let Aspect::Ratio { w, h } = state.with_untracked(|s| s.aspect) {
            if grip != Grip::Move {
                // Keep the preset's shape: the height follows the width.
                let fh = (n.w * oriented_ratio() * f64::from(h) / f64::from(w)).min(1.0 - n.y);
                n.h = fh.max(MIN_SIDE);
            }
        }
        state.update(|s| s.crop = Some(n));
    };
    let end = move |_| drag.set_value(None);
    let nudge = move |ev: KeyboardEvent| {
        let step = if ev.shift_key() { 0.1 } else { 0.01 };
        let (dx, dy) = match ev.key().as_str() {
            "ArrowLeft" => (-step, 0.0),
            "ArrowRight" => (step, 0.0),
            "ArrowUp" => (0.0, -step),
            "ArrowDown" => (0.0, step),
            _ => return,
        };
        ev.prevent_default();
        change(&|s: &mut EditState| {
            let r = s.crop.unwrap_or(Rect::FULL);
            s.crop = Some(Rect { x: (r.x + dx).clamp(0.0, 1.0 - r.w), y: (r.y + dy).clamp(0.0, 1.0 - r.h), ..r });
        });
    };
    let done = {
        let id = id.clone();
        move |_| {
            let edit = state.get_untracked();
            editor.update_component(&id, |b| {
                if let ComponentBody::Image(i) = b {
                    i.edit = edit;
                }
            });
            editor.image_edit_for.set(None);
        }
    };
    let grip_view = move |grip: Grip, class: &'static str, label: &'static str| {
        view! { <span class=format!("grip {class}") aria-hidden="true" title=label on:pointerdown=move |ev| start(grip, ev)></span> }
    };
    let preset_value = move || {
        let a = state.with(|s| s.aspect);
        Aspect::PRESETS.iter().position(|(_, p)| *p == a).unwrap_or(0).to_string()
    };

    view! {
        <div class="dialog-backdrop">
            <div class="dialog image-editor" role="dialog" aria-modal="true" aria-labelledby="image-editor-title">
                <h2 id="image-editor-title">"Edit image"</h2>
                <div class="image-tools" role="toolbar" aria-label="Image tools">
                    <button type="button" on:click=move |_| change(&|s: &mut EditState| s.rotate_counterclockwise())>"Rotate left"</button>
                    <button type="button" on:click=move |_| change(&|s: &mut EditState| s.rotate_clockwise())>"Rotate right"</button>
                    <button type="button" on:click=move |_| change(&|s: &mut EditState| s.flip_horizontally())>"Flip horizontally"</button>
                    <button type="button" on:click=move |_| change(&|s: &mut EditState| s.flip_vertically())>"Flip vertically"</button>
                    <label>
                        "Aspect"
                        <select prop:value=preset_value on:change=move |ev| {
                            let i: usize = event_target_value(&ev).parse().unwrap_or(0);
                            apply_aspect(Aspect::PRESETS[i.min(Aspect::PRESETS.len() - 1)].1);
                        }>
                            {Aspect::PRESETS.iter().enumerate().map(|(i, (label, _))| view! { <option value=i.to_string()>{*label}</option> }).collect_view()}
                        </select>
                    </label>
                    <button type="button" on:click=move |_| change(&|s: &mut EditState| *s = EditState::default())>"Reset"</button>
                    <button type="button" on:click=move |_| step_back()>"Undo edit"</button>
                    <button type="button" on:click=move |_| step_forward()>"Redo edit"</button>
                </div>
                <div
                    class="crop-stage"
                    node_ref=frame
                    style=move || { let (ow, oh) = state.with(|s| s.oriented_size(pw, ph)); format!("aspect-ratio: {ow} / {oh}") }
                    on:pointermove=moved
                    on:pointerup=end
                    on:pointercancel=end
                >
                    <img
                        src=src
                        alt=""
                        draggable="false"
                        style=move || state.with(|s| {
                            let (ow, oh) = s.oriented_size(pw, ph);
                            let (w, h) = if s.rotation.is_sideways() {
                                (f64::from(oh) / f64::from(ow) * 100.0, f64::from(ow) / f64::from(oh) * 100.0)
                            } else {
                                (100.0, 100.0)
                            };
                            format!(
                                "width: {w}%; height: {h}%; transform: translate(-50%, -50%) scale({}, {}) rotate({}deg)",
                                if s.flip_horizontal { -1 } else { 1 },
                                if s.flip_vertical { -1 } else { 1 },
                                s.rotation.degrees()
                            )
                        })
                    />
                    <div
                        class="crop-box"
                        role="slider"
                        tabindex="0"
                        aria-label="Crop area: drag, or use the arrow keys (Shift for larger steps)"
                        aria-valuetext=move || { let r = crop(); format!("{:.0}% by {:.0}% at {:.0}%, {:.0}%", r.w * 100.0, r.h * 100.0, r.x * 100.0, r.y * 100.0) }
                        style=move || { let r = crop(); format!("left: {}%; top: {}%; width: {}%; height: {}%", r.x * 100.0, r.y * 100.0, r.w * 100.0, r.h * 100.0) }
                        on:pointerdown=move |ev| start(Grip::Move, ev)
                        on:keydown=nudge
                    >
                        {grip_view(Grip::NorthWest, "nw", "Drag to resize")}
                        {grip_view(Grip::NorthEast, "ne", "Drag to resize")}
                        {grip_view(Grip::SouthWest, "sw", "Drag to resize")}
                        {grip_view(Grip::SouthEast, "se", "Drag to resize")}
                    </div>
                </div>
                <div class="dialog-buttons">
                    <button type="button" on:click=move |_| editor.image_edit_for.set(None)>"Cancel"</button>
                    <button type="button" class="primary" on:click=done>"Done"</button>
                </div>
            </div>
        </div>
    }
}
