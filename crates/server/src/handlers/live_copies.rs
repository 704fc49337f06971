//! MSM for Assets over HTTP: Create Live Copy, a live copy's relationship and
//! status, a source's live copies, Rollout, Synchronize, Suspend and Resume, cancel
//! and re-enable inheritance, Reset and Detach. The rules are `model::msm`'s; every
//! end a request reads or writes passes the one authorization check.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use tessera_model::connected::JobKind;
use tessera_model::msm::RelationshipStatus;
use tessera_model::msm::{
    CreateLiveCopyRequest, InheritedField, LiveCopyDto, LiveCopyOverview, LiveCopyResult, RolloutDto, RolloutPreview, RolloutRequest, SkippedDto,
    SourceComparison, MAX_OVERVIEW_ROWS, MAX_ROLLOUT_TARGETS,
};
use tessera_model::{DamPath, ErrorBody, Title};
use tessera_repo::live_copies::{StoredRelationship, Suspension};

use crate::auth::{authorize, read_scope, Action, Principal};
use crate::error::AppError;
use crate::extract::{ApiDamPath, ApiJson, ApiQuery};
use crate::state::AppState;

/// The live copy at `path` as the API shows it, after the caller may read its source.
async fn live_copy_dto(state: &AppState, principal: &Principal, path: &DamPath) -> Result<LiveCopyDto, AppError> {
    let (stored, status) = state.repo.live_copy_status(path).await?;
    authorize(state, principal, Action::Read, &stored.relationship.source)?;
    Ok(dto(path.clone(), stored, status))
}

