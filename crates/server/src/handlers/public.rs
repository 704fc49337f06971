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
    let csp = format!("default-src 'none'; img-src 'self' {remote}; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    let mut r = (StatusCode::OK, html).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CONTENT_SECURITY_POLICY, header_value(&csp));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    Ok(r)
}

pub async fn blob(State(state): State<AppState>, Path(hash): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let hash = BlobHash::parse(&hash).ok_or_else(not_found)?;
    let (file, mime) = state.repo.published_blob(&hash).await?.ok_or_else(not_found)?;
    // Named by content: a published blob never changes.
    let mut r = whole_blob(&file, &hash, &mime, &headers, "public, max-age=31536000, immutable").await?;
    if r.status() == StatusCode::OK && (!mime.starts_with("image/") || mime == "image/svg+xml") {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment"));
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    }
    Ok(r)
}
