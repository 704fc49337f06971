//! The console's toolbar: the Create menu (Folder, Files, Folder Upload, Live Copy),
//! then what can be done with the selection (`selection_actions`), by buttons with the
//! seeds' names, the same conventions as the editor's toolbar.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::components::menu_button::{MenuButton, MenuFace, MenuItem};
use crate::console::state::{use_console, Console, Dialog, SortKey, ViewMode};
use crate::console::upload::{files_of, use_uploads};

#[component]
pub fn ConsoleToolbar() -> impl IntoView {
    let console = use_console();
    let logged_in = move || console.me.with(Option::is_some);
    view! {
        <header class="toolbar console-toolbar">
            <span class="brand">"Tessera Assets"</span>
            <Show when=move || console.has_editor.get()>
                <a class="button" href="/editor">"Page editor"</a>
            </Show>
            <Show when=logged_in>
                <Actions />
                <span class="spacer"></span>
                <ViewControls />
                <span class="who">{move || console.me.get().map(|m| m.user)}</span>
                <button type="button" on:click=move |_| log_out(console)>"Log out"</button>
            </Show>
        </header>
    }
}

fn log_out(console: Console) {
    let Some(me) = console.me.get_untracked() else {
        return;
    };
    let client = console.client();
    spawn_local(async move {
        let _ = client.logout(&me).await;
        console.me.set(None);
        console.selection.set(Vec::new());
    });
}

#[component]
fn Actions() -> impl IntoView {
    let console = use_console();
    let uploads = use_uploads();
    let files = NodeRef::<Input>::new();
    let folder = NodeRef::<Input>::new();
    // A folder picker: the browser hands over every file below it, with its path.
    folder.on_load(|input: web_sys::HtmlInputElement| {
        let _ = input.set_attribute("webkitdirectory", "");
    });
    let on_files = move |input: NodeRef<Input>| {
        move |_| {
            if let Some(el) = input.get_untracked() {
                let picked = el.files().map(|list| files_of(&list)).unwrap_or_default();
                uploads.add(console, picked);
                el.set_value("");
            }
        }
    };
    let any = Memo::new(move |_| console.selection.with(|s| !s.is_empty()));
    let create = Signal::stored(create_items(console, files, folder));
    view! {
        <div class="actions" role="group" aria-label="Actions">
            <MenuButton label="Create" id="console-create" items=create face=MenuFace::Label />
            <input node_ref=files type="file" multiple class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=on_files(files) />
            <input node_ref=folder type="file" multiple class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=on_files(folder) />
            {move || any.get().then(|| Suspend::new(async { crate::console::selection_actions::selection_actions_view().await }))}
        </div>
    }
}

/// What the Create menu offers. Live Copy takes the selected asset or folder as its
/// source, if one is selected; the dialog has a source picker otherwise.
fn create_items(console: Console, files: NodeRef<Input>, folder: NodeRef<Input>) -> Vec<MenuItem> {
    let always = Signal::stored(true);
    vec![
        MenuItem::run("Folder", always, Callback::new(move |()| console.dialog.set(Some(Dialog::CreateFolder)))),
        MenuItem::run("Files", always, Callback::new(move |()| click(files))),
        MenuItem::run("Folder Upload", always, Callback::new(move |()| click(folder))),
        MenuItem::run(
            "Live Copy",
            always,
            Callback::new(move |()| {
                let source = console.single_item().map(|i| i.path().clone());
                console.dialog.set(Some(Dialog::CreateLiveCopy(source)));
            }),
        ),
    ]
}

fn click(input: NodeRef<Input>) {
    if let Some(el) = input.get_untracked() {
        el.click();
    }
}

#[component]
fn ViewControls() -> impl IntoView {
    let console = use_console();
    let mode = move |m: ViewMode| move || (console.view.get() == m).to_string();
    view! {
        <div class="view-controls" role="group" aria-label="View">
            <button type="button" aria-pressed=mode(ViewMode::Cards) on:click=move |_| console.view.set(ViewMode::Cards)>"Card view"</button>
            <button type="button" aria-pressed=mode(ViewMode::List) on:click=move |_| console.view.set(ViewMode::List)>"List view"</button>
            <label>
                "Sort by "
                <select on:change=move |e| {
                    let value = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default();
                    console.sort.set(SortKey::parse(&value));
                }>
                    <option value="name" selected=move || console.sort.get() == SortKey::Name>"Name"</option>
                    <option value="modified" selected=move || console.sort.get() == SortKey::Modified>"Modified"</option>
                    <option value="size" selected=move || console.sort.get() == SortKey::Size>"Size"</option>
                </select>
            </label>
        </div>
    }
}
