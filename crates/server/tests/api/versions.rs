use axum::body::Body;
use axum::http::{header, Method, StatusCode};

use crate::common::*;

async fn new_version(app: &TestApp, path: &str, query: &str, mime: &str, bytes: Vec<u8>, login: &Login) -> Reply {
    let uri = format!("/api/versions{path}{query}");
    app.send(authed(Method::POST, &uri, login).header(header::CONTENT_TYPE, mime).body(Body::from(bytes)).unwrap()).await
}

#[tokio::test]
async fn a_new_binary_is_a_new_version_and_the_old_one_stays_readable() {
    let app = TestApp::assets();
    let login = app.login("ksaner").await;
    assert_eq!(app.create_folder("/content/dam/photos", &login).await.status, StatusCode::CREATED);
    let first = jpeg(64, 48);
    assert_eq!(app.upload("/content/dam/photos/lake.jpg", "image/jpeg", first.clone(), &login).await.status, StatusCode::CREATED);
    app.processed("/content/dam/photos/lake.jpg", &login).await;

    let second = png(30, 90);
    let reply = new_version(&app, "/content/dam/photos/lake.jpg", "?comment=%20Brighter%20sky%20", "image/png", second.clone(), &login).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let made = reply.json();
    assert_eq!((made["number"].as_u64(), made["comment"].as_str(), made["created_by"].as_str()), (Some(2), Some("Brighter sky"), Some("ksaner")));

    let asset = app.processed("/content/dam/photos/lake.jpg", &login).await;
    assert_eq!((asset["mime"].as_str(), asset["width"].as_u64(), asset["height"].as_u64()), (Some("image/png"), Some(30), Some(90)));
    assert_eq!(asset["orientation"], "portrait", "the renditions are made from the new binary");
    assert_eq!(asset["processing"]["state"], "done");

    let versions = app.get("/api/versions/content/dam/photos/lake.jpg", Some(&login)).await.json();
    let numbers: Vec<u64> = versions.as_array().unwrap().iter().map(|v| v["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!((versions[0]["mime"].as_str(), versions[0]["size"].as_u64()), (Some("image/jpeg"), Some(first.len() as u64)));
    let old = app.get(versions[0]["href"].as_str().unwrap(), Some(&login)).await;
    assert_eq!((old.status, old.body.as_ref()), (StatusCode::OK, first.as_slice()), "version 1's original, byte for byte");
    let current = app.get("/api/renditions/original/content/dam/photos/lake.jpg", Some(&login)).await;
    assert_eq!(current.body.as_ref(), second.as_slice());
    assert_eq!(app.get("/api/renditions/original/content/dam/photos/lake.jpg?version=3", Some(&login)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/renditions/web-1280/content/dam/photos/lake.jpg?version=1", Some(&login)).await.status, StatusCode::BAD_REQUEST);

    // Both binaries go with the asset, and nothing else stays.
    let reply = app.send(authed(Method::DELETE, "/api/assets/content/dam/photos/lake.jpg", &login).body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    app.assert_nothing_left(0).await;
}

#[tokio::test]
async fn a_refused_version_changes_nothing() {
    let app = TestApp::assets();
    let login = app.login("ksaner").await;
    assert_eq!(app.create_folder("/content/dam/photos", &login).await.status, StatusCode::CREATED);
    assert_eq!(app.upload("/content/dam/photos/lake.jpg", "image/jpeg", jpeg(64, 48), &login).await.status, StatusCode::CREATED);
    let before = app.processed("/content/dam/photos/lake.jpg", &login).await;
    let blobs = app.repo.blobs().count().await.unwrap();

    let cases = [
        ("/content/dam/photos/lake.jpg", "", "image/png", b"not a png".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "the bytes are not what they claim"),
        ("/content/dam/photos/lake.jpg", "", "image/png", Vec::new(), StatusCode::BAD_REQUEST, "an empty file"),
        ("/content/dam/photos/none.jpg", "", "image/jpeg", jpeg(8, 8), StatusCode::NOT_FOUND, "no such asset"),
        ("/content/dam/photos/lake.jpg", &format!("?comment={}", "x".repeat(1025)), "image/jpeg", jpeg(8, 8), StatusCode::BAD_REQUEST, "a comment too long"),
    ];
    for (path, query, mime, bytes, status, why) in cases {
        let reply = new_version(&app, path, query, mime, bytes, &login).await;
        assert_eq!(reply.status, status, "{why}: {:?}", reply.body);
    }
    let viewer = app.login("viewer").await;
    assert_eq!(new_version(&app, "/content/dam/photos/lake.jpg", "", "image/jpeg", jpeg(8, 8), &viewer).await.status, StatusCode::FORBIDDEN);

    assert_eq!(app.get("/api/versions/content/dam/photos/lake.jpg", Some(&login)).await.json().as_array().unwrap().len(), 1);
    assert_eq!(app.get("/api/assets/content/dam/photos/lake.jpg", Some(&login)).await.json(), before, "the asset is as it was");
    app.assert_nothing_left(blobs).await;
}
