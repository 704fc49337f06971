//! The Live Copy Overview of a source folder: every live copy asset below its live
//! copy folders with its Relationship Status, a folder switcher to narrow it to one
//! of them, and Synchronize, Reset, Suspend, Resume and Detach over a selection (one
//! request per live copy, as each is its own relationship). Reset and Detach ask
//! first: they cannot be undone.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::msm::{LiveCopyDto, LiveCopyOverview};
use tessera_model::DamPath;

use crate::api::LiveCopyAction;
use crate::components::modal::Modal;
use crate::console::state::{choose, use_console, Console, Status};
use crate::console::time::date_time;

/// A bulk action over the selected live copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bulk {
    Act(LiveCopyAction),
    Detach,
}

impl Bulk {
    fn label(self) -> &'static str {
        match self {
            Bulk::Act(LiveCopyAction::Synchronize) => "Synchronize",
            Bulk::Act(LiveCopyAction::Reset) => "Reset",
            Bulk::Act(LiveCopyAction::Suspend) => "Suspend",
            Bulk::Act(LiveCopyAction::Resume) => "Resume",
            Bulk::Detach => "Detach",
        }
    }

    fn needs_confirmation(self) -> bool {
        matches!(self, Bulk::Act(LiveCopyAction::Reset) | Bulk::Detach)
    }
}

#[component]
pub fn OverviewView(source: DamPath) -> impl IntoView {
    let console = use_console();
    let overview = RwSignal::new(None::<Result<LiveCopyOverview, String>>);
    let within = RwSignal::new(None::<DamPath>);
    let chosen = RwSignal::new(Vec::<DamPath>::new());
    let confirming = RwSignal::new(None::<Bulk>);
    let busy = RwSignal::new(false);
    let load = {
        let source = source.clone();
        move || {
            let (client, source, folder) = (console.client(), source.clone(), within.get_untracked());
            spawn_local(async move {
                let found = client.live_copy_overview(&source, folder.as_ref()).await.map_err(|e| e.to_string());
                if let Ok(o) = &found {
                    chosen.update(|c| c.retain(|p| o.live_copies.iter().any(|l| &l.path == p)));
                }
                overview.set(Some(found));
            });
        }
    };
    load();
    let rows = move || overview.with(|o| o.as_ref().and_then(|o| o.as_ref().ok()).map(|o| o.live_copies.clone()).unwrap_or_default());
    let all_chosen = move || {
        let rows = rows();
        !rows.is_empty() && chosen.with(|c| c.len() == rows.len())
    };
    let run = {
        let load = load.clone();
        move |bulk: Bulk| {
            let (client, me, paths) = (console.client(), console.me.get_untracked(), chosen.get_untracked());
            let load = load.clone();
            busy.set(true);
            spawn_local(async move {
                let Some(me) = me else { return };
                let mut refused = Vec::new();
                for path in &paths {
                    let done = match bulk {
                        Bulk::Act(action) => client.live_copy_action(action, path, &me).await.map(drop),
                        Bulk::Detach => client.detach(path, &me).await,
                    };
                    if let Err(e) = done {
                        refused.push(format!("{}: {e}", path.name()));
                    }
                }
                report(console, bulk, paths.len(), &refused);
                busy.set(false);
                load();
            });
        }
    };
    let start = {
        let run = run.clone();
        move |bulk: Bulk| {
            if bulk.needs_confirmation() {
                confirming.set(Some(bulk));
            } else {
                run(bulk);
            }
        }
    };
    let details = RwSignal::new(None::<LiveCopyDto>);
    let none_chosen = move || busy.get() || chosen.with(Vec::is_empty);
    view! {
        <main class="console-page overview" aria-labelledby="overview-title">
            <h2 id="overview-title">"Live Copy Overview"</h2>
            <p>"Source folder: " <strong>{source.to_string()}</strong></p>
            <label>
                "Live copy folder "
                <select on:change={
                    let load = load.clone();
                    move |e| {
                        within.set(DamPath::parse(&event_target_value(&e)).ok());
                        load();
                    }
                }>
                    <option value="">"All live copy folders"</option>
                    {move || overview.with(|o| o.as_ref().and_then(|o| o.as_ref().ok()).map(|o| o.live_copy_folders.clone()).unwrap_or_default())
                        .into_iter()
                        .map(|f| view! { <option value=f.to_string() selected=within.get_untracked().as_ref() == Some(&f)>{f.to_string()}</option> })
                        .collect_view()}
                </select>
            </label>
            <div class="overview-actions" role="group" aria-label="Bulk actions">
                {[Bulk::Act(LiveCopyAction::Synchronize), Bulk::Act(LiveCopyAction::Reset), Bulk::Act(LiveCopyAction::Suspend), Bulk::Act(LiveCopyAction::Resume), Bulk::Detach]
                    .into_iter()
                    .map(|bulk| {
                        let start = start.clone();
                        view! { <button type="button" disabled=none_chosen on:click=move |_| start(bulk)>{bulk.label()}</button> }
                    })
                    .collect_view()}
                <button type="button" disabled=move || chosen.with(|c| c.len() != 1) on:click=move |_| {
                    let one = chosen.get_untracked();
                    details.set(rows().into_iter().find(|r| one.first() == Some(&r.path)));
                }>"Relationship Status"</button>
            </div>
            {move || match overview.get() {
                None => view! { <p role="status">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(o)) if o.live_copies.is_empty() => view! { <p>"No live copies here."</p> }.into_any(),
                Some(Ok(o)) => view! {
                    <table class="overview-table">
                        <thead>
                            <tr>
                                <th scope="col">
                                    <input type="checkbox" aria-label="Select all live copies" prop:checked=all_chosen on:change=move |e| {
                                        chosen.set(if event_target_checked(&e) { rows().into_iter().map(|r| r.path).collect() } else { Vec::new() });
                                    } />
                                </th>
                                <th scope="col">"Live copy"</th>
                                <th scope="col">"Source"</th>
                                <th scope="col">"Relationship Status"</th>
                                <th scope="col">"Last rollout"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {o.live_copies.into_iter().map(|row| view! { <OverviewRow row=row chosen=chosen /> }).collect_view()}
                        </tbody>
                    </table>
                    {o.truncated.then(|| view! { <p>"Only the first 10,000 live copies are listed: choose one live copy folder to see the rest."</p> })}
                }
                .into_any(),
            }}
        </main>
        {move || details.get().map(|d| view! { <StatusDetails live_copy=d on_close=Callback::new(move |_| details.set(None)) /> })}
        {move || confirming.get().map(|bulk| {
            let run = run.clone();
            let count = chosen.with_untracked(Vec::len);
            let text = match bulk {
                Bulk::Detach => format!("The {count} selected live copies lose their relationship with their sources for good. This cannot be undone."),
                _ => format!("Every local modification of the {count} selected live copies is overwritten with their sources' values. This cannot be undone."),
            };
            view! {
                <Modal labelled_by="overview-confirm-title" on_close=Callback::new(move |_| confirming.set(None))>
                    <h2 id="overview-confirm-title">{format!("{} {count} live copies?", bulk.label())}</h2>
                    <p>{text}</p>
                    <div class="buttons">
                        <button type="button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                        <button type="button" class="danger" on:click=move |_| {
                            confirming.set(None);
                            run(bulk);
                        }>{bulk.label()}</button>
                    </div>
                </Modal>
            }
        })}
    }
}

