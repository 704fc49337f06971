//! Copying an asset or a folder within one deployment. A copy is a new asset with
//! the same metadata and the same renditions: the same blobs, so no byte is copied.
//! Its history starts anew, with its copying as version 1.

use tessera_model::access::is_within;
use tessera_model::DamPath;

use crate::catalog::{AssetRecord, FolderRecord};
use crate::error::RepoError;
use crate::{unix_now, Repo};

/// Assets written per transaction when a folder is copied.
pub(crate) const BATCH: usize = 500;

/// `path` below `from`, moved below `to`.
fn rebase(path: &DamPath, from: &DamPath, to: &DamPath) -> Result<DamPath, RepoError> {
    Ok(DamPath::parse(&format!("{to}{}", &path.as_str()[from.as_str().len()..]))?)
}

/// The copy of `a` at `path`, made by `by` now: not checked out, not a Connected
/// Assets copy any more (it is this deployment's own).
pub(crate) fn copied(a: AssetRecord, path: DamPath, by: &str, now: i64) -> AssetRecord {
    AssetRecord { path, created_by: by.to_owned(), created_at: now, modified_by: by.to_owned(), modified_at: now, connected: None, checked_out: None, ..a }
}

impl Repo {
    /// Copies an asset, or a folder with everything in it, to `to` (whose parent must
    /// exist and which must be free). A folder's copy that fails half-way is removed.
    pub async fn copy_node(&self, from: &DamPath, to: &DamPath, by: &str) -> Result<(), RepoError> {
        if from.is_root() || to.is_root() {
            return Err(RepoError::RootIsFixed);
        }
        if is_within(to, from) {
            return Err(RepoError::CopyIntoSelf);
        }
        self.check_target_is_free(to).await?;
        let now = unix_now();
        let source = from.clone();
        let folder = self.with_catalog(move |c| c.folder(&source)).await?;
        match folder {
            None => {
                let asset = self.asset(from).await?;
                let copy = copied(asset, to.clone(), by, now);
                self.with_catalog(move |c| c.import_assets(&[copy])).await?;
                self.carry_live_relationship(from, to).await?;
                self.job_signal.job_queued();
                Ok(())
            }
            Some(_) => {
                let done = self.copy_folder(from, to, by, now).await;
                if done.is_err() {
                    let (to, by) = (to.clone(), by.to_owned());
                    // Nothing references or locks a fresh copy: this cannot be refused.
                    let _ = self.with_catalog(move |c| c.delete_node(&to, &by, true)).await;
                }
                done
            }
        }
    }

    async fn copy_folder(&self, from: &DamPath, to: &DamPath, by: &str, now: i64) -> Result<(), RepoError> {
        let folders: Vec<FolderRecord> = self.folders_below(from).await?;
        let mut pending = Vec::new();
        let mut copied_assets = Vec::new();
        for folder in &folders {
            let target = rebase(&folder.path, from, to)?;
            // The top folder takes the new name as its title when it had its name as one.
            let title = if folder.path == *from && folder.title == from.name() { to.name().to_owned() } else { folder.title.clone() };
            let at = target.clone();
            self.with_catalog(move |c| c.create_folder(&at, &title)).await?;
            // A live copy folder's copy is another live copy folder of the same source.
            self.carry_live_relationship(&folder.path, &target).await?;
            let (_, _, assets) = self.list(&folder.path).await?;
            for a in assets {
                let path = rebase(&a.path, from, to)?;
                copied_assets.push((a.path.clone(), path.clone()));
                pending.push(copied(a, path, by, now));
            }
            while pending.len() >= BATCH {
                let batch: Vec<AssetRecord> = pending.drain(..BATCH).collect();
                self.with_catalog(move |c| c.import_assets(&batch)).await?;
            }
        }
        if !pending.is_empty() {
            self.with_catalog(move |c| c.import_assets(&pending)).await?;
        }
        for (original, copy) in &copied_assets {
            self.carry_live_relationship(original, copy).await?;
        }
        self.job_signal.job_queued();
        Ok(())
    }

    /// A copy of a live copy is another live copy of the same source, with the same
    /// local modifications kept from rollouts. When that source is gone, the copy
    /// stands on its own.
    async fn carry_live_relationship(&self, original: &DamPath, copy: &DamPath) -> Result<(), RepoError> {
        let (original, copy) = (original.clone(), copy.clone());
        self.with_catalog(move |c| match c.live_relationship(&original)? {
            Some(stored) if !stored.source_missing => c.set_live_relationship(&copy, &stored.relationship),
            _ => Ok(()),
        })
        .await
    }
}
