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
    let kept = app.get("/api/renditions/web-1280/content/dam/photos/lake.jpg?version=1", Some(&login)).await;
    assert_eq!((kept.status, decode_dimensions(&kept.body)), (StatusCode::OK, (64, 48)), "version 1 keeps its renditions");
    assert_eq!(versions[0]["thumbnail"], "/api/renditions/thumbnail-140/content/dam/photos/lake.jpg?version=1");
    assert_eq!(app.get("/api/renditions/web-1280/content/dam/photos/lake.jpg?version=9", Some(&login)).await.status, StatusCode::NOT_FOUND);

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

async fn call(app: &TestApp, method: Method, uri: &str, login: &Login) -> Reply {
    app.send(authed(method, uri, login).body(Body::empty()).unwrap()).await
}

async fn check_in(app: &TestApp, path: &str, query: &str, mime: &str, bytes: Vec<u8>, login: &Login) -> Reply {
    let uri = format!("/api/checkin{path}{query}");
    app.send(authed(Method::POST, &uri, login).header(header::CONTENT_TYPE, mime).body(Body::from(bytes)).unwrap()).await
}

fn timeline_kinds(reply: &Reply) -> Vec<String> {
    reply.json().as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_checked_out_asset_changes_only_by_its_holder_who_checks_it_in_as_a_new_version() {
    let app = TestApp::assets();
    let (ksaner, ana, admin) = (app.login("ksaner").await, app.login("ana").await, app.login("admin").await);
    app.create_folder("/content/dam/photos", &ksaner).await;
    app.upload("/content/dam/photos/lake.jpg", "image/jpeg", jpeg(64, 48), &ksaner).await;
    app.processed("/content/dam/photos/lake.jpg", &ksaner).await;

    let out = call(&app, Method::POST, "/api/checkout/content/dam/photos/lake.jpg", &ksaner).await;
    assert_eq!((out.status, out.json()["by"].as_str()), (StatusCode::OK, Some("ksaner")));
    assert_eq!(app.get("/api/assets/content/dam/photos/lake.jpg", Some(&ana)).await.json()["checked_out"]["by"], "ksaner", "others see the holder");
    let held = app.get("/api/search?checked_out_by=ksaner", Some(&ana)).await.json();
    assert_eq!(held["assets"].as_array().map(|a| a.len()), Some(1), "\"Checked out by\" finds it");
    assert_eq!(app.get("/api/search?checked_out_by=ana", Some(&ana)).await.json()["total"], 0);

    // Everyone else is refused with 423 and the holder's name, and nothing changes.
    let blobs = app.repo.blobs().count().await.unwrap();
    let refusals = [
        new_version(&app, "/content/dam/photos/lake.jpg", "", "image/jpeg", jpeg(8, 8), &ana).await,
        check_in(&app, "/content/dam/photos/lake.jpg", "", "image/jpeg", jpeg(8, 8), &ana).await,
        call(&app, Method::POST, "/api/checkout/content/dam/photos/lake.jpg", &ana).await,
        call(&app, Method::DELETE, "/api/checkout/content/dam/photos/lake.jpg", &ana).await,
        call(&app, Method::DELETE, "/api/assets/content/dam/photos/lake.jpg", &ana).await,
        call(&app, Method::DELETE, "/api/folders/content/dam/photos?force=true", &ana).await,
        app.send_json(Method::POST, "/api/move/content/dam/photos/lake.jpg", &ana, serde_json::json!({ "to": "/content/dam/lake.jpg" })).await,
    ];
    for reply in refusals {
        assert_eq!((reply.status, reply.error_code()), (StatusCode::LOCKED, "locked".to_owned()), "{:?}", reply.body);
        assert_eq!(reply.json()["error"]["holder"], "ksaner");
        assert!(reply.error_message().contains("checked out by ksaner"), "{}", reply.error_message());
    }
    app.assert_nothing_left(blobs).await;
    // Metadata stays editable by others.
    let patched = app.send_json(Method::PATCH, "/api/assets/content/dam/photos/lake.jpg", &ana, serde_json::json!({ "title": "Lake at dawn" })).await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);

    // A check-in keeps the asset's type; the holder's check-in is a new version and ends the lock.
    let other_type = check_in(&app, "/content/dam/photos/lake.jpg", "", "image/png", png(8, 8), &ksaner).await;
    assert_eq!((other_type.status, other_type.error_code()), (StatusCode::CONFLICT, "type_changed".to_owned()));
    app.assert_nothing_left(blobs).await;
    let checked_in = check_in(&app, "/content/dam/photos/lake.jpg", "?comment=Retouched&label=Print", "image/jpeg", jpeg(80, 40), &ksaner).await;
    assert_eq!(checked_in.status, StatusCode::CREATED, "{:?}", checked_in.body);
    let version = checked_in.json();
    assert_eq!((version["number"].as_u64(), version["kind"].as_str(), version["label"].as_str()), (Some(2), Some("checked_in"), Some("Print")));
    let asset = app.processed("/content/dam/photos/lake.jpg", &ksaner).await;
    assert_eq!((asset.get("checked_out"), asset["width"].as_u64()), (None, Some(80)));
    let again = check_in(&app, "/content/dam/photos/lake.jpg", "", "image/jpeg", jpeg(8, 8), &ksaner).await;
    assert_eq!((again.status, again.error_code()), (StatusCode::CONFLICT, "not_checked_out".to_owned()));

    // An administrator releases anyone's lock; the holder then works on.
    assert_eq!(call(&app, Method::POST, "/api/checkout/content/dam/photos/lake.jpg", &ksaner).await.status, StatusCode::OK);
    assert_eq!(call(&app, Method::DELETE, "/api/checkout/content/dam/photos/lake.jpg", &admin).await.status, StatusCode::NO_CONTENT);
    let moved = app.send_json(Method::POST, "/api/move/content/dam/photos/lake.jpg", &ana, serde_json::json!({ "to": "/content/dam/photos/lake-2.jpg" })).await;
    assert_eq!(moved.status, StatusCode::NO_CONTENT, "{:?}", moved.body);

    let timeline = app.get("/api/timeline/content/dam/photos/lake-2.jpg", Some(&ana)).await;
    assert_eq!(
        timeline_kinds(&timeline),
        ["moved", "lock_released", "checked_out", "checked_in", "metadata_changed", "checked_out", "created"],
        "{:?}",
        timeline.body
    );
    let entries = timeline.json();
    assert_eq!((entries[1]["by"].as_str(), entries[1]["detail"].as_str()), (Some("admin"), Some("ksaner")), "whose lock went");
    assert_eq!((entries[3]["version"].as_u64(), entries[3]["detail"].as_str()), (Some(2), Some("Print: Retouched")));
    assert_eq!(entries[0]["detail"], "/content/dam/photos/lake.jpg");
}

