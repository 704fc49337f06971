//! Collections: named sets of assets (or saved searches) that a user keeps and shares
//! with groups, and share links that let anyone with the link download chosen assets.
//! Who may see and change them is decided here; catalogs only store them.

use tessera_model::{DamPath, SearchQuery};

use crate::catalog::AssetRecord;
use crate::error::RepoError;
use crate::scope::ReadScope;
use crate::{unix_now, Repo};

/// What a group may do with a collection shared with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CollectionAccess {
    /// See it and what in it the viewer may read.
    Read,
    /// Also rename it and add or remove assets.
    Edit,
}

impl CollectionAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            CollectionAccess::Read => "read",
            CollectionAccess::Edit => "edit",
        }
    }

    pub fn parse(s: &str) -> Result<CollectionAccess, RepoError> {
        match s {
            "read" => Ok(CollectionAccess::Read),
            "edit" => Ok(CollectionAccess::Edit),
            other => Err(RepoError::Internal(format!("unknown collection access in catalog: {other}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CollectionRecord {
    pub id: i64,
    pub title: String,
    pub owner: String,
    /// A saved search: the collection is whatever it finds, now.
    pub query: Option<SearchQuery>,
    /// Groups it is shared with, by name.
    pub shares: Vec<(String, CollectionAccess)>,
    pub created_at: i64,
    pub modified_at: i64,
}

/// Someone looking at collections: their name, groups, and whether they administer.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub name: &'a str,
    pub groups: &'a [String],
}

impl Viewer<'_> {
    fn is_administrator(&self) -> bool {
        self.groups.iter().any(|g| g == "administrators")
    }

    /// What this viewer may do with `c`: its owner and administrators everything,
    /// the groups it is shared with what the share says.
    pub fn access(&self, c: &CollectionRecord) -> Option<CollectionAccess> {
        if c.owner == self.name || self.is_administrator() {
            return Some(CollectionAccess::Edit);
        }
        c.shares.iter().filter(|(g, _)| self.groups.contains(g)).map(|(_, a)| *a).max()
    }

    /// Only the owner and administrators delete a collection or change its shares.
    pub fn owns(&self, c: &CollectionRecord) -> bool {
        c.owner == self.name || self.is_administrator()
    }
}

/// Longest collection title, in bytes.
pub const MAX_COLLECTION_TITLE_BYTES: usize = 256;
/// Most assets one request adds to or removes from a collection, or shares by a link.
pub const MAX_ASSETS_PER_REQUEST: usize = 1000;
/// Most assets one collection holds.
pub const MAX_COLLECTION_ASSETS: usize = 10_000;

/// The collections side of a catalog.
pub trait CollectionCatalog {
    fn create_collection(&self, title: &str, owner: &str, query: Option<&SearchQuery>, now: i64) -> Result<CollectionRecord, RepoError>;
    fn collection(&self, id: i64) -> Result<Option<CollectionRecord>, RepoError>;
    /// Every collection, by title.
    fn collections(&self) -> Result<Vec<CollectionRecord>, RepoError>;
    fn rename_collection(&self, id: i64, title: &str, now: i64) -> Result<(), RepoError>;
    fn delete_collection(&self, id: i64) -> Result<(), RepoError>;
    /// Adds assets (each must exist) in one transaction; those already in stay.
    /// Refused beyond [`MAX_COLLECTION_ASSETS`].
    fn add_to_collection(&self, id: i64, paths: &[DamPath], now: i64) -> Result<(), RepoError>;
    fn remove_from_collection(&self, id: i64, paths: &[DamPath], now: i64) -> Result<(), RepoError>;
    /// What a collection holds, in the order it was added; deleted assets are gone.
    fn collection_assets(&self, id: i64) -> Result<Vec<AssetRecord>, RepoError>;
    /// Sets a group's access; `None` stops sharing with it.
    fn share_collection(&self, id: i64, group: &str, access: Option<CollectionAccess>) -> Result<(), RepoError>;
}

/// A collection and what of it the viewer may read.
#[derive(Debug, Clone)]
pub struct CollectionView {
    pub collection: CollectionRecord,
    pub access: CollectionAccess,
    pub assets: Vec<AssetRecord>,
}

fn check_title(title: &str) -> Result<String, RepoError> {
    let title = title.trim();
    if title.is_empty() || title.len() > MAX_COLLECTION_TITLE_BYTES {
        return Err(RepoError::BadMetadata(format!("A collection's title has 1 to {MAX_COLLECTION_TITLE_BYTES} bytes.")));
    }
    Ok(title.to_owned())
}

fn check_count(paths: &[DamPath]) -> Result<(), RepoError> {
    if paths.is_empty() || paths.len() > MAX_ASSETS_PER_REQUEST {
        return Err(RepoError::BadQuery(format!("Name 1 to {MAX_ASSETS_PER_REQUEST} assets.")));
    }
    Ok(())
}

impl Repo {
    /// The collections `viewer` may see, with their access, by title.
    pub async fn collections(&self, viewer: Viewer<'_>) -> Result<Vec<(CollectionRecord, CollectionAccess)>, RepoError> {
        let all = self.with_catalog(|c| c.collections()).await?;
        Ok(all.into_iter().filter_map(|c| viewer.access(&c).map(|a| (c, a))).collect())
    }

    pub async fn create_collection(&self, title: &str, owner: &str, query: Option<SearchQuery>) -> Result<CollectionRecord, RepoError> {
        let (title, owner) = (check_title(title)?, owner.to_owned());
        self.with_catalog(move |c| c.create_collection(&title, &owner, query.as_ref(), unix_now())).await
    }

    /// The collection, if `viewer` may see it (else not found, as if it were not there).
    async fn visible_collection(&self, id: i64, viewer: Viewer<'_>) -> Result<(CollectionRecord, CollectionAccess), RepoError> {
        let found = self.with_catalog(move |c| c.collection(id)).await?;
        found.and_then(|c| viewer.access(&c).map(|a| (c, a))).ok_or(RepoError::NoSuchCollection(id))
    }

    async fn editable_collection(&self, id: i64, viewer: Viewer<'_>) -> Result<CollectionRecord, RepoError> {
        match self.visible_collection(id, viewer).await? {
            (c, CollectionAccess::Edit) => Ok(c),
            (_, CollectionAccess::Read) => Err(RepoError::CollectionReadOnly(id)),
        }
    }

    /// A collection with what of it the viewer may read: its members, or what its
    /// saved search finds now (first page of `limit`).
    pub async fn collection_view(&self, id: i64, viewer: Viewer<'_>, scope: ReadScope, limit: u32) -> Result<CollectionView, RepoError> {
        let (collection, access) = self.visible_collection(id, viewer).await?;
        let assets = match &collection.query {
            Some(query) => {
                let query = SearchQuery { limit: Some(limit), cursor: None, ..query.clone() };
                self.search(query, scope).await?.assets
            }
            None => {
                let members = self.with_catalog(move |c| c.collection_assets(id)).await?;
                members.into_iter().filter(|a| scope.allows(&a.path)).collect()
            }
        };
        Ok(CollectionView { collection, access, assets })
    }

    pub async fn rename_collection(&self, id: i64, viewer: Viewer<'_>, title: &str) -> Result<(), RepoError> {
        let title = check_title(title)?;
        self.editable_collection(id, viewer).await?;
        self.with_catalog(move |c| c.rename_collection(id, &title, unix_now())).await
    }

    pub async fn delete_collection(&self, id: i64, viewer: Viewer<'_>) -> Result<(), RepoError> {
        let (collection, _) = self.visible_collection(id, viewer).await?;
        if !viewer.owns(&collection) {
            return Err(RepoError::CollectionReadOnly(id));
        }
        self.with_catalog(move |c| c.delete_collection(id)).await
    }

    /// Adds assets the caller may read (the caller has checked) to a collection they may edit.
    pub async fn add_to_collection(&self, id: i64, viewer: Viewer<'_>, paths: Vec<DamPath>) -> Result<(), RepoError> {
        check_count(&paths)?;
        let collection = self.editable_collection(id, viewer).await?;
        if collection.query.is_some() {
            return Err(RepoError::BadQuery("A saved search holds what it finds; assets cannot be added to it.".into()));
        }
        self.with_catalog(move |c| c.add_to_collection(id, &paths, unix_now())).await
    }

    pub async fn remove_from_collection(&self, id: i64, viewer: Viewer<'_>, paths: Vec<DamPath>) -> Result<(), RepoError> {
        check_count(&paths)?;
        self.editable_collection(id, viewer).await?;
        self.with_catalog(move |c| c.remove_from_collection(id, &paths, unix_now())).await
    }

    pub async fn share_collection(&self, id: i64, viewer: Viewer<'_>, group: &str, access: Option<CollectionAccess>) -> Result<(), RepoError> {
        let (collection, _) = self.visible_collection(id, viewer).await?;
        if !viewer.owns(&collection) {
            return Err(RepoError::CollectionReadOnly(id));
        }
        let group = group.to_owned();
        self.with_catalog(move |c| c.share_collection(id, &group, access)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(owner: &str, shares: &[(&str, CollectionAccess)]) -> CollectionRecord {
        CollectionRecord {
            id: 1,
            title: "C".into(),
            owner: owner.into(),
            query: None,
            shares: shares.iter().map(|(g, a)| ((*g).to_owned(), *a)).collect(),
            created_at: 0,
            modified_at: 0,
        }
    }

    #[test]
    fn owners_and_administrators_edit_shared_groups_get_their_share() {
        let authors = vec!["authors".to_owned()];
        let admins = vec!["administrators".to_owned()];
        let c = collection("ana", &[("authors", CollectionAccess::Read), ("dam-users", CollectionAccess::Edit)]);
        assert_eq!(Viewer { name: "ana", groups: &[] }.access(&c), Some(CollectionAccess::Edit));
        assert_eq!(Viewer { name: "bo", groups: &authors }.access(&c), Some(CollectionAccess::Read));
        assert_eq!(Viewer { name: "bo", groups: &["dam-users".to_owned(), "authors".to_owned()] }.access(&c), Some(CollectionAccess::Edit));
        assert_eq!(Viewer { name: "cy", groups: &[] }.access(&c), None);
        assert_eq!(Viewer { name: "root", groups: &admins }.access(&c), Some(CollectionAccess::Edit));
        assert!(!Viewer { name: "bo", groups: &["dam-users".to_owned()] }.owns(&c));
    }
}
