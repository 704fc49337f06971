use leptos::prelude::*;

use crate::components::component_browser::ComponentBrowser;
use crate::components::content_finder::ContentFinder;
use crate::components::pages_panel::PagesPanel;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Assets,
    Components,
    Pages,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Tab::Assets => "Assets",
            Tab::Components => "Components",
            Tab::Pages => "Pages",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Assets => "assets",
            Tab::Components => "components",
            Tab::Pages => "pages",
        }
    }
}

/// The side panel: Assets (the Content Finder), Components, Pages.
#[component]
pub fn SidePanel() -> impl IntoView {
    let tab = RwSignal::new(Tab::Assets);
    let tab_button = move |t: Tab| {
        view! {
            <button
                type="button"
                role="tab"
                id=format!("tab-{}", t.id())
                aria-selected=move || (tab.get() == t).to_string()
                aria-controls=format!("panel-{}", t.id())
                tabindex=move || if tab.get() == t { "0" } else { "-1" }
                class="tab"
                on:click=move |_| tab.set(t)
            >
                {t.label()}
            </button>
        }
    };
    view! {
        <aside id="side-panel" class="side-panel" aria-label="Side panel">
            <div role="tablist" aria-label="Side panel tabs" class="tabs">
                {tab_button(Tab::Assets)}
                {tab_button(Tab::Components)}
                {tab_button(Tab::Pages)}
            </div>
            {move || {
                let t = tab.get();
                let body = match t {
                    Tab::Assets => view! { <ContentFinder /> }.into_any(),
                    Tab::Components => view! { <ComponentBrowser /> }.into_any(),
                    Tab::Pages => view! { <PagesPanel /> }.into_any(),
                };
                view! {
                    <div role="tabpanel" id=format!("panel-{}", t.id()) aria-labelledby=format!("tab-{}", t.id()) class="tab-panel">
                        {body}
                    </div>
                }
            }}
        </aside>
    }
}
