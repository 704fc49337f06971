use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::page::{AssetState, PublishReport};

use crate::api::Client;
use crate::components::local_time::LocalTime;
use crate::components::modal::Modal;
use crate::state::use_editor;

/// Publish: first every asset the page uses, then the published page's address.
#[component]
pub fn PublishDialog() -> impl IntoView {
    let editor = use_editor();
    let plan = RwSignal::new(None::<PublishReport>);
    let done = RwSignal::new(None::<PublishReport>);
    let busy = RwSignal::new(false);
    // The dialog shows its own messages: nothing shows above it.
    let failed = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if !editor.publish_open.get() {
            plan.set(None);
            done.set(None);
            return;
        }
        let Some(path) = editor.page_path.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match Client::new("").publish_plan(&path).await {
                Ok(p) => plan.set(Some(p)),
                Err(e) => {
                    editor.notify(format!("Could not list the page's assets: {e}"));
                    editor.publish_open.set(false);
                }
            }
        });
    });
    let publish = move |_| {
        let (Some(path), Some(me)) = (editor.page_path.get_untracked(), editor.local.session.get_untracked()) else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            match Client::new("").publish(&path, &me).await {
                Ok(report) => {
                    failed.set(None);
                    done.set(Some(report));
                }
                Err(e) => failed.set(Some(format!("Publishing failed: {e}"))),
            }
            busy.set(false);
        });
    };
    move || {
        if !editor.publish_open.get() {
            return None;
        }
        Some(view! {
            <Modal labelled_by="publish-title" class="wide" on_close=Callback::new(move |_| editor.publish_open.set(false))>
                    <h2 id="publish-title">"Publish"</h2>
                    {move || match (done.get(), plan.get()) {
                        (Some(report), _) => view! {
                            <p role="status">"Published. "<a href=report.url.clone() target="_blank">"View the published page"</a></p>
                            <ul class="publish-assets" aria-label="Published empty">
                                {report.assets.iter().filter_map(|a| a.state.why_empty().map(|why| view! {
                                    <li class="error">{format!("\u{201c}{}\u{201d} {why}: its component was published empty.", a.title)}</li>
                                })).collect_view()}
                            </ul>
                            <div class="dialog-buttons">
                                <button type="button" class="primary" on:click=move |_| editor.publish_open.set(false)>"Close"</button>
                            </div>
                        }.into_any(),
                        (None, Some(p)) => view! {
                            <p>{format!("This page uses {} asset(s):", p.assets.len())}</p>
                            <ul class="publish-assets" aria-label="Assets on this page">
                                {p.assets.iter().map(|a| view! {
                                    <li>
                                        <strong>{a.title.clone()}</strong>" "<span class="asset-path">{a.path.clone()}</span>
                                        " — "{a.state.describe()}
                                        {(a.state == AssetState::Fetched).then(|| fetched_note(editor, &a.path))}
                                    </li>
                                }).collect_view()}
                            </ul>
                            {move || failed.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                            <div class="dialog-buttons">
                                <button type="button" on:click=move |_| editor.publish_open.set(false)>"Cancel"</button>
                                <button type="button" class="primary" disabled=move || busy.get() on:click=publish>"Publish page"</button>
                            </div>
                        }.into_any(),
                        (None, None) => view! { <p role="status">"Listing the page's assets…"</p> }.into_any(),
                    }}

            </Modal>
        })
    }
}

/// For a Connected Assets copy: when the copy that will be published was fetched, and
/// whether a later fetch failed (the component says the same).
fn fetched_note(editor: crate::state::Editor, path: &str) -> impl IntoView {
    let copy = editor.content.with_untracked(|c| c.components.iter().filter_map(|x| x.body.asset()).find(|a| a.path.as_str() == path).cloned());
    let fetched_at = copy.as_ref().and_then(|a| a.connected.as_ref()).map(|o| o.fetched_at);
    let failed = copy.is_some_and(|a| matches!(untrack(|| editor.fetch_state(&a.path)), Some(crate::connected::FetchState::Failed(_))));
    view! {
        {fetched_at.map(|t| view! { ", fetched " <LocalTime unix_seconds=t /> })}
        {failed.then_some("; the last fetch again failed, so this copy is the one published")}
    }
}
