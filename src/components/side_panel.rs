use leptos::prelude::*;
use tessera_model::ComponentBody;

use crate::components::component_browser::ComponentBrowser;
use crate::components::content_finder::ContentFinder;
use crate::components::deferred::wanted_once;
use crate::components::pages_panel::PagesPanel;
use crate::components::tabs::{TabItem, TabList};
use crate::state::use_editor;

/// The side panel's tabs, in order: (id, label).
const TABS: [(&str, &str); 3] = [("assets", "Assets"), ("components", "Components"), ("pages", "Pages")];

/// The side panel: Assets (the Content Finder), Components, Pages. Every panel stays
/// mounted, and so does the side panel while it is closed, so the Content Finder
/// keeps its folder and search. On a narrow screen it is a drawer over the page,
/// which Escape closes. The Content Finder and Pages come from lazily loaded
/// modules, asked for once the editor has settled (so the page comes first), Pages
/// sooner if the author opens its tab.
#[component]
pub fn SidePanel(open: RwSignal<bool>) -> impl IntoView {
    let editor = use_editor();
    let selected = RwSignal::new(0usize);
    let finder_wanted = wanted_once(move || editor.settled.get());
    let pages_wanted = wanted_once(move || editor.settled.get() || selected.get() == 2);
    let items = TABS.iter().map(|(id, label)| TabItem::new(format!("tab-{id}"), format!("panel-{id}"), Signal::stored(label.to_string()))).collect();
    let panel = move |index: usize, body: AnyView| {
        let id = TABS[index].0;
        view! {
            <div
                role="tabpanel"
                id=format!("panel-{id}")
                aria-labelledby=format!("tab-{id}")
                class="tab-panel"
                tabindex="0"
                hidden=move || selected.get() != index
            >
                {body}
            </div>
        }
    };
    view! {
        <aside
            id="side-panel"
            class="side-panel"
            aria-label="Side panel"
            hidden=move || !open.get()
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" && is_narrow() && !ev.default_prevented() {
                    open.set(false);
                    focus_toggle();
                }
            }
        >
            <TabList label="Side panel tabs" items=items selected=selected />
            {panel(0, view! { <PlacementTarget /> {move || finder_wanted.get().then(|| Suspend::new(finder_view()))} }.into_any())}
            {panel(1, view! { <ComponentBrowser /> }.into_any())}
            {panel(2, view! { {move || pages_wanted.get().then(|| Suspend::new(pages_panel_view()))} }.into_any())}
        </aside>
    }
}

/// Built untracked, like the editor's dialogs (`dialogs.rs`).
#[cfg_attr(feature = "split", leptos::lazy)]
async fn finder_view() -> AnyView {
    untrack(|| view! { <ContentFinder /> }.into_any())
}

/// Built untracked, like the finder.
#[cfg_attr(feature = "split", leptos::lazy)]
async fn pages_panel_view() -> AnyView {
    untrack(|| view! { <PagesPanel /> }.into_any())
}

/// Which component Enter on an asset places into: the one the author chose, said
/// before they press it.
#[component]
fn PlacementTarget() -> impl IntoView {
    let editor = use_editor();
    let target = move || {
        let id = editor.selected.get()?;
        let takes_assets =
            editor.content.with(|c| c.components.iter().any(|x| x.id == id && matches!(x.body, ComponentBody::Image(_) | ComponentBody::Download(_))));
        takes_assets.then(|| editor.component_name(&id)).flatten()
    };
    view! {
        <p class="place-target" id="place-target" aria-live="polite">
            {move || match target() {
                Some(name) => format!("Enter places into: {name}"),
                None => "Select an Image or Download component, then press Enter on an asset to place it there.".to_owned(),
            }}
        </p>
    }
}

/// Whether the side panel is a drawer over the page: the width below which
/// `editor.css` makes it one.
pub fn is_narrow() -> bool {
    web_sys::window().and_then(|w| w.match_media("(max-width: 760px)").ok().flatten()).is_some_and(|m| m.matches())
}

fn focus_toggle() {
    let toggle = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(".panel-toggle").ok().flatten());
    if let Some(toggle) = toggle.and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok()) {
        let _ = toggle.focus();
    }
}
