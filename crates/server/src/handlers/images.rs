//! Edited images: an Image component's edit state applied to the original, at a
//! width from the image policy only.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;
use tessera_model::ErrorBody;
use tessera_repo::{BlobHash, OutputFormat};

use crate::auth::{authorize, Action, Principal};
use crate::error::AppError;
use crate::extract::{ApiDamPath, ApiQuery};
use crate::handlers::delivery::whole_blob;
use crate::state::AppState;

fn not_found() -> AppError {
    AppError::refused(StatusCode::NOT_FOUND, "not_found", "There is no such image.")
}

/// Renders (or reuses) the edited image and answers with it.
async fn render(
    state: &AppState,
    original: &BlobHash,
    key: &str,
    (width, format): (u32, OutputFormat),
    headers: &HeaderMap,
    cache: &'static str,
) -> Result<Response, AppError> {
    if !state.settings.images.widths.contains(&width) {
        return Err(not_found());
    }
    let edit = state.repo.edit_state(key).await?.ok_or_else(not_found)?;
    let Some(_slot) = state.renders.enter().await else {
        let mut r = AppError::refused(StatusCode::SERVICE_UNAVAILABLE, "busy", "Too many images are being rendered; try again in a moment.").into_response();
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        return Ok(r);
    };
    let hash = state.repo.edited_image(original, &edit, width, format, state.settings.images.quality).await?;
    whole_blob(&state.repo, &hash, format.mime(), headers, cache).await
}

/// `1280.jpg` or `1280.webp`: the width and the format.
fn width_and_format(file: &str) -> Result<(u32, OutputFormat), AppError> {
    let (width, extension) = file.split_once('.').ok_or_else(not_found)?;
    let format = OutputFormat::from_extension(extension).ok_or_else(not_found)?;
    Ok((width.parse().map_err(|_| not_found())?, format))
}

/// `GET /published/image/<original>/<edit>/<width>.jpg` (or `.webp`): for published
/// pages. The URL names the original's content and the edit, so the answer never
/// changes.
pub async fn published(
    State(state): State<AppState>,
    Path((hash, key, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let original = BlobHash::parse(&hash).ok_or_else(not_found)?;
    if state.repo.published_blob(&original).await?.is_none() {
        return Err(not_found());
    }
    render(&state, &original, &key, width_and_format(&file)?, &headers, "public, max-age=31536000, immutable").await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EditedQuery {
    edit: String,
    w: u32,
}

/// `GET /api/image/content/dam/...?edit=<key>&w=<width>`: for previews, by whoever
/// may read the asset.
#[utoipa::path(
    get,
    path = "/image/{path}",
    tag = "Images",
    summary = "An image with an edit state applied, at a width from the image policy",
    params(ApiDamPath, EditedQuery),
    responses((status = 200, description = "JPEG", content_type = "image/jpeg"), (status = 304, description = "Not modified"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn edited(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiQuery(q): ApiQuery<EditedQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    let asset = state.repo.asset(&path).await?;
    let original = asset.renditions.iter().find(|r| r.name == tessera_model::RenditionName::Original).ok_or_else(not_found)?.blob.clone();
    render(&state, &original, &q.edit, (q.w, OutputFormat::Jpeg), &headers, "private, max-age=31536000, immutable").await
}
