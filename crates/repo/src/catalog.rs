//! The metadata side of the repository, behind a trait so that a server database can
//! stand beside SQLite later. Calls are synchronous; [`crate::Repo`] runs them on the
//! blocking pool.

use std::collections::BTreeMap;

use tessera_model::connected::{ConnectedOrigin, JobDto, JobKind, JobState};
use tessera_model::{Access, DamPath, MetadataPatch, PageContent, PageDto, PagePath, PageSummary, PermissionRule, RenditionName, SearchQuery, TagId};

use crate::blobs::BlobHash;
use crate::collections::CollectionCatalog;
use crate::error::RepoError;
use crate::history::{AssetEvent, BinaryChange, CheckOut, Kept, Release, VersionKind};
use crate::live_copies::LiveCopyCatalog;
use crate::scope::ReadScope;
use crate::search::SearchPage;
use crate::shares::ShareCatalog;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRecord {
    pub tag: TagId,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderRecord {
    pub path: DamPath,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenditionRecord {
    pub name: RenditionName,
    pub blob: BlobHash,
    pub mime: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRecord {
    pub path: DamPath,
    pub title: String,
    pub description: String,
    pub mime: String,
    pub size: u64,
    /// Upright size (EXIF orientation applied), for images whose header could be read.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub created_by: String,
    pub created_at: i64,
    pub modified_by: String,
    pub modified_at: i64,
    /// Free properties, by name.
    pub properties: BTreeMap<String, String>,
    pub tags: Vec<TagId>,
    /// Always includes `original`.
    pub renditions: Vec<RenditionRecord>,
    pub processing: Processing,
    /// Where a read-only copy fetched by Connected Assets came from.
    pub connected: Option<ConnectedOrigin>,
    /// Who holds it checked out: only they change its binary, move or delete it.
    pub checked_out: Option<CheckOut>,
    /// Whether it is a live copy (MSM). Read from its tie; writes ignore it.
    pub live_copy: bool,
}

/// One version of an asset: the binary it had, and who made it and why. Every
/// change of an asset's binary is a new version; the highest is the asset itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    /// 1 for the upload, then one more for each binary that replaced it.
    pub number: u32,
    /// The version's original: the blob and what it is.
    pub original: RenditionRecord,
    /// A short name for it ("Approved", "Print"); may be empty.
    pub label: String,
    pub comment: String,
    pub created_by: String,
    pub created_at: i64,
    pub kind: VersionKind,
    /// What it kept of the asset when a later version replaced it; `None` for the
    /// asset's own (newest) version, and for versions replaced before versions kept
    /// more than their original.
    pub kept: Option<Kept>,
}

/// Where an asset's renditions stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Processing {
    /// A rendition job is queued or running.
    Pending,
    Done,
    /// The last job failed for good, with its error.
    Failed(String),
}

impl Processing {
    /// What an asset's latest rendition job (`queued`, `running`, `done` or `failed`,
    /// as catalogs store it; none for a copy fetched whole) says of its renditions.
    pub fn of_job(state: Option<&str>, error: Option<String>) -> Processing {
        match state {
            Some("queued" | "running") => Processing::Pending,
            Some("failed") => Processing::Failed(error.unwrap_or_default()),
            _ => Processing::Done,
        }
    }
}

/// The rule that references guard moves and deletes: refuses to `action` `path`
/// while pages use what it holds, with the counts per Sites deployment.
/// `references` are (Sites deployment, page), `""` for this deployment, sorted by
/// deployment; none, nothing to refuse.
pub fn refuse_referenced(path: &DamPath, references: &[(String, String)], action: &'static str) -> Result<(), RepoError> {
    if references.is_empty() {
        return Ok(());
    }
    let mut counts: Vec<(&str, u64)> = Vec::new();
    for (site, _) in references {
        match counts.iter_mut().find(|(s, _)| s == site) {
            Some((_, n)) => *n += 1,
            None => counts.push((site, 1)),
        }
    }
    let details = counts
        .iter()
        .map(|(site, n)| if site.is_empty() { format!("{n} on this deployment") } else { format!("{n} on {site}") })
        .collect::<Vec<_>>()
        .join(", ");
    Err(RepoError::Referenced { what: path.to_string(), action, total: references.len() as u64, details })
}

/// A page's publication: its HTML, when, and the blobs it shows (with their types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub html: String,
    pub published_at: i64,
    pub blobs: Vec<(BlobHash, String)>,
}

