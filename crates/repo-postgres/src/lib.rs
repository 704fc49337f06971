//! The catalog on PostgreSQL: what several server processes of one deployment share.
//! Full-text search is a generated `tsvector` with a GIN index; rendition jobs are
//! claimed with `FOR UPDATE SKIP LOCKED`, so each is taken by one process.
//!
//! The repository calls its catalog on the blocking pool, so this side uses the
//! synchronous client and an r2d2 pool; [`PostgresCatalog::open`] connects on a
//! thread of its own, so it may be called from async code.

mod collections;
mod connected;
mod error;
mod history;
mod import;
mod live_copies;
mod search;

use postgres::{GenericClient, NoTls, Row};
use r2d2_postgres::PostgresConnectionManager;
use tessera_model::access::is_within;
use tessera_model::connected::ConnectedOrigin;
use tessera_model::{
    Access, DamPath, Description, MetadataPatch, PageContent, PageDto, PagePath, PageSummary, PermissionRule, RenditionName, SearchQuery, TagId, Title,
};
use tessera_repo::history::{patch_fields, refuse_locked, AssetEvent, CheckOut, EventKind, VersionKind};
use tessera_repo::{
    refuse_referenced, unix_now, Abandoned, AssetRecord, BlobHash, Catalog, Concurrency, FolderRecord, Job, ProcessId, Processing, Publication, ReadScope,
    Reference, RenditionRecord, RepoError, SearchPage, SessionRecord, TagRecord,
};

use crate::error::{like_escape, Db, Taken};

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// Whether `url` is a PostgreSQL URL this catalog can use; the reason when not.
pub fn check_url(url: &str) -> Result<(), String> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(format!("{} is not a URL such as postgres://user:password@host:5432/tessera", redacted(url)));
    }
    url.parse::<postgres::Config>().map(drop).map_err(|e| format!("{}: {e}", redacted(url)))
}

/// `url` with its password replaced, for messages and logs.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<not a URL>".into();
    };
    match rest.split_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// Schema versions, each applied once in its own transaction; `schema_version` records
/// how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("schema.sql"),
    // When the process running a Connected Assets job last said it was alive.
    "ALTER TABLE connected_jobs ADD COLUMN heartbeat_at BIGINT NOT NULL DEFAULT 0; UPDATE connected_jobs SET heartbeat_at = started_at;",
    // The process that runs a job (its `ProcessId`).
    "ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT ''; ALTER TABLE connected_jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';",
    // Every binary an asset has had; the highest number is the asset's own original.
    "CREATE TABLE asset_versions (
         asset_id   BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
         number     INTEGER NOT NULL,
         sha256     TEXT NOT NULL,
         mime       TEXT NOT NULL,
         size       BIGINT NOT NULL,
         width      INTEGER,
         height     INTEGER,
         comment    TEXT NOT NULL,
         created_by TEXT NOT NULL,
         created_at BIGINT NOT NULL,
         PRIMARY KEY (asset_id, number)
     );
     CREATE INDEX asset_versions_by_blob ON asset_versions(sha256);
     INSERT INTO asset_versions (asset_id, number, sha256, mime, size, width, height, comment, created_by, created_at)
         SELECT a.id, 1, r.sha256, r.mime, r.size, r.width, r.height, '', a.created_by, a.created_at
         FROM assets a JOIN renditions r ON r.asset_id = a.id AND r.name = 'original';",
    // Check-out; how a version came to be and what it kept; the timeline's events.
    "ALTER TABLE assets ADD COLUMN checked_out_by TEXT, ADD COLUMN checked_out_at BIGINT;
     CREATE INDEX assets_checked_out ON assets(checked_out_by) WHERE checked_out_by IS NOT NULL;
     ALTER TABLE asset_versions ADD COLUMN label TEXT NOT NULL DEFAULT '', ADD COLUMN kind TEXT NOT NULL DEFAULT 'replaced',
                                ADD COLUMN restored_from INTEGER, ADD COLUMN metadata TEXT;
     UPDATE asset_versions SET kind = 'upload' WHERE number = 1;
     CREATE TABLE version_renditions (
         asset_id BIGINT NOT NULL,
         number   INTEGER NOT NULL,
         name     TEXT NOT NULL,
         sha256   TEXT NOT NULL,
         mime     TEXT NOT NULL,
         size     BIGINT NOT NULL,
         width    INTEGER,
         height   INTEGER,
         PRIMARY KEY (asset_id, number, name),
         FOREIGN KEY (asset_id, number) REFERENCES asset_versions(asset_id, number) ON DELETE CASCADE
     );
     CREATE INDEX version_renditions_by_blob ON version_renditions(sha256);
     CREATE TABLE asset_events (
         id       BIGSERIAL PRIMARY KEY,
         asset_id BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
         kind     TEXT NOT NULL,
         actor    TEXT NOT NULL,
         at       BIGINT NOT NULL,
         detail   TEXT NOT NULL,
         version  INTEGER
     );
     CREATE INDEX asset_events_by_asset ON asset_events(asset_id, at);",
    // Collections (sets of assets or saved searches, shared with groups) and share links.
    "CREATE TABLE collections (
         id          BIGSERIAL PRIMARY KEY,
         title       TEXT NOT NULL,
         owner       TEXT NOT NULL,
         query       TEXT,
         created_at  BIGINT NOT NULL,
         modified_at BIGINT NOT NULL
     );
     CREATE TABLE collection_assets (
         collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
         asset_id      BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
         added_at      BIGINT NOT NULL,
         position      BIGINT NOT NULL,
         PRIMARY KEY (collection_id, asset_id)
     );
     CREATE INDEX collection_assets_by_asset ON collection_assets(asset_id);
     CREATE TABLE collection_shares (
         collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
         grp           TEXT NOT NULL,
         access        TEXT NOT NULL,
         PRIMARY KEY (collection_id, grp)
     );
     CREATE TABLE share_links (
         id         BIGSERIAL PRIMARY KEY,
         token_hash TEXT NOT NULL UNIQUE,
         created_by TEXT NOT NULL,
         created_at BIGINT NOT NULL,
         expires_at BIGINT NOT NULL,
         revoked_at BIGINT
     );
     CREATE INDEX share_links_by_creator ON share_links(created_by, created_at);
     CREATE TABLE share_link_assets (
         link_id  BIGINT NOT NULL REFERENCES share_links(id) ON DELETE CASCADE,
         asset_id BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
         position BIGINT NOT NULL,
         PRIMARY KEY (link_id, asset_id)
     );
     CREATE INDEX share_link_assets_by_asset ON share_link_assets(asset_id);",
    // Live relationships (MSM): each live copy, asset or folder, tied by id to its
    // source; a deleted source leaves its last path.
    "CREATE TABLE live_relationships (
         copy_asset_id    BIGINT UNIQUE REFERENCES assets(id) ON DELETE CASCADE,
         copy_folder_id   BIGINT UNIQUE REFERENCES folders(id) ON DELETE CASCADE,
         source_asset_id  BIGINT REFERENCES assets(id) ON DELETE SET NULL,
         source_folder_id BIGINT REFERENCES folders(id) ON DELETE SET NULL,
         source_path      TEXT NOT NULL,
         config           TEXT NOT NULL,
         suspended        BOOLEAN NOT NULL DEFAULT FALSE,
         cancelled        TEXT NOT NULL DEFAULT '[]',
         last_rollout_at  BIGINT,
         last_rollout_by  TEXT,
         CHECK ((copy_asset_id IS NULL) <> (copy_folder_id IS NULL))
     );
     CREATE INDEX live_relationships_by_source_asset ON live_relationships(source_asset_id);
     CREATE INDEX live_relationships_by_source_folder ON live_relationships(source_folder_id);",
    // The title's words on their own, indexed with the MIME type: the first relevance
    // tier (every word in the title) with a type filter reads its own matches from the
    // index instead of walking the newest assets past every other type. Without
    // `fastupdate` a new asset goes into the index itself rather than a pending list
    // every search would read through until the next vacuum (up to 4 MB: 4 ms a search
    // after a bulk upload, against 1 ms), for about 20 µs more per insert.
    "CREATE EXTENSION IF NOT EXISTS btree_gin;
     ALTER TABLE assets ADD COLUMN title_search TSVECTOR GENERATED ALWAYS AS (to_tsvector('tessera', tessera_words(title))) STORED;
     CREATE INDEX assets_title_by_type ON assets USING GIN (mime, title_search) WITH (fastupdate = off);",
];

