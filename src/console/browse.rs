//! The folder shown: breadcrumbs, then its sub-folders and assets as cards or a list
//! (one listbox either way), with selection by click, Ctrl/Cmd, Shift and keys;
//! files and whole folders dropped on it are uploaded into it.

use leptos::ev::{DragEvent, KeyboardEvent, MouseEvent};
use leptos::prelude::*;
use tessera_model::{AssetDto, AssetKind, DamPath, RenditionName};

use crate::console::dropped::entries_of;
use crate::console::places::{CollectionBar, SearchForm};
use crate::console::state::{next_page, use_console, Console, Dialog, Item, Place, Rail, ViewMode};
use crate::console::upload::{files_of, use_uploads};

/// A collection's bar, loaded when a collection is first shown; built untracked so
/// the `Suspend` awaiting it does not build it again (see the rail).
#[leptos::lazy]
fn collection_bar_view(collection: tessera_model::CollectionDto) -> AnyView {
    untrack(|| view! { <CollectionBar collection=collection /> }.into_any())
}

#[component]
pub fn Browse() -> impl IntoView {
    let console = use_console();
    let uploads = use_uploads();
    let active = RwSignal::new(0usize);
    Effect::new(move |_| {
        console.folder.track();
        active.set(0);
    });
    // The next page comes when the reader nears the end, so scrolling walks a folder of
    // any size while only what was scrolled past is loaded.
    let fetching = RwSignal::new(false);
    // Another place, folder or order starts again from its first page, so the reader
    // starts again from the top. Left at the bottom, the shorter list would clamp the
    // scroll there and the nearing-the-end rule would fetch a second page unasked.
    let main = NodeRef::<leptos::html::Main>::new();
    Effect::new(move |_| {
        console.place.track();
        console.folder.track();
        console.sort.track();
        if let Some(main) = main.get_untracked() {
            main.set_scroll_top(0);
        }
    });
    let on_scroll = move |e: leptos::ev::Event| {
        let Some(el) = e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) else { return };
        if el.scroll_top() + el.client_height() + 600 >= el.scroll_height() {
            more(console, fetching);
        }
    };
    let items = Memo::new(move |_| console.sorted_items());
    let on_drop = move |e: DragEvent| {
        e.prevent_default();
        let Some(transfer) = e.data_transfer() else { return };
        let entries = entries_of(&transfer);
        if entries.is_empty() {
            // A browser without directory entries still hands over the files.
            if let Some(files) = transfer.files() {
                uploads.add(console, files_of(&files));
            }
            return;
        }
        uploads.add_dropped(console, entries);
    };
    let on_keydown = move |e: KeyboardEvent| listbox_key(console, items, active, e);
    let active_id = move || items.with(|i| (!i.is_empty()).then(|| format!("item-{}", active.get().min(i.len() - 1))));
    view! {
        <main node_ref=main class="browse" aria-labelledby="folder-title" on:dragover=|e: DragEvent| e.prevent_default() on:drop=on_drop on:scroll=on_scroll>
            <SearchForm />
            <Show when=move || console.place.with(|p| *p == Place::Folder)>
                <Breadcrumbs />
            </Show>
            <h1 id="folder-title">{move || console.listing.with(|l| l.title.clone())}</h1>
            {move || console.listing.with(|l| l.collection.clone()).map(|c| Suspend::new(async move { collection_bar_view(c).await }))}
            <Show when=move || console.listing.with(|l| l.loading && l.items.is_empty())>
                <p>"Loading…"</p>
            </Show>
            <Show when=move || console.listing.with(|l| !l.loading && l.error.is_none() && l.items.is_empty())>
                <p class="empty">{move || match console.place.get() {
                    Place::Folder => "This folder is empty. Drop files here, or use Upload Files.",
                    Place::Search(_) => "Nothing found.",
                    _ => "Nothing here yet.",
                }}</p>
            </Show>
            <div
                class=move || if console.view.get() == ViewMode::Cards { "items cards" } else { "items list" }
                role="listbox"
                aria-label="Assets and folders"
                aria-multiselectable="true"
                tabindex="0"
                aria-activedescendant=active_id
                on:keydown=on_keydown
            >
                <Show when=move || console.view.get() == ViewMode::List>
                    <div class="list-head" aria-hidden="true">
                        <span>"Name"</span><span>"Title"</span><span>"Type"</span><span>"Size"</span><span>"Dimensions"</span><span>"Modified"</span><span>"Modified by"</span><span>"Status"</span>
                    </div>
                </Show>
                <For
                    each={move || items.get().into_iter().enumerate().collect::<Vec<_>>()}
                    key={|(i, item): &(usize, Item)| (*i, item.path().clone(), item.asset().map(|a| (a.modified_at, a.checked_out.as_ref().map(|c| c.by.clone()))))}
                    children={move |(index, item): (usize, Item)| view! { <ItemView item=item index=index active=active /> }}
                />
            </div>
            <Show when=move || console.listing.with(|l| l.next.is_some())>
                <p class="more">
                    <span>{move || console.listing.with(|l| shown_of_total(l.items.iter().filter(|i| i.asset().is_some()).count(), l.total))}</span>
                    " "
                    <button type="button" disabled=move || fetching.get() on:click=move |_| more(console, fetching)>"Load more results"</button>
                </p>
            </Show>
        </main>
    }
}

