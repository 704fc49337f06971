//! Workers for the persistent rendition queue. Jobs live in the catalog, so they
//! survive a restart: jobs that a stop interrupted are queued again when workers start.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::blobs::StagedBlob;
use crate::catalog::{Abandoned, Concurrency, Job, ProcessId, RenditionRecord};
use crate::error::RepoError;
use crate::renditions::{render_document, render_image, EncodedRendition};
use crate::{unix_now, Repo};

/// How the queue runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSettings {
    pub workers: usize,
    /// Attempts before a job is marked failed for good.
    pub max_attempts: u32,
    /// Seconds before the first retry; each further retry waits twice as long.
    pub retry_delay_secs: i64,
    /// Seconds a job stays with the process that took it before another process of
    /// the deployment may take it over (the first one is presumed dead): longer than
    /// any job runs. Only catalogs shared by several processes use it.
    pub lease_secs: i64,
}

impl Default for JobSettings {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        JobSettings { workers: (cores / 2).max(1), max_attempts: 3, retry_delay_secs: 2, lease_secs: 600 }
    }
}

/// Wakes idle workers when a job is queued.
#[derive(Debug, Default, Clone)]
pub(crate) struct JobSignal(Arc<Notify>);

impl JobSignal {
    pub(crate) fn job_queued(&self) {
        self.0.notify_one();
    }
}

/// The running workers; dropping this does not stop them (they end with the runtime).
pub struct Workers {
    pub handles: Vec<JoinHandle<()>>,
}

impl Repo {
    /// Requeues interrupted jobs and starts `settings.workers` workers on the current
    /// Tokio runtime (so it must be called from within one). With a catalog that other
    /// processes share, also takes over their abandoned jobs now and then and keeps
    /// the permissions they change in step.
    pub fn start_workers(&self, settings: JobSettings) -> Result<Workers, RepoError> {
        let abandoned = self.abandoned_at_start(settings.lease_secs);
        let requeued = crate::off_the_runtime(|| self.catalog.requeue_abandoned_jobs(&abandoned))?;
        if requeued > 0 {
            tracing::info!(requeued, "rendition jobs interrupted by a stop are queued again");
        }
        let mut handles: Vec<JoinHandle<()>> = (0..settings.workers.max(1))
            .map(|_| {
                let repo = self.clone();
                tokio::spawn(async move { repo.work(settings).await })
            })
            .collect();
        let repo = self.clone();
        handles.push(tokio::spawn(async move { repo.sweep_staging_now_and_then().await }));
        if self.catalog.concurrency() == Concurrency::ManyProcesses {
            let repo = self.clone();
            handles.push(tokio::spawn(async move { repo.take_over_abandoned_jobs(settings.lease_secs).await }));
            let repo = self.clone();
            handles.push(tokio::spawn(async move { repo.follow_permissions().await }));
        }
        Ok(Workers { handles })
    }

    /// The jobs abandoned while this process runs: with one process, none but its
    /// own; with several, those whose lease has run out.
    pub fn abandoned_now(&self, lease_secs: i64) -> Abandoned {
        let lease_start = match self.catalog.concurrency() {
            Concurrency::OneProcess => i64::MIN,
            Concurrency::ManyProcesses => unix_now() - lease_secs,
        };
        Abandoned { lease_start, left_by: None }
    }

    /// The jobs abandoned when this process starts: every running one with one
    /// process (they are its own, from before a stop); with several, those whose
    /// lease has run out and those this process left.
    pub fn abandoned_at_start(&self, lease_secs: i64) -> Abandoned {
        let lease_start = match self.catalog.concurrency() {
            Concurrency::OneProcess => i64::MAX,
            Concurrency::ManyProcesses => unix_now() - lease_secs,
        };
        Abandoned { lease_start, left_by: Some(self.process.clone()) }
    }

    pub fn process(&self) -> &ProcessId {
        &self.process
    }

    /// Requeues the jobs of processes that died, for as long as the server runs.
    async fn take_over_abandoned_jobs(self, lease_secs: i64) {
        let mut every = tokio::time::interval(Duration::from_secs((lease_secs as u64 / 2).clamp(1, 30)));
        loop {
            every.tick().await;
            let abandoned = self.abandoned_now(lease_secs);
            match self.with_catalog(move |c| c.requeue_abandoned_jobs(&abandoned)).await {
                Ok(0) => {}
                Ok(requeued) => {
                    tracing::info!(requeued, "rendition jobs of a process that stopped are queued again");
                    self.job_signal.job_queued();
                }
                Err(e) => tracing::warn!(error = %e, "cannot look for abandoned rendition jobs"),
            }
        }
    }

