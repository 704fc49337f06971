//! The console's frame: who is logged in, then the toolbar, the folder tree, the
//! folder shown, the rail for the selected asset, and the dialogs.

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::console::address::follow_address;
use crate::console::browse::Browse;
use crate::console::dialogs::Dialogs;
use crate::console::jobs::JobsView;
use crate::console::overview::OverviewView;
use crate::console::places::{PlacesNav, ShareLinksView};
use crate::console::rail::RailPanel;
use crate::console::state::{load_listing, use_console, Console, Dialog, Place, Rail};
use crate::console::toolbar::ConsoleToolbar;
use crate::console::tree::FolderTree;
use crate::console::upload::{UploadQueue, Uploads};

#[component]
pub fn ConsoleApp() -> impl IntoView {
    let console = Console::new();
    provide_context(console);
    provide_context(Uploads::new());
    load_listing(console);
    follow_address(console);
    spawn_local(async move {
        let client = console.client();
        if let Ok(info) = client.deployment().await {
            console.has_editor.set(info.roles.iter().any(|r| r == "sites"));
        }
        match client.session().await {
            Ok(me) => console.me.set(me),
            Err(e) => console.fail(&e),
        }
        console.checked.set(true);
    });
    let _keys = window_event_listener(leptos::ev::keydown, move |e| shortcut(console, e));
    // The page shown beside the tree, if the place is one: a memo, so moving between a
    // folder, a search and a collection keeps the one Browse (and its search form).
    let page = Memo::new(move |_| console.place.with(|p| p.is_page().then(|| p.clone())));

    view! {
        <div class="console">
            <ConsoleToolbar />
            <Show
                when=move || console.me.with(Option::is_some)
                fallback=move || {
                    // The login form's module loads only once the session is known to be nobody's.
                    move || match console.checked.get() {
                        true => Suspend::new(async { login_view().await }).into_any(),
                        false => view! { <p class="console-loading">"Loading…"</p> }.into_any(),
                    }
                }
            >
                <div class="console-body">
                    <div class="console-nav">
                        <FolderTree />
                        <PlacesNav />
                    </div>
                    {move || match page.get() {
                        Some(place) => Suspend::new(async move { page_view(place).await }).into_any(),
                        None => view! { <Browse /> }.into_any(),
                    }}
                    <RailPanel />
                </div>
                <UploadQueue />
            </Show>
            <Dialogs />
            <p class="console-status" role="status" aria-live="polite" class:error=move || console.status.with(|s| s.as_ref().is_some_and(|s| s.error))>
                {move || console.status.get().map(|s| s.text)}
            </p>
        </div>
    }
}

/// The login form, loaded only when no one is logged in; built untracked so the
/// `Suspend` awaiting it does not build it again (see the rail).
#[leptos::lazy]
fn login_view() -> AnyView {
    untrack(|| view! { <LoginForm /> }.into_any())
}

/// A page of its own beside the tree (share links, Async Jobs, a Live Copy
/// Overview), loaded when first shown.
#[leptos::lazy]
fn page_view(place: Place) -> AnyView {
    untrack(|| match place {
        Place::Jobs => view! { <JobsView /> }.into_any(),
        Place::LiveCopyOverview(source) => view! { <OverviewView source=source /> }.into_any(),
        _ => view! { <ShareLinksView /> }.into_any(),
    })
}

/// The deployment's own login, before anything else.
#[component]
fn LoginForm() -> impl IntoView {
    let console = use_console();
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let client = console.client();
        let (name, secret) = (user.get_untracked(), password.get_untracked());
        spawn_local(async move {
            match client.login(&name, &secret).await {
                Ok(me) => {
                    error.set(None);
                    console.status.set(None);
                    console.me.set(Some(me));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            password.set(String::new());
            busy.set(false);
        });
    };
    view! {
        <main class="console-login" aria-labelledby="console-login-title">
            <form on:submit=submit class="login-form">
                <h1 id="console-login-title">"Log in to Assets"</h1>
                <label>"User name" <input type="text" autocomplete="username" required prop:value=move || user.get() on:input=move |e| user.set(event_target_value(&e)) /></label>
                <label>"Password" <input type="password" autocomplete="current-password" required prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e)) /></label>
                <p class="error" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>"Log in"</button>
            </form>
        </main>
    }
}

/// Keys that work anywhere in the console, unless a field or dialog has them.
fn shortcut(console: Console, e: KeyboardEvent) {
    if console.me.with_untracked(Option::is_none) || console.dialog.with_untracked(Option::is_some) || typing(&e) {
        return;
    }
    let ctrl = e.ctrl_key() || e.meta_key();
    match (e.key().as_str(), ctrl, e.alt_key()) {
        ("a", true, _) => {
            e.prevent_default();
            console.select_all();
        }
        ("p", false, false) if console.single_item().is_some() => {
            e.prevent_default();
            console.rail.set(Rail::Properties);
        }
        (_, false, true) if e.code() == "Digit4" => {
            e.prevent_default();
            console.rail.set(if console.rail.get_untracked() == Rail::References { Rail::Closed } else { Rail::References });
        }
        ("Delete", false, false) if console.selection.with_untracked(|s| !s.is_empty()) => {
            e.prevent_default();
            console.dialog.set(Some(Dialog::Delete { paths: console.selection.get_untracked(), refusal: None }));
        }
        ("Escape", false, false) => {
            if console.rail.get_untracked() != Rail::Closed {
                console.rail.set(Rail::Closed);
            } else {
                console.selection.set(Vec::new());
            }
        }
        _ => {}
    }
}

/// Whether a key goes to a text field rather than to the console.
fn typing(e: &KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || target.closest("dialog").ok().flatten().is_some()
}