/// A claimed rendition job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub asset: DamPath,
    pub mime: String,
    pub original: BlobHash,
    /// Including this one.
    pub attempts: u32,
    /// The image's pixels as its upload read them from the header (0 for a
    /// document): what the render reserves from the pixel budget.
    pub pixels: u64,
}

/// "A page uses this asset."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub asset: DamPath,
    /// The Sites deployment of the page; empty for a page of this deployment.
    pub sites_url: String,
    pub page_path: String,
}

/// A login session. Only a hash of the cookie's token is stored, so a copy of the
/// database does not let anyone log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

/// Who writes to a catalog at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concurrency {
    /// One process (an embedded database file): every job found running at start was
    /// interrupted, and nothing changes behind this process's back.
    OneProcess,
    /// Several processes of one deployment: a job is another's until its lease runs
    /// out, and what one process caches (permissions) another may change.
    ManyProcesses,
}

/// One server process of a deployment, as the jobs it runs name it: the same across
/// its restarts (it is kept in its data directory), so a process that starts again
/// takes back at once what it left running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessId(String);

impl ProcessId {
    /// The identity kept in `data_dir/process-id`, made on the first start.
    pub fn of_data_dir(data_dir: &std::path::Path) -> Result<ProcessId, RepoError> {
        let file = data_dir.join("process-id");
        if let Ok(id) = std::fs::read_to_string(&file) {
            if let Some(id) = Self::parse(id.trim()) {
                return Ok(id);
            }
        }
        let mut noise = [0u8; 12];
        getrandom::fill(&mut noise).map_err(|e| RepoError::Internal(format!("no random source: {e}")))?;
        let id = ProcessId(hex::encode(noise));
        // Written whole or not at all: a rename.
        let temp = data_dir.join("process-id.tmp");
        std::fs::write(&temp, &id.0).and_then(|()| std::fs::rename(&temp, &file)).map_err(RepoError::io("writing the process id"))?;
        Ok(id)
    }

