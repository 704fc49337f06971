use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

async fn set_permission(app: &TestApp, login: &Login, folder: &str, group: &str, access: serde_json::Value) -> Reply {
    let body = json!({ "group": group, "access": access }).to_string();
    app.send(authed(Method::PUT, &format!("/api/permissions{folder}"), login).header("content-type", "application/json").body(Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn folder_permissions_are_inherited_and_hide_what_cannot_be_read() {
    let app = TestApp::assets();
    let admin = app.login("admin").await;
    for f in ["/content/dam/hr", "/content/dam/hr/open", "/content/dam/shared"] {
        app.create_folder(f, &admin).await;
    }
    app.upload("/content/dam/hr/salaries.pdf", "application/pdf", b"%PDF-1.4 salaries".to_vec(), &admin).await;
    app.upload("/content/dam/hr/open/handbook.pdf", "application/pdf", b"%PDF-1.4 handbook".to_vec(), &admin).await;
    app.upload("/content/dam/shared/logo.png", "image/png", png(10, 10), &admin).await;

    let author = app.login("ksaner").await;
    assert_eq!(set_permission(&app, &author, "/content/dam/hr", "authors", json!("none")).await.status, StatusCode::FORBIDDEN, "only administrators");
    assert_eq!(set_permission(&app, &admin, "/content/dam/hr", "authors", json!("none")).await.status, StatusCode::NO_CONTENT);
    assert_eq!(set_permission(&app, &admin, "/content/dam/hr/open", "authors", json!("read")).await.status, StatusCode::NO_CONTENT);
    assert_eq!(set_permission(&app, &admin, "/content/dam/hr", "wizards", json!("read")).await.status, StatusCode::BAD_REQUEST);

    // Hidden: the folder, its assets, their renditions, references, search hits.
    assert_eq!(app.get("/api/folders/content/dam/hr", Some(&author)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/assets/content/dam/hr/salaries.pdf", Some(&author)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/renditions/original/content/dam/hr/salaries.pdf", Some(&author)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/references/content/dam/hr/salaries.pdf", Some(&author)).await.status, StatusCode::NOT_FOUND);
    let root = app.get("/api/folders/content/dam", Some(&author)).await.json();
    let folders: Vec<&str> = root["folders"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(folders, ["shared"]);
    let found = app.get("/api/search?kind=document&sort=name", Some(&author)).await.json();
    let names: Vec<&str> = found["assets"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["handbook.pdf"], "search shows only what may be read");
    assert_eq!(found["total"], 1);
    assert_eq!(app.get("/api/search?in_folder=/content/dam/hr", Some(&author)).await.status, StatusCode::NOT_FOUND, "a hidden folder's page");
    let open = app.get("/api/search?in_folder=/content/dam/hr/open", Some(&author)).await.json();
    assert_eq!(open["assets"][0]["name"], "handbook.pdf", "a readable folder inside a hidden one");

    // A deeper rule opens a sub-folder for reading only.
    assert_eq!(app.get("/api/assets/content/dam/hr/open/handbook.pdf", Some(&author)).await.status, StatusCode::OK);
    let patch = app
        .send(
            authed(Method::PATCH, "/api/assets/content/dam/hr/open/handbook.pdf", &author)
                .header("content-type", "application/json")
                .body(Body::from("{\"title\":\"x\"}"))
                .unwrap(),
        )
        .await;
    assert_eq!(patch.status, StatusCode::FORBIDDEN);
    let moved_in = app
        .send(
            authed(Method::POST, "/api/move/content/dam/shared/logo.png", &author)
                .header("content-type", "application/json")
                .body(Body::from("{\"to\":\"/content/dam/hr/logo.png\"}"))
                .unwrap(),
        )
        .await;
    assert_eq!(moved_in.status, StatusCode::NOT_FOUND, "both ends of a move are checked");

    let rules = app.get("/api/permissions/content/dam/hr/open", Some(&admin)).await.json();
    assert_eq!(rules.as_array().unwrap().len(), 2, "the rule above and the rule here");
    assert_eq!(set_permission(&app, &admin, "/content/dam/hr", "authors", serde_json::Value::Null).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/assets/content/dam/hr/salaries.pdf", Some(&author)).await.status, StatusCode::OK, "removing the rule restores the default");
}

#[tokio::test]
async fn anonymous_callers_read_public_folders_only() {
    let app = TestApp::with_config("public_paths = [\"/content/dam/press\"]", "");
    let admin = app.login("admin").await;
    app.create_folder("/content/dam/press", &admin).await;
    app.create_folder("/content/dam/internal", &admin).await;
    app.upload("/content/dam/press/kit.pdf", "application/pdf", b"%PDF-1.4 kit".to_vec(), &admin).await;
    app.upload("/content/dam/internal/plan.pdf", "application/pdf", b"%PDF-1.4 plan".to_vec(), &admin).await;

    assert_eq!(app.get("/api/folders/content/dam/press", None).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/renditions/original/content/dam/press/kit.pdf", None).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/assets/content/dam/internal/plan.pdf", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/folders/content/dam", None).await.status, StatusCode::UNAUTHORIZED);
    let found = app.get("/api/search?folder=/content/dam/press", None).await.json();
    assert_eq!(found["total"], 1);
    let upload = app
        .send(axum::http::Request::put("/api/assets/content/dam/press/x.pdf").header("content-type", "application/pdf").body(Body::from("%PDF-1.4")).unwrap())
        .await;
    assert_eq!(upload.status, StatusCode::UNAUTHORIZED, "public means readable, not writable");
}
