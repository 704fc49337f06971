//! MSM for Assets: the rules by which a live copy follows its source. Pure: the
//! server applies them to the catalog and the console shows their outcome, from this
//! one definition.
//!
//! A live copy inherits, field by field, its source's binary (with its renditions),
//! title, description, tags and each free property. Cancelling a field's inheritance
//! makes it a local modification that rollouts and synchronizes never overwrite;
//! the other fields go on inheriting. A suspended relationship receives nothing until
//! it is resumed. Only a source's direct live copies are updated by its rollout.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::path::DamPath;
use crate::tag::TagId;

/// The rules deciding what a rollout synchronizes. Only the Standard rollout config
/// exists for assets; the type leaves room for more.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RolloutConfig {
    /// Every inherited field, on demand (Rollout, Synchronize).
    #[default]
    Standard,
}

impl RolloutConfig {
    /// How the API and the catalog name it.
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutConfig::Standard => "standard",
        }
    }

    pub fn parse(raw: &str) -> Option<RolloutConfig> {
        match raw {
            "standard" => Some(RolloutConfig::Standard),
            _ => None,
        }
    }

    /// Its name in the UI.
    pub fn label(self) -> &'static str {
        match self {
            RolloutConfig::Standard => "Standard rollout config",
        }
    }
}

/// A field a live copy inherits from its source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InheritedField {
    /// The original and its renditions.
    Binary,
    Title,
    Description,
    Tags,
    /// One free property, by name.
    Property(String),
}

impl InheritedField {
    /// The longest free property name a field names (as the metadata rules allow).
    const MAX_PROPERTY_NAME: usize = 128;

    /// `binary`, `title`, `description`, `tags` or `property:<name>`: how the API and
    /// the catalog name a field.
    pub fn parse(raw: &str) -> Result<InheritedField, MsmError> {
        match raw {
            "binary" => Ok(InheritedField::Binary),
            "title" => Ok(InheritedField::Title),
            "description" => Ok(InheritedField::Description),
            "tags" => Ok(InheritedField::Tags),
            _ => match raw.strip_prefix("property:") {
                Some(name) if !name.trim().is_empty() && name.len() <= Self::MAX_PROPERTY_NAME && !name.chars().any(char::is_control) => {
                    Ok(InheritedField::Property(name.to_owned()))
                }
                _ => Err(MsmError::UnknownField(raw.chars().take(64).collect())),
            },
        }
    }

    /// How people read it: "Title", "Property sku".
    pub fn label(&self) -> String {
        match self {
            InheritedField::Binary => "Binary".to_owned(),
            InheritedField::Title => "Title".to_owned(),
            InheritedField::Description => "Description".to_owned(),
            InheritedField::Tags => "Tags".to_owned(),
            InheritedField::Property(name) => format!("Property {name}"),
        }
    }
}

impl fmt::Display for InheritedField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InheritedField::Binary => f.write_str("binary"),
            InheritedField::Title => f.write_str("title"),
            InheritedField::Description => f.write_str("description"),
            InheritedField::Tags => f.write_str("tags"),
            InheritedField::Property(name) => write!(f, "property:{name}"),
        }
    }
}

impl Serialize for InheritedField {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for InheritedField {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        InheritedField::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MsmError {
    #[error("\"{0}\" is not an inherited field: use binary, title, description, tags or property:<name>")]
    UnknownField(String),
}

/// What a source or a live copy holds in the inherited fields. `B` names a binary
/// (the catalog's blob of the original; renditions follow it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inherited<B> {
    pub binary: B,
    pub title: String,
    pub description: String,
    pub tags: Vec<TagId>,
    pub properties: BTreeMap<String, String>,
}

/// One field a rollout or a synchronize changes on a live copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldUpdate<B> {
    Binary(B),
    Title(String),
    Description(String),
    Tags(Vec<TagId>),
    /// A property set to the source's value, or removed (`None`) because the source
    /// no longer has it.
    Property {
        name: String,
        value: Option<String>,
    },
}

