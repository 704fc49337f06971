//! An asset's history: check-out locks, versions with what they kept, and the events
//! of its timeline. The rules are here, once; each backend stores the rows and calls
//! them inside its own transactions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tessera_model::{DamPath, TagId};

use crate::catalog::{AssetRecord, RenditionRecord, VersionRecord};
use crate::error::RepoError;

/// Who holds an asset checked out, since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOut {
    pub by: String,
    pub at: i64,
}

/// How a version came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionKind {
    /// The asset's upload: version 1.
    Upload,
    /// A new binary: an upload that replaced the asset, or Create Version.
    Replaced,
    /// A check-in by the lock's holder, which also released the lock.
    CheckedIn,
    /// An earlier version brought back, as a new version.
    Restored { from: u32 },
}

impl VersionKind {
    /// The name catalogs store (`upload`, `replaced`, `checked_in`, `restored`).
    pub fn as_str(self) -> &'static str {
        match self {
            VersionKind::Upload => "upload",
            VersionKind::Replaced => "replaced",
            VersionKind::CheckedIn => "checked_in",
            VersionKind::Restored { .. } => "restored",
        }
    }

    /// From a stored name and the version it restored, if any.
    pub fn parse(name: &str, restored_from: Option<u32>) -> Result<VersionKind, RepoError> {
        Ok(match (name, restored_from) {
            ("upload", _) => VersionKind::Upload,
            ("replaced", _) => VersionKind::Replaced,
            ("checked_in", _) => VersionKind::CheckedIn,
            ("restored", Some(from)) => VersionKind::Restored { from },
            _ => return Err(RepoError::Internal(format!("unknown version kind in catalog: {name}"))),
        })
    }

    pub fn restored_from(self) -> Option<u32> {
        match self {
            VersionKind::Restored { from } => Some(from),
            _ => None,
        }
    }
}

/// An asset's metadata as it was: what a version keeps, and what restoring it brings back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MetadataSnapshot {
    pub title: String,
    pub description: String,
    pub properties: BTreeMap<String, String>,
    pub tags: Vec<TagId>,
}

impl MetadataSnapshot {
    pub fn of(asset: &AssetRecord) -> MetadataSnapshot {
        MetadataSnapshot { title: asset.title.clone(), description: asset.description.clone(), properties: asset.properties.clone(), tags: asset.tags.clone() }
    }

    /// The JSON catalogs store.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("strings and maps always serialize")
    }

    pub fn from_json(json: &str) -> Result<MetadataSnapshot, RepoError> {
        serde_json::from_str(json).map_err(|e| RepoError::Internal(format!("bad metadata snapshot in catalog: {e}")))
    }

    /// The fields that differ from `other`, by name (`title`, `description`,
    /// `tags`, `property:NAME`), sorted.
    pub fn differences(&self, other: &MetadataSnapshot) -> Vec<String> {
        let mut fields = Vec::new();
        if self.title != other.title {
            fields.push("title".to_owned());
        }
        if self.description != other.description {
            fields.push("description".to_owned());
        }
        if self.tags != other.tags {
            fields.push("tags".to_owned());
        }
        let names: std::collections::BTreeSet<&String> = self.properties.keys().chain(other.properties.keys()).collect();
        fields.extend(names.into_iter().filter(|n| self.properties.get(*n) != other.properties.get(*n)).map(|n| format!("property:{n}")));
        fields
    }
}

/// What a version that is no longer the asset's own kept of it: its metadata and its
/// renditions (other than the original) as they were when a later version replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub metadata: MetadataSnapshot,
    pub renditions: Vec<RenditionRecord>,
}

