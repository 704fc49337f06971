//! Blobs under faults: assets deleted under published pages, bytes missing from
//! the store, processes killed mid-upload and mid-render, images at the pixel limit.

use std::io::Write;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;
use crate::process::{assets_config, staging_files, Server};
use crate::scope::{send, version};

#[tokio::test]
async fn a_published_page_keeps_its_blobs_when_its_asset_is_force_deleted() {
    let app = TestApp::sites();
    let author = app.login("ksaner").await;
    app.create_folder("/content/dam/photos", &author).await;
    app.upload("/content/dam/photos/lake.jpg", "image/jpeg", jpeg(1600, 900), &author).await;
    app.upload("/content/dam/photos/terms.pdf", "application/pdf", b"%PDF-1.4 terms".to_vec(), &author).await;
    let asset = app.processed("/content/dam/photos/lake.jpg", &author).await;
    let asset_ref = |path: &str, mime: &str| json!({ "repository": null, "path": path, "title": "x", "mime": mime, "size": 1, "width": null, "height": null, "renditions": [] });
    send(&app, Method::POST, "/api/pages/content/site", &author, None, json!({ "title": "Site" })).await;
    let page = json!({ "title": "Lakes", "components": [
        { "id": "i", "type": "image", "asset": asset_ref("/content/dam/photos/lake.jpg", "image/jpeg"), "alt": { "mode": "dam" } },
        { "id": "d", "type": "download", "asset": asset_ref("/content/dam/photos/terms.pdf", "application/pdf"), "disposition": "attachment" },
    ] });
    assert_eq!(send(&app, Method::PUT, "/api/pages/content/site", &author, Some("\"v1\""), page).await.status, StatusCode::OK);
    assert_eq!(send(&app, Method::POST, "/api/publish/content/site", &author, None, json!({})).await.status, StatusCode::OK);
    let html = String::from_utf8(app.get("/content/site.html", None).await.body.to_vec()).unwrap();
    // Every URL of the page's blobs: renditions by hash, and images rendered from
    // the original at the widths the renditions leave out.
    let published: Vec<String> = html.split("/published/").skip(1).map(|s| format!("/published/{}", s.split(['"', ' ']).next().unwrap())).collect();
    assert!(published.iter().any(|u| u.starts_with("/published/image/")), "{html}");
    assert!(published.len() >= 3, "{html}");

    for path in ["/content/dam/photos/lake.jpg", "/content/dam/photos/terms.pdf"] {
        let deleted = app.send(authed(Method::DELETE, &format!("/api/assets{path}?force=true"), &author).body(Body::empty()).unwrap()).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    }
    for url in &published {
        assert_eq!(app.get(url, None).await.status, StatusCode::OK, "{url} is still shown by the published page");
    }
    let blobs_before = app.repo.blobs().count().await.unwrap();

    // Republished without them, the page lets go of the blobs, and they are freed.
    let v = version(&app, "/content/site", &author).await;
    let empty = json!({ "title": "Lakes", "components": [] });
    assert_eq!(send(&app, Method::PUT, "/api/pages/content/site", &author, Some(&v), empty).await.status, StatusCode::OK);
    assert_eq!(send(&app, Method::POST, "/api/publish/content/site", &author, None, json!({})).await.status, StatusCode::OK);
    for url in &published {
        assert_eq!(app.get(url, None).await.status, StatusCode::NOT_FOUND, "{url}");
    }
    assert!(app.repo.blobs().count().await.unwrap() < blobs_before, "unused blobs are freed");
    let _ = asset;
}

#[tokio::test]
async fn a_blob_missing_from_the_store_is_404_not_500() {
    let app = TestApp::assets();
    let author = app.login("ksaner").await;
    app.create_folder("/content/dam/docs", &author).await;
    let uploaded = app.upload("/content/dam/docs/a.pdf", "application/pdf", b"%PDF-1.4 a".to_vec(), &author).await.json();
    let hash = uploaded["renditions"].as_array().unwrap().iter().find(|r| r["name"] == "original").unwrap()["sha256"].as_str().unwrap().to_owned();
    let hash = tessera_repo::BlobHash::parse(&hash).unwrap();
    app.repo.blobs().delete(&hash).await.unwrap();
    let reply = app.get("/api/renditions/original/content/dam/docs/a.pdf", Some(&author)).await;
    assert_eq!((reply.status, reply.error_code().as_str()), (StatusCode::NOT_FOUND, "blob_missing"));
}

