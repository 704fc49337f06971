//! Copying a whole deployment between repositories — SQLite and disk to PostgreSQL and
//! S3, or back — for `tessera-server migrate`. Blobs go first, each verified against
//! its hash, so the target catalog never names a blob it lacks; then the catalog,
//! item by item. Every step skips what the target already holds, so a copy that was
//! interrupted is run again to finish. Until it has finished, the target says so
//! (`migration` setting), and a server refuses to serve it.

use std::collections::BTreeSet;

use tessera_model::{DamPath, PagePath};
use tokio::io::AsyncRead;

use crate::catalog::{AssetRecord, FolderRecord};
use crate::error::RepoError;
use crate::{BlobHash, Repo};

/// The setting that marks a repository a copy is still being written into.
pub const MIGRATION_SETTING: &str = "migration";
const COPY_IN_PROGRESS: &str = "in progress";
const COPY_COMPLETE: &str = "complete";

/// How far a copy has come, reported after each blob and each catalog step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyProgress {
    pub blobs_total: usize,
    pub blobs_done: usize,
    /// Of those done, the ones the target held already (shared or copied before).
    pub blobs_already_there: usize,
    pub bytes_copied: u64,
    pub folders: usize,
    pub assets: usize,
    pub tags: usize,
    pub pages: usize,
    pub references: usize,
    pub permissions: usize,
}

/// Reads the source's bytes for the hash check as they pass.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R: AsyncRead + Unpin> AsyncRead for Counted<R> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        self.bytes += (buf.filled().len() - before) as u64;
        polled
    }
}

impl Repo {
    /// Whether a copy into this repository was started and has not finished.
    pub fn copy_unfinished(&self) -> Result<bool, RepoError> {
        Ok(self.setting_at_start(MIGRATION_SETTING)?.is_some_and(|v| v != COPY_COMPLETE))
    }

