//! The editor's files, served by a Sites deployment: `/editor` and its bundle.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::EditorFiles;
use crate::state::AppState;

/// Routes for `/editor` (and its Async Jobs and Connected Assets Configuration
/// pages), `/www/*` and `/pkg/*`. Every answer carries the editor's policy: its
/// pages may load scripts only from this origin and talk only to this origin and the
/// remote DAM, and `www/embed.html`, the embedding example, lives by the same rule.
/// The editor's HTML has one address, `/editor`: `/www/index.html` leads there.
pub fn routes(files: &EditorFiles, state: AppState) -> Router {
    let index = ServeFile::new(files.www_dir.join("index.html"));
    Router::new()
        .route("/", get(|| async { Redirect::to("/editor") }))
        .route("/www/index.html", get(|| async { Redirect::permanent("/editor") }))
        .route_service("/editor", index.clone())
        .route_service("/editor/", index.clone())
        .route_service("/editor/jobs", index.clone())
        .route_service("/editor/connected-assets", index)
        // The files under /www are edited in place and small: compressed as they go.
        // The bundle under /pkg is built with gzipped copies beside it.
        .nest_service(
            "/www",
            ServiceBuilder::new().layer(CompressionLayer::new()).service(ServeDir::new(&files.www_dir).append_index_html_on_directories(false)),
        )
        .nest_service("/pkg", ServeDir::new(&files.pkg_dir).precompressed_gzip())
        // Names stay the same from build to build: browsers keep the files but ask
        // whether they changed (Last-Modified) before each use.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .layer(from_fn_with_state(state, content_security_policy))
}

/// The policy names the remote DAM as it is configured now: the administrator page
/// can change it while the server runs.
async fn content_security_policy(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let remote = state.remote_dam_url().unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob: {remote}; connect-src 'self' {remote}; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
    );
    let mut response = next.run(request).await;
    let value = HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    response
}
