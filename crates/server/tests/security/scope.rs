//! Read scope everywhere an asset is pulled in: page saves, previews, publish plans,
//! published pages and their blobs, and folder references.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

pub async fn send(app: &TestApp, method: Method, uri: &str, login: &Login, if_match: Option<&str>, body: serde_json::Value) -> Reply {
    let mut req = authed(method, uri, login).header("content-type", "application/json");
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    app.send(req.body(Body::from(body.to_string())).unwrap()).await
}

pub async fn set_permission(app: &TestApp, admin: &Login, folder: &str, group: &str, access: &str) {
    let reply = send(app, Method::PUT, &format!("/api/permissions{folder}"), admin, None, json!({ "group": group, "access": access })).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{:?}", reply.body);
}

/// The page's current version, for If-Match.
pub async fn version(app: &TestApp, page: &str, login: &Login) -> String {
    app.get(&format!("/api/pages{page}"), Some(login)).await.header("etag").unwrap().to_owned()
}

/// A page naming only the asset's path, as an attacker would write it.
pub fn bare_asset_page(image: &str, pdf: &str) -> serde_json::Value {
    let bare = |path: &str, mime: &str| json!({ "repository": null, "path": path, "title": "x", "mime": mime, "size": 1, "width": null, "height": null, "renditions": [] });
    json!({ "title": "Leak", "components": [
        { "id": "i1", "type": "image", "asset": bare(image, "image/png"), "alt": { "mode": "dam" } },
        { "id": "d1", "type": "download", "asset": bare(pdf, "application/pdf"), "disposition": "attachment" },
    ] })
}