/// An asset's timeline, oldest first: its events in the order they happened, with
/// the versions no event records (made before events were kept, or copied from
/// another deployment) placed by their time.
pub fn timeline(versions: &[VersionRecord], events: Vec<AssetEvent>) -> Vec<AssetEvent> {
    let recorded: std::collections::BTreeSet<u32> = events.iter().filter_map(|e| e.version).collect();
    let mut entries = events;
    for v in versions.iter().filter(|v| !recorded.contains(&v.number)) {
        let at = entries.iter().position(|e| e.at > v.created_at).unwrap_or(entries.len());
        let event = AssetEvent { kind: EventKind::Version(v.kind), version: Some(v.number), by: v.created_by.clone(), at: v.created_at, detail: String::new() };
        entries.insert(at, event);
    }
    entries
}

/// A change of an asset's binary, which becomes its newest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryChange {
    /// Its `number` is ignored (one above the last) and its `kept` is `None`.
    pub version: crate::VersionRecord,
    /// Renditions that arrive with it (a restored version's); when empty, a
    /// rendition job makes them.
    pub renditions: Vec<RenditionRecord>,
    /// Metadata that comes back with it (a restored version's).
    pub metadata: Option<MetadataSnapshot>,
}

/// What happened to an asset: each of its versions, and what else changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A version was made; the event's `version` says which, the version how.
    Version(VersionKind),
    CheckedOut,
    /// The holder gave the lock up without checking in.
    CheckOutCancelled,
    /// An administrator released someone else's lock; the detail names the holder.
    LockReleased,
    /// Title, description, properties or tags; the detail lists the fields.
    MetadataChanged,
    /// The detail is the path it had.
    Moved,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Version(kind) => kind.as_str(),
            EventKind::CheckedOut => "checked_out",
            EventKind::CheckOutCancelled => "check_out_cancelled",
            EventKind::LockReleased => "lock_released",
            EventKind::MetadataChanged => "metadata_changed",
            EventKind::Moved => "moved",
        }
    }

    /// From a stored name, and for a restore the version it brought back.
    pub fn parse(name: &str, restored_from: Option<u32>) -> Result<EventKind, RepoError> {
        Ok(match name {
            "checked_out" => EventKind::CheckedOut,
            "check_out_cancelled" => EventKind::CheckOutCancelled,
            "lock_released" => EventKind::LockReleased,
            "metadata_changed" => EventKind::MetadataChanged,
            "moved" => EventKind::Moved,
            other => EventKind::Version(VersionKind::parse(other, restored_from)?),
        })
    }
}

/// One event of an asset's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetEvent {
    pub kind: EventKind,
    /// The version a [`EventKind::Version`] event made.
    pub version: Option<u32>,
    pub by: String,
    pub at: i64,
    pub detail: String,
}

impl AssetEvent {
    pub fn new(kind: EventKind, by: &str, at: i64, detail: &str) -> AssetEvent {
        AssetEvent { kind, version: None, by: by.to_owned(), at, detail: detail.to_owned() }
    }

    /// The event of making `version`, numbered `number`.
    pub fn of_version(version: &VersionRecord, number: u32) -> AssetEvent {
        AssetEvent {
            kind: EventKind::Version(version.kind),
            version: Some(number),
            by: version.created_by.clone(),
            at: version.created_at,
            detail: String::new(),
        }
    }
}

/// The fields a metadata patch sets, as a metadata event's detail (`title, properties`).
pub fn patch_fields(patch: &tessera_model::MetadataPatch) -> String {
    let fields = [("title", patch.title.is_some()), ("description", patch.description.is_some()), ("properties", patch.properties.is_some())];
    fields.iter().filter(|(_, set)| *set).map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}

/// Who gives a check-out up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// The holder, who checks nothing in.
    ByHolder(String),
    /// An administrator, whatever the holder: Release Lock.
    ByAdministrator(String),
}

impl Release {
    pub fn by(&self) -> &str {
        match self {
            Release::ByHolder(user) | Release::ByAdministrator(user) => user,
        }
    }
}

/// The rule of check-out: while someone holds an asset, only they may change its
/// binary, move or delete it. `locks` are the checked-out assets a change touches
/// (one, or all within a folder), with their holders.
pub fn refuse_locked(locks: &[(DamPath, String)], actor: &str) -> Result<(), RepoError> {
    match locks.iter().find(|(_, holder)| holder != actor) {
        Some((path, holder)) => Err(RepoError::Locked { path: path.clone(), holder: holder.clone() }),
        None => Ok(()),
    }
}

