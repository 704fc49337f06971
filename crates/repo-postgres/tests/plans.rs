//! Which index PostgreSQL reads for a search, seen in the counts it keeps per index
//! (`pg_stat_user_indexes`): a query an index no longer serves fails here, not only
//! as a slower benchmark.

use std::time::{Duration, Instant};

use tessera_model::{AssetKind, DamPath, DocType, SearchQuery};
use tessera_repo::conformance::asset;
use tessera_repo::{Catalog, ReadScope};
use tessera_repo_postgres::PostgresCatalog;

mod common;

const ASSETS: usize = 20_000;
const WORDS: [&str; 25] = [
    "alpine", "beach", "bridge", "canyon", "coast", "desert", "forest", "garden", "harbor", "island", "lake", "market", "meadow", "mountain", "night", "ocean",
    "orchard", "river", "road", "skyline", "snow", "summer", "trail", "valley", "village",
];

/// What PostgreSQL has counted on `index`: its scans, and the entries they returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IndexReads {
    scans: i64,
    entries: i64,
}

/// [`IndexReads`] of `index` once they differ from `before` (a backend reports its
/// counts when it closes, or a while after its transactions end), or after 30 s.
fn reads_since(url: &str, index: &str, before: Option<IndexReads>) -> IndexReads {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let row = client.query_one("SELECT idx_scan, idx_tup_read FROM pg_stat_user_indexes WHERE indexrelname = $1", &[&index]).unwrap();
        let reads = IndexReads { scans: row.get(0), entries: row.get(1) };
        if before != Some(reads) || Instant::now() > deadline {
            return reads;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
#[ignore = "needs PostgreSQL: cargo xtask test --suite storage"]
fn a_word_with_a_type_reads_the_title_tier_from_the_title_and_type_index() {
    let url = common::fresh_database("plans");
    // One connection: each catalog's reads are reported together when it closes.
    let catalog = PostgresCatalog::open(&url, 1).unwrap();
    catalog.create_folder(&DamPath::parse("/content/dam/photos").unwrap(), "Photos").unwrap();
    // About two titles in 25 hold "lake" and one asset in 7 is a PDF: 225 PDFs about a
    // lake among 20,000 assets.
    let is_pdf = |i: usize| i.is_multiple_of(7);
    let title = |i: usize| format!("{} {} {i}", WORDS[i % WORDS.len()], WORDS[(i / WORDS.len()) % WORDS.len()]);
    let assets: Vec<_> = (0..ASSETS)
        .map(|i| {
            let (extension, mime) = if is_pdf(i) { ("pdf", "application/pdf") } else { ("jpg", "image/jpeg") };
            asset(&format!("/content/dam/photos/p{i:05}.{extension}"), &title(i), mime, 10, 1_700_000_000 + i as i64, 1)
        })
        .collect();
    catalog.import_assets(&assets).unwrap();
    postgres::Client::connect(&url, postgres::NoTls).and_then(|mut c| c.batch_execute("ANALYZE")).unwrap();

    let query = SearchQuery { q: Some("lake".into()), kind: Some(AssetKind::Document), doctype: Some(DocType::Pdf), limit: Some(50), ..Default::default() };
    let lake_pdfs: Vec<String> = (0..ASSETS).rev().filter(|i| is_pdf(*i) && title(*i).split(' ').any(|w| w == "lake")).map(title).collect();
    let unread = reads_since(&url, "assets_title_by_type", None);
    let first = catalog.search(&query, &ReadScope::everything()).unwrap();
    assert_eq!(first.assets.iter().map(|a| a.title.clone()).collect::<Vec<_>>(), lake_pdfs[..50]);
    drop(catalog);
    let before = reads_since(&url, "assets_title_by_type", Some(unread));

    // The second page: no count beside it, the rest of the title tier alone.
    let catalog = PostgresCatalog::open(&url, 1).unwrap();
    let next = SearchQuery { cursor: first.next_cursor, ..query };
    let second = catalog.search(&next, &ReadScope::everything()).unwrap();
    assert_eq!(second.assets.iter().map(|a| a.title.clone()).collect::<Vec<_>>(), lake_pdfs[50..100]);
    drop(catalog);
    let after = reads_since(&url, "assets_title_by_type", Some(before));
    // The index gave the PDFs about a lake and nothing else: not every PDF (2,858), as
    // it would for the type alone, nor nothing, as a walk over the newest assets would.
    assert_eq!(after.scans - before.scans, 1, "{before:?} {after:?}");
    assert!(after.entries - before.entries <= lake_pdfs.len() as i64, "{before:?} {after:?}");
}
