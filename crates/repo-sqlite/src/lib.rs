//! The catalog on SQLite (bundled, WAL mode): the embedded default, one file in the
//! data directory. Full-text search is FTS5 with prefix terms.

mod collections;
mod connected;
mod error;
mod history;
mod live_copies;
mod search;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension, Row};
use tessera_model::{DamPath, Description, MetadataPatch, PageContent, PageDto, PagePath, PageSummary, RenditionName, SearchQuery, TagId, Title};

use tessera_model::access::is_within;
use tessera_model::connected::ConnectedOrigin;
use tessera_model::{Access, PermissionRule};
use tessera_repo::history::{patch_fields, refuse_locked, AssetEvent, CheckOut, EventKind, VersionKind};
use tessera_repo::{
    refuse_referenced, unix_now, Abandoned, AssetRecord, BlobHash, Catalog, Concurrency, FolderRecord, Job, ProcessId, Processing, Publication, ReadScope,
    Reference, RenditionRecord, RepoError, SearchPage, SessionRecord, TagRecord,
};

use crate::error::{like_escape, Db};

/// Schema migrations; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    r#"
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
"#,
    r#"
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
"#,
    r#"
ALTER TABLE assets ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE assets SET name = substr(path, length(rtrim(path, replace(path, '/', ''))) + 1);
CREATE INDEX assets_by_name ON assets(name COLLATE NOCASE, id);
CREATE INDEX assets_by_modified ON assets(modified_at, id);
CREATE INDEX assets_by_size ON assets(size, id);
-- The namespaced taxonomy: `products:` is a namespace, `products:shoes/running` a tag.
CREATE TABLE tags (
    id        INTEGER PRIMARY KEY,
    tag       TEXT NOT NULL UNIQUE,
    title     TEXT NOT NULL,
    parent_id INTEGER REFERENCES tags(id) ON DELETE CASCADE
);
CREATE TABLE asset_tags (
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (asset_id, tag_id)
);
CREATE INDEX asset_tags_by_tag ON asset_tags(tag_id);
-- Full text over title, description, file name, tags and path; rowid = assets.id.
-- Written in the same transaction as the metadata it indexes.
CREATE VIRTUAL TABLE assets_fts USING fts5(title, description, name, tags, path, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO assets_fts (rowid, title, description, name, tags, path)
    SELECT id, title, description, name, '', path FROM assets;
-- "Page P uses asset A": sites_url is '' for a page of this deployment.
CREATE TABLE asset_references (
    id         INTEGER PRIMARY KEY,
    asset_id   INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    sites_url  TEXT NOT NULL,
    page_path  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (asset_id, sites_url, page_path)
);
-- Read and write permissions of groups on folders, inherited down the tree.
CREATE TABLE folder_permissions (
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    grp       TEXT NOT NULL,
    access    TEXT NOT NULL CHECK (access IN ('none', 'read', 'write')),
    PRIMARY KEY (folder_id, grp)
);
"#,
    r#"
-- Pages of Sites deployments: an ordered list of components (JSON), versioned.
CREATE TABLE pages (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    parent_id    INTEGER REFERENCES pages(id),
    title        TEXT NOT NULL,
    version      INTEGER NOT NULL,
    components   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    modified_by  TEXT NOT NULL,
    modified_at  INTEGER NOT NULL,
    published_at INTEGER
);
CREATE TABLE published_pages (
    page_id      INTEGER PRIMARY KEY REFERENCES pages(id) ON DELETE CASCADE,
    html         TEXT NOT NULL,
    published_at INTEGER NOT NULL
);
-- Blobs that published pages show; served to anyone, by hash.
CREATE TABLE published_blobs (
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    sha256  TEXT NOT NULL,
    mime    TEXT NOT NULL,
    PRIMARY KEY (page_id, sha256)
);
CREATE INDEX published_blobs_by_hash ON published_blobs(sha256);
"#,
    r#"
-- Edit states that pages use, by key, so image URLs can name them.
CREATE TABLE image_edits (
    key   TEXT PRIMARY KEY,
    state TEXT NOT NULL
);
-- Rendered edited images: (original, edit, width, format) -> blob.
CREATE TABLE image_cache (
    original TEXT NOT NULL,
    edit_key TEXT NOT NULL,
    width    INTEGER NOT NULL,
    format   TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    PRIMARY KEY (original, edit_key, width, format)
);
"#,
    r#"
-- Connected Assets: where a fetched copy came from (all three set, or none).
ALTER TABLE assets ADD COLUMN remote_url TEXT;
ALTER TABLE assets ADD COLUMN remote_path TEXT;
ALTER TABLE assets ADD COLUMN fetched_at INTEGER;
-- Fetches, original transfers and reference reports: the Async Jobs page.
CREATE TABLE connected_jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    state       TEXT NOT NULL,
    remote_path TEXT NOT NULL,
    local_path  TEXT NOT NULL,
    page_path   TEXT,
    error       TEXT,
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER,
    bytes_done  INTEGER NOT NULL DEFAULT 0,
    bytes_total INTEGER,
    -- What the job needs to run again after a restart (JSON).
    detail      TEXT
);
CREATE INDEX connected_jobs_by_state ON connected_jobs(state, id);
-- Settings changed at run time (the Connected Assets configuration page).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
    r#"
-- A page's description: its published page's meta description and link previews.
ALTER TABLE pages ADD COLUMN description TEXT NOT NULL DEFAULT '';
"#,
    r#"
-- When the process running a Connected Assets job last said it was alive.
ALTER TABLE connected_jobs ADD COLUMN heartbeat_at INTEGER NOT NULL DEFAULT 0;
UPDATE connected_jobs SET heartbeat_at = started_at;
"#,
    r#"
-- The process that runs a job (its `ProcessId`).
ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE connected_jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
"#,
    r#"
-- Every binary an asset has had; the highest number is the asset's own original.
CREATE TABLE asset_versions (
    asset_id   INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    number     INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    mime       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    width      INTEGER,
    height     INTEGER,
    comment    TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (asset_id, number)
);
CREATE INDEX asset_versions_by_blob ON asset_versions(sha256);
INSERT INTO asset_versions (asset_id, number, sha256, mime, size, width, height, comment, created_by, created_at)
    SELECT a.id, 1, r.sha256, r.mime, r.size, r.width, r.height, '', a.created_by, a.created_at
    FROM assets a JOIN renditions r ON r.asset_id = a.id AND r.name = 'original';
"#,
    r#"
-- Check-out: who holds an asset, since when.
ALTER TABLE assets ADD COLUMN checked_out_by TEXT;
ALTER TABLE assets ADD COLUMN checked_out_at INTEGER;
CREATE INDEX assets_checked_out ON assets(checked_out_by) WHERE checked_out_by IS NOT NULL;
-- How a version came to be, and what it kept when a later one replaced it.
ALTER TABLE asset_versions ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE asset_versions ADD COLUMN kind TEXT NOT NULL DEFAULT 'replaced';
ALTER TABLE asset_versions ADD COLUMN restored_from INTEGER;
ALTER TABLE asset_versions ADD COLUMN metadata TEXT;
UPDATE asset_versions SET kind = 'upload' WHERE number = 1;
CREATE TABLE version_renditions (
    asset_id INTEGER NOT NULL,
    number   INTEGER NOT NULL,
    name     TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    mime     TEXT NOT NULL,
    size     INTEGER NOT NULL,
    width    INTEGER,
    height   INTEGER,
    PRIMARY KEY (asset_id, number, name),
    FOREIGN KEY (asset_id, number) REFERENCES asset_versions(asset_id, number) ON DELETE CASCADE
);
CREATE INDEX version_renditions_by_blob ON version_renditions(sha256);
-- The timeline's events besides versions.
CREATE TABLE asset_events (
    id       INTEGER PRIMARY KEY,
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    actor    TEXT NOT NULL,
    at       INTEGER NOT NULL,
    detail   TEXT NOT NULL,
    version  INTEGER
);
CREATE INDEX asset_events_by_asset ON asset_events(asset_id, at);
"#,
    r#"
