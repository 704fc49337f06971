//! MSM in the References rail (`Alt+4`): a live copy's source (open it, roll it out
//! to this live copy) and a source's live copies (open, synchronize, suspend or
//! resume each; the Live Copy Overview for a folder).

use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::msm::LiveCopyDto;
use tessera_model::DamPath;

use crate::api::LiveCopyAction;
use crate::console::live_copy::Node;
use crate::console::live_copy_source::describe;
use crate::console::state::{use_console, Place};

#[component]
pub fn LiveCopyReferences(path: DamPath, node: Node) -> impl IntoView {
    let console = use_console();
    let tie = RwSignal::new(None::<LiveCopyDto>);
    let copies = RwSignal::new(Vec::<LiveCopyDto>::new());
    let load = {
        let path = path.clone();
        move || {
            let (client, path) = (console.client(), path.clone());
            spawn_local(async move {
                match (client.live_copy(&path).await, client.live_copies_of(&path).await) {
                    (Ok(t), Ok(c)) => {
                        tie.set(t);
                        copies.set(c);
                    }
                    (Err(e), _) | (_, Err(e)) => console.fail(&e),
                }
            });
        }
    };
    load();
    let act = {
        let load = load.clone();
        move |action: LiveCopyAction, copy: DamPath| {
            let (client, me, load) = (console.client(), console.me.get_untracked(), load.clone());
            spawn_local(async move {
                let Some(me) = me else { return };
                match client.live_copy_action(action, &copy, &me).await {
                    Ok(done) => {
                        console.say(format!("{}: {}.", done.path, done.status.label()));
                        console.refresh();
                        load();
                    }
                    Err(e) => console.fail(&e),
                }
            });
        }
    };
    let roll_out = {
        let (path, load) = (path.clone(), load.clone());
        move |source: DamPath| {
            let (client, me, target, load) = (console.client(), console.me.get_untracked(), path.clone(), load.clone());
            spawn_local(async move {
                let Some(me) = me else { return };
                match client.rollout(&source, Some(vec![target]), &me).await {
                    Ok(done) => {
                        console.say(describe(&done));
                        console.refresh();
                        load();
                    }
                    Err(e) => console.fail(&e),
                }
            });
        }
    };
    let overview_path = StoredValue::new(path.clone());
    let act = StoredValue::new(act);
    view! {
        {move || tie.get().map(|t| {
            let source = t.source.clone();
            let open = source.clone();
            let roll_out = roll_out.clone();
            view! {
                <section aria-labelledby="references-source-title">
                    <h3 id="references-source-title">"Live Copy Source"</h3>
                    <p>{format!("{} ({})", t.source, t.status.label())}</p>
                    <div role="group" aria-label="Source actions">
                        <button type="button" on:click=move |_| console.reveal(&open)>"Open Source"</button>
                        <button type="button" disabled=t.suspended on:click=move |_| roll_out(source.clone())>"Rollout"</button>
                    </div>
                </section>
            }
        })}
        <Show when=move || copies.with(|c| !c.is_empty())>
            <section aria-labelledby="references-copies-title">
                <h3 id="references-copies-title">{move || format!("Live Copies ({})", copies.with(Vec::len))}</h3>
                <ul class="live-copies">
                    <For each=move || copies.get() key=|c| (c.path.clone(), c.status, c.suspended) let:copy>
                        {
                            let (open, sync, suspend) = (copy.path.clone(), copy.path.clone(), copy.path.clone());
                            let (act_sync, act_suspend) = (act.get_value(), act.get_value());
                            let suspended = copy.suspended;
                            let name = copy.path.to_string();
                            view! {
                                <li>
                                    <span>{format!("{} ({})", copy.path, copy.status.label())}</span>
                                    <button type="button" aria-label=format!("Open {name}") on:click=move |_| console.reveal(&open)>"Open"</button>
                                    <button type="button" aria-label=format!("Synchronize {name}") disabled=suspended on:click=move |_| act_sync(LiveCopyAction::Synchronize, sync.clone())>"Synchronize"</button>
                                    <button type="button" aria-label=format!("{} {name}", if suspended { "Resume" } else { "Suspend" }) on:click=move |_| {
                                        act_suspend(if suspended { LiveCopyAction::Resume } else { LiveCopyAction::Suspend }, suspend.clone())
                                    }>{if suspended { "Resume" } else { "Suspend" }}</button>
                                </li>
                            }
                        }
                    </For>
                </ul>
                {(node == Node::Folder).then(|| {
                    view! { <button type="button" on:click=move |_| console.go(Place::LiveCopyOverview(overview_path.get_value()))>"Live Copy Overview"</button> }
                })}
            </section>
        </Show>
    }
}
