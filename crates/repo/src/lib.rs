//! The asset repository as a library: folders and assets under `/content/dam`, a
//! content-addressed blob store, renditions and login sessions.
//!
//! Invariants: this crate never sees an HTTP type nor a database driver; metadata
//! lives behind the [`Catalog`] trait, which each backend crate implements
//! (`tessera-repo-sqlite`), and blobs behind the [`BlobStore`] trait, which hands out
//! streams and open files, never paths. A blob is committed to its store whole
//! before the catalog row that names it, and deleted again when that write fails,
//! so a failed or abandoned upload leaves nothing behind.

mod blobs;
mod budget;
mod catalog;
pub mod collections;
#[cfg(feature = "conformance")]
pub mod conformance;
mod connected;
mod copy;
mod duplicate;
mod edited;
mod error;
pub mod history;
mod jobs;
pub mod live_copies;
pub mod live_folders;
mod renditions;
mod scope;
mod search;
pub mod shares;
mod turns;
mod upload;
mod versions;

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

pub use blobs::{BlobHash, BlobReader, BlobStore, DiskStore, LocalBlob, Persisted, S3Settings, S3Store, Spool, StagedBlob, StoreUse, STAGING_MAX_AGE};
pub use budget::{PixelBudget, Reserved};
pub use catalog::{
    refuse_referenced, Abandoned, AssetRecord, Catalog, Concurrency, ConnectedCatalog, FolderRecord, HistoryCatalog, Job, NewJob, ProcessId, Processing,
    Publication, Reference, RenditionRecord, SessionRecord, TagRecord, VersionRecord,
};
pub use copy::{CopyProgress, MIGRATION_SETTING};
pub use error::RepoError;
pub use jobs::{JobSettings, Workers};
pub use renditions::{document_label, probe_image, render_edited, render_image, OutputFormat, RenditionSpec, THUMBNAILS, THUMBNAIL_319, WEB_1280};
pub use scope::ReadScope;
pub use search::{kind_sql, orientation_sql, SearchCursor, SearchPage};
pub use upload::{NewVersion, Replacement, Upload, UploadLimits, MAX_VERSION_COMMENT_BYTES, MAX_VERSION_LABEL_BYTES};
pub use versions::Restore;

use tessera_model::{Access, DamPath, MetadataPatch, PageContent, PageDto, PagePath, PageSummary, PermissionRule, SearchQuery, TagId};

/// Where a repository keeps its blobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blobs {
    /// A folder on the local disk: `blobs/` in the data directory when `dir` is `None`.
    Disk { dir: Option<PathBuf>, store_use: StoreUse },
    /// An S3-compatible bucket.
    S3 { settings: S3Settings, store_use: StoreUse },
}

impl Blobs {
    /// `blobs/` in the data directory, this deployment's alone: the embedded default.
    pub const OWN: Blobs = Blobs::Disk { dir: None, store_use: StoreUse::OwnedByThisDeployment };

    fn open(self, data_dir: &Path) -> Result<(Arc<dyn BlobStore>, StoreUse), RepoError> {
        Ok(match self {
            Blobs::Disk { dir, store_use } => (Arc::new(DiskStore::open(dir.unwrap_or_else(|| data_dir.join("blobs")))?), store_use),
            // Bytes wait in the data directory's spool until their upload to the bucket.
            Blobs::S3 { settings, store_use } => (Arc::new(S3Store::open(settings, data_dir.join("spool"))?), store_use),
        })
    }
}

/// One deployment's repository: a catalog and a blob store in one data directory.
#[derive(Clone)]
pub struct Repo {
    catalog: Arc<dyn Catalog>,
    blobs: Arc<dyn BlobStore>,
    /// Another deployment may store blobs there too: a blob this catalog stops using
    /// may still be in use there, and is then never deleted.
    store_use: StoreUse,
    /// Blobs being committed now, which freeing unused blobs leaves alone.
    in_flight: blobs::InFlight,
    limits: UploadLimits,
    job_signal: jobs::JobSignal,
    /// Every folder permission, kept in memory: each request consults them.
    rules: Arc<RwLock<Vec<PermissionRule>>>,
    /// Pixels that renders may hold at once, across workers and edited images.
    render_budget: PixelBudget,
    /// This process, as the jobs it claims name it.
    process: ProcessId,
    /// Catalog calls on the blocking pool at once: twice the catalog's connections,
    /// so each has the next call ready. More would only wait there, each an operating
    /// system thread, for a connection; waiting here costs a task and spares the
    /// threads' switching (200 clients at once on SQLite: p99 73.0 ms before, 45.8 ms,
    /// and a third less memory).
    catalog_calls: turns::Turns,
}

