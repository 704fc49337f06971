//! The console's other places beside folders: search (with the Content Finder's
//! filters and "Checked out by"), collections, and the user's share links.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::{AssetKind, CollectionAccessDto, CollectionDto, SearchQuery, ShareLinkDto, ShareLinkState};

use crate::components::type_filters::TypeFilters;
use crate::console::state::{use_console, Console, Dialog, Place};
use crate::console::time::date_time;

/// Collections and share links, under the folder tree.
#[component]
pub fn PlacesNav() -> impl IntoView {
    let console = use_console();
    let collections = RwSignal::new(Vec::<CollectionDto>::new());
    Effect::new(move |_| {
        console.reload.track();
        if console.me.with(Option::is_none) {
            return;
        }
        let client = console.client();
        spawn_local(async move {
            if let Ok(all) = client.collections().await {
                collections.set(all);
            }
        });
    });
    view! {
        <nav class="places" aria-label="Collections and links">
            <h2>"Collections"</h2>
            <Show when=move || collections.with(Vec::is_empty)>
                <p class="muted">"None yet: select assets and use Add to Collection."</p>
            </Show>
            <ul>
                <For each=move || collections.get() key=|c| (c.id, c.title.clone()) let:c>
                    {
                        let id = c.id;
                        let current = move || console.place.with(|p| *p == Place::Collection(id));
                        view! {
                            <li><a href="#" aria-current=move || current().then_some("page") on:click=move |e| {
                                e.prevent_default();
                                console.go(Place::Collection(id));
                            }>{c.title.clone()}</a></li>
                        }
                    }
                </For>
            </ul>
            <a href="#" class="share-links-link" aria-current=move || console.place.with(|p| *p == Place::ShareLinks).then_some("page") on:click=move |e| {
                e.prevent_default();
                console.go(Place::ShareLinks);
            }>"My share links"</a>
            <a href="#" class="jobs-link" aria-current=move || console.place.with(|p| *p == Place::Jobs).then_some("page") on:click=move |e| {
                e.prevent_default();
                console.go(Place::Jobs);
            }>"Async Jobs"</a>
        </nav>
    }
}

/// Words, type, document type and "Checked out by": the Content Finder's filters (its
/// own component), and the lock's.
#[component]
pub fn SearchForm() -> impl IntoView {
    let console = use_console();
    let words = RwSignal::new(String::new());
    let kind = RwSignal::new(None::<AssetKind>);
    let doctype = RwSignal::new(None::<tessera_model::DocType>);
    let holder = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|s| !s.is_empty());
        let query = SearchQuery {
            q: text(words),
            kind: kind.get_untracked(),
            doctype: doctype.get_untracked(),
            checked_out_by: text(holder),
            limit: Some(100),
            ..Default::default()
        };
        console.go(Place::Search(query));
    };
    let clear = Callback::new(move |_| {
        words.set(String::new());
        kind.set(None);
        doctype.set(None);
        holder.set(String::new());
        console.go(Place::Folder);
    });
    let open = RwSignal::new(false);
    let filters_set =
        move || [kind.with(Option::is_some), doctype.with(Option::is_some), holder.with(|h| !h.trim().is_empty())].into_iter().filter(|set| *set).count();
    let toggle_label = move || match filters_set() {
        0 => "Filters".to_owned(),
        n => format!("Filters ({n})"),
    };
    let searching = Memo::new(move |_| matches!(console.place.get(), Place::Search(_)));
    view! {
        <form class="search-form" role="search" aria-label="Search assets" on:submit=submit>
            <label>"Search" <input type="search" prop:value=move || words.get() on:input=move |e| words.set(event_target_value(&e)) /></label>
            <button type="button" aria-expanded=move || open.get().to_string() aria-controls="search-filters" on:click=move |_| open.update(|o| *o = !*o)>
                {toggle_label}
            </button>
            <button type="submit">"Search"</button>
            {move || searching.get().then(|| Suspend::new(async move { search_actions_view(clear).await }))}
            <div id="search-filters" class="search-filters" hidden=move || !open.get()>
                {move || open.get().then(|| Suspend::new(async move { search_filters_view(kind, doctype, holder).await }))}
            </div>
        </form>
    }
}