impl<B> FieldUpdate<B> {
    pub fn field(&self) -> InheritedField {
        match self {
            FieldUpdate::Binary(_) => InheritedField::Binary,
            FieldUpdate::Title(_) => InheritedField::Title,
            FieldUpdate::Description(_) => InheritedField::Description,
            FieldUpdate::Tags(_) => InheritedField::Tags,
            FieldUpdate::Property { name, .. } => InheritedField::Property(name.clone()),
        }
    }
}

/// What a rollout or a synchronize changes on `copy` to follow `source`: every
/// inherited field that differs, except those whose inheritance is `cancelled`.
/// Nothing, when they already agree.
pub fn updates<B: Clone + PartialEq>(source: &Inherited<B>, copy: &Inherited<B>, cancelled: &BTreeSet<InheritedField>) -> Vec<FieldUpdate<B>> {
    let inherits = |field: &InheritedField| !cancelled.contains(field);
    let mut out = Vec::new();
    if inherits(&InheritedField::Binary) && source.binary != copy.binary {
        out.push(FieldUpdate::Binary(source.binary.clone()));
    }
    if inherits(&InheritedField::Title) && source.title != copy.title {
        out.push(FieldUpdate::Title(source.title.clone()));
    }
    if inherits(&InheritedField::Description) && source.description != copy.description {
        out.push(FieldUpdate::Description(source.description.clone()));
    }
    if inherits(&InheritedField::Tags) && source.tags != copy.tags {
        out.push(FieldUpdate::Tags(source.tags.clone()));
    }
    let names: BTreeSet<&String> = source.properties.keys().chain(copy.properties.keys()).collect();
    for name in names {
        let (wanted, held) = (source.properties.get(name), copy.properties.get(name));
        if wanted != held && inherits(&InheritedField::Property(name.clone())) {
            out.push(FieldUpdate::Property { name: name.clone(), value: wanted.cloned() });
        }
    }
    out
}

/// `copy` with `updates` made.
pub fn apply<B>(copy: &mut Inherited<B>, updates: Vec<FieldUpdate<B>>) {
    for update in updates {
        match update {
            FieldUpdate::Binary(b) => copy.binary = b,
            FieldUpdate::Title(t) => copy.title = t,
            FieldUpdate::Description(d) => copy.description = d,
            FieldUpdate::Tags(t) => copy.tags = t,
            FieldUpdate::Property { name, value: Some(v) } => {
                copy.properties.insert(name, v);
            }
            FieldUpdate::Property { name, value: None } => {
                copy.properties.remove(&name);
            }
        }
    }
}

/// Inheritance of `field` enabled again: the field takes the source's value at once.
pub fn reenable<B: Clone + PartialEq>(field: &InheritedField, source: &Inherited<B>, copy: &Inherited<B>) -> Vec<FieldUpdate<B>> {
    let others: BTreeSet<InheritedField> = all_fields(source, copy).into_iter().filter(|f| f != field).collect();
    updates(source, copy, &others)
}

/// Reset: every local modification overwritten, every field inheriting again. What
/// changes on the copy; the caller then clears the cancelled fields.
pub fn reset<B: Clone + PartialEq>(source: &Inherited<B>, copy: &Inherited<B>) -> Vec<FieldUpdate<B>> {
    updates(source, copy, &BTreeSet::new())
}

/// The fields where `copy` differs from `source` but keeps its own value, their
/// inheritance `cancelled`: what a rollout leaves as local modifications.
pub fn kept_local<B: Clone + PartialEq>(source: &Inherited<B>, copy: &Inherited<B>, cancelled: &BTreeSet<InheritedField>) -> Vec<InheritedField> {
    updates(source, copy, &BTreeSet::new()).iter().map(FieldUpdate::field).filter(|f| cancelled.contains(f)).collect()
}

/// Every field where `copy` differs from `source`, and whether the difference is a
/// local modification (its inheritance cancelled) or waits for a rollout.
pub fn differences<B: Clone + PartialEq>(
    source: &Inherited<B>,
    copy: &Inherited<B>,
    cancelled: &BTreeSet<InheritedField>,
) -> Vec<(InheritedField, Difference)> {
    let kind = |f: &InheritedField| if cancelled.contains(f) { Difference::LocalModification } else { Difference::NotRolledOut };
    updates(source, copy, &BTreeSet::new()).iter().map(FieldUpdate::field).map(|f| (f.clone(), kind(&f))).collect()
}

