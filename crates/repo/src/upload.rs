//! Uploading one file into a folder: stream, hash, check, render, commit.

use tessera_model::mime::SNIFF_LEN;
use tessera_model::{sniff, DamPath};
use tokio::io::AsyncRead;

use crate::blobs::StagedBlob;
use crate::catalog::{AssetRecord, Processing, RenditionRecord, VersionRecord};
use crate::error::RepoError;
use crate::history::{binary_change_allowed, BinaryChange, VersionKind};
use crate::renditions::probe_image;
use crate::{unix_now, Repo};

/// The deployment's configured limits on what an upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub max_bytes: u64,
    pub max_pixels: u64,
    /// Pixels that renders (renditions and edited images) may hold decoded at once.
    pub render_pixels: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits { max_bytes: 100 * 1024 * 1024, max_pixels: 100_000_000, render_pixels: 100_000_000 }
    }
}

/// A request to store one file as a new asset.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The new asset's path; its parent folder must exist.
    pub path: DamPath,
    pub title: Option<String>,
    /// The MIME type the client declared; the bytes must agree with it.
    pub declared_mime: String,
    pub user: String,
}

/// A request to replace an asset's binary, which makes a new version of it.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub path: DamPath,
    /// The MIME type the client declared; the bytes must agree with it.
    pub declared_mime: String,
    /// A short name for the version; may be empty.
    pub label: String,
    /// Why, for the asset's timeline; may be empty.
    pub comment: String,
    pub user: String,
    pub how: Replacement,
}

/// How a new binary arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replacement {
    /// Create Version, or an upload that replaces: refused while someone else holds
    /// the asset checked out.
    Replace,
    /// Check In: only by the lock's holder, of the asset's own type; releases the lock.
    CheckIn,
}

/// Longest version comment, in bytes.
pub const MAX_VERSION_COMMENT_BYTES: usize = 1024;
/// Longest version label, in bytes.
pub const MAX_VERSION_LABEL_BYTES: usize = 64;

/// A file received and checked: staged, not yet stored, with the original it will be.
struct Received {
    staged: StagedBlob,
    original: RenditionRecord,
}