#[component]
fn OverviewRow(row: LiveCopyDto, chosen: RwSignal<Vec<DamPath>>) -> impl IntoView {
    let path = row.path.clone();
    let is_chosen = {
        let path = path.clone();
        move || chosen.with(|c| c.contains(&path))
    };
    let toggle = move |e: leptos::ev::Event| choose(chosen, &path, event_target_checked(&e));
    view! {
        <tr>
            <td><input type="checkbox" aria-label=format!("Select {}", row.path) prop:checked=is_chosen on:change=toggle /></td>
            <td>{row.path.to_string()}</td>
            <td>{row.source.to_string()}</td>
            <td>{row.status.label()}</td>
            <td>{row.last_rollout.map(|r| format!("{} by {}", date_time(r.at), r.by)).unwrap_or_else(|| "Never".into())}</td>
        </tr>
    }
}

/// Relationship Status of one live copy, in detail.
#[component]
fn StatusDetails(live_copy: LiveCopyDto, on_close: Callback<()>) -> impl IntoView {
    let cancelled = match live_copy.cancelled.is_empty() {
        true => "None: every field inherits".to_owned(),
        false => live_copy.cancelled.iter().map(|f| f.label()).collect::<Vec<_>>().join(", "),
    };
    view! {
        <Modal labelled_by="relationship-status-title" on_close=on_close>
            <h2 id="relationship-status-title">"Relationship Status"</h2>
            <dl class="facts">
                <dt>"Live copy"</dt><dd>{live_copy.path.to_string()}</dd>
                <dt>"Source"</dt><dd>{live_copy.source.to_string()}</dd>
                <dt>"Relationship Status"</dt><dd>{live_copy.status.label()}</dd>
                <dt>"Suspended"</dt><dd>{if live_copy.suspended { "Yes" } else { "No" }}</dd>
                <dt>"Rollout config"</dt><dd>{live_copy.config.label()}</dd>
                <dt>"Cancelled inheritance"</dt><dd>{cancelled}</dd>
                <dt>"Last rollout"</dt><dd>{live_copy.last_rollout.map(|r| format!("{} by {}", date_time(r.at), r.by)).unwrap_or_else(|| "Never".into())}</dd>
            </dl>
            <div class="buttons"><button type="button" on:click=move |_| on_close.run(())>"Close"</button></div>
        </Modal>
    }
}

fn report(console: Console, bulk: Bulk, count: usize, refused: &[String]) {
    let verb = match bulk {
        Bulk::Act(LiveCopyAction::Synchronize) => "synchronized",
        Bulk::Act(LiveCopyAction::Reset) => "reset",
        Bulk::Act(LiveCopyAction::Suspend) => "suspended",
        Bulk::Act(LiveCopyAction::Resume) => "resumed",
        Bulk::Detach => "detached",
    };
    match refused.is_empty() {
        true => console.say(format!("{count} live copies {verb}.")),
        false => console
            .status
            .set(Some(Status { text: format!("{} of {count} live copies {verb}. Not {verb}: {}", count - refused.len(), refused.join("; ")), error: true })),
    }
}
