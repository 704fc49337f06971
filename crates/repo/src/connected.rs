//! Connected Assets in the repository: read-only copies of remote assets in the mount
//! point, the jobs that fetch them, and settings changed at run time.

use tessera_model::connected::{JobDto, JobState};
use tessera_model::DamPath;

use crate::blobs::StagedBlob;
use crate::catalog::{Abandoned, AssetRecord, NewJob, RenditionRecord};
use crate::error::RepoError;
use crate::{unix_now, Repo};

impl Repo {
    /// Stores (or refreshes) a fetched copy and the blobs that came with it; the
    /// blobs it names but `staged` lacks must already be in the store. Returns the
    /// copy as stored and how many of its tags were dropped.
    pub async fn store_connected(&self, copy: AssetRecord, staged: Vec<StagedBlob>) -> Result<(AssetRecord, u32), RepoError> {
        for r in &copy.renditions {
            if !staged.iter().any(|s| s.hash() == &r.blob) && !self.blobs().contains(&r.blob).await? {
                return Err(RepoError::Internal(format!("the {} rendition of {} is in neither the transfer nor the store", r.name, copy.path)));
            }
        }
        let path = copy.path.clone();
        let dropped = self.commit_then(staged, move |c| c.store_connected(&copy)).await?;
        Ok((self.asset(&path).await?, dropped))
    }

    /// Adds the original of a copy whose original followed in a job.
    pub async fn add_original(&self, path: &DamPath, original: RenditionRecord, staged: Option<StagedBlob>) -> Result<(), RepoError> {
        let path = path.clone();
        self.commit_then(staged.into_iter().collect(), move |c| c.add_original(&path, &original)).await
    }

    pub async fn create_job(&self, job: NewJob) -> Result<i64, RepoError> {
        let by = self.process().clone();
        self.with_catalog(move |c| c.create_job(&job, &by)).await
    }

    pub async fn job_progress(&self, id: i64, done: u64) -> Result<(), RepoError> {
        self.with_catalog(move |c| c.job_progress(id, done)).await
    }

    /// Ends a job as a success (`Ok`) or a failure with its error text.
    pub async fn end_job(&self, id: i64, outcome: Result<(), String>) -> Result<(), RepoError> {
        self.with_catalog(move |c| c.end_job(id, outcome.err().as_deref())).await
    }

    /// The newest jobs first, in one state or all.
    pub async fn jobs(&self, state: Option<JobState>, limit: u32) -> Result<Vec<JobDto>, RepoError> {
        let rows = self.with_catalog(move |c| c.jobs(state, limit)).await?;
        Ok(rows.into_iter().map(|(job, _)| job).collect())
    }

    /// Active jobs whose process stopped, each taken over by this process only, with
    /// what it needs to run again: at start, the ones this process left (all of them
    /// with one process); with several processes, also those whose runner has not been
    /// heard of for a lease.
    pub async fn take_over_jobs(&self, abandoned: Abandoned) -> Result<Vec<(JobDto, Option<String>)>, RepoError> {
        let by = self.process().clone();
        self.with_catalog(move |c| c.take_over_jobs(&abandoned, &by, unix_now())).await
    }

    /// A run-time setting, read without the async runtime: for start-up.
    pub fn setting_at_start(&self, key: &str) -> Result<Option<String>, RepoError> {
        crate::off_the_runtime(|| self.catalog.setting(key))
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>, RepoError> {
        let key = key.to_owned();
        self.with_catalog(move |c| c.setting(&key)).await
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), RepoError> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.with_catalog(move |c| c.set_setting(&key, &value)).await
    }
}
