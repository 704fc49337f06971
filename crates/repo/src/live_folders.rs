//! Live copies of folders. A live copy folder is tied to its source folder, and each
//! folder and asset below it to the one it copies, so every asset has its own status,
//! suspension and local modifications. "Rollout Source and all Children" walks both
//! trees together: it makes live copies of what the source gained, removes the live
//! copies of what it lost, and brings the rest in step. Making a folder's live copy
//! with its children is that walk on an empty folder, so a walk cut short (a killed
//! process) is finished by walking again: what stands is not made twice, and each
//! batch is made whole, ties included, in one transaction.

use std::collections::{BTreeMap, BTreeSet};

use tessera_model::access::is_within;
use tessera_model::msm::{self, LiveCopyPreview, LiveRelationship, RolloutStamp, Skipped};
use tessera_model::DamPath;

use crate::catalog::FolderRecord;
use crate::duplicate::{copied, BATCH};
use crate::error::RepoError;
use crate::live_copies::{NewLiveCopy, NewNode, StoredRelationship};
use crate::{unix_now, AssetRecord, Repo};

/// How many assets a walk updates between two reports of its progress.
const PROGRESS_EVERY: u64 = 100;

/// What a walk over a live copy folder did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeRollout {
    /// Source assets dealt with (made, updated or skipped): the walk's progress.
    pub assets_walked: u64,
    /// Live copies made of what the source gained.
    pub created: u64,
    /// Live copies removed because their source is no longer in the source folder.
    pub removed: u64,
    /// Live copy assets brought in step (those already in step included).
    pub updated: u64,
    /// Live copies left as they were, with the reason.
    pub skipped: Vec<(DamPath, Skipped)>,
}

/// Whether a folder's live copy is made with what is in the source folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Children {
    Include,
    Exclude,
}

/// What one folder holds, by name.
struct Level {
    folders: BTreeMap<String, FolderRecord>,
    assets: BTreeMap<String, AssetRecord>,
}

/// One level of a walk: what the source folder and its live copy folder hold, the
/// ties of what is in the copy, and what `msm::folder_rollout` makes of them.
struct LevelPair {
    source: Level,
    copy: Level,
    ties: BTreeMap<DamPath, StoredRelationship>,
    plan: msm::FolderRollout,
}

impl Level {
    fn names(&self) -> BTreeSet<String> {
        self.folders.keys().chain(self.assets.keys()).cloned().collect()
    }
}

/// Each name in a live copy folder with the source its tie names, as
/// `msm::folder_rollout` reads them.
fn copy_children(folder: &DamPath, level: &Level, ties: &BTreeMap<DamPath, StoredRelationship>) -> Vec<(String, Option<DamPath>)> {
    let source_of = |name: &str| folder.join(name).ok().and_then(|p| ties.get(&p)).map(|t| t.relationship.source.clone());
    level
        .names()
        .into_iter()
        .map(|name| {
            let source = source_of(&name);
            (name, source)
        })
        .collect()
}

impl Repo {
    /// Create Live Copy of a folder: the folder at `to` (titled `title`, or as its
    /// source), tied to `source`. Its children follow in [`Self::rollout_tree`].
    pub(crate) async fn create_live_folder(&self, source: &DamPath, to: &DamPath, title: Option<String>) -> Result<(), RepoError> {
        if is_within(to, source) {
            return Err(RepoError::BadQuery(format!("A live copy cannot be inside its own source {source}.")));
        }
        let folder = self.folder(source).await?;
        let node = NewNode::Folder(FolderRecord { path: to.clone(), title: title.unwrap_or(folder.title) });
        let copy = NewLiveCopy { node, relationship: LiveRelationship::new(source.clone()) };
        let at = to.clone();
        match self.with_catalog(move |c| c.create_live_copies(&[copy])).await? {
            1 => Ok(()),
            _ => Err(RepoError::AlreadyExists(at)),
        }
    }

