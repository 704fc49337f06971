//! Extractors whose rejections are [`AppError`]s, so bad input gets the JSON error body.

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use tessera_model::DamPath;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::Required;
use utoipa::IntoParams;

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

/// A path parameter that spans segments (`{*path}` in the router), as OpenAPI says it.
fn wildcard_param(name: &str, pattern: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern))))
        .build()
}

impl IntoParams for ApiDamPath {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![wildcard_param("path", "^content/dam(/[^/]+)*$", "A DAM path without its leading slash, e.g. content/dam/photos/lake.jpg")]
    }
}

impl IntoParams for ApiPagePath {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![wildcard_param("path", "^content/[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$", "A page path without its leading slash, e.g. content/site/en")]
    }
}

/// `If-Match: "v<version>"` on a page save: the version the change was based on.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    #[param(rename = "If-Match", pattern = "^\"v[0-9]+\"$")]
    _version: String,
}

/// `If-Match: "a<16 hex digits>"` on a metadata change: the asset's `ETag` when the
/// change was begun; without it the change applies to whatever is current.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct AssetIfMatch {
    #[param(rename = "If-Match", pattern = "^\"a[0-9a-f]{16}\"$", required = false)]
    _tag: Option<String>,
}

/// An upload's body: the file's bytes, as they are.
pub struct UploadBody;

impl utoipa::PartialSchema for UploadBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary))).into()
    }
}

impl utoipa::ToSchema for UploadBody {}