/// The filters, loaded the first time they are opened; built untracked so the
/// `Suspend` awaiting them does not build them again (see the rail).
#[leptos::lazy]
fn search_filters_view(kind: RwSignal<Option<AssetKind>>, doctype: RwSignal<Option<tessera_model::DocType>>, holder: RwSignal<String>) -> AnyView {
    untrack(|| view! { <SearchFilters kind=kind doctype=doctype holder=holder /> }.into_any())
}

/// Type, Document type (the Content Finder's own component) and "Checked out by".
#[component]
fn SearchFilters(kind: RwSignal<Option<AssetKind>>, doctype: RwSignal<Option<tessera_model::DocType>>, holder: RwSignal<String>) -> impl IntoView {
    let console = use_console();
    view! {
        <TypeFilters kind=kind doctype=doctype offers_type=true offers_doctype=true />
        <label>"Checked out by" <input type="text" list="checked-out-by" prop:value=move || holder.get() on:input=move |e| holder.set(event_target_value(&e)) /></label>
        <datalist id="checked-out-by">
            <option value=move || console.me.get().map(|m| m.user).unwrap_or_default()></option>
        </datalist>
    }
}

/// Clear search and Save as Collection, shown with search results.
#[leptos::lazy]
fn search_actions_view(clear: Callback<()>) -> AnyView {
    untrack(|| {
        let console = use_console();
        view! {
            <button type="button" on:click=move |_| clear.run(())>"Clear search"</button>
            <button type="button" on:click=move |_| {
                if let Place::Search(query) = console.place.get_untracked() {
                    console.dialog.set(Some(Dialog::SaveSearch(query)));
                }
            }>"Save as Collection"</button>
        }
        .into_any()
    })
}

/// A collection's own actions: rename, share with a group, remove the selection, delete.
#[component]
pub fn CollectionBar(collection: CollectionDto) -> impl IntoView {
    let console = use_console();
    let id = collection.id;
    let title = RwSignal::new(collection.title.clone());
    let group = RwSignal::new("authors".to_owned());
    let access = RwSignal::new("read".to_owned());
    let editable = collection.access == CollectionAccessDto::Edit;
    let owned = collection.owned;
    let shares = collection
        .shares
        .iter()
        .map(|s| format!("{} ({})", s.group, if s.access == CollectionAccessDto::Edit { "edit" } else { "read" }))
        .collect::<Vec<_>>()
        .join(", ");
    let rename = move |ev: SubmitEvent| {
        ev.prevent_default();
        let title = title.get_untracked();
        run(console, move |client, me| async move { client.rename_collection(id, &title, &me).await.map(|c| format!("The collection is now {}.", c.title)) });
    };
    let share = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (group, access) = (group.get_untracked(), access.get_untracked());
        let level = match access.as_str() {
            "edit" => Some(CollectionAccessDto::Edit),
            "read" => Some(CollectionAccessDto::Read),
            _ => None,
        };
        run(
            console,
            move |client, me| async move { client.share_collection(id, &group, level, &me).await.map(|_| format!("Sharing with {group} is {access}.")) },
        );
    };
    let remove = move |_| {
        let paths = console.selection.get_untracked();
        run(console, move |client, me| async move {
            let n = paths.len();
            client.remove_from_collection(id, paths, &me).await.map(|()| format!("{n} asset(s) taken out of the collection."))
        });
    };
    let delete = move |_| {
        run(console, move |client, me| async move {
            client.delete_collection(id, &me).await?;
            console.go(Place::Folder);
            Ok("The collection is deleted; its assets stay.".to_owned())
        });
    };
    view! {
        <div class="collection-bar" role="group" aria-label="Collection">
            <p class="muted">{format!("Owned by {}{}", collection.owner, if shares.is_empty() { String::new() } else { format!(" · shared with {shares}") })}</p>
            <Show when=move || editable>
                <form on:submit=rename>
                    <label>"Collection title" <input type="text" required maxlength="256" prop:value=move || title.get() on:input=move |e| title.set(event_target_value(&e)) /></label>
                    <button type="submit">"Rename"</button>
                </form>
                <button type="button" disabled=move || console.selection.with(Vec::is_empty) on:click=remove>"Remove from Collection"</button>
            </Show>
            <Show when=move || owned>
                <form on:submit=share>
                    <label>"Group" <select on:change=move |e| group.set(event_target_value(&e))>
                        <option value="authors">"authors"</option>
                        <option value="dam-users">"dam-users"</option>
                        <option value="administrators">"administrators"</option>
                    </select></label>
                    <label>"Access" <select on:change=move |e| access.set(event_target_value(&e))>
                        <option value="read">"Read"</option>
                        <option value="edit">"Edit"</option>
                        <option value="none">"Not shared"</option>
                    </select></label>
                    <button type="submit">"Share Collection"</button>
                </form>
                <button type="button" class="danger" on:click=delete>"Delete Collection"</button>
            </Show>
        </div>
    }
}