/// Sends the headers and the first part of a 64 MB upload, and leaves it hanging.
fn start_upload(server: &Server, cookie: &str, csrf: &str) -> std::net::TcpStream {
    let address = server.origin.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "PUT /api/assets/content/dam/big.pdf HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\nx-csrf-token: {csrf}\r\nContent-Type: application/pdf\r\nContent-Length: {}\r\n\r\n",
        64 << 20
    )
    .unwrap();
    let mut chunk = b"%PDF-1.4 ".to_vec();
    chunk.resize(1 << 20, b'x');
    for _ in 0..4 {
        stream.write_all(&chunk).unwrap();
    }
    stream.flush().unwrap();
    stream
}

#[test]
fn kill_9_mid_upload_and_mid_render_leaves_no_staging_file_and_no_stuck_job() {
    let dir = tempfile::TempDir::new().unwrap();
    let (config, origin) = assets_config(dir.path(), "[jobs]\nworkers = 1\nretry_delay_secs = 0\n");
    let mut server = Server::start(&config, &origin);
    let data = server.data_dir();
    let (cookie, csrf) = server.login();
    // Renditions queued and running when the process dies.
    let photo = jpeg(3000, 2000);
    for n in 0..4 {
        let reply = ureq::put(&format!("{origin}/api/assets/content/dam/photo-{n}.jpg"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .header("content-type", "image/jpeg")
            .send(&photo[..])
            .unwrap();
        assert_eq!(reply.status(), 201);
    }
    let _hanging = start_upload(&server, &cookie, &csrf);
    let mut waited = 0;
    while staging_files(&data).is_empty() && waited < 200 {
        std::thread::sleep(Duration::from_millis(25));
        waited += 1;
    }
    assert!(!staging_files(&data).is_empty(), "the hanging upload is being staged");
    server.kill_9();
    assert!(!staging_files(&data).is_empty(), "kill -9 leaves the staging file behind");

    let server = Server::start(&config, &origin);
    assert_eq!(staging_files(&data), Vec::<std::path::PathBuf>::new(), "the restart removed it");
    assert!(server.log_text().contains("spool files left by an earlier stop removed") && server.log_text().contains("removed="), "the log counts them");
    let (cookie, _) = server.login();
    for n in 0..4 {
        assert_eq!(server.processing_state(&format!("/content/dam/photo-{n}.jpg"), &cookie), "done", "photo-{n}: no job stays stuck");
    }
    assert_eq!(staging_files(&data), Vec::<std::path::PathBuf>::new());
    let missing =
        ureq::get(&format!("{origin}/api/assets/content/dam/big.pdf")).header("cookie", &cookie).config().http_status_as_error(false).build().call().unwrap();
    assert_eq!(missing.status(), 404, "the interrupted upload left no asset");
}

/// Three images near the pixel limit rendered by three workers: their pixels are
/// budgeted together, so they queue instead of adding up in memory.
#[test]
fn concurrent_large_renders_share_one_pixel_budget() {
    let dir = tempfile::TempDir::new().unwrap();
    let (config, origin) = assets_config(dir.path(), "[limits]\nmax_image_pixels = 40000000\nrender_pixels = 40000000\n[jobs]\nworkers = 3\n");
    let server = Server::start(&config, &origin);
    let (cookie, csrf) = server.login();
    let big = png(6000, 6000);
    let before = server.peak_memory();
    for n in 0..3 {
        // The same picture under three names: three rendition jobs of 36 megapixels.
        let reply = ureq::put(&format!("{origin}/api/assets/content/dam/poster-{n}.png"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .header("content-type", "image/png")
            .send(&big[..])
            .unwrap();
        assert_eq!(reply.status(), 201);
    }
    for n in 0..3 {
        assert_eq!(server.processing_state(&format!("/content/dam/poster-{n}.png"), &cookie), "done", "poster-{n}");
    }
    let growth = server.peak_memory().saturating_sub(before);
    // One 36-megapixel render holds about 270 MB; three at once, over 800 MB.
    assert!(growth < 500 * 1024 * 1024, "three large renders grew the server by {} MB", growth >> 20);
    eprintln!("three 36-megapixel renders on three workers: peak growth {} MB", growth >> 20);
}