    /// 24 lowercase hex digits.
    pub fn parse(raw: &str) -> Option<ProcessId> {
        (raw.len() == 24 && raw.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))).then(|| ProcessId(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The running jobs a process may take over: those whose runner was last heard of
/// (claimed, created, reported progress) at `lease_start` or earlier, and, at start,
/// every one it left running itself before it stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abandoned {
    pub lease_start: i64,
    pub left_by: Option<ProcessId>,
}

/// An asset's history: its versions, its check-out, its events.
pub trait HistoryCatalog {
    /// Makes `change` the asset's binary as a new version, numbered one above the last,
    /// in one transaction, after [`crate::history::binary_change_allowed`]: the
    /// version it replaces keeps the asset's metadata and renditions of the moment;
    /// the asset takes the change's renditions (a rendition job is queued when there
    /// are none) and its metadata (when it brings some); a check-in releases the lock.
    /// Returns the new number and the blobs nothing uses any more.
    fn add_version(&self, path: &DamPath, change: &BinaryChange) -> Result<(u32, Vec<BlobHash>), RepoError>;
    /// An asset's versions, oldest first.
    fn versions(&self, path: &DamPath) -> Result<Vec<VersionRecord>, RepoError>;
    /// Replaces an asset's versions with `versions` (a copy between deployments);
    /// the last must hold the asset's original.
    fn import_versions(&self, path: &DamPath, versions: &[VersionRecord]) -> Result<(), RepoError>;
    /// Checks the asset out to `by`; already theirs, it stays as it was. Held by
    /// someone else: [`RepoError::Locked`]. Of two at once, exactly one wins.
    fn check_out(&self, path: &DamPath, by: &str, now: i64) -> Result<CheckOut, RepoError>;
    /// Gives a check-out up without a new version (see [`crate::history::release_allowed`]).
    fn release_check_out(&self, path: &DamPath, release: &Release, now: i64) -> Result<(), RepoError>;
    /// What happened to the asset, in the order it happened.
    fn events(&self, path: &DamPath) -> Result<Vec<AssetEvent>, RepoError>;
    /// Replaces an asset's events with `events`, in their order (a copy between
    /// deployments): its timeline reads as it did where it came from.
    fn import_events(&self, path: &DamPath, events: &[AssetEvent]) -> Result<(), RepoError>;
}

pub trait Catalog: ConnectedCatalog + HistoryCatalog + CollectionCatalog + ShareCatalog + LiveCopyCatalog + Send + Sync {
    fn concurrency(&self) -> Concurrency;
    /// How many calls can run at once: its connections.
    fn connections(&self) -> usize;

    fn folder(&self, path: &DamPath) -> Result<Option<FolderRecord>, RepoError>;
    /// Creates one folder whose parent exists.
    fn create_folder(&self, path: &DamPath, title: &str) -> Result<FolderRecord, RepoError>;
    fn children(&self, path: &DamPath) -> Result<(Vec<FolderRecord>, Vec<AssetRecord>), RepoError>;
    /// The folders directly in `path`, by path, without its assets: the tree's one
    /// query per level, however many assets the folder holds.
    fn subfolders(&self, path: &DamPath) -> Result<Vec<FolderRecord>, RepoError>;
    fn asset(&self, path: &DamPath) -> Result<Option<AssetRecord>, RepoError>;
    /// Whether a folder or an asset already has this path.
    fn is_taken(&self, path: &DamPath) -> Result<bool, RepoError>;
    /// Inserts an asset with its renditions and queues its rendition job, in one
    /// transaction. Its blobs are already stored: rows never point at missing blobs.
    /// Its version 1 is the original it arrives with.
    fn insert_asset(&self, asset: &AssetRecord) -> Result<(), RepoError>;
    /// Writes assets as they were elsewhere (a copy between deployments, generated
    /// data), all in one transaction: each with its renditions and tags (which must
    /// exist) in an existing folder; a pending asset gets a queued rendition job, a
    /// failed one a failed job with its error, one whose renditions are done none.
    fn import_assets(&self, assets: &[AssetRecord]) -> Result<(), RepoError>;

    /// Takes the oldest queued job that may run at `now` and marks it running.
    fn claim_job(&self, now: i64, by: &ProcessId) -> Result<Option<Job>, RepoError>;
    /// Replaces the asset's renditions (all but the original) and marks the job done,
    /// in one transaction; their blobs are already stored. A job whose asset was
    /// deleted meanwhile is gone: [`RepoError::NotFound`], so its blobs go too.
    fn finish_job(&self, job: &Job, renditions: &[RenditionRecord]) -> Result<(), RepoError>;
    /// Queues the job again at `retry_at`, or marks it failed for good when `None`.
    fn fail_job(&self, job: &Job, error: &str, retry_at: Option<i64>) -> Result<(), RepoError>;
    /// Puts abandoned running jobs back in the queue: their process stopped, or their
    /// lease ran out. Returns how many.
    fn requeue_abandoned_jobs(&self, abandoned: &Abandoned) -> Result<usize, RepoError>;
    /// Jobs queued or running.
    fn unfinished_jobs(&self) -> Result<usize, RepoError>;

    /// Changes title, description or free properties; records who and when, and the
    /// fields in the asset's events.
    fn update_metadata(&self, path: &DamPath, patch: &MetadataPatch, user: &str, now: i64) -> Result<(), RepoError>;
    fn tags(&self) -> Result<Vec<TagRecord>, RepoError>;
    /// Creates a tag and any missing tags above it. Creating an existing tag changes
    /// only its title.
    fn create_tag(&self, tag: &TagId, title: &str) -> Result<(), RepoError>;
    /// Deletes a tag and the tags under it; assets lose them.
    fn delete_tag(&self, tag: &TagId) -> Result<(), RepoError>;
    /// Replaces an asset's tags; every tag must exist. An event records it.
    fn set_asset_tags(&self, path: &DamPath, tags: &[TagId], user: &str, now: i64) -> Result<(), RepoError>;
    /// A search's page; its count stops at [`tessera_model::COUNT_LIMIT`].
    fn search(&self, query: &SearchQuery, scope: &ReadScope) -> Result<SearchPage, RepoError>;
    /// How many assets `folder` and its sub-folders hold, exactly (a long job's total).
    fn count_assets_below(&self, folder: &DamPath) -> Result<u64, RepoError>;
    /// Moves an asset or a folder (with everything in it) to `to`, whose parent must
    /// exist. Refused when pages use what moves, unless `force`, and while someone
    /// other than `by` holds any of it checked out. Each asset moved records an event.
    fn move_node(&self, from: &DamPath, to: &DamPath, by: &str, force: bool) -> Result<(), RepoError>;
    /// Deletes an asset or a folder with everything in it. Refused when pages use what
    /// goes, unless `force`, and while someone other than `by` holds any of it
    /// checked out. Returns the blobs nothing uses any more (no rendition, no
    /// version, no publication): a blob that a published page shows stays until that
    /// page is published again or deleted.
    fn delete_node(&self, path: &DamPath, by: &str, force: bool) -> Result<Vec<BlobHash>, RepoError>;
    fn add_reference(&self, asset: &DamPath, sites_url: &str, page_path: &str) -> Result<(), RepoError>;
    fn remove_reference(&self, asset: &DamPath, sites_url: &str, page_path: &str) -> Result<(), RepoError>;
    /// References to the asset, or to every asset in the folder.
    fn references(&self, path: &DamPath) -> Result<Vec<Reference>, RepoError>;

    fn permission_rules(&self) -> Result<Vec<PermissionRule>, RepoError>;
    /// Sets a group's access to a folder; `None` removes the rule.
    fn set_permission(&self, folder: &DamPath, group: &str, access: Option<Access>) -> Result<(), RepoError>;

    fn pages(&self) -> Result<Vec<PageSummary>, RepoError>;
    /// Creates an empty page; its parent page must exist (a site's root page has none).
    fn create_page(&self, path: &PagePath, title: &str, user: &str, now: i64) -> Result<(), RepoError>;
    fn page(&self, path: &PagePath) -> Result<Option<PageDto>, RepoError>;
    /// Saves a page if it is still at `expected_version`; returns the new version.
    /// The page's local asset references are replaced in the same transaction.
    fn save_page(&self, path: &PagePath, expected_version: u64, content: &PageContent, user: &str, now: i64) -> Result<u64, RepoError>;
    /// Deletes a page and the pages below it; returns the blobs their publications
    /// showed that nothing uses any more.
    fn delete_page(&self, path: &PagePath) -> Result<Vec<BlobHash>, RepoError>;
    /// Moves a page and the pages below it; their references follow.
    fn move_page(&self, from: &PagePath, to: &PagePath) -> Result<(), RepoError>;
    /// Stores the rendered HTML of `version` and the blobs it shows, replacing the
    /// previous publication; returns the blobs only that one showed and nothing else
    /// uses any more.
    fn publish_page(&self, path: &PagePath, version: u64, html: &str, blobs: &[(BlobHash, String)], now: i64) -> Result<Vec<BlobHash>, RepoError>;
    fn published_html(&self, path: &PagePath) -> Result<Option<String>, RepoError>;
    /// The MIME type of a blob some published page shows.
    fn published_blob(&self, hash: &BlobHash) -> Result<Option<String>, RepoError>;
    /// The page's publication, if it was published; its blobs sorted by hash.
    fn publication(&self, path: &PagePath) -> Result<Option<Publication>, RepoError>;
    /// Writes a page as it was elsewhere (its version, who saved it and when, its
    /// publication), for a copy between deployments. Its parent must exist; a page
    /// of that path is refused.
    fn import_page(&self, page: &PageDto, publication: Option<&Publication>) -> Result<(), RepoError>;

    /// The renditions of an asset whose original is `original` (any one such asset).
    fn sources_of(&self, original: &BlobHash) -> Result<Vec<RenditionRecord>, RepoError>;
    /// Remembers an edit state (JSON) under its key.
    fn remember_edit(&self, key: &str, state: &str) -> Result<(), RepoError>;
    fn edit_state(&self, key: &str) -> Result<Option<String>, RepoError>;
    /// Every remembered edit state, by key.
    fn edit_states(&self) -> Result<Vec<(String, String)>, RepoError>;
    fn cached_image(&self, original: &BlobHash, edit_key: &str, width: u32, format: &str) -> Result<Option<BlobHash>, RepoError>;
    /// Records a rendered image, whose blob is already stored.
    fn cache_image(&self, original: &BlobHash, edit_key: &str, width: u32, format: &str, rendered: &BlobHash) -> Result<(), RepoError>;

    fn create_session(&self, session: &SessionRecord) -> Result<(), RepoError>;
    /// The session, if it exists and has not expired at `now`.
    fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRecord>, RepoError>;
    fn delete_session(&self, token_hash: &str) -> Result<(), RepoError>;
}

/// A Connected Assets job as it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: JobKind,
    pub remote_path: DamPath,
    pub local_path: DamPath,
    pub page_path: Option<String>,
    pub bytes_total: Option<u64>,
    /// What the job needs to run again after a restart (JSON).
    pub detail: Option<String>,
}

