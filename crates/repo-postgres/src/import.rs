//! Writing many assets at once (a copy between deployments, generated data): a
//! handful of set-based statements per batch instead of several round trips per
//! asset, so a million assets go in minutes. The outcome is the same as inserting
//! them one by one.

use std::collections::{BTreeMap, BTreeSet};

use postgres::GenericClient;
use tessera_repo::{unix_now, AssetRecord, Processing, RepoError};

use crate::error::{Db, Taken};
use crate::to_i32;

/// Writes `assets` in the caller's transaction: each in an existing folder, with its
/// renditions, its first version, its tags (which must exist) and, unless its
/// renditions are done, a queued or failed job.
pub(crate) fn import_assets(tx: &mut impl GenericClient, assets: &[AssetRecord]) -> Result<(), RepoError> {
    if assets.is_empty() {
        return Ok(());
    }
    let folders = folder_ids(tx, assets)?;
    refuse_taken(tx, assets)?;
    let ids = insert_rows(tx, assets, &folders)?;
    insert_renditions(tx, assets, &ids)?;
    tx.execute(
        "INSERT INTO asset_versions (asset_id, number, sha256, mime, size, width, height, comment, created_by, created_at, kind)
         SELECT r.asset_id, 1, r.sha256, r.mime, r.size, r.width, r.height, '', a.created_by, a.created_at, 'upload'
         FROM renditions r JOIN assets a ON a.id = r.asset_id
         WHERE r.name = 'original' AND r.asset_id = ANY($1)",
        &[&ids],
    )
    .db()?;
    insert_tags(tx, assets, &ids)?;
    insert_jobs(tx, assets, &ids)
}

/// The id of every asset's folder; a missing one is refused.
fn folder_ids(tx: &mut impl GenericClient, assets: &[AssetRecord]) -> Result<BTreeMap<String, i64>, RepoError> {
    let mut parents = BTreeSet::new();
    for asset in assets {
        let parent = asset.path.parent().ok_or_else(|| RepoError::AlreadyExists(asset.path.clone()))?;
        parents.insert(parent);
    }
    let wanted: Vec<&str> = parents.iter().map(|p| p.as_str()).collect();
    let found: BTreeMap<String, i64> =
        tx.query("SELECT path, id FROM folders WHERE path = ANY($1)", &[&wanted]).db()?.iter().map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1))).collect();
    match parents.into_iter().find(|p| !found.contains_key(p.as_str())) {
        Some(missing) => Err(RepoError::ParentMissing(missing)),
        None => Ok(found),
    }
}

fn refuse_taken(tx: &mut impl GenericClient, assets: &[AssetRecord]) -> Result<(), RepoError> {
    let paths: Vec<&str> = assets.iter().map(|a| a.path.as_str()).collect();
    let taken = tx.query_opt("SELECT path FROM assets WHERE path = ANY($1) UNION ALL SELECT path FROM folders WHERE path = ANY($1) LIMIT 1", &[&paths]).db()?;
    match taken {
        Some(row) => Err(RepoError::AlreadyExists(tessera_model::DamPath::parse(row.get(0))?)),
        None => Ok(()),
    }
}

/// Inserts the asset rows; returns their ids, in the order of `assets`.
fn insert_rows(tx: &mut impl GenericClient, assets: &[AssetRecord], folders: &BTreeMap<String, i64>) -> Result<Vec<i64>, RepoError> {
    let mut properties = Vec::with_capacity(assets.len());
    for a in assets {
        properties.push(serde_json::to_string(&a.properties).map_err(|e| RepoError::Internal(e.to_string()))?);
    }
    let column = |f: fn(&AssetRecord) -> String| assets.iter().map(f).collect::<Vec<String>>();
    let folder: Vec<i64> = assets.iter().map(|a| a.path.parent().and_then(|p| folders.get(p.as_str()).copied()).unwrap_or_default()).collect();
    let size: Vec<i64> = assets.iter().map(|a| a.size as i64).collect();
    let width: Vec<Option<i32>> = assets.iter().map(|a| to_i32(a.width)).collect();
    let height: Vec<Option<i32>> = assets.iter().map(|a| to_i32(a.height)).collect();
    let created_at: Vec<i64> = assets.iter().map(|a| a.created_at).collect();
    let modified_at: Vec<i64> = assets.iter().map(|a| a.modified_at).collect();
    let remote_url: Vec<Option<String>> = assets.iter().map(|a| a.connected.as_ref().map(|o| o.dam_url.clone())).collect();
    let remote_path: Vec<Option<String>> = assets.iter().map(|a| a.connected.as_ref().map(|o| o.path.to_string())).collect();
    let fetched_at: Vec<Option<i64>> = assets.iter().map(|a| a.connected.as_ref().map(|o| o.fetched_at)).collect();
    let checked_out_by: Vec<Option<String>> = assets.iter().map(|a| a.checked_out.as_ref().map(|c| c.by.clone())).collect();
    let checked_out_at: Vec<Option<i64>> = assets.iter().map(|a| a.checked_out.as_ref().map(|c| c.at)).collect();
    let rows = tx
        .query(
            "INSERT INTO assets (path, folder_id, title, description, mime, size, width, height, created_by, created_at,
                                 modified_by, modified_at, properties, name, remote_url, remote_path, fetched_at, checked_out_by, checked_out_at)
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::int[], $9::text[],
                                  $10::bigint[], $11::text[], $12::bigint[], $13::text[], $14::text[], $15::text[], $16::text[], $17::bigint[],
                                  $18::text[], $19::bigint[])
             RETURNING id, path",
            &[
                &column(|a| a.path.to_string()),
                &folder,
                &column(|a| a.title.clone()),
                &column(|a| a.description.clone()),
                &column(|a| a.mime.clone()),
                &size,
                &width,
                &height,
                &column(|a| a.created_by.clone()),
                &created_at,
                &column(|a| a.modified_by.clone()),
                &modified_at,
                &properties,
                &column(|a| a.path.name().to_owned()),
                &remote_url,
                &remote_path,
                &fetched_at,
                &checked_out_by,
                &checked_out_at,
            ],
        )
        .or_taken(|| RepoError::AlreadyExists(assets[0].path.clone()))?;
    let by_path: BTreeMap<String, i64> = rows.iter().map(|r| (r.get::<_, String>(1), r.get::<_, i64>(0))).collect();
    assets.iter().map(|a| by_path.get(a.path.as_str()).copied().ok_or_else(|| RepoError::AlreadyExists(a.path.clone()))).collect()
}

