//! Async Jobs in the console: the work that outlives a request (Create Live Copy of a
//! folder with its children, Rollout Source and all Children), with its progress, as
//! the caller may read its destination. Read again every second while one is active.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::connected::{JobDto, JobState, ProgressUnit};

use crate::console::state::use_console;
use crate::console::time::date_time;

#[component]
pub fn JobsView() -> impl IntoView {
    let console = use_console();
    let jobs = RwSignal::new(None::<Result<Vec<JobDto>, String>>);
    let load = move || {
        let client = console.client();
        spawn_local(async move { jobs.set(Some(client.jobs().await.map_err(|e| e.to_string()))) });
    };
    load();
    let active = move || jobs.with_untracked(|j| matches!(j, Some(Ok(list)) if list.iter().any(|x| x.state == JobState::Active)));
    let timer = set_interval_with_handle(
        move || {
            if active() {
                load();
            }
        },
        std::time::Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = timer {
            t.clear();
        }
    });
    view! {
        <main class="console-page jobs-page" aria-labelledby="console-jobs-title">
            <h2 id="console-jobs-title">"Async Jobs"</h2>
            <button type="button" on:click=move |_| load()>"Refresh"</button>
            {move || match jobs.get() {
                None => view! { <p role="status">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p>"No jobs."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="jobs">
                        <thead>
                            <tr>
                                <th scope="col">"Job"</th>
                                <th scope="col">"Source"</th>
                                <th scope="col">"Destination"</th>
                                <th scope="col">"Started"</th>
                                <th scope="col">"Ended"</th>
                                <th scope="col">"Progress"</th>
                                <th scope="col">"Error"</th>
                            </tr>
                        </thead>
                        <tbody>{list.into_iter().map(|job| view! { <JobRow job=job /> }).collect_view()}</tbody>
                    </table>
                }
                .into_any(),
            }}
        </main>
    }
}

#[component]
fn JobRow(job: JobDto) -> impl IntoView {
    let counted = match job.kind.unit() {
        ProgressUnit::Assets => format!("{} of {} assets", job.bytes_done, job.bytes_total.map(|t| t.to_string()).unwrap_or_else(|| "?".into())),
        ProgressUnit::Bytes => tessera_model::page::format_size(job.bytes_done),
    };
    let progress = match (job.state, job.percent()) {
        (JobState::Active, Some(p)) => view! {
            <span role="progressbar" aria-label=format!("{} of {}", job.kind.label(), job.local_path) aria-valuemin="0" aria-valuemax="100" aria-valuenow=p.to_string() aria-valuetext=counted.clone() class="progress">
                <span class="progress-bar" style=format!("width: {p}%")></span>
            </span>
            <span>{counted}</span>
        }
        .into_any(),
        (JobState::Active, None) => view! { <span>"Running"</span> }.into_any(),
        (JobState::Success, _) => view! { <span>{format!("Done · {counted}")}</span> }.into_any(),
        (JobState::Failed, _) => view! { <span>"Failed"</span> }.into_any(),
    };
    view! {
        <tr>
            <td>{job.kind.label()}</td>
            <td>{job.remote_path.to_string()}</td>
            <td>{job.local_path.to_string()}</td>
            <td>{date_time(job.started_at)}</td>
            <td>{job.ended_at.map(date_time)}</td>
            <td>{progress}</td>
            <td class="error">{job.error.unwrap_or_default()}</td>
        </tr>
    }
}
