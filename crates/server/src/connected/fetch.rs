//! Fetching a remote asset into the mount point: metadata and renditions while the
//! author waits (within [`FETCH_BUDGET`]), a large original in a job that survives a
//! restart, and the reference reported back to the DAM.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use tessera_model::connected::{mount_path, ConnectedOrigin, FetchRequest, JobDto, JobKind, OriginalTransfer};

use tessera_model::access::is_within;
use tessera_model::{AssetDto, Component, DamPath, PagePath, RenditionLink, RenditionName};
use tessera_repo::{AssetRecord, BlobHash, NewJob, Processing, RenditionRecord, Repo, RepoError, StagedBlob};

use super::remote::{Progress, RemoteError};
use super::Connected;
use crate::config::ConnectedSettings;

/// How long an author waits for a fetch before it gives up.
pub const FETCH_BUDGET: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("Fetching {path} from the remote DAM took longer than 5 seconds and was given up. Drag the asset onto the component again to retry.")]
    Timeout { path: DamPath },
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// A fetch that worked.
pub struct Fetched {
    pub copy: AssetRecord,
    pub original: OriginalTransfer,
    pub dropped_tags: u32,
    pub bytes_transferred: u64,
    pub job: i64,
}

/// What an original-binary job needs to run again after a restart.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct OriginalJob {
    href: String,
    sha256: Option<String>,
    size: u64,
    mime: String,
    width: Option<u32>,
    height: Option<u32>,
}

/// Fetches `request.remote_path` into the mount point as the DAM distributor. The
/// transfer has [`FETCH_BUDGET`]; the copy is stored in one transaction after it,
/// so a fetch given up or failed leaves nothing in the mount point.
pub async fn fetch(connected: &Arc<Connected>, repo: &Repo, request: &FetchRequest) -> Result<Fetched, FetchError> {
    let settings = connected.settings();
    let local = mount_path(&settings.mount_point, &request.remote_path)
        .ok_or_else(|| RepoError::BadMetadata(format!("{} cannot be copied below {}.", request.remote_path, settings.mount_point)))?;
    let job = repo
        .create_job(NewJob {
            kind: JobKind::Fetch,
            remote_path: request.remote_path.clone(),
            local_path: local.clone(),
            page_path: Some(request.page_path.to_string()),
            bytes_total: None,
            detail: None,
        })
        .await?;
    let outcome = match tokio::time::timeout(FETCH_BUDGET, transfer(connected, repo, &settings, &request.remote_path)).await {
        Err(_) => Err(FetchError::Timeout { path: request.remote_path.clone() }),
        Ok(transferred) => match transferred {
            Ok(t) => store(repo, &settings, &request.remote_path, &local, t).await,
            Err(e) => Err(e),
        },
    };
    repo.end_job(job, outcome.as_ref().map(|_| ()).map_err(|e| e.to_string())).await?;
    let (copy, dropped_tags, bytes_transferred, original) = outcome?;
    let original = match original {
        PendingOriginal::None(how) => how,
        PendingOriginal::Later(detail) => {
            start_original_job(connected, repo, &request.remote_path, &local, Some(request.page_path.to_string()), detail).await?;
            OriginalTransfer::Pending
        }
    };
    Ok(Fetched { copy, original, dropped_tags, bytes_transferred, job })
}

enum PendingOriginal {
    None(OriginalTransfer),
    Later(OriginalJob),
}

struct Transferred {
    remote: AssetDto,
    staged: Vec<StagedBlob>,
    renditions: Vec<RenditionRecord>,
    bytes: u64,
    original: PendingOriginal,
}

fn record_of(name: RenditionName, link: &RenditionLink, blob: BlobHash, size: u64, fallback_mime: &str) -> RenditionRecord {
    RenditionRecord { name, blob, mime: link.mime.clone().unwrap_or_else(|| fallback_mime.to_owned()), size, width: link.width, height: link.height }
}