/// Why a live copy's field differs from its source's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Difference {
    /// Its inheritance is cancelled: rollouts leave it.
    LocalModification,
    /// The source changed since the last rollout: the next one brings it.
    NotRolledOut,
}

impl Difference {
    pub fn label(self) -> &'static str {
        match self {
            Difference::LocalModification => "Local modification",
            Difference::NotRolledOut => "Not rolled out yet",
        }
    }
}

/// One field of Compare with source: both values as people read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldDifference {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub field: InheritedField,
    pub source: String,
    pub live_copy: String,
    pub difference: Difference,
}

/// `GET /api/compare-with-source/{path}`: what differs between a live copy and its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceComparison {
    pub path: DamPath,
    pub source: DamPath,
    pub differences: Vec<FieldDifference>,
}

/// Every inherited field either side has.
fn all_fields<B>(source: &Inherited<B>, copy: &Inherited<B>) -> BTreeSet<InheritedField> {
    let mut fields: BTreeSet<InheritedField> =
        [InheritedField::Binary, InheritedField::Title, InheritedField::Description, InheritedField::Tags].into_iter().collect();
    fields.extend(source.properties.keys().chain(copy.properties.keys()).map(|n| InheritedField::Property(n.clone())));
    fields
}

/// When and by whom a live copy was last rolled out to (or synchronized).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RolloutStamp {
    pub at: i64,
    pub by: String,
}

/// A live copy's tie to its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveRelationship {
    pub source: DamPath,
    pub config: RolloutConfig,
    pub suspended: bool,
    pub cancelled: BTreeSet<InheritedField>,
    pub last_rollout: Option<RolloutStamp>,
}

impl LiveRelationship {
    pub fn new(source: DamPath) -> LiveRelationship {
        LiveRelationship { source, config: RolloutConfig::Standard, suspended: false, cancelled: BTreeSet::new(), last_rollout: None }
    }
}

/// How a live copy stands with its source, as the Live Copy Overview shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RelationshipStatus {
    /// Every inheriting field agrees with the source.
    InSync,
    /// The source changed since: a rollout or a synchronize would update it.
    OutOfSync,
    /// Receives nothing until resumed.
    Suspended,
    /// Its source was deleted; it stands on its own, still marked a live copy.
    SourceMissing,
}

impl RelationshipStatus {
    pub fn label(self) -> &'static str {
        match self {
            RelationshipStatus::InSync => "In sync",
            RelationshipStatus::OutOfSync => "Out of sync",
            RelationshipStatus::Suspended => "Suspended",
            RelationshipStatus::SourceMissing => "Source missing",
        }
    }
}

/// The status of a live copy whose source holds `source` (`None`: it was deleted).
pub fn status<B: Clone + PartialEq>(relationship: &LiveRelationship, source: Option<&Inherited<B>>, copy: &Inherited<B>) -> RelationshipStatus {
    match source {
        None => RelationshipStatus::SourceMissing,
        Some(_) if relationship.suspended => RelationshipStatus::Suspended,
        Some(s) if updates(s, copy, &relationship.cancelled).is_empty() => RelationshipStatus::InSync,
        Some(_) => RelationshipStatus::OutOfSync,
    }
}

/// Why a rollout or a synchronize leaves a live copy as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Skipped {
    Suspended,
    /// Asked for by path, but not a direct live copy of this source: a live copy of
    /// a live copy follows its own source only.
    NotADirectLiveCopy,
    /// Its source is gone from the source folder, but pages use it: not removed.
    Referenced,
}

impl Skipped {
    /// Why, as people read it.
    pub fn label(self) -> &'static str {
        match self {
            Skipped::Suspended => "suspended",
            Skipped::NotADirectLiveCopy => "not a direct live copy of this source",
            Skipped::Referenced => "used by pages, so not removed",
        }
    }
}

