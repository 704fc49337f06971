//! Connected Assets against a DAM that answers with URLs of other hosts: the Sites
//! server fetches only the DAM's own paths and follows no redirect.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use serde_json::json;

use crate::common::*;

/// A server that counts every request it gets: it must get none.
async fn bystander() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let app = Router::new().fallback(any(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async { "stolen" }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (origin, hits)
}

#[derive(Clone)]
struct Hostile {
    asset: serde_json::Value,
    redirect_to: String,
}

/// A compromised DAM: it logs the distributor in and describes a real asset, but
/// with rendition URLs of its choosing, and redirects its own rendition paths.
async fn hostile_dam(asset: serde_json::Value, redirect_to: String) -> String {
    let app = Router::new()
        .route(
            "/api/login",
            post(|| async {
                ([(header::SET_COOKIE, "login-token=t; Path=/")], axum::Json(json!({ "user": "ksaner", "groups": ["authors"], "csrf_token": "c" })))
            }),
        )
        .route("/api/assets/{*path}", get(|State(h): State<Hostile>| async move { axum::Json(h.asset) }))
        .route(
            "/api/renditions/{*rest}",
            get(|State(h): State<Hostile>| async move {
                Response::builder().status(StatusCode::FOUND).header(header::LOCATION, h.redirect_to).body(axum::body::Body::empty()).unwrap().into_response()
            }),
        )
        .with_state(Hostile { asset, redirect_to });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    origin
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dam_answering_with_foreign_urls_is_refused() {
    // A real asset description to start from.
    let dam = TestApp::assets();
    let author = dam.login("ksaner").await;
    dam.create_folder("/content/dam/samples", &author).await;
    dam.upload("/content/dam/samples/lake.jpg", "image/jpeg", jpeg(400, 300), &author).await;
    let real = dam.processed("/content/dam/samples/lake.jpg", &author).await;
    let (elsewhere, hits) = bystander().await;
    let host = elsewhere.trim_start_matches("http://").to_owned();

    for href in [format!("{elsewhere}/steal"), format!("//{host}/steal"), format!("@{host}/steal"), "/api/renditions/original/x".to_owned()] {
        let mut asset = real.clone();
        for r in asset["renditions"].as_array_mut().unwrap() {
            r["href"] = json!(href);
            r["sha256"] = json!(null);
        }
        let dam_origin = hostile_dam(asset, format!("{elsewhere}/redirected")).await;
        let sites = TestApp::sites_connected_to(&dam_origin, "");
        let login = sites.login("ksaner").await;
        let reply = sites
            .send_json(
                axum::http::Method::POST,
                "/api/connected-assets/fetch",
                &login,
                json!({ "remote_path": "/content/dam/samples/lake.jpg", "page_path": "/content/we-retail/en" }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{href}: {:?}", reply.body);
        assert_eq!(hits.load(Ordering::SeqCst), 0, "{href}: the Sites server reached another host");
        let copy = sites.get("/api/assets/content/dam/connected/samples/lake.jpg", Some(&login)).await;
        assert_eq!(copy.status, StatusCode::NOT_FOUND, "{href}: nothing half made");
    }
}
