//! What a search returns, and the cursor every catalog backend pages with.
//!
//! A cursor carries the snapshot (`as_of`, the highest asset id when the first page
//! was read) and the last row's sort key and id. Later pages never show assets added
//! after the first page and never repeat or skip one that was there.

use serde::{Deserialize, Serialize};

use crate::catalog::AssetRecord;
use crate::error::RepoError;

pub struct SearchPage {
    pub assets: Vec<AssetRecord>,
    pub next_cursor: Option<String>,
    /// Counted on the first page only, up to [`tessera_model::COUNT_LIMIT`].
    pub total: Option<u64>,
    /// Whether more than `total` match.
    pub more_than_total: bool,
}

/// Where the next page starts. Opaque to clients: hex of JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchCursor {
    pub as_of: i64,
    /// The last row's sort key: a number or a string.
    pub key: serde_json::Value,
    pub id: i64,
}

impl SearchCursor {
    pub fn encode(&self) -> String {
        hex::encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(raw: &str) -> Result<SearchCursor, RepoError> {
        let bytes = hex::decode(raw).map_err(|_| Self::foreign())?;
        serde_json::from_slice(&bytes).map_err(|_| Self::foreign())
    }

    /// The relevance tier a cursor stopped in, one of `tiers`: its key.
    pub fn tier(&self, tiers: usize) -> Result<usize, RepoError> {
        self.key.as_u64().and_then(|t| usize::try_from(t).ok()).filter(|&t| t < tiers).ok_or_else(Self::foreign)
    }

    /// The refusal for a cursor this server did not give out.
    pub fn foreign() -> RepoError {
        RepoError::BadQuery("the cursor is not one this server gave out".into())
    }
}
