//! PostgreSQL side of collections and share links.

use postgres::GenericClient;
use tessera_model::{DamPath, SearchQuery};
use tessera_repo::collections::{CollectionAccess, CollectionCatalog, CollectionRecord, MAX_COLLECTION_ASSETS};
use tessera_repo::shares::{NewShareLink, ShareCatalog, ShareLinkRecord};
use tessera_repo::{AssetRecord, RepoError};

use crate::error::Db;
use crate::{asset_id, assets_by_ids, PostgresCatalog};

fn query_json(query: Option<&SearchQuery>) -> Result<Option<String>, RepoError> {
    query.map(|q| serde_json::to_string(q).map_err(|e| RepoError::Internal(e.to_string()))).transpose()
}

fn load_collection(c: &mut impl GenericClient, id: i64) -> Result<Option<CollectionRecord>, RepoError> {
    let Some(row) = c.query_opt("SELECT id, title, owner, query, created_at, modified_at FROM collections WHERE id = $1", &[&id]).db()? else {
        return Ok(None);
    };
    let query = row
        .get::<_, Option<&str>>(3)
        .map(|q| serde_json::from_str::<SearchQuery>(q).map_err(|e| RepoError::Internal(format!("bad saved search in catalog: {e}"))))
        .transpose()?;
    let shares = c
        .query("SELECT grp, access FROM collection_shares WHERE collection_id = $1 ORDER BY grp", &[&id])
        .db()?
        .iter()
        .map(|r| Ok((r.get::<_, String>(0), CollectionAccess::parse(r.get(1))?)))
        .collect::<Result<_, RepoError>>()?;
    Ok(Some(CollectionRecord { id: row.get(0), title: row.get(1), owner: row.get(2), query, shares, created_at: row.get(4), modified_at: row.get(5) }))
}

/// Locks the collection's row for the transaction, or says it does not exist.
fn lock_collection(c: &mut impl GenericClient, id: i64) -> Result<(), RepoError> {
    c.query_opt("SELECT id FROM collections WHERE id = $1 FOR UPDATE", &[&id]).db()?.map(|_| ()).ok_or(RepoError::NoSuchCollection(id))
}

impl CollectionCatalog for PostgresCatalog {
    fn create_collection(&self, title: &str, owner: &str, query: Option<&SearchQuery>, now: i64) -> Result<CollectionRecord, RepoError> {
        let mut c = self.client()?;
        let id: i64 = c
            .query_one(
                "INSERT INTO collections (title, owner, query, created_at, modified_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
                &[&title, &owner, &query_json(query)?, &now],
            )
            .db()?
            .get(0);
        load_collection(&mut *c, id)?.ok_or_else(|| RepoError::Internal("a new collection is gone".into()))
    }

    fn collection(&self, id: i64) -> Result<Option<CollectionRecord>, RepoError> {
        load_collection(&mut *self.client()?, id)
    }

    fn collections(&self) -> Result<Vec<CollectionRecord>, RepoError> {
        let mut c = self.client()?;
        let ids: Vec<i64> = c.query("SELECT id FROM collections ORDER BY title COLLATE \"C\", id", &[]).db()?.iter().map(|r| r.get(0)).collect();
        ids.into_iter().filter_map(|id| load_collection(&mut *c, id).transpose()).collect()
    }

    fn rename_collection(&self, id: i64, title: &str, now: i64) -> Result<(), RepoError> {
        let n = self.client()?.execute("UPDATE collections SET title = $2, modified_at = $3 WHERE id = $1", &[&id, &title, &now]).db()?;
        if n == 0 {
            return Err(RepoError::NoSuchCollection(id));
        }
        Ok(())
    }

    fn delete_collection(&self, id: i64) -> Result<(), RepoError> {
        let n = self.client()?.execute("DELETE FROM collections WHERE id = $1", &[&id]).db()?;
        if n == 0 {
            return Err(RepoError::NoSuchCollection(id));
        }
        Ok(())
    }

