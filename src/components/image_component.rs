use leptos::html::{Canvas, Img};
use leptos::prelude::*;
use tessera_model::page::ImageBody;
use tessera_model::ComponentBody;
use tessera_model::RenditionName;

use crate::components::copy_status::CopyStatus;
use crate::edit_preview::draw;
use crate::state::{preview_alt, use_editor};

/// An image: drop one from the Content Finder; its web rendition shows here.
#[component]
pub fn ImageComponent(id: String) -> impl IntoView {
    let editor = use_editor();
    let id = StoredValue::new(id);
    let image = Memo::new(move |_| {
        editor.content.with(|c| match c.components.iter().find(|x| x.id == id.get_value()).map(|x| &x.body) {
            Some(ComponentBody::Image(i)) => i.clone(),
            _ => ImageBody::default(),
        })
    });
    let source = NodeRef::<Img>::new();
    let canvas = NodeRef::<Canvas>::new();
    let redraw = move || {
        let edit = image.with_untracked(|i| i.edit.clone());
        if let (Some(img), Some(c)) = (source.get_untracked(), canvas.get_untracked()) {
            draw(&c, &img, &edit, 1280);
        }
    };
    // The preview follows every change of the edit state without asking the server.
    Effect::new(move |_| {
        image.track();
        let _ = (source.get(), canvas.get());
        redraw();
    });
    view! {
        <figure class="cmp-image">
            {move || {
                let body = image.get();
                match &body.asset {
                    Some(asset) if asset.renditions.is_empty() => view! {
                        <p class="placeholder fetch-state" role="status">{editor.fetch_note(asset)}</p>
                    }
                    .into_any(),
                    Some(asset) => {
                        let src = asset.url(&[RenditionName::Web1280, RenditionName::Thumbnail319, RenditionName::Original]).unwrap_or_default();
                        let edited = !body.edit.is_identity();
                        view! {
                            // Its size is known before it loads, so the page does not shift when it arrives.
                            <img node_ref=source src=src width=asset.width height=asset.height alt=preview_alt(&body) crossorigin="use-credentials" class:hidden=edited on:load=move |_| redraw() />
                            <canvas node_ref=canvas class="edited-preview" class:hidden=!edited role="img" aria-label=preview_alt(&body)></canvas>
                            {(!body.caption.trim().is_empty()).then(|| view! { <figcaption>{body.caption.clone()}</figcaption> })}
                            <CopyStatus asset=asset.clone() />
                        }
                        .into_any()
                    }
                    None => view! {
                        <p class="placeholder">"Drag an image here from the Content Finder, or select this component and press Enter on an image."</p>
                    }
                    .into_any(),
                }
            }}
        </figure>
    }
}
