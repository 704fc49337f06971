//! Edited images: an edit state applied to an original, rendered once per width and
//! kept as a content-addressed blob.

use tessera_model::edit::EditState;

use crate::blobs::BlobHash;
use crate::error::RepoError;
use crate::renditions::render_edited;
use crate::Repo;

/// Output format of edited images.
const FORMAT: &str = "jpeg";

impl Repo {
    /// Remembers an edit state so image URLs can name it by its key.
    pub async fn remember_edit(&self, edit: &EditState) -> Result<String, RepoError> {
        let key = edit.cache_key();
        let json = serde_json::to_string(edit).map_err(|e| RepoError::Internal(e.to_string()))?;
        let k = key.clone();
        self.with_catalog(move |c| c.remember_edit(&k, &json)).await?;
        Ok(key)
    }

    pub async fn edit_state(&self, key: &str) -> Result<Option<EditState>, RepoError> {
        let k = key.to_owned();
        let json = self.with_catalog(move |c| c.edit_state(&k)).await?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| RepoError::Internal(format!("bad stored edit state: {e}")))).transpose()
    }

    /// The blob of `original` with `edit` applied at `width`, rendering it on the
    /// first request and reusing it afterwards.
    pub async fn edited_image(&self, original: &BlobHash, edit: &EditState, width: u32, quality: u8) -> Result<BlobHash, RepoError> {
        edit.validate().map_err(|e| RepoError::BadMetadata(e.to_string()))?;
        let key = edit.cache_key();
        let (o, k) = (original.clone(), key.clone());
        if let Some(hash) = self.with_catalog(move |c| c.cached_image(&o, &k, width, FORMAT)).await? {
            if self.blobs().contains(&hash) {
                return Ok(hash);
            }
        }
        let repo = self.clone();
        let (original, edit) = (original.clone(), edit.clone());
        tokio::task::spawn_blocking(move || {
            let (bytes, _, _) = render_edited(&repo.blobs().path_of(&original), repo.limits().max_pixels, &edit, width, quality)?;
            let staged = repo.blobs().stage_bytes(&bytes)?;
            let blobs = repo.blobs().clone();
            let mut staged = Some(staged);
            repo.catalog.cache_image(&original, &key, width, FORMAT, &mut || {
                let blob = staged.take().ok_or_else(|| RepoError::Internal("rendered image stored twice".into()))?;
                Ok(blobs.persist(blob)?.hash)
            })
        })
        .await
        .map_err(|e| RepoError::Internal(format!("the image task stopped: {e}")))?
    }
}