    fn add_to_collection(&self, id: i64, paths: &[DamPath], now: i64) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        lock_collection(&mut tx, id)?;
        let mut position: i64 = tx.query_one("SELECT coalesce(max(position), 0)::BIGINT FROM collection_assets WHERE collection_id = $1", &[&id]).db()?.get(0);
        for path in paths {
            let asset = asset_id(&mut tx, path)?;
            position += 1;
            tx.execute(
                "INSERT INTO collection_assets (collection_id, asset_id, added_at, position) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&id, &asset, &now, &position],
            )
            .db()?;
        }
        let count: i64 = tx.query_one("SELECT count(*) FROM collection_assets WHERE collection_id = $1", &[&id]).db()?.get(0);
        if count as usize > MAX_COLLECTION_ASSETS {
            return Err(RepoError::BadQuery(format!("A collection holds at most {MAX_COLLECTION_ASSETS} assets.")));
        }
        tx.execute("UPDATE collections SET modified_at = $2 WHERE id = $1", &[&id, &now]).db()?;
        tx.commit().db()
    }

    fn remove_from_collection(&self, id: i64, paths: &[DamPath], now: i64) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        lock_collection(&mut tx, id)?;
        let paths: Vec<&str> = paths.iter().map(|p| p.as_str()).collect();
        tx.execute("DELETE FROM collection_assets WHERE collection_id = $1 AND asset_id IN (SELECT id FROM assets WHERE path = ANY($2))", &[&id, &paths])
            .db()?;
        tx.execute("UPDATE collections SET modified_at = $2 WHERE id = $1", &[&id, &now]).db()?;
        tx.commit().db()
    }

    fn collection_assets(&self, id: i64) -> Result<Vec<AssetRecord>, RepoError> {
        let mut c = self.client()?;
        if load_collection(&mut *c, id)?.is_none() {
            return Err(RepoError::NoSuchCollection(id));
        }
        let ids: Vec<i64> =
            c.query("SELECT asset_id FROM collection_assets WHERE collection_id = $1 ORDER BY position", &[&id]).db()?.iter().map(|r| r.get(0)).collect();
        assets_by_ids(&mut *c, &ids)
    }

    fn share_collection(&self, id: i64, group: &str, access: Option<CollectionAccess>) -> Result<(), RepoError> {
        let mut c = self.client()?;
        if load_collection(&mut *c, id)?.is_none() {
            return Err(RepoError::NoSuchCollection(id));
        }
        match access {
            None => c.execute("DELETE FROM collection_shares WHERE collection_id = $1 AND grp = $2", &[&id, &group]),
            Some(a) => c.execute(
                "INSERT INTO collection_shares (collection_id, grp, access) VALUES ($1, $2, $3) ON CONFLICT (collection_id, grp) DO UPDATE SET access = excluded.access",
                &[&id, &group, &a.as_str()],
            ),
        }
        .db()?;
        Ok(())
    }
}

fn load_link(c: &mut impl GenericClient, row: Option<postgres::Row>) -> Result<Option<ShareLinkRecord>, RepoError> {
    let Some(row) = row else {
        return Ok(None);
    };
    let id: i64 = row.get(0);
    let assets = c
        .query("SELECT a.path FROM share_link_assets s JOIN assets a ON a.id = s.asset_id WHERE s.link_id = $1 ORDER BY s.position", &[&id])
        .db()?
        .iter()
        .map(|r| Ok(DamPath::parse(r.get::<_, &str>(0))?))
        .collect::<Result<_, RepoError>>()?;
    Ok(Some(ShareLinkRecord { id, created_by: row.get(1), created_at: row.get(2), expires_at: row.get(3), revoked_at: row.get(4), assets }))
}

const LINK_COLUMNS: &str = "id, created_by, created_at, expires_at, revoked_at";

impl ShareCatalog for PostgresCatalog {
    fn create_share_link(&self, link: &NewShareLink) -> Result<i64, RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO share_links (token_hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[&link.token_hash, &link.created_by, &link.created_at, &link.expires_at],
            )
            .db()?
            .get(0);
        for (position, path) in link.assets.iter().enumerate() {
            let asset = asset_id(&mut tx, path)?;
            tx.execute(
                "INSERT INTO share_link_assets (link_id, asset_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&id, &asset, &(position as i64)],
            )
            .db()?;
        }
        tx.commit().db()?;
        Ok(id)
    }

    fn share_link_by_token(&self, token_hash: &str) -> Result<Option<ShareLinkRecord>, RepoError> {
        let mut c = self.client()?;
        let row = c.query_opt(&format!("SELECT {LINK_COLUMNS} FROM share_links WHERE token_hash = $1"), &[&token_hash]).db()?;
        load_link(&mut *c, row)
    }

    fn share_link(&self, id: i64) -> Result<Option<ShareLinkRecord>, RepoError> {
        let mut c = self.client()?;
        let row = c.query_opt(&format!("SELECT {LINK_COLUMNS} FROM share_links WHERE id = $1"), &[&id]).db()?;
        load_link(&mut *c, row)
    }

    fn share_links_of(&self, user: &str) -> Result<Vec<ShareLinkRecord>, RepoError> {
        let mut c = self.client()?;
        let rows = c.query(&format!("SELECT {LINK_COLUMNS} FROM share_links WHERE created_by = $1 ORDER BY created_at DESC, id DESC"), &[&user]).db()?;
        rows.into_iter().filter_map(|row| load_link(&mut *c, Some(row)).transpose()).collect()
    }

    fn revoke_share_link(&self, id: i64, now: i64) -> Result<(), RepoError> {
        let n = self.client()?.execute("UPDATE share_links SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1", &[&id, &now]).db()?;
        if n == 0 {
            return Err(RepoError::NoSuchShareLink);
        }
        Ok(())
    }
}
