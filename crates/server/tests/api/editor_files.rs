//! The editor's own files: compressed on the wire, and cached by browsers only as
//! long as they have not changed.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use crate::common::*;

async fn get_compressed(app: &TestApp, uri: &str) -> Reply {
    app.send(Request::get(uri).header(header::ACCEPT_ENCODING, "gzip, br").body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn static_files_are_served_compressed_and_revalidated() {
    let app = TestApp::sites();
    let (www, pkg) = (app.dir.path().join("www"), app.dir.path().join("pkg"));
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>editor</title>").unwrap();
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
