//! An asset's versions: every binary it has had. A new binary is a new version; the
//! earlier ones keep their originals, readable at `/api/renditions/original/...?version=N`.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use serde::Deserialize;
use tessera_model::{api_url, ErrorBody, VersionDto};
use tessera_repo::{NewVersion, VersionRecord};

use crate::auth::{authorize, Action, Principal};
use crate::error::AppError;
use crate::extract::{ApiDamPath, ApiQuery, UploadBody};
use crate::handlers::dam::{body_reader, declared_file};
use crate::state::AppState;

fn version_dto(path: &tessera_model::DamPath, v: VersionRecord) -> VersionDto {
    VersionDto {
        number: v.number,
        href: format!("{}?version={}", api_url("renditions/original", path), v.number),
        mime: v.original.mime,
        size: v.original.size,
        width: v.original.width,
        height: v.original.height,
        comment: v.comment,
        created_by: v.created_by,
        created_at: v.created_at,
    }
}

#[utoipa::path(
    get,
    path = "/versions/{path}",
    tag = "DAM",
    summary = "An asset's versions, oldest first; the last is the asset itself",
    params(ApiDamPath),
    responses((status = 200, description = "OK", body = Vec<VersionDto>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<Vec<VersionDto>>, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    let versions = state.repo.versions(&path).await?;
    Ok(Json(versions.into_iter().map(|v| version_dto(&path, v)).collect()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NewVersionQuery {
    /// Why the binary changes, for the asset's timeline.
    #[param(max_length = 1024)]
    comment: Option<String>,
}

#[utoipa::path(
    post,
    path = "/versions/{path}",
    tag = "DAM",
    summary = "Replace an asset's binary: the raw bytes, their type in Content-Type; the earlier binary stays as a version",
    params(ApiDamPath, NewVersionQuery),
    request_body(content((UploadBody = "application/octet-stream"), (UploadBody = "image/jpeg")), description = "The file's bytes"),
    responses((status = 201, description = "Created", body = VersionDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiQuery(query): ApiQuery<NewVersionQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<VersionDto>), AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    let declared_mime = declared_file(&state, &headers)?;
    let request = NewVersion { path: path.clone(), declared_mime, comment: query.comment.unwrap_or_default().trim().to_owned(), user: user.name().to_owned() };
    let version = state.repo.new_version(request, body_reader(body)).await?;
    tracing::info!(%path, version = version.number, size = version.original.size, "new version");
    Ok((StatusCode::CREATED, Json(version_dto(&path, version))))
}
