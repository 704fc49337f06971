//! `/api/connected-assets/*` and `/api/jobs`: the Connected Assets configuration
//! (administrators), fetching a remote asset into the mount point (authors), and the
//! Async Jobs page.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use tessera_model::connected::{ConnectedConfigDto, ConnectedConfigUpdate, ConnectionReport, FetchRequest, FetchResult, JobDto, JobState};
use tessera_model::DamPath;
use tessera_model::ErrorBody;

use crate::auth::{authorize, read_scope, Action, Principal};
use crate::config::ConnectedSettings;
use crate::connected::{fetch as fetch_asset, test_connection, Connected, FetchError, RemoteError};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiQuery};
use crate::handlers::dam::asset_dto;
use crate::state::AppState;

fn connected(state: &AppState) -> Result<&std::sync::Arc<Connected>, AppError> {
    state.connected.as_ref().ok_or_else(|| AppError::refused(StatusCode::NOT_FOUND, "not_a_sites_deployment", "Only a Sites deployment has Connected Assets."))
}

#[utoipa::path(
    get,
    path = "/connected-assets/config",
    tag = "Connected Assets",
    summary = "The Connected Assets configuration (administrators; never the password)",
    responses((status = 200, description = "OK", body = ConnectedConfigDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn config(State(state): State<AppState>, Extension(principal): Extension<Principal>) -> Result<Json<ConnectedConfigDto>, AppError> {
    authorize(&state, &principal, Action::Administer, &DamPath::root())?;
    Ok(Json(connected(&state)?.dto()))
}

#[utoipa::path(
    put,
    path = "/connected-assets/config",
    tag = "Connected Assets",
    summary = "Change the Connected Assets configuration (administrators)",
    request_body = ConnectedConfigUpdate,
    responses((status = 200, description = "OK", body = ConnectedConfigDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn update_config(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiJson(update): ApiJson<ConnectedConfigUpdate>,
) -> Result<Json<ConnectedConfigDto>, AppError> {
    authorize(&state, &principal, Action::Administer, &DamPath::root())?;
    let connected = connected(&state)?;
    let stored_password = connected.settings().distributor_password;
    let settings = ConnectedSettings {
        title: update.title,
        remote_dam_url: update.remote_dam_url,
        distributor_user: update.distributor_user,
        distributor_password: update.distributor_password.filter(|p| !p.is_empty()).unwrap_or(stored_password),
        mount_point: update.mount_point,
        local_sites_url: update.local_sites_url,
        threshold_bytes: update.threshold_bytes,
        shared_datastore: update.shared_datastore,
    }
    .validated()
    .map_err(|(key, problem)| AppError::bad_request("bad_config", format!("{key}: {problem}")))?;
    connected.replace(settings, &state.repo).await?;
    tracing::info!(config = ?connected.settings(), "Connected Assets configuration changed");
    Ok(Json(connected.dto()))
}

#[utoipa::path(
    post,
    path = "/connected-assets/test",
    tag = "Connected Assets",
    summary = "Test connection: reachability, authentication and CORS of the remote DAM",
    responses((status = 200, description = "OK", body = ConnectionReport), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn test(State(state): State<AppState>, Extension(principal): Extension<Principal>) -> Result<Json<ConnectionReport>, AppError> {
    authorize(&state, &principal, Action::Administer, &DamPath::root())?;
    let connected = connected(&state)?;
    Ok(Json(test_connection(&connected.remote, &connected.settings()).await))
}

fn fetch_failure(e: FetchError) -> AppError {
    let message = e.to_string();
    match e {
        FetchError::Timeout { .. } => AppError::refused(StatusCode::GATEWAY_TIMEOUT, "fetch_timeout", message),
        FetchError::Repo(e) => AppError::Repo(e),
        FetchError::Remote(r) => match r {
            RemoteError::NotFound { .. } => AppError::refused(StatusCode::NOT_FOUND, "remote_not_found", message),
            RemoteError::NotConfigured => AppError::refused(StatusCode::SERVICE_UNAVAILABLE, "not_configured", message),
            RemoteError::Repo(e) => AppError::Repo(e),
            RemoteError::BadCredentials => AppError::refused(StatusCode::BAD_GATEWAY, "remote_login_refused", message),
            RemoteError::Unreachable { .. } => AppError::refused(StatusCode::BAD_GATEWAY, "remote_unreachable", message),
            RemoteError::Refused { .. } | RemoteError::BadResponse(_) | RemoteError::Interrupted(_) => {
                AppError::refused(StatusCode::BAD_GATEWAY, "remote_failed", message)
            }
        },
    }
}

/// `POST /api/connected-assets/fetch`: copies a remote asset into the mount point as
/// the DAM distributor, for a page the caller may change.
#[utoipa::path(
    post,
    path = "/connected-assets/fetch",
    tag = "Connected Assets",
    summary = "Fetch a remote asset into the mount point for a page, as the DAM distributor, within 5 seconds",
    request_body = FetchRequest,
    responses((status = 200, description = "OK", body = FetchResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 502, body = ErrorBody), (status = 504, body = ErrorBody))
)]
pub async fn fetch(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<FetchRequest>,
) -> Result<Json<FetchResult>, AppError> {
    authorize(&state, &principal, Action::Write, &request.page_path)?;
    let connected = connected(&state)?;
    let fetched = fetch_asset(connected, &state.repo, &request).await.map_err(fetch_failure)?;
    tracing::info!(remote = %request.remote_path, local = %fetched.copy.path, bytes = fetched.bytes_transferred, "remote asset fetched");
    Ok(Json(FetchResult {
        asset: asset_dto(fetched.copy),
        original: fetched.original,
        dropped_tags: fetched.dropped_tags,
        bytes_transferred: fetched.bytes_transferred,
        job: fetched.job,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobsQuery {
    #[param(value_type = Option<tessera_model::connected::JobState>)]
    state: Option<String>,
}

/// `GET /api/jobs?state=active|success|failed`: of the newest 200 jobs, those whose
/// destination (the copy in the mount point, the live copy folder) the caller may read.
#[utoipa::path(
    get,
    path = "/jobs",
    tag = "Connected Assets",
    summary = "Async Jobs: fetches, large originals, reference reports and live copy folders' walks, newest first",
    params(JobsQuery),
    responses((status = 200, description = "OK", body = Vec<JobDto>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn jobs(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiQuery(query): ApiQuery<JobsQuery>,
) -> Result<Json<Vec<JobDto>>, AppError> {
    if matches!(principal, Principal::Anonymous) {
        return Err(AppError::unauthenticated());
    }
    let scope = read_scope(&state, &principal);
    let wanted = match query.state.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(JobState::parse(raw).ok_or_else(|| AppError::bad_request("bad_query", "state is one of active, success, failed."))?),
    };
    let jobs = state.repo.jobs(wanted, 200).await?;
    Ok(Json(jobs.into_iter().filter(|job| scope.allows(&job.local_path)).collect()))
}