/// The rule of check-in: only the holder checks in, and only an asset checked out.
pub fn check_in_allowed(path: &DamPath, holder: Option<&str>, actor: &str) -> Result<(), RepoError> {
    match holder {
        None => Err(RepoError::NotCheckedOut(path.clone())),
        Some(h) if h != actor => Err(RepoError::Locked { path: path.clone(), holder: h.to_owned() }),
        Some(_) => Ok(()),
    }
}

/// The rule of release: the holder gives their own lock up, an administrator anyone's.
/// Returns the event it makes.
pub fn release_allowed(path: &DamPath, holder: Option<&str>, release: &Release) -> Result<EventKind, RepoError> {
    match (holder, release) {
        (None, _) => Err(RepoError::NotCheckedOut(path.clone())),
        (Some(h), Release::ByHolder(user)) if h != user.as_str() => Err(RepoError::Locked { path: path.clone(), holder: h.to_owned() }),
        (Some(_), Release::ByHolder(_)) => Ok(EventKind::CheckOutCancelled),
        (Some(h), Release::ByAdministrator(user)) if h == user.as_str() => Ok(EventKind::CheckOutCancelled),
        (Some(_), Release::ByAdministrator(_)) => Ok(EventKind::LockReleased),
    }
}

/// The rule of a binary change by `actor`: refused while someone else holds the
/// asset checked out, and a check-in needs the actor's own lock.
pub fn binary_change_allowed(path: &DamPath, holder: Option<&str>, kind: VersionKind, actor: &str) -> Result<(), RepoError> {
    match kind {
        VersionKind::CheckedIn => check_in_allowed(path, holder, actor),
        _ => refuse_locked(&holder.map(|h| (path.clone(), h.to_owned())).into_iter().collect::<Vec<_>>(), actor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> DamPath {
        DamPath::parse("/content/dam/a.jpg").unwrap()
    }

    #[test]
    fn only_the_holder_checks_in_and_an_administrator_releases_anyones_lock() {
        assert!(matches!(check_in_allowed(&p(), None, "ana"), Err(RepoError::NotCheckedOut(_))));
        assert!(matches!(check_in_allowed(&p(), Some("bo"), "ana"), Err(RepoError::Locked { holder, .. }) if holder == "bo"));
        assert!(check_in_allowed(&p(), Some("ana"), "ana").is_ok());
        assert!(matches!(release_allowed(&p(), Some("bo"), &Release::ByHolder("ana".into())), Err(RepoError::Locked { .. })));
        assert_eq!(release_allowed(&p(), Some("bo"), &Release::ByHolder("bo".into())).unwrap(), EventKind::CheckOutCancelled);
        assert_eq!(release_allowed(&p(), Some("bo"), &Release::ByAdministrator("admin".into())).unwrap(), EventKind::LockReleased);
        assert!(matches!(release_allowed(&p(), None, &Release::ByAdministrator("admin".into())), Err(RepoError::NotCheckedOut(_))));
        assert!(refuse_locked(&[(p(), "ana".into())], "ana").is_ok());
        assert!(matches!(refuse_locked(&[(p(), "ana".into()), (p(), "bo".into())], "ana"), Err(RepoError::Locked { holder, .. }) if holder == "bo"));
    }

    #[test]
    fn differences_name_each_changed_field() {
        let mut a = MetadataSnapshot { title: "A".into(), ..Default::default() };
        a.properties.insert("x".into(), "1".into());
        let mut b = a.clone();
        assert!(a.differences(&b).is_empty());
        b.title = "B".into();
        b.properties.insert("y".into(), "2".into());
        b.properties.insert("x".into(), "3".into());
        assert_eq!(a.differences(&b), ["title", "property:x", "property:y"]);
    }
}
