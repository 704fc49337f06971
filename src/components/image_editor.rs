use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::html::Div;
use leptos::prelude::*;
use tessera_model::edit::{Aspect, EditState, Point, Rect, Shape};
use tessera_model::page::ImageBody;
use tessera_model::ComponentBody;
use tessera_model::RenditionName;

use crate::components::icon::{Icon, IconKind};
use crate::components::modal::Modal;
use crate::components::segmented::Segmented;
use crate::state::use_editor;

/// Smallest crop side, in fractions, so a handle can always be grabbed again.
const MIN_SIDE: f64 = 0.02;

/// Zoom steps, in percent of the size that shows the whole picture.
const ZOOM_STEPS: [u32; 6] = [50, 75, FIT, 150, 200, 300];
const FIT: u32 = 100;

fn zoom_label(zoom: u32) -> String {
    if zoom == FIT {
        "Fit".to_owned()
    } else {
        format!("{zoom}%")
    }
}

/// The stage's size: at `FIT` the whole oriented picture fits the visible area
/// (`.crop-scroll` is a size container), whichever side limits it.
fn stage_size(width: u32, height: u32, zoom: u32) -> String {
    format!("aspect-ratio: {width} / {height}; width: calc(min(100cqw, 100cqh * {width} / {height}) * {zoom} / 100)")
}

/// A toolbar button drawn as an icon; the label is its accessible name and tooltip.
fn tool_button(label: &'static str, icon: IconKind, run: Callback<()>) -> impl IntoView {
    view! {
        <button type="button" class="icon-button" aria-label=label title=label on:click=move |_| run.run(())>
            <Icon kind=icon />
        </button>
    }
}

