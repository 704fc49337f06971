//! `/api/references/content/dam/...`: which pages use an asset, here and on Sites
//! deployments elsewhere.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use tessera_model::ErrorBody;
use tessera_model::{DamPath, ReferenceCount, ReferenceDto, ReferencesDto};

use crate::auth::{authorize, read_scope, Action, Principal};
use crate::config::parse_origin;
use crate::error::AppError;
use crate::extract::{ApiDamPath, ApiJson};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/references/{path}",
    tag = "References",
    summary = "Pages that use an asset (or anything in a folder), by deployment",
    params(ApiDamPath),
    responses((status = 200, description = "OK", body = ReferencesDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<ReferencesDto>, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    // A folder's references count only the assets in it that the caller may read.
    let scope = read_scope(&state, &principal);
    let refs: Vec<_> = state.repo.references(&path).await?.into_iter().filter(|r| scope.allows(&r.asset)).collect();
    let mut by_deployment: Vec<ReferenceCount> = Vec::new();
    for tessera_repo::Reference { sites_url: site, page_path: page, .. } in &refs {
        let sites_url = (!site.is_empty()).then(|| site.clone());
        match by_deployment.iter_mut().find(|c| c.sites_url == sites_url) {
            Some(c) => {
                c.count += 1;
                c.pages.push(page.clone());
            }
            None => by_deployment.push(ReferenceCount { sites_url, count: 1, pages: vec![page.clone()] }),
        }
    }
    Ok(Json(ReferencesDto { total: refs.len() as u64, by_deployment }))
}

fn checked(reference: &ReferenceDto) -> Result<(String, String), AppError> {
    let site = match &reference.sites_url {
        Some(url) => parse_origin(url).map_err(|e| AppError::bad_request("bad_reference", format!("sites_url: {e}")))?,
        None => String::new(),
    };
    let page = &reference.page_path;
    if !page.starts_with('/') || page.len() > 1024 || page.chars().any(char::is_control) {
        return Err(AppError::bad_request("bad_reference", "page_path must be an absolute page path of at most 1024 bytes."));
    }
    Ok((site, page.clone()))
}

/// Whether a request records a use or takes it back.
#[derive(Clone, Copy)]
enum Change {
    Used,
    NoLongerUsed,
}

async fn change(state: AppState, principal: Principal, path: DamPath, reference: ReferenceDto, change: Change) -> Result<StatusCode, AppError> {
    let (site, page) = checked(&reference)?;
    authorize(&state, &principal, Action::Write, &path)?;
    match change {
        Change::Used => state.repo.add_reference(&path, &site, &page).await?,
        Change::NoLongerUsed => state.repo.remove_reference(&path, &site, &page).await?,
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/references/{path}",
    tag = "References",
    summary = "Record that a page uses an asset",
    params(ApiDamPath),
    request_body = ReferenceDto,
    responses((status = 204, description = "Done"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn add(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiJson(reference): ApiJson<ReferenceDto>,
) -> Result<StatusCode, AppError> {
    change(state, principal, path, reference, Change::Used).await
}

#[utoipa::path(
    delete,
    path = "/references/{path}",
    tag = "References",
    summary = "Forget that a page uses an asset",
    params(ApiDamPath),
    request_body = ReferenceDto,
    responses((status = 204, description = "Done"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn remove(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiJson(reference): ApiJson<ReferenceDto>,
) -> Result<StatusCode, AppError> {
    change(state, principal, path, reference, Change::NoLongerUsed).await
}
