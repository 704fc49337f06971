use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

fn titles(reply: &Reply) -> Vec<String> {
    reply.json()["assets"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_owned()).collect()
}

async fn add(app: &TestApp, id: i64, paths: serde_json::Value, login: &Login) -> Reply {
    app.send_json(Method::POST, &format!("/api/collections/{id}/assets"), login, json!({ "paths": paths })).await
}

async fn share(app: &TestApp, id: i64, group: &str, access: serde_json::Value, login: &Login) -> Reply {
    app.send_json(Method::PUT, &format!("/api/collections/{id}/shares"), login, json!({ "group": group, "access": access })).await
}

async fn seeded() -> (TestApp, Login) {
    let app = TestApp::assets();
    let admin = app.login("admin").await;
    for f in ["/content/dam/brand", "/content/dam/hr"] {
        app.create_folder(f, &admin).await;
    }
    app.upload("/content/dam/brand/logo.png", "image/png", png(20, 20), &admin).await;
    app.upload("/content/dam/brand/lake.jpg", "image/jpeg", jpeg(40, 20), &admin).await;
    app.upload("/content/dam/hr/salaries.pdf", "application/pdf", b"%PDF-1.4 salaries".to_vec(), &admin).await;
    let hidden = json!({ "group": "dam-users", "access": "none" });
    assert_eq!(app.send_json(Method::PUT, "/api/permissions/content/dam/hr", &admin, hidden).await.status, StatusCode::NO_CONTENT);
    (app, admin)
}

