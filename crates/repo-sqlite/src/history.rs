//! SQLite side of an asset's history: versions with what they kept, check-out, events.

use rusqlite::{params, Connection, OptionalExtension};
use tessera_model::{DamPath, RenditionName};
use tessera_repo::history::{
    binary_change_allowed, release_allowed, AssetEvent, BinaryChange, CheckOut, EventKind, Kept, MetadataSnapshot, Release, VersionKind,
};
use tessera_repo::{unix_now, BlobHash, HistoryCatalog, RenditionRecord, RepoError, VersionRecord};

use crate::error::{like_escape, Db};
use crate::{asset_from_row, asset_id, complete_asset, insert_renditions, reindex, unused_blobs, SqliteCatalog, ASSET_COLUMNS, ASSET_FROM};

/// The checked-out assets at or below `path`, with their holders.
pub(crate) fn locks_within(conn: &Connection, path: &DamPath) -> Result<Vec<(DamPath, String)>, RepoError> {
    let mut stmt = conn
        .prepare_cached("SELECT path, checked_out_by FROM assets WHERE (path = ?1 OR path LIKE ?2 ESCAPE '\\') AND checked_out_by IS NOT NULL ORDER BY path")
        .db()?;
    let rows = stmt.query_map(params![path.as_str(), format!("{}/%", like_escape(path.as_str()))], |r| Ok((r.get::<_, String>(0)?, r.get(1)?))).db()?;
    rows.map(|r| {
        let (p, holder) = r.db()?;
        Ok((DamPath::parse(&p)?, holder))
    })
    .collect()
}

/// Ids and paths of the asset at `path`, or of every asset below the folder at `path`.
pub(crate) fn paths_within(conn: &Connection, path: &DamPath) -> Result<Vec<(i64, String)>, RepoError> {
    let mut stmt = conn.prepare_cached("SELECT id, path FROM assets WHERE path = ?1 OR path LIKE ?2 ESCAPE '\\'").db()?;
    let rows = stmt.query_map(params![path.as_str(), format!("{}/%", like_escape(path.as_str()))], |r| Ok((r.get(0)?, r.get(1)?))).db()?;
    rows.collect::<Result<_, _>>().db()
}

pub(crate) fn record_event(conn: &Connection, asset_id: i64, e: &AssetEvent) -> Result<(), RepoError> {
    conn.prepare_cached("INSERT INTO asset_events (asset_id, kind, actor, at, detail, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .db()?
        .execute(params![asset_id, e.kind.as_str(), e.by, e.at, e.detail, e.version])
        .db()?;
    Ok(())
}

fn insert_version(conn: &Connection, asset_id: i64, number: u32, v: &VersionRecord) -> Result<(), RepoError> {
    let o = &v.original;
    conn.execute(
        "INSERT INTO asset_versions (asset_id, number, sha256, mime, size, width, height, comment, created_by, created_at, label, kind, restored_from, metadata)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            asset_id,
            number,
            o.blob.as_str(),
            o.mime,
            o.size as i64,
            o.width,
            o.height,
            v.comment,
            v.created_by,
            v.created_at,
            v.label,
            v.kind.as_str(),
            v.kind.restored_from(),
            v.kept.as_ref().map(|k| k.metadata.to_json())
        ],
    )
    .db()?;
    if let Some(kept) = &v.kept {
        insert_version_renditions(conn, asset_id, number, &kept.renditions)?;
    }
    Ok(())
}

fn insert_version_renditions(conn: &Connection, asset_id: i64, number: u32, renditions: &[RenditionRecord]) -> Result<(), RepoError> {
    let mut stmt = conn
        .prepare_cached("INSERT INTO version_renditions (asset_id, number, name, sha256, mime, size, width, height) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .db()?;
    for r in renditions {
        stmt.execute(params![asset_id, number, r.name.as_str(), r.blob.as_str(), r.mime, r.size as i64, r.width, r.height]).db()?;
    }
    Ok(())
}

fn rendition(name: &str, sha: &str, mime: String, size: i64, width: Option<u32>, height: Option<u32>) -> Result<RenditionRecord, RepoError> {
    Ok(RenditionRecord {
        name: RenditionName::parse(name).ok_or_else(|| RepoError::Internal(format!("unknown rendition in catalog: {name}")))?,
        blob: BlobHash::parse(sha).ok_or_else(|| RepoError::Internal(format!("bad blob hash in catalog: {sha}")))?,
        mime,
        size: size as u64,
        width,
        height,
    })
}

fn version_renditions(conn: &Connection, asset_id: i64, number: u32) -> Result<Vec<RenditionRecord>, RepoError> {
    let mut stmt =
        conn.prepare_cached("SELECT name, sha256, mime, size, width, height FROM version_renditions WHERE asset_id = ?1 AND number = ?2 ORDER BY name").db()?;
    let rows = stmt
        .query_map(params![asset_id, number], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?, r.get(4)?, r.get(5)?))
        })
        .db()?;
    rows.map(|r| {
        let (name, sha, mime, size, width, height) = r.db()?;
        rendition(&name, &sha, mime, size, width, height)
    })
    .collect()
}

