//! Live relationships on SQLite: one row per live copy, tied to both ends by id.

use rusqlite::{params, Connection, OptionalExtension};
use tessera_model::msm::{InheritedField, LiveRelationship, RolloutConfig, RolloutStamp};
use tessera_model::DamPath;
use tessera_repo::live_copies::{check_tie, LiveCopyCatalog, NewLiveCopy, NewNode, StoredRelationship, TieEnd};
use tessera_repo::RepoError;

use crate::error::Db;
use crate::{folder_id, import_asset, insert_folder, is_taken, SqliteCatalog};

/// The asset or folder at `path`, as an end of a tie.
fn end_of(conn: &Connection, path: &DamPath) -> Result<TieEnd, RepoError> {
    if let Some(id) = folder_id(conn, path)? {
        return Ok(TieEnd::Folder(id));
    }
    let id = conn.query_row("SELECT id FROM assets WHERE path = ?1", [path.as_str()], |r| r.get(0)).optional().db()?;
    id.map(TieEnd::Asset).ok_or_else(|| RepoError::NotFound(path.clone()))
}

const SELECT: &str =
    "SELECT coalesce(ca.path, cf.path), coalesce(sa.path, sf.path, lr.source_path), lr.source_asset_id IS NULL AND lr.source_folder_id IS NULL,
            lr.config, lr.suspended, lr.cancelled, lr.last_rollout_at, lr.last_rollout_by
     FROM live_relationships lr
     LEFT JOIN assets ca ON ca.id = lr.copy_asset_id LEFT JOIN folders cf ON cf.id = lr.copy_folder_id
     LEFT JOIN assets sa ON sa.id = lr.source_asset_id LEFT JOIN folders sf ON sf.id = lr.source_folder_id";

type Row = (String, String, bool, String, bool, String, Option<i64>, Option<String>);

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

fn stored((copy, source, source_missing, config, suspended, cancelled, at, by): Row) -> Result<(DamPath, StoredRelationship), RepoError> {
    let corrupt = |what: &str| RepoError::Internal(format!("a live relationship of {copy} has a bad {what}"));
    let config = RolloutConfig::parse(&config).ok_or_else(|| corrupt("rollout config"))?;
    let cancelled: Vec<InheritedField> = serde_json::from_str(&cancelled).map_err(|_| corrupt("list of cancelled fields"))?;
    let last_rollout = at.zip(by).map(|(at, by)| RolloutStamp { at, by });
    let relationship = LiveRelationship { source: DamPath::parse(&source)?, config, suspended, cancelled: cancelled.into_iter().collect(), last_rollout };
    Ok((DamPath::parse(&copy)?, StoredRelationship { relationship, source_missing }))
}

/// The column naming `end` as a row's live copy, and its id: an equality on it uses
/// the column's unique index (an `IS` over both columns would scan the table).
fn copy_column(end: TieEnd) -> (&'static str, i64) {
    match end {
        TieEnd::Asset(id) => ("copy_asset_id", id),
        TieEnd::Folder(id) => ("copy_folder_id", id),
    }
}

/// Replaces the tie of `copy` (its source `None` when missing).
fn write(tx: &Connection, copy: TieEnd, source: Option<TieEnd>, relationship: &LiveRelationship) -> Result<(), RepoError> {
    let ((copy_asset, copy_folder), (source_asset, source_folder)) = (copy.ids(), source.map_or((None, None), TieEnd::ids));
    let cancelled = serde_json::to_string(&relationship.cancelled).map_err(|e| RepoError::Internal(e.to_string()))?;
    let stamp = relationship.last_rollout.as_ref();
    let (column, id) = copy_column(copy);
    tx.execute(&format!("DELETE FROM live_relationships WHERE {column} = ?1"), [id]).db()?;
    tx.execute(
        "INSERT INTO live_relationships (copy_asset_id, copy_folder_id, source_asset_id, source_folder_id, source_path, config, suspended, cancelled,
                                         last_rollout_at, last_rollout_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            copy_asset,
            copy_folder,
            source_asset,
            source_folder,
            relationship.source.as_str(),
            relationship.config.as_str(),
            relationship.suspended,
            cancelled,
            stamp.map(|s| s.at),
            stamp.map(|s| s.by.as_str())
        ],
    )
    .db()?;
    Ok(())
}