/// Reads the remote asset and brings every rendition the store lacks.
async fn transfer(connected: &Connected, repo: &Repo, s: &ConnectedSettings, remote_path: &DamPath) -> Result<Transferred, FetchError> {
    let remote = connected.remote.asset(s, remote_path).await?;
    let mut t = Transferred { staged: Vec::new(), renditions: Vec::new(), bytes: 0, original: PendingOriginal::None(OriginalTransfer::Copied), remote };
    let mut all_shared = true;
    for link in t.remote.renditions.clone() {
        // A rendition this deployment does not make is not kept.
        let Some(name) = RenditionName::parse(&link.name) else {
            continue;
        };
        let known = link.sha256.as_deref().and_then(BlobHash::parse);
        let stored = match &known {
            Some(hash) => repo.blobs().contains(hash).await?,
            None => false,
        };
        if let Some(hash) = known.clone().filter(|_| stored) {
            // Already here: a shared datastore, or an earlier fetch of the same bytes.
            t.renditions.push(record_of(name, &link, hash, link.size.unwrap_or(0), &t.remote.mime));
            continue;
        }
        all_shared = false;
        let size = link.size.unwrap_or(t.remote.size);
        if name == RenditionName::Original && size > s.threshold_bytes && !s.shared_datastore {
            t.original = PendingOriginal::Later(OriginalJob {
                href: link.href.clone(),
                sha256: link.sha256.clone(),
                size,
                mime: link.mime.clone().unwrap_or_else(|| t.remote.mime.clone()),
                width: link.width,
                height: link.height,
            });
            continue;
        }
        let progress = Arc::new(Progress::default());
        let blob = connected.remote.download(s, remote_path, &link.href, (link.size, link.sha256.as_deref()), repo.blobs(), progress).await?;
        t.bytes += blob.size();
        t.renditions.push(record_of(name, &link, blob.hash().clone(), blob.size(), &t.remote.mime));
        t.staged.push(blob);
    }
    if all_shared && matches!(t.original, PendingOriginal::None(_)) {
        t.original = PendingOriginal::None(OriginalTransfer::Shared);
    }
    Ok(t)
}

async fn store(
    repo: &Repo,
    s: &ConnectedSettings,
    remote_path: &DamPath,
    local: &DamPath,
    t: Transferred,
) -> Result<(AssetRecord, u32, u64, PendingOriginal), FetchError> {
    let r = t.remote;
    let copy = AssetRecord {
        path: local.clone(),
        title: r.title,
        description: r.description,
        mime: r.mime,
        size: r.size,
        width: r.width,
        height: r.height,
        created_by: r.created_by,
        created_at: r.created_at,
        modified_by: r.modified_by,
        modified_at: r.modified_at,
        properties: r.properties,
        tags: r.tags,
        renditions: t.renditions,
        processing: Processing::Done,
        connected: Some(ConnectedOrigin { dam_url: s.remote_dam_url.clone(), path: remote_path.clone(), fetched_at: tessera_repo::unix_now() }),
        checked_out: None,
        live_copy: false,
    };
    let (copy, dropped) = repo.store_connected(copy, t.staged).await?;
    Ok((copy, dropped, t.bytes, t.original))
}

async fn start_original_job(
    connected: &Arc<Connected>,
    repo: &Repo,
    remote: &DamPath,
    local: &DamPath,
    page_path: Option<String>,
    detail: OriginalJob,
) -> Result<(), FetchError> {
    let json = serde_json::to_string(&detail).map_err(|e| RepoError::Internal(e.to_string()))?;
    let id = repo
        .create_job(NewJob {
            kind: JobKind::Original,
            remote_path: remote.clone(),
            local_path: local.clone(),
            page_path,
            bytes_total: Some(detail.size),
            detail: Some(json),
        })
        .await?;
    tokio::spawn(run_original_job(Arc::clone(connected), repo.clone(), id, remote.clone(), local.clone(), detail));
    Ok(())
}

/// Brings a large original, recording progress for the Async Jobs page.
async fn run_original_job(connected: Arc<Connected>, repo: Repo, id: i64, remote: DamPath, local: DamPath, detail: OriginalJob) {
    let settings = connected.settings();
    let progress = Arc::new(Progress::default());
    let reporter = {
        let (repo, progress) = (repo.clone(), Arc::clone(&progress));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                let _ = repo.job_progress(id, progress.bytes()).await;
            }
        })
    };
    let transfer = connected.remote.download(&settings, &remote, &detail.href, (Some(detail.size), detail.sha256.as_deref()), repo.blobs(), progress);
    let outcome = match transfer.await {
        Ok(blob) => {
            let original = RenditionRecord {
                name: RenditionName::Original,
                blob: blob.hash().clone(),
                mime: detail.mime,
                size: blob.size(),
                width: detail.width,
                height: detail.height,
            };
            repo.add_original(&local, original, Some(blob)).await.map_err(|e| match e {
                RepoError::NotFound(_) => {
                    format!("{local} was deleted before its original arrived.")
                }
                other => other.to_string(),
            })
        }
        Err(e) => Err(e.to_string()),
    };
    reporter.abort();
    if let Err(error) = &outcome {
        tracing::warn!(job = id, %remote, %error, "fetching an original failed");
    }
    if let Err(e) = repo.end_job(id, outcome).await {
        tracing::error!(job = id, error = %e, "recording the end of an original job failed");
    }
}