impl Repo {
    /// The repository over `catalog`, with its blobs where `blobs` says; `data_dir`
    /// holds what stays local to this process (the spool of a remote blob store).
    pub fn new(catalog: Arc<dyn Catalog>, blobs: Blobs, data_dir: &Path, limits: UploadLimits) -> Result<Self, RepoError> {
        std::fs::create_dir_all(data_dir).map_err(RepoError::io("creating the data directory"))?;
        let (blobs, store_use) = blobs.open(data_dir)?;
        let process = ProcessId::of_data_dir(data_dir)?;
        let rules = off_the_runtime(|| catalog.permission_rules())?;
        let removed = blobs.spool().remove_abandoned(store_use);
        tracing::info!(removed, store = %blobs.describe(), "spool files left by an earlier stop removed");
        let catalog_calls = 2 * catalog.connections();
        Ok(Repo {
            catalog,
            blobs,
            store_use,
            in_flight: blobs::InFlight::default(),
            limits,
            job_signal: jobs::JobSignal::default(),
            rules: Arc::new(RwLock::new(rules)),
            render_budget: PixelBudget::new(limits.render_pixels),
            process,
            catalog_calls: turns::Turns::new(catalog_calls),
        })
    }

    pub fn blobs(&self) -> &dyn BlobStore {
        self.blobs.as_ref()
    }

    /// The catalog itself, bypassing the repository's rules: for tools and tests
    /// that set up states the API cannot make (a link that expired yesterday).
    pub fn catalog(&self) -> &dyn Catalog {
        self.catalog.as_ref()
    }

    /// Whether other processes write to this repository's catalog too.
    pub fn concurrency(&self) -> Concurrency {
        self.catalog.concurrency()
    }

    /// How this repository shares its blob store.
    pub fn store_use(&self) -> StoreUse {
        self.store_use
    }

    /// A blob's bytes, or those in `range`, as they arrive from the store.
    pub async fn open_blob(&self, hash: &BlobHash, range: Option<std::ops::Range<u64>>) -> Result<BlobReader, RepoError> {
        self.blobs.open(hash, range).await
    }