pub struct PostgresCatalog {
    /// Always `Some` until dropped.
    pool: Option<Pool>,
}

impl Drop for PostgresCatalog {
    fn drop(&mut self) {
        // Closing a connection blocks on the driver's own runtime, which an async
        // thread (where the last handle to a repository often goes) must not do.
        if let Some(pool) = self.pool.take() {
            let _ = std::thread::spawn(move || drop(pool));
        }
    }
}

impl PostgresCatalog {
    /// Connects to `url` (`postgres://user:password@host:port/database`) with up to
    /// `pool_size` connections, and brings the schema up to date.
    pub fn open(url: &str, pool_size: u32) -> Result<Self, RepoError> {
        let config: postgres::Config = url.parse().map_err(|e: postgres::Error| RepoError::BadQuery(format!("the database URL: {e}")))?;
        std::thread::scope(|s| {
            s.spawn(|| {
                let manager = PostgresConnectionManager::new(config, NoTls);
                let pool = r2d2::Pool::builder()
                    .max_size(pool_size.max(1))
                    .min_idle(Some(1))
                    .connection_timeout(std::time::Duration::from_secs(5))
                    .build(manager)
                    .db()?;
                let catalog = PostgresCatalog { pool: Some(pool) };
                catalog.migrate()?;
                ensure_root(&mut *catalog.client()?)?;
                Ok(catalog)
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    fn client(&self) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, RepoError> {
        self.pool.as_ref().expect("the pool lives until the catalog is dropped").get().db()
    }

    /// Two processes starting at once: the advisory lock lets one migrate while the
    /// other waits and then finds the work done.
    fn migrate(&self) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        tx.execute("SELECT pg_advisory_xact_lock(7415026871)", &[]).db()?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)").db()?;
        let done: i64 = tx.query_one("SELECT coalesce(max(version), 0)::BIGINT FROM schema_version", &[]).db()?.get(0);
        for (i, script) in MIGRATIONS.iter().enumerate().skip(done as usize) {
            tx.batch_execute(script).db()?;
            tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&(i as i32 + 1)]).db()?;
        }
        tx.commit().db()
    }
}

fn ensure_root(c: &mut impl GenericClient) -> Result<(), RepoError> {
    c.execute(
        "INSERT INTO folders (path, parent_id, title, created_at) VALUES ($1, NULL, 'Assets', $2) ON CONFLICT (path) DO NOTHING",
        &[&DamPath::root().as_str(), &unix_now()],
    )
    .db()?;
    Ok(())
}

fn to_u32(v: Option<i32>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

fn to_i32(v: Option<u32>) -> Option<i32> {
    v.and_then(|v| i32::try_from(v).ok())
}

fn to_folder(row: &Row) -> Result<FolderRecord, RepoError> {
    Ok(FolderRecord { path: DamPath::parse(row.get::<_, &str>(0))?, title: row.get(1) })
}

const ASSET_COLUMNS: &str = "a.id, a.path, a.title, a.description, a.mime, a.size, a.width, a.height, \
     a.created_by, a.created_at, a.modified_by, a.modified_at, a.properties, j.state, j.error, \
     a.remote_url, a.remote_path, a.fetched_at, a.checked_out_by, a.checked_out_at, \
     EXISTS (SELECT 1 FROM live_relationships lr WHERE lr.copy_asset_id = a.id)";

/// Assets joined with their latest rendition job.
const ASSET_FROM: &str = "assets a LEFT JOIN jobs j ON j.id = (SELECT max(id) FROM jobs WHERE asset_id = a.id)";

fn blob_hash(sha: &str) -> Result<BlobHash, RepoError> {
    BlobHash::parse(sha).ok_or_else(|| RepoError::Internal(format!("bad blob hash in catalog: {sha}")))
}

/// A rendition from a row of `name, sha256, mime, size, width, height` starting at `at`.
fn rendition_at(r: &Row, at: usize) -> Result<RenditionRecord, RepoError> {
    let name: &str = r.get(at);
    Ok(RenditionRecord {
        name: RenditionName::parse(name).ok_or_else(|| RepoError::Internal(format!("unknown rendition in catalog: {name}")))?,
        blob: blob_hash(r.get(at + 1))?,
        mime: r.get(at + 2),
        size: r.get::<_, i64>(at + 3) as u64,
        width: to_u32(r.get(at + 4)),
        height: to_u32(r.get(at + 5)),
    })
}

fn load_renditions(c: &mut impl GenericClient, asset_id: i64) -> Result<Vec<RenditionRecord>, RepoError> {
    let rows = c.query("SELECT name, sha256, mime, size, width, height FROM renditions WHERE asset_id = $1 ORDER BY name", &[&asset_id]).db()?;
    rows.iter().map(|r| rendition_at(r, 0)).collect()
}

fn tag_at(r: &Row, at: usize) -> Result<TagId, RepoError> {
    TagId::parse(r.get::<_, &str>(at)).map_err(|e| RepoError::Internal(format!("bad tag in catalog: {e}")))
}

/// A full asset record from a row of [`ASSET_COLUMNS`], its tags and its renditions.
fn asset_from_row(row: &Row, tags: Vec<TagId>, renditions: Vec<RenditionRecord>) -> Result<AssetRecord, RepoError> {
    let path: &str = row.get(1);
    let properties = serde_json::from_str(row.get::<_, &str>(12)).map_err(|e| RepoError::Internal(format!("bad properties in catalog for {path}: {e}")))?;
    let remote = match (row.get::<_, Option<String>>(15), row.get::<_, Option<String>>(16), row.get::<_, Option<i64>>(17)) {
        (Some(dam_url), Some(p), Some(fetched_at)) => Some(ConnectedOrigin { dam_url, path: DamPath::parse(&p)?, fetched_at }),
        _ => None,
    };
    Ok(AssetRecord {
        path: DamPath::parse(path)?,
        title: row.get(2),
        description: row.get(3),
        mime: row.get(4),
        size: row.get::<_, i64>(5) as u64,
        width: to_u32(row.get(6)),
        height: to_u32(row.get(7)),
        created_by: row.get(8),
        created_at: row.get(9),
        modified_by: row.get(10),
        modified_at: row.get(11),
        properties,
        tags,
        renditions,
        processing: Processing::of_job(row.get(13), row.get(14)),
        connected: remote,
        checked_out: match (row.get::<_, Option<String>>(18), row.get::<_, Option<i64>>(19)) {
            (Some(by), Some(at)) => Some(CheckOut { by, at }),
            _ => None,
        },
        live_copy: row.get(20),
    })
}

/// Full records of the assets in `rows` (rows of [`ASSET_COLUMNS`]), in their order,
/// in two more queries whatever their number: a round trip to the database costs
/// more than the rows.
fn complete_assets(c: &mut impl GenericClient, rows: &[Row]) -> Result<Vec<AssetRecord>, RepoError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
    let mut renditions: std::collections::HashMap<i64, Vec<RenditionRecord>> = std::collections::HashMap::new();
    for r in
        c.query("SELECT asset_id, name, sha256, mime, size, width, height FROM renditions WHERE asset_id = ANY($1) ORDER BY asset_id, name", &[&ids]).db()?
    {
        renditions.entry(r.get(0)).or_default().push(rendition_at(&r, 1)?);
    }
    let mut tags: std::collections::HashMap<i64, Vec<TagId>> = std::collections::HashMap::new();
    let tag_rows = c
        .query("SELECT x.asset_id, t.tag FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE x.asset_id = ANY($1) ORDER BY x.asset_id, t.tag", &[&ids])
        .db()?;
    for r in tag_rows {
        tags.entry(r.get(0)).or_default().push(tag_at(&r, 1)?);
    }
    rows.iter()
        .map(|row| {
            let id: i64 = row.get(0);
            asset_from_row(row, tags.remove(&id).unwrap_or_default(), renditions.remove(&id).unwrap_or_default())
        })
        .collect()
}

/// The assets with these ids, in this order.
pub(crate) fn assets_by_ids(c: &mut impl GenericClient, ids: &[i64]) -> Result<Vec<AssetRecord>, RepoError> {
    let rows = c.query(&format!("SELECT {ASSET_COLUMNS} FROM {ASSET_FROM} WHERE a.id = ANY($1)"), &[&ids]).db()?;
    let mut by_id: std::collections::HashMap<i64, AssetRecord> = rows.iter().map(|r| r.get::<_, i64>(0)).zip(complete_assets(c, &rows)?).collect();
    ids.iter().map(|id| by_id.remove(id).ok_or_else(|| RepoError::Internal(format!("asset {id} went away during the search")))).collect()
}

/// Rewrites the tag words the asset's search vector is generated from. Called inside
/// the transaction that changed its tags.
pub(crate) fn reindex(c: &mut impl GenericClient, asset_id: i64) -> Result<(), RepoError> {
    c.execute(
        "UPDATE assets a SET search_tags = coalesce((SELECT string_agg(t.tag || ' ' || t.title, ' ' ORDER BY t.tag)
                                                     FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE x.asset_id = a.id), '')
         WHERE a.id = $1",
        &[&asset_id],
    )
    .db()?;
    Ok(())
}