/// What a press on the picture does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    Crop,
    Focal,
    Areas,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ShapeKind {
    Rect,
    Circle,
    Polygon,
}

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
    let src = asset.as_ref().and_then(|a| a.url(&[RenditionName::Web1280, RenditionName::Thumbnail319, RenditionName::Original])).unwrap_or_default();
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
            // The largest rectangle of that shape, centred on the focal point if there
            // is one, else on the picture: fractions of each side.
            let (fw, fh) = if wanted >= ratio { (1.0, ratio / wanted) } else { (wanted / ratio, 1.0) };
            let centre = s.focal.map_or((0.5, 0.5), |p| (p.x, p.y));
            let x = (centre.0 - fw / 2.0).clamp(0.0, 1.0 - fw);
            let y = (centre.1 - fh / 2.0).clamp(0.0, 1.0 - fh);
            s.crop = Some(Rect { x, y, w: fw, h: fh });
        });
    };
    let crop = move || state.with(|s| s.crop.unwrap_or(Rect::FULL));
    let tool = RwSignal::new(Tool::Crop);
    let zoom = RwSignal::new(FIT);
    // A link area being drawn, and the one drawn that still needs its link.
    let sketch = StoredValue::new(None::<(f64, f64)>);
    let draft = RwSignal::new(None::<Shape>);
    let shape_kind = RwSignal::new(ShapeKind::Rect);
    // Fractions of the oriented picture per pixel, to keep circles round.
    let oriented = move || state.with_untracked(|s| s.oriented_size(pw, ph));
    let area_link = RwSignal::new(String::new());
    let area_alt = RwSignal::new(String::new());
    let area_new_window = RwSignal::new(false);
    let fraction_at = move |ev: &PointerEvent| -> Option<(f64, f64)> {
        let bounds = frame.get_untracked()?.get_bounding_client_rect();
        let x = (f64::from(ev.client_x()) - bounds.left()) / bounds.width().max(1.0);
        let y = (f64::from(ev.client_y()) - bounds.top()) / bounds.height().max(1.0);
        Some((x.clamp(0.0, 1.0), y.clamp(0.0, 1.0)))
    };
    let stage_down = move |ev: PointerEvent| {
        let Some((x, y)) = fraction_at(&ev) else {
            return;
        };
        match tool.get_untracked() {
            Tool::Crop => {}
            Tool::Focal => change(&|s: &mut EditState| s.focal = Some(tessera_model::edit::Point { x, y })),
            Tool::Areas => match shape_kind.get_untracked() {
                ShapeKind::Polygon => {
                    // Each press adds a corner.
                    let mut points = match draft.get_untracked() {
                        Some(Shape::Polygon { points }) => points,
                        _ => Vec::new(),
                    };
                    if points.len() < 64 {
                        points.push(Point { x, y });
                    }
                    draft.set(Some(Shape::Polygon { points }));
                }
                kind => {
                    if let Some(el) = frame.get_untracked() {
                        let _ = el.set_pointer_capture(ev.pointer_id());
                    }
                    sketch.set_value(Some((x, y)));
                    draft.set(Some(match kind {
                        ShapeKind::Circle => Shape::Circle { center: Point { x, y }, radius: 0.0 },
                        _ => Shape::Rect(Rect { x, y, w: 0.0, h: 0.0 }),
                    }));
                }
            },
        }
    };
    // The dialog says what is wrong itself: nothing shows above it.
    let area_error = RwSignal::new(None::<&'static str>);
    let add_area = move |_| {
        let (Some(shape), link, alt) = (draft.get_untracked(), area_link.get_untracked(), area_alt.get_untracked()) else {
            return;
        };
        if matches!(&shape, Shape::Polygon { points } if points.len() < 3) {
            area_error.set(Some("A polygon needs at least three corners: click the picture to add them."));
            return;
        }
        if !tessera_model::page::is_safe_link(&link) || alt.trim().is_empty() {
            area_error.set(Some("A link area needs a link (https://…, mailto: or a path starting with /) and an alt text."));
            return;
        }
        let target = area_new_window.get_untracked().then(|| "_blank".to_owned());
        change(&|s: &mut EditState| {
            s.areas.push(tessera_model::edit::Area { shape: shape.clone(), link: link.clone(), target: target.clone(), alt: alt.clone() })
        });
        draft.set(None);
        area_error.set(None);
        area_link.set(String::new());
        area_alt.set(String::new());
    };

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
        if let (Some((sx, sy)), Some((x, y))) = (sketch.get_value(), fraction_at(&ev)) {
            draft.set(Some(match draft.get_untracked() {
                Some(Shape::Circle { center, .. }) => {
                    let (ow, oh) = oriented();
                    let (dx, dy) = ((x - sx) * f64::from(ow), (y - sy) * f64::from(oh));
                    Shape::Circle { center, radius: (dx.hypot(dy) / f64::from(ow.min(oh))).min(1.0) }
                }
                _ => Shape::Rect(Rect { x: sx.min(x), y: sy.min(y), w: (x - sx).abs(), h: (y - sy).abs() }),
            }));
            return;
        }
        let Some((grip, x0, y0, r)) = drag.get_value() else {
            return;
        };
        let Some(el) = frame.get_untracked() else {
            return;
        };
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
    let end = move |_| {
        drag.set_value(None);
        if sketch.get_value().is_some() {
            sketch.set_value(None);
            let too_small = match draft.get_untracked() {
                Some(Shape::Rect(r)) => r.w < MIN_SIDE || r.h < MIN_SIDE,
                Some(Shape::Circle { radius, .. }) => radius < MIN_SIDE / 2.0,
                _ => false,
            };
            if too_small {
                draft.set(None);
            }
        }
    };
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
    // The built-in presets, then the ones the image policy adds.
    let presets = StoredValue::new({
        let mut all: Vec<(String, Aspect)> = Aspect::PRESETS.iter().map(|(l, a)| ((*l).to_owned(), *a)).collect();
        for (w, h) in editor.aspect_presets.get_untracked() {
            let aspect = Aspect::Ratio { w, h };
            if !all.iter().any(|(_, a)| *a == aspect) {
                all.push((format!("{w}:{h}"), aspect));
            }
        }
        all
    });
    let preset_value = move || {
        let a = state.with(|s| s.aspect);
        presets.with_value(|p| p.iter().position(|(_, x)| *x == a).unwrap_or(0)).to_string()
    };

    view! {
        <Modal labelled_by="image-editor-title" class="image-editor" on_close=Callback::new(move |_| editor.image_edit_for.set(None))>
                <h2 id="image-editor-title">"Edit image"</h2>
                <div class="image-tools" role="toolbar" aria-label="Image tools">
                    {tool_button("Rotate left", IconKind::RotateLeft, Callback::new(move |()| change(&|s: &mut EditState| s.rotate_counterclockwise())))}
                    {tool_button("Rotate right", IconKind::RotateRight, Callback::new(move |()| change(&|s: &mut EditState| s.rotate_clockwise())))}
                    {tool_button("Flip horizontally", IconKind::FlipHorizontal, Callback::new(move |()| change(&|s: &mut EditState| s.flip_horizontally())))}
                    {tool_button("Flip vertically", IconKind::FlipVertical, Callback::new(move |()| change(&|s: &mut EditState| s.flip_vertically())))}
                    <label class="inline-field">
                        "Aspect"
                        <select prop:value=preset_value on:change=move |ev| {
                            let i: usize = event_target_value(&ev).parse().unwrap_or(0);
                            if let Some(aspect) = presets.with_value(|p| p.get(i).map(|(_, a)| *a)) {
                                apply_aspect(aspect);
                            }
                        }>
                            {presets.get_value().into_iter().enumerate().map(|(i, (label, _))| view! { <option value=i.to_string()>{label}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="inline-field">
                        "Zoom"
                        <select prop:value=move || zoom.get().to_string() on:change=move |ev| zoom.set(event_target_value(&ev).parse().unwrap_or(FIT))>
                            {ZOOM_STEPS.iter().map(|&z| view! { <option value=z.to_string()>{zoom_label(z)}</option> }).collect_view()}
                        </select>
                    </label>
                    <span class="tools-end">
                        {tool_button("Undo edit", IconKind::Undo, Callback::new(move |()| step_back()))}
                        {tool_button("Redo edit", IconKind::Redo, Callback::new(move |()| step_forward()))}
                        <button type="button" on:click=move |_| change(&|s: &mut EditState| *s = EditState::default())>"Reset"</button>
                    </span>
                </div>
                <Segmented
                    label="Tool"
                    options=vec![(Tool::Crop, Signal::stored("Crop".to_owned())), (Tool::Focal, Signal::stored("Focal point".to_owned())), (Tool::Areas, Signal::stored("Link areas".to_owned()))]
                    value=tool
                    on_change=Callback::new(move |t| tool.set(t))
                />
                <div class="crop-scroll">
                <div
                    class="crop-stage"
                    class:drawing=move || tool.get() != Tool::Crop
                    node_ref=frame
                    style=move || { let (ow, oh) = state.with(|s| s.oriented_size(pw, ph)); stage_size(ow, oh, zoom.get()) }
                    on:pointerdown=stage_down
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
                    {move || state.with(|s| s.focal).map(|p| view! {
                        <span class="focal-dot" aria-hidden="true" style=format!("left: {}%; top: {}%", p.x * 100.0, p.y * 100.0)></span>
                    })}
                    <svg class="area-overlay" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
                        {move || {
                            let (ow, oh) = state.with(|s| s.oriented_size(pw, ph));
                            let mut shapes: Vec<Shape> = state.with(|s| s.areas.iter().map(|a| a.shape.clone()).collect());
                            shapes.extend(draft.get());
                            shapes.into_iter().map(|shape| match shape {
                                Shape::Rect(r) => view! { <rect x=r.x * 100.0 y=r.y * 100.0 width=r.w * 100.0 height=r.h * 100.0 /> }.into_any(),
                                Shape::Circle { center, radius } => {
                                    let r = radius * f64::from(ow.min(oh));
                                    view! { <ellipse cx=center.x * 100.0 cy=center.y * 100.0 rx=r / f64::from(ow) * 100.0 ry=r / f64::from(oh) * 100.0 /> }.into_any()
                                }
                                Shape::Polygon { points } => {
                                    let pts = points.iter().map(|p| format!("{},{}", p.x * 100.0, p.y * 100.0)).collect::<Vec<_>>().join(" ");
                                    view! { <polygon points=pts /> }.into_any()
                                }
                            }).collect_view()
                        }}
                    </svg>
                </div>
                </div>
                <Show when=move || tool.get() == Tool::Focal>
                    <p class="finder-message">{move || match state.with(|s| s.focal) {
                        Some(p) => format!("Focal point at {:.0}%, {:.0}%. Click the picture to move it.", p.x * 100.0, p.y * 100.0),
                        None => "Click the picture where it must stay in view.".to_owned(),
                    }}</p>
                </Show>
                <Show when=move || tool.get() == Tool::Areas>
                    <div class="areas">
                        <Segmented
                            label="Area shape"
                            options=vec![
                                (ShapeKind::Rect, Signal::stored("Rectangle".to_owned())),
                                (ShapeKind::Circle, Signal::stored("Circle".to_owned())),
                                (ShapeKind::Polygon, Signal::stored("Polygon".to_owned())),
                            ]
                            value=shape_kind
                            on_change=Callback::new(move |k| { shape_kind.set(k); draft.set(None); })
                        />
                        <p class="finder-message">{move || match shape_kind.get() {
                            ShapeKind::Polygon => "Click the picture to place each corner.",
                            ShapeKind::Circle => "Drag from the centre outwards.",
                            ShapeKind::Rect => "Drag on the picture to draw a link area.",
                        }}</p>
                        <Show when=move || draft.get().is_some()>
                            <div class="area-form" role="group" aria-label="New link area">
                                <label>"Link" <input type="text" placeholder="https://…" bind:value=area_link /></label>
                                <label>"Alt text" <input type="text" bind:value=area_alt /></label>
                                <label class="checkbox"><input type="checkbox" bind:checked=area_new_window />"Open in a new window"</label>
                                <button type="button" class="primary" on:click=add_area>"Add area"</button>
                                {move || area_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                            </div>
                        </Show>
                        <ul aria-label="Link areas">
                            {move || state.with(|s| s.areas.iter().map(|a| (a.alt.clone(), a.link.clone())).collect::<Vec<_>>()).into_iter().enumerate().map(|(i, (alt, link))| view! {
                                <li>
                                    {format!("{alt} → {link} ")}
                                    <button type="button" class="link-button" on:click=move |_| change(&|s: &mut EditState| { if i < s.areas.len() { s.areas.remove(i); } })>
                                        {format!("Remove {alt}")}
                                    </button>
                                </li>
                            }).collect_view()}
                        </ul>
                    </div>
                </Show>
                <div class="dialog-buttons">
                    <button type="button" on:click=move |_| editor.image_edit_for.set(None)>"Cancel"</button>
                    <button type="button" class="primary" on:click=done>"Done"</button>
                </div>
        </Modal>
    }
}
