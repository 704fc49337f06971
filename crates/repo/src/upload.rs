//! Uploading one file into a folder: stream, hash, check, render, commit.

use tessera_model::mime::SNIFF_LEN;
use tessera_model::{sniff, DamPath};
use tokio::io::AsyncRead;

use crate::catalog::{AssetRecord, Processing, RenditionRecord};
use crate::error::RepoError;
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

impl Repo {
    /// Stores `body` as a new asset. On any refusal or failure, including a body that
    /// ends early, nothing is left in the blob store or the catalog.
    pub async fn upload<R: AsyncRead + Unpin>(&self, upload: Upload, body: R) -> Result<AssetRecord, RepoError> {
        self.check_target_is_free(&upload.path).await?;
        let pending = self.blobs().spool().receive(body, self.limits().max_bytes, SNIFF_LEN).await?;
        if pending.size() == 0 {
            return Err(RepoError::EmptyUpload);
        }
        let sniffed = sniff(pending.head());
        if !sniffed.matches_declared(&upload.declared_mime) {
            return Err(match sniffed {
                tessera_model::Sniffed::Unknown => RepoError::UnsupportedType,
                _ => RepoError::TypeMismatch { declared: upload.declared_mime },
            });
        }
        let mime = upload.declared_mime.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();

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
        let asset = {
            let now = unix_now();
            let asset = AssetRecord {
                title: upload.title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| upload.path.name().to_owned()),
                description: String::new(),
                path: upload.path,
                size: pending.size(),
                width: size.map(|s| s.width),
                height: size.map(|s| s.height),
                created_by: upload.user.clone(),
                created_at: now,
                modified_by: upload.user,
                modified_at: now,
                properties: Default::default(),
                tags: Vec::new(),
                renditions: vec![RenditionRecord {
                    name: tessera_model::RenditionName::Original,
                    blob: pending.hash().clone(),
                    mime: mime.clone(),
                    size: pending.size(),
                    width: size.map(|s| s.width),
                    height: size.map(|s| s.height),
                }],
                mime,
                processing: Processing::Pending,
                connected: None,
            };
            asset
        };
        let record = asset.clone();
        self.commit_then(vec![pending], move |c| c.insert_asset(&record)).await?;
        self.job_signal.job_queued();
        Ok(asset)
    }

    async fn check_target_is_free(&self, path: &DamPath) -> Result<(), RepoError> {
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
