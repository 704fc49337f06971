//! PostgreSQL side of an asset's history: versions with what they kept, check-out, events.

use postgres::GenericClient;
use tessera_model::{DamPath, RenditionName};
use tessera_repo::history::{
    binary_change_allowed, release_allowed, AssetEvent, BinaryChange, CheckOut, EventKind, Kept, MetadataSnapshot, Release, VersionKind,
};
use tessera_repo::{unix_now, BlobHash, HistoryCatalog, RenditionRecord, RepoError, VersionRecord};

use crate::error::Db;
use crate::{asset_id, assets_by_ids, below, insert_renditions, lock_asset, reindex, rendition_at, to_i32, to_u32, unused_blobs, PostgresCatalog};

/// The checked-out assets at or below `path`, with their holders.
pub(crate) fn locks_within(c: &mut impl GenericClient, path: &DamPath) -> Result<Vec<(DamPath, String)>, RepoError> {
    let rows = c
        .query(
            "SELECT path, checked_out_by FROM assets WHERE (path = $1 OR path LIKE $2) AND checked_out_by IS NOT NULL ORDER BY path",
            &[&path.as_str(), &below(path.as_str())],
        )
        .db()?;
    rows.iter().map(|r| Ok((DamPath::parse(r.get::<_, &str>(0))?, r.get(1)))).collect()
}

/// Ids and paths of the asset at `path`, or of every asset below the folder at `path`,
/// their rows locked in id order (see `lock_asset`).
pub(crate) fn lock_paths_within(c: &mut impl GenericClient, path: &DamPath) -> Result<Vec<(i64, String)>, RepoError> {
    let rows = c.query("SELECT id, path FROM assets WHERE path = $1 OR path LIKE $2 ORDER BY id FOR UPDATE", &[&path.as_str(), &below(path.as_str())]).db()?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub(crate) fn record_event(c: &mut impl GenericClient, asset_id: i64, e: &AssetEvent) -> Result<(), RepoError> {
    c.execute(
        "INSERT INTO asset_events (asset_id, kind, actor, at, detail, version) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&asset_id, &e.kind.as_str(), &e.by, &e.at, &e.detail, &e.version.map(|n| n as i32)],
    )
    .db()?;
    Ok(())
}

/// A `moved` event for each of `moved` (ids and the paths they had), in one statement.
pub(crate) fn record_moves(c: &mut impl GenericClient, moved: &[(i64, String)], by: &str, at: i64) -> Result<(), RepoError> {
    let ids: Vec<i64> = moved.iter().map(|(id, _)| *id).collect();
    let paths: Vec<&str> = moved.iter().map(|(_, p)| p.as_str()).collect();
    c.execute(
        "INSERT INTO asset_events (asset_id, kind, actor, at, detail) SELECT id, 'moved', $3, $4, path FROM unnest($1::bigint[], $2::text[]) AS m(id, path)",
        &[&ids, &paths, &by, &at],
    )
    .db()?;
    Ok(())
}

fn insert_version(c: &mut impl GenericClient, asset_id: i64, number: u32, v: &VersionRecord) -> Result<(), RepoError> {
    let o = &v.original;
    c.execute(
        "INSERT INTO asset_versions (asset_id, number, sha256, mime, size, width, height, comment, created_by, created_at, label, kind, restored_from, metadata)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        &[
            &asset_id,
            &(number as i32),
            &o.blob.as_str(),
            &o.mime,
            &(o.size as i64),
            &to_i32(o.width),
            &to_i32(o.height),
            &v.comment,
            &v.created_by,
            &v.created_at,
            &v.label,
            &v.kind.as_str(),
            &v.kind.restored_from().map(|n| n as i32),
            &v.kept.as_ref().map(|k| k.metadata.to_json()),
        ],
    )
    .db()?;
    if let Some(kept) = &v.kept {
        insert_version_renditions(c, asset_id, number, &kept.renditions)?;
    }
    Ok(())
}

fn insert_version_renditions(c: &mut impl GenericClient, asset_id: i64, number: u32, renditions: &[RenditionRecord]) -> Result<(), RepoError> {
    for r in renditions {
        c.execute(
            "INSERT INTO version_renditions (asset_id, number, name, sha256, mime, size, width, height) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[&asset_id, &(number as i32), &r.name.as_str(), &r.blob.as_str(), &r.mime, &(r.size as i64), &to_i32(r.width), &to_i32(r.height)],
        )
        .db()?;
    }
    Ok(())
}