pub(crate) fn insert_renditions(c: &mut impl GenericClient, asset_id: i64, renditions: &[RenditionRecord]) -> Result<(), RepoError> {
    for r in renditions {
        c.execute(
            "INSERT INTO renditions (asset_id, name, sha256, mime, size, width, height) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&asset_id, &r.name.as_str(), &r.blob.as_str(), &r.mime, &(r.size as i64), &to_i32(r.width), &to_i32(r.height)],
        )
        .db()?;
    }
    Ok(())
}

/// Keeps the asset's current (highest) version holding its original, making it
/// version 1 when there is none: the last version is always the asset itself.
/// An asset without an original yet (a copy whose original comes later) has none.
pub(crate) fn sync_current_version(c: &mut impl GenericClient, asset_id: i64, created_by: &str, created_at: i64) -> Result<(), RepoError> {
    c.execute(
        "INSERT INTO asset_versions (asset_id, number, sha256, mime, size, width, height, comment, created_by, created_at, kind)
         SELECT r.asset_id, coalesce((SELECT max(number) FROM asset_versions WHERE asset_id = $1), 1), r.sha256, r.mime, r.size, r.width, r.height, '', $2, $3, 'upload'
         FROM renditions r WHERE r.asset_id = $1 AND r.name = 'original'
         ON CONFLICT (asset_id, number) DO UPDATE SET sha256 = excluded.sha256, mime = excluded.mime, size = excluded.size,
                                                     width = excluded.width, height = excluded.height",
        &[&asset_id, &created_by, &created_at],
    )
    .db()?;
    Ok(())
}

/// Writes an asset's row into `folder`, with its Connected Assets origin when it has
/// one; returns its id. Renditions and tags are the caller's.
pub(crate) fn insert_asset_row(c: &mut impl GenericClient, asset: &AssetRecord, folder: i64) -> Result<i64, RepoError> {
    let properties = serde_json::to_string(&asset.properties).map_err(|e| RepoError::Internal(e.to_string()))?;
    let origin = asset.connected.as_ref();
    let row = c
        .query_one(
            "INSERT INTO assets (path, folder_id, title, description, mime, size, width, height, created_by, created_at,
                                 modified_by, modified_at, properties, name, remote_url, remote_path, fetched_at, checked_out_by, checked_out_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id",
            &[
                &asset.path.as_str(),
                &folder,
                &asset.title,
                &asset.description,
                &asset.mime,
                &(asset.size as i64),
                &to_i32(asset.width),
                &to_i32(asset.height),
                &asset.created_by,
                &asset.created_at,
                &asset.modified_by,
                &asset.modified_at,
                &properties,
                &asset.path.name(),
                &origin.map(|o| o.dam_url.as_str()),
                &origin.map(|o| o.path.as_str()),
                &origin.map(|o| o.fetched_at),
                &asset.checked_out.as_ref().map(|c| c.by.as_str()),
                &asset.checked_out.as_ref().map(|c| c.at),
            ],
        )
        .or_taken(|| RepoError::AlreadyExists(asset.path.clone()))?;
    Ok(row.get(0))
}

pub(crate) fn folder_id(c: &mut impl GenericClient, path: &DamPath) -> Result<Option<i64>, RepoError> {
    Ok(c.query_opt("SELECT id FROM folders WHERE path = $1", &[&path.as_str()]).db()?.map(|r| r.get(0)))
}

/// Inserts a folder in an existing parent, in the caller's transaction. Returns its id.
pub(crate) fn insert_folder(tx: &mut impl GenericClient, path: &DamPath, title: &str) -> Result<i64, RepoError> {
    let parent = path.parent().ok_or_else(|| RepoError::AlreadyExists(path.clone()))?;
    let parent_id = folder_id(tx, &parent)?.ok_or(RepoError::ParentMissing(parent))?;
    if is_taken(tx, path)? {
        return Err(RepoError::AlreadyExists(path.clone()));
    }
    let row = tx
        .query_one(
            "INSERT INTO folders (path, parent_id, title, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            &[&path.as_str(), &parent_id, &title, &unix_now()],
        )
        .or_taken(|| RepoError::AlreadyExists(path.clone()))?;
    Ok(row.get(0))
}

fn page_id(c: &mut impl GenericClient, path: &PagePath) -> Result<Option<i64>, RepoError> {
    Ok(c.query_opt("SELECT id FROM pages WHERE path = $1", &[&path.as_str()]).db()?.map(|r| r.get(0)))
}