/// Which of a source's live copies a rollout updates: the `chosen` ones (all when
/// `None`) among its direct live copies, less the suspended ones, which are named
/// with the reason they were skipped.
pub fn rollout_targets<'a>(
    source: &DamPath,
    live_copies: &'a [(DamPath, LiveRelationship)],
    chosen: Option<&[DamPath]>,
) -> (Vec<&'a DamPath>, Vec<(DamPath, Skipped)>) {
    let mut updated = Vec::new();
    let mut skipped = Vec::new();
    let direct = |path: &DamPath| live_copies.iter().find(|(p, r)| p == path && r.source == *source);
    let wanted: Vec<&DamPath> = match chosen {
        Some(paths) => paths.iter().collect(),
        None => live_copies.iter().filter(|(_, r)| r.source == *source).map(|(p, _)| p).collect(),
    };
    for path in wanted {
        match direct(path) {
            Some((p, r)) if r.suspended => skipped.push((p.clone(), Skipped::Suspended)),
            Some((p, _)) => updated.push(p),
            None => skipped.push((path.clone(), Skipped::NotADirectLiveCopy)),
        }
    }
    (updated, skipped)
}

/// What "Rollout Source and all Children" does to one live copy folder, by child
/// name: live copies made of what the source folder gained since, live copies removed
/// for what it no longer has, and the rest updated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderRollout {
    pub create: Vec<String>,
    pub remove: Vec<String>,
    pub update: Vec<String>,
}

/// `source_children`: the names in the source folder. `copy_children`: each name in
/// the live copy folder with the source of its live relationship (`None`: not a live
/// copy, made there locally or detached, so never touched).
pub fn folder_rollout(source_folder: &DamPath, source_children: &BTreeSet<String>, copy_children: &[(String, Option<DamPath>)]) -> FolderRollout {
    let mut plan = FolderRollout::default();
    let follows_source_folder = |source: &DamPath| source.parent().as_ref() == Some(source_folder);
    for name in source_children {
        match copy_children.iter().find(|(n, _)| n == name) {
            None => plan.create.push(name.clone()),
            Some((_, Some(source))) if follows_source_folder(source) && source.name() == name => plan.update.push(name.clone()),
            // A local asset or another relationship holds the name: left alone.
            Some(_) => {}
        }
    }
    for (name, source) in copy_children {
        if let Some(source) = source {
            if follows_source_folder(source) && source.name() == name && !source_children.contains(name) {
                plan.remove.push(name.clone());
            }
        }
    }
    plan
}

/// The most live copies one rollout request may name.
pub const MAX_ROLLOUT_TARGETS: usize = 1000;

/// A live copy and its tie to its source, as the API and the console show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveCopyDto {
    pub path: DamPath,
    /// Its source now (after any move), or the last path it had when deleted.
    pub source: DamPath,
    pub config: RolloutConfig,
    pub suspended: bool,
    /// The fields whose inheritance is cancelled: `title`, `property:sku`, ...
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub cancelled: Vec<InheritedField>,
    pub last_rollout: Option<RolloutStamp>,
    pub status: RelationshipStatus,
}

/// A live copy after Create Live Copy or Synchronize, with the job that walks its
/// children when it is a folder (the Async Jobs page shows its progress).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(from = "crate::wire::LiveCopyResultWire")]
pub struct LiveCopyResult {
    #[serde(flatten)]
    pub live_copy: LiveCopyDto,
    pub job: Option<i64>,
}

/// `POST /api/live-copies`: Create Live Copy of an asset or a folder into a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateLiveCopyRequest {
    pub source: DamPath,
    /// Where the live copy goes: a path that is free, in a folder that exists.
    pub destination: DamPath,
    /// Its title; the source's when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 512))]
    pub title: Option<String>,
    #[serde(default)]
    pub config: RolloutConfig,
    /// For a folder: whether live copies of what it holds are made too (the default),
    /// in a job. Assets have no children.
    #[serde(default)]
    pub include_children: Option<bool>,
}

/// `POST /api/rollout/{source}`: the live copies to update, all when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RolloutRequest {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 1000))]
    pub live_copies: Option<Vec<DamPath>>,
}

