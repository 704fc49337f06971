use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiError, Client};
use crate::components::app::{open_page, View};
use crate::state::{use_editor, Editor};

/// Saves the page as based on the version it was loaded at. A newer version on the
/// server is a conflict: shown, with Reload, and nothing is overwritten.
pub async fn save(editor: Editor) {
    let (Some(path), Some(me)) = (editor.page_path.get_untracked(), editor.local.session.get_untracked()) else {
        return;
    };
    let content = editor.content.get_untracked();
    match Client::new("").save_page(&path, editor.version.get_untracked(), &content, &me).await {
        Ok(page) => editor.mark_saved(&page),
        Err(ApiError::Refused { status: 412, message, .. }) => editor.conflict.set(Some(message)),
        Err(e) => editor.notify(format!("Saving failed: {e} Your changes are still here; try again.")),
    }
}

#[component]
pub fn Toolbar(panel_open: RwSignal<bool>) -> impl IntoView {
    let editor = use_editor();
    let reload = move |_| {
        if let Some(path) = editor.page_path.get_untracked() {
            spawn_local(open_page(editor, path));
        }
    };
    view! {
        <header class="toolbar">
            // Async Jobs and the configuration page have no side panel to toggle.
            {(View::from_location() == View::Editor).then(|| view! {
                <button
                    type="button"
                    class="toolbar-button"
                    aria-pressed=move || panel_open.get().to_string()
                    aria-controls="side-panel"
                    on:click=move |_| panel_open.update(|o| *o = !*o)
                >
                    "Toggle Side Panel"
                </button>
            })}
            <h1 class="toolbar-title">
                "Tessera"
                {move || editor.page_path.get().map(|p| view! { <span class="toolbar-page">{p.to_string()}</span> })}
            </h1>
            <div class="toolbar-actions" role="toolbar" aria-label="Page actions">
                // Each view shows only its own actions: Async Jobs and the configuration
                // page have no page to save or publish.
                {(View::from_location() == View::Editor).then(|| view! { <PageActions /> })}
                <ConnectedLinks />
                <button type="button" class="toolbar-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" on:click=move |_| editor.shortcuts_open.set(true)>
                    "?"
                </button>
            </div>
        </header>
        {move || editor.conflict.get().map(|message| view! {
            <div class="conflict" role="alert">
                <p><strong>"This page was changed elsewhere. "</strong>{message}</p>
                <button type="button" class="primary" on:click=reload>"Reload"</button>
            </div>
        })}
    }
}

/// Links to the Connected Assets pages (and back), for a Sites deployment with a
/// remote DAM; the configuration for administrators only.
#[component]
fn ConnectedLinks() -> impl IntoView {
    let editor = use_editor();
    let is_admin = move || editor.local.session.get().is_some_and(|me| me.groups.iter().any(|g| g == "administrators"));
    let view_now = View::from_location();
    move || {
        editor.mount_point.get()?;
        Some(view! {
            {(view_now != View::Editor).then(|| view! { <a class="toolbar-button" href="/editor">"Page editor"</a> })}
            {(view_now != View::Jobs).then(|| view! { <a class="toolbar-button" href="/editor/jobs">"Async Jobs"</a> })}
            {(view_now != View::ConnectedConfig && is_admin()).then(|| view! {
                <a class="toolbar-button" href="/editor/connected-assets">"Connected Assets Configuration"</a>
            })}
        })
    }
}

/// Save state, Undo, Redo, Save, Preview and Publish: the page editor's actions.
#[component]
fn PageActions() -> impl IntoView {
    let editor = use_editor();
    let has_page = move || editor.page_path.get().is_some();
    view! {
                <span class="save-state" role="status">
                    {move || match (has_page(), editor.is_dirty()) {
                        (false, _) => "",
                        (true, true) => "Unsaved changes",
                        (true, false) => "All changes saved",
                    }}
                </span>
                <button type="button" class="toolbar-button" disabled=move || !editor.history_state.get().0 on:click=move |_| editor.undo()>"Undo"</button>
                <button type="button" class="toolbar-button" disabled=move || !editor.history_state.get().1 on:click=move |_| editor.redo()>"Redo"</button>
                <button type="button" class="toolbar-button" disabled=move || !has_page() on:click=move |_| spawn_local(save(editor))>"Save"</button>
                {move || editor.page_path.get().map(|p| view! {
                    <a class="toolbar-button" target="_blank" href=format!("/api/preview{p}") title="The saved page as it will be published">
                        "Preview"
                    </a>
                })}
                <button
                    type="button"
                    class="toolbar-button primary"
                    disabled=move || !has_page() || editor.is_dirty()
                    title="Save first, then publish"
                    on:click=move |_| editor.publish_open.set(true)
                >
                    "Publish"
                </button>
    }
}
