//! Answering with a stored blob: conditional requests, validators, streaming.

use std::path::Path;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tessera_repo::BlobHash;
use tokio_util::io::ReaderStream;

use crate::error::AppError;

pub fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

pub fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

/// The whole blob at `file`, named by its content `hash`: 304 when the client has it,
/// else streamed. The ETag and `cache` go on either answer.
pub async fn whole_blob(file: &Path, hash: &BlobHash, mime: &str, headers: &HeaderMap, cache: &'static str) -> Result<Response, AppError> {
    let etag = format!("\"{hash}\"");
    let mut r = if etag_matches(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let f = open_blob(file, hash).await?;
        let mut r = Body::from_stream(ReaderStream::new(f)).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, header_value(mime));
        r
    };
    r.headers_mut().insert(header::ETAG, header_value(&etag));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(r)
}

/// Opens a stored blob. One that the catalog names but the store has lost answers
/// 404 (the client cannot do better by retrying) and is logged for the operator.
pub async fn open_blob(file: &Path, hash: &BlobHash) -> Result<tokio::fs::File, AppError> {
    match tokio::fs::File::open(file).await {
        Ok(f) => Ok(f),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::error!(blob = %hash, "a blob the catalog names is missing from the blob store");
            Err(AppError::refused(StatusCode::NOT_FOUND, "blob_missing", "The file's bytes are no longer stored here."))
        }
        Err(e) => Err(AppError::Internal(format!("opening blob {hash}: {e}"))),
    }
}
