use leptos::prelude::*;
use tessera_model::ComponentBody;

use crate::state::use_editor;

/// A heading: its text, edited in place, and its level.
#[component]
pub fn TitleComponent(id: String) -> impl IntoView {
    let editor = use_editor();
    let id = StoredValue::new(id);
    let title = Memo::new(move |_| {
        editor.content.with(|c| match c.components.iter().find(|x| x.id == id.get_value()).map(|x| &x.body) {
            Some(ComponentBody::Title(t)) => (t.text.clone(), t.level),
            _ => (String::new(), 2),
        })
    });
    let set_text = move |text: String| {
        editor.type_change(|c| {
            if let Some(ComponentBody::Title(t)) = c.components.iter_mut().find(|x| x.id == id.get_value()).map(|x| &mut x.body) {
                t.text = text;
            }
        })
    };
    view! {
        <div class="cmp-title">
            <input
                class=move || format!("title-input level-{}", title.get().1)
                aria-label="Title text"
                placeholder="Title"
                prop:value=move || title.get().0
                on:focus=move |_| editor.begin_typing()
                on:input=move |ev| set_text(event_target_value(&ev))
            />
            <select
                aria-label="Heading level"
                prop:value=move || title.get().1.to_string()
                on:change=move |ev| {
                    let level = event_target_value(&ev).parse().unwrap_or(2);
                    editor.update_component(&id.get_value(), |b| if let ComponentBody::Title(t) = b { t.level = level });
                }
            >
                <option value="1">"Heading 1"</option>
                <option value="2">"Heading 2"</option>
                <option value="3">"Heading 3"</option>
            </select>
        </div>
    }
}
