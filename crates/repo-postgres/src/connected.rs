//! PostgreSQL side of Connected Assets: fetched copies, their jobs, run-time settings.

use postgres::Row;
use tessera_model::connected::{JobDto, JobKind, JobState};
use tessera_model::DamPath;
use tessera_repo::{unix_now, Abandoned, AssetRecord, ConnectedCatalog, NewJob, ProcessId, RenditionRecord, RepoError};

use crate::error::{Db, Taken};
use crate::{folder_id, insert_asset_row, insert_renditions, is_taken, lock_asset, reindex, sync_current_version, to_i32, PostgresCatalog};

const JOB_COLUMNS: &str = "id, kind, state, remote_path, local_path, page_path, error, started_at, ended_at, bytes_done, bytes_total";

fn job_from_row(row: &Row) -> Result<(JobDto, Option<String>), RepoError> {
    let bad = |what: &str| RepoError::Internal(format!("bad Connected Assets job in catalog: {what}"));
    let kind = JobKind::parse(row.get::<_, &str>(1)).ok_or_else(|| bad("unknown kind"))?;
    let state = JobState::parse(row.get::<_, &str>(2)).ok_or_else(|| bad("unknown state"))?;
    let job = JobDto {
        id: row.get(0),
        kind,
        state,
        remote_path: DamPath::parse(row.get::<_, &str>(3))?,
        local_path: DamPath::parse(row.get::<_, &str>(4))?,
        page_path: row.get(5),
        error: row.get(6),
        started_at: row.get(7),
        ended_at: row.get(8),
        bytes_done: row.get::<_, i64>(9) as u64,
        bytes_total: row.get::<_, Option<i64>>(10).map(|t| t as u64),
    };
    Ok((job, row.get(11)))
}

impl ConnectedCatalog for PostgresCatalog {
    fn store_connected(&self, asset: &AssetRecord) -> Result<u32, RepoError> {
        let origin = asset.connected.as_ref().ok_or_else(|| RepoError::Internal("a fetched copy without its origin".into()))?;
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        // The folders above the copy are made in the same transaction, so a fetch that
        // fails leaves not even an empty folder behind.
        let mut parent_id: Option<i64> = None;
        for folder in asset.path.ancestors().into_iter().skip(1).rev() {
            parent_id = Some(match folder_id(&mut tx, &folder)? {
                Some(id) => id,
                None => {
                    if is_taken(&mut tx, &folder)? {
                        return Err(RepoError::AlreadyExists(folder));
                    }
                    tx.query_one(
                        "INSERT INTO folders (path, parent_id, title, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                        &[&folder.as_str(), &parent_id, &folder.name(), &unix_now()],
                    )
                    .or_taken(|| RepoError::AlreadyExists(folder.clone()))?
                    .get(0)
                }
            });
        }
        let folder = parent_id.ok_or_else(|| RepoError::AlreadyExists(asset.path.clone()))?;
        let existing = tx.query_opt("SELECT id, remote_url FROM assets WHERE path = $1 FOR UPDATE", &[&asset.path.as_str()]).db()?;
        let id = match existing.map(|r| (r.get::<_, i64>(0), r.get::<_, Option<String>>(1))) {
            // A local asset of the same name is never overwritten by a fetch.
            Some((_, None)) => return Err(RepoError::AlreadyExists(asset.path.clone())),
            Some((id, Some(_))) => {
                let properties = serde_json::to_string(&asset.properties).map_err(|e| RepoError::Internal(e.to_string()))?;
                tx.execute(
                    "UPDATE assets SET title = $2, description = $3, mime = $4, size = $5, width = $6, height = $7,
                            modified_by = $8, modified_at = $9, properties = $10, remote_url = $11, remote_path = $12, fetched_at = $13
                     WHERE id = $1",
                    &[
                        &id,
                        &asset.title,
                        &asset.description,
                        &asset.mime,
                        &(asset.size as i64),
                        &to_i32(asset.width),
                        &to_i32(asset.height),
                        &asset.modified_by,
                        &asset.modified_at,
                        &properties,
                        &origin.dam_url,
                        &origin.path.as_str(),
                        &origin.fetched_at,
                    ],
                )
                .db()?;
                tx.execute("DELETE FROM renditions WHERE asset_id = $1", &[&id]).db()?;
                tx.execute("DELETE FROM asset_tags WHERE asset_id = $1", &[&id]).db()?;
                id
            }
            None => {
                if is_taken(&mut tx, &asset.path)? {
                    return Err(RepoError::AlreadyExists(asset.path.clone()));
                }
                insert_asset_row(&mut tx, asset, folder)?
            }
        };
        insert_renditions(&mut tx, id, &asset.renditions)?;
        sync_current_version(&mut tx, id, &asset.modified_by, asset.modified_at)?;
        let mut dropped = 0;
        for tag in &asset.tags {
            // Kept only when the same tag, with the same hierarchy, exists here.
            let tag_id: Option<i64> = tx.query_opt("SELECT id FROM tags WHERE tag = $1", &[&tag.as_str()]).db()?.map(|r| r.get(0));
            match tag_id {
                Some(t) => {
                    tx.execute("INSERT INTO asset_tags (asset_id, tag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&id, &t]).db()?;
                }
                None => dropped += 1,
            }
        }
        reindex(&mut tx, id)?;
        tx.commit().db()?;
        Ok(dropped)
    }

    fn add_original(&self, path: &DamPath, original: &RenditionRecord) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let id = lock_asset(&mut tx, path)?;
        tx.execute("DELETE FROM renditions WHERE asset_id = $1 AND name = 'original'", &[&id]).db()?;
        insert_renditions(&mut tx, id, std::slice::from_ref(original))?;
        sync_current_version(&mut tx, id, "", unix_now())?;
        tx.commit().db()
    }

