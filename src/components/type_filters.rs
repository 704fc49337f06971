use leptos::prelude::*;
use tessera_model::{AssetKind, DocType};

use crate::api::wire_name;
use crate::finder::{Finder, FinderOptions, Strings};

/// The Type filter (images or documents) and, for documents, the Document type
/// filter: one component for the Content Finder and the Assets console, so both
/// search the same way. In a finder, its words are the host's and it offers only
/// the kinds and document types the host's `accept` lets through.
#[component]
pub fn TypeFilters(
    kind: RwSignal<Option<AssetKind>>,
    doctype: RwSignal<Option<DocType>>,
    #[prop(into)] offers_type: Signal<bool>,
    #[prop(into)] offers_doctype: Signal<bool>,
) -> impl IntoView {
    let finder = use_context::<Finder>();
    let with_options = move |read: &dyn Fn(&FinderOptions) -> bool, otherwise: bool| finder.map_or(otherwise, |f| f.options.with(|o| read(o)));
    let text = move |key: Strings| finder.map_or_else(|| key.default_text().to_owned(), |f| f.options.with(|o| o.text(key)));
    let both_kinds = move || with_options(&|o| o.offers_kind(AssetKind::Image) && o.offers_kind(AssetKind::Document), true);
    let only_documents = move || with_options(&|o| !o.offers_kind(AssetKind::Image), false);
    let doctypes = move || -> Vec<DocType> { DocType::ALL.into_iter().filter(|d| with_options(&|o| o.offers_doctype(*d), true)).collect() };
    let doctype_option = move |d: DocType| {
        let label = match d {
            DocType::Pdf => "PDF".to_owned(),
            DocType::Word => "Word".to_owned(),
            DocType::Excel => "Excel".to_owned(),
            DocType::Powerpoint => "PowerPoint".to_owned(),
            DocType::Text => text(Strings::TextDocuments),
        };
        view! { <option value=wire_name(&d)>{label}</option> }
    };
    let kind_value = move || match kind.get() {
        Some(AssetKind::Image) => "image",
        Some(AssetKind::Document) => "document",
        None => "all",
    };
    let doctype_value = move || doctype.get().map_or_else(|| "any".to_owned(), |d| wire_name(&d));
    // Documents are chosen, or are all there is; and there is a choice among their types.
    let shows_doctype = move || (kind.get() == Some(AssetKind::Document) || only_documents()) && offers_doctype.get() && doctypes().len() > 1;
    view! {
        <Show when=move || offers_type.get() && both_kinds()>
            <label>
                {move || text(Strings::Type)}
                <select prop:value=kind_value on:change=move |ev| {
                    let v = event_target_value(&ev);
                    kind.set(match v.as_str() { "image" => Some(AssetKind::Image), "document" => Some(AssetKind::Document), _ => None });
                    if v != "document" { doctype.set(None); }
                }>
                    <option value="all">{move || text(Strings::AllTypes)}</option>
                    <option value="image">{move || text(Strings::Images)}</option>
                    <option value="document">{move || text(Strings::Documents)}</option>
                </select>
            </label>
        </Show>
        <Show when=shows_doctype>
            <label>
                {move || text(Strings::DocumentType)}
                <select prop:value=doctype_value on:change=move |ev| doctype.set(DocType::ALL.into_iter().find(|d| wire_name(d) == event_target_value(&ev)))>
                    <option value="any">{move || text(Strings::AnyDocument)}</option>
                    {move || doctypes().into_iter().map(doctype_option).collect_view()}
                </select>
            </label>
        </Show>
    }
}
