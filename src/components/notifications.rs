use leptos::prelude::*;

use crate::state::use_editor;

/// Errors and background events, announced politely to screen readers.
#[component]
pub fn Notifications() -> impl IntoView {
    let editor = use_editor();
    view! {
        <section class="notifications" aria-label="Notifications">
            <div role="status" aria-live="polite">
            <ul>
                <For each=move || editor.notices.get() key=|n| n.id let:notice>
                    <li class="notice">
                        <span>{notice.text.clone()}</span>
                        <button type="button" aria-label="Dismiss notification" on:click=move |_| editor.dismiss(notice.id)>
                            "×"
                        </button>
                    </li>
                </For>
            </ul>
            </div>
        </section>
    }
}
