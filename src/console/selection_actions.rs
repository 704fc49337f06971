//! What can be done with the selection: the toolbar's buttons that appear once
//! something is selected, loaded with the first selection.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::console::state::{use_console, Dialog, MoveOrCopy, Rail};

/// Built untracked, so the `Suspend` awaiting it does not build it again (see the rail).
#[leptos::lazy]
pub fn selection_actions_view() -> AnyView {
    untrack(|| view! { <SelectionActions /> }.into_any())
}

#[component]
fn SelectionActions() -> impl IntoView {
    let console = use_console();
    let group = NodeRef::<leptos::html::Div>::new();
    // The buttons go when the selection does (a Delete, say): focus on one of them
    // moves to the items instead of falling to the page.
    on_cleanup(move || {
        let Some(group) = group.try_get_untracked().flatten() else { return };
        let document = group.owner_document();
        let focused = document.as_ref().and_then(|d| d.active_element());
        if focused.is_some_and(|f| group.contains(Some(&f))) {
            if let Some(items) = document.and_then(|d| d.query_selector(".browse [role=listbox]").ok().flatten()) {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(items).focus();
            }
        }
    });
    let single = move || console.single_asset();
    let assets = move || !console.selected_assets().is_empty();
    let me = move || console.me.get().map(|m| m.user).unwrap_or_default();
    let holder = move || single().and_then(|a| a.checked_out.map(|c| c.by));
    // One asset the viewer holds is checked in; any number of free ones are checked out.
    let checks_in = move || holder().is_some_and(|h| h == me());
    let check_label = move || if checks_in() { "Check In" } else { "Check Out" };
    // A live copy's binary follows its source: it is never checked out or replaced.
    let any_live_copy = move || console.selected_assets().iter().any(|a| a.live_copy);
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
        <div node_ref=group class="selection-actions" role="group" aria-label="Selection">
            <Show when=move || !any_live_copy()>
                <button type="button" disabled=check_disabled on:click=on_check>{check_label}</button>
            </Show>
            <Show when=can_release>
                <button type="button" on:click=on_release>{move || if holder().is_some_and(|h| h == me()) { "Cancel Check Out" } else { "Release Lock" }}</button>
            </Show>
            <Show when=move || !any_live_copy()>
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
            </Show>
            <button type="button" disabled=move || console.single_item().is_none() aria-pressed=move || (console.rail.get() == Rail::Properties).to_string() on:click=rail(Rail::Properties)>"Properties"</button>
            <button type="button" disabled=move || console.single_item().is_none() aria-pressed=move || (console.rail.get() == Rail::References).to_string() aria-keyshortcuts="Alt+4" on:click=rail(Rail::References)>"References"</button>
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
            <button type="button" on:click=move |_| console.dialog.set(Some(Dialog::MoveOrCopy { paths: selected(), copy: MoveOrCopy::Move }))>"Move"</button>
            <button type="button" on:click=move |_| console.dialog.set(Some(Dialog::MoveOrCopy { paths: selected(), copy: MoveOrCopy::Copy }))>"Copy"</button>
            <button type="button" on:click=move |_| console.dialog.set(Some(Dialog::Delete { paths: selected(), refusal: None }))>"Delete"</button>
            <button type="button" disabled=move || !assets() on:click=move |_| console.dialog.set(Some(Dialog::Share(console.selected_assets().into_iter().map(|a| a.path).collect())))>"Share Link"</button>
            <button type="button" disabled=move || !assets() on:click=move |_| console.dialog.set(Some(Dialog::AddToCollection(console.selected_assets().into_iter().map(|a| a.path).collect())))>"Add to Collection"</button>
        </div>
    }
}
