//! The Live Copy section of a live copy's Properties: its source, its relationship's
//! status and last rollout, and Synchronize, Suspend or Resume, Reset and Detach
//! (Reset and Detach after a confirmation that says they cannot be undone).

use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::msm::{InheritedField, LiveCopyDto, SourceComparison};
use tessera_model::DamPath;

use crate::api::{ApiError, Inheritance, LiveCopyAction};
use crate::components::modal::Modal;
use crate::console::state::use_console;
use crate::console::time::date_time;

/// What a live copy or a source is: a folder's fields are its assets', each with its
/// own tie, and its Synchronize and Rollout walk its children in a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Asset,
    Folder,
}

/// An action that cannot be undone, waiting for its confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Irreversible {
    Reset,
    Detach,
}

/// Nothing when the asset is not a live copy. `on_changed` runs after an action that
/// changed the asset's fields (Synchronize, Reset), so the form shows them.
#[component]
pub fn LiveCopySection(path: DamPath, node: Node, tie: RwSignal<Option<LiveCopyDto>>, on_changed: Callback<()>) -> impl IntoView {
    let console = use_console();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(None::<Irreversible>);
    let act = {
        let path = path.clone();
        move |action: LiveCopyAction, done: &'static str| {
            let (client, me, path) = (console.client(), console.me.get_untracked(), path.clone());
            busy.set(true);
            spawn_local(async move {
                let Some(me) = me else { return };
                match client.live_copy_action(action, &path, &me).await {
                    Ok(dto) => {
                        tie.set(Some(dto));
                        error.set(None);
                        console.say(done);
                        if matches!(action, LiveCopyAction::Synchronize | LiveCopyAction::Reset) {
                            on_changed.run(());
                            console.refresh();
                        }
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
                busy.set(false);
            });
        }
    };
    let detach = {
        let path = path.clone();
        move || {
            let (client, me, path) = (console.client(), console.me.get_untracked(), path.clone());
            busy.set(true);
            spawn_local(async move {
                let Some(me) = me else { return };
                let done: Result<(), ApiError> = client.detach(&path, &me).await;
                match done {
                    Ok(()) => {
                        tie.set(None);
                        console.say(match node {
                            Node::Asset => "The live copy is detached: it is a standalone asset now.",
                            Node::Folder => "The live copy folder is detached: it is a standalone folder now.",
                        });
                        console.refresh();
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
                busy.set(false);
            });
        }
    };
    let confirm = {
        let act = act.clone();
        let detach = detach.clone();
        move || match confirming.get_untracked() {
            Some(Irreversible::Reset) => act(LiveCopyAction::Reset, "The live copy is reset to its source."),
            Some(Irreversible::Detach) => detach(),
            None => {}
        }
    };
    let comparison = RwSignal::new(None::<SourceComparison>);
    let compare = {
        let path = path.clone();
        move || {
            let (client, path) = (console.client(), path.clone());
            spawn_local(async move {
                match client.compare_with_source(&path).await {
                    Ok(found) => comparison.set(Some(found)),
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        }
    };
    view! {
        {move || comparison.get().map(|c| view! { <CompareWithSource comparison=c on_close=Callback::new(move |_| comparison.set(None)) /> })}
        {move || tie.get().map(|t| {
            let compare = compare.clone();
            let act = act.clone();
            let suspended = t.suspended;
            let (act_sync, act_suspend) = (act.clone(), act.clone());
            view! {
                <section class="live-copy" aria-labelledby="live-copy-title">
                    <h3 id="live-copy-title">"Live Copy"</h3>
                    <dl class="facts">
                        <dt>"Source"</dt><dd>{t.source.to_string()}</dd>
                        <dt>"Relationship Status"</dt><dd>{t.status.label()}</dd>
                        <dt>"Rollout config"</dt><dd>{t.config.label()}</dd>
                        <dt>"Last rollout"</dt>
                        <dd>{t.last_rollout.map(|r| format!("{} by {}", date_time(r.at), r.by)).unwrap_or_else(|| "Never".to_owned())}</dd>
                    </dl>
                    <div class="live-copy-actions" role="group" aria-label="Live Copy actions">
                        <Show when=move || !suspended>
                            {
                                let act = act_sync.clone();
                                let done = match node {
                                    Node::Asset => "The live copy is synchronized with its source.",
                                    Node::Folder => "The live copy folder is being synchronized with all its children: Async Jobs shows the progress.",
                                };
                                view! { <button type="button" disabled=move || busy.get() on:click=move |_| act(LiveCopyAction::Synchronize, done)>"Synchronize"</button> }
                            }
                        </Show>
                        <button type="button" disabled=move || busy.get() on:click=move |_| {
                            if suspended { act_suspend(LiveCopyAction::Resume, "The relationship is resumed.") } else { act_suspend(LiveCopyAction::Suspend, "The relationship is suspended.") }
                        }>{if suspended { "Resume" } else { "Suspend" }}</button>
                        {(node == Node::Asset).then(|| view! { <button type="button" disabled=move || busy.get() on:click=move |_| confirming.set(Some(Irreversible::Reset))>"Reset"</button> })}
                        {(node == Node::Asset).then(|| view! { <button type="button" on:click=move |_| compare()>"Compare with source"</button> })}
                        <button type="button" class="danger" disabled=move || busy.get() on:click=move |_| confirming.set(Some(Irreversible::Detach))>"Detach"</button>
                    </div>
                </section>
            }
        })}
        <p class="error" role="alert">{move || error.get()}</p>
        {move || confirming.get().map(|which| {
            let confirm = confirm.clone();
            let (title, text, button) = match which {
                Irreversible::Reset => ("Reset the live copy?", "Every local modification is overwritten with the source's values and every field inherits again. This cannot be undone.", "Reset"),
                Irreversible::Detach => ("Detach the live copy?", "The relationship with its source is removed for good: it will never receive updates again. This cannot be undone.", "Detach"),
            };
            view! {
                <Modal labelled_by="live-copy-confirm-title" on_close=Callback::new(move |_| confirming.set(None))>
                    <h2 id="live-copy-confirm-title">{title}</h2>
                    <p>{text}</p>
                    <div class="buttons">
                        <button type="button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                        <button type="button" class="danger" on:click=move |_| {
                            confirm();
                            confirming.set(None);
                        }>{button}</button>
                    </div>
                </Modal>
            }
        })}
    }
}

/// Compare with source: each field that differs, both values, and whether it is a
/// local modification or waits for a rollout.
#[component]
fn CompareWithSource(comparison: SourceComparison, on_close: Callback<()>) -> impl IntoView {
    view! {
        <Modal labelled_by="compare-source-title" on_close=on_close>
            <h2 id="compare-source-title">"Compare with source"</h2>
            <p>{format!("{} and its source {}", comparison.path, comparison.source)}</p>
            {if comparison.differences.is_empty() {
                view! { <p>"Every field is as the source has it."</p> }.into_any()
            } else {
                view! {
                    <table class="compare-source">
                        <thead><tr><th scope="col">"Field"</th><th scope="col">"Source"</th><th scope="col">"Live copy"</th><th scope="col">"Why"</th></tr></thead>
                        <tbody>
                            {comparison.differences.into_iter().map(|d| view! {
                                <tr><th scope="row">{d.field.label()}</th><td>{d.source}</td><td>{d.live_copy}</td><td>{d.difference.label()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
            <div class="buttons"><button type="button" on:click=move |_| on_close.run(())>"Close"</button></div>
        </Modal>
    }
}

/// Whether `field` of the live copy follows its source (false for an asset that is
/// not a live copy).
pub fn inherits(tie: RwSignal<Option<LiveCopyDto>>, field: &InheritedField) -> bool {
    tie.with(|t| t.as_ref().is_some_and(|t| !t.cancelled.contains(field)))
}

/// Beside an inherited field of a live copy: "Cancel inheritance of Title" makes it a
/// local modification; "Re-enable inheritance of Title" takes the source's value.
#[component]
pub fn InheritanceToggle(path: DamPath, field: InheritedField, tie: RwSignal<Option<LiveCopyDto>>, on_reenabled: Callback<()>) -> impl IntoView {
    let console = use_console();
    let label = field.label();
    let toggle = {
        let field = field.clone();
        move |_| {
            let inheritance = if inherits(tie, &field) { Inheritance::Cancel } else { Inheritance::Reenable };
            let (client, me, path, field) = (console.client(), console.me.get_untracked(), path.clone(), field.clone());
            spawn_local(async move {
                let Some(me) = me else { return };
                match client.set_inheritance(&path, &field, inheritance, &me).await {
                    Ok(dto) => {
                        tie.set(Some(dto));
                        if inheritance == Inheritance::Reenable {
                            on_reenabled.run(());
                        }
                    }
                    Err(e) => console.fail(&e),
                }
            });
        }
    };
    let shown = move || tie.with(Option::is_some);
    let cancelled = {
        let field = field.clone();
        Memo::new(move |_| !inherits(tie, &field))
    };
    let name = Memo::new(move |_| if cancelled.get() { format!("Re-enable inheritance of {label}") } else { format!("Cancel inheritance of {label}") });
    view! {
        <Show when=shown>
            <button
                type="button"
                class="inheritance"
                on:click=toggle.clone()
            >
                {move || name.get()}
            </button>
        </Show>
    }
}
