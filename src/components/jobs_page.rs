use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::connected::{JobDto, JobState};

use crate::api::Client;
use crate::components::local_time::LocalTime;
use crate::components::tabs::{TabItem, TabList};
use crate::state::use_editor;

/// Async Jobs: fetches of remote assets, large originals arriving in the background
/// and references reported to the remote DAM, as Active, Success and Failed.
#[component]
pub fn JobsPage() -> impl IntoView {
    let editor = use_editor();
    let jobs = RwSignal::new(None::<Vec<JobDto>>);
    let refresh = move || {
        spawn_local(async move {
            match Client::new("").jobs().await {
                Ok(list) => jobs.set(Some(list)),
                Err(e) => editor.notify(format!("Could not read the jobs: {e}")),
            }
        });
    };
    refresh();
    // Progress bars move while jobs are active.
    let interval = set_interval_with_handle(refresh, std::time::Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(h) = interval {
            h.clear();
        }
    });
    let states = [(JobState::Active, "Active"), (JobState::Success, "Success"), (JobState::Failed, "Failed")];
    let selected = RwSignal::new(0usize);
    let shown = Memo::new(move |_| states[selected.get()].0);
    let items = states
        .iter()
        .map(|&(state, label)| {
            let count = move || jobs.with(|j| j.as_ref().map_or(0, |j| j.iter().filter(|x| x.state == state).count()));
            TabItem::new(format!("jobs-tab-{}", label.to_lowercase()), "jobs-table", Signal::derive(move || format!("{label} ({})", count())))
        })
        .collect();
    view! {
        <main class="jobs-page" aria-labelledby="jobs-title">
            <h2 id="jobs-title">"Async Jobs"</h2>
            <TabList label="Job states" items=items selected=selected />
            <div id="jobs-table" role="tabpanel" tabindex="0" aria-labelledby=move || format!("jobs-tab-{}", states[selected.get()].1.to_lowercase())>
                {move || match jobs.get() {
                    None => view! { <p role="status">"Loading…"</p> }.into_any(),
                    Some(list) => {
                        let rows: Vec<JobDto> = list.into_iter().filter(|j| j.state == shown.get()).collect();
                        if rows.is_empty() {
                            return view! { <p role="status">"No jobs here."</p> }.into_any();
                        }
                        view! {
                            <table class="jobs">
                                <thead>
                                    <tr>
                                        <th scope="col">"Job"</th>
                                        <th scope="col">"Asset"</th>
                                        <th scope="col">"Page"</th>
                                        <th scope="col">"Started"</th>
                                        <th scope="col">"Ended"</th>
                                        <th scope="col">"Progress"</th>
                                        <th scope="col">"Error"</th>
                                    </tr>
                                </thead>
                                <tbody>{rows.into_iter().map(|j| view! { <JobRow job=j /> }).collect_view()}</tbody>
                            </table>
                        }
                        .into_any()
                    }
                }}
            </div>
        </main>
    }
}

#[component]
fn JobRow(job: JobDto) -> impl IntoView {
    let progress = match (job.state, job.percent()) {
        (JobState::Active, Some(p)) => view! {
            <div role="progressbar" aria-label=format!("{} of {}", job.kind.label(), job.local_path.name()) aria-valuemin="0" aria-valuemax="100" aria-valuenow=p.to_string() class="progress">
                <div class="progress-bar" style=format!("width: {p}%")></div>
            </div>
            <span>{format!("{p} %")}</span>
        }
        .into_any(),
        (JobState::Active, None) => view! { <span>"Running"</span> }.into_any(),
        (JobState::Success, _) => view! { <span>"Done"</span> }.into_any(),
        (JobState::Failed, _) => view! { <span>"Failed"</span> }.into_any(),
    };
    view! {
        <tr>
            <td>{job.kind.label()}</td>
            <td><span title=format!("Remote: {}", job.remote_path)>{job.local_path.to_string()}</span></td>
            <td>{job.page_path.map(|p| view! { <a href=format!("/editor?page={p}")>{p.clone()}</a> })}</td>
            <td><LocalTime unix_seconds=job.started_at /></td>
            <td>{job.ended_at.map(|t| view! { <LocalTime unix_seconds=t /> })}</td>
            <td>{progress}</td>
            <td class="error">{job.error.unwrap_or_default()}</td>
        </tr>
    }
}
