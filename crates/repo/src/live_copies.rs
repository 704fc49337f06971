//! Live relationships (MSM for Assets): which asset or folder is a live copy of which
//! source, and the state of that tie. The rules of what a rollout changes are in
//! `tessera_model::msm`; catalogs keep the ties by the identity of both ends, so
//! moving either keeps the relationship, deleting a live copy removes it, and deleting
//! a source leaves its live copies standing with their source missing.

use tessera_model::msm::{self, FieldUpdate, Inherited, InheritedField, LiveRelationship, RolloutStamp};
use tessera_model::DamPath;

use crate::error::RepoError;
use crate::BlobHash;

/// A relationship as a catalog holds it. `relationship.source` is the source's path
/// now (after any move), or the last one known when it was deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRelationship {
    pub relationship: LiveRelationship,
    pub source_missing: bool,
}

pub trait LiveCopyCatalog {
    /// Makes the asset or folder at `copy` a live copy tied by `relationship` to its
    /// source, replacing any tie it had. Both ends must exist and be of one kind (an
    /// asset follows an asset, a folder a folder), and an asset or folder is never its
    /// own source.
    fn set_live_relationship(&self, copy: &DamPath, relationship: &LiveRelationship) -> Result<(), RepoError>;
    fn live_relationship(&self, copy: &DamPath) -> Result<Option<StoredRelationship>, RepoError>;
    /// The direct live copies of `source`, by path.
    fn live_copies_of(&self, source: &DamPath) -> Result<Vec<(DamPath, StoredRelationship)>, RepoError>;
    /// The tie as a copy between deployments brings it: as [`Self::set_live_relationship`],
    /// except that a tie whose source is missing keeps only the source's last path.
    fn import_live_relationship(&self, copy: &DamPath, stored: &StoredRelationship) -> Result<(), RepoError>;
    /// Detach: the tie goes for good. Whether there was one.
    fn remove_live_relationship(&self, copy: &DamPath) -> Result<bool, RepoError>;
    /// Detach of a live copy folder's contents: the ties of every asset and folder
    /// below `folder` go, in one transaction. How many went.
    fn remove_live_relationships_below(&self, folder: &DamPath) -> Result<usize, RepoError>;
    /// The ties of the assets and folders directly in `folder`, by path.
    fn live_copies_in(&self, folder: &DamPath) -> Result<Vec<(DamPath, StoredRelationship)>, RepoError>;
    /// Makes each live copy with its tie, all in one transaction, in order (a folder
    /// before what goes in it; assets as `Catalog::import_assets` writes them). One
    /// whose path is taken is left as it stands: a walk cut short made it before.
    /// Returns how many it made.
    fn create_live_copies(&self, copies: &[NewLiveCopy]) -> Result<usize, RepoError>;
}

/// A live copy to make in a folder that exists, tied to `relationship.source`.
#[derive(Debug, Clone)]
pub struct NewLiveCopy {
    pub node: NewNode,
    pub relationship: LiveRelationship,
}

#[derive(Debug, Clone)]
pub enum NewNode {
    Folder(crate::FolderRecord),
    Asset(Box<crate::AssetRecord>),
}

impl NewLiveCopy {
    pub fn path(&self) -> &DamPath {
        match &self.node {
            NewNode::Folder(f) => &f.path,
            NewNode::Asset(a) => &a.path,
        }
    }
}

/// One end of a tie as a catalog names it: an asset or a folder, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieEnd {
    Asset(i64),
    Folder(i64),
}

impl TieEnd {
    /// `(asset id, folder id)`, one of them set.
    pub fn ids(self) -> (Option<i64>, Option<i64>) {
        match self {
            TieEnd::Asset(id) => (Some(id), None),
            TieEnd::Folder(id) => (None, Some(id)),
        }
    }
}

/// Refuses a tie between ends of different kinds (an asset follows an asset, a
/// folder a folder) or an end tied to itself.
pub fn check_tie(copy_end: TieEnd, source_end: TieEnd, copy: &DamPath, source: &DamPath) -> Result<(), RepoError> {
    let same_kind = matches!((copy_end, source_end), (TieEnd::Asset(_), TieEnd::Asset(_)) | (TieEnd::Folder(_), TieEnd::Folder(_)));
    match (same_kind, copy_end == source_end) {
        (true, false) => Ok(()),
        (_, true) => Err(RepoError::BadQuery(format!("{copy} cannot be a live copy of itself."))),
        (false, false) => Err(RepoError::BadQuery(format!("{copy} and {source} are not both assets or both folders."))),
    }
}

