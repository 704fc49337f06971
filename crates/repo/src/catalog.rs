//! The metadata side of the repository, behind a trait so that a server database can
//! stand beside SQLite later. Calls are synchronous; [`crate::Repo`] runs them on the
//! blocking pool.

use tessera_model::DamPath;

use crate::blobs::BlobHash;
use crate::error::RepoError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderRecord {
    pub path: DamPath,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenditionRecord {
    /// `original`, `thumbnail-319`, ...
    pub name: String,
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
    pub mime: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub created_by: String,
    pub created_at: i64,
    /// Always includes `original`.
    pub renditions: Vec<RenditionRecord>,
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

pub trait Catalog: Send + Sync {
    fn folder(&self, path: &DamPath) -> Result<Option<FolderRecord>, RepoError>;
    /// Creates one folder whose parent exists.
    fn create_folder(&self, path: &DamPath, title: &str) -> Result<FolderRecord, RepoError>;
    fn children(&self, path: &DamPath) -> Result<(Vec<FolderRecord>, Vec<AssetRecord>), RepoError>;
    fn asset(&self, path: &DamPath) -> Result<Option<AssetRecord>, RepoError>;
    /// Whether a folder or an asset already has this path.
    fn is_taken(&self, path: &DamPath) -> Result<bool, RepoError>;
    /// Inserts an asset with its renditions in one transaction. `publish_blobs` runs
    /// inside that transaction, after the rows are written and before the commit, so
    /// rows never point at missing blobs and a failed commit can undo the blobs.
    fn insert_asset(
        &self,
        asset: &AssetRecord,
        publish_blobs: &mut dyn FnMut() -> Result<(), RepoError>,
    ) -> Result<(), RepoError>;

    fn create_session(&self, session: &SessionRecord) -> Result<(), RepoError>;
    /// The session, if it exists and has not expired at `now`.
    fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRecord>, RepoError>;
    fn delete_session(&self, token_hash: &str) -> Result<(), RepoError>;
}
