//! The tag taxonomy: `/api/tags`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use tessera_model::{CreateTag, DamPath, TagDto, TagId};

use crate::auth::{authorize, Action, Principal};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::state::AppState;

pub async fn list(State(state): State<AppState>, Extension(principal): Extension<Principal>) -> Result<Json<Vec<TagDto>>, AppError> {
    authorize(&state, &principal, Action::Read, &DamPath::root())?;
    let tags = state.repo.tags().await?;
    Ok(Json(tags.into_iter().map(|t| TagDto { tag: t.tag, title: t.title }).collect()))
}

/// Creates a tag (and the tags above it that are missing), or retitles one.
pub async fn create(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiJson(req): ApiJson<CreateTag>,
) -> Result<(StatusCode, Json<TagDto>), AppError> {
    authorize(&state, &principal, Action::Write, &DamPath::root())?;
    let t = state.repo.create_tag(&req.tag, req.title).await?;
    Ok((StatusCode::CREATED, Json(TagDto { tag: t.tag, title: t.title })))
}

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