/// Whether a relationship receives updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suspension {
    Suspend,
    Resume,
}

/// What a rollout did: the live copies it updated, and those it left as they were
/// with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolloutOutcome {
    pub updated: Vec<DamPath>,
    pub skipped: Vec<(DamPath, msm::Skipped)>,
}

/// The inherited fields of an asset, its binary named by its original's blob.
pub(crate) fn inherited(asset: &crate::AssetRecord) -> Inherited<Option<BlobHash>> {
    use tessera_model::RenditionName;
    let binary = asset.renditions.iter().find(|r| r.name == RenditionName::Original).map(|r| r.blob.clone());
    Inherited { binary, title: asset.title.clone(), description: asset.description.clone(), tags: asset.tags.clone(), properties: asset.properties.clone() }
}

/// A field's value as people read it, for Compare with source.
fn shown(asset: &crate::AssetRecord, field: &InheritedField) -> String {
    use tessera_model::RenditionName;
    match field {
        InheritedField::Binary => asset
            .renditions
            .iter()
            .find(|r| r.name == RenditionName::Original)
            .map(|r| {
                let size = r.width.zip(r.height).map(|(w, h)| format!(", {w} × {h}")).unwrap_or_default();
                format!("{} ({}{size}), {}…", r.mime, tessera_model::page::format_size(r.size), &r.blob.as_str()[..12])
            })
            .unwrap_or_default(),
        InheritedField::Title => asset.title.clone(),
        InheritedField::Description => asset.description.clone(),
        InheritedField::Tags => asset.tags.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        InheritedField::Property(name) => asset.properties.get(name).cloned().unwrap_or_default(),
    }
}

impl crate::Repo {
    /// Create Live Copy: a copy at `to` (same blobs, no bytes copied), titled `title`
    /// (for an asset, its inheritance then cancelled) or as its source, tied to
    /// `source` by the Standard rollout config. A folder is made empty: its children
    /// follow in [`Self::rollout_tree`].
    pub async fn create_live_copy(&self, source: &DamPath, to: &DamPath, title: Option<tessera_model::Title>, by: &str) -> Result<(), RepoError> {
        let (from, at) = (source.clone(), to.clone());
        if self.with_catalog(move |c| c.folder(&from)).await?.is_some() {
            return self.create_live_folder(source, to, title.map(|t| t.as_str().to_owned())).await;
        }
        self.copy_node(source, to, by).await?;
        let mut tie = LiveRelationship::new(source.clone());
        // A title of its own is a local modification from the start.
        if title.is_some() {
            tie.cancelled.insert(InheritedField::Title);
        }
        let tied = self.with_catalog(move |c| c.set_live_relationship(&at, &tie)).await;
        let titled = match (tied, title) {
            (Ok(()), Some(title)) => {
                let patch = tessera_model::MetadataPatch { title: Some(title), ..Default::default() };
                let (at, by) = (to.clone(), by.to_owned());
                self.with_catalog(move |c| c.update_metadata(&at, &patch, &by, crate::unix_now())).await
            }
            (done, _) => done,
        };
        if titled.is_err() {
            let (at, by) = (to.clone(), by.to_owned());
            // Nothing references or locks a fresh copy: this cannot be refused.
            let _ = self.with_catalog(move |c| c.delete_node(&at, &by, true)).await;
        }
        titled
    }

    /// The relationship of a live copy, refused for anything else.
    pub async fn live_relationship(&self, copy: &DamPath) -> Result<StoredRelationship, RepoError> {
        let at = copy.clone();
        self.with_catalog(move |c| c.live_relationship(&at)).await?.ok_or_else(|| RepoError::NotALiveCopy(copy.clone()))
    }

    /// The direct live copies of `source`.
    pub async fn live_copies_of(&self, source: &DamPath) -> Result<Vec<(DamPath, StoredRelationship)>, RepoError> {
        let from = source.clone();
        self.with_catalog(move |c| c.live_copies_of(&from)).await
    }

    /// The ties of the assets and folders directly in `folder`.
    pub async fn live_copies_in(&self, folder: &DamPath) -> Result<Vec<(DamPath, StoredRelationship)>, RepoError> {
        let at = folder.clone();
        self.with_catalog(move |c| c.live_copies_in(&at)).await
    }

