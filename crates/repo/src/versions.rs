//! An asset's versions, check-out and timeline, as the repository offers them.

use tessera_model::{DamPath, RenditionName};

use crate::catalog::{RenditionRecord, VersionRecord};
use crate::error::RepoError;
use crate::history::{AssetEvent, BinaryChange, CheckOut, Release, VersionKind};
use crate::upload::check_version_text;
use crate::{unix_now, Repo};

/// A request to bring an earlier version back.
#[derive(Debug, Clone)]
pub struct Restore {
    pub path: DamPath,
    pub number: u32,
    pub comment: String,
    pub user: String,
}

impl Repo {
    pub async fn versions(&self, path: &DamPath) -> Result<Vec<VersionRecord>, RepoError> {
        let path = path.clone();
        self.with_catalog(move |c| c.versions(&path)).await
    }

    /// One version of an asset.
    pub async fn version(&self, path: &DamPath, number: u32) -> Result<VersionRecord, RepoError> {
        let versions = self.versions(path).await?;
        versions.into_iter().find(|v| v.number == number).ok_or(RepoError::NoSuchVersion(number))
    }

    /// One rendition of one version: its original, a rendition it kept, or, for the
    /// newest version, the asset's own.
    pub async fn version_rendition(&self, path: &DamPath, number: u32, name: RenditionName) -> Result<RenditionRecord, RepoError> {
        let versions = self.versions(path).await?;
        let newest = versions.last().map(|v| v.number);
        let version = versions.into_iter().find(|v| v.number == number).ok_or(RepoError::NoSuchVersion(number))?;
        if name == RenditionName::Original {
            return Ok(version.original);
        }
        if Some(number) == newest {
            return self.rendition(path, name).await;
        }
        version.kept.and_then(|k| k.renditions.into_iter().find(|r| r.name == name)).ok_or_else(|| RepoError::NoSuchRendition(name.to_string()))
    }

    /// Makes an earlier version the asset's binary again, as a new version: with the
    /// renditions and metadata it kept (a job makes renditions it did not keep).
    /// Nothing is lost: the version it replaces keeps what it had.
    pub async fn restore_version(&self, request: Restore) -> Result<VersionRecord, RepoError> {
        check_version_text("", &request.comment)?;
        self.refuse_live_copy_binary(&request.path).await?;
        let versions = self.versions(&request.path).await?;
        let newest = versions.last().map_or(0, |v| v.number);
        let source = versions.into_iter().find(|v| v.number == request.number).ok_or(RepoError::NoSuchVersion(request.number))?;
        if source.number == newest {
            return Err(RepoError::BadQuery(format!("Version {newest} is the asset's current version already.")));
        }
        let kept = source.kept.clone();
        let version = VersionRecord {
            number: 0,
            original: source.original,
            label: source.label,
            comment: request.comment,
            created_by: request.user,
            created_at: unix_now(),
            kind: VersionKind::Restored { from: source.number },
            kept: None,
        };
        let change = BinaryChange {
            version: version.clone(),
            renditions: kept.as_ref().map(|k| k.renditions.clone()).unwrap_or_default(),
            metadata: kept.map(|k| k.metadata),
        };
        let path = request.path;
        let (number, unused) = self.with_catalog(move |c| c.add_version(&path, &change)).await?;
        self.delete_blobs(unused).await;
        self.job_signal.job_queued();
        Ok(VersionRecord { number, ..version })
    }

    pub async fn check_out(&self, path: &DamPath, by: &str) -> Result<CheckOut, RepoError> {
        self.refuse_live_copy_binary(path).await?;
        let (path, by) = (path.clone(), by.to_owned());
        self.with_catalog(move |c| c.check_out(&path, &by, unix_now())).await
    }

    /// Gives up a check-out: the holder's own, or anyone's by an administrator.
    pub async fn release_check_out(&self, path: &DamPath, release: Release) -> Result<(), RepoError> {
        let path = path.clone();
        self.with_catalog(move |c| c.release_check_out(&path, &release, unix_now())).await
    }

    /// An asset's versions, and its timeline oldest first (see [`crate::history::timeline`]).
    pub async fn timeline(&self, path: &DamPath) -> Result<(Vec<VersionRecord>, Vec<AssetEvent>), RepoError> {
        let path = path.clone();
        let (versions, events) = self.with_catalog(move |c| Ok((c.versions(&path)?, c.events(&path)?))).await?;
        let timeline = crate::history::timeline(&versions, events);
        Ok((versions, timeline))
    }
}
