//! SQLite side of collections and share links.

use rusqlite::{params, Connection, OptionalExtension};
use tessera_model::{DamPath, SearchQuery};
use tessera_repo::collections::{CollectionAccess, CollectionCatalog, CollectionRecord, MAX_COLLECTION_ASSETS};
use tessera_repo::shares::{NewShareLink, ShareCatalog, ShareLinkRecord};
use tessera_repo::{AssetRecord, RepoError};

use crate::error::Db;
use crate::{asset_from_row, asset_id, complete_assets, SqliteCatalog, ASSET_COLUMNS, ASSET_FROM};

fn query_json(query: Option<&SearchQuery>) -> Result<Option<String>, RepoError> {
    query.map(|q| serde_json::to_string(q).map_err(|e| RepoError::Internal(e.to_string()))).transpose()
}

fn load_collection(conn: &Connection, id: i64) -> Result<Option<CollectionRecord>, RepoError> {
    let row = conn
        .query_row("SELECT id, title, owner, query, created_at, modified_at FROM collections WHERE id = ?1", [id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?, r.get(4)?, r.get(5)?))
        })
        .optional()
        .db()?;
    let Some((id, title, owner, query, created_at, modified_at)) = row else {
        return Ok(None);
    };
    let query =
        query.map(|q| serde_json::from_str::<SearchQuery>(&q).map_err(|e| RepoError::Internal(format!("bad saved search in catalog: {e}")))).transpose()?;
    let mut stmt = conn.prepare_cached("SELECT grp, access FROM collection_shares WHERE collection_id = ?1 ORDER BY grp").db()?;
    let shares = stmt
        .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .db()?
        .map(|r| {
            let (group, access) = r.db()?;
            Ok((group, CollectionAccess::parse(&access)?))
        })
        .collect::<Result<_, RepoError>>()?;
    Ok(Some(CollectionRecord { id, title, owner, query, shares, created_at, modified_at }))
}

fn exists(conn: &Connection, id: i64) -> Result<(), RepoError> {
    let found: Option<i64> = conn.query_row("SELECT id FROM collections WHERE id = ?1", [id], |r| r.get(0)).optional().db()?;
    found.map(|_| ()).ok_or(RepoError::NoSuchCollection(id))
}

impl CollectionCatalog for SqliteCatalog {
    fn create_collection(&self, title: &str, owner: &str, query: Option<&SearchQuery>, now: i64) -> Result<CollectionRecord, RepoError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO collections (title, owner, query, created_at, modified_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![title, owner, query_json(query)?, now],
        )
        .db()?;
        load_collection(&conn, conn.last_insert_rowid())?.ok_or_else(|| RepoError::Internal("a new collection is gone".into()))
    }

    fn collection(&self, id: i64) -> Result<Option<CollectionRecord>, RepoError> {
        load_collection(&self.conn(), id)
    }

    fn collections(&self) -> Result<Vec<CollectionRecord>, RepoError> {
        let conn = self.conn();
        let ids: Vec<i64> =
            conn.prepare_cached("SELECT id FROM collections ORDER BY title, id").db()?.query_map([], |r| r.get(0)).db()?.collect::<Result<_, _>>().db()?;
        ids.into_iter().filter_map(|id| load_collection(&conn, id).transpose()).collect()
    }

    fn rename_collection(&self, id: i64, title: &str, now: i64) -> Result<(), RepoError> {
        let n = self.conn().execute("UPDATE collections SET title = ?2, modified_at = ?3 WHERE id = ?1", params![id, title, now]).db()?;
        if n == 0 {
            return Err(RepoError::NoSuchCollection(id));
        }
        Ok(())
    }

    fn delete_collection(&self, id: i64) -> Result<(), RepoError> {
        let n = self.conn().execute("DELETE FROM collections WHERE id = ?1", [id]).db()?;
        if n == 0 {
            return Err(RepoError::NoSuchCollection(id));
        }
        Ok(())
    }

    fn add_to_collection(&self, id: i64, paths: &[DamPath], now: i64) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        exists(&tx, id)?;
        let mut position: i64 = tx.query_row("SELECT coalesce(max(position), 0) FROM collection_assets WHERE collection_id = ?1", [id], |r| r.get(0)).db()?;
        for path in paths {
            let asset = asset_id(&tx, path)?;
            position += 1;
            tx.execute(
                "INSERT OR IGNORE INTO collection_assets (collection_id, asset_id, added_at, position) VALUES (?1, ?2, ?3, ?4)",
                params![id, asset, now, position],
            )
            .db()?;
        }
        let count: i64 = tx.query_row("SELECT count(*) FROM collection_assets WHERE collection_id = ?1", [id], |r| r.get(0)).db()?;
        if count as usize > MAX_COLLECTION_ASSETS {
            return Err(RepoError::BadQuery(format!("A collection holds at most {MAX_COLLECTION_ASSETS} assets.")));
        }
        tx.execute("UPDATE collections SET modified_at = ?2 WHERE id = ?1", params![id, now]).db()?;
        tx.commit().db()
    }

    fn remove_from_collection(&self, id: i64, paths: &[DamPath], now: i64) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        exists(&tx, id)?;
        for path in paths {
            tx.execute(
                "DELETE FROM collection_assets WHERE collection_id = ?1 AND asset_id = (SELECT id FROM assets WHERE path = ?2)",
                params![id, path.as_str()],
            )
            .db()?;
        }
        tx.execute("UPDATE collections SET modified_at = ?2 WHERE id = ?1", params![id, now]).db()?;
        tx.commit().db()
    }

    fn collection_assets(&self, id: i64) -> Result<Vec<AssetRecord>, RepoError> {
        let conn = self.conn();
        exists(&conn, id)?;
        let rows = conn
            .prepare_cached(&format!(
                "SELECT {ASSET_COLUMNS} FROM {ASSET_FROM} JOIN collection_assets c ON c.asset_id = a.id WHERE c.collection_id = ?1 ORDER BY c.position"
            ))
            .db()?
            .query_map([id], asset_from_row)
            .db()?
            .collect::<Result<Vec<_>, _>>()
            .db()?;
        complete_assets(&conn, rows)
    }

    fn share_collection(&self, id: i64, group: &str, access: Option<CollectionAccess>) -> Result<(), RepoError> {
        let conn = self.conn();
        exists(&conn, id)?;
        match access {
            None => conn.execute("DELETE FROM collection_shares WHERE collection_id = ?1 AND grp = ?2", params![id, group]),
            Some(a) => conn.execute(
                "INSERT INTO collection_shares (collection_id, grp, access) VALUES (?1, ?2, ?3) ON CONFLICT (collection_id, grp) DO UPDATE SET access = excluded.access",
                params![id, group, a.as_str()],
            ),
        }
        .db()?;
        Ok(())
    }
}