    /// A live copy's tie and how it stands with its source now.
    pub async fn live_copy_status(&self, copy: &DamPath) -> Result<(StoredRelationship, msm::RelationshipStatus), RepoError> {
        let stored = self.live_relationship(copy).await?;
        let at = copy.clone();
        if self.with_catalog(move |c| c.folder(&at)).await?.is_some() {
            let status = self.folder_status(copy, &stored).await?;
            return Ok((stored, status));
        }
        let current = inherited(&self.asset(copy).await?);
        let source = match stored.source_missing {
            true => None,
            false => Some(inherited(&self.asset(&stored.relationship.source).await?)),
        };
        let status = msm::status(&stored.relationship, source.as_ref(), &current);
        Ok((stored, status))
    }

    /// Compare with source: every field where the live copy differs from its source,
    /// both values, and whether it is a local modification.
    pub async fn compare_with_source(&self, copy: &DamPath) -> Result<msm::SourceComparison, RepoError> {
        let stored = self.live_relationship(copy).await?;
        if stored.source_missing {
            return Err(RepoError::SourceMissing(copy.clone()));
        }
        self.refuse_folder(copy).await?;
        let tie = stored.relationship;
        let (source, current) = (self.asset(&tie.source).await?, self.asset(copy).await?);
        let differences = msm::differences(&inherited(&source), &inherited(&current), &tie.cancelled)
            .into_iter()
            .map(|(field, difference)| msm::FieldDifference { source: shown(&source, &field), live_copy: shown(&current, &field), field, difference })
            .collect();
        Ok(msm::SourceComparison { path: copy.clone(), source: tie.source, differences })
    }

    /// Synchronize: the live copy takes its source's changes, except in the fields
    /// whose inheritance is cancelled. Refused while suspended or without a source.
    /// Returns the fields it changed.
    pub async fn synchronize(&self, copy: &DamPath, by: &str) -> Result<Vec<InheritedField>, RepoError> {
        let stamp = RolloutStamp { at: crate::unix_now(), by: by.to_owned() };
        self.follow_source(
            copy,
            by,
            |tie, source, current| match tie.suspended {
                true => Err(RepoError::Suspended(copy.clone())),
                false => Ok(msm::updates(source, current, &tie.cancelled)),
            },
            |tie| tie.last_rollout = Some(stamp),
        )
        .await
    }

    /// Rollout from a source to the `chosen` of its direct live copies (all when
    /// `None`); suspended ones are skipped and said so.
    pub async fn rollout(&self, source: &DamPath, chosen: Option<Vec<DamPath>>, by: &str) -> Result<RolloutOutcome, RepoError> {
        let (targets, skipped) = self.rollout_targets(source, chosen).await?;
        let mut outcome = RolloutOutcome { updated: Vec::new(), skipped };
        for target in targets {
            self.synchronize(&target, by).await?;
            outcome.updated.push(target);
        }
        Ok(outcome)
    }

    /// The live copies a rollout from `source` updates (the `chosen` ones, all when
    /// `None`), and those it skips with the reason.
    pub async fn rollout_targets(&self, source: &DamPath, chosen: Option<Vec<DamPath>>) -> Result<(Vec<DamPath>, Vec<(DamPath, msm::Skipped)>), RepoError> {
        let copies: Vec<(DamPath, LiveRelationship)> =
            self.live_copies_of(source).await?.into_iter().map(|(path, stored)| (path, stored.relationship)).collect();
        let (targets, skipped) = msm::rollout_targets(source, &copies, chosen.as_deref());
        // Naming one that is not a direct live copy is a mistake: nothing is rolled out.
        if let Some((copy, _)) = skipped.iter().find(|(_, why)| *why == msm::Skipped::NotADirectLiveCopy) {
            return Err(RepoError::NotADirectLiveCopy { copy: copy.clone(), of: source.clone() });
        }
        Ok((targets.into_iter().cloned().collect(), skipped))
    }

    pub async fn set_suspension(&self, copy: &DamPath, suspension: Suspension) -> Result<(), RepoError> {
        self.update_relationship(copy, |tie| tie.suspended = suspension == Suspension::Suspend).await
    }