fn dto(path: DamPath, stored: StoredRelationship, status: RelationshipStatus) -> LiveCopyDto {
    let r = stored.relationship;
    LiveCopyDto {
        path,
        source: r.source,
        config: r.config,
        suspended: r.suspended,
        cancelled: r.cancelled.into_iter().collect(),
        last_rollout: r.last_rollout,
        status,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// Only the live copies below this one of the source's live copy folders.
    #[param(value_type = Option<String>, max_length = 2048)]
    folder: Option<DamPath>,
}

#[utoipa::path(
    get,
    path = "/live-copy-overview/{path}",
    tag = "MSM",
    summary = "Live Copy Overview of a source folder: every live copy asset below its live copy folders that the caller may read, with its Relationship Status",
    params(ApiDamPath, OverviewQuery),
    responses((status = 200, description = "The overview", body = LiveCopyOverview), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn overview(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiQuery(query): ApiQuery<OverviewQuery>,
) -> Result<Json<LiveCopyOverview>, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    if !state.repo.is_folder(&path).await? {
        return Err(AppError::bad_request("not_a_folder", "The Live Copy Overview is for a source folder."));
    }
    let scope = read_scope(&state, &principal);
    let (folders, rows, truncated) = state.repo.live_copy_overview(&path, query.folder.as_ref(), |p| scope.allows(p), MAX_OVERVIEW_ROWS).await?;
    Ok(Json(LiveCopyOverview {
        source: path,
        live_copy_folders: folders.into_iter().filter(|f| scope.allows(f)).collect(),
        live_copies: rows.into_iter().map(|(p, stored, status)| dto(p, stored, status)).collect(),
        truncated,
    }))
}

/// The source of the live copy at `path`, which the caller must be able to read.
async fn readable_source(state: &AppState, principal: &Principal, path: &DamPath) -> Result<DamPath, AppError> {
    let source = state.repo.live_relationship(path).await?.relationship.source;
    authorize(state, principal, Action::Read, &source)?;
    Ok(source)
}

#[utoipa::path(
    post,
    path = "/live-copies",
    tag = "MSM",
    summary = "Create Live Copy of an asset or a folder (Standard rollout config): copies sharing the source's stored bytes, kept in step with it; a folder's children are made in a job",
    request_body = CreateLiveCopyRequest,
    responses((status = 201, description = "Created (a folder's children follow in `job`)", body = LiveCopyResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiJson(req): ApiJson<CreateLiveCopyRequest>,
) -> Result<(StatusCode, Json<LiveCopyResult>), AppError> {
    authorize(&state, &principal, Action::Read, &req.source)?;
    let user = authorize(&state, &principal, Action::Write, &req.destination)?;
    let title = req.title.as_deref().map(Title::parse).transpose().map_err(|e| AppError::bad_request("bad_metadata", e.to_string()))?;
    let is_folder = state.repo.is_folder(&req.source).await?;
    if !is_folder && req.include_children.is_some() {
        return Err(AppError::bad_request("bad_query", "Assets have no children: include_children is for folders."));
    }
    state.repo.create_live_copy(&req.source, &req.destination, title, user.name()).await?;
    tracing::info!(source = %req.source, copy = %req.destination, by = %user.name(), "live copy created");
    let job = match is_folder && req.include_children != Some(false) {
        true => Some(crate::jobs::start_walk(&state.repo, JobKind::LiveCopy, &req.source, &req.destination, user.name()).await?),
        false => None,
    };
    let live_copy = live_copy_dto(&state, &principal, &req.destination).await?;
    Ok((StatusCode::CREATED, Json(LiveCopyResult { live_copy, job })))
}

#[utoipa::path(
    get,
    path = "/live-copies/{path}",
    tag = "MSM",
    summary = "A live copy's relationship: its source, rollout config, suspension, cancelled inheritance, last rollout and status",
    params(ApiDamPath),
    responses((status = 200, description = "The relationship", body = LiveCopyDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn get(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<LiveCopyDto>, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    Ok(Json(live_copy_dto(&state, &principal, &path).await?))
}

#[utoipa::path(
    delete,
    path = "/live-copies/{path}",
    tag = "MSM",
    summary = "Detach: remove the relationship for good; the live copy becomes a standalone asset",
    params(ApiDamPath),
    responses((status = 204, description = "Detached"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn detach(State(state): State<AppState>, Extension(principal): Extension<Principal>, ApiDamPath(path): ApiDamPath) -> Result<StatusCode, AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    state.repo.detach(&path).await?;
    tracing::info!(%path, by = %user.name(), "live copy detached");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/live-copies-of/{path}",
    tag = "MSM",
    summary = "A source's direct live copies that the caller may read, each with its status",
    params(ApiDamPath),
    responses((status = 200, description = "The live copies", body = [LiveCopyDto]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn of_source(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<Vec<LiveCopyDto>>, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    let mut out = Vec::new();
    for (copy, _) in state.repo.live_copies_of(&path).await? {
        if authorize(&state, &principal, Action::Read, &copy).is_ok() {
            out.push(live_copy_dto(&state, &principal, &copy).await?);
        }
    }
    Ok(Json(out))
}

/// The live copies a rollout from `source` asked for by `req` updates, each of which
/// the caller must be able to write, and those it skips.
async fn writable_targets(
    state: &AppState,
    principal: &Principal,
    source: &DamPath,
    req: RolloutRequest,
) -> Result<(Vec<DamPath>, Vec<(DamPath, tessera_model::msm::Skipped)>), AppError> {
    if req.live_copies.as_ref().is_some_and(|l| l.is_empty() || l.len() > MAX_ROLLOUT_TARGETS) {
        return Err(AppError::bad_request("bad_query", format!("Name 1 to {MAX_ROLLOUT_TARGETS} live copies, or none for all.")));
    }
    let (targets, skipped) = state.repo.rollout_targets(source, req.live_copies).await?;
    for target in &targets {
        authorize(state, principal, Action::Write, target)?;
    }
    Ok((targets, skipped))
}

#[utoipa::path(
    post,
    path = "/rollout/{path}",
    tag = "MSM",
    summary = "Rollout: the source's changes to some or all of its direct live copies; suspended ones are skipped and named",
    params(ApiDamPath),
    request_body = RolloutRequest,
    responses((status = 200, description = "What was updated and skipped", body = RolloutDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn rollout(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiJson(req): ApiJson<RolloutRequest>,
) -> Result<Json<RolloutDto>, AppError> {
    let user = authorize(&state, &principal, Action::Read, &path)?;
    let (updated, skipped) = writable_targets(&state, &principal, &path, req).await?;
    let mut jobs = Vec::new();
    if state.repo.is_folder(&path).await? {
        for target in &updated {
            jobs.push(crate::jobs::start_walk(&state.repo, JobKind::Rollout, &path, target, user.name()).await?);
        }
    } else {
        for target in &updated {
            state.repo.synchronize(target, user.name()).await?;
        }
    }
    tracing::info!(%path, updated = updated.len(), skipped = skipped.len(), by = %user.name(), "rolled out");
    let skipped = skipped.into_iter().map(|(path, reason)| SkippedDto { path, reason }).collect();
    Ok(Json(RolloutDto { updated, skipped, jobs }))
}

#[utoipa::path(
    get,
    path = "/compare-with-source/{path}",
    tag = "MSM",
    summary = "Compare with source: every field where a live copy differs from its source, both values, and whether it is a local modification",
    params(ApiDamPath),
    responses((status = 200, description = "The differences", body = SourceComparison), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn compare_with_source(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<SourceComparison>, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    readable_source(&state, &principal, &path).await?;
    Ok(Json(state.repo.compare_with_source(&path).await?))
}

#[utoipa::path(
    post,
    path = "/rollout-preview/{path}",
    tag = "MSM",
    summary = "Preview a Rollout: what it would change in each chosen live copy (fields, live copies made and removed below a folder, local modifications kept, copies skipped), changing nothing",
    params(ApiDamPath),
    request_body = RolloutRequest,
    responses((status = 200, description = "What the rollout would do", body = RolloutPreview), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn rollout_preview(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiJson(req): ApiJson<RolloutRequest>,
) -> Result<Json<RolloutPreview>, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    // What the caller may not roll out to, it may not preview either.
    let (targets, skipped) = writable_targets(&state, &principal, &path, req).await?;
    let mut live_copies = Vec::with_capacity(targets.len());
    for target in &targets {
        live_copies.push(state.repo.preview_rollout(&path, target).await?);
    }
    let skipped = skipped.into_iter().map(|(path, reason)| SkippedDto { path, reason }).collect();
    Ok(Json(RolloutPreview { live_copies, skipped }))
}

#[utoipa::path(
    post,
    path = "/synchronize/{path}",
    tag = "MSM",
    summary = "Synchronize one live copy: it pulls its source's changes, keeping its local modifications; not while suspended. A folder is walked with its children in a job",
    params(ApiDamPath),
    responses((status = 200, description = "Synchronized (a folder: started, in `job`)", body = LiveCopyResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn synchronize(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<LiveCopyResult>, AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    let source = readable_source(&state, &principal, &path).await?;
    let job = match state.repo.is_folder(&path).await? {
        true => {
            state.repo.refuse_suspended_or_orphaned(&path).await?;
            Some(crate::jobs::start_walk(&state.repo, JobKind::Rollout, &source, &path, user.name()).await?)
        }
        false => {
            state.repo.synchronize(&path, user.name()).await?;
            None
        }
    };
    Ok(Json(LiveCopyResult { live_copy: live_copy_dto(&state, &principal, &path).await?, job }))
}

async fn suspension(state: AppState, principal: Principal, path: DamPath, suspension: Suspension) -> Result<Json<LiveCopyDto>, AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    state.repo.set_suspension(&path, suspension).await?;
    tracing::info!(%path, ?suspension, by = %user.name(), "live relationship");
    Ok(Json(live_copy_dto(&state, &principal, &path).await?))
}

#[utoipa::path(
    post,
    path = "/suspend/{path}",
    tag = "MSM",
    summary = "Suspend a live relationship: the live copy receives nothing until resumed",
    params(ApiDamPath),
    responses((status = 200, description = "Suspended", body = LiveCopyDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn suspend(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<LiveCopyDto>, AppError> {
    suspension(state, principal, path, Suspension::Suspend).await
}

#[utoipa::path(
    post,
    path = "/resume/{path}",
    tag = "MSM",
    summary = "Resume a suspended live relationship",
    params(ApiDamPath),
    responses((status = 200, description = "Resumed", body = LiveCopyDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn resume(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<LiveCopyDto>, AppError> {
    suspension(state, principal, path, Suspension::Resume).await
}

#[utoipa::path(
    post,
    path = "/reset/{path}",
    tag = "MSM",
    summary = "Reset: overwrite every local modification with the source's values and re-enable inheritance on every field; cannot be undone",
    params(ApiDamPath),
    responses((status = 200, description = "Reset", body = LiveCopyDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn reset(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<LiveCopyDto>, AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    readable_source(&state, &principal, &path).await?;
    state.repo.reset_live_copy(&path, user.name()).await?;
    tracing::info!(%path, by = %user.name(), "live copy reset");
    Ok(Json(live_copy_dto(&state, &principal, &path).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FieldQuery {
    /// `binary`, `title`, `description`, `tags` or `property:<name>`.
    #[param(max_length = 200)]
    field: String,
}

fn field_of(query: &FieldQuery) -> Result<InheritedField, AppError> {
    InheritedField::parse(&query.field).map_err(|e| AppError::bad_request("bad_field", e.to_string()))
}

#[utoipa::path(
    delete,
    path = "/inheritance/{path}",
    tag = "MSM",
    summary = "Cancel inheritance of one field: it becomes a local modification that rollouts never overwrite",
    params(ApiDamPath, FieldQuery),
    responses((status = 200, description = "Cancelled", body = LiveCopyDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn cancel_inheritance(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiQuery(query): ApiQuery<FieldQuery>,
) -> Result<Json<LiveCopyDto>, AppError> {
    let field = field_of(&query)?;
    authorize(&state, &principal, Action::Write, &path)?;
    state.repo.cancel_inheritance(&path, field).await?;
    Ok(Json(live_copy_dto(&state, &principal, &path).await?))
}

#[utoipa::path(
    put,
    path = "/inheritance/{path}",
    tag = "MSM",
    summary = "Re-enable inheritance of one field: it takes the source's value at once",
    params(ApiDamPath, FieldQuery),
    responses((status = 200, description = "Inheriting", body = LiveCopyDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn reenable_inheritance(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiQuery(query): ApiQuery<FieldQuery>,
) -> Result<Json<LiveCopyDto>, AppError> {
    let field = field_of(&query)?;
    let user = authorize(&state, &principal, Action::Write, &path)?;
    readable_source(&state, &principal, &path).await?;
    state.repo.reenable_inheritance(&path, field, user.name()).await?;
    Ok(Json(live_copy_dto(&state, &principal, &path).await?))
}