/// `GET /api/live-copy-overview/{source folder}`: the Live Copy Overview, every live
/// copy asset below the source folder's live copy folders with its Relationship
/// Status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveCopyOverview {
    pub source: DamPath,
    /// The source folder's direct live copy folders: the folder switcher's choices.
    pub live_copy_folders: Vec<DamPath>,
    /// By path, those the caller may read.
    pub live_copies: Vec<LiveCopyDto>,
    /// Whether the list stopped at [`MAX_OVERVIEW_ROWS`].
    pub truncated: bool,
}

/// The most live copies one Live Copy Overview lists.
pub const MAX_OVERVIEW_ROWS: usize = 10_000;

/// What a rollout would do to one live copy, before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveCopyPreview {
    pub path: DamPath,
    /// The fields it changes: on the asset, or on at least one asset below the folder.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub fields: Vec<InheritedField>,
    /// Fields that differ from the source but stay, their inheritance cancelled.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub kept: Vec<InheritedField>,
    /// For a folder: live copy assets below it whose fields change.
    pub assets_changed: u64,
    /// For a folder: live copies it makes of what the source gained (the first
    /// [`MAX_PREVIEW_PATHS`]), and how many in all.
    pub created: Vec<DamPath>,
    pub created_count: u64,
    /// For a folder: live copies it removes because their source left the source folder.
    pub removed: Vec<DamPath>,
    pub removed_count: u64,
    /// For a folder: live copies below it that are left as they are, and why.
    pub skipped: Vec<SkippedDto>,
}

impl LiveCopyPreview {
    /// A preview of `path` with nothing to do yet.
    pub fn of(path: DamPath) -> LiveCopyPreview {
        LiveCopyPreview {
            path,
            fields: Vec::new(),
            kept: Vec::new(),
            assets_changed: 0,
            created: Vec::new(),
            created_count: 0,
            removed: Vec::new(),
            removed_count: 0,
            skipped: Vec::new(),
        }
    }
}

/// The most paths a preview names in each of its lists.
pub const MAX_PREVIEW_PATHS: usize = 100;

/// `POST /api/rollout-preview/{source}`: what a rollout to the same live copies would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RolloutPreview {
    pub live_copies: Vec<LiveCopyPreview>,
    pub skipped: Vec<SkippedDto>,
}

/// A live copy a rollout left as it was, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkippedDto {
    pub path: DamPath,
    pub reason: Skipped,
}

/// What a rollout did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RolloutDto {
    pub updated: Vec<DamPath>,
    pub skipped: Vec<SkippedDto>,
    /// For a source folder, the jobs that roll it out with all its children, one per
    /// live copy folder in `updated`.
    #[serde(default)]
    pub jobs: Vec<i64>,
}

