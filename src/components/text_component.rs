use leptos::html::Div;
use leptos::prelude::*;
use tessera_model::page::{is_safe_link, TextBody};
use tessera_model::ComponentBody;
use wasm_bindgen::JsCast;

use crate::components::icon::{Icon, IconKind};
use crate::rich_text::{from_dom, to_html};
use crate::state::use_editor;

/// Paragraphs with bold, italic and links, edited in place.
#[component]
pub fn TextComponent(id: String) -> impl IntoView {
    let editor = use_editor();
    let id = StoredValue::new(id);
    let area = NodeRef::<Div>::new();
    let text = Memo::new(move |_| {
        editor.content.with(|c| match c.components.iter().find(|x| x.id == id.get_value()).map(|x| &x.body) {
            Some(ComponentBody::Text(t)) => t.clone(),
            _ => TextBody::default(),
        })
    });
    // The DOM follows the model only when they differ (undo, redo, load): rewriting
    // it while typing would move the caret.
    Effect::new(move |_| {
        let model = text.get();
        if let Some(el) = area.get() {
            if from_dom(&el) != model {
                el.set_inner_html(&to_html(&model));
            }
        }
    });
    let read_back = move || {
        if let Some(el) = area.get_untracked() {
            let body = from_dom(&el);
            editor.type_change(|c| {
                if let Some(ComponentBody::Text(t)) = c.components.iter_mut().find(|x| x.id == id.get_value()).map(|x| &mut x.body) {
                    *t = body;
                }
            });
        }
    };
    let command = move |name: &str, value: Option<String>| {
        let Some(doc) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok()) else {
            return;
        };
        if let Some(el) = area.get_untracked() {
            let _ = el.focus();
        }
        editor.begin_typing();
        let _ = match value {
            Some(v) => doc.exec_command_with_show_ui_and_value(name, false, &v),
            None => doc.exec_command(name),
        };
        read_back();
    };
    let link = move |_| {
        let Some(url) = web_sys::window().and_then(|w| w.prompt_with_message("Link address (https://…, mailto:…, or /content/…)").ok().flatten()) else {
            return;
        };
        if is_safe_link(&url) {
            command("createLink", Some(url));
        } else {
            editor.notify("That is not a link a page may have: use https://, http://, mailto: or a path that starts with /.");
        }
    };
    view! {
        <div class="cmp-text">
            <div class="text-tools" role="toolbar" aria-label="Text formatting">
                <button type="button" class="icon-button" aria-label="Bold" on:mousedown=move |ev| { ev.prevent_default(); command("bold", None) }><b>"B"</b></button>
                <button type="button" class="icon-button" aria-label="Italic" on:mousedown=move |ev| { ev.prevent_default(); command("italic", None) }><i>"I"</i></button>
                <button type="button" class="icon-button" aria-label="Link" on:mousedown=move |ev| ev.prevent_default() on:click=link><Icon kind=IconKind::Link /></button>
            </div>
            <div
                node_ref=area
                class="text-area"
                contenteditable="true"
                role="textbox"
                aria-multiline="true"
                aria-label="Text"
                on:focus=move |_| editor.begin_typing()
                on:input=move |_| read_back()
            ></div>
        </div>
    }
}
