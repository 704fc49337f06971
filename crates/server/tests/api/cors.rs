use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

use crate::common::*;

fn preflight(origin: &str) -> Request<Body> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/login")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type,x-csrf-token")
        .body(Body::empty())
        .unwrap()
}

fn cors_headers(reply: &Reply) -> Vec<String> {
    reply.headers.keys().map(|k| k.as_str().to_owned()).filter(|k| k.starts_with("access-control-")).collect()
}

#[tokio::test]
async fn a_listed_origin_gets_an_exact_credentialed_preflight() {
    let app = TestApp::assets();
    let reply = app.send(preflight(EDITOR_ORIGIN)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("access-control-allow-origin"), Some(EDITOR_ORIGIN));
    assert_eq!(reply.header("access-control-allow-credentials"), Some("true"));
    let methods = reply.header("access-control-allow-methods").unwrap();
    assert!(methods.contains("POST") && methods.contains("PUT") && !methods.contains('*'), "{methods}");
    let headers = reply.header("access-control-allow-headers").unwrap();
    assert!(headers.contains("x-csrf-token") && headers.contains("content-type") && !headers.contains('*'), "{headers}");
    assert!(reply.header("vary").unwrap().contains("origin"));
}

#[tokio::test]
async fn an_unlisted_origin_gets_no_cors_headers_at_all() {
    let app = TestApp::assets();
    for origin in ["http://evil.example", "http://localhost:4503", "http://localhost", "null"] {
        let reply = app.send(preflight(origin)).await;
        assert_eq!(cors_headers(&reply), Vec::<String>::new(), "preflight from {origin}");
        assert!(reply.header("vary").unwrap().contains("origin"), "caches must key on Origin");

        let get = app.send(Request::get("/api/deployment").header(header::ORIGIN, origin).body(Body::empty()).unwrap()).await;
        assert_eq!(cors_headers(&get), Vec::<String>::new(), "GET from {origin}");
    }
    let no_origin = app.get("/api/deployment", None).await;
    assert_eq!(cors_headers(&no_origin), Vec::<String>::new(), "a request without Origin is not CORS");
}

#[tokio::test]
async fn an_actual_request_from_a_listed_origin_is_readable_with_credentials() {
    let app = TestApp::assets();
    let reply = app.send(Request::get("/api/deployment").header(header::ORIGIN, EDITOR_ORIGIN).body(Body::empty()).unwrap()).await;
    assert_eq!(reply.header("access-control-allow-origin"), Some(EDITOR_ORIGIN));
    assert_eq!(reply.header("access-control-allow-credentials"), Some("true"));
}

#[tokio::test]
async fn unsafe_requests_from_unlisted_origins_are_refused() {
    let app = TestApp::assets();
    let mut req = login_request("ksaner", PASSWORD);
    req.headers_mut().insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    let reply = app.send(req).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.header("set-cookie").is_none());

    let mut own = login_request("ksaner", PASSWORD);
    own.headers_mut().insert(header::ORIGIN, "http://127.0.0.1:4503".parse().unwrap());
    assert_eq!(app.send(own).await.status, StatusCode::OK, "the deployment's own origin may log in");
}