-- Collections: sets of assets, or saved searches, shared with groups.
CREATE TABLE collections (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    owner       TEXT NOT NULL,
    query       TEXT,
    created_at  INTEGER NOT NULL,
    modified_at INTEGER NOT NULL
);
CREATE TABLE collection_assets (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    asset_id      INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    added_at      INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    PRIMARY KEY (collection_id, asset_id)
);
CREATE INDEX collection_assets_by_asset ON collection_assets(asset_id);
CREATE TABLE collection_shares (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    grp           TEXT NOT NULL,
    access        TEXT NOT NULL,
    PRIMARY KEY (collection_id, grp)
);
-- Share links: only a hash of each token.
CREATE TABLE share_links (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX share_links_by_creator ON share_links(created_by, created_at);
CREATE TABLE share_link_assets (
    link_id  INTEGER NOT NULL REFERENCES share_links(id) ON DELETE CASCADE,
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (link_id, asset_id)
);
CREATE INDEX share_link_assets_by_asset ON share_link_assets(asset_id);
"#,
    // Live relationships (MSM): each live copy, asset or folder, tied by id to its
    // source; a deleted source leaves its last path.
    r#"
CREATE TABLE live_relationships (
    copy_asset_id    INTEGER UNIQUE REFERENCES assets(id) ON DELETE CASCADE,
    copy_folder_id   INTEGER UNIQUE REFERENCES folders(id) ON DELETE CASCADE,
    source_asset_id  INTEGER REFERENCES assets(id) ON DELETE SET NULL,
    source_folder_id INTEGER REFERENCES folders(id) ON DELETE SET NULL,
    source_path      TEXT NOT NULL,
    config           TEXT NOT NULL,
    suspended        INTEGER NOT NULL DEFAULT 0,
    cancelled        TEXT NOT NULL DEFAULT '[]',
    last_rollout_at  INTEGER,
    last_rollout_by  TEXT,
    CHECK ((copy_asset_id IS NULL) <> (copy_folder_id IS NULL))
);
CREATE INDEX live_relationships_by_source_asset ON live_relationships(source_asset_id);
CREATE INDEX live_relationships_by_source_folder ON live_relationships(source_folder_id);
"#,
    // The full-text index answers a search's kind, type and orientation filters too:
    // a `facets` column of tokens (see search::FACETS_SQL, which this copies as it was).
    r#"
DROP TABLE assets_fts;
CREATE VIRTUAL TABLE assets_fts USING fts5(title, description, name, tags, path, facets, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO assets_fts (rowid, title, description, name, tags, path, facets)
    SELECT a.id, a.title, a.description, a.name,
           coalesce((SELECT group_concat(t.tag || ' ' || t.title, ' ')
                     FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE x.asset_id = a.id), ''),
           a.path,
           char(57344) || (CASE WHEN a.mime LIKE 'image/%' AND a.mime <> 'image/svg+xml' THEN 'kimage' ELSE 'kdocument' END)
           || ' ' || char(57344) || 'm' || hex(a.mime)
           || ' ' || char(57344) || 'f' || hex(lower(substr(a.mime, 1, instr(a.mime, '/') - 1)))
           || (CASE WHEN a.width > a.height THEN ' ' || char(57344) || 'olandscape'
                    WHEN a.width < a.height THEN ' ' || char(57344) || 'oportrait'
                    WHEN a.width = a.height THEN ' ' || char(57344) || 'osquare' ELSE '' END)
    FROM assets a;
"#,
];

pub struct SqliteCatalog {
    conn: Mutex<Connection>,
    readers: Readers,
}

/// Read-only connections for the calls every request makes (its session, an asset,
/// a search), so that those run beside each other and beside a write instead of
/// queueing for the one connection: in WAL mode a reader sees the last commit and
/// neither waits for a writer nor holds one up. At most [`Readers::COUNT`] are open;
/// a caller finding none idle waits for one.
struct Readers {
    idle: Mutex<Vec<Connection>>,
    returned: Condvar,
}

impl Readers {
    const COUNT: usize = 4;

    fn open(file: &Path) -> Result<Self, RepoError> {
        let idle = (0..Self::COUNT).map(|_| open_reader(file)).collect::<Result<_, _>>()?;
        Ok(Readers { idle: Mutex::new(idle), returned: Condvar::new() })
    }

    fn get(&self) -> Reader<'_> {
        // As with the writer, a panic elsewhere cannot leave a connection half-used.
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(conn) = idle.pop() {
                return Reader { conn: Some(conn), readers: self };
            }
            idle = self.returned.wait(idle).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A reader connection, back to the pool when dropped.
struct Reader<'a> {
    conn: Option<Connection>,
    readers: &'a Readers,
}

impl std::ops::Deref for Reader<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("held until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.readers.idle.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
            self.readers.returned.notify_one();
        }
    }
}

/// A connection that may only read (`query_only`), with a smaller page cache than
/// the writer's: the readers share the operating system's cache of the file too.
fn open_reader(file: &Path) -> Result<Connection, RepoError> {
    let conn = Connection::open(file).db()?;
    conn.execute_batch("PRAGMA query_only = ON; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;").db()?;
    conn.busy_timeout(std::time::Duration::from_secs(5)).db()?;
    Ok(conn)
}

impl SqliteCatalog {
    pub fn open(file: &Path) -> Result<Self, RepoError> {
        let mut conn = Connection::open(file).db()?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;").db()?;
        // SQLite's default 2 MB page cache holds a fraction of a catalog of 100,000
        // assets; searches then re-read pages from the file on every query. The one
        // connection keeps up to 64 MiB instead.
        conn.execute_batch("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;").db()?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).db()?;
        migrate(&mut conn)?;
        ensure_root(&conn)?;
        // Opened after the migrations, so no reader holds the schema they change.
        let readers = Readers::open(file)?;
        Ok(SqliteCatalog { conn: Mutex::new(conn), readers })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (it rolls back),
        // so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn reader(&self) -> Reader<'_> {
        self.readers.get()
    }
}

fn migrate(conn: &mut Connection) -> Result<(), RepoError> {
    let done: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).db()?;
    for (i, script) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction().db()?;
        tx.execute_batch(script).db()?;
        tx.pragma_update(None, "user_version", i + 1).db()?;
        tx.commit().db()?;
    }
    Ok(())
}

fn ensure_root(conn: &Connection) -> Result<(), RepoError> {
    conn.execute(
        "INSERT OR IGNORE INTO folders (path, parent_id, title, created_at) VALUES (?1, NULL, 'Assets', ?2)",
        params![DamPath::root().as_str(), unix_now()],
    )
    .db()?;
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
    remote: Option<(String, String, i64)>,
    checked_out: Option<(String, i64)>,
    live_copy: bool,
}

const ASSET_COLUMNS: &str = "a.id, a.path, a.title, a.description, a.mime, a.size, a.width, a.height, \
     a.created_by, a.created_at, a.modified_by, a.modified_at, a.properties, j.state, j.error, \
     a.remote_url, a.remote_path, a.fetched_at, a.checked_out_by, a.checked_out_at, \
     EXISTS (SELECT 1 FROM live_relationships lr WHERE lr.copy_asset_id = a.id)";

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
        remote: match (row.get::<_, Option<String>>(15)?, row.get::<_, Option<String>>(16)?, row.get::<_, Option<i64>>(17)?) {
            (Some(url), Some(path), Some(at)) => Some((url, path, at)),
            _ => None,
        },
        checked_out: match (row.get::<_, Option<String>>(18)?, row.get::<_, Option<i64>>(19)?) {
            (Some(by), Some(at)) => Some((by, at)),
            _ => None,
        },
        live_copy: row.get(20)?,
    })
}

/// How many ids one `IN (…)` list holds: well under SQLite's limit on parameters.
const IDS_PER_QUERY: usize = 500;

