//! Live relationships on PostgreSQL: one row per live copy, tied to both ends by id.

use postgres::GenericClient;
use tessera_model::msm::{InheritedField, LiveRelationship, RolloutConfig, RolloutStamp};
use tessera_model::DamPath;
use tessera_repo::live_copies::{check_tie, LiveCopyCatalog, NewLiveCopy, NewNode, StoredRelationship, TieEnd};
use tessera_repo::RepoError;

use crate::error::Db;
use crate::{folder_id, insert_folder, is_taken, PostgresCatalog};

/// The asset or folder at `path`, as an end of a tie.
fn end_of(c: &mut impl GenericClient, path: &DamPath) -> Result<TieEnd, RepoError> {
    if let Some(id) = folder_id(c, path)? {
        return Ok(TieEnd::Folder(id));
    }
    let id = c.query_opt("SELECT id FROM assets WHERE path = $1", &[&path.as_str()]).db()?.map(|r| r.get(0));
    id.map(TieEnd::Asset).ok_or_else(|| RepoError::NotFound(path.clone()))
}

const SELECT: &str =
    "SELECT coalesce(ca.path, cf.path), coalesce(sa.path, sf.path, lr.source_path), lr.source_asset_id IS NULL AND lr.source_folder_id IS NULL,
            lr.config, lr.suspended, lr.cancelled, lr.last_rollout_at, lr.last_rollout_by
     FROM live_relationships lr
     LEFT JOIN assets ca ON ca.id = lr.copy_asset_id LEFT JOIN folders cf ON cf.id = lr.copy_folder_id
     LEFT JOIN assets sa ON sa.id = lr.source_asset_id LEFT JOIN folders sf ON sf.id = lr.source_folder_id";

/// The column naming `end` as a row's live copy, and its id: an equality on it uses
/// the column's unique index (`IS NOT DISTINCT FROM` would scan the table).
fn copy_column(end: TieEnd) -> (&'static str, i64) {
    match end {
        TieEnd::Asset(id) => ("copy_asset_id", id),
        TieEnd::Folder(id) => ("copy_folder_id", id),
    }
}

fn stored(row: &postgres::Row) -> Result<(DamPath, StoredRelationship), RepoError> {
    let copy: String = row.get(0);
    let corrupt = |what: &str| RepoError::Internal(format!("a live relationship of {copy} has a bad {what}"));
    let config = RolloutConfig::parse(row.get(3)).ok_or_else(|| corrupt("rollout config"))?;
    let cancelled: Vec<InheritedField> = serde_json::from_str(row.get(5)).map_err(|_| corrupt("list of cancelled fields"))?;
    let last_rollout = row.get::<_, Option<i64>>(6).zip(row.get::<_, Option<String>>(7)).map(|(at, by)| RolloutStamp { at, by });
    let relationship =
        LiveRelationship { source: DamPath::parse(row.get(1))?, config, suspended: row.get(4), cancelled: cancelled.into_iter().collect(), last_rollout };
    Ok((DamPath::parse(&copy)?, StoredRelationship { relationship, source_missing: row.get(2) }))
}

/// Replaces the tie of `copy` (its source `None` when missing).
fn write(tx: &mut impl GenericClient, copy: TieEnd, source: Option<TieEnd>, relationship: &LiveRelationship) -> Result<(), RepoError> {
    let ((copy_asset, copy_folder), (source_asset, source_folder)) = (copy.ids(), source.map_or((None, None), TieEnd::ids));
    let cancelled = serde_json::to_string(&relationship.cancelled).map_err(|e| RepoError::Internal(e.to_string()))?;
    let stamp = relationship.last_rollout.as_ref();
    let (at, by) = (stamp.map(|s| s.at), stamp.map(|s| s.by.as_str()));
    let (column, id) = copy_column(copy);
    tx.execute(&format!("DELETE FROM live_relationships WHERE {column} = $1"), &[&id]).db()?;
    tx.execute(
        "INSERT INTO live_relationships (copy_asset_id, copy_folder_id, source_asset_id, source_folder_id, source_path, config, suspended, cancelled,
                                         last_rollout_at, last_rollout_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &copy_asset,
            &copy_folder,
            &source_asset,
            &source_folder,
            &relationship.source.as_str(),
            &relationship.config.as_str(),
            &relationship.suspended,
            &cancelled,
            &at,
            &by,
        ],
    )
    .db()?;
    Ok(())
}