/// Puts `metadata` back on the asset; tags deleted since are left out.
fn apply_metadata(c: &mut impl GenericClient, asset_id: i64, metadata: &MetadataSnapshot) -> Result<(), RepoError> {
    let properties = serde_json::to_string(&metadata.properties).map_err(|e| RepoError::Internal(e.to_string()))?;
    c.execute(
        "UPDATE assets SET title = $2, description = $3, properties = $4 WHERE id = $1",
        &[&asset_id, &metadata.title, &metadata.description, &properties],
    )
    .db()?;
    c.execute("DELETE FROM asset_tags WHERE asset_id = $1", &[&asset_id]).db()?;
    let tags: Vec<&str> = metadata.tags.iter().map(|t| t.as_str()).collect();
    c.execute("INSERT INTO asset_tags (asset_id, tag_id) SELECT $1, id FROM tags WHERE tag = ANY($2) ON CONFLICT DO NOTHING", &[&asset_id, &tags]).db()?;
    Ok(())
}

impl HistoryCatalog for PostgresCatalog {
    fn add_version(&self, path: &DamPath, change: &BinaryChange) -> Result<(u32, Vec<BlobHash>), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let id = lock_asset(&mut tx, path)?;
        let asset = assets_by_ids(&mut tx, &[id])?.pop().ok_or_else(|| RepoError::NotFound(path.clone()))?;
        if asset.connected.is_some() {
            return Err(RepoError::ConnectedCopy(path.clone()));
        }
        let version = &change.version;
        binary_change_allowed(path, asset.checked_out.as_ref().map(|c| c.by.as_str()), version.kind, &version.created_by)?;
        let current: i32 = tx.query_one("SELECT coalesce(max(number), 0) FROM asset_versions WHERE asset_id = $1", &[&id]).db()?.get(0);
        let current = current as u32;
        if current > 0 {
            // The version replaced keeps the asset as it is now.
            tx.execute(
                "UPDATE asset_versions SET metadata = $3 WHERE asset_id = $1 AND number = $2",
                &[&id, &(current as i32), &MetadataSnapshot::of(&asset).to_json()],
            )
            .db()?;
            let kept: Vec<RenditionRecord> = asset.renditions.iter().filter(|r| r.name != RenditionName::Original).cloned().collect();
            insert_version_renditions(&mut tx, id, current, &kept)?;
        }
        let number = current + 1;
        let replaced: Vec<String> = asset.renditions.iter().map(|r| r.blob.as_str().to_owned()).collect();
        tx.execute("DELETE FROM renditions WHERE asset_id = $1", &[&id]).db()?;
        insert_renditions(&mut tx, id, std::slice::from_ref(&version.original))?;
        insert_renditions(&mut tx, id, &change.renditions)?;
        insert_version(&mut tx, id, number, &VersionRecord { kept: None, ..version.clone() })?;
        record_event(&mut tx, id, &AssetEvent::of_version(version, number))?;
        let o = &version.original;
        tx.execute(
            "UPDATE assets SET mime = $2, size = $3, width = $4, height = $5, modified_by = $6, modified_at = $7 WHERE id = $1",
            &[&id, &o.mime, &(o.size as i64), &to_i32(o.width), &to_i32(o.height), &version.created_by, &version.created_at],
        )
        .db()?;
        if version.kind == VersionKind::CheckedIn {
            tx.execute("UPDATE assets SET checked_out_by = NULL, checked_out_at = NULL WHERE id = $1", &[&id]).db()?;
        }
        if let Some(metadata) = &change.metadata {
            apply_metadata(&mut tx, id, metadata)?;
        }
        // A job still rendering the binary before finds its job gone and keeps nothing.
        tx.execute("DELETE FROM jobs WHERE asset_id = $1", &[&id]).db()?;
        if change.renditions.is_empty() {
            tx.execute("INSERT INTO jobs (asset_id, state, run_after, created_at) VALUES ($1, 'queued', 0, $2)", &[&id, &unix_now()]).db()?;
        }
        reindex(&mut tx, id)?;
        let orphans = unused_blobs(&mut tx, replaced)?;
        tx.commit().db()?;
        Ok((number, orphans))
    }

    fn versions(&self, path: &DamPath) -> Result<Vec<VersionRecord>, RepoError> {
        let mut c = self.client()?;
        let id = asset_id(&mut *c, path)?;
        let rows = c
            .query(
                "SELECT number, sha256, mime, size, width, height, comment, created_by, created_at, label, kind, restored_from, metadata
                 FROM asset_versions WHERE asset_id = $1 ORDER BY number",
                &[&id],
            )
            .db()?;
        let mut kept_renditions: std::collections::HashMap<i32, Vec<RenditionRecord>> = std::collections::HashMap::new();
        for r in
            c.query("SELECT number, name, sha256, mime, size, width, height FROM version_renditions WHERE asset_id = $1 ORDER BY number, name", &[&id]).db()?
        {
            kept_renditions.entry(r.get(0)).or_default().push(rendition_at(&r, 1)?);
        }
        rows.iter()
            .map(|r| {
                let number: i32 = r.get(0);
                let sha: &str = r.get(1);
                let blob = BlobHash::parse(sha).ok_or_else(|| RepoError::Internal(format!("bad blob hash in catalog: {sha}")))?;
                let kept = match r.get::<_, Option<&str>>(12) {
                    Some(json) => Some(Kept { metadata: MetadataSnapshot::from_json(json)?, renditions: kept_renditions.remove(&number).unwrap_or_default() }),
                    None => None,
                };
                Ok(VersionRecord {
                    number: number as u32,
                    original: RenditionRecord {
                        name: RenditionName::Original,
                        blob,
                        mime: r.get(2),
                        size: r.get::<_, i64>(3) as u64,
                        width: to_u32(r.get(4)),
                        height: to_u32(r.get(5)),
                    },
                    comment: r.get(6),
                    created_by: r.get(7),
                    created_at: r.get(8),
                    label: r.get(9),
                    kind: VersionKind::parse(r.get(10), r.get::<_, Option<i32>>(11).map(|n| n as u32))?,
                    kept,
                })
            })
            .collect()
    }

    fn import_versions(&self, path: &DamPath, versions: &[VersionRecord]) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let id = lock_asset(&mut tx, path)?;
        tx.execute("DELETE FROM asset_versions WHERE asset_id = $1", &[&id]).db()?;
        for v in versions {
            insert_version(&mut tx, id, v.number, v)?;
        }
        tx.commit().db()
    }

    fn import_events(&self, path: &DamPath, events: &[AssetEvent]) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let id = lock_asset(&mut tx, path)?;
        tx.execute("DELETE FROM asset_events WHERE asset_id = $1", &[&id]).db()?;
        for e in events {
            record_event(&mut tx, id, e)?;
        }
        tx.commit().db()
    }

    fn check_out(&self, path: &DamPath, by: &str, now: i64) -> Result<CheckOut, RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        // The row lock makes two check-outs at once take turns: the second sees the first's.
        let row = tx
            .query_opt("SELECT id, remote_url, checked_out_by, checked_out_at FROM assets WHERE path = $1 FOR NO KEY UPDATE", &[&path.as_str()])
            .db()?
            .ok_or_else(|| RepoError::NotFound(path.clone()))?;
        let (id, remote, holder, since): (i64, Option<String>, Option<String>, Option<i64>) = (row.get(0), row.get(1), row.get(2), row.get(3));
        if remote.is_some() {
            return Err(RepoError::ConnectedCopy(path.clone()));
        }
        match holder {
            Some(h) if h == by => Ok(CheckOut { by: h, at: since.unwrap_or(now) }),
            Some(h) => Err(RepoError::Locked { path: path.clone(), holder: h }),
            None => {
                tx.execute("UPDATE assets SET checked_out_by = $2, checked_out_at = $3 WHERE id = $1", &[&id, &by, &now]).db()?;
                record_event(&mut tx, id, &AssetEvent::new(EventKind::CheckedOut, by, now, ""))?;
                tx.commit().db()?;
                Ok(CheckOut { by: by.to_owned(), at: now })
            }
        }
    }

    fn release_check_out(&self, path: &DamPath, release: &Release, now: i64) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let row = tx
            .query_opt("SELECT id, checked_out_by FROM assets WHERE path = $1 FOR NO KEY UPDATE", &[&path.as_str()])
            .db()?
            .ok_or_else(|| RepoError::NotFound(path.clone()))?;
        let (id, holder): (i64, Option<String>) = (row.get(0), row.get(1));
        let event = release_allowed(path, holder.as_deref(), release)?;
        tx.execute("UPDATE assets SET checked_out_by = NULL, checked_out_at = NULL WHERE id = $1", &[&id]).db()?;
        record_event(&mut tx, id, &AssetEvent::new(event, release.by(), now, holder.as_deref().unwrap_or_default()))?;
        tx.commit().db()
    }

    fn events(&self, path: &DamPath) -> Result<Vec<AssetEvent>, RepoError> {
        let mut c = self.client()?;
        let id = asset_id(&mut *c, path)?;
        let rows = c
            .query(
                "SELECT e.kind, e.actor, e.at, e.detail, e.version, v.restored_from FROM asset_events e
                 LEFT JOIN asset_versions v ON v.asset_id = e.asset_id AND v.number = e.version
                 WHERE e.asset_id = $1 ORDER BY e.id",
                &[&id],
            )
            .db()?;
        rows.iter()
            .map(|r| {
                let restored_from = r.get::<_, Option<i32>>(5).map(|n| n as u32);
                Ok(AssetEvent {
                    kind: EventKind::parse(r.get(0), restored_from)?,
                    version: r.get::<_, Option<i32>>(4).map(|n| n as u32),
                    by: r.get(1),
                    at: r.get(2),
                    detail: r.get(3),
                })
            })
            .collect()
    }
}
