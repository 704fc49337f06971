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

/// Blobs up to this size (every rendition and edited image) are read in one go and
/// sent with a `Content-Length` in one write; larger ones are streamed.
const WHOLE_READ: usize = 1024 * 1024;

/// A response body for `blob`: its bytes if it ends within [`WHOLE_READ`], else
/// what was read followed by the rest, streamed.
async fn body_of(mut blob: tessera_repo::BlobReader) -> Result<Body, AppError> {
    use tokio::io::AsyncReadExt;
    // One read into room for the whole blob and one more byte: a stored file answers
    // with all of it at once, where a growing buffer would take many reads.
    let mut head = Vec::with_capacity(WHOLE_READ + 1);
    while head.len() <= WHOLE_READ {
        if blob.read_buf(&mut head).await.map_err(|source| tessera_repo::RepoError::Io { context: "reading a blob", source })? == 0 {
            return Ok(Body::from(head));
        }
    }
    let rest = ReaderStream::with_capacity(blob, STREAM_CHUNK);
    let head = futures_util::stream::once(async move { Ok::<_, std::io::Error>(axum::body::Bytes::from(head)) });
    Ok(Body::from_stream(futures_util::StreamExt::chain(head, rest)))
}

/// The whole blob named by its content `hash`: 304 when the client has it, else
/// its bytes from the store (see [`body_of`]). The ETag and `cache` go on either answer.
pub async fn whole_blob(repo: &Repo, hash: &BlobHash, mime: &str, headers: &HeaderMap, cache: &'static str) -> Result<Response, AppError> {
    let etag = format!("\"{hash}\"");
    let mut r = if etag_matches(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let blob = repo.open_blob(hash, None).await?;
        let mut r = body_of(blob).await?.into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, header_value(mime));
        r
    };
    r.headers_mut().insert(header::ETAG, header_value(&etag));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    fn blob(len: usize) -> (Vec<u8>, tessera_repo::BlobReader) {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        (bytes.clone(), Box::pin(std::io::Cursor::new(bytes)))
    }

    #[tokio::test]
    async fn a_small_blob_is_one_body_of_known_length() {
        let (bytes, reader) = blob(200_000);
        let body = body_of(reader).await.unwrap();
        assert_eq!(axum::body::HttpBody::size_hint(&body).exact(), Some(200_000));
        assert_eq!(body.collect().await.unwrap().to_bytes(), bytes);
    }

    #[tokio::test]
    async fn a_blob_past_the_whole_read_is_streamed_whole() {
        for len in [WHOLE_READ, WHOLE_READ + 1, 3 * WHOLE_READ + 17] {
            let (bytes, reader) = blob(len);
            let body = body_of(reader).await.unwrap();
            let exact = axum::body::HttpBody::size_hint(&body).exact();
            assert_eq!(exact.is_some(), len <= WHOLE_READ, "{len} bytes");
            assert_eq!(body.collect().await.unwrap().to_bytes(), bytes, "{len} bytes");
        }
    }
}
