//! The local folder where bytes wait between their arrival and their commit.

use std::collections::HashSet;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::{BlobHash, StoreUse};
use crate::error::RepoError;

/// Spool files that other processes sharing a folder may still be writing are left
/// alone until they are this old: longer than any upload runs.
pub const STAGING_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

type Owned = Arc<Mutex<HashSet<PathBuf>>>;

fn lock(owned: &Owned) -> std::sync::MutexGuard<'_, HashSet<PathBuf>> {
    owned.lock().unwrap_or_else(|p| p.into_inner())
}

#[derive(Debug, Clone)]
pub struct Spool {
    dir: PathBuf,
    /// The spool files this process's uploads and renders are writing now.
    owned: Owned,
}

impl Spool {
    pub fn open(dir: PathBuf) -> Result<Self, RepoError> {
        std::fs::create_dir_all(&dir).map_err(RepoError::io("creating the spool folder"))?;
        Ok(Spool { dir, owned: Arc::default() })
    }

    /// Removes spool files left by a process that stopped mid-write (a `kill -9`, a
    /// power cut): every one this process does not own, or, in a shared folder,
    /// those older than [`STAGING_MAX_AGE`]. Returns how many went.
    pub fn remove_abandoned(&self, store: StoreUse) -> usize {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            if lock(&self.owned).contains(&path) {
                continue;
            }
            let old_enough = match store {
                StoreUse::OwnedByThisDeployment => true,
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

    /// Number of files in the spool; a finished request leaves none.
    pub fn files(&self) -> usize {
        std::fs::read_dir(&self.dir).map(|d| d.count()).unwrap_or(0)
    }

    /// A new spool file, owned by this process until its blob is dropped or committed.
    fn new_file(&self) -> StagedBlob {
        let mut noise = [0u8; 12];
        // A clash is harmless (create_new fails) and getrandom only fails without an OS RNG.
        let _ = getrandom::fill(&mut noise);
        let path = self.dir.join(format!("upload-{}", hex::encode(noise)));
        lock(&self.owned).insert(path.clone());
        StagedBlob { file: Some(SpoolFile { path, owned: Arc::clone(&self.owned) }), hash: None, size: 0, head: Vec::new() }
    }

    /// Streams `body` into a staged blob, hashing as it goes. Refuses the upload as
    /// soon as it passes `limit` bytes, without reading the rest; keeps the first
    /// `head_len` bytes for sniffing.
    ///
    /// The request is read here while one blocking thread hashes and writes what was
    /// read, so the network, the hash and the disk work at once; see [`write_and_hash`].
    pub async fn receive<R: AsyncRead + Unpin>(&self, mut body: R, limit: u64, head_len: usize) -> Result<StagedBlob, RepoError> {
        let mut staged = self.new_file();
        staged.head.reserve(head_len);
        let file =
            tokio::fs::OpenOptions::new().write(true).create_new(true).open(staged.spool_path()).await.map_err(RepoError::io("creating a spool file"))?;
        let file = file.into_std().await;
        let (chunks, received) = tokio::sync::mpsc::channel::<Vec<u8>>(CHUNKS_IN_FLIGHT);
        let writer = tokio::task::spawn_blocking(move || write_and_hash(file, received));
        let read = read_into(&mut body, &mut staged, limit, head_len, &chunks).await;
        drop(chunks);
        // The writer is waited for on every path, so no write lands after the spool
        // file is deleted.
        let written = writer.await.map_err(|e| RepoError::Internal(format!("the upload writer stopped: {e}")))?;
        read?;
        staged.hash = Some(BlobHash::of(&written.map_err(RepoError::io("writing an upload"))?));
        Ok(staged)
    }

    /// Stages a small blob held in memory (a rendition).
    pub fn stage_bytes(&self, bytes: &[u8]) -> Result<StagedBlob, RepoError> {
        let mut staged = self.new_file();
        staged.size = bytes.len() as u64;
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(staged.spool_path()).map_err(RepoError::io("creating a spool file"))?;
        file.write_all(bytes).map_err(RepoError::io("writing a rendition"))?;
        file.sync_all().map_err(RepoError::io("syncing a rendition"))?;
        staged.hash = Some(BlobHash::of(&Sha256::digest(bytes)));
        Ok(staged)
    }

    /// An empty spool file for a download from the store; `hash` names what it will hold.
    pub(crate) fn for_download(&self, hash: &BlobHash) -> StagedBlob {
        let mut staged = self.new_file();
        staged.hash = Some(hash.clone());
        staged
    }
}

/// How much one read of an upload gathers before it goes to the writer.
const CHUNK: usize = 1024 * 1024;
/// Chunks read but not yet written: what an upload holds in memory at most, besides
/// the one being read and the one being written.
const CHUNKS_IN_FLIGHT: usize = 4;
/// How much is written between two waits for the disk: the most page cache an
/// upload holds.
const SYNC_EVERY: u64 = 16 * 1024 * 1024;

/// Reads `body` in [`CHUNK`]s onto `chunks`, counting and keeping the head in `staged`.
/// Stops at the end of the body, past `limit`, or when the writer has stopped (its
/// error is the one to report).
async fn read_into<R: AsyncRead + Unpin>(
    body: &mut R,
    staged: &mut StagedBlob,
    limit: u64,
    head_len: usize,
    chunks: &tokio::sync::mpsc::Sender<Vec<u8>>,
) -> Result<(), RepoError> {
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK {
            if body.read_buf(&mut chunk).await.map_err(RepoError::UploadInterrupted)? == 0 {
                break;
            }
        }
        if chunk.is_empty() {
            return Ok(());
        }
        staged.size += chunk.len() as u64;
        if staged.size > limit {
            return Err(RepoError::TooLarge { limit });
        }
        let want = head_len.saturating_sub(staged.head.len()).min(chunk.len());
        staged.head.extend_from_slice(&chunk[..want]);
        if chunks.send(chunk).await.is_err() {
            return Ok(());
        }
    }
}

/// Hashes and writes each chunk to `file`, then syncs it; returns the SHA-256.
/// Every [`SYNC_EVERY`] bytes it waits for the disk, which keeps the disk writing
/// while the request is still arriving (the final sync then has little left), and
/// hands the written pages back to the kernel: an upload never piles up a gigabyte
/// of page cache, and its writes reuse the same few pages instead of taking fresh
/// memory for every one (on a virtual machine, memory touched for the first time is
/// what made uploads slow).
fn write_and_hash(mut file: std::fs::File, mut chunks: tokio::sync::mpsc::Receiver<Vec<u8>>) -> std::io::Result<[u8; 32]> {
    let mut hasher = Sha256::new();
    let mut unsynced = 0u64;
    while let Some(chunk) = chunks.blocking_recv() {
        hasher.update(&chunk);
        file.write_all(&chunk)?;
        unsynced += chunk.len() as u64;
        if unsynced >= SYNC_EVERY {
            file.sync_data()?;
            forget_cached_pages(&file);
            unsynced = 0;
        }
    }
    file.sync_all()?;
    Ok(hasher.finalize().into())
}

/// Drops `file`'s pages from the page cache; they are on disk already. Advice only:
/// where it is not taken, the pages stay cached as they would anyway.
#[cfg(target_os = "linux")]
fn forget_cached_pages(file: &std::fs::File) {
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed);
}

