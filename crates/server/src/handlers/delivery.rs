//! Answering with a stored blob: conditional requests, validators, streaming.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tessera_repo::{BlobHash, Repo};
use tokio_util::io::ReaderStream;

use crate::error::AppError;

/// How much of a blob one read hands to the connection: large enough that a rendition
/// leaves in a few writes (the default 4 KiB makes hundreds).
pub const STREAM_CHUNK: usize = 64 * 1024;

pub fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

pub fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

/// The whole blob named by its content `hash`: 304 when the client has it, else
/// streamed from the store. The ETag and `cache` go on either answer.
pub async fn whole_blob(repo: &Repo, hash: &BlobHash, mime: &str, headers: &HeaderMap, cache: &'static str) -> Result<Response, AppError> {
    let etag = format!("\"{hash}\"");
    let mut r = if etag_matches(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let bytes = repo.open_blob(hash, None).await?;
        let mut r = Body::from_stream(ReaderStream::with_capacity(bytes, STREAM_CHUNK)).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, header_value(mime));
        r
    };
    r.headers_mut().insert(header::ETAG, header_value(&etag));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(r)
}
