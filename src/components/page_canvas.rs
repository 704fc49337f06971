use leptos::ev::{DragEvent, KeyboardEvent};
use leptos::prelude::*;
use tessera_model::{AssetDragPayload, ComponentBody, ASSET_DRAG_MIME};

use crate::components::download_component::DownloadComponent;
use crate::components::icon::{Icon, IconKind};
use crate::components::image_component::ImageComponent;
use crate::components::text_component::TextComponent;
use crate::components::title_component::TitleComponent;
use crate::state::use_editor;

/// The MIME type of a component being reordered by dragging.
const COMPONENT_DRAG_MIME: &str = "application/vnd.tessera.component";

/// The page being edited: its components in order.
#[component]
pub fn PageCanvas() -> impl IntoView {
    let editor = use_editor();
    view! {
        <main class="page" aria-label="Page">
            {move || match editor.page_path.get() {
                None => view! { <p class="finder-message">"Open a page in the Pages tab, or create one."</p> }.into_any(),
                Some(_) => view! {
                    <input
                        class="page-title-input"
                        aria-label="Page title"
                        prop:value=move || editor.content.with(|c| c.title.clone())
                        on:focus=move |_| editor.begin_typing()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            editor.type_change(|c| c.title = v);
                        }
                    />
                    <label class="page-description">
                        "Description"
                        <span class="field-hint">" (search results and link previews show it)"</span>
                        <textarea
                            rows="2"
                            maxlength=tessera_model::page::MAX_DESCRIPTION
                            prop:value=move || editor.content.with(|c| c.description.clone())
                            on:focus=move |_| editor.begin_typing()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                editor.type_change(|c| c.description = v);
                            }
                        ></textarea>
                    </label>
                    <section class="components" aria-label="Components">
                        <For each=move || editor.content.with(|c| c.components.iter().map(|x| x.id.clone()).collect::<Vec<_>>()) key=|id| id.clone() let:id>
                            <ComponentFrame id=id />
                        </For>
                    </section>
                    <Show when=move || editor.content.with(|c| c.components.is_empty())>
                        <p class="finder-message">"This page is empty. Add components from the Components tab."</p>
                    </Show>
                }.into_any(),
            }}
        </main>
    }
}

/// One component on the page, with its own toolbar; drag it by its handle to reorder.
#[component]
fn ComponentFrame(id: String) -> impl IntoView {
    let editor = use_editor();
    let id = StoredValue::new(id);
    let body = Memo::new(move |_| editor.content.with(|c| c.components.iter().find(|x| x.id == id.get_value()).map(|x| x.body.clone())));
    let selected = move || editor.selected.get().as_deref() == Some(id.get_value().as_str());
    let kind = Memo::new(move |_| body.with(|b| b.as_ref().map(|b| b.label())));
    let label = move || kind.get().unwrap_or("");
    let has_properties = move || body.with(|b| matches!(b, Some(ComponentBody::Image(_) | ComponentBody::Download(_))));
    let has_image = move || body.with(|b| matches!(b, Some(ComponentBody::Image(i)) if i.asset.is_some()));
    let drop_hover = RwSignal::new(false);

    let on_dragover = move |ev: DragEvent| {
        ev.prevent_default();
        drop_hover.set(true);
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        drop_hover.set(false);
        let Some(dt) = ev.data_transfer() else { return };
        if let Ok(moving) = dt.get_data(COMPONENT_DRAG_MIME) {
            if !moving.is_empty() {
                editor.move_component(&moving, Some(&id.get_value()));
                return;
            }
        }
        let data = dt.get_data(ASSET_DRAG_MIME).unwrap_or_default();
        match crate::api::decode::<AssetDragPayload>(&data) {
            Ok(payload) => editor.drop_asset(&id.get_value(), &payload),
            Err(_) => editor.notify(format!("Only assets dragged from the Content Finder can be dropped on the {} component.", label())),
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.target() != ev.current_target() {
            return;
        }
        match ev.key().as_str() {
            // Choosing a component is an act of its own: focus passing through does not.
            "Enter" | " " => editor.selected.set(Some(id.get_value())),
            "Delete" => editor.remove_component(&id.get_value()),
            "ArrowUp" if ev.alt_key() => editor.shift_component(&id.get_value(), -1),
            "ArrowDown" if ev.alt_key() => editor.shift_component(&id.get_value(), 1),
            _ => return,
        }
        ev.prevent_default();
    };

    view! {
        <div
            class="component"
            class:selected=selected
            class:drop-hover=move || drop_hover.get()
            role="group"
            aria-label=move || format!("{} component", label())
            aria-current=move || selected().then_some("true")
            data-component-id=id.get_value()
            tabindex="0"
            on:click=move |_| editor.selected.set(Some(id.get_value()))
            on:dragenter=move |ev: DragEvent| { ev.prevent_default(); drop_hover.set(true) }
            on:dragover=on_dragover
            on:dragleave=move |_| drop_hover.set(false)
            on:drop=on_drop
            on:keydown=on_keydown
        >
            <div class="component-bar" role="toolbar" aria-label=move || format!("{} component actions", label())>
                <span
                    class="drag-handle"
                    draggable="true"
                    title="Drag to reorder"
                    aria-hidden="true"
                    on:dragstart=move |ev: DragEvent| {
                        if let Some(dt) = ev.data_transfer() {
                            let _ = dt.set_data(COMPONENT_DRAG_MIME, &id.get_value());
                            dt.set_effect_allowed("move");
                        }
                    }
                >
                    <Icon kind=IconKind::DragHandle /> {label}
                </span>
                <button type="button" class="icon-button" aria-label="Move up" on:click=move |_| editor.shift_component(&id.get_value(), -1)><Icon kind=IconKind::MoveUp /></button>
                <button type="button" class="icon-button" aria-label="Move down" on:click=move |_| editor.shift_component(&id.get_value(), 1)><Icon kind=IconKind::MoveDown /></button>
                <Show when=has_image>
                    <button type="button" class="icon-button" aria-label="Edit image" on:click=move |_| editor.image_edit_for.set(Some(id.get_value()))><Icon kind=IconKind::Pencil /></button>
                </Show>
                <Show when=has_properties>
                    <button type="button" class="icon-button" aria-label="Properties" on:click=move |_| editor.properties_for.set(Some(id.get_value()))><Icon kind=IconKind::Properties /></button>
                </Show>
                <button type="button" class="icon-button" aria-label="Delete component" on:click=move |_| editor.remove_component(&id.get_value())><Icon kind=IconKind::Close /></button>
            </div>
            // Rebuilt only when the kind changes, so typing keeps focus.
            {move || match kind.get() {
                Some("Title") => view! { <TitleComponent id=id.get_value() /> }.into_any(),
                Some("Text") => view! { <TextComponent id=id.get_value() /> }.into_any(),
                Some("Image") => view! { <ImageComponent id=id.get_value() /> }.into_any(),
                Some("Download") => view! { <DownloadComponent id=id.get_value() /> }.into_any(),
                _ => ().into_any(),
            }}
        </div>
    }
}
