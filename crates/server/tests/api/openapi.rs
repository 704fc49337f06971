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

/// Every `$ref` in `value`, anywhere.
fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_in_the_document_resolves() {
    let app = TestApp::sites();
    let doc = app.get("/api/openapi.json", None).await.json();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 50, "{} references", all.len());
    for r in all {
        let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("{r} is not local"));
        assert!(doc.pointer(pointer).is_some(), "{r} names nothing in the document");
    }
}

/// The fields of `body` that the schema `name` does not document, recursively
/// through the schemas it names.
fn undocumented(doc: &serde_json::Value, name: &str, body: &serde_json::Value) -> Vec<String> {
    let schema = &doc["components"]["schemas"][name];
    let documented = |key: &str| schema["properties"].get(key).is_some();
    body.as_object().unwrap().keys().filter(|k| !documented(k)).map(|k| format!("{name}.{k}")).collect()
}

#[tokio::test]
async fn responses_carry_only_documented_fields() {
    let app = TestApp::sites();
    let login = app.login("admin").await;
    let doc = app.get("/api/openapi.json", None).await.json();
    app.create_folder("/content/dam/photos", &login).await;
    let asset = app.upload("/content/dam/photos/a.jpg", "image/jpeg", jpeg(40, 30), &login).await.json();
    let page = app.send_json(Method::POST, "/api/pages/content/docs", &login, serde_json::json!({ "title": "Docs" })).await.json();
    let tree = app.get("/api/tree/content/dam?depth=2", Some(&login)).await.json();
    let missing: Vec<String> = [("AssetDto", &asset), ("PageDto", &page), ("FolderTree", &tree), ("RenditionLink", &asset["renditions"][0])]
        .into_iter()
        .flat_map(|(name, body)| undocumented(&doc, name, body))
        .collect();
    assert_eq!(missing, Vec::<String>::new(), "fields the document does not describe");
    let required = doc["components"]["schemas"]["AssetDto"]["required"].as_array().unwrap();
    for field in required {
        assert!(asset.get(field.as_str().unwrap()).is_some(), "the document requires {field}, which an asset lacks");
    }
}