fn page_path(raw: &str) -> Result<PagePath, RepoError> {
    PagePath::parse(raw).map_err(|e| RepoError::Internal(format!("bad page path in catalog: {e}")))
}

pub(crate) fn asset_id(c: &mut impl GenericClient, path: &DamPath) -> Result<i64, RepoError> {
    c.query_opt("SELECT id FROM assets WHERE path = $1", &[&path.as_str()]).db()?.map(|r| r.get(0)).ok_or_else(|| RepoError::NotFound(path.clone()))
}

/// The id of the asset at `path`, its row locked until the transaction ends.
///
/// Lock order: a transaction that writes rows under an asset (renditions, tags,
/// versions, jobs) locks the asset's row first, as a delete does, so the two wait
/// for each other instead of deadlocking on the rows the delete cascades to.
/// `NO KEY UPDATE` still lets other transactions insert rows that refer to it.
pub(crate) fn lock_asset(tx: &mut impl GenericClient, path: &DamPath) -> Result<i64, RepoError> {
    tx.query_opt("SELECT id FROM assets WHERE path = $1 FOR NO KEY UPDATE", &[&path.as_str()])
        .db()?
        .map(|r| r.get(0))
        .ok_or_else(|| RepoError::NotFound(path.clone()))
}

fn below(path: &str) -> String {
    format!("{}/%", like_escape(path))
}

