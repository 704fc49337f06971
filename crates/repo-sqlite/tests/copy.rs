//! Copying a whole repository into another: everything arrives, verified, and a copy
//! that stopped part way is finished by running it again.

use std::sync::Arc;

use tessera_model::{Access, DamPath, PageContent, PagePath, TagId};
use tessera_repo::{Blobs, Repo, Upload, UploadLimits};
use tessera_repo_sqlite::SqliteCatalog;

fn open(dir: &std::path::Path) -> Repo {
    let catalog = SqliteCatalog::open(&dir.join("tessera.sqlite3")).unwrap();
    Repo::new(Arc::new(catalog), Blobs::OWN, dir, UploadLimits::default()).unwrap()
}

fn path(p: &str) -> DamPath {
    DamPath::parse(p).unwrap()
}

fn png(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([seed, (x * 8) as u8, (y * 8) as u8]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

async fn upload(repo: &Repo, p: &str, bytes: Vec<u8>) {
    let upload = Upload { path: path(p), title: None, declared_mime: "image/png".into(), user: "ksaner".into() };
    repo.upload(upload, &bytes[..]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_holds_everything_and_finishes_when_run_again() {
    let (from_dir, to_dir) = (tempfile::TempDir::new().unwrap(), tempfile::TempDir::new().unwrap());
    let source = open(from_dir.path());
    source.create_folder(&path("/content/dam/photos"), Some("Photos".into())).await.unwrap();
    source.create_folder(&path("/content/dam/photos/2026"), None).await.unwrap();
    source.create_tag(&TagId::parse("places:lakes").unwrap(), Some("Lakes".into())).await.unwrap();
    upload(&source, "/content/dam/photos/a.png", png(1)).await;
    upload(&source, "/content/dam/photos/2026/b.png", png(2)).await;
    upload(&source, "/content/dam/photos/2026/same-as-b.png", png(2)).await;
    source.set_asset_tags(&path("/content/dam/photos/a.png"), vec![TagId::parse("places:lakes").unwrap()], "ksaner").await.unwrap();
    source.set_permission(&path("/content/dam/photos/2026"), "dam-users", Some(Access::None)).await.unwrap();
    let site = PagePath::parse("/content/site").unwrap();
    source.create_page(&site, "Home", "ksaner").await.unwrap();
    source.save_page(&site, 1, PageContent { title: "Home".into(), description: "Welcome".into(), components: Vec::new() }, "ana").await.unwrap();
    let a = source.asset(&path("/content/dam/photos/a.png")).await.unwrap();
    let shown = a.renditions[0].blob.clone();
    source.publish_page(&site, 2, "<h1>Home</h1>".into(), vec![(shown.clone(), "image/png".into())]).await.unwrap();
    source.add_reference(&path("/content/dam/photos/a.png"), "https://sites.example", "/content/other").await.unwrap();
    source.set_setting("remote_dam_url", "https://dam.example").await.unwrap();
    // Live copies: one following its source with a local title, one whose source is gone.
    source
        .create_live_copy(
            &path("/content/dam/photos/a.png"),
            &path("/content/dam/photos/a-live.png"),
            Some(tessera_model::Title::parse("Mine").unwrap()),
            "ksaner",
        )
        .await
        .unwrap();
    source.create_live_copy(&path("/content/dam/photos/a.png"), &path("/content/dam/photos/gone.png"), None, "ksaner").await.unwrap();
    source.create_live_copy(&path("/content/dam/photos/gone.png"), &path("/content/dam/photos/orphan.png"), None, "ksaner").await.unwrap();
    source.set_suspension(&path("/content/dam/photos/a-live.png"), tessera_repo::live_copies::Suspension::Suspend).await.unwrap();
    source.delete_node(&path("/content/dam/photos/gone.png"), "ksaner", false).await.unwrap();
    // A timeline with more than the upload in it: a check-out.
    source.check_out(&path("/content/dam/photos/2026/b.png"), "ksaner").await.unwrap();

    // A blob the source's catalog names but its store lost: the copy stops there, and
    // the target says it is unfinished. (Blobs are copied in hash order; the later of
    // the two goes missing, so the first run copies the other.)
    let b = source.asset(&path("/content/dam/photos/2026/b.png")).await.unwrap();
    let lost = std::cmp::max(b.renditions[0].blob.clone(), shown.clone());
    let kept = tempfile::NamedTempFile::new().unwrap();
    {
        use tokio::io::AsyncReadExt;
        let mut bytes = Vec::new();
        source.open_blob(&lost, None).await.unwrap().read_to_end(&mut bytes).await.unwrap();
        std::fs::write(kept.path(), &bytes).unwrap();
    }
    source.blobs().delete(&lost).await.unwrap();
    let target = open(to_dir.path());
    assert!(matches!(source.copy_into(&target, |_| {}).await, Err(tessera_repo::RepoError::BlobMissing(h)) if h == lost));
    drop(target);
    assert!(open(to_dir.path()).copy_unfinished().unwrap(), "the target knows the copy has not finished");

    // The blob is back: running the copy again finishes it, copying only what is missing.
    let staged = source.blobs().spool().receive(&std::fs::read(kept.path()).unwrap()[..], u64::MAX, 0).await.unwrap();
    source.blobs().commit(staged).await.unwrap();
    let target = open(to_dir.path());
    let mut reports = 0;
    let done = source.copy_into(&target, |_| reports += 1).await.unwrap();
    assert!(reports > 3, "progress is reported as the copy goes");
    assert!(!target.copy_unfinished().unwrap());
    assert_eq!(done.blobs_total, done.blobs_done);
    assert!(done.blobs_already_there > 0, "blobs copied by the first run are not copied again");
    assert_eq!((done.assets, done.pages, done.references, done.permissions), (5, 1, 1, 1));

    for p in ["/content/dam/photos/a.png", "/content/dam/photos/2026/b.png", "/content/dam/photos/2026/same-as-b.png"] {
        let (was, is) = (source.asset(&path(p)).await.unwrap(), target.asset(&path(p)).await.unwrap());
        assert_eq!(was, is, "{p} arrives as it was");
        let (was, is) = (source.timeline(&path(p)).await.unwrap(), target.timeline(&path(p)).await.unwrap());
        assert_eq!(was, is, "{p}'s versions and events arrive as they were");
    }
    let (_, events) = target.timeline(&path("/content/dam/photos/2026/b.png")).await.unwrap();
    assert_eq!(events.last().map(|e| e.kind), Some(tessera_repo::history::EventKind::CheckedOut), "the check-out is in the copied timeline");
    for live in ["/content/dam/photos/a-live.png", "/content/dam/photos/orphan.png"] {
        let (was, is) = (source.live_relationship(&path(live)).await.unwrap(), target.live_relationship(&path(live)).await.unwrap());
        assert_eq!(was, is, "{live}'s tie to its source arrives as it was");
    }
    assert!(target.live_relationship(&path("/content/dam/photos/orphan.png")).await.unwrap().source_missing);
    assert_eq!(target.folder(&path("/content/dam/photos")).await.unwrap().title, "Photos");
    assert_eq!(target.tags().await.unwrap(), source.tags().await.unwrap());
    assert_eq!(target.permission_rules(), source.permission_rules());
    assert_eq!(target.page(&site).await.unwrap(), source.page(&site).await.unwrap());
    assert_eq!(target.published_html(&site).await.unwrap().as_deref(), Some("<h1>Home</h1>"));
    assert_eq!(target.published_blob(&shown).await.unwrap().as_deref(), Some("image/png"));
    assert_eq!(target.references(&path("/content/dam/photos")).await.unwrap().len(), 1);
    assert_eq!(target.setting("remote_dam_url").await.unwrap().as_deref(), Some("https://dam.example"));
    assert_eq!(target.blobs().count().await.unwrap(), source.blobs().count().await.unwrap());
    let lakes = || tessera_model::SearchQuery { q: Some("lakes".into()), ..Default::default() };
    let found = target.search(lakes(), tessera_repo::ReadScope::everything()).await.unwrap();
    let there = source.search(lakes(), tessera_repo::ReadScope::everything()).await.unwrap();
    assert_eq!(found.assets.len(), 3, "a.png and its two live copies, which share its tags");
    assert_eq!(found.assets.len(), there.assets.len(), "the copy's search finds what the source's did");
}
