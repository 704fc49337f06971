//! Content-addressed blobs behind one trait, [`BlobStore`], that hands out streams
//! and open files but never a path: the local disk ([`DiskStore`]) and an
//! S3-compatible object store ([`S3Store`]) are interchangeable.
//!
//! A blob is named by the SHA-256 of its bytes, so identical content is stored once.
//! Incoming bytes are first written to the store's [`Spool`] on the local disk,
//! hashed as they stream, and fsynced; [`BlobStore::commit`] then makes them
//! readable at their content address, whole or not at all. A [`StagedBlob`] dropped
//! before its commit deletes its spool file.

mod disk;
mod in_flight;
mod s3;
mod spool;

use std::fmt;
use std::ops::Range;
use std::pin::Pin;

use tokio::io::AsyncRead;

use crate::error::RepoError;

pub use disk::DiskStore;
pub(crate) use in_flight::InFlight;
pub use s3::{S3Settings, S3Store};
pub use spool::{LocalBlob, Spool, StagedBlob, STAGING_MAX_AGE};

/// The SHA-256 of a blob's bytes, as 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobHash(String);

impl BlobHash {
    /// Accepts only 64 lowercase hex digits, so a hash can never name another path.
    pub fn parse(hex: &str) -> Option<Self> {
        let ok = hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| BlobHash(hex.to_owned()))
    }

    pub(crate) fn of(digest: &[u8]) -> Self {
        BlobHash(hex::encode(digest))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `ab/cd/abcd…`: the address below the store's root, the same on disk and in a
    /// bucket, so a deployment can move between them unchanged.
    pub(crate) fn fan_out(&self) -> String {
        let h = self.as_str();
        format!("sha256/{}/{}/{h}", &h[..2], &h[2..4])
    }
}

impl fmt::Display for BlobHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether other deployments write into the same store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreUse {
    /// Only this deployment: a blob its catalog stops using can be deleted, and
    /// every spool file it does not own is left over.
    OwnedByThisDeployment,
    /// Other deployments too (the "datastore shared with Connected Assets"): a blob
    /// this catalog stops using may still be theirs, so none is ever deleted.
    Shared,
}

/// Bytes of a blob, read as they arrive from the store.
pub type BlobReader = Pin<Box<dyn AsyncRead + Send>>;

/// A blob at its content address, and whether this commit put it there.
#[derive(Debug)]
pub struct Persisted {
    pub hash: BlobHash,
    /// The store did not hold these bytes before: what a failed write must undo.
    pub newly_stored: bool,
}

/// Where blobs live. Every method is safe to call from several processes at once:
/// content addressing makes two commits of the same bytes agree.
#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + fmt::Debug {
    /// The local folder where incoming bytes wait for their commit.
    fn spool(&self) -> &Spool;

    /// Makes a staged blob readable at its content address; a reader sees either
    /// nothing or the whole blob, never part of it.
    async fn commit(&self, staged: StagedBlob) -> Result<Persisted, RepoError>;

    /// The blob's bytes, or those in `range` (which must lie within the blob).
    /// [`RepoError::BlobMissing`] when the store does not hold it.
    async fn open(&self, hash: &BlobHash, range: Option<Range<u64>>) -> Result<BlobReader, RepoError>;

    async fn contains(&self, hash: &BlobHash) -> Result<bool, RepoError>;

    /// Deletes a blob; one that is already gone is not an error.
    async fn delete(&self, hash: &BlobHash) -> Result<(), RepoError>;

    /// The blob as an open, seekable local file, for decoders: the stored file itself
    /// on disk, a spooled download otherwise (deleted when the [`LocalBlob`] goes).
    async fn local_file(&self, hash: &BlobHash) -> Result<LocalBlob, RepoError>;

    /// Checks that the store answers, for a clear message at start.
    async fn check(&self) -> Result<(), RepoError>;

    /// How many blobs the store holds (walks the whole store: for tests and tools).
    async fn count(&self) -> Result<usize, RepoError>;

    /// Where the store is, for the start-up log: no credentials.
    fn describe(&self) -> String;
}

/// Reads `range` of a seekable source as a [`BlobReader`].
pub(crate) async fn read_range<F>(mut file: F, range: Option<Range<u64>>) -> Result<BlobReader, RepoError>
where
    F: tokio::io::AsyncRead + tokio::io::AsyncSeek + Unpin + Send + 'static,
{
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    Ok(match range {
        None => Box::pin(file),
        Some(r) => {
            if r.start > 0 {
                file.seek(std::io::SeekFrom::Start(r.start)).await.map_err(RepoError::io("seeking in a blob"))?;
            }
            Box::pin(file.take(r.end.saturating_sub(r.start)))
        }
    })
}
