use axum::body::Body;
use axum::http::{Method, Request, StatusCode};

use crate::common::*;

#[tokio::test]
async fn the_document_is_served_and_every_operation_reaches_a_handler() {
    let app = TestApp::sites();
    let doc = app.get("/api/openapi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 15, "{} paths", paths.len());
    for (path, ops) in paths {
        let target = if path.contains("page") || path.contains("publish") { "content/site" } else { "content/dam" };
        let uri = path.replace("{path}", target).replace("{name}", "original").replace("{tag}", "x:");
        for method in ops.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let reply = app.send(Request::builder().method(method.clone()).uri(&uri).body(Body::empty()).unwrap()).await;
            assert_ne!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri} is documented but not routed");
            if reply.status == StatusCode::NOT_FOUND {
                assert_ne!(reply.error_code(), "no_such_endpoint", "{method} {uri} is documented but not routed");
            }
        }
    }
}
