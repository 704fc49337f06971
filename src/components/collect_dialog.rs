use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::CollectionDto;

use crate::api::CollectInto;
use crate::components::modal::Modal;
use crate::state::use_editor;

/// Add to Collection for one asset of the Content Finder: a collection of the DAM
/// that holds the asset (this deployment's or the remote one, as whoever is logged
/// in to it), or a new one.
#[component]
pub fn CollectDialog() -> impl IntoView {
    let editor = use_editor();
    let collections = RwSignal::new(None::<Result<Vec<CollectionDto>, String>>);
    let chosen = RwSignal::new(None::<i64>);
    let new_title = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        collections.set(None);
        new_title.set(String::new());
        error.set(None);
        let Some((source, _, _)) = editor.collect_for.get() else { return };
        let Some(client) = editor.repository(source).client_untracked() else { return };
        spawn_local(async move {
            let editable = client.editable_collections().await;
            chosen.set(editable.as_ref().ok().and_then(|c| c.first()).map(|c| c.id));
            collections.set(Some(editable.map_err(|e| e.to_string())));
        });
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some((source, path, title)) = editor.collect_for.get_untracked() else { return };
        let repository = editor.repository(source);
        let (Some(client), Some(me)) = (repository.client_untracked(), repository.session.get_untracked()) else {
            error.set(Some("Log in to the DAM that holds this asset first.".into()));
            return;
        };
        let into = collections.with_untracked(|c| {
            let known = c.as_ref().and_then(|c| c.as_ref().ok()).map(Vec::as_slice).unwrap_or_default();
            CollectInto::from_choice(chosen.get_untracked(), &new_title.get_untracked(), known)
        });
        let Some(into) = into else {
            error.set(Some("Choose a collection, or name a new one.".into()));
            return;
        };
        busy.set(true);
        spawn_local(async move {
            let added = client.collect(into, vec![path], &me).await;
            busy.set(false);
            match added {
                Ok(name) => {
                    editor.collect_for.set(None);
                    editor.inform(format!("{title} is in the collection {name}."));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    move || {
        let (_, _, title) = editor.collect_for.get()?;
        Some(view! {
            <Modal labelled_by="collect-title" on_close=Callback::new(move |_| editor.collect_for.set(None))>
                <form on:submit=submit>
                    <h2 id="collect-title">{format!("Add {title} to a Collection")}</h2>
                    {move || match collections.get() {
                        None => view! { <p role="status">"Loading the collections…"</p> }.into_any(),
                        Some(Err(why)) => view! { <p class="error" role="alert">{format!("The collections could not be read: {why}")}</p> }.into_any(),
                        Some(Ok(list)) if list.is_empty() => view! { <p>"No collection you may change yet: name a new one."</p> }.into_any(),
                        Some(Ok(list)) => view! {
                            <label>"Collection"
                                <select on:change=move |e| chosen.set(event_target_value(&e).parse().ok())>
                                    {list.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.title}</option> }).collect_view()}
                                </select>
                            </label>
                        }.into_any(),
                    }}
                    <label>"Or a new collection" <input type="text" maxlength="256" prop:value=move || new_title.get() on:input=move |e| new_title.set(event_target_value(&e)) /></label>
                    <p class="error" role="alert">{move || error.get()}</p>
                    <div class="dialog-buttons">
                        <button type="button" on:click=move |_| editor.collect_for.set(None)>"Cancel"</button>
                        <button type="submit" class="primary" disabled=move || busy.get()>"Add"</button>
                    </div>
                </form>
            </Modal>
        })
    }
}
