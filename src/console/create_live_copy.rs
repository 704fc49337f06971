//! Create Live Copy, both ways the seed gives: from a selected asset or folder, and
//! from the toolbar with a source picked in the dialog. Destination folder, title and
//! name, "Include children" for a folder, and the rollout config (the Standard one is
//! the only choice). A folder's children are made in a job on the Async Jobs page.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use tessera_model::msm::{CreateLiveCopyRequest, RolloutConfig};
use tessera_model::DamPath;

use crate::api::ApiError;
use crate::components::modal::Modal;
use crate::console::dialogs::{act, close, folder_choices};
use crate::console::state::use_console;

#[component]
pub fn CreateLiveCopyDialog(source: Option<DamPath>) -> impl IntoView {
    let console = use_console();
    let folders = folder_choices(console);
    let picked = source.is_some();
    let source_text = RwSignal::new(source.as_ref().map(ToString::to_string).unwrap_or_default());
    let destination = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let name = RwSignal::new(source.as_ref().map(|s| s.name().to_owned()).unwrap_or_default());
    let children = RwSignal::new(true);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let source_path = move || DamPath::parse(source_text.get().trim()).ok();
    let source_is_folder = move || source_path().is_some_and(|s| folders.with(|f| f.iter().any(|(p, _)| *p == s)));
    // What the current folder holds, offered as sources beside every folder.
    let offered = move || {
        let mut out: Vec<String> = folders.with(|f| f.iter().map(|(p, _)| p.to_string()).collect());
        out.extend(console.listing.with(|l| l.items.iter().map(|i| i.path().to_string()).collect::<Vec<_>>()));
        out
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(from) = source_path() else {
            error.set(Some("Choose the source: an asset or folder path under /content/dam.".into()));
            return;
        };
        let Ok(into) = DamPath::parse(&destination.get_untracked()) else {
            error.set(Some("Choose a destination folder.".into()));
            return;
        };
        let to = match into.join(name.get_untracked().trim()) {
            Ok(to) => to,
            Err(e) => {
                error.set(Some(format!("The name: {e}")));
                return;
            }
        };
        let is_folder = source_is_folder();
        let request = CreateLiveCopyRequest {
            source: from,
            destination: to.clone(),
            title: Some(title.get_untracked()).filter(|t| !t.trim().is_empty()),
            config: RolloutConfig::Standard,
            include_children: is_folder.then(|| children.get_untracked()),
        };
        act(console, error, busy, move |client, me| async move {
            let made = client.create_live_copy(&request, &me).await?;
            Ok::<_, ApiError>(match made.job {
                Some(_) => format!("The Live Copy {} is created; its children are being made (Async Jobs shows the progress).", to.name()),
                None => format!("The Live Copy {} is created.", to.name()),
            })
        });
    };
    view! {
        <Modal labelled_by="create-live-copy-title" on_close=close(console)>
            <form on:submit=submit>
                <h2 id="create-live-copy-title">"Create Live Copy"</h2>
                {if picked {
                    view! { <p>"Source: " <strong>{source_text.get_untracked()}</strong></p> }.into_any()
                } else {
                    view! {
                        <label>
                            "Source"
                            <input type="text" required autofocus list="live-copy-sources" placeholder="/content/dam/…" prop:value=move || source_text.get()
                                on:input=move |e| {
                                    source_text.set(event_target_value(&e));
                                    if let Some(p) = source_path() {
                                        name.set(p.name().to_owned());
                                    }
                                } />
                        </label>
                        <datalist id="live-copy-sources">
                            <For each=offered key=|p| p.clone() let:p>
                                <option value=p></option>
                            </For>
                        </datalist>
                    }
                    .into_any()
                }}
                <label>
                    "Destination folder"
                    <select required autofocus=picked on:change=move |e| destination.set(event_target_value(&e))>
                        <option value="" selected>"Choose a folder"</option>
                        <For each=move || folders.get() key=|(p, _)| p.clone() let:folder>
                            // By path, so typing it picks it (and the names say where).
                            <option value=folder.0.to_string()>{folder.0.to_string()}</option>
                        </For>
                    </select>
                </label>
                <label>"Title (optional)" <input type="text" prop:value=move || title.get() on:input=move |e| title.set(event_target_value(&e)) /></label>
                <label>"Name" <input type="text" required prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) /></label>
                <Show when=source_is_folder>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || children.get() on:change=move |e| children.set(event_target_checked(&e)) />
                        "Include children"
                    </label>
                </Show>
                <label>
                    "Rollout config"
                    <select>
                        <option value="standard" selected>{RolloutConfig::Standard.label()}</option>
                    </select>
                </label>
                <p class="error" role="alert">{move || error.get()}</p>
                <div class="buttons">
                    <button type="button" on:click=move |_| console.dialog.set(None)>"Cancel"</button>
                    <button type="submit" class="primary" disabled=move || busy.get()>"Create"</button>
                </div>
            </form>
        </Modal>
    }
}