#[component]
fn Breadcrumbs() -> impl IntoView {
    let console = use_console();
    let crumbs = move || {
        let folder = console.folder.get();
        let mut out = Vec::new();
        let mut at = Some(folder);
        while let Some(p) = at {
            at = p.parent();
            out.push(p);
        }
        out.reverse();
        out
    };
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <ol>
                <For each=crumbs key=|p| p.clone() let:p>
                    {
                        let label = if p.is_root() { "Assets".to_owned() } else { p.name().to_owned() };
                        let target = p.clone();
                        let current = move || console.folder.with(|f| *f == p);
                        view! {
                            <li>
                                <a href="#" aria-current=move || current().then_some("page") on:click=move |e| {
                                    e.prevent_default();
                                    console.open(target.clone());
                                }>{label}</a>
                            </li>
                        }
                    }
                </For>
            </ol>
        </nav>
    }
}

#[component]
fn ItemView(item: Item, index: usize, active: RwSignal<usize>) -> impl IntoView {
    let console = use_console();
    let path = item.path().clone();
    let selected = {
        let path = path.clone();
        move || console.is_selected(&path)
    };
    let on_click = {
        let path = path.clone();
        move |e: MouseEvent| {
            active.set(index);
            console.click(&path, e.ctrl_key() || e.meta_key(), e.shift_key());
        }
    };
    let on_dblclick = {
        let item = item.clone();
        move |_| open_item(console, &item)
    };
    let list = move || console.view.get() == ViewMode::List;
    let body = match &item {
        Item::Folder(f) => {
            let title = f.title.clone();
            let name = f.path.name().to_owned();
            view! {
                <span class="thumb folder-thumb" aria-hidden="true">"▤"</span>
                <span class="name">{name}</span>
                <span class="title">{title}</span>
                <span class="type">"Folder"</span>
                <span class="badges">{f.live_copy.then(|| view! { <span class="badge live-copy">"Live Copy"</span> })}</span>
            }
            .into_any()
        }
        Item::Asset(a) => asset_body(console, a).into_any(),
    };
    view! {
        <div
            id=format!("item-{index}")
            role="option"
            class="item"
            class:active=move || active.get() == index
            class:row=list
            aria-selected=move || selected().to_string()
            on:click=on_click
            on:dblclick=on_dblclick
        >
            {body}
        </div>
    }
}

fn asset_body(console: Console, a: &AssetDto) -> impl IntoView {
    let client = console.client();
    let thumbnail = (a.kind == AssetKind::Image).then(|| a.rendition(RenditionName::Thumbnail319).map(|h| client.url(h))).flatten();
    let kind = tessera_model::page::format_name(&a.mime);
    let size = tessera_model::page::format_size(a.size);
    let dims = a.width.zip(a.height).map(|(w, h)| format!("{w} × {h}")).unwrap_or_default();
    let modified = crate::console::time::date_time(a.modified_at);
    let badges = badges(a);
    view! {
        {match thumbnail {
            Some(src) => view! { <img class="thumb" src=src alt="" loading="lazy" /> }.into_any(),
            None => view! { <span class="thumb doc-thumb" aria-hidden="true">{kind}</span> }.into_any(),
        }}
        <span class="name">{a.path.name().to_owned()}</span>
        <span class="title">{a.title.clone()}</span>
        <span class="type">{kind}</span>
        <span class="size">{size}</span>
        <span class="dims">{dims}</span>
        <span class="modified">{modified}</span>
        <span class="modified-by">{a.modified_by.clone()}</span>
        <span class="badges">
            {badges.into_iter().map(|(class, text)| view! { <span class=format!("badge {class}")>{text}</span> }).collect_view()}
        </span>
    }
}

