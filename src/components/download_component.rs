use leptos::prelude::*;
use tessera_model::page::{format_name, format_size, Disposition, DownloadBody};
use tessera_model::ComponentBody;

use crate::components::copy_status::CopyStatus;
use crate::state::use_editor;

/// A document to download: drop any asset from the Content Finder.
#[component]
pub fn DownloadComponent(id: String) -> impl IntoView {
    let editor = use_editor();
    let id = StoredValue::new(id);
    let download = Memo::new(move |_| {
        editor.content.with(|c| match c.components.iter().find(|x| x.id == id.get_value()).map(|x| &x.body) {
            Some(ComponentBody::Download(d)) => d.clone(),
            _ => DownloadBody::default(),
        })
    });
    view! {
        <div class="cmp-download">
            {move || {
                let d = download.get();
                match &d.asset {
                    Some(asset) if asset.renditions.is_empty() => view! {
                        <p class="placeholder fetch-state" role="status">{editor.fetch_note(asset)}</p>
                    }
                    .into_any(),
                    Some(asset) => {
                        let title = d.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| asset.title.clone());
                        let description = d.description.clone().unwrap_or_else(|| asset.description.clone());
                        view! {
                            <p class="download-title">{title}</p>
                            {(!description.trim().is_empty()).then(|| view! { <p class="download-description">{description}</p> })}
                            <p class="download-meta">
                                <span class="download-file">{asset.path.name().to_owned()}</span>
                                " · " {format_name(&asset.mime)} " · " {format_size(asset.size)}
                                " · " {match d.disposition { Disposition::Inline => "opens in the browser", Disposition::Attachment => "downloads" }}
                            </p>
                            <CopyStatus asset=asset.clone() />
                        }
                        .into_any()
                    }
                    None => view! {
                        <p class="placeholder">"Drag a document here from the Content Finder, or select this component and press Enter on one."</p>
                    }
                    .into_any(),
                }
            }}
        </div>
    }
}
