//! The SQLite catalog (bundled SQLite, WAL mode).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension, Row};
use tessera_model::DamPath;

use crate::blobs::BlobHash;
use crate::catalog::{AssetRecord, Catalog, FolderRecord, Job, Processing, RenditionRecord, SessionRecord};
use crate::error::RepoError;
use crate::unix_now;

/// Schema migrations; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE folders (
    id         INTEGER PRIMARY KEY,
    path       TEXT NOT NULL UNIQUE,
    parent_id  INTEGER REFERENCES folders(id),
    title      TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE assets (
    id         INTEGER PRIMARY KEY,
    path       TEXT NOT NULL UNIQUE,
    folder_id  INTEGER NOT NULL REFERENCES folders(id),
    title      TEXT NOT NULL,
    mime       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    width      INTEGER,
    height     INTEGER,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX assets_by_folder ON assets(folder_id, path);
CREATE TABLE renditions (
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    mime     TEXT NOT NULL,
    size     INTEGER NOT NULL,
    width    INTEGER,
    height   INTEGER,
    PRIMARY KEY (asset_id, name)
);
CREATE INDEX renditions_by_blob ON renditions(sha256);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user       TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
"#, r#"
ALTER TABLE assets ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN modified_by TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN modified_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assets ADD COLUMN properties TEXT NOT NULL DEFAULT '{}';
UPDATE assets SET modified_by = created_by, modified_at = created_at;
-- Rendition jobs: a persistent queue. `running` jobs found at start were interrupted
-- by a stop and go back to `queued`.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    asset_id    INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    run_after   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    started_at  INTEGER,
    finished_at INTEGER
);
CREATE INDEX jobs_ready ON jobs(state, run_after, id);
CREATE INDEX jobs_by_asset ON jobs(asset_id, id);
INSERT INTO jobs (asset_id, state, run_after, created_at)
    SELECT id, 'queued', 0, created_at FROM assets;
"#];

pub struct SqliteCatalog {
    conn: Mutex<Connection>,
}

impl SqliteCatalog {
    pub fn open(file: &Path) -> Result<Self, RepoError> {
        let mut conn = Connection::open(file)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        ensure_root(&conn)?;
        Ok(SqliteCatalog { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (it rolls back),
        // so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn migrate(conn: &mut Connection) -> Result<(), RepoError> {
    let done: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, script) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(script)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

fn ensure_root(conn: &Connection) -> Result<(), RepoError> {
    conn.execute(
        "INSERT OR IGNORE INTO folders (path, parent_id, title, created_at) VALUES (?1, NULL, 'Assets', ?2)",
        params![DamPath::root().as_str(), unix_now()],
    )?;
    Ok(())
}

fn folder_from_row(row: &Row<'_>) -> rusqlite::Result<(String, String)> {
    Ok((row.get(0)?, row.get(1)?))
}

fn to_folder((path, title): (String, String)) -> Result<FolderRecord, RepoError> {
    Ok(FolderRecord { path: DamPath::parse(&path)?, title })
}

struct AssetRow {
    id: i64,
    path: String,
    title: String,
    description: String,
    mime: String,
    size: i64,
    width: Option<u32>,
    height: Option<u32>,
    created_by: String,
    created_at: i64,
    modified_by: String,
    modified_at: i64,
    properties: String,
    job_state: Option<String>,
    job_error: Option<String>,
}

const ASSET_COLUMNS: &str = "a.id, a.path, a.title, a.description, a.mime, a.size, a.width, a.height, \
     a.created_by, a.created_at, a.modified_by, a.modified_at, a.properties, j.state, j.error";

/// Assets joined with their latest rendition job.
const ASSET_FROM: &str = "assets a LEFT JOIN jobs j ON j.id = (SELECT max(id) FROM jobs WHERE asset_id = a.id)";

fn asset_from_row(row: &Row<'_>) -> rusqlite::Result<AssetRow> {
    Ok(AssetRow {
        id: row.get(0)?,
        path: row.get(1)?,
        title: row.get(2)?,
        description: row.get(3)?,
        mime: row.get(4)?,
        size: row.get(5)?,
        width: row.get(6)?,
        height: row.get(7)?,
        created_by: row.get(8)?,
        created_at: row.get(9)?,
        modified_by: row.get(10)?,
        modified_at: row.get(11)?,
        properties: row.get(12)?,
        job_state: row.get(13)?,
        job_error: row.get(14)?,
    })
}

fn processing(state: Option<&str>, error: Option<String>) -> Processing {
    match state {
        Some("queued" | "running") => Processing::Pending,
        Some("failed") => Processing::Failed(error.unwrap_or_default()),
        _ => Processing::Done,
    }
}

fn load_renditions(conn: &Connection, asset_id: i64) -> Result<Vec<RenditionRecord>, RepoError> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, sha256, mime, size, width, height FROM renditions WHERE asset_id = ?1 ORDER BY name",
    )?;
    let rows = stmt.query_map([asset_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, Option<u32>>(4)?,
            r.get::<_, Option<u32>>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (name, sha, mime, size, width, height) = row?;
        let blob = BlobHash::parse(&sha).ok_or_else(|| RepoError::Internal(format!("bad blob hash in catalog: {sha}")))?;
        Ok(RenditionRecord { name, blob, mime, size: size as u64, width, height })
    })
    .collect()
}

fn complete_asset(conn: &Connection, row: AssetRow) -> Result<AssetRecord, RepoError> {
    let properties = serde_json::from_str(&row.properties)
        .map_err(|e| RepoError::Internal(format!("bad properties in catalog for {}: {e}", row.path)))?;
    Ok(AssetRecord {
        path: DamPath::parse(&row.path)?,
        title: row.title,
        description: row.description,
        mime: row.mime,
        size: row.size as u64,
        width: row.width,
        height: row.height,
        created_by: row.created_by,
        created_at: row.created_at,
        modified_by: row.modified_by,
        modified_at: row.modified_at,
        properties,
        renditions: load_renditions(conn, row.id)?,
        processing: processing(row.job_state.as_deref(), row.job_error),
    })
}

fn insert_renditions(conn: &Connection, asset_id: i64, renditions: &[RenditionRecord]) -> Result<(), RepoError> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO renditions (asset_id, name, sha256, mime, size, width, height) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for r in renditions {
        stmt.execute(params![asset_id, r.name, r.blob.as_str(), r.mime, r.size as i64, r.width, r.height])?;
    }
    Ok(())
}