    /// Cancel inheritance of one field: it becomes a local modification.
    pub async fn cancel_inheritance(&self, copy: &DamPath, field: InheritedField) -> Result<(), RepoError> {
        self.refuse_folder(copy).await?;
        if let InheritedField::Property(name) = &field {
            let stored = self.live_relationship(copy).await?;
            let has = |asset: &crate::AssetRecord| asset.properties.contains_key(name);
            let on_copy = has(&self.asset(copy).await?);
            let on_source = !stored.source_missing && has(&self.asset(&stored.relationship.source).await?);
            if !on_copy && !on_source {
                return Err(RepoError::BadQuery(format!("Neither {copy} nor its source has the property {name}.")));
            }
        }
        self.update_relationship(copy, |tie| {
            tie.cancelled.insert(field);
        })
        .await
    }

    /// Inheritance of one field again: it takes the source's value at once.
    pub async fn reenable_inheritance(&self, copy: &DamPath, field: InheritedField, by: &str) -> Result<(), RepoError> {
        self.follow_source(
            copy,
            by,
            |_, source, current| Ok(msm::reenable(&field, source, current)),
            |tie| {
                tie.cancelled.remove(&field);
            },
        )
        .await
        .map(drop)
    }

    /// Reset: every local modification overwritten and every field inheriting again.
    pub async fn reset_live_copy(&self, copy: &DamPath, by: &str) -> Result<(), RepoError> {
        self.follow_source(copy, by, |_, source, current| Ok(msm::reset(source, current)), |tie| tie.cancelled.clear()).await.map(drop)
    }

    /// Changes a live copy's relationship, not its fields.
    async fn update_relationship(&self, copy: &DamPath, change: impl FnOnce(&mut LiveRelationship)) -> Result<(), RepoError> {
        let mut relationship = self.live_relationship(copy).await?.relationship;
        change(&mut relationship);
        let at = copy.clone();
        self.with_catalog(move |c| c.set_live_relationship(&at, &relationship)).await
    }

    /// Brings a live copy's fields towards its source as `plan` decides from the
    /// relationship and both sides' fields, then records `after` on the relationship.
    /// Refused when the source is gone. Returns the fields it changed.
    async fn follow_source(
        &self,
        copy: &DamPath,
        by: &str,
        plan: impl FnOnce(&LiveRelationship, &Inherited<Option<BlobHash>>, &Inherited<Option<BlobHash>>) -> Result<Vec<FieldUpdate<Option<BlobHash>>>, RepoError>,
        after: impl FnOnce(&mut LiveRelationship),
    ) -> Result<Vec<InheritedField>, RepoError> {
        let stored = self.live_relationship(copy).await?;
        if stored.source_missing {
            return Err(RepoError::SourceMissing(copy.clone()));
        }
        self.refuse_folder(copy).await?;
        let source = self.asset(&stored.relationship.source).await?;
        let current = self.asset(copy).await?;
        self.follow(&source, &current, stored.relationship, plan, after, by).await
    }

    /// [`Self::follow_source`] with both ends and the tie already read.
    pub(crate) async fn follow(
        &self,
        source: &crate::AssetRecord,
        current: &crate::AssetRecord,
        mut relationship: LiveRelationship,
        plan: impl FnOnce(&LiveRelationship, &Inherited<Option<BlobHash>>, &Inherited<Option<BlobHash>>) -> Result<Vec<FieldUpdate<Option<BlobHash>>>, RepoError>,
        after: impl FnOnce(&mut LiveRelationship),
        by: &str,
    ) -> Result<Vec<InheritedField>, RepoError> {
        let changes = plan(&relationship, &inherited(source), &inherited(current))?;
        let fields = changes.iter().map(FieldUpdate::field).collect();
        self.apply_updates(&current.path, source, current, changes, by).await?;
        after(&mut relationship);
        let at = current.path.clone();
        self.with_catalog(move |c| c.set_live_relationship(&at, &relationship)).await?;
        Ok(fields)
    }

    /// Refuses a field-by-field action on a live copy folder: its assets each have
    /// their own fields and tie.
    async fn refuse_folder(&self, copy: &DamPath) -> Result<(), RepoError> {
        match self.is_folder(copy).await? {
            true => Err(RepoError::BadQuery(format!(
                "{copy} is a live copy folder: inheritance and Reset are per asset. Open an asset in it, or use the Live Copy Overview."
            ))),
            false => Ok(()),
        }
    }