fn insert_renditions(tx: &mut impl GenericClient, assets: &[AssetRecord], ids: &[i64]) -> Result<(), RepoError> {
    let all: Vec<(i64, &tessera_repo::RenditionRecord)> = assets.iter().zip(ids).flat_map(|(a, id)| a.renditions.iter().map(move |r| (*id, r))).collect();
    let asset_id: Vec<i64> = all.iter().map(|(id, _)| *id).collect();
    let name: Vec<&str> = all.iter().map(|(_, r)| r.name.as_str()).collect();
    let sha: Vec<&str> = all.iter().map(|(_, r)| r.blob.as_str()).collect();
    let mime: Vec<&str> = all.iter().map(|(_, r)| r.mime.as_str()).collect();
    let size: Vec<i64> = all.iter().map(|(_, r)| r.size as i64).collect();
    let width: Vec<Option<i32>> = all.iter().map(|(_, r)| to_i32(r.width)).collect();
    let height: Vec<Option<i32>> = all.iter().map(|(_, r)| to_i32(r.height)).collect();
    tx.execute(
        "INSERT INTO renditions (asset_id, name, sha256, mime, size, width, height)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::int[], $7::int[])",
        &[&asset_id, &name, &sha, &mime, &size, &width, &height],
    )
    .db()?;
    Ok(())
}

fn insert_tags(tx: &mut impl GenericClient, assets: &[AssetRecord], ids: &[i64]) -> Result<(), RepoError> {
    let wanted: BTreeSet<&str> = assets.iter().flat_map(|a| a.tags.iter().map(|t| t.as_str())).collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = wanted.iter().copied().collect();
    let known: BTreeMap<String, i64> =
        tx.query("SELECT tag, id FROM tags WHERE tag = ANY($1)", &[&names]).db()?.iter().map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1))).collect();
    if let Some(unknown) = names.iter().find(|t| !known.contains_key(**t)) {
        return Err(RepoError::UnknownTag((*unknown).to_owned()));
    }
    let (mut asset_id, mut tag_id) = (Vec::new(), Vec::new());
    for (asset, id) in assets.iter().zip(ids) {
        for tag in &asset.tags {
            asset_id.push(*id);
            tag_id.push(known[tag.as_str()]);
        }
    }
    tx.execute("INSERT INTO asset_tags (asset_id, tag_id) SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING", &[&asset_id, &tag_id])
        .db()?;
    let tagged: Vec<i64> = assets.iter().zip(ids).filter(|(a, _)| !a.tags.is_empty()).map(|(_, id)| *id).collect();
    tx.execute(
        "UPDATE assets a SET search_tags = coalesce((SELECT string_agg(t.tag || ' ' || t.title, ' ' ORDER BY t.tag)
                                                     FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE x.asset_id = a.id), '')
         WHERE a.id = ANY($1)",
        &[&tagged],
    )
    .db()?;
    Ok(())
}

fn insert_jobs(tx: &mut impl GenericClient, assets: &[AssetRecord], ids: &[i64]) -> Result<(), RepoError> {
    let (mut asset_id, mut state, mut error) = (Vec::new(), Vec::new(), Vec::<Option<&str>>::new());
    for (asset, id) in assets.iter().zip(ids) {
        match &asset.processing {
            Processing::Pending => {
                asset_id.push(*id);
                state.push("queued");
                error.push(None);
            }
            Processing::Failed(e) => {
                asset_id.push(*id);
                state.push("failed");
                error.push(Some(e.as_str()));
            }
            Processing::Done => {}
        }
    }
    tx.execute(
        "INSERT INTO jobs (asset_id, state, error, run_after, created_at, finished_at)
         SELECT u.asset_id, u.state, u.error, 0, $4::bigint, CASE WHEN u.state = 'failed' THEN $4::bigint END
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(asset_id, state, error)",
        &[&asset_id, &state, &error, &unix_now()],
    )
    .db()?;
    Ok(())
}
