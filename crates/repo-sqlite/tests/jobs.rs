//! The rendition queue survives a stop: jobs queued or running when the process died
//! all complete once the repository is opened again and workers start.

use std::sync::Arc;
use std::time::Duration;
use tessera_model::DamPath;

use tessera_repo::{Blobs, Catalog, JobSettings, ProcessId, Processing, Repo, Upload, UploadLimits};
use tessera_repo_sqlite::SqliteCatalog;

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
    out
}

/// The repository in `dir` as a deployment opens it: the catalog file, blobs beside it.
fn open(dir: &std::path::Path) -> Repo {
    let catalog = SqliteCatalog::open(&dir.join("tessera.sqlite3")).unwrap();
    Repo::new(Arc::new(catalog), Blobs::OWN, dir, UploadLimits::default()).unwrap()
}

fn path(p: &str) -> DamPath {
    DamPath::parse(p).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_interrupted_by_a_stop_complete_after_a_restart() {
    let dir = tempfile::TempDir::new().unwrap();
    let names: Vec<String> = (0..4).map(|i| format!("/content/dam/batch/img-{i}.jpg")).collect();
    {
        let repo = open(dir.path());
        repo.create_folder(&path("/content/dam/batch"), None).await.unwrap();
        for name in &names {
            let upload = Upload { path: path(name), title: None, declared_mime: "image/jpeg".into(), user: "ksaner".into() };
            repo.upload(upload, &jpeg(400, 300)[..]).await.unwrap();
        }
        assert_eq!(repo.unfinished_jobs().await.unwrap(), 4);
    }
    // A worker had claimed a job when the process was killed: it is left `running`.
    let catalog = SqliteCatalog::open(&dir.path().join("tessera.sqlite3")).unwrap();
    let claimed = catalog.claim_job(tessera_repo::unix_now(), &ProcessId::of_data_dir(dir.path()).unwrap()).unwrap().expect("a queued job");
    drop(catalog);

    let repo = open(dir.path());
    repo.start_workers(JobSettings { workers: 2, max_attempts: 3, retry_delay_secs: 0, lease_secs: 600 }).unwrap();
    for _ in 0..1500 {
        if repo.unfinished_jobs().await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for name in &names {
        let asset = repo.asset(&path(name)).await.unwrap();
        assert_eq!(asset.processing, Processing::Done, "{name}");
        let renditions: Vec<&str> = asset.renditions.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(renditions, ["original", "thumbnail-140", "thumbnail-319", "thumbnail-48", "web-1280"], "{name}");
    }
    assert!(names.contains(&claimed.asset.to_string()));
}
