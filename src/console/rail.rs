//! The rail beside the folder, for the one selected asset: its Properties (in
//! `properties.rs`), its References, and its
//! Timeline of versions and events, where an earlier version can be restored.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::{AssetDto, ReferencesDto, TimelineEntry, TimelineKind, VersionDto};

use crate::console::compare::CompareVersions;
use crate::console::folder_properties::FolderProperties;
use crate::console::live_copy::Node;
use crate::console::live_copy_references::LiveCopyReferences;
use crate::console::properties::Properties;
use crate::console::state::{use_console, Item, Rail};
use crate::console::time::date_time;
use tessera_model::page::format_size;

#[component]
pub fn RailPanel() -> impl IntoView {
    let console = use_console();
    let item = Memo::new(move |_| console.single_item());
    // Properties follows the selected path only: the folder loading again (an upload
    // finishing, say) must not throw away what is being typed.
    let properties_of = Memo::new(move |_| console.single_item().map(|i| i.path().clone()));
    view! {
        <Show when=move || console.rail.get() != Rail::Closed>
            <aside class="rail" aria-labelledby="rail-title">
                <div class="rail-head">
                    <h2 id="rail-title">{move || match console.rail.get() {
                        Rail::Properties => "Properties",
                        Rail::References => "References",
                        Rail::Timeline => "Timeline",
                        Rail::Closed => "",
                    }}</h2>
                    <button type="button" aria-label="Close the rail" on:click=move |_| console.rail.set(Rail::Closed)>"×"</button>
                </div>
                {move || {
                    let rail = console.rail.get();
                    let shown = match rail {
                        Rail::Properties => properties_of.get().and_then(|_| item.get_untracked()),
                        _ => item.get(),
                    };
                    Suspend::new(async move { rail_view(shown, rail).await })
                }}
            </aside>
        </Show>
    }
}

/// The rail's content, loaded the first time the rail opens. Built untracked: the
/// `Suspend` awaiting it would otherwise follow every signal the content reads as it
/// is built and build it again, form and all, when one changes.
#[leptos::lazy]
fn rail_view(shown: Option<Item>, rail: Rail) -> AnyView {
    untrack(|| match (shown, rail) {
        (None, _) => view! { <p>"Select one asset or folder to see this."</p> }.into_any(),
        (Some(Item::Asset(a)), Rail::Properties) => view! { <Properties asset=*a /> }.into_any(),
        (Some(Item::Folder(f)), Rail::Properties) => view! { <FolderProperties folder=f /> }.into_any(),
        (Some(Item::Asset(a)), Rail::References) => view! {
            <LiveCopyReferences path=a.path.clone() node=Node::Asset />
            <References asset=*a />
        }
        .into_any(),
        (Some(Item::Folder(f)), Rail::References) => view! {
            <LiveCopyReferences path=f.path.clone() node=Node::Folder />
            <p>"Pages reference assets, not folders: select an asset to see the pages that use it."</p>
        }
        .into_any(),
        (Some(Item::Asset(a)), Rail::Timeline) => view! { <Timeline asset=*a /> }.into_any(),
        (Some(Item::Folder(_)), Rail::Timeline) => view! { <p>"Select one asset to see its timeline."</p> }.into_any(),
        (Some(_), Rail::Closed) => ().into_any(),
    })
}

