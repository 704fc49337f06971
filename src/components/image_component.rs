use leptos::ev::DragEvent;
use leptos::prelude::*;
use tessera_model::{AssetDragPayload, AssetKind, ASSET_DRAG_MIME};

use crate::state::{use_editor, Editor};

/// The page's Image component: a drop target for images from the Content Finder.
#[component]
pub fn ImageComponent() -> impl IntoView {
    let editor = use_editor();
    let hovering = RwSignal::new(false);

    let on_dragover = move |ev: DragEvent| {
        // Accept every drag here, so that a drop of the wrong kind can say why it was refused.
        ev.prevent_default();
        if let Some(dt) = ev.data_transfer() {
            dt.set_drop_effect("copy");
        }
        hovering.set(true);
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        hovering.set(false);
        let data = ev.data_transfer().and_then(|dt| dt.get_data(ASSET_DRAG_MIME).ok()).unwrap_or_default();
        match serde_json::from_str::<AssetDragPayload>(&data) {
            Ok(payload) => place_asset(&editor, payload),
            Err(_) => editor.notify("Only assets dragged from the Content Finder can be dropped on the Image component."),
        }
    };

    view! {
        <figure
            class="cmp-image"
            class:drop-hover=move || hovering.get()
            role="group"
            aria-label="Image component"
            on:dragenter=move |ev: DragEvent| { ev.prevent_default(); hovering.set(true) }
            on:dragover=on_dragover
            on:dragleave=move |_| hovering.set(false)
            on:drop=on_drop
        >
            {move || match editor.image.get() {
                Some(p) => {
                    let src = p
                        .asset
                        .first_rendition(&["web-1280", "thumbnail-319", "original"])
                        .map(|href| format!("{}{}", p.repository, href))
                        .unwrap_or_default();
                    view! {
                        <img src=src alt=p.asset.title.clone() />
                        <figcaption>{p.asset.title.clone()}</figcaption>
                    }
                    .into_any()
                }
                None => view! {
                    <p class="placeholder">"Drag an image here from the Content Finder, or select one and press Enter."</p>
                }
                .into_any(),
            }}
        </figure>
    }
}

/// Puts an asset into the Image component, or says why it does not fit there.
pub fn place_asset(editor: &Editor, payload: AssetDragPayload) {
    if payload.asset.kind == AssetKind::Image {
        editor.image.set(Some(payload));
    } else {
        editor.notify(format!(
            "\u{201c}{}\u{201d} is a document, not an image: the Image component only takes images.",
            payload.asset.title
        ));
    }
}
