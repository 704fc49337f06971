//! The editor's files, served by a Sites deployment: `/editor` and its bundle.

use axum::http::{header, HeaderValue};
use axum::response::Redirect;
use axum::routing::get;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::EditorFiles;

/// Routes for `/editor`, `/www/*` and `/pkg/*`. The editor page may load scripts only
/// from this origin and talk only to this origin and the remote DAM.
pub fn routes<S: Clone + Send + Sync + 'static>(files: &EditorFiles, remote_dam: Option<&str>) -> Router<S> {
    let remote = remote_dam.unwrap_or("");
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob: {remote}; connect-src 'self' {remote}; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
    );
    let csp = HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let index = ServeFile::new(files.www_dir.join("index.html"));
    Router::new()
        .route("/", get(|| async { Redirect::to("/editor") }))
        .route_service("/editor", index.clone())
        .route_service("/editor/", index)
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, csp))
        .nest_service("/www", ServeDir::new(&files.www_dir))
        .nest_service("/pkg", ServeDir::new(&files.pkg_dir).precompressed_gzip())
}
