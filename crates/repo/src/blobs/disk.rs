//! Blobs on the local disk: `sha256/ab/cd/<hash>` below the store's folder, with the
//! spool in `tmp/` beside it so a commit is a rename within one file system.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{read_range, BlobHash, BlobReader, BlobStore, LocalBlob, Persisted, Spool, StagedBlob};
use crate::error::RepoError;

#[derive(Debug, Clone)]
pub struct DiskStore {
    root: PathBuf,
    spool: Spool,
}

impl DiskStore {
    pub fn open(root: PathBuf) -> Result<Self, RepoError> {
        std::fs::create_dir_all(root.join("sha256")).map_err(RepoError::io("creating the blob store"))?;
        let spool = Spool::open(root.join("tmp"))?;
        Ok(DiskStore { root, spool })
    }

    fn file_of(&self, hash: &BlobHash) -> PathBuf {
        self.root.join(hash.fan_out())
    }

    fn commit_now(&self, staged: StagedBlob) -> Result<Persisted, RepoError> {
        let hash = staged.hash().clone();
        let target = self.file_of(&hash);
        if target.is_file() {
            return Ok(Persisted { hash, newly_stored: false });
        }
        let dir = target.parent().expect("blob paths have a parent");
        std::fs::create_dir_all(dir).map_err(RepoError::io("creating a blob folder"))?;
        staged.rename_to(&target).map_err(RepoError::io("storing a blob"))?;
        // The rename is only durable once the directory entry is.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(Persisted { hash, newly_stored: true })
    }

    fn missing_or<'a>(hash: &'a BlobHash, context: &'static str) -> impl FnOnce(std::io::Error) -> RepoError + 'a {
        move |e| match e.kind() {
            std::io::ErrorKind::NotFound => RepoError::BlobMissing(hash.clone()),
            _ => RepoError::Io { context, source: e },
        }
    }
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|entries| entries.flatten().map(|e| if e.path().is_dir() { count_files(&e.path()) } else { 1 }).sum()).unwrap_or(0)
}

#[async_trait::async_trait]
impl BlobStore for DiskStore {
    fn spool(&self) -> &Spool {
        &self.spool
    }

    async fn commit(&self, staged: StagedBlob) -> Result<Persisted, RepoError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.commit_now(staged)).await.map_err(|e| RepoError::Internal(format!("storing a blob stopped: {e}")))?
    }

    async fn open(&self, hash: &BlobHash, range: Option<Range<u64>>) -> Result<BlobReader, RepoError> {
        let file = tokio::fs::File::open(self.file_of(hash)).await.map_err(Self::missing_or(hash, "opening a blob"))?;
        read_range(file, range).await
    }

    async fn contains(&self, hash: &BlobHash) -> Result<bool, RepoError> {
        Ok(tokio::fs::try_exists(self.file_of(hash)).await.unwrap_or(false))
    }

    async fn delete(&self, hash: &BlobHash) -> Result<(), RepoError> {
        match tokio::fs::remove_file(self.file_of(hash)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(RepoError::io("deleting a blob")(e)),
            _ => Ok(()),
        }
    }

    async fn local_file(&self, hash: &BlobHash) -> Result<LocalBlob, RepoError> {
        let file = std::fs::File::open(self.file_of(hash)).map_err(Self::missing_or(hash, "opening a blob"))?;
        Ok(LocalBlob::stored(file))
    }

    async fn check(&self) -> Result<(), RepoError> {
        let probe = self.spool.stage_bytes(b"")?;
        drop(probe);
        Ok(())
    }

    async fn count(&self) -> Result<usize, RepoError> {
        let root = self.root.join("sha256");
        tokio::task::spawn_blocking(move || count_files(&root)).await.map_err(|e| RepoError::Internal(e.to_string()))
    }

    fn describe(&self) -> String {
        format!("the folder {}", self.root.display())
    }
}