    /// Another process may change the folder permissions; each request checks the
    /// copy in memory, so it is read again every two seconds.
    async fn follow_permissions(self) {
        let mut every = tokio::time::interval(Duration::from_secs(2));
        loop {
            every.tick().await;
            if let Err(e) = self.reload_rules().await {
                tracing::warn!(error = %e, "cannot read the folder permissions");
            }
        }
    }

    /// Removes abandoned staging files every ten minutes, for as long as the server
    /// runs: a store shared with other processes only loses theirs once they are
    /// too old to belong to a running upload.
    async fn sweep_staging_now_and_then(self) {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        every.tick().await;
        loop {
            every.tick().await;
            let spool = self.blobs().spool().clone();
            let store = self.store_use();
            let removed = tokio::task::spawn_blocking(move || spool.remove_abandoned(store)).await.unwrap_or(0);
            if removed > 0 {
                tracing::info!(removed, "abandoned spool files removed");
            }
        }
    }

    /// Jobs queued or running.
    pub async fn unfinished_jobs(&self) -> Result<usize, RepoError> {
        self.with_catalog(|c| c.unfinished_jobs()).await
    }

    async fn work(self, settings: JobSettings) {
        loop {
            let by = self.process.clone();
            match self.with_catalog(move |c| c.claim_job(unix_now(), &by)).await {
                Ok(Some(job)) => self.run(job, settings).await,
                Ok(None) => {
                    // Delayed retries become due without a signal, so look again now and then.
                    let _ = tokio::time::timeout(Duration::from_secs(1), self.job_signal.0.notified()).await;
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the job queue");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    async fn run(&self, job: Job, settings: JobSettings) {
        let outcome = self.render_and_store(&job).await;
        let Err(error) = outcome else {
            tracing::debug!(asset = %job.asset, "renditions ready");
            return;
        };
        let message = error.to_string();
        let retry_at = (job.attempts < settings.max_attempts).then(|| unix_now() + settings.retry_delay_secs * (1 << (job.attempts - 1).min(16)));
        tracing::warn!(asset = %job.asset, attempt = job.attempts, error = %message, retrying = retry_at.is_some(), "rendition job failed");
        let job_id = job.id;
        if let Err(e) = self.with_catalog(move |c| c.fail_job(&job, &message, retry_at)).await {
            tracing::error!(job = job_id, error = %e, "cannot record a failed rendition job");
        }
    }

    async fn render_and_store(&self, job: &Job) -> Result<(), RepoError> {
        let is_image = tessera_model::mime::kind_of_mime(&job.mime) == tessera_model::AssetKind::Image;
        let original = if is_image { Some(self.blobs().local_file(&job.original).await?) } else { None };
        let reserved = self.render_budget.reserve(job.pixels).await;
        let (repo, mime) = (self.clone(), job.mime.clone());
        let (staged, records) = tokio::task::spawn_blocking(move || {
            let _reserved = reserved;
            let encoded: Vec<EncodedRendition> = match original {
                Some(image) => render_image(image.reader()?, repo.limits().max_pixels)?,
                None => render_document(&mime)?,
            };
            repo.stage_renditions(encoded)
        })
        .await
        .map_err(|e| RepoError::Internal(format!("the rendition task stopped: {e}")))??;
        let job = job.clone();
        self.commit_then(staged, move |c| c.finish_job(&job, &records)).await
    }

    fn stage_renditions(&self, encoded: Vec<EncodedRendition>) -> Result<(Vec<StagedBlob>, Vec<RenditionRecord>), RepoError> {
        let mut staged = Vec::new();
        let mut records = Vec::new();
        for r in encoded {
            let blob = self.blobs().spool().stage_bytes(&r.bytes)?;
            records.push(RenditionRecord {
                name: r.spec.name,
                blob: blob.hash().clone(),
                mime: r.spec.mime().into(),
                size: blob.size(),
                width: Some(r.width),
                height: Some(r.height),
            });
            staged.push(blob);
        }
        Ok((staged, records))
    }
}
