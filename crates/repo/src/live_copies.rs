//! Live relationships (MSM for Assets): which asset or folder is a live copy of which
//! source, and the state of that tie. The rules of what a rollout changes are in
//! `tessera_model::msm`; catalogs keep the ties by the identity of both ends, so
//! moving either keeps the relationship, deleting a live copy removes it, and deleting
//! a source leaves its live copies standing with their source missing.

use tessera_model::msm::LiveRelationship;
use tessera_model::DamPath;

use crate::error::RepoError;

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
    /// Detach: the tie goes for good. Whether there was one.
    fn remove_live_relationship(&self, copy: &DamPath) -> Result<bool, RepoError>;
}

/// The refusal for a tie between ends of different kinds or an end tied to itself.
pub fn refused_tie(copy: &DamPath, source: &DamPath) -> RepoError {
    if copy == source {
        RepoError::BadQuery(format!("{copy} cannot be a live copy of itself."))
    } else {
        RepoError::BadQuery(format!("{copy} and {source} are not both assets or both folders."))
    }
}