#[component]
fn References(asset: AssetDto) -> impl IntoView {
    let console = use_console();
    let refs = RwSignal::new(None::<Result<ReferencesDto, String>>);
    let (client, path) = (console.client(), asset.path.clone());
    spawn_local(async move { refs.set(Some(client.references(&path).await.map_err(|e| e.to_string()))) });
    view! {
        {move || match refs.get() {
            None => view! { <p>"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
            Some(Ok(r)) if r.total == 0 => view! { <p>"No page uses this asset."</p> }.into_any(),
            Some(Ok(r)) => view! {
                <p>{format!("{} page(s) use this asset.", r.total)}</p>
                {r.by_deployment.into_iter().map(|d| {
                    let base = d.sites_url.clone().unwrap_or_default();
                    let heading = match &d.sites_url { None => format!("Local references ({})", d.count), Some(url) => format!("Remote references on {url} ({})", d.count) };
                    view! {
                        <h3>{heading}</h3>
                        <ul>{d.pages.into_iter().map(|p| view! { <li><a href=format!("{base}/editor?page={p}")>{p.clone()}</a></li> }).collect_view()}</ul>
                    }
                }).collect_view()}
            }.into_any(),
        }}
    }
}

#[component]
fn Timeline(asset: AssetDto) -> impl IntoView {
    let console = use_console();
    let entries = RwSignal::new(Vec::<TimelineEntry>::new());
    let versions = RwSignal::new(Vec::<VersionDto>::new());
    let path = asset.path.clone();
    let load = {
        let path = path.clone();
        move || {
            let (client, path) = (console.client(), path.clone());
            spawn_local(async move {
                match (client.timeline(&path).await, client.versions(&path).await) {
                    (Ok(t), Ok(v)) => {
                        entries.set(t);
                        versions.set(v);
                    }
                    (Err(e), _) | (_, Err(e)) => console.fail(&e),
                }
            });
        }
    };
    load();
    let newest = move || versions.with(|v| v.last().map(|v| v.number));
    let restore = move |number: u32| {
        let (client, me, path) = (console.client(), console.me.get_untracked(), path.clone());
        let load = load.clone();
        spawn_local(async move {
            let Some(me) = me else { return };
            match client.restore(&path, number, "", &me).await {
                Ok(v) => {
                    console.say(format!("Version {number} is restored as version {}.", v.number));
                    console.refresh();
                    load();
                }
                Err(e) => console.fail(&e),
            }
        });
    };
    let client = console.client();
    view! {
        <CompareVersions versions=versions />
        <ol class="timeline">
            <For each=move || entries.get() key=|e| (e.at, e.kind as u8, e.version, e.detail.clone(), e.by.clone()) let:entry>
                {
                    let version = entry.version.and_then(|n| versions.with_untracked(|v| v.iter().find(|x| x.number == n).cloned()));
                    let what = describe(&entry);
                    let when = date_time(entry.at);
                    let client = client.clone();
                    let restore = restore.clone();
                    view! {
                        <li class="timeline-entry">
                            <p><strong>{what}</strong>" · "{entry.by.clone()}" · "{when}</p>
                            {(!entry.detail.is_empty()).then(|| view! { <p class="detail">{entry.detail.clone()}</p> })}
                            {version.map(|v| {
                                let number = v.number;
                                let is_current = move || newest() == Some(number);
                                let thumb = v.thumbnail.clone().map(|t| client.url(&t));
                                let restore = restore.clone();
                                view! {
                                    <div class="version">
                                        {thumb.map(|src| view! { <img src=src alt="" width="70" height="50" /> })}
                                        <span>{format!("Version {number} · {} · {}", format_size(v.size), v.width.zip(v.height).map(|(w, h)| format!("{w} × {h}")).unwrap_or_default())}</span>
                                        <a href=client.url(&v.href) download aria-label=format!("Download version {number}")>"Download"</a>
                                        <Show when=move || !is_current()>
                                            {
                                                let restore = restore.clone();
                                                view! { <button type="button" aria-label=format!("Restore version {number}") on:click=move |_| restore(number)>"Restore"</button> }
                                            }
                                        </Show>
                                    </div>
                                }
                            })}
                        </li>
                    }
                }
            </For>
        </ol>
    }
}

fn describe(e: &TimelineEntry) -> String {
    let version = e.version.map(|n| format!(" (version {n})")).unwrap_or_default();
    match e.kind {
        TimelineKind::Created => format!("Created{version}"),
        TimelineKind::VersionCreated => format!("New version{version}"),
        TimelineKind::CheckedIn => format!("Checked in{version}"),
        TimelineKind::Restored => format!("Restored{version}"),
        TimelineKind::CheckedOut => "Checked out".into(),
        TimelineKind::CheckOutCancelled => "Check-out cancelled".into(),
        TimelineKind::LockReleased => "Lock released".into(),
        TimelineKind::MetadataChanged => "Properties changed".into(),
        TimelineKind::Moved => "Moved".into(),
    }
}