#[cfg(not(target_os = "linux"))]
fn forget_cached_pages(_file: &std::fs::File) {}

/// A spool file owned by this process: deleted, and taken off the owned list, when dropped.
#[derive(Debug)]
struct SpoolFile {
    path: PathBuf,
    owned: Owned,
}

impl Drop for SpoolFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        lock(&self.owned).remove(&self.path);
    }
}

/// Complete bytes in the spool, not yet at their content address.
#[derive(Debug)]
pub struct StagedBlob {
    file: Option<SpoolFile>,
    hash: Option<BlobHash>,
    size: u64,
    head: Vec<u8>,
}

impl StagedBlob {
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

    /// The staged bytes from their start, for reading a header.
    pub fn reader(&self) -> Result<std::fs::File, RepoError> {
        std::fs::File::open(self.spool_path()).map_err(RepoError::io("reading a spool file"))
    }

    pub(crate) fn spool_path(&self) -> &Path {
        &self.file.as_ref().expect("a staged blob owns its spool file until committed").path
    }

    /// Moves the spool file to `target` (same file system): the disk store's commit.
    /// On failure the spool file is deleted as the blob drops.
    pub(crate) fn rename_to(mut self, target: &Path) -> std::io::Result<()> {
        std::fs::rename(self.spool_path(), target)?;
        if let Some(file) = self.file.take() {
            lock(&file.owned).remove(&file.path);
            std::mem::forget(file);
        }
        Ok(())
    }

    pub(crate) fn set_size(&mut self, size: u64) {
        self.size = size;
    }

    /// A local file of the downloaded bytes, deleted when it is dropped.
    pub(crate) fn into_local(self) -> Result<LocalBlob, RepoError> {
        let file = self.reader()?;
        Ok(LocalBlob { file, _spooled: Some(self) })
    }
}

/// A blob as an open local file, for decoders that read and seek.
#[derive(Debug)]
pub struct LocalBlob {
    file: std::fs::File,
    /// A copy downloaded into the spool, removed with this value.
    _spooled: Option<StagedBlob>,
}

impl LocalBlob {
    pub(crate) fn stored(file: std::fs::File) -> Self {
        LocalBlob { file, _spooled: None }
    }

    /// A handle that reads from the first byte.
    pub fn reader(&self) -> Result<std::fs::File, RepoError> {
        let mut file = self.file.try_clone().map_err(RepoError::io("reading a blob"))?;
        file.rewind().map_err(RepoError::io("reading a blob"))?;
        Ok(file)
    }
}