/// A Sites deployment with `/content/dam/secret` (authors and dam-users: none)
/// holding an image and a PDF with descriptions, and a page `/content/site`.
pub async fn secret_setup() -> (TestApp, Login, Login) {
    let app = TestApp::sites();
    let admin = app.login("admin").await;
    app.create_folder("/content/dam/secret", &admin).await;
    app.upload("/content/dam/secret/s.png", "image/png", png(40, 30), &admin).await;
    app.upload("/content/dam/secret/s.pdf", "application/pdf", b"%PDF-1.4 the secret plan".to_vec(), &admin).await;
    app.processed("/content/dam/secret/s.png", &admin).await;
    for path in ["/content/dam/secret/s.png", "/content/dam/secret/s.pdf"] {
        let reply = send(&app, Method::PATCH, &format!("/api/assets{path}"), &admin, None, json!({ "description": "TOP-SECRET-DESCRIPTION" })).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    set_permission(&app, &admin, "/content/dam/secret", "authors", "none").await;
    set_permission(&app, &admin, "/content/dam/secret", "dam-users", "none").await;
    assert_eq!(send(&app, Method::POST, "/api/pages/content/site", &admin, None, json!({ "title": "Site" })).await.status, StatusCode::CREATED);
    let author = app.login("ksaner").await;
    assert_eq!(app.get("/api/assets/content/dam/secret/s.png", Some(&author)).await.status, StatusCode::NOT_FOUND);
    (app, admin, author)
}

#[tokio::test]
async fn a_save_refuses_a_hidden_asset_exactly_like_a_missing_one() {
    let (app, _, author) = secret_setup().await;
    let v = version(&app, "/content/site", &author).await;
    let hidden =
        send(&app, Method::PUT, "/api/pages/content/site", &author, Some(&v), bare_asset_page("/content/dam/secret/s.png", "/content/dam/secret/s.pdf")).await;
    let missing =
        send(&app, Method::PUT, "/api/pages/content/site", &author, Some(&v), bare_asset_page("/content/dam/secret/t.png", "/content/dam/secret/t.pdf")).await;
    assert_eq!(hidden.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", hidden.body);
    assert_eq!((hidden.status, hidden.error_code()), (missing.status, missing.error_code()));
    let (a, b) = (hidden.json()["error"]["message"].as_str().unwrap().to_owned(), missing.json()["error"]["message"].as_str().unwrap().to_owned());
    assert_eq!(a.replace("s.png", "t.png"), b, "the messages differ only in the path");
}

#[tokio::test]
async fn what_the_publisher_may_not_read_is_neither_previewed_planned_nor_published() {
    let (app, admin, author) = secret_setup().await;
    // An administrator (who may read it) put the secret image and PDF on the page.
    let v = version(&app, "/content/site", &admin).await;
    let saved =
        send(&app, Method::PUT, "/api/pages/content/site", &admin, Some(&v), bare_asset_page("/content/dam/secret/s.png", "/content/dam/secret/s.pdf")).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let secret = app.get("/api/assets/content/dam/secret/s.png", Some(&admin)).await.json();
    let original = secret["renditions"].as_array().unwrap().iter().find(|r| r["name"] == "original").unwrap()["sha256"].as_str().unwrap().to_owned();

    // The author sees the page, but nothing of the assets.
    let preview = String::from_utf8(app.get("/api/preview/content/site", Some(&author)).await.body.to_vec()).unwrap();
    assert!(!preview.contains("TOP-SECRET") && !preview.contains("secret/s."), "{preview}");
    let plan = app.get("/api/publish/content/site", Some(&author)).await.json();
    let states: Vec<&str> = plan["assets"].as_array().unwrap().iter().map(|a| a["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["missing", "missing"], "the plan tells a hidden asset from nothing");
    let published = send(&app, Method::POST, "/api/publish/content/site", &author, None, json!({})).await;
    assert_eq!(published.status, StatusCode::OK);
    let html = String::from_utf8(app.get("/content/site.html", None).await.body.to_vec()).unwrap();
    assert!(!html.contains("<img") && !html.contains("download=") && !html.contains("TOP-SECRET"), "{html}");
    assert_eq!(app.get(&format!("/published/{original}"), None).await.status, StatusCode::NOT_FOUND, "the original is not public");

    // The administrator's own publish shows them: the check is the publisher's.
    let plan = app.get("/api/publish/content/site", Some(&admin)).await.json();
    assert_eq!(plan["assets"][0]["state"], "local");
    assert_eq!(send(&app, Method::POST, "/api/publish/content/site", &admin, None, json!({})).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/published/{original}"), None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn folder_references_count_only_assets_the_caller_may_read() {
    let app = TestApp::sites();
    let admin = app.login("admin").await;
    for folder in ["/content/dam/secret", "/content/dam/open"] {
        app.create_folder(folder, &admin).await;
    }
    app.upload("/content/dam/secret/s.png", "image/png", png(20, 20), &admin).await;
    app.upload("/content/dam/open/o.png", "image/png", png(20, 20), &admin).await;
    set_permission(&app, &admin, "/content/dam/secret", "dam-users", "none").await;
    assert_eq!(send(&app, Method::POST, "/api/pages/content/site", &admin, None, json!({ "title": "Site" })).await.status, StatusCode::CREATED);
    for (page, image) in [("/content/site/uses-secret", "/content/dam/secret/s.png"), ("/content/site/uses-open", "/content/dam/open/o.png")] {
        assert_eq!(send(&app, Method::POST, &format!("/api/pages{page}"), &admin, None, json!({ "title": "P" })).await.status, StatusCode::CREATED);
        // The Download component takes any asset: here the same image.
        let reply = send(&app, Method::PUT, &format!("/api/pages{page}"), &admin, Some("\"v1\""), bare_asset_page(image, image)).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    }
    let viewer = app.login("viewer").await;
    assert_eq!(app.get("/api/references/content/dam/secret/s.png", Some(&viewer)).await.status, StatusCode::NOT_FOUND);
    let refs = app.get("/api/references/content/dam", Some(&viewer)).await.json();
    let text = refs.to_string();
    assert!(!text.contains("uses-secret"), "{text}");
    let all = app.get("/api/references/content/dam", Some(&admin)).await.json();
    assert!(all.to_string().contains("uses-secret"), "an administrator sees every reference: {all}");
    assert!(refs["total"].as_u64() < all["total"].as_u64());
}