/// After a page was saved or deleted: tells the remote DAM which copies the page
/// started or stopped using, one reference job each.
pub async fn report_usage_change(connected: &Arc<Connected>, repo: &Repo, page: &PagePath, before: &[Component], after: &[Component]) -> Result<(), RepoError> {
    let settings = connected.settings();
    let copies = |components: &[Component]| -> BTreeSet<DamPath> {
        components
            .iter()
            .filter_map(|c| c.body.asset())
            .filter(|a| a.repository.is_none() && is_within(&a.path, &settings.mount_point))
            .map(|a| a.path.clone())
            .collect()
    };
    let (was, is) = (copies(before), copies(after));
    let changes = is.difference(&was).map(|p| (p, true)).chain(was.difference(&is).map(|p| (p, false)));
    for (local, used) in changes {
        let origin = match repo.asset(local).await {
            Ok(record) => record.connected,
            // A copy whose fetch failed was never reported.
            Err(RepoError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        // Only copies from the DAM configured now can be reported to it.
        if let Some(origin) = origin.filter(|o| o.dam_url == settings.remote_dam_url) {
            start_reference_job(connected, repo, &origin.path, local, &page.to_string(), used).await?;
        }
    }
    Ok(())
}

/// Reports that `page` uses (or stopped using) the copy of `remote`; one retry,
/// then the failure is recorded on the Async Jobs page.
pub async fn start_reference_job(connected: &Arc<Connected>, repo: &Repo, remote: &DamPath, local: &DamPath, page: &str, used: bool) -> Result<(), RepoError> {
    let detail = serde_json::json!({ "used": used }).to_string();
    let id = repo
        .create_job(NewJob {
            kind: JobKind::Reference,
            remote_path: remote.clone(),
            local_path: local.clone(),
            page_path: Some(page.to_owned()),
            bytes_total: None,
            detail: Some(detail),
        })
        .await?;
    tokio::spawn(run_reference_job(Arc::clone(connected), repo.clone(), id, remote.clone(), page.to_owned(), used));
    Ok(())
}

async fn run_reference_job(connected: Arc<Connected>, repo: Repo, id: i64, remote: DamPath, page: String, used: bool) {
    let settings = connected.settings();
    let mut outcome = connected.remote.report_reference(&settings, &remote, &page, used).await;
    if outcome.is_err() {
        tokio::time::sleep(Duration::from_secs(1)).await;
        outcome = connected.remote.report_reference(&settings, &remote, &page, used).await;
    }
    let outcome = outcome.map_err(|e| format!("Reporting the reference to the remote DAM failed twice: {e}"));
    if let Err(error) = &outcome {
        tracing::warn!(job = id, %remote, %error, "reporting a reference failed");
    }
    if let Err(e) = repo.end_job(id, outcome).await {
        tracing::error!(job = id, error = %e, "recording the end of a reference job failed");
    }
}

/// A Connected Assets job whose process stopped, taken over by this one: original
/// and reference jobs run again; a fetch an author was waiting for cannot, so it is
/// marked failed.
pub async fn resume_job(connected: Arc<Connected>, repo: &Repo, job: JobDto, detail: Option<String>) -> Result<(), RepoError> {
    match job.kind {
        JobKind::Original => match detail.as_deref().map(serde_json::from_str::<OriginalJob>) {
            Some(Ok(detail)) => {
                tokio::spawn(run_original_job(connected, repo.clone(), job.id, job.remote_path, job.local_path, detail));
            }
            _ => repo.end_job(job.id, Err("The job's details are unreadable.".into())).await?,
        },
        JobKind::Reference => {
            let used = detail
                .as_deref()
                .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
                .and_then(|v| v.get("used").and_then(|u| u.as_bool()))
                .unwrap_or(true);
            let page = job.page_path.unwrap_or_default();
            tokio::spawn(run_reference_job(connected, repo.clone(), job.id, job.remote_path, page, used));
        }
        JobKind::Fetch | JobKind::LiveCopy | JobKind::Rollout => {
            repo.end_job(job.id, Err("The Sites server stopped during this fetch. Drag the asset onto the component again to retry.".into())).await?;
        }
    }
    Ok(())
}