/// Ids of the asset at `path`, or of every asset below the folder at `path`, every
/// row locked in id order, so two deletes over the same assets queue up instead of
/// deadlocking (see [`lock_asset`]).
fn lock_assets_within(tx: &mut impl GenericClient, path: &DamPath) -> Result<Vec<i64>, RepoError> {
    let rows = tx.query("SELECT id FROM assets WHERE path = $1 OR path LIKE $2 ORDER BY id FOR UPDATE", &[&path.as_str(), &below(path.as_str())]).db()?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

fn tagged_assets(c: &mut impl GenericClient, tag: &TagId) -> Result<Vec<i64>, RepoError> {
    let under = if tag.as_str().ends_with(':') { format!("{}%", like_escape(tag.as_str())) } else { below(tag.as_str()) };
    let rows = c
        .query("SELECT DISTINCT x.asset_id FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE t.tag = $1 OR t.tag LIKE $2", &[&tag.as_str(), &under])
        .db()?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

fn references_within(c: &mut impl GenericClient, path: &DamPath) -> Result<Vec<(String, String)>, RepoError> {
    let rows = c
        .query(
            "SELECT r.sites_url, r.page_path FROM asset_references r JOIN assets a ON a.id = r.asset_id
             WHERE a.path = $1 OR a.path LIKE $2 ORDER BY r.sites_url, r.page_path",
            &[&path.as_str(), &below(path.as_str())],
        )
        .db()?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Of `hashes`, those no rendition, no version and no published page uses: their
/// blobs may go.
fn unused_blobs(c: &mut impl GenericClient, mut hashes: Vec<String>) -> Result<Vec<BlobHash>, RepoError> {
    hashes.sort();
    hashes.dedup();
    let mut unused = Vec::new();
    for h in hashes {
        let used: bool = c
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM renditions WHERE sha256 = $1) OR EXISTS (SELECT 1 FROM asset_versions WHERE sha256 = $1)
                        OR EXISTS (SELECT 1 FROM version_renditions WHERE sha256 = $1) OR EXISTS (SELECT 1 FROM published_blobs WHERE sha256 = $1)",
                &[&h],
            )
            .db()?
            .get(0);
        if !used {
            unused.extend(BlobHash::parse(&h));
        }
    }
    Ok(unused)
}

/// The blobs that the publications of `page_ids` show.
fn published_hashes(c: &mut impl GenericClient, page_ids: &[i64]) -> Result<Vec<String>, RepoError> {
    let rows = c.query("SELECT sha256 FROM published_blobs WHERE page_id = ANY($1)", &[&page_ids]).db()?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

pub(crate) fn is_taken(c: &mut impl GenericClient, path: &DamPath) -> Result<bool, RepoError> {
    Ok(c.query_one("SELECT EXISTS (SELECT 1 FROM folders WHERE path = $1) OR EXISTS (SELECT 1 FROM assets WHERE path = $1)", &[&path.as_str()]).db()?.get(0))
}

fn access_name(access: Access) -> &'static str {
    match access {
        Access::Write => "write",
        Access::Read => "read",
        Access::None => "none",
    }
}

impl Catalog for PostgresCatalog {
    fn concurrency(&self) -> Concurrency {
        Concurrency::ManyProcesses
    }

    fn connections(&self) -> usize {
        self.pool.as_ref().map_or(1, |pool| pool.max_size() as usize)
    }

    fn folder(&self, path: &DamPath) -> Result<Option<FolderRecord>, RepoError> {
        let row = self.client()?.query_opt("SELECT path, title FROM folders WHERE path = $1", &[&path.as_str()]).db()?;
        row.as_ref().map(to_folder).transpose()
    }

    fn create_folder(&self, path: &DamPath, title: &str) -> Result<FolderRecord, RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        insert_folder(&mut tx, path, title)?;
        tx.commit().db()?;
        Ok(FolderRecord { path: path.clone(), title: title.to_owned() })
    }

    fn subfolders(&self, path: &DamPath) -> Result<Vec<FolderRecord>, RepoError> {
        let mut c = self.client()?;
        let id = folder_id(&mut *c, path)?.ok_or_else(|| RepoError::NotFound(path.clone()))?;
        c.query("SELECT path, title FROM folders WHERE parent_id = $1 ORDER BY path", &[&id]).db()?.iter().map(to_folder).collect()
    }

    fn children(&self, path: &DamPath) -> Result<(Vec<FolderRecord>, Vec<AssetRecord>), RepoError> {
        let mut c = self.client()?;
        let Some(id) = folder_id(&mut *c, path)? else {
            return Err(RepoError::NotFound(path.clone()));
        };
        let folders =
            c.query("SELECT path, title FROM folders WHERE parent_id = $1 ORDER BY path", &[&id]).db()?.iter().map(to_folder).collect::<Result<_, _>>()?;
        let rows = c.query(&format!("SELECT {ASSET_COLUMNS} FROM {ASSET_FROM} WHERE a.folder_id = $1 ORDER BY a.path"), &[&id]).db()?;
        let assets = complete_assets(&mut *c, &rows)?;
        Ok((folders, assets))
    }

    fn asset(&self, path: &DamPath) -> Result<Option<AssetRecord>, RepoError> {
        let mut c = self.client()?;
        let row = c.query_opt(&format!("SELECT {ASSET_COLUMNS} FROM {ASSET_FROM} WHERE a.path = $1"), &[&path.as_str()]).db()?;
        Ok(complete_assets(&mut *c, &row.into_iter().collect::<Vec<_>>())?.pop())
    }

    fn is_taken(&self, path: &DamPath) -> Result<bool, RepoError> {
        is_taken(&mut *self.client()?, path)
    }

    fn insert_asset(&self, asset: &AssetRecord) -> Result<(), RepoError> {
        let parent = asset.path.parent().ok_or_else(|| RepoError::AlreadyExists(asset.path.clone()))?;
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let folder = folder_id(&mut tx, &parent)?.ok_or(RepoError::ParentMissing(parent))?;
        if is_taken(&mut tx, &asset.path)? {
            return Err(RepoError::AlreadyExists(asset.path.clone()));
        }
        let asset_id = insert_asset_row(&mut tx, asset, folder)?;
        insert_renditions(&mut tx, asset_id, &asset.renditions)?;
        sync_current_version(&mut tx, asset_id, &asset.created_by, asset.created_at)?;
        let uploaded = AssetEvent {
            kind: EventKind::Version(VersionKind::Upload),
            version: Some(1),
            by: asset.created_by.clone(),
            at: asset.created_at,
            detail: String::new(),
        };
        history::record_event(&mut tx, asset_id, &uploaded)?;
        tx.execute("INSERT INTO jobs (asset_id, state, run_after, created_at) VALUES ($1, 'queued', 0, $2)", &[&asset_id, &unix_now()]).db()?;
        tx.commit().db()
    }

    fn import_assets(&self, assets: &[AssetRecord]) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        import::import_assets(&mut tx, assets)?;
        tx.commit().db()
    }

    fn claim_job(&self, now: i64, by: &ProcessId) -> Result<Option<Job>, RepoError> {
        let mut c = self.client()?;
        // SKIP LOCKED: processes sharing the queue each take a different job.
        let claimed = c
            .query_opt(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = $1, owner = $2
                 WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_after <= $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                 RETURNING id, asset_id, attempts",
                &[&now, &by.as_str()],
            )
            .db()?;
        let Some(claimed) = claimed else {
            return Ok(None);
        };
        let (id, asset_id, attempts): (i64, i64, i32) = (claimed.get(0), claimed.get(1), claimed.get(2));
        let row = c
            .query_one(
                "SELECT a.path, a.mime, r.sha256, a.width::BIGINT * a.height::BIGINT FROM assets a
                 JOIN renditions r ON r.asset_id = a.id AND r.name = 'original' WHERE a.id = $1",
                &[&asset_id],
            )
            .db()?;
        let pixels = row.get::<_, Option<i64>>(3).map_or(0, |p| p.max(0) as u64);
        Ok(Some(Job {
            id,
            asset: DamPath::parse(row.get::<_, &str>(0))?,
            mime: row.get(1),
            original: blob_hash(row.get(2))?,
            attempts: attempts as u32,
            pixels,
        }))
    }

    fn finish_job(&self, job: &Job, renditions: &[RenditionRecord]) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        // The asset's row first, then the job's (see `lock_asset`).
        let asset_id: Option<i64> =
            tx.query_opt("SELECT id FROM assets WHERE id = (SELECT asset_id FROM jobs WHERE id = $1) FOR NO KEY UPDATE", &[&job.id]).db()?.map(|r| r.get(0));
        let running = tx.query_opt("SELECT 1 FROM jobs WHERE id = $1 AND state = 'running' FOR UPDATE", &[&job.id]).db()?.is_some();
        let (Some(asset_id), true) = (asset_id, running) else {
            return Err(RepoError::NotFound(job.asset.clone()));
        };
        tx.execute("DELETE FROM renditions WHERE asset_id = $1 AND name <> 'original'", &[&asset_id]).db()?;
        insert_renditions(&mut tx, asset_id, renditions)?;
        tx.execute("UPDATE jobs SET state = 'done', error = NULL, finished_at = $2 WHERE id = $1", &[&job.id, &unix_now()]).db()?;
        tx.commit().db()
    }

    fn fail_job(&self, job: &Job, error: &str, retry_at: Option<i64>) -> Result<(), RepoError> {
        let mut c = self.client()?;
        match retry_at {
            Some(at) => c.execute("UPDATE jobs SET state = 'queued', error = $2, run_after = $3 WHERE id = $1", &[&job.id, &error, &at]).db()?,
            None => c.execute("UPDATE jobs SET state = 'failed', error = $2, finished_at = $3 WHERE id = $1", &[&job.id, &error, &unix_now()]).db()?,
        };
        Ok(())
    }

    fn requeue_abandoned_jobs(&self, abandoned: &Abandoned) -> Result<usize, RepoError> {
        let requeued = self
            .client()?
            .execute(
                "UPDATE jobs SET state = 'queued', run_after = 0 WHERE state = 'running' AND (started_at <= $1 OR owner = $2)",
                &[&abandoned.lease_start, &abandoned.left_by.as_ref().map(ProcessId::as_str)],
            )
            .db()?;
        Ok(requeued as usize)
    }

    fn unfinished_jobs(&self) -> Result<usize, RepoError> {
        Ok(self.client()?.query_one("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')", &[]).db()?.get::<_, i64>(0) as usize)
    }

    fn update_metadata(&self, path: &DamPath, patch: &MetadataPatch, user: &str, now: i64) -> Result<(), RepoError> {
        let properties = patch.properties.as_ref().map(|p| serde_json::to_string(&p.to_map()).map_err(|e| RepoError::Internal(e.to_string()))).transpose()?;
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let id = lock_asset(&mut tx, path)?;
        tx.execute(
            "UPDATE assets SET title = coalesce($2, title), description = coalesce($3, description),
                               properties = coalesce($4, properties), modified_by = $5, modified_at = $6
             WHERE id = $1",
            &[&id, &patch.title.as_ref().map(Title::as_str), &patch.description.as_ref().map(Description::as_str), &properties, &user, &now],
        )
        .db()?;
        history::record_event(&mut tx, id, &AssetEvent::new(EventKind::MetadataChanged, user, now, &patch_fields(patch)))?;
        tx.commit().db()
    }

    fn tags(&self) -> Result<Vec<TagRecord>, RepoError> {
        let rows = self.client()?.query("SELECT tag, title FROM tags ORDER BY tag", &[]).db()?;
        rows.iter()
            .map(|r| Ok(TagRecord { tag: TagId::parse(r.get::<_, &str>(0)).map_err(|e| RepoError::Internal(e.to_string()))?, title: r.get(1) }))
            .collect()
    }

    fn create_tag(&self, tag: &TagId, title: &str) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let mut parent: Option<i64> = None;
        for t in tag.lineage() {
            let id: i64 = if &t == tag {
                tx.query_one(
                    "INSERT INTO tags (tag, title, parent_id) VALUES ($1, $2, $3)
                     ON CONFLICT (tag) DO UPDATE SET title = excluded.title RETURNING id",
                    &[&t.as_str(), &title, &parent],
                )
                .db()?
                .get(0)
            } else {
                tx.execute("INSERT INTO tags (tag, title, parent_id) VALUES ($1, $2, $3) ON CONFLICT (tag) DO NOTHING", &[&t.as_str(), &t.name(), &parent])
                    .db()?;
                tx.query_one("SELECT id FROM tags WHERE tag = $1", &[&t.as_str()]).db()?.get(0)
            };
            parent = Some(id);
        }
        for asset in tagged_assets(&mut tx, tag)? {
            reindex(&mut tx, asset)?;
        }
        tx.commit().db()
    }

    fn delete_tag(&self, tag: &TagId) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let affected = tagged_assets(&mut tx, tag)?;
        if tx.execute("DELETE FROM tags WHERE tag = $1", &[&tag.as_str()]).db()? == 0 {
            return Err(RepoError::UnknownTag(tag.to_string()));
        }
        for asset in affected {
            reindex(&mut tx, asset)?;
        }
        tx.commit().db()
    }

    fn set_asset_tags(&self, path: &DamPath, tags: &[TagId], user: &str, now: i64) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let id = lock_asset(&mut tx, path)?;
        let mut tag_ids = Vec::new();
        for t in tags {
            let tag_id: Option<i64> = tx.query_opt("SELECT id FROM tags WHERE tag = $1", &[&t.as_str()]).db()?.map(|r| r.get(0));
            tag_ids.push(tag_id.ok_or_else(|| RepoError::UnknownTag(t.to_string()))?);
        }
        tx.execute("DELETE FROM asset_tags WHERE asset_id = $1", &[&id]).db()?;
        for tag_id in tag_ids {
            tx.execute("INSERT INTO asset_tags (asset_id, tag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&id, &tag_id]).db()?;
        }
        tx.execute("UPDATE assets SET modified_by = $2, modified_at = $3 WHERE id = $1", &[&id, &user, &now]).db()?;
        history::record_event(&mut tx, id, &AssetEvent::new(EventKind::MetadataChanged, user, now, "tags"))?;
        reindex(&mut tx, id)?;
        tx.commit().db()
    }

    fn search(&self, query: &SearchQuery, scope: &ReadScope) -> Result<SearchPage, RepoError> {
        let spare = || self.pool.as_ref().and_then(Pool::try_get);
        search::search(&mut *self.client()?, spare, query, scope)
    }

    fn count_assets_below(&self, folder: &DamPath) -> Result<u64, RepoError> {
        let below = format!("{}/%", like_escape(folder.as_str()));
        let sql = "SELECT count(*) FROM assets WHERE $1 OR path LIKE $2";
        Ok(self.client()?.query_one(sql, &[&folder.is_root(), &below]).db()?.get::<_, i64>(0) as u64)
    }

    fn move_node(&self, from: &DamPath, to: &DamPath, by: &str, force: bool) -> Result<(), RepoError> {
        if from.is_root() || to.is_root() {
            return Err(RepoError::RootIsFixed);
        }
        if is_within(to, from) {
            return Err(RepoError::MoveIntoSelf);
        }
        let to_parent = to.parent().ok_or(RepoError::RootIsFixed)?;
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let is_folder = folder_id(&mut tx, from)?.is_some();
        if !is_folder {
            asset_id(&mut tx, from)?;
        }
        let parent_id = folder_id(&mut tx, &to_parent)?.ok_or(RepoError::ParentMissing(to_parent))?;
        if is_taken(&mut tx, to)? {
            return Err(RepoError::AlreadyExists(to.clone()));
        }
        let moved = history::lock_paths_within(&mut tx, from)?;
        refuse_locked(&history::locks_within(&mut tx, from)?, by)?;
        if !force {
            refuse_referenced(from, &references_within(&mut tx, from)?, "move")?;
        }
        let under = below(from.as_str());
        let rebase = "$2 || substr(path, length($1) + 1)";
        if is_folder {
            tx.execute(&format!("UPDATE folders SET path = {rebase} WHERE path = $1 OR path LIKE $3"), &[&from.as_str(), &to.as_str(), &under]).db()?;
            tx.execute(
                "UPDATE folders SET parent_id = $2, title = CASE WHEN title = $3 THEN $4 ELSE title END WHERE path = $1",
                &[&to.as_str(), &parent_id, &from.name(), &to.name()],
            )
            .db()?;
            tx.execute(&format!("UPDATE assets SET path = {rebase} WHERE path LIKE $3"), &[&from.as_str(), &to.as_str(), &under]).db()?;
        } else {
            tx.execute("UPDATE assets SET path = $2, name = $3, folder_id = $4 WHERE path = $1", &[&from.as_str(), &to.as_str(), &to.name(), &parent_id])
                .db()?;
        }
        history::record_moves(&mut tx, &moved, by, unix_now())?;
        tx.commit().db()
    }

    fn delete_node(&self, path: &DamPath, by: &str, force: bool) -> Result<Vec<BlobHash>, RepoError> {
        if path.is_root() {
            return Err(RepoError::RootIsFixed);
        }
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let is_folder = folder_id(&mut tx, path)?.is_some();
        if !is_folder {
            asset_id(&mut tx, path)?;
        }
        let ids = lock_assets_within(&mut tx, path)?;
        refuse_locked(&history::locks_within(&mut tx, path)?, by)?;
        if !force {
            refuse_referenced(path, &references_within(&mut tx, path)?, "delete")?;
        }
        let hashes: Vec<String> = tx
            .query(
                "SELECT sha256 FROM renditions WHERE asset_id = ANY($1) UNION SELECT sha256 FROM asset_versions WHERE asset_id = ANY($1)
                 UNION SELECT sha256 FROM version_renditions WHERE asset_id = ANY($1)",
                &[&ids],
            )
            .db()?
            .iter()
            .map(|r| r.get(0))
            .collect();
        tx.execute("DELETE FROM assets WHERE id = ANY($1)", &[&ids]).db()?;
        if is_folder {
            // Children before parents: folders.parent_id does not cascade.
            let folders: Vec<i64> = tx
                .query("SELECT id FROM folders WHERE path = $1 OR path LIKE $2 ORDER BY length(path) DESC", &[&path.as_str(), &below(path.as_str())])
                .db()?
                .iter()
                .map(|r| r.get(0))
                .collect();
            for id in folders {
                tx.execute("DELETE FROM folders WHERE id = $1", &[&id]).db()?;
            }
        }
        let orphans = unused_blobs(&mut tx, hashes)?;
        tx.commit().db()?;
        Ok(orphans)
    }

    fn add_reference(&self, asset: &DamPath, sites_url: &str, page_path: &str) -> Result<(), RepoError> {
        let mut c = self.client()?;
        let id = asset_id(&mut *c, asset)?;
        c.execute(
            "INSERT INTO asset_references (asset_id, sites_url, page_path, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[&id, &sites_url, &page_path, &unix_now()],
        )
        .db()?;
        Ok(())
    }

    fn remove_reference(&self, asset: &DamPath, sites_url: &str, page_path: &str) -> Result<(), RepoError> {
        let mut c = self.client()?;
        let id = asset_id(&mut *c, asset)?;
        c.execute("DELETE FROM asset_references WHERE asset_id = $1 AND sites_url = $2 AND page_path = $3", &[&id, &sites_url, &page_path]).db()?;
        Ok(())
    }

    fn references(&self, path: &DamPath) -> Result<Vec<Reference>, RepoError> {
        let rows = self
            .client()?
            .query(
                "SELECT a.path, r.sites_url, r.page_path FROM asset_references r JOIN assets a ON a.id = r.asset_id
                 WHERE a.path = $1 OR a.path LIKE $2 ORDER BY r.sites_url, r.page_path, a.path",
                &[&path.as_str(), &below(path.as_str())],
            )
            .db()?;
        rows.iter().map(|r| Ok(Reference { asset: DamPath::parse(r.get::<_, &str>(0))?, sites_url: r.get(1), page_path: r.get(2) })).collect()
    }

    fn permission_rules(&self) -> Result<Vec<PermissionRule>, RepoError> {
        let rows = self
            .client()?
            .query("SELECT f.path, p.grp, p.access FROM folder_permissions p JOIN folders f ON f.id = p.folder_id ORDER BY f.path, p.grp", &[])
            .db()?;
        rows.iter()
            .map(|r| {
                let access = match r.get::<_, &str>(2) {
                    "write" => Access::Write,
                    "read" => Access::Read,
                    _ => Access::None,
                };
                Ok(PermissionRule { folder: DamPath::parse(r.get::<_, &str>(0))?, group: r.get(1), access })
            })
            .collect()
    }

    fn set_permission(&self, folder: &DamPath, group: &str, access: Option<Access>) -> Result<(), RepoError> {
        let mut c = self.client()?;
        let id = folder_id(&mut *c, folder)?.ok_or_else(|| RepoError::NotFound(folder.clone()))?;
        match access {
            None => c.execute("DELETE FROM folder_permissions WHERE folder_id = $1 AND grp = $2", &[&id, &group]).db()?,
            Some(a) => c
                .execute(
                    "INSERT INTO folder_permissions (folder_id, grp, access) VALUES ($1, $2, $3)
                     ON CONFLICT (folder_id, grp) DO UPDATE SET access = excluded.access",
                    &[&id, &group, &access_name(a)],
                )
                .db()?,
        };
        Ok(())
    }

    fn pages(&self) -> Result<Vec<PageSummary>, RepoError> {
        let rows = self.client()?.query("SELECT path, title, modified_at, published_at FROM pages ORDER BY path", &[]).db()?;
        rows.iter().map(|r| Ok(PageSummary { path: page_path(r.get(0))?, title: r.get(1), modified_at: r.get(2), published_at: r.get(3) })).collect()
    }

    fn create_page(&self, path: &PagePath, title: &str, user: &str, now: i64) -> Result<(), RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let parent_id = match path.parent() {
            Some(parent) => Some(page_id(&mut tx, &parent)?.ok_or_else(|| RepoError::PageMissing(parent.to_string()))?),
            None => None,
        };
        if page_id(&mut tx, path)?.is_some() {
            return Err(RepoError::PageExists(path.to_string()));
        }
        tx.execute(
            "INSERT INTO pages (path, parent_id, title, version, components, created_by, created_at, modified_by, modified_at)
             VALUES ($1, $2, $3, 1, '[]', $4, $5, $4, $5)",
            &[&path.as_str(), &parent_id, &title, &user, &now],
        )
        .or_taken(|| RepoError::PageExists(path.to_string()))?;
        tx.commit().db()
    }

    fn page(&self, path: &PagePath) -> Result<Option<PageDto>, RepoError> {
        let row = self
            .client()?
            .query_opt("SELECT title, version, components, modified_by, modified_at, published_at, description FROM pages WHERE path = $1", &[&path.as_str()])
            .db()?;
        row.map(|r| {
            let components = serde_json::from_str(r.get::<_, &str>(2)).map_err(|e| RepoError::Internal(format!("bad page body for {path}: {e}")))?;
            Ok(PageDto {
                path: path.clone(),
                version: r.get::<_, i64>(1) as u64,
                title: r.get(0),
                description: r.get(6),
                components,
                modified_by: r.get(3),
                modified_at: r.get(4),
                published_at: r.get(5),
            })
        })
        .transpose()
    }

    fn save_page(&self, path: &PagePath, expected_version: u64, content: &PageContent, user: &str, now: i64) -> Result<u64, RepoError> {
        let components = serde_json::to_string(&content.components).map_err(|e| RepoError::Internal(e.to_string()))?;
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        // FOR UPDATE: two saves of the same version, from two processes, cannot both win.
        let current = tx.query_opt("SELECT id, version, modified_by, modified_at FROM pages WHERE path = $1 FOR UPDATE", &[&path.as_str()]).db()?;
        let Some(current) = current else {
            return Err(RepoError::PageMissing(path.to_string()));
        };
        let (id, version): (i64, u64) = (current.get(0), current.get::<_, i64>(1) as u64);
        if version != expected_version {
            return Err(RepoError::VersionConflict { current: version, modified_by: current.get(2), modified_at: current.get(3) });
        }
        tx.execute(
            "UPDATE pages SET title = $2, description = $3, components = $4, version = version + 1, modified_by = $5, modified_at = $6 WHERE id = $1",
            &[&id, &content.title, &content.description, &components, &user, &now],
        )
        .db()?;
        // The page's local references are exactly the local assets it now uses.
        tx.execute("DELETE FROM asset_references WHERE sites_url = '' AND page_path = $1", &[&path.as_str()]).db()?;
        for asset in content.local_assets() {
            tx.execute(
                "INSERT INTO asset_references (asset_id, sites_url, page_path, created_at)
                 SELECT id, '', $2, $3 FROM assets WHERE path = $1 ON CONFLICT DO NOTHING",
                &[&asset.as_str(), &path.as_str(), &now],
            )
            .db()?;
        }
        tx.commit().db()?;
        Ok(version + 1)
    }

    fn delete_page(&self, path: &PagePath) -> Result<Vec<BlobHash>, RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        if page_id(&mut tx, path)?.is_none() {
            return Err(RepoError::PageMissing(path.to_string()));
        }
        let under = below(path.as_str());
        let pages: Vec<i64> = tx
            .query("SELECT id FROM pages WHERE path = $1 OR path LIKE $2 ORDER BY length(path) DESC", &[&path.as_str(), &under])
            .db()?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let shown = published_hashes(&mut tx, &pages)?;
        tx.execute("DELETE FROM published_blobs WHERE page_id = ANY($1)", &[&pages]).db()?;
        tx.execute("DELETE FROM published_pages WHERE page_id = ANY($1)", &[&pages]).db()?;
        tx.execute("DELETE FROM asset_references WHERE sites_url = '' AND (page_path = $1 OR page_path LIKE $2)", &[&path.as_str(), &under]).db()?;
        // Children before parents: pages.parent_id does not cascade.
        for id in pages {
            tx.execute("DELETE FROM pages WHERE id = $1", &[&id]).db()?;
        }
        let orphans = unused_blobs(&mut tx, shown)?;
        tx.commit().db()?;
        Ok(orphans)
    }

    fn move_page(&self, from: &PagePath, to: &PagePath) -> Result<(), RepoError> {
        if to.as_str().starts_with(&format!("{}/", from.as_str())) {
            return Err(RepoError::BadQuery("A page cannot be moved below itself.".into()));
        }
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        page_id(&mut tx, from)?.ok_or_else(|| RepoError::PageMissing(from.to_string()))?;
        if page_id(&mut tx, to)?.is_some() {
            return Err(RepoError::PageExists(to.to_string()));
        }
        let parent_id = match to.parent() {
            Some(parent) => Some(page_id(&mut tx, &parent)?.ok_or_else(|| RepoError::PageMissing(parent.to_string()))?),
            None => None,
        };
        let under = below(from.as_str());
        for (table, column) in [("pages", "path"), ("asset_references", "page_path")] {
            tx.execute(
                &format!("UPDATE {table} SET {column} = $2 || substr({column}, length($1) + 1) WHERE {column} = $1 OR {column} LIKE $3"),
                &[&from.as_str(), &to.as_str(), &under],
            )
            .db()?;
        }
        tx.execute("UPDATE pages SET parent_id = $2 WHERE path = $1", &[&to.as_str(), &parent_id]).db()?;
        tx.commit().db()
    }

    fn publish_page(&self, path: &PagePath, version: u64, html: &str, blobs: &[(BlobHash, String)], now: i64) -> Result<Vec<BlobHash>, RepoError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let id: i64 = tx
            .query_opt("SELECT id FROM pages WHERE path = $1 AND version = $2 FOR UPDATE", &[&path.as_str(), &(version as i64)])
            .db()?
            .map(|r| r.get(0))
            .ok_or_else(|| RepoError::BadQuery(format!("{path} changed while it was being published; publish again")))?;
        tx.execute(
            "INSERT INTO published_pages (page_id, html, published_at) VALUES ($1, $2, $3)
             ON CONFLICT (page_id) DO UPDATE SET html = excluded.html, published_at = excluded.published_at",
            &[&id, &html, &now],
        )
        .db()?;
        let shown_before = published_hashes(&mut tx, &[id])?;
        tx.execute("DELETE FROM published_blobs WHERE page_id = $1", &[&id]).db()?;
        for (hash, mime) in blobs {
            tx.execute("INSERT INTO published_blobs (page_id, sha256, mime) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", &[&id, &hash.as_str(), mime]).db()?;
        }
        tx.execute("UPDATE pages SET published_at = $2 WHERE id = $1", &[&id, &now]).db()?;
        let orphans = unused_blobs(&mut tx, shown_before)?;
        tx.commit().db()?;
        Ok(orphans)
    }

    fn published_html(&self, path: &PagePath) -> Result<Option<String>, RepoError> {
        let row =
            self.client()?.query_opt("SELECT h.html FROM published_pages h JOIN pages p ON p.id = h.page_id WHERE p.path = $1", &[&path.as_str()]).db()?;
        Ok(row.map(|r| r.get(0)))
    }

    fn published_blob(&self, hash: &BlobHash) -> Result<Option<String>, RepoError> {
        let row = self.client()?.query_opt("SELECT mime FROM published_blobs WHERE sha256 = $1 LIMIT 1", &[&hash.as_str()]).db()?;
        Ok(row.map(|r| r.get(0)))
    }

    fn publication(&self, path: &PagePath) -> Result<Option<Publication>, RepoError> {
        let mut c = self.client()?;
        let row = c
            .query_opt("SELECT p.id, h.html, h.published_at FROM published_pages h JOIN pages p ON p.id = h.page_id WHERE p.path = $1", &[&path.as_str()])
            .db()?;
        let Some(row) = row else {
            return Ok(None);
        };
        let id: i64 = row.get(0);
        let blobs = c
            .query("SELECT sha256, mime FROM published_blobs WHERE page_id = $1 ORDER BY sha256 COLLATE \"C\"", &[&id])
            .db()?
            .iter()
            .map(|r| Ok((blob_hash(r.get(0))?, r.get(1))))
            .collect::<Result<_, RepoError>>()?;
        Ok(Some(Publication { html: row.get(1), published_at: row.get(2), blobs }))
    }

    fn import_page(&self, page: &PageDto, publication: Option<&Publication>) -> Result<(), RepoError> {
        let components = serde_json::to_string(&page.components).map_err(|e| RepoError::Internal(e.to_string()))?;
        let mut client = self.client()?;
        let mut tx = client.transaction().db()?;
        let parent_id = match page.path.parent() {
            Some(parent) => Some(page_id(&mut tx, &parent)?.ok_or_else(|| RepoError::PageMissing(parent.to_string()))?),
            None => None,
        };
        if page_id(&mut tx, &page.path)?.is_some() {
            return Err(RepoError::PageExists(page.path.to_string()));
        }
        let id: i64 = tx
            .query_one(
                "INSERT INTO pages (path, parent_id, title, description, version, components, created_by, created_at, modified_by, modified_at, published_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8, $9) RETURNING id",
                &[
                    &page.path.as_str(),
                    &parent_id,
                    &page.title,
                    &page.description,
                    &(page.version as i64),
                    &components,
                    &page.modified_by,
                    &page.modified_at,
                    &page.published_at,
                ],
            )
            .or_taken(|| RepoError::PageExists(page.path.to_string()))?
            .get(0);
        if let Some(p) = publication {
            tx.execute("INSERT INTO published_pages (page_id, html, published_at) VALUES ($1, $2, $3)", &[&id, &p.html, &p.published_at]).db()?;
            for (hash, mime) in &p.blobs {
                tx.execute("INSERT INTO published_blobs (page_id, sha256, mime) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", &[&id, &hash.as_str(), mime])
                    .db()?;
            }
        }
        tx.commit().db()
    }

    fn sources_of(&self, original: &BlobHash) -> Result<Vec<RenditionRecord>, RepoError> {
        let mut c = self.client()?;
        let asset: Option<i64> =
            c.query_opt("SELECT asset_id FROM renditions WHERE name = 'original' AND sha256 = $1 LIMIT 1", &[&original.as_str()]).db()?.map(|r| r.get(0));
        match asset {
            Some(id) => load_renditions(&mut *c, id),
            None => Ok(Vec::new()),
        }
    }

    fn remember_edit(&self, key: &str, state: &str) -> Result<(), RepoError> {
        self.client()?.execute("INSERT INTO image_edits (key, state) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", &[&key, &state]).db()?;
        Ok(())
    }

    fn edit_states(&self) -> Result<Vec<(String, String)>, RepoError> {
        Ok(self.client()?.query("SELECT key, state FROM image_edits ORDER BY key COLLATE \"C\"", &[]).db()?.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn edit_state(&self, key: &str) -> Result<Option<String>, RepoError> {
        Ok(self.client()?.query_opt("SELECT state FROM image_edits WHERE key = $1", &[&key]).db()?.map(|r| r.get(0)))
    }

    fn cached_image(&self, original: &BlobHash, edit_key: &str, width: u32, format: &str) -> Result<Option<BlobHash>, RepoError> {
        let row = self
            .client()?
            .query_opt(
                "SELECT sha256 FROM image_cache WHERE original = $1 AND edit_key = $2 AND width = $3 AND format = $4",
                &[&original.as_str(), &edit_key, &(width as i32), &format],
            )
            .db()?;
        Ok(row.and_then(|r| BlobHash::parse(r.get(0))))
    }

    fn cache_image(&self, original: &BlobHash, edit_key: &str, width: u32, format: &str, rendered: &BlobHash) -> Result<(), RepoError> {
        self.client()?
            .execute(
                "INSERT INTO image_cache (original, edit_key, width, format, sha256) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (original, edit_key, width, format) DO UPDATE SET sha256 = excluded.sha256",
                &[&original.as_str(), &edit_key, &(width as i32), &format, &rendered.as_str()],
            )
            .db()?;
        Ok(())
    }

    fn create_session(&self, s: &SessionRecord) -> Result<(), RepoError> {
        let mut c = self.client()?;
        c.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&unix_now()]).db()?;
        c.execute(
            "INSERT INTO sessions (token_hash, user_name, csrf_token, expires_at) VALUES ($1, $2, $3, $4)",
            &[&s.token_hash, &s.user, &s.csrf_token, &s.expires_at],
        )
        .db()?;
        Ok(())
    }

    fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRecord>, RepoError> {
        let row = self
            .client()?
            .query_opt("SELECT token_hash, user_name, csrf_token, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2", &[&token_hash, &now])
            .db()?;
        Ok(row.map(|r| SessionRecord { token_hash: r.get(0), user: r.get(1), csrf_token: r.get(2), expires_at: r.get(3) }))
    }

    fn delete_session(&self, token_hash: &str) -> Result<(), RepoError> {
        self.client()?.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash]).db()?;
        Ok(())
    }
}
