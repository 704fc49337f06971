//! One error type for every handler. The client gets a status and a safe message;
//! the full error travels in the response's extensions to [`log_errors`], which logs
//! it once.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use tessera_model::{ErrorBody, ErrorDetail};
use tessera_repo::RepoError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A refusal the client can act on.
    #[error("{message}")]
    Refused { status: StatusCode, code: &'static str, message: String },
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        AppError::Refused { status, code, message: message.into() }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::refused(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthenticated() -> Self {
        Self::refused(StatusCode::UNAUTHORIZED, "not_logged_in", "Log in to see this.")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::refused(StatusCode::FORBIDDEN, "forbidden", message)
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        use RepoError as R;
        match self {
            AppError::Refused { status, code, .. } => (*status, code),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            AppError::Repo(e) => match e {
                R::NotFound(_) | R::NoSuchRendition(_) | R::NoSuchVersion(_) => (StatusCode::NOT_FOUND, "not_found"),
                R::BadQuery(_) => (StatusCode::BAD_REQUEST, "bad_query"),
                R::BadMetadata(_) => (StatusCode::BAD_REQUEST, "bad_metadata"),
                R::UnknownTag(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unknown_tag"),
                R::Referenced { .. } => (StatusCode::CONFLICT, "referenced"),
                R::ConnectedCopy(_) => (StatusCode::CONFLICT, "connected_copy"),
                R::Locked { .. } => (StatusCode::LOCKED, "locked"),
                R::NoSuchCollection(_) => (StatusCode::NOT_FOUND, "not_found"),
                R::CollectionReadOnly(_) => (StatusCode::FORBIDDEN, "forbidden"),
                R::NoSuchShareLink => (StatusCode::NOT_FOUND, "not_found"),
                R::NotCheckedOut(_) => (StatusCode::CONFLICT, "not_checked_out"),
                R::NotALiveCopy(_) => (StatusCode::CONFLICT, "not_a_live_copy"),
                R::NotADirectLiveCopy { .. } => (StatusCode::CONFLICT, "not_a_direct_live_copy"),
                R::LiveCopyBinary { .. } => (StatusCode::CONFLICT, "live_copy"),
                R::Suspended(_) => (StatusCode::CONFLICT, "suspended"),
                R::SourceMissing(_) => (StatusCode::CONFLICT, "source_missing"),
                R::TypeChanged { .. } => (StatusCode::CONFLICT, "type_changed"),
                R::MoveIntoSelf => (StatusCode::BAD_REQUEST, "move_into_self"),
                R::CopyIntoSelf => (StatusCode::BAD_REQUEST, "copy_into_self"),
                R::PageMissing(_) => (StatusCode::NOT_FOUND, "page_not_found"),
                R::PageExists(_) => (StatusCode::CONFLICT, "page_exists"),
                R::VersionConflict { .. } => (StatusCode::PRECONDITION_FAILED, "version_conflict"),
                R::RootIsFixed => (StatusCode::BAD_REQUEST, "root_is_fixed"),
                R::ParentMissing(_) => (StatusCode::NOT_FOUND, "parent_not_found"),
                R::AlreadyExists(_) => (StatusCode::CONFLICT, "already_exists"),
                R::BadPath(_) => (StatusCode::BAD_REQUEST, "bad_path"),
                R::EmptyUpload => (StatusCode::BAD_REQUEST, "empty_upload"),
                R::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
                R::TypeMismatch { .. } => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "type_mismatch"),
                R::UnsupportedType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type"),
                R::TooManyPixels { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "too_many_pixels"),
                R::UndecodableImage(_) => (StatusCode::UNPROCESSABLE_ENTITY, "undecodable_image"),
                R::UploadInterrupted(_) => (StatusCode::BAD_REQUEST, "upload_interrupted"),
                R::BlobMissing(_) => (StatusCode::NOT_FOUND, "blob_missing"),
                R::StoreUnavailable { .. } | R::DatabaseUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "store_unavailable"),
                R::Io { .. } | R::Database(_) | R::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            },
        }
    }
}

/// The full error, for the logging middleware only; never serialised.
#[derive(Clone)]
struct LoggedError(Arc<String>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        // A refusal's message is written for the client (a 502 or 504 from the remote
        // DAM says what happened); any other server error keeps its cause in the log.
        let message = match &self {
            AppError::Repo(RepoError::StoreUnavailable { .. } | RepoError::DatabaseUnavailable(_)) => {
                "The storage is not answering just now. Try again in a moment.".to_owned()
            }
            AppError::Refused { .. } => self.to_string(),
            _ if status.is_server_error() => "Something went wrong on the server. Try again; if it keeps failing, tell an administrator.".to_owned(),
            _ => self.to_string(),
        };
        if let AppError::Repo(RepoError::BlobMissing(hash)) = &self {
            // The catalog and the store disagree: the operator must hear of it.
            tracing::error!(blob = %hash, "a blob the catalog names is missing from the blob store");
        }
        let holder = match &self {
            AppError::Repo(RepoError::Locked { holder, .. }) => Some(holder.clone()),
            _ => None,
        };
        let body = ErrorBody { error: ErrorDetail { code: code.to_owned(), message, holder } };
        let mut response = (status, Json(body)).into_response();
        if matches!(self, AppError::Repo(RepoError::StoreUnavailable { .. } | RepoError::DatabaseUnavailable(_))) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("5"));
        }
        response.extensions_mut().insert(LoggedError(Arc::new(error_chain(&self))));
        response
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

/// A request path as logs may show it: a share link's token is a secret, and is
/// left out.
pub fn loggable_path(path: &str) -> String {
    for prefix in ["/api/shared/", "/share/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let after = rest.find('/').map_or("", |i| &rest[i..]);
            return format!("{prefix}<token>{after}");
        }
    }
    path.to_owned()
}

/// Logs each error response once, with its full cause.
pub async fn log_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = loggable_path(request.uri().path());
    let response = next.run(request).await;
    if let Some(LoggedError(full)) = response.extensions().get::<LoggedError>() {
        let status = response.status();
        if status.is_server_error() {
            tracing::error!(%method, %path, %status, error = %full, "request failed");
        } else {
            tracing::info!(%method, %path, %status, error = %full, "request refused");
        }
    }
    response
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        AppError::refused(status, "bad_json", r.body_text())
    }
}

impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        AppError::bad_request("bad_path", r.body_text())
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        AppError::bad_request("bad_query", r.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn share_tokens_never_reach_the_log() {
        assert_eq!(loggable_path("/share/abcdef"), "/share/<token>");
        assert_eq!(loggable_path("/api/shared/abcdef/original/content/dam/a.jpg"), "/api/shared/<token>/original/content/dam/a.jpg");
        assert_eq!(loggable_path("/api/assets/content/dam/a.jpg"), "/api/assets/content/dam/a.jpg");
    }
}
