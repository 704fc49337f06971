//! The tag taxonomy: `/api/tags`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use tessera_model::ErrorBody;
use tessera_model::{CreateTag, DamPath, TagDto, TagId};

use crate::auth::{authorize, Action, Principal};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/tags",
    tag = "Tags",
    summary = "The tag taxonomy",
    responses((status = 200, description = "OK", body = Vec<TagDto>), (status = 401, body = ErrorBody))
)]
pub async fn list(State(state): State<AppState>, Extension(principal): Extension<Principal>) -> Result<Json<Vec<TagDto>>, AppError> {
    authorize(&state, &principal, Action::Read, &DamPath::root())?;
    let tags = state.repo.tags().await?;
    Ok(Json(tags.into_iter().map(|t| TagDto { tag: t.tag, title: t.title }).collect()))
}

/// Creates a tag (and the tags above it that are missing), or retitles one.
#[utoipa::path(
    post,
    path = "/tags",
    tag = "Tags",
    summary = "Create or retitle a tag",
    request_body = CreateTag,
    responses((status = 201, description = "Created", body = TagDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiJson(req): ApiJson<CreateTag>,
) -> Result<(StatusCode, Json<TagDto>), AppError> {
    authorize(&state, &principal, Action::Write, &DamPath::root())?;
    let t = state.repo.create_tag(&req.tag, req.title).await?;
    Ok((StatusCode::CREATED, Json(TagDto { tag: t.tag, title: t.title })))
}

#[utoipa::path(
    delete,
    path = "/tags/{tag}",
    tag = "Tags",
    summary = "Delete a tag and the tags under it",
    params(("tag" = TagId, Path, description = "The tag, e.g. products:shoes/running")),
    responses((status = 204, description = "Done"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn delete(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> Result<StatusCode, AppError> {
    let tag = TagId::parse(&raw).map_err(|e| AppError::bad_request("bad_tag", e.to_string()))?;
    authorize(&state, &principal, Action::Write, &DamPath::root())?;
    state.repo.delete_tag(&tag).await?;
    Ok(StatusCode::NO_CONTENT)
}