/// `f` over `ids` in lists of at most [`IDS_PER_QUERY`], each spelled `?, ?, …`.
fn for_id_lists(ids: &[i64], mut f: impl FnMut(&str, &[i64]) -> Result<(), RepoError>) -> Result<(), RepoError> {
    for chunk in ids.chunks(IDS_PER_QUERY) {
        f(&vec!["?"; chunk.len()].join(", "), chunk)?;
    }
    Ok(())
}

/// The renditions of each of `ids`, in one query per list of ids rather than one per asset.
fn load_renditions(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, Vec<RenditionRecord>>, RepoError> {
    let mut out: HashMap<i64, Vec<RenditionRecord>> = HashMap::new();
    for_id_lists(ids, |list, chunk| {
        let sql = format!("SELECT asset_id, name, sha256, mime, size, width, height FROM renditions WHERE asset_id IN ({list}) ORDER BY asset_id, name");
        let mut stmt = conn.prepare_cached(&sql).db()?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(chunk), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Option<u32>>(5)?,
                    r.get::<_, Option<u32>>(6)?,
                ))
            })
            .db()?;
        for row in rows {
            let (id, name, sha, mime, size, width, height) = row.db()?;
            let name = RenditionName::parse(&name).ok_or_else(|| RepoError::Internal(format!("unknown rendition in catalog: {name}")))?;
            let blob = BlobHash::parse(&sha).ok_or_else(|| RepoError::Internal(format!("bad blob hash in catalog: {sha}")))?;
            out.entry(id).or_default().push(RenditionRecord { name, blob, mime, size: size as u64, width, height });
        }
        Ok(())
    })?;
    Ok(out)
}

/// The tags of each of `ids`, in one query per list of ids.
fn load_tags(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, Vec<TagId>>, RepoError> {
    let mut out: HashMap<i64, Vec<TagId>> = HashMap::new();
    for_id_lists(ids, |list, chunk| {
        let sql = format!("SELECT x.asset_id, t.tag FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE x.asset_id IN ({list}) ORDER BY x.asset_id, t.tag");
        let mut stmt = conn.prepare_cached(&sql).db()?;
        let rows = stmt.query_map(rusqlite::params_from_iter(chunk), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))).db()?;
        for row in rows {
            let (id, tag) = row.db()?;
            out.entry(id).or_default().push(TagId::parse(&tag).map_err(|e| RepoError::Internal(format!("bad tag in catalog: {e}")))?);
        }
        Ok(())
    })?;
    Ok(out)
}

fn complete_asset(conn: &Connection, row: AssetRow) -> Result<AssetRecord, RepoError> {
    complete_assets(conn, vec![row]).map(|mut one| one.remove(0))
}

/// Catalog rows made records, their tags and renditions read for all of them at once.
fn complete_assets(conn: &Connection, rows: Vec<AssetRow>) -> Result<Vec<AssetRecord>, RepoError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let (mut tags, mut renditions) = (load_tags(conn, &ids)?, load_renditions(conn, &ids)?);
    rows.into_iter()
        .map(|row| {
            let (t, r) = (tags.remove(&row.id).unwrap_or_default(), renditions.remove(&row.id).unwrap_or_default());
            record_of(row, t, r)
        })
        .collect()
}

/// The assets of `ids`, in that order; an id with no asset is an internal error.
fn load_assets(conn: &Connection, ids: &[i64]) -> Result<Vec<AssetRecord>, RepoError> {
    let mut rows: HashMap<i64, AssetRow> = HashMap::with_capacity(ids.len());
    for_id_lists(ids, |list, chunk| {
        let mut stmt = conn.prepare_cached(&format!("SELECT {ASSET_COLUMNS} FROM {ASSET_FROM} WHERE a.id IN ({list})")).db()?;
        for row in stmt.query_map(rusqlite::params_from_iter(chunk), asset_from_row).db()? {
            let row = row.db()?;
            rows.insert(row.id, row);
        }
        Ok(())
    })?;
    let ordered =
        ids.iter().map(|id| rows.remove(id).ok_or_else(|| RepoError::Internal(format!("asset {id} vanished during a search")))).collect::<Result<_, _>>()?;
    complete_assets(conn, ordered)
}

fn record_of(row: AssetRow, tags: Vec<TagId>, renditions: Vec<RenditionRecord>) -> Result<AssetRecord, RepoError> {
    let properties = serde_json::from_str(&row.properties).map_err(|e| RepoError::Internal(format!("bad properties in catalog for {}: {e}", row.path)))?;
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
        tags,
        renditions,
        processing: Processing::of_job(row.job_state.as_deref(), row.job_error),
        connected: row
            .remote
            .map(|(dam_url, path, fetched_at)| Ok::<_, RepoError>(ConnectedOrigin { dam_url, path: DamPath::parse(&path)?, fetched_at }))
            .transpose()?,
        checked_out: row.checked_out.map(|(by, at)| CheckOut { by, at }),
        live_copy: row.live_copy,
    })
}

/// Rewrites an asset's full-text row from its metadata and tags. Called inside the
/// transaction that changed them.
pub(crate) fn reindex(conn: &Connection, asset_id: i64) -> Result<(), RepoError> {
    conn.execute("DELETE FROM assets_fts WHERE rowid = ?1", [asset_id]).db()?;
    let sql = format!(
        "INSERT INTO assets_fts (rowid, title, description, name, tags, path, facets)
         SELECT a.id, a.title, a.description, a.name,
                coalesce((SELECT group_concat(t.tag || ' ' || t.title, ' ')
                          FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE x.asset_id = a.id), ''),
                a.path, {}
         FROM assets a WHERE a.id = ?1",
        search::FACETS_SQL
    );
    conn.prepare_cached(&sql).db()?.execute([asset_id]).db()?;
    Ok(())
}

fn insert_renditions(conn: &Connection, asset_id: i64, renditions: &[RenditionRecord]) -> Result<(), RepoError> {
    let mut stmt =
        conn.prepare_cached("INSERT INTO renditions (asset_id, name, sha256, mime, size, width, height) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)").db()?;
    for r in renditions {
        stmt.execute(params![asset_id, r.name.as_str(), r.blob.as_str(), r.mime, r.size as i64, r.width, r.height]).db()?;
    }
    Ok(())
}

/// Keeps the asset's current (highest) version holding its original, making it
/// version 1 when there is none: the last version is always the asset itself.
/// An asset without an original yet (a copy whose original comes later) has none.
pub(crate) fn sync_current_version(conn: &Connection, asset_id: i64, created_by: &str, created_at: i64) -> Result<(), RepoError> {
    conn.execute(
        "INSERT INTO asset_versions (asset_id, number, sha256, mime, size, width, height, comment, created_by, created_at, kind)
         SELECT r.asset_id, coalesce((SELECT max(number) FROM asset_versions WHERE asset_id = ?1), 1), r.sha256, r.mime, r.size, r.width, r.height, '', ?2, ?3, 'upload'
         FROM renditions r WHERE r.asset_id = ?1 AND r.name = 'original'
         ON CONFLICT (asset_id, number) DO UPDATE SET sha256 = excluded.sha256, mime = excluded.mime, size = excluded.size,
                                                     width = excluded.width, height = excluded.height",
        params![asset_id, created_by, created_at],
    )
    .db()?;
    Ok(())
}

/// Writes an asset's row into `folder`, with its Connected Assets origin when it has
/// one; returns its id. Renditions, tags and the full-text row are the caller's.
fn insert_asset_row(conn: &Connection, asset: &AssetRecord, folder: i64) -> Result<i64, RepoError> {
    let properties = serde_json::to_string(&asset.properties).map_err(|e| RepoError::Internal(e.to_string()))?;
    let origin = asset.connected.as_ref();
    conn.execute(
        "INSERT INTO assets (path, folder_id, title, description, mime, size, width, height, created_by, created_at,
                             modified_by, modified_at, properties, name, remote_url, remote_path, fetched_at, checked_out_by, checked_out_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
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
            properties,
            asset.path.name(),
            origin.map(|o| o.dam_url.as_str()),
            origin.map(|o| o.path.as_str()),
            origin.map(|o| o.fetched_at),
            asset.checked_out.as_ref().map(|c| c.by.as_str()),
            asset.checked_out.as_ref().map(|c| c.at)
        ],
    )
    .db()?;
    Ok(conn.last_insert_rowid())
}

