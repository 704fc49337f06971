//! The editor's own files: compressed on the wire, and cached by browsers only as
//! long as they have not changed.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use crate::common::*;

async fn get_compressed(app: &TestApp, uri: &str) -> Reply {
    app.send(Request::get(uri).header(header::ACCEPT_ENCODING, "gzip, br").body(Body::empty()).unwrap()).await
}

/// The deployment's `www/` (with `index` as its index.html) and `pkg/` folders.
fn editor_files(app: &TestApp, index: &str) -> (PathBuf, PathBuf) {
    let (www, pkg) = (app.dir.path().join("www"), app.dir.path().join("pkg"));
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), index).unwrap();
    (www, pkg)
}

#[tokio::test]
async fn static_files_are_served_compressed_and_revalidated() {
    let app = TestApp::sites();
    let (www, pkg) = editor_files(&app, "<!doctype html><title>editor</title>");
    let css = ".toolbar { display: flex; }\n".repeat(200);
    std::fs::write(www.join("editor.css"), &css).unwrap();
    std::fs::write(pkg.join("tessera_bg.wasm"), b"\0asm-uncompressed").unwrap();
    std::fs::write(pkg.join("tessera_bg.wasm.gz"), b"gzipped-bytes").unwrap();

    let style = get_compressed(&app, "/www/editor.css").await;
    assert_eq!(style.status, StatusCode::OK);
    assert!(matches!(style.header("content-encoding"), Some("br" | "gzip")), "{:?}", style.headers);
    assert!(style.body.len() < css.len() / 4, "compressed: {} of {} bytes", style.body.len(), css.len());
    assert_eq!(style.header("cache-control"), Some("no-cache"), "kept, but asked about before each use");
    let modified = style.header("last-modified").expect("a validator to ask with").to_owned();
    let again = app.send(Request::get("/www/editor.css").header(header::IF_MODIFIED_SINCE, &modified).body(Body::empty()).unwrap()).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);

    let wasm = get_compressed(&app, "/pkg/tessera_bg.wasm").await;
    assert_eq!((wasm.status, wasm.header("content-encoding")), (StatusCode::OK, Some("gzip")));
    assert_eq!(&wasm.body[..], b"gzipped-bytes", "the gzipped copy built beside it");
    assert_eq!(wasm.header("cache-control"), Some("no-cache"));
    assert_eq!(get_compressed(&app, "/editor").await.header("cache-control"), Some("no-cache"));
}

#[tokio::test]
async fn the_editor_names_its_bundle_by_build_and_browsers_keep_those_files() {
    let app = TestApp::sites();
    let (_, pkg) = editor_files(&app, "<html data-build=\"{{build}}\"><script src=\"/pkg/{{build}}/tessera.js\"></script>");
    std::fs::write(pkg.join("tessera.js"), "export default 1;").unwrap();

    let unbuilt = app.get("/editor", None).await;
    assert_eq!(unbuilt.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&unbuilt.body).contains("/pkg/unversioned/tessera.js"), "no build id, no version to keep files by");
    let unversioned = app.get("/pkg/unversioned/tessera.js", None).await;
    assert_eq!((unversioned.status, unversioned.header("cache-control")), (StatusCode::OK, Some("no-cache")));

    std::fs::write(pkg.join("build-id"), "0123456789abcdef\n").unwrap();
    for view in ["/editor", "/editor/jobs"] {
        let page = app.get(view, None).await;
        assert_eq!(page.header("cache-control"), Some("no-cache"), "{view}: the page itself is always asked about");
        assert!(page.header("content-security-policy").is_some());
        let html = String::from_utf8(page.body.to_vec()).unwrap();
        assert!(html.contains("data-build=\"0123456789abcdef\"") && html.contains("/pkg/0123456789abcdef/tessera.js"), "{html}");
    }
    let kept = app.get("/pkg/0123456789abcdef/tessera.js", None).await;
    assert_eq!((kept.status, kept.header("cache-control")), (StatusCode::OK, Some("public, max-age=31536000, immutable")));
    assert_eq!(&kept.body[..], b"export default 1;");
    assert_eq!(app.get("/pkg/tessera.js", None).await.header("cache-control"), Some("no-cache"), "unversioned: revalidated");
    let old = app.get("/pkg/fedcba9876543210/tessera.js", None).await;
    assert_eq!((old.status, old.header("cache-control")), (StatusCode::OK, Some("no-cache")), "another build's address is not kept for good");
    assert_eq!(app.get("/pkg/0123456789abcdef/missing.js", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/pkg/0123456789abcdef/../build-id", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/pkg/%3Cscript%3E/tessera.js", None).await.status, StatusCode::NOT_FOUND);
}
