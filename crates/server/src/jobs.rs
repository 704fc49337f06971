//! Work that outlives a request, listed on the Async Jobs page: Connected Assets
//! fetches and reports (`connected`), and the MSM walks over live copy folders
//! (Create Live Copy with children, Rollout Source and all Children). A job left by a
//! process that stopped is taken over by one process and run again; an MSM walk run
//! again finishes what was cut short without making anything twice.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tessera_model::connected::JobKind;
use tessera_model::DamPath;
use tessera_repo::{Abandoned, NewJob, Repo, RepoError};

use crate::state::AppState;

/// How often a running walk records its progress, which is also its heartbeat.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// What an MSM walk needs to run again after a restart.
#[derive(Debug, Serialize, Deserialize)]
struct WalkDetail {
    by: String,
}

/// Starts an MSM walk (`LiveCopy` or `Rollout`) from the folder `source` over its
/// live copy folder `copy`, as `by`. Returns the job's id.
pub async fn start_walk(repo: &Repo, kind: JobKind, source: &DamPath, copy: &DamPath, by: &str) -> Result<i64, RepoError> {
    let total = repo.assets_below(source).await?;
    let detail = serde_json::to_string(&WalkDetail { by: by.to_owned() }).map_err(|e| RepoError::Internal(e.to_string()))?;
    let job = NewJob { kind, remote_path: source.clone(), local_path: copy.clone(), page_path: None, bytes_total: Some(total), detail: Some(detail) };
    let id = repo.create_job(job).await?;
    tokio::spawn(run_walk(repo.clone(), id, source.clone(), copy.clone(), by.to_owned()));
    Ok(id)
}

async fn run_walk(repo: Repo, id: i64, source: DamPath, copy: DamPath, by: String) {
    let (progress, mut heard) = tokio::sync::watch::channel(0u64);
    let recorder = {
        let repo = repo.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(PROGRESS_EVERY);
            loop {
                every.tick().await;
                let done = *heard.borrow_and_update();
                if let Err(e) = repo.job_progress(id, done).await {
                    tracing::warn!(job = id, error = %e, "recording a walk's progress failed");
                }
                if heard.has_changed().is_err() {
                    break;
                }
            }
        })
    };
    let outcome = repo
        .rollout_tree(&source, &copy, &by, |done| {
            progress.send_replace(done.assets_walked);
        })
        .await;
    drop(progress);
    let _ = recorder.await;
    let outcome = match outcome {
        Ok(done) => {
            tracing::info!(job = id, %source, %copy, created = done.created, updated = done.updated, removed = done.removed, skipped = done.skipped.len(), "live copy folder walked");
            Ok(())
        }
        Err(e) => {
            tracing::warn!(job = id, %source, %copy, error = %e, "a live copy folder's walk failed");
            Err(e.to_string())
        }
    };
    if let Err(e) = repo.end_job(id, outcome).await {
        tracing::error!(job = id, error = %e, "recording the end of a walk failed");
    }
}

/// Takes over the jobs `abandoned` describes and runs each again. Returns how many.
pub async fn resume(state: &AppState, abandoned: Abandoned) -> Result<usize, RepoError> {
    let repo = &state.repo;
    let taken = repo.take_over_jobs(abandoned).await?;
    let count = taken.len();
    for (job, detail) in taken {
        match (job.kind, &state.connected) {
            (JobKind::LiveCopy | JobKind::Rollout, _) => match detail.as_deref().map(serde_json::from_str::<WalkDetail>) {
                Some(Ok(detail)) => {
                    tokio::spawn(run_walk(repo.clone(), job.id, job.remote_path, job.local_path, detail.by));
                }
                _ => repo.end_job(job.id, Err("The job's details are unreadable.".into())).await?,
            },
            (_, Some(connected)) => crate::connected::resume_job(Arc::clone(connected), repo, job, detail).await?,
            (_, None) => repo.end_job(job.id, Err("Connected Assets is no longer configured on this deployment.".into())).await?,
        }
    }
    Ok(count)
}
