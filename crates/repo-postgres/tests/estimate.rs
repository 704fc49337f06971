//! Where PostgreSQL estimates a search's matches instead of counting them (see
//! `search::Total`): past the count's limit, from the planner's statistics.

use tessera_model::{AssetKind, DamPath, DocType, MatchCount, SearchQuery, COUNT_LIMIT};
use tessera_repo::conformance::asset;
use tessera_repo::{Catalog, ReadScope};
use tessera_repo_postgres::PostgresCatalog;

mod common;

const RIVERS: usize = 4_000;

/// A fresh catalog of `rivers` assets about a river, every other one a PDF and the
/// rest JPEGs, one in 600 also about a delta; analyzed, as autovacuum leaves a table
/// a minute after a bulk load. With [`Vocabulary::Large`] each has three words of a
/// vocabulary large enough for the planner's statistics to hold words (it needs 100
/// of them to estimate a prefix).
fn catalog(rivers: usize, vocabulary: Vocabulary) -> PostgresCatalog {
    let url = common::fresh_database("estimate");
    let catalog = PostgresCatalog::open(&url, 2).unwrap();
    // Autovacuum must not analyze the table behind the test's back.
    postgres::Client::connect(&url, postgres::NoTls).and_then(|mut c| c.batch_execute("ALTER TABLE assets SET (autovacuum_enabled = false)")).unwrap();
    for folder in ["/content/dam/rivers", "/content/dam/rivers/more"] {
        catalog.create_folder(&DamPath::parse(folder).unwrap(), "Rivers").unwrap();
    }
    let syllables = ["ka", "lo", "mi", "nu", "pe", "ro", "si", "tu", "va", "ze", "bo", "de", "fi"];
    let vocabulary: Vec<String> = match vocabulary {
        Vocabulary::Large => syllables.iter().flat_map(|a| syllables.iter().map(move |b| format!("{a}{b}"))).collect(),
        Vocabulary::None => vec![String::new()],
    };
    let assets: Vec<_> = (0..rivers)
        .map(|i| {
            let words = [i, i * 7 + 3, i * 13 + 5].map(|k| vocabulary[k % vocabulary.len()].as_str()).join(" ");
            let delta = if i % 600 == 0 { " delta" } else { "" };
            let folder = if i % 2 == 0 { "/content/dam/rivers" } else { "/content/dam/rivers/more" };
            let (extension, mime) = if i % 2 == 0 { ("pdf", "application/pdf") } else { ("jpg", "image/jpeg") };
            asset(&format!("{folder}/r{i:05}.{extension}"), &format!("River{delta} {words}"), mime, 10, 1_700_000_000 + i as i64, 1)
        })
        .collect();
    catalog.import_assets(&assets).unwrap();
    postgres::Client::connect(&url, postgres::NoTls).and_then(|mut c| c.batch_execute("ANALYZE")).unwrap();
    catalog
}

enum Vocabulary {
    Large,
    None,
}

fn total(catalog: &PostgresCatalog, query: SearchQuery) -> Option<MatchCount> {
    catalog.search(&query, &ReadScope::everything()).unwrap().total
}

#[test]
#[ignore = "needs PostgreSQL: cargo xtask test --suite storage"]
fn past_the_count_limit_the_first_page_says_about_how_many_from_the_planner() {
    let catalog = catalog(RIVERS, Vocabulary::Large);
    let about = |count: Option<MatchCount>, expected: u64| matches!(count, Some(MatchCount::About(n)) if n.abs_diff(expected) <= expected / 5);

    let river = SearchQuery { q: Some("river".into()), limit: Some(50), ..Default::default() };
    assert!(about(total(&catalog, river.clone()), RIVERS as u64), "{:?}", total(&catalog, river));
    let below = SearchQuery { folder: Some(DamPath::parse("/content/dam/rivers").unwrap()), ..river.clone() };
    assert!(about(total(&catalog, below.clone()), RIVERS as u64), "{:?}", total(&catalog, below));
    // A document type is a document: the kind said again, the planner would take the
    // two for independent and expect half as many.
    let pdfs = SearchQuery { kind: Some(AssetKind::Document), doctype: Some(DocType::Pdf), ..river.clone() };
    assert!(about(total(&catalog, pdfs.clone()), RIVERS as u64 / 2), "{:?}", total(&catalog, pdfs));

    // Under the limit it counts.
    let few = SearchQuery { q: Some("delta".into()), ..river.clone() };
    assert_eq!(total(&catalog, few), Some(MatchCount::Exactly(RIVERS.div_ceil(600) as u64)));
    // Contradicting filters find nothing, and say so exactly.
    let none = SearchQuery { kind: Some(AssetKind::Image), doctype: Some(DocType::Pdf), ..river.clone() };
    assert_eq!(total(&catalog, none), Some(MatchCount::Exactly(0)));
    // Later pages carry no total.
    let first = catalog.search(&river, &ReadScope::everything()).unwrap();
    let next = SearchQuery { cursor: first.next_cursor, ..river };
    assert_eq!(catalog.search(&next, &ReadScope::everything()).unwrap().total, None);
}

#[test]
#[ignore = "needs PostgreSQL: cargo xtask test --suite storage"]
fn what_the_planner_cannot_estimate_is_counted() {
    let counted = Some(MatchCount::MoreThan(COUNT_LIMIT));
    let river = SearchQuery { q: Some("river".into()), limit: Some(50), ..Default::default() };
    // Where the statistics hold too few words the planner takes a prefix to match a
    // flat 2% of the rows: 1,200 of these 60,000, every one of which matches.
    assert_eq!(total(&catalog(60_000, Vocabulary::None), river.clone()), counted);

    let catalog = catalog(RIVERS, Vocabulary::Large);
    // A folder's own assets: the planner cannot see which folder the subquery finds.
    let in_folder = SearchQuery { in_folder: Some(DamPath::parse("/content/dam/rivers").unwrap()), ..river.clone() };
    assert_eq!(total(&catalog, in_folder), counted);
    // Two words the planner would take as independent.
    let two = SearchQuery { q: Some("river pdf".into()), ..river.clone() };
    assert_eq!(total(&catalog, two), counted);
    // Without words there is no bitmap of hits to read first.
    let no_words = SearchQuery { kind: Some(AssetKind::Document), ..Default::default() };
    assert_eq!(total(&catalog, no_words), counted);
}