fn folder_id(conn: &Connection, path: &DamPath) -> Result<Option<i64>, RepoError> {
    conn.query_row("SELECT id FROM folders WHERE path = ?1", [path.as_str()], |r| r.get(0)).optional().db()
}

fn page_id(conn: &Connection, path: &PagePath) -> Result<Option<i64>, RepoError> {
    conn.query_row("SELECT id FROM pages WHERE path = ?1", [path.as_str()], |r| r.get(0)).optional().db()
}

fn page_path(raw: &str) -> Result<PagePath, RepoError> {
    PagePath::parse(raw).map_err(|e| RepoError::Internal(format!("bad page path in catalog: {e}")))
}

fn asset_id(conn: &Connection, path: &DamPath) -> Result<i64, RepoError> {
    conn.query_row("SELECT id FROM assets WHERE path = ?1", [path.as_str()], |r| r.get(0)).optional().db()?.ok_or_else(|| RepoError::NotFound(path.clone()))
}

/// Ids of the asset at `path`, or of every asset below the folder at `path`.
fn assets_within(conn: &Connection, path: &DamPath) -> Result<Vec<i64>, RepoError> {
    let mut stmt = conn.prepare_cached("SELECT id FROM assets WHERE path = ?1 OR path LIKE ?2 ESCAPE '\\'").db()?;
    let ids = stmt.query_map(params![path.as_str(), format!("{}/%", like_escape(path.as_str()))], |r| r.get(0)).db()?;
    ids.collect::<Result<_, _>>().db()
}

fn tagged_assets(conn: &Connection, tag: &TagId) -> Result<Vec<i64>, RepoError> {
    let below = if tag.as_str().ends_with(':') { format!("{}%", like_escape(tag.as_str())) } else { format!("{}/%", like_escape(tag.as_str())) };
    let mut stmt = conn
        .prepare_cached("SELECT DISTINCT x.asset_id FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE t.tag = ?1 OR t.tag LIKE ?2 ESCAPE '\\'")
        .db()?;
    let ids = stmt.query_map(params![tag.as_str(), below], |r| r.get(0)).db()?;
    ids.collect::<Result<_, _>>().db()
}

fn references_within(conn: &Connection, path: &DamPath) -> Result<Vec<(String, String)>, RepoError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT r.sites_url, r.page_path FROM asset_references r JOIN assets a ON a.id = r.asset_id
         WHERE a.path = ?1 OR a.path LIKE ?2 ESCAPE '\\' ORDER BY r.sites_url, r.page_path",
        )
        .db()?;
    let rows = stmt.query_map(params![path.as_str(), format!("{}/%", like_escape(path.as_str()))], |r| Ok((r.get(0)?, r.get(1)?))).db()?;
    rows.collect::<Result<_, _>>().db()
}

/// Of `hashes`, those no rendition, no version (nor what it kept) and no published page uses: their
/// files may go.
fn unused_blobs(conn: &Connection, mut hashes: Vec<String>) -> Result<Vec<BlobHash>, RepoError> {
    hashes.sort();
    hashes.dedup();
    let mut unused = Vec::new();
    for h in hashes {
        let used: i64 = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM renditions WHERE sha256 = ?1) OR EXISTS (SELECT 1 FROM asset_versions WHERE sha256 = ?1)
                        OR EXISTS (SELECT 1 FROM version_renditions WHERE sha256 = ?1) OR EXISTS (SELECT 1 FROM published_blobs WHERE sha256 = ?1)",
                [&h],
                |r| r.get(0),
            )
            .db()?;
        if used == 0 {
            unused.extend(BlobHash::parse(&h));
        }
    }
    Ok(unused)
}

/// The blobs that the publications of `page_ids` show.
fn published_hashes(conn: &Connection, page_ids: &[i64]) -> Result<Vec<String>, RepoError> {
    let mut stmt = conn.prepare_cached("SELECT sha256 FROM published_blobs WHERE page_id = ?1").db()?;
    let mut out = Vec::new();
    for id in page_ids {
        for h in stmt.query_map([id], |r| r.get::<_, String>(0)).db()? {
            out.push(h.db()?);
        }
    }
    Ok(out)
}

/// Writes an asset as it was elsewhere, in the caller's transaction: see
/// `Catalog::import_assets`. Returns its id.
pub(crate) fn import_asset(tx: &Connection, asset: &AssetRecord) -> Result<i64, RepoError> {
    let parent = asset.path.parent().ok_or_else(|| RepoError::AlreadyExists(asset.path.clone()))?;
    let folder = folder_id(tx, &parent)?.ok_or(RepoError::ParentMissing(parent))?;
    if is_taken(tx, &asset.path)? {
        return Err(RepoError::AlreadyExists(asset.path.clone()));
    }
    let id = insert_asset_row(tx, asset, folder)?;
    insert_renditions(tx, id, &asset.renditions)?;
    sync_current_version(tx, id, &asset.created_by, asset.created_at)?;
    for tag in &asset.tags {
        let tag_id: i64 = tx
            .query_row("SELECT id FROM tags WHERE tag = ?1", [tag.as_str()], |r| r.get(0))
            .optional()
            .db()?
            .ok_or_else(|| RepoError::UnknownTag(tag.to_string()))?;
        tx.execute("INSERT OR IGNORE INTO asset_tags (asset_id, tag_id) VALUES (?1, ?2)", params![id, tag_id]).db()?;
    }
    reindex(tx, id)?;
    match &asset.processing {
        Processing::Pending => tx.execute("INSERT INTO jobs (asset_id, state, run_after, created_at) VALUES (?1, 'queued', 0, ?2)", params![id, unix_now()]),
        Processing::Failed(error) => tx.execute(
            "INSERT INTO jobs (asset_id, state, error, run_after, created_at, finished_at) VALUES (?1, 'failed', ?2, 0, ?3, ?3)",
            params![id, error, unix_now()],
        ),
        Processing::Done => Ok(0),
    }
    .db()?;
    Ok(id)
}

/// Inserts a folder in an existing parent, in the caller's transaction. Returns its id.
pub(crate) fn insert_folder(tx: &Connection, path: &DamPath, title: &str) -> Result<i64, RepoError> {
    let parent = path.parent().ok_or_else(|| RepoError::AlreadyExists(path.clone()))?;
    let parent_id = folder_id(tx, &parent)?.ok_or(RepoError::ParentMissing(parent))?;
    if is_taken(tx, path)? {
        return Err(RepoError::AlreadyExists(path.clone()));
    }
    tx.execute("INSERT INTO folders (path, parent_id, title, created_at) VALUES (?1, ?2, ?3, ?4)", params![path.as_str(), parent_id, title, unix_now()])
        .db()?;
    Ok(tx.last_insert_rowid())
}

fn is_taken(conn: &Connection, path: &DamPath) -> Result<bool, RepoError> {
    let n: i64 = conn
        .query_row("SELECT (SELECT count(*) FROM folders WHERE path = ?1) + (SELECT count(*) FROM assets WHERE path = ?1)", [path.as_str()], |r| r.get(0))
        .db()?;
    Ok(n > 0)
}

impl Catalog for SqliteCatalog {
    fn concurrency(&self) -> Concurrency {
        Concurrency::OneProcess
    }

    fn connections(&self) -> usize {
        Readers::COUNT + 1
    }

    fn folder(&self, path: &DamPath) -> Result<Option<FolderRecord>, RepoError> {
        let conn = self.conn();
        conn.query_row("SELECT path, title FROM folders WHERE path = ?1", [path.as_str()], folder_from_row).optional().db()?.map(to_folder).transpose()
    }