/// Puts `metadata` back on the asset; tags deleted since are left out.
fn apply_metadata(conn: &Connection, asset_id: i64, metadata: &MetadataSnapshot) -> Result<(), RepoError> {
    let properties = serde_json::to_string(&metadata.properties).map_err(|e| RepoError::Internal(e.to_string()))?;
    conn.execute(
        "UPDATE assets SET title = ?2, description = ?3, properties = ?4 WHERE id = ?1",
        params![asset_id, metadata.title, metadata.description, properties],
    )
    .db()?;
    conn.execute("DELETE FROM asset_tags WHERE asset_id = ?1", [asset_id]).db()?;
    for tag in &metadata.tags {
        conn.execute("INSERT OR IGNORE INTO asset_tags (asset_id, tag_id) SELECT ?1, id FROM tags WHERE tag = ?2", params![asset_id, tag.as_str()]).db()?;
    }
    Ok(())
}

impl HistoryCatalog for SqliteCatalog {
    fn add_version(&self, path: &DamPath, change: &BinaryChange) -> Result<(u32, Vec<BlobHash>), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let row = tx.query_row(&format!("SELECT {ASSET_COLUMNS} FROM {ASSET_FROM} WHERE a.path = ?1"), [path.as_str()], asset_from_row).optional().db()?;
        let row = row.ok_or_else(|| RepoError::NotFound(path.clone()))?;
        let id = row.id;
        let asset = complete_asset(&tx, row)?;
        if asset.connected.is_some() {
            return Err(RepoError::ConnectedCopy(path.clone()));
        }
        let version = &change.version;
        binary_change_allowed(path, asset.checked_out.as_ref().map(|c| c.by.as_str()), version.kind, &version.created_by)?;
        let current: u32 = tx.query_row("SELECT coalesce(max(number), 0) FROM asset_versions WHERE asset_id = ?1", [id], |r| r.get(0)).db()?;
        if current > 0 {
            // The version replaced keeps the asset as it is now.
            tx.execute(
                "UPDATE asset_versions SET metadata = ?3 WHERE asset_id = ?1 AND number = ?2",
                params![id, current, MetadataSnapshot::of(&asset).to_json()],
            )
            .db()?;
            let kept: Vec<RenditionRecord> = asset.renditions.iter().filter(|r| r.name != RenditionName::Original).cloned().collect();
            insert_version_renditions(&tx, id, current, &kept)?;
        }
        let number = current + 1;
        let replaced: Vec<String> = asset.renditions.iter().map(|r| r.blob.as_str().to_owned()).collect();
        tx.execute("DELETE FROM renditions WHERE asset_id = ?1", [id]).db()?;
        insert_renditions(&tx, id, std::slice::from_ref(&version.original))?;
        insert_renditions(&tx, id, &change.renditions)?;
        insert_version(&tx, id, number, &VersionRecord { kept: None, ..version.clone() })?;
        record_event(&tx, id, &AssetEvent::of_version(version, number))?;
        let o = &version.original;
        tx.execute(
            "UPDATE assets SET mime = ?2, size = ?3, width = ?4, height = ?5, modified_by = ?6, modified_at = ?7 WHERE id = ?1",
            params![id, o.mime, o.size as i64, o.width, o.height, version.created_by, version.created_at],
        )
        .db()?;
        if version.kind == VersionKind::CheckedIn {
            tx.execute("UPDATE assets SET checked_out_by = NULL, checked_out_at = NULL WHERE id = ?1", [id]).db()?;
        }
        if let Some(metadata) = &change.metadata {
            apply_metadata(&tx, id, metadata)?;
        }
        // A job still rendering the binary before finds its job gone and keeps nothing.
        tx.execute("DELETE FROM jobs WHERE asset_id = ?1", [id]).db()?;
        if change.renditions.is_empty() {
            tx.execute("INSERT INTO jobs (asset_id, state, run_after, created_at) VALUES (?1, 'queued', 0, ?2)", params![id, unix_now()]).db()?;
        }
        reindex(&tx, id)?;
        let orphans = unused_blobs(&tx, replaced)?;
        tx.commit().db()?;
        Ok((number, orphans))
    }

    fn versions(&self, path: &DamPath) -> Result<Vec<VersionRecord>, RepoError> {
        let conn = self.conn();
        let id = asset_id(&conn, path)?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT number, sha256, mime, size, width, height, comment, created_by, created_at, label, kind, restored_from, metadata
                 FROM asset_versions WHERE asset_id = ?1 ORDER BY number",
            )
            .db()?;
        type Row = (u32, String, String, i64, Option<u32>, Option<u32>, String, String, i64, String, String, Option<u32>, Option<String>);
        let rows: Vec<Row> = stmt
            .query_map([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                    r.get(12)?,
                ))
            })
            .db()?
            .collect::<Result<_, _>>()
            .db()?;
        rows.into_iter()
            .map(|(number, sha, mime, size, width, height, comment, created_by, created_at, label, kind, restored_from, metadata)| {
                let kept = match metadata {
                    Some(json) => Some(Kept { metadata: MetadataSnapshot::from_json(&json)?, renditions: version_renditions(&conn, id, number)? }),
                    None => None,
                };
                Ok(VersionRecord {
                    number,
                    original: rendition("original", &sha, mime, size, width, height)?,
                    label,
                    comment,
                    created_by,
                    created_at,
                    kind: VersionKind::parse(&kind, restored_from)?,
                    kept,
                })
            })
            .collect()
    }

    fn import_versions(&self, path: &DamPath, versions: &[VersionRecord]) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let id = asset_id(&tx, path)?;
        tx.execute("DELETE FROM asset_versions WHERE asset_id = ?1", [id]).db()?;
        for v in versions {
            insert_version(&tx, id, v.number, v)?;
        }
        tx.commit().db()
    }

    fn check_out(&self, path: &DamPath, by: &str, now: i64) -> Result<CheckOut, RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let (id, remote, holder, since): (i64, Option<String>, Option<String>, Option<i64>) = tx
            .query_row("SELECT id, remote_url, checked_out_by, checked_out_at FROM assets WHERE path = ?1", [path.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()
            .db()?
            .ok_or_else(|| RepoError::NotFound(path.clone()))?;
        if remote.is_some() {
            return Err(RepoError::ConnectedCopy(path.clone()));
        }
        match holder {
            Some(h) if h == by => Ok(CheckOut { by: h, at: since.unwrap_or(now) }),
            Some(h) => Err(RepoError::Locked { path: path.clone(), holder: h }),
            None => {
                tx.execute("UPDATE assets SET checked_out_by = ?2, checked_out_at = ?3 WHERE id = ?1", params![id, by, now]).db()?;
                record_event(&tx, id, &AssetEvent::new(EventKind::CheckedOut, by, now, ""))?;
                tx.commit().db()?;
                Ok(CheckOut { by: by.to_owned(), at: now })
            }
        }
    }

    fn release_check_out(&self, path: &DamPath, release: &Release, now: i64) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let (id, holder): (i64, Option<String>) = tx
            .query_row("SELECT id, checked_out_by FROM assets WHERE path = ?1", [path.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .db()?
            .ok_or_else(|| RepoError::NotFound(path.clone()))?;
        let event = release_allowed(path, holder.as_deref(), release)?;
        tx.execute("UPDATE assets SET checked_out_by = NULL, checked_out_at = NULL WHERE id = ?1", [id]).db()?;
        record_event(&tx, id, &AssetEvent::new(event, release.by(), now, holder.as_deref().unwrap_or_default()))?;
        tx.commit().db()
    }

    fn import_events(&self, path: &DamPath, events: &[AssetEvent]) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let id = asset_id(&tx, path)?;
        tx.execute("DELETE FROM asset_events WHERE asset_id = ?1", [id]).db()?;
        for e in events {
            record_event(&tx, id, e)?;
        }
        tx.commit().db()
    }

    fn events(&self, path: &DamPath) -> Result<Vec<AssetEvent>, RepoError> {
        let conn = self.conn();
        let id = asset_id(&conn, path)?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT e.kind, e.actor, e.at, e.detail, e.version, v.restored_from FROM asset_events e
                 LEFT JOIN asset_versions v ON v.asset_id = e.asset_id AND v.number = e.version
                 WHERE e.asset_id = ?1 ORDER BY e.id",
            )
            .db()?;
        let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get::<_, Option<u32>>(5)?))).db()?;
        rows.map(|r| {
            let (kind, by, at, detail, version, restored_from) = r.db()?;
            Ok(AssetEvent { kind: EventKind::parse(&kind, restored_from)?, version, by, at, detail })
        })
        .collect()
    }
}
