//! The Live Copy Source section of a source's Properties: its direct live copies
//! with their Relationship Status, Rollout to the chosen ones ("Rollout Source and
//! all Children" for a folder, run as jobs), and the way into the Live Copy Overview.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::msm::{LiveCopyDto, LiveCopyPreview, RolloutDto, RolloutPreview};

use crate::components::modal::Modal;
use tessera_model::DamPath;

use crate::console::live_copy::Node;
use crate::console::state::{choose, use_console, Place};

/// Nothing when the asset or folder has no live copies.
#[component]
pub fn LiveCopySourceSection(
    path: DamPath,
    kind: Node,
    /// Told how many live copies the source has, once they are read.
    #[prop(optional)]
    count: Option<RwSignal<usize>>,
) -> impl IntoView {
    let console = use_console();
    let copies = RwSignal::new(Vec::<LiveCopyDto>::new());
    let chosen = RwSignal::new(Vec::<DamPath>::new());
    let busy = RwSignal::new(false);
    let load = {
        let path = path.clone();
        move || {
            let (client, path) = (console.client(), path.clone());
            spawn_local(async move {
                match client.live_copies_of(&path).await {
                    Ok(list) => {
                        if let Some(count) = count {
                            count.set(list.len());
                        }
                        chosen.set(list.iter().filter(|c| !c.suspended).map(|c| c.path.clone()).collect());
                        copies.set(list);
                    }
                    Err(e) => console.fail(&e),
                }
            });
        }
    };
    load();
    let rollout_label = match kind {
        Node::Asset => "Rollout",
        Node::Folder => "Rollout Source and all Children",
    };
    // Rollout shows what it will do first; the preview's own button runs it.
    let preview = RwSignal::new(None::<RolloutPreview>);
    let ask = {
        let path = path.clone();
        move |_| {
            let (client, me, path, targets) = (console.client(), console.me.get_untracked(), path.clone(), chosen.get_untracked());
            busy.set(true);
            spawn_local(async move {
                let Some(me) = me else { return };
                match client.rollout_preview(&path, Some(targets), &me).await {
                    Ok(found) => preview.set(Some(found)),
                    Err(e) => console.fail(&e),
                }
                busy.set(false);
            });
        }
    };
    let run = {
        let path = path.clone();
        move || {
            let (client, me, path, targets) = (console.client(), console.me.get_untracked(), path.clone(), chosen.get_untracked());
            let load = load.clone();
            busy.set(true);
            spawn_local(async move {
                let Some(me) = me else { return };
                match client.rollout(&path, Some(targets), &me).await {
                    Ok(done) => {
                        console.say(describe(&done));
                        console.refresh();
                        load();
                    }
                    Err(e) => console.fail(&e),
                }
                busy.set(false);
            });
        }
    };
    let overview = {
        let path = path.clone();
        move |_| console.go(Place::LiveCopyOverview(path.clone()))
    };
    view! {
        <Show when=move || copies.with(|c| !c.is_empty())>
            <section class="live-copy-source" aria-labelledby="live-copy-source-title">
                <h3 id="live-copy-source-title">"Live Copy Source"</h3>
                <fieldset>
                    <legend>"Live copies"</legend>
                    <For each=move || copies.get() key=|c| (c.path.clone(), c.status, c.suspended) let:copy>
                        {
                            let path = copy.path.clone();
                            let checked = {
                                let path = path.clone();
                                move || chosen.with(|c| c.contains(&path))
                            };
                            let toggle = move |e: leptos::ev::Event| choose(chosen, &path, event_target_checked(&e));
                            view! {
                                <label class="check">
                                    <input type="checkbox" prop:checked=checked on:change=toggle />
                                    {format!("{} ({})", copy.path, copy.status.label())}
                                </label>
                            }
                        }
                    </For>
                </fieldset>
                <div class="live-copy-actions" role="group" aria-label="Live Copy Source actions">
                    <button type="button" disabled=move || busy.get() || chosen.with(Vec::is_empty) on:click=ask.clone()>{rollout_label}</button>
                    {(kind == Node::Folder).then(|| view! { <button type="button" on:click=overview.clone()>"Live Copy Overview"</button> })}
                </div>
            </section>
        </Show>
        {move || preview.get().map(|found| {
            let run = run.clone();
            view! {
                <Modal labelled_by="rollout-preview-title" on_close=Callback::new(move |_| preview.set(None))>
                    <h2 id="rollout-preview-title">"Rollout preview"</h2>
                    <ul class="rollout-preview">
                        {found.live_copies.iter().map(|c| view! { <li>{preview_line(c)}</li> }).collect_view()}
                        {found.skipped.iter().map(|s| view! { <li>{format!("{}: skipped, {}.", s.path, s.reason.label())}</li> }).collect_view()}
                    </ul>
                    <div class="buttons">
                        <button type="button" on:click=move |_| preview.set(None)>"Cancel"</button>
                        <button type="button" class="primary" on:click=move |_| {
                            preview.set(None);
                            run();
                        }>{rollout_label}</button>
                    </div>
                </Modal>
            }
        })}
    }
}

/// One live copy's part of a preview, in words.
fn preview_line(c: &LiveCopyPreview) -> String {
    let names = |fields: &[tessera_model::msm::InheritedField]| fields.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    match (c.fields.is_empty(), c.assets_changed) {
        (true, _) => parts.push("no field changes".to_owned()),
        (false, 0) => parts.push(format!("changes {}", names(&c.fields))),
        (false, n) => parts.push(format!("changes {} on {n} asset(s)", names(&c.fields))),
    }
    if !c.kept.is_empty() {
        parts.push(format!("keeps its local {}", names(&c.kept)));
    }
    if c.created_count > 0 {
        parts.push(format!("adds {} (new in the source)", c.created_count));
    }
    if c.removed_count > 0 {
        parts.push(format!("removes {} (gone from the source)", c.removed_count));
    }
    if !c.skipped.is_empty() {
        parts.push(format!("skips {} suspended", c.skipped.len()));
    }
    format!("{}: {}.", c.path, parts.join("; "))
}

/// What a rollout did, in words.
pub fn describe(done: &RolloutDto) -> String {
    let mut text = match done.jobs.len() {
        0 => format!("Rolled out to {} live copies.", done.updated.len()),
        n => format!("Rolling out to {} live copy folders with all their children in {n} job(s): Async Jobs shows the progress.", done.updated.len()),
    };
    if !done.skipped.is_empty() {
        let skipped: Vec<String> = done.skipped.iter().map(|s| format!("{} ({})", s.path, s.reason.label())).collect();
        text.push_str(&format!(" Skipped: {}.", skipped.join(", ")));
    }
    text
}
