//! Extractors whose rejections are [`AppError`]s, so bad input gets the JSON error body.

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use tessera_model::DamPath;

use crate::error::AppError;

/// JSON body; a malformed one is a 400 (or 415 without `Content-Type: application/json`).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

/// The DAM path in a route's `{*path}` wildcard, validated.
pub struct ApiDamPath(pub DamPath);

impl<S: Send + Sync> FromRequestParts<S> for ApiDamPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let axum::extract::Path(raw) = axum::extract::Path::<String>::from_request_parts(parts, state).await?;
        parse_dam_path(&raw).map(ApiDamPath)
    }
}

/// The page path in a route's `{*path}` wildcard, validated.
pub struct ApiPagePath(pub tessera_model::PagePath);

impl<S: Send + Sync> FromRequestParts<S> for ApiPagePath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let axum::extract::Path(raw) = axum::extract::Path::<String>::from_request_parts(parts, state).await?;
        tessera_model::PagePath::parse(&format!("/{raw}")).map(ApiPagePath).map_err(|e| AppError::bad_request("bad_page_path", e.to_string()))
    }
}

/// Parses the decoded tail of an API URL (`content/dam/...`) as a DAM path.
pub fn parse_dam_path(raw: &str) -> Result<DamPath, AppError> {
    DamPath::parse(&format!("/{raw}")).map_err(|e| AppError::bad_request("bad_path", format!("Bad DAM path: {e}.")))
}
