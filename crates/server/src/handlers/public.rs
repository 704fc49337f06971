//! What anyone may fetch from a Sites deployment: published pages at
//! `/content/<site>/<page>.html` and the blobs they show at `/published/<sha256>`.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tessera_model::PagePath;
use tessera_repo::BlobHash;

use crate::error::AppError;
use crate::handlers::delivery::{header_value, whole_blob};
use crate::state::AppState;

fn not_found() -> AppError {
    AppError::refused(StatusCode::NOT_FOUND, "not_found", "There is no published page here.")
}

pub async fn page(State(state): State<AppState>, Path(rest): Path<String>) -> Result<Response, AppError> {
    let raw = rest.strip_suffix(".html").ok_or_else(not_found)?;
    let path = PagePath::parse(&format!("/content/{raw}")).map_err(|_| not_found())?;
    let html = state.repo.published_html(&path).await?.ok_or_else(not_found)?;
    let remote = state.remote_dam_url().unwrap_or_default();
    // No script may run, so `connect-src 'self'` opens nothing to a page's content;
    // it lets audit tools that read /robots.txt from within the page (Lighthouse) do so.
    let csp = format!(
        "default-src 'none'; img-src 'self' {remote}; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    );
    let mut r = (StatusCode::OK, html).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CONTENT_SECURITY_POLICY, header_value(&csp));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    Ok(r)
}

pub async fn blob(State(state): State<AppState>, Path(hash): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let hash = BlobHash::parse(&hash).ok_or_else(not_found)?;
    let mime = state.repo.published_blob(&hash).await?.ok_or_else(not_found)?;
    // Named by content: a published blob never changes.
    let mut r = whole_blob(&state.repo, &hash, &mime, &headers, "public, max-age=31536000, immutable").await?;
    if r.status() == StatusCode::OK && (!mime.starts_with("image/") || mime == "image/svg+xml") {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment"));
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    }
    Ok(r)
}

/// The site's icon: one small SVG, so no installed font or image format matters.
const ICON: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\"><rect width=\"32\" height=\"32\" rx=\"6\" fill=\"#1a5fd0\"/>\
<rect x=\"6\" y=\"6\" width=\"9\" height=\"9\" fill=\"#fff\"/><rect x=\"17\" y=\"6\" width=\"9\" height=\"9\" fill=\"#ffb000\"/>\
<rect x=\"6\" y=\"17\" width=\"9\" height=\"9\" fill=\"#ffb000\"/><rect x=\"17\" y=\"17\" width=\"9\" height=\"9\" fill=\"#fff\"/></svg>";

/// Published pages may be indexed; the API, the editor and the DAM may not.
const ROBOTS: &str = "User-agent: *\nDisallow: /api/\nDisallow: /editor\nDisallow: /www/\nDisallow: /pkg/\nAllow: /content/\nAllow: /published/\n";

/// `/favicon.ico`, `/favicon.svg` and `/robots.txt`, on every deployment.
pub fn site_files() -> axum::Router {
    let icon = || async { ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], ICON) };
    axum::Router::new()
        .route("/favicon.ico", axum::routing::get(icon))
        .route("/favicon.svg", axum::routing::get(icon))
        .route("/robots.txt", axum::routing::get(|| async { ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], ROBOTS) }))
}
