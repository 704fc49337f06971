use leptos::prelude::*;

use crate::state::{use_editor, ComponentKind};

/// Adds components to the page, after the selected one.
#[component]
pub fn ComponentBrowser() -> impl IntoView {
    let editor = use_editor();
    view! {
        <section class="component-browser" aria-label="Component browser">
            <p class="finder-message">"Adds a component after the selected one."</p>
            <ul class="component-list">
                {ComponentKind::ALL
                    .into_iter()
                    .map(|kind| view! {
                        <li>
                            <button
                                type="button"
                                class="component-add"
                                disabled=move || editor.page_path.get().is_none()
                                on:click=move |_| editor.add_component(kind)
                            >
                                {format!("Add {}", kind.label())}
                            </button>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
