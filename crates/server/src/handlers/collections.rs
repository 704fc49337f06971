//! Collections: assets a user gathers (or a saved search), shared with groups.
//! Who may see or change one is `repo::collections`' rule; what in it a viewer sees
//! is their read scope, as everywhere.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use tessera_model::{
    AssetPaths, CollectionAccessDto, CollectionContents, CollectionDto, CollectionShareDto, ErrorBody, NewCollection, RenameCollection, ShareCollection,
};
use tessera_repo::collections::{CollectionAccess, CollectionRecord, Viewer};

use crate::auth::{authorize_all, read_scope, Action, AuthenticatedUser, Principal, Target};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiQuery};
use crate::handlers::dam::asset_dto;
use crate::state::AppState;

/// Collections are for users who logged in.
fn user(principal: &Principal) -> Result<&AuthenticatedUser, AppError> {
    match principal {
        Principal::User(user) => Ok(user),
        Principal::Anonymous => Err(AppError::unauthenticated()),
    }
}

fn viewer(user: &AuthenticatedUser) -> Viewer<'_> {
    Viewer { name: &user.name, groups: &user.groups }
}

fn access_dto(a: CollectionAccess) -> CollectionAccessDto {
    match a {
        CollectionAccess::Read => CollectionAccessDto::Read,
        CollectionAccess::Edit => CollectionAccessDto::Edit,
    }
}

fn collection_dto(c: CollectionRecord, viewer: Viewer<'_>) -> CollectionDto {
    let access = viewer.access(&c).unwrap_or(CollectionAccess::Read);
    CollectionDto {
        owned: viewer.owns(&c),
        id: c.id,
        title: c.title,
        owner: c.owner,
        query: c.query,
        shares: c.shares.into_iter().map(|(group, a)| CollectionShareDto { group, access: access_dto(a) }).collect(),
        access: access_dto(access),
        created_at: c.created_at,
        modified_at: c.modified_at,
    }
}

#[utoipa::path(
    get,
    path = "/collections",
    tag = "Collections",
    summary = "The collections the caller owns or that are shared with their groups, by title",
    responses((status = 200, description = "OK", body = Vec<CollectionDto>), (status = 401, body = ErrorBody))
)]
pub async fn list(State(state): State<AppState>, Extension(principal): Extension<Principal>) -> Result<Json<Vec<CollectionDto>>, AppError> {
    let user = user(&principal)?;
    let found = state.repo.collections(viewer(user)).await?;
    Ok(Json(found.into_iter().map(|(c, _)| collection_dto(c, viewer(user))).collect()))
}

#[utoipa::path(
    post,
    path = "/collections",
    tag = "Collections",
    summary = "Create a collection, or a saved search with a query",
    request_body = NewCollection,
    responses((status = 201, description = "Created", body = CollectionDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiJson(req): ApiJson<NewCollection>,
) -> Result<(StatusCode, Json<CollectionDto>), AppError> {
    let user = user(&principal)?;
    let created = state.repo.create_collection(&req.title, &user.name, req.query).await?;
    tracing::info!(id = created.id, by = %user.name, "collection created");
    Ok((StatusCode::CREATED, Json(collection_dto(created, viewer(user)))))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContentsQuery {
    /// For a saved search: how many of its hits (at most 200).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

#[utoipa::path(
    get,
    path = "/collections/{id}",
    tag = "Collections",
    summary = "A collection with the assets in it that the caller may read (a saved search: what it finds now)",
    params(("id" = i64, Path, description = "The collection"), ContentsQuery),
    responses((status = 200, description = "OK", body = CollectionContents), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn get(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ContentsQuery>,
) -> Result<Json<CollectionContents>, AppError> {
    let user = user(&principal)?;
    let view = state.repo.collection_view(id, viewer(user), read_scope(&state, &principal), q.limit.unwrap_or(100).clamp(1, 200)).await?;
    Ok(Json(CollectionContents { collection: collection_dto(view.collection, viewer(user)), assets: view.assets.into_iter().map(asset_dto).collect() }))
}

#[utoipa::path(
    patch,
    path = "/collections/{id}",
    tag = "Collections",
    summary = "Rename a collection",
    params(("id" = i64, Path, description = "The collection")),
    request_body = RenameCollection,
    responses((status = 200, description = "OK", body = CollectionDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn rename(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<RenameCollection>,
) -> Result<Json<CollectionDto>, AppError> {
    let user = user(&principal)?;
    state.repo.rename_collection(id, viewer(user), &req.title).await?;
    current(&state, id, user).await
}

async fn current(state: &AppState, id: i64, user: &AuthenticatedUser) -> Result<Json<CollectionDto>, AppError> {
    let found = state.repo.collections(viewer(user)).await?;
    let (c, _) = found.into_iter().find(|(c, _)| c.id == id).ok_or(tessera_repo::RepoError::NoSuchCollection(id))?;
    Ok(Json(collection_dto(c, viewer(user))))
}

#[utoipa::path(
    delete,
    path = "/collections/{id}",
    tag = "Collections",
    summary = "Delete a collection (its owner or an administrator); its assets stay",
    params(("id" = i64, Path, description = "The collection")),
    responses((status = 204, description = "Deleted"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn delete(State(state): State<AppState>, Extension(principal): Extension<Principal>, Path(id): Path<i64>) -> Result<StatusCode, AppError> {
    let user = user(&principal)?;
    state.repo.delete_collection(id, viewer(user)).await?;
    tracing::info!(id, by = %user.name, "collection deleted");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/collections/{id}/assets",
    tag = "Collections",
    summary = "Add assets the caller may read to a collection they may edit",
    params(("id" = i64, Path, description = "The collection")),
    request_body = AssetPaths,
    responses((status = 204, description = "Added"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn add(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<AssetPaths>,
) -> Result<StatusCode, AppError> {
    let user = user(&principal)?;
    let targets: Vec<Target<'_>> = req.paths.iter().map(Target::Dam).collect();
    authorize_all(&state, &principal, Action::Read, &targets)?;
    state.repo.add_to_collection(id, viewer(user), req.paths).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/collections/{id}/remove",
    tag = "Collections",
    summary = "Take assets out of a collection the caller may edit; the assets stay",
    params(("id" = i64, Path, description = "The collection")),
    request_body = AssetPaths,
    responses((status = 204, description = "Removed"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn remove(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<AssetPaths>,
) -> Result<StatusCode, AppError> {
    let user = user(&principal)?;
    state.repo.remove_from_collection(id, viewer(user), req.paths).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    put,
    path = "/collections/{id}/shares",
    tag = "Collections",
    summary = "Share a collection with a group for reading or editing, or stop (owner or administrator)",
    params(("id" = i64, Path, description = "The collection")),
    request_body = ShareCollection,
    responses((status = 200, description = "OK", body = CollectionDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn share(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ShareCollection>,
) -> Result<Json<CollectionDto>, AppError> {
    let user = user(&principal)?;
    if !crate::config::GROUPS.contains(&req.group.as_str()) {
        return Err(AppError::bad_request("unknown_group", format!("There is no group {:?} (known: {}).", req.group, crate::config::GROUPS.join(", "))));
    }
    let access = req.access.map(|a| match a {
        CollectionAccessDto::Read => CollectionAccess::Read,
        CollectionAccessDto::Edit => CollectionAccess::Edit,
    });
    state.repo.share_collection(id, viewer(user), &req.group, access).await?;
    current(&state, id, user).await
}
