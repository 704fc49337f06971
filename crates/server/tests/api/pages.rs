use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

async fn send(app: &TestApp, method: Method, uri: &str, login: &Login, if_match: Option<&str>, body: serde_json::Value) -> Reply {
    let mut req = authed(method, uri, login).header("content-type", "application/json");
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    app.send(req.body(Body::from(body.to_string())).unwrap()).await
}

fn page_body(title: &str, asset: Option<serde_json::Value>) -> serde_json::Value {
    let mut components = vec![
        json!({ "id": "t1", "type": "title", "text": title, "level": 1 }),
        json!({ "id": "x1", "type": "text", "paragraphs": [{ "runs": [{ "text": "Hello " }, { "text": "world", "bold": true, "link": "https://example.com" }] }] }),
    ];
    if let Some(a) = asset {
        components.push(json!({ "id": "i1", "type": "image", "asset": a.clone(), "alt": { "mode": "dam" }, "caption": "At dawn" }));
        components.push(json!({ "id": "d1", "type": "download", "asset": a, "disposition": "attachment" }));
    }
    json!({ "title": title, "components": components })
}

#[tokio::test]
async fn pages_save_with_if_match_and_a_stale_save_is_a_conflict() {
    let app = TestApp::sites();
    let login = app.login("ksaner").await;
    assert_eq!(send(&app, Method::POST, "/api/pages/content/site", &login, None, json!({ "title": "Site" })).await.status, StatusCode::CREATED);
    let created = send(&app, Method::POST, "/api/pages/content/site/en", &login, None, json!({ "title": "English" })).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.header("etag"), Some("\"v1\""));
    let orphan = send(&app, Method::POST, "/api/pages/content/site/fr/home", &login, None, json!({ "title": "x" })).await;
    assert_eq!((orphan.status, orphan.error_code().as_str()), (StatusCode::NOT_FOUND, "page_not_found"));

    // Two tabs open version 1; the first saves, the second's save is refused.
    let first = send(&app, Method::PUT, "/api/pages/content/site/en", &login, Some("\"v1\""), page_body("First tab", None)).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert_eq!(first.header("etag"), Some("\"v2\""));
    let second = send(&app, Method::PUT, "/api/pages/content/site/en", &login, Some("\"v1\""), page_body("Second tab", None)).await;
    assert_eq!((second.status, second.error_code().as_str()), (StatusCode::PRECONDITION_FAILED, "version_conflict"));
    assert!(second.json()["error"]["message"].as_str().unwrap().contains("reload"));
    let stored = app.get("/api/pages/content/site/en", Some(&login)).await.json();
    assert_eq!(stored["title"], "First tab", "nothing is overwritten silently");
    assert_eq!(stored["components"][1]["paragraphs"][0]["runs"][1]["bold"], true);

    let unconditional = send(&app, Method::PUT, "/api/pages/content/site/en", &login, None, page_body("x", None)).await;
    assert_eq!(unconditional.status, StatusCode::PRECONDITION_REQUIRED);
    let bad_link =
        json!({ "title": "x", "components": [{ "id": "a", "type": "text", "paragraphs": [{ "runs": [{ "text": "x", "link": "javascript:alert(1)" }] }] }] });
    let refused = send(&app, Method::PUT, "/api/pages/content/site/en", &login, Some("\"v2\""), bad_link).await;
    assert_eq!((refused.status, refused.error_code().as_str()), (StatusCode::BAD_REQUEST, "bad_metadata"));
    let unknown =
        send(&app, Method::PUT, "/api/pages/content/site/en", &login, Some("\"v2\""), json!({ "title": "x", "components": [{ "id": "a", "type": "video" }] }))
            .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    let viewer = app.login("viewer").await;
    assert_eq!(app.get("/api/pages/content/site/en", Some(&viewer)).await.status, StatusCode::OK);
    assert_eq!(send(&app, Method::PUT, "/api/pages/content/site/en", &viewer, Some("\"v2\""), page_body("x", None)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/pages/content/site/en", None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn publishing_renders_the_page_with_its_local_assets() {
    let app = TestApp::sites();
    let login = app.login("ksaner").await;
    app.create_folder("/content/dam/photos", &login).await;
    app.upload("/content/dam/photos/lake.jpg?title=Lake", "image/jpeg", jpeg(1600, 900), &login).await;
    let asset = app.processed("/content/dam/photos/lake.jpg", &login).await;
    let patch = app
        .send(
            authed(Method::PATCH, "/api/assets/content/dam/photos/lake.jpg", &login)
                .header("content-type", "application/json")
                .body(Body::from("{\"description\":\"A lake at dawn\"}"))
                .unwrap(),
        )
        .await;
    assert_eq!(patch.status, StatusCode::OK);
    let asset_ref = json!({
        "repository": null, "path": asset["path"], "title": asset["title"], "description": "", "mime": asset["mime"],
        "size": asset["size"], "width": asset["width"], "height": asset["height"], "renditions": asset["renditions"],
    });
    send(&app, Method::POST, "/api/pages/content/site", &login, None, json!({ "title": "Site" })).await;
    let saved = send(&app, Method::PUT, "/api/pages/content/site", &login, Some("\"v1\""), page_body("Lakes", Some(asset_ref))).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);

    let refs = app.get("/api/references/content/dam/photos/lake.jpg", Some(&login)).await.json();
    assert_eq!(refs["by_deployment"][0]["pages"][0], "/content/site", "saving records the page's local references");

    let preview = app.get("/api/preview/content/site", Some(&login)).await;
    assert_eq!(preview.status, StatusCode::OK);
    let preview_html = String::from_utf8(preview.body.to_vec()).unwrap();
    assert!(preview_html.contains("<h1>Lakes</h1>") && preview_html.contains("/api/renditions/web-1280/content/dam/photos/lake.jpg"), "{preview_html}");
    assert_eq!(app.get("/api/preview/content/site", None).await.status, StatusCode::UNAUTHORIZED, "a preview is for authors");

    let plan = app.get("/api/publish/content/site", Some(&login)).await.json();
    assert_eq!(plan["assets"].as_array().unwrap().len(), 2);
    assert_eq!(plan["assets"][0]["state"], "local");
    assert_eq!(app.get("/content/site.html", None).await.status, StatusCode::NOT_FOUND, "not published yet");

    let published = send(&app, Method::POST, "/api/publish/content/site", &login, None, json!({})).await;
    assert_eq!(published.status, StatusCode::OK, "{:?}", published.body);
    assert_eq!(published.json()["url"], "/content/site.html");

    let page = app.get("/content/site.html", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-security-policy").unwrap().starts_with("default-src 'none'"));
    let html = String::from_utf8(page.body.to_vec()).unwrap();
    assert!(html.contains("<h1>Lakes</h1>"));
    assert!(html.contains("alt=\"A lake at dawn\""), "alt text from the DAM, resolved when rendering");
    assert!(html.contains("width=\"1600\" height=\"900\"") && html.contains("fetchpriority=\"high\""));
    assert!(html.contains(" 319w, ") && html.contains(" 1280w\""), "{html}");
    // The <img>'s own srcset (JPEG); a WebP <source> comes before it.
    let srcset = html.split("<img ").nth(1).unwrap().split("srcset=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let widths: Vec<&str> = srcset.split(", ").map(|c| c.rsplit(' ').next().unwrap()).collect();
    assert_eq!(widths, ["319w", "640w", "960w", "1280w"], "every policy width below the original's, renditions standing in where they can");
    let between = srcset.split(", ").find(|c| c.ends_with(" 640w")).unwrap().split(' ').next().unwrap().to_owned();
    let rendered = app.get(&between, None).await;
    assert_eq!(rendered.status, StatusCode::OK, "{between}");
    assert_eq!(decode_dimensions(&rendered.body).0, 640);

    // The same picture as WebP, for browsers that take it: every width up to the
    // original's, and the JPEG <img> stays as the fallback.
    let webp = html.split("<source type=\"image/webp\" srcset=\"").nth(1).expect("a WebP source").split('"').next().unwrap().to_owned();
    let candidates: Vec<(&str, &str)> = webp.split(", ").map(|c| c.split_once(' ').unwrap()).collect();
    assert_eq!(candidates.iter().map(|(_, w)| *w).collect::<Vec<_>>(), ["320w", "640w", "960w", "1280w", "1600w"], "{webp}");
    let (url, _) = candidates[1];
    let lighter = app.get(url, None).await;
    assert_eq!((lighter.status, lighter.header("content-type")), (StatusCode::OK, Some("image/webp")), "{url}");
    assert!(lighter.body.starts_with(b"RIFF") && &lighter.body[8..12] == b"WEBP", "a WebP file");
    let as_jpeg = app.get(&between, None).await;
    assert!(lighter.body.len() < as_jpeg.body.len(), "WebP {} bytes against JPEG {} bytes", lighter.body.len(), as_jpeg.body.len());
    assert_eq!(app.get(&url.replace(".webp", ".gif"), None).await.status, StatusCode::NOT_FOUND, "no other formats");
    assert!(html.contains("(JPEG, "), "downloads show format and size");
    let src = html.split("src=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let image = app.get(&src, None).await;
    assert_eq!(image.status, StatusCode::OK, "anyone can load a published image: {src}");
    assert_eq!(decode_dimensions(&image.body), (1280, 720));
    assert!(image.header("cache-control").unwrap().contains("immutable"));
    let unpublished = app.get(&format!("/published/{}", "0".repeat(64)), None).await;
    assert_eq!(unpublished.status, StatusCode::NOT_FOUND, "only blobs of published pages are public");

    let refused = app.send(authed(Method::DELETE, "/api/assets/content/dam/photos/lake.jpg", &login).body(Body::empty()).unwrap()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "the page's reference guards the asset");
}

#[tokio::test]
async fn a_page_description_is_saved_and_becomes_the_published_meta_description() {
    let app = TestApp::sites();
    let login = app.login("ksaner").await;
    assert_eq!(send(&app, Method::POST, "/api/pages/content/site", &login, None, json!({ "title": "Site" })).await.status, StatusCode::CREATED);
    let mut body = page_body("Lakes", None);
    body["description"] = json!("Lakes at dawn, \"calm\" & cold.");
    let saved = send(&app, Method::PUT, "/api/pages/content/site", &login, Some("\"v1\""), body.clone()).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    assert_eq!(app.get("/api/pages/content/site", Some(&login)).await.json()["description"], "Lakes at dawn, \"calm\" & cold.");

    body["description"] = json!("é".repeat(1025));
    let refused = send(&app, Method::PUT, "/api/pages/content/site", &login, Some("\"v2\""), body).await;
    assert_eq!((refused.status, refused.error_code().as_str()), (StatusCode::BAD_REQUEST, "bad_metadata"));
    assert_eq!(app.get("/api/pages/content/site", Some(&login)).await.json()["version"], 2, "nothing changed");

    assert_eq!(send(&app, Method::POST, "/api/publish/content/site", &login, None, json!({})).await.status, StatusCode::OK);
    let html = String::from_utf8(app.get("/content/site.html", None).await.body.to_vec()).unwrap();
    assert!(html.contains("<meta name=\"description\" content=\"Lakes at dawn, &quot;calm&quot; &amp; cold.\">"), "{html}");
    assert!(html.contains("<link rel=\"canonical\" href=\"http://127.0.0.1:4503/content/site.html\">"), "the canonical URL is absolute: {html}");
}

#[tokio::test]
async fn pages_move_and_delete_with_their_children() {
    let app = TestApp::sites();
    let login = app.login("admin").await;
    for (path, title) in [("/content/site", "Site"), ("/content/site/en", "En"), ("/content/site/en/men", "Men")] {
        assert_eq!(send(&app, Method::POST, &format!("/api/pages{path}"), &login, None, json!({ "title": title })).await.status, StatusCode::CREATED);
    }
    let moved = send(&app, Method::POST, "/api/page-move/content/site/en", &login, None, json!({ "to": "/content/site/english" })).await;
    assert_eq!(moved.status, StatusCode::NO_CONTENT);
    let list = app.get("/api/pages", Some(&login)).await.json();
    let paths: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/content/site", "/content/site/english", "/content/site/english/men"]);
    let below_itself = send(&app, Method::POST, "/api/page-move/content/site", &login, None, json!({ "to": "/content/site/english/x" })).await;
    assert_eq!(below_itself.status, StatusCode::BAD_REQUEST);
    let deleted = app.send(authed(Method::DELETE, "/api/pages/content/site/english", &login).body(Body::empty()).unwrap()).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/pages", Some(&login)).await.json().as_array().unwrap().len(), 1);
    let bad = app.get("/api/pages/content/dam/x", Some(&login)).await;
    assert_eq!((bad.status, bad.error_code().as_str()), (StatusCode::BAD_REQUEST, "bad_page_path"));
}