    /// Refuses to walk a live copy that is suspended or whose source is gone.
    pub async fn refuse_suspended_or_orphaned(&self, copy: &DamPath) -> Result<(), RepoError> {
        let stored = self.live_relationship(copy).await?;
        match (stored.source_missing, stored.relationship.suspended) {
            (true, _) => Err(RepoError::SourceMissing(copy.clone())),
            (false, true) => Err(RepoError::Suspended(copy.clone())),
            (false, false) => Ok(()),
        }
    }

    /// Refuses what would change a live copy's binary (a new version, a check-out, a
    /// restore): it follows its source's.
    pub async fn refuse_live_copy_binary(&self, path: &DamPath) -> Result<(), RepoError> {
        let at = path.clone();
        match self.with_catalog(move |c| c.live_relationship(&at)).await? {
            Some(stored) => Err(RepoError::LiveCopyBinary { path: path.clone(), of: stored.relationship.source }),
            None => Ok(()),
        }
    }

    /// Detach: the live copy becomes a standalone asset for good; a live copy folder a
    /// standalone folder, everything below it included.
    pub async fn detach(&self, copy: &DamPath) -> Result<(), RepoError> {
        let at = copy.clone();
        let is_folder = self.is_folder(copy).await?;
        match self.with_catalog(move |c| c.remove_live_relationship(&at)).await? {
            false => Err(RepoError::NotALiveCopy(copy.clone())),
            true if is_folder => {
                let at = copy.clone();
                self.with_catalog(move |c| c.remove_live_relationships_below(&at)).await.map(drop)
            }
            true => Ok(()),
        }
    }

    /// Writes `changes` to the live copy: a new binary as a version with the source's
    /// renditions (its blobs: no bytes copied), then metadata, then tags.
    async fn apply_updates(
        &self,
        copy: &DamPath,
        source: &crate::AssetRecord,
        current: &crate::AssetRecord,
        changes: Vec<FieldUpdate<Option<BlobHash>>>,
        by: &str,
    ) -> Result<(), RepoError> {
        use tessera_model::RenditionName;
        if changes.is_empty() {
            return Ok(());
        }
        let now = crate::unix_now();
        if changes.iter().any(|c| matches!(c, FieldUpdate::Binary(_))) {
            let original =
                source.renditions.iter().find(|r| r.name == RenditionName::Original).cloned().ok_or_else(|| RepoError::NotFound(source.path.clone()))?;
            let change = crate::history::BinaryChange {
                version: crate::VersionRecord {
                    number: 0,
                    original,
                    label: String::new(),
                    comment: format!("Rolled out from {}", source.path),
                    created_by: by.to_owned(),
                    created_at: now,
                    kind: crate::history::VersionKind::Replaced,
                    kept: None,
                },
                renditions: source.renditions.iter().filter(|r| r.name != RenditionName::Original).cloned().collect(),
                metadata: None,
            };
            let at = copy.clone();
            let (_, unused) = self.with_catalog(move |c| c.add_version(&at, &change)).await?;
            self.delete_blobs(unused).await;
            self.job_signal.job_queued();
        }
        let mut after = inherited(current);
        let metadata_changed = changes.iter().any(|c| matches!(c, FieldUpdate::Title(_) | FieldUpdate::Description(_) | FieldUpdate::Property { .. }));
        let tags_changed = changes.iter().any(|c| matches!(c, FieldUpdate::Tags(_)));
        msm::apply(&mut after, changes);
        if metadata_changed {
            // The source's values passed these checks when they were written there.
            let bad = |e: tessera_model::metadata::MetadataError| RepoError::BadMetadata(e.to_string());
            let patch = tessera_model::MetadataPatch {
                title: Some(tessera_model::Title::parse(&after.title).map_err(bad)?),
                description: Some(tessera_model::Description::parse(&after.description).map_err(bad)?),
                properties: Some(tessera_model::Properties::parse(after.properties).map_err(bad)?),
            };
            let (at, by) = (copy.clone(), by.to_owned());
            self.with_catalog(move |c| c.update_metadata(&at, &patch, &by, now)).await?;
        }
        if tags_changed {
            let (at, by, tags) = (copy.clone(), by.to_owned(), after.tags);
            self.with_catalog(move |c| c.set_asset_tags(&at, &tags, &by, now)).await?;
        }
        Ok(())
    }
}