    fn create_job(&self, job: &NewJob, by: &ProcessId) -> Result<i64, RepoError> {
        let row = self
            .client()?
            .query_one(
                "INSERT INTO connected_jobs (kind, state, remote_path, local_path, page_path, started_at, bytes_total, detail, heartbeat_at, owner)
                 VALUES ($1, 'active', $2, $3, $4, $5, $6, $7, $5, $8) RETURNING id",
                &[
                    &job.kind.as_str(),
                    &job.remote_path.as_str(),
                    &job.local_path.as_str(),
                    &job.page_path,
                    &unix_now(),
                    &job.bytes_total.map(|t| t as i64),
                    &job.detail,
                    &by.as_str(),
                ],
            )
            .db()?;
        Ok(row.get(0))
    }

    fn job_progress(&self, id: i64, done: u64) -> Result<(), RepoError> {
        self.client()?.execute("UPDATE connected_jobs SET bytes_done = $2, heartbeat_at = $3 WHERE id = $1", &[&id, &(done as i64), &unix_now()]).db()?;
        Ok(())
    }

    fn end_job(&self, id: i64, error: Option<&str>) -> Result<(), RepoError> {
        let state = if error.is_some() { JobState::Failed } else { JobState::Success };
        self.client()?
            .execute(
                "UPDATE connected_jobs SET state = $2, error = $3, ended_at = $4,
                        bytes_done = CASE WHEN $2 = 'success' THEN coalesce(bytes_total, bytes_done) ELSE bytes_done END
                 WHERE id = $1",
                &[&id, &state.as_str(), &error, &unix_now()],
            )
            .db()?;
        Ok(())
    }

    fn jobs(&self, state: Option<JobState>, limit: u32) -> Result<Vec<(JobDto, Option<String>)>, RepoError> {
        let rows = self
            .client()?
            .query(
                &format!("SELECT {JOB_COLUMNS}, detail FROM connected_jobs WHERE $1::TEXT IS NULL OR state = $1 ORDER BY id DESC LIMIT $2"),
                &[&state.map(JobState::as_str), &i64::from(limit)],
            )
            .db()?;
        rows.iter().map(job_from_row).collect()
    }

    fn take_over_jobs(&self, abandoned: &Abandoned, by: &ProcessId, now: i64) -> Result<Vec<(JobDto, Option<String>)>, RepoError> {
        // Each row is updated once: two processes never take the same job.
        let rows = self
            .client()?
            .query(
                &format!(
                    "UPDATE connected_jobs SET heartbeat_at = $3, owner = $4 WHERE state = 'active' AND (heartbeat_at <= $1 OR owner = $2)
                     RETURNING {JOB_COLUMNS}, detail"
                ),
                &[&abandoned.lease_start, &abandoned.left_by.as_ref().map(ProcessId::as_str), &now, &by.as_str()],
            )
            .db()?;
        let mut taken = rows.iter().map(job_from_row).collect::<Result<Vec<_>, _>>()?;
        taken.sort_by_key(|(job, _)| job.id);
        Ok(taken)
    }

    fn setting(&self, key: &str) -> Result<Option<String>, RepoError> {
        Ok(self.client()?.query_opt("SELECT value FROM settings WHERE key = $1", &[&key]).db()?.map(|r| r.get(0)))
    }

    fn settings(&self) -> Result<Vec<(String, String)>, RepoError> {
        Ok(self.client()?.query("SELECT key, value FROM settings ORDER BY key COLLATE \"C\"", &[]).db()?.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<(), RepoError> {
        self.client()?
            .execute("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", &[&key, &value])
            .db()?;
        Ok(())
    }
}
