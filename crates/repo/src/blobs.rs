//! Content-addressed blob store on the local disk.
//!
//! A blob is named by the SHA-256 of its bytes, so identical content is stored once.
//! Writes go to `tmp/`, are fsynced, and are renamed into `sha256/ab/cd/<hash>`; a
//! [`PendingBlob`] that is dropped before [`PendingBlob::persist`] deletes its file.

use std::collections::HashSet;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::error::RepoError;

/// The SHA-256 of a blob's bytes, as 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlobHash(String);

impl BlobHash {
    /// Accepts only 64 lowercase hex digits, so a hash can never name another path.
    pub fn parse(hex: &str) -> Option<Self> {
        let ok = hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| BlobHash(hex.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BlobHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Staging files that other processes sharing a store may still be writing are
/// left alone until they are this old: longer than any upload runs.
pub const STAGING_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Whether other processes write into the same store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreUse {
    /// Only this process: every staging file it does not own is left over.
    OwnedByThisProcess,
    /// Other deployments' processes too: theirs are left alone while they may run.
    Shared,
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
    /// The staging files this process's uploads and renders are writing now.
    staging: Arc<Mutex<HashSet<PathBuf>>>,
}

impl BlobStore {
    pub fn open(root: PathBuf) -> Result<Self, RepoError> {
        std::fs::create_dir_all(root.join("tmp")).map_err(RepoError::io("creating the blob store"))?;
        std::fs::create_dir_all(root.join("sha256")).map_err(RepoError::io("creating the blob store"))?;
        Ok(BlobStore { root, staging: Arc::default() })
    }

    /// Removes staging files left by a process that stopped mid-write (a `kill -9`, a
    /// power cut): every one this process does not own, or, in a shared store, those
    /// older than [`STAGING_MAX_AGE`]. Returns how many went.
    pub fn remove_abandoned_staging(&self, store: StoreUse) -> usize {
        let Ok(entries) = std::fs::read_dir(self.root.join("tmp")) else {
            return 0;
        };
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            if self.staging.lock().unwrap_or_else(|p| p.into_inner()).contains(&path) {
                continue;
            }
            let old_enough = match store {
                StoreUse::OwnedByThisProcess => true,
                StoreUse::Shared => {
                    entry.metadata().and_then(|m| m.modified()).is_ok_and(|modified| now.duration_since(modified).unwrap_or_default() >= STAGING_MAX_AGE)
                }
            };
            if old_enough && std::fs::remove_file(&path).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    /// A new staging file's path, owned by this process until the blob is dropped
    /// or persisted.
    fn new_staging_path(&self) -> PathBuf {
        let path = self.temp_path();
        self.staging.lock().unwrap_or_else(|p| p.into_inner()).insert(path.clone());
        path
    }

    fn pending(&self, path: PathBuf) -> PendingBlob {
        PendingBlob { path: Some(path), hash: None, size: 0, head: Vec::new(), staging: Arc::clone(&self.staging) }
    }

    pub fn path_of(&self, hash: &BlobHash) -> PathBuf {
        let h = hash.as_str();
        self.root.join("sha256").join(&h[..2]).join(&h[2..4]).join(h)
    }

    pub fn contains(&self, hash: &BlobHash) -> bool {
        self.path_of(hash).is_file()
    }

    fn temp_path(&self) -> PathBuf {
        let mut noise = [0u8; 12];
        // A clash is harmless (create_new fails) and getrandom only fails without an OS RNG.
        let _ = getrandom::fill(&mut noise);
        self.root.join("tmp").join(format!("upload-{}", hex::encode(noise)))
    }

    /// Streams `body` into a temporary blob, hashing as it goes. Refuses the upload
    /// as soon as it passes `limit` bytes, without reading the rest.
    pub async fn receive<R: AsyncRead + Unpin>(&self, mut body: R, limit: u64, head_len: usize) -> Result<PendingBlob, RepoError> {
        let path = self.new_staging_path();
        let mut pending = self.pending(path.clone());
        pending.head.reserve(head_len);
        let file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await.map_err(RepoError::io("creating a temporary file"))?;
        let mut file = tokio::io::BufWriter::with_capacity(256 * 1024, file);
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = body.read(&mut buf).await.map_err(RepoError::UploadInterrupted)?;
            if n == 0 {
                break;
            }
            pending.size += n as u64;
            if pending.size > limit {
                return Err(RepoError::TooLarge { limit });
            }
            let chunk = &buf[..n];
            let want = head_len.saturating_sub(pending.head.len()).min(n);
            pending.head.extend_from_slice(&chunk[..want]);
            hasher.update(chunk);
            file.write_all(chunk).await.map_err(RepoError::io("writing an upload"))?;
        }
        file.flush().await.map_err(RepoError::io("writing an upload"))?;
        file.into_inner().sync_all().await.map_err(RepoError::io("syncing an upload"))?;
        pending.hash = Some(BlobHash(hex::encode(hasher.finalize())));
        Ok(pending)
    }

    /// Writes a small blob held in memory (a rendition) to a temporary file.
    pub fn stage_bytes(&self, bytes: &[u8]) -> Result<PendingBlob, RepoError> {
        let path = self.new_staging_path();
        let mut pending = self.pending(path.clone());
        pending.size = bytes.len() as u64;
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(RepoError::io("creating a temporary file"))?;
        file.write_all(bytes).map_err(RepoError::io("writing a rendition"))?;
        file.sync_all().map_err(RepoError::io("syncing a rendition"))?;
        pending.hash = Some(BlobHash(hex::encode(Sha256::digest(bytes))));
        Ok(pending)
    }

    /// Moves a complete blob to its content address. Returns whether the store did
    /// not hold these bytes before, which is what a failed commit must undo.
    pub fn persist(&self, mut pending: PendingBlob) -> Result<Persisted, RepoError> {
        let hash = pending.hash().clone();
        let target = self.path_of(&hash);
        let temp = pending.path.take().expect("a pending blob owns its file until persisted");
        let _owned = StagingRelease { path: temp.clone(), staging: Arc::clone(&pending.staging) };
        if target.is_file() {
            let _ = std::fs::remove_file(&temp);
            return Ok(Persisted { hash, newly_stored: false });
        }
        let dir = target.parent().expect("blob paths have a parent");
        std::fs::create_dir_all(dir).map_err(RepoError::io("creating a blob folder"))?;
        if let Err(e) = std::fs::rename(&temp, &target) {
            let _ = std::fs::remove_file(&temp);
            return Err(RepoError::io("storing a blob")(e));
        }
        // The rename is only durable once the directory entry is.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(Persisted { hash, newly_stored: true })
    }

    /// Removes a blob that a failed commit stored, so nothing is left behind.
    pub fn forget(&self, persisted: &Persisted) {
        if persisted.newly_stored {
            let _ = std::fs::remove_file(self.path_of(&persisted.hash));
        }
    }

    /// Runs a catalog write that refers to `staged`. The write calls the closure it is
    /// given inside its transaction, before committing, to move the blobs to their
    /// content addresses; if the write fails, the blobs it stored are removed again.
    pub fn publish_within(
        &self,
        staged: Vec<PendingBlob>,
        write: impl FnOnce(&mut dyn FnMut() -> Result<(), RepoError>) -> Result<(), RepoError>,
    ) -> Result<(), RepoError> {
        let mut staged = staged.into_iter();
        let mut persisted: Vec<Persisted> = Vec::new();
        let result = write(&mut || {
            for blob in staged.by_ref() {
                persisted.push(self.persist(blob)?);
            }
            Ok(())
        });
        if result.is_err() {
            persisted.iter().for_each(|p| self.forget(p));
        }
        result
    }

    /// Number of files in the temporary area; a finished request leaves none.
    pub fn temp_files(&self) -> usize {
        std::fs::read_dir(self.root.join("tmp")).map(|d| d.count()).unwrap_or(0)
    }

    /// Number of stored blobs.
    pub fn stored_blobs(&self) -> usize {
        fn count(dir: &Path) -> usize {
            std::fs::read_dir(dir).map(|entries| entries.flatten().map(|e| if e.path().is_dir() { count(&e.path()) } else { 1 }).sum()).unwrap_or(0)
        }
        count(&self.root.join("sha256"))
    }
}

/// A complete blob in the temporary area, not yet at its content address.
pub struct PendingBlob {
    path: Option<PathBuf>,
    hash: Option<BlobHash>,
    size: u64,
    head: Vec<u8>,
    staging: Arc<Mutex<HashSet<PathBuf>>>,
}

/// Takes a staging path off this process's list when dropped, after its file has
/// been renamed or removed.
struct StagingRelease {
    path: PathBuf,
    staging: Arc<Mutex<HashSet<PathBuf>>>,
}

impl Drop for StagingRelease {
    fn drop(&mut self) {
        self.staging.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.path);
    }
}

impl PendingBlob {
    pub fn hash(&self) -> &BlobHash {
        self.hash.as_ref().expect("hash is set once the blob is complete")
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The first bytes, kept for sniffing the type.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    pub fn file(&self) -> &Path {
        self.path.as_deref().expect("a pending blob owns its file until persisted")
    }
}

impl Drop for PendingBlob {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(&path);
            drop(StagingRelease { path, staging: Arc::clone(&self.staging) });
        }
    }
}

/// A blob at its content address.
#[derive(Debug)]
pub struct Persisted {
    pub hash: BlobHash,
    newly_stored: bool,
}
