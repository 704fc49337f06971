use leptos::prelude::*;

use crate::components::content_finder::ContentFinder;

/// The side panel. Its Assets tab holds the Content Finder.
#[component]
pub fn SidePanel() -> impl IntoView {
    view! {
        <aside id="side-panel" class="side-panel" aria-label="Side panel">
            <div role="tablist" aria-label="Side panel tabs" class="tabs">
                <button type="button" role="tab" id="tab-assets" aria-selected="true" aria-controls="panel-assets" class="tab">
                    "Assets"
                </button>
            </div>
            <div role="tabpanel" id="panel-assets" aria-labelledby="tab-assets" class="tab-panel">
                <ContentFinder />
            </div>
        </aside>
    }
}