#[tokio::test]
async fn a_collection_shows_each_viewer_what_they_may_read_and_only_its_editors_change_it() {
    let (app, _) = seeded().await;
    let (ksaner, ana, viewer) = (app.login("ksaner").await, app.login("ana").await, app.login("viewer").await);
    let created = app.send_json(Method::POST, "/api/collections", &ksaner, json!({ "title": " Spring campaign " })).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    assert_eq!((created.json()["title"].as_str(), created.json()["owner"].as_str()), (Some("Spring campaign"), Some("ksaner")));
    let added = add(&app, id, json!(["/content/dam/hr/salaries.pdf", "/content/dam/brand/logo.png"]), &ksaner).await;
    assert_eq!(added.status, StatusCode::NO_CONTENT, "{:?}", added.body);
    assert_eq!(titles(&app.get(&format!("/api/collections/{id}"), Some(&ksaner)).await), ["salaries.pdf", "logo.png"]);

    // Not shared: as if it did not exist. Shared for reading: what the viewer may read.
    assert_eq!(app.get(&format!("/api/collections/{id}"), Some(&viewer)).await.status, StatusCode::NOT_FOUND);
    assert!(app.get("/api/collections", Some(&viewer)).await.json().as_array().unwrap().is_empty());
    assert_eq!(share(&app, id, "dam-users", json!("read"), &ksaner).await.status, StatusCode::OK);
    let seen = app.get(&format!("/api/collections/{id}"), Some(&viewer)).await;
    assert_eq!(titles(&seen), ["logo.png"], "the HR file stays hidden from DAM users");
    assert_eq!(seen.json()["collection"]["access"], "read");
    assert_eq!(add(&app, id, json!(["/content/dam/brand/lake.jpg"]), &viewer).await.status, StatusCode::FORBIDDEN);
    let renamed = app.send_json(Method::PATCH, &format!("/api/collections/{id}"), &viewer, json!({ "title": "Mine" })).await;
    assert_eq!(renamed.status, StatusCode::FORBIDDEN);
    assert_eq!(app.send(authed(Method::DELETE, &format!("/api/collections/{id}"), &viewer).body(Body::empty()).unwrap()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(share(&app, id, "dam-users", json!("edit"), &viewer).await.status, StatusCode::FORBIDDEN, "only the owner shares");

    // Shared for editing: add and remove, not delete.
    assert_eq!(share(&app, id, "authors", json!("edit"), &ksaner).await.status, StatusCode::OK);
    assert_eq!(add(&app, id, json!(["/content/dam/brand/lake.jpg"]), &ana).await.status, StatusCode::NO_CONTENT);
    let removed = app.send_json(Method::POST, &format!("/api/collections/{id}/remove"), &ana, json!({ "paths": ["/content/dam/brand/logo.png"] })).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(titles(&app.get(&format!("/api/collections/{id}"), Some(&ana)).await), ["salaries.pdf", "lake.jpg"]);

    // Bad input changes nothing.
    let cases = [
        (add(&app, id, json!(["/content/dam/brand/none.jpg"]), &ksaner).await, StatusCode::NOT_FOUND),
        (add(&app, id, json!(["/content/dam/brand/logo.png", "/content/dam/nowhere.jpg"]), &ksaner).await, StatusCode::NOT_FOUND),
        (add(&app, id, json!([]), &ksaner).await, StatusCode::BAD_REQUEST),
        (add(&app, id, json!(["/etc/passwd"]), &ksaner).await, StatusCode::UNPROCESSABLE_ENTITY),
        (share(&app, id, "wizards", json!("read"), &ksaner).await, StatusCode::BAD_REQUEST),
        (app.send_json(Method::POST, "/api/collections", &ksaner, json!({ "title": "  " })).await, StatusCode::BAD_REQUEST),
        (app.send_json(Method::POST, "/api/collections", &ksaner, json!({ "title": "x".repeat(257) })).await, StatusCode::BAD_REQUEST),
        (app.get("/api/collections/999999", Some(&ksaner)).await, StatusCode::NOT_FOUND),
    ];
    for (reply, status) in cases {
        assert_eq!(reply.status, status, "{:?}", reply.body);
    }
    assert_eq!(titles(&app.get(&format!("/api/collections/{id}"), Some(&ksaner)).await), ["salaries.pdf", "lake.jpg"]);

    // A deleted asset leaves the collection; deleting the collection keeps its assets.
    app.send(authed(Method::DELETE, "/api/assets/content/dam/brand/lake.jpg", &ksaner).body(Body::empty()).unwrap()).await;
    assert_eq!(titles(&app.get(&format!("/api/collections/{id}"), Some(&ksaner)).await), ["salaries.pdf"]);
    assert_eq!(app.send(authed(Method::DELETE, &format!("/api/collections/{id}"), &ksaner).body(Body::empty()).unwrap()).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("/api/collections/{id}"), Some(&ksaner)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/assets/content/dam/hr/salaries.pdf", Some(&ksaner)).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/collections", None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_saved_search_stays_current() {
    let (app, admin) = seeded().await;
    let ksaner = app.login("ksaner").await;
    let created = app.send_json(Method::POST, "/api/collections", &ksaner, json!({ "title": "Images", "query": { "kind": "image" } })).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let mut found = titles(&app.get(&format!("/api/collections/{id}"), Some(&ksaner)).await);
    found.sort();
    assert_eq!(found, ["lake.jpg", "logo.png"]);
    app.upload("/content/dam/brand/new.jpg", "image/jpeg", jpeg(8, 8), &admin).await;
    assert_eq!(titles(&app.get(&format!("/api/collections/{id}"), Some(&ksaner)).await).len(), 3, "a new image is in it at once");
    let refused = app.send_json(Method::POST, &format!("/api/collections/{id}/assets"), &ksaner, json!({ "paths": ["/content/dam/hr/salaries.pdf"] })).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "a saved search holds what it finds");
}

#[tokio::test]
async fn a_share_link_lets_anyone_download_its_assets_until_it_expires_or_is_revoked() {
    let (app, _) = seeded().await;
    let ksaner = app.login("ksaner").await;
    let created = app.send_json(Method::POST, "/api/shares", &ksaner, json!({ "paths": ["/content/dam/brand/lake.jpg"] })).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let link = created.json();
    let url = link["url"].as_str().unwrap().to_owned();
    let token = url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(token.len(), 64, "256 bits");
    assert_eq!(link["expires_at"].as_i64().unwrap() - link["created_at"].as_i64().unwrap(), 7 * 86_400, "a week by default");

    // Anyone with the link, no account needed.
    let opened = app.get(&format!("/api/shared/{token}"), None).await;
    assert_eq!(opened.status, StatusCode::OK, "{:?}", opened.body);
    let download = opened.json()["assets"][0]["download"].as_str().unwrap().to_owned();
    let bytes = app.get(&download, None).await;
    assert_eq!((bytes.status, decode_dimensions(&bytes.body)), (StatusCode::OK, (40, 20)));
    let page = app.get(&format!("/share/{token}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert!(String::from_utf8_lossy(&page.body).contains("lake.jpg"));
    // Only what it shares.
    assert_eq!(app.get(&format!("/api/shared/{token}/original/content/dam/brand/logo.png"), None).await.status, StatusCode::NOT_FOUND);

    let listed = app.get("/api/shares", Some(&ksaner)).await.json();
    assert_eq!((listed[0]["state"].as_str(), listed[0].get("url")), (Some("active"), None), "the token is never shown again");
    // A catalog's calls block (PostgreSQL's driver among them): off the async thread.
    let (repo, raw) = (app.repo.clone(), token.clone());
    let (by_hash, by_token) = tokio::task::spawn_blocking(move || {
        let catalog = repo.catalog();
        (catalog.share_link_by_token(&tessera_repo::shares::token_hash(&raw)).unwrap(), catalog.share_link_by_token(&raw).unwrap())
    })
    .await
    .unwrap();
    assert!(by_hash.is_some(), "stored under its hash");
    assert!(by_token.is_none(), "never under the token itself");

    // Wrong, expired and revoked are one answer.
    let expired_token = "ab".repeat(32);
    let now = tessera_repo::unix_now();
    let expired = tessera_repo::shares::NewShareLink {
        token_hash: tessera_repo::shares::token_hash(&expired_token),
        created_by: "ksaner".into(),
        created_at: now - 10,
        expires_at: now - 1,
        assets: vec![tessera_model::DamPath::parse("/content/dam/brand/lake.jpg").unwrap()],
    };
    let repo = app.repo.clone();
    tokio::task::spawn_blocking(move || repo.catalog().create_share_link(&expired).unwrap()).await.unwrap();
    let wrong = app.get(&format!("/api/shared/{}", "cd".repeat(32)), None).await;
    let garbage = app.get("/api/shared/not-a-token", None).await;
    let late = app.get(&format!("/api/shared/{expired_token}"), None).await;
    let id = link["id"].as_i64().unwrap();
    let viewer = app.login("viewer").await;
    assert_eq!(
        app.send(authed(Method::DELETE, &format!("/api/shares/{id}"), &viewer).body(Body::empty()).unwrap()).await.status,
        StatusCode::NOT_FOUND,
        "not theirs"
    );
    assert_eq!(app.send(authed(Method::DELETE, &format!("/api/shares/{id}"), &ksaner).body(Body::empty()).unwrap()).await.status, StatusCode::NO_CONTENT);
    let revoked = app.get(&format!("/api/shared/{token}"), None).await;
    for reply in [&wrong, &garbage, &late, &revoked] {
        assert_eq!((reply.status, &reply.body), (StatusCode::NOT_FOUND, &wrong.body));
    }
    assert_eq!(app.get(&download, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/share/{token}"), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/shares", Some(&ksaner)).await.json()[0]["state"], "revoked");

    // Sharing needs read access to every asset, and sensible bounds.
    let cases = [
        (json!({ "paths": ["/content/dam/hr/salaries.pdf"] }), &viewer, StatusCode::NOT_FOUND),
        (json!({ "paths": [] }), &ksaner, StatusCode::BAD_REQUEST),
        (json!({ "paths": ["/content/dam/brand/lake.jpg"], "days": 0 }), &ksaner, StatusCode::BAD_REQUEST),
        (json!({ "paths": ["/content/dam/brand/lake.jpg"], "days": 400 }), &ksaner, StatusCode::BAD_REQUEST),
    ];
    for (body, login, status) in cases {
        assert_eq!(app.send_json(Method::POST, "/api/shares", login, body.clone()).await.status, status, "{body}");
    }
    assert_eq!(app.send_json(Method::POST, "/api/shares", &ksaner, json!({ "paths": ["/content/dam/brand/lake.jpg"] })).await.status, StatusCode::CREATED);
}