impl Repo {
    /// Stores `body` as a new asset. On any refusal or failure, including a body that
    /// ends early, nothing is left in the blob store or the catalog.
    pub async fn upload<R: AsyncRead + Unpin>(&self, upload: Upload, body: R) -> Result<AssetRecord, RepoError> {
        self.check_target_is_free(&upload.path).await?;
        let Received { staged, original } = self.receive(&upload.declared_mime, body).await?;
        let now = unix_now();
        let asset = AssetRecord {
            title: upload.title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| upload.path.name().to_owned()),
            description: String::new(),
            path: upload.path,
            size: original.size,
            width: original.width,
            height: original.height,
            created_by: upload.user.clone(),
            created_at: now,
            modified_by: upload.user,
            modified_at: now,
            properties: Default::default(),
            tags: Vec::new(),
            mime: original.mime.clone(),
            renditions: vec![original],
            processing: Processing::Pending,
            connected: None,
            checked_out: None,
            live_copy: false,
        };
        let record = asset.clone();
        self.commit_then(vec![staged], move |c| c.insert_asset(&record)).await?;
        self.job_signal.job_queued();
        Ok(asset)
    }

    /// Makes `body` the asset's binary as a new version; the versions before it stay,
    /// with their renditions and metadata, and its renditions are made again. The
    /// same refusals as an upload, and nothing is kept when one applies.
    pub async fn new_version<R: AsyncRead + Unpin>(&self, request: NewVersion, body: R) -> Result<VersionRecord, RepoError> {
        check_version_text(&request.label, &request.comment)?;
        // Refused before the body is read: an unknown asset, a Connected Assets copy,
        // a live copy, someone else's lock.
        let asset = self.asset(&request.path).await?;
        if asset.connected.is_some() {
            return Err(RepoError::ConnectedCopy(request.path));
        }
        self.refuse_live_copy_binary(&request.path).await?;
        let kind = match request.how {
            Replacement::Replace => VersionKind::Replaced,
            Replacement::CheckIn => VersionKind::CheckedIn,
        };
        binary_change_allowed(&request.path, asset.checked_out.as_ref().map(|c| c.by.as_str()), kind, &request.user)?;
        let Received { staged, original } = self.receive(&request.declared_mime, body).await?;
        if request.how == Replacement::CheckIn && original.mime != asset.mime {
            return Err(RepoError::TypeChanged { asset: asset.mime, file: original.mime });
        }
        let change = BinaryChange { version: version_record(original, &request, kind), renditions: Vec::new(), metadata: None };
        let (record, path) = (change.clone(), request.path);
        let (number, unused) = self.commit_then(vec![staged], move |c| c.add_version(&path, &record)).await?;
        self.delete_blobs(unused).await;
        self.job_signal.job_queued();
        Ok(VersionRecord { number, ..change.version })
    }

    /// Streams `body` into the spool and checks it: not empty, of the declared type,
    /// an image small enough to render.
    async fn receive<R: AsyncRead + Unpin>(&self, declared_mime: &str, body: R) -> Result<Received, RepoError> {
        let pending = self.blobs().spool().receive(body, self.limits().max_bytes, SNIFF_LEN).await?;
        if pending.size() == 0 {
            return Err(RepoError::EmptyUpload);
        }
        let sniffed = sniff(pending.head());
        if !sniffed.matches_declared(declared_mime) {
            return Err(match sniffed {
                tessera_model::Sniffed::Unknown => RepoError::UnsupportedType,
                _ => RepoError::TypeMismatch { declared: declared_mime.to_owned() },
            });
        }
        let mime = declared_mime.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();

        // Only the header is read here; decoding is the rendition job's work. An image
        // too large to decode is refused now, while a corrupt one is stored and its job
        // fails with the reason.
        let size = if sniffed.is_raster_image() {
            let header = pending.reader()?;
            let max = self.limits().max_pixels;
            match tokio::task::spawn_blocking(move || probe_image(header, max))
                .await
                .map_err(|e| RepoError::Internal(format!("reading an image header stopped: {e}")))?
            {
                Ok(info) => Some(info),
                Err(e @ RepoError::TooManyPixels { .. }) => return Err(e),
                Err(_) => None,
            }
        } else {
            None
        };
        let original = RenditionRecord {
            name: tessera_model::RenditionName::Original,
            blob: pending.hash().clone(),
            mime,
            size: pending.size(),
            width: size.map(|s| s.width),
            height: size.map(|s| s.height),
        };
        Ok(Received { staged: pending, original })
    }

    pub(crate) async fn check_target_is_free(&self, path: &DamPath) -> Result<(), RepoError> {
        let path = path.clone();
        self.with_catalog(move |c| {
            let parent = path.parent().ok_or_else(|| RepoError::AlreadyExists(path.clone()))?;
            if c.folder(&parent)?.is_none() {
                return Err(RepoError::ParentMissing(parent));
            }
            if c.is_taken(&path)? {
                return Err(RepoError::AlreadyExists(path));
            }
            Ok(())
        })
        .await
    }
}

fn version_record(original: RenditionRecord, request: &NewVersion, kind: VersionKind) -> VersionRecord {
    VersionRecord {
        number: 0,
        original,
        label: request.label.clone(),
        comment: request.comment.clone(),
        created_by: request.user.clone(),
        created_at: unix_now(),
        kind,
        kept: None,
    }
}

/// A version's label and comment within their limits.
pub(crate) fn check_version_text(label: &str, comment: &str) -> Result<(), RepoError> {
    if label.len() > MAX_VERSION_LABEL_BYTES {
        return Err(RepoError::BadMetadata(format!("A version label has at most {MAX_VERSION_LABEL_BYTES} bytes.")));
    }
    if comment.len() > MAX_VERSION_COMMENT_BYTES {
        return Err(RepoError::BadMetadata(format!("A version comment has at most {MAX_VERSION_COMMENT_BYTES} bytes.")));
    }
    Ok(())
}
