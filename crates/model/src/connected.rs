//! Connected Assets: the Sites deployment's link to one remote DAM, the fetch of a
//! remote asset into the mount point, and the jobs that record it.

use serde::{Deserialize, Serialize};

use crate::api::AssetDto;
use crate::path::DamPath;

/// Where a fetched asset came from. Present on every asset in the mount point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectedOrigin {
    /// The remote DAM's origin.
    pub dam_url: String,
    /// The asset's path on the remote DAM.
    pub path: DamPath,
    /// When this copy was last fetched, in Unix seconds.
    pub fetched_at: i64,
}

/// The Connected Assets configuration as the administrator page shows it. Passwords
/// never leave the server: only whether one is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectedConfigDto {
    pub title: String,
    pub remote_dam_url: String,
    /// The DAM distributor: the technical user the Sites server fetches as.
    pub distributor_user: String,
    pub distributor_password_set: bool,
    pub mount_point: DamPath,
    /// This deployment's URL, as references reported to the DAM name it.
    pub local_sites_url: String,
    /// Originals larger than this many bytes follow in an asynchronous job.
    pub threshold_bytes: u64,
    /// Both deployments keep their blobs in one content-addressed store, so a fetch
    /// copies metadata only.
    pub shared_datastore: bool,
}

/// `PUT /api/connected-assets/config`: the whole configuration; an absent password
/// keeps the stored one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConnectedConfigUpdate {
    pub title: String,
    pub remote_dam_url: String,
    pub distributor_user: String,
    #[serde(default)]
    pub distributor_password: Option<String>,
    pub mount_point: DamPath,
    pub local_sites_url: String,
    pub threshold_bytes: u64,
    pub shared_datastore: bool,
}

/// One line of "Test connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckResult {
    pub ok: bool,
    pub message: String,
}

/// `POST /api/connected-assets/test`: reachability, authentication and CORS, each
/// checked and reported on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionReport {
    pub reachable: CheckResult,
    pub authenticated: CheckResult,
    pub cors: CheckResult,
}

/// `POST /api/connected-assets/fetch`: copy a remote asset into the mount point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FetchRequest {
    /// The asset's path on the remote DAM.
    pub remote_path: DamPath,
    /// The page the asset was dropped on, for the Async Jobs page and references.
    pub page_path: crate::page::PagePath,
}

/// How the original binary of a fetched asset arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OriginalTransfer {
    /// Copied with the renditions, within the fetch.
    Copied,
    /// Already in the shared datastore: nothing was transferred.
    Shared,
    /// Above the threshold: an asynchronous job is bringing it.
    Pending,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FetchResult {
    /// The local, read-only copy.
    pub asset: AssetDto,
    pub original: OriginalTransfer,
    /// The remote tags that have no tag with the same hierarchy here.
    pub dropped_tags: u32,
    /// Bytes that crossed the network for this fetch (the original job's excluded).
    pub bytes_transferred: u64,
    /// The fetch's entry on the Async Jobs page.
    pub job: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Metadata and renditions, while the author waits.
    Fetch,
    /// An original above the threshold, in the background.
    Original,
    /// Telling the remote DAM which page uses the asset.
    Reference,
    /// Create Live Copy of a folder with its children (MSM).
    LiveCopy,
    /// Rollout Source and all Children (MSM).
    Rollout,
}

/// What a job's progress counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressUnit {
    Bytes,
    Assets,
}

impl JobKind {
    /// The name catalogs store.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Fetch => "fetch",
            JobKind::Original => "original",
            JobKind::Reference => "reference",
            JobKind::LiveCopy => "live_copy",
            JobKind::Rollout => "rollout",
        }
    }

    pub fn parse(raw: &str) -> Option<JobKind> {
        [JobKind::Fetch, JobKind::Original, JobKind::Reference, JobKind::LiveCopy, JobKind::Rollout].into_iter().find(|k| k.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            JobKind::Fetch => "Fetch",
            JobKind::Original => "Original binary",
            JobKind::Reference => "Reference report",
            JobKind::LiveCopy => "Create Live Copy",
            JobKind::Rollout => "Rollout Source and all Children",
        }
    }

    /// What `bytes_done` and `bytes_total` count for this kind.
    pub fn unit(self) -> ProgressUnit {
        match self {
            JobKind::Fetch | JobKind::Original | JobKind::Reference => ProgressUnit::Bytes,
            JobKind::LiveCopy | JobKind::Rollout => ProgressUnit::Assets,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Active,
    Success,
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Active => "active",
            JobState::Success => "success",
            JobState::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<JobState> {
        [JobState::Active, JobState::Success, JobState::Failed].into_iter().find(|s| s.as_str() == raw)
    }
}

/// One row of the Async Jobs page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobDto {
    pub id: i64,
    pub kind: JobKind,
    pub state: JobState,
    /// The asset on the remote DAM; for MSM jobs, the source folder.
    pub remote_path: DamPath,
    /// Its copy in the mount point; for MSM jobs, the live copy folder.
    pub local_path: DamPath,
    pub page_path: Option<String>,
    pub error: Option<String>,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// Bytes moved; for MSM jobs (`kind.unit()`), source assets dealt with.
    pub bytes_done: u64,
    pub bytes_total: Option<u64>,
}

impl JobDto {
    /// Progress as a whole percentage, when the total is known.
    pub fn percent(&self) -> Option<u8> {
        let total = self.bytes_total.filter(|t| *t > 0)?;
        Some(((self.bytes_done.min(total) * 100) / total) as u8)
    }
}

/// Where a remote asset's copy lives: the same path below the mount point as below
/// `/content/dam` on the DAM, so fetching it again updates the same copy.
pub fn mount_path(mount: &DamPath, remote: &DamPath) -> Option<DamPath> {
    let below = remote.as_str().strip_prefix(crate::path::DAM_ROOT)?;
    DamPath::parse(&format!("{}{below}", mount.as_str())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> DamPath {
        DamPath::parse(s).unwrap()
    }

    #[test]
    fn the_copy_keeps_the_remote_hierarchy_below_the_mount() {
        let mount = p("/content/dam/connected");
        assert_eq!(mount_path(&mount, &p("/content/dam/samples/lake.jpg")), Some(p("/content/dam/connected/samples/lake.jpg")));
        assert_eq!(mount_path(&mount, &DamPath::root()), Some(mount.clone()));
    }

    #[test]
    fn progress_is_bounded() {
        let mut job = JobDto {
            id: 1,
            kind: JobKind::Original,
            state: JobState::Active,
            remote_path: p("/content/dam/a.jpg"),
            local_path: p("/content/dam/connected/a.jpg"),
            page_path: None,
            error: None,
            started_at: 0,
            ended_at: None,
            bytes_done: 50,
            bytes_total: Some(200),
        };
        assert_eq!(job.percent(), Some(25));
        job.bytes_done = 500;
        assert_eq!(job.percent(), Some(100));
        job.bytes_total = Some(0);
        assert_eq!(job.percent(), None);
    }
}