    /// Commits `staged` to the blob store, then runs the catalog `write` that refers to
    /// them. If either fails, the blobs this call stored are deleted again, unless
    /// another request of this process is storing the same bytes.
    pub(crate) async fn commit_then<T, F>(&self, staged: Vec<StagedBlob>, write: F) -> Result<T, RepoError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Catalog) -> Result<T, RepoError> + Send + 'static,
    {
        let held = self.in_flight.hold(staged.iter().map(|s| s.hash().clone()).collect()).await;
        let mut stored = Vec::new();
        let mut committed = Ok(());
        for blob in staged {
            match self.blobs.commit(blob).await {
                Ok(p) => stored.extend(p.newly_stored.then_some(p.hash)),
                Err(e) => {
                    committed = Err(e);
                    break;
                }
            }
        }
        let result = match committed {
            Ok(()) => self.with_catalog(write).await,
            Err(e) => Err(e),
        };
        drop(held);
        if result.is_err() {
            self.delete_blobs(stored).await;
        }
        result
    }

    pub fn limits(&self) -> UploadLimits {
        self.limits
    }

    /// Waits until an image of `known` pixels, or else of the pixels in `image`'s
    /// header, may be decoded within the render budget. A file whose header cannot be
    /// read reserves nothing: its render fails at once.
    pub(crate) async fn reserve_render(&self, image: &LocalBlob, known: Option<u64>) -> Reserved {
        let pixels = match (known, image.reader()) {
            (Some(pixels), _) => pixels,
            (None, Ok(file)) => {
                let max = self.limits.max_pixels;
                tokio::task::spawn_blocking(move || renditions::probe_image(file, max).map(|i| u64::from(i.width) * u64::from(i.height)))
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .unwrap_or(0)
            }
            (None, Err(_)) => 0,
        };
        self.render_budget.reserve(pixels).await
    }

    /// Runs a catalog call on the blocking pool: SQLite calls block.
    async fn with_catalog<T, F>(&self, f: F) -> Result<T, RepoError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Catalog) -> Result<T, RepoError> + Send + 'static,
    {
        let catalog = Arc::clone(&self.catalog);
        self.catalog_calls.run(move || f(catalog.as_ref())).await
    }

    pub async fn folder(&self, path: &DamPath) -> Result<FolderRecord, RepoError> {
        let path = path.clone();
        self.with_catalog(move |c| c.folder(&path)?.ok_or(RepoError::NotFound(path))).await
    }

    pub async fn create_folder(&self, path: &DamPath, title: Option<String>) -> Result<FolderRecord, RepoError> {
        let path = path.clone();
        self.with_catalog(move |c| {
            let title = title.unwrap_or_else(|| path.name().to_owned());
            c.create_folder(&path, &title)
        })
        .await
    }

    /// The folder's sub-folders and assets, each sorted by name.
    /// Whether `path` is a folder (else an asset); neither is `NotFound`.
    pub async fn is_folder(&self, path: &DamPath) -> Result<bool, RepoError> {
        let path = path.clone();
        self.with_catalog(move |c| match c.folder(&path)? {
            Some(_) => Ok(true),
            None if c.asset(&path)?.is_some() => Ok(false),
            None => Err(RepoError::NotFound(path)),
        })
        .await
    }

    /// The folders directly in `path`, without loading its assets.
    pub async fn subfolders(&self, path: &DamPath) -> Result<Vec<FolderRecord>, RepoError> {
        let path = path.clone();
        self.with_catalog(move |c| c.subfolders(&path)).await
    }

    pub async fn list(&self, path: &DamPath) -> Result<(FolderRecord, Vec<FolderRecord>, Vec<AssetRecord>), RepoError> {
        let path = path.clone();
        self.with_catalog(move |c| {
            let folder = c.folder(&path)?.ok_or_else(|| RepoError::NotFound(path.clone()))?;
            let (folders, assets) = c.children(&path)?;
            Ok((folder, folders, assets))
        })
        .await
    }

    pub async fn asset(&self, path: &DamPath) -> Result<AssetRecord, RepoError> {
        let path = path.clone();
        self.with_catalog(move |c| c.asset(&path)?.ok_or(RepoError::NotFound(path))).await
    }

    /// One of an asset's renditions: its blob, type and size.
    pub async fn rendition(&self, path: &DamPath, name: tessera_model::RenditionName) -> Result<RenditionRecord, RepoError> {
        let asset = self.asset(path).await?;
        asset.renditions.iter().find(|r| r.name == name).cloned().ok_or_else(|| RepoError::NoSuchRendition(name.to_string()))
    }

    /// Creates the missing folders above `path`, for uploads of folder hierarchies.
    pub async fn create_parents(&self, path: &DamPath) -> Result<(), RepoError> {
        let p = path.clone();
        self.with_catalog(move |c| {
            for folder in p.ancestors().into_iter().skip(1) {
                if c.folder(&folder)?.is_none() {
                    match c.create_folder(&folder, folder.name()) {
                        Ok(_) | Err(RepoError::AlreadyExists(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Ok(())
        })
        .await
    }

    pub async fn update_metadata(&self, path: &DamPath, patch: MetadataPatch, user: &str) -> Result<AssetRecord, RepoError> {
        let (p, user) = (path.clone(), user.to_owned());
        self.with_catalog(move |c| c.update_metadata(&p, &patch, &user, unix_now())).await?;
        self.asset(path).await
    }

    pub async fn tags(&self) -> Result<Vec<TagRecord>, RepoError> {
        self.with_catalog(|c| c.tags()).await
    }

    pub async fn create_tag(&self, tag: &TagId, title: Option<String>) -> Result<TagRecord, RepoError> {
        let tag = tag.clone();
        let title = title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| tag.name().to_owned());
        if title.len() > tessera_model::tag::MAX_TAG_TITLE_BYTES {
            return Err(RepoError::BadMetadata(format!("A tag's title has at most {} bytes.", tessera_model::tag::MAX_TAG_TITLE_BYTES)));
        }
        self.with_catalog(move |c| {
            c.create_tag(&tag, &title)?;
            Ok(TagRecord { tag, title })
        })
        .await
    }

    pub async fn delete_tag(&self, tag: &TagId) -> Result<(), RepoError> {
        let tag = tag.clone();
        self.with_catalog(move |c| c.delete_tag(&tag)).await
    }

    pub async fn set_asset_tags(&self, path: &DamPath, tags: Vec<TagId>, user: &str) -> Result<AssetRecord, RepoError> {
        if tags.len() > 200 {
            return Err(RepoError::BadMetadata("An asset has at most 200 tags.".into()));
        }
        let (p, user) = (path.clone(), user.to_owned());
        self.with_catalog(move |c| c.set_asset_tags(&p, &tags, &user, unix_now())).await?;
        self.asset(path).await
    }

    pub async fn search(&self, query: SearchQuery, scope: ReadScope) -> Result<SearchPage, RepoError> {
        self.with_catalog(move |c| c.search(&query, &scope)).await
    }

    /// Moves an asset or folder for `by` (see [`Catalog::move_node`]).
    pub async fn move_node(&self, from: &DamPath, to: &DamPath, by: &str, force: bool) -> Result<(), RepoError> {
        let (from, to, by) = (from.clone(), to.clone(), by.to_owned());
        self.with_catalog(move |c| c.move_node(&from, &to, &by, force)).await?;
        // Rules on moved folders moved with them.
        self.reload_rules().await
    }

    /// The folder permissions in force.
    pub fn permission_rules(&self) -> Vec<PermissionRule> {
        self.rules.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub async fn set_permission(&self, folder: &DamPath, group: &str, access: Option<Access>) -> Result<(), RepoError> {
        let (folder, group) = (folder.clone(), group.to_owned());
        self.with_catalog(move |c| c.set_permission(&folder, &group, access)).await?;
        self.reload_rules().await
    }

    pub(crate) async fn reload_rules(&self) -> Result<(), RepoError> {
        let rules = self.with_catalog(|c| c.permission_rules()).await?;
        *self.rules.write().unwrap_or_else(|p| p.into_inner()) = rules;
        Ok(())
    }

    /// Deletes an asset or folder, then the blobs nothing uses any more.
    pub async fn delete_node(&self, path: &DamPath, by: &str, force: bool) -> Result<(), RepoError> {
        let (p, by) = (path.clone(), by.to_owned());
        let orphans = self.with_catalog(move |c| c.delete_node(&p, &by, force)).await?;
        self.delete_blobs(orphans).await;
        self.reload_rules().await
    }

    /// Deletes blobs the catalog no longer uses, unless another deployment shares the
    /// store and may still use them. A blob that cannot be deleted now stays, unused,
    /// and is logged; nothing refers to it.
    pub(crate) async fn delete_blobs(&self, unused: Vec<BlobHash>) {
        if self.store_use == StoreUse::Shared || unused.is_empty() {
            return;
        }
        let blobs = Arc::clone(&self.blobs);
        self.in_flight
            .delete_unheld(unused, |hash| {
                let blobs = Arc::clone(&blobs);
                async move {
                    if let Err(e) = blobs.delete(&hash).await {
                        tracing::warn!(blob = %hash, error = %e, "an unused blob could not be deleted");
                    }
                }
            })
            .await;
    }

    pub async fn add_reference(&self, asset: &DamPath, sites_url: &str, page_path: &str) -> Result<(), RepoError> {
        let (a, s, p) = (asset.clone(), sites_url.to_owned(), page_path.to_owned());
        self.with_catalog(move |c| c.add_reference(&a, &s, &p)).await
    }

    pub async fn remove_reference(&self, asset: &DamPath, sites_url: &str, page_path: &str) -> Result<(), RepoError> {
        let (a, s, p) = (asset.clone(), sites_url.to_owned(), page_path.to_owned());
        self.with_catalog(move |c| c.remove_reference(&a, &s, &p)).await
    }

    /// The references to an asset, or to every asset in a folder.
    pub async fn references(&self, path: &DamPath) -> Result<Vec<Reference>, RepoError> {
        let p = path.clone();
        self.with_catalog(move |c| {
            if c.folder(&p)?.is_none() && c.asset(&p)?.is_none() {
                return Err(RepoError::NotFound(p));
            }
            c.references(&p)
        })
        .await
    }

    pub async fn pages(&self) -> Result<Vec<PageSummary>, RepoError> {
        self.with_catalog(|c| c.pages()).await
    }

    pub async fn create_page(&self, path: &PagePath, title: &str, user: &str) -> Result<PageDto, RepoError> {
        let (p, t, u) = (path.clone(), title.to_owned(), user.to_owned());
        self.with_catalog(move |c| {
            c.create_page(&p, &t, &u, unix_now())?;
            c.page(&p)?.ok_or_else(|| RepoError::PageMissing(p.to_string()))
        })
        .await
    }

    pub async fn page(&self, path: &PagePath) -> Result<PageDto, RepoError> {
        let p = path.clone();
        self.with_catalog(move |c| c.page(&p)?.ok_or_else(|| RepoError::PageMissing(p.to_string()))).await
    }

    pub async fn save_page(&self, path: &PagePath, expected_version: u64, content: PageContent, user: &str) -> Result<PageDto, RepoError> {
        content.validate().map_err(RepoError::BadMetadata)?;
        let (p, u) = (path.clone(), user.to_owned());
        self.with_catalog(move |c| {
            c.save_page(&p, expected_version, &content, &u, unix_now())?;
            c.page(&p)?.ok_or_else(|| RepoError::PageMissing(p.to_string()))
        })
        .await
    }

    pub async fn delete_page(&self, path: &PagePath) -> Result<(), RepoError> {
        let p = path.clone();
        let unused = self.with_catalog(move |c| c.delete_page(&p)).await?;
        self.delete_blobs(unused).await;
        Ok(())
    }

    pub async fn move_page(&self, from: &PagePath, to: &PagePath) -> Result<(), RepoError> {
        let (f, t) = (from.clone(), to.clone());
        self.with_catalog(move |c| c.move_page(&f, &t)).await
    }

    /// Publishes `version` of a page; returns when, in Unix seconds.
    pub async fn publish_page(&self, path: &PagePath, version: u64, html: String, blobs: Vec<(BlobHash, String)>) -> Result<i64, RepoError> {
        let p = path.clone();
        let now = unix_now();
        let unused = self.with_catalog(move |c| c.publish_page(&p, version, &html, &blobs, now)).await?;
        self.delete_blobs(unused).await;
        Ok(now)
    }

    pub async fn published_html(&self, path: &PagePath) -> Result<Option<String>, RepoError> {
        let p = path.clone();
        self.with_catalog(move |c| c.published_html(&p)).await
    }

    /// A published blob's type, if some published page shows it.
    pub async fn published_blob(&self, hash: &BlobHash) -> Result<Option<String>, RepoError> {
        let h = hash.clone();
        self.with_catalog(move |c| c.published_blob(&h)).await
    }

    pub async fn create_session(&self, session: SessionRecord) -> Result<(), RepoError> {
        self.with_catalog(move |c| c.create_session(&session)).await
    }

    pub async fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRecord>, RepoError> {
        let token_hash = token_hash.to_owned();
        self.with_catalog(move |c| c.session(&token_hash, now)).await
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), RepoError> {
        let token_hash = token_hash.to_owned();
        self.with_catalog(move |c| c.delete_session(&token_hash)).await
    }
}

/// Runs a catalog call made outside [`Repo::with_catalog`] (at start) on a thread of
/// its own: a catalog may block in ways an async worker thread must not, and a
/// client that drives its own runtime refuses to run on one.
pub(crate) fn off_the_runtime<T: Send>(call: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(call).join()).unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}
