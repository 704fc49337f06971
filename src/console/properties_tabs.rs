//! The tabs of an asset's or folder's Properties, as the seed's Properties has them:
//! Basic, then **Live Copy** for a live copy and **Live Copy Source** for a source
//! (the WAI-ARIA tabs pattern). Every panel stays built while hidden, so a form keeps
//! what is typed in it when another tab is looked at.

use leptos::prelude::*;

use crate::components::tabs::{TabItem, TabList};

/// One of the tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Basic,
    LiveCopy,
    LiveCopySource,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Tab::Basic => "Basic",
            Tab::LiveCopy => "Live Copy",
            Tab::LiveCopySource => "Live Copy Source",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Basic => "properties-tab-basic",
            Tab::LiveCopy => "properties-tab-live-copy",
            Tab::LiveCopySource => "properties-tab-live-copy-source",
        }
    }

    fn panel(self) -> &'static str {
        match self {
            Tab::Basic => "properties-basic",
            Tab::LiveCopy => "properties-live-copy",
            Tab::LiveCopySource => "properties-live-copy-source",
        }
    }
}

/// `is_live_copy` and `is_source` say which MSM tabs there are; they may turn true
/// once what they depend on has been read.
#[component]
pub fn PropertiesTabs(is_live_copy: Signal<bool>, is_source: Signal<bool>, basic: Children, live_copy: Children, source: Children) -> impl IntoView {
    let shown = Memo::new(move |_| {
        let mut tabs = vec![Tab::Basic];
        if is_live_copy.get() {
            tabs.push(Tab::LiveCopy);
        }
        if is_source.get() {
            tabs.push(Tab::LiveCopySource);
        }
        tabs
    });
    // The tab the reader chose, and its place among those shown (for the tab list):
    // when a tab comes or goes (a Detach, the live copies read late), the chosen one
    // keeps its place, or Basic takes over.
    let chosen = RwSignal::new(Tab::Basic);
    let selected = RwSignal::new(0usize);
    Effect::new(move |_| {
        let index = selected.get();
        if let Some(tab) = shown.with_untracked(|t| t.get(index).copied()) {
            chosen.set(tab);
        }
    });
    Effect::new(move |_| {
        let tabs = shown.get();
        let index = tabs.iter().position(|t| *t == chosen.get_untracked()).unwrap_or(0);
        selected.set(index);
    });
    let current = move || chosen.get();
    // Without the MSM tabs there is no tab list: the Basic panel is then plain content.
    let tabbed = move || shown.with(|t| t.len() > 1);
    let panel = move |tab: Tab, content: Children| {
        view! {
            <div
                role=move || tabbed().then_some("tabpanel")
                id=tab.panel()
                aria-labelledby=move || tabbed().then_some(tab.id())
                tabindex=move || tabbed().then_some("0")
                class="properties-panel"
                hidden=move || current() != tab
            >
                {content()}
            </div>
        }
    };
    view! {
        {move || {
            let tabs = shown.get();
            (tabs.len() > 1).then(|| {
                let items = tabs.iter().map(|t| TabItem::new(t.id(), t.panel(), Signal::stored(t.label().to_owned()))).collect();
                view! { <TabList label="Properties" items=items selected=selected /> }
            })
        }}
        {panel(Tab::Basic, basic)}
        {panel(Tab::LiveCopy, live_copy)}
        {panel(Tab::LiveCopySource, source)}
    }
}