    fn create_folder(&self, path: &DamPath, title: &str) -> Result<FolderRecord, RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        insert_folder(&tx, path, title)?;
        tx.commit().db()?;
        Ok(FolderRecord { path: path.clone(), title: title.to_owned() })
    }

    fn subfolders(&self, path: &DamPath) -> Result<Vec<FolderRecord>, RepoError> {
        let conn = self.conn();
        let id = folder_id(&conn, path)?.ok_or_else(|| RepoError::NotFound(path.clone()))?;
        let mut stmt = conn.prepare_cached("SELECT path, title FROM folders WHERE parent_id = ?1 ORDER BY path").db()?;
        let rows = stmt.query_map([id], folder_from_row).db()?;
        rows.map(|r| to_folder(r.db()?)).collect()
    }

    fn children(&self, path: &DamPath) -> Result<(Vec<FolderRecord>, Vec<AssetRecord>), RepoError> {
        let conn = self.conn();
        let Some(id) = folder_id(&conn, path)? else {
            return Err(RepoError::NotFound(path.clone()));
        };
        let folders = conn
            .prepare_cached("SELECT path, title FROM folders WHERE parent_id = ?1 ORDER BY path")
            .db()?
            .query_map([id], folder_from_row)
            .db()?
            .map(|r| to_folder(r.db()?))
            .collect::<Result<Vec<_>, _>>()?;
        let rows = conn
            .prepare_cached(&format!("SELECT {ASSET_COLUMNS} FROM {ASSET_FROM} WHERE a.folder_id = ?1 ORDER BY a.path"))
            .db()?
            .query_map([id], asset_from_row)
            .db()?
            .collect::<Result<Vec<_>, _>>()
            .db()?;
        let assets = complete_assets(&conn, rows)?;
        Ok((folders, assets))
    }

    fn asset(&self, path: &DamPath) -> Result<Option<AssetRecord>, RepoError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(&format!("SELECT {ASSET_COLUMNS} FROM {ASSET_FROM} WHERE a.path = ?1")).db()?;
        let row = stmt.query_row([path.as_str()], asset_from_row).optional().db()?;
        row.map(|row| complete_asset(&conn, row)).transpose()
    }

    fn is_taken(&self, path: &DamPath) -> Result<bool, RepoError> {
        is_taken(&self.conn(), path)
    }

    fn insert_asset(&self, asset: &AssetRecord) -> Result<(), RepoError> {
        let parent = asset.path.parent().ok_or_else(|| RepoError::AlreadyExists(asset.path.clone()))?;
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let folder = folder_id(&tx, &parent)?.ok_or(RepoError::ParentMissing(parent))?;
        if is_taken(&tx, &asset.path)? {
            return Err(RepoError::AlreadyExists(asset.path.clone()));
        }
        let asset_id = insert_asset_row(&tx, asset, folder)?;
        insert_renditions(&tx, asset_id, &asset.renditions)?;
        sync_current_version(&tx, asset_id, &asset.created_by, asset.created_at)?;
        let uploaded = AssetEvent {
            kind: EventKind::Version(VersionKind::Upload),
            version: Some(1),
            by: asset.created_by.clone(),
            at: asset.created_at,
            detail: String::new(),
        };
        history::record_event(&tx, asset_id, &uploaded)?;
        reindex(&tx, asset_id)?;
        tx.execute("INSERT INTO jobs (asset_id, state, run_after, created_at) VALUES (?1, 'queued', 0, ?2)", params![asset_id, unix_now()]).db()?;
        tx.commit().db()?;
        Ok(())
    }

    fn import_assets(&self, assets: &[AssetRecord]) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        for asset in assets {
            import_asset(&tx, asset)?;
        }
        tx.commit().db()
    }

    fn claim_job(&self, now: i64, by: &ProcessId) -> Result<Option<Job>, RepoError> {
        let conn = self.conn();
        let claimed = conn
            .query_row(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?1, owner = ?2
                 WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_after <= ?1 ORDER BY id LIMIT 1)
                 RETURNING id, asset_id, attempts",
                params![now, by.as_str()],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, u32>(2)?)),
            )
            .optional()
            .db()?;
        let Some((id, asset_id, attempts)) = claimed else {
            return Ok(None);
        };
        let (path, mime, sha, pixels): (String, String, String, Option<i64>) = conn
            .query_row(
                "SELECT a.path, a.mime, r.sha256, a.width * a.height FROM assets a JOIN renditions r ON r.asset_id = a.id AND r.name = 'original'
             WHERE a.id = ?1",
                [asset_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .db()?;
        let original = BlobHash::parse(&sha).ok_or_else(|| RepoError::Internal(format!("bad blob hash in catalog: {sha}")))?;
        let pixels = pixels.map_or(0, |p| p.max(0) as u64);
        Ok(Some(Job { id, asset: DamPath::parse(&path)?, mime, original, attempts, pixels }))
    }

    fn finish_job(&self, job: &Job, renditions: &[RenditionRecord]) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let asset_id: Option<i64> = tx.query_row("SELECT asset_id FROM jobs WHERE id = ?1 AND state = 'running'", [job.id], |r| r.get(0)).optional().db()?;
        let Some(asset_id) = asset_id else {
            return Err(RepoError::NotFound(job.asset.clone()));
        };
        tx.execute("DELETE FROM renditions WHERE asset_id = ?1 AND name <> 'original'", [asset_id]).db()?;
        insert_renditions(&tx, asset_id, renditions)?;
        tx.execute("UPDATE jobs SET state = 'done', error = NULL, finished_at = ?2 WHERE id = ?1", params![job.id, unix_now()]).db()?;
        tx.commit().db()?;
        Ok(())
    }

    fn fail_job(&self, job: &Job, error: &str, retry_at: Option<i64>) -> Result<(), RepoError> {
        let conn = self.conn();
        match retry_at {
            Some(at) => conn.execute("UPDATE jobs SET state = 'queued', error = ?2, run_after = ?3 WHERE id = ?1", params![job.id, error, at]).db()?,
            None => conn.execute("UPDATE jobs SET state = 'failed', error = ?2, finished_at = ?3 WHERE id = ?1", params![job.id, error, unix_now()]).db()?,
        };
        Ok(())
    }

    fn requeue_abandoned_jobs(&self, abandoned: &Abandoned) -> Result<usize, RepoError> {
        self.conn()
            .execute(
                "UPDATE jobs SET state = 'queued', run_after = 0 WHERE state = 'running' AND (started_at <= ?1 OR owner = ?2)",
                params![abandoned.lease_start, abandoned.left_by.as_ref().map(ProcessId::as_str)],
            )
            .db()
    }

    fn unfinished_jobs(&self) -> Result<usize, RepoError> {
        self.conn().query_row("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')", [], |r| r.get(0)).db()
    }

    fn update_metadata(&self, path: &DamPath, patch: &MetadataPatch, user: &str, now: i64) -> Result<(), RepoError> {
        let properties = patch.properties.as_ref().map(|p| serde_json::to_string(&p.to_map()).map_err(|e| RepoError::Internal(e.to_string()))).transpose()?;
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let id = asset_id(&tx, path)?;
        tx.execute(
            "UPDATE assets SET title = coalesce(?2, title), description = coalesce(?3, description),
                               properties = coalesce(?4, properties), modified_by = ?5, modified_at = ?6
             WHERE id = ?1",
            params![id, patch.title.as_ref().map(Title::as_str), patch.description.as_ref().map(Description::as_str), properties, user, now],
        )
        .db()?;
        history::record_event(&tx, id, &AssetEvent::new(EventKind::MetadataChanged, user, now, &patch_fields(patch)))?;
        reindex(&tx, id)?;
        tx.commit().db()?;
        Ok(())
    }

    fn tags(&self) -> Result<Vec<TagRecord>, RepoError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT tag, title FROM tags ORDER BY tag").db()?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).db()?;
        rows.map(|r| {
            let (tag, title) = r.db()?;
            Ok(TagRecord { tag: TagId::parse(&tag).map_err(|e| RepoError::Internal(e.to_string()))?, title })
        })
        .collect()
    }

    fn create_tag(&self, tag: &TagId, title: &str) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let mut parent: Option<i64> = None;
        for t in tag.lineage() {
            let id: i64 = if &t == tag {
                tx.query_row(
                    "INSERT INTO tags (tag, title, parent_id) VALUES (?1, ?2, ?3)
                     ON CONFLICT (tag) DO UPDATE SET title = excluded.title RETURNING id",
                    params![t.as_str(), title, parent],
                    |r| r.get(0),
                )
                .db()?
            } else {
                tx.execute("INSERT OR IGNORE INTO tags (tag, title, parent_id) VALUES (?1, ?2, ?3)", params![t.as_str(), t.name(), parent]).db()?;
                tx.query_row("SELECT id FROM tags WHERE tag = ?1", [t.as_str()], |r| r.get(0)).db()?
            };
            parent = Some(id);
        }
        for asset in tagged_assets(&tx, tag)? {
            reindex(&tx, asset)?;
        }
        tx.commit().db()?;
        Ok(())
    }

    fn delete_tag(&self, tag: &TagId) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let affected = tagged_assets(&tx, tag)?;
        let n = tx.execute("DELETE FROM tags WHERE tag = ?1", [tag.as_str()]).db()?;
        if n == 0 {
            return Err(RepoError::UnknownTag(tag.to_string()));
        }
        for asset in affected {
            reindex(&tx, asset)?;
        }
        tx.commit().db()?;
        Ok(())
    }

    fn set_asset_tags(&self, path: &DamPath, tags: &[TagId], user: &str, now: i64) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let id = asset_id(&tx, path)?;
        let mut tag_ids = Vec::new();
        for t in tags {
            let tag_id: Option<i64> = tx.query_row("SELECT id FROM tags WHERE tag = ?1", [t.as_str()], |r| r.get(0)).optional().db()?;
            tag_ids.push(tag_id.ok_or_else(|| RepoError::UnknownTag(t.to_string()))?);
        }
        tx.execute("DELETE FROM asset_tags WHERE asset_id = ?1", [id]).db()?;
        for tag_id in tag_ids {
            tx.execute("INSERT OR IGNORE INTO asset_tags (asset_id, tag_id) VALUES (?1, ?2)", params![id, tag_id]).db()?;
        }
        tx.execute("UPDATE assets SET modified_by = ?2, modified_at = ?3 WHERE id = ?1", params![id, user, now]).db()?;
        history::record_event(&tx, id, &AssetEvent::new(EventKind::MetadataChanged, user, now, "tags"))?;
        reindex(&tx, id)?;
        tx.commit().db()?;
        Ok(())
    }

    fn search(&self, query: &SearchQuery, scope: &ReadScope) -> Result<SearchPage, RepoError> {
        let conn = self.reader();
        search::search(&conn, query, scope, |ids| load_assets(&conn, ids))
    }

    fn count_assets_below(&self, folder: &DamPath) -> Result<u64, RepoError> {
        let below = format!("{}/%", like_escape(folder.as_str()));
        let sql = "SELECT count(*) FROM assets WHERE ?1 OR path LIKE ?2 ESCAPE '\\'";
        Ok(self.conn().query_row(sql, params![folder.is_root(), below], |r| r.get::<_, i64>(0)).db()? as u64)
    }

    fn move_node(&self, from: &DamPath, to: &DamPath, by: &str, force: bool) -> Result<(), RepoError> {
        if from.is_root() || to.is_root() {
            return Err(RepoError::RootIsFixed);
        }
        if is_within(to, from) {
            return Err(RepoError::MoveIntoSelf);
        }
        let to_parent = to.parent().ok_or(RepoError::RootIsFixed)?;
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let is_folder = folder_id(&tx, from)?.is_some();
        if !is_folder {
            asset_id(&tx, from)?;
        }
        let parent_id = folder_id(&tx, &to_parent)?.ok_or(RepoError::ParentMissing(to_parent))?;
        if is_taken(&tx, to)? {
            return Err(RepoError::AlreadyExists(to.clone()));
        }
        refuse_locked(&history::locks_within(&tx, from)?, by)?;
        if !force {
            refuse_referenced(from, &references_within(&tx, from)?, "move")?;
        }
        let moved = history::paths_within(&tx, from)?;
        let below = format!("{}/%", like_escape(from.as_str()));
        let rebase = "?2 || substr(path, length(?1) + 1)";
        if is_folder {
            tx.execute(&format!("UPDATE folders SET path = {rebase} WHERE path = ?1 OR path LIKE ?3 ESCAPE '\\'"), params![from.as_str(), to.as_str(), below])
                .db()?;
            tx.execute(
                "UPDATE folders SET parent_id = ?2, title = CASE WHEN title = ?3 THEN ?4 ELSE title END WHERE path = ?1",
                params![to.as_str(), parent_id, from.name(), to.name()],
            )
            .db()?;
            tx.execute(&format!("UPDATE assets SET path = {rebase} WHERE path LIKE ?3 ESCAPE '\\'"), params![from.as_str(), to.as_str(), below]).db()?;
        } else {
            tx.execute("UPDATE assets SET path = ?2, name = ?3, folder_id = ?4 WHERE path = ?1", params![from.as_str(), to.as_str(), to.name(), parent_id])
                .db()?;
        }
        for id in assets_within(&tx, to)? {
            reindex(&tx, id)?;
        }
        let now = unix_now();
        for (id, old_path) in moved {
            history::record_event(&tx, id, &AssetEvent::new(EventKind::Moved, by, now, &old_path))?;
        }
        tx.commit().db()?;
        Ok(())
    }

    fn delete_node(&self, path: &DamPath, by: &str, force: bool) -> Result<Vec<BlobHash>, RepoError> {
        if path.is_root() {
            return Err(RepoError::RootIsFixed);
        }
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let is_folder = folder_id(&tx, path)?.is_some();
        if !is_folder {
            asset_id(&tx, path)?;
        }
        refuse_locked(&history::locks_within(&tx, path)?, by)?;
        if !force {
            refuse_referenced(path, &references_within(&tx, path)?, "delete")?;
        }
        let ids = assets_within(&tx, path)?;
        let mut hashes = Vec::new();
        for id in &ids {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT sha256 FROM renditions WHERE asset_id = ?1 UNION SELECT sha256 FROM asset_versions WHERE asset_id = ?1
                     UNION SELECT sha256 FROM version_renditions WHERE asset_id = ?1",
                )
                .db()?;
            for h in stmt.query_map([id], |r| r.get::<_, String>(0)).db()? {
                hashes.push(h.db()?);
            }
            tx.execute("DELETE FROM assets_fts WHERE rowid = ?1", [id]).db()?;
            tx.execute("DELETE FROM assets WHERE id = ?1", [id]).db()?;
        }
        if is_folder {
            // Children before parents: folders.parent_id does not cascade.
            tx.execute(
                "DELETE FROM folders WHERE path IN (SELECT path FROM folders WHERE path = ?1 OR path LIKE ?2 ESCAPE '\\'
                                                   ORDER BY length(path) DESC)",
                params![path.as_str(), format!("{}/%", like_escape(path.as_str()))],
            )
            .db()?;
        }
        let orphans = unused_blobs(&tx, hashes)?;
        tx.commit().db()?;
        Ok(orphans)
    }

    fn add_reference(&self, asset: &DamPath, sites_url: &str, page_path: &str) -> Result<(), RepoError> {
        let conn = self.conn();
        let id = asset_id(&conn, asset)?;
        conn.execute(
            "INSERT OR IGNORE INTO asset_references (asset_id, sites_url, page_path, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, sites_url, page_path, unix_now()],
        )
        .db()?;
        Ok(())
    }

    fn remove_reference(&self, asset: &DamPath, sites_url: &str, page_path: &str) -> Result<(), RepoError> {
        let conn = self.conn();
        let id = asset_id(&conn, asset)?;
        conn.execute("DELETE FROM asset_references WHERE asset_id = ?1 AND sites_url = ?2 AND page_path = ?3", params![id, sites_url, page_path]).db()?;
        Ok(())
    }

    fn references(&self, path: &DamPath) -> Result<Vec<Reference>, RepoError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT a.path, r.sites_url, r.page_path FROM asset_references r JOIN assets a ON a.id = r.asset_id
             WHERE a.path = ?1 OR a.path LIKE ?2 ESCAPE '\\' ORDER BY r.sites_url, r.page_path, a.path",
            )
            .db()?;
        let rows = stmt
            .query_map(params![path.as_str(), format!("{}/%", like_escape(path.as_str()))], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })
            .db()?;
        rows.map(|row| {
            let (asset, sites_url, page_path) = row.db()?;
            Ok(Reference { asset: DamPath::parse(&asset)?, sites_url, page_path })
        })
        .collect()
    }

    fn permission_rules(&self) -> Result<Vec<PermissionRule>, RepoError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT f.path, p.grp, p.access FROM folder_permissions p JOIN folders f ON f.id = p.folder_id ORDER BY f.path, p.grp").db()?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))).db()?;
        rows.map(|row| {
            let (path, group, access) = row.db()?;
            let access = match access.as_str() {
                "write" => Access::Write,
                "read" => Access::Read,
                _ => Access::None,
            };
            Ok(PermissionRule { folder: DamPath::parse(&path)?, group, access })
        })
        .collect()
    }

    fn set_permission(&self, folder: &DamPath, group: &str, access: Option<Access>) -> Result<(), RepoError> {
        let conn = self.conn();
        let id = folder_id(&conn, folder)?.ok_or_else(|| RepoError::NotFound(folder.clone()))?;
        match access {
            None => conn.execute("DELETE FROM folder_permissions WHERE folder_id = ?1 AND grp = ?2", params![id, group]).db()?,
            Some(a) => conn
                .execute(
                    "INSERT INTO folder_permissions (folder_id, grp, access) VALUES (?1, ?2, ?3)
                 ON CONFLICT (folder_id, grp) DO UPDATE SET access = excluded.access",
                    params![
                        id,
                        group,
                        match a {
                            Access::Write => "write",
                            Access::Read => "read",
                            Access::None => "none",
                        }
                    ],
                )
                .db()?,
        };
        Ok(())
    }

    fn pages(&self) -> Result<Vec<PageSummary>, RepoError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT path, title, modified_at, published_at FROM pages ORDER BY path").db()?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).db()?;
        rows.map(|row| {
            let (path, title, modified_at, published_at) = row.db()?;
            Ok(PageSummary { path: page_path(&path)?, title, modified_at, published_at })
        })
        .collect()
    }

    fn create_page(&self, path: &PagePath, title: &str, user: &str, now: i64) -> Result<(), RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let parent_id = match path.parent() {
            Some(parent) => Some(page_id(&tx, &parent)?.ok_or_else(|| RepoError::PageMissing(parent.to_string()))?),
            None => None,
        };
        if page_id(&tx, path)?.is_some() {
            return Err(RepoError::PageExists(path.to_string()));
        }
        tx.execute(
            "INSERT INTO pages (path, parent_id, title, version, components, created_by, created_at, modified_by, modified_at)
             VALUES (?1, ?2, ?3, 1, '[]', ?4, ?5, ?4, ?5)",
            params![path.as_str(), parent_id, title, user, now],
        )
        .db()?;
        tx.commit().db()?;
        Ok(())
    }

    fn page(&self, path: &PagePath) -> Result<Option<PageDto>, RepoError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT title, version, components, modified_by, modified_at, published_at, description FROM pages WHERE path = ?1",
                [path.as_str()],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
            )
            .optional()
            .db()?;
        row.map(|(title, version, components, modified_by, modified_at, published_at, description)| {
            let components = serde_json::from_str(&components).map_err(|e| RepoError::Internal(format!("bad page body for {path}: {e}")))?;
            Ok(PageDto { path: path.clone(), version: version as u64, title, description, components, modified_by, modified_at, published_at })
        })
        .transpose()
    }

    fn save_page(&self, path: &PagePath, expected_version: u64, content: &PageContent, user: &str, now: i64) -> Result<u64, RepoError> {
        let components = serde_json::to_string(&content.components).map_err(|e| RepoError::Internal(e.to_string()))?;
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let current = tx
            .query_row("SELECT id, version, modified_by, modified_at FROM pages WHERE path = ?1", [path.as_str()], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as u64, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
            })
            .optional()
            .db()?;
        let Some((id, version, modified_by, modified_at)) = current else {
            return Err(RepoError::PageMissing(path.to_string()));
        };
        if version != expected_version {
            return Err(RepoError::VersionConflict { current: version, modified_by, modified_at });
        }
        tx.execute(
            "UPDATE pages SET title = ?2, description = ?3, components = ?4, version = version + 1, modified_by = ?5, modified_at = ?6 WHERE id = ?1",
            params![id, content.title, content.description, components, user, now],
        )
        .db()?;
        // The page's local references are exactly the local assets it now uses.
        tx.execute("DELETE FROM asset_references WHERE sites_url = '' AND page_path = ?1", [path.as_str()]).db()?;
        for asset in content.local_assets() {
            tx.execute(
                "INSERT OR IGNORE INTO asset_references (asset_id, sites_url, page_path, created_at)
                 SELECT id, '', ?2, ?3 FROM assets WHERE path = ?1",
                params![asset.as_str(), path.as_str(), now],
            )
            .db()?;
        }
        tx.commit().db()?;
        Ok(version + 1)
    }

    fn delete_page(&self, path: &PagePath) -> Result<Vec<BlobHash>, RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        if page_id(&tx, path)?.is_none() {
            return Err(RepoError::PageMissing(path.to_string()));
        }
        let below = format!("{}/%", like_escape(path.as_str()));
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare_cached("SELECT id FROM pages WHERE path = ?1 OR path LIKE ?2 ESCAPE '\\'").db()?;
            let rows = stmt.query_map(params![path.as_str(), below], |r| r.get(0)).db()?;
            rows.collect::<Result<_, _>>().db()?
        };
        let shown = published_hashes(&tx, &ids)?;
        for id in &ids {
            tx.execute("DELETE FROM published_blobs WHERE page_id = ?1", [id]).db()?;
            tx.execute("DELETE FROM published_pages WHERE page_id = ?1", [id]).db()?;
        }
        tx.execute("DELETE FROM asset_references WHERE sites_url = '' AND (page_path = ?1 OR page_path LIKE ?2 ESCAPE '\\')", params![path.as_str(), below])
            .db()?;
        tx.execute(
            "DELETE FROM pages WHERE path IN (SELECT path FROM pages WHERE path = ?1 OR path LIKE ?2 ESCAPE '\\' ORDER BY length(path) DESC)",
            params![path.as_str(), below],
        )
        .db()?;
        let orphans = unused_blobs(&tx, shown)?;
        tx.commit().db()?;
        Ok(orphans)
    }

    fn move_page(&self, from: &PagePath, to: &PagePath) -> Result<(), RepoError> {
        if to.as_str().starts_with(&format!("{}/", from.as_str())) {
            return Err(RepoError::BadQuery("A page cannot be moved below itself.".into()));
        }
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        page_id(&tx, from)?.ok_or_else(|| RepoError::PageMissing(from.to_string()))?;
        if page_id(&tx, to)?.is_some() {
            return Err(RepoError::PageExists(to.to_string()));
        }
        let parent_id = match to.parent() {
            Some(parent) => Some(page_id(&tx, &parent)?.ok_or_else(|| RepoError::PageMissing(parent.to_string()))?),
            None => None,
        };
        let below = format!("{}/%", like_escape(from.as_str()));
        for table_column in ["pages SET path", "asset_references SET page_path"] {
            let (table, column) = table_column.split_once(" SET ").unwrap_or_default();
            tx.execute(
                &format!("UPDATE {table} SET {column} = ?2 || substr({column}, length(?1) + 1) WHERE {column} = ?1 OR {column} LIKE ?3 ESCAPE '\\'"),
                params![from.as_str(), to.as_str(), below],
            )
            .db()?;
        }
        tx.execute("UPDATE pages SET parent_id = ?2 WHERE path = ?1", params![to.as_str(), parent_id]).db()?;
        tx.commit().db()?;
        Ok(())
    }

    fn publish_page(&self, path: &PagePath, version: u64, html: &str, blobs: &[(BlobHash, String)], now: i64) -> Result<Vec<BlobHash>, RepoError> {
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let id: i64 = tx
            .query_row("SELECT id FROM pages WHERE path = ?1 AND version = ?2", params![path.as_str(), version as i64], |r| r.get(0))
            .optional()
            .db()?
            .ok_or_else(|| RepoError::BadQuery(format!("{path} changed while it was being published; publish again")))?;
        tx.execute(
            "INSERT INTO published_pages (page_id, html, published_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (page_id) DO UPDATE SET html = excluded.html, published_at = excluded.published_at",
            params![id, html, now],
        )
        .db()?;
        let shown_before = published_hashes(&tx, &[id])?;
        tx.execute("DELETE FROM published_blobs WHERE page_id = ?1", [id]).db()?;
        for (hash, mime) in blobs {
            tx.execute("INSERT OR IGNORE INTO published_blobs (page_id, sha256, mime) VALUES (?1, ?2, ?3)", params![id, hash.as_str(), mime]).db()?;
        }
        tx.execute("UPDATE pages SET published_at = ?2 WHERE id = ?1", params![id, now]).db()?;
        let orphans = unused_blobs(&tx, shown_before)?;
        tx.commit().db()?;
        Ok(orphans)
    }

    fn published_html(&self, path: &PagePath) -> Result<Option<String>, RepoError> {
        self.conn()
            .query_row("SELECT h.html FROM published_pages h JOIN pages p ON p.id = h.page_id WHERE p.path = ?1", [path.as_str()], |r| r.get(0))
            .optional()
            .db()
    }

    fn published_blob(&self, hash: &BlobHash) -> Result<Option<String>, RepoError> {
        self.conn().query_row("SELECT mime FROM published_blobs WHERE sha256 = ?1 LIMIT 1", [hash.as_str()], |r| r.get(0)).optional().db()
    }

    fn publication(&self, path: &PagePath) -> Result<Option<Publication>, RepoError> {
        let conn = self.conn();
        let row: Option<(i64, String, i64)> = conn
            .query_row("SELECT p.id, h.html, h.published_at FROM published_pages h JOIN pages p ON p.id = h.page_id WHERE p.path = ?1", [path.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .db()?;
        let Some((id, html, published_at)) = row else {
            return Ok(None);
        };
        let mut stmt = conn.prepare_cached("SELECT sha256, mime FROM published_blobs WHERE page_id = ?1 ORDER BY sha256").db()?;
        let blobs = stmt
            .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .db()?
            .map(|row| {
                let (sha, mime) = row.db()?;
                Ok((BlobHash::parse(&sha).ok_or_else(|| RepoError::Internal(format!("bad blob hash in catalog: {sha}")))?, mime))
            })
            .collect::<Result<_, RepoError>>()?;
        Ok(Some(Publication { html, published_at, blobs }))
    }

    fn import_page(&self, page: &PageDto, publication: Option<&Publication>) -> Result<(), RepoError> {
        let components = serde_json::to_string(&page.components).map_err(|e| RepoError::Internal(e.to_string()))?;
        let mut conn = self.conn();
        let tx = conn.transaction().db()?;
        let parent_id = match page.path.parent() {
            Some(parent) => Some(page_id(&tx, &parent)?.ok_or_else(|| RepoError::PageMissing(parent.to_string()))?),
            None => None,
        };
        if page_id(&tx, &page.path)?.is_some() {
            return Err(RepoError::PageExists(page.path.to_string()));
        }
        tx.execute(
            "INSERT INTO pages (path, parent_id, title, description, version, components, created_by, created_at, modified_by, modified_at, published_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8, ?9)",
            params![
                page.path.as_str(),
                parent_id,
                page.title,
                page.description,
                page.version as i64,
                components,
                page.modified_by,
                page.modified_at,
                page.published_at
            ],
        )
        .db()?;
        let id = tx.last_insert_rowid();
        if let Some(p) = publication {
            tx.execute("INSERT INTO published_pages (page_id, html, published_at) VALUES (?1, ?2, ?3)", params![id, p.html, p.published_at]).db()?;
            for (hash, mime) in &p.blobs {
                tx.execute("INSERT OR IGNORE INTO published_blobs (page_id, sha256, mime) VALUES (?1, ?2, ?3)", params![id, hash.as_str(), mime]).db()?;
            }
        }
        tx.commit().db()
    }

    fn sources_of(&self, original: &BlobHash) -> Result<Vec<RenditionRecord>, RepoError> {
        let conn = self.conn();
        let asset_id: Option<i64> = conn
            .query_row("SELECT asset_id FROM renditions WHERE name = 'original' AND sha256 = ?1 LIMIT 1", [original.as_str()], |r| r.get(0))
            .optional()
            .db()?;
        match asset_id {
            Some(id) => Ok(load_renditions(&conn, &[id])?.remove(&id).unwrap_or_default()),
            None => Ok(Vec::new()),
        }
    }

    fn remember_edit(&self, key: &str, state: &str) -> Result<(), RepoError> {
        self.conn().execute("INSERT OR IGNORE INTO image_edits (key, state) VALUES (?1, ?2)", params![key, state]).db()?;
        Ok(())
    }

    fn edit_states(&self) -> Result<Vec<(String, String)>, RepoError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT key, state FROM image_edits ORDER BY key").db()?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).db()?;
        rows.collect::<Result<_, _>>().db()
    }

    fn edit_state(&self, key: &str) -> Result<Option<String>, RepoError> {
        self.conn().query_row("SELECT state FROM image_edits WHERE key = ?1", [key], |r| r.get(0)).optional().db()
    }

    fn cached_image(&self, original: &BlobHash, edit_key: &str, width: u32, format: &str) -> Result<Option<BlobHash>, RepoError> {
        let sha: Option<String> = self
            .conn()
            .query_row(
                "SELECT sha256 FROM image_cache WHERE original = ?1 AND edit_key = ?2 AND width = ?3 AND format = ?4",
                params![original.as_str(), edit_key, width, format],
                |r| r.get(0),
            )
            .optional()
            .db()?;
        Ok(sha.and_then(|s| BlobHash::parse(&s)))
    }

    fn cache_image(&self, original: &BlobHash, edit_key: &str, width: u32, format: &str, rendered: &BlobHash) -> Result<(), RepoError> {
        self.conn()
            .execute(
                "INSERT OR REPLACE INTO image_cache (original, edit_key, width, format, sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![original.as_str(), edit_key, width, format, rendered.as_str()],
            )
            .db()?;
        Ok(())
    }

    fn create_session(&self, s: &SessionRecord) -> Result<(), RepoError> {
        let conn = self.conn();
        conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [unix_now()]).db()?;
        conn.execute(
            "INSERT INTO sessions (token_hash, user, csrf_token, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![s.token_hash, s.user, s.csrf_token, s.expires_at],
        )
        .db()?;
        Ok(())
    }

    fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRecord>, RepoError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached("SELECT token_hash, user, csrf_token, expires_at FROM sessions WHERE token_hash = ?1 AND expires_at > ?2").db()?;
        stmt.query_row(params![token_hash, now], |r| Ok(SessionRecord { token_hash: r.get(0)?, user: r.get(1)?, csrf_token: r.get(2)?, expires_at: r.get(3)? }))
            .optional()
            .db()
    }

    fn delete_session(&self, token_hash: &str) -> Result<(), RepoError> {
        self.conn().execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash]).db()?;
        Ok(())
    }
}