/// The user's share links: what each shares, until when, and Revoke.
#[component]
pub fn ShareLinksView() -> impl IntoView {
    let console = use_console();
    let links = RwSignal::new(Vec::<ShareLinkDto>::new());
    Effect::new(move |_| {
        console.reload.track();
        let client = console.client();
        spawn_local(async move {
            match client.share_links().await {
                Ok(all) => links.set(all),
                Err(e) => console.fail(&e),
            }
        });
    });
    view! {
        <main class="browse" aria-labelledby="links-title">
            <h1 id="links-title">"My share links"</h1>
            <Show when=move || links.with(Vec::is_empty)>
                <p class="empty">"You have not shared any link yet: select assets and use Share Link."</p>
            </Show>
            <table class="links">
                <thead><tr><th scope="col">"Assets"</th><th scope="col">"Created"</th><th scope="col">"Expires"</th><th scope="col">"State"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>
                    <For each=move || links.get() key=|l| (l.id, l.state as u8) let:link>
                        {
                            let id = link.id;
                            let names = link.assets.iter().map(|p| p.name().to_owned()).collect::<Vec<_>>().join(", ");
                            let state = match link.state { ShareLinkState::Active => "Active", ShareLinkState::Expired => "Expired", ShareLinkState::Revoked => "Revoked" };
                            let active = link.state == ShareLinkState::Active;
                            let label = format!("Revoke the link to {names}");
                            view! {
                                <tr>
                                    <td>{names}</td>
                                    <td>{date_time(link.created_at)}</td>
                                    <td>{date_time(link.expires_at)}</td>
                                    <td>{state}</td>
                                    <td>{active.then(|| view! {
                                        <button type="button" aria-label=label on:click=move |_| run(console, move |client, me| async move {
                                            client.revoke_share_link(id, &me).await.map(|()| "The link is revoked.".to_owned())
                                        })>"Revoke"</button>
                                    })}</td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </main>
    }
}

/// Runs `work` with the session, then says what it did (or why not) and reloads.
fn run<F>(console: Console, work: impl FnOnce(crate::api::Client, tessera_model::Me) -> F + 'static)
where
    F: std::future::Future<Output = Result<String, crate::api::ApiError>> + 'static,
{
    let Some(me) = console.me.get_untracked() else {
        return;
    };
    let client = console.client();
    spawn_local(async move {
        match work(client, me).await {
            Ok(done) => console.say(done),
            Err(e) => console.fail(&e),
        }
        console.refresh();
    });
}
