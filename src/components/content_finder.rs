use leptos::prelude::*;
use tessera_model::{DamPath, FolderListing};

use crate::api::ApiError;
use crate::components::asset_card::AssetCard;
use crate::state::{use_editor, Source};

/// Browse the local or the remote DAM; drag assets out of it onto components.
#[component]
pub fn ContentFinder() -> impl IntoView {
    let editor = use_editor();
    let listing = LocalResource::new(move || {
        let source = editor.source.get();
        let folder = editor.folder.get();
        let repo = editor.repository(source);
        let client = repo.client();
        // Re-list when someone logs in or out.
        let _ = repo.session.get();
        async move {
            match client {
                Some(client) => client.list_folder(&folder).await.map(|l| (client, l)).map(Some),
                None => Ok(None),
            }
        }
    });

    let choose = move |source: Source| {
        editor.source.set(source);
        editor.folder.set(DamPath::root());
    };
    let source_button = move |source: Source| {
        view! {
            <button
                type="button"
                role="radio"
                class="switch-option"
                aria-checked=move || (editor.source.get() == source).to_string()
                on:click=move |_| choose(source)
            >
                {source.label()}
            </button>
        }
    };

    view! {
        <section class="content-finder" aria-label="Content Finder">
            <div class="switch" role="radiogroup" aria-label="Repository">
                {source_button(Source::Local)}
                {source_button(Source::Remote)}
            </div>
            <RemoteLogin />
            <Breadcrumb />
            <div class="finder-results">
                {move || match listing.get() {
                    None => view! { <p class="finder-message" role="status">"Loading…"</p> }.into_any(),
                    Some(Ok(None)) => view! {
                        <p class="finder-message">"This deployment has no remote DAM configured."</p>
                    }.into_any(),
                    Some(Ok(Some((client, l)))) => view! { <Listing client=client listing=l /> }.into_any(),
                    Some(Err(e)) => view! { <ListingError error=e /> }.into_any(),
                }}
            </div>
        </section>
    }
}

/// "Log in to Connected Assets" while nobody is logged in to the remote DAM; who is
/// logged in, and "Log out", once someone is.
#[component]
fn RemoteLogin() -> impl IntoView {
    let editor = use_editor();
    let remote = editor.remote;
    let log_out = move |_| {
        let (Some(client), Some(me)) = (remote.client_untracked(), remote.session.get_untracked()) else { return };
        leptos::task::spawn_local(async move {
            match client.logout(&me).await {
                Ok(()) => remote.session.set(None),
                Err(e) => editor.notify(format!("Logging out of Connected Assets failed: {e}")),
            }
        });
    };
    view! {
        <div class="remote-login">
            {move || match remote.session.get() {
                Some(me) => view! {
                    <p class="logged-in">"Connected Assets: logged in as " <strong>{me.user}</strong></p>
                    <button type="button" class="link-button" on:click=log_out>"Log out of Connected Assets"</button>
                }.into_any(),
                None => view! {
                    <button
                        type="button"
                        class="primary"
                        disabled=move || remote.client.get().is_none()
                        on:click=move |_| editor.login_for.set(Some(Source::Remote))
                    >
                        "Log in to Connected Assets"
                    </button>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Breadcrumb() -> impl IntoView {
    let editor = use_editor();
    view! {
        <nav aria-label="Breadcrumb" class="breadcrumb">
            <ol>
                {move || {
                    let folder = editor.folder.get();
                    let mut trail = folder.ancestors();
                    trail.push(folder.clone());
                    trail
                        .into_iter()
                        .map(|p| {
                            let current = p == folder;
                            let label = if p.is_root() { "Assets".to_owned() } else { p.name().to_owned() };
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="link-button"
                                        aria-current=current.then_some("location")
                                        on:click=move |_| editor.folder.set(p.clone())
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

#[component]
fn Listing(client: crate::api::Client, listing: FolderListing) -> impl IntoView {
    let editor = use_editor();
    let source = editor.source.get_untracked();
    if listing.folders.is_empty() && listing.assets.is_empty() {
        return view! { <p class="finder-message">"This folder is empty."</p> }.into_any();
    }
    let folders = listing
        .folders
        .into_iter()
        .map(|f| {
            let path = f.path.clone();
            view! {
                <li class="folder">
                    <button type="button" class="folder-button" on:click=move |_| editor.folder.set(path.clone())>
                        <span aria-hidden="true" class="folder-icon">"📁"</span>
                        {f.title}
                    </button>
                </li>
            }
        })
        .collect_view();
    let assets = listing
        .assets
        .into_iter()
        .map(|a| view! { <AssetCard asset=a client=client.clone() source=source /> })
        .collect_view();
    view! {
        <ul class="finder-list" aria-label="Folders and assets">
            {folders}
            {assets}
        </ul>
    }
    .into_any()
}

#[component]
fn ListingError(error: ApiError) -> impl IntoView {
    let editor = use_editor();
    if error.is_unauthenticated() {
        let source = editor.source.get_untracked();
        let text = match source {
            Source::Remote => "Log in to Connected Assets to browse the remote DAM.",
            Source::Local => "Log in to browse this deployment's assets.",
        };
        return view! {
            <div class="finder-message">
                <p>{text}</p>
                {(source == Source::Local).then(|| view! {
                    <button type="button" class="primary" on:click=move |_| editor.login_for.set(Some(Source::Local))>
                        "Log in"
                    </button>
                })}
            </div>
        }
        .into_any();
    }
    view! { <p class="finder-message error" role="alert">{error.to_string()}</p> }.into_any()
}
