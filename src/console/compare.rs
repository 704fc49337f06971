//! "Compare versions" in the Timeline: two versions of the asset side by side, their
//! thumbnails, and every field in which they differ (from `model::compare`).

use leptos::prelude::*;
use tessera_model::compare::version_differences;
use tessera_model::VersionDto;

use crate::console::state::use_console;

#[component]
pub fn CompareVersions(versions: RwSignal<Vec<VersionDto>>) -> impl IntoView {
    let console = use_console();
    let open = RwSignal::new(false);
    // The one before the newest against the newest, until the reader picks others.
    let left = RwSignal::new(None::<u32>);
    let right = RwSignal::new(None::<u32>);
    let pick = move |chosen: RwSignal<Option<u32>>, fallback: usize| {
        versions.with(|v| {
            let number = chosen.get().or_else(|| v.len().checked_sub(fallback).and_then(|i| v.get(i)).map(|v| v.number));
            number.and_then(|n| v.iter().find(|x| x.number == n).cloned())
        })
    };
    let pair = move || pick(left, 2).zip(pick(right, 1));
    let chooser = move |label: &'static str, chosen: RwSignal<Option<u32>>, fallback: usize| {
        view! {
            <label>{label}
                <select on:change=move |e| chosen.set(event_target_value(&e).parse().ok())>
                    {move || {
                        let current = pick(chosen, fallback).map(|v| v.number);
                        versions.get().into_iter().map(|v| {
                            let n = v.number;
                            view! { <option value=n.to_string() selected=current == Some(n)>{format!("Version {n}")}</option> }
                        }).collect_view()
                    }}
                </select>
            </label>
        }
    };
    let client = console.client();
    view! {
        <Show when=move || versions.with(|v| v.len() > 1)>
            <button type="button" aria-expanded=move || open.get().to_string() aria-controls="compare-versions" on:click=move |_| open.update(|o| *o = !*o)>
                "Compare versions"
            </button>
        </Show>
        <Show when=move || open.get() && versions.with(|v| v.len() > 1)>
            <section id="compare-versions" class="compare" aria-label="Compare versions">
                <div class="compare-choice">
                    {chooser("Compare", left, 2)}
                    {chooser("with", right, 1)}
                </div>
                {
                    let client = client.clone();
                    move || pair().map(|(a, b)| {
                        let differences = version_differences(&a, &b);
                        let thumb = |v: &VersionDto| v.thumbnail.clone().map(|t| client.url(&t));
                        let (ta, tb) = (thumb(&a), thumb(&b));
                        view! {
                            <table>
                                <caption class="visually-hidden">{format!("Version {} and version {}", a.number, b.number)}</caption>
                                <thead><tr><th scope="col">"Field"</th><th scope="col">{format!("Version {}", a.number)}</th><th scope="col">{format!("Version {}", b.number)}</th></tr></thead>
                                <tbody>
                                    <tr>
                                        <th scope="row">"Picture"</th>
                                        <td>{ta.map(|src| view! { <img src=src alt=format!("Version {}", a.number) width="120" /> })}</td>
                                        <td>{tb.map(|src| view! { <img src=src alt=format!("Version {}", b.number) width="120" /> })}</td>
                                    </tr>
                                    {if differences.is_empty() {
                                        view! { <tr><td colspan="3">"These versions do not differ."</td></tr> }.into_any()
                                    } else {
                                        differences.into_iter().map(|d| view! {
                                            <tr class="differs"><th scope="row">{d.field}</th><td>{d.left}</td><td>{d.right}</td></tr>
                                        }).collect_view().into_any()
                                    }}
                                </tbody>
                            </table>
                        }
                    })
                }
            </section>
        </Show>
    }
}
