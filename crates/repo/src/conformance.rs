//! The catalog conformance suite: what the repository relies on from every
//! [`Catalog`] backend, written once. Each backend crate runs it with
//! [`catalog_conformance!`](crate::catalog_conformance) over fresh, empty catalogs;
//! the expectations are explicit, so two backends that pass agree with each other.

use std::collections::BTreeMap;

use tessera_model::connected::{JobKind, JobState};
use tessera_model::{
    Access, AssetKind, DamPath, Description, MatchCount, MetadataPatch, Order, PageContent, PagePath, PermissionRule, Policy, Properties, RenditionName,
    SearchQuery, Sort, TagId, Title,
};

use crate::history::{BinaryChange, EventKind, Release, VersionKind};
use crate::{Abandoned, AssetRecord, BlobHash, Catalog, NewJob, ProcessId, Processing, ReadScope, RenditionRecord, RepoError, SessionRecord, VersionRecord};

fn me() -> ProcessId {
    ProcessId::parse("aaaaaaaaaaaaaaaaaaaaaaaa").expect("24 hex digits")
}

fn other() -> ProcessId {
    ProcessId::parse("bbbbbbbbbbbbbbbbbbbbbbbb").expect("24 hex digits")
}

/// One `#[test]` per check, each over a fresh catalog from `$fresh()`, which returns
/// the catalog and whatever must live as long as it (a temporary folder, say).
/// Attributes given after it (`fresh, #[ignore = "…"]`) go on every test.
#[macro_export]
macro_rules! catalog_conformance {
    ($fresh:expr $(, #[$attr:meta])*) => {
        $crate::catalog_conformance!(@each [$(#[$attr])*] $fresh;
            folders_and_assets_round_trip, jobs_are_claimed_once, references_guard_moves_and_deletes, tags_keep_their_lineage,
            search_finds_prefixes_without_accents, relevance_puts_the_title_first_then_file_name_description_and_path, search_sorts_and_pages_alike, a_folder_is_listed_a_page_at_a_time, search_filters_and_read_scope,
            filters_with_words_find_what_the_filters_alone_find, pages_version_and_publish,
            sessions_settings_and_connected_jobs, metadata_patches_say_who_and_when, imports_keep_what_they_are_given,
            versions_keep_every_binary_until_the_asset_goes, a_job_finishing_while_its_asset_goes_never_fails_the_delete,
            check_out_guards_the_binary_and_history_keeps_everything, collections_and_share_links_keep_what_they_are_given,
            live_relationships_follow_both_ends,
            live_copies_are_made_whole_and_once, a_search_counts_to_its_limit_and_a_folder_exactly);
    };
    (@each $attrs:tt $fresh:expr; $($check:ident),*) => {
        $( $crate::catalog_conformance!(@one $attrs $fresh; $check); )*
    };
    (@one [$(#[$attr:meta])*] $fresh:expr; $check:ident) => {
        #[test]
        $(#[$attr])*
        fn $check() {
            let (catalog, _keep) = $fresh();
            $crate::conformance::$check(&*catalog);
        }
    };
}

fn p(path: &str) -> DamPath {
    DamPath::parse(path).expect("a valid test path")
}

fn hash(n: u8) -> BlobHash {
    BlobHash::parse(&format!("{n:02x}").repeat(32)).expect("64 hex digits")
}

/// An asset record as an upload makes it, with one original rendition; the blob
/// named by `blob` (a byte repeated) need not exist. Public for a backend's own tests.
pub fn asset(path: &str, title: &str, mime: &str, size: u64, modified_at: i64, blob: u8) -> AssetRecord {
    let dims = mime.starts_with("image/").then_some((400u32, 300u32));
    AssetRecord {
        path: p(path),
        title: title.into(),
        description: String::new(),
        mime: mime.into(),
        size,
        width: dims.map(|d| d.0),
        height: dims.map(|d| d.1),
        created_by: "ksaner".into(),
        created_at: modified_at,
        modified_by: "ksaner".into(),
        modified_at,
        properties: BTreeMap::new(),
        tags: Vec::new(),
        renditions: vec![RenditionRecord {
            name: RenditionName::Original,
            blob: hash(blob),
            mime: mime.into(),
            size,
            width: dims.map(|d| d.0),
            height: dims.map(|d| d.1),
        }],
        processing: Processing::Pending,
        connected: None,
        checked_out: None,
        live_copy: false,
    }
}

fn paths(found: &[AssetRecord]) -> Vec<&str> {
    found.iter().map(|a| a.path.as_str()).collect()
}

fn search(c: &dyn Catalog, query: SearchQuery) -> Vec<String> {
    c.search(&query, &ReadScope::everything()).expect("search").assets.iter().map(|a| a.path.name().to_owned()).collect()
}

fn words(q: &str) -> SearchQuery {
    SearchQuery { q: Some(q.into()), ..Default::default() }
}

pub fn folders_and_assets_round_trip(c: &dyn Catalog) {
    assert_eq!(c.folder(&DamPath::root()).unwrap().map(|f| f.title), Some("Assets".into()), "the root exists from the start");
    c.create_folder(&p("/content/dam/photos"), "Photos").unwrap();
    assert!(matches!(c.create_folder(&p("/content/dam/photos"), "Again"), Err(RepoError::AlreadyExists(_))));
    assert!(matches!(c.create_folder(&p("/content/dam/none/x"), "X"), Err(RepoError::ParentMissing(_))));
    let mut a = asset("/content/dam/photos/lake.jpg", "Lake", "image/jpeg", 1234, 100, 1);
    a.properties.insert("photographer".into(), "Ana".into());
    a.description = "A lake at dawn".into();
    c.insert_asset(&a).unwrap();
    assert!(matches!(c.insert_asset(&a), Err(RepoError::AlreadyExists(_))), "one asset per path");
    assert_eq!(c.asset(&a.path).unwrap(), Some(a.clone()), "every field comes back as stored");
    assert!(c.is_taken(&a.path).unwrap() && c.is_taken(&p("/content/dam/photos")).unwrap());
    assert!(!c.is_taken(&p("/content/dam/photos/other.jpg")).unwrap());
    // Children come in byte order of their paths, folders and assets apart.
    for name in ["B.jpg", "a.jpg", "_x.jpg"] {
        c.insert_asset(&asset(&format!("/content/dam/photos/{name}"), name, "image/jpeg", 1, 100, 2)).unwrap();
    }
    c.create_folder(&p("/content/dam/photos/Z"), "Z").unwrap();
    c.create_folder(&p("/content/dam/photos/y"), "y").unwrap();
    let (folders, assets) = c.children(&p("/content/dam/photos")).unwrap();
    assert_eq!(folders.iter().map(|f| f.path.name()).collect::<Vec<_>>(), ["Z", "y"]);
    assert_eq!(assets.iter().map(|a| a.path.name()).collect::<Vec<_>>(), ["B.jpg", "_x.jpg", "a.jpg", "lake.jpg"]);
    assert!(matches!(c.children(&p("/content/dam/nowhere")), Err(RepoError::NotFound(_))));
    assert_eq!(c.subfolders(&p("/content/dam/photos")).unwrap(), folders, "the same folders, without the assets");
    assert!(matches!(c.subfolders(&p("/content/dam/nowhere")), Err(RepoError::NotFound(_))));
    assert_eq!(c.asset(&p("/content/dam/photos/none.jpg")).unwrap(), None);
}

pub fn jobs_are_claimed_once(c: &dyn Catalog) {
    c.create_folder(&p("/content/dam/q"), "Q").unwrap();
    for (i, name) in ["one.jpg", "two.jpg", "three.pdf"].iter().enumerate() {
        let mime = if name.ends_with("pdf") { "application/pdf" } else { "image/jpeg" };
        c.insert_asset(&asset(&format!("/content/dam/q/{name}"), name, mime, 10, 100, i as u8 + 1)).unwrap();
    }
    assert_eq!(c.unfinished_jobs().unwrap(), 3);
    let first = c.claim_job(1000, &me()).unwrap().expect("a queued job");
    let second = c.claim_job(1000, &other()).unwrap().expect("another");
    assert_ne!(first.id, second.id, "a job is claimed once");
    assert_eq!((first.asset.name(), first.attempts, first.pixels, first.original.clone()), ("one.jpg", 1, 120_000, hash(1)));
    let thumbnail = RenditionRecord { name: RenditionName::Thumbnail48, blob: hash(9), mime: "image/png".into(), size: 5, width: Some(48), height: Some(36) };
    c.finish_job(&first, std::slice::from_ref(&thumbnail)).unwrap();
    let done = c.asset(&first.asset).unwrap().unwrap();
    assert_eq!(done.processing, Processing::Done);
    assert_eq!(done.renditions.iter().map(|r| r.name).collect::<Vec<_>>(), [RenditionName::Original, RenditionName::Thumbnail48]);
    // A failure with a retry goes back to the queue, due later.
    c.fail_job(&second, "cannot decode", Some(5000)).unwrap();
    assert_eq!(c.asset(&second.asset).unwrap().unwrap().processing, Processing::Pending);
    let third = c.claim_job(1000, &me()).unwrap().expect("the pdf");
    assert_eq!(third.asset.name(), "three.pdf");
    assert!(c.claim_job(1000, &me()).unwrap().is_none(), "the retry is not due yet");
    let retried = c.claim_job(5000, &me()).unwrap().expect("due now");
    assert_eq!((retried.id, retried.attempts), (second.id, 2));
    c.fail_job(&retried, "still cannot decode", None).unwrap();
    assert_eq!(c.asset(&second.asset).unwrap().unwrap().processing, Processing::Failed("still cannot decode".into()));
    // Claimed at the lease's start or earlier, or left by a process that starts again:
    // queued again; a newer claim of another process is left alone.
    let lease = |lease_start, left_by: Option<ProcessId>| Abandoned { lease_start, left_by };
    assert_eq!(c.requeue_abandoned_jobs(&lease(999, Some(other()))).unwrap(), 0, "claimed at 1000 by me, after 999");
    assert_eq!(c.requeue_abandoned_jobs(&lease(999, Some(me()))).unwrap(), 1, "my own, after a restart");
    assert_eq!(c.claim_job(1000, &other()).unwrap().map(|j| j.id), Some(third.id));
    assert_eq!(c.requeue_abandoned_jobs(&lease(1000, None)).unwrap(), 1, "claimed at 1000: the lease ran out");
    assert_eq!(c.claim_job(1000, &me()).unwrap().map(|j| j.id), Some(third.id));
    // A job whose asset went away cannot finish.
    c.delete_node(&third.asset, "ksaner", false).unwrap();
    assert!(matches!(c.finish_job(&third, &[]), Err(RepoError::NotFound(_))));
    assert_eq!(c.unfinished_jobs().unwrap(), 0);
}

pub fn references_guard_moves_and_deletes(c: &dyn Catalog) {
    c.create_folder(&p("/content/dam/kit"), "Kit").unwrap();
    c.insert_asset(&asset("/content/dam/kit/logo.png", "Logo", "image/png", 10, 1, 1)).unwrap();
    c.insert_asset(&asset("/content/dam/kit/copy.png", "Copy", "image/png", 10, 1, 1)).unwrap();
    c.insert_asset(&asset("/content/dam/kit/own.pdf", "Own", "application/pdf", 10, 1, 2)).unwrap();
    c.add_reference(&p("/content/dam/kit/logo.png"), "", "/content/site/home").unwrap();
    c.add_reference(&p("/content/dam/kit/logo.png"), "", "/content/site/home").unwrap();
    c.add_reference(&p("/content/dam/kit/logo.png"), "https://sites.example", "/content/other").unwrap();
    let refusal = c.delete_node(&p("/content/dam/kit"), "ksaner", false).unwrap_err();
    match refusal {
        RepoError::Referenced { total, details, action, .. } => {
            assert_eq!((total, action), (2, "delete"));
            assert_eq!(details, "1 on this deployment, 1 on https://sites.example");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(matches!(c.move_node(&p("/content/dam/kit"), &p("/content/dam/brand"), "ksaner", false), Err(RepoError::Referenced { .. })));
    assert!(matches!(c.move_node(&p("/content/dam/kit"), &p("/content/dam/kit/inner"), "ksaner", true), Err(RepoError::MoveIntoSelf)));
    c.move_node(&p("/content/dam/kit"), &p("/content/dam/brand"), "ksaner", true).unwrap();
    assert!(c.folder(&p("/content/dam/kit")).unwrap().is_none());
    let refs = c.references(&p("/content/dam/brand")).unwrap();
    assert_eq!(
        refs.iter().map(|r| (r.asset.as_str(), r.sites_url.as_str())).collect::<Vec<_>>(),
        [("/content/dam/brand/logo.png", ""), ("/content/dam/brand/logo.png", "https://sites.example")]
    );
    assert_eq!(
        c.search(&words("logo"), &ReadScope::everything()).unwrap().assets[0].path,
        p("/content/dam/brand/logo.png"),
        "moved assets are found at their new path"
    );
    c.remove_reference(&p("/content/dam/brand/logo.png"), "https://sites.example", "/content/other").unwrap();
    assert_eq!(c.references(&p("/content/dam/brand/logo.png")).unwrap().len(), 1);
    // Deleting frees only the blobs nothing else uses.
    let freed = c.delete_node(&p("/content/dam/brand/own.pdf"), "ksaner", false).unwrap();
    assert_eq!(freed, [hash(2)]);
    assert!(c.delete_node(&p("/content/dam/brand/copy.png"), "ksaner", false).unwrap().is_empty(), "logo.png still uses the blob");
    let freed = c.delete_node(&p("/content/dam/brand"), "ksaner", true).unwrap();
    assert_eq!(freed, [hash(1)]);
    assert!(c.folder(&p("/content/dam/brand")).unwrap().is_none());
    assert!(matches!(c.delete_node(&DamPath::root(), "ksaner", true), Err(RepoError::RootIsFixed)));
}

pub fn tags_keep_their_lineage(c: &dyn Catalog) {
    let running = TagId::parse("products:shoes/running").unwrap();
    c.create_tag(&running, "Running").unwrap();
    let tags: Vec<(String, String)> = c.tags().unwrap().into_iter().map(|t| (t.tag.to_string(), t.title)).collect();
    assert_eq!(tags, [("products:".into(), "products".into()), ("products:shoes".into(), "shoes".into()), ("products:shoes/running".into(), "Running".into())]);
    c.create_folder(&p("/content/dam/t"), "T").unwrap();
    c.insert_asset(&asset("/content/dam/t/sneaker.jpg", "Sneaker", "image/jpeg", 1, 1, 1)).unwrap();
    let unknown = TagId::parse("products:hats").unwrap();
    assert!(matches!(c.set_asset_tags(&p("/content/dam/t/sneaker.jpg"), &[unknown], "admin", 5), Err(RepoError::UnknownTag(_))));
    c.set_asset_tags(&p("/content/dam/t/sneaker.jpg"), std::slice::from_ref(&running), "admin", 5).unwrap();
    let by_parent = SearchQuery { tag: Some(TagId::parse("products:shoes").unwrap()), ..Default::default() };
    assert_eq!(search(c, by_parent.clone()), ["sneaker.jpg"], "a tag finds what its descendants tag");
    assert_eq!(search(c, words("running")), ["sneaker.jpg"], "tags are searchable words");
    c.create_tag(&running, "Trail").unwrap();
    assert_eq!(search(c, words("trail")), ["sneaker.jpg"], "a retitled tag is searchable by its new title");
    c.delete_tag(&TagId::parse("products:shoes").unwrap()).unwrap();
    assert_eq!(c.tags().unwrap().len(), 1, "a tag goes with its descendants");
    assert!(c.asset(&p("/content/dam/t/sneaker.jpg")).unwrap().unwrap().tags.is_empty());
    assert!(search(c, words("trail")).is_empty());
    assert!(matches!(c.delete_tag(&running), Err(RepoError::UnknownTag(_))));
}

/// Twelve assets in two folders, with titles, descriptions, sizes and times that
/// give every sort a different order.
fn search_fixture(c: &dyn Catalog) {
    c.create_folder(&p("/content/dam/s"), "S").unwrap();
    c.create_folder(&p("/content/dam/s/docs"), "Docs").unwrap();
    let items: [(&str, &str, &str, &str, u64, i64); 12] = [
        ("alpha.jpg", "Running shoes", "", "image/jpeg", 500, 110),
        ("Bravo.png", "Café terrace", "", "image/png", 300, 120),
        ("charlie.jpg", "Mountain lake", "shoes by the water", "image/jpeg", 900, 130),
        ("delta.gif", "Runner at dawn", "", "image/gif", 100, 140),
        ("echo.svg", "Logo", "", "image/svg+xml", 50, 150),
        ("foxtrot.jpg", "Harbour", "", "image/jpeg", 700, 160),
        ("golf.jpg", "Trail runs", "", "image/jpeg", 200, 170),
        ("hotel.webp", "Night city", "", "image/webp", 800, 180),
        ("docs/india.pdf", "Price list", "shoes and boots", "application/pdf", 400, 190),
        ("docs/Juliet.docx", "Contract", "", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 600, 200),
        ("docs/kilo.txt", "Notes", "", "text/plain", 150, 210),
        ("docs/lima.csv", "Figures", "", "text/csv", 250, 220),
    ];
    for (i, (name, title, description, mime, size, modified)) in items.iter().enumerate() {
        let mut a = asset(&format!("/content/dam/s/{name}"), title, mime, *size, *modified, i as u8 + 1);
        a.description = (*description).into();
        if *name == "delta.gif" {
            (a.width, a.height) = (Some(200), Some(300));
        }
        c.insert_asset(&a).unwrap();
    }
}

pub fn search_finds_prefixes_without_accents(c: &dyn Catalog) {
    search_fixture(c);
    let mut run = search(c, words("run"));
    run.sort();
    assert_eq!(run, ["alpha.jpg", "delta.gif", "golf.jpg"], "words match as prefixes");
    assert_eq!(search(c, words("cafe")), ["Bravo.png"], "accents do not matter");
    assert_eq!(search(c, words("CAFÉ TERR")), ["Bravo.png"], "case does not matter; every word must match");
    assert!(search(c, words("cafe night")).is_empty());
    assert_eq!(search(c, words("lima")), ["lima.csv"], "file names are words");
    assert_eq!(search(c, words("docs")).len(), 4, "path segments are words");
    // Relevance: a title match ranks above a description match.
    let shoes = search(c, words("shoes"));
    assert_eq!(shoes.len(), 3);
    assert_eq!(shoes[0], "alpha.jpg", "the title match comes first");
    let page = c.search(&words("shoes"), &ReadScope::everything()).unwrap();
    assert_eq!(page.total, Some(MatchCount::Exactly(3)));
    assert!(search(c, words("!?")).len() == 12, "no words is no word filter");
}

pub fn relevance_puts_the_title_first_then_file_name_description_and_path(c: &dyn Catalog) {
    c.create_folder(&p("/content/dam/zephyr-week"), "Zephyr week").unwrap();
    c.create_folder(&p("/content/dam/other"), "Other").unwrap();
    // The weakest match is the newest, so newest first alone would turn the order round.
    let mut described = asset("/content/dam/other/described.jpg", "Harbour", "image/jpeg", 10, 300, 1);
    described.description = "A zephyr over the harbour".into();
    for a in [
        asset("/content/dam/other/titled.jpg", "Zephyr at noon", "image/jpeg", 10, 100, 1),
        asset("/content/dam/other/zephyr-file.jpg", "Noon", "image/jpeg", 10, 200, 1),
        described,
        asset("/content/dam/zephyr-week/placed.jpg", "Week", "image/jpeg", 10, 400, 1),
        // Within a tier, the newest first.
        asset("/content/dam/other/titled-later.jpg", "Zephyr at dusk", "image/jpeg", 10, 50, 1),
    ] {
        c.insert_asset(&a).unwrap();
    }
    let expected = ["titled-later.jpg", "titled.jpg", "zephyr-file.jpg", "described.jpg", "placed.jpg"];
    assert_eq!(search(c, words("zephyr")), expected);
    // Every word in the title comes before the words spread over the title and the name.
    assert_eq!(search(c, words("noon zephyr")), ["titled.jpg", "zephyr-file.jpg"]);
    // Page by page, the same order, each asset once.
    let mut walked = Vec::new();
    let mut cursor = None;
    loop {
        let page = c
            .search(&SearchQuery { q: Some("zephyr".into()), limit: Some(1), cursor: cursor.clone(), ..Default::default() }, &ReadScope::everything())
            .unwrap();
        walked.extend(page.assets.iter().map(|a| a.path.name().to_owned()));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(walked, expected);
}

pub fn search_sorts_and_pages_alike(c: &dyn Catalog) {
    search_fixture(c);
    let sorted = |sort: Sort, order: Option<Order>| search(c, SearchQuery { sort: Some(sort), order, ..Default::default() });
    assert_eq!(
        sorted(Sort::Name, None),
        [
            "alpha.jpg",
            "Bravo.png",
            "charlie.jpg",
            "delta.gif",
            "echo.svg",
            "foxtrot.jpg",
            "golf.jpg",
            "hotel.webp",
            "india.pdf",
            "Juliet.docx",
            "kilo.txt",
            "lima.csv"
        ],
        "names sort without regard to case"
    );
    assert_eq!(sorted(Sort::Size, Some(Order::Asc))[..4], ["echo.svg", "delta.gif", "kilo.txt", "golf.jpg"]);
    assert_eq!(sorted(Sort::Modified, None)[..3], ["lima.csv", "kilo.txt", "Juliet.docx"], "newest first by default");
    assert_eq!(sorted(Sort::Relevance, None)[..2], ["lima.csv", "kilo.txt"], "relevance without words is newest first");
    // Pages of five walk the whole order once, whatever is added meanwhile.
    for (sort, order) in [(Sort::Name, Order::Desc), (Sort::Size, Order::Asc), (Sort::Modified, Order::Desc)] {
        let whole = sorted(sort, Some(order));
        let mut walked = Vec::new();
        let mut cursor = None;
        for page in 0.. {
            let query = SearchQuery { sort: Some(sort), order: Some(order), limit: Some(5), cursor: cursor.clone(), ..Default::default() };
            let found = c.search(&query, &ReadScope::everything()).unwrap();
            assert_eq!(found.total.is_some(), page == 0, "the total comes with the first page only");
            walked.extend(found.assets.iter().map(|a| a.path.name().to_owned()));
            if page == 0 {
                c.insert_asset(&asset(&format!("/content/dam/s/late-{sort:?}.jpg"), "Late", "image/jpeg", 450, 999, 99)).unwrap();
            }
            match found.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(walked, whole, "{sort:?} {order:?}");
    }
    let relevance_pages = {
        let q = |cursor| SearchQuery { q: Some("s".into()), limit: Some(2), cursor, ..Default::default() };
        let first = c.search(&q(None), &ReadScope::everything()).unwrap();
        let second = c.search(&q(first.next_cursor.clone()), &ReadScope::everything()).unwrap();
        (paths(&first.assets).len(), paths(&second.assets).len(), first.assets.iter().any(|a| second.assets.contains(a)))
    };
    assert_eq!(relevance_pages, (2, 2, false), "relevance pages do not repeat");
    let foreign = SearchQuery { cursor: Some("7b7d".into()), ..Default::default() };
    assert!(matches!(c.search(&foreign, &ReadScope::everything()), Err(RepoError::BadQuery(_))));
}

pub fn a_folder_is_listed_a_page_at_a_time(c: &dyn Catalog) {
    search_fixture(c);
    let in_folder =
        |folder: &str, cursor: Option<String>| SearchQuery { in_folder: Some(p(folder)), sort: Some(Sort::Name), limit: Some(3), cursor, ..Default::default() };
    let mut walked = Vec::new();
    let mut cursor = None;
    loop {
        let found = c.search(&in_folder("/content/dam/s", cursor), &ReadScope::everything()).unwrap();
        if walked.is_empty() {
            assert_eq!(found.total, Some(MatchCount::Exactly(8)), "the folder's own assets, none of docs'");
        }
        walked.extend(found.assets.iter().map(|a| a.path.name().to_owned()));
        match found.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(walked, ["alpha.jpg", "Bravo.png", "charlie.jpg", "delta.gif", "echo.svg", "foxtrot.jpg", "golf.jpg", "hotel.webp"]);
    let docs = c.search(&SearchQuery { in_folder: Some(p("/content/dam/s/docs")), ..Default::default() }, &ReadScope::everything()).unwrap();
    assert_eq!(docs.total, Some(MatchCount::Exactly(4)));
    let words_in_docs = SearchQuery { q: Some("shoes".into()), in_folder: Some(p("/content/dam/s/docs")), ..Default::default() };
    assert_eq!(search(c, words_in_docs), ["india.pdf"], "it combines with the other filters");
    assert!(search(c, SearchQuery { in_folder: Some(p("/content/dam/none")), ..Default::default() }).is_empty(), "no folder, nothing");
    assert!(search(c, SearchQuery { in_folder: Some(DamPath::root()), ..Default::default() }).is_empty(), "the root holds folders only here");
}

pub fn search_filters_and_read_scope(c: &dyn Catalog) {
    search_fixture(c);
    let sorted = |mut q: SearchQuery| {
        q.sort = Some(Sort::Name);
        search(c, q)
    };
    let images = sorted(SearchQuery { kind: Some(AssetKind::Image), ..Default::default() });
    assert_eq!(images, ["alpha.jpg", "Bravo.png", "charlie.jpg", "delta.gif", "foxtrot.jpg", "golf.jpg", "hotel.webp"], "SVG is a document");
    assert_eq!(sorted(SearchQuery { kind: Some(AssetKind::Document), ..Default::default() }).len(), 5);
    assert_eq!(sorted(SearchQuery { mime: Some("text/*".into()), ..Default::default() }), ["kilo.txt", "lima.csv"]);
    assert_eq!(sorted(SearchQuery { mime: Some("IMAGE/PNG".into()), ..Default::default() }), ["Bravo.png"]);
    let several = SearchQuery { mime: Some("image/png, text/*,application/pdf".into()), ..Default::default() };
    assert_eq!(sorted(several.clone()), ["Bravo.png", "india.pdf", "kilo.txt", "lima.csv"], "any of several patterns");
    assert_eq!(c.search(&several, &ReadScope::everything()).unwrap().total, Some(MatchCount::Exactly(4)), "the count is of what matches");
    assert_eq!(sorted(SearchQuery { mime: Some("*/*".into()), ..Default::default() }).len(), 12, "anything at all");
    assert!(
        matches!(c.search(&SearchQuery { mime: Some("image/*' OR 1=1".into()), ..Default::default() }, &ReadScope::everything()), Err(RepoError::BadQuery(_))),
        "what is not a pattern is refused"
    );
    assert_eq!(sorted(SearchQuery { doctype: Some(tessera_model::DocType::Word), ..Default::default() }), ["Juliet.docx"]);
    assert_eq!(sorted(SearchQuery { folder: Some(p("/content/dam/s/docs")), ..Default::default() }).len(), 4);
    assert_eq!(sorted(SearchQuery { orientation: Some(tessera_model::Orientation::Portrait), ..Default::default() }), ["delta.gif"]);
    assert_eq!(sorted(SearchQuery { modified_after: Some(200), modified_before: Some(220), ..Default::default() }), ["Juliet.docx", "kilo.txt"]);
    // Authors may not read the documents folder; the search shows only what they may read.
    let policy = Policy {
        rules: vec![
            PermissionRule { folder: p("/content/dam/s/docs"), group: "authors".into(), access: Access::None },
            PermissionRule { folder: p("/content/dam/s/docs/open"), group: "authors".into(), access: Access::Read },
        ],
        public: vec![p("/content/dam/s/docs")],
    };
    let authors = ReadScope::for_groups(&Policy { public: Vec::new(), ..policy.clone() }, &["authors".into()]);
    let found = c.search(&SearchQuery { sort: Some(Sort::Name), ..Default::default() }, &authors).unwrap();
    assert_eq!(found.assets.len(), 8);
    assert_eq!(found.total, Some(MatchCount::Exactly(8)));
    let anonymous = ReadScope::anonymous(&policy);
    assert_eq!(c.search(&SearchQuery::default(), &anonymous).unwrap().assets.len(), 4, "the public folder only");
    assert_eq!(c.search(&SearchQuery::default(), &ReadScope::nothing()).unwrap().total, Some(MatchCount::Exactly(0)));
}

/// A search with words and filters finds what the filters alone find among the
/// words' matches, however a catalog answers each part: the same assets and count
/// as the filters with a word every fixture asset holds; words are looked for in
/// the assets' text only, never in what a catalog keeps to answer filters; and a
/// new binary's type and shape are what the filters see next.
pub fn filters_with_words_find_what_the_filters_alone_find(c: &dyn Catalog) {
    search_fixture(c);
    let everywhere = |filter: &SearchQuery| SearchQuery { q: Some("content".into()), ..filter.clone() };
    let by_name = |q: SearchQuery| {
        let found = c.search(&SearchQuery { sort: Some(Sort::Name), ..q }, &ReadScope::everything()).expect("search");
        (found.assets.iter().map(|a| a.path.name().to_owned()).collect::<Vec<_>>(), found.total)
    };
    let filters = [
        SearchQuery { kind: Some(AssetKind::Image), ..Default::default() },
        SearchQuery { kind: Some(AssetKind::Document), ..Default::default() },
        SearchQuery { mime: Some("text/*".into()), ..Default::default() },
        SearchQuery { mime: Some("IMAGE/PNG".into()), ..Default::default() },
        SearchQuery { mime: Some("image/png, text/*,application/pdf".into()), ..Default::default() },
        SearchQuery { doctype: Some(tessera_model::DocType::Word), ..Default::default() },
        SearchQuery { doctype: Some(tessera_model::DocType::Text), kind: Some(AssetKind::Document), ..Default::default() },
        SearchQuery { orientation: Some(tessera_model::Orientation::Portrait), ..Default::default() },
        SearchQuery { orientation: Some(tessera_model::Orientation::Landscape), kind: Some(AssetKind::Image), ..Default::default() },
        SearchQuery { kind: Some(AssetKind::Image), modified_after: Some(130), ..Default::default() },
        SearchQuery { mime: Some("image/*".into()), folder: Some(p("/content/dam/s")), ..Default::default() },
    ];
    for filter in &filters {
        let (alone, total) = by_name(filter.clone());
        assert!(!alone.is_empty(), "{filter:?} finds something");
        assert_eq!(by_name(everywhere(filter)), (alone.clone(), total), "{filter:?} with a word");
        let mut by_relevance = search(c, everywhere(filter));
        by_relevance.sort_by_key(|name| name.to_lowercase());
        assert_eq!(by_relevance, alone, "{filter:?} with a word, by relevance");
    }
    let none: [&str; 0] = [];
    for word in ["kimage", "kdoc", "oportrait", "landscape", "jpeg"] {
        assert_eq!(search(c, words(word)), none, "{word:?} is no asset's text");
    }

    let tall = RenditionRecord { width: Some(30), height: Some(60), ..rendition(RenditionName::Original, 40, "image/png", 20) };
    c.add_version(&p("/content/dam/s/charlie.jpg"), &change(version(tall, "", "editor", 300))).unwrap();
    let png = SearchQuery { mime: Some("image/png".into()), ..Default::default() };
    assert_eq!(by_name(everywhere(&png)).0, ["Bravo.png", "charlie.jpg"]);
    let portrait = SearchQuery { orientation: Some(tessera_model::Orientation::Portrait), ..Default::default() };
    assert_eq!(by_name(everywhere(&portrait)).0, ["charlie.jpg", "delta.gif"]);
    let jpeg = SearchQuery { doctype: None, mime: Some("image/jpeg".into()), ..Default::default() };
    assert_eq!(by_name(everywhere(&jpeg)).0, ["alpha.jpg", "foxtrot.jpg", "golf.jpg"]);
}

pub fn pages_version_and_publish(c: &dyn Catalog) {
    let home = PagePath::parse("/content/site").unwrap();
    let about = PagePath::parse("/content/site/about").unwrap();
    assert!(matches!(c.create_page(&about, "About", "ksaner", 1), Err(RepoError::PageMissing(_))), "a page needs its parent");
    c.create_page(&home, "Home", "ksaner", 1).unwrap();
    c.create_page(&about, "About", "ksaner", 2).unwrap();
    assert!(matches!(c.create_page(&about, "About", "ksaner", 2), Err(RepoError::PageExists(_))));
    let content = PageContent { title: "About us".into(), description: "Who we are".into(), components: Vec::new() };
    assert_eq!(c.save_page(&about, 1, &content, "ana", 3).unwrap(), 2);
    match c.save_page(&about, 1, &content, "ksaner", 4) {
        Err(RepoError::VersionConflict { current, modified_by, modified_at }) => assert_eq!((current, modified_by.as_str(), modified_at), (2, "ana", 3)),
        other => panic!("expected a version conflict, got {other:?}"),
    }
    let page = c.page(&about).unwrap().unwrap();
    assert_eq!((page.version, page.title.as_str(), page.description.as_str(), page.modified_by.as_str()), (2, "About us", "Who we are", "ana"));
    assert!(matches!(c.publish_page(&about, 1, "<p>old</p>", &[], 5), Err(RepoError::BadQuery(_))), "only the current version publishes");
    assert!(c.publish_page(&about, 2, "<p>v2</p>", &[(hash(7), "image/jpeg".into()), (hash(8), "image/png".into())], 5).unwrap().is_empty());
    assert_eq!(c.published_html(&about).unwrap().as_deref(), Some("<p>v2</p>"));
    assert_eq!(c.published_blob(&hash(8)).unwrap().as_deref(), Some("image/png"));
    assert_eq!(c.publish_page(&about, 2, "<p>again</p>", &[(hash(7), "image/jpeg".into())], 6).unwrap(), [hash(8)], "a blob no page shows any more is free");
    let publication = c.publication(&about).unwrap().expect("published");
    assert_eq!(publication, crate::Publication { html: "<p>again</p>".into(), published_at: 6, blobs: vec![(hash(7), "image/jpeg".into())] });
    assert_eq!(c.publication(&home).unwrap(), None);
    // A page as another deployment had it: its version, author and publication kept.
    let mut copied = c.page(&about).unwrap().unwrap();
    copied.path = PagePath::parse("/content/site/copy").unwrap();
    c.import_page(&copied, Some(&publication)).unwrap();
    assert_eq!(c.page(&copied.path).unwrap(), Some(copied.clone()));
    assert_eq!(c.publication(&copied.path).unwrap(), Some(publication));
    assert!(matches!(c.import_page(&copied, None), Err(RepoError::PageExists(_))));
    c.delete_page(&copied.path).unwrap();
    assert_eq!(
        c.pages().unwrap().iter().map(|s| (s.path.as_str(), s.published_at)).collect::<Vec<_>>(),
        [("/content/site", None), ("/content/site/about", Some(6))]
    );
    let moved = PagePath::parse("/content/site/team").unwrap();
    c.move_page(&about, &moved).unwrap();
    assert_eq!(c.published_html(&moved).unwrap().as_deref(), Some("<p>again</p>"));
    assert_eq!(c.delete_page(&home).unwrap(), [hash(7)], "deleting a page tree frees what only it showed");
    assert!(c.pages().unwrap().is_empty());
}

pub fn sessions_settings_and_connected_jobs(c: &dyn Catalog) {
    let session = SessionRecord { token_hash: "t1".into(), user: "ksaner".into(), csrf_token: "c1".into(), expires_at: crate::unix_now() + 60 };
    c.create_session(&session).unwrap();
    assert_eq!(c.session("t1", crate::unix_now()).unwrap(), Some(session.clone()));
    assert_eq!(c.session("t1", session.expires_at).unwrap(), None, "expired sessions do not count");
    c.delete_session("t1").unwrap();
    assert_eq!(c.session("t1", 0).unwrap(), None);

    assert_eq!(c.setting("remote_dam_url").unwrap(), None);
    c.set_setting("remote_dam_url", "https://a.example").unwrap();
    c.set_setting("remote_dam_url", "https://b.example").unwrap();
    assert_eq!(c.setting("remote_dam_url").unwrap().as_deref(), Some("https://b.example"));
    c.set_setting("a_first", "1").unwrap();
    assert_eq!(c.settings().unwrap(), [("a_first".into(), "1".into()), ("remote_dam_url".into(), "https://b.example".into())]);
    c.remember_edit("k2", "{\"b\":1}").unwrap();
    c.remember_edit("k1", "{\"a\":1}").unwrap();
    c.remember_edit("k1", "{\"changed\":1}").unwrap();
    assert_eq!(c.edit_states().unwrap(), [("k1".into(), "{\"a\":1}".into()), ("k2".into(), "{\"b\":1}".into())], "an edit key names one state for good");

    let job = |path: &str| NewJob {
        kind: JobKind::Fetch,
        remote_path: p(path),
        local_path: p(path),
        page_path: Some("/content/site".into()),
        bytes_total: Some(100),
        detail: Some("{}".into()),
    };
    let first = c.create_job(&job("/content/dam/a.jpg"), &me()).unwrap();
    let second = c.create_job(&job("/content/dam/b.jpg"), &me()).unwrap();
    c.job_progress(first, 40).unwrap();
    c.end_job(second, Some("gone")).unwrap();
    let all = c.jobs(None, 10).unwrap();
    assert_eq!(all.iter().map(|(j, _)| j.id).collect::<Vec<_>>(), [second, first], "newest first");
    assert_eq!((all[1].0.bytes_done, all[1].0.state, all[1].1.as_deref()), (40, JobState::Active, Some("{}")));
    assert_eq!((all[0].0.state, all[0].0.error.as_deref()), (JobState::Failed, Some("gone")));
    // A job whose runner has not been heard of since the lease's start is taken over,
    // by one caller only.
    let now = crate::unix_now();
    let lease = |lease_start, left_by: Option<ProcessId>| Abandoned { lease_start, left_by };
    assert!(c.take_over_jobs(&lease(now - 60, Some(other())), &other(), now).unwrap().is_empty(), "created just now by a live process");
    let taken = c.take_over_jobs(&lease(now - 60, Some(me())), &me(), now).unwrap();
    assert_eq!(taken.iter().map(|(j, d)| (j.id, d.as_deref())).collect::<Vec<_>>(), [(first, Some("{}"))], "my own after a restart; only active jobs");
    assert!(c.take_over_jobs(&lease(now - 60, None), &other(), now).unwrap().is_empty(), "heard of just now");
    let taken = c.take_over_jobs(&lease(now + 1, None), &other(), now + 1).unwrap();
    assert_eq!(taken.len(), 1, "not heard of for a lease: taken over");
    assert!(c.take_over_jobs(&lease(now, Some(me())), &me(), now + 1).unwrap().is_empty(), "taken once, and no longer mine");
    c.end_job(first, None).unwrap();
    let done = c.jobs(Some(JobState::Success), 10).unwrap();
    assert_eq!((done.len(), done[0].0.bytes_done), (1, 100), "a finished job counts all its bytes");
    assert_eq!(c.jobs(None, 1).unwrap().len(), 1);
}

pub fn metadata_patches_say_who_and_when(c: &dyn Catalog) {
    c.create_folder(&p("/content/dam/m"), "M").unwrap();
    c.insert_asset(&asset("/content/dam/m/a.jpg", "Old", "image/jpeg", 1, 1, 1)).unwrap();
    let patch = MetadataPatch {
        title: Some(Title::parse("  New title ").unwrap()),
        description: None,
        properties: Some(Properties::parse(BTreeMap::from([("credit".into(), "Ana".into())])).unwrap()),
    };
    c.update_metadata(&p("/content/dam/m/a.jpg"), &patch, "viewer", 77).unwrap();
    let a = c.asset(&p("/content/dam/m/a.jpg")).unwrap().unwrap();
    assert_eq!((a.title.as_str(), a.modified_by.as_str(), a.modified_at), ("New title", "viewer", 77));
    assert_eq!(a.properties.get("credit").map(String::as_str), Some("Ana"));
    assert_eq!(search(c, words("new title")), ["a.jpg"], "the new title is searchable at once");
    assert!(search(c, words("old")).is_empty());
    let description = MetadataPatch { description: Some(Description::parse("By the lake").unwrap()), ..Default::default() };
    c.update_metadata(&p("/content/dam/m/a.jpg"), &description, "viewer", 78).unwrap();
    let a = c.asset(&p("/content/dam/m/a.jpg")).unwrap().unwrap();
    assert_eq!((a.title.as_str(), a.description.as_str()), ("New title", "By the lake"), "absent fields stay");
    assert_eq!(a.properties.len(), 1);
    assert!(matches!(c.update_metadata(&p("/content/dam/m/none.jpg"), &patch, "viewer", 78), Err(RepoError::NotFound(_))));
}

pub fn imports_keep_what_they_are_given(c: &dyn Catalog) {
    c.create_folder(&p("/content/dam/i"), "I").unwrap();
    c.create_tag(&TagId::parse("places:lakes").unwrap(), "Lakes").unwrap();
    let mut done = asset("/content/dam/i/done.jpg", "Done", "image/jpeg", 1, 10, 1);
    done.processing = Processing::Done;
    done.tags = vec![TagId::parse("places:lakes").unwrap()];
    let pending = asset("/content/dam/i/pending.jpg", "Pending", "image/jpeg", 1, 11, 2);
    let mut failed = asset("/content/dam/i/failed.jpg", "Failed", "image/jpeg", 1, 12, 3);
    failed.processing = Processing::Failed("cannot decode".into());
    c.import_assets(&[done.clone(), pending.clone(), failed.clone()]).unwrap();
    for a in [&done, &pending, &failed] {
        assert_eq!(c.asset(&a.path).unwrap().as_ref(), Some(a), "{}", a.path);
    }
    assert_eq!(c.unfinished_jobs().unwrap(), 1, "only the pending asset waits for renditions");
    assert_eq!(search(c, words("lakes")), ["done.jpg"], "imported tags are searchable");
    // All or nothing: one bad asset, none of the batch.
    let fine = asset("/content/dam/i/fine.jpg", "Fine", "image/jpeg", 1, 13, 4);
    let mut unknown = asset("/content/dam/i/unknown.jpg", "Unknown", "image/jpeg", 1, 14, 5);
    unknown.tags = vec![TagId::parse("places:hills").unwrap()];
    assert!(matches!(c.import_assets(&[fine.clone(), unknown]), Err(RepoError::UnknownTag(_))));
    assert_eq!(c.asset(&fine.path).unwrap(), None);
    assert!(matches!(c.import_assets(&[done.clone()]), Err(RepoError::AlreadyExists(_))));
    // A timeline imported replaces the one the import began, in the order given.
    use crate::history::{AssetEvent, EventKind, VersionKind};
    let timeline = vec![
        AssetEvent { version: Some(1), ..AssetEvent::new(EventKind::Version(VersionKind::Upload), "ana", 5, "") },
        AssetEvent::new(EventKind::MetadataChanged, "ksaner", 7, "title"),
        AssetEvent::new(EventKind::CheckedOut, "ksaner", 6, ""),
    ];
    c.import_events(&done.path, &timeline).unwrap();
    assert_eq!(c.events(&done.path).unwrap(), timeline);
    assert!(matches!(c.import_events(&p("/content/dam/i/none.jpg"), &timeline), Err(RepoError::NotFound(_))));
}

/// A rendition record of `name` with the blob numbered `blob`.
fn rendition(name: RenditionName, blob: u8, mime: &str, size: u64) -> RenditionRecord {
    RenditionRecord { name, blob: hash(blob), mime: mime.into(), size, width: Some(40), height: Some(30) }
}

fn version(original: RenditionRecord, comment: &str, by: &str, at: i64) -> VersionRecord {
    VersionRecord {
        number: 0,
        original,
        label: String::new(),
        comment: comment.into(),
        created_by: by.into(),
        created_at: at,
        kind: VersionKind::Replaced,
        kept: None,
    }
}

/// `version` as the asset's new binary, its renditions to be made.
fn change(version: VersionRecord) -> BinaryChange {
    BinaryChange { version, renditions: Vec::new(), metadata: None }
}

pub fn versions_keep_every_binary_until_the_asset_goes(c: &dyn Catalog) {
    c.create_folder(&p("/content/dam/v"), "V").unwrap();
    c.insert_asset(&asset("/content/dam/v/a.jpg", "A", "image/jpeg", 10, 5, 1)).unwrap();
    let first = c.versions(&p("/content/dam/v/a.jpg")).unwrap();
    assert_eq!(first.len(), 1, "an upload is version 1");
    assert_eq!((first[0].number, &first[0].original.blob, first[0].created_by.as_str(), first[0].created_at), (1, &hash(1), "ksaner", 5));

    // The first binary's renditions are made, and a job starts on it before it is replaced.
    let job = c.claim_job(1000, &me()).unwrap().expect("the upload's job");
    c.finish_job(&job, &[rendition(RenditionName::Thumbnail140, 2, "image/png", 3)]).unwrap();
    c.insert_asset(&asset("/content/dam/v/b.jpg", "B", "image/jpeg", 10, 6, 1)).unwrap();
    let stale = c.claim_job(1000, &me()).unwrap().expect("b's job");
    assert_eq!(stale.asset, p("/content/dam/v/b.jpg"));

    let (number, unused) =
        c.add_version(&p("/content/dam/v/a.jpg"), &change(version(rendition(RenditionName::Original, 3, "image/png", 20), "Brighter", "editor", 50))).unwrap();
    assert_eq!(number, 2);
    assert_eq!(unused, vec![], "the old original and thumbnail stay with version 1");
    let a = c.asset(&p("/content/dam/v/a.jpg")).unwrap().unwrap();
    assert_eq!((a.mime.as_str(), a.size, a.modified_by.as_str(), a.modified_at), ("image/png", 20, "editor", 50));
    assert_eq!(a.renditions.iter().map(|r| (r.name, r.blob.clone())).collect::<Vec<_>>(), [(RenditionName::Original, hash(3))]);
    assert_eq!(a.processing, Processing::Pending, "the new binary's renditions are to be made");
    let versions = c.versions(&p("/content/dam/v/a.jpg")).unwrap();
    let summary: Vec<_> = versions.iter().map(|v| (v.number, v.original.blob.clone(), v.comment.as_str(), v.created_by.as_str(), v.kind)).collect();
    assert_eq!(summary, [(1, hash(1), "", "ksaner", VersionKind::Upload), (2, hash(3), "Brighter", "editor", VersionKind::Replaced)]);
    let kept = versions[0].kept.as_ref().expect("a replaced version keeps what the asset had");
    assert_eq!(
        (kept.metadata.title.as_str(), kept.renditions.iter().map(|r| (r.name, r.blob.clone())).collect::<Vec<_>>()),
        ("A", vec![(RenditionName::Thumbnail140, hash(2))])
    );
    assert_eq!(versions[1].kept, None, "the newest is the asset itself");

    let (number, unused) =
        c.add_version(&p("/content/dam/v/b.jpg"), &change(version(rendition(RenditionName::Original, 4, "image/jpeg", 9), "", "editor", 60))).unwrap();
    assert_eq!((number, unused), (2, vec![]), "blob 1 is still a version of both");
    assert!(
        matches!(c.finish_job(&stale, &[rendition(RenditionName::Thumbnail48, 5, "image/png", 1)]), Err(RepoError::NotFound(_))),
        "a job on the replaced binary keeps nothing"
    );
    let b = c.asset(&p("/content/dam/v/b.jpg")).unwrap().unwrap();
    assert_eq!(b.renditions.len(), 1);

    assert!(matches!(c.add_version(&p("/content/dam/v/none.jpg"), &change(versions[1].clone())), Err(RepoError::NotFound(_))));
    let mut copy = asset("/content/dam/v/copy.jpg", "Copy", "image/jpeg", 10, 7, 6);
    copy.connected = Some(tessera_model::connected::ConnectedOrigin { dam_url: "http://dam.example".into(), path: p("/content/dam/x.jpg"), fetched_at: 7 });
    c.store_connected(&copy).unwrap();
    assert_eq!(c.versions(&p("/content/dam/v/copy.jpg")).unwrap().len(), 1);
    assert!(
        matches!(c.add_version(&p("/content/dam/v/copy.jpg"), &change(versions[1].clone())), Err(RepoError::ConnectedCopy(_))),
        "a copy changes on its DAM only"
    );

    let mut imported = versions.clone();
    imported[0].comment = "Imported".into();
    c.import_versions(&p("/content/dam/v/a.jpg"), &imported).unwrap();
    assert_eq!(c.versions(&p("/content/dam/v/a.jpg")).unwrap(), imported);

    let mut unused = c.delete_node(&p("/content/dam/v/a.jpg"), "ksaner", false).unwrap();
    unused.sort();
    assert_eq!(unused, vec![hash(2), hash(3)], "blob 1 is still b's version 1; the kept thumbnail goes with a");
    let mut unused = c.delete_node(&p("/content/dam/v"), "ksaner", false).unwrap();
    unused.sort();
    assert_eq!(unused, vec![hash(1), hash(4), hash(6)], "every version's blob goes with the last asset that had it");
}

/// A rendition job that finishes while its asset is deleted: whichever comes first
/// wins, the delete never fails, and nothing of the asset is left behind.
pub fn a_job_finishing_while_its_asset_goes_never_fails_the_delete(c: &dyn Catalog) {
    c.create_folder(&p("/content/dam/race"), "Race").unwrap();
    for round in 0..60u8 {
        let path = format!("/content/dam/race/a{round}.jpg");
        c.insert_asset(&asset(&path, "A", "image/jpeg", 10, 5, 1)).unwrap();
        let job = c.claim_job(1000, &me()).unwrap().expect("the upload's job");
        let thumbnails = [rendition(RenditionName::Thumbnail48, 2, "image/png", 3), rendition(RenditionName::Thumbnail140, 3, "image/png", 4)];
        let start = std::sync::Barrier::new(2);
        let (finished, deleted) = std::thread::scope(|s| {
            let finishing = s.spawn(|| {
                start.wait();
                // Sweeps the finish across the delete's statements, round by round.
                std::thread::sleep(std::time::Duration::from_micros(u64::from(round % 20) * 150));
                c.finish_job(&job, &thumbnails)
            });
            let deleting = s.spawn(|| {
                start.wait();
                c.delete_node(&p(&path), "ksaner", false)
            });
            (finishing.join().expect("no panic"), deleting.join().expect("no panic"))
        });
        assert!(matches!(finished, Ok(()) | Err(RepoError::NotFound(_))), "round {round}: {finished:?}");
        assert!(deleted.is_ok(), "round {round}: {deleted:?}");
        assert_eq!(c.asset(&p(&path)).unwrap(), None);
    }
    assert_eq!(c.unfinished_jobs().unwrap(), 0);
}

/// Check-out, check-in, restore and the events of an asset's timeline.
pub fn check_out_guards_the_binary_and_history_keeps_everything(c: &dyn Catalog) {
    c.create_folder(&p("/content/dam/co"), "CO").unwrap();
    c.insert_asset(&asset("/content/dam/co/a.jpg", "A", "image/jpeg", 10, 5, 1)).unwrap();
    let a = p("/content/dam/co/a.jpg");
    let job = c.claim_job(1000, &me()).unwrap().expect("the upload's job");
    c.finish_job(&job, &[rendition(RenditionName::Thumbnail140, 2, "image/png", 3)]).unwrap();

    // Two check-outs at the same moment: exactly one wins.
    let start = std::sync::Barrier::new(2);
    let (ana, bo) = std::thread::scope(|s| {
        let ana = s.spawn(|| {
            start.wait();
            c.check_out(&a, "ana", 10)
        });
        let bo = s.spawn(|| {
            start.wait();
            c.check_out(&a, "bo", 10)
        });
        (ana.join().expect("no panic"), bo.join().expect("no panic"))
    });
    let (holder, other, refused) = match (ana, bo) {
        (Ok(_), Err(e)) => ("ana", "bo", e),
        (Err(e), Ok(_)) => ("bo", "ana", e),
        both => panic!("exactly one check-out wins: {both:?}"),
    };
    assert!(matches!(&refused, RepoError::Locked { holder: h, .. } if h == holder), "{refused:?}");
    assert_eq!(c.asset(&a).unwrap().unwrap().checked_out.map(|x| x.by), Some(holder.to_owned()));
    assert_eq!(c.check_out(&a, holder, 11).unwrap().at, 10, "checking out again changes nothing");

    // Someone else may not change the binary, move or delete it, or the folder it is in.
    let locked = |r: Result<_, RepoError>| matches!(r, Err(RepoError::Locked { holder: h, .. }) if h == holder);
    assert!(locked(c.move_node(&a, &p("/content/dam/co/b.jpg"), other, false)));
    assert!(locked(c.delete_node(&p("/content/dam/co"), other, true).map(|_| ())));
    let new_binary = |by: &str, kind: VersionKind| {
        let mut v = version(rendition(RenditionName::Original, 3, "image/jpeg", 12), "New", by, 40);
        v.kind = kind;
        change(v)
    };
    assert!(locked(c.add_version(&a, &new_binary(other, VersionKind::Replaced)).map(|_| ())));
    assert!(locked(c.add_version(&a, &new_binary(other, VersionKind::CheckedIn)).map(|_| ())));
    assert!(locked(c.release_check_out(&a, &Release::ByHolder(other.into()), 12)));
    // ... but may edit its metadata.
    let patch = MetadataPatch { title: Some(Title::parse("Retitled").unwrap()), ..Default::default() };
    c.update_metadata(&a, &patch, other, 20).unwrap();

    // An administrator releases the lock; the holder checks out again and checks in.
    c.release_check_out(&a, &Release::ByAdministrator("admin".into()), 21).unwrap();
    assert!(matches!(c.release_check_out(&a, &Release::ByAdministrator("admin".into()), 22), Err(RepoError::NotCheckedOut(_))));
    c.check_out(&a, holder, 30).unwrap();
    let (number, unused) = c.add_version(&a, &new_binary(holder, VersionKind::CheckedIn)).unwrap();
    assert_eq!((number, unused), (2, vec![]), "version 1 keeps its original and thumbnail");
    let checked_in = c.asset(&a).unwrap().unwrap();
    assert_eq!((checked_in.checked_out, checked_in.size), (None, 12), "a check-in releases the lock");
    assert!(matches!(c.add_version(&a, &new_binary(holder, VersionKind::CheckedIn)), Err(RepoError::NotCheckedOut(_))));
    c.update_metadata(&a, &MetadataPatch { title: Some(Title::parse("Later").unwrap()), ..Default::default() }, holder, 50).unwrap();

    // Restoring version 1 brings back its binary, renditions and metadata, as version 3.
    let versions = c.versions(&a).unwrap();
    let first = versions[0].clone();
    let kept = first.kept.clone().expect("version 1 kept what the asset had");
    assert_eq!((kept.metadata.title.as_str(), kept.renditions.len()), ("Retitled", 1));
    let restore = BinaryChange {
        version: VersionRecord { kind: VersionKind::Restored { from: 1 }, created_by: holder.into(), created_at: 60, kept: None, ..first.clone() },
        renditions: kept.renditions.clone(),
        metadata: Some(kept.metadata.clone()),
    };
    assert_eq!(c.add_version(&a, &restore).unwrap(), (3, vec![]));
    let restored = c.asset(&a).unwrap().unwrap();
    assert_eq!(restored.title, "Retitled");
    assert_eq!(restored.renditions.iter().map(|r| r.blob.clone()).collect::<Vec<_>>(), [hash(1), hash(2)]);
    assert_eq!(restored.processing, Processing::Done, "the kept renditions came back; no job");
    assert_eq!(c.unfinished_jobs().unwrap(), 0);
    let versions = c.versions(&a).unwrap();
    assert_eq!(versions.iter().map(|v| v.kind).collect::<Vec<_>>(), [VersionKind::Upload, VersionKind::CheckedIn, VersionKind::Restored { from: 1 }]);
    assert_eq!(versions[1].kept.as_ref().map(|k| k.metadata.title.as_str()), Some("Later"), "nothing is lost by a restore");

    // The holder may move it; every step is in the timeline.
    c.check_out(&a, holder, 70).unwrap();
    let held_by = |user: &str| SearchQuery { checked_out_by: Some(user.to_owned()), ..Default::default() };
    assert_eq!(search(c, held_by(holder)), ["a.jpg"], "\"Checked out by\" finds it");
    assert!(search(c, held_by(other)).is_empty());
    c.move_node(&a, &p("/content/dam/co/b.jpg"), holder, false).unwrap();
    let events: Vec<_> = c.events(&p("/content/dam/co/b.jpg")).unwrap().into_iter().map(|e| (e.kind, e.version, e.by, e.detail)).collect();
    let (h, o, none) = (holder.to_owned(), other.to_owned(), String::new());
    assert_eq!(
        events,
        [
            (EventKind::Version(VersionKind::Upload), Some(1), "ksaner".to_owned(), none.clone()),
            (EventKind::CheckedOut, None, h.clone(), none.clone()),
            (EventKind::MetadataChanged, None, o.clone(), "title".to_owned()),
            (EventKind::LockReleased, None, "admin".to_owned(), h.clone()),
            (EventKind::CheckedOut, None, h.clone(), none.clone()),
            (EventKind::Version(VersionKind::CheckedIn), Some(2), h.clone(), none.clone()),
            (EventKind::MetadataChanged, None, h.clone(), "title".to_owned()),
            (EventKind::Version(VersionKind::Restored { from: 1 }), Some(3), h.clone(), none.clone()),
            (EventKind::CheckedOut, None, h.clone(), none),
            (EventKind::Moved, None, h, "/content/dam/co/a.jpg".to_owned()),
        ]
    );
}

pub fn collections_and_share_links_keep_what_they_are_given(c: &dyn Catalog) {
    use crate::collections::CollectionAccess;
    use crate::shares::NewShareLink;
    c.create_folder(&p("/content/dam/c"), "C").unwrap();
    c.insert_asset(&asset("/content/dam/c/a.jpg", "A", "image/jpeg", 10, 5, 1)).unwrap();
    c.insert_asset(&asset("/content/dam/c/b.pdf", "B", "application/pdf", 10, 5, 2)).unwrap();
    let (a, b) = (p("/content/dam/c/a.jpg"), p("/content/dam/c/b.pdf"));

    let spring = c.create_collection("Spring", "ana", None, 10).unwrap();
    assert_eq!(
        (spring.title.as_str(), spring.owner.as_str(), spring.query.clone(), spring.shares.clone(), spring.created_at),
        ("Spring", "ana", None, vec![], 10)
    );
    c.add_to_collection(spring.id, &[b.clone(), a.clone(), b.clone()], 11).unwrap();
    assert!(matches!(c.add_to_collection(spring.id, &[a.clone(), p("/content/dam/c/none.jpg")], 12), Err(RepoError::NotFound(_))));
    assert_eq!(paths(&c.collection_assets(spring.id).unwrap()), ["/content/dam/c/b.pdf", "/content/dam/c/a.jpg"], "in the order added, once each");
    c.remove_from_collection(spring.id, std::slice::from_ref(&b), 13).unwrap();
    assert_eq!(paths(&c.collection_assets(spring.id).unwrap()), ["/content/dam/c/a.jpg"]);
    assert_eq!(c.collection(spring.id).unwrap().unwrap().modified_at, 13);

    c.share_collection(spring.id, "dam-users", Some(CollectionAccess::Edit)).unwrap();
    c.share_collection(spring.id, "authors", Some(CollectionAccess::Read)).unwrap();
    c.share_collection(spring.id, "authors", Some(CollectionAccess::Edit)).unwrap();
    c.share_collection(spring.id, "dam-users", None).unwrap();
    assert_eq!(c.collection(spring.id).unwrap().unwrap().shares, [("authors".to_owned(), CollectionAccess::Edit)]);

    let search = SearchQuery { q: Some("lake".into()), kind: Some(AssetKind::Image), ..Default::default() };
    let saved = c.create_collection("Lakes", "bo", Some(&search), 14).unwrap();
    assert_eq!(saved.query, Some(search));
    c.rename_collection(spring.id, "Autumn", 15).unwrap();
    let titles: Vec<String> = c.collections().unwrap().into_iter().map(|x| x.title).collect();
    assert_eq!(titles, ["Autumn", "Lakes"]);

    // Share links name assets that exist, and lose those deleted.
    let link = |hash: &str, at: i64, assets: Vec<DamPath>| NewShareLink {
        token_hash: hash.into(),
        created_by: "ana".into(),
        created_at: at,
        expires_at: at + 100,
        assets,
    };
    let first = c.create_share_link(&link("h1", 20, vec![b.clone(), a.clone()])).unwrap();
    let second = c.create_share_link(&link("h2", 21, vec![a.clone()])).unwrap();
    assert!(matches!(c.create_share_link(&link("h3", 22, vec![p("/content/dam/c/none.jpg")])), Err(RepoError::NotFound(_))));
    let found = c.share_link_by_token("h1").unwrap().expect("stored by its hash");
    assert_eq!((found.id, found.assets.clone(), found.expires_at, found.revoked_at), (first, vec![b.clone(), a.clone()], 120, None));
    assert_eq!(c.share_link_by_token("h3").unwrap(), None, "a refused link leaves nothing");
    assert_eq!(c.share_links_of("ana").unwrap().iter().map(|l| l.id).collect::<Vec<_>>(), [second, first], "newest first");
    c.revoke_share_link(first, 30).unwrap();
    c.revoke_share_link(first, 31).unwrap();
    assert_eq!(c.share_link(first).unwrap().unwrap().revoked_at, Some(30), "revoked once, when first revoked");
    assert!(matches!(c.revoke_share_link(999_999, 30), Err(RepoError::NoSuchShareLink)));

    c.delete_node(&a, "ksaner", false).unwrap();
    assert!(c.collection_assets(spring.id).unwrap().is_empty(), "a deleted asset leaves its collections");
    assert_eq!(c.share_link(first).unwrap().unwrap().assets, [b], "and its links");
    c.delete_collection(spring.id).unwrap();
    assert_eq!(c.collection(spring.id).unwrap(), None);
    assert!(matches!(c.collection_assets(spring.id), Err(RepoError::NoSuchCollection(_))));
    assert!(matches!(c.delete_collection(spring.id), Err(RepoError::NoSuchCollection(_))));
}

/// Live copies (MSM) are tied to both ends by identity: moves keep the tie, deleting
/// the live copy removes it, deleting the source leaves it standing with its source
/// missing; only assets follow assets and folders folders.
pub fn live_relationships_follow_both_ends(c: &dyn Catalog) {
    use tessera_model::msm::{InheritedField, LiveRelationship, RolloutStamp};
    for folder in ["/content/dam/src", "/content/dam/en", "/content/dam/fr", "/content/dam/moved"] {
        c.create_folder(&p(folder), "F").unwrap();
    }
    c.insert_asset(&asset("/content/dam/src/a.png", "A", "image/png", 10, 5, 1)).unwrap();
    c.insert_asset(&asset("/content/dam/en/a.png", "A", "image/png", 10, 5, 1)).unwrap();
    c.insert_asset(&asset("/content/dam/fr/a.png", "A", "image/png", 10, 5, 1)).unwrap();
    let (source, en, fr) = (p("/content/dam/src/a.png"), p("/content/dam/en/a.png"), p("/content/dam/fr/a.png"));

    assert_eq!(c.live_relationship(&en).unwrap(), None);
    let mut tie = LiveRelationship::new(source.clone());
    tie.cancelled.insert(InheritedField::Title);
    tie.cancelled.insert(InheritedField::Property("sku".into()));
    tie.last_rollout = Some(RolloutStamp { at: 42, by: "ana".into() });
    c.set_live_relationship(&en, &tie).unwrap();
    c.set_live_relationship(&fr, &LiveRelationship::new(source.clone())).unwrap();
    let stored = c.live_relationship(&en).unwrap().unwrap();
    assert_eq!((&stored.relationship, stored.source_missing), (&tie, false), "kept as given");
    let copies: Vec<DamPath> = c.live_copies_of(&source).unwrap().into_iter().map(|(path, _)| path).collect();
    assert_eq!(copies, [en.clone(), fr.clone()], "by path");
    assert!(c.asset(&en).unwrap().unwrap().live_copy && !c.asset(&source).unwrap().unwrap().live_copy, "records say which is a live copy");
    let listed = c.children(&p("/content/dam/en")).unwrap().1;
    assert!(listed.iter().all(|a| a.live_copy), "listings too");

    // Set again: replaced, not doubled.
    tie.suspended = true;
    c.set_live_relationship(&en, &tie).unwrap();
    assert!(c.live_relationship(&en).unwrap().unwrap().relationship.suspended);
    assert_eq!(c.live_copies_of(&source).unwrap().len(), 2);

    // A live copy of a live copy is its own source's copy, not the first source's.
    c.create_folder(&p("/content/dam/fr-ca"), "F").unwrap();
    c.insert_asset(&asset("/content/dam/fr-ca/a.png", "A", "image/png", 10, 5, 1)).unwrap();
    c.set_live_relationship(&p("/content/dam/fr-ca/a.png"), &LiveRelationship::new(fr.clone())).unwrap();
    assert_eq!(c.live_copies_of(&source).unwrap().len(), 2, "only direct live copies");
    assert_eq!(c.live_copies_of(&fr).unwrap().len(), 1);

    // Kinds and ends.
    let folder_of_asset = c.set_live_relationship(&p("/content/dam/moved"), &LiveRelationship::new(source.clone()));
    assert!(matches!(folder_of_asset, Err(RepoError::BadQuery(_))), "{folder_of_asset:?}");
    assert!(matches!(c.set_live_relationship(&source, &LiveRelationship::new(source.clone())), Err(RepoError::BadQuery(_))));
    assert!(matches!(c.set_live_relationship(&p("/content/dam/none.png"), &LiveRelationship::new(source.clone())), Err(RepoError::NotFound(_))));
    assert!(matches!(c.set_live_relationship(&en, &LiveRelationship::new(p("/content/dam/none.png"))), Err(RepoError::NotFound(_))));
    c.set_live_relationship(&p("/content/dam/en"), &LiveRelationship::new(p("/content/dam/src"))).unwrap();
    assert_eq!(c.live_copies_of(&p("/content/dam/src")).unwrap().len(), 1, "folders follow folders");

    // Moving the source or a live copy keeps the tie, under the new paths.
    c.move_node(&source, &p("/content/dam/moved/a.png"), "ana", false).unwrap();
    c.move_node(&en, &p("/content/dam/en/b.png"), "ana", false).unwrap();
    let moved = c.live_relationship(&p("/content/dam/en/b.png")).unwrap().unwrap();
    assert_eq!(moved.relationship.source, p("/content/dam/moved/a.png"));
    let copies: Vec<DamPath> = c.live_copies_of(&p("/content/dam/moved/a.png")).unwrap().into_iter().map(|(path, _)| path).collect();
    assert_eq!(copies, [p("/content/dam/en/b.png"), fr.clone()]);

    // Deleting a live copy removes its tie; deleting the source leaves the others standing.
    c.delete_node(&fr, "ana", false).unwrap();
    assert_eq!(c.live_copies_of(&p("/content/dam/moved/a.png")).unwrap().len(), 1);
    let orphan = c.live_relationship(&p("/content/dam/fr-ca/a.png")).unwrap().unwrap();
    assert!(orphan.source_missing, "its source, itself a live copy, is gone");
    assert_eq!(orphan.relationship.source, fr, "the last path it had");
    // A copy between deployments brings such a tie as it is.
    c.insert_asset(&asset("/content/dam/fr-ca/b.png", "B", "image/png", 10, 5, 1)).unwrap();
    c.import_live_relationship(&p("/content/dam/fr-ca/b.png"), &orphan).unwrap();
    assert_eq!(c.live_relationship(&p("/content/dam/fr-ca/b.png")).unwrap(), Some(orphan.clone()));
    assert!(c.remove_live_relationship(&p("/content/dam/fr-ca/a.png")).unwrap(), "Detach");
    assert!(!c.remove_live_relationship(&p("/content/dam/fr-ca/a.png")).unwrap());
    assert_eq!(c.live_relationship(&p("/content/dam/fr-ca/a.png")).unwrap(), None);
}

pub fn live_copies_are_made_whole_and_once(c: &dyn Catalog) {
    use crate::live_copies::{NewLiveCopy, NewNode};
    use tessera_model::msm::LiveRelationship;
    c.create_folder(&p("/content/dam/src"), "Source").unwrap();
    c.create_folder(&p("/content/dam/src/sub"), "Sub").unwrap();
    c.insert_asset(&asset("/content/dam/src/a.png", "A", "image/png", 10, 5, 1)).unwrap();
    c.insert_asset(&asset("/content/dam/src/sub/b.png", "B", "image/png", 10, 5, 1)).unwrap();
    let tie = |source: &str| LiveRelationship::new(p(source));
    let folder = |path: &str, title: &str| NewNode::Folder(crate::FolderRecord { path: p(path), title: title.into() });
    let copy_of = |from: &str, to: &str| NewNode::Asset(Box::new(AssetRecord { path: p(to), ..c.asset(&p(from)).unwrap().unwrap() }));
    let copies = vec![
        NewLiveCopy { node: folder("/content/dam/en", "English"), relationship: tie("/content/dam/src") },
        NewLiveCopy { node: copy_of("/content/dam/src/a.png", "/content/dam/en/a.png"), relationship: tie("/content/dam/src/a.png") },
        NewLiveCopy { node: folder("/content/dam/en/sub", "Sub"), relationship: tie("/content/dam/src/sub") },
        NewLiveCopy { node: copy_of("/content/dam/src/sub/b.png", "/content/dam/en/sub/b.png"), relationship: tie("/content/dam/src/sub/b.png") },
    ];
    assert_eq!(c.create_live_copies(&copies).unwrap(), 4);
    assert_eq!(c.folder(&p("/content/dam/en")).unwrap().unwrap().title, "English");
    assert_eq!(c.asset(&p("/content/dam/en/sub/b.png")).unwrap().unwrap().title, "B");
    let ties: Vec<(DamPath, DamPath)> =
        c.live_copies_in(&p("/content/dam/en")).unwrap().into_iter().map(|(path, stored)| (path, stored.relationship.source)).collect();
    assert_eq!(
        ties,
        [(p("/content/dam/en/a.png"), p("/content/dam/src/a.png")), (p("/content/dam/en/sub"), p("/content/dam/src/sub"))],
        "what is directly in it"
    );

    // Again, as a walk cut short does: what stands is left, nothing doubles.
    assert_eq!(c.create_live_copies(&copies).unwrap(), 0);
    assert_eq!(c.children(&p("/content/dam/en")).unwrap().1.len(), 1);

    // A batch with one bad tie is made not at all.
    let bad = vec![
        NewLiveCopy { node: copy_of("/content/dam/src/a.png", "/content/dam/en/c.png"), relationship: tie("/content/dam/src/a.png") },
        NewLiveCopy { node: copy_of("/content/dam/src/a.png", "/content/dam/en/d.png"), relationship: tie("/content/dam/src/sub") },
    ];
    assert!(matches!(c.create_live_copies(&bad), Err(RepoError::BadQuery(_))), "an asset cannot follow a folder");
    assert!(c.asset(&p("/content/dam/en/c.png")).unwrap().is_none(), "nothing half made");

    // Detach of a folder's contents: every tie below it goes, its own stays.
    c.create_folder(&p("/content/dam/en_x"), "A sibling").unwrap();
    c.set_live_relationship(&p("/content/dam/en_x"), &tie("/content/dam/src/sub")).unwrap();
    assert_eq!(c.remove_live_relationships_below(&p("/content/dam/en")).unwrap(), 3);
    assert!(c.live_copies_in(&p("/content/dam/en")).unwrap().is_empty());
    assert!(c.live_relationship(&p("/content/dam/en")).unwrap().is_some(), "the folder's own tie is not below it");
    assert!(c.live_relationship(&p("/content/dam/en_x")).unwrap().is_some(), "a sibling is not below it");
}

/// A search's count stops at `COUNT_LIMIT` and says more match; a folder's own count
/// (a job's total) is exact. A page of many assets comes with each one's own tags and
/// renditions, however they are read.
pub fn a_search_counts_to_its_limit_and_a_folder_exactly(c: &dyn Catalog) {
    use tessera_model::COUNT_LIMIT;
    c.create_folder(&p("/content/dam/many"), "Many").unwrap();
    c.create_folder(&p("/content/dam/many/inner"), "Inner").unwrap();
    c.create_tag(&TagId::parse("kinds:odd").unwrap(), "Odd").unwrap();
    let over = COUNT_LIMIT as usize + 5;
    let assets: Vec<AssetRecord> = (0..over)
        .map(|i| {
            let folder = if i % 2 == 0 { "/content/dam/many" } else { "/content/dam/many/inner" };
            let mut a = asset(&format!("{folder}/n{i:05}.jpg"), &format!("Number {i}"), "image/jpeg", i as u64, 100 + i as i64, (i % 250) as u8);
            a.processing = Processing::Done;
            if i % 2 == 1 {
                a.tags = vec![TagId::parse("kinds:odd").unwrap()];
                a.renditions.push(rendition(RenditionName::Thumbnail140, (i % 250) as u8, "image/png", 10));
            }
            a
        })
        .collect();
    c.import_assets(&assets).unwrap();
    let all =
        c.search(&SearchQuery { q: Some("number".into()), sort: Some(Sort::Name), limit: Some(100), ..Default::default() }, &ReadScope::everything()).unwrap();
    // A catalog may estimate instead of counting past the limit (PostgreSQL, once its
    // statistics know the table): then it says about as many as there are.
    assert!(
        matches!(all.total, Some(MatchCount::MoreThan(COUNT_LIMIT)) | Some(MatchCount::About(COUNT_LIMIT..))),
        "more than the limit: counted to it, or estimated past it: {:?}",
        all.total
    );
    let odd = c.search(&SearchQuery { tag: Some(TagId::parse("kinds:odd").unwrap()), ..Default::default() }, &ReadScope::everything()).unwrap();
    assert_eq!(odd.total, Some(MatchCount::Exactly(over as u64 / 2)), "under the limit: exact");
    for found in all.assets.iter().chain(&odd.assets) {
        let stored = c.asset(&found.path).unwrap().unwrap();
        assert_eq!(found, &stored, "a page's asset is the asset, tags and renditions included");
    }
    assert_eq!(c.count_assets_below(&p("/content/dam/many")).unwrap(), over as u64);
    assert_eq!(c.count_assets_below(&p("/content/dam/many/inner")).unwrap(), over as u64 / 2);
    assert_eq!(c.count_assets_below(&DamPath::root()).unwrap(), over as u64);
    assert_eq!(c.count_assets_below(&p("/content/dam/none")).unwrap(), 0);
}
