//! Link and URL schemes through save, preview and publish: whatever a page holds,
//! its HTML never carries a script URL, and the published HTML is safe even where no
//! Content-Security-Policy protects it.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;
use crate::scope::{send, version};

/// URLs no page may link to or load from.
const HOSTILE_URLS: &[&str] = &[
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "javascript:alert(document.cookie)//",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\u{0}javascript:alert(1)",
    "javascript&colon;alert(1)",
    "jav&#x09;ascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example\\x",
    "https://evil.example/\"><script>alert(1)</script>",
    "file:///etc/passwd",
    "blob:http://evil.example/x",
    "about:blank",
    "http://evil.example/x\" onerror=\"alert(1)",
];

/// Every href, src and srcset value in `html`.
fn urls_in(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\"", "srcset=\""] {
        for part in html.split(attr).skip(1) {
            out.push(part.split('"').next().unwrap_or_default().to_owned());
        }
    }
    out
}

fn assert_only_safe_urls(html: &str, what: &str) {
    for url in urls_in(html) {
        let lower = url.to_ascii_lowercase();
        for candidate in lower.split(", ") {
            let candidate = candidate.trim();
            let ok = candidate.starts_with('/') && !candidate.starts_with("//") && !candidate.starts_with("/\\")
                || candidate.starts_with("https://")
                || candidate.starts_with("http://")
                || candidate.starts_with("mailto:")
                || candidate.starts_with('#');
            assert!(ok, "{what}: unsafe URL {url:?} in {html}");
            assert!(!candidate.contains("evil.example") || candidate.starts_with("http"), "{what}: {url:?}");
        }
    }
    assert!(!html.to_ascii_lowercase().contains("javascript:"), "{what}: {html}");
    assert!(!html.contains("onerror=\"") && !html.contains("<script"), "{what}: {html}");
}

#[tokio::test]
async fn hostile_links_and_urls_never_reach_html() {
    let app = TestApp::sites();
    let author = app.login("ksaner").await;
    app.create_folder("/content/dam/photos", &author).await;
    app.upload("/content/dam/photos/lake.png", "image/png", png(64, 48), &author).await;
    app.processed("/content/dam/photos/lake.png", &author).await;
    assert_eq!(send(&app, Method::POST, "/api/pages/content/site", &author, None, json!({ "title": "Site" })).await.status, StatusCode::CREATED);
    let mut saved = 0;
    let mut refused = 0;
    for url in HOSTILE_URLS {
        let text = json!({ "id": "x", "type": "text", "paragraphs": [{ "runs": [{ "text": "click", "link": url }] }] });
        let image_link = json!({ "id": "i", "type": "image", "link": url, "alt": { "mode": "dam" } });
        let area = json!({ "id": "i", "type": "image", "alt": { "mode": "dam" }, "edit": { "areas": [{ "shape": { "shape": "rect", "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2 }, "link": url, "alt": "a" }] } });
        let repository = json!({ "id": "d", "type": "download", "disposition": "attachment", "asset": {
            "repository": url, "path": "/content/dam/photos/lake.png", "title": "Lake", "mime": "image/png", "size": 1, "width": 64, "height": 48,
            "renditions": [{ "name": "original", "href": "/x" }] } });
        let hostile_renditions = json!({
            "repository": null, "path": "/content/dam/photos/lake.png", "title": "Lake", "mime": "image/png", "size": 1, "width": 64, "height": 48,
            "renditions": [{ "name": "original", "href": url }, { "name": "web-1280", "href": url }, { "name": url, "href": url }] });
        let image_hrefs = json!({ "id": "r", "type": "image", "alt": { "mode": "dam" }, "asset": hostile_renditions });
        let download_hrefs = json!({ "id": "r", "type": "download", "disposition": "attachment", "asset": hostile_renditions });
        for component in [text, image_link, area, repository, image_hrefs, download_hrefs] {
            let v = version(&app, "/content/site", &author).await;
            let reply = send(&app, Method::PUT, "/api/pages/content/site", &author, Some(&v), json!({ "title": "Links", "components": [component] })).await;
            assert!(!reply.status.is_server_error(), "{url:?}: {}", reply.status);
            if reply.status != StatusCode::OK {
                assert!(reply.status.is_client_error(), "{url:?}");
                refused += 1;
                continue;
            }
            saved += 1;
            let preview = app.get("/api/preview/content/site", Some(&author)).await;
            assert_eq!(preview.status, StatusCode::OK);
            assert_only_safe_urls(&String::from_utf8_lossy(&preview.body), &format!("preview with {url:?}"));
            let published = send(&app, Method::POST, "/api/publish/content/site", &author, None, json!({})).await;
            assert_eq!(published.status, StatusCode::OK, "{:?}", published.body);
            let html = app.get("/content/site.html", None).await;
            assert_only_safe_urls(&String::from_utf8_lossy(&html.body), &format!("published page with {url:?}"));
        }
    }
    assert!(refused >= HOSTILE_URLS.len() * 3, "links and repositories that are not URLs of a page are refused at save ({refused})");
    assert!(saved >= HOSTILE_URLS.len(), "saved rendition hrefs are ignored, not trusted ({saved} saved)");
    eprintln!("link-scheme corpus: {} URLs, {saved} pages saved and published, {refused} refused", HOSTILE_URLS.len());
}
