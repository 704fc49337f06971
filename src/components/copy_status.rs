//! Where a component's asset comes from, said the same way the publish dialog and the
//! published page treat it: a local asset, a remote one shown from the remote DAM,
//! or a Connected Assets copy (from which DAM, fetched when), with "Fetch again" and
//! the state of a fetch under way or failed. A failed fetch of a copy fetched before
//! leaves that copy in use, and this says so.

use leptos::prelude::*;
use tessera_model::AssetRef;

use crate::components::local_time::LocalTime;
use crate::connected::FetchState;
use crate::state::use_editor;

#[component]
pub fn CopyStatus(asset: AssetRef) -> impl IntoView {
    let editor = use_editor();
    let path = StoredValue::new(asset.path.clone());
    let fetch = move || path.with_value(|p| editor.fetch_state(p));
    match (&asset.connected, &asset.repository) {
        (Some(origin), _) => {
            let copy = StoredValue::new(asset.clone());
            let dam = origin.dam_url.clone();
            view! {
                <div class="asset-origin connected-copy">
                    <p>
                        "Connected Assets copy of " <span class="asset-path">{origin.path.to_string()}</span>
                        " from " {dam} ", fetched " <LocalTime unix_seconds=origin.fetched_at /> ". "
                        <button
                            type="button"
                            class="link-button"
                            disabled=move || matches!(fetch(), Some(FetchState::Fetching))
                            on:click=move |_| copy.with_value(|c| editor.fetch_again(c))
                        >
                            "Fetch again"
                        </button>
                    </p>
                    <p role="status" class="fetch-state">
                        {move || match fetch() {
                            Some(FetchState::Fetching) => "Fetching again from the remote DAM\u{2026}".to_owned(),
                            Some(FetchState::Failed(why)) => format!("The last fetch failed: {why} This copy stays in use."),
                            None => String::new(),
                        }}
                    </p>
                </div>
            }
            .into_any()
        }
        (None, Some(remote)) => view! { <p class="asset-origin">{format!("Shown from the remote DAM at {remote}")}</p> }.into_any(),
        (None, None) => view! { <p class="asset-origin">"From this deployment's DAM"</p> }.into_any(),
    }
}
