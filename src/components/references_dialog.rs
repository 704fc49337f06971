use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::ReferencesDto;

use crate::components::modal::Modal;
use crate::state::use_editor;

/// The References of an asset, from the DAM that holds it: pages of that deployment
/// (Local References) and, per Sites deployment, the pages that use its fetched
/// copies (Remote References), each page a link.
#[component]
pub fn ReferencesDialog() -> impl IntoView {
    let editor = use_editor();
    let loaded = RwSignal::new(None::<Result<ReferencesDto, String>>);
    Effect::new(move |_| {
        loaded.set(None);
        let Some((source, path, _)) = editor.references_for.get() else {
            return;
        };
        let Some(client) = editor.repository(source).client_untracked() else {
            return;
        };
        spawn_local(async move {
            loaded.set(Some(client.references(&path).await.map_err(|e| e.to_string())));
        });
    });
    let close = move |_| editor.references_for.set(None);
    move || {
        let (_, path, title) = editor.references_for.get()?;
        Some(view! {
            <Modal labelled_by="references-title" class="wide" on_close=Callback::new(move |_| editor.references_for.set(None))>
                    <h2 id="references-title">{format!("References of {title}")}</h2>
                    <p class="asset-path">{path.to_string()}</p>
                    {move || match loaded.get() {
                        None => view! { <p role="status">"Looking for references…"</p> }.into_any(),
                        Some(Err(why)) => view! { <p class="error" role="alert">{format!("The references could not be read: {why}")}</p> }.into_any(),
                        Some(Ok(refs)) => view! { <ReferenceList refs=refs /> }.into_any(),
                    }}
                    <div class="dialog-buttons">
                        <button type="button" class="primary" on:click=close>"Close"</button>
                    </div>

            </Modal>
        })
    }
}

#[component]
fn ReferenceList(refs: ReferencesDto) -> impl IntoView {
    let local: Vec<String> = refs.by_deployment.iter().filter(|d| d.sites_url.is_none()).flat_map(|d| d.pages.clone()).collect();
    let remote: Vec<_> = refs.by_deployment.into_iter().filter(|d| d.sites_url.is_some()).collect();
    view! {
        <section aria-labelledby="local-references">
            <h3 id="local-references">{format!("Local References ({})", local.len())}</h3>
            {if local.is_empty() {
                view! { <p>"No page of this deployment uses it."</p> }.into_any()
            } else {
                view! { <ul>{local.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="remote-references">
            <h3 id="remote-references">"Remote References"</h3>
            {if remote.is_empty() {
                view! { <p>"No Sites deployment has reported using it."</p> }.into_any()
            } else {
                view! {
                    <ul class="remote-references">
                        {remote.into_iter().map(|d| {
                            let site = d.sites_url.unwrap_or_default();
                            view! {
                                <li>
                                    <details>
                                        <summary>{format!("{site}: {} page(s)", d.count)}</summary>
                                        <ul>
                                            {d.pages.into_iter().map(|p| {
                                                let href = format!("{site}{p}.html");
                                                view! { <li><a href=href target="_blank" rel="noopener">{p}</a></li> }
                                            }).collect_view()}
                                        </ul>
                                    </details>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