/// The catalog's Connected Assets side: fetched copies, their jobs, settings that
/// change at run time.
pub trait ConnectedCatalog {
    /// Stores a copy fetched from the remote DAM at `asset.path` (its `connected`
    /// must be set), with the folders above it, in one transaction. An earlier copy
    /// is updated in place, so pages' references to it stay; a local asset of that
    /// name is refused. Tags that do not exist here are dropped; returns how many.
    /// Its blobs are already stored.
    fn store_connected(&self, asset: &AssetRecord) -> Result<u32, RepoError>;
    /// Adds (or replaces) the original of a copy whose original came later.
    fn add_original(&self, path: &DamPath, original: &RenditionRecord) -> Result<(), RepoError>;
    fn create_job(&self, job: &NewJob, by: &ProcessId) -> Result<i64, RepoError>;
    fn job_progress(&self, id: i64, done: u64) -> Result<(), RepoError>;
    /// Ends a job: success without an error, failed with one.
    fn end_job(&self, id: i64, error: Option<&str>) -> Result<(), RepoError>;
    /// The newest jobs first, with their details.
    fn jobs(&self, state: Option<JobState>, limit: u32) -> Result<Vec<(JobDto, Option<String>)>, RepoError>;
    /// Takes over the abandoned active jobs: each is returned to one caller only, with
    /// its details, and is `by`'s from `now` on.
    fn take_over_jobs(&self, abandoned: &Abandoned, by: &ProcessId, now: i64) -> Result<Vec<(JobDto, Option<String>)>, RepoError>;
    fn setting(&self, key: &str) -> Result<Option<String>, RepoError>;
    fn set_setting(&self, key: &str, value: &str) -> Result<(), RepoError>;
    /// Every run-time setting, sorted by key.
    fn settings(&self) -> Result<Vec<(String, String)>, RepoError>;
}