fn folder_id(conn: &Connection, path: &DamPath) -> Result<Option<i64>, RepoError> {
    Ok(conn
        .query_row("SELECT id FROM folders WHERE path = ?1", [path.as_str()], |r| r.get(0))
        .optional()?)
}

fn is_taken(conn: &Connection, path: &DamPath) -> Result<bool, RepoError> {
    let n: i64 = conn.query_row(
        "SELECT (SELECT count(*) FROM folders WHERE path = ?1) + (SELECT count(*) FROM assets WHERE path = ?1)",
        [path.as_str()],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

impl Catalog for SqliteCatalog {
    fn folder(&self, path: &DamPath) -> Result<Option<FolderRecord>, RepoError> {
        let conn = self.conn();
        conn.query_row("SELECT path, title FROM folders WHERE path = ?1", [path.as_str()], folder_from_row)
            .optional()?
            .map(to_folder)
            .transpose()
    }

    fn create_folder(&self, path: &DamPath, title: &str) -> Result<FolderRecord, RepoError> {
        let parent = path.parent().ok_or_else(|| RepoError::AlreadyExists(path.clone()))?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let parent_id = folder_id(&tx, &parent)?.ok_or(RepoError::ParentMissing(parent))?;
        if is_taken(&tx, path)? {
            return Err(RepoError::AlreadyExists(path.clone()));
        }
        tx.execute(
            "INSERT INTO folders (path, parent_id, title, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![path.as_str(), parent_id, title, unix_now()],
        )?;
        tx.commit()?;
        Ok(FolderRecord { path: path.clone(), title: title.to_owned() })
    }

    fn children(&self, path: &DamPath) -> Result<(Vec<FolderRecord>, Vec<AssetRecord>), RepoError> {
        let conn = self.conn();
        let Some(id) = folder_id(&conn, path)? else {
            return Err(RepoError::NotFound(path.clone()));
        };
        let folders = conn
            .prepare_cached("SELECT path, title FROM folders WHERE parent_id = ?1 ORDER BY path")?
            .query_map([id], folder_from_row)?
            .map(|r| to_folder(r?))
            .collect::<Result<Vec<_>, _>>()?;
        let rows = conn
            .prepare_cached(&format!("SELECT {ASSET_COLUMNS} FROM {ASSET_FROM} WHERE a.folder_id = ?1 ORDER BY a.path"))?
            .query_map([id], asset_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        let assets = rows.into_iter().map(|row| complete_asset(&conn, row)).collect::<Result<_, _>>()?;
        Ok((folders, assets))
    }

    fn asset(&self, path: &DamPath) -> Result<Option<AssetRecord>, RepoError> {
        let conn = self.conn();
        let row = conn
            .query_row(&format!("SELECT {ASSET_COLUMNS} FROM {ASSET_FROM} WHERE a.path = ?1"), [path.as_str()], asset_from_row)
            .optional()?;
        row.map(|row| complete_asset(&conn, row)).transpose()
    }

    fn is_taken(&self, path: &DamPath) -> Result<bool, RepoError> {
        is_taken(&self.conn(), path)
    }

    fn insert_asset(
        &self,
        asset: &AssetRecord,
        publish_blobs: &mut dyn FnMut() -> Result<(), RepoError>,
    ) -> Result<(), RepoError> {
        let parent = asset.path.parent().ok_or_else(|| RepoError::AlreadyExists(asset.path.clone()))?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let folder = folder_id(&tx, &parent)?.ok_or(RepoError::ParentMissing(parent))?;
        if is_taken(&tx, &asset.path)? {
            return Err(RepoError::AlreadyExists(asset.path.clone()));
        }
        let properties = serde_json::to_string(&asset.properties).map_err(|e| RepoError::Internal(e.to_string()))?;
        tx.execute(
            "INSERT INTO assets (path, folder_id, title, description, mime, size, width, height,
                                 created_by, created_at, modified_by, modified_at, properties)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                asset.path.as_str(),
                folder,
                asset.title,
                asset.description,
                asset.mime,
                asset.size as i64,
                asset.width,
                asset.height,
                asset.created_by,
                asset.created_at,
                asset.modified_by,
                asset.modified_at,
                properties
            ],
        )?;
        let asset_id = tx.last_insert_rowid();
        insert_renditions(&tx, asset_id, &asset.renditions)?;
        tx.execute(
            "INSERT INTO jobs (asset_id, state, run_after, created_at) VALUES (?1, 'queued', 0, ?2)",
            params![asset_id, unix_now()],
        )?;
        publish_blobs()?;
        tx.commit()?;
        Ok(())
    }

    fn claim_job(&self, now: i64) -> Result<Option<Job>, RepoError> {
        let conn = self.conn();
        let claimed = conn
            .query_row(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?1
                 WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_after <= ?1 ORDER BY id LIMIT 1)
                 RETURNING id, asset_id, attempts",
                [now],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, u32>(2)?)),
            )
            .optional()?;
        let Some((id, asset_id, attempts)) = claimed else { return Ok(None) };
        let (path, mime, sha): (String, String, String) = conn.query_row(
            "SELECT a.path, a.mime, r.sha256 FROM assets a JOIN renditions r ON r.asset_id = a.id AND r.name = 'original'
             WHERE a.id = ?1",
            [asset_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let original = BlobHash::parse(&sha).ok_or_else(|| RepoError::Internal(format!("bad blob hash in catalog: {sha}")))?;
        Ok(Some(Job { id, asset: DamPath::parse(&path)?, mime, original, attempts }))
    }

    fn finish_job(
        &self,
        job: &Job,
        renditions: &[RenditionRecord],
        publish_blobs: &mut dyn FnMut() -> Result<(), RepoError>,
    ) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let asset_id: Option<i64> = tx
            .query_row("SELECT asset_id FROM jobs WHERE id = ?1 AND state = 'running'", [job.id], |r| r.get(0))
            .optional()?;
        let Some(asset_id) = asset_id else { return Ok(()) };
        tx.execute("DELETE FROM renditions WHERE asset_id = ?1 AND name <> 'original'", [asset_id])?;
        insert_renditions(&tx, asset_id, renditions)?;
        tx.execute(
            "UPDATE jobs SET state = 'done', error = NULL, finished_at = ?2 WHERE id = ?1",
            params![job.id, unix_now()],
        )?;
        publish_blobs()?;
        tx.commit()?;
        Ok(())
    }

    fn fail_job(&self, job: &Job, error: &str, retry_at: Option<i64>) -> Result<(), RepoError> {
        let conn = self.conn();
        match retry_at {
            Some(at) => conn.execute(
                "UPDATE jobs SET state = 'queued', error = ?2, run_after = ?3 WHERE id = ?1",
                params![job.id, error, at],
            )?,
            None => conn.execute(
                "UPDATE jobs SET state = 'failed', error = ?2, finished_at = ?3 WHERE id = ?1",
                params![job.id, error, unix_now()],
            )?,
        };
        Ok(())
    }

    fn requeue_interrupted_jobs(&self) -> Result<usize, RepoError> {
        Ok(self.conn().execute("UPDATE jobs SET state = 'queued', run_after = 0 WHERE state = 'running'", [])?)
    }

    fn unfinished_jobs(&self) -> Result<usize, RepoError> {
        Ok(self.conn().query_row("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')", [], |r| r.get(0))?)
    }

    fn create_session(&self, s: &SessionRecord) -> Result<(), RepoError> {
        let conn = self.conn();
        conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [unix_now()])?;
        conn.execute(
            "INSERT INTO sessions (token_hash, user, csrf_token, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![s.token_hash, s.user, s.csrf_token, s.expires_at],
        )?;
        Ok(())
    }

    fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRecord>, RepoError> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT token_hash, user, csrf_token, expires_at FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
                params![token_hash, now],
                |r| Ok(SessionRecord { token_hash: r.get(0)?, user: r.get(1)?, csrf_token: r.get(2)?, expires_at: r.get(3)? }),
            )
            .optional()?)
    }

    fn delete_session(&self, token_hash: &str) -> Result<(), RepoError> {
        self.conn().execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }
}
