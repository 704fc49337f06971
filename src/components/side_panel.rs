use leptos::prelude::*;
use tessera_model::ComponentBody;

use crate::components::component_browser::ComponentBrowser;
use crate::components::content_finder::ContentFinder;
use crate::components::pages_panel::PagesPanel;
use crate::components::tabs::{TabItem, TabList};
use crate::state::use_editor;

/// The side panel's tabs, in order: (id, label).
const TABS: [(&str, &str); 3] = [("assets", "Assets"), ("components", "Components"), ("pages", "Pages")];

/// The side panel: Assets (the Content Finder), Components, Pages. Every panel stays
/// mounted, so the Content Finder keeps its folder and search across tab changes.
#[component]
pub fn SidePanel() -> impl IntoView {
    let selected = RwSignal::new(0usize);
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
        <aside id="side-panel" class="side-panel" aria-label="Side panel">
            <TabList label="Side panel tabs" items=items selected=selected />
            {panel(0, view! { <PlacementTarget /> <ContentFinder /> }.into_any())}
            {panel(1, view! { <ComponentBrowser /> }.into_any())}
            {panel(2, view! { <PagesPanel /> }.into_any())}
        </aside>
    }
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