impl LiveCopyCatalog for PostgresCatalog {
    fn set_live_relationship(&self, copy: &DamPath, relationship: &LiveRelationship) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let (copy_end, source_end) = (end_of(&mut tx, copy)?, end_of(&mut tx, &relationship.source)?);
        check_tie(copy_end, source_end, copy, &relationship.source)?;
        write(&mut tx, copy_end, Some(source_end), relationship)?;
        tx.commit().db()
    }

    fn import_live_relationship(&self, copy: &DamPath, stored: &StoredRelationship) -> Result<(), RepoError> {
        if !stored.source_missing {
            return self.set_live_relationship(copy, &stored.relationship);
        }
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let copy_end = end_of(&mut tx, copy)?;
        write(&mut tx, copy_end, None, &stored.relationship)?;
        tx.commit().db()
    }

    fn live_relationship(&self, copy: &DamPath) -> Result<Option<StoredRelationship>, RepoError> {
        let mut client = self.client()?;
        let (column, id) = copy_column(end_of(&mut *client, copy)?);
        let row = client.query_opt(&format!("{SELECT} WHERE lr.{column} = $1"), &[&id]).db()?;
        row.as_ref().map(stored).transpose().map(|found| found.map(|(_, r)| r))
    }

    fn live_copies_of(&self, source: &DamPath) -> Result<Vec<(DamPath, StoredRelationship)>, RepoError> {
        let mut client = self.client()?;
        let (asset, folder) = end_of(&mut *client, source)?.ids();
        let rows = client
            .query(
                &format!("{SELECT} WHERE lr.source_asset_id = $1 OR lr.source_folder_id = $2 ORDER BY coalesce(ca.path, cf.path) COLLATE \"C\""),
                &[&asset, &folder],
            )
            .db()?;
        rows.iter().map(stored).collect()
    }

    fn remove_live_relationship(&self, copy: &DamPath) -> Result<bool, RepoError> {
        let mut client = self.client()?;
        let (column, id) = copy_column(end_of(&mut *client, copy)?);
        let n = client.execute(&format!("DELETE FROM live_relationships WHERE {column} = $1"), &[&id]).db()?;
        Ok(n > 0)
    }

    fn remove_live_relationships_below(&self, folder: &DamPath) -> Result<usize, RepoError> {
        let below = format!("{}/%", crate::error::like_escape(folder.as_str()));
        let n = self
            .client()?
            .execute(
                "DELETE FROM live_relationships
                 WHERE copy_asset_id IN (SELECT id FROM assets WHERE path LIKE $1)
                    OR copy_folder_id IN (SELECT id FROM folders WHERE path LIKE $1)",
                &[&below],
            )
            .db()?;
        Ok(n as usize)
    }

    fn live_copies_in(&self, folder: &DamPath) -> Result<Vec<(DamPath, StoredRelationship)>, RepoError> {
        let mut client = self.client()?;
        let id = folder_id(&mut *client, folder)?.ok_or_else(|| RepoError::NotFound(folder.clone()))?;
        let rows =
            client.query(&format!("{SELECT} WHERE ca.folder_id = $1 OR cf.parent_id = $1 ORDER BY coalesce(ca.path, cf.path) COLLATE \"C\""), &[&id]).db()?;
        rows.iter().map(stored).collect()
    }

    fn create_live_copies(&self, copies: &[NewLiveCopy]) -> Result<usize, RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let mut fresh = Vec::with_capacity(copies.len());
        for copy in copies {
            if !is_taken(&mut tx, copy.path())? {
                fresh.push(copy);
            }
        }
        // Folders one by one, parents first; then the assets in one set-based write.
        for copy in &fresh {
            if let NewNode::Folder(f) = &copy.node {
                insert_folder(&mut tx, &f.path, &f.title)?;
            }
        }
        let assets: Vec<tessera_repo::AssetRecord> =
            fresh.iter().filter_map(|c| if let NewNode::Asset(a) = &c.node { Some(a.as_ref().clone()) } else { None }).collect();
        crate::import::import_assets(&mut tx, &assets)?;
        for copy in &fresh {
            let (copy_end, source_end) = (end_of(&mut tx, copy.path())?, end_of(&mut tx, &copy.relationship.source)?);
            check_tie(copy_end, source_end, copy.path(), &copy.relationship.source)?;
            write(&mut tx, copy_end, Some(source_end), &copy.relationship)?;
        }
        tx.commit().db()?;
        Ok(fresh.len())
    }
}
