//! `/api/permissions/content/dam/...`: groups' access to folders.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use tessera_model::access::is_within;
use tessera_model::ErrorBody;
use tessera_model::{PermissionRule, SetPermission};

use crate::auth::{authorize, Action, Principal};
use crate::config::GROUPS;
use crate::error::AppError;
use crate::extract::{ApiDamPath, ApiJson};
use crate::state::AppState;

/// The rules on this folder and the folders above it, outermost first.
#[utoipa::path(
    get,
    path = "/permissions/{path}",
    tag = "Permissions",
    summary = "Permission rules on a folder and above it",
    params(ApiDamPath),
    responses((status = 200, description = "OK", body = Vec<PermissionRule>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<Vec<PermissionRule>>, AppError> {
    authorize(&state, &principal, Action::Administer, &path)?;
    state.repo.folder(&path).await?;
    let mut rules: Vec<_> = state.repo.permission_rules().into_iter().filter(|r| is_within(&path, &r.folder)).collect();
    rules.sort_by(|a, b| a.folder.as_str().len().cmp(&b.folder.as_str().len()).then(a.group.cmp(&b.group)));
    Ok(Json(rules))
}

#[utoipa::path(
    put,
    path = "/permissions/{path}",
    tag = "Permissions",
    summary = "Set or remove a group's access to a folder",
    params(ApiDamPath),
    request_body = SetPermission,
    responses((status = 204, description = "Done"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn set(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiJson(req): ApiJson<SetPermission>,
) -> Result<StatusCode, AppError> {
    authorize(&state, &principal, Action::Administer, &path)?;
    if !GROUPS.contains(&req.group.as_str()) {
        return Err(AppError::bad_request("unknown_group", format!("Unknown group {:?} (known: {}).", req.group, GROUPS.join(", "))));
    }
    state.repo.set_permission(&path, &req.group, req.access).await?;
    tracing::info!(%path, group = %req.group, access = ?req.access, "permission set");
    Ok(StatusCode::NO_CONTENT)
}