/// Status badges: who holds it checked out, renditions still being made or failed,
/// a Connected Assets copy.
fn badges(a: &AssetDto) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(c) = &a.checked_out {
        out.push(("locked", format!("Checked out by {}", c.by)));
    }
    match &a.processing {
        tessera_model::ProcessingDto::Pending => out.push(("pending", "Processing".to_owned())),
        tessera_model::ProcessingDto::Failed { .. } => out.push(("failed", "Renditions failed".to_owned())),
        tessera_model::ProcessingDto::Done => {}
    }
    if a.connected.is_some() {
        out.push(("connected", "Connected".to_owned()));
    }
    if a.live_copy {
        out.push(("live-copy", "Live Copy".to_owned()));
    }
    out
}

/// Enter or a double click: a folder opens, an asset shows its properties.
fn open_item(console: Console, item: &Item) {
    match item {
        Item::Folder(f) => console.open(f.path.clone()),
        Item::Asset(a) => {
            console.selection.set(vec![a.path.clone()]);
            console.rail.set(Rail::Properties);
        }
    }
}

/// The listbox's keys: arrows move (Shift extends), Space toggles, Enter opens,
/// Home and End, Delete asks.
fn listbox_key(console: Console, items: Memo<Vec<Item>>, active: RwSignal<usize>, e: KeyboardEvent) {
    let len = items.with_untracked(Vec::len);
    if len == 0 {
        return;
    }
    let current = active.get_untracked().min(len - 1);
    let columns = if console.view.get_untracked() == ViewMode::Cards { cards_per_row() } else { 1 };
    let target = match e.key().as_str() {
        "ArrowRight" if columns > 1 => Some((current + 1).min(len - 1)),
        "ArrowLeft" if columns > 1 => Some(current.saturating_sub(1)),
        "ArrowDown" => Some((current + columns).min(len - 1)),
        "ArrowUp" => Some(current.saturating_sub(columns)),
        "Home" => Some(0),
        "End" => Some(len - 1),
        " " => {
            e.prevent_default();
            let path = items.with_untracked(|i| i[current].path().clone());
            console.click(&path, true, false);
            return;
        }
        "Enter" => {
            e.prevent_default();
            let item = items.with_untracked(|i| i[current].clone());
            open_item(console, &item);
            return;
        }
        "Delete" => {
            e.prevent_default();
            e.stop_propagation();
            if console.selection.with_untracked(Vec::is_empty) {
                let path = items.with_untracked(|i| i[current].path().clone());
                console.selection.set(vec![path]);
            }
            console.dialog.set(Some(Dialog::Delete { paths: console.selection.get_untracked(), refusal: None }));
            return;
        }
        _ => None,
    };
    let Some(target) = target else {
        return;
    };
    e.prevent_default();
    active.set(target);
    let path: DamPath = items.with_untracked(|i| i[target].path().clone());
    console.click(&path, e.ctrl_key() || e.meta_key(), e.shift_key());
    scroll_into_view(target);
}

fn cards_per_row() -> usize {
    use wasm_bindgen::JsCast;
    let document = web_sys::window().and_then(|w| w.document());
    let first = document.as_ref().and_then(|d| d.get_element_by_id("item-0"));
    let list = first.as_ref().and_then(|f| f.parent_element());
    match (first, list) {
        (Some(f), Some(l)) => {
            let card = f.dyn_ref::<web_sys::HtmlElement>().map(|e| e.offset_width()).unwrap_or(1).max(1);
            let width = l.dyn_ref::<web_sys::HtmlElement>().map(|e| e.client_width()).unwrap_or(card);
            (width / card).max(1) as usize
        }
        _ => 1,
    }
}

fn scroll_into_view(index: usize) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&format!("item-{index}"))) {
        el.scroll_into_view_with_bool(false);
    }
}

/// "100 of 10,000 assets": what has been loaded of all there are.
fn shown_of_total(loaded: usize, total: Option<tessera_model::MatchCount>) -> String {
    match total {
        Some(total) => format!("{loaded} of {total} assets"),
        None => format!("{loaded} assets"),
    }
}

/// The next page of the folder's assets or the search's results, added below the
/// ones shown; one request at a time.
fn more(console: Console, fetching: RwSignal<bool>) {
    let Some(query) = console.listing.with_untracked(|l| l.next.clone()) else { return };
    if fetching.get_untracked() {
        return;
    }
    fetching.set(true);
    let place = console.place.get_untracked();
    let client = console.client();
    leptos::task::spawn_local(async move {
        let found = client.search(&query).await;
        fetching.set(false);
        // A page for a place no longer shown is dropped.
        if console.place.get_untracked() != place || console.listing.with_untracked(|l| l.next.as_ref() != Some(&query)) {
            return;
        }
        match found {
            Ok(found) => console.listing.update(|l| {
                l.next = next_page(&query, &found);
                l.items.extend(found.assets.into_iter().map(|a| Item::Asset(Box::new(a))));
            }),
            Err(e) => console.fail(&e),
        }
    });
}