    /// How many assets the folder `source` holds, with its sub-folders': a walk's
    /// total.
    pub async fn assets_below(&self, source: &DamPath) -> Result<u64, RepoError> {
        let source = source.clone();
        self.with_catalog(move |c| c.count_assets_below(&source)).await
    }

    /// Rollout Source and all Children from the folder `source` to its live copy
    /// folder `copy`, as `by`. `progress` hears after each folder and batch.
    pub async fn rollout_tree(&self, source: &DamPath, copy: &DamPath, by: &str, mut progress: impl FnMut(&TreeRollout)) -> Result<TreeRollout, RepoError> {
        if is_within(copy, source) || is_within(source, copy) {
            return Err(RepoError::BadQuery(format!("{copy} and its source {source} are inside one another: move one of them out first.")));
        }
        let stamp = RolloutStamp { at: unix_now(), by: by.to_owned() };
        let mut done = TreeRollout::default();
        let mut pending = vec![(source.clone(), copy.clone())];
        while let Some((from, to)) = pending.pop() {
            self.stamp_folder(&to, &stamp).await?;
            let LevelPair { source: source_level, copy: copy_level, ties, plan } = self.level_pair(&from, &to).await?;
            self.create_children(&from, &to, &source_level, &plan.create, &stamp, &mut done, &mut pending, &mut progress).await?;
            self.remove_children(&to, &plan.remove, by, &mut done).await?;
            for name in &plan.update {
                let path = to.join(name)?;
                let Some(tie) = ties.get(&path) else { continue };
                if tie.relationship.suspended {
                    done.assets_walked += u64::from(source_level.assets.contains_key(name));
                    done.skipped.push((path, Skipped::Suspended));
                    continue;
                }
                match (source_level.folders.get(name), source_level.assets.get(name), copy_level.assets.get(name)) {
                    (Some(folder), _, None) => pending.push((folder.path.clone(), path)),
                    (_, Some(source_asset), Some(copy_asset)) => {
                        let stamp = stamp.clone();
                        self.follow(
                            source_asset,
                            copy_asset,
                            tie.relationship.clone(),
                            |t, s, c| Ok(msm::updates(s, c, &t.cancelled)),
                            |t| t.last_rollout = Some(stamp),
                            by,
                        )
                        .await?;
                        done.updated += 1;
                        done.assets_walked += 1;
                        if done.assets_walked % PROGRESS_EVERY == 0 {
                            progress(&done);
                        }
                    }
                    // An asset where the source has a folder, or the other way round:
                    // the tie is between ends of one kind, so this cannot stand.
                    _ => {}
                }
            }
            progress(&done);
        }
        Ok(done)
    }

    /// How a live copy folder stands: out of sync when its own level lacks a live
    /// copy of something in the source folder, or holds one of something gone. (Each
    /// asset below has its own status.)
    pub(crate) async fn folder_status(&self, copy: &DamPath, stored: &StoredRelationship) -> Result<msm::RelationshipStatus, RepoError> {
        use msm::RelationshipStatus;
        if stored.source_missing {
            return Ok(RelationshipStatus::SourceMissing);
        }
        if stored.relationship.suspended {
            return Ok(RelationshipStatus::Suspended);
        }
        let source = &stored.relationship.source;
        let plan = self.level_pair(source, copy).await?.plan;
        Ok(match plan.create.is_empty() && plan.remove.is_empty() {
            true => RelationshipStatus::InSync,
            false => RelationshipStatus::OutOfSync,
        })
    }

