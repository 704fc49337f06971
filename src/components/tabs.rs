//! Tabs as the WAI-ARIA tabs pattern has them: one tab in the Tab order (the
//! selected one), Left and Right arrows, Home and End move between tabs and select
//! them, Tab goes on into the panel.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

/// One tab: its element id, the id of the panel it controls, and its label.
#[derive(Clone)]
pub struct TabItem {
    pub id: String,
    pub panel: String,
    pub label: Signal<String>,
}

impl TabItem {
    pub fn new(id: impl Into<String>, panel: impl Into<String>, label: impl Into<Signal<String>>) -> Self {
        TabItem { id: id.into(), panel: panel.into(), label: label.into() }
    }
}

/// The tab list; `selected` is the index of the selected tab. The caller renders the
/// panel (`role="tabpanel"`, labelled by the selected tab's id, `tabindex="0"`).
#[component]
pub fn TabList(#[prop(into)] label: String, items: Vec<TabItem>, selected: RwSignal<usize>) -> impl IntoView {
    let count = items.len();
    let ids = StoredValue::new(items.iter().map(|t| t.id.clone()).collect::<Vec<_>>());
    let on_keydown = move |ev: KeyboardEvent| {
        let now = selected.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" => (now + 1) % count,
            "ArrowLeft" => (now + count - 1) % count,
            "Home" => 0,
            "End" => count - 1,
            _ => return,
        };
        ev.prevent_default();
        selected.set(next);
        let id = ids.with_value(|ids| ids[next].clone());
        if let Some(tab) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&id)) {
            if let Ok(tab) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(tab) {
                let _ = tab.focus();
            }
        }
    };
    view! {
        <div role="tablist" aria-label=label class="tabs" on:keydown=on_keydown>
            {items
                .into_iter()
                .enumerate()
                .map(|(index, item)| {
                    let is_selected = move || selected.get() == index;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            id=item.id
                            class="tab"
                            aria-selected=move || is_selected().to_string()
                            aria-controls=item.panel
                            tabindex=move || if is_selected() { "0" } else { "-1" }
                            on:click=move |_| selected.set(index)
                        >
                            {move || item.label.get()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
