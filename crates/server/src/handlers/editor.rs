//! The editor's files, served by a Sites deployment: `/editor` and its bundle.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::EditorFiles;
use crate::error::AppError;
use crate::state::AppState;

/// Routes for `/editor` (and its Async Jobs and Connected Assets Configuration
/// pages), `/www/*` and `/pkg/*`. Every answer carries the editor's policy: its
/// pages may load scripts only from this origin and talk only to this origin and the
/// remote DAM, and `www/embed.html`, the embedding example, lives by the same rule.
/// The editor's HTML has one address, `/editor`: `/www/index.html` leads there.
/// The browser UI a deployment serves from its files: the Assets console on every
/// deployment, the page editor on a Sites deployment, and the bundles and files
/// both load.
pub fn routes(files: &EditorFiles, state: AppState, ui: Ui) -> Router {
    let console = {
        let files = files.clone();
        get(move || html_page(files.clone(), "assets.html"))
    };
    let mut router = Router::new().route("/assets", console.clone()).route("/assets/", console);
    router = match ui {
        Ui::EditorAndConsole => {
            let page = {
                let files = files.clone();
                get(move || html_page(files.clone(), "index.html"))
            };
            router
                .route("/", get(|| async { Redirect::to("/editor") }))
                .route("/www/index.html", get(|| async { Redirect::permanent("/editor") }))
                .route("/editor", page.clone())
                .route("/editor/", page.clone())
                .route("/editor/jobs", page.clone())
                .route("/editor/connected-assets", page)
        }
        Ui::ConsoleOnly => router.route("/", get(|| async { Redirect::to("/assets") })),
    };
    router
        // The files under /www are edited in place and small: compressed as they go.
        .nest_service(
            "/www",
            ServiceBuilder::new().layer(CompressionLayer::new()).service(ServeDir::new(&files.www_dir).append_index_html_on_directories(false)),
        )
        // The bundle under /pkg is built with gzipped copies beside it.
        .nest_service(
            "/pkg",
            ServiceBuilder::new().layer(from_fn_with_state(files.clone(), kept_when_versioned)).service(ServeDir::new(&files.pkg_dir).precompressed_gzip()),
        )
        // Everything not asked for by its build keeps its name from build to build:
        // browsers keep it but ask whether it changed (Last-Modified) before each use.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .layer(from_fn_with_state(state, content_security_policy))
}

/// Which pages a deployment's UI has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ui {
    /// A Sites deployment: the page editor, and the console of its own DAM.
    EditorAndConsole,
    /// An Assets deployment: the console.
    ConsoleOnly,
}

/// The editor's or the console's HTML, naming this build of the bundles: `{{build}}` in it
/// becomes the content hash `cargo xtask build` wrote to `pkg/build-id` ([`current_build`]).
async fn html_page(files: EditorFiles, file: &'static str) -> Result<Response, AppError> {
    let html = tokio::fs::read_to_string(files.www_dir.join(file))
        .await
        .map_err(|_| AppError::refused(StatusCode::NOT_FOUND, "not_found", "This deployment serves no editor files."))?;
    let build = current_build(&files).await;
    let mut response = Html(html.replace("{{build}}", build.as_deref().unwrap_or(UNVERSIONED))).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// What the HTML names as its build when `pkg/build-id` is missing: its files are
/// then revalidated like any other.
const UNVERSIONED: &str = "unversioned";

/// 16 hexadecimal digits, as the build writes them.
fn is_build_id(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A bundle file asked for under its build (`/pkg/<build id>/tessera.js`) never
/// changes at that address while that build is served: browsers keep it for good.
/// The build is a path segment, not a query, because the console's lazily loaded
/// modules and its loader find each other by relative URLs (`./__wasm_split.js`),
/// which keep the segment and would drop a query. Asked for without the current
/// build, a file is revalidated.
async fn kept_when_versioned(State(files): State<EditorFiles>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let Some((build, rest)) = path.strip_prefix('/').and_then(|p| p.split_once('/')).filter(|(build, _)| is_build_id(build) || *build == UNVERSIONED) else {
        return next.run(request).await;
    };
    let current = current_build(&files).await.is_some_and(|id| id == build);
    let unversioned = format!("/{rest}");
    let Ok(uri) = axum::http::Uri::builder().path_and_query(unversioned).build() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    *request.uri_mut() = uri;
    let mut response = next.run(request).await;
    if current && response.status().is_success() {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    }
    response
}

/// The build `cargo xtask build` wrote to `pkg/build-id`, read on each request so a
/// rebuild is served at once.
async fn current_build(files: &EditorFiles) -> Option<String> {
    tokio::fs::read_to_string(files.pkg_dir.join("build-id")).await.ok().map(|id| id.trim().to_owned()).filter(|id| is_build_id(id))
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
