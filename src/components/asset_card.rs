use leptos::ev::{DragEvent, KeyboardEvent};
use leptos::prelude::*;
use tessera_model::RenditionName;
use tessera_model::{AssetDragPayload, AssetDto, AssetKind, ASSET_DRAG_MIME};

use crate::api::Client;
use crate::finder::{use_finder, FinderEvent, Source, Strings};

/// One asset in the Content Finder: click to select it, drag it onto a component (or
/// any drop target of the page), Enter or a double click to choose it.
#[component]
pub fn AssetCard(asset: AssetDto, client: Client, source: Source) -> impl IntoView {
    let finder = use_finder();
    // Hosts get absolute URLs even for the page's own DAM.
    let payload = AssetDragPayload::new(&client.origin(), asset.clone());
    let json = crate::api::encode_text(&payload).unwrap_or_default();
    let thumbnail = asset.rendition(RenditionName::Thumbnail319).map(|href| client.url(href)).filter(|_| asset.kind == AssetKind::Image);
    let original = asset.rendition(RenditionName::Original).map(|href| client.url(href));
    let badge = document_badge(&asset.mime);
    let title = asset.title.clone();
    let text = move |key: Strings| finder.options.with_untracked(|o| o.text(key));
    let kind = if asset.kind == AssetKind::Image { Strings::Image } else { Strings::Document };
    let label = finder.options.with_untracked(|o| o.text_with(kind, &[("title", &asset.title)]));
    let connected = asset.connected.as_ref().map(|c| finder.options.with_untracked(|o| o.text_with(Strings::ConnectedCopy, &[("dam", &c.dam_url)])));
    let live_copy = asset.live_copy;
    let description = match (&connected, live_copy.then(|| text(Strings::LiveCopy))) {
        (Some(c), Some(l)) => Some(format!("{c}; {l}")),
        (c, l) => c.clone().or(l),
    };
    let references = (source, asset.path.clone(), asset.title.clone());
    let references_label = format!("References of {}", asset.title);

    let (repository, path) = (payload.repository.clone(), payload.path.clone());
    let selected = move || finder.is_selected(&repository, &path);
    let on_dragstart = {
        let json = json.clone();
        let payload = payload.clone();
        move |ev: DragEvent| {
            finder.emit(FinderEvent::DragStarted(Box::new(payload.clone())));
            if let Some(dt) = ev.data_transfer() {
                let _ = dt.set_data(ASSET_DRAG_MIME, &json);
                if let Some(url) = &original {
                    let _ = dt.set_data("text/uri-list", url);
                }
                dt.set_effect_allowed("copy");
            }
        }
    };
    let on_keydown = {
        let payload = payload.clone();
        move |ev: KeyboardEvent| {
            if ev.key() == "Enter" {
                ev.prevent_default();
                finder.confirm(payload.clone());
            } else if ev.key() == " " {
                ev.prevent_default();
                finder.toggle(payload.clone());
            }
        }
    };
    let on_click = {
        let payload = payload.clone();
        move |_| finder.toggle(payload.clone())
    };
    let on_dblclick = move |_| finder.confirm(payload.clone());

    view! {
        <li class="asset">
            <div
                class="asset-card"
                role="button"
                tabindex="0"
                draggable="true"
                aria-label=label
                aria-description=description
                aria-pressed=move || selected().to_string()
                data-source=source.label()
                on:dragstart=on_dragstart
                on:keydown=on_keydown
                on:click=on_click
                on:dblclick=on_dblclick
            >
                {match thumbnail {
                    Some(src) => view! { <img src=src alt="" loading="lazy" draggable="false" /> }.into_any(),
                    // The type is drawn by CSS from data-badge, so the card's visible text is
                    // its title, as its accessible name says.
                    None => view! { <span class="doc-badge" aria-hidden="true" data-badge=badge></span> }.into_any(),
                }}
                <span class="asset-title">{title}</span>
                {connected.map(|why| view! { <span class="connected-badge" title=why aria-hidden="true">{text(Strings::ConnectedBadge)}</span> })}
                {live_copy.then(|| view! { <span class="connected-badge live-copy-badge" aria-hidden="true">{text(Strings::LiveCopyBadge)}</span> })}
            </div>
            {editor_actions(references, references_label)}
        </li>
    }
}

/// Only the page editor has the References and Add to Collection dialogs.
#[cfg(feature = "editor")]
fn editor_actions(asset: (Source, tessera_model::DamPath, String), references_label: String) -> impl IntoView {
    use_context::<crate::state::Editor>().map(|editor| {
        let collect_label = format!("Add {} to a Collection", asset.2);
        let collect = asset.clone();
        view! {
            <span class="asset-actions">
                <button
                    type="button"
                    class="link-button asset-references"
                    aria-label=references_label
                    on:click=move |_| editor.references_for.set(Some(asset.clone()))
                >
                    "References"
                </button>
                <button type="button" class="link-button" aria-label=collect_label on:click=move |_| editor.collect_for.set(Some(collect.clone()))>
                    "Add to Collection"
                </button>
            </span>
        }
    })
}

#[cfg(not(feature = "editor"))]
fn editor_actions(_: (Source, tessera_model::DamPath, String), _: String) -> impl IntoView {}

fn document_badge(mime: &str) -> &'static str {
    match mime {
        "application/pdf" => "PDF",
        m if m.contains("word") => "DOC",
        m if m.contains("sheet") || m.contains("excel") => "XLS",
        m if m.contains("presentation") || m.contains("powerpoint") => "PPT",
        m if m.starts_with("text/") => "TXT",
        _ => "FILE",
    }
}
