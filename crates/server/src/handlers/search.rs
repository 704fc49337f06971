//! `GET /api/search`: full text and filters over the assets the caller may read.

use axum::extract::State;
use axum::{Extension, Json};
use tessera_model::ErrorBody;
use tessera_model::{DamPath, SearchQuery, SearchResults};

use crate::auth::{authorize_all, read_scope, Action, Principal, Target};
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::handlers::dam::asset_dto;
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/search",
    tag = "DAM",
    summary = "Search assets: words and filters, keyset paging",
    params(SearchQuery),
    responses((status = 200, description = "OK", body = SearchResults), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn search(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResults>, AppError> {
    if query.q.as_ref().is_some_and(|q| q.len() > 1000) {
        return Err(AppError::bad_request("bad_query", "The search words are longer than 1000 bytes."));
    }
    let root = DamPath::root();
    let folders = [query.folder.as_ref().unwrap_or(&root)].into_iter().chain(query.in_folder.as_ref());
    authorize_all(&state, &principal, Action::Read, &folders.map(Target::from).collect::<Vec<_>>())?;
    let page = state.repo.search(query, read_scope(&state, &principal)).await?;
    let mut results = SearchResults {
        assets: page.assets.into_iter().map(asset_dto).collect(),
        next_cursor: page.next_cursor,
        total: None,
        more_than_total: false,
        total_is_estimate: false,
    };
    results.set_count(page.total);
    Ok(Json(results))
}
