//! A catalog made before the full-text index held the type filters' tokens is
//! brought up to date when it is opened: its existing assets are found by words and
//! those filters together, as new ones are.

use std::sync::Arc;

use tessera_model::{AssetKind, DamPath, Orientation, SearchQuery};
use tessera_repo::{Blobs, Catalog, ReadScope, Repo, Upload, UploadLimits};
use tessera_repo_sqlite::SqliteCatalog;

/// The schema version before the index's `facets` column.
const BEFORE_FACETS: i64 = 13;

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
    out
}

fn found(catalog: &SqliteCatalog, query: SearchQuery) -> Vec<String> {
    catalog.search(&query, &ReadScope::everything()).unwrap().assets.iter().map(|a| a.path.as_str().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_catalog_gets_the_type_filters_in_its_index() {
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("tessera.sqlite3");
    {
        let repo = Repo::new(Arc::new(SqliteCatalog::open(&file).unwrap()), Blobs::OWN, dir.path(), UploadLimits::default()).unwrap();
        repo.create_folder(&DamPath::parse("/content/dam/lakes").unwrap(), None).await.unwrap();
        let upload = Upload {
            path: DamPath::parse("/content/dam/lakes/shore.jpg").unwrap(),
            title: Some("Quiet shore".into()),
            declared_mime: "image/jpeg".into(),
            user: "ksaner".into(),
        };
        repo.upload(upload, &jpeg(400, 300)[..]).await.unwrap();
    }
    // The index as that version had it: five text columns, rows for every asset.
    {
        let conn = rusqlite::Connection::open(&file).unwrap();
        conn.execute_batch(&format!(
            "DROP TABLE assets_fts;
             CREATE VIRTUAL TABLE assets_fts USING fts5(title, description, name, tags, path, tokenize = 'unicode61 remove_diacritics 2');
             INSERT INTO assets_fts (rowid, title, description, name, tags, path) SELECT id, title, description, name, '', path FROM assets;
             PRAGMA user_version = {BEFORE_FACETS};"
        ))
        .unwrap();
    }

    let catalog = SqliteCatalog::open(&file).unwrap();
    let shore = ["/content/dam/lakes/shore.jpg".to_owned()];
    let quiet = |q: SearchQuery| SearchQuery { q: Some("quiet".into()), ..q };
    assert_eq!(found(&catalog, quiet(SearchQuery::default())), shore, "the words still match");
    let images = quiet(SearchQuery { kind: Some(AssetKind::Image), orientation: Some(Orientation::Landscape), ..Default::default() });
    assert_eq!(found(&catalog, images), shore, "the kind and the orientation are in the index");
    assert_eq!(found(&catalog, quiet(SearchQuery { mime: Some("image/jpeg".into()), ..Default::default() })), shore);
    assert!(found(&catalog, quiet(SearchQuery { kind: Some(AssetKind::Document), ..Default::default() })).is_empty());
    assert!(found(&catalog, quiet(SearchQuery { orientation: Some(Orientation::Portrait), ..Default::default() })).is_empty());
}