fn load_link(conn: &Connection, where_clause: &str, key: &dyn rusqlite::ToSql) -> Result<Option<ShareLinkRecord>, RepoError> {
    let row = conn
        .query_row(&format!("SELECT id, created_by, created_at, expires_at, revoked_at FROM share_links WHERE {where_clause}"), [key], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()
        .db()?;
    let Some((id, created_by, created_at, expires_at, revoked_at)) = row else {
        return Ok(None);
    };
    let mut stmt =
        conn.prepare_cached("SELECT a.path FROM share_link_assets s JOIN assets a ON a.id = s.asset_id WHERE s.link_id = ?1 ORDER BY s.position").db()?;
    let assets = stmt.query_map([id], |r| r.get::<_, String>(0)).db()?.map(|p| Ok(DamPath::parse(&p.db()?)?)).collect::<Result<_, RepoError>>()?;
    Ok(Some(ShareLinkRecord { id, created_by, created_at, expires_at, revoked_at, assets }))
}

impl ShareCatalog for SqliteCatalog {
    fn create_share_link(&self, link: &NewShareLink) -> Result<i64, RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        tx.execute(
            "INSERT INTO share_links (token_hash, created_by, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![link.token_hash, link.created_by, link.created_at, link.expires_at],
        )
        .db()?;
        let id = tx.last_insert_rowid();
        for (position, path) in link.assets.iter().enumerate() {
            let asset = asset_id(&tx, path)?;
            tx.execute("INSERT OR IGNORE INTO share_link_assets (link_id, asset_id, position) VALUES (?1, ?2, ?3)", params![id, asset, position as i64])
                .db()?;
        }
        tx.commit().db()?;
        Ok(id)
    }

    fn share_link_by_token(&self, token_hash: &str) -> Result<Option<ShareLinkRecord>, RepoError> {
        load_link(&self.conn(), "token_hash = ?1", &token_hash)
    }

    fn share_link(&self, id: i64) -> Result<Option<ShareLinkRecord>, RepoError> {
        load_link(&self.conn(), "id = ?1", &id)
    }

    fn share_links_of(&self, user: &str) -> Result<Vec<ShareLinkRecord>, RepoError> {
        let conn = self.conn();
        let ids: Vec<i64> = conn
            .prepare_cached("SELECT id FROM share_links WHERE created_by = ?1 ORDER BY created_at DESC, id DESC")
            .db()?
            .query_map([user], |r| r.get(0))
            .db()?
            .collect::<Result<_, _>>()
            .db()?;
        ids.into_iter().filter_map(|id| load_link(&conn, "id = ?1", &id).transpose()).collect()
    }

    fn revoke_share_link(&self, id: i64, now: i64) -> Result<(), RepoError> {
        let n = self.conn().execute("UPDATE share_links SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1", params![id, now]).db()?;
        if n == 0 {
            return Err(RepoError::NoSuchShareLink);
        }
        Ok(())
    }
}