    /// The Live Copy Overview of the folder `source`: the live copy assets below its
    /// direct live copy folders (only `within` one of them, when given) that `visible`
    /// lets through, each with its status, by path, at most `limit`. Returns the live
    /// copy folders, the rows, and whether the rows stopped at the limit.
    pub async fn live_copy_overview(
        &self,
        source: &DamPath,
        within: Option<&DamPath>,
        visible: impl Fn(&DamPath) -> bool,
        limit: usize,
    ) -> Result<(Vec<DamPath>, Vec<(DamPath, StoredRelationship, msm::RelationshipStatus)>, bool), RepoError> {
        let mut folders = Vec::new();
        for (copy, _) in self.live_copies_of(source).await? {
            if self.is_folder(&copy).await? {
                folders.push(copy);
            }
        }
        let mut rows = Vec::new();
        let mut pending: Vec<DamPath> = folders.iter().filter(|f| within.is_none_or(|w| w == *f)).cloned().collect();
        while let Some(folder) = pending.pop() {
            let level = self.level(&folder).await?;
            pending.extend(level.folders.values().map(|f| f.path.clone()).filter(|p| visible(p)));
            let mut sources: BTreeMap<DamPath, Level> = BTreeMap::new();
            for (path, stored) in self.live_copies_in(&folder).await? {
                let Some(copy) = level.assets.get(path.name()).filter(|_| visible(&path)) else { continue };
                let source_asset = match (stored.source_missing, stored.relationship.source.parent()) {
                    (false, Some(parent)) => {
                        if !sources.contains_key(&parent) {
                            sources.insert(parent.clone(), self.level(&parent).await?);
                        }
                        sources.get(&parent).and_then(|l| l.assets.get(stored.relationship.source.name())).map(crate::live_copies::inherited)
                    }
                    _ => None,
                };
                let status = msm::status(&stored.relationship, source_asset.as_ref(), &crate::live_copies::inherited(copy));
                rows.push((path, stored, status));
                if rows.len() >= limit {
                    rows.sort_by(|a, b| a.0.cmp(&b.0));
                    return Ok((folders, rows, true));
                }
            }
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        Ok((folders, rows, false))
    }

    /// What a rollout from `source` would do to its live copy `copy`, an asset or a
    /// folder with all its children, changing nothing.
    pub async fn preview_rollout(&self, source: &DamPath, copy: &DamPath) -> Result<LiveCopyPreview, RepoError> {
        use crate::live_copies::inherited;
        let mut preview = LiveCopyPreview::of(copy.clone());
        let (mut fields, mut kept) = (BTreeSet::new(), BTreeSet::new());
        let mut note = |source: &AssetRecord, copy: &AssetRecord, tie: &LiveRelationship| {
            let (s, c) = (inherited(source), inherited(copy));
            let changes = msm::updates(&s, &c, &tie.cancelled);
            kept.extend(msm::kept_local(&s, &c, &tie.cancelled));
            fields.extend(changes.iter().map(msm::FieldUpdate::field));
            !changes.is_empty()
        };
        if !self.is_folder(copy).await? {
            let tie = self.live_relationship(copy).await?.relationship;
            note(&self.asset(source).await?, &self.asset(copy).await?, &tie);
        } else {
            let mut pending = vec![(source.clone(), copy.clone())];
            while let Some((from, to)) = pending.pop() {
                let LevelPair { source: source_level, copy: copy_level, ties, plan } = self.level_pair(&from, &to).await?;
                for name in &plan.create {
                    let made = match source_level.folders.get(name) {
                        Some(folder) => 1 + self.assets_below(&folder.path).await?,
                        None => 1,
                    };
                    preview.created_count += made;
                    if preview.created.len() < msm::MAX_PREVIEW_PATHS {
                        preview.created.push(to.join(name)?);
                    }
                }
                for name in &plan.remove {
                    preview.removed_count += 1;
                    if preview.removed.len() < msm::MAX_PREVIEW_PATHS {
                        preview.removed.push(to.join(name)?);
                    }
                }
                for name in &plan.update {
                    let path = to.join(name)?;
                    let Some(tie) = ties.get(&path) else { continue };
                    if tie.relationship.suspended {
                        preview.skipped.push(msm::SkippedDto { path, reason: Skipped::Suspended });
                        continue;
                    }
                    match (source_level.folders.get(name), source_level.assets.get(name), copy_level.assets.get(name)) {
                        (Some(folder), _, None) => pending.push((folder.path.clone(), path)),
                        (_, Some(source_asset), Some(copy_asset)) => preview.assets_changed += u64::from(note(source_asset, copy_asset, &tie.relationship)),
                        _ => {}
                    }
                }
            }
        }
        preview.fields = fields.into_iter().collect();
        preview.kept = kept.into_iter().collect();
        Ok(preview)
    }

    async fn level_pair(&self, source: &DamPath, copy: &DamPath) -> Result<LevelPair, RepoError> {
        let (source_level, copy_level) = (self.level(source).await?, self.level(copy).await?);
        let ties: BTreeMap<DamPath, StoredRelationship> = self.live_copies_in(copy).await?.into_iter().collect();
        let plan = msm::folder_rollout(source, &source_level.names(), &copy_children(copy, &copy_level, &ties));
        Ok(LevelPair { source: source_level, copy: copy_level, ties, plan })
    }

    async fn level(&self, folder: &DamPath) -> Result<Level, RepoError> {
        let (_, folders, assets) = self.list(folder).await?;
        Ok(Level {
            folders: folders.into_iter().map(|f| (f.path.name().to_owned(), f)).collect(),
            assets: assets.into_iter().map(|a| (a.path.name().to_owned(), a)).collect(),
        })
    }

    /// Records the rollout on a live copy folder's own tie.
    async fn stamp_folder(&self, folder: &DamPath, stamp: &RolloutStamp) -> Result<(), RepoError> {
        let (at, stamp) = (folder.clone(), stamp.clone());
        self.with_catalog(move |c| match c.live_relationship(&at)? {
            Some(mut stored) if !stored.source_missing => {
                stored.relationship.last_rollout = Some(stamp);
                c.set_live_relationship(&at, &stored.relationship)
            }
            _ => Ok(()),
        })
        .await
    }

    /// Live copies in `to` of what `from` holds under `names`, in batches; the folders
    /// among them are walked next.
    #[allow(clippy::too_many_arguments)]
    async fn create_children(
        &self,
        from: &DamPath,
        to: &DamPath,
        source: &Level,
        names: &[String],
        stamp: &RolloutStamp,
        done: &mut TreeRollout,
        pending: &mut Vec<(DamPath, DamPath)>,
        progress: &mut impl FnMut(&TreeRollout),
    ) -> Result<(), RepoError> {
        let now = unix_now();
        let tie = |source: &DamPath| LiveRelationship { last_rollout: Some(stamp.clone()), ..LiveRelationship::new(source.clone()) };
        let mut batch = Vec::new();
        for name in names {
            let path = to.join(name)?;
            if let Some(folder) = source.folders.get(name) {
                batch.push(NewLiveCopy {
                    node: NewNode::Folder(FolderRecord { path: path.clone(), title: folder.title.clone() }),
                    relationship: tie(&folder.path),
                });
                pending.push((folder.path.clone(), path));
            } else if let Some(asset) = source.assets.get(name) {
                let copy = copied(asset.clone(), path, &stamp.by, now);
                batch.push(NewLiveCopy { node: NewNode::Asset(Box::new(copy)), relationship: tie(&from.join(name)?) });
            }
        }
        for chunk in batch.chunks(BATCH) {
            let assets = chunk.iter().filter(|c| matches!(c.node, NewNode::Asset(_))).count() as u64;
            let chunk = chunk.to_vec();
            done.created += self.with_catalog(move |c| c.create_live_copies(&chunk)).await? as u64;
            done.assets_walked += assets;
            self.job_signal.job_queued();
            progress(done);
        }
        Ok(())
    }

    /// Removes the live copies in `to` whose source left the source folder; one that
    /// pages use stays, and is said so.
    async fn remove_children(&self, to: &DamPath, names: &[String], by: &str, done: &mut TreeRollout) -> Result<(), RepoError> {
        for name in names {
            let path = to.join(name)?;
            match self.delete_node(&path, by, false).await {
                Ok(()) => done.removed += 1,
                Err(RepoError::Referenced { .. }) => done.skipped.push((path, Skipped::Referenced)),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
