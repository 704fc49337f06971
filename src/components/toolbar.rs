use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiError, Client};
use crate::components::app::{last_page, open_page, EditorPage, View};
use crate::components::icon::{Icon, IconKind};
use crate::components::menu_button::{MenuAction, MenuButton, MenuItem, NewTab};
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
    let view_now = View::from_location();
    let secondary = Signal::derive(move || secondary_actions(editor, view_now));
    view! {
        <header class="toolbar">
            // Only the page editor has a side panel, and only once someone is logged in.
            {(view_now == View::Editor).then(|| view! {
                <Show when=move || editor.local.session.get().is_some()>
                    <button
                        type="button"
                        class="toolbar-button panel-toggle"
                        aria-label="Toggle Side Panel"
                        title="Toggle Side Panel"
                        aria-pressed=move || panel_open.get().to_string()
                        aria-controls="side-panel"
                        on:click=move |_| panel_open.update(|o| *o = !*o)
                    >
                        <Icon kind=IconKind::Menu />
                    </button>
                </Show>
            })}
            <h1 class="toolbar-title">
                "Tessera"
                {move || editor.page_path.get().map(|p| view! { <span class="toolbar-page">{p.to_string()}</span> })}
            </h1>
            <div class="toolbar-actions" role="toolbar" aria-label="Page actions">
                {(view_now == View::Editor).then(|| view! { <SaveState /> })}
                // On a narrow screen these fold into the "More actions" menu.
                <span class="toolbar-secondary">
                    {move || secondary.get().into_iter().map(inline_action).collect_view()}
                </span>
                // Each view shows only its own actions: Async Jobs and the configuration
                // page have no page to save or publish.
                {(view_now == View::Editor).then(|| view! { <SaveAndPublish /> })}
                <span class="toolbar-more">
                    <MenuButton label="More actions" id="toolbar-more" items=secondary />
                </span>
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

/// Undo, Redo and Preview in the page editor; the links between the editor and the
/// Connected Assets pages (the configuration for administrators only) and the Assets
/// console; the keyboard shortcuts.
fn secondary_actions(editor: Editor, view_now: View) -> Vec<MenuItem> {
    let mut items = Vec::new();
    if view_now == View::Editor {
        items.push(MenuItem::run("Undo", Signal::derive(move || editor.history_state.get().0), Callback::new(move |()| editor.undo())));
        items.push(MenuItem::run("Redo", Signal::derive(move || editor.history_state.get().1), Callback::new(move |()| editor.redo())));
        if let Some(p) = editor.page_path.get() {
            items.push(MenuItem::go("Preview", Signal::stored(format!("/api/preview{p}")), NewTab::Yes));
        }
    }
    if editor.mount_point.get().is_some() {
        let is_admin = editor.local.session.get().is_some_and(|me| me.groups.iter().any(|g| g == "administrators"));
        if view_now != View::Editor {
            // Back to the page this tab was editing.
            let back = last_page().map_or_else(|| "/editor".to_owned(), |p| format!("/editor?page={p}"));
            items.push(MenuItem::go("Page editor", Signal::stored(back), NewTab::No));
        }
        if view_now != View::Page(EditorPage::Jobs) {
            items.push(MenuItem::go("Async Jobs", Signal::stored("/editor/jobs".to_owned()), NewTab::No));
        }
        if view_now != View::Page(EditorPage::ConnectedConfig) && is_admin {
            items.push(MenuItem::go("Connected Assets Configuration", Signal::stored("/editor/connected-assets".to_owned()), NewTab::No));
        }
    }
    // The DAM of this deployment, in its own console.
    items.push(MenuItem::go("Assets console", Signal::stored("/assets".to_owned()), NewTab::No));
    items.push(MenuItem::run("Keyboard shortcuts", Signal::stored(true), Callback::new(move |()| editor.shortcuts_open.set(true))).with_glyph("?"));
    items
}

/// A secondary action as a toolbar button or link.
fn inline_action(item: MenuItem) -> impl IntoView {
    let enabled = item.enabled;
    let (text, name) = match item.glyph {
        Some(glyph) => (glyph, Some(item.label)),
        None => (item.label, None),
    };
    match item.action {
        MenuAction::Run(run) => view! {
            <button type="button" class="toolbar-button" aria-label=name title=name disabled=move || !enabled.get() on:click=move |_| run.run(())>{text}</button>
        }
        .into_any(),
        MenuAction::Go { href, new_tab } => view! {
            <a class="toolbar-button" aria-label=name href=href target=(new_tab == NewTab::Yes).then_some("_blank")>{text}</a>
        }
        .into_any(),
    }
}

/// Whether the page has changes that are not saved.
#[component]
fn SaveState() -> impl IntoView {
    let editor = use_editor();
    view! {
        <span class="save-state" role="status">
            {move || match (editor.page_path.get().is_some(), editor.is_dirty()) {
                (false, _) => "",
                (true, true) => "Unsaved changes",
                (true, false) => "All changes saved",
            }}
        </span>
    }
}

/// Save and Publish: the page editor's own actions, always in view.
#[component]
fn SaveAndPublish() -> impl IntoView {
    let editor = use_editor();
    let has_page = move || editor.page_path.get().is_some();
    view! {
        <button type="button" class="toolbar-button" disabled=move || !has_page() on:click=move |_| spawn_local(save(editor))>"Save"</button>
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