/// Why an action that would change a live copy's binary is refused, when `asset` is
/// a live copy: its binary follows its source.
pub fn binary_locked(relationship: Option<&LiveRelationship>) -> Option<String> {
    relationship.map(|r| {
        format!("This asset is a Live Copy of {}: its binary follows the source. Change the source and roll it out, or Detach the live copy first.", r.source)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(raw: &str) -> DamPath {
        DamPath::parse(raw).unwrap()
    }

    fn state(binary: &str, title: &str, props: &[(&str, &str)]) -> Inherited<String> {
        Inherited {
            binary: binary.to_owned(),
            title: title.to_owned(),
            description: String::new(),
            tags: Vec::new(),
            properties: props.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        }
    }

    #[test]
    fn fields_are_named_the_same_way_both_ways() {
        for raw in ["binary", "title", "description", "tags", "property:sku"] {
            assert_eq!(InheritedField::parse(raw).unwrap().to_string(), raw);
        }
        assert_eq!(InheritedField::parse("property:sku").unwrap().label(), "Property sku");
        for bad in ["", "Title", "property:", "property: ", "renditions", "property:a\u{0}b"] {
            assert!(InheritedField::parse(bad).is_err(), "{bad:?}");
        }
        assert!(InheritedField::parse(&format!("property:{}", "x".repeat(129))).is_err());
        let json = serde_json::to_string(&InheritedField::Property("sku".into())).unwrap();
        assert_eq!(json, "\"property:sku\"");
        assert!(serde_json::from_str::<InheritedField>("\"colour\"").is_err());
    }

    #[test]
    fn a_rollout_brings_every_inheriting_field_and_keeps_local_modifications() {
        let source = state("b2", "New title", &[("sku", "B-2"), ("season", "spring")]);
        let copy = state("b1", "Local title", &[("sku", "B-1"), ("region", "EU")]);
        let cancelled: BTreeSet<_> = [InheritedField::Title, InheritedField::Property("region".into())].into_iter().collect();
        let changes = updates(&source, &copy, &cancelled);
        let fields: Vec<InheritedField> = changes.iter().map(FieldUpdate::field).collect();
        assert_eq!(fields, [InheritedField::Binary, InheritedField::Property("season".into()), InheritedField::Property("sku".into())]);
        let mut after = copy.clone();
        apply(&mut after, changes);
        assert_eq!(after.binary, "b2");
        assert_eq!(after.title, "Local title", "a cancelled field is never overwritten");
        assert_eq!(after.properties.get("region").map(String::as_str), Some("EU"), "a local property whose inheritance is cancelled stays");
        assert_eq!(after.properties.get("sku").map(String::as_str), Some("B-2"));
        assert!(updates(&source, &after, &cancelled).is_empty(), "a second rollout changes nothing");
    }

    #[test]
    fn a_property_the_source_dropped_goes_unless_kept_locally() {
        let source = state("b", "t", &[]);
        let copy = state("b", "t", &[("sku", "B-1")]);
        assert_eq!(updates(&source, &copy, &BTreeSet::new()), [FieldUpdate::Property { name: "sku".into(), value: None }]);
        let kept: BTreeSet<_> = [InheritedField::Property("sku".into())].into_iter().collect();
        assert!(updates(&source, &copy, &kept).is_empty());
    }

    #[test]
    fn reenabling_a_field_takes_the_source_value_of_that_field_only() {
        let source = state("b2", "Source", &[("sku", "B-2")]);
        let copy = state("b1", "Local", &[("sku", "B-1")]);
        assert_eq!(reenable(&InheritedField::Title, &source, &copy), [FieldUpdate::Title("Source".into())]);
        assert_eq!(reset(&source, &copy).len(), 3, "reset overwrites everything at once");
    }

    #[test]
    fn status_follows_suspension_source_and_changes() {
        let source = state("b", "t", &[]);
        let mut relationship = LiveRelationship::new(p("/content/dam/a.png"));
        assert_eq!(status(&relationship, Some(&source), &source), RelationshipStatus::InSync);
        assert_eq!(status(&relationship, Some(&state("b", "changed", &[])), &source), RelationshipStatus::OutOfSync);
        relationship.cancelled.insert(InheritedField::Title);
        assert_eq!(status(&relationship, Some(&state("b", "changed", &[])), &source), RelationshipStatus::InSync, "cancelled fields are not out of sync");
        relationship.suspended = true;
        assert_eq!(status(&relationship, Some(&source), &source), RelationshipStatus::Suspended);
        assert_eq!(status::<String>(&relationship, None, &source), RelationshipStatus::SourceMissing);
    }

    #[test]
    fn a_rollout_reaches_direct_live_copies_only_and_skips_suspended_ones() {
        let source = p("/content/dam/a.png");
        let mut suspended = LiveRelationship::new(source.clone());
        suspended.suspended = true;
        let copies = vec![
            (p("/content/dam/en/a.png"), LiveRelationship::new(source.clone())),
            (p("/content/dam/fr/a.png"), suspended),
            (p("/content/dam/fr-ca/a.png"), LiveRelationship::new(p("/content/dam/fr/a.png"))),
        ];
        let (updated, skipped) = rollout_targets(&source, &copies, None);
        assert_eq!(updated, [&p("/content/dam/en/a.png")]);
        assert_eq!(skipped, [(p("/content/dam/fr/a.png"), Skipped::Suspended)]);
        let chosen = [p("/content/dam/fr-ca/a.png")];
        let (updated, skipped) = rollout_targets(&source, &copies, Some(&chosen));
        assert!(updated.is_empty());
        assert_eq!(skipped, [(p("/content/dam/fr-ca/a.png"), Skipped::NotADirectLiveCopy)], "a live copy of a live copy follows its own source");
    }

    #[test]
    fn a_folder_rollout_adds_what_the_source_gained_and_removes_what_it_lost() {
        let source = p("/content/dam/campaign");
        let names: BTreeSet<String> = ["a.png", "new.png"].into_iter().map(String::from).collect();
        let copy = vec![
            ("a.png".to_owned(), Some(p("/content/dam/campaign/a.png"))),
            ("gone.png".to_owned(), Some(p("/content/dam/campaign/gone.png"))),
            ("local.png".to_owned(), None),
            ("other.png".to_owned(), Some(p("/content/dam/elsewhere/other.png"))),
        ];
        let plan = folder_rollout(&source, &names, &copy);
        assert_eq!(plan.create, ["new.png"]);
        assert_eq!(plan.remove, ["gone.png"]);
        assert_eq!(plan.update, ["a.png"]);
        let occupied = vec![("new.png".to_owned(), None)];
        assert!(folder_rollout(&source, &names, &occupied).create == ["a.png"], "a local asset keeps its name");
    }

    #[test]
    fn a_live_copy_binary_is_locked_with_the_reason() {
        assert_eq!(binary_locked(None), None);
        let reason = binary_locked(Some(&LiveRelationship::new(p("/content/dam/a.png")))).unwrap();
        assert!(reason.contains("Live Copy of /content/dam/a.png"), "{reason}");
    }

    fn arb_state() -> impl Strategy<Value = Inherited<u8>> {
        (0u8..3, "[ab]{0,2}", "[ab]{0,2}", proptest::collection::btree_map("[pq]", "[xy]", 0..3))
            .prop_map(|(binary, title, description, properties)| Inherited { binary, title, description, tags: Vec::new(), properties })
    }

    fn arb_cancelled() -> impl Strategy<Value = BTreeSet<InheritedField>> {
        proptest::collection::btree_set(
            prop_oneof![
                Just(InheritedField::Binary),
                Just(InheritedField::Title),
                Just(InheritedField::Description),
                Just(InheritedField::Property("p".into())),
                Just(InheritedField::Property("q".into())),
            ],
            0..4,
        )
    }

    #[test]
    fn differences_say_which_are_local() {
        let source =
            Inherited { binary: 1, title: "A".into(), description: "d".into(), tags: vec![], properties: BTreeMap::from([("sku".into(), "1".into())]) };
        let copy = Inherited { binary: 1, title: "B".into(), description: "e".into(), tags: vec![], properties: BTreeMap::new() };
        let cancelled = BTreeSet::from([InheritedField::Title]);
        assert_eq!(
            differences(&source, &copy, &cancelled),
            [
                (InheritedField::Title, Difference::LocalModification),
                (InheritedField::Description, Difference::NotRolledOut),
                (InheritedField::Property("sku".into()), Difference::NotRolledOut)
            ]
        );
        assert_eq!(kept_local(&source, &copy, &cancelled), [InheritedField::Title]);
        assert!(differences(&source, &source, &cancelled).is_empty());
    }

    proptest! {
        #[test]
        fn after_an_update_inheriting_fields_match_and_cancelled_ones_are_untouched(source in arb_state(), copy in arb_state(), cancelled in arb_cancelled()) {
            let mut after = copy.clone();
            apply(&mut after, updates(&source, &copy, &cancelled));
            prop_assert!(updates(&source, &after, &cancelled).is_empty());
            let keeps = |f: InheritedField| cancelled.contains(&f);
            prop_assert_eq!(after.binary, if keeps(InheritedField::Binary) { copy.binary } else { source.binary });
            prop_assert_eq!(&after.title, if keeps(InheritedField::Title) { &copy.title } else { &source.title });
            for name in ["p", "q"] {
                let expected = if keeps(InheritedField::Property(name.into())) { copy.properties.get(name) } else { source.properties.get(name) };
                prop_assert_eq!(after.properties.get(name), expected);
            }
        }
    }
}
