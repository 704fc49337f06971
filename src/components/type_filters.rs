use leptos::prelude::*;
use tessera_model::{AssetKind, DocType};

/// The Type filter (images or documents) and, for documents, the Document type
/// filter: one component for the Content Finder and the Assets console, so both
/// search the same way.
#[component]
pub fn TypeFilters(
    kind: RwSignal<Option<AssetKind>>,
    doctype: RwSignal<Option<DocType>>,
    #[prop(into)] offers_type: Signal<bool>,
    #[prop(into)] offers_doctype: Signal<bool>,
) -> impl IntoView {
    let kind_value = move || match kind.get() {
        Some(AssetKind::Image) => "image",
        Some(AssetKind::Document) => "document",
        None => "all",
    };
    let doctype_value = move || match doctype.get() {
        Some(DocType::Pdf) => "pdf",
        Some(DocType::Word) => "word",
        Some(DocType::Excel) => "excel",
        Some(DocType::Powerpoint) => "powerpoint",
        Some(DocType::Text) => "text",
        None => "any",
    };
    view! {
        <Show when=move || offers_type.get()>
            <label>
                "Type"
                <select prop:value=kind_value on:change=move |ev| {
                    let v = event_target_value(&ev);
                    kind.set(match v.as_str() { "image" => Some(AssetKind::Image), "document" => Some(AssetKind::Document), _ => None });
                    if v != "document" { doctype.set(None); }
                }>
                    <option value="all">"All"</option>
                    <option value="image">"Images"</option>
                    <option value="document">"Documents"</option>
                </select>
            </label>
        </Show>
        <Show when=move || kind.get() == Some(AssetKind::Document) && offers_doctype.get()>
            <label>
                "Document type"
                <select prop:value=doctype_value on:change=move |ev| doctype.set(match event_target_value(&ev).as_str() {
                    "pdf" => Some(DocType::Pdf),
                    "word" => Some(DocType::Word),
                    "excel" => Some(DocType::Excel),
                    "powerpoint" => Some(DocType::Powerpoint),
                    "text" => Some(DocType::Text),
                    _ => None,
                })>
                    <option value="any">"Any"</option>
                    <option value="pdf">"PDF"</option>
                    <option value="word">"Word"</option>
                    <option value="excel">"Excel"</option>
                    <option value="powerpoint">"PowerPoint"</option>
                    <option value="text">"Text"</option>
                </select>
            </label>
        </Show>
    }
}
