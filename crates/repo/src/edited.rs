//! Edited images: an edit state applied to an original, rendered once per width and
//! kept as a content-addressed blob.

use tessera_model::edit::EditState;
use tessera_model::RenditionName;

use crate::blobs::BlobHash;
use crate::error::RepoError;
use crate::renditions::{render_edited, OutputFormat};
use crate::Repo;

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

    /// The blob of `original` with `edit` applied at `width` in `format`, rendering it
    /// on the first request and reusing it afterwards.
    pub async fn edited_image(&self, original: &BlobHash, edit: &EditState, width: u32, format: OutputFormat, quality: u8) -> Result<BlobHash, RepoError> {
        edit.validate().map_err(|e| RepoError::BadMetadata(e.to_string()))?;
        let key = edit.cache_key();
        let (o, k) = (original.clone(), key.clone());
        if let Some(hash) = self.with_catalog(move |c| c.cached_image(&o, &k, width, format.as_str())).await? {
            if self.blobs().contains(&hash).await? {
                return Ok(hash);
            }
        }
        let o = original.clone();
        let renditions = self.with_catalog(move |c| c.sources_of(&o)).await?;
        let source = smallest_source(&renditions, original, edit, width);
        // The catalog knows the source's size, unless the asset is gone and only a
        // published page still shows its original.
        let known = renditions.iter().find(|r| r.blob == source).and_then(|r| Some(u64::from(r.width?) * u64::from(r.height?)));
        let image = self.blobs().local_file(&source).await?;
        let reserved = self.reserve_render(&image, known).await;
        let repo = self.clone();
        let edit = edit.clone();
        let staged = tokio::task::spawn_blocking(move || {
            let _reserved = reserved;
            let (bytes, _, _) = render_edited(image.reader()?, repo.limits().max_pixels, &edit, width, format, quality)?;
            repo.blobs().spool().stage_bytes(&bytes)
        })
        .await
        .map_err(|e| RepoError::Internal(format!("the image task stopped: {e}")))??;
        let (original, hash) = (original.clone(), staged.hash().clone());
        self.commit_then(vec![staged], move |c| c.cache_image(&original, &key, width, format.as_str(), &hash).map(|()| hash)).await
    }
}

/// The smallest rendition whose crop still has at least as many pixels across as the
/// output will (`width`, or the original crop's own width when that is smaller), so
/// a small image is not made from a 24-megapixel original. The original otherwise.
fn smallest_source(renditions: &[crate::catalog::RenditionRecord], original: &BlobHash, edit: &EditState, width: u32) -> BlobHash {
    let full = renditions.iter().find(|r| r.name == RenditionName::Original);
    let Some((ow, oh)) = full.and_then(|r| r.width.zip(r.height)) else {
        return original.clone();
    };
    let needed = width.min(edit.crop_pixels(ow, oh).2);
    renditions
        .iter()
        .filter(|r| r.name != RenditionName::Original)
        .filter_map(|r| Some((r, r.width?, r.height?)))
        // A rendition must keep the original's shape, so fractions mean the same.
        .filter(|(_, w, h)| (f64::from(*w) / f64::from(*h) - f64::from(ow) / f64::from(oh)).abs() < 0.01)
        .filter(|(_, w, h)| edit.crop_pixels(*w, *h).2 >= needed)
        .min_by_key(|(_, w, h)| u64::from(*w) * u64::from(*h))
        .map_or_else(|| original.clone(), |(r, _, _)| r.blob.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::RenditionRecord;

    fn rendition(name: RenditionName, w: u32, h: u32, mime: &str) -> RenditionRecord {
        let hash = BlobHash::parse(&format!("{:0>64}", format!("{:x}", w))).unwrap();
        RenditionRecord { name, blob: hash, mime: mime.into(), size: 1, width: Some(w), height: Some(h) }
    }

    #[test]
    fn small_outputs_come_from_the_smallest_rendition_that_is_large_enough() {
        let original = rendition(RenditionName::Original, 6000, 4000, "image/jpeg");
        let all =
            vec![original.clone(), rendition(RenditionName::Web1280, 1280, 853, "image/jpeg"), rendition(RenditionName::Thumbnail319, 319, 213, "image/png")];
        let whole = EditState::default();
        assert_eq!(smallest_source(&all, &original.blob, &whole, 320), all[1].blob, "the 319 thumbnail is one pixel short");
        assert_eq!(smallest_source(&all, &original.blob, &whole, 1280), all[1].blob);
        assert_eq!(smallest_source(&all, &original.blob, &whole, 1920), original.blob);
        let half = EditState { crop: Some(tessera_model::edit::Rect { x: 0.0, y: 0.0, w: 0.5, h: 1.0 }), ..Default::default() };
        assert_eq!(smallest_source(&all, &original.blob, &half, 1280), original.blob, "half of 1280 is too few pixels");
        assert_eq!(smallest_source(&all, &original.blob, &half, 640), all[1].blob);
    }
}
