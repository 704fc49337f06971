//! What a search returns, and the cursor every catalog backend pages with.
//!
//! A cursor carries the snapshot (`as_of`, the highest asset id when the first page
//! was read) and the last row's sort key and id. Later pages never show assets added
//! after the first page and never repeat or skip one that was there.

use serde::{Deserialize, Serialize};

use tessera_model::MatchCount;

use crate::catalog::AssetRecord;
use crate::error::RepoError;

pub struct SearchPage {
    pub assets: Vec<AssetRecord>,
    pub next_cursor: Option<String>,
    /// On the first page only: counted up to [`tessera_model::COUNT_LIMIT`], or
    /// estimated where the catalog can and counting would stop at the limit anyway.
    pub total: Option<MatchCount>,
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

/// The SQL condition on an asset row `a` for a search's kind, the same text on every
/// catalog: an SVG is a document.
pub fn kind_sql(kind: tessera_model::AssetKind) -> &'static str {
    match kind {
        tessera_model::AssetKind::Image => "(a.mime LIKE 'image/%' AND a.mime <> 'image/svg+xml')",
        tessera_model::AssetKind::Document => "(a.mime NOT LIKE 'image/%' OR a.mime = 'image/svg+xml')",
    }
}

/// The SQL condition on an asset row `a` for a search's orientation, the same text
/// on every catalog: an asset without dimensions has none.
pub fn orientation_sql(orientation: tessera_model::Orientation) -> &'static str {
    match orientation {
        tessera_model::Orientation::Landscape => "a.width > a.height",
        tessera_model::Orientation::Portrait => "a.width < a.height",
        tessera_model::Orientation::Square => "a.width = a.height",
    }
}
