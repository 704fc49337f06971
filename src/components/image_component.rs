use leptos::prelude::*;
use tessera_model::page::ImageBody;
use tessera_model::ComponentBody;

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
    view! {
        <figure class="cmp-image">
            {move || {
                let body = image.get();
                match &body.asset {
                    Some(asset) => {
                        let src = asset.url(&["web-1280", "thumbnail-319", "original"]).unwrap_or_default();
                        let transform = format!(
                            "transform: scale({}, {}) rotate({}deg)",
                            if body.edit.flip_horizontal { -1 } else { 1 },
                            if body.edit.flip_vertical { -1 } else { 1 },
                            body.edit.rotation.degrees()
                        );
                        view! {
                            <img src=src alt=preview_alt(&body) style=transform />
                            {(!body.caption.trim().is_empty()).then(|| view! { <figcaption>{body.caption.clone()}</figcaption> })}
                            <p class="asset-origin">{match &asset.repository { Some(r) => format!("Remote: {r}"), None => "Local".to_owned() }}</p>
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