#[tokio::test]
async fn of_two_check_outs_at_the_same_moment_exactly_one_wins() {
    let app = TestApp::assets();
    let (ksaner, ana) = (app.login("ksaner").await, app.login("ana").await);
    app.create_folder("/content/dam/photos", &ksaner).await;
    app.upload("/content/dam/photos/lake.jpg", "image/jpeg", jpeg(16, 16), &ksaner).await;
    for _ in 0..5 {
        let (a, b) = tokio::join!(
            call(&app, Method::POST, "/api/checkout/content/dam/photos/lake.jpg", &ksaner),
            call(&app, Method::POST, "/api/checkout/content/dam/photos/lake.jpg", &ana)
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::LOCKED]);
        let winner = if a.status == StatusCode::OK { &ksaner } else { &ana };
        assert_eq!(call(&app, Method::DELETE, "/api/checkout/content/dam/photos/lake.jpg", winner).await.status, StatusCode::NO_CONTENT);
    }
}

#[tokio::test]
async fn restoring_a_version_brings_back_its_binary_renditions_and_metadata_and_loses_nothing() {
    let app = TestApp::assets();
    let login = app.login("ksaner").await;
    app.create_folder("/content/dam/photos", &login).await;
    app.upload("/content/dam/photos/lake.jpg", "image/jpeg", jpeg(64, 48), &login).await;
    app.send_json(Method::PATCH, "/api/assets/content/dam/photos/lake.jpg", &login, serde_json::json!({ "title": "First" })).await;
    let first = app.processed("/content/dam/photos/lake.jpg", &login).await;
    assert_eq!(new_version(&app, "/content/dam/photos/lake.jpg", "", "image/png", png(30, 90), &login).await.status, StatusCode::CREATED);
    app.processed("/content/dam/photos/lake.jpg", &login).await;
    app.send_json(Method::PATCH, "/api/assets/content/dam/photos/lake.jpg", &login, serde_json::json!({ "title": "Second" })).await;

    let restored =
        app.send_json(Method::POST, "/api/restore/content/dam/photos/lake.jpg", &login, serde_json::json!({ "version": 1, "comment": "Back" })).await;
    assert_eq!(restored.status, StatusCode::CREATED, "{:?}", restored.body);
    let v = restored.json();
    assert_eq!((v["number"].as_u64(), v["kind"].as_str(), v["restored_from"].as_u64()), (Some(3), Some("restored"), Some(1)));
    let asset = app.get("/api/assets/content/dam/photos/lake.jpg", Some(&login)).await.json();
    assert_eq!((asset["title"].as_str(), asset["mime"].as_str(), asset["width"].as_u64()), (Some("First"), Some("image/jpeg"), Some(64)));
    assert_eq!(asset["processing"]["state"], "done", "its kept renditions came back at once");
    assert_eq!(asset["renditions"], first["renditions"], "the same blobs as version 1 had");

    let versions = app.get("/api/versions/content/dam/photos/lake.jpg", Some(&login)).await.json();
    let titles: Vec<&str> = versions.as_array().unwrap().iter().map(|v| v["metadata"]["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["First", "Second", "First"], "version 2 keeps what it was");
    assert_eq!(versions[1]["mime"], "image/png");

    let bad = [
        (serde_json::json!({ "version": 9 }), StatusCode::NOT_FOUND),
        (serde_json::json!({ "version": 3 }), StatusCode::BAD_REQUEST),
        (serde_json::json!({ "version": "one" }), StatusCode::UNPROCESSABLE_ENTITY),
        (serde_json::json!({ "version": 1, "comment": "x".repeat(1025) }), StatusCode::BAD_REQUEST),
    ];
    for (body, status) in bad {
        let reply = app.send_json(Method::POST, "/api/restore/content/dam/photos/lake.jpg", &login, body.clone()).await;
        assert_eq!(reply.status, status, "{body}: {:?}", reply.body);
    }
    assert_eq!(app.get("/api/versions/content/dam/photos/lake.jpg", Some(&login)).await.json().as_array().unwrap().len(), 3, "refusals add nothing");
    let timeline = app.get("/api/timeline/content/dam/photos/lake.jpg", Some(&login)).await;
    assert_eq!(timeline_kinds(&timeline), ["restored", "metadata_changed", "version_created", "metadata_changed", "created"]);

    let reply = call(&app, Method::DELETE, "/api/assets/content/dam/photos/lake.jpg", &login).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    app.assert_nothing_left(0).await;
}