    /// Copies everything this repository holds into `target`: blobs (verified), folders,
    /// assets with their renditions and versions, tags, permissions, pages with their publications,
    /// references, edit states and settings. Sessions are not copied (users log in
    /// again), nor Connected Assets job history. `progress` hears of each step.
    pub async fn copy_into(&self, target: &Repo, mut progress: impl FnMut(&CopyProgress)) -> Result<CopyProgress, RepoError> {
        let mut done = CopyProgress::default();
        target.set_setting(MIGRATION_SETTING, COPY_IN_PROGRESS).await?;
        let folders = self.folders_below(&DamPath::root()).await?;
        let pages = self.pages().await?;

        let mut blobs = BTreeSet::new();
        // Assets whose binary was replaced: their earlier versions go across too. An
        // asset with one version gets it from its import.
        let mut histories = Vec::new();
        // And every asset's timeline of events, as it reads here, and its tie to a
        // source when it is a live copy.
        let mut timelines = Vec::new();
        let mut live_ties = Vec::new();
        for folder in &folders {
            let (_, _, assets) = self.list(&folder.path).await?;
            blobs.extend(assets.iter().flat_map(|a| a.renditions.iter().map(|r| r.blob.clone())));
            for asset in &assets {
                let path = asset.path.clone();
                let (events, tie) = self.with_catalog(move |c| Ok((c.events(&path)?, c.live_relationship(&path)?))).await?;
                if let Some(tie) = tie {
                    live_ties.push((asset.path.clone(), tie));
                }
                if !events.is_empty() {
                    timelines.push((asset.path.clone(), events));
                }
                let versions = self.versions(&asset.path).await?;
                if versions.len() > 1 {
                    blobs.extend(versions.iter().map(|v| v.original.blob.clone()));
                    blobs.extend(versions.iter().flat_map(|v| v.kept.iter().flat_map(|k| k.renditions.iter().map(|r| r.blob.clone()))));
                    histories.push((asset.path.clone(), versions));
                }
            }
        }
        for page in &pages {
            if let Some(p) = self.publication(&page.path).await? {
                blobs.extend(p.blobs.into_iter().map(|(hash, _)| hash));
            }
        }
        done.blobs_total = blobs.len();
        progress(&done);
        for hash in &blobs {
            self.copy_blob(hash, target, &mut done).await?;
            progress(&done);
        }

        for folder in folders.iter().filter(|f| !f.path.is_root()) {
            match target.create_folder(&folder.path, Some(folder.title.clone())).await {
                Ok(_) | Err(RepoError::AlreadyExists(_)) => {}
                Err(e) => return Err(e),
            }
            done.folders += 1;
        }
        progress(&done);
        for tag in self.tags().await? {
            target.create_tag(&tag.tag, Some(tag.title)).await?;
            done.tags += 1;
        }
        for folder in &folders {
            let (_, _, assets) = self.list(&folder.path).await?;
            // One listing of the target's folder tells which assets an earlier run copied.
            let (_, _, there) = target.list(&folder.path).await?;
            let there: BTreeSet<DamPath> = there.into_iter().map(|a| a.path).collect();
            done.assets += assets.len();
            let missing: Vec<AssetRecord> = assets.into_iter().filter(|a| !there.contains(&a.path)).collect();
            for batch in missing.chunks(500) {
                let batch = batch.to_vec();
                target.with_catalog(move |c| c.import_assets(&batch)).await?;
            }
            progress(&done);
        }
        for (path, versions) in histories {
            target.with_catalog(move |c| c.import_versions(&path, &versions)).await?;
        }
        for (path, events) in timelines {
            target.with_catalog(move |c| c.import_events(&path, &events)).await?;
        }
        // After every asset, so each tie finds its source there.
        for (path, tie) in live_ties {
            target.with_catalog(move |c| c.import_live_relationship(&path, &tie)).await?;
        }
        for rule in self.permission_rules() {
            target.set_permission(&rule.folder, &rule.group, Some(rule.access)).await?;
            done.permissions += 1;
        }
        for summary in &pages {
            let page = self.page(&summary.path).await?;
            let publication = self.publication(&summary.path).await?;
            match target.with_catalog(move |c| c.import_page(&page, publication.as_ref())).await {
                Ok(()) | Err(RepoError::PageExists(_)) => {}
                Err(e) => return Err(e),
            }
            done.pages += 1;
        }
        for reference in self.references(&DamPath::root()).await? {
            target.add_reference(&reference.asset, &reference.sites_url, &reference.page_path).await?;
            done.references += 1;
        }
        let edits = self.with_catalog(|c| c.edit_states()).await?;
        target.with_catalog(move |c| edits.iter().try_for_each(|(key, state)| c.remember_edit(key, state))).await?;
        let settings = self.with_catalog(|c| c.settings()).await?;
        for (key, value) in settings.into_iter().filter(|(key, _)| key != MIGRATION_SETTING) {
            target.set_setting(&key, &value).await?;
        }
        target.reload_rules().await?;
        target.set_setting(MIGRATION_SETTING, COPY_COMPLETE).await?;
        progress(&done);
        Ok(done)
    }

    async fn copy_blob(&self, hash: &BlobHash, target: &Repo, done: &mut CopyProgress) -> Result<(), RepoError> {
        done.blobs_done += 1;
        if target.blobs().contains(hash).await? {
            done.blobs_already_there += 1;
            return Ok(());
        }
        let mut bytes = Counted { inner: self.open_blob(hash, None).await?, bytes: 0 };
        let staged = target.blobs().spool().receive(&mut bytes, u64::MAX, 0).await?;
        if staged.hash() != hash {
            return Err(RepoError::Internal(format!("the bytes of blob {hash} do not match its hash in the source store; nothing was copied for it")));
        }
        target.blobs().commit(staged).await?;
        done.bytes_copied += bytes.bytes;
        Ok(())
    }

    /// `path` and every folder below it, parents before children.
    pub(crate) async fn folders_below(&self, path: &DamPath) -> Result<Vec<FolderRecord>, RepoError> {
        let mut out = vec![self.folder(path).await?];
        let mut i = 0;
        while i < out.len() {
            out.extend(self.subfolders(&out[i].path).await?);
            i += 1;
        }
        Ok(out)
    }

    pub async fn publication(&self, path: &PagePath) -> Result<Option<crate::Publication>, RepoError> {
        let p = path.clone();
        self.with_catalog(move |c| c.publication(&p)).await
    }
}
