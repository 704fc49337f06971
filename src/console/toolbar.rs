//! The console's toolbar: what can be done with the selection, by buttons with the
//! seeds' names, the same conventions as the editor's toolbar.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::console::state::{use_console, Console, Dialog, MoveOrCopy, Rail, SortKey, ViewMode};
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
    let single = move || console.single_asset();
    let any = move || console.selection.with(|s| !s.is_empty());
    let assets = move || !console.selected_assets().is_empty();
    let me = move || console.me.get().map(|m| m.user).unwrap_or_default();
    let holder = move || single().and_then(|a| a.checked_out.map(|c| c.by));
    // One asset the viewer holds is checked in; any number of free ones are checked out.
    let checks_in = move || holder().is_some_and(|h| h == me());
    let check_label = move || if checks_in() { "Check In" } else { "Check Out" };
    let check_disabled = move || {
        !checks_in() && {
            let assets = console.selected_assets();
            assets.is_empty() || assets.iter().any(|a| a.connected.is_some() || a.checked_out.is_some())
        }
    };
    let on_check = move |_| {
        if let Some(asset) = console.single_asset().filter(|_| checks_in()) {
            console.dialog.set(Some(Dialog::CheckIn(asset.path)));
            return;
        }
        let (client, me, assets) = (console.client(), console.me.get_untracked(), console.selected_assets());
        spawn_local(async move {
            let Some(me) = me else { return };
            let mut refused = Vec::new();
            for asset in &assets {
                if let Err(e) = client.check_out(&asset.path, &me).await {
                    refused.push(format!("{}: {e}", asset.path.name()));
                }
            }
            match (assets.as_slice(), refused.is_empty()) {
                ([one], true) => console.say(format!("{} is checked out to you.", one.title)),
                (_, true) => console.say(format!("{} assets are checked out to you.", assets.len())),
                (_, false) => console.status.set(Some(crate::console::state::Status {
                    text: format!("{} of {} checked out. Not checked out: {}", assets.len() - refused.len(), assets.len(), refused.join("; ")),
                    error: true,
                })),
            }
            console.refresh();
        });
    };
    let on_release = move |_| {
        let Some(asset) = console.single_asset() else {
            return;
        };
        let (client, me) = (console.client(), console.me.get_untracked());
        spawn_local(async move {
            let Some(me) = me else { return };
            match client.release_check_out(&asset.path, &me).await {
                Ok(()) => {
                    console.say(format!("The lock on {} is released.", asset.title));
                    console.refresh();
                }
                Err(e) => console.fail(&e),
            }
        });
    };
    let can_release = move || holder().is_some_and(|h| h == me() || console.is_administrator());
    let rail = move |which: Rail| move |_| console.rail.update(|r| *r = if *r == which { Rail::Closed } else { which });
    let selected = move || console.selection.get_untracked();
    view! {
        <div class="actions" role="group" aria-label="Actions">
            <button type="button" on:click=move |_| console.dialog.set(Some(Dialog::CreateFolder))>"Create Folder"</button>
            <button type="button" on:click=move |_| click(files)>"Upload Files"</button>
            <button type="button" on:click=move |_| click(folder)>"Upload Folder"</button>
            <input node_ref=files type="file" multiple class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=on_files(files) />
            <input node_ref=folder type="file" multiple class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=on_files(folder) />
            <button type="button" disabled=check_disabled on:click=on_check>{check_label}</button>
            <Show when=can_release>
                <button type="button" on:click=on_release>{move || if holder().is_some_and(|h| h == me()) { "Cancel Check Out" } else { "Release Lock" }}</button>
            </Show>
            <button
                type="button"
                disabled=move || single().is_none_or(|a| a.connected.is_some() || holder().is_some_and(|h| h != me()))
                on:click=move |_| {
                    if let Some(asset) = console.single_asset() {
                        console.dialog.set(Some(Dialog::CreateVersion(asset.path)));
                    }
                }
            >
                "Create Version"
            </button>
            <button type="button" disabled=move || single().is_none() aria-pressed=move || (console.rail.get() == Rail::Properties).to_string() on:click=rail(Rail::Properties)>"Properties"</button>
            <button type="button" disabled=move || single().is_none() aria-pressed=move || (console.rail.get() == Rail::References).to_string() aria-keyshortcuts="Alt+4" on:click=rail(Rail::References)>"References"</button>
            <button type="button" disabled=move || single().is_none() aria-pressed=move || (console.rail.get() == Rail::Timeline).to_string() on:click=rail(Rail::Timeline)>"Timeline"</button>
            <button
                type="button"
                disabled=move || console.selection.with(|s| s.len() != 1)
                on:click=move |_| {
                    if let [one] = selected().as_slice() {
                        console.dialog.set(Some(Dialog::Rename(one.clone())));
                    }
                }
            >
                "Rename"
            </button>
            <button type="button" disabled=move || !any() on:click=move |_| console.dialog.set(Some(Dialog::MoveOrCopy { paths: selected(), copy: MoveOrCopy::Move }))>"Move"</button>
            <button type="button" disabled=move || !any() on:click=move |_| console.dialog.set(Some(Dialog::MoveOrCopy { paths: selected(), copy: MoveOrCopy::Copy }))>"Copy"</button>
            <button type="button" disabled=move || !any() on:click=move |_| console.dialog.set(Some(Dialog::Delete { paths: selected(), refusal: None }))>"Delete"</button>
            <button type="button" disabled=move || !assets() on:click=move |_| console.dialog.set(Some(Dialog::Share(console.selected_assets().into_iter().map(|a| a.path).collect())))>"Share Link"</button>
            <button type="button" disabled=move || !assets() on:click=move |_| console.dialog.set(Some(Dialog::AddToCollection(console.selected_assets().into_iter().map(|a| a.path).collect())))>"Add to Collection"</button>
        </div>
    }
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
