use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::{AssetDto, AssetKind, DamPath, DocType, FolderDto, SearchQuery};

use crate::api::{ApiError, Client};
use crate::components::asset_card::AssetCard;
use crate::components::icon::{Icon, IconKind};
use crate::components::segmented::Segmented;
use crate::components::type_filters::TypeFilters;
use crate::finder::Source;
use crate::finder::{use_finder, Filter, Finder, FinderEvent, Strings, Theme};

const PAGE: u32 = 30;

/// What the Content Finder shows: a folder, or search results, and how it got them.
#[derive(Clone, Default)]
struct Results {
    folders: Vec<FolderDto>,
    assets: Vec<AssetDto>,
    next_cursor: Option<String>,
    total: Option<tessera_model::MatchCount>,
    error: Option<ApiError>,
    loading: bool,
}

/// Search and browse the local or the remote DAM; drag assets onto components, or
/// press Enter to put one into the selected component.
#[component]
pub fn ContentFinder() -> impl IntoView {
    let finder = use_finder();
    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let kind = RwSignal::new(None::<AssetKind>);
    let doctype = RwSignal::new(None::<DocType>);
    let results = RwSignal::new(Results::default());
    let generation = StoredValue::new(0u64);
    // The request in flight, given up when a newer one replaces it.
    let in_flight = StoredValue::new_local(None::<web_sys::AbortController>);
    let give_up = move || {
        if let Some(controller) = in_flight.try_update_value(Option::take).flatten() {
            controller.abort();
        }
    };

    // Each keystroke searches at once; the answer to an older one is given up.
    let on_type = move |value: String| {
        query.set(value.trim().to_owned());
        typed.set(value);
    };

    // Any change of what to show starts over from the first page.
    Effect::new(move |_| {
        let request = Request { source: finder.source.get(), folder: finder.folder.get(), query: query.get(), kind: kind.get(), doctype: doctype.get() };
        // Start over when someone logs in or out, or the remote DAM becomes known.
        let repo = finder.repository(request.source);
        repo.session.track();
        generation.update_value(|g| *g += 1);
        let this = generation.get_value();
        // Until the DAM has said whether anyone is logged in, ask it nothing else.
        if repo.awaits_session() {
            results.set(Results { loading: true, ..Default::default() });
            return;
        }
        // A DAM shows nothing to someone not logged in to it: say so without asking
        // it, so a 401 in the browser's console always means something.
        if repo.known_anonymous() {
            let message = match request.source {
                Source::Remote => finder.options.with_untracked(|o| o.text(Strings::RemoteLoginNeeded)),
                Source::Local => finder.options.with_untracked(|o| o.text(Strings::LocalLoginNeeded)),
            };
            let error = ApiError::Refused { status: 401, code: "unauthenticated".into(), message };
            tell_about(finder, repo, &error);
            results.set(Results { error: Some(error), ..Default::default() });
            return;
        }
        // The last results stay on screen until the new ones arrive.
        results.update(|r| r.loading = true);
        give_up();
        let controller = web_sys::AbortController::new().ok();
        let cancel = controller.as_ref().map(web_sys::AbortController::signal);
        in_flight.set_value(controller);
        spawn_local(async move {
            let searching = !request.query.is_empty();
            let fetched = fetch(finder, &request, None, cancel.as_ref()).await;
            if generation.get_value() == this {
                if let Some(e) = &fetched.error {
                    tell_about(finder, repo, e);
                }
                results.set(fetched);
                if searching {
                    crate::finder::mark_after_paint("tessera-finder-results");
                }
            }
        });
    });

    let load_more = move || {
        let current = results.get_untracked();
        let Some(cursor) = current.next_cursor.clone() else {
            return;
        };
        if current.loading {
            return;
        }
        let request = Request {
            source: finder.source.get_untracked(),
            folder: finder.folder.get_untracked(),
            query: query.get_untracked(),
            kind: kind.get_untracked(),
            doctype: doctype.get_untracked(),
        };
        let this = generation.get_value();
        results.update(|r| r.loading = true);
        spawn_local(async move {
            let more = fetch(finder, &request, Some(cursor), None).await;
            if generation.get_value() == this {
                results.update(|r| {
                    r.assets.extend(more.assets);
                    r.next_cursor = more.next_cursor;
                    r.error = more.error;
                    r.loading = false;
                });
            }
        });
    };

    let choose = move |source: Source| {
        finder.source.set(source);
        finder.open_start();
    };
    on_cleanup(give_up);
    let text = move |key: Strings| finder.options.with(|o| o.text(key));
    let shows = move |filter: Filter| finder.options.with(|o| o.shows(filter));
    let both = move || finder.options.with(|o| o.repository.is_some() && o.remote_repository.is_some());
    let theme = move || match finder.options.with(|o| o.theme) {
        Theme::Light => "content-finder tessera-finder theme-light",
        Theme::Dark => "content-finder tessera-finder theme-dark",
    };
    view! {
        <section class=theme aria-label=move || text(Strings::Region)>
            <Show when=both>
                <Segmented
                    label=text(Strings::Repository)
                    options=vec![(Source::Local, Signal::derive(move || text(Strings::Local))), (Source::Remote, Signal::derive(move || text(Strings::Remote)))]
                    value=finder.source
                    on_change=Callback::new(choose)
                />
            </Show>
            <Show when=move || finder.options.with(|o| o.remote_repository.is_some())>
                <RemoteLogin />
            </Show>
            <Show when=move || shows(Filter::Search)>
                <input
                    type="search"
                    class="finder-search"
                    aria-label=move || text(Strings::Search)
                    placeholder=move || text(Strings::Search)
                    prop:value=move || typed.get()
                    on:input=move |ev| on_type(event_target_value(&ev))
                />
            </Show>
            <div class="finder-filters">
                <TypeFilters kind=kind doctype=doctype offers_type=Signal::derive(move || shows(Filter::Type)) offers_doctype=Signal::derive(move || shows(Filter::Doctype)) />
            </div>
            <Breadcrumb />
            <div
                class="finder-results"
                on:scroll=move |ev| {
                    let el: web_sys::Element = event_target(&ev);
                    if el.scroll_top() + el.client_height() + 200 >= el.scroll_height() {
                        load_more();
                    }
                }
            >
                {move || {
                    let r = results.get();
                    if let Some(e) = r.error.clone() {
                        return view! { <ListingError error=e /> }.into_any();
                    }
                    if r.loading && r.assets.is_empty() && r.folders.is_empty() {
                        return view! { <p class="finder-message" role="status">{text(Strings::Loading)}</p> }.into_any();
                    }
                    let client = finder.repository(finder.source.get_untracked()).client_untracked();
                    let Some(client) = client else {
                        return view! { <p class="finder-message">{text(Strings::NoRemote)}</p> }.into_any();
                    };
                    if r.assets.is_empty() && r.folders.is_empty() {
                        return view! { <p class="finder-message" role="status">{text(Strings::NothingHere)}</p> }.into_any();
                    }
                    let source = finder.source.get_untracked();
                    view! {
                        {r.total.map(|t| view! { <p class="finder-count" role="status">{format!("{t} result(s)")}</p> })}
                        <ul class="finder-list" aria-label="Folders and assets">
                            {r.folders.into_iter().map(|f| {
                                let path = f.path.clone();
                                view! {
                                    <li class="folder">
                                        <button type="button" class="folder-button" on:click=move |_| finder.open(path.clone())>
                                            <span class="folder-icon"><Icon kind=IconKind::Folder /></span>
                                            {f.title}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                            {r.assets.into_iter().map(|a| view! { <AssetCard asset=a client=client.clone() source=source /> }).collect_view()}
                        </ul>
                        {r.next_cursor.is_some().then(|| view! {
                            <button type="button" class="link-button load-more" on:click=move |_| load_more()>{text(Strings::LoadMore)}</button>
                        })}
                    }
                    .into_any()
                }}
            </div>
        </section>
    }
}

#[derive(Clone)]
struct Request {
    source: Source,
    folder: DamPath,
    query: String,
    kind: Option<AssetKind>,
    doctype: Option<DocType>,
}

/// A folder listing when there is nothing to search for, else a search in the folder.
/// The types the host accepts go to the DAM's search, so its counts and pages are of
/// what the finder shows; browsing a folder then lists its folders and searches its
/// assets.
async fn fetch(finder: Finder, r: &Request, cursor: Option<String>, cancel: Option<&web_sys::AbortSignal>) -> Results {
    let Some(client) = finder.repository(r.source).client_untracked() else {
        return Results::default();
    };
    let mime = finder.options.with_untracked(|o| (!o.accept.is_empty()).then(|| o.accept.join(",")));
    // A document type can be chosen without a Type, where documents are all `accept` allows.
    let browsing = r.query.is_empty() && r.kind.is_none() && r.doctype.is_none();
    let in_folder = |cursor: Option<String>| SearchQuery {
        in_folder: Some(r.folder.clone()),
        mime: mime.clone(),
        sort: Some(tessera_model::Sort::Name),
        limit: Some(PAGE),
        cursor,
        ..Default::default()
    };
    let outcome = match (browsing, &mime, cursor) {
        (true, None, None) => client.list_folder(&r.folder).await.map(|l| {
            note_titles(finder, &l);
            Results { folders: l.folders, assets: l.assets, ..Default::default() }
        }),
        (true, Some(_), None) => match client.list_folder(&r.folder).await {
            Ok(l) => {
                note_titles(finder, &l);
                search(&client, &in_folder(None), cancel).await.map(|found| Results { folders: l.folders, ..found })
            }
            Err(e) => Err(e),
        },
        (true, _, cursor @ Some(_)) => search(&client, &in_folder(cursor), cancel).await,
        (false, _, cursor) => {
            let q = SearchQuery {
                q: (!r.query.is_empty()).then(|| r.query.clone()),
                kind: r.kind,
                doctype: r.doctype,
                mime: mime.clone(),
                folder: (!r.folder.is_root()).then(|| r.folder.clone()),
                limit: Some(PAGE),
                cursor,
                ..Default::default()
            };
            search(&client, &q, cancel).await
        }
    };
    outcome.unwrap_or_else(|e| Results { error: Some(e), ..Default::default() })
}

/// The titles of the folders a listing names, for the breadcrumb.
fn note_titles(finder: Finder, listing: &tessera_model::FolderListing) {
    finder.folder_titles.update(|titles| {
        for f in std::iter::once(&listing.folder).chain(&listing.folders) {
            titles.insert(f.path.clone(), f.title.clone());
        }
    });
}

async fn search(client: &Client, q: &SearchQuery, cancel: Option<&web_sys::AbortSignal>) -> Result<Results, ApiError> {
    let found = client.search_until(q, cancel).await?;
    let total = found.count();
    Ok(Results { assets: found.assets, next_cursor: found.next_cursor, total, ..Default::default() })
}

/// "Log in to Connected Assets" while nobody is logged in to the remote DAM; who is
/// logged in, and "Log out", once someone is.
#[component]
fn RemoteLogin() -> impl IntoView {
    let finder = use_finder();
    let remote = finder.remote;
    let failed = RwSignal::new(None::<String>);
    let log_out = move |_| {
        let (Some(client), Some(me)) = (remote.client_untracked(), remote.session.get_untracked()) else {
            return;
        };
        spawn_local(async move {
            match client.logout(&me).await {
                Ok(()) => remote.session.set(None),
                Err(e) => {
                    let message = finder.options.with_untracked(|o| o.text_with(Strings::LogOutFailed, &[("error", &e.to_string())]));
                    failed.set(Some(message.clone()));
                    finder.emit(FinderEvent::Error(message));
                }
            }
        });
    };
    view! {
        <div class="remote-login">
            {move || failed.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || match remote.session.get() {
                Some(me) => view! {
                    <p class="logged-in">{finder.options.with(|o| o.text_with(Strings::LoggedInAs, &[("user", &me.user)]))}</p>
                    <button type="button" class="link-button" on:click=log_out>{move || finder.options.with(|o| o.text(Strings::LogOut))}</button>
                }.into_any(),
                None => view! {
                    <button
                        type="button"
                        class="primary"
                        disabled=move || remote.client.get().is_none()
                        on:click=move |_| finder.login_for.set(Some(Source::Remote))
                    >
                        {move || finder.options.with(|o| o.text(Strings::LogIn))}
                    </button>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Breadcrumb() -> impl IntoView {
    let finder = use_finder();
    view! {
        <nav aria-label=move || finder.options.with(|o| o.text(Strings::Breadcrumb)) class="breadcrumb">
            <ol>
                {move || {
                    let folder = finder.folder.get();
                    let root = finder.options.with(|o| o.root.clone());
                    let mut trail = folder.ancestors();
                    trail.push(folder.clone());
                    // The root is as far up as the user may go.
                    trail
                        .into_iter()
                        .filter(|p| tessera_model::access::is_within(p, &root))
                        .map(|p| {
                            let current = p == folder;
                            let label = if p.is_root() {
                                finder.options.with(|o| o.text(Strings::RootFolder))
                            } else {
                                finder.folder_titles.with(|t| t.get(&p).cloned()).unwrap_or_else(|| p.name().to_owned())
                            };
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="link-button"
                                        aria-current=current.then_some("location")
                                        on:click=move |_| finder.open(p.clone())
                                    >
                                        {label}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </nav>
    }
}

/// A listing that failed is shown in the finder, and is an event for whoever embeds it.
fn tell_about(finder: Finder, repo: crate::finder::Repository, error: &ApiError) {
    let event = if error.is_unauthenticated() {
        FinderEvent::LoginRequired(repo.client_untracked().map(|c| c.origin()).unwrap_or_default())
    } else {
        FinderEvent::Error(error.to_string())
    };
    finder.emit(event);
}

#[component]
fn ListingError(error: ApiError) -> impl IntoView {
    let finder = use_finder();
    if error.is_unauthenticated() {
        return match finder.source.get_untracked() {
            // The remote DAM's login button is always above the results.
            Source::Remote => view! { <p class="finder-message">{finder.options.with_untracked(|o| o.text(Strings::RemoteLoginNeeded))}</p> }.into_any(),
            // Embedded on another page, the finder offers its own login.
            Source::Local => view! {
                <p class="finder-message">{finder.options.with_untracked(|o| o.text(Strings::LocalLoginNeeded))}</p>
                <button type="button" class="primary" on:click=move |_| finder.login_for.set(Some(Source::Local))>{finder.options.with_untracked(|o| o.text(Strings::LogInButton))}</button>
            }
            .into_any(),
        };
    }
    view! { <p class="finder-message error" role="alert">{error.to_string()}</p> }.into_any()
}
