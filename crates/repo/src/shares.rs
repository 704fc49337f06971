//! Share links: anyone with the link downloads the assets it names until it expires
//! or is revoked. The token is 256 random bits, shown once; catalogs keep only its
//! SHA-256, so a copy of the database shares nothing.

use sha2::{Digest, Sha256};
use tessera_model::DamPath;

use crate::catalog::AssetRecord;
use crate::collections::MAX_ASSETS_PER_REQUEST;
use crate::error::RepoError;
use crate::{unix_now, Repo};

/// A share link as stored: never its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareLinkRecord {
    pub id: i64,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    /// The assets it shares that still exist, in the order given.
    pub assets: Vec<DamPath>,
}

impl ShareLinkRecord {
    pub fn is_valid_at(&self, now: i64) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// A new link, before it is stored.
#[derive(Debug, Clone)]
pub struct NewShareLink {
    pub token_hash: String,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub assets: Vec<DamPath>,
}

pub trait ShareCatalog {
    /// Stores a link to assets that must all exist; returns its id.
    fn create_share_link(&self, link: &NewShareLink) -> Result<i64, RepoError>;
    fn share_link_by_token(&self, token_hash: &str) -> Result<Option<ShareLinkRecord>, RepoError>;
    fn share_link(&self, id: i64) -> Result<Option<ShareLinkRecord>, RepoError>;
    /// The links `user` made, newest first.
    fn share_links_of(&self, user: &str) -> Result<Vec<ShareLinkRecord>, RepoError>;
    fn revoke_share_link(&self, id: i64, now: i64) -> Result<(), RepoError>;
}

/// Days a link lasts unless its maker says otherwise, and at most.
pub const DEFAULT_SHARE_DAYS: u32 = 7;
pub const MAX_SHARE_DAYS: u32 = 365;

/// The catalog's form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh token: 32 random bytes, hex.
fn new_token() -> Result<String, RepoError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| RepoError::Internal(format!("no randomness for a share token: {e}")))?;
    Ok(hex::encode(bytes))
}

/// A token can only be one of ours if it has the shape of one; anything else is
/// refused without a catalog look-up.
fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Repo {
    /// Makes a link to `assets` (which the caller has checked they may read) that
    /// lasts `days`; returns it with its token, which is never readable again.
    pub async fn create_share_link(&self, by: &str, assets: Vec<DamPath>, days: u32) -> Result<(ShareLinkRecord, String), RepoError> {
        if assets.is_empty() || assets.len() > MAX_ASSETS_PER_REQUEST {
            return Err(RepoError::BadQuery(format!("Share 1 to {MAX_ASSETS_PER_REQUEST} assets.")));
        }
        if days == 0 || days > MAX_SHARE_DAYS {
            return Err(RepoError::BadQuery(format!("A link lasts 1 to {MAX_SHARE_DAYS} days.")));
        }
        let token = new_token()?;
        let now = unix_now();
        let link =
            NewShareLink { token_hash: token_hash(&token), created_by: by.to_owned(), created_at: now, expires_at: now + i64::from(days) * 86_400, assets };
        let id = self.with_catalog(move |c| c.create_share_link(&link)).await?;
        let record = self.with_catalog(move |c| c.share_link(id)).await?.ok_or_else(|| RepoError::Internal("a new share link is gone".into()))?;
        Ok((record, token))
    }

    /// The link a token opens, if it is valid now: wrong, expired and revoked are
    /// the same refusal, so a guess learns nothing.
    pub async fn open_share_link(&self, token: &str) -> Result<ShareLinkRecord, RepoError> {
        if !plausible(token) {
            return Err(RepoError::NoSuchShareLink);
        }
        let hash = token_hash(token);
        let link = self.with_catalog(move |c| c.share_link_by_token(&hash)).await?;
        link.filter(|l| l.is_valid_at(unix_now())).ok_or(RepoError::NoSuchShareLink)
    }

    /// An asset a valid link shares.
    pub async fn shared_asset(&self, token: &str, path: &DamPath) -> Result<AssetRecord, RepoError> {
        let link = self.open_share_link(token).await?;
        if !link.assets.contains(path) {
            return Err(RepoError::NoSuchShareLink);
        }
        self.asset(path).await.map_err(|_| RepoError::NoSuchShareLink)
    }

    pub async fn share_links_of(&self, user: &str) -> Result<Vec<ShareLinkRecord>, RepoError> {
        let user = user.to_owned();
        self.with_catalog(move |c| c.share_links_of(&user)).await
    }

    /// Revokes a link: its maker's own, or any by an administrator (`as_administrator`
    /// says which the caller is).
    pub async fn revoke_share_link(&self, id: i64, by: &str, as_administrator: AdministratorOrNot) -> Result<(), RepoError> {
        let link = self.with_catalog(move |c| c.share_link(id)).await?.ok_or(RepoError::NoSuchShareLink)?;
        if link.created_by != by && as_administrator == AdministratorOrNot::NotAdministrator {
            return Err(RepoError::NoSuchShareLink);
        }
        self.with_catalog(move |c| c.revoke_share_link(id, unix_now())).await
    }
}

/// Whether the caller is an administrator, who may revoke anyone's link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdministratorOrNot {
    Administrator,
    NotAdministrator,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_and_stored_as_hashes() {
        let token = new_token().unwrap();
        assert!(plausible(&token));
        assert_ne!(token, new_token().unwrap());
        assert_eq!(token_hash(&token).len(), 64);
        assert_ne!(token_hash(&token), token);
        assert!(!plausible("../etc") && !plausible(&"g".repeat(64)));
    }
}
