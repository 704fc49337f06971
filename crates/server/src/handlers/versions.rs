//! An asset's versions, check-out and timeline. A new binary is a new version; the
//! earlier ones keep their original, renditions and metadata, readable at
//! `/api/renditions/{name}/...?version=N`, and any of them can be restored.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use serde::Deserialize;
use tessera_model::{
    api_url, CheckOutDto, DamPath, ErrorBody, RenditionLink, RestoreRequest, TimelineEntry, TimelineKind, VersionDto, VersionKindDto, VersionMetadataDto,
};
use tessera_repo::history::{AssetEvent, EventKind, MetadataSnapshot, Release, VersionKind};
use tessera_repo::{AssetRecord, NewVersion, RenditionRecord, Replacement, Restore, VersionRecord};

use crate::auth::{authorize, Action, Principal};
use crate::error::AppError;
use crate::extract::{ApiDamPath, ApiJson, ApiQuery, UploadBody};
use crate::handlers::dam::{body_reader, declared_file};
use crate::state::AppState;

fn version_href(path: &DamPath, name: &str, number: u32) -> String {
    format!("{}?version={number}", api_url(&format!("renditions/{name}"), path))
}

fn metadata_dto(m: MetadataSnapshot) -> VersionMetadataDto {
    VersionMetadataDto { title: m.title, description: m.description, properties: m.properties, tags: m.tags }
}

fn rendition_link(path: &DamPath, number: u32, r: &RenditionRecord) -> RenditionLink {
    RenditionLink {
        name: r.name.to_string(),
        href: version_href(path, r.name.as_str(), number),
        sha256: Some(r.blob.to_string()),
        size: Some(r.size),
        mime: Some(r.mime.clone()),
        width: r.width,
        height: r.height,
    }
}

/// A version as clients see it; the newest takes the asset's own metadata and renditions.
fn version_dto(path: &DamPath, v: VersionRecord, current: Option<&AssetRecord>) -> VersionDto {
    let (metadata, renditions) = match (v.kept, current) {
        (Some(kept), _) => (Some(kept.metadata), kept.renditions),
        (None, Some(asset)) => {
            (Some(MetadataSnapshot::of(asset)), asset.renditions.iter().filter(|r| r.name != tessera_model::RenditionName::Original).cloned().collect())
        }
        (None, None) => (None, Vec::new()),
    };
    let renditions: Vec<RenditionLink> = renditions.iter().map(|r| rendition_link(path, v.number, r)).collect();
    VersionDto {
        number: v.number,
        kind: match v.kind {
            VersionKind::Upload => VersionKindDto::Upload,
            VersionKind::Replaced => VersionKindDto::Replaced,
            VersionKind::CheckedIn => VersionKindDto::CheckedIn,
            VersionKind::Restored { .. } => VersionKindDto::Restored,
        },
        restored_from: v.kind.restored_from(),
        label: v.label,
        href: version_href(path, "original", v.number),
        thumbnail: renditions.iter().find(|r| r.name == "thumbnail-140").map(|r| r.href.clone()),
        mime: v.original.mime,
        size: v.original.size,
        width: v.original.width,
        height: v.original.height,
        comment: v.comment,
        created_by: v.created_by,
        created_at: v.created_at,
        metadata: metadata.map(metadata_dto),
        renditions,
    }
}

/// Every version, the newest with the asset's own state.
fn version_dtos(path: &DamPath, versions: Vec<VersionRecord>, asset: &AssetRecord) -> Vec<VersionDto> {
    let newest = versions.last().map(|v| v.number);
    versions.into_iter().map(|v| version_dto(path, v.clone(), (Some(v.number) == newest).then_some(asset))).collect()
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
    let asset = state.repo.asset(&path).await?;
    let versions = state.repo.versions(&path).await?;
    Ok(Json(version_dtos(&path, versions, &asset)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NewVersionQuery {
    /// Why the binary changes, for the asset's timeline.
    #[param(max_length = 1024)]
    comment: Option<String>,
    /// A short name for the version.
    #[param(max_length = 64)]
    label: Option<String>,
}

#[utoipa::path(
    post,
    path = "/versions/{path}",
    tag = "DAM",
    summary = "Create Version: replace an asset's binary with the raw bytes, their type in Content-Type; the earlier binary stays as a version",
    params(ApiDamPath, NewVersionQuery),
    request_body(content((UploadBody = "application/octet-stream"), (UploadBody = "image/jpeg")), description = "The file's bytes"),
    responses((status = 201, description = "Created", body = VersionDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 423, body = ErrorBody))
)]
pub async fn create(
    state: State<AppState>,
    principal: Extension<Principal>,
    path: ApiDamPath,
    query: ApiQuery<NewVersionQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<VersionDto>), AppError> {
    replace_binary(state, principal, path, query, headers, body, Replacement::Replace).await
}

#[utoipa::path(
    post,
    path = "/checkin/{path}",
    tag = "DAM",
    summary = "Check In: the holder of the check-out uploads the new binary (of the asset's type) as a new version, and the lock is released",
    params(ApiDamPath, NewVersionQuery),
    request_body(content((UploadBody = "application/octet-stream"), (UploadBody = "image/jpeg")), description = "The file's bytes"),
    responses((status = 201, description = "Created", body = VersionDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 423, body = ErrorBody))
)]
pub async fn check_in(
    state: State<AppState>,
    principal: Extension<Principal>,
    path: ApiDamPath,
    query: ApiQuery<NewVersionQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<VersionDto>), AppError> {
    replace_binary(state, principal, path, query, headers, body, Replacement::CheckIn).await
}