impl LiveCopyCatalog for SqliteCatalog {
    fn set_live_relationship(&self, copy: &DamPath, relationship: &LiveRelationship) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let (copy_end, source_end) = (end_of(&tx, copy)?, end_of(&tx, &relationship.source)?);
        check_tie(copy_end, source_end, copy, &relationship.source)?;
        write(&tx, copy_end, Some(source_end), relationship)?;
        tx.commit().db()
    }

    fn import_live_relationship(&self, copy: &DamPath, stored: &StoredRelationship) -> Result<(), RepoError> {
        if !stored.source_missing {
            return self.set_live_relationship(copy, &stored.relationship);
        }
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let copy_end = end_of(&tx, copy)?;
        write(&tx, copy_end, None, &stored.relationship)?;
        tx.commit().db()
    }

    fn live_relationship(&self, copy: &DamPath) -> Result<Option<StoredRelationship>, RepoError> {
        let conn = self.conn();
        let (column, id) = copy_column(end_of(&conn, copy)?);
        let row = conn.query_row(&format!("{SELECT} WHERE lr.{column} = ?1"), [id], read_row).optional().db()?;
        row.map(stored).transpose().map(|found| found.map(|(_, r)| r))
    }

    fn live_copies_of(&self, source: &DamPath) -> Result<Vec<(DamPath, StoredRelationship)>, RepoError> {
        let conn = self.conn();
        let (asset, folder) = end_of(&conn, source)?.ids();
        let mut stmt = conn
            .prepare_cached(&format!(
                "{SELECT} WHERE (?1 IS NOT NULL AND lr.source_asset_id = ?1) OR (?2 IS NOT NULL AND lr.source_folder_id = ?2) ORDER BY coalesce(ca.path, cf.path)"
            ))
            .db()?;
        let rows = stmt.query_map(params![asset, folder], read_row).db()?.collect::<Result<Vec<Row>, _>>().db()?;
        rows.into_iter().map(stored).collect()
    }

    fn remove_live_relationship(&self, copy: &DamPath) -> Result<bool, RepoError> {
        let conn = self.conn();
        let (column, id) = copy_column(end_of(&conn, copy)?);
        let n = conn.execute(&format!("DELETE FROM live_relationships WHERE {column} = ?1"), [id]).db()?;
        Ok(n > 0)
    }

    fn remove_live_relationships_below(&self, folder: &DamPath) -> Result<usize, RepoError> {
        let below = format!("{}/%", crate::error::like_escape(folder.as_str()));
        let n = self
            .conn()
            .execute(
                "DELETE FROM live_relationships
                 WHERE copy_asset_id IN (SELECT id FROM assets WHERE path LIKE ?1 ESCAPE '\\')
                    OR copy_folder_id IN (SELECT id FROM folders WHERE path LIKE ?1 ESCAPE '\\')",
                [below],
            )
            .db()?;
        Ok(n)
    }

    fn live_copies_in(&self, folder: &DamPath) -> Result<Vec<(DamPath, StoredRelationship)>, RepoError> {
        let conn = self.conn();
        let id = folder_id(&conn, folder)?.ok_or_else(|| RepoError::NotFound(folder.clone()))?;
        let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE ca.folder_id = ?1 OR cf.parent_id = ?1 ORDER BY coalesce(ca.path, cf.path)")).db()?;
        let rows = stmt.query_map([id], read_row).db()?.collect::<Result<Vec<Row>, _>>().db()?;
        rows.into_iter().map(stored).collect()
    }

    fn create_live_copies(&self, copies: &[NewLiveCopy]) -> Result<usize, RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let mut made = 0;
        for copy in copies {
            if is_taken(&tx, copy.path())? {
                continue;
            }
            let copy_end = match &copy.node {
                NewNode::Folder(f) => TieEnd::Folder(insert_folder(&tx, &f.path, &f.title)?),
                NewNode::Asset(a) => TieEnd::Asset(import_asset(&tx, a)?),
            };
            let source_end = end_of(&tx, &copy.relationship.source)?;
            check_tie(copy_end, source_end, copy.path(), &copy.relationship.source)?;
            write(&tx, copy_end, Some(source_end), &copy.relationship)?;
            made += 1;
        }
        tx.commit().db()?;
        Ok(made)
    }
}