async fn replace_binary(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiQuery(query): ApiQuery<NewVersionQuery>,
    headers: HeaderMap,
    body: Body,
    how: Replacement,
) -> Result<(StatusCode, Json<VersionDto>), AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    let declared_mime = declared_file(&state, &headers)?;
    let request = NewVersion {
        path: path.clone(),
        declared_mime,
        label: query.label.unwrap_or_default().trim().to_owned(),
        comment: query.comment.unwrap_or_default().trim().to_owned(),
        user: user.name().to_owned(),
        how,
    };
    let version = state.repo.new_version(request, body_reader(body)).await?;
    tracing::info!(%path, version = version.number, size = version.original.size, ?how, "new version");
    let asset = state.repo.asset(&path).await?;
    Ok((StatusCode::CREATED, Json(version_dto(&path, version, Some(&asset)))))
}

#[utoipa::path(
    post,
    path = "/restore/{path}",
    tag = "DAM",
    summary = "Restore an earlier version, with its renditions and metadata, as a new version; nothing is lost",
    params(ApiDamPath),
    request_body = RestoreRequest,
    responses((status = 201, description = "Created", body = VersionDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 423, body = ErrorBody))
)]
pub async fn restore(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiJson(req): ApiJson<RestoreRequest>,
) -> Result<(StatusCode, Json<VersionDto>), AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    let restore = Restore { path: path.clone(), number: req.version, comment: req.comment.trim().to_owned(), user: user.name().to_owned() };
    let version = state.repo.restore_version(restore).await?;
    tracing::info!(%path, from = req.version, version = version.number, "version restored");
    let asset = state.repo.asset(&path).await?;
    Ok((StatusCode::CREATED, Json(version_dto(&path, version, Some(&asset)))))
}

#[utoipa::path(
    post,
    path = "/checkout/{path}",
    tag = "DAM",
    summary = "Check Out: only the holder may then replace, move or delete the asset; checking out one's own again changes nothing",
    params(ApiDamPath),
    responses((status = 200, description = "Checked out", body = CheckOutDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 423, body = ErrorBody))
)]
pub async fn check_out(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<CheckOutDto>, AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    let lock = state.repo.check_out(&path, user.name()).await?;
    tracing::info!(%path, by = %lock.by, "checked out");
    Ok(Json(CheckOutDto { by: lock.by, at: lock.at }))
}

#[utoipa::path(
    delete,
    path = "/checkout/{path}",
    tag = "DAM",
    summary = "Cancel a check-out (its holder) or Release Lock (an administrator, whoever holds it), without a new version",
    params(ApiDamPath),
    responses((status = 204, description = "Released"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 423, body = ErrorBody))
)]
pub async fn release(State(state): State<AppState>, Extension(principal): Extension<Principal>, ApiDamPath(path): ApiDamPath) -> Result<StatusCode, AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    let release = if user.is_administrator() { Release::ByAdministrator(user.name().to_owned()) } else { Release::ByHolder(user.name().to_owned()) };
    state.repo.release_check_out(&path, release).await?;
    tracing::info!(%path, by = %user.name(), "check-out released");
    Ok(StatusCode::NO_CONTENT)
}

/// One timeline entry; a version's carries its label and comment.
fn timeline_entry(e: AssetEvent, versions: &[VersionRecord]) -> TimelineEntry {
    let kind = match e.kind {
        EventKind::Version(VersionKind::Upload) => TimelineKind::Created,
        EventKind::Version(VersionKind::Replaced) => TimelineKind::VersionCreated,
        EventKind::Version(VersionKind::CheckedIn) => TimelineKind::CheckedIn,
        EventKind::Version(VersionKind::Restored { .. }) => TimelineKind::Restored,
        EventKind::CheckedOut => TimelineKind::CheckedOut,
        EventKind::CheckOutCancelled => TimelineKind::CheckOutCancelled,
        EventKind::LockReleased => TimelineKind::LockReleased,
        EventKind::MetadataChanged => TimelineKind::MetadataChanged,
        EventKind::Moved => TimelineKind::Moved,
    };
    let detail = match e.version.and_then(|n| versions.iter().find(|v| v.number == n)) {
        Some(v) => [v.label.as_str(), v.comment.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(": "),
        None => e.detail,
    };
    TimelineEntry { kind, by: e.by, at: e.at, version: e.version, detail }
}

#[utoipa::path(
    get,
    path = "/timeline/{path}",
    tag = "DAM",
    summary = "An asset's timeline, newest first: its versions (created, new version, checked in, restored) and events (checked out, lock released, metadata changed, moved)",
    params(ApiDamPath),
    responses((status = 200, description = "OK", body = Vec<TimelineEntry>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn timeline(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<Vec<TimelineEntry>>, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    let (versions, events) = state.repo.timeline(&path).await?;
    Ok(Json(events.into_iter().rev().map(|e| timeline_entry(e, &versions)).collect()))
}
